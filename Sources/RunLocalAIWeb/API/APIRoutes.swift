import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// The public JSON API under `/api/v1`. Every figure comes from the engine (`RunLocalAICore`); the OpenAPI
/// document at `/api/v1/openapi.json` describes each route.
///
/// ```swift
/// let router = Router()
/// APIRoutes.register(on: router, site: site)
/// ```
public enum APIRoutes {
    public static func register(on router: Router<SiteRequestContext>, site: Site, metrics: SiteMetrics? = nil) {
        let api = API(site: site)
        let cache = ResponseCache()
        metrics?.watch(cache: "api_catalog_responses") { cache.stats }
        let v1 = router.group("api/v1")
        /// A catalog-data GET: answered from the cache by URI, else computed, encoded and kept.
        @Sendable func cached(_ req: Request, _ body: () throws -> Data) throws -> Response {
            try cache.body(req.uri.description) { PreparedBody(json: try body()) }.jsonResponse()
        }
        /// A path parameter, percent-decoded ("dual%203090" is "dual 3090").
        @Sendable func decoded(_ s: String) -> String { s.removingPercentEncoding ?? s }
        v1.get("openapi.json") { _, _ in APIJSON.tagged(OpenAPIDocument.json) }
        // The answer service caches plans and evidence; the encoded body is kept as long as the evidence is.
        let bodies = BoundedCache<String, PreparedBody>(capacity: 4096, ttl: .seconds(2))
        metrics?.watch(cache: "api_will_it_run_responses") { bodies.stats }
        v1.get("will-it-run") { req, ctx in
            try await api.willItRun(req, client: APIRules.clientKey(req, peer: ctx.remoteAddress, trustForwardedFor: site.limits.trustForwardedFor),
                                    bodies: bodies).jsonResponse()
        }
        v1.get("will-it-run/custom") { req, _ in APIJSON.tagged(try await api.custom(Query(req))) }
        v1.get("models") { req, _ in try cached(req) { try api.models(Query(req)) } }
        v1.get("models/:id") { req, ctx in try cached(req) { try api.model(decoded(try ctx.parameters.require("id"))) } }
        v1.get("hardware") { req, _ in try cached(req) { try api.hardwareList(Query(req)) } }
        v1.get("hardware/:id") { req, ctx in APIJSON.tagged(try await api.hardware(decoded(try ctx.parameters.require("id")), Query(req))) }
        v1.get("runtimes") { req, _ in try cached(req) { try api.runtimes() } }
        v1.get("glossary") { req, _ in try cached(req) { try api.glossary() } }
        v1.get("glossary/:slug") { req, ctx in try cached(req) { try api.term(ctx.parameters.require("slug")) } }
        v1.get("errors") { req, _ in try cached(req) { try api.errors() } }
        v1.get("errors/:slug") { req, ctx in try cached(req) { try api.errorArticle(ctx.parameters.require("slug")) } }
        v1.post("diagnose") { req, ctx in try await api.diagnose(req, ctx) }
        // Speeds carry the store's evidence: computed per request (plans and evidence have their own caches).
        v1.get("compare") { req, _ in APIJSON.tagged(try await api.compare(Query(req))) }
        v1.get("compare/models") { req, _ in APIJSON.tagged(try await api.matchup(Query(req))) }
        v1.get("hardware-combos") { req, _ in try cached(req) { try api.combos(Query(req)) } }
        v1.get("hardware-combos/:id") { _, ctx in APIJSON.tagged(try await api.combo(decoded(try ctx.parameters.require("id")))) }
        v1.get("start") { req, _ in APIJSON.tagged(try await api.start(Query(req))) }
        v1.get("systems") { req, _ in try cached(req) { try api.systems() } }
        v1.get("systems/:id") { _, ctx in APIJSON.tagged(try await api.system(decoded(try ctx.parameters.require("id")))) }
        v1.get("stacks") { req, _ in try cached(req) { try api.stacks() } }
        v1.get("stacks/:slug") { _, ctx in APIJSON.tagged(try await api.stack(decoded(try ctx.parameters.require("slug")))) }
        v1.get("learn") { req, _ in try cached(req) { try api.learn() } }
        v1.get("learn/:slug") { req, ctx in try cached(req) { try api.learnPath(decoded(try ctx.parameters.require("slug"))) } }
        v1.get("ecosystem") { req, _ in try cached(req) { try api.ecosystem() } }
        v1.get("pulse") { _, _ in APIJSON.tagged(try await api.pulse()) }
        v1.get("digest") { _, _ in APIJSON.tagged(try await api.digestMonths()) }
        v1.post("digest/subscribe") { req, ctx in try await api.subscribe(req, ctx) }
        v1.get("digest/:month") { _, ctx in APIJSON.tagged(try await api.digest(try ctx.parameters.require("month"))) }
        v1.get("guides/ai-pc-build") { req, _ in APIJSON.tagged(try await api.pcBuild(Query(req))) }
        v1.get("guides/cuda-vs-rocm") { _, _ in APIJSON.tagged(try await api.cudaVsROCm()) }
        v1.get("guides") { req, _ in APIJSON.tagged(try await api.guides(Query(req))) }
        v1.get("cost") { req, _ in APIJSON.tagged(try await api.cost(Query(req))) }
        metrics?.watch(cache: "api_snapshot") { api.snapshots.stats }
        v1.get("snapshot.json") { _, _ in try await api.currentSnapshot().jsonResponse() }
        v1.get("snapshots") { _, _ in APIJSON.tagged(try await api.snapshotDays()) }
        v1.get("snapshots/:file") { _, ctx in APIJSON.tagged(try await api.archivedSnapshot(ctx.parameters.require("file"))) }
        v1.get("benchmarks/export.json") { _, _ in APIJSON.raw(try RunExchange.json(try await api.publishedRuns())) }
        v1.get("benchmarks/export.csv") { _, _ in
            var r = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: RunExchange.csv(try await api.publishedRuns()))))
            r.headers[.contentType] = "text/csv; charset=utf-8"
            r.headers[.contentDisposition] = "attachment; filename=\"runlocalai-benchmarks.csv\""
            return r
        }
        v1.get("benchmark-requests") { req, _ in APIJSON.tagged(try await api.benchmarkRequests(Query(req))) }
        v1.post("benchmark-requests") { req, ctx in try await api.requestBenchmark(req, ctx) }
        v1.get("benchmarks") { req, _ in try await api.benchmarks(req) }
        v1.post("benchmarks") { req, ctx in try await api.submit(req, ctx) }
        v1.post("benchmarks/:id/status") { req, ctx in try await api.setStatus(req, ctx) }
        v1.post("feedback") { req, ctx in try await api.feedback(req, ctx) }
    }

    /// `/health`: the process is up and what it serves.
    public static func health(site: Site) async -> Response {
        let runs = (try? await site.store.count(BenchmarkQuery(statuses: Set(BenchmarkRun.Status.allCases)))) ?? -1
        let dto = HealthDTO(status: runs >= 0 ? "ok" : "degraded", models: site.catalog.models.count, hardware: site.catalog.hardware.count,
                            benchmarks: max(runs, 0))
        var r = (try? APIJSON.response(dto, status: runs >= 0 ? .ok : .serviceUnavailable)) ?? Response(status: .internalServerError)
        r.headers[.cacheControl] = "no-store"
        return r
    }
}

