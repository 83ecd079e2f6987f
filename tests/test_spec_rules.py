"""Every rule of SPEC.md, checked on small event logs whose results are computed by hand.

Each test runs twice: once on the engine (``cjtool.api.map_journey``) and once on the
slow reference (tests/reference.py). Both must give the hand-computed numbers, written
literally below with the arithmetic in a comment.
"""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from cjtool.errors import DataError
from cjtool.model import parse_model

try:
    from tests.reference import reference_map
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from reference import reference_map  # type: ignore[no-redef]

COLUMNS = ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "nps", "effort")


# --------------------------------------------------------------------------- helpers


def frame_of(rows: list[dict]) -> pl.DataFrame:
    """The rows as a frame of text columns; a role no row mentions is left out (all 7 when empty)."""
    cols = [c for c in COLUMNS if any(c in r for r in rows)] if rows else list(COLUMNS)
    return pl.DataFrame({c: [r.get(c) for r in rows] for c in cols}, schema={c: pl.String for c in cols})


def engine_map(rows: list[dict], model) -> dict:
    from cjtool.api import map_journey

    return map_journey(frame_of(rows), model).to_dict()


@pytest.fixture(params=["reference", "engine"])
def run(request):
    """run(rows, model_yaml) -> the SPEC section 7 dict, from the reference or the engine."""
    impl = reference_map if request.param == "reference" else engine_map

    def go(rows: list[dict], model_yaml: str) -> dict:
        return impl(rows, parse_model(model_yaml))

    return go


def ev(cid, ts, tp, channel=None, sat=None, nps=None, effort=None) -> dict:
    return {
        "customer_id": cid,
        "timestamp": ts,
        "touchpoint": tp,
        "channel": channel,
        "satisfaction": sat,
        "nps": nps,
        "effort": effort,
    }


def T(hh: int, mm: int, ss: int = 0, day: int = 1) -> str:
    """An instant on 2024-03-<day>, in UTC with a `Z`."""
    return f"2024-03-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"


SHOP_STAGES = """
stages:
  - id: aware
    label: Aware
    touchpoints: [ad, search]
  - id: consider
    label: Consider
    touchpoints: [view, cart]
  - id: buy
    label: Buy
    touchpoints: [pay]
"""


def shop(extra: str = "") -> str:
    """The 3-stage test model aware -> consider -> buy, with extra top-level YAML lines."""
    return "name: shop\n" + extra + SHOP_STAGES


def col(out: dict, key: str) -> list:
    """One key of every stage object, in model order."""
    return [s[key] for s in out["stages"]]


def tp(out: dict, stage: str, touchpoint: str) -> dict:
    found = [t for t in out["touchpoints"] if t["stage"] == stage and t["touchpoint"] == touchpoint]
    assert len(found) == 1, f"({stage}, {touchpoint}) listed {len(found)} times in {out['touchpoints']}"
    return found[0]


def pairs(out: dict) -> list[tuple[str, str]]:
    """The touchpoints array as (stage, touchpoint), in its order."""
    return [(t["stage"], t["touchpoint"]) for t in out["touchpoints"]]


