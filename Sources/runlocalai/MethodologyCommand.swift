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
            var rows: [BenchmarkRow] = []
            for path in calibration.sorted(by: { ($0 as NSString).lastPathComponent < ($1 as NSString).lastPathComponent }) {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("error: cannot read \(path)") }
                rows += Calibration.rows(csv: text, file: (path as NSString).lastPathComponent)
            }
            report = Calibration.report(rows: rows, catalog: catalog)
        }
        print(Methodology.markdown(calibration: report, catalog: catalog), terminator: "")
    }
}
