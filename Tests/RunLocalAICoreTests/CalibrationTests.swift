import Foundation
import Testing
@testable import RunLocalAICore

@Suite("The speed model against published llama.cpp runs")
struct CalibrationTests {
    /// The published runs in shared/ and the CPU runs measured for this repository (calibration/ in the repository).
    static var calibrationFiles: [URL] {
        let shared = Calibration.csvFiles(in: TestSupport.shared.appendingPathComponent("data/calibration").path)
        return shared.isEmpty ? [] : shared + Calibration.csvFiles(in: TestSupport.repoRoot.appendingPathComponent("calibration").path)
    }

    @Test("Over shared/data/calibration: ≥ 90% of rows resolved, decode median error ≤ 15%, prefill ≤ 30%",
          .enabled(if: !calibrationFiles.isEmpty, "shared/data/calibration is not beside the repository"))
    func calibrationTargets() throws {
        let rows = try Calibration.rows(files: Self.calibrationFiles)
        let r = Calibration.report(rows: rows, catalog: TestSupport.catalog)
        #expect(Double(r.resolved) / Double(r.rows) >= 0.9)
        #expect(r.decode.medianAPE <= 0.15)
        #expect(r.prefill.medianAPE <= 0.30)
        for u in r.unresolved { #expect(!u.reason.isEmpty) }
    }

    @Test("Rows with no stated hardware are scored by their ratios: a table the engine reproduces up to one speed factor scores 0%; one row off by 30% shows")
    func relativeCheck() throws {
        let quants = ["Q8_0", "Q6_K", "Q4_K_M", "IQ4_XS", "Q3_K_M"]
        func row(_ q: String, _ test: String, _ tps: Double, line: Int) -> BenchmarkRow {
            BenchmarkRow(file: "readme.csv", line: line, source: "test", hardware: "unknown (not stated)", backend: "unknown",
                         model: "Llama 3.1 8B", quant: q, test: test, tokensPerSecond: tps, notes: "")
        }
        // The engine's own predictions on an RTX 4090, as if measured on a machine half as fast.
        let onCard = quants.enumerated().flatMap { i, q in
            ["tg128", "pp512"].map { row(q, $0, 1, line: i) }.map { r -> BenchmarkRow in var s = r; s.hardware = "rtx-4090"; s.backend = "CUDA"; return s }
        }
        let (cases, _) = Calibration.cases(onCard, catalog: TestSupport.catalog)
        let measured = cases.map { c in row(c.row.quant, c.row.test, c.predict() / 2, line: c.row.line) }
        let exact = try #require(RelativeCheck.check(rows: measured, catalog: TestSupport.catalog).first { $0.machine == "rtx-4090" })
        #expect(exact.decode.rows == quants.count && exact.prefill.rows == quants.count)
        #expect(exact.decode.maxAPE < 1e-9 && exact.prefill.maxAPE < 1e-9)
        #expect(abs(exact.decodeScale - 2) < 1e-9)

        var skewed = measured
        let i = try #require(skewed.firstIndex { $0.quant == "IQ4_XS" && $0.test == "tg128" })
        skewed[i].tokensPerSecond *= 1.3
        let off = try #require(RelativeCheck.check(rows: skewed, catalog: TestSupport.catalog).first { $0.machine == "rtx-4090" })
        #expect(off.decode.maxAPE > 0.15)
        #expect(off.prefill.maxAPE < 1e-9)
    }

    @Test("Test names: ppN, tgN and @dN")
    func testNames() {
        #expect(BenchmarkTest("pp512") == BenchmarkTest("pp512"))
        #expect(BenchmarkTest("pp2048@d4096")?.depth == 4096)
        #expect(BenchmarkTest("tg128")?.kind == .decode)
        #expect(BenchmarkTest("xx12") == nil)
        #expect(BenchmarkTest("pp512@z1") == nil)
    }

    @Test("Rows that cannot be resolved are listed with the reason, never dropped")
    func unresolvedRowsAreListed() {
        let csv = """
        source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes
        s,unknown (not stated),unknown,Llama 3.1 8B,8,Q4_K_M,tg128,80,
        s,RTX 4090,CUDA,No Such Model 9B,9,Q4_K_M,tg128,80,
        s,RTX 4090,CUDA,Llama 3.1 8B,8,Q9_Z,tg128,80,
        s,RTX 4090,CUDA,Llama 3.1 8B,8,Q4_K_M,tg128,130,
        """
        let r = Calibration.report(rows: Calibration.rows(csv: csv, file: "t.csv"), catalog: TestSupport.catalog)
        #expect(r.rows == 4)
        #expect(r.resolved == 1)
        #expect(r.unresolved.count == 3)
        #expect(r.unresolved.map(\.line) == [2, 3, 4])
    }

    @Test("CSV fields may hold quotes, commas and newlines")
    func csv() {
        #expect(CSV.parse("a,\"b, c\",\"d \"\"e\"\"\"\n1,2,3\n") == [["a", "b, c", "d \"e\""], ["1", "2", "3"]])
    }
}

@Suite("The methodology page is the code's")
struct MethodologyTests {
    @Test("docs/methodology.md equals what the engine generates (regenerate with `runlocalai methodology --calibration ... --cross-validate`), followed by the held-out section, whose figures the refit makes too slow to regenerate here",
          .enabled(if: !CalibrationTests.calibrationFiles.isEmpty, "shared/data/calibration is not beside the repository"))
    func methodologyIsGenerated() throws {
        let rows = try Calibration.rows(files: CalibrationTests.calibrationFiles)
        let expected = Methodology.markdown(calibration: Calibration.report(rows: rows, catalog: TestSupport.catalog), catalog: TestSupport.catalog)
        let committed = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("docs/methodology.md"), encoding: .utf8)
        #expect(committed.hasPrefix(expected))
        #expect(committed.dropFirst(expected.count).hasPrefix(Methodology.heldOutHeading))
    }

    @Test("The README's calibration figures are the report's", .enabled(if: !CalibrationTests.calibrationFiles.isEmpty, "shared/data/calibration is not beside the repository"))
    func readmeFiguresAreCurrent() throws {
        let r = Calibration.report(rows: try Calibration.rows(files: CalibrationTests.calibrationFiles), catalog: TestSupport.catalog)
        let readme = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        func line(_ name: String, _ s: Calibration.ErrorSummary) -> String {
            String(format: "- %@: median %.1f%%, 90th percentile %.1f%% (%d rows)", name, s.medianAPE * 100, s.p90APE * 100, s.rows)
        }
        #expect(readme.contains(line("decode", r.decode)))
        #expect(readme.contains(line("prefill", r.prefill)))
        #expect(readme.contains("\(r.resolved) of \(r.rows)"))
    }
}
