/// A piece of hardware in the catalog: a GPU, an Apple-silicon chip, a unified-memory PC or a CPU.
///
/// Read from `catalog/hardware/<vendor>.yaml`. Figures are the vendor's; see `source` and `fieldSources`.
///
/// ```swift
/// let gpu = try catalog.hardware(named: "RTX 3060 12GB")
/// gpu.device.bandwidthGBs   // 360
/// ```
public struct HardwareDevice: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Codable, Hashable { case gpu, apple, soc, cpu }
    public enum Form: String, Sendable, Codable, Hashable {
        case desktop, laptop, workstation, datacenter, embedded
        case miniPC = "mini-pc"
    }
    public struct Price: Sendable, Hashable, Codable {
        public var launch: Double?
        public var street: Double?
        public var used: Double?
        public var asOf: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case launch, street, used, asOf = "as_of" }
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            launch = try c.decodeIfPresent(Double.self, forKey: .launch)
            street = try c.decodeIfPresent(Double.self, forKey: .street)
            used = try c.decodeIfPresent(Double.self, forKey: .used)
            asOf = try c.decodeIfPresent(LooseString.self, forKey: .asOf)?.value
        }
    }

    public var id: String
    public var name: String
    public var vendor: String = ""
    public var aliases: [String]
    public var kind: Kind
    public var form: Form?
    public var memoryGiB: Double?
    public var memoryOptionsGiB: [Double]?
    public var memoryType: String?
    public var busWidthBits: Int?
    public var dataRateGbps: Double?
    public var bandwidthGBs: Double
    public var fp16TensorTFLOPS: Double?
    public var fp32TFLOPS: Double?
    public var tdpW: Double?
    public var released: String?
    public var backends: [Backend]
    public var pcie: String?
    public var price: Price?
    public var gpuCores: Int?
    public var cpuCores: Int?
    public var cores: Int?
    public var threads: Int?
    public var memoryChannels: Int?
    public var simd: String?
    public var baseClockGHz: Double?
    public var boostClockGHz: Double?
    public var gpuMaxAllocGiB: Double?
    public var neuralEngineTOPS: Double?
    public var source: String
    public var fieldSources: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, aliases, kind, form, pcie, released, backends, simd, source, threads, cores
        case memoryGiB = "memory_gib", memoryOptionsGiB = "memory_options_gib", memoryType = "memory_type"
        case busWidthBits = "bus_width_bits", dataRateGbps = "data_rate_gbps", bandwidthGBs = "bandwidth_gbs"
        case fp16TensorTFLOPS = "fp16_tensor_tflops", fp32TFLOPS = "fp32_tflops", tdpW = "tdp_w"
        case price = "price_usd", gpuCores = "gpu_cores", cpuCores = "cpu_cores"
        case memoryChannels = "memory_channels", baseClockGHz = "base_clock_ghz", boostClockGHz = "boost_clock_ghz"
        case gpuMaxAllocGiB = "gpu_max_alloc_gib", neuralEngineTOPS = "neural_engine_tops"
        case fieldSources = "field_sources"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([LooseString].self, forKey: .aliases)?.map(\.value) ?? []
        kind = try c.decode(Kind.self, forKey: .kind)
        form = try c.decodeIfPresent(Form.self, forKey: .form)
        memoryGiB = try c.decodeIfPresent(Double.self, forKey: .memoryGiB)
        memoryOptionsGiB = try c.decodeIfPresent([Double].self, forKey: .memoryOptionsGiB)
        memoryType = try c.decodeIfPresent(String.self, forKey: .memoryType)
        busWidthBits = try c.decodeIfPresent(Int.self, forKey: .busWidthBits)
        dataRateGbps = try c.decodeIfPresent(Double.self, forKey: .dataRateGbps)
        bandwidthGBs = try c.decode(Double.self, forKey: .bandwidthGBs)
        fp16TensorTFLOPS = try c.decodeIfPresent(Double.self, forKey: .fp16TensorTFLOPS)
        fp32TFLOPS = try c.decodeIfPresent(Double.self, forKey: .fp32TFLOPS)
        tdpW = try c.decodeIfPresent(Double.self, forKey: .tdpW)
        released = try c.decodeIfPresent(LooseString.self, forKey: .released)?.value
        backends = try c.decodeIfPresent([Backend].self, forKey: .backends) ?? []
        pcie = try c.decodeIfPresent(LooseString.self, forKey: .pcie)?.value
        price = try c.decodeIfPresent(Price.self, forKey: .price)
        gpuCores = try c.decodeIfPresent(Int.self, forKey: .gpuCores)
        cpuCores = try c.decodeIfPresent(Int.self, forKey: .cpuCores)
        cores = try c.decodeIfPresent(Int.self, forKey: .cores)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        memoryChannels = try c.decodeIfPresent(Int.self, forKey: .memoryChannels)
        simd = try c.decodeIfPresent(String.self, forKey: .simd)
        baseClockGHz = try c.decodeIfPresent(Double.self, forKey: .baseClockGHz)
        boostClockGHz = try c.decodeIfPresent(Double.self, forKey: .boostClockGHz)
        gpuMaxAllocGiB = try c.decodeIfPresent(Double.self, forKey: .gpuMaxAllocGiB)
        neuralEngineTOPS = try c.decodeIfPresent(Double.self, forKey: .neuralEngineTOPS)
        source = try c.decode(LooseString.self, forKey: .source).value
        fieldSources = try c.decodeIfPresent([String: LooseString].self, forKey: .fieldSources)?.mapValues(\.value) ?? [:]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(memoryGiB, forKey: .memoryGiB)
        try c.encodeIfPresent(memoryOptionsGiB, forKey: .memoryOptionsGiB)
        try c.encode(bandwidthGBs, forKey: .bandwidthGBs)
        try c.encodeIfPresent(fp16TensorTFLOPS, forKey: .fp16TensorTFLOPS)
        try c.encodeIfPresent(fp32TFLOPS, forKey: .fp32TFLOPS)
        try c.encodeIfPresent(tdpW, forKey: .tdpW)
        try c.encode(backends, forKey: .backends)
        try c.encode(source, forKey: .source)
    }

    /// The display name with the vendor ("NVIDIA GeForce RTX 3060 12GB").
    public var displayName: String {
        vendor.isEmpty || name.lowercased().hasPrefix(vendor.lowercased()) ? name : "\(vendor) \(name)"
    }

    /// Every memory size this device can be had with (GiB).
    public var memoryChoicesGiB: [Double] {
        if let options = memoryOptionsGiB, !options.isEmpty { return options }
        if let memoryGiB { return [memoryGiB] }
        return []
    }

    /// Whether the GPU shares one memory with the CPU (Apple silicon, Strix Halo, DGX Spark, iGPUs).
    public var isUnifiedMemory: Bool { kind == .apple || kind == .soc }
    /// Stacked high-bandwidth memory (HBM2, HBM2e, HBM3, HBM3e): a datacenter card's, with more bytes in flight needed
    /// to reach its bandwidth than a GDDR card's.
    public var hasHBM: Bool { memoryType?.uppercased().hasPrefix("HBM") ?? false }

    /// The llama.cpp backends that can run on this device: its vendor's (the catalog's `backends`), Vulkan and
    /// OpenCL on any GPU but Apple's, and the CPU everywhere.
    ///
    /// ```swift
    /// rtx4090.llamaCppBackends   // [.cuda, .vulkan, .opencl, .cpu]
    /// ```
    public var llamaCppBackends: [Backend] {
        var out = backends.filter { $0 != .cpu }
        if kind != .cpu && kind != .apple {
            for b in [Backend.vulkan, .opencl] where !out.contains(b) { out.append(b) }
        }
        return out + [.cpu]
    }
}

