import ArgumentParser
import Foundation
import RunLocalAICore
import RunLocalAIStore

struct BenchmarksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmarks",
        abstract: "Export, import and calibrate on the stored benchmark runs.",
        subcommands: [Export.self, Import.self, CalibrateRuns.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every published (approved or reproduced) run as CSV or JSON.")
        @Option(help: "csv or json.") var format: String = "json"
        @OptionGroup var storeOptions: StoreOptions
        func run() async throws {
            let (store, task, _) = try await storeOptions.open()
            defer { task?.cancel() }
            let runs = try await published(store)
            switch format.lowercased() {
            case "csv": print(RunExchange.csv(runs), terminator: "")
            case "json": print(String(decoding: try RunExchange.json(runs), as: UTF8.self))
            default: throw ValidationError("--format must be csv or json")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import published runs from an export (CSV or JSON); all or nothing, every problem listed.")
        @Argument(help: "A file written by `benchmarks export` or GET /api/v1/benchmarks/export.{csv,json}.") var file: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var catalogOptions: CatalogOptions
        func run() async throws {
            let catalog = try catalogOptions.load()
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            let name = (file as NSString).lastPathComponent
            let parsed = file.lowercased().hasSuffix(".csv")
                ? RunExchange.runs(csv: String(decoding: data, as: UTF8.self), catalog: catalog, file: name)
                : RunExchange.runs(json: data, catalog: catalog, file: name)
            guard parsed.problems.isEmpty else {
                for p in parsed.problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
                throw CLIError("\(parsed.problems.count) problem(s) in \(file); nothing was imported")
            }
            let (store, task, description) = try await storeOptions.open()
            defer { task?.cancel() }
            let added = try await store.importRuns(parsed.runs)
            print("imported \(added) of \(parsed.runs.count) runs into \(description) (the others were already there)")
        }
    }

    struct CalibrateRuns: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibrate",
            abstract: "Score the speed model on the approved runs in the store and, with --fit, refit its efficiency factors.",
            discussion: "The same report and fit as `runlocalai calibrate`, on the store's approved runs instead of CSV files: deterministic (same runs → same factors), before and after error printed.")
        @Flag(help: "Fit the efficiency factors and print them with the error after fitting.") var fit = false
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var catalogOptions: CatalogOptions
        func run() async throws {
            let catalog = try catalogOptions.load()
            let (store, task, _) = try await storeOptions.open()
            defer { task?.cancel() }
            let rows = try await published(store).flatMap { Self.rows(of: $0, catalog: catalog) }
            let before = Calibration.report(rows: rows, catalog: catalog)
            print("Before:\n" + Calibrate.summaryText(before))
            if fit {
                let fitted = CalibrationFit.fit(cases: Calibration.cases(rows, catalog: catalog).cases)
                print("\nFitted factors:\n" + CalibrationFit.swiftSource(fitted))
                print("\nAfter:\n" + Calibrate.summaryText(Calibration.report(rows: rows, catalog: catalog, factors: fitted)))
            }
        }

        /// A stored run as benchmark rows: its decode (tgN at its depth) and, when measured, its prefill (ppN).
        static func rows(of r: BenchmarkRun, catalog: Catalog) -> [BenchmarkRow] {
            guard let device = r.hardware.first.flatMap(catalog.device(id:)) else { return [] }
            let hardware = r.hardwareCount > 1 ? "\(r.hardwareCount)x \(device.id)" : device.id
            let generated = r.generatedTokens ?? 128
            let depth = max(0, (r.context ?? generated) - generated)
            func row(_ test: String, _ tps: Double) -> BenchmarkRow {
                BenchmarkRow(file: "store", line: 0, source: r.source ?? r.submitter ?? "", hardware: hardware, backend: r.backend ?? "",
                             model: r.model, quant: r.quant, test: test, tokensPerSecond: tps, notes: r.flashAttention == true ? "fa=1" : "")
            }
            var out = [row("tg\(generated)" + (depth > 0 ? "@d\(depth)" : ""), r.decodeTPS)]
            if let pp = r.prefillTPS { out.append(row("pp\(r.promptTokens ?? 512)", pp)) }
            return out
        }
    }

    static func published(_ store: any BenchmarkStore) async throws -> [BenchmarkRun] { try await store.allRuns() }
}
