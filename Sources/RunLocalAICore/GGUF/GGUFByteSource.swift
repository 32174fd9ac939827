#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Somewhere the bytes of a GGUF file can be read from, a range at a time: a local file, an HTTP(S) URL,
/// or memory.
///
/// The reader asks only for the header, growing its reads geometrically, so a multi-gigabyte file is
/// inspected with a handful of reads.
///
/// ```swift
/// let source = try LocalFileByteSource(path: "model.gguf")
/// let head = try await source.read(offset: 0, length: 4)   // [0x47, 0x47, 0x55, 0x46] "GGUF"
/// ```
public protocol GGUFByteSource: Sendable {
    /// A name for messages (the path or URL).
    var name: String { get }
    /// The total size in bytes, if the source knows it.
    func size() async throws -> UInt64?
    /// Up to `length` bytes starting at `offset`. Fewer bytes than asked means the file ends there.
    func read(offset: UInt64, length: Int) async throws -> [UInt8]
    /// The version tag the source sent with the bytes read (an HTTP entity tag), nil where there is none.
    func entityTag() async -> String?
}

extension GGUFByteSource {
    public func entityTag() async -> String? { nil }
}

/// Bytes already in memory — for tests, fuzzing, and files read some other way.
///
/// ```swift
/// let source = InMemoryByteSource(bytes, name: "synthetic.gguf")
/// let file = try await GGUFReader.read(from: source)
/// ```
public struct InMemoryByteSource: GGUFByteSource {
    public let bytes: [UInt8]
    public let name: String
    /// The size the source reports; normally `bytes.count`. A larger value models a file whose tail
    /// (the tensor data) is not held in memory; reads past `bytes` return zeros.
    public let reportedSize: UInt64?

    public init(_ bytes: [UInt8], name: String = "<memory>", reportedSize: UInt64? = nil) {
        self.bytes = bytes
        self.name = name
        self.reportedSize = reportedSize ?? UInt64(bytes.count)
    }

    public func size() async throws -> UInt64? { reportedSize }

    public func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        let total = reportedSize ?? UInt64(bytes.count)
        guard length > 0, offset < total else { return [] }
        let end = min(total, offset &+ UInt64(length) < offset ? total : offset + UInt64(length))
        var out = [UInt8](repeating: 0, count: Int(end - offset))
        if offset < UInt64(bytes.count) {
            let stop = min(end, UInt64(bytes.count))
            out.replaceSubrange(0..<Int(stop - offset), with: bytes[Int(offset)..<Int(stop)])
        }
        return out
    }
}

/// A local file, read with POSIX `pread`: only the requested ranges are touched, never the whole file.
///
/// ```swift
/// let source = try LocalFileByteSource(path: "/models/llama-3.1-8b-Q4_K_M.gguf")
/// try await source.size()   // 4920739232
/// ```
public final class LocalFileByteSource: GGUFByteSource {
    public let name: String
    private let fd: Int32
    private let fileSize: UInt64
    private let isRegularFile: Bool

    public init(path: String) throws {
        self.name = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw GGUFError(.io, at: nil, "cannot open \(path): \(reason)",
                            hint: "check the path and that the file is readable")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw GGUFError(.io, at: nil, "cannot stat \(path): \(reason)", hint: "check the file")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw GGUFError(.io, at: nil, "\(path) is a directory", hint: "pass the path of a .gguf file")
        }
        self.fd = fd
        self.fileSize = UInt64(max(0, info.st_size))
        self.isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }

    deinit { close(fd) }

    public func size() async throws -> UInt64? { fileSize }

    public func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        try readSync(offset: offset, length: length)
    }

    /// Maps the whole file read-only and runs `body` on its bytes; nil when the file cannot be mapped
    /// (empty, not a regular file), in which case callers fall back to ``read(offset:length:)``.
    /// Only the pages `body` touches are read from disk. The mapping is gone when this returns.
    public func withMappedFile<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        guard isRegularFile, fileSize > 0, fileSize < UInt64(Int.max) else { return nil }
        guard let base = mmap(nil, Int(fileSize), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        defer { munmap(base, Int(fileSize)) }
        return try body(UnsafeRawBufferPointer(start: base, count: Int(fileSize)))
    }

    /// The synchronous read behind ``read(offset:length:)``.
    public func readSync(offset: UInt64, length: Int) throws -> [UInt8] {
        guard length > 0, offset < fileSize else { return [] }
        let count = Int(min(UInt64(length), fileSize - offset))
        var failure: Int32 = 0
        var failedAt = 0
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + UInt64(done)))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    failedAt = done
                    break
                }
                if n == 0 { break }   // the file shrank under us
                done += n
            }
            initialized = done
        }
        if failure != 0 {
            let reason = String(cString: strerror(failure))
            throw GGUFError(.io, at: offset + UInt64(failedAt), "cannot read \(name): \(reason)",
                            hint: "check the disk and the file")
        }
        return buffer
    }
}
