import Foundation
import RunLocalAIApp
import RunLocalAICore

/// `/tools` (the runtimes and their compatibility matrix) and `/tools/{id}`.
enum ToolPages {
    static let osList = ["linux", "windows", "macos"]

    static func list(_ engine: PageEngine) -> HTMLResponse {
        let runtimes = engine.catalog.runtimes
        return Layout.page(title: "Tools", description: "Local inference runtimes and what each supports.", path: "/tools", crumbs: [("Tools", nil)]) {
            h1 { "Tools" }
            p(.class("lede")) { "\(runtimes.count) runtimes. The matrix: operating systems, compute backends and model formats each supports." }
            div(.class("table-wrap")) {
                HTML.element("table", [], HTML {
                    thead { tr {
                        th { "Runtime" }
                        for o in osList { th { o } }
                        for b in Backend.allCases where b != .opencl { th { b.displayName } }
                        th { "Formats" }
                        th { "Beginner" }
                    } }
                    tbody {
                        for r in runtimes {
                            tr {
                                td { a(href: "/tools/\(URLs.segment(r.id))") { r.name } }
                                for o in osList { td { mark(r.os.map { $0.lowercased() }.contains(o)) } }
                                for b in Backend.allCases where b != .opencl { td { mark(r.backends.contains(b)) } }
                                td(.class("small")) { r.formats.joined(separator: ", ") }
                                td { r.beginner.map { mark($0) } ?? HTML("—") }
                            }
                        }
                    }
                })
            }
            h2 { "Best for" }
            UI.table([("Runtime", false), ("Best for", false), ("Caveat", false)]) {
                for r in runtimes {
                    tr { td { a(href: "/tools/\(URLs.segment(r.id))") { r.name } }; td { r.bestFor ?? "—" }; td(.class("small muted")) { r.caveat ?? "" } }
                }
            }
        }
    }

    static func mark(_ yes: Bool) -> HTML {
        yes ? span(.class("tier comfortable"), .title("yes")) { "yes" } : span(.class("muted")) { "·" }
    }

    static func detail(_ id: String, engine: PageEngine) async -> HTMLResponse {
        guard let r = engine.catalog.runtimes.first(where: { $0.id == id }) ?? (try? engine.catalog.runtime(named: id)) else {
            return UI.notFound("runtime '\(id)'", path: "/tools/\(id)",
                               suggestions: engine.catalog.runtimes.prefix(8).map { ($0.name, "/tools/\(URLs.segment($0.id))") })
        }
        var example: Answer?
        if let kind = r.kind {
            example = try? await engine.answer(Question(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: "rtx-3060-12gb", context: 8192).with { $0.runtime = kind })
        }
        return Layout.page(title: r.name, description: "\(r.name): platforms, backends, formats and caveats.", path: "/tools/\(r.id)",
                           crumbs: [("Tools", "/tools"), (r.name, nil)]) {
            h1 { r.name }
            if let b = r.bestFor { p(.class("lede")) { b } }
            dl(.class("kv")) {
                dt { "OS" }; dd { r.os.joined(separator: ", ") }
                dt { "backends" }; dd { r.backends.map(\.displayName).joined(separator: ", ") }
                dt { "formats" }; dd { r.formats.joined(separator: ", ") }
                if let m = r.multiGPU { dt { "multi-GPU" }; dd { m } }
                if let s = r.serverAPI { dt { "server API" }; dd { s } }
                if let v = r.vision { dt { "vision" }; dd { v } }
                if let b = r.beginner { dt { "beginner" }; dd { b ? "yes" : "no" } }
                if let l = r.license { dt { "licence" }; dd { l } }
                if let u = r.url, Markdown.isSafeURL(u) { dt { "site" }; dd { a(href: u, Attr("rel", "nofollow noopener")) { u } } }
                dt { "source" }; dd(.class("small")) { Markdown.inline(r.source) }
            }
            if let c = r.caveat { div(.class("notice")) { p { strong { "Caveat: " }; c } } }
            if let example, !example.wire.commands.isEmpty {
                h2 { "Example: Llama 3.1 8B on an RTX 3060 12GB" }
                p { UI.tier(example.tier); " "; span(.class("mono")) { "\(Format.tps(example.decode.expected)) tok/s" }
                    " · "; a(href: example.question.url()) { "full answer" } }
                UI.figures(example)
                UI.commands(example.wire.commands.filter { $0.runtime.lowercased().replacingOccurrences(of: " ", with: "-") == r.id || $0.runtime == r.name })
            }
        }
    }
}
