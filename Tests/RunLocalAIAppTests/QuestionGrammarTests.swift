import Foundation
import RunLocalAICore
import Testing
@testable import RunLocalAIApp

/// The repository's catalog, loaded once for these specs.
enum AppFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog: Catalog = try! Catalog.load(from: repoRoot.appendingPathComponent("catalog"))
    static let service = AnswerService(catalog: catalog, store: nil)
}

@Suite("One question: one grammar for argv, URL query and form")
struct QuestionGrammarTests {
    @Test("A context reads the same as 32K, 32k, 32768 and 32,768")
    func contextSpellings() throws {
        for text in ["32K", "32k", "32768", "32,768", " 32K "] {
            let q = try Question.parse([("model", "llama-3.1-8b"), ("hardware", "rtx-4090"), ("ctx", text)])
            #expect(q.context == 32_768, "\(text)")
        }
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("ctx", "lots")]) }
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("ctx", "99999999")]) }
    }

    @Test("Flash attention is auto, on or off; auto is llama.cpp's on and Ollama's off")
    func flashAttention() throws {
        let auto = try Question.parse([("model", "m"), ("hardware", "h"), ("fa", "auto")])
        #expect(auto.flashAttention == .auto)
        #expect(auto.settings.flashAttention == true)
        #expect(auto.with { $0.runtime = .ollama }.settings.flashAttention == false)
        #expect(try Question.parse([("model", "m"), ("hardware", "h"), ("fa", "off")]).settings.flashAttention == false)
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("fa", "maybe")]) }
    }

    @Test("A URL query reads '+' and %20 as spaces")
    func plusIsASpace() throws {
        let plus = try Question.parse(query: "model=llama-3.3-70b&hardware=2x+RTX+3090&ctx=8K")
        let pct = try Question.parse(query: "model=llama-3.3-70b&hardware=2x%20RTX%203090&ctx=8192")
        #expect(plus == pct)
        #expect(plus.hardware == .named("2x RTX 3090"))
    }

    @Test("A query value decodes '+', %XX and UTF-8 escapes; a malformed escape leaves the value as typed")
    func queryValueDecoding() {
        let cases: [(String, String)] = [
            ("2x+RTX+3090", "2x RTX 3090"), ("dual%203090", "dual 3090"), ("caf%C3%A9", "café"), ("a%2Bb", "a+b"),
            ("100%", "100%"), ("%zz+1", "%zz 1"), ("%E9t%C3", "%E9t%C3"), ("plain", "plain"), ("", ""),
        ]
        for (raw, expected) in cases { #expect(QueryString.decode(raw[...]) == expected, "\(raw)") }
        let pairs = QueryString.pairs("model=llama-3.1-8b&hardware=2x+RTX+3090&ctx=32K&empty=&flag")
        #expect(pairs.map { "\($0.0)=\($0.1)" } == ["model=llama-3.1-8b", "hardware=2x RTX 3090", "ctx=32K", "empty=", "flag="])
    }

    @Test("A question that names no quantisation is answered for the model's own: gpt-oss is published in MXFP4 only, so gpt-oss-120b reads as its 59 GiB MXFP4 file (llama-bench: 59.02 GiB) and llama.cpp's -hf needs no tag; naming Q4_K_M still gets Q4_K_M, and a model with no single format gets Q4_K_M")
    func modelsOwnQuantisation() async throws {
        let unstated = try Question.parse([("model", "gpt-oss-120b"), ("hardware", "DGX Spark")])
        #expect(!unstated.quantStated)
        #expect(!unstated.url().contains("quant="))
        let a = try await AppFixture.service.answer(unstated)
        #expect(a.wire.quant == "MXFP4")
        #expect(a.question.quantStated && a.question.url().contains("quant=MXFP4"))
        let weightsGiB = Double(a.wire.memory.weights_bytes) / 1_073_741_824
        #expect(weightsGiB > 57 && weightsGiB < 61, "\(weightsGiB) GiB")
        let llama = try #require(a.wire.commands.first { $0.runtime == "llama.cpp" })
        #expect(llama.command.contains("-hf ggml-org/gpt-oss-120b-GGUF ") && !llama.command.contains("GGUF:"))

        let stated = try await AppFixture.service.answer(try Question.parse([("model", "gpt-oss-120b"), ("quant", "Q4_K_M"), ("hardware", "DGX Spark")]))
        #expect(stated.wire.quant == "Q4_K_M")
        let dense = try await AppFixture.service.answer(try Question.parse([("model", "llama-3.1-8b"), ("hardware", "RTX 3090")]))
        #expect(dense.wire.quant == Question.defaultQuant)
        // The question's own round trip keeps "not named" (no quant in its URL), and a changed quantisation is named.
        #expect(try Question.parse(query: String(unstated.url().split(separator: "?", maxSplits: 1)[1])) == unstated)
        #expect(unstated.with { $0.quant = QuantMix(name: "Q8_0")! }.quantStated)
    }

    @Test("The canonical URL reads back to the same question")
    func roundTrip() throws {
        let q = try Question.parse([("model", "qwen3 30b a3b"), ("quant", "q5_k_m"), ("hardware", "M2 Ultra 192GB"), ("ctx", "16K"),
                                    ("kv", "q8_0"), ("fa", "on"), ("runtime", "ollama"), ("ram", "64GB"), ("ngl", "20"), ("backend", "Metal")])
        let again = try Question.parse(query: String(q.url().split(separator: "?", maxSplits: 1)[1]))
        #expect(again == q)
        #expect(q.quant.name == "Q5_K_M")
        #expect(q.hostRAMGiB == 64)
        #expect(q.backend == .metal)
    }

    @Test("A backend is named as llama.cpp's (cuda, rocm or hip, metal, vulkan, sycl, cpu); auto is the device's own; anything else is refused with the list")
    func backends() throws {
        #expect(try Question.parse([("model", "m"), ("backend", "HIP")]).backend == .rocm)
        #expect(try Question.parse([("model", "m"), ("backend", "cpu")]).backend == .cpu)
        #expect(try Question.parse([("model", "m"), ("backend", "auto")]).backend == nil)
        let e = #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("backend", "directx")]) }
        #expect(e?.field == .backend)
        #expect(e?.message.contains("vulkan") == true)
    }

    @Test("Every bound is checked before any name is matched: a name longer than 200 characters is refused at once")
    func boundsFirst() {
        let long = String(repeating: "rtx 3090 ", count: 8_000)
        let clock = ContinuousClock()
        let took = clock.measure {
            #expect(throws: QuestionError.self) { try Question.parse([("model", "llama-3.1-8b"), ("hardware", long)]) }
        }
        #expect(took < .seconds(1))
        #expect(throws: QuestionError.self) { try Question.parse([("model", "llama\u{0}"), ("hardware", "h")]) }
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("images", "999")]) }
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("ram", "0")]) }
        #expect(throws: QuestionError.self) { try Question.parse([("model", "m"), ("hardware", "h"), ("runtime", "tgi")]) }
    }

    @Test("'local', 'this' and 'detected' name this machine; no hardware at all does too")
    func thisMachine() throws {
        for word in ["local", "this", "detected", "This Machine"] {
            #expect(try Question.parse([("model", "m"), ("hardware", word)]).hardware == .thisMachine, "\(word)")
        }
        #expect(try Question.parse([("model", "m")]).hardware == .thisMachine)
    }

    @Test("Counts: dual, two, 2x, x2, * 2 and 2x3090 all mean two cards")
    func counts() throws {
        let c = AppFixture.catalog
        for name in ["dual 3090", "two RTX 3090s", "2x3090", "2x RTX 3090", "RTX 3090 x2", "rtx 3090 * 2", "2x-rtx-3090", "Dual RTX 3090"] {
            let sel = try c.hardware(named: name)
            #expect(sel.count == 2, "\(name)")
            #expect(sel.device.id == "rtx-3090", "\(name)")
        }
        #expect(try c.hardware(named: "RX 6700 XT").count == 1)
        #expect(try c.hardware(named: "RTX 3090").count == 1)
    }
}

