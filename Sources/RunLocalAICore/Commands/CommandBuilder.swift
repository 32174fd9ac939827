import Foundation

/// A command that reproduces a plan in one runtime.
public struct RuntimeCommand: Sendable, Hashable, Codable {
    public var runtime: String
    public var command: String
    /// What the command assumes or what to change (shown under it).
    public var note: String?
    public init(runtime: String, command: String, note: String? = nil) {
        self.runtime = runtime; self.command = command; self.note = note
    }
}

/// Writes the llama.cpp, Ollama, LM Studio (and vLLM where it fits) commands for an ``Estimate``:
/// the same context, GPU layers, cache types and flash-attention setting the estimate assumed.
///
/// ```swift
/// let cmds = CommandBuilder.commands(for: estimate, model: catalogModel)
/// cmds[0].command   // "llama-server -hf ggml-org/...:Q4_K_M -c 4096 -ngl 33 -fa on"
/// ```
public enum CommandBuilder {
    /// The commands, the question's runtime first (its own command added for MLX).
    public static func commands(for e: Estimate, model: CatalogModel? = nil, file: String? = nil, mmprojFile: String? = nil) -> [RuntimeCommand] {
        var all = everyRuntime(for: e, model: model, file: file, mmprojFile: mmprojFile)
        guard !all.isEmpty else { return all }
        if e.settings.runtime == .mlx, let repo = model?.hfRepo {
            let bits = e.profile.quant.hasPrefix("Q8") ? 8 : e.profile.quant.hasPrefix("Q6") ? 6 : 4
            all.append(RuntimeCommand(runtime: "MLX", command: "pip install mlx-lm && mlx_lm.convert --hf-path \(repo) -q --q-bits \(bits) && mlx_lm.server --model mlx_model",
                                      note: "converts the original weights to MLX \(bits)-bit once, then serves an OpenAI-compatible API on port 8080"))
        }
        let first: String
        switch e.settings.runtime {
        case .llamaCpp: first = "llama.cpp"
        case .ollama: first = "Ollama"
        case .lmStudio: first = "LM Studio"
        case .vllm: first = "vLLM"
        case .mlx: first = "MLX"
        }
        return all.filter { $0.runtime == first } + all.filter { $0.runtime != first }
    }

