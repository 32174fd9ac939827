/// How each runtime differs from llama.cpp's own allocation, or why it does not run on a system at all.
/// The planner applies these, so every surface (page, API, CLI) gets the same runtime answer.
///
/// - llama.cpp: the reference; nothing changes.
/// - Ollama: llama.cpp underneath; flash attention stays off unless the KV cache is quantised (set in the
///   question's settings), and it chooses its own GPU layer count (said in a note).
/// - LM Studio: GGUF files run on its bundled llama.cpp (the same plan); on a Mac it can load MLX models too.
/// - vLLM: CUDA or ROCm GPUs only, tensor parallel over 1, 2, 4 or 8 cards (dividing the attention heads),
///   no CPU offload, and it preallocates `--gpu-memory-utilization` (0.9) of every GPU.
/// - MLX: Apple silicon only; its own 4/8-bit formats are close to the GGUF quantisation planned.
///
/// ```swift
/// try RuntimeRules.check(.vllm, system: macSystem, profile: p)   // throws: vLLM does not run on Apple silicon
/// ```
public enum RuntimeRules {
    /// vLLM's default `--gpu-memory-utilization`: the share of each GPU it reserves at start.
    public static let vllmMemoryUtilization = 0.9

    /// Throws ``EstimateError/invalidSetting(_:)`` naming the alternatives when `runtime` cannot run on `system`.
    public static func check(_ runtime: Runtime.Kind, system: TargetSystem, profile: ModelProfile) throws {
        let name = system.selection?.displayName ?? system.gpus.first?.name ?? system.host.name
        let isApple = system.selection?.device.kind == .apple || system.gpus.contains { $0.backend == .metal }
        switch runtime {
        case .llamaCpp, .ollama, .lmStudio:
            return
        case .mlx:
            guard isApple else {
                throw EstimateError.invalidSetting("MLX runs only on Apple silicon; on \(name) use llama.cpp, Ollama or LM Studio" +
                                                   (system.gpus.contains { $0.backend == .cuda || $0.backend == .rocm } ? " (or vLLM)" : ""))
            }
        case .vllm:
            if isApple {
                throw EstimateError.invalidSetting("vLLM does not run on Apple silicon (\(name)); use llama.cpp, Ollama, LM Studio or MLX")
            }
            guard !system.gpus.isEmpty, system.gpus.allSatisfy({ $0.backend == .cuda || $0.backend == .rocm }) else {
                throw EstimateError.invalidSetting("vLLM needs NVIDIA (CUDA) or AMD (ROCm) GPUs; on \(name) use llama.cpp, Ollama or LM Studio")
            }
            let n = system.gpus.count
            let heads = profile.architecture.heads
            guard [1, 2, 4, 8, 16].contains(n), heads % n == 0 else {
                throw EstimateError.invalidSetting("vLLM splits a model over 1, 2, 4 or 8 GPUs by tensor parallelism, which must divide its \(heads) attention heads; \(n) cards: use llama.cpp's layer split (runtime llama.cpp) or \(n > 8 ? 8 : [1, 2, 4, 8].last { $0 < n } ?? 1) cards")
            }
        }
    }

    /// The system as the runtime sees it: vLLM may use its utilisation share of each GPU, not llama.cpp's usable memory.
    public static func adjusted(_ system: TargetSystem, for runtime: Runtime.Kind) -> TargetSystem {
        guard runtime == .vllm else { return system }
        var s = system
        s.gpus = s.gpus.map { g in
            var g = g
            g.usableBytes = min(g.usableBytes, UInt64(Double(g.memoryBytes) * vllmMemoryUtilization))
            return g
        }
        return s
    }

    /// The runtime's own notes on a plan (nil placement change); and whether the plan cannot run under it.
    static func notes(_ runtime: Runtime.Kind, placement: Placement, system: TargetSystem, settings: RunSettings) -> (notes: [String], refuses: Bool) {
        switch runtime {
        case .llamaCpp:
            return ([], false)
        case .ollama:
            var n = ["Ollama runs llama.cpp underneath and picks its own GPU layer count from its memory estimate; pin it with num_gpu if it differs from this plan"]
            if !settings.flashAttention { n.append("Ollama leaves flash attention off unless OLLAMA_FLASH_ATTENTION=1 (or a quantised KV cache) is set") }
            return (n, false)
        case .lmStudio:
            return (["LM Studio loads GGUF files with its bundled llama.cpp, so these are llama.cpp's figures" +
                     (system.selection?.device.kind == .apple ? "; its MLX engine is an option on this Mac" : "")], false)
        case .mlx:
            return (["MLX uses its own formats (4-bit with group size 64 is about 4.5 bits per weight, 8-bit about 8.5): the figures are llama.cpp's Metal plan of this GGUF quantisation, the closest match"], false)
        case .vllm:
            var n = [String(format: "vLLM reserves %.0f%% of each GPU at start (--gpu-memory-utilization %.1f) and fills what the weights leave with KV cache; the bars show what this context needs",
                            vllmMemoryUtilization * 100, vllmMemoryUtilization)]
            if system.gpus.count > 1 { n.append("vLLM splits the model over \(system.gpus.count) GPUs by tensor parallelism (--tensor-parallel-size \(system.gpus.count))") }
            if placement != .gpu {
                n.append("vLLM cannot offload layers to the CPU: the model must fit on the GPU" + (system.gpus.count > 1 ? "s" : "") + "; use llama.cpp for a partial offload")
                return (n, true)
            }
            return (n, false)
        }
    }
}
