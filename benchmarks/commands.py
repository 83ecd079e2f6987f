#!/usr/bin/env python3
"""Time every cjtool command against `cjtool map` on the same events, in fresh processes.

    python benchmarks/commands.py benchmarks/data/events_10m.csv --parquet benchmarks/data/events_10m.parquet --repeat 3
    python benchmarks/commands.py --smoke          # 50k generated rows, one run of each: for CI

Each job is a new process, timed by run.py's launcher (``os.wait4``: the job's own wall
time, CPU time and peak RSS). Runs are interleaved (every job once, then again), so drifts
of a shared machine hit all jobs alike; the table keeps the best wall of the runs. The
1-minute load average is noted before every run; a run that started above ``--max-load``
is repeated once more (up to ``--extra`` extra rounds), and the table gives the load at
the best run.

Jobs per input format: the floor and floor+sort (run.py's lower bounds), then

* ``map``: ``map FILE -m aipl -f json --window 30d``, the reference of the ratios;
* ``map --by week``: the generated file spans 13 weeks of entry, pooled to 10 segments
  (``--segments`` 10, the default): issue 11, at most 1.5x map;
* ``customers``: ``customers FILE`` to CSV (and to Parquet, for the writer's share):
  issue 11, at most 1.2x map;
* ``compare --split``: the two halves at the middle date of the file's time range:
  issue 12, at most 1.3x map;
* ``paths``: issue 13, at most 2x map; ``moments``: issue 14, at most 2x map;
* ``map --partitions 4``: in parts by customer, against in-memory ``map`` (time, memory).

Issue 15 reads off the same table: ``map`` at most 1.5x floor+sort; Parquet clearly faster
than CSV. Ratios are of best walls (and of median CPU seconds, steadier under load).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (the launcher, the floors, cjtool's command line)

PY = sys.executable

# name -> (cjtool arguments after FILE, output suffix, target ratio to map)
COMMANDS: list[tuple[str, list[str], str, float | None]] = [
    ("map", ["map", "{f}", "-m", "aipl", "-f", "json", "--window", "30d"], "json", None),
    ("map --by week", ["map", "{f}", "-m", "aipl", "-f", "json", "--window", "30d", "--by", "week"], "json", 1.5),
    ("customers", ["customers", "{f}", "-m", "aipl", "-f", "csv", "--window", "30d"], "csv", 1.2),
    ("customers (parquet out)", ["customers", "{f}", "-m", "aipl", "-f", "parquet", "--window", "30d"], "parquet", 1.2),
    (
        "compare --split",
        ["compare", "{f}", "-m", "aipl", "-f", "json", "--window", "30d", "--split", "{split}"],
        "json",
        1.3,
    ),
    ("paths", ["paths", "{f}", "-m", "aipl", "-f", "json", "--window", "30d"], "json", 2.0),
    ("moments", ["moments", "{f}", "-m", "aipl", "-f", "json", "--window", "30d"], "json", 2.0),
    (
        "map --partitions 4",
        ["map", "{f}", "-m", "aipl", "-f", "json", "--window", "30d", "--partitions", "4"],
        "json",
        None,
    ),
]
MAP_X_SORT_TARGET = 1.5  # issue 15: map at most 1.5x floor+sort

# --phases: one command in a fresh process through the Python API, timed by phase (wall
# and CPU s): imports, journeys (read + stages + ordering: what every command shares), the
# command's analysis, and its output text/bytes (not written). argv: file, command, split.
PHASES_CHILD = """
import sys, time, json
def now(): return time.perf_counter(), time.process_time()
t = [now()]
sys.path.insert(0, sys.argv[4])
import cjtool.api as api
from cjtool.analyses import segments as sg
t.append(now())
f, cmd, split = sys.argv[1], sys.argv[2], sys.argv[3]
model = api.load_model("aipl").with_overrides(window="30d")
by = ["week"] if cmd == "map --by week" else []
j = api.journeys([f], model, attributes=sg.attributes_to_read(model, by, None))
t.append(now())
if cmd == "map":
    from cjtool.metrics import compute_map
    from cjtool.render.machine import to_json
    r = compute_map(j, model); t.append(now()); out = to_json(r, "en")
