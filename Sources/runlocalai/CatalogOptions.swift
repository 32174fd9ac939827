import ArgumentParser
import Foundation
import RunLocalAICore

/// Options every command that reads the catalog shares.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("catalog"), help: "Path of the catalog folder (default: RUNLOCALAI_CATALOG, ./catalog, or beside the executable).")
    var path: String?

    func load() throws -> Catalog {
        guard let url = Catalog.locate(explicit: path) else {
            throw ValidationError("cannot find the catalog folder; run from the repository or pass --catalog PATH")
        }
        do { return try Catalog.load(from: url) } catch let e as CatalogError { throw CLIError(e.description) }
    }
}

/// An error printed as one plain line, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

func formatBytes(_ b: UInt64) -> String {
    let gib = Double(b) / 1_073_741_824
    if gib >= 1 { return String(format: "%.2f GiB", gib) }
    return String(format: "%.0f MiB", Double(b) / 1_048_576)
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Runs `body`, turning the engine's errors into one-line messages with a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() }
    catch let e as CatalogError { throw CLIError("\(e.description)") }
    catch let e as EstimateError { throw CLIError("\(e.description)") }
}
