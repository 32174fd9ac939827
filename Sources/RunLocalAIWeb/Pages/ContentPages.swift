import Foundation
import Hummingbird
import RunLocalAICore

/// Written content: glossary, errors KB, the log diagnosis, and the methodology (generated from the engine).
enum ContentPages {
    static func relatedLink(_ slug: String, _ content: SiteContent) -> HTML? {
        if let t = content.term(slug) { return a(href: "/glossary/\(URLs.segment(t.slug))") { t.term } }
        if let e = content.error(slug) { return a(href: "/errors/\(URLs.segment(e.slug))") { e.title } }
        return nil
    }

    // MARK: Glossary

    static func glossary(_ q: Params, engine: PageEngine) -> HTMLResponse {
        let all = engine.site.content.glossary
        let text = q["q"]?.lowercased()
        let terms = all.filter { t in text.map { x in t.term.lowercased().contains(x) || t.alsoKnownAs.contains { $0.lowercased().contains(x) } } ?? true }
        let categories = Dictionary(grouping: terms, by: \.category).sorted { $0.key < $1.key }
        return Layout.page(title: "Glossary", description: "Local-AI terms with worked examples from the engine.", path: "/glossary", crumbs: [("Glossary", nil)]) {
            h1 { "Glossary" }
            p(.class("lede")) { "\(all.count) terms in \(Set(all.map(\.category)).count) categories, each with a definition, a deeper dive, a practical example and a workflow." }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/glossary")], HTML {
                label { "Find a term"; input(.name("q"), .type("search"), .value(q["q"] ?? ""), Attr("placeholder", "kv cache")) }
                div { button(.type("submit")) { "Search" } }
            })
            if terms.isEmpty { p { "No term matches \u{201C}"; q["q"] ?? ""; "\u{201D}." } }
            nav(.class("small"), Attr("aria-label", "Categories")) {
                HTML.join(categories.map { c in a(href: "#\(Markdown.slug(c.key))") { c.key } }, separator: " · ")
            }
            for (cat, ts) in categories {
                h2(.id(Markdown.slug(cat))) { cat; " "; span(.class("kicker")) { String(ts.count) } }
                ul(.class("cols")) {
                    for t in ts.sorted(by: { $0.term.lowercased() < $1.term.lowercased() }) { li { a(href: "/glossary/\(URLs.segment(t.slug))") { t.term } } }
                }
            }
        }
    }

    static func term(_ slug: String, engine: PageEngine) -> HTMLResponse {
        let content = engine.site.content
        guard let t = content.term(slug) else {
            let close = content.glossary.filter { $0.slug.contains(slug.prefix(4)) || slug.contains($0.slug) }.prefix(6)
            return UI.notFound("glossary term '\(slug)'", path: "/glossary/\(slug)", suggestions: close.map { ($0.term, "/glossary/\($0.slug)") })
        }
        let order = ["Definition", "Deeper dive", "Practical example", "Workflow example"]
        let sections = t.sections.sorted { (order.firstIndex(of: $0.heading) ?? 99) < (order.firstIndex(of: $1.heading) ?? 99) }
        let related = t.related.compactMap { relatedLink($0, content) }
        let errorsLinked = content.errors.filter { $0.related.contains(t.slug) }.prefix(4)
        return Layout.page(title: t.term, description: t.sections.first.map { String($0.markdown.prefix(160)) }, path: "/glossary/\(t.slug)",
                           crumbs: [("Glossary", "/glossary"), (t.category, "/glossary#\(Markdown.slug(t.category))"), (t.term, nil)]) {
            article(.class("prose")) {
                p(.class("kicker")) { t.category }
                h1 { t.term }
                if !t.alsoKnownAs.isEmpty { p(.class("muted")) { "Also known as: "; t.alsoKnownAs.joined(separator: ", ") } }
                for s in sections {
                    h2(.id(Markdown.slug(s.heading))) { s.heading }
                    Markdown.render(s.markdown, headingOffset: 2)
                }
                if !related.isEmpty {
                    h2 { "Related terms" }
                    ul(.class("whatif")) { for r in related { li { r } } }
                }
                if !errorsLinked.isEmpty {
                    h2 { "When it doesn't work" }
                    ul { for e in errorsLinked { li { a(href: "/errors/\(URLs.segment(e.slug))") { e.title } } } }
                }
                h2 { "Buyer guides" }
                ul { li { a(href: "/guides/best-gpu") { "Best GPU for local AI" } }; li { a(href: "/guides/best-mac") { "Best Mac for local AI" } }
                     li { a(href: "/guides/16-vs-24-gb") { "16 GB vs 24 GB" } } }
                p(.class("small muted")) {
                    t.reviewed.map { "Reviewed \($0). " } ?? ""
                    if !t.sources.isEmpty { "Sources: "; t.sources.joined(separator: "; "); ". " }
                    "Figures in examples come from the engine. See our "; a(href: "/editorial-policy") { "editorial policy" }; "."
                }
            }
        }
    }

    // MARK: Errors KB

    static func errors(_ engine: PageEngine) -> HTMLResponse {
        let all = engine.site.content.errors
        let categories = Dictionary(grouping: all, by: \.category).sorted { $0.key < $1.key }
        return Layout.page(title: "Errors KB", description: "Error messages from local-AI runtimes: cause and numbered fix.", path: "/errors", crumbs: [("Errors KB", nil)]) {
            h1 { "Errors knowledge base" }
            p(.class("lede")) { "\(all.count) errors with the literal text you see, why it happens, and a numbered fix. Have a log? "; a(href: "/diagnose") { "Paste it here" }; "." }
            for (cat, es) in categories {
                h2(.id(Markdown.slug(cat))) { cat }
                UI.table([("Error", false), ("Looks like", false)], stackOnPhone: true) {
                    for e in es {
                        tr { td(.class("nowrap")) { a(href: "/errors/\(URLs.segment(e.slug))") { e.title } }; td { code { e.errorText.first ?? "" } } }
                    }
                }
            }
        }
    }

    static func errorArticle(_ slug: String, engine: PageEngine) -> HTMLResponse {
        let content = engine.site.content
        guard let e = content.error(slug) else {
            let close = content.errors.filter { $0.slug.contains(slug.prefix(4)) || slug.contains($0.slug) }.prefix(6)
            return UI.notFound("error article '\(slug)'", path: "/errors/\(slug)", suggestions: close.map { ($0.title, "/errors/\($0.slug)") })
        }
        let related = e.related.compactMap { relatedLink($0, content) }
        return Layout.page(title: e.title, description: "\(e.title): the error text, why it happens and how to fix it.", path: "/errors/\(e.slug)",
                           crumbs: [("Errors KB", "/errors"), (e.category, "/errors#\(Markdown.slug(e.category))"), (e.title, nil)]) {
            article(.class("prose")) {
                p(.class("kicker")) { e.category }
                h1 { e.title }
                p(.class("small muted")) { "What you see:" }
                for t in e.errorText { div(.class("errtext")) { t } }
                for s in e.sections {
                    h2(.id(Markdown.slug(s.heading))) { s.heading }
                    Markdown.render(s.markdown, headingOffset: 2)
                }
                if !related.isEmpty {
                    h2 { "Related" }
                    ul(.class("whatif")) { for r in related { li { r } } }
                }
                p(.class("small muted")) {
                    e.verified.map { "Verified \($0). " } ?? ""
                    if !e.sources.isEmpty { "Sources: "; e.sources.joined(separator: "; "); "." }
                }
            }
        }
    }

    // MARK: Diagnose

    static func diagnose(log: String?, engine: PageEngine) -> HTMLResponse {
        let matches = log.map { LogDiagnosis.diagnose($0, articles: engine.site.content.errors) }
        let subject = log.map { LogDiagnosis.subject(of: $0, catalog: engine.catalog) } ?? LogDiagnosis.LogSubject()
        return Layout.page(title: "Troubleshooting", description: "Paste a runtime log and get the matching fixes.", path: "/diagnose",
                           crumbs: [("Troubleshooting", nil)]) {
            h1 { "Troubleshooting" }
            p(.class("lede")) { "Paste the output of llama.cpp, Ollama, LM Studio or vLLM. It is matched against the errors knowledge base on the server and not stored." }
            HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/diagnose")], HTML {
                label(Attr("for", "log")) { "Log" }
                HTML.element("textarea", [.id("log"), .name("log"), Attr("rows", "12"), Attr("spellcheck", "false"),
                                          Attr("placeholder", "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory")],
                             HTML(text: log ?? ""))
                p(Attr("style", "margin:10px 0 0")) { button(.type("submit")) { "Diagnose" } }
            })
            if let matches {
                if matches.isEmpty {
                    div(.class("notice")) { p { "No known error found in that log. Browse the "; a(href: "/errors") { "errors KB" }; " or "; a(href: "/feedback?page=/diagnose") { "send it to us" }; "." } }
                } else {
                    h2 { "\(matches.count) match\(matches.count == 1 ? "" : "es")" }
                    for (i, m) in matches.prefix(8).enumerated() {
                        section(.class("panel")) {
                            p(.class("kicker")) { i == 0 ? "Most likely" : "Also matches" }
                            h3(Attr("style", "margin-top:2px")) { a(href: "/errors/\(URLs.segment(m.article.slug))") { m.article.title } }
                            for l in m.lines { div(.class("errtext")) { "line \(l.number): "; l.text } }
                            let fix = LogDiagnosis.fix(m.article, for: subject)
                            if !fix.isEmpty {
                                details { summary { "The fix" }; div(.class("prose")) { Markdown.render(fix, headingOffset: 2) } }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Methodology

    static func methodology(_ engine: PageEngine) -> HTMLResponse {
        let md = Methodology.markdown(calibration: engine.site.calibration, catalog: engine.catalog)
        // The first line is the page title.
        let body = md.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return Layout.page(title: "Methodology", description: "The engine's equations and constants, generated from its code.", path: "/methodology",
                           crumbs: [("Methodology", nil)]) {
            article(.class("prose")) {
                h1 { "Methodology" }
                Markdown.render(body.count > 1 ? String(body[1]) : md)
                if engine.site.calibration == nil {
                    h2 { "Calibration" }
                    p { "This server was started without the published benchmark tables, so the calibration report is not shown here; it is in the repository's "
                        code { "docs/methodology.md" }; ", regenerated by "; code { "runlocalai methodology" }; " from "; code { "runlocalai calibrate" }; "." }
                }
                h2 { "RunLocalAI Score" }
                p { "0–1000: throughput (0–500) from the 7B/14B/32B/70B chat workloads' decode against reference speeds; memory fit (0–200) from every workload chip "
                    "(comfortable 1, tight 0.6, marginal 0.25, doesn't fit 0); ecosystem (0–200) from the best backend; efficiency (0–100) from tokens per joule on 7B chat; "
                    "all times the evidence's confidence multiplier." }
            }
        }
    }
}
