import Foundation
import RunLocalAICore

/// Writes GGUF values in the file's byte order.
public struct GGUFByteWriter {
    public init(bigEndian: Bool = false) { self.bigEndian = bigEndian }
    public var bytes: [UInt8] = []
    public var bigEndian = false

    public var count: UInt64 { UInt64(bytes.count) }

    public mutating func int<T: FixedWidthInteger>(_ v: T) {
        let stored = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: stored) { bytes.append(contentsOf: $0) }
    }

    public mutating func u32(_ v: UInt32) { int(v) }
    public mutating func u64(_ v: UInt64) { int(v) }

    public mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    /// The value without its type tag.
    public mutating func value(_ v: GGUFValue) {
        switch v {
        case .uint8(let x): int(x)
        case .int8(let x): int(x)
        case .uint16(let x): int(x)
        case .int16(let x): int(x)
        case .uint32(let x): int(x)
        case .int32(let x): int(x)
        case .uint64(let x): int(x)
        case .int64(let x): int(x)
        case .float32(let x): int(x.bitPattern)
        case .float64(let x): int(x.bitPattern)
        case .bool(let x): bytes.append(x ? 1 : 0)
        case .string(let s): string(s)
        case .array(let a):
            u32(a.elementType.rawValue)
            u64(a.count)
            for e in a.values ?? [] { value(e) }
        }
    }
}

/// Builds synthetic GGUF files for tests, and records where each part of the header landed so
/// malformed-file tests know the byte offset the reader must report.
///
/// ```swift
/// var w = GGUFTestWriter()
/// w.add("general.architecture", .string("llama"))
/// w.tensor("token_embd.weight", [4096, 32000], .q4_K)
/// let file = try GGUFReader.parse(bytes: w.header().bytes, fileSize: w.fileSize)
/// ```
public struct GGUFTestWriter: Sendable {
    public init() {}
    public struct Tensor: Sendable {
        public var name: String
        public var dims: [UInt64]
        public var type: GGMLType
        /// Overrides the type number written (for unknown/removed types).
        public var rawType: UInt32?
        /// Data offset; nil places the tensor after the previous one, aligned.
        public var offset: UInt64?
    }

    /// Where things landed in the header.
    public struct Layout: Sendable {
        public var kvEntries: [UInt64] = []
        public var kvTypes: [UInt64] = []
        public var kvValues: [UInt64] = []
        public var tensorEntries: [UInt64] = []
        public var tensorNDims: [UInt64] = []
        public var tensorDims: [[UInt64]] = []
        public var tensorTypes: [UInt64] = []
        public var tensorOffsetFields: [UInt64] = []
        public var headerEnd: UInt64 = 0
        public var dataOffset: UInt64 = 0
    }

    public var version: UInt32 = 3
    public var bigEndian = false
    public var metadata: [(String, GGUFValue)] = []
    public var tensors: [Tensor] = []
    public var tensorCountOverride: UInt64?
    public var kvCountOverride: UInt64?
    /// Written instead of a value's real type tag, keyed by metadata index.
    public var rawValueTypes: [Int: UInt32] = [:]

