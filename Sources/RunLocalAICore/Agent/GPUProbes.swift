import Foundation

/// A GPU as one tool reported it, before catalog matching.
public struct GPUReading: Sendable, Hashable {
    public var name: String
    public var vendor: String
    public var memoryBytes: UInt64?
    public var memoryFreeBytes: UInt64?
    public var driver: String?
    public var pciBusID: String?
    public var integrated: Bool = false
    public var gttBytes: UInt64?
    public var gpuCores: Int?
    /// Candidate product names when the tool printed a family ("Navi 31 [Radeon RX 7900 XT/7900 XTX]").
    public var candidateNames: [String] = []
    public var source: String

    public init(name: String, vendor: String, memoryBytes: UInt64? = nil, memoryFreeBytes: UInt64? = nil, driver: String? = nil,
                pciBusID: String? = nil, integrated: Bool = false, gttBytes: UInt64? = nil, gpuCores: Int? = nil,
                candidateNames: [String] = [], source: String) {
        self.name = name; self.vendor = vendor; self.memoryBytes = memoryBytes; self.memoryFreeBytes = memoryFreeBytes
        self.driver = driver; self.pciBusID = pciBusID; self.integrated = integrated; self.gttBytes = gttBytes
        self.gpuCores = gpuCores; self.candidateNames = candidateNames; self.source = source
    }
}

/// What one GPU probe gave: the GPUs, or why it gave none.
public struct GPUProbeResult: Sendable, Hashable {
    public var gpus: [GPUReading]
    /// "ok", "not-found" or "failed".
    public var status: String
    public var message: String?

    static func ok(_ gpus: [GPUReading], message: String? = nil) -> GPUProbeResult { .init(gpus: gpus, status: "ok", message: message) }
    static func failed(_ m: String) -> GPUProbeResult { .init(gpus: [], status: "failed", message: m) }
    static func notFound(_ m: String) -> GPUProbeResult { .init(gpus: [], status: "not-found", message: m) }

    /// Shared handling of a tool that is missing, timed out or crashed.
    static func unusable(_ out: ToolOutput, tool: String) -> GPUProbeResult? {
        switch out.status {
        case .notFound: return .notFound("\(tool) not found")
        case .failed(let m): return .failed("\(tool): \(m)")
        case .exited: return nil
        }
    }
}

/// `nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version,pci.bus_id --format=csv,noheader,nounits`
/// (one line per card, memory in MiB).
public enum NvidiaSMI {
    public static let arguments = ["--query-gpu=name,memory.total,memory.free,driver_version,pci.bus_id",
                                   "--format=csv,noheader,nounits"]

    public static func parse(_ out: ToolOutput) -> GPUProbeResult {
        if let r = GPUProbeResult.unusable(out, tool: "nvidia-smi") { return r }
        let text = out.stdout + "\n" + out.stderr
        if text.contains("couldn't communicate with the NVIDIA driver") || text.contains("NVIDIA-SMI has failed") {
            return .failed("nvidia-smi cannot talk to the NVIDIA driver (driver not loaded, or a version mismatch after an update: reboot or reinstall the driver)")
        }
        if text.contains("No devices were found") {
            return .ok([], message: "nvidia-smi: no NVIDIA GPU found")
        }
        guard out.exitCode == 0 else {
            return .failed(out.failureReason(tool: "nvidia-smi") ?? "nvidia-smi failed")
        }
        var gpus: [GPUReading] = []
        for raw in out.stdout.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 5, !f[0].isEmpty else {
                return .failed("nvidia-smi printed a line that is not name,memory.total,memory.free,driver_version,pci.bus_id: '\(line.prefix(120))'")
            }
            func mib(_ s: String) -> UInt64? { Double(s).flatMap { $0 >= 0 ? UInt64($0 * 1_048_576) : nil } }
            gpus.append(GPUReading(name: f[0], vendor: "NVIDIA", memoryBytes: mib(f[1]), memoryFreeBytes: mib(f[2]),
                                   driver: f[3].hasPrefix("[") ? nil : f[3], pciBusID: f[4].hasPrefix("[") ? nil : f[4],
                                   source: "nvidia-smi"))
        }
        if gpus.isEmpty { return .ok([], message: "nvidia-smi listed no GPU") }
        return .ok(gpus)
    }

    /// `nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits`: used MiB per card, summed (bytes).
    public static func parseUsedMemory(_ text: String) -> UInt64? {
        let values = text.split(whereSeparator: \.isNewline).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty else { return nil }
        return UInt64(values.reduce(0, +) * 1_048_576)
    }
}

/// `rocm-smi --showproductname --showmeminfo vram --json` (ROCm 5 and 6 key spellings).
public enum ROCmSMI {
    public static let arguments = ["--showproductname", "--showmeminfo", "vram", "--json"]

