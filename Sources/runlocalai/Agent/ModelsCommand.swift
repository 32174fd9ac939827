import ArgumentParser
import Foundation
import RunLocalAIAgent
import RunLocalAICore
import RunLocalAIIO

/// `runlocalai models [--dir D]`: the models this machine already has.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models on this machine: Ollama's, and GGUF files in folders.",
        discussion: """
        Asks a running Ollama for its models (GET /api/tags on --ollama-url) and reads the header of every \
        .gguf file under the folders given with --dir (default: ~/.cache/llama.cpp, ~/.lmstudio/models, \
        ~/.cache/lm-studio/models and ~/models when none is given; four levels deep). For \
        each file: its size, architecture, parameters, quantisation, trained context and the catalog model it \
        is (by its architecture numbers), or why it could not be read. Split models are listed once, by their \
        first part.

        Examples:
          runlocalai models
          runlocalai models --dir ~/models --dir /data/gguf --json
        """)

    @Option(name: .customLong("dir"), help: "A folder to search for .gguf files (repeatable).") var dirs: [String] = []
    @Option(name: .customLong("ollama-url"), help: "Ollama's local API.") var ollamaURL: String = "http://127.0.0.1:11434"
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    struct FileEntry: Encodable {
        var path: String
        var size_bytes: UInt64
        var name: String?
        var architecture: String?
        var parameters: UInt64?
        var quant: String?
        var context: Int?
        var catalog_model: String?
        var kind: String
        var error: String?
    }
    struct Output: Encodable {
        var ollama: [OllamaAPI.Model]
        var ollama_error: String?
        var files: [FileEntry]
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        var ollama: [OllamaAPI.Model] = []
        var ollamaError: String?
        let base = try HTTPClient.localRuntimeURL(ollamaURL)
        switch await HTTPClient.get(base.appendingPathComponent("api/tags"), timeout: 5) {
        case .success(let r) where r.status == 200:
            do { ollama = try OllamaAPI.tags(r.body) } catch { ollamaError = "\(error)" }
        case .success(let r): ollamaError = "HTTP \(r.status) from \(base.absoluteString)/api/tags"
        case .failure(let e): ollamaError = "not running (\(e.description))"
        }

        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let searched = dirs.isEmpty
            ? ["\(home)/.cache/llama.cpp", "\(home)/.lmstudio/models", "\(home)/.cache/lm-studio/models", "\(home)/models"]
            : dirs
        for d in dirs where !FileManager.default.fileExists(atPath: d) { throw CLIError("--dir \(d) does not exist") }
        var files: [FileEntry] = []
        for path in Self.ggufFiles(in: searched) {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
            do {
                let m = try await GGUFInspector(transport: URLSessionHTTPTransport()).inspect(path)
                var entry = FileEntry(path: path, size_bytes: size, name: m.name, architecture: m.architectureName,
                                      parameters: m.parameterCount, quant: m.fileType?.name, context: m.contextLength,
                                      catalog_model: nil, kind: m.vision != nil ? "vision projector (mmproj)" : "model", error: nil)
                if let a = m.architecture { entry.catalog_model = GGUFCatalogMatch.match(a, name: m.name, catalog: catalog).id }
                files.append(entry)
            } catch let e as GGUFError {
                files.append(FileEntry(path: path, size_bytes: size, kind: "unreadable", error: e.description))
            } catch {
                files.append(FileEntry(path: path, size_bytes: size, kind: "unreadable", error: "\(error)"))
            }
        }
        if json { try printJSON(Output(ollama: ollama, ollama_error: ollamaError, files: files)); return }
        if let e = ollamaError { print("Ollama: \(e)") } else {
            print("Ollama (\(ollama.count)):")
            for m in ollama {
                print("  \(m.name)  \(m.sizeBytes.map(formatBytes) ?? "?")  \([m.parameterSize, m.quantization, m.family].compactMap { $0 }.joined(separator: " "))")
            }
        }
        print("")
        print("GGUF files in \(searched.joined(separator: ", ")) (\(files.count)):")
        for f in files {
            if let e = f.error { print("  \(f.path)  \(formatBytes(f.size_bytes))  unreadable: \(e)"); continue }
            let params = f.parameters.map { String(format: "%.2fB", Double($0) / 1e9) } ?? "?"
            var s = "  \(f.path)  \(formatBytes(f.size_bytes))  \(f.architecture ?? "?") \(params) \(f.quant ?? "?")"
            if let c = f.context { s += " ctx \(c)" }
            if f.kind != "model" { s += "  [\(f.kind)]" }
            s += f.catalog_model.map { "  = \($0)" } ?? (f.kind == "model" ? "  (not a catalog model)" : "")
            print(s)
        }
    }

    /// `.gguf` files under `roots` (depth ≤ 4, no hidden folders), only the first part of split models.
    static func ggufFiles(in roots: [String], depth: Int = 4) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        var seen = Set<String>()
        func walk(_ dir: String, _ level: Int) {
            guard level <= depth, let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
            for n in names.sorted() where !n.hasPrefix(".") {
                let p = (dir as NSString).appendingPathComponent(n)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: p, isDirectory: &isDir) else { continue }
                if isDir.boolValue { walk(p, level + 1); continue }
                guard n.lowercased().hasSuffix(".gguf") else { continue }
                if n.range(of: #"-\d{5}-of-\d{5}\.gguf$"#, options: .regularExpression) != nil && !n.contains("-00001-of-") { continue }
                let real = URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path
                if seen.insert(real).inserted { out.append(p) }
            }
        }
        for r in roots { walk(r, 0) }
        return out
    }
}
