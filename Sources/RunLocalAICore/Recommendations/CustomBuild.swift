import Foundation

/// A machine someone is planning: any set of GPUs (same or mixed), RAM, OS, runtime and use case.
public struct CustomBuildQuery: Sendable, Hashable {
    /// Hardware names, each may carry a count ("2x RTX 3090", "RTX 3060 12GB"); or one Mac / unified-memory machine.
    public var hardware: [String]
    public var ramGiB: Double
    /// linux, windows or macos.
    public var os: String
    /// A runtime to check (nil: recommend one).
    public var runtime: String?
    /// chat, coding, vision, long-context, reasoning or any.
    public var useCase: String
    public var context: Int
    public var beginner: Bool

    public init(hardware: [String], ramGiB: Double = 32, os: String = "linux", runtime: String? = nil, useCase: String = "chat",
                context: Int = 8192, beginner: Bool = false) {
        self.hardware = hardware; self.ramGiB = ramGiB; self.os = os; self.runtime = runtime; self.useCase = useCase
        self.context = context; self.beginner = beginner
    }

    public static let useCases = ["chat", "coding", "vision", "long-context", "reasoning", "any"]
    public static let operatingSystems = ["linux", "windows", "macos"]
}

/// Why a build's usable memory is below the sum of its parts, in bytes, from the engine.
public struct MemoryReason: Sendable, Hashable, Codable {
    /// metal-cap, carve-out, per-card-overhead, margin, duplicated-compute, no-pooling
    public var kind: String
    public var bytes: UInt64
    public var explanation: String
}

public struct EffectiveMemory: Sendable, Hashable, Codable {
    /// Physical GPU (or unified) memory added up.
    public var sum_bytes: UInt64
    /// What model weights and KV cache can actually use on the GPU(s).
    public var effective_bytes: UInt64
    public var host_ram_bytes: UInt64
    public var reasons: [MemoryReason]
}

public struct RuntimeRecommendation: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var reasons: [String]
    /// Other compatible runtimes, best first.
    public var alternatives: [String]
    /// Problems with the runtime the query named (empty when it fits or none was named).
    public var warnings: [String]
}

public enum ModelGroup: String, Sendable, Codable, CaseIterable {
    case comfortable, borderline
    case notPractical = "not-practical"
}

public struct ModelVerdict: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var params_b: Double
    public var group: ModelGroup
    /// The best quantisation for this build (highest quality that is comfortable, else the best with tradeoffs).
    public var quant: String
    public var tier: String
    public var placement: String
    public var decode_tps: Double
    public var total_bytes: UInt64
    public var note: String?
}

public struct CustomBuildReport: Sendable, Hashable, Codable {
    public var hardware: [String]
    public var gpus: [String]
    public var os: String
    public var use_case: String
    public var context: Int
    public var memory: EffectiveMemory
    public var runtime: RuntimeRecommendation
    public var models: [ModelVerdict]
}

/// Plans a custom build: effective memory and why, the runtime to use, and every catalog model sorted into
/// comfortable / borderline / not practical with its best quantisation.
///
/// ```swift
/// let report = try CustomBuild.report(CustomBuildQuery(hardware: ["RTX 3090", "RTX 3060 12GB"], ramGiB: 64),
///                                     catalog: catalog, profiles: profiles)
/// report.memory.reasons.map(\.kind)   // ["per-card-overhead", "margin", "duplicated-compute", "no-pooling"]
/// ```
public enum CustomBuild {
    /// Quantisations tried, best quality first.
    public static let quantLadder = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K"]

    /// The quantisations to try for a model: its one published format where it has one (gpt-oss: MXFP4), else the ladder.
    static func quants(for m: CatalogModel) -> [String] {
        m.nativeQuant.map { [$0.name] } ?? quantLadder
    }
    /// Below this decode speed a run that does not fit comfortably is not practical.
    public static let practicalDecodeTPS = 3.0

    public static func system(_ q: CustomBuildQuery, catalog: Catalog) throws -> TargetSystem {
        guard !q.hardware.isEmpty else { throw EstimateError.invalidSetting("give at least one GPU or machine (hardware=...)") }
        guard q.hardware.count <= 16 else { throw EstimateError.invalidSetting("at most 16 hardware entries; use counts ('4x RTX 3090')") }
        guard q.ramGiB > 0, q.ramGiB <= 65_536 else { throw EstimateError.invalidSetting("RAM \(q.ramGiB) GiB is out of range; give 1...65536") }
        let selections = try q.hardware.map { try catalog.hardware(named: $0) }
        return try TargetSystem(selections: selections, host: .init(ramGiB: q.ramGiB))
    }

