import Foundation

/// The CPU as `/proc/cpuinfo` and `lscpu` describe it.
public struct CPUReading: Sendable, Hashable {
    public var model: String?
    public var vendor: String?
    public var family: Int?
    public var modelNumber: Int?
    public var cores: Int?
    public var threads: Int?
    public var sockets: Int?
    public var flags: Set<String> = []
    public var maxMHz: Double?
    public var architecture: String?

    /// The widest SIMD extension llama.cpp's CPU kernels use.
    public var simd: String? {
        if flags.contains("avx512f") { return "avx512" }
        if flags.contains("avx2") { return "avx2" }
        if flags.contains("avx") { return "avx" }
        if flags.contains("asimd") || flags.contains("neon") || architecture == "aarch64" || architecture == "arm64" { return "neon" }
        return nil
    }
    public var virtualMachine: Bool { flags.contains("hypervisor") }

    /// Fills what this reading lacks from `other`.
    mutating func merge(_ other: CPUReading) {
        model = model ?? other.model; vendor = vendor ?? other.vendor; family = family ?? other.family
        modelNumber = modelNumber ?? other.modelNumber; cores = cores ?? other.cores; threads = threads ?? other.threads
        sockets = sockets ?? other.sockets; maxMHz = maxMHz ?? other.maxMHz; architecture = architecture ?? other.architecture
        if flags.isEmpty { flags = other.flags }
    }
}

