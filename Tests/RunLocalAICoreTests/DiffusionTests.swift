import Foundation
import Testing
@testable import RunLocalAICore

/// Real-world figures the diffusion engine is held to. Each expectation names where its figure comes from.
@Suite("Diffusion: memory, fit and speed of image and video models")
struct DiffusionTests {
    let c = TestSupport.catalog
    static let gib = 1_073_741_824.0

    func model(_ name: String) throws -> DiffusionModel { try c.diffusionModel(named: name) }
    func system(_ hardware: String) throws -> TargetSystem { TargetSystem(try c.hardware(named: hardware)) }
    func peakGiB(_ e: DiffusionEstimate) -> Double { Double(e.memory.peakBytes) / Self.gib }

    @Test("The diffusion catalog loads with its families, and names resolve", arguments: [
        ("sdxl", "sdxl-base-1.0"), ("SDXL Turbo", "sdxl-turbo"), ("SD 1.5", "sd-1.5"), ("sd15", "sd-1.5"),
        ("stable diffusion 2.1", "sd-2.1"), ("SD3", "sd-3-medium"), ("SD 3.5 Large", "sd-3.5-large"),
        ("sd 3.5 large turbo", "sd-3.5-large-turbo"), ("SD3.5 Medium", "sd-3.5-medium"), ("flux dev", "flux.1-dev"),
        ("FLUX.1-schnell", "flux.1-schnell"), ("flux kontext", "flux.1-kontext-dev"), ("PixArt Sigma", "pixart-sigma"),
        ("wan 2.1 1.3b", "wan-2.1-t2v-1.3b"), ("Wan2.1-T2V-14B", "wan-2.1-t2v-14b"),
    ])
    func names(query: String, id: String) throws {
        #expect(try model(query).id == id)
    }

    @Test("Every diffusion entry cites a source, and the published parameter counts are the catalog's")
    func catalogFigures() throws {
        #expect(c.diffusion.count >= 14)
        #expect(c.diffusion.allSatisfy { !$0.source.isEmpty && !$0.license.isEmpty })
        // HF configs: SD 1.5 U-Net 860M; SDXL U-Net 2.567B with CLIP-L 123M + OpenCLIP bigG 695M; FLUX.1 12B + T5-XXL 4.76B.
        #expect(try model("sd 1.5").denoiser.paramsB == 0.860)
        let sdxl = try model("sdxl")
        #expect(sdxl.denoiser.paramsB == 2.567 && sdxl.textEncoders.map(\.paramsB) == [0.123, 0.695])
        let flux = try model("flux dev")
        #expect(abs(flux.denoiser.paramsB - 12) < 0.2 && flux.textEncoders.contains { $0.paramsB == 4.762 })
        #expect(!flux.cfg && sdxl.cfg)
    }

