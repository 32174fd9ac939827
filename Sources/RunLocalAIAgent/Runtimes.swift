import Foundation
import RunLocalAIApp
import RunLocalAICore
import RunLocalAIIO

/// The inference runtimes installed on this machine: llama.cpp binaries (PATH or a given folder),
/// a running Ollama (its local HTTP API) and LM Studio's `lms`.
public struct InstalledRuntimes: Encodable {
    public struct LlamaCpp: Encodable {
        /// binary name → path (llama-server, llama-cli, llama-bench, llama-completion).
        var binaries: [String: String]
        var version: String?
    }
    public struct Ollama: Encodable {
        var url: String
        var version: String?
        var models: [OllamaAPI.Model]
        var error: String?
    }
    public var llamaCpp: LlamaCpp?
    public var ollama: Ollama
    public var lmStudio: String?

    public enum CodingKeys: String, CodingKey { case llamaCpp = "llama_cpp", ollama, lmStudio = "lm_studio" }

    public static let llamaBinaries = ["llama-server", "llama-cli", "llama-mtmd-cli", "llama-bench", "llama-completion"]

    /// Looks for everything (each probe bounded by a timeout).
    public static func find(llamaCppDir: String?, ollamaURL: String) async throws -> InstalledRuntimes {
        let dirs = llamaCppDir.map { [$0, ($0 as NSString).appendingPathComponent("bin")] } ?? []
        if let d = llamaCppDir, !FileManager.default.fileExists(atPath: d) {
            throw BenchError("--llama-cpp \(d) does not exist")
        }
        var binaries: [String: String] = [:]
        for b in llamaBinaries {
            if let p = ProcessRunner.which(b, in: dirs) { binaries[b] = p }
        }
        var llama: LlamaCpp?
        if !binaries.isEmpty {
            var version: String?
            if let any = binaries["llama-cli"] ?? binaries["llama-server"] ?? binaries["llama-completion"] ?? binaries["llama-bench"] {
                let out = await ProcessRunner.run(any, ["--version"], timeout: 10)
                version = (out.stderr + "\n" + out.stdout).split(whereSeparator: \.isNewline)
                    .first { $0.hasPrefix("version:") }.map { $0.dropFirst("version:".count).trimmingCharacters(in: .whitespaces) }
            }
            llama = LlamaCpp(binaries: binaries, version: version)
        }
        let base = try HTTPClient.localRuntimeURL(ollamaURL)
        var ollama = Ollama(url: base.absoluteString, version: nil, models: [], error: nil)
        switch await HTTPClient.get(base.appendingPathComponent("api/version"), timeout: 3) {
        case .success(let r) where r.status == 200:
            ollama.version = try? OllamaAPI.version(r.body)
            if ollama.version == nil { ollama.error = "\(base.absoluteString) answers, but not like Ollama" }
            if case .success(let t) = await HTTPClient.get(base.appendingPathComponent("api/tags"), timeout: 5), t.status == 200 {
                ollama.models = (try? OllamaAPI.tags(t.body)) ?? []
            }
        case .success(let r): ollama.error = "\(base.absoluteString)/api/version answered HTTP \(r.status)"
        case .failure(let e): ollama.error = e.description
        }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let lms = ProcessRunner.which("lms", in: ["\(home)/.lmstudio/bin", "\(home)/.cache/lm-studio/bin"])
        return InstalledRuntimes(llamaCpp: llama, ollama: ollama, lmStudio: lms)
    }

    /// The command for `runtime` out of an answer's commands, rewritten for the binary found here.
    public func command(from commands: [RuntimeCommand]) -> (runtime: String, command: String)? {
        if let l = llamaCpp, let c = commands.first(where: { $0.runtime == "llama.cpp" && $0.command.hasPrefix("llama-server") }) {
            let rest = c.command.dropFirst("llama-server".count)
            if let server = l.binaries["llama-server"] { return ("llama.cpp", Self.shortest(server, "llama-server") + rest) }
            // Images need llama-server or llama-mtmd-cli; llama-cli / llama-completion take text only.
            if let mtmd = commands.first(where: { $0.command.hasPrefix("llama-mtmd-cli") }) {
                if let cli = l.binaries["llama-mtmd-cli"] {
                    return ("llama.cpp", Self.shortest(cli, "llama-mtmd-cli") + mtmd.command.dropFirst("llama-mtmd-cli".count))
                }
                return nil
            }
            if let cli = l.binaries["llama-cli"] { return ("llama.cpp", Self.shortest(cli, "llama-cli") + rest + " -cnv") }
            if let comp = l.binaries["llama-completion"] { return ("llama.cpp", Self.shortest(comp, "llama-completion") + rest + " -p \"Hello\"") }
        }
        if ollama.version != nil, let c = commands.first(where: { $0.runtime == "Ollama" }) {
            // Ollama is already serving: just run the tag.
            let run = c.command.components(separatedBy: " & ").last ?? c.command
            return ("Ollama", run)
        }
        if lmStudio != nil, let c = commands.first(where: { $0.runtime == "LM Studio" }) { return ("LM Studio", c.command) }
        return nil
    }

    /// The bare name when PATH finds the same file, else the full path.
    public static func shortest(_ path: String, _ name: String) -> String {
        ProcessRunner.which(name) == path ? name : path
    }

    public var summary: [String] {
        var lines: [String] = []
        if let l = llamaCpp {
            let names = l.binaries.keys.sorted().map { "\($0) (\(l.binaries[$0]!))" }.joined(separator: ", ")
            lines.append("llama.cpp: \(names)" + (l.version.map { "; version \($0)" } ?? ""))
        } else {
            lines.append("llama.cpp: not found (no llama-server, llama-cli, llama-bench on PATH; pass --llama-cpp DIR)")
        }
        if let v = ollama.version {
            lines.append("Ollama \(v) at \(ollama.url): \(ollama.models.count) model(s)" +
                         (ollama.models.isEmpty ? "" : " (\(ollama.models.prefix(6).map(\.name).joined(separator: ", "))\(ollama.models.count > 6 ? ", …" : ""))"))
        } else {
            lines.append("Ollama: not running (\(ollama.error ?? "no answer"))")
        }
        lines.append(lmStudio.map { "LM Studio: lms at \($0)" } ?? "LM Studio: lms not found")
        return lines
    }
}
