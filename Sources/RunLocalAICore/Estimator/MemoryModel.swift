/// Bytes one device holds for a run, by component, as llama.cpp allocates them.
///
/// ```swift
/// let usage = MemoryModel.usage(profile: p, system: s, settings: r, gpuLayers: 33)
/// usage.host.total        // bytes in system RAM
/// usage.gpus[0].kvCache   // KV buffer on the first GPU
/// ```
public struct DeviceMemory: Sendable, Hashable, Codable {
    public var name: String
    public var weights: UInt64 = 0
    /// The CPU backend's repacked copies of weights (`CPU_REPACK` buffer).
    public var repack: UInt64 = 0
    public var vision: UInt64 = 0
    /// KV cache, and a hybrid model's recurrent state (``recurrentState`` is the part of it that is state).
    public var kvCache: UInt64 = 0
    /// Of ``kvCache``, the recurrent layers' state (llama.cpp's `RS buffer`).
    public var recurrentState: UInt64 = 0
    public var compute: UInt64 = 0
    /// Logits buffer (`output buffer`) and runtime context (CUDA/ROCm/Metal) overhead.
    public var overhead: UInt64 = 0
    public var layers: Int = 0

    public init(name: String) { self.name = name }

    public var total: UInt64 { weights + repack + vision + kvCache + compute + overhead }
}

/// Memory of every device for one placement.
public struct MemoryUsage: Sendable, Hashable {
    public var gpus: [DeviceMemory]
    public var host: DeviceMemory
    public var gpuLayers: Int
    public var totalLayers: Int
    /// Context tokens actually allocated (llama.cpp pads the context to a multiple of 256).
    public var paddedContext: Int

    public var gpuBytes: UInt64 { gpus.reduce(0) { $0 + $1.total } }
    /// Every byte at the load-time peak (the CPU backend's repacked copy and the file pages it came from both).
    public var total: UInt64 { gpuBytes + host.total }
    /// What stays resident once loaded: the peak less the file pages the repacked copy replaced (clean page cache
    /// the OS drops under pressure). This is "needed memory" on every surface; the peak is shown beside it.
    public var needed: UInt64 { total - host.repack }
    public func sum(_ part: KeyPath<DeviceMemory, UInt64>) -> UInt64 {
        gpus.reduce(host[keyPath: part]) { $0 + $1[keyPath: part] }
    }
}

/// The memory equations. Every figure is computed here and nowhere else.
public enum MemoryModel {
    static let mib: UInt64 = 1_048_576

    /// llama.cpp pads the KV cache to a multiple of 256 cells.
    public static let contextPadding = 256

    /// Runtime context each GPU backend costs before any buffer (driver context, BLAS handles, pools):
    /// an assumption from `nvidia-smi`/`rocm-smi` process usage minus llama.cpp's reported buffers.
    public static func backendOverhead(_ b: Backend) -> UInt64 {
        switch b {
        case .cuda: 384 * mib
        case .rocm: 512 * mib
        case .vulkan, .sycl, .opencl: 256 * mib
        case .metal: 64 * mib
        case .cpu: 0
        }
    }

    /// The process itself on the host (binary, libraries, tokenizer), measured as llama.cpp's resident
    /// memory outside its reported buffers on the CPU backend.
    public static let hostProcessBytes: UInt64 = 96 * mib

    static func pad(_ x: Int, _ to: Int) -> Int { (x + to - 1) / to * to }

    /// KV cells of each layer: the padded context, or for sliding-window layers
    /// `min(ctx, pad(window * parallel + ubatch, 256))` (llama.cpp's `llama_kv_cache_iswa`).
    public static func kvCells(_ a: ModelArchitecture, _ s: RunSettings) -> (full: Int, swa: Int) {
        let full = pad(max(s.context, 1), contextPadding)
        guard let w = a.slidingWindow, a.hasSlidingWindow else { return (full, full) }
        return (full, min(full, pad(w * s.parallel + min(s.ubatch, full), contextPadding)))
    }

