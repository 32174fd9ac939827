import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAIApp
import RunLocalAICore

/// Gathers this machine's probe outputs (files and tools, each tool with a timeout) for
/// ``SystemDetector``; the parsing itself lives in RunLocalAICore and is tested on recordings.
enum SystemProbe {
    static func gather() async -> ProbeOutputs {
        #if os(macOS)
        async let sysctl = ProcessRunner.run("/usr/sbin/sysctl", AppleProbe.sysctlKeys, timeout: 5)
        async let displays = ProcessRunner.run("/usr/sbin/system_profiler", ["SPDisplaysDataType", "-json"], timeout: 30)
        async let swVers = ProcessRunner.run("/usr/bin/sw_vers", [], timeout: 5)
        return ProbeOutputs(platform: .macOS, sysctl: await sysctl, systemProfilerDisplays: await displays, swVers: await swVers)
        #else
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        var supplies: [String] = []
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/power_supply") {
            supplies = names.compactMap { read("/sys/class/power_supply/\($0)/type") }
        }
        async let lscpu = ProcessRunner.run("lscpu", [], timeout: 5, environment: ["LC_ALL": "C", "PATH": pathEnv])
        async let nvidia = ProcessRunner.run("nvidia-smi", NvidiaSMI.arguments, timeout: 15)
        async let rocm = ProcessRunner.run("rocm-smi", ROCmSMI.arguments, timeout: 15)
        async let amd = ProcessRunner.run("amd-smi", AMDSMI.arguments, timeout: 15)
        async let udev = ProcessRunner.run("udevadm", ["info", "--query=property", "--path=/sys/devices/virtual/dmi/id"], timeout: 5)
        // dmidecode reads /dev/mem or the SMBIOS tables: only root may; don't try (or prompt for sudo) otherwise.
        let dmidecode: ToolOutput? = geteuid() == 0 ? await ProcessRunner.run("dmidecode", ["-t", "memory"], timeout: 5) : nil
        return ProbeOutputs(platform: .linux, cpuinfo: read("/proc/cpuinfo"), meminfo: read("/proc/meminfo"),
                            osRelease: read("/etc/os-release") ?? read("/usr/lib/os-release"), kernel: kernelRelease(),
                            chassisType: read("/sys/class/dmi/id/chassis_type"), powerSupplyTypes: supplies,
                            drmCards: SysfsCard.read(root: "/sys/class/drm"), lscpu: await lscpu, nvidiaSMI: await nvidia,
                            rocmSMI: await rocm, amdSMI: await amd, udevDMI: await udev, dmidecodeMemory: dmidecode)
        #endif
    }

    static var pathEnv: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" }

    static func kernelRelease() -> String? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        return withUnsafeBytes(of: &u.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Detects this machine (gather + detect).
    static func detect(catalog: Catalog) async -> DetectedSystem {
        SystemDetector.detect(await gather(), catalog: catalog)
    }
}

/// The human report of a detection.
enum DetectReport {
    static func gib(_ b: UInt64) -> String { String(format: "%.1f GiB", Double(b) / 1_073_741_824) }

    static func text(_ d: DetectedSystem, catalog: Catalog) -> String {
        var lines: [String] = []
        var cpu = "\(d.cpu.model): \(d.cpu.cores) cores, \(d.cpu.threads) threads"
        if let s = d.cpu.simd { cpu += ", \(s.uppercased())" }
        if let mhz = d.cpu.maxMHz { cpu += String(format: ", %.2f GHz", mhz / 1000) }
        if d.cpu.virtualMachine { cpu += " (virtual machine)" }
        lines.append("CPU      \(cpu)")
        lines.append("         catalog: \(d.cpu.catalogID ?? "none (\(d.cpu.catalogReason ?? "no match"))")")
        var mem = "\(gib(d.memory.totalBytes)) total"
        if let a = d.memory.availableBytes { mem += ", \(gib(a)) available" }
        lines.append("Memory   \(mem)")
        lines.append(String(format: "         %.1f GB/s for the CPU: %@", d.memory.bandwidthGBs, d.memory.bandwidthSource))
        if let c = d.memory.classID { lines.append("         catalog class: \(c)") }
        if d.gpus.isEmpty {
            lines.append("GPUs     none found: llama.cpp will run on the CPU")
        }
        for (i, g) in d.gpus.enumerated() {
            var s = "\(g.name)"
            if let m = g.memoryBytes { s += ", \(gib(m))" + (g.integrated ? " addressable" : "") }
            if let f = g.memoryFreeBytes { s += " (\(gib(f)) free)" }
            s += ", \(g.backend.displayName)"
            if let drv = g.driver { s += ", driver \(drv)" }
            if g.integrated { s += ", integrated" }
            lines.append("\(i == 0 ? "GPUs     " : "         ")\(s)  [\(g.source)]")
            if let id = g.catalogID {
                lines.append("           catalog: \(id)" + (g.catalogMemoryGiB.map { " (\(Int($0)) GB variant)" } ?? ""))
            } else {
                lines.append("           catalog: none (\(g.catalogReason ?? "no match"))")
            }
        }
        lines.append("OS       \(d.os)")
        lines.append("Form     \(d.form.kind) (\(d.form.evidence))")
        let (system, planNotes) = d.targetSystem(catalog: catalog)
        let plannedAs: String
        if system.gpus.isEmpty {
            plannedAs = String(format: "CPU only: %@ RAM, %.1f GB/s, %.2f TFLOPS FP32 peak", gib(system.host.ramBytes), system.host.bandwidthGBs,
                               system.host.fp32TFLOPS)
        } else {
            plannedAs = system.gpus.map { "\($0.name) (\(gib($0.usableBytes)) usable, \($0.backend.displayName))" }.joined(separator: " + ")
                + (system.unifiedMemory ? " (unified memory)" : " + \(gib(system.host.ramBytes)) RAM")
        }
        lines.append("Plans as \(plannedAs)")
        let ids = d.hardwareIDs
        lines.append("Hardware ids for benchmarks: \(ids.isEmpty ? "none" : ids.joined(separator: ", "))\(d.hardwareCount > 1 ? " ×\(d.hardwareCount)" : "")")
        let tried = d.probes.map { p in p.status == "ok" ? "\(p.name) ok" : "\(p.name) \(p.status)" + (p.message.map { ": \($0)" } ?? "") }
        lines.append("")
        lines.append("Probes:")
        for t in tried { lines.append("  \(t)") }
        let notes = d.notes + planNotes.filter { !d.notes.contains($0) }
        if !notes.isEmpty {
            lines.append("")
            for n in notes { lines.append("Note: \(n)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension SystemProbe {
    /// This machine for the answer service: detected, matched to the catalog, planned with its own RAM, CPU
    /// memory bandwidth and cores.
    static func localMachine(catalog: Catalog) async -> LocalMachine {
        let detected = await detect(catalog: catalog)
        let (system, notes) = detected.targetSystem(catalog: catalog)
        let gib = Double(detected.memory.totalBytes) / 1_073_741_824
        var parts = ["\(detected.cpu.model) (\(detected.cpu.cores) cores)", String(format: "%.0f GiB RAM at %.0f GB/s", gib, detected.memory.bandwidthGBs)]
        if !system.gpus.isEmpty { parts.insert(system.gpus.map(\.name).joined(separator: " + "), at: 0) }
        return LocalMachine(system: system, description: parts.joined(separator: ", "), notes: notes)
    }
}
