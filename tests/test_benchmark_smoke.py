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
    assert csv_map["rows"] == {"read": 20000, "rejected": 0, "rejected_by_reason": {}}
    assert csv_map["events"]["unassigned"] > 0
