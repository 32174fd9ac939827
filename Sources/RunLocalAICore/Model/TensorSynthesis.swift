/// Builds the tensor list a GGUF of a catalog model would hold, so catalog models are costed tensor by
/// tensor exactly like a real file.
///
/// Names and shapes follow llama.cpp's tensor naming (`token_embd`, `blk.N.attn_q`, `blk.N.ffn_down_exps`,
/// ...); each tensor's type comes from the ``QuantMix``.
///
/// ```swift
/// let tensors = TensorSynthesis.tensors(for: arch, mix: QuantMix(name: "Q4_K_M")!)
/// ```
public enum TensorSynthesis {
    /// Architectures whose q/k/v projections carry biases (llama.cpp `LLM_ARCH_QWEN2*`).
    static let qkvBias: Set<String> = ["qwen2", "qwen2moe", "qwen2vl", "gpt-oss"]
    /// Architectures with per-head RMS norms on q and k.
    static let qkNorm: Set<String> = ["qwen3", "qwen3moe", "gemma3", "olmo2", "qwen3vl", "qwen3vlmoe", "qwen3next", "gemma3n"]
    /// Architectures with extra norms after attention and FFN (Gemma 2/3/3n).
    static let postNorms: Set<String> = ["gemma2", "gemma3", "gemma3n"]

    public static func tensors(for a: ModelArchitecture, mix: QuantMix) -> [TensorInfo] {
        let ctx = QuantMix.Context(a)
        var out: [TensorInfo] = []
        out.reserveCapacity(a.layers * 12 + 4)
        func add(_ name: String, _ dims: [Int]) {
            let d = dims.map { UInt64(max($0, 0)) }
            out.append(TensorInfo(name: name, dimensions: d, type: mix.tensorType(name: name, dimensions: d, in: ctx)))
        }
        let h = a.hidden
        add("token_embd.weight", [h, a.vocab])
        if let ple = a.perLayerInput {
            // Gemma 3n: per-layer embeddings and the AltUp projections (llama.cpp's gemma3n tensors).
            add("altup_proj.weight", [h, h, 3])
            add("altup_unembd_proj.weight", [h, h, 3])
            add("per_layer_token_embd.weight", [ple * a.layers, a.vocab])
            add("per_layer_model_proj.weight", [h, ple * a.layers])
            add("per_layer_proj_norm.weight", [ple])
        }
        for l in 0..<a.layers {
            let p = "blk.\(l)."
            add(p + "attn_norm.weight", [h])
            let kv = a.kvHeadsPerLayer[l]
            if let r = a.recurrent, a.recurrentLayers[l] {
                recurrentTensors(r, a, prefix: p, add)
            } else if let mla = a.mla {
                let qk = mla.nopeDim + mla.ropeDim
                if mla.qLoraRank > 0 {
                    add(p + "attn_q_a.weight", [h, mla.qLoraRank])
                    add(p + "attn_q_a_norm.weight", [mla.qLoraRank])
                    add(p + "attn_q_b.weight", [mla.qLoraRank, a.heads * qk])
                } else {
                    add(p + "attn_q.weight", [h, a.heads * qk])
                }
                add(p + "attn_kv_a_mqa.weight", [h, mla.kvLoraRank + mla.ropeDim])
                add(p + "attn_kv_a_norm.weight", [mla.kvLoraRank])
                add(p + "attn_kv_b.weight", [mla.kvLoraRank, a.heads * (mla.nopeDim + mla.valueHeadDim)])
                add(p + "attn_output.weight", [a.heads * mla.valueHeadDim, h])
                if mla.indexerKeyLength > 0 {
                    // DeepSeek Sparse Attention's lightning indexer (llama.cpp deepseek32.cpp).
                    add(p + "indexer.k_norm.weight", [mla.indexerKeyLength]); add(p + "indexer.k_norm.bias", [mla.indexerKeyLength])
                    add(p + "indexer.proj.weight", [h, mla.indexerHeads]); add(p + "indexer.attn_k.weight", [h, mla.indexerKeyLength])
                    add(p + "indexer.attn_q_b.weight", [mla.qLoraRank, mla.indexerHeads * mla.indexerKeyLength])
                }
            } else {
                // Qwen3-Next's full attention gates its output: the query projection is twice as wide.
                add(p + "attn_q.weight", [h, a.heads * a.headDimK * (a.arch == "qwen3next" ? 2 : 1)])
                add(p + "attn_k.weight", [h, kv * a.headDimK])
                add(p + "attn_v.weight", [h, kv * a.headDimV])
                add(p + "attn_output.weight", [a.heads * a.headDimV, h])
                if qkvBias.contains(a.arch) {
                    add(p + "attn_q.bias", [a.heads * a.headDimK])
                    add(p + "attn_k.bias", [kv * a.headDimK])
                    add(p + "attn_v.bias", [kv * a.headDimV])
                }
                if qkNorm.contains(a.arch) {
                    add(p + "attn_q_norm.weight", [a.headDimK])
                    add(p + "attn_k_norm.weight", [a.headDimK])
                }
                if a.arch == "gpt-oss" {
                    // gpt-oss (llama.cpp openai-moe.cpp): an output bias and one learned attention sink per head.
                    add(p + "attn_output.bias", [h])
                    add(p + "attn_sinks.weight", [a.heads])
                }
            }
            if postNorms.contains(a.arch) {
                add(p + "post_attention_norm.weight", [h])
                add(p + "post_ffw_norm.weight", [h])
            }
            if a.arch == "qwen3next" || a.arch == "gpt-oss" { add(p + "post_attention_norm.weight", [h]) } else { add(p + "ffn_norm.weight", [h]) }
            if let ple = a.perLayerInput {
                add(p + "inp_gate.weight", [h, ple]); add(p + "proj.weight", [ple, h]); add(p + "post_norm.weight", [h])
                add(p + "altup_correct_coef.weight", [4, 4]); add(p + "altup_correct_scale.weight", [h])
                add(p + "altup_predict_coef.weight", [4, 16]); add(p + "altup_router.weight", [h, 4]); add(p + "altup_router_norm.weight", [h])
                add(p + "laurel_l.weight", [h, 64]); add(p + "laurel_r.weight", [64, h]); add(p + "laurel_post_norm.weight", [h])
            }
            if let moe = a.moe, l >= moe.leadingDenseLayers {
                add(p + "ffn_gate_inp.weight", [h, moe.experts])
                if a.ffnGated { add(p + "ffn_gate_exps.weight", [h, moe.expertFFN, moe.experts]) }
                add(p + "ffn_up_exps.weight", [h, moe.expertFFN, moe.experts])
                add(p + "ffn_down_exps.weight", [moe.expertFFN, h, moe.experts])
                if a.arch == "gpt-oss" {   // router and expert biases
                    add(p + "ffn_gate_inp.bias", [moe.experts]); add(p + "ffn_gate_exps.bias", [moe.expertFFN, moe.experts])
                    add(p + "ffn_up_exps.bias", [moe.expertFFN, moe.experts]); add(p + "ffn_down_exps.bias", [h, moe.experts])
                }
                if moe.shared > 0 {
                    if a.arch == "qwen3next" { add(p + "ffn_gate_inp_shexp.weight", [h]) }   // the shared expert's gate
                    let width = (moe.sharedFFN > 0 ? moe.sharedFFN : moe.expertFFN) * moe.shared
                    if a.ffnGated { add(p + "ffn_gate_shexp.weight", [h, width]) }
                    add(p + "ffn_up_shexp.weight", [h, width])
                    add(p + "ffn_down_shexp.weight", [width, h])
                }
            } else {
                if a.ffnGated { add(p + "ffn_gate.weight", [h, a.ffn]) }
                add(p + "ffn_up.weight", [h, a.ffn])
                add(p + "ffn_down.weight", [a.ffn, h])
            }
        }
        add("output_norm.weight", [h])
        if !a.tiedEmbeddings { add("output.weight", [h, a.vocab]) }
        return out
    }

