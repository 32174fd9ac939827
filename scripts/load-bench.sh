#!/usr/bin/env bash
# Load benchmark of `runlocalai serve` against a Hummingbird hello-world JSON route built and run in the same
# script on the same cores: release builds, both servers on loopback, wrk on each endpoint; prints requests/s, the
# 99th-percentile latency and the ratio to hello-world, then stops the servers.
# Targets (a benchmark, not a test): the will-it-run API >= 0.7x hello-world; every page >= 0.5x the API on a
# repeated question; a new question per request >= 5,000 req/s with p99 < 20 ms; the site's middleware costs at most
# 10% of the API's throughput. (`RunLocalAIBenchmarks middleware` times the middleware without sockets, in µs.)
#
#   scripts/load-bench.sh                 # 2 threads, 50 connections, 10 s per endpoint
#   DURATION=30s CONNECTIONS=100 scripts/load-bench.sh
#   SEED=/nonexistent scripts/load-bench.sh   # empty store: engine estimates only, no evidence lookups
#   ROUNDS=20 scripts/load-bench.sh           # more alternations for the middleware's cost (default 10)
#
# The middleware's cost is measured by alternation, not by two long runs: on a small shared machine two runs of the
# same server a minute apart differ by 10-20%, more than the figure itself. ROUNDS pairs of 2 s runs alternate the
# site without middleware and with it (one process, same question); each with-run is divided by the mean of the two
# without-runs around it, and the median of those ratios is the figure, with its quartiles. Beside it, the same rounds
# give the servers' own CPU time per request (every thread's run time from /proc/PID/task/*/schedstat, divided by the
# requests wrk completed): a CPU-bound server's throughput is the inverse of that, and it does not depend on how the
# scheduler shared the cores with wrk, which moves the throughput figure by more than the 10% it is judged against.
#
# By default the store is seeded from ../shared/data/calibration (as `runlocalai serve` does), so the speeds carry
# evidence from the published runs and every answer reads the store (through its short-lived caches).
#
# Needs wrk (Debian: apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-18181}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-50}"
DURATION="${DURATION:-10s}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

swift build -c release --product runlocalai >/dev/null
swift build -c release --product RunLocalAIBenchmarks >/dev/null
BIN="$(swift build -c release --show-bin-path)/runlocalai"
HELLO_BIN="$(swift build -c release --show-bin-path)/RunLocalAIBenchmarks"
HELLO_PORT="${HELLO_PORT:-18182}"
DATA="$(mktemp -d)"
SEED="${SEED:-../shared/data/calibration}"
ROUNDS="${ROUNDS:-10}"
"$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA" --seed "$SEED" >"$DATA/serve.log" 2>&1 &
SERVER=$!
"$HELLO_BIN" hello-server "$HELLO_PORT" >"$DATA/hello.log" 2>&1 &
HELLO=$!
PROBE_PORT="${PROBE_PORT:-18183}"
"$HELLO_BIN" hello-server "$PROBE_PORT" --probe hello-behind-middleware --seed "$SEED" >"$DATA/probe.log" 2>&1 &
PROBE=$!
# One process serves the site without middleware (BARE_PORT), with it (BARE_PORT+1) and as `serve` builds it, with the
# connection guard (BARE_PORT+2): the same heap, code layout and threads, so the alternations compare only what each adds
# (separate processes of the same binary differ by about 5% between themselves on this machine).
BARE_PORT="${BARE_PORT:-18184}"
WITH_PORT=$((BARE_PORT + 1))
SERVED_PORT=$((BARE_PORT + 2))
"$HELLO_BIN" hello-server "$BARE_PORT" --site-trio --seed "$SEED" >"$DATA/trio.log" 2>&1 &
TRIO=$!
cleanup() { kill "$SERVER" "$HELLO" "$PROBE" "$TRIO" 2>/dev/null || true; wait "$SERVER" "$HELLO" "$PROBE" "$TRIO" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || { echo "server did not start:" >&2; cat "$DATA/serve.log" >&2; exit 1; }
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$HELLO_PORT/hello" >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PROBE_PORT/api/v1/hello" >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$BARE_PORT/api/v1/runtimes" >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$WITH_PORT/api/v1/runtimes" >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$SERVED_PORT/api/v1/runtimes" >/dev/null 2>&1 && break; sleep 0.2; done

# Distinct contexts per request, so every answer is planned and encoded afresh (no response-cache hits).
cat >"$DATA/vary.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local ctx = 1024 + (n * 7919) % 120000
  return wrk.format("GET", "/api/v1/will-it-run?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-3090&ctx=" .. ctx)
end
LUA

HELLO_RPS=""
API_RPS=""
bench() {
  local name="$1" url="$2" script="${3:-}"
  curl -fs -o /dev/null "$url" || { echo "$name: $url does not answer 200" >&2; return 1; }
  local out rps p99
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${script:+-s "$script"} "$url")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local errors; errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  [ -z "$HELLO_RPS" ] && HELLO_RPS="$rps"
  local ratio; ratio="$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN { printf "%.2fx hello", a / b }')"
  local vs_api=""
  [ -n "$API_RPS" ] && vs_api="$(awk -v a="$rps" -v b="$API_RPS" 'BEGIN { printf "%.2fx API", a / b }')"
  printf '%-40s %10s req/s   p99 %8s   %-12s %-10s %s\n' "$name" "$rps" "$p99" "$ratio" "$vs_api" "$errors"
  LAST_RPS="$rps"
}

