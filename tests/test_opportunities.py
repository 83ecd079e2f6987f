"""SPEC 17 (opportunities) on hand-worked cases, end to end, and across segments and parts."""

from __future__ import annotations

import json
from fractions import Fraction as F

import pytest

from cjtool.opportunities import find_opportunities, median
from cjtool.result import Scores, StageMetrics, TouchpointMetrics


def _stage(k: int, n: int) -> StageMetrics:
    return StageMetrics(k, f"s{k}", n, None, None, None, None, Scores())


def _tp(k: int, name: str, customers: int, exits: int, rank: int | None) -> TouchpointMetrics:
    return TouchpointMetrics(f"s{k}", k, name, customers, customers, exits, exits / customers, Scores(), 0.0, rank)


def _by_name(found):
    return {(o.stage, o.touchpoint): o for o in found}


def test_median_exact():
    assert median([F(1, 3)]) == F(1, 3)
    assert median([F(3, 4), F(1, 4)]) == F(1, 2)  # even: mean of the two middle values
    assert median([F(1, 10), F(1, 2), F(1, 5), F(9, 10)]) == F(7, 20)


def test_hand_worked_even_count_with_revenue():
    # stage 1: four ranked pairs, rates 40/100, 10/50, 30/60, 5/50 -> sorted .1 .2 .4 .5 -> median .3
    stages = [_stage(1, 200), _stage(2, 120), _stage(3, 30)]
    tps = [
        _tp(1, "a", 100, 40, 1),
        _tp(1, "b", 50, 10, 3),
        _tp(1, "c", 60, 30, 2),
        _tp(1, "d", 50, 5, 4),
        _tp(2, "x", 120, 90, 5),  # the only pair of stage 2: its own median, nothing at stake
        _tp(3, "z", 30, 0, 6),  # the last stage has no opportunity
    ]
    revenue = [0, 6_000 * 1_000_000, 4_500 * 1_000_000]  # customers with depth >= 1, 2, 3 (millionths)
    found = find_opportunities(stages, tps, {}, revenue)
    got = _by_name(found)
    assert set(got) == {("s1", "a"), ("s1", "c")}
    a, c = got[("s1", "a")], got[("s1", "c")]
    assert a.benchmark == F(3, 10) and a.benchmark_from == "median"
    assert a.customers_at_stake == 40 - F(3, 10) * 100 == 10
    assert c.customers_at_stake == 30 - F(3, 10) * 60 == 12
    # completions: at stake x customers_K / customers_(k+1) = x * 30 / 120
    assert a.completions_at_stake == F(10 * 30, 120) and c.completions_at_stake == 3
    # revenue: at stake x R(depth >= 2) / customers_2 = x * 6000 / 120
    assert a.revenue_at_stake == 500 and c.revenue_at_stake == 600
    assert [o.touchpoint for o in found] == ["c", "a"]  # completions desc
    d = c.to_dict()
    assert d == {
        "stage": "s1",
        "touchpoint": "c",
        "drop_off_rate": 0.5,
        "benchmark": 0.3,
        "benchmark_from": "median",
        "customers_at_stake": 12.0,
        "completions_at_stake": 3.0,
        "revenue_at_stake": 600.0,
    }


def test_target_above_the_observed_rate_and_what_if_wins():
    stages = [_stage(1, 100), _stage(2, 50)]
    tps = [_tp(1, "a", 60, 30, 1), _tp(1, "b", 40, 10, 2)]  # rates .5 .25, median .375
    # a target above the observed rate: nothing at stake for it
    assert _by_name(find_opportunities(stages, tps, {"a": F(6, 10)}, None)) == {}
    found = find_opportunities(stages, tps, {"b": F(0)}, None)
    got = _by_name(found)
    assert got[("s1", "b")].customers_at_stake == 10 and got[("s1", "b")].benchmark_from == "target"
    assert got[("s1", "a")].customers_at_stake == 30 - F(3, 8) * 60  # the median counts b's own rate
    assert got[("s1", "a")].revenue_at_stake is None  # no revenue column


def test_nobody_reached_the_next_stage_and_unranked_pairs():
    stages = [_stage(1, 10), _stage(2, 0), _stage(3, 0)]
    tps = [_tp(1, "a", 6, 6, 1), _tp(1, "b", 4, 1, 2), _tp(1, "tiny", 1, 1, None)]
    found = find_opportunities(stages, tps, {"tiny": F(0)}, [0, 0, 0])
    got = _by_name(found)
    assert set(got) == {("s1", "a")}  # unranked: no opportunity even with a target
    a = got[("s1", "a")]
    assert a.customers_at_stake == 6 - F(5, 8) * 6  # median of 1 and 1/4
    assert a.completions_at_stake == 0 and a.revenue_at_stake == 0  # customers_(k+1) = 0
    assert a.customers_at_stake > 0  # listed although its completions are 0


