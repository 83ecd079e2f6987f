#!/usr/bin/env python3
"""Where `cjtool map` spends its time.

    python benchmarks/profile_phases.py benchmarks/data/events_10m.csv [--best-of 3] [--experiments] [--pyspy]

Three views, from the most to the least robust to refactoring of cjtool's internals:

1. phases through the public library API, each materialised on its own:
     import       polars + cjtool (the CLI also imports typer/rich)
     read_events  read the CSV, parse timestamps and scores, validate (cjtool.events)
     compute_map  stages, customer depths (the chain), all aggregations (cjtool.metrics)
     json         render the JSON text
     END-TO-END   map_journey + json: what `cjtool map` does minus CLI start-up
   plus, where the current engine API allows, its sub-steps (stage assignment, the
   per-customer journeys / chains); a sub-step the API no longer offers prints n/a.
2. --pyspy: py-spy samples the end-to-end run (wall clock, --idle) and attributes each
   sample to the innermost cjtool line on the stack: the polars call it was waiting on.
3. --experiments: the same building blocks done other ways (timestamp parsing, CSV
   reading, sort keys, string vs integer customer ids), each checked for equal results.

Every timed step reports its best wall time of --best-of runs and that run's CPU time
(all threads): CPU / wall near 1 means one core busy, near 2 both cores of this machine.
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

T_START = time.perf_counter()
import polars as pl  # noqa: E402

import cjtool.api  # noqa: E402
from cjtool import engine, events, metrics, timestamps  # noqa: E402
from cjtool.model import load_model  # noqa: E402

T_IMPORT = time.perf_counter() - T_START

ROWS: list[tuple[str, float, float, str]] = []  # (name, wall, cpu, note)
BEST_OF = 1
ENGINE_ANY: Any = engine  # for engine functions that only some cjtool versions have


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(name: str, fn: Callable[[], Any], note: str = "", best_of: int | None = None) -> Any:
    """Run ``fn`` best_of times; record the best wall time and that run's CPU time."""
    best, best_cpu = float("inf"), 0.0
    out = None
    for _ in range(best_of or BEST_OF):
        out = None
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, best_cpu = wall, cpu
    ROWS.append((name, best, best_cpu, note))
    print(
        f"  {name:48} {best:7.2f} s  cpu {best_cpu:6.2f} s  rss {rss_mb():6.0f} MB  peak {peak_mb():6.0f} MB  {note}",
        flush=True,
    )
    return out


def optional(name: str, fn: Callable[[], Any], note: str = "") -> Any:
    try:
        return timed(name, fn, note)
    except Exception as exc:  # noqa: BLE001  (the engine API moves; say so and go on)
        print(f"  {name:48}     n/a  ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})")
        return None


def to_json_text(result: Any) -> str:
    from cjtool.render.machine import to_json  # what `cjtool map --format json` writes

    return to_json(result, "en")


# ------------------------------------------------------------------------ phases


def with_stages(frame: pl.DataFrame, model: Any) -> pl.DataFrame:
    """``frame`` plus cjtool's ``stage`` column, through whichever engine API exists:
    ``stage_column`` (a Series) or the older ``assign_stages`` (a LazyFrame)."""
    api: Any = engine  # the engine API moves; look names up at run time
    if hasattr(api, "stage_column"):
        return frame.with_columns(api.stage_column(frame, model))
    return api.assign_stages(frame.lazy(), model).collect()


