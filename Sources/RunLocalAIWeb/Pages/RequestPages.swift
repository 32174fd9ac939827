import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// `/benchmarks/request`: ask for a run that does not exist yet. Requests are counted (one vote per reader) and listed
/// by demand; a matching run, once published, closes its request and links it.
enum RequestPages {
    static func page(_ engine: PageEngine, asked: BenchmarkRequest? = nil, problem: String? = nil, model: String = "", quant: String = "",
                     hardware: String = "") async throws -> HTMLResponse {
        let c = engine.catalog
        let open = try await engine.site.store.openRequests(limit: 100)
        let closed = try await engine.site.store.benchmarkRequests(status: .closed, limit: 20)
        func name(_ k: BenchmarkRequest.Key) -> String {
            "\(c.model(id: k.model)?.name ?? k.model) \(k.quant ?? "(any quant)") on \(k.hardwareCount > 1 ? "\(k.hardwareCount)x " : "")\(c.device(id: k.hardware)?.displayName ?? k.hardware)"
        }
        func estimate(_ k: BenchmarkRequest.Key) -> String {
            URLs.build("/will-it-run", [("model", k.model), ("quant", k.quant),
                                        ("hardware", k.hardwareCount > 1 ? "\(k.hardwareCount)x \(k.hardware)" : k.hardware), ("ctx", "4096")])
        }
        return Layout.page(title: "Request a benchmark", description: "Ask for a model × hardware run; requests are listed by demand.", path: "/benchmarks/request",
                           crumbs: [("Benchmarks", "/benchmarks"), ("Request", nil)], status: problem == nil ? .ok : .badRequest) {
            h1 { "Request a benchmark" }
            p(.class("lede")) { "Missing a measured run? Ask for it. Each reader counts once per request; the most wanted are at the top, and a matching run closes its request as soon as it is published. Have the hardware? "
                a(href: "/benchmarks/submit") { "Submit the run" }; "." }
            if let problem { div(.class("notice bad")) { p { problem } } }
            if let asked {
                div(.class("notice ok")) { p { asked.status == .closed ? "Already measured: " : "Counted: "; b { name(asked.key) }
                    asked.status == .closed ? HTML { " has a published run"; if let r = asked.closedBy { " ("; a(href: "/benchmarks/\(URLs.segment(r))") { "run \(r)" }; ")" } } : HTML(text: ", \(asked.votes) request\(asked.votes == 1 ? "" : "s") so far.") } }
            }
            HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/benchmarks/request")], HTML {
                div(.class("fields")) {
                    label(.class("wide")) { "Model"; input(.name("model"), .type("text"), Attr("list", "dl-models"), .value(model), Attr("maxlength", "200"), Attr("required", "required")) }
                    label { "Quantisation"; input(.name("quant"), .type("text"), .value(quant), Attr("placeholder", "any")) }
                    label(.class("wide")) { "Hardware"; input(.name("hardware"), .type("text"), Attr("list", "dl-hardware"), .value(hardware), Attr("maxlength", "200"), Attr("required", "required")) }
                    div { button(.type("submit")) { "Request it" } }
                }
                WillItRunPage.datalists(engine)
            })
            h2 { "Most wanted" }
            if open.isEmpty { p(.class("muted")) { "No open request." } } else {
                UI.table([("Run", false), ("Requests", true), ("Since", true), ("", false)], stackOnPhone: true) {
                    for r in open {
                        tr {
                            td { name(r.key) }
                            td(.class("num")) { String(r.votes) }
                            td(.class("num")) { Format.day(r.createdAt) }
                            td { a(href: estimate(r.key)) { "the estimate meanwhile" } }
                        }
                    }
                }
            }
            if !closed.isEmpty {
                h2 { "Recently answered" }
                UI.table([("Run", false), ("Requests", true), ("Answered by", false)], stackOnPhone: true) {
                    for r in closed {
                        tr { td { name(r.key) }; td(.class("num")) { String(r.votes) }
                             td { if let id = r.closedBy { a(href: "/benchmarks/\(URLs.segment(id))") { "run \(id)" } } } }
                    }
                }
            }
        }
    }

    static func ask(_ form: Params, client: String, engine: PageEngine) async throws -> HTMLResponse {
        let model = form["model"] ?? "", quant = form["quant"] ?? "", hardware = form["hardware"] ?? ""
        let key: BenchmarkRequest.Key
        do { key = try engine.service.requestKey(model: model, quant: quant, hardware: hardware) } catch {
            let hint = UI.suggestions(error).prefix(3)
            return try await page(engine, problem: UI.message(error) + (hint.isEmpty ? "" : " — try \(hint.joined(separator: ", "))"),
                                  model: String(model.prefix(200)), quant: String(quant.prefix(40)), hardware: String(hardware.prefix(200)))
        }
        let saved = try await engine.site.store.requestRun(key, voter: AnswerService.voter(client: client)).request
        return try await page(engine, asked: saved)
    }
}
