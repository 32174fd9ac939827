import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

@Suite("Seed import of the published calibration tables")
struct SeedImportTests {
    let catalog = StoreTestCatalog.catalog

    /// One calibration row, written as the CSV line it would be in a table (line numbers as given).
    func row(_ test: String, _ tps: Double, line: Int, hardware: String = "RTX 4090", model: String = "Llama 2 7B", quant: String = "Q4_0",
             source: String = "github.com/ggml-org/llama.cpp/discussions/15013", notes: String = "") -> BenchmarkRow {
        let csv = "source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes\n"
            + "\"\(source)\",\"\(hardware)\",CUDA,\"\(model)\",7,\(quant),\(test),\(tps),\"\(notes)\"\n"
        var r = Calibration.rows(csv: csv, file: "t.csv")[0]
        r.line = line
        return r
    }

    @Test("A decode row is an approved, imported run; its prefill partner merges into it")
    func mergesPairs() throws {
        let report = SeedImport.runs(from: [row("pp512", 11992.7, line: 2), row("tg128", 186.21, line: 3)], catalog: catalog)
        #expect(report.runs.count == 1 && report.mergedPrefill == 1 && report.unpairedPrefill.isEmpty && report.unresolved.isEmpty)
        let run = try #require(report.runs.first)
        #expect(run.model == "llama-2-7b" && run.quant == "Q4_0" && run.hardware == ["rtx-4090"] && run.hardwareCount == 1)
        #expect(run.runtime == "llama.cpp" && run.backend == "CUDA")
        #expect(run.decodeTPS == 186.21 && run.prefillTPS == 11992.7)
        #expect(run.generatedTokens == 128 && run.promptTokens == 512 && run.context == 128, "context is the decode test's")
        #expect(run.status == .approved && run.submitter == "imported" && run.source == "github.com/ggml-org/llama.cpp/discussions/15013")
    }

    @Test("Prefill rows with no decode row are skipped and reported; unresolved rows are reported with the reason")
    func reportsWhatItSkips() {
        let rows = [
            row("pp512", 100, line: 2),                                     // no tg for this tuple
            row("tg128", 50, line: 3, quant: "Q8_0"),
            row("pp512", 90, line: 4, quant: "Q8_0", notes: "fa=1"),        // fa differs: not the same setting
            row("tg128", 10, line: 5, hardware: "unknown (not stated)"),
            row("tg128", 10, line: 6, model: "No Such Model 9000B"),
            row("pp2048@d4096", 3000, line: 7, quant: "Q8_0"),              // another depth: no partner
        ]
        let report = SeedImport.runs(from: rows, catalog: catalog)
        #expect(report.runs.count == 1)
        #expect(report.unpairedPrefill.map(\.line) == [2, 4, 7])
        #expect(report.unresolved.map(\.line) == [5, 6])
        #expect(report.unresolved[0].reason.contains("does not state the hardware"))
        #expect(report.unresolved[1].reason.contains("model"))
        #expect(report.summary(added: 1).contains("3 prefill rows without a decode row, 2 unresolved rows"))
    }

    @Test("Every row of the shared calibration tables becomes a run or a reported skip",
          .enabled(if: FileManager.default.fileExists(atPath: StoreTestCatalog.calibration.path)))
    func sharedTables() async throws {
        let files = try FileManager.default.contentsOfDirectory(at: StoreTestCatalog.calibration, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "csv" }.sorted { $0.path < $1.path }
        let rows = try SeedImport.rows(files: files)
        let report = SeedImport.runs(from: rows, catalog: catalog)
        let decodeRows = rows.filter { BenchmarkTest($0.test)?.kind == .decode }.count
        #expect(report.runs.count + report.mergedPrefill + report.unpairedPrefill.count + report.unresolved.count == rows.count)
        #expect(report.runs.count <= decodeRows)
        #expect(report.runs.count > 100, "\(report.summary())")
        #expect(report.runs.allSatisfy { $0.status == .approved && $0.submitter == "imported" && $0.source != nil })

        // Into a store: all accepted by the store's caps, a second import adds nothing.
        try await StoreFactory.sqlite.with { store in
            let added = try await store.importRuns(report.runs)
            #expect(added > 0 && added <= report.runs.count)
            #expect(try await store.importRuns(report.runs) == 0)
            print("seed import: \(report.summary(added: added))")
        }
        // Most published runs pass the submission checks too (the rest are listed, not dropped).
        let refused = report.runs.filter { !SubmissionValidator.problems(in: $0, catalog: catalog).isEmpty }
        #expect(Double(refused.count) < Double(report.runs.count) * 0.1,
                "\(refused.count) refused, e.g. \(refused.prefix(3).map { SubmissionValidator.problems(in: $0, catalog: catalog) })")
    }
}

@Suite("Export and import of published runs (JSON and CSV)")
struct RunExchangeTests {
    let catalog = StoreTestCatalog.catalog
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    var published: [BenchmarkRun] {
        var a = BenchmarkRun(id: "aaaaaaaaaaaa", model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp",
                             backend: "CUDA", context: 4096, flashAttention: true, promptTokens: 512, generatedTokens: 128,
                             prefillTPS: 4120.5, decodeTPS: 112.4, measuredAt: Date(timeIntervalSince1970: 1_750_000_000),
                             submitter: "alice, \"the tester\"", command: "llama-bench -p 512,1024 -n 128",
                             logExcerpt: "line one\nline \"two\", with <script>alert(1)</script>\n\tand '; DROP TABLE runs; --",
                             source: "https://example.org/a,b", status: .approved, submittedAt: Date(timeIntervalSince1970: 1_750_000_100))
        a.peakVRAMBytes = 6_000_000_000
        let b = BenchmarkRun(id: "bbbbbbbbbbbb", model: "llama-2-7b", quant: "Q4_0", hardware: ["rtx-4090"], hardwareCount: 2,
                             runtime: "llama.cpp", decodeTPS: 186.21, submitter: "imported", source: "discussions/15013",
                             status: .reproduced)
        return [a, b]
    }

