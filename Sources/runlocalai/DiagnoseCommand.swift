import ArgumentParser
import Foundation
import RunLocalAICore

/// Where `content/` is: `--content PATH`, `RUNLOCALAI_CONTENT`, or beside the catalog folder.
struct ContentOptions: ParsableArguments {
    @Option(name: .customLong("content"), help: "Path of the content folder (default: RUNLOCALAI_CONTENT or content/ beside the catalog).")
    var path: String?

    func locate(catalogURL: URL) -> URL? {
        if let path { return URL(fileURLWithPath: path) }
        if let env = ProcessInfo.processInfo.environment["RUNLOCALAI_CONTENT"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return ContentLoader.locate(besideCatalog: catalogURL)
    }

    func load(catalog: Catalog, catalogURL: URL) throws -> ContentLibrary {
        guard let url = locate(catalogURL: catalogURL) else {
            throw ValidationError("cannot find the content folder; run from the repository or pass --content PATH")
        }
        do { return try ContentLoader.load(from: url, catalog: catalog) } catch let e as ContentError { throw CLIError("\(e.description)") }
    }
}

struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Match a runtime's log against the errors knowledge base and print the fix.",
        discussion: """
        Reads the log from a file or standard input (the first and last 1 MiB of a long log). A literal error \
        line beats a pattern; a specific pattern beats a broad one. Exits 1 when nothing matches.
        Examples:
          llama-server -m model.gguf -ngl 99 2>&1 | runlocalai diagnose
          runlocalai diagnose server.log --json
        """)

    @Argument(help: "Log file to read (default: standard input).") var file: String?
    @Option(help: "Show at most this many matches.") var limit: Int = 3
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var contentOptions: ContentOptions

    struct Output: Encodable {
        struct Match: Encodable {
            var slug: String; var title: String; var category: String; var score: Int
            var lines: [LogDiagnosis.MatchedLine]; var fix: String
        }
        var matches: [Match]
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        guard let catalogURL = Catalog.locate(explicit: catalogOptions.path) else {
            throw ValidationError("cannot find the catalog folder; run from the repository or pass --catalog PATH")
        }
        let catalog = try catalogOptions.load()
        let library = try contentOptions.load(catalog: catalog, catalogURL: catalogURL)
        let log = try readLog()
        guard !log.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CLIError("the log is empty") }
        let matches = LogDiagnosis.diagnose(log, articles: library.errors).prefix(limit)
        let subject = LogDiagnosis.subject(of: log, catalog: catalog)
        if json {
            try printJSON(Output(matches: matches.map { m in
                .init(slug: m.article.slug, title: m.article.title, category: m.article.category, score: m.score, lines: m.lines,
                      fix: LogDiagnosis.fix(m.article, for: subject))
            }))
        } else if matches.isEmpty {
            print("No known error found in the log. Browse the errors knowledge base: runlocalai serve, then /errors")
        } else {
            for (i, m) in matches.enumerated() {
                if i > 0 { print("") }
                print("\(i + 1). \(m.article.title)  [\(m.article.slug)]")
                for l in m.lines { print("   line \(l.number): \(l.text.trimmingCharacters(in: .whitespaces).prefix(160))") }
                if let cause = m.article.sections.first(where: { $0.heading == "What it means" }) {
                    print("\n   " + cause.markdown.replacingOccurrences(of: "\n", with: "\n   "))
                }
                let fix = LogDiagnosis.fix(m.article, for: subject)
                if !fix.isEmpty {
                    print("\n   Fix:\n   " + fix.replacingOccurrences(of: "\n", with: "\n   "))
                }
            }
        }
        if matches.isEmpty { throw ExitCode(1) }
    }

    func readLog() throws -> String {
        let data: Data
        if let file, file != "-" {
            guard let h = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
            defer { try? h.close() }
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            let window = LogDiagnosis.windowBytes
            if size > 2 * window {
                let head = h.readData(ofLength: window)
                h.seek(toFileOffset: UInt64(size - window))
                data = head + Data("\n".utf8) + h.readDataToEndOfFile()
            } else {
                data = h.readDataToEndOfFile()
            }
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        return String(decoding: data, as: UTF8.self)
    }
}
