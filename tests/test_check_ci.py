"""`cjtool check` in CI logs: headers, precision, Markdown, files, annotations, data gates."""

from __future__ import annotations

import json

import pytest

from cjtool.errors import ExitCode
from cjtool.gates import GateResult
from cjtool.render.gates_text import value_text
from tests.conftest import EXAMPLES

EVENTS = EXAMPLES / "aipl_events.csv"


@pytest.fixture(scope="module")
def checkout_drop_off() -> float:
    from cjtool.api import map_journey
    from cjtool.gates import _touchpoint_value
    from cjtool.model import load_model

    return _touchpoint_value(map_journey([str(EVENTS)], load_model("aipl")), "max_drop_off", "checkout")  # type: ignore[return-value]


def test_table_has_a_result_header_and_values_at_the_thresholds_precision(cli, checkout_drop_off):
    r = cli("check", EVENTS, "-m", "aipl", "--max-drop-off", "checkout=40%", "-q")
    assert r.exit_code == ExitCode.GATE_FAILED
    lines = r.stdout.splitlines()
    header = next(line for line in lines if "Gate" in line and "Value" in line)
    assert header.split() == ["Gate", "Value", "Result"]
    row = next(line for line in lines if "drop-off of checkout" in line)
    assert row.split() == ["drop-off", "of", "checkout", "<=", "40%", f"{100 * checkout_drop_off:.1f}%", "FAIL"]
    r = cli("check", EVENTS, "-m", "aipl", "--max-drop-off", "checkout=0.5", "-q")
    row = next(line for line in r.stdout.splitlines() if "drop-off of checkout" in line)
    assert row.split()[-3:] == ["0.5", f"{checkout_drop_off:.2f}", "PASS"]
    assert all(line == line.rstrip() for line in lines)


def test_a_failing_value_never_looks_equal_to_its_threshold():
    g = GateResult("min_conversion", "purchase", 0.05, 0.04999, "0.05")
    assert not g.passed and value_text(g) == "0.04999"
    assert value_text(GateResult("max_drop_off", "x", 0.3, 0.3004, "30%")) == "30.04%"
    assert value_text(GateResult("max_drop_off", "x", 0.3, 0.3, "30%")) == "30.0%"  # passes: no digits added
    assert value_text(GateResult("min_nps", "x", 20.0, 25.25, None)) == "25.2"  # model gate: `20` as written


@pytest.mark.parametrize("flag", ["markdown", "md"])
def test_markdown_for_the_job_summary(cli, flag):
    r = cli("check", EVENTS, "-m", "aipl", "--max-drop-off", "checkout=40%", "-f", flag, "-q")
    assert r.exit_code == ExitCode.GATE_FAILED
    lines = r.stdout.splitlines()
    assert lines[0] == "### Gates: 0 of 1 gates passed"
    assert "| Gate | Value | Result |" in lines and "| --- | ---: | --- |" in lines
    assert any(line.startswith("| drop-off of checkout \\<= 40% |") and line.endswith("| **FAIL** |") for line in lines)


def test_with_o_the_file_gets_the_format_and_the_log_the_table(cli, tmp_path):
    for name, fmt in (("gates.json", None), ("summary.md", None), ("gates.txt", "json")):
        model = EXAMPLES / "aipl.yaml"  # four gates, two of them fail
        args = ["check", EVENTS, "-m", model, "-o", tmp_path / name, "-q"] + (["-f", fmt] if fmt else [])
        r = cli(*args)
        assert r.exit_code == ExitCode.GATE_FAILED
        assert "Result" in r.stdout and "2 of 4 gates passed" in r.stdout  # the table in the log
        text = (tmp_path / name).read_text(encoding="utf-8")
        if name.endswith(".md"):
            assert text.startswith("### Gates")
        else:
            doc = json.loads(text)
            assert doc["schema"] == "cjtool.check/1" and doc["passed"] is False


def test_github_annotations(cli):
    args = ("check", EVENTS, "-m", "aipl", "--max-drop-off", "checkout=40%", "-q")
    assert "::error" not in cli(*args).stdout
    r = cli(*args, env={"GITHUB_ACTIONS": "true"})
    errors = [line for line in r.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 1  # the built-in model's own two gates pass
    assert errors[0].startswith("::error title=cjtool check::drop-off of checkout <= 40%25: value 4")
    # JSON on stdout stays JSON: the annotations go to stderr
    r = cli(*args, "-f", "json", env={"GITHUB_ACTIONS": "true"})
    assert json.loads(r.stdout)["passed"] is False
    assert r.stderr.count("::error title=cjtool check::") == 1


def test_data_quality_gates(cli, small):
    model, events = small  # 9 rows, 1 rejected; 8 events, 1 unassigned; the model has no gates
    r = cli("check", events, "-m", model, "--max-rejected", "10%", "--max-unassigned", "0.2", "-f", "json", "-q")
    assert r.exit_code == ExitCode.GATE_FAILED
    gates = {g["gate"]: g for g in json.loads(r.stdout)["gates"]}
    assert gates["max_rejected"] == {
        "gate": "max_rejected",
        "target": None,
        "threshold": 0.1,
        "threshold_text": "10%",
        "value": 1 / 9,
        "passed": False,
    }
    assert gates["max_unassigned"]["value"] == 1 / 8 and gates["max_unassigned"]["passed"] is True
    r = cli("check", events, "-m", model, "--max-rejected", "12%", "-q")
    assert r.exit_code == 0 and "share of rows rejected <= 12%" in r.stdout and "11.1%" in r.stdout
    for bad in ("abc", "150%", "2"):
        r = cli("check", events, "-m", model, "--max-rejected", bad)
        assert r.exit_code == ExitCode.USAGE and f"--max-rejected {bad!r}" in r.stderr


def test_no_spinner_codes_in_a_log_even_with_force_color(cli, small):
    model, events = small
    r = cli("check", events, "-m", model, "--max-rejected", "50%", env={"FORCE_COLOR": "1"})
    assert r.exit_code == 0
    assert "\x1b" not in r.stderr and "warning: 1 of 9 rows rejected" in r.stderr
