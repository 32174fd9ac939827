import ArgumentParser
import Foundation
import RunLocalAICore

struct DiffusionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "Plan an image or video diffusion model on hardware: GPU memory by phase, fit, the strategy that makes it fit, seconds per image.",
        discussion: """
        Examples:
          runlocalai diffusion --model sdxl --hardware "RTX 3060 12GB"
          runlocalai diffusion --model "flux dev" --hardware "RTX 4090" --precision bf16 --json
          runlocalai diffusion --model "sd 1.5" --hardware "GTX 1650" --resolution 512x768 --attention naive
          runlocalai diffusion --model "wan 2.1 1.3b" --hardware "RTX 4090" --offload te-cpu --frames 49
        """)

    @Option(help: "Diffusion model name or id from the catalog (\"sdxl\", \"flux dev\", \"SD 3.5 Large\").") var model: String
    @Option(help: "Hardware: \"RTX 3060 12GB\", \"RTX 4090\", \"Apple M3 Max 40-core 64GB\".") var hardware: String
    @Option(help: "Width x height in pixels (default: the model's native resolution).") var resolution: String?
    @Option(help: "Sampling steps (default: the model's).") var steps: Int?
    @Option(help: "Denoiser weights: fp32, fp16, bf16, fp8, Q8_0, Q5_K, Q4_K.") var precision: String = "fp16"
    @Option(name: .customLong("te-precision"), help: "Text encoder weights: fp16, fp8 (or fp32).") var tePrecision: String = "fp16"
    @Option(help: "Images per batch.") var batch: Int = 1
    @Option(help: "Video frames (video models; default: the model's clip length).") var frames: Int?
    @Option(help: "none, model (components take turns on the GPU), te-cpu (text encoders on the CPU), streamed (low-VRAM).")
    var offload: DiffusionSettings.Offload = .none
    @Option(help: "efficient (SDPA / xformers), sliced, naive.") var attention: DiffusionSettings.Attention = .efficient
    @Flag(name: .customLong("vae-tiling"), help: "Decode the latents in 512-pixel tiles.") var vaeTiling = false
    @Option(name: .customLong("ram"), help: "System RAM in GiB beside a discrete GPU (default 32).") var ram: Double?
    @Flag(name: .customLong("as-given"), help: "Report the settings as given; do not look for a strategy that fits.") var asGiven = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        let catalog = try catalogOptions.load()
        let estimate: DiffusionEstimate = try reportingErrors {
            let m = try catalog.diffusionModel(named: model)
            let selection = try catalog.hardware(named: hardware)
            let system = TargetSystem(selection, host: ram.map { .init(ramGiB: $0) })
            let settings = try settings(for: m)
            return asGiven ? try DiffusionEstimator.evaluate(model: m, system: system, settings: settings)
                : try DiffusionEstimator.estimate(model: m, system: system, settings: settings)
        }
        if json { try printJSON(estimate) } else { print(DiffusionReport.text(estimate)) }
    }

    func settings(for m: DiffusionModel) throws -> DiffusionSettings {
        guard let p = DiffusionPrecision(name: precision) else {
            throw CLIError("unknown precision '\(precision)'; use fp32, fp16, bf16, fp8, Q8_0, Q5_K or Q4_K")
        }
        guard let tp = DiffusionPrecision(name: tePrecision) else {
            throw CLIError("unknown text encoder precision '\(tePrecision)'; use fp16 or fp8")
        }
        var (w, h) = (m.nativeWidth, m.nativeHeight)
        if let resolution {
            guard let parsed = DiffusionReport.parseResolution(resolution) else {
                throw CLIError("resolution '\(resolution)' is not WIDTHxHEIGHT (e.g. 1024x1024) or one number for a square")
            }
            (w, h) = parsed
        }
        return DiffusionSettings(width: w, height: h, batch: batch, steps: steps, frames: frames, precision: p,
                                 textEncoderPrecision: tp, offload: offload, attention: attention, vaeTiling: vaeTiling)
    }
}

extension DiffusionSettings.Offload: ExpressibleByArgument {}
extension DiffusionSettings.Attention: ExpressibleByArgument {}

/// The human report of a diffusion estimate.
enum DiffusionReport {
    /// "1024x1024", "1024×768", "768" (square).
    static func parseResolution(_ s: String) -> (Int, Int)? {
        let parts = s.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" || $0 == "*" }).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 1, let n = Int(parts[0]) { return (n, n) }
        if parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) { return (w, h) }
        return nil
    }

    static func text(_ e: DiffusionEstimate) -> String {
        let s = e.settings
        let m = e.memory
        var lines: [String] = []
        let what = e.frames.map { "\($0) frames of \(s.width)×\(s.height)" } ?? "\(s.width)×\(s.height)"
        lines.append("\(e.fit.tier.label): \(e.modelName) \(s.precision.rawValue), \(what), \(e.steps) steps\(s.batch > 1 ? ", batch \(s.batch)" : "") on \(e.hardwareName).")
        if !e.fit.strategy.isEmpty { lines.append("To fit: " + e.fit.strategy.joined(separator: " + ") + ".") }
        lines.append("")
        lines.append("GPU memory: peak \(formatBytes(m.peakBytes)) of \(formatBytes(m.usableBytes)) usable (offload \(s.offload.rawValue), attention \(s.attention.rawValue), VAE tiling \(s.vaeTiling ? "on" : "off"), text encoders \(s.textEncoderPrecision.rawValue))")
        lines.append("  text encoding \(formatBytes(m.encodePhaseBytes)) | denoising \(formatBytes(m.denoisePhaseBytes)) | VAE decode \(formatBytes(m.decodePhaseBytes))")
        var parts = ["denoiser \(formatBytes(m.denoiserBytes))"]
        parts.append("text encoders \(formatBytes(m.textEncoderBytes))\(s.offload == .none ? "" : s.offload == .textEncodersOnCPU ? " (on the CPU)" : " (offloaded)")")
        parts.append("VAE \(formatBytes(m.vaeBytes))")
        parts.append("activations \(formatBytes(m.activationBytes))")
        if m.attentionBytes > 0 { parts.append("attention scores \(formatBytes(m.attentionBytes))") }
        parts.append("VAE decode \(formatBytes(m.vaeDecodeBytes))")
        parts.append("runtime \(formatBytes(m.overheadBytes))")
        lines.append("  " + parts.joined(separator: " + "))
        if m.streamedBytes > 0 { lines.append("  \(formatBytes(m.streamedBytes)) of the denoiser streams from RAM every step") }
        if m.hostBytes > 0 { lines.append("  host RAM: \(formatBytes(m.hostBytes)) of \(formatBytes(m.hostUsableBytes)) usable") }
        lines.append("")
        if e.fit.tier != .wontRun {
            let r = e.secondsPerImage
            lines.append("Speed (\(e.evidence.rawValue)): \(seconds(r.expected)) per \(e.frames == nil ? "image" : "clip") (\(seconds(r.low))–\(seconds(r.high))), \(String(format: "%.2f", e.secondsPerStep)) s per step")
        }
        for n in e.fit.notes { lines.append("Note: \(n)") }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ s: Double) -> String {
        s >= 120 ? String(format: "%.1f min", s / 60) : s >= 10 ? String(format: "%.0f s", s) : String(format: "%.1f s", s)
    }
}
