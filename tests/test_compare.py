"""cjtool compare and regression gates (SPEC 10, 15, 16): hand-built populations whose
statistics are recomputed here independently (scipy, closed forms, brute-force Holm)."""

from __future__ import annotations

import json
import math
from datetime import date

import polars as pl
import pytest
from scipy import stats as sps

from cjtool.analyses.baseline_map import map_from_dict
from cjtool.analyses.compare import MinEffect, compare, parse_min_effect
from cjtool.api import journeys, load_model
from cjtool.errors import DataError, ExitCode, UsageError
from cjtool.metrics import compute_map
from tests.conftest import SMALL_MODEL

HEADER = "customer_id,timestamp,touchpoint,channel,satisfaction,nps,effort,variant\n"


def arm(prefix: str, variant: str, n: int, viewed: int, bought: int, csat: list[int], day: int = 1) -> list[str]:
    """n customers: all see the ad, ``viewed`` view (the first len(csat) rating it),
    ``bought`` of those buy."""
    rows = []
    for i in range(n):
        cid, d = f"{prefix}{i:03d}", f"2024-01-{day:02d}"
        rows.append(f"{cid},{d}T00:00:00Z,ad,web,,,,{variant}")
        if i < viewed:
            score = str(csat[i]) if i < len(csat) else ""
            rows.append(f"{cid},{d}T00:10:00Z,view,web,{score},,,{variant}")
        if i < bought:
            rows.append(f"{cid},{d}T00:20:00Z,buy,web,,{9 if i % 3 else 4},,{variant}")
    return rows


CSAT_A = [1, 2, 3, 4, 5, 3, 3, 2, 4, 4] * 4
CSAT_B = [2, 3, 4, 5, 5, 4, 3, 4, 4, 5] * 4
B_BOUGHT = 70  # treatment buyers: a clear effect at buy (control: 30 of 200)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_MODEL.replace("window: 1h\n", ""), encoding="utf-8")
    return load_model(str(path))


@pytest.fixture
def ab_events(tmp_path):
    rows = arm("a", "control", 200, 120, 30, CSAT_A) + arm("b", "treatment", 210, 150, B_BOUGHT, CSAT_B)
    rows += ["m001,2024-01-01T00:00:00Z,ad,web,,,,control", "m001,2024-01-01T00:05:00Z,view,web,,,,treatment"]
    rows += ["n001,2024-01-01T00:00:00Z,ad,web,,,,", "n001,2024-01-01T00:05:00Z,view,web,,,,"]
    path = tmp_path / "ab.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _ab(model, ab_events, **kw):
    j = journeys([str(ab_events)], model, attributes=["variant"])
    return compare(j, by="variant", baseline="control", **kw)


def z_test(xa, na, xb, nb):
    """Pooled two-sided z-test and Wald CI, written out independently of cjtool.stats."""
    pa, pb, p = xa / na, xb / nb, (xa + xb) / (na + nb)
    z = (pb - pa) / math.sqrt(p * (1 - p) * (1 / na + 1 / nb))
    half = 1.959963984540054 * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return 2 * sps.norm.sf(abs(z)), (pb - pa - half, pb - pa + half)


def brute_holm(ps):
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    out, running = [0.0] * len(ps), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(ps) - rank) * ps[i]))
        out[i] = running
    return out


def test_conversions_match_the_z_test_written_out(model, ab_events):
    c = _ab(model, ab_events).comparisons[0]
    buy = c.row("buy", "conversion_from_first").test
    p, ci = z_test(30, 200, B_BOUGHT, 210)
    assert (buy.n_a, buy.n_b, buy.test) == (200, 210, "z")
    assert buy.p_value == pytest.approx(p, rel=1e-9)
    assert buy.ci95 == pytest.approx(ci, rel=1e-12)
    assert buy.lift == pytest.approx((B_BOUGHT / 210 - 30 / 200) / (30 / 200))
    step = c.row("buy", "conversion_from_previous").test
    assert (step.n_a, step.n_b) == (120, 150)
    assert step.p_value == pytest.approx(z_test(30, 120, B_BOUGHT, 150)[0], rel=1e-9)


