import Foundation
import RunLocalAICore
import RunLocalAIStore

/// The site's sections beyond one will-it-run question — hardware combos, model vs model, several cards side by
/// side, Start, systems, stacks — each built from answers to will-it-run questions, so every figure on those pages
/// is the figure the will-it-run page shows for the same question.
///
/// ```swift
/// let combo = try await service.combo(catalog.combo(id: "dual-rtx-3090")!)
/// combo.models.first?.wire.fit.tier     // the answer to "model X on 2x rtx-3090"
/// ```
extension AnswerService {
    // MARK: Hardware combos

    /// One model on a combo, split the ways runtimes split it.
    public struct SplitRow: Sendable {
        public var model: String
        public var name: String
        /// llama.cpp's default layer split (`--split-mode layer`): the answer on the combo.
        public var layer: Answer
        /// vLLM's tensor parallelism, or why it does not apply.
        public var tensor: Result<Answer, QuestionOrEngineError>
        /// The same model on one of the cards: what the extra cards buy.
        public var single: Answer?
    }
    /// An error's message, kept as a value (a split that does not apply is an answer too).
    public struct QuestionOrEngineError: Error, Sendable, Hashable { public var message: String }

    public struct ComboAnswer: Sendable {
        public var combo: HardwareCombo
        public var memory: EffectiveMemory
        /// The models that run on the combo, best first (answers for uniform combos; the custom-build plan for mixed ones).
        public var models: [Answer]
        public var mixedPlan: [ModelVerdict]
        public var splits: [SplitRow]
        /// Catalog runtimes and what they say about several GPUs.
        public var runtimes: [(id: String, name: String, multiGPU: String)]
    }

    public func combo(_ c: HardwareCombo, context: Int = 8192) async throws -> ComboAnswer {
        let system = try CustomBuild.system(CustomBuildQuery(hardware: c.hardware), catalog: catalog)
        let memory = CustomBuild.effectiveMemory(system: system, context: context, catalog: catalog, profiles: profiles)
        let runtimes = catalog.runtimes.compactMap { r in r.multiGPU.map { (id: r.id, name: r.name, multiGPU: $0) } }
        guard c.isUniform, let card = c.cards.first else {
            let plan = CustomBuild.verdicts(system: system, useCase: "chat", context: context, catalog: catalog, profiles: profiles)
            return ComboAnswer(combo: c, memory: memory, models: [], mixedPlan: Array(plan.prefix(16)), splits: [], runtimes: runtimes)
        }
        let sel = try catalog.hardware(named: c.hardware[0])
        let models = await rows(for: sel, useCase: "chat", context: context, limit: 16)
        // The split table: the largest models that run comfortably on the combo, with the other split and one card.
        var splits: [SplitRow] = []
        // Prefer models that fit at Q4_K_M or better: a 100B model at Q2_K shows the memory, not a good choice.
        let comfortable = models.filter { $0.tier == .comfortable }
        let good = comfortable.filter { !ModelMatchup.lowQuants.contains($0.wire.quant) && $0.wire.quant != "IQ4_XS" }
        for a in (good + comfortable.filter { x in !good.contains { $0.wire.model.id == x.wire.model.id } }).prefix(4) {
            var tp = a.question; tp.runtime = .vllm
            let tensor: Result<Answer, QuestionOrEngineError>
            do { tensor = .success(try await answer(tp)) } catch { tensor = .failure(QuestionOrEngineError(message: Self.message(error))) }
            var one = a.question; one.hardware = .named(card.hardware)
            splits.append(SplitRow(model: a.wire.model.id, name: a.wire.model.name, layer: a, tensor: tensor, single: try? await answer(one)))
        }
        return ComboAnswer(combo: c, memory: memory, models: models, mixedPlan: [], splits: splits, runtimes: runtimes)
    }

    static func message(_ error: Error) -> String {
        if let e = error as? QuestionError { return e.message }
        return String(describing: error)
    }

    // MARK: Several cards, one model

