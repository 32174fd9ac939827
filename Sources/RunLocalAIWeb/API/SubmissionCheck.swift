import Foundation
import RunLocalAICore
import RunLocalAIStore

/// Validation of a submitted benchmark run at the API (`POST /api/v1/benchmarks`).
///
/// NOTE: a minimal check written in the API layer because the store's `SubmissionValidator`
/// (Sources/RunLocalAIStore/SubmissionValidator.swift) did not exist yet; when it does, call it from here.
/// Names are normalised to catalog ids; every refusal is a 400 naming the field.
///
/// ```swift
/// let run = try SubmissionCheck.validate(submitted, catalog: catalog, now: Date())
/// ```
enum SubmissionCheck {
    static func validate(_ input: BenchmarkRun, catalog: Catalog, now: Date) throws -> BenchmarkRun {
        var r = input
        func fail(_ field: String, _ message: String) -> APIError { APIError(.badRequest, code: "invalid_field", message, parameter: field) }
        // Model: a catalog model (id or name) or a GGUF digest.
        if r.model.hasPrefix("gguf:") {
            let hex = r.model.dropFirst(5)
            guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
                throw fail("model", "model 'gguf:...' must carry the 64-hex-digit SHA-256 of the file's header")
            }
        } else {
            do { r.model = try catalog.model(named: r.model).id } catch { throw APIError.from(error, parameters: ["model": "model"]) }
        }
        guard let mix = QuantMix(name: r.quant) else {
            throw APIError.from(CatalogError.notFound(kind: "quantisation", query: r.quant, suggestions: QuantMix.suggestions(for: r.quant)))
        }
        r.quant = mix.name
        guard !r.hardware.isEmpty, r.hardware.count <= StoreLimits.hardwareEntries else {
            throw fail("hardware", "hardware must list 1...\(StoreLimits.hardwareEntries) catalog hardware ids")
        }
        r.hardware = try r.hardware.map { name in
            do { return try catalog.hardware(named: name).device.id } catch { throw APIError.from(error) }
        }
        guard (1...64).contains(r.hardwareCount) else { throw fail("hardware_count", "hardware_count must be 1...64") }
        let runtime = r.runtime.trimmingCharacters(in: .whitespaces)
        guard !runtime.isEmpty else { throw fail("runtime", "runtime is required (e.g. llama.cpp)") }
        do { r.runtime = try catalog.runtime(named: runtime).id } catch { throw APIError.from(error) }
        guard r.decodeTPS.isFinite, r.decodeTPS > 0, r.decodeTPS < 100_000 else { throw fail("decode_tps", "decode_tps must be a number in (0, 100000)") }
        if let p = r.prefillTPS { guard p.isFinite, p > 0, p < 1_000_000 else { throw fail("prefill_tps", "prefill_tps must be in (0, 1000000)") } }
        if let t = r.ttftMS { guard t.isFinite, t >= 0, t < 86_400_000 else { throw fail("ttft_ms", "ttft_ms must be 0...86400000") } }
        if let w = r.powerWatts { guard w.isFinite, w > 0, w < 100_000 else { throw fail("power_watts", "power_watts must be in (0, 100000)") } }
        if let c = r.context { guard (1...16_777_216).contains(c) else { throw fail("context", "context must be 1...16777216") } }
        if let g = r.gpuLayers { guard (0...100_000).contains(g) else { throw fail("gpu_layers", "gpu_layers must be 0...100000") } }
        if let n = r.promptTokens { guard (0...16_777_216).contains(n) else { throw fail("prompt_tokens", "prompt_tokens must be 0...16777216") } }
        if let n = r.generatedTokens { guard (0...16_777_216).contains(n) else { throw fail("generated_tokens", "generated_tokens must be 0...16777216") } }
        if let kv = r.kvType { guard GGMLType(name: kv) != nil else { throw fail("kv_type", "kv_type '\(kv)' is unknown; use f16, q8_0 or q4_0") } }
        if let m = r.measuredAt, m > now.addingTimeInterval(86_400) { throw fail("measured_at", "measured_at is in the future") }
        let texts: [(String, String?, Int)] = [
            ("runtime_version", r.runtimeVersion, 256), ("backend", r.backend, 256), ("os", r.os, 256), ("submitter", r.submitter, 256),
            ("command", r.command, StoreLimits.commandBytes), ("log_excerpt", r.logExcerpt, StoreLimits.logExcerptBytes),
            ("log_url", r.logURL, StoreLimits.longTextBytes), ("log_sha256", r.logSHA256, 64),
        ]
        for (field, value, limit) in texts {
            if let v = value, v.utf8.count > limit { throw fail(field, "\(field) is \(v.utf8.count) bytes; at most \(limit)") }
            if let v = value, v.contains("\u{0}") { throw fail(field, "\(field) contains a NUL character") }
        }
        if let u = r.logURL, !(u.hasPrefix("https://") || u.hasPrefix("http://")) { throw fail("log_url", "log_url must be an http(s) URL") }
        if let h = r.logSHA256, !(h.count == 64 && h.allSatisfy({ $0.isHexDigit })) { throw fail("log_sha256", "log_sha256 must be 64 hex digits") }
        return r
    }
}
