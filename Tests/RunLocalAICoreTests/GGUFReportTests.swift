import Foundation
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("runlocalai inspect output")
struct GGUFReportTests {
    static func report() throws -> GGUFInspectionReport {
        var w = GGUFTestWriter.languageModel(arch: "gemma3", layers: 6, hidden: 512, ffn: 1024, heads: 4, kvHeads: 1, headDim: 256)
        w.add("gemma3.attention.sliding_window", 512)
        let mmproj = try GGUFVisionTests.projector("gemma3", imageSize: 896, patchSize: 14).model()
        return GGUFInspectionReport(model: try w.model(), source: "m.gguf", mmproj: mmproj, mmprojSource: "mmproj.gguf")
    }

    @Test("--json is one object with stable snake_case keys, null when unknown")
    func jsonKeys() throws {
        let json = try Self.report().json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == [
            "source", "format", "file_size", "name", "architecture", "file_type", "quantization_version", "parameters",
            "tensor_bytes", "bits_per_weight", "context_length", "vocab_size", "chat_template", "tensor_types", "model",
            "model_error", "vision", "mmproj",
        ])
        let model = try #require(object["model"] as? [String: Any])
        #expect(model["layers"] as? Int == 6)
        #expect(model["kv_heads"] as? Int == 1)
        #expect(model["swa_layers"] as? [Bool] == [true, true, true, true, true, false])
        #expect(object["model_error"] is NSNull)
        let mmproj = try #require(object["mmproj"] as? [String: Any])
        let vision = try #require(mmproj["vision"] as? [String: Any])
        #expect(vision["projector_type"] as? String == "gemma3")
        #expect(vision["tokens_per_image"] as? Int == 256)
        #expect((object["file_type"] as? [String: Any])?["name"] as? String == "Q4_K_M")
    }

    @Test("the same model gives byte-identical JSON")
    func stable() throws {
        #expect(try Self.report().json == Self.report().json)
    }

    @Test("text names the architecture, parameters, file type, types, context and projector tokens")
    func text() throws {
        let text = try Self.report().text
        for phrase in ["architecture      gemma3", "file type         Q4_K_M (15)", "context length    4096",
                       "chat template     no", "sliding window    512 tokens on 5 of 6 layers", "tensor types",
                       "projector type    gemma3", "tokens per image  256", "bits per weight"] {
            #expect(text.contains(phrase), "\(phrase)")
        }
    }

    @Test("JSON strings are escaped")
    func escaping() {
        #expect(JSONValue.string("a\"b\\c\n\u{1}").serialized(indent: 0) == #""a\"b\\c\n\u0001""#)
    }
}
