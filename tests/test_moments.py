"""Key moments (SPEC sections 13, 15, 16): hand-worked tables, exposure before the next
step, Fisher and Benjamini-Hochberg against scipy and hand-worked lists, the engine against
the slow reference on random logs, small data, and every output format."""

from __future__ import annotations

import csv
import io
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from scipy.stats import false_discovery_control, fisher_exact
from typer.testing import CliRunner

from cjtool.api import moments
from cjtool.errors import DataError
from cjtool.model import parse_model
from cjtool.stats import benjamini_hochberg, fisher_p, odds_ratio_test, proportion_test

try:
    from tests.reference_moments import reference_moments
    from tests.test_differential import cases, frame_of
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from reference_moments import reference_moments  # type: ignore[no-redef]
    from test_differential import cases, frame_of  # type: ignore[no-redef]

MODEL = """
name: shop
stages:
  - id: browse
    label: {en: Browse, zh: 浏览}
    touchpoints: [view]
  - id: consider
    label: {en: Consider, zh: 考虑}
    touchpoints: [chat, cart]
  - id: buy
    label: {en: Buy, zh: 购买}
    touchpoints: [pay]
"""


def ev(cust: str, minute: int, tp: str, sat: str | None = None) -> dict:
    return {"customer_id": cust, "timestamp": f"2026-01-01T10:{minute:02d}:00Z", "touchpoint": tp, "satisfaction": sat}


def by_pair(result) -> dict:
    return {(m["stage"], m["touchpoint"]): m for m in result.to_dict()["moments"]}


# --------------------------------------------------------------------------- hand-worked


def test_hand_worked_two_by_two() -> None:
    rows = [ev(f"c{i}", 0, "view") for i in range(1, 11)]
    rows += [ev(f"c{i}", 5, "chat") for i in (1, 2, 3, 4, 5)]  # chat: c1-c5
    rows += [ev(f"c{i}", 5, "cart") for i in (6, 7, 8, 9, 10)]  # the others reach `consider` through the cart
    rows += [ev(f"c{i}", 9, "pay") for i in (1, 2, 3, 4, 6, 7)]  # c1-c4 and c6-c7 pay
    result = moments(frame_of(rows), parse_model(MODEL))
    chat = by_pair(result)[("consider", "chat")]
    assert (chat["a"], chat["b"], chat["c"], chat["d"]) == (4, 1, 2, 3)
    assert chat["conversion_exposed"] == 4 / 5 and chat["conversion_other"] == 2 / 5
    assert chat["lift"] == pytest.approx(0.4)
    # Haldane: (4.5 * 3.5) / (1.5 * 2.5) = 4.2; se = sqrt(1/4.5 + 1/1.5 + 1/2.5 + 1/3.5)
    assert chat["odds_ratio"] == pytest.approx(4.2)
    se = math.sqrt(1 / 4.5 + 1 / 1.5 + 1 / 2.5 + 1 / 3.5)
    assert chat["ci95"] == pytest.approx(
        [4.2 * math.exp(-1.959963984540054 * se), 4.2 * math.exp(1.959963984540054 * se)]
    )
    # Fisher by hand: margins rows 5/5, columns 6/4; P(a) = C(6,a) C(4,5-a) / C(10,5)
    prob = {a: math.comb(6, a) * math.comb(4, 5 - a) / math.comb(10, 5) for a in range(1, 6)}
    assert chat["p_value"] == pytest.approx(sum(p for p in prob.values() if p <= prob[4] * (1 + 1e-7)))
    assert chat["n"] == 10 and "small_counts" in chat["flags"]
    # the view pair of the first stage: everybody met it, nobody is "other"
    view = by_pair(result)[("browse", "view")]
    assert (view["a"], view["b"], view["c"], view["d"]) == (10, 0, 0, 0)
    assert "skewed" in view["flags"]
    # the last stage has no moments
    assert all(m["stage"] != "buy" for m in result.to_dict()["moments"])


