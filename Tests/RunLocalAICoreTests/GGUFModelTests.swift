import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("GGUF model: architecture numbers as llama.cpp reads them")
struct GGUFModelTests {
    @Test("a llama file gives its architecture, sizes, file type and quantization mix")
    func llama() throws {
        let w = GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 512, ffn: 1024, heads: 8, kvHeads: 2,
                                             vocab: 1000, context: 8192)
        let model = try w.model()
        #expect(model.architectureName == "llama")
        #expect(model.name == "synthetic llama")
        #expect(model.fileType?.name == "Q4_K_M")
        #expect(model.quantizationVersion == 2)
        #expect(model.vocabSize == 1000)
        #expect(model.contextLength == 8192)
        #expect(model.hasChatTemplate == false)
        let a = try #require(model.architecture)
        #expect(a == ModelArchitecture(arch: "llama", layers: 4, hidden: 512, ffn: 1024, heads: 8, kvHeads: 2, headDim: 64,
                                       vocab: 1000, contextLength: 8192))
        #expect(model.parameterCount == w.tensors.reduce(0) { $0 + $1.dims.reduce(1, *) })
        #expect(model.tensors.count == w.tensors.count)
        #expect(model.tensors.map(\.bytes) == model.file.tensors.map(\.byteCount))
    }

    @Test("the tensor-type histogram counts tensors and bytes per type, biggest first, and gives bits per weight")
    func histogram() throws {
        var w = GGUFTestWriter()
        w.tensor("a", [256, 4], .q4_K)    // 4 rows × 144 bytes
        w.tensor("b", [256, 2], .q4_K)
        w.tensor("c", [256, 8], .q6_K)    // 8 × 210 bytes
        w.tensor("d", [256], .f32)        // 1024 bytes
        let model = try w.model()
        #expect(model.tensorTypes.map(\.type) == [.q6_K, .f32, .q4_K])
        #expect(model.tensorTypes.map(\.count) == [1, 1, 2])
        #expect(model.tensorTypes.map(\.bytes) == [1680, 1024, 864])
        #expect(model.tensorTypes.map(\.elements) == [2048, 256, 1536])
        #expect(model.tensorBytes == 3568)
        #expect(model.parameterCount == 3840)
        #expect(abs(model.bitsPerWeight - 3568.0 * 8 / 3840) < 1e-12)
    }

    @Test("tied embeddings: no output.weight tensor")
    func tied() throws {
        let untied = GGUFTestWriter.languageModel(arch: "qwen2", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        let tied = GGUFTestWriter.languageModel(arch: "qwen2", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 2, tied: true)
        #expect(try untied.model().architecture?.tiedEmbeddings == false)
        #expect(try tied.model().architecture?.tiedEmbeddings == true)
    }

    @Test("per-layer KV head counts are kept per layer")
    func perLayerKVHeads() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 4, hidden: 256, ffn: 512, heads: 4, kvHeads: 4)
        w.set("llama.attention.head_count_kv", ints: [4, 0, 2, 4])
        let a = try #require(try w.model().architecture)
        #expect(a.kvHeadsPerLayer == [4, 0, 2, 4])
        #expect(a.heads == 4)
    }

    @Test("a GLM-4.5/DeepSeek-style NextN block after the trunk is in the file but, as in llama.cpp, neither loaded nor cached: the model sizes as its trunk; other architectures keep every block")
    func nextNBlocksAreSkipped() throws {
        func glm(_ blocks: Int, nextn: Int?, arch: String = "glm4moe") throws -> ModelProfile {
            var w = GGUFTestWriter.languageModel(arch: arch, layers: blocks, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
            w.set("\(arch).attention.head_count_kv", ints: Array(repeating: 2, count: blocks))
            if let nextn { w.add("\(arch).nextn_predict_layers", nextn) }
            return try ModelProfile(gguf: w.model(), path: "synthetic.gguf")
        }
        let withMTP = try glm(4, nextn: 1), trunk = try glm(3, nextn: nil)
        #expect(withMTP.architecture.layers == 3)
        #expect(withMTP.architecture.skippedNextNLayers == 1)
        #expect(withMTP.architecture.kvHeadsPerLayer == [2, 2, 2])
        #expect(withMTP.weights.layerBytes == trunk.weights.layerBytes)
        #expect(withMTP.weights.outputBytes == trunk.weights.outputBytes)
        #expect(withMTP.weights.parameterCount == trunk.weights.parameterCount)
        #expect(withMTP.weights.fileBytes > trunk.weights.fileBytes)   // the block is still in the file
        #expect(withMTP.architecture.kvBytesPerToken(keyType: .f16, valueType: .f16) == trunk.architecture.kvBytesPerToken(keyType: .f16, valueType: .f16))
        // llama.cpp's -ngl counts the skipped block too, and offloads it first (it sits after the trunk).
        #expect(withMTP.architecture.llamaCppNGL(4) == 5)   // 3 layers + output
        #expect(withMTP.architecture.llamaCppNGL(2) == 3)
        #expect(withMTP.architecture.llamaCppNGL(0) == 0)
        #expect(withMTP.architecture.gpuLayers(fromNGL: 5) == 4)
        #expect(trunk.architecture.llamaCppNGL(4) == 4)
        let e = try Planner.plan(profile: withMTP, system: TestSupport.system("rtx-4090"), settings: RunSettings(context: 4096))
        #expect(e.fit.gpuLayers == 4)
        #expect(CommandBuilder.commands(for: e, file: "synthetic.gguf")[0].command.contains("-ngl 5 "))
        var forced = RunSettings(context: 4096)
        forced.gpuLayers = 3   // a user's -ngl 3: the NextN block and the last 2 layers
        #expect(try Planner.plan(profile: withMTP, system: TestSupport.system("rtx-4090"), settings: forced).fit.gpuLayers == 2)
        // An architecture llama.cpp loads NextN blocks for keeps them as layers.
        // DeepSeek V3.2 (deepseek32) runs n_layer - nextn_predict_layers blocks too (src/models/deepseek32.cpp).
        #expect(try glm(4, nextn: 1, arch: "deepseek32").architecture.skippedNextNLayers == 1)
        let llama = try glm(4, nextn: 1, arch: "llama")
        #expect(llama.architecture.layers == 4)
        #expect(llama.architecture.skippedNextNLayers == 0)
    }

    @Test("per-layer FFN widths (gemma3n, OpenELM) give the widest")
    func perLayerFFN() throws {
        var w = GGUFTestWriter.languageModel(arch: "gemma3n", layers: 3, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        w.set("gemma3n.feed_forward_length", ints: [512, 1024, 768])
        w.add("gemma3n.attention.sliding_window", 512)
        let a = try #require(try w.model().architecture)
        #expect(a.ffn == 1024)
        #expect(a.swaLayers == [true, true, true])   // pattern 5: layers 0–3 slide, 4 is global
    }

    @Test("key and value head sizes default to embedding / heads, and follow key_length / value_length when given")
    func headDims() throws {
        let plain = GGUFTestWriter.languageModel(arch: "llama", layers: 1, hidden: 512, ffn: 512, heads: 4, kvHeads: 4)
        #expect(try plain.model().architecture?.headDimK == 128)
        var qwen3 = GGUFTestWriter.languageModel(arch: "qwen3", layers: 1, hidden: 512, ffn: 512, heads: 4, kvHeads: 2, headDim: 256)
        qwen3.set("qwen3.attention.value_length", .uint32(192))
        let a = try #require(try qwen3.model().architecture)
        #expect(a.headDimK == 256)
        #expect(a.headDimV == 192)
    }

    @Test("sliding-window layers follow llama.cpp's per-architecture pattern",
          arguments: [
              ("gemma2", 4, [true, false, true, false]),
              ("gemma3", 12, [true, true, true, true, true, false, true, true, true, true, true, false]),
              ("cohere2", 8, [true, true, true, false, true, true, true, false]),
              ("gpt-oss", 4, [true, false, true, false]),
          ])
    func swaDefaults(arch: String, layers: Int, expected: [Bool]) throws {
        var w = GGUFTestWriter.languageModel(arch: arch, layers: layers, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        w.add("\(arch).attention.sliding_window", 1024)
        let a = try #require(try w.model().architecture)
        #expect(a.slidingWindow == 1024)
        #expect(a.swaLayers == expected)
    }

    @Test("gemma2 without a sliding_window key uses llama.cpp's 4096")
    func gemma2DefaultWindow() throws {
        let w = GGUFTestWriter.languageModel(arch: "gemma2", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        #expect(try w.model().architecture?.slidingWindow == 4096)
    }

    @Test("attention.sliding_window_pattern may be a number or one flag per layer")
    func swaPatternKey() throws {
        var n = GGUFTestWriter.languageModel(arch: "exaone4", layers: 8, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        n.add("exaone4.attention.sliding_window", 4096)
        n.add("exaone4.attention.sliding_window_pattern", 4)
        #expect(try n.model().architecture?.swaLayers == [true, true, true, false, true, true, true, false])

        var flags = GGUFTestWriter.languageModel(arch: "gemma3", layers: 4, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        flags.add("gemma3.attention.sliding_window", 512)
        flags.add("gemma3.attention.sliding_window_pattern", bools: [false, true, true, false])
        #expect(try flags.model().architecture?.swaLayers == [false, true, true, false])
    }

    @Test("architectures where llama.cpp has no sliding window ignore the key (and Phi-3's is disabled)",
          arguments: ["llama", "qwen2", "phi3", "starcoder2"])
    func noSWA(arch: String) throws {
        var w = GGUFTestWriter.languageModel(arch: arch, layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        w.add("\(arch).attention.sliding_window", 4096)
        let a = try #require(try w.model().architecture)
        #expect(a.hasSlidingWindow == false)
    }

    @Test("Mixtral (llama with experts) reads experts and active experts; expert width defaults to the FFN width")
    func mixtral() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 2)
        w.add("llama.expert_count", 8)
        w.add("llama.expert_used_count", 2)
        let moe = try #require(try w.model().architecture?.moe)
        #expect(moe == .init(experts: 8, active: 2, shared: 0, expertFFN: 512))
    }

    @Test("Qwen3-MoE reads the expert FFN width")
    func qwen3moe() throws {
        var w = GGUFTestWriter.languageModel(arch: "qwen3moe", layers: 2, hidden: 256, ffn: 6144, heads: 4, kvHeads: 2, headDim: 128)
        w.add("qwen3moe.expert_count", 128)
        w.add("qwen3moe.expert_used_count", 8)
        w.add("qwen3moe.expert_feed_forward_length", 768)
        let a = try #require(try w.model().architecture)
        #expect(a.moe == .init(experts: 128, active: 8, expertFFN: 768))
        #expect(a.headDimK == 128)
    }

    @Test("Qwen2-MoE's shared expert width makes one shared expert")
    func qwen2moe() throws {
        var w = GGUFTestWriter.languageModel(arch: "qwen2moe", layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 4)
        w.add("qwen2moe.expert_count", 60)
        w.add("qwen2moe.expert_used_count", 4)
        w.add("qwen2moe.expert_feed_forward_length", 1408)
        w.add("qwen2moe.expert_shared_feed_forward_length", 5632)
        #expect(try w.model().architecture?.moe == .init(experts: 60, active: 4, shared: 1, expertFFN: 1408, sharedFFN: 5632))
    }

    @Test("DeepSeek V2/V3: MLA ranks, shared experts and leading dense layers")
    func deepseek2() throws {
        var w = GGUFTestWriter.languageModel(arch: "deepseek2", layers: 4, hidden: 512, ffn: 1024, heads: 16, kvHeads: 16)
        w.set("deepseek2.attention.key_length", .uint32(192))
        w.set("deepseek2.attention.value_length", .uint32(128))
        w.add("deepseek2.attention.kv_lora_rank", 512)
        w.add("deepseek2.attention.q_lora_rank", 1536)
        w.add("deepseek2.rope.dimension_count", 64)
        w.add("deepseek2.expert_count", 256)
        w.add("deepseek2.expert_used_count", 8)
        w.add("deepseek2.expert_shared_count", 1)
        w.add("deepseek2.expert_feed_forward_length", 2048)
        w.add("deepseek2.leading_dense_block_count", 3)
        let a = try #require(try w.model().architecture)
        #expect(a.mla == .init(kvLoraRank: 512, qLoraRank: 1536, ropeDim: 64, nopeDim: 128, valueHeadDim: 128))
        #expect(a.kvHeadsPerLayer == [1, 1, 1, 1])
        #expect(a.headDimK == 576)
        #expect(a.headDimV == 512)
        #expect(a.moe == .init(experts: 256, active: 8, shared: 1, expertFFN: 2048, leadingDenseLayers: 3))
    }

    @Test("DeepSeek files converted with absorbed MLA give key_length_mla / value_length_mla")
    func deepseekMLAKeys() throws {
        var w = GGUFTestWriter.languageModel(arch: "deepseek2", layers: 1, hidden: 512, ffn: 1024, heads: 16, kvHeads: 1)
        w.set("deepseek2.attention.key_length", .uint32(576))
        w.set("deepseek2.attention.value_length", .uint32(512))
        w.add("deepseek2.attention.key_length_mla", 192)
        w.add("deepseek2.attention.value_length_mla", 128)
        w.add("deepseek2.attention.kv_lora_rank", 512)
        w.add("deepseek2.rope.dimension_count", 64)
        #expect(try w.model().architecture?.mla == .init(kvLoraRank: 512, qLoraRank: 0, ropeDim: 64, nopeDim: 128, valueHeadDim: 128))
    }

    @Test("gpt-oss: experts, SWA on even layers, key prefix as in the file")
    func gptOSS() throws {
        var w = GGUFTestWriter.languageModel(arch: "gpt-oss", layers: 4, hidden: 256, ffn: 3072, heads: 64, kvHeads: 8, headDim: 64)
        w.add("gpt-oss.expert_count", 32)
        w.add("gpt-oss.expert_used_count", 4)
        w.add("gpt-oss.expert_feed_forward_length", 2880)
        w.add("gpt-oss.attention.sliding_window", 128)
        let a = try #require(try w.model().architecture)
        #expect(a.arch == "gpt-oss")
        #expect(a.moe?.experts == 32)
        #expect(a.swaLayers == [true, false, true, false])
        #expect(a.headDimK == 64)
    }

    @Test("non-gated FFNs (no ffn_gate tensors) are recognised; Phi-3's fused gate counts as gated",
          arguments: [("starcoder2", false), ("falcon", false), ("phi3", true)])
    func gating(arch: String, gated: Bool) throws {
        let w = GGUFTestWriter.languageModel(arch: arch, layers: 2, hidden: 256, ffn: 512, heads: 4, kvHeads: 4, gated: false)
        #expect(try w.model().architecture?.ffnGated == gated)
    }

    @Test("every supported architecture yields numbers from its own key prefix",
          arguments: ["llama", "qwen2", "qwen3", "gemma", "glm4", "command-r", "granite", "starcoder2", "falcon", "phi3"])
    func supportedArchitectures(arch: String) throws {
        let w = GGUFTestWriter.languageModel(arch: arch, layers: 3, hidden: 512, ffn: 1024, heads: 8, kvHeads: 4, vocab: 300)
        let a = try #require(try w.model().architecture)
        #expect(a.arch == arch)
        #expect(a.layers == 3)
        #expect(a.hidden == 512)
        #expect(a.ffn == 1024)
        #expect(a.heads == 8)
        #expect(a.kvHeadsPerLayer == [4, 4, 4])
        #expect(a.vocab == 300)
    }

    @Test("vocabulary size falls back to <arch>.vocab_size, then to the embedding's rows")
    func vocabFallbacks() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 1, hidden: 256, ffn: 512, heads: 4, kvHeads: 4, vocab: 100)
        w.remove("tokenizer.ggml.tokens")
        #expect(try w.model().vocabSize == 100)   // token_embd.weight rows
        w.add("llama.vocab_size", 128)
        #expect(try w.model().vocabSize == 128)
    }

    @Test("a chat template is noticed")
    func chatTemplate() throws {
        var w = GGUFTestWriter.languageModel(arch: "llama", layers: 1, hidden: 256, ffn: 512, heads: 4, kvHeads: 4)
        w.add("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}")
        #expect(try w.model().hasChatTemplate)
    }

    @Test("file types map to llama-quantize names", arguments: [
        (0, "F32"), (1, "F16"), (7, "Q8_0"), (10, "Q2_K"), (12, "Q3_K_M"), (15, "Q4_K_M"), (17, "Q5_K_M"),
        (18, "Q6_K"), (30, "IQ4_XS"), (32, "BF16"), (38, "MXFP4_MOE"), (999, "unknown (999)"),
    ])
    func fileTypes(raw: Int, name: String) {
        #expect(GGUFFileType(rawValue: raw).name == name)
    }
}
