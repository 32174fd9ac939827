import ArgumentParser
import Foundation
import RunLocalAIApp
import RunLocalAIStore

/// Where the benchmark store lives: SQLite in a data folder (default) or PostgreSQL (--postgres / DATABASE_URL).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store (created if missing).") var dataDir: String = "./data"
    @Option(help: "PostgreSQL URL instead of SQLite (default: DATABASE_URL when set).") var postgres: String?

    /// `--postgres`, else a non-empty `DATABASE_URL`, else nil (SQLite).
    var postgresURL: String? { postgres ?? ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Opens and migrates the store (as `serve` does: ``AppSetup/openStore(_:)``). A PostgreSQL client runs in `task`
    /// until it is cancelled.
    func open() async throws -> (store: any BenchmarkStore, task: Task<Void, Never>?, description: String) {
        let o = AppOptions(dataDirectory: dataDir, postgresURL: postgresURL)
        let opened = try await AppSetup.openStore(o)
        guard let store = opened.store else { throw ValidationError("no store at \(opened.description)") }
        return (store, opened.task, opened.description)
    }
}
