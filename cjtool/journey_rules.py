"""The rules of a customer's journey (SPEC section 14), beside the journeys step they
describe: completed, in progress (the conversion window still open when the data ended),
dropped or never entered, and churned. The journey map (`metrics`), the segments and the
customer table all read them here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from cjtool.journeys import Journeys
from cjtool.model import JourneyModel

STATUSES = ("completed", "in_progress", "dropped", "not_entered")


def window_open(r1: pl.Expr, model: JourneyModel, t_end: datetime | None) -> pl.Expr:
    """SPEC 14's in-progress test of a journey started at ``r1``: its conversion window was
    still open when the data ended (r_1 + W > t_end); false but in ordered mode with a
    window. Per customer here, and over the merged partial counts in `metrics.finish`."""
    if model.window_s is None or model.mode != "ordered" or t_end is None:
        return pl.lit(False)
    window = timedelta(microseconds=round(model.window_s * 1_000_000))
    return r1 + window > pl.lit(t_end)


def churn_cutoff(model: JourneyModel, t_end: datetime | None) -> datetime | None:
    """SPEC 14: a customer last seen before this time has churned (t_end - last_seen >
    churn_after, in whole microseconds); None without `churn_after` or events."""
    if model.churn_after_s is None or t_end is None:
        return None
    return t_end - timedelta(microseconds=round(model.churn_after_s * 1_000_000))


def status_expr(j: Journeys) -> pl.Expr:
    """SPEC 14: completed (depth = K); in progress when the window was still open when the
    data ended (``window_open``); else dropped, or not entered (depth 0). Over
    ``j.customers``' columns."""
    K, depth = j.K, pl.col("depth")
    in_progress = (depth >= 1) & (depth < K) & window_open(pl.col("r1"), j.model, j.t_end)
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


def churned_expr(j: Journeys) -> pl.Expr:
    """SPEC 14 over ``j.customers``: last seen before ``churn_cutoff``; null without it."""
    cutoff = churn_cutoff(j.model, j.t_end)
    if cutoff is None:
        return pl.repeat(None, pl.len(), dtype=pl.Boolean)  # a column of the table's height, also 0
    return pl.lit(j.events["timestamp"]).gather(pl.col("last")) < pl.lit(cutoff)
