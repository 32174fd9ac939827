import Foundation
import RunLocalAIIO
import Testing
@testable import RunLocalAICore

/// The local agent's probes, run on recorded outputs of the real tools (`Tests/Fixtures/agent/`).
enum AgentFixtures {
    static let dir = TestSupport.fixtures.appendingPathComponent("agent")
    static func text(_ name: String) -> String {
        guard let s = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else {
            fatalError("missing fixture agent/\(name)")
        }
        return s
    }
    static func data(_ name: String) -> Data { Data(text(name).utf8) }
    static func tool(_ name: String, exit: Int32 = 0, stderr: String = "") -> ToolOutput {
        ToolOutput(status: .exited, exitCode: exit, stdout: text(name), stderr: stderr)
    }
    static func cards(_ name: String) -> [SysfsCard] { SysfsCard.read(root: dir.appendingPathComponent(name).path) }

    /// A Linux machine from fixtures; GPU tools default to "not installed".
    static func linux(cpuinfo: String = "cpuinfo-ryzen-9-7950x.txt", meminfo: String = "meminfo-ryzen-9-7950x-64gb.txt",
                      lscpu: String? = "lscpu-ryzen-9-7950x.txt", nvidia: ToolOutput = .notFound, rocm: ToolOutput = .notFound,
                      amd: ToolOutput = .notFound, sysfs: String? = nil, udev: String? = nil, chassis: String? = "3",
                      batteries: [String] = []) -> ProbeOutputs {
        ProbeOutputs(platform: .linux, cpuinfo: text(cpuinfo), meminfo: text(meminfo), osRelease: text("os-release-ubuntu-24.04.txt"),
                     kernel: "6.8.0-45-generic", chassisType: chassis, powerSupplyTypes: batteries,
                     drmCards: sysfs.map(cards) ?? [], lscpu: lscpu.map { tool($0) }, nvidiaSMI: nvidia, rocmSMI: rocm, amdSMI: amd,
                     udevDMI: udev.map { tool($0) } ?? .notFound, dmidecodeMemory: ToolOutput(status: .exited, exitCode: 1,
                        stderr: "/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\nScanning /dev/mem for entry point.\n/dev/mem: Permission denied\n"))
    }
}

@Suite("Agent: GPU probes on recorded tool output")
struct AgentGPUProbeTests {
    let c = TestSupport.catalog

