import Foundation
import RunLocalAICore

/// The answer to one ``Question``: the engine's plan, the store's evidence applied to its speeds, and the
/// commands. Inside it is typed (tier, placement, evidence are enums); ``wire`` is the stable JSON contract that
/// the API and `runlocalai will-it-run --json` print byte for byte.
///
/// ```swift
/// let a = try await service.answer(question)
/// switch a.tier { case .comfortable: ...; case .tradeoffs: ...; case .wontRun: ... }
/// a.decode.expected     // tok/s, measured when a run of this exact tuple exists
/// ```
public struct Answer: Sendable, Hashable {
    public var question: Question
    /// The JSON contract (strings only at this wire).
    public var wire: WillItRunAnswer
    public var tier: FitTier
    public var placement: Placement
    public var evidence: Evidence
    /// The catalog hardware the question resolved to (nil for a detected machine of mixed GPUs).
    public var selection: HardwareSelection?

    public var decode: SpeedRange { wire.speed.decode_tps }
    public var prefill: SpeedRange { wire.speed.prefill_tps }
    /// What stays resident once loaded, all devices together: the figure every page calls "needed".
    public var neededBytes: UInt64 { wire.memory.needed_bytes ?? wire.memory.total_bytes }
    /// The load-time peak, shown beside "needed" and never deciding the verdict.
    public var peakBytes: UInt64 { wire.memory.peak_bytes ?? wire.memory.total_bytes }
    /// Whether it runs at all (then the speeds mean something).
    public var runs: Bool { tier != .wontRun }

    public init(question: Question, wire: WillItRunAnswer, selection: HardwareSelection?) {
        self.question = question; self.wire = wire; self.selection = selection
        tier = FitTier(rawValue: wire.fit.tier) ?? .wontRun
        placement = Placement(rawValue: wire.fit.placement) ?? .none
        evidence = Evidence(rawValue: wire.speed.evidence) ?? .estimated
    }

    /// The workload chip status of this answer (the one mapping from tier and placement).
    public var chipStatus: ChipStatus {
        switch (tier, placement) {
        case (.comfortable, _): .comfortable
        case (.wontRun, _), (_, .none): .doesNotFit
        case (.tradeoffs, .gpu): .tight
        case (.tradeoffs, _): .marginal
        }
    }
}

/// Answers to the same question from every surface are compared through this: the figures a user reads.
///
/// ```swift
/// AnswerFigures(answer).tier   // "tradeoffs"
/// ```
public struct AnswerFigures: Sendable, Hashable, Codable, CustomStringConvertible {
    public var tier: String
    public var decode: String
    public var prefill: String
    public var evidence: String
    public var needed: String

    public init(_ a: Answer) { self.init(a.wire) }

    public init(_ w: WillItRunAnswer) {
        let runs = w.fit.tier != FitTier.wontRun.rawValue
        tier = w.fit.tier
        decode = runs ? String(format: "%.1f", w.speed.decode_tps.expected) : "-"
        prefill = runs ? String(format: "%.1f", w.speed.prefill_tps.expected) : "-"
        evidence = runs ? w.speed.evidence : "-"
        needed = String(w.memory.needed_bytes ?? w.memory.total_bytes)
    }

    public init(tier: String, decode: String, prefill: String, evidence: String, needed: String) {
        self.tier = tier; self.decode = decode; self.prefill = prefill; self.evidence = evidence; self.needed = needed
    }

    public var description: String { "tier=\(tier) decode=\(decode) prefill=\(prefill) evidence=\(evidence) needed=\(needed)" }
}
