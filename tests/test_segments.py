"""Segments, the customer table and outcomes (SPEC 8, 9, 14): against the reference on
random logs, the table against the map, and the CLI's options and bad input."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjtool.analyses.customers import customer_table
from cjtool.analyses.segments import attribute, breakdown
from cjtool.api import journeys
from cjtool.errors import DataError
from cjtool.metrics import compute_maps
from cjtool.model import parse_model
from tests.reference_segments import reference_breakdown
from tests.test_differential import cases, differences, frame_of

EXAMPLE = ["examples/aipl_events.csv"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), by=st.sampled_from(["channel", "day", "month"]), limit=st.sampled_from([2, 3, 10]))
def test_each_segment_map_is_the_map_of_its_customers_alone(case, by, limit):
    model_text, rows = case
    model = parse_model(model_text)
    try:
        want = reference_breakdown(rows, model, by, limit)
    except DataError:
        return
    j = journeys(frame_of(rows), model)
    got = breakdown(j, attribute(j, by), limit=limit)
    assert [v for v, _ in got.segments] == [s["value"] for s in want["segments"]]
    assert not differences(got.all.to_dict(), want["all"])
    for (value, m), w in zip(got.segments, want["segments"], strict=True):
        diffs = differences(m.to_dict(), w["map"])  # rows too: its customers' rejected ones count (SPEC 16)
        assert not diffs, f"segment {value}: " + "; ".join(diffs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_customer_table_reproduces_the_map(case):
    model_text, rows = case
    model = parse_model(model_text)
    try:
        j = journeys(frame_of(rows), model)
    except DataError:
        return
    table = customer_table(j)
    m = compute_maps(j)[0]
    K = len(model.stages)
    assert table["customer_id"].to_list() == sorted(table["customer_id"].to_list())
    assert table.height == m.customers_total
    for k, s in enumerate(m.stages, start=1):
        assert (table["depth"] >= k).sum() == s.customers
        assert ((table["depth"] == k) & (table["status"] == "in_progress")).sum() == s.in_progress
    exits = table.filter(pl.col("exit_touchpoint").is_not_null()).group_by("stage", "exit_touchpoint").len()
    got = {(r["stage"], r["exit_touchpoint"]): r["len"] for r in exits.iter_rows(named=True)}
    assert got == {(t.stage, t.touchpoint): t.exits for t in m.touchpoints if t.exits}
    assert table["events"].sum() == m.events_assigned
    assert (table["completed"] == (table["depth"] == K)).all()


def test_segment_values_are_pooled_into_other_with_a_warning():
    ids = [f"c{i:06d}" for i in range(2000)]
    frame = pl.DataFrame(
        {"customer_id": ids, "timestamp": ["2026-01-01T00:00:00Z"] * 2000, "touchpoint": ["a"] * 2000, "channel": ids}
    )
    model = parse_model("stages:\n  - {id: s1, touchpoints: [a]}\n  - {id: s2, touchpoints: [b]}\n")
    j = journeys(frame, model)
    bd = breakdown(j, attribute(j, "channel"), limit=10)
    assert [v for v, _ in bd.segments][-1] == "(other)" and len(bd.segments) == 10
    assert bd.segments[-1][1].customers_total == 2000 - 9
    assert any("pooled into (other)" in w for w in bd.warnings)


def test_churn_and_revenue_per_stage_customer_and_touchpoint():
    model = parse_model("churn_after: 10d\nstages:\n  - {id: s1, touchpoints: [a]}\n  - {id: s2, touchpoints: [b]}\n")
    frame = pl.DataFrame(
        {
            "customer_id": ["x", "x", "y", "z"],
            "timestamp": [
                "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
                "2026-01-20T00:00:00Z",
                "2026-01-05T00:00:00Z",
            ],
            "touchpoint": ["a", "b", "a", "b"],
            "revenue": [None, "12.5", "3.25", "1"],
        }
    )
    j = journeys(frame, model)
    m = compute_maps(j)[0]
    assert [s.churned for s in m.stages] == [0, 1]  # x (depth 2) last seen 18 days before t_end; y is recent
    assert [s.revenue for s in m.stages] == [3.25, 13.5]
    assert [s.revenue_per_customer for s in m.stages] == [3.25, 12.5]  # depth exactly 1: y; 2: x
    assert {t.touchpoint: t.revenue for t in m.touchpoints} == {"a": 3.25, "b": 13.5}
    assert m.revenue == 16.75  # z's event is assigned (depth 0): it counts
    table = customer_table(j)
    assert table.select("customer_id", "churned", "revenue").rows() == [
        ("x", True, 12.5),
        ("y", False, 3.25),
        ("z", True, 1.0),
    ]


def test_revenue_prints_with_thousands_separators(cli):
    r = cli("map", *EXAMPLE, "-m", "aipl", "--by", "variant", "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads(cli("map", *EXAMPLE, "-m", "aipl", "-f", "json", "-q").stdout)
    row = next(line for line in r.stdout.splitlines() if line.split()[:1] == ["revenue"])
    assert row.split()[1] == f"{doc['revenue']:,.0f}" and "," in row.split()[1]  # 360,624, not 360624
    per = next(line for line in r.stdout.splitlines() if line.startswith(" revenue / customer"))
    assert per.split()[3] == f"{doc['revenue'] / doc['customers']['total']:,.2f}"


def test_customers_win_back_list_is_filtered_and_sanitised(cli, tmp_path):
    out = tmp_path / "winback.csv"
    r = cli("customers", *EXAMPLE, "-m", "aipl", "--status", "dropped", "--exit-touchpoint", "checkout", "-o", out)
    assert r.exit_code == 0, r.output
    table = pl.read_csv(out)
    assert table.height > 50
    assert set(table["status"]) == {"dropped"} and set(table["exit_touchpoint"]) == {"checkout"}
    assert table["reached_awareness"].drop_nulls().str.ends_with("Z").all()
    evil = tmp_path / "evil.csv"
    evil.write_text("customer_id,timestamp,touchpoint\n=HYPERLINK(1),2026-01-01T00:00:00Z,ad_impression\n")
    r = cli("customers", evil, "-m", "aipl", "-q")
    assert "'=HYPERLINK(1)" in r.stdout


def test_customers_json_and_parquet(cli, tmp_path):
    r = cli("customers", *EXAMPLE, "-m", "aipl", "-f", "json", "--by", "month")
    doc = json.loads(r.stdout)
    assert doc["schema"] == "cjtool.customers/1" and list(doc["customers"][0])[-3:] == ["status", "month", "revenue"]
    assert cli("customers", *EXAMPLE, "-m", "aipl", "-o", tmp_path / "c.parquet").exit_code == 0
    assert pl.read_parquet(tmp_path / "c.parquet").height == len(doc["customers"])


def test_customer_file_attribute_and_bad_files(cli, tmp_path):
    r = cli("map", *EXAMPLE, "-m", "aipl", "--customers", "examples/customers.csv", "--by", "tier", "-f", "json")
    doc = json.loads(r.stdout)
    assert doc["schema"] == "cjtool.segments/1"
    assert sum(s["map"]["customers"]["total"] for s in doc["segments"]) == doc["all"]["customers"]["total"]
    dup = tmp_path / "dup.csv"
    dup.write_text("customer_id,tier\nC100001,gold\nC100001,silver\n")
    r = cli("map", *EXAMPLE, "-m", "aipl", "--customers", dup, "--by", "tier")
    assert r.exit_code == 4 and "C100001` is listed 2 times" in r.stderr
    noid = tmp_path / "noid.csv"
    noid.write_text("user,tier\nC100001,gold\n")
    r = cli("map", *EXAMPLE, "-m", "aipl", "--customers", noid, "--by", "tier")
    assert r.exit_code == 4 and "found: user, tier" in r.stderr
    r = cli("map", *EXAMPLE, "-m", "aipl", "--by", "nosuch")
    assert r.exit_code == 2 and "event columns: channel" in r.stderr


def test_check_by_fails_when_any_segment_fails_and_names_it(cli):
    r = cli("check", *EXAMPLE, "-m", "aipl", "--min-conversion", "purchase=17%", "--by", "channel")
    assert r.exit_code == 1
    assert "[channel=social]" in r.stdout and "FAIL" in r.stdout
    r = cli("check", *EXAMPLE, "-m", "aipl", "--min-conversion", "purchase=1%")
    assert r.exit_code == 0


def test_exclude_in_progress_maps_without_them(cli):
    full = json.loads(cli("map", *EXAMPLE, "-m", "aipl", "-f", "json").stdout)
    kept = json.loads(cli("map", *EXAMPLE, "-m", "aipl", "-f", "json", "--exclude-in-progress").stdout)
    assert full["customers"]["in_progress"] > 0 and kept["customers"]["in_progress"] == 0
    assert kept["customers"]["total"] == full["customers"]["total"] - full["customers"]["in_progress"]


@pytest.mark.parametrize(("by", "lang"), [("tier", "zh"), ("month", "en"), ("week", "zh")])
def test_breakdown_pictures_are_drawn(cli, tmp_path, by, lang):
    png = tmp_path / f"{by}.png"
    r = cli("map", *EXAMPLE, "-m", "examples/aipl.yaml", "--by", by, "--png", png, "--lang", lang, "-q")
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_segment_rows_count_its_customers_rejected_duplicate_and_outside_rows():
    """SPEC 16: a segment's `rows` are the rows carrying its customers' ids."""
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "b", "c", ""],
            "timestamp": [
                "2026-01-02",
                "2026-01-02",
                "nope",
                "2025-01-01",
                "2026-01-03",
                "2026-01-04",
                "x",
                "2026-01-05",
            ],
            "touchpoint": ["t", "t", "t", "t", "t", "", "t", "t"],
            "channel": ["web", "web", "web", "web", "app", "app", "web", "web"],
        }
    )
    model = parse_model(
        "dedupe: true\nstages:\n  - {id: s1, touchpoints: [t]}\n  - {id: s2, touchpoints: [u]}\n"
    ).with_overrides(since="2026-01-01")
    j = journeys(frame, model)
    bd = breakdown(j, attribute(j, "channel"), limit=10)
    maps = {v: m.to_dict()["rows"] for v, m in bd.segments}
    # a: 1 event, 1 duplicate, 1 bad timestamp, 1 outside; b: 1 event, 1 missing touchpoint.
    # c has no event (not a customer of the run) and the blank id is nobody's.
    assert maps["web"] == {
        "read": 4,
        "rejected": 1,
        "rejected_by_reason": {"bad timestamp": 1},
        "blank": 0,
        "duplicates": 1,
        "outside_period": 1,
    }
    assert maps["app"]["read"] == 2 and maps["app"]["rejected_by_reason"] == {"missing touchpoint": 1}
    assert bd.all.to_dict()["rows"]["read"] == 8


@pytest.mark.parametrize("with_header", [True, False])
def test_a_real_header_comes_before_a_role_of_that_name(with_header):
    """SPEC 16: an event column is a header, else a role through `columns:`. With
    `channel` read from `medium`, a real `channel` header is the attribute `channel`."""
    from cjtool.analyses.segments import attributes_to_read

    model = parse_model(
        "columns: {channel: medium}\nstages:\n  - {id: s1, touchpoints: [a]}\n  - {id: s2, touchpoints: [b]}\n"
    )
    frame = pl.DataFrame(
        {
            "customer_id": ["x", "x", "y"],
            "timestamp": ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"],
            "touchpoint": ["a", "b", "a"],
            "medium": ["web", "web", "app"],
            "channel": ["paid", "paid", "organic"],
        }
    )
    if not with_header:
        frame = frame.drop("channel")
    values = {}
    for name in ("channel", "medium"):
        j = journeys(frame, model, attributes=attributes_to_read(model, [name], None))
        values[name] = attribute(j, name).values.to_list()
    assert values["medium"] == ["web", "app"]  # the role's header: the role's values
    assert values["channel"] == (["paid", "organic"] if with_header else ["web", "app"])


def test_map_by_channel_reads_the_channel_header(cli, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text("columns: {channel: medium}\nstages:\n  - {id: s1, touchpoints: [a]}\n", encoding="utf-8")
    events = tmp_path / "e.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint,medium,channel\nx,2026-01-01,a,web,paid\ny,2026-01-02,a,app,paid\n",
        encoding="utf-8",
    )
    r = cli("map", events, "-m", model, "--by", "channel", "-f", "json", "-q")
    assert r.exit_code == 0, r.output
    assert [s["value"] for s in json.loads(r.stdout)["segments"]] == ["paid"]
