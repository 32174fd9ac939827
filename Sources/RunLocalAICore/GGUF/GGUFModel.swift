/// What a GGUF file says about the model in it: architecture numbers, size, quantization mix.
///
/// Built from one ``GGUFFile`` or from every part of a split model. For a vision projector file
/// (`general.architecture = clip`) ``vision`` is set and ``architecture`` is nil.
///
/// ```swift
/// let model = try GGUFModel(file: try await GGUFReader.read(path: "gemma-3-270m-Q4_K_M.gguf"))
/// model.architectureName        // "gemma3"
/// model.fileType?.name          // "Q4_K_M"
/// model.parameterCount          // 268098176
/// model.architecture?.layers    // 18
/// model.architecture?.swaLayers // [true, true, true, true, true, false, ...]
/// ```
public struct GGUFModel: Sendable {
    /// Count and size of the tensors of one ggml type.
    public struct TypeStats: Sendable, Hashable, Codable {
        public var type: GGMLType
        public var count: Int
        public var elements: UInt64
        public var bytes: UInt64
    }

    /// The header (for a split model: the first part's metadata with every part's tensors).
    public var file: GGUFFile
    /// Number of files the model is split into.
    public var partCount: Int
    /// `general.architecture`.
    public var architectureName: String
    /// `general.name`.
    public var name: String?
    /// `general.file_type`.
    public var fileType: GGUFFileType?
    /// `general.quantization_version`.
    public var quantizationVersion: Int?
    /// Whether `tokenizer.chat_template` is present.
    public var hasChatTemplate: Bool
    /// Elements in all tensors.
    public var parameterCount: UInt64
    /// Total bytes of all parts, when known.
    public var fileSize: UInt64?
    /// Bytes of all tensor data.
    public var tensorBytes: UInt64
    /// Tensors as the estimators see them.
    public var tensors: [TensorInfo]
    /// One entry per ggml type, largest share of bytes first.
    public var tensorTypes: [TypeStats]
    /// Tensor bits per parameter over the whole file.
    public var bitsPerWeight: Double
    /// `<arch>.context_length`.
    public var contextLength: Int?
    /// Vocabulary size (tokenizer token count, `<arch>.vocab_size`, or the embedding's rows).
    public var vocabSize: Int?
    /// The architecture numbers, when the file has the keys to build them.
    public var architecture: ModelArchitecture?
    /// Why ``architecture`` is nil, for a language model whose keys are missing or wrong.
    public var architectureError: GGUFError?
    /// The vision projector, for an mmproj file.
    public var vision: VisionProjectorInfo?

    /// Derives the model from a single file.
    public init(file: GGUFFile) {
        self.init(merged: file, partCount: 1, fileSize: file.fileSize)
    }

    /// Merges the parts of a split model (`NAME-00001-of-00003.gguf`, ...): metadata from the first part,
    /// tensors from all, in part order. Throws when the parts do not belong together.
    public init(parts: [GGUFFile], names: [String]? = nil) throws {
        guard let first = parts.first else {
            throw GGUFError(.missingSplitPart, at: nil, "no parts given", hint: "pass the first part of the model")
        }
        if parts.count == 1 {
            self.init(file: first)
            return
        }
        func partName(_ i: Int) -> String { names?[i] ?? "part \(i + 1)" }
        var merged = first
        var names = Set<String>()
        var size: UInt64? = 0
        for (i, part) in parts.enumerated() {
            let count = part.metadata["split.count"]?.int
            let number = part.metadata["split.no"]?.int
            guard count == parts.count, number == i else {
                throw GGUFError(.splitMismatch, at: nil,
                                "\(partName(i)) says it is part \(number.map { String($0 + 1) } ?? "?") of \(count.map(String.init) ?? "?"), expected part \(i + 1) of \(parts.count)",
                                hint: "the parts come from different downloads — download all parts of one model again")
            }
            if i > 0 { merged.tensors.append(contentsOf: part.tensors) }
            for t in part.tensors where !names.insert(t.name).inserted {
                throw GGUFError(.duplicateTensor, at: t.headerOffset, "tensor \"\(t.name)\" appears in more than one part (again in \(partName(i)))",
                                hint: "the parts come from different downloads — download all parts of one model again")
            }
            if let s = size, let p = part.fileSize { size = s + p } else { size = nil }
        }
        if let expected = first.metadata["split.tensors.count"]?.int, expected != merged.tensors.count {
            throw GGUFError(.splitMismatch, at: nil,
                            "the parts hold \(merged.tensors.count) tensors, but split.tensors.count says \(expected)",
                            hint: "a part is from a different download — download all parts of one model again")
        }
        self.init(merged: merged, partCount: parts.count, fileSize: size)
    }

