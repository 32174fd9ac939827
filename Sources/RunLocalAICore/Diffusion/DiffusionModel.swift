/// An image or video diffusion model in the catalog, read from `catalog/diffusion/<family>.yaml`.
///
/// The figures the ``DiffusionEstimator`` needs: the denoiser (a U-Net or a diffusion transformer) with its
/// parameter count and forward-pass cost at the native resolution, each text encoder, the VAE and its latent
/// geometry, and the sampling defaults (steps, classifier-free guidance).
///
/// ```swift
/// let flux = try catalog.diffusionModel(named: "flux dev")
/// flux.denoiser.paramsB                       // 11.9
/// flux.textEncoders.map(\.name)               // ["CLIP ViT-L/14", "T5-XXL encoder"]
/// flux.cfg                                    // false: guidance-distilled, one pass per step
/// ```
public struct DiffusionModel: Sendable, Hashable, Identifiable, Decodable {
    /// The network that runs once (or twice, with CFG) per sampling step.
    public struct Denoiser: Sendable, Hashable, Decodable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// A convolutional U-Net with attention blocks (SD 1.x/2.x, SDXL).
            case unet
            /// A diffusion transformer with cross-attention to the text (PixArt, Wan).
            case dit
            /// A multimodal diffusion transformer: text and image tokens in one joint attention (SD 3, FLUX).
            case mmdit
        }
        public var kind: Kind
        public var paramsB: Double
        /// FLOPs of one forward pass, batch 1, at the native resolution (GFLOP), text tokens included.
        public var gflops: Double
        /// Self-attention blocks at the widest attention (a transformer's layers; a U-Net's blocks at its
        /// highest-resolution attention level).
        public var layers: Int
        /// Width at that attention (a transformer's hidden size; a U-Net's channels at that level).
        public var hidden: Int
        public var heads: Int
        /// Latent pixels per token side: a transformer's patch size (2), a U-Net's downscale to its
        /// highest-resolution attention (SD 1.5: 1, SDXL: 2).
        public var patchSize: Int
        /// Text tokens in the joint attention (MMDiT: CLIP 77 + T5 256 for SD 3; 512 for FLUX.1 dev).
        public var jointTextTokens: Int
        /// Reference images whose tokens join the sequence (FLUX.1 Kontext: 1).
        public var contextImages: Int

        enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, gflops, layers, hidden, heads
            case paramsB = "params_b", patchSize = "patch_size", jointTextTokens = "joint_text_tokens"
            case contextImages = "context_images"
        }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(Kind.self, forKey: .kind)
            paramsB = try c.decode(Double.self, forKey: .paramsB)
            gflops = try c.decode(Double.self, forKey: .gflops)
            layers = try c.decode(Int.self, forKey: .layers)
            hidden = try c.decode(Int.self, forKey: .hidden)
            heads = try c.decode(Int.self, forKey: .heads)
            patchSize = try c.decode(Int.self, forKey: .patchSize)
            jointTextTokens = try c.decodeIfPresent(Int.self, forKey: .jointTextTokens) ?? 0
            contextImages = try c.decodeIfPresent(Int.self, forKey: .contextImages) ?? 0
        }
        public init(kind: Kind, paramsB: Double, gflops: Double, layers: Int, hidden: Int, heads: Int, patchSize: Int,
                    jointTextTokens: Int = 0, contextImages: Int = 0) {
            self.kind = kind; self.paramsB = paramsB; self.gflops = gflops; self.layers = layers; self.hidden = hidden
            self.heads = heads; self.patchSize = patchSize; self.jointTextTokens = jointTextTokens; self.contextImages = contextImages
        }
    }

    /// One text encoder (CLIP ViT-L/14 0.123B, OpenCLIP ViT-bigG/14 0.695B, T5-XXL encoder 4.76B, ...).
    public struct TextEncoder: Sendable, Hashable, Decodable {
        public var name: String
        public var paramsB: Double
        /// Prompt tokens it reads (77 for CLIP; 256 or 512 for T5).
        public var maxTokens: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case name, paramsB = "params_b", maxTokens = "max_tokens" }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            paramsB = try c.decode(Double.self, forKey: .paramsB)
            maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 77
        }
        public init(name: String, paramsB: Double, maxTokens: Int = 77) {
            self.name = name; self.paramsB = paramsB; self.maxTokens = maxTokens
        }
    }

    /// The autoencoder between pixels and latents.
    public struct VAE: Sendable, Hashable, Decodable {
        public var paramsM: Double
        public var latentChannels: Int
        /// Pixels per latent pixel along each side (8).
        public var downscale: Int
        enum CodingKeys: String, CodingKey, CaseIterable {
            case downscale, paramsM = "params_m", latentChannels = "latent_channels"
        }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            paramsM = try c.decode(Double.self, forKey: .paramsM)
            latentChannels = try c.decode(Int.self, forKey: .latentChannels)
            downscale = try c.decode(Int.self, forKey: .downscale)
        }
        public init(paramsM: Double, latentChannels: Int, downscale: Int = 8) {
            self.paramsM = paramsM; self.latentChannels = latentChannels; self.downscale = downscale
        }
    }

    /// Video models: frames per clip and the VAE's temporal compression.
    public struct Video: Sendable, Hashable, Decodable {
        public var frames: Int
        /// Frames per latent frame after the first (Wan: 4, so 81 frames → 21 latent frames).
        public var temporalDownscale: Int
        public var fps: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case frames, fps, temporalDownscale = "temporal_downscale" }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            frames = try c.decode(Int.self, forKey: .frames)
            temporalDownscale = try c.decode(Int.self, forKey: .temporalDownscale)
            fps = try c.decode(Int.self, forKey: .fps)
        }
        /// Latent frames for `frames` output frames (a causal VAE keeps the first frame on its own).
        public func latentFrames(_ frames: Int) -> Int { max(1, (max(1, frames) - 1) / max(1, temporalDownscale) + 1) }
    }

    public var id: String
    public var name: String
    public var family: String = ""
    public var vendor: String = ""
    public var aliases: [String]
    public var license: String
    public var released: String?
    public var denoiser: Denoiser
    public var textEncoders: [TextEncoder]
    public var vae: VAE
    public var nativeWidth: Int
    public var nativeHeight: Int
    public var defaultSteps: Int
    /// True when each step runs the denoiser twice (classifier-free guidance: with and without the prompt);
    /// false for guidance-distilled or turbo models (FLUX.1, SDXL Turbo, SD 3.5 Large Turbo).
    public var cfg: Bool
    public var video: Video?
    public var hfRepo: String?
    /// Where GGUF quantisations of the denoiser are published (city96's for FLUX.1 and SD 3.5), if any.
    public var gguf: String?
    public var notes: String?
    public var source: String
    public var fieldSources: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, aliases, license, released, denoiser, vae, cfg, video, gguf, notes, source
        case textEncoders = "text_encoders", nativeWidth = "native_width", nativeHeight = "native_height"
        case defaultSteps = "default_steps", hfRepo = "hf_repo", fieldSources = "field_sources"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([LooseString].self, forKey: .aliases)?.map(\.value) ?? []
        license = try c.decode(String.self, forKey: .license)
        released = try c.decodeIfPresent(LooseString.self, forKey: .released)?.value
        denoiser = try c.decode(Denoiser.self, forKey: .denoiser)
        textEncoders = try c.decode([TextEncoder].self, forKey: .textEncoders)
        vae = try c.decode(VAE.self, forKey: .vae)
        nativeWidth = try c.decode(Int.self, forKey: .nativeWidth)
        nativeHeight = try c.decode(Int.self, forKey: .nativeHeight)
        defaultSteps = try c.decode(Int.self, forKey: .defaultSteps)
        cfg = try c.decode(Bool.self, forKey: .cfg)
        video = try c.decodeIfPresent(Video.self, forKey: .video)
        hfRepo = try c.decodeIfPresent(String.self, forKey: .hfRepo)
        gguf = try c.decodeIfPresent(String.self, forKey: .gguf)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
        source = try c.decode(LooseString.self, forKey: .source).value
        fieldSources = try c.decodeIfPresent([String: LooseString].self, forKey: .fieldSources)?.mapValues(\.value) ?? [:]
    }

    public init(id: String, name: String, aliases: [String] = [], license: String = "", denoiser: Denoiser,
                textEncoders: [TextEncoder], vae: VAE, nativeWidth: Int, nativeHeight: Int, defaultSteps: Int, cfg: Bool,
                video: Video? = nil, source: String = "") {
        self.id = id; self.name = name; self.aliases = aliases; self.license = license; self.denoiser = denoiser
        self.textEncoders = textEncoders; self.vae = vae; self.nativeWidth = nativeWidth; self.nativeHeight = nativeHeight
        self.defaultSteps = defaultSteps; self.cfg = cfg; self.video = video; self.source = source; self.fieldSources = [:]
    }

    /// Parameters of every text encoder together (billions).
    public var textEncoderParamsB: Double { textEncoders.reduce(0) { $0 + $1.paramsB } }
    /// Whether the model makes video clips.
    public var isVideo: Bool { video != nil }
}

struct DiffusionFile: Decodable {
    var family: String
    var vendor: String?
    var models: [DiffusionModel]
    enum CodingKeys: String, CodingKey, CaseIterable { case family, vendor, models }
    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        family = try c.decode(String.self, forKey: .family)
        vendor = try c.decodeIfPresent(String.self, forKey: .vendor)
        models = try c.decode([DiffusionModel].self, forKey: .models)
    }
}
