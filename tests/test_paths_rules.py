"""Hand-computed cases for cjtool paths (SPEC 11, 12, 16) and the removal-effect solver."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from cjtool.api import paths
from cjtool.errors import UsageError
from cjtool.model import parse_model
from cjtool.stats.markov import absorption_probability, removal_effects_of_matrix

MODEL = parse_model(
    """
name: tiny
stages:
  - {id: a, label: A, touchpoints: [ad, search]}
  - {id: b, label: B, touchpoints: [view]}
  - {id: c, label: C, touchpoints: [pay]}
"""
)


def frame(rows: list[tuple]) -> pl.DataFrame:
    cols = ("customer_id", "timestamp", "touchpoint", "channel")
    return pl.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], schema={c: pl.String for c in cols})


def T(minute: int) -> str:
    return f"2024-01-01T10:{minute:02d}:00Z"


ROWS = [
    # x: ad, ad (repeat collapsed), view, ad (backward), view, pay -> converted
    ("x", T(0), "ad", "web"),
    ("x", T(1), "ad", "web"),
    ("x", T(3), "view", "app"),
    ("x", T(4), "ad", "app"),
    ("x", T(6), "view", "app"),
    ("x", T(10), "pay", "store"),
    # y: search, view -> dropped; one channel
    ("y", T(0), "search", "web"),
    ("y", T(2), "view", "web"),
    # z: a single event, no channel
    ("z", T(5), "ad", ""),
]


def test_hand_computed_transitions_and_variants() -> None:
    d = paths(frame(ROWS), MODEL, steps=3).to_dict()
    tr = {(t["from"]["touchpoint"], t["to"]["touchpoint"]): t for t in d["transitions"]}
    assert tr[("(start)", "ad")]["customers"] == 2  # x and z
    assert tr[("ad", "view")]["transitions"] == 2 and tr[("ad", "view")]["customers"] == 1
    # gaps: last ad of the collapsed repeat (10:01) -> view (10:03) = 120 s; ad 10:04 -> view 10:06 = 120 s
    assert tr[("ad", "view")]["median_gap_s"] == 120.0
    assert tr[("view", "ad")]["median_gap_s"] == 60.0
    assert tr[("view", "pay")]["median_gap_s"] == 240.0
    assert tr[("pay", "(converted)")]["customers"] == 1
    assert tr[("view", "(dropped)")]["customers"] == 1 and tr[("ad", "(dropped)")]["customers"] == 1
    assert tr[("(start)", "ad")]["median_gap_s"] is None
    # order: occurrences desc, customers desc, then from and to in SPEC 16 order
    assert [(t["from"]["touchpoint"], t["to"]["touchpoint"]) for t in d["transitions"][:3]] == [
        ("(start)", "ad"),  # 2 occurrences, 2 customers
        ("ad", "view"),  # 2 occurrences, 1 customer
        ("(start)", "search"),  # 1 occurrence: (start) sorts first
    ]
    st = {(t["from"]["stage"], t["to"]["stage"]): t for t in d["stage_transitions"]}
    assert st[("b", "a")]["backward"] is True and st[("a", "b")]["backward"] is False
    assert d["customers_backward"] == 1
    assert [(v["path"], v["customers"], v["completed_share"]) for v in d["variants"]] == [
        (["a"], 1, 0.0),
        (["a", "b"], 1, 0.0),
        (["a", "b", "a", "b", "c"], 1, 1.0),
    ]
    flows = [(f["step"], f["from"]["touchpoint"], f["to"]["touchpoint"], f["customers"]) for f in d["flows"]]
    assert flows == [
        (1, "ad", "view", 1),
        (1, "ad", "(end)", 1),
        (1, "search", "view", 1),
        (2, "view", "ad", 1),
        (2, "view", "(end)", 1),
    ]


def test_hand_computed_channels() -> None:
    ch = paths(frame(ROWS), MODEL).to_dict()["channels"]
    assert ch["customers"] == 2 and ch["multichannel"] == 0.5  # z has no channel
    assert ch["single"] == {"entered": 1, "completed": 0} and ch["multi"] == {"entered": 1, "completed": 1}
    # chain of x: ad 10:00 (web) -> view 10:03 (app) -> pay 10:10 (store); y: search (web) -> view (web)
    assert ch["switches"] == [
        {"stage": "b", "from": "web", "to": "app", "customers": 1},
        {"stage": "b", "from": "web", "to": "web", "customers": 1},
        {"stage": "c", "from": "app", "to": "store", "customers": 1},
    ]
    assert ch["switch_rate"] == [{"stage": "b", "rate": 0.5}, {"stage": "c", "rate": 1.0}]
    # Markov: x = start web app store conv; y = start web null. P = 1/2 (web -> app -> store
    # -> conv with probability 1/2 at web). Removing any channel of x's path leaves P = 0.
    assert ch["conversion_probability"] == pytest.approx(0.5)
    assert [(r["channel"], r["effect"], r["share"]) for r in ch["removal_effect"]] == [
        ("app", 1.0, pytest.approx(1 / 3)),
        ("store", 1.0, pytest.approx(1 / 3)),
        ("web", 1.0, pytest.approx(1 / 3)),
    ]


def test_blank_channels_switch_from_none_and_furthest_has_no_switches() -> None:
    rows = [("u", T(0), "ad", " "), ("u", T(1), "view", "web"), ("u", T(2), "pay", "web")]
    ch = paths(frame(rows), MODEL).to_dict()["channels"]
    assert ch["switches"][0] == {"stage": "b", "from": "(none)", "to": "web", "customers": 1}
    furthest = parse_model(MODEL_TEXT_FURTHEST)
    ch = paths(frame(rows), furthest).to_dict()["channels"]
    assert ch["switches"] == [] and ch["switch_rate"] == []


MODEL_TEXT_FURTHEST = """
name: tiny
mode: furthest
stages:
  - {id: a, label: A, touchpoints: [ad, search]}
  - {id: b, label: B, touchpoints: [view]}
  - {id: c, label: C, touchpoints: [pay]}