def assert_subset(got, want, where: str = "out") -> None:
    """got equals want on want's keys (dicts may hold extra keys); lists must match in length and order."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        for key, value in want.items():
            assert key in got, f"{where}: missing key {key!r}"
            assert_subset(got[key], value, f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, (list, tuple)), f"{where}: expected a list, got {got!r}"
        assert len(got) == len(want), f"{where}: {len(got)} items, expected {len(want)}: {got!r}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_subset(g, w, f"{where}[{i}]")
    elif want is None:
        assert got is None, f"{where}: expected null, got {got!r}"
    else:
        assert got is not None and got == want, f"{where}: expected {want!r}, got {got!r}"


def tp_counts(out: dict, stage: str, touchpoint: str) -> tuple:
    t = tp(out, stage, touchpoint)
    return (t["events"], t["customers"], t["exits"], t["drop_off_rate"])


# --------------------------------------------------------------------------- section 3: window


def test_window_edge_exactly_w_counts_and_one_second_more_does_not(run):
    rows = [
        ev("a", T(10, 0, 0), "ad"),
        ev("a", T(10, 1, 0), "view"),
        ev("a", T(10, 1, 30), "pay"),
        ev("b", T(10, 0, 0), "ad"),
        ev("b", T(10, 1, 0), "view"),
        ev("b", T(10, 1, 31), "pay"),
    ]
    out = run(rows, shop("window: 90s\n"))
    assert out["window_s"] == 90.0
    # a: pay - s = 90 s <= 90 -> depth 3; b: pay - s = 91 s > 90 -> depth 2
    assert col(out, "customers") == [2, 2, 1]
    assert_subset(out["customers"], {"total": 2, "entered": 2, "completed": 1})
    # stage 2: gaps a 60, b 60 -> 60; stage 3: only a, 10:01:30 - 10:01:00 = 30
    assert col(out, "median_time_to_convert_s") == [None, 60.0, 30.0]
    # b has depth 2 < 3: b exits at its last stage-2 event, (consider, view) -> 1 / 2; its
    # pay, outside the window, is a buy event but no exit (v2: never the goal for the out of order)
    assert tp_counts(out, "buy", "pay") == (2, 2, 0, 0.0)
    assert tp_counts(out, "aware", "ad") == (2, 2, 0, 0.0)
    assert tp_counts(out, "consider", "view") == (2, 2, 1, 0.5)


def test_window_is_measured_from_the_start_not_from_the_previous_step(run):
    rows = [
        # c: each step 60 s after the previous, but pay - s = 120 s > 90 -> depth 2
        ev("c", T(10, 0, 0), "ad"),
        ev("c", T(10, 1, 0), "view"),
        ev("c", T(10, 2, 0), "pay"),
        # d: view - s = 91 s > 90 -> depth 1
        ev("d", T(10, 0, 0), "ad"),
        ev("d", T(10, 1, 31), "view"),
    ]
    out = run(rows, shop("window: 90s\n"))
    assert col(out, "customers") == [2, 1, 0]
    assert col(out, "conversion_from_previous") == [None, 0.5, 0.0]  # -, 1/2, 0/1
    assert col(out, "conversion_from_first") == [1.0, 0.5, 0.0]  # 2/2, 1/2, 0/2
    assert col(out, "drop_off") == [1, 1, None]  # 2-1, 1-0, last stage
    assert col(out, "median_time_to_convert_s") == [None, 60.0, None]  # only c reached stage 2


def test_window_text_in_hours_and_no_window_by_default(run):
    rows = [ev("a", T(10, 0), "ad"), ev("a", T(12, 0), "view"), ev("a", T(12, 0, 1), "pay")]
    out = run(rows, shop("window: 2h\n"))
    assert out["window_s"] == 7200.0  # 2 * 3600
    # view - s = 7200 <= 7200; pay - s = 7201 > 7200
    assert col(out, "customers") == [1, 1, 0]
    out = run(rows, shop())
    assert out["window_s"] is None
    assert col(out, "customers") == [1, 1, 1]
    assert run(rows, shop("window: 30d\n"))["window_s"] == 2592000.0  # 30 * 86400


def test_window_does_not_apply_in_furthest_mode(run):
    rows = [ev("a", T(10, 0, day=1), "ad"), ev("a", T(10, 0, day=9), "pay")]
    out = run(rows, shop("mode: furthest\nwindow: 60s\n"))
    # furthest: depth = largest stage index = 3, whatever the time between events
    assert col(out, "customers") == [1, 1, 1]
    assert out["window_s"] == 60.0


# --------------------------------------------------------------------------- section 3: chains


def test_equal_timestamps_across_stages_count_as_in_order(run):
    t = T(10, 0)
    rows = [
        # a: all three at the same instant, in reverse input order -> depth 3, gaps 0 and 0
        ev("a", t, "pay"),
        ev("a", t, "view"),
        ev("a", t, "ad"),
        # b: view then ad at the same instant -> depth 2 < 3: b exits at its last stage-2
        # event, (consider, view) (v1 took its last event of any stage, ad)
        ev("b", t, "view"),
        ev("b", t, "ad"),
    ]
    out = run(rows, shop())
    assert col(out, "customers") == [2, 2, 1]
    assert col(out, "median_time_to_convert_s") == [None, 0.0, 0.0]
    # a is complete (depth 3): no exit
    assert tp_counts(out, "aware", "ad") == (2, 2, 0, 0.0)
    assert tp_counts(out, "consider", "view") == (2, 2, 1, 0.5)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)


def test_only_a_later_start_fits_the_window(run):
    rows = [
        ev("a", T(8, 0), "ad"),  # s = 08:00: view at 10:30 is 150 min > 60 -> length 1
        ev("a", T(10, 0), "ad"),  # s = 10:00: view 10:30 (30 min), pay 10:50 (50 min) -> length 3
        ev("a", T(10, 30), "view"),
        ev("a", T(10, 40), "ad"),  # s = 10:40: no view at or after 10:40 -> length 1
        ev("a", T(10, 50), "pay"),
    ]
    out = run(rows, shop("window: 1h\n"))
    assert col(out, "customers") == [1, 1, 1]
    # chain from s = 10:00: 10:30 - 10:00 = 1800 s, 10:50 - 10:30 = 1200 s
    assert col(out, "median_time_to_convert_s") == [None, 1800.0, 1200.0]


def test_times_come_from_the_earliest_start_that_reaches_the_depth(run):
    rows = [
        ev("a", T(8, 0), "ad"),  # s = 08:00: view 09:50 is 110 min > 60 -> length 1
        ev("a", T(9, 0), "ad"),  # s = 09:00: view 50 min, pay 55 min -> length 3
        ev("a", T(9, 20), "ad"),  # s = 09:20: also length 3, but 09:00 is earlier
        ev("a", T(9, 50), "view"),
        ev("a", T(9, 55), "pay"),
    ]
    out = run(rows, shop("window: 1h\n"))
    assert col(out, "customers") == [1, 1, 1]
    # chain from 09:00: 09:50 - 09:00 = 3000 s, 09:55 - 09:50 = 300 s (not 1800 from 09:20)
    assert col(out, "median_time_to_convert_s") == [None, 3000.0, 300.0]


def test_without_window_the_first_start_gives_the_times(run):
    rows = [ev("a", T(9, 0), "ad"), ev("a", T(9, 30), "ad"), ev("a", T(10, 0), "view"), ev("a", T(10, 10), "pay")]
    out = run(rows, shop())
    # chain from 09:00: 10:00 - 09:00 = 3600, 10:10 - 10:00 = 600
    assert col(out, "median_time_to_convert_s") == [None, 3600.0, 600.0]


def test_each_step_takes_the_earliest_event_at_or_after_the_previous(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "pay"),  # before any view: not usable as r_3
        ev("a", T(10, 2), "view"),  # r_2 = 10:02 (the earliest view >= 10:00)
        ev("a", T(10, 5), "view"),
        ev("a", T(10, 6), "pay"),  # r_3 = 10:06 (the earliest pay >= 10:02)
    ]
    out = run(rows, shop())
    assert col(out, "customers") == [1, 1, 1]
    # 10:02 - 10:00 = 120 s; 10:06 - 10:02 = 240 s
    assert col(out, "median_time_to_convert_s") == [None, 120.0, 240.0]


def test_later_stages_without_a_stage_one_event_give_depth_zero(run):
    rows = [ev("a", T(10, 0), "view"), ev("a", T(10, 5), "cart"), ev("a", T(10, 6), "pay")]
    out = run(rows, shop())
    assert col(out, "customers") == [0, 0, 0]
    assert_subset(out["customers"], {"total": 1, "entered": 0, "completed": 0})


# --------------------------------------------------------------------------- section 2: assignment


FIRST_MATCH = """
name: fm
stages:
  - id: s1
    label: One
    match: "view"
    touchpoints: [promo_click]
  - id: s2
    label: Two
    touchpoints: [product_view, cart]
    match: "click"
  - id: s3
    label: Three
    touchpoints: [pay]
"""


def test_first_matching_stage_wins(run):
    rows = [
        ev("a", T(10, 0), "product_view"),  # s1 by regex "view" although listed in s2
        ev("a", T(10, 1), "promo_click"),  # s1 by list although s2's regex "click" matches
        ev("a", T(10, 2), "ad_click"),  # s2 by regex "click"
        ev("a", T(10, 3), "cart"),  # s2 by list
        ev("a", T(10, 4), "pay"),  # s3
    ]
    out = run(rows, FIRST_MATCH)
    assert sorted(pairs(out)) == [
        ("s1", "product_view"),
        ("s1", "promo_click"),
        ("s2", "ad_click"),
        ("s2", "cart"),
        ("s3", "pay"),
    ]
    assert_subset(out["events"], {"assigned": 5, "unassigned": 0})
    assert col(out, "customers") == [1, 1, 1]


CHANNELS = """
name: ch
stages:
  - id: visit_store
    label: Store visit
    touchpoints: [visit]
    channels: [store]
  - id: browse
    label: Browse
    touchpoints: [visit, page]
  - id: buy
    label: Buy
    touchpoints: [pay]
    channels: [web, app]
"""


def test_channel_filters(run):
    rows = [
        ev("a", T(10, 0), "visit", "store"),  # visit_store
        ev("a", T(10, 1), "page", "web"),  # browse
        ev("a", T(10, 2), "pay", "web"),  # buy -> a depth 3
        ev("b", T(10, 0), "visit", "web"),  # browse: visit_store needs channel store
        ev("b", T(10, 1), "visit", None),  # browse: no channel never matches a channel filter
        ev("b", T(10, 2), "pay", None),  # unassigned: buy needs web or app
        ev("b", T(10, 3), "pay", "store"),  # unassigned
    ]
    out = run(rows, CHANNELS)
    assert_subset(out["events"], {"assigned": 5, "unassigned": 2})
    assert_subset(out["unassigned_touchpoints"], [{"touchpoint": "pay", "events": 2}])
    assert tp_counts(out, "visit_store", "visit") == (1, 1, 0, 0.0)
    assert tp_counts(out, "browse", "page") == (1, 1, 0, 0.0)
    # b: depth 0 (no visit_store event): never entered, so no exit anywhere (v2)
    assert tp_counts(out, "browse", "visit") == (2, 1, 0, 0.0)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)
    assert len(out["touchpoints"]) == 4
    assert col(out, "customers") == [1, 1, 1]
    assert_subset(out["customers"], {"total": 2, "entered": 1, "completed": 1})


REGEX = """
name: rx
stages:
  - id: s1
    label: One
    match: "cart"
  - id: s2
    label: Two
    match: "^pay"
  - id: s3
    label: Three
    match: "done$"
