import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO

/// A benchmark that could not be taken, with the reason and the fix.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// `runlocalai bench`'s work, as a library (tested in-process): detect the machine, measure a model with the fixed
/// protocol (one discarded warm-up, then the median of `reps` runs) through llama-bench, llama-server or Ollama,
/// sample peak memory, predict the same tuple through the answer service, and file the run with a site.
///
/// ```swift
/// let runner = BenchRunner(options: .init(model: "gemma-3-270m-Q4_K_M.gguf", reps: 3))
/// let out = try await runner.run(catalog: catalog)
/// out.measured.decode_tps
/// ```
public struct BenchRunner: Sendable {
    public static func verdict(_ measured: Double, _ p: SpeedRange) -> String {
        let pct = (measured / max(p.expected, 1e-9) - 1) * 100
        let inside = measured >= p.low && measured <= p.high
        return String(format: "   measured %+.0f%%%@", pct, inside ? ", inside the range" : ", outside the range")
    }

    public enum RuntimeChoice: String, Sendable, CaseIterable { case llamaCpp = "llama.cpp", ollama }

    /// What to measure and how.
    public struct Options: Sendable {
        public var model: String
        public var runtime: RuntimeChoice = .llamaCpp
        public var context: Int?
        public var reps: Int = 3
        public var promptTokens: Int = 512
        public var genTokens: Int = 128
        public var llamaBench: String?
        public var llamaCppDir: String?
        public var threads: Int?
        public var ollamaURL: String = "http://127.0.0.1:11434"
        public var timeout: Double = 600
        public var submit: String?
        public var submitter: String?
        public init(model: String, runtime: RuntimeChoice = .llamaCpp, context: Int? = nil, reps: Int = 3, promptTokens: Int = 512,
                    genTokens: Int = 128, llamaBench: String? = nil, llamaCppDir: String? = nil, threads: Int? = nil,
                    ollamaURL: String = "http://127.0.0.1:11434", timeout: Double = 600, submit: String? = nil, submitter: String? = nil) {
            self.model = model; self.runtime = runtime; self.context = context; self.reps = reps; self.promptTokens = promptTokens
            self.genTokens = genTokens; self.llamaBench = llamaBench; self.llamaCppDir = llamaCppDir; self.threads = threads
            self.ollamaURL = ollamaURL; self.timeout = timeout; self.submit = submit; self.submitter = submitter
        }
    }

    public var options: Options
    /// The machine, detected once per runner (injected in tests).
    public var detected: DetectedSystem?

    public init(options: Options, detected: DetectedSystem? = nil) { self.options = options; self.detected = detected }

    var model: String { options.model }
    var runtime: RuntimeChoice { options.runtime }
    var context: Int? { options.context }
    var reps: Int { options.reps }
    var promptTokens: Int { options.promptTokens }
    var genTokens: Int { options.genTokens }
    var llamaBench: String? { options.llamaBench }
    var llamaCppDir: String? { options.llamaCppDir }
    var threads: Int? { options.threads }
    var ollamaURL: String { options.ollamaURL }
    var timeout: Double { options.timeout }
    var submit: String? { options.submit }
    var submitter: String? { options.submitter }

    /// What one measured configuration produced.
    struct Measurement {
        public var timings: [RunTiming] = []
        public var command: String = ""
        public var runtimeVersion: String?
        public var backend: String?
        public var gpuLayers: Int?
        public var flashAttention: Bool?
        public var kvType: String?
        public var context: Int
        public var log = ""
        public var peakRAM: UInt64?
        public var peakVRAM: UInt64?
    }

    public struct Output: Encodable, Sendable {
        public struct Measured: Encodable, Sendable {
            public var prefill_tps: Double?
            public var decode_tps: Double
            public var ttft_ms: Double?
            public var prefill_runs: [Double]
            public var decode_runs: [Double]
            public var peak_ram_bytes: UInt64?
            public var peak_vram_bytes: UInt64?
            public var load_average_before: Double?
            public var load_average_after: Double?
        }
        public struct Predicted: Encodable, Sendable {
            public var prefill_tps: SpeedRange
            public var decode_tps: SpeedRange
            public var placement: String
            public var tier: String
            public var memory_bytes: UInt64
        }
        public var measured: Measured
        public var predicted: Predicted?
        public var prediction_error: String?
        public var run: BenchmarkRun
        public var submitted: BenchmarkRun?
        public var submit_error: String?
        /// Hardware threads of the machine (the CLI warns when the load average was high for them).
        public var threads: Int = 1
    }

    /// Measures with the protocol, predicts the same tuple through the answer service, and files the run when asked.
    public func run(catalog: Catalog) async throws -> Output {
                progress("[bench] detecting this machine…")
        let detected: DetectedSystem
        if let d = self.detected { detected = d } else { detected = await SystemProbe.detect(catalog: catalog) }
        let (system, _) = detected.targetSystem(catalog: catalog)

        // What is being measured, and the engine's profile of it.
        var profile: ModelProfile?
        var modelID: String
        var quant: String
        var profileError: String?
        if runtime == .llamaCpp {
            let gguf: GGUFModel
            do { gguf = try await GGUFInspector(transport: URLSessionHTTPTransport()).inspect(model) } catch let e as GGUFError { throw BenchError("\(model): \(e.description)") }
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
                guard !bench.isEmpty else { throw BenchError("--llama-bench \(llamaBench!) is not an executable file") }
                m = try await measureLlamaBench(bench, detected: detected)
            } else if let server = ProcessRunner.which("llama-server", in: dirs) {
                m = try await measureLlamaServer(server, system: system)
            } else {
                throw BenchError("neither llama-bench nor llama-server found on PATH\(llamaCppDir.map { " or in \($0)" } ?? ""); pass --llama-bench PATH or --llama-cpp DIR")
            }
        case .ollama:
            m = try await measureOllama()
        }