    @Test("A typo in a diffusion key is an error naming the key")
    func strictKeys() throws {
        let yaml = """
        family: Test
        models:
          - id: t
            name: T
            license: x
            denoiser: {kind: unet, params_b: 1, gflops: 100, layers: 1, hidden: 64, heads: 1, patch_size: 1, parms: 3}
            text_encoders: [{name: CLIP, params_b: 0.1}]
            vae: {params_m: 80, latent_channels: 4, downscale: 8}
            native_width: 512
            native_height: 512
            default_steps: 20
            cfg: true
            source: x
        """
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diffusion-strict-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["models", "hardware", "runtimes", "diffusion"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try yaml.write(to: dir.appendingPathComponent("diffusion/test.yaml"), atomically: true, encoding: .utf8)
        #expect { try Catalog.load(from: dir) } throws: { "\($0)".contains("parms") }
    }

    @Test("Tokens: latent / 8 / patch per side, joint text tokens, latent frames for video")
    func tokens() throws {
        // SDXL's widest attention is at latent / 2: 64 × 64 at 1024².
        #expect(DiffusionEstimator.tokens(try model("sdxl"), width: 1024, height: 1024) == 4096)
        // FLUX.1 dev: 64 × 64 image tokens + 512 T5 tokens in one joint attention.
        #expect(DiffusionEstimator.tokens(try model("flux dev"), width: 1024, height: 1024) == 4608)
        // Wan 2.1 at 832×480×81: 21 latent frames × 52 × 30.
        let wan = try model("wan 2.1 1.3b")
        #expect(DiffusionEstimator.tokens(wan, width: 832, height: 480, latentFrames: wan.video!.latentFrames(81)) == 32_760)
    }

    // SDXL fp16 at 1024² needs about 7-9 GB at its peak with PyTorch SDPA (diffusers SDXL docs and community
    // reports): a 12 GB card runs it as is; AUTOMATIC1111's wiki recommends --medvram-sdxl for 8 GB cards.
    @Test("SDXL fp16 1024² runs comfortably on a 12 GB card, peaking at 7-9 GiB")
    func sdxlOn12GB() throws {
        let e = try DiffusionEstimator.estimate(model: try model("sdxl"), system: try system("RTX 3060 12GB"),
                                                settings: .init(width: 1024, height: 1024))
        #expect(e.fit.tier == .comfortable)
        #expect(e.fit.strategy.isEmpty)
        #expect((7.0...9.0).contains(peakGiB(e)), "peak \(peakGiB(e)) GiB")
        // Weights: 2.567B × 2 + 0.818B × 2 + VAE ≈ 6.9 GB.
        #expect(abs(Double(e.memory.denoiserBytes + e.memory.textEncoderBytes + e.memory.vaeBytes) / 1e9 - 6.94) < 0.05)
    }

    @Test("SDXL on an 8 GB card needs a memory saver (A1111's --medvram-sdxl)")
    func sdxlOn8GB() throws {
        let e = try DiffusionEstimator.estimate(model: try model("sdxl"), system: try system("RTX 4060 Ti 8GB"),
                                                settings: .init(width: 1024, height: 1024))
        #expect(e.fit.tier == .tradeoffs)
        #expect(!e.fit.strategy.isEmpty)
        #expect(e.memory.peakBytes <= e.memory.usableBytes)
    }

    // FLUX.1 dev in bf16: the transformer file is 23.8 GB and T5-XXL fp16 9.8 GB (HF black-forest-labs/FLUX.1-dev,
    // comfyanonymous/flux_text_encoders): together they exceed a 24 GB card; diffusers' FLUX docs run it on
    // consumer cards with enable_model_cpu_offload, and ComfyUI users with fp8 weights (flux1-dev-fp8).
    @Test("FLUX.1 dev bf16 does not fit 24 GB resident, but fits with text-encoder offload or fp8")
    func fluxOn24GB() throws {
        let flux = try model("flux dev")
        let rtx4090 = try system("RTX 4090")
        var s = DiffusionSettings(width: 1024, height: 1024, precision: .bf16)
        let resident = try DiffusionEstimator.evaluate(model: flux, system: rtx4090, settings: s)
        #expect(peakGiB(resident) > 24)
        #expect(resident.fit.tier == .wontRun)   // as given
        s.offload = .model
        // Offloaded weights wait in RAM: 23.8 + 9.8 GB do not fit a 32 GB desktop's usable RAM, they fit 64 GB.
        let smallHost = try DiffusionEstimator.evaluate(model: flux, system: rtx4090, settings: s)
        #expect(smallHost.fit.tier == .wontRun && smallHost.fit.notes.contains { $0.contains("RAM") })
        let bigHost = TargetSystem(try c.hardware(named: "RTX 4090"), host: .init(ramGiB: 64))
        let offloaded = try DiffusionEstimator.evaluate(model: flux, system: bigHost, settings: s)
        #expect(peakGiB(offloaded) < 24)
        #expect(offloaded.fit.tier == .tradeoffs)
        #expect(offloaded.memory.encodePhaseBytes < offloaded.memory.denoisePhaseBytes)
        let fp8 = try DiffusionEstimator.evaluate(model: flux, system: rtx4090, settings: .init(width: 1024, height: 1024, precision: .fp8))
        #expect(peakGiB(fp8) < 23)
        let chosen = try DiffusionEstimator.estimate(model: flux, system: rtx4090, settings: .init(width: 1024, height: 1024, precision: .bf16))
        #expect(chosen.fit.tier == .tradeoffs)
        #expect(!chosen.fit.strategy.isEmpty)
    }

    // city96/FLUX.1-dev-gguf: the Q4/Q5 files (6.8 / 8.4 GB) are how 12 GB cards run FLUX.1 dev in ComfyUI.
    @Test("FLUX.1 dev on a 12 GB card runs only with smaller weights and offload")
    func fluxOn12GB() throws {
        let e = try DiffusionEstimator.estimate(model: try model("flux dev"), system: try system("RTX 3060 12GB"),
                                                settings: .init(width: 1024, height: 1024))
        #expect(e.fit.tier == .tradeoffs)
        #expect(e.fit.strategy.contains { $0.contains("GGUF") || $0.contains("fp8") || $0.contains("streamed") }, "\(e.fit.strategy)")
        // GGUF Q4_K: 144 bytes per 256 weights → 11.9B × 0.5625 = 6.7 GB (city96's Q4_K_S file: 6.8 GB).
        let q4 = try DiffusionEstimator.evaluate(model: try model("flux dev"), system: try system("RTX 3060 12GB"),
                                                 settings: .init(width: 1024, height: 1024, precision: .q4_K))
        #expect(abs(Double(q4.memory.denoiserBytes) / 1e9 - 6.7) < 0.1)
    }

    // SD 1.5 on 4 GB cards: AUTOMATIC1111's wiki lists split (sliced) attention and --medvram for 4 GB GPUs;
    // without memory-efficient attention the 4096-token score matrices (8 heads, CFG batch of 2) take ~1 GiB.
    @Test("SD 1.5 fits 4 GB; with plain attention it needs attention slicing")
    func sd15On4GB() throws {
        let sd15 = try model("sd 1.5")
        let gtx1650 = try system("GTX 1650")
        let efficient = try DiffusionEstimator.estimate(model: sd15, system: gtx1650, settings: .init(width: 512, height: 512))
        #expect(efficient.fit.tier == .comfortable)
        let naive = try DiffusionEstimator.estimate(model: sd15, system: gtx1650,
                                                    settings: .init(width: 512, height: 512, attention: .naive))
        #expect(naive.fit.tier == .tradeoffs)
        #expect(naive.fit.strategy.contains("attention slicing"), "\(naive.fit.strategy)")
        #expect(naive.settings.attention == .sliced)
    }

    @Test("Higher resolutions need more memory; VAE tiling caps the decode peak")
    func resolution() throws {
        let sdxl = try model("sdxl")
        let gpu = try system("RTX 4090")
        let base = try DiffusionEstimator.evaluate(model: sdxl, system: gpu, settings: .init(width: 1024, height: 1024))
        let big = try DiffusionEstimator.evaluate(model: sdxl, system: gpu, settings: .init(width: 2048, height: 2048))
        let tiled = try DiffusionEstimator.evaluate(model: sdxl, system: gpu, settings: .init(width: 2048, height: 2048, vaeTiling: true))
        #expect(big.memory.vaeDecodeBytes == 4 * base.memory.vaeDecodeBytes)
        #expect(big.memory.activationBytes == 4 * base.memory.activationBytes)
        #expect(tiled.memory.vaeDecodeBytes < base.memory.vaeDecodeBytes)
        #expect(big.secondsPerImage.expected > 4 * base.secondsPerImage.expected * 0.9)
    }

    @Test("Nothing fits: Wan 2.1 14B at 720p on a 4 GB card won't run")
    func wontRun() throws {
        let e = try DiffusionEstimator.estimate(model: try model("wan 2.1 14b"), system: try system("GTX 1650"),
                                                settings: .init(width: 1280, height: 720))
        #expect(e.fit.tier == .wontRun)
        #expect(e.fit.notes.contains { $0.contains("no strategy") })
    }

    // Wan 2.1 T2V 1.3B model card: "requires only 8.19 GB VRAM" (with --offload_model True --t5_cpu) and
    // "about 4 minutes" for a 5-second 480P video on an RTX 4090.
    @Test("Wan 2.1 1.3B: the model card's 8.19 GB and 4 minutes on an RTX 4090 are within the estimate's reach")
    func wanModelCard() throws {
        let wan = try model("wan 2.1 1.3b")
        let e = try DiffusionEstimator.evaluate(model: wan, system: try system("RTX 4090"),
                                                settings: .init(width: 832, height: 480, offload: .textEncodersOnCPU))
        let peakGB = Double(e.memory.peakBytes) / 1e9
        #expect(abs(peakGB - 8.19) / 8.19 < 0.35, "peak \(peakGB) GB")
        #expect(e.secondsPerImage.low <= 240 && 240 <= e.secondsPerImage.high, "\(e.secondsPerImage)")
        #expect(e.frames == 81)
    }

    @Test("Speed orders sensibly: fewer steps, faster cards and smaller models are quicker; evidence is 'estimated'")
    func speedOrdering() throws {
        let sdxl = try model("sdxl"), flux = try model("flux dev")
        let r4090 = try system("RTX 4090"), r3060 = try system("RTX 3060 12GB")
        let s = DiffusionSettings(width: 1024, height: 1024, steps: 30)
        let fast = try DiffusionEstimator.evaluate(model: sdxl, system: r4090, settings: s)
        let slow = try DiffusionEstimator.evaluate(model: sdxl, system: r3060, settings: s)
        let fewer = try DiffusionEstimator.evaluate(model: sdxl, system: r4090, settings: .init(width: 1024, height: 1024, steps: 10))
        let big = try DiffusionEstimator.evaluate(model: flux, system: r4090, settings: .init(width: 1024, height: 1024, steps: 30, precision: .fp8))
        #expect(fast.secondsPerImage.expected < slow.secondsPerImage.expected)
        #expect(fewer.secondsPerImage.expected < fast.secondsPerImage.expected)
        #expect(fast.secondsPerImage.expected < big.secondsPerImage.expected)
        #expect(fast.evidence == .estimated)
        #expect(fast.secondsPerImage.low < fast.secondsPerImage.expected && fast.secondsPerImage.expected < fast.secondsPerImage.high)
        // CFG doubles the passes: SDXL Turbo (no CFG) at SDXL's resolution and steps is faster per step.
        let turbo = try DiffusionEstimator.evaluate(model: try model("sdxl turbo"), system: r4090, settings: s)
        #expect(turbo.secondsPerStep < fast.secondsPerStep * 0.6)
    }

    @Test("Unified memory: offloading is never the answer; the working set is the limit")
    func unified() throws {
        let e = try DiffusionEstimator.estimate(model: try model("flux dev"), system: try system("M3 Max 40-core 64GB"),
                                                settings: .init(width: 1024, height: 1024))
        #expect(e.fit.tier != .wontRun)
        #expect(e.settings.offload == .none)
    }

    @Test("Settings are checked: multiples of 8 (U-Nets) or 16 (transformers), sane sizes", arguments: [
        ("sdxl", 1020, 1024), ("sdxl", 1024, 30), ("sdxl", 99_999, 1024), ("flux dev", 1000, 1000),
    ])
    func invalid(name: String, width: Int, height: Int) throws {
        #expect(throws: EstimateError.self) {
            try DiffusionEstimator.evaluate(model: try model(name), system: try system("RTX 4090"),
                                            settings: .init(width: width, height: height))
        }
        // SDXL takes 1000 wide (a multiple of 8).
        #expect(throws: Never.self) {
            try DiffusionEstimator.evaluate(model: try model("sdxl"), system: try system("RTX 4090"), settings: .init(width: 1000, height: 1024))
        }
    }

    @Test("Precision names are forgiving", arguments: [("fp16", DiffusionPrecision.fp16), ("BF16", .bf16), ("fp8_e4m3fn", .fp8),
                                                      ("Q8_0", .q8_0), ("q5_k_m", .q5_K), ("Q4_K_S", .q4_K)])
    func precision(name: String, p: DiffusionPrecision) {
        #expect(DiffusionPrecision(name: name) == p)
    }

    @Test("The audit checks diffusion entries")
    func audit() {
        var bad = DiffusionModel(id: "bad-diffusion", name: "Bad Diffusion", denoiser: .init(kind: .unet, paramsB: 0, gflops: 10, layers: 1, hidden: 64, heads: 1, patchSize: 1),
                                 textEncoders: [], vae: .init(paramsM: 80, latentChannels: 4), nativeWidth: 500, nativeHeight: 512,
                                 defaultSteps: 20, cfg: true)
        bad.license = "x"
        let checks = Set(CatalogAudit.run(Catalog(models: [], hardware: [], runtimes: [], diffusion: [bad])).filter { $0.entry == "bad-diffusion" }.map(\.check))
        #expect(checks.isSuperset(of: ["source", "denoiser", "text encoders", "native resolution"]), "\(checks)")
    }
}
