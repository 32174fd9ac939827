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
/// Prefill time per token = the longer of the weight matrices' FLOPs (2 × active parameters) ÷ (peak matrix rate ×
/// efficiency by quantisation) and their bytes read once per batch (every expert a batch routes to), plus attention
/// over the context at the float rate, plus the f32 activations that the norms, residual adds and gated activation
/// between the matrices stream through memory (``activationValues(_:layer:)``), plus, in a partial offload, the host
/// layers' weights streamed over PCIe once per batch.
/// Efficiencies are per backend and quantisation family, fitted on published llama.cpp runs
/// (`runlocalai calibrate`).
public enum SpeedModel {
    /// Efficiency factors; one set, used everywhere.
    public struct Factors: Sendable, Hashable {
        /// Fraction of datasheet bandwidth a decode kernel reaches.
        public var bandwidth: [Backend: Double]
        /// Fixed time per layer per token, microseconds, for today's builds.
        public var layerMicros: [Backend: Double]
        /// CUDA's host time per layer per token before llama.cpp captured decode as a CUDA graph (builds before
        /// ``RuntimeBuild/cudaGraphs``): each of the layer's kernels was launched from the host, microseconds. The
        /// host launches while the GPU works, so a token takes the longer of the two (``hostLaunchMicros``).
        public var cudaLayerMicrosBeforeGraphs: Double
        /// Fraction of the peak FP16 matrix rate prefill reaches.
        public var compute: [Backend: Double]
        /// Multipliers by quantisation family on decode and prefill.
        public var quantDecode: [QuantFamily: Double]
        /// Shader operations per weight per decoded token, by quantisation family, where the matrix-vector kernels
        /// dequantise each weight to a float and multiply-add it (Metal, Vulkan, OpenCL, SYCL, CPU), at the FP32 rate.
        public var decodeCompute: [QuantFamily: Double]
        /// The same where the kernels multiply the quantised integers directly, four 8-bit products per instruction
        /// (CUDA's and ROCm's dp4a path; F16 has no such path and costs as `decodeCompute`).
        public var decodeComputeIntDot: [QuantFamily: Double]
        /// Prefill multipliers by quantisation family where the matrix kernels work on the quantised blocks
        /// (CUDA's and ROCm's integer tensor-core kernels, Vulkan's, the CPU's).
        public var quantPrefill: [QuantFamily: Double]
        /// Metal's prefill multiplier for every quantised type: its matrix kernel dequantises each tile to
        /// half precision in threadgroup memory and multiplies in f16, so the family barely matters.
        public var metalQuantPrefill: Double
        /// CUDA's prefill multiplier for every quantised type in builds before ``RuntimeBuild/cudaMMQ``: the matrix
        /// was dequantised to f16 (one more pass over it) and multiplied by cuBLAS at the FP16 rate.
        public var cudaQuantPrefillBeforeMMQ: Double
        /// Multipliers for mixture-of-experts models (scattered expert reads, small expert matmuls).
        public var moeDecode: Double
        /// Extra fixed time per mixture-of-experts layer per token (routing, expert gather, more kernels), µs.
        public var moeLayerMicros: Double
        public var moePrefill: Double
        /// Cost of an attention FLOP relative to a weight-matmul FLOP in prefill.
        public var attentionCost: Double
        /// Without flash attention the f32 score matrix (heads × tokens × context) goes through memory: passes over
        /// it per layer (written by Q·K, read and written by softmax, read by ·V: 4).
        public var attentionCostNoFA: Double
        /// Without flash attention, the most times decode pays for reading a layer's cached K and V: one read per query
        /// head sharing a KV head, up to this many (``attentionReads(_:layer:flashAttention:_:)``).
        public var kvReadsNoFA: Double
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

