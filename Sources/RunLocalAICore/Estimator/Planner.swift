/// Where the model goes: all on the GPU(s), split between GPU and CPU, or on the CPU alone.
public enum Placement: String, Sendable, Codable {
    case gpu, partial, cpu, none

    /// Where a run with `gpuLayers` of `totalLayers` (the output layer counted) offloaded sits.
    public init(gpuLayers: Int, totalLayers: Int, hasGPU: Bool) {
        self = !hasGPU || gpuLayers == 0 ? .cpu : gpuLayers >= totalLayers ? .gpu : .partial
    }
}

/// The verdict: runs comfortably, runs with tradeoffs (offload, tight memory or slow), or won't run.
public enum FitTier: String, Sendable, Codable {
    case comfortable
    case tradeoffs
    case wontRun = "wont-run"

    public var label: String {
        switch self {
        case .comfortable: "Runs comfortably"
        case .tradeoffs: "Runs with tradeoffs"
        case .wontRun: "Won't run"
        }
    }
}

/// The fit of one plan.
public struct Fit: Sendable, Hashable {
    public var tier: FitTier
    public var placement: Placement
    /// Repeating layers plus the output layer on the GPU(s): llama.cpp's `-ngl`, except that llama.cpp also counts a
    /// model's skipped NextN blocks (``ModelArchitecture/llamaCppNGL(_:)``).
    public var gpuLayers: Int
    public var totalLayers: Int
    /// Free bytes left on the tightest device after the run (negative: short by that much).
    public var headroomBytes: Int64
    /// Plain sentences explaining the verdict.
    public var notes: [String]
}

/// The whole answer for one (model, hardware, settings): memory by device and component, the fit,
/// speed ranges with their evidence.
///
/// ```swift
/// let e = try Planner.plan(profile: profile, system: system, settings: RunSettings(context: 4096))
/// e.fit.tier          // .comfortable
/// e.decode.expected   // tokens per second
/// ```
public struct Estimate: Sendable, Hashable {
    public var profile: ModelProfile
    public var system: TargetSystem
    public var settings: RunSettings
    public var usage: MemoryUsage
    public var fit: Fit
    public var decode: SpeedRange
    public var prefill: SpeedRange
    public var evidence: Evidence
}

/// Chooses the placement (like llama.cpp's `--fit`) and assembles the ``Estimate``.
public enum Planner {
    /// Free memory kept on each GPU, as llama.cpp's `--fit` keeps by default (`--fit-target 1024` MiB).
    public static let margin: UInt64 = 1024 * 1_048_576
    /// Below this decode speed a run that fits is still only "with tradeoffs".
    public static let comfortableDecodeTPS = 10.0

