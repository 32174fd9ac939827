import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// The pillar guides that are more than a pick: an AI PC build priced from the catalog, and CUDA vs ROCm from the
/// catalog and the evidence. Views of the answer service (`pcBuild`, `cudaVsROCm`).
enum PillarPages {
    static let defaultBuildBudget = 2000.0

    static func build(_ g: GuidePages.Guide, _ q: Params, engine: PageEngine) async -> HTMLResponse {
        var budget = defaultBuildBudget
        if let raw = q["budget"] {
            guard let v = Double(raw), v >= 300, v <= 100_000 else {
                return UI.problem(status: .badRequest, title: "An AI PC build", message: "budget '\(raw.prefix(20))' must be a number of dollars from 300 to 100000",
                                  path: "/guides/ai-pc-build", suggestions: [("$2,000", "/guides/ai-pc-build"), ("$3,000", "/guides/ai-pc-build?budget=3000")])
            }
            budget = v
        }
        let title = "An AI PC build for \(Format.money(budget))"
        let build = await engine.service.pcBuild(budget: budget, facts: engine.site.derived.hardwareFacts)
        return Layout.page(title: title, description: g.intro, path: "/guides/ai-pc-build", crumbs: [("Guides", "/guides"), (title, nil)],
                           status: build == nil ? .notFound : .ok) {
            h1 { title }
            p(.class("lede")) { g.intro }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/guides/ai-pc-build")], HTML {
                label { "Budget ($)"; input(.name("budget"), .type("number"), Attr("min", "300"), Attr("step", "50"), .value(Format.number(budget))) }
                div { button(.type("submit")) { "Price it" } }
            })
            if let build {
                div(.class("verdict comfortable")) {
                    div {
                        span(.class("kicker")) { "\(build.tier.rawValue) build class" }
                        p(.class("big")) { a(href: "/hardware/\(URLs.segment(build.gpu.id))") { build.gpu.displayName } }
                        p { "Score \(build.score) · \(build.gpu.memoryGiB.map(Format.gibValue) ?? "—") of VRAM · \(Format.gibValue(build.ramGiB)) of RAM" }
                    }
                    div {
                        dl(.class("stats")) {
                            dt { "Total" }; dd { Format.money(build.total) }
                            dt { "Left of the budget" }; dd { Format.money(build.budget - build.total) }
                            dt { "GPU board power" }; dd { build.gpu.tdpW.map { "\(Format.number($0)) W" } ?? "—" }
                            dt { "Power supply" }; dd { "\(Format.number(build.psuWatts)) W" }
                        }
                    }
                }
                UI.table([("Part", false), ("", false), ("Price", true), ("As of", true)], stackOnPhone: true) {
                    tr { td { "GPU" }; td { a(href: "/hardware/\(URLs.segment(build.gpu.id))") { build.gpu.displayName } }; td(.class("num")) { Format.money(build.gpuPrice) }
                         td(.class("num")) { build.gpu.price?.asOf ?? "—" } }
                    for part in build.parts {
                        tr { td { part.kind.rawValue }; td { part.name }; td(.class("num")) { Format.money(part.priceUSD) }; td(.class("num")) { part.asOf } }
                    }
                    tr { th { "Total" }; td { "" }; td(.class("num")) { Format.money(build.total) }; td { "" } }
                }
                details {
                    summary { "Where each price comes from" }
                    ul(.class("notes small")) {
                        li { b { build.gpu.displayName }; ": the catalog's street price (\(build.gpu.price?.asOf ?? "no date")); "; a(href: "/hardware/\(URLs.segment(build.gpu.id))") { "its page" }; " cites the source" }
                        for part in build.parts { li { b { part.name }; ": "; part.source } }
                    }
                }
                h2 { "What it runs" }
                p(.class("small muted")) { "Models at 8K context at the best quantisation that fits (Q4 or better first), with \(Format.gibValue(build.ramGiB)) of RAM; each row is the will-it-run answer." }
                UI.answers(build.models)
            } else {
                div(.class("notice bad")) { p { "No build class leaves room for a GPU the catalog prices at \(Format.money(budget)): the cheapest platform costs \(Format.money(cheapestPlatform(engine))) before the card. Try more." } }
            }
            p(.class("small muted")) { "Part prices are street prices with their month and source (catalog/parts.yaml); memory and SSD prices move fastest. The GPU is the desktop card with the highest Score at or under what the parts leave." }
        }
    }

    static func cheapestPlatform(_ engine: PageEngine) -> Double {
        PCPart.Tier.allCases.compactMap { engine.catalog.platform($0)?.reduce(0) { $0 + $1.priceUSD } }.min() ?? 0
    }

    static func cudaVsROCm(_ g: GuidePages.Guide, engine: PageEngine) async -> HTMLResponse {
        let c = await engine.service.cudaVsROCm(facts: engine.site.derived.hardwareFacts)
        func pct(_ x: Double) -> String { "\(Format.number(x * 100))%" }
        return Layout.page(title: g.title, description: g.intro, path: "/guides/cuda-vs-rocm", crumbs: [("Guides", "/guides"), (g.title, nil)]) {
            h1 { g.title }
            p(.class("lede")) { g.intro }
            UI.table([("", false), ("CUDA", true), ("ROCm", true)]) {
                tr { th { "Catalog runtimes with the backend" }; td(.class("num")) { String(c.runtimes.cuda.count) }; td(.class("num")) { String(c.runtimes.rocm.count) } }
                tr { th { "Catalog devices with the backend" }; td(.class("num")) { String(c.devices.cuda) }; td(.class("num")) { String(c.devices.rocm) } }
                tr { th { "Bandwidth reached in decode (fitted)" }; td(.class("num")) { pct(c.bandwidthEfficiency.cuda) }; td(.class("num")) { pct(c.bandwidthEfficiency.rocm) } }
                tr { th { "Tensor rate reached in prefill (fitted)" }; td(.class("num")) { pct(c.computeEfficiency.cuda) }; td(.class("num")) { pct(c.computeEfficiency.rocm) } }
                tr { th { "Fixed cost per layer per token" }; td(.class("num")) { "\(Format.number(c.layerMicros.cuda, digits: 1)) µs" }; td(.class("num")) { "\(Format.number(c.layerMicros.rocm, digits: 1)) µs" } }
                tr { th { "Published runs in the store" }; td(.class("num")) { String(c.publishedRuns.cuda) }; td(.class("num")) { String(c.publishedRuns.rocm) } }
            }
            p(.class("small muted")) { "The fitted factors come from the calibration ("; a(href: "/methodology") { "methodology" }; "); a factor fewer than ten runs inform keeps its prior, so ROCm's figures lean on fewer measurements than CUDA's." }
            let cudaOnly = c.runtimes.cuda.filter { !c.runtimes.both.contains($0) }
            if !cudaOnly.isEmpty {
                let vulkan = Set(engine.catalog.runtimes.filter { $0.backends.contains(.vulkan) }.map(\.name))
                p { b { "CUDA but not ROCm: " }; cudaOnly.map { vulkan.contains($0) ? "\($0) (runs on AMD through Vulkan)" : $0 }.joined(separator: ", ") }
            }
            let rocmOnly = c.runtimes.rocm.filter { !c.runtimes.both.contains($0) }
            if !rocmOnly.isEmpty { p { b { "ROCm only: " }; rocmOnly.joined(separator: ", ") } }
            p { b { "Both: " }; c.runtimes.both.joined(separator: ", ") }
            h2 { "Card against card" }
            p(.class("small muted")) { "Each AMD card with ROCm against the NVIDIA card with the same memory nearest in street price; every cell is the will-it-run answer for that question." }
            for pair in c.pairs {
                h3 { a(href: "/hardware/\(URLs.segment(pair.nvidia.id))") { pair.nvidia.displayName }; " vs "; a(href: "/hardware/\(URLs.segment(pair.amd.id))") { pair.amd.displayName } }
                UI.table([("Question", false), (pair.nvidia.displayName, false), (pair.amd.displayName, false)]) {
                    tr { th { "Street price" }; td(.class("num")) { pair.nvidia.price?.street.map(Format.money) ?? "—" }; td(.class("num")) { pair.amd.price?.street.map(Format.money) ?? "—" } }
                    tr { th { "Bandwidth" }; td(.class("num")) { "\(Format.number(pair.nvidia.bandwidthGBs)) GB/s" }; td(.class("num")) { "\(Format.number(pair.amd.bandwidthGBs)) GB/s" } }
                    for (x, y) in pair.answers {
                        tr {
                            th { "\(x.wire.model.name) \(x.wire.quant), \(Format.context(x.question.context))" }
                            td { a(href: x.question.url()) { x.runs ? "\(Format.tps(x.decode.expected)) tok/s" : "—" }; " "; UI.evidence(x.wire.speed.evidence); UI.figures(x) }
                            td { a(href: y.question.url()) { y.runs ? "\(Format.tps(y.decode.expected)) tok/s" : "—" }; " "; UI.evidence(y.wire.speed.evidence); UI.figures(y) }
                        }
                    }
                }
            }
        }
    }
}
