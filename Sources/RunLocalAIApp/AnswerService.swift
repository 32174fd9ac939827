import Foundation
import RunLocalAICore
import RunLocalAIStore

/// The machine the CLI runs on, as detection found it (injected: the probes live in the CLI's I/O layer).
///
/// ```swift
/// let local = LocalMachine(system: system, description: "AMD EPYC (2 threads), 23 GiB RAM", notes: [])
/// ```
public struct LocalMachine: Sendable, Hashable {
    public var system: TargetSystem
    public var description: String
    public var notes: [String]
    public init(system: TargetSystem, description: String, notes: [String] = []) {
        self.system = system; self.description = description; self.notes = notes
    }
}

/// The one answer service: a ``Question`` in, an ``Answer`` out — plan, evidence from the benchmark store,
/// commands, what-ifs, chips, prices. Every page, API route and CLI command is a thin view over it, so the same
/// question reads the same everywhere.
///
/// ```swift
/// let service = AnswerService(catalog: catalog, store: store)
/// let a = try await service.answer(try Question.parse(query: "model=llama-3.1-8b&hardware=rtx-4090&ctx=8K"))
/// a.wire      // the JSON the API and `runlocalai will-it-run --json` print
/// ```
public final class AnswerService: Sendable {
    public let catalog: Catalog
    public let profiles: ProfileCache
    public let store: (any BenchmarkStore)?
    /// Why answers carry no store evidence (set when ``store`` is nil); it becomes the answers' evidence basis.
    public let noStoreReason: String?
    public let localMachine: LocalMachine?
    /// Reads models named by a Hugging Face repository or a GGUF URL (nil: such names are refused with the reason).
    public let remote: RemoteModelSource?
    /// Pure plans by question (the engine's part never goes stale while the catalog is loaded).
    let plans = BoundedCache<Question, Planned>(capacity: 8192)
    /// Answers with evidence applied, briefly: another server's moderation shows within the TTL.
    let evidenced = BoundedCache<Question, Answer>(capacity: 8192, ttl: .seconds(2))
    /// A model's published runs, read once per TTL.
    let modelRuns = BoundedCache<String, [BenchmarkRun]>(capacity: 2048, ttl: .seconds(2))

    /// The counts of the service's caches, by name (for `/metrics`).
    public var cacheStats: [(name: String, stats: CacheStats)] {
        [("profiles", profiles.stats), ("plans", plans.stats), ("answers", evidenced.stats), ("model_runs", modelRuns.stats)]
            + (remote.map { [("remote_models", $0.cacheStats)] } ?? [])
    }

    struct Planned: Sendable { var estimate: Estimate; var answer: Answer }

    /// The clock staleness is judged by (a run measured more than 18 months ago counts as no evidence).
    public let now: @Sendable () -> Date

    public init(catalog: Catalog, store: (any BenchmarkStore)?, profiles: ProfileCache = ProfileCache(capacity: 2048),
                localMachine: LocalMachine? = nil, noStoreReason: String? = nil, remote: RemoteModelSource? = nil,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.catalog = catalog; self.store = store; self.profiles = profiles; self.localMachine = localMachine
        self.remote = remote; self.now = now
        self.noStoreReason = store == nil ? (noStoreReason ?? "no benchmark store was opened, so the figures are the engine's estimate") : nil
    }

    // MARK: The answer

    /// The answer to `q`: the engine's plan with the store's evidence applied. A model named by a Hugging Face
    /// repository or a GGUF URL is read from its header (``remote``; `client` is who asks, for its rate limit, worked
    /// out only for such a model).
    public func answer(_ q: Question, client: @autoclosure () -> String = "local") async throws -> Answer {
        if let hit = evidenced.lookup(q) { return hit }
        if let ref = remoteReference(q.model) { return try await answerRemote(q, ref, client: client()) }
        let p = try plan(q)
        let a = await applyEvidence(p)
        evidenced.store(q, a)
        return a
    }

    /// Answers to several questions, in order; nil where the engine refuses one.
    public func answers(_ qs: [Question]) async -> [Answer?] {
        var out: [Answer?] = []
        out.reserveCapacity(qs.count)
        for q in qs { out.append(try? await answer(q)) }
        return out
    }

    /// The engine's plan alone (no evidence): memory and fit, and "what the engine predicts" beside a measurement.
    public func estimate(_ q: Question) throws -> Answer { try plan(q).answer }

