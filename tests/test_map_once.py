"""Work the map does once: the key moments with `ranking.impact` (ranking and ◆ marks
from one computation)."""

from __future__ import annotations

import json

import pytest

from cjtool.analyses import moments as moments_module
from tests.conftest import EXAMPLES

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
    assert r.stdout.index(top) < min(r.stdout.index(t["touchpoint"]) for t in ranked if t["rank"] == 2)


def test_report_and_paths_with_ranking_impact(cli, impact_model, moments_calls, tmp_path):
    r = cli("report", EVENTS, "-m", impact_model, "--out", tmp_path / "r", "-q")
    assert r.exit_code == 0, r.output
    assert len(moments_calls) == 1
    moments_calls.clear()
    r = cli("paths", EVENTS, "-m", impact_model, "-q")
    assert r.exit_code == 0, r.output
    assert moments_calls == []  # paths wants the map's warnings only
