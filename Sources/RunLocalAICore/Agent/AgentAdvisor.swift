import Foundation

extension WillItRun {
    /// Plans a profile (catalog or GGUF) on an exact machine (``DetectedSystem/targetSystem(catalog:)``)
    /// with the query's settings; the query's model and hardware names are not used.
    public static func answer(profile: ModelProfile, system: TargetSystem, query q: WillItRunQuery, catalog: Catalog,
                              file: String? = nil) throws -> WillItRunAnswer {
        let estimate = try Planner.plan(profile: profile, system: system, settings: try settings(for: q))
        let model = profile.catalogID.flatMap { catalog.model(id: $0) }
        return WillItRunAnswer(estimate, model: model, commands: CommandBuilder.commands(for: estimate, model: model, file: file))
    }
}

/// What `runlocalai doctor` recommends: for each use case, the biggest catalog model that runs
/// comfortably on this machine (the planner's tier: fits with llama.cpp's margin at ≥ 10 tokens/s), at the
/// best quantisation that still does.
public enum AgentAdvisor {
    public struct UseCase: Sendable, Hashable {
        public var id: String
        public var label: String
        public var context: Int
        public var images: Int
        public var accepts: @Sendable (CatalogModel) -> Bool

        public static func == (a: UseCase, b: UseCase) -> Bool { a.id == b.id }
        public func hash(into h: inout Hasher) { h.combine(id) }

        public static let all: [UseCase] = [
            .init(id: "chat", label: "Chat", context: 8192, images: 0) { $0.use.contains("chat") && !$0.isVisionModel },
            .init(id: "coding", label: "Coding", context: 16384, images: 0) { $0.use.contains("coding") && !$0.isVisionModel },
            .init(id: "vision", label: "Vision (one image)", context: 8192, images: 1) { $0.isVisionModel },
            .init(id: "long-context", label: "Long context (32K)", context: 32768, images: 0) {
                $0.use.contains("long-context") && $0.architecture.contextLength >= 32768 && !$0.use.contains("embedding")
                    && !$0.use.contains("rerank") && !$0.isVisionModel
            },
        ]
    }

    public struct Recommendation: Sendable {
        public var useCase: UseCase
        public var model: CatalogModel?
        public var quant: String?
        public var answer: WillItRunAnswer?
        /// True when the planner calls it comfortable; false when it is only the fastest thing that fits.
        public var comfortable: Bool
        public var note: String
    }

    /// Quantisations tried, best first; Q4_K_M is the floor for the "biggest model" choice.
    public static let quants = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M"]

    public static func recommend(system: TargetSystem, catalog: Catalog, useCases: [UseCase] = UseCase.all) -> [Recommendation] {
        var cache: [String: ModelProfile] = [:]
        func plan(_ m: CatalogModel, _ quant: String, _ u: UseCase) -> WillItRunAnswer? {
            guard let mix = QuantMix(name: quant) else { return nil }
            let key = "\(m.id)|\(quant)"
            let profile = cache[key] ?? ModelProfile(model: m, mix: mix)
            cache[key] = profile
            let q = WillItRunQuery(model: m.id, quant: quant, hardware: "", context: min(u.context, m.architecture.contextLength),
                                   images: u.images)
            return try? WillItRun.answer(profile: profile, system: system, query: q, catalog: catalog)
        }
        return useCases.map { u in
            let models = catalog.models.filter(u.accepts).sorted {
                $0.paramsB != $1.paramsB ? $0.paramsB > $1.paramsB : ($0.released ?? "") > ($1.released ?? "")
            }
            var fastest: (CatalogModel, WillItRunAnswer)?
            for m in models {
                guard let base = plan(m, "Q4_K_M", u) else { continue }
                if base.fit.tier == FitTier.comfortable.rawValue {
                    var chosen = ("Q4_K_M", base)
                    for q in quants.dropLast() {
                        if let a = plan(m, q, u), a.fit.tier == FitTier.comfortable.rawValue { chosen = (q, a); break }
                    }
                    return Recommendation(useCase: u, model: m, quant: chosen.0, answer: chosen.1, comfortable: true,
                                          note: "the largest \(u.id) model in the catalog that runs comfortably here")
                }
                if base.fit.tier != FitTier.wontRun.rawValue,
                   base.speed.decode_tps.expected > (fastest?.1.speed.decode_tps.expected ?? 0) {
                    fastest = (m, base)
                }
            }
            if let (m, a) = fastest {
                return Recommendation(useCase: u, model: m, quant: "Q4_K_M", answer: a, comfortable: false,
                                      note: "nothing in the catalog runs comfortably here; this is the fastest that fits")
            }
            return Recommendation(useCase: u, model: nil, quant: nil, answer: nil, comfortable: false,
                                  note: "no catalog model for this use case fits in this machine's memory")
        }
    }
}
