import Foundation
import Testing
@testable import RunLocalAICore

@Suite("The catalog: breadth, provenance and consistency")
struct CatalogTests {
    let c = TestSupport.catalog

    @Test("The audit finds nothing: bandwidth = bus × rate, parameters from the architecture, aliases resolve, sources cited")
    func auditIsClean() {
        let findings = CatalogAudit.run(c)
        #expect(findings.isEmpty, "\(findings.prefix(10).map { "\($0.entry): \($0.check): \($0.detail)" })")
    }

    @Test("params_b means one thing: a VLM's entry counts its language model only (the architecture's text tensors, within 2%), never the vision tower")
    func visionModelsCountTheLanguageModelOnly() throws {
        let vlms = c.models.filter(\.isVisionModel)
        #expect(vlms.count >= 30)
        for m in vlms where m.paramsCheck {
            let text = Double(TensorSynthesis.tensors(for: m.architecture, mix: QuantMix(name: "F16")!).reduce(UInt64(0)) { $0 + $1.elementCount }) / 1e9
            #expect(abs(text - m.paramsB) / m.paramsB <= 0.02, "\(m.id): text tensors \(text)B, params_b \(m.paramsB)B")
            // Adding the vision tower would break it wherever the tower is more than 2% of the whole.
            if let encoder = m.vision?.encoderParamsM, encoder / 1000 > 0.03 * m.paramsB {
                #expect(abs(text + encoder / 1000 - m.paramsB) / m.paramsB > 0.02, "\(m.id)")
            }
        }
        #expect(vlms.filter(\.paramsCheck).count >= vlms.count - 3, "nearly every VLM is checked against its architecture")
    }

    @Test("GLM-4.5/4.6 and 4.5-Air entries name the NextN block their GGUFs carry: GLM-4.5 sizes as its 92 layers, and a full offload is llama.cpp's -ngl 94 (92 layers, the NextN block, the output layer); Air's 46 layers give -ngl 48")
    func nextNEntries() throws {
        for id in ["glm-4.5", "glm-4.6"] {
            let a = try #require(c.model(id: id)).architecture
            #expect(a.layers == 92)
            #expect(a.skippedNextNLayers == 1)
            #expect(a.llamaCppNGL(a.layers + 1) == 94)
        }
        let air = try #require(c.model(id: "glm-4.5-air")).architecture   // block_count 47 in its GGUF
        #expect(air.layers == 46 && air.skippedNextNLayers == 1 && air.llamaCppNGL(air.layers + 1) == 48)
        #expect(try #require(c.model(id: "llama-3.1-8b")).architecture.skippedNextNLayers == 0)
    }

    @Test("The audit catches what it promises to catch")
    func auditCatchesErrors() throws {
        let yaml = """
        vendor: Test
        devices:
          - id: bad-card
            name: Bad Card 8GB
            kind: gpu
            memory_gib: 8
            bus_width_bits: 128
            data_rate_gbps: 14
            bandwidth_gbs: 400
            fp16_tensor_tflops: 10
            backends: [vulkan]
            source: ""
        """
        let file = try YAMLDecoderShim.decodeHardware(yaml)
        let catalog = Catalog(models: [], hardware: file, runtimes: [])
        let checks = Set(CatalogAudit.run(catalog).map(\.check))
        #expect(checks.contains("bandwidth = bus × rate"))
        #expect(checks.contains("source"))
        #expect(checks.contains("required runtime"))
    }

    @Test("A typo in a key is an error naming the key, never a silently missing number")
    func unknownKeysRejected() {
        let yaml = """
        vendor: Test
        devices:
          - id: typo
            name: Typo
            kind: gpu
            memory_gib: 8
            bandwith_gbs: 400
            bandwidth_gbs: 400
            source: x
        """
        #expect { try YAMLDecoderShim.decodeHardware(yaml) } throws: { "\($0)".contains("bandwith_gbs") }
    }

    @Test("First breadth: 40+ models with 8+ vision-language and several MoE; every calibration hardware; the five runtimes")
    func breadth() {
        #expect(c.models.count >= 40)
        #expect(c.models.filter(\.isVisionModel).count >= 8)
        #expect(c.models.filter(\.isMoE).count >= 5)
        for id in ["llama.cpp", "ollama", "lm-studio", "vllm", "mlx"] { #expect(c.runtimes.contains { $0.id == id }) }
        for family in ["llava-1.5-7b", "llava-1.6-mistral-7b", "qwen2-vl-7b", "qwen2.5-vl-7b", "gemma-3-4b", "minicpm-v-2.6", "moondream2", "llama-3.2-11b-vision"] {
            #expect(c.model(id: family) != nil, "missing \(family)")
        }
    }
}

import Yams
enum YAMLDecoderShim {
    static func decodeHardware(_ text: String) throws -> [HardwareDevice] {
        try YAMLDecoder().decode(HardwareFile.self, from: text).devices
    }
}