def test_ties_ordered_by_customers_then_rank():
    stages = [_stage(1, 100), _stage(2, 100)]
    tps = [_tp(1, "a", 10, 6, 2), _tp(1, "b", 10, 6, 1), _tp(1, "c", 10, 0, 3), _tp(1, "d", 10, 0, 4)]
    assert [o.touchpoint for o in find_opportunities(stages, tps, {}, None)] == ["b", "a"]


# --------------------------------------------------------------------------- end to end

MODEL = """\
name: shop
window: 30d
stages:
  - id: aware
    touchpoints: [ad, mail]
  - id: cart
    touchpoints: [cart]
  - id: buy
    touchpoints: [pay]
targets:
  mail: 10%
"""
# ad: c1 c2 c3 c4 (exits c3 c4 -> 2/4); mail: c5 c6 (exit c6 -> 1/2); cart: c1 c2 c5 (c2 exits);
# buy: c1 c5. Revenue: c1 100 + 50, c5 -30 (a refund) + 80.
EVENTS = """\
customer_id,timestamp,touchpoint,revenue
c1,2026-01-01T00:00:00Z,ad,
c1,2026-01-02T00:00:00Z,cart,
c1,2026-01-03T00:00:00Z,pay,100
c1,2026-01-04T00:00:00Z,pay,50
c2,2026-01-01T00:00:00Z,ad,
c2,2026-01-02T00:00:00Z,cart,
c3,2026-01-01T00:00:00Z,ad,
c4,2026-01-01T00:00:00Z,ad,
c5,2026-01-01T00:00:00Z,mail,
c5,2026-01-02T00:00:00Z,cart,-30
c5,2026-01-03T00:00:00Z,pay,80
c6,2026-01-01T00:00:00Z,mail,
"""


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "m.yaml").write_text(MODEL, encoding="utf-8")
    (tmp_path / "e.csv").write_text(EVENTS, encoding="utf-8")
    return str(tmp_path / "e.csv"), str(tmp_path / "m.yaml")


def test_end_to_end_hand_worked(cli, shop):
    events, model = shop
    r = cli("map", events, "-m", model, "-f", "json")
    assert r.exit_code == 0, r.output
    opp = {o["touchpoint"]: o for o in json.loads(r.stdout)["opportunities"]}
    # aware: ad 2/4, mail 1/2 (median 1/2); mail's target 10%: 1 - 0.1 * 2 = 0.8 at stake
    # cart: its only pair (c2 exits, 1/3) is its own median: nothing at stake
    assert set(opp) == {"mail"}
    mail = opp["mail"]
    assert mail["benchmark"] == 0.1 and mail["benchmark_from"] == "target"
    assert mail["customers_at_stake"] == pytest.approx(0.8, abs=1e-15)
    # completions: 0.8 x customers_3 (2) / customers_2 (3); revenue: 0.8 x R(depth >= 2) / 3, R = 150 + 50 + 0
    assert mail["completions_at_stake"] == float(F(8, 10) * 2 / 3)
    assert mail["revenue_at_stake"] == float(F(8, 10) * 200 / 3)


def test_what_if_on_the_command_line(cli, shop):
    events, model = shop
    r = cli("map", events, "-m", model, "-f", "json", "--what-if", " ad =25%", "--what-if", "mail=1")
    assert r.exit_code == 0, r.output
    opp = {o["touchpoint"]: o for o in json.loads(r.stdout)["opportunities"]}
    assert set(opp) == {"ad"} and opp["ad"]["customers_at_stake"] == 1.0  # 2 - 0.25 * 4


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ad", "expected TOUCHPOINT=RATE"),
        ("ad=1.5", "from 0 to 1"),
        ("ad=-1%", "from 0 to 1"),
        ("ad=x", "from 0 to 1"),
        ("adz=0.1", "the run has no touchpoint `adz` (did you mean `ad`?)"),
    ],
)
def test_what_if_usage_errors(cli, shop, value, message):
    events, model = shop
    r = cli("map", events, "-m", model, "--what-if", value)
    assert r.exit_code == 2 and message in r.stderr


