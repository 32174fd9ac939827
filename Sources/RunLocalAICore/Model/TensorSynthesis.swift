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
    static let qkvBias: Set<String> = ["qwen2", "qwen2moe", "qwen2vl"]
    /// Architectures with per-head RMS norms on q and k.
    static let qkNorm: Set<String> = ["qwen3", "qwen3moe", "gemma3", "olmo2", "qwen3vl", "qwen3vlmoe"]
    /// Architectures with extra norms after attention and FFN (Gemma 2/3).
    static let postNorms: Set<String> = ["gemma2", "gemma3"]

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
        for l in 0..<a.layers {
            let p = "blk.\(l)."
            add(p + "attn_norm.weight", [h])
            let kv = a.kvHeadsPerLayer[l]
            if let mla = a.mla {
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
            } else {
                add(p + "attn_q.weight", [h, a.heads * a.headDimK])
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
            }
            if postNorms.contains(a.arch) {
                add(p + "post_attention_norm.weight", [h])
                add(p + "post_ffw_norm.weight", [h])
            }
            add(p + "ffn_norm.weight", [h])
            if let moe = a.moe, l >= moe.leadingDenseLayers {
                add(p + "ffn_gate_inp.weight", [h, moe.experts])
                if a.ffnGated { add(p + "ffn_gate_exps.weight", [h, moe.expertFFN, moe.experts]) }
                add(p + "ffn_up_exps.weight", [h, moe.expertFFN, moe.experts])
                add(p + "ffn_down_exps.weight", [moe.expertFFN, h, moe.experts])
                if moe.shared > 0 {
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
}
