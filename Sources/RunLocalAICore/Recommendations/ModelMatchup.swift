import Foundation

/// What a model is compared for, with the question each use case asks of the engine: its context, images, and
/// the decode speed below which the use case is not practical.
///
/// ```swift
/// UseCase.coding.context         // 32768: an agent reads whole files
/// UseCase.reasoning.minimumDecode // 15 tok/s: thinking tokens come before the answer
/// ```
public enum UseCase: String, Sendable, Hashable, CaseIterable, Codable {
    case chat, coding, vision, longContext = "long-context", reasoning

    /// The names a URL or flag may give, for error messages ("chat, coding, vision, long-context, reasoning").
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public var label: String {
        switch self {
        case .chat: "Chat"
        case .coding: "Coding"
        case .vision: "Vision"
        case .longContext: "Long context"
        case .reasoning: "Reasoning"
        }
    }
    /// Context tokens the use case is judged at.
    public var context: Int {
        switch self {
        case .chat, .vision: 8192
        case .coding: 32768
        case .longContext: 65536
        case .reasoning: 16384
        }
    }
    public var images: Int { self == .vision ? 1 : 0 }
    /// Decode tok/s below which the use case is not practical: reading speed for chat and vision, faster where many
    /// tokens come before the user sees an answer (a coding agent's edits, a reasoning model's thinking).
    public var minimumDecode: Double {
        switch self {
        case .chat, .vision, .longContext: 8
        case .coding, .reasoning: 15
        }
    }
    /// Whether this use is the first the catalog lists for the model (a coder's first use is coding): made for it, not only able.
    public func isFirstUse(of m: CatalogModel) -> Bool {
        switch self {
        case .vision: return m.isVisionModel && m.use.first == "vision"
        default: return m.use.first == rawValue
        }
    }
    /// Whether the catalog says the model is made for this use.
    public func suits(_ m: CatalogModel) -> Bool {
        if m.use.contains("embedding") || m.use.contains("rerank") { return false }
        switch self {
        case .chat: return m.use.contains("chat") || m.use.isEmpty
        case .coding: return m.use.contains("coding")
        case .vision: return m.isVisionModel
        case .longContext: return m.architecture.contextLength >= context
        case .reasoning: return m.use.contains("reasoning")
        }
    }
}

/// One side of a model-vs-model comparison for one use case: the catalog's facts and the engine's answer at the
/// best quantisation that fits.
public struct MatchupSide: Sendable, Hashable, Codable {
    public var model: String
    public var name: String
    public var params_b: Double
    public var released: String?
    /// Whether the catalog lists the model for this use case.
    public var suited: Bool
    /// Whether this use case is the first the catalog lists for it (a specialist, e.g. a coder for coding).
    public var specialised: Bool
    /// The quantisation the figures are for (the best that fits comfortably, else the best that runs); nil when none runs.
    public var quant: String?
    public var tier: String
    public var decode_tps: Double
    public var prefill_tps: Double
    public var evidence: String
    public init(model: String, name: String, params_b: Double, released: String?, suited: Bool, specialised: Bool = false, quant: String?, tier: String,
                decode_tps: Double, prefill_tps: Double, evidence: String) {
        self.model = model; self.name = name; self.params_b = params_b; self.released = released; self.suited = suited; self.specialised = specialised; self.quant = quant
        self.tier = tier; self.decode_tps = decode_tps; self.prefill_tps = prefill_tps; self.evidence = evidence
    }
    /// Runs and is fast enough for the use case.
    func practical(_ u: UseCase) -> Bool { quant != nil && tier != FitTier.wontRun.rawValue && decode_tps >= u.minimumDecode }
}

/// The verdict for one use case: which side wins (`a`, `b`, or nil for "either"), and why, in the order the rules
/// decided it.
public struct UseCaseVerdict: Sendable, Hashable, Codable {
    public var use_case: UseCase
    public var context: Int
    public var winner: String?
    public var reasons: [String]
    public var a: MatchupSide
    public var b: MatchupSide
}

/// Model vs model on one card, decided per use case by stated rules over the catalog's facts and the engine's
/// figures — never a percentage:
/// 1. a model the catalog does not list for the use case loses to one it does;
/// 2. one that is practical on the card (runs, at or above the use case's minimum decode) beats one that is not;
/// 3. both practical: a model with at least 1.5× the parameters wins unless it only fits below Q4 (quantisation
///    loss); between similar sizes a specialist (the use is the first the catalog lists for it) beats a general model,
///    then a model released 6 months or more later, else the one that decodes at least 15% faster; otherwise either.
///
/// ```swift
/// let v = ModelMatchup.judge(.coding, a: sideA, b: sideB)
/// v.winner    // "a"
/// v.reasons   // ["both run at 32K context on the card", "Qwen2.5 Coder 32B has 4.3× the parameters ..."]
/// ```
public enum ModelMatchup {
    public static let lowQuants: Set<String> = ["Q3_K_M", "Q3_K_S", "Q3_K_L", "Q2_K", "IQ3_XXS", "IQ3_S", "IQ3_M", "IQ2_XS", "IQ2_XXS", "IQ2_M", "IQ1_S", "IQ1_M"]

