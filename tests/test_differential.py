"""Differential tests: the engine against the slow reference (tests/reference.py) on random
small event logs and random models, plus invariants every map must hold."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cjtool.errors import DataError
from cjtool.model import parse_model

try:
    from tests.reference import is_blank_row, parse_timestamp, reference_map
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from reference import is_blank_row, parse_timestamp, reference_map  # type: ignore[no-redef]

COLUMNS = ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "nps", "effort", "revenue")
SPEC_KEYS = (
    "schema",
    "model",
    "mode",
    "window_s",
    "rows",
    "events",
    "customers",
    "stages",
    "touchpoints",
    "unassigned_touchpoints",
)
STAGE_KEYS = (
    "id",
    "label",
    "customers",
    "conversion_from_previous",
    "conversion_from_first",
    "drop_off",
    "median_time_to_convert_s",
    "satisfaction",
    "responses",
    "nps",
    "effort",
)
TOUCHPOINT_KEYS = (
    "stage",
    "touchpoint",
    "events",
    "customers",
    "exits",
    "drop_off_rate",
    "satisfaction",
    "responses",
    "nps",
    "effort",
    "priority",
    "rank",
)
# floats that are means (or built from means): compared with a relative tolerance
CLOSE_KEYS = {"satisfaction", "effort", "nps", "priority"}


def frame_of(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame({c: [r.get(c) for r in rows] for c in COLUMNS}, schema={c: pl.String for c in COLUMNS})


def engine_map(rows: list[dict], model) -> dict:
    from cjtool.api import map_journey

    return map_journey(frame_of(rows), model).to_dict()


# --------------------------------------------------------------------------- comparison


def same_value(got, want, key: str) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, float) or isinstance(got, float):
        if key in CLOSE_KEYS:
            return got == want or math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
        return got == want
    return got == want


def differences(got: dict, want: dict) -> list[str]:
    """Every place where the engine (got) and the reference (want) disagree on a SPEC key."""
    out: list[str] = []
    for key in ("schema", "model", "mode", "window_s"):
        if not same_value(got.get(key), want[key], key):
            out.append(f"{key}: engine {got.get(key)!r}, reference {want[key]!r}")
    for key in ("rows", "events", "customers"):
        g = {k: (got.get(key) or {}).get(k) for k in want[key]}
        if g != want[key]:
            out.append(f"{key}: engine {g!r}, reference {want[key]!r}")
    for name, keys, ident in (
        ("stages", STAGE_KEYS, ("id",)),
        ("touchpoints", TOUCHPOINT_KEYS, ("stage", "touchpoint")),
    ):
        g_items, w_items = got.get(name) or [], want[name]
        g_ids = [tuple(x.get(k) for k in ident) for x in g_items]
        w_ids = [tuple(x[k] for k in ident) for x in w_items]
        if g_ids != w_ids:
            out.append(f"{name} order: engine {g_ids}, reference {w_ids}")
            continue
        for g, w, i in zip(g_items, w_items, w_ids, strict=True):
            for k in keys:
                if k not in g:
                    out.append(f"{name}{list(i)}: no key {k!r} in the engine's object")
                elif not same_value(g[k], w[k], k):
                    out.append(f"{name}{list(i)}.{k}: engine {g[k]!r}, reference {w[k]!r}")
    g_un = [
        {"touchpoint": u.get("touchpoint"), "events": u.get("events")} for u in got.get("unassigned_touchpoints") or []
    ]
    if g_un != want["unassigned_touchpoints"]:
        out.append(f"unassigned_touchpoints: engine {g_un!r}, reference {want['unassigned_touchpoints']!r}")
    if "opportunities" in want:  # SPEC 17 (revenue at stake is checked by hand in test_opportunities)
        mine = got.get("opportunities") or []
        g_op = [{k: o.get(k) for k in w} for o, w in zip(mine, want["opportunities"], strict=False)]
        if len(mine) != len(want["opportunities"]) or g_op != want["opportunities"]:
            out.append(f"opportunities: engine {got.get('opportunities')!r}, reference {want['opportunities']!r}")
    return out


def check_invariants(out: dict, K: int) -> None:
    reached = [s["customers"] for s in out["stages"]]
    assert len(reached) == K
    assert all(a >= b for a, b in zip(reached, reached[1:], strict=False)), f"stage customers rise: {reached}"
    c = out["customers"]
    assert sum(t["exits"] for t in out["touchpoints"]) <= c["entered"]
    # SPEC 5 v2: the exits of a stage's touchpoints add up to its drop-off; the last has none
    for s in out["stages"]:
        exits = sum(t["exits"] for t in out["touchpoints"] if t["stage"] == s["id"])
        assert exits == (s["drop_off"] or 0), (s["id"], exits, s["drop_off"])
    assert c["completed"] <= c["entered"] <= c["total"]
    assert reached[0] == c["entered"] and reached[-1] == c["completed"]
    rows = out["rows"]
    assert (
        rows["read"] == rows["rejected"] + rows["duplicates"] + out["events"]["assigned"] + out["events"]["unassigned"]
    )
    assert out["events"]["unassigned"] == sum(u["events"] for u in out["unassigned_touchpoints"])
    assert out["events"]["assigned"] == sum(t["events"] for t in out["touchpoints"])
    for t in out["touchpoints"]:
        assert 0 <= t["exits"] <= t["customers"] <= t["events"]
        assert 0.0 <= t["priority"] <= 1.0
    ranks = [t["rank"] for t in out["touchpoints"]]
    ranked = [r for r in ranks if r is not None]
    assert ranked == list(range(1, len(ranked) + 1)) and ranks[: len(ranked)] == ranked
    json.dumps(out, allow_nan=False)


# --------------------------------------------------------------------------- random inputs

TOUCHPOINTS = [
    "ad",
    "ad_click",
    "search",
    "view",
    "product_view",
    "cart",
    "pay",
    "pay_ok",
    "review",
    "login",
    "Zeta",
    "alpha",
    "浏览",
    "购买",
]
REGEXES = ["view", "^ad", "pay", "_", "a$", "(cart|review)", "浏", "^[A-Z]", "o"]
CHANNELS = ["web", "app", "store"]

BASE = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
# seconds after BASE: close together (ties, window edges at 60, 90, 2h) and far apart
OFFSETS = [0, 0, 30, 60, 89, 90, 91, 150, 3600, 7200, 7201, 86400, 90000]


def render_instant(seconds: float, style: int) -> str:
    """The instant BASE + seconds, written in one of several ISO 8601 styles."""
    t = BASE + timedelta(seconds=seconds)
    if style == 0:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:  # naive: taken as UTC
        return t.strftime("%Y-%m-%dT%H:%M:%S")
    if style == 5:  # as Excel shows it in Chinese locales (naive)
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}:{t.second:02d}"
    if style == 2:
        return t.astimezone(timezone(timedelta(hours=8))).isoformat()
    if style == 3:
        return t.astimezone(timezone(timedelta(hours=-5, minutes=-30))).isoformat()
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


BAD_TIMESTAMPS = ["not a time", "2024-02-30T10:00:00Z", "", None, "2024-03-01T25:00:00"]
ODD_TIMESTAMPS = [  # valid: dates are midnight UTC (before BASE); fractional seconds
    "2024-03-01",
    "2024-03-02",
    "2024-03-01T10:00:01.500Z",
    "2024-03-01T10:01:29.250+00:00",
    "2024-03-01 10:00:02,750",  # comma fraction (loggers)
    "2024-03-01T10:00:01,5+08:00",
    "2024-03-01T10",  # hours only
    "20240301T100002Z",  # ISO 8601 basic form
    "20240301",  # the basic date
    "2024/3/1",  # Excel, Chinese locales
    "2024/3/1 10:00",
    "2024/3/1 9:59:59",
]
UNITS = [0, 30, 45, 60, 90, 91, 3600, 7200]  # seconds between journey steps (0: all ties)
JITTER = [0, 0, 0, 0, 1, -1, 30, -30, 60, 3600]
SATISFACTIONS = [
    None,
    None,
    "",
    "1",
    "2",
    "3",
    "4",
    "5",
    "0",
    "6",
    "10",
    "x",
    "2.5",
    "3.4",
    "0.6",
    "４．５",
    " ３ ",
    "\u3000",
]
NPSS = [None, None, "0", "3", "6", "7", "8", "9", "10", "11", "-1", "abc", "９"]
EFFORTS = [None, None, "1", "4", "7", "8", "0", "y", "5"]
REVENUES = [None, None, None, "19.9", "-5", "1e3", "x", "19.90"]


OCCURRENCES = [1, 2, 3, "1+", "2+", "3+"]


@st.composite
def stage_spec(draw) -> dict:
    touchpoints: list = draw(st.lists(st.sampled_from(TOUCHPOINTS), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 3)) == 0:  # a repeated touchpoint: {name: T, occurrence: N | "N+"}
        touchpoints[0] = {"name": touchpoints[0], "occurrence": draw(st.sampled_from(OCCURRENCES))}
    return {
        "touchpoints": touchpoints,
        "match": draw(st.sampled_from([None, None, *REGEXES])),
        "channels": draw(st.sampled_from([None, None, None, ["web"], ["web", "app"], ["store"]])),
    }


WINDOWS = [None, None, None, ("90s", 90), ("60s", 60), ("1.5m", 90), ("2h", 7200), ("1d", 86400)]


@st.composite
def model_yaml_of(draw, stages: list[dict], window: str | None) -> str:
    lines = [
        "name: random",
        f"mode: {draw(st.sampled_from(['ordered', 'ordered', 'furthest']))}",
        f"same_time: {draw(st.sampled_from(['any_order', 'input_order']))}",
    ]
    if window:
        lines.append(f"window: {window}")
    timezone = draw(st.sampled_from([None, None, None, "Asia/Shanghai", "America/New_York"]))
    if timezone:
        lines.append(f"timezone: {timezone}")
    if draw(st.booleans()):
        lines.append("dedupe: true")
    if draw(st.booleans()):
        lines.append("scores:\n  satisfaction: {min: 0, max: 10}\n  effort: {min: 0, max: 5}")
    wd, ws = draw(st.sampled_from([(1, 1), (1, 1), (3, 1), (1, 2), (0, 1), (1, 0), (2.5, 0.5)]))
    lines.append(
        f"ranking:\n  weights: {{drop_off: {wd}, dissatisfaction: {ws}}}\n"
        f"  min_customers: {draw(st.sampled_from([0, 1, 1, 2, 3]))}"
    )
    lines.append("stages:")
    for i, spec in enumerate(stages, start=1):
        lines += [
            f"  - id: s{i}",
            f"    label: {{en: Stage {i}, zh: 阶段{i}}}",
            f"    touchpoints: {json.dumps(spec['touchpoints'], ensure_ascii=False)}",
        ]
        if spec["match"] is not None:
            lines.append(f"    match: {json.dumps(spec['match'], ensure_ascii=False)}")
        if spec["channels"] is not None:
            lines.append(f"    channels: {json.dumps(spec['channels'])}")
    return "\n".join(lines) + "\n"


@st.composite
def cases(draw) -> tuple[str, list[dict]]:
    """A random model of 2-4 stages and 0-40 rows of 1-6 customers.

    Most rows follow a journey: a touchpoint listed in stage j at about j * unit seconds
    (so chains form, ties happen and window edges are hit); the rest are random
    touchpoints at random instants; a few rows are rejected (blank id or touchpoint, bad
    timestamp)."""
    k = draw(st.integers(2, 4))
    stages = [draw(stage_spec()) for _ in range(k)]
    window = draw(st.sampled_from(WINDOWS))
    model_text = draw(model_yaml_of(stages, window and window[0]))
    ids = ["a", "b", "c", "d", "e", "f"][: draw(st.integers(1, 6))]
    units = UNITS
    if window:  # steps that land exactly on the window edge, or just past it
        w = window[1]
        units = UNITS + [w, w, w // 2, w // 3, w + 1, w - 1]
    unit = draw(st.sampled_from(units))
    n = draw(st.sampled_from(range(41)))
    rows = []
    for _ in range(n):
        kind = draw(st.integers(0, 9))
        if kind < 7:  # a journey step
            j = draw(st.integers(0, k - 1))
            tp = draw(st.sampled_from(stages[j]["touchpoints"]))
            tp = tp["name"] if isinstance(tp, dict) else tp
            seconds = j * unit + draw(st.sampled_from(JITTER))
        else:
            tp = draw(st.sampled_from(TOUCHPOINTS + ["other", "", " ", None]))
            seconds = draw(st.sampled_from(OFFSETS))
        if rows and draw(st.integers(0, 9)) == 0:  # an overlapping export: a row again
            rows.append(dict(draw(st.sampled_from(rows))))
            continue
        if draw(st.integers(0, 19)) == 0:  # a blank row (an empty line, Excel's `,,,,`)
            rows.append({c: draw(st.sampled_from([None, "", " ", "\u3000"])) for c in COLUMNS})
            continue
        when = draw(st.integers(0, 19))
        if when < 16:
            ts: str | None = render_instant(seconds, draw(st.integers(0, 5)))
        elif when < 18:
            ts = draw(st.sampled_from(ODD_TIMESTAMPS))
        else:
            ts = draw(st.sampled_from(BAD_TIMESTAMPS))
        rows.append(
            {
                "customer_id": draw(st.sampled_from(ids * 6 + ["", "  ", None])),
                "timestamp": ts,
                "touchpoint": tp,
                "channel": draw(st.sampled_from([None, "web", "web", "app", "store", ""])),
                "satisfaction": draw(st.sampled_from(SATISFACTIONS)),
                "nps": draw(st.sampled_from(NPSS)),
                "effort": draw(st.sampled_from(EFFORTS)),
                "revenue": draw(st.sampled_from(REVENUES)),
            }
        )
    return model_text, rows


def no_time_read(rows: list[dict], timezone: str | None = None) -> bool:
    """SPEC 1 v2: an input with non-blank rows but no readable timestamp is an error."""
    filled = [r for r in rows if not is_blank_row(r)]
    return bool(filled) and all(parse_timestamp(r["timestamp"], timezone) is None for r in filled)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_engine_equals_reference(case: tuple[str, list[dict]]) -> None:
    model_text, rows = case
    model = parse_model(model_text)
    try:
        want = reference_map(rows, model)
    except DataError:  # no readable timestamp: both refuse the input
        with pytest.raises(DataError, match="no timestamp could be read"):
            engine_map(rows, model)
        return
    got = engine_map(rows, model)
    diffs = differences(got, want)
    assert not diffs, "engine and reference disagree:\n  " + "\n  ".join(diffs)
    check_invariants(want, len(model.stages))
    check_invariants(got, len(model.stages))


@settings(max_examples=100, deadline=None)
@given(case=cases())
def test_modes_agree_on_everything_but_depth(case: tuple[str, list[dict]]) -> None:
    """Depth changes with the mode; rows, events, scores and the customer total do not; and
    furthest-mode depth is never below ordered-mode depth, so its funnel is never lower."""
    model_text, rows = case
    ordered = parse_model(model_text.replace("mode: furthest", "mode: ordered"))
    furthest = parse_model(model_text.replace("mode: ordered", "mode: furthest"))
    assume(not no_time_read(rows, ordered.timezone))
    a, b = engine_map(rows, ordered), engine_map(rows, furthest)
    for key in ("rows", "events", "unassigned_touchpoints"):
        assert a[key] == b[key]
    assert a["customers"]["total"] == b["customers"]["total"]
    for sa, sb in zip(a["stages"], b["stages"], strict=True):
        assert sa["customers"] <= sb["customers"]
        for k in ("satisfaction", "responses", "nps", "effort"):
            assert sa[k] == sb[k]


BULK_MODEL = """
name: bulk
mode: {mode}
same_time: {same_time}
{window}
ranking:
  min_customers: 5