    @Test("nvidia-smi, one card: RTX 3060 with 12288 MiB is the 12 GB card")
    func nvidiaOne() {
        let r = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-rtx3060-12gb.csv"))
        #expect(r.status == "ok")
        #expect(r.gpus.count == 1)
        #expect(r.gpus[0].name == "NVIDIA GeForce RTX 3060")
        #expect(r.gpus[0].memoryBytes == UInt64(12288) * 1_048_576)
        #expect(r.gpus[0].driver == "550.107.02")
        #expect(r.gpus[0].pciBusID == "00000000:01:00.0")
        let m = HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c)
        #expect(m.id == "rtx-3060-12gb")
    }

    @Test("nvidia-smi, several cards: each matched")
    func nvidiaSeveral() {
        let two = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-2x-rtx3090.csv"))
        #expect(two.gpus.count == 2)
        #expect(two.gpus.allSatisfy { HardwareMatcher.match(name: $0.name, memoryBytes: $0.memoryBytes, catalog: c).id == "rtx-3090" })
        let mixed = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-rtx4090-plus-rtx3060.csv"))
        #expect(mixed.gpus.map { HardwareMatcher.match(name: $0.name, memoryBytes: $0.memoryBytes, catalog: c).id } == ["rtx-4090", "rtx-3060-12gb"])
    }

    @Test("nvidia-smi failures: no driver, no devices, garbage, missing, timed out")
    func nvidiaFailures() {
        let noDriver = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-driver-failed.stdout", exit: 9))
        #expect(noDriver.status == "failed")
        #expect(noDriver.message?.contains("cannot talk to the NVIDIA driver") == true)
        let none = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-no-devices.stdout", exit: 6))
        #expect(none.status == "ok" && none.gpus.isEmpty)
        let garbage = NvidiaSMI.parse(ToolOutput(stdout: "Segmentation fault\n"))
        #expect(garbage.status == "failed")
        #expect(NvidiaSMI.parse(.notFound).status == "not-found")
        let slow = NvidiaSMI.parse(ToolOutput(status: .failed("timed out after 10 s and was stopped"), exitCode: -1))
        #expect(slow.status == "failed" && slow.message?.contains("timed out") == true)
    }

    @Test("Laptop GPU names match the laptop entry")
    func laptop() {
        let r = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-rtx4060-laptop.csv"))
        #expect(HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c).id == "rtx-4060-laptop")
    }

    @Test("nvidia-smi names the SXM5 H100 'H100 80GB HBM3' (the PCIe card says 'H100 PCIe'): it matches h100-sxm")
    func h100() {
        let r = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-h100-80gb-hbm3.csv"))
        let m = HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c)
        #expect(m.id == "h100-sxm", "\(m.reason ?? "")")
    }

    @Test("A card the catalog does not know (an engineering sample's 'Graphics Device') is not guessed")
    func unknownCard() {
        let r = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-unknown-graphics-device.csv"))
        let m = HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c)
        #expect(m.id == nil)
        #expect(m.reason != nil)
    }

    @Test("DGX Spark's GB10 reports no memory ([N/A]); the name alone matches")
    func gb10() {
        let r = NvidiaSMI.parse(AgentFixtures.tool("nvidia-smi-gb10-dgx-spark.csv"))
        #expect(r.gpus[0].memoryBytes == nil)
        #expect(HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: nil, catalog: c).id == "dgx-spark")
    }

    @Test("rocm-smi (ROCm 6 marketing name; ROCm 5 family names resolved by memory)")
    func rocm() {
        let six = ROCmSMI.parse(AgentFixtures.tool("rocm-smi-rx7900xtx-rocm6.json"))
        #expect(six.gpus.count == 1)
        #expect(six.gpus[0].memoryBytes == 25_753_026_560)
        #expect(HardwareMatcher.match(name: six.gpus[0].name, memoryBytes: six.gpus[0].memoryBytes, catalog: c).id == "rx-7900-xtx")
        // Navi 31 family: 24 GiB → XTX, 20 GiB → XT.
        let five = ROCmSMI.parse(AgentFixtures.tool("rocm-smi-navi31-rocm5.json"))
        #expect(five.gpus[0].candidateNames.contains("Radeon RX 7900 XTX"))
        let ids = five.gpus.map { HardwareMatcher.match(name: $0.name, candidates: $0.candidateNames, memoryBytes: $0.memoryBytes, catalog: c).id }
        #expect(ids == ["rx-7900-xtx", "rx-7900-xt"])
        // Navi 21 family: the RX 6800, 6800 XT and 6900 XT all have 16 GB: ambiguous, not guessed.
        let navi21 = ROCmSMI.parse(AgentFixtures.tool("rocm-smi-navi21-rocm5.json")).gpus[0]
        let m = HardwareMatcher.match(name: navi21.name, candidates: navi21.candidateNames, memoryBytes: navi21.memoryBytes, catalog: c)
        #expect(m.id == nil)
        #expect(m.reason?.contains("rx-6800-xt") == true)
        #expect(ROCmSMI.parse(AgentFixtures.tool("rocm-smi-no-json.stdout")).status == "failed")
    }

    @Test("amd-smi (list and gpu_data shapes, sizes as objects and strings)")
    func amdSMI() {
        let mi = AMDSMI.parse(AgentFixtures.tool("amd-smi-static-mi300x.json"))
        #expect(mi.gpus[0].memoryBytes == 196_592 * 1_048_576)
        #expect(mi.gpus[0].gpuCores == 304)
        #expect(HardwareMatcher.match(name: mi.gpus[0].name, memoryBytes: mi.gpus[0].memoryBytes, catalog: c).id == "instinct-mi300x")
        let xtx = AMDSMI.parse(AgentFixtures.tool("amd-smi-static-rx7900xtx-gpu-data.json"))
        #expect(xtx.gpus[0].memoryBytes == 24_560 * 1_048_576)
        #expect(HardwareMatcher.match(name: xtx.gpus[0].name, memoryBytes: xtx.gpus[0].memoryBytes, catalog: c).id == "rx-7900-xtx")
    }

    @Test("sysfs: AMD card by PCI id and VRAM; connectors skipped")
    func sysfsAMD() {
        let cards = AgentFixtures.cards("sysfs-amd-rx7900xtx")
        #expect(cards.map(\.card) == ["card1"])
        let r = SysfsGPUs.parse(cards)
        #expect(r.gpus.count == 1)
        #expect(r.gpus[0].pciBusID == "0000:03:00.0")
        #expect(!r.gpus[0].integrated)
        let g = r.gpus[0]
        #expect(HardwareMatcher.match(name: g.name, candidates: g.candidateNames, memoryBytes: g.memoryBytes, catalog: c).id == "rx-7900-xtx")
    }

    @Test("sysfs: Intel Arc A770 has no VRAM file, and the A770 comes in 8 and 16 GB: not guessed; B580 matches")
    func sysfsIntel() {
        let r = SysfsGPUs.parse(AgentFixtures.cards("sysfs-intel-arc-a770"))
        #expect(r.gpus.count == 1)   // the UHD 770 iGPU (0xa780) is not listed
        let m = HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c)
        #expect(m.id == nil)
        #expect(m.reason?.contains("arc-a770-16gb") == true)
        let b = SysfsGPUs.parse(AgentFixtures.cards("sysfs-intel-arc-b580")).gpus[0]
        #expect(HardwareMatcher.match(name: b.name, memoryBytes: nil, catalog: c).id == "arc-b580")
    }

    @Test("Apple: system_profiler's GPU core count and sysctl's memory pick the variant")
    func apple() {
        let values = AppleProbe.sysctlValues(AgentFixtures.text("sysctl-m2-max-64gb.txt"))
        #expect(values["hw.memsize"] == "68719476736")
        let r = AppleProbe.parseDisplays(AgentFixtures.tool("system-profiler-displays-m2-max-38c.json"), memoryBytes: 68_719_476_736)
        #expect(r.gpus[0].gpuCores == 38)
        let m = HardwareMatcher.match(name: r.gpus[0].name, memoryBytes: r.gpus[0].memoryBytes, catalog: c, gpuCores: 38)
        #expect(m.id == "apple-m2-max-38c")
        #expect(m.memoryGiB == 64)
    }

    @Test("Names with vendor decoration resolve to the CPU entry")
    func cpuNames() {
        #expect(HardwareMatcher.match(name: "AMD Ryzen 9 7950X 16-Core Processor", memoryBytes: nil, catalog: c, kinds: [.cpu]).id == "ryzen-9-7950x")
        #expect(HardwareMatcher.match(name: "12th Gen Intel(R) Core(TM) i7-12700K", memoryBytes: nil, catalog: c, kinds: [.cpu]).id == "core-i7-12700k")
        let epyc = HardwareMatcher.match(name: "AMD EPYC", memoryBytes: nil, catalog: c, kinds: [.cpu])
        #expect(epyc.id == nil)
        #expect(epyc.reason?.contains("ambiguous") == true)
    }
}

