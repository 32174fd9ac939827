import Foundation

/// A catalog model entry drafted from a GGUF header (`runlocalai catalog add`): every architecture number as the file
/// states it (layers, widths, heads, experts, MLA, recurrent layers, sliding window, context, vocabulary, the vision
/// projector), the file cited as the source, and a `gguf_header` block recording those numbers so `catalog audit`
/// refuses the entry if they are later edited apart. The facts a header does not hold (display name, release date,
/// licence, use) are written as a best guess and listed under `review:`, which the audit reports until a person
/// checks them and deletes the list.
///
/// ```swift
/// let draft = try CatalogEntryDraft(model: gguf, location: "gemma-3-270m-it-Q4_K_M.gguf", today: "2026-12-06")
/// draft.id      // "gemma-3-270m-it"
/// draft.yaml    // "  - id: gemma-3-270m-it\n    name: Gemma 3 270m It\n ..."
/// ```
public struct CatalogEntryDraft: Sendable, Hashable {
    public var id: String
    public var arch: String
    /// The entry as YAML, indented as an item of a family file's `models:` list.
    public var yaml: String

    /// Drafts the entry for a language-model GGUF (`mmproj`: its vision projector, if any).
    public init(model: GGUFModel, location: String, repo: String? = nil, mmproj: GGUFModel? = nil, mmprojLocation: String? = nil,
                today: String) throws {
        guard let a = model.architecture else {
            throw model.architectureError ?? GGUFError(.missingKey, at: nil, "\(location) is not a language model (architecture '\(model.architectureName)')",
                                                       hint: "give the model's GGUF, not its vision projector")
        }
        let m = model.file.metadata
        let fileName = location.split(separator: "/").last.map(String.init) ?? location
        let base = m["general.basename"]?.string
        let size = m["general.size_label"]?.string
        let finetune = m["general.finetune"]?.string
        let stem = [base, size, finetune].compactMap { $0 }.joined(separator: "-")
        let named = !stem.isEmpty ? stem : (model.name ?? Self.stripQuant(fileName))
        id = Self.slug(named)
        arch = a.arch
        let display = model.name ?? named

        var lines: [String] = []
        func add(_ key: String, _ value: String) { lines.append("    \(key): \(value)") }
        lines.append("  - id: \(id)")
        add("name", Self.quote(display))
        var aliases = [display.lowercased(), Self.stripQuant(fileName)]
        if let repo { aliases.append(repo) }
        var seen: Set<String> = [id]
        aliases = aliases.filter { !$0.isEmpty && seen.insert($0).inserted }
        add("aliases", "[" + aliases.map(Self.quote).joined(separator: ", ") + "]")
        add("arch", a.arch)
        // The weights llama.cpp loads (a skipped NextN block is in the file, not in the model).
        let loadedParams = WeightLayout(tensors: model.tensors, architecture: a).parameterCount
        let params = Double(loadedParams) / 1e9
        add("params_b", String(format: params < 10 ? "%.3f" : "%.2f", params))
        add("layers", String(a.layers))
        add("hidden", String(a.hidden))
        add("ffn", String(a.ffn))
        add("heads", String(a.heads))
        let kvHeads = a.catalogKVHeads
        if a.mla == nil, Set(a.attentionKVHeads).count > 1 {
            throw GGUFError(.invalidValue, at: nil, "the attention layers have different KV head counts (\(Set(a.attentionKVHeads).sorted()))",
                            hint: "the catalog holds one KV head count per model; plan this file with --gguf instead")
        }
        add("kv_heads", String(kvHeads))
        if let mla = a.mla {
            add("head_dim", String(mla.nopeDim + mla.ropeDim))
            add("value_head_dim", String(mla.valueHeadDim))
        } else {
            add("head_dim", String(a.headDimK))
            if a.headDimV != a.headDimK { add("value_head_dim", String(a.headDimV)) }
        }
        add("vocab", String(a.vocab))
        add("context", String(a.contextLength))
        add("tied_embeddings", a.tiedEmbeddings ? "true" : "false")
        if !a.ffnGated { add("ffn_gated", "false") }
        add("released", Self.quote(String(today.prefix(7))))
        add("use", "[chat]")
        if let repo { add("gguf_repo", repo) }
        if let moe = a.moe {
            add("moe", "{experts: \(moe.experts), active: \(moe.active), shared: \(moe.shared), expert_ffn: \(moe.expertFFN), shared_ffn: \(moe.sharedFFN), leading_dense_layers: \(moe.leadingDenseLayers)}")
        }
        if let mla = a.mla {
            add("mla", "{kv_lora_rank: \(mla.kvLoraRank), q_lora_rank: \(mla.qLoraRank), rope_dim: \(mla.ropeDim), nope_dim: \(mla.nopeDim), value_head_dim: \(mla.valueHeadDim)"
                + (mla.indexerKeyLength > 0 ? ", indexer_heads: \(mla.indexerHeads), indexer_key_length: \(mla.indexerKeyLength)}" : "}"))
        }
        if let r = a.recurrent {
            let attention = a.recurrentLayers.enumerated().filter { !$0.element }.map(\.offset)
            add("recurrent", "{kind: \(r.kind.rawValue), conv_kernel: \(r.convKernel), inner_size: \(r.innerSize), state_size: \(r.stateSize), groups: \(r.groups), heads: \(r.heads), attention_layers: [\(attention.map(String.init).joined(separator: ", "))]}")
        }
        if let w = a.slidingWindow, a.hasSlidingWindow {
            guard let pattern = Self.swaPattern(a.swaLayers) else {
                throw GGUFError(.invalidValue, at: nil, "the sliding-window layers follow no regular pattern", hint: "plan this file with --gguf instead")
            }
            add("sliding_window", pattern == 0 ? "{size: \(w)}" : "{size: \(w), pattern: \(pattern)}")
        }
        if let from = a.kvLayersFromStart { add("kv_shared_layers", String(a.layers - from)) }
        if let ple = a.perLayerInput { add("per_layer_input", String(ple)) }
        if a.skippedNextNLayers > 0 { add("nextn_layers", String(a.skippedNextNLayers)) }
        if let v = mmproj?.vision {
            var block = ["encoder: \(Self.quote(v.projectorType))", "tokens_per_image: \(v.tokensPerImage ?? 0)"]
            if let l = v.blockCount { block.append("layers: \(l)") }
            if let h = v.embeddingLength { block.append("hidden: \(h)") }
            if let s = v.imageSize { block.append("image_size: \(s)") }
            if let p = v.patchSize { block.append("patch_size: \(p)") }
            block.append("projector: \(Self.quote(v.projectorType))")
            let type = mmproj?.fileType?.name.lowercased() ?? "f16"
            block.append(String(format: "mmproj_mb: {%@: %.1f}", type, Double(v.weightBytes) / 1e6))
            if let f = mmprojLocation?.split(separator: "/").last { block.append("mmproj_file: \(Self.quote(String(f)))") }
            add("vision", "{" + block.joined(separator: ", ") + "}")
        }
        let quant = model.fileType?.name ?? "?"
        add("source", Self.quote("GGUF header of \(location) (\(quant); general.name \(model.name ?? "-")), read by runlocalai catalog add on \(today)"
                                 + (mmprojLocation.map { "; vision projector \($0)" } ?? "")))
        var header = ["file: \(Self.quote(location))", "params: \(loadedParams)", "layers: \(a.layers)", "hidden: \(a.hidden)",
                      "heads: \(a.heads)", "kv_heads: \(kvHeads)", "vocab: \(a.vocab)", "context: \(a.contextLength)"]
        if a.moe != nil { header.append("experts: \(a.moe!.experts)") }
        add("gguf_header", "{" + header.joined(separator: ", ") + "}")
        add("review", "[name, released, use, license]")
        yaml = lines.joined(separator: "\n") + "\n"
    }

