import ArgumentParser
import Foundation
import RunLocalAICore

struct MethodologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methodology",
        abstract: "Print the methodology (equations and constants) generated from the engine's code.",
        discussion: """
            Example: runlocalai methodology --calibration ../shared/data/calibration/*.csv calibration/*.csv --cross-validate > docs/methodology.md

            --cross-validate appends the error on runs the fit has not seen (leave one file out, as `runlocalai calibrate \
            --cross-validate` computes it; a few minutes), by backend too.
            """)

    @Option(parsing: .upToNextOption, help: "Benchmark CSV files to include the calibration report.") var calibration: [String] = []
    @Flag(help: "Append the leave-one-file-out error (refits the factors once per source file: a few minutes).") var crossValidate = false
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        var report: Calibration.Report?
        var heldOut = ""
        let catalog = try catalogOptions.load()
        if !calibration.isEmpty {
            let files = calibration.map { URL(fileURLWithPath: $0) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            let rows = try reportingErrors { try Calibration.rows(files: files) }
            report = Calibration.report(rows: rows, catalog: catalog)
            if crossValidate { heldOut = Methodology.heldOutMarkdown(CalibrationFit.crossValidate(rows: rows, catalog: catalog).report) }
        } else if crossValidate {
            throw ValidationError("--cross-validate needs the runs: add --calibration ../shared/data/calibration/*.csv calibration/*.csv")
        }
        print(Methodology.markdown(calibration: report, catalog: catalog) + heldOut, terminator: "")
    }
}