@Suite("Agent: host probes and the whole detection")
struct AgentHostTests {
    let c = TestSupport.catalog

    @Test("cpuinfo + lscpu: cores, threads, SIMD, clock")
    func cpu() {
        var r = LinuxProbe.cpuinfo(AgentFixtures.text("cpuinfo-ryzen-9-7950x.txt"))
        #expect(r.model == "AMD Ryzen 9 7950X 16-Core Processor")
        #expect(r.cores == 16 && r.threads == 32)
        #expect(r.simd == "avx512")
        r.merge(LinuxProbe.lscpu(AgentFixtures.text("lscpu-ryzen-9-7950x.txt")))
        let l = LinuxProbe.lscpu(AgentFixtures.text("lscpu-ryzen-9-7950x.txt"))
        #expect(l.maxMHz == 5881 && l.cores == 16 && l.threads == 32)
    }

    @Test("meminfo and os-release")
    func memAndOS() {
        let m = LinuxProbe.meminfo(AgentFixtures.text("meminfo-ryzen-9-7950x-64gb.txt"))
        #expect(m.total == 65_464_312 * 1024 && m.available == 59_871_024 * 1024)
        #expect(LinuxProbe.osRelease(AgentFixtures.text("os-release-ubuntu-24.04.txt")) == "Ubuntu 24.04.1 LTS")
        #expect(LinuxProbe.osRelease(AgentFixtures.text("os-release-fedora-41.txt")) == "Fedora Linux 41 (Workstation Edition)")
        #expect(LinuxProbe.chassis("10\n") == "laptop" && LinuxProbe.chassis("3") == "desktop" && LinuxProbe.chassis("2") == nil)
    }

