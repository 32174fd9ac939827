/// Where a model's weight bytes sit, summarised once per (model, quantisation) so every memory and speed
/// evaluation after that is arithmetic on small arrays.
///
/// Built from a tensor list — a real GGUF's, or one ``TensorSynthesis`` made for a catalog model.
///
/// ```swift
/// let layout = WeightLayout(tensors: tensors, architecture: arch)
/// layout.fileBytes              // the weights' bytes as stored
/// layout.layerBytes[0]          // one repeating layer
/// ```
public struct WeightLayout: Sendable, Hashable {
    /// Bytes of each repeating layer (`blk.N.*`).
    public var layerBytes: [UInt64]
    /// Bytes of each layer read to produce one token (MoE: router, shared experts and `active` experts only).
    public var layerActiveBytes: [UInt64]
    /// Bytes of each layer that llama.cpp's CPU backend repacks into an interleaved copy.
    public var layerRepackBytes: [UInt64]
    /// Bytes of each layer's routed experts (`*_exps` tensors): what llama.cpp's `--n-cpu-moe` keeps in system RAM.
    public var layerExpertBytes: [UInt64]
    /// Of ``layerExpertBytes``, what one token reads (the active experts' share).
    public var layerExpertActiveBytes: [UInt64]
    /// Of ``layerExpertBytes``, what the CPU backend repacks.
    public var layerExpertRepackBytes: [UInt64]
    /// The largest routed-expert tensor (staged on the GPU when experts in RAM run a large batch there).
    public var largestExpertTensorBytes: UInt64
    /// `token_embd.weight`: always kept in host memory by llama.cpp (only looked up, never multiplied).
    public var tokenEmbeddingBytes: UInt64
    /// The output layer (`output.weight`, or a copy of the token embeddings when they are tied) and `output_norm`.
    public var outputBytes: UInt64
    public var outputRepackBytes: UInt64
    /// Part of `outputBytes` that is a second copy of tied token embeddings: llama.cpp allocates it only when
    /// the output layer sits on another device than the embeddings (on the CPU both are one mapping).
    public var tiedOutputCopyBytes: UInt64
    /// Bytes of every tensor as stored in the file (tied embeddings counted once).
    public var fileBytes: UInt64
    /// Parameters (elements of every tensor).
    public var parameterCount: UInt64
    /// Parameters multiplied for one token (MoE: active experts only; the token embedding lookup excluded).
    public var activeParameterCount: UInt64
    /// Parameters of the output layer (part of `activeParameterCount`): a prompt computes it for its last
    /// token only, so prefill counts it once per prompt, not per token.
    public var outputParameterCount: UInt64
    /// Count and bytes by tensor type.
    public var histogram: [GGMLType: (count: Int, bytes: UInt64)]
    /// The largest single tensor of any repeating layer (what a partial offload streams to the GPU at once).
    public var largestLayerTensorBytes: UInt64

    public static func == (l: WeightLayout, r: WeightLayout) -> Bool {
        l.layerBytes == r.layerBytes && l.tokenEmbeddingBytes == r.tokenEmbeddingBytes && l.outputBytes == r.outputBytes
            && l.fileBytes == r.fileBytes
    }
    public func hash(into h: inout Hasher) { h.combine(layerBytes); h.combine(fileBytes) }

    /// Types the CPU backend repacks (ggml-cpu `repack.cpp`, x86 AVX2 / ARM NEON builds).
    public static let repackedTypes: Set<GGMLType> = [.q4_0, .q4_K, .iq4_NL]

