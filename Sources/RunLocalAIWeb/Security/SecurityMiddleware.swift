import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// The site's cross-cutting safety rules, applied to every request, HTML and API alike (outermost middleware):
///
/// - bounds before work: a path segment or query value longer than ``SecurityOptions/maxNameLength`` characters is
///   refused (404 / 400) before any handler or fuzzy matcher sees it;
/// - a known path asked with another method gets 405 with `Allow` (from the router's own route list);
/// - one token bucket per client for every state-changing request (POST, PUT, PATCH, DELETE): 429 + `Retry-After`;
/// - CSRF on HTML forms: cross-site `Origin` / `Sec-Fetch-Site` gets 403, and the form must carry the double-submit
///   token of its `SameSite=Strict` cookie; JSON endpoints accept `application/json` only (415);
/// - security headers on every answer: on pages and files a CSP without inline script, nosniff, frame-ancestors /
///   X-Frame-Options, Referrer-Policy; on the API the same rules for a document that loads nothing
///   (``SecurityOptions/apiSecurityHeaders``); `X-Request-Id` on every answer that went wrong (4xx, 5xx);
/// - no bare 500: every error becomes the JSON error (under `/api/`) or the HTML problem page with the right status,
///   and a 5xx is logged with the request id that the page shows;
/// - metrics for `/metrics` (requests by route and status, latency, rate-limit hits).
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext
    let site: Site
    let options: SecurityOptions
    let routes: RouteTable
    let limiter: RateLimiter
    let metrics: SiteMetrics

    init(site: Site, options: SecurityOptions, routes: RouteTable, metrics: SiteMetrics) {
        self.site = site; self.options = options; self.routes = routes; self.metrics = metrics
        limiter = RateLimiter(burst: site.limits.postBurst, ratePerSecond: site.limits.postRefillPerSecond, now: site.now)
    }

    static let requestIDName = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // The request target as sent ("/path?query"): the common case reads only its bytes; the path as a string
        // (`request.uri.path`, a new string on every read) is made only where an answer names it.
        let target = request.head.path ?? "/"
        let isAPI = target.utf8.starts(with: "/api/".utf8)
        var route = "unmatched"
        var response: Response
        // The API renders no forms and no private links: only pages get the per-request scope (one task-local).
        let cookieToken = isAPI ? nil : CSRF.cookieToken(request)
        let box = isAPI ? nil : CSRF.Box(cookieToken: cookieToken, secret: options.secret)
        do {
            if let refusal = precheck(request, target: target, context: context, isAPI: isAPI) {
                response = refusal
            } else {
                var request = request
                if CSRF.isFormPost(request, isAPI: isAPI) {
                    if let refusal = try await CSRF.check(&request, cookieToken: cookieToken, options: options, maxBody: options.maxFormBytes,
                                                          trustForwardedHost: site.limits.trustForwardedFor) {
                        response = problem(.forbidden, code: "csrf", title: "Form expired", message: refusal, isAPI: false, path: request.uri.path,
                                           requestID: context.id)
                        return finish(response, request: request, route: route, start: start, box: box, hadCookie: cookieToken != nil, isAPI: isAPI, context: context)
                    }
                }
                if let box {
                    response = try await CSRF.$current.withValue(box) { try await next(request, context) }
                } else {
                    // The API's rules (JSON errors, ETag / Cache-Control / 304) in this same layer.
                    do { response = APIRules.finish(try await next(request, context), request: request, target: target) } catch {
                        response = APIRules.errorResponse(error, request: request, context: context)
                    }
                }
                route = context.endpointPath ?? "unmatched"
                // The router had nothing for GET here: a path known with other methods only is a 405.
                if response.status == .notFound, Self.isSafeMethod(request.method), let r = methodNotAllowed(request.uri.path, request, context) {
                    response = r
                }
            }
        } catch let e as HTTPError where e.status == .notFound && Self.isSafeMethod(request.method) {
            // The router had nothing for GET here: a path known with other methods only is a 405.
            route = context.endpointPath ?? "unmatched"
            response = methodNotAllowed(request.uri.path, request, context) ?? errorResponse(e, request: request, context: context, isAPI: isAPI, requestID: context.id)
        } catch {
            route = context.endpointPath ?? "unmatched"
            response = errorResponse(error, request: request, context: context, isAPI: isAPI, requestID: context.id)
        }
        return finish(response, request: request, route: route, start: start, box: box, hadCookie: cookieToken != nil, isAPI: isAPI, context: context)
    }

    /// Security headers, the CSRF cookie, the request id (on errors), 5xx logging and metrics on the way out.
    /// (`consuming`: the answer is the caller's last use of it, so its headers are changed in place, not copied.)
    private func finish(_ response: consuming Response, request: Request, route: String, start: ContinuousClock.Instant, box: CSRF.Box?,
                        hadCookie: Bool, isAPI: Bool, context: Context) -> Response {
        // Prebuilt fields are appended as they are (setting a value by name would validate it again on every answer).
        let headers = isAPI ? options.apiSecurityHeaders : options.securityHeaders
        if !response.headers.contains(.contentSecurityPolicy) {
            response.headers.append(contentsOf: headers)   // the common case: no handler sets its own
        } else {
            for field in headers where !response.headers.contains(field.name) { response.headers.append(field) }
        }
        if let box, box.used && !hadCookie { response.headers[values: .setCookie].append(CSRF.cookie(box.token)) }
        if response.status.code >= 400 {
            // An answer that went wrong names its request id (as its page does, and the log line of a 5xx); the id is
            // formatted only here, so a good answer never pays for it.
            let requestID = context.id
            response.headers.append(HTTPField(name: Self.requestIDName, value: requestID))
            if response.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) answered \(response.status.code)",
                                     metadata: ["request_id": .string(requestID)])
            }
        }
        metrics.record(route: route, method: request.method, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }

    /// 405 with `Allow` when `path` has routes, none of them for the request's method.
    private func methodNotAllowed(_ path: String, _ request: Request, _ context: Context) -> Response? {
        guard let allowed = routes.allowedMethods(path: path), !allowed.contains(request.method) else { return nil }
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        var r = problem(.methodNotAllowed, code: "method_not_allowed", title: "Method not allowed",
                        message: "\(request.method) is not allowed on \(path); allowed: \(allow)", isAPI: path.hasPrefix("/api/"), path: path, requestID: context.id)
        r.headers[.allow] = allow
        return r
    }

    /// The refusals that need no handler: 405, over-long names, 429, 415.
    private func precheck(_ request: Request, target: String, context: Context, isAPI: Bool) -> Response? {
        // 1. Bounds before work.
        // The common case (every segment and value short) is one pass over the bytes, with nothing allocated.
        // A request target no longer than the limit holds no name or value over it: nothing to look at (most requests).
        guard target.utf8.count > options.maxNameLength || !Self.isSafeMethod(request.method) else { return nil }
        let path = request.uri.path
        for segment in Self.longRuns(path.utf8, over: options.maxNameLength, separators: UInt8(ascii: "/"), UInt8(ascii: "/")) {
            // A percent-decoded name is never longer than its encoding, nor shorter than a twelfth of it (%XX per
            // byte, four bytes per character): only a segment between the two bounds is decoded to be counted.
            if segment.utf8.count > options.maxNameLength * 12
                || (String(segment).removingPercentEncoding ?? String(segment)).count > options.maxNameLength {
                return problem(.notFound, code: "name_too_long", title: "Not found",
                               message: "no page here: a name in the path is longer than \(options.maxNameLength) characters",
                               isAPI: isAPI, path: "/", requestID: context.id)
            }
        }
        if let query = request.uri.query {
            // Each value first (the clearer message), then the whole query string.
            // A value is never longer than its raw encoding: only a query holding a long raw part is decoded.
            let hasLongPart = !Self.longRuns(query.utf8, over: options.maxNameLength, separators: UInt8(ascii: "&"), UInt8(ascii: "=")).isEmpty
            if hasLongPart, query.utf8.count <= 128 * 1024 {
                for part in query.split(separator: "&") where part.utf8.count > options.maxNameLength {
                    let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    let rawKey = kv[0], rawValue = kv.count > 1 ? kv[1] : ""
                    let key = rawKey.utf8.count > options.maxNameLength * 12 ? String(rawKey.prefix(40)) : QueryString.decode(rawKey)
                    let limit = options.longerParameters[key] ?? options.maxNameLength
                    // As for path segments: a raw value over twelve times the limit is too long without decoding it.
                    let tooLong = rawKey.utf8.count > options.maxNameLength * 12 || key.count > options.maxNameLength
                        || rawValue.utf8.count > limit * 12 || QueryString.decode(rawValue).count > limit
                    guard tooLong else { continue }
                    let name = String(key.prefix(40))
                    return problem(.badRequest, code: "invalid_parameter", title: "Bad request",
                                   message: "parameter '\(name)' is longer than \(options.longerParameters[key] ?? options.maxNameLength) characters",
                                   isAPI: isAPI, path: path, requestID: context.id, parameter: name)
                }
            }
            if query.utf8.count > options.maxQueryBytes {
                return problem(.badRequest, code: "query_too_long", title: "Bad request",
                               message: "the query string is \(query.utf8.count) bytes; the limit is \(options.maxQueryBytes) (and \(options.maxNameLength) characters per value)",
                               isAPI: isAPI, path: path, requestID: context.id)
            }
        }
        // 2. 405 for a known path asked with another method (every path answers GET or HEAD when it has a route, so
        //    those go straight to the router; a 404 from it is checked after, in `handle`).
        if request.method != .get, request.method != .head,
           let allowed = routes.allowedMethods(path: path), !allowed.contains(request.method) {
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            var r = problem(.methodNotAllowed, code: "method_not_allowed", title: "Method not allowed",
                            message: "\(request.method) is not allowed on \(path); allowed: \(allow)", isAPI: isAPI, path: path, requestID: context.id)
            r.headers[.allow] = allow
            return r
        }
        guard Self.isStateChanging(request.method) else { return nil }
        // No route has this path at all: 404 before it costs a token or needs a form token.
        if routes.allowedMethods(path: path) == nil {
            return problem(.notFound, code: "no_route", title: "Not found", message: "There is no page at \(path).", isAPI: isAPI, path: path, requestID: context.id)
        }
        // A declared body over the API's limit is refused before it costs the client a token.
        if isAPI, let len = request.headers[.contentLength].flatMap({ Int($0) }), len > site.limits.maxBodyBytes {
            return problem(.contentTooLarge, code: "body_too_large", title: "Too large",
                           message: "the request body is \(len) bytes; the limit is \(site.limits.maxBodyBytes) bytes", isAPI: true, path: path, requestID: context.id)
        }
        // 3. One rate limiter for every state-changing request.
        let key = APIRules.clientKey(request, peer: context.remoteAddress, trustForwardedFor: site.limits.trustForwardedFor)
        if let retry = limiter.take(key) {
            metrics.rateLimited(route: isAPI ? "api" : "html")
            var r = problem(.tooManyRequests, code: "rate_limited", title: "Too many requests",
                            message: "too many requests; retry in \(retry) s", isAPI: isAPI, path: path, requestID: context.id)
            r.headers[.retryAfter] = String(retry)
            return r
        }
        // 4. JSON endpoints take JSON only (diagnose also takes a plain-text log).
        if isAPI {
            let type = request.headers[.contentType]?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
            let json = type == "application/json" || type.hasPrefix("application/json;")
            let textOK = path == "/api/v1/diagnose" && type.hasPrefix("text/")
            if !json && !textOK {
                return problem(.unsupportedMediaType, code: "unsupported_media_type", title: "Unsupported media type",
                               message: "send the body as application/json (Content-Type: application/json)", isAPI: true, path: path, requestID: context.id)
            }
        }
        return nil
    }

    /// The runs of `bytes` between separators that are longer than `limit` bytes (as strings; empty in the common case).
    /// One pass over the contiguous bytes; nothing is allocated unless a run is too long.
    static func longRuns(_ bytes: String.UTF8View, over limit: Int, separators a: UInt8, _ b: UInt8) -> [Substring] {
        let offsets = bytes.withContiguousStorageIfAvailable { runOffsets($0, over: limit, a, b) }
        let ranges = offsets ?? Self.runOffsets(Array(bytes), over: limit, a, b)
        return ranges.map { r in Substring(bytes[bytes.index(bytes.startIndex, offsetBy: r.lowerBound)..<bytes.index(bytes.startIndex, offsetBy: r.upperBound)]) }
    }

    private static func runOffsets<C: RandomAccessCollection>(_ buffer: C, over limit: Int, _ a: UInt8, _ b: UInt8) -> [Range<Int>]
    where C.Element == UInt8, C.Index == Int {
        var found: [Range<Int>] = []
        var start = 0
        for i in 0..<buffer.count where buffer[i] == a || buffer[i] == b {
            if i - start > limit { found.append(start..<i) }
            start = i + 1
        }
        if buffer.count - start > limit { found.append(start..<buffer.count) }
        return found
    }

    static func isStateChanging(_ m: HTTPRequest.Method) -> Bool { m == .post || m == .put || m == .patch || m == .delete }
    static func isSafeMethod(_ m: HTTPRequest.Method) -> Bool { m == .get || m == .head }

    /// An error's answer: JSON under `/api/`, else the HTML problem page; never an empty body.
    private func errorResponse(_ error: Error, request: Request, context: Context, isAPI: Bool, requestID: String) -> Response {
        let path = request.uri.path
        let status: HTTPResponse.Status, title: String, message: String, code: String
        var extra: HTML = HTML()
        switch error {
        case BenchmarkStoreError.duplicate(let existing):
            status = .conflict; title = "Already submitted"; code = "duplicate"
            message = "This run is already stored as run \(existing); it was not stored twice."
            extra = HTML { p { a(href: "/benchmarks/\(URLs.segment(existing))?key=\(PrivateRunLinks.key(for: existing, secret: options.secret))") { "See run \(existing)" } } }
        case let e as BenchmarkStoreError:
            switch e {
            case .notFound: status = .notFound; title = "Not found"
            case .illegalTransition, .duplicate: status = .conflict; title = "Conflict"
            case .fieldTooLarge, .invalidValue: status = .badRequest; title = "Not accepted"
            }
            code = "invalid_field"; message = e.description
        case let e as CatalogError:
            status = .badRequest; title = "Bad request"; code = "invalid_parameter"; message = e.description
        case let e as HTTPError:
            status = e.status; code = APIError.code(for: e.status)
            title = e.status == .notFound ? "Not found" : e.status.reasonPhrase
            message = e.status == .notFound ? "There is no page at \(path)." : (e.body ?? (e.status == .contentTooLarge ? "the request body is too large" : e.status.reasonPhrase))
        case let e as APIError:
            if isAPI { return e.response() }
            status = e.status; code = e.code; title = e.status.reasonPhrase; message = e.message
        case let e as HTTPResponseError where e.status.code < 500:
            status = e.status; code = APIError.code(for: e.status); title = e.status.reasonPhrase
            message = e.status == .contentTooLarge ? "the request body is too large" : e.status.reasonPhrase
        case is NIOTooManyBytesError:
            status = .contentTooLarge; code = "body_too_large"; title = "Too large"; message = "the request body is too large"
        case let e where Self.isMalformedBody(e):
            status = .badRequest; code = "malformed_body"; title = "Bad request"; message = "the request body could not be read (malformed or truncated)"
        default:
            context.logger.error("\(request.method) \(path) failed: \(String(reflecting: error))", metadata: ["request_id": .string(requestID)])
            status = .internalServerError; code = "internal"; title = "Something went wrong"
            message = "An unexpected error occurred on our side; it has been logged with request id \(requestID)."
        }
        return problem(status, code: code, title: title, message: message, isAPI: isAPI, path: path, requestID: requestID, extra: extra)
    }

    /// NIO's HTTP decoder errors (a malformed chunked body, a truncated upload) surface as errors while the body is read.
    static func isMalformedBody(_ error: Error) -> Bool {
        let name = String(reflecting: type(of: error))
        return name.contains("HTTPParserError") || name.contains("HTTPDecoder") || name.contains("ChannelError") || name.contains("EOF")
    }

    /// The one error answer: `APIError`'s JSON under `/api/`, else the HTML problem page (with the request id).
    func problem(_ status: HTTPResponse.Status, code errorCode: String, title: String, message: String, isAPI: Bool, path: String,
                 requestID: String, parameter: String? = nil, extra: HTML = HTML()) -> Response {
        if isAPI { return APIError(status, code: errorCode, message, parameter: parameter).response() }
        let page = UI.problem(status: status, title: title, message: message, path: path) {
            extra
            p(.class("small muted")) { "Request id: "; code { requestID } }
        }
        let buffer = ByteBuffer(string: page.document.markup)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                                  .contentLength: String(buffer.readableBytes)],
                        body: .init(byteBuffer: buffer))
    }
}