    /// KV bytes of one layer.
    @inlinable
    static func kvBytes(_ a: ModelArchitecture, layer l: Int, cells: Int, _ s: RunSettings) -> UInt64 {
        guard a.ownsKV(layer: l) else { return 0 }
        let c = UInt64(cells)
        return s.keyType.bytes(forElements: UInt64(a.kElements(layer: l)) * c)
             + s.valueType.bytes(forElements: UInt64(a.vElements(layer: l)) * c)
    }

    /// Compute-buffer bytes of a device holding part of the graph (ggml-alloc's peak for the worst-case
    /// batch of `ubatch` tokens): the graph inputs that live throughout (attention masks: f16 with flash
    /// attention, f32 without, one per cache kind), five rows of the residual stream, plus the largest of
    /// attention scores (no flash attention), the FFN activations and, on the device with the output layer,
    /// the logits. Checked against llama.cpp's own `compute buffer size` lines (Tests/Fixtures/llamacpp).
    public static func computeBytes(_ a: ModelArchitecture, _ s: RunSettings, cells: Int, swaCells: Int? = nil,
                                    hasLayers: Bool, hasOutput: Bool) -> UInt64 {
        guard hasLayers || hasOutput else { return 0 }
        let ub = UInt64(min(s.ubatch, max(s.context, 1)))
        let f32: UInt64 = 4
        let residual = 5 * UInt64(a.hidden) * ub * f32
        var peak: UInt64 = 0
        var masks: UInt64 = 0
        if hasLayers {
            let maskElement: UInt64 = s.flashAttention ? 2 : 4
            masks = UInt64(cells) * ub * maskElement
            if let swa = swaCells, a.hasSlidingWindow { masks += UInt64(swa) * ub * maskElement }
            let attention: UInt64 = s.flashAttention
                ? UInt64(a.heads * max(a.headDimK, a.headDimV)) * ub * f32 * 2
                : UInt64(cells) * ub * UInt64(a.heads) * f32
            let ffn: UInt64
            if let moe = a.moe {
                ffn = UInt64(moe.expertFFN * moe.active) * ub * f32 * 2 + UInt64(moe.experts) * ub * f32
            } else {
                ffn = UInt64(a.ffn) * ub * f32 * (a.ffnGated ? 2 : 1)
            }
            peak = max(attention, ffn)
        }
        if hasOutput { peak = max(peak, UInt64(a.vocab) * ub * f32) }
        return masks + residual + peak
    }

    /// Which device holds layer `i` (0..<layers; `layers` is the output layer) for `gpuLayers` offloaded
    /// layers split over `splits` (fractions summing to 1), or nil for the host. Mirrors llama.cpp's
    /// `get_layer_buft_list`: the last `gpuLayers` repeating layers go to the GPUs, the output layer only
    /// when `gpuLayers` exceeds the repeating layers, each GPU taking its share in order.
    static func device(ofLayer i: Int, layers n: Int, gpuLayers: Int, splits: [Double]) -> Int? {
        guard !splits.isEmpty, gpuLayers > 0 else { return nil }
        let start = max(n - gpuLayers, 0)
        let active = min(gpuLayers, n + 1)
        guard i >= start, i - start < active else { return nil }
        let position = Double(i - start) / Double(active)
        var cumulative = 0.0
        for (d, f) in splits.enumerated() {
            cumulative += f
            if position < cumulative - 1e-9 { return d }
        }
        return splits.count - 1
    }

