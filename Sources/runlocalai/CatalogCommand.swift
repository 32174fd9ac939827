import ArgumentParser
import Foundation
import RunLocalAIApp
import RunLocalAICore

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Inspect the catalog, and add models to it from their GGUF headers.", subcommands: [Stats.self, Audit.self, Search.self, Add.self])

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the catalog's entries and the glossary terms and error articles in content/ beside it.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var catalogOptions: CatalogOptions
        func run() async throws {
            let c = try catalogOptions.load()
            let folder = Catalog.locate(explicit: catalogOptions.path)
            let s = CatalogStats(c, content: try folder.flatMap { try CatalogStats.contentCounts(besideCatalog: $0, catalog: c) })
            if json { try printJSON(s) } else {
                print("models \(s.models) (vision \(s.vision_models)), diffusion models \(s.diffusion_models), hardware \(s.hardware), runtimes \(s.runtimes), glossary terms \(s.glossary_terms) in \(s.glossary_categories) categories, error articles \(s.error_articles), hardware combos \(s.hardware_combos), systems \(s.systems), parts \(s.parts), learning paths \(s.learning_paths), stacks \(s.stacks)")
            }
        }
    }
}

extension CatalogCommand {
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the catalog for internal consistency and print a table of findings.",
            discussion: "Bandwidth = bus × rate, parameters recomputed from the architecture, KV heads divide heads, unique ids, every alias resolving to its own entry, a source on every entry. Exits non-zero when anything is found.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var catalogOptions: CatalogOptions
        func run() async throws {
            let findings = CatalogAudit.run(try catalogOptions.load())
            if json { try printJSON(findings) } else if findings.isEmpty {
                print("catalog audit: clean")
            } else {
                print("entry | check | detail")
                for f in findings { print("\(f.entry) | \(f.check) | \(f.detail)") }
                print("\(findings.count) finding(s)")
            }
            if !findings.isEmpty { throw ExitCode(1) }
        }
    }
}

extension CatalogCommand {
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the catalog: every matching entry, ranked, with its score.",
            discussion: """
            Forgiving like every name in RunLocalAI (typos, vendor words, "24GB", "Ti", "laptop", "rtx4090"), but it lists \
            all matches instead of insisting on one. Examples:
              runlocalai catalog search "rtx 3060"
              runlocalai catalog search "m2 ultra 192gb" --kind hardware --json
              runlocalai catalog search flux --kind diffusion
            """)
        @Argument(help: "What to look for.") var query: String
        @Option(help: "Only this kind: model, hardware, runtime, diffusion.") var kind: CatalogSearch.Kind?
        @Option(help: "At most this many results.") var limit: Int = 10
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var catalogOptions: CatalogOptions

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let c = try catalogOptions.load()
            let hits = CatalogSearch.search(query, in: c, kinds: kind.map { [$0] } ?? Set(CatalogSearch.Kind.allCases), limit: limit)
            if json { try printJSON(hits); return }
            if hits.isEmpty { throw CLIError("no catalog entry matches '\(query)'") }
            for h in hits {
                let variant = h.memoryGiB.map { " (\(Int($0)) GB)" } ?? ""
                let via = h.name.hasSuffix(h.matchedName) ? "" : "  <- \"\(h.matchedName)\""
                let kind = h.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                let id = h.id.padding(toLength: max(28, h.id.count), withPad: " ", startingAt: 0)
                print(String(format: "%.2f  ", h.score) + kind + " " + id + " " + h.name + variant + via)
            }
        }
    }
}

extension CatalogSearch.Kind: ExpressibleByArgument {}

/// `catalog stats --json`: exactly these keys.
struct CatalogStats: Encodable {
    var models: Int
    var vision_models: Int
    var diffusion_models: Int
    var hardware: Int
    var runtimes: Int
    var glossary_terms: Int
    var glossary_categories: Int
    var error_articles: Int
    var hardware_combos: Int
    var systems: Int
    var parts: Int
    var learning_paths: Int
    var stacks: Int

    init(_ c: Catalog, content: ContentLibrary? = nil) {
        models = c.models.count
        vision_models = c.models.filter(\.isVisionModel).count
        diffusion_models = c.diffusion.count
        hardware = c.hardware.count
        runtimes = c.runtimes.count
        glossary_terms = content?.glossary.count ?? 0
        glossary_categories = Set(content?.glossary.map(\.category) ?? []).count
        error_articles = content?.errors.count ?? 0
        hardware_combos = c.combos.count
        systems = c.systems.count
        parts = c.parts.count
        learning_paths = content?.learn.count ?? 0
        stacks = content?.stacks.count ?? 0
    }

    /// Glossary terms and error articles in `content/` beside the catalog folder, loaded (and so validated) by
    /// the content loader; nil when there is no content folder.
    static func contentCounts(besideCatalog catalog: URL, catalog c: Catalog) throws -> ContentLibrary? {
        guard let dir = ContentLoader.locate(besideCatalog: catalog) else { return nil }
        do {
            return try ContentLoader.load(from: dir, catalog: c)
        } catch let e as ContentError {
            throw CLIError("content: \(e.description)")
        }
    }
}

