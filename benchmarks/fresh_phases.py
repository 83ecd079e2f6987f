#!/usr/bin/env python3
"""Phases of `cjtool map` timed in fresh processes, as the CLI runs them.

    python benchmarks/fresh_phases.py benchmarks/data/events_10m.parquet --runs 3
    python benchmarks/fresh_phases.py FILE --cjtool-path /tmp/old --runs 3   # A/B against another checkout

Warm loops in one process (best of N, as `profile_phases.py` does) hide a cost the CLI
pays: every new page of memory is a page fault, and a 10M-event map touches ~3 GB of
new memory (~0.8-1.5 s of system time on this VM). So a change that allocates less can
look neutral warm and still help the CLI, and the reverse. Each run here is a new
process that reads the events once and computes the map once, printing wall, user and
system seconds and minor page faults of both phases. With --cjtool-path, runs of the two
versions alternate, so drifts of the machine hit both alike.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import resource, sys, time
from cjtool.events import read_events
from cjtool.metrics import compute_map
from cjtool.model import load_model

def usage():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime, r.ru_stime, r.ru_minflt

model = load_model(sys.argv[2]).with_overrides(window=sys.argv[3])
a = usage()
table = read_events([sys.argv[1]], model)
b = usage()
compute_map(table, model)
c = usage()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
for name, x, y in (("read", a, b), ("map", b, c)):
    print(f"{name} {y[0] - x[0]:.2f} {y[1] - x[1]:.2f} {y[2] - x[2]:.2f} {y[3] - x[3]}", end=" | ")
print(f"peak {rss}")
"""

ROOT = Path(__file__).resolve().parent.parent


def run_once(events: str, model: str, window: str, path: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(path))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, events, model, window], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events")
    ap.add_argument("--model", default="aipl")
    ap.add_argument("--window", default="30d")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cjtool-path", type=Path, help="another checkout's folder holding cjtool/, run in turn")
    a = ap.parse_args()
    versions = [("this", ROOT)] + ([("other", a.cjtool_path.resolve())] if a.cjtool_path else [])
    print("phase: wall user sys (s) minor-faults | ... | peak RSS MB")
    for i in range(a.runs):
        for name, path in versions:
            print(f"[{i + 1}/{a.runs}] {name:5s} {run_once(a.events, a.model, a.window, path)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
