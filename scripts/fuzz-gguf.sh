#!/usr/bin/env bash
# Fuzz the GGUF reader with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz-gguf.sh [RUNS] [extra libFuzzer flags...]     (default RUNS=1000000)
#
# Builds Fuzz/GGUFFuzz/main.swift together with the GGUF sources (no package build), seeds the corpus
# from Tests/Fixtures/gguf-malformed/ plus a few valid synthetic files and the head of a real model if
# one is cached, and runs on one core. Crashes land in .build-fuzz/ as crash-*; re-run one with
#   .build-fuzz/gguf-fuzz .build-fuzz/crash-<hash>
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-1000000}"; shift || true
OUT=.build-fuzz
mkdir -p "$OUT/corpus"

SOURCES=(
  Fuzz/GGUFFuzz/main.swift
  Sources/RunLocalAICore/Quantization/GGMLType.swift
  Sources/RunLocalAICore/Model/TensorInfo.swift
  Sources/RunLocalAICore/Model/ModelArchitecture.swift
  Sources/RunLocalAICore/GGUF/GGUFError.swift
  Sources/RunLocalAICore/GGUF/GGUFValue.swift
  Sources/RunLocalAICore/GGUF/GGUFFile.swift
  Sources/RunLocalAICore/GGUF/GGUFFileType.swift
  Sources/RunLocalAICore/GGUF/GGUFReader.swift
  Sources/RunLocalAICore/GGUF/GGUFByteSource.swift
  Sources/RunLocalAICore/GGUF/GGUFModel.swift
  Sources/RunLocalAICore/GGUF/VisionProjectorInfo.swift
  Sources/RunLocalAICore/GGUF/GGUFInspectionReport.swift
)
if [[ ! -x "$OUT/gguf-fuzz" || -n "$(find "${SOURCES[@]}" -newer "$OUT/gguf-fuzz" 2>/dev/null)" ]]; then
  echo "building $OUT/gguf-fuzz" >&2
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name GGUFFuzz \
    "${SOURCES[@]}" -o "$OUT/gguf-fuzz"
fi

cp Tests/Fixtures/gguf-malformed/*.gguf "$OUT/corpus/" 2>/dev/null || true
for f in .fixtures-cache/*.gguf; do
  [[ -f "$f" ]] && head -c 65536 "$f" > "$OUT/corpus/head-$(basename "$f")"
done

# -rss_limit_mb / -timeout turn memory blow-ups and hangs into reported failures.
exec taskset -c 0 "$OUT/gguf-fuzz" "$OUT/corpus" -runs="$RUNS" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -print_final_stats=1 "$@"