def test_model_targets_are_validated(cli, shop, tmp_path):
    events, _ = shop
    bad = tmp_path / "bad.yaml"
    bad.write_text(MODEL.replace("mail: 10%", "mail: 140%"), encoding="utf-8")
    r = cli("validate", "-m", str(bad))
    assert r.exit_code == 3 and "targets" in r.output


def test_outputs_lead_with_the_decision(cli, shop):
    events, model = shop
    table = cli("map", events, "-m", model, env={"COLUMNS": "120"}).stdout
    assert table.index("Fix first") < table.index("Funnel by stage")
    assert "1. mail (aware): 50.0% drop-off against 10.0% (its target)" in table
    assert "Estimates, not observed counts" in table
    md = cli("map", events, "-m", model, "-f", "md").stdout
    assert md.index("### Fix first") < md.index("### Funnel by stage")
    csv = cli("map", events, "-m", model, "-f", "csv", "--table", "opportunities").stdout.splitlines()
    assert csv[0].startswith("order,stage,stage_label,touchpoint,drop_off_rate,benchmark")
    assert csv[1].startswith("1,aware,aware,mail,0.5,0.1,target,0.8")
    zh = cli("map", events, "-m", model, "--lang", "zh", env={"COLUMNS": "120"}).stdout
    assert "优先改进" in zh and "以上为估算而非实际计数" in zh


def test_check_gate_on_customers_at_stake(cli, shop):
    events, model = shop
    ok = cli("check", events, "-m", model, "--max-at-stake", "mail=1", "--max-at-stake", "aware=0.8")
    assert ok.exit_code == 0, ok.output
    bad = cli("check", events, "-m", model, "--max-at-stake", "mail=0.5", "-f", "json")
    assert bad.exit_code == 1
    gate = json.loads(bad.stdout)["gates"][0]
    assert gate["gate"] == "max_at_stake" and gate["value"] == pytest.approx(0.8)
    assert cli("check", events, "-m", model, "--max-at-stake", "mail=-1").exit_code == 2


def test_segments_and_parts_give_the_maps_own(cli, shop, tmp_path):
    """A segment's opportunities are those of the map of its customers alone; parts merge exactly."""
    events, model = shop
    whole = json.loads(cli("map", events, "-m", model, "-f", "json").stdout)
    parts = json.loads(cli("map", events, "-m", model, "-f", "json", "--partitions", "3").stdout)
    assert parts["opportunities"] == whole["opportunities"]
    by = json.loads(cli("map", events, "-m", model, "-f", "json", "--by", "week").stdout)
    assert by["all"]["opportunities"] == whole["opportunities"]
    # a segment alone: c5, c6 only (mail) -> its map's own median is mail's own rate, target 10%
    lines = EVENTS.splitlines()
    only = tmp_path / "only.csv"
    only.write_text("\n".join([lines[0], *(ln for ln in lines[1:] if ln.startswith(("c5", "c6")))]) + "\n")
    alone = json.loads(cli("map", str(only), "-m", model, "-f", "json").stdout)
    assert alone["opportunities"][0]["customers_at_stake"] == pytest.approx(0.8)


def test_map_value_uses_predicted_clv_for_revenue_at_stake(cli):
    """`map --value`: R is the predicted CLV (cjtool value) of the customers who reached
    stage k+1, from the customer table's depth and value's CLV, not the observed revenue."""
    from tests.conftest import EXAMPLES

    args = (EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-q")
    r = cli("map", *args, "--value", "-f", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["revenue_at_stake_basis"] == "clv"
    clv = {c["customer_id"]: c["clv"] for c in json.loads(cli("value", *args, "-f", "json").stdout)["customers"]}
    depth = {
        c["customer_id"]: c["depth"] for c in json.loads(cli("customers", *args, "-f", "json").stdout)["customers"]
    }
    stages = [s["id"] for s in doc["stages"]]
    for o in doc["opportunities"]:
        k = stages.index(o["stage"]) + 1  # 1-based: customers_(k+1) have depth >= k + 1
        reached = [c for c, d in depth.items() if d >= k + 1]
        total = sum(round((clv.get(c) or 0.0) * 1_000_000) for c in reached) / 1_000_000
        assert o["revenue_at_stake"] == pytest.approx(o["customers_at_stake"] * total / len(reached), rel=1e-12)
    plain = json.loads(cli("map", *args, "-f", "json").stdout)
    assert [o["customers_at_stake"] for o in plain["opportunities"]] == [
        o["customers_at_stake"] for o in doc["opportunities"]
    ]
    assert cli("map", *args, "--value", "--by", "persona").exit_code == 2
