import Foundation
import RunLocalAICore
import RunLocalAIStore

/// A model or piece of hardware by the month it was released (what the catalog's dates say).
public struct CatalogAddition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case model, hardware }
    public var kind: Kind
    public var id: String
    public var name: String
    /// "YYYY-MM".
    public var month: String
}

/// A month of RunLocalAI: the catalog's releases, the published runs measured that month (notable ones first), the
/// regressions those runs show, and the methodology changes — all from the data's own dates, never a hand-typed list.
///
/// ```swift
/// let d = Digest.build(month: "2025-08", catalog: catalog, runs: runs, changes: changes)
/// d.additions.map(\.name)   // models and hardware released in August 2025
/// ```
public struct Digest: Sendable {
    public var month: String
    public var additions: [CatalogAddition]
    /// Published runs measured this month, fastest first.
    public var runs: [BenchmarkRun]
    public var regressions: [Regressions.Regression]
    public var methodology: [MethodologyChange]
    public var isEmpty: Bool { additions.isEmpty && runs.isEmpty && regressions.isEmpty && methodology.isEmpty }

    /// "2025-08-14" or "2025-08" → "2025-08"; nil for anything else.
    public static func month(of s: String) -> String? {
        let p = s.split(separator: "-")
        guard p.count >= 2, p[0].count == 4, let y = Int(p[0]), (1990...2100).contains(y), let m = Int(p[1]), (1...12).contains(m) else { return nil }
        return String(format: "%04d-%02d", y, m)
    }
    /// Whether `s` is a month written exactly "YYYY-MM" (how the digest's URLs, API and CLI name one).
    public static func isMonth(_ s: String) -> Bool { s.count == 7 && month(of: s) == s }
    static let utc: Calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "UTC")!; return c }()
    public static func month(of d: Date) -> String {
        let c = utc.dateComponents([.year, .month], from: d)
        return String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
    }

    public static func additions(_ c: Catalog) -> [CatalogAddition] {
        var out: [CatalogAddition] = []
        for m in c.models { if let r = m.released.flatMap(month(of:)) { out.append(CatalogAddition(kind: .model, id: m.id, name: m.name, month: r)) } }
        for h in c.hardware { if let r = h.released.flatMap(month(of:)) { out.append(CatalogAddition(kind: .hardware, id: h.id, name: h.displayName, month: r)) } }
        return out.sorted { ($0.month, $0.kind.rawValue, $0.name) > ($1.month, $1.kind.rawValue, $1.name) }
    }

    /// The digest of `month`; `runs` are the store's published runs (only those with a measured date count).
    /// `regressions` are `Regressions.find(in: runs)` when the caller already has them (the feed builds twelve months).
    public static func build(month: String, catalog: Catalog, runs: [BenchmarkRun], changes: [MethodologyChange],
                             regressions all: [Regressions.Regression]? = nil) -> Digest {
        let inMonth = runs.filter { $0.measuredAt.map(Self.month(of:)) == month }.sorted { $0.decodeTPS > $1.decodeTPS }
        let ids = Set(inMonth.compactMap(\.id))
        let regressions = (all ?? Regressions.find(in: runs)).filter { r in r.runIDs.contains(where: ids.contains) }
        return Digest(month: month, additions: additions(catalog).filter { $0.month == month }, runs: inMonth, regressions: regressions,
                      methodology: changes.filter { Self.month(of: $0.date) == month })
    }

    /// Every month with something to report, newest first, up to `now`.
    public static func months(catalog: Catalog, runs: [BenchmarkRun], changes: [MethodologyChange], now: Date) -> [String] {
        let current = month(of: now)
        var all = Set(additions(catalog).map(\.month))
        all.formUnion(runs.compactMap { $0.measuredAt.map(month(of:)) })
        all.formUnion(changes.compactMap { month(of: $0.date) })
        return all.filter { $0 <= current }.sorted(by: >)
    }
}

/// What is happening now: the latest published runs, the newest catalog releases and the regressions, live from the
/// store and the catalog.
///
/// ```swift
/// let p = Pulse.build(catalog: catalog, runs: try await store.allRuns(), now: Date())
/// p.latestRuns.first?.submittedAt
/// ```
public struct Pulse: Sendable {
    public var latestRuns: [BenchmarkRun]
    public var additions: [CatalogAddition]
    public var regressions: [Regressions.Regression]
    public var stale: Int
    public var published: Int

    public static func build(catalog: Catalog, runs: [BenchmarkRun], now: Date, limit: Int = 20) -> Pulse {
        let current = Digest.month(of: now)
        let latest = runs.sorted { ($0.submittedAt ?? .distantPast, $0.measuredAt ?? .distantPast) > ($1.submittedAt ?? .distantPast, $1.measuredAt ?? .distantPast) }
        return Pulse(latestRuns: Array(latest.prefix(limit)), additions: Array(Digest.additions(catalog).filter { $0.month <= current }.prefix(limit)),
                     regressions: Array(Regressions.find(in: runs).prefix(limit)), stale: runs.filter { $0.isStale(now: now) }.count, published: runs.count)
    }
}

