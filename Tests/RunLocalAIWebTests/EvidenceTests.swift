import Foundation
import HummingbirdTesting
import RunLocalAICore
import RunLocalAIStore
import Testing
@testable import RunLocalAIWeb

@Suite("Every speed says where it comes from")
struct EvidenceTests {
    @Test("An approved published run of the exact tuple makes the API's speed 'measured'; without runs it stays 'estimated'")
    func measuredFromTheStore() async throws {
        let site = try await APIFixture.site(adminToken: "t")
        let uri = "/api/v1/will-it-run?model=llama-3-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=4096"
        try await APIFixture.with(site) { client in
            let before = try await APIFixture.call(client, .get, uri)
            #expect(before.json?["speed"]?["evidence"]?.string == "estimated")
        }
        let run = BenchmarkRun(model: "llama-3-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", backend: "CUDA",
                               context: 640, generatedTokens: 128, decodeTPS: 111.5, measuredAt: APIFixture.now.addingTimeInterval(-86_400),
                               submitter: SeedImport.submitter, source: "test: a published llama-bench run", status: .approved)
        _ = try await site.store.importRuns([run])
        site.evidenceCache.invalidate()   // as a moderation decision through the API does
        try await APIFixture.with(site) { client in
            let after = try await APIFixture.call(client, .get, uri)
            let speed = try #require(after.json?["speed"])
            #expect(speed["evidence"]?.string == "measured")
            #expect(speed["decode_tps"]?["expected"]?.number == 111.5)
            #expect(speed["evidence_basis"]?.string?.contains("measured") == true)
        }
        // The page says the same.
        let page = try await site.answerWithEvidence(WillItRunQuery(model: "llama-3-8b", quant: "Q4_K_M", hardware: "rtx-3090", context: 4096))
        #expect(page.speed.evidence == "measured")
    }
}