    /// The factors in force: `runlocalai calibrate --fit ../shared/data/calibration/*.csv calibration/*.csv`,
    /// which starts from ``priors`` and pays ``CalibrationFit/priorWeight`` per squared log step away from them.
    /// Factors that fewer than ten calibration rows depend on keep their prior.
    public static let factors = Factors(
        bandwidth: [.cpu: 0.6, .cuda: 0.831, .metal: 0.849, .opencl: 0.5, .rocm: 0.85, .sycl: 0.6, .vulkan: 0.853],
        layerMicros: [.cpu: 6, .cuda: 18.2, .metal: 43.6, .opencl: 30, .rocm: 75, .sycl: 50, .vulkan: 28.7],
        cudaLayerMicrosBeforeGraphs: 262,
        compute: [.cpu: 0.45, .cuda: 0.466, .metal: 0.758, .opencl: 0.15, .rocm: 0.5, .sycl: 0.3, .vulkan: 0.4],
        quantDecode: [.float: 1, .iquant: 1, .kquant: 0.996, .kquantLow: 1, .legacy4: 0.998, .mxfp4: 0.993, .q8: 0.997],
        decodeCompute: [.float: 3, .iquant: 8, .kquant: 5.22, .kquantLow: 6, .legacy4: 3.95, .mxfp4: 5, .q8: 3.01],
        decodeComputeIntDot: [.float: 3, .iquant: 4, .kquant: 2.5, .kquantLow: 3, .legacy4: 1.54, .mxfp4: 2.63, .q8: 1],
        quantPrefill: [.float: 1, .iquant: 0.8, .kquant: 0.8, .kquantLow: 0.8, .legacy4: 0.849, .mxfp4: 0.795, .q8: 0.784],
        metalQuantPrefill: 0.904, cudaQuantPrefillBeforeMMQ: 0.802,
        moeDecode: 0.932, moeLayerMicros: 10.9, moePrefill: 0.708, attentionCost: 1.09, attentionCostNoFA: 4, kvReadsNoFA: 4, pipelineEfficiency: 0.8,
        multiGPUMicros: 100, cpuCompute: 0.45)

    /// What each factor is before any measurement, from how the kernels work; the fit starts here and pays for
    /// every step away from it (``CalibrationFit``), so a factor few rows inform stays physical.
    ///
    /// - bandwidth: a streaming kernel reaches about 85% of datasheet bandwidth on a GPU, 60% on a CPU.
    /// - per-layer cost: one decode layer is about 15 kernels; a host launch costs about 5 µs (75 µs per layer,
    ///   ROCm, whose HIP graphs are off by default), a replayed CUDA graph about 1 µs (15 µs), a Metal or Vulkan
    ///   command encoded into a buffer 2-3 µs (40 µs, 30 µs).
    /// - CUDA before graphs: the host's whole per-node work (graph walk, launch, copies) ran beside the GPU's, 250 µs
    ///   per layer: JohannesGaessler's figures on PR #6766 (LLaMA 2 7B Q4_0 with `./main`, April 2024) give 116.3 tok/s
    ///   on an RTX 3090 and 138.3 on an RTX 4090 without graphs, 128.3 and 146.8 with them. Both cards gained, so both
    ///   waited on the host without graphs, and their token times then (8.6 and 7.2 ms over 32 layers: 269 and 226 µs
    ///   per layer) are the host's.
    /// - compute: half the peak matrix rate in prefill where the peak is a tensor unit's (CUDA, ROCm, Vulkan,
    ///   SYCL), which llama.cpp's tiles cannot keep fed; three quarters on Metal, whose matrix peak is the rate of the
    ///   units its SIMD-group matrix instructions run on (the FP32 ALUs before M5, which have no separate tensor unit;
    ///   the GPU's neural accelerators on M5), a rate a tiled GEMM nearly reaches.
    /// - operations per weight in decode (multiply-add = 2, plus unpacking): F16 and Q8_0 convert then multiply-add
    ///   (3); Q4_0 extracts a nibble, offsets and scales it (4); the K-quants also unpack 6-bit sub-block scales and
    ///   minimums (5; Q2_K/Q3_K combine split bit planes, 6); the i-quants look values up in a codebook grid (8);
    ///   MXFP4 decodes an E2M1 value and a shared exponent (5). Integer dot-product kernels (CUDA's and ROCm's dp4a
    ///   path) do four 8-bit multiply-adds per instruction: Q8_0 1, Q4_0 1.5 (nibbles widened to bytes first),
    ///   K-quants 2.5, low-bit K-quants 3, i-quants 4, MXFP4 2.5; F16 has no integer path (3).
    /// - quantised prefill: 0.8 of the float rate where the kernels work on the blocks, 0.9 on Metal (tiles are
    ///   dequantised once into threadgroup memory), 0.85 on CUDA before MMQ (dequantise to f16, then cuBLAS).
    /// - attention costs as much per FLOP as a float weight matrix (1), whatever the weights' format (it multiplies
    ///   activations by the f16 cache); without flash attention the f32 score matrix is
    ///   also written and read 4 times per layer (Q·K writes it, softmax reads and writes it, ·V reads it), and
    ///   decode pays for one read of the cached K and V per query head sharing a KV head, at most 4 (beyond that the
    ///   group's reads come from the L2 cache: XiongjieDai's Llama 3 70B, 8 query heads per KV head, loses per layer
    ///   and cached position 1.2 times what the 8B with 4 loses, on the median of four cards, not 2 times).
    /// - a layer split pipelines micro-batches at 80% of the ideal overlap, plus 100 µs per extra GPU per token.
    public static let priors = Factors(
        bandwidth: [.cpu: 0.6, .cuda: 0.85, .metal: 0.85, .opencl: 0.5, .rocm: 0.85, .sycl: 0.6, .vulkan: 0.85],
        layerMicros: [.cpu: 6, .cuda: 15, .metal: 40, .opencl: 30, .rocm: 75, .sycl: 50, .vulkan: 30],
        cudaLayerMicrosBeforeGraphs: 250,
        compute: [.cpu: 0.45, .cuda: 0.5, .metal: 0.75, .opencl: 0.15, .rocm: 0.5, .sycl: 0.3, .vulkan: 0.4],
        quantDecode: [.float: 1, .iquant: 1, .kquant: 1, .kquantLow: 1, .legacy4: 1, .mxfp4: 1, .q8: 1],
        decodeCompute: [.float: 3, .iquant: 8, .kquant: 5, .kquantLow: 6, .legacy4: 4, .mxfp4: 5, .q8: 3],
        decodeComputeIntDot: [.float: 3, .iquant: 4, .kquant: 2.5, .kquantLow: 3, .legacy4: 1.5, .mxfp4: 2.5, .q8: 1],
        quantPrefill: [.float: 1, .iquant: 0.8, .kquant: 0.8, .kquantLow: 0.8, .legacy4: 0.8, .mxfp4: 0.8, .q8: 0.8],
        metalQuantPrefill: 0.9, cudaQuantPrefillBeforeMMQ: 0.85,
        moeDecode: 1, moeLayerMicros: 10, moePrefill: 0.7, attentionCost: 1, attentionCostNoFA: 4, kvReadsNoFA: 4, pipelineEfficiency: 0.8,
        multiGPUMicros: 100, cpuCompute: 0.45)

