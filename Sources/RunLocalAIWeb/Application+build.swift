import Hummingbird
import Logging

/// Builds the site's router: the JSON API under `/api/v1` (see `API/`), the HTML pages (see `Pages/`) and `/health`.
///
/// ```swift
/// let router = buildRouter(site: site)
/// let app = Application(router: router)
/// ```
public func buildRouter(site: Site) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: APIMiddleware(site: site))
    router.get("/health") { _, _ in await APIRoutes.health(site: site) }
    APIRoutes.register(on: router, site: site)
    PageRoutes.register(on: router, site: site)
    return router
}

/// The application `runlocalai serve` runs.
public func buildApplication(site: Site, configuration: ApplicationConfiguration, logger: Logger = Logger(label: "runlocalai")) -> some ApplicationProtocol {
    Application(router: buildRouter(site: site), configuration: configuration, logger: logger)
}