    /// Forgets every evidence-bearing answer (after a moderation decision on this server).
    public func invalidateEvidence() {
        evidenced.removeAll()
        modelRuns.removeAll()
    }

    /// Changes whenever evidence is invalidated: page caches put it in their keys.
    public var evidenceGeneration: UInt64 { evidenced.generation }

    /// The hardware a question names, resolved (nil for this machine).
    public func selection(_ q: Question) throws -> HardwareSelection? {
        switch q.hardware {
        case .named(let h): return try catalog.hardware(named: h)
        case .thisMachine: return localMachine?.system.selection
        }
    }

    func system(_ q: Question) throws -> (TargetSystem, [String]) {
        switch q.hardware {
        case .named(let h):
            let sel = try catalog.hardware(named: h)
            var notes: [String] = []
            if !sel.alternatives.isEmpty {
                let names = sel.alternatives.compactMap { catalog.device(id: $0)?.displayName }
                notes.append("'\(h)' fits \(([sel.device.displayName] + names).joined(separator: " and ")); answered for the \(sel.device.displayName) (the base model): name the other to plan it")
            }
            if let b = q.backend {
                let usable = sel.device.llamaCppBackends
                guard usable.contains(b) else {
                    throw EstimateError.invalidSetting("\(sel.device.displayName) has no \(b.displayName) backend; use \(usable.map(\.rawValue).joined(separator: ", ")), or leave backend out")
                }
                if b == .cpu && sel.device.kind != .cpu {
                    notes.append("planned on the CPU backend: llama.cpp runs on the cores alone (-ngl 0), at the memory bandwidth they reach")
                }
            }
            if let ram = q.hostRAMGiB, !sel.device.isUnifiedMemory { return (TargetSystem(sel, host: .init(ramGiB: ram), backend: q.backend), notes) }
            return (TargetSystem(sel, backend: q.backend), notes)
        case .thisMachine:
            guard let local = localMachine else {
                throw EstimateError.invalidSetting("this server cannot see your machine; name your hardware (e.g. hardware=rtx-3060-12gb), or run `runlocalai will-it-run --model ...` on it without --hardware")
            }
            var s = local.system
            if let ram = q.hostRAMGiB, !s.unifiedMemory { s.host.ramBytes = UInt64(ram * 1_073_741_824) }
            if let b = q.backend {
                if b == .cpu { s.gpus = [] } else {
                    guard !s.gpus.isEmpty, let device = s.selection?.device, device.llamaCppBackends.contains(b) else {
                        throw EstimateError.invalidSetting("this machine has no \(b.displayName) backend; leave backend out to plan on what it has")
                    }
                    for i in s.gpus.indices { s.gpus[i].backend = b }
                }
            }
            return (s, ["planned for this machine as detected: \(local.description) (`runlocalai detect` shows how)"] + local.notes)
        }
    }

    func plan(_ q: Question) throws -> Planned {
        if let hit = plans.lookup(q) { return hit }
        let model = try catalog.model(named: q.model)
        let asked = q
        var q = q
        // No quantisation named: the model's own where it is published in one only (gpt-oss: MXFP4), else the default.
        // The answer's question names it either way (setting `quant` names it).
        if !q.quantStated { q.quant = model.nativeQuant ?? q.quant }
        let (system, notes) = try system(q)
        let planned = try finish(q, profile: profiles.profile(model: model, mix: q.quant), model: model, system: system, notes: notes)
        plans.store(asked, planned)
        return planned
    }

    /// The one place a plan becomes an answer: the engine's plan on the resolved system, the resolution's notes
    /// first, the commands, this machine's name, and why there is no evidence when there is no store.
    func finish(_ q: Question, profile: ModelProfile, model: CatalogModel?, system: TargetSystem, notes: [String],
                file: String? = nil, mmprojFile: String? = nil) throws -> Planned {
        var estimate = try Planner.plan(profile: profile, system: system, settings: q.settings)
        estimate.fit.notes = notes + estimate.fit.notes
        var wire = WillItRunAnswer(estimate, model: model, commands: CommandBuilder.commands(for: estimate, model: model, file: file, mmprojFile: mmprojFile))
        if case .thisMachine = q.hardware, let local = localMachine {
            wire.hardware.id = "local"; wire.hardware.name = local.description; wire.hardware.count = max(system.gpus.count, 1)
        }
        if let reason = noStoreReason, estimate.fit.tier != .wontRun { wire.speed.evidence_basis = reason }
        return Planned(estimate: estimate, answer: Answer(question: q, wire: wire, selection: system.selection))
    }

