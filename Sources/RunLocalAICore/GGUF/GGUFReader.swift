/// Reads the header of a GGUF file — metadata and tensor entries, never tensor data.
///
/// The reader parses incrementally from a ``GGUFByteSource``: it reads 1 MiB, and when the header goes on
/// it reads again, doubling the read size, so a multi-gigabyte local file is inspected in milliseconds
/// and a remote one in two or three requests. Every count and length is checked against the bytes the
/// file can still hold before anything is allocated; a hostile file yields a ``GGUFError``, never a crash.
///
/// ```swift
/// let file = try await GGUFReader.read(from: LocalFileByteSource(path: "model.gguf"))
/// let same = try GGUFReader.parse(bytes: headerBytes)     // synchronous, from memory
/// ```
public enum GGUFReader {
    /// Limits and read sizes.
    ///
    /// ```swift
    /// var options = GGUFReader.Options()
    /// options.arrayValueLimit = 0   // keep no array elements, only counts
    /// ```
    public struct Options: Sendable, Hashable {
        /// Bytes in the first read.
        public var initialReadSize: Int = 1 << 20
        /// Largest single read; reads double up to this.
        public var maxReadSize: Int = 64 << 20
        /// Arrays with more elements than this are skipped: only their type and count are kept.
        public var arrayValueLimit: Int = 1024
        /// At most this many array elements are kept over the whole file.
        public var keptValueBudget: Int = 1 << 20
        /// Arrays may nest this deep (an array of arrays is depth 2).
        public var maxNestingDepth: Int = 8
        /// The largest single metadata entry or tensor entry the reader will hold in memory.
        public var maxItemSize: UInt64 = 512 << 20

        public init() {}
    }

    /// Parses a header from bytes in memory. `fileSize` defaults to `bytes.count`; pass the real size when
    /// `bytes` is only the start of a larger file, so tensor extents are checked against it.
    public static func parse(bytes: [UInt8], fileSize: UInt64? = nil, options: Options = Options()) throws -> GGUFFile {
        var parser = GGUFParser(options: options)
        parser.fileSize = fileSize ?? UInt64(bytes.count)
        parser.append(bytes, eof: true)
        guard try parser.run() == nil else {
            // Unreachable: at end of input the parser throws `truncated` instead of asking for more.
            throw GGUFError(.truncated, at: parser.pos, "the header does not fit in the bytes given",
                            hint: GGUFError.truncatedHint)
        }
        return try parser.finish()
    }

    /// Reads a header from a byte source, fetching more bytes only as the parse needs them.
    /// A local file is memory-mapped instead and parsed in place: only the header's pages are touched.
    public static func read(from source: some GGUFByteSource, options: Options = Options()) async throws -> GGUFFile {
        if let local = source as? LocalFileByteSource,
           let file = try local.withMappedFile({ bytes in
               var parser = GGUFParser(options: options, mapped: bytes)
               guard try parser.run() == nil else {
                   throw GGUFError(.truncated, at: parser.pos, "the header does not fit in the file", hint: GGUFError.truncatedHint)
               }
               return try parser.finish()
           }) {
            return file
        }
        var parser = GGUFParser(options: options)
        var nextRead = max(options.initialReadSize, 64)
        var first = true
        while true {
            guard let wanted = try parser.run() else {
                var file = try parser.finish()
                file.entityTag = await source.entityTag()
                return file
            }
            let start = parser.loadedEnd
            let missing = wanted > start ? wanted - start : 1
            var length = UInt64(nextRead)
            if missing > length { length = min(missing + missing / 2, UInt64(options.maxReadSize) * 4) }
            if let size = parser.fileSize { length = min(length, size > start ? size - start : 0) }
            length = max(length, 1)
            let bytes = try await source.read(offset: start, length: Int(length))
            if first {
                first = false
                parser.fileSize = try await source.size()
            }
            let end = start + UInt64(bytes.count)
            let eof = bytes.count < Int(length) || parser.fileSize.map { end >= $0 } ?? false
            parser.append(bytes, eof: eof)
            nextRead = min(nextRead * 2, max(options.maxReadSize, options.initialReadSize))
        }
    }

