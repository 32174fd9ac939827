import Foundation
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("GGUF split models: NAME-00001-of-0000N.gguf")
struct GGUFSplitTests {
    @Test("split part names are recognised, for paths and URLs")
    func names() throws {
        let s = try #require(GGUFSplitName("/m/Qwen3-235B-Q4_K_M-00002-of-00005.gguf"))
        #expect(s.part == 2)
        #expect(s.count == 5)
        #expect(s.location(ofPart: 1) == "/m/Qwen3-235B-Q4_K_M-00001-of-00005.gguf")
        let u = try #require(GGUFSplitName("https://hf.co/r/resolve/main/x-00001-of-00002.gguf?download=true"))
        #expect(u.location(ofPart: 2) == "https://hf.co/r/resolve/main/x-00002-of-00002.gguf?download=true")
        #expect(GGUFSplitName("model.gguf") == nil)
        #expect(GGUFSplitName("x-00003-of-00002.gguf") == nil)
        #expect(GGUFSplitName("x-0000a-of-00002.gguf") == nil)
    }

    /// Writes a model split into `count` files in a fresh directory; returns the directory.
    static func writeSplit(count: Int, skipping missing: Int? = nil, lieAboutTotal: Bool = false) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for part in 0..<count where part + 1 != missing {
            var w = GGUFTestWriter()
            if part == 0 {
                w = GGUFTestWriter.languageModel(arch: "llama", layers: 1, hidden: 256, ffn: 256, heads: 4, kvHeads: 4, vocab: 8,
                                                 type: .q8_0)
                w.tensors.removeAll()
            }
            w.add("split.no", .uint16(UInt16(part)))
            w.add("split.count", .uint16(UInt16(count)))
            w.add("split.tensors.count", .int32(Int32(count * 2 + (lieAboutTotal ? 1 : 0))))
            w.tensor("t\(part).a", [256, 2], .q8_0)
            w.tensor("t\(part).b", [256], .f32)
            let name = String(format: "big-model-%05d-of-%05d.gguf", part + 1, count)
            try Data(w.fileBytes()).write(to: dir.appendingPathComponent(name))
        }
        return dir
    }

    @Test("all parts' tensors are merged, metadata comes from the first part")
    func merge() async throws {
        let dir = try Self.writeSplit(count: 3)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Any part may be given; all are read.
        let model = try await GGUFInspector().inspect(dir.appendingPathComponent("big-model-00002-of-00003.gguf").path)
        #expect(model.partCount == 3)
        #expect(model.tensors.map(\.name) == ["t0.a", "t0.b", "t1.a", "t1.b", "t2.a", "t2.b"])
        #expect(model.architectureName == "llama")
        #expect(model.parameterCount == 3 * (512 + 256))
        let sizes = try (1...3).map { n in
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(
                String(format: "big-model-%05d-of-00003.gguf", n)).path)[.size] as! Int
        }
        #expect(model.fileSize == UInt64(sizes.reduce(0, +)))
    }

    @Test("a missing part is named in the error")
    func missingPart() async throws {
        let dir = try Self.writeSplit(count: 3, skipping: 2)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = await #expect(throws: GGUFError.self) {
            try await GGUFInspector().inspect(dir.appendingPathComponent("big-model-00001-of-00003.gguf").path)
        }
        #expect(error?.kind == .missingSplitPart)
        #expect(error?.problem.contains("big-model-00002-of-00003.gguf") == true)
    }

    @Test("parts that do not add up to split.tensors.count are refused")
    func wrongTotal() async throws {
        let dir = try Self.writeSplit(count: 2, lieAboutTotal: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = await #expect(throws: GGUFError.self) {
            try await GGUFInspector().inspect(dir.appendingPathComponent("big-model-00001-of-00002.gguf").path)
        }
        #expect(error?.kind == .splitMismatch)
    }

    @Test("a renamed part of a split model is refused with a hint")
    func renamedPart() async throws {
        let dir = try Self.writeSplit(count: 2)
        defer { try? FileManager.default.removeItem(at: dir) }
        let renamed = dir.appendingPathComponent("renamed.gguf")
        try FileManager.default.moveItem(at: dir.appendingPathComponent("big-model-00001-of-00002.gguf"), to: renamed)
        let error = await #expect(throws: GGUFError.self) { try await GGUFInspector().inspect(renamed.path) }
        #expect(error?.kind == .splitMismatch)
    }
}
