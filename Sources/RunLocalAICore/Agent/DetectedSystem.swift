/// What the local agent found on this machine: CPU, RAM, GPUs (each matched to a catalog id or
/// plainly not), OS, and the form factor, plus a record of every probe that was tried.
///
/// Built by ``SystemDetector/detect(_:catalog:)`` from the raw outputs of the real tools
/// (``ProbeOutputs``); `runlocalai detect --json` prints it. JSON keys are snake_case:
///
/// ```json
/// {"cpu": {"model": "AMD Ryzen 9 7950X 16-Core Processor", "cores": 16, "threads": 32, ...},
///  "memory": {"total_bytes": 67108864000, "available_bytes": 60129542144, ...},
///  "gpus": [{"name": "NVIDIA GeForce RTX 3060", "memory_bytes": 12884901888, "backend": "cuda",
///            "catalog_id": "rtx-3060-12gb"}],
///  "os": "Ubuntu 24.04.1 LTS, Linux 6.8.0-45-generic"}
/// ```
public struct DetectedSystem: Sendable, Codable, Hashable {
    public struct CPU: Sendable, Codable, Hashable {
        public var model: String
        /// Physical cores (all sockets).
        public var cores: Int
        /// Hardware threads the OS schedules on (logical CPUs).
        public var threads: Int
        public var vendor: String?
        public var architecture: String?
        /// Widest SIMD extension llama.cpp's CPU backend can use: "avx512", "avx2", "avx", "neon", or nil.
        public var simd: String?
        public var maxMHz: Double?
        /// The catalog's entry for this exact CPU, if it has one.
        public var catalogID: String?
        /// Why `catalog_id` is null (no such entry, or several could be meant).
        public var catalogReason: String?
        /// True inside a virtual machine (the `hypervisor` CPU flag).
        public var virtualMachine: Bool

        enum CodingKeys: String, CodingKey {
            case model, cores, threads, vendor, architecture, simd
            case maxMHz = "max_mhz", catalogID = "catalog_id", catalogReason = "catalog_reason", virtualMachine = "virtual_machine"
        }

        public init(model: String, cores: Int, threads: Int, vendor: String? = nil, architecture: String? = nil, simd: String? = nil,
                    maxMHz: Double? = nil, catalogID: String? = nil, catalogReason: String? = nil, virtualMachine: Bool = false) {
            self.model = model; self.cores = cores; self.threads = threads; self.vendor = vendor; self.architecture = architecture
            self.simd = simd; self.maxMHz = maxMHz; self.catalogID = catalogID; self.catalogReason = catalogReason
            self.virtualMachine = virtualMachine
        }
    }

    public struct Memory: Sendable, Codable, Hashable {
        public var totalBytes: UInt64
        /// What the OS says a new program can use without swapping (`MemAvailable`); nil where unknown.
        public var availableBytes: UInt64?
        /// "DDR5", "LPDDR5X", ... when the firmware tables were readable.
        public var type: String?
        /// Configured transfer rate (MT/s) when known.
        public var speedMTs: Int?
        /// 64-bit channels in use (estimated from the slots' locators), when known.
        public var channels: Int?
        /// Peak bandwidth the planner uses for the CPU (GB/s), and where it comes from.
        public var bandwidthGBs: Double
        public var bandwidthSource: String
        /// The catalog's CPU memory class nearest to this memory (`cpu-ddr5-5600-2ch`, ...).
        public var classID: String?

        enum CodingKeys: String, CodingKey {
            case type, channels
            case totalBytes = "total_bytes", availableBytes = "available_bytes", speedMTs = "speed_mts"
            case bandwidthGBs = "bandwidth_gbs", bandwidthSource = "bandwidth_source", classID = "class_id"
        }

        public init(totalBytes: UInt64, availableBytes: UInt64?, type: String? = nil, speedMTs: Int? = nil, channels: Int? = nil,
                    bandwidthGBs: Double, bandwidthSource: String, classID: String? = nil) {
            self.totalBytes = totalBytes; self.availableBytes = availableBytes; self.type = type; self.speedMTs = speedMTs
            self.channels = channels; self.bandwidthGBs = bandwidthGBs; self.bandwidthSource = bandwidthSource; self.classID = classID
        }
    }