    public static func report(_ q: CustomBuildQuery, catalog: Catalog, profiles: any ProfileSource) throws -> CustomBuildReport {
        let os = q.os.lowercased()
        guard CustomBuildQuery.operatingSystems.contains(os) else {
            throw EstimateError.invalidSetting("os '\(q.os)' is not one of \(CustomBuildQuery.operatingSystems.joined(separator: ", "))")
        }
        guard CustomBuildQuery.useCases.contains(q.useCase) else {
            throw EstimateError.invalidSetting("use case '\(q.useCase)' is not one of \(CustomBuildQuery.useCases.joined(separator: ", "))")
        }
        guard q.context >= 512, q.context <= 1_048_576 else {
            throw EstimateError.invalidSetting("context \(q.context) must be 512...1048576")
        }
        let system = try system(q, catalog: catalog)
        if let sel = system.selection, sel.device.kind == .apple, os != "macos" {
            throw EstimateError.invalidSetting("\(sel.device.displayName) runs macOS; set os=macos")
        }
        let runtime = try recommendRuntime(system: system, os: os, useCase: q.useCase, named: q.runtime, beginner: q.beginner, catalog: catalog)
        let kind = Runtime.Kind(rawValue: runtime.id) ?? .llamaCpp
        let models = verdicts(system: system, useCase: q.useCase, context: q.context, runtime: kind, catalog: catalog, profiles: profiles)
        return CustomBuildReport(hardware: q.hardware, gpus: system.gpus.map(\.name), os: os, use_case: q.useCase, context: q.context,
                                 memory: effectiveMemory(system: system, context: q.context, catalog: catalog, profiles: profiles),
                                 runtime: runtime, models: models)
    }

    // MARK: Effective memory

    /// The memory the GPUs offer a model, and each reason it is below the physical sum. Compute buffers and
    /// runtime contexts come from the engine's plan of a reference model (Llama 3.1 8B Q4_K_M) at `context`.
    public static func effectiveMemory(system: TargetSystem, context: Int, catalog: Catalog, profiles: any ProfileSource) -> EffectiveMemory {
        let gib = 1_073_741_824.0
        var reasons: [MemoryReason] = []
        let sum = system.gpus.reduce(UInt64(0)) { $0 + $1.memoryBytes }
        guard !system.gpus.isEmpty else {
            return EffectiveMemory(sum_bytes: 0, effective_bytes: system.hostUsableBytes, host_ram_bytes: system.host.ramBytes,
                                   reasons: [MemoryReason(kind: "host-reserve", bytes: system.host.ramBytes - system.hostUsableBytes,
                                                          explanation: "no GPU: the model runs from system RAM, less what the OS keeps (2 GiB + 10%)")])
        }
        for g in system.gpus where g.usableBytes < g.memoryBytes {
            let apple = system.selection?.device.kind == .apple
            reasons.append(MemoryReason(kind: apple ? "metal-cap" : "carve-out", bytes: g.memoryBytes - g.usableBytes,
                                        explanation: apple
                                        ? String(format: "macOS lets the GPU wire %.1f of %.0f GiB (recommendedMaxWorkingSetSize); `sudo sysctl iogpu.wired_limit_mb=N` raises it", Double(g.usableBytes) / gib, Double(g.memoryBytes) / gib)
                                        : String(format: "the GPU may use %.1f of %.0f GiB of shared memory (carve-out / GTT cap)", Double(g.usableBytes) / gib, Double(g.memoryBytes) / gib)))
        }
        let overhead = system.gpus.reduce(UInt64(0)) { $0 + MemoryModel.backendOverhead($1.backend) }
        if overhead > 0 {
            reasons.append(MemoryReason(kind: "per-card-overhead", bytes: overhead,
                                        explanation: system.gpus.count > 1
                                        ? "each of the \(system.gpus.count) GPUs pays its own runtime context (\(system.gpus.map { "\($0.backend.displayName) \(MemoryModel.backendOverhead($0.backend) / 1_048_576) MiB" }.joined(separator: ", ")))"
                                        : "the \(system.gpus[0].backend.displayName) runtime context takes \(overhead / 1_048_576) MiB before any buffer"))
        }
        let margin = Planner.margin * UInt64(system.gpus.count)
        reasons.append(MemoryReason(kind: "margin", bytes: margin,
                                    explanation: "llama.cpp's --fit keeps 1 GiB free on every GPU (\(system.gpus.count) × 1 GiB)"))
        // Compute buffers and layer granularity from a reference plan.
        var computeDup: UInt64 = 0
        var computeOne: UInt64 = 0
        var granularity: UInt64 = 0
        if let model = catalog.model(id: "llama-3.3-70b") ?? catalog.model(id: "llama-3.1-8b"), let mix = QuantMix(name: "Q4_K_M") {
            let p = profiles.profile(model: model, mix: mix)
            let u = MemoryModel.usage(profile: p, system: system, settings: RunSettings(context: context), gpuLayers: p.architecture.layers + 1)
            let computes = u.gpus.map(\.compute)
            computeOne = computes.max() ?? 0
            computeDup = computes.reduce(0, +) - computeOne
            if system.gpus.count > 1 {
                let layer = p.weights.layerBytes.max() ?? 0
                granularity = layer / 2 * UInt64(system.gpus.count - 1)
            }
        }
        if computeOne > 0 {
            reasons.append(MemoryReason(kind: "compute-buffer", bytes: computeOne,
                                        explanation: String(format: "the compute buffer for a %d-token batch (%.2f GiB for %@ at %d context)", 512, Double(computeOne) / gib, "Llama 3.3 70B Q4_K_M", context)))
        }
        if computeDup > 0 {
            reasons.append(MemoryReason(kind: "duplicated-compute", bytes: computeDup,
                                        explanation: String(format: "every other GPU holds its own compute buffer too (%.2f GiB more in all)", Double(computeDup) / gib)))
        }
        if system.gpus.count > 1 {
            reasons.append(MemoryReason(kind: "no-pooling", bytes: granularity,
                                        explanation: "the cards are not one pool: each holds whole layers and its own KV cache, so a split loses about half a layer per extra card and no tensor can span two cards"))
        }
        let usable = system.gpus.reduce(UInt64(0)) { $0 + $1.usableBytes }
        let lost = overhead + margin + computeOne + computeDup + granularity
        return EffectiveMemory(sum_bytes: sum, effective_bytes: usable > lost ? usable - lost : 0, host_ram_bytes: system.host.ramBytes,
                               reasons: reasons)
    }