/// The handlers (one value shared by every route; it holds only the site).
struct API: Sendable {
    let site: Site
    /// The open-data snapshot is a quarter of a megabyte to build: kept while the evidence generation holds, and at
    /// most 10 s (another server on the same PostgreSQL may have approved a run), so a flood of requests builds it
    /// once per 10 s (``currentSnapshot()``).
    let snapshots = BoundedCache<UInt64, PreparedBody>(capacity: 4, ttl: .seconds(10))
    var catalog: Catalog { site.catalog }

    // MARK: will-it-run

    /// A question from the API's parameters (the one grammar; `model`/`hardware` may be given by the route).
    func question(_ q: Query, model: String? = nil, hardware: String? = nil) throws -> Question {
        var pairs = q.items.filter { Question.Field(name: $0.0) != nil && $0.0 != "model" && $0.0 != "hardware" }
        pairs.append(("model", try model ?? q.require("model", example: "llama-3.1-8b")))
        pairs.append(("hardware", try hardware ?? q.require("hardware", example: "rtx-3060-12gb")))
        do { return try Question.parse(pairs) } catch { throw APIError.from(error) }
    }

    /// The answer with the store's evidence applied, as the will-it-run route and every page give it.
    func answer(_ q: Question, client: @autoclosure () -> String = "local") async throws -> Answer {
        do { return try await site.service.answer(q, client: client()) } catch { throw APIError.from(error) }
    }