    /// Speed uncertainty (fraction) by placement and kind: low/high = expected × (1 ∓ u). Sized so the range holds
    /// the measured value on at least 80% of the rows `runlocalai calibrate --cross-validate` predicts without
    /// having fitted on their source (the README states the coverage).
    public static func band(placement: Placement, backend: Backend?, prefill: Bool = false) -> Double {
        switch placement {
        case .gpu: (backend == .cuda || backend == .metal ? 0.20 : 0.25) + (prefill ? 0.25 : 0)
        case .partial: prefill ? 0.50 : 0.30
        case .cpu: prefill ? 0.45 : 0.25
        case .none: 0.5
        }
    }

    /// Decode's time to read a layer's cached K and V, in units of streaming those bytes once. With flash attention
    /// the fused kernel streams the cache once for all query heads that share a KV head (1). Without it, llama.cpp
    /// multiplies Q by K and the scores by V as broadcast products, one per query head, so each KV head's cache is
    /// read once per query head of its group (`heads ÷ KV heads`), but at most ``Factors/kvReadsNoFA`` times: past
    /// that the group's reads come from the L2 cache. Llama 3 70B (8 query heads per KV head) loses per layer and
    /// cached position about what Llama 3 8B (4) loses on the same card (XiongjieDai's four cards: median 1.2 times,
    /// not 2). MLA's latent cache is shared by all heads in one product and read once either way.
    public static func attentionReads(_ a: ModelArchitecture, layer l: Int, flashAttention: Bool, _ f: Factors = factors) -> Double {
        guard !flashAttention, a.mla == nil, a.kvHeadsPerLayer[l] > 0 else { return 1 }
        return min(max(1, Double(a.heads) / Double(a.kvHeadsPerLayer[l])), f.kvReadsNoFA)
    }