    // MARK: Runtime

    /// Chooses a catalog runtime: it must run on the OS, drive the build's backend, split over several GPUs
    /// when there are several, and handle images for vision; among those, one the engine writes commands for,
    /// then beginner-friendly ones when asked.
    public static func recommendRuntime(system: TargetSystem, os: String, useCase: String, named: String?, beginner: Bool,
                                        catalog: Catalog) throws -> RuntimeRecommendation {
        let backend = system.gpus.first?.backend ?? .cpu
        let multi = Set(system.gpus.map(\.name)).count > 0 && system.gpus.count > 1
        func problems(_ r: Runtime) -> [String] {
            var p: [String] = []
            if !r.os.isEmpty && !r.os.contains(os) { p.append("\(r.name) does not run on \(os)") }
            if !r.backends.contains(backend) { p.append("\(r.name) has no \(backend.displayName) backend") }
            if multi, let m = r.multiGPU?.lowercased(), m.hasPrefix("no") { p.append("\(r.name) uses one GPU only") }
            if useCase == "vision", let v = r.vision?.lowercased(), v.hasPrefix("no") { p.append("\(r.name) takes no images") }
            if !r.formats.contains("gguf") { p.append("\(r.name) does not load GGUF files, which these figures are for") }
            return p
        }
        func rank(_ r: Runtime) -> Int {
            var s = 0
            if r.kind != nil { s += 4 }
            if r.id == "llama.cpp" { s += beginner ? 0 : 3 }
            if beginner && r.beginner == true { s += 5 }
            if r.id == "ollama" { s += beginner ? 2 : 1 }
            if r.id == "mlx" && os == "macos" { s += 1 }
            return s
        }
        let compatible = catalog.runtimes.filter { problems($0).isEmpty }.sorted { rank($0) != rank($1) ? rank($0) > rank($1) : $0.id < $1.id }
        var warnings: [String] = []
        var chosen: Runtime?
        if let named {
            let r = try catalog.runtime(named: named)
            warnings = problems(r)
            chosen = r
        }
        guard let pick = chosen ?? compatible.first else {
            throw EstimateError.invalidSetting("no catalog runtime drives \(backend.displayName) on \(os)")
        }
        var reasons = ["runs on \(os)", "drives \(backend.displayName)"]
        if multi { reasons.append("splits a model across the \(system.gpus.count) GPUs") }
        if useCase == "vision" { reasons.append("takes images (mmproj)") }
        if pick.kind != nil { reasons.append("RunLocalAI writes its commands") }
        if pick.beginner == true { reasons.append("beginner-friendly") }
        return RuntimeRecommendation(id: pick.id, name: pick.name, reasons: warnings.isEmpty ? reasons : [],
                                     alternatives: compatible.filter { $0.id != pick.id }.prefix(4).map(\.id), warnings: warnings)
    }

