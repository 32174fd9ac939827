import Foundation

/// Where the engine gets a model's synthesised profile (every tensor of a catalog model at a quantisation).
/// The engine holds no cache and no lock: ``ProfileSynthesizer`` builds one each time, and the application layer
/// injects its bounded cache (`ProfileCache` in RunLocalAIApp).
///
/// ```swift
/// let p = ProfileSynthesizer().profile(model: llama, mix: QuantMix(name: "Q4_K_M")!)
/// ```
public protocol ProfileSource: Sendable {
    func profile(model: CatalogModel, mix: QuantMix) -> ModelProfile
}

/// Synthesises a profile on every call (about a millisecond): the engine's own, cache-free source.
public struct ProfileSynthesizer: ProfileSource {
    public init() {}
    public func profile(model: CatalogModel, mix: QuantMix) -> ModelProfile { ModelProfile(model: model, mix: mix) }
}

extension WillItRun {
    /// ``answer(_:catalog:)`` with profiles taken from `profiles` (same answer, without re-synthesising the model).
    public static func answer(_ q: WillItRunQuery, catalog: Catalog, profiles: any ProfileSource) throws -> WillItRunAnswer {
        try plan(q, catalog: catalog, profiles: profiles).answer
    }

    /// The estimate behind an answer too (for evidence from benchmark runs).
    public static func plan(_ q: WillItRunQuery, catalog: Catalog, profiles: any ProfileSource) throws -> (estimate: Estimate, answer: WillItRunAnswer) {
        let (model, mix) = try modelAndMix(q, catalog: catalog)
        let selection = try catalog.hardware(named: q.hardware)
        let estimate = try Planner.plan(profile: profiles.profile(model: model, mix: mix), system: try system(for: selection, query: q),
                                        settings: try settings(for: q))
        return (estimate, WillItRunAnswer(estimate, model: model, commands: CommandBuilder.commands(for: estimate, model: model)))
    }
}

extension TargetSystem {
    /// A system built from several catalog selections: any mix of discrete GPUs (each keeps its own memory),
    /// optionally one CPU entry for the host; or a single Apple-silicon / unified-memory machine.
    ///
    /// ```swift
    /// let system = try TargetSystem(selections: [rtx3090, rtx3060], host: .init(ramGiB: 64))
    /// system.gpus.map(\.name)   // ["NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3060 12GB"]
    /// ```
    public init(selections: [HardwareSelection], host: Host? = nil) throws {
        guard !selections.isEmpty else { throw EstimateError.invalidSetting("give at least one GPU or machine") }
        let unified = selections.filter { $0.device.isUnifiedMemory }
        if !unified.isEmpty {
            guard selections.count == 1, unified[0].count == 1 else {
                throw EstimateError.invalidSetting("\(unified[0].device.displayName) is a whole machine with unified memory; it cannot be combined with other devices")
            }
            self.init(unified[0])
            return
        }
        let cpus = selections.filter { $0.device.kind == .cpu }
        guard cpus.count <= 1, cpus.first?.count ?? 1 == 1 else {
            throw EstimateError.invalidSetting("give at most one CPU; it is the host the GPUs sit in")
        }
        let gpuSelections = selections.filter { $0.device.kind == .gpu }
        let total = gpuSelections.reduce(0) { $0 + $1.count }
        guard total <= 64 else { throw EstimateError.invalidSetting("\(total) GPUs; at most 64 are supported") }
        var hostValue = host ?? Host()
        if let cpu = cpus.first {
            let cpuSystem = TargetSystem(cpu, host: host)
            hostValue = cpuSystem.host
        }
        if gpuSelections.count == 1 {
            var s = TargetSystem(gpuSelections[0], host: hostValue)
            s.host = hostValue
            self = s
            return
        }
        let gpus = gpuSelections.flatMap { TargetSystem($0, host: hostValue).gpus }
        self.init(gpus: gpus, host: hostValue, unifiedMemory: false, selection: nil)
        if gpus.isEmpty, let cpu = cpus.first { self.selection = cpu }
    }
}