    /// Every published run (approved or reproduced), for export.
    func publishedRuns() async throws -> [BenchmarkRun] { try await site.store.allRuns() }

    /// `/api/v1/snapshots`: the days with an archived snapshot, and the link of each.
    func snapshotDays() async throws -> Data {
        let days = try await site.store.snapshotDays()
        return try APIJSON.encode(SnapshotDaysDTO(today: Format.day(site.now()), days: days, urls: days.map { "/api/v1/snapshots/\($0).json" }))
    }

    /// `/api/v1/snapshots/YYYY-MM-DD.json`: the snapshot archived that day, never changed once written. The first
    /// request for today's date (UTC) archives today's snapshot; an earlier day has what was archived then (404 if
    /// nothing was); a later day has nothing yet.
    func archivedSnapshot(_ file: String) async throws -> Data {
        let day = file.hasSuffix(".json") ? String(file.dropLast(5)) : file
        guard day.utf8.count == 10, Format.isoDay.date(from: day) != nil else {
            throw APIError.badParameter("file", "'\(file.prefix(40))' is not a day: ask for /api/v1/snapshots/YYYY-MM-DD.json (days archived: /api/v1/snapshots)")
        }
        if let stored = try await site.store.archivedSnapshot(day: day) { return stored }
        let today = Format.day(site.now())
        guard day == today else {
            throw APIError(.notFound, code: "no_snapshot", day < today
                ? "no snapshot was archived on \(day) (the archive starts with the first request of a day); days archived: /api/v1/snapshots"
                : "\(day) has not come yet (today is \(today), UTC); the current data is /api/v1/snapshot.json", parameter: "file")
        }
        return try await site.store.archiveSnapshot(day: day, body: Data(try await currentSnapshot().bytes.readableBytesView))
    }


    /// The current snapshot's body, from ``snapshots`` when it holds one for this evidence generation.
    func currentSnapshot() async throws -> PreparedBody {
        let key = site.service.evidenceGeneration
        if let hit = snapshots.lookup(key) { return hit }
        let body = PreparedBody(json: try await snapshot())
        snapshots.store(key, body)
        return body
    }

    /// `/api/v1/snapshot.json`: the open data in one document: the catalog's models, hardware and runtimes (as the list
    /// routes give them) and every published run, under CC-BY-4.0, with the SHA-256 of the data's bytes (the data is
    /// encoded with sorted keys, so the same catalog and runs always hash the same; the hash is the snapshot's version).
    func snapshot() async throws -> Data {
        let runs = try await publishedRuns()
        let data = SnapshotDTO.Contents(models: catalog.models.map { ModelSummaryDTO($0) },
                                        hardware: catalog.hardware.map { HardwareSummaryDTO($0, score: site.derived.facts(id: $0.id)?.score.total ?? 0) },
                                        runtimes: catalog.runtimes.map(RuntimeDTO.init), runs: runs)
        let bytes = try APIJSON.encode(data)
        let hash = RunLocalAICore.SHA256.hex(bytes)
        let snapshot = SnapshotDTO(schema_version: 1, version: String(hash.prefix(12)), content_sha256: hash,
                                   counts: .init(models: data.models.count, hardware: data.hardware.count, runtimes: data.runtimes.count, runs: runs.count),
                                   data: data)
        return try APIJSON.encode(snapshot)
    }

    /// `/api/v1/will-it-run`: the answer's wire form, the same bytes `runlocalai will-it-run --json` prints.
    /// (`client`, who asks, is worked out only for a model read from a URL: it keys that fetch's rate limit.)
    func willItRun(_ req: Request, client: @autoclosure () -> String, bodies: BoundedCache<String, PreparedBody>) async throws -> PreparedBody {
        let key = "\(site.service.evidenceGeneration)|\(req.uri.query ?? "")"
        if let hit = bodies.lookup(key) { return hit }
        let a = try await answer(try question(Query(req)), client: client())
        let body = PreparedBody(json: try a.json())   // the bytes `runlocalai will-it-run --json` prints
        bodies.store(key, body)
        return body
    }