    public static func parse(_ out: ToolOutput) -> GPUProbeResult {
        if let r = GPUProbeResult.unusable(out, tool: "rocm-smi") { return r }
        guard let start = out.stdout.firstIndex(of: "{"),
              let obj = try? JSONSerialization.jsonObject(with: Data(out.stdout[start...].utf8)) as? [String: Any] else {
            if out.exitCode != 0 { return .failed(out.failureReason(tool: "rocm-smi") ?? "rocm-smi failed") }
            return .failed("rocm-smi printed no JSON (is the amdgpu driver loaded?)")
        }
        var gpus: [GPUReading] = []
        for key in obj.keys.sorted(by: cardOrder) where key.lowercased().hasPrefix("card") {
            guard let card = obj[key] as? [String: Any] else { continue }
            func value(_ names: String...) -> String? {
                for n in names { if let v = card.first(where: { $0.key.lowercased() == n.lowercased() })?.value { return "\(v)" } }
                return nil
            }
            let series = value("Card Series", "Card series") ?? "AMD GPU"
            let total = value("VRAM Total Memory (B)").flatMap { UInt64($0) }
            let used = value("VRAM Total Used Memory (B)").flatMap { UInt64($0) }
            gpus.append(GPUReading(name: series, vendor: "AMD", memoryBytes: total,
                                   memoryFreeBytes: total.flatMap { t in used.map { t > $0 ? t - $0 : 0 } },
                                   candidateNames: AMDNames.expand(series), source: "rocm-smi"))
        }
        if gpus.isEmpty { return .ok([], message: "rocm-smi listed no GPU") }
        return .ok(gpus)
    }

    static func cardOrder(_ a: String, _ b: String) -> Bool {
        let na = Int(a.filter(\.isNumber)) ?? 0, nb = Int(b.filter(\.isNumber)) ?? 0
        return na != nb ? na < nb : a < b
    }
}

/// `amd-smi static --asic --vram --bus --json` (ROCm 6.1+; a top-level array, or `{"gpu_data": [...]}`
/// in later versions; VRAM size as `{"value": 24560, "unit": "MB"}` or `"24560 MB"`).
public enum AMDSMI {
    public static let arguments = ["static", "--asic", "--vram", "--bus", "--json"]

    public static func parse(_ out: ToolOutput) -> GPUProbeResult {
        if let r = GPUProbeResult.unusable(out, tool: "amd-smi") { return r }
        guard let start = out.stdout.firstIndex(where: { $0 == "[" || $0 == "{" }),
              let json = try? JSONSerialization.jsonObject(with: Data(out.stdout[start...].utf8)) else {
            if out.exitCode != 0 { return .failed(out.failureReason(tool: "amd-smi") ?? "amd-smi failed") }
            return .failed("amd-smi printed no JSON")
        }
        let list: [[String: Any]]
        if let a = json as? [[String: Any]] { list = a }
        else if let o = json as? [String: Any], let a = o["gpu_data"] as? [[String: Any]] { list = a }
        else { return .failed("amd-smi JSON has neither a GPU list nor gpu_data") }
        var gpus: [GPUReading] = []
        for g in list {
            let asic = g["asic"] as? [String: Any] ?? [:]
            let vram = g["vram"] as? [String: Any] ?? [:]
            let bus = g["bus"] as? [String: Any] ?? [:]
            let name = (asic["market_name"] as? String).flatMap { $0 == "N/A" ? nil : $0 } ?? "AMD GPU"
            gpus.append(GPUReading(name: name, vendor: "AMD", memoryBytes: size(vram["size"]),
                                   pciBusID: bus["bdf"] as? String, gpuCores: asic["num_compute_units"] as? Int,
                                   candidateNames: AMDNames.expand(name), source: "amd-smi"))
        }
        if gpus.isEmpty { return .ok([], message: "amd-smi listed no GPU") }
        return .ok(gpus)
    }

    /// "24560 MB", {"value": 24560, "unit": "MB"} → bytes (amd-smi's MB are MiB).
    static func size(_ v: Any?) -> UInt64? {
        var number: Double?, unit = "MB"
        if let d = v as? [String: Any] {
            number = (d["value"] as? Double) ?? (d["value"] as? Int).map(Double.init) ?? (d["value"] as? String).flatMap(Double.init)
            unit = (d["unit"] as? String) ?? unit
        } else if let s = v as? String {
            let parts = s.split(separator: " ")
            number = parts.first.flatMap { Double($0) }
            if parts.count > 1 { unit = String(parts[1]) }
        } else if let n = v as? Double { number = n } else if let n = v as? Int { number = Double(n) }
        guard let n = number, n > 0 else { return nil }
        let scale: Double
        switch unit.uppercased() {
        case "B": scale = 1
        case "KB", "KIB": scale = 1024
        case "GB", "GIB": scale = 1_073_741_824
        default: scale = 1_048_576
        }
        return UInt64(n * scale)
    }
}