def test_exposure_after_the_next_step_does_not_count() -> None:
    """Leakage: customers whose chat comes only after they paid (r_3) are not exposed; with
    them counted, chat would look like it converts everyone."""
    rows = [ev(f"c{i}", 0, "view") for i in range(1, 9)] + [ev(f"c{i}", 2, "cart") for i in range(1, 9)]
    rows += [ev(f"c{i}", 5, "pay") for i in (1, 2, 3, 4)]  # c1-c4 pay at minute 5...
    rows += [ev(f"c{i}", 7, "chat") for i in (1, 2, 3, 4)]  # ...and chat only afterwards
    rows += [ev(f"c{i}", 4, "chat") for i in (5, 6)]  # c5, c6 chat and never pay
    rows += [ev("c1", 5, "chat")]  # an event at exactly r_3 counts (timestamp <= r_(k+1))
    result = moments(frame_of(rows), parse_model(MODEL))
    chat = by_pair(result)[("consider", "chat")]
    assert (chat["a"], chat["b"], chat["c"], chat["d"]) == (1, 2, 3, 2)
    # the same customers in furthest mode: any event counts
    furthest = moments(frame_of(rows), parse_model(MODEL + "mode: furthest\n"))
    chat = by_pair(furthest)[("consider", "chat")]
    assert (chat["a"], chat["b"], chat["c"], chat["d"]) == (4, 2, 0, 2)


def test_exposure_at_a_later_stage_event_of_the_same_touchpoint_is_not_this_pair() -> None:
    """Only events assigned to stage k count for (k, t); a customer who stopped at k is
    exposed by an event at any time."""
    rows = [ev("a", 0, "view"), ev("a", 1, "cart"), ev("a", 30, "chat"), ev("b", 0, "view"), ev("b", 1, "cart")]
    chat = by_pair(moments(frame_of(rows), parse_model(MODEL)))[("consider", "chat")]
    assert (chat["a"], chat["b"], chat["c"], chat["d"]) == (0, 1, 0, 1)


def test_satisfaction_effect_hand_worked() -> None:
    """At cart: 6 satisfied (mean >= 4 on 1..5; c6 averages 4 exactly), 4 of them pay; 6
    dissatisfied (mean <= 2), 1 pays; c13 (3) is neither. Fisher, as a count is below 5; the
    CSAT of a rating given after paying does not count (c1's 1 after paying)."""
    rows = []
    sats = {1: "5", 2: "5", 3: "4", 4: "4", 5: "5", 7: "1", 8: "2", 9: "1", 10: "2", 11: "1", 12: "2", 13: "3"}
    for i in range(1, 14):
        rows += [ev(f"c{i}", 0, "view"), ev(f"c{i}", 2, "cart", sats.get(i))]
    rows += [ev("c6", 3, "cart", "3"), ev("c6", 4, "cart", "5")]  # mean 4: satisfied
    rows += [ev(f"c{i}", 9, "pay") for i in (1, 2, 3, 4, 7)]
    rows += [ev("c1", 20, "cart", "1")]  # after paying: not an exposure event
    e = by_pair(moments(frame_of(rows), parse_model(MODEL)))[("consider", "cart")]["satisfaction_effect"]
    assert (e["n_satisfied"], e["n_dissatisfied"]) == (6, 6)
    assert e["b"] == 4 / 6 and e["a"] == 1 / 6 and e["diff"] == pytest.approx(0.5)
    assert e["test"] == "fisher" and e["p_value"] == pytest.approx(fisher_exact([[1, 5], [4, 2]]).pvalue)
    assert e["lift"] == pytest.approx(0.5 / (1 / 6))


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "table",
    [[[3, 1], [1, 3]], [[0, 5], [5, 0]], [[10, 2], [3, 15]], [[1, 0], [0, 0]], [[7, 12], [0, 40]], [[0, 0], [0, 0]]],
)
def test_fisher_equals_scipy(table: list[list[int]]) -> None:
    (a, b), (c, d) = table
    assert fisher_p(a, b, c, d) == fisher_exact(table).pvalue


def test_fisher_tea_tasting_by_hand() -> None:
    assert fisher_p(3, 1, 1, 3) == pytest.approx(34 / 70)


def test_benjamini_hochberg_hand_worked_and_scipy() -> None:
    p = [0.01, 0.04, 0.03, 0.005, 0.5]
    # sorted 0.005, 0.01, 0.03, 0.04, 0.5 -> p*5/rank: 0.025, 0.025, 0.05, 0.05, 0.5
    assert benjamini_hochberg(p) == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.5])
    assert benjamini_hochberg([0.02, 0.02, 0.9]) == pytest.approx([0.03, 0.03, 0.9])
    assert benjamini_hochberg([0.8, 0.9]) == pytest.approx([0.9, 0.9])  # monotone: min of later ones
    many = [0.001, 0.2, 0.049, 0.5, 0.03, 0.03, 1.0, 0.0004]
    assert benjamini_hochberg(many) == pytest.approx(list(false_discovery_control(many)))
    assert benjamini_hochberg([]) == []


