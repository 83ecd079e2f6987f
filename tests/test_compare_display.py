"""What compare shows beside its numbers (issue 21, items 12-14): the adjusted p the
verdict reads in sequential mode, NPS from one answer, marks and intervals beside "too
small to conclude", and the relative effect's interval (checked against GrowthBook's
formula and scipy)."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats as sps

from cjtool.analyses.compare import compare
from cjtool.api import journeys, load_model
from cjtool.render.compare_text import cells, lift_text, shown_rows, to_markdown
from cjtool.stats import Z95, holm, nps_test, proportion_test, welch_test
from tests.conftest import SMALL_MODEL
from tests.test_compare import B_BOUGHT, CSAT_A, CSAT_B, HEADER, arm


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_MODEL.replace("window: 1h\n", ""), encoding="utf-8")
    return path


@pytest.fixture
def ab_events(tmp_path):
    rows = arm("a", "control", 200, 120, 30, CSAT_A) + arm("b", "treatment", 210, 150, B_BOUGHT, CSAT_B)
    path = tmp_path / "ab.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _ab(model, events, **kw):
    jm = load_model(str(model))
    return compare(journeys([str(events)], jm, attributes=["variant"]), by="variant", baseline="control", **kw)


# ------------------------------------------------------------------ 12: sequential p adj.


def test_sequential_p_adjusted_is_holm_over_the_always_valid_p_values(model, ab_events, cli):
    result = _ab(model, ab_events, sequential=True)
    c = result.comparisons[0]
    view_prev = c.row("view", "conversion_from_previous")
    family = [r for r in c.rows if r.sequential is not None and r is not view_prev]
    # the repeated stage/touchpoint tests of these one-touchpoint stages and the dead
    # last-stage drop-off are out of the family (see test_compare); the members:
    members = [r for r in family if r.touchpoint is None or r.metric == "drop_off_rate" and r.stage != "buy"]
    expected = holm([r.sequential.p_value for r in members])
    assert [r.sequential.p_adjusted for r in members] == pytest.approx(expected, rel=1e-12)
    assert any(q > r.sequential.p_value for r, q in zip(members, expected, strict=True))  # adjusting changes it
    for r in members:
        assert r.significant == (r.sequential.p_adjusted < 0.05)
        d = r.test_dict()
        assert d["sequential"]["p_adjusted"] == r.sequential.p_adjusted
        assert d["significant"] == d["sequential"]["significant"] == r.significant  # the decision the verdict reads
    # the table's "p adj." column prints the adjusted always-valid p, not the raw one
    buy = c.row("buy", "conversion_from_first")
    assert cells(result, buy, "en")[8] == (
        "<0.001" if buy.sequential.p_adjusted < 0.001 else f"{buy.sequential.p_adjusted:.3f}"
    )
    out = cli(
        "compare", ab_events, "-m", model, "--by", "variant", "--baseline", "control", "--sequential", "-f", "json"
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    stage = next(s for s in doc["comparisons"][0]["stages"] if s["id"] == "buy")["conversion_from_first"]
    assert stage["sequential"]["p_adjusted"] == pytest.approx(buy.sequential.p_adjusted, rel=1e-15)


def test_a_sequential_gate_reads_the_adjusted_p(model, ab_events, cli, tmp_path):
    stored = tmp_path / "base.json"
    control = tmp_path / "control.csv"
    treated = tmp_path / "treated.csv"
    control.write_text(HEADER + "\n".join(arm("a", "control", 200, 120, 30, CSAT_A)) + "\n", encoding="utf-8")
    treated.write_text(HEADER + "\n".join(arm("b", "control", 210, 150, 10, CSAT_B)) + "\n", encoding="utf-8")
    assert cli("map", control, "-m", model, "-f", "json", "-o", stored).exit_code == 0
    out = cli("check", treated, "-m", model, "--baseline", stored, "--sequential", "-f", "md")
    jm = load_model(str(model))
    from cjtool.analyses.baseline_map import read_baseline_map

    r = compare(
        journeys([str(treated)], jm),
        baseline_map=read_baseline_map(str(stored), jm),
        sequential=True,
        metrics=("conversion_from_first", "drop_off_rate", "satisfaction", "nps"),
    )
    buy = r.comparisons[0].row("buy", "conversion_from_first")
    assert buy.sequential.p_adjusted > buy.sequential.p_value
    assert f"p={buy.sequential.p_adjusted:.3f}" in out.stdout or "p=<0.001" in out.stdout


# ------------------------------------------------------------------ 13: what is no finding


def test_nps_needs_two_answers_on_each_side():
    assert nps_test((1, 0, 1), (30, 40, 100)) is None  # one answer: its variance is 0 by construction
    assert nps_test((30, 40, 100), (0, 1, 1)) is None
    t = nps_test((1, 1, 2), (30, 40, 100))
    scores_a, scores_b = [100, -100], [100] * 30 + [-100] * 40 + [0] * 30
    se = math.sqrt(sps.tvar(scores_a, ddof=0) / 2 + sps.tvar(scores_b, ddof=0) / 100)
    assert t.p_value == pytest.approx(2 * sps.norm.sf(abs(t.diff) / se), rel=1e-12)


def test_one_nps_answer_is_no_finding_in_the_table(model, tmp_path):
    rows = arm("a", "control", 200, 120, 30, CSAT_A) + arm("b", "treatment", 210, 150, B_BOUGHT, CSAT_B)
    # control: a single NPS answer at `buy` (a promoter); the old z-test read p ~ 1e-18 from it
    rows = [r if not (r.startswith("a") and ",buy," in r) else r.replace(",4,,control", ",,,control") for r in rows]
    rows = [r.replace(",9,,control", ",,,control") for r in rows]
    rows[rows.index(next(r for r in rows if r.startswith("a000") and ",buy," in r))] = (
        "a000,2024-01-01T00:20:00Z,buy,web,,10,,control"
    )
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    c = _ab(model, path).comparisons[0]
    assert (c.map.stages[2].scores.sums.nps_n, c.map.stages[2].scores.sums.promoters) == (B_BOUGHT, 46)
    base = _ab(model, path).baseline.stages[2].scores.sums
    assert (base.nps_n, base.promoters) == (1, 1)  # one answer on the control side
    assert c.row("buy", "nps").test is None
    assert all(r.metric != "nps" or r.stage != "buy" for r in shown_rows(c))


def test_too_small_to_conclude_has_no_star_and_no_interval(model, tmp_path):
    # 12 customers a side: significant at buy (0 of 12 against 12 of 12), but too few to conclude
    rows = arm("a", "control", 12, 12, 0, [3, 4] * 6) + arm("b", "treatment", 12, 12, 12, [3, 4] * 6)
    path = tmp_path / "tiny.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = _ab(model, path)
    c = result.comparisons[0]
    buy = c.row("buy", "conversion_from_first")
    assert buy.test.significant and buy.verdict == "too small to conclude"
    cl = cells(result, buy, "en")
    assert (cl[0], cl[6], cl[7]) == ("", "–", "–")  # no mark, no interval (no lift from 0%)
    assert buy.test.ci95 is not None  # the JSON keeps SPEC 10's Wald interval
    md = to_markdown(result)
    assert "| * |" not in md and "**too small to conclude**" not in md


def test_dead_tests_stay_out_of_holms_family(model, ab_events):
    # proportions with a pooled rate of 0 or 1 have one possible table (p = 1 whatever
    # happens) and never count; nor do a one-touchpoint stage's touchpoint tests (the
    # stage's tests again). The smallest p is multiplied by the family's size, m:
    c = _ab(model, ab_events).comparisons[0]
    dead = c.row("buy", "drop_off_rate", "buy")
    assert (dead.test.a, dead.test.b, dead.test.p_value, dead.test.p_adjusted) == (0.0, 0.0, 1.0, 1.0)
    stage_tests = [r for r in c.rows if r.touchpoint is None and r.test is not None and r.test.p_value is not None]
    m = len(stage_tests) - 1 + 2  # stage 2 counted once; + the drop-offs at `ad` and `view`
    smallest = min(stage_tests, key=lambda r: r.test.p_value)
    assert smallest.test.p_adjusted == pytest.approx(m * smallest.test.p_value, rel=1e-12)


def test_n_zero_names_no_test():
    assert proportion_test(0, 0, 3, 10).test is None
    assert proportion_test(3, 10, 0, 0).to_dict()["test"] is None


# ------------------------------------------------------------------ 14: lift_ci95


def gb_relative_variance(mean_a, var_a, n_a, mean_b, var_b, n_b):
    """GrowthBook gbstats utils.frequentist_variance(relative=True) ->
    variance_of_ratios(mean_b, var_b / n_b, mean_a, var_a / n_a, 0), as published."""
    var_m, var_d = var_b / n_b, var_a / n_a
    return var_m / mean_a**2 + var_d * mean_b**2 / mean_a**4


def test_lift_interval_of_proportions_is_the_delta_method():
    t = proportion_test(30, 200, 70, 210)
    pa, pb = 30 / 200, 70 / 210
    half = Z95 * math.sqrt(gb_relative_variance(pa, pa * (1 - pa), 200, pb, pb * (1 - pb), 210))
    assert t.lift == pytest.approx(pb / pa - 1, rel=1e-15)
    assert t.lift_ci95 == pytest.approx((t.lift - half, t.lift + half), rel=1e-13)
    # GrowthBook (gbstats 0.8.0 TwoSidedTTest, ProportionStatistic) reads the same variance
    # with a t quantile at Welch's df: [0.372133319376439, 2.0723111250680053]
    dof = (pa * (1 - pa) / 200 + pb * (1 - pb) / 210) ** 2 / (
        (pa * (1 - pa)) ** 2 / (200**2 * 199) + (pb * (1 - pb)) ** 2 / (210**2 * 209)
    )
    gb_half = half / Z95 * sps.t.ppf(0.975, dof)
    assert (t.lift - gb_half, t.lift + gb_half) == pytest.approx((0.372133319376439, 2.0723111250680053), rel=1e-12)
    assert proportion_test(0, 50, 5, 50).lift_ci95 is None  # no lift from a zero baseline


def test_lift_interval_of_means_matches_growthbook():
    sa, sb = (40, sum(CSAT_A), sum(x * x for x in CSAT_A)), (40, sum(CSAT_B), sum(x * x for x in CSAT_B))
    t = welch_test(sa, sb)
    # gbstats 0.8.0 TwoSidedTTest(SampleMeanStatistic...) relative CI, published output
    assert t.lift_ci95 == pytest.approx((0.08189316558067614, 0.4342358666773882), rel=1e-12)
    ma, mb = sum(CSAT_A) / 40, sum(CSAT_B) / 40
    va, vb = sps.tvar(CSAT_A), sps.tvar(CSAT_B)
    df = sps.ttest_ind(CSAT_B, CSAT_A, equal_var=False).df
    half = sps.t.ppf(0.975, df) * math.sqrt(gb_relative_variance(ma, va, 40, mb, vb, 40))
    assert t.lift_ci95 == pytest.approx((mb / ma - 1 - half, mb / ma - 1 + half), rel=1e-12)


def test_lift_interval_is_in_the_json_and_beside_the_difference(model, ab_events, cli):
    out = cli("compare", ab_events, "-m", model, "--by", "variant", "--baseline", "control", "-f", "json")
    doc = json.loads(out.stdout)
    buy = next(s for s in doc["comparisons"][0]["stages"] if s["id"] == "buy")["conversion_from_first"]
    ref = proportion_test(30, 200, B_BOUGHT, 210)
    assert buy["lift_ci95"] == [ref.lift_ci95[0], ref.lift_ci95[1]]
    assert next(s for s in doc["comparisons"][0]["stages"] if s["id"] == "buy")["nps"]["lift_ci95"] is None
    md = cli("compare", ab_events, "-m", model, "--by", "variant", "--baseline", "control", "-f", "md").stdout
    lo, hi = ref.lift_ci95
    assert f"{ref.lift:+.0%} [{lo:+.0%}, {hi:+.0%}]" in md  # +211% [...]: whole percents from 10%
    assert lift_text(-0.004, (-0.05, 0.049)) == "-0.4% [-5.0%, +4.9%]"  # not `-0% [-5%, +5%]`
