import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore
import RunLocalAIWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the site and the JSON API (/api/v1).",
        discussion: """
        Loads the catalog and content/ (beside catalog/), opens or creates the benchmark store \
        (SQLite at DATA-DIR/runlocalai.sqlite, or PostgreSQL with --postgres / DATABASE_URL), applies its \
        migrations, and serves until SIGINT or SIGTERM (graceful shutdown).
        Environment: RUNLOCALAI_ADMIN_TOKEN turns on moderation (POST /api/v1/benchmarks/{id}/status with \
        'Authorization: Bearer TOKEN'); DATABASE_URL selects PostgreSQL; RUNLOCALAI_SECRET keys the private links to \
        pending runs (random per process when unset, so links from before a restart stop working).
        Safety: names and query values over 200 characters are refused before any matching; POST/PUT/PATCH/DELETE share \
        one token bucket per client (429 + Retry-After); HTML forms need a same-origin request and their CSRF token; \
        /metrics serves Prometheus figures. Models named by a Hugging Face repository or GGUF URL are read from their \
        headers only (range requests) from huggingface.co and hf.co over HTTPS (public addresses; no IP literals; \
        redirects checked hop by hop), at most --model-header-cap MiB and --model-timeout seconds each, a few new ones \
        per client per minute, cached by URL and entity tag; --model-host adds a mirror. Connections: --header-timeout, --idle-timeout, --max-connections and \
        --max-connections-per-peer bound slow or idle clients (defaults 10 s, 60 s, 1024, 64).
        Examples:
          runlocalai serve --port 8080
          RUNLOCALAI_ADMIN_TOKEN=secret runlocalai serve --host 0.0.0.0 --data-dir /var/lib/runlocalai
          runlocalai serve --postgres postgres://runlocalai:secret@db:5432/runlocalai
          runlocalai serve --behind-proxy          # nginx in front appends the client to X-Forwarded-For
        """)

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Folder of published benchmark CSVs to seed an empty store from (default: ../shared/data/calibration).") var seed: String?
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var contentOptions: ContentOptions
    @OptionGroup(title: "Models named by URL or Hugging Face repository") var remoteOptions: RemoteModelOptions
    @OptionGroup(title: "The digest by mail") var mailOptions: MailOptions
    @Flag(help: "The site runs behind a reverse proxy that appends each client's address to X-Forwarded-For: rate-limit by that address (its last entry) instead of the proxy's.")
    var behindProxy = false
    @Option(help: "State-changing requests (POST, PUT, PATCH, DELETE: HTML forms and the API) each client may send at once; the bucket refills at --post-refill per second.")
    var postBurst: Double = 20
    @Option(help: "Requests per second added back to each client's bucket.")
    var postRefill: Double = 0.5
    @Option(help: "Seconds a new connection has to send its first request head before it is closed (slow-header clients).")
    var headerTimeout: Int = 10
    @Option(help: "Seconds an idle keep-alive connection is kept open.")
    var idleTimeout: Int = 60
    @Option(help: "Most connections kept open at once; past it a new connection closes the one idle longest (only when twice this many are all busy do new connections wait).")
    var maxConnections: Int = 1024
    @Option(help: "Most open connections from one client address; more are closed at once.")
    var maxConnectionsPerPeer: Int = 64

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1...65535") }
        guard (1...3600).contains(headerTimeout), (1...86_400).contains(idleTimeout) else {
            throw ValidationError("--header-timeout must be 1...3600 and --idle-timeout 1...86400 seconds")
        }
        guard postBurst >= 1, postRefill > 0 else { throw ValidationError("--post-burst must be at least 1 and --post-refill above 0") }
        guard maxConnections >= 1, maxConnectionsPerPeer >= 1 else { throw ValidationError("--max-connections and --max-connections-per-peer must be at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "runlocalai")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        let env = ProcessInfo.processInfo.environment
        var options = AppOptions(catalogPath: catalogOptions.path, contentPath: contentOptions.path, dataDirectory: storeOptions.dataDir,
                                 postgresURL: storeOptions.postgresURL,
                                 seedDirectory: seedDirectory)
        options.remote = remoteOptions.source()
        let metrics = SiteMetrics()
        options.storeObserver = { operation, duration, failed in metrics.recordStore(operation, duration, failed: failed) }
        let parts: AppParts
        do { parts = try await AppSetup.open(options, logger: logger) } catch let e as AppSetup.SetupError { throw ValidationError(e.description) }
        defer { parts.storeTask?.cancel() }
        guard let store = parts.store else { throw ValidationError("no store could be opened") }
        logger.info("store: \(parts.storeDescription)")
        let token = env["RUNLOCALAI_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var site = Site(service: parts.service, content: parts.content.map(SiteContent.init) ?? SiteContent(), store: store, adminToken: token,
                        limits: APILimits(postBurst: postBurst, postRefillPerSecond: postRefill, trustForwardedFor: behindProxy))
        site.calibration = AppSetup.calibrationReport(seedDirectory: seedDirectory, catalog: parts.catalog)
        site.mailer = try mailOptions.mailer(defaultURL: "http://\(host):\(port)")
        if let m = site.mailer, let smtp = mailOptions.smtp {
            logger.info("digest mail: \(smtp) as \(m.from), links to \(m.publicURL)")
            do { try await mailOptions.mailerTransport(smtp).check() } catch { logger.warning("digest mail: the relay does not answer yet (\(error)); signups will fail until it does") }
        }
        _ = site.derived.hardwareFacts   // compute scores and chips before the first request
        logger.info("catalog: \(parts.catalog.models.count) models, \(parts.catalog.hardware.count) hardware; content: \(site.content.glossary.count) terms, \(site.content.errors.count) errors; moderation \(token == nil ? "off" : "on")")
        let connections = ConnectionLimits(headerTimeoutSeconds: headerTimeout, idleTimeoutSeconds: idleTimeout,
                                           maxConnections: maxConnections, maxConnectionsPerPeer: maxConnectionsPerPeer)
        let security = SecurityOptions(secret: env["RUNLOCALAI_SECRET"])
        let app = buildApplication(site: site, address: .hostname(host, port: port), security: security, metrics: metrics,
                                   connections: connections, logger: logger)
        try await app.runService()
    }

    /// Where the published benchmark tables are read from.
    var seedDirectory: String { seed ?? "../shared/data/calibration" }
}
