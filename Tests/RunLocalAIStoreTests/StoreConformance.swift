import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

/// What every ``BenchmarkStore`` does, written once and run against each implementation (SQLite always,
/// PostgreSQL when `RUNLOCALAI_TEST_POSTGRES_URL` is set).
@Suite("BenchmarkStore conformance", .serialized)
struct StoreConformance {
    // MARK: Submitting and reading

    @Test("A submission is stored as pending, with a fresh id and its submission time", arguments: StoreFactory.all)
    func submitStoresPending(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let before = Date().addingTimeInterval(-1)
            let saved = try await store.submit(Sample.full)   // asks for .approved and a 1970 submission time: both ignored
            let id = try #require(saved.id)
            #expect(id.count == 12)
            #expect(id.allSatisfy { $0.isLowercase || $0.isNumber })
            #expect(saved.status == .pending)
            #expect(try #require(saved.submittedAt) > before)
            #expect(try await store.run(id: id) == saved)
        }
    }

    @Test("Every field round-trips exactly", arguments: StoreFactory.all)
    func everyFieldRoundTrips(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let saved = try await store.submit(Sample.full)
            var expected = Sample.full
            expected.id = saved.id; expected.status = .pending; expected.submittedAt = saved.submittedAt
            expected.measuredAt = Date(timeIntervalSince1970: 1_745_000_000.123)
            #expect(saved == expected)
            let read = try #require(try await store.run(id: saved.id!))
            #expect(read == expected)
            #expect(read.hardware == ["rtx-3090", "rtx-3060-12gb"])
            #expect(read.logExcerpt == "llama_perf_context_print: eval time = 1138.77 ms / 128 runs\n\tok")

            let minimal = try await store.submit(Sample.run(model: "qwen3-8b", decode: 0.000_123_456_789))
            let readMinimal = try #require(try await store.run(id: minimal.id!))
            #expect(readMinimal == minimal)
            #expect(readMinimal.context == nil && readMinimal.flashAttention == nil && readMinimal.prefillTPS == nil)
        }
    }

    @Test("An unknown id reads as nothing", arguments: StoreFactory.all)
    func unknownIDIsNil(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            #expect(try await store.run(id: "nosuchrun123") == nil)
            #expect(try await store.run(id: "'; DROP TABLE runs; --") == nil)
            #expect(try await store.history(of: "nosuchrun123").isEmpty)
        }
    }

    @Test("Submitting the same measurement twice is refused, naming the stored run", arguments: StoreFactory.all)
    func duplicateSubmission(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let first = try await store.submit(Sample.full)
            var again = Sample.full
            again.submitter = "someone else"   // not part of the identity
            let error = await #expect(throws: BenchmarkStoreError.self) { try await store.submit(again) }
            #expect(error == .duplicate(existingID: first.id!))
            #expect(error?.description.contains(first.id!) == true)
        }
    }

    // MARK: Queries

    @Test("Queries filter (and count) by model, quant, hardware, runtime and status", arguments: StoreFactory.all)
    func queryFilters(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let a = try await store.submit(Sample.run(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"]))
            let b = try await store.submit(Sample.run(model: "llama-3.1-8b", quant: "Q8_0", hardware: ["rtx-3090"]))
            let c = try await store.submit(Sample.run(model: "qwen3-8b", quant: "Q4_K_M", hardware: ["rtx-4090", "rtx-3090"], runtime: "ollama"))
            let d = try await store.submit(Sample.run(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-4090"], decode: 150))
            for id in [a.id!, b.id!, c.id!] { try await store.setStatus(id: id, to: .approved, by: "mod", note: nil) }

            func ids(_ q: BenchmarkQuery) async throws -> Set<String> {
                let found = Set(try await store.runs(q).compactMap(\.id))
                #expect(try await store.count(q) == found.count, "the database's count agrees with the rows read")
                return found
            }
            #expect(try await ids(BenchmarkQuery()) == [a.id!, b.id!, c.id!], "the default query shows published runs only")
            #expect(try await ids(BenchmarkQuery(statuses: [.pending])) == [d.id!])
            #expect(try await ids(BenchmarkQuery(statuses: [])) == [a.id!, b.id!, c.id!, d.id!], "no statuses means any")
            #expect(try await ids(BenchmarkQuery(model: "llama-3.1-8b")) == [a.id!, b.id!])
            #expect(try await ids(BenchmarkQuery(model: "llama-3.1-8b", quant: "Q4_K_M", statuses: [])) == [a.id!, d.id!])
            #expect(try await ids(BenchmarkQuery(hardware: "rtx-3090")) == [a.id!, b.id!, c.id!], "a run matches any of its devices")
            #expect(try await ids(BenchmarkQuery(hardware: "rtx-4090", statuses: [])) == [c.id!, d.id!])
            #expect(try await ids(BenchmarkQuery(hardware: "rtx")) == [], "hardware matches whole ids, not substrings")
            #expect(try await ids(BenchmarkQuery(runtime: "ollama")) == [c.id!])
            #expect(try await ids(BenchmarkQuery(model: "no-such-model")) == [])
            #expect(try await store.count(BenchmarkQuery(statuses: [], limit: 1, offset: 3)) == 4, "a count ignores limit and offset")
        }
    }

    @Test("Queries list newest first and page with limit and offset", arguments: StoreFactory.all)
    func newestFirstAndPaging(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var submitted: [String] = []
            for i in 0..<7 { submitted.append(try await store.submit(Sample.run(decode: Double(10 + i))).id!) }
            let newestFirst = Array(submitted.reversed())
            let all = try await store.runs(BenchmarkQuery(statuses: [.pending]))
            #expect(all.compactMap(\.id) == newestFirst)
            let page2 = try await store.runs(BenchmarkQuery(statuses: [.pending], limit: 3, offset: 3))
            #expect(page2.compactMap(\.id) == Array(newestFirst[3..<6]))
            let past = try await store.runs(BenchmarkQuery(statuses: [.pending], limit: 3, offset: 100))
            #expect(past.isEmpty)
            let hostile = try await store.runs(BenchmarkQuery(statuses: [.pending], limit: -5, offset: -5))
            #expect(hostile.isEmpty, "a negative limit is read as zero, a negative offset as zero")
        }
    }

    // MARK: Moderation

    @Test("Moderation moves a run and records who, when, from, to and why", arguments: StoreFactory.all)
    func moderationHistory(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let run = try await store.submit(Sample.full)
            let id = run.id!
            let approved = try await store.setStatus(id: id, to: .approved, by: "mod-a", note: "log matches the figures")
            #expect(approved.status == .approved)
            try await store.setStatus(id: id, to: .reproduced, by: "mod-b", note: nil)
            try await store.setStatus(id: id, to: .independentlyReproduced, by: "mod-b", note: "second lab")
            #expect(try await store.run(id: id)?.status == .independentlyReproduced)

            let history = try await store.history(of: id)
            #expect(history.map(\.from) == [nil, .pending, .approved, .reproduced])
            #expect(history.map(\.to) == [.pending, .approved, .reproduced, .independentlyReproduced])
            #expect(history.map(\.by) == ["alice", "mod-a", "mod-b", "mod-b"])
            #expect(history.map(\.note) == [nil, "log matches the figures", nil, "second lab"])
            #expect(history.allSatisfy { $0.runID == id })
            #expect(zip(history, history.dropFirst()).allSatisfy { $0.at <= $1.at })
        }
    }

    @Test("An illegal transition is refused with a message naming both statuses; nothing changes", arguments: StoreFactory.all)
    func illegalTransition(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let id = try await store.submit(Sample.full).id!
            try await store.setStatus(id: id, to: .rejected, by: "mod", note: "log does not match")
            let error = await #expect(throws: BenchmarkStoreError.self) {
                try await store.setStatus(id: id, to: .reproduced, by: "mod", note: nil)
            }
            #expect(error == .illegalTransition(id: id, from: .rejected, to: .reproduced))
            let message = try #require(error?.description)
            #expect(message.contains("rejected") && message.contains("reproduced") && message.contains("pending"))
            #expect(try await store.run(id: id)?.status == .rejected)
            #expect(try await store.history(of: id).count == 2)

            await #expect(throws: BenchmarkStoreError.illegalTransition(id: id, from: .rejected, to: .rejected)) {
                try await store.setStatus(id: id, to: .rejected, by: "mod", note: nil)
            }
            // A rejected run can be reopened, then approved.
            try await store.setStatus(id: id, to: .pending, by: "mod", note: "new log")
            #expect(try await store.setStatus(id: id, to: .approved, by: "mod", note: nil).status == .approved)
        }
    }

    @Test("Moderating an unknown run says so", arguments: StoreFactory.all)
    func moderateUnknown(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            await #expect(throws: BenchmarkStoreError.notFound(kind: "run", id: "nosuchrun123")) {
                try await store.setStatus(id: "nosuchrun123", to: .approved, by: "mod", note: nil)
            }
        }
    }

    // MARK: Import

    @Test("Import keeps statuses and ids, and skips runs already present", arguments: StoreFactory.all)
    func importSkipsDuplicates(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var published: [BenchmarkRun] = (0..<3).map { i in
                var r = Sample.run(decode: Double(50 + i))
                r.status = .approved; r.submitter = "imported"; r.source = "github.com/ggml-org/llama.cpp/discussions/4167"
                return r
            }
            published[0].id = "keepthisid01"
            #expect(try await store.importRuns(published) == 3)
            #expect(try await store.run(id: "keepthisid01")?.status == .approved)

            var more = published
            var fresh = Sample.run(decode: 99)
            fresh.status = .approved
            more.append(fresh)
            more.append(fresh)   // twice in one batch: kept once
            #expect(try await store.importRuns(more) == 1)
            let stored = try await store.runs(BenchmarkQuery(statuses: []))
            #expect(stored.count == 4)
            #expect(stored.allSatisfy { $0.status == .approved })

            let history = try await store.history(of: "keepthisid01")
            #expect(history.count == 1)
            #expect(history.first?.from == nil && history.first?.to == .approved && history.first?.by == "import")

            // A submission of a measurement already imported is a duplicate too.
            await #expect(throws: BenchmarkStoreError.duplicate(existingID: "keepthisid01")) { try await store.submit(published[0]) }
        }
    }

    @Test("An import with one invalid record writes nothing", arguments: StoreFactory.all)
    func importIsAllOrNothing(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var bad = Sample.run(decode: .nan)
            bad.status = .approved
            await #expect(throws: BenchmarkStoreError.invalidValue(field: "decode_tps", reason: "nan is not a finite number")) {
                try await store.importRuns([Sample.run(decode: 1), bad])
            }
            #expect(try await store.runs(BenchmarkQuery(statuses: [])).isEmpty)
        }
    }

    // MARK: Reproductions and feedback

    @Test("Reproductions link a run to the runs that reproduce it", arguments: StoreFactory.all)
    func reproductions(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let original = try await store.submit(Sample.run(decode: 100)).id!
            let second = try await store.submit(Sample.run(decode: 101)).id!
            let third = try await store.submit(Sample.run(decode: 99)).id!
            try await store.addReproduction(of: original, by: second)
            try await store.addReproduction(of: original, by: third)
            try await store.addReproduction(of: original, by: second)   // idempotent
            #expect(try await store.reproductions(of: original).compactMap(\.id) == [second, third])
            #expect(try await store.reproductions(of: second).isEmpty)

            await #expect(throws: BenchmarkStoreError.notFound(kind: "run", id: "nosuchrun123")) {
                try await store.addReproduction(of: original, by: "nosuchrun123")
            }
            await #expect(throws: BenchmarkStoreError.self) { try await store.addReproduction(of: original, by: original) }
        }
    }

    @Test("Feedback is stored verbatim and listed newest first", arguments: StoreFactory.all)
    func feedback(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let first = try await store.addFeedback(Feedback(page: "/models/llama-3.1-8b", message: "the 3090 figure looks high"))
            let second = try await store.addFeedback(Feedback(page: "/hardware/rtx-3090", message: "<b>thanks</b> '; --",
                                                              contact: "bob@example.org"))
            #expect(first.id != nil && first.createdAt != nil)
            let listed = try await store.feedback(limit: 10)
            #expect(listed == [second, first])
            #expect(try await store.feedback(limit: 1) == [second])

            let tooLong = Feedback(page: "/", message: String(repeating: "x", count: StoreLimits.feedbackMessageBytes + 1))
            await #expect(throws: BenchmarkStoreError.fieldTooLarge(field: "message", size: StoreLimits.feedbackMessageBytes + 1,
                                                                   limit: StoreLimits.feedbackMessageBytes)) {
                try await store.addFeedback(tooLong)
            }
        }
    }

    // MARK: Hostile text and sizes

    @Test("SQL metacharacters and HTML are stored verbatim (escaping is the page's job)", arguments: StoreFactory.all)
    func hostileTextVerbatim(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let injection = "'; DROP TABLE runs; --"
            let script = "<script>alert(\"x\")</script>"
            var run = Sample.run(model: injection, quant: "Q4_K_M\" OR 1=1 --", hardware: [script, "a'b"])
            run.command = "llama-bench -p 'x' \\\"; rm -rf / #"
            run.logExcerpt = "\(script)\n\(injection)\n%_\\%"
            run.submitter = "Robert'); DROP TABLE status_history;--"
            run.source = "?$1 $2 ? :name @p"
            let saved = try await store.submit(run)
            let read = try #require(try await store.run(id: saved.id!))
            #expect(read == saved)
            #expect(read.model == injection && read.hardware == [script, "a'b"])
            #expect(try await store.runs(BenchmarkQuery(model: injection, statuses: [])).map(\.id) == [saved.id])
            #expect(try await store.runs(BenchmarkQuery(hardware: "a'b", statuses: [])).map(\.id) == [saved.id])
            #expect(try await store.runs(BenchmarkQuery(hardware: "%", statuses: [])).isEmpty)
            try await store.setStatus(id: saved.id!, to: .approved, by: injection, note: script)
            #expect(try await store.history(of: saved.id!).last?.note == script)
            // The tables are all still there.
            #expect(try await store.runs(BenchmarkQuery()).count == 1)
            _ = try await store.addFeedback(Feedback(page: injection, message: script))
            #expect(try await store.feedback(limit: 5).first?.page == injection)
        }
    }

    @Test("Unicode round-trips exactly; a NUL character is refused", arguments: StoreFactory.all)
    func unicode(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var run = Sample.run(model: "模型-ünïcödé-🦙")
            run.submitter = "Zoë 👩🏽‍💻"
            run.logExcerpt = "e\u{301} vs é · עברית · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 · \u{FEFF}bom · line\r\nnext"
            run.os = "macOS 15 ＊"
            let saved = try await store.submit(run)
            let read = try #require(try await store.run(id: saved.id!))
            #expect(read.logExcerpt?.unicodeScalars.elementsEqual(run.logExcerpt!.unicodeScalars) == true)
            #expect(read == saved)
            #expect(try await store.runs(BenchmarkQuery(model: "模型-ünïcödé-🦙", statuses: [])).count == 1)

            var nul = Sample.run(decode: 3)
            nul.command = "a\u{0}b"
            await #expect(throws: BenchmarkStoreError.invalidValue(field: "command", reason: "contains a NUL character")) {
                try await store.submit(nul)
            }
        }
    }

    @Test("Big fields are kept up to the hard cap and refused beyond it, naming field, size and limit", arguments: StoreFactory.all)
    func hardCaps(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var big = Sample.run()
            big.logExcerpt = String(repeating: "é", count: StoreLimits.logExcerptBytes / 2)   // exactly 64 KiB of UTF-8
            let saved = try await store.submit(big)
            #expect(try await store.run(id: saved.id!)?.logExcerpt == big.logExcerpt)

            var over = Sample.run(decode: 2)
            over.logExcerpt = big.logExcerpt! + "x"
            let error = await #expect(throws: BenchmarkStoreError.self) { try await store.submit(over) }
            #expect(error == .fieldTooLarge(field: "log_excerpt", size: 65_537, limit: 65_536))
            #expect(error?.description.contains("65536") == true)

            var huge = Sample.run(decode: 3)
            huge.command = String(repeating: "A", count: 10_000_000)
            await #expect(throws: BenchmarkStoreError.fieldTooLarge(field: "command", size: 10_000_000, limit: StoreLimits.commandBytes)) {
                try await store.submit(huge)
            }
            var manyDevices = Sample.run(decode: 4)
            manyDevices.hardware = (0..<100).map { "gpu-\($0)" }
            await #expect(throws: BenchmarkStoreError.self) { try await store.submit(manyDevices) }
            #expect(try await store.runs(BenchmarkQuery(statuses: [])).count == 1)
        }
    }

    @Test("Numbers a table cannot keep faithfully are refused: NaN, infinity, bytes beyond Int64", arguments: StoreFactory.all)
    func unrepresentableNumbers(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var inf = Sample.run(decode: .infinity)
            await #expect(throws: BenchmarkStoreError.invalidValue(field: "decode_tps", reason: "inf is not a finite number")) {
                try await store.submit(inf)
            }
            inf = Sample.run()
            inf.prefillTPS = -.infinity
            await #expect(throws: BenchmarkStoreError.self) { try await store.submit(inf) }
            var bytes = Sample.run()
            bytes.peakVRAMBytes = .max
            await #expect(throws: BenchmarkStoreError.self) { try await store.submit(bytes) }
            bytes.peakVRAMBytes = UInt64(Int64.max)
            let saved = try await store.submit(bytes)
            #expect(try await store.run(id: saved.id!)?.peakVRAMBytes == UInt64(Int64.max))
        }
    }

    // MARK: Concurrency and migrations

    @Test("Fifty concurrent submissions are all stored", arguments: StoreFactory.all)
    func concurrentSubmits(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<50 {
                    group.addTask { try await store.submit(Sample.run(decode: Double(i) + 0.5)).id! }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 50)
            let stored = try await store.runs(BenchmarkQuery(statuses: [.pending], limit: 1000))
            #expect(Set(stored.compactMap(\.id)) == ids)
        }
    }

    @Test("An archived snapshot never changes: the first body of a day wins, later writes get it back", arguments: StoreFactory.all)
    func snapshotsAreWrittenOnce(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            #expect(try await store.archivedSnapshot(day: "2026-12-06") == nil)
            let first = Data("{\"version\":\"a\"}".utf8), second = Data("{\"version\":\"b\"}".utf8)
            #expect(try await store.archiveSnapshot(day: "2026-12-06", body: first) == first)
            #expect(try await store.archiveSnapshot(day: "2026-12-06", body: second) == first)   // never rewritten
            #expect(try await store.archivedSnapshot(day: "2026-12-06") == first)
            let big = Data((0..<2_000_000).map { UInt8($0 % 251) })                          // a real snapshot is about 1 MB
            #expect(try await store.archiveSnapshot(day: "2026-12-07", body: big) == big)
            #expect(try await store.snapshotDays() == ["2026-12-06", "2026-12-07"])
        }
    }

    @Test("A benchmark request is counted once per voter, listed by demand, and closed by a matching run once it is published", arguments: StoreFactory.all)
    func benchmarkRequests(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let wanted = BenchmarkRequest.Key(model: "qwen3-32b", quant: "Q4_K_M", hardware: "rtx-3090", hardwareCount: 1)
            let any = BenchmarkRequest.Key(model: "llama-3.1-8b", quant: nil, hardware: "rtx-3090", hardwareCount: 1)
            let (first, created) = try await store.requestRun(wanted, voter: "voter-a")
            #expect(first.votes == 1 && first.status == .open && first.key == wanted && created)
            let again = try await store.requestRun(wanted, voter: "voter-a")
            #expect(again.request.votes == 1 && !again.created)                                  // the same voter counts once
            #expect(try await store.requestRun(wanted, voter: "voter-b").request.votes == 2)
            _ = try await store.requestRun(any, voter: "voter-c")
            let open = try await store.openRequests()
            #expect(open.map(\.key) == [wanted, any])                                       // most wanted first
            #expect(open[0].id == first.id)
            // A pending run does not close anything; publishing it closes the requests it answers (any quant too).
            let run = try await store.submit(Sample.run(model: "llama-3.1-8b", quant: "Q8_0", hardware: ["rtx-3090"]))
            #expect(try await store.openRequests().count == 2)
            _ = try await store.setStatus(id: run.id!, to: .approved, by: "mod", note: nil)
            let left = try await store.openRequests()
            #expect(left.map(\.key) == [wanted])
            let closed = try await store.benchmarkRequests(status: .closed, limit: 10)
            #expect(closed.count == 1 && closed[0].closedBy == run.id && closed[0].closedAt != nil)
            // Asking again for a run that exists keeps the request closed.
            #expect(try await store.requestRun(any, voter: "voter-d").request.status == .closed)
            #expect(try await store.benchmarkRequests(status: nil, limit: 10).count == 2)
            await #expect(throws: BenchmarkStoreError.self) {
                try await store.requestRun(.init(model: String(repeating: "m", count: 300), quant: nil, hardware: "rtx-3090", hardwareCount: 1), voter: "v")
            }
            await #expect(throws: BenchmarkStoreError.self) {
                try await store.requestRun(.init(model: "m", quant: nil, hardware: "rtx-3090", hardwareCount: 0), voter: "v")
            }
        }
    }

    @Test("Digest subscribers: pending until confirmed, unsubscribed by token, a month's digest recorded once per address", arguments: StoreFactory.all)
    func digestSubscribers(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let t1 = DigestSubscriber.newToken(), t2 = DigestSubscriber.newToken()
            let s = try await store.subscribe(email: "  Reader@Example.ORG ", token: t1)
            #expect(s.email == "reader@example.org" && s.status == .pending && s.token == t1)
            #expect(try await store.subscribe(email: "reader@example.org", token: t2).token == t1)   // pending keeps its token
            #expect(try await store.subscribers(status: .confirmed).isEmpty)
            #expect(try await store.confirmSubscription(token: t1)?.status == .confirmed)
            #expect(try await store.confirmSubscription(token: DigestSubscriber.newToken()) == nil)
            #expect(try await store.confirmSubscription(token: "' OR 1=1 --") == nil)
            #expect(try await store.subscribers(status: .confirmed).map(\.email) == ["reader@example.org"])
            #expect(try await store.recordDigestSent(month: "2026-11", email: "reader@example.org"))
            #expect(try await store.recordDigestSent(month: "2026-11", email: "READER@example.org") == false)
            try await store.forgetDigestSent(month: "2026-11", email: "reader@example.org")
            #expect(try await store.recordDigestSent(month: "2026-11", email: "reader@example.org"))
            #expect(try await store.unsubscribe(token: t1)?.status == .unsubscribed)
            #expect(try await store.subscribers(status: .confirmed).isEmpty)
            let again = try await store.subscribe(email: "reader@example.org", token: t2)   // signing up again starts over
            #expect(again.status == .pending && again.token == t2)
            for bad in ["reader", "a@b", "a b@example.org", "reader@example.org\r\nBcc: x@y.z", String(repeating: "a", count: 300) + "@example.org"] {
                await #expect(throws: BenchmarkStoreError.self, "\(bad)") { try await store.subscribe(email: bad, token: DigestSubscriber.newToken()) }
            }
        }
    }

    @Test("Migrating again is a no-op that keeps the data", arguments: StoreFactory.all)
    func migrateIsIdempotent(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            let saved = try await store.submit(Sample.full)
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.run(id: saved.id!) == saved)
        }
    }
}