    private init(merged file: GGUFFile, partCount: Int, fileSize: UInt64?) {
        self.file = file
        self.partCount = partCount
        self.fileSize = fileSize
        let m = file.metadata
        let arch = m["general.architecture"]?.string ?? ""
        self.architectureName = arch
        self.name = m["general.name"]?.string
        self.fileType = m["general.file_type"]?.int.map(GGUFFileType.init(rawValue:))
        self.quantizationVersion = m["general.quantization_version"]?.int
        self.hasChatTemplate = m.keys.contains { $0 == "tokenizer.chat_template" || $0.hasPrefix("tokenizer.chat_template.") }

        var params: UInt64 = 0, bytes: UInt64 = 0
        var stats: [GGMLType: TypeStats] = [:]
        var infos: [TensorInfo] = []
        infos.reserveCapacity(file.tensors.count)
        for t in file.tensors {
            params &+= t.elementCount
            bytes &+= t.byteCount
            stats[t.type, default: TypeStats(type: t.type, count: 0, elements: 0, bytes: 0)].count += 1
            stats[t.type]!.elements &+= t.elementCount
            stats[t.type]!.bytes &+= t.byteCount
            var info = TensorInfo(name: t.name, dimensions: [], type: t.type)
            info.dimensions = t.dimensions
            info.bytes = t.byteCount
            infos.append(info)
        }
        self.parameterCount = params
        self.tensorBytes = bytes
        self.tensors = infos
        self.tensorTypes = stats.values.sorted { ($0.bytes, $1.type.rawValue) > ($1.bytes, $0.type.rawValue) }
        self.bitsPerWeight = params == 0 ? 0 : Double(bytes) * 8 / Double(params)
        self.contextLength = m["\(arch).context_length"]?.int
        self.vocabSize = GGUFModel.vocabSize(m, arch: arch, tensors: file.tensors)

        if arch == "clip" {
            self.vision = VisionProjectorInfo(file: file)
        } else {
            do {
                self.architecture = try GGUFModel.architecture(of: file)
            } catch let error as GGUFError {
                self.architectureError = error
            } catch {
                self.architectureError = GGUFError(.invalidValue, at: nil, "\(error)", hint: GGUFError.corruptHint)
            }
        }
    }

    static func vocabSize(_ m: GGUFMetadata, arch: String, tensors: [GGUFTensorInfo]) -> Int? {
        if let tokens = m["tokenizer.ggml.tokens"]?.array { return Int(exactly: tokens.count) }
        if let v = m["\(arch).vocab_size"]?.int { return v }
        if let embd = tensors.first(where: { $0.name == "token_embd.weight" }), embd.dimensions.count >= 2 {
            return Int(exactly: embd.dimensions[1])
        }
        return nil
    }
}

// MARK: - Architecture

extension GGUFModel {
    /// Reads `<arch>.*` keys the way llama.cpp's `llama_model::load_hparams` does.
    struct Keys {
        let m: GGUFMetadata
        let arch: String
        /// `block_count` where per-layer arrays cover more blocks than the model's layers (NextN blocks after the
        /// trunk): arrays are checked against it and cut to the layers. 0: the arrays cover exactly the layers.
        var blocks = 0

        func value(_ suffix: String) -> GGUFValue? { m["\(arch).\(suffix)"] }

        func int(_ suffix: String) throws -> Int? {
            guard let v = value(suffix) else { return nil }
            guard let i = v.int, v.type != .bool else {
                throw GGUFError(.wrongValueType, at: nil, "\(arch).\(suffix) is a \(v.type), not an integer",
                                hint: "the file is corrupt or was written by a broken converter")
            }
            guard i >= 0, i <= 1 << 40 else {
                throw GGUFError(.invalidValue, at: nil, "\(arch).\(suffix) is \(i)", hint: GGUFError.corruptHint)
            }
            return i
        }

        func missing(_ suffix: String) -> GGUFError {
            GGUFError(.missingKey, at: nil, "the file has no \(arch).\(suffix)",
                      hint: "the file is incomplete or the architecture \"\(arch)\" is not a language model")
        }

        func required(_ suffix: String) throws -> Int {
            guard let i = try int(suffix) else { throw missing(suffix) }
            return i
        }

