import Foundation
import RunLocalAICore
import Synchronization

/// Why a remote model could not be read, with the fix. The web layer maps ``Kind`` to a status.
///
/// ```swift
/// throw RemoteModelError(.hostNotAllowed, "example.com is not an allowed model host", fix: "use a huggingface.co link")
/// ```
public struct RemoteModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The host, an IP address, a private address, a scheme: refused before any request.
        case hostNotAllowed = "host_not_allowed"
        case notGGUF = "not_gguf"
        case noSuchQuant = "no_such_quant"
        case notFound = "remote_not_found"
        case gated = "gated_model"
        case headerTooLarge = "header_too_large"
        case timeout = "remote_timeout"
        case rateLimited = "remote_rate_limited"
        /// The server answered wrongly or not at all.
        case upstream = "remote_failed"
        case disabled = "remote_disabled"
    }
    public var kind: Kind
    public var message: String
    public var fix: String
    /// Seconds to wait, for ``Kind/rateLimited``.
    public var retryAfter: Int?

    public init(_ kind: Kind, _ message: String, fix: String, retryAfter: Int? = nil) {
        self.kind = kind; self.message = message; self.fix = fix; self.retryAfter = retryAfter
    }

    public var description: String { "\(message); \(fix)" }
}

/// Where the server may read model headers from, and how much: hosts, bytes, time, requests per client.
///
/// The default reads from huggingface.co and hf.co (and their subdomains: the CDN a `resolve` link redirects to)
/// over HTTPS only; a host whose address is private, loopback or link-local is refused, as is any IP literal.
/// ``extraHosts`` (`serve --model-host`) are trusted as named: a mirror on the local network, or the tests' range server.
///
/// ```swift
/// var policy = RemoteModelPolicy()
/// policy.extraHosts = ["127.0.0.1:8099"]
/// try policy.check(URL(string: "http://10.0.0.1/x.gguf")!)   // throws: IP addresses are refused
/// ```
public struct RemoteModelPolicy: Sendable {
    /// Hosts read over HTTPS, with their subdomains, after their addresses are checked to be public.
    public var hosts: [String] = ["huggingface.co", "hf.co"]
    /// `host` or `host:port`, exactly, over HTTP or HTTPS, trusted as named.
    public var extraHosts: [String] = []
    /// Bytes one model may read in all (every part's header, the listing and the projector's header).
    public var headerCapBytes = 64 << 20
    /// Bytes of a repository listing.
    public var listingCapBytes = 4 << 20
    /// Seconds one request may wait without progress.
    public var requestTimeout: Double = 15
    /// Seconds one model may take in all.
    public var deadline: Double = 60
    /// New remote models one client may ask for at once, and per minute after that (cache hits are free).
    public var burstPerClient: Double = 6
    public var perMinutePerClient: Double = 6
    /// How long a read header is reused without asking the server; after that its entity tag is checked.
    public var freshSeconds: Double = 600

    public init() {}

    /// The hosts a user may name, for messages.
    public var allowedDescription: String { (hosts + extraHosts).joined(separator: ", ") }

    /// Whether `url` may be fetched; returns whether its addresses still need checking (a default host).
    public func check(_ url: URL) throws(RemoteModelError) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw RemoteModelError(.hostNotAllowed, "only http(s) URLs are read", fix: "give a https://huggingface.co/... link")
        }
        guard let rawHost = url.host?.lowercased(), !rawHost.isEmpty else {
            throw RemoteModelError(.hostNotAllowed, "the URL has no host", fix: "give a https://huggingface.co/... link")
        }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let hostPort = host + (url.port.map { ":\($0)" } ?? "")
        if extraHosts.contains(where: { $0.lowercased() == hostPort || $0.lowercased() == host && url.port == nil }) { return false }
        if IPAddressRange.isLiteral(host) {
            throw RemoteModelError(.hostNotAllowed, "\(hostPort) is an IP address; models are read only from named hosts (\(allowedDescription))",
                                   fix: "use the model's huggingface.co link")
        }
        guard hosts.contains(where: { host == $0 || host.hasSuffix("." + $0) }) else {
            throw RemoteModelError(.hostNotAllowed, "\(hostPort) is not an allowed model host (allowed: \(allowedDescription))",
                                   fix: "use the model's huggingface.co link, or run your own server with `serve --model-host \(hostPort)`")
        }
        guard scheme == "https" else {
            throw RemoteModelError(.hostNotAllowed, "\(host) is read over HTTPS only", fix: "use https://")
        }
        guard url.port == nil || url.port == 443 else {
            throw RemoteModelError(.hostNotAllowed, "\(hostPort): only the standard HTTPS port is read", fix: "drop the port from the URL")
        }
        return true
    }
}

