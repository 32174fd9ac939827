#!/usr/bin/env bash
# Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis): starts a fresh
# `runlocalai serve` on loopback (temporary data dir, free port), runs at least 300 generated cases against
# /api/v1/openapi.json, and fails when any answer is a 5xx (or the server logged one). Stops the server at the end.
#
#   scripts/api-fuzz.sh                     # MAX_EXAMPLES=40 per operation (about 20 operations: > 300 cases)
#   BIN=path/to/runlocalai MAX_EXAMPLES=100 scripts/api-fuzz.sh
#
# schemathesis is pip-installed into a virtual environment under ~/.cache (reused on later runs).
set -uo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES="${MAX_EXAMPLES:-40}"
VENV="${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/runlocalai-api-fuzz-venv}"
if [[ ! -x "$VENV/bin/schemathesis" && ! -x "$VENV/bin/st" ]]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q schemathesis || { echo "cannot install schemathesis" >&2; exit 1; }
fi
ST="$VENV/bin/schemathesis"; [[ -x "$ST" ]] || ST="$VENV/bin/st"

source scripts/fresh-server.sh   # BIN, PORT, DATA, BASE
# A large POST bucket, so the generated bodies reach the handlers instead of the rate limiter (429).
"$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA" --seed /nonexistent --post-burst "${POST_BURST:-100000}" \
  >"$DATA/serve.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs --max-time 1 "$BASE/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs --max-time 2 "$BASE/health" >/dev/null || { echo "server did not start:" >&2; cat "$DATA/serve.log" >&2; exit 1; }

version="$("$ST" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)"
echo "schemathesis $version against $BASE/api/v1/openapi.json (max $MAX_EXAMPLES examples per operation)"
if [[ "${version%%.*}" -ge 4 ]]; then
  args=(run "$BASE/api/v1/openapi.json" --url "$BASE" --checks not_a_server_error --max-examples "$MAX_EXAMPLES" --seed 1 --no-color)
else
  args=(run "$BASE/api/v1/openapi.json" --base-url "$BASE" --checks not_a_server_error --hypothesis-max-examples "$MAX_EXAMPLES" --hypothesis-seed 1 --no-color)
fi
(cd "$DATA" && timeout 900 "$ST" "${args[@]}" >"$DATA/st.log" 2>&1)   # its .schemathesis/ cache stays out of the repository
st_rc=$?
tail -40 "$DATA/st.log"

cases="$(grep -oE '([0-9]+) (generated|test cases|cases)' "$DATA/st.log" | awk '{s+=$1} END {print s+0}')"
served="$(grep -c . "$DATA/serve.log")"
fives="$(grep -c 'answered 5[0-9][0-9]\|failed:' "$DATA/serve.log")"
echo "cases: ${cases:-?}; server errors logged: $fives; schemathesis exit $st_rc"
if [[ $st_rc -ne 0 || $fives -ne 0 ]]; then echo "FAIL"; exit 1; fi
if [[ "${cases:-0}" -lt 300 ]]; then echo "FAIL: fewer than 300 cases"; exit 1; fi
echo "PASS"
