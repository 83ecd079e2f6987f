"""Work the map does once: the key moments with `ranking.impact` (ranking and ◆ marks
from one computation); with `--by`, one aggregation for the segments and the whole run."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjtool.analyses import moments as moments_module
from cjtool.analyses.segments import attribute, breakdown, breakdown_without, in_progress_mask
from cjtool.api import journeys
from cjtool.errors import DataError
from cjtool.metrics import compute_maps
from cjtool.model import parse_model
from cjtool.render.machine import to_json
from tests.conftest import EXAMPLES
from tests.test_differential import cases, frame_of

EVENTS = EXAMPLES / "aipl_events.csv"


@pytest.fixture
def impact_model(tmp_path):
    text = (EXAMPLES / "aipl.yaml").read_text(encoding="utf-8").replace("ranking:\n", "ranking:\n  impact: true\n", 1)
    path = tmp_path / "impact.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def moments_calls(monkeypatch):
    calls = []
    compute = moments_module.compute_moments

    def counted(*args, **kwargs):
        calls.append(args)
        return compute(*args, **kwargs)

    monkeypatch.setattr(moments_module, "compute_moments", counted)
    return calls


@pytest.mark.parametrize("extra", [[], ["--exclude-in-progress"]])
def test_map_with_ranking_impact_measures_the_moments_once(cli, impact_model, moments_calls, tmp_path, extra):
    ranked = json.loads(cli("map", EVENTS, "-m", impact_model, "-f", "json", "-q", *extra).stdout)["touchpoints"]
    assert len(moments_calls) == 1  # the ranking's
    moments_calls.clear()
    png = tmp_path / "map.png"
    r = cli("map", EVENTS, "-m", impact_model, "--png", png, "-q", *extra)
    assert r.exit_code == 0, r.output
    assert len(moments_calls) == 1  # the ranking's and the ◆ marks' at once
    assert "◆" in r.stdout and png.stat().st_size > 0
    top = next(t for t in ranked if t["rank"] == 1)["touchpoint"]  # ranked with the impact
    pains = r.stdout[r.stdout.index("Pain points") :]  # the ranking's table (Fix first leads with SPEC 17's order)
    assert pains.index(top) < min(pains.index(t["touchpoint"]) for t in ranked if t["rank"] == 2)


def test_report_and_paths_with_ranking_impact(cli, impact_model, moments_calls, tmp_path):
    r = cli("report", EVENTS, "-m", impact_model, "--out", tmp_path / "r", "-q")
    assert r.exit_code == 0, r.output
    assert len(moments_calls) == 1
    moments_calls.clear()
    r = cli("paths", EVENTS, "-m", impact_model, "-q")
    assert r.exit_code == 0, r.output
    assert moments_calls == []  # paths wants the map's warnings only


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), by=st.sampled_from(["channel", "day"]), limit=st.sampled_from([2, 10]))
def test_the_breakdowns_all_is_the_plain_map_byte_for_byte(case, by, limit):
    """`all` is merged from the segments' partial counts (one aggregation): the run's map
    exactly, medians and ranks too, events of no customer (unassigned only) included."""
    model_text, rows = case
    model = parse_model(model_text)
    try:
        j = journeys(frame_of(rows), model)
    except DataError:
        return
    bd = breakdown(j, attribute(j, by), limit=limit)
    assert to_json(bd.all) == to_json(compute_maps(j)[0])
    drop = in_progress_mask(j)
    without = breakdown_without(j, attribute(j, by), drop, limit=limit)
    assert to_json(without.all) == to_json(compute_maps(j, drop.cast(pl.UInt32), 2)[0])


@pytest.mark.parametrize("by", ["channel", "tier"])
def test_map_by_all_is_the_plain_map(cli, small, by):
    model, events = small  # c5's only event is unassigned: no customer, still in the run's map
    extra = ["--customers", EXAMPLES / "customers.csv"] if by == "tier" else []
    if by == "tier":
        model, events = EXAMPLES / "aipl.yaml", EVENTS
    plain = cli("map", events, "-m", model, "-f", "json", "-q")
    by_ = cli("map", events, "-m", model, "--by", by, *extra, "-f", "json", "-q")
    assert plain.exit_code == 0 and by_.exit_code == 0, by_.output
    assert json.loads(by_.stdout)["all"] == json.loads(plain.stdout)