    /// The pattern N of "every Nth layer is global" (0: every layer slides), or nil when the layers follow none.
    static func swaPattern(_ layers: [Bool]) -> Int? {
        if layers.allSatisfy({ $0 }) { return 0 }
        for n in 2...max(2, layers.count) where ModelArchitecture.swaLayers(layers: layers.count, window: 1, pattern: n) == layers { return n }
        return nil
    }

    /// "gemma-3-270m-it-Q4_K_M.gguf" -> "gemma-3-270m-it".
    static func stripQuant(_ file: String) -> String {
        var s = file
        if s.lowercased().hasSuffix(".gguf") { s.removeLast(5) }
        if let split = GGUFSplitName(file) { s = String(split.stem.split(separator: "/").last ?? Substring(split.stem)) }
        let parts = s.split(separator: "-").map(String.init)
        if let last = parts.last?.uppercased(), GGUFFileType.names.values.contains(last) || last.hasPrefix("Q") && last.contains("_") || last.hasPrefix("IQ") {
            return parts.dropLast().joined(separator: "-")
        }
        return s
    }

    /// Lower-case letters, digits, '.', '-'.
    static func slug(_ s: String) -> String {
        let mapped = s.lowercased().map { c -> Character in c.isLetter || c.isNumber || c == "." ? c : "-" }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
