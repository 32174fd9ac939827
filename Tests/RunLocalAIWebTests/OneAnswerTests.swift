import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore
import Testing
@testable import RunLocalAIWeb

/// A site built as `runlocalai serve` builds it (`AppSetup.open`: a new SQLite data folder seeded from the published
/// tables when they are beside the repository), and a second service opened on the same folder as the CLI opens it.
enum OneAnswerFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seedDir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data/calibration").path

    struct Parts: Sendable { var site: Site; var cli: AnswerService; var dataDir: String }

    static let shared: Task<Parts, Error> = Task {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocalai-one-\(UUID().uuidString)").path
        let catalog = repoRoot.appendingPathComponent("catalog").path
        let served = try await AppSetup.open(AppOptions(catalogPath: catalog, dataDirectory: dir, seedDirectory: seedDir))
        let site = Site(service: served.service, content: SiteContent(served.content!), store: served.store!)
        let cli = try await AppSetup.open(AppOptions(catalogPath: catalog, dataDirectory: dir, createStore: false, seedEmptyStore: false, loadContent: false))
        return Parts(site: site, cli: cli.service, dataDir: dir)
    }

    static func with(_ body: @escaping @Sendable (any TestClientProtocol, Parts) async throws -> Void) async throws {
        let parts = try await shared.value
        let app = Application(router: buildRouter(site: parts.site))
        try await app.test(.router) { client in try await body(client, parts) }
    }

    struct Reply: Sendable { var status: HTTPResponse.Status; var body: String; var data: Data }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> Reply {
        try await client.execute(uri: uri, method: .get) { r in
            Reply(status: r.status, body: String(buffer: r.body), data: Data(r.body.readableBytesView))
        }
    }

    /// Every figures marker on a page: question key → figures (a page may show one question more than once; all must agree).
    static func figures(_ html: String) -> [(key: String, figures: [String: String])] {
        var out: [(String, [String: String])] = []
        var rest = html[...]
        while let r = rest.range(of: "<span class=\"figures\"") {
            rest = rest[r.upperBound...]
            guard let end = rest.firstIndex(of: ">") else { break }
            let tag = String(rest[..<end])
            var attrs: [String: String] = [:]
            var t = tag[...]
            while let eq = t.range(of: "=\"") {
                let name = t[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let after = t[eq.upperBound...]
                guard let close = after.firstIndex(of: "\"") else { break }
                attrs[name] = String(after[..<close]).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                t = after[after.index(after: close)...]
            }
            if let key = attrs["data-q"] { out.append((key, attrs)) }
        }
        return out
    }

    /// The API's figures for a question key (nil when the API refuses it).
    static func api(_ client: any TestClientProtocol, key: String) async throws -> (AnswerFigures, WillItRunAnswer, Data)? {
        let r = try await get(client, "/api/v1/will-it-run?\(key)")
        guard r.status == .ok else { return nil }
        let wire = try JSONDecoder().decode(WillItRunAnswer.self, from: r.data)
        return (AnswerFigures(wire), wire, r.data)
    }

    /// Compares a page marker with the API's answer to the same question; returns a description of each difference.
    static func differences(_ marker: [String: String], _ f: AnswerFigures) -> [String] {
        var out: [String] = []
        if let t = marker["data-tier"], t != f.tier { out.append("tier \(t) vs API \(f.tier)") }
        if let chip = marker["data-chip"] {
            let expected: String
            switch (f.tier, f.tier == "wont-run") {
            case ("comfortable", _): expected = "comfortable"
            case (_, true): expected = "doesnt-fit"
            default: expected = "tight|marginal"
            }
            if !expected.split(separator: "|").contains(Substring(chip)) { out.append("chip \(chip) vs API tier \(f.tier)") }
        }
        if let d = marker["data-decode"], d != f.decode { out.append("decode \(d) vs API \(f.decode)") }
        if let p = marker["data-prefill"], p != f.prefill { out.append("prefill \(p) vs API \(f.prefill)") }
        if let e = marker["data-evidence"], e != f.evidence { out.append("evidence \(e) vs API \(f.evidence)") }
        if let n = marker["data-needed"], n != f.needed { out.append("needed \(n) vs API \(f.needed)") }
        return out
    }
}

