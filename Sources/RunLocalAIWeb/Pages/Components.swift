import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore

/// Small pieces shared by pages: badges, error pages, forms.
enum UI {
    static func tier(_ tier: FitTier) -> HTML { span(.class("tier \(tier.rawValue)")) { tier.label } }

    /// The figures of an answer as data attributes, on every surface that shows one: what a user reads, for tests
    /// and scrapers to compare surface with surface (the same question must read the same everywhere).
    static func figures(_ a: Answer) -> HTML {
        let f = AnswerFigures(a)
        return span(.class("figures"), Attr("data-q", a.question.key), Attr("data-tier", f.tier), Attr("data-decode", f.decode),
                    Attr("data-prefill", f.prefill), Attr("data-evidence", f.evidence), Attr("data-needed", f.needed)) { "" }
    }

    /// A chip's figures as data attributes (tier and placement as its status, its decode speed and evidence).
    static func chipFigures(_ ch: WorkloadChip, question: Question) -> HTML {
        span(.class("figures"), Attr("data-q", question.key), Attr("data-chip", ch.status.rawValue),
             Attr("data-decode", ch.status == .doesNotFit ? "-" : String(format: "%.1f", ch.decode_tps)),
             Attr("data-evidence", ch.status == .doesNotFit ? "-" : ch.evidence), Attr("data-needed", String(ch.total_bytes))) { "" }
    }

    static func tier(_ tier: String) -> HTML {
        let label: String
        switch tier {
        case "comfortable": label = FitTier.comfortable.label
        case "tradeoffs": label = FitTier.tradeoffs.label
        case "wont-run": label = FitTier.wontRun.label
        default: label = tier
        }
        return span(.class("tier \(tier)")) { label }
    }

    static func chip(_ status: ChipStatus) -> HTML {
        let cls: String
        switch status {
        case .comfortable: cls = "comfortable"
        case .tight: cls = "tight"
        case .marginal: cls = "marginal"
        case .doesNotFit: cls = "wont-run"
        }
        return span(.class("tier \(cls)")) { status.label }
    }

    static func evidence(_ e: String) -> HTML {
        let mark: String
        switch e {
        case "measured": mark = "M"
        case "measured-near": mark = "M~"
        case "community": mark = "C"
        case "extrapolated": mark = "~"
        default: mark = "E"
        }
        return abbr(.class("ev"), .title("evidence: \(e) — see the methodology")) { "\(mark) · \(e)" }
    }

    static func speed(_ r: SpeedRange, unit: String = "tok/s") -> HTML {
        HTML {
            Format.tps(r.expected)
            small { " \(unit) · \(Format.tps(r.low))–\(Format.tps(r.high))" }
        }
    }

    /// A titled table wrapped for horizontal scrolling on phones.
    /// A table in a scrolling frame; `stackOnPhone` turns each row into a block of its cells at phone width (for
    /// tables of long text, such as the errors KB, whose columns would otherwise be squeezed to a few characters).
    static func table(_ headers: [(String, Bool)], stackOnPhone: Bool = false, @HTMLBuilder rows: () -> HTML) -> HTML {
        div(.class("table-wrap")) {
            HTML.element("table", stackOnPhone ? [.class("stack-sm")] : [], HTML {
                thead { tr { for (h, num) in headers { th(num ? .class("num") : nil) { h } } } }
                tbody { rows() }
            })
        }
    }

    /// A table of answers, one model per row (model linked to its will-it-run question, quantisation, verdict, decode,
    /// memory needed): the "what runs on it" of combos, systems and builds.
    static func answers(_ list: [Answer]) -> HTML {
        table([("Model", false), ("Quant", false), ("Verdict", false), ("Decode", true), ("Needed", true)], stackOnPhone: true) {
            for x in list {
                tr {
                    td { a(href: x.question.url()) { x.wire.model.name }; figures(x) }
                    td(.class("mono")) { x.wire.quant }
                    td { tier(x.tier) }
                    td(.class("num")) { x.runs ? "\(Format.tps(x.decode.expected)) tok/s" : "—" }
                    td(.class("num")) { Format.bytes(x.neededBytes) }
                }
            }
        }
    }

    static func commands(_ cmds: [RuntimeCommand]) -> HTML {
        HTML {
            for c in cmds {
                h3 { c.runtime }
                pre { code { c.command } }
                if let note = c.note { p(.class("small muted")) { Markdown.inline(note) } }
            }
        }
    }

    /// A page for a request we cannot answer: the status, the message and links to try instead.
    static func problem(status: HTTPResponse.Status, title: String, message: String, path: String,
                        suggestions: [(label: String, href: String)] = [], @HTMLBuilder extra: () -> HTML = { HTML() }) -> HTMLResponse {
        Layout.page(title: title, path: path, crumbs: [(title, nil)], status: status) {
            h1 { title }
            div(.class("notice bad")) { p { message } }
            if !suggestions.isEmpty {
                h2 { "Did you mean" }
                ul(.class("whatif")) {
                    for s in suggestions { li { a(href: s.href) { s.label } } }
                }
            }
            extra()
        }
    }

    static func notFound(_ what: String, path: String, suggestions: [(label: String, href: String)] = []) -> HTMLResponse {
        problem(status: .notFound, title: "Not found", message: "No \(what) here. It may have been renamed; the closest entries are below.",
                path: path, suggestions: suggestions)
    }

    /// The closest catalog ids to a slug, by the catalog's own resolver.
    static func suggestions(_ error: Error) -> [String] {
        switch error {
        case CatalogError.notFound(_, _, let s): return s
        case CatalogError.ambiguous(_, _, let c): return c
        case let e as QuestionError: return e.suggestions
        default: return []
        }
    }

    static func message(_ error: Error) -> String {
        if let e = error as? QuestionError { return e.message }
        if let e = error as? CatalogError { return e.description }
        if let e = error as? EstimateError { return e.description }
        return String(describing: error)
    }

    static func opt(_ value: String, _ label: String, selected: Bool) -> HTML {
        option(.value(value), Attr.flag("selected", selected)) { label }
    }
}

/// A sortable link header for a table: `?sort=key` toggling `-key`.
struct SortLinks {
    var path: String
    var params: [(String, String?)]
    var current: String?

    func header(_ label: String, key: String, numeric: Bool = false) -> HTML {
        let active = current == key || current == "-" + key
        let next = current == key && numeric ? "-" + key : (current == "-" + key ? key : (numeric ? "-" + key : key))
        let arrow = current == key ? " ↑" : current == "-" + key ? " ↓" : ""
        return th(numeric ? .class("num") : nil, active ? Attr("aria-sort", current!.hasPrefix("-") ? "descending" : "ascending") : nil) {
            a(href: URLs.build(path, params.filter { $0.0 != "sort" } + [("sort", next)])) { label + arrow }
        }
    }
}
