"""The compiled kernel (cjtool/kernel.py) against the polars path of the journeys step.

One definition of the results: ``engine.customer_journeys`` with ``kernel=True`` must give
the very frame (values, nulls, types, row order) of the polars path on random and
adversarial logs (ties, equal timestamps across stages, long customers, windows at the
edge, both ``same_time`` readings, furthest mode), and whole maps must give the same
bytes. Also: the compile cache lives in the user's cache folder, and a read-only or
broken cache only costs time.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from cjtool import engine
from cjtool.model import parse_model

REPO = Path(__file__).resolve().parent.parent


def model_of(K: int, mode: str = "ordered", window: str | None = None, same_time: str = "any_order"):
    stages = "\n".join(f"  - id: s{k}\n    touchpoints: [t{k}]" for k in range(1, K + 1))
    text = f"name: k\nmode: {mode}\nsame_time: {same_time}\n" + (f"window: {window}\n" if window else "")
    return parse_model(text + "stages:\n" + stages + "\n")


def random_assigned(rng: random.Random, K: int) -> pl.DataFrame:
    """Assigned events in input order: many ties (times on a coarse grid of few values),
    customers with one event, without a stage-1 event, and now and then one with hundreds
    of events (the kernel sorts long customers another way)."""
    customers = rng.randint(1, 12)
    names = [f"c{rng.randint(0, 10**6)}" for _ in range(customers)]
    rows = []
    grid = rng.choice([1, 2, 5, 30])  # distinct times per customer: few -> many ties
    for name in names:
        n = rng.choice([1, 2, 3, 5, 8, 13]) if rng.random() > 0.1 else rng.randint(25, 300)
        low = rng.randint(1, K)
        for _ in range(n):
            rows.append(
                (
                    name,
                    rng.randrange(grid) * rng.choice([1, 10, 3600]),
                    rng.randint(low if rng.random() < 0.3 else 1, K),
                )
            )
    rng.shuffle(rows)
    return pl.DataFrame(
        {
            "cust": pl.Series([r[0] for r in rows], dtype=pl.Categorical),
            "timestamp": pl.Series([r[1] * 1_000_000 for r in rows], dtype=pl.Int64).cast(pl.Datetime("us")),
            "stage": pl.Series([r[2] for r in rows], dtype=engine.STAGE),
        }
    )


MODELS = [
    (K, mode, window, same)
    for K in (1, 2, 3, 5)
    for mode, window, same in (
        ("ordered", None, "any_order"),
        ("ordered", None, "input_order"),
        ("ordered", "10s", "any_order"),
        ("ordered", "10s", "input_order"),
        ("ordered", "1h", "any_order"),
        ("ordered", "1s", "input_order"),
        ("furthest", None, "any_order"),
    )
]


@pytest.mark.parametrize(("K", "mode", "window", "same"), MODELS)
def test_kernel_gives_the_polars_frame_on_random_logs(K, mode, window, same):
    model = model_of(K, mode, window, same)
    rng = random.Random(f"{K}{mode}{window}{same}")
    for _ in range(40):
        assigned = random_assigned(rng, K)
        want = engine.customer_journeys(assigned, model, kernel=False)
        got = engine.customer_journeys(assigned, model, kernel=True)
        assert_frame_equal(got, want)


def test_kernel_hand_worked_ties_and_window():
    """c1: stage 2 and 1 at the same time (any_order: in order; input_order: not), then 3
    at 10 s. c2: two starts, only the later one reaches 3 within 10 s (times and chain
    events come from it); exit at its last stage-2 event. c3: no start: depth 0."""
    rows = [
        ("c1", 0, 2),
        ("c1", 0, 1),
        ("c1", 10, 3),
        ("c2", 0, 1),
        ("c2", 5, 1),
        ("c2", 12, 2),
        ("c2", 15, 2),
        ("c2", 16, 3),
        ("c3", 1, 2),
    ]
    assigned = pl.DataFrame(
        {
            "cust": pl.Series([r[0] for r in rows], dtype=pl.Categorical),
            "timestamp": pl.Series([r[1] * 1_000_000 for r in rows], dtype=pl.Int64).cast(pl.Datetime("us")),
            "stage": pl.Series([r[2] for r in rows], dtype=engine.STAGE),
        }
    )
    for same, c1_depth in (("any_order", 3), ("input_order", 1)):
        model = model_of(3, window="11s", same_time=same)
        got = engine.customer_journeys(assigned, model, kernel=True)
        assert_frame_equal(got, engine.customer_journeys(assigned, model, kernel=False))
        by = {code: row for code, row in zip(got["cust"], got.iter_rows(named=True), strict=True)}
        codes = assigned["cust"].to_physical()
        c1, c2, c3 = (by[int(codes[i])] for i in (0, 3, 8))
        assert c1["depth"] == c1_depth
        assert (c2["depth"], c2["c1"], c2["c2"], c2["c3"], c2["exit"]) == (3, 4, 5, 7, None)
        assert (c3["depth"], c3["exit"], c3["events"], c3["first"], c3["last"]) == (0, None, 1, 8, 8)
        if same == "input_order":
            assert (c1["exit"], c1["c1"]) == (1, 1)  # depth 1: the last stage-1 event


# ------------------------------------------------------------------- whole maps


def random_log(rng: random.Random, n: int) -> pl.DataFrame:
    """Text columns as an export: repeat purchases (occurrence items), channels, scores,
    equal timestamps, a bad row now and then."""
    tps = ["ad", "view", "cart", "pay", "pay", "pay", "review", "other"]
    rows = []
    for _ in range(n):
        rows.append(
            {
                "customer_id": f"u{rng.randint(1, max(2, n // 6))}",
                "timestamp": f"2026-03-{rng.randint(1, 4):02d}T{rng.randint(0, 2):02d}:00:00Z"
                if rng.random() > 0.02 or not rows
                else "bad",
                "touchpoint": rng.choice(tps),
                "channel": rng.choice(["web", "app", None]),
                "satisfaction": str(rng.randint(1, 5)) if rng.random() < 0.3 else None,
            }
        )
    cols = ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction")
    return pl.DataFrame({c: [r[c] for r in rows] for c in cols}, schema={c: pl.String for c in cols})


MAP_MODEL = """
name: m
{extra}
stages:
  - id: aware
    touchpoints: [ad]
  - id: interest
    touchpoints: [view, cart]
    channels: [web, app]
  - id: buy
    touchpoints: [{{name: pay, occurrence: 1}}]
  - id: loyal
    touchpoints: [{{name: pay, occurrence: "2+"}}, review]