"""


def test_regex_search_semantics(run):
    rows = [
        ev("a", T(10, 0), "add_to_cart_now"),  # "cart" found in the middle -> s1
        ev("a", T(10, 1), "pay_ok"),  # "^pay" -> s2
        ev("a", T(10, 2), "order_done"),  # "done$" -> s3
        ev("b", T(10, 0), "prepay"),  # "^pay" needs the start: unassigned
        ev("b", T(10, 1), "done_order"),  # "done$" needs the end: unassigned
        ev("b", T(10, 2), "CART"),  # case-sensitive: unassigned
    ]
    out = run(rows, REGEX)
    assert sorted(pairs(out)) == [("s1", "add_to_cart_now"), ("s2", "pay_ok"), ("s3", "order_done")]
    assert col(out, "customers") == [1, 1, 1]
    # b has no assigned event: not a customer of the run
    assert_subset(out["customers"], {"total": 1, "entered": 1, "completed": 1})
    # all 1 event: by name, code point order ("C" < "d" < "p")
    assert_subset(
        out["unassigned_touchpoints"],
        [
            {"touchpoint": "CART", "events": 1},
            {"touchpoint": "done_order", "events": 1},
            {"touchpoint": "prepay", "events": 1},
        ],
    )


# --------------------------------------------------------------------------- section 1: rows


def test_rejected_rows_are_counted_and_left_out(run):
    rows = [
        ev("a", T(10, 0), "ad", sat="5"),
        ev("", T(10, 0), "login", sat="1"),  # blank customer_id
        ev("   ", T(10, 0), "ad", sat="1"),  # white-space customer_id
        ev(None, T(10, 0), "ad", sat="1"),  # missing customer_id
        ev("b", T(10, 0), "", sat="1"),  # blank touchpoint
        ev("b", T(10, 0), " \t ", sat="1"),  # white-space touchpoint
        ev("b", T(10, 0), None, sat="1"),  # missing touchpoint
        ev("b", "yesterday", "pay", sat="1"),  # unparseable timestamp
        ev("b", "2024-02-30T10:00:00Z", "ad", sat="1"),  # no such day
        ev("b", "", "ad", sat="1"),  # blank timestamp
        ev("b", None, "ad", sat="1"),  # missing timestamp
        ev("a", T(10, 5), "view"),
    ]
    out = run(rows, shop())
    assert_subset(out["rows"], {"read": 12, "rejected": 10})
    assert_subset(out["events"], {"assigned": 2, "unassigned": 0})
    assert_subset(out["unassigned_touchpoints"], [])
    assert_subset(out["customers"], {"total": 1, "entered": 1, "completed": 0})
    assert col(out, "customers") == [1, 1, 0]
    assert col(out, "satisfaction") == [5.0, None, None]  # only row 1's score
    assert col(out, "responses") == [1, 0, 0]
    assert tp_counts(out, "aware", "ad") == (1, 1, 0, 0.0)
    assert sorted(pairs(out)) == [("aware", "ad"), ("consider", "view")]


def test_every_row_rejected_still_gives_a_map(run, request):
    # SPEC 1: a row with an unparseable timestamp is rejected, left out of every metric and
    # counted in rows.rejected. v2: a file in which no row has a readable timestamp is an
    # error (exit 4), not an empty map; rows rejected for their ids alone still give a map.
    rows = [ev("a", "yesterday", "ad"), ev("b", "2024-13-01", "view")]
    match = "no timestamp could be read"
    if request.node.callspec.params["run"] == "engine":
        match += "; the first is 'yesterday'"
    with pytest.raises(DataError, match=match):
        run(rows, shop())
    rows.append(ev("c", T(10, 0), "ad"))  # one readable row: a normal map again
    out = run(rows, shop())
    assert_subset(out["rows"], {"read": 3, "rejected": 2})
    out = run([ev("", T(10, 0), "ad"), ev("b", T(10, 0), " ")], shop())
    assert_subset(out["rows"], {"read": 2, "rejected": 2})
    assert_subset(out["events"], {"assigned": 0, "unassigned": 0})
    assert_subset(out["customers"], {"total": 0, "entered": 0, "completed": 0})
    assert col(out, "customers") == [0, 0, 0]
    assert out["touchpoints"] == [] and out["unassigned_touchpoints"] == []


def test_offsets_are_converted_to_utc(run):
    rows = [
        # a: 10:00+08:00 = 02:00Z, then view 03:00Z, then pay 03:30 naive = UTC -> depth 3
        ev("a", "2024-03-01T10:00:00+08:00", "ad"),
        ev("a", "2024-03-01T03:00:00Z", "view"),
        ev("a", "2024-03-01T03:30:00", "pay"),
        # b: ad 23:00-02:00 = 03-02 01:00Z; view 2024-03-02 = 03-02 00:00Z is before -> depth 1
        ev("b", "2024-03-01T23:00:00-02:00", "ad"),
        ev("b", "2024-03-02", "view"),
        # c: view 09:00+09:00 = 00:00Z and ad 00:00Z are the same instant -> depth 2
        ev("c", "2024-03-02T09:00:00+09:00", "view"),
        ev("c", "2024-03-02T00:00:00Z", "ad"),
    ]
    out = run(rows, shop())
    assert col(out, "customers") == [3, 2, 1]
    # stage 2 gaps: a 03:00 - 02:00 = 3600, c 0 -> (0 + 3600) / 2 = 1800; stage 3: a 1800
    assert col(out, "median_time_to_convert_s") == [None, 1800.0, 1800.0]
    # exits at the last event of the deepest stage: b (depth 1) at ad, c (depth 2) at view
    assert tp_counts(out, "aware", "ad") == (3, 3, 1, 1 / 3)
    assert tp_counts(out, "consider", "view") == (3, 3, 1, 1 / 3)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)


def test_customer_ids_are_compared_as_strings(run):
    rows = [ev("007", T(10, 0), "ad"), ev("7", T(10, 1), "view"), ev("7.0", T(10, 2), "ad")]
    out = run(rows, shop())
    # three different customers; "7" has depth 0
    assert_subset(out["customers"], {"total": 3, "entered": 2, "completed": 0})


def test_optional_columns_may_be_left_out(run):
    rows = [
        {"customer_id": "a", "timestamp": T(10, 0), "touchpoint": "ad"},
        {"customer_id": "a", "timestamp": T(10, 1), "touchpoint": "view"},
        {"customer_id": "b", "timestamp": T(10, 0), "touchpoint": "ad"},
    ]
    out = run(rows, shop())
    assert col(out, "customers") == [2, 1, 0]
    assert col(out, "satisfaction") == [None, None, None]
    assert col(out, "responses") == [0, 0, 0]
    # a exits at view, b at ad: 1/2 and 1/1
    assert tp_counts(out, "aware", "ad") == (2, 2, 1, 0.5)
    assert tp_counts(out, "consider", "view") == (1, 1, 1, 1.0)


@pytest.mark.parametrize("impl", ["reference", "engine"])
def test_several_files_input_order_is_file_order_then_row_order(impl, tmp_path):
    first = [ev("b", T(10, 0), "ad"), ev("a", T(10, 0), "view")]
    second = [ev("a", T(10, 0), "ad")]
    model = parse_model(shop())
    if impl == "reference":
        out = reference_map(first + second, model)
    else:
        from cjtool.api import map_journey

        paths = []
        for name, rows in (("first.csv", first), ("second.csv", second)):
            path = tmp_path / name
            with path.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["customer_id", "timestamp", "touchpoint"])
                writer.writerows([r["customer_id"], r["timestamp"], r["touchpoint"]] for r in rows)
            paths.append(path)
        out = map_journey(paths, model).to_dict()
    # a: view (first file) and ad (second file) at the same instant: depth 2 (equal times
    # count as in order) -> a exits at its stage-2 event (consider, view); b at (aware, ad)
    assert_subset(out["rows"], {"read": 3, "rejected": 0})
    assert col(out, "customers") == [2, 1, 0]
    assert tp_counts(out, "aware", "ad") == (2, 2, 1, 0.5)
    assert tp_counts(out, "consider", "view") == (1, 1, 1, 1.0)


# --------------------------------------------------------------------------- modes


MODES_ROWS = [
    ev("a", T(10, 0), "pay"),
    ev("b", T(10, 0), "view"),
    ev("b", T(11, 0), "ad"),
    ev("c", T(10, 0), "ad"),
]


def test_furthest_mode(run):
    out = run(MODES_ROWS, shop("mode: furthest\n"))
    assert out["mode"] == "furthest"
    # depth = largest stage index: a 3, b 2, c 1
    assert col(out, "customers") == [3, 2, 1]
    assert col(out, "conversion_from_previous") == [None, 2 / 3, 1 / 2]
    assert col(out, "conversion_from_first") == [1.0, 2 / 3, 1 / 3]
    assert col(out, "drop_off") == [1, 1, None]
    assert col(out, "median_time_to_convert_s") == [None, None, None]
    assert_subset(out["customers"], {"total": 3, "entered": 3, "completed": 1})
    # a complete; b (depth 2) exits at its last stage-2 event, view, although its last
    # event is an ad; c (depth 1) at ad
    assert tp_counts(out, "aware", "ad") == (2, 2, 1, 0.5)
    assert tp_counts(out, "consider", "view") == (1, 1, 1, 1.0)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)


def test_same_rows_in_ordered_mode_and_zero_divisors(run):
    out = run(MODES_ROWS, shop())
    assert out["mode"] == "ordered"
    # a: no stage-1 event -> 0; b: view 10:00 before ad 11:00 -> 1; c -> 1
    assert col(out, "customers") == [2, 0, 0]
    assert col(out, "conversion_from_previous") == [None, 0.0, None]  # -, 0/2, 0/0
    assert col(out, "conversion_from_first") == [1.0, 0.0, 0.0]  # 2/2, 0/2, 0/2
    assert col(out, "drop_off") == [2, 0, None]
    assert col(out, "median_time_to_convert_s") == [None, None, None]  # nobody reached 2
    assert_subset(out["customers"], {"total": 3, "entered": 2, "completed": 0})
    # a (depth 0) never entered: no exit (v1 counted one at pay, the goal)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)
    assert tp_counts(out, "aware", "ad") == (2, 2, 2, 1.0)


def test_all_conversions_null_when_nobody_enters(run):
    rows = [ev("a", T(10, 0), "view"), ev("a", T(10, 5), "cart")]
    out = run(rows, shop())
    assert col(out, "customers") == [0, 0, 0]
    assert col(out, "conversion_from_previous") == [None, None, None]
    assert col(out, "conversion_from_first") == [None, None, None]
    assert col(out, "drop_off") == [0, 0, None]
    # a (depth 0) never entered: no exit
    assert tp_counts(out, "consider", "cart") == (1, 1, 0, 0.0)
    assert tp_counts(out, "consider", "view") == (1, 1, 0, 0.0)
    assert pairs(out) == [("consider", "cart"), ("consider", "view")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2]


# --------------------------------------------------------------------------- section 4: medians


def test_median_odd_and_even_counts(run):
    rows = [
        ev("a", T(10, 0, 0), "ad"),
        ev("a", T(10, 0, 10), "view"),
        ev("a", T(10, 0, 15), "pay"),  # 10, 5
        ev("b", T(10, 0, 0), "ad"),
        ev("b", T(10, 0, 30), "view"),
        ev("b", T(10, 0, 38), "pay"),  # 30, 8
        ev("c", T(10, 0, 0), "ad"),
        ev("c", T(10, 0, 20), "view"),  # 20
    ]
    out = run(rows, shop())
    # stage 2: median of {10, 30, 20} = 20; stage 3: (5 + 8) / 2 = 6.5
    assert col(out, "median_time_to_convert_s") == [None, 20.0, 6.5]


def test_median_of_four(run):
    rows = []
    for cid, gap in [("a", 100), ("b", 7), ("c", 40), ("d", 1)]:
        rows += [ev(cid, T(10, 0, 0), "ad"), ev(cid, f"2024-03-01T10:{gap // 60:02d}:{gap % 60:02d}Z", "view")]
    out = run(rows, shop())
    # sorted gaps 1, 7, 40, 100 -> (7 + 40) / 2 = 23.5
    assert col(out, "median_time_to_convert_s") == [None, 23.5, None]


def test_fractional_seconds(run):
    rows = [ev("a", "2024-03-01T10:00:00Z", "ad"), ev("a", "2024-03-01T10:00:01.5Z", "view")]
    out = run(rows, shop())
    assert col(out, "median_time_to_convert_s") == [None, 1.5, None]


# --------------------------------------------------------------------------- section 5: exits


def test_completed_customers_never_exit(run):
    rows = [
        # a completes, then comes back to an ad: last event ad but depth 3 = K -> no exit
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "view"),
        ev("a", T(10, 2), "pay"),
        ev("a", T(10, 3), "ad"),
        ev("b", T(10, 0), "ad"),  # depth 1, exits at ad
    ]
    out = run(rows, shop())
    assert tp_counts(out, "aware", "ad") == (3, 2, 1, 0.5)
    assert tp_counts(out, "consider", "view") == (1, 1, 0, 0.0)
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)
    assert sum(t["exits"] for t in out["touchpoints"]) == 1


def test_exit_is_the_last_event_of_the_deepest_stage_reached(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "view"),
        ev("a", T(10, 2), "search"),  # a's last event is of stage aware, but a reached consider
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "view"),
        ev("b", T(10, 1), "cart"),  # same instant as view, input later -> b's last stage-2 event
    ]
    out = run(rows, shop())
    assert tp_counts(out, "aware", "search") == (1, 1, 0, 0.0)
    assert tp_counts(out, "consider", "view") == (2, 2, 1, 0.5)
    assert tp_counts(out, "consider", "cart") == (1, 1, 1, 1.0)
    assert tp_counts(out, "aware", "ad") == (2, 2, 0, 0.0)


def test_drop_off_rate(run):
    rows = [
        ev("a", T(10, 0), "ad"),  # exits at ad
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "view"),  # exits at view
        ev("c", T(10, 0), "ad"),
        ev("c", T(10, 1), "view"),  # exits at view
        ev("d", T(10, 0), "ad"),
        ev("d", T(10, 1), "view"),
        ev("d", T(10, 2), "pay"),  # complete
    ]
    out = run(rows, shop())
    assert tp_counts(out, "aware", "ad") == (4, 4, 1, 0.25)  # 1 / 4
    assert tp_counts(out, "consider", "view") == (3, 3, 2, 2 / 3)  # 2 / 3
    assert tp_counts(out, "buy", "pay") == (1, 1, 0, 0.0)
    assert col(out, "customers") == [4, 3, 1]
    assert col(out, "drop_off") == [1, 2, None]


# --------------------------------------------------------------------------- priority and rank


def test_priority_with_and_without_satisfaction(run):
    rows = [
        ev("a", T(10, 0), "ad", sat="2"),  # exits at ad
        ev("b", T(10, 0), "ad", sat="3"),
        ev("b", T(10, 1), "view"),  # exits at view
    ]
    out = run(rows, shop())
    ad, view = tp(out, "aware", "ad"), tp(out, "consider", "view")
    # ad: rate 1/2; satisfaction (2 + 3) / 2 = 2.5; dissatisfaction 1 - (2.5 - 1) / (5 - 1) = 0.625
    # priority (1 * 0.5 + 1 * 0.625) / 2 = 0.5625
    assert ad["satisfaction"] == 2.5 and ad["responses"] == 2
    assert ad["priority"] == 0.5625
    # view: no satisfaction -> priority = drop_off_rate = 1 / 1
    assert view["satisfaction"] is None and view["responses"] == 0
    assert view["priority"] == 1.0
    assert pairs(out) == [("consider", "view"), ("aware", "ad")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2]


def test_priority_with_weights_and_a_custom_scale(run):
    model = shop("scores:\n  satisfaction: {min: 0, max: 10}\nranking:\n  weights: {drop_off: 3, dissatisfaction: 1}\n")
    rows = [
        ev("a", T(10, 0), "ad", sat="4"),  # exits at ad
        ev("b", T(10, 0), "ad", sat="8"),
        ev("b", T(10, 1), "view"),  # exits at view
        ev("c", T(10, 0), "search", sat="0"),  # 0 is on the 0..10 scale
    ]
    out = run(rows, model)
    ad, view, search = tp(out, "aware", "ad"), tp(out, "consider", "view"), tp(out, "aware", "search")
    # ad: rate 1/2, satisfaction 6, dissatisfaction 1 - 6/10 = 0.4 -> (3*0.5 + 1*0.4) / 4 = 0.475
    assert ad["satisfaction"] == 6.0
    assert ad["priority"] == pytest.approx(0.475, rel=1e-12)
    # search: rate 1, satisfaction 0, dissatisfaction 1 -> (3 + 1) / 4 = 1.0
    assert search["satisfaction"] == 0.0 and search["responses"] == 1
    assert search["priority"] == 1.0
    # view: no satisfaction -> rate 1.0
    assert view["priority"] == 1.0
    # search and view tie (1.0, 1 exit, 1 customer): stage index 1 before 2
    assert pairs(out) == [("aware", "search"), ("consider", "view"), ("aware", "ad")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2, 3]
    # stage satisfaction over all its events: (4 + 8 + 0) / 3 = 4
    assert col(out, "satisfaction") == [4.0, None, None]
    assert col(out, "responses") == [3, 0, 0]


RANK_MODEL = """
name: rank
stages:
  - id: one
    label: One
    touchpoints: [p1, p2, p3, zz, Zeta, alpha, 浏览, 购买, ｚ, 😀]
  - id: two
    label: Two
    touchpoints: [aa, fin]
