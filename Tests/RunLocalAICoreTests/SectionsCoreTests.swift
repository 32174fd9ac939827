import Foundation
import Testing
@testable import RunLocalAICore

/// The engine's parts behind the site's sections: model-vs-model rules, the pasted `detect` reader, stated measurement
/// dates, and the combos / systems / learn / stacks files.
@Suite("Sections: matchup rules, detect paste, stated dates, combo and content files")
struct SectionsCoreTests {
    typealias T = TestSupport

    func side(_ name: String, params: Double, released: String? = "2024-09", suited: Bool = true, quant: String? = "Q4_K_M",
              tier: FitTier = .comfortable, decode: Double = 40) -> MatchupSide {
        MatchupSide(model: name.lowercased(), name: name, params_b: params, released: released, suited: suited, quant: quant, tier: tier.rawValue,
                    decode_tps: decode, prefill_tps: decode * 20, evidence: "estimated")
    }

    @Test("A model the catalog does not list for a use loses to one it does, whatever its size")
    func suitedBeatsBigger() {
        let v = ModelMatchup.judge(.coding, a: side("Big", params: 70, suited: false), b: side("Coder", params: 7))
        #expect(v.winner == "b")
        #expect(v.reasons == ["Big is not listed for coding"])
        #expect(ModelMatchup.judge(.vision, a: side("A", params: 7, suited: false), b: side("B", params: 7, suited: false)).winner == nil)
    }

    @Test("Only the practical one wins: below the use case's minimum decode a model is not practical")
    func practicalBeatsImpractical() {
        let slow = side("Slow", params: 32, decode: UseCase.coding.minimumDecode - 1)
        let v = ModelMatchup.judge(.coding, a: slow, b: side("Fast", params: 14, decode: 40))
        #expect(v.winner == "b")
        #expect(v.reasons.first?.contains("under the 15 tok/s coding needs") == true)
        let none = side("None", params: 70, quant: nil, tier: .wontRun, decode: 0)
        #expect(ModelMatchup.judge(.chat, a: none, b: side("Small", params: 8)).winner == "b")
    }

    @Test("Both practical: 1.5x the parameters wins unless it only fits below Q4; then age; then 15% speed; else either")
    func sizeAgeSpeed() {
        #expect(ModelMatchup.judge(.chat, a: side("14B", params: 14.8), b: side("8B", params: 8)).winner == "a")
        let squeezed = ModelMatchup.judge(.chat, a: side("14B", params: 14.8, quant: "Q2_K"), b: side("8B", params: 8, quant: "Q6_K"))
        #expect(squeezed.winner == "b")
        #expect(squeezed.reasons.last?.contains("fits only at Q2_K") == true)
        var coder = side("Coder 14B", params: 14.8); coder.specialised = true
        let special = ModelMatchup.judge(.coding, a: side("General 14B", params: 14.8), b: coder)
        #expect(special.winner == "b" && special.reasons.last?.contains("is made for coding") == true)
        let newer = ModelMatchup.judge(.chat, a: side("Old", params: 8, released: "2024-01"), b: side("New", params: 9, released: "2025-01"))
        #expect(newer.winner == "b")
        #expect(newer.reasons.last == "New is 12 months newer at a similar size")
        #expect(ModelMatchup.judge(.chat, a: side("A", params: 8, decode: 50), b: side("B", params: 8, decode: 40)).winner == "a")
        #expect(ModelMatchup.judge(.chat, a: side("A", params: 8, decode: 42), b: side("B", params: 8, decode: 40)).winner == nil)
        let overall = ModelMatchup.overall([squeezed, newer, ModelMatchup.judge(.chat, a: side("A", params: 8), b: side("B", params: 8))])
        #expect(overall.winner == "b" && overall.a == 0 && overall.b == 2)
        // One win and four ties is no "for most uses": it depends on the use.
        let tie = ModelMatchup.judge(.chat, a: side("A", params: 8), b: side("B", params: 8))
        #expect(ModelMatchup.overall([squeezed, tie, tie, tie]).winner == nil)
    }

    @Test("A pasted `runlocalai detect` is read from the lines detect writes: ids with a count, the memory variant, the RAM")
    func detectPasteText() throws {
        let text = """
        CPU      AMD Ryzen 9 7950X: 16 cores, 32 threads, AVX512, 5.88 GHz
                 catalog: ryzen-9-7950x
        Memory   62.5 GiB total, 58.1 GiB available
        GPUs     NVIDIA GeForce RTX 3090, 24.0 GiB, CUDA, driver 560.35  [nvidia-smi]
                   catalog: rtx-3090
                 NVIDIA GeForce RTX 3090, 24.0 GiB, CUDA, driver 560.35  [nvidia-smi]
                   catalog: rtx-3090
        Hardware ids for benchmarks: rtx-3090 ×2
        """
        let m = try DetectPaste.parse(text)
        #expect(m.hardware == "2x rtx-3090")
        #expect(m.ramGiB == 62.5)
        #expect(try T.catalog.hardware(named: m.hardware).count == 2)
        let mac = try DetectPaste.parse("GPUs     Apple M2 Pro\n           catalog: apple-m2-pro-19c (16 GB variant)\nHardware ids for benchmarks: apple-m2-pro-19c\n")
        #expect(mac.hardware == "apple-m2-pro-19c 16GB")
    }