/// IP addresses that must never be fetched on a user's behalf: loopback, private (RFC 1918, unique local), link-local
/// (169.254/16: cloud metadata), carrier-grade NAT, unspecified, multicast, and IPv4 mapped into IPv6.
///
/// ```swift
/// IPAddressRange.isPublic("169.254.169.254")   // false
/// IPAddressRange.isPublic("18.154.227.7")      // true
/// ```
public enum IPAddressRange {
    /// Whether `host` is written as an IPv4 or IPv6 address (not a name).
    public static func isLiteral(_ host: String) -> Bool { ipv4(host) != nil || host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." } }

    static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { p -> UInt8? in p.count <= 3 ? UInt8(p) : nil }
        return bytes.count == 4 ? bytes : nil
    }

    /// Whether an address (as `getaddrinfo` prints it) is on the public internet.
    public static func isPublic(_ address: String) -> Bool {
        if let b = ipv4(address) { return isPublicIPv4(b) }
        let a = address.lowercased()
        guard a.contains(":") else { return false }
        if a == "::" || a == "::1" { return false }
        if a.hasPrefix("::ffff:") { return isPublic(String(a.dropFirst(7))) }
        if a.hasPrefix("fc") || a.hasPrefix("fd") { return false }                  // unique local fc00::/7
        if a.hasPrefix("fe8") || a.hasPrefix("fe9") || a.hasPrefix("fea") || a.hasPrefix("feb") { return false }   // link-local fe80::/10
        if a.hasPrefix("ff") { return false }                                        // multicast
        if a.hasPrefix("64:ff9b:") { return false }                                  // NAT64 of any v4, private included
        return true
    }

    static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168), (224...255, _): return false
        case (172, 16...31): return false
        case (100, 64...127): return false        // carrier-grade NAT
        case (192, 0) where b[2] == 0 || b[2] == 2: return false
        case (198, 18...19): return false
        default: return true
        }
    }
}

/// The transport the server reads remote models through: every request (each redirect hop included) is checked
/// against the ``RemoteModelPolicy`` first, and all requests of one model share one byte budget.
///
/// ```swift
/// let guarded = GuardedTransport(inner: URLSessionHTTPTransport(), policy: policy, resolve: { _ in ["18.154.227.7"] })
/// let model = try await GGUFInspector(transport: guarded).inspect(url)
/// ```
public final class GuardedTransport: HTTPRangeTransport {
    public let inner: any HTTPRangeTransport
    public let policy: RemoteModelPolicy
    /// Resolves a host name to its addresses (the live one is RunLocalAIIO's `HostResolver`).
    public let resolve: @Sendable (String) async -> [String]
    let spent = Mutex<Int>(0)
    let checkedHosts = Mutex<Set<String>>([])

    public init(inner: any HTTPRangeTransport, policy: RemoteModelPolicy, resolve: @escaping @Sendable (String) async -> [String]) {
        self.inner = inner; self.policy = policy; self.resolve = resolve
    }

    /// Bytes received so far.
    public var bytesSpent: Int { spent.withLock { $0 } }

    public func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
        let needsAddressCheck = try policy.check(request.url)
        if needsAddressCheck, let host = request.url.host?.lowercased(), !checkedHosts.withLock({ $0.contains(host) }) {
            let addresses = await resolve(host)
            guard !addresses.isEmpty else {
                throw RemoteModelError(.upstream, "\(host) could not be resolved", fix: "check the host name, or try again later")
            }
            if let bad = addresses.first(where: { !IPAddressRange.isPublic($0) }) {
                throw RemoteModelError(.hostNotAllowed, "\(host) resolves to a private address (\(bad)); it is not read", fix: "use a public huggingface.co link")
            }
            checkedHosts.withLock { _ = $0.insert(host) }
        }
        var r = request
        r.timeout = min(r.timeout, policy.requestTimeout)
        let asked = r.range.map { Int(clamping: $0.upperBound - $0.lowerBound + 1) } ?? r.maxBodyBytes
        let room = policy.headerCapBytes - bytesSpent
        guard min(asked, r.maxBodyBytes) <= room else { throw headerTooLarge }
        r.maxBodyBytes = min(r.maxBodyBytes, room)
        let response = try await inner.get(r, progress: progress)
        spent.withLock { $0 += response.body.count }
        return response
    }

    var headerTooLarge: RemoteModelError {
        RemoteModelError(.headerTooLarge, "the model's header is larger than the \(policy.headerCapBytes >> 20) MiB this server reads",
                         fix: "inspect the file on your own machine: `runlocalai will-it-run --gguf URL`")
    }
}
