"""cjtool paths against the slow reference (tests/reference_paths.py) on random logs drawn
as in tests/test_differential.py (ties, repeats, one-event customers, several and blank
channels, both modes, both same_time readings), and its reconciliation with the map."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjtool.errors import DataError
from cjtool.model import parse_model

try:
    from tests.reference_paths import reference_paths
    from tests.test_differential import BULK_MODEL, cases, engine_map, frame_of, render_instant
except ImportError:  # tests/ is not a package
    from reference_paths import reference_paths  # type: ignore[no-redef]
    from test_differential import (  # type: ignore[no-redef]
        BULK_MODEL,
        cases,
        engine_map,
        frame_of,
        render_instant,
    )

CLOSE = {"effect", "share", "conversion_probability"}


def engine_paths(rows: list[dict], model, steps: int = 5) -> dict:
    from cjtool.api import paths

    return paths(frame_of(rows), model, steps=steps).to_dict()


def diff(got, want, where: str = "") -> list[str]:
    """Where ``got`` differs from ``want`` on the keys ``want`` has (floats of the Markov
    solution within 1e-9: numpy's solve against exact fractions)."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{where}: engine {got!r}, reference {want!r}"]
        return [d for k in want for d in diff(got.get(k, "<missing>"), want[k], f"{where}.{k}")]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{where}: engine {got!r}, reference {want!r}"]
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True)) for d in diff(g, w, f"{where}[{i}]")]
    key = where.rsplit(".", 1)[-1]
    if key in CLOSE and isinstance(want, float) and isinstance(got, float):
        ok = math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    else:
        ok = got == want and type(got) is type(want)
    return [] if ok else [f"{where}: engine {got!r}, reference {want!r}"]


def check(rows: list[dict], model, steps: int = 5) -> dict:
    got = engine_paths(rows, model, steps)
    want = reference_paths(rows, model, steps)
    problems = diff(got, want)
    assert not problems, "engine and reference disagree:\n  " + "\n  ".join(problems[:20])
    return got


def reconcile(got: dict, mapped: dict) -> None:
    """Customers out of (start) are the run's customers; into (converted) its completed."""
    for key in ("transitions", "stage_transitions"):
        out = sum(t["customers"] for t in got[key] if t["from"]["touchpoint"] == "(start)")
        into = sum(t["customers"] for t in got[key] if t["to"]["touchpoint"] == "(converted)")
        assert out == mapped["customers"]["total"], (key, out, mapped["customers"])
        assert into == mapped["customers"]["completed"], (key, into, mapped["customers"])
    assert sum(v["customers"] for v in got["variants"]) == mapped["customers"]["total"]
    first_flows = sum(f["customers"] for f in got["flows"] if f["step"] == 1)
    assert first_flows == (mapped["customers"]["total"] if got["steps"] > 1 else 0)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), steps=st.sampled_from([2, 3, 5]))
def test_paths_equal_reference(case: tuple[str, list[dict]], steps: int) -> None:
    model_text, rows = case
    model = parse_model(model_text)
    try:
        reference_paths(rows, model, steps)
    except DataError:  # no readable timestamp: both refuse the input
        with pytest.raises(DataError, match="no timestamp could be read"):
            engine_paths(rows, model, steps)
        return
    got = check(rows, model, steps)
    reconcile(got, engine_map(rows, model))


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    mode=st.sampled_from(["ordered", "furthest"]),
    same_time=st.sampled_from(["any_order", "input_order"]),
)
def test_paths_equal_reference_on_larger_logs(seed: int, mode: str, same_time: str) -> None:
    """Hundreds of customers with many exact ties and a blank channel now and then."""
    rnd = random.Random(seed)
    names = ["ad", "ad_click", "search", "view", "product_view", "cart", "pay", "review", "repeat", "login"]
    n_customers = rnd.randint(30, 200)
    rows = [
        {
            "customer_id": f"c{rnd.randrange(n_customers)}",
            "timestamp": render_instant(rnd.choice([0, 30, 60, 90, 3600]) * rnd.randint(0, 3), rnd.randint(0, 4)),
            "touchpoint": rnd.choice(names),
            "channel": rnd.choice([None, "", " ", "web", "app", "store", "web"]),
        }
        for _ in range(rnd.randint(300, 1200))
    ]
    model = parse_model(BULK_MODEL.format(mode=mode, window="", same_time=same_time))
    got = check(rows, model, 4)
    reconcile(got, engine_map(rows, model))
