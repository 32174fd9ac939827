import Foundation
import RunLocalAICore

/// One thing wrong with a submission: the JSON field, a machine-readable code and a sentence saying what to fix.
///
/// ```swift
/// SubmissionProblem(field: "quant", code: .unknown, message: "unknown quantisation 'Q4KM'; did you mean 'Q4_K_M'?")
/// ```
public struct SubmissionProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        case missing, unknown, outOfRange = "out_of_range", tooLong = "too_long", invalidCharacters = "invalid_characters"
        case implausible, future, malformed
    }
    /// The snake_case JSON field (`decode_tps`, `hardware[1]`).
    public var field: String
    public var code: Code
    public var message: String
    public init(field: String, code: Code, message: String) { self.field = field; self.code = code; self.message = message }
    public var description: String { "\(field): \(message)" }
}

/// A submission refused, with every problem found (not just the first).
///
/// ```swift
/// do { try SubmissionValidator.validate(run, catalog: catalog) }
/// catch let rejected as SubmissionRejected { rejected.problems.map(\.field) }   // ["model", "decode_tps"]
/// ```
public struct SubmissionRejected: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [SubmissionProblem]
    public var description: String {
        "the benchmark run was refused (\(problems.count) problem\(problems.count == 1 ? "" : "s")): "
            + problems.map(\.description).joined(separator: "; ")
    }
}

/// Checks a benchmark submission against the catalog and physics before it reaches the store. Pure: the same
/// run, catalog and clock always give the same answer.
///
/// What it checks: the model is a catalog id or `gguf:<64 hex>`; hardware ids are in the catalog (1...16 kinds,
/// count 1...64); the quantisation is a llama.cpp file type; the runtime is a catalog runtime; numbers are finite
/// and in range (context 1...10M tokens, token counts ≥ 0, speeds > 0); decode speed is below the physical
/// ceiling (1.5 × the hardware's total memory bandwidth ÷ the bytes of weights one token reads); text is within
/// its length cap and free of control characters (newline and tab allowed in the log excerpt only); dates are
/// not in the future. Unknown names get the catalog's did-you-mean. Ids, status and submission time are the
/// server's: they are not checked.
///
/// ```swift
/// let problems = SubmissionValidator.problems(in: run, catalog: catalog, now: Date())
/// let run = try SubmissionValidator.validate(run, catalog: catalog)    // throws SubmissionRejected
/// ```
public enum SubmissionValidator {
    /// Decode may not exceed this multiple of bandwidth ÷ active weight bytes (caches and measurement noise
    /// never explain more).
    public static let ceilingFactor = 1.5
    /// With no catalog profile (a `gguf:` model) only this absolute ceiling applies.
    public static let absoluteDecodeCeiling = 100_000.0
    public static let absolutePrefillCeiling = 10_000_000.0
    public static let maxContext = 10_000_000
    /// Clock skew tolerated on `measured_at`.
    public static let clockSkew: TimeInterval = 300

    /// Text caps in UTF-8 bytes (never above ``StoreLimits``).
    public static let textLimits: [String: Int] = [
        "model": 128, "quant": 32, "hardware": 128, "runtime": 64, "runtime_version": 128, "backend": 64, "kv_type": 16,
        "os": 128, "submitter": 64, "command": 4096, "log_excerpt": StoreLimits.logExcerptBytes, "log_url": 2048,
        "log_sha256": 64, "source": 512,
    ]

    /// Returns the run if it passes, or throws ``SubmissionRejected`` with every problem.
    @discardableResult
    public static func validate(_ run: BenchmarkRun, catalog: Catalog, now: Date = Date()) throws -> BenchmarkRun {
        let found = problems(in: run, catalog: catalog, now: now)
        guard found.isEmpty else { throw SubmissionRejected(problems: found) }
        return run
    }