"""


def test_rank_tie_order(run):
    rows = []

    def journey(cid: str, *tps: str) -> None:
        for i, name in enumerate(tps):
            rows.append(ev(cid, T(10, i), name))

    for cid in ("u1", "u2"):
        journey(cid, "p1")  # exit at p1
    for cid in ("u3", "u4"):
        journey(cid, "p1", "fin")  # complete
    journey("u5", "p2")  # exit at p2
    journey("u6", "p2", "fin")
    for cid in ("u7", "u8", "u9"):
        journey(cid, "p3", "fin")
    for cid in ("u10", "u11"):
        journey(cid, "zz", "aa")
    for i, name in enumerate(["😀", "购买", "ｚ", "alpha", "浏览", "Zeta"]):
        journey(f"v{i}", name)  # one customer each, exits there
    out = run(rows, RANK_MODEL)
    assert pairs(out) == [
        # priority 1.0 (1 exit of 1), same stage: touchpoint by code point
        # Z U+005A < a U+0061 < 浏 U+6D4F < 购 U+8D2D < ｚ U+FF5A < 😀 U+1F600
        # (locale order would give alpha, Zeta, 购买, 浏览; UTF-16 order would put 😀 before ｚ)
        ("one", "Zeta"),
        ("one", "alpha"),
        ("one", "浏览"),
        ("one", "购买"),
        ("one", "ｚ"),
        ("one", "😀"),
        ("one", "p1"),  # 0.5 = 2/4, exits 2
        ("one", "p2"),  # 0.5 = 1/2, exits 1
        ("two", "fin"),  # 0.0, 0 exits, 6 customers (u3 u4 u6 u7 u8 u9)
        ("one", "p3"),  # 0.0, 0 exits, 3 customers
        ("one", "zz"),  # 0.0, 0 exits, 2 customers, stage 1
        ("two", "aa"),  # 0.0, 0 exits, 2 customers, stage 2
    ]
    assert [t["rank"] for t in out["touchpoints"]] == list(range(1, 13))
    assert [t["priority"] for t in out["touchpoints"]] == [1.0] * 6 + [0.5, 0.5] + [0.0] * 4


def test_exits_break_a_priority_tie_before_customers(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "cart"),  # exits at cart
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "cart"),
        ev("b", T(10, 2), "pay"),  # complete
        # c, d, e: search with satisfaction 1, then ad: they exit at ad, not at search
        ev("c", T(10, 0), "search", sat="1"),
        ev("c", T(10, 1), "ad"),
        ev("d", T(10, 0), "search", sat="1"),
        ev("d", T(10, 1), "ad"),
        ev("e", T(10, 0), "search", sat="1"),
        ev("e", T(10, 1), "ad"),
    ]
    out = run(rows, shop())
    # ad: 3 exits (c d e) of 5 -> 0.6
    # cart: 1 exit of 2, no satisfaction -> 0.5
    # search: 0 exits of 3, dissatisfaction 1 - (1 - 1) / 4 = 1 -> (0 + 1) / 2 = 0.5
    # pay: 0 of 1 -> 0.0
    # cart and search tie on 0.5: cart has more exits (1 > 0) although fewer customers (2 < 3)
    assert pairs(out) == [("aware", "ad"), ("consider", "cart"), ("aware", "search"), ("buy", "pay")]
    assert [t["priority"] for t in out["touchpoints"]] == [0.6, 0.5, 0.5, 0.0]
    assert [(t["exits"], t["customers"]) for t in out["touchpoints"]] == [(3, 5), (1, 2), (0, 3), (0, 1)]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2, 3, 4]


def test_mathematically_equal_priorities_tie(run):
    model = shop("scores:\n  satisfaction: {min: 0, max: 10}\nranking:\n  weights: {drop_off: 1, dissatisfaction: 2}\n")
    rows = [ev("a", T(10, 0), "search", sat="1"), ev("a", T(10, 1), "view", sat="6")]
    out = run(rows, model)
    # a: depth 2 < 3, last event view -> exits at view
    # view:   rate 1/1, dissatisfaction 1 - 6/10 = 2/5 -> (1 * 1 + 2 * 2/5) / 3 = 3/5
    # search: rate 0/1, dissatisfaction 1 - 1/10 = 9/10 -> (1 * 0 + 2 * 9/10) / 3 = 3/5
    # equal priorities: exits desc puts view (1 exit) before search (0), whatever the
    # floating-point rounding of the two sums happens to be
    assert [t["priority"] for t in out["touchpoints"]] == [pytest.approx(0.6, rel=1e-12)] * 2
    assert pairs(out) == [("consider", "view"), ("aware", "search")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2]


TWO_STAGES = """
name: two
stages:
  - id: one
    label: One
    touchpoints: [ad, search]
  - id: two
    label: Two
    touchpoints: [fin]
