import Foundation

/// One published benchmark measurement: `source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes`.
public struct BenchmarkRow: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var source: String
    public var hardware: String
    public var backend: String
    public var model: String
    public var quant: String
    public var test: String
    public var tokensPerSecond: Double
    public var notes: String

    public init(file: String, line: Int, source: String, hardware: String, backend: String, model: String, quant: String,
                test: String, tokensPerSecond: Double, notes: String) {
        self.file = file; self.line = line; self.source = source; self.hardware = hardware; self.backend = backend
        self.model = model; self.quant = quant; self.test = test; self.tokensPerSecond = tokensPerSecond; self.notes = notes
    }
}

/// A llama-bench test name: `pp512` (prefill 512 tokens), `tg128` (generate 128), `pp2048@d4096`
/// (with 4096 tokens already in the cache).
public struct BenchmarkTest: Sendable, Hashable {
    public enum Kind: String, Sendable { case prefill = "pp", decode = "tg" }
    public var kind: Kind
    public var tokens: Int
    public var depth: Int

    public init?(_ text: String) {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "@")
        guard let head = parts.first, head.count > 2, let k = Kind(rawValue: String(head.prefix(2))),
              let n = Int(head.dropFirst(2)), n > 0 else { return nil }
        kind = k; tokens = n; depth = 0
        if parts.count == 2 {
            guard parts[1].hasPrefix("d"), let d = Int(parts[1].dropFirst()), d >= 0 else { return nil }
            depth = d
        } else if parts.count > 2 { return nil }
    }
}