/// A compute backend a runtime can drive hardware with.
public enum Backend: String, Sendable, Codable, Hashable, CaseIterable {
    case cuda, rocm, metal, vulkan, sycl, cpu, opencl

    /// The name llama.cpp and benchmark tables print.
    public var displayName: String {
        switch self {
        case .cuda: "CUDA"
        case .rocm: "ROCm"
        case .metal: "Metal"
        case .vulkan: "Vulkan"
        case .sycl: "SYCL"
        case .cpu: "CPU"
        case .opencl: "OpenCL"
        }
    }
}

/// A scalar YAML value read as text whatever its YAML type (`2024-07`, `4.0 x16`, `1.5`).
struct LooseString: Decodable, Hashable {
    var value: String
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s; return }
        if let i = try? c.decode(Int.self) { value = String(i); return }
        if let d = try? c.decode(Double.self) { value = String(d); return }
        if let b = try? c.decode(Bool.self) { value = String(b); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a text value")
    }
}

extension HardwareDevice {
    /// How a device is bought now.
    public enum PriceCondition: String, Sendable, Hashable, CaseIterable { case new, used }

    /// The one price rule: new is the street price, used the used price (both with the catalog's `as_of` date).
    /// The launch price is history, shown as such, never quoted as what the device costs now.
    public func price(_ condition: PriceCondition) -> Double? {
        switch condition {
        case .new: price?.street
        case .used: price?.used
        }
    }

    /// The cheapest way to buy it now (new or used), nil when the catalog has no current price.
    public var currentPrice: (usd: Double, condition: PriceCondition)? {
        let options = PriceCondition.allCases.compactMap { c in price(c).map { (usd: $0, condition: c) } }
        return options.min { $0.usd < $1.usd }
    }
}
