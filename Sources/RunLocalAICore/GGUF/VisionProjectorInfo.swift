/// What a multimodal projector file (`mmproj-*.gguf`, `general.architecture = clip`) adds to a model:
/// its encoder's size, its own weight bytes, and how many tokens one image costs in the context.
///
/// Token counts follow llama.cpp's `clip_n_output_tokens`: `(image_size / patch_size)^2` patches for plain
/// CLIP/LLaVA MLP projectors, divided by the merge factor squared for merging projectors (Gemma 3:
/// `(896 / 14)^2 / 4^2 = 256`), a quarter for MobileVLM's LDP, the resampler's query count for MiniCPM-V.
/// Projectors with dynamic resolution (Qwen2-VL, Pixtral, ...) report the count for ``defaultImageSide``.
///
/// ```swift
/// let mmproj = try GGUFModel(file: try await GGUFReader.read(path: "mmproj-gemma-3-4b-f16.gguf"))
/// mmproj.vision?.projectorType    // "gemma3"
/// mmproj.vision?.tokensPerImage   // 256
/// mmproj.vision?.tokens(forImageWidth: 1024, height: 768)   // 256 (fixed-size projector)
/// ```
public struct VisionProjectorInfo: Sendable, Hashable, Codable {
    /// `clip.projector_type` (or `clip.vision.projector_type`), "mlp" for old LLaVA files without one.
    public var projectorType: String
    public var hasVisionEncoder: Bool
    public var hasAudioEncoder: Bool
    public var imageSize: Int?
    public var patchSize: Int?
    public var embeddingLength: Int?
    public var blockCount: Int?
    public var projectionDim: Int?
    public var feedForwardLength: Int?
    public var headCount: Int?
    /// Merge factor per side: `clip.vision.projector.scale_factor` or `clip.vision.spatial_merge_size`,
    /// or llama.cpp's default for the projector type.
    public var mergeFactor: Int?
    public var minicpmvVersion: Int?
    public var minicpmvQueryCount: Int?
    /// Whether the resolution is dynamic (the token count depends on the image).
    public var dynamicResolution: Bool
    /// The square image side the default ``tokensPerImage`` is computed for.
    public var defaultImageSide: Int?
    /// Sum of the projector file's tensor bytes (vision encoder and projector).
    public var weightBytes: UInt64
    /// Tokens one image takes in the context, for ``defaultImageSide``; nil when not known.
    public var tokensPerImage: Int?

    private var hasImageBreakToken = false

    public init(file: GGUFFile) {
        let m = file.metadata
        func int(_ key: String) -> Int? { m[key]?.int.flatMap { (1...(1 << 24)).contains($0) ? $0 : nil } }
        let type = m["clip.projector_type"]?.string ?? m["clip.vision.projector_type"]?.string
            ?? (m["clip.has_llava_projector"]?.bool == true ? "mlp" : "unknown")
        projectorType = type
        hasVisionEncoder = m["clip.has_vision_encoder"]?.bool ?? (int("clip.vision.image_size") != nil)
        hasAudioEncoder = m["clip.has_audio_encoder"]?.bool ?? false
        imageSize = int("clip.vision.image_size")
        patchSize = int("clip.vision.patch_size")
        embeddingLength = int("clip.vision.embedding_length")
        blockCount = int("clip.vision.block_count")
        projectionDim = int("clip.vision.projection_dim")
        feedForwardLength = int("clip.vision.feed_forward_length")
        headCount = int("clip.vision.attention.head_count")
        minicpmvVersion = int("clip.minicpmv_version")
        minicpmvQueryCount = int("clip.minicpmv_query_num")
        weightBytes = file.tensors.reduce(0) { $0 &+ $1.byteCount }
        hasImageBreakToken = file.tensors.contains { $0.name == "v.token_embd.img_break" }
        mergeFactor = int("clip.vision.projector.scale_factor") ?? int("clip.vision.spatial_merge_size")
            ?? Self.defaultMergeFactor(type)
        dynamicResolution = Self.dynamicTypes.contains(type)
        if dynamicResolution {
            if let maxPixels = m["clip.vision.image_max_pixels"]?.int, maxPixels > 0, maxPixels < 1 << 40 {
                defaultImageSide = Int(Double(maxPixels).squareRoot())
            } else {
                defaultImageSide = Self.qwenTypes.contains(type) ? 1024 : imageSize
            }
        } else {
            defaultImageSide = imageSize
        }
        tokensPerImage = defaultImageSide.flatMap { tokens(forImageWidth: $0, height: $0) }
        if !hasVisionEncoder { tokensPerImage = nil }
    }

