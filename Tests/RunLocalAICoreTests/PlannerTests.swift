import Foundation
import Testing
@testable import RunLocalAICore

@Suite("Fit and placement")
struct PlannerTests {
    func plan(_ model: String, _ quant: String = "Q4_K_M", on hardware: String, ctx: Int = 4096, images: Int = 0, ram: Double? = nil) throws -> Estimate {
        try Planner.plan(profile: try TestSupport.profile(model, quant), system: try TestSupport.system(hardware, ramGiB: ram),
                         settings: RunSettings(context: ctx, images: images))
    }

    @Test("The seed's example: LLaVA 1.6 Mistral 7B Q4_K_M, f16 mmproj, 4K context, one image, fits an RTX 3060 12 GB with room")
    func seedExample3060() throws {
        let e = try plan("llava 1.6 mistral 7b", on: "RTX 3060 12GB", images: 1)
        #expect(e.fit.tier == .comfortable)
        #expect(e.fit.placement == .gpu)
        let total = Double(e.usage.gpus[0].total) / TestSupport.gib
        #expect(total > 5 && total < 6.5)               // not the seed's "6 + 1 + 1 GB"
        #expect(e.decode.expected > 40)                 // a 360 GB/s card, a 4.4 GB model: far above the seed's 15 tok/s
    }

    @Test("Gemma 3n with an image is refused with the reason and the way out: the catalog entry has no projector facts (llama.cpp reads its images since PR #18256), so size it from the files' headers")
    func gemma3nImagesPointToTheFiles() throws {
        var s = RunSettings(context: 4096)
        s.images = 1
        let profile = try TestSupport.profile("gemma-3n-e4b", "Q4_K_M")
        #expect(profile.vision == nil)
        do {
            try s.validate(for: profile)
            Issue.record("an image on Gemma 3n was accepted without a projector")
        } catch let e as EstimateError {
            #expect(e.description.contains("#18256"))
            #expect(e.description.contains("--mmproj"))
            #expect(!e.description.contains("takes no images"))
        }
    }

    @Test("The same model also fits an 8 GB card completely at 4K context (the seed says it must offload)")
    func seedExample8GB() throws {
        let e = try plan("llava 1.6 mistral 7b", on: "RTX 4060", images: 1)
        #expect(e.fit.placement == .gpu)
        #expect(e.fit.gpuLayers == 33)
    }

    @Test("Two cards are not one pool: 70B Q4_K_M fits across 2x RTX 3090 with every card under 24 GiB, not on one")
    func multiGPU() throws {
        let two = try plan("llama 3.3 70b", on: "2x RTX 3090")
        #expect(two.fit.placement == .gpu)
        #expect(two.usage.gpus.count == 2)
        for g in two.usage.gpus { #expect(Double(g.total) < 23 * TestSupport.gib) }
        let one = try plan("llama 3.3 70b", on: "RTX 3090", ram: 64)
        #expect(one.fit.placement == .partial)
        #expect(one.fit.gpuLayers > 20 && one.fit.gpuLayers < 60)
        #expect(one.decode.expected < two.decode.expected / 3)
    }

    @Test("Apple silicon: the GPU may wire only the Metal working set (3/4 of 64 GiB)")
    func appleWorkingSet() throws {
        let sys = try TestSupport.system("Apple M1 Max 32-core 64GB")
        #expect(sys.gpus[0].usableBytes == 48 << 30)
        let small = try TestSupport.system("Apple M2 8-core 16GB")
        #expect(small.gpus[0].usableBytes == (16 << 30) * 2 / 3)
    }

    @Test("A context beyond the model's trained length (per sequence, as llama.cpp compares it) is sized as llama.cpp allocates it, with a note naming the model's limit; within it, no note")
    func contextBeyondTraining() throws {
        let beyond = try plan("llama-3.1-8b", on: "rtx-4090", ctx: 200_000)
        #expect(beyond.fit.notes.contains { $0.contains("beyond the 131072") && $0.contains("at most 131072") })
        let within = try plan("llama-3.1-8b", on: "rtx-4090", ctx: 131_072)
        #expect(!within.fit.notes.contains { $0.contains("trained for") })
        // With -np the context is shared: llama.cpp compares each sequence's share.
        func shared(_ parallel: Int) throws -> Estimate {
            var s = RunSettings(context: 524_288); s.parallel = parallel
            return try Planner.plan(profile: try TestSupport.profile("llama-3.1-8b", "Q4_K_M"), system: try TestSupport.system("rtx-4090"), settings: s)
        }
        #expect(!(try shared(4)).fit.notes.contains { $0.contains("trained for") })
        #expect((try shared(2)).fit.notes.contains { $0.contains("262144 tokens of context per sequence") && $0.contains("at most 131072 per sequence") })
    }

    @Test("A model larger than GPU and RAM together won't run, with the reason")
    func wontRun() throws {
        let e = try plan("llama 3.1 405b", on: "RTX 4090", ram: 32)
        #expect(e.fit.tier == .wontRun)
        #expect(e.fit.notes.contains { $0.contains("system memory") })
    }

    @Test("The CPU repack counts at the load peak, not in the steady state the fit needs (7B Q4_K_M: ~7.3 GiB peak)")
    func repackPeakVersusSteadyState() throws {
        let e = try plan("mistral 7b v0.3", on: "cpu")
        let peak = Double(e.usage.host.total) / TestSupport.gib
        let steady = Double(e.usage.host.total - e.usage.host.repack) / TestSupport.gib
        #expect(peak > 6.8 && peak < 8.3)
        #expect(steady < peak - 2)
        #expect(e.fit.notes.contains { $0.contains("repacks") })
        // RAM between the two: still runs (the mapped originals are page cache).
        let between = ((peak + steady) / 2 + 2) / 0.9
        let squeezed = try Planner.plan(profile: try TestSupport.profile("mistral 7b v0.3"),
                                        system: try TestSupport.system("cpu", ramGiB: between), settings: RunSettings(context: 4096))
        #expect(squeezed.fit.tier != .wontRun)
    }

    @Test("CPU-only plans put every layer in RAM")
    func cpuOnly() throws {
        let e = try plan("llama 3.1 8b", on: "cpu")
        #expect(e.fit.placement == .cpu)
        #expect(e.fit.gpuLayers == 0)
        #expect(e.decode.expected > 3 && e.decode.expected < 30)
    }

    @Test("Bad settings are refused with the fix in the message",
          arguments: [(0, "at least 1"), (-5, "at least 1"), (100_000_000, "beyond")])
    func badContext(ctx: Int, message: String) throws {
        #expect { try plan("llama 3.1 8b", on: "rtx 4090", ctx: ctx) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("A quantised V cache without flash attention is refused, as llama.cpp refuses it")
    func quantisedVNeedsFlashAttention() throws {
        var s = RunSettings(context: 4096, flashAttention: false)
        s.valueType = .q8_0
        #expect(throws: EstimateError.self) {
            try Planner.plan(profile: try TestSupport.profile("llama 3.1 8b"), system: try TestSupport.system("rtx 4090"), settings: s)
        }
    }

    @Test("Images need a vision model and room in the context")
    func imagesChecked() throws {
        #expect(throws: EstimateError.self) { try plan("llama 3.1 8b", on: "rtx 4090", images: 1) }
        #expect(throws: EstimateError.self) { try plan("llava 1.6 mistral 7b", on: "rtx 4090", ctx: 2048, images: 1) }
    }
}
