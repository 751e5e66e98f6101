#!/usr/bin/env python3
"""Print the best (lowest) criterion point estimate per benchmark over several runs.

On a shared machine a single criterion run is disturbed by other jobs; running the bench a few
times and keeping each benchmark's lowest mean gives the least disturbed figure. Usage:

    for i in 1 2 3; do cargo bench -p elicense-cli --bench verify; \
      python3 scripts/bench-best.py collect; done
    python3 scripts/bench-best.py report

`collect` appends the latest estimates in target/criterion to target/bench-best.json.
"""
import json
import os
import sys

root = os.path.join(os.path.dirname(__file__), "..", "target")
store = os.path.join(root, "bench-best.json")


def latest():
    out = {}
    base = os.path.join(root, "criterion")
    for dirpath, _, files in os.walk(base):
        if dirpath.endswith(os.sep + "new") and "estimates.json" in files:
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                bench = json.load(f)
            with open(os.path.join(dirpath, "estimates.json")) as f:
                est = json.load(f)
            out[bench["full_id"]] = est["mean"]["point_estimate"]
    return out


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


if sys.argv[1:] == ["collect"]:
    runs = json.load(open(store)) if os.path.exists(store) else []
    runs.append(latest())
    json.dump(runs, open(store, "w"), indent=1)
elif sys.argv[1:] == ["report"]:
    runs = json.load(open(store))
    names = sorted({n for r in runs for n in r})
    for n in names:
        values = [r[n] for r in runs if n in r]
        print(f"{n}\t{fmt(min(values))}\t(best of {len(values)}; worst {fmt(max(values))})")
else:
    sys.exit(__doc__)
