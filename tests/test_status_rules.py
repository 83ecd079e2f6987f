"""SPEC 14's in-progress and churned rules (one definition in cjtool.journey_rules):
the customer table, the map and the map merged from parts say the same, at the edges."""

from __future__ import annotations

from collections import Counter

import polars as pl

from cjtool.analyses.customers import customer_table
from cjtool.api import journeys
from cjtool.events import EventTable
from cjtool.journeys import build_journeys
from cjtool.metrics import aggregate, compute_maps, finish, merge
from cjtool.model import parse_model
from cjtool.render.machine import to_json

MODEL = parse_model(
    "name: m\nwindow: 1h\nchurn_after: 1h\nstages:\n  - {id: a, touchpoints: [a]}\n  - {id: b, touchpoints: [b]}\n"
)
# `done` ends the data at 02:00:00; each of the others starts at a, once
EVENTS = pl.DataFrame(
    {
        "customer_id": ["done", "done", "edge", "open", "old"],
        "timestamp": [
            "2026-01-01T01:30:00Z",
            "2026-01-01T02:00:00Z",
            "2026-01-01T01:00:00Z",  # window closes at t_end exactly: dropped; 1 h since: not churned
            "2026-01-01T01:00:00.000001Z",  # window still open: in progress
            "2026-01-01T00:59:59.999999Z",  # a microsecond over churn_after: churned
        ],
        "touchpoint": ["a", "b", "a", "a", "a"],
    }
)
STATUS = {"done": "completed", "edge": "dropped", "open": "in_progress", "old": "dropped"}


def test_status_and_churn_at_the_edges_agree_everywhere():
    j = journeys(EVENTS, MODEL)
    table = customer_table(j)
    assert dict(zip(table["customer_id"], table["status"].cast(pl.String), strict=True)) == STATUS
    assert table.filter("churned")["customer_id"].to_list() == ["old"]
    whole = compute_maps(j)[0]
    depth = dict(zip(table["customer_id"], table["depth"], strict=True))
    in_progress = Counter(depth[c] for c, s in STATUS.items() if s == "in_progress")
    assert [s.in_progress for s in whole.stages] == [in_progress[1], in_progress[2]] == [1, 0]
    assert [s.churned for s in whole.stages] == [1, 0]
    # each customer in a part of their own: every part's t_end is earlier than the run's
    frame = j.table.frame
    tables = [frame.filter(frame["cust"].cast(pl.String) == c) for c in STATUS]
    parts = [aggregate(build_journeys(EventTable(t, t.height), MODEL)) for t in tables]
    assert to_json(finish(merge(parts))[0]) == to_json(whole)
