import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

@Suite("Evidence for an estimate")
struct EvidenceResolverTests {
    let catalog = StoreTestCatalog.catalog

    /// Llama 3.1 8B Q4_K_M on one RTX 3090 at 4096 tokens with llama.cpp.
    func estimate(context: Int = 4096, depth: Int = 0) throws -> Estimate {
        let profile = ModelProfile(model: try catalog.model(named: "llama-3.1-8b"), mix: QuantMix(name: "Q4_K_M")!)
        let system = TargetSystem(try catalog.hardware(named: "rtx-3090"))
        return try Planner.plan(profile: profile, system: system, settings: RunSettings(context: context, depth: depth))
    }

    func run(_ decode: Double, id: String = StoreID.make(), quant: String = "Q4_K_M", hardware: String = "rtx-3090", count: Int = 1,
             runtime: String = "llama.cpp", context: Int? = nil, submitter: String = "imported",
             status: BenchmarkRun.Status = .approved, prefill: Double? = nil) -> BenchmarkRun {
        BenchmarkRun(id: id, model: "llama-3.1-8b", quant: quant, hardware: [hardware], hardwareCount: count, runtime: runtime,
                     context: context, generatedTokens: 128, prefillTPS: prefill, decodeTPS: decode, submitter: submitter, status: status)
    }

    @Test("No runs: the estimate stands, labelled estimated, confidence × 0.70")
    func estimatedWithoutRuns() throws {
        let e = try estimate()
        let r = EvidenceResolver.resolve(e, runs: [], catalog: catalog)
        #expect(r.evidence == .estimated && r.decode == e.decode && r.prefill == e.prefill)
        #expect(r.confidenceMultiplier == 0.70 && r.spread == nil && !r.needsReview && r.runIDs.isEmpty)
    }

    @Test("Published runs of the exact tuple are measured: their median, unscaled, confidence × 1.00")
    func measured() throws {
        let runs = [run(100, id: "a", prefill: 3000), run(110, id: "b", prefill: 3400), run(105, id: "c", status: .reproduced)]
        let r = EvidenceResolver.resolve(try estimate(), runs: runs, catalog: catalog)
        #expect(r.evidence == .measured && r.confidenceMultiplier == 1.0)
        #expect(r.decode == SpeedRange(low: 100, expected: 105, high: 110))
        #expect(r.prefill == SpeedRange(low: 3000, expected: 3200, high: 3400) && r.prefillMeasured)
        #expect(Set(r.runIDs) == ["a", "b", "c"])
        #expect(abs(r.spread! - 10.0 / 105) < 1e-9 && !r.needsReview)
        #expect(r.basis.contains("median of 3 runs"))
    }

    @Test("Runs of one tuple more than 20% apart are flagged for review")
    func spreadFlagsReview() throws {
        let r = EvidenceResolver.resolve(try estimate(), runs: [run(100), run(130), run(104)], catalog: catalog)
        #expect(r.evidence == .measured && r.decode.expected == 104)
        #expect(r.needsReview && r.spread! > 0.2)
        #expect(r.basis.contains("flagged for review"))
        let single = EvidenceResolver.resolve(try estimate(), runs: [run(100)], catalog: catalog)
        #expect(single.spread == 0 && !single.needsReview)
    }

    @Test("Pending, rejected and duplicate runs, other runtimes and other models never count")
    func ignoredRuns() throws {
        var otherModel = run(100)
        otherModel.model = "qwen3-8b"
        let runs = [run(100, status: .pending), run(100, status: .rejected), run(100, status: .duplicate),
                    run(100, runtime: "ollama"), otherModel]
        #expect(EvidenceResolver.resolve(try estimate(), runs: runs, catalog: catalog).evidence == .estimated)
    }

    @Test("Another quantisation on the same hardware is measured-near, scaled by the engine's ratio")
    func measuredNearQuant() throws {
        let e = try estimate()
        let r = EvidenceResolver.resolve(e, runs: [run(70, quant: "Q8_0")], catalog: catalog)
        #expect(r.evidence == .measuredNear && r.confidenceMultiplier == 0.95)
        // Q4_K_M reads ~58% of Q8_0's bytes per token: the scaled figure is well above the Q8_0 measurement.
        #expect(r.decode.expected > 70 * 1.4 && r.decode.expected < 70 * 1.9, "\(r.decode)")
        #expect(r.basis.contains("Q8_0") && r.basis.contains("scaled"))
    }

    @Test("The same quantisation at a very different cache depth is measured-near, scaled by the engine")
    func measuredNearContext() throws {
        let deep = try estimate(context: 32768, depth: 16384)
        let r = EvidenceResolver.resolve(deep, runs: [run(110, context: 128)], catalog: catalog)
        #expect(r.evidence == .measuredNear)
        #expect(r.decode.expected < 110, "a deeper cache reads more bytes per token")
        // tg128 at depth 0 (64 on average) and an estimate at depth 0 are the same setting; so is depth 900.
        #expect(EvidenceResolver.resolve(try estimate(), runs: [run(110, context: 128)], catalog: catalog).evidence == .measured)
        let close = EvidenceResolver.resolve(try estimate(), runs: [run(110, context: 1024)], catalog: catalog)
        #expect(close.evidence == .measured && close.decode.expected == 110)
        #expect(EvidenceResolver.decodeDepth(run(1, context: 4224)) == 4160, "tg128@d4096: 4096 in the cache + 64 on average")
    }

    @Test("Approved community runs not yet reproduced are community, confidence × 0.85; reproduced they are measured")
    func community() throws {
        let e = try estimate()
        let r = EvidenceResolver.resolve(e, runs: [run(108, submitter: "alice")], catalog: catalog)
        #expect(r.evidence == .community && r.confidenceMultiplier == 0.85)
        #expect(abs(r.decode.expected - 108) < 1)
        let reproduced = EvidenceResolver.resolve(e, runs: [run(108, submitter: "alice", status: .independentlyReproduced)], catalog: catalog)
        #expect(reproduced.evidence == .measured)
    }

    @Test("A run on other hardware is extrapolated by the engine's ratio of predictions, confidence × 0.80")
    func extrapolated() throws {
        let e = try estimate()
        let r = EvidenceResolver.resolve(e, runs: [run(150, hardware: "rtx-4090")], catalog: catalog)
        #expect(r.evidence == .extrapolated && r.confidenceMultiplier == 0.80)
        #expect(r.decode.expected < 150 && r.decode.expected > 150 * 0.8, "the 3090 has 936 of the 4090's 1008 GB/s")
        #expect(r.basis.contains("rtx-4090"))

        // The exact tuple outranks everything else.
        let both = EvidenceResolver.resolve(e, runs: [run(150, hardware: "rtx-4090"), run(99, quant: "Q8_0"), run(111)], catalog: catalog)
        #expect(both.evidence == .measured && both.decode.expected == 111)
    }
}
