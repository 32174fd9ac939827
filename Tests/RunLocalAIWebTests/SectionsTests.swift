import Foundation
import Hummingbird
import HummingbirdTesting
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore
import Testing
@testable import RunLocalAIWeb

/// The original site's remaining sections — hardware combos, compare that decides, Start, systems, stacks, learn,
/// ecosystem, pulse, digest — as pages and `/api/v1` routes, each figure the answer the will-it-run page gives.
@Suite("Sections: combos, compare, Start, systems, stacks, learn, ecosystem, pulse, digest")
struct SectionsTests {
    typealias F = APIFixture
    typealias P = PagesFixture

    /// The figures attributes of a page's `data-q` answer (tier, decode, evidence, needed).
    static func figures(_ html: String, question key: String) -> String? {
        let marker = "data-q=\"\(HTML.escape(key))\""
        guard let r = html.range(of: marker) else { return nil }
        let rest = html[r.upperBound...]
        return String(rest[..<(rest.firstIndex(of: ">") ?? rest.endIndex)])
    }

    @Test("API: every section route answers as the OpenAPI document says, and every path is described")
    func apiRoutesValidate() async throws {
        try await F.with { c in
            let doc = try #require(try await F.call(c, .get, "/api/v1/openapi.json").json)
            let paths = Set(doc["paths"]?.object?.keys.map { $0 } ?? [])
            for p in ["/api/v1/hardware-combos", "/api/v1/hardware-combos/{id}", "/api/v1/compare/models", "/api/v1/start", "/api/v1/systems",
                      "/api/v1/systems/{id}", "/api/v1/stacks", "/api/v1/stacks/{slug}", "/api/v1/learn", "/api/v1/learn/{slug}", "/api/v1/ecosystem",
                      "/api/v1/pulse", "/api/v1/digest", "/api/v1/digest/{month}"] {
                #expect(paths.contains(p), "\(p) is not described")
            }
            let combos = try await F.call(c, .get, "/api/v1/hardware-combos?interconnect=nvlink")
            #expect((combos.json?["items"]?.array ?? []).allSatisfy { $0["interconnect"]?.string == "nvlink" })
            #expect((combos.json?["count"]?.int ?? 0) >= 2)
            let big = try await F.call(c, .get, "/api/v1/hardware-combos?vram=100")
            #expect((big.json?["items"]?.array ?? []).allSatisfy { ($0["total_vram_gib"]?.number ?? 0) >= 100 })
            F.expectError(try await F.call(c, .get, "/api/v1/hardware-combos?interconnect=carrier-pigeon"), 400, code: "invalid_parameter", parameter: "interconnect")
            let dual = try await F.call(c, .get, "/api/v1/hardware-combos/dual-rtx-3090", template: "/api/v1/hardware-combos/{id}")
            let effective = dual.json?["memory"]?["effective_bytes"]?.int ?? 0, sum = dual.json?["memory"]?["sum_bytes"]?.int ?? 0
            #expect(effective > 0 && effective < sum, "a combo's memory is never the pooled sum")
            #expect((dual.json?["splits"]?.array?.count ?? 0) > 0)
            F.expectError(try await F.call(c, .get, "/api/v1/hardware-combos/dual-rtx-9999", template: "/api/v1/hardware-combos/{id}"), 404, code: "unknown_combo")
            _ = try await F.call(c, .get, "/api/v1/hardware-combos/rtx-3090-plus-rtx-3060", template: "/api/v1/hardware-combos/{id}")

            let m = try await F.call(c, .get, "/api/v1/compare/models?a=qwen2.5-14b&b=llama-3.1-8b&hardware=rtx-3060-12gb")
            #expect(m.json?["verdicts"]?.array?.count == UseCase.allCases.count)
            F.expectError(try await F.call(c, .get, "/api/v1/compare/models?a=qwen2.5-14b&b=llama-9"), 400, code: "unknown_model", parameter: "b")
            F.expectError(try await F.call(c, .get, "/api/v1/compare/models?b=llama-3.1-8b"), 400, code: "missing_parameter", parameter: "a")

            let four = try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3060-12gb,rtx-3090,rtx-4090,rtx-5090&ctx=8192")
            #expect(four.json?["answers"]?.array?.count == 4)
            F.expectError(try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=a,b,c,d,e"), 400, code: "invalid_parameter", parameter: "hardware")

            F.expectError(try await F.call(c, .get, "/api/v1/compare/models?a=qwen2.5-14b&b=Qwen2.5+14B"), 400, code: "invalid_parameter", parameter: "model")
            F.expectError(try await F.call(c, .get, "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-4090,RTX+4090"), 400, code: "invalid_parameter", parameter: "hardware")

            let start = try await F.call(c, .get, "/api/v1/start?hardware=rtx-3090&use=coding")
            let picks = start.json?["picks"]?.array ?? []
            let site = try await F.shared.value
            for p in picks {
                let m = try #require(site.catalog.model(id: p["model"]?["id"]?.string ?? ""))
                #expect(UseCase.coding.suits(m) && m.architecture.contextLength >= UseCase.coding.context, "a coding pick is a coding model with a 32K context: \(m.id)")
            }
            #expect(picks.count == 3)
            #expect(picks.allSatisfy { $0["fit"]?["tier"]?.string == "comfortable" && ($0["speed"]?["decode_tps"]?["expected"]?.number ?? 0) >= UseCase.coding.minimumDecode })
            #expect(Set(picks.compactMap { $0["model"]?["id"]?.string }).count == 3)
            F.expectError(try await F.call(c, .get, "/api/v1/start?hardware=rtx-3090&use=gaming"), 400, code: "invalid_parameter", parameter: "use")
            F.expectError(try await F.call(c, .get, "/api/v1/start?hardware=quantum-accelerator-9000"), 400, code: "unknown_hardware", parameter: "hardware")

            let systems = try await F.call(c, .get, "/api/v1/systems")
            let first = try #require(systems.json?["items"]?.array?.first?["id"]?.string)
            _ = try await F.call(c, .get, "/api/v1/systems/\(first)", template: "/api/v1/systems/{id}")
            F.expectError(try await F.call(c, .get, "/api/v1/systems/cray-1", template: "/api/v1/systems/{id}"), 404, code: "unknown_system")
            let stacks = try await F.call(c, .get, "/api/v1/stacks")
            for s in stacks.json?["items"]?.array ?? [] {
                let slug = try #require(s["slug"]?.string)
                let d = try await F.call(c, .get, "/api/v1/stacks/\(slug)", template: "/api/v1/stacks/{slug}")
                #expect(d.json?["answer"]?["fit"]?["tier"]?.string != "wont-run", "stack \(slug) must run on its own hardware")
                #expect((d.json?["answer"]?["commands"]?.array?.count ?? 0) > 0)
            }
            let learn = try await F.call(c, .get, "/api/v1/learn")
            for l in learn.json?["items"]?.array ?? [] {
                _ = try await F.call(c, .get, "/api/v1/learn/\(l["slug"]?.string ?? "")", template: "/api/v1/learn/{slug}")
            }
            F.expectError(try await F.call(c, .get, "/api/v1/learn/astrology", template: "/api/v1/learn/{slug}"), 404, code: "unknown_path")
            let eco = try await F.call(c, .get, "/api/v1/ecosystem")
            #expect((eco.json?["runtimes"]?.array?.count ?? 0) >= 20)
            _ = try await F.call(c, .get, "/api/v1/pulse")
            _ = try await F.call(c, .get, "/api/v1/digest")
            _ = try await F.call(c, .get, "/api/v1/digest/2025-08", template: "/api/v1/digest/{month}")
            F.expectError(try await F.call(c, .get, "/api/v1/digest/2025-13", template: "/api/v1/digest/{month}"), 400, code: "invalid_parameter", parameter: "month")
            F.expectError(try await F.call(c, .get, "/api/v1/digest/2099-01", template: "/api/v1/digest/{month}"), 404, code: "no_digest")
        }
    }

    @Test("One answer: a combo's layer-split row, a Start pick, a stack and a system row read exactly as will-it-run reads the same question")
    func sectionsAgreeWithWillItRun() async throws {
        let site = try await P.site()
        let combo = try await site.service.combo(try #require(site.catalog.combo(id: "dual-rtx-3090")))
        let start = try await site.service.start(hardware: "rtx-3060-12gb", ramGiB: nil, useCase: .chat)
        let stack = try await site.service.stack(try #require(site.content.stacks.first))
        let questions = combo.splits.map(\.layer.question) + start.picks.map(\.question) + [stack.question] + combo.models.prefix(3).map(\.question)
        try await P.withClient { client in
            for q in questions {
                let wir = try await P.get(client, q.url())
                let own = try #require(Self.figures(wir.body, question: q.key), "\(q.url())")
                // The section's answer for the same question carries the same figures.
                let answer = try await site.service.answer(q)
                #expect(own.contains("data-tier=\"\(AnswerFigures(answer).tier)\"") && own.contains("data-decode=\"\(AnswerFigures(answer).decode)\""), "\(q.url())")
            }
            let page = try await P.get(client, "/hardware-combos/dual-rtx-3090")
            for s in combo.splits {
                let shown = try #require(Self.figures(page.body, question: s.layer.question.key))
                let wir = try await P.get(client, s.layer.question.url())
                #expect(shown == Self.figures(wir.body, question: s.layer.question.key), "\(s.model)")
            }
        }
    }

    @Test("Combos: the list filters by link and VRAM; a combo page shows topology, why memory is below the sum, the splits, what breaks")
    func comboPages() async throws {
        try await P.withClient { client in
            let list = try await P.get(client, "/hardware-combos?interconnect=nvlink&vram=40")
            #expect(list.status == .ok)
            #expect(list.body.contains("Dual RTX 3090") && !list.body.contains("Dual RTX 4090"))
            let page = try await P.get(client, "/hardware-combos/dual-rtx-3090")
            for text in ["Topology", "What a model gets", "the cards are not one pool", "Layer split (llama.cpp)", "Tensor parallel (vLLM)",
                         "--split-mode row", "What breaks", "What runs on it", "Source:"] {
                #expect(page.body.contains(text), "\(text)")
            }
            let mixed = try await P.get(client, "/hardware-combos/rtx-3090-plus-rtx-3060")
            #expect(mixed.body.contains("custom build") && mixed.body.contains("Tensor parallelism (vLLM) needs identical cards"))
            let missing = try await P.get(client, "/hardware-combos/dual-rtx-9999")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("/hardware-combos/dual-rtx-3090"))
            #expect(try await P.get(client, "/hardware-combos?vram=lots").status == .badRequest)
        }
    }

    @Test("Compare decides: four cards side by side; model vs model gives a verdict per use case with its reason, also at /compare/models/a-vs-b")
    func comparePages() async throws {
        try await P.withClient { client in
            let four = try await P.get(client, "/compare?a=rtx-3060-12gb&b=rtx-3090&c=rtx-4090&d=rtx-5090&model=qwen2.5-14b")
            #expect(four.status == .ok)
            #expect(four.body.contains("side-by-side n4"))
            for name in ["RTX 3060 12GB", "RTX 3090", "RTX 4090", "RTX 5090"] { #expect(four.body.contains(name)) }
            let pair = try await P.get(client, "/compare/models/qwen2.5-14b-vs-llama-3.1-8b?hardware=rtx-3060-12gb")
            #expect(pair.status == .ok)
            for u in UseCase.allCases { #expect(pair.body.contains(u.label), "\(u)") }
            #expect(pair.body.contains("Verdict on"))
            #expect(!pair.body.contains("No single winner"))
            let same = try await P.get(client, "/compare/models?a=qwen2.5-14b&b=llama-3.1-8b&hardware=rtx-3060-12gb")
            #expect(same.body.components(separatedBy: "<tbody>").dropFirst().first == pair.body.components(separatedBy: "<tbody>").dropFirst().first)
            #expect(try await P.get(client, "/compare/models/just-one-model").status == .badRequest)
        }
    }

    @Test("Start: hardware and use case, or a pasted `runlocalai detect`, give three models with their commands")
    func startPage() async throws {
        try await P.withClient { client in
            let page = try await P.get(client, "/start?hardware=rtx-3060-12gb&use=chat&ram=32")
            #expect(page.status == .ok)
            #expect(page.body.components(separatedBy: "class=\"panel\"").count - 1 == 3)
            #expect(page.body.contains("llama-server"))
            let pasted = try await P.post(client, "/start", form: [("detect", "GPUs     NVIDIA GeForce RTX 3090\nHardware ids for benchmarks: rtx-3090 ×2\nMemory   125.7 GiB total"), ("use", "coding")])
            #expect(pasted.status == .ok)
            #expect(pasted.body.contains("2x NVIDIA GeForce RTX 3090"))
            let garbage = try await P.post(client, "/start", form: [("detect", "a gaming PC"), ("use", "chat")])
            #expect(garbage.status == .badRequest)
            #expect(garbage.body.contains("Hardware ids for benchmarks"))
            #expect(try await P.get(client, "/start?hardware=rtx-3060-12gb&use=astrology").status == .badRequest)
        }
    }

    @Test("Systems, stacks, learn and the ecosystem map: lists and pages, every stack with the engine's answer and commands")
    func catalogSections() async throws {
        let site = try await P.site()
        try await P.withClient { client in
            let systems = try await P.get(client, "/systems")
            for s in site.catalog.systems {
                #expect(systems.body.contains("/systems/\(s.id)"))
                let page = try await P.get(client, "/systems/\(s.id)")
                #expect(page.status == .ok && page.body.contains("What runs on it"), "\(s.id)")
            }
            for s in site.content.stacks {
                let page = try await P.get(client, "/stacks/\(s.slug)")
                #expect(page.status == .ok && page.body.contains("Serve the model") && page.body.contains("data-q="), "\(s.slug)")
            }
            for l in site.content.learn {
                let page = try await P.get(client, "/learn/\(l.slug)")
                #expect(page.status == .ok, "\(l.slug)")
                #expect(page.body.components(separatedBy: "<li>").count - 1 >= l.steps.count)
            }
            let eco = try await P.get(client, "/ecosystem")
            #expect(eco.body.contains("Backends") && eco.body.contains("Model formats") && eco.body.contains("Operating systems"))
            #expect(try await P.get(client, "/stacks/nope").status == .notFound)
        }
    }

    @Test("Pulse and the digest come from the data's own dates: a run measured in a month is in that month's digest and the feed")
    func pulseAndDigest() async throws {
        let site = try await F.site(adminToken: nil)
        let measured = try #require(BenchmarkRun.statedDate(in: "2026-07-14"))
        _ = try await site.store.importRuns([BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-4070"], runtime: "llama.cpp",
                                                           runtimeVersion: "b6000", decodeTPS: 71.5, measuredAt: measured, submitter: "test",
                                                           source: "a test", status: .approved)])
        let app = Application(router: buildRouter(site: site))
        try await app.test(.router) { client in
            let digest = try await client.execute(uri: "/digest/2026-07", method: .get) { String(buffer: $0.body) }
            #expect(digest.contains("71.5 tok/s"))
            let other = try await client.execute(uri: "/digest/2026-06", method: .get) { String(buffer: $0.body) }
            #expect(!other.contains("71.5 tok/s"))
            let pulse = try await client.execute(uri: "/pulse", method: .get) { String(buffer: $0.body) }
            #expect(pulse.contains("2026-07-14"))
            let feed = try await client.execute(uri: "/feed.xml", method: .get) { String(buffer: $0.body) }
            #expect(feed.contains("/digest/2026-07"))
            #expect(P.isWellFormedXML(feed))
        }
    }

    @Test("A run measured more than 18 months ago is shown as stale and no longer counts as evidence")
    func staleRunsLeaveTheEvidence() async throws {
        let site = try await F.site(adminToken: nil)   // clock: 2026-09-21
        let q = try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-4070"), ("ctx", "4096")])
        let before = try await site.service.answer(q)
        #expect(before.evidence == .estimated)
        let old = BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-4070"], runtime: "llama.cpp", context: 128, generatedTokens: 128,
                               decodeTPS: 33.3, measuredAt: BenchmarkRun.statedDate(in: "2024-05-01"), submitter: SeedImport.submitter, source: "old", status: .approved)
        _ = try await site.store.importRuns([old])
        site.service.invalidateEvidence()
        #expect(try await site.service.answer(q).evidence == .estimated)
        var recent = old; recent.measuredAt = BenchmarkRun.statedDate(in: "2026-05-01"); recent.source = "recent"; recent.decodeTPS = 44.4
        _ = try await site.store.importRuns([recent])
        site.service.invalidateEvidence()
        let after = try await site.service.answer(q)
        #expect(after.evidence == .measured)
        #expect(after.decode.expected == 44.4)
    }

    @Test("Guides filter by budget AND use AND context: at $600 for coding at 32K the pick runs a 14B coder comfortably, not a 12 GB card with tradeoffs")
    func guidesThatFilter() async throws {
        try await F.with { c in
            let g = try await F.call(c, .get, "/api/v1/guides?budget=600&use=coding&ctx=32K")
            let pick = try #require(g.json?["picks"]?.array?.first { $0["guide"]?.string == "under-budget" })
            #expect(pick["why"]?.string?.contains("comfortable") == true, "\(pick)")
            let id = try #require(pick["hardware"]?.string)
            let site = try await F.shared.value
            #expect((site.catalog.device(id: id)?.memoryGiB ?? 0) >= 16)
            #expect((pick["price_usd"]?.number ?? 1e9) <= 600)
            F.expectError(try await F.call(c, .get, "/api/v1/guides?use=astrology"), 400, code: "invalid_parameter", parameter: "use")
            F.expectError(try await F.call(c, .get, "/api/v1/guides?use=coding&ctx=lots"), 400, code: "invalid_parameter", parameter: "ctx")
        }
        try await P.withClient { client in
            let page = try await P.get(client, "/guides/best-budget-gpu?budget=600&use=coding&ctx=32768")
            #expect(page.status == .ok)
            #expect(page.body.contains("The field, for coding") && page.body.contains("Best GPU under $600 for coding"))
            #expect(try await P.get(client, "/guides/best-budget-gpu?use=astrology").status == .badRequest)
        }
    }

    @Test("Benchmark requests: asked for on the page or the API, counted once per client, listed by demand, closed by the run that answers them")
    func benchmarkRequests() async throws {
        let site = try await F.site(adminToken: "mod-token")
        try await F.with(site) { c in
            let body = #"{"model": "qwen 3 32b", "quant": "Q4_K_M", "hardware": "RTX 5090"}"#
            let json: HTTPFields = [.contentType: "application/json"]
            let first = try await F.call(c, .post, "/api/v1/benchmark-requests", headers: json, body: body)
            #expect(first.status == .created)
            #expect(first.json?["model"]?.string == "qwen3-32b" && first.json?["votes"]?.int == 1)
            let again = try await F.call(c, .post, "/api/v1/benchmark-requests", headers: json, body: body)
            #expect(again.status == .ok && again.json?["votes"]?.int == 1, "the same client counts once")
            F.expectError(try await F.call(c, .post, "/api/v1/benchmark-requests", headers: json, body: #"{"model": "qwen 9 999b", "hardware": "RTX 5090"}"#),
                          400, code: "unknown_model", parameter: "model")
            F.expectError(try await F.call(c, .get, "/api/v1/benchmark-requests?status=maybe"), 400, code: "invalid_parameter", parameter: "status")
            let list = try await F.call(c, .get, "/api/v1/benchmark-requests")
            #expect(list.json?["items"]?.array?.first?["hardware"]?.string == "rtx-5090")
            // A published run of the tuple closes it.
            let run = try await site.store.submit(BenchmarkRun(model: "qwen3-32b", quant: "Q4_K_M", hardware: ["rtx-5090"], runtime: "llama.cpp", decodeTPS: 61.2))
            let approve = try await F.call(c, .post, "/api/v1/benchmarks/\(run.id!)/status", template: "/api/v1/benchmarks/{id}/status",
                                           headers: [.contentType: "application/json", .authorization: "Bearer mod-token"], body: #"{"status": "approved"}"#)
            #expect(approve.status == .ok)
            let closed = try await F.call(c, .get, "/api/v1/benchmark-requests?status=closed")
            #expect(closed.json?["items"]?.array?.first?["closed_by"]?.string == run.id)
        }
        let app = Application(router: buildRouter(site: site))
        try await app.test(.router) { client in
            let asked = try await P.post(client, "/benchmarks/request", form: [("model", "llama 3.1 8b"), ("quant", ""), ("hardware", "M4 Max 40-core 128GB")])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("Counted:") && asked.body.contains("(any quant)"))
            let bad = try await P.post(client, "/benchmarks/request", form: [("model", "llama 3.1 8b"), ("hardware", "quantum 9000")])
            #expect(bad.status == .badRequest)
            let page = try await client.execute(uri: "/benchmarks/request", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("Most wanted") && page.contains("Recently answered") && page.contains("Qwen3 32B"))
        }
    }

    @Test("Pillar guides: an AI PC build priced from the catalog within its budget, CUDA vs ROCm card against card, the best laptop")
    func pillarGuides() async throws {
        try await F.with { c in
            let b = try await F.call(c, .get, "/api/v1/guides/ai-pc-build?budget=2000")
            let total = try #require(b.json?["total_usd"]?.number)
            #expect(total <= 2000 && total > 1000)
            let parts = b.json?["parts"]?.array ?? []
            #expect(Set(parts.compactMap { $0["kind"]?.string }) == Set(PCPart.Kind.allCases.map(\.rawValue)))
            #expect(parts.allSatisfy { !($0["source"]?.string ?? "").isEmpty })
            let sum = parts.compactMap { $0["price_usd"]?.number }.reduce(b.json?["gpu_price_usd"]?.number ?? 0, +)
            #expect(abs(sum - total) < 0.01, "the total is the parts plus the GPU")
            let site = try await F.shared.value
            for budget in [2000, 6000] {
                let r = try await F.call(c, .get, "/api/v1/guides/ai-pc-build?budget=\(budget)")
                let tdp = site.catalog.device(id: r.json?["gpu"]?.string ?? "")?.tdpW ?? 0
                #expect((r.json?["psu_w"]?.number ?? 0) >= tdp + 300, "the power supply carries the card and the rest at $\(budget)")
            }
            let bigger = try await F.call(c, .get, "/api/v1/guides/ai-pc-build?budget=5000")
            #expect((bigger.json?["score"]?.int ?? 0) > (b.json?["score"]?.int ?? 0))
            F.expectError(try await F.call(c, .get, "/api/v1/guides/ai-pc-build?budget=5"), 400, code: "invalid_parameter", parameter: "budget")
            let cr = try await F.call(c, .get, "/api/v1/guides/cuda-vs-rocm")
            for pair in cr.json?["pairs"]?.array ?? [] {
                let n = try #require(site.catalog.device(id: pair["nvidia"]?.string ?? "")), a = try #require(site.catalog.device(id: pair["amd"]?.string ?? ""))
                #expect(n.memoryGiB == a.memoryGiB && n.backends.contains(.cuda) && a.backends.contains(.rocm))
            }
            #expect((cr.json?["pairs"]?.array?.count ?? 0) >= 2)
            let g = try await F.call(c, .get, "/api/v1/guides")
            let laptop = try #require(g.json?["picks"]?.array?.first { $0["guide"]?.string == "best-laptop" })
            #expect(site.catalog.device(id: laptop["hardware"]?.string ?? "")?.form == .laptop)
        }
        try await P.withClient { client in
            for path in ["/guides/ai-pc-build", "/guides/ai-pc-build?budget=3500", "/guides/cuda-vs-rocm", "/guides/best-laptop"] {
                let page = try await P.get(client, path)
                #expect(page.status == .ok, "\(path)")
            }
            #expect(try await P.get(client, "/guides/ai-pc-build").body.contains("Where each price comes from"))
            #expect(try await P.get(client, "/guides/ai-pc-build?budget=ten").status == .badRequest)
        }
    }

    @Test("The sitemap and menus list the new sections")
    func sitemapAndMenus() async throws {
        let site = try await P.site()
        try await P.withClient { client in
            let xml = try await P.get(client, "/sitemap.xml")
            let learn = site.content.learn.map { "/learn/\($0.slug)" }, stacks = site.content.stacks.map { "/stacks/\($0.slug)" }
            let systems = site.catalog.systems.map { "/systems/\($0.id)" }
            for path in ["/hardware-combos/dual-rtx-3090", "/start", "/pulse", "/digest", "/ecosystem", "/learn", "/stacks", "/systems"] + learn + stacks + systems {
                #expect(xml.body.contains("\(FeedPages.siteURL)\(path)</loc>"), "\(path)")
            }
            let home = try await P.get(client, "/")
            #expect(home.body.contains("href=\"/start\"") && home.body.contains("href=\"/pulse\""))
        }
    }
}