    /// Applies the store's evidence: the exact tuple's runs first (measured), else the model's runs on other
    /// contexts, quantisations and hardware (measured-near, community, extrapolated), else the estimate.
    func applyEvidence(_ p: Planned) async -> Answer {
        var a = p.answer
        guard let store, a.runs, let model = p.estimate.profile.catalogID else { return a }
        // Stale-while-revalidate: when a model's runs expire under load, one request reads them anew and the others
        // use the expired copy meanwhile (a read per model per TTL, not one per waiting connection).
        let read: [BenchmarkRun]
        switch modelRuns.claim(model) {
        case .serve(let hit): read = hit
        case .compute:
            guard let fetched = try? await store.runs(BenchmarkQuery(model: model, limit: 1000)) else { modelRuns.release(model); return a }
            modelRuns.store(model, fetched)
            read = fetched
        }
        // A run measured more than 18 months ago is shown on its own page, marked stale, and no longer ranks as evidence.
        let today = now()
        let runs = read.filter { !$0.isStale(now: today) }
        guard !runs.isEmpty else { return a }
        var e: ResolvedEvidence?
        if let device = p.estimate.system.selection?.device.id {
            let exact = runs.filter { $0.quant == p.estimate.profile.quant && $0.hardware.contains(device) && $0.runtime == p.estimate.settings.runtime.rawValue }
            if !exact.isEmpty {
                let r = EvidenceResolver.resolve(p.estimate, runs: exact, catalog: catalog)
                if r.evidence == .measured { e = r }
            }
        }
        if e == nil { e = EvidenceResolver.resolve(p.estimate, runs: runs, catalog: catalog) }
        guard let e else { return a }
        a.wire = a.wire.withEvidence(e.evidence, decode: e.decode, prefill: e.prefill, basis: e.basis, runIDs: e.runIDs, needsReview: e.needsReview)
        a.evidence = Evidence(rawValue: a.wire.speed.evidence) ?? .estimated
        return a
    }

    // MARK: Hardware: chips, rows, score

    /// The question a reference workload asks of a selection.
    public func question(_ w: ReferenceWorkload, model: String, on selection: HardwareSelection) -> Question {
        Question(model: model, quant: QuantMix(name: w.quant) ?? QuantMix(name: Question.defaultQuant)!, hardware: .named(selection.query),
                 context: w.context, images: w.images)
    }

    /// The workload chips of a selection, each the answer to the very question it links to.
    public func chips(for selection: HardwareSelection) async -> [(chip: WorkloadChip, question: Question)] {
        var out: [(WorkloadChip, Question)] = []
        for w in ReferenceWorkload.chips {
            guard let model = w.models.first(where: { catalog.model(id: $0) != nil }) else { continue }
            let q = question(w, model: model, on: selection)
            guard let a = try? await answer(q) else { continue }
            out.append((WorkloadChip(id: w.id, label: w.label, model: model, quant: q.quant.name, context: w.context, images: w.images,
                                     status: a.chipStatus, status_label: a.chipStatus.label, decode_tps: a.runs ? a.decode.expected : 0,
                                     total_bytes: a.neededBytes, gpu_layers: a.wire.fit.gpu_layers, total_layers: a.wire.fit.total_layers,
                                     evidence: a.runs ? a.wire.speed.evidence : Evidence.estimated.rawValue), q))
        }
        return out
    }

    /// The RunLocalAI Score of a selection: from the engine's own estimates, so every card is ranked the same way.
    public func score(_ selection: HardwareSelection) -> HardwareScore {
        let chips = WorkloadChips.chips(for: selection, catalog: catalog, profiles: profiles)
        return HardwareScore.score(chips: chips, backends: selection.device.backends, tdpW: selection.device.tdpW.map { $0 * Double(selection.count) })
    }

    /// "What runs on it": each model of the use case at its best quantisation for this selection (the engine picks
    /// the quantisation), every figure from the answer to that question.
    /// `hostRAMGiB` is the system RAM beside a discrete GPU (a whole machine's, a build's); it is ignored where the GPU's
    /// memory is the system's (unified memory, a CPU).
    public func rows(for selection: HardwareSelection, useCase: String, context: Int = 8192, limit: Int = 40, hostRAMGiB: Double? = nil) async -> [Answer] {
        let verdicts = CustomBuild.verdicts(system: TargetSystem(selection), useCase: useCase, context: context, catalog: catalog, profiles: profiles)
        let ram = selection.device.isUnifiedMemory || selection.device.kind == .cpu ? nil : hostRAMGiB
        var out: [Answer] = []
        for v in verdicts.prefix(limit) {
            guard let mix = QuantMix(name: v.quant), let m = catalog.model(id: v.id) else { continue }
            let q = Question(model: v.id, quant: mix, hardware: .named(selection.query), context: min(context, max(m.architecture.contextLength, 512)),
                             images: useCase == "vision" && m.isVisionModel ? 1 : 0, hostRAMGiB: ram)
            if let a = try? await answer(q) { out.append(a) }
        }
        return out
    }

