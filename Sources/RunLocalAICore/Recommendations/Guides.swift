import Foundation

/// A number behind a pick ("Score 612", "32B chat: 38 tok/s").
public struct GuideFigure: Sendable, Hashable, Codable {
    public var label: String
    public var value: String
    public init(label: String, value: String) { self.label = label; self.value = value }
}

/// One pick of a buying guide, with the numbers that made it.
public struct GuidePick: Sendable, Hashable, Codable {
    public var guide: String
    public var title: String
    public var hardware: String
    public var name: String
    public var price_usd: Double?
    public var score: Int
    public var why: String
    public var figures: [GuideFigure]
    public init(guide: String, title: String, hardware: String, name: String, price_usd: Double?, score: Int, why: String, figures: [GuideFigure]) {
        self.guide = guide; self.title = title; self.hardware = hardware; self.name = name; self.price_usd = price_usd; self.score = score
        self.why = why; self.figures = figures
    }
}

/// Engine figures for one piece of hardware (its default memory variant), computed once and shared by every guide.
public struct HardwareFacts: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var kind: String
    public var memory_gib: Double
    public var price_street: Double?
    public var price_used: Double?
    public var tdp_w: Double?
    public var backends: [Backend]
    public var score: HardwareScore
    public var chips: [WorkloadChip]

    public func chip(_ id: String) -> WorkloadChip? { chips.first { $0.id == id } }

    public static func compute(_ d: HardwareDevice, catalog: Catalog, profiles: any ProfileSource) -> HardwareFacts {
        let sel = HardwareSelection(device: d)
        let chips = WorkloadChips.chips(for: sel, catalog: catalog, profiles: profiles)
        let score = HardwareScore.score(chips: chips, backends: d.backends, tdpW: d.tdpW)
        return HardwareFacts(id: d.id, name: d.displayName, kind: d.kind.rawValue, memory_gib: sel.memoryGiB ?? 0,
                             price_street: d.price(.new), price_used: d.price(.used), tdp_w: d.tdpW,
                             backends: d.backends, score: score, chips: chips)
    }
}

/// Buying guides computed from the engine and the catalog's prices. Every pick carries its figures.
///
/// - best-overall: highest Score among desktop/workstation GPUs with a price.
/// - under-budget: highest Score with a street price ≤ budget.
/// - used: highest Score with a used price ≤ budget.
/// - ollama: most Score per dollar among devices Ollama drives whose 14B chat chip is comfortable, ≤ budget.
/// - vision: fastest ≤ 8B VLM (comfortable) per dollar, ≤ budget.
/// - best-mac: highest Score among Apple silicon (largest memory variant).
/// - 16gb-vs-24gb: the best 16 GB and the best 24 GB GPU under budget, with the chips that differ.
///
/// ```swift
/// let picks = Guides.all(facts: facts, budget: 800)
/// picks.first { $0.guide == "under-budget" }?.hardware
/// ```
public enum Guides {
    public static let defaultBudgetUSD = 800.0

    public static func facts(catalog: Catalog, profiles: any ProfileSource) -> [HardwareFacts] {
        catalog.hardware.map { HardwareFacts.compute($0, catalog: catalog, profiles: profiles) }
    }

    public static let ids = ["best-overall", "under-budget", "used", "ollama", "vision", "best-mac", "16gb-vs-24gb", "best-laptop"]

