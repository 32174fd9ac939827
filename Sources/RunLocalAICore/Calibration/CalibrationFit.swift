import Foundation

/// Fits the speed model's efficiency factors to measurements, deterministically (same rows → same factors).
///
/// Coordinate descent on the mean absolute log error, one factor at a time with shrinking multiplicative
/// steps, each factor clamped to a physical range (an efficiency stays in (0, 1], a per-layer cost stays
/// positive). Few factors, many rows: the fit learns backend and quantisation behaviour, not rows. A factor that
/// fewer than ``minimumSupport`` rows depend on is not fitted at all (it keeps its starting value): two rows of one
/// quantisation family would otherwise be matched exactly by that family's two factors, which is learning rows.
///
/// ```swift
/// let fitted = CalibrationFit.fit(cases: cases, start: SpeedModel.factors)
/// ```
public enum CalibrationFit {
    struct Parameter {
        var name: String
        var get: (SpeedModel.Factors) -> Double
        var set: (inout SpeedModel.Factors, Double) -> Void
        var range: ClosedRange<Double>
        /// How far (in log) the factor may plausibly sit from its prior: the prior's standard deviation.
        var sigma: Double { CalibrationFit.priorSigma(name) }
    }

    /// Each factor's prior uncertainty, in log units. Bandwidth efficiency is a property of DRAM and streaming
    /// kernels (±15%), a quantisation family's effect on it smaller (±10%); matrix efficiencies vary with tile shapes
    /// (±30%); operations per weight and per-layer costs depend on how well a kernel hides its work (a factor of e);
    /// the rest (attention terms, the no-flash-attention read cap, CUDA's host time per layer before graphs) ±65%.
    static func priorSigma(_ name: String) -> Double {
        if name.hasPrefix("quantDecode.") { return 0.1 }
        if name.hasPrefix("bandwidth.") { return 0.15 }
        if name.hasPrefix("metalQuantPrefill") { return 0.2 }
        if name.hasPrefix("compute.") || name.hasPrefix("quantPrefill.") || name.hasPrefix("cudaQuantPrefillBeforeMMQ")
            || name.hasPrefix("moeDecode") || name.hasPrefix("moePrefill") || name.hasPrefix("pipelineEfficiency") { return 0.3 }
        if name.hasPrefix("decodeCompute") || name.hasPrefix("multiGPUMicros") || name.hasPrefix("layerMicros.")
            || name.hasPrefix("moeLayerMicros") { return 1.0 }
        return 0.5
    }

    static func parameters(for backends: Set<Backend>) -> [Parameter] {
        var ps: [Parameter] = []
        for b in Backend.allCases.sorted(by: { $0.rawValue < $1.rawValue }) where backends.contains(b) {
            ps.append(.init(name: "bandwidth.\(b.rawValue)", get: { $0.bandwidth[b] ?? 0.6 }, set: { $0.bandwidth[b] = $1 }, range: 0.2...0.95))
            ps.append(.init(name: "layerMicros.\(b.rawValue)", get: { $0.layerMicros[b] ?? 20 }, set: { $0.layerMicros[b] = $1 }, range: 2...400))
            ps.append(.init(name: "compute.\(b.rawValue)", get: { $0.compute[b] ?? 0.3 }, set: { $0.compute[b] = $1 }, range: 0.05...0.95))
        }
        if backends.contains(.cuda) {
            ps.append(.init(name: "cudaLayerMicrosBeforeGraphs", get: { $0.cudaLayerMicrosBeforeGraphs }, set: { $0.cudaLayerMicrosBeforeGraphs = $1 }, range: 2...400))
            ps.append(.init(name: "cudaQuantPrefillBeforeMMQ", get: { $0.cudaQuantPrefillBeforeMMQ }, set: { $0.cudaQuantPrefillBeforeMMQ = $1 }, range: 0.3...1.3))
        }
        if backends.contains(.cpu) {
            ps.append(.init(name: "cpuCompute", get: { $0.cpuCompute }, set: { $0.cpuCompute = $1 }, range: 0.05...0.95))
        }
        if backends.contains(.metal) {
            ps.append(.init(name: "metalQuantPrefill", get: { $0.metalQuantPrefill }, set: { $0.metalQuantPrefill = $1 }, range: 0.3...1.3))
        }
        for q in SpeedModel.QuantFamily.allCases where q != .float {
            ps.append(.init(name: "quantDecode.\(q.rawValue)", get: { $0.quantDecode[q] ?? 1 }, set: { $0.quantDecode[q] = $1 }, range: 0.7...1.2))
            ps.append(.init(name: "quantPrefill.\(q.rawValue)", get: { $0.quantPrefill[q] ?? 1 }, set: { $0.quantPrefill[q] = $1 }, range: 0.3...1.3))
        }
        for q in SpeedModel.QuantFamily.allCases {
            ps.append(.init(name: "decodeCompute.\(q.rawValue)", get: { $0.decodeCompute[q] ?? 3 }, set: { $0.decodeCompute[q] = $1 }, range: 2...200))
            ps.append(.init(name: "decodeComputeIntDot.\(q.rawValue)", get: { $0.decodeComputeIntDot[q] ?? 3 }, set: { $0.decodeComputeIntDot[q] = $1 },
                            range: 0.25...200))
        }
        ps.append(.init(name: "moeDecode", get: { $0.moeDecode }, set: { $0.moeDecode = $1 }, range: 0.2...1.2))
        ps.append(.init(name: "moeLayerMicros", get: { $0.moeLayerMicros }, set: { $0.moeLayerMicros = $1 }, range: 2...200))
        ps.append(.init(name: "moePrefill", get: { $0.moePrefill }, set: { $0.moePrefill = $1 }, range: 0.1...1.2))
        ps.append(.init(name: "attentionCost", get: { $0.attentionCost }, set: { $0.attentionCost = $1 }, range: 0.5...10))
        ps.append(.init(name: "attentionCostNoFA", get: { $0.attentionCostNoFA }, set: { $0.attentionCostNoFA = $1 }, range: 0.5...40))
        ps.append(.init(name: "kvReadsNoFA", get: { $0.kvReadsNoFA }, set: { $0.kvReadsNoFA = $1 }, range: 1...16))
        ps.append(.init(name: "pipelineEfficiency", get: { $0.pipelineEfficiency }, set: { $0.pipelineEfficiency = $1 }, range: 0...1))
        ps.append(.init(name: "multiGPUMicros", get: { $0.multiGPUMicros }, set: { $0.multiGPUMicros = $1 }, range: 0...3000))
        return ps
    }

