/// The question every page, API answer and CLI line asks: will model M at quantisation Q and context C run
/// on hardware H with runtime R? Names are resolved through the ``Catalog``; the answer is one
/// ``Estimate`` plus its commands, in the stable JSON shape of ``WillItRunAnswer``.
///
/// ```swift
/// let q = WillItRunQuery(model: "llava 1.6 7b", quant: "Q4_K_M", hardware: "RTX 3060 12GB", context: 4096, images: 1)
/// let answer = try WillItRun.answer(q, catalog: catalog)
/// answer.fit.tier   // "comfortable"
/// ```
public struct WillItRunQuery: Sendable, Hashable {
    public var model: String
    public var quant: String
    public var hardware: String
    public var context: Int
    public var images: Int
    public var kvType: String?
    public var flashAttention: Bool?
    public var runtime: String?
    public var gpuLayers: Int?
    /// System RAM of the host (GiB) when the hardware is a discrete GPU; nil = 32 GiB.
    public var hostRAMGiB: Double?

    public init(model: String, quant: String = "Q4_K_M", hardware: String, context: Int = 4096, images: Int = 0,
                kvType: String? = nil, flashAttention: Bool? = nil, runtime: String? = nil, gpuLayers: Int? = nil,
                hostRAMGiB: Double? = nil) {
        self.model = model; self.quant = quant; self.hardware = hardware; self.context = context; self.images = images
        self.kvType = kvType; self.flashAttention = flashAttention; self.runtime = runtime; self.gpuLayers = gpuLayers
        self.hostRAMGiB = hostRAMGiB
    }
}

public enum WillItRun {
    /// Resolves the query's names and settings (throwing clear errors) and plans it.
    public static func answer(_ q: WillItRunQuery, catalog: Catalog) throws -> WillItRunAnswer {
        try plan(q, catalog: catalog, profiles: ProfileSynthesizer()).answer
    }

    /// The catalog model and llama.cpp file type a query names (clear errors for unknown names).
    static func modelAndMix(_ q: WillItRunQuery, catalog: Catalog) throws -> (CatalogModel, QuantMix) {
        let model = try catalog.model(named: q.model)
        guard let mix = QuantMix(name: q.quant) else {
            throw CatalogError.notFound(kind: "quantisation", query: q.quant, suggestions: QuantMix.suggestions(for: q.quant))
        }
        return (model, mix)
    }

    /// Plans a profile read from a file (GGUF) on named hardware.
    public static func answer(profile: ModelProfile, hardware: String, query q: WillItRunQuery, catalog: Catalog,
                              file: String? = nil, mmprojFile: String? = nil) throws -> WillItRunAnswer {
        let selection = try catalog.hardware(named: hardware)
        let estimate = try Planner.plan(profile: profile, system: try system(for: selection, query: q), settings: try settings(for: q))
        let model = profile.catalogID.flatMap { catalog.model(id: $0) }
        return WillItRunAnswer(estimate, model: model,
                               commands: CommandBuilder.commands(for: estimate, model: model, file: file, mmprojFile: mmprojFile))
    }

    static func settings(for q: WillItRunQuery) throws -> RunSettings {
        var s = RunSettings(context: q.context, images: q.images)
        if let kv = q.kvType {
            guard let t = GGMLType(name: kv), RunSettings.cacheTypes.contains(t) else {
                throw EstimateError.invalidSetting("KV cache type '\(kv)' is unknown; use f16, q8_0 or q4_0")
            }
            s.keyType = t; s.valueType = t
        }
        if let fa = q.flashAttention { s.flashAttention = fa }
        if let r = q.runtime {
            guard let kind = Runtime.Kind(rawValue: r.lowercased().replacingOccurrences(of: " ", with: "-"))
                    ?? (r.lowercased().hasPrefix("llama") ? .llamaCpp : r.lowercased().hasPrefix("lm") ? .lmStudio : nil) else {
                throw CatalogError.notFound(kind: "runtime", query: r, suggestions: Runtime.Kind.allCases.map(\.rawValue))
            }
            s.runtime = kind
            // Ollama leaves flash attention off unless OLLAMA_FLASH_ATTENTION=1.
            if kind == .ollama && q.flashAttention == nil { s.flashAttention = s.valueType.isQuantized }
        }
        s.gpuLayers = q.gpuLayers
        return s
    }

