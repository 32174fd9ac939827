import Foundation

/// The name of one part of a split GGUF model: `NAME-00002-of-00003.gguf`.
///
/// ```swift
/// let split = GGUFSplitName("models/qwen3-235b-Q4_K_M-00001-of-00003.gguf")!
/// split.part    // 1
/// split.count   // 3
/// split.location(ofPart: 3)   // "models/qwen3-235b-Q4_K_M-00003-of-00003.gguf"
/// ```
public struct GGUFSplitName: Sendable, Hashable {
    /// Everything before `-00001-of-00003.gguf`.
    public var stem: String
    /// 1-based part number.
    public var part: Int
    public var count: Int
    /// A URL's query and fragment, kept on every part's location.
    public var trailer: String

    /// Recognises a split part's path or URL; nil for other names.
    public init?(_ location: String) {
        var path = location
        var trailer = ""
        if GGUFInspector.isRemote(location), let cut = location.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            path = String(location[..<cut])
            trailer = String(location[cut...])
        }
        let tail = Array(path.utf8.suffix(20))   // "-00001-of-00003.gguf"
        guard tail.count == 20, tail[0] == UInt8(ascii: "-"), Array(tail[6...9]) == Array("-of-".utf8),
              Array(tail[15...]).map({ $0 | 0x20 }) == Array(".gguf".utf8) else { return nil }
        func number(_ bytes: ArraySlice<UInt8>) -> Int? {
            guard bytes.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(String(decoding: bytes, as: UTF8.self))
        }
        guard let part = number(tail[1...5]), let count = number(tail[10...14]), part >= 1, count >= 1, part <= count else {
            return nil
        }
        self.stem = String(decoding: path.utf8.dropLast(20), as: UTF8.self)
        self.part = part
        self.count = count
        self.trailer = trailer
    }

    /// The location of part `n` (1-based).
    public func location(ofPart n: Int) -> String {
        stem + "-" + Self.pad(n) + "-of-" + Self.pad(count) + ".gguf" + trailer
    }

    private static func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }
}

/// Opens a model by path or URL, reads the headers of all its parts, and derives a ``GGUFModel``.
///
/// ```swift
/// let inspector = GGUFInspector(transport: URLSessionHTTPTransport())   // the live transport, from RunLocalAIIO
/// let model = try await inspector.inspect("https://huggingface.co/org/repo/resolve/main/model-Q4_K_M.gguf")
/// let local = try await inspector.inspect("models/big-00001-of-00004.gguf")   // reads all four headers
/// ```
public struct GGUFInspector: Sendable {
    public var options: GGUFReader.Options
    public var transport: any HTTPRangeTransport
    /// Extra HTTP headers (an `Authorization: Bearer` token for gated models).
    public var headers: [String: String]
    public var progress: GGUFProgressHandler?

    /// `transport` reads remote files; the engine has none of its own (the live one is `URLSessionHTTPTransport` in
    /// RunLocalAIIO, injected by the CLI and the site): without it only local files are read.
    public init(options: GGUFReader.Options = .init(), transport: any HTTPRangeTransport = NoNetworkTransport(),
                headers: [String: String] = [:], progress: GGUFProgressHandler? = nil) {
        self.options = options
        self.transport = transport
        self.headers = headers
        self.progress = progress
    }

    /// Whether `location` is an http(s) URL.
    public static func isRemote(_ location: String) -> Bool {
        let lower = location.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// A byte source for a path or URL.
    public func source(for location: String) throws -> any GGUFByteSource {
        if Self.isRemote(location) {
            guard let url = URL(string: location) else {
                throw GGUFError(.http, at: nil, "\(location) is not a valid URL", hint: "check the URL")
            }
            return HTTPByteSource(url: url, transport: transport, headers: headers, progress: progress)
        }
        return try LocalFileByteSource(path: location)
    }

    /// Reads one file's header (no split handling).
    public func readFile(_ location: String) async throws -> GGUFFile {
        try await GGUFReader.read(from: source(for: location), options: options)
    }

    /// Reads a model: every part when `location` names a part of a split model.
    public func inspect(_ location: String) async throws -> GGUFModel {
        guard let split = GGUFSplitName(location), split.count > 1 else {
            let file = try await readFile(location)
            if let count = file.metadata["split.count"]?.int, count > 1 {
                let number = (file.metadata["split.no"]?.int ?? 0) + 1
                throw GGUFError(.splitMismatch, at: nil,
                                "this file is part \(number) of a model split into \(count) files, but its name does not say which",
                                hint: "keep the llama.cpp part names (NAME-00001-of-0000\(count).gguf) and pass the first part")
            }
            return GGUFModel(file: file)
        }
        var files: [GGUFFile] = []
        var names: [String] = []
        for n in 1...split.count {
            let part = split.location(ofPart: n)
            let name = String(part.split(separator: "/").last ?? Substring(part))
            do {
                if !Self.isRemote(part), !FileManager.default.fileExists(atPath: part) {
                    throw GGUFError(.missingSplitPart, at: nil, "part \(n) of \(split.count) (\(name)) is missing",
                                    hint: "download all \(split.count) parts into the same folder")
                }
                files.append(try await readFile(part))
                names.append(name)
            } catch let error as GGUFError where error.kind == .http && error.problem.hasPrefix("HTTP 404") {
                throw GGUFError(.missingSplitPart, at: nil, "part \(n) of \(split.count) (\(name)) was not found on the server",
                                hint: "check that the repository has all \(split.count) parts")
            } catch var error as GGUFError where error.kind != .missingSplitPart {
                error.problem = "\(name): " + error.problem
                throw error
            }
        }
        return try GGUFModel(parts: files, names: names)
    }
}