def test_welch_and_nps_match_scipy(model, ab_events):
    c = _ab(model, ab_events).comparisons[0]
    sat = c.row("view", "satisfaction").test
    ref = sps.ttest_ind(CSAT_B, CSAT_A, equal_var=False)
    assert sat.test == "welch" and sat.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert sat.diff == pytest.approx(sum(CSAT_B) / 40 - sum(CSAT_A) / 40)
    lo, hi = ref.confidence_interval(0.95)
    assert sat.ci95 == pytest.approx((lo, hi), rel=1e-9)
    nps = c.row("buy", "nps").test
    scores_a = [100 if i % 3 else -100 for i in range(30)]
    scores_b = [100 if i % 3 else -100 for i in range(B_BOUGHT)]
    va, vb = sps.tvar(scores_a, ddof=0), sps.tvar(scores_b, ddof=0)
    z = (sum(scores_b) / B_BOUGHT - sum(scores_a) / 30) / math.sqrt(va / 30 + vb / B_BOUGHT)
    assert nps.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    assert nps.lift is None


def test_fisher_for_small_counts(model, tmp_path):
    rows = arm("a", "control", 40, 20, 2, []) + arm("b", "treatment", 40, 20, 9, [])
    path = tmp_path / "few.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    c = _ab(model, path).comparisons[0]
    t = c.row("buy", "conversion_from_first").test
    assert t.test == "fisher"
    assert t.p_value == pytest.approx(sps.fisher_exact([[2, 38], [9, 31]]).pvalue, rel=1e-12)


def test_holm_runs_over_the_whole_comparison_with_stage_2_counted_once(model, ab_events):
    c = _ab(model, ab_events).comparisons[0]
    family = [r for r in c.rows if r.test is not None and r.test.p_value is not None]
    view_first = c.row("view", "conversion_from_first")
    view_prev = c.row("view", "conversion_from_previous")
    assert view_prev.test == view_first.test  # SPEC 16: the same test, the same adjusted p
    distinct = [r for r in family if r is not view_prev]

    def same_data(r):  # a touchpoint holding every score of its (one-touchpoint) stage
        s = c.row(r.stage, r.metric)
        return r.touchpoint is not None and s is not None and s.test == r.test

    def dead(r):  # 0/n against 0/n (the last stage's drop-off) or n/n against n/n
        t = r.test
        return t.test in ("z", "fisher") and {t.a, t.b} <= {0.0} | ({1.0} if t.a == t.b else set())

    members = [r for r in distinct if not same_data(r) and not dead(r)]
    assert any(same_data(r) for r in distinct) and any(dead(r) for r in distinct)
    expected = brute_holm([r.test.p_value for r in members])
    assert [r.test.p_adjusted for r in members] == pytest.approx(expected, rel=1e-12)
    for r in distinct:  # the repeats take their stage's adjusted p; dead tests keep p = 1
        if same_data(r):
            assert r.test.p_adjusted == c.row(r.stage, r.metric).test.p_adjusted
        if dead(r):
            assert r.test.p_value == r.test.p_adjusted == 1.0
    assert all(r.test.significant == (r.test.p_adjusted < 0.05) for r in family)
    # counting stage 2 twice would multiply its p by one more
    assert len(distinct) == len(family) - 1


def test_mixed_and_none_are_left_out_and_each_side_is_its_customers_map(model, ab_events, tmp_path):
    result = _ab(model, ab_events)
    assert result.excluded == {"mixed": 1, "none": 1}
    assert result.comparisons[0].mixed == 1
    assert result.kind == "variants"
    frame = pl.read_csv(ab_events, infer_schema=False)
    for label, m in [
        (result.baseline_label, result.baseline),
        (result.comparisons[0].label, result.comparisons[0].map),
    ]:
        alone = tmp_path / f"{label}.csv"
        frame.filter(pl.col("variant") == label).filter(~pl.col("customer_id").is_in(["m001", "n001"])).write_csv(alone)
        ref = compute_map(journeys([str(alone)], model), model).to_dict()
        got = m.to_dict()
        assert got["stages"] == ref["stages"] and got["touchpoints"] == ref["touchpoints"]
        assert got["customers"] == ref["customers"]


def test_srm_is_the_pairwise_chi_square(model, ab_events):
    srm = _ab(model, ab_events).comparisons[0].srm
    ref = sps.chisquare([210, 200])
    assert srm.p_value == pytest.approx(ref.pvalue, rel=1e-12) and not srm.flag
    skewed = _ab(model, ab_events, expected={"control": 1, "treatment": 3}).comparisons[0].srm
    assert skewed.p_value == pytest.approx(sps.chisquare([210, 200], [410 * 3 / 4, 410 / 4]).pvalue, rel=1e-12)
    assert skewed.flag