    static func system(for selection: HardwareSelection, query q: WillItRunQuery) throws -> TargetSystem {
        if let ram = q.hostRAMGiB {
            guard ram > 0, ram <= 65_536 else { throw EstimateError.invalidSetting("RAM \(ram) GiB is out of range; give 1...65536") }
            return TargetSystem(selection, host: .init(ramGiB: ram))
        }
        return TargetSystem(selection)
    }
}

/// The stable JSON contract of a will-it-run answer (`runlocalai will-it-run --json`, `/api/v1/will-it-run`).
public struct WillItRunAnswer: Sendable, Codable, Hashable {
    public struct Named: Sendable, Codable, Hashable { public var id: String; public var name: String }
    public struct HardwareRef: Sendable, Codable, Hashable {
        public var id: String; public var name: String; public var count: Int
        /// Other catalog entries the hardware name fitted as well (the answer took the base variant); nil when none.
        public var alternatives: [String]? = nil
    }
    public struct Memory: Sendable, Codable, Hashable {
        public var weights_bytes: UInt64
        public var repack_bytes: UInt64
        public var vision_bytes: UInt64
        public var kv_cache_bytes: UInt64
        public var compute_bytes: UInt64
        public var overhead_bytes: UInt64
        /// Every byte at the load-time peak (kept as it was: the sum of the parts above).
        public var total_bytes: UInt64
        public var gpu_bytes: UInt64
        public var cpu_bytes: UInt64
        /// What stays resident once loaded: "needed memory" on every page (total less the file pages the CPU
        /// repack replaced). Added in v1.1.
        public var needed_bytes: UInt64? = nil
        /// The load-time peak (= total_bytes), labelled; it never changes the verdict. Added in v1.1.
        public var peak_bytes: UInt64? = nil
        /// Of kv_cache_bytes, a hybrid model's recurrent state (absent for other models). Added in v1.2.
        public var recurrent_state_bytes: UInt64? = nil
    }
    public struct Device: Sendable, Codable, Hashable {
        public var name: String
        public var kind: String
        public var capacity_bytes: UInt64
        public var usable_bytes: UInt64
        public var layers: Int
        public var weights_bytes: UInt64
        public var repack_bytes: UInt64
        public var vision_bytes: UInt64
        public var kv_cache_bytes: UInt64
        public var compute_bytes: UInt64
        public var overhead_bytes: UInt64
        /// The device's load-time peak.
        public var total_bytes: UInt64
        /// What stays resident on the device (the peak less the file pages a CPU repack replaced). Added in v1.1.
        public var needed_bytes: UInt64? = nil
    }
    public struct FitPart: Sendable, Codable, Hashable {
        public var tier: String
        public var placement: String
        public var gpu_layers: Int
        public var total_layers: Int
        public var headroom_bytes: Int64
        public var notes: [String]
        /// llama.cpp's `--n-cpu-moe`: layers whose routed experts stay in system RAM (absent when none). Added in v1.2.
        public var cpu_moe_layers: Int? = nil
    }
    public struct Speed: Sendable, Codable, Hashable {
        public var decode_tps: SpeedRange
        public var prefill_tps: SpeedRange
        public var evidence: String
        /// Where the figures come from, in a sentence (set when benchmark runs were consulted).
        public var evidence_basis: String?
        /// Benchmark runs behind a measured / measured-near / community / extrapolated figure.
        public var run_ids: [String]?
        /// Several runs of the tuple disagree by more than 20%.
        public var needs_review: Bool?
        /// The engine's own figures, kept beside the ones taken from benchmark runs (nil while `estimated`).
        public var estimate: EngineEstimate?

        /// The speed model's prediction for the question, whatever the evidence says.
        public struct EngineEstimate: Sendable, Codable, Hashable {
            public var decode_tps: SpeedRange
            public var prefill_tps: SpeedRange
        }
    }

