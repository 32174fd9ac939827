import Foundation
import RunLocalAICore
import Testing
@testable import RunLocalAIApp

@Suite("A model named by where its GGUF lives: repository, repository URL, file URL")
struct RemoteModelReferenceTests {
    @Test("OWNER/NAME, hf.co/OWNER/NAME:QUANT and repository pages are repositories; .gguf URLs are files; names are not references")
    func parsing() throws {
        guard case .repo(let r, let q)? = RemoteModelReference("bartowski/Qwen3-8B-GGUF:Q8_0") else { Issue.record("not a repo"); return }
        #expect(r.host == "huggingface.co" && r.owner == "bartowski" && r.name == "Qwen3-8B-GGUF" && q == "Q8_0")
        #expect(r.listingURL.absoluteString == "https://huggingface.co/api/models/bartowski/Qwen3-8B-GGUF")
        #expect(RemoteModelReference("bartowski/Qwen3-8B-GGUF")?.isURL == false)
        guard case .repo(let o, let oq)? = RemoteModelReference("hf.co/unsloth/gemma-3-4b-it-GGUF:Q4_K_M") else { Issue.record("Ollama form"); return }
        #expect(o.owner == "unsloth" && oq == "Q4_K_M")
        guard case .repo(let page, nil)? = RemoteModelReference("https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/tree/main") else { Issue.record("page"); return }
        #expect(page.name == "gemma-3-4b-it-GGUF" && page.explicitURL == false)
        let file = "https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/resolve/main/gemma-3-4b-it-Q4_K_M.gguf"
        #expect(RemoteModelReference(file) == .file(URL(string: file)!))
        #expect(RemoteRepo(fileURL: URL(string: file)!)?.name == "gemma-3-4b-it-GGUF")
        for name in ["llama 3.1 8b", "qwen3-8b", "a/b/c", "../x", "owner/na me", "https://example.com/", ""] {
            #expect(RemoteModelReference(name) == nil, "\(name)")
        }
    }

    @Test("A bare OWNER/NAME that is a catalog alias stays the catalog model; any URL is read")
    func catalogFirst() {
        #expect(AppFixture.service.remoteReference("Qwen/Qwen2.5-7B-Instruct") == nil)
        #expect(AppFixture.service.remoteReference("bartowski/Some-New-Model-GGUF") != nil)
        #expect(AppFixture.service.remoteReference("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf") != nil)
        #expect(AppFixture.service.remoteReference("llama 3.1 8b") == nil)
    }

    @Test("A repository's file is chosen by quantisation as a whole token, the first part of a split model; the projector prefers f16")
    func choosing() throws {
        let files = ["README.md", "Qwen3-8B-Q4_K_M.gguf", "Qwen3-8B-Q4_K.gguf", "Q8_0/Qwen3-8B-Q8_0-00002-of-00002.gguf",
                     "Q8_0/Qwen3-8B-Q8_0-00001-of-00002.gguf", "mmproj-Qwen3-8B-bf16.gguf", "mmproj-Qwen3-8B-F16.gguf"]
        #expect(try RepoFiles.choose(files, quant: "Q4_K").model == "Qwen3-8B-Q4_K.gguf")
        #expect(try RepoFiles.choose(files, quant: "q4_k_m").model == "Qwen3-8B-Q4_K_M.gguf")
        #expect(try RepoFiles.choose(files, quant: "Q8_0").model == "Q8_0/Qwen3-8B-Q8_0-00001-of-00002.gguf")
        #expect(RepoFiles.mmproj(files) == "mmproj-Qwen3-8B-F16.gguf")
        #expect(try RepoFiles.choose(["only-one.gguf"], quant: "Q4_K_M").model == "only-one.gguf")
        #expect(throws: RemoteModelError.self) { try RepoFiles.choose(files, quant: "IQ2_XS") }
        #expect(throws: RemoteModelError.self) { try RepoFiles.choose(["README.md", "model.safetensors"], quant: "Q4_K_M") }
    }

    @Test("Only public addresses are fetched: loopback, private, link-local, CGNAT and mapped forms are not")
    func addresses() throws {
        for a in ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"] {
            #expect(!IPAddressRange.isPublic(a), "\(a)")
        }
        for a in ["18.154.227.7", "2600:9000:2000::1", "172.32.0.1", "8.8.8.8"] { #expect(IPAddressRange.isPublic(a), "\(a)") }
        var policy = RemoteModelPolicy()
        #expect(throws: RemoteModelError.self) { _ = try policy.check(URL(string: "https://127.0.0.1/a.gguf")!) }
        #expect(throws: RemoteModelError.self) { _ = try policy.check(URL(string: "https://2130706433/a.gguf")!) }
        #expect(throws: RemoteModelError.self) { _ = try policy.check(URL(string: "https://huggingface.co.evil.example/a.gguf")!) }
        #expect(throws: RemoteModelError.self) { _ = try policy.check(URL(string: "file:///etc/passwd")!) }
        #expect(try policy.check(URL(string: "https://cas-bridge.xethub.hf.co/x")!) == true)
        policy.extraHosts = ["mirror.lan:8000"]
        #expect(try policy.check(URL(string: "http://mirror.lan:8000/a/b/resolve/main/x.gguf")!) == false)
        #expect(throws: RemoteModelError.self) { _ = try policy.check(URL(string: "http://mirror.lan:9000/x.gguf")!) }
    }

    @Test("A file read from Hugging Face is run with -hf OWNER/NAME:QUANT (and hf.co/ in Ollama); another host's with --model-url")
    func commandsForRemoteFiles() async throws {
        let profile = ModelProfile(model: try AppFixture.catalog.model(named: "qwen3-8b"), mix: QuantMix(name: "Q4_K_M")!)
        let q = try Question.parse(query: "model=x&hardware=rtx-4090")
        let hub = "https://huggingface.co/unsloth/Qwen3-8B-GGUF/resolve/main/Qwen3-8B-Q4_K_M.gguf"
        let a = try await AppFixture.service.answer(q, profile: profile, file: hub, mmprojFile: nil)
        #expect(a.wire.commands[0].command.hasPrefix("llama-server -hf unsloth/Qwen3-8B-GGUF:Q4_K_M "))
        #expect(a.wire.commands.contains { $0.command == "ollama run hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M" })
        #expect(a.wire.model_file?.url == hub)
        let mirror = try await AppFixture.service.answer(q, profile: profile, file: "http://mirror.lan:8000/a/b/resolve/main/x.gguf", mmprojFile: nil)
        #expect(mirror.wire.commands[0].command.hasPrefix("llama-server -mu 'http://mirror.lan:8000/a/b/resolve/main/x.gguf'")
                || mirror.wire.commands[0].command.hasPrefix("llama-server -mu http://mirror.lan:8000/a/b/resolve/main/x.gguf"))
    }
}