    /// Maps names the catalog resolves unambiguously ("RTX 3090", "Llama 3.1 8B", "q4_k_m", "llama-cpp") to their
    /// ids, leaving anything else as it is for ``problems(in:catalog:now:)`` to report. Long inputs are left alone.
    ///
    /// ```swift
    /// let run = try SubmissionValidator.validate(SubmissionValidator.resolvingNames(in: submitted, catalog: catalog), catalog: catalog)
    /// ```
    public static func resolvingNames(in run: BenchmarkRun, catalog: Catalog) -> BenchmarkRun {
        var r = run
        if !r.model.hasPrefix("gguf:"), r.model.utf8.count <= 128, catalog.model(id: r.model) == nil,
           let m = try? catalog.model(named: r.model) { r.model = m.id }
        if r.quant.utf8.count <= 32, let q = QuantMix(name: r.quant) { r.quant = q.name }
        r.hardware = r.hardware.map { h in
            guard h.utf8.count <= 128, catalog.device(id: h) == nil, let s = try? catalog.hardware(named: h, exact: true), s.count == 1 else { return h }
            return s.device.id
        }
        if r.runtime.utf8.count <= 64, !catalog.runtimes.contains(where: { $0.id == r.runtime }),
           let rt = try? catalog.runtime(named: r.runtime) { r.runtime = rt.id }
        return r
    }

