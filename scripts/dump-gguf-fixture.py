#!/usr/bin/env python3
"""Dump what the official GGUF reader (PyPI `gguf`, 0.19.x) sees in a GGUF file.

The output is a JSON reference fixture that RunLocalAI's own Swift GGUF parser
is tested against.  It records:

  * header: version, tensor_count, kv_count, alignment, data_offset (absolute
    byte offset where tensor data starts), file_size, sha256 of the file;
  * every metadata key, in file order, with its GGUF value type name and value.
    Arrays longer than 16 elements are summarised: element type, length and
    their first 8 elements only (tokenizer vocabularies are huge);
  * every tensor, in file order: name, shape (ne order exactly as stored in the
    file, i.e. ne[0] first), ggml type name, offset relative to data_offset,
    and n_bytes as computed by the reader from GGML_QUANT_SIZES.

Usage:
    pip install 'gguf>=0.19,<0.20'
    python3 scripts/dump-gguf-fixture.py MODEL.gguf OUT.json

The script only reads the file; it needs no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import gguf
from gguf import GGUFReader, GGUFValueType

ARRAY_FULL_LIMIT = 16   # arrays up to this length are recorded whole
ARRAY_PREVIEW = 8       # longer arrays: only this many leading elements


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def field_entry(field) -> dict:
    """Turn one ReaderField into {key, type, value} (or an array summary)."""
    main_type = field.types[0]
    entry: dict = {"key": field.name, "type": main_type.name}
    if main_type != GGUFValueType.ARRAY:
        entry["value"] = field.contents()
        return entry

    # For arrays, field.data holds one index into field.parts per element.
    elem_type = field.types[-1] if len(field.types) > 1 else None
    length = len(field.data)
    entry["element_type"] = elem_type.name if elem_type is not None else None
    entry["length"] = length
    if length <= ARRAY_FULL_LIMIT:
        entry["value"] = field.contents()
    else:
        entry["first"] = field.contents(slice(0, ARRAY_PREVIEW))
        entry["truncated"] = True
    return entry


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, out_path = sys.argv[1], sys.argv[2]
    reader = GGUFReader(path)

    # The reader exposes header values as pseudo-fields named "GGUF.*".
    header = {k: reader.fields[k].contents() for k in
              ("GGUF.version", "GGUF.tensor_count", "GGUF.kv_count")}

    metadata = [field_entry(f) for name, f in reader.fields.items()
                if not name.startswith("GGUF.")]

    tensors = []
    for t in reader.tensors:
        tensors.append({
            "name": t.name,
            "shape": [int(d) for d in t.shape],          # ne order, as in file
            "type": t.tensor_type.name,                  # ggml type name
            "offset": int(t.data_offset) - int(reader.data_offset),
            "n_elements": int(t.n_elements),
            "n_bytes": int(t.n_bytes),
        })

    dump = {
        "generator": "scripts/dump-gguf-fixture.py",
        "reader": f"gguf (PyPI) {getattr(gguf, '__version__', None) or _pkg_version()}",
        "file_name": os.path.basename(path),
        "file_size": os.path.getsize(path),
        "sha256": sha256_of(path),
        "version": int(header["GGUF.version"]),
        "tensor_count": int(header["GGUF.tensor_count"]),
        "kv_count": int(header["GGUF.kv_count"]),
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "metadata": metadata,
        "tensors": tensors,
        "total_tensor_bytes": sum(t["n_bytes"] for t in tensors),
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(dump, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return 0


def _pkg_version() -> str:
    from importlib.metadata import version
    return version("gguf")


if __name__ == "__main__":
    sys.exit(main())
