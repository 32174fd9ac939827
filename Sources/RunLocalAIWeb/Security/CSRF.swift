import Crypto
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Cross-site request forgery protection of the HTML forms (`POST /benchmarks/submit`, `/feedback`, `/diagnose`).
///
/// Two checks, both needed: the browser's own word (`Sec-Fetch-Site` must be `same-origin` or `none`; an `Origin`
/// must be this site's), and a double-submit token: a random value in a `SameSite=Strict` cookie that every
/// `method="post"` form carries again as the hidden field `_csrf` (added when the page is written, see
/// ``inject(_:)``). A page from another site can neither read the cookie nor make the browser send it.
enum CSRF {
    static let cookieName = "rla_csrf"
    static let fieldName = "_csrf"

    /// The scope of the page being answered (the API has none): the CSRF token for ``inject(_:)`` — the cookie's, or
    /// a new one made the first time a page asks for it (most pages carry no form and never pay for the random
    /// bytes); `used` says a form was given it — and the key of private run links (``PrivateRunLinks/link(for:)``).
    final class Box: Sendable {
        private let state: Mutex<(token: String?, used: Bool)>
        let secret: SymmetricKey
        init(cookieToken: String?, secret: SymmetricKey) {
            state = Mutex((cookieToken, false)); self.secret = secret
        }
        /// The token, made on first use.
        var token: String {
            state.withLock { s in
                if let t = s.token { return t }
                let t = CSRF.newToken()
                s.token = t
                return t
            }
        }
        var used: Bool { state.withLock { $0.used } }
        func markUsed() { state.withLock { $0.used = true } }
    }

    @TaskLocal static var current: Box?

    /// 256 random bits as 64 lowercase hex digits.
    static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 64) { out in
            for word in 0..<4 {
                let v: UInt64 = g.next()
                for i in 0..<16 { out[word * 16 + i] = digits[Int((v >> (60 - 4 * UInt64(i))) & 0xf)] }
            }
            return 64
        }
    }

    static func isWellFormed(_ t: Substring) -> Bool { t.utf8.count == 64 && t.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } }

    /// The token of the request's cookie, if it has a well-formed one.
    static func cookieToken(_ request: Request) -> String? {
        for field in request.headers where field.name == .cookie {   // (`[values:]` would build an array every request)
            for part in field.value.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookieName, isWellFormed(kv[1]) { return String(kv[1]) }
            }
        }
        return nil
    }

    static func cookie(_ token: String) -> String { "\(cookieName)=\(token); Path=/; SameSite=Strict; HttpOnly" }

    /// A state-changing request to an HTML route.
    static func isFormPost(_ request: Request, isAPI: Bool) -> Bool {
        !isAPI && SecurityMiddleware.isStateChanging(request.method)
    }

    /// Nil when the form post may go on; else why it is refused (403). Reads (and puts back) the form body.
    static func check(_ request: inout Request, cookieToken: String?, options: SecurityOptions, maxBody: Int,
                      trustForwardedHost: Bool = false) async throws -> String? {
        if let site = request.headers[.init("Sec-Fetch-Site")!]?.lowercased(), site != "same-origin", site != "none" {
            return "This form was sent from another site (Sec-Fetch-Site: \(site.prefix(20))); it was not accepted."
        }
        if let origin = request.headers[.origin] {
            let host = origin.lowercased().split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            let authority = request.head.authority?.lowercased()
            // Behind a proxy (--behind-proxy) the site's public host may arrive as X-Forwarded-Host.
            let forwarded = trustForwardedHost ? request.headers[.init("X-Forwarded-Host")!]?.split(separator: ",").last
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } : nil
            if origin == "null" || host == nil || (authority != nil && host != authority && (forwarded == nil || host != forwarded)) {
                return "This form was sent from another site (Origin: \(origin.prefix(60))); it was not accepted."
            }
        }
        guard let cookieToken else {
            return "This form has no session token (cookies may be off, or the page is old). Reload the form and send it again."
        }
        let buffer = try await request.collectBody(upTo: maxBody)
        let form = Params(query: String(buffer: buffer))
        guard let sent = form[fieldName], constantTimeEqual(sent, cookieToken) else {
            return "This form's token does not match (the page may be old, or it came from elsewhere). Reload the form and send it again."
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// `markup` with the hidden token field added to every `method="post"` form (when a request is being answered).
    /// Whether the page has a POST form, by a byte search (a page is 100+ KB; String.contains would walk characters).
    static func containsPostForm(_ markup: String) -> Bool {
        let needle = Array("method=\"post\"".utf8)
        var markup = markup
        return markup.withUTF8 { hay in
            guard hay.count >= needle.count else { return false }
            let first = needle[0], last = hay.count - needle.count
            var i = 0
            while i <= last {
                if hay[i] == first {
                    var j = 1
                    while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    static func inject(_ markup: String) -> String {
        guard let box = current, Self.containsPostForm(markup) else { return markup }
        var out = ""
        out.reserveCapacity(markup.utf8.count + 200)
        var rest = markup[...]
        var injected = false
        while let open = rest.range(of: "<form") {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tag = rest[open.lowerBound...close]
            out += rest[..<open.lowerBound]
            out += tag
            if tag.contains("method=\"post\"") {
                out += "<input type=\"hidden\" name=\"\(fieldName)\" value=\"\(box.token)\">"
                injected = true
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        if injected { box.markUsed() }
        return out
    }
}

/// Private links to runs that are not published (pending, rejected, duplicate): `/benchmarks/ID?key=KEY`, where KEY
/// is an HMAC of the id under the server's secret. The submitter gets the link at submission; moderators use their
/// token instead.
enum PrivateRunLinks {
    static func key(for id: String, secret: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("run:" + id).utf8), using: secret)
        return Data(mac).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func isValid(_ key: String?, for id: String, secret: SymmetricKey) -> Bool {
        guard let key else { return false }
        return CSRF.constantTimeEqual(key, self.key(for: id, secret: secret))
    }

    static func path(for id: String, secret: SymmetricKey) -> String {
        "/benchmarks/\(URLs.segment(id))?key=\(key(for: id, secret: secret))"
    }
}
