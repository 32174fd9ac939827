#!/usr/bin/env bash
# Reproduces the hardening findings against a fresh `runlocalai serve` on loopback and prints one line per check:
# its figure and PASS or FAIL. Builds the release binary, starts the server on a temporary data dir and a free
# port (short connection timeouts so the slow-client checks finish quickly), and stops it at the end.
#
#   scripts/attack.sh               # exit 0 when every check passes
#   BIN=path/to/runlocalai scripts/attack.sh   # skip the build
#
# Loopback only; every loop is bounded in count and every request in time (curl --max-time, socket timeouts).
# Needs curl and python3 (standard library only).
set -uo pipefail
cd "$(dirname "$0")/.."

source scripts/fresh-server.sh   # BIN, PORT, DATA, BASE
TOKEN="attack-moderator-token"
HEADER_TIMEOUT=2; IDLE_TIMEOUT=4; PER_PEER=64
RUNLOCALAI_ADMIN_TOKEN="$TOKEN" "$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA" --seed /nonexistent \
  --header-timeout "$HEADER_TIMEOUT" --idle-timeout "$IDLE_TIMEOUT" --max-connections-per-peer "$PER_PEER" >"$DATA/serve.log" 2>&1 &
SERVER=$!
SERVER2=""
cleanup() { kill "$SERVER" $SERVER2 2>/dev/null; wait "$SERVER" $SERVER2 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs --max-time 1 "$BASE/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs --max-time 2 "$BASE/health" >/dev/null || { echo "server did not start:" >&2; cat "$DATA/serve.log" >&2; exit 1; }

FAILS=0
report() {   # name figure ok
  local verdict=PASS; [[ "$3" == 1 ]] || { verdict=FAIL; FAILS=$((FAILS + 1)); }
  printf '%-46s %-58s %s\n' "$1" "$2" "$verdict"
}
C=(curl -s --max-time 10)
status() { "${C[@]}" -o /dev/null -w '%{http_code}' "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TCK="$(getconf CLK_TCK)"

# 1. Bounds before work: a 64 KB name on every kind of route; server CPU per request from /proc (the clock ticks
#    every 10 ms, so each route is asked REPEAT times on one connection and the ticks divided; target <= 10 ms for a
#    release build, CPU_LIMIT_MS to change it: CI runs the debug build, several times slower, with 100).
LONG="$(head -c 65536 /dev/zero | tr '\0' 'x')"
REPEAT="${REPEAT:-20}"
CPU_LIMIT_MS="${CPU_LIMIT_MS:-10}"
worst_ms=0; worst_route=""; bad=""
for route in "/hardware/$LONG" "/models/$LONG" "/api/v1/models/$LONG" "/api/v1/hardware/$LONG" "/compare/models?a=$LONG&b=llama-3.1-8b" \
             "/will-it-run/custom?gpu=$LONG" "/api/v1/benchmarks?hardware=$LONG" "/will-it-run?model=$LONG&hardware=rtx-3090" \
             "/api/v1/will-it-run?model=llama-3.1-8b&hardware=$LONG" "/benchmarks?hardware=$LONG" "/api/v1/compare?a=$LONG&b=rtx-3090"; do
  urls=(); for _ in $(seq 1 "$REPEAT"); do urls+=(-o /dev/null "$BASE$route"); done
  before="$(cpu_ticks)"
  codes="$(curl -s --max-time 30 -w '%{http_code}\n' "${urls[@]}" | sort -u | tr '\n' ' ')"
  after="$(cpu_ticks)"
  ms="$(awk -v t=$((after - before)) -v r="$REPEAT" -v hz="$TCK" 'BEGIN { printf "%.1f", t * 1000 / hz / r }')"
  awk -v a="$ms" -v b="$worst_ms" 'BEGIN { exit !(a > b) }' && { worst_ms=$ms; worst_route="${route:0:22}"; }
  [[ "$codes" == "400 " || "$codes" == "404 " ]] || bad="$bad ${route:0:20}=$codes"
done
report "64 KB names refused before matching" "worst CPU ${worst_ms} ms/request (${worst_route}…, mean of $REPEAT; limit $CPU_LIMIT_MS)${bad:+; not 4xx:$bad}" \
  "$([[ -z "$bad" ]] && awk -v a="$worst_ms" -v l="$CPU_LIMIT_MS" 'BEGIN { print (a <= l) ? 1 : 0 }')"

# 2. Wrong method: 405 + Allow.
allow="$("${C[@]}" -o /dev/null -X DELETE -D - "$BASE/api/v1/models/llama-3.1-8b" | tr -d '\r' | awk -F': ' 'tolower($1)=="allow"{print $2}')"
code="$(status -X PUT "$BASE/feedback")"
report "wrong method is 405 with Allow" "DELETE /api/v1/models/x Allow: ${allow:-none}; PUT /feedback $code" "$([[ -n "$allow" && "$code" == 405 ]] && echo 1)"

# Form helper: GET the form (cookie jar), read the CSRF token, POST with it.
JAR="$DATA/jar"
csrf_token() { "${C[@]}" -c "$JAR" -b "$JAR" "$BASE$1" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//'; }
form_post() {   # path token data... -> status
  local path="$1" token="$2"; shift 2
  "${C[@]}" -o "$DATA/last.html" -w '%{http_code}' -b "$JAR" -H "Origin: $BASE" -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode "_csrf=$token" "$@" "$BASE$path"
}

# 4. CSRF and content types; security headers.
tok="$(csrf_token /feedback)"
cross="$(status -b "$JAR" -H 'Origin: https://evil.example' --data-urlencode "_csrf=$tok" -d 'page=/&message=x' "$BASE/feedback")"
notoken="$(status -H "Origin: $BASE" -d 'page=/&message=x' "$BASE/feedback")"
plain="$(status -H 'Content-Type: text/plain' -d '{"page":"/","message":"x"}' "$BASE/api/v1/feedback")"
report "CSRF: cross-site / tokenless form; JSON only" "cross-site $cross, no token $notoken, text/plain to JSON API $plain" \
  "$([[ "$cross" == 403 && "$notoken" == 403 && "$plain" == 415 && -n "$tok" ]] && echo 1)"
missing=""
for u in / /hardware/rtx-3090 /api/v1/models /no/such/page /health /metrics; do
  h="$("${C[@]}" -o /dev/null -D - "$BASE$u" | tr -d '\r' | tr 'A-Z' 'a-z')"
  wants=("content-security-policy: default-src 'self'; script-src 'self' 'sha256-" "x-content-type-options: nosniff" "x-frame-options: deny" "referrer-policy:" "frame-ancestors 'none'")
  # The API's answers load nothing: default-src 'none' (its frame-ancestors 'none' is the framing rule).
  [[ "$u" == /api/* ]] && wants=("content-security-policy: default-src 'none'" "x-content-type-options: nosniff" "referrer-policy:" "frame-ancestors 'none'")
  for want in "${wants[@]}"; do
    grep -qF "$want" <<<"$h" || missing="$missing $u:${want%%:*}"
  done
  grep -q "unsafe-inline'; img" <<<"$h" && ! grep -q "script-src 'self' 'sha256" <<<"$h" && missing="$missing $u:inline-script"
done
report "security headers on every answer" "${missing:-CSP (no inline script; the API loads nothing), nosniff, frame-ancestors, Referrer-Policy on 6 URLs}" "$([[ -z "$missing" ]] && echo 1)"

# 5. Privacy of pending runs, 6. duplicate form.
tok="$(csrf_token /benchmarks/submit)"
first="$(form_post /benchmarks/submit "$tok" -d 'model=llama 3.1 8b' -d 'quant=Q4_K_M' -d 'hardware=RTX 3090' -d 'decode_tps=93.5' -d 'context=4096')"
link="$(grep -o 'href="/benchmarks/[a-z0-9]*?key=[0-9a-f]*"' "$DATA/last.html" | head -1 | sed 's/href="//; s/"$//')"
second="$(form_post /benchmarks/submit "$tok" -d 'model=llama 3.1 8b' -d 'quant=Q4_K_M' -d 'hardware=RTX 3090' -d 'decode_tps=93.5' -d 'context=4096')"
already="$(grep -c 'Already submitted' "$DATA/last.html")"
report "same benchmark form twice" "first $first, second $second (already submitted: $already)" "$([[ "$first" == 200 && "$second" == 409 && "$already" -ge 1 ]] && echo 1)"
id="${link#/benchmarks/}"; id="${id%%\?*}"
pub="$(status "$BASE/benchmarks/$id")"; own="$(status "$BASE$link")"
mod="$(status -H "Authorization: Bearer $TOKEN" "$BASE/benchmarks/$id")"
list="$(status "$BASE/benchmarks?status=pending")"; modlist="$(status -H "Authorization: Bearer $TOKEN" "$BASE/benchmarks?status=pending")"
report "pending runs are private" "public $pub, private link $own, moderator $mod; pending list $list/$modlist" \
  "$([[ -n "$id" && "$pub" == 404 && "$own" == 200 && "$mod" == 200 && "$list" == 403 && "$modlist" == 200 ]] && echo 1)"

# 6. No 500s: NUL, UTF-8 byte limits, malformed chunked bodies.
tok="$(csrf_token /feedback)"
nul="$(form_post /feedback "$tok" -d 'page=/' -d 'message=a%00b')"
E="$(python3 -c 'print("é" * 9000)')"
accents="$(form_post /feedback "$tok" -d 'page=/' --data-urlencode "message=$E")"
apinul="$(status -H 'Content-Type: application/json' -d '{"page":"/","message":"a\u0000b"}' "$BASE/api/v1/feedback")"
chunked="$(python3 - "$PORT" <<'PY'
import socket, sys
def send(raw):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(raw)
    data = b""
    try:
        while len(data) < 65536:
            b = s.recv(4096)
            if not b: break
            data += b
    except Exception: pass
    s.close()
    return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1") else "closed"
body = b"zz\r\nhello\r\n0\r\n\r\n"
api = send(b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body)
trunc = send(b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"page\"")
print(api, trunc)
PY
)"
c1="${chunked%% *}"
report "no 500s: NUL, 9000 x é, malformed chunked" "NUL form $nul, NUL API $apinul, é form $accents, bad chunk $chunked" \
  "$([[ "$nul" == 400 && "$apinul" == 400 && "$accents" == 400 && ( "$c1" == 400 || "$c1" == closed ) ]] && echo 1)"
fives="$(grep -c '" 5[0-9][0-9]\|answered 5[0-9][0-9]\|failed:' "$DATA/serve.log")"

# 7. CSV export neutralises formulas (a run with hostile text, approved by the moderator).
run='{"model":"llama-3.1-8b","quant":"Q4_K_M","hardware":["rtx-3090"],"hardware_count":1,"runtime":"llama.cpp","runtime_version":"b6500","measured_at":"2026-09-01T12:00:00Z","decode_tps":77.7,"context":4096,"command":" =HYPERLINK(\"http://x\")","submitter":"＝evil","status":"pending"}'
rid="$("${C[@]}" -H 'Content-Type: application/json' -d "$run" "$BASE/api/v1/benchmarks" | python3 -c 'import sys,json; print(json.load(sys.stdin).get("id",""))' 2>/dev/null)"
"${C[@]}" -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" -d '{"status":"approved"}' "$BASE/api/v1/benchmarks/$rid/status"
csv="$("${C[@]}" "$BASE/api/v1/benchmarks/export.csv")"
n1="$(grep -c "' =HYPERLINK" <<<"$csv")"; n2="$(grep -c "'＝evil" <<<"$csv")"
report "CSV export neutralises formulas" "' =HYPERLINK: $n1, '＝evil: $n2" "$([[ -n "$rid" && "$n1" -ge 1 && "$n2" -ge 1 ]] && echo 1)"

# 8. Connections: a slow header is cut; the per-peer cap; IDLE_ATTACKERS idle connections (default 20,000) from 400
#    loopback addresses (50 each, under the per-peer cap, so only the total cap stands between them and the server)
#    are held while /health is asked 50 times from another address. That part runs against a second server with the
#    default timeouts (10 s header, 60 s idle: the attackers outlive neither) and --max-connections 1024: it keeps at
#    most that many open and closes the longest-idle one for each newcomer, so /health must answer within 100 ms.
IDLE_ATTACKERS="${IDLE_ATTACKERS:-20000}"
PORT2="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN" serve --host 127.0.0.1 --port "$PORT2" --data-dir "$DATA/second" --seed /nonexistent --max-connections 1024 >"$DATA/serve2.log" 2>&1 &
SERVER2=$!
for _ in $(seq 1 150); do curl -fs --max-time 1 "http://127.0.0.1:$PORT2/health" >/dev/null 2>&1 && break; sleep 0.2; done
conn="$(python3 - "$PORT" "$HEADER_TIMEOUT" "$PER_PEER" "$IDLE_ATTACKERS" "$PORT2" <<'PY'
import socket, sys, time, statistics, http.client, resource, multiprocessing as mp
port, header_timeout, cap, attackers, port2 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
# Slow header: half a request line, then nothing.
s = socket.create_connection(("127.0.0.1", port), timeout=header_timeout + 5)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
t = time.monotonic()
try:
    closed = s.recv(100) == b""
except Exception:
    closed = False
slow = time.monotonic() - t if closed else -1
s.close()
# Per-peer cap: 2 x cap connections from 127.0.0.2; at most cap stay open.
peer = []
for _ in range(2 * cap):
    try:
        c = socket.socket(); c.settimeout(2); c.bind(("127.0.0.2", 0)); c.connect(("127.0.0.1", port)); peer.append(c)
    except Exception:
        break
time.sleep(0.5)
def still_open(c):
    c.setblocking(False)
    try:
        return c.recv(1) != b""
    except BlockingIOError:
        return True
    except Exception:
        return False
kept = sum(1 for c in peer if still_open(c))
for c in peer: c.close()
# Idle attackers: each worker process opens its share from its own addresses (127.1.W.A), holds them until told.
def attack(worker, count, ready, stop, opened):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held, n = [], 0
    deadline = time.monotonic() + 60
    while n < count and time.monotonic() < deadline:
        addr = f"127.1.{worker}.{n // 50 + 1}"
        try:
            c = socket.socket(); c.settimeout(3); c.bind((addr, 0)); c.connect(("127.0.0.1", port2)); held.append(c)
        except Exception:
            pass
        n += 1
    opened.value = len(held)
    ready.set(); stop.wait(120)
    for c in held: c.close()
workers = 4
ready = [mp.Event() for _ in range(workers)]; stop = mp.Event(); opened = [mp.Value("i", 0) for _ in range(workers)]
procs = [mp.Process(target=attack, args=(w, attackers // workers, ready[w], stop, opened[w])) for w in range(workers)]
t0 = time.monotonic()
for p in procs: p.start()
for e in ready: e.wait(180)
open_s = time.monotonic() - t0
time.sleep(1)
lat = []
for _ in range(50):
    h = http.client.HTTPConnection("127.0.0.1", port2, timeout=10, source_address=("127.0.0.3", 0))
    t = time.monotonic(); h.request("GET", "/health"); r = h.getresponse(); r.read(); lat.append((time.monotonic() - t) * 1000); h.close()
    time.sleep(0.02)
stop.set()
for p in procs: p.join(30)
print(f"{slow:.1f} {kept} {sum(o.value for o in opened)} {open_s:.0f} {statistics.median(lat):.1f} {max(lat):.1f}")
PY
)"
read -r slow kept opened open_s p50 pmax <<<"$conn"
kill "$SERVER2" 2>/dev/null; wait "$SERVER2" 2>/dev/null
report "slow header closed by --header-timeout" "closed after ${slow} s (timeout ${HEADER_TIMEOUT} s)" "$(python3 -c "print(1 if 0 < $slow <= $HEADER_TIMEOUT + 2 else 0)")"
report "per-peer cap" "$kept of $((2 * PER_PEER)) connections from one address kept (cap $PER_PEER)" "$([[ "$kept" -le "$PER_PEER" && "$kept" -gt 0 ]] && echo 1)"
report "/health under $IDLE_ATTACKERS idle connections" "p50 ${p50} ms, max ${pmax} ms; ${opened} opened from 400 addresses in ${open_s} s" \
  "$(python3 -c "print(1 if $pmax < 100 and $opened >= $IDLE_ATTACKERS * 0.9 else 0)")"

# 3. Form flood: 40 posts of the feedback form (the shared bucket: burst 20, refill 0.5/s).
tok="$(csrf_token /feedback)"
ok=0; limited=0; other=0; retry=""
for i in $(seq 1 40); do
  code="$(form_post /feedback "$tok" -d 'page=/' -d "message=flood $i")"
  case "$code" in 200) ok=$((ok + 1));; 429) limited=$((limited + 1));; *) other=$((other + 1));; esac
done
retry="$("${C[@]}" -o /dev/null -D - -b "$JAR" -H "Origin: $BASE" --data-urlencode "_csrf=$tok" -d 'page=/&message=x' "$BASE/feedback" | tr -d '\r' | awk -F': ' 'tolower($1)=="retry-after"{print $2}')"
report "form flood (40 POST /feedback)" "$ok accepted, $limited refused 429 (Retry-After: ${retry:-none}), $other other" "$([[ $limited -gt 0 && -n "$retry" && $other == 0 ]] && echo 1)"

# 9. Metrics and graceful shutdown.
m="$("${C[@]}" "$BASE/metrics")"
hits="$(grep -o 'runlocalai_rate_limited_total{surface="html"} [0-9]*' <<<"$m" | awk '{print $2}')"
report "/metrics (Prometheus)" "$(grep -c '^runlocalai_http_requests_total' <<<"$m") request series, rate-limit hits ${hits:-0}" "$([[ "${hits:-0}" -gt 0 ]] && echo 1)"
report "no 5xx logged during the attack" "$fives server errors in the log" "$([[ "$fives" == 0 ]] && echo 1)"
kill -TERM "$SERVER"
for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$SERVER" 2>/dev/null; then rc="still running"; else wait "$SERVER"; rc="exit $?"; fi
report "SIGTERM: graceful shutdown" "$rc" "$([[ "$rc" == "exit 0" ]] && echo 1)"

echo "$FAILS check(s) failed"
exit $(( FAILS > 0 ))
