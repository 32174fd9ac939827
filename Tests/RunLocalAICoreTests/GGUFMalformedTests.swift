import Foundation
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("GGUF reader: hostile and broken files", .serialized)
struct GGUFMalformedTests {
    static let cases = GGUFMalformedCorpus.cases

    @Test("the committed corpus matches its generator (RUNLOCALAI_REGENERATE_FIXTURES=1 rewrites it)")
    func corpusIsCurrent() throws {
        let dir = GGUFMalformedCorpus.directory
        if ProcessInfo.processInfo.environment["RUNLOCALAI_REGENERATE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for c in Self.cases { try Data(c.bytes).write(to: dir.appendingPathComponent(c.name)) }
        }
        for c in Self.cases {
            let stored = try Data(contentsOf: dir.appendingPathComponent(c.name))
            #expect([UInt8](stored) == c.bytes, "\(c.name) is stale; regenerate the corpus")
        }
    }

    @Test("each malformed file throws the error for its defect, at the defect's byte offset",
          arguments: GGUFMalformedCorpus.cases.map(\.name))
    func throwsAtTheDefect(name: String) async throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let path = GGUFMalformedCorpus.directory.appendingPathComponent(name).path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let error = #expect(throws: GGUFError.self) { try GGUFReader.parse(bytes: bytes) }
        #expect(error?.kind == c.kind)
        #expect(error?.offset == c.offset)
        #expect(error?.description.hasPrefix("at byte \(c.offset): ") == true)
        #expect(error?.hint.isEmpty == false)
        // The memory-mapped path for local files, and the incremental path in tiny reads, must agree.
        let fromFile = await #expect(throws: GGUFError.self) {
            try await GGUFReader.read(from: LocalFileByteSource(path: path))
        }
        #expect(fromFile == error)
        var options = GGUFReader.Options()
        options.initialReadSize = 16
        let stepped = await #expect(throws: GGUFError.self) {
            try await GGUFReader.read(from: InMemoryByteSource(bytes), options: options)
        }
        #expect(stepped == error)
    }

    @Test("errors explain themselves: where, what, and what to do")
    func messages() throws {
        var w = GGUFMalformedCorpus.base()
        w.tensorCountOverride = 1 << 60
        let bytes = w.fileBytes()
        let error = #expect(throws: GGUFError.self) { try GGUFReader.parse(bytes: bytes) }
        #expect(error?.description ==
            "at byte 8: tensor count 1152921504606846976 is larger than the file could hold (file is \(bytes.count) bytes) — the file is not a GGUF model or is corrupt — re-download it")
    }

    @Test("a web page saved as .gguf gets a hint about Hugging Face links")
    func htmlHint() throws {
        let error = #expect(throws: GGUFError.self) { try GGUFReader.parse(bytes: Array("<!doctype html><html>".utf8)) }
        #expect(error?.hint.contains("resolve") == true)
    }

    @Test("absurd counts fail before anything is allocated, even without a known file size")
    func absurdCountsWithoutSize() async throws {
        var w = GGUFMalformedCorpus.base()
        w.add("x", .array(GGUFArray(elementType: .string, count: 1 << 60, values: [])))
        let source = SizelessSource(bytes: w.fileBytes())
        let error = await #expect(throws: GGUFError.self) { try await GGUFReader.read(from: source) }
        #expect(error?.kind == .headerTooLarge)
    }

    @Test("a huge declared string length with no known size is refused, not fetched")
    func hugeStringWithoutSize() async throws {
        var w = GGUFMalformedCorpus.base()
        w.add("y", "z")
        var bytes = w.fileBytes()
        let at = w.header().layout.kvValues[3]
        bytes = GGUFMalformedCorpus.patched(bytes, at: at, u64: 1 << 50)
        let error = await #expect(throws: GGUFError.self) { try await GGUFReader.read(from: SizelessSource(bytes: bytes)) }
        #expect(error?.kind == .headerTooLarge)
        #expect(error?.offset == at)
    }

    @Test("missing architecture keys make the model's architecture nil with a reason, not a crash")
    func missingKeys() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 4)
        w.remove("llama.embedding_length")
        let model = try w.model()
        #expect(model.architecture == nil)
        #expect(model.architectureError?.kind == .missingKey)
        #expect(model.architectureError?.problem.contains("llama.embedding_length") == true)
    }

    @Test("a per-layer array of the wrong length is reported")
    func wrongPerLayerLength() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 3, hidden: 256, ffn: 512, heads: 4, kvHeads: 4)
        w.set("llama.attention.head_count_kv", ints: [4, 4])
        #expect(try w.model().architectureError?.kind == .invalidValue)
    }
}

/// A source that does not know its size (like a server without Content-Range totals).
struct SizelessSource: GGUFByteSource {
    let bytes: [UInt8]
    var name: String { "sizeless" }
    func size() async throws -> UInt64? { nil }
    func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        guard offset < UInt64(bytes.count) else { return [] }
        return Array(bytes[Int(offset)..<min(bytes.count, Int(offset) + length)])
    }
}
