import Foundation
import RunLocalAICore

/// The one will-it-run question, typed: which model, at which quantisation, on which hardware, with which context,
/// images, KV cache, flash attention, runtime, GPU layers and host RAM. The CLI's flags, a page's URL query, the
/// will-it-run form and the JSON API all go through ``Question/parse(_:)``: one grammar, every bound checked once,
/// before any name is matched. ``Question/items`` prints it back as the canonical URL query.
///
/// ```swift
/// let q = try Question.parse([("model", "llama 3.1 8b"), ("hardware", "dual 3090"), ("ctx", "32K"), ("fa", "auto")])
/// q.context            // 32768
/// q.url()              // "/will-it-run?model=llama%203.1%208b&hardware=dual%203090&ctx=32768" (no quantisation named)
/// ```
public struct Question: Sendable, Hashable {
    /// Where the model is to run.
    public enum Hardware: Sendable, Hashable {
        /// A catalog name, count included ("2x RTX 3090", "M2 Pro 16GB").
        case named(String)
        /// The machine the CLI runs on, as `runlocalai detect` finds it ("local", "this", "detected").
        case thisMachine

        /// How the hardware reads in a URL or a flag.
        public var text: String {
            switch self {
            case .named(let s): s
            case .thisMachine: "this machine"
            }
        }
    }

    /// llama.cpp's `-fa auto|on|off`.
    public enum FlashAttention: String, Sendable, CaseIterable { case auto, on, off }

    /// The fields of a question, by their URL names (the CLI's long flags map onto these).
    public enum Field: String, Sendable, CaseIterable {
        case model, quant, hardware, ctx, images, kv, fa, runtime, ngl, ram, prompt, backend

        /// The other spellings a field is accepted under (CLI flag names, longer forms).
        static let aliases: [String: Field] = [
            "context": .ctx, "kv-type": .kv, "kv_type": .kv, "flash-attn": .fa, "flash_attention": .fa,
            "gpu-layers": .ngl, "gpu_layers": .ngl, "host-ram": .ram, "ram_gib": .ram, "prompt-tokens": .prompt, "prompt_tokens": .prompt,
        ]

        public init?(name: String) {
            if let f = Field(rawValue: name) { self = f } else if let f = Field.aliases[name] { self = f } else { return nil }
        }
    }

    public var model: String
    /// Setting it names it (``quantStated``).
    public var quant: QuantMix { didSet { quantStated = true } }
    /// Whether the asker named the quantisation. When not, the answer is for the model's own (``CatalogModel/nativeQuant``,
    /// e.g. gpt-oss's MXFP4) where it has one, else ``defaultQuant``.
    public var quantStated: Bool
    public var hardware: Hardware
    public var context: Int
    public var images: Int
    /// KV cache type for K and V; nil is llama.cpp's default f16.
    public var kvType: GGMLType?
    public var flashAttention: FlashAttention
    public var runtime: Runtime.Kind
    /// A fixed `-ngl`; nil lets the planner choose (as llama.cpp's `--fit`).
    public var gpuLayers: Int?
    /// System RAM beside discrete GPUs, GiB; nil is the catalog's typical host.
    public var hostRAMGiB: Double?
    /// Prompt tokens the prefill figure is for; nil is 512 (llama-bench's pp512).
    public var promptTokens: Int?
    /// The llama.cpp backend to plan for (CUDA, ROCm, Metal, Vulkan, SYCL, or the CPU alone); nil is the device's own.
    public var backend: Backend?

    /// Longest name (model or hardware) matched: the fuzzy matcher never sees more.
    public static let maxNameLength = 200
    public static let contextRange = 1...16_777_216
    public static let imageRange = 0...256
    public static let gpuLayerRange = 0...100_000
    public static let ramRange = 1.0...65_536.0
    public static let promptRange = 1...131_072
    public static let defaultContext = 4096
    public static let defaultQuant = "Q4_K_M"

