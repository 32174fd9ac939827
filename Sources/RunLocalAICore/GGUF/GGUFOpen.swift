import Foundation

/// Opens a model given as a local path or an http(s) URL, reading every part of a split model
/// (`NAME-00001-of-00003.gguf`), and derives the ``GGUFModel``.
///
/// ```swift
/// let model = try await GGUFOpen.model(at: "Qwen3-30B-A3B-Q4_K_M-00001-of-00002.gguf")
/// let remote = try await GGUFOpen.model(at: "https://huggingface.co/org/repo/resolve/main/model.gguf")
/// ```
public enum GGUFOpen {
    /// The byte source for a path or URL.
    public static func source(for location: String, transport: any HTTPRangeTransport = URLSessionHTTPTransport(),
                              progress: GGUFProgressHandler? = nil) throws -> any GGUFByteSource {
        if let url = URL(string: location), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            return HTTPByteSource(url: url, transport: transport, progress: progress)
        }
        return try LocalFileByteSource(path: location)
    }

    /// The part names of a split model, or just `location` when it is not split.
    public static func partLocations(of location: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: #"-(\d{5})-of-(\d{5})\.gguf$"#),
              let m = re.firstMatch(in: location, range: NSRange(location.startIndex..., in: location)),
              let totalRange = Range(m.range(at: 2), in: location), let total = Int(location[totalRange]),
              let fullRange = Range(m.range, in: location), total > 1, total <= 512
        else { return [location] }
        let stem = location[..<fullRange.lowerBound]
        return (1...total).map { String(format: "%@-%05d-of-%05d.gguf", String(stem), $0, total) }
    }

    /// Reads the header(s) and derives the model.
    public static func model(at location: String, transport: any HTTPRangeTransport = URLSessionHTTPTransport(),
                             progress: GGUFProgressHandler? = nil) async throws -> GGUFModel {
        let parts = partLocations(of: location)
        var files: [GGUFFile] = []
        for part in parts {
            let source: any GGUFByteSource
            do { source = try self.source(for: part, transport: transport, progress: progress) } catch let e as GGUFError {
                if parts.count > 1 {
                    throw GGUFError(.missingSplitPart, at: nil, "part \(part) of the split model cannot be opened (\(e.problem))",
                                    hint: "download every part of the model into the same folder")
                }
                throw e
            }
            files.append(try await GGUFReader.read(from: source))
        }
        return try GGUFModel(parts: files, names: parts)
    }
}
