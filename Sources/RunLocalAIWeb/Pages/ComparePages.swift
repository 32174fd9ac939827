import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/compare?a=&b=&model=` (two pieces of hardware on one model) and `/compare/models?a=&b=&hardware=`.
enum ComparePages {
    static func hardware(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let aName = q["a"], bName = q["b"]
        let model = q["model"] ?? "llama-3.1-8b"
        let ctx = Question.contextParameter(q["ctx"]) ?? 8192
        let form = HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/compare")], HTML {
            div(.class("fields")) {
                label(.class("wide")) { "Hardware A"; input(.name("a"), .type("text"), Attr("list", "dl-hardware"), .value(aName ?? ""), Attr("placeholder", "rtx-3090")) }
                label(.class("wide")) { "Hardware B"; input(.name("b"), .type("text"), Attr("list", "dl-hardware"), .value(bName ?? ""), Attr("placeholder", "rtx-4090")) }
                label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(model)) }
                label { "Context"; selectElement(.name("ctx")) { for x in PageEngine.contexts { UI.opt(String(x), Format.context(x), selected: x == ctx) } } }
                div { button(.type("submit")) { "Compare" } }
            }
            WillItRunPage.datalists(engine)
        })
        guard let aName, let bName else {
            return Layout.page(title: "Compare hardware", path: "/compare", crumbs: [("Compare", nil)]) {
                h1 { "Compare hardware" }
                p(.class("lede")) { "Two cards side by side: specs, Score, workload chips, and one model's verdict and speed on each." }
                form
                p(.class("small")) { "Try "; a(href: "/compare?a=rtx-3090&b=rtx-4090&model=qwen2.5-32b") { "RTX 3090 vs RTX 4090 on Qwen2.5 32B" }
                    " or "; a(href: "/compare?a=rtx-4060-ti-16gb&b=rtx-3090&model=llama-3.1-8b") { "RTX 4060 Ti 16GB vs RTX 3090" }; "." }
                p(.class("small")) { "Comparing models instead? "; a(href: "/compare/models") { "Compare models" }; "." }
            }
        }
        let quant = q["quant"] ?? Question.defaultQuant
        var sides: [(HardwareSelection, Answer, [(chip: WorkloadChip, question: Question)], HardwareScore)] = []
        for name in [aName, bName] {
            do {
                let question = try Question.parse(q.questionPairs.filter { $0.0 != "quant" && $0.0 != "ctx" } + [("model", model), ("quant", quant), ("hardware", name), ("ctx", String(ctx))])
                guard let sel = try engine.service.selection(question) else { throw QuestionError(.hardware, "name the hardware to compare") }
                let ans = try await engine.answer(question)
                sides.append((sel, ans, await engine.service.chips(for: sel), engine.service.score(sel)))
            } catch {
                return UI.problem(status: .badRequest, title: "Compare — check the question", message: UI.message(error), path: "/compare",
                                  suggestions: UI.suggestions(error).map { s in
                                      (s, URLs.build("/compare", [("a", name == aName ? s : aName), ("b", name == bName ? s : bName), ("model", model)]))
                                  }) { form }
            }
        }
        let (sa, aa, ca, sca) = sides[0], (sb, ab, cb, scb) = sides[1]
        return Layout.page(title: "\(sa.displayName) vs \(sb.displayName)", path: "/compare", crumbs: [("Compare", "/compare"), ("\(sa.displayName) vs \(sb.displayName)", nil)]) {
            h1 { "\(sa.displayName) vs \(sb.displayName)" }
            p(.class("lede")) { "\(aa.wire.model.name) \(aa.wire.quant) at \(Format.context(ctx)) context on each." }
            UI.figures(aa); UI.figures(ab)
            div(.class("table-wrap")) {
                HTML.element("table", [.class("side-by-side")], HTML {
                    thead { tr { th { "" }; th { sa.displayName }; th { sb.displayName } } }
                    tbody {
                        tr { th { "Verdict" }; td { UI.tier(aa.tier); " "; UI.chip(aa.chipStatus) }; td { UI.tier(ab.tier); " "; UI.chip(ab.chipStatus) } }
                        tr { th { "Decode tok/s" }; td(.class("num")) { speed(aa) }; td(.class("num")) { speed(ab) } }
                        tr { th { "Prefill tok/s" }; td(.class("num")) { aa.runs ? Format.tps(aa.prefill.expected) : "—" }
                             td(.class("num")) { ab.runs ? Format.tps(ab.prefill.expected) : "—" } }
                        tr { th { "Evidence" }; td { aa.runs ? UI.evidence(aa.wire.speed.evidence) : HTML("—") }; td { ab.runs ? UI.evidence(ab.wire.speed.evidence) : HTML("—") } }
                        tr { th { "GPU layers" }; td(.class("num")) { "\(aa.wire.fit.gpu_layers)/\(aa.wire.fit.total_layers)" }; td(.class("num")) { "\(ab.wire.fit.gpu_layers)/\(ab.wire.fit.total_layers)" } }
                        tr { th { "Needed" }; td(.class("num")) { Format.bytes(aa.neededBytes) }; td(.class("num")) { Format.bytes(ab.neededBytes) } }
                        tr { th { "Score" }; td(.class("num")) { String(sca.total) }; td(.class("num")) { String(scb.total) } }
                        tr { th { "Memory" }; td(.class("num")) { sa.memoryGiB.map(Format.gibValue) ?? "—" }; td(.class("num")) { sb.memoryGiB.map(Format.gibValue) ?? "—" } }
                        tr { th { "Bandwidth" }; td(.class("num")) { "\(Format.number(sa.device.bandwidthGBs)) GB/s" }; td(.class("num")) { "\(Format.number(sb.device.bandwidthGBs)) GB/s" } }
                        tr { th { "TDP" }; td(.class("num")) { sa.device.tdpW.map { "\(Format.number($0)) W" } ?? "—" }; td(.class("num")) { sb.device.tdpW.map { "\(Format.number($0)) W" } ?? "—" } }
                        tr { th { "Price now" }; td(.class("num")) { priceText(sa) }; td(.class("num")) { priceText(sb) } }
                        for (x, y) in zip(ca, cb) {
                            tr { th { a(href: x.question.url()) { x.chip.label } }
                                 td { UI.chip(x.chip.status); UI.chipFigures(x.chip, question: x.question) }
                                 td { UI.chip(y.chip.status); UI.chipFigures(y.chip, question: y.question) } }
                        }
                        tr { th { "" }; td { a(href: "/hardware/\(URLs.segment(sa.device.id))") { "hardware page" } }; td { a(href: "/hardware/\(URLs.segment(sb.device.id))") { "hardware page" } } }
                    }
                })
            }
            div(.class("chart")) {
                SVGBarChart.svg(title: "Decode speed, \(aa.wire.model.name) \(aa.wire.quant)", rows: [aa, ab].filter { $0.runs }.map {
                    .init(label: $0.wire.hardware.name, value: $0.decode.expected, low: $0.decode.low, high: $0.decode.high, tier: $0.tier.rawValue)
                })
            }
            for ans in [aa, ab] {
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

    static func models(_ q: Params, engine: PageEngine) async -> HTMLResponse {
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
        return Layout.page(title: "\(ms[0].name) vs \(ms[1].name)", path: "/compare/models", crumbs: [("Compare", "/compare"), ("\(ms[0].name) vs \(ms[1].name)", nil)]) {
            h1 { "\(ms[0].name) vs \(ms[1].name)" }
            p(.class("lede")) { "On \(hwName), \(Format.context(ctx)) context." }
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
            p(.class("small muted")) { "No single winner: a bigger model at a lower quantisation against a smaller one at a higher — pick by what fits comfortably and the speed you need." }
            ul(.class("whatif")) {
                for m in ms { li { a(href: URLs.build("/models/\(URLs.segment(m.id))", [("hardware", hw)])) { b { m.name }; " model page" } } }
            }
            h2 { "Compare others" }
            form
        }
    }
}