"""


def test_equal_priorities_tie_with_decimal_satisfaction(run):
    rows = [ev("u1", T(10, 0), "ad")]  # exits at ad
    for cid in ("u2", "u3", "u4", "u5"):
        rows += [ev(cid, T(10, 0), "ad"), ev(cid, T(10, 1), "fin")]  # complete
    rows += [ev("v", T(10, 0), "search", sat="3.4"), ev("v", T(10, 1), "fin")]  # complete
    out = run(rows, TWO_STAGES)
    # ad:     1 exit of 5 customers, no satisfaction -> 1/5
    # search: 0 exits, dissatisfaction 1 - (3.4 - 1) / 4 = 2/5 -> (0 + 2/5) / 2 = 1/5
    # fin:    0 of 5 -> 0
    # ad and search tie at exactly 1/5: exits desc puts ad first (3.4 is not exact in
    # binary floating point, but the SPEC's priority is the number, not its rounding)
    assert pairs(out) == [("one", "ad"), ("one", "search"), ("two", "fin")]
    assert [t["priority"] for t in out["touchpoints"]] == [0.2, pytest.approx(0.2, rel=1e-12), 0.0]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2, 3]


def test_min_customers(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "view"),  # exits at view
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "view"),
        ev("b", T(10, 2), "pay"),  # complete
        ev("c", T(10, 0), "search"),  # exits at search
        ev("d", T(10, 0), "ad"),  # exits at ad
    ]
    out = run(rows, shop("ranking:\n  min_customers: 2\n"))
    # ad 1/3 (3 customers), view 1/2 (2), search 1/1 (1: unranked), pay 0/1 (1: unranked)
    assert pairs(out) == [("consider", "view"), ("aware", "ad"), ("aware", "search"), ("buy", "pay")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2, None, None]
    assert [t["priority"] for t in out["touchpoints"]] == [0.5, 1 / 3, 1.0, 0.0]
    # min_customers 0: everything ranked, by priority
    out = run(rows, shop("ranking:\n  min_customers: 0\n"))
    assert pairs(out) == [("aware", "search"), ("consider", "view"), ("aware", "ad"), ("buy", "pay")]
    assert [t["rank"] for t in out["touchpoints"]] == [1, 2, 3, 4]


# --------------------------------------------------------------------------- section 6: scores


def test_invalid_scores_are_missing(run):
    rows = [
        ev("a", T(10, 0), "ad", sat="1", nps="10", effort="7"),  # valid: the scale edges
        ev("a", T(10, 1), "ad", sat="5", nps="0", effort="1"),  # valid: the other edges
        ev("a", T(10, 2), "ad", sat="6", nps="11", effort="8"),  # above the scales
        ev("a", T(10, 3), "ad", sat="0", nps="-1", effort="0"),  # below the scales
        ev("a", T(10, 4), "ad", sat="abc", nps="n/a", effort="x"),  # not numbers
        ev("a", T(10, 5), "ad", sat="", nps="", effort=""),  # blank
        ev("a", T(10, 6), "ad", sat=None, nps=None, effort=None),  # missing
        ev("a", T(10, 7), "ad", sat="NaN", nps="nan", effort="inf"),  # not numbers / infinite
        ev("a", T(10, 8), "ad", sat="4.5", nps="9", effort="2.5"),  # valid
    ]
    out = run(rows, shop())
    ad = tp(out, "aware", "ad")
    # satisfaction (1 + 5 + 4.5) / 3 = 3.5; nps over {10, 0, 9}: 100 * (2 - 1) / 3
    # effort (7 + 1 + 2.5) / 3 = 3.5
    assert ad["satisfaction"] == 3.5
    assert ad["responses"] == 3
    assert ad["nps"] == pytest.approx(100 / 3, rel=1e-12)
    assert ad["effort"] == 3.5
    stage = out["stages"][0]
    assert (stage["satisfaction"], stage["responses"], stage["effort"]) == (3.5, 3, 3.5)
    assert stage["nps"] == pytest.approx(100 / 3, rel=1e-12)
    # dissatisfaction 1 - (3.5 - 1) / 4 = 0.375; rate 1 (a exits at ad) -> (1 + 0.375) / 2
    assert ad["priority"] == 0.6875
    json.dumps(out, allow_nan=False)


def test_scores_on_a_custom_effort_scale(run):
    rows = [
        ev("a", T(10, 0), "ad", effort="0"),
        ev("a", T(10, 1), "ad", effort="10"),
        ev("a", T(10, 2), "ad", effort="11"),
    ]
    out = run(rows, shop("scores:\n  effort: {min: 0, max: 10}\n"))
    assert tp(out, "aware", "ad")["effort"] == 5.0  # (0 + 10) / 2; 11 is off the scale


def test_nps_formula(run):
    rows = []
    for i, score in enumerate(["10", "9", "8", "7", "6", "0"]):
        rows.append(ev("a", T(10, i), "ad", nps=score))
    for i, score in enumerate(["9", "9", "9", "7"]):
        rows.append(ev("b", T(11, i), "view", nps=score))
    rows.append(ev("c", T(10, 0), "search", nps="6"))
    out = run(rows, shop())
    # ad: promoters 10, 9; passives 8, 7; detractors 6, 0 -> 100 * (2 - 2) / 6 = 0
    assert tp(out, "aware", "ad")["nps"] == 0.0
    # view: 100 * (3 - 0) / 4 = 75
    assert tp(out, "consider", "view")["nps"] == 75.0
    # search: one detractor -> -100
    assert tp(out, "aware", "search")["nps"] == -100.0
    # stage aware: ad's 6 values + search's 6: promoters 2, detractors 3 -> 100 * (2 - 3) / 7
    assert out["stages"][0]["nps"] == pytest.approx(-100 / 7, rel=1e-12)
    assert out["stages"][1]["nps"] == 75.0
    assert out["stages"][2]["nps"] is None
    # no satisfaction anywhere
    assert col(out, "responses") == [0, 0, 0]
    assert col(out, "satisfaction") == [None, None, None]


def test_stage_scores_cover_all_its_events(run):
    rows = [
        ev("a", T(10, 0), "view", sat="1"),  # depth 0 customer
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "view", sat="5"),
        ev("b", T(10, 2), "view", sat="3"),  # not a chain step
        ev("c", T(10, 0), "login", sat="1"),  # unassigned: no score
    ]
    out = run(rows, shop())
    # consider: (1 + 5 + 3) / 3 = 3
    assert col(out, "satisfaction") == [None, 3.0, None]
    assert col(out, "responses") == [0, 3, 0]
    assert tp(out, "consider", "view")["satisfaction"] == 3.0


# --------------------------------------------------------------------------- section 7: output


def test_unassigned_touchpoints_order(run):
    rows = [ev("a", T(10, 0), "ad")]
    for name, n in [("abc", 1), ("login", 2), ("zzz", 3), ("Abc", 1), ("logout", 2), ("登录", 1)]:
        rows += [ev("x", T(10, i), name) for i in range(n)]
    out = run(rows, shop())
    # events desc, then name asc by code point ("A" < "a" < "登")
    assert_subset(
        out["unassigned_touchpoints"],
        [
            {"touchpoint": "zzz", "events": 3},
            {"touchpoint": "login", "events": 2},
            {"touchpoint": "logout", "events": 2},
            {"touchpoint": "Abc", "events": 1},
            {"touchpoint": "abc", "events": 1},
            {"touchpoint": "登录", "events": 1},
        ],
    )
    assert_subset(out["events"], {"assigned": 1, "unassigned": 10})
    assert out["customers"]["total"] == 1  # x has no assigned event


def test_customer_totals(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "view"),
        ev("a", T(10, 2), "pay"),  # depth 3
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "cart"),  # depth 2
        ev("c", T(10, 0), "pay"),  # depth 0
        ev("d", T(10, 0), "login"),  # no assigned event
    ]
    out = run(rows, shop())
    assert_subset(out["customers"], {"total": 3, "entered": 2, "completed": 1})
    assert col(out, "customers") == [2, 2, 1]
    assert_subset(out["rows"], {"read": 7, "rejected": 0})
    assert_subset(out["events"], {"assigned": 6, "unassigned": 1})


EMPTY_STAGE = {
    "customers": 0,
    "conversion_from_previous": None,
    "conversion_from_first": None,
    "median_time_to_convert_s": None,
    "satisfaction": None,
    "responses": 0,
    "nps": None,
    "effort": None,
}


def test_empty_input(run):
    out = run([], shop())
    expected = {
        "schema": "cjtool.map/2",
        "model": "shop",
        "mode": "ordered",
        "window_s": None,
        "rows": {"read": 0, "rejected": 0},
        "events": {"assigned": 0, "unassigned": 0},
        "customers": {"total": 0, "entered": 0, "completed": 0},
        "stages": [
            {"id": "aware", "label": "Aware", **EMPTY_STAGE, "drop_off": 0},
            {"id": "consider", "label": "Consider", **EMPTY_STAGE, "drop_off": 0},
            {"id": "buy", "label": "Buy", **EMPTY_STAGE, "drop_off": None},
        ],
        "touchpoints": [],
        "unassigned_touchpoints": [],
    }
    assert_subset(out, expected)


def test_whole_object_of_a_small_run(run):
    model = """
