/// Everything the estimator needs to know about one model file: architecture, weights tensor by tensor,
/// and the vision projector if images go with it.
///
/// Make one from the catalog (``init(model:mix:)``) or from a GGUF file (the GGUF reader's
/// summary), then hand it to ``Estimator``.
///
/// ```swift
/// let profile = ModelProfile(model: try catalog.model(named: "llama 3.1 8b"), mix: QuantMix(name: "Q4_K_M")!)
/// profile.weights.fileBytes   // about 4.9 GB
/// ```
public struct ModelProfile: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The file type label ("Q4_K_M").
    public var quant: String
    public var architecture: ModelArchitecture
    public var weights: WeightLayout
    public var vision: VisionProfile?
    /// The catalog entry it came from, if any.
    public var catalogID: String?

    public init(id: String, name: String, quant: String, architecture: ModelArchitecture, weights: WeightLayout,
                vision: VisionProfile? = nil, catalogID: String? = nil) {
        self.id = id; self.name = name; self.quant = quant; self.architecture = architecture
        self.weights = weights; self.vision = vision; self.catalogID = catalogID
    }

    /// A catalog model at a llama.cpp file type, its tensors synthesised as llama-quantize would write them.
    public init(model: CatalogModel, mix: QuantMix, mmprojType: String = "f16") {
        let tensors = TensorSynthesis.tensors(for: model.architecture, mix: mix)
        self.init(id: model.id, name: model.name, quant: mix.name, architecture: model.architecture,
                  weights: WeightLayout(tensors: tensors, architecture: model.architecture),
                  vision: model.vision.map { VisionProfile(catalog: $0, type: mmprojType) }, catalogID: model.id)
    }
}

/// The vision side of a vision-language model: the mmproj file's weights, the encoder's working memory,
/// and how many context tokens one image costs.
///
/// ```swift
/// let v = VisionProfile(projectorBytes: 624_000_000, tokensPerImage: 576, encoderLayers: 24,
///                       encoderHidden: 1024, patches: 576)
/// ```
public struct VisionProfile: Sendable, Hashable {
    /// Bytes of the mmproj weights (vision encoder + projector).
    public var projectorBytes: UInt64
    /// Context tokens one image adds, at the default resolution / tiling.
    public var tokensPerImage: Int
    public var maxTokensPerImage: Int?
    public var encoderLayers: Int
    public var encoderHidden: Int
    /// Patches the encoder attends over for one image (one tile).
    public var patches: Int
    public var encoderHeads: Int
    public var mmprojFile: String?
    public var mmprojType: String

    public init(projectorBytes: UInt64, tokensPerImage: Int, maxTokensPerImage: Int? = nil, encoderLayers: Int,
                encoderHidden: Int, patches: Int, encoderHeads: Int = 16, mmprojFile: String? = nil, mmprojType: String = "f16") {
        self.projectorBytes = projectorBytes; self.tokensPerImage = tokensPerImage; self.maxTokensPerImage = maxTokensPerImage
        self.encoderLayers = encoderLayers; self.encoderHidden = encoderHidden; self.patches = patches
        self.encoderHeads = encoderHeads; self.mmprojFile = mmprojFile; self.mmprojType = mmprojType
    }

    init(catalog v: CatalogModel.Vision, type: String) {
        let side = (v.imageSize ?? 336) / max(v.patchSize ?? 14, 1)
        self.init(projectorBytes: v.mmprojBytes(type: type) ?? 0, tokensPerImage: v.tokensPerImage,
                  maxTokensPerImage: v.maxTokensPerImage, encoderLayers: v.layers ?? 24, encoderHidden: v.hidden ?? 1024,
                  patches: side * side, encoderHeads: max(1, (v.hidden ?? 1024) / 64), mmprojFile: v.mmprojFile, mmprojType: type)
    }

    /// Working memory of the encoder for one image: attention scores over the patches (f32, every head)
    /// plus a few activations of the patch sequence. The encoder runs one image (tile) at a time.
    public var encoderComputeBytes: UInt64 {
        let p = UInt64(patches + 1)
        let scores = p * p * UInt64(encoderHeads) * 4
        let activations = p * UInt64(encoderHidden) * 4 * 8
        return scores + activations
    }
}