"""


@pytest.mark.parametrize(
    "extra", ["", "window: 1d", "window: 2h\nsame_time: input_order", "mode: furthest", "same_time: input_order"]
)
def test_kernel_gives_the_same_map_bytes(monkeypatch, extra):
    from cjtool.analyses.customers import customer_table
    from cjtool.api import breakdown, journeys, map_journey

    model = parse_model(MAP_MODEL.format(extra=extra))
    rng = random.Random(extra)
    for n in (1, 7, 60, 400, 3000):
        frame = random_log(rng, n)
        outs = []
        for forced in ("0", "1"):
            monkeypatch.setenv("CJTOOL_KERNEL", forced)
            result = map_journey(frame, model)
            j = journeys(frame, model)
            kernel = forced == "1" and j.checks.events > j.checks.unassigned
            assert (j.pair_first is not None) == kernel  # the kernel's count of customers at pairs
            table = customer_table(j)
            # segments: every customer's events in one segment, so the marks sum per segment
            by_channel = json.dumps(breakdown(frame, model, "channel").to_dict(), sort_keys=True)
            outs.append((json.dumps(result.to_dict(), sort_keys=True), table, by_channel))
        assert outs[0][0] == outs[1][0]
        assert_frame_equal(outs[0][1], outs[1][1])
        assert outs[0][2] == outs[1][2]


def test_pair_first_marks_each_customers_first_event_at_each_pair():
    """The kernel's marks, summed by (stage, touchpoint), are the distinct customers there;
    unassigned events (null stage) are left out of the chains and never marked; the
    kernel's positions are rows of the events given, unassigned ones included."""
    rng = random.Random(7)
    model = model_of(3)
    for _ in range(30):
        assigned = random_assigned(rng, 3)
        n = assigned.height
        events = assigned.with_columns(
            pl.Series("touchpoint", [rng.choice("abc") for _ in range(n)], dtype=pl.Categorical),
            pl.Series("stage", [None if rng.random() < 0.2 else s for s in assigned["stage"]], dtype=engine.STAGE),
        )
        chains, marks = engine.kernel_journeys(
            events.select("cust", "timestamp", "stage"), model, engine.pair_codes(events, 3)
        )
        assert marks is not None and len(marks) == n
        at = events.with_columns(marks).filter(pl.col("stage").is_not_null())
        got = (
            at.group_by("stage", "touchpoint")
            .agg(pl.col("pair_first").sum().cast(pl.Int64).alias("n"))
            .sort("stage", "touchpoint")
        )
        want = (
            at.group_by("stage", "touchpoint")
            .agg(pl.col("cust").n_unique().cast(pl.Int64).alias("n"))
            .sort("stage", "touchpoint")
        )
        assert_frame_equal(got, want)
        assert not marks.filter(events["stage"].is_null()).any()
        # the polars path on the assigned events, its positions mapped to rows of `events`
        keep = events["stage"].is_not_null()
        index = keep.arg_true()
        want_chains = engine.customer_journeys(
            events.filter(keep).select("cust", "timestamp", "stage"), model, kernel=False
        )
        positions = ["first", "last", "exit", "c1", "c2", "c3"]
        assert_frame_equal(chains, want_chains.with_columns([index.gather(want_chains[p]).alias(p) for p in positions]))