def phases(path: Path, window: str | None) -> None:
    model = load_model("aipl").with_overrides(window=window)
    print(
        f"{path}: model aipl, window {model.window_text}; best of {BEST_OF}; cjtool from "
        f"{Path(cjtool.__file__).resolve().parent}"
    )
    ROWS.append(("import polars + cjtool", T_IMPORT, float("nan"), ""))
    print(f"  {'import polars + cjtool':48} {T_IMPORT:7.2f} s")
    table = timed("read_events (read + parse + validate)", lambda: events.read_events([str(path)], model))
    result = timed("compute_map (stages + chain + aggregations)", lambda: metrics.compute_map(table, model))
    timed("json output", lambda: to_json_text(result))
    result = None  # free the memory before the next step
    print("  sub-steps of compute_map (current engine API; n/a where it changed):")
    frame = table.frame
    staged = optional("  stage assignment (cjtool.engine)", lambda: with_stages(frame, model))
    if staged is not None:
        assigned = staged.filter(pl.col("stage").is_not_null())
        staged = None  # free the memory before the next step
        if hasattr(engine, "customer_journeys"):
            if "cust" not in assigned.columns and "customer_id" in assigned.columns:
                assigned = assigned.with_columns(pl.col("customer_id").cast(pl.Categorical).to_physical().alias("cust"))
            a = assigned.select([c for c in ("cust", "timestamp", "row", "stage") if c in assigned.columns])
            note = f"{a.height:,} assigned events, {int((a['stage'] == 1).sum()):,} stage-1"
            if hasattr(engine, "sorted_events"):
                ev = optional("  sorted_events (packed-key sort)", lambda: engine.sorted_events(a), note)
                if ev is not None and model.mode == "ordered":
                    optional("  _ordered_chains (pointer gathers)", lambda: engine._ordered_chains(ev, model))
                ev = None  # free the memory before the next step
            optional("  customer_journeys (sort + last + chain)", lambda: engine.customer_journeys(a, model), note)
        elif hasattr(engine, "customer_depths"):  # the as-of-join engine (cjtool <= 4ddb3f4)
            depths = ENGINE_ANY.customer_depths
            optional("  customer_depths (last + as-of chain)", lambda: depths(assigned.lazy(), model).collect())
        assigned = None  # free the memory before the next step
    table = frame = None  # free the memory before the next step

    def end_to_end() -> str:
        return to_json_text(cjtool.api.map_journey([str(path)], model))

    timed("END-TO-END map_journey + json", end_to_end)
    total = ROWS[-1][1]
    print("\nshare of end-to-end (each phase run on its own; shares are indicative)")
    for name, t, cpu, _ in ROWS[:-1]:
        if name.startswith("  "):
            continue
        c = f"cpu {cpu:6.2f} s" if cpu == cpu else " " * 12
        print(f"  {name:48} {t:7.2f} s  {c}  {100 * t / total:5.1f}%")


# ------------------------------------------------------------------------ py-spy

PYSPY_CODE = """
import sys
sys.path.insert(0, sys.argv[3])  # the same cjtool package as the profiling process
import cjtool.api
from cjtool.model import load_model
from cjtool.render.machine import to_json
model = load_model("aipl").with_overrides(window=sys.argv[2] if sys.argv[2] != "none" else "none")
to_json(cjtool.api.map_journey([sys.argv[1]], model), "en")
"""


