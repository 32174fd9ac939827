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
        /// DeepSeek Sparse Attention's lightning indexer (DeepSeek V3.2): its heads, and the width of the one key per
        /// token it caches beside the latent (llama.cpp's `llama_kv_cache_dsa`, cache type as K). 0 without DSA.
        public var indexerHeads: Int
        public var indexerKeyLength: Int
        public init(kvLoraRank: Int, qLoraRank: Int, ropeDim: Int, nopeDim: Int, valueHeadDim: Int, indexerHeads: Int = 0, indexerKeyLength: Int = 0) {
            self.kvLoraRank = kvLoraRank; self.qLoraRank = qLoraRank; self.ropeDim = ropeDim
            self.nopeDim = nopeDim; self.valueHeadDim = valueHeadDim
            self.indexerHeads = indexerHeads; self.indexerKeyLength = indexerKeyLength
        }
    }

    /// The recurrent layers of a hybrid model (Mamba-2 in Granite 4.0-H, gated delta-net linear attention in
    /// Qwen3-Next, Mamba in Jamba): they keep a fixed state per sequence instead of a KV cache. llama.cpp's
    /// `llama_memory_recurrent` holds, per recurrent layer and sequence, a conv state of `n_embd_r` and an SSM state of
    /// `n_embd_s` values, always f32 (the KV cache types do not apply).
    public struct Recurrent: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            case mamba2, mamba, gatedDeltaNet = "gated-delta-net"
        }
        public var kind: Kind
        /// `ssm.conv_kernel` (d_conv).
        public var convKernel: Int
        /// `ssm.inner_size` (d_inner: Mamba's expanded width; Qwen3-Next's value heads × value head dim).
        public var innerSize: Int
        /// `ssm.state_size` (d_state; Qwen3-Next's key head dim).
        public var stateSize: Int
        /// `ssm.group_count` (Mamba-2 groups; Qwen3-Next's key heads; 0 for Mamba).
        public var groups: Int
        /// `ssm.time_step_rank` (Mamba-2 heads; Qwen3-Next's value heads; Mamba's dt rank).
        public var heads: Int
        public init(kind: Kind, convKernel: Int, innerSize: Int, stateSize: Int, groups: Int, heads: Int) {
            self.kind = kind; self.convKernel = convKernel; self.innerSize = innerSize; self.stateSize = stateSize
            self.groups = groups; self.heads = heads
        }
        /// llama.cpp's `n_embd_r()`: the conv state, `(d_conv - 1) × (d_inner + 2 × n_group × d_state)` values.
        public var convStateElements: Int { (convKernel - 1) * (innerSize + 2 * groups * stateSize) }
        /// llama.cpp's `n_embd_s()`: the SSM (or delta-rule) state, `d_state × d_inner` values.
        public var ssmStateElements: Int { stateSize * innerSize }
        /// Bytes of one layer's state for one sequence (f32).
        public var bytesPerSequence: UInt64 { UInt64(convStateElements + ssmStateElements) * 4 }
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
    /// The recurrent layers' state, for a hybrid model.
    public var recurrent: Recurrent?
    /// For each layer, whether it is recurrent (keeps ``recurrent`` state, no KV cache). Count == layers.
    public var recurrentLayers: [Bool]
    /// Layers from this index on keep no KV of their own and read an earlier layer's (Gemma 3n's KV sharing:
    /// llama.cpp's `n_layer_kv_from_start`).
    public var kvLayersFromStart: Int?
    /// Width of Gemma 3n's per-layer input embeddings (`per_layer_token_embd` holds layers × this per token).
    public var perLayerInput: Int?
    /// Multi-token-prediction (NextN) blocks a GGUF carries after the ``layers`` of the trunk, which llama.cpp neither
    /// loads nor gives a KV cache in a normal run (DeepSeek V3, GLM-4.5/4.6: `nextn_predict_layers`; their tensors
    /// are skipped unless speculative decoding with them is asked for). 0 for most models.
    public var skippedNextNLayers: Int = 0

    /// llama.cpp's `-ngl` for `gpuLayers` of the engine's count (trunk layers, then the output layer). llama.cpp
    /// counts the skipped NextN blocks as layers too, and they sit after the trunk, so they are the first offloaded.
    ///
    /// ```swift
    /// glm46.llamaCppNGL(93)   // 94: all 92 layers, the NextN block and the output layer
    /// ```
    public func llamaCppNGL(_ gpuLayers: Int) -> Int { gpuLayers > 0 ? gpuLayers + skippedNextNLayers : 0 }

    /// The engine's count for a llama.cpp `-ngl` (the inverse of ``llamaCppNGL(_:)``).
    public func gpuLayers(fromNGL ngl: Int) -> Int { max(0, ngl - skippedNextNLayers) }
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
        self.recurrentLayers = Array(repeating: false, count: max(layers, 0))
        self.tiedEmbeddings = tiedEmbeddings
        self.ffnGated = ffnGated
        if let mla {
            // llama.cpp stores one latent "head" per token: K = kv_lora_rank + rope dims; V (kv_lora_rank) is read from K's
            // first kv_lora_rank values and has no cache of its own.
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

    /// K elements per token a layer attends over (0 for a recurrent layer).
    @inlinable public func kElements(layer: Int) -> Int {
        recurrentLayers[layer] ? 0 : kvHeadsPerLayer[layer] * headDimK + (mla?.indexerKeyLength ?? 0)
    }
    /// V elements per token a layer keeps (0 for a recurrent layer; 0 with MLA, whose V is a view of the latent K:
    /// llama.cpp allocates no V cache when `is_mla()`, llama-kv-cache.cpp `has_v = !is_mla`).
    @inlinable public func vElements(layer: Int) -> Int { recurrentLayers[layer] || mla != nil ? 0 : kvHeadsPerLayer[layer] * headDimV }

    /// Whether a layer keeps KV cells of its own: not a recurrent layer, and not one that reads an earlier layer's.
    @inlinable public func ownsKV(layer: Int) -> Bool {
        !recurrentLayers[layer] && (kvLayersFromStart.map { layer < $0 } ?? true)
    }

    /// Layers that keep recurrent state.
    public var recurrentLayerCount: Int { recurrent == nil ? 0 : recurrentLayers.filter { $0 }.count }

    /// Recurrent-state bytes of one layer for one sequence (0 unless it is a recurrent layer).
    @inlinable public func recurrentStateBytes(layer: Int) -> UInt64 {
        guard let r = recurrent, recurrentLayers[layer] else { return 0 }
        return r.bytesPerSequence
    }

    /// Recurrent-state bytes of the whole model for `sequences` sequences (llama.cpp's RS buffer).
    public func recurrentStateBytes(sequences: Int) -> UInt64 {
        guard let r = recurrent else { return 0 }
        return UInt64(recurrentLayerCount) * r.bytesPerSequence * UInt64(max(sequences, 1))
    }

    /// KV heads of the attention layers (recurrent layers have none), and the count a catalog entry states:
    /// the query heads for MLA, as the catalog writes it.
    public var attentionKVHeads: [Int] { kvHeadsPerLayer.enumerated().filter { !recurrentLayers[$0.offset] }.map(\.element) }
    public var catalogKVHeads: Int { mla != nil ? heads : (attentionKVHeads.max() ?? heads) }

    /// KV-cache bytes one token adds when every layer that keeps KV keeps it (no sliding window cap).
    public func kvBytesPerToken(keyType: GGMLType, valueType: GGMLType) -> UInt64 {
        var total: UInt64 = 0
        for l in 0..<layers where ownsKV(layer: l) {
            total += keyType.bytes(forElements: UInt64(kElements(layer: l)))
            total += valueType.bytes(forElements: UInt64(vElements(layer: l)))
        }
        return total
    }

    /// Whether any layer uses a sliding window.
    public var hasSlidingWindow: Bool { slidingWindow != nil && swaLayers.contains(true) }
}
