import Foundation

/// Several GPUs in one machine (`catalog/combos.yaml`): which cards, how they talk to each other, and what breaks.
/// The memory, fit and speed of a combo are never stored here: the engine plans them (each card keeps its own
/// memory; a model is split across them).
///
/// ```swift
/// let combo = catalog.combo(id: "dual-rtx-3090")!
/// combo.hardware      // ["2x rtx-3090"]: the hardware names the engine plans on
/// combo.interconnect  // .nvlink
/// ```
public struct HardwareCombo: Sendable, Hashable, Identifiable {
    /// The link between the cards a runtime can use for a split.
    public enum Interconnect: String, Sendable, Hashable, CaseIterable, Codable {
        case pcie, nvlink, nvswitch, infinityFabric = "infinity-fabric", unified

        public var displayName: String {
            switch self {
            case .pcie: "PCIe"
            case .nvlink: "NVLink bridge"
            case .nvswitch: "NVLink switch"
            case .infinityFabric: "Infinity Fabric link"
            case .unified: "one unified memory"
            }
        }
    }
    /// One kind of card and how many of it.
    public struct Cards: Sendable, Hashable {
        public var hardware: String
        public var count: Int
    }

    public var id: String
    public var name: String
    public var cards: [Cards]
    public var interconnect: Interconnect
    /// Card-to-card bandwidth per direction, decimal GB/s.
    public var linkGBs: Double?
    /// Typical PCIe lanes per card on the boards this combo is built on.
    public var pcieLanes: [Int]
    public var powerW: Double?
    public var use: String
    public var breaks: [String]
    public var source: String

    /// Every card, one entry each (`2x rtx-3090` is two).
    public var cardCount: Int { cards.reduce(0) { $0 + $1.count } }
    /// True when every card is the same model: tensor parallelism (vLLM) needs that.
    public var isUniform: Bool { cards.count == 1 }
    /// The hardware names the engine plans on: one per kind of card, with its count ("2x rtx-3090").
    public var hardware: [String] { cards.map { $0.count > 1 ? "\($0.count)x \($0.hardware)" : $0.hardware } }
}

extension HardwareCombo: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, cards, interconnect, use, breaks, source
        case linkGBs = "link_gbs", pcieLanes = "pcie_lanes", powerW = "power_w"
    }
    enum CardKeys: String, CodingKey, CaseIterable { case hardware, count }
    struct CardEntry: Decodable {
        var value: Cards
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CardKeys.self)
            let c = try decoder.container(keyedBy: CardKeys.self)
            value = Cards(hardware: try c.decode(String.self, forKey: .hardware), count: try c.decodeIfPresent(Int.self, forKey: .count) ?? 1)
        }
    }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        cards = try c.decode([CardEntry].self, forKey: .cards).map(\.value)
        interconnect = try c.decode(Interconnect.self, forKey: .interconnect)
        linkGBs = try c.decodeIfPresent(Double.self, forKey: .linkGBs)
        pcieLanes = try c.decodeIfPresent([Int].self, forKey: .pcieLanes) ?? []
        powerW = try c.decodeIfPresent(Double.self, forKey: .powerW)
        use = try c.decode(String.self, forKey: .use)
        breaks = try c.decodeIfPresent([String].self, forKey: .breaks) ?? []
        source = try c.decode(String.self, forKey: .source)
    }
}

/// A whole machine (`catalog/systems.yaml`): a Mac Studio, a DGX Spark, a Strix Halo mini-PC, a typical gaming PC,
/// with the hardware name the engine plans it as, its system RAM and its list price.
///
/// ```swift
/// let s = catalog.system(id: "dgx-spark")!
/// try catalog.hardware(named: s.hardware)   // the selection every figure on its page is planned on
/// ```
public struct CatalogSystem: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable { case desktop, miniPC = "mini-pc", laptop, workstation }
    public var id: String
    public var name: String
    public var kind: Kind
    /// A hardware name the catalog resolves ("2x rtx-3090", "m3-ultra-60c 96GB").
    public var hardware: String
    public var ramGiB: Double
    public var priceUSD: Double?
    public var asOf: String?
    public var use: String
    public var source: String
}

extension CatalogSystem: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, kind, hardware, use, source
        case ramGiB = "ram_gib", priceUSD = "price_usd", asOf = "as_of"
    }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(Kind.self, forKey: .kind)
        hardware = try c.decode(String.self, forKey: .hardware)
        ramGiB = try c.decode(Double.self, forKey: .ramGiB)
        priceUSD = try c.decodeIfPresent(Double.self, forKey: .priceUSD)
        asOf = try c.decodeIfPresent(String.self, forKey: .asOf)
        use = try c.decode(String.self, forKey: .use)
        source = try c.decode(String.self, forKey: .source)
    }
}

struct CombosFile: Decodable {
    var combos: [HardwareCombo]
    enum CodingKeys: String, CodingKey, CaseIterable { case combos }
    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        combos = try decoder.container(keyedBy: CodingKeys.self).decode([HardwareCombo].self, forKey: .combos)
    }
}

struct SystemsFile: Decodable {
    var systems: [CatalogSystem]
    enum CodingKeys: String, CodingKey, CaseIterable { case systems }
    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        systems = try decoder.container(keyedBy: CodingKeys.self).decode([CatalogSystem].self, forKey: .systems)
    }
}

