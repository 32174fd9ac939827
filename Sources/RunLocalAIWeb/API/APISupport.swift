import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import RunLocalAIApp
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
        let data = (try? APIJSON.encode(body)) ?? Data("{\"error\":{\"status\":500,\"code\":\"internal\",\"message\":\"encoding failed\"}}".utf8)
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
        case let e as QuestionError:
            // The codes the API gave before the one grammar: unknown names, a KV type the engine refuses, else a bad parameter.
            let code = e.field == .quant ? "unknown_quant" : e.field == .runtime ? "unknown_runtime" : e.field == .kv ? "invalid_setting" : "invalid_parameter"
            return APIError(.badRequest, code: code, e.message, parameter: e.field?.rawValue)
        case let e as BenchmarkStoreError:
            switch e {
            case .notFound: return APIError(.notFound, code: "not_found", e.description, parameter: "id")
            case .illegalTransition: return APIError(.conflict, code: "illegal_transition", e.description, parameter: "status")
            case .duplicate: return APIError(.conflict, code: "duplicate", e.description)
            case .fieldTooLarge(let field, _, _), .invalidValue(let field, _):
                return APIError(.badRequest, code: "invalid_field", e.description, parameter: field)
            }
        case let e as RemoteModelError:
            let status: HTTPResponse.Status = switch e.kind {
            case .hostNotAllowed, .noSuchQuant, .disabled: .badRequest
            case .notGGUF, .headerTooLarge: .unprocessableContent
            case .notFound: .notFound
            case .gated: .forbidden
            case .rateLimited: .tooManyRequests
            case .timeout: .gatewayTimeout
            case .upstream: .badGateway
            }
            var headers: HTTPFields = [:]
            if let wait = e.retryAfter { headers[.retryAfter] = String(wait) }
            return APIError(status, code: e.kind.rawValue, e.description, parameter: "model", headers: headers)
        case let e as DecodingError:
            return APIError(.badRequest, code: "invalid_json", "the body is not the expected JSON: \(describe(e))")
        case let e as HTTPError:
            return APIError(e.status, code: code(for: e.status), e.body ?? e.status.reasonPhrase)
        case let e as HTTPResponseError:
            let message = e.status == .contentTooLarge ? "the request body is too large" : e.status.reasonPhrase
            return APIError(e.status, code: code(for: e.status), message)
        case let e where SecurityMiddleware.isMalformedBody(e):   // a malformed chunked body, a truncated upload
            return APIError(.badRequest, code: "malformed_body", "the request body could not be read (malformed or truncated)")
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
        // The one query-string reading ('+' and %20 are spaces), as pages and the question grammar read it.
        items = QueryString.pairs(request.uri.query ?? "")
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
    static func encoder() -> JSONEncoder { WireJSON.encoder() }   // byte-stable: the ETag is the body's digest

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

    /// A 200 JSON answer with an entity tag computed from its bytes (the API middleware answers 304 from it).
    static func tagged(_ data: Data) -> Response { PreparedBody(json: data).jsonResponse() }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The API's own rules, applied by ``SecurityMiddleware`` to `/api/` paths (one middleware layer for the whole site):
/// JSON errors for every failure (never an HTML or empty 404/500), and ETag / Cache-Control / 304 on catalog data
/// (the tag is a digest of the body, so it changes with the evidence). The body-size limit (413) and the one rate
/// limiter (429 + Retry-After) are the security middleware's, before any handler runs.
///
/// The client key is the peer's IP address; behind a reverse proxy (`APILimits.trustForwardedFor`, `serve
/// --behind-proxy`) it is the address the proxy appended to `X-Forwarded-For`.
///
/// ```swift
/// let response = APIRules.finish(try await next(request, context), request: request, target: request.head.path ?? "/")
/// ```
enum APIRules {
    /// How clients may keep an answer of catalog data (tagged by ETag); nil for paths that are not catalog data.
    /// Catalog data depends only on the catalog, content and engine: `fresh` for five minutes. Some of it also carries
    /// the store's evidence (speeds), which changes when a run is approved: `revalidate` (clients may keep it but must
    /// ask again; the ETag makes that a 304 when nothing changed).
    enum CachePolicy {
        case fresh, revalidate
        /// The `Cache-Control` field, made once.
        var field: HTTPField { self == .fresh ? Self.freshField : Self.revalidateField }
        private static let freshField = HTTPField(name: .cacheControl, value: "public, max-age=300")
        private static let revalidateField = HTTPField(name: .cacheControl, value: "no-cache")
    }

