import Foundation
import RunLocalAICore

/// What every page reads: the site's catalog and content, and the engine with a profile cache.
/// Pages only format what these return; they compute no figure of their own.
struct PageEngine: Sendable {
    let site: Site
    let profiles: ProfileCache

    init(site: Site) {
        self.site = site
        self.profiles = site.profiles
    }

    var catalog: Catalog { site.catalog }

    /// The engine's plan with the store's evidence applied (`Site.answerWithEvidence`): every speed a page shows
    /// for a catalog tuple comes from here, so a page, the will-it-run page and the API never disagree.
    func answer(_ q: WillItRunQuery) async throws -> WillItRunAnswer {
        try await site.answerWithEvidence(q)
    }

    /// `answer` for several questions, in order; nil where the engine refuses one.
    func answers(_ qs: [WillItRunQuery]) async -> [WillItRunAnswer?] {
        var out: [WillItRunAnswer?] = []
        out.reserveCapacity(qs.count)
        for q in qs { out.append(try? await answer(q)) }
        return out
    }

    /// The engine's plan alone: for memory figures, fit verdicts, and "our prediction" beside a measured run.
    func estimate(_ q: WillItRunQuery) throws -> WillItRunAnswer {
        try WillItRun.answer(q, catalog: site.catalog, profiles: profiles)
    }

    /// The engine's plan on a custom system (several cards, host RAM): no catalog tuple, so no evidence.
    func estimate(_ q: WillItRunQuery, system: TargetSystem) throws -> WillItRunAnswer {
        try WillItRun.answer(q, system: system, catalog: site.catalog, profiles: profiles)
    }

    /// Score and chips of a catalog device (default memory variant), computed once per site.
    func facts(_ id: String) -> HardwareFacts? { site.derived.facts(id: id) }

    func chips(_ selection: HardwareSelection) -> [WorkloadChip] {
        WorkloadChips.chips(for: selection, catalog: site.catalog, profiles: profiles)
    }

    func score(_ selection: HardwareSelection, chips: [WorkloadChip]) -> HardwareScore {
        HardwareScore.score(chips: chips, backends: selection.device.backends,
                            tdpW: selection.device.tdpW.map { $0 * Double(selection.count) })
    }

    /// Quantisations offered in forms and tables, largest first.
    static let quantLadder = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_XXS", "Q2_K"]
    /// The quantisations shown in a model's memory table.
    static let tableQuants = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M"]
    static let contexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072]

    /// The next smaller quantisation on the ladder (nil at the bottom or for a quant off the ladder's end).
    static func nextQuantDown(_ quant: String) -> String? {
        guard let mix = QuantMix(name: quant) else { return nil }
        if mix.name == "MXFP4" { return nil }
        if let i = quantLadder.firstIndex(of: mix.name) { return i + 1 < quantLadder.count ? quantLadder[i + 1] : nil }
        if ["BF16", "F32"].contains(mix.name) { return "Q8_0" }
        return nil
    }

    /// The card one step up in memory from `selection`: same kind (GPU / Apple / SoC), the smallest memory
    /// larger than the current one; among equals the newest, then the same vendor.
    func nextDeviceUp(from selection: HardwareSelection) -> (label: String, query: String)? {
        let d = selection.device
        let current = (selection.memoryGiB ?? 0)
        if d.memoryChoicesGiB.count > 1, let bigger = d.memoryChoicesGiB.filter({ $0 > current }).min() {
            let name = "\(d.displayName) \(Int(bigger))GB"
            let q = selection.count > 1 ? "\(selection.count)x \(d.id) \(Int(bigger))GB" : "\(d.id) \(Int(bigger))GB"
            return (name, q)
        }
        let candidates = catalog.hardware.filter { h in
            h.kind == d.kind && h.id != d.id && (h.memoryChoicesGiB.max() ?? 0) > current && h.form != .datacenter
                || h.kind == d.kind && h.id != d.id && d.form == .datacenter && (h.memoryChoicesGiB.max() ?? 0) > current
        }
        func mem(_ h: HardwareDevice) -> Double {
            d.kind == .gpu ? (h.memoryGiB ?? h.memoryChoicesGiB.max() ?? 0) : (h.memoryChoicesGiB.filter { $0 > current }.min() ?? 0)
        }
        guard let best = candidates.min(by: { a, b in
            if mem(a) != mem(b) { return mem(a) < mem(b) }
            if (a.form == d.form) != (b.form == d.form) { return a.form == d.form }
            if (a.vendor == d.vendor) != (b.vendor == d.vendor) { return a.vendor == d.vendor }
            return (a.released ?? "") > (b.released ?? "")
        }) else { return nil }
        let m = mem(best)
        let suffix = best.memoryChoicesGiB.count > 1 ? " \(Int(m))GB" : ""
        let prefix = selection.count > 1 ? "\(selection.count)x " : ""
        return ("\(prefix)\(best.displayName)\(suffix)", "\(prefix)\(best.id)\(suffix)")
    }
}
