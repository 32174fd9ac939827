import Foundation
import Testing
@testable import RunLocalAICore

/// Hybrid models — Mamba-2 (Granite 4.0-H), gated delta-net (Qwen3-Next) — and Gemma 3n's shared KV, sized as llama.cpp
/// allocates them: a KV cache for the attention layers only, a fixed f32 state per sequence for the recurrent layers.
@Suite("Hybrid architectures: recurrent state instead of KV, KV only where llama.cpp keeps it")
struct HybridArchitectureTests {
    static let fixtures = TestSupport.repoRoot.appendingPathComponent("Tests/Fixtures")

    /// A fixture header read as the whole file (its real size, the tensor data never stored).
    static func model(_ name: String) throws -> GGUFModel {
        let dir = fixtures.appendingPathComponent("gguf/hybrid")
        let header = try [UInt8](Data(contentsOf: dir.appendingPathComponent("\(name).gguf-header")))
        let size = try #require(UInt64(String(contentsOf: dir.appendingPathComponent("\(name).gguf-size"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        return GGUFModel(file: try GGUFReader.parse(bytes: header, fileSize: size))
    }

    static func report(_ name: String) throws -> LlamaCppMemoryReport {
        LlamaCppMemoryReport(log: try String(contentsOf: fixtures.appendingPathComponent("llamacpp/hybrid/hybrid-\(name)-ctx4096-faauto.log"), encoding: .utf8))
    }

    /// The engine's plan of a profile on llama.cpp's CPU backend, as the fixture runs had it (4096 tokens, one sequence,
    /// flash attention on, no repack: the report's CPU_Mapped buffer is the file's bytes).
    static func usage(_ p: ModelProfile, context: Int = 4096, configure: (inout RunSettings) -> Void = { _ in }) -> MemoryUsage {
        var s = RunSettings(context: context)
        s.flashAttention = true
        s.cpuRepack = false
        configure(&s)
        return MemoryModel.usage(profile: p, system: TargetSystem(gpus: [], host: .init(ramGiB: 256)), settings: s, gpuLayers: 0)
    }

    /// The same for a GGUF file.
    static func usage(_ m: GGUFModel, context: Int = 4096, configure: (inout RunSettings) -> Void = { _ in }) throws -> MemoryUsage {
        usage(try ModelProfile(gguf: m, path: "x.gguf"), context: context, configure: configure)
    }

    static func mib(_ b: UInt64) -> Double { (Double(b) / 1_048_576 * 100).rounded() / 100 }

    @Test("The three headers read as llama.cpp reads them: which layers are recurrent, which keep KV")
    func layerKinds() throws {
        let granite = try #require(try Self.model("granitehybrid").architecture)
        #expect(granite.recurrent?.kind == .mamba2)
        #expect(granite.recurrentLayers.enumerated().filter { !$0.element }.map(\.offset) == [5])   // head_count_kv 0 elsewhere
        let qwen = try #require(try Self.model("qwen3next").architecture)
        #expect(qwen.recurrent?.kind == .gatedDeltaNet)
        #expect(qwen.recurrentLayers.enumerated().filter { !$0.element }.map(\.offset) == [3, 7])  // full attention every 4th layer
        let gemma = try #require(try Self.model("gemma3n").architecture)
        #expect(gemma.recurrent == nil)
        #expect((0..<gemma.layers).filter { gemma.ownsKV(layer: $0) }.count == 20)                 // KV shared from layer 20 on
    }

    @Test("Weights, KV and recurrent state equal llama.cpp's own report for each file (deepseek2: MLA keeps K only, V 0.00 MiB)",
          arguments: ["granitehybrid", "qwen3next", "gemma3n", "deepseek2"])
    func matchesLlamaCpp(_ name: String) throws {
        let report = try Self.report(name)
        let u = try Self.usage(try Self.model(name))
        #expect(Self.mib(u.host.weights) == Self.mib(report.model["CPU_Mapped"] ?? 0), "model buffer")
        #expect(Self.mib(u.host.kvCache - u.host.recurrentState) == Self.mib(report.kvCache), "KV buffers")
        #expect(Self.mib(u.host.recurrentState) == Self.mib(report.recurrentState), "RS buffer")
    }