def test_haldane_and_proportions() -> None:
    haldane = odds_ratio_test(0, 10, 10, 0)
    odds, (lo, hi) = haldane.odds_ratio, haldane.ci95
    assert odds == pytest.approx(0.25 / 110.25) and lo < odds < hi
    t = proportion_test(20, 100, 40, 100, exact=False)  # both sides >= 5 each: pooled z
    pooled = 0.3
    z = 0.2 / math.sqrt(pooled * 0.7 * 0.02)
    assert t.test == "z" and t.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert proportion_test(2, 10, 8, 10, exact=False).test == "fisher"


# --------------------------------------------------------------------------- the reference


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_engine_equals_reference(case) -> None:
    model_text, rows = case
    model = parse_model(model_text)
    try:
        want = reference_moments(rows, model)
    except DataError:  # no readable timestamp: both refuse the input
        with pytest.raises(DataError, match="no timestamp could be read"):
            moments(frame_of(rows), model)
        return
    got = moments(frame_of(rows), model).to_dict()["moments"]
    assert [(m["stage"], m["touchpoint"]) for m in got] == [(m["stage"], m["touchpoint"]) for m in want]
    for g, w in zip(got, want, strict=True):
        for key in ("a", "b", "c", "d", "conversion_exposed", "conversion_other", "p_value", "p_adjusted"):
            assert g[key] == w[key], (g["touchpoint"], key, g[key], w[key])
        assert g["lift"] == pytest.approx(w["lift"], abs=1e-12) if w["lift"] is not None else g["lift"] is None
        assert g["odds_ratio"] == pytest.approx(w["odds_ratio"], rel=1e-12)
        assert g["ci95"] == pytest.approx(w["ci95"], rel=1e-12)
        ge, we = g["satisfaction_effect"], w["satisfaction_effect"]
        assert (ge is None) == (we is None), (g["touchpoint"], ge, we)
        if we is not None:
            for key in ("n_a", "n_b", "a", "b", "test", "p_value", "p_adjusted"):
                assert ge[key] == we[key], (key, ge[key], we[key])
            assert ge["diff"] == pytest.approx(we["diff"], abs=1e-12)
            assert ge["ci95"] == pytest.approx(we["ci95"], abs=1e-12)
    json.dumps(moments(frame_of(rows), model).to_dict(), allow_nan=False)


# --------------------------------------------------------------------------- small data, outputs


def five_customers() -> list[dict]:
    rows = []
    for i in range(1, 6):
        rows += [ev(f"c{i}", 0, "view"), ev(f"c{i}", 2, "chat" if i <= 3 else "cart")]
        if i <= 3:
            rows.append(ev(f"c{i}", 5, "pay"))
    return rows


def test_five_customers_give_no_confident_claim_and_say_why() -> None:
    result = moments(frame_of(five_customers()), parse_model(MODEL))
    assert result.moments and not result.confident
    chat = by_pair(result)[("consider", "chat")]
    assert (chat["a"], chat["b"], chat["c"], chat["d"]) == (3, 0, 0, 2)  # as extreme as 5 customers get
    assert chat["p_value"] == pytest.approx(0.1) and not chat["significant"]
    text = " ".join(result.reasons)
    assert "only 5 customers" in text and "0.1" in text and "Benjamini-Hochberg" in text


def test_no_reasons_when_claims_are_confident() -> None:
    rows = []
    for i in range(60):
        chat = i < 30
        rows += [ev(f"c{i}", 0, "view"), ev(f"c{i}", 2, "chat" if chat else "cart")]
        if (chat and i < 25) or (not chat and i < 36):  # chat 25/30 pay, cart 6/30
            rows.append(ev(f"c{i}", 5, "pay"))
    result = moments(frame_of(rows), parse_model(MODEL))
    assert result.confident and result.reasons == []


