"""The journeys step and what the analyses read from it: the customer table (SPEC 8),
status (SPEC 14), segment attributes and one-pass breakdowns (SPEC 9), extra event
columns and the revenue role, hand-computed."""

from __future__ import annotations

import polars as pl
import pytest

from cjtool.analyses import segments as sg
from cjtool.analyses.customers import customer_table
from cjtool.api import journeys, map_journey
from cjtool.errors import DataError, UsageError
from cjtool.model import parse_model

MODEL = """
name: shop
window: 1d
stages:
  - id: aware
    label: Aware
    touchpoints: [ad]
  - id: consider
    label: Consider
    touchpoints: [view]
  - id: buy
    label: Buy
    touchpoints: [pay]
"""

ROWS = [
    # customer, time, touchpoint, tier (an extra column), revenue
    ("a", "2024-03-01T10:00:00Z", "ad", "", None),
    ("a", "2024-03-01T11:00:00Z", "view", "gold", None),
    ("a", "2024-03-01T12:00:00Z", "pay", "silver", "19.90"),
    ("b", "2024-03-01T10:00:00Z", "ad", " ", None),
    ("b", "2024-03-01T10:30:00Z", "view", None, None),
    ("c", "2024-03-02T09:00:00Z", "view", "gold", None),  # never entered
    ("d", "2024-03-03T08:00:00Z", "ad", "silver", None),  # last event: t_end = 08:00 on 03-03
    ("e", "2024-03-03T08:00:00Z", "login", "bronze", "x"),  # unassigned: not a customer of the run
]


def frame() -> pl.DataFrame:
    cols = ["customer_id", "timestamp", "touchpoint", "tier", "revenue"]
    return pl.DataFrame([dict(zip(cols, r, strict=True)) for r in ROWS], schema={c: pl.String for c in cols})


@pytest.fixture
def j():
    return journeys(frame(), parse_model(MODEL), attributes=["tier"])


def test_customer_table_columns_and_values(j):
    t = customer_table(j)
    assert t.columns[:4] == ["customer_id", "depth", "stage", "completed"]
    assert t.columns[4:] == [
        "reached_aware",
        "reached_consider",
        "reached_buy",
        "first_seen",
        "last_seen",
        "events",
        "last_stage",
        "last_touchpoint",
        "exit_touchpoint",
        "status",
        "revenue",  # SPEC 16: with a revenue column
    ]
    rows = {r["customer_id"]: r for r in t.iter_rows(named=True)}
    assert list(rows) == ["a", "b", "c", "d"]  # by id; e has no assigned event
    a, b, c, d = (rows[k] for k in "abcd")
    assert (a["depth"], a["stage"], a["completed"], a["status"]) == (3, "buy", True, "completed")
    assert a["exit_touchpoint"] is None and a["events"] == 3 and str(a["reached_buy"]) == "2024-03-01 12:00:00"
    # b: depth 2, its window (1 d from 10:00 on 03-01) closed before t_end (03-03 08:00): dropped at view
    assert (b["depth"], b["stage"], b["status"], b["exit_touchpoint"]) == (2, "consider", "dropped", "view")
    assert b["reached_buy"] is None and b["last_touchpoint"] == "view"
    # c: a view but no ad: not entered, no exit
    assert (c["depth"], c["stage"], c["status"], c["exit_touchpoint"]) == (0, None, "not_entered", None)
    # d: entered at t_end itself: its window is still open -> in progress
    assert (d["depth"], d["status"], d["exit_touchpoint"]) == (1, "in_progress", "ad")


def test_table_reproduces_the_map(j):
    t = customer_table(j)
    m = map_journey(frame(), parse_model(MODEL)).to_dict()
    assert [s["customers"] for s in m["stages"]] == [int((t["depth"] >= k).sum()) for k in (1, 2, 3)]
    exits = t.filter(pl.col("exit_touchpoint").is_not_null()).group_by("stage", "exit_touchpoint").len()
    got = {(r["stage"], r["exit_touchpoint"]): r["len"] for r in exits.iter_rows(named=True)}
    assert got == {(x["stage"], x["touchpoint"]): x["exits"] for x in m["touchpoints"] if x["exits"]}
    assert m["customers"]["in_progress"] == 1 and m["t_end"] == "2024-03-03T08:00:00Z"


def test_event_column_attribute_is_the_first_non_blank_value_on_an_assigned_event(j):
    a = sg.attribute(j, "tier")
    assert a.source == "event column"
    # a: blank on its first event, gold on the second; b: blank and null -> (none);
    # c: gold; d: silver. e (only an unassigned event) is no customer of the run
    assert dict(zip(customer_table(j)["customer_id"], customer_table(j, [("tier", a.values)])["tier"], strict=True))
    by_id = dict(zip(j.events["cust"].gather(j.customers["first"]).cast(pl.String), a.values, strict=True))
    assert by_id == {"a": "gold", "b": "(none)", "c": "gold", "d": "silver"}


