import ArgumentParser
import Foundation
import RunLocalAIAgent
import RunLocalAICore

/// `runlocalai doctor`: this machine, its runtimes, and what to run on it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Detect this machine and its runtimes, and recommend a model for chat, coding, vision and long context.",
        discussion: """
        Runs `detect`, then looks for runtimes: llama.cpp binaries (llama-server, llama-cli, llama-bench, \
        llama-completion) on PATH or in --llama-cpp DIR, Ollama through its local API (GET /api/version and \
        /api/tags on --ollama-url), and LM Studio's `lms`. For each use case it plans every catalog model on \
        THIS machine (its exact GPU memory, RAM and bandwidth) and recommends the largest that runs comfortably \
        (all of it placed with llama.cpp's 1 GiB margin, at least 10 tokens/s) at the best quantisation that \
        still does — with the command for the runtime found.

        Use cases: chat (8K context), coding (16K), vision (one image, 8K), long context (32K).

        Examples:
          runlocalai doctor
          runlocalai doctor --llama-cpp ~/src/llama.cpp/build/bin
          runlocalai doctor --json
        """)

    @Option(name: .customLong("llama-cpp"), help: "Folder holding llama.cpp binaries (also searched: its bin/ and PATH).") var llamaCpp: String?
    @Option(name: .customLong("ollama-url"), help: "Ollama's local API.") var ollamaURL: String = "http://127.0.0.1:11434"
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    struct Pick: Encodable {
        var use_case: String
        var model: String?
        var model_name: String?
        var quant: String?
        var context: Int?
        var comfortable: Bool
        var decode_tps: Double?
        var memory_bytes: UInt64?
        var runtime: String?
        var command: String?
        var note: String
    }
    struct Output: Encodable {
        var system: DetectedSystem
        var runtimes: InstalledRuntimes
        var recommendations: [Pick]
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        async let detectedTask = SystemProbe.detect(catalog: catalog)
        let runtimes = try await InstalledRuntimes.find(llamaCppDir: llamaCpp, ollamaURL: ollamaURL)
        let detected = await detectedTask
        let (system, _) = detected.targetSystem(catalog: catalog)
        let recs = AgentAdvisor.recommend(system: system, catalog: catalog)
        let picks: [Pick] = recs.map { r in
            let found = r.answer.flatMap { runtimes.command(from: $0.commands) }
            let fallback = r.answer?.commands.first
            return Pick(use_case: r.useCase.id, model: r.model?.id, model_name: r.model?.name, quant: r.quant, context: r.answer?.context,
                        comfortable: r.comfortable, decode_tps: r.answer?.speed.decode_tps.expected,
                        memory_bytes: r.answer?.memory.total_bytes, runtime: found?.runtime ?? fallback?.runtime,
                        command: found?.command ?? fallback?.command, note: found == nil && fallback != nil
                            ? r.note + (r.useCase.images > 0 ? "; no runtime found here takes images (llama-server or llama-mtmd-cli), so this is the command to use once one is installed" : "; no runtime found here, so this is the llama.cpp command to use once installed") : r.note)
        }
        if json {
            try printJSON(Output(system: detected, runtimes: runtimes, recommendations: picks))
            return
        }
        print(DetectReport.text(detected, catalog: catalog))
        print("")
        print("Runtimes:")
        for l in runtimes.summary { print("  \(l)") }
        print("")
        print("Recommended on this machine:")
        for (p, r) in zip(picks, recs) {
            guard let name = p.model_name, let a = r.answer else {
                print("  \(r.useCase.label): nothing — \(p.note)")
                continue
            }
            let speed = String(format: "%.0f tok/s (%.0f–%.0f)", a.speed.decode_tps.expected, a.speed.decode_tps.low, a.speed.decode_tps.high)
            print("  \(r.useCase.label): \(name) \(p.quant ?? "") at \(a.context) tokens — \(a.fit.tier == "comfortable" ? "comfortable" : a.fit.tier), \(speed), \(formatBytes(a.memory.total_bytes))")
            if !p.comfortable { print("      \(p.note)") }
            if let c = p.command { print("      [\(p.runtime ?? "")] \(c)") }
        }
    }
}
