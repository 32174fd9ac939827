/// A model in the catalog, read from `catalog/models/<family>.yaml`.
///
/// Its ``architecture`` feeds the estimator; its ``vision`` block (for vision-language models) adds the
/// projector's weights and the image tokens.
///
/// ```swift
/// let llava = try catalog.model(named: "llava 1.6 7b")
/// llava.vision?.tokensPerImage   // 576
/// ```
public struct CatalogModel: Sendable, Hashable, Identifiable {
    public struct Vision: Sendable, Hashable, Decodable {
        public var encoder: String
        public var encoderParamsM: Double?
        public var layers: Int?
        public var hidden: Int?
        public var imageSize: Int?
        public var patchSize: Int?
        public var tokensPerImage: Int
        public var maxTokensPerImage: Int?
        public var tiling: String?
        public var projector: String?
        public var mmprojMB: [String: Double]
        public var mmprojFile: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case encoder, layers, hidden, tiling, projector
            case encoderParamsM = "encoder_params_m", imageSize = "image_size", patchSize = "patch_size"
            case tokensPerImage = "tokens_per_image", maxTokensPerImage = "max_tokens_per_image"
            case mmprojMB = "mmproj_mb", mmprojFile = "mmproj_file"
        }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            encoder = try c.decode(String.self, forKey: .encoder)
            encoderParamsM = try c.decodeIfPresent(Double.self, forKey: .encoderParamsM)
            layers = try c.decodeIfPresent(Int.self, forKey: .layers)
            hidden = try c.decodeIfPresent(Int.self, forKey: .hidden)
            imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize)
            patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize)
            tokensPerImage = try c.decode(Int.self, forKey: .tokensPerImage)
            maxTokensPerImage = try c.decodeIfPresent(Int.self, forKey: .maxTokensPerImage)
            tiling = try c.decodeIfPresent(String.self, forKey: .tiling)
            projector = try c.decodeIfPresent(String.self, forKey: .projector)
            mmprojMB = try c.decodeIfPresent([String: Double].self, forKey: .mmprojMB) ?? [:]
            mmprojFile = try c.decodeIfPresent(String.self, forKey: .mmprojFile)
        }

        /// Bytes of the mmproj file at f16 (or the given type when listed), from the catalog.
        public func mmprojBytes(type: String = "f16") -> UInt64? {
            if let mb = mmprojMB[type.lowercased()] { return UInt64(mb * 1_000_000) }
            if let mb = mmprojMB["f16"] { return UInt64(mb * 1_000_000) }
            if let params = encoderParamsM { return UInt64(params * 2_000_000) }
            return nil
        }
    }

    public var id: String
    public var name: String
    public var family: String = ""
    public var vendor: String = ""
    public var license: String = ""
    public var aliases: [String]
    public var paramsB: Double
    public var architecture: ModelArchitecture
    public var released: String?
    public var use: [String]
    public var ollama: String?
    public var hfRepo: String?
    public var ggufRepo: String?
    public var ggufFile: String?
    /// The one quantisation the model is published in, where its GGUF repository offers no other (gpt-oss: MXFP4, the
    /// format OpenAI released its experts in). A question that names no quantisation is answered for it.
    public var nativeQuant: QuantMix?
    public var vision: Vision?
    public var source: String
    public var fieldSources: [String: String]
    /// False where the audit's parameter recomputation does not apply (e.g. cross-attention vision layers).
    public var paramsCheck: Bool
    /// The numbers of the GGUF header the entry was drafted from (`catalog add`), which the audit holds it to.
    public var ggufHeader: [String: String]? = nil
    /// Fields a person still has to check (`catalog add` lists the ones a header cannot tell); the audit reports them.
    public var review: [String] = []

    /// Whether the model takes images.
    public var isVisionModel: Bool { vision != nil }
    public var isMoE: Bool { architecture.moe != nil }
}