    public static func judge(_ u: UseCase, a: MatchupSide, b: MatchupSide) -> UseCaseVerdict {
        func done(_ w: String?, _ r: [String]) -> UseCaseVerdict { UseCaseVerdict(use_case: u, context: u.context, winner: w, reasons: r, a: a, b: b) }
        let ctx = u.context >= 1024 ? "\(u.context / 1024)K" : String(u.context)
        if a.suited != b.suited {
            let (w, l) = a.suited ? (a, b) : (b, a)
            let why = u == .vision ? "\(l.name) takes no images" : u == .longContext ? "\(l.name)'s context is shorter than \(ctx)" : "\(l.name) is not listed for \(u.label.lowercased())"
            return done(a.suited ? "a" : "b", [why])
        }
        if !a.suited {
            return done(nil, [u == .vision ? "neither takes images" : "neither is listed for \(u.label.lowercased())"])
        }
        let pa = a.practical(u), pb = b.practical(u)
        func state(_ s: MatchupSide) -> String {
            guard let q = s.quant, s.tier != FitTier.wontRun.rawValue else { return "\(s.name) does not fit at \(ctx) context" }
            return String(format: "%@ decodes %.1f tok/s at %@ (%@), under the %.0f tok/s %@ needs", s.name, s.decode_tps, q, ctx, u.minimumDecode, u.label.lowercased())
        }
        if pa != pb { return done(pa ? "a" : "b", [state(pa ? b : a)]) }
        if !pa { return done(nil, [state(a), state(b)]) }
        var reasons = [String(format: "both decode at least %.0f tok/s at %@ context on this card", u.minimumDecode, ctx)]
        let (big, small, bigSide) = a.params_b >= b.params_b ? (a, b, "a") : (b, a, "b")
        let ratio = big.params_b / max(small.params_b, 0.001)
        if ratio >= 1.5 {
            if let q = big.quant, lowQuants.contains(q), let sq = small.quant, !lowQuants.contains(sq) {
                reasons.append(String(format: "%@ has %.1f× the parameters but fits only at %@; %@ runs at %@", big.name, ratio, q, small.name, sq))
                return done(bigSide == "a" ? "b" : "a", reasons)
            }
            if let q = big.quant, lowQuants.contains(q) {
                reasons.append(String(format: "%@ has %.1f× the parameters of %@; both fit only below Q4 here (%@ and %@), where the larger keeps more", big.name, ratio, small.name, q, small.quant ?? "-"))
            } else {
                reasons.append(String(format: "%@ has %.1f× the parameters of %@ and still runs at %@", big.name, ratio, small.name, big.quant ?? "-"))
            }
            return done(bigSide, reasons)
        }
        if a.specialised != b.specialised {
            let (sp, other) = a.specialised ? (a, b) : (b, a)
            reasons.append("at a similar size, \(sp.name) is made for \(u.label.lowercased()) (its first listed use); \(other.name) is a general model")
            return done(a.specialised ? "a" : "b", reasons)
        }
        if let ra = a.released.flatMap(months), let rb = b.released.flatMap(months), abs(ra - rb) >= 6 {
            let newer = ra > rb ? a : b
            reasons.append("\(newer.name) is \(abs(ra - rb)) months newer at a similar size")
            return done(ra > rb ? "a" : "b", reasons)
        }
        let speed = a.decode_tps / max(b.decode_tps, 0.001)
        if speed >= 1.15 || speed <= 1 / 1.15 {
            let (f, s) = speed > 1 ? (a, b) : (b, a)
            reasons.append(String(format: "similar size and age; %@ decodes %.1f tok/s against %.1f", f.name, f.decode_tps, s.decode_tps))
            return done(speed > 1 ? "a" : "b", reasons)
        }
        reasons.append("similar size, age and speed: either will do")
        return done(nil, reasons)
    }

    /// The overall verdict: the side that wins more than half of the use cases either model is listed for (each counts
    /// once; a tie counts against both), else nil ("depends on the use").
    public static func overall(_ verdicts: [UseCaseVerdict]) -> (winner: String?, a: Int, b: Int) {
        let a = verdicts.filter { $0.winner == "a" }.count, b = verdicts.filter { $0.winner == "b" }.count
        let counted = verdicts.filter { $0.a.suited || $0.b.suited }.count
        if 2 * a > counted { return ("a", a, b) }
        if 2 * b > counted { return ("b", a, b) }
        return (nil, a, b)
    }

    /// "2024-09" → months since year 0.
    static func months(_ s: String) -> Int? {
        let p = s.split(separator: "-")
        guard p.count >= 2, let y = Int(p[0]), let m = Int(p[1]) else { return nil }
        return y * 12 + m
    }
}