    // MARK: Models

    static func matches(_ m: CatalogModel, useCase: String) -> Bool {
        if m.use.contains("embedding") || m.use.contains("rerank") { return useCase == "any" }
        switch useCase {
        case "any", "chat": return true
        case "vision": return m.isVisionModel
        default: return m.use.contains(useCase)
        }
    }

    /// Every catalog model for the use case, grouped, best quantisation each.
    public static func verdicts(system: TargetSystem, useCase: String, context: Int, runtime: Runtime.Kind = .llamaCpp,
                                catalog: Catalog, profiles: any ProfileSource) -> [ModelVerdict] {
        var out: [ModelVerdict] = []
        for m in catalog.models where matches(m, useCase: useCase) {
            out.append(verdict(m, system: system, context: context, images: useCase == "vision" ? 1 : 0, runtime: runtime, profiles: profiles))
        }
        let order: [ModelGroup: Int] = [.comfortable: 0, .borderline: 1, .notPractical: 2]
        return out.sorted {
            if $0.group != $1.group { return order[$0.group]! < order[$1.group]! }
            if $0.params_b != $1.params_b { return $0.params_b > $1.params_b }
            return $0.id < $1.id
        }
    }

    public static func verdict(_ m: CatalogModel, system: TargetSystem, context: Int, images: Int = 0, runtime: Runtime.Kind = .llamaCpp,
                               profiles: any ProfileSource) -> ModelVerdict {
        let ctx = min(context, max(m.architecture.contextLength, 512))
        var settings = RunSettings(context: ctx, images: m.isVisionModel ? images : 0)
        settings.runtime = runtime
        var best: (String, Estimate)?
        var smallest: (String, Estimate)?
        for name in quants(for: m) {
            guard let mix = QuantMix(name: name),
                  let e = try? Planner.plan(profile: profiles.profile(model: m, mix: mix), system: system, settings: settings) else { continue }
            if e.fit.tier == .comfortable {
                return make(m, .comfortable, name, e, note: nil)
            }
            if best == nil, e.fit.tier == .tradeoffs, e.decode.expected >= practicalDecodeTPS { best = (name, e) }
            smallest = (name, e)
        }
        if let (q, e) = best {
            return make(m, .borderline, q, e, note: e.fit.notes.first)
        }
        if let (q, e) = smallest {
            let note = e.fit.tier == .wontRun ? "even at \(q) it does not fit in memory"
                : String(format: "even at %@ only about %.1f tokens/s", q, e.decode.expected)
            return make(m, .notPractical, q, e, note: note)
        }
        return ModelVerdict(id: m.id, name: m.name, params_b: m.paramsB, group: .notPractical, quant: "-", tier: FitTier.wontRun.rawValue,
                            placement: Placement.none.rawValue, decode_tps: 0, total_bytes: 0, note: "no quantisation could be planned")
    }

    /// The quantisation a use case should run `m` at on `system`: the best (largest) that fits comfortably and decodes
    /// at least `minimumDecode`, else the fastest that runs at all; nil when none can be planned.
    public static func quantFor(_ m: CatalogModel, system: TargetSystem, context: Int, images: Int, minimumDecode: Double,
                                profiles: any ProfileSource) -> String? {
        var settings = RunSettings(context: context, images: m.isVisionModel ? images : 0)
        settings.runtime = .llamaCpp
        var fastest: (String, Double)?, runs: String?
        for name in quants(for: m) {
            guard let mix = QuantMix(name: name),
                  let e = try? Planner.plan(profile: profiles.profile(model: m, mix: mix), system: system, settings: settings) else { continue }
            if e.fit.tier == .comfortable && e.decode.expected >= minimumDecode { return name }
            if e.fit.tier != .wontRun {
                runs = name
                if e.decode.expected > (fastest?.1 ?? 0) { fastest = (name, e.decode.expected) }
            }
        }
        // Nothing comfortable: the fastest that runs (a spill to system RAM costs more than a smaller quantisation).
        return fastest?.0 ?? runs
    }

    static func make(_ m: CatalogModel, _ g: ModelGroup, _ q: String, _ e: Estimate, note: String?) -> ModelVerdict {
        ModelVerdict(id: m.id, name: m.name, params_b: m.paramsB, group: g, quant: q, tier: e.fit.tier.rawValue,
                     placement: e.fit.placement.rawValue, decode_tps: e.decode.expected, total_bytes: e.usage.needed, note: note)
    }
}