/// A small seeded generator, so a failing question can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("One question, one answer: every surface reads the same", .serialized)
struct OneAnswerTests {
    typealias F = OneAnswerFixture

    /// 500 seeded random questions (models × quantisations × hardware with 1-4 cards and Apple memory variants ×
    /// context × runtime): the CLI's bytes equal the API's, and the will-it-run page, the model page's row, the
    /// hardware page's checked row, compare and cost show the API's figures for the same question.
    @Test("500 random questions read the same on the CLI, the API, the will-it-run page, the model page, the hardware page (its checked row, chips and rows), compare, a custom build and cost")
    func randomQuestionsAgree() async throws {
        try await F.with { client, parts in
            let catalog = parts.site.catalog
            var rng = SplitMix64(state: 20_261_205)
            let models = catalog.models.filter { !$0.use.contains("embedding") && !$0.use.contains("rerank") }
            let gpus = catalog.hardware.filter { $0.kind == .gpu }
            let others = catalog.hardware.filter { $0.kind != .gpu }
            let quants = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K"]
            let contexts = [2048, 4096, 8192, 16384, 32768]
            let runtimes: [Runtime.Kind] = [.llamaCpp, .llamaCpp, .llamaCpp, .ollama, .lmStudio, .vllm, .mlx]
            var checked = 0, answered = 0, problems: [String] = []
            for i in 0..<500 {
                let m = models.randomElement(using: &rng)!
                var hardware: String
                if Bool.random(using: &rng) || others.isEmpty {
                    let g = gpus.randomElement(using: &rng)!
                    let n = [1, 1, 1, 2, 3, 4].randomElement(using: &rng)!
                    hardware = n > 1 ? "\(n)x \(g.id)" : g.id
                } else {
                    let d = others.randomElement(using: &rng)!
                    hardware = d.id
                    if d.memoryChoicesGiB.count > 1, let mem = d.memoryChoicesGiB.randomElement(using: &rng) { hardware += " \(Int(mem))GB" }
                }
                let q = Question(model: m.id, quant: QuantMix(name: quants.randomElement(using: &rng)!)!, hardware: .named(hardware),
                                 context: min(contexts.randomElement(using: &rng)!, max(m.architecture.contextLength, 2048)),
                                 images: m.isVisionModel ? 1 : 0, runtime: runtimes.randomElement(using: &rng)!)
                let key = q.key
                // API and CLI (in-process, the same store): the same bytes, or the same refusal.
                let apiReply = try await F.get(client, "/api/v1/will-it-run?\(key)")
                let cli = try? await parts.cli.answer(q)
                if apiReply.status == .ok {
                    answered += 1
                    let cliBytes = try cli.map { try $0.json() }
                    if cliBytes != apiReply.data { problems.append("#\(i) CLI differs from the API for \(key)") }
                } else if cli != nil {
                    problems.append("#\(i) the API refuses (\(apiReply.status.code)) what the CLI answers: \(key)")
                    continue
                } else { continue }
                let f = AnswerFigures(try JSONDecoder().decode(WillItRunAnswer.self, from: apiReply.data))
                // Every other surface that shows this question.
                let hw = QueryString.escape(hardware)
                let rest = q.items.filter { !["model", "hardware"].contains($0.0) }
                var surfaces: [(String, String)] = [("will-it-run page", q.url())]
                if q.runtime == .llamaCpp {
                    surfaces.append(("model page", QueryString.url("/models/\(m.id)", [("hardware", hardware)] + rest)))
                }
                surfaces.append(("hardware page", QueryString.url("/hardware/\(hw)", [("model", m.id)] + rest)))
                surfaces.append(("compare", QueryString.url("/compare", [("a", hardware), ("b", "rtx-4090"), ("model", m.id)] + rest)))
                surfaces.append(("cost page", QueryString.url("/cost", [("hardware", hardware), ("model", m.id)] + rest)))
                // Every tenth question: all that its hardware's page and a custom build of it show (chips and rows).
                if i % 10 == 0 {
                    surfaces.append(("hardware page listing", "/hardware/\(hw)"))
                    surfaces.append(("custom build", QueryString.url("/will-it-run/custom", [("gpu", hardware), ("use", "any"), ("ctx", String(q.context))])))
                }
                for (name, uri) in surfaces {
                    if name == "hardware page listing" || name == "custom build" {
                        let page = try await F.get(client, uri)
                        guard page.status == .ok else { continue }
                        for mk in F.figures(page.body) {
                            checked += 1
                            guard let (lf, _, _) = try await F.api(client, key: mk.key) else { problems.append("#\(i) \(name) \(uri): the API refuses \(mk.key)"); continue }
                            for d in F.differences(mk.figures, lf) { problems.append("#\(i) \(name) \(uri) [\(mk.key)]: \(d)") }
                        }
                        continue
                    }
                    let page = try await F.get(client, uri)
                    let markers = F.figures(page.body).filter { $0.key == key }
                    if markers.isEmpty {
                        // The cost page needs a catalog price and TDP; the hardware page's "checked" row only shows what it answers.
                        if name == "cost page" || page.status != .ok { continue }
                        problems.append("#\(i) \(name) shows no figures for \(key) (\(uri))")
                        continue
                    }
                    checked += 1
                    for mk in markers {
                        for d in F.differences(mk.figures, f) { problems.append("#\(i) \(name) \(uri): \(d)") }
                    }
                }
            }
            #expect(answered >= 150, "only \(answered) of 500 questions were answered")
            #expect(checked >= 500)
            #expect(problems.isEmpty, "\(problems.count) disagreements, first: \(problems.prefix(15).joined(separator: "\n"))")
        }
    }

