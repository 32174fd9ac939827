import Foundation

/// Errors of the agent's parsers: what was expected, what came instead.
public struct AgentError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// One measured run, whichever runtime produced it.
public struct RunTiming: Sendable, Hashable, Codable {
    public var promptTokens: Int?
    public var promptTPS: Double?
    public var generatedTokens: Int?
    public var decodeTPS: Double?
    /// Time to first token (ms): prompt processing time.
    public var ttftMS: Double?
    public init(promptTokens: Int? = nil, promptTPS: Double? = nil, generatedTokens: Int? = nil, decodeTPS: Double? = nil, ttftMS: Double? = nil) {
        self.promptTokens = promptTokens; self.promptTPS = promptTPS; self.generatedTokens = generatedTokens
        self.decodeTPS = decodeTPS; self.ttftMS = ttftMS
    }
}

/// `llama-bench ... -o json`: an array of tests (one per `-p` and one per `-n`), each with `avg_ts`.
public struct LlamaBenchReport: Sendable, Hashable {
    public var timing: RunTiming
    public var modelType: String?
    public var modelSizeBytes: UInt64?
    public var modelParams: UInt64?
    public var gpuLayers: Int?
    public var backends: String?
    public var buildCommit: String?
    public var buildNumber: Int?
    public var cpuInfo: String?
    public var gpuInfo: String?
    public var threads: Int?
    public var typeK: String?
    public var typeV: String?
    /// On / off, nil for llama.cpp's "auto" (-1).
    public var flashAttention: Bool?

    /// The runtime version as the benchmark record keeps it: "b6500 (abc1234)", or the commit alone.
    public var version: String? {
        let commit = buildCommit.flatMap { $0 == "unknown" || $0.isEmpty ? nil : $0 }
        switch (buildNumber, commit) {
        case (let n?, let c?) where n > 0: return "b\(n) (\(c))"
        case (let n?, nil) where n > 0: return "b\(n)"
        case (_, let c?): return c
        default: return nil
        }
    }

    public static func parse(_ text: String) throws -> LlamaBenchReport {
        guard let start = text.firstIndex(of: "["),
              let any = try? JSONSerialization.jsonObject(with: Data(text[start...].utf8)),
              let tests = any as? [[String: Any]] else {
            let first = text.split(whereSeparator: \.isNewline).first.map { String($0.prefix(160)) } ?? "(nothing)"
            throw AgentError("llama-bench printed no JSON test list (expected `-o json` output); it printed: \(first)")
        }
        guard !tests.isEmpty else { throw AgentError("llama-bench's JSON holds no test (did the model fail to load?)") }
        func int(_ d: [String: Any], _ k: String) -> Int? {
            if let i = d[k] as? Int { return i }
            if let n = d[k] as? Double { return Int(n) }
            if let b = d[k] as? Bool { return b ? 1 : 0 }
            return nil
        }
        func double(_ d: [String: Any], _ k: String) -> Double? { (d[k] as? Double) ?? (d[k] as? Int).map(Double.init) }
        var r = LlamaBenchReport(timing: RunTiming())
        for t in tests {
            let p = int(t, "n_prompt") ?? 0, g = int(t, "n_gen") ?? 0
            guard let ts = double(t, "avg_ts") else { throw AgentError("llama-bench test without avg_ts") }
            if p > 0 && g == 0 {
                r.timing.promptTokens = p; r.timing.promptTPS = ts
                if let ns = double(t, "avg_ns") { r.timing.ttftMS = ns / 1e6 }
            } else if g > 0 && p == 0 {
                r.timing.generatedTokens = g; r.timing.decodeTPS = ts
            }
            r.modelType = r.modelType ?? t["model_type"] as? String
            r.modelSizeBytes = r.modelSizeBytes ?? int(t, "model_size").map(UInt64.init)
            r.modelParams = r.modelParams ?? int(t, "model_n_params").map(UInt64.init)
            r.gpuLayers = r.gpuLayers ?? int(t, "n_gpu_layers")
            r.backends = r.backends ?? t["backends"] as? String
            r.buildCommit = r.buildCommit ?? t["build_commit"] as? String
            r.buildNumber = r.buildNumber ?? int(t, "build_number")
            r.cpuInfo = r.cpuInfo ?? t["cpu_info"] as? String
            r.gpuInfo = r.gpuInfo ?? (t["gpu_info"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            r.threads = r.threads ?? int(t, "n_threads")
            r.typeK = r.typeK ?? t["type_k"] as? String
            r.typeV = r.typeV ?? t["type_v"] as? String
            if r.flashAttention == nil, let fa = int(t, "flash_attn"), fa >= 0 { r.flashAttention = fa == 1 }
        }
        guard r.timing.decodeTPS != nil || r.timing.promptTPS != nil else {
            throw AgentError("llama-bench's JSON has neither a prompt (pp) nor a generation (tg) test")
        }
        return r
    }
}

/// llama-server's `POST /completion` answer: its `timings` block.
public enum LlamaServerTimings {
    public static func parse(_ data: Data) throws -> RunTiming {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AgentError("llama-server's /completion answer is not JSON: \(String(decoding: data.prefix(160), as: UTF8.self))")
        }
        if let err = obj["error"] as? [String: Any] { throw AgentError("llama-server: \(err["message"] as? String ?? "error")") }
        guard let t = obj["timings"] as? [String: Any] else { throw AgentError("llama-server's /completion answer has no timings") }
        func d(_ k: String) -> Double? { (t[k] as? Double) ?? (t[k] as? Int).map(Double.init) }
        return RunTiming(promptTokens: d("prompt_n").map { Int($0) }, promptTPS: d("prompt_per_second"),
                         generatedTokens: d("predicted_n").map { Int($0) }, decodeTPS: d("predicted_per_second"),
                         ttftMS: d("prompt_ms"))
    }
}

/// Ollama's HTTP API: `/api/version`, `/api/tags`, and a non-streamed `/api/generate` (durations in ns).
public enum OllamaAPI {
    public struct Model: Sendable, Hashable, Codable {
        public var name: String
        public var sizeBytes: UInt64?
        public var family: String?
        public var parameterSize: String?
        public var quantization: String?
        public var format: String?
        enum CodingKeys: String, CodingKey {
            case name, family, format
            case sizeBytes = "size_bytes", parameterSize = "parameter_size", quantization = "quantization"
        }
    }

