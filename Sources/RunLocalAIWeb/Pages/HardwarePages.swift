import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/hardware` (filters, sortable by Score) and `/hardware/{id}` (specs, Score with sub-scores, workload chips,
/// what runs on it).
enum HardwarePages {
    static func list(_ q: Params, engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        let facts = engine.site.derived.hardwareFacts
        let kind = q["kind"], vendor = q["vendor"], text = q["q"]?.lowercased()
        let minMem = q["min_memory"].flatMap(Double.init), maxPrice = q["max_price"].flatMap(Double.init)
        let sort = q["sort"] ?? "-score"
        var rows: [(HardwareDevice, HardwareFacts)] = c.hardware.compactMap { d in
            guard let f = facts.first(where: { $0.id == d.id }) else { return nil }
            return (d, f)
        }
        rows = rows.filter { d, f in
            (kind.map { d.kind.rawValue == $0 } ?? true) && (vendor.map { d.vendor.lowercased() == $0.lowercased() } ?? true)
                && (text.map { t in d.displayName.lowercased().contains(t) || d.id.contains(t) } ?? true)
                && (minMem.map { f.memory_gib >= $0 } ?? true)
                && (maxPrice.map { p in (f.price_street ?? .infinity) <= p } ?? true)
        }
        func key(_ r: (HardwareDevice, HardwareFacts), _ k: String) -> Double {
            switch k {
            case "memory": r.1.memory_gib
            case "bandwidth": r.0.bandwidthGBs
            case "price": r.1.price_street ?? .infinity
            default: Double(r.1.score.total)
            }
        }
        let desc = sort.hasPrefix("-"), k = sort.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if k == "name" { rows.sort { desc ? $0.0.displayName > $1.0.displayName : $0.0.displayName < $1.0.displayName } }
        else { rows.sort { key($0, k) != key($1, k) ? (desc ? key($0, k) > key($1, k) : key($0, k) < key($1, k)) : $0.0.id < $1.0.id } }
        let vendors = Array(Set(c.hardware.map(\.vendor))).sorted()
        let state: [(String, String?)] = [("q", q["q"]), ("kind", kind), ("vendor", vendor), ("min_memory", q["min_memory"]), ("max_price", q["max_price"])]
        let sorter = SortLinks(path: "/hardware", params: state, current: sort)
        return Layout.page(title: "Hardware", description: "GPUs, Macs and CPUs with RunLocalAI Score and workload chips.", path: "/hardware",
                           crumbs: [("Hardware", nil)]) {
            h1 { "Hardware" }
            p(.class("lede")) {
                "\(c.hardware.count) devices. The RunLocalAI Score (0–1000) sums throughput, memory fit, ecosystem and efficiency from the engine's "
                "plans of reference workloads, times the evidence's confidence; "
                a(href: "/methodology") { "how it is computed" }
                "."
            }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/hardware")], HTML {
                label { "Search"; input(.name("q"), .type("search"), .value(q["q"] ?? ""), Attr("placeholder", "3090, m4 max")) }
                label { "Kind"; selectElement(.name("kind")) {
                    UI.opt("", "any", selected: kind == nil)
                    for (v, l) in [("gpu", "GPU"), ("apple", "Apple silicon"), ("soc", "unified-memory PC"), ("cpu", "CPU only")] { UI.opt(v, l, selected: kind == v) }
                } }
                label { "Vendor"; selectElement(.name("vendor")) {
                    UI.opt("", "any", selected: vendor == nil)
                    for v in vendors { UI.opt(v, v, selected: vendor == v) }
                } }
                label { "Min memory (GB)"; input(.name("min_memory"), .type("number"), Attr("min", "0"), Attr("step", "any"), .value(q["min_memory"] ?? "")) }
                label { "Max price ($)"; input(.name("max_price"), .type("number"), Attr("min", "0"), .value(q["max_price"] ?? "")) }
                div { button(.type("submit")) { "Filter" } }
            })
            p(.class("small muted")) { "\(rows.count) shown" }
            div(.class("table-wrap")) {
                HTML.element("table", [], HTML {
                    thead { tr {
                        sorter.header("Hardware", key: "name")
                        sorter.header("Score", key: "score", numeric: true)
                        sorter.header("Memory", key: "memory", numeric: true)
                        sorter.header("GB/s", key: "bandwidth", numeric: true)
                        th(.class("hide-sm")) { "14B chat" }
                        th(.class("hide-sm")) { "70B chat" }
                        sorter.header("Street $", key: "price", numeric: true)
                    } }
                    tbody {
                        for (d, f) in rows {
                            tr {
                                td { a(href: "/hardware/\(URLs.segment(d.id))") { d.displayName } }
                                td(.class("num")) { String(f.score.total) }
                                td(.class("num")) { d.memoryChoicesGiB.count > 1 ? "≤ \(Format.gibValue(f.memory_gib))" : Format.gibValue(f.memory_gib) }
                                td(.class("num")) { Format.number(d.bandwidthGBs) }
                                td(.class("hide-sm")) { if let ch = f.chip("chat-14b") { UI.chip(ch.status) } }
                                td(.class("hide-sm")) { if let ch = f.chip("chat-70b") { UI.chip(ch.status) } }
                                td(.class("num")) { f.price_street.map(Format.money) ?? "—" }
                            }
                        }
                    }
                })
            }
        }
    }

    static func detail(_ id: String, _ q: Params, engine: PageEngine) async -> HTMLResponse {
        let c = engine.catalog
        // The page's hardware is read by the one hardware grammar: an id, a selection id ("2x-rtx-3090", "...@16gb"),
        // a name ("dual 3090"), with `count` and `memory` parameters on top.
        var name = id.replacingOccurrences(of: "@", with: " ")
        if let count = q["count"], let n = Int(count), n > 1, HardwareSelection.splitCount(name).0 == 1 { name = "\(n)x \(name)" }
        if let m = q["memory"], let v = Double(m.lowercased().replacingOccurrences(of: "gb", with: "")), v > 0, v < 100_000 { name += " \(QueryString.number(v))GB" }
        let selection: HardwareSelection
        do {
            guard name.count <= Question.maxNameLength else { throw QuestionError(.hardware, "hardware is longer than \(Question.maxNameLength) characters") }
            selection = try c.hardware(named: name)
        } catch {
            let sugg = UI.suggestions(error).compactMap { s in (try? c.hardware(named: s)).map { ($0.displayName, "/hardware/\(URLs.segment($0.id))") } }
            return UI.notFound("hardware '\(id.prefix(Question.maxNameLength))'", path: "/hardware/\(id.prefix(Question.maxNameLength))", suggestions: sugg)
        }
        let d = selection.device
        let useCase = q["use"].flatMap { CustomBuildQuery.useCases.contains($0) ? $0 : nil } ?? "chat"
        // The Score comes from the engine's own estimates (every card ranked the same way); the chips and rows shown
        // are the answers to the questions they link to.
        let score = engine.service.score(selection)
        let hwQuery = selection.query
        let chips = await engine.service.chips(for: selection)
        let rows = await engine.service.rows(for: selection, useCase: useCase)
        // "Check a model on it": the answer to `?model=&quant=&ctx=` on this selection.
        var checked: Answer?
        if let model = q["model"] {
            let pairs = q.questionPairs + [("model", model), ("hardware", name)]
            if let question = try? Question.parse(pairs) { checked = try? await engine.answer(question) }
        }
        return Layout.page(title: d.displayName, description: "\(d.displayName): specs, RunLocalAI Score, what runs on it and how fast.",
                           path: "/hardware/\(d.id)", crumbs: [("Hardware", "/hardware"), (d.displayName, nil)]) {
            p(.class("kicker")) { [d.vendor, d.kind.rawValue.uppercased(), d.form?.rawValue, d.released].compactMap { $0 }.joined(separator: " · ") }
            h1 { selection.displayName }
            if d.memoryChoicesGiB.count > 1 {
                p(.class("small")) {
                    "Memory: "
                    HTML.join(d.memoryChoicesGiB.map { m in
                        m == selection.memoryGiB ? HTML { strong { Format.gibValue(m) } }
                            : a(href: URLs.build("/hardware/\(d.id)", [("memory", Format.number(m)), ("count", selection.count > 1 ? String(selection.count) : nil)])) { Format.gibValue(m) }
                    }, separator: " · ")
                }
            }
            if selection.count > 1 {
                p(.class("small muted")) { "\(selection.count) cards, each with its own memory: never pooled. "; a(href: "/hardware/\(URLs.segment(d.id))") { "One card" }; "." }
            }
            if let checked {
                section(.class("panel")) {
                    p(.class("kicker")) { "Checked: \(checked.wire.model.name) \(checked.wire.quant), \(Format.context(checked.wire.context)) context" }
                    p { UI.tier(checked.tier); " "; checked.runs ? "\(Format.tps(checked.decode.expected)) tok/s decode" : "" ; " · needs \(Format.bytes(checked.neededBytes))"
                        " · "; a(href: checked.question.url()) { "full answer" } }
                    UI.figures(checked)
                }
            }
            div(.class("grid g2")) {
                section(.class("panel")) {
                    p(.class("kicker")) { "RunLocalAI Score" }
                    p(.class("score")) { String(score.total); small { " / 1000" } }
                    p(.class("small muted")) { "\(Format.number(score.raw)) points × \(String(format: "%.2f", score.confidence_multiplier)) (evidence: \(score.evidence))" }
                    p(.class("small muted")) { "Scored on the engine's estimates, so every card is ranked the same way; the workloads below show measured speeds where approved runs exist." }
                    for (label, value, maxV) in [("Throughput", score.throughput, HardwareScore.throughputMax), ("Memory fit", score.vram_fit, HardwareScore.vramFitMax),
                                                 ("Ecosystem", score.ecosystem, HardwareScore.ecosystemMax), ("Efficiency", score.efficiency, HardwareScore.efficiencyMax)] {
                        div(.class("small")) { span { label }; span(.class("mono muted")) { " \(Format.number(value)) / \(Format.number(maxV))" } }
                        div(.class("meter")) { HTML.element("i", [Attr("style", "width:\(Format.number(min(100, value / maxV * 100), digits: 1))%")]) }
                    }
                }
                section {
                    dl(.class("kv")) {
                        dt { "memory" }; dd { (selection.count > 1 ? "\(selection.count) × " : "") + "\(selection.memoryGiB.map(Format.gibValue) ?? "—")\(d.memoryType.map { " \($0)" } ?? "")" + (selection.count > 1 ? " (one pool per card)" : "") }
                        dt { "bandwidth" }; dd { "\(Format.number(d.bandwidthGBs)) GB/s" }
                        if let bus = d.busWidthBits { dt { "bus" }; dd { "\(bus)-bit" } }
                        if let t = d.fp16TensorTFLOPS { dt { "FP16 tensor" }; dd { "\(Format.number(t, digits: 1)) TFLOPS" } }
                        if let t = d.fp32TFLOPS { dt { "FP32" }; dd { "\(Format.number(t, digits: 1)) TFLOPS" } }
                        if let w = d.tdpW { dt { "TDP" }; dd { selection.count > 1 ? "\(selection.count) × \(Format.number(w)) W" : "\(Format.number(w)) W" } }
                        if let cores = d.gpuCores { dt { "GPU cores" }; dd { String(cores) } }
                        if let cores = d.cores ?? d.cpuCores { dt { "CPU cores" }; dd { String(cores) } }
                        if let pcie = d.pcie { dt { "PCIe" }; dd { pcie } }
                        dt { "backends" }; dd { d.backends.map(\.displayName).joined(separator: ", ") }
                        if let p = d.price {
                            if let s = p.street { dt { "street price" }; dd { Format.money(s) + (p.asOf.map { " (\($0))" } ?? "") } }
                            if let u = p.used { dt { "used price" }; dd { Format.money(u) } }
                            if let l = p.launch { dt { "launch price" }; dd { Format.money(l) } }
                        }
                        if let tpj = score.tokens_per_joule { dt { "7B tok/J" }; dd { String(format: "%.3f", tpj) } }
                        dt { "source" }; dd(.class("small")) { Markdown.inline(d.source) }
                    }
                }
            }
            h2 { "Workloads" }
            p(.class("small muted")) { "Reference workloads at Q4_K_M, 8K context unless stated; each links to its full answer." }
            ul(.class("chips")) {
                for (ch, question) in chips {
                    li {
                        a(href: question.url()) { ch.label }
                        UI.chip(ch.status)
                        if ch.status != .doesNotFit { span(.class("mono small")) { "\(Format.tps(ch.decode_tps)) tok/s " }; UI.evidence(ch.evidence) }
                        UI.chipFigures(ch, question: question)
                    }
                }
            }
            h2 { "What runs on it" }
            p(.class("small")) {
                "Use case: "
                HTML.join(CustomBuildQuery.useCases.map { u in
                    u == useCase ? HTML { strong { u } } : a(href: URLs.build("/hardware/\(d.id)", [("use", u), ("memory", q["memory"])])) { u }
                }, separator: " · ")
                span(.class("muted")) { " — best quantisation for each model at 8K context." }
            }
            UI.table([("Model", false), ("Verdict", false), ("Quant", false), ("Decode tok/s", true), ("Evidence", false), ("Needed", true)]) {
                for a in rows {
                    tr {
                        td { HTML.element("a", [Attr("href", "/models/\(URLs.segment(a.wire.model.id))")], HTML(text: a.wire.model.name)); UI.figures(a) }
                        td { HTML.element("a", [Attr("href", a.question.url())], UI.tier(a.tier)) }
                        td(.class("mono")) { a.wire.quant }
                        td(.class("num")) { a.runs ? Format.tps(a.decode.expected) : "—" }
                        td { a.runs ? UI.evidence(a.wire.speed.evidence) : HTML("—") }
                        td(.class("num")) { Format.bytes(a.neededBytes) }
                    }
                }
            }
            ul(.class("whatif")) {
                li { a(href: URLs.build("/will-it-run/custom", [("gpu", hwQuery), ("os", d.kind == .apple ? "macos" : nil), ("use", useCase)])) { b { "Custom build" }; " with this card" } }
                li { a(href: URLs.build("/compare", [("a", hwQuery)])) { b { "Compare" }; " with another card" } }
                li { a(href: URLs.build("/benchmarks", [("hardware", d.id)])) { b { "Benchmarks" }; " on this hardware" } }
            }
            p(.class("small muted")) {
                "Measured it yourself? Submit your run with "
                code { "runlocalai bench --submit" }
                " or the "
                a(href: "/benchmarks/submit") { "form" }
                "."
            }
        }
    }
}
