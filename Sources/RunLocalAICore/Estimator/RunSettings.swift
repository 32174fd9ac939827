/// How a model is run: context, images, KV-cache types, flash attention, batch sizes, runtime, and
/// (optionally) a fixed number of GPU layers. Defaults are llama.cpp's.
///
/// ```swift
/// var s = RunSettings(context: 8192)
/// s.keyType = .q8_0; s.valueType = .q8_0       // needs flash attention for V
/// try s.validate(for: profile)
/// ```
public struct RunSettings: Sendable, Hashable {
    public var context: Int
    public var images: Int
    public var keyType: GGMLType
    public var valueType: GGMLType
    public var flashAttention: Bool
    /// llama.cpp `-ub` (physical batch): sizes the compute buffers.
    public var ubatch: Int
    /// llama.cpp `-b` (logical batch): how many tokens one prompt step submits (split into ubatches).
    public var batch: Int = 2048
    /// Whether the CPU backend repacks weights for its vector units (llama.cpp `--no-repack` turns it off).
    public var cpuRepack: Bool = true
    /// llama.cpp `-np`: parallel sequences sharing the context.
    public var parallel: Int
    /// llama.cpp `-ngl`; nil lets the planner choose (like `--fit`).
    public var gpuLayers: Int?
    public var runtime: Runtime.Kind
    /// Tokens of prompt in a prefill measurement / request, and tokens already in the cache.
    public var promptTokens: Int
    public var depth: Int
    /// When the runtime was built, where a measurement states it; nil is today's build (what a user runs).
    /// The speed model uses it where a runtime change moved speed for good (llama.cpp's CUDA graphs, June 2024).
    public var build: RuntimeBuild? = nil
    /// CPU threads (llama.cpp `-t`); nil is llama.cpp's default, one per core.
    public var threads: Int? = nil
    /// llama.cpp's `--n-cpu-moe N`: the routed experts of the first N layers stay in system RAM while the rest of those
    /// layers (attention, the shared expert, the KV cache) are on the GPU. 0: none.
    public var cpuMoELayers: Int = 0

    public init(context: Int = 4096, images: Int = 0, keyType: GGMLType = .f16, valueType: GGMLType = .f16,
                flashAttention: Bool = true, ubatch: Int = 512, parallel: Int = 1, gpuLayers: Int? = nil,
                runtime: Runtime.Kind = .llamaCpp, promptTokens: Int = 512, depth: Int = 0) {
        self.context = context; self.images = images; self.keyType = keyType; self.valueType = valueType
        self.flashAttention = flashAttention; self.ubatch = ubatch; self.parallel = parallel
        self.gpuLayers = gpuLayers; self.runtime = runtime; self.promptTokens = promptTokens; self.depth = depth
    }

    /// KV-cache types llama.cpp accepts for `-ctk` / `-ctv`.
    public static let cacheTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .iq4_NL, .q5_0, .q5_1]

    /// Rejects settings llama.cpp would refuse, with the fix in the message.
    public func validate(for profile: ModelProfile) throws {
        guard context >= 1 else {
            throw EstimateError.invalidSetting("context \(context) must be at least 1 token (e.g. --ctx 4096)")
        }
        let maxContext = max(profile.architecture.contextLength, 1) * 4
        guard context <= max(maxContext, 1 << 20), context <= 16_777_216 else {
            throw EstimateError.invalidSetting("context \(context) is beyond what \(profile.name) supports (\(profile.architecture.contextLength) tokens trained); use at most \(profile.architecture.contextLength)")
        }
        guard images >= 0, images <= 256 else {
            throw EstimateError.invalidSetting("images \(images) must be between 0 and 256")
        }
        if images > 0 && profile.vision == nil {
            if profile.architecture.arch == "gemma3n" {
                // llama.cpp reads Gemma 3n's images since PR #18256 (December 2025, MobileNet-V5 mmproj); the catalog
                // entry has no projector facts yet, so the answer comes from the files' headers.
                throw EstimateError.invalidSetting("the catalog has no vision projector for \(profile.name) yet (llama.cpp reads its images with a MobileNet-V5 mmproj since PR #18256); size it from the files instead (the model named by its GGUF repository, OWNER/NAME, whose mmproj is read too; on the command line --gguf MODEL.gguf --mmproj MMPROJ.gguf), or drop --images")
            }
            throw EstimateError.invalidSetting("\(profile.name) takes no images; pick a vision-language model or drop --images")
        }
        for t in [keyType, valueType] where !RunSettings.cacheTypes.contains(t) {
            throw EstimateError.invalidSetting("KV cache type \(t.name) is not one llama.cpp supports; use f16, q8_0 or q4_0")
        }
        if valueType.isQuantized && !flashAttention {
            throw EstimateError.invalidSetting("a quantised V cache (\(valueType.name)) needs flash attention: add --flash-attn on, or keep the V cache at f16")
        }
        guard ubatch >= 1, ubatch <= 65_536, parallel >= 1, parallel <= 256 else {
            throw EstimateError.invalidSetting("ubatch must be 1...65536 and parallel 1...256")
        }
        if let g = gpuLayers, g < 0 {
            throw EstimateError.invalidSetting("GPU layers \(g) must be 0 or more")
        }
        let imageTokens = images * (profile.vision?.tokensPerImage ?? 0)
        if imageTokens >= context {
            throw EstimateError.invalidSetting("\(images) image(s) take \(imageTokens) context tokens but the context is \(context); raise --ctx to at least \(imageTokens + 512)")
        }
    }
}

/// The month a runtime was built, e.g. `RuntimeBuild(year: 2024, month: 5)` for a May 2024 llama.cpp.
///
/// ```swift
/// var s = RunSettings(context: 4096)
/// s.build = RuntimeBuild(year: 2024, month: 1)   // a run published in January 2024
/// s.build! < RuntimeBuild.cudaGraphs             // true: launched kernel by kernel
/// ```
public struct RuntimeBuild: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public init(year: Int, month: Int) { self.year = year; self.month = min(max(month, 1), 12) }
    public static func < (a: RuntimeBuild, b: RuntimeBuild) -> Bool { (a.year, a.month) < (b.year, b.month) }
    public var description: String { String(year) + "-" + (month < 10 ? "0" : "") + String(month) }
    /// The first month every llama.cpp CUDA build ran decode as one CUDA graph per token (llama.cpp PR #6766,
    /// opened 2024-04-19 and merged in May 2024); before it, every kernel of every layer was launched from the host.
    public static let cudaGraphs = RuntimeBuild(year: 2024, month: 6)
    /// The first month llama.cpp's CUDA prefill multiplied quantised weights on int8 tensor cores (MMQ) by default
    /// (PR #8075, 2024-06-23); before it, each quantised matrix was dequantised to f16 for a cuBLAS GEMM.
    public static let cudaMMQ = RuntimeBuild(year: 2024, month: 7)
    /// The first month llama.cpp's CUDA decode multiplied F16 weights with vector loads: PR #9816 (opened 2024-10-10,
    /// merged that October) vectorised the old `dequantize_mul_mat_vec` kernel's scalar loads, and PR #10318
    /// (2024-11-15) then replaced that kernel with a new F16 matrix-vector kernel.
    public static let cudaF16VectorLoads = RuntimeBuild(year: 2024, month: 11)
}

/// Errors the estimator raises. Each message names the problem and the fix.
public enum EstimateError: Error, CustomStringConvertible, Equatable {
    case invalidSetting(String)
    public var description: String {
        switch self { case .invalidSetting(let m): m }
    }
}
