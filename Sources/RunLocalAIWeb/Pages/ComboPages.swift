import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/hardware-combos` (filters `?interconnect=pcie|nvlink|...&vram=40`) and `/hardware-combos/{id}`: several cards in
/// one machine — topology, the memory a model really gets and why it is below the sum, the ways runtimes split a
/// model, what breaks, and what runs, every figure an answer of the engine.
enum ComboPages {
    static func totalGiB(_ c: HardwareCombo, _ catalog: Catalog) -> Double {
        c.cards.reduce(0) { $0 + Double($1.count) * (catalog.device(id: $1.hardware)?.memoryGiB ?? 0) }
    }

    static func list(_ q: Params, engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        let link = q["interconnect"].flatMap(HardwareCombo.Interconnect.init(rawValue:))
        if let raw = q["interconnect"], link == nil {
            return UI.problem(status: .badRequest, title: "Hardware combos", message: "interconnect '\(raw.prefix(40))' is not one of \(HardwareCombo.Interconnect.allCases.map(\.rawValue).joined(separator: ", "))",
                              path: "/hardware-combos", suggestions: HardwareCombo.Interconnect.allCases.map { ($0.displayName, "/hardware-combos?interconnect=\($0.rawValue)") })
        }
        var minVRAM: Double?
        if let v = q["vram"] {
            guard let x = Double(v), x >= 0, x <= 100_000 else {
                return UI.problem(status: .badRequest, title: "Hardware combos", message: "vram '\(v.prefix(40))' must be a number of GB (0 to 100000)", path: "/hardware-combos",
                                  suggestions: [("48 GB or more", "/hardware-combos?vram=48")])
            }
            minVRAM = x
        }
        let combos = c.combos.filter { (link == nil || $0.interconnect == link) && totalGiB($0, c) >= (minVRAM ?? 0) }
        let memories = engine.site.derived.comboMemory
        return Layout.page(title: "Hardware combos", description: "Two or more GPUs in one machine: the memory a model really gets, split strategies, what breaks.",
                           path: "/hardware-combos", crumbs: [("Hardware combos", nil)]) {
            h1 { "Hardware combos" }
            p(.class("lede")) { "Several cards in one machine. Their memory is never one pool: each card holds its own layers, its own KV cache and its own compute buffer, so a model gets less than the sum. The engine plans every combo the way llama.cpp splits it." }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/hardware-combos")], HTML {
                label { "Interconnect"; selectElement(.name("interconnect")) {
                    UI.opt("", "any", selected: link == nil)
                    for i in HardwareCombo.Interconnect.allCases where c.combos.contains(where: { $0.interconnect == i }) || link == i {
                        UI.opt(i.rawValue, i.displayName, selected: link == i)
                    }
                } }
                label { "Total VRAM at least (GB)"; input(.name("vram"), .type("number"), Attr("min", "0"), Attr("step", "any"), .value(q["vram"] ?? "")) }
                div { button(.type("submit")) { "Filter" } }
            })
            p(.class("small muted")) { "\(combos.count) of \(c.combos.count) shown" }
            UI.table([("Combo", false), ("Cards", true), ("VRAM", true), ("A model gets", true), ("Link", false), ("Power", true)], stackOnPhone: true) {
                for x in combos {
                    tr {
                        td { a(href: "/hardware-combos/\(URLs.segment(x.id))") { x.name } }
                        td(.class("num")) { String(x.cardCount) }
                        td(.class("num")) { Format.gibValue(totalGiB(x, c)) }
                        td(.class("num")) { memories[x.id].map { Format.bytes($0.effective_bytes) } ?? "—" }
                        td { x.interconnect.displayName; x.linkGBs.map { " · \(Format.number($0, digits: $0 < 100 ? 1 : 0)) GB/s" } ?? "" }
                        td(.class("num")) { x.powerW.map { "\(Format.number($0)) W" } ?? "—" }
                    }
                }
            }
            p(.class("small")) { "A combo not listed? Plan any mix of cards on the "; a(href: "/will-it-run/custom") { "custom build" }; " page, or ask "
                a(href: "/will-it-run?model=llama-3.3-70b&hardware=2x+rtx-3090&ctx=8192") { "will it run" }; " with a count (\"2x RTX 3090\")." }
        }
    }

    static func detail(_ id: String, engine: PageEngine) async -> HTMLResponse {
        let c = engine.catalog
        guard let combo = c.combo(id: id) else {
            let near = c.combos.filter { $0.id.contains(id.split(separator: "-").last.map(String.init) ?? id) }
            return UI.notFound("hardware combo '\(id.prefix(80))'", path: "/hardware-combos/\(URLs.segment(id))",
                               suggestions: (near.isEmpty ? Array(c.combos.prefix(6)) : near).map { ($0.name, "/hardware-combos/\(URLs.segment($0.id))") })
        }
        let ans: AnswerService.ComboAnswer
        do { ans = try await engine.service.combo(combo) } catch {
            return UI.problem(status: .internalServerError, title: combo.name, message: UI.message(error), path: "/hardware-combos/\(URLs.segment(id))")
        }
        let total = totalGiB(combo, c)
        return Layout.page(title: combo.name, description: "\(combo.name): \(Format.gibValue(total)) of VRAM over \(combo.cardCount) cards; what a model really gets, how runtimes split it, and what runs.",
                           path: "/hardware-combos/\(URLs.segment(id))", crumbs: [("Hardware combos", "/hardware-combos"), (combo.name, nil)]) {
            h1 { combo.name }
            p(.class("lede")) { combo.use }
            div(.class("grid g2")) {
                div(.class("panel")) {
                    h3 { "Topology" }
                    dl(.class("kv")) {
                        for card in combo.cards {
                            dt { "Cards" }
                            dd { "\(card.count) × "; a(href: "/hardware/\(URLs.segment(card.hardware))") { c.device(id: card.hardware)?.displayName ?? card.hardware } }
                        }
                        dt { "VRAM, summed" }; dd { Format.gibValue(total) }
                        dt { "Link" }; dd { combo.interconnect.displayName; combo.linkGBs.map { ", \(Format.number($0, digits: $0 < 100 ? 2 : 0)) GB/s per direction" } ?? "" }
                        if !combo.pcieLanes.isEmpty { dt { "PCIe lanes" }; dd { combo.pcieLanes.map { "x\($0)" }.joined(separator: " / ") } }
                        if let w = combo.powerW { dt { "Board power" }; dd { "\(Format.number(w)) W (cards only)" } }
                    }
                }
                div(.class("panel")) {
                    h3 { "What a model gets" }
                    p { span(.class("score")) { Format.gibNumber(ans.memory.effective_bytes) }; " GiB "
                        span(.class("muted")) { "of \(Format.bytes(ans.memory.sum_bytes)) on the cards" } }
                    ul(.class("notes")) {
                        for r in ans.memory.reasons { li { b { Format.bytes(r.bytes) }; " — "; r.explanation } }
                    }
                }
            }
            h2 { "How runtimes split a model" }
            p(.class("small")) { "Layer split (llama.cpp's default, "; code { "--split-mode layer" }; "): each card holds whole layers and works in turn, so one request runs at about the speed of one card over all the weights; the link carries only activations. "
                "Tensor parallelism (vLLM, "; code { "--tensor-parallel-size" }; "): every layer is cut across the cards, which work at once and exchange results twice a layer, so it needs identical cards and a fast link. "
                "Row split ("; code { "--split-mode row" }; ") cuts llama.cpp's matrices by rows; the engine does not estimate it, so no figure is shown for it." }
            if !ans.splits.isEmpty {
                UI.table([("Model", false), ("One card", false), ("Layer split (llama.cpp)", false), ("Tensor parallel (vLLM)", false)]) {
                    for s in ans.splits {
                        tr {
                            th { a(href: "/models/\(URLs.segment(s.model))") { s.name }; " "; span(.class("mono small")) { s.layer.wire.quant } }
                            td { if let one = s.single { cell(one) } else { "—" } }
                            td { cell(s.layer) }
                            td {
                                switch s.tensor {
                                case .success(let t):
                                    UI.tier(t.tier); span(.class("small muted")) { " \(Format.bytes(t.neededBytes)) in all; the speed of tensor parallelism is not modelled" }
                                    if t.tier != .comfortable, let why = t.wire.fit.notes.first { p(.class("small muted")) { why } }
                                case .failure(let e): span(.class("small muted")) { e.message }
                                }
                            }
                        }
                    }
                }
            } else if !combo.isUniform {
                div(.class("notice")) { p { "Mixed cards: llama.cpp splits by layers in proportion to each card's memory, and the slower card sets the pace of its share. Tensor parallelism (vLLM) needs identical cards." } }
            }
            h3 { "Runtimes and several GPUs" }
            UI.table([("Runtime", false), ("Several GPUs", false)], stackOnPhone: true) {
                for r in ans.runtimes { tr { td { a(href: "/tools/\(URLs.segment(r.id))") { r.name } }; td(.class("small")) { r.multiGPU } } }
            }
            h2 { "What breaks" }
            ul(.class("notes")) {
                for b in combo.breaks { li { b } }
                if combo.interconnect == .pcie, let lo = combo.pcieLanes.min(), lo < 16 {
                    li { "With x\(lo) on one slot, loading the model and a layer split's hand-offs cross the slower slot; decode barely notices, tensor parallelism does." }
                }
            }
            h2 { "What runs on it" }
            if !ans.models.isEmpty {
                p(.class("small muted")) { "Chat models at 8K context, best quantisation that fits; each row is the will-it-run answer for that question." }
                UI.answers(ans.models)
            } else {
                p(.class("small muted")) { "Planned as a custom build (mixed cards), chat at 8K context." }
                UI.table([("Model", false), ("Quant", false), ("Verdict", false), ("Decode", true), ("Needed", true)], stackOnPhone: true) {
                    for v in ans.mixedPlan {
                        tr {
                            td { a(href: "/models/\(URLs.segment(v.id))") { v.name } }
                            td(.class("mono")) { v.quant }
                            td { UI.tier(v.tier) }
                            td(.class("num")) { v.decode_tps > 0 ? "\(Format.tps(v.decode_tps)) tok/s" : "—" }
                            td(.class("num")) { Format.bytes(v.total_bytes) }
                        }
                    }
                }
                p(.class("small")) { a(href: URLs.build("/will-it-run/custom", combo.hardware.map { ("gpu", $0) })) { "Open this build in the custom planner" } }
            }
            p(.class("small muted")) { "Source: "; combo.source }
        }
    }

    static func cell(_ a: Answer) -> HTML {
        HTML {
            UI.tier(a.tier)
            if a.runs { " "; span(.class("mono small")) { "\(Format.tps(a.decode.expected)) tok/s" } }
            UI.figures(a)
        }
    }
}