    /// Mean absolute log error of the predictions, each source file weighing the same: a source is one set of
    /// machines, builds and settings, and the fit should serve the next source, not the largest one.
    public static func loss(_ cases: [Calibration.Case], _ f: SpeedModel.Factors) -> Double {
        guard !cases.isEmpty else { return 0 }
        var total: [String: (sum: Double, n: Int)] = [:]
        for c in cases {
            let p = max(c.predict(f), 1e-6)
            total[c.row.file, default: (0, 0)].sum += abs(log(p / c.row.tokensPerSecond))
            total[c.row.file, default: (0, 0)].n += 1
        }
        // Summed in file order: a dictionary's order changes between runs, and the fit must not.
        return total.keys.sorted().reduce(0) { $0 + total[$1]!.sum / Double(total[$1]!.n) } / Double(total.count)
    }

    /// How much a step away from the physical prior costs, per squared log-ratio of a factor to its prior.
    /// Chosen by leave-one-file-out: 0 lets folds with few rows of a kind move that kind's factors anywhere.
    public static let priorWeight = 0.02

    /// The fit's objective: the mean absolute log error plus `weight` × Σ (log(factor ÷ prior) ÷ σ)² over the factors
    /// fitted, σ being each factor's prior uncertainty (``priorSigma(_:)``).
    static func objective(_ cases: [Calibration.Case], _ f: SpeedModel.Factors, params: [Parameter], prior: SpeedModel.Factors,
                          weight: Double) -> Double {
        var penalty = 0.0
        if weight > 0 {
            for p in params {
                let r = log(max(p.get(f), 1e-3) / max(p.get(prior), 1e-3)) / p.sigma
                penalty += r * r
            }
        }
        return loss(cases, f) + weight * penalty
    }

    /// Rows a factor must move before the fit may change it.
    public static let minimumSupport = 10

    /// How many cases' predictions move when the factor moves (by 10%).
    static func support(_ p: Parameter, cases: [Calibration.Case], at f: SpeedModel.Factors) -> Int {
        var moved = f
        let v = p.get(f)
        p.set(&moved, v == 0 ? 0.1 : v * 1.1)
        return cases.reduce(0) { n, c in
            let a = c.predict(f), b = c.predict(moved)
            return n + (abs(a - b) > 1e-9 * max(abs(a), 1) ? 1 : 0)
        }
    }

    /// The names of the factors the fit may change on these cases, and of those it leaves alone for lack of rows.
    public static func fittable(cases: [Calibration.Case], start: SpeedModel.Factors) -> (fitted: [String], tooFewRows: [String]) {
        let (fit, skip) = supportedParameters(cases: cases, start: start)
        return (fit.map(\.name), skip.map(\.name))
    }

    static func supportedParameters(cases: [Calibration.Case], start: SpeedModel.Factors) -> (fit: [Parameter], skip: [Parameter]) {
        let backends = Set(cases.flatMap { c in c.system.gpus.map(\.backend) + (c.system.gpus.isEmpty ? [.cpu] : []) })
        var fit: [Parameter] = [], skip: [Parameter] = []
        for p in parameters(for: backends) {
            if support(p, cases: cases, at: start) >= minimumSupport { fit.append(p) } else { skip.append(p) }
        }
        return (fit, skip)
    }

