import Foundation

/// How the denoiser's weights are stored: a float type or a GGUF quantisation (city96's ComfyUI-GGUF files).
///
/// ```swift
/// DiffusionPrecision(name: "bf16")            // .bf16
/// DiffusionPrecision(name: "Q4_K_S")?.bytesPerParameter   // 0.5625
/// ```
public enum DiffusionPrecision: String, Sendable, Hashable, Codable, CaseIterable {
    case fp32, fp16, bf16, fp8
    case q8_0 = "Q8_0", q5_K = "Q5_K", q4_K = "Q4_K"

    /// Forgiving parse: "fp16", "float16", "half", "fp8_e4m3fn", "Q8_0", "q5_k_m", "Q4_K_S".
    public init?(name: String) {
        let n = name.lowercased().replacingOccurrences(of: "-", with: "_")
        switch n {
        case "fp32", "f32", "float32", "float": self = .fp32
        case "fp16", "f16", "float16", "half": self = .fp16
        case "bf16", "bfloat16": self = .bf16
        case "fp8", "f8", "fp8_e4m3fn", "fp8_e5m2", "fp8_e4m3fn_fast", "float8": self = .fp8
        case "q8_0", "q8": self = .q8_0
        case "q5_k", "q5_k_m", "q5_k_s", "q5": self = .q5_K
        case "q4_k", "q4_k_m", "q4_k_s", "q4": self = .q4_K
        default: return nil
        }
    }

    /// Bytes per weight: ggml's block sizes for the GGUF types (Q8_0 34 bytes per 32, Q5_K 176 per 256,
    /// Q4_K 144 per 256).
    public var bytesPerParameter: Double {
        switch self {
        case .fp32: 4
        case .fp16, .bf16: 2
        case .fp8: 1
        case .q8_0: 34.0 / 32
        case .q5_K: 176.0 / 256
        case .q4_K: 144.0 / 256
        }
    }

    public var isGGUF: Bool { self == .q8_0 || self == .q5_K || self == .q4_K }

    /// Speed relative to fp16: fp8 weights are upcast to bf16 layer by layer (ComfyUI's default), GGUF
    /// weights are dequantised on the fly by ComfyUI-GGUF (assumed 10% slower for Q8_0, 20% for K-quants).
    var speedFactor: Double {
        switch self {
        case .fp32, .fp16, .bf16, .fp8: 1
        case .q8_0: 0.9
        case .q5_K, .q4_K: 0.8
        }
    }
}

/// Settings of one generation: resolution, batch, steps, weight types and the memory savers in use.
///
/// ```swift
/// var s = DiffusionSettings(width: 1024, height: 1024)
/// s.offload = .model          // components take turns on the GPU (diffusers enable_model_cpu_offload)
/// s.vaeTiling = true
/// ```
public struct DiffusionSettings: Sendable, Hashable, Codable {
    /// Where the components live while a picture is made.
    public enum Offload: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything resident on the GPU for the whole run.
        case none
        /// Text encoders, denoiser and VAE take turns on the GPU, each moved in when used (diffusers
        /// `enable_model_cpu_offload`, ComfyUI's model management when memory is short).
        case model
        /// Text encoders run on the CPU (ComfyUI's CLIP device "cpu", Wan's `--t5_cpu`); denoiser and VAE stay.
        case textEncodersOnCPU = "te-cpu"
        /// As `model`, and the denoiser weights that do not fit are streamed from RAM every step (ComfyUI's
        /// "loaded partially" low-VRAM mode, diffusers `enable_sequential_cpu_offload`).
        case streamed
    }
    /// How attention is computed.
    public enum Attention: String, Sendable, Hashable, Codable, CaseIterable {
        /// Memory-efficient attention (PyTorch SDPA, xformers, flash attention): memory linear in tokens.
        case efficient
        /// One head of one sample at a time (diffusers `enable_attention_slicing("max")`, A1111 split attention).
        case sliced
        /// The full score matrix: tokens² × heads × 2 bytes per sample.
        case naive
    }

    public var width: Int
    public var height: Int
    public var batch: Int
    /// Sampling steps (nil: the model's default).
    public var steps: Int?
    /// Video frames (nil: the model's default clip length; ignored for image models).
    public var frames: Int?
    public var precision: DiffusionPrecision
    public var textEncoderPrecision: DiffusionPrecision
    public var offload: Offload
    public var attention: Attention
    public var vaeTiling: Bool

    public init(width: Int, height: Int, batch: Int = 1, steps: Int? = nil, frames: Int? = nil,
                precision: DiffusionPrecision = .fp16, textEncoderPrecision: DiffusionPrecision = .fp16,
                offload: Offload = .none, attention: Attention = .efficient, vaeTiling: Bool = false) {
        self.width = width; self.height = height; self.batch = batch; self.steps = steps; self.frames = frames
        self.precision = precision; self.textEncoderPrecision = textEncoderPrecision; self.offload = offload
        self.attention = attention; self.vaeTiling = vaeTiling
    }

    /// The model's native resolution and defaults.
    public static func native(_ m: DiffusionModel, precision: DiffusionPrecision = .fp16) -> DiffusionSettings {
        DiffusionSettings(width: m.nativeWidth, height: m.nativeHeight, precision: precision)
    }
}