    @Test("JSON round-trips published runs exactly (ISO 8601 dates, snake_case keys)")
    func jsonRoundTrip() throws {
        let data = try RunExchange.json(published)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"decode_tps\" : 112.4") && text.contains("\"measured_at\" : \"2025-06-15T15:06:40Z\""))
        let parsed = RunExchange.runs(json: data, catalog: catalog, now: now)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.runs == published)
    }

    @Test("CSV round-trips published runs exactly, commas, quotes, newlines and markup included")
    func csvRoundTrip() {
        let csv = RunExchange.csv(published)
        #expect(csv.hasPrefix(RunExchange.columns.joined(separator: ",") + "\n"))
        let parsed = RunExchange.runs(csv: csv, catalog: catalog, now: now)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.runs == published)
    }

    @Test("CSV columns are exactly BenchmarkRun's JSON keys")
    func csvColumnsAreJSONKeys() throws {
        var full = published[0]
        full.runtimeVersion = "b1"; full.kvType = "q8_0"; full.gpuLayers = 1; full.ttftMS = 1; full.peakRAMBytes = 1
        full.powerWatts = 1; full.os = "x"; full.logURL = "https://x"; full.logSHA256 = "ab"
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(full)) as? [String: Any]
        #expect(Set(object?.keys ?? [:].keys) == Set(RunExchange.columns))
        #expect(RunExchange.columns.count == Set(RunExchange.columns).count)
    }

    @Test("Import reports every refused record with its number and reason, and keeps the rest")
    func perRecordErrors() {
        var csv = RunExchange.csv(published)
        csv += "cccccccccccc,no-such-model,Q4_K_M,rtx-3090,1,llama.cpp,,,,,,,,,,50,,,,,,,,,,,,,approved,\n"
        csv += "dddddddddddd,llama-3.1-8b,Q4_K_M,rtx-3090,1,llama.cpp,,,,,,,,,,fast,,,,,,,,,,,,,approved,\n"
        csv += "eeeeeeeeeeee,llama-3.1-8b,Q4_K_M,rtx-3090,1,llama.cpp,,,,,,,,,,50,,,,,,,,,,,,,pending,\n"
        csv += "too,few,fields\n"
        let parsed = RunExchange.runs(csv: csv, catalog: catalog, file: "runs.csv", now: now)
        #expect(parsed.runs.map(\.id) == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
        #expect(parsed.problems.map(\.line) == [3, 4, 5, 6])
        #expect(parsed.problems[0].reason.contains("unknown model 'no-such-model'"))
        #expect(parsed.problems[1].reason.contains("decode_tps 'fast'"))
        #expect(parsed.problems[2].reason.contains("status 'pending' is not published"))
        #expect(parsed.problems[3].description.hasPrefix("runs.csv:6: 3 fields"))

        let badHeader = RunExchange.runs(csv: "model,decode\nx,1\n", catalog: catalog, now: now)
        #expect(badHeader.runs.isEmpty && badHeader.problems.first?.reason.contains("missing id") == true)
    }

    @Test("A malformed JSON record is reported by its position; the others are kept")
    func jsonPerRecordErrors() throws {
        let good = String(decoding: try RunExchange.json([published[1]]), as: UTF8.self).dropFirst().dropLast()
        let text = "[\(good), {\"model\": \"x\"}, \(good.replacingOccurrences(of: "186.21", with: "\"NaN\""))]"
        let parsed = RunExchange.runs(json: Data(text.utf8), catalog: catalog, file: "runs.json", now: now)
        #expect(parsed.runs.count == 1)
        #expect(parsed.problems.map(\.line) == [2, 3])
        #expect(parsed.problems[0].reason.contains("missing"))
        #expect(RunExchange.runs(json: Data("{}".utf8), catalog: catalog).problems.first?.line == 0)
    }

    @Test("Exported runs imported into another store are recognised as already present", arguments: StoreFactory.all)
    func reimportIsIdempotent(_ factory: StoreFactory) async throws {
        try await factory.with { store async throws in
            var withMillis = published
            withMillis[0].measuredAt = Date(timeIntervalSince1970: 1_750_000_000.789)   // JSON keeps whole seconds
            #expect(try await store.importRuns(withMillis) == 2)
            let exported = try await store.runs(BenchmarkQuery(limit: 1000))
            let json = RunExchange.runs(json: try RunExchange.json(exported), catalog: catalog, now: now)
            let csv = RunExchange.runs(csv: RunExchange.csv(exported), catalog: catalog, now: now)
            #expect(json.problems.isEmpty && csv.problems.isEmpty)
            #expect(try await store.importRuns(json.runs) == 0)
            var fresh = csv.runs
            for i in fresh.indices { fresh[i].id = nil }   // even under new ids: same digest
            #expect(try await store.importRuns(fresh) == 0)
        }
    }

    @Test("CSV export neutralises spreadsheet formulas in text cells and import restores them exactly")
    func csvFormulaInjection() throws {
        var run = BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", decodeTPS: 100,
                               status: .approved)
        run.command = "=HYPERLINK(\"http://evil\",\"x\")"
        run.submitter = "@alice"
        let csv = RunExchange.csv([run])
        #expect(csv.contains("'=HYPERLINK"))
        #expect(csv.contains("'@alice"))
        #expect(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"))
        #expect(RunExchange.restoreFormula("'=1+1") == "=1+1")
        #expect(RunExchange.neutralizeFormula("-5") == "-5")
    }
}
