"""Golden outputs of the shipped examples: any change to a number shows up as a diff.

Regenerate after an intended change with:  CJTOOL_UPDATE_GOLDEN=1 pytest tests/test_golden.py
and review the diff like code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "aipl_map.json": ("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "json"),
    "aipl_touchpoints.csv": ("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "csv"),
    "aipl_map.md": ("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "markdown"),
    "zh_map.json": (
        "map",
        EXAMPLES / "zh" / "旅程事件.csv",
        "-m",
        EXAMPLES / "zh" / "旅程模型.yaml",
        "-f",
        "json",
        "--lang",
        "zh",
    ),
    "aipl_furthest.json": ("map", EXAMPLES / "aipl_events.csv", "-m", "aipl", "--mode", "furthest", "-f", "json"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(cli, name):
    r = cli(*CASES[name])
    assert r.exit_code == 0, r.output
    path = GOLDEN / name
    if os.environ.get("CJTOOL_UPDATE_GOLDEN"):
        path.write_text(r.stdout, encoding="utf-8")
    assert r.stdout == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", ["旅程事件_gbk.csv", "旅程事件_bom.csv"])
def test_gbk_and_bom_copies_give_the_same_json(cli, variant):
    base = cli(*CASES["zh_map.json"]).stdout
    args = list(CASES["zh_map.json"])
    args[1] = EXAMPLES / "zh" / variant
    assert cli(*args).stdout == base
