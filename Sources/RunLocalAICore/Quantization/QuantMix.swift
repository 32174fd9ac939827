/// A llama.cpp file type ("Q4_K_M", "IQ4_XS", "F16", ...): the recipe `llama-quantize` follows to give
/// every tensor its own ggml type.
///
/// ``tensorType(for:in:)`` re-states the rules of `llama_tensor_get_type` in llama.cpp's
/// `src/llama-quant.cpp` (the output layer at Q6_K, `attn_v` and `ffn_down` bumped on the layers
/// `use_more_bits` picks, 8-expert models' attention at Q8_0, the fallback when a row length is not a
/// multiple of the block size, ...), so a model's weight bytes are computed tensor by tensor.
///
/// ```swift
/// let mix = QuantMix(name: "q4_k_m")!
/// mix.baseType   // .q4_K
/// ```
public struct QuantMix: Sendable, Hashable, CustomStringConvertible {
    /// The llama.cpp `LLAMA_FTYPE_MOSTLY_*` name, upper case ("Q4_K_M").
    public let name: String
    /// The type most tensors get.
    public let baseType: GGMLType
    /// `general.file_type` value written by llama.cpp.
    public let fileType: Int

    public var description: String { name }

    /// Every file type llama.cpp's quantize tool writes, with its `general.file_type` id.
    public static let all: [QuantMix] = [
        .init("F32", .f32, 0), .init("F16", .f16, 1), .init("Q4_0", .q4_0, 2), .init("Q4_1", .q4_1, 3),
        .init("Q8_0", .q8_0, 7), .init("Q5_0", .q5_0, 8), .init("Q5_1", .q5_1, 9),
        .init("Q2_K", .q2_K, 10), .init("Q3_K_S", .q3_K, 11), .init("Q3_K_M", .q3_K, 12), .init("Q3_K_L", .q3_K, 13),
        .init("Q4_K_S", .q4_K, 14), .init("Q4_K_M", .q4_K, 15), .init("Q5_K_S", .q5_K, 16), .init("Q5_K_M", .q5_K, 17),
        .init("Q6_K", .q6_K, 18), .init("IQ2_XXS", .iq2_XXS, 19), .init("IQ2_XS", .iq2_XS, 20),
        .init("Q2_K_S", .q2_K, 21), .init("IQ3_XS", .iq3_S, 22), .init("IQ3_XXS", .iq3_XXS, 23),
        .init("IQ1_S", .iq1_S, 24), .init("IQ4_NL", .iq4_NL, 25), .init("IQ3_S", .iq3_S, 26),
        .init("IQ3_M", .iq3_S, 27), .init("IQ2_S", .iq2_XS, 28), .init("IQ2_M", .iq2_S, 29),
        .init("IQ4_XS", .iq4_XS, 30), .init("IQ1_M", .iq1_M, 31), .init("BF16", .bf16, 32),
        .init("TQ1_0", .tq1_0, 36), .init("TQ2_0", .tq2_0, 37), .init("MXFP4", .mxfp4, 38),
    ]

    private init(_ name: String, _ base: GGMLType, _ fileType: Int) {
        self.name = name; self.baseType = base; self.fileType = fileType
    }

    /// Looks a mix up by name, forgiving case and separators ("q4_k_m", "Q4-K-M", "q4km", "mxfp4_moe").
    public init?(name: String) {
        let key = QuantMix.key(name)
        guard let found = QuantMix.all.first(where: { QuantMix.key($0.name) == key })
                ?? (key == "MXFP4MOE" ? QuantMix.all.first { $0.name == "MXFP4" } : nil)
                ?? (key == "Q4K" ? QuantMix.all.first { $0.name == "Q4_K_M" } : nil)
                ?? (key == "Q5K" ? QuantMix.all.first { $0.name == "Q5_K_M" } : nil)
                ?? (key == "Q3K" ? QuantMix.all.first { $0.name == "Q3_K_M" } : nil)
        else { return nil }
        self = found
    }

    /// The mix for a GGUF `general.file_type` value.
    public init?(fileType: Int) {
        guard let found = QuantMix.all.first(where: { $0.fileType == fileType }) else { return nil }
        self = found
    }

    static func key(_ s: String) -> String { s.uppercased().filter { $0.isLetter || $0.isNumber } }

    /// The closest known names, for an error message.
    public static func suggestions(for name: String) -> [String] {
        let k = key(name)
        return all.map(\.name).sorted {
            NameResolver.editDistance(key($0), k) < NameResolver.editDistance(key($1), k)
        }.prefix(3).map { $0 }
    }

