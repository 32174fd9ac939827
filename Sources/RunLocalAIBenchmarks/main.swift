// Timing benchmarks of the engine. Targets (see issues): one will-it-run evaluation under 20 µs on one core,
// a whole model × quantisation × hardware sweep in seconds. Run with:
//   swift run -c release RunLocalAIBenchmarks [catalog-path]
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import HummingbirdCore
import HTTPTypes
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIWeb

// `RunLocalAIBenchmarks hello-server PORT`: a Hummingbird hello-world JSON route, the baseline scripts/load-bench.sh
// measures the site against on the same cores in the same run.
// With `--probe hello-behind-middleware` the same route sits behind the site's middleware (`GET /api/v1/hello`); with
// `--probe site-without-middleware` (or `site-with-middleware`) every route of the site is served without (or with)
// the middleware (`buildMiddlewareProbe`), seeded like `serve`. With `--site-trio` one process serves the site without
// middleware on PORT, with it on PORT+1 and as `serve` builds it (`buildApplication`: middleware, metrics, connection
// guard) on PORT+2: one heap, one code layout, one thread pool, so what differs between them is only what each adds.
if CommandLine.arguments.dropFirst().first == "hello-server" {
    struct Hello: ResponseEncodable { var hello = "world" }
    let args = Array(CommandLine.arguments.dropFirst(2))
    let port = args.first.flatMap(Int.init) ?? 18182
    let address = BindAddress.hostname("127.0.0.1", port: port)
    let seed = args.firstIndex(of: "--seed").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } ?? "../shared/data/calibration"
    if args.contains("--site-trio") {
        let metrics = SiteMetrics()
        let (site, dir) = try await MiddlewareBench.seededSite(seed: seed, metrics: metrics)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Application(router: buildMiddlewareProbe(.siteWithoutMiddleware, site: site), configuration: .init(address: address)).runService() }
            group.addTask { try await Application(router: buildMiddlewareProbe(.siteWithMiddleware, site: site), configuration: .init(address: .hostname("127.0.0.1", port: port + 1))).runService() }
            group.addTask { try await buildApplication(site: site, address: .hostname("127.0.0.1", port: port + 2), metrics: metrics).runService() }
            _ = try await group.next()
        }
    } else if let i = args.firstIndex(of: "--probe"), i + 1 < args.count {
        guard let probe = MiddlewareProbe(rawValue: args[i + 1]) else {
            fatalError("--probe takes \(MiddlewareProbe.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        let (site, dir) = try await MiddlewareBench.seededSite(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Application(router: buildMiddlewareProbe(probe, site: site), configuration: .init(address: address)).runService()
    } else {
        let router = Router()
        router.get("/hello") { _, _ in Hello() }
        try await Application(router: router, configuration: .init(address: address)).runService()
    }
    exit(0)
}

// `RunLocalAIBenchmarks middleware [seed-dir]`: what the site's middleware costs per request, without sockets (the
// network's share is the same with or without it, and on a small shared machine it makes wrk's figures swing by 10-20%
// between runs). Two parts, each in alternating batches (25 pairs, medians):
// 1. the same requests to the site's routes without the middleware and with it; each answer's body is written out (as
//    the server would) and its header bytes counted;
// 2. the whole served stack but the kernel: the request as bytes through the HTTP pipeline `serve` builds (decoder,
//    codec, connection guard, Hummingbird's connection-state handler), the router, and the answer encoded back to
//    bytes, against the same pipeline without the guard and routes without the middleware.
// MWONLY=with (or without) sends 300,000 will-it-run API requests (MWN of them, to MWURI) through one side of part 1
// only, STACKONLY=with (or without) the same through part 2, for a profiler (`perf record -g`); each prints µs per
// request.
if CommandLine.arguments.dropFirst().first == "middleware" {
    try await MiddlewareBench.run(seed: CommandLine.arguments.dropFirst(2).first ?? "../shared/data/calibration")
    exit(0)
}

let path = CommandLine.arguments.dropFirst().first
guard let url = Catalog.locate(explicit: path) else { fatalError("catalog folder not found; pass its path") }
let clock = ContinuousClock()

func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    let start = clock.now
    for _ in 0..<iterations { try body() }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let per = seconds / Double(iterations)
    let unit = per < 1e-3 ? String(format: "%.2f µs", per * 1e6) : String(format: "%.2f ms", per * 1e3)
    print(String(format: "%-58@ %@ per run (%d runs, %.2f s)", label as NSString, unit, iterations, seconds))
    return per
}

var catalog: Catalog!
_ = try measure("catalog load (YAML, all files)", iterations: 5) { catalog = try Catalog.load(from: url) }
print("catalog: \(catalog.models.count) models, \(catalog.hardware.count) hardware, \(catalog.runtimes.count) runtimes")

