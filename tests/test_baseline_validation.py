"""Hand-edited or damaged baselines (issue 21, item 10): refused with exit 4 naming the
first bad key, never exit 70 and never a p = 0 "significant" from impossible sums; every
map cjtool writes (random logs, both modes) is a valid baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cjtool.analyses.baseline_map import map_from_dict
from cjtool.api import map_journey
from cjtool.errors import DataError, ExitCode
from cjtool.model import parse_model
from tests.conftest import EXAMPLES
from tests.test_differential import cases, frame_of

AIPL = EXAMPLES / "aipl_events.csv"


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    from typer.testing import CliRunner

    from cjtool.cli.app import app

    out = tmp_path_factory.mktemp("base") / "base.json"
    r = CliRunner().invoke(app, ["map", str(AIPL), "-m", "aipl", "-f", "json", "-q", "-o", str(out)])
    assert r.exit_code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _damaged(doc: dict, edit) -> dict:
    copy = json.loads(json.dumps(doc))
    edit(copy)
    return copy


def _set(path: str, value):
    def edit(doc: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
        target = doc
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return edit


CASES = [
    ("touchpoints[0].exits", lambda d: d["touchpoints"][0]["customers"] + 1, "is more than touchpoints[0].customers"),
    ("stages[1].customers", lambda d: d["customers"]["entered"] + 1, "is more than customers.entered"),
    ("customers.entered", lambda d: d["customers"]["total"] + 5, "is more than customers.total"),
    ("stages[2].drop_off", lambda d: -3, "-3 is not a count"),
    ("touchpoints[1].events", lambda d: 2.5, "2.5 is not a count"),
    ("stages[0].sums.nps.promoters", lambda d: d["stages"][0]["sums"]["nps"]["n"] + 1, "is more than"),
    ("rows.read", lambda d: 10**40, "a 41-digit number is not a count"),
    ("stages[0].satisfaction", lambda d: float("inf"), "inf is not a finite number"),
]


@pytest.mark.parametrize(("path", "value", "why"), CASES, ids=[c[0] for c in CASES])
def test_a_damaged_key_is_named(cli, stored, tmp_path, path, value, why):
    doc = _damaged(stored, _set(path, value(stored)))
    base = tmp_path / "base.json"
    base.write_text(json.dumps(doc), encoding="utf-8")  # inf is written as Infinity, as 1e400 reads
    for command in (
        ["check", AIPL, "-m", "aipl", "--baseline", base],
        ["compare", AIPL, "-m", "aipl", "--baseline-map", base],
    ):
        r = cli(*command, "-q")
        assert r.exit_code == ExitCode.DATA, r.stderr
        assert r.stderr.startswith(f"cjtool: error: {base}: `{path}`: ") and why in r.stderr, r.stderr
        assert "internal error" not in r.stderr


def test_impossible_score_sums_are_refused_not_significant(cli, stored, tmp_path):
    """Sum of squares below sum^2 / n: a negative variance gave p = 0, "significant"."""
    doc = json.loads(json.dumps(stored))
    sums = doc["touchpoints"][0]["sums"]["satisfaction"]
    assert sums["n"] > 1
    sums["sum_sq"] = sums["sum"] ** 2 / sums["n"] * 0.5
    base = tmp_path / "base.json"
    base.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("check", AIPL, "-m", "aipl", "--baseline", base, "-q")
    assert r.exit_code == ExitCode.DATA
    assert "`touchpoints[0].sums.satisfaction.sum_sq`: " in r.stderr and "impossible sums" in r.stderr
    sums["sum_sq"] = sums["sum"] ** 2 / sums["n"]  # every answer the same: possible (variance 0)
    assert map_from_dict(doc, parse_model((EXAMPLES / "aipl.yaml").read_text(encoding="utf-8"))) is not None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"schema": "cjtool.map/2", "rows": {"read": 1e400}}', "`rows.read`: inf is not a finite number"),
        ('{"schema": "cjtool.map/2", "rows": {"read": ' + "9" * 5000 + "}}", "cannot read the baseline map"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=["1e400", "5000-digit integer", "100k-deep nesting"],
)
def test_numbers_and_nesting_json_cannot_hold(cli, stored, tmp_path, text, why):
    base = tmp_path / "base.json"
    if text.startswith('{"schema"'):  # the rest of a valid map around the damaged key
        damaged = json.loads(json.dumps(stored))
        head = json.dumps(damaged)
        value = text.split('"read": ', 1)[1].rstrip("}")
        text = head.replace(f'"read": {stored["rows"]["read"]}', f'"read": {value}', 1)
    base.write_text(text, encoding="utf-8")
    r = cli("check", AIPL, "-m", "aipl", "--baseline", base, "-q")
    assert r.exit_code == ExitCode.DATA, r.stderr
    assert why in r.stderr and "internal error" not in r.stderr


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_every_map_cjtool_writes_is_a_valid_baseline(case) -> None:
    model_text, rows = case
    model = parse_model(model_text)
    try:
        result = map_journey(frame_of(rows), model)
    except DataError:
        return  # no readable timestamp
    doc = json.loads(json.dumps(result.to_dict()))
    assert map_from_dict(doc, model).customers_entered == result.customers_entered


def test_golden_maps_are_valid_baselines() -> None:
    golden = Path(__file__).parent / "golden"
    aipl = (EXAMPLES / "aipl.yaml").read_text(encoding="utf-8")
    models = {
        "aipl_map.json": aipl,
        "aipl_furthest.json": aipl.replace("mode: ordered", "mode: furthest"),
        "zh_map.json": (EXAMPLES / "zh" / "旅程模型.yaml").read_text(encoding="utf-8"),
    }
    for name, text in models.items():
        doc = json.loads((golden / name).read_text(encoding="utf-8"))
        model = parse_model(text)
        assert map_from_dict(doc, model).customers_entered == doc["customers"]["entered"]


def test_a_damaged_baseline_is_told_in_chinese(cli, stored, tmp_path):
    """The baseline reader's messages go through the catalogue: a Chinese run names the
    key and says why in Chinese, with no English left."""
    doc = _damaged(stored, _set("stages[2].drop_off", -3))
    base = tmp_path / "base.json"
    base.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("compare", AIPL, "-m", "aipl", "--baseline-map", base, "-q", "--lang", "zh")
    assert r.exit_code == ExitCode.DATA, r.stderr
    assert r.stderr.startswith(f"cjtool: 错误：{base}：`stages[2].drop_off`：-3 不是计数"), r.stderr
    assert "基线已损坏或被手工改过" in r.stderr and "cjtool map EVENTS" in r.stderr
    for english in ("is not", "baseline", "damaged", "write it"):
        assert english not in r.stderr.replace(str(base), ""), r.stderr
    missing = cli("compare", AIPL, "-m", "aipl", "--baseline-map", tmp_path / "nope.json", "-q", "--lang", "zh")
    assert missing.exit_code == ExitCode.DATA and "基线旅程地图文件不存在" in missing.stderr, missing.stderr
