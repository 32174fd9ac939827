import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/guides` and `/guides/{slug}`: buying guides computed by the engine's Recommendations (Score, chips,
/// catalog prices). The page adds no figure of its own.
enum GuidePages {
    struct Guide { var slug: String; var id: String; var title: String; var intro: String }

    static let guides: [Guide] = [
        Guide(slug: "best-gpu", id: "best-overall", title: "Best GPU for local AI",
              intro: "The desktop or workstation GPU with the highest RunLocalAI Score among those with a street price."),
        Guide(slug: "best-budget-gpu", id: "under-budget", title: "Best GPU under a budget",
              intro: "The highest Score at or under the budget's street price, or, given a use and a context, the card that runs that use's model best (?budget=600&use=coding&ctx=32K)."),
        Guide(slug: "best-used-gpu", id: "used", title: "Best used GPU",
              intro: "The highest Score at or under the budget's used price (the older 24 GB cards often win here), or, given a use and a context, the card that runs that use's model best."),
        Guide(slug: "best-gpu-for-ollama", id: "ollama", title: "Best GPU for Ollama",
              intro: "The most Score per dollar among cards Ollama drives that hold a 14B model comfortably."),
        Guide(slug: "best-gpu-for-vision", id: "vision", title: "Best GPU for vision models",
              intro: "The most tokens per second per dollar on a ≤ 8B vision-language model with one image."),
        Guide(slug: "best-mac", id: "best-mac", title: "Best Mac for local AI",
              intro: "The Apple silicon chip with the highest Score at its largest memory."),
        Guide(slug: "16-vs-24-gb", id: "16gb-vs-24gb", title: "16 GB vs 24 GB",
              intro: "The best 16 GB card against the best 24 GB card, and the workloads the extra 8 GB makes comfortable."),
        Guide(slug: "best-laptop", id: "best-laptop", title: "Best laptop for local AI",
              intro: "The laptop GPU or Apple laptop chip with the highest Score. Laptops are sold whole, so there is no card price to rank by; the field below shows what each runs."),
        Guide(slug: "ai-pc-build", id: "ai-pc-build", title: "An AI PC build for $2,000",
              intro: "A parts list priced from the catalog: the build class whose parts leave room for the card that runs the most workloads comfortably (then the highest Score), with a power supply sized to it, and what the build runs. Change the budget in the address (?budget=3000)."),
        Guide(slug: "cuda-vs-rocm", id: "cuda-vs-rocm", title: "CUDA vs ROCm",
              intro: "NVIDIA's CUDA against AMD's ROCm from the catalog and the evidence: which runtimes and cards each has, what the calibration fitted for each, and AMD cards against the NVIDIA card of the same memory nearest in price."),
    ]

    static func list(_ engine: PageEngine) -> HTMLResponse {
        let picks = Guides.all(facts: engine.site.derived.hardwareFacts, catalog: engine.catalog)
        return Layout.page(title: "Guides", description: "Buying guides computed from the engine and the catalog's prices.", path: "/guides",
                           crumbs: [("Guides", nil)]) {
            h1 { "Guides" }
            p(.class("lede")) { "Picks computed from the engine's plans and the catalog's prices, with the figures behind each. No affiliate links." }
            div(.class("grid g2 tiles")) {
                for g in guides {
                    let pick = picks.first { $0.guide == g.id }
                    a(href: "/guides/\(g.slug)") { b { g.title }; span { pick.map { "Pick: \($0.name)" } ?? g.intro } }
                }
                a(href: "/compare") { b { "Compare hardware" }; span { "Any two cards side by side" } }
                a(href: "/will-it-run/custom") { b { "Custom build" }; span { "Plan a multi-GPU or mixed build" } }
                a(href: "/cost") { b { "Cost vs cloud" }; span { "Break-even against renting or an API" } }
            }
        }
    }

    static func detail(_ slug: String, _ q: Params, engine: PageEngine) async -> HTMLResponse {
        guard let g = guides.first(where: { $0.slug == slug }) else {
            return UI.notFound("guide '\(slug)'", path: "/guides/\(slug)", suggestions: guides.map { ($0.title, "/guides/\($0.slug)") })
        }
        if g.id == "ai-pc-build" { return await PillarPages.build(g, q, engine: engine) }
        if g.id == "cuda-vs-rocm" { return await PillarPages.cudaVsROCm(g, engine: engine) }
        var budget = Guides.defaultBudgetUSD
        if let b = q["budget"] {
            guard let v = Double(b), v > 0, v < 1_000_000 else {
                return UI.problem(status: .badRequest, title: g.title, message: "budget '\(b)' must be a number of dollars", path: "/guides/\(slug)",
                                  suggestions: [("$800", "/guides/\(slug)?budget=800")])
            }
            budget = v
        }
        let filters = ["under-budget", "used"].contains(g.id)
        var use: UseCase?
        if filters, let raw = q["use"], !raw.isEmpty {
            guard let u = UseCase(rawValue: raw) else {
                return UI.problem(status: .badRequest, title: g.title, message: "use '\(raw.prefix(40))' is not one of \(UseCase.names)",
                                  path: "/guides/\(slug)", suggestions: UseCase.allCases.map { ($0.label, "/guides/\(slug)?budget=\(Format.number(budget))&use=\($0.rawValue)") })
            }
            use = u
        }
        var ctx: Int?
        if filters, let raw = q["ctx"], !raw.isEmpty {
            guard let c = Question.contextParameter(raw), (512...1_048_576).contains(c) else {
                return UI.problem(status: .badRequest, title: g.title, message: "context '\(raw.prefix(40))' must be tokens such as 8192 or 32K", path: "/guides/\(slug)")
            }
            ctx = c
        }
        let facts = engine.site.derived.hardwareFacts
        let picks = await engine.service.guides(facts: facts, budget: budget, use: use, context: ctx).filter { $0.guide == g.id }
        let field = use != nil ? await engine.service.workloadField(budget: budget, used: g.id == "used", use: use!, context: ctx, facts: facts) : []
        let usesBudget = ["under-budget", "used", "ollama", "vision", "16gb-vs-24gb"].contains(g.id)
        // Context: the top of the same population by Score (catalog order, engine figures).
        let population: [HardwareFacts] = {
            switch g.id {
            case "best-mac": return facts.filter { $0.kind == "apple" }
            case "best-laptop": return facts.filter { engine.catalog.device(id: $0.id)?.form == .laptop }
            case "used": return facts.filter { $0.kind == "gpu" && ($0.price_used ?? .infinity) <= budget }
            case "best-overall": return facts.filter { $0.kind == "gpu" && $0.price_street != nil }
            default: return facts.filter { $0.kind == "gpu" && ($0.price_street ?? .infinity) <= budget }
            }
        }()
        let top = population.sorted { $0.score.total != $1.score.total ? $0.score.total > $1.score.total : $0.id < $1.id }.prefix(10)
        return Layout.page(title: g.title, description: g.intro, path: "/guides/\(slug)", crumbs: [("Guides", "/guides"), (g.title, nil)]) {
            h1 { g.title }
            p(.class("lede")) { g.intro }
            if usesBudget {
                HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/guides/\(slug)")], HTML {
                    label { "Budget ($)"; input(.name("budget"), .type("number"), Attr("min", "1"), .value(Format.number(budget))) }
                    if filters {
                        label { "Use"; selectElement(.name("use")) {
                            UI.opt("", "any (rank by Score)", selected: use == nil)
                            for u in UseCase.allCases { UI.opt(u.rawValue, u.label, selected: use == u) }
                        } }
                        label { "Context"; selectElement(.name("ctx")) {
                            UI.opt("", "the use's own", selected: ctx == nil)
                            for x in PageEngine.contexts { UI.opt(String(x), Format.context(x), selected: x == ctx) }
                        } }
                    }
                    div { button(.type("submit")) { "Update" } }
                })
            }
            if picks.isEmpty { div(.class("notice")) { p { "No card in the catalog meets this guide's conditions at this budget." } } }
            for pick in picks {
                section(.class("panel")) {
                    p(.class("kicker")) { pick.title }
                    h2(Attr("style", "border:0;margin-top:4px;padding-top:0")) { a(href: "/hardware/\(URLs.segment(pick.hardware))") { pick.name } }
                    p { "Why: "; pick.why; "." }
                    dl(.class("stats")) {
                        for f in pick.figures { div { dt { f.label }; dd { f.value } } }
                    }
                }
            }
            if let use, !field.isEmpty {
                h2 { "The field, for \(use.label.lowercased())" }
                p(.class("small muted")) { "\(field[0].answer.wire.model.name) \(field[0].answer.wire.quant) at \(Format.context(field[0].answer.question.context)) context on every card at or under \(Format.money(budget))\(g.id == "used" ? " used" : ""): comfortable first, then the fastest, then the cheapest. Each row is the will-it-run answer." }
                UI.table([("Hardware", false), ("Verdict", false), ("Decode", true), ("Memory", true), ("Price", true)]) {
                    for w in field.prefix(12) {
                        tr {
                            td { a(href: w.answer.question.url()) { w.device.displayName }; UI.figures(w.answer) }
                            td { UI.chip(w.answer.chipStatus) }
                            td(.class("num")) { w.answer.runs ? "\(Format.tps(w.answer.decode.expected)) tok/s" : "—" }
                            td(.class("num")) { w.device.memoryGiB.map(Format.gibValue) ?? "—" }
                            td(.class("num")) { Format.money(w.price) }
                        }
                    }
                }
            }
            h2 { "The field, by Score" }
            UI.table([("Hardware", false), ("Score", true), ("Memory", true), ("14B chat", false), ("32B chat", false), ("Price", true)]) {
                for f in top {
                    tr {
                        td { a(href: "/hardware/\(URLs.segment(f.id))") { f.name } }
                        td(.class("num")) { String(f.score.total) }
                        td(.class("num")) { Format.gibValue(f.memory_gib) }
                        td { if let c = f.chip("chat-14b") { UI.chip(c.status) } }
                        td { if let c = f.chip("chat-32b") { UI.chip(c.status) } }
                        td(.class("num")) { (g.id == "used" ? f.price_used : f.price_street).map(Format.money) ?? "—" }
                    }
                }
            }
            p(.class("small muted")) { "Prices are the catalog's, with their dates on each hardware page. "; a(href: "/methodology") { "How the Score works" }; "." }
        }
    }
}

/// `/cost`: owning a card against renting a GPU or paying an API — a view of the service's cost answer (the same
/// one `/api/v1/cost` returns): the question's grammar, the one price rule, the answer's decode speed.
enum CostPage {
    static func render(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let hw = q["hardware"] ?? "rtx-3090"
        let model = q["model"] ?? "llama-3.1-8b"
        let quant = q["quant"]   // nil: the model's own (Q4_K_M, or the one format it ships in)
        let ctx = q["ctx"] ?? "8192"
        let condition = q["condition"].flatMap { HardwareDevice.PriceCondition(rawValue: $0) }
        func num(_ key: String, _ def: Double?) -> (Double?, String, Bool) {
            guard let s = q[key] else { return (def, def.map { Format.number($0, digits: $0 < 10 ? 2 : 0) } ?? "", true) }
            return (Double(s).flatMap { $0.isFinite ? $0 : nil }, s, Double(s).map { $0.isFinite } ?? false)
        }
        let (hours, hoursS, hoursOK) = num("hours", 4), (kwh, kwhS, kwhOK) = num("kwh", 0.15), (cloud, cloudS, cloudOK) = num("cloud", 0.40)
        let (api, apiS, apiOK) = num("api", 0.60), (price, priceS, priceOK) = num("price", nil)
        let form = HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/cost")], HTML {
            div(.class("fields")) {
                label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(hw), Attr("maxlength", "200")) }
                label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(model), Attr("maxlength", "200")) }
                label { "Quantisation"; input(.name("quant"), .type("text"), .value(quant ?? ""), Attr("placeholder", "auto")) }
                label { "Context"; input(.name("ctx"), .type("text"), .value(ctx)) }
                label { "Purchase price $"; input(.name("price"), .type("number"), Attr("step", "any"), Attr("min", "0"), .value(priceS), Attr("placeholder", "catalog price")) }
                label { "Bought"
                    selectElement(.name("condition")) {
                        UI.opt("", "cheapest (new or used)", selected: condition == nil)
                        UI.opt("new", "new (street price)", selected: condition == .new)
                        UI.opt("used", "used", selected: condition == .used)
                    }
                }
                label { "Hours / day"; input(.name("hours"), .type("number"), Attr("step", "any"), .value(hoursS)) }
                label { "Electricity $ per kWh"; input(.name("kwh"), .type("number"), Attr("step", "any"), .value(kwhS)) }
                label { "Cloud GPU $/h"; input(.name("cloud"), .type("number"), Attr("step", "any"), .value(cloudS)) }
                label { "API $/M tokens"; input(.name("api"), .type("number"), Attr("step", "any"), .value(apiS)) }
                div { button(.type("submit")) { "Compare" } }
            }
            WillItRunPage.datalists(engine)
        })
        func bad(_ m: String, _ s: [(String, String)] = []) -> HTMLResponse {
            UI.problem(status: .badRequest, title: "Cost vs cloud — check the question", message: m, path: "/cost", suggestions: s) { form }
        }
        guard hoursOK, kwhOK, cloudOK, apiOK, priceOK else { return bad("price, hours, $ per kWh and cloud and API prices must be numbers") }
        let c: CostAnswer
        do {
            let question = try Question.parse(q.questionPairs.filter { $0.0 != "quant" && $0.0 != "ctx" } + [("model", model), ("hardware", hw), ("ctx", ctx)] + (quant.map { [("quant", $0)] } ?? []))
            c = try await engine.service.cost(CostQuestion(question: question, priceUSD: price, condition: condition, hoursPerDay: hours,
                                                           electricityUSDPerKWh: kwh, cloudGPUHourlyUSD: cloud, apiUSDPerMillionTokens: api))
        } catch {
            return bad(UI.message(error), UI.suggestions(error).map { ($0, URLs.build("/cost", [("hardware", $0), ("model", model)])) })
        }
        let r = c.report, ans = c.answer
        let basis = c.priceBasis == "given" ? "your price" : c.priceBasis == "used" ? "used price" : "street price"
        return Layout.page(title: "Cost vs cloud", description: "Owning a GPU against renting one or paying an API.", path: "/cost", crumbs: [("Cost vs cloud", nil)]) {
            h1 { "Cost vs cloud" }
            p(.class("lede")) { "\(ans.wire.hardware.name) at \(Format.money(c.priceUSD)) (\(basis)) running \(ans.wire.model.name) \(ans.wire.quant) at \(Format.tps(ans.runs ? ans.decode.expected : 0)) tok/s (\(FitTierLabel.short(ans.tier)))." }
            UI.figures(ans)
            div(.class("grid g3")) {
                section(.class("panel")) { p(.class("kicker")) { "Break-even vs cloud GPU" }
                    p(.class("score")) { r.breakeven_months_vs_gpu.map { Format.number($0, digits: 1) } ?? "never"; small { r.breakeven_months_vs_gpu == nil ? "" : " months" } } }
                section(.class("panel")) { p(.class("kicker")) { "Break-even vs API" }
                    p(.class("score")) { r.breakeven_months_vs_api.map { Format.number($0, digits: 1) } ?? "never"; small { r.breakeven_months_vs_api == nil ? "" : " months" } } }
                section(.class("panel")) { p(.class("kicker")) { "Tokens per month" }
                    p(.class("score")) { Format.number(r.tokens_per_month / 1_000_000, digits: 1); small { " M" } } }
            }
            UI.table([("Per month", false), ("USD", true)]) {
                tr { td { "Electricity for the card" }; td(.class("num")) { String(format: "%.2f", r.power_usd_per_month) } }
                tr { td { "Renting a cloud GPU the same hours" }; td(.class("num")) { String(format: "%.2f", r.cloud_gpu_usd_per_month) } }
                tr { td { "The same tokens from an API" }; td(.class("num")) { String(format: "%.2f", r.api_usd_per_month) } }
            }
            p(.class("small muted")) { "Assumptions: \(Format.number(c.query.hoursPerDay, digits: 1)) h/day at \(Int(c.query.utilisation * 100))% utilisation, \(String(format: "%.2f", c.query.electricityUSDPerKWh)) $/kWh, 30.44 days a month; \(Format.number(c.tdpW)) W (the TDP) as the draw. \"never\": running costs exceed what the alternative costs. Same figures as "
                a(href: URLs.build("/api/v1/cost", [("hardware", hw), ("model", model), ("quant", quant), ("ctx", ctx), ("price", q["price"]), ("condition", q["condition"])])) { "the API" }; "." }
            h2 { "Change the assumptions" }
            form
        }
    }
}