/// Limits and secrets of the safety rules (``SecurityMiddleware``); `serve` sets them from its options.
public struct SecurityOptions: Sendable {
    /// Longest name, slug or free-text query value accepted (characters).
    public var maxNameLength: Int
    /// Query parameters that are not names and may be longer: `page` (a page's path and query, as the feedback form
    /// takes it).
    public var longerParameters: [String: Int] = ["page": 500, "model": RemoteModelReference.maxLength]
    /// Longest query string accepted (bytes).
    public var maxQueryBytes: Int
    /// Largest HTML form body read for the CSRF check (the diagnose form is the largest).
    public var maxFormBytes: Int
    /// Key of the HMAC behind private links to pending runs; random per process unless `RUNLOCALAI_SECRET` is set.
    public var secret: SymmetricKey
    /// Headers every page and file carries (unless the handler set its own).
    public var securityHeaders: HTTPFields
    /// Headers every `/api/` answer carries: the same rules, shorter, for a JSON document that loads nothing
    /// (`default-src 'none'`, whose `frame-ancestors 'none'` is the API's framing rule), so the API's small answers do
    /// not carry the pages' policy.
    public var apiSecurityHeaders: HTTPFields

    public init(maxNameLength: Int = 200, maxQueryBytes: Int = 8192, maxFormBytes: Int = 2_200_000, secret: String? = nil) {
        self.maxNameLength = maxNameLength; self.maxQueryBytes = maxQueryBytes; self.maxFormBytes = maxFormBytes
        self.secret = secret.flatMap { $0.isEmpty ? nil : SymmetricKey(data: Data($0.utf8)) } ?? SymmetricKey(size: .bits256)
        securityHeaders = [
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .init("X-Content-Type-Options")!: "nosniff",
            .init("X-Frame-Options")!: "DENY",
            .init("Referrer-Policy")!: "strict-origin-when-cross-origin",
            .init("Cross-Origin-Opener-Policy")!: "same-origin",
        ]
        apiSecurityHeaders = [
            .contentSecurityPolicy: Self.apiContentSecurityPolicy,
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
        ]
    }

