import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore
import Testing
@testable import RunLocalAIWeb

/// The safety rules of `SecurityMiddleware` and friends: each test fails on the code before the hardening.
@Suite("Security: bounds, 405, one rate limiter, CSRF, headers, private runs, no 500s, metrics")
struct SecurityTests {
    typealias P = PagesFixture
    typealias A = APIFixture

    struct Raw: Sendable { var status: HTTPResponse.Status; var headers: HTTPFields; var body: String }

    static func send(_ c: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws -> Raw {
        try await c.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { r in
            Raw(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }
    }

    static func withSite(_ site: Site, security: SecurityOptions = SecurityOptions(), metrics: SiteMetrics = SiteMetrics(),
                         _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(site: site, security: security, metrics: metrics))
        try await app.test(.router) { client in try await body(client) }
    }

    // MARK: 1. Bounds before work

    @Test("A 65,000-character name is refused at once (400/404 with a message), on every kind of route")
    func longNamesAreRefusedBeforeMatching() async throws {
        let long = String(repeating: "rtx3090x", count: 8125)   // 65,000 characters
        let clock = ContinuousClock()
        try await P.withClient { c in
            _ = try await Self.send(c, .get, "/hardware/rtx-3090")   // warm the site's caches
            let cases: [(String, Int)] = [
                ("/hardware/\(long)", 404), ("/models/\(long)", 404), ("/api/v1/models/\(long)", 404), ("/api/v1/hardware/\(long)", 404),
                ("/compare/models?a=\(long)&b=llama-3.1-8b", 400), ("/will-it-run/custom?gpu=\(long)", 400),
                ("/api/v1/benchmarks?hardware=\(long)", 400), ("/will-it-run?model=\(long)&hardware=rtx-3090", 400),
                ("/api/v1/will-it-run?model=llama-3.1-8b&hardware=\(long)", 400), ("/benchmarks?hardware=\(long)", 400),
            ]
            for (uri, status) in cases {
                let start = clock.now
                let r = try await Self.send(c, .get, uri)
                let took = clock.now - start
                #expect(Int(r.status.code) == status, "\(uri.prefix(40)) → \(r.status)")
                // Names stop at 200 characters; a model may be a URL, up to 1000.
                #expect(r.body.contains("200 characters") || uri.hasPrefix("/will-it-run?model=") && r.body.contains("1000 characters"),
                        "\(uri.prefix(40)): \(r.body.prefix(200))")
                #expect(took < .seconds(2), "\(uri.prefix(40)) took \(took)")
            }
            // A name of exactly 200 characters is still looked up (and not found).
            let r = try await Self.send(c, .get, "/api/v1/models/\(String(repeating: "a", count: 200))")
            #expect(r.status == .notFound)
            #expect(!r.body.contains("200 characters"))
        }
    }

    @Test("The fuzzy matcher refuses names past its cap, so its cost does not grow with the input")
    func resolverIsBounded() async throws {
        let catalog = try await P.site().catalog
        // Refused before any matching, with the reason (no timing here: the bound is what makes the cost flat).
        for name in [String(repeating: "rtx 3090 ", count: 7300), String(repeating: "llama ", count: 11_000)] {
            do { _ = try catalog.hardware(named: name); Issue.record("a 66 KB name was resolved") } catch let e as CatalogError {
                #expect(e.description.contains("longer than \(NameResolver.maxQueryLength) characters"), "\(e.description.prefix(120))")
            }
            #expect(throws: CatalogError.self) { try catalog.model(named: name) }
            // The search reads only the first characters of an over-long query: the same matches as for that prefix.
            let long = CatalogSearch.search(name, in: catalog).map(\.id)
            let prefix = CatalogSearch.search(String(name.prefix(NameResolver.maxQueryLength)), in: catalog).map(\.id)
            #expect(long == prefix)
        }
        #expect(try catalog.hardware(named: "RTX 3090").device.id == "rtx-3090")
    }

    // MARK: 2. 405 with Allow

