import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// The HTML site: every page is a view of the engine, the catalog, the content and the store.
///
/// ```swift
/// let router = Router()
/// PageRoutes.register(on: router, site: site)
/// ```
public enum PageRoutes {
    public static func register(on router: Router<SiteRequestContext>, site: Site, metrics: SiteMetrics? = nil) {
        let engine = PageEngine(site: site)
        @Sendable func params(_ r: Request) -> Params { Params(query: r.uri.query) }
        /// A path parameter, percent-decoded ("dual%203090" is "dual 3090").
        @Sendable func segment(_ c: SiteRequestContext, _ name: String) -> String {
            let raw = c.parameters.get(name) ?? ""
            return raw.removingPercentEncoding ?? raw
        }
        // Pages computed only from the catalog and content (not the store) are the same for every request with
        // the same URI while the process runs: render once, keep the markup (bounded).
        let pageCache = ResponseCache(capacity: 2048, maxEntryBytes: 2 << 20)
        metrics?.watch(cache: "catalog_pages") { pageCache.stats }
        @Sendable func cached(_ r: Request, _ render: () -> HTMLResponse) -> Response {
            let key = r.uri.description
            if let hit = pageCache.lookup(key) { return hit.htmlResponse() }
            return pageCache.keep(key, render())
        }
        // Pages that show speeds carry the store's evidence: kept only as long as the evidence cache keeps an answer,
        // and dropped at once when a run's status changes on this server.
        let livePageCache = ResponseCache(capacity: 2048, maxEntryBytes: 2 << 20, ttl: .seconds(2))
        metrics?.watch(cache: "evidence_pages") { livePageCache.stats }
        @Sendable func live(_ r: Request, _ render: () async -> HTMLResponse) async -> Response {
            let key = "\(site.service.evidenceGeneration)|\(r.uri.description)"
            if case .serve(let hit) = livePageCache.claim(key) { return hit.htmlResponse() }
            return livePageCache.keep(key, await render())
        }

        router.get("/") { r, _ in cached(r) { HomePage.render(engine) } }
        router.get("/will-it-run") { r, c in
            await live(r) {
                await WillItRunPage.render(params(r), engine: engine,
                                           client: APIRules.clientKey(r, peer: c.remoteAddress, trustForwardedFor: site.limits.trustForwardedFor))
            }
        }
        router.get("/will-it-run/custom") { r, _ in await live(r) { await CustomBuildPage.render(params(r), engine: engine) } }

        router.get("/models") { r, _ in cached(r) { ModelPages.list(params(r), engine: engine) } }
        router.get("/models/:id") { r, c in await live(r) { await ModelPages.detail(segment(c, "id"), params(r), engine: engine) } }
        router.get("/hardware") { r, _ in cached(r) { HardwarePages.list(params(r), engine: engine) } }
        router.get("/hardware/:id") { r, c in await live(r) { await HardwarePages.detail(segment(c, "id"), params(r), engine: engine) } }
        router.get("/tools") { _, _ in ToolPages.list(engine) }
        router.get("/tools/:id") { _, c in await ToolPages.detail(c.parameters.get("id") ?? "", engine: engine) }
        router.get("/compare") { r, _ in await live(r) { await ComparePages.hardware(params(r), engine: engine) } }
        router.get("/compare/models") { r, _ in await live(r) { await ComparePages.models(params(r), engine: engine) } }
        router.get("/compare/models/:pair") { r, c in await live(r) { await ComparePages.modelPair(segment(c, "pair"), params(r), engine: engine) } }
        router.get("/hardware-combos") { r, _ in cached(r) { ComboPages.list(params(r), engine: engine) } }
        router.get("/hardware-combos/:id") { r, c in await live(r) { await ComboPages.detail(segment(c, "id"), engine: engine) } }

        router.get("/start") { r, _ in await live(r) { await SectionPages.start(params(r), pasted: nil, engine: engine) } }
        router.post("/start") { r, c in
            let form = try await FormBody.read(r, context: c, limit: DetectPaste.maxBytes * 3 + 1024)
            return await SectionPages.start(Params(pairs: form.pairs.filter { $0.0 == "use" }), pasted: form.raw("detect") ?? "", engine: engine)
        }
        router.get("/systems") { r, _ in cached(r) { SectionPages.systems(engine) } }
        router.get("/systems/:id") { r, c in await live(r) { await SectionPages.system(segment(c, "id"), engine: engine) } }
        router.get("/stacks") { r, _ in cached(r) { SectionPages.stacks(engine) } }
        router.get("/stacks/:slug") { r, c in await live(r) { await SectionPages.stack(segment(c, "slug"), engine: engine) } }
        router.get("/learn") { r, _ in cached(r) { SectionPages.learn(engine) } }
        router.get("/learn/:slug") { r, c in cached(r) { SectionPages.learnPath(segment(c, "slug"), engine: engine) } }
        router.get("/pulse") { r, _ in await live(r) { (try? await PulsePages.pulse(engine: engine)) ?? UI.problem(status: .serviceUnavailable, title: "Pulse", message: "the benchmark store did not answer; try again shortly", path: "/pulse") } }
        router.get("/digest") { r, _ in await live(r) { (try? await PulsePages.digestIndex(engine: engine)) ?? UI.problem(status: .serviceUnavailable, title: "Digest", message: "the benchmark store did not answer; try again shortly", path: "/digest") } }
        router.post("/digest/subscribe") { r, c in try await PulsePages.subscribe(try await FormBody.read(r, context: c, limit: 4096), engine: engine) }
        router.get("/digest/confirm") { r, _ in try await PulsePages.confirm(params(r), engine: engine) }
        router.get("/digest/unsubscribe") { r, _ in PulsePages.unsubscribeForm(params(r)) }
        router.post("/digest/unsubscribe") { r, c in try await PulsePages.unsubscribe(try await FormBody.read(r, context: c, limit: 4096), engine: engine) }
        router.get("/digest/:month") { r, c in await live(r) { (try? await PulsePages.digest(segment(c, "month"), engine: engine)) ?? UI.problem(status: .serviceUnavailable, title: "Digest", message: "the benchmark store did not answer; try again shortly", path: "/digest") } }
        router.get("/ecosystem") { r, _ in cached(r) { SectionPages.ecosystem(engine) } }

        router.get("/guides") { _, _ in GuidePages.list(engine) }
        router.get("/guides/:slug") { r, c in await live(r) { await GuidePages.detail(c.parameters.get("slug") ?? "", params(r), engine: engine) } }
        router.get("/cost") { r, _ in await live(r) { await CostPage.render(params(r), engine: engine) } }

        router.get("/glossary") { r, _ in ContentPages.glossary(params(r), engine: engine) }
        router.get("/glossary/:slug") { _, c in ContentPages.term(c.parameters.get("slug") ?? "", engine: engine) }
        router.get("/errors") { _, _ in ContentPages.errors(engine) }
        router.get("/errors/:slug") { _, c in ContentPages.errorArticle(c.parameters.get("slug") ?? "", engine: engine) }
        router.get("/diagnose") { _, _ in ContentPages.diagnose(log: nil, engine: engine) }
        router.post("/diagnose") { r, c in
            let form = try await FormBody.read(r, context: c, limit: LogDiagnosis.windowBytes * 2 + 65_536)
            return ContentPages.diagnose(log: form.raw("log") ?? "", engine: engine)
        }
        router.get("/methodology") { _, _ in ContentPages.methodology(engine) }

        router.get("/benchmarks") { r, _ in
            if let refusal = PrivateRuns.refuseList(r, site: site) { return refusal }   // pending/rejected: moderators only
            return try await BenchmarkPages.list(params(r), engine: engine)
        }
        router.get("/benchmarks/submit") { _, _ in BenchmarkPages.submitForm(engine: engine) }
        router.get("/benchmarks/request") { _, _ in try await RequestPages.page(engine) }
        router.post("/benchmarks/request") { r, c in
            let form = try await FormBody.read(r, context: c, limit: 16 * 1024)
            let client = APIRules.clientKey(r, peer: c.remoteAddress, trustForwardedFor: site.limits.trustForwardedFor)
            return try await RequestPages.ask(form, client: client, engine: engine)
        }
        router.get("/benchmarks/regressions") { _, _ in try await BenchmarkPages.regressions(engine: engine) }
        router.post("/benchmarks/submit") { r, c in
            let form = try await FormBody.read(r, context: c, limit: 256 * 1024)
            return try await BenchmarkPages.submit(form, engine: engine)
        }
        router.get("/benchmarks/:id") { r, c in
            if let refusal = try await PrivateRuns.refuseRun(c.parameters.get("id") ?? "", r, site: site) { return refusal }   // moderator or private link
            return try await BenchmarkPages.detail(c.parameters.get("id") ?? "", engine: engine)
        }

        router.get("/feedback") { r, _ in EditorialPages.feedbackForm(page: params(r)["page"], sent: false, engine: engine) }
        router.post("/feedback") { r, c in
            let form = try await FormBody.read(r, context: c, limit: 64 * 1024)
            return try await EditorialPages.sendFeedback(form, engine: engine)
        }
        for slug in EditorialPages.slugs {
            router.get(RouterPath(stringLiteral: "/" + slug)) { _, _ in EditorialPages.render(slug, engine: engine) }
        }
        router.get("/public-api") { _, _ in EditorialPages.publicAPI(engine) }
        router.get("/sitemap") { _, _ in FeedPages.sitemapPage(engine) }
        router.get("/sitemap.xml") { _, _ in FeedPages.sitemapXML(engine) }
        router.get("/feed.xml") { _, _ in await FeedPages.atom(engine) }
    }
}

/// An `application/x-www-form-urlencoded` body, bounded.
enum FormBody {
    static func read(_ request: Request, context: some RequestContext, limit: Int) async throws -> Params {
        let buffer = try await request.body.collect(upTo: limit)
        return Params(query: String(buffer: buffer))
    }
}
