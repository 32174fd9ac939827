import Foundation

/// The buffer sizes llama.cpp prints when it loads a model (`load_tensors: CUDA0 model buffer size = ...`,
/// `llama_kv_cache: CPU KV buffer size = ...`, `sched_reserve: CPU compute buffer size = ...`,
/// `llama_context: CPU output buffer size = ...`), summed per kind, in bytes.
///
/// Used to check the memory model against llama.cpp's own report, and by `runlocalai bench` to record what
/// a real run allocated.
///
/// ```swift
/// let report = LlamaCppMemoryReport(log: stderrText)
/// report.model["CPU_Mapped"]   // bytes
/// report.kvCache               // all KV buffers (SWA and non-SWA)
/// ```
public struct LlamaCppMemoryReport: Sendable, Hashable {
    /// Model buffers by buffer type ("CPU_Mapped", "CPU_REPACK", "CUDA0", "Metal", ...).
    public var model: [String: UInt64] = [:]
    /// KV buffers by device.
    public var kv: [String: UInt64] = [:]
    /// Recurrent-state buffers of a hybrid model (`llama_memory_recurrent: CPU RS buffer size = …`).
    public var rs: [String: UInt64] = [:]
    /// Compute buffers by device ("CPU", "CUDA0", "CUDA_Host", ...).
    public var compute: [String: UInt64] = [:]
    public var output: UInt64 = 0
    /// `n_ctx` the context was created with.
    public var context: Int?

    public var kvCache: UInt64 { kv.values.reduce(0, +) }
    public var recurrentState: UInt64 { rs.values.reduce(0, +) }
    public var computeTotal: UInt64 { compute.values.reduce(0, +) }

    public init(log: String) {
        for rawLine in log.split(whereSeparator: \.isNewline) {
            let line = String(rawLine)
            if let r = line.range(of: "llama_context: n_ctx"), let eq = line[r.upperBound...].firstIndex(of: "=") {
                context = Int(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces))
            }
            guard let sizeRange = line.range(of: " buffer size = ") else { continue }
            let tail = line[sizeRange.upperBound...].trimmingCharacters(in: .whitespaces)
            let number = tail.prefix { $0.isNumber || $0 == "." }
            guard let mib = Double(number) else { continue }
            let bytes = UInt64((mib * 1_048_576).rounded())
            // The word before "model/KV/compute/output buffer size" is the buffer type or device.
            let head = line[..<sizeRange.lowerBound]
            let words = head.split(separator: " ").map(String.init)
            guard let kind = words.last, words.count >= 2 else { continue }
            let device = words[words.count - 2]
            switch kind {
            case "model": model[device, default: 0] += bytes
            case "KV": kv[device, default: 0] += bytes
            case "RS": rs[device, default: 0] += bytes
            case "compute": compute[device, default: 0] += bytes
            case "output": output += bytes
            default: continue
            }
        }
    }
}
