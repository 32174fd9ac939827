import Foundation
import Hummingbird
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIStore

// The JSON of the site's sections: hardware combos, model vs model, Start, systems, stacks, learn, ecosystem, pulse
// and the monthly digest. Each is the page's own data, from the same answer service.

struct ComboCardDTO: Codable, Sendable { var hardware: String; var count: Int }
struct ComboSummaryDTO: Codable, Sendable {
    var id: String; var name: String; var cards: [ComboCardDTO]; var interconnect: String; var link_gbs: Double?
    var pcie_lanes: [Int]; var power_w: Double?; var total_vram_gib: Double; var effective_bytes: UInt64?
}
struct ComboSplitDTO: Codable, Sendable {
    var model: String; var one_card: WillItRunAnswer?; var layer_split: WillItRunAnswer
    var tensor_parallel: WillItRunAnswer?; var tensor_parallel_refused: String?
}
struct ComboDetailDTO: Codable, Sendable {
    var combo: ComboSummaryDTO; var use: String; var breaks: [String]; var source: String
    var memory: EffectiveMemory; var models: [WillItRunAnswer]; var mixed_plan: [ModelVerdict]; var splits: [ComboSplitDTO]
    var runtimes: [RuntimeMultiGPUDTO]
}
struct RuntimeMultiGPUDTO: Codable, Sendable { var id: String; var name: String; var multi_gpu: String }
struct MatchupDTO: Codable, Sendable {
    var a: String; var b: String; var hardware: String; var winner: String?; var a_wins: Int; var b_wins: Int; var verdicts: [UseCaseVerdict]
}
struct StartDTO: Codable, Sendable { var hardware: String; var use_case: String; var context: Int; var minimum_decode_tps: Double; var picks: [WillItRunAnswer]; var notes: [String] }
struct SystemSummaryDTO: Codable, Sendable {
    var id: String; var name: String; var kind: String; var hardware: String; var ram_gib: Double; var price_usd: Double?; var as_of: String?; var source: String
}
struct SystemDetailDTO: Codable, Sendable { var system: SystemSummaryDTO; var use: String; var score: HardwareScore; var chips: [WorkloadChip]; var models: [WillItRunAnswer] }
struct StackSummaryDTO: Codable, Sendable {
    var slug: String; var title: String; var use_case: String; var summary: String; var runtime: String; var model: String; var quant: String
    var hardware: String; var ctx: Int; var front_end: String
}
struct StackDetailDTO: Codable, Sendable {
    var stack: StackSummaryDTO; var front_end_url: String?; var extras: [String]; var sources: [String]; var sections: [SectionDTO]; var answer: WillItRunAnswer
}
struct LearnStepDTO: Codable, Sendable { var kind: String; var target: String; var url: String; var label: String; var why: String }
struct LearnSummaryDTO: Codable, Sendable { var slug: String; var title: String; var summary: String; var level: String; var order: Int; var steps: Int }
struct LearnDetailDTO: Codable, Sendable { var path: LearnSummaryDTO; var steps: [LearnStepDTO]; var sections: [SectionDTO] }
struct EcosystemDTO: Codable, Sendable {
    struct Row: Codable, Sendable { var id: String; var name: String; var backends: [String]; var formats: [String]; var os: [String]; var multi_gpu: String? }
    var backends: [String]; var formats: [String]; var os: [String]; var runtimes: [Row]; var devices_by_backend: [String: Int]
}
struct AdditionDTO: Codable, Sendable { var kind: String; var id: String; var name: String; var month: String; var url: String }
struct RegressionDTO: Codable, Sendable {
    var model: String; var quant: String; var hardware: [String]; var hardware_count: Int; var runtime: String; var backend: String?
    var faster_version: String; var faster_decode_tps: Double; var slower_version: String; var slower_decode_tps: Double; var drop: Double; var run_ids: [String]
    init(_ r: Regressions.Regression) {
        model = r.model; quant = r.quant; hardware = r.hardware; hardware_count = r.hardwareCount; runtime = r.runtime; backend = r.backend
        faster_version = r.fasterVersion; faster_decode_tps = r.fasterDecodeTPS; slower_version = r.slowerVersion; slower_decode_tps = r.slowerDecodeTPS
        drop = r.drop; run_ids = r.runIDs
    }
}
struct PulseDTO: Codable, Sendable { var published_runs: Int; var stale_runs: Int; var latest_runs: [BenchmarkRun]; var additions: [AdditionDTO]; var regressions: [RegressionDTO] }
struct DigestDTO: Codable, Sendable {
    var month: String; var additions: [AdditionDTO]; var runs: [BenchmarkRun]; var regressions: [RegressionDTO]; var methodology: [MethodologyChange]
}
struct DigestMonthsDTO: Codable, Sendable { var months: [String]; var urls: [String] }

