import Testing
@testable import RunLocalAICore

@Suite("Names are forgiving but never guessed")
struct NameResolverTests {
    let c = TestSupport.catalog

    @Test("Memory variants pick the right card", arguments: [
        ("RTX 3060 12GB", "rtx-3060-12gb"), ("rtx-3060-12gb", "rtx-3060-12gb"), ("RTX 3060 8GB", "rtx-3060-8gb"),
        ("4060 Ti 16GB", "rtx-4060-ti-16gb"), ("RTX 4060 Ti 8 GB", "rtx-4060-ti-8gb"), ("NVIDIA RTX 3090", "rtx-3090"),
        ("3090 24GB", "rtx-3090"), ("RTX 3090 Ti", "rtx-3090-ti"), ("GeForce RTX 4090", "rtx-4090"),
        ("RTX 4090 Laptop", "rtx-4090-laptop"), ("Apple M3 Max 40-core", "apple-m3-max-40c"), ("M3 Max 30c", "apple-m3-max-30c"),
        ("Apple M2 Ultra 76-core", "apple-m2-ultra-76c"), ("RX 7900 XTX", "rx-7900-xtx"), ("RX 7900 XT 20GB", "rx-7900-xt"),
        ("cpu", "cpu-ddr5-5600-2ch"), ("NVIDIA DGX Spark (GB10, 128GB LPDDR5X unified)", "dgx-spark"),
    ])
    func hardware(query: String, id: String) throws {
        #expect(try c.hardware(named: query).device.id == id)
    }

    @Test("Ambiguous names list the candidates instead of guessing", arguments: [
        ("RTX 3060", "rtx-3060-12gb"), ("4060 Ti", "rtx-4060-ti-16gb"), ("A100", "a100"), ("M3 Max", "apple-m3-max-30c"),
    ])
    func ambiguous(query: String, candidate: String) {
        #expect { try c.hardware(named: query, exact: true) } throws: { error in
            guard case CatalogError.ambiguous(_, _, let candidates) = error else { return false }
            return candidates.contains { $0.hasPrefix(candidate) }
        }
    }

    @Test("An Apple chip named by its memory ('M2 Pro 16GB') is the base GPU variant, the other listed; other ambiguity stays an error")
    func appleBaseVariant() throws {
        let sel = try c.hardware(named: "M2 Pro 16GB")
        #expect(sel.device.id == "apple-m2-pro-16c")
        #expect(sel.memoryGiB == 16)
        #expect(sel.alternatives == ["apple-m2-pro-19c"])
        #expect(try c.hardware(named: "M3 Max").device.id == "apple-m3-max-30c")
        #expect(throws: CatalogError.self) { try c.hardware(named: "RTX 3060") }
        #expect(throws: CatalogError.self) { try c.hardware(named: "M2 Pro 16GB", exact: true) }
    }

    @Test("A100 PCIe and SXM are told apart")
    func a100() throws {
        let pcie = try c.hardware(named: "A100 80GB PCIe").device
        let sxm = try c.hardware(named: "A100 80GB SXM").device
        #expect(pcie.id != sxm.id)
        #expect(pcie.bandwidthGBs < sxm.bandwidthGBs)
    }

    @Test("Several cards: 2x, x2, * 4", arguments: [("2x RTX 3090", 2), ("RTX 3090 x2", 2), ("3090 24GB * 4", 4), ("4 x RTX 4090", 4)])
    func counts(query: String, count: Int) throws {
        let s = try c.hardware(named: query)
        #expect(s.count == count)
        #expect(s.device.id.hasPrefix("rtx-"))
    }

    @Test("Every selection's own id resolves back to it", arguments: ["2x rtx-3090", "4x RTX 4090", "apple-m4-max-40c 128GB", "rtx-3060-12gb", "2x rtx-3060 12gb"])
    func idsRoundTrip(query: String) throws {
        let s = try c.hardware(named: query)
        let again = try c.hardware(named: s.query)
        #expect(again.id == s.id)
        #expect(again.count == s.count)
    }

    @Test("Zero or negative cards are refused", arguments: ["0x RTX 3090", "-2x RTX 3090"])
    func zeroCards(query: String) {
        #expect(throws: CatalogError.self) { try c.hardware(named: query) }
    }

    @Test("Apple memory variants come from the name")
    func appleMemory() throws {
        let s = try c.hardware(named: "M1 Max 32-Core GPU 64GB")
        #expect(s.device.id == "apple-m1-max-32c")
        #expect(s.memoryGiB == 64)
    }

    @Test("Model names forgive case, punctuation, parenthesised remarks and one typo", arguments: [
        ("llama 3.1 8b", "llama-3.1-8b"), ("Llama-3.1-8B", "llama-3.1-8b"), ("LLaMA 7B", "llama-2-7b"),
        ("Mistral-7B-Instruct-v0.2 (llama 7B arch)", "mistral-7b-v0.2"), ("lama 3.1 8b", "llama-3.1-8b"),
        ("gpt-oss 20B", "gpt-oss-20b"), ("Qwen2.5-Coder-7B", "qwen2.5-coder-7b"),
        ("Qwen3Coder-30B-A3B", "qwen3-coder-30b-a3b"), ("Qwen3Next-80B-A3B", "qwen3-next-80b-a3b"),
    ])
    func models(query: String, id: String) throws {
        #expect(try c.model(named: query).id == id)
    }

    @Test("A model number is never corrected: one digit or letter more or less names another product, so the answer is \"did you mean\" with the near one, not a silent guess", arguments: [
        ("rtx-30900", "rtx-3090"), ("rtx-40900", "rtx-4090"), ("rtx-4090x", "rtx-4090"), ("rtx 3095", "rtx-3090"),
    ])
    func modelNumbersAreNotTypos(query: String, near: String) {
        #expect { try c.hardware(named: query) } throws: { error in
            guard case CatalogError.notFound(_, _, let suggestions) = error else { return false }
            return suggestions.contains(near)
        }
    }

    @Test("Unknown names say what they might have meant")
    func unknown() {
        #expect { try c.model(named: "lllama 9.9 99b") } throws: { error in
            guard case CatalogError.notFound(_, _, let suggestions) = error else { return false }
            return !suggestions.isEmpty && "\(error)".contains("did you mean")
        }
    }
}
