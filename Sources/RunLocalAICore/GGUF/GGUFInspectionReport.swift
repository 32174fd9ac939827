/// What `runlocalai inspect` prints: a model (and optionally its vision projector) as text or as a stable
/// JSON object with snake_case keys.
///
/// ```swift
/// let report = GGUFInspectionReport(model: model, source: "gemma-3-270m-Q4_K_M.gguf")
/// print(report.text)
/// print(report.json)   // {"source": "gemma-3-270m-Q4_K_M.gguf", "format": {...}, ...}
/// ```
public struct GGUFInspectionReport: Sendable {
    public var model: GGUFModel
    public var source: String
    public var mmproj: GGUFModel?
    public var mmprojSource: String?

    public init(model: GGUFModel, source: String, mmproj: GGUFModel? = nil, mmprojSource: String? = nil) {
        self.model = model
        self.source = source
        self.mmproj = mmproj
        self.mmprojSource = mmprojSource
    }

    // MARK: JSON

    /// The report as JSON. Keys are always present (null when unknown), in a fixed order.
    public var json: String { jsonValue.serialized(indent: 0) + "\n" }

    var jsonValue: JSONValue {
        var fields: [(String, JSONValue)] = [("source", .string(source))]
        fields += Self.modelFields(model)
        if let mmproj {
            fields.append(("mmproj", .object([("source", .string(mmprojSource ?? ""))] + Self.modelFields(mmproj))))
        } else {
            fields.append(("mmproj", .null))
        }
        return .object(fields)
    }

    static func modelFields(_ m: GGUFModel) -> [(String, JSONValue)] {
        let f = m.file
        var out: [(String, JSONValue)] = [
            ("format", .object([
                ("gguf_version", .int(Int(f.version))), ("byte_order", .string(f.byteOrder.rawValue)),
                ("alignment", .uint(f.alignment)), ("data_offset", .uint(f.dataOffset)),
                ("metadata_count", .int(f.metadata.count)), ("tensor_count", .int(f.tensors.count)),
                ("parts", .int(m.partCount)),
            ])),
            ("file_size", m.fileSize.map(JSONValue.uint) ?? .null),
            ("name", m.name.map(JSONValue.string) ?? .null),
            ("architecture", .string(m.architectureName)),
            ("file_type", m.fileType.map { .object([("id", .int($0.rawValue)), ("name", .string($0.name))]) } ?? .null),
            ("quantization_version", m.quantizationVersion.map(JSONValue.int) ?? .null),
            ("parameters", .uint(m.parameterCount)),
            ("tensor_bytes", .uint(m.tensorBytes)),
            ("bits_per_weight", .double((m.bitsPerWeight * 10_000).rounded() / 10_000)),
            ("context_length", m.contextLength.map(JSONValue.int) ?? .null),
            ("vocab_size", m.vocabSize.map(JSONValue.int) ?? .null),
            ("chat_template", .bool(m.hasChatTemplate)),
            ("tensor_types", .array(m.tensorTypes.map {
                .object([("type", .string($0.type.name)), ("count", .int($0.count)), ("elements", .uint($0.elements)),
                         ("bytes", .uint($0.bytes))])
            })),
        ]
        if let a = m.architecture {
            let uniformKV = Set(a.kvHeadsPerLayer).count <= 1
            out.append(("model", .object([
                ("layers", .int(a.layers)), ("hidden", .int(a.hidden)), ("ffn", .int(a.ffn)), ("heads", .int(a.heads)),
                ("kv_heads", uniformKV ? .int(a.kvHeadsPerLayer.first ?? 0) : .array(a.kvHeadsPerLayer.map(JSONValue.int))),
                ("head_dim_k", .int(a.headDimK)), ("head_dim_v", .int(a.headDimV)), ("vocab", .int(a.vocab)),
                ("context_length", .int(a.contextLength)),
                ("sliding_window", a.slidingWindow.map(JSONValue.int) ?? .null),
                ("swa_layers", a.hasSlidingWindow ? .array(a.swaLayers.map(JSONValue.bool)) : .null),
                ("tied_embeddings", .bool(a.tiedEmbeddings)), ("ffn_gated", .bool(a.ffnGated)),
                ("moe", a.moe.map { e in .object([
                    ("experts", .int(e.experts)), ("active", .int(e.active)), ("shared", .int(e.shared)),
                    ("expert_ffn", .int(e.expertFFN)), ("shared_ffn", .int(e.sharedFFN)),
                    ("leading_dense_layers", .int(e.leadingDenseLayers)),
                ]) } ?? .null),
                ("mla", a.mla.map { l in .object([
                    ("kv_lora_rank", .int(l.kvLoraRank)), ("q_lora_rank", .int(l.qLoraRank)), ("rope_dim", .int(l.ropeDim)),
                    ("nope_dim", .int(l.nopeDim)), ("value_head_dim", .int(l.valueHeadDim)),
                ]) } ?? .null),
            ])))
        } else {
            out.append(("model", .null))
        }
        out.append(("model_error", m.architectureError.map { .string($0.description) } ?? .null))
        if let v = m.vision {
            func opt(_ x: Int?) -> JSONValue { x.map(JSONValue.int) ?? .null }
            out.append(("vision", .object([
                ("projector_type", .string(v.projectorType)), ("has_vision_encoder", .bool(v.hasVisionEncoder)),
                ("has_audio_encoder", .bool(v.hasAudioEncoder)), ("image_size", opt(v.imageSize)),
                ("patch_size", opt(v.patchSize)), ("embedding_length", opt(v.embeddingLength)),
                ("block_count", opt(v.blockCount)), ("projection_dim", opt(v.projectionDim)),
                ("feed_forward_length", opt(v.feedForwardLength)), ("head_count", opt(v.headCount)),
                ("merge_factor", opt(v.mergeFactor)), ("dynamic_resolution", .bool(v.dynamicResolution)),
                ("default_image_side", opt(v.defaultImageSide)), ("weight_bytes", .uint(v.weightBytes)),
                ("tokens_per_image", opt(v.tokensPerImage)),
            ])))
        } else {
            out.append(("vision", .null))
        }
        return out
    }

