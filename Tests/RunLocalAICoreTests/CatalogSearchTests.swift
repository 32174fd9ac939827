import Testing
@testable import RunLocalAICore

@Suite("Catalog search ranks every match, telling variants apart")
struct CatalogSearchTests {
    let c = TestSupport.catalog

    func top(_ query: String, _ kind: CatalogSearch.Kind = .hardware, limit: Int = 5) -> [CatalogSearch.Match] {
        CatalogSearch.search(query, in: c, kinds: [kind], limit: limit)
    }

    @Test("The hard cases land on the right entry first", arguments: [
        ("RTX 3060 8GB", "rtx-3060-8gb"), ("RTX 3060 12GB", "rtx-3060-12gb"), ("3060 12 GB", "rtx-3060-12gb"),
        ("4060 Ti 8GB", "rtx-4060-ti-8gb"), ("RTX 4060 Ti 16 GB", "rtx-4060-ti-16gb"),
        ("M3 Max 30-core", "apple-m3-max-30c"), ("M3 Max 40 cores", "apple-m3-max-40c"), ("m3 max 40c", "apple-m3-max-40c"),
        ("rtx4090", "rtx-4090"), ("4090 laptop", "rtx-4090-laptop"), ("radeon 7900xtx", "rx-7900-xtx"),
        ("radeon rx 7900 xtx", "rx-7900-xtx"), ("geforse rtx 4090", "rtx-4090"), ("A100 80GB PCIe", "a100-pcie-80gb"),
        ("A100 SXM 40GB", "a100-sxm4-40gb"),
    ])
    func hardware(query: String, id: String) {
        let hits = top(query)
        #expect(hits.first?.id == id, "\(hits.map { "\($0.id) \($0.score)" })")
    }

    @Test("Memory variants rank apart: the named size first, the other size below")
    func variants() {
        let eight = top("RTX 3060 8GB")
        let twelve = eight.first { $0.id == "rtx-3060-12gb" }
        #expect(eight.first?.memoryGiB == 8)
        #expect(twelve == nil || twelve!.score < eight[0].score - 0.2)
        // No size named: both variants come back, equally good, for the caller to choose.
        let both = top("RTX 3060")
        let ids = Set(both.prefix(2).map(\.id))
        #expect(ids == ["rtx-3060-8gb", "rtx-3060-12gb"])
        #expect(both[0].score == both[1].score)
        // Model numbers are never typos of each other: a 2060 or 3070 does not match "3060" by forgiveness.
        #expect(!both.contains { ($0.id.hasPrefix("rtx-2060") || $0.id.hasPrefix("rtx-3070")) && $0.score > 0.5 })
    }

    @Test("A100 PCIe and SXM are different entries: each query puts its own form factor first")
    func a100() {
        let pcie = top("A100 PCIe", limit: 4)
        let sxm = top("A100 SXM", limit: 4)
        #expect(pcie.prefix(2).allSatisfy { $0.id.hasPrefix("a100-pcie") }, "\(pcie.map(\.id))")
        #expect(sxm.prefix(2).allSatisfy { $0.id.hasPrefix("a100-sxm") }, "\(sxm.map(\.id))")
    }

    @Test("Apple memory options: 'm2 ultra 192gb' finds the M2 Ultras sold with 192 GB")
    func appleMemory() {
        let hits = top("m2 ultra 192gb")
        #expect(hits.prefix(2).allSatisfy { $0.id.hasPrefix("apple-m2-ultra") && $0.memoryGiB == 192 }, "\(hits)")
    }

    @Test("Kinds filter and rank models, runtimes and diffusion models too")
    func kinds() {
        #expect(top("llama 3.1 8b", .model).first?.id == "llama-3.1-8b")
        #expect(top("olama", .runtime).first?.id == "ollama")
        #expect(top("sdxl", .diffusion).first?.id == "sdxl-base-1.0")
        #expect(top("flux", .diffusion).count >= 3)
        let all = CatalogSearch.search("4090", in: c, limit: 50)
        #expect(all.allSatisfy { $0.kind == .hardware })
        #expect(all.first?.id == "rtx-4090")
    }

    @Test("Scores fall as names drift from the query; results are deterministic and limited")
    func scoring() {
        let hits = top("rtx 4090", limit: 10)
        #expect(hits.first?.score == 1)
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(hits == top("rtx 4090", limit: 10))
        #expect(top("rtx", limit: 3).count == 3)
        #expect(top("").isEmpty)
        #expect(top("zzqx").isEmpty)
    }
}
