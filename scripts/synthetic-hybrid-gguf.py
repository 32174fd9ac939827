#!/usr/bin/env python3
"""Write a small GGUF with llama.cpp's exact metadata keys and tensor layout for a hybrid architecture.

Usage: scripts/synthetic-hybrid-gguf.py OUT.gguf --arch granitehybrid|qwen3next|gemma3n [--layers N --hidden N ...]

The keys, tensor names and shapes are the ones llama.cpp reads (src/models/granite-hybrid.cpp,
src/models/qwen3next.cpp, src/models/gemma3n.cpp `load_arch_hparams`/`load_arch_tensors`, llama.cpp
0c1e57098 as vendored by llama-cpp-python 0.3.36) and the ones convert_hf_to_gguf.py writes. Weights are
random; the file loads and runs at the real layout, nothing more. Defaults are small (6-8 MB, gemma3n 21 MB);
pass the real config.json numbers to get a real-size file, with --sparse to write only the header and leave the
data a zero-filled hole (an 80B layout in seconds; llama.cpp mmaps it and reports its buffers, outputs are junk).

Types, as `llama-quantize ... Q8_0` leaves them (llama-quant.cpp tensor_allows_quantization plus the
converter's own F32 rules): matrices Q8_0 (34-byte blocks of 32 weights: an f16 scale, then 32 int8);
1-D tensors, `*_norm.weight`, ffn_gate_inp, ffn_gate_inp_shexp, ssm_conv1d, ssm_a, ssm_d, ssm_dt.bias,
ssm_conv1d.bias, altup_correct_coef and altup_predict_coef F32; altup_proj, altup_unembd_proj,
altup_router, laurel_l, laurel_r and per_layer_model_proj F16 (llama-quantize never quantises them, so they
keep the converter's 16-bit type). Every quantised row length (ne[0]) must be a multiple of 32.

granitehybrid: a layer is recurrent (Mamba-2) iff its entry in attention.head_count_kv is 0; --attn-layers
lists the attention ones. qwen3next: every --full-attn-interval'th layer ((il+1) % interval == 0) is full
attention, the rest gated delta-net; --legacy-ssm-in writes the older single `ssm_in` projection instead of
`attn_qkv` + `attn_gate` (same bytes). gemma3n: llama.cpp hard-codes 4 AltUp inputs, a 64-wide LAuReL, a
256-wide per-layer input and KV for the first 20 layers only, so those are fixed here.
Needs `pip install gguf numpy`.
"""
import argparse, sys
import numpy as np
import gguf

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--arch", choices=["granitehybrid", "qwen3next", "gemma3n", "deepseek2"], required=True)
ap.add_argument("--layers", type=int, help="block_count (default 10 / 8 / 22)")
ap.add_argument("--hidden", type=int, default=256)
ap.add_argument("--heads", type=int, default=4)
ap.add_argument("--kv-heads", type=int, default=2)
ap.add_argument("--head-dim", type=int, help="qwen3next/gemma3n key_length (default 64); granite uses hidden/heads")
ap.add_argument("--vocab", type=int, default=512)
ap.add_argument("--context", type=int, help="context_length (default 2**20 / 262144 / 32768, as the converter writes)")
ap.add_argument("--ffn", type=int, help="feed_forward_length: granite expert (or dense) FFN, gemma3n FFN (default 64 / 256)")
ap.add_argument("--experts", type=int, default=4, help="expert_count (granite: 0 = dense FFN)")
ap.add_argument("--experts-used", type=int, default=2)
ap.add_argument("--expert-ffn", type=int, default=64, help="qwen3next expert_feed_forward_length")
ap.add_argument("--shared-ffn", type=int, default=64, help="expert_shared_feed_forward_length (granite 0 = none)")
ap.add_argument("--untied", action="store_true", help="write output.weight (granite/gemma3n tie it to token_embd)")
# granitehybrid
ap.add_argument("--attn-layers", default="5", help="granitehybrid: comma list of attention layers")
ap.add_argument("--ssm-state", type=int, default=128, help="ssm.state_size (granite mamba_d_state, qwen3next linear_key_head_dim)")
ap.add_argument("--ssm-head-dim", type=int, default=64, help="granite mamba_d_head (time_step_rank = 2*hidden/this)")
ap.add_argument("--ssm-groups", type=int, default=1, help="granite mamba_n_groups")
ap.add_argument("--conv-kernel", type=int, default=4)
# qwen3next
ap.add_argument("--full-attn-interval", type=int, default=4)
ap.add_argument("--linear-k-heads", type=int, default=2, help="qwen3next linear_num_key_heads (ssm.group_count)")
ap.add_argument("--linear-v-heads", type=int, default=4, help="qwen3next linear_num_value_heads (ssm.time_step_rank)")
ap.add_argument("--legacy-ssm-in", action="store_true")
# gemma3n
ap.add_argument("--kv-shared-layers", type=int, help="gemma3n attention.shared_kv_layers (default layers - 20)")
ap.add_argument("--sliding-window", type=int, default=512)
ap.add_argument("--sparse", action="store_true", help="write only the header and leave the tensor data a zero-filled hole (real-size dims in seconds; loads with mmap, outputs are meaningless)")
a = ap.parse_args()
rng = np.random.default_rng(0)