    /// The same question on 2 to 4 pieces of hardware: the answers in order, each as the will-it-run page gives it.
    public func compare(_ q: Question, on hardware: [String]) async throws -> [Answer] {
        guard (2...4).contains(hardware.count) else {
            throw QuestionError(.hardware, "compare 2 to 4 pieces of hardware (a, b, c, d); \(hardware.count) given")
        }
        var out: [Answer] = [], seen = Set<String>()
        for h in hardware {
            var x = q; x.hardware = try Question.hardware(h)
            // The answer carries the hardware it resolved: a second lookup of the name is not needed.
            let a = try await answer(x)
            if let id = a.selection?.id, !seen.insert(id).inserted {
                throw QuestionError(.hardware, "'\(h.prefix(80))' is named twice; compare different hardware")
            }
            out.append(a)
        }
        return out
    }

    // MARK: Model vs model

    public struct Matchup: Sendable {
        public var a: CatalogModel
        public var b: CatalogModel
        public var hardware: HardwareSelection
        public var verdicts: [UseCaseVerdict]
        /// The answer behind each side of each verdict, by use case (nil where no quantisation runs).
        public var answers: [UseCase: (a: Answer?, b: Answer?)]
        public var overall: (winner: String?, a: Int, b: Int)
    }

    /// Model vs model on one card: per use case, each model at the best quantisation that fits (the custom-build
    /// rule), its answer, and ``ModelMatchup``'s verdict.
    public func matchup(_ a: CatalogModel, _ b: CatalogModel, hardware: String) async throws -> Matchup {
        guard a.id != b.id else { throw QuestionError(.model, "compare two different models (both are \(a.id))") }
        let sel = try catalog.hardware(named: hardware)
        let system = TargetSystem(sel)
        var verdicts: [UseCaseVerdict] = []
        var answers: [UseCase: (a: Answer?, b: Answer?)] = [:]
        for u in UseCase.allCases {
            var pair: [Answer?] = []
            var sides: [MatchupSide] = []
            for m in [a, b] {
                let ctx = min(u.context, max(m.architecture.contextLength, 512))
                let quant = CustomBuild.quantFor(m, system: system, context: ctx, images: u.images, minimumDecode: u.minimumDecode, profiles: profiles)
                var ans: Answer?
                if let mix = quant.flatMap(QuantMix.init(name:)) {
                    ans = try? await answer(Question(model: m.id, quant: mix, hardware: .named(sel.query), context: ctx,
                                                     images: m.isVisionModel ? u.images : 0))
                }
                pair.append(ans)
                let runs = ans?.runs ?? false
                sides.append(MatchupSide(model: m.id, name: m.name, params_b: m.paramsB, released: m.released, suited: u.suits(m), specialised: u.isFirstUse(of: m),
                                         quant: runs ? ans?.wire.quant : nil, tier: ans?.tier.rawValue ?? FitTier.wontRun.rawValue,
                                         decode_tps: runs ? ans!.decode.expected : 0, prefill_tps: runs ? ans!.prefill.expected : 0,
                                         evidence: runs ? ans!.wire.speed.evidence : Evidence.estimated.rawValue))
            }
            verdicts.append(ModelMatchup.judge(u, a: sides[0], b: sides[1]))
            answers[u] = (pair[0], pair[1])
        }
        return Matchup(a: a, b: b, hardware: sel, verdicts: verdicts, answers: answers, overall: ModelMatchup.overall(verdicts))
    }

    // MARK: Start

    public struct StartAnswer: Sendable {
        public var selection: HardwareSelection
        public var useCase: UseCase
        /// Up to three models to run tonight, each the answer to its question (commands included).
        public var picks: [Answer]
        public var notes: [String]
    }

