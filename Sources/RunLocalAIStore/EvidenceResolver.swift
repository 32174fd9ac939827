import Foundation
import RunLocalAICore

/// The speed a page shows for an estimate, with its evidence: which runs it rests on, how they agree, and the
/// RunLocalAI Score's confidence multiplier.
///
/// ```swift
/// let e = EvidenceResolver.resolve(estimate, runs: approved, catalog: catalog)
/// e.evidence            // .measured
/// e.decode.expected     // median of the matching runs
/// e.needsReview         // true when they disagree by more than 20%
/// ```
public struct ResolvedEvidence: Sendable, Hashable {
    public var evidence: Evidence
    /// Decode speed: median and range of the runs used (scaled where the tier says so), or the estimate's own.
    public var decode: SpeedRange
    /// Prefill speed from the same runs when they measured it, else the estimate's own.
    public var prefill: SpeedRange
    public var prefillMeasured: Bool
    /// Ids of the runs used.
    public var runIDs: [String]
    /// (max − min) ÷ median of the decode figures used; 0 for one run, nil for none.
    public var spread: Double?
    /// Several runs of one tuple disagree by more than ``EvidenceResolver/reviewSpread``.
    public var needsReview: Bool
    /// One sentence on where the figure comes from.
    public var basis: String
    public var confidenceMultiplier: Double { evidence.confidenceMultiplier }
}

/// Chooses the strongest evidence the approved runs give for an ``Estimate``:
///
/// 1. **measured**: published runs of the exact tuple — model, quant, hardware and count, runtime — at about the
///    estimate's cache depth (within a factor of two, or both under 1024 tokens; see ``decodeDepth(_:)``).
///    Figures used as measured.
/// 2. **measured-near**: published runs of the same model on the same hardware at another quantisation or context,
///    each scaled by the engine's ratio between the two settings.
/// 3. **community**: approved, not yet reproduced runs from community submitters (not `imported`) of the exact
///    tuple, scaled to the estimate's context.
/// 4. **extrapolated**: runs of the same model (same quant when there is one) on other hardware, each scaled by
///    the engine's ratio of its predictions for the two machines.
/// 5. **estimated**: the formula alone.
///
/// "Published" is a run that is reproduced (either way), or approved and imported from a cited source. Several runs
/// give their median; a spread above 20% flags the figure for review. Runs of other runtimes never count.
///
/// ```swift
/// let approved = try await store.runs(BenchmarkQuery(model: id, limit: 1000))
/// let shown = EvidenceResolver.resolve(estimate, runs: approved, catalog: catalog)
/// ```
public enum EvidenceResolver {
    public static let reviewSpread = BenchStats.rerunSpread
    /// Two decode depths count as "the same context" within this factor, or when both are this shallow.
    public static let contextFactor = 2.0
    public static let sameDepthTokens = 1024.0

    /// How deep the KV cache was, on average, while the run generated: a run's `context` is read as llama-bench's
    /// (tokens already in the cache + tokens generated), so tg128 is depth 64 and tg32@d4096 depth 4112.
    public static func decodeDepth(_ r: BenchmarkRun) -> Double {
        let generated = r.generatedTokens ?? 128
        let context = r.context ?? generated
        return Double(max(0, context - generated)) + Double(generated) / 2
    }

    public static func resolve(_ estimate: Estimate, runs: [BenchmarkRun], catalog: Catalog) -> ResolvedEvidence {
        let modelID = estimate.profile.catalogID ?? estimate.profile.id
        let quant = estimate.profile.quant
        let runtime = estimate.settings.runtime.rawValue
        let device = estimate.system.selection?.device.id
        let count = estimate.system.selection?.count ?? 1
        let candidates = runs.filter { $0.model == modelID && $0.runtime == runtime && $0.decodeTPS.isFinite && $0.decodeTPS > 0 }

        func published(_ r: BenchmarkRun) -> Bool {
            r.status == .reproduced || r.status == .independentlyReproduced || (r.status == .approved && r.submitter == SeedImport.submitter)
        }
        func community(_ r: BenchmarkRun) -> Bool { r.status == .approved && r.submitter != SeedImport.submitter }
        func sameMachine(_ r: BenchmarkRun) -> Bool { device != nil && r.hardware == [device!] && r.hardwareCount == count }
        func sameContext(_ r: BenchmarkRun) -> Bool {
            let a = decodeDepth(r), b = Double(estimate.settings.depth)
            return max(a, b) <= sameDepthTokens || max(a, b) <= contextFactor * min(a, b)
        }

        let exact = candidates.filter { sameMachine($0) && $0.quant == quant }
        let measured = exact.filter { published($0) && sameContext($0) }
        if !measured.isEmpty {
            return summarise(.measured, measured.map { ($0, 1.0) }, estimate: estimate,
                             basis: "measured: \(describe(measured.count)) of \(modelID) \(quant) on \(machine(estimate)) with \(runtime)")
        }

        let near = candidates.filter { sameMachine($0) && published($0) }
        let nearScaled = near.compactMap { r in ratio(estimate, run: r, catalog: catalog).map { (r, $0) } }
        if !nearScaled.isEmpty {
            return summarise(.measuredNear, nearScaled, estimate: estimate,
                             basis: "measured nearby: \(describe(nearScaled.count)) of \(modelID) on \(machine(estimate)) at "
                                + settingsList(nearScaled.map(\.0)) + ", scaled by the engine to \(quant) at depth \(estimate.settings.depth)")
        }

        let fromCommunity = exact.filter(community).compactMap { r in ratio(estimate, run: r, catalog: catalog).map { (r, $0) } }
        if !fromCommunity.isEmpty {
            return summarise(.community, fromCommunity, estimate: estimate,
                             basis: "community: \(describe(fromCommunity.count)) submitted for \(modelID) \(quant) on \(machine(estimate)), not yet reproduced")
        }

        let elsewhere = candidates.filter { !sameMachine($0) && (published($0) || community($0)) }
        let sameQuant = elsewhere.filter { $0.quant == quant }
        let pool = sameQuant.isEmpty ? elsewhere : sameQuant
        let extrapolated = pool.compactMap { r in ratio(estimate, run: r, catalog: catalog).map { (r, $0) } }
        if !extrapolated.isEmpty {
            let machines = Set(extrapolated.map { ($0.0.hardwareCount > 1 ? "\($0.0.hardwareCount)x " : "") + $0.0.hardware.joined(separator: "+") })
            return summarise(.extrapolated, extrapolated, estimate: estimate,
                             basis: "extrapolated: \(describe(extrapolated.count)) of \(modelID) on \(machines.sorted().joined(separator: ", ")), "
                                + "scaled by the engine's ratio of predictions to \(machine(estimate))")
        }

        return ResolvedEvidence(evidence: .estimated, decode: estimate.decode, prefill: estimate.prefill, prefillMeasured: false,
                                runIDs: [], spread: nil, needsReview: false,
                                basis: "estimated: no approved benchmark of \(modelID) with \(runtime) yet; the formula alone")
    }

