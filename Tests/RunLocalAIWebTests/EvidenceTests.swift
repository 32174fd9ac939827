import Foundation
import HummingbirdTesting
import NIOCore
import RunLocalAICore
import RunLocalAIStore
import Testing
import RunLocalAIApp
@testable import RunLocalAIWeb

@Suite("Every speed says where it comes from")
struct EvidenceTests {
    @Test("An approved published run of the exact tuple makes the API's speed 'measured'; without runs it stays 'estimated'")
    func measuredFromTheStore() async throws {
        let site = try await APIFixture.site(adminToken: "t")
        let uri = "/api/v1/will-it-run?model=llama-3-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=4096"
        let estimated = LockedValue<Double>()
        try await APIFixture.with(site) { client in
            let before = try await APIFixture.call(client, .get, uri)
            #expect(before.json?["speed"]?["evidence"]?.string == "estimated")
            #expect(before.json?["speed"]?["estimate"] == nil, "no second figure while the engine's is the only one")
            estimated.set(try #require(before.json?["speed"]?["decode_tps"]?["expected"]?.number))
        }
        let run = BenchmarkRun(model: "llama-3-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", backend: "CUDA",
                               context: 640, generatedTokens: 128, decodeTPS: 111.5, measuredAt: APIFixture.now.addingTimeInterval(-86_400),
                               submitter: SeedImport.submitter, source: "test: a published llama-bench run", status: .approved)
        _ = try await site.store.importRuns([run])
        site.service.invalidateEvidence()   // as a moderation decision through the API does
        try await APIFixture.with(site) { client in
            let after = try await APIFixture.call(client, .get, uri)
            let speed = try #require(after.json?["speed"])
            #expect(speed["evidence"]?.string == "measured")
            #expect(speed["decode_tps"]?["expected"]?.number == 111.5)
            #expect(speed["evidence_basis"]?.string?.contains("measured") == true)
            // The engine's own prediction stays beside the measurement.
            #expect(speed["estimate"]?["decode_tps"]?["expected"]?.number == estimated.value)
            #expect(speed["estimate"]?["prefill_tps"]?["expected"]?.number != nil)
        }
        try await APIFixture.with(site) { client in
            try await client.execute(uri: "/will-it-run?model=llama-3-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=4096", method: .get) { r in
                #expect(String(buffer: r.body).contains("The engine alone estimates \(Format.tps(estimated.value ?? 0)) tok/s decode"))
            }
        }
        // The page says the same.
        let page = try await site.service.answer(Question(model: "llama-3-8b", quant: "Q4_K_M", hardware: "rtx-3090", context: 4096))
        #expect(page.evidence == .measured)
    }

    @Test("One tuple, one figure: after a run is approved, the will-it-run API, the hardware API's chip, compare, cost, the model page and the hardware page show the same speed and evidence")
    func oneFigureEverywhere() async throws {
        let site = try await APIFixture.site(adminToken: "t")
        let run = BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", backend: "CUDA",
                               context: 8192, generatedTokens: 128, decodeTPS: 123.4, measuredAt: APIFixture.now.addingTimeInterval(-86_400),
                               submitter: SeedImport.submitter, source: "test: a published llama-bench run", status: .approved)
        _ = try await site.store.importRuns([run])
        try await APIFixture.with(site) { client in
            let wir = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=8192")
            let evidence = try #require(wir.json?["speed"]?["evidence"]?.string)
            let expected = try #require(wir.json?["speed"]?["decode_tps"]?["expected"]?.number)
            #expect(evidence != "estimated")

            let hw = try await APIFixture.call(client, .get, "/api/v1/hardware/rtx-3090", template: "/api/v1/hardware/{id}")
            let chip = try #require(hw.json?["chips"]?.array?.first { $0["id"]?.string == "chat-7b" })
            #expect(chip["decode_tps"]?.number == expected)
            #expect(chip["evidence"]?.string == evidence)

            let cmp = try await APIFixture.call(client, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3090,rtx-4090&ctx=8192")
            #expect(cmp.json?["a"]?["speed"]?["decode_tps"]?["expected"]?.number == expected)
            #expect(cmp.json?["a"]?["speed"]?["evidence"]?.string == evidence)

            let cost = try await APIFixture.call(client, .get, "/api/v1/cost?hardware=rtx-3090&model=llama-3.1-8b")
            #expect(cost.json?["decode_tps"]?.number == expected)

            let shown = Format.tps(expected)
            let mark = UI.evidence(evidence).markup
            for uri in ["/models/llama-3.1-8b?hardware=rtx-3090", "/hardware/rtx-3090", "/compare?a=rtx-3090&b=rtx-4090&model=llama-3.1-8b"] {
                try await client.execute(uri: uri, method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(r.status == .ok, "\(uri)")
                    #expect(html.contains(shown), "\(uri) shows \(shown) tok/s")
                    if !uri.hasPrefix("/compare") { #expect(html.contains(mark), "\(uri) labels it \(evidence)") }
                }
            }
        }
    }

    @Test("The will-it-run answer's ETag changes when a run is approved, so a client revalidating gets the new evidence")
    func etagFollowsEvidence() async throws {
        let site = try await APIFixture.site(adminToken: "t")
        let uri = "/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192"
        let first = try await APIFixture.withReply(site) { try await APIFixture.call($0, .get, uri) }
        let tag = try #require(first.headers[.eTag])
        #expect(first.headers[.cacheControl] == "no-cache")
        let same = try await APIFixture.withReply(site) { try await APIFixture.call($0, .get, uri, headers: [.ifNoneMatch: tag]) }
        #expect(same.status == .notModified)
        let run = BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-4090"], runtime: "llama.cpp", backend: "CUDA",
                               context: 8192, generatedTokens: 128, decodeTPS: 140, measuredAt: APIFixture.now.addingTimeInterval(-86_400),
                               submitter: SeedImport.submitter, source: "test", status: .approved)
        _ = try await site.store.importRuns([run])
        site.service.invalidateEvidence()
        let after = try await APIFixture.withReply(site) { try await APIFixture.call($0, .get, uri, headers: [.ifNoneMatch: tag]) }
        #expect(after.status == .ok)
        #expect(after.headers[.eTag] != tag)
        #expect(after.json?["speed"]?["evidence"]?.string != "estimated")
    }
}

@Suite("Export and regressions")
struct ExportAndRegressionTests {
    @Test("Published runs export as JSON that imports back, and as CSV; the regressions page answers")
    func exportRoundTrip() async throws {
        let site = try await APIFixture.site(adminToken: "t")
        let run = BenchmarkRun(model: "llama-3-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", runtimeVersion: "b4000",
                               backend: "CUDA", context: 640, generatedTokens: 128, decodeTPS: 110, measuredAt: APIFixture.now.addingTimeInterval(-86_400),
                               submitter: SeedImport.submitter, source: "test", status: .approved)
        _ = try await site.store.importRuns([run])
        try await APIFixture.with(site) { client in
            let json = try await APIFixture.call(client, .get, "/api/v1/benchmarks/export.json")
            #expect(json.status == .ok)
            let parsed = RunExchange.runs(json: json.data, catalog: site.catalog, file: "export.json")
            #expect(parsed.problems.isEmpty && parsed.runs.count == 1 && parsed.runs[0].decodeTPS == 110)
            try await client.execute(uri: "/api/v1/benchmarks/export.csv", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(String(buffer: r.body).contains("llama-3-8b,Q4_K_M,rtx-3090"))
            }
            try await client.execute(uri: "/benchmarks/regressions", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Regressions"))
            }
        }
    }
}

/// A value set inside one `@Sendable` closure and read after it.
final class LockedValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    func set(_ v: T) { lock.lock(); stored = v; lock.unlock() }
    var value: T? { lock.lock(); defer { lock.unlock() }; return stored }
}

