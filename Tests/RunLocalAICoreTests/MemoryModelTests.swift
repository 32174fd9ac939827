import Foundation
import Testing
@testable import RunLocalAICore

@Suite("Memory: each component as llama.cpp allocates it")
struct MemoryModelTests {
    func kv(_ model: String, ctx: Int, type: GGMLType = .f16) throws -> UInt64 {
        let p = try TestSupport.profile(model)
        var s = RunSettings(context: ctx)
        s.keyType = type; s.valueType = type
        let u = MemoryModel.usage(profile: p, system: try TestSupport.system("rtx 4090"), settings: s, gpuLayers: p.architecture.layers + 1)
        return u.sum(\.kvCache)
    }

    @Test("Llama 3.1 8B: an f16 KV cache at 8192 tokens is exactly 1 GiB (32 layers × 8 KV heads × 128 × 2 × 2 bytes)")
    func gqaKV() throws {
        #expect(try kv("llama 3.1 8b", ctx: 8192) == 1 << 30)
        #expect(try kv("llama 3.1 8b", ctx: 32768) == 4 << 30)
    }

    @Test("A q8_0 cache takes 34/64 of the f16 cache, q4_0 18/64")
    func quantisedKV() throws {
        let f16 = try kv("llama 3.1 8b", ctx: 8192)
        #expect(try kv("llama 3.1 8b", ctx: 8192, type: .q8_0) == f16 * 34 / 64)
        #expect(try kv("llama 3.1 8b", ctx: 8192, type: .q4_0) == f16 * 18 / 64)
    }

    @Test("Llama 3.3 70B holds 320 MiB of f16 KV per 1024 tokens")
    func seventyBPerK() throws {
        #expect(try kv("llama 3.3 70b", ctx: 1024) == 320 * 1_048_576)
    }

    @Test("The context is padded to 256 cells")
    func padding() throws {
        #expect(try kv("llama 3.1 8b", ctx: 1000) == (try kv("llama 3.1 8b", ctx: 1024)))
    }

    @Test("Sliding-window layers keep window + ubatch cells, padded; global layers the whole context (Gemma 3)")
    func slidingWindow() throws {
        let p = try TestSupport.profile("gemma 3 270m")
        let a = p.architecture
        #expect(a.swaLayers.filter { $0 }.count == 15)
        let cells = MemoryModel.kvCells(a, RunSettings(context: 32768))
        #expect(cells.full == 32768)
        #expect(cells.swa == 1024)   // pad(512 + 512, 256)
        let small = MemoryModel.kvCells(a, RunSettings(context: 512))
        #expect(small.swa == 512)
    }

    @Test("MLA models cache one latent per token and no V: DeepSeek V3 keeps 576 elements per layer and token")
    func mla() throws {
        // llama.cpp (llama-kv-cache.cpp, 0c1e57098): `has_v = !is_mla` — V is read from the first kv_lora_rank values of K.
        let model = try TestSupport.catalog.model(named: "deepseek v3")
        let a = model.architecture
        #expect(a.kElements(layer: 0) == 576)
        #expect(a.vElements(layer: 0) == 0)
        #expect(a.kvBytesPerToken(keyType: .f16, valueType: .f16) == 61 * 576 * 2)
    }

    @Test("DeepSeek V3.2's sparse attention caches one 128-wide indexer key per token and layer beside the latent: 85,888 bytes per token at f16")
    func dsaIndexer() throws {
        // llama.cpp's llama_kv_cache_dsa (deepseek32): the MLA latent (576) and the lightning indexer's key (128), both at the K type.
        let a = try TestSupport.catalog.model(named: "deepseek v3.2").architecture
        #expect(a.kvBytesPerToken(keyType: .f16, valueType: .f16) == 85_888)
        #expect(a.kvBytesPerToken(keyType: .q8_0, valueType: .q8_0) == 61 * (576 + 128) / 32 * 34)
        let names = Set(TensorSynthesis.tensors(for: a, mix: QuantMix(name: "Q4_K_M")!).map(\.name))
        #expect(names.isSuperset(of: ["blk.0.indexer.attn_k.weight", "blk.0.indexer.attn_q_b.weight", "blk.0.indexer.proj.weight", "blk.60.indexer.k_norm.weight"]))
    }

    @Test("Token embeddings stay in host memory; the output layer follows -ngl")
    func placementOfGlobalTensors() throws {
        let p = try TestSupport.profile("llama 3.1 8b")
        let sys = try TestSupport.system("rtx 4090")
        let s = RunSettings(context: 4096)
        let full = MemoryModel.usage(profile: p, system: sys, settings: s, gpuLayers: 33)
        #expect(full.host.weights == p.weights.tokenEmbeddingBytes)
        #expect(full.gpus[0].weights == p.weights.repeatingBytes + p.weights.outputBytes)
        let noOutput = MemoryModel.usage(profile: p, system: sys, settings: s, gpuLayers: 32)
        #expect(noOutput.host.weights == p.weights.tokenEmbeddingBytes + p.weights.outputBytes)
        #expect(noOutput.gpus[0].layers == 32)
    }

    @Test("Without flash attention the compute buffer holds the attention scores of the whole context")
    func computeBufferGrowsWithoutFlashAttention() throws {
        let p = try TestSupport.profile("llama 3.1 8b")
        let sys = try TestSupport.system("rtx 4090")
        var s = RunSettings(context: 32768)
        let on = MemoryModel.usage(profile: p, system: sys, settings: s, gpuLayers: 33).gpus[0].compute
        s.flashAttention = false
        let off = MemoryModel.usage(profile: p, system: sys, settings: s, gpuLayers: 33).gpus[0].compute
        #expect(off > 2 << 30)   // 32768 × 512 × 32 heads × 4 bytes = 2 GiB of scores
        #expect(on < 512 << 20)  // with flash attention the logits (128256 × 512 × 4 bytes) dominate
    }

    @Test("On the CPU backend the repacked copy of Q4_K/Q4_0 weights is counted beside the mapped file")
    func cpuRepack() throws {
        let p = try TestSupport.profile("llama 3.1 8b")
        let sys = try TestSupport.system("cpu")
        let u = MemoryModel.usage(profile: p, system: sys, settings: RunSettings(context: 4096), gpuLayers: 0)
        #expect(u.host.repack > 2 * (1 << 30))
        #expect(u.host.repack < u.host.weights)
        #expect(u.gpus.isEmpty)
    }

    @Test("The vision projector and its encoder are counted only when images are sent")
    func visionOnlyWithImages() throws {
        let p = try TestSupport.profile("llava 1.6 mistral 7b")
        let sys = try TestSupport.system("rtx 3060 12gb")
        let without = MemoryModel.usage(profile: p, system: sys, settings: RunSettings(context: 4096), gpuLayers: 33)
        let with = MemoryModel.usage(profile: p, system: sys, settings: RunSettings(context: 4096, images: 1), gpuLayers: 33)
        #expect(without.sum(\.vision) == 0)
        #expect(with.gpus[0].vision > 550_000_000)
    }
}