    /// Every figure a hardware page, a custom build and a guide show (chips, "what runs on it" rows, build rows) is
    /// the API's answer to the question it links to.
    @Test("Hardware pages (chips and rows, 1-4 cards, Apple memory variants) and custom builds show the API's answer to each question they link to")
    func listingsAgree() async throws {
        try await F.with { client, _ in
            let pages = ["/hardware/rtx-3090", "/hardware/2x-rtx-3090", "/hardware/rtx-3090?count=4", "/hardware/apple-m2-pro-16c?memory=16",
                         "/hardware/apple-m4-max-40c?memory=64", "/hardware/rtx-4060-ti-16gb?use=coding", "/hardware/rtx-3060-12gb?use=vision",
                         "/will-it-run/custom?gpu=rtx-3090&ram=64&use=any", "/will-it-run/custom?gpu=apple-m3-ultra-80c&os=macos&use=chat",
                         "/compare?a=rtx-4090&b=rtx-5090&model=llama-3.3-70b"]
            var problems: [String] = []
            var seen = 0
            for uri in pages {
                let page = try await F.get(client, uri)
                #expect(page.status == .ok, "\(uri)")
                for mk in F.figures(page.body) {
                    seen += 1
                    guard let (f, _, _) = try await F.api(client, key: mk.key) else { problems.append("\(uri): the API refuses \(mk.key)"); continue }
                    for d in F.differences(mk.figures, f) { problems.append("\(uri) [\(mk.key)]: \(d)") }
                }
            }
            #expect(seen >= 100)
            #expect(problems.isEmpty, "\(problems.prefix(15).joined(separator: "\n"))")
        }
    }

    // MARK: The nine cases of the issue

    @Test("1. The memory bar counts what stays resident: Llama 3.3 70B Q4_K_M on an RTX 4090 at 8K is not drawn over the RAM limit while it runs; Q4_K_M never needs more than Q5_K_M")
    func residentNotPeak() async throws {
        try await F.with { client, _ in
            let page = try await F.get(client, "/will-it-run?model=llama-3.3-70b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192")
            #expect(page.status == .ok)
            #expect(page.body.contains("Runs with tradeoffs"))
            #expect(!page.body.contains("over the usable limit"), "a run that fits must not draw a bar over its limit")
            #expect(page.body.contains("load-time peak"))
            let api = try #require(try await F.api(client, key: "model=llama-3.3-70b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192"))
            let host = try #require(api.1.devices.last)
            #expect((host.needed_bytes ?? 0) <= host.usable_bytes)
            #expect(host.total_bytes > host.usable_bytes, "the load peak is above the limit: the bar must not use it")
            // The model page: needed memory grows with the bits per weight at every context.
            let model = try await F.get(client, "/models/llama-3.3-70b?hardware=rtx-4090")
            let q4 = try #require(try await F.api(client, key: "model=llama-3.3-70b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192"))
            let q5 = try #require(try await F.api(client, key: "model=llama-3.3-70b&quant=Q5_K_M&hardware=rtx-4090&ctx=8192"))
            #expect(q4.0.needed < q5.0.needed || Int(q4.0.needed)! < Int(q5.0.needed)!)
            #expect(model.status == .ok)
        }
    }