/// Scores the speed model against published measurements: every row's prediction comes from the
/// model (never from a stored measurement of the same tuple).
///
/// ```swift
/// let report = try Calibration.report(files: [url], catalog: catalog)
/// report.decode.medianAPE   // median absolute percentage error of decode predictions
/// ```
public enum Calibration {
    public struct Prediction: Sendable, Hashable {
        public var row: BenchmarkRow
        public var test: BenchmarkTest
        public var hardwareID: String
        public var modelID: String
        public var predicted: Double
        /// The half-width of the range a user would be shown for this prediction (``SpeedModel/band(placement:backend:prefill:)``).
        public var band: Double = 0
        public var ape: Double { abs(predicted - row.tokensPerSecond) / row.tokensPerSecond }
        /// Whether the measured value lies in the shown range, predicted × (1 ∓ band).
        public var covered: Bool { predicted * (1 - band) <= row.tokensPerSecond && row.tokensPerSecond <= predicted * (1 + band) }
    }
    public struct Unresolved: Sendable, Hashable, Codable {
        public var file: String
        public var line: Int
        public var hardware: String
        public var model: String
        public var reason: String
    }
    public struct ErrorSummary: Sendable, Hashable, Codable {
        public var rows: Int
        public var medianAPE: Double
        public var meanAPE: Double
        public var p90APE: Double
        public var maxAPE: Double
        enum CodingKeys: String, CodingKey { case rows, medianAPE = "median_ape", meanAPE = "mean_ape", p90APE = "p90_ape", maxAPE = "max_ape" }
        public init(_ apes: [Double]) {
            let s = apes.sorted()
            rows = s.count
            func q(_ p: Double) -> Double { s.isEmpty ? 0 : s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))] }
            medianAPE = s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
            meanAPE = s.isEmpty ? 0 : s.reduce(0, +) / Double(s.count)
            p90APE = q(0.9)
            maxAPE = s.last ?? 0
        }
    }
    public struct Report: Sendable, Hashable {
        public var rows: Int
        public var predictions: [Prediction]
        public var unresolved: [Unresolved]
        public var decode: ErrorSummary
        public var prefill: ErrorSummary
        public var resolved: Int { predictions.count }

        /// The share of `kind`'s predictions whose range (low..high) holds the measured value, and their count.
        public func coverage(_ kind: BenchmarkTest.Kind) -> (share: Double, rows: Int) {
            let of = predictions.filter { $0.test.kind == kind }
            return (Double(of.filter(\.covered).count) / Double(max(of.count, 1)), of.count)
        }

        /// Decode and prefill errors by the backend each row names, in ``Backend`` order (backends with no rows left out).
        public var byBackend: [(backend: Backend, decode: ErrorSummary, prefill: ErrorSummary)] {
            Backend.allCases.compactMap { b in
                let of = predictions.filter { Calibration.backend($0.row.backend) == b }
                guard !of.isEmpty else { return nil }
                return (b, ErrorSummary(of.filter { $0.test.kind == .decode }.map(\.ape)), ErrorSummary(of.filter { $0.test.kind == .prefill }.map(\.ape)))
            }
        }
    }

    /// Reads benchmark rows from CSV text.
    public static func rows(csv text: String, file: String) -> [BenchmarkRow] {
        CSV.records(text).enumerated().map { i, r in
            BenchmarkRow(file: file, line: i + 2, source: r["source"] ?? "", hardware: r["hardware"] ?? "", backend: r["backend"] ?? "",
                         model: r["model"] ?? "", quant: r["quant"] ?? "", test: r["test"] ?? "",
                         tokensPerSecond: Double(r["tokens_per_s"] ?? "") ?? .nan, notes: r["notes"] ?? "")
        }
    }

    /// Reads the rows of benchmark CSV files, in the order given; an unreadable file is an error naming it.
    public static func rows(files: [URL]) throws -> [BenchmarkRow] {
        try files.flatMap { url -> [BenchmarkRow] in
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CatalogError.invalid("cannot read \(url.path): check the path and that it is UTF-8 CSV")
            }
            return rows(csv: text, file: url.lastPathComponent)
        }
    }

    /// The `*.csv` files of a folder, sorted by name (empty when the folder does not exist).
    public static func csvFiles(in directory: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".csv") }.sorted().map { URL(fileURLWithPath: directory).appendingPathComponent($0) }
    }

    /// The backend a table names ("Vulkan (RADV per file)" → .vulkan, "ROCm 6.0" → .rocm), nil if unstated.
    public static func backend(_ text: String) -> Backend? {
        let t = text.lowercased()
        for b in Backend.allCases where t.hasPrefix(b.rawValue) { return b }
        return nil
    }

    /// The thread count a row's notes state ("threads=1"), nil if none.
    static func threads(_ notes: String) -> Int? {
        guard let r = notes.range(of: "threads=") else { return nil }
        return Int(notes[r.upperBound...].prefix { $0.isNumber })
    }

    /// A row made ready to predict: its profile, system and settings.
    public struct Case: Sendable {
        public var row: BenchmarkRow
        public var test: BenchmarkTest
        public var profile: ModelProfile
        public var system: TargetSystem
        public var settings: RunSettings
        public var usage: MemoryUsage
        public var hardwareID: String

        /// The half-width of the range shown for this row's placement.
        public var band: Double {
            let placement = Placement(gpuLayers: usage.gpuLayers, totalLayers: profile.architecture.layers + 1, hasGPU: !system.gpus.isEmpty)
            return SpeedModel.band(placement: placement, backend: system.gpus.first?.backend, prefill: test.kind == .prefill)
        }

        /// The model's prediction for this row.
        public func predict(_ f: SpeedModel.Factors = SpeedModel.factors) -> Double {
            let s = SpeedModel.expected(profile: profile, system: system, settings: settings, usage: usage, factors: f)
            return test.kind == .decode ? s.decode : s.prefill
        }
    }

    /// Resolves every row (or says why it cannot be resolved).
    public static func cases(_ rows: [BenchmarkRow], catalog: Catalog) -> (cases: [Case], unresolved: [Unresolved]) {
        var cases: [Case] = []
        var unresolved: [Unresolved] = []
        var profiles: [String: ModelProfile] = [:]
        for row in rows {
            func fail(_ reason: String) {
                unresolved.append(Unresolved(file: row.file, line: row.line, hardware: row.hardware, model: row.model, reason: reason))
            }
            guard row.tokensPerSecond.isFinite, row.tokensPerSecond > 0 else { fail("tokens_per_s '\(row.tokensPerSecond)' is not a positive number"); continue }
            guard let test = BenchmarkTest(row.test) else { fail("test '\(row.test)' is not ppN, tgN or ppN@dM"); continue }
            if row.hardware.lowercased().hasPrefix("unknown") { fail("the source does not state the hardware"); continue }
            let selection: HardwareSelection
            do { selection = try catalog.hardware(named: row.hardware, exact: true) } catch { fail("hardware: \(error)"); continue }
            let model: CatalogModel
            do { model = try catalog.model(named: row.model) } catch { fail("model: \(error)"); continue }
            guard let mix = QuantMix(name: row.quant) else { fail("quant '\(row.quant)' is not a llama.cpp file type"); continue }
            let key = model.id + "|" + mix.name
            let profile = profiles[key] ?? ModelProfile(model: model, mix: mix)
            profiles[key] = profile
            let backend = Self.backend(row.backend)
            if let backend, !selection.device.llamaCppBackends.contains(backend) {
                fail("\(selection.device.id) has no \(backend.displayName) backend in the catalog"); continue
            }
            let system = TargetSystem(selection, backend: backend)
            // Flash attention only where the source says so: llama-bench left it off by default until 2025.
            let fa = row.notes.lowercased().contains("fa=1")
            var settings = RunSettings(context: test.tokens + test.depth + 1, flashAttention: fa)
            settings.build = RuntimeBuild.stated(source: row.source, notes: row.notes)
            settings.threads = Self.threads(row.notes)
            settings.promptTokens = test.kind == .prefill ? test.tokens : 1
            settings.depth = test.kind == .prefill ? test.depth : test.depth + test.tokens / 2
            // llama-bench offloads every layer (-ngl 99); a model too big for the card was run with part of it
            // in system RAM, which the planner's placement models.
            var layers = system.gpus.isEmpty ? 0 : profile.architecture.layers + 1
            if !system.gpus.isEmpty, let planned = try? Planner.plan(profile: profile, system: system, settings: settings),
               planned.fit.placement == .partial || planned.fit.placement == .cpu {
                let full = MemoryModel.usage(profile: profile, system: system, settings: settings, gpuLayers: layers)
                if zip(full.gpus, system.gpus).contains(where: { $0.total > $1.usableBytes }) { layers = planned.fit.gpuLayers }
            }
            let usage = MemoryModel.usage(profile: profile, system: system, settings: settings, gpuLayers: layers)
            cases.append(Case(row: row, test: test, profile: profile, system: system, settings: settings, usage: usage,
                              hardwareID: selection.id))
        }
        return (cases, unresolved)
    }

    /// Predicts every resolved row and summarises the errors.
    public static func report(rows: [BenchmarkRow], catalog: Catalog, factors: SpeedModel.Factors = SpeedModel.factors) -> Report {
        let (cases, unresolved) = cases(rows, catalog: catalog)
        let predictions = cases.map {
            Prediction(row: $0.row, test: $0.test, hardwareID: $0.hardwareID, modelID: $0.profile.id, predicted: $0.predict(factors), band: $0.band)
        }
        return Report(rows: rows.count, predictions: predictions, unresolved: unresolved,
                      decode: ErrorSummary(predictions.filter { $0.test.kind == .decode }.map(\.ape)),
                      prefill: ErrorSummary(predictions.filter { $0.test.kind == .prefill }.map(\.ape)))
    }
}

