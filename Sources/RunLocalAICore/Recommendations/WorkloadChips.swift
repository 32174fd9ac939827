import Foundation

/// A reference workload: one catalog model at one quantisation and context (and images).
public struct ReferenceWorkload: Sendable, Hashable, Codable {
    public var id: String
    public var label: String
    /// Candidate models, first one present in the catalog is used.
    public var models: [String]
    public var quant: String
    public var context: Int
    public var images: Int

    public init(id: String, label: String, models: [String], quant: String = "Q4_K_M", context: Int = 8192, images: Int = 0) {
        self.id = id; self.label = label; self.models = models; self.quant = quant; self.context = context; self.images = images
    }

    /// The workloads every hardware page shows as chips.
    public static let chips: [ReferenceWorkload] = [
        .init(id: "chat-7b", label: "7B chat", models: ["llama-3.1-8b"]),
        .init(id: "chat-14b", label: "14B chat", models: ["qwen2.5-14b"]),
        .init(id: "chat-32b", label: "32B chat", models: ["qwen2.5-32b"]),
        .init(id: "chat-70b", label: "70B chat", models: ["llama-3.3-70b"]),
        .init(id: "coding-agent", label: "Coding agent (32K)", models: ["qwen2.5-coder-32b", "qwen3-coder-30b-a3b"], context: 32_768),
        .init(id: "vision", label: "Vision (≤ 8B VLM)", models: ["qwen2.5-vl-7b"], images: 1),
        .init(id: "long-context", label: "Long context (32K)", models: ["llama-3.1-8b"], context: 32_768),
    ]
}

/// How a workload sits on a piece of hardware, from the engine's plan.
public enum ChipStatus: String, Sendable, Codable, CaseIterable {
    /// Everything on the GPU with llama.cpp's margin, at least 10 tokens/s.
    case comfortable
    /// On the GPU, but with less than the margin free or below 10 tokens/s.
    case tight
    /// Runs only partly on the GPU (or on the CPU).
    case marginal
    /// The host cannot hold its share.
    case doesNotFit = "doesnt-fit"

    public var label: String {
        switch self {
        case .comfortable: "comfortable"
        case .tight: "tight"
        case .marginal: "marginal"
        case .doesNotFit: "doesn't fit"
        }
    }

    /// The status of one plan (the same mapping everywhere, so a chip can never contradict a will-it-run answer).
    public init(_ fit: Fit) {
        switch (fit.tier, fit.placement) {
        case (.comfortable, _): self = .comfortable
        case (.wontRun, _), (_, .none): self = .doesNotFit
        case (.tradeoffs, .gpu): self = .tight
        case (.tradeoffs, _): self = .marginal
        }
    }
}

/// One chip: a workload, its status and the engine's figures behind it.
public struct WorkloadChip: Sendable, Hashable, Codable {
    public var id: String
    public var label: String
    public var model: String
    public var quant: String
    public var context: Int
    public var images: Int
    public var status: ChipStatus
    public var status_label: String
    public var decode_tps: Double
    public var total_bytes: UInt64
    public var gpu_layers: Int
    public var total_layers: Int
    /// Where `decode_tps` comes from: the engine gives `estimated`; a site with benchmark runs replaces the figure
    /// and this label with the will-it-run answer's for the same question.
    public var evidence: String = Evidence.estimated.rawValue

    public init(id: String, label: String, model: String, quant: String, context: Int, images: Int, status: ChipStatus, status_label: String,
                decode_tps: Double, total_bytes: UInt64, gpu_layers: Int, total_layers: Int, evidence: String = Evidence.estimated.rawValue) {
        self.id = id; self.label = label; self.model = model; self.quant = quant; self.context = context; self.images = images
        self.status = status; self.status_label = status_label; self.decode_tps = decode_tps; self.total_bytes = total_bytes
        self.gpu_layers = gpu_layers; self.total_layers = total_layers; self.evidence = evidence
    }
}

public enum WorkloadChips {
    /// The chips of a hardware selection (every chip from one plan through the engine).
    public static func chips(for selection: HardwareSelection, catalog: Catalog, profiles: any ProfileSource,
                             workloads: [ReferenceWorkload] = ReferenceWorkload.chips) -> [WorkloadChip] {
        chips(for: TargetSystem(selection), catalog: catalog, profiles: profiles, workloads: workloads)
    }

    public static func chips(for system: TargetSystem, catalog: Catalog, profiles: any ProfileSource,
                             workloads: [ReferenceWorkload] = ReferenceWorkload.chips) -> [WorkloadChip] {
        workloads.compactMap { chip(for: $0, system: system, catalog: catalog, profiles: profiles) }
    }

    /// Plans one workload; nil when none of its models is in the catalog.
    public static func estimate(_ w: ReferenceWorkload, system: TargetSystem, catalog: Catalog, profiles: any ProfileSource) -> (CatalogModel, Estimate)? {
        guard let model = w.models.lazy.compactMap({ catalog.model(id: $0) }).first, let mix = QuantMix(name: w.quant) else { return nil }
        let settings = RunSettings(context: w.context, images: w.images)
        guard let e = try? Planner.plan(profile: profiles.profile(model: model, mix: mix), system: system, settings: settings) else { return nil }
        return (model, e)
    }

    public static func chip(for w: ReferenceWorkload, system: TargetSystem, catalog: Catalog, profiles: any ProfileSource) -> WorkloadChip? {
        guard let (model, e) = estimate(w, system: system, catalog: catalog, profiles: profiles) else { return nil }
        let status = ChipStatus(e.fit)
        return WorkloadChip(id: w.id, label: w.label, model: model.id, quant: w.quant, context: w.context, images: w.images,
                            status: status, status_label: status.label, decode_tps: e.decode.expected, total_bytes: e.usage.needed,
                            gpu_layers: e.fit.gpuLayers, total_layers: e.fit.totalLayers)
    }
}