    /// The API's policy: a JSON answer runs nothing, loads nothing and is framed nowhere.
    public static let apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

    /// No inline script but the layout's own (allowed by its SHA-256); inline styles are allowed (the pages use
    /// `style` attributes and one `<style>` element), nothing else from elsewhere.
    public static let contentSecurityPolicy: String = {
        let digest = SHA256.hash(data: Data(Layout.script.utf8))
        let hash = Data(digest).base64EncodedString()
        return "default-src 'self'; script-src 'self' 'sha256-\(hash)'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }()
}

/// Methods per route pattern, read from the router after every route is registered (for 405 + `Allow`).
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var patterns: [(segments: [Substring], methods: Set<HTTPRequest.Method>)] = []

    func load(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for r in routes { byPath[r.path, default: []].insert(r.method) }
        lock.lock(); defer { lock.unlock() }
        patterns = byPath.map { (path, methods) in
            var m = methods
            if m.contains(.get) { m.insert(.head) }
            return (path.split(separator: "/"), m)
        }
    }

    /// The methods of the route the router would pick for `path` (literal segments beat captures), or nil when no
    /// route has this path.
    func allowedMethods(path: String) -> [HTTPRequest.Method]? {
        let parts = path.split(separator: "/")
        lock.lock(); defer { lock.unlock() }
        var best: (score: Int, methods: Set<HTTPRequest.Method>)?
        for p in patterns {
            guard let score = Self.match(p.segments, parts) else { continue }
            if best == nil || score > best!.score { best = (score, p.methods) }
            else if score == best!.score { best!.methods.formUnion(p.methods) }
        }
        return best.map { b in b.methods.sorted { $0.rawValue < $1.rawValue } }
    }

    /// The number of literal segments matched, or nil when the pattern does not match.
    static func match(_ pattern: [Substring], _ parts: [Substring]) -> Int? {
        var score = 0
        for (i, seg) in pattern.enumerated() {
            if seg == "**" { return score }
            guard i < parts.count else { return nil }
            if seg.hasPrefix(":") || seg == "*" || seg.hasPrefix("{") { continue }
            guard seg == parts[i] else { return nil }
            score += 1
        }
        return pattern.count == parts.count ? score : nil
    }
}
