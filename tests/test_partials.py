"""The exact merge (cjtool.metrics: aggregate -> merge -> finish): the map of a run split by
customer into parts, each mapped alone, equals the map of the whole run, byte for byte."""

from __future__ import annotations

import json
import random
import zlib

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cjtool.errors import DataError
from cjtool.events import EventTable, read_events
from cjtool.journeys import build_journeys
from cjtool.metrics import aggregate, compute_map, finish, merge
from cjtool.model import load_model, parse_model
from cjtool.render.machine import to_json

try:
    from tests.conftest import EXAMPLES, ROOT
    from tests.test_differential import BULK_MODEL, NPSS, SATISFACTIONS, cases, frame_of, render_instant
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from conftest import EXAMPLES, ROOT  # type: ignore[no-redef]
    from test_differential import (  # type: ignore[no-redef]
        BULK_MODEL,
        NPSS,
        SATISFACTIONS,
        cases,
        frame_of,
        render_instant,
    )


def part_of(ids: pl.Series, n: int) -> pl.Series:
    """A customer's part: a hash of the id's text that does not depend on the process."""
    return pl.Series([zlib.crc32(str(i).encode()) % n for i in ids.cast(pl.String).to_list()], dtype=pl.UInt32)


def split_table(table: EventTable, n: int, rng: random.Random) -> list[EventTable]:
    """The run's events split by customer into n parts; the table's counts and warnings
    (of the whole input) go with one part chosen at random, the others count nothing."""
    part = part_of(table.frame["cust"], n)
    owner = rng.randrange(n)
    out = []
    for i in range(n):
        frame = table.frame.filter(part == i)
        if i == owner:
            out.append(
                EventTable(
                    frame,
                    table.rows_read,
                    dict(table.rejected),
                    table.blank,
                    table.duplicates,
                    has_revenue=table.has_revenue,
                )
            )
            out[-1].notes = list(table.notes)
        else:
            out.append(EventTable(frame, 0, has_revenue=table.has_revenue))
    return out


def merged_json(table: EventTable, model, n: int, seed: int) -> str:
    parts = split_table(table, n, random.Random(seed))
    partials = [aggregate(build_journeys(t, model)) for t in parts]
    random.Random(seed).shuffle(partials)  # the order parts finish in does not matter
    return to_json(finish(merge(partials))[0])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), n=st.integers(1, 4), seed=st.integers(0, 1000))
def test_parts_of_random_logs_merge_to_the_run(case, n: int, seed: int) -> None:
    model_text, rows = case
    model = parse_model(model_text)
    try:
        table = read_events(frame_of(rows), model)
    except DataError:
        assume(False)
    whole = to_json(compute_map(table, model))
    assert merged_json(table, model, n, seed) == whole


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    mode=st.sampled_from(["ordered", "furthest"]),
    window=st.sampled_from(["", "window: 90s", "window: 1h"]),
    n=st.integers(2, 7),
)
def test_parts_of_larger_logs_merge_to_the_run(seed: int, mode: str, window: str, n: int) -> None:
    """Thousands of rows, hundreds of customers, many equal gaps: exact medians of
    merged gap counts, distinct customers per pair added over parts, ranks after the merge."""
    rnd = random.Random(seed)
    names = ["ad", "ad_click", "search", "view", "product_view", "cart", "pay", "review", "repeat", "login", "浏览"]
    rows = [
        {
            "customer_id": f"c{rnd.randrange(300)}",
            "timestamp": render_instant(rnd.choice([0, 30, 45, 60, 90, 91, 3600, 7200]) * rnd.randint(0, 3), 0),
            "touchpoint": rnd.choice(names),
            "channel": rnd.choice([None, "web", "app"]),
            "satisfaction": rnd.choice(SATISFACTIONS),
            "nps": rnd.choice(NPSS),
        }
        for _ in range(rnd.randint(1000, 3000))
    ]
    model = parse_model(BULK_MODEL.format(mode=mode, window=window, same_time="any_order"))
    table = read_events(frame_of(rows), model)
    assert merged_json(table, model, n, seed) == to_json(compute_map(table, model))


