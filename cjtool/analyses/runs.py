"""Runs of a path (SPEC section 11): a customer's consecutive events with equal keys
collapsed into one, with the times of its first and last event. Paths and channels both
walk runs.
"""

from __future__ import annotations

import polars as pl


def collapse(ev: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Consecutive events of a customer with equal ``keys`` collapsed into one run:
    ``cust``, the keys, ``t_first`` and ``t_last`` (times of the run's first and last event)."""
    cols = ["cust", *keys]
    new = pl.any_horizontal([pl.col(c).ne_missing(pl.col(c).shift(1)) for c in cols])
    starts = ev.select(new.fill_null(True).alias("s"))["s"].arg_true()
    ends = starts.shift(-1, fill_value=ev.height) - 1
    ts = ev["timestamp"]
    return ev.select(pl.col(cols).gather(starts)).with_columns(
        ts.gather(starts).alias("t_first"), ts.gather(ends).alias("t_last")
    )