_ = try measure("name resolution (model + hardware, forgiving)", iterations: 2000) {
    _ = try catalog.model(named: "llama 3.1 8b")
    _ = try catalog.hardware(named: "RTX 3060 12GB")
}

// Ranked search (CatalogSearch): the hard cases and plain names, all kinds, 10 results each.
let searchQueries = ["rtx 3060 8gb", "4060 ti 16gb", "4090 laptop", "radeon 7900xtx", "m2 ultra 192gb", "a100 sxm",
                     "m3 max 30 cores", "llama 3.1 8b", "flux dev", "geforse 3090"]
_ = measure("catalog search: 1,000 ranked queries, all kinds (whole batch)", iterations: 1) {
    for i in 0..<1000 { _ = CatalogSearch.search(searchQueries[i % searchQueries.count], in: catalog) }
}

// Diffusion: one estimate with the strategy search (FLUX.1 dev does not fit 12 GB as asked).
let flux = try catalog.diffusionModel(named: "flux dev")
let diffusionSystem = TargetSystem(try catalog.hardware(named: "RTX 3060 12GB"))
_ = try measure("one diffusion estimate (FLUX.1 dev on 12 GB, strategy search)", iterations: 10_000) {
    _ = try DiffusionEstimator.estimate(model: flux, system: diffusionSystem, settings: .init(width: 1024, height: 1024))
}

let model = try catalog.model(named: "llama 3.1 8b")
let mix = QuantMix(name: "Q4_K_M")!
_ = measure("profile: tensor synthesis + weight layout (Llama 3.1 8B)", iterations: 2000) {
    _ = ModelProfile(model: model, mix: mix)
}

let profile = ModelProfile(model: model, mix: mix)
let system = TargetSystem(try catalog.hardware(named: "RTX 3060 12GB"))
let settings = RunSettings(context: 8192)
_ = try measure("one will-it-run evaluation (fits fully, Llama 3.1 8B)", iterations: 100_000) {
    _ = try Planner.plan(profile: profile, system: system, settings: settings)
}
let big = ModelProfile(model: try catalog.model(named: "llama 3.3 70b"), mix: mix)
_ = try measure("one will-it-run evaluation (partial offload search, 70B)", iterations: 20_000) {
    _ = try Planner.plan(profile: big, system: system, settings: settings)
}