def run(args: list[str]) -> tuple[int, str, str]:
    from cjtool.cli.app import app

    r = CliRunner().invoke(app, args)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def example(tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(MODEL.replace("[chat, cart]", '[chat, cart, "=2+3"]'), encoding="utf-8")
    events = tmp_path / "e.csv"
    buf = io.StringIO()
    w = csv.DictWriter(buf, ["customer_id", "timestamp", "touchpoint", "satisfaction"])
    w.writeheader()
    rows = five_customers() + [ev("=cmd", 0, "view"), ev("=cmd", 1, "=2+3")]
    w.writerows(rows)
    events.write_text(buf.getvalue(), encoding="utf-8")
    return tmp_path, str(events), str(model)


def test_cli_every_format_carries_n_and_the_causation_note(example) -> None:
    tmp, events, model = example
    code, out, _ = run(["moments", events, "-m", model, "-f", "json"])
    assert code == 0
    d = json.loads(out)
    assert d["schema"] == "cjtool.moments/1" and d["note"] == "association, not causation"
    keys = list(d["moments"][0])
    assert keys[:14] == [
        "stage", "touchpoint", "a", "b", "c", "d", "conversion_exposed", "conversion_other", "lift",
        "odds_ratio", "ci95", "p_value", "p_adjusted", "satisfaction_effect",
    ]  # fmt: skip
    assert all("n" in m for m in d["moments"]) and d["reasons"]
    for fmt in ("table", "markdown", "csv"):
        code, out, _ = run(["moments", events, "-m", model, "-f", fmt])
        assert code == 0 and "association, not causation" in out, fmt
    code, out, _ = run(["moments", events, "-m", model, "-f", "csv"])
    table = list(csv.DictReader(io.StringIO(out)))
    assert all(r["n"] for r in table) and "'=2+3" in {r["touchpoint"] for r in table}
    code, out, _ = run(["moments", events, "-m", model, "--lang", "zh"])
    assert code == 0 and "相关而非因果" in out and "没有可信的结论" in out


def test_cli_bad_alpha_and_picture_suffix(example) -> None:
    tmp, events, model = example
    code, _, err = run(["moments", events, "-m", model, "--alpha", "1.5"])
    assert code == 2 and "--alpha" in err
    code, _, err = run(["moments", events, "-m", model, "-o", str(tmp / "x.png")])
    assert code == 2 and "--png" in err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_pictures(example, lang: str) -> None:
    tmp, events, model = example
    code, _, err = run(["moments", events, "-m", model, "--png", str(tmp / "m.png"), "--lang", lang, "-q"])
    assert code == 0, err
    for name in ("m.png", "m_importance.png"):
        data = (tmp / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    first = (tmp / "m.png").read_bytes()
    run(["moments", events, "-m", model, "--png", str(tmp / "m.png"), "--lang", lang, "-q"])
    assert (tmp / "m.png").read_bytes() == first  # same input, same bytes


def test_example_data_show_a_costly_and_a_helpful_touchpoint() -> None:
    """The shipped example: a bad checkout costs conversion (satisfaction effect), presale
    chat goes with converting (odds ratio): both confident."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    model = parse_model((root / "examples/aipl.yaml").read_text(encoding="utf-8"))
    result = by_pair(moments([str(root / "examples/aipl_events.csv")], model))
    checkout = result[("interest", "checkout")]["satisfaction_effect"]
    assert checkout["significant"] and checkout["diff"] > 0.15
    chat = result[("interest", "presale_chat")]
    assert chat["confident"] and chat["ci95"][0] > 1


def test_key_moment_by_exposure_skips_structural_and_negative_lifts() -> None:
    """SPEC 13 v2 rule 2 on the data of the old "strongest" test: chat goes with paying
    (30/40 against 10/40) and is the stage's key moment, chosen by exposure."""
    from cjtool.analyses.moments import key_moments

    rows = []
    for i in range(80):
        chat, cart = i < 40, 20 <= i < 60
        rows.append(ev(f"c{i}", 0, "view"))
        rows += [ev(f"c{i}", 2, "chat")] if chat else []
        rows += [ev(f"c{i}", 3, "cart")] if cart or not chat else []
        if (chat and i % 4 != 0) or (not chat and i % 4 == 0):  # chat: 30/40 pay; others: 10/40
            rows.append(ev(f"c{i}", 5, "pay"))
    result = moments(frame_of(rows), parse_model(MODEL))
    keys = key_moments(result)
    assert set(keys) == {"consider"} and keys["consider"].touchpoint == "chat"
    chat = keys["consider"]
    assert chat.key_rule == "exposure" and chat.exposed_share == Fraction(30, 40) and not chat.structural
    d = next(m for m in result.to_dict()["moments"] if m["touchpoint"] == "chat")
    assert (d["key"], d["key_rule"], d["exposed_share"], d["structural"]) == (True, "exposure", 0.75, False)
    others = [m for m in result.to_dict()["moments"] if m["touchpoint"] != "chat"]
    assert all(m["key"] is False and m["key_rule"] is None for m in others)


def test_cli_warns_about_rejected_rows(example) -> None:
    tmp, events, model = example
    with open(events, "a", encoding="utf-8") as fh:
        fh.write("c9,not a time,view,\n")
    code, _, err = run(["moments", events, "-m", model, "-f", "json"])
    assert code == 0 and "1 of 16 rows rejected (1 bad timestamp)" in err


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_map_shows_the_strongest_measured_moment_beside_the_declared_one(cli):
    """Issue 14, with SPEC 13 v2's key moment: declared here (★), measured there (◆): the
    terminal strip and the journey map name each stage's key moment, with its conversion gap."""
    from cjtool.analyses.moments import compute_moments, key_moments, measured_moments
    from cjtool.api import journeys
    from cjtool.model import load_model
    from cjtool.render.png import _JourneyMapChart

    model = load_model(str(EXAMPLES / "aipl.yaml"))
    j = journeys([str(EXAMPLES / "aipl_events.csv")], model)
    result = compute_moments(j)
    keys = key_moments(result)
    # the example's key moment is checkout's satisfaction effect, not an exposure odds ratio
    assert {s: (m.touchpoint, m.key_rule) for s, m in keys.items()} == {"interest": ("checkout", "satisfaction")}
    measured = measured_moments(result)
    assert measured["interest"].lift == pytest.approx(0.281, abs=0.001)
    r = cli("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", env={"COLUMNS": "120"})
    for m in measured.values():
        assert f"◆ {m.touchpoint} {100 * m.lift:+.0f}" in r.stdout
    from cjtool.metrics import compute_map

    jm = compute_map(j, model)
    jm.measured = measured
    fig = _JourneyMapChart(jm, "en").build()
    texts = [t.get_text() for t in fig.findobj(lambda o: getattr(o, "get_gid", lambda: None)() == "measured_moment")]
    # the satisfaction rule is named: "◆ checkout: satisfied +28 pts"
    assert sorted(texts) == sorted(f"◆ {m.touchpoint}: satisfied {100 * m.lift:+.0f} pts" for m in measured.values())
    declared = [t.get_text() for t in fig.findobj(lambda o: getattr(o, "get_gid", lambda: None)() == "moment_of_truth")]
    assert "★ first contact" in declared  # the declared moments stay
    # JSON and CSV are not affected (no moments computed for them)
    d = json.loads(cli("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "json").stdout)
    assert "measured" not in json.dumps(d)


def test_ranking_impact_is_off_by_default_and_a_third_term_when_on(cli, tmp_path):
    """`ranking.impact: true` (issue 14): the measured harm of a touchpoint joins SPEC 5's
    priority as a third weighted term; without it the priority and the JSON stay SPEC 5's."""
    from cjtool.analyses.moments import compute_moments, impact_of
    from cjtool.api import journeys
    from cjtool.errors import ModelError
    from cjtool.model import load_model, parse_model

    text = (EXAMPLES / "aipl.yaml").read_text(encoding="utf-8").replace("ranking:\n", "ranking:\n  impact: true\n", 1)
    model_path = tmp_path / "impact.yaml"
    model_path.write_text(text, encoding="utf-8")
    plain = json.loads(cli("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "json").stdout)
    assert all("impact" not in t for t in plain["touchpoints"])
    on = json.loads(cli("map", EXAMPLES / "aipl_events.csv", "-m", model_path, "-f", "json").stdout)
    expected = impact_of(compute_moments(journeys([str(EXAMPLES / "aipl_events.csv")], load_model(str(model_path)))))
    lo, hi = 1.0, 5.0
    for t in on["touchpoints"]:
        assert t["impact"] == expected.get((t["stage"], t["touchpoint"]), 0.0)
        rate = t["exits"] / t["customers"]
        if t["satisfaction"] is None:
            want = (rate + t["impact"]) / 2
        else:
            want = (rate + (1 - (t["satisfaction"] - lo) / (hi - lo)) + t["impact"]) / 3
        assert t["priority"] == pytest.approx(want, rel=1e-12)
    ranked = [t for t in on["touchpoints"] if t["rank"] is not None]
    assert [t["priority"] for t in ranked] == sorted((t["priority"] for t in ranked), reverse=True)
    assert any(t["impact"] > 0 for t in on["touchpoints"])
    assert [t["touchpoint"] for t in ranked[:2]] != [t["touchpoint"] for t in plain["touchpoints"][:2]]
    with pytest.raises(ModelError, match="ranking.impact: expected true or false"):
        parse_model("ranking: {impact: maybe}\nstages:\n  - {id: a, touchpoints: [x]}\n")


# --------------------------------------------------------------------------- SPEC 13 v2 key rules


def _moment(stage_index: int, touchpoint: str, a: int, b: int, c: int, d: int, **kw):
    from cjtool.analyses.moments import Moment, SatisfactionEffect
    from cjtool.stats import TwoSampleTest

    effect = None
    if "sat" in kw:  # (x_sat, n_sat, x_dis, n_dis, significant)
        xs, ns, xd, nd, sig = kw.pop("sat")
        test = TwoSampleTest(xd / nd, xs / ns, nd, ns, xs / ns - xd / nd, None, None, "z", 0.001)
        effect = SatisfactionEffect(test, 0.001 if sig else 0.5, sig, xs, xd)
    sig = kw.pop("significant", True)
    return Moment(
        stage_index,
        f"s{stage_index}",
        touchpoint,
        a,
        b,
        c,
        d,
        a / (a + b),
        c / (c + d),
        a / (a + b) - c / (c + d),
        1.0,
        (1.0, 1.0),
        0.001,
        0.001 if sig else 0.5,
        sig,
        None,
        0,
        effect,
    )


def test_key_rules_by_hand() -> None:
    from cjtool.analyses.moments import with_keys

    ms = [
        # stage 1: rule 1 wins over a larger exposure lift; among effects the larger diff, then
        # the larger n, then touchpoint; a non-significant or negative effect takes no part
        _moment(1, "big_lift", 50, 0, 5, 45),
        _moment(1, "sat_small", 20, 20, 10, 50, sat=(9, 10, 5, 10, True)),  # diff .4, n 20
        _moment(1, "sat_tie_n", 20, 20, 10, 50, sat=(18, 20, 10, 20, True)),  # diff .4, n 40: wins
        _moment(1, "sat_ns", 20, 20, 10, 50, sat=(10, 10, 0, 10, False)),
        # stage 2: no effect; structural (exposed_share 9/10) is skipped, then the largest lift
        _moment(2, "checkout", 90, 10, 10, 90),  # a/(a+c) = .9: structural
        _moment(2, "chat", 30, 10, 70, 90),  # lift .75 - .4375
        _moment(2, "faq", 60, 20, 40, 80),  # lift .75 - 1/3: larger
        _moment(2, "faq_ns", 70, 0, 30, 100, significant=False),
        # stage 3: only a negative lift and a structural pair: no key
        _moment(3, "slow", 10, 40, 50, 50),
        _moment(3, "pay", 95, 5, 5, 95),
    ]
    keys = {m.stage_index: (m.touchpoint, m.key_rule) for m in with_keys(ms) if m.key}
    assert keys == {1: ("sat_tie_n", "satisfaction"), 2: ("faq", "exposure")}
    by = {m.touchpoint: m for m in ms}
    assert by["checkout"].exposed_share == Fraction(9, 10) and by["checkout"].structural
    assert not by["chat"].structural and by["pay"].structural


def test_rule_one_may_choose_a_structural_moment() -> None:
    from cjtool.analyses.moments import with_keys

    ms = [_moment(1, "pay", 95, 5, 5, 95, sat=(40, 50, 10, 50, True)), _moment(1, "ad", 30, 10, 70, 90)]
    assert [(m.touchpoint, m.key_rule) for m in with_keys(ms) if m.key] == [("pay", "satisfaction")]


def test_exposed_share_is_null_without_successes() -> None:
    m = _moment(1, "x", 0, 10, 0, 10)
    assert m.exposed_share is None and not m.structural
