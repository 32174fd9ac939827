import Foundation
import Testing
@testable import RunLocalAIStore
import RunLocalAICore

enum StoreTestCatalog {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog: Catalog = {
        do { return try Catalog.load(from: repoRoot.appendingPathComponent("catalog")) } catch {
            fatalError("the repository catalog does not load: \(error)")
        }
    }()
    /// The published benchmark tables beside the repository (`../shared/data/calibration`).
    static let calibration = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data/calibration")
}

@Suite("Submission validation")
struct SubmissionValidatorTests {
    let catalog = StoreTestCatalog.catalog
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    var good: BenchmarkRun {
        BenchmarkRun(model: "llama-3.1-8b", quant: "Q4_K_M", hardware: ["rtx-3090"], runtime: "llama.cpp", runtimeVersion: "b6918",
                     backend: "CUDA", context: 4096, flashAttention: true, kvType: "q8_0", gpuLayers: 33, promptTokens: 512,
                     generatedTokens: 128, prefillTPS: 4120, decodeTPS: 112.4, ttftMS: 130, powerWatts: 350, os: "Ubuntu 24.04",
                     measuredAt: now.addingTimeInterval(-86_400), submitter: "alice", command: "llama-bench -m m.gguf -fa 1",
                     logExcerpt: "load time = 1.2 s\n\teval: 112.4 t/s", logURL: "https://example.org/log.txt",
                     logSHA256: String(repeating: "0f", count: 32))
    }

    func problems(_ r: BenchmarkRun) -> [SubmissionProblem] { SubmissionValidator.problems(in: r, catalog: catalog, now: now) }
    func fields(_ r: BenchmarkRun) -> [String] { problems(r).map(\.field) }

    @Test("A plausible run of catalog ids passes untouched")
    func goodRunPasses() throws {
        #expect(problems(good).isEmpty)
        #expect(try SubmissionValidator.validate(good, catalog: catalog, now: now) == good)
        var gguf = good
        gguf.model = "gguf:" + String(repeating: "a1", count: 32)
        #expect(problems(gguf).isEmpty, "a model outside the catalog is named by its header digest")
    }