    // MARK: Text

    /// The report for people.
    public var text: String {
        var lines = Self.textLines(model, source: source)
        if let mmproj {
            lines.append("")
            lines += Self.textLines(mmproj, source: mmprojSource ?? "mmproj")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func textLines(_ m: GGUFModel, source: String) -> [String] {
        var lines: [String] = [source]
        func row(_ label: String, _ value: String) { lines.append("  " + pad(label, 18) + value) }
        let f = m.file
        if let name = m.name { row("name", name) }
        row("architecture", m.architectureName)
        row("format", "GGUF v\(f.version)\(f.byteOrder == .big ? " big-endian" : ""), \(f.tensors.count) tensors, \(f.metadata.count) metadata keys"
            + (m.partCount > 1 ? ", \(m.partCount) parts" : ""))
        if let size = m.fileSize { row("file size", "\(bytes(size)) (\(size) bytes)") }
        row("parameters", "\(count(m.parameterCount)) (\(m.parameterCount))")
        if let t = m.fileType {
            row("file type", "\(t.name) (\(t.rawValue))" + (m.quantizationVersion.map { ", quantization version \($0)" } ?? ""))
        }
        row("bits per weight", fixed(m.bitsPerWeight, 2))
        if m.vision == nil {
            row("context length", m.contextLength.map(String.init) ?? "unknown")
            row("vocabulary", m.vocabSize.map(String.init) ?? "unknown")
            row("chat template", m.hasChatTemplate ? "yes" : "no")
        }
        if let a = m.architecture {
            let kv = Set(a.kvHeadsPerLayer).count <= 1 ? "\(a.kvHeadsPerLayer.first ?? 0)"
                : "per layer \(a.kvHeadsPerLayer.map(String.init).joined(separator: ","))"
            row("layers", "\(a.layers)")
            row("hidden", "\(a.hidden)")
            row("ffn", "\(a.ffn)" + (a.ffnGated ? " (gated)" : ""))
            row("attention heads", "\(a.heads), kv heads \(kv), head dim \(a.headDimK)/\(a.headDimV)")
            if let w = a.slidingWindow, a.hasSlidingWindow {
                row("sliding window", "\(w) tokens on \(a.swaLayers.filter { $0 }.count) of \(a.layers) layers")
            }
            if let e = a.moe {
                row("experts", "\(e.experts), \(e.active) active, \(e.shared) shared, expert ffn \(e.expertFFN)"
                    + (e.leadingDenseLayers > 0 ? ", \(e.leadingDenseLayers) leading dense layers" : ""))
            }
            if let l = a.mla {
                row("MLA", "kv_lora_rank \(l.kvLoraRank), q_lora_rank \(l.qLoraRank), rope dim \(l.ropeDim)")
            }
            row("tied embeddings", a.tiedEmbeddings ? "yes" : "no")
        } else if let e = m.architectureError {
            row("architecture", "incomplete: \(e.description)")
        }
        if let v = m.vision {
            row("projector type", v.projectorType)
            if let s = v.imageSize, let p = v.patchSize { row("image", "\(s) px, patch \(p)" + (v.mergeFactor.map { ", merge \($0)" } ?? "")) }
            if let e = v.embeddingLength, let b = v.blockCount { row("vision encoder", "\(b) layers, width \(e)") }
            row("projector weights", bytes(v.weightBytes))
            row("tokens per image", v.tokensPerImage.map { "\($0)" + (v.dynamicResolution ? " (for a \(v.defaultImageSide ?? 0)×\(v.defaultImageSide ?? 0) image; depends on the image)" : "") } ?? "unknown")
        }
        lines.append("  tensor types")
        for t in m.tensorTypes {
            let share = m.tensorBytes == 0 ? 0 : Double(t.bytes) / Double(m.tensorBytes) * 100
            lines.append("    " + pad(t.type.name, 9) + pad("\(t.count) tensors", 13) + pad(bytes(t.bytes), 11) + fixed(share, 1) + "%")
        }
        return lines
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded() / scale
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }

    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : fixed(value, 2) + " " + units[unit]
    }

    static func count(_ n: UInt64) -> String {
        let x = Double(n)
        if x >= 1e12 { return fixed(x / 1e12, 2) + " T" }
        if x >= 1e9 { return fixed(x / 1e9, 2) + " B" }
        if x >= 1e6 { return fixed(x / 1e6, 2) + " M" }
        if x >= 1e3 { return fixed(x / 1e3, 2) + " K" }
        return "\(n)"
    }
}

/// A JSON value with ordered object keys, for output whose layout must not change between runs.
enum JSONValue: Sendable, Hashable {
    case null, bool(Bool), int(Int), uint(UInt64), double(Double), string(String)
    case array([JSONValue]), object([(String, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized(indent: 0) == b.serialized(indent: 0) }
    func hash(into h: inout Hasher) { h.combine(serialized(indent: 0)) }

    func serialized(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return "\(i)"
        case .uint(let u): return "\(u)"
        case .double(let d): return d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? "\(Int(d)).0" : "\(d)") : "null"
        case .string(let s): return Self.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }) {
                return "[" + items.map { $0.serialized(indent: 0) }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.serialized(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { inner + Self.quote($0.0) + ": " + $0.1.serialized(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + pad + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