elif cmd == "map --by week":
    r = sg.segment_breakdown(j, "week"); t.append(now())
    out = json.dumps(r.to_dict("en"), ensure_ascii=False, indent=2, allow_nan=False)
elif cmd.startswith("customers"):
    from cjtool.analyses.customers import customer_table
    from cjtool.render import customers_out as co
    r = customer_table(j, []); t.append(now())
    from cjtool.parquet import to_parquet
    out = to_parquet(r) if "parquet" in cmd else co.to_csv(r)
elif cmd == "compare --split":
    from datetime import date
    from cjtool.analyses.compare import compare
    r = compare(j, split=date.fromisoformat(split)); t.append(now())
    out = json.dumps(r.to_dict("en"), ensure_ascii=False, indent=2, allow_nan=False)
elif cmd == "paths":
    from cjtool.analyses.paths import compute_paths
    from cjtool.render.paths_text import to_json
    r = compute_paths(j); t.append(now()); out = to_json(r)
elif cmd == "moments":
    from cjtool.analyses.moments import compute_moments
    from cjtool.render.moments_machine import to_json
    r = compute_moments(j); t.append(now()); out = to_json(r)
t.append(now())
print(json.dumps([[b[0] - a[0], b[1] - a[1]] for a, b in zip(t, t[1:])]))
"""
PHASES = ("imports", "journeys", "analysis", "output")


@dataclass
class Job:
    name: str
    fmt: str
    cmd: list[str]
    target: float | None = None
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def best(self) -> float:
        return min(self.walls)

    @property
    def load_at_best(self) -> float:
        return self.loads[self.walls.index(self.best)]

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def rss_mb(self) -> float:
        return max(self.rss_kb) / 1024


def middle_date(path: Path) -> str:
    """The date halfway between the file's first and last event (compare --split)."""
    import polars as pl

    if path.suffix.lower() in (".parquet", ".pq"):
        ts = pl.scan_parquet(path).select("timestamp").collect()["timestamp"]
        lo, hi = ts.min(), ts.max()
    else:
        col = pl.scan_csv(path, infer_schema=False).select(pl.col("timestamp").str.slice(0, 10)).collect()
        lo, hi = (datetime.fromisoformat(col["timestamp"].min()), datetime.fromisoformat(col["timestamp"].max()))
    return (lo + (hi - lo) / 2).date().isoformat()  # type: ignore[operator]


def build_jobs(files: dict[str, Path], tmp: Path, split: str, cjtool: list[str], only: list[str] | None) -> list[Job]:
    jobs: list[Job] = []
    for fmt, f in files.items():
        floor = run.FLOOR_CODE if fmt == "csv" else run.FLOOR_PQ_CODE
        jobs.append(Job("floor", fmt, [PY, "-c", floor, str(f)]))
        jobs.append(Job("floor+sort", fmt, [PY, "-c", run.SORT_FLOOR_CODE, str(f)]))
        for i, (name, args, sfx, target) in enumerate(COMMANDS):
            out = tmp / f"{fmt}_{i}.{sfx}"
            argv = [a.format(f=f, split=split) for a in args] + ["-o", str(out), "--quiet"]
            jobs.append(Job(name, fmt, [*cjtool, *argv], target))
    if only:
        jobs = [j for j in jobs if j.name in only]
    return jobs


def run_once(job: Job, rnd: str, timeout: float | None) -> None:
    load = os.getloadavg()[0]
    wall, rss, code, tail, cpu = run.measure(job.cmd, timeout)
    if code != 0:
        job.error = f"exit {code}: {tail}"
    else:
        job.walls.append(wall)
        job.cpus.append(cpu)
        job.rss_kb.append(rss)
        job.loads.append(load)
    print(
        f"  [{rnd}] {job.fmt:7} {job.name:24} {wall:7.2f} s {cpu:7.2f} CPU s {rss / 1024:6.0f} MB  load {load:.2f}"
        + (f"  ERROR {job.error}" if job.error else ""),
        file=sys.stderr,
        flush=True,
    )


