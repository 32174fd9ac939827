import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAICore
import RunLocalAIStore
import RunLocalAIApp
import Testing
@testable import RunLocalAIWeb

/// The API tests' site: the repository's catalog and content, a fresh SQLite store, fixed clock, small POST limits.
enum APIFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static let base: Task<(Catalog, SiteContent, ProfileCache), Error> = Task {
        let catalog = try Catalog.load(from: repoRoot.appendingPathComponent("catalog"))
        let library = try ContentLoader.load(from: repoRoot.appendingPathComponent("content"), catalog: catalog)
        return (catalog, SiteContent(library), ProfileCache(capacity: 2048))
    }

    static let shared: Task<Site, Error> = Task { try await site(adminToken: "test-token") }

    static func site(adminToken: String?, limits: APILimits = APILimits(postBurst: 1000, postRefillPerSecond: 1000)) async throws -> Site {
        let (catalog, content, profiles) = try await base.value
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteBenchmarkStore(path: dir.appendingPathComponent("api.sqlite").path)
        try await store.migrate()
        let t = now
        return Site(catalog: catalog, content: content, store: store, now: { t }, adminToken: adminToken, profiles: profiles, limits: limits)
    }

    static let validator: JSONSchemaValidator = JSONSchemaValidator(document: try! JSONValue.parse(OpenAPIDocument.json))

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var data: Data
        var json: JSONValue? { try? JSONValue.parse(data) }
    }

    static func with(_ site: Site? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let s: Site
        if let site { s = site } else { s = try await shared.value }
        let app = Application(router: buildRouter(site: s))
        try await app.test(.router) { client in try await body(client) }
    }

    /// Runs `body` against a fresh router on `site` and hands back what it returned.
    static func withReply(_ site: Site, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Reply) async throws -> Reply {
        let box = LockedValue<Reply>()
        try await with(site) { client in box.set(try await body(client)) }
        return try #require(box.value)
    }

    /// Sends a request and checks the reply against the OpenAPI document: the status is documented for the
    /// operation, and a JSON body validates against the documented schema.
    @discardableResult
    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, template: String? = nil,
                     headers: HTTPFields = [:], body: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        let reply = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { r in
            Reply(status: r.status, headers: r.headers, data: Data(r.body.readableBytesView))
        }
        let path = template ?? String(uri.split(separator: "?").first ?? "")
        let m = method.rawValue.lowercased()
        let v = validator
        if reply.status != .notModified {
            #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true, "\(uri): content type", sourceLocation: sourceLocation)
            let json = try #require(reply.json, "\(uri): body is not JSON", sourceLocation: sourceLocation)
            if reply.status.code >= 400 {
                // Every error has the one shape, documented or not.
                let errs = v.validate(json, against: .object(["$ref": .string("#/components/schemas/Error")]))
                #expect(errs.isEmpty, "\(uri): \(errs)", sourceLocation: sourceLocation)
                #expect(json["error"]?["status"]?.int == Int64(reply.status.code), sourceLocation: sourceLocation)
            }
            if v.documents(path: path, method: m, status: reply.status.code) {
                if let schema = v.responseSchema(path: path, method: m, status: reply.status.code) {
                    let errs = v.validate(json, against: schema)
                    #expect(errs.isEmpty, "\(method) \(uri) → \(reply.status.code): \(errs.prefix(8))", sourceLocation: sourceLocation)
                }
            } else if reply.status.code < 500, reply.json?["error"]?["code"]?.string != "no_route" {
                #expect(reply.status.code == 400 || reply.status.code == 404 || reply.status.code == 413 || reply.status.code == 429 || reply.status.code == 415 || reply.status.code == 405,
                        "\(method) \(path) answered \(reply.status.code), which the OpenAPI document does not list", sourceLocation: sourceLocation)
            }
        }
        #expect(reply.status.code < 500, "\(method) \(uri) → \(reply.status.code) \(String(decoding: reply.data, as: UTF8.self).prefix(300))", sourceLocation: sourceLocation)
        return reply
    }

    static func expectError(_ r: Reply, _ status: Int, code: String, parameter: String? = nil, contains: String? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status.code == status, "status \(r.status.code): \(String(decoding: r.data, as: UTF8.self).prefix(300))", sourceLocation: sourceLocation)
        #expect(r.json?["error"]?["code"]?.string == code, "code \(r.json?["error"]?["code"]?.string ?? "-")", sourceLocation: sourceLocation)
        if let parameter { #expect(r.json?["error"]?["parameter"]?.string == parameter, sourceLocation: sourceLocation) }
        if let contains { #expect(r.json?["error"]?["message"]?.string?.contains(contains) == true, "\(r.json?["error"]?["message"]?.string ?? "")", sourceLocation: sourceLocation) }
    }
}

