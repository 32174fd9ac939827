/// One tensor's entry in a GGUF header: name, shape, storage type, and where its data sits.
///
/// ```swift
/// let t = file.tensors[0]
/// t.name          // "token_embd.weight"
/// t.dimensions    // [640, 262144]
/// t.type          // .q8_0
/// t.offset        // 2560 (from the start of the data section)
/// t.tensorInfo    // the estimator's view, TensorInfo
/// ```
public struct GGUFTensorInfo: Sendable, Hashable {
    public var name: String
    /// Dimensions in ggml order (`dimensions[0]` is the row length).
    public var dimensions: [UInt64]
    public var type: GGMLType
    /// Offset of the tensor's data from the start of the data section (``GGUFFile/dataOffset``).
    public var offset: UInt64
    /// Number of elements (checked not to overflow when read).
    public var elementCount: UInt64
    /// Bytes of the tensor's data.
    public var byteCount: UInt64
    /// Where this tensor's entry starts in the file's header.
    public var headerOffset: UInt64

    public init(name: String, dimensions: [UInt64], type: GGMLType, offset: UInt64, headerOffset: UInt64 = 0) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        self.headerOffset = headerOffset
        let info = TensorInfo(name: name, dimensions: dimensions, type: type)
        self.elementCount = info.elementCount
        self.byteCount = info.bytes
    }

    /// The tensor as the estimators see it.
    public var tensorInfo: TensorInfo { TensorInfo(name: name, dimensions: dimensions, type: type) }
}

/// Everything in a GGUF file's header: version, metadata, tensor entries, alignment and where the data starts.
///
/// It is the raw, checked content of the header. ``GGUFModel`` derives the facts an estimator needs from it.
///
/// ```swift
/// let file = try await GGUFReader.read(from: LocalFileByteSource(path: "gemma-3-270m-Q4_K_M.gguf"))
/// file.version                                   // 3
/// file.metadata["general.architecture"]?.string  // "gemma3"
/// file.tensors.count                             // 236
/// file.dataOffset                                // 6525120
/// ```
public struct GGUFFile: Sendable, Hashable {
    /// Byte order of the numbers in the file. Almost every file is little-endian.
    public enum ByteOrder: String, Sendable, Hashable, Codable { case little, big }

    public var version: UInt32
    public var byteOrder: ByteOrder
    public var metadata: GGUFMetadata
    public var tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32 when absent.
    public var alignment: UInt64
    /// Where the tensor data section starts: the end of the header rounded up to ``alignment``.
    public var dataOffset: UInt64
    /// Total size of the file, when the source knew it.
    public var fileSize: UInt64?
    /// The entity tag a web server sent with the header's bytes (nil for a local file): what a cache of remote
    /// headers compares to tell whether the file changed.
    public var entityTag: String?

    public init(version: UInt32, byteOrder: ByteOrder = .little, metadata: GGUFMetadata, tensors: [GGUFTensorInfo],
                alignment: UInt64 = 32, dataOffset: UInt64, fileSize: UInt64?) {
        self.version = version
        self.byteOrder = byteOrder
        self.metadata = metadata
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = dataOffset
        self.fileSize = fileSize
    }

    /// Sum of all tensors' data bytes.
    public var tensorDataBytes: UInt64 { tensors.reduce(0) { $0 &+ $1.byteCount } }

    /// The default alignment of the tensor data when `general.alignment` is absent.
    public static let defaultAlignment: UInt64 = 32
}