        /// A key that may be one number or one number per layer.
        func perLayer(_ suffix: String, layers: Int) throws -> [Int]? {
            guard let v = value(suffix) else { return nil }
            if let array = v.array {
                guard let ints = array.ints, ints.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }) else {
                    throw GGUFError(.wrongValueType, at: nil, "\(arch).\(suffix) is not an array of integers",
                                    hint: "the file is corrupt or was written by a broken converter")
                }
                let expected = max(blocks, layers)
                guard ints.count == expected else {
                    throw GGUFError(.invalidValue, at: nil, "\(arch).\(suffix) has \(ints.count) values for \(expected) layers",
                                    hint: GGUFError.corruptHint)
                }
                return Array(ints.prefix(layers))
            }
            guard let i = try int(suffix) else { return nil }
            return Array(repeating: i, count: layers)
        }
    }

    /// The sliding-window pattern llama.cpp hard-codes per architecture (`hparams.set_swa_pattern(n)`),
    /// used when the file has no `attention.sliding_window_pattern`.
    public static func defaultSWAPattern(arch: String) -> Int? {
        switch arch {
        case "gemma2", "gpt-oss", "gptoss": 2
        case "gemma3": 6
        case "gemma3n": 5
        case "cohere2": 4
        default: nil
        }
    }

    /// Architectures whose NextN blocks llama.cpp skips in a normal run (see ``ModelArchitecture/skippedNextNLayers``).
    static let nextNSkippingArchitectures: Set<String> = ["deepseek2", "deepseek32", "glm4moe", "cohere2moe"]

    /// Builds the architecture numbers from a file's `<arch>.*` keys and its tensor names.
    public static func architecture(of file: GGUFFile) throws -> ModelArchitecture {
        let m = file.metadata
        guard let arch = m["general.architecture"]?.string, !arch.isEmpty else {
            throw GGUFError(.missingKey, at: nil, "the file has no general.architecture",
                            hint: "the file is not a model (an adapter or imatrix?) or is corrupt")
        }
        var k = Keys(m: m, arch: arch)
        let blocks = try k.required("block_count")
        guard blocks > 0, blocks <= 100_000 else {
            throw GGUFError(.invalidValue, at: nil, "\(arch).block_count is \(blocks)", hint: GGUFError.corruptHint)
        }
        // NextN (multi-token prediction) blocks at the end: llama.cpp's loaders for these architectures mark their
        // tensors TENSOR_SKIP and its KV cache filters them out of a normal context (src/models/deepseek2.cpp,
        // glm4-moe.cpp, cohere2moe.cpp; the KV filter since PR #28630): the model is the trunk before them.
        let nextn = try k.int("nextn_predict_layers") ?? 0
        let skipped = nextNSkippingArchitectures.contains(arch) && nextn > 0 && nextn < blocks ? nextn : 0
        let layers = blocks - skipped
        k.blocks = blocks
        let hidden = try k.required("embedding_length")
        guard let headsPerLayer = try k.perLayer("attention.head_count", layers: layers) else {
            throw k.missing("attention.head_count")
        }
        let heads = headsPerLayer.max() ?? 0
        let kvHeadsPerLayer = try k.perLayer("attention.head_count_kv", layers: layers) ?? headsPerLayer
        let ffn = try k.perLayer("feed_forward_length", layers: layers)?.max() ?? 0
        let defaultHeadDim = heads > 0 ? hidden / heads : 0
        let headDimK = try k.int("attention.key_length") ?? defaultHeadDim
        let headDimV = try k.int("attention.value_length") ?? defaultHeadDim
        let context = try k.required("context_length")
        let vocab = vocabSize(m, arch: arch, tensors: file.tensors) ?? 0

        // Mixture of experts.
        var moe: ModelArchitecture.MoE?
        if let experts = try k.int("expert_count"), experts > 0 {
            let sharedFFN = try k.int("expert_shared_feed_forward_length") ?? 0
            let shared = try k.int("expert_shared_count") ?? (sharedFFN > 0 ? 1 : 0)
            moe = .init(experts: experts, active: try k.int("expert_used_count") ?? 1, shared: shared,
                        expertFFN: try k.int("expert_feed_forward_length") ?? ffn, sharedFFN: sharedFFN,
                        leadingDenseLayers: try k.int("leading_dense_block_count") ?? 0)
        }

        // Multi-head latent attention (DeepSeek V2/V3, Kimi K2, ...).
        var mla: ModelArchitecture.MLA?
        if let rank = try k.int("attention.kv_lora_rank"), rank > 0 {
            let ropeDim = try k.int("rope.dimension_count") ?? 64
            let keyLength = try k.int("attention.key_length_mla") ?? headDimK
            let valueLength = try k.int("attention.value_length_mla") ?? headDimV
            mla = .init(kvLoraRank: rank, qLoraRank: try k.int("attention.q_lora_rank") ?? 0, ropeDim: ropeDim,
                        nopeDim: max(keyLength - ropeDim, 0), valueHeadDim: valueLength,
                        indexerHeads: try k.int("attention.indexer.head_count") ?? 0, indexerKeyLength: try k.int("attention.indexer.key_length") ?? 0)
        }

        // Sliding window: which layers use it comes from the file when it says, else llama.cpp's default.
        var window = try k.int("attention.sliding_window")
        if window == nil, arch == "gemma2" { window = 4096 }
        if arch == "phi3" { window = nil }   // llama.cpp disables Phi-3 SWA
        var swaPattern: Int?
        var swaLayers: [Bool]?
        if let p = k.value("attention.sliding_window_pattern") {
            if let array = p.array {
                guard let all = array.bools ?? array.ints?.map({ $0 != 0 }), all.count == max(blocks, layers), case let bools = Array(all.prefix(layers)) else {
                    throw GGUFError(.invalidValue, at: nil,
                                    "\(arch).attention.sliding_window_pattern is not one flag per layer (\(layers) layers)",
                                    hint: GGUFError.corruptHint)
                }
                swaLayers = bools
            } else {
                swaPattern = try k.int("attention.sliding_window_pattern")
            }
        } else {
            swaPattern = defaultSWAPattern(arch: arch)
            if swaPattern == nil { window = nil }   // llama.cpp ignores the window for other architectures
        }

        let names = Set(file.tensors.map(\.name))
        let tied = !names.contains("output.weight")
        let hasGate = file.tensors.contains { $0.name.hasPrefix("blk.") && $0.name.contains(".ffn_gate") }
        let hasUp = file.tensors.contains { $0.name.hasPrefix("blk.") && $0.name.contains(".ffn_up") }
        let gated = hasGate || !hasUp || arch == "phi3"

        var result = ModelArchitecture(arch: arch, layers: layers, hidden: hidden, ffn: ffn, heads: heads,
                                       kvHeads: kvHeadsPerLayer.first ?? heads, headDim: headDimK,
                                       valueHeadDim: headDimV, vocab: vocab, contextLength: context,
                                       slidingWindow: window, swaPattern: swaPattern, moe: moe, mla: mla,
                                       tiedEmbeddings: tied, ffnGated: gated)
        if mla == nil { result.kvHeadsPerLayer = kvHeadsPerLayer }
        if let swaLayers, let window, window > 0 { result.swaLayers = swaLayers }

        // Hybrid models: which layers are recurrent, and their state (llama.cpp's per-architecture rules).
        if let conv = try k.int("ssm.conv_kernel"), let inner = try k.int("ssm.inner_size"), let state = try k.int("ssm.state_size") {
            let kind: ModelArchitecture.Recurrent.Kind = arch == "qwen3next" ? .gatedDeltaNet : ["mamba", "jamba"].contains(arch) ? .mamba : .mamba2
            result.recurrent = .init(kind: kind, convKernel: conv, innerSize: inner, stateSize: state,
                                     groups: try k.int("ssm.group_count") ?? 0, heads: try k.int("ssm.time_step_rank") ?? 0)
            if arch == "qwen3next" {
                if let flags = k.value("attention.recurrent_layers")?.array, let bools = flags.bools ?? flags.ints?.map({ $0 != 0 }), bools.count == layers {
                    result.recurrentLayers = bools
                } else {
                    let interval = max(try k.int("full_attention_interval") ?? 4, 1)
                    result.recurrentLayers = (0..<layers).map { ($0 + 1) % interval != 0 }
                }
            } else {
                // Granite 4.0-H, Jamba: a layer with no KV heads is recurrent; Nemotron-H also has FFN-only layers.
                let ffnPerLayer = try k.perLayer("feed_forward_length", layers: layers)
                result.recurrentLayers = (0..<layers).map { l in
                    kvHeadsPerLayer[l] == 0 && (!arch.hasPrefix("nemotron_h") || (ffnPerLayer?[l] ?? 0) == 0)
                }
            }
        }
        result.skippedNextNLayers = skipped
        if arch == "gemma3n" {
            // llama.cpp hard-codes these (the file's shared_kv_layers and per-layer input width are not read).
            if layers > 20 { result.kvLayersFromStart = 20 }
            result.perLayerInput = 256
        }
        return result
    }
}
