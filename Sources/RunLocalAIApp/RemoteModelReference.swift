import Foundation
import RunLocalAICore

/// A model named by where its GGUF lives instead of by a catalog name: a Hugging Face repository
/// (`bartowski/Qwen3-8B-GGUF`, with `:QUANT` to pick the file), a repository page URL, or a `.gguf` file URL
/// (a split model's any part).
///
/// ```swift
/// RemoteModelReference("unsloth/Qwen3-8B-GGUF:Q8_0")
/// // .repo(RemoteRepo(scheme: "https", host: "huggingface.co", owner: "unsloth", name: "Qwen3-8B-GGUF"), quant: "Q8_0")
/// RemoteModelReference("https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/resolve/main/gemma-3-4b-it-Q4_K_M.gguf")
/// // .file(URL)
/// RemoteModelReference("llama 3.1 8b")   // nil: a catalog name
/// ```
public enum RemoteModelReference: Sendable, Hashable {
    /// A GGUF file (or any part of a split one).
    case file(URL)
    /// A repository; the file is chosen by quantisation.
    case repo(RemoteRepo, quant: String?)

    /// The longest reference read (a URL); names stay within ``Question/maxNameLength``.
    public static let maxLength = 1000

    /// The Hugging Face host a bare `owner/name` means.
    public static let defaultHost = "huggingface.co"

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.utf8.count <= Self.maxLength, !t.contains(" ") else { return nil }
        let lower = t.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            guard let url = URL(string: t), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return nil }
            if url.path.lowercased().hasSuffix(".gguf") { self = .file(url); return }
            // A repository page: https://HOST/OWNER/NAME[/tree/REV][:QUANT]
            let parts = url.path.split(separator: "/").map(String.init)
            guard parts.count >= 2, parts.count == 2 || parts[2] == "tree" else { return nil }
            let (name, quant) = Self.splitQuant(parts[1])
            guard let repo = RemoteRepo(scheme: scheme, host: host.lowercased() + (url.port.map { ":\($0)" } ?? ""), owner: parts[0], name: name) else { return nil }
            self = .repo(repo, quant: quant)
            return
        }
        // hf.co/OWNER/NAME[:QUANT] (Ollama's form) or OWNER/NAME[:QUANT].
        var path = Substring(t)
        for prefix in ["hf.co/", "huggingface.co/"] where lower.hasPrefix(prefix) { path = path.dropFirst(prefix.count) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        let (name, quant) = Self.splitQuant(parts[1])
        guard let repo = RemoteRepo(scheme: "https", host: Self.defaultHost, owner: parts[0], name: name) else { return nil }
        self = .repo(repo, quant: quant)
    }

    static func splitQuant(_ s: String) -> (String, String?) {
        guard let colon = s.lastIndex(of: ":") else { return (s, nil) }
        let q = String(s[s.index(after: colon)...])
        return (String(s[..<colon]), q.isEmpty ? nil : q)
    }

    /// Whether this reference can only mean a remote file (a URL); a bare `owner/name` may be a catalog alias.
    public var isURL: Bool {
        switch self {
        case .file: true
        case .repo(let r, _): r.explicitURL
        }
    }

    /// The reference as text, the key of caches.
    public var text: String {
        switch self {
        case .file(let u): u.absoluteString
        case .repo(let r, let q): r.pageURL.absoluteString + (q.map { ":" + $0 } ?? "")
        }
    }
}

/// A model repository on a Hugging Face-compatible host (`/api/models/OWNER/NAME` lists its files,
/// `/OWNER/NAME/resolve/main/FILE` serves them).
///
/// ```swift
/// let repo = RemoteRepo(scheme: "https", host: "huggingface.co", owner: "ggml-org", name: "gemma-3-4b-it-GGUF")!
/// repo.fileURL("mmproj-model-f16.gguf")   // https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/resolve/main/mmproj-model-f16.gguf
/// ```
public struct RemoteRepo: Sendable, Hashable {
    public var scheme: String
    /// Host, with `:port` when one was given.
    public var host: String
    public var owner: String
    public var name: String
    /// Whether it was written as a URL (not a bare `owner/name`).
    public var explicitURL = false

    /// Owner and name as Hugging Face allows them: letters, digits, `-`, `_`, `.`, at most 96 characters each.
    public init?(scheme: String, host: String, owner: String, name: String) {
        func valid(_ s: String) -> Bool {
            !s.isEmpty && s.utf8.count <= 96 && s != "." && s != ".."
                && s.utf8.allSatisfy { c in
                    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
                }
        }
        guard valid(owner), valid(name) else { return nil }
        self.scheme = scheme; self.host = host; self.owner = owner; self.name = name
        self.explicitURL = scheme != "https" || host != RemoteModelReference.defaultHost
    }