    @Test("A known path with another method is 405 with Allow (HTML and API); unknown paths stay 404; HEAD works")
    func wrongMethodIs405() async throws {
        try await P.withClient { c in
            let api = try await Self.send(c, .delete, "/api/v1/models/llama-3.1-8b")
            #expect(api.status == .methodNotAllowed)
            #expect(api.headers[.allow] == "GET, HEAD")
            #expect(api.body.contains("method_not_allowed"))
            let form = try await Self.send(c, .put, "/feedback")
            #expect(form.status == .methodNotAllowed)
            #expect(form.headers[.allow] == "GET, HEAD, POST")
            let post = try await Self.send(c, .post, "/hardware/rtx-3090")
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET, HEAD")
            let get = try await Self.send(c, .get, "/api/v1/benchmarks/abc/status")
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(try await Self.send(c, .get, "/no/such/page").status == .notFound)
            #expect(try await Self.send(c, .delete, "/no/such/page").status == .notFound)
            #expect(try await Self.send(c, .head, "/health").status == .ok)
        }
    }

    @Test("The route table picks literal segments over captures; the per-address connection counter caps and frees")
    func routeTableAndPeerCounter() {
        let t = RouteTable()
        t.load([(path: "/benchmarks/{id}", method: .get), (path: "/benchmarks/submit", method: .get), (path: "/benchmarks/submit", method: .post)])
        #expect(t.allowedMethods(path: "/benchmarks/submit") == [.get, .head, .post])
        #expect(t.allowedMethods(path: "/benchmarks/abc") == [.get, .head])
        #expect(t.allowedMethods(path: "/benchmarks/a/b") == nil)
        let counter = PeerCounter(limit: 2)
        #expect(counter.open("10.0.0.1") && counter.open("10.0.0.1"))
        #expect(!counter.open("10.0.0.1"))
        #expect(counter.open("10.0.0.2"))
        counter.close("10.0.0.1")
        #expect(counter.open("10.0.0.1"))
    }

    // MARK: 3. One rate limiter

