#!/usr/bin/env python3
"""The polars engine vs `--partitions 4` vs Spark local mode, on one events file.

    python benchmarks/spark_bench.py benchmarks/data/events_1m.parquet [--master local[2]] [--repeat 1]

Each run is a fresh `python -m cjtool map FILE --model aipl --window 30d -f json -o TMP -q`
(with `--partitions 4`, or `--engine spark --spark-master MASTER`), run from this checkout.
Measured: wall time; the driver's peak RSS (the child's own ru_maxrss from ``os.wait4``);
the whole process tree's peak RSS (the sum of VmRSS over the child and every descendant:
the JVM and Spark's Python workers, sampled every 0.1 s from /proc, so Linux only and a
lower bound for spikes shorter than that). The JSON of every run must equal the polars
engine's, byte for byte (the `same` column).

The Spark run writes Spark's event log (``spark.eventLog.*`` through PYSPARK_SUBMIT_ARGS),
read afterwards for each stage's tasks, summed task run time (core-seconds, Python
workers included) and shuffle bytes written and read: the per-partition cost and the
shuffle volume of the repartition by customer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(stat.parent.name))
    return kids


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its descendants, now."""
    kids, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
    return total


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, driver peak RSS and process-tree peak RSS (bytes) of one fresh run."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({child.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return {"wall": wall, "driver": usage.ru_maxrss * 1024, "tree": max(peak[0], usage.ru_maxrss * 1024)}


def stages_of(log_dir: Path) -> list[dict[str, float]]:
    """Per stage of the event log in ``log_dir``: tasks, summed task run time (s), shuffle
    bytes written and read, input records."""
    stages: dict[int, dict[str, float]] = {}
    for log in (p for p in sorted(log_dir.rglob("*")) if p.is_file() and not p.name.startswith(".")):
        for line in log.read_text(errors="replace").splitlines():
            event = json.loads(line)
            if event.get("Event") != "SparkListenerTaskEnd" or "Task Metrics" not in event:
                continue
            m = event["Task Metrics"]
            s = stages.setdefault(
                event["Stage ID"], {"stage": event["Stage ID"], "tasks": 0, "run_s": 0, "shuffle_w": 0, "shuffle_r": 0}
            )
            s["tasks"] += 1
            s["run_s"] += m.get("Executor Run Time", 0) / 1000
            s["shuffle_w"] += m.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
            read = m.get("Shuffle Read Metrics", {})
            s["shuffle_r"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
    return [stages[k] for k in sorted(stages)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each job; the table shows the best wall")
    args = ap.parse_args(argv)
    base = [sys.executable, "-m", "cjtool", "map", str(args.file.resolve()), "--model", "aipl", "--window", "30d"]
    base += ["-f", "json", "-q"]
    jobs = {
        "polars engine": [],
        "--partitions 4": ["--partitions", "4"],
        f"spark {args.master}": ["--engine", "spark", "--spark-master", args.master],
    }
    print(f"{args.file} ({args.file.stat().st_size / 1e6:.0f} MB); load before: {os.getloadavg()[0]:.2f}", flush=True)
    rows: list[tuple[str, dict[str, float]]] = []
    reference: bytes | None = None
    stages: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="cjtool-spark-bench-") as tmp:
        for name, extra in jobs.items():
            best: dict[str, float] | None = None
            for r in range(args.repeat):
                out = Path(tmp, f"{len(rows)}-{r}.json")
                env = dict(os.environ, PYTHONPATH=str(ROOT))
                logs = Path(tmp, f"events-{len(rows)}-{r}")
                if "spark" in extra:
                    logs.mkdir()
                    env["PYSPARK_SUBMIT_ARGS"] = (
                        f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{logs} "
                        "--conf spark.eventLog.compress=false pyspark-shell"
                    )
                m = measure([*base, *extra, "-o", str(out)], env)
                m["same"] = reference is None or out.read_bytes() == reference
                reference = reference or out.read_bytes()
                if "spark" in extra:
                    stages = stages_of(logs)
                print(f"  {name} run {r + 1}: {m['wall']:.1f} s", file=sys.stderr, flush=True)
                if best is None or m["wall"] < best["wall"]:
                    best = m
            assert best is not None
            rows.append((name, best))
    print(f"load after: {os.getloadavg()[0]:.2f}\n")
    print("| job | wall | driver peak RSS | process tree peak RSS | same JSON |")
    print("|---|---:|---:|---:|---|")
    for name, m in rows:
        print(
            f"| {name} | {m['wall']:.1f} s | {m['driver'] / 1e9:.2f} GB | {m['tree'] / 1e9:.2f} GB | "
            f"{'yes' if m['same'] else 'NO'} |"
        )
    if stages:
        events = json.loads(reference or b"{}").get("rows", {}).get("read", 0)
        core_s = sum(s["run_s"] for s in stages)
        print(f"\n{events:,} events; Spark task time {core_s:.1f} core-s: {events / core_s:,.0f} events/s per core")
        print("Spark stages (event log): | stage | tasks | task time (core-s) | shuffle write | shuffle read |")
        for s in stages:
            print(
                f"| {s['stage']} | {s['tasks']:.0f} | {s['run_s']:.1f} | {s['shuffle_w'] / 1e6:.1f} MB "
                f"| {s['shuffle_r'] / 1e6:.1f} MB |"
            )
    return 0 if all(m["same"] for _, m in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
