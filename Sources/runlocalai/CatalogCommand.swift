import ArgumentParser
import Foundation
import RunLocalAICore

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Inspect the catalog.", subcommands: [Stats.self])

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
