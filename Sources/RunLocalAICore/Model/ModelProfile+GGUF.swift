/// Profiles built from real files: the estimator then costs exactly the tensors the file holds.
extension ModelProfile {
    /// A profile of a GGUF language model, with an optional mmproj (vision projector) file.
    ///
    /// ```swift
    /// let model = GGUFModel(file: try await GGUFReader.read(path: "gemma-3-270m-Q4_K_M.gguf"))
    /// let profile = try ModelProfile(gguf: model, path: "gemma-3-270m-Q4_K_M.gguf")
    /// ```
    public init(gguf model: GGUFModel, path: String, mmproj: GGUFModel? = nil) throws {
        guard let arch = model.architecture else {
            throw model.architectureError
                ?? GGUFError(.missingKey, at: nil, "\(path) is not a language model (architecture '\(model.architectureName)')",
                             hint: model.vision != nil ? "this is a vision projector: pass it with --mmproj and the model with --gguf" : "pass a language-model GGUF")
        }
        let quant = model.fileType.map(\.name) ?? "unknown"
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        var vision: VisionProfile?
        if let info = mmproj?.vision {
            let side = (info.imageSize ?? 336) / max(info.patchSize ?? 14, 1)
            vision = VisionProfile(projectorBytes: info.weightBytes, tokensPerImage: info.tokensPerImage ?? side * side,
                                   encoderLayers: info.blockCount ?? 24, encoderHidden: info.embeddingLength ?? 1024,
                                   patches: side * side, encoderHeads: info.headCount ?? 16, mmprojType: "file")
        }
        self.init(id: fileName, name: model.name ?? fileName, quant: quant, architecture: arch,
                  weights: WeightLayout(tensors: model.tensors, architecture: arch), vision: vision)
    }
}