    /// `quant` nil asks for the model's own quantisation (see ``quantStated``).
    public init(model: String, quant: QuantMix? = nil, hardware: Hardware,
                context: Int = Question.defaultContext, images: Int = 0, kvType: GGMLType? = nil, flashAttention: FlashAttention = .auto,
                runtime: Runtime.Kind = .llamaCpp, gpuLayers: Int? = nil, hostRAMGiB: Double? = nil) {
        self.model = model; self.quant = quant ?? QuantMix(name: Question.defaultQuant)!; self.quantStated = quant != nil
        self.hardware = hardware; self.context = context; self.images = images
        self.kvType = kvType == .f16 ? nil : kvType; self.flashAttention = flashAttention; self.runtime = runtime
        self.gpuLayers = gpuLayers; self.hostRAMGiB = hostRAMGiB
    }

    // MARK: Parsing

    /// Parses name/value pairs (a URL query, a form, the CLI's flags). Unknown names are left for the caller (a
    /// page's own parameters); empty values count as absent. `model` is required; `hardware` absent means this
    /// machine (which only the CLI can answer).
    public static func parse(_ fields: [(String, String)]) throws(QuestionError) -> Question {
        var values: [Field: String] = [:]
        for (name, raw) in fields {
            guard let f = Field(name: name) else { continue }
            let v = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if v.isEmpty || values[f] != nil { continue }
            values[f] = v
        }
        guard let modelText = values[.model] else {
            throw QuestionError(.model, "give a model, e.g. model=llama-3.1-8b (CLI: --model \"llama 3.1 8b\")")
        }
        let model = try name(modelText, field: .model)
        var quant: QuantMix?
        // "auto" (the form's choice) names none: the model's own.
        if let q = values[.quant], q.lowercased() != "auto" {
            guard q.count <= 40, let mix = QuantMix(name: q) else {
                let hint = QuantMix.suggestions(for: String(q.prefix(40)))
                throw QuestionError(.quant, "unknown quantisation '\(q.prefix(40))'" + (hint.isEmpty ? "; use e.g. Q4_K_M, Q8_0, F16" : "; did you mean \(hint.map { "'\($0)'" }.joined(separator: ", "))?"),
                                    suggestions: hint)
            }
            quant = mix
        }
        var q = Question(model: model, quant: quant, hardware: .thisMachine)
        if let h = values[.hardware] { q.hardware = try hardware(h) }
        if let c = values[.ctx] { q.context = try context(c) }
        if let i = values[.images] { q.images = try int(i, field: .images, in: imageRange, what: "images") }
        if let k = values[.kv] { q.kvType = try kv(k) }
        if let f = values[.fa] { q.flashAttention = try flash(f) }
        if let r = values[.runtime] { q.runtime = try runtime(r) }
        if let n = values[.ngl] { q.gpuLayers = try int(n, field: .ngl, in: gpuLayerRange, what: "GPU layers") }
        if let r = values[.ram] { q.hostRAMGiB = try ram(r) }
        if let p = values[.prompt] { q.promptTokens = try int(p, field: .prompt, in: promptRange, what: "prompt tokens") }
        if let b = values[.backend] { q.backend = try backend(b) }
        return q
    }

    /// Parses a raw URL query string ("model=llama+3.1+8b&hardware=2x+RTX+3090&ctx=32K"): '+' and %20 are spaces.
    public static func parse(query: String) throws(QuestionError) -> Question {
        try parse(QueryString.pairs(query))
    }

