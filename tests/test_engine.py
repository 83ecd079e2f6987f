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