/// AMD's pci.ids-style family names list several products: "Navi 31 [Radeon RX 7900 XT/7900 XTX/7900M]".
enum AMDNames {
    /// The product names a family string stands for (the string itself when it is a single product).
    static func expand(_ name: String) -> [String] {
        guard let open = name.firstIndex(of: "["), let close = name.lastIndex(of: "]"), open < close else { return [] }
        let inner = String(name[name.index(after: open)..<close])
        let parts = inner.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = parts.first else { return [] }
        // The words before the first number ("Radeon RX ") prefix the later, shorter parts ("7900 XTX").
        let prefix = String(first.prefix { !$0.isNumber })
        return parts.map { p in p.first?.isNumber == true ? prefix + p : p }
    }
}

/// A `/sys/class/drm/cardN/device` folder: the PCI vendor and device ids and amdgpu's memory files.
public struct SysfsCard: Sendable, Hashable {
    public var card: String
    public var files: [String: String]
    public init(card: String, files: [String: String]) { self.card = card; self.files = files }

    public static let fileNames = ["vendor", "device", "revision", "mem_info_vram_total", "mem_info_vram_used",
                                   "mem_info_gtt_total", "boot_vga", "uevent"]

}

/// GPUs from Linux sysfs alone (no vendor tool needed): PCI ids named with a small table of the
/// GPUs llama.cpp users run, amdgpu's VRAM and GTT sizes.
public enum SysfsGPUs {
    struct Known { var name: String; var integrated: Bool }
    /// PCI device ids → names (pci.ids spelling for families, so the product list can be expanded).
    static let amd: [String: Known] = [
        "0x744c": .init(name: "Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]", integrated: false),
        "0x7448": .init(name: "Navi 31 [Radeon Pro W7900]", integrated: false),
        "0x747e": .init(name: "Navi 32 [Radeon RX 7700 XT/7800 XT]", integrated: false),
        "0x7480": .init(name: "Navi 33 [Radeon RX 7600/7600 XT/7700S/7600M XT]", integrated: false),
        "0x7550": .init(name: "Navi 48 [Radeon RX 9070/9070 XT/9070 GRE]", integrated: false),
        "0x7590": .init(name: "Navi 44 [Radeon RX 9060 XT]", integrated: false),
        "0x73bf": .init(name: "Navi 21 [Radeon RX 6800/6800 XT/6900 XT]", integrated: false),
        "0x73af": .init(name: "Navi 21 [Radeon RX 6900 XT]", integrated: false),
        "0x73a5": .init(name: "Navi 21 [Radeon RX 6950 XT]", integrated: false),
        "0x73df": .init(name: "Navi 22 [Radeon RX 6700/6700 XT/6750 XT/6800M/6850M XT]", integrated: false),
        "0x73ff": .init(name: "Navi 23 [Radeon RX 6600/6600 XT/6600M]", integrated: false),
        "0x66a1": .init(name: "Vega 20 [Radeon Pro VII/Radeon Instinct MI50 32GB]", integrated: false),
        "0x740f": .init(name: "Aldebaran [Instinct MI210]", integrated: false),
        "0x74a1": .init(name: "Aqua Vanjaram [Instinct MI300X]", integrated: false),
        "0x1586": .init(name: "Strix Halo [Radeon Graphics / Radeon 8050S / Radeon 8060S]", integrated: true),
        "0x150e": .init(name: "Strix [Radeon 880M / 890M]", integrated: true),
        "0x15bf": .init(name: "Phoenix1 [Radeon 740M / 760M / 780M]", integrated: true),
        "0x1681": .init(name: "Rembrandt [Radeon 680M]", integrated: true),
        "0x164e": .init(name: "Raphael [Radeon Graphics]", integrated: true),
        "0x1638": .init(name: "Cezanne [Radeon Vega Series / Radeon Vega Mobile Series]", integrated: true),
    ]
    static let intel: [String: Known] = [
        "0x56a0": .init(name: "Arc A770", integrated: false),
        "0x56a1": .init(name: "Arc A750", integrated: false),
        "0x56a2": .init(name: "Arc A580", integrated: false),
        "0x56a5": .init(name: "Arc A380", integrated: false),
        "0x56a6": .init(name: "Arc A310", integrated: false),
        "0x5690": .init(name: "Arc A770M", integrated: false),
        "0x5693": .init(name: "Arc A370M", integrated: false),
        "0xe20b": .init(name: "Arc B580", integrated: false),
        "0xe20c": .init(name: "Arc B570", integrated: false),
        "0xe211": .init(name: "Arc Pro B60", integrated: false),
        "0xe212": .init(name: "Arc Pro B50", integrated: false),
        "0x7d55": .init(name: "Meteor Lake [Arc Graphics]", integrated: true),
        "0x64a0": .init(name: "Lunar Lake [Arc Graphics 130V / 140V]", integrated: true),
    ]

