/// A low / expected / high range.
public struct SpeedRange: Sendable, Hashable, Codable {
    public var low: Double
    public var expected: Double
    public var high: Double
    public init(low: Double, expected: Double, high: Double) { self.low = low; self.expected = expected; self.high = high }
}

/// Where a speed figure comes from, strongest first, with the RunLocalAI Score's confidence multiplier.
public enum Evidence: String, Sendable, Codable, CaseIterable {
    /// A benchmark of this exact model, quantisation, hardware and runtime.
    case measured
    /// The same hardware and model at another context or quantisation.
    case measuredNear = "measured-near"
    /// Community-submitted runs not yet reproduced.
    case community
    /// A measurement on similar hardware scaled by the model's size.
    case extrapolated
    /// The formula alone.
    case estimated

    public var confidenceMultiplier: Double {
        switch self {
        case .measured: 1.00
        case .measuredNear: 0.95
        case .community: 0.85
        case .extrapolated: 0.80
        case .estimated: 0.70
        }
    }
}

/// The speed equations: decode is bound by the bytes each token reads, prefill by the arithmetic.
///
/// Decode time per token = Σ over devices (bytes read there ÷ (bandwidth × efficiency) + the arithmetic on the
/// weights there ÷ the shader FP32 rate) + a fixed cost per layer (kernel launches, synchronisation). The
/// arithmetic (multiply-add plus dequantisation, per weight, by quantisation family) is what makes a quantised
/// model on a GPU with little compute per byte (Apple's Max and Ultra chips) slower than its bytes alone say.
/// Bytes read are the weights of the active path (all of a dense model; router, shared and `active` experts of
/// a MoE) plus the KV cache up to the current depth.
/// Prefill time per token = FLOPs (2 × active parameters + attention over the context) ÷ (peak matrix rate ×
/// efficiency), plus, in a partial offload, the host layers' weights streamed over PCIe once per batch.
/// Efficiencies are per backend and quantisation family, fitted on published llama.cpp runs
/// (`runlocalai calibrate`).
public enum SpeedModel {
    /// Efficiency factors; one set, used everywhere.
    public struct Factors: Sendable, Hashable {
        /// Fraction of datasheet bandwidth a decode kernel reaches.
        public var bandwidth: [Backend: Double]
        /// Fixed time per layer per token, microseconds.
        public var layerMicros: [Backend: Double]
        /// Fraction of the peak FP16 matrix rate prefill reaches.
        public var compute: [Backend: Double]
        /// Multipliers by quantisation family on decode and prefill.
        public var quantDecode: [QuantFamily: Double]
        /// Shader operations per weight per decoded token, by quantisation family (2 is the bare multiply-add;
        /// the rest is unpacking the blocks and kernel inefficiency), at the GPU's FP32 rate.
        public var decodeCompute: [QuantFamily: Double]
        /// Per backend, the cost of that arithmetic relative to plain FP32 shader work: below 1 where the kernels
        /// use packed integer dot products (CUDA's dp4a path), above 1 where they dequantise to floats (Metal).
        public var decodeComputeScale: [Backend: Double]
        public var quantPrefill: [QuantFamily: Double]
        /// Multipliers for mixture-of-experts models (scattered expert reads, small expert matmuls).
        public var moeDecode: Double
        /// Extra fixed time per mixture-of-experts layer per token (routing, expert gather, more kernels), µs.
        public var moeLayerMicros: Double
        public var moePrefill: Double
        /// Cost of an attention FLOP relative to a weight-matmul FLOP in prefill, with flash attention
        /// (fused) and without it (the score matrix goes through memory).
        public var attentionCost: Double
        public var attentionCostNoFA: Double
        /// How much of the ideal pipeline speed-up a layer split over several GPUs reaches in prefill.
        public var pipelineEfficiency: Double
        /// Extra time per token per additional GPU in a layer split, microseconds.
        public var multiGPUMicros: Double
        /// Fraction of the CPU's peak FP32 rate llama.cpp's CPU kernels reach in prefill.
        public var cpuCompute: Double
    }

    public enum QuantFamily: String, Sendable, Hashable, CaseIterable {
        case float, q8, legacy4, kquant, kquantLow, iquant, mxfp4
        public static func of(_ quant: String) -> QuantFamily {
            let q = quant.uppercased()
            if q.hasPrefix("F") || q.hasPrefix("BF") { return .float }
            if q.hasPrefix("Q8") { return .q8 }
            if q.hasPrefix("MXFP4") || q.hasPrefix("NVFP4") { return .mxfp4 }
            if q.hasPrefix("IQ") || q.hasPrefix("TQ") { return .iquant }
            if q.hasPrefix("Q2_K") || q.hasPrefix("Q3_K") { return .kquantLow }
            if q.contains("_K") { return .kquant }
            return .legacy4
        }
    }

