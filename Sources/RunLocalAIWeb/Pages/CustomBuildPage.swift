import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// `/will-it-run/custom?gpu=…&gpu=…&ram=&os=&runtime=&use=&ctx=`: any build, its effective memory and why,
/// the runtime to use, every model sorted comfortable / borderline / not practical. State lives in the URL.
enum CustomBuildPage {
    static func render(_ q: Params, engine: PageEngine) async -> HTMLResponse {
        let gpus = Array(q.all("gpu").prefix(17))
        let ramText = q["ram"] ?? "32"
        let os = (q["os"] ?? "linux").lowercased()
        let use = q["use"] ?? "chat"
        let runtime = q["runtime"]
        let ctxText = q["ctx"] ?? "8192"
        let form = buildForm(gpus: gpus, ram: ramText, os: os, use: use, runtime: runtime, ctx: ctxText, engine: engine)
        guard !gpus.isEmpty else {
            return Layout.page(title: "Custom build", path: "/will-it-run/custom", crumbs: [("Will it run?", "/will-it-run"), ("Custom build", nil)]) {
                h1 { "Custom build" }
                p(.class("lede")) { "Any mix of GPUs, or one Mac, with your RAM, OS and use case: what memory you really get, the runtime to use, and which models run." }
                form
                p(.class("small muted")) { "Example: "; a(href: "/will-it-run/custom?gpu=rtx-3090&gpu=rtx-3060-12gb&ram=64&use=coding") { "RTX 3090 + RTX 3060 12GB, 64 GB RAM, coding" } }
            }
        }
        func bad(_ message: String, _ suggestions: [(String, String)] = []) -> HTMLResponse {
            UI.problem(status: .badRequest, title: "Custom build — check the question", message: message, path: "/will-it-run/custom",
                       suggestions: suggestions) { form }
        }
        guard let ram = Double(ramText), ram > 0, ram <= 65_536 else { return bad("RAM '\(ramText)' must be a number of GB from 1 to 65536") }
        guard let ctx = Question.contextParameter(ctxText) else { return bad("context '\(ctxText.prefix(40))' is not a number of tokens; give e.g. 8192 or 32K") }
        if let long = gpus.first(where: { $0.count > Question.maxNameLength }) {
            return bad("a hardware name of \(long.count) characters is too long; names are at most \(Question.maxNameLength) characters")
        }
        let query = CustomBuildQuery(hardware: gpus, ramGiB: ram, os: os, runtime: runtime, useCase: use, context: ctx)
        let report: CustomBuildReport, answers: [String: Answer]
        do { (report, answers) = try await engine.service.customBuild(query) } catch {
            let sugg = UI.suggestions(error).map { s -> (String, String) in
                let fixed = gpus.map { g in (try? engine.catalog.hardware(named: g)) == nil ? s : g }
                return (s, url(gpus: fixed, ram: ramText, os: os, use: use, runtime: runtime, ctx: ctxText))
            }
            return bad(UI.message(error), sugg)
        }
        let groups: [(ModelGroup, String)] = [(.comfortable, "Runs comfortably"), (.borderline, "Borderline"), (.notPractical, "Not practical")]
        return Layout.page(title: "Custom build: \(report.gpus.joined(separator: " + "))", path: "/will-it-run/custom",
                           crumbs: [("Will it run?", "/will-it-run"), ("Custom build", nil)]) {
            p(.class("kicker")) { "Custom build · \(report.os) · \(report.use_case) · \(Format.context(report.context)) context" }
            h1 { report.gpus.isEmpty ? report.hardware.joined(separator: " + ") : report.gpus.joined(separator: " + ") }
            div(.class("grid g2")) {
                section(.class("panel")) {
                    p(.class("kicker")) { "Effective memory" }
                    p(.class("score")) { Format.gibNumber(report.memory.effective_bytes); small { " GiB of \(Format.gibNumber(report.memory.sum_bytes)) GiB" } }
                    p(.class("small muted")) { "System RAM \(Format.bytes(report.memory.host_ram_bytes)). Memory on separate cards is never one pool." }
                    ul(.class("notes")) {
                        for r in report.memory.reasons { li { strong { r.kind }; " −\(Format.bytes(r.bytes)): "; r.explanation } }
                    }
                }
                section(.class("panel")) {
                    p(.class("kicker")) { "Recommended runtime" }
                    p(.class("score")) { a(href: "/tools/\(URLs.segment(report.runtime.id))") { report.runtime.name } }
                    ul(.class("notes")) { for r in report.runtime.reasons { li { r } } }
                    if !report.runtime.warnings.isEmpty {
                        div(.class("notice bad small")) { for w in report.runtime.warnings { p { w } } }
                    }
                    if !report.runtime.alternatives.isEmpty {
                        p(.class("small muted")) { "Alternatives: "; report.runtime.alternatives.joined(separator: ", ") }
                    }
                }
            }
            for (g, title) in groups {
                let models = report.models.filter { $0.group == g }
                if !models.isEmpty {
                    h2 { "\(title) "; span(.class("kicker")) { "\(models.count)" } }
                    UI.table([("Model", false), ("Best quant", false), ("Verdict", false), ("Decode tok/s", true), ("Evidence", false), ("Needed", true), ("Note", false)]) {
                        for m in models {
                            tr {
                                td { a(href: "/models/\(URLs.segment(m.id))") { m.name }; if let ans = answers[m.id] { UI.figures(ans) } }
                                td(.class("mono")) { m.quant }
                                td { if let ans = answers[m.id] { a(href: ans.question.url()) { UI.tier(m.tier) } } else { UI.tier(m.tier) } }
                                td(.class("num")) { m.tier == "wont-run" ? "—" : Format.tps(m.decode_tps) }
                                td { m.tier == "wont-run" ? HTML("—") : UI.evidence(answers[m.id]?.wire.speed.evidence ?? Evidence.estimated.rawValue) }
                                td(.class("num")) { Format.bytes(m.total_bytes) }
                                td(.class("small muted")) { m.note ?? "" }
                            }
                        }
                    }
                }
            }
            p(.class("small muted")) {
                (gpus.count == 1 ? "Each figure is the will-it-run answer for that model on this hardware (evidence column: measured where approved runs exist). "
                    : "A mix of cards is no catalog tuple: speeds here are the engine's estimates for this exact build. ")
                a(href: "/methodology") { "How they are computed" }; "."
            }
            h2 { "Change the build" }
            form
            p(.class("small muted")) { "Share this build: the whole state is in the address." }
        }
    }