    /// Fixed GPU time per layer per decoded token on a backend (kernel gaps and synchronisation), whatever the build.
    /// CUDA builds before graphs also spent host time launching, which overlaps it: ``hostLaunchMicros(_:build:_:)``.
    public static func layerMicros(_ backend: Backend, _ f: Factors = factors) -> Double {
        f.layerMicros[backend] ?? 30
    }

    /// Host time per layer spent launching a decoded token's kernels one by one, which overlaps the GPU's work
    /// (CUDA before graphs); 0 where the token is replayed as one graph or encoded ahead.
    public static func hostLaunchMicros(_ backend: Backend, build: RuntimeBuild?, _ f: Factors = factors) -> Double {
        if backend == .cuda, let build, build < .cudaGraphs { return f.cudaLayerMicrosBeforeGraphs }
        return 0
    }

    /// The f32 values that the kernels between layer `l`'s matrix multiplications read and write per prompt token:
    /// two RMS norms (each reads and writes the hidden state: 2 × 2), two residual adds (each reads two hidden states
    /// and writes one: 2 × 3) and the gated activation (reads gate and up, writes their product: 3 × the FFN width;
    /// 2 × where the FFN has no gate; in a MoE layer, the routed experts' and shared experts' widths). In prefill
    /// these are memory-bound passes over the batch that run between the matrix kernels, so a card's bandwidth, not
    /// its matrix rate, sets their time.
    ///
    /// ```swift
    /// SpeedModel.activationValues(llama2_7B, layer: 0)   // 10 × 4096 + 3 × 11008 = 73,984 values (Llama 2 7B)
    /// ```
    public static func activationValues(_ a: ModelArchitecture, layer l: Int) -> Double {
        let ffnWidth: Int
        if let m = a.moe, l >= m.leadingDenseLayers {
            ffnWidth = m.active * m.expertFFN + m.shared * (m.sharedFFN > 0 ? m.sharedFFN : m.expertFFN)
        } else {
            ffnWidth = a.ffn
        }
        return Double(10 * a.hidden + (a.ffnGated ? 3 : 2) * ffnWidth)
    }

    /// The bytes ``activationValues(_:layer:)`` come to over every layer of a model fully on the GPU, per prompt token
    /// (f32: 4 bytes a value): what prefill adds at the card's streaming rate.
    public static func activationBytes(_ a: ModelArchitecture) -> Double {
        4 * (0..<a.layers).reduce(0.0) { $0 + activationValues(a, layer: $1) }
    }

    /// How much longer the old CUDA F16 matrix-vector kernel took to read the weights on stacked-memory (HBM) cards,
    /// in builds before ``RuntimeBuild/cudaF16VectorLoads``: its scalar loads kept too few bytes in flight to cover
    /// HBM's latency at its bandwidth, where a GDDR card needs fewer. Measured by the change that vectorised them
    /// (llama.cpp issue #9817, PR #9816): the kernel 1.33 times faster for Llama 3 8B F16 at batch size 1 on an H100 SXM
    /// (HBM3), 1.01 on GDDR cards. A stated measurement, not fitted: the calibration folder has no HBM F16 run.
    public static let hbmScalarF16Loads = 1.33