        let loadAfter = Self.loadAverage()
        m.log = String(format: "# load average before %@, after %@\n", loadBefore.map { String(format: "%.2f", $0) } ?? "?",
                       loadAfter.map { String(format: "%.2f", $0) } ?? "?") + m.log
        let decodeRuns = m.timings.compactMap(\.decodeTPS)
        let prefillRuns = m.timings.compactMap(\.promptTPS)
        guard let decode = BenchStats.median(decodeRuns) else { throw BenchError("no run reported a decode speed") }
        let prefill = BenchStats.median(prefillRuns)
        let ttft = BenchStats.median(m.timings.compactMap(\.ttftMS))

        // Predict the same tuple on this machine, through the answer service (the one planning path).
        var predicted: Output.Predicted?
        var predictionError = profileError
        if let profile {
            var fields: [(String, String)] = [("model", modelID), ("quant", quant), ("ctx", String(m.context)), ("prompt", String(promptTokens)),
                                              ("runtime", runtime == .ollama ? "ollama" : "llama.cpp")]
            if let fa = m.flashAttention { fields.append(("fa", fa ? "on" : "off")) }
            if let kv = m.kvType, let t = GGMLType(name: kv), RunSettings.cacheTypes.contains(t) { fields.append(("kv", kv)) }
            if let g = m.gpuLayers, !system.gpus.isEmpty, g >= 0 { fields.append(("ngl", String(g))) }
            do {
                let question = try Question.parse(fields)
                let local = LocalMachine(system: system, description: SystemProbe.describe(detected, system: system))
                let service = AnswerService(catalog: catalog, store: nil, localMachine: local)
                let a = try await service.answer(question, profile: profile, file: model, mmprojFile: nil)
                predicted = .init(prefill_tps: a.prefill, decode_tps: a.decode, placement: a.placement.rawValue, tier: a.tier.rawValue,
                                  memory_bytes: a.neededBytes)
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
                               logExcerpt: BenchRunner.excerpt(m.log, detected: detected), logSHA256: SHA256.hex(logData))
        run.status = .pending

        var submitted: BenchmarkRun?
        var submitError: String?
        let spread = BenchStats.spread(decodeRuns)
        if let submit {
            if let spread, spread > BenchStats.rerunSpread {
                submitError = String(format: "re-run requested: the measured decode runs differ by %.0f%% (more than %.0f%%), so the median is not a measurement; close what else runs on the machine and run bench again",
                                     spread * 100, BenchStats.rerunSpread * 100)
            } else if run.hardware.isEmpty {
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
                         predicted: predicted, prediction_error: predictionError, run: run, submitted: submitted, submit_error: submitError,
                         threads: detected.cpu.threads)
        return out
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
                throw BenchError("\(reason)" + Self.tail(out.stderr, lines: 8))
            }
            let r: LlamaBenchReport
            do { r = try LlamaBenchReport.parse(out.stdout) } catch let e as AgentError {
                throw BenchError("\(e.description)" + Self.tail(out.stderr, lines: 8))
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
            throw BenchError("llama-server did not become ready on 127.0.0.1:\(port)")
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
                    throw BenchError("llama-server answered HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
                }
                let t = try LlamaServerTimings.parse(r.body)
                if i > 0 {
                    m.timings.append(t)
                    progress(String(format: "[bench]   prefill %.1f tok/s, decode %.1f tok/s", t.promptTPS ?? 0, t.decodeTPS ?? 0))
                }
            case .failure(let e):
                await stopServer(peak, server: server)
                throw BenchError("\(e.description)")
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
            throw BenchError("Ollama is not answering at \(ollamaURL) (start it with `ollama serve`)")
        }
        let tags = try OllamaAPI.tags(r.body)
        let wanted = model.contains(":") ? model : model + ":latest"
        guard let tag = tags.first(where: { $0.name == wanted || $0.name == model }) else {
            throw BenchError("Ollama has no model '\(model)'; it has: \(tags.map(\.name).joined(separator: ", ")) (pull it with `ollama pull \(model)`)")
        }
        let quant = tag.quantization ?? "Q4_K_M"
        guard let cm = try? catalog.model(named: model) else {
            throw BenchError("'\(model)' is not a catalog model, so the run cannot be filed or predicted; benchmark its GGUF file with --runtime llama.cpp instead")
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
                throw BenchError("\(e.description)")
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
            + "\(String(format: "%.1f GiB", Double(detected.memory.totalBytes) / 1_073_741_824)) RAM, GPUs: \(detected.gpus.isEmpty ? "none" : detected.gpus.map(\.name).joined(separator: ", "))\n"
        let limit = 16 * 1024 - header.utf8.count
        guard log.utf8.count > limit else { return header + log }
        let head = String(decoding: Data(log.utf8).prefix(limit / 2), as: UTF8.self)
        let tail = String(decoding: Data(log.utf8).suffix(limit / 2 - 64), as: UTF8.self)
        return header + head + "\n[… \(log.utf8.count - limit) bytes cut …]\n" + tail
    }

}

/// Thread-safe maxima for the memory samplers.
public final class PeakBox: @unchecked Sendable {
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
    public var nonZero: UInt64? { self == 0 ? nil : self }
}

public func shellQuote(_ s: String) -> String {
    let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@+=,".contains($0) }
    return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
