"""The benchmark generator, at a tiny size (CI runs no timings: see benchmarks/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
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