stages:
  - id: aware
    label: Aware
    touchpoints: [ad, search]
    match: "^ad_"
  - id: interest
    label: Interest
    touchpoints: [view, cart]
    match: "view"
  - id: buy
    label: Buy
    touchpoints: [pay]
    channels: [web, app]
  - id: loyal
    label: Loyal
    touchpoints: [review, repeat, {{name: pay, occurrence: "2+"}}]
"""


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    mode=st.sampled_from(["ordered", "furthest"]),
    window=st.sampled_from(["", "window: 90s", "window: 1h"]),
    same_time=st.sampled_from(["any_order", "input_order"]),
)
def test_engine_equals_reference_on_larger_logs(seed: int, mode: str, window: str, same_time: str) -> None:
    """A few thousand rows and a few hundred customers, with many exact ties, so that the
    engine's sorting and grouping (stable order, parallel work) are checked at scale."""
    rnd = random.Random(seed)
    names = ["ad", "ad_click", "search", "view", "product_view", "cart", "pay", "review", "repeat", "login", "浏览"]
    n = rnd.randint(1000, 3000)
    n_customers = rnd.randint(50, 400)
    rows = []
    for _ in range(n):
        ts: str | None = render_instant(
            rnd.choice([0, 30, 45, 60, 90, 91, 120, 3600, 3601, 7200]) * rnd.randint(0, 3), rnd.randint(0, 4)
        )
        if rnd.random() < 0.02:
            ts = rnd.choice(BAD_TIMESTAMPS)
        rows.append(
            {
                "customer_id": f"c{rnd.randrange(n_customers)}" if rnd.random() > 0.01 else rnd.choice(["", " ", None]),
                "timestamp": ts,
                "touchpoint": rnd.choice(names),
                "channel": rnd.choice([None, "web", "app", "store"]),
                "satisfaction": rnd.choice(SATISFACTIONS),
                "nps": rnd.choice(NPSS),
                "effort": rnd.choice(EFFORTS),
            }
        )
    model = parse_model(BULK_MODEL.format(mode=mode, window=window, same_time=same_time))
    want = reference_map(rows, model)
    got = engine_map(rows, model)
    diffs = differences(got, want)
    assert not diffs, "engine and reference disagree:\n  " + "\n  ".join(diffs[:20])
    check_invariants(got, len(model.stages))