    /// The memory of every device when `gpuLayers` layers are offloaded.
    public static func usage(profile p: ModelProfile, system: TargetSystem, settings s: RunSettings, gpuLayers requested: Int) -> MemoryUsage {
        let a = p.architecture
        let n = a.layers
        let gpuLayers = system.gpus.isEmpty ? 0 : min(max(requested, 0), n + 1)
        let cells = kvCells(a, s)
        var gpus = system.gpus.enumerated().map { DeviceMemory(name: $0.element.name + (system.gpus.count > 1 ? " #\($0.offset)" : "")) }
        var host = DeviceMemory(name: system.unifiedMemory ? "\(system.host.name) (CPU side)" : "system RAM")
        let totalUsable = system.gpus.reduce(0.0) { $0 + Double($1.usableBytes) }
        let splits = system.gpus.map { totalUsable > 0 ? Double($0.usableBytes) / totalUsable : 1.0 / Double(system.gpus.count) }
        var maxCellsOn = Array(repeating: 0, count: gpus.count)
        var hostMaxCells = 0

        host.weights = p.weights.tokenEmbeddingBytes
        for l in 0..<n {
            let isSWA = a.swaLayers[l]
            let c = isSWA ? cells.swa : cells.full
            // A recurrent layer's state (f32, one per sequence) sits with the layer, counted with its KV cache.
            let state = a.recurrentStateBytes(layer: l) * UInt64(max(s.parallel, 1))
            let kv = kvBytes(a, layer: l, cells: c, s) + state
            if let d = device(ofLayer: l, layers: n, gpuLayers: gpuLayers, splits: splits) {
                // --n-cpu-moe: this layer's routed experts stay in RAM, the rest of it is on the GPU.
                let experts = l < s.cpuMoELayers ? p.weights.layerExpertBytes[l] : 0
                gpus[d].weights += p.weights.layerBytes[l] - experts
                host.weights += experts
                if s.cpuRepack && experts > 0 { host.repack += p.weights.layerExpertRepackBytes[l] }
                gpus[d].kvCache += kv
                gpus[d].recurrentState += state
                gpus[d].layers += 1
                maxCellsOn[d] = max(maxCellsOn[d], c)
            } else {
                host.weights += p.weights.layerBytes[l]
                if s.cpuRepack { host.repack += p.weights.layerRepackBytes[l] }
                host.kvCache += kv
                host.recurrentState += state
                host.layers += 1
                hostMaxCells = max(hostMaxCells, c)
            }
        }
        let outputDevice = device(ofLayer: n, layers: n, gpuLayers: gpuLayers, splits: splits)
        if let d = outputDevice {
            gpus[d].weights += p.weights.outputBytes
        } else {
            // On the host a tied output layer is the embeddings' own mapping: no second copy.
            host.weights += p.weights.outputBytes - p.weights.tiedOutputCopyBytes
            if s.cpuRepack { host.repack += p.weights.outputRepackBytes }
        }
        // Compute buffers: each device with layers runs its part of the graph.
        for d in gpus.indices {
            let hasOutput = outputDevice == d
            gpus[d].compute = computeBytes(a, s, cells: maxCellsOn[d], swaCells: cells.swa, hasLayers: gpus[d].layers > 0, hasOutput: hasOutput)
            if gpus[d].layers > 0 || hasOutput {
                gpus[d].overhead = backendOverhead(system.gpus[d].backend)
                // A partial offload streams the host layers' large matrices through the GPU for batches.
                if host.layers > 0 { gpus[d].compute += p.weights.largestLayerTensorBytes }
                else if s.cpuMoELayers > 0 { gpus[d].compute += p.weights.largestExpertTensorBytes }
            }
        }
        let usedGPU = gpus.contains { $0.layers > 0 }
        if host.layers > 0 || outputDevice == nil || (s.cpuMoELayers > 0 && usedGPU) {
            host.compute = computeBytes(a, s, cells: hostMaxCells, swaCells: cells.swa, hasLayers: host.layers > 0 || s.cpuMoELayers > 0, hasOutput: outputDevice == nil)
        } else {
            // Inputs staged in host memory: embeddings of the batch and the attention mask.
            host.compute = UInt64(a.hidden) * UInt64(min(s.ubatch, s.context)) * 4 + UInt64(cells.full) * UInt64(min(s.ubatch, s.context)) * 2
        }
        // Logits of the last token of each sequence, in host memory.
        host.overhead = hostProcessBytes + UInt64(a.vocab) * 4 * UInt64(s.parallel)
        // Vision projector: on the first GPU when one is used, else in RAM; plus the encoder's working memory.
        if let v = p.vision, s.images > 0 {
            let bytes = v.projectorBytes + v.encoderComputeBytes
            if usedGPU, let first = gpus.indices.first { gpus[first].vision = bytes } else { host.vision = bytes }
        }
        return MemoryUsage(gpus: gpus, host: host, gpuLayers: gpuLayers, totalLayers: n + 1, paddedContext: cells.full)
    }
}