def test_split_sides_are_the_maps_of_their_entrants_alone(model, tmp_path):
    rows = arm("a", "", 50, 30, 10, CSAT_A, day=1) + arm("b", "", 60, 45, 20, CSAT_B, day=20)
    path = tmp_path / "split.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    j = journeys([str(path)], model)
    result = compare(j, split=date(2024, 1, 10))
    assert [result.baseline_label, result.comparisons[0].label] == ["before 2024-01-10", "from 2024-01-10"]
    assert result.baseline.customers_entered == 50 and result.comparisons[0].map.customers_entered == 60
    frame = pl.read_csv(path, infer_schema=False)
    alone = tmp_path / "late.csv"
    frame.filter(pl.col("customer_id").str.starts_with("b")).write_csv(alone)
    ref = compute_map(journeys([str(alone)], model), model).to_dict()
    assert result.comparisons[0].map.to_dict()["stages"] == ref["stages"]


def test_a_stored_map_json_is_a_baseline_like_the_events_it_came_from(model, ab_events):
    j = journeys([str(ab_events)], model, attributes=["variant"])
    live = compare(j, baseline_journeys=j, labels=("old", "new"))
    doc = json.loads(json.dumps(compute_map(j, model).to_dict()))
    stored = compare(j, baseline_map=map_from_dict(doc, model), labels=("old.json", "new"))
    assert [r.test and r.test.p_value for r in live.comparisons[0].rows] == [
        r.test and r.test.p_value for r in stored.comparisons[0].rows
    ]
    assert all(r.test is None or r.test.diff == 0 for r in stored.comparisons[0].rows)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d | {"schema": "cjtool.map/1"}, "not a map JSON"),
        (lambda d: d | {"model": "aipl"}, "a map of model `aipl`"),
        (lambda d: d | {"stages": d["stages"][:2]}, "differ from the model's"),
        (lambda d: d | {"stages": [{k: v for k, v in s.items() if k != "sums"} for s in d["stages"]]}, "incomplete"),
    ],
)
def test_a_baseline_json_of_another_model_or_schema_is_a_data_error(model, ab_events, change, message):
    j = journeys([str(ab_events)], model)
    doc = change(compute_map(j, model).to_dict())
    with pytest.raises(DataError, match=message):
        map_from_dict(doc, model)


def test_bad_populations_are_clear_errors(model, ab_events, tmp_path):
    with pytest.raises(UsageError, match="values found: treatment, control"):
        j = journeys([str(ab_events)], model, attributes=["variant"])
        compare(j, by="variant", baseline="contrl")
    with pytest.raises(UsageError, match="say what to compare"):
        compare(j)
    with pytest.raises(UsageError, match="alpha"):
        compare(j, by="variant", baseline="control", alpha=1.5)
    with pytest.raises(DataError, match="nothing to compare"):
        compare(j, split=date(2020, 1, 1))  # nobody entered before: the baseline side is empty


def test_min_effect_turns_a_small_significant_change_negligible(model, ab_events):
    plain = _ab(model, ab_events).comparisons[0].row("buy", "conversion_from_first")
    assert plain.verdict == "better"
    wide = _ab(model, ab_events, min_effect=MinEffect(rate=0.2)).comparisons[0].row("buy", "conversion_from_first")
    assert wide.verdict == "negligible"
    assert parse_min_effect(["2pp", "nps=5", "csat=0.2"]) == MinEffect(
        rate=0.02, nps=5, satisfaction=0.2, texts=(("rate", "2pp"), ("nps", "5"), ("satisfaction", "0.2"))
    )
    with pytest.raises(UsageError, match="min-effect"):
        parse_min_effect(["-1pp"])


def test_sequential_intervals_are_wider_and_contain_the_fixed_ones(model, ab_events):
    rows = _ab(model, ab_events, sequential=True).comparisons[0].rows
    checked = [
        r for r in rows if r.sequential is not None and r.test.ci95 is not None and r.test.ci95[0] < r.test.ci95[1]
    ]
    assert checked
    for r in checked:
        assert r.sequential.ci[0] < r.test.ci95[0] and r.sequential.ci[1] > r.test.ci95[1]


def test_too_small_sides_say_so(model, tmp_path):
    rows = arm("a", "control", 10, 6, 3, [3, 4, 5, 2]) + arm("b", "treatment", 12, 8, 6, [4, 5, 5, 4])
    path = tmp_path / "tiny.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = _ab(model, path)
    assert {r.verdict for r in result.comparisons[0].rows} == {"too small to conclude"}
    assert any("too small to conclude" in w for w in result.warnings)