def test_revenue_role_reads_numbers_and_warns_about_the_rest(j):
    assert j.events["revenue"].to_list() == [None, None, 19.9, None, None, None, None, None]
    assert any(w.startswith("revenue: 1 value not a number") for w in j.table.warnings)


def test_breakdown_maps_equal_the_maps_of_each_segments_customers_alone(j):
    b = sg.breakdown(j, sg.attribute(j, "tier"))
    assert [v for v, _ in b.segments] == ["gold", "(none)", "silver"]  # 2, 1, 1 customers; then by value
    model = parse_model(MODEL)
    for value, seg_map in b.segments:
        ids = {"gold": ["a", "c"], "(none)": ["b"], "silver": ["d"]}[value]
        alone = map_journey(frame().filter(pl.col("customer_id").is_in(ids)), model).to_dict()
        got = seg_map.to_dict()
        # SPEC 16: a segment's t_end (so who is in progress) is the run's, not its own
        assert got["t_end"] == "2024-03-03T08:00:00Z"
        for key in ("customers", "stages"):
            for x in [got[key]] if key == "customers" else got[key]:
                x.pop("in_progress")
            for x in [alone[key]] if key == "customers" else alone[key]:
                x.pop("in_progress")
        for key in ("customers", "events", "stages", "touchpoints", "unassigned_touchpoints"):
            assert got[key] == alone[key], (value, key)
    assert b.all.to_dict()["customers"]["total"] == 4


def test_pooling_keeps_the_largest_segments_and_says_so(j):
    b = sg.breakdown(j, sg.attribute(j, "tier"), limit=2)
    assert [v for v, _ in b.segments] == ["gold", "(other)"] and b.pooled == 2
    assert b.segments[1][1].customers_total == 2 and "pooled into (other)" in b.warnings[0]
    with pytest.raises(UsageError):
        sg.breakdown(j, sg.attribute(j, "tier"), limit=1)


def test_periods_of_entry(j):
    assert sg.attribute(j, "day").values.to_list() == ["2024-03-01", "2024-03-01", "2024-03-02", "2024-03-03"]
    assert sg.attribute(j, "week").values.to_list() == ["2024-W09"] * 3 + ["2024-W09"]
    assert set(sg.attribute(j, "quarter").values) == {"2024-Q1"}
    assert sg.attribute(j, "day", timezone="America/New_York").values.to_list()[3] == "2024-03-03"


def test_customer_file_attributes(j, tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text("customer_id,segment\na,VIP\nb,\nz,new\n", encoding="utf-8")
    a = sg.attribute(j, "segment", customer_file=sg.read_customer_file(crm))
    ids = j.events["cust"].gather(j.customers["first"]).cast(pl.String)  # in the order of codes, not of input
    assert a.source == "customer file"
    assert dict(zip(ids, a.values, strict=True)) == {"a": "VIP", "b": "(none)", "c": "(none)", "d": "(none)"}
    assert a.warnings == ["2 customers are not in the customer file: their `segment` is (none)"]
    crm.write_text("customer_id,segment\na,VIP\na,new\n", encoding="utf-8")
    with pytest.raises(DataError, match="customer `a` is listed 2 times"):
        sg.read_customer_file(crm)
    crm.write_text("id,segment\na,VIP\n", encoding="utf-8")
    with pytest.raises(DataError, match="no `customer_id` column"):
        sg.read_customer_file(crm)


def test_unknown_attribute_lists_what_there_is(j):
    with pytest.raises(UsageError, match=r"--by plan: no such attribute; event columns: tier; periods: day"):
        sg.attribute(j, "plan")


def test_extra_columns_are_not_part_of_the_dedupe_key():
    rows = frame().vstack(frame().head(1).with_columns(pl.lit("other").alias("tier")))
    j = journeys(rows, parse_model(MODEL + "dedupe: true\n"), attributes=["tier"])
    assert j.table.duplicates == 1


def test_customer_revenue_is_the_decimal_it_sums_to():
    """Sums of cents read back as the decimal, not 544.3199999999999 (a polars Series
    divided by a scalar multiplies by the reciprocal)."""
    rows = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": ["2024-03-01T10:00:00Z", "2024-03-01T11:00:00Z"],
            "touchpoint": ["ad", "view"],
            "revenue": ["0.32", "544"],
        }
    )
    t = customer_table(journeys(rows, parse_model(MODEL)))
    assert t["revenue"].to_list() == [544.32]


def test_customer_table_of_no_events_with_churn_after():
    """A header-only export (or every row rejected) with `churn_after`: an empty table with
    a churned column, not a crash."""
    empty = pl.DataFrame(schema={"customer_id": pl.String, "timestamp": pl.String, "touchpoint": pl.String})
    t = customer_table(journeys(empty, parse_model(MODEL + "churn_after: 30d\n")))
    assert t.height == 0 and "churned" in t.columns