extension RuntimeBuild {
    /// llama.cpp release numbers whose dates are on record: (build, the month it was current).
    /// b4641: issue #11668, 2025-02-05; b6628: xorbitsai/xllamacpp PR #84, 2025-09-29; b9701: containers/ramalama
    /// PR #2805, 2026-06-18.
    static let buildAnchors: [(Int, RuntimeBuild)] = [(4641, .init(year: 2025, month: 2)), (6628, .init(year: 2025, month: 9)),
                                                      (9701, .init(year: 2026, month: 6))]
    /// llama.cpp thread numbers (issues, pull requests and discussions share one sequence) with the month they were
    /// opened: #6766 (CUDA graphs PR) 2024-04-19, #11668 2025-02-05, #15410 2025-08.
    static let threadAnchors: [(Int, RuntimeBuild)] = [(6766, .init(year: 2024, month: 4)), (11668, .init(year: 2025, month: 2)),
                                                       (15410, .init(year: 2025, month: 8))]

    /// The build month a published run states, or the earliest it can be: a date in the notes ("2024-01-10",
    /// "May 2024"), else a llama.cpp release number ("build 2f68ce7cf (6918)", "b6918": no earlier than the
    /// newest dated release at or below it), else the llama.cpp thread it was posted in (no earlier than the thread).
    /// Nil when the source says nothing datable (the run then counts as today's build).
    ///
    /// ```swift
    /// RuntimeBuild.stated(source: "", notes: "snapshots in May 2024")   // 2024-05
    /// ```
    public static func stated(source: String, notes: String) -> RuntimeBuild? {
        let text = notes + " " + source
        if let d = isoDate(in: text) ?? monthName(in: text) { return d }
        if let n = releaseNumber(in: notes) { return buildAnchors.last { $0.0 <= n }?.1 }
        if let t = threadNumber(in: source) { return threadAnchors.last { $0.0 <= t }?.1 }
        return nil
    }