// The sweep: every model × common quantisation × hardware (profiles built once per model × quant, as a server caches them).
let quants = ["Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "IQ4_XS", "F16"].map { QuantMix(name: $0)! }
var profiles: [ModelProfile] = []
_ = measure("sweep setup: profiles for every model × 6 quants", iterations: 1) {
    profiles = catalog.models.flatMap { m in quants.map { ModelProfile(model: m, mix: $0) } }
}
let systems = catalog.hardware.map { TargetSystem(HardwareSelection(device: $0)) }
var evaluations = 0
let sweep = measure("full sweep: \(profiles.count) profiles × \(systems.count) hardware", iterations: 1) {
    for p in profiles {
        for s in systems {
            if (try? Planner.plan(profile: p, system: s, settings: RunSettings(context: 8192))) != nil { evaluations += 1 }
        }
    }
}
print(String(format: "sweep: %d evaluations, %.2f µs each", evaluations, sweep / Double(max(evaluations, 1)) * 1e6))

// The answer service's parts for a new question (no store): name resolution, plan, commands, encoding.
let service = AnswerService(catalog: catalog, store: nil)
var ctxN = 1024
_ = try measure("answer service: a new question each (plan + commands, no store)", iterations: 2000) {
    ctxN += 7
    _ = try service.estimate(try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-3090"), ("ctx", String(ctxN))]))
}
let cached = try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-3090"), ("ctx", "8192")])
let one = try service.estimate(cached)
_ = try measure("answer encoding (the API's bytes)", iterations: 2000) { _ = try one.json() }
_ = try measure("name resolution alone: 'llama-3.1-8b' + 'rtx-3090'", iterations: 2000) {
    _ = try catalog.model(named: "llama-3.1-8b"); _ = try catalog.hardware(named: "rtx-3090")
}

// With the published runs in a store (as `serve` seeds it): evidence for a new question each.
if FileManager.default.fileExists(atPath: "../shared/data/calibration") {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)").path
    let parts = try await AppSetup.open(AppOptions(catalogPath: path, dataDirectory: dir, loadContent: false))
    _ = try await parts.service.answer(try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-3090"), ("ctx", "1000")]))
    let start = clock.now
    let n = 300
    for i in 0..<n { _ = try await parts.service.answer(try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-3090"), ("ctx", String(2000 + i * 13))])) }
    let t = clock.now - start
    print(String(format: "%-58@ %.1f µs per run (%d runs)", "answer service with evidence: a new question each" as NSString,
                 (Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18) / Double(n) * 1e6, n))
}

/// The `middleware` benchmark, off the main actor (a top-level loop would hop threads on every await).
enum MiddlewareBench {
    /// The site seeded from `seed` in a new temporary data folder (returned, for the caller to remove), as `serve`
    /// seeds it; with `metrics`, its store calls are observed as `serve`'s are.
    static func seededSite(seed: String, metrics: SiteMetrics? = nil) async throws -> (site: Site, dataDirectory: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-probe-\(UUID().uuidString)").path
        var options = AppOptions(dataDirectory: dir, seedDirectory: seed)
        if let metrics { options.storeObserver = { operation, duration, failed in metrics.recordStore(operation, duration, failed: failed) } }
        let parts = try await AppSetup.open(options)
        guard let store = parts.store else { fatalError("no store in \(dir)") }
        return (Site(service: parts.service, content: parts.content.map(SiteContent.init) ?? SiteContent(), store: store), dir)
    }

    /// The requests both parts time: a repeated will-it-run question (API and page), a catalog list and a page.
    static func routes(_ q: String) -> [(name: String, uri: String)] {
        [("will-it-run API", "/api/v1/will-it-run?\(q)"), ("will-it-run page", "/will-it-run?\(q)"),
         ("runtimes API", "/api/v1/runtimes"), ("hardware page", "/hardware/rtx-3090")]
    }

    /// Microseconds per call of `body`, over `n` calls.
    static func microseconds(_ n: Int, _ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        for _ in 0..<n { try await body() }
        let d = ContinuousClock.now - start
        return (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(n)
    }

    /// The medians, in µs per call, of 25 alternating batches of 2,000 calls of each side (after one batch each to
    /// warm the caches).
    static func alternate(without: () async throws -> Void, with: () async throws -> Void) async throws -> (without: Double, with: Double) {
        _ = try await microseconds(2000, without); _ = try await microseconds(2000, with)
        var a: [Double] = [], b: [Double] = []
        for _ in 0..<25 {
            a.append(try await microseconds(2000, without))
            b.append(try await microseconds(2000, with))
        }
        return (a.sorted()[12], b.sorted()[12])
    }

    static func run(seed: String) async throws {
        let (site, dir) = try await seededSite(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bare = buildMiddlewareProbe(.siteWithoutMiddleware, site: site).buildResponder()
        let guarded = buildMiddlewareProbe(.siteWithMiddleware, site: site).buildResponder()
        // A testing channel whose addresses may be read from any thread (the handlers run on the pool's threads, and the
        // will-it-run route reads the peer when it asks a remote host), with a peer as the server would have.
        let channel = NIOAsyncTestingChannel()
        channel.remoteAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 50_000)
        var logger = Logger(label: "bench")
        logger.logLevel = .info

        /// Writes a body out and counts it, as the server's writer would.
        final class Count: @unchecked Sendable { var bytes = 0 }
        struct CountingWriter: ResponseBodyWriter {
            let count: Count
            mutating func write(_ buffer: ByteBuffer) async throws { count.bytes += buffer.readableBytes }
            consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
        }
        func serve(_ responder: some HTTPResponder<SiteRequestContext>, _ uri: String) async throws -> Int {
            let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: uri), body: .init(buffer: ByteBuffer()))
            var requestLogger = logger   // as the server makes it: the request id in the logger's metadata
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let context = SiteRequestContext(source: .init(channel: channel, logger: requestLogger))
            let response = try await responder.respond(to: request, context: context)
            let count = Count()
            try await response.body.write(CountingWriter(count: count))
            return count.bytes + response.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        }
        let q = "model=llava-1.6-mistral-7b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=4096&images=1"
        let stackOnly = ProcessInfo.processInfo.environment["STACKONLY"] != nil
        if !stackOnly, let only = ProcessInfo.processInfo.environment["MWONLY"] {
            let r: any HTTPResponder<SiteRequestContext> = only == "with" ? guarded : bare
            let n = ProcessInfo.processInfo.environment["MWN"].flatMap(Int.init) ?? 300_000
            let uri = ProcessInfo.processInfo.environment["MWURI"] ?? "/api/v1/will-it-run?\(q)"
            print(try await microseconds(n) { _ = try await serve(r, uri) })
            return
        }
        for (name, uri) in routes(q) where !stackOnly {
            let (a, b) = try await alternate(without: { _ = try await serve(bare, uri) }, with: { _ = try await serve(guarded, uri) })
            let bytesA = try await serve(bare, uri), bytesB = try await serve(guarded, uri)
            print(String(format: "%-18@ without %7.2f µs  with %7.2f µs  (+%.2f µs per request; answer %d -> %d bytes)",
                         name as NSString, a, b, b - a, bytesA, bytesB))
        }
        // The whole served stack but the kernel: request bytes through the server's own HTTP pipeline (decoder, codec,
        // the connection guard as `serve` adds it, Hummingbird's connection-state handler), the router, and the answer
        // written back through the same pipeline to bytes, as `serve` does; against the same without the guard and the
        // middleware. On one thread of its own (an embedded channel is used from the thread that made it).
        let executor = OneThreadExecutor()
        try await withTaskExecutorPreference(executor) {
            try await StackBench.run(bare: bare, served: guarded, context: channel, logger: logger, question: q)
        }
    }
}

/// `middleware`'s second part: requests as bytes through the HTTP pipeline `serve` builds (see `MiddlewareBench`).
enum StackBench {
    /// A connection's pipeline as Hummingbird's HTTP/1.1 server sets it up, with `serve`'s guard or without it.
    static func pipeline(guarded: Bool, logger: Logger) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false,
                                                                        withOutboundHeaderValidation: false)   // as Hummingbird sets it up
        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        if guarded { try channel.pipeline.syncOperations.addHandlers(ConnectionLimits().connectionHandlers(logger: logger)()) }
        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50_001)).wait()
        return channel
    }

    /// Writes the answer's body parts into the pipeline, as the server's response writer does.
    struct PipelineWriter: ResponseBodyWriter {
        let channel: EmbeddedChannel
        mutating func write(_ buffer: ByteBuffer) async throws { channel.write(HTTPResponsePart.body(buffer), promise: nil) }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws { channel.write(HTTPResponsePart.end(trailingHeaders), promise: nil) }
    }

    /// One request: bytes in, the answer's bytes out (their count).
    static func serve(_ responder: some HTTPResponder<SiteRequestContext>, _ channel: EmbeddedChannel, _ raw: ByteBuffer,
                      context: Channel, logger: Logger) async throws -> Int {
        try channel.writeInbound(raw)
        var head: HTTPRequest?
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let h) = part { head = h }
        }
        guard let head else { fatalError("the pipeline decoded no request head") }
        var requestLogger = logger
        requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        var response = try await responder.respond(to: request, context: SiteRequestContext(source: .init(channel: context, logger: requestLogger)))
        response.headers[.date] = "Sun, 06 Dec 2026 23:00:00 GMT"   // as the server adds it (from its date cache)
        channel.write(HTTPResponsePart.head(response.head), promise: nil)
        try await response.body.write(PipelineWriter(channel: channel))
        channel.flush()
        var bytes = 0
        while let out = try channel.readOutbound(as: IOData.self) { bytes += out.readableBytes }
        return bytes
    }

    static func run(bare: some HTTPResponder<SiteRequestContext>, served: some HTTPResponder<SiteRequestContext>, context: Channel,
                    logger: Logger, question q: String) async throws {
        let plain = try pipeline(guarded: false, logger: logger), guarded = try pipeline(guarded: true, logger: logger)
        if let only = ProcessInfo.processInfo.environment["STACKONLY"] {   // one side only, for a profiler
            let raw = ByteBuffer(string: "GET /api/v1/will-it-run?\(q) HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
            let n = ProcessInfo.processInfo.environment["MWN"].flatMap(Int.init) ?? 300_000
            print(try await MiddlewareBench.microseconds(n) {
                _ = only == "with" ? try await serve(served, guarded, raw, context: context, logger: logger)
                                   : try await serve(bare, plain, raw, context: context, logger: logger)
            })
            return
        }
        print("through the HTTP pipeline (request bytes in, answer bytes out; the guard as `serve` adds it):")
        for (name, uri) in MiddlewareBench.routes(q) {
            let raw = ByteBuffer(string: "GET \(uri) HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
            let (a, b) = try await MiddlewareBench.alternate(without: { _ = try await serve(bare, plain, raw, context: context, logger: logger) },
                                                             with: { _ = try await serve(served, guarded, raw, context: context, logger: logger) })
            let bytesA = try await serve(bare, plain, raw, context: context, logger: logger)
            let bytesB = try await serve(served, guarded, raw, context: context, logger: logger)
            print(String(format: "%-18@ without %7.2f µs  with %7.2f µs  (+%.2f µs per request; answer %d -> %d bytes on the wire)",
                         name as NSString, a, b, b - a, bytesA, bytesB))
        }
    }
}

/// A task executor with one thread of its own: every job of a task that prefers it runs there, in order.
final class OneThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.start()
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock(); jobs.append(job); condition.signal(); condition.unlock()
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}