    @Test("detect --json pasted: the GPUs' catalog ids, else the CPU's; garbage is a clear error, never a guess")
    func detectPasteJSON() throws {
        let json = #"{"cpu":{"catalog_id":"ryzen-9-7950x"},"memory":{"total_bytes":68719476736},"gpus":[{"catalog_id":"rtx-4090"},{"catalog_id":"rtx-3060-12gb"}]}"#
        let m = try DetectPaste.parse(json)
        #expect(m.hardware == "rtx-4090")
        #expect(m.ramGiB == 64)
        #expect(m.notes.first?.contains("rtx-3060-12gb") == true)
        #expect(try DetectPaste.parse(#"{"cpu":{"catalog_id":"ryzen-9-7950x"},"gpus":[]}"#).hardware == "ryzen-9-7950x")
        #expect(throws: DetectPaste.PasteError.self) { try DetectPaste.parse("my pc has a 4090") }
        #expect(throws: DetectPaste.PasteError.self) { try DetectPaste.parse("{not json") }
        #expect(throws: DetectPaste.PasteError.self) { try DetectPaste.parse(String(repeating: "x", count: DetectPaste.maxBytes + 1)) }
    }

    @Test("A published run keeps the date its source states; an imported run without one has no age (never the import day)")
    func statedDates() throws {
        func day(_ d: Date?) -> String? {
            d.map { let f = DateFormatter(); f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"; return f.string(from: $0) }
        }
        #expect(day(BenchmarkRun.statedDate(in: "https://github.com/ggml-org/llama.cpp/pull/4766 (ggerganov comment 2024-01-10) Jan 2024 build")) == "2024-01-10")
        #expect(day(BenchmarkRun.statedDate(in: "README section=Apple Silicon (snapshots in May 2024)")) == "2024-05-01")
        #expect(day(BenchmarkRun.statedDate(in: "benches/dgx-spark.md, 2025-10")) == "2025-10-01")
        #expect(BenchmarkRun.statedDate(in: "build 8cf6b42 (6918); Qwen3-2507; FA setting not recorded") == nil)
        let now = try #require(BenchmarkRun.statedDate(in: "2026-12-01"))
        var imported = BenchmarkRun(model: "m", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", decodeTPS: 10, source: "a paper",
                                    submittedAt: BenchmarkRun.statedDate(in: "2020-01-01"))
        #expect(imported.measuredDay == nil)
        #expect(!imported.isStale(now: now))
        imported.measuredAt = BenchmarkRun.statedDate(in: "2025-05-01")
        #expect(imported.isStale(now: now))   // 19 months
        imported.measuredAt = BenchmarkRun.statedDate(in: "2025-07-01")
        #expect(!imported.isStale(now: now))  // 17 months
        let submitted = BenchmarkRun(model: "m", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", decodeTPS: 10,
                                     submittedAt: BenchmarkRun.statedDate(in: "2024-01-01"))
        #expect(submitted.isStale(now: now))   // a run submitted here was measured when it was submitted
    }

    @Test("The catalog's combos and systems resolve to its own hardware; a combo naming unknown hardware is a load error that names it")
    func combosAndSystemsLoad() throws {
        let c = T.catalog
        #expect(c.combos.count >= 12)
        #expect(c.systems.count >= 10)
        let dual = try #require(c.combo(id: "dual-rtx-3090"))
        #expect(dual.hardware == ["2x rtx-3090"] && dual.cardCount == 2 && dual.interconnect == .nvlink)
        for s in c.systems { #expect((try? c.hardware(named: s.hardware)) != nil, "\(s.id)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("combos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for sub in ["hardware", "models", "runtimes"] {
            try FileManager.default.copyItem(at: T.repoRoot.appendingPathComponent("catalog/\(sub)"), to: dir.appendingPathComponent(sub))
        }
        try """
        combos:
          - {id: dual-rtx-9999, name: Dual RTX 9999, cards: [{hardware: rtx-9999, count: 2}], interconnect: pcie, use: x, source: y}
        """.write(to: dir.appendingPathComponent("combos.yaml"), atomically: true, encoding: .utf8)
        #expect { try Catalog.load(from: dir) } throws: { "\($0)".contains("rtx-9999") }
        try "combos:\n  - {id: a, name: A, cards: [{hardware: rtx-3090, count: 2}], interconnect: pcie, use: x, source: y, colour: red}\n"
            .write(to: dir.appendingPathComponent("combos.yaml"), atomically: true, encoding: .utf8)
        #expect { try Catalog.load(from: dir) } throws: { "\($0)".contains("unknown key 'colour'") }
    }

    @Test("Learning paths name glossary terms that exist and pages of the site; stacks name catalog entries the engine answers for")
    func learnAndStacks() throws {
        let library = try ContentLoader.load(from: T.repoRoot.appendingPathComponent("content"), catalog: T.catalog)
        #expect(library.learn.count >= 4)
        #expect(Set(library.learn.map(\.slug)).isSuperset(of: ["your-first-local-model", "buying-a-gpu", "multi-gpu", "long-context"]))
        #expect(library.stacks.count >= 5)
        #expect(!library.methodologyChanges.isEmpty)
        let bad = "---\nslug: x\ntitle: X\nsummary: s\norder: 1\nlevel: beginner\nsteps:\n  - term: no-such-term\n    why: w\n  - tool: /will-it-run\n    label: L\n    why: w\n---\n"
        #expect { try ContentLoader.parseLearnPath(bad, fileName: "x.md", terms: ["quantization"]) } throws: { "\($0)".contains("no-such-term") }
        let offsite = bad.replacingOccurrences(of: "term: no-such-term", with: "tool: https://example.com\n    label: E")
        #expect { try ContentLoader.parseLearnPath(offsite, fileName: "x.md", terms: []) } throws: { "\($0)".contains("not a page of the site") }
    }
}