    public static func version(_ data: Data) throws -> String {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let v = obj["version"] as? String else {
            throw AgentError("not Ollama's /api/version answer: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        return v
    }

    public static func tags(_ data: Data) throws -> [Model] {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = obj["models"] as? [[String: Any]] else {
            throw AgentError("not Ollama's /api/tags answer: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        return list.map { m in
            let details = m["details"] as? [String: Any] ?? [:]
            return Model(name: (m["name"] as? String) ?? (m["model"] as? String) ?? "?",
                         sizeBytes: (m["size"] as? Int).map(UInt64.init) ?? (m["size"] as? Double).map { UInt64($0) },
                         family: details["family"] as? String, parameterSize: details["parameter_size"] as? String,
                         quantization: details["quantization_level"] as? String, format: details["format"] as? String)
        }
    }

    public static func generate(_ data: Data) throws -> RunTiming {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AgentError("Ollama's /api/generate answer is not JSON: \(String(decoding: data.prefix(160), as: UTF8.self))")
        }
        if let e = obj["error"] as? String { throw AgentError("Ollama: \(e)") }
        func d(_ k: String) -> Double? { (obj[k] as? Double) ?? (obj[k] as? Int).map(Double.init) }
        guard let evalCount = d("eval_count"), let evalNS = d("eval_duration"), evalNS > 0 else {
            throw AgentError("Ollama's answer has no eval_count / eval_duration (was it streamed, or did it stop at once?)")
        }
        var t = RunTiming(generatedTokens: Int(evalCount), decodeTPS: evalCount / (evalNS / 1e9))
        if let pc = d("prompt_eval_count"), let pns = d("prompt_eval_duration"), pns > 0 {
            t.promptTokens = Int(pc); t.promptTPS = pc / (pns / 1e9); t.ttftMS = pns / 1e6
        }
        return t
    }
}

/// The fixed protocol's statistics.
public enum BenchStats {
    /// The median (mean of the middle two for an even count); nil when empty.
    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// How far repeats of one measurement disagree: (max − min) ÷ median; nil for fewer than two or a zero median.
    public static func spread(_ xs: [Double]) -> Double? {
        guard xs.count > 1, let m = median(xs), m > 0, let lo = xs.min(), let hi = xs.max() else { return nil }
        return (hi - lo) / m
    }

    /// Repeats that disagree by more than this ask for a re-run: `bench` does not submit them, and the evidence of
    /// several runs of one tuple that disagree by more is flagged for review (the original site's 20% rule).
    public static let rerunSpread = 0.20

    /// `VmHWM` (peak resident set) of `/proc/<pid>/status`, bytes.
    public static func vmHWM(_ status: String) -> UInt64? {
        for line in status.split(whereSeparator: \.isNewline) where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = UInt64(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}

/// Which catalog model a GGUF is, by its architecture numbers (not its file name).
public enum GGUFCatalogMatch {
    public struct Result: Sendable, Hashable {
        public var id: String?
        public var reason: String
    }

    /// Catalog models with the same architecture string, layers, hidden size, FFN width, heads, KV heads,
    /// head size and vocabulary (and experts); several left are told apart by trained context, then by
    /// the file's `general.name`. Nil (with why) when none or several remain.
    public static func match(_ a: ModelArchitecture, name: String?, catalog: Catalog) -> Result {
        let same = catalog.models.filter { m in
            let b = m.architecture
            return b.arch == a.arch && b.layers == a.layers && b.hidden == a.hidden && (b.ffn == a.ffn || b.ffn == 0 || a.ffn == 0)
                && b.heads == a.heads && b.kvHeadsPerLayer.first == a.kvHeadsPerLayer.first && b.headDimK == a.headDimK
                && b.vocab == a.vocab && b.moe?.experts == a.moe?.experts
        }
        if same.isEmpty { return Result(id: nil, reason: "no catalog model has this architecture (\(a.arch), \(a.layers) layers, hidden \(a.hidden))") }
        if same.count == 1 { return Result(id: same[0].id, reason: "architecture numbers match \(same[0].id)") }
        let byContext = same.filter { $0.architecture.contextLength == a.contextLength }
        if byContext.count == 1 { return Result(id: byContext[0].id, reason: "architecture and trained context match \(byContext[0].id)") }
        let pool = byContext.isEmpty ? same : byContext
        if let name {
            let words = Set(NameResolver.normalize(name).tokens)
            let scored = pool.map { m in (m, words.intersection(Set(NameResolver.normalize(m.name).tokens)).count) }
            let best = scored.map(\.1).max() ?? 0
            let winners = scored.filter { $0.1 == best }
            if best > 0 && winners.count == 1 { return Result(id: winners[0].0.id, reason: "architecture matches; name '\(name)' picks \(winners[0].0.id)") }
        }
        return Result(id: nil, reason: "architecture matches several catalog models (\(pool.map(\.id).joined(separator: ", "))); not guessed")
    }
}
