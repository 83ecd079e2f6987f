"""The Python API as a notebook uses it: `cjtool.map_journey` and friends at the package's
top, the map's stages and touchpoints as polars frames (the JSON's numbers, row for row),
and the map shown in Jupyter with its picture, drawn only when shown."""

from __future__ import annotations

import base64
import re

import polars as pl
import pytest

import cjtool
from cjtool.api import map_journey
from cjtool.model import load_model, parse_model
from cjtool.render import notebook
from cjtool.result import STAGE_SCHEMA, TOUCHPOINT_SCHEMA

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def example():
    return map_journey([str(EXAMPLES / "aipl_events.csv")], load_model(str(EXAMPLES / "aipl.yaml")))


def test_the_api_is_at_the_top_of_the_package():
    from cjtool import api

    for name in ("map_journey", "moments", "paths", "compare", "customers", "breakdown", "load_model"):
        assert getattr(cjtool, name) is getattr(api, name)
        assert name in dir(cjtool)
    with pytest.raises(AttributeError):
        cjtool.no_such_thing  # noqa: B018


def test_stage_frame_is_the_json_stages(example):
    doc = example.to_dict()
    frame = example.stages_df
    assert frame.schema == pl.Schema(STAGE_SCHEMA)
    assert frame["index"].to_list() == list(range(1, len(doc["stages"]) + 1))
    for row, stage in zip(frame.iter_rows(named=True), doc["stages"], strict=True):
        for key, value in row.items():
            if key != "index":
                assert value == stage[key], (stage["id"], key)


def test_touchpoint_frame_is_the_json_touchpoints(example):
    doc = example.to_dict()
    frame = example.touchpoints_df
    assert frame.schema == pl.Schema(TOUCHPOINT_SCHEMA)
    assert frame.height == len(doc["touchpoints"]) > 10
    for row, tp in zip(frame.iter_rows(named=True), doc["touchpoints"], strict=True):
        for key, value in row.items():
            if key not in ("stage_index", "impact"):
                assert value == tp[key], (tp["touchpoint"], key)
    assert frame["rank"].drop_nulls().to_list() == list(range(1, frame["rank"].drop_nulls().len() + 1))


def test_opportunity_frame_is_the_json_opportunities(example):
    doc = example.to_dict()
    frame = example.opportunities_df
    assert frame.height == len(doc["opportunities"]) > 0
    assert frame.rows(named=True) == doc["opportunities"]
    empty = type(example)(**{**example.__dict__, "opportunities": []}).opportunities_df
    assert empty.height == 0 and empty.schema == frame.schema


def test_a_map_without_scores_has_null_scores_not_zeros():
    model = parse_model("stages:\n  - {id: a, touchpoints: [x]}\n  - {id: b, touchpoints: [y]}\n")
    frame = pl.DataFrame(
        {"customer_id": ["c1", "c1"], "timestamp": ["2026-01-01", "2026-01-02"], "touchpoint": ["x", "y"]}
    )
    jm = map_journey(frame, model)
    assert jm.stages_df.select("id", "customers", "satisfaction", "nps").rows() == [
        ("a", 1, None, None),
        ("b", 1, None, None),
    ]
    assert jm.touchpoints_df["satisfaction"].null_count() == 2


def test_the_notebook_shows_the_picture_drawn_when_asked(monkeypatch):
    drawn = []
    real = notebook.journey_png
    monkeypatch.setattr(notebook, "journey_png", lambda *a, **k: drawn.append(1) or real(*a, **k))
    model = parse_model(
        "title: '<script>alert(1)</script> & co'\nstages:\n  - {id: a, touchpoints: [x]}\n  - {id: b, touchpoints: [y]}\n"
    )
    frame = pl.DataFrame(
        {"customer_id": ["c1", "c1"], "timestamp": ["2026-01-01", "2026-01-02"], "touchpoint": ["x", "y"]}
    )
    jm = map_journey(frame, model)
    assert drawn == []  # mapping draws nothing
    page = jm._repr_html_()
    assert drawn == [1]
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    picture = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert picture and base64.b64decode(picture.group(1))[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.count("<table") == 2  # the stages and the touchpoints