Q8 = gguf.GGMLQuantizationType.Q8_0
total = 0


def q8_0(*shape):
    """Q8_0 bytes for a tensor of ggml shape ne = shape: scale 1/64, random int8 quants."""
    ne0, rest = shape[0], list(reversed(shape[1:]))
    blocks = int(np.prod(rest, dtype=np.int64)) * ne0 // 32
    b = np.empty((blocks, 34), dtype=np.uint8)
    b[:, 0:2] = np.frombuffer(np.float16(1 / 64).tobytes(), dtype=np.uint8)
    b[:, 2:] = rng.integers(0, 256, size=(blocks, 32), dtype=np.uint8)
    # gguf's writer takes the byte shape (..., ne[0] / 32 * 34) and works out the element shape.
    return b.reshape(*rest, ne0 // 32 * 34)


def t(name, kind, *shape):
    """Add tensor `name` of ggml shape ne = shape; kind q8 (Q8_0), f32, neg (negative F32, for ssm_a) or f16."""
    global total
    n = int(np.prod(shape, dtype=np.int64))
    np_shape = tuple(reversed(shape))
    if kind == "q8":
        assert shape[0] % 32 == 0, f"{name}: Q8_0 row length {shape[0]} is not a multiple of 32"
        nbytes = n // 32 * 34
    else:
        nbytes = n * (2 if kind == "f16" else 4)
    total += nbytes
    if a.sparse:  # header only; the data region is left as a hole in the file (zeros)
        if kind == "q8":
            w.add_tensor_info(name, np_shape[:-1] + (shape[0] // 32 * 34,), np.dtype(np.uint8), nbytes, raw_dtype=Q8)
        else:
            w.add_tensor_info(name, np_shape, np.dtype(np.float16 if kind == "f16" else np.float32), nbytes)
    elif kind == "q8":
        w.add_tensor(name, q8_0(*shape), raw_dtype=Q8)
    elif kind == "f16":
        w.add_tensor(name, (rng.standard_normal(np_shape) * 0.02).astype(np.float16))
    elif kind == "neg":  # A = -exp(A_log), as the converter stores ssm_a: keeps the synthetic state finite
        w.add_tensor(name, (-rng.uniform(1.0, 16.0, size=np_shape)).astype(np.float32))
    else:  # 1-D tensors are norms/biases (about 1), the rest small
        w.add_tensor(name, (rng.standard_normal(np_shape) * 0.02 + (1.0 if len(shape) == 1 else 0.0)).astype(np.float32))


arch = a.arch
layers = a.layers or {"granitehybrid": 10, "qwen3next": 8, "gemma3n": 22, "deepseek2": 4}[arch]
n_embd, n_head, n_kv, n_vocab = a.hidden, a.heads, a.kv_heads, a.vocab

w = gguf.GGUFWriter(a.out, arch)
w.add_name(f"synthetic {arch}-layout model")
w.add_block_count(layers)
w.add_embedding_length(n_embd)
w.add_head_count(n_head)
if arch == "granitehybrid":
    w.add_vocab_size(n_vocab)
w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)

if arch == "granitehybrid":
    attn = sorted({int(x) for x in a.attn_layers.split(",") if x != ""})
    assert all(0 <= i < layers for i in attn)
    head_dim = n_embd // n_head
    d_inner = 2 * n_embd  # llama.cpp asserts 2*n_embd == d_inner
    d_state, n_group, d_conv = a.ssm_state, a.ssm_groups, a.conv_kernel
    n_ssm_head = d_inner // a.ssm_head_dim
    d_in_proj = 2 * d_inner + 2 * n_group * d_state + n_ssm_head
    conv_dim = d_inner + 2 * n_group * d_state
    n_ff = a.ffn or 64
    w.add_context_length(a.context or 2 ** 20)  # no RoPE: the converter writes 2**20
    w.add_feed_forward_length(n_ff)
    w.add_head_count_kv([n_kv if i in attn else 0 for i in range(layers)])
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    if a.experts:
        w.add_expert_count(a.experts)
        w.add_expert_used_count(a.experts_used)
    w.add_rope_dimension_count(head_dim)
    w.add_attention_scale(1.0 / head_dim)
    w.add_embedding_scale(12.0)
    w.add_residual_scale(0.22)
    w.add_logit_scale(6.0)
    if a.shared_ffn:
        w.add_expert_shared_feed_forward_length(a.shared_ffn)
    w.add_ssm_conv_kernel(d_conv)
    w.add_ssm_state_size(d_state)
    w.add_ssm_group_count(n_group)
    w.add_ssm_inner_size(d_inner)
    w.add_ssm_time_step_rank(n_ssm_head)
    w.add_rope_scaling_finetuned(False)
elif arch == "qwen3next":
    head_dim = a.head_dim or 64
    k_heads, v_heads, d_state, d_conv = a.linear_k_heads, a.linear_v_heads, a.ssm_state, a.conv_kernel
    assert v_heads % k_heads == 0
    key_dim, value_dim = d_state * k_heads, d_state * v_heads  # head_k_dim == head_v_dim == ssm.state_size
    conv_dim = 2 * key_dim + value_dim
    w.add_context_length(a.context or 262144)
    w.add_feed_forward_length(a.ffn or 5 * a.expert_ffn)  # intermediate_size: unused by the MoE layers
    w.add_head_count_kv(n_kv)
    w.add_rope_freq_base(10000000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_expert_count(a.experts)
    w.add_expert_used_count(a.experts_used)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_expert_feed_forward_length(a.expert_ffn)
    w.add_expert_shared_feed_forward_length(a.shared_ffn)
    w.add_ssm_conv_kernel(d_conv)
    w.add_ssm_state_size(d_state)
    w.add_ssm_group_count(k_heads)
    w.add_ssm_time_step_rank(v_heads)
    w.add_ssm_inner_size(d_state * v_heads)
    w.add_full_attention_interval(a.full_attn_interval)
    w.add_rope_dimension_count(int(head_dim * 0.25))  # partial_rotary_factor 0.25
elif arch == "deepseek2":
    # Multi-head latent attention as llama.cpp's deepseek2 reads it (src/models/deepseek2.cpp): absorbed MLA, one
    # latent "KV head" of kv_lora_rank + rope dims, wk_b / wv_b split out of kv_b; 1 dense layer, then MoE.
    q_lora, kv_lora, rope, nope, v_dim, n_dense = 64, 128, 32, 64, 64, 1
    n_ff = a.ffn or 256
    w.add_context_length(a.context or 163840)
    w.add_feed_forward_length(n_ff)
    w.add_head_count_kv(1)
    w.add_key_length(kv_lora + rope)
    w.add_value_length(kv_lora)
    w.add_uint32(f"{arch}.attention.key_length_mla", nope + rope)
    w.add_uint32(f"{arch}.attention.value_length_mla", v_dim)
    w.add_q_lora_rank(q_lora)
    w.add_kv_lora_rank(kv_lora)
    w.add_rope_dimension_count(rope)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_leading_dense_block_count(n_dense)
    w.add_expert_count(a.experts)
    w.add_expert_used_count(a.experts_used)
    w.add_expert_shared_count(1)
    w.add_expert_feed_forward_length(a.expert_ffn)
    w.add_expert_weights_scale(2.5)
    w.add_expert_weights_norm(True)
    w.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID)
    w.add_vocab_size(n_vocab)
else:  # gemma3n
    head_dim = a.head_dim or 64
    n_altup, laurel_rank, n_embd_altup, n_kv_from_start = 4, 64, 256, 20  # hard-coded in llama.cpp
    n_ff = a.ffn or 256
    kv_shared = a.kv_shared_layers if a.kv_shared_layers is not None else max(layers - n_kv_from_start, 0)
    swa = [(i + 1) % 5 != 0 for i in range(layers)]  # layer_types: every 5th layer full attention
    w.add_context_length(a.context or 32768)
    w.add_feed_forward_length([n_ff] * layers)  # intermediate_size is a per-layer list in config.json
    w.add_head_count_kv(n_kv)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_rope_freq_base(1000000.0)
    w.add_rope_freq_base_swa(10000.0)
    w.add_final_logit_softcapping(30.0)
    w.add_sliding_window(a.sliding_window)
    w.add_altup_active_idx(0)
    w.add_altup_num_inputs(n_altup)
    w.add_embedding_length_per_layer_input(n_embd_altup)
    w.add_shared_kv_layers(kv_shared)
    w.add_activation_sparsity_scale([1.6448533535 if i < 10 else 0.0 for i in range(layers)])
    w.add_sliding_window_pattern(swa)

w.add_tokenizer_model("llama")
tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)]
assert n_vocab >= len(tokens), "--vocab must be at least 259"
tokens += [f"t{i}" for i in range(n_vocab - len(tokens))]
w.add_token_list(tokens)
w.add_token_scores([0.0] * n_vocab)
w.add_token_types([2, 3, 3] + [6] * 256 + [1] * (n_vocab - 259))
w.add_bos_token_id(1)
w.add_eos_token_id(2)
if arch == "gemma3n":
    w.add_add_space_prefix(False)

