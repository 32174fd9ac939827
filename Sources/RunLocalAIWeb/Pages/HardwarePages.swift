import Foundation
import Hummingbird
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
        guard let d = c.device(id: id) ?? (try? c.hardware(named: id))?.device else {
            var sugg: [(String, String)] = []
            do { _ = try c.hardware(named: id) } catch {
                sugg = UI.suggestions(error).compactMap { s in (try? c.hardware(named: s)).map { ($0.device.displayName, "/hardware/\(URLs.segment($0.device.id))") } }
            }
            return UI.notFound("hardware '\(id)'", path: "/hardware/\(id)", suggestions: sugg)
        }
        var selection = HardwareSelection(device: d)
        if let m = q["memory"].flatMap(Double.init), d.memoryChoicesGiB.contains(m) { selection.memoryGiB = m }
        let useCase = q["use"].flatMap { CustomBuildQuery.useCases.contains($0) ? $0 : nil } ?? "chat"
        // The Score is computed from the engine's chips (every card ranked the same way); the chips shown carry evidence.
        let estimated = engine.chips(selection)
        let score = engine.score(selection, chips: estimated)
        let system = TargetSystem(selection)
        let hwQuery = selection.query
        let chips = await engine.site.chipsWithEvidence(estimated, hardware: selection)
        // The verdicts (best quant per model) are the engine's; the speed shown for each is the will-it-run answer's.
        let verdicts = Array(CustomBuild.verdicts(system: system, useCase: useCase, context: 8192, catalog: c, profiles: engine.profiles).prefix(40))
        let verdictAnswers = await engine.answers(verdicts.map { v in
            WillItRunQuery(model: v.id, quant: v.quant, hardware: hwQuery, context: 8192, images: useCase == "vision" ? 1 : 0)
        })
        return Layout.page(title: d.displayName, description: "\(d.displayName): specs, RunLocalAI Score, what runs on it and how fast.",
                           path: "/hardware/\(d.id)", crumbs: [("Hardware", "/hardware"), (d.displayName, nil)]) {
            p(.class("kicker")) { [d.vendor, d.kind.rawValue.uppercased(), d.form?.rawValue, d.released].compactMap { $0 }.joined(separator: " · ") }
            h1 { selection.displayName }
            if d.memoryChoicesGiB.count > 1 {
                p(.class("small")) {
                    "Memory: "
                    HTML.join(d.memoryChoicesGiB.map { m in
                        m == selection.memoryGiB ? HTML { strong { Format.gibValue(m) } }
                            : a(href: URLs.build("/hardware/\(d.id)", [("memory", Format.number(m))])) { Format.gibValue(m) }
                    }, separator: " · ")
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
                        dt { "memory" }; dd { "\(selection.memoryGiB.map(Format.gibValue) ?? "—")\(d.memoryType.map { " \($0)" } ?? "")" }
                        dt { "bandwidth" }; dd { "\(Format.number(d.bandwidthGBs)) GB/s" }
                        if let bus = d.busWidthBits { dt { "bus" }; dd { "\(bus)-bit" } }
                        if let t = d.fp16TensorTFLOPS { dt { "FP16 tensor" }; dd { "\(Format.number(t, digits: 1)) TFLOPS" } }
                        if let t = d.fp32TFLOPS { dt { "FP32" }; dd { "\(Format.number(t, digits: 1)) TFLOPS" } }
                        if let w = d.tdpW { dt { "TDP" }; dd { "\(Format.number(w)) W" } }
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
                for ch in chips {
                    li {
                        a(href: WillItRunState(model: ch.model, quant: ch.quant, hardware: hwQuery, ctx: ch.context, images: ch.images).url) { ch.label }
                        UI.chip(ch.status)
                        if ch.status != .doesNotFit { span(.class("mono small")) { "\(Format.tps(ch.decode_tps)) tok/s " }; UI.evidence(ch.evidence) }
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
            UI.table([("Model", false), ("Verdict", false), ("Quant", false), ("Decode tok/s", true), ("Evidence", false), ("Memory", true)]) {
                for (v, ans) in zip(verdicts, verdictAnswers) {
                    tr {
                        td { a(href: "/models/\(URLs.segment(v.id))") { v.name } }
                        td { UI.tier(v.tier) }
                        td(.class("mono")) { v.quant }
                        td(.class("num")) { v.tier == "wont-run" ? "—" : Format.tps(ans?.speed.decode_tps.expected ?? v.decode_tps) }
                        td { v.tier == "wont-run" ? HTML("—") : UI.evidence(ans?.speed.evidence ?? Evidence.estimated.rawValue) }
                        td(.class("num")) { Format.bytes(v.total_bytes) }
                    }
                }
            }
            ul(.class("whatif")) {
                li { a(href: URLs.build("/will-it-run/custom", [("gpu", hwQuery), ("os", d.kind == .apple ? "macos" : nil), ("use", useCase)])) { b { "Custom build" }; " with this card" } }
                li { a(href: URLs.build("/compare", [("a", d.id)])) { b { "Compare" }; " with another card" } }
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