    private static func digits(_ s: Substring) -> Int? { s.isEmpty || s.count > 6 ? nil : Int(s) }

    static func isoDate(in text: String) -> RuntimeBuild? {
        let chars = Array(text.utf8)
        var i = 0
        while i + 7 <= chars.count {
            // YYYY-MM at a word start.
            if (i == 0 || !isDigit(chars[i - 1])), chars[i..<i + 4].allSatisfy(isDigit), chars[i + 4] == UInt8(ascii: "-"),
               isDigit(chars[i + 5]), isDigit(chars[i + 6]) {
                let y = Int(String(decoding: chars[i..<i + 4], as: UTF8.self))!, m = Int(String(decoding: chars[i + 5..<i + 7], as: UTF8.self))!
                if (2020...2100).contains(y), (1...12).contains(m) { return RuntimeBuild(year: y, month: m) }
            }
            i += 1
        }
        return nil
    }

    static func monthName(in text: String) -> RuntimeBuild? {
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                     "november", "december"]
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        for (i, w) in words.enumerated() where i + 1 < words.count {
            // "May 2024", "Sept 2025", "January 2024"; not "decode 2024".
            guard let m = names.firstIndex(where: { $0 == w || (w.count >= 3 && w.count <= 4 && $0.hasPrefix(w)) }),
                  let y = digits(words[i + 1]), (2020...2100).contains(y) else { continue }
            return RuntimeBuild(year: y, month: m + 1)
        }
        return nil
    }

    /// "(6918)" after a build hash, or "b6918".
    static func releaseNumber(in text: String) -> Int? {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        for (i, w) in words.enumerated() {
            if w.hasPrefix("b"), let n = digits(w.dropFirst()), n >= 1000 { return n }
            if w == "build", i + 2 < words.count, let n = digits(words[i + 2]), n >= 1000 { return n }
        }
        return nil
    }

    static func threadNumber(in source: String) -> Int? {
        for marker in ["llama.cpp/discussions/", "llama.cpp/pull/", "llama.cpp/issues/"] {
            guard let r = source.range(of: marker) else { continue }
            return digits(source[r.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
