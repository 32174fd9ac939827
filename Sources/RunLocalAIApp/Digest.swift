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
    public static func build(month: String, catalog: Catalog, runs: [BenchmarkRun], changes: [MethodologyChange]) -> Digest {
        let inMonth = runs.filter { $0.measuredAt.map(Self.month(of:)) == month }.sorted { $0.decodeTPS > $1.decodeTPS }
        let ids = Set(inMonth.compactMap(\.id))
        let regressions = Regressions.find(in: runs).filter { r in r.runIDs.contains(where: ids.contains) }
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
