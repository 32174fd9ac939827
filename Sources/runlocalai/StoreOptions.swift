import ArgumentParser
import Foundation
import RunLocalAIStore

/// Where the benchmark store lives: SQLite in a data folder (default) or PostgreSQL (--postgres / DATABASE_URL).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store (created if missing).") var dataDir: String = "./data"
    @Option(help: "PostgreSQL URL instead of SQLite (default: DATABASE_URL when set).") var postgres: String?

    /// Opens and migrates the store. A PostgreSQL client runs in `task` until it is cancelled.
    func open() async throws -> (store: any BenchmarkStore, task: Task<Void, Never>?, description: String) {
        let env = ProcessInfo.processInfo.environment
        if let url = postgres ?? env["DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let pg = try PostgresBenchmarkStore(url: url)
            let task = Task { await pg.run() }
            try await pg.migrate()
            return (pg, task, "PostgreSQL")
        }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dataDir).appendingPathComponent("runlocalai.sqlite").path
        let store = try SQLiteBenchmarkStore(path: path)
        try await store.migrate()
        return (store, nil, "SQLite \(path)")
    }
}