    /// Tokens an image of `width` × `height` pixels takes, after llama.cpp's preprocessing. Fixed-size
    /// projectors resize every image to ``imageSize``, so their count does not depend on the image.
    public func tokens(forImageWidth width: Int, height: Int) -> Int? {
        guard let patch = patchSize, width > 0, height > 0, width < 1 << 20, height < 1 << 20 else { return nil }
        let merge = max(mergeFactor ?? 1, 1)
        if !dynamicResolution {
            guard let side = imageSize else { return nil }
            let n = (side / patch) * (side / patch)
            switch projectorType {
            case "mlp", "mlp_norm", "janus_pro", "adapter": return n
            case "ldp", "ldpv2": return n / 4
            case "glm_edge": return n / 4 + 2
            case "cogvlm": return n + 2
            case "gemma3", "idefics3", "internvl", "llama4":
                let perSide = side / patch / merge
                return projectorType == "gemma3" ? perSide * perSide : n / (merge * merge)
            case "gemma3nv": return 256
            case "resampler":
                if let q = minicpmvQueryCount { return q }
                switch minicpmvVersion {
                case 2: return 96
                case 3, 4, 5, 6: return 64
                default: return nil
                }
            default: return nil
            }
        }
        switch projectorType {
        case "pixtral", "lightonocr":
            let x = width / patch / merge, y = height / patch / merge
            return hasImageBreakToken ? x * y + max(y - 1, 0) : x * y
        default:
            // Qwen2-VL family, GLM-4V, LFM2, Kimi-VL: patches of (patch × merge) pixels, sides rounded up.
            let cell = patch * merge
            return ((width + cell - 1) / cell) * ((height + cell - 1) / cell)
        }
    }

    static let qwenTypes: Set<String> = ["qwen2vl_merger", "qwen2.5vl_merger", "qwen3vl_merger", "glm4v"]
    static let dynamicTypes: Set<String> = qwenTypes.union(["pixtral", "lightonocr", "lfm2", "kimivl", "kimik25"])

    /// llama.cpp's merge factor when the file does not give one.
    static func defaultMergeFactor(_ type: String) -> Int? {
        switch type {
        case "gemma3": 4
        case "internvl", "llama4", "lfm2", "kimivl", "kimik25", "pixtral", "lightonocr": 2
        case "qwen2vl_merger", "qwen2.5vl_merger", "qwen3vl_merger", "glm4v": 2
        case "idefics3": 1
        default: nil
        }
    }

    private enum CodingKeys: String, CodingKey {
        case projectorType = "projector_type", hasVisionEncoder = "has_vision_encoder"
        case hasAudioEncoder = "has_audio_encoder", imageSize = "image_size", patchSize = "patch_size"
        case embeddingLength = "embedding_length", blockCount = "block_count", projectionDim = "projection_dim"
        case feedForwardLength = "feed_forward_length", headCount = "head_count", mergeFactor = "merge_factor"
        case minicpmvVersion = "minicpmv_version", minicpmvQueryCount = "minicpmv_query_count"
        case dynamicResolution = "dynamic_resolution", defaultImageSide = "default_image_side"
        case weightBytes = "weight_bytes", tokensPerImage = "tokens_per_image"
    }
}