    @Test("2. A hardware row never says 'comfortably' without a speed: M2 Pro 16 GB rows are the will-it-run answers")
    func noComfortableAtZero() async throws {
        try await F.with { client, _ in
            let page = try await F.get(client, "/hardware/apple-m2-pro-16c?memory=16")
            let rows = F.figures(page.body)
            #expect(rows.count > 10)
            for r in rows where r.figures["data-tier"] == "comfortable" {
                #expect(Double(r.figures["data-decode"] ?? "0") ?? 0 >= 10, "\(r.key) says comfortable at \(r.figures["data-decode"] ?? "?") tok/s")
            }
            for r in rows {
                let api = try #require(try await F.api(client, key: r.key), "\(r.key)")
                #expect(F.differences(r.figures, api.0).isEmpty, "\(r.key): \(F.differences(r.figures, api.0))")
            }
        }
    }

    @Test("3. /hardware/2x-rtx-3090 and ?count=2 are the two-card page, as the API for two cards")
    func twoCardsPage() async throws {
        try await F.with { client, _ in
            for uri in ["/hardware/2x-rtx-3090", "/hardware/rtx-3090?count=2", "/hardware/dual%203090"] {
                let page = try await F.get(client, uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.body.contains("<h1>2x NVIDIA GeForce RTX 3090</h1>"), "\(uri)")
                let chip70 = try #require(F.figures(page.body).first { $0.key.contains("llama-3.3-70b") && $0.key.contains("2x") }, "\(uri)")
                let api = try #require(try await F.api(client, key: chip70.key))
                #expect(api.1.hardware.count == 2)
                #expect(F.differences(chip70.figures, api.0).isEmpty)
            }
        }
    }

    @Test("4. Compare: each chip is the status of the very question's answer, and the verdict row shows the same words")
    func compareChipsAgree() async throws {
        try await F.with { client, _ in
            let page = try await F.get(client, "/compare?a=rtx-4090&b=rtx-5090&model=llama-3.3-70b")
            #expect(page.status == .ok)
            let markers = F.figures(page.body)
            let chip = try #require(markers.first { $0.figures["data-chip"] != nil && $0.key.contains("llama-3.3-70b") && $0.key.contains("rtx-4090") })
            let verdict = try #require(markers.first { $0.figures["data-chip"] == nil && $0.key == chip.key })
            let api = try #require(try await F.api(client, key: chip.key))
            #expect(verdict.figures["data-tier"] == api.0.tier)
            #expect(F.differences(chip.figures, api.0).isEmpty)
            // The verdict cell carries the chip word too, so "marginal" never stands beside an unexplained "tradeoffs".
            #expect(page.body.contains("tier \(chip.figures["data-chip"] == "doesnt-fit" ? "wont-run" : chip.figures["data-chip"]!)"))
        }
    }

    @Test("5. One price rule: the used guide quotes used prices; cost quotes the current price (never the launch price) and says which")
    func onePriceRule() async throws {
        try await F.with { client, parts in
            let catalog = parts.site.catalog
            let page = try await F.get(client, "/guides/best-used-gpu")
            #expect(page.status == .ok)
            #expect(page.body.contains("Used price"))
            #expect(!page.body.contains("Street price"))
            let r = try await F.get(client, "/api/v1/cost?hardware=rtx-3090")
            #expect(r.status == .ok)
            let json = try JSONSerialization.jsonObject(with: r.data) as! [String: Any]
            let d = try #require(catalog.device(id: "rtx-3090"))
            let current = try #require(d.currentPrice)
            #expect(json["price_usd"] as? Double == current.usd)
            #expect(json["price_basis"] as? String == (current.condition == .used ? "used" : "street"))
            #expect(json["price_usd"] as? Double != d.price?.launch)
            let costPage = try await F.get(client, "/cost?hardware=rtx-3090")
            #expect(costPage.body.contains(Format.money(current.usd)))
            // The page takes a purchase price and the electricity price.
            let mine = try await F.get(client, "/cost?hardware=rtx-3090&price=650&kwh=0.30")
            #expect(mine.body.contains("$650"))
            #expect(mine.body.contains("0.30 $/kWh"))
        }
    }