extension AdditionDTO {
    init(_ a: CatalogAddition) {
        kind = a.kind.rawValue; id = a.id; name = a.name; month = a.month
        url = (a.kind == .model ? "/models/" : "/hardware/") + URLs.segment(a.id)
    }
}

extension API {
    func comboSummary(_ c: HardwareCombo) -> ComboSummaryDTO {
        ComboSummaryDTO(id: c.id, name: c.name, cards: c.cards.map { ComboCardDTO(hardware: $0.hardware, count: $0.count) }, interconnect: c.interconnect.rawValue,
                        link_gbs: c.linkGBs, pcie_lanes: c.pcieLanes, power_w: c.powerW, total_vram_gib: ComboPages.totalGiB(c, catalog),
                        effective_bytes: site.derived.comboMemory[c.id]?.effective_bytes)
    }

    func combos(_ q: Query) throws -> Data {
        var link: HardwareCombo.Interconnect?
        if let raw = q.string("interconnect") {
            guard let l = HardwareCombo.Interconnect(rawValue: raw) else {
                throw APIError.badParameter("interconnect", "interconnect '\(raw.prefix(40))' is not one of \(HardwareCombo.Interconnect.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            link = l
        }
        let vram = try q.double("vram", in: 0...100_000) ?? 0
        let items = catalog.combos.filter { (link == nil || $0.interconnect == link) && ComboPages.totalGiB($0, catalog) >= vram }.map(comboSummary)
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func combo(_ id: String) async throws -> Data {
        guard let c = catalog.combo(id: id) else {
            throw APIError.notFound("combo", String(id.prefix(80)), suggestions: catalog.combos.map(\.id).filter { $0.contains(id.split(separator: "-").last.map(String.init) ?? id) }.prefix(5).map { $0 })
        }
        let a: AnswerService.ComboAnswer
        do { a = try await site.service.combo(c) } catch { throw APIError.from(error) }
        let splits = a.splits.map { s -> ComboSplitDTO in
            var tp: WillItRunAnswer?, refused: String?
            switch s.tensor { case .success(let t): tp = t.wire; case .failure(let e): refused = e.message }
            return ComboSplitDTO(model: s.model, one_card: s.single?.wire, layer_split: s.layer.wire, tensor_parallel: tp, tensor_parallel_refused: refused)
        }
        return try APIJSON.encode(ComboDetailDTO(combo: comboSummary(c), use: c.use, breaks: c.breaks, source: c.source, memory: a.memory,
                                                 models: a.models.map(\.wire), mixed_plan: a.mixedPlan, splits: splits,
                                                 runtimes: a.runtimes.map { RuntimeMultiGPUDTO(id: $0.id, name: $0.name, multi_gpu: $0.multiGPU) }))
    }

    func matchup(_ q: Query) async throws -> Data {
        let a = try q.require("a", example: "qwen2.5-14b"), b = try q.require("b", example: "llama-3.1-8b")
        let hw = q.string("hardware") ?? "rtx-4090"
        for (name, value) in [("a", a), ("b", b), ("hardware", hw)] where value.count > Question.maxNameLength {
            throw APIError.badParameter(name, "names are at most \(Question.maxNameLength) characters")
        }
        let ma: CatalogModel, mb: CatalogModel
        do { ma = try catalog.model(named: a) } catch { throw APIError.from(error, parameters: ["model": "a"]) }
        do { mb = try catalog.model(named: b) } catch { throw APIError.from(error, parameters: ["model": "b"]) }
        let m: AnswerService.Matchup
        do { m = try await site.service.matchup(ma, mb, hardware: hw) } catch { throw APIError.from(error) }
        return try APIJSON.encode(MatchupDTO(a: ma.id, b: mb.id, hardware: m.hardware.query, winner: m.overall.winner, a_wins: m.overall.a,
                                             b_wins: m.overall.b, verdicts: m.verdicts))
    }

    func start(_ q: Query) async throws -> Data {
        let hw = try q.require("hardware", example: "rtx-3060-12gb")
        guard hw.count <= Question.maxNameLength else { throw APIError.badParameter("hardware", "names are at most \(Question.maxNameLength) characters") }
        let raw = q.string("use") ?? "chat"
        guard let use = UseCase(rawValue: raw) else {
            throw APIError.badParameter("use", "use '\(raw.prefix(40))' is not one of \(UseCase.names)")
        }
        let ram = try q.double("ram", in: Question.ramRange)
        let s: AnswerService.StartAnswer
        do { s = try await site.service.start(hardware: hw, ramGiB: ram, useCase: use) } catch { throw APIError.from(error) }
        return try APIJSON.encode(StartDTO(hardware: s.selection.query, use_case: use.rawValue, context: use.context, minimum_decode_tps: use.minimumDecode,
                                           picks: s.picks.map(\.wire), notes: s.notes))
    }

    func systemSummary(_ s: CatalogSystem) -> SystemSummaryDTO {
        SystemSummaryDTO(id: s.id, name: s.name, kind: s.kind.rawValue, hardware: s.hardware, ram_gib: s.ramGiB, price_usd: s.priceUSD, as_of: s.asOf, source: s.source)
    }
    func systems() throws -> Data { try APIJSON.encode(ListDTO(count: catalog.systems.count, items: catalog.systems.map(systemSummary))) }
    func system(_ id: String) async throws -> Data {
        guard let s = catalog.system(id: id) else { throw APIError.notFound("system", String(id.prefix(80)), suggestions: Array(catalog.systems.map(\.id).prefix(5))) }
        let a: AnswerService.SystemAnswer
        do { a = try await site.service.system(s) } catch { throw APIError.from(error) }
        return try APIJSON.encode(SystemDetailDTO(system: systemSummary(s), use: s.use, score: a.score, chips: a.chips.map(\.chip), models: a.models.map(\.wire)))
    }

    func stackSummary(_ s: StackRecipe) -> StackSummaryDTO {
        StackSummaryDTO(slug: s.slug, title: s.title, use_case: s.useCase.rawValue, summary: s.summary, runtime: s.runtime, model: s.model, quant: s.quant,
                        hardware: s.hardware, ctx: s.context, front_end: s.frontEnd)
    }
    func stacks() throws -> Data { try APIJSON.encode(ListDTO(count: site.content.stacks.count, items: site.content.stacks.map(stackSummary))) }
    func stack(_ slug: String) async throws -> Data {
        guard let s = site.content.stacks.first(where: { $0.slug == slug }) else {
            throw APIError.notFound("stack", String(slug.prefix(80)), suggestions: site.content.stacks.map(\.slug))
        }
        let a: Answer
        do { a = try await site.service.stack(s) } catch { throw APIError.from(error) }
        return try APIJSON.encode(StackDetailDTO(stack: stackSummary(s), front_end_url: s.frontEndURL, extras: s.extras, sources: s.sources,
                                                 sections: s.sections.map { SectionDTO(heading: $0.heading, markdown: $0.markdown) }, answer: a.wire))
    }

    func learnSummary(_ l: LearnPath) -> LearnSummaryDTO {
        LearnSummaryDTO(slug: l.slug, title: l.title, summary: l.summary, level: l.level.rawValue, order: l.order, steps: l.steps.count)
    }
    func learn() throws -> Data { try APIJSON.encode(ListDTO(count: site.content.learn.count, items: site.content.learn.map(learnSummary))) }
    func learnPath(_ slug: String) throws -> Data {
        guard let l = site.content.learn.first(where: { $0.slug == slug }) else {
            throw APIError.notFound("path", String(slug.prefix(80)), suggestions: site.content.learn.map(\.slug))
        }
        let steps = l.steps.map { s -> LearnStepDTO in
            switch s.target {
            case .term(let t): return LearnStepDTO(kind: "term", target: t, url: "/glossary/\(URLs.segment(t))", label: s.label ?? site.content.term(t)?.term ?? t, why: s.why)
            case .tool(let p): return LearnStepDTO(kind: "tool", target: p, url: p, label: s.label ?? p, why: s.why)
            }
        }
        return try APIJSON.encode(LearnDetailDTO(path: learnSummary(l), steps: steps, sections: l.sections.map { SectionDTO(heading: $0.heading, markdown: $0.markdown) }))
    }

    func ecosystem() throws -> Data {
        let formats = Array(Set(catalog.runtimes.flatMap(\.formats))).sorted(), oses = Array(Set(catalog.runtimes.flatMap(\.os))).sorted()
        var byBackend: [String: Int] = [:]
        for b in Backend.allCases { byBackend[b.rawValue] = catalog.hardware.filter { $0.backends.contains(b) }.count }
        return try APIJSON.encode(EcosystemDTO(backends: Backend.allCases.map(\.rawValue), formats: formats, os: oses,
                                               runtimes: catalog.runtimes.map { .init(id: $0.id, name: $0.name, backends: $0.backends.map(\.rawValue), formats: $0.formats, os: $0.os, multi_gpu: $0.multiGPU) },
                                               devices_by_backend: byBackend))
    }

    func pulse() async throws -> Data {
        let p = Pulse.build(catalog: catalog, runs: try await site.store.allRuns(), now: site.now())
        return try APIJSON.encode(PulseDTO(published_runs: p.published, stale_runs: p.stale, latest_runs: p.latestRuns, additions: p.additions.map(AdditionDTO.init),
                                           regressions: p.regressions.map(RegressionDTO.init)))
    }

    func digestMonths() async throws -> Data {
        let months = Digest.months(catalog: catalog, runs: try await site.store.allRuns(), changes: site.content.methodologyChanges, now: site.now())
        return try APIJSON.encode(DigestMonthsDTO(months: months, urls: months.map { "/api/v1/digest/\($0)" }))
    }

    func digest(_ month: String) async throws -> Data {
        guard Digest.isMonth(month) else {
            throw APIError.badParameter("month", "'\(month.prefix(20))' is not a month: ask for /api/v1/digest/YYYY-MM (months: /api/v1/digest)")
        }
        guard month <= Digest.month(of: site.now()) else {
            throw APIError(.notFound, code: "no_digest", "\(month) has not come yet; months: /api/v1/digest", parameter: "month")
        }
        let d = Digest.build(month: month, catalog: catalog, runs: try await site.store.allRuns(), changes: site.content.methodologyChanges)
        return try APIJSON.encode(DigestDTO(month: month, additions: d.additions.map(AdditionDTO.init), runs: d.runs,
                                            regressions: d.regressions.map(RegressionDTO.init), methodology: d.methodology))
    }
}

struct BenchmarkRequestDTO: Codable, Sendable {
    var id: String; var model: String; var quant: String?; var hardware: String; var hardware_count: Int; var votes: Int; var status: String
    var created_at: Date; var closed_at: Date?; var closed_by: String?; var estimate_url: String
    init(_ r: BenchmarkRequest) {
        id = r.id; model = r.key.model; quant = r.key.quant; hardware = r.key.hardware; hardware_count = r.key.hardwareCount; votes = r.votes
        status = r.status.rawValue; created_at = r.createdAt; closed_at = r.closedAt; closed_by = r.closedBy
        estimate_url = URLs.build("/api/v1/will-it-run", [("model", r.key.model), ("quant", r.key.quant),
                                                         ("hardware", r.key.hardwareCount > 1 ? "\(r.key.hardwareCount)x \(r.key.hardware)" : r.key.hardware)])
    }
}
struct BenchmarkRequestBodyDTO: Codable, Sendable { var model: String; var quant: String?; var hardware: String }

extension API {
    func benchmarkRequests(_ q: Query) async throws -> Data {
        let raw = q.string("status") ?? "open"
        guard raw == "all" || BenchmarkRequest.Status(rawValue: raw) != nil else {
            throw APIError.badParameter("status", "status '\(raw.prefix(20))' is not one of open, closed, all")
        }
        let limit = try q.int("limit", in: 1...500) ?? 100
        let items = try await site.store.benchmarkRequests(status: BenchmarkRequest.Status(rawValue: raw), limit: limit).map(BenchmarkRequestDTO.init)
        return try APIJSON.encode(ListDTO(count: items.count, items: items))
    }

    func requestBenchmark(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        let b = try decode(BenchmarkRequestBodyDTO.self, try await body(req, ctx))
        let key: BenchmarkRequest.Key
        do { key = try site.service.requestKey(model: b.model, quant: b.quant, hardware: b.hardware) } catch { throw APIError.from(error) }
        let client = APIRules.clientKey(req, peer: ctx.remoteAddress, trustForwardedFor: site.limits.trustForwardedFor)
        let saved = try await site.store.requestRun(key, voter: AnswerService.voter(client: client))
        return try APIJSON.response(BenchmarkRequestDTO(saved.request), status: saved.created ? .created : .ok)
    }
}

struct PartDTO: Codable, Sendable { var id: String; var kind: String; var name: String; var price_usd: Double; var as_of: String; var source: String }
struct PCBuildDTO: Codable, Sendable {
    var budget_usd: Double; var tier: String; var gpu: String; var gpu_price_usd: Double; var score: Int; var ram_gib: Double; var psu_w: Double
    var total_usd: Double; var parts: [PartDTO]; var models: [WillItRunAnswer]
}
struct BackendPairDTO: Codable, Sendable { var nvidia: String; var amd: String; var answers: [[WillItRunAnswer]] }
struct CudaVsRocmDTO: Codable, Sendable {
    struct Side: Codable, Sendable { var runtimes: [String]; var devices: Int; var bandwidth_efficiency: Double; var compute_efficiency: Double; var layer_micros: Double; var published_runs: Int }
    var cuda: Side; var rocm: Side; var pairs: [BackendPairDTO]
}

extension API {
    func pcBuild(_ q: Query) async throws -> Data {
        let budget = try q.double("budget", in: 300...100_000) ?? PillarPages.defaultBuildBudget
        guard let b = await site.service.pcBuild(budget: budget, facts: site.derived.hardwareFacts) else {
            throw APIError(.notFound, code: "no_build", "no build class leaves room for a GPU the catalog prices at $\(Int(budget)); try a larger budget", parameter: "budget")
        }
        return try APIJSON.encode(PCBuildDTO(budget_usd: budget, tier: b.tier.rawValue, gpu: b.gpu.id, gpu_price_usd: b.gpuPrice, score: b.score, ram_gib: b.ramGiB,
                                             psu_w: b.psuWatts, total_usd: b.total,
                                             parts: b.parts.map { PartDTO(id: $0.id, kind: $0.kind.rawValue, name: $0.name, price_usd: $0.priceUSD, as_of: $0.asOf, source: $0.source) },
                                             models: b.models.map(\.wire)))
    }

    func cudaVsROCm() async throws -> Data {
        let c = await site.service.cudaVsROCm(facts: site.derived.hardwareFacts)
        return try APIJSON.encode(CudaVsRocmDTO(
            cuda: .init(runtimes: c.runtimes.cuda, devices: c.devices.cuda, bandwidth_efficiency: c.bandwidthEfficiency.cuda, compute_efficiency: c.computeEfficiency.cuda,
                        layer_micros: c.layerMicros.cuda, published_runs: c.publishedRuns.cuda),
            rocm: .init(runtimes: c.runtimes.rocm, devices: c.devices.rocm, bandwidth_efficiency: c.bandwidthEfficiency.rocm, compute_efficiency: c.computeEfficiency.rocm,
                        layer_micros: c.layerMicros.rocm, published_runs: c.publishedRuns.rocm),
            pairs: c.pairs.map { p in BackendPairDTO(nvidia: p.nvidia.id, amd: p.amd.id, answers: p.answers.map { [$0.nvidia.wire, $0.amd.wire] }) }))
    }
}

struct SubscribeBodyDTO: Codable, Sendable { var email: String }
struct SubscribeDTO: Codable, Sendable { var status: String; var message: String }

extension API {
    /// `POST /api/v1/digest/subscribe`: as the page's form (double opt-in; the same answer for every address).
    func subscribe(_ req: Request, _ ctx: SiteRequestContext) async throws -> Response {
        let b = try decode(SubscribeBodyDTO.self, try await body(req, ctx))
        guard let mailer = site.mailer else {
            throw APIError(.notFound, code: "no_mail", "this server has no mail signup (its operator runs it without --smtp); the digest is at /digest and in /feed.xml")
        }
        let email: String
        do { email = try DigestSubscriber.normalised(b.email) } catch { throw APIError.badParameter("email", "\(error)") }
        let s = try await site.store.subscribe(email: email, token: DigestSubscriber.newToken())
        if s.status == .pending {
            do { try await mailer.sendConfirmation(to: s) } catch {
                throw APIError(.serviceUnavailable, code: "mail_failed", "the confirmation mail could not be sent just now; try again later")
            }
        }
        return try APIJSON.response(SubscribeDTO(status: "accepted", message: "if the address is not subscribed yet, a confirmation link is on its way"), status: .accepted)
    }
}
