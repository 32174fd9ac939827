import ArgumentParser
import Foundation
import RunLocalAIApp
import RunLocalAIAgent
import RunLocalAICore

struct WillItRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "will-it-run",
        abstract: "Plan a model on hardware: memory by device, fit, speed (with its evidence) and the commands to run it.",
        discussion: """
        Without --hardware (or with --hardware local), the plan is for THIS machine as `runlocalai detect` finds it: \
        its GPUs, RAM, and CPU memory bandwidth. Flags read by the same grammar as the site's URL: --ctx 32K, \
        --flash-attn auto|on|off, --hardware "dual 3090" / "2x3090" / "two RTX 3090s".
        Evidence: with a store (./data when present, or --data-dir DIR / --postgres URL) speeds come from approved \
        benchmark runs as on the site, and --json prints exactly the bytes /api/v1/will-it-run returns for the question.
        Examples:
          runlocalai will-it-run --model "llama 3.1 8b"                       # on this machine
          runlocalai will-it-run --model "llava 1.6 7b" --quant Q4_K_M --hardware "RTX 3060 12GB" --ctx 4096 --images 1
          runlocalai will-it-run --model llama-3.3-70b --hardware "dual 3090" --ctx 8K --kv-type q8_0
          runlocalai will-it-run --model qwen3-30b-a3b --hardware "M2 Ultra 192GB" --runtime mlx --json
          runlocalai will-it-run --gguf model.gguf --mmproj mmproj.gguf --hardware cpu
          runlocalai will-it-run --model unsloth/gemma-3-4b-it-GGUF:Q4_K_M --hardware "RTX 3060 12GB" --images 1
        """)

    @Option(help: "Model name or id from the catalog (forgiving: \"llama 3.1 8b\"), or a Hugging Face repository (OWNER/NAME[:QUANT]) or GGUF URL, read from its header.") var model: String?
    @Option(help: "A GGUF file or URL to plan exactly (instead of --model).") var gguf: String?
    @Option(help: "The vision projector GGUF (file or URL) for --gguf.") var mmproj: String?
    @Option(help: "llama.cpp file type: Q4_K_M, Q5_K_M, Q6_K, Q8_0, IQ4_XS, F16, ... (default: Q4_K_M, or the one format a model ships in, e.g. gpt-oss's MXFP4)")
    var quant: String?
    @Option(help: "Hardware: \"RTX 3060 12GB\", \"dual 3090\", \"Apple M2 Ultra 76-core\", \"cpu\"; omit (or 'local') for this machine.")
    var hardware: String?
    @Option(name: .customLong("ctx"), help: "Context length in tokens: 4096, 32K, 32768.") var context: String = String(Question.defaultContext)
    @Option(help: "Images in the context (vision-language models).") var images: String = "0"
    @Option(name: .customLong("kv-type"), help: "KV cache type for K and V: f16, q8_0, q4_0.") var kvType: String?
    @Option(name: .customLong("flash-attn"), help: "Flash attention: auto (default: on in llama.cpp, off in Ollama), on or off.") var flashAttn: String?
    @Option(help: "Runtime: llama.cpp, ollama, lm-studio, vllm, mlx.") var runtime: String?
    @Option(name: .customLong("ngl"), help: "Force this many GPU layers instead of choosing.") var gpuLayers: String?
    @Option(name: .customLong("ram"), help: "System RAM in GiB beside a discrete GPU (default: the catalog's 32, or this machine's).") var ram: String?
    @Option(help: "llama.cpp backend to plan for: cuda, rocm, metal, vulkan, sycl, or cpu (the cores alone); default the device's own.") var backend: String?
    @Flag(help: "Print the JSON answer (the API's bytes for the same question).") var json = false
    @OptionGroup var catalogOptions: CatalogOptions
    @Option(name: .customLong("data-dir"), help: "Folder of the site's SQLite store, for evidence from its benchmark runs (default ./data when it holds one).")
    var dataDir: String = "./data"
    @Option(help: "PostgreSQL URL of the site's store instead of SQLite.") var postgres: String?
    @OptionGroup(title: "Models named by URL or Hugging Face repository") var remoteOptions: RemoteModelOptions

    func validate() throws {
        if model == nil && gguf == nil { throw ValidationError("give --model NAME or --gguf FILE") }
        if model != nil && gguf != nil { throw ValidationError("give either --model or --gguf, not both") }
    }

    /// The flags as the question grammar reads them (the same names as the site's URL).
    var fields: [(String, String)] {
        var f: [(String, String)] = [("model", model ?? "file"), ("ctx", context), ("images", images)]
        if let quant { f.append(("quant", quant)) }
        if let hardware { f.append(("hardware", hardware)) }
        if let kvType { f.append(("kv", kvType)) }
        if let flashAttn { f.append(("fa", flashAttn)) }
        if let runtime { f.append(("runtime", runtime)) }
        if let gpuLayers { f.append(("ngl", gpuLayers)) }
        if let ram { f.append(("ram", ram)) }
        if let backend { f.append(("backend", backend)) }
        return f
    }

    func run() async throws {
        let question: Question
        do { question = try Question.parse(fields) } catch { throw CLIError("\(error.message) (flag --\(flagName(error.field)))") }
        var local: LocalMachine?
        if case .thisMachine = question.hardware {
            let catalog = try catalogOptions.load()
            local = await SystemProbe.localMachine(catalog: catalog)
        }
        let parts: AppParts
        do {
            var options = AppOptions(catalogPath: catalogOptions.path, dataDirectory: dataDir, postgresURL: postgres,
                                     createStore: false, seedEmptyStore: false, loadContent: false)
            options.remote = remoteOptions.source()
            parts = try await AppSetup.open(options, localMachine: local)
        } catch let e as AppSetup.SetupError { throw CLIError(e.description) }
        defer { parts.storeTask?.cancel() }
        let answer: Answer
        do {
            if let gguf {
                let profile = try await GGUFProfileLoader.profile(path: gguf, mmproj: mmproj, catalog: parts.catalog)
                answer = try await parts.service.answer(question, profile: profile, file: gguf, mmprojFile: mmproj)
            } else {
                answer = try await parts.service.answer(question)
            }
        } catch let e as CatalogError { throw CLIError(e.description) } catch let e as EstimateError { throw CLIError(e.description) }
        catch let e as RemoteModelError { throw CLIError("\(model ?? ""): \(e.description)") }
        if json { print(String(decoding: try answer.json(), as: UTF8.self)) } else { print(WillItRunReport.text(answer)) }
    }

    func flagName(_ f: Question.Field?) -> String {
        switch f {
        case .ctx: "ctx"
        case .kv: "kv-type"
        case .fa: "flash-attn"
        case .ram: "ram"
        case .ngl: "ngl"
        case let f?: f.rawValue
        case nil: "model"
        }
    }
}