@Suite("API /api/v1")
struct APITests {
    typealias F = APIFixture

    @Test("The OpenAPI document: 3.1, every $ref resolves, every registered route is described")
    func openAPIDocument() async throws {
        try await F.with { c in
            let r = try await F.call(c, .get, "/api/v1/openapi.json")
            #expect(r.status == .ok)
            let doc = try #require(r.json)
            #expect(doc["openapi"]?.string == "3.1.0")
            // Every $ref anywhere resolves.
            func refs(_ v: JSONValue) -> [String] {
                switch v {
                case .object(let o): return (o["$ref"]?.string.map { [$0] } ?? []) + o.values.flatMap(refs)
                case .array(let a): return a.flatMap(refs)
                default: return []
                }
            }
            for ref in Set(refs(doc)) {
                #expect(F.validator.resolve(.object(["$ref": .string(ref)])) != nil, "unresolved \(ref)")
            }
            let paths = Set(doc["paths"]?.object?.keys.map { $0 } ?? [])
            for p in ["/api/v1/will-it-run", "/api/v1/will-it-run/custom", "/api/v1/models", "/api/v1/models/{id}", "/api/v1/hardware",
                      "/api/v1/hardware/{id}", "/api/v1/runtimes", "/api/v1/glossary", "/api/v1/glossary/{slug}", "/api/v1/errors",
                      "/api/v1/errors/{slug}", "/api/v1/diagnose", "/api/v1/compare", "/api/v1/benchmarks", "/api/v1/benchmarks/{id}/status",
                      "/api/v1/feedback", "/api/v1/guides", "/api/v1/cost", "/health"] {
                #expect(paths.contains(p), "\(p) is not described")
            }
        }
    }

    @Test("will-it-run: the engine's answer, with the page's parameters")
    func willItRun() async throws {
        let site = try await F.shared.value
        try await F.with { c in
            let r = try await F.call(c, .get, "/api/v1/will-it-run?model=llava-1.6-mistral-7b&quant=Q4_K_M&hardware=RTX%203060%2012GB&ctx=4096&images=1")
            #expect(r.status == .ok)
            let expected = try WillItRun.answer(WillItRunQuery(model: "llava-1.6-mistral-7b", hardware: "RTX 3060 12GB", context: 4096, images: 1), catalog: site.catalog)
            let got = try JSONDecoder().decode(WillItRunAnswer.self, from: r.data)
            #expect(got == expected)
            let r2 = try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.3-70b&hardware=2x%20rtx-3090&ctx=8192&kv=q8_0&fa=on&runtime=ollama&ram=64&ngl=40")
            #expect(r2.status == .ok)
            #expect(r2.json?["kv_type"]?.string == "q8_0")
            #expect(r2.json?["fit"]?["gpu_layers"]?.int == 40)
        }
    }

