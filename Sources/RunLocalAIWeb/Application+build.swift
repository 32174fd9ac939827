import Hummingbird
import NIOCore
import Logging

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
    router.add(middleware: APIMiddleware(site: site))
    router.get("/health") { _, _ in await APIRoutes.health(site: site) }
    router.get("/metrics") { _, _ in metrics.response() }
    APIRoutes.register(on: router, site: site)
    PageRoutes.register(on: router, site: site)
    routes.load(router.routes.map { (path: $0.path.description, method: $0.method) })
    return router
}

/// The context of every request the site handles: Hummingbird's core storage plus the peer's address, which the
/// API's rate limiter keys on (`APIMiddleware.clientKey`).
///
/// ```swift
/// let router = Router(context: SiteRequestContext.self)
/// router.get("/ip") { _, context in context.remoteAddress?.ipAddress ?? "unknown" }
/// ```
public struct SiteRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer (a proxy's address when the site runs behind one); nil in the in-process test client.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The application `runlocalai serve` runs.
public func buildApplication(site: Site, configuration: ApplicationConfiguration, logger: Logger = Logger(label: "runlocalai")) -> some ApplicationProtocol {
    Application(router: buildRouter(site: site), configuration: configuration, logger: logger)
}
