import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO
import RunLocalAIStore
import RunLocalAITestSupport
import Synchronization
import Testing
@testable import RunLocalAIWeb

/// A Hugging Face-shaped file host on loopback, a real HTTP server: `/api/models/OWNER/NAME` lists a repository's
/// files, `/OWNER/NAME/resolve/main/FILE` serves their bytes with `Range` (206 + `Content-Range`) and an `ETag`,
/// `/slow/...` never answers in time, and files listed in `redirects` answer 302 to where they say.
final class RangeHost: Sendable {
    let files: [String: [UInt8]]
    let redirects: [String: String]
    let hits = Mutex<[String: Int]>([:])
    /// The `Range` header of every file request, by path, in order.
    let ranges = Mutex<[String: [String]]>([:])
    let port: Int
    let task: Task<Void, any Error>

    private init(files: [String: [UInt8]], redirects: [String: String], port: Int, task: Task<Void, any Error>) {
        self.files = files; self.redirects = redirects; self.port = port; self.task = task
    }

    /// `host:port` as the policy's extra host.
    var authority: String { "localhost:\(port)" }
    func url(_ path: String) -> String { "http://localhost:\(port)/\(path)" }
    func requests(_ path: String) -> Int { hits.withLock { $0[path] ?? 0 } }
    var totalRequests: Int { hits.withLock { $0.values.reduce(0, +) } }

