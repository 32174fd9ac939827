import Foundation
import RunLocalAICore
import RunLocalAIIO

/// Reads a GGUF (and its mmproj) from a path or URL into a ``ModelProfile``.
enum GGUFProfileLoader {
    static func model(_ pathOrURL: String) async throws -> GGUFModel {
        do {
            return try await GGUFInspector(transport: URLSessionHTTPTransport()).inspect(pathOrURL)
        } catch let e as GGUFError {
            throw CLIError("\(pathOrURL): \(e.description)")
        }
    }

    static func profile(path: String, mmproj: String?, catalog: Catalog) async throws -> ModelProfile {
        let model = try await model(path)
        let projector = try await mmproj.asyncMap { try await Self.model($0) }
        do { return try ModelProfile(gguf: model, path: path, mmproj: projector) }
        catch let e as GGUFError { throw CLIError("\(path): \(e.description)") }
    }
}
