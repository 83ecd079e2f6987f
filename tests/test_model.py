"""Journey models: the format, the built-ins, and every way a model can be wrong."""

from __future__ import annotations

import time

import pytest

from cjtool import builtin_models
from cjtool.errors import ModelError, UsageError
from cjtool.model import load_model, parse_model, parse_window
from tests.conftest import EXAMPLES

BUILTIN_STAGES = {
    "aipl": [("Awareness", "认知"), ("Interest", "兴趣"), ("Purchase", "购买"), ("Loyalty", "忠诚")],
    "5a": [("Aware", "感知"), ("Appeal", "好奇"), ("Ask", "询问"), ("Act", "行动"), ("Advocate", "拥护")],
    "b2b": [
        ("Out of market", "市场外"),
        ("Trigger", "触发"),
        ("Initial brand consideration", "初始品牌考虑"),
        ("Active evaluation", "主动评估"),
        ("Purchase decision", "采购决策"),
        ("Product experience", "产品体验"),
        ("Loyal customer", "忠诚客户"),
    ],
    "experience": [
        ("Awareness", "意识"),
        ("Consideration", "考虑"),
        ("Purchase", "购买"),
        ("Use", "使用"),
        ("Feedback", "反馈"),
    ],
}


@pytest.mark.parametrize("name", sorted(BUILTIN_STAGES))
def test_builtin_models(name):
    m = load_model(name)
    assert [(s.label.get("en"), s.label.get("zh")) for s in m.stages] == BUILTIN_STAGES[name]
    assert m.title.get("zh") != m.title.get("en")
    assert m.description.get("en").isascii() and not m.description.get("zh").isascii()  # both written out
    for s in m.stages:
        assert s.touchpoints or s.match


def test_builtin_names():
    assert builtin_models.names() == ["aipl", "5a", "b2b", "experience"]
    assert load_model("AIPL").name == "aipl"


def test_full_format():
    m = parse_model("""
name: shop
title: {en: Shop, zh: 商店}
description: d
mode: furthest
window: 12h
timestamp_format: "%d/%m/%Y %H:%M"
columns: {customer_id: user, touchpoint: event}
stages:
  - id: a
    label: 认知
    description: first
    touchpoints: [ad, "no", "010"]
    match: "^promo_"
    channels: [web]
    moment_of_truth: first contact
  - id: b
    touchpoints: [buy]
scores:
  satisfaction: {min: 0, max: 10}
  effort: {min: 1, max: 5}
ranking:
  weights: {drop_off: 2, dissatisfaction: 1}
  min_customers: 5
gates:
  min_conversion: {b: 0.1}
  max_drop_off: {ad: 0.5}
""")
    assert m.name == "shop" and m.mode == "furthest" and m.window_s == 12 * 3600
    assert m.title.get("zh") == "商店" and m.title.get("fr") == "Shop"
    assert m.column_map["customer_id"] == "user" and m.column_map["timestamp"] == "timestamp"
    a = m.stages[0]
    # YAML 1.1 would make `no` False and `010` the number 8: names stay names
    assert a.touchpoints == ("ad", "no", "010")
    assert a.label.get("en") == "认知" and a.channels == ("web",) and a.moment_of_truth == "first contact"
    assert m.stages[1].label.get("en") == "b"
    assert (m.satisfaction_scale.min, m.satisfaction_scale.max) == (0, 10)
    assert (m.weight_drop_off, m.weight_dissatisfaction, m.min_customers) == (2, 1, 5)
    assert m.gates.min_conversion == (("b", 0.1),) and m.gates.max_drop_off == (("ad", 0.5),)
    assert m.timestamp_format == "%d/%m/%Y %H:%M"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30d", 2592000), ("12h", 43200), ("90m", 5400), ("45s", 45), ("2w", 1209600), ("1.5h", 5400), (" 7d ", 604800)],
)
def test_windows(text, seconds):
    assert parse_window(text) == seconds


@pytest.mark.parametrize("text", ["30 days", "-1d", "0d", "d", "30", "1:30", "", "1M", "7D"])
def test_bad_windows(text):
    assert parse_window(text) is None


