import Foundation
import RunLocalAICore
import RunLocalAIStore

extension Site {
    /// A will-it-run answer whose speeds say where they come from: the engine plans it, then the approved
    /// benchmark runs of that model decide the evidence (measured, measured-near, community, extrapolated,
    /// or estimated when there are none). Every page and API answer goes through here, so they agree.
    ///
    /// ```swift
    /// let answer = try await site.answerWithEvidence(WillItRunQuery(model: "llama-3-8b", hardware: "rtx-3090"))
    /// answer.speed.evidence   // "measured"
    /// ```
    public func answerWithEvidence(_ q: WillItRunQuery) async throws -> WillItRunAnswer {
        let (estimate, answer) = try WillItRun.plan(q, catalog: catalog, profiles: profiles)
        return await applyEvidence(estimate, to: answer)
    }

    /// The engine's workload chips of `hardware` with each chip's decode speed and evidence replaced by the
    /// will-it-run answer for the very question the chip links to, so a chip and that answer show the same figure.
    public func chipsWithEvidence(_ chips: [WorkloadChip], hardware: HardwareSelection) async -> [WorkloadChip] {
        var out: [WorkloadChip] = []
        for var ch in chips {
            if ch.status != .doesNotFit,
               let a = try? await answerWithEvidence(WillItRunQuery(model: ch.model, quant: ch.quant, hardware: hardware.query, context: ch.context, images: ch.images)),
               a.fit.tier != FitTier.wontRun.rawValue {
                ch.decode_tps = a.speed.decode_tps.expected
                ch.evidence = a.speed.evidence
            }
            out.append(ch)
        }
        return out
    }

    /// Applies the store's evidence to an answer built from `estimate`, through the short-lived cache.
    public func applyEvidence(_ estimate: Estimate, to answer: WillItRunAnswer) async -> WillItRunAnswer {
        let key = "\(answer.model.id)|\(answer.quant)|\(answer.hardware.id)|\(answer.context)|\(answer.kv_type)|\(answer.flash_attention)|\(estimate.settings.runtime.rawValue)|\(answer.fit.gpu_layers)|\(answer.images)"
        if let hit = evidenceCache.lookup(key) { return hit }
        let result = await resolveEvidence(estimate, to: answer)
        evidenceCache.store(key, result)
        return result
    }

    func resolveEvidence(_ estimate: Estimate, to answer: WillItRunAnswer) async -> WillItRunAnswer {
        guard let model = estimate.profile.catalogID else { return answer }
        // The model's published runs (newest 1000), read once per model per `ttl`; the exact tuple first, and only
        // without a measurement of it all of them for measured-near, community and extrapolated figures.
        let runs: [BenchmarkRun]
        if let hit = evidenceCache.runs(of: model) { runs = hit } else {
            guard let read = try? await store.runs(BenchmarkQuery(model: model, limit: 1000)) else { return answer }
            evidenceCache.store(runs: read, of: model)
            runs = read
        }
        guard !runs.isEmpty else { return answer }
        var e: ResolvedEvidence?
        if let device = estimate.system.selection?.device.id {
            let exact = runs.filter { $0.quant == estimate.profile.quant && $0.hardware.contains(device) && $0.runtime == estimate.settings.runtime.rawValue }
            if !exact.isEmpty {
                let r = EvidenceResolver.resolve(estimate, runs: exact, catalog: catalog)
                if r.evidence == .measured { e = r }
            }
        }
        if e == nil { e = EvidenceResolver.resolve(estimate, runs: runs, catalog: catalog) }
        guard let e else { return answer }
        return answer.withEvidence(e.evidence, decode: e.decode, prefill: e.prefill, basis: e.basis, runIDs: e.runIDs, needsReview: e.needsReview)
    }
}

/// Answers with evidence applied, for a few seconds: a moderation decision on this server clears it at once
/// (`invalidate()`), and another server sharing the PostgreSQL store sees it within `ttl`.
///
/// ```swift
/// site.evidenceCache.invalidate()   // after approving a run
/// ```
public final class EvidenceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (ContinuousClock.Instant, WillItRunAnswer)] = [:]
    private var modelRuns: [String: (ContinuousClock.Instant, [BenchmarkRun])] = [:]
    private var generationCount: UInt64 = 0
    private let clock = ContinuousClock()
    public let ttl: Duration
    public let capacity: Int

    public init(ttl: Duration = .seconds(2), capacity: Int = 4096) { self.ttl = ttl; self.capacity = capacity }

    func lookup(_ key: String) -> WillItRunAnswer? {
        lock.lock(); defer { lock.unlock() }
        guard let (at, answer) = entries[key], clock.now - at < ttl else { return nil }
        return answer
    }

    func store(_ key: String, _ answer: WillItRunAnswer) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = (clock.now, answer)
    }

    /// Forgets every cached answer (after a run's status changed here).
    public func invalidate() {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll(keepingCapacity: true)
        modelRuns.removeAll(keepingCapacity: true)
        generationCount &+= 1
    }

    /// A model's published runs as last read from the store, if read within `ttl`.
    func runs(of model: String) -> [BenchmarkRun]? {
        lock.lock(); defer { lock.unlock() }
        guard let (at, runs) = modelRuns[model], clock.now - at < ttl else { return nil }
        return runs
    }

    func store(runs: [BenchmarkRun], of model: String) {
        lock.lock(); defer { lock.unlock() }
        if modelRuns.count >= capacity { modelRuns.removeAll(keepingCapacity: true) }
        modelRuns[model] = (clock.now, runs)
    }

    /// Changes on every `invalidate()`: caches of whole pages built on these answers put it in their keys.
    public var generation: UInt64 { lock.lock(); defer { lock.unlock() }; return generationCount }
}
