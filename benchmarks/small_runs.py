#!/usr/bin/env python3
"""Small runs in fresh processes: the example's table map, its JSON map and `cjtool --help`.

    python benchmarks/small_runs.py [--runs 7] [--before-path /tmp/old]

What a user waits for on every small call: start-up, imports and the map of the shipped
example (`examples/aipl_events.csv`, 35k events). Each run is a new process timed by
run.py's launcher (its own wall, CPU seconds and peak RSS); with ``--before-path`` (a
folder holding another cjtool package, e.g. ``git archive REV cjtool | tar -x -C
/tmp/old``) the two versions alternate run by run, so drifts of the machine hit both
alike. Prints the median wall and CPU seconds of each job and the after/before ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import cjtool_from, measure  # noqa: E402

REPO = HERE.parent
EXAMPLE, MODEL = REPO / "examples" / "aipl_events.csv", REPO / "examples" / "aipl.yaml"


def jobs(cmd: list[str]) -> dict[str, list[str]]:
    """The jobs; their output goes to the launcher's null device, as a pipe's would."""
    return {
        "map (table)": [*cmd, "map", str(EXAMPLE), "--model", str(MODEL)],
        "map -f json": [*cmd, "map", str(EXAMPLE), "--model", str(MODEL), "-f", "json"],
        "--help": [*cmd, "--help"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--before-path", type=Path, help="a folder with another cjtool package, timed alternately")
    a = ap.parse_args(argv)
    versions = {"after": cjtool_from(REPO)}
    if a.before_path:
        versions["before"] = cjtool_from(a.before_path)
    got: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for i in range(a.runs):
        for version, cmd in versions.items():
            for name, job in jobs(cmd).items():
                wall, _rss, code, _out, cpu = measure(job)
                if code:
                    raise SystemExit(f"{version} {name} exited {code}: {' '.join(job)}")
                got.setdefault((name, version), []).append((wall, cpu))
        print(f"round {i + 1}/{a.runs} done", file=sys.stderr)
    print(f"{'job':<14} {'version':<8} {'wall s':>8} {'CPU s':>7}  (medians of {a.runs} fresh runs)")
    for name in jobs([]):
        for version in versions:
            runs = got[(name, version)]
            wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
            print(f"{name:<14} {version:<8} {wall:8.2f} {cpu:7.2f}")
        if "before" in versions:
            after = statistics.median(c for _, c in got[(name, "after")])
            before = statistics.median(c for _, c in got[(name, "before")])
            print(f"{name:<14} CPU after / before: {after / before:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