    /// Three models to run tonight on `hardware` for `useCase`: those that run comfortably at the use case's context
    /// and speed, at Q4 or better, largest first, one per family.
    public func start(hardware: String, ramGiB: Double?, useCase: UseCase) async throws -> StartAnswer {
        let sel = try catalog.hardware(named: hardware)
        let legacy = useCase == .longContext ? "long-context" : useCase.rawValue
        let rows = await rows(for: sel, useCase: legacy, context: useCase.context, limit: 60)
        var picks: [Answer] = [], families = Set<String>()
        // Comfortable first, then a quantisation of Q4 or better (a bigger model squeezed to Q2/Q3 loses more than it
        // gains), then the most parameters.
        func key(_ a: Answer) -> (Int, Int, Double) {
            (a.tier == .comfortable ? 0 : 1, ModelMatchup.lowQuants.contains(a.wire.quant) ? 1 : 0, -(catalog.model(id: a.wire.model.id)?.paramsB ?? 0))
        }
        // Only models the catalog lists for the use, with a context at least the use's (a 4K model is no coding agent).
        func fits(_ a: Answer) -> Bool {
            guard let m = catalog.model(id: a.wire.model.id) else { return false }
            return useCase.suits(m) && m.architecture.contextLength >= useCase.context
        }
        let ranked = rows.filter { $0.runs && $0.decode.expected >= useCase.minimumDecode && fits($0) }.sorted { key($0) < key($1) }
        for a in ranked where picks.count < 3 {
            let family = catalog.model(id: a.wire.model.id)?.family ?? a.wire.model.id
            guard families.insert(family).inserted else { continue }
            var q = a.question
            if let ramGiB, !(sel.device.isUnifiedMemory || sel.device.kind == .cpu) { q.hostRAMGiB = ramGiB }
            picks.append(q == a.question ? a : (try await answer(q)))
        }
        var notes: [String] = []
        if picks.isEmpty { notes.append("nothing in the catalog runs at \(useCase.minimumDecode) tok/s or more for \(useCase.label.lowercased()) on \(sel.displayName); try a smaller context or another use case") }
        return StartAnswer(selection: sel, useCase: useCase, picks: picks, notes: notes)
    }

    // MARK: Systems and stacks

    public struct SystemAnswer: Sendable {
        public var system: CatalogSystem
        public var selection: HardwareSelection
        public var score: HardwareScore
        public var chips: [(chip: WorkloadChip, question: Question)]
        public var models: [Answer]
    }

    public func system(_ s: CatalogSystem, models limit: Int = 12) async throws -> SystemAnswer {
        let sel = try catalog.hardware(named: s.hardware)
        let rows = await rows(for: sel, useCase: "chat", context: 8192, limit: limit, hostRAMGiB: s.ramGiB)
        return SystemAnswer(system: s, selection: sel, score: score(sel), chips: await chips(for: sel), models: rows)
    }

    /// A stack's model on its hardware with its runtime: the answer (and commands) the stack page shows.
    public func stack(_ s: StackRecipe) async throws -> Answer {
        let q = try Question.parse([("model", s.model), ("quant", s.quant), ("hardware", s.hardware), ("ctx", String(s.context)),
                                    ("images", String(s.images)), ("runtime", s.runtime)])
        return try await answer(q)
    }
}

// MARK: Guides that filter

extension AnswerService {
    /// The model a buying guide runs for a use case (a 14B-class model where there is one: what a mid-range card is bought for).
    public static func guideModel(_ u: UseCase) -> String {
        switch u {
        case .chat: "qwen2.5-14b"
        case .coding: "qwen2.5-coder-14b"
        case .vision: "qwen2.5-vl-7b"
        case .longContext: "llama-3.1-8b"
        case .reasoning: "deepseek-r1-distill-qwen-14b"
        }
    }

    /// A card at or under a budget and its answer to the use case's question.
    public struct WorkloadPick: Sendable {
        public var device: HardwareDevice
        public var price: Double
        public var answer: Answer
    }