    public struct GPU: Sendable, Codable, Hashable {
        public var name: String
        /// Memory the GPU can allocate: VRAM for a discrete card; for an integrated GPU its carve-out plus
        /// GTT (Linux) or the unified memory (Apple). Nil when no tool reported it.
        public var memoryBytes: UInt64?
        public var backend: Backend
        public var catalogID: String?
        /// Memory variant (GiB) of a multi-size catalog device (Apple silicon, Strix Halo).
        public var catalogMemoryGiB: Double?
        public var catalogReason: String?
        public var vendor: String?
        public var memoryFreeBytes: UInt64?
        public var driver: String?
        public var pciBusID: String?
        public var integrated: Bool
        public var gttBytes: UInt64?
        public var gpuCores: Int?
        /// Which probe found it ("nvidia-smi", "rocm-smi", "amd-smi", "sysfs", "system_profiler").
        public var source: String

        enum CodingKeys: String, CodingKey {
            case name, backend, vendor, driver, integrated, source
            case memoryBytes = "memory_bytes", catalogID = "catalog_id", catalogMemoryGiB = "catalog_memory_gib"
            case catalogReason = "catalog_reason", memoryFreeBytes = "memory_free_bytes", pciBusID = "pci_bus_id"
            case gttBytes = "gtt_bytes", gpuCores = "gpu_cores"
        }

        // Always write catalog_id (null when unmatched): the contract says so.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(memoryBytes, forKey: .memoryBytes)
            try c.encode(backend, forKey: .backend)
            try c.encode(catalogID, forKey: .catalogID)
            try c.encodeIfPresent(catalogMemoryGiB, forKey: .catalogMemoryGiB)
            try c.encodeIfPresent(catalogReason, forKey: .catalogReason)
            try c.encodeIfPresent(vendor, forKey: .vendor)
            try c.encodeIfPresent(memoryFreeBytes, forKey: .memoryFreeBytes)
            try c.encodeIfPresent(driver, forKey: .driver)
            try c.encodeIfPresent(pciBusID, forKey: .pciBusID)
            try c.encode(integrated, forKey: .integrated)
            try c.encodeIfPresent(gttBytes, forKey: .gttBytes)
            try c.encodeIfPresent(gpuCores, forKey: .gpuCores)
            try c.encode(source, forKey: .source)
        }

        public init(name: String, memoryBytes: UInt64?, backend: Backend, catalogID: String? = nil, catalogMemoryGiB: Double? = nil,
                    catalogReason: String? = nil, vendor: String? = nil, memoryFreeBytes: UInt64? = nil, driver: String? = nil,
                    pciBusID: String? = nil, integrated: Bool = false, gttBytes: UInt64? = nil, gpuCores: Int? = nil, source: String) {
            self.name = name; self.memoryBytes = memoryBytes; self.backend = backend; self.catalogID = catalogID
            self.catalogMemoryGiB = catalogMemoryGiB; self.catalogReason = catalogReason; self.vendor = vendor
            self.memoryFreeBytes = memoryFreeBytes; self.driver = driver; self.pciBusID = pciBusID; self.integrated = integrated
            self.gttBytes = gttBytes; self.gpuCores = gpuCores; self.source = source
        }
    }

    /// laptop / desktop / server / unknown, and the evidence.
    public struct FormFactor: Sendable, Codable, Hashable {
        public var kind: String
        public var evidence: String
    }

    /// One probe that was tried: `ok`, `not-found` (the tool or file is absent) or `failed` (with why).
    public struct Probe: Sendable, Codable, Hashable {
        public var name: String
        public var status: String
        public var message: String?
        public init(name: String, status: String, message: String? = nil) {
            self.name = name; self.status = status; self.message = message
        }
    }

    public var cpu: CPU
    public var memory: Memory
    public var gpus: [GPU]
    /// "Debian GNU/Linux 12 (bookworm), Linux 6.1.0-18-amd64", "macOS 14.5 (23F79)".
    public var os: String
    public var form: FormFactor
    public var probes: [Probe]
    /// Plain sentences about what could not be determined and what was assumed.
    public var notes: [String]

    public init(cpu: CPU, memory: Memory, gpus: [GPU], os: String, form: FormFactor, probes: [Probe], notes: [String]) {
        self.cpu = cpu; self.memory = memory; self.gpus = gpus; self.os = os; self.form = form; self.probes = probes; self.notes = notes
    }

    /// The catalog ids a benchmark on this machine is filed under: each matched GPU kind, else the CPU
    /// (its own entry or its memory class). Identical cards appear once (see ``hardwareCount``).
    public var hardwareIDs: [String] {
        let matched = gpus.compactMap(\.catalogID)
        if !matched.isEmpty {
            var seen = Set<String>()
            return matched.filter { seen.insert($0).inserted }
        }
        if let id = cpu.catalogID ?? memory.classID { return [id] }
        return []
    }

    /// How many of the first hardware id's device the machine has (2 for two RTX 3090s).
    public var hardwareCount: Int {
        guard let first = gpus.compactMap(\.catalogID).first else { return 1 }
        return gpus.filter { $0.catalogID == first }.count
    }
}