t("token_embd.weight", "q8", n_embd, n_vocab)
if arch == "gemma3n":
    t("altup_proj.weight", "f16", n_embd, n_embd, n_altup - 1)
    t("altup_unembd_proj.weight", "f16", n_embd, n_embd, n_altup - 1)
    t("per_layer_token_embd.weight", "q8", n_embd_altup * layers, n_vocab)
    t("per_layer_model_proj.weight", "f16", n_embd, n_embd_altup * layers)
    t("per_layer_proj_norm.weight", "f32", n_embd_altup)

for l in range(layers):
    p = f"blk.{l}."
    t(p + "attn_norm.weight", "f32", n_embd)
    if arch == "granitehybrid":
        if l not in attn:  # Mamba-2 mixer
            t(p + "ssm_in.weight", "q8", n_embd, d_in_proj)
            t(p + "ssm_conv1d.weight", "f32", d_conv, conv_dim)
            t(p + "ssm_conv1d.bias", "f32", conv_dim)
            t(p + "ssm_dt.bias", "f32", n_ssm_head)
            t(p + "ssm_a", "neg", 1, n_ssm_head)
            t(p + "ssm_d", "f32", 1, n_ssm_head)
            t(p + "ssm_norm.weight", "f32", d_inner // n_group, n_group)
            t(p + "ssm_out.weight", "q8", d_inner, n_embd)
        else:
            t(p + "attn_q.weight", "q8", n_embd, head_dim * n_head)
            t(p + "attn_k.weight", "q8", n_embd, head_dim * n_kv)
            t(p + "attn_v.weight", "q8", n_embd, head_dim * n_kv)
            t(p + "attn_output.weight", "q8", head_dim * n_head, n_embd)
        t(p + "ffn_norm.weight", "f32", n_embd)
        if a.experts:
            t(p + "ffn_gate_inp.weight", "f32", n_embd, a.experts)
            t(p + "ffn_gate_exps.weight", "q8", n_embd, n_ff, a.experts)
            t(p + "ffn_up_exps.weight", "q8", n_embd, n_ff, a.experts)
            t(p + "ffn_down_exps.weight", "q8", n_ff, n_embd, a.experts)
            if a.shared_ffn:
                t(p + "ffn_gate_shexp.weight", "q8", n_embd, a.shared_ffn)
                t(p + "ffn_up_shexp.weight", "q8", n_embd, a.shared_ffn)
                t(p + "ffn_down_shexp.weight", "q8", a.shared_ffn, n_embd)
        else:
            t(p + "ffn_gate.weight", "q8", n_embd, n_ff)
            t(p + "ffn_up.weight", "q8", n_embd, n_ff)
            t(p + "ffn_down.weight", "q8", n_ff, n_embd)
    elif arch == "deepseek2":
        t(p + "attn_q_a_norm.weight", "f32", q_lora)
        t(p + "attn_kv_a_norm.weight", "f32", kv_lora)
        t(p + "attn_q_a.weight", "q8", n_embd, q_lora)
        t(p + "attn_q_b.weight", "q8", q_lora, n_head * (nope + rope))
        t(p + "attn_kv_a_mqa.weight", "q8", n_embd, kv_lora + rope)
        t(p + "attn_k_b.weight", "q8", nope, kv_lora, n_head)
        t(p + "attn_v_b.weight", "q8", kv_lora, v_dim, n_head)
        t(p + "attn_output.weight", "q8", n_head * v_dim, n_embd)
        t(p + "ffn_norm.weight", "f32", n_embd)
        if l < n_dense:
            t(p + "ffn_gate.weight", "q8", n_embd, n_ff)
            t(p + "ffn_up.weight", "q8", n_embd, n_ff)
            t(p + "ffn_down.weight", "q8", n_ff, n_embd)
        else:
            t(p + "ffn_gate_inp.weight", "f32", n_embd, a.experts)
            t(p + "exp_probs_b.bias", "f32", a.experts)
            t(p + "ffn_gate_exps.weight", "q8", n_embd, a.expert_ffn, a.experts)
            t(p + "ffn_up_exps.weight", "q8", n_embd, a.expert_ffn, a.experts)
            t(p + "ffn_down_exps.weight", "q8", a.expert_ffn, n_embd, a.experts)
            t(p + "ffn_gate_shexp.weight", "q8", n_embd, a.expert_ffn)
            t(p + "ffn_up_shexp.weight", "q8", n_embd, a.expert_ffn)
            t(p + "ffn_down_shexp.weight", "q8", a.expert_ffn, n_embd)
    elif arch == "qwen3next":
        t(p + "post_attention_norm.weight", "f32", n_embd)
        if (l + 1) % a.full_attn_interval == 0:  # gated full attention: Q carries the gate (2x)
            t(p + "attn_q.weight", "q8", n_embd, head_dim * n_head * 2)
            t(p + "attn_k.weight", "q8", n_embd, head_dim * n_kv)
            t(p + "attn_v.weight", "q8", n_embd, head_dim * n_kv)
            t(p + "attn_output.weight", "q8", head_dim * n_head, n_embd)
            t(p + "attn_q_norm.weight", "f32", head_dim)
            t(p + "attn_k_norm.weight", "f32", head_dim)
        else:  # gated delta net
            if a.legacy_ssm_in:
                t(p + "ssm_in.weight", "q8", n_embd, 2 * key_dim + 2 * value_dim)
            else:
                t(p + "attn_qkv.weight", "q8", n_embd, 2 * key_dim + value_dim)
                t(p + "attn_gate.weight", "q8", n_embd, value_dim)
            t(p + "ssm_conv1d.weight", "f32", d_conv, conv_dim)
            t(p + "ssm_dt.bias", "f32", v_heads)
            t(p + "ssm_a", "neg", v_heads)
            t(p + "ssm_ba.weight", "q8", n_embd, 2 * v_heads)
            t(p + "ssm_norm.weight", "f32", d_state)
            t(p + "ssm_out.weight", "q8", value_dim, n_embd)
        t(p + "ffn_gate_inp.weight", "f32", n_embd, a.experts)
        t(p + "ffn_gate_exps.weight", "q8", n_embd, a.expert_ffn, a.experts)
        t(p + "ffn_up_exps.weight", "q8", n_embd, a.expert_ffn, a.experts)
        t(p + "ffn_down_exps.weight", "q8", a.expert_ffn, n_embd, a.experts)
        t(p + "ffn_gate_inp_shexp.weight", "f32", n_embd)
        t(p + "ffn_gate_shexp.weight", "q8", n_embd, a.shared_ffn)
        t(p + "ffn_up_shexp.weight", "q8", n_embd, a.shared_ffn)
        t(p + "ffn_down_shexp.weight", "q8", a.shared_ffn, n_embd)
    else:  # gemma3n: every layer keeps attn_k/attn_v, even those that reuse an earlier layer's KV
        t(p + "attn_q.weight", "q8", n_embd, head_dim * n_head)
        t(p + "attn_k.weight", "q8", n_embd, head_dim * n_kv)
        t(p + "attn_v.weight", "q8", n_embd, head_dim * n_kv)
        t(p + "attn_output.weight", "q8", head_dim * n_head, n_embd)
        t(p + "attn_q_norm.weight", "f32", head_dim)
        t(p + "attn_k_norm.weight", "f32", head_dim)
        t(p + "post_attention_norm.weight", "f32", n_embd)
        t(p + "ffn_norm.weight", "f32", n_embd)
        t(p + "ffn_gate.weight", "q8", n_embd, n_ff)
        t(p + "ffn_up.weight", "q8", n_embd, n_ff)
        t(p + "ffn_down.weight", "q8", n_ff, n_embd)
        t(p + "post_ffw_norm.weight", "f32", n_embd)
        t(p + "inp_gate.weight", "q8", n_embd, n_embd_altup)
        t(p + "proj.weight", "q8", n_embd_altup, n_embd)
        t(p + "post_norm.weight", "f32", n_embd)
        t(p + "altup_correct_coef.weight", "f32", n_altup, n_altup)
        t(p + "altup_correct_scale.weight", "f32", n_embd)
        t(p + "altup_predict_coef.weight", "f32", n_altup, n_altup * n_altup)
        t(p + "altup_router.weight", "f16", n_embd, n_altup)
        t(p + "altup_router_norm.weight", "f32", n_embd)
        t(p + "laurel_l.weight", "f16", n_embd, laurel_rank)
        t(p + "laurel_r.weight", "f16", laurel_rank, n_embd)
        t(p + "laurel_post_norm.weight", "f32", n_embd)

t("output_norm.weight", "f32", n_embd)
if a.untied or arch in ("qwen3next", "deepseek2"):  # Qwen3-Next and DeepSeek have tie_word_embeddings false
    t("output.weight", "q8", n_embd, n_vocab)
w.write_header_to_file()
w.write_kv_data_to_file()
if a.sparse:
    w.write_ti_data_to_file()
    fout = w.fout[0]
    align = 32  # general.alignment default; every tensor's data is padded to it
    data_start = -(-fout.tell() // align) * align
    fout.truncate(data_start + sum(-(-ti.nbytes // align) * align for ti in w.tensors[0].values()))
else:
    w.write_tensors_to_file()
w.close()
print(f"wrote {a.out}: {arch}, {layers} layers, tensor data {total} bytes ({total / 2**20:.3f} MiB)", file=sys.stderr)
