/// The machine a model is planned onto: its GPUs (each with its own memory: never pooled unless it truly is)
/// and the host CPU with its RAM.
///
/// Build one from a catalog ``HardwareSelection``; the host defaults to a common desktop
/// (32 GiB dual-channel DDR4-3200) unless the selection is itself a CPU or unified-memory machine.
///
/// ```swift
/// let system = TargetSystem(selection, host: .init(ramGiB: 64, bandwidthGBs: 89.6))
/// system.gpus.count   // 2 for "2x RTX 3090"
/// ```
public struct TargetSystem: Sendable, Hashable {
    /// One accelerator's memory budget and speed.
    public struct GPU: Sendable, Hashable {
        public var name: String
        public var backend: Backend
        /// Physical memory of the device.
        public var memoryBytes: UInt64
        /// What the runtime may allocate on it (Apple's working-set cap, a SoC's GPU carve-out).
        public var usableBytes: UInt64
        public var bandwidthGBs: Double
        public var fp16TFLOPS: Double
        public var unified: Bool
        public var pcieGBs: Double
        /// The shader (non-tensor) FP32 rate, TFLOPS: what decode's matrix-vector kernels and dequantisation run
        /// on. 0 when the datasheet gives none (the speed model then takes half the FP16 rate).
        public var fp32TFLOPS: Double = 0
        /// Stacked high-bandwidth memory (``HardwareDevice/hasHBM``).
        public var hbm: Bool = false
    }
    /// The CPU side: RAM and how fast the CPU works through it.
    public struct Host: Sendable, Hashable {
        public var ramBytes: UInt64
        public var bandwidthGBs: Double
        public var fp32TFLOPS: Double
        public var name: String
        /// Cores the rates above are for (0: not stated); a run on fewer threads gets that share of them.
        public var cores: Int
        public init(ramGiB: Double = 32, bandwidthGBs: Double = 51.2, fp32TFLOPS: Double = 1.2,
                    name: String = "desktop CPU, dual-channel DDR4-3200", cores: Int = 0) {
            self.ramBytes = UInt64(ramGiB * 1_073_741_824); self.bandwidthGBs = bandwidthGBs
            self.fp32TFLOPS = fp32TFLOPS; self.name = name; self.cores = cores
        }

        /// The share of the CPU's compute and bandwidth a run on `threads` threads gets: threads ÷ cores (one
        /// thread per core drives its own vector units and its own memory requests), 1 when either is unknown.
        public func share(threads: Int?) -> Double {
            guard let threads, threads > 0, cores > 0 else { return 1 }
            return min(1, Double(threads) / Double(cores))
        }
    }

    public var gpus: [GPU]
    public var host: Host
    /// True when GPU and CPU share one physical memory (then `host.ramBytes` is that memory).
    public var unifiedMemory: Bool
    public var selection: HardwareSelection?

    public init(gpus: [GPU], host: Host, unifiedMemory: Bool = false, selection: HardwareSelection? = nil) {
        self.gpus = gpus; self.host = host; self.unifiedMemory = unifiedMemory; self.selection = selection
    }

