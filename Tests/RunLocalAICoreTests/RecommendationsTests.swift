import Foundation
import Testing
@testable import RunLocalAICore

@Suite("Recommendations: custom builds, Score, workload chips, guides, cost")
struct RecommendationsTests {
    static let profiles = ProfileSynthesizer()
    var catalog: Catalog { TestSupport.catalog }

    func selection(_ name: String) throws -> HardwareSelection { try catalog.hardware(named: name) }

    // MARK: TargetSystem from several selections

    @Test("Mixed GPUs become one system with each card's own memory; unified machines cannot be combined")
    func mixedSystem() throws {
        let s = try TargetSystem(selections: [try selection("rtx-3090"), try selection("rtx-3060-12gb")], host: .init(ramGiB: 64))
        #expect(s.gpus.count == 2)
        #expect(s.gpus[0].memoryBytes == 24 * 1_073_741_824)
        #expect(s.gpus[1].memoryBytes == 12 * 1_073_741_824)
        #expect(s.host.ramBytes == 64 * 1_073_741_824)
        let two = try TargetSystem(selections: [try selection("2x rtx-3090")])
        #expect(two.gpus.count == 2)
        #expect(throws: EstimateError.self) { try TargetSystem(selections: [try selection("rtx-3090"), try selection("apple-m4-max-40c")]) }
        #expect(throws: EstimateError.self) { try TargetSystem(selections: []) }
    }

    // MARK: Custom build