/// The human report of a will-it-run answer (switching over the answer's enums).
enum WillItRunReport {
    static func text(_ ans: Answer) -> String {
        let a = ans.wire
        var lines: [String] = []
        let place: String
        switch ans.placement {
        case .gpu: place = "all \(a.fit.total_layers) layers on the GPU"
        case .partial:
            place = a.fit.cpu_moe_layers.map { "all \(a.fit.total_layers) layers on the GPU, the routed experts of \($0) of them in system RAM (--n-cpu-moe \($0))" }
                ?? "\(a.fit.gpu_layers) of \(a.fit.total_layers) layers on the GPU, the rest on the CPU"
        case .cpu: place = "on the CPU"
        case .none: place = "no placement fits"
        }
        lines.append("\(ans.tier.label): \(a.model.name) \(a.quant) on \(a.hardware.name), \(a.context) tokens of context\(a.images > 0 ? ", \(a.images) image(s) = \(a.image_tokens) tokens" : "")\(ans.question.runtime != .llamaCpp ? " with \(ans.question.runtime.rawValue)" : "") — \(place).")
        lines.append("")
        lines.append("Memory needed (KV cache \(a.kv_type), flash attention \(a.flash_attention ? "on" : "off")): \(formatBytes(ans.neededBytes))"
                     + (ans.peakBytes > ans.neededBytes ? " resident, \(formatBytes(ans.peakBytes)) at the load peak" : ""))
        for d in a.devices where d.total_bytes > 0 || d.kind != "host" {
            let cap = d.usable_bytes
            let held = d.needed_bytes ?? d.total_bytes
            let frac = cap > 0 ? min(1, Double(held) / Double(cap)) : 1
            let width = 30
            let filled = Int((frac * Double(width)).rounded())
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let peak = d.total_bytes > held ? " (\(formatBytes(d.total_bytes)) at the load peak)" : ""
            lines.append("  \(d.name): \(bar) \(formatBytes(held)) of \(formatBytes(cap)) usable\(peak)")
            var parts: [String] = []
            if d.weights_bytes > 0 { parts.append("weights \(formatBytes(d.weights_bytes))") }
            if d.repack_bytes > 0 { parts.append("CPU repack \(formatBytes(d.repack_bytes)) (load peak only)") }
            if d.vision_bytes > 0 { parts.append("vision \(formatBytes(d.vision_bytes))") }
            if d.kv_cache_bytes > 0 { parts.append("KV cache \(formatBytes(d.kv_cache_bytes))") }
            if d.compute_bytes > 0 { parts.append("compute \(formatBytes(d.compute_bytes))") }
            if d.overhead_bytes > 0 { parts.append("overhead \(formatBytes(d.overhead_bytes))") }
            lines.append("    " + parts.joined(separator: " + "))
        }
        lines.append("")
        if ans.runs {
            let s = a.speed
            lines.append(String(format: "Speed (%@): decode %.1f tok/s (%.1f–%.1f), prefill %.1f tok/s (%.1f–%.1f)", s.evidence,
                                s.decode_tps.expected, s.decode_tps.low, s.decode_tps.high,
                                s.prefill_tps.expected, s.prefill_tps.low, s.prefill_tps.high))
            if let basis = s.evidence_basis { lines.append("  \(basis)") }
            if let own = s.estimate {
                lines.append(String(format: "  the engine alone estimates decode %.1f tok/s, prefill %.1f tok/s", own.decode_tps.expected, own.prefill_tps.expected))
            }
        }
        for n in a.fit.notes { lines.append("Note: \(n)") }
        if !a.commands.isEmpty {
            lines.append("")
            lines.append("Run it:")
            for c in a.commands {
                lines.append("  [\(c.runtime)] \(c.command)")
                if let note = c.note { lines.append("      \(note)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
