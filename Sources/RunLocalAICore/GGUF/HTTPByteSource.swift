import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET as ``HTTPByteSource`` asks for it.
///
/// ```swift
/// let request = HTTPRangeRequest(url: url, range: 0...1_048_575, maxBodyBytes: 1 << 20)
/// ```
public struct HTTPRangeRequest: Sendable, Hashable {
    public var url: URL
    /// Bytes to ask for (`Range: bytes=a-b`), nil for the whole resource.
    public var range: ClosedRange<UInt64>?
    public var headers: [String: String]
    /// Seconds without progress before the request fails.
    public var timeout: Double
    /// The transport stops reading the body after this many bytes (a server that ignores `Range`
    /// would otherwise send the whole multi-gigabyte file).
    public var maxBodyBytes: Int

    public init(url: URL, range: ClosedRange<UInt64>?, headers: [String: String] = [:], timeout: Double = 30,
                maxBodyBytes: Int) {
        self.url = url
        self.range = range
        self.headers = headers
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The answer to one ``HTTPRangeRequest``.
///
/// ```swift
/// let response = HTTPRangeResponse(status: 206, headers: ["content-range": "bytes 0-3/812"], body: [71, 71, 85, 70])
/// ```
public struct HTTPRangeResponse: Sendable, Hashable {
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The body, at most `maxBodyBytes` of it.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
}

/// Performs single HTTP GETs without following redirects. Injected into ``HTTPByteSource`` so tests can
/// answer with canned responses and count requests.
///
/// ```swift
/// struct Canned: HTTPRangeTransport {
///     func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
///         HTTPRangeResponse(status: 404, headers: [:], body: [])
///     }
/// }
/// ```
public protocol HTTPRangeTransport: Sendable {
    /// One GET. Must not follow redirects (return the 3xx response); must stop reading after
    /// `request.maxBodyBytes`; calls `progress` with the body bytes received so far.
    func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse
}

/// Progress of a remote read: bytes received over all requests so far.
public typealias GGUFProgressHandler = @Sendable (_ bytesReceived: UInt64) -> Void

/// A GGUF file behind an HTTP(S) URL, read with range requests.
///
/// It follows redirects itself (a Hugging Face `resolve` link redirects to a CDN) and remembers where
/// it landed, learns the file size from `Content-Range`, and copes with servers that ignore `Range`
/// (status 200): it reads only as far as needed, keeps that prefix, and stops.
///
/// ```swift
/// let url = URL(string: "https://huggingface.co/unsloth/gemma-3-270m-it-GGUF/resolve/main/gemma-3-270m-it-Q4_K_M.gguf")!
/// let source = HTTPByteSource(url: url, transport: URLSessionHTTPTransport())   // RunLocalAIIO's live transport
/// let file = try await GGUFReader.read(from: source)   // two or three requests
/// ```
public actor HTTPByteSource: GGUFByteSource {
    public nonisolated let name: String
    private let originalURL: URL
    private var url: URL
    private let transport: any HTTPRangeTransport
    private let headers: [String: String]
    private let timeout: Double
    private let progress: GGUFProgressHandler?
    private var knownSize: UInt64?
    /// Set when the server answered a range request with the whole resource.
    private var ignoresRange = false
    private var prefix: [UInt8] = []
    private var received: UInt64 = 0
    /// Requests made so far, redirects included.
    public private(set) var requestCount = 0
    /// The entity tag the server last sent with the file's bytes (`ETag`, or Hugging Face's `X-Linked-ETag`).
    public private(set) var etag: String?
    public func entityTag() async -> String? { etag }

    public init(url: URL, transport: any HTTPRangeTransport, headers: [String: String] = [:],
                timeout: Double = 30, progress: GGUFProgressHandler? = nil) {
        self.name = url.absoluteString
        self.originalURL = url
        self.url = url
        self.transport = transport
        self.headers = headers
        self.timeout = timeout
        self.progress = progress
    }

    public func size() async throws -> UInt64? { knownSize }

    public func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        guard length > 0 else { return [] }
        if let size = knownSize, offset >= size { return [] }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(length))
        guard !overflow else { return [] }
        if ignoresRange, UInt64(prefix.count) >= end || (knownSize.map { UInt64(prefix.count) >= $0 } ?? false) {
            return slice(prefix, offset: offset, end: end)
        }
        let bodyLimit = ignoresRange ? Int(clamping: end) : length
        let response = try await get(range: offset...(end - 1), maxBodyBytes: Int(clamping: max(UInt64(bodyLimit), end)))
        switch response.status {
        case 206:
            let range = Self.contentRange(response.headers["content-range"])
            if let total = range?.total { knownSize = total }
            guard range?.start ?? offset == offset else {
                throw GGUFError(.http, at: offset, "the server sent bytes from \(range!.start) when asked for \(offset)",
                                hint: "the server handles range requests wrongly — download the file and inspect it locally")
            }
            return Array(response.body.prefix(length))
        case 200:
            ignoresRange = true
            if let length = response.headers["content-length"].flatMap({ UInt64($0) }) { knownSize = length }
            if response.body.count > prefix.count { prefix = response.body }
            if UInt64(response.body.count) < end, knownSize == nil { knownSize = UInt64(response.body.count) }
            return slice(prefix, offset: offset, end: end)
        case 416:
            if let total = Self.contentRange(response.headers["content-range"])?.total { knownSize = total }
            return []
        default:
            throw Self.statusError(response.status, url: originalURL)
        }
    }

