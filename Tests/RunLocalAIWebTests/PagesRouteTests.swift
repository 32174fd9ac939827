import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RunLocalAIWeb
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Pages: routes, errors, escaping, links, feeds")
struct PagesRouteTests {
    typealias F = PagesFixture

    @Test func everyRouteAnswersWithItsContent() async throws {
        let cases: [(String, [String])] = [
            ("/", ["RunLocalAI", "Will this model run on my hardware", "Recent catalog changes", "name=\"model\""]),
            ("/will-it-run", ["<form", "name=\"hardware\""]),
            ("/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=8192",
             ["Runs comfortably", "Memory by device", "<svg", "llama-server", "What if", "GPU layers", "value=\"llama-3.1-8b\""]),
            ("/will-it-run?model=llama-3.3-70b&hardware=rtx-4090&ctx=8192&ram=128", ["layers on the GPU, the rest in system RAM", "System RAM"]),
            ("/will-it-run?model=llava-1.6-mistral-7b&hardware=rtx-3060-12gb&ctx=4096&images=1", ["vision"]),
            ("/will-it-run/custom", ["Custom build", "name=\"gpu\""]),
            ("/will-it-run/custom?gpu=rtx-3090&gpu=rtx-3060-12gb&ram=64&use=coding", ["Effective memory", "Recommended runtime"]),
            ("/models", ["Models", "Llama 3.1 8B"]),
            ("/models?kind=vision&sort=-params", ["vision"]),
            ("/models/llama-3.1-8b", ["Architecture", "Memory by quantisation and context", "Speed on common hardware", "<svg", "Run it yourself"]),
            // A VLM's parameter count is its language model's; the vision tower is named beside it.
            ("/models/gemma-3-4b", ["3.9B parameters in the language model, plus a 417M vision encoder", "3.88 B (language model)", "vision encoder"]),
            ("/hardware", ["Hardware", "RTX 3090", "Score"]),
            ("/hardware?kind=apple&sort=-memory", ["Apple"]),
            ("/hardware/rtx-3090", ["RunLocalAI Score", "Throughput", "Workloads", "70B chat", "What runs on it"]),
            ("/hardware/apple-m4-max-40c?memory=64", ["64 GB"]),
            ("/tools", ["llama.cpp", "Ollama", "CUDA"]),
            ("/tools/ollama", ["Ollama", "OS"]),
            ("/compare", ["Compare hardware"]),
            ("/compare?a=rtx-3090&b=rtx-4090&model=qwen2.5-32b", ["vs", "Decode tok/s", "<svg"]),
            ("/compare/models", ["Compare models"]),
            ("/compare/models?a=qwen2.5-14b&b=llama-3.1-8b&hardware=rtx-3060-12gb", ["Q4_K_M", "Parameters"]),
            ("/guides", ["Guides", "Best GPU"]),
            ("/guides/best-gpu", ["Why:"]), ("/guides/best-budget-gpu?budget=600", ["600"]), ("/guides/best-used-gpu", ["used"]),
            ("/guides/best-gpu-for-ollama", ["Ollama"]), ("/guides/best-gpu-for-vision", ["vision"]), ("/guides/best-mac", ["Apple"]),
            ("/guides/16-vs-24-gb", ["16 GB"]),
            ("/cost", ["Break-even", "months"]),
            ("/glossary", ["Glossary", "Attention"]),
            ("/glossary/attention", ["Also known as", "Definition", "Deeper dive", "Practical example", "Workflow example", "Related terms"]),
            ("/errors", ["Errors knowledge base", "CUDA out of memory"]),
            ("/errors/cuda-out-of-memory", ["What you see", "cudaMalloc failed", "<ol>", "Related"]),
            ("/diagnose", ["<textarea", "method=\"post\""]),
            ("/methodology", ["Methodology", "Evidence"]),
            ("/benchmarks", ["Benchmarks"]), ("/benchmarks/submit", ["Submit a benchmark", "decode_tps"]),
            ("/about", ["one engine"]), ("/trust", ["evidence"]), ("/editorial-policy", ["Editorial policy"]),
            ("/how-we-make-money", ["no affiliate links"]), ("/privacy", ["Privacy"]), ("/terms", ["CC-BY-4.0"]),
            ("/changelog", ["Changelog"]), ("/feedback", ["Send feedback"]), ("/public-api", ["/api/v1/will-it-run"]), ("/sitemap", ["Sitemap"]),
        ]
        try await F.withClient { client in
            for (uri, needles) in cases {
                let page = try await F.get(client, uri)
                #expect(page.status == .ok, "\(uri) → \(page.status)")
                #expect(page.contentType == "text/html; charset=utf-8", "\(uri)")
                #expect(page.body.hasPrefix("<!doctype html>"), "\(uri)")
                for n in needles { let found = page.body.contains(n); #expect(found, "\(uri) should contain \(n)") }
            }
        }
    }

    @Test func badParametersAre400WithAMessage() async throws {
        let cases: [(String, HTTPResponse.Status, [String])] = [
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&ctx=lots", .badRequest, ["context &#39;lots&#39;"]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&images=-1", .badRequest, ["images"]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&fa=maybe", .badRequest, ["fa"]),
            ("/will-it-run?model=lama+3.1+8b+instruct+xx&hardware=rtx-3060-12gb", .badRequest, ["unknown model", "Did you mean"]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx+9999", .badRequest, ["unknown hardware", "Did you mean", "hardware="]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&quant=Q4_K_Z", .badRequest, ["quantisation", "Q4_K_M"]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&images=1", .badRequest, ["takes no images"]),
            ("/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&kv=q5_k", .badRequest, ["KV cache"]),
            ("/will-it-run/custom?gpu=rtx-3090&ram=abc", .badRequest, ["RAM"]),
            ("/will-it-run/custom?gpu=apple-m4-max-40c&gpu=rtx-3090", .badRequest, ["cannot be combined"]),
            ("/compare?a=rtx-3090&b=nope-gpu", .badRequest, ["unknown hardware"]),
            ("/compare/models?a=nope-model&b=llama-3.1-8b", .badRequest, ["unknown model"]),
            ("/guides/best-budget-gpu?budget=cheap", .badRequest, ["budget"]),
            ("/cost?hours=abc", .badRequest, ["numbers"]),
            ("/models/llama-3.1-8b?hardware=nope", .badRequest, ["unknown hardware"]),
            ("/models/no-such-model", .notFound, ["Not found"]),
            ("/hardware/no-such-card", .notFound, ["Not found"]),
            ("/glossary/no-such-term", .notFound, ["Not found"]),
            ("/errors/no-such-error", .notFound, ["Not found"]),
            ("/guides/no-such-guide", .notFound, ["Best GPU"]),
            ("/tools/no-such-tool", .notFound, ["Not found"]),
            ("/benchmarks/999999", .notFound, ["Not found"]),
        ]
        try await F.withClient { client in
            for (uri, status, needles) in cases {
                let page = try await F.get(client, uri)
                #expect(page.status == status, "\(uri) → \(page.status)")
                #expect(page.contentType == "text/html; charset=utf-8", "\(uri)")
                for n in needles { let found = page.body.contains(n); #expect(found, "\(uri) should contain \(n)") }
            }
        }
    }

    @Test func userInputIsAlwaysEscaped() async throws {
        let evil = "<script>alert(1)</script>\"'"
        let e = F.formEncode(evil)
        let uris = [
            "/will-it-run?model=\(e)&hardware=rtx-3060-12gb", "/will-it-run?model=llama-3.1-8b&hardware=\(e)",
            "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&quant=\(e)", "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&ctx=\(e)",
            "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&images=\(e)", "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&runtime=\(e)",
            "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&kv=\(e)", "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&fa=\(e)",
            "/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&ram=\(e)", "/will-it-run?model=\(e)",
            "/will-it-run/custom?gpu=\(e)", "/will-it-run/custom?gpu=rtx-3090&ram=\(e)", "/will-it-run/custom?gpu=rtx-3090&os=\(e)",
            "/will-it-run/custom?gpu=rtx-3090&use=\(e)", "/will-it-run/custom?gpu=rtx-3090&runtime=\(e)", "/will-it-run/custom?gpu=rtx-3090&ctx=\(e)",
            "/models?q=\(e)&family=\(e)&use=\(e)&kind=\(e)&max_params=\(e)&sort=\(e)", "/models/\(e)", "/models/llama-3.1-8b?hardware=\(e)",
            "/models/llama-3.1-8b?quant=\(e)", "/hardware?q=\(e)&kind=\(e)&vendor=\(e)&min_memory=\(e)&max_price=\(e)&sort=\(e)",
            "/hardware/\(e)", "/hardware/rtx-3090?use=\(e)&memory=\(e)", "/tools/\(e)", "/compare?a=\(e)&b=rtx-3090", "/compare?a=rtx-3090&b=rtx-4090&model=\(e)",
            "/compare?a=rtx-3090&b=rtx-4090&ctx=\(e)", "/compare/models?a=\(e)&b=llama-3.1-8b", "/compare/models?a=qwen2.5-14b&b=llama-3.1-8b&hardware=\(e)",
            "/guides/\(e)", "/guides/best-budget-gpu?budget=\(e)", "/cost?hardware=\(e)", "/cost?model=\(e)", "/cost?hours=\(e)",
            "/glossary?q=\(e)", "/glossary/\(e)", "/errors/\(e)", "/benchmarks?model=\(e)&hardware=\(e)&quant=\(e)&runtime=\(e)&status=\(e)&sort=\(e)",
            "/benchmarks/\(e)", "/feedback?page=\(e)",
        ]
        try await F.withClient { client in
            for uri in uris {
                let page = try await F.get(client, uri)
                #expect(page.status.code < 500, "\(uri) → \(page.status)")
                let raw = page.body.contains("<script>alert(1)"), quote = page.body.contains("\"'")
                #expect(!raw, "\(uri) echoes raw markup")
                #expect(!quote, "\(uri) echoes a raw quote")
            }
            for (path, fields) in [("/diagnose", [("log", evil)]), ("/feedback", [("page", evil), ("message", ""), ("contact", evil)]),
                                   ("/benchmarks/submit", [("model", evil), ("hardware", evil), ("quant", evil), ("decode_tps", evil), ("command", evil)])] {
                let page = try await F.post(client, path, form: fields)
                #expect(page.status.code < 500, "POST \(path) → \(page.status)")
                let raw = page.body.contains("<script>alert(1)"), escaped = page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;")
                #expect(!raw, "POST \(path) echoes raw markup")
                #expect(escaped, "POST \(path) shows the escaped text")
            }
        }
    }

    /// Every internal link reachable from the home page answers 200: every page without a query string, and
    /// up to 15 links with a query string per page template (what-if links, filters, sort orders).
    @Test func noDeadInternalLinks() async throws {
        try await F.withClient { client in
            var queue = ["/"]
            var seen: Set<String> = ["/"]
            var queried: [String: Int] = [:]
            var fetched = 0
            while !queue.isEmpty {
                let uri = queue.removeFirst()
                let page = try await F.get(client, uri)
                fetched += 1
                #expect(page.status == .ok, "\(uri) → \(page.status)")
                guard page.contentType.hasPrefix("text/html") else { continue }
                for link in F.internalLinks(page.body) where !seen.contains(link) {
                    seen.insert(link)
                    guard let q = link.firstIndex(of: "?") else { queue.append(link); continue }
                    let parts = link[..<q].split(separator: "/")
                    let template = parts.count >= 2 ? parts.dropLast().joined(separator: "/") + "/*" : String(link[..<q])
                    queried[template, default: 0] += 1
                    if queried[template]! <= 15 { queue.append(link) }
                }
            }
            let site = try await F.site()
            #expect(fetched > site.catalog.models.count + site.catalog.hardware.count + site.content.glossary.count)
        }
    }

    @Test func sitemapListsEveryPage() async throws {
        let site = try await F.site()
        try await F.withClient { client in
            let xml = try await F.get(client, "/sitemap.xml")
            #expect(xml.status == .ok)
            #expect(xml.contentType.hasPrefix("application/xml"))
            #expect(F.isWellFormedXML(xml.body))
            for m in site.catalog.models { let ok = xml.body.contains("/models/\(m.id)</loc>"); #expect(ok, "\(m.id)") }
            for h in site.catalog.hardware { let ok = xml.body.contains("/hardware/\(h.id)</loc>"); #expect(ok, "\(h.id)") }
            for t in site.content.glossary { let ok = xml.body.contains("/glossary/\(t.slug)</loc>"); #expect(ok, "\(t.slug)") }
            for e in site.content.errors { let ok = xml.body.contains("/errors/\(e.slug)</loc>"); #expect(ok, "\(e.slug)") }
            for p in ["/will-it-run</loc>", "/methodology</loc>", "/guides/best-gpu</loc>", "/privacy</loc>"] { let ok = xml.body.contains(p); #expect(ok, "\(p)") }
            // The pages the sitemap lists answer 200 (detail pages: the crawl fetches every one).
            let paths = xml.body.components(separatedBy: "<loc>").dropFirst().compactMap { $0.components(separatedBy: "</loc>").first }
                .map { $0.replacingOccurrences(of: FeedPages.siteURL, with: "") }
            #expect(paths.count > site.catalog.models.count + site.catalog.hardware.count)
            for path in paths where !path.hasPrefix("/models/") && !path.hasPrefix("/hardware/") && !path.hasPrefix("/glossary/") {
                let page = try await F.get(client, path)
                #expect(page.status == .ok, "\(path) → \(page.status)")
            }
        }
    }

    @Test("The HTML sitemap lists every guide under Guides (the menus link them too; they are not counted twice)")
    func sitemapPageListsTheGuides() async throws {
        try await F.withClient { client in
            let page = try await F.get(client, "/sitemap")
            #expect(page.status == .ok)
            #expect(page.body.contains("Guides <span class=\"kicker\">\(GuidePages.guides.count)</span>"), "\(page.body.prefix(3000))")
            for g in GuidePages.guides {
                #expect(page.body.components(separatedBy: "href=\"/guides/\(g.slug)\"").count - 1 >= 1, "\(g.slug)")
            }
        }
    }

    @Test func atomFeedParses() async throws {
        try await F.withClient { client in
            let feed = try await F.get(client, "/feed.xml")
            #expect(feed.status == .ok)
            #expect(feed.contentType.hasPrefix("application/atom+xml"))
            let parser = XMLParser(data: Data(feed.body.utf8))
            let collector = AtomCollector()
            parser.delegate = collector
            #expect(parser.parse())
            #expect(collector.entries > 10)
            do { let ok = feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"); #expect(ok, "missing \("<feed xmlns=\"http://www.w3.org/2005/Atom\">")") }
            // Newest first.
            let dates = feed.body.components(separatedBy: "<updated>").dropFirst(2).compactMap { $0.components(separatedBy: "</updated>").first }
            #expect(dates == dates.sorted(by: >))
        }
    }

    @Test func submittingABenchmarkShowsItPending() async throws {
        try await F.withClient { client in
            let page = try await F.post(client, "/benchmarks/submit", form: [
                ("model", "llama 3.1 8b"), ("quant", "Q4_K_M"), ("hardware", "RTX 3090"), ("count", "1"), ("runtime", "llama.cpp"),
                ("context", "4096"), ("decode_tps", "112.5"), ("prefill_tps", "4100"), ("submitter", "tester"),
            ])
            #expect(page.status == .ok)
            do { let ok = page.body.contains("pending review"); #expect(ok, "missing \("pending review")") }
            let id = page.body.components(separatedBy: "href=\"/benchmarks/").dropFirst().first?.components(separatedBy: "\"").first ?? ""
            #expect(!id.isEmpty)
            let detail = try await F.get(client, "/benchmarks/\(id)")
            #expect(detail.status == .ok)
            do { let ok = detail.body.contains("112"); #expect(ok, "missing \("112")") }
            do { let ok = detail.body.contains("Reproduction cohort"); #expect(ok, "missing \("Reproduction cohort")") }
            // Pending runs are private: the submitter's link (with its key) shows the run; the bare id and the pending list do not.
            #expect(id.contains("?key="))
            let bare = String(id.split(separator: "?").first ?? "")
            #expect(try await F.get(client, "/benchmarks/\(bare)").status == .notFound)
            #expect(try await F.get(client, "/benchmarks?status=pending").status == .forbidden)
            let bad = try await F.post(client, "/benchmarks/submit", form: [("model", "nope"), ("hardware", "RTX 3090"), ("decode_tps", "x")])
            #expect(bad.status == .badRequest)
            do { let ok = bad.body.contains("unknown model"); #expect(ok, "missing \("unknown model")") }
        }
    }

    @Test func diagnoseFindsTheArticle() async throws {
        try await F.withClient { client in
            let log = "llama_model_load: loading\nggml_backend_cuda_buffer_type_alloc_buffer: allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory\n"
            let page = try await F.post(client, "/diagnose", form: [("log", log)])
            #expect(page.status == .ok)
            do { let ok = page.body.contains("/errors/cuda-out-of-memory"); #expect(ok, "missing \("/errors/cuda-out-of-memory")") }
            do { let ok = page.body.contains("Most likely"); #expect(ok, "missing \("Most likely")") }
            let none = try await F.post(client, "/diagnose", form: [("log", "all good here")])
            do { let ok = none.body.contains("No known error"); #expect(ok, "missing \("No known error")") }
        }
    }

    @Test func feedbackIsStored() async throws {
        try await F.withClient { client in
            let page = try await F.post(client, "/feedback", form: [("page", "/hardware/rtx-3090"), ("message", "price is old")])
            #expect(page.status == .ok)
            do { let ok = page.body.contains("received"); #expect(ok, "missing \("received")") }
            let empty = try await F.post(client, "/feedback", form: [("page", "/")])
            #expect(empty.status == .badRequest)
        }
        let stored = try await F.site().store.feedback(limit: 10)
        #expect(stored.contains { $0.message == "price is old" })
    }

    @Test("A question with no quantisation reads the same on the will-it-run page (whose form keeps 'auto'), compare, cost and the API: gpt-oss-120b in MXFP4, the one format it ships in, and no smaller quantisation is offered that its repository does not publish")
    func modelsOwnQuantisationOnEveryPage() async throws {
        try await F.withClient { client in
            let page = try await F.get(client, "/will-it-run?model=gpt-oss-120b&hardware=dgx-spark&ctx=8192")
            #expect(page.status == .ok)
            #expect(page.body.contains("gpt-oss-120b MXFP4"))
            #expect(page.body.contains(#"<option value="" selected>auto</option>"#))
            let links = F.internalLinks(page.body).filter { $0.hasPrefix("/will-it-run?") }
            #expect(!links.contains { $0.contains("quant=Q3_K_M") || $0.contains("quant=IQ4_XS") || $0.contains("quant=Q2_K") })
            let api = try #require(try await OneAnswerFixture.api(client, key: "model=gpt-oss-120b&hardware=dgx-spark&ctx=8192"))
            #expect(api.1.quant == "MXFP4")
            let auto = try #require(try await OneAnswerFixture.api(client, key: "model=gpt-oss-120b&quant=auto&hardware=dgx-spark&ctx=8192"))
            #expect(auto.1.quant == "MXFP4")
            let compare = try await F.get(client, "/compare?a=dgx-spark&b=rtx-4090&model=gpt-oss-120b")
            #expect(compare.status == .ok && compare.body.contains("gpt-oss-120b MXFP4"))
            let cost = try await F.get(client, "/cost?hardware=dgx-spark&model=gpt-oss-120b")
            #expect(cost.status == .ok && cost.body.contains("gpt-oss-120b MXFP4"))
        }
    }

    @Test func whatIfLinksCarryTheWholeState() async throws {
        try await F.withClient { client in
            let page = try await F.get(client, "/will-it-run?model=llama-3.3-70b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192&runtime=ollama")
            #expect(page.status == .ok)
            let links = F.internalLinks(page.body).filter { $0.hasPrefix("/will-it-run?") }
            #expect(links.contains { $0.contains("quant=IQ4_XS") && $0.contains("runtime=ollama") && $0.contains("ctx=8192") })
            #expect(links.contains { $0.contains("ctx=4096") && $0.contains("quant=Q4_K_M") })
            #expect(links.contains { $0.contains("hardware=") && !$0.contains("hardware=rtx-4090&") && $0.contains("model=llama-3.3-70b") })
            for l in links.prefix(6) {
                let alt = try await F.get(client, l)
                #expect(alt.status == .ok, "\(l)")
            }
        }
    }
}
