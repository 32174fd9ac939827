import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO

/// Gathers this machine's probe outputs (files and tools, each tool with a timeout) for
/// ``SystemDetector``; the parsing itself lives in RunLocalAICore and is tested on recordings.
public enum SystemProbe {
    public static func gather() async -> ProbeOutputs {
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

    public static var pathEnv: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" }

    public static func kernelRelease() -> String? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        return withUnsafeBytes(of: &u.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Detects this machine (gather + detect).
    public static func detect(catalog: Catalog) async -> DetectedSystem {
        SystemDetector.detect(await gather(), catalog: catalog)
    }
}

extension SystemProbe {
    /// This machine for the answer service: detected, matched to the catalog, planned with its own RAM, CPU
    /// memory bandwidth and cores.
    public static func localMachine(catalog: Catalog) async -> LocalMachine {
        let detected = await detect(catalog: catalog)
        let (system, notes) = detected.targetSystem(catalog: catalog)
        return LocalMachine(system: system, description: describe(detected, system: system), notes: notes)
    }

    /// "RTX 3090, AMD Ryzen 9 7950X (16 cores), 64 GiB RAM at 83 GB/s".
    public static func describe(_ detected: DetectedSystem, system: TargetSystem) -> String {
        let gib = Double(detected.memory.totalBytes) / 1_073_741_824
        var parts = ["\(detected.cpu.model) (\(detected.cpu.cores) cores)", String(format: "%.0f GiB RAM at %.0f GB/s", gib, detected.memory.bandwidthGBs)]
        if !system.gpus.isEmpty { parts.insert(system.gpus.map(\.name).joined(separator: " + "), at: 0) }
        return parts.joined(separator: ", ")
    }
}
