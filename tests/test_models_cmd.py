"""Models as Chinese-speaking users write them: ids, gates in %, `init --lang zh`,
`init --from EVENTS`, and `validate` (closest names, all rows rejected, one stream, JSON)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
import yaml

from cjtool import builtin_models
from cjtool.errors import ExitCode, ModelError
from cjtool.model import load_model, parse_model
from tests.conftest import EXAMPLES, HEADER

CJK = re.compile(r"[\u4e00-\u9fff]")

ZH_MODEL = """\
name: 中文
stages:
  - id: 认知
    touchpoints: [看到广告]
  - id: 购买-1
    touchpoints: [下单]
gates:
  min_conversion: {购买-1: 30%}
  max_drop_off: {认知: "50 %", 看到广告: 0.25}
"""


def test_stage_ids_in_any_script_and_gates_in_percent():
    m = parse_model(ZH_MODEL)
    assert [s.id for s in m.stages] == ["认知", "购买-1"]
    assert m.gates.min_conversion == (("购买-1", 0.3),)
    assert m.gates.max_drop_off == (("认知", 0.5), ("看到广告", 0.25))


@pytest.mark.parametrize(
    ("gates", "problem"),
    [
        ("min_conversion: {b: 30}", "not a share between 0 and 1; write 0.3 or 30%"),
        ("min_conversion: {b: 130%}", "1.3 is not a share"),
        ("min_conversion: {b: abc%}", "expected a number, got 'abc%'"),
    ],
)
def test_bad_gate_numbers_are_still_refused(gates, problem):
    with pytest.raises(ModelError) as exc:
        parse_model(f"stages:\n  - {{id: a, touchpoints: [x]}}\n  - {{id: b, touchpoints: [y]}}\ngates:\n  {gates}\n")
    assert problem in str(exc.value)


def test_ids_with_spaces_or_punctuation_are_refused():
    for sid in ("'a b'", "'认知（一）'"):
        with pytest.raises(ModelError, match="not a valid id: use letters .any language., digits"):
            parse_model(f"stages:\n  - {{id: {sid}, touchpoints: [x]}}\n")


def test_check_with_a_chinese_stage_gate(cli, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(ZH_MODEL, encoding="utf-8")
    events = tmp_path / "e.csv"
    events.write_text(
        HEADER + "c1,2024-01-01,看到广告,,,,\nc1,2024-01-02,下单,,,,\nc2,2024-01-01,看到广告,,,,\n", "utf-8"
    )
    r = cli("check", events, "-m", model, "--min-conversion", "购买-1=60%", "-f", "json")
    gates = {(g["gate"], g["target"]): (g["threshold"], g["passed"]) for g in json.loads(r.stdout)["gates"]}
    assert gates[("min_conversion", "购买-1")] == (0.6, False)  # the command line wins: 1 of 2 = 0.5
    assert gates[("max_drop_off", "认知")] == (0.5, True)  # from the model, written "50 %"
    assert r.exit_code == ExitCode.GATE_FAILED


@pytest.mark.parametrize("name", builtin_models.names())
def test_builtin_models_set_no_gates_but_show_them_commented(name):
    assert load_model(name).gates.is_empty()
    lines = builtin_models.read(name).decode("utf-8").splitlines()
    start = lines.index("# gates:")
    example = "\n".join(line[2:] for line in lines[start:]) + "\n"
    assert re.search(r"min_conversion: \{\w+: \d+%\}", example)  # the examples, in %, to uncomment
    uncommented = "\n".join(lines[:start]) + "\n" + example
    assert not parse_model(uncommented).gates.is_empty()


@pytest.mark.parametrize("name", builtin_models.names())
def test_init_lang_zh_writes_chinese_comments(cli, tmp_path, name):
    assert builtin_models.untranslated_comments(name) == []
    assert cli("init", name, "--lang", "zh", "-o", tmp_path / "zh.yaml").exit_code == 0
    assert cli("init", name, "-o", tmp_path / "en.yaml").exit_code == 0
    zh = (tmp_path / "zh.yaml").read_text(encoding="utf-8")
    comments = [line for line in zh.splitlines() if line.lstrip().startswith("#")]
    prose = [c for c in comments if not re.match(r'^\s*#\s*[a-z_]+:(\s*\{[^}]*\}|\s*"[^"]*")?\s*$', c)]
    assert prose and all(CJK.search(c) for c in prose), [c for c in prose if not CJK.search(c)]
    assert "`cjtool validate --model 本文件 events.csv`" in zh
    en = load_model(tmp_path / "en.yaml")
    assert load_model(tmp_path / "zh.yaml") == replace(en, source=str(tmp_path / "zh.yaml"))  # only comments differ


def test_init_needs_a_name_or_from(cli):
    r = cli("init")
    assert r.exit_code == ExitCode.USAGE and "or --from EVENTS to draft one" in r.stderr
    r = cli("init", "aipl", "-c", "touchpoint=event")
    assert r.exit_code == ExitCode.USAGE and "are for --from EVENTS" in r.stderr


DRAFT_EVENTS = "用户,时间,事件\n" + "".join(
    f"u{i},2024-01-0{1 + i % 5},{tp}\n" for i, tp in enumerate(["浏览"] * 5 + ["下单"] * 2 + ["看到广告"] * 3 + ["yes"])
)


def test_init_from_events_drafts_touchpoints_by_volume(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(DRAFT_EVENTS + "u9,not a time,浏览\nu9,2024-01-01,\n", encoding="utf-8")
    out = tmp_path / "shop.yaml"
    args = ("-c", "customer_id=用户", "-c", "timestamp=时间", "-c", "touchpoint=事件")
    r = cli("init", "店铺", "--from", events, *args, "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    listed = re.findall(r"^      # - (.+?)\s+# ([\d,]+)$", text, flags=re.M)
    # every touchpoint with its events (the row with a bad time too; a blank one is no touchpoint)
    assert listed == [("浏览", "6"), ("看到广告", "3"), ("下单", "2"), ('"yes"', "1")]
    doc = yaml.safe_load(text)
    assert doc["name"] == "店铺" and doc["columns"] == {
        "customer_id": "用户",
        "timestamp": "时间",
        "touchpoint": "事件",
    }
    assert [s["id"] for s in doc["stages"]] == ["stage_1", "stage_2", "stage_3"]
    # moving the lines into stages gives a model that maps the data
    filled = text.replace("      # - 浏览", "      - 浏览").replace("      # - 看到广告", "      - 看到广告")
    filled = filled.replace("  - id: stage_3\n", "  - id: stage_3\n    match: 下单\n")
    filled = filled.replace("  - id: stage_2\n    label: {en: Stage 2, zh: 阶段 2}\n    touchpoints:\n", "")
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    r = cli("validate", "-m", tmp_path / "filled.yaml", events)
    assert r.exit_code == 0, r.output
    r = cli("init", "--from", events, *args, "--lang", "zh", "-o", "-")
    assert r.stdout.startswith("# cjtool 旅程模型：根据") and "共 12 个事件" in r.stdout


def test_init_from_events_names_a_missing_column(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("a,b,c\nu1,2024-01-01,x\n", encoding="utf-8")  # no header a touchpoint is known by
    r = cli("init", "--from", events, "-o", tmp_path / "x.yaml")
    assert r.exit_code == ExitCode.DATA and "--column touchpoint=HEADER" in r.stderr
    assert not (tmp_path / "x.yaml").exists()
    events.write_text(DRAFT_EVENTS, encoding="utf-8")
    r = cli("init", "--from", events, "-c", "touchpoint=动作", "-o", tmp_path / "x.yaml")
    assert r.exit_code == ExitCode.DATA and "no `动作` column; found: 用户, 时间, 事件" in r.stderr


def _typo_model(tmp_path):
    text = (EXAMPLES / "aipl.yaml").read_text(encoding="utf-8")
    assert "product_page_view," in text
    model = tmp_path / "typo.yaml"
    model.write_text(text.replace("product_page_view,", "Product-Page-View,"), encoding="utf-8")
    return model


def test_validate_names_the_closest_touchpoint_of_the_data(cli, tmp_path):
    r = cli("validate", "-m", _typo_model(tmp_path), EXAMPLES / "aipl_events.csv")
    assert r.exit_code == 0, r.output
    n = sum(
        1
        for line in (EXAMPLES / "aipl_events.csv").read_text(encoding="utf-8").splitlines()[1:]
        if line.split(",")[2] == "product_page_view"
    )
    assert (
        f"warning: touchpoint `Product-Page-View` of stage `interest` never occurs in the data; "
        f"did you mean `product_page_view`? it occurs {n:,} times"
    ) in r.stdout


def test_validate_fails_when_every_row_is_rejected(cli, tmp_path, small):
    model, _ = small
    events = tmp_path / "e.csv"
    events.write_text(HEADER + ",2024-01-01,ad,,,,\n,2024-01-02,view,,,,\n", encoding="utf-8")
    r = cli("validate", "-m", model, events)
    assert r.exit_code == ExitCode.DATA
    assert "error: every row is rejected: 2 of 2" in r.stdout and "not valid" in r.stdout
    assert len(r.stderr.strip().splitlines()) == 1 and "every row is rejected" in r.stderr


def test_validate_lists_every_problem_on_stdout(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages:\n  - {id: 'a b', touchpoints: [x]}\n  - {id: b}\n", encoding="utf-8")
    r = cli("validate", "-m", bad)
    assert r.exit_code == ExitCode.MODEL
    errors = [line for line in r.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and "not a valid id" in errors[0] and "can match nothing" in errors[1]
    assert len(r.stderr.strip().splitlines()) == 1 and "(and 1 more, listed on stdout)" in r.stderr
    r = cli("validate", "-m", bad, "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["valid"] is False and [f["severity"] for f in doc["findings"]] == ["error", "error"]


def test_validate_json(cli, tmp_path):
    r = cli("validate", "-m", _typo_model(tmp_path), EXAMPLES / "aipl_events.csv", "-f", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["schema"] == "cjtool.validate/1" and doc["valid"] is True
    assert doc["model"]["stages"] == ["awareness", "interest", "purchase", "loyalty"]
    assert doc["data"]["rows_read"] == 35288 and doc["data"]["rows_rejected"] == 0
    assert any("Product-Page-View" in f["message"] for f in doc["findings"] if f["severity"] == "warning")
    r = cli("validate", "-m", EXAMPLES / "aipl.yaml", tmp_path / "missing.csv", "-f", "json")
    assert r.exit_code == ExitCode.DATA and json.loads(r.stdout)["findings"][0]["severity"] == "error"


@pytest.mark.parametrize("name", ["aipl", "5a", "b2b", "experience"])
def test_the_timestamp_comment_tells_what_is_read(cli, tmp_path, name):
    """The model's comment names what cjtool reads without `timestamp_format`: each of its
    examples is read, and so is a Chinese stage id (ids are not ASCII only)."""
    text = builtin_models.read(name).decode("utf-8")
    lines = text.split("# timestamp_format:", 1)[1].split("\n# timestamp_format", 1)[0]
    examples = ["2026/3/4 9:05", "20260304101500", "2026-03-04", "2026-03-04T10:15:00+08:00", "1772619300"]
    for example in examples[:2]:
        assert example in lines, f"{name}: the comment should name {example}"
    events = tmp_path / "e.csv"
    events.write_text("customer_id,timestamp,touchpoint\n" + "".join(f"c{i},{e},ad\n" for i, e in enumerate(examples)))
    model = tmp_path / "m.yaml"
    model.write_text("name: m\nstages:\n  - {id: 认知, touchpoints: [ad]}\n", encoding="utf-8")
    r = cli("map", events, "-m", model, "-f", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"]["rejected"] == 0 and doc["stages"][0]["id"] == "认知"
