import Foundation

extension DetectedSystem {
    /// The machine as the planner sees it: matched GPUs with the memory their driver reported (not the
    /// catalog's nominal size) and the catalog's bandwidth and compute; the host with this machine's
    /// RAM, its memory bandwidth (``Memory/bandwidthGBs``) and a peak FP32 rate from its cores.
    /// A unified-memory machine (Apple silicon, Strix Halo, DGX Spark) is planned from its catalog entry
    /// at the detected memory size. GPUs that matched no catalog entry are left out (see `notes`).
    ///
    /// ```swift
    /// let (system, notes) = detected.targetSystem(catalog: catalog)
    /// let estimate = try Planner.plan(profile: profile, system: system, settings: RunSettings(context: 8192))
    /// ```
    public func targetSystem(catalog: Catalog) -> (system: TargetSystem, notes: [String]) {
        var notes: [String] = []
        let gib = 1_073_741_824.0
        let hostName = "\(cpu.model) (\(cpu.cores) cores), \(String(format: "%.0f", Double(memory.totalBytes) / gib)) GiB RAM"
        let host = TargetSystem.Host(ramGiB: Double(memory.totalBytes) / gib, bandwidthGBs: max(memory.bandwidthGBs, 1),
                                     fp32TFLOPS: hostFP32TFLOPS, name: hostName)
        for g in gpus where g.catalogID == nil {
            notes.append("\(g.name) is not planned on: \(g.catalogReason ?? "no catalog match")")
        }
        // Unified memory: the catalog entry at this machine's memory size.
        if let g = gpus.first(where: { $0.catalogID != nil && $0.integrated }), let d = catalog.device(id: g.catalogID!),
           d.kind == .apple || d.kind == .soc {
            let selection = HardwareSelection(device: d, count: 1, memoryGiB: g.catalogMemoryGiB ?? d.memoryChoicesGiB.max())
            var system = TargetSystem(selection, backend: g.backend)
            if d.kind == .soc, d.gpuMaxAllocGiB == nil, g.gttBytes != nil, let mem = g.memoryBytes, var gpu = system.gpus.first {
                // Linux reports what the iGPU may map (carve-out + GTT): use it when the catalog has no cap.
                gpu.usableBytes = min(gpu.memoryBytes, mem)
                system.gpus = [gpu]
            }
            return (system, notes)
        }
        let discrete = gpus.filter { $0.catalogID != nil && !$0.integrated }
        var planned: [TargetSystem.GPU] = []
        var devices: [HardwareDevice] = []
        for g in discrete {
            guard let d = catalog.device(id: g.catalogID!) else { continue }
            let memory = g.memoryBytes ?? UInt64((g.catalogMemoryGiB ?? d.memoryChoicesGiB.max() ?? 0) * gib)
            planned.append(TargetSystem.GPU(name: g.name, backend: g.backend, memoryBytes: memory, usableBytes: memory,
                                            bandwidthGBs: d.bandwidthGBs, fp16TFLOPS: d.fp16TensorTFLOPS ?? d.fp32TFLOPS ?? 1,
                                            unified: false, pcieGBs: TargetSystem.pcieBandwidth(d.pcie), fp32TFLOPS: d.fp32TFLOPS ?? 0))
            devices.append(d)
            if let free = g.memoryFreeBytes, free + (1 << 30) < memory {
                notes.append(String(format: "%@ has %.1f of %.1f GiB free now: other programs hold the rest, and the plan assumes it all",
                                    g.name, Double(free) / gib, Double(memory) / gib))
            }
        }
        if !planned.isEmpty {
            let same = Set(devices.map(\.id)).count == 1
            let selection = same ? HardwareSelection(device: devices[0], count: devices.count,
                                                    memoryGiB: discrete.first?.catalogMemoryGiB) : nil
            if !same { notes.append("different GPUs: planned as \(devices.map(\.id).joined(separator: " + "))") }
            return (TargetSystem(gpus: planned, host: host, selection: selection), notes)
        }
        // CPU only: the CPU's own entry, or its memory class, names it; the figures are this machine's.
        let id = cpu.catalogID ?? memory.classID
        let selection = id.flatMap { catalog.device(id: $0) }.map { HardwareSelection(device: $0, count: 1) }
        return (TargetSystem(gpus: [], host: host, selection: selection), notes)
    }

    /// Peak FP32 rate of the CPU: physical cores × clock × FP32 FLOP per cycle (AVX-512 64 on Intel, 32 on
    /// AMD (Zen 4 splits 512-bit work over 256-bit units), AVX2 32, AVX / NEON 16).
    public var hostFP32TFLOPS: Double {
        let ghz = (cpu.maxMHz ?? 3000) / 1000
        let perCycle: Double
        switch cpu.simd {
        case "avx512":
            perCycle = cpu.vendor == "AuthenticAMD" ? 32 : 64   // Zen 5's full-width units are under-counted here
        case "avx2": perCycle = 32
        default: perCycle = 16
        }
        return max(0.01, Double(cpu.cores) * ghz * perCycle / 1000)
    }
}