    // MARK: Per-tensor rules

    /// What the quantiser knows about the whole model when it picks a tensor's type.
    public struct Context: Sendable {
        public var arch: String
        public var layers: Int
        public var experts: Int
        public var gqa: Int
        public var hasOutput: Bool
        public init(arch: String, layers: Int, experts: Int, gqa: Int, hasOutput: Bool) {
            self.arch = arch; self.layers = layers; self.experts = experts; self.gqa = gqa; self.hasOutput = hasOutput
        }
        public init(_ a: ModelArchitecture) {
            self.init(arch: a.arch, layers: a.layers, experts: a.moe?.experts ?? 0,
                      gqa: a.heads / max(1, a.kvHeadsPerLayer.first ?? a.heads), hasOutput: !a.tiedEmbeddings)
        }
        var isFalcon: Bool { arch == "falcon" }
        /// llama.cpp treats 80-layer dense models as its "70B" type.
        var is70B: Bool { layers == 80 && experts == 0 }
    }

    /// llama.cpp's `use_more_bits`: the first and last eighth of layers and every third in between.
    static func useMoreBits(_ i: Int, _ n: Int) -> Bool {
        i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2
    }

    /// The type this mix gives a tensor named `name` with row length `rowLength` and `dims` dimensions.
    public func tensorType(name: String, dimensions: [UInt64], in ctx: Context) -> GGMLType {
        // Only 2-D+ weights are quantised; norms, biases and the MoE router keep F32.
        guard dimensions.count >= 2, name.hasSuffix(".weight"), !name.contains("_norm"), !name.contains("ffn_gate_inp"),
              !name.contains("norm.weight"), !name.contains("ssm_conv1d"), !name.contains("altup_correct_coef"), !name.contains("altup_predict_coef")
        else { return .f32 }
        // llama-quantize leaves Gemma 3n's AltUp, LAuReL and per-layer projection at the converter's 16-bit type.
        if name.contains("altup") || name.contains("laurel") || name.contains("per_layer_model_proj") {
            return baseType.isQuantized || baseType == .f32 ? .f16 : baseType
        }
        // gpt-oss's experts are MXFP4 in every GGUF: OpenAI released them so, llama.cpp's converter writes them as they
        // are, and every file type names the other tensors only (a published "F16" file is 60.87 GiB, not 218).
        if ctx.arch == "gpt-oss", name.contains("_exps"), dimensions.count > 2, dimensions[2] > 1 { return .mxfp4 }
        if !baseType.isQuantized { return baseType }
        let layer = TensorInfo.layerIndex(of: name) ?? 0
        var t = rawType(name: name, dimensions: dimensions, layer: layer, ctx: ctx)
        // Fallback when the row is not a whole number of blocks (convert_incompatible_tensor).
        let row = dimensions[0]
        if row % UInt64(t.blockSize) != 0 {
            switch t {
            case .tq1_0, .tq2_0: t = .q4_0
            case .iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq1_S, .iq1_M, .q2_K, .q3_K, .iq4_XS: t = .iq4_NL
            case .q4_K: t = .q5_0
            case .q5_K: t = .q5_1
            case .q6_K: t = .q8_0
            default: break
            }
            if row % UInt64(t.blockSize) != 0 { t = .f16 }
        }
        return t
    }