def pyspy(path: Path, window: str | None, rate: int = 50, native: bool = False) -> None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("py-spy is not installed (pip install py-spy)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "samples.txt"
        cmd = [exe, "record", "--idle", "-r", str(rate), "--format", "raw", "-o", str(raw)]
        if native:
            cmd.append("--native")
        pkg_root = str(Path(cjtool.__file__).resolve().parent.parent)
        cmd += ["--", sys.executable, "-c", PYSPY_CODE, str(path), window or "none", pkg_root]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lines = raw.read_text().splitlines()
    by_line: collections.Counter[str] = collections.Counter()
    by_func: collections.Counter[str] = collections.Counter()
    total = 0
    for line in lines:
        stack, _, n = line.rpartition(" ")
        count = int(n)
        frames = stack.split(";")
        # keep the main thread only (py-spy prefixes threads with "process/thread" frames)
        cj = [f for f in frames if "cjtool/" in f]
        if not any("<module>" in f for f in frames):
            continue
        total += count
        if "_bootstrap" in stack or not cj or cj[-1].startswith("<module>"):
            by_line["(imports, start-up)"] += count
            by_func["(imports, start-up)"] += count
            continue
        by_line[_short(cj[-1])] += count
        top = next((f for f in cj if "cjtool/api.py" not in f and not f.startswith("<module>")), cj[-1])
        by_func[_short(top, line=False)] += count
    print(f"\npy-spy: {total} samples at {rate}/s on the main thread (wall clock, --idle)")
    print("  by cjtool function called from map_journey:")
    for k, n in by_func.most_common(12):
        print(f"    {100 * n / total:5.1f}%  {k}")
    print("  by innermost cjtool line (the polars call it waits on):")
    for k, n in by_line.most_common(15):
        print(f"    {100 * n / total:5.1f}%  {k}")


def _short(frame: str, line: bool = True) -> str:
    # "func (path/cjtool/x.py:123)" -> "cjtool/x.py:123 func"
    func, _, where = frame.partition(" (")
    where = where.rstrip(")")
    if "cjtool/" in where:
        where = "cjtool/" + where.split("cjtool/", 1)[1]
    if not line:
        where = where.rsplit(":", 1)[0]
    return f"{where} {func}"


# ------------------------------------------------------------------- experiments


def experiments(path: Path, window: str | None) -> None:
    model = load_model("aipl").with_overrides(window=window)
    print("\nexperiments (alternatives for the same step; results compared)")
    timed("read: pl.read_csv all text (the floor, text)", lambda: pl.read_csv(path, infer_schema=False))
    timed(
        "read: scan_csv text -> collect(streaming)",
        lambda: pl.scan_csv(path, infer_schema=False).collect(engine="streaming"),
    )
    timed(
        "read: read_csv, touchpoint/channel Categorical",
        lambda: pl.read_csv(
            path,
            schema_overrides={
                "touchpoint": pl.Categorical,
                "channel": pl.Categorical,
                "customer_id": pl.String,
                "timestamp": pl.String,
            },
        ),
    )
    raw = pl.read_csv(path, infer_schema=False)
    s = raw["timestamp"]
    ref = timed("ts: timestamps.parse_timestamps (all formats)", lambda: timestamps.parse_timestamps(s, None))

    def z_then_offset() -> pl.Series:
        z = s.str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False, time_unit="us")
        rest = z.is_null()
        idx = rest.arg_true()
        off = (
            s.gather(idx)
            .str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False, time_unit="us")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
        )
        return z.scatter(idx, off)

    def one_format() -> pl.Series:
        return (
            s.str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", strict=False, time_unit="us")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
        )

    def fixed_width() -> pl.Series:
        # parse the first 19 characters with one fixed format, then subtract the offset
        return pl.select(
            pl.lit(s).str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")
            - pl.duration(
                minutes=pl.when(pl.lit(s).str.slice(19, 1).is_in(["+", "-"]))
                .then(
                    (
                        pl.lit(s).str.slice(20, 2).cast(pl.Int64, strict=False) * 60
                        + pl.lit(s).str.slice(23, 2).cast(pl.Int64, strict=False)
                    )
                    * pl.when(pl.lit(s).str.slice(19, 1) == "-").then(-1).otherwise(1)
                )
                .otherwise(0)
            )
        ).to_series()

    def zonly() -> pl.Series:
        return s.str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False, time_unit="us")

    for name, fn in (
        ("ts: one format, Z rows only (lower bound)", zonly),
        ("ts: %SZ then %z on the ~3% left", z_then_offset),
        ("ts: one format %#z for Z and +08:00", one_format),
        ("ts: slice(0,19) fixed format - offset", fixed_width),
    ):
        try:
            out = timed(name, fn)
            same = out.cast(pl.Datetime("us")).equals(ref.cast(pl.Datetime("us")))
            print(f"      equal to parse_timestamps: {same}")
        except Exception as exc:  # noqa: BLE001
            print(f"  {name}: failed: {type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
    # full-column strip_chars copies vs stripping only the values that need it
    timed("strip: timestamp.str.strip_chars() (a copy)", lambda: s.str.strip_chars())
    timed(
        "blank: null | strip_chars() == '' on id, tp",
        lambda: raw.select(
            [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in ("customer_id", "touchpoint")]
        ),
    )
    timed(
        "blank: null | len_bytes()==0 | (edge ws & strip=='')",
        lambda: raw.select(
            [
                pl.col(c).is_null()
                | (pl.col(c).str.len_bytes() == 0)
                | (pl.col(c).str.contains(r"^\s|\s$") & (pl.col(c).str.strip_chars() == ""))
                for c in ("customer_id", "touchpoint")
            ]
        ),
        "(same result)",
    )
    timed(
        "scores: strip + cast f64 (x3)",
        lambda: raw.select(
            [pl.col(c).str.strip_chars().cast(pl.Float64, strict=False) for c in ("satisfaction", "nps", "effort")]
        ),
    )
    timed(
        "scores: cast f64, strip only the failures (x3)",
        lambda: raw.select(
            [
                pl.coalesce(
                    pl.col(c).cast(pl.Float64, strict=False),
                    pl.when(pl.col(c).str.len_bytes() > 0)
                    .then(pl.col(c))
                    .str.strip_chars()
                    .cast(pl.Float64, strict=False),
                )
                for c in ("satisfaction", "nps", "effort")
            ]
        ),
    )
    # stage assignment: join on distinct touchpoints vs replace_strict
    table = events.read_events([str(path)], model)
    f = table.frame
    ref_st = timed("stages: cjtool.engine (join on distinct keys)", lambda: with_stages(f, model))

    def by_replace() -> pl.DataFrame:
        u = f.select(pl.col("touchpoint").unique()).with_columns(engine.stage_expr(model))
        return f.with_columns(
            pl.col("touchpoint").replace_strict(u["touchpoint"], u["stage"], return_dtype=engine.STAGE).alias("stage")
        )

    try:
        out = timed("stages: replace_strict(distinct -> stage)", by_replace)
        print(f"      same stages: {out['stage'].equals(ref_st['stage'])}")
    except Exception as exc:  # noqa: BLE001
        print(f"  stages: replace_strict failed: {type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
    a = ref_st.filter(pl.col("stage").is_not_null())
    timed("filter: assigned events (copy)", lambda: ref_st.filter(pl.col("stage").is_not_null()))
    if "cust" in a.columns:
        timed(
            "aggs: n_unique(cust) per (stage, touchpoint)",
            lambda: a.group_by("stage", "touchpoint").agg(pl.len(), pl.col("cust").n_unique()),
        )
    table = f = ref_st = a = None  # free the memory before the next step
    df = pl.DataFrame(
        {"customer_id": raw["customer_id"], "timestamp": ref, "row": pl.int_range(raw.height, eager=True)}
    )
    raw = s = None  # free the memory before the next step
    timed("ids: customer_id -> Categorical codes", lambda: df["customer_id"].cast(pl.Categorical).to_physical())
    timed(
        "ids: customer_id -> unique + join codes",
        lambda: df.select("customer_id").join(
            df.select(pl.col("customer_id").unique()).with_row_index("cust"), on="customer_id", how="left"
        ),
    )
    timed("ids: customer_id.hash() (u64; collisions possible)", lambda: df["customer_id"].hash())
    codes = df.with_columns(pl.col("customer_id").cast(pl.Categorical).to_physical().alias("cust"))
    timed(
        "sort: by (customer_id string, time, row)", lambda: df.select(pl.arg_sort_by("customer_id", "timestamp", "row"))
    )
    timed("sort: by (u32 code, time, row)", lambda: codes.select(pl.arg_sort_by("cust", "timestamp", "row")))
    t = pl.col("timestamp").to_physical()
    timed(
        "sort: one Int128 key (code, time, row)",
        lambda: codes.select(
            (
                pl.col("cust").cast(pl.Int128) * 2**95
                + (t - t.min()).cast(pl.Int128) * 2**32
                + pl.col("row").cast(pl.Int128)
            ).arg_sort()
        ),
    )
    timed(
        "sort: one UInt64 key (code<<32 | time_s - min)",
        lambda: codes.select(
            (pl.col("cust").cast(pl.UInt64) * 2**32 + ((t - t.min()) // 1_000_000).cast(pl.UInt64)).arg_sort()
        ),
        "(seconds; 136 years fit; the input order breaks ties: stable sort)",
    )
    timed("group_by customer_id (string) len", lambda: df.group_by("customer_id").len())
    timed("group_by u32 code len", lambda: codes.group_by("cust").len())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", type=Path)
    ap.add_argument("--window", default="30d", help="conversion window (default 30d); none for none")
    ap.add_argument("--best-of", type=int, default=1, help="run each step N times, keep the best (noisy machines)")
    ap.add_argument("--experiments", action="store_true")
    ap.add_argument("--pyspy", action="store_true", help="also sample the end-to-end run with py-spy")
    ap.add_argument("--native", action="store_true", help="py-spy --native (Rust frames, if symbols allow)")
    ap.add_argument("--skip-phases", action="store_true")
    a = ap.parse_args(argv)
    global BEST_OF
    BEST_OF = a.best_of
    window = a.window
    if not a.skip_phases:
        phases(a.events, window)
    if a.pyspy:
        pyspy(a.events, window, native=a.native)
    if a.experiments:
        experiments(a.events, window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
