import Foundation
import RunLocalAICore
import Testing
@testable import RunLocalAIStore

@Suite("Regressions: the same tuple, a newer runtime, slower")
struct RegressionsTests {
    func run(_ version: String, _ tps: Double, id: String, status: BenchmarkRun.Status = .approved, hardware: String = "rtx-3090") -> BenchmarkRun {
        BenchmarkRun(id: id, model: "llama-3.1-8b", quant: "Q4_K_M", hardware: [hardware], runtime: "llama.cpp", runtimeVersion: version,
                     backend: "CUDA", decodeTPS: tps, status: status)
    }

    @Test("A newer version more than 5% below the best earlier one is flagged, with both versions and the drop")
    func flagsASlowdown() throws {
        let found = Regressions.find(in: [run("b4500", 120, id: "a"), run("b4600", 121, id: "b"), run("b4610", 100, id: "c")])
        let r = try #require(found.first)
        #expect(found.count == 1)
        #expect(r.fasterVersion == "b4600" && r.slowerVersion == "b4610")
        #expect(abs(r.drop - (1 - 100.0 / 121.0)) < 1e-9)
    }

    @Test("Versions order numerically, small wobbles, other tuples and unapproved runs are not regressions")
    func ignoresNoise() {
        #expect(Regressions.find(in: [run("0.6.9", 100, id: "a"), run("0.6.10", 98, id: "b")]).isEmpty)
        #expect(Regressions.find(in: [run("0.6.10", 100, id: "a"), run("0.6.9", 80, id: "b")]).isEmpty)
        #expect(Regressions.find(in: [run("b1", 100, id: "a"), run("b2", 50, id: "b", status: .pending)]).isEmpty)
        #expect(Regressions.find(in: [run("b1", 100, id: "a"), run("b2", 50, id: "b", hardware: "rtx-4090")]).isEmpty)
    }
}
