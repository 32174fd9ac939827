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

    /// Applies the store's evidence to an answer built from `estimate`.
    public func applyEvidence(_ estimate: Estimate, to answer: WillItRunAnswer) async -> WillItRunAnswer {
        guard let model = estimate.profile.catalogID,
              let runs = try? await store.runs(BenchmarkQuery(model: model, limit: 1000)), !runs.isEmpty else { return answer }
        let e = EvidenceResolver.resolve(estimate, runs: runs, catalog: catalog)
        return answer.withEvidence(e.evidence, decode: e.decode, prefill: e.prefill, basis: e.basis, runIDs: e.runIDs, needsReview: e.needsReview)
    }
}
