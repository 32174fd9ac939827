import Foundation
import Logging
import RunLocalAICore
import RunLocalAIStore

/// Where the application's parts come from: the catalog and content folders, the benchmark store (SQLite in a
/// data folder, or PostgreSQL), and the published tables an empty store is seeded from.
///
/// ```swift
/// let options = AppOptions(dataDirectory: "./data")
/// let app = try await AppSetup.open(options)
/// let answer = try await app.service.answer(question)
/// ```
public struct AppOptions: Sendable {
    public var catalogPath: String?
    public var contentPath: String?
    /// The SQLite store's folder (created when `createStore`); ignored with `postgresURL`.
    public var dataDirectory: String
    public var postgresURL: String?
    /// Published benchmark CSVs: seed an empty store from them, and score the engine on them.
    public var seedDirectory: String
    /// Create the data folder and store when missing (`serve`); the CLI's questions only open an existing one.
    public var createStore: Bool
    /// Seed an empty store from `seedDirectory`.
    public var seedEmptyStore: Bool
    public var loadContent: Bool
    /// Told how long each store call took (`serve` feeds its store-latency metrics from it).
    public var storeObserver: (@Sendable (ObservedStore.Operation, Duration, Bool) -> Void)?
    /// Reads models named by a Hugging Face repository or GGUF URL (injected: its transport is I/O); nil refuses them.
    public var remote: RemoteModelSource?

    public init(catalogPath: String? = nil, contentPath: String? = nil, dataDirectory: String = "./data", postgresURL: String? = nil,
                seedDirectory: String = "../shared/data/calibration", createStore: Bool = true, seedEmptyStore: Bool = true,
                loadContent: Bool = true) {
        self.catalogPath = catalogPath; self.contentPath = contentPath; self.dataDirectory = dataDirectory; self.postgresURL = postgresURL
        self.seedDirectory = seedDirectory; self.createStore = createStore; self.seedEmptyStore = seedEmptyStore; self.loadContent = loadContent
    }
}

/// The assembled application: catalog, content, store, the answer service, and the calibration report.
public struct AppParts: Sendable {
    public var catalog: Catalog
    public var catalogURL: URL
    public var content: ContentLibrary?
    public var store: (any BenchmarkStore)?
    /// Runs the PostgreSQL client until cancelled (nil for SQLite).
    public var storeTask: Task<Void, Never>?
    public var storeDescription: String
    public var service: AnswerService
    public var calibration: Calibration.Report?
}

/// Builds the application's parts, as Hummingbird's template has `buildApplication`: the CLI's `serve` and its
/// questions (`will-it-run --data-dir`) both come through here, so they answer from the same store the same way.
public enum AppSetup {
    public struct SetupError: Error, CustomStringConvertible { public var description: String }

    public static func open(_ o: AppOptions, localMachine: LocalMachine? = nil, logger: Logger? = nil) async throws -> AppParts {
        guard let catalogURL = Catalog.locate(explicit: o.catalogPath) else {
            throw SetupError(description: "cannot find the catalog folder; run from the repository or pass --catalog PATH")
        }
        let catalog: Catalog
        do { catalog = try Catalog.load(from: catalogURL) } catch let e as CatalogError { throw SetupError(description: e.description) }
        var content: ContentLibrary?
        if o.loadContent {
            let url = o.contentPath.map { URL(fileURLWithPath: $0) }
                ?? ProcessInfo.processInfo.environment["RUNLOCALAI_CONTENT"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                ?? ContentLoader.locate(besideCatalog: catalogURL)
            guard let url else { throw SetupError(description: "cannot find the content folder; run from the repository or pass --content PATH") }
            do { content = try ContentLoader.load(from: url, catalog: catalog) } catch let e as ContentError { throw SetupError(description: e.description) }
        }
        let opened = try await openStore(o)
        var store: (any BenchmarkStore)? = opened.store
        if let base = opened.store, let observe = o.storeObserver { store = ObservedStore(base: base, observe: observe) }
        let noStoreReason = opened.store == nil
            ? "no benchmark store at \(opened.description) (pass --data-dir DIR of a served site), so the figures are the engine's estimate" : nil
        let task = opened.task, description = opened.store == nil ? "none" : opened.description
        if let store, o.seedEmptyStore { try await seedIfEmpty(store, from: o.seedDirectory, catalog: catalog, logger: logger) }
        let service = AnswerService(catalog: catalog, store: store, localMachine: localMachine, noStoreReason: noStoreReason, remote: o.remote)
        return AppParts(catalog: catalog, catalogURL: catalogURL, content: content, store: store, storeTask: task,
                        storeDescription: description, service: service, calibration: nil)
    }

    /// Opens and migrates the store the options name: PostgreSQL when `postgresURL` is set (its client runs in `task`
    /// until cancelled), else SQLite in `dataDirectory` (created when `createStore`; without it and no file there,
    /// `store` is nil and `description` is the path that was looked for).
    public static func openStore(_ o: AppOptions) async throws -> (store: (any BenchmarkStore)?, task: Task<Void, Never>?, description: String) {
        if let url = o.postgresURL {
            let pg = try PostgresBenchmarkStore(url: url)
            let task = Task { await pg.run() }
            do { try await pg.migrate() } catch { task.cancel(); throw error }
            return (pg, task, "PostgreSQL")
        }
        let path = URL(fileURLWithPath: o.dataDirectory).appendingPathComponent("runlocalai.sqlite").path
        guard o.createStore || FileManager.default.fileExists(atPath: path) else { return (nil, nil, path) }
        try FileManager.default.createDirectory(atPath: o.dataDirectory, withIntermediateDirectories: true)
        let s = try SQLiteBenchmarkStore(path: path)
        try await s.migrate()
        return (s, nil, "SQLite \(path)")
    }

    /// The engine scored on the published tables (the methodology page shows it), if they are present.
    public static func calibrationReport(seedDirectory: String, catalog: Catalog) -> Calibration.Report? {
        guard let rows = try? Calibration.rows(files: Calibration.csvFiles(in: seedDirectory)), !rows.isEmpty else { return nil }
        return Calibration.report(rows: rows, catalog: catalog)
    }

    /// Seeds an empty store once from the published benchmark tables.
    public static func seedIfEmpty(_ store: any BenchmarkStore, from dir: String, catalog: Catalog, logger: Logger?) async throws {
        let csvs = Calibration.csvFiles(in: dir)
        guard !csvs.isEmpty else { return }
        guard try await store.count(BenchmarkQuery(statuses: Set(BenchmarkRun.Status.allCases))) == 0 else { return }
        let seed = try SeedImport.runs(files: csvs, catalog: catalog)
        let added = try await store.importRuns(seed.runs)
        logger?.info("seeded the store from \(dir): \(seed.summary(added: added))")
    }
}
