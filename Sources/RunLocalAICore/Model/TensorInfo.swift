/// One weight tensor as llama.cpp sees it: its GGUF name, shape and storage type.
///
/// The layer index is parsed once from the `blk.N.` prefix so estimators never touch strings in hot loops.
///
/// ```swift
/// let t = TensorInfo(name: "blk.3.attn_v.weight", dimensions: [4096, 1024], type: .q6_K)
/// t.layer   // 3
/// t.bytes   // 3_440_640
/// ```
public struct TensorInfo: Sendable, Hashable, Codable {
    public var name: String
    /// Dimensions in ggml order: `dimensions[0]` is the row length (contiguous elements).
    public var dimensions: [UInt64]
    public var type: GGMLType
    /// Repeating-layer index from `blk.N.`, or nil for the embedding, output and other global tensors.
    public var layer: Int?
    /// Bytes in the file and in memory (before any repacking).
    public var bytes: UInt64

    public init(name: String, dimensions: [UInt64], type: GGMLType) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.layer = TensorInfo.layerIndex(of: name)
        let elements = dimensions.reduce(UInt64(1)) { $0 &* $1 }
        // Bytes are per row: each row of dimensions[0] elements is a whole number of blocks.
        let rowLength = dimensions.first ?? 1
        let rows = rowLength == 0 ? 0 : elements / rowLength
        self.bytes = type.bytes(forElements: rowLength) &* rows
    }

    /// Number of elements.
    public var elementCount: UInt64 { dimensions.reduce(UInt64(1)) { $0 &* $1 } }

    /// Whether this is a mixture-of-experts tensor holding every expert (`*_exps`).
    public var isExpertTensor: Bool { name.contains("_exps") }

    /// Parses N from a `blk.N.` prefix.
    public static func layerIndex(of name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        let rest = name.utf8.dropFirst(4)
        var value = 0
        var digits = 0
        for byte in rest {
            guard byte >= 48, byte <= 57 else { break }
            value = value * 10 + Int(byte - 48)
            digits += 1
            if digits > 6 { return nil }
        }
        return digits > 0 ? value : nil
    }
}