/// Parsers for the Linux host files and tools: `/proc/cpuinfo`, `/proc/meminfo`, `lscpu`,
/// `/etc/os-release`, the DMI chassis type, and the memory slots (`udevadm`'s DMI properties or `dmidecode -t memory`).
public enum LinuxProbe {
    /// `/proc/cpuinfo` (x86: model name, flags, physical id / core id; ARM: CPU implementer/part, Features).
    public static func cpuinfo(_ text: String) -> CPUReading {
        var r = CPUReading()
        var threads = 0
        var coreKeys = Set<String>()
        var physical = "0"
        var sockets = Set<String>()
        var cpuCoresField: Int?
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "processor": threads += 1
            case "model name", "Model Name", "cpu model": if r.model == nil, !value.isEmpty { r.model = value }
            case "vendor_id": r.vendor = r.vendor ?? value
            case "cpu family": r.family = r.family ?? Int(value)
            case "model": r.modelNumber = r.modelNumber ?? Int(value)
            case "physical id": physical = value; sockets.insert(value)
            case "core id": coreKeys.insert("\(physical):\(value)")
            case "cpu cores": cpuCoresField = cpuCoresField ?? Int(value)
            case "cpu MHz": r.maxMHz = max(r.maxMHz ?? 0, Double(value) ?? 0)
            case "flags", "Features": if r.flags.isEmpty { r.flags = Set(value.split(separator: " ").map(String.init)) }
            default: break
            }
        }
        if threads > 0 { r.threads = threads }
        if !coreKeys.isEmpty { r.cores = coreKeys.count }
        else if let c = cpuCoresField { r.cores = c * max(sockets.count, 1) }
        else if threads > 0 { r.cores = threads }   // ARM lists one "processor" per core
        if !sockets.isEmpty { r.sockets = sockets.count }
        if r.flags.contains("asimd") { r.architecture = "aarch64" }
        return r
    }

    /// `lscpu` (English, `Key:   value` lines).
    public static func lscpu(_ text: String) -> CPUReading {
        var r = CPUReading()
        var f: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if f[key] == nil { f[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        r.model = f["Model name"].flatMap { $0 == "-" ? nil : $0 }
        r.vendor = f["Vendor ID"]
        r.architecture = f["Architecture"]
        r.family = f["CPU family"].flatMap { Int($0) }
        r.modelNumber = f["Model"].flatMap { Int($0) }
        r.threads = f["CPU(s)"].flatMap { Int($0) }
        r.sockets = f["Socket(s)"].flatMap { Int($0) }
        if let perSocket = (f["Core(s) per socket"] ?? f["Core(s) per cluster"]).flatMap({ Int($0) }) {
            r.cores = perSocket * (r.sockets ?? 1)
        }
        r.maxMHz = f["CPU max MHz"].flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) }
        r.flags = Set((f["Flags"] ?? "").split(separator: " ").map(String.init))
        return r
    }

    /// `/proc/meminfo`: MemTotal and MemAvailable (kB) in bytes.
    public static func meminfo(_ text: String) -> (total: UInt64?, available: UInt64?) {
        var total: UInt64?, available: UInt64?
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            guard parts.count >= 2, let kb = UInt64(parts[1]) else { continue }
            if parts[0] == "MemTotal" { total = kb * 1024 }
            if parts[0] == "MemAvailable" { available = kb * 1024 }
        }
        return (total, available)
    }

    /// `/etc/os-release`: PRETTY_NAME (or NAME VERSION).
    public static func osRelease(_ text: String) -> String? {
        var f: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var v = String(line[line.index(after: eq)...])
            if v.count >= 2, let q = v.first, q == "\"" || q == "'", v.last == q { v = String(v.dropFirst().dropLast()) }
            f[String(line[..<eq])] = v
        }
        if let p = f["PRETTY_NAME"], !p.isEmpty { return p }
        if let n = f["NAME"] { return [n, f["VERSION"]].compactMap { $0 }.joined(separator: " ") }
        return nil
    }

    /// SMBIOS chassis type (`/sys/class/dmi/id/chassis_type`, a number) → laptop / desktop / server.
    public static func chassis(_ value: String) -> String? {
        guard let n = Int(value.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        switch n {
        case 8, 9, 10, 11, 14, 30, 31, 32: return "laptop"
        case 3, 4, 5, 6, 7, 13, 15, 16, 24, 34, 35, 36: return "desktop"
        case 17, 23, 25, 28, 29: return "server"
        default: return nil
        }
    }

    /// One memory slot.
    public struct MemoryDevice: Sendable, Hashable {
        public var sizeBytes: UInt64
        public var type: String?
        public var speedMTs: Int?
        public var configuredMTs: Int?
        public var dataWidthBits: Int?
        public var locator: String?
        public var bankLocator: String?
        public var formFactor: String?
    }

    /// `udevadm info --query=property --path=/sys/devices/virtual/dmi/id`: systemd's `MEMORY_DEVICE_<n>_*`
    /// properties (read from SMBIOS by udev at boot, so no root is needed).
    public static func udevMemoryDevices(_ text: String) -> [MemoryDevice] {
        var slots: [Int: [String: String]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            var l = Substring(line)
            if l.hasPrefix("E: ") { l = l.dropFirst(3) }
            guard l.hasPrefix("MEMORY_DEVICE_"), let eq = l.firstIndex(of: "=") else { continue }
            let key = l[l.index(l.startIndex, offsetBy: 14)..<eq]
            guard let us = key.firstIndex(of: "_"), let n = Int(key[..<us]) else { continue }
            slots[n, default: [:]][String(key[key.index(after: us)...])] = String(l[l.index(after: eq)...])
        }
        return slots.keys.sorted().compactMap { n in
            let s = slots[n]!
            if s["PRESENT"] == "0" { return nil }
            guard let size = s["SIZE"].flatMap({ UInt64($0) }), size > 0 else { return nil }
            return MemoryDevice(sizeBytes: size, type: s["TYPE"], speedMTs: s["SPEED_MTS"].flatMap { Int($0) },
                                configuredMTs: s["CONFIGURED_SPEED_MTS"].flatMap { Int($0) },
                                dataWidthBits: s["DATA_WIDTH"].flatMap { Int($0) }, locator: s["LOCATOR"],
                                bankLocator: s["BANK_LOCATOR"], formFactor: s["FORM_FACTOR"])
        }
    }

    /// `dmidecode -t memory`: the "Memory Device" blocks with a size.
    public static func dmidecodeMemoryDevices(_ text: String) -> [MemoryDevice] {
        var out: [MemoryDevice] = []
        var block: [String: String]?
        func flush() {
            guard let b = block else { return }
            block = nil
            guard let sizeText = b["Size"], let size = bytes(sizeText) else { return }
            func mts(_ s: String?) -> Int? { s.flatMap { Int($0.split(separator: " ").first ?? "") } }
            out.append(MemoryDevice(sizeBytes: size, type: b["Type"].flatMap { $0 == "Unknown" ? nil : $0 },
                                    speedMTs: mts(b["Speed"]), configuredMTs: mts(b["Configured Memory Speed"] ?? b["Configured Clock Speed"]),
                                    dataWidthBits: mts(b["Data Width"]), locator: b["Locator"], bankLocator: b["Bank Locator"],
                                    formFactor: b["Form Factor"]))
        }
        for line in text.split(whereSeparator: \.isNewline) {
            if !line.hasPrefix("\t") && !line.hasPrefix(" ") {
                flush()
                if line.trimmingCharacters(in: .whitespaces) == "Memory Device" { block = [:] }
                continue
            }
            guard block != nil, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if block?[key] == nil { block?[key] = value }
        }
        flush()
        return out
    }

    /// "16 GB", "16384 MB", "No Module Installed" → bytes.
    static func bytes(_ s: String) -> UInt64? {
        let p = s.split(separator: " ")
        guard p.count == 2, let n = Double(p[0]), n > 0 else { return nil }
        switch p[1].uppercased() {
        case "KB": return UInt64(n * 1024)
        case "MB": return UInt64(n * 1_048_576)
        case "GB": return UInt64(n * 1_073_741_824)
        case "TB": return UInt64(n * 1_099_511_627_776)
        default: return nil
        }
    }
}