    var base: String { "\(scheme)://\(host)" }
    /// The repository's page.
    public var pageURL: URL { URL(string: "\(base)/\(owner)/\(name)")! }
    /// The file listing (`siblings`) of the Hugging Face models API.
    public var listingURL: URL { URL(string: "\(base)/api/models/\(owner)/\(name)")! }
    /// A file of the repository at its main revision.
    public func fileURL(_ path: String) -> URL {
        let escaped = path.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        return URL(string: "\(base)/\(owner)/\(name)/resolve/main/" + escaped.joined(separator: "/"))!
    }

    /// The repository a Hugging Face file URL (`/OWNER/NAME/resolve/REV/FILE`) belongs to.
    public init?(fileURL url: URL) {
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count >= 5, parts[2] == "resolve", let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        self.init(scheme: scheme, host: host + (url.port.map { ":\($0)" } ?? ""), owner: parts[0], name: parts[1])
    }
}

/// Which files of a repository listing make a model: the GGUF of a quantisation (every part of a split one) and
/// the vision projector.
///
/// ```swift
/// let files = ["Qwen3-8B-Q4_K_M.gguf", "Qwen3-8B-Q8_0.gguf", "mmproj-F16.gguf"]
/// try RepoFiles.choose(files, quant: "Q8_0").model     // "Qwen3-8B-Q8_0.gguf"
/// RepoFiles.mmproj(files)                              // "mmproj-F16.gguf"
/// ```
public enum RepoFiles {
    /// The file for `quant` (case-insensitive, as a whole token of the name: "Q4_K" does not match "Q4_K_M"), the
    /// first part of a split model; when the repository holds a single model GGUF it is taken whatever `quant` is.
    public static func choose(_ files: [String], quant: String) throws(RemoteModelError) -> (model: String, quantFound: String?) {
        let ggufs = files.filter { $0.lowercased().hasSuffix(".gguf") && !isProjector($0) }
        guard !ggufs.isEmpty else { throw RemoteModelError(.notGGUF, "the repository has no GGUF file", fix: "name a repository of GGUF files (for example one whose name ends in -GGUF)") }
        let wanted = quant.uppercased()
        let matching = ggufs.filter { hasToken($0.uppercased(), wanted) }.filter { name in
            guard let split = splitPart(name) else { return true }
            return split == 1
        }
        if let best = matching.min(by: { ($0.utf8.count, $0) < ($1.utf8.count, $1) }) { return (best, wanted) }
        let firsts = ggufs.filter { (splitPart($0) ?? 1) == 1 }
        if firsts.count == 1 { return (firsts[0], nil) }
        let offered = Array(Set(firsts.compactMap(quantName))).sorted()
        throw RemoteModelError(.noSuchQuant, "the repository has no \(wanted) file" + (offered.isEmpty ? "" : "; it has \(offered.joined(separator: ", "))"),
                               fix: "add the quantisation to the name, e.g. OWNER/NAME:\(offered.first ?? "Q8_0")")
    }

    /// The vision projector of a repository: f16 first, then bf16, f32, any other.
    public static func mmproj(_ files: [String]) -> String? {
        let projectors = files.filter { $0.lowercased().hasSuffix(".gguf") && isProjector($0) }
        func rank(_ s: String) -> Int {
            let u = s.uppercased()
            return hasToken(u, "F16") ? 0 : hasToken(u, "BF16") ? 1 : hasToken(u, "F32") ? 2 : 3
        }
        return projectors.min { (rank($0), $0.utf8.count, $0) < (rank($1), $1.utf8.count, $1) }
    }

    static func isProjector(_ name: String) -> Bool { name.lowercased().split(separator: "/").last?.contains("mmproj") ?? false }

    static func splitPart(_ name: String) -> Int? { GGUFSplitName(name)?.part }

    /// Whether `token` occurs in `name` with no letter, digit or underscore on either side.
    static func hasToken(_ name: String, _ token: String) -> Bool {
        let n = Array(name.utf8), t = Array(token.utf8)
        guard !t.isEmpty, n.count >= t.count else { return false }
        func word(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        for i in 0...(n.count - t.count) where Array(n[i..<(i + t.count)]) == t {
            let before = i == 0 || !word(n[i - 1])
            let after = i + t.count == n.count || !word(n[i + t.count])
            if before && after { return true }
        }
        return false
    }

    /// "Qwen3-8B-Q4_K_M.gguf" -> "Q4_K_M" (the llama.cpp file-type names the name contains).
    static func quantName(_ name: String) -> String? {
        let u = name.uppercased()
        return ["IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_XS", "IQ4_NL",
                "Q2_K", "Q2_K_S", "Q2_K_L", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q3_K_XL", "Q4_0", "Q4_1", "Q4_K_S", "Q4_K_M", "Q4_K_L", "Q4_K_XL",
                "Q5_0", "Q5_1", "Q5_K_S", "Q5_K_M", "Q5_K_L", "Q5_K_XL", "Q6_K", "Q6_K_L", "Q6_K_XL", "Q8_0", "Q8_K_XL", "MXFP4", "F16", "BF16", "F32"]
            .first { hasToken(u, $0) }
    }
}
