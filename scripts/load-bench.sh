#!/usr/bin/env bash
# Load benchmark of `runlocalai serve`: release build, server on loopback, wrk on the will-it-run API and a
# model page; prints requests/s and the 99th-percentile latency, then stops the server.
#
#   scripts/load-bench.sh                 # 2 threads, 50 connections, 10 s per endpoint
#   DURATION=30s CONNECTIONS=100 scripts/load-bench.sh
#   SEED=/nonexistent scripts/load-bench.sh   # empty store: engine estimates only, no evidence lookups
#
# By default the store is seeded from ../shared/data/calibration (as `runlocalai serve` does), so the speeds carry
# evidence from the published runs and every answer reads the store (through its short-lived caches).
#
# Needs wrk (Debian: apt-get install -y wrk). Targets: > 5,000 req/s and p99 < 10 ms on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-18181}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-50}"
DURATION="${DURATION:-10s}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

swift build -c release --product runlocalai >/dev/null
BIN="$(swift build -c release --show-bin-path)/runlocalai"
DATA="$(mktemp -d)"
SEED="${SEED:-../shared/data/calibration}"
"$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA" --seed "$SEED" >"$DATA/serve.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || { echo "server did not start:" >&2; cat "$DATA/serve.log" >&2; exit 1; }

# Distinct contexts per request, so every answer is planned and encoded afresh (no response-cache hits).
cat >"$DATA/vary.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local ctx = 1024 + (n * 7919) % 120000
  return wrk.format("GET", "/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=" .. ctx)
end
LUA

bench() {
  local name="$1" url="$2" script="${3:-}"
  curl -fs -o /dev/null "$url" || { echo "$name: $url does not answer 200" >&2; return 1; }
  local out rps p99
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${script:+-s "$script"} "$url")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local errors; errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  printf '%-34s %10s req/s   p99 %8s   %s\n' "$name" "$rps" "$p99" "$errors"
}

echo "runlocalai serve on 127.0.0.1:$PORT, wrk -t$THREADS -c$CONNECTIONS -d$DURATION ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
bench "will-it-run API" "http://127.0.0.1:$PORT/api/v1/will-it-run?model=llava-1.6-mistral-7b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=4096&images=1"
bench "will-it-run API, uncached (varied ctx)" "http://127.0.0.1:$PORT/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090" "$DATA/vary.lua"
bench "will-it-run API (2x 3090, 70B)" "http://127.0.0.1:$PORT/api/v1/will-it-run?model=llama-3.3-70b&hardware=2x%20rtx-3090&ctx=8192"
bench "model page /models/llama-3.1-8b" "http://127.0.0.1:$PORT/models/llama-3.1-8b"
bench "hardware page /hardware/rtx-3090" "http://127.0.0.1:$PORT/hardware/rtx-3090"
bench "health" "http://127.0.0.1:$PORT/health"