/// Memory, fit and speed of one diffusion model on one machine.
///
/// ```swift
/// let e = try DiffusionEstimator.estimate(model: sdxl, system: TargetSystem(try catalog.hardware(named: "RTX 3060 12GB")),
///                                         settings: .init(width: 1024, height: 1024))
/// e.fit.tier                    // .comfortable
/// e.memory.peakBytes            // about 8.5 GiB
/// e.secondsPerImage.expected    // seconds for one picture at the model's default steps
/// ```
public struct DiffusionEstimate: Sendable, Hashable, Codable {
    /// GPU memory by component and phase, bytes.
    public struct Memory: Sendable, Hashable, Codable {
        public var denoiserBytes: UInt64
        public var textEncoderBytes: UInt64
        public var vaeBytes: UInt64
        public var activationBytes: UInt64
        public var attentionBytes: UInt64
        public var vaeDecodeBytes: UInt64
        public var overheadBytes: UInt64
        /// Denoiser weights streamed from RAM every step (`streamed` offload).
        public var streamedBytes: UInt64
        /// GPU memory during text encoding, denoising and VAE decoding; the peak is their maximum.
        public var encodePhaseBytes: UInt64
        public var denoisePhaseBytes: UInt64
        public var decodePhaseBytes: UInt64
        public var peakBytes: UInt64
        /// What the device lets a run allocate.
        public var usableBytes: UInt64
        /// Host RAM the run holds (offloaded components, CPU text encoders), and what the host has usable.
        public var hostBytes: UInt64
        public var hostUsableBytes: UInt64
        enum CodingKeys: String, CodingKey {
            case denoiserBytes = "denoiser_bytes", textEncoderBytes = "text_encoder_bytes", vaeBytes = "vae_bytes"
            case activationBytes = "activation_bytes", attentionBytes = "attention_bytes", vaeDecodeBytes = "vae_decode_bytes"
            case overheadBytes = "overhead_bytes", streamedBytes = "streamed_bytes", encodePhaseBytes = "encode_phase_bytes"
            case denoisePhaseBytes = "denoise_phase_bytes", decodePhaseBytes = "decode_phase_bytes", peakBytes = "peak_bytes"
            case usableBytes = "usable_bytes", hostBytes = "host_bytes", hostUsableBytes = "host_usable_bytes"
        }
    }
    public struct Fit: Sendable, Hashable, Codable {
        public var tier: FitTier
        /// What had to change to fit, cheapest first ("VAE tiling", "text encoders at fp8", ...); empty when
        /// the requested settings fit comfortably.
        public var strategy: [String]
        public var headroomBytes: Int64
        public var notes: [String]
        enum CodingKeys: String, CodingKey { case tier, strategy, notes, headroomBytes = "headroom_bytes" }
    }