    /// `x` to the power `n` (n ≥ 0) by squaring, without Foundation.
    static func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0, base = x, e = n
        while e > 0 { if e & 1 == 1 { result *= base }; base *= base; e >>= 1 }
        return result
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
        var scoreBytesPerToken = 0.0   // f32 attention scores per prompt token, summed over layers
        let prefillDepth = Double(s.depth) + Double(s.promptTokens) / 2
        // A prompt batch touches more experts than one token: of E experts with k routed per token, a batch of b
        // tokens reads the fraction 1 − (1 − k/E)^b of them (every one, in practice, from a few hundred tokens).
        let ub = Double(max(1, min(s.ubatch, s.promptTokens)))
        let touched = a.moe.map { 1 - power(1 - Double($0.active) / Double(max($0.experts, 1)), Int(ub)) } ?? 1
        var gpuPrefillExpertBytes = Array(repeating: 0.0, count: system.gpus.count)
        var gpuActivationValues = 0.0   // f32 values the GPU layers' norms, residual adds and activations move per prompt token
        for l in 0..<n {
            let window = a.swaLayers[l] ? Double(a.slidingWindow ?? Int.max) : .infinity
            let kvTokens = min(decodeDepth, window, Double(cells.full))
            let kvPerToken = Double(s.keyType.bytes(forElements: UInt64(a.kElements(layer: l)) * 256)
                                    + s.valueType.bytes(forElements: UInt64(a.vElements(layer: l)) * 256)) / 256
            // A recurrent layer reads and writes its fixed state once per token instead of attending over the cache.
            let stateBytes = 2 * Double(a.recurrentStateBytes(layer: l))
            let bytes = Double(p.weights.layerActiveBytes[l]) + stateBytes + kvTokens * kvPerToken * attentionReads(a, layer: l, flashAttention: s.flashAttention, f)
            if !a.recurrentLayers[l] {
                attentionFlopsPerToken += 4 * Double(a.heads) * Double(a.headDimK) * min(prefillDepth, window)
                scoreBytesPerToken += 4 * Double(a.heads) * min(prefillDepth, window)
            }
            activeWeightBytes += Double(p.weights.layerActiveBytes[l])
            if let d = MemoryModel.device(ofLayer: l, layers: n, gpuLayers: usage.gpuLayers, splits: splits) {
                // --n-cpu-moe: the active experts of this layer are read from RAM by the CPU; a batch copies them to the GPU.
                let experts = l < s.cpuMoELayers ? Double(p.weights.layerExpertActiveBytes[l]) : 0
                if experts > 0 { hostBytes += experts; hostWeights += Double(p.weights.layerExpertBytes[l]) }
                gpuBytes[d] += bytes - experts; gpuLayers[d] += 1; gpuWeightBytes[d] += Double(p.weights.layerActiveBytes[l]) - experts
                gpuActivationValues += activationValues(a, layer: l)
                if experts == 0 {
                    gpuPrefillExpertBytes[d] += Double(p.weights.layerExpertBytes[l]) * touched - Double(p.weights.layerExpertActiveBytes[l])
                }
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

        let hostShare = system.host.share(threads: s.threads)
        // Decode.
        var decodeSeconds = 0.0
        var usedGPUs = 0
        var launchSeconds = 0.0   // host time launching the GPUs' kernels one by one (CUDA before graphs)
        for (d, gpu) in system.gpus.enumerated() where gpuBytes[d] > 0 {
            usedGPUs += 1
            let eff = (f.bandwidth[gpu.backend] ?? 0.6) * (f.quantDecode[family] ?? 1) * (moe ? f.moeDecode : 1)
            // Builds before vectorised F16 loads read F16 weights on HBM cards at a fraction of the rate.
            // (F16 only: F32 went to cuBLAS, and CUDA had no BF16 kernels before 2025.)
            let scalarLoads = gpu.backend == .cuda && p.quant.uppercased().hasPrefix("F16") && gpu.hbm
                && (s.build.map { $0 < .cudaF16VectorLoads } ?? false)
            let weightReads = scalarLoads ? gpuWeightBytes[d] * (hbmScalarF16Loads - 1) : 0
            decodeSeconds += (gpuBytes[d] + weightReads) / (gpu.bandwidthGBs * 1e9 * eff)
            let shaderTFLOPS = gpu.fp32TFLOPS > 0 ? gpu.fp32TFLOPS : gpu.fp16TFLOPS / 2
            let weightsHere = activeWeightBytes > 0 ? Double(p.weights.activeParameterCount) * gpuWeightBytes[d] / activeWeightBytes : 0
            let intDot = gpu.backend == .cuda || gpu.backend == .rocm
            let ops = (intDot ? f.decodeComputeIntDot[family] : f.decodeCompute[family]) ?? 3
            decodeSeconds += weightsHere * ops / (shaderTFLOPS * 1e12)
            decodeSeconds += Double(gpuLayers[d]) * (layerMicros(gpu.backend, f) + (moe ? f.moeLayerMicros : 0)) * 1e-6
            launchSeconds += Double(gpuLayers[d]) * hostLaunchMicros(gpu.backend, build: s.build, f) * 1e-6
        }
        // Kernels launched one by one from the host run while the host launches the next ones: a token takes the
        // longer of the GPUs' work and the host's launching (a small model is launch-bound, a large one is not).
        decodeSeconds = max(decodeSeconds, launchSeconds)
        if hostBytes > 0 {
            let eff = (f.bandwidth[.cpu] ?? 0.6) * (moe ? f.moeDecode : 1)
            decodeSeconds += hostBytes / (system.host.bandwidthGBs * hostShare * 1e9 * eff)
            decodeSeconds += Double(usage.host.layers + min(s.cpuMoELayers, usage.gpuLayers > n ? n : 0)) * (f.layerMicros[.cpu] ?? 6) * 1e-6
        }
        if usedGPUs > 1 { decodeSeconds += Double(usedGPUs - 1) * f.multiGPUMicros * 1e-6 }

        // Prefill.
        // The output layer runs for the prompt's last token only (llama.cpp outputs logits for it alone).
        let outputParams = Double(p.weights.outputParameterCount)
        let matmulFlops = 2 * (Double(p.weights.activeParameterCount) - outputParams) + 2 * outputParams / Double(max(1, s.promptTokens))
        let scorePasses = s.flashAttention ? 0 : f.attentionCostNoFA
        var prefillSeconds = 0.0
        if let gpu = system.gpus.first, usage.gpuLayers > 0 {
            let quant: Double
            if family == .float { quant = 1 }
            else if gpu.backend == .metal { quant = f.metalQuantPrefill }
            else if gpu.backend == .cuda, let b = s.build, b < .cudaMMQ { quant = f.cudaQuantPrefillBeforeMMQ }
            else { quant = f.quantPrefill[family] ?? 1 }
            let compute = f.compute[gpu.backend] ?? 0.3
            // The weight matrices stream their tiles while the matrix units work on the previous ones: a batch takes
            // the longer of the arithmetic and reading, once, the weights (every expert the batch routes to) and the
            // cache already written, at the bandwidth decode reaches.
            let streaming = gpu.bandwidthGBs * 1e9 * (f.bandwidth[gpu.backend] ?? 0.6)   // bytes per second, as decode reads
            let matmulSeconds = matmulFlops / (gpu.fp16TFLOPS * 1e12 * compute * quant * (moe ? f.moePrefill : 1))
            let readSeconds = (gpuBytes.reduce(0, +) + gpuPrefillExpertBytes.reduce(0, +)) / streaming / ub
            prefillSeconds = max(matmulSeconds, readSeconds)
            // The norms, residual adds and gated activation between the matrices are kernels of their own that stream
            // the batch's f32 activations through memory: nothing overlaps them with the arithmetic.
            prefillSeconds += gpuActivationValues * 4 / streaming
            // Attention multiplies activations by the f16 cache: its rate owes nothing to how the weights are stored.
            prefillSeconds += attentionFlopsPerToken * f.attentionCost / (gpu.fp16TFLOPS * 1e12 * compute)
            prefillSeconds += scoreBytesPerToken * scorePasses / streaming
            if hostWeights > 0 {
                // llama.cpp moves host-layer matrices to the GPU for large batches (over PCIe, once per batch).
                prefillSeconds += hostWeights / (gpu.pcieGBs * 1e9) / ub
            }
            prefillSeconds += Double(n) * layerMicros(gpu.backend, f) * 1e-6 * 4 / ub
            // A layer split over k GPUs pipelines the m micro-batches of one batch (llama.cpp's pipeline
            // parallelism): ideal speed-up m·k / (m + k − 1).
            let k = Double(usedGPUs)
            let m = Double(max(1, min(s.batch, s.promptTokens) / max(1, s.ubatch)))
            if k > 1 && m > 1 && hostWeights == 0 {
                let ideal = m * k / (m + k - 1)
                prefillSeconds /= 1 + (ideal - 1) * f.pipelineEfficiency
            }
        } else {
            let rate = system.host.fp32TFLOPS * hostShare * 1e12 * f.cpuCompute
            prefillSeconds = matmulFlops / (rate * (moe ? f.moePrefill : 1)) + attentionFlopsPerToken * f.attentionCost / rate
            prefillSeconds += scoreBytesPerToken * scorePasses / (system.host.bandwidthGBs * hostShare * 1e9 * (f.bandwidth[.cpu] ?? 0.6))
        }
        return (decodeSeconds > 0 ? 1 / decodeSeconds : 0, prefillSeconds > 0 ? 1 / prefillSeconds : 0)
    }
}