    @Test("6. The CLI with --data-dir prints the API's bytes, evidence included; without a store it says estimated and why")
    func cliEqualsAPI() async throws {
        try await F.with { client, parts in
            // A tuple with a published run (the seeded store) when the tables are beside the repository.
            let q = try Question.parse(query: "model=llama-2-7b&quant=Q4_0&hardware=rtx-4090&ctx=4096")
            let api = try await F.get(client, "/api/v1/will-it-run?\(q.key)")
            #expect(api.status == .ok)
            let cli = try await parts.cli.answer(q)
            #expect(try cli.json() == api.data)
            if FileManager.default.fileExists(atPath: F.seedDir) { #expect(cli.evidence != .estimated) }
            let bare = try await AppSetup.open(AppOptions(catalogPath: F.repoRoot.appendingPathComponent("catalog").path,
                                                          dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("no-store-\(UUID().uuidString)").path,
                                                          createStore: false, seedEmptyStore: false, loadContent: false))
            let alone = try await bare.service.answer(q)
            #expect(alone.evidence == .estimated)
            #expect(alone.wire.speed.evidence_basis?.contains("no benchmark store") == true)
        }
    }

    @Test("7. One grammar: 32K, '+' as a space, dual/2x/two, the Apple base variant, and runtimes that answer for themselves or refuse")
    func oneGrammar() async throws {
        try await F.with { client, _ in
            let ok = ["model=llama-3.1-8b&hardware=rtx-4090&ctx=32K", "model=llama-3.3-70b&hardware=2x+RTX+3090&ctx=8192",
                      "model=llama-3.3-70b&hardware=dual+3090", "model=llama-3.3-70b&hardware=2x3090", "model=llama-3.3-70b&hardware=two+RTX+3090s",
                      "model=llama-3.1-8b&hardware=rtx-4090&fa=auto"]
            for key in ok {
                let api = try await F.get(client, "/api/v1/will-it-run?\(key)")
                #expect(api.status == .ok, "API \(key): \(api.body.prefix(200))")
                let page = try await F.get(client, "/will-it-run?\(key)")
                #expect(page.status == .ok, "page \(key)")
            }
            let two = try #require(try await F.api(client, key: "model=llama-3.3-70b&hardware=dual+3090"))
            #expect(two.1.hardware.count == 2)
            let m2 = try #require(try await F.api(client, key: "model=llama-3.1-8b&hardware=M2+Pro+16GB&ctx=8192"))
            #expect(m2.1.hardware.id.hasPrefix("apple-m2-pro-16c"))
            #expect(m2.1.hardware.alternatives == ["apple-m2-pro-19c"])
            #expect(m2.1.fit.notes.contains { $0.contains("base model") })
            let m2page = try await F.get(client, "/will-it-run?model=llama-3.1-8b&hardware=M2+Pro+16GB&ctx=8192")
            #expect(m2page.body.contains("apple-m2-pro-19c"), "the page links the other variant")
            // Runtimes: their own answer, or a 400 with the alternatives.
            let base = try #require(try await F.api(client, key: "model=llama-3.1-8b&hardware=rtx-4090&ctx=8192"))
            for rt in ["vllm", "lm-studio", "ollama"] {
                let other = try #require(try await F.api(client, key: "model=llama-3.1-8b&hardware=rtx-4090&ctx=8192&runtime=\(rt)"), "\(rt)")
                #expect(other.2 != base.2, "\(rt) answers byte for byte as llama.cpp")
                #expect(other.1.runtime == rt)
            }
            for (key, needle) in [("model=llama-3.1-8b&hardware=rtx-4090&runtime=mlx", "MLX runs only on Apple silicon"),
                                  ("model=llama-3.1-8b&hardware=apple-m4-max-40c&runtime=vllm", "vLLM does not run on Apple silicon"),
                                  ("model=llama-3.1-8b&hardware=3x+rtx-3090&runtime=vllm", "tensor parallelism")] {
                let r = try await F.get(client, "/api/v1/will-it-run?\(key)")
                #expect(r.status == .badRequest, "\(key)")
                #expect(r.body.contains(needle), "\(key): \(r.body.prefix(300))")
            }
            let mlx = try #require(try await F.api(client, key: "model=llama-3.1-8b&hardware=apple-m4-max-40c&runtime=mlx"))
            #expect(mlx.1.commands.first?.runtime == "MLX")
            // vLLM never offloads to the CPU.
            let vllm70 = try #require(try await F.api(client, key: "model=llama-3.3-70b&hardware=rtx-4090&runtime=vllm"))
            #expect(vllm70.1.fit.tier == "wont-run")
        }
    }

    @Test("7b. A backend is part of the question: an APU on its CPU backend is planned on the cores (page, API and CLI alike); a backend the device lacks is refused with the ones it has")
    func backendIsAsked() async throws {
        try await F.with { client, parts in
            let key = "model=llama-3.1-8b&hardware=ryzen-ai-max-plus-395@128gb&backend=cpu"
            let cpu = try #require(try await F.api(client, key: key))
            let gpu = try #require(try await F.api(client, key: "model=llama-3.1-8b&hardware=ryzen-ai-max-plus-395@128gb"))
            #expect(cpu.1.fit.placement == "cpu")
            #expect(gpu.1.fit.placement == "gpu")
            #expect(cpu.1.speed.prefill_tps.expected * 5 < gpu.1.speed.prefill_tps.expected)
            #expect(cpu.1.fit.notes.contains { $0.contains("CPU backend") })
            let q = try Question.parse(query: key)
            #expect(q.backend == .cpu)
            #expect(try await parts.cli.answer(q).json() == cpu.2)
            let page = try await F.get(client, "/will-it-run?\(key)")
            #expect(page.status == .ok)
            #expect(page.body.contains("<option value=\"cpu\" selected"))
            let wrong = try await F.get(client, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-4090&backend=metal")
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("has no Metal backend") && wrong.body.contains("cuda"), "\(wrong.body.prefix(300))")
            let unknown = try await F.get(client, "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-4090&backend=directx")
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.contains("unknown backend"))
        }
    }