extension CatalogModel: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, aliases, arch, layers, hidden, ffn, heads, vocab, context, released, use, ollama, vision
        case source, moe, mla, recurrent
        case kvSharedLayers = "kv_shared_layers", perLayerInput = "per_layer_input", ggufHeader = "gguf_header", review
        case nextnLayers = "nextn_layers"
        case paramsB = "params_b", kvHeads = "kv_heads", headDim = "head_dim", valueHeadDim = "value_head_dim"
        case tiedEmbeddings = "tied_embeddings", slidingWindow = "sliding_window", hfRepo = "hf_repo"
        case ggufRepo = "gguf_repo", ggufFile = "gguf_file", nativeQuant = "native_quant", fieldSources = "field_sources"
        case ffnGated = "ffn_gated", paramsCheck = "params_check"
    }
    struct SlidingWindow: Decodable {
        var size: Int
        var pattern: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case size, pattern }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            size = try c.decode(Int.self, forKey: .size)
            pattern = try c.decodeIfPresent(Int.self, forKey: .pattern)
        }
    }
    struct MoEBlock: Decodable {
        var value: ModelArchitecture.MoE
        enum CodingKeys: String, CodingKey, CaseIterable {
            case experts, active, shared
            case expertFFN = "expert_ffn", sharedFFN = "shared_ffn", leadingDense = "leading_dense_layers"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = .init(experts: try c.decode(Int.self, forKey: .experts),
                          active: try c.decode(Int.self, forKey: .active),
                          shared: try c.decodeIfPresent(Int.self, forKey: .shared) ?? 0,
                          expertFFN: try c.decode(Int.self, forKey: .expertFFN),
                          sharedFFN: try c.decodeIfPresent(Int.self, forKey: .sharedFFN) ?? 0,
                          leadingDenseLayers: try c.decodeIfPresent(Int.self, forKey: .leadingDense) ?? 0)
        }
    }
    struct MLABlock: Decodable {
        var value: ModelArchitecture.MLA
        enum CodingKeys: String, CodingKey, CaseIterable {
            case kvLoraRank = "kv_lora_rank", qLoraRank = "q_lora_rank", ropeDim = "rope_dim"
            case nopeDim = "nope_dim", valueHeadDim = "value_head_dim"
            case indexerHeads = "indexer_heads", indexerKeyLength = "indexer_key_length"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = .init(kvLoraRank: try c.decode(Int.self, forKey: .kvLoraRank),
                          qLoraRank: try c.decodeIfPresent(Int.self, forKey: .qLoraRank) ?? 0,
                          ropeDim: try c.decode(Int.self, forKey: .ropeDim),
                          nopeDim: try c.decode(Int.self, forKey: .nopeDim),
                          valueHeadDim: try c.decode(Int.self, forKey: .valueHeadDim),
                          indexerHeads: try c.decodeIfPresent(Int.self, forKey: .indexerHeads) ?? 0,
                          indexerKeyLength: try c.decodeIfPresent(Int.self, forKey: .indexerKeyLength) ?? 0)
        }
    }

    /// `recurrent:` — a hybrid model's recurrent layers: `kind` (mamba2, gated-delta-net, mamba), the llama.cpp
    /// `ssm.*` numbers, and which layers are attention (`attention_layers: [5, 15]` or `full_attention_interval: 4`).
    struct RecurrentBlock: Decodable {
        var value: ModelArchitecture.Recurrent
        var attentionLayers: [Int]?
        var fullAttentionInterval: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, groups, heads
            case convKernel = "conv_kernel", innerSize = "inner_size", stateSize = "state_size"
            case attentionLayers = "attention_layers", fullAttentionInterval = "full_attention_interval"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let kindText = try c.decode(String.self, forKey: .kind)
            guard let kind = ModelArchitecture.Recurrent.Kind(rawValue: kindText) else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                    "recurrent.kind '\(kindText)' is not one of \(ModelArchitecture.Recurrent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            value = .init(kind: kind, convKernel: try c.decode(Int.self, forKey: .convKernel), innerSize: try c.decode(Int.self, forKey: .innerSize),
                          stateSize: try c.decode(Int.self, forKey: .stateSize), groups: try c.decodeIfPresent(Int.self, forKey: .groups) ?? 0,
                          heads: try c.decode(Int.self, forKey: .heads))
            attentionLayers = try c.decodeIfPresent([Int].self, forKey: .attentionLayers)
            fullAttentionInterval = try c.decodeIfPresent(Int.self, forKey: .fullAttentionInterval)
            guard (attentionLayers == nil) != (fullAttentionInterval == nil) else {
                throw DecodingError.dataCorruptedError(forKey: .attentionLayers, in: c, debugDescription:
                    "recurrent needs exactly one of attention_layers (a list of layer indices) or full_attention_interval")
            }
        }
        /// Which of `layers` layers are recurrent.
        func recurrentLayers(_ layers: Int) -> [Bool] {
            if let interval = fullAttentionInterval { return (0..<layers).map { ($0 + 1) % max(interval, 1) != 0 } }
            let attention = Set(attentionLayers ?? [])
            return (0..<layers).map { !attention.contains($0) }
        }
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([LooseString].self, forKey: .aliases)?.map(\.value) ?? []
        paramsB = try c.decode(Double.self, forKey: .paramsB)
        let window = try c.decodeIfPresent(SlidingWindow.self, forKey: .slidingWindow)
        let layers = try c.decode(Int.self, forKey: .layers)
        let heads = try c.decode(Int.self, forKey: .heads)
        architecture = ModelArchitecture(
            arch: try c.decode(String.self, forKey: .arch),
            layers: layers,
            hidden: try c.decode(Int.self, forKey: .hidden),
            ffn: try c.decodeIfPresent(Int.self, forKey: .ffn) ?? 0,
            heads: heads,
            kvHeads: try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? heads,
            headDim: try c.decode(Int.self, forKey: .headDim),
            valueHeadDim: try c.decodeIfPresent(Int.self, forKey: .valueHeadDim),
            vocab: try c.decode(Int.self, forKey: .vocab),
            contextLength: try c.decode(Int.self, forKey: .context),
            slidingWindow: window?.size,
            swaPattern: window?.pattern,
            moe: try c.decodeIfPresent(MoEBlock.self, forKey: .moe)?.value,
            mla: try c.decodeIfPresent(MLABlock.self, forKey: .mla)?.value,
            tiedEmbeddings: try c.decodeIfPresent(Bool.self, forKey: .tiedEmbeddings) ?? false,
            ffnGated: try c.decodeIfPresent(Bool.self, forKey: .ffnGated) ?? true)
        if let r = try c.decodeIfPresent(RecurrentBlock.self, forKey: .recurrent) {
            architecture.recurrent = r.value
            architecture.recurrentLayers = r.recurrentLayers(layers)
        }
        if let shared = try c.decodeIfPresent(Int.self, forKey: .kvSharedLayers), shared > 0 { architecture.kvLayersFromStart = layers - shared }
        architecture.perLayerInput = try c.decodeIfPresent(Int.self, forKey: .perLayerInput)
        if let nextn = try c.decodeIfPresent(Int.self, forKey: .nextnLayers) {
            guard (1...4).contains(nextn) else {
                throw DecodingError.dataCorruptedError(forKey: .nextnLayers, in: c, debugDescription: "nextn_layers is \(nextn); a GGUF carries 1 to 4 NextN blocks")
            }
            architecture.skippedNextNLayers = nextn
        }
        ggufHeader = try c.decodeIfPresent([String: LooseString].self, forKey: .ggufHeader)?.mapValues(\.value)
        review = try c.decodeIfPresent([String].self, forKey: .review) ?? []
        released = try c.decodeIfPresent(LooseString.self, forKey: .released)?.value
        use = try c.decodeIfPresent([String].self, forKey: .use) ?? []
        ollama = try c.decodeIfPresent(String.self, forKey: .ollama)
        hfRepo = try c.decodeIfPresent(String.self, forKey: .hfRepo)
        ggufRepo = try c.decodeIfPresent(String.self, forKey: .ggufRepo)
        ggufFile = try c.decodeIfPresent(String.self, forKey: .ggufFile)
        if let raw = try c.decodeIfPresent(String.self, forKey: .nativeQuant) {
            guard let mix = QuantMix(name: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .nativeQuant, in: c, debugDescription: "native_quant '\(raw)' is not a quantisation the engine knows (e.g. MXFP4, Q4_K_M)")
            }
            nativeQuant = mix
        }
        vision = try c.decodeIfPresent(Vision.self, forKey: .vision)
        source = try c.decode(LooseString.self, forKey: .source).value
        fieldSources = try c.decodeIfPresent([String: LooseString].self, forKey: .fieldSources)?.mapValues(\.value) ?? [:]
        paramsCheck = try c.decodeIfPresent(Bool.self, forKey: .paramsCheck) ?? true
    }
}