def problems(text: str) -> list[str]:
    with pytest.raises(ModelError) as err:
        parse_model(text, "m.yaml")
    return err.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stages: [\n", "m.yaml:2:1: YAML syntax error"),
        ("stages:\n  - id: a\n    touchpoints: [x]\n  -id: b\n", "m.yaml:"),
        ("stagse:\n  - id: a\n", "m.yaml:1: stagse: unknown key `stagse` (did you mean `stages`?)"),
        (
            "stages:\n  - id: a\n    touchpionts: [x]\n",
            "m.yaml:3: stages[0].touchpionts: unknown key `touchpionts` (did you mean `touchpoints`?)",
        ),
        ("stages: {a: 1}\n", "must be a non-empty list"),
        ("stages: []\n", "must be a non-empty list"),
        ("name: x\n", "stages: is required"),
        (
            "stages:\n  - id: a\n    touchpoints: [x]\n  - id: a\n    touchpoints: [y]\n",
            "m.yaml:4: stages[1].id: duplicate stage id `a`",
        ),
        ("stages:\n  - id: a\n", "stage `a` can match nothing"),
        ("stages:\n  - id: a\n    match: '(x'\n", "invalid regular expression in stage `a`"),
        ("stages:\n  - id: a\n    match: '(?<=x)y'\n", "invalid regular expression in stage `a`"),
        ("window: 30 days\nstages:\n  - id: a\n    match: x\n", "m.yaml:1: window: '30 days' is not a window"),
        ("window: -1d\nstages:\n  - id: a\n    match: x\n", "is not a window"),
        ("mode: sequential\nstages:\n  - id: a\n    match: x\n", "expected one of ordered, furthest"),
        ("stages:\n  - id: a\n    touchpoints: x\n    channels: []\n", "can match nothing"),
        (
            "stages:\n  - {id: a, touchpoints: [x]}\nscores: {satisfaction: {min: 5, max: 1}}\n",
            "max (1) must be greater than min (5)",
        ),
        (
            "stages:\n  - {id: a, touchpoints: [x]}\nranking: {weights: {drop_off: 0, dissatisfaction: 0}}\n",
            "must not both be 0",
        ),
        ("stages:\n  - {id: a, touchpoints: [x]}\nranking: {min_customers: many}\n", "expected a number"),
        ("stages:\n  - {id: 'a b', touchpoints: [x]}\n", "not a valid id"),
        ("stages:\n  - {id: a, touchpoints: [x], label: {en: A, fr: B}}\n", "unknown language `fr`"),
        ("description: {en: A, de: B}\nstages:\n  - {id: a, touchpoints: [x]}\n", "unknown language `de`"),
        ("title: {fr: T}\nstages:\n  - {id: a, touchpoints: [x]}\n", "unknown language `fr`"),
        (
            "stages:\n  - {id: a, touchpoints: [x]}\n  - {id: b, touchpoints: [y]}\ngates:\n  min_conversion: {zzz: 0.2}\n",
            "gates.min_conversion.zzz: `zzz` is not a stage id; stages: a, b",
        ),
        (
            "stages:\n  - {id: aware, touchpoints: [x]}\n  - {id: b, touchpoints: [y]}\ngates:\n  min_conversion: {awre: 0.2}\n",
            "`awre` is not a stage id (did you mean `aware`?)",
        ),
        (
            "stages:\n  - {id: a, touchpoints: [x]}\n  - {id: b, touchpoints: [y]}\ngates:\n  max_drop_off: {b: 0.5}\n",
            "gates.max_drop_off.b: the last stage has no next stage",
        ),
        (
            "stages:\n  - {id: a, touchpoints: [x]}\ncolumns: {customer_id: id, timestamp: id}\n",
            "mapped to more than one role",
        ),
        ("stages:\n  - id: a\n    touchpoints: [x]\n    touchpoints: [y]\n", "m.yaml:4:5: duplicate key `touchpoints`"),
        ("stages: !!python/object:os.system {}\n", "tag:yaml.org,2002:python/object:os.system is not allowed"),
        ("stages:\n  - id: !!python/name:os.system a\n", "is not allowed"),
        ("", "the model is empty"),
        ("- a\n- b\n", "expected a mapping"),
    ],
)
def test_model_errors(text, expected):
    assert any(expected in p for p in problems(text)), problems(text)


def test_all_problems_reported_at_once():
    found = problems("stagse: 1\nwindow: 3 weeks\nmode: x\nstages:\n  - id: a\n    match: '('\n")
    assert len(found) == 4
    assert [p.split(":")[1] for p in found] == ["1", "2", "3", "6"]


def test_yaml_aliases_refused_fast():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}]\n"
    bomb += "stages:\n  - id: s\n    touchpoints: *l\n"
    start = time.perf_counter()
    found = problems(bomb)
    assert time.perf_counter() - start < 1.0  # refused at the first alias, never expanded
    assert "aliases" in found[0] and "m.yaml:2:" in found[0]


def test_deep_nesting_is_an_error_not_a_crash():
    deep = "stages: " + "[" * 5000 + "]" * 5000 + "\n"
    assert problems(deep)


def test_model_file_errors(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "missing.yaml")
    p = tmp_path / "gbk.yaml"
    p.write_bytes("stages:\n  - id: a\n    label: 认知\n    touchpoints: [看到广告]\n".encode("gbk"))
    assert load_model(p).stages[0].touchpoints == ("看到广告",)
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbfstages:\n  - id: a\n    touchpoints: [x]\n")
    assert load_model(p).stages[0].id == "a"


def test_overrides():
    m = load_model("aipl")
    assert m.with_overrides(window="none").window_s is None
    assert m.with_overrides(window="2h").window_s == 7200
    assert m.with_overrides(mode="furthest").mode == "furthest"
    assert m.with_overrides(columns={"customer_id": "uid"}).column_map["customer_id"] == "uid"
    with pytest.raises(UsageError, match="did you mean `timestamp`"):
        m.with_overrides(columns={"timestmp": "t"})


def test_a_broken_model_is_told_in_the_language_it_declares(cli, tmp_path):
    """`lang: zh` in a model that fails to load: its problems and the error line are in
    Chinese; --lang and CJTOOL_LANG still win; a model that loads leaves the library's
    language as it was."""
    from cjtool.i18n import current_lang

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: m\nlang: zh\nstages:\n  - id: a\n    touchpoints: [x]\n    colour: red\n", encoding="utf-8")
    for command in ("map", "validate"):
        events = EXAMPLES / "aipl_events.csv"
        args = [command, "--model", bad] if command == "validate" else [command, events, "--model", bad]
        r = cli(*args)
        assert r.exit_code == 3, r.stderr
        assert "cjtool: 错误：" in r.stderr and "未知的键 `colour`" in r.stderr, r.stderr
        assert "unknown key" not in r.stdout + r.stderr
        r = cli(*args, "--lang", "en")
        assert "cjtool: error:" in r.stderr and "unknown key `colour`" in r.stderr, r.stderr
    good = bad.read_text(encoding="utf-8").replace("    colour: red\n", "")
    assert current_lang() == "en"
    assert parse_model(good).lang == "zh"
    assert current_lang() == "en"  # parsing a model sets no language for later library calls
