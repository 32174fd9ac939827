import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

@Suite("GGUF vision projectors (mmproj): tokens per image and weight bytes")
struct GGUFVisionTests {
    static func projector(_ type: String?, imageSize: Int, patchSize: Int,
                          configure: (inout GGUFTestWriter) -> Void = { _ in }) -> GGUFTestWriter {
        GGUFTestWriter.visionProjector(type, imageSize: imageSize, patchSize: patchSize, configure: configure)
    }

    @Test("Gemma 3: (896/14)^2 patches pooled 4×4 give 256 tokens")
    func gemma3() throws {
        let model = try Self.projector("gemma3", imageSize: 896, patchSize: 14).model()
        let v = try #require(model.vision)
        #expect(model.architecture == nil)
        #expect(v.projectorType == "gemma3")
        #expect(v.tokensPerImage == 256)
        #expect(v.mergeFactor == 4)
        #expect(v.imageSize == 896)
        #expect(v.embeddingLength == 1152)
        #expect(v.blockCount == 27)
        #expect(v.projectionDim == 2560)
        #expect(v.feedForwardLength == 4304)
        #expect(v.weightBytes == (14 * 14 * 3 * 1152 + 1152 * 2560) * 2)
        #expect(v.tokens(forImageWidth: 3000, height: 200) == 256)
    }

    @Test("LLaVA MLP projectors: one token per patch, (336/14)^2 = 576")
    func llava() throws {
        #expect(try Self.projector("mlp", imageSize: 336, patchSize: 14).model().vision?.tokensPerImage == 576)
        // Old LLaVA files have no projector_type, only has_llava_projector.
        let old = Self.projector(nil, imageSize: 336, patchSize: 14) { $0.add("clip.has_llava_projector", .bool(true)) }
        #expect(try old.model().vision?.projectorType == "mlp")
        #expect(try old.model().vision?.tokensPerImage == 576)
    }

    @Test("MobileVLM LDP and LDPv2 keep a quarter of the patches", arguments: ["ldp", "ldpv2"])
    func ldp(type: String) throws {
        #expect(try Self.projector(type, imageSize: 336, patchSize: 14).model().vision?.tokensPerImage == 144)
    }

    @Test("MiniCPM-V resampler: the query count, from the file or by version",
          arguments: [(nil, 2, 96), (nil, 3, 64), (nil, 6, 64), (Optional(128), 5, 128)])
    func minicpmv(query: Int?, version: Int, tokens: Int) throws {
        let w = Self.projector("resampler", imageSize: 448, patchSize: 14) {
            $0.add("clip.minicpmv_version", version)
            if let query { $0.add("clip.minicpmv_query_num", query) }
        }
        #expect(try w.model().vision?.tokensPerImage == tokens)
    }

    @Test("Idefics3 / SmolVLM divide by the scale factor squared: (512/16)^2 / 4^2 = 64")
    func idefics3() throws {
        let w = Self.projector("idefics3", imageSize: 512, patchSize: 16) { $0.add("clip.vision.projector.scale_factor", 4) }
        #expect(try w.model().vision?.tokensPerImage == 64)
    }

    @Test("Qwen2-VL has dynamic resolution: 28-pixel cells, default 1024×1024 image, or any size given")
    func qwen2vl() throws {
        let w = Self.projector("qwen2vl_merger", imageSize: 560, patchSize: 14) { $0.add("clip.vision.spatial_merge_size", 2) }
        let v = try #require(try w.model().vision)
        #expect(v.dynamicResolution)
        #expect(v.defaultImageSide == 1024)
        #expect(v.tokensPerImage == 37 * 37)
        #expect(v.tokens(forImageWidth: 448, height: 224) == 16 * 8)
    }

    @Test("an audio-only projector has no image tokens")
    func audio() throws {
        var w = GGUFTestWriter()
        w.add("general.architecture", "clip")
        w.add("clip.projector_type", "ultravox")
        w.add("clip.has_vision_encoder", .bool(false))
        w.add("clip.has_audio_encoder", .bool(true))
        let v = try #require(try w.model().vision)
        #expect(v.hasAudioEncoder)
        #expect(v.tokensPerImage == nil)
    }
}
