"""The customer table (SPEC section 8) and customer status (section 14).

One row per customer of the run, from the journeys step: how far they got, when they
reached each stage, where they were last seen, where they count as an exit, and whether
they completed, are still on their way, dropped, or never entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from cjtool.journeys import Journeys

STATUSES = ("completed", "in_progress", "dropped", "not_entered")


def status_expr(j: Journeys) -> pl.Expr:
    """SPEC 14: completed (depth = K); in progress when the window was still open when the
    data ended (r_1 + W > t_end; ordered mode with a window only); else dropped, or not
    entered (depth 0). Over ``j.customers``' columns."""
    K, model = j.K, j.model
    depth = pl.col("depth")
    in_progress = pl.lit(False)
    t_end = j.t_end
    if model.window_s is not None and model.mode == "ordered" and t_end is not None:
        window = timedelta(microseconds=round(model.window_s * 1_000_000))
        in_progress = (depth >= 1) & (depth < K) & (pl.col("r1") + window > pl.lit(t_end))
    return (
        pl.when(depth == K)
        .then(pl.lit("completed"))
        .when(in_progress)
        .then(pl.lit("in_progress"))
        .when(depth >= 1)
        .then(pl.lit("dropped"))
        .otherwise(pl.lit("not_entered"))
        .cast(pl.Enum(STATUSES))
        .alias("status")
    )


def customer_table(j: Journeys, attributes: Sequence[tuple[str, pl.Series]] = ()) -> pl.DataFrame:
    """SPEC section 8's columns, in order, ordered by customer_id (code point); then one
    column per segment attribute (``(name, values aligned with j.customers)``). Times are
    UTC datetimes; the writers format them."""
    model, c, ev = j.model, j.customers, j.events
    ids = [st.id for st in model.stages]
    stage_ids = pl.Series(ids, dtype=pl.String)
    K = len(ids)

    def stage_id(index: pl.Series) -> pl.Series:
        """Stage id of a 1-based index (null for 0 / null)."""
        return stage_ids.gather((index.cast(pl.Int64) - 1).clip(lower_bound=0)).set(
            index.is_null() | (index.cast(pl.Int64) < 1),
            None,  # type: ignore[arg-type]
        )

    def event(position: str, column: str) -> pl.Series:
        return ev[column].gather(c[position])

    table = pl.DataFrame(
        {
            "customer_id": event("first", "cust").cast(pl.String),
            "depth": c["depth"].cast(pl.Int32),
            "stage": stage_id(c["depth"]),
            "completed": c["depth"] == K,
            **{f"reached_{sid}": c[f"r{k}"] for k, sid in enumerate(ids, start=1)},
            "first_seen": event("first", "timestamp"),
            "last_seen": event("last", "timestamp"),
            "events": c["events"].cast(pl.Int64),
            "last_stage": stage_id(event("last", "stage")),
            "last_touchpoint": event("last", "touchpoint").cast(pl.String),
            "exit_touchpoint": event("exit", "touchpoint").cast(pl.String),
            "status": c.select(status_expr(j))["status"],
            **{name: values for name, values in attributes},
        }
    )
    return table.sort("customer_id")