@Suite("Short-lived page cache")
struct LivePageCacheTests {
    @Test("An expired page is rendered again by one request while the others are served the expired copy")
    func staleWhileRevalidate() async throws {
        let cache = ResponseCache(ttl: .milliseconds(20))
        guard case .compute = cache.claim("/models/x") else { Issue.record("an empty cache must ask for a render"); return }
        cache.store("/models/x", PreparedBody(json: Data("v1".utf8)))
        guard case .serve(let fresh) = cache.claim("/models/x") else { Issue.record("a fresh entry is served"); return }
        #expect(fresh.bytes == ByteBuffer(string: "v1"))
        try await Task.sleep(for: .milliseconds(40))
        guard case .compute = cache.claim("/models/x") else { Issue.record("the first request after expiry renders"); return }
        guard case .serve(let stale) = cache.claim("/models/x") else { Issue.record("the others get the expired copy"); return }
        #expect(stale.bytes == ByteBuffer(string: "v1"))
        cache.store("/models/x", PreparedBody(json: Data("v2".utf8)))
        guard case .serve(let renewed) = cache.claim("/models/x") else { Issue.record("the new copy is served"); return }
        #expect(renewed.bytes == ByteBuffer(string: "v2"))
        // A render that cannot be kept gives its claim back, so the next request tries again.
        try await Task.sleep(for: .milliseconds(40))
        guard case .compute = cache.claim("/models/x") else { Issue.record("expired again: render"); return }
        cache.release("/models/x")
        guard case .compute = cache.claim("/models/x") else { Issue.record("after a release the next request renders"); return }
    }
}