    public static func all(facts: [HardwareFacts], budget: Double = defaultBudgetUSD, catalog: Catalog) -> [GuidePick] {
        var out: [GuidePick] = []
        let gpus = facts.filter { $0.kind == "gpu" && catalog.device(id: $0.id).map { [.desktop, .workstation].contains($0.form ?? .desktop) } == true }
        func figs(_ f: HardwareFacts, _ extra: [GuideFigure] = [], used: Bool = false) -> [GuideFigure] {
            var x = [GuideFigure(label: "Score", value: "\(f.score.total)"),
                     GuideFigure(label: "Memory", value: String(format: "%.0f GB", f.memory_gib))]
            // The price a pick shows is the one its guide ranks by (a used guide quotes the used price).
            if used, let p = f.price_used { x.append(.init(label: "Used price", value: String(format: "$%.0f", p))) }
            else if let p = f.price_street { x.append(.init(label: "Street price", value: String(format: "$%.0f", p))) }
            for c in f.chips where ["chat-14b", "chat-32b", "chat-70b"].contains(c.id) {
                x.append(.init(label: c.label, value: c.status == .doesNotFit ? c.status_label : String(format: "%@, %.0f tok/s", c.status_label, c.decode_tps)))
            }
            return x + extra
        }
        func pick(_ guide: String, _ title: String, _ f: HardwareFacts?, price: Double?, why: (HardwareFacts) -> String, extra: [GuideFigure] = []) {
            guard let f else { return }
            out.append(GuidePick(guide: guide, title: title, hardware: f.id, name: f.name, price_usd: price, score: f.score.total,
                                 why: why(f), figures: figs(f, extra, used: guide == "used")))
        }
        func best(_ xs: [HardwareFacts], by key: (HardwareFacts) -> Double) -> HardwareFacts? {
            xs.max { key($0) != key($1) ? key($0) < key($1) : $0.id > $1.id }
        }
        let priced = gpus.filter { $0.price_street != nil }
        let overall = best(priced) { Double($0.score.total) }
        pick("best-overall", "Best GPU overall", overall, price: overall?.price_street) { "highest RunLocalAI Score (\($0.score.total)) of the desktop and workstation GPUs with a price" }

        let under = best(priced.filter { $0.price_street! <= budget }) { Double($0.score.total) }
        pick("under-budget", String(format: "Best GPU under $%.0f", budget), under, price: under?.price_street) {
            String(format: "highest Score (%d) at a street price of $%.0f or less", $0.score.total, budget)
        }

        let used = best(gpus.filter { ($0.price_used ?? .infinity) <= budget }) { Double($0.score.total) }
        pick("used", String(format: "Best used GPU under $%.0f", budget), used, price: used?.price_used) {
            String(format: "highest Score (%d) at a used price of $%.0f or less", $0.score.total, budget)
        }

        let ollamaBackends = Set(catalog.runtimes.first { $0.id == "ollama" }?.backends ?? [.cuda, .rocm, .metal, .cpu])
        let ollamaOK = priced.filter { f in f.price_street! <= budget && f.chip("chat-14b")?.status == .comfortable
            && f.backends.contains { ollamaBackends.contains($0) } }
        let ollama = best(ollamaOK) { Double($0.score.total) / $0.price_street! }
        pick("ollama", "Best GPU for Ollama", ollama, price: ollama?.price_street,
             why: { String(format: "most Score per dollar (%.2f per $) among cards Ollama drives that hold a 14B model comfortably", Double($0.score.total) / $0.price_street!) })

        let visionOK = priced.filter { $0.price_street! <= budget && $0.chip("vision")?.status == .comfortable }
        let vision = best(visionOK) { ($0.chip("vision")?.decode_tps ?? 0) / $0.price_street! }
        pick("vision", "Best GPU for vision models", vision, price: vision?.price_street,
             why: { String(format: "most ≤ 8B VLM tokens/s per dollar (%.0f tok/s with one image)", $0.chip("vision")?.decode_tps ?? 0) },
             extra: vision.flatMap { $0.chip("vision") }.map { [GuideFigure(label: $0.label, value: String(format: "%.0f tok/s", $0.decode_tps))] } ?? [])

        let macs = facts.filter { $0.kind == "apple" }
        let mac = best(macs) { Double($0.score.total) }
        pick("best-mac", "Best Mac", mac, price: mac?.price_street) { String(format: "highest Score (%d) of Apple silicon, at %.0f GB", $0.score.total, $0.memory_gib) }

        // Laptops are sold as whole machines (no card price): ranked by Score among laptop GPUs and Apple laptop chips.
        let laptops = facts.filter { catalog.device(id: $0.id)?.form == .laptop }
        let laptop = best(laptops) { Double($0.score.total) }
        pick("best-laptop", "Best laptop", laptop, price: nil) { String(format: "highest Score (%d) of the laptop GPUs and Apple laptop chips, at %.0f GB", $0.score.total, $0.memory_gib) }

        let g16 = best(priced.filter { abs($0.memory_gib - 16) < 0.5 && $0.price_street! <= budget }) { Double($0.score.total) }
        let g24 = best(priced.filter { abs($0.memory_gib - 24) < 0.5 && $0.price_street! <= max(budget, 1000) }) { Double($0.score.total) }
        if let a = g16, let b = g24 {
            let gained = b.chips.filter { c in
                guard let other = a.chip(c.id) else { return false }
                return c.status == .comfortable && other.status != .comfortable
            }.map(\.label)
            let why = gained.isEmpty ? "24 GB adds no workload that 16 GB cannot hold comfortably"
                : "24 GB makes \(gained.joined(separator: ", ")) comfortable where 16 GB cannot"
            pick("16gb-vs-24gb", "16 GB vs 24 GB: the 16 GB pick", a, price: a.price_street) { _ in why }
            pick("16gb-vs-24gb", "16 GB vs 24 GB: the 24 GB pick", b, price: b.price_street) { _ in why }
        }
        return out
    }
}

