import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAICore
import RunLocalAIAgent
import RunLocalAIIO

/// `runlocalai bench MODEL.gguf`: measures a real run with a fixed protocol, prints it beside the
/// engine's prediction for the same model, machine and settings, and optionally submits it.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model on this machine (fixed protocol), compare with the prediction, optionally submit it.",
        discussion: """
        Protocol: one warm-up run that is discarded, then --reps measured runs; each reports prefill \
        (--prompt-tokens tokens) and decode (--gen-tokens tokens) speed, and the median of the runs is kept.
        Runtimes, in order of preference for llama.cpp:
          llama-bench -m FILE -p P -n G -r 1 -o json, run reps+1 times (its context is P+G tokens);
          else llama-server (started here on a free 127.0.0.1 port with -c CTX) and its /completion timings,
          fed exactly P prompt tokens and asked for G tokens with ignore_eos.
        --runtime ollama measures a model Ollama already has (MODEL is its tag, e.g. gemma3:270m) with a \
        non-streamed /api/generate (eval_count / eval_duration, prompt_eval_*); each run's prompt differs \
        from the start so Ollama's prompt cache cannot skip the prefill.
        Peak memory: the runtime process's VmHWM (/proc/PID/status), and with an NVIDIA GPU the rise of \
        nvidia-smi's memory.used over the run. Progress goes to stderr; the result to stdout.
        The prediction is the engine's for the GGUF's own tensors (or the catalog model of an Ollama tag) \
        on the detected machine (`runlocalai detect`).
        --submit URL posts the run to URL/api/v1/benchmarks (it is stored as pending until a moderator \
        approves it): model = the catalog id when the GGUF's architecture numbers match one, else \
        gguf:<sha256 of its first MiB>; hardware = the detected catalog ids; the exact command, a log \
        excerpt and the full log's sha256.

        Examples:
          runlocalai bench gemma-3-270m-Q4_K_M.gguf
          runlocalai bench model.gguf --reps 5 --prompt-tokens 512 --gen-tokens 128 --llama-bench ~/llama.cpp/build/bin/llama-bench
          runlocalai bench gemma3:270m --runtime ollama --json
          runlocalai bench model.gguf --submit https://runlocalai.example
        """)


    @Argument(help: "The .gguf file (or, with --runtime ollama, the Ollama model tag).") var model: String
    @Option(help: "llama.cpp or ollama.") var runtime: BenchRunner.RuntimeChoice = .llamaCpp
    @Option(name: .customLong("ctx"), help: "Context size for llama-server / Ollama (default: max(4096, prompt + gen)); llama-bench always uses prompt + gen.") var context: Int?
    @Option(help: "Measured runs (after one discarded warm-up).") var reps: Int = 3
    @Option(name: .customLong("prompt-tokens"), help: "Prompt tokens per run (prefill).") var promptTokens: Int = 512
    @Option(name: .customLong("gen-tokens"), help: "Generated tokens per run (decode).") var genTokens: Int = 128
    @Option(name: .customLong("llama-bench"), help: "Path of llama-bench (default: PATH, then --llama-cpp DIR).") var llamaBench: String?
    @Option(name: .customLong("llama-cpp"), help: "Folder holding llama.cpp binaries.") var llamaCppDir: String?
    @Option(help: "CPU threads for llama.cpp (default: llama.cpp's own choice).") var threads: Int?
    @Option(name: .customLong("ollama-url"), help: "Ollama's local API.") var ollamaURL: String = "http://127.0.0.1:11434"
    @Option(help: "Seconds one run may take before it is stopped.") var timeout: Double = 600
    @Option(help: "Submit the run to this RunLocalAI server (its base URL).") var submit: String?
    @Option(help: "Your name or handle for the submission.") var submitter: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        guard (1...50).contains(reps) else { throw ValidationError("--reps must be 1...50") }
        guard (1...131_072).contains(promptTokens), (1...16_384).contains(genTokens) else {
            throw ValidationError("--prompt-tokens must be 1...131072 and --gen-tokens 1...16384")
        }
        if let c = context, c < promptTokens + genTokens { throw ValidationError("--ctx \(c) is below prompt + gen tokens (\(promptTokens + genTokens))") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if runtime == .llamaCpp && !FileManager.default.fileExists(atPath: model) {
            throw ValidationError("\(model) does not exist (give a .gguf file; for an Ollama tag add --runtime ollama)")
        }
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        let runner = BenchRunner(options: .init(model: model, runtime: runtime, context: context, reps: reps, promptTokens: promptTokens,
                                                genTokens: genTokens, llamaBench: llamaBench, llamaCppDir: llamaCppDir, threads: threads,
                                                ollamaURL: ollamaURL, timeout: timeout, submit: submit, submitter: submitter))
        let out: BenchRunner.Output
        do { out = try await runner.run(catalog: catalog) } catch let e as BenchError { throw CLIError(e.description) }
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            e.dateEncodingStrategy = .iso8601
            print(String(decoding: try e.encode(out), as: UTF8.self))
        } else {
            print(text(out))
        }
        if submit != nil && out.submitted == nil { throw CLIError("the run was measured but not submitted: \(out.submit_error ?? "unknown error")") }
    }

    func text(_ o: BenchRunner.Output) -> String {
        var lines: [String] = []
        let r = o.run
        lines.append("Benchmark: \(r.model) \(r.quant) with \(r.runtime)\(r.runtimeVersion.map { " \($0)" } ?? "") on \(r.hardware.joined(separator: " + "))\(r.hardwareCount > 1 ? " ×\(r.hardwareCount)" : "")")
        lines.append("Protocol: 1 warm-up + \(reps) runs, median; \(promptTokens) prompt tokens, \(genTokens) generated, context \(r.context ?? 0)")
        func f(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "-" }
        lines.append("")
        func col(_ x: String) -> String { x.padding(toLength: max(22, x.count + 1), withPad: " ", startingAt: 0) }
        lines.append("               " + col("measured") + "predicted (range)")
        if let p = o.predicted {
            lines.append("decode tok/s   \(col(f(o.measured.decode_tps)))\(f(p.decode_tps.expected)) (\(f(p.decode_tps.low))–\(f(p.decode_tps.high)))\(BenchRunner.verdict(o.measured.decode_tps, p.decode_tps))")
            lines.append("prefill tok/s  \(col(f(o.measured.prefill_tps)))\(f(p.prefill_tps.expected)) (\(f(p.prefill_tps.low))–\(f(p.prefill_tps.high)))\(o.measured.prefill_tps.map { BenchRunner.verdict($0, p.prefill_tps) } ?? "")")
            lines.append("memory         \(col(o.measured.peak_ram_bytes.map { "\(formatBytes($0)) peak RSS" } ?? "-"))\(formatBytes(p.memory_bytes)) planned (\(p.placement))")
        } else {
            lines.append("decode tok/s   \(f(o.measured.decode_tps))")
            lines.append("prefill tok/s  \(f(o.measured.prefill_tps))")
            lines.append("(no prediction: \(o.prediction_error ?? "unknown"))")
        }
        if let v = o.measured.peak_vram_bytes { lines.append("GPU memory     \(formatBytes(v)) more in use during the run (nvidia-smi)") }
        if let l = o.measured.load_average_before, l > 0.5 * Double(max(o.threads, 1)) {
            lines.append(String(format: "warning: load average %.2f on %d threads when it started: the machine was busy, so the measured figures are low", l, o.threads))
        }
        if let s = BenchStats.spread(o.measured.decode_runs), s > BenchStats.rerunSpread, let lo = o.measured.decode_runs.min(), let hi = o.measured.decode_runs.max() {
            lines.append(String(format: "re-run requested: the decode runs differ by %.0f%% (%.1f to %.1f tok/s), more than %.0f%%: something else was using the machine; rerun when it is idle",
                                s * 100, lo, hi, BenchStats.rerunSpread * 100))
        }
        lines.append("runs: decode \(o.measured.decode_runs.map { f($0) }.joined(separator: ", ")); prefill \(o.measured.prefill_runs.map { f($0) }.joined(separator: ", "))")
        lines.append("command: \(r.command ?? "")")
        if let s = o.submitted { lines.append("submitted: id \(s.id ?? "?"), status \(s.status.rawValue)") }
        if let e = o.submit_error { lines.append("not submitted: \(e)") }
        return lines.joined(separator: "\n")
    }

}

extension BenchRunner.RuntimeChoice: ExpressibleByArgument {}