    @Test("8. A custom build never calls a model runnable that needs more memory than the build has")
    func customBuildWithinMemory() async throws {
        try await F.with { client, _ in
            let r = try await F.get(client, "/api/v1/will-it-run/custom?hardware=rtx-3090&ram=64&use_case=any")
            #expect(r.status == .ok)
            let report = try JSONDecoder().decode(CustomBuildReport.self, from: r.data)
            let limit = UInt64((24 + 64) * 1_073_741_824.0)
            for m in report.models where m.tier != "wont-run" {
                #expect(m.total_bytes <= limit, "\(m.id) \(m.quant) is \(m.tier) at \(m.total_bytes) bytes")
            }
            let gpt = try #require(report.models.first { $0.id == "gpt-oss-120b" })
            #expect(gpt.tier == "wont-run" || gpt.total_bytes <= limit)
        }
    }

    @Test("9. 'This machine': the CLI's service plans for the detected machine and says so; the site refuses it with the fix")
    func thisMachine() async throws {
        let catalog = try Catalog.load(from: F.repoRoot.appendingPathComponent("catalog"))
        let host = TargetSystem.Host(ramGiB: 23.5, bandwidthGBs: 30, fp32TFLOPS: 0.29, name: "Xeon, 2 cores")
        let local = LocalMachine(system: TargetSystem(gpus: [], host: host), description: "Intel Xeon (2 cores), 24 GiB RAM at 30 GB/s")
        let service = AnswerService(catalog: catalog, store: nil, localMachine: local)
        let q = try Question.parse([("model", "llama-2-7b")])
        #expect(q.hardware == .thisMachine)
        let mine = try await service.answer(q)
        #expect(mine.wire.hardware.name == local.description)
        #expect(mine.wire.fit.notes.contains { $0.contains("planned for this machine") })
        let generic = try await service.answer(q.with { $0.hardware = .named("cpu") })
        #expect(mine.decode.expected < generic.decode.expected, "30 GB/s on two cores is slower than the generic dual-channel desktop")
        try await F.with { client, _ in
            let r = try await F.get(client, "/api/v1/will-it-run?model=llama-2-7b&hardware=local")
            #expect(r.status == .badRequest)
            #expect(r.body.contains("cannot see your machine"))
        }
    }
}
