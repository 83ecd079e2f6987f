#!/usr/bin/env python3
"""`cjtool moments` against `cjtool map` on the same events, each run a fresh CLI process.

    python benchmarks/moments_bench.py --events 2_000_000 --runs 3
    python benchmarks/moments_bench.py --file benchmarks/data/events_10m.parquet --runs 3

Generates the events with benchmarks/generate.py (seeded) when --file is not given, then
alternates `map -f json` and `moments -f json` runs (so drifts of a shared machine hit both
alike) and prints the median wall time of each and their ratio. The issue's bar: moments at
most 2x map.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cjtool", *args], check=True, cwd=HERE.parent)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, help="events file (CSV or Parquet); default: generate one")
    ap.add_argument("--events", default="2_000_000", help="rows to generate when --file is not given")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--model", default="aipl")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = a.file
        if events is None:
            events = Path(tmp) / "events.parquet"
            csv_path = Path(tmp) / "events.csv"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--events",
                    a.events,
                    "--out",
                    str(csv_path),
                    "--parquet",
                    "-q",
                ],
                check=True,
            )
        times: dict[str, list[float]] = {"map": [], "moments": []}
        for i in range(a.runs):
            for cmd in ("map", "moments") if i % 2 == 0 else ("moments", "map"):
                out = Path(tmp) / f"{cmd}.json"
                times[cmd].append(wall([cmd, str(events), "-m", a.model, "-f", "json", "-o", str(out), "-q"]))
                print(f"run {i + 1}: {cmd:8s} {times[cmd][-1]:6.2f} s", flush=True)
    m, k = statistics.median(times["map"]), statistics.median(times["moments"])
    print(f"{events.name}: map {m:.2f} s, moments {k:.2f} s (medians of {a.runs}); moments/map = {k / m:.2f}")


if __name__ == "__main__":
    main()
