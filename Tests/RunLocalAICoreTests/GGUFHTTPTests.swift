import Foundation
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

/// A pretend web server holding one file, answering range requests like Hugging Face does:
/// the `resolve` URL redirects to a CDN host, which serves `206 Partial Content`.
actor FakeServer: HTTPRangeTransport {
    let file: [UInt8]
    let reportedSize: UInt64
    var ignoresRange = false
    var redirectFirst = true
    var missing: Set<String> = []
    private(set) var requests: [HTTPRangeRequest] = []
    private(set) var bodyBytesSent = 0

    init(file: [UInt8], reportedSize: UInt64? = nil, ignoresRange: Bool = false, redirectFirst: Bool = true) {
        self.file = file
        self.reportedSize = reportedSize ?? UInt64(file.count)
        self.ignoresRange = ignoresRange
        self.redirectFirst = redirectFirst
    }

    func setMissing(_ paths: Set<String>) { missing = paths }

    nonisolated func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
        await answer(request, progress: progress)
    }

    private func byte(_ i: UInt64) -> UInt8 { i < UInt64(file.count) ? file[Int(i)] : 0 }

    private func answer(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) -> HTTPRangeResponse {
        requests.append(request)
        if missing.contains(request.url.lastPathComponent) { return HTTPRangeResponse(status: 404, headers: [:], body: []) }
        if redirectFirst, request.url.host == "huggingface.co" {
            let cdn = "https://cdn-lfs.hf.co/blobs/\(request.url.lastPathComponent)?signature=abc"
            return HTTPRangeResponse(status: 302, headers: ["Location": cdn], body: [])
        }
        guard let range = request.range, !ignoresRange else {
            let n = min(UInt64(request.maxBodyBytes), reportedSize)
            let body = (0..<n).map(byte)
            bodyBytesSent += body.count
            progress?(body.count)
            return HTTPRangeResponse(status: 200, headers: ["Content-Length": "\(reportedSize)"], body: body)
        }
        guard range.lowerBound < reportedSize else {
            return HTTPRangeResponse(status: 416, headers: ["Content-Range": "bytes */\(reportedSize)"], body: [])
        }
        let end = min(range.upperBound, reportedSize - 1)
        let body = (range.lowerBound...end).map(byte)
        bodyBytesSent += body.count
        progress?(body.count)
        return HTTPRangeResponse(status: 206, headers: ["Content-Range": "bytes \(range.lowerBound)-\(end)/\(reportedSize)"],
                                 body: body)
    }
}

@Suite("GGUF over HTTP: range requests")
struct GGUFHTTPTests {
    static let url = URL(string: "https://huggingface.co/org/repo/resolve/main/model-Q4_K_M.gguf")!

    /// A model whose header is about 1.4 MB (a 100 000-token vocabulary) in front of 4 GB of data.
    static func bigHeaderModel() -> GGUFTestWriter {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 4096, ffn: 14336, heads: 32, kvHeads: 8,
                                             vocab: 100_000)
        w.tensor("padding", [1 << 16, 1 << 15], .f16)
        return w
    }

    @Test("a remote header is read in a few requests that grow geometrically, after one redirect")
    func fewRequests() async throws {
        let w = Self.bigHeaderModel()
        let header = w.header().bytes
        #expect(header.count > 1 << 20)
        let server = FakeServer(file: header, reportedSize: w.fileSize)
        let source = HTTPByteSource(url: Self.url, transport: server)
        let remote = try await GGUFReader.read(from: source)
        #expect(remote == (try w.parse()))
        let requests = await server.requests
        // One redirect, then 1 MiB and 2 MiB reads from the CDN.
        #expect(requests.count == 3)
        #expect(requests[0].url.host == "huggingface.co")
        #expect(requests.dropFirst().allSatisfy { $0.url.host == "cdn-lfs.hf.co" })
        #expect(requests.map { $0.headers["Range"] } == ["bytes=0-1048575", "bytes=0-1048575", "bytes=1048576-3145727"])
        #expect(await server.bodyBytesSent < 4 << 20)
        #expect(await source.requestCount == 3)
    }

    @Test("the Authorization header is not sent to the CDN host")
    func tokenStaysHome() async throws {
        let w = GGUFMalformedCorpus.base()
        let server = FakeServer(file: w.fileBytes())
        let source = HTTPByteSource(url: Self.url, transport: server, headers: ["Authorization": "Bearer hf_x"])
        _ = try await GGUFReader.read(from: source)
        let requests = await server.requests
        #expect(requests.first?.headers["Authorization"] == "Bearer hf_x")
        #expect(requests.dropFirst().allSatisfy { $0.headers["Authorization"] == nil })
    }

    @Test("a server that ignores Range (200) is read only as far as the header, then left alone")
    func ignoresRange() async throws {
        let w = Self.bigHeaderModel()
        let server = FakeServer(file: w.header().bytes, reportedSize: w.fileSize, ignoresRange: true, redirectFirst: false)
        let file = try await GGUFReader.read(from: HTTPByteSource(url: Self.url, transport: server))
        #expect(file == (try w.parse()))
        #expect(await server.bodyBytesSent < 8 << 20)   // never the 4 GiB
        #expect(await server.requests.allSatisfy { $0.maxBodyBytes <= 4 << 20 })
    }

    @Test("progress is reported in bytes received")
    func progress() async throws {
        let w = GGUFMalformedCorpus.base()
        let server = FakeServer(file: w.fileBytes(), redirectFirst: false)
        let seen = Box()
        let source = HTTPByteSource(url: Self.url, transport: server, progress: { seen.set($0) })
        _ = try await GGUFReader.read(from: source)
        #expect(seen.value == UInt64(w.fileBytes().count))
    }

    @Test("HTTP errors say what to do", arguments: [(404, "not found"), (401, "HF_TOKEN"), (403, "gated")])
    func statusErrors(status: Int, phrase: String) {
        let e = HTTPByteSource.statusError(status, url: Self.url)
        #expect(e.kind == .http)
        #expect(e.description.contains(phrase))
    }

    @Test("Content-Range is parsed, including unknown totals")
    func contentRange() {
        #expect(HTTPByteSource.contentRange("bytes 0-1023/4096")! == (0, 1023, 4096))
        #expect(HTTPByteSource.contentRange("bytes 5-9/*")!.total == nil)
        #expect(HTTPByteSource.contentRange("bytes */812")!.total == 812)
        #expect(HTTPByteSource.contentRange("items 1-2/3") == nil)
    }

    @Test("a remote split model reads every part; a part missing on the server is named")
    func remoteSplit() async throws {
        let dir = try GGUFSplitTests.writeSplit(count: 2)
        defer { try? FileManager.default.removeItem(at: dir) }
        let part2 = try Data(contentsOf: dir.appendingPathComponent("big-model-00002-of-00002.gguf"))
        let server = FakeServer(file: [UInt8](part2), redirectFirst: false)
        await server.setMissing(["big-model-00001-of-00002.gguf"])
        let inspector = GGUFInspector(transport: server)
        let error = await #expect(throws: GGUFError.self) {
            try await inspector.inspect("https://example.com/m/big-model-00002-of-00002.gguf")
        }
        #expect(error?.kind == .missingSplitPart)
        #expect(error?.problem.contains("big-model-00001-of-00002.gguf") == true)
    }
}

final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: UInt64 = 0
    func set(_ v: UInt64) { lock.lock(); stored = v; lock.unlock() }
    var value: UInt64 { lock.lock(); defer { lock.unlock() }; return stored }
}