    static func everyRuntime(for e: Estimate, model: CatalogModel?, file: String?, mmprojFile: String?) -> [RuntimeCommand] {
        guard e.fit.tier != .wontRun else { return [] }
        let s = e.settings
        var out: [RuntimeCommand] = []
        let quant = e.profile.quant
        let images = s.images > 0
        // Model source for llama.cpp: a local file, a Hugging Face GGUF repo (-hf repo:QUANT), or a placeholder file name.
        var source: String
        // A file read from a URL: a Hugging Face repository's file by -hf (llama-server fetches it, every split part and
        // the repository's mmproj), another host's by --model-url.
        let hub = file.flatMap(huggingFaceRepo)
        if let hub { source = "-hf \(hub):\(quant)" }
        else if let file, GGUFInspector.isRemote(file) { source = "-mu \(shellQuote(file))" }
        else if let file { source = "-m \(shellQuote(file))" }
        // A repository that publishes the model in one quantisation only has no tag to pick (gpt-oss: MXFP4).
        else if let repo = model?.ggufRepo { source = model?.nativeQuant?.name == quant ? "-hf \(repo)" : "-hf \(repo):\(quant)" }
        else { source = "-m \(shellQuote(model?.ggufFile?.replacingOccurrences(of: "{quant}", with: quant) ?? "\(e.profile.id)-\(quant).gguf"))" }
        var flags = ["-c \(s.context)", "-ngl \(e.profile.architecture.llamaCppNGL(e.fit.gpuLayers))", "-fa \(s.flashAttention ? "on" : "off")"]
        if s.keyType != .f16 { flags.append("-ctk \(s.keyType.name.lowercased())") }
        if s.valueType != .f16 { flags.append("-ctv \(s.valueType.name.lowercased())") }
        if s.parallel > 1 { flags.append("-np \(s.parallel)") }
        if s.cpuMoELayers > 0 && e.fit.placement != .cpu { flags.append("--n-cpu-moe \(s.cpuMoELayers)") }
        // llama-server's default of 4 slots keeps 4 recurrent states of a hybrid model: ask for the one planned.
        let oneSlot = s.parallel == 1 && e.profile.architecture.recurrent != nil
        if oneSlot { flags.append("-np 1") }
        if e.system.gpus.isEmpty || e.fit.placement == .cpu { flags[1] = "-ngl 0" }
        var mmproj: String?
        if images {
            if hub != nil { mmproj = nil }   // -hf fetches the repository's projector
            else if let mmprojFile { mmproj = (GGUFInspector.isRemote(mmprojFile) ? "--mmproj-url " : "--mmproj ") + shellQuote(mmprojFile) }
            else if model?.ggufRepo == nil || file != nil {
                mmproj = "--mmproj \(shellQuote(model?.vision?.mmprojFile ?? e.profile.vision?.mmprojFile ?? "mmproj-model-f16.gguf"))"
            }
        }
        let server = (["llama-server", source] + flags + (mmproj.map { [$0] } ?? [])).joined(separator: " ")
        out.append(RuntimeCommand(runtime: "llama.cpp", command: server,
                                  note: "OpenAI-compatible server on http://127.0.0.1:8080" + (images && mmproj == nil ? "; -hf also fetches the repo's mmproj" : "")
                                      + (oneSlot ? "; -np 1: one slot, one recurrent state (the default 4 slots keep four)" : "")))
        if images {
            let imageArgs = (1...min(s.images, 8)).map { "--image photo\($0).jpg" }.joined(separator: " ")
            let cli = (["llama-mtmd-cli", source] + flags + (mmproj.map { [$0] } ?? []) + [imageArgs, "-p \"Describe this image.\""]).joined(separator: " ")
            out.append(RuntimeCommand(runtime: "llama.cpp", command: cli, note: "one-shot image question"))
        }
        if let hub {
            out.append(RuntimeCommand(runtime: "Ollama", command: "ollama run hf.co/\(hub):\(quant)",
                                      note: "Ollama pulls the repository's \(quant) file (and its projector) from Hugging Face; it picks GPU layers itself"
                                          + (e.fit.placement == .partial ? " (override: /set parameter num_gpu \(e.profile.architecture.llamaCppNGL(e.fit.gpuLayers)))" : "")))
            out.append(RuntimeCommand(runtime: "LM Studio", command: "lms get \(hub)@\(quant.lowercased()) && lms load \(hub)@\(quant.lowercased()) --gpu \(gpuShare(e)) --context-length \(s.context)",
                                      note: "LM Studio downloads the file from Hugging Face"))
            return out
        }
        if let file, GGUFInspector.isRemote(file) {
            out.append(RuntimeCommand(runtime: "Ollama", command: "curl -LO \(shellQuote(file))",
                                      note: "Ollama and LM Studio import local files: download it, then plan it with `runlocalai will-it-run --gguf FILE` for their commands"))
            return out
        }
        if let file {
            let name = e.profile.id.lowercased().replacingOccurrences(of: ".gguf", with: "").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
            var params = ["PARAMETER num_ctx \(s.context)"]
            if e.fit.placement == .partial { params.append("PARAMETER num_gpu \(e.profile.architecture.llamaCppNGL(e.fit.gpuLayers))") }
            out.append(RuntimeCommand(runtime: "Ollama",
                                      command: "printf 'FROM \(file)\\n\(params.joined(separator: "\\n"))\\n' > Modelfile && ollama create \(name) -f Modelfile && ollama run \(name)",
                                      note: "imports the local GGUF with the planned context" + (images ? "; Ollama needs its own vision model packaging for images" : "")))
            out.append(RuntimeCommand(runtime: "LM Studio", command: "lms import \(shellQuote(file)) && lms load \(name) --gpu \(gpuShare(e)) --context-length \(s.context)",
                                      note: "imports the file into LM Studio's models folder"))
            return out
        }
        if let tag = model?.ollama {
            var env: [String] = []
            if s.context != 4096 { env.append("OLLAMA_CONTEXT_LENGTH=\(s.context)") }
            if s.flashAttention { env.append("OLLAMA_FLASH_ATTENTION=1") }
            if s.keyType != .f16 || s.valueType != .f16 { env.append("OLLAMA_KV_CACHE_TYPE=\(s.keyType.name.lowercased())") }
            let serve = (env + ["ollama serve"]).joined(separator: " ")
            let native = model?.nativeQuant?.name
            var note = "pull with `ollama pull \(tag)`; " + (native.map { "Ollama's tag is the \($0) the model is published in" }
                ?? "Ollama's tag picks its own quantisation (usually Q4_K_M)")
            if e.fit.placement == .partial { note += "; Ollama chooses GPU layers itself (override: /set parameter num_gpu \(e.profile.architecture.llamaCppNGL(e.fit.gpuLayers)))" }
            out.append(RuntimeCommand(runtime: "Ollama", command: "\(serve) & ollama run \(tag)", note: note))
        }
        let gpuShare = gpuShare(e)
        let lmsKey = model?.ggufRepo.map { "\($0)@\(quant.lowercased())" } ?? "\(e.profile.id)@\(quant.lowercased())"
        out.append(RuntimeCommand(runtime: "LM Studio", command: "lms get \(lmsKey) && lms load \(lmsKey) --gpu \(gpuShare) --context-length \(s.context)",
                                  note: "LM Studio bundles llama.cpp (and MLX on Macs); enable flash attention in the model's load settings"))
        if let repo = model?.hfRepo, let gpu = e.system.gpus.first, gpu.backend == .cuda || gpu.backend == .rocm,
           e.fit.placement == .gpu, !images || model?.vision != nil,
           Double(e.profile.weights.parameterCount) * 2 < 0.85 * Double(e.system.gpus.reduce(UInt64(0)) { $0 + $1.memoryBytes }) {
            let tp = e.system.gpus.count > 1 ? " --tensor-parallel-size \(e.system.gpus.count)" : ""
            out.append(RuntimeCommand(runtime: "vLLM", command: "vllm serve \(repo) --max-model-len \(s.context)\(tp)",
                                      note: "vLLM loads the original safetensors (BF16: about 2 bytes per parameter), not the GGUF; check it fits before using it"))
        }
        return out
    }

    /// LM Studio's `--gpu`: max, off, or the offloaded fraction.
    static func gpuShare(_ e: Estimate) -> String {
        switch e.fit.placement {
        case .gpu: "max"
        case .cpu, .none: "off"
        case .partial: String(format: "%.2f", Double(e.fit.gpuLayers) / Double(e.fit.totalLayers))
        }
    }

    /// Quotes a path for a POSIX shell when it holds anything but safe characters.
    static func shellQuote(_ s: String) -> String {
        let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@+=".contains($0) }
        return safe ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// "https://huggingface.co/OWNER/NAME/resolve/REV/FILE.gguf" -> "OWNER/NAME" (huggingface.co and hf.co only).
    static func huggingFaceRepo(_ location: String) -> String? {
        guard let url = URL(string: location), let host = url.host?.lowercased(), ["huggingface.co", "hf.co", "www.huggingface.co"].contains(host) else { return nil }
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count >= 5, parts[2] == "resolve" else { return nil }
        return "\(parts[0])/\(parts[1])"
    }
}