    private func slice(_ bytes: [UInt8], offset: UInt64, end: UInt64) -> [UInt8] {
        guard offset < UInt64(bytes.count) else { return [] }
        return Array(bytes[Int(offset)..<Int(min(end, UInt64(bytes.count)))])
    }

    /// One logical GET, following up to 10 redirects.
    private func get(range: ClosedRange<UInt64>, maxBodyBytes: Int) async throws -> HTTPRangeResponse {
        var current = url
        var fields = headers
        fields["Range"] = "bytes=\(range.lowerBound)-\(range.upperBound)"
        fields["User-Agent"] = fields["User-Agent"] ?? "runlocalai"
        for _ in 0...10 {
            requestCount += 1
            let already = received
            let handler = progress
            let response = try await transport.get(
                HTTPRangeRequest(url: current, range: range, headers: fields, timeout: timeout, maxBodyBytes: maxBodyBytes),
                progress: handler.map { report in { @Sendable n in report(already + UInt64(n)) } })
            guard [301, 302, 303, 307, 308].contains(response.status) else {
                if (200..<300).contains(response.status), let tag = response.headers["etag"] ?? response.headers["x-linked-etag"] { etag = tag }
                received += UInt64(response.body.count)
                url = current
                return response
            }
            guard let location = response.headers["location"], let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                throw GGUFError(.http, at: nil, "HTTP \(response.status) redirect without a usable Location from \(current.host ?? "the server")",
                                hint: "check the URL")
            }
            if next.host != current.host {
                fields.removeValue(forKey: "Authorization")   // never send a token to another host
            }
            current = next
        }
        throw GGUFError(.http, at: nil, "too many redirects from \(originalURL.absoluteString)", hint: "check the URL")
    }

    static func statusError(_ status: Int, url: URL) -> GGUFError {
        switch status {
        case 401, 403:
            return GGUFError(.http, at: nil, "HTTP \(status): access to \(url.absoluteString) was refused",
                             hint: "the model may be gated — accept its license on the website and set HF_TOKEN")
        case 404:
            return GGUFError(.http, at: nil, "HTTP 404: \(url.absoluteString) was not found",
                             hint: "check the URL (for Hugging Face use a \"resolve/main/FILE.gguf\" link)")
        case 429:
            return GGUFError(.http, at: nil, "HTTP 429: the server is rate-limiting requests", hint: "wait a minute and try again")
        default:
            return GGUFError(.http, at: nil, "HTTP \(status) from \(url.absoluteString)", hint: "try again later or check the URL")
        }
    }

    /// Parses `bytes START-END/TOTAL` (TOTAL may be `*`), or `bytes */TOTAL`.
    static func contentRange(_ value: String?) -> (start: UInt64, end: UInt64, total: UInt64?)? {
        guard var v = value?.trimmingCharacters(in: .whitespaces).lowercased(), v.hasPrefix("bytes") else { return nil }
        v.removeFirst(5)
        v = v.trimmingCharacters(in: .whitespaces)
        let parts = v.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let total = UInt64(parts[1])
        if parts[0] == "*" { return (0, 0, total) }
        let bounds = parts[0].split(separator: "-").compactMap { UInt64($0) }
        guard bounds.count == 2 else { return nil }
        return (bounds[0], bounds[1], total)
    }
}

/// The transport of an engine with no network: every remote read fails with a message naming the fix. The live
/// transport (`URLSessionHTTPTransport`) lives in RunLocalAIIO and is injected where I/O is allowed.
///
/// ```swift
/// let local = GGUFInspector()          // local files only
/// ```
public struct NoNetworkTransport: HTTPRangeTransport {
    public init() {}
    public func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
        throw GGUFError(.io, at: nil, "no network transport was given to read \(request.url.absoluteString)",
                        hint: "read a local file, or inject the live transport (URLSessionHTTPTransport from RunLocalAIIO)")
    }
}