extension CatalogCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a catalog entry for a model from its GGUF header (a file, a URL, or a Hugging Face repository).",
            discussion: """
            Reads only the header (range requests for a URL; every part of a split model; the repository's vision \
            projector) and appends an entry to the family file of its architecture in catalog/models/ (a new file when \
            no family has it): layers, widths, heads, experts, MLA, recurrent layers, sliding window, context, vocabulary, \
            the projector, the file cited as the source, and a gguf_header block that `catalog audit` holds the entry to. \
            The facts a header cannot tell (display name, release date, use, licence) are listed under review:, which the \
            audit reports until you check them and delete the list.
            Examples:
              runlocalai catalog add ./gemma-3-270m-it-Q4_K_M.gguf --dry-run
              runlocalai catalog add unsloth/Qwen3-Next-80B-A3B-Instruct-GGUF:Q4_K_M
              runlocalai catalog add https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/resolve/main/gemma-3-4b-it-Q4_K_M.gguf
            """)
        @Argument(help: "A GGUF file, a .gguf URL, or a Hugging Face repository (OWNER/NAME[:QUANT]).") var source: String
        @Option(help: "The vision projector GGUF (file or URL), when it is not found beside the model in its repository.") var mmproj: String?
        @Option(help: "The quantisation whose file to read from a repository.") var quant: String = Question.defaultQuant
        @Flag(help: "Print the entry instead of writing it.") var dryRun = false
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup(title: "Reading from a URL or repository") var remoteOptions: RemoteModelOptions

        func run() async throws {
            let catalog = try catalogOptions.load()
            var location = source, projector = mmproj, repo: String?
            if !FileManager.default.fileExists(atPath: source), let ref = RemoteModelReference(source) {
                guard let reader = remoteOptions.source() else { throw CLIError("\(source) is remote, but --no-remote-models was given") }
                do {
                    let found = try await reader.locate(ref, quant: quant)
                    location = found.file
                    projector = projector ?? found.mmproj
                    if case .repo(let r, _) = ref { repo = "\(r.owner)/\(r.name)" }
                    else if case .file(let url) = ref, let r = RemoteRepo(fileURL: url) { repo = "\(r.owner)/\(r.name)" }
                } catch { throw CLIError("\(source): \(error.description)") }
            }
            let model = try await GGUFProfileLoader.model(location)
            let projectorModel = try await projector.asyncMap { try await GGUFProfileLoader.model($0) }
            let draft: CatalogEntryDraft
            do {
                draft = try CatalogEntryDraft(model: model, location: location, repo: repo, mmproj: projectorModel, mmprojLocation: projector,
                                              today: String(ISO8601DateFormatter().string(from: Date()).prefix(10)))
            } catch let e as GGUFError { throw CLIError("\(location): \(e.description)") }
            if dryRun { print(draft.yaml, terminator: ""); return }
            if let existing = catalog.model(id: draft.id) {
                throw CLIError("the catalog already has '\(draft.id)' (\(existing.name)); edit its entry, or compare it with --dry-run")
            }
            guard let folder = Catalog.locate(explicit: catalogOptions.path) else { throw CLIError("cannot find the catalog folder; pass --catalog PATH") }
            let file = try Self.familyFile(for: draft.arch, in: folder.appendingPathComponent("models"))
            var text = (try? String(contentsOf: file, encoding: .utf8)) ?? """
                family: \(draft.arch)
                vendor: "REVIEW: the vendor"
                license: "REVIEW: the licence"
                models:

                """
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n" + draft.yaml
            // Never leave a catalog that does not load: check the new text before writing it.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-add-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: folder, to: scratch)
            defer { try? FileManager.default.removeItem(at: scratch) }
            try text.write(to: scratch.appendingPathComponent("models").appendingPathComponent(file.lastPathComponent), atomically: true, encoding: .utf8)
            do { _ = try Catalog.load(from: scratch) } catch { throw CLIError("the drafted entry does not load (\(error)); nothing was written") }
            try text.write(to: file, atomically: true, encoding: .utf8)
            print("added \(draft.id) to \(file.path)")
            print("review its name, release date, use and licence against the model card, then delete its review: line (`runlocalai catalog audit` lists it until then)")
        }

        /// The family file that already holds models of `arch`, else a new `<arch>.yaml`.
        static func familyFile(for arch: String, in models: URL) throws -> URL {
            let files = (try FileManager.default.contentsOfDirectory(at: models, includingPropertiesForKeys: nil))
                .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            for f in files where (try? String(contentsOf: f, encoding: .utf8))?.contains("\n    arch: \(arch)\n") == true { return f }
            return models.appendingPathComponent("\(arch).yaml")
        }
    }
}