    /// Reads the header of a local file.
    public static func read(path: String, options: Options = Options()) async throws -> GGUFFile {
        try await read(from: LocalFileByteSource(path: path), options: options)
    }
}

/// The resumable parse behind ``GGUFReader``. Each header item (the fixed header, one key–value pair,
/// one tensor entry) is parsed atomically: when the bytes run out mid-item the parser rewinds to the
/// item's start and asks for more, so the driver can fetch and call ``run()`` again.
struct GGUFParser {
    private struct NeedMore: Error { var end: UInt64 }
    private enum Phase { case header, metadata, tensors, done }

    let options: GGUFReader.Options
    var fileSize: UInt64?

    private(set) var buffer: [UInt8] = []
    /// When set, the whole file is memory-mapped here and `buffer` is unused (local files: no copies).
    private var mapped: UnsafeRawBufferPointer?
    /// Absolute offset of `buffer[0]`.
    private(set) var base: UInt64 = 0
    private var atEOF = false
    private(set) var pos: UInt64 = 0

    private var phase = Phase.header
    private var bigEndian = false
    private var version: UInt32 = 0
    private var tensorCount: UInt64 = 0
    private var kvCount: UInt64 = 0
    private var metadata = GGUFMetadata()
    private var alignmentKeyOffset: UInt64 = 0
    private var tensors: [GGUFTensorInfo] = []
    private var tensorOffsetFields: [UInt64] = []
    private var tensorNames: Set<String> = []
    private var keptValues = 0

    init(options: GGUFReader.Options) { self.options = options }

    var loadedEnd: UInt64 { base + UInt64(mapped?.count ?? buffer.count) }

    /// Parses a whole file that is mapped into memory. `bytes` must stay valid until ``finish()``.
    init(options: GGUFReader.Options, mapped bytes: UnsafeRawBufferPointer) {
        self.options = options
        self.mapped = bytes
        self.fileSize = UInt64(bytes.count)
        self.atEOF = true
    }

