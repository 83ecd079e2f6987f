"""The benchmark generator, at a tiny size (CI runs no timings: see benchmarks/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(out: Path, *extra: str) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--events",
            "20000",
            "--out",
            str(out),
            "--quiet",
            *extra,
        ],
        check=True,
    )


def test_generator_is_seeded_and_maps_to_a_funnel(cli, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    generate(a, "--parquet")
    generate(b)
    assert a.read_bytes() == b.read_bytes()  # same seed, same bytes
    assert a.read_text(encoding="utf-8").count("\n") == 20001
    csv_map = json.loads(cli("map", a, "-m", "aipl", "-f", "json").stdout)
    parquet_map = json.loads(cli("map", a.with_suffix(".parquet"), "-m", "aipl", "-f", "json").stdout)
    assert csv_map == parquet_map
    reached = [s["customers"] for s in csv_map["stages"]]
    assert reached == sorted(reached, reverse=True) and reached[-1] > 0
    assert csv_map["rows"] == {"read": 20000, "rejected": 0, "rejected_by_reason": {}, "blank": 0, "duplicates": 0}
    assert csv_map["events"]["unassigned"] > 0


def test_fresh_phases_and_floor_plus_sort_run(tmp_path):
    """The timing scripts run end to end on a tiny file (their figures are not checked)."""
    events = tmp_path / "e.csv"
    generate(events, "--parquet")
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fresh_phases.py"), str(events), "--runs", "1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = out.splitlines()[-1]
    assert line.startswith("[1/1] this  read ") and " | map " in line and "| peak " in line
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench_run
    finally:
        sys.path.pop(0)
    for f in (events, events.with_suffix(".parquet")):
        done = subprocess.run(
            [sys.executable, "-c", bench_run.SORT_FLOOR_CODE, str(f)], check=True, capture_output=True, text=True
        )
        assert done.stdout.strip() == "20000"


def test_spark_bench_reads_the_event_log_and_the_process_tree(tmp_path):
    """spark_bench's figures: per-stage task time and shuffle bytes summed from Spark's
    rolling event log; a process tree's RSS includes its children's."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import spark_bench

    folder = tmp_path / "eventlog_v2_local-1"
    folder.mkdir()

    def task(stage: int, run_ms: int, written: int, read: int) -> str:
        metrics = {
            "Executor Run Time": run_ms,
            "Shuffle Write Metrics": {"Shuffle Bytes Written": written},
            "Shuffle Read Metrics": {"Remote Bytes Read": read, "Local Bytes Read": read},
        }
        return json.dumps({"Event": "SparkListenerTaskEnd", "Stage ID": stage, "Task Metrics": metrics})

    lines = [
        json.dumps({"Event": "SparkListenerJobStart"}),
        task(1, 1500, 100, 0),
        task(1, 500, 50, 0),
        task(3, 2000, 0, 75),
    ]
    (folder / "events_1_local-1").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert spark_bench.stages_of(tmp_path) == [
        {"stage": 1, "tasks": 2, "run_s": 2.0, "shuffle_w": 150, "shuffle_r": 0},
        {"stage": 3, "tasks": 1, "run_s": 2.0, "shuffle_w": 0, "shuffle_r": 150},
    ]
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(200_000_000); time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while spark_bench.tree_rss(child.pid) < 200_000_000 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert spark_bench.tree_rss(os.getpid()) >= spark_bench.tree_rss(child.pid) >= 200_000_000
    finally:
        child.kill()
        child.wait()