    func custom(_ q: Query) async throws -> Data {
        let hardware = q.all("hardware")
        guard !hardware.isEmpty else { throw APIError.missing("hardware", example: "rtx-3090,rtx-3060-12gb") }
        let b = CustomBuildQuery(hardware: hardware, ramGiB: try q.double("ram", in: 1...65_536) ?? 32, os: q.string("os") ?? "linux",
                                 runtime: q.string("runtime"), useCase: q.string("use_case") ?? "chat",
                                 context: try q.int("ctx", in: 512...1_048_576) ?? 8192, beginner: try q.bool("beginner") ?? false)
        if !CustomBuildQuery.operatingSystems.contains(b.os.lowercased()) {
            throw APIError.badParameter("os", "os '\(b.os)' is not one of \(CustomBuildQuery.operatingSystems.joined(separator: ", "))")
        }
        if !CustomBuildQuery.useCases.contains(b.useCase) {
            throw APIError.badParameter("use_case", "use_case '\(b.useCase)' is not one of \(CustomBuildQuery.useCases.joined(separator: ", "))")
        }
        if let long = hardware.first(where: { $0.count > Question.maxNameLength }) {
            throw APIError.badParameter("hardware", "hardware name of \(long.count) characters; names are at most \(Question.maxNameLength)")
        }
        do { return try APIJSON.encode(try await site.service.customBuild(b).report) } catch {
            var e = APIError.from(error)
            if e.parameter == nil, e.code == "invalid_setting" { e.parameter = "hardware" }
            throw e
        }
    }

    // MARK: catalog

