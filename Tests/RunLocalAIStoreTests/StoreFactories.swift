import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

/// A way to open a fresh, migrated, empty store: the conformance suite runs every test once per factory.
///
/// SQLite: a real file in a new temporary directory. PostgreSQL: the database at `RUNLOCALAI_TEST_POSTGRES_URL`,
/// each test in a schema of its own (dropped afterwards). Without that variable the PostgreSQL cases are left out,
/// with the reason printed; `.ci/run` sets it (`scripts/start-test-postgres.sh`).
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> OpenedStore
    var testDescription: String { name }

    /// Opens a store, hands it to `body`, and always cleans up.
    @discardableResult
    func with<T: Sendable>(_ body: (any BenchmarkStore) async throws -> T) async throws -> T {
        let opened = try await open()
        do {
            let value = try await body(opened.store)
            await opened.close()
            return value
        } catch {
            await opened.close()
            throw error
        }
    }

    static let sqlite = StoreFactory(name: "SQLite") {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-store-\(UUID().uuidString)")
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("runlocalai.sqlite").path)
        try await store.migrate()
        return OpenedStore(store: store) { try? FileManager.default.removeItem(at: dir) }
    }

    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["RUNLOCALAI_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if url == nil {
            print("note: PostgreSQL store tests skipped: RUNLOCALAI_TEST_POSTGRES_URL is not set (run `export RUNLOCALAI_TEST_POSTGRES_URL=$(bash scripts/start-test-postgres.sh)`)")
        }
        return url
    }()

    static let postgres = StoreFactory(name: "PostgreSQL") {
        let schema = "test_" + StoreID.make()
        let (store, running) = try await PostgresTestServer.start(schema: schema)
        try await store.migrate()
        return OpenedStore(store: store) {
            try? await store.dropSchema()
            running.cancel()
            await running.value
        }
    }

    /// Every store this machine can test.
    static let all: [StoreFactory] = [sqlite] + (postgresURL == nil ? [] : [postgres])
}

struct OpenedStore: Sendable {
    let store: any BenchmarkStore
    let close: @Sendable () async -> Void
}

/// A PostgreSQL store with its client running, as a server would hold it.
enum PostgresTestServer {
    static func start(schema: String) async throws -> (PostgresBenchmarkStore, Task<Void, Never>) {
        var configuration = try PostgresBenchmarkStore.configuration(url: StoreFactory.postgresURL!)
        configuration.options.maximumConnections = 8
        let store = try PostgresBenchmarkStore(configuration: configuration, schema: schema)
        let running = Task { await store.run() }
        try await Task.sleep(for: .milliseconds(20))   // let run() start first (PostgresNIO warns otherwise)
        return (store, running)
    }
}

/// Runs to store: a complete one and small variations.
enum Sample {
    static let measured = Date(timeIntervalSince1970: 1_745_000_000.123)

    static func run(model: String = "llama-3.1-8b", quant: String = "Q4_K_M", hardware: [String] = ["rtx-3090"],
                    runtime: String = "llama.cpp", decode: Double = 112.4) -> BenchmarkRun {
        BenchmarkRun(model: model, quant: quant, hardware: hardware, runtime: runtime, decodeTPS: decode)
    }

    /// Every optional field set.
    static var full: BenchmarkRun {
        BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090", "rtx-3060-12gb"], hardwareCount: 2,
                     runtime: "llama.cpp", runtimeVersion: "b6918", backend: "CUDA", context: 8192, flashAttention: true,
                     kvType: "q8_0", gpuLayers: 33, promptTokens: 512, generatedTokens: 128, prefillTPS: 4120.5,
                     decodeTPS: 112.4, ttftMS: 130.25, peakVRAMBytes: 7_000_000_000, peakRAMBytes: 1_200_000_000,
                     powerWatts: 348.5, os: "Ubuntu 24.04", measuredAt: measured, submitter: "alice",
                     command: "llama-bench -m model.gguf -p 512 -n 128 -fa 1",
                     logExcerpt: "llama_perf_context_print: eval time = 1138.77 ms / 128 runs\n\tok",
                     logURL: "https://example.org/log.txt", logSHA256: String(repeating: "ab", count: 32),
                     source: "community", status: .approved, submittedAt: Date(timeIntervalSince1970: 1))
    }
}