/// The raw output of one external tool, as the agent's process runner captured it.
public struct ToolOutput: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// Ran and exited (any exit code; see `exitCode`).
        case exited
        /// The executable is not installed / not on PATH.
        case notFound
        /// It could not be run or did not finish (timeout, crash); the message says which.
        case failed(String)
    }
    public var status: Status
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Status = .exited, exitCode: Int32 = 0, stdout: String = "", stderr: String = "") {
        self.status = status; self.exitCode = exitCode; self.stdout = stdout; self.stderr = stderr
    }

    public static let notFound = ToolOutput(status: .notFound, exitCode: 127)

    /// Exited with status 0.
    public var succeeded: Bool { status == .exited && exitCode == 0 }

    /// One line saying why the tool gave nothing usable (nil when it succeeded).
    public func failureReason(tool: String) -> String? {
        switch status {
        case .notFound: return "\(tool) not found"
        case .failed(let m): return "\(tool): \(m)"
        case .exited where exitCode != 0:
            let text = (stderr.isEmpty ? stdout : stderr).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return "\(tool) exited with status \(exitCode)" + (text.isEmpty ? "" : ": \(text.trimmingCharacters(in: .whitespaces))")
        case .exited: return nil
        }
    }
}

/// Everything the detector reads, gathered by the CLI (files and tool outputs), so that detection
/// itself is a pure function and is tested on recorded outputs.
public struct ProbeOutputs: Sendable {
    public enum Platform: String, Sendable { case linux, macOS }
    public var platform: Platform
    // Linux files.
    public var cpuinfo: String?
    public var meminfo: String?
    public var osRelease: String?
    public var kernel: String?
    /// `/sys/class/dmi/id/chassis_type`.
    public var chassisType: String?
    /// `type` file of each `/sys/class/power_supply/*`.
    public var powerSupplyTypes: [String]
    /// `/sys/class/drm/card*/device` files.
    public var drmCards: [SysfsCard]
    // Tools.
    public var lscpu: ToolOutput?
    public var nvidiaSMI: ToolOutput?
    public var rocmSMI: ToolOutput?
    public var amdSMI: ToolOutput?
    /// `udevadm info --query=property --path=/sys/devices/virtual/dmi/id` (memory slots, no root needed).
    public var udevDMI: ToolOutput?
    /// `dmidecode -t memory` (needs root; used when it worked).
    public var dmidecodeMemory: ToolOutput?
    // macOS.
    public var sysctl: ToolOutput?
    public var systemProfilerDisplays: ToolOutput?
    public var swVers: ToolOutput?

    public init(platform: Platform, cpuinfo: String? = nil, meminfo: String? = nil, osRelease: String? = nil, kernel: String? = nil,
                chassisType: String? = nil, powerSupplyTypes: [String] = [], drmCards: [SysfsCard] = [], lscpu: ToolOutput? = nil,
                nvidiaSMI: ToolOutput? = nil, rocmSMI: ToolOutput? = nil, amdSMI: ToolOutput? = nil, udevDMI: ToolOutput? = nil,
                dmidecodeMemory: ToolOutput? = nil, sysctl: ToolOutput? = nil, systemProfilerDisplays: ToolOutput? = nil,
                swVers: ToolOutput? = nil) {
        self.platform = platform; self.cpuinfo = cpuinfo; self.meminfo = meminfo; self.osRelease = osRelease; self.kernel = kernel
        self.chassisType = chassisType; self.powerSupplyTypes = powerSupplyTypes; self.drmCards = drmCards; self.lscpu = lscpu
        self.nvidiaSMI = nvidiaSMI; self.rocmSMI = rocmSMI; self.amdSMI = amdSMI; self.udevDMI = udevDMI
        self.dmidecodeMemory = dmidecodeMemory; self.sysctl = sysctl; self.systemProfilerDisplays = systemProfilerDisplays
        self.swVers = swVers
    }
}