    public init(tensors: [TensorInfo], architecture a: ModelArchitecture) {
        let n = a.layers
        var layer = Array(repeating: UInt64(0), count: n)
        var active = Array(repeating: UInt64(0), count: n)
        var repack = Array(repeating: UInt64(0), count: n)
        var experts = Array(repeating: UInt64(0), count: n), expertsActive = experts, expertsRepack = experts
        var largestExpert: UInt64 = 0
        var embd: UInt64 = 0, embdElements: UInt64 = 0, output: UInt64 = 0, outputRepack: UInt64 = 0, file: UInt64 = 0
        var params: UInt64 = 0, activeParams: UInt64 = 0, outputParams: UInt64 = 0, largest: UInt64 = 0
        var hist: [GGMLType: (count: Int, bytes: UInt64)] = [:]
        var hasOutput = false
        var perLayerEmbd: UInt64 = 0
        let expertFraction: Double = a.moe.map { Double($0.active) / Double(max($0.experts, 1)) } ?? 1
        func canRepack(_ t: TensorInfo) -> Bool {
            WeightLayout.repackedTypes.contains(t.type) && t.dimensions.count >= 2 && t.dimensions[1] % 8 == 0
        }
        for t in tensors {
            file &+= t.bytes
            // A NextN block after the trunk: in the file, never loaded (llama.cpp skips its tensors).
            if let l = t.layer, l >= n, l < n + a.skippedNextNLayers { continue }
            params &+= t.elementCount
            hist[t.type, default: (0, 0)].count += 1
            hist[t.type, default: (0, 0)].bytes &+= t.bytes
            if let l = t.layer, l < n {
                layer[l] &+= t.bytes
                let isExpert = t.isExpertTensor
                active[l] &+= isExpert ? UInt64(Double(t.bytes) * expertFraction) : t.bytes
                activeParams &+= isExpert ? UInt64(Double(t.elementCount) * expertFraction) : t.elementCount
                if canRepack(t) { repack[l] &+= t.bytes }
                largest = max(largest, isExpert ? 0 : t.bytes)
                if isExpert {
                    experts[l] &+= t.bytes
                    expertsActive[l] &+= UInt64(Double(t.bytes) * expertFraction)
                    if canRepack(t) { expertsRepack[l] &+= t.bytes }
                    largestExpert = max(largestExpert, t.bytes)
                }
            } else if t.name == "token_embd.weight" {
                embd = t.bytes
                embdElements = t.elementCount
            } else if t.name == "per_layer_token_embd.weight" {
                // Gemma 3n's per-layer embeddings: looked up per token like token_embd, kept in host memory.
                perLayerEmbd = t.bytes
            } else if t.name.hasPrefix("output") {
                output &+= t.bytes
                activeParams &+= t.elementCount
                outputParams &+= t.elementCount
                if t.name == "output.weight" {
                    hasOutput = true
                    if canRepack(t) { outputRepack = t.bytes }
                }
            } else {
                // Other global tensors (rope factors, position embeddings) travel with the output layer.
                output &+= t.bytes
            }
        }
        var tiedCopy: UInt64 = 0
        if !hasOutput {
            // Tied embeddings: llama.cpp loads a second copy of token_embd as the output layer.
            output &+= embd
            tiedCopy = embd
            activeParams &+= embdElements
            outputParams &+= embdElements
        }
        layerBytes = layer
        layerActiveBytes = active
        layerRepackBytes = repack
        layerExpertBytes = experts
        layerExpertActiveBytes = expertsActive
        layerExpertRepackBytes = expertsRepack
        largestExpertTensorBytes = largestExpert
        tokenEmbeddingBytes = embd + perLayerEmbd
        outputBytes = output
        outputRepackBytes = outputRepack
        tiedOutputCopyBytes = tiedCopy
        fileBytes = file
        parameterCount = params
        activeParameterCount = activeParams
        outputParameterCount = outputParams
        histogram = hist
        largestLayerTensorBytes = largest
    }

    /// Whole-file bits per weight.
    public var bitsPerWeight: Double { parameterCount == 0 ? 0 : Double(fileBytes) * 8 / Double(parameterCount) }
    /// Bytes of all repeating layers.
    public var repeatingBytes: UInt64 { layerBytes.reduce(0, &+) }
}
