import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

@Suite("SQLite store: durability")
struct SQLiteDurabilityTests {
    @Test("A submission acknowledged is on disk: a store opened afterwards on the same file sees it, the first never closed")
    func acknowledgedSubmitSurvives() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-durable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("runlocalai.sqlite").path

        var first: SQLiteBenchmarkStore? = try SQLiteBenchmarkStore(path: path)
        try await first!.migrate()
        let saved = try await first!.submit(Sample.full)
        // A second process-like opener while the first is still open (WAL: readers see committed writes at once)…
        let second = try SQLiteBenchmarkStore(path: path)
        try await second.migrate()
        #expect(try await second.run(id: saved.id!) == saved)
        // …and after the first is dropped without any close or checkpoint call.
        first = nil
        let third = try SQLiteBenchmarkStore(path: path)
        #expect(try await third.run(id: saved.id!) == saved)
        #expect(try await third.history(of: saved.id!).map(\.to) == [.pending])
    }

    @Test("The pool runs in WAL mode with synchronous = FULL")
    func pragmas() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-pragmas-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("x.sqlite").path)
        let (mode, sync) = try await store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 2, "2 is FULL")
    }
}

@Suite("PostgreSQL store: several servers, one database", .serialized,
       .enabled(if: StoreFactory.postgresURL != nil, "RUNLOCALAI_TEST_POSTGRES_URL is not set"))
struct PostgresSharingTests {
    @Test("Two server processes on one PostgreSQL see each other's approved runs immediately")
    func twoServersShareApprovals() async throws {
        let schema = "test_" + StoreID.make()
        let (a, runningA) = try await PostgresTestServer.start(schema: schema)
        let (b, runningB) = try await PostgresTestServer.start(schema: schema)
        defer { runningA.cancel(); runningB.cancel() }
        // Both start at once and migrate: the advisory lock makes it one migration.
        async let migrateA: Void = a.migrate()
        async let migrateB: Void = b.migrate()
        _ = try await (migrateA, migrateB)

        let submitted = try await a.submit(Sample.full)
        #expect(try await b.runs(BenchmarkQuery()).isEmpty)
        try await a.setStatus(id: submitted.id!, to: .approved, by: "server-a", note: nil)
        let seenByB = try await b.runs(BenchmarkQuery())
        #expect(seenByB.map(\.id) == [submitted.id])
        #expect(seenByB.first?.status == .approved)

        // And back: B moderates, A sees it on its next read.
        try await b.setStatus(id: submitted.id!, to: .reproduced, by: "server-b", note: "matched")
        #expect(try await a.run(id: submitted.id!)?.status == .reproduced)
        #expect(try await a.history(of: submitted.id!).map(\.by) == ["alice", "server-a", "server-b"])

        // Concurrent moderation of one run from both servers: exactly one wins, the other gets a clear refusal.
        let other = try await b.submit(Sample.run(decode: 7))
        func approve(_ store: PostgresBenchmarkStore, by name: String) async -> Bool {
            (try? await store.setStatus(id: other.id!, to: .approved, by: name, note: nil)) != nil
        }
        async let fromA = approve(a, by: "a")
        async let fromB = approve(b, by: "b")
        let outcomes = await [fromA, fromB]
        #expect(outcomes.filter { $0 }.count == 1, "the second approval is approved → approved, which is refused")
        #expect(try await a.history(of: other.id!).count == 2)

        try await a.dropSchema()
        runningA.cancel(); runningB.cancel()
        await runningA.value; await runningB.value
    }
}

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("A URL gives host, port, user, password and database; TLS is off on loopback unless asked")
    func parsesURL() throws {
        let c = try PostgresBenchmarkStore.configuration(url: "postgres://runlocalai:p%40ss@127.0.0.1:5433/runlocalai_test")
        #expect(c.host == "127.0.0.1" && c.port == 5433)
        #expect(c.username == "runlocalai" && c.password == "p@ss" && c.database == "runlocalai_test")
        #expect(throws: BenchmarkStoreError.self) { try PostgresBenchmarkStore.configuration(url: "mysql://x@y/z") }
        #expect(throws: BenchmarkStoreError.self) { try PostgresBenchmarkStore.configuration(url: "postgres://db/x?sslmode=maybe") }
        #expect(throws: BenchmarkStoreError.self) {
            try PostgresBenchmarkStore(url: "postgres://u@localhost/db", schema: "x\"; DROP SCHEMA public; --")
        }
    }
}

@Suite("Store building blocks")
struct StoreBuildingBlockTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("The identity digest ignores id, status, submitter and submission time, and nothing else")
    func identityDigest() {
        let run = Sample.full
        var same = run
        same.id = "other"; same.status = .rejected; same.submitter = "bob"; same.submittedAt = Date()
        #expect(same.identityDigest == run.identityDigest)
        var different = run
        different.decodeTPS += 0.01
        #expect(different.identityDigest != run.identityDigest)
        different = run
        different.hardware = ["rtx-3060-12gb", "rtx-3090"]
        #expect(different.identityDigest != run.identityDigest)
        different = run
        different.logSHA256 = String(repeating: "cd", count: 32)
        #expect(different.identityDigest != run.identityDigest)
    }

    @Test("Moderation: a rejected run is never reproduced; rejected and duplicate runs only reopen")
    func moderationRules() {
        #expect(ModerationRules.allows(from: .pending, to: .approved))
        #expect(!ModerationRules.allows(from: .rejected, to: .reproduced))
        #expect(!ModerationRules.allows(from: .pending, to: .reproduced), "only an approved run is reproduced")
        #expect(ModerationRules.allowedMoves(from: .rejected) == [.pending])
        #expect(ModerationRules.allowedMoves(from: .duplicate) == [.pending])
        for s in BenchmarkRun.Status.allCases { #expect(!ModerationRules.allows(from: s, to: s)) }
    }

    @Test("Ids are 12 URL-safe characters and do not repeat")
    func ids() {
        let ids = (0..<10_000).map { _ in StoreID.make() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 12 && ImportedID.isAcceptable($0) })
        #expect(!ImportedID.isAcceptable("a/b") && !ImportedID.isAcceptable("") && !ImportedID.isAcceptable("<x>"))
    }
}
