import Hummingbird
import NIOCore
import Logging
import RunLocalAIApp

/// Builds the site's router: the JSON API under `/api/v1` (see `API/`), the HTML pages (see `Pages/`) and `/health`.
///
/// ```swift
/// let router = buildRouter(site: site)
/// let app = Application(router: router)
/// ```
public func buildRouter(site: Site, security: SecurityOptions = SecurityOptions(), metrics: SiteMetrics = SiteMetrics()) -> Router<SiteRequestContext> {
    let router = Router(context: SiteRequestContext.self, options: .autoGenerateHeadEndpoints)
    let routes = RouteTable()   // filled below, once every route is registered (405 + Allow)
    router.add(middleware: SecurityMiddleware(site: site, options: security, routes: routes, metrics: metrics))
    router.get("/health") { _, _ in await APIRoutes.health(site: site) }
    router.get("/metrics") { _, _ in metrics.response() }
    metrics.watch(caches: { site.service.cacheStats })
    APIRoutes.register(on: router, site: site, metrics: metrics)
    PageRoutes.register(on: router, site: site, metrics: metrics)
    routes.load(router.routes.map { (path: $0.path.description, method: $0.method) })
    return router
}

/// The context of every request the site handles: Hummingbird's core storage plus the peer's address, which the
/// API's rate limiter keys on (`APIRules.clientKey`).
///
/// ```swift
/// let router = Router(context: SiteRequestContext.self)
/// router.get("/ip") { _, context in context.remoteAddress?.ipAddress ?? "unknown" }
/// ```
public struct SiteRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: Channel
    /// The connected peer (a proxy's address when the site runs behind one); nil in the in-process test client.
    /// Read when asked (the rate limiter asks on state-changing requests only), not for every request.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The application `runlocalai serve` runs: the site's router (with its safety rules and metrics) on the HTTP/1.1
/// server of ``ConnectionLimits`` (header and idle timeouts, connection caps) at `address`.
///
/// ```swift
/// let app = buildApplication(site: site, address: .hostname("127.0.0.1", port: 8080))
/// try await app.runService()
/// ```
public func buildApplication(site: Site, address: BindAddress, security: SecurityOptions = SecurityOptions(), metrics: SiteMetrics = SiteMetrics(),
                             connections: ConnectionLimits = ConnectionLimits(), logger: Logger = Logger(label: "runlocalai")) -> some ApplicationProtocol {
    Application(router: buildRouter(site: site, security: security, metrics: metrics), server: connections.server(logger: logger),
                configuration: connections.configuration(address: address), logger: logger)
}

/// Routers for `scripts/load-bench.sh` to measure what the site's middleware (security rules, the API's rules) costs
/// per request. `.helloBehindMiddleware`: one trivial JSON route, `GET /api/v1/hello`, behind the middleware (against a
/// bare Hummingbird hello-world). `.siteWithoutMiddleware`: every API route and page with no middleware at all (against
/// the real site, same question). `RunLocalAIBenchmarks hello-server PORT --probe NAME` serves them. Never serve the
/// second one: it has none of the safety rules.
///
/// ```swift
/// let app = Application(router: buildMiddlewareProbe(.helloBehindMiddleware, site: site), configuration: .init(address: .hostname("127.0.0.1", port: 18183)))
/// ```
public enum MiddlewareProbe: String, Sendable, CaseIterable {
    case helloBehindMiddleware = "hello-behind-middleware"
    case siteWithoutMiddleware = "site-without-middleware"
    case siteWithMiddleware = "site-with-middleware"
}

public func buildMiddlewareProbe(_ probe: MiddlewareProbe, site: Site) -> Router<SiteRequestContext> {
    struct Hello: ResponseEncodable { var hello = "world" }
    let router = Router(context: SiteRequestContext.self, options: .autoGenerateHeadEndpoints)
    switch probe {
    case .helloBehindMiddleware:
        let routes = RouteTable()
        router.add(middleware: SecurityMiddleware(site: site, options: SecurityOptions(), routes: routes, metrics: SiteMetrics()))
        router.get("/api/v1/hello") { _, _ in Hello() }
        routes.load(router.routes.map { (path: $0.path.description, method: $0.method) })
    case .siteWithoutMiddleware:
        APIRoutes.register(on: router, site: site)
        PageRoutes.register(on: router, site: site)
    case .siteWithMiddleware:
        return buildRouter(site: site)
    }
    return router
}