    @Test("Every problem is reported at once, as a structured error")
    func allProblemsAtOnce() {
        var r = good
        r.model = "<script>alert(1)</script>"
        r.quant = "Q9_K"
        r.hardware = ["rtx-3090", "'; DROP TABLE runs; --"]
        r.hardwareCount = 0
        r.decodeTPS = .nan
        r.context = 0
        do {
            try SubmissionValidator.validate(r, catalog: catalog, now: now)
            Issue.record("expected a refusal")
        } catch let rejected as SubmissionRejected {
            #expect(rejected.problems.map(\.field) == ["model", "quant", "hardware[1]", "hardware_count", "context", "decode_tps"])
            #expect(rejected.description.contains("6 problems"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("Script tags and SQL metacharacters in free text are accepted verbatim (the page escapes; the store binds)")
    func hostileFreeTextIsData() {
        var r = good
        r.submitter = "<script>alert('x')</script>"
        r.command = "llama-bench -p '1'; DROP TABLE runs; -- \"$(rm -rf /)\""
        r.logExcerpt = "<img src=x onerror=alert(1)>\n'; DELETE FROM feedback; --"
        r.os = "Robert'); DROP TABLE students;--"
        #expect(problems(r).isEmpty)
    }

    @Test("Unknown ids get the catalog's did-you-mean")
    func didYouMean() {
        var r = good
        r.model = "Llama 3.1 8B"
        r.hardware = ["RTX 3090"]
        r.runtime = "llama-cpp"
        let p = problems(r)
        #expect(p.map(\.field) == ["model", "hardware[0]", "runtime"])
        #expect(p[0].code == .unknown && p[0].message.contains("did you mean 'llama-3.1-8b'"))
        #expect(p[1].message.contains("did you mean 'rtx-3090'"))
        #expect(p[2].message.contains("'llama.cpp'"))

        r = good
        r.model = "lama-3.1-8c"
        let typo = problems(r)
        #expect(typo.count == 1 && typo[0].message.contains("did you mean"), "\(typo)")
        #expect(typo[0].message.contains("llama-3.1-8b"))

        r = good
        r.quant = "q4_k_m"
        #expect(problems(r).first?.message == "quantisation 'q4_k_m' is written 'Q4_K_M'")
        r.quant = "Q9_K"
        #expect(problems(r).first?.message.hasPrefix("unknown quantisation 'Q9_K'; did you mean") == true)
    }

    @Test("Names the catalog resolves can be turned into ids before validation")
    func resolvingNames() {
        var r = good
        r.model = "Llama 3.1 8B"; r.hardware = ["RTX 3090"]; r.runtime = "llama-cpp"; r.quant = "q4_k_m"
        let resolved = SubmissionValidator.resolvingNames(in: r, catalog: catalog)
        #expect(resolved.model == "llama-3.1-8b" && resolved.hardware == ["rtx-3090"] && resolved.runtime == "llama.cpp" && resolved.quant == "Q4_K_M")
        #expect(problems(resolved).isEmpty)
    }

    @Test("Decode above the physical ceiling is refused, stating bandwidth, weight bytes and the ceiling")
    func physicalCeiling() throws {
        var r = good
        r.decodeTPS = 5000
        let p = try #require(problems(r).first)
        #expect(p.field == "decode_tps" && p.code == .implausible)
        #expect(p.message.contains("936 GB/s"), "\(p.message)")
        #expect(p.message.contains("llama-3.1-8b Q4_K_M on rtx-3090"))
        let ceiling = SubmissionValidator.decodeCeiling(model: catalog.model(id: "llama-3.1-8b")!, mix: QuantMix(name: "Q4_K_M")!,
                                                         devices: [catalog.device(id: "rtx-3090")!], count: 1)
        #expect(ceiling.ceiling > 250 && ceiling.ceiling < 350, "1.5 × 936 GB/s ÷ ~4.6 GB ≈ 300 tok/s")
        r.decodeTPS = ceiling.ceiling * 0.99
        #expect(problems(r).isEmpty)
        r.hardwareCount = 2
        r.decodeTPS = ceiling.ceiling * 1.5
        #expect(problems(r).isEmpty, "two cards: twice the bandwidth in the ceiling")
    }

    @Test("Absurd and non-finite numbers are refused", arguments: [Double.nan, .infinity, -.infinity, 0, -3, 1e300])
    func absurdDecode(_ value: Double) {
        var r = good
        r.decodeTPS = value
        #expect(fields(r) == ["decode_tps"])
    }

    @Test("Counts and sizes out of range are refused")
    func countsAndSizes() {
        var r = good
        r.hardwareCount = -1; r.promptTokens = -5; r.generatedTokens = Int.min; r.gpuLayers = -1; r.context = 20_000_000
        r.prefillTPS = -.infinity; r.ttftMS = .nan; r.powerWatts = -1; r.peakVRAMBytes = .max
        #expect(Set(fields(r)) == ["hardware_count", "prompt_tokens", "generated_tokens", "gpu_layers", "context", "prefill_tps",
                                   "ttft_ms", "power_watts", "peak_vram_bytes"])
        r = good
        r.hardwareCount = 65
        #expect(fields(r) == ["hardware_count"])
        r = good
        r.hardware = []
        #expect(fields(r) == ["hardware"])
        r.hardware = ["rtx-3090", "rtx-3090"]
        #expect(fields(r) == ["hardware"])
        r.hardware = Array(repeating: "rtx-3090", count: 1000)
        #expect(problems(r).first?.code == .outOfRange)
    }

    @Test("Ten-megabyte strings are refused by size, quickly, without name resolution")
    func hugeStrings() {
        let huge = String(repeating: "A", count: 10_000_000)
        var r = good
        r.model = huge; r.logExcerpt = huge; r.command = huge; r.hardware = [huge]; r.submitter = huge
        let start = Date()
        let p = problems(r)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(Set(p.map(\.field)) == ["model", "log_excerpt", "command", "hardware[0]", "submitter"])
        #expect(p.allSatisfy { $0.code == .tooLong })
        #expect(p.first { $0.field == "log_excerpt" }?.message == "log_excerpt is 10000000 bytes; at most 65536 are accepted")
    }

    @Test("Control characters are refused; newline and tab only in the log excerpt")
    func controlCharacters() {
        var r = good
        r.submitter = "bell\u{7}"
        r.os = "line\nbreak"
        r.command = "a\u{0}b"
        r.runtimeVersion = "b1\u{202E}evil"   // right-to-left override
        #expect(Set(fields(r)) == ["submitter", "os", "command", "runtime_version"])
        r = good
        r.logExcerpt = "a\r\nb"
        #expect(problems(r).first?.message.contains("U+000D") == true)
        r.logExcerpt = "ok\n\tindented"
        #expect(problems(r).isEmpty)
    }

    @Test("Dates in the future are refused (five minutes of clock skew allowed)")
    func futureDates() {
        var r = good
        r.measuredAt = now.addingTimeInterval(60)
        #expect(problems(r).isEmpty)
        r.measuredAt = now.addingTimeInterval(86_400)
        #expect(fields(r) == ["measured_at"])
    }

    @Test("Malformed digests, URLs and model digests are refused")
    func malformed() {
        var r = good
        r.logSHA256 = "xyz"; r.logURL = "javascript:alert(1)"; r.model = "gguf:1234"; r.kvType = "q3_k"
        #expect(Set(fields(r)) == ["log_sha256", "log_url", "model", "kv_type"])
    }
}