name: tiny
mode: ordered
window: 1h
stages:
  - id: aware
    label: {en: Awareness, zh: 认知}
    touchpoints: [ad]
  - id: buy
    label: {en: Purchase, zh: 购买}
    touchpoints: [pay]
"""
    rows = [
        ev("a", T(10, 0), "ad", "web", sat="4", nps="9", effort="2"),
        ev("a", T(10, 30), "pay", "web", sat="2", nps="5", effort="6"),
        ev("b", T(10, 0), "ad", None, sat="5"),
        ev("b", T(11, 0, 1), "pay"),  # 3601 s after the start: outside 1h
        ev("c", T(10, 0), "help"),  # unassigned
        ev("", T(10, 0), "ad"),  # rejected
    ]
    out = run(rows, model)
    expected = {
        "schema": "cjtool.map/2",
        "model": "tiny",
        "mode": "ordered",
        "window_s": 3600.0,
        "rows": {"read": 6, "rejected": 1},
        "events": {"assigned": 4, "unassigned": 1},
        # a depth 2, b depth 1
        "customers": {"total": 2, "entered": 2, "completed": 1},
        "stages": [
            {
                "id": "aware",
                "label": "Awareness",
                "customers": 2,
                "conversion_from_previous": None,
                "conversion_from_first": 1.0,
                "drop_off": 1,
                "median_time_to_convert_s": None,
                # (4 + 5) / 2; nps over {9}: 100
                "satisfaction": 4.5,
                "responses": 2,
                "nps": 100.0,
                "effort": 2.0,
            },
            {
                "id": "buy",
                "label": "Purchase",
                "customers": 1,
                "conversion_from_previous": 0.5,
                "conversion_from_first": 0.5,
                "drop_off": None,
                "median_time_to_convert_s": 1800.0,
                # (2 + nothing) / 1; nps over {5}: -100
                "satisfaction": 2.0,
                "responses": 1,
                "nps": -100.0,
                "effort": 6.0,
            },
        ],
        "touchpoints": [
            # pay: b paid outside the window (depth 1), so b is no exit at the goal (v2):
            # rate 0; dissatisfaction 1 - (2 - 1) / 4 = 0.75 -> (0 + 0.75) / 2 = 0.375
            {
                "stage": "buy",
                "touchpoint": "pay",
                "events": 2,
                "customers": 2,
                "exits": 0,
                "drop_off_rate": 0.0,
                "satisfaction": 2.0,
                "responses": 1,
                "nps": -100.0,
                "effort": 6.0,
                "priority": 0.375,
                "rank": 1,
            },
            # ad: b exits at its last stage-1 event: 1/2; dissatisfaction
            # 1 - (4.5 - 1) / 4 = 0.125 -> (0.5 + 0.125) / 2 = 0.3125
            {
                "stage": "aware",
                "touchpoint": "ad",
                "events": 2,
                "customers": 2,
                "exits": 1,
                "drop_off_rate": 0.5,
                "satisfaction": 4.5,
                "responses": 2,
                "nps": 100.0,
                "effort": 2.0,
                "priority": 0.3125,
                "rank": 2,
            },
        ],
        "unassigned_touchpoints": [{"touchpoint": "help", "events": 1}],
    }
    assert_subset(out, expected)
    # the object is plain JSON
    json.dumps(out, allow_nan=False, ensure_ascii=False)


# --------------------------------------------------------------------------- v2: exits, ties, occurrences


def test_paid_but_skipped_a_stage_is_no_exit_at_the_goal(run):
    """The shop-data case of SPEC 5 v2: customers who paid without the product page are
    counted where they stopped in the funnel (their last stage-1 event), never at pay."""
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 5), "search"),
        ev("a", T(10, 9), "pay"),  # skipped consider: depth 1
        ev("b", T(10, 0), "ad"),
        ev("b", T(10, 1), "view"),
        ev("b", T(10, 2), "pay"),  # complete
    ]
    out = run(rows, shop())
    assert col(out, "customers") == [2, 1, 1]
    assert tp_counts(out, "buy", "pay") == (2, 2, 0, 0.0)  # v1 counted a as an exit here
    assert tp_counts(out, "aware", "search") == (1, 1, 1, 1.0)  # a's last stage-1 event
    assert tp_counts(out, "aware", "ad") == (2, 2, 0, 0.0)
    assert col(out, "drop_off") == [1, 0, None]


def test_same_time_input_order_takes_the_file_order_for_equal_timestamps(run):
    day = "2024-03-01"  # a date-only export: every event of the day has the same instant
    rows = [
        ev("a", day, "ad"),
        ev("a", day, "pay"),  # paid, then viewed: out of order in the file
        ev("a", day, "view"),
        ev("b", day, "ad"),
        ev("b", day, "view"),
        ev("b", day, "pay"),
    ]
    out = run(rows, shop())  # any_order: equal times count as in order either way
    assert col(out, "customers") == [2, 2, 2]
    out = run(rows, shop("same_time: input_order\n"))
    # a: ad -> view (row 3) -> no pay after row 3 -> depth 2; b: ad -> view -> pay -> 3
    assert col(out, "customers") == [2, 2, 1]
    assert col(out, "median_time_to_convert_s") == [None, 0.0, 0.0]
    assert tp_counts(out, "consider", "view") == (2, 2, 1, 0.5)  # a exits at view
    assert tp_counts(out, "buy", "pay") == (2, 2, 0, 0.0)


def test_same_time_input_order_still_sorts_by_time_first(run):
    rows = [
        ev("a", T(10, 5), "pay"),
        ev("a", T(10, 0), "ad"),
        ev("a", T(10, 1), "view"),
    ]
    out = run(rows, shop("same_time: input_order\n"))
    assert col(out, "customers") == [1, 1, 1]


AIPL_OCCURRENCES = """
name: repeat
stages:
  - id: awareness
    label: Awareness
    touchpoints: [ad]
  - id: purchase
    label: Purchase
    touchpoints: [{name: order_paid, occurrence: 1}]
  - id: loyalty
    label: Loyalty
    touchpoints: [review, {name: order_paid, occurrence: "2+"}]
