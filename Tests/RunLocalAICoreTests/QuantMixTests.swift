import Foundation
import Testing
@testable import RunLocalAICore

@Suite("Quantisation mixes assign types tensor by tensor, as llama-quantize does")
struct QuantMixTests {
    struct DumpTensor: Decodable { var name: String; var shape: [UInt64]; var type: String; var n_bytes: UInt64 }
    struct Dump: Decodable { var tensors: [DumpTensor]; var total_tensor_bytes: UInt64 }

    static func gemmaDump() throws -> Dump {
        let url = TestSupport.fixtures.appendingPathComponent("gguf/gemma3-270m-q4km.gguf-dump.json")
        return try JSONDecoder().decode(Dump.self, from: Data(contentsOf: url))
    }

    @Test("gpt-oss's experts stay MXFP4 whatever the file type names (the other tensors only): llama-bench reports unsloth's F16 gpt-oss-120b at 60.87 GiB and ggml-org's MXFP4 at 59.02 GiB (a Framework community thread, and llama.cpp's benches/dgx-spark.md); the tensor sums match to 0.5%, where F16 experts would make 218 GiB")
    func gptOssExpertsStayMXFP4() throws {
        let model = try TestSupport.catalog.model(named: "gpt-oss-120b")
        func gib(_ quant: String) -> Double {
            Double(WeightLayout(tensors: TensorSynthesis.tensors(for: model.architecture, mix: QuantMix(name: quant)!), architecture: model.architecture).fileBytes) / 1_073_741_824
        }
        #expect(abs(gib("F16") / 60.87 - 1) < 0.005, "F16 \(gib("F16")) GiB")
        #expect(abs(gib("MXFP4") / 59.02 - 1) < 0.005, "MXFP4 \(gib("MXFP4")) GiB")
        for quant in ["Q4_K_M", "Q8_0"] {
            let experts = TensorSynthesis.tensors(for: model.architecture, mix: QuantMix(name: quant)!).filter { $0.name.contains("_exps.weight") }
            #expect(!experts.isEmpty && experts.allSatisfy { $0.type == .mxfp4 }, "\(quant)")
        }
        // Another MoE keeps the file type's rule for its experts.
        let qwen = try TestSupport.catalog.model(named: "qwen3-30b-a3b")
        #expect(TensorSynthesis.tensors(for: qwen.architecture, mix: QuantMix(name: "Q8_0")!).filter { $0.name.contains("_exps.weight") }.allSatisfy { $0.type == .q8_0 })
    }

    @Test("Gemma 3 270M Q4_K_M from the catalog has exactly the tensors and types of the real file (gguf-py dump)")
    func gemmaSynthesisMatchesRealFile() throws {
        let dump = try Self.gemmaDump()
        let model = try TestSupport.catalog.model(named: "gemma 3 270m")
        let synthesized = TensorSynthesis.tensors(for: model.architecture, mix: QuantMix(name: "Q4_K_M")!)
        let byName = Dictionary(uniqueKeysWithValues: synthesized.map { ($0.name, $0) })
        #expect(synthesized.count == dump.tensors.count)
        for real in dump.tensors {
            let ours = try #require(byName[real.name], "missing tensor \(real.name)")
            #expect(ours.type.name == real.type, "\(real.name): ours \(ours.type.name), file \(real.type)")
            #expect(ours.dimensions == real.shape, "\(real.name) shape")
            #expect(ours.bytes == real.n_bytes, "\(real.name) bytes")
        }
        let total = synthesized.reduce(UInt64(0)) { $0 + $1.bytes }
        #expect(total == dump.total_tensor_bytes)
    }

    @Test("Whole-file bits per weight of Llama 3.1 8B match llama.cpp's quantize README for the common mixes",
          arguments: [("Q4_K_M", 4.8944), ("Q4_K_S", 4.6672), ("Q5_K_M", 5.7036), ("Q5_K_S", 5.5704), ("Q6_K", 6.5633),
                      ("Q8_0", 8.5008), ("Q3_K_L", 4.2979), ("Q3_K_S", 3.6429), ("Q2_K", 3.1593), ("F16", 16.0005),
                      ("IQ4_NL", 4.6818)])
    func llama31BitsPerWeight(mix: String, readme: Double) throws {
        let p = try TestSupport.profile("llama 3.1 8b", mix)
        let bpw = p.weights.bitsPerWeight
        #expect(abs(bpw - readme) / readme < 0.01, "\(mix): ours \(bpw), README \(readme)")
    }

    @Test("Mix names are forgiving and unknown names are refused with suggestions")
    func names() {
        #expect(QuantMix(name: "q4_k_m")?.name == "Q4_K_M")
        #expect(QuantMix(name: "Q4-K-M")?.name == "Q4_K_M")
        #expect(QuantMix(name: "mxfp4_moe")?.name == "MXFP4")
        #expect(QuantMix(name: "Q4_K_X") == nil)
        #expect(QuantMix.suggestions(for: "Q4_K_X").contains("Q4_K_M"))
        #expect(QuantMix(fileType: 15)?.name == "Q4_K_M")
    }

    @Test("A row length that is not a whole number of blocks falls back as llama.cpp does")
    func incompatibleRowFallback() {
        let ctx = QuantMix.Context(arch: "llama", layers: 32, experts: 0, gqa: 4, hasOutput: true)
        let mix = QuantMix(name: "Q4_K_M")!
        #expect(mix.tensorType(name: "blk.3.attn_q.weight", dimensions: [640, 1024], in: ctx) == .q5_0)
        #expect(mix.tensorType(name: "blk.3.attn_q.weight", dimensions: [4096, 4096], in: ctx) == .q4_K)
        #expect(mix.tensorType(name: "blk.0.attn_v.weight", dimensions: [640, 256], in: ctx) == .q8_0)
        #expect(mix.tensorType(name: "blk.0.attn_norm.weight", dimensions: [4096], in: ctx) == .f32)
    }
}