"""


def test_no_channel_column_and_no_conversion() -> None:
    rows = pl.DataFrame({"customer_id": ["p", "p"], "timestamp": [T(0), T(1)], "touchpoint": ["ad", "view"]})
    d = paths(rows, MODEL).to_dict()
    ch = d["channels"]
    assert ch["customers"] == 0 and ch["multichannel"] is None and ch["removal_effect"] == []
    assert ch["switches"] == [{"stage": "b", "from": "(none)", "to": "(none)", "customers": 1}]
    # one channel, nobody converts: every effect null
    one = paths(frame([("p", T(0), "ad", "web"), ("q", T(0), "ad", "web")]), MODEL).to_dict()["channels"]
    assert one["removal_effect"] == [{"channel": "web", "effect": None, "share": None}]
    assert one["multichannel"] == 0.0


def test_filters_and_unknown_names() -> None:
    p = paths(frame(ROWS), MODEL, src="view")
    assert {t.src.touchpoint for t in p.transitions} == {"view"}
    p = paths(frame(ROWS), MODEL, before_drop=True)
    assert {t.dst.touchpoint for t in p.transitions} == {"(dropped)"}
    assert p.to_dict()["filters"] == {"to": "(dropped)"}
    p = paths(frame(ROWS), MODEL, dst="b")  # a stage id
    assert {t.dst.stage for t in p.transitions} == {2}
    assert all(t.customers >= 2 for t in paths(frame(ROWS), MODEL, min_customers=2).transitions)
    with pytest.raises(UsageError, match="--from nope"):
        paths(frame(ROWS), MODEL, src="nope")


# --------------------------------------------------------------------------- the solver


def counts_of(edges: dict[tuple[int, int], int], transient: int) -> np.ndarray:
    m = np.zeros((transient, transient + 2))
    for (a, b), n in edges.items():
        m[a, b] = n
    return m


def test_solver_against_a_chain_solved_by_hand() -> None:
    # states: 0 start, 1 A, 2 B; columns 3 converted, 4 null
    # start -> A 2, start -> B 2; A -> B 1, A -> conv 1, A -> null 2; B -> A 1, B -> conv 3
    m = counts_of({(0, 1): 2, (0, 2): 2, (1, 2): 1, (1, 3): 1, (1, 4): 2, (2, 1): 1, (2, 3): 3}, 3)
    # a = 1/4 b + 1/4, b = 1/4 a + 3/4 -> a = 7/15, b = 13/15; P = (a + b) / 2 = 2/3
    assert absorption_probability(m) == pytest.approx(2 / 3, rel=1e-12)
    # without A: start -> B -> conv 3/4 -> P = 3/8; without B: A converts 1/4 -> P = 1/8
    assert absorption_probability(m, removed=1) == pytest.approx(3 / 8, rel=1e-12)
    assert absorption_probability(m, removed=2) == pytest.approx(1 / 8, rel=1e-12)
    p, effects = removal_effects_of_matrix(["A", "B"], m)
    assert p == pytest.approx(2 / 3)
    assert [(r.channel, r.effect) for r in effects] == [
        ("B", pytest.approx(1 - (1 / 8) / (2 / 3))),
        ("A", pytest.approx(1 - (3 / 8) / (2 / 3))),
    ]


def test_solver_against_monte_carlo() -> None:
    m = counts_of({(0, 1): 5, (0, 2): 3, (1, 2): 4, (1, 3): 2, (1, 4): 3, (2, 1): 2, (2, 3): 1, (2, 4): 4}, 3)
    rng = random.Random(7)
    probs = m / m.sum(axis=1, keepdims=True)
    hits, n = 0, 40_000
    for _ in range(n):
        s = 0
        while s < 3:
            s = rng.choices(range(5), weights=probs[s])[0]
        hits += s == 3
    exact = absorption_probability(m)
    assert abs(hits / n - exact) < 4 * (exact * (1 - exact) / n) ** 0.5


def test_solver_singular_loop_converts_with_zero() -> None:
    # B loops to itself only: I - Q is singular over all states; B converts with 0
    m = counts_of({(0, 1): 1, (0, 2): 1, (1, 3): 1, (2, 2): 5}, 3)
    assert absorption_probability(m) == pytest.approx(0.5)
    assert absorption_probability(counts_of({(0, 1): 1, (1, 1): 1}, 2)) == 0.0


# ------------------------------------------------------------------ issue 21: unassigned events, blank channels


def test_unassigned_events_are_said_and_kept_with_all_events() -> None:
    """login matches no stage: by default it is left out (ad -> view joined) and said;
    --all-events keeps it as a step with stage null."""
    rows = [("u", T(0), "ad", "web"), ("u", T(1), "login", "web"), ("u", T(2), "view", "web")]
    rows += [("w", T(0), "login", "web")]  # only unassigned events: not a customer of the run
    plain = paths(frame(rows), MODEL)
    d = plain.to_dict()
    pairs = {(t["from"]["touchpoint"], t["to"]["touchpoint"]) for t in d["transitions"]}
    assert ("ad", "view") in pairs and d["events_unassigned"] == {"count": 1, "kept": False}
    assert plain.warnings == [
        "1 event of these customers matches no stage and is left out of the paths, which joins the steps "
        "around them; --all-events keeps them as steps"
    ]
    every = paths(frame(rows), MODEL, all_events=True)
    d = every.to_dict()
    tr = {(t["from"]["touchpoint"], t["to"]["touchpoint"]): t for t in d["transitions"]}
    assert set(tr) == {("(start)", "ad"), ("ad", "login"), ("login", "view"), ("view", "(dropped)")}
    assert tr[("ad", "login")]["to"] == {"stage": None, "touchpoint": "login"}
    assert tr[("login", "view")]["median_gap_s"] == 60.0
    assert d["customers"]["total"] == 1 and d["events_unassigned"] == {"count": 1, "kept": True}
    assert every.warnings == []
    # stage-level transitions, variants and channels stay over assigned events
    assert d["stage_transitions"] == plain.to_dict()["stage_transitions"]
    assert d["variants"] == plain.to_dict()["variants"] and d["channels"] == plain.to_dict()["channels"]
    assert [(f["step"], f["from"]["touchpoint"], f["to"]["touchpoint"]) for f in d["flows"]] == [
        (1, "ad", "login"),
        (2, "login", "view"),
        (3, "view", "(end)"),
    ]


def test_a_blank_channel_is_not_a_switch() -> None:
    """u buys with no channel logged: web -> (none) is listed but is no switch; v switches
    web -> app. Stage c's rate is over v alone (1.0), not 2 of 2."""
    rows = [("u", T(0), "ad", "web"), ("u", T(1), "view", "web"), ("u", T(2), "pay", "")]
    rows += [("v", T(0), "ad", "web"), ("v", T(1), "view", "web"), ("v", T(2), "pay", "app")]
    ch = paths(frame(rows), MODEL).to_dict()["channels"]
    assert {"stage": "c", "from": "web", "to": "(none)", "customers": 1} in ch["switches"]
    assert ch["switch_rate"] == [{"stage": "b", "rate": 0.0}, {"stage": "c", "rate": 1.0}]
    only_blank = paths(frame(rows[:3]), MODEL).to_dict()["channels"]
    assert only_blank["switch_rate"][1] == {"stage": "c", "rate": None}  # nothing known to switch