    /// The system for a catalog selection. `host` overrides the assumed host for discrete GPUs.
    public init(_ s: HardwareSelection, host: Host? = nil, backend: Backend? = nil) {
        let d = s.device
        let gib = 1_073_741_824.0
        let memory = UInt64((s.memoryGiB ?? 0) * gib)
        if backend == .cpu && d.kind != .cpu {
            // The CPU backend named on a machine with a GPU: llama.cpp runs on the cores alone. A unified-memory
            // machine's CPU reads the same memory; a discrete card's host is the assumed (or given) desktop.
            if d.isUnifiedMemory {
                self.init(gpus: [], host: Host(ramGiB: Double(memory) / gib, bandwidthGBs: d.bandwidthGBs,
                                               fp32TFLOPS: TargetSystem.socCPUTFLOPS(d), name: d.displayName + " (CPU cores)",
                                               cores: d.cpuCores ?? 0),
                          unifiedMemory: true, selection: s)
            } else {
                self.init(gpus: [], host: host ?? Host(), selection: s)
            }
            return
        }
        switch d.kind {
        case .cpu:
            let ram = host?.ramBytes ?? UInt64((d.memoryGiB ?? 32) * gib)
            self.init(gpus: [], host: Host(ramGiB: Double(ram) / gib, bandwidthGBs: d.bandwidthGBs,
                                           fp32TFLOPS: d.fp32TFLOPS ?? 1.0, name: d.displayName, cores: d.cores ?? 0), selection: s)
        case .apple, .soc:
            let usable: UInt64
            if d.kind == .apple {
                usable = TargetSystem.metalWorkingSet(memoryBytes: memory)
            } else if let cap = d.gpuMaxAllocGiB {
                // The GPU carve-out (Strix Halo VGM / GTT) tops out at 3/4 of RAM and at the catalog's cap.
                usable = min(memory * 3 / 4, UInt64(cap * gib))
            } else {
                // No documented cap: the OS keeps 4 GiB and 5% (assumption, shown in the plan's notes).
                let reserve = UInt64(4 * gib) + memory / 20
                usable = memory > reserve ? memory - reserve : 0
            }
            let b = backend ?? TargetSystem.defaultBackend(d)
            let gpu = GPU(name: d.displayName, backend: b, memoryBytes: memory, usableBytes: usable,
                          bandwidthGBs: d.bandwidthGBs, fp16TFLOPS: d.fp16TensorTFLOPS ?? d.fp32TFLOPS ?? 1,
                          unified: true, pcieGBs: d.bandwidthGBs, fp32TFLOPS: d.fp32TFLOPS ?? 0)
            let cpuTF = TargetSystem.socCPUTFLOPS(d)
            self.init(gpus: [gpu], host: Host(ramGiB: Double(memory) / gib, bandwidthGBs: d.bandwidthGBs,
                                              fp32TFLOPS: cpuTF, name: d.displayName),
                      unifiedMemory: true, selection: s)
        case .gpu:
            let b = backend ?? TargetSystem.defaultBackend(d)
            let one = GPU(name: d.displayName, backend: b, memoryBytes: memory, usableBytes: memory,
                          bandwidthGBs: d.bandwidthGBs, fp16TFLOPS: d.fp16TensorTFLOPS ?? d.fp32TFLOPS ?? 1,
                          unified: false, pcieGBs: TargetSystem.pcieBandwidth(d.pcie), fp32TFLOPS: d.fp32TFLOPS ?? 0, hbm: d.hasHBM)
            self.init(gpus: Array(repeating: one, count: s.count), host: host ?? Host(), selection: s)
        }
    }

    /// A unified-memory chip's CPU FP32 rate: 0.1 TFLOPS per core (about 3 GHz × 32 FLOP per cycle, two 256-bit
    /// FMA pipes), at least 0.5; the catalog gives these chips' GPU rates, not their CPUs'.
    static func socCPUTFLOPS(_ d: HardwareDevice) -> Double { max(0.5, Double(d.cpuCores ?? 12) * 0.1) }

    /// macOS lets the GPU wire at most `recommendedMaxWorkingSetSize`: two thirds of RAM up to 32 GiB,
    /// three quarters above (values llama.cpp's Metal backend prints at start-up: 16 GiB → 10922.67 MB,
    /// 64 GiB → 49152 MB, 192 GiB → 147456 MB). `sudo sysctl iogpu.wired_limit_mb=N` raises it.
    public static func metalWorkingSet(memoryBytes: UInt64) -> UInt64 {
        memoryBytes <= 32 * 1_073_741_824 ? memoryBytes * 2 / 3 : memoryBytes * 3 / 4
    }

    static func defaultBackend(_ d: HardwareDevice) -> Backend {
        for b in [Backend.cuda, .metal, .rocm, .vulkan, .sycl] where d.backends.contains(b) { return b }
        return d.backends.first ?? .cpu
    }

    /// Host-to-device bandwidth of a PCIe link ("4.0 x16" → 31.5 GB/s per direction, ~80% usable).
    static func pcieBandwidth(_ link: String?) -> Double {
        guard let link else { return 25 }
        let parts = link.lowercased().split(whereSeparator: { $0 == " " || $0 == "x" }).compactMap { Double($0) }
        guard parts.count >= 2 else { return 25 }
        let perLane: [Double: Double] = [1: 0.25, 2: 0.5, 3: 0.985, 4: 1.969, 5: 3.938, 6: 7.563]
        return (perLane[parts[0]] ?? 1.969) * parts[1] * 0.8
    }

    /// Memory a run may use on the host: RAM less what the OS and desktop keep (2 GiB + 10%).
    public var hostUsableBytes: UInt64 {
        let reserve = 2 * 1_073_741_824 + host.ramBytes / 10
        return host.ramBytes > reserve ? host.ramBytes - reserve : 0
    }
}