/// Owning a GPU against renting one or paying an API.
///
/// Power cost per month = TDP (W) × utilisation × hours per day × 30.44 ÷ 1000 × electricity price.
/// Tokens per month = decode (tok/s) × 3600 × hours per day × 30.44.
/// Break-even months = hardware price ÷ (monthly cloud cost − monthly power cost), nil when the cloud is cheaper to run.
///
/// ```swift
/// let c = CloudCost.compare(CloudCostQuery(hardwarePriceUSD: 1600, tdpW: 350, decodeTPS: 110))
/// c.breakeven_months_vs_gpu   // months until buying beats renting
/// ```
public struct CloudCostQuery: Sendable, Hashable, Codable {
    public var hardwarePriceUSD: Double
    public var tdpW: Double
    public var decodeTPS: Double
    /// Hours a day the machine generates (default 4).
    public var hoursPerDay: Double
    /// Fraction of TDP drawn while generating (default 0.7: decode is memory-bound, cards rarely hit TDP).
    public var utilisation: Double
    /// USD per kWh (default 0.15).
    public var electricityUSDPerKWh: Double
    /// Rented GPU of a similar class, USD per hour (default 0.40, a community-cloud RTX 3090/4090 rate).
    public var cloudGPUHourlyUSD: Double
    /// Hosted API output price, USD per million tokens (default 0.60, a small open model's rate).
    public var apiUSDPerMillionTokens: Double

    public init(hardwarePriceUSD: Double, tdpW: Double, decodeTPS: Double, hoursPerDay: Double = 4, utilisation: Double = 0.7,
                electricityUSDPerKWh: Double = 0.15, cloudGPUHourlyUSD: Double = 0.40, apiUSDPerMillionTokens: Double = 0.60) {
        self.hardwarePriceUSD = hardwarePriceUSD; self.tdpW = tdpW; self.decodeTPS = decodeTPS; self.hoursPerDay = hoursPerDay
        self.utilisation = utilisation; self.electricityUSDPerKWh = electricityUSDPerKWh; self.cloudGPUHourlyUSD = cloudGPUHourlyUSD
        self.apiUSDPerMillionTokens = apiUSDPerMillionTokens
    }

    public func validate() throws {
        func check(_ ok: Bool, _ m: String) throws { if !ok { throw EstimateError.invalidSetting(m) } }
        try check(hardwarePriceUSD >= 0 && hardwarePriceUSD < 10_000_000, "price must be 0...10000000 USD")
        try check(tdpW > 0 && tdpW <= 100_000, "tdp must be 1...100000 W")
        try check(decodeTPS >= 0 && decodeTPS < 1_000_000, "decode speed must be 0...1000000 tok/s")
        try check(hoursPerDay > 0 && hoursPerDay <= 24, "hours per day must be in (0, 24]")
        try check(utilisation > 0 && utilisation <= 1, "utilisation must be in (0, 1]")
        try check(electricityUSDPerKWh >= 0 && electricityUSDPerKWh <= 10, "electricity price must be 0...10 USD/kWh")
        try check(cloudGPUHourlyUSD >= 0 && cloudGPUHourlyUSD <= 1000, "cloud GPU price must be 0...1000 USD/h")
        try check(apiUSDPerMillionTokens >= 0 && apiUSDPerMillionTokens <= 1000, "API price must be 0...1000 USD per million tokens")
    }
}

public struct CloudCostReport: Sendable, Hashable, Codable {
    public var power_usd_per_month: Double
    public var tokens_per_month: Double
    public var cloud_gpu_usd_per_month: Double
    public var api_usd_per_month: Double
    /// nil: renting stays cheaper than the electricity.
    public var breakeven_months_vs_gpu: Double?
    public var breakeven_months_vs_api: Double?
    public var assumptions: [String: Double]
}

public enum CloudCost {
    public static let daysPerMonth = 30.44

    public static func compare(_ q: CloudCostQuery) -> CloudCostReport {
        let hours = q.hoursPerDay * daysPerMonth
        let power = q.tdpW * q.utilisation * hours / 1000 * q.electricityUSDPerKWh
        let tokens = q.decodeTPS * 3600 * hours
        let cloud = q.cloudGPUHourlyUSD * hours
        let api = tokens / 1_000_000 * q.apiUSDPerMillionTokens
        func months(_ other: Double) -> Double? {
            let saved = other - power
            guard saved > 0 else { return nil }
            return ((q.hardwarePriceUSD / saved) * 10).rounded() / 10
        }
        func r2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
        return CloudCostReport(power_usd_per_month: r2(power), tokens_per_month: tokens.rounded(), cloud_gpu_usd_per_month: r2(cloud),
                               api_usd_per_month: r2(api), breakeven_months_vs_gpu: months(cloud), breakeven_months_vs_api: months(api),
                               assumptions: ["hours_per_day": q.hoursPerDay, "utilisation": q.utilisation,
                                             "electricity_usd_per_kwh": q.electricityUSDPerKWh, "cloud_gpu_usd_per_hour": q.cloudGPUHourlyUSD,
                                             "api_usd_per_million_tokens": q.apiUSDPerMillionTokens, "days_per_month": daysPerMonth])
    }
}