    @Test("A 3090 + 3060 build: effective memory below the sum with each reason, a multi-GPU runtime, models grouped")
    func customBuild() throws {
        let r = try CustomBuild.report(CustomBuildQuery(hardware: ["rtx-3090", "RTX 3060 12GB"], ramGiB: 64), catalog: catalog, profiles: Self.profiles)
        #expect(r.memory.sum_bytes == 36 * 1_073_741_824)
        #expect(r.memory.effective_bytes < r.memory.sum_bytes)
        let kinds = Set(r.memory.reasons.map(\.kind))
        #expect(kinds.isSuperset(of: ["per-card-overhead", "margin", "duplicated-compute", "no-pooling"]))
        let lost = r.memory.reasons.reduce(UInt64(0)) { $0 + $1.bytes }
        #expect(r.memory.sum_bytes - lost == r.memory.effective_bytes)
        #expect(r.runtime.id == "llama.cpp")
        #expect(r.runtime.warnings.isEmpty)
        // 8B is comfortable at Q8_0; 70B (40 GiB at Q4_K_M) only fits the 36 GB at a lower quantisation.
        let l8 = try #require(r.models.first { $0.id == "llama-3.1-8b" })
        #expect(l8.group == .comfortable && l8.quant == "Q8_0")
        let l70 = try #require(r.models.first { $0.id == "llama-3.3-70b" })
        #expect(CustomBuild.quantLadder.firstIndex(of: l70.quant)! > CustomBuild.quantLadder.firstIndex(of: "Q4_K_M")!)
        // Every model at a rung of the ladder, or at the one format it ships in (gpt-oss: MXFP4).
        for m in r.models { #expect(CustomBuild.quants(for: try TestSupport.catalog.model(named: m.id)).contains(m.quant), "\(m.id) \(m.quant)") }
        // Groups are in order.
        let order = r.models.map { [ModelGroup.comfortable: 0, .borderline: 1, .notPractical: 2][$0.group]! }
        #expect(order == order.sorted())
    }

    @Test("A verdict agrees with will-it-run at its quant: comfortable means will-it-run says comfortable")
    func verdictMatchesWillItRun() throws {
        let sys = TargetSystem(try selection("rtx-4060-ti-16gb"))
        let m = try #require(catalog.model(id: "qwen2.5-14b"))
        let v = CustomBuild.verdict(m, system: sys, context: 8192, profiles: Self.profiles)
        let a = try WillItRun.answer(WillItRunQuery(model: m.id, quant: v.quant, hardware: "rtx-4060-ti-16gb", context: 8192), catalog: catalog)
        #expect(v.tier == a.fit.tier)
        #expect(v.decode_tps == a.speed.decode_tps.expected)
    }

    @Test("A Mac's effective memory names the Metal cap; runtime on macOS; bad OS / use case are refused")
    func macAndErrors() throws {
        let r = try CustomBuild.report(CustomBuildQuery(hardware: ["apple-m4-max-40c 64GB"], os: "macos", useCase: "vision", beginner: true),
                                       catalog: catalog, profiles: Self.profiles)
        let cap = try #require(r.memory.reasons.first { $0.kind == "metal-cap" })
        #expect(cap.bytes == 16 * 1_073_741_824)
        #expect(r.models.allSatisfy { catalog.model(id: $0.id)?.isVisionModel == true })
        #expect(["ollama", "lm-studio"].contains(r.runtime.id))
        #expect(throws: EstimateError.self) { try CustomBuild.report(CustomBuildQuery(hardware: ["apple-m4-max-40c"], os: "linux"), catalog: catalog, profiles: Self.profiles) }
        #expect(throws: EstimateError.self) { try CustomBuild.report(CustomBuildQuery(hardware: ["rtx-3090"], os: "beos"), catalog: catalog, profiles: Self.profiles) }
        #expect(throws: EstimateError.self) { try CustomBuild.report(CustomBuildQuery(hardware: ["rtx-3090"], useCase: "gaming"), catalog: catalog, profiles: Self.profiles) }
        #expect(throws: CatalogError.self) { try CustomBuild.report(CustomBuildQuery(hardware: ["rtx 9999"]), catalog: catalog, profiles: Self.profiles) }
        let named = try CustomBuild.report(CustomBuildQuery(hardware: ["2x rtx-3090"], os: "linux", runtime: "gpt4all"), catalog: catalog, profiles: Self.profiles)
        #expect(named.runtime.id == "gpt4all")
        #expect(named.runtime.warnings.contains { $0.contains("one GPU") })
    }

    // MARK: Chips

    @Test("Chips come from the engine: a chip and will-it-run never disagree")
    func chipsAgreeWithWillItRun() throws {
        for hw in ["rtx-3060-12gb", "rtx-4090", "2x rtx-3090", "apple-m4-max-40c 128GB", "cpu-ddr5-5600-2ch"] {
            let sel = try selection(hw)
            let chips = WorkloadChips.chips(for: sel, catalog: catalog, profiles: Self.profiles)
            #expect(chips.count == ReferenceWorkload.chips.count)
            for c in chips {
                let a = try WillItRun.answer(WillItRunQuery(model: c.model, quant: c.quant, hardware: hw, context: c.context, images: c.images), catalog: catalog)
                #expect(c.decode_tps == a.speed.decode_tps.expected, "\(hw) \(c.id)")
                switch c.status {
                case .comfortable: #expect(a.fit.tier == "comfortable")
                case .tight: #expect(a.fit.tier == "tradeoffs" && a.fit.placement == "gpu")
                case .marginal: #expect(a.fit.tier == "tradeoffs" && a.fit.placement != "gpu")
                case .doesNotFit: #expect(a.fit.tier == "wont-run")
                }
            }
        }
    }

    @Test("Chips by size: a 3060 12 GB holds 7B comfortably but not 70B; 2x 3090 hold 70B on the GPUs")
    func chipsBySize() throws {
        let c3060 = WorkloadChips.chips(for: try selection("rtx-3060-12gb"), catalog: catalog, profiles: Self.profiles)
        #expect(c3060.first { $0.id == "chat-7b" }?.status == .comfortable)
        #expect(c3060.first { $0.id == "chat-70b" }?.status != .comfortable)
        let dual = WorkloadChips.chips(for: try selection("2x rtx-3090"), catalog: catalog, profiles: Self.profiles)
        #expect(dual.first { $0.id == "chat-70b" }.map { [.comfortable, .tight].contains($0.status) } == true)
    }

    // MARK: Score

    @Test("Score: sub-scores in range, total = sum × confidence, faster and bigger cards score higher")
    func score() throws {
        var totals: [String: Int] = [:]
        for hw in ["rtx-3060-12gb", "rtx-3090", "rtx-4090", "rtx-5090", "cpu-ddr5-5600-2ch", "apple-m4-max-40c", "rx-7900-xtx"] {
            guard let sel = try? selection(hw) else { continue }
            let s = HardwareScore.score(sel, catalog: catalog, profiles: Self.profiles)
            #expect((0...500).contains(s.throughput) && (0...200).contains(s.vram_fit) && (0...200).contains(s.ecosystem) && (0...100).contains(s.efficiency))
            #expect(abs(s.raw - (s.throughput + s.vram_fit + s.ecosystem + s.efficiency)) < 0.5)
            #expect(s.total == Int((s.raw * Evidence.estimated.confidenceMultiplier).rounded()) || abs(Double(s.total) - s.raw * 0.7) < 1)
            #expect((0...1000).contains(s.total))
            totals[hw] = s.total
        }
        #expect(totals["rtx-4090"]! > totals["rtx-3060-12gb"]!)
        #expect(totals["rtx-3090"]! > totals["rtx-3060-12gb"]!)
        #expect(totals["rtx-3060-12gb"]! > totals["cpu-ddr5-5600-2ch"]!)
        let measured = HardwareScore.score(try selection("rtx-4090"), catalog: catalog, profiles: Self.profiles, evidence: .measured)
        #expect(measured.total > totals["rtx-4090"]!)
        #expect(HardwareScore.score(try selection("rtx-4090"), catalog: catalog, profiles: Self.profiles).ecosystem == 200)
    }

    // MARK: Guides

    @Test("Guides: every pick respects its rule and carries figures")
    func guides() throws {
        let facts = Guides.facts(catalog: catalog, profiles: Self.profiles)
        let picks = Guides.all(facts: facts, budget: 800, catalog: catalog)
        let ids = Set(picks.map(\.guide))
        #expect(ids.isSuperset(of: ["best-overall", "under-budget", "used", "best-mac"]))
        for p in picks { #expect(!p.figures.isEmpty); #expect(!p.why.isEmpty) }
        let under = try #require(picks.first { $0.guide == "under-budget" })
        #expect((under.price_usd ?? .infinity) <= 800)
        let overall = try #require(picks.first { $0.guide == "best-overall" })
        #expect(overall.score >= under.score)
        if let used = picks.first(where: { $0.guide == "used" }) { #expect((used.price_usd ?? .infinity) <= 800) }
        let mac = try #require(picks.first { $0.guide == "best-mac" })
        #expect(catalog.device(id: mac.hardware)?.kind == .apple)
        let vs = picks.filter { $0.guide == "16gb-vs-24gb" }
        if vs.count == 2 {
            #expect(facts.first { $0.id == vs[0].hardware }?.memory_gib == 16)
            #expect(facts.first { $0.id == vs[1].hardware }?.memory_gib == 24)
        }
        // A tighter budget never picks a dearer card.
        let cheap = Guides.all(facts: facts, budget: 300, catalog: catalog).first { $0.guide == "under-budget" }
        if let cheap { #expect((cheap.price_usd ?? .infinity) <= 300) }
    }

    // MARK: Cost

    @Test("Cost vs cloud: power, tokens and break-even follow the documented formulas")
    func cost() throws {
        let q = CloudCostQuery(hardwarePriceUSD: 1600, tdpW: 450, decodeTPS: 100, hoursPerDay: 4, utilisation: 0.7,
                               electricityUSDPerKWh: 0.15, cloudGPUHourlyUSD: 0.40, apiUSDPerMillionTokens: 0.60)
        let r = CloudCost.compare(q)
        let hours = 4 * 30.44
        #expect(abs(r.power_usd_per_month - 450 * 0.7 * hours / 1000 * 0.15) < 0.01)
        #expect(abs(r.cloud_gpu_usd_per_month - 0.40 * hours) < 0.01)
        #expect(r.tokens_per_month == (100 * 3600 * hours).rounded())
        let be = try #require(r.breakeven_months_vs_gpu)
        #expect(abs(be - 1600 / (0.40 * hours - 450 * 0.7 * hours / 1000 * 0.15)) < 0.1)
        // Electricity dearer than renting: never breaks even.
        let never = CloudCost.compare(CloudCostQuery(hardwarePriceUSD: 1600, tdpW: 450, decodeTPS: 100, electricityUSDPerKWh: 2, cloudGPUHourlyUSD: 0.2))
        #expect(never.breakeven_months_vs_gpu == nil)
        #expect(throws: EstimateError.self) { try CloudCostQuery(hardwarePriceUSD: 1, tdpW: 0, decodeTPS: 1).validate() }
        #expect(throws: EstimateError.self) { try CloudCostQuery(hardwarePriceUSD: 1, tdpW: 100, decodeTPS: 1, hoursPerDay: 25).validate() }
    }

    // MARK: Memory table and cache

    @Test("Memory table grows with context and bits; the profile cache is bounded")
    func memoryTableAndCache() throws {
        let m = try #require(catalog.model(id: "llama-3.1-8b"))
        let t = ModelMemoryTable.compute(m, profiles: Self.profiles)
        #expect(t.contexts.first == 2048 && t.contexts.last == 131_072)
        for row in t.rows { #expect(row.total_bytes == row.total_bytes.sorted()) }
        let q8 = try #require(t.rows.first { $0.quant == "Q8_0" }), q4 = try #require(t.rows.first { $0.quant == "Q4_K_M" })
        #expect(q8.weights_bytes > q4.weights_bytes)
        let cached = Self.profiles.profile(model: m, mix: QuantMix(name: "Q4_K_M")!)
        #expect(cached == ModelProfile(model: m, mix: QuantMix(name: "Q4_K_M")!))
    }
}