    // MARK: Scaling

    /// The engine's decode and prefill ratio between the estimate's setting and the run's (model at the run's
    /// quant, on the run's hardware, at its context). Nil when the run's setting cannot be rebuilt or predicted.
    static func ratio(_ estimate: Estimate, run: BenchmarkRun, catalog: Catalog) -> (decode: Double, prefill: Double)? {
        guard let model = catalog.model(id: run.model), let mix = QuantMix(name: run.quant), run.hardware.count == 1,
              let device = catalog.device(id: run.hardware[0]), (1...64).contains(run.hardwareCount) else { return nil }
        let profile = mix.name == estimate.profile.quant && model.id == estimate.profile.catalogID
            ? estimate.profile : ModelProfile(model: model, mix: mix)
        let selection = HardwareSelection(device: device, count: run.hardwareCount)
        let system = selection.device.id == estimate.system.selection?.device.id && selection.count == estimate.system.selection?.count
            ? estimate.system : TargetSystem(selection, backend: run.backend.flatMap(Calibration.backend))
        var settings = estimate.settings
        settings.gpuLayers = run.gpuLayers
        if let fa = run.flashAttention { settings.flashAttention = fa }
        settings.context = max(run.context ?? 0, Int(decodeDepth(run)) + (run.generatedTokens ?? 128), run.promptTokens ?? 0, 1)
        settings.promptTokens = min(run.promptTokens ?? 512, settings.context)
        settings.depth = Int(decodeDepth(run))
        settings.images = 0
        guard let source = try? Planner.plan(profile: profile, system: system, settings: settings), source.fit.tier != .wontRun else { return nil }
        let from = SpeedModel.expected(profile: source.profile, system: source.system, settings: source.settings, usage: source.usage)
        let to = SpeedModel.expected(profile: estimate.profile, system: estimate.system, settings: estimate.settings, usage: estimate.usage)
        guard from.decode > 0, to.decode > 0, from.decode.isFinite, to.decode.isFinite else { return nil }
        let prefill = from.prefill > 0 && to.prefill > 0 ? to.prefill / from.prefill : 1
        return (to.decode / from.decode, prefill)
    }

    static func summarise(_ evidence: Evidence, _ used: [(BenchmarkRun, Double)], estimate: Estimate, basis: String) -> ResolvedEvidence {
        summarise(evidence, used.map { ($0.0, (decode: $0.1, prefill: $0.1)) }, estimate: estimate, basis: basis)
    }

    static func summarise(_ evidence: Evidence, _ used: [(BenchmarkRun, (decode: Double, prefill: Double))], estimate: Estimate,
                          basis: String) -> ResolvedEvidence {
        let decode = used.map { $0.0.decodeTPS * $0.1.decode }
        let prefill = used.compactMap { r, k in r.prefillTPS.flatMap { $0.isFinite && $0 > 0 ? $0 * k.prefill : nil } }
        let d = stats(decode)
        let spread = d.median > 0 ? (d.max - d.min) / d.median : 0
        let review = used.count > 1 && spread > reviewSpread
        var prefillRange = estimate.prefill
        if !prefill.isEmpty {
            let p = stats(prefill)
            prefillRange = SpeedRange(low: round1(p.min), expected: round1(p.median), high: round1(p.max))
        }
        var sentence = basis
        if review {
            sentence += String(format: "; the runs disagree by %.0f%% (more than %.0f%%): flagged for review", spread * 100, reviewSpread * 100)
        }
        return ResolvedEvidence(evidence: evidence, decode: SpeedRange(low: round1(d.min), expected: round1(d.median), high: round1(d.max)),
                                prefill: prefillRange, prefillMeasured: !prefill.isEmpty, runIDs: used.compactMap { $0.0.id },
                                spread: spread, needsReview: review, basis: sentence)
    }

    static func stats(_ xs: [Double]) -> (min: Double, median: Double, max: Double) {
        let s = xs.sorted()
        guard !s.isEmpty else { return (0, 0, 0) }
        return (s.first!, BenchStats.median(s)!, s.last!)
    }

    static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    static func describe(_ n: Int) -> String { n == 1 ? "1 run" : "median of \(n) runs" }

    static func machine(_ e: Estimate) -> String { e.system.selection?.id ?? "this machine" }

    static func settingsList(_ runs: [BenchmarkRun]) -> String {
        let items = Set(runs.map { "\($0.quant)" + ($0.context.map { " ctx \($0)" } ?? "") })
        return items.sorted().joined(separator: ", ")
    }
}