    /// Every desktop or workstation GPU priced at or under `budget` (street, or used when `used`), ranked by how it runs the
    /// use case's model at `context`: comfortable before tight before partly offloaded, then the fastest, then the cheapest.
    public func workloadField(budget: Double, used: Bool, use: UseCase, context: Int?, facts: [HardwareFacts]) async -> [WorkloadPick] {
        let model = Self.guideModel(use)
        let ctx = context ?? use.context
        var out: [WorkloadPick] = []
        for f in facts where f.kind == "gpu" {
            guard let d = catalog.device(id: f.id), [.desktop, .workstation].contains(d.form ?? .desktop),
                  let price = used ? f.price_used : f.price_street, price <= budget else { continue }
            let q = Question(model: model, hardware: .named(d.id), context: ctx, images: use.images)
            if let a = try? await answer(q) { out.append(WorkloadPick(device: d, price: price, answer: a)) }
        }
        let order: [ChipStatus: Int] = [.comfortable: 0, .tight: 1, .marginal: 2, .doesNotFit: 3]
        return out.sorted {
            let a = (order[$0.answer.chipStatus]!, -($0.answer.runs ? $0.answer.decode.expected : 0), $0.price)
            let b = (order[$1.answer.chipStatus]!, -($1.answer.runs ? $1.answer.decode.expected : 0), $1.price)
            return a != b ? a < b : $0.device.id < $1.device.id
        }
    }

    /// The buying guides with the budget guides (`under-budget`, `used`) ranked by a use case's workload instead of the Score
    /// when `use` is given: the pick is the card that runs the use case's model best at or under the budget.
    public func guides(facts: [HardwareFacts], budget: Double, use: UseCase?, context: Int?) async -> [GuidePick] {
        var picks = await guides(facts: facts, budget: budget)
        guard let use else { return picks }
        for (guide, used) in [("under-budget", false), ("used", true)] {
            guard let i = picks.firstIndex(where: { $0.guide == guide }) else { continue }
            guard let best = await workloadField(budget: budget, used: used, use: use, context: context, facts: facts).first else {
                picks.remove(at: i); continue
            }
            let a = best.answer
            let facts = facts.first { $0.id == best.device.id }
            picks[i] = GuidePick(guide: guide, title: String(format: "Best %@GPU under $%.0f for %@", used ? "used " : "", budget, use.label.lowercased()),
                                 hardware: best.device.id, name: best.device.displayName, price_usd: best.price, score: facts?.score.total ?? 0,
                                 why: String(format: "of the cards at or under $%.0f%@, it runs %@ %@ at %@ context best: %@, %.1f tok/s (%@)", budget, used ? " used" : "",
                                             a.wire.model.name, a.wire.quant, Self.contextLabel(a.question.context), a.chipStatus.label,
                                             a.runs ? a.decode.expected : 0, a.wire.speed.evidence),
                                 figures: [GuideFigure(label: "\(a.wire.model.name) at \(Self.contextLabel(a.question.context))",
                                                       value: a.runs ? String(format: "%@, %.1f tok/s", a.chipStatus.label, a.decode.expected) : a.chipStatus.label),
                                           GuideFigure(label: used ? "Used price" : "Street price", value: String(format: "$%.0f", best.price)),
                                           GuideFigure(label: "Memory", value: String(format: "%.0f GB", facts?.memory_gib ?? 0))])
        }
        return picks
    }
}

// MARK: Benchmark requests

extension AnswerService {
    /// A request for a run, its names resolved through the catalog (the one grammar's bounds first): a model id, a
    /// quantisation llama.cpp knows or any, a catalog device with its count.
    public func requestKey(model: String, quant: String?, hardware: String) throws -> BenchmarkRequest.Key {
        for (field, value) in [(Question.Field.model, model), (.hardware, hardware)] where value.count > Question.maxNameLength {
            throw QuestionError(field, "names are at most \(Question.maxNameLength) characters")
        }
        let m = try catalog.model(named: model)
        let sel = try catalog.hardware(named: hardware)
        var q: String?
        if let raw = quant?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw.lowercased() != "any" {
            guard raw.count <= 40, let mix = QuantMix(name: raw) else { throw QuestionError(.quant, "unknown quantisation '\(raw.prefix(40))'; use e.g. Q4_K_M, Q8_0, or any") }
            q = mix.name
        }
        return BenchmarkRequest.Key(model: m.id, quant: q, hardware: sel.device.id, hardwareCount: sel.count)
    }

