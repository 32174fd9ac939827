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
        'Authorization: Bearer TOKEN'); DATABASE_URL selects PostgreSQL.
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
    @Flag(help: "The site runs behind a reverse proxy that appends each client's address to X-Forwarded-For: rate-limit by that address (its last entry) instead of the proxy's.")
    var behindProxy = false

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1...65535") }
    }

    func run() async throws {
        var logger = Logger(label: "runlocalai")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        let env = ProcessInfo.processInfo.environment
        let options = AppOptions(catalogPath: catalogOptions.path, contentPath: contentOptions.path, dataDirectory: storeOptions.dataDir,
                                 postgresURL: storeOptions.postgres ?? env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                 seedDirectory: seedDirectory)
        let parts: AppParts
        do { parts = try await AppSetup.open(options, logger: logger) } catch let e as AppSetup.SetupError { throw ValidationError(e.description) }
        defer { parts.storeTask?.cancel() }
        guard let store = parts.store else { throw ValidationError("no store could be opened") }
        logger.info("store: \(parts.storeDescription)")
        let token = env["RUNLOCALAI_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var site = Site(service: parts.service, content: parts.content.map(SiteContent.init) ?? SiteContent(), store: store, adminToken: token, limits: APILimits(trustForwardedFor: behindProxy))
        site.calibration = AppSetup.calibrationReport(seedDirectory: seedDirectory, catalog: parts.catalog)
        _ = site.derived.hardwareFacts   // compute scores and chips before the first request
        logger.info("catalog: \(parts.catalog.models.count) models, \(parts.catalog.hardware.count) hardware; content: \(site.content.glossary.count) terms, \(site.content.errors.count) errors; moderation \(token == nil ? "off" : "on")")
        let app = buildApplication(site: site, configuration: .init(address: .hostname(host, port: port), serverName: "runlocalai"), logger: logger)
        try await app.runService()
    }

    /// Where the published benchmark tables are read from.
    var seedDirectory: String { seed ?? "../shared/data/calibration" }
}