    /// The same answer with speeds and evidence taken from benchmark runs (see the store's `EvidenceResolver`).
    public func withEvidence(_ evidence: Evidence, decode: SpeedRange, prefill: SpeedRange, basis: String, runIDs: [String],
                             needsReview: Bool) -> WillItRunAnswer {
        var a = self
        guard a.fit.tier != FitTier.wontRun.rawValue else { return a }
        let own = a.speed.estimate ?? Speed.EngineEstimate(decode_tps: a.speed.decode_tps, prefill_tps: a.speed.prefill_tps)
        a.speed = Speed(decode_tps: decode, prefill_tps: prefill, evidence: evidence.rawValue, evidence_basis: basis,
                        run_ids: runIDs.isEmpty ? nil : runIDs, needs_review: needsReview ? true : nil,
                        estimate: evidence == .estimated ? nil : own)
        return a
    }
    public var model: Named
    public var quant: String
    public var hardware: HardwareRef
    public var context: Int
    public var images: Int
    public var image_tokens: Int
    public var kv_type: String
    public var flash_attention: Bool
    /// The runtime the answer is for (llama.cpp, ollama, lm-studio, vllm, mlx). Added in v1.1.
    public var runtime: String? = nil
    public var memory: Memory
    public var devices: [Device]
    public var fit: FitPart
    public var speed: Speed
    public var commands: [RuntimeCommand]
    /// Where the model was read from when it is not a catalog entry: a GGUF file (path or URL), sized from its
    /// header, every tensor as stored. Absent for catalog models.
    public var model_file: ModelFile? = nil

    /// A GGUF the answer was read from.
    public struct ModelFile: Sendable, Codable, Hashable {
        public var url: String
        public var mmproj_url: String?
        public var etag: String?
        public init(url: String, mmproj_url: String?, etag: String?) { self.url = url; self.mmproj_url = mmproj_url; self.etag = etag }
    }

    public init(_ e: Estimate, model: CatalogModel?, commands: [RuntimeCommand]) {
        let u = e.usage
        self.model = Named(id: model?.id ?? e.profile.id, name: model?.name ?? e.profile.name)
        quant = e.profile.quant
        let sel = e.system.selection
        hardware = HardwareRef(id: sel?.id ?? "custom", name: sel?.displayName ?? e.system.host.name, count: sel?.count ?? 1,
                               alternatives: sel.flatMap { $0.alternatives.isEmpty ? nil : $0.alternatives })
        context = e.settings.context
        images = e.settings.images
        image_tokens = e.settings.images * (e.profile.vision?.tokensPerImage ?? 0)
        kv_type = e.settings.keyType == e.settings.valueType ? e.settings.keyType.name.lowercased()
            : "\(e.settings.keyType.name.lowercased())/\(e.settings.valueType.name.lowercased())"
        flash_attention = e.settings.flashAttention
        runtime = e.settings.runtime.rawValue
        memory = Memory(weights_bytes: u.sum(\.weights), repack_bytes: u.sum(\.repack), vision_bytes: u.sum(\.vision),
                        kv_cache_bytes: u.sum(\.kvCache), compute_bytes: u.sum(\.compute), overhead_bytes: u.sum(\.overhead),
                        total_bytes: u.total, gpu_bytes: u.gpuBytes, cpu_bytes: u.host.total, needed_bytes: u.needed, peak_bytes: u.total)
        var devices: [Device] = []
        for (i, g) in u.gpus.enumerated() {
            let gpu = e.system.gpus[i]
            devices.append(Device(name: g.name, kind: gpu.backend.rawValue, capacity_bytes: gpu.memoryBytes, usable_bytes: gpu.usableBytes,
                                  layers: g.layers, weights_bytes: g.weights, repack_bytes: g.repack, vision_bytes: g.vision,
                                  kv_cache_bytes: g.kvCache, compute_bytes: g.compute, overhead_bytes: g.overhead, total_bytes: g.total,
                                  needed_bytes: g.total))
        }
        let h = u.host
        devices.append(Device(name: h.name, kind: "host", capacity_bytes: e.system.host.ramBytes, usable_bytes: e.system.hostUsableBytes,
                              layers: h.layers, weights_bytes: h.weights, repack_bytes: h.repack, vision_bytes: h.vision,
                              kv_cache_bytes: h.kvCache, compute_bytes: h.compute, overhead_bytes: h.overhead, total_bytes: h.total,
                              needed_bytes: h.total - h.repack))
        let state = u.sum(\.recurrentState)
        if state > 0 { memory.recurrent_state_bytes = state }
        self.devices = devices
        fit = FitPart(tier: e.fit.tier.rawValue, placement: e.fit.placement.rawValue, gpu_layers: e.fit.gpuLayers,
                      total_layers: e.fit.totalLayers, headroom_bytes: e.fit.headroomBytes, notes: e.fit.notes)
        if e.settings.cpuMoELayers > 0 { fit.cpu_moe_layers = e.settings.cpuMoELayers }
        speed = Speed(decode_tps: e.decode, prefill_tps: e.prefill, evidence: e.evidence.rawValue, evidence_basis: nil, run_ids: nil,
                      needs_review: nil)
        self.commands = commands
    }
}