    /// (`target` is the request's path, with or without its query.)
    static func cachePolicy(_ target: String) -> CachePolicy? {
        guard let parts = apiParts(target) else { return nil }
        switch parts.head {
        case "will-it-run", "compare", "cost", "snapshot.json": return .revalidate
        case "snapshots": return parts.segments == 2 ? .fresh : .revalidate   // an archived day never changes
        case "hardware": return parts.segments == 2 ? .revalidate : .fresh
        case "models", "runtimes", "glossary", "errors", "guides", "openapi.json": return .fresh
        default: return nil
        }
    }

    /// The first segment after `/api/v1/` and the number of segments from there, up to the query (nil outside the
    /// API); one pass over the contiguous bytes (the head of every known route is a small string: nothing allocated).
    private static func apiParts(_ target: String) -> (head: String, segments: Int)? {
        var path = target
        path.makeContiguousUTF8()   // a no-op for the router's strings (native UTF-8)
        return path.withUTF8 { u -> (head: String, segments: Int)? in
            let prefix: StaticString = "/api/v1/"
            let n = prefix.utf8CodeUnitCount
            guard u.count > n, memcmp(u.baseAddress!, prefix.utf8Start, n) == 0 else { return nil }
            var headEnd: Int?
            var segments = 0, inSegment = false
            var end = u.count
            for i in n..<u.count {
                if u[i] == UInt8(ascii: "?") { end = i; break }
                if u[i] == UInt8(ascii: "/") {
                    if headEnd == nil { headEnd = i }
                    inSegment = false
                } else if !inSegment { inSegment = true; segments += 1 }
            }
            let head = UnsafeBufferPointer(rebasing: u[n..<(headEnd ?? end)])
            return head.isEmpty ? nil : (String(decoding: head, as: UTF8.self), segments)
        }
    }

    /// Who a request is from, for the rate limiter. A client can write any `X-Forwarded-For` it likes, so the header
    /// counts only when the site is told it runs behind a proxy, and then only its last entry (the proxy's own).
    static func clientKey(_ request: Request, peer: SocketAddress?, trustForwardedFor: Bool) -> String {
        if trustForwardedFor, let f = request.headers[.init("X-Forwarded-For")!],
           let last = f.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return peer?.ipAddress ?? "unknown-peer"
    }

    /// An API handler's answer on its way out: Cache-Control and the 304 of a matching `If-None-Match` on catalog data,
    /// `no-store` (and no tag) on everything else.
    /// (`consuming`: the handler's answer is changed in place, its headers never copied.)
    /// (`target` is the request target as sent: its path and query.)
    static func finish(_ response: consuming Response, request: Request, target: String) -> Response {
        if let etag = response.headers.first(.eTag) {
            if request.method == .get || request.method == .head, response.status == .ok, let policy = cachePolicy(target) {
                // The tag is the body's digest (set by `PreparedBody`), so an answer whose evidence changed in the
                // store gets a new tag at once.
                if let inm = request.headers.first(.ifNoneMatch), inm.split(separator: ",").contains(where: {
                    let t = $0.trimmingCharacters(in: .whitespaces)
                    return t == etag || t == "W/" + etag || t == "*"
                }) {
                    return Response(status: .notModified, headers: [.eTag: etag, policy.field.name: policy.field.value])
                }
                if response.headers.contains(.cacheControl) { response.headers[.cacheControl] = policy.field.value } else { response.headers.append(policy.field) }
                return response
            }
            response.headers[.eTag] = nil
        }
        if !response.headers.contains(.cacheControl) { response.headers.append(Self.noStore) }
        return response
    }
    private static let noStore = HTTPField(name: .cacheControl, value: "no-store")

    /// An API handler's error as the JSON error answer (a router 404 names the OpenAPI document).
    static func errorResponse(_ error: Error, request: Request, context: some RequestContext) -> Response {
        let e = APIError.from(error)
        if e.status == .internalServerError { context.logger.error("API \(request.method) \(request.uri.path): \(error)") }
        if e.status == .notFound, e.code == "not_found", (error as? HTTPError) != nil {
            return APIError(.notFound, code: "no_route", "no API route \(request.method) \(request.uri.path); see /api/v1/openapi.json").response()
        }
        return e.response()
    }

    /// A strong entity tag for a body: its 64-bit FNV-1a digest and length.
    static func etag(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        // Over the raw bytes (Data's iterator costs a call per byte: it was the API's hottest symbol under load).
        data.withUnsafeBytes { raw in for b in raw { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 } }
        return "\"\(String(h, radix: 16))-\(String(data.count, radix: 16))\""
    }
}

extension HTTPFields {
    /// The value of the first field named `name` (the subscript joins every such field's value into a new string).
    func first(_ name: HTTPField.Name) -> String? {
        for field in self where field.name == name { return field.value }
        return nil
    }
}