    /// The factors in force (fitted by `runlocalai calibrate --fit` on shared/data/calibration; see
    /// README's methodology for the fit and its error). Factors that fewer than ten calibration rows depend on
    /// are not fitted and hold a prior instead: ROCm takes CUDA's values (HIP builds the same kernels), the
    /// low-bit K-quants (Q2_K, Q3_K) and the i-quants take the K-quants' values.
    public static let factors = Factors(
        bandwidth: [.cpu: 0.62, .cuda: 0.879, .metal: 0.95, .opencl: 0.477, .rocm: 0.879, .sycl: 0.5, .vulkan: 0.818],
        layerMicros: [.cpu: 6, .cuda: 72.4, .metal: 102, .opencl: 3.79, .rocm: 72.4, .sycl: 50, .vulkan: 25.9],
        compute: [.cpu: 0.45, .cuda: 0.518, .metal: 0.815, .opencl: 0.111, .rocm: 0.518, .sycl: 0.25, .vulkan: 0.44],
        quantDecode: [.float: 1, .iquant: 1.03, .kquant: 1.03, .kquantLow: 1.03, .legacy4: 1.02, .mxfp4: 1.06, .q8: 0.989],
        decodeCompute: [.float: 2.83, .iquant: 7.35, .kquant: 7.35, .kquantLow: 7.35, .legacy4: 2, .mxfp4: 9.39, .q8: 2],
        decodeComputeScale: [.cpu: 1, .cuda: 0.586, .metal: 2.59, .opencl: 0.885, .rocm: 0.586, .sycl: 1, .vulkan: 0.98],
        quantPrefill: [.float: 1, .iquant: 0.696, .kquant: 0.696, .kquantLow: 0.696, .legacy4: 0.851, .mxfp4: 0.661, .q8: 0.858],
        moeDecode: 0.99, moeLayerMicros: 2, moePrefill: 0.651, attentionCost: 1.06, attentionCostNoFA: 3.77, pipelineEfficiency: 0.886,
        multiGPUMicros: 218, cpuCompute: 0.45)

    /// Speed uncertainty (fraction) by placement, from the calibration report's 80% band of
    /// measured ÷ predicted.
    public static func band(placement: Placement, backend: Backend?) -> Double {
        switch placement {
        case .gpu: backend == .cuda || backend == .metal ? 0.18 : 0.25
        case .partial: 0.35
        case .cpu: 0.30
        case .none: 0.5
        }
    }

