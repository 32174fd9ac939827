import Foundation
import Hummingbird
import RunLocalAICore
import RunLocalAIStore

/// The short editorial and legal pages, the feedback form, and the public API's overview.
enum EditorialPages {
    static let slugs = ["about", "trust", "editorial-policy", "how-we-make-money", "privacy", "terms", "changelog"]

    static let texts: [String: (title: String, markdown: String)] = [
        "about": ("About", """
        RunLocalAI answers one question well: **will this model run on my hardware, and how fast?**

        Every figure — on a page, in the CLI (`runlocalai will-it-run`), in the [public API](/public-api) — comes from one engine. It
        builds the model's tensors the way llama.cpp names and quantises them, places layers the way llama.cpp's `--fit` does, and
        estimates speed from memory bandwidth and arithmetic with efficiencies fitted on published runs. Because there is one
        engine, a glossary example, a hardware chip and a will-it-run answer cannot disagree.

        The catalog (models, hardware, runtimes) is reviewed data with a source for every entry. The [methodology](/methodology)
        is generated from the code. Measured [benchmarks](/benchmarks) replace estimates as they arrive, and every speed says
        which it is.
        """),
        "trust": ("Trust", """
        What you can check, and how:

        - **Every speed carries its evidence**: measured (M), measured-near (M~), community (C), extrapolated (~) or estimated (E).
          Until a run is stored for a pair, the figure is an estimate, and it says so.
        - **Ranges, not false precision**: each estimate has a low–high band sized from the calibration error.
        - **Reproducible**: every answer comes with the llama.cpp, Ollama and LM Studio commands that produce it.
        - **One engine**: the CLI, the pages and the API call the same code; a test regenerates the methodology from it.
        - **Benchmarks have a lifecycle**: queued → approved → reproduced → independently reproduced; runs older than 18 months are
          marked stale; a reproduction more than 20% off asks for a re-run.
        - **Corrections**: [send feedback](/feedback) on any page; fixes land in the [changelog](/changelog).
        """),
        "editorial-policy": ("Editorial policy", """
        1. **Figures come from the engine or from measurements**, never typed into prose. Glossary and error articles write
           figures as placeholders the engine fills when the site starts; a placeholder the engine rejects stops the build.
        2. **Sources are cited** for every catalog entry (vendor specifications, model cards, llama.cpp source).
        3. **Picks are computed**, not negotiated: guides rank by the RunLocalAI Score and the catalog's prices, and show the
           figures behind each pick.
        4. **No sponsored placement.** Vendors cannot pay to change a verdict, a Score or a ranking.
        5. **Corrections are public**: errors are fixed in the catalog or the code and noted in the [changelog](/changelog).
        """),
        "how-we-make-money": ("How we make money", """
        Today: we don't. There are **no affiliate links, no ads and no sponsored placements** on this site.

        If that changes, this page will say exactly how before it happens, and the [editorial policy](/editorial-policy) still
        holds: money never changes a verdict, a Score or a ranking.
        """),
        "privacy": ("Privacy", """
        - Pages are served without cookies, trackers or third-party scripts.
        - A log pasted into [troubleshooting](/diagnose) is matched in memory and not stored.
        - A [benchmark submission](/benchmarks/submit) stores what you enter (and the name you give, if any) so it can be reviewed
          and published.
        - [Feedback](/feedback) stores your message, the page it is about and the contact you give, if any; it is read by the editors
          and not published.
        - Server logs keep the request line and time for operating the service, for up to 30 days.
        """),
        "terms": ("Terms", """
        - Figures are estimates unless labelled measured; use them to decide, and verify on your own hardware before relying on them.
        - The catalog and benchmark data are licensed **CC-BY-4.0**: reuse them with attribution to RunLocalAI.
        - Submissions must be your own measurements; by submitting you license them under CC-BY-4.0.
        - The service is provided as is, without warranty.
        """),
    ]

    static func render(_ slug: String, engine: PageEngine) -> HTMLResponse {
        if slug == "changelog" { return changelog(engine) }
        let t = texts[slug] ?? ("", "")
        return Layout.page(title: t.title, path: "/" + slug, crumbs: [(t.title, nil)]) {
            article(.class("prose")) { h1 { t.title }; Markdown.render(t.markdown) }
        }
    }

    static func changelog(_ engine: PageEngine) -> HTMLResponse {
        let entries = CatalogChanges.entries(engine.catalog)
        let byYear = Dictionary(grouping: entries, by: { String($0.date.prefix(4)) }).sorted { $0.key > $1.key }
        return Layout.page(title: "Changelog", path: "/changelog", crumbs: [("Changelog", nil)]) {
            h1 { "Changelog" }
            p(.class("lede")) { "Catalog entries by release date, newest first. Also as an "; a(href: "/feed.xml") { "Atom feed" }; "." }
            for (year, es) in byYear.prefix(4) {
                h2 { year }
                UI.table([("Date", true), ("Entry", false), ("Kind", false), ("Summary", false)]) {
                    for e in es {
                        tr { td(.class("num")) { e.date }; td { a(href: e.path) { e.title } }; td(.class("muted")) { e.kind }; td(.class("small")) { e.summary } }
                    }
                }
            }
        }
    }

