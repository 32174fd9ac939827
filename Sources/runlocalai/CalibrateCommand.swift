import ArgumentParser
import Foundation
import RunLocalAICore

struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score the speed model against published llama.cpp benchmark tables.",
        discussion: """
        Reads CSV files with the columns source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes \
        (as in shared/data/calibration/), resolves each row's hardware (several cards: "3090 24GB * 4"), model, \
        quantisation and test (ppN, tgN, ppN@dM), predicts it with the engine, and prints predicted vs measured \
        with the median and worst absolute percentage error. Rows that cannot be resolved are listed with the reason.

        Example: runlocalai calibrate ../shared/data/calibration/*.csv calibration/*.csv
        """)

    @Argument(help: "Benchmark CSV files.") var files: [String]
    @Flag(help: "Print the JSON summary.") var json = false
    @Flag(help: "Also print every row's prediction (with --cross-validate, every held-out prediction too).") var rows = false
    @Flag(help: "Fit the efficiency factors on these rows and print them (and the error after fitting).") var fit = false
    @Flag(help: "Leave one file out: fit on the other files, predict that file's rows; prints the held-out error per file and overall.")
    var crossValidate = false
    @Option(help: "With --fit or --cross-validate: the cost of moving a factor away from its physical prior (per squared log-ratio).")
    var priorWeight: Double = CalibrationFit.priorWeight
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        let catalog = try catalogOptions.load()
        let all = try reportingErrors { try Calibration.rows(files: files.map { URL(fileURLWithPath: $0) }) }
        let report = Calibration.report(rows: all, catalog: catalog)
        if json {
            struct Summary: Encodable {
                var rows: Int; var resolved: Int
                var decode: Calibration.ErrorSummary; var prefill: Calibration.ErrorSummary
                var unresolved: [Calibration.Unresolved]
            }
            try printJSON(Summary(rows: report.rows, resolved: report.resolved, decode: report.decode, prefill: report.prefill,
                                  unresolved: report.unresolved))
        } else {
            if rows {
                print("file:line | hardware | model | quant | test | measured | predicted | error")
                for p in report.predictions {
                    print(String(format: "%@:%d | %@ | %@ | %@ | %@ | %.1f | %.1f | %+.0f%%", p.row.file, p.row.line, p.hardwareID, p.modelID,
                                 p.row.quant, p.row.test, p.row.tokensPerSecond, p.predicted, (p.predicted / p.row.tokensPerSecond - 1) * 100))
                }
                print("")
            }
            print(Self.summaryText(report))
            if !report.unresolved.isEmpty {
                print("\nUnresolved rows:")
                for u in report.unresolved { print("  \(u.file):\(u.line) \(u.hardware) / \(u.model): \(u.reason)") }
            }
            let relative = RelativeCheck.check(rows: all, catalog: catalog)
            if !relative.isEmpty {
                print("\nRows whose hardware is not stated, scored by their ratios (the machine's overall speed left free):")
                for r in relative {
                    print(String(format: "  %@ as if on %@: decode %d rows median %.1f%% worst %.1f%% (the candidate is %.2fx as fast); prefill %d rows median %.1f%% worst %.1f%%",
                                 r.file, r.machine, r.decode.rows, r.decode.medianAPE * 100, r.decode.maxAPE * 100, r.decodeScale,
                                 r.prefill.rows, r.prefill.medianAPE * 100, r.prefill.maxAPE * 100))
                }
            }
        }
        if fit {
            let (cases, _) = Calibration.cases(all, catalog: catalog)
            let fitted = CalibrationFit.fit(cases: cases, priorWeight: priorWeight)
            let skipped = CalibrationFit.fittable(cases: cases, start: SpeedModel.priors).tooFewRows
            if !skipped.isEmpty {
                print("\nNot fitted (fewer than \(CalibrationFit.minimumSupport) rows depend on them): " + skipped.joined(separator: ", "))
            }
            let after = Calibration.report(rows: all, catalog: catalog, factors: fitted)
            print("\nFitted factors (paste into SpeedModel.factors):\n" + CalibrationFit.swiftSource(fitted))
            print("\nAfter fitting:\n" + Self.summaryText(after))
        }
        if crossValidate {
            let (held, perFile) = CalibrationFit.crossValidate(rows: all, catalog: catalog, priorWeight: priorWeight)
            if rows {
                print("\nHeld-out predictions (file:line | hardware | model | quant | test | measured | predicted | error):")
                for p in held.predictions {
                    print(String(format: "%@:%d | %@ | %@ | %@ | %@ | %.1f | %.1f | %+.1f%%", p.row.file, p.row.line, p.hardwareID, p.modelID,
                                 p.row.quant, p.row.test, p.row.tokensPerSecond, p.predicted, (p.predicted / p.row.tokensPerSecond - 1) * 100))
                }
            }
            print("\nLeave-one-file-out (each file predicted by factors fitted on the others):")
            for f in perFile {
                print(String(format: "  %@: decode %d rows median %.1f%% worst %.1f%%; prefill %d rows median %.1f%% worst %.1f%%", f.file,
                             f.decode.rows, f.decode.medianAPE * 100, f.decode.maxAPE * 100, f.prefill.rows, f.prefill.medianAPE * 100, f.prefill.maxAPE * 100))
            }
            print(Self.summaryText(held))
            func coverage(_ k: BenchmarkTest.Kind) -> String {
                let c = held.coverage(k)
                return String(format: "%.1f%% of %d", c.share * 100, c.rows)
            }
            print("range (low..high) holds the measured value: decode " + coverage(.decode) + ", prefill " + coverage(.prefill))
            print("By backend (held out):")
            for (b, d, p) in held.byBackend {
                print(String(format: "  %@: decode %d rows median %.1f%% p90 %.1f%%; prefill %d rows median %.1f%% p90 %.1f%%", b.displayName,
                             d.rows, d.medianAPE * 100, d.p90APE * 100, p.rows, p.medianAPE * 100, p.p90APE * 100))
            }
        }
    }

    static func summaryText(_ r: Calibration.Report) -> String {
        func line(_ name: String, _ s: Calibration.ErrorSummary) -> String {
            String(format: "%@: %d rows, median %.1f%%, mean %.1f%%, p90 %.1f%%, worst %.1f%%", name, s.rows,
                   s.medianAPE * 100, s.meanAPE * 100, s.p90APE * 100, s.maxAPE * 100)
        }
        return String(format: "Resolved %d of %d rows (%.1f%%)\n", r.resolved, r.rows, Double(r.resolved) / Double(max(r.rows, 1)) * 100)
            + line("decode ", r.decode) + "\n" + line("prefill", r.prefill)
    }
}
