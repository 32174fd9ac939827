import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// `/benchmarks` (stored runs, filters and sort), `/benchmarks/{id}` (lifecycle, reproduction cohort, the engine's
/// estimate beside the measurement) and `/benchmarks/submit` (form → store, pending).
enum BenchmarkPages {
    static let lifecycle: [BenchmarkRun.Status] = [.pending, .approved, .reproduced, .independentlyReproduced]

    static func list(_ q: Params, engine: PageEngine) async throws -> HTMLResponse {
        let c = engine.catalog
        let model = q["model"], hardware = q["hardware"], quant = q["quant"], runtime = q["runtime"]
        let showPending = q["status"] == "pending"
        let sort = q["sort"] ?? "-date"
        // Names are forgiving; the store keeps catalog ids.
        let modelID = model.map { (try? c.model(named: $0))?.id ?? $0 }
        let hardwareID = hardware.map { (try? c.hardware(named: $0))?.device.id ?? $0 }
        var query = BenchmarkQuery(model: modelID, quant: quant.flatMap { QuantMix(name: $0)?.name ?? $0 }, hardware: hardwareID, runtime: runtime, limit: 500)
        if showPending { query.statuses = [.pending] }
        var runs = try await engine.site.store.runs(query)
        switch sort {
        case "-decode": runs.sort { $0.decodeTPS > $1.decodeTPS }
        case "decode": runs.sort { $0.decodeTPS < $1.decodeTPS }
        case "date": runs.sort { ($0.measuredDay ?? .distantPast) < ($1.measuredDay ?? .distantPast) }
        default: break
        }
        let now = engine.site.now()
        let state: [(String, String?)] = [("model", model), ("hardware", hardware), ("quant", quant), ("runtime", runtime), ("status", q["status"])]
        let sorter = SortLinks(path: "/benchmarks", params: state, current: sort)
        return Layout.page(title: "Benchmarks", description: "Measured runs of models on hardware, with their reproduction state.", path: "/benchmarks",
                           crumbs: [("Benchmarks", nil)]) {
            h1 { "Benchmarks" }
            p(.class("lede")) {
                "Measured runs: queued → approved → reproduced → independently reproduced. A run older than \(BenchmarkRun.staleAfterMonths) months is marked stale. "
                a(href: "/benchmarks/submit") { "Submit yours" }; "."
            }
            HTML.element("form", [.class("q filters"), Attr("method", "get"), Attr("action", "/benchmarks")], HTML {
                label { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(model ?? "")) }
                label { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(hardware ?? "")) }
                label { "Quant"; input(.name("quant"), .type("text"), .value(quant ?? ""), Attr("placeholder", "Q4_K_M")) }
                label { "Runtime"; selectElement(.name("runtime")) {
                    UI.opt("", "any", selected: runtime == nil)
                    for r in c.runtimes { UI.opt(r.id, r.name, selected: r.id == runtime) }
                } }
                label { "Status"; selectElement(.name("status")) {
                    UI.opt("", "published", selected: !showPending)
                    UI.opt("pending", "pending review", selected: showPending)
                } }
                div { button(.type("submit")) { "Filter" } }
                WillItRunPage.datalists(engine)
            })
            if runs.isEmpty {
                div(.class("notice")) { p { "No runs match. Until runs are stored every speed on this site is the engine's estimate, labelled E. "
                    a(href: "/benchmarks/submit") { "Submit a run" }; "." } }
            } else {
                if let chart = chart(runs, catalog: c) { div(.class("chart")) { chart } }
                p(.class("small muted")) {
                    "\(runs.count) runs · "; a(href: "/benchmarks/regressions") { "regressions" }
                    " · export approved runs as "; a(href: "/api/v1/benchmarks/export.csv") { "CSV" }; " or "; a(href: "/api/v1/benchmarks/export.json") { "JSON" }
                }
                div(.class("table-wrap")) {
                    HTML.element("table", [], HTML {
                        thead { tr {
                            th { "Model" }; th { "Hardware" }; th { "Quant" }; th(.class("hide-sm")) { "Runtime" }
                            sorter.header("Decode tok/s", key: "decode", numeric: true)
                            th(.class("num hide-sm")) { "Prefill" }; th(.class("num hide-sm")) { "Ctx" }
                            th { "State" }
                            sorter.header("Measured", key: "date", numeric: true)
                        } }
                        tbody {
                            for r in runs {
                                tr {
                                    td { a(href: "/benchmarks/\(URLs.segment(r.id ?? ""))") { c.model(id: r.model)?.name ?? r.model } }
                                    td { (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ") }
                                    td(.class("mono")) { r.quant }
                                    td(.class("hide-sm")) { r.runtime + (r.runtimeVersion.map { " \($0)" } ?? "") }
                                    td(.class("num")) { Format.tps(r.decodeTPS) }
                                    td(.class("num hide-sm")) { r.prefillTPS.map(Format.tps) ?? "—" }
                                    td(.class("num hide-sm")) { r.context.map(Format.context) ?? "—" }
                                    td { status(r.status); if r.isStale(now: now) { " "; span(.class("tier none")) { "stale" } } }
                                    td(.class("num")) { r.measuredDay.map { Format.day($0) } ?? "not stated" }
                                }
                            }
                        }
                    })
                }
            }
        }
    }