    public static func plan(profile p: ModelProfile, system requested: TargetSystem, settings requestedSettings: RunSettings) throws -> Estimate {
        var s = requestedSettings
        try s.validate(for: p)
        try RuntimeRules.check(s.runtime, system: requested, profile: p)
        let system = RuntimeRules.adjusted(requested, for: s.runtime)
        let n = p.architecture.layers
        var notes: [String] = []
        func fits(_ u: MemoryUsage, margin m: UInt64) -> Bool {
            for (i, g) in u.gpus.enumerated() where g.total + m > system.gpus[i].usableBytes { return false }
            return true
        }
        var gpuLayers = 0
        var tight = false
        if system.gpus.isEmpty {
            // A CPU-only machine: the margin applies to RAM.
            let u = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: 0)
            tight = u.host.total - u.host.repack + margin > system.hostUsableBytes
        }
        if let requested = s.gpuLayers {
            gpuLayers = system.gpus.isEmpty ? 0 : min(p.architecture.gpuLayers(fromNGL: requested), n + 1)
            let u = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: gpuLayers)
            if !fits(u, margin: 0) {
                notes.append("-ngl \(requested) does not fit: the GPU would need more memory than it has; let the planner choose instead")
            }
            tight = !fits(u, margin: margin)
        } else if !system.gpus.isEmpty {
            let full = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: n + 1)
            if fits(full, margin: margin) {
                gpuLayers = n + 1
            } else if fits(full, margin: 0) {
                gpuLayers = n + 1
                tight = true
                notes.append("fits on the GPU with less than the 1 GiB llama.cpp's --fit keeps free: close other GPU programs, or lower the context")
            } else {
                // Largest -ngl that keeps the margin (usage grows with every layer offloaded).
                var lo = 0, hi = n
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if fits(MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: mid), margin: margin) { lo = mid } else { hi = mid - 1 }
                }
                gpuLayers = lo
                // A mixture of experts may do better with every layer on the GPU and only some layers' routed experts in
                // RAM (llama.cpp's --n-cpu-moe): decode then reads only the active experts from RAM.
                if let offload = expertOffload(p, system: system, settings: s, layerPlan: gpuLayers, fits: { fits($0, margin: margin) }) {
                    s.cpuMoELayers = offload
                    gpuLayers = n + 1
                }
            }
        }
        let usage = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: gpuLayers)
        var placement = Placement(gpuLayers: gpuLayers, totalLayers: n + 1, hasGPU: !system.gpus.isEmpty)
        if s.cpuMoELayers > 0 && placement == .gpu { placement = .partial }

        // Headroom on the tightest device, and whether the host holds its part.
        var headroom = Int64.max
        for (i, g) in usage.gpus.enumerated() where g.layers > 0 || g.total > 0 {
            headroom = min(headroom, Int64(system.gpus[i].usableBytes) - Int64(g.total))
        }
        // Steady state: once repacked, the file's pages of those tensors are clean page cache the OS drops
        // under pressure, so the fit counts the repacked copy but not its original (the peak counts both).
        let steadyHost = usage.host.total - usage.host.repack
        let hostNeed = system.unifiedMemory ? usage.total - usage.host.repack : steadyHost
        let hostRoom = Int64(system.hostUsableBytes) - Int64(hostNeed)
        if placement != .gpu || system.unifiedMemory { headroom = min(headroom, hostRoom) }
        if headroom == .max { headroom = hostRoom }
        let fitsHost = hostRoom >= 0

        var (decode, prefill) = SpeedModel.expected(profile: p, system: system, settings: s, usage: usage)
        let runtime = RuntimeRules.notes(s.runtime, placement: placement, system: system, settings: s)
        let tier: FitTier
        if runtime.refuses {
            tier = .wontRun
            decode = 0; prefill = 0
        } else if !fitsHost {
            tier = .wontRun
            decode = 0; prefill = 0
            let need = Double(hostNeed) / 1_073_741_824, have = Double(system.hostUsableBytes) / 1_073_741_824
            notes.append(String(format: "needs %.1f GiB of system memory beyond the GPU, but only %.1f GiB is usable: choose a smaller quantisation or context, or more memory", need, have))
        } else if (placement == .gpu || system.gpus.isEmpty) && !tight && decode >= comfortableDecodeTPS {
            tier = .comfortable
        } else {
            tier = .tradeoffs
            if placement == .partial && s.cpuMoELayers == 0 {
                notes.append("\(gpuLayers) of \(n + 1) layers fit on the GPU; the rest run from system RAM, which bounds the speed")
            }
            if placement == .cpu && !system.gpus.isEmpty {
                notes.append("not even one layer fits on the GPU with its context; it runs on the CPU")
            }
            if decode < comfortableDecodeTPS {
                notes.append(String(format: "about %.1f tokens/s: usable for batch work, slow for chat", decode))
            }
        }
        if usage.host.repack > 0 {
            notes.append(String(format: "the CPU backend repacks %.1f GiB of weights: %.1f GiB of RAM at the peak while loading, %.1f GiB once the file's pages are dropped",
                                Double(usage.host.repack) / 1_073_741_824, Double(usage.host.total) / 1_073_741_824, Double(steadyHost) / 1_073_741_824))
        }
        if system.selection?.device.kind == .apple, let gpu = system.gpus.first {
            notes.append(String(format: "macOS lets the GPU use %.1f of %.0f GiB (recommendedMaxWorkingSetSize); `sudo sysctl iogpu.wired_limit_mb=N` raises it",
                                Double(gpu.usableBytes) / 1_073_741_824, Double(gpu.memoryBytes) / 1_073_741_824))
        }
        notes += runtime.notes
        // llama.cpp compares each sequence's share of the context (-c ÷ -np) with the trained length.
        let trained = p.architecture.contextLength, perSequence = s.context / max(1, s.parallel)
        if trained > 0, perSequence > trained {
            let asked = s.parallel > 1 ? "\(perSequence) tokens of context per sequence (\(s.context) over \(s.parallel))" : "\(s.context) tokens of context"
            notes.append("\(asked) is beyond the \(trained) \(p.name) was trained for: llama.cpp allocates it (the memory above) and warns n_ctx_per_seq > n_ctx_train, but what it writes past \(trained) tokens is unreliable; ask for at most \(trained)\(s.parallel > 1 ? " per sequence" : "")")
        }
        if s.cpuMoELayers > 0 {
            notes.append("the routed experts of the first \(s.cpuMoELayers) of \(n) layers stay in system RAM (llama.cpp --n-cpu-moe \(s.cpuMoELayers)); attention, the shared expert and the KV cache are on the GPU: decode reads only the active experts from RAM, and prefill copies those experts to the GPU over PCIe for each batch")
        }
        if let r = p.architecture.recurrent {
            let a = p.architecture
            let kind = switch r.kind { case .mamba2: "Mamba-2"; case .mamba: "Mamba"; case .gatedDeltaNet: "linear-attention (gated delta-net)" }
            notes.append(String(format: "hybrid model: %d of %d layers are %@ and keep a fixed %.1f MiB of f32 state per sequence instead of a KV cache (counted with the KV cache; the cache type does not change it); the KV cache grows only with the %d attention layers",
                                a.recurrentLayerCount, a.layers, kind, Double(a.recurrentStateBytes(sequences: 1)) / 1_048_576, a.layers - a.recurrentLayerCount))
        } else if let from = p.architecture.kvLayersFromStart, from < p.architecture.layers {
            notes.append("only the first \(from) of \(p.architecture.layers) layers keep a KV cache; the others read an earlier layer's (shared KV)")
        }
        if system.gpus.count > 1 {
            notes.append("\(system.gpus.count) cards are not one pool: each holds its own layers, KV cache and compute buffer, and decode runs through them in turn")
        }
        func range(_ x: Double, prefill: Bool = false) -> SpeedRange {
            let u = SpeedModel.band(placement: tier == .wontRun ? .none : placement, backend: system.gpus.first?.backend, prefill: prefill)
            return SpeedRange(low: round1(x * (1 - u)), expected: round1(x), high: round1(x * (1 + u)))
        }
        let fit = Fit(tier: tier, placement: tier == .wontRun ? .none : placement, gpuLayers: gpuLayers, totalLayers: n + 1,
                      headroomBytes: headroom, notes: notes)
        return Estimate(profile: p, system: system, settings: s, usage: usage, fit: fit,
                        decode: range(decode), prefill: range(prefill, prefill: true), evidence: .estimated)
    }

    static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    /// The fewest layers whose routed experts must stay in RAM for every layer to fit on the GPU(s), when that decodes
    /// faster than offloading `layerPlan` whole layers; nil for dense models, a forced `-ngl`, or when it does not fit.
    static func expertOffload(_ p: ModelProfile, system: TargetSystem, settings s: RunSettings, layerPlan: Int,
                              fits: (MemoryUsage) -> Bool) -> Int? {
        let n = p.architecture.layers
        guard p.architecture.moe != nil, s.gpuLayers == nil, s.cpuMoELayers == 0, !system.gpus.isEmpty, !system.unifiedMemory,
              p.weights.layerExpertBytes.contains(where: { $0 > 0 }) else { return nil }
        func usage(_ k: Int) -> MemoryUsage {
            var t = s
            t.cpuMoELayers = k
            return MemoryModel.usage(profile: p, system: system, settings: t, gpuLayers: n + 1)
        }
        guard fits(usage(n)) else { return nil }
        var lo = 1, hi = n
        while lo < hi {
            let mid = (lo + hi) / 2
            if fits(usage(mid)) { hi = mid } else { lo = mid + 1 }
        }
        var t = s
        t.cpuMoELayers = lo
        let offload = SpeedModel.expected(profile: p, system: system, settings: t, usage: usage(lo)).decode
        let layers = SpeedModel.expected(profile: p, system: system, settings: s,
                                         usage: MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: layerPlan)).decode
        return offload > layers ? lo : nil
    }
}