    static func start(files: [String: [UInt8]], redirects: (Int) -> [String: String] = { _ in [:] }) async throws -> RangeHost {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let holder = Mutex<RangeHost?>(nil)
        let router = Router()
        router.get("/api/models/:owner/:name") { _, ctx -> Response in
            let repo = "\(ctx.parameters.get("owner") ?? "")/\(ctx.parameters.get("name") ?? "")/"
            guard let host = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            host.hits.withLock { $0["api/" + repo, default: 0] += 1 }
            let names = host.files.keys.filter { $0.hasPrefix(repo) }.map { String($0.dropFirst(repo.count)) }.sorted()
            guard !names.isEmpty else { return Response(status: .notFound) }
            let json = try JSONSerialization.data(withJSONObject: ["id": repo, "siblings": names.map { ["rfilename": $0] }])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("/:owner/:name/resolve/main/**") { req, ctx -> Response in
            let path = "\(ctx.parameters.get("owner") ?? "")/\(ctx.parameters.get("name") ?? "")/" + ctx.parameters.getCatchAll().joined(separator: "/")
            guard let host = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            host.hits.withLock { $0[path, default: 0] += 1 }
            host.ranges.withLock { $0[path, default: []].append(req.headers[.range] ?? "") }
            if let location = host.redirects[path] { return Response(status: .found, headers: [.location: location]) }
            guard let bytes = host.files[path] else { return Response(status: .notFound) }
            var headers: HTTPFields = [.eTag: "\"\(bytes.count)-\(path.hashValue & 0xffff)\"", .acceptRanges: "bytes"]
            if let range = req.headers[.range], range.hasPrefix("bytes="),
               case let bounds = range.dropFirst(6).split(separator: "-").compactMap({ Int($0) }), bounds.count == 2 {
                let start = bounds[0], end = min(bounds[1], bytes.count - 1)
                guard start < bytes.count else {
                    headers[.contentRange] = "bytes */\(bytes.count)"
                    return Response(status: .rangeNotSatisfiable, headers: headers)
                }
                headers[.contentRange] = "bytes \(start)-\(end)/\(bytes.count)"
                return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes[start...end])))
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/slow/**") { _, _ -> Response in
            try await Task.sleep(for: .seconds(30))
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0); continuation.finish() })
        let task = Task { try await app.run() }
        var port = 0
        for await p in ports { port = p }
        let host = RangeHost(files: files, redirects: redirects(port), port: port, task: task)
        holder.withLock { $0 = host }
        return host
    }

    func stop() { task.cancel() }
}

/// The site over a remote-model reader that may read from the range host (and huggingface.co, never asked here).
enum RemoteFixture {
    static func policy(_ host: RangeHost, configure: (inout RemoteModelPolicy) -> Void = { _ in }) -> RemoteModelPolicy {
        var p = RemoteModelPolicy()
        p.extraHosts = [host.authority]
        p.requestTimeout = 15   // generous: the whole suite runs in parallel on two cores; the slow-server case sets its own
        p.deadline = 30
        configure(&p)
        return p
    }

    static func site(_ policy: RemoteModelPolicy) async throws -> Site {
        let (catalog, content, profiles) = try await APIFixture.base.value
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-remote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("remote.sqlite").path)
        try await store.migrate()
        let remote = RemoteModelSource(transport: URLSessionHTTPTransport(), policy: policy, resolve: HostResolver.addresses)
        return Site(catalog: catalog, content: content, store: store, now: { APIFixture.now }, profiles: profiles, remote: remote)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> APIFixture.Reply {
        try await client.execute(uri: uri, method: .get) { r in
            APIFixture.Reply(status: r.status, headers: r.headers, data: Data(buffer: r.body))
        }
    }

    static func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    /// A small language model (4 layers, GQA) as a Q8_0 GGUF, and the repository around it.
    static let model = GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 256, ffn: 512, heads: 4, kvHeads: 2, vocab: 512, type: .q8_0, fileType: 7)
    static let projector = GGUFTestWriter.visionProjector("gemma3", imageSize: 896, patchSize: 14)
    /// The same model split in two files, as llama-gguf-split writes it.
    static let parts = model.split(into: 2)

    static var files: [String: [UInt8]] {
        var f: [String: [UInt8]] = [
            "acme/tiny-GGUF/tiny-Q8_0.gguf": model.fileBytes(),
            "acme/tiny-GGUF/tiny-Q4_K_M.gguf": GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 256, ffn: 512, heads: 4, kvHeads: 2, vocab: 512).fileBytes(),
            "acme/tiny-GGUF/mmproj-tiny-F16.gguf": projector.fileBytes(),
            "acme/tiny-GGUF/README.md": Array("# tiny".utf8),
            "acme/notgguf/page.gguf": Array("<!doctype html><html><body>Not a model</body></html>".utf8),
            "acme/huge/huge.gguf": GGUFTestWriter.languageModel(arch: "llama", layers: 1, hidden: 256, ffn: 256, heads: 4, kvHeads: 4, vocab: 40_000,
                                                                 type: .q8_0).fileBytes(),
        ]
        for (i, p) in parts.enumerated() { f[String(format: "acme/split-GGUF/tiny-Q8_0-%05d-of-00002.gguf", i + 1)] = p.fileBytes() }
        return f
    }

    /// Files that answer with a redirect: to the same host by IP literal, to cloud metadata, to a private address.
    static func redirects(_ port: Int) -> [String: String] {
        ["acme/moved/loopback.gguf": "http://127.0.0.1:\(port)/acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf",
         "acme/moved/metadata.gguf": "http://169.254.169.254/latest/meta-data/x.gguf",
         "acme/moved/private.gguf": "http://10.0.0.1/acme/x/resolve/main/x.gguf"]
    }

    /// The engine's answer for the same bytes read from a local file: what a URL's answer must equal.
    static func localAnswer(_ site: Site, _ writer: GGUFTestWriter, question: String) async throws -> Answer {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("remote-\(UUID().uuidString).gguf").path
        try Data(writer.fileBytes()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let profile = try ModelProfile(gguf: try await GGUFInspector().inspect(path), path: path)
        return try await site.service.answer(try Question.parse(query: question), profile: profile, file: path, mmprojFile: nil)
    }
}

@Suite("Any model by URL: will-it-run reads a GGUF's header from an allowed host", .serialized)
struct RemoteModelTests {
    @Test("a GGUF URL is answered exactly as the same file on disk, labelled as read from its header, and read once (one request: the entity tag comes with the header)")
    func fileURL() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files, redirects: RemoteFixture.redirects)
        defer { host.stop() }
        let site = try await RemoteFixture.site(RemoteFixture.policy(host))
        let url = host.url("acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf")
        let local = try await RemoteFixture.localAnswer(site, RemoteFixture.model, question: "model=x&hardware=rtx-3060-12gb&ctx=8192")
        try await Application(router: buildRouter(site: site)).test(.router) { client in
            let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(url))&hardware=rtx-3060-12gb&ctx=8192")
            #expect(r.status == .ok, "\(String(decoding: r.data, as: UTF8.self))")
            let json = try #require(r.json)
            #expect(json["model_file"]?["url"]?.string == url)
            #expect(json["memory"]?["weights_bytes"]?.number == Double(local.wire.memory.weights_bytes))
            #expect(json["memory"]?["kv_cache_bytes"]?.number == Double(local.wire.memory.kv_cache_bytes))
            #expect(json["quant"]?.string == "Q8_0")
            let fileReads = host.requests("acme/tiny-GGUF/tiny-Q8_0.gguf")
            // The small header comes in one range request, and its entity tag (for the cache) with it.
            #expect(fileReads == 1)
            // Other questions about the same file: no new header reads.
            for ctx in ["4096", "32K"] {
                let again = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(url))&hardware=rtx-4090&ctx=\(ctx)")
                #expect(again.status == .ok)
            }
            #expect(host.requests("acme/tiny-GGUF/tiny-Q8_0.gguf") == fileReads)
            // The page says where the figures came from.
            let page = try await PagesFixture.get(client, "/will-it-run?model=\(RemoteFixture.q(url))&hardware=rtx-3060-12gb&ctx=8192")
            #expect(page.status == .ok)
            #expect(page.body.contains("From the file&#39;s header") || page.body.contains("From the file's header"))
            #expect(page.body.contains(url))
        }
    }

    @Test("a repository with :QUANT picks that file and the repository's vision projector")
    func repository() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files)
        defer { host.stop() }
        let site = try await RemoteFixture.site(RemoteFixture.policy(host))
        try await Application(router: buildRouter(site: site)).test(.router) { client in
            let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(host.url("acme/tiny-GGUF:Q8_0")))&hardware=rtx-3060-12gb&images=1")
            #expect(r.status == .ok, "\(String(decoding: r.data, as: UTF8.self))")
            let json = try #require(r.json)
            #expect(json["model_file"]?["url"]?.string == host.url("acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf"))
            #expect(json["model_file"]?["mmproj_url"]?.string == host.url("acme/tiny-GGUF/resolve/main/mmproj-tiny-F16.gguf"))
            #expect((json["memory"]?["vision_bytes"]?.number ?? 0) > 0)
            // The question's quantisation picks the file when the name does not.
            let q4 = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(host.url("acme/tiny-GGUF")))&hardware=rtx-3060-12gb&quant=Q4_K_M")
            #expect(q4.json?["model_file"]?["url"]?.string == host.url("acme/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf"))
            let missing = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(host.url("acme/tiny-GGUF:IQ2_XS")))&hardware=rtx-3060-12gb")
            #expect(missing.status == .badRequest)
            #expect(missing.json?["error"]?["code"]?.string == "no_such_quant")
            #expect(missing.json?["error"]?["message"]?.string?.contains("Q4_K_M, Q8_0") == true)
        }
    }

    @Test("a split model's first part reads every part's header; the weights are all parts' tensors")
    func splitFile() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files)
        defer { host.stop() }
        let site = try await RemoteFixture.site(RemoteFixture.policy(host))
        let local = try await RemoteFixture.localAnswer(site, RemoteFixture.model, question: "model=x&hardware=rtx-3060-12gb")
        try await Application(router: buildRouter(site: site)).test(.router) { client in
            let url = host.url("acme/split-GGUF/resolve/main/tiny-Q8_0-00001-of-00002.gguf")
            let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(url))&hardware=rtx-3060-12gb")
            #expect(r.status == .ok, "\(String(decoding: r.data, as: UTF8.self))")
            #expect(r.json?["memory"]?["weights_bytes"]?.number == Double(local.wire.memory.weights_bytes))
            #expect(host.requests("acme/split-GGUF/tiny-Q8_0-00002-of-00002.gguf") >= 1)
        }
    }

    @Test("refused with a clear reason and no hang: other hosts, IP literals, redirects to private addresses, not a GGUF, a slow server")
    func refusals() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files, redirects: RemoteFixture.redirects)
        defer { host.stop() }
        let site = try await RemoteFixture.site(RemoteFixture.policy(host) { $0.burstPerClient = 100; $0.requestTimeout = 1; $0.deadline = 3 })   // every case is a new read
        let cases: [(String, HTTPResponse.Status, String, String)] = [
            ("https://example.com/acme/x/resolve/main/x.gguf", .badRequest, "host_not_allowed", "example.com is not an allowed model host"),
            ("http://10.0.0.1/acme/x/resolve/main/x.gguf", .badRequest, "host_not_allowed", "is an IP address"),
            ("http://huggingface.co/acme/x/resolve/main/x.gguf", .badRequest, "host_not_allowed", "HTTPS only"),
            (host.url("acme/moved/resolve/main/loopback.gguf"), .badRequest, "host_not_allowed", "127.0.0.1:\(host.port) is an IP address"),
            (host.url("acme/moved/resolve/main/metadata.gguf"), .badRequest, "host_not_allowed", "169.254.169.254 is an IP address"),
            (host.url("acme/moved/resolve/main/private.gguf"), .badRequest, "host_not_allowed", "10.0.0.1 is an IP address"),
            (host.url("acme/notgguf/resolve/main/page.gguf"), .unprocessableContent, "not_gguf", "not a GGUF model"),
            (host.url("acme/nothing/resolve/main/gone.gguf"), .notFound, "remote_not_found", "404"),
            (host.url("nobody/none-GGUF"), .notFound, "remote_not_found", "no repository nobody/none-GGUF"),
        ]
        try await Application(router: buildRouter(site: site)).test(.router) { client in
            for (model, status, code, words) in cases {
                let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(model))&hardware=rtx-3060-12gb")
                #expect(r.status == status, "\(model): \(String(decoding: r.data, as: UTF8.self))")
                #expect(r.json?["error"]?["code"]?.string == code, "\(model)")
                #expect(r.json?["error"]?["message"]?.string?.contains(words) == true, "\(model): \(r.json?["error"]?["message"]?.string ?? "")")
                #expect(r.json?["error"]?["parameter"]?.string == "model")
            }
            // Nothing was fetched from the loopback address or elsewhere on a redirect's say-so: only the redirecting files were asked.
            #expect(host.requests("acme/tiny-GGUF/tiny-Q8_0.gguf") == 0)
            // A server that never answers: a 504 within the deadline, not a hang.
            let start = ContinuousClock.now
            let slow = try await RemoteFixture.get(client, "/api/v1/will-it-run?model=\(RemoteFixture.q(host.url("slow/x/resolve/main/x.gguf")))&hardware=rtx-3060-12gb")
            #expect(slow.status == .gatewayTimeout, "\(String(decoding: slow.data, as: UTF8.self))")
            #expect(ContinuousClock.now - start < .seconds(10))
            // The page shows the same reason in the form.
            let page = try await PagesFixture.get(client, "/will-it-run?model=\(RemoteFixture.q("https://example.com/a/b/resolve/main/x.gguf"))&hardware=rtx-3060-12gb")
            #expect(page.body.contains("example.com is not an allowed model host"))
        }
    }

    @Test("a header over the cap is refused before it is read; a client starting too many new reads gets 429 + Retry-After")
    func caps() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files)
        defer { host.stop() }
        let capped = try await RemoteFixture.site(RemoteFixture.policy(host) { $0.headerCapBytes = 64 << 10 })
        try await Application(router: buildRouter(site: capped)).test(.router) { client in
            let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(host.url("acme/huge/resolve/main/huge.gguf")))&hardware=rtx-3060-12gb")
            #expect(r.status == .unprocessableContent, "\(String(decoding: r.data, as: UTF8.self))")
            #expect(r.json?["error"]?["code"]?.string == "header_too_large")
        }
        let limited = try await RemoteFixture.site(RemoteFixture.policy(host) { $0.burstPerClient = 2; $0.perMinutePerClient = 1 })
        try await Application(router: buildRouter(site: limited)).test(.router) { client in
            let urls = ["acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf", "acme/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf",
                        "acme/split-GGUF/resolve/main/tiny-Q8_0-00001-of-00002.gguf"].map(host.url)
            var statuses: [HTTPResponse.Status] = []
            var retry: String?
            for u in urls {
                let r = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(u))&hardware=rtx-3060-12gb")
                statuses.append(r.status)
                if r.status == .tooManyRequests { retry = r.headers[.retryAfter] }
            }
            #expect(statuses.filter { $0 == .ok }.count >= 1)
            #expect(statuses.last == .tooManyRequests)
            #expect(Int(retry ?? "") ?? 0 >= 1)
            // A model already read costs nothing: asked again, it is answered.
            let again = try await APIFixture.call(client, .get, "/api/v1/will-it-run?model=\(RemoteFixture.q(urls[0]))&hardware=rtx-4090")
            #expect(again.status == .ok)
        }
    }

    @Test("the cache keeps a header for its fresh period with no request; after it, one small request re-checks the entity tag and keeps the header when it is unchanged")
    func staleHeaderIsRevalidatedByItsTag() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files, redirects: RemoteFixture.redirects)
        defer { host.stop() }
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let policy = RemoteFixture.policy(host)
        let source = RemoteModelSource(transport: URLSessionHTTPTransport(), policy: policy, resolve: HostResolver.addresses,
                                       now: { clock.withLock { $0 } })
        let url = try #require(URL(string: host.url("acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf")))
        let path = "acme/tiny-GGUF/tiny-Q8_0.gguf"
        let first = try await source.model(.file(url), client: "a")
        #expect(first.etag != nil)
        #expect(host.requests(path) == 1)
        clock.withLock { $0 += policy.freshSeconds / 2 }
        _ = try await source.model(.file(url), client: "a")
        #expect(host.requests(path) == 1)
        clock.withLock { $0 += policy.freshSeconds }
        let again = try await source.model(.file(url), client: "a")
        #expect(host.requests(path) == 2)
        #expect(host.ranges.withLock { $0[path]?.last } == "bytes=0-3")   // the tag check, not a header read
        #expect(again.profile.weights == first.profile.weights)
        #expect(again.etag == first.etag)
    }

    @Test("a default host whose name resolves to a private address is refused before any request")
    func privateResolution() async throws {
        final class Recording: HTTPRangeTransport {
            let count = Mutex<Int>(0)
            func get(_ request: HTTPRangeRequest, progress: (@Sendable (Int) -> Void)?) async throws -> HTTPRangeResponse {
                count.withLock { $0 += 1 }
                return HTTPRangeResponse(status: 404, headers: [:], body: [])
            }
        }
        let inner = Recording()
        let guarded = GuardedTransport(inner: inner, policy: RemoteModelPolicy(), resolve: { _ in ["10.1.2.3"] })
        await #expect(throws: RemoteModelError.self) {
            _ = try await guarded.get(HTTPRangeRequest(url: URL(string: "https://huggingface.co/a/b/resolve/main/x.gguf")!, range: 0...3, maxBodyBytes: 4), progress: nil)
        }
        #expect(inner.count.withLock { $0 } == 0)
        let publicHost = GuardedTransport(inner: inner, policy: RemoteModelPolicy(), resolve: { _ in ["18.154.227.7"] })
        let answer = try await publicHost.get(HTTPRangeRequest(url: URL(string: "https://cdn-lfs.huggingface.co/a/b")!, range: 0...3, maxBodyBytes: 4), progress: nil)
        #expect(answer.status == 404)
        #expect(inner.count.withLock { $0 } == 1)
    }

    @Test("the CLI answers for the URL as the API does, and refuses a host not allowed", .enabled(if: RemoteCLI.binary != nil, "build the runlocalai executable first"))
    func cli() async throws {
        let host = try await RangeHost.start(files: RemoteFixture.files)
        defer { host.stop() }
        let url = host.url("acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf")
        let ok = try await RemoteCLI.run(["will-it-run", "--model", url, "--hardware", "rtx-3060-12gb", "--json", "--model-host", host.authority, "--data-dir", "/nonexistent"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let json = try #require(try JSONValue.parse(Data(ok.stdout.utf8)))
        #expect(json["model_file"]?["url"]?.string == url)
        let site = try await RemoteFixture.site(RemoteFixture.policy(host))
        let local = try await RemoteFixture.localAnswer(site, RemoteFixture.model, question: "model=x&hardware=rtx-3060-12gb")
        #expect(json["memory"]?["weights_bytes"]?.number == Double(local.wire.memory.weights_bytes))
        let refused = try await RemoteCLI.run(["will-it-run", "--model", "https://example.com/a/b/resolve/main/x.gguf", "--hardware", "rtx-3060-12gb"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("example.com is not an allowed model host"))
    }
}

/// The built `runlocalai` executable, off the cooperative pool (it blocks while the process runs).
enum RemoteCLI {
    static let binary = RunLocalAIBinary.path
    static func run(_ args: [String]) async throws -> RunLocalAIBinary.Result {
        try await Task.detached { try RunLocalAIBinary.run(args) }.value
    }
}
