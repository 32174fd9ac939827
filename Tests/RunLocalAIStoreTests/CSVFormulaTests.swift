import Foundation
import Testing
@testable import RunLocalAIStore

@Suite("CSV export: formula neutralising")
struct CSVFormulaTests {
    @Test("Cells a spreadsheet would evaluate get an apostrophe, including after spaces, full-width signs and number-like text",
          arguments: [" =1+1", "\t=1+1", "  @SUM(A1)", "＝1+1", "＋1", "－1", "＠x", "-nan", "-inf", "+inf", "-0x1p3", "-NaN", "=cmd",
                      "-", "+", "\r=1", "'=x", "'"])
    func neutralised(_ cell: String) {
        let out = RunExchange.neutralizeFormula(cell)
        #expect(out == "'" + cell, "\(cell.debugDescription) → \(out.debugDescription)")
        #expect(RunExchange.restoreFormula(out) == cell)
    }

    @Test("Plain numbers and ordinary text are left alone and round-trip", arguments: ["-5", "+1.25", "3e-4", "-1.5E+3", "0", "112.4", "llama.cpp",
                                                                                       "b6500", "2026-09-01T12:00:00Z", "a=b", "'plain"])
    func untouched(_ cell: String) {
        let out = RunExchange.neutralizeFormula(cell)
        if cell.hasPrefix("'") { #expect(out == "'" + cell) } else { #expect(out == cell) }
        #expect(RunExchange.restoreFormula(out) == cell)
    }

    @Test("An old export's apostrophe before ordinary text is kept on import")
    func oldExports() {
        #expect(RunExchange.restoreFormula("'abc") == "'abc")
        #expect(RunExchange.restoreFormula("'=1+1") == "=1+1")
    }
}