/// The digest by mail: the confirmation of a signup (double opt-in) and the month's digest, each a plain-text mail
/// with the links a reader needs (confirm; unsubscribe, also as `List-Unsubscribe`).
///
/// ```swift
/// let mailer = DigestMailer(transport: smtp, from: "RunLocalAI <digest@example.org>", publicURL: "https://example.org")
/// try await mailer.sendConfirmation(to: subscriber)
/// let report = try await mailer.sendDigest(month: "2026-11", store: store, catalog: catalog, changes: changes)
/// ```
public struct DigestMailer: Sendable {
    public let transport: any MailTransport
    public let from: String
    /// Where links point ("https://runlocalai.example"), without a trailing slash.
    public let publicURL: String

    public init(transport: any MailTransport, from: String, publicURL: String) {
        self.transport = transport; self.from = from
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    public func confirmLink(_ s: DigestSubscriber) -> String { "\(publicURL)/digest/confirm?token=\(s.token)" }
    public func unsubscribeLink(_ s: DigestSubscriber) -> String { "\(publicURL)/digest/unsubscribe?token=\(s.token)" }

    public func confirmation(to s: DigestSubscriber) throws -> MailMessage {
        try MailMessage(from: from, to: s.email, subject: "Confirm the RunLocalAI monthly digest", body: """
            Someone (we hope you) asked for the RunLocalAI monthly digest at this address.

            To start receiving it, open this link:
            \(confirmLink(s))

            If it was not you, ignore this mail: nothing will be sent unless the link is opened.
            """)
    }

    public func sendConfirmation(to s: DigestSubscriber) async throws { try await transport.send(try confirmation(to: s)) }

    /// The month's digest as text, every figure from ``Digest`` (the page's own).
    public func digestMessage(_ d: Digest, catalog: Catalog, to s: DigestSubscriber) throws -> MailMessage {
        var lines = ["RunLocalAI digest, \(d.month)", "", "Full page: \(publicURL)/digest/\(d.month)", ""]
        lines.append("Released (\(d.additions.count))")
        lines += d.additions.prefix(30).map { "  - \($0.name) (\($0.kind.rawValue)): \(publicURL)/\($0.kind == .model ? "models" : "hardware")/\($0.id)" }
        if d.additions.isEmpty { lines.append("  none") }
        lines += ["", "Runs measured (\(d.runs.count), fastest first)"]
        lines += d.runs.prefix(15).map { r in
            let hw = (r.hardwareCount > 1 ? "\(r.hardwareCount)x " : "") + r.hardware.map { catalog.device(id: $0)?.displayName ?? $0 }.joined(separator: " + ")
            return String(format: "  - %@ %@ on %@: %.1f tok/s", catalog.model(id: r.model)?.name ?? r.model, r.quant, hw, r.decodeTPS)
        }
        if d.runs.isEmpty { lines.append("  none") }
        lines += ["", "Regressions (\(d.regressions.count))"]
        lines += d.regressions.prefix(10).map { String(format: "  - %@ %@: %@ %.1f -> %@ %.1f tok/s (-%.0f%%)", catalog.model(id: $0.model)?.name ?? $0.model, $0.quant,
                                                       $0.fasterVersion, $0.fasterDecodeTPS, $0.slowerVersion, $0.slowerDecodeTPS, $0.drop * 100) }
        if d.regressions.isEmpty { lines.append("  none") }
        lines += ["", "Methodology (\(d.methodology.count))"]
        lines += d.methodology.map { "  - \($0.date) \($0.title) (commit \($0.commit)): \($0.summary)" }
        if d.methodology.isEmpty { lines.append("  no change") }
        lines += ["", "--", "You receive this because you confirmed the RunLocalAI monthly digest. Unsubscribe: \(unsubscribeLink(s))"]
        return try MailMessage(from: from, to: s.email, subject: "RunLocalAI digest \(d.month)", body: lines.joined(separator: "\n"),
                               headers: [("List-Unsubscribe", "<\(unsubscribeLink(s))>")])
    }

    public struct SendReport: Sendable, Hashable { public var sent: Int; public var alreadySent: Int; public var failed: [String] }

    /// Sends `month`'s digest to every confirmed subscriber it has not gone to yet (recorded per month, so running
    /// it again sends nothing twice); a failed send is reported and not recorded, so the next run retries it.
    public func sendDigest(month: String, store: any BenchmarkStore, catalog: Catalog, changes: [MethodologyChange]) async throws -> SendReport {
        let d = Digest.build(month: month, catalog: catalog, runs: try await store.allRuns(), changes: changes)
        var report = SendReport(sent: 0, alreadySent: 0, failed: [])
        for s in try await store.subscribers(status: .confirmed) {
            do {
                guard try await store.recordDigestSent(month: month, email: s.email) else { report.alreadySent += 1; continue }
                do { try await transport.send(try digestMessage(d, catalog: catalog, to: s)) } catch {
                    try? await store.forgetDigestSent(month: month, email: s.email)
                    throw error
                }
                report.sent += 1
            } catch { report.failed.append("\(s.email): \(error)") }
        }
        return report
    }
}