    func models(_ q: Query) throws -> Data {
        var list = catalog.models
        if let use = q.string("use") { list = list.filter { $0.use.contains(use) } }
        if let v = try q.bool("vision") { list = list.filter { $0.isVisionModel == v } }
        if let m = try q.bool("moe") { list = list.filter { $0.isMoE == m } }
        if let family = q.string("family") { list = list.filter { $0.family.lowercased() == family.lowercased() } }
        if let maxP = try q.double("max_params_b", in: 0...100_000) { list = list.filter { $0.paramsB <= maxP } }
        let items = list.map { ModelSummaryDTO($0) }
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func model(_ id: String) throws -> Data {
        guard id.count <= Question.maxNameLength else { throw APIError.badParameter("id", "model id is longer than \(Question.maxNameLength) characters") }
        guard let m = catalog.model(id: id) ?? (try? catalog.model(named: id)) else {
            let suggestions: [String]
            if case .notFound(_, _, let s)? = (Result { try catalog.model(named: id) }.failure as? CatalogError) { suggestions = s } else { suggestions = [] }
            throw APIError.notFound("model", id, suggestions: suggestions)
        }
        let table = ModelMemoryTable.compute(m, profiles: site.profiles)
        let q4 = QuantMix(name: "Q4_K_M").map { site.profiles.profile(model: m, mix: $0) }
        let active = m.isMoE ? q4.map { (Double($0.weights.activeParameterCount) / 1e8).rounded() / 10 } : nil
        let kvPerToken = table.rows.first.flatMap { r in r.kv_cache_bytes.first.map { $0 / UInt64(max(table.contexts[0], 1)) } } ?? 0
        let dto = ModelDetailDTO(model: ModelSummaryDTO(m, activeParamsB: active), license: m.license, aliases: m.aliases,
                                 architecture: ArchitectureDTO(m.architecture, kvPerToken: kvPerToken),
                                 vision: m.vision.map { VisionDTO(encoder: $0.encoder, tokens_per_image: $0.tokensPerImage,
                                                                  max_tokens_per_image: $0.maxTokensPerImage, mmproj_bytes: $0.mmprojBytes()) },
                                 ollama: m.ollama, hf_repo: m.hfRepo, gguf_repo: m.ggufRepo, source: m.source, memory: table)
        return try APIJSON.encode(dto)
    }

    func hardwareList(_ q: Query) throws -> Data {
        var list = catalog.hardware
        if let kind = q.string("kind") {
            guard ["gpu", "apple", "soc", "cpu"].contains(kind) else { throw APIError.badParameter("kind", "kind '\(kind)' is not one of gpu, apple, soc, cpu") }
            list = list.filter { $0.kind.rawValue == kind }
        }
        if let vendor = q.string("vendor") { list = list.filter { $0.vendor.lowercased() == vendor.lowercased() } }
        if let backend = q.string("backend") {
            guard let b = Backend(rawValue: backend.lowercased()) else {
                throw APIError.badParameter("backend", "backend '\(backend)' is not one of \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            list = list.filter { $0.backends.contains(b) }
        }
        if let minMem = try q.double("min_memory_gib", in: 0...100_000) { list = list.filter { ($0.memoryChoicesGiB.max() ?? 0) >= minMem } }
        let items = list.map { HardwareSummaryDTO($0, score: site.derived.facts(id: $0.id)?.score.total ?? 0) }
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func hardware(_ id: String, _ q: Query) async throws -> Data {
        guard id.count <= Question.maxNameLength else { throw APIError.badParameter("id", "hardware id is longer than \(Question.maxNameLength) characters") }
        let device: HardwareDevice
        var named: HardwareSelection?
        if let d = catalog.device(id: id) { device = d } else {
            do { named = try catalog.hardware(named: id.replacingOccurrences(of: "@", with: " ")); device = named!.device } catch let e as CatalogError {
                if case .notFound(_, _, let s) = e { throw APIError.notFound("hardware", id, suggestions: s) }
                throw APIError(.notFound, code: "unknown_hardware", e.description, parameter: "id")
            }
        }
        var memory = named?.memoryGiB ?? device.memoryChoicesGiB.max()
        if let m = try q.double("memory", in: 0.5...100_000) {
            guard let hit = device.memoryChoicesGiB.first(where: { abs($0 - m) < 0.6 }) else {
                throw APIError.badParameter("memory", "\(device.displayName) comes with \(device.memoryChoicesGiB.map { "\(Int($0))" }.joined(separator: ", ")) GB, not \(m)")
            }
            memory = hit
        }
        let count = try q.int("count", in: 1...64) ?? named?.count ?? 1
        if count > 1 && device.isUnifiedMemory { throw APIError.badParameter("count", "\(device.displayName) is a whole machine; count must be 1") }
        let sel = HardwareSelection(device: device, count: count, memoryGiB: memory)
        let system = TargetSystem(sel)
        // The Score comes from the engine's own estimates (every card ranked the same way); the chips are the answers
        // to their questions.
        let score = site.service.score(sel)
        let chips = await site.service.chips(for: sel).map(\.chip)
        let specs = HardwareSpecsDTO(memory_type: device.memoryType, bus_width_bits: device.busWidthBits, fp16_tensor_tflops: device.fp16TensorTFLOPS,
                                     fp32_tflops: device.fp32TFLOPS, pcie: device.pcie, released: device.released, gpu_cores: device.gpuCores,
                                     cpu_cores: device.cpuCores, gpu_max_alloc_gib: device.gpuMaxAllocGiB, source: device.source)
        let dto = HardwareDetailDTO(hardware: HardwareSummaryDTO(device, score: site.derived.facts(id: device.id)?.score.total ?? score.total),
                                    selection: .init(id: sel.id, name: sel.displayName, count: count), memory_gib: memory ?? 0,
                                    usable_gpu_bytes: system.gpus.reduce(0) { $0 + $1.usableBytes }, specs: specs, score: score, chips: chips)
        return try APIJSON.encode(dto)
    }

    func runtimes() throws -> Data {
        let items = catalog.runtimes.map(RuntimeDTO.init)
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func glossary() throws -> Data {
        let items = site.content.glossary.map { GlossarySummaryDTO(slug: $0.slug, term: $0.term, also_known_as: $0.alsoKnownAs, category: $0.category) }
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func term(_ slug: String) throws -> Data {
        guard let t = site.content.term(slug) else {
            throw APIError.notFound("term", slug, suggestions: closest(slug, site.content.glossary.map(\.slug)))
        }
        return try APIJSON.encode(GlossaryTermDTO(t))
    }

    func errors() throws -> Data {
        let items = site.content.errors.map { ErrorSummaryDTO(slug: $0.slug, title: $0.title, category: $0.category) }
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func errorArticle(_ slug: String) throws -> Data {
        guard let a = site.content.error(slug) else {
            throw APIError.notFound("error", slug, suggestions: closest(slug, site.content.errors.map(\.slug)))
        }
        return try APIJSON.encode(ErrorArticleDTO(a))
    }

    func closest(_ s: String, _ candidates: [String]) -> [String] {
        let words = Set(s.lowercased().split(separator: "-"))
        var scored: [(String, Int)] = []
        for c in candidates {
            let n = Set(c.split(separator: "-")).intersection(words).count
            if n > 0 { scored.append((c, n)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return scored.prefix(3).map { $0.0 }
    }

    // MARK: diagnose

    func body(_ req: Request, _ ctx: SiteRequestContext) async throws -> Data {
        var req = req
        let buffer = try await req.collectBody(upTo: site.limits.maxBodyBytes)
        return Data(buffer.readableBytesView)
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        guard !data.isEmpty else { throw APIError(.badRequest, code: "empty_body", "the request body is empty; send JSON") }
        do { return try APIJSON.decoder().decode(T.self, from: data) } catch { throw APIError.from(error) }
    }

    func diagnose(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        let data = try await body(req, ctx)
        let type = req.headers[.contentType]?.lowercased() ?? "text/plain"
        let log: String
        if type.hasPrefix("application/json") {
            log = try decode(DiagnoseRequestDTO.self, data).log
        } else if type.hasPrefix("text/") {
            log = String(decoding: data, as: UTF8.self)
        } else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the log as text/plain or as JSON {\"log\": \"...\"}")
        }
        guard !log.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError(.badRequest, code: "empty_log", "the log is empty; paste the lines around the error", parameter: "log")
        }
        let subject = LogDiagnosis.subject(of: log, catalog: catalog)
        let matches = LogDiagnosis.diagnose(log, articles: site.content.errors).prefix(10).map { m in
            DiagnoseMatchDTO(slug: m.article.slug, title: m.article.title, category: m.article.category, score: m.score, lines: m.lines,
                             fix: LogDiagnosis.fix(m.article, for: subject), url: "/errors/\(m.article.slug)")
        }
        return try APIJSON.response(DiagnoseResponseDTO(matches: Array(matches), lines_read: LogDiagnosis.boundedLines(log).count))
    }

    // MARK: compare

    func compare(_ q: Query) async throws -> Data {
        let models = q.all("model"), hardware = q.all("hardware")
        let a: WillItRunAnswer, b: WillItRunAnswer, kind: String
        var all: [WillItRunAnswer] = []
        if models.count == 1 && (2...4).contains(hardware.count) {
            kind = "hardware"
            // The service asks the question on each piece of hardware and refuses one named twice.
            do { all = try await site.service.compare(try question(q, model: models[0], hardware: hardware[0]), on: hardware).map(\.wire) } catch {
                throw APIError.from(error)
            }
            a = all[0]; b = all[1]
        } else if models.count == 2 && hardware.count == 1 {
            kind = "models"
            a = try await answer(try question(q, model: models[0], hardware: hardware[0])).wire
            b = try await answer(try question(q, model: models[1], hardware: hardware[0])).wire
        } else {
            throw APIError(.badRequest, code: "invalid_parameter",
                           "compare needs one model and two to four hardware (model=llama-3.1-8b&hardware=rtx-3090,rtx-4090) or two models and one hardware (model=qwen2.5-14b,llama-3.1-8b&hardware=rtx-3090)",
                           parameter: models.count == 1 ? "hardware" : "model")
        }
        func ratio(_ x: Double, _ y: Double) -> Double? { x > 0 ? (y / x * 100).rounded() / 100 : nil }
        let dr = ratio(a.speed.decode_tps.expected, b.speed.decode_tps.expected)
        let name: (WillItRunAnswer) -> String = { kind == "hardware" ? $0.hardware.name : $0.model.name }
        let summary: String
        if let dr {
            summary = dr >= 1 ? String(format: "%@ decodes %.2f× as fast as %@", name(b), dr, name(a))
                : String(format: "%@ decodes %.2f× as fast as %@", name(a), 1 / max(dr, 0.0001), name(b))
        } else {
            summary = b.speed.decode_tps.expected > 0 ? "only \(name(b)) runs" : "neither runs"
        }
        if all.isEmpty { all = [a, b] }
        return try APIJSON.encode(CompareDTO(kind: kind, a: a, b: b, answers: all, decode_ratio: dr,
                                               prefill_ratio: ratio(a.speed.prefill_tps.expected, b.speed.prefill_tps.expected), summary: summary))
    }

    // MARK: guides and cost

    func guides(_ q: Query) async throws -> Data {
        let budget = try q.double("budget", in: 50...1_000_000) ?? Guides.defaultBudgetUSD
        var use: UseCase?
        if let raw = q.string("use") {
            guard let u = UseCase(rawValue: raw) else {
                throw APIError.badParameter("use", "use '\(raw.prefix(40))' is not one of \(UseCase.names)")
            }
            use = u
        }
        var ctx: Int?
        if let raw = q.string("ctx") {
            guard let c = try? Question.context(raw), (512...1_048_576).contains(c) else { throw APIError.badParameter("ctx", "context '\(raw.prefix(40))' must be tokens such as 8192 or 32K (512 to 1048576)") }
            ctx = c
        }
        return try APIJSON.encode(GuidesDTO(budget_usd: budget, picks: await site.service.guides(facts: site.derived.hardwareFacts, budget: budget, use: use, context: ctx)))
    }

    func cost(_ q: Query) async throws -> Data {
        let hw = try q.require("hardware", example: "rtx-4090")
        let model = q.string("model") ?? "llama-3.1-8b"
        var pairs = q.items.filter { ["quant", "ctx", "images", "kv", "fa", "runtime", "ram", "backend"].contains($0.0) }
        if !pairs.contains(where: { $0.0 == "ctx" }) { pairs.append(("ctx", "8192")) }
        let question: Question
        do { question = try Question.parse(pairs + [("model", model), ("hardware", hw)]) } catch { throw APIError.from(error) }
        var condition: HardwareDevice.PriceCondition?
        if let c = q.string("condition") {
            guard let v = HardwareDevice.PriceCondition(rawValue: c) else { throw APIError.badParameter("condition", "condition '\(c.prefix(40))' is not one of new, used") }
            condition = v
        }
        let c: CostAnswer
        do {
            c = try await site.service.cost(CostQuestion(question: question, priceUSD: try q.double("price", in: 0...10_000_000), condition: condition,
                                                         tdpW: try q.double("tdp", in: 1...100_000), hoursPerDay: try q.double("hours_per_day", in: 0.1...24),
                                                         utilisation: try q.double("utilisation", in: 0.01...1),
                                                         electricityUSDPerKWh: try q.double("electricity", in: 0...10),
                                                         cloudGPUHourlyUSD: try q.double("cloud_hourly", in: 0...1000),
                                                         apiUSDPerMillionTokens: try q.double("api_per_million", in: 0...1000)))
        } catch let e as APIError { throw e } catch { throw APIError.from(error) }
        return try APIJSON.encode(CostDTO(hardware: c.answer.wire.hardware.id, model: c.answer.wire.model.id, price_usd: c.priceUSD,
                                          price_basis: c.priceBasis, tdp_w: c.tdpW, decode_tps: c.query.decodeTPS,
                                          evidence: c.answer.runs ? c.answer.wire.speed.evidence : nil, report: c.report))
    }

    // MARK: benchmarks

    func isAdmin(_ req: Request) -> Bool {
        guard let token = site.adminToken, !token.isEmpty, let auth = req.headers[.authorization] else { return false }
        let given = Array(auth.utf8), expected = Array("Bearer \(token)".utf8)
        guard given.count == expected.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<given.count { diff |= given[i] ^ expected[i] }
        return diff == 0
    }

    func benchmarks(_ req: Request) async throws -> Response {
        let q = Query(req)
        var bq = BenchmarkQuery(model: q.string("model"), quant: q.string("quant"), hardware: q.string("hardware"), runtime: q.string("runtime"),
                                limit: try q.int("limit", in: 1...500) ?? 100, offset: try q.int("offset", in: 0...1_000_000) ?? 0)
        let statuses = q.all("status")
        if !statuses.isEmpty {
            var set = Set<BenchmarkRun.Status>()
            for s in statuses {
                guard let st = BenchmarkRun.Status(rawValue: s) else {
                    throw APIError.badParameter("status", "status '\(s)' is not one of \(BenchmarkRun.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                set.insert(st)
            }
            let hidden = set.subtracting(BenchmarkQuery().statuses)
            if !hidden.isEmpty && !isAdmin(req) {
                throw APIError(.forbidden, code: "forbidden", "runs that are \(hidden.map(\.rawValue).sorted().joined(separator: ", ")) are visible to moderators only", parameter: "status")
            }
            bq.statuses = set
        }
        if let m = bq.model, catalog.model(id: m) == nil, !m.hasPrefix("gguf:") {
            do { bq.model = try catalog.model(named: m).id } catch { throw APIError.from(error) }
        }
        if let h = bq.hardware, catalog.device(id: h) == nil {
            do { bq.hardware = try catalog.hardware(named: h).device.id } catch { throw APIError.from(error) }
        }
        if let quant = bq.quant {
            guard let mix = QuantMix(name: quant) else { throw APIError.from(CatalogError.notFound(kind: "quantisation", query: quant, suggestions: QuantMix.suggestions(for: quant))) }
            bq.quant = mix.name
        }
        let runs = try await site.store.runs(bq)
        return try APIJSON.response(BenchmarkListDTO(runs: runs, limit: bq.limit, offset: bq.offset))
    }

    func submit(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        guard req.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the run as application/json")
        }
        var run = try decode(BenchmarkRun.self, try await body(req, ctx))
        run = try SubmissionCheck.validate(run, catalog: catalog, now: site.now())
        run.id = nil; run.status = .pending; run.submittedAt = nil; run.source = nil
        do { return try APIJSON.response(try await site.store.submit(run), status: .created) } catch { throw APIError.from(error) }
    }

    func setStatus(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        guard site.adminToken?.isEmpty == false else {
            throw APIError(.notFound, code: "no_route", "no API route POST \(req.uri.path); moderation is off on this server")
        }
        guard isAdmin(req) else {
            throw APIError(.unauthorized, code: "unauthorized", "moderation needs 'Authorization: Bearer <RUNLOCALAI_ADMIN_TOKEN>'",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        let id = try ctx.parameters.require("id")
        let body = try decode(StatusChangeRequestDTO.self, try await body(req, ctx))
        guard let status = BenchmarkRun.Status(rawValue: body.status) else {
            throw APIError.badParameter("status", "status '\(body.status)' is not one of \(BenchmarkRun.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let note = body.note, note.utf8.count > 4096 { throw APIError.badParameter("note", "note is longer than 4096 bytes") }
        guard try await site.store.run(id: id) != nil else { throw APIError.notFound("benchmark", id) }
        do {
            let run = try await site.store.setStatus(id: id, to: status, by: String((body.moderator ?? "operator").prefix(100)), note: body.note)
            site.service.invalidateEvidence()
            return try APIJSON.response(run)
        } catch { throw APIError.from(error) }
    }

    func feedback(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        let f = try decode(FeedbackRequestDTO.self, try await body(req, ctx))
        let page = f.page.trimmingCharacters(in: .whitespacesAndNewlines), message = f.message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !page.isEmpty, page.utf8.count <= 500 else { throw APIError.badParameter("page", "page must be 1...500 characters (the page's path)") }
        guard !message.isEmpty, message.utf8.count <= 8192 else { throw APIError.badParameter("message", "message must be 1...8192 bytes") }
        if let c = f.contact, c.utf8.count > 200 { throw APIError.badParameter("contact", "contact must be at most 200 characters") }
        let saved = try await site.store.addFeedback(Feedback(page: page, message: message, contact: f.contact?.isEmpty == true ? nil : f.contact,
                                                              createdAt: site.now()))
        return try APIJSON.response(FeedbackDTO(saved), status: .created)
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { return e }; return nil }
}