@Suite("One bounded cache type")
struct BoundedCacheTests {
    @Test("A full cache drops its oldest entries, never grows past its capacity, and a TTL expires entries")
    func bounded() async throws {
        let c = BoundedCache<Int, Int>(capacity: 8)
        for i in 0..<100 { c.store(i, i) }
        #expect(c.count <= 8)
        #expect(c.lookup(99) == 99)
        #expect(c.lookup(0) == nil)
        let short = BoundedCache<String, Int>(capacity: 4, ttl: .milliseconds(50))
        short.store("a", 1)
        #expect(short.lookup("a") == 1)
        try await Task.sleep(for: .milliseconds(80))
        #expect(short.lookup("a") == nil)
        let before = short.generation
        short.removeAll()
        #expect(short.generation == before + 1)
    }

    @Test("Profiles are synthesised once per model and quantisation, within the capacity")
    func profiles() throws {
        let m = try #require(AppFixture.catalog.model(id: "llama-3.1-8b"))
        let small = ProfileCache(capacity: 2)
        for q in ["Q4_K_M", "Q5_K_M", "Q6_K"] { _ = small.profile(model: m, mix: QuantMix(name: q)!) }
        #expect(small.count <= 2)
        #expect(small.profile(model: m, mix: QuantMix(name: "Q4_K_M")!) == ModelProfile(model: m, mix: QuantMix(name: "Q4_K_M")!))
    }
}
