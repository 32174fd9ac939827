import Foundation
import RunLocalAICore

/// Runs of the same tuple that got slower with a newer runtime version: the `/benchmarks/regressions` view.
///
/// Approved runs are grouped by model, quantisation, hardware (and count), backend and runtime; within a group,
/// versions are ordered numerically ("b4567" < "b4600", "0.6.10" > "0.6.9"), each version's median decode is
/// compared with the best earlier version's, and a drop of more than `threshold` is a regression.
///
/// ```swift
/// let found = Regressions.find(in: try await store.runs(BenchmarkQuery(limit: 1000)))
/// found.first?.drop   // 0.18 = 18% slower
/// ```
public enum Regressions {
    public struct Regression: Sendable, Hashable {
        public var model: String
        public var quant: String
        public var hardware: [String]
        public var hardwareCount: Int
        public var runtime: String
        public var backend: String?
        public var fasterVersion: String
        public var fasterDecodeTPS: Double
        public var slowerVersion: String
        public var slowerDecodeTPS: Double
        /// Fraction slower (0.18 = 18%).
        public var drop: Double
        public var runIDs: [String]
    }

    public static let threshold = 0.05

    public static func find(in runs: [BenchmarkRun], threshold: Double = threshold) -> [Regression] {
        let published: Set<BenchmarkRun.Status> = [.approved, .reproduced, .independentlyReproduced]
        let usable = runs.filter { published.contains($0.status) && $0.runtimeVersion != nil && $0.decodeTPS > 0 }
        let groups = Dictionary(grouping: usable) { r in
            [r.model, r.quant, r.hardware.joined(separator: "+"), String(r.hardwareCount), r.backend ?? "", r.runtime].joined(separator: "|")
        }
        var out: [Regression] = []
        for (_, group) in groups {
            let byVersion = Dictionary(grouping: group) { $0.runtimeVersion! }
            let versions = byVersion.keys.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            guard versions.count > 1 else { continue }
            var best: (version: String, tps: Double, ids: [String])?
            for v in versions {
                let runsOfVersion = byVersion[v]!
                let median = BenchStats.median(runsOfVersion.map(\.decodeTPS)) ?? 0
                let ids = runsOfVersion.compactMap(\.id)
                if let b = best, median < b.tps * (1 - threshold) {
                    let r = runsOfVersion[0]
                    out.append(Regression(model: r.model, quant: r.quant, hardware: r.hardware, hardwareCount: r.hardwareCount, runtime: r.runtime,
                                          backend: r.backend, fasterVersion: b.version, fasterDecodeTPS: b.tps, slowerVersion: v,
                                          slowerDecodeTPS: median, drop: 1 - median / b.tps, runIDs: b.ids + ids))
                }
                if best == nil || median > best!.tps { best = (v, median, ids) }
            }
        }
        return out.sorted { $0.drop > $1.drop }
    }
}