# ------------------------------------------------------------------------ CLI


def test_cli_formats(cli, ab_events, model, tmp_path):
    args = [str(ab_events), "-m", model.source, "--by", "variant", "--baseline", "control", "-q"]
    r = cli("compare", *args, "-f", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["schema"] == "cjtool.compare/1" and doc["baseline"]["label"] == "control"
    stage = doc["comparisons"][0]["stages"][2]
    assert set(stage["conversion_from_first"]) >= {"a", "b", "n_a", "n_b", "diff", "lift", "ci95", "test"}
    assert doc["comparisons"][0]["stages"][0]["conversion_from_first"] is None
    assert cli("compare", *args, "-f", "json").stdout == r.stdout  # same input, same bytes
    md = cli("compare", *args, "-f", "md").stdout
    assert "| * | Buy | conversion |" in md and "**better**" in md
    png = tmp_path / "c.png"
    assert cli("compare", *args, "--png", str(png)).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("extra", "code", "text"),
    [
        (["--by", "variant", "--baseline", "nope"], ExitCode.USAGE, "values found"),
        (["--by", "variant", "--baseline", "control", "--alpha", "0"], ExitCode.USAGE, "--alpha"),
        (["--split", "2020-01-01"], ExitCode.DATA, "nothing to compare"),
        (["--split", "yesterday"], ExitCode.USAGE, "--split"),
        ([], ExitCode.USAGE, "say what to compare"),
    ],
)
def test_cli_errors(cli, ab_events, model, extra, code, text):
    r = cli("compare", str(ab_events), "-m", model.source, *extra)
    assert r.exit_code == code and text in r.stderr and "Traceback" not in r.stderr


def test_check_regression_gates(cli, ab_events, model, tmp_path):
    base = [str(ab_events), "-m", model.source, "-q"]
    worse = cli("check", *base, "--by", "variant", "--baseline", "treatment")
    assert worse.exit_code == ExitCode.GATE_FAILED
    assert "buy conversion of control not worse" in worse.stdout
    lenient = cli(
        "check", *base, "--by", "variant", "--baseline", "treatment", "--min-effect", "30pp", "--min-effect", "csat=1"
    )
    assert lenient.exit_code == 0, lenient.stdout
    last = tmp_path / "last.json"
    assert cli("map", *base, "-f", "json", "-o", str(last)).exit_code == 0
    same = cli("check", *base, "--baseline", str(last), "-f", "json")
    assert same.exit_code == 0 and json.loads(same.stdout)["passed"]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(json.loads(last.read_text()) | {"model": "aipl"}))
    r = cli("check", *base, "--baseline", str(other))
    assert r.exit_code == ExitCode.DATA and "a map of model `aipl`" in r.stderr


def test_split_warns_when_a_side_is_mostly_still_in_progress(cli):
    """Before/after a date: recent entrants whose window is still open hold the later
    stages down; the comparison says so instead of reading it as a change."""
    from pathlib import Path

    ex = Path(__file__).resolve().parent.parent / "examples"
    r = cli("compare", ex / "aipl_events.csv", "-m", ex / "aipl.yaml", "--split", "2026-02-15", "-f", "json")
    doc = json.loads(r.stdout)
    assert any("still in progress" in w and "from 2026-02-15" in w for w in doc["warnings"])
    assert not any("still in progress" in w and "before 2026-02-15" in w for w in doc["warnings"])


def test_a_metric_filter_keeps_stage_two_from_first_only_for_from_previous():
    """`metrics=["conversion_from_previous"]`: stage 2's test is conversion_from_first (SPEC
    16), the other stages' from_first tests are not in the family."""
    from pathlib import Path

    from cjtool.analyses.compare import compare
    from cjtool.api import journeys as read
    from cjtool.model import load_model

    ex = Path(__file__).resolve().parent.parent / "examples"
    model = load_model(str(ex / "aipl.yaml"))
    j = read([str(ex / "aipl_events.csv")], model, attributes=["variant"])
    result = compare(j, by="variant", baseline="control", metrics=["conversion_from_previous"])
    kept = {
        (s["id"], k)
        for c in result.to_dict()["comparisons"]
        for s in c["stages"]
        for k, v in s.items()
        if isinstance(v, dict) and v
    }
    assert ("purchase", "conversion_from_first") not in kept and ("loyalty", "conversion_from_first") not in kept
