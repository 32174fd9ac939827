import Foundation
import Testing
@testable import RunLocalAICore

@Suite("Content: glossary and errors knowledge base")
struct ContentTests {
    static let contentDir = TestSupport.repoRoot.appendingPathComponent("content")
    static let library: Result<ContentLibrary, Error> = Result { try ContentLoader.load(from: contentDir, catalog: TestSupport.catalog) }

    @Test("All content loads, and every engine placeholder renders (an unknown placeholder is a load-time error)")
    func loadsAndRendersEverything() throws {
        let lib = try Self.library.get()
        #expect(lib.glossary.count >= 100)
        #expect(lib.errors.count >= 30)
        #expect(lib.placeholders.count >= 80)
        for p in lib.placeholders {
            #expect(!p.rendered.isEmpty, "\(p.file): \(p.source) rendered nothing")
            #expect(!p.rendered.contains("{{"))
        }
        for t in lib.glossary { for s in t.sections { #expect(!s.markdown.contains("{{"), "glossary/\(t.slug): unrendered placeholder") } }
        for a in lib.errors { for s in a.sections { #expect(!s.markdown.contains("{{"), "errors/\(a.slug): unrendered placeholder") } }
    }

    @Test("Prose figures are the engine's: the VLM article states will-it-run's decode range, weights and fit")
    func vlmArticleAgreesWithEngine() throws {
        let lib = try Self.library.get()
        let term = try #require(lib.glossary.first { $0.slug == "vision-language-model" })
        let text = term.sections.map(\.markdown).joined(separator: "\n")
        let a = try WillItRun.answer(WillItRunQuery(model: "llava-1.6-mistral-7b", quant: "Q4_K_M", hardware: "rtx-3060-12gb", context: 4096, images: 1),
                                     catalog: TestSupport.catalog)
        #expect(text.contains(PlaceholderRenderer.tps(a.speed.decode_tps)))
        #expect(text.contains(PlaceholderRenderer.gib(a.memory.weights_bytes)))
        #expect(text.contains(PlaceholderRenderer.gib(a.memory.total_bytes)))
        #expect(text.contains("runs comfortably"))
        #expect(!text.contains("50-60 tok/s"))
    }

    @Test("Placeholder syntax: fields, optional keys, and clear errors for anything unknown")
    func placeholderSyntax() throws {
        var r = PlaceholderRenderer(catalog: TestSupport.catalog)
        let out = try r.render("x {{wir model=llama-3.1-8b quant=Q8_0 hardware=rtx-4090 ctx=8192 field=gpu_layers}} y", file: "t.md")
        #expect(out == "x 33 of 33 y")
        let kv = try r.render("{{wir model=llama-3.1-8b hardware=rtx-4090 ctx=8192 kv_type=q8_0 field=kv}}", file: "t.md")
        #expect(kv == "544 MiB")
        let multi = try r.render("{{wir model=llama-3.3-70b hardware=2x+rtx-3090 ctx=8192 field=fit}}", file: "t.md")
        #expect(["runs comfortably", "runs with tradeoffs"].contains(multi))
        #expect(throws: ContentError.self) { try r.render("{{date}}", file: "t.md") }
        #expect(throws: ContentError.self) { try r.render("{{wir model=llama-3.1-8b hardware=rtx-4090 field=speed}}", file: "t.md") }
        #expect(throws: ContentError.self) { try r.render("{{wir model=llama-3.1-8b hardware=rtx-4090 colour=red field=decode}}", file: "t.md") }
        #expect(throws: ContentError.self) { try r.render("{{wir model=no-such-model hardware=rtx-4090 field=decode}}", file: "t.md") }
        #expect(throws: ContentError.self) { try r.render("{{wir model=llama-3.1-8b hardware=rtx-4090 field=decode", file: "t.md") }
        do { _ = try r.render("{{wir model=llama-3.1-8b hardware=rtx-4090 field=speed}}", file: "glossary/x.md") } catch let e as ContentError {
            #expect(e.file == "glossary/x.md")
            #expect(e.message.contains("decode, prefill"))
        }
    }

    @Test("Validation names the file and the fix: slug ≠ file name, missing key, unknown key, missing Fix section")
    func validation() throws {
        let ok = "---\nslug: a\nterm: A\ncategory: c\nsources: [s]\n---\n## Definition\nText.\n"
        #expect(try ContentLoader.parseGlossary(ok, fileName: "a.md").sections.first?.markdown == "Text.")
        #expect(throws: ContentError(file: "b.md", "slug 'a' differs from the file name; rename the file to a.md or set slug: b")) {
            try ContentLoader.parseGlossary(ok, fileName: "b.md")
        }
        let missing = "---\nslug: a\nterm: A\nsources: [s]\n---\n## Definition\nText.\n"
        #expect(throws: ContentError(file: "a.md", "front matter lacks the required key 'category'; add it")) {
            try ContentLoader.parseGlossary(missing, fileName: "a.md")
        }
        let unknown = "---\nslug: a\nterm: A\ncategory: c\nsources: [s]\ncolour: red\n---\n## Definition\nText.\n"
        #expect(throws: ContentError.self) { try ContentLoader.parseGlossary(unknown, fileName: "a.md") }
        let noFix = "---\nslug: e\ntitle: E\ncategory: c\nerror_text: [\"boom\"]\nsources: [s]\n---\n## What it means\nx\n"
        #expect(throws: ContentError.self) { try ContentLoader.parseError(noFix, fileName: "e.md") }
        let noFront = "## Definition\nText.\n"
        #expect(throws: ContentError.self) { try ContentLoader.parseGlossary(noFront, fileName: "a.md") }
        // A heading inside a code fence is not a section.
        let fenced = "---\nslug: a\nterm: A\ncategory: c\nsources: [s]\n---\n## Definition\n```\n## not a heading\n```\n"
        #expect(try ContentLoader.parseGlossary(fenced, fileName: "a.md").sections.count == 1)
    }

    @Test("Related slugs must exist")
    func relatedSlugs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("glossary"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("errors"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "---\nslug: a\nterm: A\ncategory: c\nrelated: [nope]\nsources: [s]\n---\n## Definition\nText.\n"
            .write(to: dir.appendingPathComponent("glossary/a.md"), atomically: true, encoding: .utf8)
        do {
            _ = try ContentLoader.load(from: dir, catalog: TestSupport.catalog)
            Issue.record("expected an error for the unknown related slug")
        } catch let e as ContentError {
            #expect(e.file == "glossary/a.md")
            #expect(e.message.contains("'nope'"))
        }
    }
}

@Suite("Log diagnosis")
struct LogDiagnosisTests {
    static let errors: [ErrorArticle] = (try? ContentTests.library.get().errors) ?? []

    @Test("A llama.cpp CUDA OOM log ranks the CUDA article first, with the matched lines")
    func cudaOOM() throws {
        let log = """
        llama_model_load: loaded meta data with 29 key-value pairs
        load_tensors: offloaded 33/33 layers to GPU
        ggml_backend_cuda_buffer_type_alloc_buffer: allocating 4096.00 MiB on device 0: cudaMalloc failed: out of memory
        llama_model_load: error loading model: unable to allocate CUDA0 buffer
        """
        let hits = LogDiagnosis.diagnose(log, articles: Self.errors)
        let first = try #require(hits.first)
        #expect(first.article.slug == "cuda-out-of-memory")
        #expect(first.lines.map(\.number).contains(3))
        #expect(first.lines.contains { $0.kind == "error_text" })
    }

    @Test("Literal error text beats a pattern; a specific pattern beats a broad one like CPU/GPU")
    func ranking() throws {
        let a = ErrorArticle(slug: "broad", title: "Broad", category: "x", errorText: ["zzzz never matches"], patterns: ["CPU/GPU"], related: [],
                             verified: nil, sources: [], sections: [])
        let b = ErrorArticle(slug: "specific", title: "Specific", category: "x", errorText: ["zzzz never matches either"],
                             patterns: ["no compatible GPUs were discovered"], related: [], verified: nil, sources: [], sections: [])
        let c = ErrorArticle(slug: "literal", title: "Literal", category: "x", errorText: ["model requires more system memory (12.0 GiB) than is available"],
                             patterns: [], related: [], verified: nil, sources: [], sections: [])
        let log = "NAME  ID  SIZE  PROCESSOR\nllama3 abc 6 GB 25%/75% CPU/GPU\nlevel=INFO msg=\"no compatible GPUs were discovered\"\nError: model requires more system memory (31.5 GiB) than is available (8.0 GiB)"
        let hits = LogDiagnosis.diagnose(log, articles: [a, b, c])
        #expect(hits.map(\.article.slug) == ["literal", "specific", "broad"])
        #expect(hits[0].lines.first?.number == 4)      // numbers in the literal text differ: matched loosely
    }

    @Test("Nothing matches an unrelated log; only the first and last MiB of a huge log are read")
    func boundsAndEmpty() throws {
        #expect(LogDiagnosis.diagnose("hello\nworld", articles: Self.errors).isEmpty)
        let filler = String(repeating: "x", count: 1023) + "\n"
        let middle = String(repeating: filler, count: 1500)          // 1.5 MiB
        let huge = middle + "CUDA error: out of memory\n" + middle
        #expect(LogDiagnosis.boundedLines(huge).count < 2100)
        #expect(LogDiagnosis.diagnose(huge, articles: Self.errors).isEmpty)   // the middle is not read
        let tail = middle + middle + "CUDA error: out of memory\n"
        #expect(LogDiagnosis.diagnose(tail, articles: Self.errors).first?.article.slug == "cuda-out-of-memory")
    }
}

@Suite("Diagnosis reads the log it is given")
struct DiagnosisSubjectTests {
    @Test("A full offload ('offloaded 65/65 layers to GPU') is not a partial-offload diagnosis; a partial one is")
    func fullOffloadIsNotPartial() throws {
        let library = try ContentLoader.load(from: TestSupport.repoRoot.appendingPathComponent("content"), catalog: TestSupport.catalog)
        let full = LogDiagnosis.diagnose("load_tensors: offloaded 65/65 layers to GPU\nllama_context: n_ctx = 8192", articles: library.errors)
        #expect(!full.contains { ["slow-prompt-processing-cpu-offload", "ollama-running-slowly"].contains($0.article.slug) })
        let partial = LogDiagnosis.diagnose("load_tensors: offloaded 30/65 layers to GPU", articles: library.errors)
        #expect(partial.contains { $0.article.slug == "ollama-running-slowly" || $0.article.slug == "slow-prompt-processing-cpu-offload" })
    }

    @Test("The fix names the model and the GPU of the pasted log, not the article's example")
    func fixUsesTheLogsModelAndGPU() throws {
        let c = TestSupport.catalog
        let library = try ContentLoader.load(from: TestSupport.repoRoot.appendingPathComponent("content"), catalog: c)
        let log = """
        ggml_cuda_init: found 1 CUDA devices:
          Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes
        llama_model_loader: - kv   2:                               general.name str              = Qwen2.5 14B Instruct
        ggml_backend_cuda_buffer_type_alloc_buffer: allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory
        """
        let subject = LogDiagnosis.subject(of: log, catalog: c)
        #expect(subject.model == "qwen2.5-14b")
        #expect(subject.hardware == "rtx-4090")
        let top = try #require(LogDiagnosis.diagnose(log, articles: library.errors).first)
        #expect(top.article.slug == "cuda-out-of-memory")
        let fix = LogDiagnosis.fix(top.article, for: subject)
        #expect(fix.contains("--model qwen2.5-14b"))
        #expect(fix.contains("--hardware rtx-4090"))
        #expect(!fix.contains("--model llama-3.1-8b"))
    }
}
