import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

/// `/pulse` (latest approved runs, catalog releases, regressions: live from the store) and `/digest`, `/digest/{yyyy-mm}`
/// (a month's releases, runs measured, regressions and methodology changes, from the data's own dates).
enum PulsePages {
    static func runsTable(_ runs: [BenchmarkRun], engine: PageEngine, now: Date) -> HTML {
        let c = engine.catalog
        return UI.table([("Model", false), ("Hardware", false), ("Quant", false), ("Decode", true), ("Measured", true)], stackOnPhone: true) {
            for r in runs {
                tr {
                    td { a(href: "/benchmarks/\(URLs.segment(r.id ?? ""))") { c.model(id: r.model)?.name ?? r.model } }
                    td { (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ") }
                    td(.class("mono")) { r.quant }
                    td(.class("num")) { "\(Format.tps(r.decodeTPS)) tok/s" }
                    td(.class("num")) { r.measuredDay.map { Format.day($0) } ?? "not stated"; if r.isStale(now: now) { " "; span(.class("tier none")) { "stale" } } }
                }
            }
        }
    }

    static func additions(_ xs: [CatalogAddition]) -> HTML {
        ul(.class("cols")) {
            for x in xs { li { a(href: (x.kind == .model ? "/models/" : "/hardware/") + URLs.segment(x.id)) { x.name }; span(.class("muted small")) { " · \(x.kind.rawValue), \(x.month)" } } }
        }
    }

    static func regressions(_ xs: [Regressions.Regression], engine: PageEngine) -> HTML {
        let c = engine.catalog
        return UI.table([("Model", false), ("Hardware", false), ("Faster", false), ("Slower", false), ("Drop", true)], stackOnPhone: true) {
            for r in xs {
                tr {
                    td { (c.model(id: r.model)?.name ?? r.model) + " " + r.quant }
                    td { r.hardware.map { c.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ") }
                    td(.class("mono")) { "\(r.fasterVersion): \(Format.tps(r.fasterDecodeTPS))" }
                    td(.class("mono")) { "\(r.slowerVersion): \(Format.tps(r.slowerDecodeTPS))" }
                    td(.class("num")) { String(format: "−%.0f%%", r.drop * 100) }
                }
            }
        }
    }

    static func pulse(engine: PageEngine) async throws -> HTMLResponse {
        let now = engine.site.now()
        let pulse = Pulse.build(catalog: engine.catalog, runs: try await engine.site.store.allRuns(), now: now)
        return Layout.page(title: "Pulse", description: "The latest published runs, catalog releases and regressions, live.", path: "/pulse", crumbs: [("Pulse", nil)]) {
            h1 { "Pulse" }
            p(.class("lede")) { "What moved lately, live from the benchmark store and the catalog: \(pulse.published) published runs, \(pulse.stale) of them stale (measured more than \(BenchmarkRun.staleAfterMonths) months ago). Month by month: "; a(href: "/digest") { "the digest" }; "." }
            h2 { "Latest published runs" }
            if pulse.latestRuns.isEmpty { p(.class("muted")) { "No published run yet." } } else { runsTable(pulse.latestRuns, engine: engine, now: now) }
            h2 { "Newest in the catalog" }
            additions(pulse.additions)
            h2 { "Regressions" }
            if pulse.regressions.isEmpty { p(.class("muted")) { "None: no newer runtime version is slower than the best earlier one on the same tuple." } } else { regressions(pulse.regressions, engine: engine) }
        }
    }

    static func digestIndex(engine: PageEngine) async throws -> HTMLResponse {
        let months = Digest.months(catalog: engine.catalog, runs: try await engine.site.store.allRuns(), changes: engine.site.content.methodologyChanges, now: engine.site.now())
        return Layout.page(title: "Monthly digest", description: "Each month's catalog releases, measured runs, regressions and methodology changes.", path: "/digest",
                           crumbs: [("Digest", nil)]) {
            h1 { "Monthly digest" }
            p(.class("lede")) { "Each month from the data's own dates: models and hardware released, published runs measured, the regressions they show, and how the method changed. Also in the "; a(href: "/feed.xml") { "Atom feed" }; "." }
            signup(engine)
            ul(.class("cols")) { for m in months { li { a(href: "/digest/\(m)") { m } } } }
        }
    }

    static func signup(_ engine: PageEngine) -> HTML {
        HTML.element("form", [.class("q filters"), Attr("method", "post"), Attr("action", "/digest/subscribe")], HTML {
            label { "The digest by mail, once a month"; input(.name("email"), .type("email"), Attr("required", "required"), Attr("maxlength", "254"),
                                                              Attr("placeholder", "you@example.org"), Attr("autocomplete", "email")) }
            div { button(.type("submit")) { "Subscribe" } }
        })
    }

    static func message(_ title: String, _ text: String, status: HTTPResponse.Status = .ok, @HTMLBuilder extra: () -> HTML = { HTML() }) -> HTMLResponse {
        Layout.page(title: title, path: "/digest", crumbs: [("Digest", "/digest"), (title, nil)], status: status) {
            h1 { title }
            div(.class(status == .ok ? "notice ok" : "notice bad")) { p { text } }
            extra()
        }
    }

    /// `POST /digest/subscribe`: a pending subscription and the confirmation mail (double opt-in). The answer is the
    /// same whether the address was new, pending or confirmed already (a form must not tell who subscribes).
    static func subscribe(_ form: Params, engine: PageEngine) async throws -> HTMLResponse {
        guard let mailer = engine.site.mailer else {
            return message("The digest by mail", "This server has no mail signup (its operator runs it without --smtp); read the digest here or in the Atom feed.",
                           status: .notFound)
        }
        let email: String
        do { email = try DigestSubscriber.normalised(form["email"] ?? "") } catch {
            return message("The digest by mail", "\(error) — check the address and send it again.", status: .badRequest) { signup(engine) }
        }
        let s = try await engine.site.store.subscribe(email: email, token: DigestSubscriber.newToken())
        if s.status == .pending {
            do { try await mailer.sendConfirmation(to: s) } catch {
                return message("The digest by mail", "The confirmation mail could not be sent just now; try again later.", status: .serviceUnavailable)
            }
        }
        return message("Check your inbox", "If that address is not subscribed yet, a mail with a confirmation link is on its way. Nothing is sent until the link is opened.")
    }

    static func confirm(_ q: Params, engine: PageEngine) async throws -> HTMLResponse {
        guard let s = try await engine.site.store.confirmSubscription(token: q["token"] ?? "") else {
            return message("Confirm the digest", "This confirmation link is not valid (it may be mistyped or from an address that unsubscribed since).", status: .notFound)
        }
        return s.status == .confirmed ? message("Subscribed", "You will receive the monthly digest. Every mail carries an unsubscribe link.")
            : message("Not subscribed", "This address unsubscribed; sign up again from the digest page.", status: .notFound)
    }

    /// `GET /digest/unsubscribe?token=`: a button, so a link previewer cannot unsubscribe anyone; `POST` does it.
    static func unsubscribeForm(_ q: Params) -> HTMLResponse {
        let token = q["token"] ?? ""
        return Layout.page(title: "Unsubscribe", path: "/digest", crumbs: [("Digest", "/digest"), ("Unsubscribe", nil)]) {
            h1 { "Unsubscribe from the digest" }
            HTML.element("form", [.class("q"), Attr("method", "post"), Attr("action", "/digest/unsubscribe")], HTML {
                input(.type("hidden"), .name("token"), .value(String(token.prefix(64))))
                p { "Stop the monthly digest for the address this link was sent to." }
                button(.type("submit")) { "Unsubscribe" }
            })
        }
    }

    static func unsubscribe(_ form: Params, engine: PageEngine) async throws -> HTMLResponse {
        guard try await engine.site.store.unsubscribe(token: form["token"] ?? "") != nil else {
            return message("Unsubscribe", "This unsubscribe link is not valid (it may be mistyped).", status: .notFound)
        }
        return message("Unsubscribed", "No more digest mails will be sent to this address.")
    }

    static func digest(_ month: String, engine: PageEngine) async throws -> HTMLResponse {
        let now = engine.site.now()
        guard Digest.isMonth(month) else {
            return UI.problem(status: .badRequest, title: "Digest", message: "'\(month.prefix(20))' is not a month; use /digest/YYYY-MM", path: "/digest",
                              suggestions: [(Digest.month(of: now), "/digest/\(Digest.month(of: now))")])
        }
        guard month <= Digest.month(of: now) else {
            return UI.notFound("digest for \(month) (that month has not come yet)", path: "/digest/\(month)", suggestions: [("All months", "/digest")])
        }
        let d = Digest.build(month: month, catalog: engine.catalog, runs: try await engine.site.store.allRuns(), changes: engine.site.content.methodologyChanges)
        return Layout.page(title: "Digest \(month)", description: "RunLocalAI in \(month): releases, runs, regressions, methodology.", path: "/digest/\(month)",
                           crumbs: [("Digest", "/digest"), (month, nil)]) {
            h1 { "Digest: \(month)" }
            if d.isEmpty { div(.class("notice")) { p { "Nothing dated \(month) in the catalog, the store or the methodology log." } } }
            h2 { "Released" }
            if d.additions.isEmpty { p(.class("muted")) { "No catalog model or hardware was released this month." } } else { additions(d.additions) }
            h2 { "Runs measured" }
            if d.runs.isEmpty { p(.class("muted")) { "No published run states this month as its measurement date." } } else {
                p(.class("small muted")) { "\(d.runs.count) published runs, fastest first." }
                runsTable(Array(d.runs.prefix(25)), engine: engine, now: now)
            }
            h2 { "Regressions" }
            if d.regressions.isEmpty { p(.class("muted")) { "None among this month's runs." } } else { regressions(d.regressions, engine: engine) }
            h2 { "Methodology" }
            if d.methodology.isEmpty { p(.class("muted")) { "No change to how figures are computed." } } else {
                ul(.class("notes")) { for c in d.methodology { li { b { c.title }; " (\(c.date), commit "; code { c.commit }; "): "; c.summary } } }
            }
        }
    }
}