    /// Who asks, as the store keeps it: a digest of the client's address, never the address itself.
    public static func voter(client: String) -> String { SHA256.hex(Data("benchmark-request|\(client)".utf8)) }
}

// MARK: Pillar guides

extension AnswerService {
    /// An AI PC for a budget: the build class whose parts leave the most Score in the GPU the rest of the budget buys,
    /// every price from the catalog (parts from `parts.yaml`, the GPU's street price), and what the build runs.
    public struct PCBuild: Sendable {
        public var budget: Double
        public var tier: PCPart.Tier
        public var parts: [PCPart]
        public var gpu: HardwareDevice
        public var gpuPrice: Double
        public var score: Int
        public var ramGiB: Double { parts.first { $0.kind == .ram }?.ramGiB ?? 32 }
        public var psuWatts: Double { parts.first { $0.kind == .psu }?.watts ?? 0 }
        public var total: Double { parts.reduce(gpuPrice) { $0 + $1.priceUSD } }
        /// Models at 8K context on this GPU with this RAM, at Q4 or better where they fit: each the will-it-run answer.
        public var models: [Answer]
    }

    public func pcBuild(budget: Double, facts: [HardwareFacts]) async -> PCBuild? {
        // What a card runs first (its comfortable workload chips: a 24 GB card holds a 32B model a faster 16 GB one
        // cannot), then its Score.
        func rank(_ f: HardwareFacts) -> (Int, Int) { (f.chips.filter { $0.status == .comfortable }.count, f.score.total) }
        var best: (tier: PCPart.Tier, platform: [PCPart], gpu: HardwareFacts)?
        for tier in PCPart.Tier.allCases.reversed() {
            guard let platform = catalog.platform(tier) else { continue }
            let left = budget - platform.reduce(0) { $0 + $1.priceUSD }
            // A build class only when the GPU keeps at least 40% of the budget: the card is what runs the models.
            guard left > 0, tier == .value || left >= 0.4 * budget else { continue }
            let gpus = facts.filter { f in f.kind == "gpu" && (f.price_street ?? .infinity) <= left
                && catalog.device(id: f.id).map { $0.form == .desktop || $0.form == nil } == true }
            guard let g = gpus.max(by: { rank($0) != rank($1) ? rank($0) < rank($1) : $0.id > $1.id }) else { continue }
            if best == nil || rank(g) > rank(best!.gpu) { best = (tier, platform, g) }
        }
        guard let (tier, chosen, g) = best, let device = catalog.device(id: g.id), let price = g.price_street else { return nil }
        var platform = chosen
        // The power supply carries the card plus about 300 W for the rest of the machine: a bigger one from another class if not.
        if let tdp = device.tdpW, let psu = platform.firstIndex(where: { $0.kind == .psu }), (platform[psu].watts ?? 0) < tdp + 300,
           let bigger = catalog.parts.filter({ $0.kind == .psu && ($0.watts ?? 0) >= tdp + 300 }).min(by: { $0.priceUSD < $1.priceUSD }) {
            platform[psu] = bigger
        }
        var build = PCBuild(budget: budget, tier: tier, parts: platform, gpu: device, gpuPrice: price, score: g.score.total, models: [])
        let rows = await rows(for: HardwareSelection(device: device), useCase: "chat", context: 8192, limit: 40, hostRAMGiB: build.ramGiB)
        // Q4 or better first: a 32B model squeezed to Q2_K is not what a buyer runs.
        let good = rows.filter { $0.runs && !ModelMatchup.lowQuants.contains($0.wire.quant) }
        build.models = Array((good.isEmpty ? rows : good).prefix(12))
        return build
    }

