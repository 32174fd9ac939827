import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("GGUF reader: the header format")
struct GGUFReaderTests {
    static let everyValueType: [(String, GGUFValue)] = [
        ("t.uint8", .uint8(200)), ("t.int8", .int8(-100)), ("t.uint16", .uint16(60000)), ("t.int16", .int16(-30000)),
        ("t.uint32", .uint32(4_000_000_000)), ("t.int32", .int32(-2_000_000_000)), ("t.float32", .float32(0.15625)),
        ("t.bool", .bool(true)), ("t.string", .string("héllo, 世界")), ("t.uint64", .uint64(1 << 60)),
        ("t.int64", .int64(-(1 << 60))), ("t.float64", .float64(-2.5e300)),
        ("t.array", .array(GGUFArray([.int32(1), .int32(-2), .int32(3)], elementType: .int32))),
        ("t.nested", .array(GGUFArray([
            .array(GGUFArray([.string("a"), .string("b")], elementType: .string)),
            .array(GGUFArray([], elementType: .string)),
        ], elementType: .array))),
        ("t.empty", .string("")),
    ]

    @Test("reads every metadata value type, nested arrays included, in versions 2 and 3", arguments: [UInt32(2), 3])
    func everyValueTypeRoundTrips(version: UInt32) throws {
        var w = GGUFTestWriter()
        w.version = version
        for (k, v) in Self.everyValueType { w.add(k, v) }
        w.tensor("a", [8, 2], .f32)
        let file = try w.parse()
        #expect(file.version == version)
        #expect(file.metadata.keys == Self.everyValueType.map(\.0))
        for (k, v) in Self.everyValueType { #expect(file.metadata[k] == v, "\(k)") }
    }

    @Test("reads big-endian files as gguf-py does")
    func bigEndian() throws {
        var w = GGUFTestWriter()
        w.bigEndian = true
        for (k, v) in Self.everyValueType { w.add(k, v) }
        w.tensor("a", [32, 4], .q8_0)
        let file = try w.parse()
        #expect(file.byteOrder == .big)
        for (k, v) in Self.everyValueType { #expect(file.metadata[k] == v, "\(k)") }
        #expect(file.tensors.first?.dimensions == [32, 4])
        #expect(file.tensors.first?.type == .q8_0)
    }

    @Test("tensor entries give name, dimensions, type, offset, element and byte counts")
    func tensorEntries() throws {
        var w = GGUFTestWriter()
        w.add("general.architecture", "llama")
        w.tensor("token_embd.weight", [4096, 32000], .q4_K)
        w.tensor("blk.0.attn_norm.weight", [4096], .f32)
        w.tensor("blk.0.attn_v.weight", [4096, 1024], .q6_K)
        let file = try w.parse()
        #expect(file.tensors.map(\.name) == ["token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_v.weight"])
        #expect(file.tensors.map(\.offset) == w.tensorOffsets)
        #expect(file.tensors[0].byteCount == 4096 * 32000 / 256 * 144)
        #expect(file.tensors[2].byteCount == 3_440_640)
        #expect(file.tensors[2].elementCount == 4096 * 1024)
        #expect(file.tensors[2].tensorInfo == TensorInfo(name: "blk.0.attn_v.weight", dimensions: [4096, 1024], type: .q6_K))
        #expect(file.dataOffset == w.header().layout.dataOffset)
        #expect(file.dataOffset % 32 == 0)
    }

    @Test("general.alignment moves the data section")
    func alignment() throws {
        var w = GGUFTestWriter()
        w.add("general.alignment", 64)
        w.tensor("a", [3], .f32)
        w.tensor("b", [5], .f32)
        let file = try w.parse()
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensors.map(\.offset) == [0, 64])
    }

    @Test("a file with no tensors and no metadata is valid")
    func emptyFile() throws {
        let file = try GGUFTestWriter().parse()
        #expect(file.tensors.isEmpty)
        #expect(file.metadata.count == 0)
        #expect(file.dataOffset == 32)
    }

    @Test("big arrays keep their type and count but not their elements")
    func bigArraysAreSkipped() throws {
        var w = GGUFTestWriter()
        w.add("tokenizer.ggml.tokens", strings: (0..<5000).map { "token\($0)" })
        w.add("tokenizer.ggml.scores", .array(GGUFArray((0..<5000).map { .float32(Float($0)) }, elementType: .float32)))
        w.add("small", ints: [1, 2, 3])
        let file = try w.parse()
        let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.array)
        #expect(tokens.count == 5000)
        #expect(tokens.elementType == .string)
        #expect(tokens.values == nil)
        #expect(file.metadata["tokenizer.ggml.scores"]?.array?.count == 5000)
        #expect(file.metadata["small"]?.array?.ints == [1, 2, 3])
    }

    @Test("the element limit is an option")
    func arrayLimitOption() throws {
        var w = GGUFTestWriter()
        w.add("a", ints: Array(0..<10))
        var options = GGUFReader.Options()
        options.arrayValueLimit = 5
        #expect(try w.parse(options: options).metadata["a"]?.array?.values == nil)
        options.arrayValueLimit = 10
        #expect(try w.parse(options: options).metadata["a"]?.array?.ints == Array(0..<10))
    }

    @Test("reading from a source in small steps gives the same header as reading it whole",
          arguments: [64, 100, 1000, 1 << 20])
    func incrementalReadsAgree(initialReadSize: Int) async throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 3, hidden: 256, ffn: 512, heads: 4, kvHeads: 2, vocab: 3000)
        w.add("tokenizer.chat_template", String(repeating: "{% x %}", count: 500))
        var options = GGUFReader.Options()
        options.initialReadSize = initialReadSize
        options.maxReadSize = initialReadSize * 4
        let whole = try w.parse()
        let stepped = try await GGUFReader.read(from: w.source(), options: options)
        #expect(stepped == whole)
    }

    @Test("the reader reads only the header, in geometrically growing reads")
    func readsOnlyTheHeader() async throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 4, vocab: 20000)
        w.tensor("huge", [1 << 20, 1 << 14], .q4_0)   // 8.6 GiB of data that must never be read
        let source = CountingSource(base: w.source())
        var options = GGUFReader.Options()
        options.initialReadSize = 16 << 10
        _ = try await GGUFReader.read(from: source, options: options)
        let reads = await source.reads
        let headerSize = w.header().layout.dataOffset
        #expect(reads.count <= 6, "header of \(headerSize) bytes took \(reads.count) reads: \(reads)")
        for (a, b) in zip(reads, reads.dropFirst()) { #expect(b.length >= 2 * a.length || b.offset + UInt64(b.length) >= headerSize) }
        #expect(reads.map { $0.offset + UInt64($0.length) }.max()! < headerSize + 1 << 20)
    }
}

/// Wraps a source and records each read.
actor CountingSource: GGUFByteSource {
    let base: any GGUFByteSource
    nonisolated let name = "counting"
    var reads: [(offset: UInt64, length: Int)] = []
    init(base: any GGUFByteSource) { self.base = base }
    func size() async throws -> UInt64? { try await base.size() }
    func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        reads.append((offset, length))
        return try await base.read(offset: offset, length: length)
    }
}
