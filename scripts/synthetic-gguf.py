#!/usr/bin/env python3
"""Write a GGUF with a real model's tensor layout and synthetic weights (it runs at the real model's speed).

Usage: scripts/synthetic-gguf.py OUT.gguf [--layers 32 --hidden 4096 --ffn 11008 --heads 32 --kv-heads 32 --vocab 32000]

Defaults are Llama 2 7B's config.json (meta-llama/Llama-2-7b-hf: hidden_size 4096, intermediate_size 11008,
num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 32, vocab_size 32000, max_position_embeddings
4096). Matrices are Q4_0 (18-byte blocks of 32 weights: an f16 scale, then 16 bytes of nibbles), norms F32, the
token embedding and the output Q4_0 too (as `llama-quantize --pure Q4_0` writes them).
Needs `pip install gguf numpy`.
"""
import argparse, sys
import numpy as np
import gguf

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--layers", type=int, default=32)
ap.add_argument("--hidden", type=int, default=4096)
ap.add_argument("--ffn", type=int, default=11008)
ap.add_argument("--heads", type=int, default=32)
ap.add_argument("--kv-heads", type=int, default=32)
ap.add_argument("--vocab", type=int, default=32000)
ap.add_argument("--context", type=int, default=4096)
a = ap.parse_args()
rng = np.random.default_rng(0)
head_dim = a.hidden // a.heads

def q4_0(rows, cols):
    """Q4_0 bytes for a rows × cols matrix (cols a multiple of 32): scale 1/64, random nibbles."""
    blocks = rows * cols // 32
    b = np.empty((blocks, 18), dtype=np.uint8)
    b[:, 0:2] = np.frombuffer(np.float16(1 / 64).tobytes(), dtype=np.uint8)
    b[:, 2:] = rng.integers(0, 256, size=(blocks, 16), dtype=np.uint8)
    # gguf's writer takes the byte shape (rows, cols / 32 * 18) and works out the element shape.
    return b.reshape(rows, cols // 32 * 18)

w = gguf.GGUFWriter(a.out, "llama")
w.add_name("synthetic llama-layout model")
w.add_context_length(a.context)
w.add_embedding_length(a.hidden)
w.add_block_count(a.layers)
w.add_feed_forward_length(a.ffn)
w.add_head_count(a.heads)
w.add_head_count_kv(a.kv_heads)
w.add_rope_dimension_count(head_dim)
w.add_layer_norm_rms_eps(1e-5)
w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
w.add_tokenizer_model("llama")
tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)]
tokens += [f"t{i}" for i in range(a.vocab - len(tokens))]
w.add_token_list(tokens)
w.add_token_scores([0.0] * a.vocab)
w.add_token_types([2, 3, 3] + [6] * 256 + [1] * (a.vocab - 259))
w.add_bos_token_id(1)
w.add_eos_token_id(2)
Q4 = gguf.GGMLQuantizationType.Q4_0
w.add_tensor("token_embd.weight", q4_0(a.vocab, a.hidden), raw_dtype=Q4)
for l in range(a.layers):
    p = f"blk.{l}."
    w.add_tensor(p + "attn_norm.weight", np.ones(a.hidden, dtype=np.float32))
    w.add_tensor(p + "attn_q.weight", q4_0(a.hidden, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "attn_k.weight", q4_0(a.kv_heads * head_dim, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "attn_v.weight", q4_0(a.kv_heads * head_dim, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "attn_output.weight", q4_0(a.hidden, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "ffn_norm.weight", np.ones(a.hidden, dtype=np.float32))
    w.add_tensor(p + "ffn_gate.weight", q4_0(a.ffn, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "ffn_up.weight", q4_0(a.ffn, a.hidden), raw_dtype=Q4)
    w.add_tensor(p + "ffn_down.weight", q4_0(a.hidden, a.ffn), raw_dtype=Q4)
w.add_tensor("output_norm.weight", np.ones(a.hidden, dtype=np.float32))
w.add_tensor("output.weight", q4_0(a.vocab, a.hidden), raw_dtype=Q4)
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print("wrote", a.out, file=sys.stderr)