    static func name(_ raw: String, field: Field) throws(QuestionError) -> String {
        // A model may be a GGUF URL (read from its header), which may be longer than a name.
        let limit = field == .model && GGUFInspector.isRemote(raw) ? RemoteModelReference.maxLength : maxNameLength
        guard raw.count <= limit else {
            if limit > maxNameLength { throw QuestionError(field, "the model URL is \(raw.count) characters long; URLs are at most \(limit) characters") }
            throw QuestionError(field, "\(field.rawValue) is \(raw.count) characters long; names are at most \(maxNameLength) characters")
        }
        guard !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw QuestionError(field, "\(field.rawValue) contains control characters; give a plain name")
        }
        return raw
    }

    /// "local", "this", "this machine", "detected", "here", "mine": the machine the CLI runs on.
    public static let thisMachineWords: Set<String> = ["local", "this", "this machine", "this computer", "detected", "here", "mine", "my machine", "localhost"]

    public static func hardware(_ raw: String) throws(QuestionError) -> Hardware {
        let h = try name(raw, field: .hardware)
        if thisMachineWords.contains(h.lowercased()) { return .thisMachine }
        return .named(h)
    }

    /// "32K", "32k", "32768", "32,768", "1M".
    public static func context(_ raw: String) throws(QuestionError) -> Int {
        let t = raw.lowercased().replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
            .replacingOccurrences(of: " ", with: "")
        var value: Int?
        if t.count <= 12 {
            if let v = Int(t) { value = v }
            else if t.hasSuffix("k"), let v = Int(t.dropLast()), v <= 1 << 20 { value = v * 1024 }
            else if t.hasSuffix("m"), let v = Int(t.dropLast()), v <= 1 << 10 { value = v * 1_048_576 }
        }
        guard let v = value else {
            throw QuestionError(.ctx, "context '\(raw.prefix(40))' is not a number of tokens; give e.g. 4096, 32K or 32768")
        }
        guard contextRange.contains(v) else {
            throw QuestionError(.ctx, "context \(v) is out of range; give 1 to \(contextRange.upperBound) tokens (e.g. 8192)")
        }
        return v
    }

    static func int(_ raw: String, field: Field, in range: ClosedRange<Int>, what: String) throws(QuestionError) -> Int {
        guard raw.count <= 12, let v = Int(raw), range.contains(v) else {
            throw QuestionError(field, "\(what) '\(raw.prefix(40))' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    static func kv(_ raw: String) throws(QuestionError) -> GGMLType? {
        guard raw.count <= 12, let t = GGMLType(name: raw), RunSettings.cacheTypes.contains(t) else {
            throw QuestionError(.kv, "KV cache type '\(raw.prefix(40))' is unknown; use f16, q8_0 or q4_0")
        }
        return t == .f16 ? nil : t
    }

    static func flash(_ raw: String) throws(QuestionError) -> FlashAttention {
        switch raw.lowercased() {
        case "auto", "": return .auto
        case "on", "1", "true", "yes", "enabled": return .on
        case "off", "0", "false", "no", "disabled": return .off
        default: throw QuestionError(.fa, "flash attention '\(raw.prefix(40))' must be auto, on or off")
        }
    }

    /// The runtime names accepted, by what users type.
    static let runtimeNames: [String: Runtime.Kind] = [
        "llama.cpp": .llamaCpp, "llama-cpp": .llamaCpp, "llamacpp": .llamaCpp, "llama cpp": .llamaCpp, "llama": .llamaCpp, "llama-server": .llamaCpp,
        "ollama": .ollama, "lm-studio": .lmStudio, "lmstudio": .lmStudio, "lm studio": .lmStudio, "lms": .lmStudio,
        "vllm": .vllm, "mlx": .mlx, "mlx-lm": .mlx, "mlx_lm": .mlx,
    ]

    static func runtime(_ raw: String) throws(QuestionError) -> Runtime.Kind {
        guard let k = runtimeNames[raw.lowercased()] else {
            throw QuestionError(.runtime, "unknown runtime '\(raw.prefix(40))'; use one of \(Runtime.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                                suggestions: Runtime.Kind.allCases.map(\.rawValue))
        }
        return k
    }

    /// The backends a question may name, by what users type ("hip" is ROCm's).
    static func backend(_ raw: String) throws(QuestionError) -> Backend? {
        let t = raw.lowercased()
        if t == "auto" || t == "default" { return nil }
        if t == "hip" { return .rocm }
        if let b = Backend(rawValue: t) ?? Backend.allCases.first(where: { $0.displayName.lowercased() == t }) { return b }
        throw QuestionError(.backend, "unknown backend '\(raw.prefix(40))'; use one of \(Backend.allCases.map(\.rawValue).joined(separator: ", ")) (or leave it out for the device's own)",
                            suggestions: Backend.allCases.map(\.rawValue))
    }

    static func ram(_ raw: String) throws(QuestionError) -> Double {
        var t = raw.lowercased().replacingOccurrences(of: " ", with: "")
        for suffix in ["gib", "gb", "g"] where t.hasSuffix(suffix) { t.removeLast(suffix.count); break }
        guard t.count <= 12, let v = Double(t), v.isFinite, ramRange.contains(v) else {
            throw QuestionError(.ram, "RAM '\(raw.prefix(40))' must be a number of GB from 1 to 65536")
        }
        return v
    }

    // MARK: Printing

    /// The canonical URL query: every field that differs from its default, in one order.
    public var items: [(String, String)] {
        var out: [(String, String)] = [("model", model)]
        if quantStated { out.append(("quant", quant.name)) }
        if case .named(let h) = hardware { out.append(("hardware", h)) } else { out.append(("hardware", "local")) }
        out.append(("ctx", String(context)))
        if images > 0 { out.append(("images", String(images))) }
        if runtime != .llamaCpp { out.append(("runtime", runtime.rawValue)) }
        if let kvType { out.append(("kv", kvType.name.lowercased())) }
        if flashAttention != .auto { out.append(("fa", flashAttention.rawValue)) }
        if let gpuLayers { out.append(("ngl", String(gpuLayers))) }
        if let hostRAMGiB { out.append(("ram", QueryString.number(hostRAMGiB))) }
        if let promptTokens { out.append(("prompt", String(promptTokens))) }
        if let backend { out.append(("backend", backend.rawValue)) }
        return out
    }

    /// The question as a link: `/will-it-run?model=...` (or under another path, e.g. the API's).
    public func url(_ path: String = "/will-it-run") -> String { QueryString.url(path, items) }

    /// A stable key for caches (the canonical query).
    public var key: String { QueryString.encode(items) }

    /// A copy with one change.
    public func with(_ change: (inout Question) -> Void) -> Question { var q = self; change(&q); return q }

    /// The engine's run settings for this question (flash attention `auto` is llama.cpp's on, Ollama's off unless the
    /// KV cache is quantised).
    public var settings: RunSettings {
        var s = RunSettings(context: context, images: images)
        if let kvType { s.keyType = kvType; s.valueType = kvType }
        switch flashAttention {
        case .on: s.flashAttention = true
        case .off: s.flashAttention = false
        case .auto: s.flashAttention = runtime == .ollama ? (kvType?.isQuantized ?? false) : true
        }
        s.runtime = runtime
        s.gpuLayers = gpuLayers
        if let promptTokens { s.promptTokens = promptTokens }
        return s
    }
}

/// A question that cannot be asked as given: which field, what is wrong, and the fix (in `message`).
public struct QuestionError: Error, CustomStringConvertible, Equatable, Sendable {
    public var field: Question.Field?
    public var message: String
    public var suggestions: [String]
    public init(_ field: Question.Field?, _ message: String, suggestions: [String] = []) {
        self.field = field; self.message = message; self.suggestions = suggestions
    }
    public var description: String { message }
}

/// URL query strings, read and written one way for every surface: '+' and %20 read as spaces, and values are
/// percent-encoded on the way out.
public enum QueryString {
    /// Name/value pairs of a raw query ("a=1&b=x+y"); malformed escapes are kept as typed.
    public static func pairs(_ query: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out.append((decode(kv[0]), kv.count > 1 ? decode(kv[1]) : ""))
        }
        return out
    }

    /// One value as typed: '+' is a space, `%XX` a byte; a malformed escape (or bytes that are not UTF-8 once
    /// decoded) leaves the value as typed, with '+' still a space. One pass over the bytes, no Foundation.
    public static func decode(_ s: Substring) -> String {
        let u = s.utf8
        guard u.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var malformed = false
        var i = u.startIndex
        while i != u.endIndex {
            let c = u[i]
            if c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%") {
                let h = u.index(after: i)
                if h != u.endIndex, u.index(after: h) != u.endIndex, let hi = hex(u[h]), let lo = hex(u[u.index(after: h)]) {
                    out.append(hi << 4 | lo)
                    i = u.index(after: u.index(after: h))
                    continue
                }
                malformed = true
                out.append(c)
            } else {
                out.append(c)
            }
            i = u.index(after: i)
        }
        if malformed { return String(decoding: u.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self) }
        return String(validating: out, as: UTF8.self) ?? String(decoding: u.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static let allowed: CharacterSet = {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-._~")
        return c
    }()

    public static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s }

    public static func encode(_ items: [(String, String)]) -> String {
        items.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    public static func url(_ path: String, _ items: [(String, String)]) -> String {
        items.isEmpty ? path : "\(path)?\(encode(items))"
    }

    /// 64 → "64", 17.5 → "17.5".
    public static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%g", x)
    }
}