    // MARK: Custom builds

    /// A custom build's report; when the build is one catalog selection, each model's figures are that question's
    /// answer (evidence included), so the custom page agrees with will-it-run.
    public func customBuild(_ b: CustomBuildQuery) async throws -> (report: CustomBuildReport, answers: [String: Answer]) {
        var report = try CustomBuild.report(b, catalog: catalog, profiles: profiles)
        var answers: [String: Answer] = [:]
        guard b.hardware.count == 1, let name = b.hardware.first else { return (report, answers) }
        let sel = try catalog.hardware(named: name)
        let runtime = Runtime.Kind(rawValue: report.runtime.id) ?? .llamaCpp
        for (i, v) in report.models.enumerated() {
            guard let mix = QuantMix(name: v.quant), let m = catalog.model(id: v.id) else { continue }
            let q = Question(model: v.id, quant: mix, hardware: .named(sel.query), context: min(b.context, max(m.architecture.contextLength, 512)),
                             images: b.useCase == "vision" && m.isVisionModel ? 1 : 0, runtime: runtime,
                             hostRAMGiB: sel.device.isUnifiedMemory || sel.device.kind == .cpu ? nil : b.ramGiB)
            guard let a = try? await answer(q) else { continue }
            answers[v.id] = a
            report.models[i].tier = a.tier.rawValue
            report.models[i].placement = a.placement.rawValue
            report.models[i].decode_tps = a.runs ? a.decode.expected : 0
            report.models[i].total_bytes = a.neededBytes
        }
        return (report, answers)
    }

    // MARK: What if

    /// One change to a question and its answer.
    public struct WhatIf: Sendable {
        public var label: String
        public var question: Question
        public var answer: Answer?
    }

    /// The "what if" questions beside an answer: a smaller quantisation, half the context, a q8_0 KV cache, the next
    /// device up; each with its own answer.
    public func whatIfs(_ a: Answer) async -> [WhatIf] {
        let q = a.question
        var options: [(String, Question)] = []
        // A file's quantisation is the file's; a model published in one format only has no other to offer.
        let fixedFile = a.wire.model_file != nil || catalog.model(id: a.wire.model.id)?.nativeQuant != nil
        if !fixedFile, let down = Self.nextQuantDown(q.quant) { options.append(("\(down.name) instead of \(q.quant.name)", q.with { $0.quant = down })) }
        let half = q.context / 2
        if half >= 512, half > a.wire.image_tokens + 256 { options.append(("\(Self.contextLabel(half)) context", q.with { $0.context = half })) }
        if q.kvType == nil { options.append(("q8_0 KV cache", q.with { $0.kvType = .q8_0; $0.flashAttention = .on })) }
        if let sel = a.selection, let up = nextDeviceUp(from: sel) {
            options.append((up.label, q.with { $0.hardware = .named(up.query) }))
        }
        if !fixedFile, a.tier != .comfortable, let two = Self.nextQuantDown(q.quant).flatMap(Self.nextQuantDown) {
            options.append((two.name, q.with { $0.quant = two }))
        }
        var out: [WhatIf] = []
        for (label, question) in options { out.append(WhatIf(label: label, question: question, answer: try? await answer(question))) }
        return out
    }

    /// Quantisations offered in forms and tables, largest first.
    public static let quantLadder = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_XXS", "Q2_K"]

    /// The next smaller quantisation on the ladder (nil at the bottom or off the ladder).
    public static func nextQuantDown(_ mix: QuantMix) -> QuantMix? {
        if mix.name == "MXFP4" { return nil }
        if let i = quantLadder.firstIndex(of: mix.name) { return i + 1 < quantLadder.count ? QuantMix(name: quantLadder[i + 1]) : nil }
        if ["BF16", "F32"].contains(mix.name) { return QuantMix(name: "Q8_0") }
        return nil
    }