    /// Fits from the physical priors (or `start`), penalising each factor's distance from them by `priorWeight`.
    public static func fit(cases: [Calibration.Case], start: SpeedModel.Factors = SpeedModel.priors, rounds: Int = 12,
                           priorWeight: Double = priorWeight) -> SpeedModel.Factors {
        let params = supportedParameters(cases: cases, start: start).fit
        var f = start
        func loss(_ cases: [Calibration.Case], _ f: SpeedModel.Factors) -> Double {
            objective(cases, f, params: params, prior: start, weight: priorWeight)
        }
        var best = loss(cases, f)
        var step = 0.25
        for _ in 0..<rounds {
            for p in params {
                var improved = true
                while improved {
                    improved = false
                    for direction in [1 + step, 1 / (1 + step)] {
                        var trial = f
                        let v = min(max(p.get(f) * direction, p.range.lowerBound), p.range.upperBound)
                        p.set(&trial, v)
                        let l = loss(cases, trial)
                        if l < best - 1e-9 { best = l; f = trial; improved = true; break }
                    }
                }
            }
            step /= 2
        }
        return f
    }

    /// Leave-one-file-out: for each source file, the factors are fitted on every other file and that file's rows
    /// are predicted with them. The error is what the model makes on published runs it was not fitted on, the
    /// honest measure of whether the fit learned physics or rows.
    ///
    /// ```swift
    /// let held = CalibrationFit.crossValidate(rows: rows, catalog: catalog)
    /// held.report.decode.medianAPE
    /// ```
    public static func crossValidate(rows: [BenchmarkRow], catalog: Catalog, start: SpeedModel.Factors = SpeedModel.priors,
                                     rounds: Int = 12, priorWeight: Double = priorWeight)
        -> (report: Calibration.Report, perFile: [(file: String, decode: Calibration.ErrorSummary, prefill: Calibration.ErrorSummary)]) {
        let (cases, unresolved) = Calibration.cases(rows, catalog: catalog)
        let files = Array(Set(cases.map(\.row.file))).sorted()
        var predictions: [Calibration.Prediction] = []
        var perFile: [(String, Calibration.ErrorSummary, Calibration.ErrorSummary)] = []
        for file in files {
            let fitted = fit(cases: cases.filter { $0.row.file != file }, start: start, rounds: rounds, priorWeight: priorWeight)
            let held = cases.filter { $0.row.file == file }.map {
                Calibration.Prediction(row: $0.row, test: $0.test, hardwareID: $0.hardwareID, modelID: $0.profile.id, predicted: $0.predict(fitted),
                                       band: $0.band)
            }
            predictions += held
            perFile.append((file, Calibration.ErrorSummary(held.filter { $0.test.kind == .decode }.map(\.ape)),
                            Calibration.ErrorSummary(held.filter { $0.test.kind == .prefill }.map(\.ape))))
        }
        let report = Calibration.Report(rows: rows.count, predictions: predictions, unresolved: unresolved,
                                        decode: Calibration.ErrorSummary(predictions.filter { $0.test.kind == .decode }.map(\.ape)),
                                        prefill: Calibration.ErrorSummary(predictions.filter { $0.test.kind == .prefill }.map(\.ape)))
        return (report, perFile)
    }

    /// The factors as Swift source for `SpeedModel.factors`.
    public static func swiftSource(_ f: SpeedModel.Factors) -> String {
        func dict<K>(_ d: [K: Double], _ key: (K) -> String) -> String {
            "[" + d.map { (".\(key($0.key))", $0.value) }.sorted { $0.0 < $1.0 }
                .map { "\($0.0): \(String(format: "%.3g", $0.1))" }.joined(separator: ", ") + "]"
        }
        return """
        bandwidth: \(dict(f.bandwidth) { $0.rawValue }),
        layerMicros: \(dict(f.layerMicros) { $0.rawValue }),
        cudaLayerMicrosBeforeGraphs: \(String(format: "%.3g", f.cudaLayerMicrosBeforeGraphs)),
        compute: \(dict(f.compute) { $0.rawValue }),
        quantDecode: \(dict(f.quantDecode) { $0.rawValue }),
        decodeCompute: \(dict(f.decodeCompute) { $0.rawValue }),
        decodeComputeIntDot: \(dict(f.decodeComputeIntDot) { $0.rawValue }),
        quantPrefill: \(dict(f.quantPrefill) { $0.rawValue }),
        metalQuantPrefill: \(String(format: "%.3g", f.metalQuantPrefill)), cudaQuantPrefillBeforeMMQ: \(String(format: "%.3g", f.cudaQuantPrefillBeforeMMQ)),
        moeDecode: \(String(format: "%.3g", f.moeDecode)), moeLayerMicros: \(String(format: "%.3g", f.moeLayerMicros)), moePrefill: \(String(format: "%.3g", f.moePrefill)), attentionCost: \(String(format: "%.3g", f.attentionCost)), attentionCostNoFA: \(String(format: "%.3g", f.attentionCostNoFA)), kvReadsNoFA: \(String(format: "%.3g", f.kvReadsNoFA)), pipelineEfficiency: \(String(format: "%.3g", f.pipelineEfficiency)),
        multiGPUMicros: \(String(format: "%.3g", f.multiGPUMicros)), cpuCompute: \(String(format: "%.3g", f.cpuCompute)))
        """
    }
}