    /// A recurrent layer's tensors in llama.cpp's naming: Mamba-2 (Granite 4.0-H, Nemotron-H), gated delta-net
    /// (Qwen3-Next), Mamba (Jamba). Conv weights and the per-head vectors stay F32.
    static func recurrentTensors(_ r: ModelArchitecture.Recurrent, _ a: ModelArchitecture, prefix p: String, _ add: (String, [Int]) -> Void) {
        let h = a.hidden
        switch r.kind {
        case .mamba2:
            let convWidth = r.innerSize + 2 * r.groups * r.stateSize
            add(p + "ssm_in.weight", [h, 2 * r.innerSize + 2 * r.groups * r.stateSize + r.heads])
            add(p + "ssm_conv1d.weight", [r.convKernel, convWidth])
            add(p + "ssm_conv1d.bias", [convWidth])
            add(p + "ssm_dt.bias", [r.heads])
            add(p + "ssm_a", [1, r.heads])
            add(p + "ssm_d", [1, r.heads])
            add(p + "ssm_norm.weight", [r.innerSize / max(r.groups, 1), max(r.groups, 1)])
            add(p + "ssm_out.weight", [r.innerSize, h])
        case .gatedDeltaNet:
            let keyDim = r.stateSize * r.groups, valueDim = r.innerSize
            add(p + "attn_qkv.weight", [h, 2 * keyDim + valueDim])
            add(p + "attn_gate.weight", [h, valueDim])
            add(p + "ssm_conv1d.weight", [r.convKernel, 2 * keyDim + valueDim])
            add(p + "ssm_dt.bias", [r.heads])
            add(p + "ssm_a", [r.heads])
            add(p + "ssm_ba.weight", [h, 2 * r.heads])
            add(p + "ssm_norm.weight", [r.innerSize / max(r.heads, 1)])
            add(p + "ssm_out.weight", [valueDim, h])
        case .mamba:
            add(p + "ssm_in.weight", [h, 2 * r.innerSize])
            add(p + "ssm_conv1d.weight", [r.convKernel, r.innerSize])
            add(p + "ssm_conv1d.bias", [r.innerSize])
            add(p + "ssm_x.weight", [r.innerSize, r.heads + 2 * r.stateSize])
            add(p + "ssm_dt.weight", [r.heads, r.innerSize])
            add(p + "ssm_dt.bias", [r.innerSize])
            add(p + "ssm_a", [r.stateSize, r.innerSize])
            add(p + "ssm_d", [r.innerSize])
            add(p + "ssm_out.weight", [r.innerSize, h])
        }
    }
}