    public var modelID: String
    public var modelName: String
    public var hardwareID: String
    public var hardwareName: String
    /// The settings the verdict is for: the requested ones, or the first strategy that fits.
    public var settings: DiffusionSettings
    public var steps: Int
    public var frames: Int?
    /// Tokens at the widest attention (image tokens × frames, plus joint text tokens).
    public var tokens: Int
    public var memory: Memory
    public var fit: Fit
    /// Seconds for one image (or one clip), fastest / expected / slowest.
    public var secondsPerImage: SpeedRange
    public var secondsPerStep: Double
    public var evidence: Evidence

    enum CodingKeys: String, CodingKey {
        case settings, steps, frames, tokens, memory, fit, evidence
        case modelID = "model_id", modelName = "model_name", hardwareID = "hardware_id", hardwareName = "hardware_name"
        case secondsPerImage = "seconds_per_image", secondsPerStep = "seconds_per_step"
    }
}

/// The diffusion engine: pure functions from (model, machine, settings) to memory, fit and speed.
///
/// Memory on the GPU, by phase (the peak is the largest):
/// - weights: denoiser params × bytes per weight; text encoders at fp16 or fp8 (or off the GPU); VAE at fp16;
/// - denoising: batch × passes × tokens × hidden × 2 bytes × ``activationFactor`` (residual stream, q/k/v,
///   attention output and the MLP intermediate in flight), plus, without memory-efficient attention, the score
///   matrix heads × tokens² × 2 bytes × 2 (scores and softmax) per sample (one head at a time when sliced);
///   classifier-free guidance batches the two passes for images, runs them in turn for video;
/// - VAE decode: ``vaeDecodeBytesPerPixel`` per output pixel (the last up-sampling holds 256-channel fp16
///   tensors at full resolution: input, output and the stage input), per frame chunk for video, one
///   512 × 512 tile at a time with tiling; plus the VAE mid-block's single-head attention over the latent
///   pixels when attention is not memory-efficient;
/// - runtime: ``runtimeOverheadMiB`` per backend (CUDA context, cuDNN/cuBLAS workspaces, allocator).
///
/// Speed: steps × [passes × FLOPs(tokens) ÷ (peak rate × efficiency) + a fixed cost per forward pass] +
/// VAE decode + text encoding + PCIe transfers of offloaded weights. FLOPs(tokens) scales the catalog's per-forward figure at the native
/// resolution: the projections and convolutions linearly in tokens, self-attention (4 × layers × hidden ×
/// tokens²) quadratically. PyTorch accumulates FP16 matrix products in FP32: GeForce cards run at half the
/// catalog's FP16-accumulate tensor rate.
public enum DiffusionEstimator {
    /// Live activation tensors per token, in units of hidden × 2 bytes (an assumption; see the type's doc).
    public static let activationFactor = 12.0
    /// VAE decoder working memory per output pixel at fp16: 3 tensors × 256 channels × 2 bytes.
    public static let vaeDecodeBytesPerPixel = 1536.0
    /// VAE decoder cost per output pixel: about 4.7 M multiply-adds (conv widths 128/256/512/512, three
    /// ResNet blocks per stage and the up-sampling convolutions) = 9.5 MFLOP.
    public static let vaeDecodeFLOPsPerPixel = 9.5e6
    /// Tile edge for VAE tiling (pixels).
    public static let vaeTile = 512
    /// Free memory kept on the device for a comfortable verdict (PyTorch's allocator fragments).
    public static let margin: UInt64 = 1024 * 1_048_576
    /// Fraction of the effective peak rate reached: U-Nets (many small convolutions) and transformers.
    public static let efficiency: [DiffusionModel.Denoiser.Kind: Double] = [.unet: 0.45, .dit: 0.55, .mmdit: 0.55]
    /// Fixed time per denoiser forward pass, seconds: about a thousand kernel launches and the sampler's Python
    /// (an assumption; it is what keeps SD 1.5 at 512² near the 30-40 steps/s reported on an RTX 4090
    /// rather than the 50+ its FLOPs allow).
    public static let forwardOverhead: [Backend: Double] = [.cuda: 0.010, .rocm: 0.012]
    /// Backend multiplier on that efficiency (PyTorch CUDA = 1; ROCm, MPS and stable-diffusion.cpp's Vulkan
    /// reach less in published comparisons; assumptions, reflected in the wider range off CUDA).
    public static let backendEfficiency: [Backend: Double] = [.cuda: 1, .rocm: 0.55, .metal: 0.45, .vulkan: 0.35, .sycl: 0.4, .opencl: 0.2, .cpu: 0.3]
    public static let runtimeOverheadMiB: [Backend: Double] = [.cuda: 512, .rocm: 640, .metal: 256, .vulkan: 256, .sycl: 384, .opencl: 256, .cpu: 256]
    /// Speed uncertainty: ±35% for a resident run on CUDA, ±50% otherwise.
    public static func band(backend: Backend, offload: DiffusionSettings.Offload) -> Double {
        backend == .cuda && offload == .none ? 0.35 : 0.5
    }