    static func publicAPI(_ engine: PageEngine) -> HTMLResponse {
        let endpoints: [(String, String, String)] = [
            ("GET", "/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3060-12gb&ctx=8192", "the will-it-run answer (memory by device, fit, speed, commands)"),
            ("GET", "/api/v1/will-it-run/custom?hardware=rtx-3090&hardware=rtx-3060-12gb&ram=64", "a custom build: effective memory, runtime, models"),
            ("GET", "/api/v1/models", "the models"), ("GET", "/api/v1/models/llama-3.1-8b", "one model"),
            ("GET", "/api/v1/hardware", "the hardware with Score"), ("GET", "/api/v1/hardware/rtx-4090", "one device with chips and Score"),
            ("GET", "/api/v1/runtimes", "the runtimes"), ("GET", "/api/v1/glossary", "glossary terms"), ("GET", "/api/v1/errors", "errors KB"),
            ("POST", "/api/v1/diagnose", "match a log against the errors KB"), ("GET", "/api/v1/compare?model=llama-3.1-8b&hardware=rtx-3090&hardware=rtx-4090", "one model on two devices, or two models on one"),
            ("GET", "/api/v1/guides", "the guides' picks"), ("GET", "/api/v1/cost?hardware=rtx-3090", "cost vs cloud"),
            ("GET", "/api/v1/benchmarks", "stored runs"), ("POST", "/api/v1/benchmarks", "submit a run (pending review)"),
            ("POST", "/api/v1/feedback", "send feedback"), ("GET", "/api/v1/openapi.json", "the OpenAPI description"),
        ]
        return Layout.page(title: "Public API", description: "The JSON API: the same engine as the site.", path: "/public-api", crumbs: [("Public API", nil)]) {
            h1 { "Public API" }
            p(.class("lede")) { "JSON over HTTP, the same engine as these pages and the CLI. Data CC-BY-4.0. No key needed; POSTs are rate-limited." }
            UI.table([("Method", false), ("Path", false), ("Returns", false)]) {
                for (m, path, what) in endpoints {
                    tr { td(.class("mono")) { m }
                         td { if m == "GET" { a(href: path) { code { path } } } else { code { path } } }
                         td { what } }
                }
            }
            h2 { "Example" }
            pre { code { "curl -s 'http://127.0.0.1:8080/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=8192' | jq .fit" } }
            p(.class("small muted")) { "Errors are JSON with a message and, for unknown names, the closest candidates. Responses carry an ETag that changes when the catalog does." }
        }
    }

    // MARK: Feedback

    static func feedbackForm(page: String?, sent: Bool, problems: [String] = [], message: String? = nil, contact: String? = nil,
                             status: HTTPResponse.Status = .ok, engine: PageEngine) -> HTMLResponse {
        Layout.page(title: "Send feedback", path: "/feedback", crumbs: [("Send feedback", nil)], status: status) {
            h1 { "Send feedback" }
            if sent {
                div(.class("notice ok")) { p { "Thanks — received. Corrections land in the "; a(href: "/changelog") { "changelog" }; "." } }
            } else {
                p(.class("lede")) { "A wrong figure, a missing card, a confusing page: tell us. Include the page and what you expected." }
            }
            if !problems.isEmpty { div(.class("notice bad")) { ul { for x in problems { li { x } } } } }
            HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/feedback")], HTML {
                div(.class("fields")) {
                    label(.class("wide")) { "Page"; input(.name("page"), .type("text"), .value(page ?? ""), Attr("placeholder", "/hardware/rtx-3090")) }
                    label(.class("wide")) { "Contact (optional)"; input(.name("contact"), .type("text"), .value(contact ?? ""), Attr("placeholder", "email or handle")) }
                }
                label(Attr("style", "margin-top:10px")) { "Message"
                    HTML.element("textarea", [.name("message"), Attr("rows", "6"), Attr("required", nil)], HTML(text: message ?? "")) }
                p(Attr("style", "margin:10px 0 0")) { button(.type("submit")) { "Send" } }
            })
        }
    }

    static func sendFeedback(_ f: Params, engine: PageEngine) async throws -> HTMLResponse {
        let message = f["message"] ?? ""
        let page = f["page"] ?? "/"
        var problems: [String] = []
        if message.isEmpty { problems.append("message: write what is wrong or missing") }
        // Limits in UTF-8 bytes, as the store counts them (9,000 × "é" is 18,000 bytes).
        if message.utf8.count > StoreLimits.feedbackMessageBytes { problems.append("message: at most \(StoreLimits.feedbackMessageBytes / 1024) KiB of text (about 10,000 characters)") }
        if page.count > 500 || page.utf8.count > StoreLimits.longTextBytes { problems.append("page: at most 500 characters") }
        if (f["contact"]?.utf8.count ?? 0) > 200 { problems.append("contact: at most 200 characters") }
        if [message, page, f["contact"] ?? ""].contains(where: { $0.utf8.contains(0) }) { problems.append("NUL characters are not accepted") }
        guard problems.isEmpty else {
            return feedbackForm(page: page, sent: false, problems: problems, message: message, contact: f["contact"], status: .badRequest, engine: engine)
        }
        _ = try await engine.site.store.addFeedback(Feedback(page: page, message: message, contact: f["contact"], createdAt: engine.site.now()))
        return feedbackForm(page: nil, sent: true, engine: engine)
    }
}