    /// Every problem with the run; empty when it is acceptable.
    public static func problems(in r: BenchmarkRun, catalog: Catalog, now: Date = Date()) -> [SubmissionProblem] {
        var out: [SubmissionProblem] = []
        func add(_ field: String, _ code: SubmissionProblem.Code, _ message: String) {
            out.append(SubmissionProblem(field: field, code: code, message: message))
        }

        // Text: size first (nothing below looks at an oversized string), then characters.
        var textOK: [String: Bool] = [:]
        func text(_ field: String, _ value: String?, limitKey: String? = nil, multiline: Bool = false, required: Bool = false) {
            guard let value else { if required { add(field, .missing, "\(field) is required") }; textOK[field] = !required; return }
            let limit = textLimits[limitKey ?? field] ?? StoreLimits.shortTextBytes
            let size = value.utf8.count
            if required && value.trimmingCharacters(in: .whitespaces).isEmpty {
                add(field, .missing, "\(field) is empty"); textOK[field] = false; return
            }
            if size > limit {
                add(field, .tooLong, "\(field) is \(size) bytes; at most \(limit) are accepted"); textOK[field] = false; return
            }
            if let bad = value.unicodeScalars.first(where: { !allowed($0, multiline: multiline) }) {
                let what = String(format: "U+%04X", bad.value)
                add(field, .invalidCharacters, "\(field) contains the control character \(what)"
                    + (multiline ? "; only newline and tab are allowed (normalise line endings to \\n)" : "; it must be one line of printable text"))
                textOK[field] = false; return
            }
            textOK[field] = true
        }
        text("model", r.model, required: true)
        text("quant", r.quant, required: true)
        text("runtime", r.runtime, required: true)
        text("runtime_version", r.runtimeVersion)
        text("backend", r.backend)
        text("kv_type", r.kvType)
        text("os", r.os)
        text("submitter", r.submitter)
        text("command", r.command)
        text("log_excerpt", r.logExcerpt, multiline: true)
        text("log_url", r.logURL)
        text("log_sha256", r.logSHA256)
        text("source", r.source)

        // Model.
        var model: CatalogModel?
        if textOK["model"] == true {
            if r.model.hasPrefix("gguf:") {
                let hex = r.model.dropFirst(5)
                if !(hex.count == 64 && hex.unicodeScalars.allSatisfy { isHex($0) }) {
                    add("model", .malformed, "a model not in the catalog is 'gguf:' + the 64 hex digits of its header's SHA-256")
                }
            } else if let m = catalog.model(id: r.model) {
                model = m
            } else {
                add("model", .unknown, unknownMessage("model", r.model) { try catalog.model(named: $0).id })
            }
        }

        // Quantisation.
        var mix: QuantMix?
        if textOK["quant"] == true {
            if let q = QuantMix(name: r.quant), q.name == r.quant {
                mix = q
            } else if let q = QuantMix(name: r.quant) {
                add("quant", .malformed, "quantisation '\(r.quant)' is written '\(q.name)'")
            } else {
                let hint = QuantMix.suggestions(for: r.quant).map { "'\($0)'" }.joined(separator: ", ")
                add("quant", .unknown, "unknown quantisation '\(r.quant)'; did you mean \(hint)?")
            }
        }

        // Hardware.
        var devices: [HardwareDevice] = []
        if r.hardware.isEmpty {
            add("hardware", .missing, "hardware lists no device; give catalog hardware ids such as 'rtx-3090'")
        } else if r.hardware.count > StoreLimits.hardwareEntries {
            add("hardware", .outOfRange, "hardware lists \(r.hardware.count) device kinds; at most \(StoreLimits.hardwareEntries)")
        } else {
            for (i, h) in r.hardware.enumerated() {
                let field = "hardware[\(i)]"
                text(field, h, limitKey: "hardware", required: true)
                guard textOK[field] == true else { continue }
                if let d = catalog.device(id: h) { devices.append(d) } else {
                    add(field, .unknown, unknownMessage("hardware", h) { try catalog.hardware(named: $0, exact: true).device.id })
                }
            }
            if Set(r.hardware).count != r.hardware.count {
                add("hardware", .malformed, "hardware lists a device twice; list each kind once and set hardware_count")
            }
        }
        if !(1...64).contains(r.hardwareCount) {
            add("hardware_count", .outOfRange, "hardware_count \(r.hardwareCount) must be 1...64")
        }

        // Runtime.
        if textOK["runtime"] == true, !catalog.runtimes.contains(where: { $0.id == r.runtime }) {
            add("runtime", .unknown, unknownMessage("runtime", r.runtime) { try catalog.runtime(named: $0).id })
        }
        if textOK["kv_type"] == true, let kv = r.kvType, !(GGMLType(name: kv).map { RunSettings.cacheTypes.contains($0) } ?? false) {
            add("kv_type", .unknown, "kv_type '\(kv)' is not a KV cache type llama.cpp accepts (f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1, f32)")
        }
        if textOK["log_url"] == true, let u = r.logURL {
            let lower = u.lowercased()
            if !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || URL(string: u)?.host == nil {
                add("log_url", .malformed, "log_url must be an http(s) URL")
            }
        }
        if textOK["log_sha256"] == true, let h = r.logSHA256, !(h.count == 64 && h.unicodeScalars.allSatisfy { isHex($0) }) {
            add("log_sha256", .malformed, "log_sha256 must be the 64 hex digits of the raw log's SHA-256")
        }

        // Integers.
        if let c = r.context, !(1...maxContext).contains(c) { add("context", .outOfRange, "context \(c) must be 1...\(maxContext) tokens") }
        for (field, v) in [("prompt_tokens", r.promptTokens), ("generated_tokens", r.generatedTokens)] {
            if let v, !(0...maxContext).contains(v) { add(field, .outOfRange, "\(field) \(v) must be 0...\(maxContext)") }
        }
        if let g = r.gpuLayers, !(0...10_000).contains(g) { add("gpu_layers", .outOfRange, "gpu_layers \(g) must be 0...10000") }
        for (field, v) in [("peak_vram_bytes", r.peakVRAMBytes), ("peak_ram_bytes", r.peakRAMBytes)] {
            if let v, v > 1 << 50 { add(field, .outOfRange, "\(field) \(v) is more than a pebibyte") }
        }

        // Speeds and other measurements.
        func positive(_ field: String, _ v: Double?, ceiling: Double, allowZero: Bool = false) -> Bool {
            guard let v else { return false }
            guard v.isFinite, allowZero ? v >= 0 : v > 0 else {
                add(field, .outOfRange, "\(field) \(v) must be a \(allowZero ? "non-negative" : "positive") finite number"); return false
            }
            guard v <= ceiling else { add(field, .implausible, "\(field) \(v) is above \(Int(ceiling))"); return false }
            return true
        }
        let decodeOK = positive("decode_tps", r.decodeTPS, ceiling: absoluteDecodeCeiling)
        _ = positive("prefill_tps", r.prefillTPS, ceiling: absolutePrefillCeiling)
        _ = positive("ttft_ms", r.ttftMS, ceiling: 86_400_000, allowZero: true)
        _ = positive("power_watts", r.powerWatts, ceiling: 100_000)

        // The physical ceiling on decode.
        if decodeOK, let model, let mix, !devices.isEmpty, devices.count == r.hardware.count, (1...64).contains(r.hardwareCount) {
            let c = decodeCeiling(model: model, mix: mix, devices: devices, count: r.hardwareCount)
            if r.decodeTPS > c.ceiling {
                func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
                add("decode_tps", .implausible,
                    "decode_tps \(f(r.decodeTPS, 1)) is above the physical ceiling of \(f(c.ceiling, 1)) tok/s for \(model.id) \(mix.name) on \(c.hardwareLabel): "
                        + "\(f(c.bandwidthGBs, 0)) GB/s of memory bandwidth ÷ \(f(c.activeGB, 2)) GB of weights read per token × \(f(ceilingFactor, 1))")
            }
        }

        // Dates.
        if let m = r.measuredAt, m.timeIntervalSince(now) > clockSkew {
            add("measured_at", .future, "measured_at \(ISO8601DateFormatter().string(from: m)) is in the future")
        }
        return out
    }