def test_kernel_wanted_by_size_and_by_setting(monkeypatch):
    from cjtool.kernel import KERNEL_MIN_EVENTS, kernel_wanted

    monkeypatch.delenv("CJTOOL_KERNEL", raising=False)
    assert not kernel_wanted(KERNEL_MIN_EVENTS - 1)
    assert kernel_wanted(KERNEL_MIN_EVENTS)
    monkeypatch.setenv("CJTOOL_KERNEL", "0")
    assert not kernel_wanted(10**9)
    monkeypatch.setenv("CJTOOL_KERNEL", "1")
    assert kernel_wanted(1)


def test_help_and_small_runs_load_neither_numba_nor_the_kernel_arrays():
    code = (
        "import sys; from cjtool.cli.app import main; sys.argv = ['cjtool', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('numba' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CJTOOL_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


# ------------------------------------------------------------------ the cache

RUN = """
import polars as pl
from cjtool import engine, kernel
from cjtool.model import parse_model
model = parse_model("name: k\\nwindow: 1d\\nstages:\\n  - id: a\\n    touchpoints: [a]\\n  - id: b\\n    touchpoints: [b]\\n")
assigned = pl.DataFrame({
    "cust": pl.Series(["x", "y", "x", "y"], dtype=pl.Categorical),
    "timestamp": pl.Series([3, 1, 2, 5], dtype=pl.Int64).cast(pl.Datetime("us")),
    "stage": pl.Series([2, 1, 1, 2], dtype=engine.STAGE),
})
got = engine.customer_journeys(assigned, model, kernel=True)
assert got.equals(engine.customer_journeys(assigned, model, kernel=False)), got
print(kernel.cache_dir())
"""


def run_fresh(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "CJTOOL_", "XDG_CACHE"))}
    env.update(env_extra)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", RUN], env=env, capture_output=True, text=True, timeout=300
    )


def test_cache_goes_to_the_user_cache_folder_and_survives_breakage(tmp_path):
    cache = tmp_path / "xdg"
    first = run_fresh({"XDG_CACHE_HOME": str(cache)})
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == str(cache / "cjtool" / "numba")
    written = list((cache / "cjtool" / "numba").rglob("*.nbi"))
    assert written, "nothing cached"
    for f in (cache / "cjtool" / "numba").rglob("*.nb*"):  # a broken cache: garbage in every file
        f.write_bytes(b"\x00not a cache")
    broken = run_fresh({"XDG_CACHE_HOME": str(cache)})
    assert broken.returncode == 0, broken.stderr


