/// The architecture numbers of a transformer language model that decide its memory and speed.
///
/// It comes either from a catalog entry (``CatalogModel``) or from a GGUF file's metadata
/// (`<arch>.block_count`, `<arch>.embedding_length`, ...). Per-layer facts (KV heads, which layers use a
/// sliding window) are stored per layer, because real models vary them.
///
/// ```swift
/// let arch = ModelArchitecture(arch: "llama", layers: 32, hidden: 4096, ffn: 14336, heads: 32,
///                              kvHeads: 8, headDim: 128, vocab: 128256, contextLength: 131072)
/// arch.kvBytesPerToken(keyType: .f16, valueType: .f16)   // 131072
/// ```
public struct ModelArchitecture: Sendable, Hashable, Codable {
    /// Mixture-of-experts layout.
    public struct MoE: Sendable, Hashable, Codable {
        public var experts: Int
        public var active: Int
        public var shared: Int
        public var expertFFN: Int
        public var sharedFFN: Int
        /// Layers at the start that use a dense FFN instead of experts (DeepSeek V3: 3).
        public var leadingDenseLayers: Int
        public init(experts: Int, active: Int, shared: Int = 0, expertFFN: Int, sharedFFN: Int = 0, leadingDenseLayers: Int = 0) {
            self.experts = experts; self.active = active; self.shared = shared
            self.expertFFN = expertFFN; self.sharedFFN = sharedFFN; self.leadingDenseLayers = leadingDenseLayers
        }
    }

    /// Multi-head latent attention (DeepSeek V2/V3): the KV cache holds a compressed latent per token.
    public struct MLA: Sendable, Hashable, Codable {
        public var kvLoraRank: Int
        public var qLoraRank: Int
        public var ropeDim: Int
        public var nopeDim: Int
        public var valueHeadDim: Int
        public init(kvLoraRank: Int, qLoraRank: Int, ropeDim: Int, nopeDim: Int, valueHeadDim: Int) {
            self.kvLoraRank = kvLoraRank; self.qLoraRank = qLoraRank; self.ropeDim = ropeDim
            self.nopeDim = nopeDim; self.valueHeadDim = valueHeadDim
        }
    }

    /// GGUF `general.architecture` ("llama", "qwen3moe", "gemma3", ...).
    public var arch: String
    public var layers: Int
    public var hidden: Int
    /// Dense FFN width (for MoE models the width of dense layers, if any).
    public var ffn: Int
    public var heads: Int
    /// KV heads of each layer (count == layers).
    public var kvHeadsPerLayer: [Int]
    public var headDimK: Int
    public var headDimV: Int
    public var vocab: Int
    public var contextLength: Int
    /// Sliding-window size in tokens, if some layers use one.
    public var slidingWindow: Int?
    /// For each layer, whether it uses the sliding window (count == layers).
    public var swaLayers: [Bool]
    public var moe: MoE?
    public var mla: MLA?
    public var tiedEmbeddings: Bool
    /// Whether the FFN is gated (three matrices) rather than two.
    public var ffnGated: Bool

    public init(arch: String, layers: Int, hidden: Int, ffn: Int, heads: Int, kvHeads: Int, headDim: Int,
                valueHeadDim: Int? = nil, vocab: Int, contextLength: Int, slidingWindow: Int? = nil,
                swaPattern: Int? = nil, moe: MoE? = nil, mla: MLA? = nil, tiedEmbeddings: Bool = false,
                ffnGated: Bool = true) {
        self.arch = arch
        self.layers = layers
        self.hidden = hidden
        self.ffn = ffn
        self.heads = heads
        self.headDimK = headDim
        self.headDimV = valueHeadDim ?? headDim
        self.kvHeadsPerLayer = Array(repeating: kvHeads, count: max(layers, 0))
        self.vocab = vocab
        self.contextLength = contextLength
        self.slidingWindow = slidingWindow
        self.swaLayers = ModelArchitecture.swaLayers(layers: layers, window: slidingWindow, pattern: swaPattern)
        self.moe = moe
        self.mla = mla
        self.tiedEmbeddings = tiedEmbeddings
        self.ffnGated = ffnGated
        if let mla {
            // llama.cpp stores one latent "head" per token: K = kv_lora_rank + rope dims, V = kv_lora_rank.
            self.kvHeadsPerLayer = Array(repeating: 1, count: max(layers, 0))
            self.headDimK = mla.kvLoraRank + mla.ropeDim
            self.headDimV = mla.kvLoraRank
        }
    }

    /// Which layers use a sliding window. `pattern` N means every Nth layer (the last of each group of N)
    /// is global and the others slide, as llama.cpp's `LLAMA_SWA_TYPE_STANDARD` with `n_swa_pattern`;
    /// 0 or nil with a window means every layer slides (Mistral 7B v0.1).
    public static func swaLayers(layers: Int, window: Int?, pattern: Int?) -> [Bool] {
        guard layers > 0 else { return [] }
        guard let window, window > 0 else { return Array(repeating: false, count: layers) }
        guard let pattern, pattern > 0 else { return Array(repeating: true, count: layers) }
        return (0..<layers).map { ($0 % pattern) < (pattern - 1) }
    }

    /// K elements per token in one layer.
    @inlinable public func kElements(layer: Int) -> Int { kvHeadsPerLayer[layer] * headDimK }
    /// V elements per token in one layer.
    @inlinable public func vElements(layer: Int) -> Int { kvHeadsPerLayer[layer] * headDimV }

    /// KV-cache bytes one token adds when every layer keeps it (no sliding window cap).
    public func kvBytesPerToken(keyType: GGMLType, valueType: GGMLType) -> UInt64 {
        var total: UInt64 = 0
        for l in 0..<layers {
            total += keyType.bytes(forElements: UInt64(kElements(layer: l)))
            total += valueType.bytes(forElements: UInt64(vElements(layer: l)))
        }
        return total
    }

    /// Whether any layer uses a sliding window.
    public var hasSlidingWindow: Bool { slidingWindow != nil && swaLayers.contains(true) }
}
