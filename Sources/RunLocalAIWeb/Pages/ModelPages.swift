import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/models` (server-side filters) and `/models/{id}` (architecture, memory by quant × context on a chosen
/// card, speed across reference hardware, commands).
enum ModelPages {
    /// A VLM's parameter count is its language model's (the catalog's one meaning of `params_b`); the vision tower is
    /// named beside it, never silently added or left out.
    static func visionTower(_ m: CatalogModel) -> String {
        guard m.isVisionModel else { return "" }
        guard let encoder = m.vision?.encoderParamsM else { return " in the language model, plus a vision encoder" }
        return " in the language model, plus a \(Format.params(encoder / 1000)) vision encoder"
    }

    /// Hardware every model page measures itself against.
    static let referenceHardware = ["rtx-3060-12gb", "rtx-4060-ti-16gb", "rtx-3090", "rtx-4090", "rtx-5090", "rx-7900-xtx", "2x rtx-3090",
                                    "apple-m4-pro-20c", "apple-m4-max-40c", "apple-m3-ultra-80c", "ryzen-ai-max-plus-395", "dgx-spark",
                                    "h100-pcie", "cpu-ddr5-6000-2ch"]

    /// KV heads: one number, or the range when layers differ.
    static func kvHeads(_ a: ModelArchitecture) -> String {
        let lo = a.kvHeadsPerLayer.min() ?? 0, hi = a.kvHeadsPerLayer.max() ?? 0
        return lo == hi ? String(hi) : "\(lo)–\(hi)"
    }

    static func list(_ q: Params, engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        let text = q["q"]?.lowercased()
        let family = q["family"], use = q["use"], kind = q["kind"]
        let maxParams = q["max_params"].flatMap(Double.init)
        let sort = q["sort"] ?? "name"
        var models = c.models.filter { m in
            (text.map { t in m.name.lowercased().contains(t) || m.id.contains(t) || m.aliases.contains { $0.lowercased().contains(t) } } ?? true)
                && (family.map { m.family == $0 } ?? true)
                && (use.map { m.use.contains($0) } ?? true)
                && (maxParams.map { m.paramsB <= $0 } ?? true)
                && (kind.map { k in k == "vision" ? m.isVisionModel : k == "moe" ? m.isMoE : k == "dense" ? !m.isMoE : true } ?? true)
        }
        switch sort {
        case "params": models.sort { $0.paramsB < $1.paramsB }
        case "-params": models.sort { $0.paramsB > $1.paramsB }
        case "context": models.sort { $0.architecture.contextLength < $1.architecture.contextLength }
        case "-context": models.sort { $0.architecture.contextLength > $1.architecture.contextLength }
        case "released": models.sort { ($0.released ?? "") < ($1.released ?? "") }
        case "-released": models.sort { ($0.released ?? "") > ($1.released ?? "") }
        case "-name": models.sort { $0.name.lowercased() > $1.name.lowercased() }
        default: models.sort { $0.name.lowercased() < $1.name.lowercased() }
        }
        let families = Array(Set(c.models.map(\.family))).sorted()
        let uses = Array(Set(c.models.flatMap(\.use))).sorted()
        let state: [(String, String?)] = [("q", q["q"]), ("family", family), ("use", use), ("kind", kind), ("max_params", q["max_params"])]
        let sorter = SortLinks(path: "/models", params: state + [("sort", sort)], current: sort)
        return Layout.page(title: "Models", description: "Every model in the catalog with its architecture and memory.", path: "/models",
                           crumbs: [("Models", nil)]) {
            h1 { "Models" }
            p(.class("lede")) { "\(c.models.count) models. Open one for its memory by quantisation and context, and how fast it runs on common hardware." }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/models")], HTML {
                label { "Search"; input(.name("q"), .type("search"), .value(q["q"] ?? ""), Attr("placeholder", "qwen, llama, 70b")) }
                label { "Family"; selectElement(.name("family")) {
                    UI.opt("", "any", selected: family == nil)
                    for f in families { UI.opt(f, f, selected: family == f) }
                } }
                label { "Use"; selectElement(.name("use")) {
                    UI.opt("", "any", selected: use == nil)
                    for u in uses { UI.opt(u, u, selected: use == u) }
                } }
                label { "Kind"; selectElement(.name("kind")) {
                    UI.opt("", "any", selected: kind == nil)
                    for (k, l) in [("dense", "dense"), ("moe", "mixture of experts"), ("vision", "vision")] { UI.opt(k, l, selected: kind == k) }
                } }
                label { "Max params (B)"; input(.name("max_params"), .type("number"), Attr("step", "any"), Attr("min", "0"), .value(q["max_params"] ?? "")) }
                div { button(.type("submit")) { "Filter" } }
            })
            p(.class("small muted")) { "\(models.count) shown" }
            div(.class("table-wrap")) {
                HTML.element("table", [], HTML {
                    thead { tr {
                        sorter.header("Model", key: "name")
                        sorter.header("Params", key: "params", numeric: true)
                        th(.class("hide-sm")) { "Family" }
                        th(.class("num hide-sm")) { "Layers" }
                        sorter.header("Context", key: "context", numeric: true)
                        th { "Kind" }
                        sorter.header("Released", key: "released", numeric: true)
                    } }
                    tbody {
                        for m in models {
                            tr {
                                td { a(href: "/models/\(URLs.segment(m.id))") { m.name } }
                                td(.class("num")) { Format.params(m.paramsB) }
                                td(.class("hide-sm")) { m.family }
                                td(.class("num hide-sm")) { String(m.architecture.layers) }
                                td(.class("num")) { Format.context(m.architecture.contextLength) }
                                td { [m.isMoE ? "MoE" : "dense", m.isVisionModel ? "vision" : nil].compactMap { $0 }.joined(separator: " · ") }
                                td(.class("num")) { m.released ?? "—" }
                            }
                        }
                    }
                })
            }
        }
    }

    static func detail(_ id: String, _ q: Params, engine: PageEngine) async -> HTMLResponse {
        let c = engine.catalog
        guard let m = c.model(id: id) ?? (try? c.model(named: id)) else {
            var sugg: [(String, String)] = []
            do { _ = try c.model(named: id) } catch {
                sugg = UI.suggestions(error).compactMap { s in (try? c.model(named: s)).map { ($0.name, "/models/\(URLs.segment($0.id))") } }
            }
            return UI.notFound("model '\(id)'", path: "/models/\(id)", suggestions: sugg)
        }
        let hwQuery = q["hardware"] ?? "rtx-4090"
        let selection: HardwareSelection
        do {
            guard hwQuery.count <= Question.maxNameLength else { throw QuestionError(.hardware, "hardware is longer than \(Question.maxNameLength) characters") }
            selection = try c.hardware(named: hwQuery)
        } catch {
            return UI.problem(status: .badRequest, title: "Unknown hardware", message: UI.message(error), path: "/models/\(m.id)",
                              suggestions: UI.suggestions(error).map { ($0, URLs.build("/models/\(URLs.segment(m.id))", [("hardware", $0)])) })
        }
        let images = m.isVisionModel ? 1 : 0
        let ctxs = PageEngine.contexts.filter { $0 <= max(m.architecture.contextLength, 2048) }
        // Memory by quant × context on the chosen hardware (the engine's plan: evidence changes speeds, not memory).
        var grid: [(quant: String, cells: [Answer?])] = []
        for quant in PageEngine.tableQuants + (m.nativeQuant.map { [$0.name] } ?? []) {
            grid.append((quant, ctxs.map { ctx in
                try? engine.service.estimate(Question(model: m.id, quant: quant, hardware: hwQuery, context: ctx, images: ctx > 1024 ? images : 0))
            }))
        }
        let defaultCtx = Question.contextParameter(q["ctx"]) ?? min(8192, m.architecture.contextLength)
        let quant = q["quant"].flatMap { QuantMix(name: $0)?.name } ?? m.nativeQuant?.name ?? Question.defaultQuant
        // The page's own question: its parameters through the one grammar, the page's defaults filling the rest.
        var mainPairs = q.questionPairs.filter { $0.0 != "quant" && $0.0 != "ctx" } + [("model", m.id), ("hardware", hwQuery), ("quant", quant), ("ctx", String(defaultCtx))]
        if q["images"] == nil { mainPairs.append(("images", String(images))) }
        let main: Answer? = await { () async -> Answer? in
            guard let question = try? Question.parse(mainPairs) else { return nil }
            return try? await engine.answer(question)
        }()
        let across: [(String, Answer)] = zip(referenceHardware, await engine.answers(referenceHardware.map {
            Question(model: m.id, quant: quant, hardware: $0, context: defaultCtx, images: images)
        })).compactMap { h, a in a.map { (h, $0) } }
        let arch = m.architecture
        let palette = SVGLineChart.palette
        let series: [SVGLineChart.Series] = grid.enumerated().compactMap { i, row in
            let vals = row.cells.map { Double($0?.neededBytes ?? 0) / Format.gib }
            guard !vals.contains(0) else { return nil }
            return .init(label: row.quant, values: vals, color: palette[i % palette.count])
        }
        let usable = main?.wire.devices.filter { $0.kind != "host" }.reduce(UInt64(0)) { $0 + $1.usable_bytes } ?? 0
        return Layout.page(title: m.name, description: "\(m.name): memory by quantisation and context, speed on common hardware, commands.",
                           path: "/models/\(m.id)", crumbs: [("Models", "/models"), (m.name, nil)]) {
            p(.class("kicker")) { [m.family, m.vendor, m.license].filter { !$0.isEmpty }.joined(separator: " · ") }
            h1 { m.name }
            p(.class("lede")) {
                "\(Format.params(m.paramsB)) parameters\(m.isMoE ? " (mixture of experts)" : "")\(Self.visionTower(m)), \(arch.layers) layers, \(Format.context(arch.contextLength)) context"
                m.isVisionModel ? ", takes images." : "."
                if !m.use.isEmpty { " Good for: \(m.use.joined(separator: ", "))." }
            }
            ul(.class("whatif")) {
                li { a(href: Question(model: m.id, quant: quant, hardware: hwQuery, context: defaultCtx, images: images).url()) { b { "Will it run?" }; " on \(selection.displayName)" } }
                li { a(href: URLs.build("/compare/models", [("a", m.id), ("hardware", hwQuery)])) { b { "Compare" }; " with another model" } }
                li { a(href: URLs.build("/benchmarks", [("model", m.id)])) { b { "Benchmarks" }; " of this model" } }
            }
            div(.class("grid g2")) {
                section {
                    h2 { "Architecture" }
                    dl(.class("kv")) {
                        dt { "arch" }; dd { arch.arch }
                        dt { "parameters" }; dd { m.isVisionModel ? "\(m.paramsB) B (language model)" : "\(m.paramsB) B" }
                        if let encoder = m.vision?.encoderParamsM { dt { "vision encoder" }; dd { "\(Int(encoder.rounded())) M" } }
                        dt { "layers" }; dd { String(arch.layers) }
                        dt { "hidden" }; dd { String(arch.hidden) }
                        dt { "heads / KV heads" }; dd { "\(arch.heads) / \(kvHeads(arch))" }
                        dt { "head dim" }; dd { arch.headDimK == arch.headDimV ? String(arch.headDimK) : "\(arch.headDimK) K / \(arch.headDimV) V" }
                        dt { "vocab" }; dd { String(arch.vocab) }
                        dt { "context" }; dd { String(arch.contextLength) }
                        if let w = arch.slidingWindow, arch.hasSlidingWindow { dt { "sliding window" }; dd { "\(w) tokens on \(arch.swaLayers.filter { $0 }.count) of \(arch.layers) layers" } }
                        if let moe = arch.moe { dt { "experts" }; dd { "\(moe.experts) (\(moe.active) active\(moe.shared > 0 ? ", \(moe.shared) shared" : ""))" } }
                        if let mla = arch.mla { dt { "attention" }; dd { "multi-head latent (MLA)" + (mla.indexerKeyLength > 0 ? " with sparse attention (DSA indexer)" : "") } }
                        if let r = arch.recurrent {
                            dt { "recurrent layers" }
                            dd { "\(arch.recurrentLayerCount) of \(arch.layers) (\(r.kind.rawValue)); " + String(format: "%.1f MiB of f32 state per sequence instead of a KV cache", Double(arch.recurrentStateBytes(sequences: 1)) / 1_048_576) }
                        }
                        if let from = arch.kvLayersFromStart { dt { "shared KV" }; dd { "the first \(from) layers keep KV; the other \(arch.layers - from) read theirs" } }
                        if let v = m.vision { dt { "vision" }; dd { "\(v.encoder), \(v.tokensPerImage) tokens/image" } }
                        if let o = m.ollama { dt { "ollama" }; dd { o } }
                        if let r = m.ggufRepo { dt { "gguf" }; dd { a(href: "https://huggingface.co/\(r)", Attr("rel", "nofollow noopener")) { r } } }
                        dt { "source" }; dd(.class("small")) { Markdown.inline(m.source) }
                    }
                }
                section {
                    h2 { "On \(selection.displayName)" }
                    if let main {
                        p { UI.tier(main.tier); " "; span(.class("small muted")) { "\(main.wire.quant), \(Format.context(main.wire.context)) context" } }
                        UI.figures(main)
                        dl(.class("stats")) {
                            div { dt { "Decode" }; dd { main.runs ? UI.speed(main.decode) : HTML("—") } }
                            div { dt { "Needed" }; dd { Format.bytes(main.neededBytes) } }
                            div { dt { "GPU layers" }; dd { "\(main.wire.fit.gpu_layers)"; small { " of \(main.wire.fit.total_layers)" } } }
                            div { dt { "Evidence" }; dd { UI.evidence(main.wire.speed.evidence) } }
                        }
                        HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/models/\(m.id)"), Attr("style", "margin-top:14px")], HTML {
                            div(.class("fields")) {
                                label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), .value(hwQuery), Attr("list", "dl-hardware")) }
                                label { "Quant"; selectElement(.name("quant")) { for qn in PageEngine.quantLadder + ["MXFP4"] { UI.opt(qn, qn, selected: qn == quant) } } }
                                label { "Context"; selectElement(.name("ctx")) { for x in ctxs { UI.opt(String(x), Format.context(x), selected: x == defaultCtx) } } }
                                div { button(.type("submit")) { "Show" } }
                            }
                            HTML.element("datalist", [.id("dl-hardware")], HTML {
                                for h in c.hardware { HTML.void("option", [.value(h.id), Attr("label", h.displayName)]) }
                            })
                        })
                    }
                }
            }
            h2 { "Memory by quantisation and context" }
            p(.class("small muted")) {
                "Memory llama.cpp keeps resident (weights, KV cache at f16, compute buffers, overhead)\(images > 0 ? " with one image" : ""), "
                "coloured by the verdict on \(selection.displayName). The dashed line is what its GPU can use."
            }
            div(.class("chart")) {
                SVGLineChart.svg(title: "Memory of \(m.name) by context, per quantisation", xs: ctxs, series: series,
                                 references: usable > 0 ? [.init(label: "\(selection.displayName) usable", value: Double(usable) / Format.gib)] : [])
                SVGLineChart.legend(series)
            }
            UI.table([("Quant", false)] + ctxs.map { (Format.context($0), true) }) {
                for row in grid {
                    tr {
                        th { row.quant }
                        for cell in row.cells {
                            if let cell {
                                td(.class("num")) {
                                    a(href: cell.question.url(),
                                      .class("tier \(cell.tier.rawValue)"), .title(cell.tier.label)) { Format.gibNumber(cell.neededBytes) }
                                }
                            } else { td(.class("num muted")) { "—" } }
                        }
                    }
                }
            }
            p(.class("small muted")) { "GiB. Green: runs comfortably; amber: with tradeoffs (offload, tight or slow); red: won't run. Each cell links to its full answer." }
            h2 { "Speed on common hardware" }
            p(.class("small muted")) { "\(quant), \(Format.context(defaultCtx)) context. Bar: expected decode; whisker: its range. Measured figures replace the engine's estimate where approved runs exist (evidence column)." }
            div(.class("chart")) {
                SVGBarChart.svg(title: "Decode speed of \(m.name) \(quant) by hardware",
                                rows: across.filter { $0.1.runs }.map { h, ans in
                                    .init(label: ans.wire.hardware.name, value: ans.decode.expected, low: ans.decode.low,
                                          high: ans.decode.high, tier: ans.tier.rawValue,
                                          note: ans.placement == .partial ? "\(ans.wire.fit.gpu_layers)/\(ans.wire.fit.total_layers) layers" : nil)
                                })
            }
            UI.table([("Hardware", false), ("Verdict", false), ("Decode tok/s", true), ("Prefill tok/s", true), ("Evidence", false), ("Memory", true), ("", false)]) {
                for (_, ans) in across {
                    tr {
                        td { ans.wire.hardware.name; UI.figures(ans) }
                        td { UI.tier(ans.tier) }
                        td(.class("num")) { ans.runs ? "\(Format.tps(ans.decode.expected)) (\(Format.tps(ans.decode.low))–\(Format.tps(ans.decode.high)))" : "—" }
                        td(.class("num")) { ans.runs ? Format.tps(ans.prefill.expected) : "—" }
                        td { ans.runs ? UI.evidence(ans.wire.speed.evidence) : HTML("—") }
                        td(.class("num")) { Format.bytes(ans.neededBytes) }
                        td { a(href: ans.question.url()) { "details" } }
                    }
                }
            }
            if let main, !main.wire.commands.isEmpty {
                h2 { "Run it yourself" }
                p(.class("small muted")) { "On \(selection.displayName), \(main.wire.quant), \(Format.context(main.wire.context)) context." }
                UI.commands(main.wire.commands)
            }
        }
    }
}
