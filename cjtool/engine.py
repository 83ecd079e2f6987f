"""The polars engine: stage assignment (SPEC section 2) and customer depth (section 3).

Everything here is polars expressions over whole columns; no Python loop touches rows.
Loops below run over *stages* (a handful), never over events or customers.
"""

from __future__ import annotations

import polars as pl

from cjtool.model import JourneyModel, Stage

STAGE = pl.UInt16


def stage_condition(stage: Stage, *, channel_blind: bool = False) -> pl.Expr:
    """Whether an event matches ``stage`` (SPEC section 2): listed touchpoint or regex
    search, and, when the stage lists channels, a channel among them."""
    cond = pl.lit(False)
    if stage.touchpoints:
        cond = pl.col("touchpoint").is_in(list(stage.touchpoints))
    if stage.match:
        cond = cond | pl.col("touchpoint").str.contains(stage.match)
    if stage.channels is not None and not channel_blind:
        cond = cond & pl.col("channel").is_in(list(stage.channels)).fill_null(False)
    return cond.fill_null(False)


def stage_expr(model: JourneyModel) -> pl.Expr:
    """1-based index of the first stage matching (touchpoint, channel); null if none."""
    expr = None
    for k, st in enumerate(model.stages, start=1):
        cond = stage_condition(st)
        expr = pl.when(cond).then(pl.lit(k, STAGE)) if expr is None else expr.when(cond).then(pl.lit(k, STAGE))
    if expr is None:
        return pl.lit(None, STAGE).alias("stage")
    return expr.otherwise(pl.lit(None, STAGE)).alias("stage")


def assign_stages(events: pl.LazyFrame, model: JourneyModel) -> pl.LazyFrame:
    """Add ``stage`` to every event.

    The rules are evaluated once per distinct (touchpoint, channel) pair, not once per
    event: exports have millions of events but a few hundred touchpoints, and regex
    search is the expensive part."""
    keys = ["touchpoint", "channel"] if any(s.channels is not None for s in model.stages) else ["touchpoint"]
    pairs = events.select(keys).unique().with_columns(stage_expr(model))
    return events.join(pairs, on=keys, how="left", nulls_equal=True)


def customer_depths(assigned: pl.LazyFrame, model: JourneyModel) -> pl.LazyFrame:
    """One row per customer: ``customer_id``, ``depth``, chain times ``r1..rK`` and the
    stage and touchpoint of the customer's last assigned event."""
    last = (
        assigned.group_by("customer_id")
        .agg(
            pl.col("stage").sort_by(["timestamp", "row"]).last().alias("last_stage"),
            pl.col("touchpoint").sort_by(["timestamp", "row"]).last().alias("last_touchpoint"),
            pl.col("stage").max().alias("max_stage"),
        )
    )
    K = len(model.stages)
    r = [f"r{k}" for k in range(1, K + 1)]
    if model.mode == "furthest":
        return last.with_columns(
            pl.col("max_stage").cast(pl.Int32).alias("depth"),
            *[pl.lit(None, pl.Datetime("us")).alias(c) for c in r],
        ).drop("max_stage")
    chains = _ordered_chains(assigned, model)
    return (
        last.drop("max_stage")
        .join(chains, on="customer_id", how="left")
        .with_columns(pl.col("depth").fill_null(0).cast(pl.Int32))
    )


def _ordered_chains(assigned: pl.LazyFrame, model: JourneyModel) -> pl.LazyFrame:
    """SPEC section 3, ordered mode, with as-of joins.

    From a start ``s``, the greedy chain takes for each stage the earliest event at or
    after the previous step: a forward as-of join per stage. Without a window the
    earliest start reaches furthest (chain times only grow with ``s``), so one start per
    customer suffices; with a window every distinct start is tried and the best kept."""
    K = len(model.stages)
    ev = assigned.select("customer_id", "timestamp", "stage")
    first = ev.filter(pl.col("stage") == 1)
    if model.window_s is None:
        starts = first.group_by("customer_id").agg(pl.col("timestamp").min().alias("r1"))
    else:
        starts = first.select("customer_id", pl.col("timestamp").alias("r1")).unique()
    chain = starts
    window = pl.duration(microseconds=int(round(model.window_s * 1_000_000))) if model.window_s is not None else None
    for k in range(2, K + 1):
        prev, cur = f"r{k - 1}", f"r{k}"
        stage_k = (
            ev.filter(pl.col("stage") == k)
            .select("customer_id", pl.col("timestamp").alias(cur))
            .unique()
            .sort(cur)
        )
        reached = chain.filter(pl.col(prev).is_not_null()).sort(prev)
        stopped = chain.filter(pl.col(prev).is_null()).with_columns(pl.lit(None, pl.Datetime("us")).alias(cur))
        joined = reached.join_asof(
            stage_k, left_on=prev, right_on=cur, by="customer_id", strategy="forward",
            coalesce=False, check_sortedness=False,
        )
        if window is not None:
            joined = joined.with_columns(
                pl.when(pl.col(cur) - pl.col("r1") <= window).then(pl.col(cur)).alias(cur)
            )
        chain = pl.concat([joined, stopped], how="vertical")
    reached_cols = [pl.col(f"r{k}").is_not_null().cast(pl.Int32) for k in range(1, K + 1)]
    chain = chain.with_columns(pl.sum_horizontal(reached_cols).alias("depth"))
    # The deepest chain; among equals the earliest start (its times are reported).
    return (
        chain.sort(["customer_id", "depth", "r1"], descending=[False, True, False])
        .group_by("customer_id", maintain_order=True)
        .first()
    )