    @Test("The catalog's Granite 4.0-H, Qwen3-Next and Gemma 3n entries size as llama.cpp 0c1e57098 reported full-size files of their layout")
    func catalogEntries() throws {
        let catalog = TestSupport.catalog
        // CPU_Mapped model buffer, KV buffer and RS buffer at Q8_0, 4096 tokens, one sequence (MiB, llama.cpp's report of a
        // GGUF with each model's real tensor shapes: scripts/synthetic-hybrid-gguf.py --sparse with the config.json numbers).
        let reported: [(String, Double, Double, Double)] = [
            ("qwen3-next-80b-a3b", 80877.56, 96.00, 75.38), ("granite-4.0-h-small", 32674.12, 64.00, 147.48),
            ("granite-4.0-h-tiny", 7044.55, 32.00, 55.37), ("granite-4.0-h-micro", 3236.87, 32.00, 73.79),
            ("gemma-3n-e4b", 7009.24, 64.00, 0), ("gemma-3n-e2b", 4562.57, 64.00, 0),
        ]
        for (id, weights, kv, rs) in reported {
            let model = try catalog.model(named: id)
            let u = Self.usage(ModelProfile(model: model, mix: QuantMix(name: "Q8_0")!))
            #expect(abs(Self.mib(u.host.weights) - weights) <= 0.02, "\(id) weights \(Self.mib(u.host.weights))")
            #expect(Self.mib(u.host.kvCache - u.host.recurrentState) == kv, "\(id) KV")
            #expect(Self.mib(u.host.recurrentState) == rs, "\(id) RS")
        }
    }

    @Test("Recurrent state does not grow with context or change with the KV type; it grows with parallel sequences")
    func statePhysics() throws {
        let m = try Self.model("granitehybrid")
        let short = try Self.usage(m, context: 4096), long = try Self.usage(m, context: 65_536)
        #expect(short.host.recurrentState == long.host.recurrentState)
        #expect(long.host.kvCache - long.host.recurrentState == 16 * (short.host.kvCache - short.host.recurrentState))  // one attention layer's cells
        let q8 = try Self.usage(m) { $0.keyType = .q8_0; $0.valueType = .q8_0 }
        #expect(q8.host.recurrentState == short.host.recurrentState)
        let four = try Self.usage(m) { $0.parallel = 4 }
        #expect(four.host.recurrentState == 4 * short.host.recurrentState)
        // Qwen3-Next at its full 262,144 tokens: KV on 12 of 48 layers only (llama.cpp reported 6144 MiB).
        let qwen = ModelProfile(model: try TestSupport.catalog.model(named: "qwen3-next-80b-a3b"), mix: QuantMix(name: "Q8_0")!)
        let kv = qwen.architecture.kvBytesPerToken(keyType: .f16, valueType: .f16) * 262_144
        #expect(kv == 6144 * 1_048_576)
    }

    @Test("gpt-oss carries the attention sinks, output bias and router/expert biases llama.cpp loads (openai-moe.cpp); its tensors sum to the published count")
    func gptOss() throws {
        for (id, published) in [("gpt-oss-20b", 20_914_757_184.0), ("gpt-oss-120b", 116_829_156_672.0)] {
            let a = try TestSupport.catalog.model(named: id).architecture
            let tensors = TensorSynthesis.tensors(for: a, mix: QuantMix(name: "F16")!)
            let names = Set(tensors.map(\.name))
            #expect(names.isSuperset(of: ["blk.0.attn_sinks.weight", "blk.0.attn_output.bias", "blk.0.attn_q.bias", "blk.0.ffn_gate_inp.bias",
                                          "blk.0.ffn_down_exps.bias", "blk.0.post_attention_norm.weight"]))
            #expect(!names.contains("blk.0.ffn_norm.weight"))
            let params = Double(tensors.reduce(UInt64(0)) { $0 + $1.elementCount })
            #expect(abs(params - published) / published < 0.001, "\(id): \(params)")
            // Every other layer slides over 128 tokens.
            #expect(a.swaLayers.prefix(4) == [true, false, true, false])
        }
    }
}

