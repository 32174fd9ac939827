import Foundation

/// The RunLocalAI Score of a piece of hardware: 0-1000, the sum of four sub-scores computed from the engine's
/// plans of the reference workloads, times the evidence's confidence multiplier.
///
/// - **throughput** (0-500): for the 7B/14B/32B/70B chat workloads (Q4_K_M, 8K), decode ÷ a reference speed
///   (200 / 110 / 50 / 25 tok/s, about an RTX 5090's figures), each capped at 1, averaged, × 500.
///   A workload the host cannot hold counts 0.
/// - **VRAM fit** (0-200): over every chip workload, comfortable 1, tight 0.6, marginal 0.25, doesn't fit 0; averaged, × 200.
/// - **ecosystem** (0-200): the best backend the device has: CUDA 200, Metal 170, ROCm 130, Vulkan 100,
///   SYCL 90, OpenCL 60, CPU 50.
/// - **efficiency** (0-100): tokens per joule on the 7B chat workload = decode ÷ (TDP × devices), ÷ 1 tok/J,
///   capped at 1, × 100 (0 without a TDP in the catalog).
///
/// ```swift
/// let s = HardwareScore.score(selection, catalog: catalog, profiles: profiles)
/// s.total   // e.g. 512 (estimated evidence: × 0.70)
/// ```
public struct HardwareScore: Sendable, Hashable, Codable {
    public var total: Int
    public var throughput: Double
    public var vram_fit: Double
    public var ecosystem: Double
    public var efficiency: Double
    /// Sum of the sub-scores before the confidence multiplier.
    public var raw: Double
    public var evidence: String
    public var confidence_multiplier: Double
    /// Tokens per joule on the 7B chat workload (nil without a TDP).
    public var tokens_per_joule: Double?

    public static let throughputMax = 500.0, vramFitMax = 200.0, ecosystemMax = 200.0, efficiencyMax = 100.0
    /// Decode speeds that earn full throughput marks, by chat workload id.
    public static let referenceDecode: [String: Double] = ["chat-7b": 200, "chat-14b": 110, "chat-32b": 50, "chat-70b": 25]
    public static let chipWeight: [ChipStatus: Double] = [.comfortable: 1, .tight: 0.6, .marginal: 0.25, .doesNotFit: 0]
    public static let backendPoints: [Backend: Double] = [.cuda: 200, .metal: 170, .rocm: 130, .vulkan: 100, .sycl: 90, .opencl: 60, .cpu: 50]
    /// Tokens per joule that earn full efficiency marks.
    public static let referenceTokensPerJoule = 1.0

    public static func score(_ selection: HardwareSelection, catalog: Catalog, profiles: any ProfileSource,
                             evidence: Evidence = .estimated) -> HardwareScore {
        let system = TargetSystem(selection)
        let chips = WorkloadChips.chips(for: system, catalog: catalog, profiles: profiles)
        return score(chips: chips, backends: selection.device.backends, tdpW: selection.device.tdpW.map { $0 * Double(selection.count) },
                     evidence: evidence)
    }

    /// The score from already-computed chips (the hardware page shows both; one plan per workload).
    public static func score(chips: [WorkloadChip], backends: [Backend], tdpW: Double?, evidence: Evidence = .estimated) -> HardwareScore {
        let byID = Dictionary(chips.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var t = 0.0
        for (id, ref) in referenceDecode {
            let d = byID[id].map { $0.status == .doesNotFit ? 0 : $0.decode_tps } ?? 0
            t += min(1, d / ref)
        }
        let throughput = throughputMax * t / Double(referenceDecode.count)
        let fit = chips.isEmpty ? 0 : vramFitMax * chips.reduce(0) { $0 + (chipWeight[$1.status] ?? 0) } / Double(chips.count)
        let eco = backends.compactMap { backendPoints[$0] }.max() ?? backendPoints[.cpu]!
        var tpj: Double?
        var eff = 0.0
        if let w = tdpW, w > 0, let c = byID["chat-7b"], c.status != .doesNotFit {
            tpj = c.decode_tps / w
            eff = efficiencyMax * min(1, c.decode_tps / w / referenceTokensPerJoule)
        }
        let raw = throughput + fit + eco + eff
        let m = evidence.confidenceMultiplier
        func r(_ x: Double) -> Double { (x * 10).rounded() / 10 }
        return HardwareScore(total: Int((raw * m).rounded()), throughput: r(throughput), vram_fit: r(fit), ecosystem: r(eco),
                             efficiency: r(eff), raw: r(raw), evidence: evidence.rawValue, confidence_multiplier: m,
                             tokens_per_joule: tpj.map { ($0 * 1000).rounded() / 1000 })
    }
}
