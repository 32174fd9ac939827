import Foundation

/// A model's memory by quantisation × context: what llama.cpp allocates with every layer on one CUDA GPU
/// (weights, KV cache at f16, compute buffers, runtime context; GPU and host together), independent of any
/// particular card's size.
///
/// ```swift
/// let t = ModelMemoryTable.compute(model, profiles: profiles)
/// t.rows.first { $0.quant == "Q4_K_M" }?.total_bytes   // one entry per context
/// ```
public struct ModelMemoryTable: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var quant: String
        public var weights_bytes: UInt64
        public var bits_per_weight: Double
        /// Total bytes at each of ``contexts``.
        public var total_bytes: [UInt64]
        /// KV cache bytes at each of ``contexts``.
        public var kv_cache_bytes: [UInt64]
    }
    public var contexts: [Int]
    public var quants: [String]
    public var rows: [Row]
    public var basis: String

    public static let defaultQuants = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K"]
    public static let defaultContexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072]

    /// The reference device: one CUDA GPU with unbounded memory.
    static let referenceSystem = TargetSystem(
        gpus: [.init(name: "reference CUDA GPU", backend: .cuda, memoryBytes: 1 << 50, usableBytes: 1 << 50, bandwidthGBs: 1000,
                     fp16TFLOPS: 100, unified: false, pcieGBs: 25)],
        host: .init(ramGiB: 1_048_576))

    public static func compute(_ model: CatalogModel, quants: [String] = defaultQuants, contexts: [Int] = defaultContexts,
                               profiles: any ProfileSource) -> ModelMemoryTable {
        let ctxs = contexts.filter { $0 <= max(model.architecture.contextLength, contexts.first ?? 2048) }
        var rows: [Row] = []
        for q in quants {
            guard let mix = QuantMix(name: q) else { continue }
            let p = profiles.profile(model: model, mix: mix)
            var totals: [UInt64] = [], kvs: [UInt64] = []
            for c in ctxs {
                let u = MemoryModel.usage(profile: p, system: referenceSystem, settings: RunSettings(context: c), gpuLayers: p.architecture.layers + 1)
                totals.append(u.needed); kvs.append(u.sum(\.kvCache))
            }
            rows.append(Row(quant: mix.name, weights_bytes: p.weights.fileBytes, bits_per_weight: (p.weights.bitsPerWeight * 100).rounded() / 100,
                            total_bytes: totals, kv_cache_bytes: kvs))
        }
        return ModelMemoryTable(contexts: ctxs, quants: rows.map(\.quant), rows: rows,
                                basis: "llama.cpp with every layer on one CUDA GPU, f16 KV cache, flash attention, ubatch 512: weights + KV cache + compute buffers + runtime context")
    }
}