    private func rawType(name: String, dimensions: [UInt64], layer i: Int, ctx: Context) -> GGMLType {
        let n = ctx.layers
        let f = self.name
        let isIQ12 = ["IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"].contains(f)
        let isOutput = name == "output.weight" || (!ctx.hasOutput && name == "token_embd.weight")
        if isOutput {
            if f == "MXFP4" { return .q8_0 }
            if ctx.isFalcon || dimensions[0] % 256 != 0 { return .q8_0 }
            if ["IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"].contains(f) { return .q5_K }
            return baseType == .q8_0 ? .q8_0 : .q6_K
        }
        if f == "MXFP4" { return dimensions.count > 2 && dimensions[2] > 1 ? .mxfp4 : .q8_0 }
        if name == "token_embd.weight" || name == "per_layer_token_embd.weight" {
            switch f {
            case "IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M": return .q2_K
            case "IQ2_S", "IQ2_M", "IQ3_XXS": return .iq3_S
            case "TQ1_0", "TQ2_0": return .q4_K
            default: return baseType
            }
        }
        if isIQ12 {
            if name.contains("attn_v.weight") {
                if ctx.gqa >= 4 || ctx.experts >= 4 { return .q4_K }
                return f == "IQ2_S" || f == "IQ2_M" ? .iq3_S : .q2_K
            }
            if ctx.experts == 8 && name.contains("attn_k.weight") { return .q4_K }
            if name.contains("ffn_down") {
                if i < n / 8 { return f == "IQ2_S" || f == "IQ2_M" ? .iq3_S : .q2_K }
                return baseType
            }
            if name.contains("attn_output.weight") {
                if ctx.experts == 8 { return .q5_K }
                if f == "IQ1_S" || f == "IQ1_M" { return .iq2_XXS }
                if f == "IQ2_S" || f == "IQ2_M" { return .iq3_S }
            }
            return baseType
        }
        if name.contains("attn_v.weight") {
            var t = baseType
            switch f {
            case "Q2_K": t = ctx.gqa >= 4 ? .q4_K : .q3_K
            case "Q2_K_S": if ctx.gqa >= 4 { t = .q4_K }
            case "IQ3_XXS": t = ctx.gqa >= 4 ? .q4_K : .iq3_S   // no importance matrix assumed
            case "IQ3_XS", "IQ3_S": if ctx.gqa >= 4 { t = .q4_K }
            case "IQ3_M": t = .q4_K
            case "Q3_K_M": t = i < 2 ? .q5_K : .q4_K
            case "Q3_K_L": t = .q5_K
            case "IQ4_NL", "IQ4_XS": if ctx.gqa >= 4 { t = .q5_K }
            case "Q4_K_M", "Q5_K_M": if QuantMix.useMoreBits(i, n) { t = .q6_K }
            case "Q4_K_S": if i < 4 { t = .q5_K }
            default: break
            }
            if ctx.is70B && (t == .q3_K || t == .q4_K) { t = .q5_K }
            if ctx.experts == 8 { t = .q8_0 }
            return t
        }
        if name.contains("attn_k.weight") {
            if ctx.experts == 8 { return .q8_0 }
            if f == "IQ3_XS" { return .iq3_XXS }
            if f == "IQ3_XXS" { return .iq2_S }
            return baseType
        }
        if name.contains("attn_q.weight") {
            if f == "IQ3_XS" { return .iq3_XXS }
            if f == "IQ3_XXS" { return .iq2_S }
            return baseType
        }
        if name.contains("ffn_down") {
            switch f {
            case "Q2_K": return .q3_K
            case "Q2_K_S": return i < n / 8 ? .q4_K : baseType
            case "IQ3_XXS": return i < n / 8 ? .q4_K : .q3_K
            case "Q3_K_M":
                if i < n / 16 { return .q5_K }
                return !ctx.isFalcon || QuantMix.useMoreBits(i, n) ? .q4_K : .q3_K
            case "IQ3_M": return i < n / 8 || (ctx.experts == 8 && QuantMix.useMoreBits(i, n)) ? .q4_K : baseType
            case "Q3_K_L": return ctx.isFalcon ? .q4_K : .q5_K
            case "Q4_K_M":
                if ctx.isFalcon { return i < n / 16 ? .q6_K : QuantMix.useMoreBits(i, n) ? .q5_K : .q4_K }
                return QuantMix.useMoreBits(i, n) ? .q6_K : baseType
            case "IQ4_NL", "IQ4_XS": return i < n / 8 ? .q5_K : baseType
            case "Q5_K_M": return QuantMix.useMoreBits(i, n) ? .q6_K : baseType
            case "Q4_K_S": return !ctx.isFalcon && i < n / 8 ? .q5_K : baseType
            default: return baseType
            }
        }
        if name.contains("attn_output.weight") {
            if ctx.isFalcon { return f == "Q3_K_L" ? .q4_K : baseType }
            if ctx.experts == 8 {
                let bump: Set<String> = ["Q2_K", "IQ3_XS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS"]
                return bump.contains(f) ? .q5_K : baseType
            }
            switch f {
            case "Q2_K": return .q3_K
            case "IQ3_XXS": return .iq3_S
            case "Q3_K_M", "IQ3_M": return .q4_K
            case "Q3_K_L": return .q5_K
            default: return baseType
            }
        }
        if name.contains("attn_qkv.weight") {
            switch f {
            case "Q3_K_M", "Q3_K_L", "IQ3_M": return .q4_K
            case "Q4_K_M": return .q5_K
            case "Q5_K_M": return .q6_K
            default: return baseType
            }
        }
        if name.contains("ffn_gate") || name.contains("ffn_up") {
            if f == "IQ3_XS" && i >= n / 8 && i < 7 * n / 8 { return .iq3_XXS }
            return baseType
        }
        return baseType
    }
}
