import Foundation
import Hummingbird
import RunLocalAICore
import RunLocalAIStore

/// Who may see runs that are not published (pending review, rejected, duplicate): a moderator
/// (`Authorization: Bearer <RUNLOCALAI_ADMIN_TOKEN>`), and the submitter of one run through the private link the
/// submission page gives (``PrivateRunLinks``). Everyone else gets the same 404 as for a run that does not exist,
/// so ids of unpublished runs leak nothing. Counts stay public.
enum PrivateRuns {
    static func isModerator(_ request: Request, site: Site) -> Bool {
        guard let token = site.adminToken, !token.isEmpty, let auth = request.headers[.authorization] else { return false }
        return CSRF.constantTimeEqual(auth, "Bearer \(token)")
    }

    /// A refusal for `/benchmarks?status=…` naming unpublished runs, unless a moderator asks.
    static func refuseList(_ request: Request, site: Site) -> HTMLResponse? {
        let status = Params(query: request.uri.query)["status"]
        guard let status, !status.isEmpty, !isModerator(request, site: site) else { return nil }
        if let s = BenchmarkRun.Status(rawValue: status), BenchmarkQuery().statuses.contains(s) { return nil }
        return UI.problem(status: .forbidden, title: "Moderators only",
                          message: "Runs that are \(status.prefix(40)) are visible to moderators only. A submitter sees their own run through the link given at submission.",
                          path: "/benchmarks", suggestions: [("Published benchmarks", "/benchmarks")])
    }

    /// A 404 for an unpublished run, unless a moderator asks or the request carries the run's private key.
    static func refuseRun(_ id: String, _ request: Request, site: Site) async throws -> HTMLResponse? {
        guard let run = try await site.store.run(id: id) else { return nil }   // the page's own 404
        if BenchmarkQuery().statuses.contains(run.status) || isModerator(request, site: site) { return nil }
        if let secret = CSRF.current?.secret,
           PrivateRunLinks.isValid(Params(query: request.uri.query)["key"], for: id, secret: secret) { return nil }
        return UI.notFound("benchmark run '\(id)'", path: "/benchmarks/\(id)", suggestions: [("All benchmarks", "/benchmarks")])
    }
}

extension PrivateRunLinks {
    /// The private link to run `id` under the current request's secret (the plain path outside a request).
    static func link(for id: String) -> String {
        guard let secret = CSRF.current?.secret else { return "/benchmarks/\(URLs.segment(id))" }
        return path(for: id, secret: secret)
    }
}