    public mutating func add(_ key: String, _ value: GGUFValue) { metadata.append((key, value)) }
    /// Replaces a key's value (or adds it), keeping its place.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.0 == key }) { metadata[i].1 = value } else { add(key, value) }
    }
    public mutating func set(_ key: String, ints: [Int]) {
        set(key, .array(GGUFArray(ints.map { .int32(Int32($0)) }, elementType: .int32)))
    }
    public mutating func remove(_ key: String) { metadata.removeAll { $0.0 == key } }
    public mutating func add(_ key: String, _ value: Int) { metadata.append((key, .uint32(UInt32(value)))) }
    public mutating func add(_ key: String, _ value: String) { metadata.append((key, .string(value))) }
    public mutating func add(_ key: String, ints: [Int]) {
        metadata.append((key, .array(GGUFArray(ints.map { .int32(Int32($0)) }, elementType: .int32))))
    }
    public mutating func add(_ key: String, bools: [Bool]) {
        metadata.append((key, .array(GGUFArray(bools.map { .bool($0) }, elementType: .bool))))
    }
    public mutating func add(_ key: String, strings: [String]) {
        metadata.append((key, .array(GGUFArray(strings.map { .string($0) }, elementType: .string))))
    }

    public mutating func tensor(_ name: String, _ dims: [UInt64], _ type: GGMLType = .f32, offset: UInt64? = nil, rawType: UInt32? = nil) {
        tensors.append(Tensor(name: name, dims: dims, type: type, rawType: rawType, offset: offset))
    }

    public var alignment: UInt64 {
        metadata.first { $0.0 == "general.alignment" }?.1.uint64.flatMap { $0 > 0 && $0 & ($0 - 1) == 0 ? $0 : nil } ?? 32
    }

    public static func bytes(of t: Tensor) -> UInt64 {
        let elements = t.dims.reduce(UInt64(1)) { $0 &* $1 }
        return elements / UInt64(t.type.blockSize) &* UInt64(t.type.bytesPerBlock)
    }

    /// Data offsets of the tensors (explicit ones kept, the rest packed and aligned).
    public var tensorOffsets: [UInt64] {
        var next: UInt64 = 0
        return tensors.map { t in
            let offset = t.offset ?? next
            let end = offset &+ Self.bytes(of: t)
            next = (end + alignment - 1) / alignment * alignment
            return offset
        }
    }

    /// Bytes of the data section.
    public var dataSize: UInt64 {
        zip(tensors, tensorOffsets).map { $1 &+ Self.bytes(of: $0) }.max() ?? 0
    }

    /// The header, padded to the alignment, and where its parts are.
    public func header() -> (bytes: [UInt8], layout: Layout) {
        var w = GGUFByteWriter(bigEndian: bigEndian)
        var layout = Layout()
        w.bytes = Array("GGUF".utf8)
        w.u32(version)
        w.u64(tensorCountOverride ?? UInt64(tensors.count))
        w.u64(kvCountOverride ?? UInt64(metadata.count))
        for (i, (key, value)) in metadata.enumerated() {
            layout.kvEntries.append(w.count)
            w.string(key)
            layout.kvTypes.append(w.count)
            w.u32(rawValueTypes[i] ?? value.type.rawValue)
            layout.kvValues.append(w.count)
            w.value(value)
        }
        for (t, offset) in zip(tensors, tensorOffsets) {
            layout.tensorEntries.append(w.count)
            w.string(t.name)
            layout.tensorNDims.append(w.count)
            w.u32(UInt32(t.dims.count))
            var dims: [UInt64] = []
            for d in t.dims {
                dims.append(w.count)
                w.u64(d)
            }
            layout.tensorDims.append(dims)
            layout.tensorTypes.append(w.count)
            w.u32(t.rawType ?? t.type.rawValue)
            layout.tensorOffsetFields.append(w.count)
            w.u64(offset)
        }
        layout.headerEnd = w.count
        while w.count % alignment != 0 { w.bytes.append(0) }
        layout.dataOffset = w.count
        return (w.bytes, layout)
    }

    /// Size of the whole file: header plus data.
    public var fileSize: UInt64 { header().layout.dataOffset + dataSize }

    /// The whole file with zero-filled tensor data (keep tensors small).
    public func fileBytes() -> [UInt8] {
        var bytes = header().bytes
        bytes.append(contentsOf: [UInt8](repeating: 0, count: Int(dataSize)))
        return bytes
    }

    /// A source holding the header whose reported size includes the (never stored) data.
    public func source(name: String = "synthetic.gguf") -> InMemoryByteSource {
        InMemoryByteSource(header().bytes, name: name, reportedSize: fileSize)
    }

    /// Parses the header the way a reader of the whole file would.
    public func parse(options: GGUFReader.Options = .init()) throws -> GGUFFile {
        try GGUFReader.parse(bytes: header().bytes, fileSize: fileSize, options: options)
    }

    public func model() throws -> GGUFModel { GGUFModel(file: try parse()) }
}

// MARK: - Synthetic language models

