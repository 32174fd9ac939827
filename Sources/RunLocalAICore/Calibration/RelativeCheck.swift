import Foundation

/// Scores the rows whose source does not say what machine ran them (the llama.cpp quantize README's table of
/// one model at two dozen quantisations, for one): their absolute speed cannot be predicted, but the ratios
/// between them can. On each candidate machine the rows are predicted, the machine's overall speed is left
/// free (predictions are divided by their geometric-mean ratio to the measurements), and what remains is the
/// error in how the quantisations compare. The fit never sees these rows, so this checks the quantisation
/// factors, and the priors of the families that have no absolute rows, on data they were not fitted to.
///
/// ```swift
/// for c in RelativeCheck.check(rows: rows, catalog: catalog) { print(c.machine, c.decode.medianAPE) }
/// ```
public enum RelativeCheck {
    /// One machine per backend class, standing in for the unstated one.
    public static let candidates = ["rtx-4090", "apple-m4-max-40c", "rx-7900-xtx"]

    public struct Result: Sendable, Hashable {
        public var file: String
        public var machine: String
        public var decode: Calibration.ErrorSummary
        public var prefill: Calibration.ErrorSummary
        /// The free scale for decode: predicted ÷ measured, geometric mean (how much faster the candidate is).
        public var decodeScale: Double
    }

    public static func check(rows: [BenchmarkRow], catalog: Catalog, candidates: [String] = candidates,
                             factors: SpeedModel.Factors = SpeedModel.factors) -> [Result] {
        let unstated = rows.filter { $0.hardware.lowercased().hasPrefix("unknown") && $0.tokensPerSecond.isFinite && $0.tokensPerSecond > 0 }
        var out: [Result] = []
        for file in Array(Set(unstated.map(\.file))).sorted() {
            let group = unstated.filter { $0.file == file }
            for machine in candidates {
                guard let device = catalog.device(id: machine) else { continue }
                let substituted = group.map { r -> BenchmarkRow in
                    var s = r
                    s.hardware = machine
                    s.backend = TargetSystem.defaultBackend(device).rawValue
                    return s
                }
                let (cases, _) = Calibration.cases(substituted, catalog: catalog)
                func summary(_ kind: BenchmarkTest.Kind) -> (Calibration.ErrorSummary, Double) {
                    let ks = cases.filter { $0.test.kind == kind }
                    guard !ks.isEmpty else { return (Calibration.ErrorSummary([]), 1) }
                    let logs = ks.map { log(max($0.predict(factors), 1e-9) / $0.row.tokensPerSecond) }
                    let centre = logs.reduce(0, +) / Double(logs.count)
                    return (Calibration.ErrorSummary(logs.map { abs(exp($0 - centre) - 1) }), exp(centre))
                }
                let (d, scale) = summary(.decode), (p, _) = summary(.prefill)
                if d.rows + p.rows > 0 { out.append(Result(file: file, machine: machine, decode: d, prefill: p, decodeScale: scale)) }
            }
        }
        return out
    }
}
