#!/usr/bin/env python3
"""`cjtool compare` of two halves against one `cjtool map`, in fresh processes.

    python benchmarks/generate.py --events 2e6 --out benchmarks/data/events_2m.csv --parquet
    python benchmarks/compare_bench.py benchmarks/data/events_2m.parquet --runs 3

Each run is a new process that reads the events, works out the journeys and then either
maps them (`map`) or compares the customers entering before / from the median entry
date (`compare`: both halves mapped in one grouped pass, then every SPEC 10 test). The
issue's budget: compare <= 1.3 x map. Runs of the two alternate, so drifts of the shared
machine hit both alike; the ratio of the medians is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys, time
from cjtool.api import journeys, load_model
from cjtool.metrics import compute_map
from cjtool.analyses.compare import compare

model = load_model(sys.argv[2]).with_overrides(window=sys.argv[3])
t0 = time.perf_counter()
j = journeys([sys.argv[1]], model)
if sys.argv[4] == "map":
    compute_map(j, model)
else:
    first = j.events["timestamp"].gather(j.customers["first"]).sort()
    compare(j, split=first[len(first) // 2])
print(f"{time.perf_counter() - t0:.3f}")
"""

ROOT = Path(__file__).resolve().parent.parent


def run_once(events: str, model: str, window: str, what: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, events, model, window, what], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events")
    ap.add_argument("--model", default="aipl")
    ap.add_argument("--window", default="30d")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    times: dict[str, list[float]] = {"map": [], "compare": []}
    for i in range(a.runs):
        for what in times:
            times[what].append(run_once(a.events, a.model, a.window, what))
            print(f"[{i + 1}/{a.runs}] {what:8s} {times[what][-1]:.2f} s", flush=True)
    m, c = statistics.median(times["map"]), statistics.median(times["compare"])
    print(f"median map {m:.2f} s, compare {c:.2f} s: ratio {c / m:.2f} (budget 1.30)")
    return 0 if c / m <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
