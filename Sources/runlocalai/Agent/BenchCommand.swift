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

    enum RuntimeChoice: String, ExpressibleByArgument, CaseIterable {
        case llamaCpp = "llama.cpp", ollama
    }

    @Argument(help: "The .gguf file (or, with --runtime ollama, the Ollama model tag).") var model: String
    @Option(help: "llama.cpp or ollama.") var runtime: RuntimeChoice = .llamaCpp
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

    /// What one measured configuration produced.
    struct Measurement {
        var timings: [RunTiming] = []
        var command: String = ""
        var runtimeVersion: String?
        var backend: String?
        var gpuLayers: Int?
        var flashAttention: Bool?
        var kvType: String?
        var context: Int
        var log = ""
        var peakRAM: UInt64?
        var peakVRAM: UInt64?
    }

    struct Output: Encodable {
        struct Measured: Encodable {
            var prefill_tps: Double?
            var decode_tps: Double
            var ttft_ms: Double?
            var prefill_runs: [Double]
            var decode_runs: [Double]
            var peak_ram_bytes: UInt64?
            var peak_vram_bytes: UInt64?
            var load_average_before: Double?
            var load_average_after: Double?
        }
        struct Predicted: Encodable {
            var prefill_tps: SpeedRange
            var decode_tps: SpeedRange
            var placement: String
            var tier: String
            var memory_bytes: UInt64
        }
        var measured: Measured
        var predicted: Predicted?
        var prediction_error: String?
        var run: BenchmarkRun
        var submitted: BenchmarkRun?
        var submit_error: String?
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        progress("[bench] detecting this machine…")
        let detected = await SystemProbe.detect(catalog: catalog)
        let (system, _) = detected.targetSystem(catalog: catalog)

        // What is being measured, and the engine's profile of it.
        var profile: ModelProfile?
        var modelID: String
        var quant: String
        var profileError: String?
        if runtime == .llamaCpp {
            let gguf = try await GGUFProfileLoader.model(model)
            do { profile = try ModelProfile(gguf: gguf, path: model) } catch { profileError = "\(error)" }
            quant = gguf.fileType?.name ?? "unknown"
            let match = gguf.architecture.map { GGUFCatalogMatch.match($0, name: gguf.name, catalog: catalog) }
            if let id = match?.id {
                modelID = id
                profile?.catalogID = id
            } else {
                modelID = "gguf:" + (try SHA256.hexOfFile(model))
            }
            progress("[bench] \(model): \(gguf.name ?? "?") \(quant); model id \(modelID) (\(match?.reason ?? "no architecture"))")
        } else {
            (modelID, quant, profile, profileError) = try await ollamaIdentity(catalog: catalog)
        }

        // Timings on a busy machine are low: say so (and keep the load in the log).
        let loadBefore = Self.loadAverage()
        if let l = loadBefore, l > 0.5 * Double(max(detected.cpu.threads, 1)) {
            progress(String(format: "[bench] warning: the machine is busy (load average %.2f on %d threads); close other programs, or the figures will be low", l, detected.cpu.threads))
        }

        // Measure.
        var m: Measurement
        switch runtime {
        case .llamaCpp:
            let dirs = llamaCppDir.map { [$0, ($0 as NSString).appendingPathComponent("bin")] } ?? []
            if let bench = llamaBench.map({ ProcessRunner.which($0) ?? "" }) ?? ProcessRunner.which("llama-bench", in: dirs) {
                guard !bench.isEmpty else { throw CLIError("--llama-bench \(llamaBench!) is not an executable file") }
                m = try await measureLlamaBench(bench, detected: detected)
            } else if let server = ProcessRunner.which("llama-server", in: dirs) {
                m = try await measureLlamaServer(server, system: system)
            } else {
                throw CLIError("neither llama-bench nor llama-server found on PATH\(llamaCppDir.map { " or in \($0)" } ?? ""); pass --llama-bench PATH or --llama-cpp DIR")
            }
        case .ollama:
            m = try await measureOllama()
        }

        let loadAfter = Self.loadAverage()
        m.log = String(format: "# load average before %@, after %@\n", loadBefore.map { String(format: "%.2f", $0) } ?? "?",
                       loadAfter.map { String(format: "%.2f", $0) } ?? "?") + m.log
        let decodeRuns = m.timings.compactMap(\.decodeTPS)
        let prefillRuns = m.timings.compactMap(\.promptTPS)
        guard let decode = BenchStats.median(decodeRuns) else { throw CLIError("no run reported a decode speed") }
        let prefill = BenchStats.median(prefillRuns)
        let ttft = BenchStats.median(m.timings.compactMap(\.ttftMS))

        // Predict the same tuple on this machine.
        var predicted: Output.Predicted?
        var predictionError = profileError
        if let profile {
            var s = RunSettings(context: m.context, flashAttention: m.flashAttention ?? true, promptTokens: promptTokens)
            if let kv = m.kvType, let t = GGMLType(name: kv), RunSettings.cacheTypes.contains(t) { s.keyType = t; s.valueType = t }
            if let g = m.gpuLayers, !system.gpus.isEmpty, g >= 0 { s.gpuLayers = g }
            if runtime == .ollama { s.runtime = .ollama }
            do {
                let e = try Planner.plan(profile: profile, system: system, settings: s)
                predicted = .init(prefill_tps: e.prefill, decode_tps: e.decode, placement: e.fit.placement.rawValue, tier: e.fit.tier.rawValue,
                                  memory_bytes: e.usage.total)
            } catch { predictionError = "\(error)" }
        }

        // The record.
        let logData = Data(m.log.utf8)
        var run = BenchmarkRun(model: modelID, quant: quant, hardware: detected.hardwareIDs, hardwareCount: detected.hardwareCount,
                               runtime: runtime == .ollama ? "ollama" : "llama.cpp", runtimeVersion: m.runtimeVersion, backend: m.backend,
                               context: m.context, flashAttention: m.flashAttention, kvType: m.kvType, gpuLayers: m.gpuLayers,
                               promptTokens: promptTokens, generatedTokens: genTokens, prefillTPS: prefill.map(round2), decodeTPS: round2(decode),
                               ttftMS: ttft.map(round2), peakVRAMBytes: m.peakVRAM, peakRAMBytes: m.peakRAM, os: String(detected.os.prefix(128)),
                               measuredAt: Date(), submitter: submitter.map { String($0.prefix(64)) }, command: String(m.command.prefix(4096)),
                               logExcerpt: Self.excerpt(m.log, detected: detected), logSHA256: SHA256.hex(logData))
        run.status = .pending

        var submitted: BenchmarkRun?
        var submitError: String?
        if let submit {
            if run.hardware.isEmpty {
                submitError = "this machine matched no catalog hardware (see `runlocalai detect`), so the run cannot be filed"
            } else {
                progress("[bench] submitting to \(submit)…")
                (submitted, submitError) = await post(run, to: submit)
            }
        }

        let out = Output(measured: .init(prefill_tps: prefill.map(round2), decode_tps: round2(decode), ttft_ms: ttft.map(round2),
                                         prefill_runs: prefillRuns.map(round2), decode_runs: decodeRuns.map(round2),
                                         peak_ram_bytes: m.peakRAM, peak_vram_bytes: m.peakVRAM,
                                         load_average_before: loadBefore, load_average_after: loadAfter),
                         predicted: predicted, prediction_error: predictionError, run: run, submitted: submitted, submit_error: submitError)
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            e.dateEncodingStrategy = .iso8601
            print(String(decoding: try e.encode(out), as: UTF8.self))
        } else {
            print(text(out, detected: detected))
        }
        if submit != nil && submitted == nil { throw CLIError("the run was measured but not submitted: \(submitError ?? "unknown error")") }
    }

    func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    // MARK: llama-bench

    func measureLlamaBench(_ path: String, detected: DetectedSystem) async throws -> Measurement {
        var args = ["-m", model, "-p", String(promptTokens), "-n", String(genTokens), "-r", "1", "-o", "json"]
        if let threads { args += ["-t", String(threads)] }
        var m = Measurement(context: promptTokens + genTokens)
        m.command = ([path] + args).map(shellQuote).joined(separator: " ")
        var report: LlamaBenchReport?
        for i in 0...reps {
            let label = i == 0 ? "warm-up run (discarded)" : "run \(i)/\(reps)"
            progress("[bench] llama-bench \(label)…")
            let (out, ram, vram) = try await runSampled(path, args, detected: detected)
            m.log += "# \(label): \(m.command)\n# exit status \(out.exitCode)\n\(out.stderr)\n\(out.stdout)\n"
            if let reason = out.failureReason(tool: "llama-bench") {
                throw CLIError("\(reason)" + Self.tail(out.stderr, lines: 8))
            }
            let r: LlamaBenchReport
            do { r = try LlamaBenchReport.parse(out.stdout) } catch let e as AgentError {
                throw CLIError("\(e.description)" + Self.tail(out.stderr, lines: 8))
            }
            if i == 0 { report = r; continue }
            m.timings.append(r.timing)
            m.peakRAM = max(m.peakRAM ?? 0, ram ?? 0).nonZero
            m.peakVRAM = max(m.peakVRAM ?? 0, vram ?? 0).nonZero
            progress(String(format: "[bench]   prefill %@ tok/s, decode %@ tok/s", r.timing.promptTPS.map { String(format: "%.1f", $0) } ?? "-",
                            r.timing.decodeTPS.map { String(format: "%.1f", $0) } ?? "-"))
            report = r
        }
        if let r = report {
            if let v = r.version { m.runtimeVersion = v } else { m.runtimeVersion = await llamaVersion(path) }
            m.backend = r.backends
            // llama-bench's -1 means "all layers"; a CPU-only build has none on a GPU.
            if r.backends?.uppercased() == "CPU" { m.gpuLayers = 0 } else if let g = r.gpuLayers, g >= 0 { m.gpuLayers = g }
            m.flashAttention = r.flashAttention
            if r.typeK == r.typeV { m.kvType = r.typeK }
        }
        return m
    }

    func llamaVersion(_ binary: String) async -> String? {
        let out = await ProcessRunner.run(binary, ["--version"], timeout: 10)
        return (out.stderr + "\n" + out.stdout).split(whereSeparator: \.isNewline).first { $0.hasPrefix("version:") }
            .map { $0.dropFirst("version:".count).trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a process while sampling its VmHWM and (with NVIDIA) the GPU memory in use.
    func runSampled(_ path: String, _ args: [String], detected: DetectedSystem) async throws -> (ToolOutput, UInt64?, UInt64?) {
        let peak = PeakBox()
        let nvidia = detected.gpus.contains { $0.source == "nvidia-smi" }
        let baseline = nvidia ? await nvidiaUsed() : nil
        let sampler: Task<Void, Never>? = nvidia ? Task {
            while !Task.isCancelled {
                if let used = await nvidiaUsed() { peak.vram(used) }
                try? await Task.sleep(for: .milliseconds(500))
            }
        } : nil
        let out = await ProcessRunner.run(path, args, timeout: timeout, maxOutput: 8 << 20) { pid in
            if let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8), let hwm = BenchStats.vmHWM(s) { peak.ram(hwm) }
        }
        sampler?.cancel()
        let vram = peak.maxVRAM.flatMap { v in baseline.map { v > $0 ? v - $0 : 0 } }
        return (out, peak.maxRAM, vram)
    }

    func nvidiaUsed() async -> UInt64? {
        let out = await ProcessRunner.run("nvidia-smi", ["--query-gpu=memory.used", "--format=csv,noheader,nounits"], timeout: 5)
        return out.succeeded ? NvidiaSMI.parseUsedMemory(out.stdout) : nil
    }

    // MARK: llama-server

    func measureLlamaServer(_ path: String, system: TargetSystem) async throws -> Measurement {
        let ctx = context ?? max(4096, promptTokens + genTokens)
        let port = Int.random(in: 20_000...40_000)
        var args = ["-m", model, "-c", String(ctx), "--host", "127.0.0.1", "--port", String(port), "-np", "1", "--no-webui"]
        if let threads { args += ["-t", String(threads)] }
        var m = Measurement(context: ctx)
        m.command = ([path] + args).map(shellQuote).joined(separator: " ") + "  # then POST /completion, \(promptTokens) prompt tokens, n_predict \(genTokens)"
        progress("[bench] starting llama-server on 127.0.0.1:\(port)…")
        let peak = PeakBox()
        let server = Task { await ProcessRunner.run(path, args, timeout: timeout * Double(reps + 2), maxOutput: 1 << 20) { pid in
            peak.started(pid)
            if let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8), let hwm = BenchStats.vmHWM(s) { peak.ram(hwm) }
        } }
        defer { server.cancel() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        // Wait for /health (the model loads first).
        let ready = ContinuousClock.now + .seconds(Int(min(timeout, 300)))
        var up = false
        while ContinuousClock.now < ready {
            if case .success(let r) = await HTTPClient.get(base.appendingPathComponent("health"), timeout: 2), r.status == 200 { up = true; break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        guard up else {
            await stopServer(peak, server: server)
            throw CLIError("llama-server did not become ready on 127.0.0.1:\(port)")
        }
        for i in 0...reps {
            let label = i == 0 ? "warm-up run (discarded)" : "run \(i)/\(reps)"
            progress("[bench] llama-server \(label)…")
            // Exactly promptTokens token ids (ordinary vocabulary ids, different per run so no cache is reused).
            let ids = (0..<promptTokens).map { 1000 + (($0 * 7 + i * 13) % 5000) }
            let body: [String: Any] = ["prompt": ids, "n_predict": genTokens, "ignore_eos": true, "cache_prompt": false,
                                       "temperature": 0, "seed": 1, "stream": false]
            let data = try JSONSerialization.data(withJSONObject: body)
            switch await HTTPClient.postJSON(base.appendingPathComponent("completion"), body: data, timeout: timeout) {
            case .success(let r):
                m.log += "# \(label): POST /completion -> HTTP \(r.status)\n\(String(decoding: r.body.prefix(4096), as: UTF8.self))\n"
                guard r.status == 200 else {
                    await stopServer(peak, server: server)
                    throw CLIError("llama-server answered HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
                }
                let t = try LlamaServerTimings.parse(r.body)
                if i > 0 {
                    m.timings.append(t)
                    progress(String(format: "[bench]   prefill %.1f tok/s, decode %.1f tok/s", t.promptTPS ?? 0, t.decodeTPS ?? 0))
                }
            case .failure(let e):
                await stopServer(peak, server: server)
                throw CLIError("\(e.description)")
            }
        }
        let out = await stopServer(peak, server: server)
        m.log = "# \(m.command)\n" + out.stderr + "\n" + m.log
        m.peakRAM = peak.maxRAM
        m.runtimeVersion = await llamaVersion(path)
        m.flashAttention = nil
        m.backend = system.gpus.first?.backend.displayName ?? "CPU"
        return m
    }

    /// Stops the llama-server this command started (by the pid its runner reported) and waits for it.
    @discardableResult
    func stopServer(_ peak: PeakBox, server: Task<ToolOutput, Never>) async -> ToolOutput {
        if let pid = peak.pid { kill(pid, SIGTERM) }
        return await server.value
    }

    // MARK: Ollama

    func ollamaIdentity(catalog: Catalog) async throws -> (String, String, ModelProfile?, String?) {
        let base = try HTTPClient.localRuntimeURL(ollamaURL)
        guard case .success(let r) = await HTTPClient.get(base.appendingPathComponent("api/tags"), timeout: 5), r.status == 200 else {
            throw CLIError("Ollama is not answering at \(ollamaURL) (start it with `ollama serve`)")
        }
        let tags = try OllamaAPI.tags(r.body)
        let wanted = model.contains(":") ? model : model + ":latest"
        guard let tag = tags.first(where: { $0.name == wanted || $0.name == model }) else {
            throw CLIError("Ollama has no model '\(model)'; it has: \(tags.map(\.name).joined(separator: ", ")) (pull it with `ollama pull \(model)`)")
        }
        let quant = tag.quantization ?? "Q4_K_M"
        guard let cm = try? catalog.model(named: model) else {
            throw CLIError("'\(model)' is not a catalog model, so the run cannot be filed or predicted; benchmark its GGUF file with --runtime llama.cpp instead")
        }
        let profile = QuantMix(name: quant).map { ModelProfile(model: cm, mix: $0) }
        return (cm.id, QuantMix(name: quant)?.name ?? quant, profile, profile == nil ? "quantisation \(quant) is unknown to the engine" : nil)
    }

    func measureOllama() async throws -> Measurement {
        let base = try HTTPClient.localRuntimeURL(ollamaURL)
        let ctx = context ?? max(4096, promptTokens + genTokens)
        var m = Measurement(context: ctx)
        var version: String?
        if case .success(let r) = await HTTPClient.get(base.appendingPathComponent("api/version"), timeout: 3) { version = try? OllamaAPI.version(r.body) }
        m.runtimeVersion = version
        m.command = "POST \(base.absoluteString)/api/generate {\"model\": \"\(model)\", \"raw\": true, \"stream\": false, \"options\": {\"num_ctx\": \(ctx), \"num_predict\": \(genTokens), \"temperature\": 0}} with a ~\(promptTokens)-token prompt"
        for i in 0...reps {
            let label = i == 0 ? "warm-up run (discarded)" : "run \(i)/\(reps)"
            progress("[bench] ollama \(label)…")
            // About one token per short word; the run number first so no cached prefix is reused.
            let words = (0..<max(1, promptTokens - 4)).map { "w\(($0 * 7 + i) % 97)" }.joined(separator: " ")
            let body: [String: Any] = ["model": model, "prompt": "Run \(i). \(words)", "raw": true, "stream": false,
                                       "options": ["num_ctx": ctx, "num_predict": genTokens, "temperature": 0, "seed": 1]]
            switch await HTTPClient.postJSON(base.appendingPathComponent("api/generate"), body: try JSONSerialization.data(withJSONObject: body), timeout: timeout) {
            case .success(let r):
                let t = try OllamaAPI.generate(r.body)
                var logged = r.body
                if var obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any] {
                    obj["context"] = nil; obj["response"] = (obj["response"] as? String).map { String($0.prefix(200)) }
                    logged = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? r.body
                }
                m.log += "# \(label): HTTP \(r.status)\n\(String(decoding: logged, as: UTF8.self))\n"
                if i > 0 {
                    m.timings.append(t)
                    progress(String(format: "[bench]   prefill %.1f tok/s (%d tokens), decode %.1f tok/s", t.promptTPS ?? 0, t.promptTokens ?? 0, t.decodeTPS ?? 0))
                }
            case .failure(let e):
                throw CLIError("\(e.description)")
            }
        }
        return m
    }

    // MARK: Submit

    func post(_ run: BenchmarkRun, to base: String) async -> (BenchmarkRun?, String?) {
        guard var url = URL(string: base), url.scheme == "http" || url.scheme == "https" else { return (nil, "--submit \(base) is not an http(s) URL") }
        url.appendPathComponent("api/v1/benchmarks")
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        guard let body = try? e.encode(run) else { return (nil, "cannot encode the run") }
        switch await HTTPClient.postJSON(url, body: body, timeout: 30) {
        case .success(let r) where r.status == 201 || r.status == 200:
            let d = JSONDecoder()
            d.dateDecodingStrategy = .iso8601
            if let stored = try? d.decode(BenchmarkRun.self, from: r.body) {
                progress("[bench] submitted: id \(stored.id ?? "?"), status \(stored.status.rawValue)")
                return (stored, nil)
            }
            return (nil, "the server answered \(r.status) but not with a run: \(String(decoding: r.body.prefix(300), as: UTF8.self))")
        case .success(let r):
            return (nil, "the server refused the run (HTTP \(r.status)): \(String(decoding: r.body.prefix(500), as: UTF8.self))")
        case .failure(let err):
            return (nil, err.description)
        }
    }

    // MARK: Text

    /// The 1-minute load average (Linux), nil elsewhere.
    static func loadAverage() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
    }

    /// The last lines of a tool's stderr, as lines to append to a message ("" when it printed nothing).
    static func tail(_ s: String, lines: Int) -> String {
        let l = s.split(whereSeparator: \.isNewline).suffix(lines)
        return l.isEmpty ? "" : "\n" + l.joined(separator: "\n")
    }

    /// The head of the log (what was run, how it loaded) and its tail (the results), within 16 KiB,
    /// after a header naming the machine.
    static func excerpt(_ log: String, detected: DetectedSystem) -> String {
        let header = "# runlocalai bench on \(detected.cpu.model) (\(detected.cpu.cores) cores\(detected.cpu.virtualMachine ? ", VM" : "")), "
            + "\(DetectReport.gib(detected.memory.totalBytes)) RAM, GPUs: \(detected.gpus.isEmpty ? "none" : detected.gpus.map(\.name).joined(separator: ", "))\n"
        let limit = 16 * 1024 - header.utf8.count
        guard log.utf8.count > limit else { return header + log }
        let head = String(decoding: Data(log.utf8).prefix(limit / 2), as: UTF8.self)
        let tail = String(decoding: Data(log.utf8).suffix(limit / 2 - 64), as: UTF8.self)
        return header + head + "\n[… \(log.utf8.count - limit) bytes cut …]\n" + tail
    }

    func text(_ o: Output, detected: DetectedSystem) -> String {
        var lines: [String] = []
        let r = o.run
        lines.append("Benchmark: \(r.model) \(r.quant) with \(r.runtime)\(r.runtimeVersion.map { " \($0)" } ?? "") on \(r.hardware.joined(separator: " + "))\(r.hardwareCount > 1 ? " ×\(r.hardwareCount)" : "")")
        lines.append("Protocol: 1 warm-up + \(reps) runs, median; \(promptTokens) prompt tokens, \(genTokens) generated, context \(r.context ?? 0)")
        func f(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "-" }
        lines.append("")
        func col(_ x: String) -> String { x.padding(toLength: max(22, x.count + 1), withPad: " ", startingAt: 0) }
        lines.append("               " + col("measured") + "predicted (range)")
        if let p = o.predicted {
            lines.append("decode tok/s   \(col(f(o.measured.decode_tps)))\(f(p.decode_tps.expected)) (\(f(p.decode_tps.low))–\(f(p.decode_tps.high)))\(Self.verdict(o.measured.decode_tps, p.decode_tps))")
            lines.append("prefill tok/s  \(col(f(o.measured.prefill_tps)))\(f(p.prefill_tps.expected)) (\(f(p.prefill_tps.low))–\(f(p.prefill_tps.high)))\(o.measured.prefill_tps.map { Self.verdict($0, p.prefill_tps) } ?? "")")
            lines.append("memory         \(col(o.measured.peak_ram_bytes.map { "\(formatBytes($0)) peak RSS" } ?? "-"))\(formatBytes(p.memory_bytes)) planned (\(p.placement))")
        } else {
            lines.append("decode tok/s   \(f(o.measured.decode_tps))")
            lines.append("prefill tok/s  \(f(o.measured.prefill_tps))")
            lines.append("(no prediction: \(o.prediction_error ?? "unknown"))")
        }
        if let v = o.measured.peak_vram_bytes { lines.append("GPU memory     \(formatBytes(v)) more in use during the run (nvidia-smi)") }
        if let l = o.measured.load_average_before, l > 0.5 * Double(max(detected.cpu.threads, 1)) {
            lines.append(String(format: "warning: load average %.2f on %d threads when it started: the machine was busy, so the measured figures are low", l, detected.cpu.threads))
        }
        if let lo = o.measured.decode_runs.min(), let hi = o.measured.decode_runs.max(), lo > 0, hi / lo > 1.3 {
            lines.append(String(format: "warning: the decode runs differ by %.1f× (%.1f to %.1f tok/s): something else was using the machine; rerun when it is idle", hi / lo, lo, hi))
        }
        lines.append("runs: decode \(o.measured.decode_runs.map { f($0) }.joined(separator: ", ")); prefill \(o.measured.prefill_runs.map { f($0) }.joined(separator: ", "))")
        lines.append("command: \(r.command ?? "")")
        if let s = o.submitted { lines.append("submitted: id \(s.id ?? "?"), status \(s.status.rawValue)") }
        if let e = o.submit_error { lines.append("not submitted: \(e)") }
        return lines.joined(separator: "\n")
    }

    static func verdict(_ measured: Double, _ p: SpeedRange) -> String {
        let pct = (measured / max(p.expected, 1e-9) - 1) * 100
        let inside = measured >= p.low && measured <= p.high
        return String(format: "   measured %+.0f%%%@", pct, inside ? ", inside the range" : ", outside the range")
    }
}

/// Thread-safe maxima for the memory samplers.
final class PeakBox: @unchecked Sendable {
    private let lock = NSLock()
    private var r: UInt64?
    private var v: UInt64?
    private var p: Int32?
    func started(_ pid: Int32) { lock.lock(); if p == nil { p = pid }; lock.unlock() }
    var pid: Int32? { lock.lock(); defer { lock.unlock() }; return p }
    func ram(_ x: UInt64) { lock.lock(); r = max(r ?? 0, x); lock.unlock() }
    func vram(_ x: UInt64) { lock.lock(); v = max(v ?? 0, x); lock.unlock() }
    var maxRAM: UInt64? { lock.lock(); defer { lock.unlock() }; return r }
    var maxVRAM: UInt64? { lock.lock(); defer { lock.unlock() }; return v }
}

extension UInt64 {
    var nonZero: UInt64? { self == 0 ? nil : self }
}

func shellQuote(_ s: String) -> String {
    let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@+=,".contains($0) }
    return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