    /// `/benchmarks/regressions`: the same tuple measured slower with a newer runtime version.
    static func regressions(engine: PageEngine) async throws -> HTMLResponse {
        let c = engine.catalog
        let found = Regressions.find(in: try await engine.site.store.runs(BenchmarkQuery(limit: 1000)))
        return Layout.page(title: "Regressions", description: "Runs that got slower with a newer runtime version.", path: "/benchmarks/regressions",
                           crumbs: [("Benchmarks", "/benchmarks"), ("Regressions", nil)]) {
            h1 { "Regressions" }
            p(.class("lede")) {
                "Approved runs of one model, quantisation, hardware and backend whose median decode dropped by more than "
                "\(Int(Regressions.threshold * 100))% against the best earlier version of the same runtime."
            }
            if found.isEmpty {
                div(.class("notice")) { p { "No regression among the stored runs: every newer runtime version is as fast as the best earlier one, within \(Int(Regressions.threshold * 100))%." } }
            } else {
                div(.class("table-wrap")) {
                    HTML.element("table", [], HTML {
                        thead { tr { th { "Model" }; th { "Hardware" }; th { "Quant" }; th { "Runtime" }; th { "Faster" }; th { "Slower" }; th(.class("num")) { "Drop" } } }
                        tbody {
                            for r in found {
                                tr {
                                    td { c.model(id: r.model)?.name ?? r.model }
                                    td { (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ") }
                                    td(.class("mono")) { r.quant }
                                    td { r.runtime + (r.backend.map { " (\($0))" } ?? "") }
                                    td(.class("mono")) { "\(r.fasterVersion): \(Format.tps(r.fasterDecodeTPS))" }
                                    td(.class("mono")) { "\(r.slowerVersion): \(Format.tps(r.slowerDecodeTPS))" }
                                    td(.class("num")) { String(format: "−%.0f%%", r.drop * 100) }
                                }
                            }
                        }
                    })
                }
            }
        }
    }

    /// Median decode by hardware for the listed runs of one model and quantisation (the chart above the table).
    static func chart(_ runs: [BenchmarkRun], catalog c: Catalog) -> HTML? {
        let models = Set(runs.map(\.model)), quants = Set(runs.map(\.quant))
        guard models.count == 1, quants.count == 1, let model = models.first, let quant = quants.first else { return nil }
        let byHardware = Dictionary(grouping: runs) { r in (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ") }
        guard byHardware.count >= 2 else { return nil }
        let rows = byHardware.map { label, rs -> SVGBarChart.Row in
            let tps = rs.map(\.decodeTPS).sorted()
            return SVGBarChart.Row(label: label, value: BenchStats.median(tps) ?? 0, low: tps.first, high: tps.last)
        }.sorted { $0.value > $1.value }.prefix(24)
        return SVGBarChart.svg(title: "\(c.model(id: model)?.name ?? model) \(quant): measured decode by hardware (median, min–max)", rows: Array(rows))
    }

    static func status(_ s: BenchmarkRun.Status) -> HTML {
        let cls: String
        switch s {
        case .approved, .reproduced, .independentlyReproduced: cls = "comfortable"
        case .pending: cls = "tradeoffs"
        case .rejected, .duplicate: cls = "wont-run"
        }
        return span(.class("tier \(cls)")) { s.rawValue }
    }

    static func detail(_ id: String, engine: PageEngine) async throws -> HTMLResponse {
        guard let r = try await engine.site.store.run(id: id) else {
            return UI.notFound("benchmark run '\(id)'", path: "/benchmarks/\(id)", suggestions: [("All benchmarks", "/benchmarks")])
        }
        let c = engine.catalog
        let repro = try await engine.site.store.reproductions(of: id)
        let history = try await engine.site.store.history(of: id)
        let hwName = (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ")
        let modelName = c.model(id: r.model)?.name ?? r.model
        let hwQuery = (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + (r.hardware.first ?? "")
        let estQuestion = try? Question.parse([("model", r.model), ("quant", r.quant), ("hardware", hwQuery), ("ctx", String(r.context ?? 4096)),
                                               ("kv", r.kvType ?? ""), ("fa", r.flashAttention.map { $0 ? "on" : "off" } ?? ""),
                                               ("runtime", Runtime.Kind(rawValue: r.runtime) == nil ? "" : r.runtime)])
        let est = estQuestion.flatMap { try? engine.service.estimate($0) }
        let reached = lifecycle.firstIndex(of: r.status)
        return Layout.page(title: "\(modelName) on \(hwName)", path: "/benchmarks/\(id)", crumbs: [("Benchmarks", "/benchmarks"), ("Run \(id)", nil)]) {
            p(.class("kicker")) { "Benchmark run \(id)" }
            h1 { "\(modelName) \(r.quant) on \(hwName)" }
            ol(.class("chips"), Attr("aria-label", "Lifecycle")) {
                for (i, s) in lifecycle.enumerated() {
                    li { span(.class(reached.map { i <= $0 } ?? false ? "tier comfortable" : "tier none")) { s.rawValue } }
                }
                if reached == nil { li { status(r.status) } }
                if r.isStale(now: engine.site.now()) { li { span(.class("tier none")) { "stale" } } }
            }
            div(.class("grid g2")) {
                section {
                    h2 { "Measured" }
                    dl(.class("stats")) {
                        div { dt { "Decode" }; dd { Format.tps(r.decodeTPS); small { " tok/s" } } }
                        div { dt { "Prefill" }; dd { r.prefillTPS.map { Format.tps($0) } ?? "—"; small { " tok/s" } } }
                        div { dt { "TTFT" }; dd { r.ttftMS.map { Format.number($0) + " ms" } ?? "—" } }
                        div { dt { "Peak VRAM" }; dd { r.peakVRAMBytes.map(Format.bytes) ?? "—" } }
                    }
                }
                section {
                    h2 { "The engine's estimate" }
                    if let est {
                        dl(.class("stats")) {
                            div { dt { "Decode" }; dd { UI.speed(est.decode) } }
                            div { dt { "Needed" }; dd { Format.bytes(est.neededBytes) } }
                        }
                        p(.class("small")) { a(href: est.question.url()) { "full answer" } }
                    } else { p(.class("muted")) { "Not in the catalog, so no estimate." } }
                }
            }
            h2 { "Setup" }
            dl(.class("kv")) {
                dt { "runtime" }; dd { r.runtime + (r.runtimeVersion.map { " \($0)" } ?? "") + (r.backend.map { " (\($0))" } ?? "") }
                dt { "context" }; dd { r.context.map(String.init) ?? "—" }
                dt { "flash attention" }; dd { r.flashAttention.map { $0 ? "on" : "off" } ?? "—" }
                dt { "KV cache" }; dd { r.kvType ?? "—" }
                dt { "GPU layers" }; dd { r.gpuLayers.map(String.init) ?? "—" }
                dt { "OS" }; dd { r.os ?? "—" }
                dt { "measured" }; dd { r.measuredDay.map { Format.day($0) } ?? "not stated by the source" }
                dt { "submitted" }; dd { Format.day(r.submittedAt) }
                if let s = r.source { dt { "source" }; dd { s } }
                if let sha = r.logSHA256 { dt { "log sha256" }; dd(.class("small")) { sha } }
                if let u = r.logURL, Markdown.isSafeURL(u), u.hasPrefix("http") { dt { "log" }; dd { a(href: u, Attr("rel", "nofollow noopener")) { "raw log" } } }
            }
            if let cmd = r.command { h3 { "Command" }; pre { code { cmd } } }
            if let log = r.logExcerpt { h3 { "Log excerpt" }; pre { code { log } } }
            h2 { "Reproduction cohort" }
            if repro.isEmpty { p(.class("muted")) { "Not reproduced yet. Run the same command and submit with "; code { "runlocalai bench --submit --reproduces \(id)" }; "." } }
            else {
                UI.table([("Run", false), ("Decode tok/s", true), ("Runtime", false), ("State", false), ("Measured", true)]) {
                    for x in repro {
                        tr { td { a(href: "/benchmarks/\(URLs.segment(x.id ?? ""))") { x.id ?? "" } }; td(.class("num")) { Format.tps(x.decodeTPS) }
                             td { x.runtime + (x.runtimeVersion.map { " \($0)" } ?? "") }; td { status(x.status) }; td(.class("num")) { x.measuredDay.map { Format.day($0) } ?? "not stated" } }
                    }
                }
            }
            if !history.isEmpty {
                h2 { "History" }
                UI.table([("When", true), ("Change", false), ("By", false), ("Note", false)]) {
                    for h in history {
                        tr { td(.class("num")) { Format.day(h.at) }; td { (h.from.map { "\($0.rawValue) → " } ?? "") + h.to.rawValue }; td { h.by }; td(.class("small")) { h.note ?? "" } }
                    }
                }
            }
        }
    }

    static func submitForm(engine: PageEngine, values: Params = Params(pairs: []), problems: [String] = [], status: HTTPResponse.Status = .ok) -> HTMLResponse {
        func v(_ k: String) -> String { values[k] ?? "" }
        return Layout.page(title: "Submit a benchmark", path: "/benchmarks/submit", crumbs: [("Benchmarks", "/benchmarks"), ("Submit", nil)], status: status) {
            h1 { "Submit a benchmark" }
            p(.class("lede")) { "The easy way: "; code { "runlocalai bench --submit" }; " measures with the fixed protocol (run 1 discarded, median of runs 2–4) and fills everything in. Or enter a run here; it is queued for review." }
            if !problems.isEmpty {
                div(.class("notice bad")) { p { strong { "Not submitted:" } }; ul { for x in problems { li { x } } } }
            }
            HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/benchmarks/submit")], HTML {
                div(.class("fields")) {
                    label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(v("model")), Attr("required", nil)) }
                    label { "Quant"; input(.name("quant"), .type("text"), .value(v("quant").isEmpty ? "Q4_K_M" : v("quant")), Attr("required", nil)) }
                    label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(v("hardware")), Attr("required", nil)) }
                    label { "Count"; input(.name("count"), .type("number"), Attr("min", "1"), .value(v("count").isEmpty ? "1" : v("count"))) }
                    label { "Runtime"; selectElement(.name("runtime")) { for r in engine.catalog.runtimes { UI.opt(r.id, r.name, selected: r.id == (values["runtime"] ?? "llama.cpp")) } } }
                    label { "Version"; input(.name("runtime_version"), .type("text"), .value(v("runtime_version")), Attr("placeholder", "b6200")) }
                    label { "Context"; input(.name("context"), .type("number"), .value(v("context").isEmpty ? "4096" : v("context"))) }
                    label { "Decode tok/s"; input(.name("decode_tps"), .type("number"), Attr("step", "any"), .value(v("decode_tps")), Attr("required", nil)) }
                    label { "Prefill tok/s"; input(.name("prefill_tps"), .type("number"), Attr("step", "any"), .value(v("prefill_tps"))) }
                    label { "OS"; input(.name("os"), .type("text"), .value(v("os")), Attr("placeholder", "linux")) }
                    label(.class("wide")) { "Command"; input(.name("command"), .type("text"), .value(v("command")), Attr("placeholder", "llama-bench -m … -ngl 99 -fa 1")) }
                    label(.class("wide")) { "Your name (optional)"; input(.name("submitter"), .type("text"), .value(v("submitter"))) }
                }
                label(Attr("style", "margin-top:10px")) { "Log excerpt (optional)"
                    HTML.element("textarea", [.name("log_excerpt"), Attr("rows", "6")], HTML(text: v("log_excerpt"))) }
                p(Attr("style", "margin:10px 0 0")) { button(.type("submit")) { "Submit for review" } }
                WillItRunPage.datalists(engine)
            })
        }
    }