echo "runlocalai serve on 127.0.0.1:$PORT and hello-world on :$HELLO_PORT, wrk -t$THREADS -c$CONNECTIONS -d$DURATION ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
bench "hello-world JSON (Hummingbird)" "http://127.0.0.1:$HELLO_PORT/hello"
bench "hello-world behind the site's middleware" "http://127.0.0.1:$PROBE_PORT/api/v1/hello"
Q="model=llava-1.6-mistral-7b&quant=Q4_K_M&hardware=rtx-3060-12gb&ctx=4096&images=1"
bench "will-it-run API (same question)" "http://127.0.0.1:$PORT/api/v1/will-it-run?$Q"
API_RPS="$LAST_RPS"

# The middleware's cost, by alternation (see the top of this file): without / with, on a trivial route and on the API.
# Nanoseconds every thread of a process has run (schedstat's first field), summed.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
# One 2 s run: "requests/s CPU-ns-per-request" of the server with pid $2.
rps() {
  local before after out
  before="$(cpu_ns "$2")"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$1")"
  after="$(cpu_ns "$2")"
  awk -v b="$before" -v a="$after" '/requests in/ { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%s %.0f", r, (a - b) / (n > 0 ? n : 1) }' <<<"$out"
}
alternate() {
  local name="$1" without="$2" without_pid="$3" with="$4" with_pid="$5" a=() b=()
  for _ in $(seq 1 "$ROUNDS"); do a+=("$(rps "$without" "$without_pid")"); b+=("$(rps "$with" "$with_pid")"); done
  a+=("$(rps "$without" "$without_pid")")
  python3 - "$name" "$(printf '%s,' "${a[@]}")" "$(printf '%s,' "${b[@]}")" <<'PY'
import statistics as st, sys
name = sys.argv[1]
a = [tuple(float(v) for v in x.split()) for x in sys.argv[2].split(",") if x]
b = [tuple(float(v) for v in x.split()) for x in sys.argv[3].split(",") if x]
def summary(values):
    values = sorted(values)
    q = st.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return st.median(values), q[0], q[2]
tput = summary([1 - b[i][0] / ((a[i][0] + a[i + 1][0]) / 2) for i in range(len(b))])
cpu = summary([1 - ((a[i][1] + a[i + 1][1]) / 2) / b[i][1] for i in range(len(b))])
print(f"{name:<40} {tput[0] * 100:9.1f}% of throughput (quartiles {tput[1] * 100:.1f}% to {tput[2] * 100:.1f}%; "
      f"{len(b)} rounds, median {st.median(x[0] for x in a):.0f} -> {st.median(x[0] for x in b):.0f} req/s; target: at most 10%)")
print(f"{'':<40} {cpu[0] * 100:9.1f}% of throughput by the server's CPU time per request (quartiles {cpu[1] * 100:.1f}% to "
      f"{cpu[2] * 100:.1f}%; median {st.median(x[1] for x in a) / 1000:.1f} -> {st.median(x[1] for x in b) / 1000:.1f} µs)")
PY
}
alternate "middleware cost, hello-world route" "http://127.0.0.1:$HELLO_PORT/hello" "$HELLO" "http://127.0.0.1:$PROBE_PORT/api/v1/hello" "$PROBE"
alternate "middleware cost, will-it-run API" "http://127.0.0.1:$BARE_PORT/api/v1/will-it-run?$Q" "$TRIO" "http://127.0.0.1:$WITH_PORT/api/v1/will-it-run?$Q" "$TRIO"
alternate "... and the connection guard (as served)" "http://127.0.0.1:$BARE_PORT/api/v1/will-it-run?$Q" "$TRIO" "http://127.0.0.1:$SERVED_PORT/api/v1/will-it-run?$Q" "$TRIO"
alternate "middleware cost, will-it-run page" "http://127.0.0.1:$BARE_PORT/will-it-run?$Q" "$TRIO" "http://127.0.0.1:$WITH_PORT/will-it-run?$Q" "$TRIO"
bench "will-it-run API (a new question each)" "http://127.0.0.1:$PORT/api/v1/will-it-run?model=llama-3.1-8b&hardware=rtx-3090" "$DATA/vary.lua"
bench "will-it-run page (same question)" "http://127.0.0.1:$PORT/will-it-run?$Q"
bench "model page /models/llama-3.1-8b" "http://127.0.0.1:$PORT/models/llama-3.1-8b"
bench "hardware page /hardware/rtx-3090" "http://127.0.0.1:$PORT/hardware/rtx-3090"
bench "health" "http://127.0.0.1:$PORT/health"