    @Test("Memory slots: udev's DMI properties, dmidecode DIMMs and soldered LPDDR5")
    func slots() throws {
        let udev = LinuxProbe.udevMemoryDevices(AgentFixtures.text("udevadm-dmi-ddr5-6000-2x32gb.txt"))
        #expect(udev.count == 2)   // two empty slots skipped
        let e = try #require(MemoryBandwidth.fromDevices(udev))
        #expect(e.type == "DDR5" && e.speedMTs == 6000 && e.channels == 2)
        #expect(abs(e.peakGBs - 96) < 0.01)
        #expect(MemoryBandwidth.catalogClass(e, catalog: c)?.id == "cpu-ddr5-6000-2ch")
        let ddr4 = try #require(MemoryBandwidth.fromDevices(LinuxProbe.dmidecodeMemoryDevices(AgentFixtures.text("dmidecode-memory-ddr4-3200-4x16gb.txt"))))
        #expect(ddr4.channels == 2 && ddr4.speedMTs == 3200)   // four DIMMs, still two channels
        #expect(MemoryBandwidth.catalogClass(ddr4, catalog: c)?.id == "cpu-ddr4-3200-2ch")
        let lp = try #require(MemoryBandwidth.fromDevices(LinuxProbe.dmidecodeMemoryDevices(AgentFixtures.text("dmidecode-memory-lpddr5-7500-laptop.txt"))))
        #expect(lp.type == "LPDDR5" && lp.channels == 2 && abs(lp.peakGBs - 120) < 0.01)
    }

    @Test("Without readable slots, the class comes from the CPU generation")
    func byGeneration() {
        let zen4 = MemoryBandwidth.fromCPU(LinuxProbe.cpuinfo(AgentFixtures.text("cpuinfo-ryzen-9-7950x.txt")), totalRAMBytes: nil)
        #expect(zen4.type == "DDR5" && zen4.channels == 2)
        #expect(zen4.source.contains("assumed"))
        let genoa = MemoryBandwidth.fromCPU(LinuxProbe.cpuinfo(AgentFixtures.text("cpuinfo-epyc-2vcpu-kvm.txt")), totalRAMBytes: nil)
        #expect(genoa.channels == 12)
        #expect(MemoryBandwidth.intelGeneration("12th gen intel(r) core(tm) i5-12400") == 12)
        #expect(MemoryBandwidth.intelGeneration("intel(r) core(tm) i7-8700k cpu @ 3.70ghz") == 8)
    }