    static func submit(_ f: Params, engine: PageEngine) async throws -> HTMLResponse {
        let c = engine.catalog
        var problems: [String] = []
        var modelID = f["model"] ?? ""
        if let m = try? c.model(named: modelID) { modelID = m.id } else if !modelID.hasPrefix("gguf:") { problems.append("model: unknown model '\(modelID)'") }
        var hwID = f["hardware"] ?? ""
        if let h = try? c.hardware(named: hwID) { hwID = h.device.id } else { problems.append("hardware: unknown hardware '\(hwID)'") }
        let decode = f["decode_tps"].flatMap(Double.init)
        if decode == nil { problems.append("decode tok/s: give a number") }
        let count = f["count"].flatMap(Int.init) ?? 1
        guard problems.isEmpty, let decode else { return submitForm(engine: engine, values: f, problems: problems, status: .badRequest) }
        var run = BenchmarkRun(model: modelID, quant: QuantMix(name: f["quant"] ?? "")?.name ?? (f["quant"] ?? ""), hardware: [hwID], hardwareCount: count,
                               runtime: f["runtime"] ?? "llama.cpp", runtimeVersion: f["runtime_version"], context: f["context"].flatMap(Int.init),
                               prefillTPS: f["prefill_tps"].flatMap(Double.init), decodeTPS: decode, os: f["os"], submitter: f["submitter"],
                               command: f["command"], logExcerpt: f["log_excerpt"], status: .pending)
        do {
            run = try SubmissionValidator.validate(run, catalog: c, now: engine.site.now())
        } catch let e as SubmissionRejected {
            return submitForm(engine: engine, values: f, problems: e.problems.map(\.description), status: .badRequest)
        }
        let saved = try await engine.site.store.submit(run)
        let id = saved.id ?? ""
        return Layout.page(title: "Submitted", path: "/benchmarks/submit", crumbs: [("Benchmarks", "/benchmarks"), ("Submitted", nil)]) {
            h1 { "Thanks — run \(id) is pending review" }
            div(.class("notice ok")) { p { "It is stored and queued. An editor approves it, then anyone can reproduce it. "
                a(href: PrivateRunLinks.link(for: id)) { "See the run" }; " (keep this private link: until it is approved only you and the moderators can see it) · "; a(href: "/benchmarks") { "all published runs" }; "." } }
        }
    }
}
