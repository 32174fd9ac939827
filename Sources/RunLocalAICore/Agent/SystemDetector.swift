import Foundation

/// Turns the raw probe outputs of one machine into a ``DetectedSystem``: a pure function, so every
/// branch is tested on recorded outputs of the real tools (`Tests/Fixtures/agent/`).
///
/// ```swift
/// let outputs = ProbeOutputs(platform: .linux, cpuinfo: cpuinfo, meminfo: meminfo, nvidiaSMI: smi)
/// let system = SystemDetector.detect(outputs, catalog: catalog)
/// system.gpus.first?.catalogID   // "rtx-3060-12gb"
/// ```
public enum SystemDetector {
    public static func detect(_ p: ProbeOutputs, catalog: Catalog) -> DetectedSystem {
        var probes: [DetectedSystem.Probe] = []
        var notes: [String] = []
        func record(_ name: String, _ r: GPUProbeResult) {
            probes.append(.init(name: name, status: r.status, message: r.message))
        }

        // CPU and RAM.
        var cpu = CPUReading()
        var totalRAM: UInt64?
        var availableRAM: UInt64?
        var appleValues: [String: String] = [:]
        switch p.platform {
        case .linux:
            if let t = p.cpuinfo { cpu = LinuxProbe.cpuinfo(t); probes.append(.init(name: "/proc/cpuinfo", status: "ok")) }
            else { probes.append(.init(name: "/proc/cpuinfo", status: "not-found")) }
            if let l = p.lscpu {
                if l.succeeded { cpu.merge(LinuxProbe.lscpu(l.stdout)); probes.append(.init(name: "lscpu", status: "ok")) }
                else { probes.append(.init(name: "lscpu", status: l.status == .notFound ? "not-found" : "failed", message: l.failureReason(tool: "lscpu"))) }
                // lscpu knows the socket/core topology better than cpuinfo inside some VMs; prefer its core count.
                if l.succeeded, let c = LinuxProbe.lscpu(l.stdout).cores { cpu.cores = c }
            }
            if let m = p.meminfo {
                (totalRAM, availableRAM) = LinuxProbe.meminfo(m)
                probes.append(.init(name: "/proc/meminfo", status: totalRAM == nil ? "failed" : "ok",
                                    message: totalRAM == nil ? "no MemTotal line" : nil))
            } else { probes.append(.init(name: "/proc/meminfo", status: "not-found")) }
        case .macOS:
            if let s = p.sysctl, s.status == .exited, !s.stdout.isEmpty {
                appleValues = AppleProbe.sysctlValues(s.stdout)
                probes.append(.init(name: "sysctl", status: "ok"))
            } else {
                probes.append(.init(name: "sysctl", status: "failed", message: p.sysctl?.failureReason(tool: "sysctl") ?? "sysctl not run"))
            }
            cpu.model = appleValues["machdep.cpu.brand_string"]
            let perf = appleValues["hw.perflevel0.physicalcpu"].flatMap { Int($0) }
            let eff = appleValues["hw.perflevel1.physicalcpu"].flatMap { Int($0) }
            cpu.cores = appleValues["hw.physicalcpu"].flatMap { Int($0) } ?? perf.map { $0 + (eff ?? 0) }
            cpu.threads = appleValues["hw.logicalcpu"].flatMap { Int($0) } ?? cpu.cores
            cpu.architecture = "arm64"
            cpu.vendor = "Apple"
            totalRAM = appleValues["hw.memsize"].flatMap { UInt64($0) }
        }
        let cpuName = cpu.model ?? "unknown CPU"
        var cpuMatch = HardwareMatcher.Match(id: nil, memoryGiB: nil, reason: "the CPU model could not be read")
        if let model = cpu.model {
            cpuMatch = HardwareMatcher.match(name: model, memoryBytes: nil, catalog: catalog, kinds: [.cpu])
        }
        if cpu.virtualMachine {
            notes.append("this is a virtual machine: the host's memory bandwidth and cores are shared, so measured speed can be below the plan")
        }

        // GPUs.
        var readings: [(GPUReading, Backend)] = []
        switch p.platform {
        case .linux:
            var covered = Set<String>()
            if let out = p.nvidiaSMI {
                let r = NvidiaSMI.parse(out)
                record("nvidia-smi", r)
                if r.status == "ok" { covered.insert("0x10de") }
                readings += r.gpus.map { ($0, .cuda) }
            }
            var amdTool = false
            if let out = p.rocmSMI {
                let r = ROCmSMI.parse(out)
                record("rocm-smi", r)
                if r.status == "ok" && !r.gpus.isEmpty { amdTool = true; readings += r.gpus.map { ($0, .rocm) } }
            }
            if !amdTool, let out = p.amdSMI {
                let r = AMDSMI.parse(out)
                record("amd-smi", r)
                if r.status == "ok" && !r.gpus.isEmpty { amdTool = true; readings += r.gpus.map { ($0, .rocm) } }
            }
            if amdTool { covered.insert("0x1002") }
            let sys = SysfsGPUs.parse(p.drmCards, skipVendors: covered)
            probes.append(.init(name: "/sys/class/drm", status: p.drmCards.isEmpty ? "not-found" : "ok",
                                message: p.drmCards.isEmpty ? "no DRM devices (no GPU driver loaded, or a container without /sys/class/drm)" : nil))
            for g in sys.gpus {
                let backend: Backend = g.vendor == "NVIDIA" ? .cuda : .vulkan
                readings.append((g, backend))
            }
        case .macOS:
            if let out = p.systemProfilerDisplays {
                let r = AppleProbe.parseDisplays(out, memoryBytes: totalRAM)
                record("system_profiler", r)
                readings += r.gpus.map { ($0, $0.vendor == "Apple" ? .metal : .metal) }
            }
        }

        var gpus: [DetectedSystem.GPU] = []
        var laptopGPU = false
        for (g, backend) in readings {
            if g.name.contains("Laptop GPU") { laptopGPU = true }
            var m: HardwareMatcher.Match
            if g.source == "sysfs" && g.vendor == "NVIDIA" {
                m = .init(id: nil, memoryGiB: nil, reason: "NVIDIA card seen in sysfs only: nvidia-smi (the NVIDIA driver) is needed to name it and read its memory")
            } else if g.integrated && g.vendor != "Apple" {
                // An iGPU is named by its CPU ("Ryzen AI Max+ 395 w/ Radeon 8060S"); its memory is the machine's RAM.
                let physical = (totalRAM ?? 0) + (g.memoryBytes.map { $0 > (g.gttBytes ?? 0) ? $0 - (g.gttBytes ?? 0) : 0 } ?? 0)
                m = HardwareMatcher.match(name: cpuName, memoryBytes: physical > 0 ? physical : nil, catalog: catalog, kinds: [.soc])
                if m.id == nil {
                    m.reason = "integrated GPU (\(g.name)) of '\(cpuName)' is not in the catalog; planned as CPU-only"
                }
            } else {
                m = HardwareMatcher.match(name: g.name, candidates: g.candidateNames, memoryBytes: g.memoryBytes, catalog: catalog,
                                          gpuCores: g.vendor == "Apple" ? g.gpuCores : nil)
            }
            var b = backend
            if let id = m.id, let d = catalog.device(id: id), !d.backends.isEmpty, !d.backends.contains(b) {
                b = d.backends.contains(.vulkan) ? .vulkan : d.backends[0]
            }
            gpus.append(.init(name: g.name, memoryBytes: g.memoryBytes, backend: b, catalogID: m.id, catalogMemoryGiB: m.memoryGiB,
                              catalogReason: m.reason, vendor: g.vendor, memoryFreeBytes: g.memoryFreeBytes, driver: g.driver,
                              pciBusID: g.pciBusID, integrated: g.integrated, gttBytes: g.gttBytes, gpuCores: g.gpuCores, source: g.source))
        }
        for g in gpus where g.catalogID == nil {
            notes.append("GPU '\(g.name)' is left out of plans: \(g.catalogReason ?? "not matched")")
        }

        // Memory bandwidth of the CPU side.
        var estimate: MemoryBandwidth.Estimate
        let udev = p.udevDMI.flatMap { $0.succeeded ? LinuxProbe.udevMemoryDevices($0.stdout) : nil } ?? []
        let dmi = p.dmidecodeMemory.flatMap { $0.succeeded ? LinuxProbe.dmidecodeMemoryDevices($0.stdout) : nil } ?? []
        if let u = p.udevDMI { probes.append(.init(name: "udevadm (memory slots)", status: udev.isEmpty ? (u.status == .notFound ? "not-found" : "failed") : "ok",
                                                   message: udev.isEmpty ? (u.failureReason(tool: "udevadm") ?? "no MEMORY_DEVICE properties") : nil)) }
        if let d = p.dmidecodeMemory { probes.append(.init(name: "dmidecode -t memory", status: dmi.isEmpty ? (d.status == .notFound ? "not-found" : "failed") : "ok",
                                                           message: dmi.isEmpty ? (d.failureReason(tool: "dmidecode") ?? "no memory devices listed") : nil)) }
        let unified = gpus.first { $0.integrated && $0.catalogID != nil }.flatMap { catalog.device(id: $0.catalogID!) }
        if let soc = unified, soc.kind == .apple || soc.kind == .soc {
            estimate = .init(type: soc.memoryType, speedMTs: soc.dataRateGbps.map { Int($0 * 1000) }, channels: soc.busWidthBits.map { $0 / 64 },
                             peakGBs: soc.bandwidthGBs, source: "unified memory of \(soc.displayName) (catalog: \(soc.bandwidthGBs) GB/s)")
        } else if let e = MemoryBandwidth.fromDevices(udev) ?? MemoryBandwidth.fromDevices(dmi) {
            estimate = e
        } else {
            estimate = MemoryBandwidth.fromCPU(cpu, totalRAMBytes: totalRAM)
            notes.append("memory type and speed could not be read (no memory-slot data from udevadm, and dmidecode needs root), so the CPU's bandwidth is \(estimate.source.replacingOccurrences(of: "; the memory slots could not be read", with: ""))")
        }
        let cores = cpu.cores ?? cpu.threads ?? 1
        var bandwidth = estimate.peakGBs
        var bandwidthSource = estimate.source
        let cap = Double(cores) * MemoryBandwidth.perCoreGBs
        if cap < bandwidth && unified == nil {
            bandwidth = cap
            bandwidthSource += String(format: "; capped at %.0f GB/s: %d core(s) × %.0f GB/s a core can stream", cap, cores, MemoryBandwidth.perCoreGBs)
        }
        let memoryClass = MemoryBandwidth.catalogClass(estimate, catalog: catalog)

        // OS.
        var os = "unknown OS"
        switch p.platform {
        case .linux:
            let name = p.osRelease.flatMap(LinuxProbe.osRelease) ?? "Linux"
            os = p.kernel.map { "\(name), Linux \($0.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? name
        case .macOS:
            let v = p.swVers.flatMap { $0.succeeded ? AppleProbe.sysctlValues($0.stdout) : nil } ?? [:]
            os = [v["ProductName"] ?? "macOS", v["ProductVersion"], v["BuildVersion"].map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        }

        // Laptop or desktop.
        var form = DetectedSystem.FormFactor(kind: "unknown", evidence: "no chassis type, battery or laptop GPU found")
        if let c = p.chassisType, let kind = LinuxProbe.chassis(c) {
            form = .init(kind: kind, evidence: "DMI chassis type \(c.trimmingCharacters(in: .whitespacesAndNewlines))")
        } else if p.powerSupplyTypes.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "Battery" }) {
            form = .init(kind: "laptop", evidence: "a battery is present")
        } else if laptopGPU {
            form = .init(kind: "laptop", evidence: "the GPU is a Laptop GPU")
        } else if let model = appleValues["hw.model"] {
            form = model.hasPrefix("MacBook") ? .init(kind: "laptop", evidence: "Mac model \(model)")
                : .init(kind: "unknown", evidence: "Mac model \(model) does not say")
        }

        let detectedCPU = DetectedSystem.CPU(model: cpuName, cores: cores, threads: cpu.threads ?? cores, vendor: cpu.vendor,
                                             architecture: cpu.architecture ?? (cpu.flags.contains("lm") ? "x86_64" : nil), simd: cpu.simd,
                                             maxMHz: cpu.maxMHz, catalogID: cpuMatch.id, catalogReason: cpuMatch.reason,
                                             virtualMachine: cpu.virtualMachine)
        let memory = DetectedSystem.Memory(totalBytes: totalRAM ?? 0, availableBytes: availableRAM, type: estimate.type,
                                           speedMTs: estimate.speedMTs, channels: estimate.channels,
                                           bandwidthGBs: (bandwidth * 10).rounded() / 10, bandwidthSource: bandwidthSource,
                                           classID: memoryClass?.id)
        if totalRAM == nil { notes.append("total RAM could not be read; plans assume none") }
        return DetectedSystem(cpu: detectedCPU, memory: memory, gpus: gpus, os: os, form: form, probes: probes, notes: notes)
    }
}
