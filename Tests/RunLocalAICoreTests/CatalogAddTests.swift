import Foundation
import Testing
import Yams
@testable import RunLocalAICore

/// `runlocalai catalog add`: an entry drafted from a GGUF header sizes as the file does, and the audit holds it to
/// the header it cites.
@Suite("catalog add: a catalog entry from a GGUF header")
struct CatalogAddTests {
    static func decode(_ draft: CatalogEntryDraft) throws -> CatalogModel {
        try #require(try YAMLDecoder().decode([CatalogModel].self, from: draft.yaml).first)
    }

    @Test("On the real Gemma 3 270M file it reproduces the catalog entry's numbers", .enabled(if: GemmaFixture.available, "the Gemma 3 270M GGUF is not installed"))
    func realGemma() async throws {
        let model = GGUFModel(file: try await GGUFReader.read(from: try GemmaFixture.source()))
        let draft = try CatalogEntryDraft(model: model, location: "gemma-3-270m-it-Q4_K_M.gguf", repo: "unsloth/gemma-3-270m-it-GGUF", today: "2026-12-06")
        let drafted = try Self.decode(draft)
        let entry = try TestSupport.catalog.model(named: "gemma-3-270m")
        #expect(draft.id == "gemma-3-270m")
        let (a, b) = (drafted.architecture, entry.architecture)
        #expect(a.arch == b.arch && a.layers == b.layers && a.hidden == b.hidden && a.ffn == b.ffn && a.heads == b.heads)
        #expect(a.kvHeadsPerLayer == b.kvHeadsPerLayer && a.headDimK == b.headDimK && a.headDimV == b.headDimV)
        #expect(a.vocab == b.vocab && a.contextLength == b.contextLength && a.tiedEmbeddings == b.tiedEmbeddings)
        #expect(a.slidingWindow == b.slidingWindow && a.swaLayers == b.swaLayers)
        #expect(abs(drafted.paramsB - entry.paramsB) < 0.001)
        // Sized by the engine, the drafted entry is the catalog entry.
        let mix = QuantMix(name: "Q4_K_M")!
        #expect(ModelProfile(model: drafted, mix: mix).weights.fileBytes == ModelProfile(model: entry, mix: mix).weights.fileBytes)
        #expect(drafted.review == ["name", "released", "use", "license"])
        #expect(drafted.source.contains("gemma-3-270m-it-Q4_K_M.gguf"))
    }

    @Test("On a hybrid or MLA header the drafted entry sizes within 1% of llama.cpp's report of the file", arguments: ["granitehybrid", "qwen3next", "gemma3n", "deepseek2"])
    func hybrid(_ name: String) throws {
        let model = try HybridArchitectureTests.model(name)
        let drafted = try Self.decode(try CatalogEntryDraft(model: model, location: "\(name).gguf", today: "2026-12-06"))
        let report = try HybridArchitectureTests.report(name)
        let u = HybridArchitectureTests.usage(ModelProfile(model: drafted, mix: QuantMix(name: "Q8_0")!))
        let reported = Double(report.model["CPU_Mapped"] ?? 0)
        #expect(abs(Double(u.host.weights) - reported) / reported < 0.01, "\(name): \(u.host.weights) vs \(reported)")
        #expect(HybridArchitectureTests.mib(u.host.kvCache - u.host.recurrentState) == HybridArchitectureTests.mib(report.kvCache))
        #expect(HybridArchitectureTests.mib(u.host.recurrentState) == HybridArchitectureTests.mib(report.recurrentState))
    }

    @Test("The audit refuses an entry whose numbers disagree with its cited header, and lists the fields to review")
    func auditHoldsTheHeader() throws {
        let draft = try CatalogEntryDraft(model: try HybridArchitectureTests.model("granitehybrid"), location: "granite.gguf", today: "2026-12-06")
        let faithful = try Self.decode(draft)
        // (A catalog of this one entry misses the runtimes the audit requires; only the entry's own findings matter here.)
        let clean = CatalogAudit.run(Catalog(models: [faithful], hardware: [], runtimes: [])).filter { $0.entry == faithful.id }
        #expect(clean.map(\.check) == ["to review"])
        let edited = try #require(try YAMLDecoder().decode([CatalogModel].self, from: draft.yaml.replacingOccurrences(of: "    layers: 10\n", with: "    layers: 12\n")).first)
        let findings = CatalogAudit.run(Catalog(models: [edited], hardware: [], runtimes: []))
        #expect(findings.contains { $0.check == "cited header" && $0.detail.contains("layers is 12") && $0.detail.contains("says 10") })
    }
}