    /// - Parameter skipVendors: PCI vendors a vendor tool already reported ("0x10de", "0x1002").
    public static func parse(_ cards: [SysfsCard], skipVendors: Set<String> = []) -> GPUProbeResult {
        var gpus: [GPUReading] = []
        for c in cards {
            guard let vendorID = c.files["vendor"]?.lowercased(), let device = c.files["device"]?.lowercased() else { continue }
            if skipVendors.contains(vendorID) { continue }
            let vram = c.files["mem_info_vram_total"].flatMap { UInt64($0) }
            let gtt = c.files["mem_info_gtt_total"].flatMap { UInt64($0) }
            let bus = c.files["uevent"]?.split(whereSeparator: \.isNewline)
                .first { $0.hasPrefix("PCI_SLOT_NAME=") }.map { String($0.dropFirst("PCI_SLOT_NAME=".count)) }
            switch vendorID {
            case "0x1002":
                let known = amd[device]
                // An APU's carve-out is small and its GTT large; a card's VRAM is its memory.
                let integrated = known?.integrated ?? ((vram ?? 0) < 2 << 30 && (gtt ?? 0) > (vram ?? 0))
                let name = known?.name ?? "AMD GPU (PCI device \(device))"
                let memory = integrated ? (vram ?? 0) + (gtt ?? 0) : vram
                gpus.append(GPUReading(name: name, vendor: "AMD", memoryBytes: memory == 0 ? nil : memory,
                                       pciBusID: bus, integrated: integrated, gttBytes: gtt,
                                       candidateNames: AMDNames.expand(name), source: "sysfs"))
            case "0x8086":
                // i915/xe expose no VRAM size file; integrated graphics without a known id are not interesting.
                guard let known = intel[device] else { continue }
                gpus.append(GPUReading(name: "Intel \(known.name)", vendor: "Intel", memoryBytes: vram, pciBusID: bus,
                                       integrated: known.integrated, source: "sysfs"))
            case "0x10de":
                gpus.append(GPUReading(name: "NVIDIA GPU (PCI device \(device))", vendor: "NVIDIA", pciBusID: bus, source: "sysfs"))
            default:
                continue
            }
        }
        return .ok(gpus)
    }
}

/// `sysctl hw.memsize machdep.cpu.brand_string hw.perflevel0.physicalcpu ...` and
/// `system_profiler SPDisplaysDataType -json` on a Mac.
public enum AppleProbe {
    public static let sysctlKeys = ["hw.memsize", "machdep.cpu.brand_string", "hw.perflevel0.physicalcpu",
                                    "hw.perflevel1.physicalcpu", "hw.physicalcpu", "hw.logicalcpu", "hw.model"]

    /// `key: value` lines (a missing key makes sysctl print an error and exit non-zero, keeping the others).
    public static func sysctlValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty && !key.contains(" ") { out[key] = value }
        }
        return out
    }

    public static func parseDisplays(_ out: ToolOutput, memoryBytes: UInt64?) -> GPUProbeResult {
        if let r = GPUProbeResult.unusable(out, tool: "system_profiler") { return r }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any],
              let list = obj["SPDisplaysDataType"] as? [[String: Any]] else {
            return .failed(out.failureReason(tool: "system_profiler") ?? "system_profiler printed no SPDisplaysDataType JSON")
        }
        var gpus: [GPUReading] = []
        for d in list {
            let name = (d["sppci_model"] as? String) ?? (d["_name"] as? String) ?? "GPU"
            let cores = (d["sppci_cores"] as? String).flatMap { Int($0) } ?? (d["sppci_cores"] as? Int)
            let builtin = (d["sppci_bus"] as? String) == "spdisplays_builtin"
            let vendorRaw = (d["spdisplays_vendor"] as? String) ?? ""
            let apple = vendorRaw.lowercased().contains("apple") || name.hasPrefix("Apple")
            var vram: UInt64?
            if !builtin, let s = (d["spdisplays_vram"] as? String) ?? (d["spdisplays_vram_shared"] as? String) {
                let n = Double(s.split(separator: " ").first ?? "") ?? 0
                vram = UInt64(n * (s.uppercased().contains("GB") ? 1_073_741_824 : 1_048_576))
            }
            gpus.append(GPUReading(name: name, vendor: apple ? "Apple" : vendorRaw.replacingOccurrences(of: "sppci_vendor_", with: ""),
                                   memoryBytes: apple ? memoryBytes : vram, integrated: builtin || apple, gpuCores: cores,
                                   source: "system_profiler"))
        }
        return .ok(gpus)
    }
}
