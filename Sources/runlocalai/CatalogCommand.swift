import ArgumentParser
import Foundation
import RunLocalAICore

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Inspect the catalog.", subcommands: [Stats.self, Audit.self, Search.self])

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
                print("models \(s.models) (vision \(s.vision_models)), diffusion models \(s.diffusion_models), hardware \(s.hardware), runtimes \(s.runtimes), glossary terms \(s.glossary_terms), error articles \(s.error_articles)")
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
    var error_articles: Int

    init(_ c: Catalog, content: (glossary: Int, errors: Int)? = nil) {
        models = c.models.count
        vision_models = c.models.filter(\.isVisionModel).count
        diffusion_models = c.diffusion.count
        hardware = c.hardware.count
        runtimes = c.runtimes.count
        glossary_terms = content?.glossary ?? 0
        error_articles = content?.errors ?? 0
    }

    /// Glossary terms and error articles in `content/` beside the catalog folder, loaded (and so validated) by
    /// the content loader; nil when there is no content folder.
    static func contentCounts(besideCatalog catalog: URL, catalog c: Catalog) throws -> (glossary: Int, errors: Int)? {
        guard let dir = ContentLoader.locate(besideCatalog: catalog) else { return nil }
        do {
            let library = try ContentLoader.load(from: dir, catalog: c)
            return (library.glossary.count, library.errors.count)
        } catch let e as ContentError {
            throw CLIError("content: \(e.description)")
        }
    }
}