extension Catalog {
    public func combo(id: String) -> HardwareCombo? { combos.first { $0.id == id } }
    public func system(id: String) -> CatalogSystem? { systems.first { $0.id == id } }

    /// Checks that every combo and system names hardware the catalog resolves, ids are unique slugs, and counts
    /// are sane: a typo in `combos.yaml` is a load error that names the entry, never an empty page.
    func validateCombosAndSystems() throws {
        let slug = try! NSRegularExpression(pattern: "^[a-z0-9][a-z0-9-]*$")
        func isSlug(_ s: String) -> Bool { slug.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }
        var seen = Set<String>()
        for c in combos {
            guard isSlug(c.id), seen.insert(c.id).inserted else { throw CatalogError.invalid("combos.yaml: id '\(c.id)' is not a unique lowercase slug") }
            guard !c.cards.isEmpty, c.cardCount >= 2, c.cardCount <= 16 else {
                throw CatalogError.invalid("combos.yaml: \(c.id) has \(c.cardCount) cards; a combo has 2...16")
            }
            for card in c.cards {
                guard let d = device(id: card.hardware) else {
                    throw CatalogError.invalid("combos.yaml: \(c.id) names hardware '\(card.hardware)', which is not a catalog device id")
                }
                guard card.count >= 1, d.kind == .gpu else {
                    throw CatalogError.invalid("combos.yaml: \(c.id): '\(card.hardware)' must be a GPU with count >= 1")
                }
            }
            if let l = c.linkGBs, !(l > 0 && l < 10_000) { throw CatalogError.invalid("combos.yaml: \(c.id) link_gbs \(l) is out of range") }
        }
        seen = []
        for s in systems {
            guard isSlug(s.id), seen.insert(s.id).inserted else { throw CatalogError.invalid("systems.yaml: id '\(s.id)' is not a unique lowercase slug") }
            do { _ = try hardware(named: s.hardware) } catch {
                throw CatalogError.invalid("systems.yaml: \(s.id) hardware '\(s.hardware)' does not resolve: \(error)")
            }
            guard s.ramGiB > 0, s.ramGiB <= 65_536 else { throw CatalogError.invalid("systems.yaml: \(s.id) ram_gib \(s.ramGiB) is out of range") }
        }
    }
}

/// A non-GPU part of a desktop build (`catalog/parts.yaml`), priced with its source: what the AI PC build guide totals.
public struct PCPart: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable { case cpu, motherboard, ram, psu, `case`, storage, cooler }
    public enum Tier: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
        case value, mid, high
        public static func < (a: Tier, b: Tier) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }
    public var id: String
    public var kind: Kind
    public var name: String
    public var priceUSD: Double
    public var asOf: String
    public var ramGiB: Double?
    public var watts: Double?
    public var tier: Tier
    public var source: String
}

extension PCPart: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, name, tier, source, watts
        case priceUSD = "price_usd", asOf = "as_of", ramGiB = "ram_gib"
    }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id); kind = try c.decode(Kind.self, forKey: .kind); name = try c.decode(String.self, forKey: .name)
        priceUSD = try c.decode(Double.self, forKey: .priceUSD); asOf = try c.decode(String.self, forKey: .asOf)
        ramGiB = try c.decodeIfPresent(Double.self, forKey: .ramGiB); watts = try c.decodeIfPresent(Double.self, forKey: .watts)
        tier = try c.decode(Tier.self, forKey: .tier); source = try c.decode(String.self, forKey: .source)
    }
}

struct PartsFile: Decodable {
    var parts: [PCPart]
    enum CodingKeys: String, CodingKey, CaseIterable { case parts }
    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        parts = try decoder.container(keyedBy: CodingKeys.self).decode([PCPart].self, forKey: .parts)
    }
}

extension Catalog {
    /// The parts of one build class, one per kind (nil when the file lacks a kind for it).
    public func platform(_ tier: PCPart.Tier) -> [PCPart]? {
        let ps = parts.filter { $0.tier == tier }
        let kinds = Set(ps.map(\.kind))
        return kinds.count == PCPart.Kind.allCases.count ? PCPart.Kind.allCases.compactMap { k in ps.first { $0.kind == k } } : nil
    }

    func validateParts() throws {
        var seen = Set<String>()
        for p in parts {
            guard seen.insert(p.id).inserted else { throw CatalogError.invalid("parts.yaml: id '\(p.id)' appears twice") }
            guard p.priceUSD > 0, p.priceUSD < 100_000 else { throw CatalogError.invalid("parts.yaml: \(p.id) price_usd \(p.priceUSD) is out of range") }
            if p.kind == .ram, p.ramGiB == nil { throw CatalogError.invalid("parts.yaml: \(p.id) is RAM without ram_gib") }
            if p.kind == .psu, p.watts == nil { throw CatalogError.invalid("parts.yaml: \(p.id) is a power supply without watts") }
        }
        for t in PCPart.Tier.allCases where !parts.isEmpty {
            for k in PCPart.Kind.allCases where parts.filter({ $0.tier == t && $0.kind == k }).count != 1 {
                throw CatalogError.invalid("parts.yaml: tier \(t.rawValue) needs exactly one \(k.rawValue)")
            }
        }
    }
}
