import ArgumentParser
import Foundation
import RunLocalAICore

struct WillItRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "will-it-run",
        abstract: "Plan a model on hardware: memory by device, fit, speed and the commands to run it.",
        discussion: """
        Examples:
          runlocalai will-it-run --model "llava 1.6 7b" --quant Q4_K_M --hardware "RTX 3060 12GB" --ctx 4096 --images 1
          runlocalai will-it-run --model llama-3.1-70b --hardware "2x RTX 3090" --ctx 8192 --kv-type q8_0
          runlocalai will-it-run --model qwen3-30b-a3b --hardware "Apple M2 Ultra 76-core 192GB"
          runlocalai will-it-run --gguf model.gguf --mmproj mmproj.gguf --hardware cpu
        """)

    @Option(help: "Model name or id from the catalog (forgiving: \"llama 3.1 8b\").") var model: String?
    @Option(help: "A GGUF file or URL to plan exactly (instead of --model).") var gguf: String?
    @Option(help: "The vision projector GGUF (file or URL) for --gguf.") var mmproj: String?
    @Option(help: "llama.cpp file type: Q4_K_M, Q5_K_M, Q6_K, Q8_0, IQ4_XS, F16, ...") var quant: String = "Q4_K_M"
    @Option(help: "Hardware: \"RTX 3060 12GB\", \"2x RTX 3090\", \"Apple M2 Ultra 76-core\", \"cpu\".") var hardware: String
    @Option(name: .customLong("ctx"), help: "Context length in tokens.") var context: Int = 4096
    @Option(help: "Images in the context (vision-language models).") var images: Int = 0
    @Option(name: .customLong("kv-type"), help: "KV cache type for K and V: f16, q8_0, q4_0.") var kvType: String?
    @Option(name: .customLong("flash-attn"), help: "Flash attention: on or off (default on, as llama.cpp's auto).") var flashAttn: OnOff?
    @Option(help: "Runtime: llama.cpp, ollama, lm-studio.") var runtime: String?
    @Option(name: .customLong("ngl"), help: "Force this many GPU layers instead of choosing.") var gpuLayers: Int?
    @Option(name: .customLong("ram"), help: "System RAM in GiB beside a discrete GPU (default 32).") var ram: Double?
    @Flag(help: "Print the stable JSON answer.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    enum OnOff: String, ExpressibleByArgument { case on, off }

    func validate() throws {
        if model == nil && gguf == nil { throw ValidationError("give --model NAME or --gguf FILE") }
        if model != nil && gguf != nil { throw ValidationError("give either --model or --gguf, not both") }
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        let query = WillItRunQuery(model: model ?? gguf ?? "", quant: quant, hardware: hardware, context: context, images: images,
                                   kvType: kvType, flashAttention: flashAttn.map { $0 == .on }, runtime: runtime,
                                   gpuLayers: gpuLayers, hostRAMGiB: ram)
        let answer: WillItRunAnswer
        if let gguf {
            let profile = try await GGUFProfileLoader.profile(path: gguf, mmproj: mmproj, catalog: catalog)
            answer = try reportingErrors {
                try WillItRun.answer(profile: profile, hardware: hardware, query: query, catalog: catalog, file: gguf, mmprojFile: mmproj)
            }
        } else {
            answer = try reportingErrors { try WillItRun.answer(query, catalog: catalog) }
        }
        if json { try printJSON(answer) } else { print(WillItRunReport.text(answer)) }
    }
}

/// The human report of a will-it-run answer.
enum WillItRunReport {
    static func text(_ a: WillItRunAnswer) -> String {
        var lines: [String] = []
        let tier = a.fit.tier == "comfortable" ? "Runs comfortably" : a.fit.tier == "tradeoffs" ? "Runs with tradeoffs" : "Won't run"
        let place: String
        switch a.fit.placement {
        case "gpu": place = "all \(a.fit.total_layers) layers on the GPU"
        case "partial": place = "\(a.fit.gpu_layers) of \(a.fit.total_layers) layers on the GPU, the rest on the CPU"
        case "cpu": place = "on the CPU"
        default: place = "no placement fits"
        }
        lines.append("\(tier): \(a.model.name) \(a.quant) on \(a.hardware.name), \(a.context) tokens of context\(a.images > 0 ? ", \(a.images) image(s) = \(a.image_tokens) tokens" : "") — \(place).")
        lines.append("")
        lines.append("Memory (KV cache \(a.kv_type), flash attention \(a.flash_attention ? "on" : "off")):")
        for d in a.devices where d.total_bytes > 0 || d.kind != "host" {
            let cap = d.usable_bytes
            // The host's steady state leaves out the file pages the CPU repack replaced (the peak keeps them).
            let held = d.total_bytes - d.repack_bytes
            let frac = cap > 0 ? min(1, Double(held) / Double(cap)) : 1
            let width = 30
            let filled = Int((frac * Double(width)).rounded())
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let peak = d.repack_bytes > 0 ? " (\(formatBytes(d.total_bytes)) at the load peak)" : ""
            lines.append("  \(d.name): \(bar) \(formatBytes(held)) of \(formatBytes(cap)) usable\(peak)")
            var parts: [String] = []
            if d.weights_bytes > 0 { parts.append("weights \(formatBytes(d.weights_bytes))") }
            if d.repack_bytes > 0 { parts.append("CPU repack \(formatBytes(d.repack_bytes))") }
            if d.vision_bytes > 0 { parts.append("vision \(formatBytes(d.vision_bytes))") }
            if d.kv_cache_bytes > 0 { parts.append("KV cache \(formatBytes(d.kv_cache_bytes))") }
            if d.compute_bytes > 0 { parts.append("compute \(formatBytes(d.compute_bytes))") }
            if d.overhead_bytes > 0 { parts.append("overhead \(formatBytes(d.overhead_bytes))") }
            lines.append("    " + parts.joined(separator: " + "))
        }
        lines.append("")
        if a.fit.tier != "wont-run" {
            let s = a.speed
            lines.append(String(format: "Speed (%@): decode %.0f tok/s (%.0f–%.0f), prefill %.0f tok/s (%.0f–%.0f)", s.evidence,
                                s.decode_tps.expected, s.decode_tps.low, s.decode_tps.high,
                                s.prefill_tps.expected, s.prefill_tps.low, s.prefill_tps.high))
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