    /// Expected decode and prefill tokens per second for a placement.
    public static func expected(profile p: ModelProfile, system: TargetSystem, settings s: RunSettings,
                                usage: MemoryUsage, factors f: Factors = factors) -> (decode: Double, prefill: Double) {
        let a = p.architecture
        let n = a.layers
        let family = QuantFamily.of(p.quant)
        let cells = MemoryModel.kvCells(a, s)
        let totalUsable = system.gpus.reduce(0.0) { $0 + Double($1.usableBytes) }
        let splits = system.gpus.map { totalUsable > 0 ? Double($0.usableBytes) / totalUsable : 1.0 / Double(system.gpus.count) }
        let moe = a.moe != nil
        // Decode: tokens already in the cache when generating (half-way through a generation of N tokens).
        let decodeDepth = Double(s.depth)
        var gpuBytes = Array(repeating: 0.0, count: system.gpus.count)
        var gpuWeightBytes = Array(repeating: 0.0, count: system.gpus.count)
        var activeWeightBytes = Double(p.weights.outputBytes)
        var gpuLayers = Array(repeating: 0, count: system.gpus.count)
        var hostBytes = 0.0
        var hostWeights = 0.0
        var attentionFlopsPerToken = 0.0
        let prefillDepth = Double(s.depth) + Double(s.promptTokens) / 2
        for l in 0..<n {
            let window = a.swaLayers[l] ? Double(a.slidingWindow ?? Int.max) : .infinity
            let kvTokens = min(decodeDepth, window, Double(cells.full))
            let kvPerToken = Double(s.keyType.bytes(forElements: UInt64(a.kElements(layer: l)) * 256)
                                    + s.valueType.bytes(forElements: UInt64(a.vElements(layer: l)) * 256)) / 256
            let bytes = Double(p.weights.layerActiveBytes[l]) + kvTokens * kvPerToken
            attentionFlopsPerToken += 4 * Double(a.heads) * Double(a.headDimK) * min(prefillDepth, window)
            activeWeightBytes += Double(p.weights.layerActiveBytes[l])
            if let d = MemoryModel.device(ofLayer: l, layers: n, gpuLayers: usage.gpuLayers, splits: splits) {
                gpuBytes[d] += bytes; gpuLayers[d] += 1; gpuWeightBytes[d] += Double(p.weights.layerActiveBytes[l])
            } else {
                hostBytes += bytes; hostWeights += Double(p.weights.layerBytes[l])
            }
        }
        let outputBytes = Double(p.weights.outputBytes)
        if let d = MemoryModel.device(ofLayer: n, layers: n, gpuLayers: usage.gpuLayers, splits: splits) {
            gpuBytes[d] += outputBytes; gpuWeightBytes[d] += outputBytes
        } else {
            hostBytes += outputBytes; hostWeights += outputBytes
        }

        // Decode.
        var decodeSeconds = 0.0
        var usedGPUs = 0
        for (d, gpu) in system.gpus.enumerated() where gpuBytes[d] > 0 {
            usedGPUs += 1
            let eff = (f.bandwidth[gpu.backend] ?? 0.6) * (f.quantDecode[family] ?? 1) * (moe ? f.moeDecode : 1)
            decodeSeconds += gpuBytes[d] / (gpu.bandwidthGBs * 1e9 * eff)
            let shaderTFLOPS = gpu.fp32TFLOPS > 0 ? gpu.fp32TFLOPS : gpu.fp16TFLOPS / 2
            let weightsHere = activeWeightBytes > 0 ? Double(p.weights.activeParameterCount) * gpuWeightBytes[d] / activeWeightBytes : 0
            decodeSeconds += weightsHere * (f.decodeCompute[family] ?? 2) * (f.decodeComputeScale[gpu.backend] ?? 1) / (shaderTFLOPS * 1e12)
            decodeSeconds += Double(gpuLayers[d]) * ((f.layerMicros[gpu.backend] ?? 30) + (moe ? f.moeLayerMicros : 0)) * 1e-6
        }
        if hostBytes > 0 {
            let eff = (f.bandwidth[.cpu] ?? 0.6) * (moe ? f.moeDecode : 1)
            decodeSeconds += hostBytes / (system.host.bandwidthGBs * 1e9 * eff)
            decodeSeconds += Double(usage.host.layers) * (f.layerMicros[.cpu] ?? 6) * 1e-6
        }
        if usedGPUs > 1 { decodeSeconds += Double(usedGPUs - 1) * f.multiGPUMicros * 1e-6 }

        // Prefill.
        // The output layer runs for the prompt's last token only (llama.cpp outputs logits for it alone).
        let outputParams = Double(p.weights.outputParameterCount)
        let matmulFlops = 2 * (Double(p.weights.activeParameterCount) - outputParams) + 2 * outputParams / Double(max(1, s.promptTokens))
        let flopsPerToken = matmulFlops + attentionFlopsPerToken * (s.flashAttention ? f.attentionCost : f.attentionCostNoFA)
        var prefillSeconds = 0.0
        let ub = Double(max(1, min(s.ubatch, s.promptTokens)))
        if let gpu = system.gpus.first, usage.gpuLayers > 0 {
            let eff = (f.compute[gpu.backend] ?? 0.3) * (f.quantPrefill[family] ?? 1) * (moe ? f.moePrefill : 1)
            prefillSeconds = flopsPerToken / (gpu.fp16TFLOPS * 1e12 * eff)
            // Weights are read once per batch.
            prefillSeconds += gpuBytes.reduce(0, +) / (gpu.bandwidthGBs * 1e9) / ub
            if hostWeights > 0 {
                // llama.cpp moves host-layer matrices to the GPU for large batches (over PCIe, once per batch).
                prefillSeconds += hostWeights / (gpu.pcieGBs * 1e9) / ub
            }
            prefillSeconds += Double(n) * (f.layerMicros[gpu.backend] ?? 30) * 1e-6 * 4 / ub
            // A layer split over k GPUs pipelines the m micro-batches of one batch (llama.cpp's pipeline
            // parallelism): ideal speed-up m·k / (m + k − 1).
            let k = Double(usedGPUs)
            let m = Double(max(1, min(s.batch, s.promptTokens) / max(1, s.ubatch)))
            if k > 1 && m > 1 && hostWeights == 0 {
                let ideal = m * k / (m + k - 1)
                prefillSeconds /= 1 + (ideal - 1) * f.pipelineEfficiency
            }
        } else {
            let eff = f.cpuCompute * (moe ? f.moePrefill : 1)
            prefillSeconds = flopsPerToken / (system.host.fp32TFLOPS * 1e12 * eff)
        }
        return (decodeSeconds > 0 ? 1 / decodeSeconds : 0, prefillSeconds > 0 ? 1 / prefillSeconds : 0)
    }
}