/// The CPU's memory bandwidth: from the memory slots when they can be read (type × speed × channels),
/// else a class assumed from the CPU generation. Either way capped by what the cores can pull.
public enum MemoryBandwidth {
    public struct Estimate: Sendable, Hashable {
        public var type: String?
        public var speedMTs: Int?
        public var channels: Int?
        public var peakGBs: Double
        public var source: String
    }

    /// Sustained bandwidth one core can stream (GB/s): a core has a limited number of outstanding cache
    /// misses, so a few cores cannot fill a wide memory system (single-thread STREAM on recent x86 and
    /// Apple cores reaches 12-20 GB/s). Used as `cores × this` to cap the memory system's peak.
    public static let perCoreGBs = 15.0

    /// From slot readings. Channels: distinct "Channel A/B" letters in the locators for DIMMs; for
    /// soldered LPDDR, total data width / 64 bits; else the populated slots, at most two.
    public static func fromDevices(_ devices: [LinuxProbe.MemoryDevice]) -> Estimate? {
        guard !devices.isEmpty else { return nil }
        let type = devices.compactMap(\.type).first
        let speeds = devices.compactMap { $0.configuredMTs ?? $0.speedMTs }.filter { $0 > 0 }
        guard let type, let speed = speeds.min() else { return nil }
        var channels: Int
        var how: String
        if type.uppercased().hasPrefix("LPDDR") {
            let width = devices.compactMap(\.dataWidthBits).reduce(0, +)
            channels = max(1, width / 64)
            how = "\(width)-bit bus"
            if width == 0 { channels = 2; how = "bus width unknown, 128-bit assumed" }
        } else {
            let letters = Set(devices.compactMap { channelLetter($0.bankLocator) ?? channelLetter($0.locator) })
            if letters.count >= 1 && letters.count <= devices.count {
                channels = letters.count
                how = "\(devices.count) module(s) on \(letters.count) channel(s)"
            } else {
                channels = min(devices.count, 2)
                how = "\(devices.count) module(s), \(channels) channel(s) assumed"
            }
        }
        let peak = Double(channels) * 8 * Double(speed) / 1000
        return Estimate(type: type, speedMTs: speed, channels: channels, peakGBs: peak,
                        source: "\(type)-\(speed), \(how): \(channels) × 8 B × \(speed) MT/s")
    }

    /// "P0 CHANNEL A", "ChannelB-DIMM0", "CHANNEL A DIMM 1", "BANK 0" (no letter) → "A", "B", nil.
    static func channelLetter(_ s: String?) -> String? {
        guard let s = s?.uppercased(), let r = s.range(of: "CHANNEL") else { return nil }
        let rest = s[r.upperBound...].drop { $0 == " " || $0 == "-" || $0 == "_" }
        guard let c = rest.first, c.isLetter || c.isNumber else { return nil }
        return String(c)
    }

