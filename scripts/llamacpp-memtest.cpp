// loads a GGUF, makes a context, decodes a few tokens; llama.cpp's own log lines carry the memory report
#include "llama.h"
#include "ggml-backend.h"
#include <cstdio>
#include <cstdlib>
#include <vector>
int main(int argc, char ** argv) {
    if (argc < 2) { fprintf(stderr, "usage: memtest MODEL [n_ctx] [n_seq_max] [flash_attn 0/1/-1] [kv_unified 0/1] [swa_full 0/1] [decode 0/1] [no_prefetch 0/1]\n"); return 1; }
    int n_ctx = argc > 2 ? atoi(argv[2]) : 4096;
    int n_seq = argc > 3 ? atoi(argv[3]) : 1;
    int fa    = argc > 4 ? atoi(argv[4]) : -1;
    int unif  = argc > 5 ? atoi(argv[5]) : 0;
    int swaf  = argc > 6 ? atoi(argv[6]) : 0; // common_params default swa_full = false
    int dec   = argc > 7 ? atoi(argv[7]) : 1;
    int noal  = argc > 8 ? atoi(argv[8]) : 0;
    ggml_backend_load_all();
    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0; if (noal) llama_numa_init(GGML_NUMA_STRATEGY_DISTRIBUTE); // numa: no MAP_POPULATE prefetch of the (sparse) file
    llama_model * model = llama_model_load_from_file(argv[1], mp);
    if (!model) { fprintf(stderr, "load failed\n"); return 2; }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = n_ctx; cp.n_batch = 512; cp.n_ubatch = 512; cp.n_seq_max = n_seq; cp.kv_unified = unif; cp.swa_full = swaf;
    cp.flash_attn_type = (llama_flash_attn_type) fa;
    cp.n_threads = 1; cp.n_threads_batch = 1;
    llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "ctx failed\n"); return 3; }
    if (!dec) { fprintf(stderr, "MEMTEST no decode\n"); llama_free(ctx); llama_model_free(model); return 0; }
    std::vector<llama_token> toks = {1, 300, 301, 302, 303};
    llama_batch b = llama_batch_get_one(toks.data(), (int) toks.size());
    int rc = llama_decode(ctx, b);
    fprintf(stderr, "MEMTEST decode rc=%d n_ctx=%u logits0=%f\n", rc, llama_n_ctx(ctx), llama_get_logits_ith(ctx, -1)[0]);

    llama_free(ctx); llama_model_free(model);
    return rc;
}