    static func url(gpus: [String], ram: String, os: String, use: String, runtime: String?, ctx: String) -> String {
        URLs.build("/will-it-run/custom", gpus.map { ("gpu", $0) } + [("ram", ram), ("os", os), ("use", use), ("runtime", runtime), ("ctx", ctx)])
    }

    static func buildForm(gpus: [String], ram: String, os: String, use: String, runtime: String?, ctx: String, engine: PageEngine) -> HTML {
        let slots = max(3, gpus.count + 1)
        return HTML.element("form", [.class("q"), Attr("method", "get"), Attr("action", "/will-it-run/custom")], HTML {
            div(.class("fields")) {
                for i in 0..<slots {
                    label(.class("wide")) { "GPU or machine \(i + 1)"
                        input(.name("gpu"), .type("text"), Attr("list", "dl-hardware"), .value(i < gpus.count ? gpus[i] : ""),
                              Attr("placeholder", i == 0 ? "rtx-3090 or 2x rtx-3090" : "optional"), Attr("autocomplete", "off"))
                    }
                }
                label { "RAM (GB)"; input(.name("ram"), .type("number"), Attr("min", "1"), Attr("step", "any"), .value(ram)) }
                label { "OS"; selectElement(.name("os")) { for o in CustomBuildQuery.operatingSystems { UI.opt(o, o, selected: o == os) } } }
                label { "Use"; selectElement(.name("use")) { for u in CustomBuildQuery.useCases { UI.opt(u, u, selected: u == use) } } }
                label { "Runtime"; selectElement(.name("runtime")) {
                    UI.opt("", "recommend one", selected: runtime == nil)
                    for r in engine.catalog.runtimes { UI.opt(r.id, r.name, selected: r.id == runtime) }
                } }
                label { "Context"; selectElement(.name("ctx")) {
                    for c in PageEngine.contexts { UI.opt(String(c), Format.context(c), selected: String(c) == ctx) }
                    if !PageEngine.contexts.map(String.init).contains(ctx) { UI.opt(ctx, ctx, selected: true) }
                } }
                div { button(.type("submit")) { "Plan the build" } }
            }
            HTML.element("datalist", [.id("dl-hardware")], HTML {
                for h in engine.catalog.hardware { HTML.void("option", [.value(h.id), Attr("label", h.displayName)]) }
            })
        })
    }
}