"""


def test_occurrence_items_give_one_touchpoint_two_stages(run):
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(11, 0), "order_paid", "web"),  # 1st: purchase
        ev("a", T(12, 0), "order_paid", "store"),  # 2nd (any channel): loyalty
        ev("a", T(13, 0), "order_paid", "web"),  # 3rd: loyalty
        ev("b", T(10, 0), "order_paid"),  # 1st, before b's ad: purchase, out of order
        ev("b", T(10, 30), "ad"),
        ev("b", T(11, 0), "order_paid"),  # 2nd: loyalty, but b never had a purchase after the ad
        ev("c", T(10, 0), "ad"),
        ev("c", T(10, 1), "order_paid"),
    ]
    out = run(rows, AIPL_OCCURRENCES)
    assert col(out, "customers") == [3, 2, 1]  # a 3, b 1 (its first order precedes the ad), c 2
    assert tp_counts(out, "purchase", "order_paid") == (3, 3, 1, 1 / 3)  # c exits at its purchase
    assert tp_counts(out, "loyalty", "order_paid") == (3, 2, 0, 0.0)
    assert tp_counts(out, "awareness", "ad") == (3, 3, 1, 1 / 3)  # b
    # a plain name in both stages: every occurrence goes to the first stage, loyalty gets
    # none (and b's second order, after its ad, now counts as its purchase)
    plain = run(
        rows,
        AIPL_OCCURRENCES.replace('{name: order_paid, occurrence: "2+"}', "order_paid").replace(
            "{name: order_paid, occurrence: 1}", "order_paid"
        ),
    )
    assert col(plain, "customers") == [3, 3, 0]


def test_occurrence_counts_events_rejected_nowhere_and_unassigned_ones(run):
    # occurrences count the customer's accepted events at the touchpoint whatever their stage
    model = AIPL_OCCURRENCES.replace(
        "touchpoints: [{name: order_paid, occurrence: 1}]",
        "touchpoints: [{name: order_paid, occurrence: 1}]\n    channels: [web]",
    )
    rows = [
        ev("a", T(10, 0), "ad"),
        ev("a", T(11, 0), "order_paid", "store"),  # 1st: purchase needs web -> unassigned
        ev("a", T(12, 0), "order_paid", "web"),  # 2nd: not purchase (1st only) -> loyalty
        ev("a", "not a time", "order_paid", "web"),  # rejected: not counted
    ]
    out = run(rows, model)
    assert col(out, "customers") == [1, 0, 0]
    assert_subset(out["events"], {"assigned": 2, "unassigned": 1})
    assert tp_counts(out, "loyalty", "order_paid") == (1, 1, 0, 0.0)


def test_model_occurrence_items_are_validated():
    from cjtool.errors import ModelError

    bad = AIPL_OCCURRENCES.replace("occurrence: 1}", "occurrence: 0}")
    with pytest.raises(ModelError, match=r"occurrence.*whole number from 1"):
        parse_model(bad)
    with pytest.raises(ModelError, match=r"occurrence.*is required"):
        parse_model(AIPL_OCCURRENCES.replace(", occurrence: 1}", "}"))
    with pytest.raises(ModelError, match=r"same_time.*input_order"):
        parse_model(shop("same_time: file_order\n"))
    m = parse_model(AIPL_OCCURRENCES)
    assert m.stages[2].occurrences[0].as_yaml() == {"name": "order_paid", "occurrence": "2+"}
    assert m.stages[2].names == ("review", "order_paid")


def test_warnings_for_ties_and_for_stages_that_earlier_stages_starve():
    day = "2024-03-01"
    rows = [ev(c, day, tp) for c in "abc" for tp in ("ad", "view", "pay")]
    out = engine_map(rows, parse_model(shop()))
    assert any("same_time: input_order" in w and "6 of 6 chain steps" in w for w in out["warnings"])
    out = engine_map(rows, parse_model(shop("same_time: input_order\n")))
    assert not any("same_time" in w for w in out["warnings"])
    starved = shop().replace("touchpoints: [pay]", "touchpoints: [view]")
    out = engine_map(rows, parse_model(starved))
    assert any("stage `buy` gets no event" in w and "occurrence" in w for w in out["warnings"])
    # a stage with no event because nobody did it is not warned about
    out = engine_map([r for r in rows if r["touchpoint"] != "pay"], parse_model(shop()))
    assert not any("gets no event" in w for w in out["warnings"])