    /// Estimates `settings` as given (no strategy search).
    public static func evaluate(model m: DiffusionModel, system: TargetSystem, settings s: DiffusionSettings) throws -> DiffusionEstimate {
        try validate(m, s)
        let gib = 1_073_741_824.0
        let gpu = system.gpus.first
        let backend = gpu?.backend ?? .cpu
        let unified = system.unifiedMemory || gpu == nil
        let steps = s.steps ?? m.defaultSteps
        let frames = m.video.map { s.frames ?? $0.frames }
        let latentFrames = m.video.map { $0.latentFrames(frames ?? $0.frames) } ?? 1
        let d = m.denoiser
        let tokens = Self.tokens(m, width: s.width, height: s.height, latentFrames: latentFrames)
        let nativeTokens = Self.tokens(m, width: m.nativeWidth, height: m.nativeHeight,
                                       latentFrames: m.video.map { $0.latentFrames($0.frames) } ?? 1)
        let passes = m.cfg ? 2.0 : 1.0
        let batchedPasses = m.cfg && !m.isVideo ? 2.0 : 1.0
        let batch = Double(s.batch)
        let n = Double(tokens)

        // Weights.
        let denoiser = d.paramsB * 1e9 * s.precision.bytesPerParameter
        let encoders = m.textEncoders.map { $0.paramsB * 1e9 * s.textEncoderPrecision.bytesPerParameter }
        let textEncoders = encoders.reduce(0, +)
        let vae = m.vae.paramsM * 1e6 * 2
        // Working memory.
        let activation = batch * batchedPasses * n * Double(d.hidden) * 2 * activationFactor
        let attention: Double
        switch s.attention {
        case .efficient: attention = 0
        case .sliced: attention = n * n * 2 * 2
        case .naive: attention = batch * batchedPasses * Double(d.heads) * n * n * 2 * 2
        }
        let chunkFrames = m.video.map { min(frames ?? $0.frames, $0.temporalDownscale) } ?? 1
        let decodedPixels = s.vaeTiling ? Double(min(s.width, vaeTile) * min(s.height, vaeTile)) : Double(s.width * s.height) * batch
        var vaeDecode = decodedPixels * Double(chunkFrames) * vaeDecodeBytesPerPixel
        if s.attention != .efficient {
            let latentPixels = decodedPixels / Double(m.vae.downscale * m.vae.downscale)
            vaeDecode += latentPixels * latentPixels * 2 * 2
        }
        let overhead = (runtimeOverheadMiB[backend] ?? 256) * 1_048_576

        // Phases on the GPU.
        var encodePhase = 0.0, denoisePhase = 0.0, decodePhase = 0.0, host = 0.0, streamed = 0.0
        var notes: [String] = []
        switch s.offload {
        case .none:
            let resident = overhead + denoiser + textEncoders + vae
            encodePhase = resident
            denoisePhase = resident + activation + attention
            decodePhase = resident + vaeDecode
        case .textEncodersOnCPU:
            let resident = overhead + denoiser + vae
            encodePhase = resident
            denoisePhase = resident + activation + attention
            decodePhase = resident + vaeDecode
            host = m.textEncoders.reduce(0) { $0 + $1.paramsB * 1e9 * max(2, s.textEncoderPrecision.bytesPerParameter) }
        case .model, .streamed:
            encodePhase = overhead + (encoders.max() ?? 0)
            var residentDenoiser = denoiser
            if s.offload == .streamed, let gpu {
                let room = Double(gpu.usableBytes) - Double(margin) - overhead - activation - attention
                residentDenoiser = min(denoiser, max(room, denoiser * 0.05))
                streamed = denoiser - residentDenoiser
            }
            denoisePhase = overhead + residentDenoiser + activation + attention
            decodePhase = overhead + vae + vaeDecode
            host = textEncoders + denoiser + vae
        }
        let peak = max(encodePhase, denoisePhase, decodePhase)
        let usable = gpu.map { Double($0.usableBytes) } ?? Double(system.hostUsableBytes)
        if unified && s.offload != .none {
            notes.append("offloading saves nothing on \(gpu == nil ? "the CPU" : "unified memory"): GPU and CPU share one memory")
        }
        if !unified && host > Double(system.hostUsableBytes) {
            notes.append(String(format: "the offloaded weights need %.1f GiB of RAM; the host has %.1f GiB usable",
                                host / gib, Double(system.hostUsableBytes) / gib))
        }
        let memory = DiffusionEstimate.Memory(
            denoiserBytes: UInt64(denoiser), textEncoderBytes: UInt64(textEncoders), vaeBytes: UInt64(vae),
            activationBytes: UInt64(activation), attentionBytes: UInt64(attention), vaeDecodeBytes: UInt64(vaeDecode),
            overheadBytes: UInt64(overhead), streamedBytes: UInt64(streamed), encodePhaseBytes: UInt64(encodePhase),
            denoisePhaseBytes: UInt64(denoisePhase), decodePhaseBytes: UInt64(decodePhase), peakBytes: UInt64(peak),
            usableBytes: UInt64(max(0, usable)), hostBytes: UInt64(unified ? 0 : host),
            hostUsableBytes: unified ? 0 : system.hostUsableBytes)

        // Speed.
        let geforce = system.selection?.device.name.contains("GeForce") ?? false
        let rate: Double
        if let gpu {
            let device = system.selection?.device
            rate = s.precision == .fp32 ? (device?.fp32TFLOPS ?? gpu.fp16TFLOPS / 4) * 1e12 : gpu.fp16TFLOPS * 1e12 * (geforce ? 0.5 : 1)
        } else {
            rate = system.host.fp32TFLOPS * 1e12
        }
        let kindEff = efficiency[d.kind] ?? 0.5
        let eff = kindEff * (backendEfficiency[backend] ?? 0.3) * s.precision.speedFactor
        let flopsPerForward = forwardFLOPs(m, tokens: n, nativeTokens: Double(nativeTokens))
        let forwardsPerStep = m.cfg && m.isVideo ? 2.0 : 1.0
        let stepSeconds = batch * passes * flopsPerForward / (rate * eff) + forwardsPerStep * (forwardOverhead[backend] ?? 0.02)
        var seconds = Double(steps) * stepSeconds
        let framesOut = Double(frames ?? 1)
        var decodeSeconds = vaeDecodeFLOPsPerPixel * Double(s.width * s.height) * framesOut * batch
            / (rate * (efficiency[.unet] ?? 0.45) * (backendEfficiency[backend] ?? 0.3))
        if s.vaeTiling { decodeSeconds *= 1.15 }
        seconds += decodeSeconds
        let encodeFLOPs = m.textEncoders.reduce(0) { $0 + 2 * $1.paramsB * 1e9 * Double($1.maxTokens) } * batch
        if s.offload == .textEncodersOnCPU && gpu != nil {
            seconds += encodeFLOPs / (system.host.fp32TFLOPS * 1e12 * SpeedModel.factors.cpuCompute)
        } else {
            seconds += encodeFLOPs / (rate * 0.3 * (backendEfficiency[backend] ?? 0.3))
        }
        if let gpu, !unified {
            switch s.offload {
            case .model, .streamed:
                seconds += (textEncoders + denoiser - streamed + vae) / (gpu.pcieGBs * 1e9)
                seconds += Double(steps) * forwardsPerStep * streamed / (gpu.pcieGBs * 1e9)
            case .none, .textEncodersOnCPU: break
            }
        }
        let u = band(backend: backend, offload: s.offload)
        let range = SpeedRange(low: seconds * (1 - u), expected: seconds, high: seconds * (1 + u))

        let sel = system.selection
        if system.gpus.count > 1 {
            notes.append("diffusion runs on one GPU; the other \(system.gpus.count - 1) stay idle (ComfyUI multi-GPU nodes can put the text encoders on a second card)")
        }
        var out = DiffusionEstimate(
            modelID: m.id, modelName: m.name, hardwareID: sel?.id ?? "custom", hardwareName: sel?.displayName ?? gpu?.name ?? system.host.name,
            settings: s, steps: steps, frames: frames, tokens: tokens, memory: memory,
            fit: .init(tier: .comfortable, strategy: [], headroomBytes: Int64(usable) - Int64(peak), notes: notes),
            secondsPerImage: range, secondsPerStep: stepSeconds, evidence: .estimated)
        // The verdict for these settings as they are: won't run, tight or offloaded (tradeoffs), comfortable.
        if !fits(out, margin: 0) {
            out.fit.tier = .wontRun
            if peak > usable {
                out.fit.notes.insert(String(format: "needs %.1f GiB at its peak; %.1f GiB is usable", peak / gib, usable / gib), at: 0)
            }
        } else if !fits(out, margin: margin) {
            out.fit.tier = .tradeoffs
            out.fit.notes.append("tight: less than 1 GiB stays free on the GPU")
        } else if s.offload != .none {
            out.fit.tier = .tradeoffs
        }
        return out
    }

