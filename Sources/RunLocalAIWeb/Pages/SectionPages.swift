import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/start`, `/systems`, `/stacks`, `/learn`, `/ecosystem`: the original site's remaining menus, each a view of the
/// answer service (Start, systems, stacks) or of the catalog and content (learn, ecosystem).
enum SectionPages {
    // MARK: Start

    static let useCases: [(UseCase, String)] = [(.chat, "Chat"), (.coding, "Coding agent"), (.vision, "Images (vision)"),
                                                (.longContext, "Long documents"), (.reasoning, "Reasoning")]

    /// `GET /start?hardware=&use=&ram=` and `POST /start` (a pasted `runlocalai detect`).
    static func start(_ q: Params, pasted: String?, engine: PageEngine) async -> HTMLResponse {
        var hardware = q["hardware"], ram = q["ram"], notes: [String] = []
        let useRaw = q["use"] ?? "chat"
        let form = HTML {
            HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/start")], HTML {
                div(.class("fields")) {
                    label(.class("wide")) { "Your hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(hardware ?? ""), Attr("placeholder", "RTX 3060 12GB, M2 Pro 16GB, 2x 3090")) }
                    label { "What for"; selectElement(.name("use")) { for (u, l) in useCases { UI.opt(u.rawValue, l, selected: useRaw == u.rawValue) } } }
                    label { "System RAM (GB)"; input(.name("ram"), .type("number"), Attr("min", "1"), Attr("step", "any"), .value(ram ?? ""), Attr("placeholder", "32")) }
                    div { button(.type("submit")) { "Three models for tonight" } }
                }
                WillItRunPage.datalists(engine)
            })
            details {
                summary { "Or paste the output of "; code { "runlocalai detect" } }
                HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/start")], HTML {
                    HTML.element("textarea", [.name("detect"), Attr("rows", "8"), Attr("spellcheck", "false"), Attr("aria-label", "runlocalai detect output"),
                                              Attr("placeholder", "Hardware ids for benchmarks: rtx-3060-12gb")], HTML(text: pasted ?? ""))
                    input(.type("hidden"), .name("use"), .value(useRaw))
                    p(Attr("style", "margin:10px 0 0")) { button(.type("submit")) { "Read it" } }
                })
            }
        }
        func intro() -> HTML {
            HTML {
                h1 { "Start here" }
                p(.class("lede")) { "Tell us your hardware and what you want to do; you get three models to run tonight, with the commands and the memory and speed to expect." }
            }
        }
        if let pasted {
            do {
                let m = try DetectPaste.parse(pasted)
                hardware = m.hardware; notes += m.notes
                if let r = m.ramGiB { ram = Format.number(r, digits: 0) }
            } catch {
                return UI.problem(status: .badRequest, title: "Start — check the paste", message: error.description, path: "/start") { form }
            }
        }
        guard let hardware else {
            return Layout.page(title: "Start", description: "Three local models to run tonight on your hardware, with commands.", path: "/start", crumbs: [("Start", nil)]) {
                intro(); form
                p(.class("small")) { "Try "; a(href: "/start?hardware=rtx-3060-12gb&use=chat") { "an RTX 3060 12GB for chat" }; ", "
                    a(href: "/start?hardware=m2-pro-16c+16GB&use=coding") { "an M2 Pro 16 GB for coding" }; " or "
                    a(href: "/start?hardware=2x+rtx-3090&use=long-context") { "two RTX 3090s for long documents" }; "." }
            }
        }
        guard let use = UseCase(rawValue: useRaw) else {
            return UI.problem(status: .badRequest, title: "Start — check the question", message: "use '\(useRaw.prefix(40))' is not one of \(UseCase.names)",
                              path: "/start", suggestions: useCases.map { ($0.1, URLs.build("/start", [("hardware", hardware), ("use", $0.0.rawValue)])) }) { form }
        }
        var ramGiB: Double?
        if let r = ram, !r.isEmpty {
            guard let v = Double(r), Question.ramRange.contains(v) else {
                return UI.problem(status: .badRequest, title: "Start — check the question", message: "RAM '\(r.prefix(40))' must be a number of GB from 1 to 65536", path: "/start") { form }
            }
            ramGiB = v
        }
        let s: AnswerService.StartAnswer
        do {
            guard hardware.count <= Question.maxNameLength else { throw QuestionError(.hardware, "names are at most \(Question.maxNameLength) characters") }
            s = try await engine.service.start(hardware: hardware, ramGiB: ramGiB, useCase: use)
        } catch {
            return UI.problem(status: .badRequest, title: "Start — check the hardware", message: UI.message(error), path: "/start",
                              suggestions: UI.suggestions(error).map { ($0, URLs.build("/start", [("hardware", $0), ("use", use.rawValue), ("ram", ram)])) }) { form }
        }
        return Layout.page(title: "Start: \(s.selection.displayName)", path: "/start", crumbs: [("Start", "/start"), (s.selection.displayName, nil)]) {
            intro()
            p { b { s.selection.displayName }; " · \(use.label.lowercased()) at \(Format.context(use.context)) context, at least \(Format.number(use.minimumDecode)) tok/s"
                if let ramGiB { " · \(Format.number(ramGiB)) GB RAM" } }
            if !(notes + s.notes).isEmpty { ul(.class("notes")) { for n in notes + s.notes { li { n } } } }
            for (i, pick) in s.picks.enumerated() {
                section(.class("panel")) {
                    p(.class("kicker")) { ["Tonight's pick", "Also good", "Also good"][min(i, 2)] }
                    h3(Attr("style", "margin-top:2px")) { a(href: pick.question.url()) { pick.wire.model.name }; " "; span(.class("mono small")) { pick.wire.quant } }
                    p { UI.tier(pick.tier); " "; span(.class("mono")) { "\(Format.tps(pick.decode.expected)) tok/s" }; " "; UI.evidence(pick.wire.speed.evidence)
                        span(.class("muted small")) { " · \(Format.bytes(pick.neededBytes)) needed · " + (pick.placement == .cpu ? "runs on the CPU" : "\(pick.wire.fit.gpu_layers)/\(pick.wire.fit.total_layers) layers on the GPU") }; UI.figures(pick) }
                    details { summary { "Commands" }; UI.commands(pick.wire.commands) }
                }
            }
            h2 { "Ask something else" }
            form
        }
    }

    // MARK: Systems

    static func systems(_ engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        return Layout.page(title: "Systems", description: "Whole machines — Mac Studio, DGX Spark, Strix Halo mini-PCs, a gaming PC — and what runs on them.",
                           path: "/systems", crumbs: [("Systems", nil)]) {
            h1 { "Systems" }
            p(.class("lede")) { "Whole machines, priced as sold, each planned by the engine with its own memory: what runs on it and how fast." }
            UI.table([("System", false), ("Kind", false), ("Planned as", false), ("RAM", true), ("Score", true), ("Price", true)], stackOnPhone: true) {
                for s in c.systems {
                    let sel = try? c.hardware(named: s.hardware)
                    tr {
                        td { a(href: "/systems/\(URLs.segment(s.id))") { s.name } }
                        td { s.kind.rawValue }
                        td { if let sel { a(href: "/hardware/\(URLs.segment(sel.device.id))") { sel.displayName } } else { s.hardware } }
                        td(.class("num")) { Format.gibValue(s.ramGiB) }
                        td(.class("num")) { sel.map { String(engine.service.score($0).total) } ?? "—" }
                        td(.class("num")) { s.priceUSD.map(Format.money) ?? "—" }
                    }
                }
            }
        }
    }

    static func system(_ id: String, engine: PageEngine) async -> HTMLResponse {
        let c = engine.catalog
        guard let s = c.system(id: id) else {
            return UI.notFound("system '\(id.prefix(80))'", path: "/systems/\(URLs.segment(id))", suggestions: c.systems.prefix(8).map { ($0.name, "/systems/\(URLs.segment($0.id))") })
        }
        let ans: AnswerService.SystemAnswer
        do { ans = try await engine.service.system(s) } catch {
            return UI.problem(status: .internalServerError, title: s.name, message: UI.message(error), path: "/systems/\(URLs.segment(id))")
        }
        return Layout.page(title: s.name, description: "\(s.name): what runs on it, planned by the engine.", path: "/systems/\(URLs.segment(id))",
                           crumbs: [("Systems", "/systems"), (s.name, nil)]) {
            h1 { s.name }
            p(.class("lede")) { s.use }
            div(.class("grid g2")) {
                div(.class("panel")) {
                    dl(.class("kv")) {
                        dt { "Planned as" }; dd { a(href: "/hardware/\(URLs.segment(ans.selection.device.id))") { ans.selection.displayName } }
                        dt { "RAM" }; dd { Format.gibValue(s.ramGiB) + (ans.selection.device.isUnifiedMemory ? " (unified)" : "") }
                        dt { "Price" }; dd { s.priceUSD.map { Format.money($0) + (s.asOf.map { " (\($0))" } ?? "") } ?? "—" }
                        dt { "Score" }; dd { String(ans.score.total) }
                    }
                }
                div(.class("panel")) {
                    h3 { "Workloads" }
                    ul(.class("chips")) {
                        for ch in ans.chips { li { a(href: ch.question.url()) { ch.chip.label }; UI.chip(ch.chip.status); UI.chipFigures(ch.chip, question: ch.question) } }
                    }
                }
            }
            h2 { "What runs on it" }
            p(.class("small muted")) { "Chat models at 8K context, best quantisation that fits, with this system's RAM; each row is the will-it-run answer." }
            UI.answers(ans.models)
            p(.class("small muted")) { "Source: "; s.source }
        }
    }

    // MARK: Stacks

    static func stacks(_ engine: PageEngine) -> HTMLResponse {
        let stacks = engine.site.content.stacks
        return Layout.page(title: "Stacks", description: "Runtime + front end + model + hardware recipes, each with its commands and will-it-run answer.",
                           path: "/stacks", crumbs: [("Stacks", nil)]) {
            h1 { "Stacks" }
            p(.class("lede")) { "Recipes that work: a runtime, a front end, a model and the hardware for one job, each with the exact commands and the engine's answer for that hardware." }
            div(.class("grid g2 tiles")) {
                for s in stacks { a(href: "/stacks/\(URLs.segment(s.slug))") { b { s.title }; span { s.summary } } }
            }
        }
    }

    static func stack(_ slug: String, engine: PageEngine) async -> HTMLResponse {
        guard let s = engine.site.content.stacks.first(where: { $0.slug == slug }) else {
            return UI.notFound("stack '\(slug.prefix(80))'", path: "/stacks/\(URLs.segment(slug))", suggestions: engine.site.content.stacks.map { ($0.title, "/stacks/\(URLs.segment($0.slug))") })
        }
        let answer: Answer
        do { answer = try await engine.service.stack(s) } catch {
            return UI.problem(status: .internalServerError, title: s.title, message: UI.message(error), path: "/stacks/\(URLs.segment(slug))")
        }
        return Layout.page(title: s.title, description: s.summary, path: "/stacks/\(URLs.segment(slug))", crumbs: [("Stacks", "/stacks"), (s.title, nil)]) {
            h1 { s.title }
            p(.class("lede")) { s.summary }
            div(.class("verdict \(answer.tier.rawValue)")) {
                div {
                    span(.class("kicker")) { "\(answer.wire.model.name) \(answer.wire.quant) on \(answer.wire.hardware.name), \(Format.context(s.context)) context" }
                    p(.class("big")) { answer.tier.label }
                    p { a(href: answer.question.url()) { "Full will-it-run answer" } }
                    UI.figures(answer)
                }
                div {
                    dl(.class("stats")) {
                        dt { "Decode" }; dd { answer.runs ? UI.speed(answer.decode) : HTML("—") }
                        dt { "Needed" }; dd { Format.bytes(answer.neededBytes) }
                        dt { "Runtime" }; dd { answer.wire.runtime ?? s.runtime }
                        dt { "Front end" }; dd { if let u = s.frontEndURL { a(href: u, Attr("rel", "noopener")) { s.frontEnd } } else { s.frontEnd } }
                    }
                }
            }
            if !s.extras.isEmpty { ul(.class("notes")) { for e in s.extras { li { Markdown.inline(e) } } } }
            h2 { "Serve the model" }
            UI.commands(answer.wire.commands)
            div(.class("prose")) {
                for sec in s.sections { h2 { sec.heading }; Markdown.render(sec.markdown, headingOffset: 2) }
            }
            p(.class("small muted")) { "Sources: "; s.sources.joined(separator: "; "); s.reviewed.map { " · reviewed \($0)" } ?? "" }
        }
    }

    // MARK: Learn

    static func learn(_ engine: PageEngine) -> HTMLResponse {
        let paths = engine.site.content.learn
        return Layout.page(title: "Learn", description: "Paths through the glossary and the live tools, in order.", path: "/learn", crumbs: [("Learn", nil)]) {
            h1 { "Learn" }
            p(.class("lede")) { "Short paths, in order: a term to understand, then a tool to try it on real hardware." }
            div(.class("grid g2 tiles")) {
                for l in paths { a(href: "/learn/\(URLs.segment(l.slug))") { b { l.title }; span { "\(l.level.rawValue) · \(l.steps.count) steps — \(l.summary)" } } }
            }
        }
    }

    static func learnPath(_ slug: String, engine: PageEngine) -> HTMLResponse {
        let content = engine.site.content
        guard let l = content.learn.first(where: { $0.slug == slug }) else {
            return UI.notFound("learning path '\(slug.prefix(80))'", path: "/learn/\(URLs.segment(slug))", suggestions: content.learn.map { ($0.title, "/learn/\(URLs.segment($0.slug))") })
        }
        return Layout.page(title: l.title, description: l.summary, path: "/learn/\(URLs.segment(slug))", crumbs: [("Learn", "/learn"), (l.title, nil)]) {
            h1 { l.title }
            p(.class("lede")) { l.summary }
            if let intro = l.sections.first(where: { $0.heading == "Introduction" }) { div(.class("prose")) { Markdown.render(intro.markdown, headingOffset: 2) } }
            ol(.class("prose")) {
                for s in l.steps {
                    li {
                        switch s.target {
                        case .term(let t):
                            a(href: "/glossary/\(URLs.segment(t))") { b { s.label ?? content.term(t)?.term ?? t } }; span(.class("muted small")) { " · glossary" }
                        case .tool(let path):
                            a(href: path) { b { s.label ?? path } }; span(.class("muted small")) { " · try it" }
                        }
                        p(.class("small")) { s.why }
                    }
                }
            }
            div(.class("prose")) { for sec in l.sections where sec.heading != "Introduction" { h2 { sec.heading }; Markdown.render(sec.markdown, headingOffset: 2) } }
        }
    }

    // MARK: Ecosystem

    static func ecosystem(_ engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        let backends = Backend.allCases
        let formats = Array(Set(c.runtimes.flatMap(\.formats))).sorted()
        let oses = Array(Set(c.runtimes.flatMap(\.os))).sorted()
        return Layout.page(title: "Ecosystem map", description: "Runtimes × backends × model formats × operating systems, from the catalog.",
                           path: "/ecosystem", crumbs: [("Ecosystem", nil)]) {
            h1 { "Ecosystem map" }
            p(.class("lede")) { "\(c.runtimes.count) runtimes: which GPU backends each drives, which model formats it loads and where it runs. From the catalog's runtime files, each with its source." }
            h2 { "Backends" }
            UI.table([("Runtime", false)] + backends.map { ($0.displayName, false) }) {
                for r in c.runtimes {
                    tr { td { a(href: "/tools/\(URLs.segment(r.id))") { r.name } }; for b in backends { td { r.backends.contains(b) ? "●" : "" } } }
                }
                tr { th { "Devices" }; for b in backends { td(.class("num")) { String(c.hardware.filter { $0.backends.contains(b) }.count) } } }
            }
            h2 { "Model formats" }
            UI.table([("Runtime", false)] + formats.map { ($0.uppercased(), false) }) {
                for r in c.runtimes { tr { td { r.name }; for f in formats { td { r.formats.contains(f) ? "●" : "" } } } }
            }
            h2 { "Operating systems" }
            UI.table([("Runtime", false)] + oses.map { ($0, false) } + [("Several GPUs", false)]) {
                for r in c.runtimes { tr { td { r.name }; for o in oses { td { r.os.contains(o) ? "●" : "" } }; td(.class("small")) { r.multiGPU ?? "—" } } }
            }
            p(.class("small muted")) { "The last row of the first table counts the catalog's devices with each backend." }
        }
    }
}