    /// When the slots cannot be read: the memory a CPU generation ships with (its platform's common
    /// configuration), from the CPU's name or its family/model numbers.
    public static func fromCPU(_ cpu: CPUReading, totalRAMBytes: UInt64?) -> Estimate {
        let name = (cpu.model ?? "").lowercased()
        let server = name.contains("epyc") || name.contains("xeon") || name.contains("threadripper")
        func est(_ type: String, _ mts: Int, _ ch: Int, _ why: String) -> Estimate {
            Estimate(type: type, speedMTs: mts, channels: ch, peakGBs: Double(ch) * 8 * Double(mts) / 1000,
                     source: "assumed from the CPU generation (\(why)): \(type)-\(mts), \(ch) channel(s); the memory slots could not be read")
        }
        if cpu.vendor == "AuthenticAMD", let fam = cpu.family, let m = cpu.modelNumber {
            switch (fam, m) {
            case (0x17, _): return server ? est("DDR4", 3200, 8, "Zen/Zen 2 EPYC") : est("DDR4", 3200, 2, "Zen/Zen 2")
            case (0x19, 0x00...0x0f): return server ? est("DDR4", 3200, 8, "Zen 3 EPYC 'Milan'") : est("DDR4", 3200, 4, "Zen 3 Threadripper")
            case (0x19, 0x10...0x1f), (0x19, 0xa0...0xaf): return est("DDR5", 4800, 12, "Zen 4 EPYC 'Genoa'/'Bergamo'")
            case (0x19, 0x20...0x2f), (0x19, 0x50...0x5f): return est("DDR4", 3200, 2, "Zen 3 Ryzen")
            case (0x19, 0x40...0x4f): return est("DDR5", 4800, 2, "Zen 3+ 'Rembrandt'")
            case (0x19, 0x60...0x6f): return est("DDR5", 5200, 2, "Zen 4 Ryzen 'Raphael'")
            case (0x19, 0x70...0x7f): return est("DDR5", 5600, 2, "Zen 4 'Phoenix'/'Hawk Point'")
            case (0x1a, 0x00...0x1f): return est("DDR5", 6000, 12, "Zen 5 EPYC 'Turin'")
            case (0x1a, 0x20...0x2f): return est("LPDDR5X", 7500, 2, "Zen 5 'Strix Point'")
            case (0x1a, 0x40...0x4f): return est("DDR5", 5600, 2, "Zen 5 Ryzen 'Granite Ridge'")
            case (0x1a, 0x70...0x7f): return est("LPDDR5X", 8000, 4, "Zen 5 'Strix Halo', 256-bit")
            default: break
            }
        }
        if name.contains("apple m") {
            return est("LPDDR5", 6400, 2, "Apple silicon, base 128-bit bus")
        }
        if let gen = intelGeneration(name) {
            if name.contains("xeon") { return est("DDR5", 4800, 8, "Xeon Scalable 4th gen or later") }
            switch gen {
            case ..<8: return est("DDR4", 2400, 2, "Intel Core \(gen)th gen")
            case 8...10: return est("DDR4", 2666, 2, "Intel Core \(gen)th gen")
            case 11: return est("DDR4", 3200, 2, "Intel Core 11th gen")
            case 12...14: return est("DDR5", 4800, 2, "Intel Core \(gen)th gen (DDR5 or DDR4 boards; DDR5-4800 assumed)")
            default: return est("DDR5", 5600, 2, "Intel Core Ultra")
            }
        }
        if server { return est("DDR4", 3200, 8, "server CPU of unknown generation") }
        return est("DDR4", 3200, 2, "unknown CPU generation: a common dual-channel desktop")
    }

    /// "Intel(R) Core(TM) i7-8700K" → 8, "12th Gen Intel(R) Core(TM) i5-12400" → 12, "Core Ultra 7 155H" → 15.
    static func intelGeneration(_ lower: String) -> Int? {
        if lower.contains("core ultra") || lower.contains("core(tm) ultra") { return 15 }
        if let r = lower.range(of: #"(\d+)th gen"#, options: .regularExpression) {
            return Int(lower[r].prefix { $0.isNumber })
        }
        if let r = lower.range(of: #"i[3579]-(\d{4,5})"#, options: .regularExpression) {
            let digits = lower[r].dropFirst(3).prefix { $0.isNumber }
            return digits.count == 5 ? Int(digits.prefix(2)) : Int(digits.prefix(1))
        }
        if lower.contains("xeon") { return 0 }
        return nil
    }

    /// The catalog's CPU memory class closest to an estimate (same memory type family, then channels, then speed).
    public static func catalogClass(_ e: Estimate, catalog: Catalog) -> HardwareDevice? {
        let classes = catalog.hardware.filter { $0.kind == .cpu && $0.id.hasPrefix("cpu-") }
        guard !classes.isEmpty else { return nil }
        let type = (e.type ?? "DDR4").uppercased()
        func cost(_ d: HardwareDevice) -> Double {
            let dt = (d.memoryType ?? "").uppercased()
            var c = 0.0
            if dt != type { c += dt.replacingOccurrences(of: "LP", with: "").prefix(4) == type.replacingOccurrences(of: "LP", with: "").prefix(4) ? 50 : 200 }
            c += Double(abs((d.memoryChannels ?? 2) - (e.channels ?? 2))) * 40
            c += abs((d.dataRateGbps ?? 3.2) * 1000 - Double(e.speedMTs ?? 3200)) / 100
            return c
        }
        return classes.min { cost($0) < cost($1) || (cost($0) == cost($1) && $0.id < $1.id) }
    }
}