    /// Estimates `settings` and, when they do not fit, finds the cheapest strategy that does: VAE tiling,
    /// attention slicing, text encoders at fp8, model offload, text encoders on the CPU, fp8 weights,
    /// GGUF quantisations (models with published GGUF files), then streaming the denoiser from RAM.
    /// Comfortable: the requested settings fit with ``margin`` free. Tradeoffs: a strategy fits (with the
    /// margin, else without it: tight). Won't run: nothing fits.
    public static func estimate(model m: DiffusionModel, system: TargetSystem, settings s: DiffusionSettings) throws -> DiffusionEstimate {
        let requested = try evaluate(model: m, system: system, settings: s)
        if fits(requested, margin: margin) { return requested }
        // With the margin first (the requested settings already failed it), then tight (the requested first).
        let options = [Candidate(settings: s, labels: [])] + candidates(m, system: system, settings: s)
        let evaluated = try options.map { ($0, try evaluate(model: m, system: system, settings: $0.settings)) }
        for m2 in [margin, 0] {
            for (candidate, e) in evaluated where fits(e, margin: m2) {
                if candidate.labels.isEmpty { return e }
                var out = e
                out.fit.tier = .tradeoffs
                out.fit.strategy = candidate.labels
                out.fit.notes.insert(String(format: "the requested settings need %.1f GiB at their peak; %.1f GiB is usable",
                                            Double(requested.memory.peakBytes) / 1_073_741_824, Double(requested.memory.usableBytes) / 1_073_741_824), at: 0)
                return out
            }
        }
        var out = requested
        out.fit.tier = .wontRun
        out.fit.notes.append("no strategy (VAE tiling, attention slicing, fp8 text encoders, offload, fp8 or GGUF weights, streaming) makes it fit")
        return out
    }

