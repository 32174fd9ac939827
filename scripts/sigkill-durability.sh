#!/usr/bin/env bash
# "A submission acknowledged is never lost": starts `runlocalai serve` on a fresh SQLite data folder, submits runs
# with curl (one at a time, then a stream of them), kill -9's the server right after the acknowledgements (and
# once in the middle of the stream), restarts it on the same folder, and checks every run that got a 201 is there.
# Exits non-zero, naming the missing ids, if any acknowledged run is gone.
#
#   bash scripts/sigkill-durability.sh            # 3 rounds
#   ROUNDS=10 bash scripts/sigkill-durability.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
TOKEN="durability-$RANDOM$RANDOM"
WORK=$(mktemp -d)
DATA="$WORK/data"
SEED="$WORK/no-seed"          # an empty seed folder: the store starts empty
mkdir -p "$DATA" "$SEED"
ACKED="$WORK/acked-ids"
: >"$ACKED"
PID=""
unset DATABASE_URL            # this checks the SQLite store

cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

swift build --product runlocalai >&2
BIN="$(swift build --show-bin-path)/runlocalai"
"$BIN" serve --help >/dev/null

BASE="http://127.0.0.1:$PORT"
start() {
    RUNLOCALAI_ADMIN_TOKEN="$TOKEN" "$BIN" serve --data-dir "$DATA" --port "$PORT" --seed "$SEED" >>"$WORK/serve.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "$BASE/health" 2>/dev/null; then return 0; fi
        kill -0 "$PID" 2>/dev/null || { echo "serve exited; its log:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
        sleep 0.25
    done
    echo "serve did not answer /health within 30 s" >&2
    exit 1
}
crash() { kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# POSTs one run; on 201 appends its id to $ACKED. $1 makes the run unique.
submit() {
    local body out code
    body=$(printf '{"model":"llama-3.1-8b","quant":"Q4_K_M","hardware":["rtx-3090"],"hardware_count":1,"runtime":"llama.cpp","decode_tps":%s,"status":"pending","submitter":"durability"}' "$1")
    out=$(curl -sS -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' --data "$body" "$BASE/api/v1/benchmarks" 2>/dev/null) || return 0
    code=$out
    if [ "$code" = 201 ]; then
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/response" >>"$ACKED"
    fi
}

# Every acknowledged id must be listed by the restarted server.
verify() {
    local listed="$WORK/listed" missing=0
    local offset=0
    : >"$listed"
    while :; do
        curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/benchmarks?status=pending&limit=500&offset=$offset" >"$WORK/page"
        local n
        n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); runs=d["runs"] if isinstance(d,dict) else d; [print(r["id"]) for r in runs]; sys.stderr.write(str(len(runs)))' "$WORK/page" 2>"$WORK/count" >>"$listed"; cat "$WORK/count")
        [ "$n" -lt 500 ] && break
        offset=$((offset + 500))
    done
    while read -r id; do
        if ! grep -qx "$id" "$listed"; then echo "LOST: run $id was acknowledged (201) but is missing after kill -9" >&2; missing=1; fi
    done <"$ACKED"
    return $missing
}

for round in $(seq 1 "$ROUNDS"); do
    start
    # One at a time, then kill -9 the moment the last 201 arrived.
    for i in $(seq 1 5); do submit "$round.$i"; done
    crash
    start
    verify
    # A stream of submissions, killed in the middle: whatever was acknowledged must survive.
    ( for i in $(seq 1 200); do submit "$((round + 1000)).$i"; done ) &
    STREAM=$!
    sleep 1.5
    crash
    wait "$STREAM" 2>/dev/null || true
    start
    verify
    crash
    echo "round $round: $(wc -l <"$ACKED") acknowledged runs so far, none lost" >&2
done
echo "ok: $(wc -l <"$ACKED") acknowledged submissions survived $((ROUNDS * 2)) kill -9s"
