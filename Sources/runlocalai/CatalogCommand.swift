import ArgumentParser
import Foundation
import RunLocalAICore

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Inspect the catalog.", subcommands: [Stats.self, Audit.self])

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the catalog's entries.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var catalogOptions: CatalogOptions
        func run() async throws {
            let c = try catalogOptions.load()
            let s = CatalogStats(c)
            if json { try printJSON(s) } else {
                print("models \(s.models) (vision \(s.vision_models)), hardware \(s.hardware), runtimes \(s.runtimes)")
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

struct CatalogStats: Encodable {
    var models: Int
    var vision_models: Int
    var hardware: Int
    var runtimes: Int
    init(_ c: Catalog) {
        models = c.models.count
        vision_models = c.models.filter(\.isVisionModel).count
        hardware = c.hardware.count
        runtimes = c.runtimes.count
    }
}
