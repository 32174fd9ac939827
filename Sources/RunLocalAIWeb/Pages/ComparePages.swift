import Foundation
import Hummingbird
import RunLocalAICore

/// `/compare?a=&b=&model=` (two pieces of hardware on one model) and `/compare/models?a=&b=&hardware=`.
enum ComparePages {
    static func hardware(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let c = engine.catalog
        let aName = q["a"], bName = q["b"]
        let model = q["model"] ?? "llama-3.1-8b"
        let ctx = q["ctx"].flatMap(WillItRunState.parseContext) ?? 8192
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
        var sides: [(HardwareSelection, WillItRunAnswer, [WorkloadChip], HardwareScore)] = []
        for name in [aName, bName] {
            do {
                let sel = try c.hardware(named: name)
                let ans = try await engine.answer(WillItRunQuery(model: model, quant: "Q4_K_M", hardware: name, context: ctx))
                let chips = engine.chips(sel)
                sides.append((sel, ans, chips, engine.score(sel, chips: chips)))
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
            p(.class("lede")) { "\(aa.model.name) Q4_K_M at \(Format.context(ctx)) context on each." }
            div(.class("table-wrap")) {
                HTML.element("table", [], HTML {
                    thead { tr { th { "" }; th { sa.displayName }; th { sb.displayName } } }
                    tbody {
                        tr { th { "Verdict" }; td { UI.tier(aa.fit.tier) }; td { UI.tier(ab.fit.tier) } }
                        tr { th { "Decode tok/s" }; td(.class("num")) { speed(aa) }; td(.class("num")) { speed(ab) } }
                        tr { th { "Prefill tok/s" }; td(.class("num")) { aa.fit.tier == "wont-run" ? "—" : Format.tps(aa.speed.prefill_tps.expected) }
                             td(.class("num")) { ab.fit.tier == "wont-run" ? "—" : Format.tps(ab.speed.prefill_tps.expected) } }
                        tr { th { "GPU layers" }; td(.class("num")) { "\(aa.fit.gpu_layers)/\(aa.fit.total_layers)" }; td(.class("num")) { "\(ab.fit.gpu_layers)/\(ab.fit.total_layers)" } }
                        tr { th { "Memory used" }; td(.class("num")) { Format.bytes(aa.memory.total_bytes) }; td(.class("num")) { Format.bytes(ab.memory.total_bytes) } }
                        tr { th { "Score" }; td(.class("num")) { String(sca.total) }; td(.class("num")) { String(scb.total) } }
                        tr { th { "Memory" }; td(.class("num")) { sa.memoryGiB.map(Format.gibValue) ?? "—" }; td(.class("num")) { sb.memoryGiB.map(Format.gibValue) ?? "—" } }
                        tr { th { "Bandwidth" }; td(.class("num")) { "\(Format.number(sa.device.bandwidthGBs)) GB/s" }; td(.class("num")) { "\(Format.number(sb.device.bandwidthGBs)) GB/s" } }
                        tr { th { "TDP" }; td(.class("num")) { sa.device.tdpW.map { "\(Format.number($0)) W" } ?? "—" }; td(.class("num")) { sb.device.tdpW.map { "\(Format.number($0)) W" } ?? "—" } }
                        tr { th { "Street price" }; td(.class("num")) { sa.device.price?.street.map(Format.money) ?? "—" }; td(.class("num")) { sb.device.price?.street.map(Format.money) ?? "—" } }
                        for (x, y) in zip(ca, cb) {
                            tr { th { x.label }; td { UI.chip(x.status) }; td { UI.chip(y.status) } }
                        }
                        tr { th { "" }; td { a(href: "/hardware/\(URLs.segment(sa.device.id))") { "hardware page" } }; td { a(href: "/hardware/\(URLs.segment(sb.device.id))") { "hardware page" } } }
                    }
                })
            }
            div(.class("chart")) {
                SVGBarChart.svg(title: "Decode speed, \(aa.model.name) Q4_K_M", rows: [aa, ab].filter { $0.fit.tier != "wont-run" }.map {
                    .init(label: $0.hardware.name, value: $0.speed.decode_tps.expected, low: $0.speed.decode_tps.low, high: $0.speed.decode_tps.high, tier: $0.fit.tier)
                })
            }
            for ans in [aa, ab] {
                for d in ans.devices where d.kind != "host" || ans.devices.count == 1 {
                    let bar = SVGMemoryBar.input(device: d)
                    div(.class("chart")) {
                        p(.class("small")) { strong { d.kind == "host" ? "System RAM" : d.name }; span(.class("muted")) { " · \(d.layers) layers · " }
                                             span(.class(d.total_bytes > d.usable_bytes ? "mono over" : "mono")) { "\(Format.bytes(d.total_bytes)) used" } }
                        SVGMemoryBar.svg(bar); SVGMemoryBar.legend(bar)
                    }
                }
            }
            h2 { "Compare other cards" }
            form
        }
    }

    static func speed(_ a: WillItRunAnswer) -> String {
        a.fit.tier == "wont-run" ? "—" : "\(Format.tps(a.speed.decode_tps.expected)) (\(Format.tps(a.speed.decode_tps.low))–\(Format.tps(a.speed.decode_tps.high)))"
    }

    static func models(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let aName = q["a"], bName = q["b"]
        let hw = q["hardware"] ?? "rtx-4090"
        let ctx = q["ctx"].flatMap(WillItRunState.parseContext) ?? 8192
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
            do { ms.append(try c.model(named: name)); _ = try c.hardware(named: hw) } catch {
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
            WillItRunQuery(model: m.id, quant: quant, hardware: hw, context: min(ctx, m.architecture.contextLength))
        } })
        /// Side `side` (0 or 1) at `quant`.
        func ans(_ side: Int, _ quant: String) -> WillItRunAnswer? { answers[side * quants.count + quants.firstIndex(of: quant)!] }
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
                        td { if let x { UI.tier(x.fit.tier); " "; span(.class("mono small")) { "\(Format.bytes(x.memory.total_bytes))\(x.fit.tier == "wont-run" ? "" : ", \(Format.tps(x.speed.decode_tps.expected)) tok/s")" } } else { "—" } }
                        td { if let y { UI.tier(y.fit.tier); " "; span(.class("mono small")) { "\(Format.bytes(y.memory.total_bytes))\(y.fit.tier == "wont-run" ? "" : ", \(Format.tps(y.speed.decode_tps.expected)) tok/s")" } } else { "—" } }
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