    @Test("HTML form posts share the API's token bucket: 429 + Retry-After")
    func formsAreRateLimited() async throws {
        let site = try await A.site(adminToken: nil, limits: APILimits(postBurst: 3, postRefillPerSecond: 0.01))
        try await Self.withSite(site) { c in
            for i in 0..<3 {
                let page = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "note \(i)")])
                #expect(page.status == .ok)
            }
            let limited = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "one too many")])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.body.contains("Too many requests"))
            // The same bucket covers the API.
            let api = try await Self.send(c, .post, "/api/v1/feedback", headers: [.contentType: "application/json"], body: "{\"page\":\"/\",\"message\":\"x\"}")
            #expect(api.status == .tooManyRequests)
            #expect(api.headers[.retryAfter] != nil)
            let sub = try await P.post(c, "/benchmarks/submit", form: [("model", "llama 3.1 8b"), ("hardware", "RTX 3090"), ("decode_tps", "50")])
            #expect(sub.status == .tooManyRequests)
        }
    }

    // MARK: 4. CSRF, content types, headers

    @Test("Form posts need a same-origin request and the cookie's token; JSON endpoints take JSON only")
    func csrfAndContentTypes() async throws {
        try await P.withClient { c in
            let form = [("page", "/"), ("message", "hello")]
            #expect(try await P.post(c, "/feedback", form: form, csrf: false).status == .forbidden)
            #expect(try await P.post(c, "/feedback", form: form, headers: [.origin: "https://evil.example"]).status == .forbidden)
            #expect(try await P.post(c, "/feedback", form: form, headers: [.init("Sec-Fetch-Site")!: "cross-site"]).status == .forbidden)
            #expect(try await P.post(c, "/feedback", form: form, headers: [.init("Sec-Fetch-Site")!: "same-origin"]).status == .ok)
            // A cookie with another token is refused.
            let body = "page=%2F&message=hi&_csrf=\(String(repeating: "cd", count: 32))"
            let wrong = try await Self.send(c, .post, "/feedback", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "rla_csrf=\(P.csrfToken)"], body: body)
            #expect(wrong.status == .forbidden)
            // The form page carries the token of the cookie it sets.
            let page = try await Self.send(c, .get, "/feedback")
            let cookie = try #require(page.headers[.setCookie])
            #expect(cookie.contains("SameSite=Strict"))
            let token = String(cookie.dropFirst("rla_csrf=".count).prefix(64))
            #expect(page.body.contains("name=\"_csrf\" value=\"\(token)\""))
            // JSON endpoints: 415 for anything but application/json.
            let plain = try await Self.send(c, .post, "/api/v1/feedback", headers: [.contentType: "text/plain"], body: "{\"page\":\"/\",\"message\":\"x\"}")
            #expect(plain.status == .unsupportedMediaType)
            let formType = try await Self.send(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/x-www-form-urlencoded"], body: "a=b")
            #expect(formType.status == .unsupportedMediaType)
        }
    }

    @Test("Every answer carries the security headers; the CSP allows no inline script but the layout's own; the API's loads nothing")
    func securityHeaders() async throws {
        try await P.withClient { c in
            for uri in ["/", "/hardware/rtx-3090", "/api/v1/models", "/no/such/page", "/api/v1/nope", "/health", "/metrics", "/feed.xml"] {
                let r = try await Self.send(c, .get, uri)
                let csp = r.headers[.init("Content-Security-Policy")!] ?? ""
                #expect(csp.contains("frame-ancestors 'none'"), "\(uri)")
                if uri.hasPrefix("/api/") {
                    #expect(csp.hasPrefix("default-src 'none';"), "\(uri)")
                } else {
                    #expect(csp.contains("script-src 'self' 'sha256-"), "\(uri)")
                    #expect(!csp.contains("script-src 'self' 'unsafe-inline'"), "\(uri)")
                    #expect(r.headers[.init("X-Frame-Options")!] == "DENY", "\(uri)")
                }
                #expect(r.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(uri)")
                #expect(r.headers[.init("Referrer-Policy")!] != nil, "\(uri)")
                // The request id names an answer that went wrong (its page shows the same id); good answers skip it.
                #expect((r.headers[.init("X-Request-Id")!] != nil) == (r.status.code >= 400), "\(uri)")
            }
            // The only inline script is the layout's, whose hash the CSP names; no inline event handlers.
            let home = try await Self.send(c, .get, "/")
            #expect(home.body.components(separatedBy: "<script").count == 2)
            for handler in ["onclick=", "onload=", "onchange=", "onsubmit=", "javascript:"] { #expect(!home.body.contains(handler)) }
        }
    }

    // MARK: 5. Private runs

    @Test("Pending runs: moderators and the submitter's private link only; counts stay public")
    func pendingRunsArePrivate() async throws {
        let site = try await A.site(adminToken: "mod-token")
        try await Self.withSite(site) { c in
            let page = try await P.post(c, "/benchmarks/submit", form: [
                ("model", "llama 3.1 8b"), ("quant", "Q4_K_M"), ("hardware", "RTX 3090"), ("decode_tps", "101.5"), ("context", "4096"),
            ])
            #expect(page.status == .ok)
            let link = try #require(page.body.components(separatedBy: "href=\"/benchmarks/").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(link.contains("?key="))
            let id = String(link.split(separator: "?")[0])
            #expect(try await Self.send(c, .get, "/benchmarks/\(link)").status == .ok)
            #expect(try await Self.send(c, .get, "/benchmarks/\(id)").status == .notFound)
            #expect(try await Self.send(c, .get, "/benchmarks/\(id)?key=\(String(repeating: "0", count: 32))").status == .notFound)
            #expect(try await Self.send(c, .get, "/benchmarks/\(id)", headers: [.authorization: "Bearer mod-token"]).status == .ok)
            let list = try await Self.send(c, .get, "/benchmarks?status=pending")
            #expect(list.status == .forbidden)
            #expect(!list.body.contains(id))
            let modList = try await Self.send(c, .get, "/benchmarks?status=pending", headers: [.authorization: "Bearer mod-token"])
            #expect(modList.status == .ok)
            #expect(modList.body.contains(id))
            #expect(try await Self.send(c, .get, "/benchmarks?status=rejected").status == .forbidden)
            #expect(try await Self.send(c, .get, "/benchmarks?status=approved").status == .ok)
        }
    }

    // MARK: 6. No 500s

    @Test("The same form twice is a clear 409 'already submitted'; NUL, byte limits and malformed bodies are 400s")
    func noServerErrors() async throws {
        let site = try await A.site(adminToken: nil)
        try await Self.withSite(site) { c in
            let form = [("model", "llama 3.1 8b"), ("quant", "Q4_K_M"), ("hardware", "RTX 3090"), ("decode_tps", "87.25"), ("context", "4096")]
            #expect(try await P.post(c, "/benchmarks/submit", form: form).status == .ok)
            let again = try await P.post(c, "/benchmarks/submit", form: form)
            #expect(again.status == .conflict)
            #expect(again.body.contains("Already submitted"))
            #expect(again.body.contains("Request id"))

            let nul = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "a\u{0}b")])
            #expect(nul.status == .badRequest)
            let nulContact = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "ok"), ("contact", "x\u{0}")])
            #expect(nulContact.status == .badRequest)
            let accents = try await P.post(c, "/feedback", form: [("page", "/"), ("message", String(repeating: "é", count: 9000))])
            #expect(accents.status == .badRequest)
            #expect(accents.body.contains("KiB"))
            let contact = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "ok"), ("contact", String(repeating: "é", count: 150))])
            #expect(contact.status == .badRequest)
            let api = try await Self.send(c, .post, "/api/v1/feedback", headers: [.contentType: "application/json"],
                                          body: "{\"page\":\"/\",\"message\":\"a\\u0000b\"}")
            #expect(api.status == .badRequest)
            // An unknown route under the API is JSON; an HTML 404 is the page with a request id.
            let missing = try await Self.send(c, .get, "/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(missing.body.contains("Request id"))
        }
    }

    @Test("A failure the site did not expect is a 500 page that shows the request id (and is logged)")
    func unexpectedErrorsShowTheRequestID() async throws {
        let site = try await A.site(adminToken: nil)
        let router = buildRouter(site: site)
        struct Boom: Error {}
        router.get("/boom") { _, _ -> String in throw Boom() }
        let app = Application(router: router)
        try await app.test(.router) { c in
            let r = try await Self.send(c, .get, "/boom")
            #expect(r.status == .internalServerError)
            let id = try #require(r.headers[.init("X-Request-Id")!])
            #expect(r.body.contains(id))
        }
    }

    // MARK: 9. Metrics

    @Test("/metrics counts requests by route and status, latency, and rate-limit hits")
    func metrics() async throws {
        let site = try await A.site(adminToken: nil, limits: APILimits(postBurst: 1, postRefillPerSecond: 0.01))
        let metrics = SiteMetrics()
        try await Self.withSite(site, metrics: metrics) { c in
            _ = try await Self.send(c, .get, "/hardware/rtx-3090")
            _ = try await Self.send(c, .get, "/api/v1/models/no-such-model")
            _ = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "one")])
            _ = try await P.post(c, "/feedback", form: [("page", "/"), ("message", "two")])
            let r = try await Self.send(c, .get, "/metrics")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(r.body.contains("runlocalai_http_requests_total{route=\"/hardware/{id}\",method=\"GET\",status=\"200\"} 1"), "\(r.body.prefix(2000))")
            #expect(r.body.contains("status=\"404\""))
            #expect(r.body.contains("runlocalai_http_request_duration_seconds_bucket"))
            #expect(r.body.contains("runlocalai_rate_limited_total{surface=\"html\"} 1"))
        }
    }

    @Test("/metrics counts cache hits and misses and times every store call by operation")
    func cacheAndStoreMetrics() async throws {
        let metrics = SiteMetrics()
        let base = try await A.site(adminToken: nil)
        let observed = ObservedStore(base: base.store) { op, d, failed in metrics.recordStore(op, d, failed: failed) }
        let site = Site(service: AnswerService(catalog: base.catalog, store: observed, profiles: base.profiles), content: base.content, store: observed)
        try await Self.withSite(site, metrics: metrics) { c in
            let q = "/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=8192"
            _ = try await Self.send(c, .get, q)   // computed: misses, and the store is asked for the model's runs
            // Catalog answers are kept without a time limit: the second is a hit whatever the machine's load.
            _ = try await Self.send(c, .get, "/api/v1/models/llama-3.1-8b")
            _ = try await Self.send(c, .get, "/api/v1/models/llama-3.1-8b")
            let r = try await Self.send(c, .get, "/metrics")
            #expect(r.body.contains("runlocalai_cache_lookups_total{cache=\"api_catalog_responses\",result=\"hit\"} 1"), "\(r.body.suffix(1500))")
            #expect(r.body.contains("runlocalai_cache_lookups_total{cache=\"api_catalog_responses\",result=\"miss\"} 1"))
            #expect(r.body.contains("runlocalai_cache_lookups_total{cache=\"api_will_it_run_responses\",result=\"miss\"} 1"))
            #expect(r.body.contains("runlocalai_cache_lookups_total{cache=\"plans\",result=\"miss\"}"))
            #expect(r.body.contains("runlocalai_cache_entries{cache=\"answers\"} 1"))
            #expect(r.body.contains("runlocalai_store_duration_seconds_count{operation=\"runs\"}"), "\(r.body.prefix(3000))")
        }
    }
}