    @Test("Desktop with an RTX 3060 12GB, plans on exactly that")
    func desktop3060() {
        let d = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-rtx3060-12gb.csv"),
                                                          udev: "udevadm-dmi-ddr5-6000-2x32gb.txt"), catalog: c)
        #expect(d.cpu.catalogID == "ryzen-9-7950x")
        #expect(d.gpus.count == 1 && d.gpus[0].catalogID == "rtx-3060-12gb" && d.gpus[0].backend == .cuda)
        #expect(d.form.kind == "desktop")
        #expect(d.memory.bandwidthGBs == 96)
        #expect(d.hardwareIDs == ["rtx-3060-12gb"])
        let (system, _) = d.targetSystem(catalog: c)
        #expect(system.gpus.count == 1 && system.gpus[0].memoryBytes == 12288 * 1_048_576)
        #expect(system.host.ramBytes == 65_464_312 * 1024)
        #expect(system.selection?.device.id == "rtx-3060-12gb")
    }

    @Test("JSON has the contract's keys, and catalog_id is written even when null")
    func json() throws {
        let d = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-unknown-graphics-device.csv")), catalog: c)
        let obj = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(d)) as? [String: Any])
        let cpu = try #require(obj["cpu"] as? [String: Any])
        #expect(cpu["model"] as? String == "AMD Ryzen 9 7950X 16-Core Processor" && cpu["cores"] as? Int == 16 && cpu["threads"] as? Int == 32)
        let mem = try #require(obj["memory"] as? [String: Any])
        #expect(mem["total_bytes"] != nil && mem["available_bytes"] != nil)
        let gpu = try #require((obj["gpus"] as? [[String: Any]])?.first)
        #expect(gpu["name"] as? String == "NVIDIA Graphics Device" && gpu["backend"] as? String == "cuda" && gpu["memory_bytes"] != nil)
        #expect(gpu.keys.contains("catalog_id") && gpu["catalog_id"] is NSNull)
        #expect(gpu["catalog_reason"] as? String != nil)
        #expect((obj["os"] as? String)?.hasPrefix("Ubuntu 24.04.1 LTS") == true)
        // Round trip.
        #expect(try JSONDecoder().decode(DetectedSystem.self, from: JSONEncoder().encode(d)) == d)
    }

    @Test("Two different cards are planned as two GPUs; the laptop GPU makes it a laptop")
    func multiAndLaptop() {
        let mixed = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-rtx4090-plus-rtx3060.csv")), catalog: c)
        let (system, notes) = mixed.targetSystem(catalog: c)
        #expect(system.gpus.count == 2 && system.selection == nil)
        #expect(notes.contains { $0.contains("different GPUs") })
        #expect(mixed.hardwareIDs == ["rtx-4090", "rtx-3060-12gb"])
        let twin = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-2x-rtx3090.csv")), catalog: c)
        #expect(twin.hardwareIDs == ["rtx-3090"] && twin.hardwareCount == 2)
        #expect(twin.targetSystem(catalog: c).system.selection?.count == 2)
        let laptop = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-rtx4060-laptop.csv"), chassis: nil), catalog: c)
        #expect(laptop.form.kind == "laptop" && laptop.form.evidence.contains("Laptop GPU"))
        let battery = SystemDetector.detect(AgentFixtures.linux(chassis: nil, batteries: ["Mains", "Battery"]), catalog: c)
        #expect(battery.form.kind == "laptop")
    }

    @Test("A broken NVIDIA driver is reported and the machine is planned as CPU-only")
    func brokenDriver() {
        let d = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-driver-failed.stdout", exit: 9)), catalog: c)
        #expect(d.gpus.isEmpty)
        #expect(d.probes.contains { $0.name == "nvidia-smi" && $0.status == "failed" })
        let (system, _) = d.targetSystem(catalog: c)
        #expect(system.gpus.isEmpty && system.selection?.device.id == "ryzen-9-7950x")
    }

    @Test("AMD card through rocm-smi gets the ROCm backend; through sysfs alone, Vulkan")
    func amdBackends() {
        let rocm = SystemDetector.detect(AgentFixtures.linux(rocm: AgentFixtures.tool("rocm-smi-rx7900xtx-rocm6.json"),
                                                             sysfs: "sysfs-amd-rx7900xtx"), catalog: c)
        #expect(rocm.gpus.count == 1)   // sysfs does not list the card a second time
        #expect(rocm.gpus[0].backend == .rocm && rocm.gpus[0].catalogID == "rx-7900-xtx")
        let sysfs = SystemDetector.detect(AgentFixtures.linux(sysfs: "sysfs-amd-rx7900xtx"), catalog: c)
        #expect(sysfs.gpus[0].backend == .vulkan && sysfs.gpus[0].catalogID == "rx-7900-xtx")
    }

    @Test("Strix Halo: the iGPU is named by its CPU; carve-out + RAM pick the 128 GB variant; GTT counted")
    func strixHalo() {
        let d = SystemDetector.detect(AgentFixtures.linux(cpuinfo: "cpuinfo-ryzen-ai-max-395.txt", meminfo: "meminfo-strix-halo-128gb-vgm64.txt",
                                                          lscpu: nil, sysfs: "sysfs-strix-halo", chassis: "35"), catalog: c)
        #expect(d.gpus.count == 1)
        let g = d.gpus[0]
        #expect(g.integrated && g.catalogID == "ryzen-ai-max-plus-395" && g.catalogMemoryGiB == 128)
        #expect(g.gttBytes == 33_745_321_984)
        #expect(g.memoryBytes == 68_719_476_736 + 33_745_321_984)
        #expect(d.form.kind == "desktop")
        #expect(d.memory.bandwidthGBs == 256)
        let (system, _) = d.targetSystem(catalog: c)
        #expect(system.unifiedMemory && system.selection?.id == "ryzen-ai-max-plus-395@128gb")
    }

    @Test("Apple M2 Max 38-core 64 GB")
    func mac() {
        let p = ProbeOutputs(platform: .macOS, sysctl: AgentFixtures.tool("sysctl-m2-max-64gb.txt"),
                             systemProfilerDisplays: AgentFixtures.tool("system-profiler-displays-m2-max-38c.json"),
                             swVers: AgentFixtures.tool("sw-vers-macos-14.txt"))
        let d = SystemDetector.detect(p, catalog: c)
        #expect(d.cpu.model == "Apple M2 Max" && d.cpu.cores == 12)
        #expect(d.memory.totalBytes == 68_719_476_736)
        #expect(d.gpus.first?.catalogID == "apple-m2-max-38c" && d.gpus.first?.backend == .metal)
        #expect(d.os == "macOS 14.5 (23F79)")
        let (system, _) = d.targetSystem(catalog: c)
        #expect(system.selection?.id == "apple-m2-max-38c@64gb")
        #expect(system.gpus.first?.usableBytes == TargetSystem.metalWorkingSet(memoryBytes: 68_719_476_736))
    }

    @Test("This machine (real /proc files, no GPU tools): the CPU path", .enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func thisMachine() throws {
        func read(_ p: String) -> String? { try? String(contentsOfFile: p, encoding: .utf8) }
        let p = ProbeOutputs(platform: .linux, cpuinfo: read("/proc/cpuinfo"), meminfo: read("/proc/meminfo"),
                             osRelease: read("/etc/os-release"), chassisType: read("/sys/class/dmi/id/chassis_type"),
                             drmCards: SysfsCard.read(root: "/sys/class/drm"), nvidiaSMI: .notFound, rocmSMI: .notFound, amdSMI: .notFound)
        let d = SystemDetector.detect(p, catalog: c)
        #expect(d.cpu.threads >= ProcessInfo.processInfo.activeProcessorCount)
        #expect(d.cpu.cores >= 1 && d.cpu.model != "unknown CPU")
        #expect(d.memory.totalBytes > 0 && abs(Double(d.memory.totalBytes) - Double(ProcessInfo.processInfo.physicalMemory)) < 1e9)
        #expect(d.memory.bandwidthGBs > 0)
        if d.gpus.allSatisfy({ $0.catalogID == nil }) {
            let (system, _) = d.targetSystem(catalog: c)
            #expect(system.gpus.isEmpty)
            #expect(system.host.ramBytes == d.memory.totalBytes)
            #expect(!d.hardwareIDs.isEmpty)   // the CPU's entry or its memory class
            // The planner takes it: Gemma 3 270M runs on the CPU.
            let e = try Planner.plan(profile: TestSupport.profile("gemma-3-270m"), system: system, settings: RunSettings(context: 4096))
            #expect(e.fit.placement == .cpu && e.decode.expected > 0)
        }
    }

    @Test("The recorded 2-vCPU EPYC VM: virtual machine noted, Genoa class capped by its two cores")
    func recordedVM() {
        let p = ProbeOutputs(platform: .linux, cpuinfo: AgentFixtures.text("cpuinfo-epyc-2vcpu-kvm.txt"),
                             meminfo: AgentFixtures.text("meminfo-epyc-2vcpu-kvm.txt"), osRelease: AgentFixtures.text("os-release-debian-12.txt"),
                             lscpu: AgentFixtures.tool("lscpu-epyc-2vcpu-kvm.txt"), nvidiaSMI: .notFound)
        let d = SystemDetector.detect(p, catalog: c)
        #expect(d.cpu.virtualMachine && d.cpu.cores == 2 && d.cpu.threads == 2 && d.cpu.simd == "avx512")
        #expect(d.cpu.catalogID == nil)   // "AMD EPYC" names no single product
        #expect(d.memory.classID == "cpu-ddr5-4800-12ch-server")
        #expect(d.memory.bandwidthGBs == 2 * MemoryBandwidth.perCoreGBs)
        #expect(d.notes.contains { $0.contains("virtual machine") })
        #expect(d.hardwareIDs == ["cpu-ddr5-4800-12ch-server"])
    }
}