def test_read_only_cache_folder_only_costs_time(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root ignores permissions: make the folder's place a file
            ro.chmod(0o700)
            ro.rmdir()
            ro.write_text("not a folder")
        done = run_fresh({"XDG_CACHE_HOME": str(ro)})
        assert done.returncode == 0, done.stderr
    finally:
        if ro.is_dir():
            ro.chmod(0o700)


# ------------------------------------------------------------ hash-coded customer ids


def test_hash_codes_are_dense_in_order_of_first_appearance():
    import numpy as np

    from cjtool import kernel

    rng = random.Random(5)
    for n in (0, 1, 5, 1000, 50_000):
        h = np.array([rng.choice([1, 2, 3, 2**63 + 5, 2**64 - 1, rng.getrandbits(64)]) for _ in range(n)], np.uint64)
        codes, firsts = kernel.hash_codes(h)
        assert len(set(codes.tolist())) == len(firsts) == len(set(h.tolist()))
        assert sorted(set(codes.tolist())) == list(range(len(firsts)))  # dense
        assert (h[firsts][codes] == h).all()  # each code stands for one hash
        assert all(codes[f] == c for c, f in enumerate(firsts))  # the first row of its code
        assert list(firsts) == sorted(firsts)  # numbered in order of first appearance


def test_two_ids_sharing_a_hash_take_the_exact_path():
    from cjtool import kernel
    from cjtool.events import _hashed_ids

    def hashed(hashes: pl.Series) -> pl.Series | None:
        return _hashed_ids(ids, *kernel.hash_codes(hashes.to_numpy()))

    ids = pl.Series(["a", "b", "a", None, "c"])
    assert hashed(pl.Series([7, 7, 7, 9, 8], dtype=pl.UInt64)) is None  # "a" and "b" collide
    got = hashed(ids.hash(1))
    assert got is not None and got.dtype == pl.Categorical
    assert got.cast(pl.String).to_list() == ["a", "b", "a", None, "c"]


def test_reading_with_hash_codes_gives_the_same_table(monkeypatch, tmp_path):
    """Ids with blanks, spaces, Chinese, numbers that look alike, quotes: the same events
    and the same customers (as text) whichever way the ids are coded."""
    from cjtool.events import read_events

    rng = random.Random(9)
    pool = ["u1", "u01", " u1", "u1 ", "客户1", "客户 1", '"q"', "1e10", "10000000000", "", "x" * 40, "ä"]
    lines = ["customer_id,timestamp,touchpoint"]
    for _ in range(2000):
        cid = rng.choice(pool)
        cid = f'"{cid.replace(chr(34), chr(34) * 2)}"' if ('"' in cid or " " in cid) else cid
        lines.append(f"{cid},2026-03-{rng.randint(1, 9):02d}T10:00:00Z,{rng.choice(['ad', 'view', 'pay'])}")
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = parse_model(MAP_MODEL.format(extra=""))
    tables = []
    for forced in ("0", "1"):
        monkeypatch.setenv("CJTOOL_KERNEL", forced)
        t = read_events([str(path)], model)
        tables.append((t.frame.with_columns(pl.col("cust").cast(pl.String)), t.rejected, t.dropped.height))
    assert_frame_equal(tables[0][0], tables[1][0])
    assert tables[0][1:] == tables[1][1:]


def test_customer_ranges_on_threads_give_the_same_frames(monkeypatch):
    """Ranges of customers followed on threads side by side (forced: many ranges of a few
    events) give the frames and pair marks of one range."""
    from cjtool import kernel

    rng = random.Random(11)
    for K, mode, window, same in MODELS[::3]:
        model = model_of(K, mode, window, same)
        for _ in range(8):
            assigned = random_assigned(rng, K)
            events = assigned.with_columns(
                pl.Series("touchpoint", [rng.choice("abc") for _ in range(assigned.height)], dtype=pl.Categorical)
            )
            pair = engine.pair_codes(events, K)
            monkeypatch.setattr(kernel, "THREADS_MIN_EVENTS", 10**9)
            one = engine.kernel_journeys(assigned, model, pair)
            monkeypatch.setattr(kernel, "THREADS_MIN_EVENTS", 1)
            monkeypatch.setattr(kernel, "_cores", lambda: 5)
            assert len(kernel._ranges(kernel.np.array([0, *range(1, 40)]), 1)) > 2  # (several ranges indeed)
            many = engine.kernel_journeys(assigned, model, pair)
            assert_frame_equal(many[0], one[0])
            assert many[1] is not None and one[1] is not None and many[1].equals(one[1])
            assert_frame_equal(many[0], engine.customer_journeys(assigned, model, kernel=False))


def test_the_command_line_starts_light_and_returns_freed_memory_soon():
    """`cjtool --help` loads neither scipy.optimize (0.45 s, the `value` command's fits) nor
    the value analysis; the command line sets polars' allocator to return freed pages after
    50 ms before polars loads, and a user's own setting stands."""
    code = (
        "import os, sys; from cjtool.cli.app import main; sys.argv = ['cjtool', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('scipy.optimize' in sys.modules, 'cjtool.analyses.value' in sys.modules)\n"
        "print(os.environ.get('_RJEM_MALLOC_CONF'))"
    )
    first = "import sys; import cjtool.cli; print('polars' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CJTOOL_") and k != "_RJEM_MALLOC_CONF"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded, conf = done.stdout.strip().splitlines()[-2:]
    assert loaded == "False False"
    assert conf.endswith(",dirty_decay_ms:50,muzzy_decay_ms:0")  # after polars' own defaults: ours win
    before = subprocess.run([sys.executable, "-c", first], env=env, capture_output=True, text=True, timeout=120)
    assert before.stdout.strip() == "False"  # set before polars (and its allocator) loads
    own = subprocess.run(
        [sys.executable, "-c", code], env={**env, "_RJEM_MALLOC_CONF": "narenas:1"}, capture_output=True, text=True
    )
    conf = own.stdout.strip().splitlines()[-1]
    assert conf.endswith(",narenas:1") and "dirty_decay_ms:50," not in conf
