#!/usr/bin/env python3
"""Time `cjtool map` and `cjtool paths` on the same events file, each in a fresh process,
and print the ratio (the issue asks paths <= 2x map).

    python benchmarks/generate.py --events 2_000_000 --out /tmp/events_2m.csv
    python benchmarks/paths_bench.py /tmp/events_2m.csv [--repeat 3] [--model aipl]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cjtool", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", type=Path)
    ap.add_argument("--model", default="aipl")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {
            "map": ["map", str(a.events), "-m", a.model, "-q", "-f", "json", "-o", f"{tmp}/map.json"],
            "paths": ["paths", str(a.events), "-m", a.model, "-q", "-f", "json", "-o", f"{tmp}/paths.json"],
        }
        times: dict[str, list[float]] = {k: [] for k in jobs}
        for _ in range(a.repeat):  # interleaved, so machine load hits both alike
            for name, args in jobs.items():
                times[name].append(wall(args))
    for name, ts in times.items():
        print(f"{name:6s} best {min(ts):7.2f} s   median {statistics.median(ts):7.2f} s")
    print(
        f"ratio paths/map: best {min(times['paths']) / min(times['map']):.2f}, "
        f"median {statistics.median(times['paths']) / statistics.median(times['map']):.2f}"
    )


if __name__ == "__main__":
    main()
