import Foundation
import RunLocalAICore

/// `/`: the will-it-run form up front, the latest catalog entries, and a way into every section.
enum HomePage {
    static func render(_ engine: PageEngine) -> HTMLResponse {
        let c = engine.catalog
        let recent = CatalogChanges.entries(c).prefix(10)
        return Layout.page(title: "RunLocalAI", description: "Will this model run on my hardware, and how fast? Memory, fit, speed and commands from one engine.",
                           path: "/") {
            div(.class("hero")) {
                p(.class("kicker")) { "Local-AI hardware instrument" }
                h1 { "Will this model run on my hardware — and how fast?" }
                p(.class("lede")) {
                    "The memory llama.cpp will allocate on each device, where every layer goes, decode and prefill speed with an honest range "
                    "and its evidence, and the commands that reproduce it. One engine behind every page, the CLI and the API."
                }
            }
            WillItRunPage.form(engine, QuestionForm())
            WillItRunPage.examples(engine)
            div(.class("grid g2")) {
                section {
                    h2 { "Recent catalog changes" }
                    UI.table([("Date", true), ("Entry", false), ("Kind", false)]) {
                        for e in recent {
                            tr { td(.class("num")) { e.date }; td { a(href: e.path) { e.title } }; td(.class("muted")) { e.kind } }
                        }
                    }
                    p(.class("small")) { a(href: "/feed.xml") { "Atom feed" }; " · "; a(href: "/changelog") { "changelog" } }
                }
                section {
                    h2 { "Sections" }
                    div(.class("grid g2 tiles")) {
                        tile("/models", "Models", "\(c.models.count) models: architecture, memory by quant and context")
                        tile("/hardware", "Hardware", "\(c.hardware.count) GPUs, Macs and CPUs with Score and workload chips")
                        tile("/will-it-run/custom", "Custom build", "Any mix of GPUs, RAM and OS: what runs, what to use")
                        tile("/compare", "Compare", "Two cards side by side on one model")
                        tile("/tools", "Tools", "\(c.runtimes.count) runtimes and their compatibility matrix")
                        tile("/benchmarks", "Benchmarks", "Measured runs, their lifecycle and reproductions")
                        tile("/guides", "Guides", "Best GPU overall, under a budget, used, for Ollama, Macs")
                        tile("/cost", "Cost vs cloud", "Break-even against renting a GPU or paying an API")
                        tile("/glossary", "Glossary", "\(engine.site.content.glossary.count) terms, each with a worked example")
                        tile("/errors", "Errors KB", "\(engine.site.content.errors.count) error messages, cause and numbered fix")
                        tile("/diagnose", "Troubleshooting", "Paste a log; get the matching fixes")
                        tile("/methodology", "Methodology", "The equations and constants, generated from the code")
                    }
                }
            }
        }
    }

    static func tile(_ href: String, _ title: String, _ text: String) -> HTML {
        a(href: href) { b { title }; span { text } }
    }
}

/// Catalog entries by release date, newest first: the home page list, the Atom feed and the changelog.
enum CatalogChanges {
    struct Entry: Sendable {
        var date: String
        var title: String
        var kind: String
        var path: String
        var summary: String
    }

    static func entries(_ c: Catalog) -> [Entry] {
        var out: [Entry] = []
        for m in c.models {
            guard let d = m.released else { continue }
            out.append(Entry(date: normalise(d), title: m.name, kind: "model", path: "/models/\(URLs.segment(m.id))",
                             summary: "\(Format.params(m.paramsB)) parameters, \(m.architecture.layers) layers, \(Format.context(m.architecture.contextLength)) context\(m.isVisionModel ? ", vision" : "")\(m.isMoE ? ", mixture of experts" : ""). Licence: \(m.license.isEmpty ? "see source" : m.license)."))
        }
        for h in c.hardware {
            guard let d = h.released else { continue }
            let mem = h.memoryChoicesGiB.map { Format.gibValue($0) }.joined(separator: " / ")
            out.append(Entry(date: normalise(d), title: h.displayName, kind: "hardware", path: "/hardware/\(URLs.segment(h.id))",
                             summary: "\(mem), \(Format.number(h.bandwidthGBs)) GB/s\(h.tdpW.map { ", \(Format.number($0)) W" } ?? "")."))
        }
        return out.sorted { $0.date != $1.date ? $0.date > $1.date : $0.title < $1.title }
    }

    /// "2024-07" → "2024-07-01"; "2024" → "2024-01-01".
    static func normalise(_ s: String) -> String {
        let parts = s.split(separator: "-")
        switch parts.count {
        case 1: return "\(parts[0])-01-01"
        case 2: return "\(parts[0])-\(parts[1].count == 1 ? "0" + parts[1] : parts[1])-01"
        default: return String(s.prefix(10))
        }
    }
}
