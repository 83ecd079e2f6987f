"""Engine internals that the SPEC tests reach only indirectly."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from cjtool.engine import sorted_events, stage_expr
from cjtool.model import parse_model

T0 = datetime(2024, 1, 1)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 5), st.integers(1, 4)), max_size=40))
def test_packed_sort_equals_plain_sort(rows):
    frame = pl.DataFrame(
        {
            "cust": [r[0] for r in rows],
            "timestamp": [T0 + timedelta(seconds=r[1]) for r in rows],
            "stage": [r[2] for r in rows],
        },
        schema={"cust": pl.Categorical, "timestamp": pl.Datetime("us"), "stage": pl.UInt16},
    )
    packed = sorted_events(frame)
    plain = sorted_events(frame, key_bits=4)  # too few bits: the three-column sort
    assert_frame_equal(packed, plain)
    # the order is (customer, time, input position)
    keys = list(zip(packed["cust"], packed["timestamp"], packed["pos"], strict=True))
    assert keys == sorted(keys)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 300_000_000_000), st.integers(1, 900)),
        min_size=1,
        max_size=40,
    )
)
def test_packed_sort_with_fields_across_the_two_halves(rows):
    """Times over millennia in microseconds (59 bits) and wide stages put the time field
    across the 64-bit line of the packed key: the halves must put it back together."""
    frame = pl.DataFrame(
        {
            "cust": [r[0] for r in rows],
            "timestamp": [datetime(1, 1, 1) + timedelta(seconds=r[1], microseconds=r[1] % 999_983) for r in rows],
            "stage": [r[2] for r in rows],
        },
        schema={"cust": pl.Categorical, "timestamp": pl.Datetime("us"), "stage": pl.UInt16},
    )
    assert_frame_equal(sorted_events(frame), sorted_events(frame, key_bits=4))


def test_packed_sort_round_trips_extreme_times():
    frame = pl.DataFrame(
        {
            "cust": ["x", "y", "x"],
            "timestamp": [
                datetime(1900, 1, 1),
                datetime(2200, 12, 31, 23, 59, 59, 999999),
                datetime(2024, 5, 5, 0, 0, 0, 1),
            ],
            "stage": [3, 1, 2],
        },
        schema={"cust": pl.Categorical, "timestamp": pl.Datetime("us"), "stage": pl.UInt16},
    )
    out = sorted_events(frame)
    assert out["timestamp"].to_list() == [
        datetime(1900, 1, 1),
        datetime(2024, 5, 5, 0, 0, 0, 1),
        datetime(2200, 12, 31, 23, 59, 59, 999999),
    ]
    assert out["stage"].to_list() == [3, 2, 1] and out["pos"].to_list() == [0, 2, 1]


def test_first_matching_stage_wins():
    model = parse_model(
        "stages:\n  - {id: a, match: 'view'}\n  - {id: b, touchpoints: [page_view, buy]}\n"
        "  - {id: c, touchpoints: [app_buy], channels: [app]}\n"
    )
    frame = pl.DataFrame(
        {"touchpoint": ["page_view", "buy", "app_buy", "app_buy", "other"], "channel": [None, None, "app", "web", None]}
    )
    assert frame.select(stage_expr(model))["stage"].to_list() == [1, 2, 3, None, None]


def test_runs_of_starts_sharing_a_chain_hand_computed():
    """Several starts share their next stage-2 event (one run); the window decides which
    of them is the earliest that still reaches the run's depth."""
    from cjtool.api import map_journey
    from tests.reference import reference_map

    model = parse_model(
        "window: 1h\nstages:\n  - {id: a, touchpoints: [ad]}\n  - {id: b, touchpoints: [view]}\n"
        "  - {id: c, touchpoints: [buy]}\n"
    )
    rows = [
        # x: ads at 00:00, 00:30, 00:45, 00:50 all lead to the view at 01:10 and the buy at 01:40.
        # Depth 3 needs buy - start <= 1h: start >= 00:40, so the chain starts at 00:45
        # (not at 00:50, the run's latest start): view - start = 25 min, buy - view = 30 min.
        ("x", "2024-01-01T00:00:00Z", "ad"),
        ("x", "2024-01-01T00:30:00Z", "ad"),
        ("x", "2024-01-01T00:45:00Z", "ad"),
        ("x", "2024-01-01T00:50:00Z", "ad"),
        ("x", "2024-01-01T01:10:00Z", "view"),
        ("x", "2024-01-01T01:40:00Z", "buy"),
        # y: a view at the same instant as the ad counts (0 s); the buy 90 min later is outside 1h
        ("y", "2024-01-01T02:00:00Z", "view"),
        ("y", "2024-01-01T02:00:00Z", "ad"),
        ("y", "2024-01-01T03:30:00Z", "buy"),
    ]
    frame = pl.DataFrame(rows, schema=["customer_id", "timestamp", "touchpoint"], orient="row")
    out = map_journey(frame, model).to_dict()
    assert [s["customers"] for s in out["stages"]] == [2, 2, 1]
    # stage 2: x 1500 s, y 0 s -> median 750; stage 3: x 1800 s
    assert [s["median_time_to_convert_s"] for s in out["stages"]] == [None, 750.0, 1800.0]
    ref = reference_map([{"customer_id": c, "timestamp": t, "touchpoint": p} for c, t, p in rows], model)
    assert [s["median_time_to_convert_s"] for s in ref["stages"]] == [None, 750.0, 1800.0]


def test_stage_column_same_through_codes_and_through_the_join(monkeypatch):
    """Categorical columns take the dense-code table; text columns, or too many
    (touchpoint, channel) pairs for a table, the join: the stages are the same."""
    from cjtool import engine

    model = parse_model(
        "stages:\n"
        "  - {id: a, touchpoints: [ad], channels: [web]}\n"
        "  - {id: b, touchpoints: [ad, {name: buy, occurrence: 1}], match: '^vi'}\n"
        '  - {id: c, touchpoints: [{name: buy, occurrence: "2+"}]}\n'
    )
    text = pl.DataFrame(
        {
            "row": list(range(8)),
            "cust": ["x", "x", "y", "x", "y", "x", "y", "z"],
            "timestamp": [T0 + timedelta(hours=h) for h in (1, 2, 3, 4, 5, 6, 7, 8)],
            "touchpoint": ["ad", "ad", "visit", "buy", "buy", "buy", "buy", "other"],
            "channel": ["web", "app", None, "web", "app", None, "web", "web"],
        },
        schema_overrides={"row": pl.UInt32, "timestamp": pl.Datetime("us")},
    )
    coded = text.with_columns(pl.col("cust", "touchpoint", "channel").cast(pl.Categorical))
    want = [1, 2, 2, 2, 2, 3, 3, None]
    assert engine.stage_column(coded, model).to_list() == want
    assert engine.stage_column(text, model).to_list() == want
    monkeypatch.setattr(engine, "DENSE_KEYS", 1)
    assert engine.stage_column(coded, model).to_list() == want