public extension GGUFTestWriter {
    /// A transformer in llama.cpp's tensor naming. Per-layer KV heads give per-layer K/V widths.
    public static func languageModel(arch: String, layers: Int, hidden: Int, ffn: Int, heads: Int, kvHeads: Int,
                              headDim: Int? = nil, vocab: Int = 256, context: Int = 4096, type: GGMLType = .q4_K,
                              tied: Bool = false, gated: Bool = true, fileType: Int = 15,
                              configure: (inout GGUFTestWriter) -> Void = { _ in }) -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.architecture", arch)
        w.add("general.name", "synthetic \(arch)")
        w.add("\(arch).block_count", layers)
        w.add("\(arch).context_length", context)
        w.add("\(arch).embedding_length", hidden)
        w.add("\(arch).feed_forward_length", ffn)
        w.add("\(arch).attention.head_count", heads)
        w.add("\(arch).attention.head_count_kv", kvHeads)
        if let headDim {
            w.add("\(arch).attention.key_length", headDim)
            w.add("\(arch).attention.value_length", headDim)
        }
        w.add("general.file_type", fileType)
        w.add("general.quantization_version", 2)
        w.add("tokenizer.ggml.model", "gpt2")
        w.add("tokenizer.ggml.tokens", strings: (0..<vocab).map { "t\($0)" })
        configure(&w)
        let h = UInt64(hidden), f = UInt64(ffn), hd = UInt64(headDim ?? hidden / heads)
        w.tensor("token_embd.weight", [h, UInt64(vocab)], type)
        for l in 0..<layers {
            let p = "blk.\(l)."
            w.tensor(p + "attn_norm.weight", [h], .f32)
            w.tensor(p + "attn_q.weight", [h, hd * UInt64(heads)], type)
            w.tensor(p + "attn_k.weight", [h, hd * UInt64(kvHeads)], type)
            w.tensor(p + "attn_v.weight", [h, hd * UInt64(kvHeads)], .q6_K)
            w.tensor(p + "attn_output.weight", [hd * UInt64(heads), h], type)
            w.tensor(p + "ffn_norm.weight", [h], .f32)
            if gated { w.tensor(p + "ffn_gate.weight", [h, f], type) }
            w.tensor(p + "ffn_up.weight", [h, f], type)
            w.tensor(p + "ffn_down.weight", [f, h], .q6_K)
        }
        w.tensor("output_norm.weight", [h], .f32)
        if !tied { w.tensor("output.weight", [h, UInt64(vocab)], .q6_K) }
        return w
    }
}

// MARK: - Vision projectors and split files

public extension GGUFTestWriter {
    /// A vision projector (mmproj) in llama.cpp's `clip` layout: a SigLIP-sized encoder of `projector_type`.
    static func visionProjector(_ type: String?, imageSize: Int, patchSize: Int,
                                configure: (inout GGUFTestWriter) -> Void = { _ in }) -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.architecture", "clip")
        if let type { w.add("clip.projector_type", type) }
        w.add("clip.has_vision_encoder", .bool(true))
        w.add("clip.vision.image_size", imageSize)
        w.add("clip.vision.patch_size", patchSize)
        w.add("clip.vision.embedding_length", 1152)
        w.add("clip.vision.block_count", 27)
        w.add("clip.vision.feed_forward_length", 4304)
        w.add("clip.vision.projection_dim", 2560)
        w.add("clip.vision.attention.head_count", 16)
        configure(&w)
        w.tensor("v.patch_embd.weight", [UInt64(patchSize), UInt64(patchSize), 3, 1152], .f16)
        w.tensor("mm.input_projection.weight", [1152, 2560], .f16)
        return w
    }

    /// The model as `llama-gguf-split` writes it in `count` files: the first keeps the metadata, the tensors are
    /// shared out in order, and every part says its number, the count and the total tensors.
    func split(into count: Int) -> [GGUFTestWriter] {
        let per = (tensors.count + count - 1) / count
        return (0..<count).map { part in
            var w = GGUFTestWriter()
            if part == 0 { w.metadata = metadata }
            w.add("split.no", .uint16(UInt16(part)))
            w.add("split.count", .uint16(UInt16(count)))
            w.add("split.tensors.count", .int32(Int32(tensors.count)))
            w.tensors = Array(tensors[min(part * per, tensors.count)..<min((part + 1) * per, tensors.count)])
            return w
        }
    }
}
