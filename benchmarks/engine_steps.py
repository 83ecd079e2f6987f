#!/usr/bin/env python3
"""The map's steps one by one, warm, in one process: wall and CPU seconds (all threads).

    python benchmarks/engine_steps.py benchmarks/data/events_10m.csv [--model aipl] [--window 30d]

read_events, stage assignment (and its occurrence numbers), the sort and the chains of
``engine.customer_journeys``, the whole journeys step, ``metrics.aggregate`` and
``metrics.finish``. Sub-steps are timed again on their own, so they do not add up to the
total exactly. For A/B of internals; fresh-process figures come from run.py.
``CJTOOL_KERNEL=1`` / ``=0`` before the command: the compiled kernel (hash-coded ids,
``customer journeys``) or the polars paths, whatever the size (the first run with the
kernel compiles it, or loads it from the cache: run twice).
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import Any

from cjtool import api, engine, metrics
from cjtool import events as ev
from cjtool.journeys import build_journeys


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(name: str, fn: Callable[[], Any]) -> Any:
    wall, c = time.perf_counter(), cpu()
    out = fn()
    print(f"{name:24s} wall {time.perf_counter() - wall:6.2f} s   CPU {cpu() - c:6.2f} s", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--model", default="aipl")
    ap.add_argument("--window", default="30d")
    args = ap.parse_args()
    model = api.load_model(args.model).with_overrides(window=args.window)
    start = time.perf_counter()
    table = timed("read_events", lambda: ev.read_events([args.file], model))
    frame = table.frame
    stage = timed("  stage assignment", lambda: engine.stage_column(frame, model))
    if engine.uses_occurrences(model):
        timed("    occurrence numbers", lambda: engine.occurrence_column(frame, model))
    assigned = frame.with_columns(stage).select("cust", "timestamp", "stage").filter(stage.is_not_null())
    timed("  sort", lambda: engine.sorted_events(assigned))
    timed("  customer journeys", lambda: engine.customer_journeys(assigned, model))
    j = timed("journeys step", lambda: build_journeys(table, model))
    partial = timed("aggregate", lambda: metrics.aggregate(j))
    timed("finish", lambda: metrics.finish(partial))
    print(f"{'total':24s} wall {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
