/// Internal-consistency checks over the whole catalog: the numbers must agree with each other.
///
/// - bandwidth = bus width × data rate (within 2%)
/// - parameters recomputed from the architecture (within 2%)
/// - KV heads divide attention heads; sliding-window and MoE blocks make sense
/// - ids unique; every name and alias resolves to exactly its own entry
/// - every entry cites a source
/// - diffusion models: positive parameters, FLOPs and geometry, a source, aliases that resolve
///
/// ```swift
/// let findings = CatalogAudit.run(catalog)
/// findings.isEmpty   // a clean catalog
/// ```
public enum CatalogAudit {
    public struct Finding: Sendable, Hashable, Codable {
        public var entry: String
        public var check: String
        public var detail: String
    }

    public static func run(_ c: Catalog) -> [Finding] {
        var out: [Finding] = []
        func add(_ entry: String, _ check: String, _ detail: String) { out.append(Finding(entry: entry, check: check, detail: detail)) }

        // Ids.
        for (kind, ids) in [("model", c.models.map(\.id)), ("hardware", c.hardware.map(\.id)), ("runtime", c.runtimes.map(\.id)), ("diffusion model", c.diffusion.map(\.id))] {
            var seen = Set<String>()
            for id in ids {
                if !seen.insert(id).inserted { add(id, "unique id", "\(kind) id appears twice") }
                if id.isEmpty || !id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }) {
                    add(id, "id format", "ids are lowercase letters, digits, '-' and '.'")
                }
            }
        }
        // Hardware.
        for d in c.hardware {
            if d.source.trimmingCharacters(in: .whitespaces).isEmpty { add(d.id, "source", "no source cited") }
            if let bus = d.busWidthBits, let rate = d.dataRateGbps {
                let computed = Double(bus) / 8 * rate
                if abs(computed - d.bandwidthGBs) / d.bandwidthGBs > 0.02 {
                    add(d.id, "bandwidth = bus × rate", String(format: "%d bit × %.2f Gbps / 8 = %.1f GB/s, file says %.1f", bus, rate, computed, d.bandwidthGBs))
                }
            }
            if d.memoryChoicesGiB.isEmpty && d.kind != .cpu { add(d.id, "memory", "no memory size") }
            if d.bandwidthGBs <= 0 { add(d.id, "bandwidth", "bandwidth must be positive") }
            if d.kind != .cpu && (d.fp16TensorTFLOPS ?? d.fp32TFLOPS ?? 0) <= 0 { add(d.id, "compute", "no FP16 or FP32 rate") }
            if d.backends.isEmpty { add(d.id, "backends", "no backend listed") }
            for name in [d.name] + d.aliases { check(name, resolvesTo: d.id, kind: "hardware") { try c.hardware(named: $0).device.id } }
        }
        // Models.
        for m in c.models {
            let a = m.architecture
            if m.source.trimmingCharacters(in: .whitespaces).isEmpty { add(m.id, "source", "no source cited") }
            if a.kvHeadsPerLayer.contains(where: { $0 <= 0 || a.heads % $0 != 0 }) && a.mla == nil {
                add(m.id, "KV heads divide heads", "\(a.heads) heads, \(a.kvHeadsPerLayer.first ?? 0) KV heads")
            }
            if let moe = a.moe, moe.active > moe.experts || moe.active < 1 || moe.leadingDenseLayers > a.layers {
                add(m.id, "MoE", "\(moe.active) active of \(moe.experts) experts, \(moe.leadingDenseLayers) dense layers")
            }
            if let w = a.slidingWindow, w <= 0 { add(m.id, "sliding window", "window must be positive") }
            if m.paramsCheck {
                let params = Double(TensorSynthesis.tensors(for: a, mix: QuantMix(name: "F16")!).reduce(UInt64(0)) { $0 + $1.elementCount }) / 1e9
                if abs(params - m.paramsB) / m.paramsB > 0.02 {
                    add(m.id, "parameters from architecture", String(format: "architecture gives %.3fB, file says %.3fB", params, m.paramsB))
                }
            }
            if let v = m.vision, v.tokensPerImage <= 0 { add(m.id, "vision", "tokens per image must be positive") }
            if !m.review.isEmpty { add(m.id, "to review", "check \(m.review.joined(separator: ", ")) against the model card, then delete the review list") }
            if let header = m.ggufHeader {
                // The entry must say what its cited header says.
                let kv = a.catalogKVHeads
                let expected: [(String, Int)] = [("layers", a.layers), ("hidden", a.hidden), ("heads", a.heads), ("kv_heads", kv),
                                                 ("vocab", a.vocab), ("context", a.contextLength), ("experts", a.moe?.experts ?? 0)]
                for (key, value) in expected {
                    guard let stated = header[key] else { continue }
                    if Int(stated) != value { add(m.id, "cited header", "\(key) is \(value) but the header it cites (\(header["file"] ?? "?")) says \(stated)") }
                }
                if let p = header["params"].flatMap(Double.init), abs(p / 1e9 - m.paramsB) > 0.006 {
                    add(m.id, "cited header", String(format: "params_b is %.2f but the header it cites holds %.3fB parameters", m.paramsB, p / 1e9))
                }
            }
            for name in [m.name] + m.aliases { check(name, resolvesTo: m.id, kind: "model") { try c.model(named: $0).id } }
        }
        for r in c.runtimes {
            if r.source.trimmingCharacters(in: .whitespaces).isEmpty { add(r.id, "source", "no source cited") }
            for name in [r.name] + r.aliases { check(name, resolvesTo: r.id, kind: "runtime") { try c.runtime(named: $0).id } }
        }
        // Diffusion models.
        for m in c.diffusion {
            if m.source.trimmingCharacters(in: .whitespaces).isEmpty { add(m.id, "source", "no source cited") }
            if m.license.trimmingCharacters(in: .whitespaces).isEmpty { add(m.id, "license", "no license named") }
            let d = m.denoiser
            if d.paramsB <= 0 || d.gflops <= 0 { add(m.id, "denoiser", "parameters and FLOPs must be positive") }
            if d.layers <= 0 || d.hidden <= 0 || d.heads <= 0 || d.patchSize <= 0 || d.jointTextTokens < 0 || d.contextImages < 0 {
                add(m.id, "denoiser", "layers, hidden, heads and patch size must be positive")
            }
            if m.textEncoders.isEmpty { add(m.id, "text encoders", "no text encoder listed") }
            for t in m.textEncoders where t.paramsB <= 0 || t.maxTokens <= 0 || t.name.isEmpty {
                add(m.id, "text encoders", "'\(t.name)' needs a name, positive parameters and tokens")
            }
            if m.vae.paramsM <= 0 || m.vae.latentChannels <= 0 || m.vae.downscale <= 0 {
                add(m.id, "VAE", "parameters, latent channels and downscale must be positive")
            }
            let side = m.vae.downscale * d.patchSize
            if m.nativeWidth <= 0 || m.nativeHeight <= 0 || m.nativeWidth % side != 0 || m.nativeHeight % side != 0 {
                add(m.id, "native resolution", "\(m.nativeWidth)x\(m.nativeHeight) must be a positive multiple of \(side)")
            }
            if m.defaultSteps <= 0 { add(m.id, "default steps", "must be positive") }
            if let v = m.video, v.frames <= 0 || v.temporalDownscale <= 0 || v.fps <= 0 { add(m.id, "video", "frames, temporal downscale and fps must be positive") }
            // The FLOPs figure must cover at least the self-attention it implies at the native resolution.
            let tokens = Double(DiffusionEstimator.tokens(m, width: m.nativeWidth, height: m.nativeHeight,
                                                          latentFrames: m.video.map { $0.latentFrames($0.frames) } ?? 1))
            let attention = 4 * Double(d.layers) * Double(d.hidden) * tokens * tokens / 1e9
            if attention > d.gflops { add(m.id, "denoiser FLOPs", String(format: "self-attention alone is %.0f GFLOP, file says %.0f", attention, d.gflops)) }
            for name in [m.name] + m.aliases { check(name, resolvesTo: m.id, kind: "diffusion model") { try c.diffusionModel(named: $0).id } }
        }
        for kind in Runtime.Kind.allCases where !c.runtimes.contains(where: { $0.id == kind.rawValue }) {
            add(kind.rawValue, "required runtime", "the command builder needs this runtime in the catalog")
        }
        return out

        func check(_ name: String, resolvesTo id: String, kind: String, _ resolve: (String) throws -> String) {
            do {
                let found = try resolve(name)
                if found != id { add(id, "\(kind) alias resolves", "'\(name)' resolves to \(found)") }
            } catch {
                add(id, "\(kind) alias resolves", "'\(name)': \(error)")
            }
        }
    }
}