    /// 32768 → "32K", 1000 → "1000".
    public static func contextLabel(_ c: Int) -> String { c % 1024 == 0 ? "\(c / 1024)K" : String(c) }

    /// The device one step up in memory from `selection`: same kind, the smallest memory larger than now; among
    /// equals the same form, then the same vendor, then the newest.
    public func nextDeviceUp(from selection: HardwareSelection) -> (label: String, query: String)? {
        let d = selection.device
        let current = selection.memoryGiB ?? 0
        if d.memoryChoicesGiB.count > 1, let bigger = d.memoryChoicesGiB.filter({ $0 > current }).min() {
            let name = "\(d.displayName) \(Int(bigger))GB"
            let q = selection.count > 1 ? "\(selection.count)x \(d.id) \(Int(bigger))GB" : "\(d.id) \(Int(bigger))GB"
            return (name, q)
        }
        let candidates = catalog.hardware.filter { h in
            h.kind == d.kind && h.id != d.id && (h.memoryChoicesGiB.max() ?? 0) > current && (h.form != .datacenter || d.form == .datacenter)
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

extension AnswerService {
    /// The buying guides' picks (ranked by the engine's Score and the catalog's prices), each pick's workload
    /// figures replaced by the answers to those workloads' questions, so a guide reads as the hardware page does.
    public func guides(facts: [HardwareFacts], budget: Double = Guides.defaultBudgetUSD) async -> [GuidePick] {
        var picks = Guides.all(facts: facts, budget: budget, catalog: catalog)
        var chipsByDevice: [String: [(chip: WorkloadChip, question: Question)]] = [:]
        for i in picks.indices {
            guard let d = catalog.device(id: picks[i].hardware) else { continue }
            if chipsByDevice[d.id] == nil { chipsByDevice[d.id] = await chips(for: HardwareSelection(device: d)) }
            let chips = chipsByDevice[d.id] ?? []
            picks[i].figures = picks[i].figures.map { f in
                guard let ch = chips.first(where: { $0.chip.label == f.label })?.chip else { return f }
                var g = f
                g.value = ch.status == .doesNotFit ? ch.status_label
                    : String(format: "%@, %.0f tok/s (%@)", ch.status_label, ch.decode_tps, ch.evidence)
                return g
            }
        }
        return picks
    }
}

extension AnswerService {
    /// The remote reference `name` is, if it is one: a URL always; a bare `owner/name` only when no catalog
    /// model answers to it (catalog aliases include Hugging Face repository names).
    public func remoteReference(_ name: String) -> RemoteModelReference? {
        guard name.contains("/"), let ref = RemoteModelReference(name) else { return nil }
        if ref.isURL { return ref }
        return (try? catalog.model(named: name)) == nil ? ref : nil
    }

    func answerRemote(_ q: Question, _ ref: RemoteModelReference, client: String) async throws -> Answer {
        guard let remote else {
            throw RemoteModelError(.disabled, "this server does not read models from URLs", fix: "name a catalog model, or run `runlocalai will-it-run --gguf URL` on your own machine")
        }
        let m = try await remote.model(ref, quant: q.quant.name, client: client)
        var a = try await answer(q, profile: m.profile, file: m.file, mmprojFile: m.mmproj)
        a.wire.model_file?.etag = m.etag
        return a
    }

    /// The answer for a model read from a GGUF file's header (not a catalog entry): planned on the question's
    /// hardware with the question's settings; evidence applies when the header names a catalog model.
    public func answer(_ q: Question, profile: ModelProfile, file: String?, mmprojFile: String?) async throws -> Answer {
        let (system, notes) = try system(q)
        let model = profile.catalogID.flatMap { catalog.model(id: $0) }
        var a = await applyEvidence(try finish(q, profile: profile, model: model, system: system, notes: notes, file: file, mmprojFile: mmprojFile))
        if let file { a.wire.model_file = .init(url: file, mmproj_url: mmprojFile, etag: nil) }
        return a
    }
}

extension Answer {
    /// The wire form as the API sends it (keys sorted, slashes unescaped): `runlocalai will-it-run --json` prints these bytes.
    public func json() throws -> Data { try WireJSON.encoder().encode(wire) }
}

/// The JSON of the wire contract, one configuration for every surface: keys sorted and slashes unescaped (the bytes
/// are stable, so an entity tag is the body's digest), dates in ISO 8601.
///
/// ```swift
/// let data = try WireJSON.encoder().encode(answer.wire)
/// ```
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}