    /// CUDA against ROCm from the catalog and the evidence: which runtimes and devices each backend has, the speed
    /// factors the calibration fitted for each, the published runs per backend, and AMD cards against the NVIDIA card
    /// of the same memory nearest in price, on the same questions.
    public struct BackendComparison: Sendable {
        public struct Pair: Sendable { public var nvidia: HardwareDevice; public var amd: HardwareDevice; public var answers: [(nvidia: Answer, amd: Answer)] }
        public var runtimes: (cuda: [String], rocm: [String], both: [String])
        public var devices: (cuda: Int, rocm: Int)
        public var bandwidthEfficiency: (cuda: Double, rocm: Double)
        public var computeEfficiency: (cuda: Double, rocm: Double)
        public var layerMicros: (cuda: Double, rocm: Double)
        public var publishedRuns: (cuda: Int, rocm: Int)
        public var pairs: [Pair]
    }

    public static let backendComparisonModels = [("llama-3.1-8b", 4096), ("qwen2.5-14b", 8192)]

    public func cudaVsROCm(facts: [HardwareFacts]) async -> BackendComparison {
        let rt = catalog.runtimes
        let cuda = rt.filter { $0.backends.contains(.cuda) }.map(\.name), rocm = rt.filter { $0.backends.contains(.rocm) }.map(\.name)
        let both = Set(cuda).intersection(rocm)
        let f = SpeedModel.factors
        var published = (cuda: 0, rocm: 0)
        if let store, let runs = try? await store.allRuns() {
            for r in runs {
                let b = (r.backend ?? "").lowercased()
                if b.contains("cuda") { published.cuda += 1 } else if b.contains("rocm") || b.contains("hip") { published.rocm += 1 }
            }
        }
        // AMD desktop cards with ROCm and a street price, best Score first; each against the NVIDIA desktop card with the
        // same memory whose street price is nearest.
        func desktop(_ x: HardwareFacts) -> HardwareDevice? {
            guard x.kind == "gpu", x.price_street != nil, let d = catalog.device(id: x.id), d.form == .desktop || d.form == nil else { return nil }
            return d
        }
        let amd = facts.filter { x in desktop(x).map { $0.backends.contains(.rocm) && $0.vendor.uppercased() == "AMD" } == true }
            .sorted { $0.score.total > $1.score.total }
        let nvidia = facts.filter { x in desktop(x).map { $0.backends.contains(.cuda) } == true }
        var pairs: [BackendComparison.Pair] = []
        for a in amd where pairs.count < 6 {
            guard let match = nvidia.filter({ abs($0.memory_gib - a.memory_gib) < 0.5 })
                    .min(by: { abs($0.price_street! - a.price_street!) < abs($1.price_street! - a.price_street!) }),
                  let nd = catalog.device(id: match.id), let ad = catalog.device(id: a.id) else { continue }
            var answers: [(nvidia: Answer, amd: Answer)] = []
            for (model, ctx) in Self.backendComparisonModels {
                guard let x = try? await answer(Question(model: model, hardware: .named(nd.id), context: ctx)),
                      let y = try? await answer(Question(model: model, hardware: .named(ad.id), context: ctx)) else { continue }
                answers.append((x, y))
            }
            pairs.append(.init(nvidia: nd, amd: ad, answers: answers))
        }
        return BackendComparison(runtimes: (cuda.sorted(), rocm.sorted(), both.sorted()),
                                 devices: (catalog.hardware.filter { $0.backends.contains(.cuda) }.count, catalog.hardware.filter { $0.backends.contains(.rocm) }.count),
                                 bandwidthEfficiency: (f.bandwidth[.cuda] ?? 0, f.bandwidth[.rocm] ?? 0),
                                 computeEfficiency: (f.compute[.cuda] ?? 0, f.compute[.rocm] ?? 0),
                                 layerMicros: (f.layerMicros[.cuda] ?? 0, f.layerMicros[.rocm] ?? 0), publishedRuns: published, pairs: pairs)
    }
}