    @Test("will-it-run: bad parameters are clear 400s naming the parameter, never 500s")
    func willItRunErrors() async throws {
        try await F.with { c in
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-9000&hardware=rtx-3090"), 400, code: "unknown_model", parameter: "model", contains: "did you mean")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b"), 400, code: "missing_parameter", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?hardware=rtx-3090"), 400, code: "missing_parameter", parameter: "model")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&ctx=lots"), 400, code: "invalid_parameter", parameter: "ctx")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&ctx=0"), 400, code: "invalid_parameter", parameter: "ctx")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&quant=Q4_K_Z"), 400, code: "unknown_quant", parameter: "quant")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-9999"), 400, code: "unknown_hardware", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=RTX%203060"), 400, code: "ambiguous_hardware", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&kv=q9_9"), 400, code: "invalid_setting", parameter: "kv")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&images=1"), 400, code: "invalid_setting", contains: "takes no images")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&fa=maybe"), 400, code: "invalid_parameter", parameter: "fa")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&runtime=winamp"), 400, code: "unknown_runtime", parameter: "runtime")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090&ram=-4"), 400, code: "invalid_parameter", parameter: "ram")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=0x%20rtx-3090"), 400, code: "invalid_parameter", parameter: "hardware")
        }
    }

    @Test("will-it-run/custom: mixed GPUs, effective memory and grouped models; bad os / hardware are 400s")
    func custom() async throws {
        try await F.with { c in
            let r = try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=rtx-3090,rtx-3060-12gb&ram=64&os=linux&use_case=coding&ctx=16384")
            #expect(r.status == .ok)
            #expect(r.json?["gpus"]?.array?.count == 2)
            #expect((r.json?["memory"]?["effective_bytes"]?.int ?? 0) < (r.json?["memory"]?["sum_bytes"]?.int ?? 0))
            #expect((r.json?["models"]?.array?.count ?? 0) > 5)
            let mac = try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=apple-m4-max-40c%2064GB&os=macos&use_case=vision&beginner=true")
            #expect(mac.status == .ok)
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=rtx-3090&os=beos"), 400, code: "invalid_parameter", parameter: "os")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=rtx-3090&use_case=gaming"), 400, code: "invalid_parameter", parameter: "use_case")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run/custom"), 400, code: "missing_parameter", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=rtx-3090,banana"), 400, code: "unknown_hardware", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/will-it-run/custom?hardware=apple-m4-max-40c,rtx-3090&os=macos"), 400, code: "invalid_setting", parameter: "hardware")
        }
    }

    @Test("models: list with filters, detail with the memory table, 404 with suggestions")
    func models() async throws {
        let site = try await F.shared.value
        try await F.with { c in
            let all = try await F.call(c, .get, "/api/v1/models")
            #expect(all.json?["count"]?.int == Int64(site.catalog.models.count))
            let vision = try await F.call(c, .get, "/api/v1/models?vision=true")
            #expect(vision.json?["items"]?.array?.allSatisfy { $0["vision"] == .bool(true) } == true)
            _ = try await F.call(c, .get, "/api/v1/models?use=coding&moe=false&max_params_b=40")
            F.expectError(try await F.call(c, .get, "/api/v1/models?vision=perhaps"), 400, code: "invalid_parameter", parameter: "vision")
            let d = try await F.call(c, .get, "/api/v1/models/llama-3.1-8b", template: "/api/v1/models/{id}")
            #expect(d.status == .ok)
            #expect(d.json?["architecture"]?["layers"]?.int == 32)
            #expect(d.json?["architecture"]?["kv_bytes_per_token_f16"]?.int == 131_072)
            #expect((d.json?["memory"]?["rows"]?.array?.count ?? 0) >= 6)
            let moe = try await F.call(c, .get, "/api/v1/models/qwen3-30b-a3b", template: "/api/v1/models/{id}")
            #expect((moe.json?["model"]?["active_params_b"]?.number ?? 0) > 2)
            F.expectError(try await F.call(c, .get, "/api/v1/models/llama-9", template: "/api/v1/models/{id}"), 404, code: "unknown_model")
        }
    }

    @Test("hardware: list with score, detail with specs, score and chips; bad variants are 400/404")
    func hardware() async throws {
        try await F.with { c in
            let l = try await F.call(c, .get, "/api/v1/hardware?kind=gpu&backend=cuda&min_memory_gib=24")
            #expect(l.json?["items"]?.array?.allSatisfy { ($0["memory_gib"]?.number ?? 0) >= 24 } == true)
            F.expectError(try await F.call(c, .get, "/api/v1/hardware?kind=toaster"), 400, code: "invalid_parameter", parameter: "kind")
            F.expectError(try await F.call(c, .get, "/api/v1/hardware?backend=glide"), 400, code: "invalid_parameter", parameter: "backend")
            let d = try await F.call(c, .get, "/api/v1/hardware/rtx-4090", template: "/api/v1/hardware/{id}")
            #expect(d.status == .ok)
            #expect(d.json?["chips"]?.array?.count == ReferenceWorkload.chips.count)
            #expect(d.json?["score"]?["ecosystem"]?.number == 200)
            let mac = try await F.call(c, .get, "/api/v1/hardware/apple-m4-max-40c?memory=128", template: "/api/v1/hardware/{id}")
            #expect(mac.json?["memory_gib"]?.number == 128)
            let two = try await F.call(c, .get, "/api/v1/hardware/rtx-3090?count=2", template: "/api/v1/hardware/{id}")
            #expect(two.json?["selection"]?["id"]?.string == "2x-rtx-3090")
            F.expectError(try await F.call(c, .get, "/api/v1/hardware/apple-m4-max-40c?memory=65", template: "/api/v1/hardware/{id}"), 400, code: "invalid_parameter", parameter: "memory")
            F.expectError(try await F.call(c, .get, "/api/v1/hardware/rtx-3090?count=0", template: "/api/v1/hardware/{id}"), 400, code: "invalid_parameter", parameter: "count")
            F.expectError(try await F.call(c, .get, "/api/v1/hardware/rtx-9999", template: "/api/v1/hardware/{id}"), 404, code: "unknown_hardware")
        }
    }

    @Test("runtimes, glossary and errors: lists and items, 404 for unknown slugs")
    func contentRoutes() async throws {
        try await F.with { c in
            let rt = try await F.call(c, .get, "/api/v1/runtimes")
            #expect((rt.json?["count"]?.int ?? 0) >= 20)
            let g = try await F.call(c, .get, "/api/v1/glossary")
            #expect((g.json?["count"]?.int ?? 0) >= 100)
            let t = try await F.call(c, .get, "/api/v1/glossary/vision-language-model", template: "/api/v1/glossary/{slug}")
            #expect(t.json?["sections"]?.array?.contains { $0["markdown"]?.string?.contains("{{") == true } == false)
            F.expectError(try await F.call(c, .get, "/api/v1/glossary/vision-model", template: "/api/v1/glossary/{slug}"), 404, code: "unknown_term", contains: "vision-language-model")
            let e = try await F.call(c, .get, "/api/v1/errors")
            #expect((e.json?["count"]?.int ?? 0) >= 30)
            let a = try await F.call(c, .get, "/api/v1/errors/cuda-out-of-memory", template: "/api/v1/errors/{slug}")
            #expect(a.json?["error_text"]?.array?.isEmpty == false)
            F.expectError(try await F.call(c, .get, "/api/v1/errors/out-of-cheese", template: "/api/v1/errors/{slug}"), 404, code: "unknown_error")
        }
    }

    @Test("diagnose: text/plain or JSON; empty, unsupported or malformed bodies are 4xx")
    func diagnose() async throws {
        let log = "load_tensors: offloaded 33/33 layers to GPU\nggml_backend_cuda_buffer_type_alloc_buffer: allocating 4096.00 MiB on device 0: cudaMalloc failed: out of memory\n"
        try await F.with { c in
            let t = try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "text/plain"], body: log)
            #expect(t.status == .ok)
            #expect(t.json?["matches"]?[0]?["slug"]?.string == "cuda-out-of-memory")
            #expect(t.json?["matches"]?[0]?["lines"]?[0]?["number"]?.int == 2)
            let body = String(decoding: try JSONEncoder().encode(["log": log]), as: UTF8.self)
            let j = try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "application/json"], body: body)
            #expect(j.json?["matches"]?[0]?["slug"]?.string == "cuda-out-of-memory")
            let none = try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "text/plain"], body: "all good\n")
            #expect(none.json?["matches"]?.array?.isEmpty == true)
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "text/plain"], body: "  \n"), 400, code: "empty_log", parameter: "log")
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "application/json"], body: "{\"log\": 3"), 400, code: "invalid_json")
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "application/json"], body: "{\"text\": \"x\"}"), 400, code: "invalid_json", contains: "log")
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "image/png"], body: "x"), 415, code: "unsupported_media_type")
        }
    }

    @Test("compare: hardware vs hardware and model vs model; anything else is a 400")
    func compare() async throws {
        try await F.with { c in
            let h = try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3090,rtx-4090&ctx=8192")
            #expect(h.json?["kind"]?.string == "hardware")
            #expect((h.json?["decode_ratio"]?.number ?? 0) > 1)
            let m = try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&model=qwen2.5-14b&hardware=rtx-3090")
            #expect(m.json?["kind"]?.string == "models")
            #expect((m.json?["decode_ratio"]?.number ?? 2) < 1)
            F.expectError(try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3090"), 400, code: "invalid_parameter", parameter: "hardware")
            F.expectError(try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3090,rtx-9999"), 400, code: "unknown_hardware", parameter: "hardware")
        }
    }

    @Test("guides and cost vs cloud")
    func guidesAndCost() async throws {
        try await F.with { c in
            let g = try await F.call(c, .get, "/api/v1/guides?budget=1000")
            #expect((g.json?["picks"]?.array?.count ?? 0) >= 4)
            F.expectError(try await F.call(c, .get, "/api/v1/guides?budget=cheap"), 400, code: "invalid_parameter", parameter: "budget")
            let cost = try await F.call(c, .get, "/api/v1/cost?hardware=rtx-4090&electricity=0.3&hours_per_day=8")
            #expect(cost.status == .ok)
            #expect(cost.json?["report"]?["assumptions"]?["hours_per_day"]?.number == 8)
            F.expectError(try await F.call(c, .get, "/api/v1/cost?hardware=rtx-4090&hours_per_day=30"), 400, code: "invalid_parameter", parameter: "hours_per_day")
            F.expectError(try await F.call(c, .get, "/api/v1/cost"), 400, code: "missing_parameter", parameter: "hardware")
        }
    }

    static func runJSON(model: String = "llama-3.1-8b", decode: Double = 112.4) -> String {
        """
        {"model": "\(model)", "quant": "Q4_K_M", "hardware": ["rtx-3090"], "hardware_count": 1, "runtime": "llama.cpp",
         "runtime_version": "b6500", "backend": "CUDA", "context": 4096, "flash_attention": true, "prefill_tps": 4120.5,
         "decode_tps": \(decode), "measured_at": "2026-09-01T12:00:00Z", "command": "llama-bench -m x.gguf", "status": "approved"}
        """
    }

    @Test("Open data: /api/v1/snapshot.json holds the catalog and the published runs under CC-BY-4.0; its hash is its version and moves only when the data does")
    func snapshot() async throws {
        let site = try await F.site(adminToken: "s3cret")
        try await F.with(site) { c in
            let first = try await F.call(c, .get, "/api/v1/snapshot.json")
            #expect(first.status == .ok)
            let json = try #require(first.json)
            #expect(json["license"]?.string == "CC-BY-4.0")
            #expect(json["counts"]?["models"]?.number == Double(site.catalog.models.count))
            #expect(json["data"]?["hardware"]?.array?.count == site.catalog.hardware.count)
            #expect(json["data"]?["runtimes"]?.array?.count == site.catalog.runtimes.count)
            #expect(json["data"]?["runs"]?.array?.isEmpty == true)             // nothing published yet
            let hash = try #require(json["content_sha256"]?.string)
            #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
            #expect(json["version"]?.string == String(hash.prefix(12)))
            #expect(try await F.call(c, .get, "/api/v1/snapshot.json").json?["content_sha256"]?.string == hash)   // same data, same hash
            // A pending run is not open data; once approved it is, and the version moves.
            let posted = try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: Self.runJSON())
            let id = try #require(posted.json?["id"]?.string)
            #expect(try await F.call(c, .get, "/api/v1/snapshot.json").json?["content_sha256"]?.string == hash)
            _ = try await F.call(c, .post, "/api/v1/benchmarks/\(id)/status", template: "/api/v1/benchmarks/{id}/status",
                                 headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"approved\"}")
            let after = try #require(try await F.call(c, .get, "/api/v1/snapshot.json").json)
            #expect(after["counts"]?["runs"]?.number == 1)
            #expect(after["data"]?["runs"]?[0]?["id"]?.string == id)
            #expect(after["content_sha256"]?.string != hash)
        }
    }

    @Test("Open data: a dated snapshot is archived by the first request of its day and never changes; other days are clear 404s, a non-day a 400")
    func datedSnapshots() async throws {
        let site = try await F.site(adminToken: "s3cret")
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        let now = site.now()   // the site's clock (fixed in these tests)
        let today = f.string(from: now), yesterday = f.string(from: now.addingTimeInterval(-86_400)), tomorrow = f.string(from: now.addingTimeInterval(86_400))
        let tpl = "/api/v1/snapshots/{file}"
        try await F.with(site) { c in
            #expect(try await F.call(c, .get, "/api/v1/snapshots").json?["days"]?.array?.isEmpty == true)
            let archived = try await F.call(c, .get, "/api/v1/snapshots/\(today).json", template: tpl)
            #expect(archived.status == .ok)
            let hash = try #require(archived.json?["content_sha256"]?.string)
            #expect(try await F.call(c, .get, "/api/v1/snapshot.json").json?["content_sha256"]?.string == hash)
            // The data moves on; the archived day does not.
            let posted = try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: Self.runJSON())
            let id = try #require(posted.json?["id"]?.string)
            _ = try await F.call(c, .post, "/api/v1/benchmarks/\(id)/status", template: "/api/v1/benchmarks/{id}/status",
                                 headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"approved\"}")
            #expect(try await F.call(c, .get, "/api/v1/snapshot.json").json?["content_sha256"]?.string != hash)
            let again = try await F.call(c, .get, "/api/v1/snapshots/\(today).json", template: tpl)
            #expect(again.data == archived.data)
            let days = try await F.call(c, .get, "/api/v1/snapshots")
            #expect(days.json?["days"]?.array?.compactMap(\.string) == [today])
            #expect(days.json?["urls"]?[0]?.string == "/api/v1/snapshots/\(today).json")
            F.expectError(try await F.call(c, .get, "/api/v1/snapshots/\(yesterday).json", template: tpl), 404, code: "no_snapshot", parameter: "file")
            F.expectError(try await F.call(c, .get, "/api/v1/snapshots/\(tomorrow).json", template: tpl), 404, code: "no_snapshot", parameter: "file")
            F.expectError(try await F.call(c, .get, "/api/v1/snapshots/latest.json", template: tpl), 400, code: "invalid_parameter", parameter: "file")
            F.expectError(try await F.call(c, .get, "/api/v1/snapshots/2026-02-30.json", template: tpl), 400, code: "invalid_parameter", parameter: "file")
        }
    }

    @Test("benchmarks: submit (pending), list hides pending, moderation with the admin token, filters validated")
    func benchmarks() async throws {
        let site = try await F.site(adminToken: "s3cret")
        try await F.with(site) { c in
            let empty = try await F.call(c, .get, "/api/v1/benchmarks")
            #expect(empty.json?["runs"]?.array?.isEmpty == true)
            let posted = try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: Self.runJSON())
            #expect(posted.status == .created, "\(String(decoding: posted.data, as: UTF8.self))")
            #expect(posted.json?["status"]?.string == "pending")       // the submitter cannot publish it
            let id = try #require(posted.json?["id"]?.string)
            #expect(try await F.call(c, .get, "/api/v1/benchmarks").json?["runs"]?.array?.isEmpty == true)
            F.expectError(try await F.call(c, .get, "/api/v1/benchmarks?status=pending"), 403, code: "forbidden", parameter: "status")
            let pending = try await F.call(c, .get, "/api/v1/benchmarks?status=pending", headers: [.authorization: "Bearer s3cret"])
            #expect(pending.json?["runs"]?.array?.count == 1)
            // Moderation.
            let path = "/api/v1/benchmarks/\(id)/status", tpl = "/api/v1/benchmarks/{id}/status"
            F.expectError(try await F.call(c, .post, path, template: tpl, headers: [.contentType: "application/json"], body: "{\"status\":\"approved\"}"), 401, code: "unauthorized")
            F.expectError(try await F.call(c, .post, path, template: tpl, headers: [.contentType: "application/json", .authorization: "Bearer wrong!"], body: "{\"status\":\"approved\"}"), 401, code: "unauthorized")
            F.expectError(try await F.call(c, .post, path, template: tpl, headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"famous\"}"), 400, code: "invalid_parameter", parameter: "status")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks/nope/status", template: tpl, headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"approved\"}"), 404, code: "unknown_benchmark")
            let ok = try await F.call(c, .post, path, template: tpl, headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"approved\",\"note\":\"log checked\"}")
            #expect(ok.status == .ok)
            #expect(ok.json?["status"]?.string == "approved")
            F.expectError(try await F.call(c, .post, path, template: tpl, headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: "{\"status\":\"pending\"}"), 409, code: "illegal_transition")
            let listed = try await F.call(c, .get, "/api/v1/benchmarks?model=llama%203.1%208b&hardware=rtx-3090&quant=q4_k_m")
            #expect(listed.json?["runs"]?.array?.count == 1)
            // Validation of submissions and filters.
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: Self.runJSON(model: "llama-9000")), 400, code: "unknown_model", parameter: "model")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: Self.runJSON(decode: -3)), 400, code: "invalid_field", parameter: "decode_tps")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"], body: "{\"model\": \"llama-3.1-8b\"}"), 400, code: "invalid_json")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "application/json"],
                                           body: Self.runJSON().replacingOccurrences(of: "2026-09-01", with: "2027-01-01")), 400, code: "invalid_field", parameter: "measured_at")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks", headers: [.contentType: "text/plain"], body: Self.runJSON()), 415, code: "unsupported_media_type")
            F.expectError(try await F.call(c, .get, "/api/v1/benchmarks?limit=0"), 400, code: "invalid_parameter", parameter: "limit")
            F.expectError(try await F.call(c, .get, "/api/v1/benchmarks?status=famous"), 400, code: "invalid_parameter", parameter: "status")
            F.expectError(try await F.call(c, .get, "/api/v1/benchmarks?hardware=rtx-9999"), 400, code: "unknown_hardware")
        }
    }

    @Test("Moderation is off (404) when no admin token is configured")
    func moderationOff() async throws {
        let site = try await F.site(adminToken: nil)
        try await F.with(site) { c in
            F.expectError(try await F.call(c, .post, "/api/v1/benchmarks/abc/status", template: "/api/v1/benchmarks/{id}/status",
                                           headers: [.contentType: "application/json", .authorization: "Bearer "], body: "{\"status\":\"approved\"}"), 404, code: "no_route")
        }
    }

    @Test("feedback: stored (201); empty or oversized fields are 400s")
    func feedback() async throws {
        try await F.with { c in
            let r = try await F.call(c, .post, "/api/v1/feedback", headers: [.contentType: "application/json"],
                                     body: "{\"page\": \"/models/llama-3.1-8b\", \"message\": \"the 3060 figure looks high\"}")
            #expect(r.status == .created)
            #expect(r.json?["id"]?.string?.isEmpty == false)
            F.expectError(try await F.call(c, .post, "/api/v1/feedback", headers: [.contentType: "application/json"], body: "{\"page\": \"/\", \"message\": \"  \"}"), 400, code: "invalid_parameter", parameter: "message")
            let long = String(repeating: "a", count: 9000)
            F.expectError(try await F.call(c, .post, "/api/v1/feedback", headers: [.contentType: "application/json"], body: "{\"page\": \"/\", \"message\": \"\(long)\"}"), 400, code: "invalid_parameter", parameter: "message")
        }
    }

    @Test("Limits: a body over the limit is 413; POSTs beyond the bucket are 429 with Retry-After, per client (by peer; by X-Forwarded-For only behind a proxy)")
    func limits() async throws {
        let site = try await F.site(adminToken: nil, limits: APILimits(maxBodyBytes: 1024, postBurst: 3, postRefillPerSecond: 0.1, trustForwardedFor: true))
        try await F.with(site) { c in
            let big = String(repeating: "x", count: 5000)
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "text/plain"], body: big), 413, code: "body_too_large")
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: [.contentType: "text/plain", .contentLength: "5000"], body: big), 413, code: "body_too_large")
            let h: HTTPFields = [.contentType: "text/plain", .init("X-Forwarded-For")!: "203.0.113.9"]
            _ = try await F.call(c, .post, "/api/v1/diagnose", headers: h, body: "CUDA error: out of memory")
            _ = try await F.call(c, .post, "/api/v1/diagnose", headers: h, body: "CUDA error: out of memory")
            _ = try await F.call(c, .post, "/api/v1/diagnose", headers: h, body: "CUDA error: out of memory")
            let limited = try await F.call(c, .post, "/api/v1/diagnose", headers: h, body: "CUDA error: out of memory")
            F.expectError(limited, 429, code: "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another client still gets through; GETs are not limited.
            let other: HTTPFields = [.contentType: "text/plain", .init("X-Forwarded-For")!: "198.51.100.7"]
            #expect(try await F.call(c, .post, "/api/v1/diagnose", headers: other, body: "CUDA error: out of memory").status == .ok)
            #expect(try await F.call(c, .get, "/api/v1/runtimes").status == .ok)
        }
        // Not behind a proxy, X-Forwarded-For is the client's own word: a fresh address per request does not escape the limit.
        let direct = try await F.site(adminToken: nil, limits: APILimits(maxBodyBytes: 1024, postBurst: 3, postRefillPerSecond: 0.1))
        try await F.with(direct) { c in
            for i in 1...3 {
                let h: HTTPFields = [.contentType: "text/plain", .init("X-Forwarded-For")!: "192.0.2.\(i)"]
                #expect(try await F.call(c, .post, "/api/v1/diagnose", headers: h, body: "CUDA error: out of memory").status == .ok)
            }
            let spoofed: HTTPFields = [.contentType: "text/plain", .init("X-Forwarded-For")!: "192.0.2.99"]
            F.expectError(try await F.call(c, .post, "/api/v1/diagnose", headers: spoofed, body: "CUDA error: out of memory"), 429, code: "rate_limited")
        }
        // Behind a proxy, only the entry the proxy appended counts, not what the client put in front of it.
        #expect(APIRules.clientKey(Request(head: .init(method: .post, scheme: "http", authority: "x", path: "/api/v1/diagnose",
                                                            headerFields: [.init("X-Forwarded-For")!: "1.2.3.4, 203.0.113.5"]), body: .init(buffer: .init())),
                                        peer: nil, trustForwardedFor: true) == "203.0.113.5")
    }

    @Test("Caching: catalog data carries an ETag and Cache-Control; If-None-Match gives 304; benchmarks are not cached")
    func caching() async throws {
        try await F.with { c in
            let uri = "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090"
            let first = try await F.call(c, .get, uri)
            let etag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl] == "no-cache")   // will-it-run carries the store's evidence: revalidate
            let runtimes = try await F.call(c, .get, "/api/v1/runtimes")
            #expect(runtimes.headers[.cacheControl]?.contains("max-age") == true)
            #expect(runtimes.headers[.eTag] != nil)
            let again = try await F.call(c, .get, uri, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.data.isEmpty)
            let other = try await F.call(c, .get, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-4090", headers: [.ifNoneMatch: etag])
            #expect(other.status == .ok)
            #expect(other.headers[.eTag] != etag)
            let b = try await F.call(c, .get, "/api/v1/benchmarks")
            #expect(b.headers[.eTag] == nil)
            #expect(b.headers[.cacheControl] == "no-store")
            let bad = try await F.call(c, .get, "/api/v1/will-it-run?model=nope&hardware=rtx-3090")
            #expect(bad.headers[.eTag] == nil)
        }
    }

    @Test("Unknown API routes answer JSON 404s, known paths with another method 405; /health reports what is served")
    func unknownAndHealth() async throws {
        let site = try await F.shared.value
        try await F.with { c in
            F.expectError(try await F.call(c, .get, "/api/v1/nothing-here"), 404, code: "no_route")
            let wrongMethod = try await F.call(c, .delete, "/api/v1/models")   // a known path: 405 with Allow
            F.expectError(wrongMethod, 405, code: "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "GET, HEAD")
            let h = try await F.call(c, .get, "/health")
            #expect(h.status == .ok)
            #expect(h.json?["models"]?.int == Int64(site.catalog.models.count))
            #expect(h.json?["status"]?.string == "ok")
        }
    }

    @Test("The schema validator itself rejects wrong shapes")
    func validatorSelfTest() throws {
        let v = F.validator
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/HardwareScore")])
        #expect(!v.validate(.object(["total": .int(5)]), against: schema).isEmpty)                 // missing required
        let good = try JSONValue.parse(Data(#"{"total":5,"throughput":1,"vram_fit":2.5,"ecosystem":200,"efficiency":0,"raw":7,"evidence":"estimated","confidence_multiplier":0.7}"#.utf8))
        #expect(v.validate(good, against: schema).isEmpty)
        let wrongType = try JSONValue.parse(Data(#"{"total":"5","throughput":1,"vram_fit":2.5,"ecosystem":200,"efficiency":0,"raw":7,"evidence":"estimated","confidence_multiplier":0.7}"#.utf8))
        #expect(!v.validate(wrongType, against: schema).isEmpty)
        let tooBig = try JSONValue.parse(Data(#"{"total":5000,"throughput":1,"vram_fit":2.5,"ecosystem":200,"efficiency":0,"raw":7,"evidence":"estimated","confidence_multiplier":0.7}"#.utf8))
        #expect(!v.validate(tooBig, against: schema).isEmpty)
        let chip = JSONValue.object(["$ref": .string("#/components/schemas/WorkloadChip")])
        let badEnum = try JSONValue.parse(Data(#"{"id":"a","label":"b","model":"m","quant":"q","context":1,"images":0,"status":"fine","status_label":"x","decode_tps":1,"total_bytes":1,"gpu_layers":1,"total_layers":1}"#.utf8))
        #expect(v.validate(badEnum, against: chip).contains { $0.contains("not one of") })
        let extra = try JSONValue.parse(Data(#"{"id":"a","label":"b","model":"m","quant":"q","context":1,"images":0,"status":"tight","status_label":"x","decode_tps":1,"total_bytes":1,"gpu_layers":1,"total_layers":1,"surprise":true}"#.utf8))
        #expect(v.validate(extra, against: chip).contains { $0.contains("surprise") })
    }
}
