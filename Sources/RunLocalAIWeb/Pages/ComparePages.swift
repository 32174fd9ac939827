import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/compare?a=&b=&model=` (two pieces of hardware on one model) and `/compare/models?a=&b=&hardware=`.
enum ComparePages {
    /// The hardware fields of the compare form: two to four cards.
    static let sideKeys = ["a", "b", "c", "d"]

    static func hardware(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let names = sideKeys.map { q[$0] }
        let given = names.compactMap { $0 }
        let model = q["model"] ?? "llama-3.1-8b"
        let ctx = Question.contextParameter(q["ctx"]) ?? 8192
        let form = HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/compare")], HTML {
            div(.class("fields")) {
                for (i, k) in sideKeys.enumerated() {
                    label(.class("wide")) { "Hardware \(k.uppercased())\(i >= 2 ? " (optional)" : "")"
                        input(.name(k), .type("text"), Attr("list", "dl-hardware"), .value(names[i] ?? ""), Attr("placeholder", ["rtx-3090", "rtx-4090", "rtx-5090", "m4-max"][i])) }
                }
                label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(model)) }
                label { "Context"; selectElement(.name("ctx")) { for x in PageEngine.contexts { UI.opt(String(x), Format.context(x), selected: x == ctx) } } }
                div { button(.type("submit")) { "Compare" } }
            }
            WillItRunPage.datalists(engine)
        })
        guard given.count >= 2 else {
            return Layout.page(title: "Compare hardware", path: "/compare", crumbs: [("Compare", nil)]) {
                h1 { "Compare hardware" }
                p(.class("lede")) { "Two to four cards side by side: specs, Score, workload chips, and one model's verdict and speed on each." }
                form
                p(.class("small")) { "Try "; a(href: "/compare?a=rtx-3090&b=rtx-4090&model=qwen2.5-32b") { "RTX 3090 vs RTX 4090 on Qwen2.5 32B" }
                    ", "; a(href: "/compare?a=rtx-4060-ti-16gb&b=rtx-3090&c=rtx-5090&d=rtx-4090&model=qwen2.5-14b") { "four cards on Qwen2.5 14B" }; "." }
                p(.class("small")) { "Comparing models instead? "; a(href: "/compare/models") { "Compare models" }; "." }
            }
        }
        let quant = q["quant"]   // nil: each model's own (Q4_K_M, or the one format it ships in)
        var sides: [(HardwareSelection, Answer, [(chip: WorkloadChip, question: Question)], HardwareScore)] = []
        for name in given {
            do {
                let question = try Question.parse(q.questionPairs.filter { $0.0 != "quant" && $0.0 != "ctx" } + [("model", model), ("hardware", name), ("ctx", String(ctx))] + (quant.map { [("quant", $0)] } ?? []))
                guard let sel = try engine.service.selection(question) else { throw QuestionError(.hardware, "name the hardware to compare") }
                guard !sides.contains(where: { $0.0.id == sel.id }) else { throw QuestionError(.hardware, "'\(name.prefix(80))' is named twice; compare different hardware") }
                let ans = try await engine.answer(question)
                sides.append((sel, ans, await engine.service.chips(for: sel), engine.service.score(sel)))
            } catch {
                return UI.problem(status: .badRequest, title: "Compare — check the question", message: UI.message(error), path: "/compare",
                                  suggestions: UI.suggestions(error).map { s in
                                      (s, URLs.build("/compare", zip(sideKeys, names).map { k, v in (k, v == name ? s : v) } + [("model", model)]))
                                  }) { form }
            }
        }
        let title = sides.map { $0.0.displayName }.joined(separator: " vs ")
        let first = sides[0].1
        return Layout.page(title: title, path: "/compare", crumbs: [("Compare", "/compare"), (title, nil)]) {
            h1 { title }
            p(.class("lede")) { "\(first.wire.model.name) \(first.wire.quant) at \(Format.context(ctx)) context on each." }
            for s in sides { UI.figures(s.1) }
            div(.class("table-wrap")) {
                HTML.element("table", [.class("side-by-side n\(sides.count)")], HTML {
                    thead { tr { th { "" }; for s in sides { th { s.0.displayName } } } }
                    tbody {
                        tr { th { "Verdict" }; for s in sides { td { UI.tier(s.1.tier); " "; UI.chip(s.1.chipStatus) } } }
                        tr { th { "Decode tok/s" }; for s in sides { td(.class("num")) { speed(s.1) } } }
                        tr { th { "Prefill tok/s" }; for s in sides { td(.class("num")) { s.1.runs ? Format.tps(s.1.prefill.expected) : "—" } } }
                        tr { th { "Evidence" }; for s in sides { td { s.1.runs ? UI.evidence(s.1.wire.speed.evidence) : HTML("—") } } }
                        tr { th { "GPU layers" }; for s in sides { td(.class("num")) { "\(s.1.wire.fit.gpu_layers)/\(s.1.wire.fit.total_layers)" } } }
                        tr { th { "Needed" }; for s in sides { td(.class("num")) { Format.bytes(s.1.neededBytes) } } }
                        tr { th { "Score" }; for s in sides { td(.class("num")) { String(s.3.total) } } }
                        tr { th { "Memory" }; for s in sides { td(.class("num")) { s.0.memoryGiB.map { Format.gibValue($0 * Double(s.0.count)) } ?? "—" } } }
                        tr { th { "Bandwidth" }; for s in sides { td(.class("num")) { "\(Format.number(s.0.device.bandwidthGBs)) GB/s" } } }
                        tr { th { "TDP" }; for s in sides { td(.class("num")) { s.0.device.tdpW.map { "\(Format.number($0 * Double(s.0.count))) W" } ?? "—" } } }
                        tr { th { "Price now" }; for s in sides { td(.class("num")) { priceText(s.0) } } }
                        for (i, x) in sides[0].2.enumerated() {
                            tr { th { a(href: x.question.url()) { x.chip.label } }
                                 for s in sides where i < s.2.count { td { UI.chip(s.2[i].chip.status); UI.chipFigures(s.2[i].chip, question: s.2[i].question) } } }
                        }
                        tr { th { "" }; for s in sides { td { a(href: "/hardware/\(URLs.segment(s.0.device.id))") { "hardware page" } } } }
                    }
                })
            }
            div(.class("chart")) {
                SVGBarChart.svg(title: "Decode speed, \(first.wire.model.name) \(first.wire.quant)", rows: sides.map(\.1).filter { $0.runs }.map {
                    .init(label: $0.wire.hardware.name, value: $0.decode.expected, low: $0.decode.low, high: $0.decode.high, tier: $0.tier.rawValue)
                })
            }
            for ans in sides.map(\.1) {
                for d in ans.wire.devices where d.kind != "host" || ans.wire.devices.count == 1 {
                    let bar = SVGMemoryBar.input(device: d)
                    div(.class("chart")) {
                        p(.class("small")) { strong { d.kind == "host" ? "System RAM" : d.name }; span(.class("muted")) { " · \(d.layers) layers · " }
                                             span(.class(bar.total > d.usable_bytes ? "mono over" : "mono")) { "\(Format.bytes(bar.total)) needed" } }
                        SVGMemoryBar.svg(bar); SVGMemoryBar.legend(bar)
                    }
                }
            }
            h2 { "Compare other cards" }
            form
        }
    }

    static func speed(_ a: Answer) -> String {
        a.runs ? "\(Format.tps(a.decode.expected)) (\(Format.tps(a.decode.low))–\(Format.tps(a.decode.high)))" : "—"
    }

    /// The price quoted now (the one price rule: street if sold new, else used), with its condition.
    static func priceText(_ s: HardwareSelection) -> String {
        guard let p = s.device.currentPrice else { return "—" }
        return Format.money(p.usd * Double(s.count)) + (p.condition == .used ? " used" : "")
    }

    /// `/compare/models/{a}-vs-{b}`: the same page under a path of its own.
    static func modelPair(_ pair: String, _ q: Params, engine: PageEngine) async -> HTMLResponse {
        let parts = pair.components(separatedBy: "-vs-")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return UI.problem(status: .badRequest, title: "Compare models", message: "name two models as /compare/models/MODEL-A-vs-MODEL-B, e.g. /compare/models/qwen2.5-14b-vs-llama-3.1-8b",
                              path: "/compare/models", suggestions: [("Qwen2.5 14B vs Llama 3.1 8B", "/compare/models/qwen2.5-14b-vs-llama-3.1-8b")])
        }
        return await models(Params(pairs: [("a", parts[0]), ("b", parts[1])] + q.pairs.filter { $0.0 != "a" && $0.0 != "b" }), engine: engine,
                            path: "/compare/models/\(URLs.segment(pair))")
    }

    static func matchupCell(_ s: MatchupSide, _ answer: Answer?) -> HTML {
        HTML {
            if !s.suited { span(.class("muted")) { "—" } } else if let x = answer, x.runs, let q = s.quant {
                UI.tier(x.tier); " "
                a(href: x.question.url(), .class("mono small")) { "\(q), \(Format.tps(x.decode.expected)) tok/s" }
                UI.figures(x)
            } else { UI.tier(FitTier.wontRun) }
            if !s.suited { p(.class("small muted")) { "not made for this use" } }
        }
    }

    static func models(_ q: Params, engine: PageEngine, path: String? = nil) async -> HTMLResponse {
        let aName = q["a"], bName = q["b"]
        let hw = q["hardware"] ?? "rtx-4090"
        let ctx = Question.contextParameter(q["ctx"]) ?? 8192
        let form = HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/compare/models")], HTML {
            div(.class("fields")) {
                label(.class("wide")) { "Model A"; input(.name("a"), .type("text"), Attr("list", "dl-models"), .value(aName ?? ""), Attr("placeholder", "qwen2.5-14b")) }
                label(.class("wide")) { "Model B"; input(.name("b"), .type("text"), Attr("list", "dl-models"), .value(bName ?? ""), Attr("placeholder", "llama-3.1-8b")) }
                label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(hw)) }
                label { "Context"; selectElement(.name("ctx")) { for x in PageEngine.contexts { UI.opt(String(x), Format.context(x), selected: x == ctx) } } }
                div { button(.type("submit")) { "Compare" } }
            }
            WillItRunPage.datalists(engine)
        })
        guard let aName, let bName else {
            return Layout.page(title: "Compare models", path: "/compare/models", crumbs: [("Compare", "/compare"), ("Models", nil)]) {
                h1 { "Compare models" }
                p(.class("lede")) { "Two models on the same hardware: architecture, memory and speed, at each quantisation." }
                form
                p(.class("small")) { "Try "; a(href: "/compare/models?a=qwen2.5-14b&b=llama-3.1-8b&hardware=rtx-3060-12gb") { "Qwen2.5 14B vs Llama 3.1 8B on an RTX 3060 12GB" }; "." }
            }
        }
        let c = engine.catalog
        var ms: [CatalogModel] = []
        for name in [aName, bName] {
            do {
                guard name.count <= Question.maxNameLength, hw.count <= Question.maxNameLength else {
                    throw QuestionError(.model, "names are at most \(Question.maxNameLength) characters")
                }
                ms.append(try c.model(named: name)); _ = try c.hardware(named: hw)
            } catch {
                return UI.problem(status: .badRequest, title: "Compare models — check the question", message: UI.message(error), path: "/compare/models",
                                  suggestions: UI.suggestions(error).map { s in
                                      let isModel = (try? c.model(named: name)) == nil
                                      return (s, URLs.build("/compare/models", [("a", isModel && name == aName ? s : aName), ("b", isModel && name == bName ? s : bName),
                                                                                ("hardware", isModel ? hw : s)]))
                                  }) { form }
            }
        }
        let quants = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M"]
        let answers = await engine.answers(ms.flatMap { m in quants.map { quant in
            Question(model: m.id, quant: quant, hardware: hw, context: min(ctx, m.architecture.contextLength))
        } })
        /// Side `side` (0 or 1) at `quant`.
        func ans(_ side: Int, _ quant: String) -> Answer? { answers[side * quants.count + quants.firstIndex(of: quant)!] }
        let hwName = (try? c.hardware(named: hw))?.displayName ?? hw
        let matchup: AnswerService.Matchup
        do { matchup = try await engine.service.matchup(ms[0], ms[1], hardware: hw) } catch {
            return UI.problem(status: .badRequest, title: "Compare models — check the question", message: UI.message(error), path: "/compare/models") { form }
        }
        let overall = matchup.overall
        func side(_ w: String?) -> String { w == "a" ? ms[0].name : w == "b" ? ms[1].name : "Either" }
        return Layout.page(title: "\(ms[0].name) vs \(ms[1].name)", path: path ?? "/compare/models", crumbs: [("Compare", "/compare"), ("\(ms[0].name) vs \(ms[1].name)", nil)]) {
            h1 { "\(ms[0].name) vs \(ms[1].name)" }
            p(.class("lede")) { "On \(hwName), by use case: each model at the best quantisation that fits the use case's context, judged on what the catalog says it is for, whether it runs fast enough, its size and its age." }
            div(.class("verdict \(overall.winner == nil ? "tradeoffs" : "comfortable")")) {
                div {
                    span(.class("kicker")) { "Verdict on \(hwName)" }
                    p(.class("big")) { overall.winner == nil ? "Depends on the use" : "\(side(overall.winner)) for most uses" }
                    p(.class("small muted")) { "\(ms[0].name) wins \(overall.a), \(ms[1].name) wins \(overall.b) of \(matchup.verdicts.count) use cases; each use case counts once." }
                }
                div {
                    ul(.class("notes")) {
                        for v in matchup.verdicts { li { b { v.use_case.label }; ": "; side(v.winner) } }
                    }
                }
            }
            UI.table([("Use case", false), (ms[0].name, false), (ms[1].name, false), ("Pick", false)], stackOnPhone: true) {
                for v in matchup.verdicts {
                    let pair = matchup.answers[v.use_case]
                    tr {
                        th { v.use_case.label; " "; span(.class("muted small")) { Format.context(v.context) } }
                        td { matchupCell(v.a, pair?.a) }
                        td { matchupCell(v.b, pair?.b) }
                        td { b { side(v.winner) }; ul(.class("notes")) { for r in v.reasons { li { r } } } }
                    }
                }
            }
            h2 { "Every quantisation at \(Format.context(ctx))" }
            UI.table([("", false), (ms[0].name, false), (ms[1].name, false)]) {
                tr { th { "Parameters" }; td(.class("num")) { Format.params(ms[0].paramsB) }; td(.class("num")) { Format.params(ms[1].paramsB) } }
                tr { th { "Kind" }; td { ms[0].isMoE ? "MoE" : "dense" }; td { ms[1].isMoE ? "MoE" : "dense" } }
                tr { th { "Layers" }; td(.class("num")) { String(ms[0].architecture.layers) }; td(.class("num")) { String(ms[1].architecture.layers) } }
                tr { th { "KV heads × head dim" }; td(.class("num")) { "\(ModelPages.kvHeads(ms[0].architecture)) × \(ms[0].architecture.headDimK)" }; td(.class("num")) { "\(ModelPages.kvHeads(ms[1].architecture)) × \(ms[1].architecture.headDimK)" } }
                tr { th { "Context" }; td(.class("num")) { Format.context(ms[0].architecture.contextLength) }; td(.class("num")) { Format.context(ms[1].architecture.contextLength) } }
                tr { th { "Vision" }; td { ms[0].isVisionModel ? "yes" : "no" }; td { ms[1].isVisionModel ? "yes" : "no" } }
                tr { th { "Licence" }; td { ms[0].license }; td { ms[1].license } }
                tr { th { "Released" }; td(.class("num")) { ms[0].released ?? "—" }; td(.class("num")) { ms[1].released ?? "—" } }
                for quant in quants {
                    let x = ans(0, quant), y = ans(1, quant)
                    tr {
                        th { quant }
                        td { if let x { UI.tier(x.tier); " "; span(.class("mono small")) { "\(Format.bytes(x.neededBytes))\(x.runs ? ", \(Format.tps(x.decode.expected)) tok/s" : "")" }; UI.figures(x) } else { "—" } }
                        td { if let y { UI.tier(y.tier); " "; span(.class("mono small")) { "\(Format.bytes(y.neededBytes))\(y.runs ? ", \(Format.tps(y.decode.expected)) tok/s" : "")" }; UI.figures(y) } else { "—" } }
                    }
                }
            }
            ul(.class("whatif")) {
                for m in ms { li { a(href: URLs.build("/models/\(URLs.segment(m.id))", [("hardware", hw)])) { b { m.name }; " model page" } } }
            }
            h2 { "Compare others" }
            form
        }
    }
}