def test_a_median_decided_across_parts() -> None:
    """Gaps 10 s and 30 s in one part, 20 s and 40 s in the other: the median, 25 s, is
    no part's median (20 s, 30 s) nor their mean."""
    model = parse_model("name: m\nstages:\n  - {id: a, touchpoints: [a]}\n  - {id: b, touchpoints: [b]}\n")
    rows = []
    for cust, gap in (("p", 10), ("q", 30), ("r", 20), ("s", 40)):
        rows += [
            {"customer_id": cust, "timestamp": render_instant(0, 0), "touchpoint": "a"},
            {"customer_id": cust, "timestamp": render_instant(gap, 0), "touchpoint": "b"},
        ]
    table = read_events(frame_of(rows), model)
    halves = [
        EventTable(
            table.frame.filter(table.frame["cust"].cast(pl.String).is_in(ids)),
            8 if ids == ["p", "q"] else 0,
            has_revenue=table.has_revenue,
        )
        for ids in (["p", "q"], ["r", "s"])
    ]
    maps = [finish(aggregate(build_journeys(t, model)))[0] for t in halves]
    assert [m.stages[1].median_time_to_convert_s for m in maps] == [20.0, 30.0]
    merged = finish(merge([aggregate(build_journeys(t, model)) for t in halves]))[0]
    assert merged.stages[1].median_time_to_convert_s == 25.0
    assert to_json(merged) == to_json(compute_map(table, model))


def test_in_progress_is_decided_at_the_runs_end() -> None:
    """A part whose data ends early sees its customer as in progress; at the run's t_end
    (a later event in another part) the window has closed: dropped."""
    model = parse_model("name: m\nwindow: 1h\nstages:\n  - {id: a, touchpoints: [a]}\n  - {id: b, touchpoints: [b]}\n")
    rows = [
        {"customer_id": "early", "timestamp": render_instant(0, 0), "touchpoint": "a"},
        {"customer_id": "late", "timestamp": render_instant(7200, 0), "touchpoint": "a"},
    ]
    table = read_events(frame_of(rows), model)
    early, late = (
        EventTable(table.frame.filter(table.frame["cust"].cast(pl.String) == c), 1, has_revenue=table.has_revenue)
        for c in ("early", "late")
    )
    alone = finish(aggregate(build_journeys(early, model)))[0]
    assert alone.stages[0].in_progress == 1
    merged = finish(merge([aggregate(build_journeys(t, model)) for t in (early, late)]))[0]
    assert merged.stages[0].in_progress == 1  # only `late`
    assert json.loads(to_json(merged))["customers"]["in_progress"] == 1
    assert to_json(merged) == to_json(compute_map(table, model))


def test_warnings_from_merged_checks() -> None:
    """The stage-claimed warning needs the merged per-stage counts: a stage that gets
    events in one part only is no stage that gets none."""
    model = parse_model("name: m\nstages:\n  - {id: a, touchpoints: [x]}\n  - {id: b, touchpoints: [x, y]}\n")
    rows = [
        {"customer_id": "p", "timestamp": render_instant(0, 0), "touchpoint": "x"},
        {"customer_id": "q", "timestamp": render_instant(0, 0), "touchpoint": "y"},
    ]
    table = read_events(frame_of(rows), model)
    p, q = (
        EventTable(table.frame.filter(table.frame["cust"].cast(pl.String) == c), 1, has_revenue=table.has_revenue)
        for c in ("p", "q")
    )
    alone = finish(aggregate(build_journeys(p, model)))[0]
    assert any("stage `b` gets no event" in w for w in alone.warnings)
    merged = finish(merge([aggregate(build_journeys(t, model)) for t in (p, q)]))[0]
    assert not any("gets no event" in w for w in merged.warnings)
    assert to_json(merged) == to_json(compute_map(table, model))


EXAMPLE_RUNS = [("aipl_events.csv", "examples/aipl.yaml")]


@pytest.mark.parametrize("n", [2, 5])
@pytest.mark.parametrize(("events", "model_path"), EXAMPLE_RUNS)
def test_examples_read_per_part(n: int, events: str, model_path: str) -> None:
    """Each part read on its own (as the partitioned CLI reads them): the shipped example
    maps to the same bytes, the read's counts added up."""
    model = load_model(ROOT / model_path)
    raw = pl.read_csv(EXAMPLES / events, infer_schema=False)
    part = part_of(raw[model.column_map["customer_id"]], n)
    partials = [aggregate(build_journeys(read_events(raw.filter(part == i), model), model)) for i in range(n)]
    whole = compute_map(read_events(raw, model), model)
    assert to_json(finish(merge(partials))[0]) == to_json(whole)
