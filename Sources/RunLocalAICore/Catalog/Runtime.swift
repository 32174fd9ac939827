/// An inference runtime (llama.cpp, Ollama, LM Studio, vLLM, MLX, ...), read from `catalog/runtimes/<id>.yaml`.
///
/// ```swift
/// let ollama = try catalog.runtime(named: "ollama")
/// ollama.formats   // ["gguf"]
/// ```
public struct Runtime: Sendable, Hashable, Identifiable, Decodable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var url: String?
    public var license: String?
    public var os: [String]
    public var backends: [Backend]
    public var formats: [String]
    public var multiGPU: String?
    public var serverAPI: String?
    public var vision: String?
    public var beginner: Bool?
    public var bestFor: String?
    public var caveat: String?
    public var source: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, aliases, url, license, os, backends, formats, vision, beginner, caveat, source
        case multiGPU = "multi_gpu", serverAPI = "server_api", bestFor = "best_for"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        url = try c.decodeIfPresent(String.self, forKey: .url)
        license = try c.decodeIfPresent(String.self, forKey: .license)
        os = try c.decodeIfPresent([String].self, forKey: .os) ?? []
        backends = try c.decodeIfPresent([Backend].self, forKey: .backends) ?? []
        formats = try c.decodeIfPresent([String].self, forKey: .formats) ?? []
        multiGPU = try c.decodeIfPresent(LooseString.self, forKey: .multiGPU)?.value
        serverAPI = try c.decodeIfPresent(LooseString.self, forKey: .serverAPI)?.value
        vision = try c.decodeIfPresent(LooseString.self, forKey: .vision)?.value
        beginner = try c.decodeIfPresent(Bool.self, forKey: .beginner)
        bestFor = try c.decodeIfPresent(String.self, forKey: .bestFor)
        caveat = try c.decodeIfPresent(String.self, forKey: .caveat)
        source = try c.decode(LooseString.self, forKey: .source).value
    }

    /// The runtimes the estimator has a command builder for.
    public enum Kind: String, Sendable, CaseIterable {
        case llamaCpp = "llama.cpp", ollama, lmStudio = "lm-studio", vllm, mlx
    }
    public var kind: Kind? { Kind(rawValue: id) }
}