def run_all(jobs: list[Job], repeat: int, max_load: float, extra: int, timeout: float | None) -> None:
    for r in range(repeat):
        for j in jobs:
            if not j.error:
                run_once(j, f"{r + 1}/{repeat}", timeout)
    # rounds run under high load: give those jobs another chance, a few times at most
    for e in range(extra):
        busy = [j for j in jobs if not j.error and min(j.loads, default=0) > max_load]
        if not busy:
            break
        for j in busy:
            run_once(j, f"extra {e + 1}", timeout)


def ratios(jobs: list[Job]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    ref = {(j.fmt, j.name): j for j in jobs if j.walls}
    for j in jobs:
        row: dict[str, object] = {"fmt": j.fmt, "name": j.name, "cmd": j.cmd, "error": j.error}
        if j.walls:
            m = ref.get((j.fmt, "map"))
            row |= {
                "wall_s": j.best,
                "wall_median_s": statistics.median(j.walls),
                "cpu_s": j.cpu,
                "peak_rss_mb": j.rss_mb,
                "load_at_best": j.load_at_best,
                "loads": j.loads,
                "walls": j.walls,
                "x_map": j.best / m.best if m else None,
                "cpu_x_map": j.cpu / m.cpu if m else None,
                "mem_x_map": j.rss_mb / m.rss_mb if m else None,
                "target_x_map": j.target,
            }
            if j.name == "map" and (s := ref.get((j.fmt, "floor+sort"))):
                row |= {"x_floor_sort": j.best / s.best, "target_x_floor_sort": MAP_X_SORT_TARGET}
        rows.append(row)
    return rows


def verdict(x: float | None, target: float | None) -> str:
    if x is None or target is None:
        return ""
    return f"ok (<= {target})" if x <= target else f"MISS: {x / target:.2f}x the {target} budget"


def table(rows: list[dict[str, object]]) -> str:
    head = (
        f"{'format':7} {'command':24} {'wall s':>7} {'median':>7} {'CPU s':>7} {'peak MB':>8} {'load':>5} "
        f"{'x map':>6} {'CPU x map':>9} {'mem x map':>9}  target"
    )
    out = [head, "-" * (len(head) + 20)]
    for r in rows:
        if "wall_s" not in r:
            out.append(f"{r['fmt']:7} {r['name']:24} ERROR {r['error']}")
            continue
        x, cx, mx = r["x_map"], r["cpu_x_map"], r["mem_x_map"]
        line = (
            f"{r['fmt']:7} {r['name']:24} {r['wall_s']:7.2f} {r['wall_median_s']:7.2f} {r['cpu_s']:7.2f} "
            f"{r['peak_rss_mb']:8.0f} {r['load_at_best']:5.2f} "
            + (f"{x:6.2f} {cx:9.2f} {mx:9.2f}" if x is not None else f"{'':6} {'':9} {'':9}")
            + f"  {verdict(x, r['target_x_map'])}"  # type: ignore[arg-type]
        )
        if "x_floor_sort" in r:
            line += f"map = {r['x_floor_sort']:.2f}x floor+sort: " + verdict(r["x_floor_sort"], MAP_X_SORT_TARGET)  # type: ignore[arg-type]
        out.append(line)
    maps = {r["fmt"]: r for r in rows if r["name"] == "map" and "wall_s" in r}
    if "csv" in maps and "parquet" in maps:
        c, p = maps["csv"], maps["parquet"]
        out.append(
            f"map, Parquet / CSV: wall {p['wall_s'] / c['wall_s']:.2f}, CPU {p['cpu_s'] / c['cpu_s']:.2f}, "  # type: ignore[operator]
            f"peak memory {p['peak_rss_mb'] / c['peak_rss_mb']:.2f}"  # type: ignore[operator]
        )
    return "\n".join(out)


def phases(f: Path, split: str, only: list[str] | None, folder: Path) -> None:
    """Each command once in a fresh process through the API: wall (CPU) s per phase."""
    import subprocess

    names = [n for n, *_ in COMMANDS if n != "map --partitions 4" and (not only or n in only)]
    print(f"\nphases through the Python API, one fresh process each, {f.name}: wall s (CPU s)")
    print(f"{'command':24} " + " ".join(f"{p:>15}" for p in PHASES) + f" {'total':>15}  load")
    for name in names:
        load = os.getloadavg()[0]
        cp = subprocess.run(
            [PY, "-c", PHASES_CHILD, str(f), name, split, str(folder)], capture_output=True, text=True, check=True
        )
        ph = json.loads(cp.stdout.strip().splitlines()[-1])
        cells = [f"{w:6.2f} ({c:6.2f})" for w, c in ph]
        tot = f"{sum(w for w, _ in ph):6.2f} ({sum(c for _, c in ph):6.2f})"
        print(f"{name:24} " + " ".join(f"{x:>15}" for x in cells) + f" {tot:>15}  {load:.2f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", type=Path, nargs="?")
    ap.add_argument("--parquet", type=Path, help="the same events as Parquet (generate.py --parquet)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of every job (best wall kept)")
    ap.add_argument("--max-load", type=float, default=1.5, help="a job whose runs all started above it runs again")
    ap.add_argument("--extra", type=int, default=2, help="extra rounds at most for such jobs")
    ap.add_argument("--only", help="comma-separated job names (e.g. map,paths)")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--cjtool-path", type=Path, help="time the cjtool package in this folder (default: this checkout)")
    ap.add_argument("--smoke", action="store_true", help="50k generated rows, one run: checks the harness")
    ap.add_argument(
        "--phases", action="store_true", help="instead: each command's phases through the API (--parquet file if given)"
    )
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cjcmds-") as tmp_s:
        tmp = Path(tmp_s)
        if a.smoke:
            import generate

            a.csv = tmp / "events_50k.csv"
            generate.generate(50_000, a.csv, parquet=True, quiet=True)
            a.parquet, a.repeat, a.extra = a.csv.with_suffix(".parquet"), 1, 0
        if a.csv is None:
            ap.error("give the events CSV (or --smoke)")
        # a Parquet file alone may stand in the first place (e.g. --only map for an A/B)
        first = "parquet" if a.csv.suffix.lower() in (".parquet", ".pq") else "csv"
        files = {first: a.csv} | ({"parquet": a.parquet} if a.parquet else {})
        rows_n = run.count_rows(a.csv)  # also warms the page cache
        for f in files.values():
            run.warm(f)
        split = middle_date(a.parquet or a.csv)
        if a.phases:
            phases(a.parquet or a.csv, split, a.only.split(",") if a.only else None, a.cjtool_path or HERE.parent)
            return 0
        # this checkout's cjtool by default (the venv's `cjtool` may be another checkout's)
        cjtool = run.cjtool_from(a.cjtool_path or HERE.parent)
        jobs = build_jobs(files, tmp / "out", split, cjtool, a.only.split(",") if a.only else None)
        (tmp / "out").mkdir()
        print(
            f"{a.csv}: {rows_n:,} rows, {a.csv.stat().st_size / 1e6:.0f} MB; repeat {a.repeat}; "
            f"compare --split {split}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f} at start; "
            f"{time.strftime('%Y-%m-%d %H:%M')}",
            flush=True,
        )
        t0 = time.perf_counter()
        run_all(jobs, a.repeat, a.max_load, a.extra, a.timeout)
        rows = ratios(jobs)
    print()
    print(table(rows))
    loads = [x for j in jobs for x in j.loads]
    print(
        f"load average (1 min) before the runs: {min(loads, default=0):.2f}-{max(loads, default=0):.2f} "
        f"(median {statistics.median(loads or [0]):.2f}) on {os.cpu_count()} CPUs; "
        f"{time.perf_counter() - t0:.0f} s in all"
    )
    if a.json:
        a.json.write_text(json.dumps({"file": str(a.csv), "rows": rows_n, "split": split, "results": rows}, indent=1))
    return 1 if any(j.error for j in jobs) else 0


if __name__ == "__main__":
    sys.exit(main())