    static func fits(_ e: DiffusionEstimate, margin: UInt64) -> Bool {
        e.memory.peakBytes + margin <= e.memory.usableBytes && e.memory.hostBytes <= e.memory.hostUsableBytes
    }

    struct Candidate { var settings: DiffusionSettings; var labels: [String] }

    /// The strategies tried, in order of cost.
    static func candidates(_ m: DiffusionModel, system: TargetSystem, settings s: DiffusionSettings) -> [Candidate] {
        var out: [Candidate] = []
        var base = s
        var baseLabels: [String] = []
        func add(_ labels: [String], _ change: (inout DiffusionSettings) -> Void) {
            var t = base
            change(&t)
            if t != s && !out.contains(where: { $0.settings == t }) { out.append(Candidate(settings: t, labels: baseLabels + labels)) }
        }
        if !s.vaeTiling { add(["VAE tiling"]) { $0.vaeTiling = true } }
        base.vaeTiling = true
        if !s.vaeTiling { baseLabels = ["VAE tiling"] }
        if s.attention == .naive {
            add(["attention slicing"]) { $0.attention = .sliced }
            base.attention = .sliced; baseLabels.append("attention slicing")
        }
        let canOffload = !system.unifiedMemory && !system.gpus.isEmpty
        let fp8TE = s.textEncoderPrecision.bytesPerParameter > 1
        if fp8TE { add(["text encoders at fp8"]) { $0.textEncoderPrecision = .fp8 } }
        if canOffload && s.offload == .none {
            add(["model offload (components take turns on the GPU)"]) { $0.offload = .model }
            if fp8TE { add(["model offload", "text encoders at fp8"]) { $0.offload = .model; $0.textEncoderPrecision = .fp8 } }
            add(["text encoders on the CPU"]) { $0.offload = .textEncodersOnCPU }
        }
        var weightTypes: [DiffusionPrecision] = s.precision.bytesPerParameter > 1 && !s.precision.isGGUF ? [.fp8] : []
        if m.gguf != nil {
            weightTypes += [DiffusionPrecision.q8_0, .q5_K, .q4_K].filter { $0.bytesPerParameter < s.precision.bytesPerParameter }
        }
        for w in weightTypes {
            let label = w == .fp8 ? "fp8 weights" : "GGUF \(w.rawValue) weights"
            add([label]) { $0.precision = w }
            if fp8TE { add([label, "text encoders at fp8"]) { $0.precision = w; $0.textEncoderPrecision = .fp8 } }
            if canOffload && s.offload == .none {
                add([label, "model offload"]) { $0.precision = w; $0.offload = .model }
            }
        }
        if canOffload && s.offload != .streamed {
            add(["denoiser streamed from RAM each step (low-VRAM mode)"]) { $0.offload = .streamed }
        }
        return out
    }