/// A body ready to send, made once when an answer is encoded or a page rendered: the bytes as the response writes
/// them, their entity tag (JSON), and whether the page has a POST form (which must get the request's CSRF token, see
/// ``CSRF/inject(_:)``). A cached answer is sent from this without a copy, a digest or a scan.
///
/// ```swift
/// let body = PreparedBody(json: try APIJSON.encode(dto))
/// return body.jsonResponse()
/// ```
struct PreparedBody: Sendable {
    let bytes: ByteBuffer
    /// The body's strong entity tag (JSON bodies; nil for pages).
    let etag: String?
    /// The page has a `method="post"` form.
    let hasPostForm: Bool

    init(json data: Data) {
        bytes = ByteBuffer(bytes: data); etag = APIRules.etag(data); hasPostForm = false
    }

    init(html markup: String) {
        bytes = ByteBuffer(string: markup); etag = nil; hasPostForm = CSRF.containsPostForm(markup)
    }

    static let jsonType = HTTPField(name: .contentType, value: "application/json; charset=utf-8")
    static let htmlType = HTTPField(name: .contentType, value: "text/html; charset=utf-8")
    /// Header fields an answer ends up with: its own few, then the cache policy and security headers the middleware
    /// appends (reserved at once, so those appends never grow the array).
    static let headerCapacity = 10

    /// A 200 JSON answer with its entity tag (the API middleware answers 304 from it).
    func jsonResponse() -> Response {
        var h = HTTPFields()
        h.reserveCapacity(Self.headerCapacity)   // room for what the middleware adds (cache policy, security headers)
        h.append(Self.jsonType)
        if let etag { h.append(HTTPField(name: .eTag, value: etag)) }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: bytes))
    }

    /// The page, with the request's CSRF token in its POST forms (only a page that has one is copied).
    func htmlResponse(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let body = hasPostForm ? ByteBuffer(string: CSRF.inject(String(buffer: bytes))) : bytes
        var h = headers
        h.reserveCapacity(h.count + Self.headerCapacity)
        if !h.contains(.contentType) { h.append(Self.htmlType) }
        h[.contentLength] = String(body.readableBytes)
        if !h.contains(.cacheControl) { h[.cacheControl] = "no-cache" }
        return Response(status: status, headers: h, body: .init(byteBuffer: body))
    }
}

/// Encoded answers (or rendered pages) by request URI, in the application's one cache type (`BoundedCache`), with a
/// size limit per entry. Without a `ttl` an entry lives as long as the process: for answers that depend only on the
/// catalog, content and engine. With one, an entry is served for `ttl` (stale-while-revalidate through `claim`): for
/// answers that also read the store's evidence.
///
/// ```swift
/// let cache = ResponseCache(ttl: .seconds(2))
/// let body = try cache.body(request.uri.description) { PreparedBody(json: try render()) }
/// ```
final class ResponseCache: Sendable {
    let cache: BoundedCache<String, PreparedBody>
    let maxEntryBytes: Int

    init(capacity: Int = 4096, maxEntryBytes: Int = 256 * 1024, ttl: Duration? = nil) {
        cache = BoundedCache(capacity: max(2, capacity), ttl: ttl); self.maxEntryBytes = maxEntryBytes
    }

    /// The cached body for `key`, or `compute()`'s, stored when small enough. Errors are not cached.
    func body(_ key: String, _ compute: () throws -> PreparedBody) rethrows -> PreparedBody {
        if let d = lookup(key) { return d }
        let d = try compute()
        store(key, d)
        return d
    }

    var count: Int { cache.count }
    var stats: CacheStats { cache.stats }
    func lookup(_ key: String) -> PreparedBody? { cache.lookup(key) }
    func claim(_ key: String) -> BoundedCache<String, PreparedBody>.Claim { cache.claim(key) }
    func release(_ key: String) { cache.release(key) }

    /// Keeps `body` for `key` when small enough.
    func store(_ key: String, _ body: PreparedBody) {
        guard body.bytes.readableBytes <= maxEntryBytes else { cache.release(key); return }
        cache.store(key, body)
    }

    /// A freshly rendered page as sent: kept for `key` when it is a plain 200 (a page with its own status or headers
    /// is sent as it is, and gives back any claim on `key`).
    func keep(_ key: String, _ page: HTMLResponse) -> Response {
        guard page.status == .ok && page.headers.isEmpty else { release(key); return page.response() }
        let body = PreparedBody(html: page.document.markup)
        store(key, body)
        return body.htmlResponse()
    }
}