    /// The decode ceiling and the figures behind it.
    public struct DecodeCeiling: Sendable, Hashable {
        public var ceiling: Double
        public var bandwidthGBs: Double
        public var activeGB: Double
        public var hardwareLabel: String
    }

    /// 1.5 × total bandwidth (every listed device × count) ÷ the weight bytes one token reads (the active path of
    /// every layer plus the output layer; the token embedding is a lookup).
    public static func decodeCeiling(model: CatalogModel, mix: QuantMix, devices: [HardwareDevice], count: Int) -> DecodeCeiling {
        let w = ModelProfile(model: model, mix: mix).weights
        let active = Double(w.layerActiveBytes.reduce(0, +) + w.outputBytes)
        let bandwidth = devices.reduce(0) { $0 + $1.bandwidthGBs } * Double(count)
        let ceiling = active > 0 ? ceilingFactor * bandwidth * 1e9 / active : absoluteDecodeCeiling
        let label = (count > 1 ? "\(count)× " : "") + devices.map(\.id).joined(separator: " + ")
        return DecodeCeiling(ceiling: ceiling, bandwidthGBs: bandwidth, activeGB: active / 1e9, hardwareLabel: label)
    }

    // MARK: Helpers

    static func isHex(_ s: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(s) || ("a"..."f").contains(s) || ("A"..."F").contains(s)
    }

    /// Printable text: no C0/C1 controls, no bidirectional overrides (they disguise text); newline and tab only
    /// in multi-line fields.
    static func allowed(_ s: Unicode.Scalar, multiline: Bool) -> Bool {
        if multiline && (s == "\n" || s == "\t") { return true }
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return false
        case 0x202A...0x202E, 0x2066...0x2069: return false
        default: return true
        }
    }

    /// "unknown model 'X'" with the catalog's did-you-mean: the id a forgiving lookup finds, or its suggestions.
    static func unknownMessage(_ kind: String, _ value: String, resolve: (String) throws -> String) -> String {
        do {
            let id = try resolve(value)
            return "'\(value)' is not a \(kind) id; did you mean '\(id)'?"
        } catch let error as CatalogError {
            return error.description
        } catch {
            return "unknown \(kind) '\(value)'"
        }
    }
}