    /// The loaded bytes, from `base`.
    @inline(__always)
    private func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let mapped { return try body(mapped) }
        return try buffer.withUnsafeBytes(body)
    }

    /// Adds the bytes that follow `loadedEnd`, dropping bytes already parsed.
    mutating func append(_ bytes: [UInt8], eof: Bool) {
        let consumed = Int(pos - base)
        if consumed >= buffer.count {
            // Everything loaded was parsed: take the new bytes as they are, without copying.
            base = loadedEnd
            buffer = bytes
        } else {
            if consumed > 0 {
                buffer.removeFirst(consumed)
                base = pos
            }
            buffer.reserveCapacity(buffer.count + bytes.count)
            buffer.append(contentsOf: bytes)
        }
        atEOF = eof
    }

    /// Parses as far as the loaded bytes allow. Returns nil when the header is complete, or the absolute
    /// offset the loaded bytes must reach to go on.
    mutating func run() throws -> UInt64? {
        while true {
            let start = pos
            do {
                switch phase {
                case .header:
                    try parseHeader()
                    phase = kvCount > 0 ? .metadata : (tensorCount > 0 ? .tensors : .done)
                case .metadata:
                    try parseKeyValue()
                    if UInt64(metadata.count) == kvCount { phase = tensorCount > 0 ? .tensors : .done }
                case .tensors:
                    try parseTensorInfo()
                    if UInt64(tensors.count) == tensorCount { phase = .done }
                case .done:
                    return nil
                }
            } catch let more as NeedMore {
                pos = start
                if more.end > start, more.end - start > options.maxItemSize {
                    throw GGUFError(.headerTooLarge, at: start,
                                    "a single header entry is larger than \(options.maxItemSize >> 20) MiB",
                                    hint: GGUFError.corruptHint)
                }
                return more.end
            }
        }
    }

    // MARK: Primitives

    /// Ensures `n` more bytes are loaded at `pos`.
    @inline(__always)
    private func need(_ n: UInt64, _ what: @autoclosure () -> String) throws {
        let (end, overflow) = pos.addingReportingOverflow(n)
        if !overflow, end <= loadedEnd { return }
        try needSlow(n, what())
    }

    private func needSlow(_ n: UInt64, _ what: String) throws {
        let (end, overflow) = pos.addingReportingOverflow(n)
        let fileEnd = fileSize ?? (atEOF ? loadedEnd : nil)
        if overflow || fileEnd.map({ end > $0 }) == true || atEOF {
            let actualEnd = fileEnd ?? loadedEnd
            throw GGUFError(.truncated, at: pos,
                            "the file ends at byte \(actualEnd), in the middle of \(what)",
                            hint: GGUFError.truncatedHint)
        }
        throw NeedMore(end: end)
    }

    /// Bytes the file still holds after `pos`, when its size is known.
    private var remaining: UInt64? {
        guard let fileSize else { return nil }
        return fileSize > pos ? fileSize - pos : 0
    }

    @inline(__always)
    private mutating func readFixed<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(UInt64(MemoryLayout<T>.size), what())
        let index = Int(pos - base)
        let raw = withBytes { $0.loadUnaligned(fromByteOffset: index, as: T.self) }
        pos += UInt64(MemoryLayout<T>.size)
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    private mutating func readU32(_ what: @autoclosure () -> String) throws -> UInt32 {
        try readFixed(UInt32.self, what())
    }

    private mutating func readU64(_ what: @autoclosure () -> String) throws -> UInt64 {
        try readFixed(UInt64.self, what())
    }

    /// Reads a string's length and checks it against the file; returns the length.
    private mutating func readStringLength(_ what: @autoclosure () -> String) throws -> UInt64 {
        let lengthOffset = pos
        let length = try readU64(what())
        if let remaining, length > remaining {
            throw GGUFError(.lengthPastEnd, at: lengthOffset,
                            "\(what()) has length \(length), past the end of the file (\(remaining) bytes remain)",
                            hint: "the file is incomplete or corrupt — re-download it")
        }
        if length > options.maxItemSize {
            throw GGUFError(.headerTooLarge, at: lengthOffset,
                            "\(what()) has length \(length), larger than \(options.maxItemSize >> 20) MiB",
                            hint: GGUFError.corruptHint)
        }
        return length
    }

    private mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try readStringLength(what())
        try need(length, what())
        let start = Int(pos - base)
        let string = withBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[start..<start + Int(length)]), as: UTF8.self) }
        pos += length
        return string
    }

    private mutating func skipString(_ what: @autoclosure () -> String) throws {
        let length = try readStringLength(what())
        try need(length, what())
        pos += length
    }

    // MARK: Items

    private mutating func parseHeader() throws {
        try need(4, "the magic number")
        let head = withBytes { Array($0.prefix(16)) }
        guard head.starts(with: [0x47, 0x47, 0x55, 0x46]) else { throw Self.badMagic(head) }
        pos = 4
        let rawVersion = try readU32("the version")
        if rawVersion == 1 {
            throw GGUFError(.unsupportedVersion, at: 4, "GGUF version 1 is not supported (only versions 2 and 3)",
                            hint: "version 1 files are from 2023; download a current conversion of the model")
        }
        if rawVersion == 2 || rawVersion == 3 {
            version = rawVersion
        } else if rawVersion.byteSwapped == 2 || rawVersion.byteSwapped == 3 {
            bigEndian = true
            version = rawVersion.byteSwapped
        } else {
            let shown = rawVersion & 0xFFFF == 0 ? rawVersion.byteSwapped : rawVersion
            throw GGUFError(.unsupportedVersion, at: 4, "GGUF version \(shown) is not supported (only versions 2 and 3)",
                            hint: shown > 3 ? "the file is newer than this tool — update runlocalai" : GGUFError.corruptHint)
        }
        let tensorCountOffset = pos
        tensorCount = try readU64("the tensor count")
        let kvCountOffset = pos
        kvCount = try readU64("the metadata count")
        // Smallest possible entries: a tensor is name length (8) + n_dims (4) + type (4) + offset (8);
        // a key–value pair is key length (8) + type (4) + a one-byte value.
        if let remaining {
            if tensorCount > remaining / 24 {
                throw GGUFError(.countTooLarge, at: tensorCountOffset,
                                "tensor count \(tensorCount) is larger than the file could hold (file is \(fileSize!) bytes)",
                                hint: GGUFError.corruptHint)
            }
            if kvCount > remaining / 13 {
                throw GGUFError(.countTooLarge, at: kvCountOffset,
                                "metadata count \(kvCount) is larger than the file could hold (file is \(fileSize!) bytes)",
                                hint: GGUFError.corruptHint)
            }
        }
    }

    private static func badMagic(_ bytes: [UInt8]) -> GGUFError {
        let head = bytes.prefix(16)
        let text = String(decoding: head.prefix(4), as: UTF8.self)
        let lower = String(decoding: head, as: UTF8.self).lowercased()
        let shown = head.prefix(4).map { b in (32...126).contains(b) ? String(UnicodeScalar(b)) : "." }.joined()
        let hint: String
        if lower.hasPrefix("<!doctype") || lower.hasPrefix("<html") || lower.hasPrefix("<?xml") || lower.hasPrefix("{\"error") {
            hint = "this is a web page or an error message, not a model — for Hugging Face use the \"resolve\" link, not \"blob\""
        } else if ["tjgg", "fmgg", "lmgg", "ggjt", "ggmf", "ggml"].contains(text) {
            hint = "this is a pre-GGUF GGML file; download a GGUF conversion of the model"
        } else if head.count > 8, head[8] == UInt8(ascii: "{") {
            hint = "this looks like a safetensors file; runlocalai reads GGUF files"
        } else if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            hint = "this is a zip archive (a PyTorch checkpoint?); runlocalai reads GGUF files"
        } else {
            hint = GGUFError.corruptHint
        }
        return GGUFError(.badMagic, at: 0, "the file starts with \"\(shown)\", not the GGUF magic \"GGUF\"", hint: hint)
    }

    private mutating func parseKeyValue() throws {
        let entryOffset = pos
        let index = metadata.count
        let key = try readString("the key of metadata entry \(index)")
        let typeOffset = pos
        let rawType = try readU32("the type of \"\(key)\"")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError(.unknownValueType, at: typeOffset, "metadata \"\(key)\" has unknown value type \(rawType)",
                            hint: "the file is corrupt or from a newer GGUF version — re-download it or update runlocalai")
        }
        let value = try readValue(type, key: key, depth: 0, keep: true)!
        guard !metadata.contains(key) else {
            throw GGUFError(.duplicateKey, at: entryOffset, "metadata key \"\(key)\" appears twice",
                            hint: "the file was written by a broken tool — re-download or re-convert it")
        }
        if key == "general.alignment" { alignmentKeyOffset = entryOffset }
        metadata.insert(key, value)
    }

    /// Reads one value; returns nil when `keep` is false (the value is skipped).
    private mutating func readValue(_ type: GGUFValueType, key: String, depth: Int, keep: Bool) throws -> GGUFValue? {
        switch type {
        case .uint8: let v = try readFixed(UInt8.self, "the value of \"\(key)\""); return .uint8(v)
        case .int8: let v = try readFixed(Int8.self, "the value of \"\(key)\""); return .int8(v)
        case .uint16: let v = try readFixed(UInt16.self, "the value of \"\(key)\""); return .uint16(v)
        case .int16: let v = try readFixed(Int16.self, "the value of \"\(key)\""); return .int16(v)
        case .uint32: let v = try readFixed(UInt32.self, "the value of \"\(key)\""); return .uint32(v)
        case .int32: let v = try readFixed(Int32.self, "the value of \"\(key)\""); return .int32(v)
        case .uint64: let v = try readFixed(UInt64.self, "the value of \"\(key)\""); return .uint64(v)
        case .int64: let v = try readFixed(Int64.self, "the value of \"\(key)\""); return .int64(v)
        case .float32:
            let v = try readFixed(UInt32.self, "the value of \"\(key)\"")
            return .float32(Float(bitPattern: v))
        case .float64:
            let v = try readFixed(UInt64.self, "the value of \"\(key)\"")
            return .float64(Double(bitPattern: v))
        case .bool:
            let v = try readFixed(UInt8.self, "the value of \"\(key)\"")
            return .bool(v != 0)
        case .string:
            if keep { return .string(try readString("the string value of \"\(key)\"")) }
            try skipString("a string in \"\(key)\"")
            return nil
        case .array:
            return try readArray(key: key, depth: depth + 1, keep: keep)
        }
    }

    private mutating func readArray(key: String, depth: Int, keep: Bool) throws -> GGUFValue? {
        let arrayOffset = pos
        if depth > options.maxNestingDepth {
            throw GGUFError(.nestingTooDeep, at: arrayOffset,
                            "metadata \"\(key)\" nests arrays more than \(options.maxNestingDepth) deep",
                            hint: GGUFError.corruptHint)
        }
        let rawType = try readU32("the element type of array \"\(key)\"")
        guard let elementType = GGUFValueType(rawValue: rawType) else {
            throw GGUFError(.unknownValueType, at: arrayOffset,
                            "array \"\(key)\" has unknown element type \(rawType)",
                            hint: "the file is corrupt or from a newer GGUF version — re-download it or update runlocalai")
        }
        let countOffset = pos
        let count = try readU64("the length of array \"\(key)\"")
        let minimum = UInt64(elementType.minimumSize)
        if let remaining, count > remaining / minimum {
            throw GGUFError(.countTooLarge, at: countOffset,
                            "array \"\(key)\" claims \(count) elements, more than the \(remaining) remaining bytes could hold",
                            hint: GGUFError.corruptHint)
        }
        if count > options.maxItemSize / minimum {
            throw GGUFError(.headerTooLarge, at: countOffset,
                            "array \"\(key)\" claims \(count) elements, more than \(options.maxItemSize >> 20) MiB",
                            hint: GGUFError.corruptHint)
        }
        let keepValues = keep && count <= UInt64(options.arrayValueLimit)
            && keptValues + Int(count) <= options.keptValueBudget
        if keepValues {
            keptValues += Int(count)
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count {
                values.append(try readValue(elementType, key: key, depth: depth, keep: true)!)
            }
            return .array(GGUFArray(elementType: elementType, count: count, values: values))
        }
        // Skip without decoding.
        if let size = elementType.fixedSize {
            try need(count * UInt64(size), "array \"\(key)\"")
            pos += count * UInt64(size)
        } else if elementType == .string {
            try skipStrings(count: count, key: key)
        } else {
            for _ in 0..<count { _ = try readArray(key: key, depth: depth + 1, keep: false) }
        }
        return keep ? .array(GGUFArray(elementType: elementType, count: count, values: nil)) : nil
    }

    /// Skips `count` strings: a tight loop over the loaded bytes, falling back to the checked path for
    /// a string that is not fully loaded or is invalid. When the bytes run out it asks for as many more
    /// as the strings so far suggest the rest needs, so a tokenizer array is not re-parsed many times.
    private mutating func skipStrings(count: UInt64, key: String) throws {
        let start = pos
        var done: UInt64 = 0
        while done < count {
            let offset = Int(pos - base)
            let swapped = bigEndian
            let (end, skipped) = withBytes { raw -> (Int, UInt64) in
                var p = offset
                var n: UInt64 = 0
                let limit = raw.count
                while done + n < count, limit - p >= 8 {
                    let stored = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    let length = swapped ? UInt64(bigEndian: stored) : UInt64(littleEndian: stored)
                    guard length <= UInt64(limit - p - 8) else { break }
                    p += 8 + Int(length)
                    n += 1
                }
                return (p, n)
            }
            pos = base + UInt64(end)
            done += skipped
            guard done < count else { break }
            do {
                try skipString("a string in array \"\(key)\"")
                done += 1
            } catch let more as NeedMore {
                guard done > 0 else { throw more }
                let average = (pos - start) / done + 1
                let (rest, overflow) = (count - done).multipliedReportingOverflow(by: average)
                var estimate = overflow ? more.end : max(more.end, pos &+ rest &+ rest / 16)
                if let fileSize { estimate = min(estimate, max(fileSize, more.end)) }
                throw NeedMore(end: estimate)
            }
        }
    }

    private mutating func parseTensorInfo() throws {
        let entryOffset = pos
        let index = tensors.count
        let name = try readString("the name of tensor \(index)")
        let dimsOffset = pos
        let nDims = try readU32("the dimension count of tensor \"\(name)\"")
        guard nDims <= 4 else {
            throw GGUFError(.tooManyDimensions, at: dimsOffset, "tensor \"\(name)\" has \(nDims) dimensions (at most 4)",
                            hint: GGUFError.corruptHint)
        }
        var dims: [UInt64] = []
        dims.reserveCapacity(Int(nDims))
        var elements: UInt64 = 1
        for d in 0..<Int(nDims) {
            let dimOffset = pos
            let dim = try readU64("dimension \(d) of tensor \"\(name)\"")
            let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
            guard dim <= UInt64(Int64.max), !overflow, product <= UInt64(Int64.max) else {
                throw GGUFError(.dimensionOverflow, at: dimOffset,
                                "tensor \"\(name)\" has dimensions whose element count overflows (dimension \(d) is \(dim))",
                                hint: GGUFError.corruptHint)
            }
            elements = product
            dims.append(dim)
        }
        let typeOffset = pos
        let rawType = try readU32("the type of tensor \"\(name)\"")
        let offsetField = pos
        let offset = try readU64("the data offset of tensor \"\(name)\"")
        guard let type = GGMLType(rawValue: rawType) else {
            if let removed = Self.removedTypeNames[rawType] {
                throw GGUFError(.removedTensorType, at: typeOffset,
                                "tensor \"\(name)\" uses ggml type \(rawType) (\(removed)), which llama.cpp no longer supports",
                                hint: "download a file quantized with a current llama.cpp")
            }
            throw GGUFError(.unknownTensorType, at: typeOffset, "tensor \"\(name)\" has unknown ggml type \(rawType)",
                            hint: "the file is corrupt or uses a type newer than this tool — re-download it or update runlocalai")
        }
        let rowLength = dims.first ?? 1
        guard rowLength % UInt64(type.blockSize) == 0 else {
            throw GGUFError(.invalidRowSize, at: dimsOffset,
                            "tensor \"\(name)\" has rows of \(rowLength) elements, not a multiple of the \(type.name) block size \(type.blockSize)",
                            hint: GGUFError.corruptHint)
        }
        let (bytes, overflow) = (elements / UInt64(type.blockSize)).multipliedReportingOverflow(by: UInt64(type.bytesPerBlock))
        guard !overflow else {
            throw GGUFError(.dimensionOverflow, at: dimsOffset, "tensor \"\(name)\" is too large to address",
                            hint: GGUFError.corruptHint)
        }
        guard !tensorNames.contains(name) else {
            throw GGUFError(.duplicateTensor, at: entryOffset, "tensor name \"\(name)\" appears twice",
                            hint: "the file was written by a broken tool — re-download or re-convert it")
        }
        tensorNames.insert(name)
        var info = GGUFTensorInfo(name: name, dimensions: [], type: type, offset: offset, headerOffset: entryOffset)
        info.dimensions = dims
        info.elementCount = elements
        info.byteCount = bytes
        tensors.append(info)
        tensorOffsetFields.append(offsetField)
    }

    static let removedTypeNames: [UInt32: String] = [
        4: "Q4_2", 5: "Q4_3", 31: "Q4_0_4_4", 32: "Q4_0_4_8", 33: "Q4_0_8_8",
        36: "IQ4_NL_4_4", 37: "IQ4_NL_4_8", 38: "IQ4_NL_8_8",
    ]

    // MARK: Finish

    /// Checks alignment and tensor extents, and builds the file.
    func finish() throws -> GGUFFile {
        var alignment = GGUFFile.defaultAlignment
        if let value = metadata["general.alignment"] {
            guard let a = value.uint64, value.type != .bool else {
                throw GGUFError(.wrongValueType, at: alignmentKeyOffset,
                                "general.alignment is a \(value.type), not an unsigned integer", hint: GGUFError.corruptHint)
            }
            guard a > 0, a & (a - 1) == 0, a <= 1 << 30 else {
                throw GGUFError(.badAlignment, at: alignmentKeyOffset,
                                "general.alignment is \(a), not a power of two", hint: GGUFError.corruptHint)
            }
            alignment = a
        }
        let (padded, overflow) = pos.addingReportingOverflow((alignment - pos % alignment) % alignment)
        guard !overflow else {
            throw GGUFError(.badAlignment, at: pos, "the data section cannot start after the header", hint: GGUFError.corruptHint)
        }
        let dataOffset = padded
        for (i, t) in tensors.enumerated() where t.offset % alignment != 0 {
            throw GGUFError(.misalignedTensor, at: tensorOffsetFields[i],
                            "tensor \"\(t.name)\" starts at data offset \(t.offset), not a multiple of the alignment \(alignment)",
                            hint: GGUFError.corruptHint)
        }
        if let fileSize {
            let available = fileSize > dataOffset ? fileSize - dataOffset : 0
            for (i, t) in tensors.enumerated() {
                let (end, overflow) = t.offset.addingReportingOverflow(t.byteCount)
                if overflow || end > available {
                    throw GGUFError(.tensorPastEnd, at: tensorOffsetFields[i],
                                    "tensor \"\(t.name)\" (\(t.byteCount) bytes at data offset \(t.offset)) ends past the end of the file (\(fileSize) bytes, data starts at \(dataOffset))",
                                    hint: GGUFError.truncatedHint)
                }
            }
        }
        let order = tensors.indices.sorted { tensors[$0].offset < tensors[$1].offset }
        for (a, b) in zip(order, order.dropFirst()) where tensors[a].byteCount > 0 && tensors[b].byteCount > 0 {
            let first = tensors[a], second = tensors[b]
            let (end, overflow) = first.offset.addingReportingOverflow(first.byteCount)
            if overflow || end > second.offset {
                throw GGUFError(.overlappingTensors, at: tensorOffsetFields[b],
                                "tensor \"\(second.name)\" at data offset \(second.offset) overlaps tensor \"\(first.name)\" (data offsets \(first.offset)..<\(end))",
                                hint: GGUFError.corruptHint)
            }
        }
        return GGUFFile(version: version, byteOrder: bigEndian ? .big : .little, metadata: metadata, tensors: tensors,
                        alignment: alignment, dataOffset: dataOffset, fileSize: fileSize)
    }
}
