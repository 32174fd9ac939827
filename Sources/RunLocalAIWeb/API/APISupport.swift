import Foundation
import Hummingbird
import RunLocalAICore
import RunLocalAIStore

/// An API failure with the one error body every endpoint uses:
/// `{"error":{"status":400,"code":"unknown_model","message":"unknown model 'x'; did you mean ...","parameter":"model"}}`.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var parameter: String?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, parameter: String? = nil, headers: HTTPFields = [:]) {
        self.status = status; self.code = code; self.message = message; self.parameter = parameter; self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    struct Body: Encodable {
        struct Inner: Encodable { var status: Int; var code: String; var message: String; var parameter: String? }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    public func response() -> Response {
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        h[.cacheControl] = "no-store"
        let body = Body(error: .init(status: status.code, code: code, message: message, parameter: parameter))
        let data = (try? JSONEncoder().encode(body)) ?? Data("{\"error\":{\"status\":500,\"code\":\"internal\",\"message\":\"encoding failed\"}}".utf8)
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message, parameter: name)
    }

    static func missing(_ name: String, example: String) -> APIError {
        APIError(.badRequest, code: "missing_parameter", "parameter '\(name)' is required (e.g. \(name)=\(example))", parameter: name)
    }

    static func notFound(_ kind: String, _ id: String, suggestions: [String] = []) -> APIError {
        let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
        return APIError(.notFound, code: "unknown_\(kind)", "unknown \(kind) '\(id)'\(hint)", parameter: "id")
    }

    /// Maps the engine's and store's errors to 4xx answers; `parameters` names the query parameter for each
    /// catalog kind ("hardware" → "hardware_a" on compare).
    static func from(_ error: Error, parameters: [String: String] = [:]) -> APIError {
        func param(_ kind: String) -> String? {
            let key = kind == "quantisation" ? "quant" : kind
            return parameters[key] ?? key
        }
        switch error {
        case let e as APIError: return e
        case let e as CatalogError:
            switch e {
            case .notFound(let kind, _, _):
                let k = kind == "quantisation" ? "quant" : kind
                return APIError(.badRequest, code: "unknown_\(k)", e.description, parameter: param(kind))
            case .ambiguous(let kind, _, _):
                let k = kind == "quantisation" ? "quant" : kind
                return APIError(.badRequest, code: "ambiguous_\(k)", e.description, parameter: param(kind))
            case .invalid(let m):
                return APIError(.badRequest, code: "invalid_parameter", m, parameter: m.hasPrefix("hardware") ? param("hardware") : nil)
            }
        case let e as EstimateError:
            return APIError(.badRequest, code: "invalid_setting", e.description)
        case let e as BenchmarkStoreError:
            switch e {
            case .notFound: return APIError(.notFound, code: "not_found", e.description, parameter: "id")
            case .illegalTransition: return APIError(.conflict, code: "illegal_transition", e.description, parameter: "status")
            case .duplicate: return APIError(.conflict, code: "duplicate", e.description)
            case .fieldTooLarge(let field, _, _), .invalidValue(let field, _):
                return APIError(.badRequest, code: "invalid_field", e.description, parameter: field)
            }
        case let e as DecodingError:
            return APIError(.badRequest, code: "invalid_json", "the body is not the expected JSON: \(describe(e))")
        case let e as HTTPError:
            return APIError(e.status, code: code(for: e.status), e.body ?? e.status.reasonPhrase)
        case let e as HTTPResponseError:
            let message = e.status == .contentTooLarge ? "the request body is too large" : e.status.reasonPhrase
            return APIError(e.status, code: code(for: e.status), message)
        default:
            return APIError(.internalServerError, code: "internal", "an unexpected error occurred; it has been logged")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "body_too_large"
        case 415: "unsupported_media_type"
        case 429: "rate_limited"
        default: status.code >= 500 ? "internal" : "error"
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String { p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let k, let c): return "missing key '\(path(c.codingPath + [k]))'"
        case .typeMismatch(let t, let c): return "'\(path(c.codingPath))' should be \(t)"
        case .valueNotFound(let t, let c): return "'\(path(c.codingPath))' should be \(t), not null"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "malformed JSON" : "'\(path(c.codingPath))': \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// Query-string access with typed, bounded reads that throw ``APIError``s naming the parameter.
struct Query {
    var items: [(String, String)]

    init(_ request: Request) {
        items = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func string(_ name: String) -> String? {
        items.first { $0.0 == name }.map(\.1).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    func all(_ name: String) -> [String] {
        items.filter { $0.0 == name }.flatMap { $0.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func require(_ name: String, example: String) throws -> String {
        guard let v = string(name) else { throw APIError.missing(name, example: example) }
        guard v.utf8.count <= 200 else { throw APIError.badParameter(name, "parameter '\(name)' is longer than 200 characters") }
        return v
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = string(name) else { return nil }
        guard let i = Int(v) else { throw APIError.badParameter(name, "parameter '\(name)' must be a whole number, not '\(v.prefix(40))'") }
        guard range.contains(i) else { throw APIError.badParameter(name, "parameter '\(name)' must be \(range.lowerBound)...\(range.upperBound), not \(i)") }
        return i
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let v = string(name) else { return nil }
        guard let d = Double(v), d.isFinite else { throw APIError.badParameter(name, "parameter '\(name)' must be a number, not '\(v.prefix(40))'") }
        guard range.contains(d) else { throw APIError.badParameter(name, "parameter '\(name)' must be \(range.lowerBound)...\(range.upperBound), not \(v)") }
        return d
    }

    func bool(_ name: String) throws -> Bool? {
        guard let v = string(name)?.lowercased() else { return nil }
        switch v {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: throw APIError.badParameter(name, "parameter '\(name)' must be on or off (true/false), not '\(v.prefix(40))'")
        }
    }
}

/// JSON responses: snake_case keys as the types spell them, ISO 8601 dates.
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            let f = ISO8601DateFormatter()
            if let date = f.date(from: s) { return date }
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = f.date(from: s) { return date }
            f.formatOptions = [.withFullDate]
            if let date = f.date(from: s) { return date }
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an ISO 8601 date such as 2026-11-02T10:00:00Z, not '\(s.prefix(40))'")
        }
        return d
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A token bucket per client key: `burst` requests at once, refilled at `ratePerSecond`.
final class RateLimiter: @unchecked Sendable {
    struct Bucket { var tokens: Double; var updated: Date }
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    let burst: Double
    let ratePerSecond: Double
    let now: @Sendable () -> Date

    init(burst: Double, ratePerSecond: Double, now: @escaping @Sendable () -> Date = Date.init) {
        self.burst = max(1, burst); self.ratePerSecond = max(0.0001, ratePerSecond); self.now = now
    }

    /// Takes one token; returns nil when allowed, else the seconds until the next token.
    func take(_ key: String) -> Int? {
        let t = now()
        lock.lock(); defer { lock.unlock() }
        if buckets.count > 50_000 { buckets = buckets.filter { t.timeIntervalSince($0.value.updated) < burst / ratePerSecond } }
        var b = buckets[key] ?? Bucket(tokens: burst, updated: t)
        b.tokens = min(burst, b.tokens + max(0, t.timeIntervalSince(b.updated)) * ratePerSecond)
        b.updated = t
        if b.tokens >= 1 {
            b.tokens -= 1
            buckets[key] = b
            return nil
        }
        buckets[key] = b
        return max(1, Int(((1 - b.tokens) / ratePerSecond).rounded(.up)))
    }
}

/// The API's cross-cutting rules, applied to `/api/` paths only: JSON errors for every failure (never an HTML
/// or empty 404/500), the body-size limit (413), a per-client token bucket on POSTs (429 + Retry-After), and
/// ETag / Cache-Control / 304 on catalog data.
///
/// The client key is the first `X-Forwarded-For` address, else `X-Real-IP`, else one shared bucket for direct
/// connections: `BasicRequestContext` does not carry the peer address, so run the site behind a proxy that sets one.
struct APIMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let site: Site
    let limiter: RateLimiter

    init(site: Site) {
        self.site = site
        limiter = RateLimiter(burst: site.limits.postBurst, ratePerSecond: site.limits.postRefillPerSecond, now: site.now)
    }

    /// Paths whose answers depend only on the catalog, content and engine (cacheable by ETag).
    static func isCatalogData(_ path: String) -> Bool {
        guard path.hasPrefix("/api/v1/") else { return false }
        let rest = path.dropFirst("/api/v1/".count)
        let head = rest.split(separator: "/").first.map(String.init) ?? ""
        return ["will-it-run", "models", "hardware", "runtimes", "glossary", "errors", "compare", "guides", "cost", "openapi.json"].contains(head)
    }

    static func clientKey(_ request: Request) -> String {
        if let f = request.headers[.init("X-Forwarded-For")!], let first = f.split(separator: ",").first {
            return first.trimmingCharacters(in: .whitespaces)
        }
        if let r = request.headers[.init("X-Real-IP")!] { return r.trimmingCharacters(in: .whitespaces) }
        return "direct"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") else { return try await next(request, context) }
        do {
            if request.method == .post || request.method == .put {
                if let len = request.headers[.contentLength].flatMap({ Int($0) }), len > site.limits.maxBodyBytes {
                    throw APIError(.contentTooLarge, code: "body_too_large",
                                   "the request body is \(len) bytes; the limit is \(site.limits.maxBodyBytes) bytes")
                }
                if let retry = limiter.take(Self.clientKey(request)) {
                    throw APIError(.tooManyRequests, code: "rate_limited", "too many requests; retry in \(retry) s",
                                   headers: [.retryAfter: String(retry)])
                }
            }
            var etag: String?
            if request.method == .get || request.method == .head, Self.isCatalogData(path) {
                etag = "\"\(site.catalogVersion)-\(Self.fnv(request.uri.description))\""
                if let inm = request.headers[.ifNoneMatch], inm.split(separator: ",").contains(where: {
                    let t = $0.trimmingCharacters(in: .whitespaces)
                    return t == etag! || t == "W/" + etag! || t == "*"
                }) {
                    return Response(status: .notModified, headers: [.eTag: etag!, .cacheControl: "public, max-age=300"])
                }
            }
            var response = try await next(request, context)
            if let etag, response.status == .ok {
                response.headers[.eTag] = etag
                response.headers[.cacheControl] = "public, max-age=300"
            } else if response.headers[.cacheControl] == nil {
                response.headers[.cacheControl] = "no-store"
            }
            return response
        } catch {
            let e = APIError.from(error)
            if e.status == .internalServerError { context.logger.error("API \(request.method) \(path): \(error)") }
            if e.status == .notFound, e.code == "not_found", (error as? HTTPError) != nil {
                return APIError(.notFound, code: "no_route", "no API route \(request.method) \(path); see /api/v1/openapi.json").response()
            }
            return e.response()
        }
    }

    static func fnv(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
        return String(h, radix: 16)
    }
}

/// Encoded answers of catalog-data GETs by request URI. They depend only on the catalog, content and engine,
/// which never change while a site runs, so a repeated question is answered without planning or encoding.
/// Bounded: when full, the oldest half is dropped.
final class ResponseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Data] = [:]
    private var order: [String] = []
    let capacity: Int
    let maxEntryBytes: Int

    init(capacity: Int = 4096, maxEntryBytes: Int = 256 * 1024) { self.capacity = max(2, capacity); self.maxEntryBytes = maxEntryBytes }

    /// The cached body for `key`, or `compute()`'s, stored when small enough. Errors are not cached.
    func data(_ key: String, _ compute: () throws -> Data) rethrows -> Data {
        lock.lock()
        if let d = entries[key] { lock.unlock(); return d }
        lock.unlock()
        let d = try compute()
        guard d.count <= maxEntryBytes else { return d }
        lock.lock()
        if entries[key] == nil {
            if entries.count >= capacity {
                let drop = order.prefix(capacity / 2)
                for k in drop { entries[k] = nil }
                order.removeFirst(drop.count)
            }
            entries[key] = d
            order.append(key)
        }
        lock.unlock()
        return d
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// The cached body for `key`, if any.
    func lookup(_ key: String) -> Data? {
        lock.lock(); defer { lock.unlock() }
        return entries[key]
    }

    /// Keeps `data` for `key` (when small enough), evicting the older half when full.
    func store(_ key: String, _ data: Data) {
        _ = self.data(key) { data }
    }
}