    /// Tokens at the widest attention for a resolution: latent frames × (W/8/patch) × (H/8/patch) per image
    /// (plus the reference images for an editing model), plus joint text tokens.
    public static func tokens(_ m: DiffusionModel, width: Int, height: Int, latentFrames: Int = 1) -> Int {
        let side = m.vae.downscale * m.denoiser.patchSize
        let perImage = ((width + side - 1) / side) * ((height + side - 1) / side)
        return latentFrames * perImage * (1 + m.denoiser.contextImages) + m.denoiser.jointTextTokens
    }

    /// FLOPs of one forward pass (batch 1) at `tokens`, from the catalog's figure at `nativeTokens`.
    public static func forwardFLOPs(_ m: DiffusionModel, tokens n: Double, nativeTokens n0: Double) -> Double {
        let d = m.denoiser
        let attention = { (t: Double) in 4 * Double(d.layers) * Double(d.hidden) * t * t }
        let total0 = d.gflops * 1e9
        let linear0 = max(total0 - attention(n0), total0 * 0.3)
        return linear0 * n / max(n0, 1) + attention(n)
    }

    static func validate(_ m: DiffusionModel, _ s: DiffusionSettings) throws {
        // Latents are width / 8; a transformer also packs 2 × 2 latent pixels into a token (diffusers asks
        // for multiples of 16 for FLUX and SD 3).
        let side = m.vae.downscale * (m.denoiser.kind == .unet ? 1 : m.denoiser.patchSize)
        guard s.width >= 64, s.height >= 64, s.width <= 16384, s.height <= 16384 else {
            throw EstimateError.invalidSetting("resolution \(s.width)x\(s.height) is out of range (64 to 16384 pixels a side)")
        }
        guard s.width % side == 0, s.height % side == 0 else {
            throw EstimateError.invalidSetting("resolution \(s.width)x\(s.height) must be a multiple of \(side) for \(m.name)")
        }
        guard (1...64).contains(s.batch) else { throw EstimateError.invalidSetting("batch \(s.batch) must be 1 to 64") }
        if let steps = s.steps, !(1...1000).contains(steps) { throw EstimateError.invalidSetting("steps \(steps) must be 1 to 1000") }
        if let f = s.frames, !(1...1024).contains(f) { throw EstimateError.invalidSetting("frames \(f) must be 1 to 1024") }
    }
}
