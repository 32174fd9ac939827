import ArgumentParser
import Foundation
import RunLocalAICore

struct MethodologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methodology",
        abstract: "Print the methodology (equations and constants) generated from the engine's code.",
        discussion: "Example: runlocalai methodology --calibration ../shared/data/calibration/*.csv > docs/methodology.md")

    @Option(parsing: .upToNextOption, help: "Benchmark CSV files to include the calibration report.") var calibration: [String] = []
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        var report: Calibration.Report?
        let catalog = try catalogOptions.load()
        if !calibration.isEmpty {
            let files = calibration.map { URL(fileURLWithPath: $0) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            let rows = try reportingErrors { try Calibration.rows(files: files) }
            report = Calibration.report(rows: rows, catalog: catalog)
        }
        print(Methodology.markdown(calibration: report, catalog: catalog), terminator: "")
    }
}
