"""Channels of the paths (SPEC section 12): multichannel share, channel switches between
chain events, and the Markov removal effect (cjtool.stats.markov solves the chain)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from cjtool.analyses.runs import collapse
from cjtool.journeys import Journeys
from cjtool.stats.markov import RemovalEffect, removal_effects_of_matrix
from cjtool.timestamps import is_blank

NONE = "(none)"  # a blank channel, in switches


@dataclass(frozen=True)
class Switch:
    stage: int  # k: from chain event k-1 to chain event k
    src: str
    dst: str
    customers: int


@dataclass(frozen=True)
class Channels:
    customers: int  # customers with at least one non-blank channel
    multichannel: float | None
    single_entered: int
    single_completed: int
    multi_entered: int
    multi_completed: int
    switches: list[Switch]
    switch_rate: list[tuple[int, float | None]]
    removal_effect: list[RemovalEffect]
    conversion_probability: float | None  # P of the Markov chain


def blank_channel(col: pl.Expr) -> pl.Expr:
    """Null or white space only (SPEC section 1's blank)."""
    return col.is_null() | is_blank(col.cast(pl.String))


def compute_channels(j: Journeys, ev: pl.DataFrame) -> Channels:
    """``ev``: the assigned events in path order (``cjtool.analyses.paths.sorted_paths``)."""
    K, c = j.K, j.customers
    # blank test once per distinct channel, not per event
    distinct = ev.select(pl.col("channel").unique())
    named = distinct.filter(~blank_channel(pl.col("channel")))["channel"]
    with_channel = ev.filter(pl.col("channel").is_in(named.implode()) if named.len() else pl.lit(False))
    per = with_channel.group_by("cust").agg(pl.col("channel").n_unique().alias("n"))
    counted = c.select("cust", "depth", (pl.col("depth") == K).alias("converted")).join(
        per, on="cust", how="inner", maintain_order="left"
    )
    row = counted.select(
        (pl.col("n") >= 1).sum().alias("any"),
        (pl.col("n") >= 2).sum().alias("multi"),
        ((pl.col("n") == 1) & (pl.col("depth") >= 1)).sum().alias("se"),
        ((pl.col("n") == 1) & (pl.col("depth") == K)).sum().alias("sc"),
        ((pl.col("n") >= 2) & (pl.col("depth") >= 1)).sum().alias("me"),
        ((pl.col("n") >= 2) & (pl.col("depth") == K)).sum().alias("mc"),
    ).row(0, named=True)
    n_any = int(row["any"] or 0)
    switches, rates = _switches(j) if j.model.mode == "ordered" else ([], [])
    names, counts = markov_counts(with_channel, counted)
    probability, effects = removal_effects_of_matrix(names, counts)
    return Channels(
        customers=n_any,
        multichannel=(int(row["multi"]) / n_any) if n_any else None,
        single_entered=int(row["se"] or 0),
        single_completed=int(row["sc"] or 0),
        multi_entered=int(row["me"] or 0),
        multi_completed=int(row["mc"] or 0),
        switches=switches,
        switch_rate=rates,
        removal_effect=effects,
        conversion_probability=probability,
    )


def _switches(j: Journeys) -> tuple[list[Switch], list[tuple[int, float | None]]]:
    """Per k >= 2, (channel of chain event k-1, of chain event k) over customers with
    depth >= k (a blank one reads `(none)`); the switch rate over the pairs of two known
    channels (docs/robustness.md: a blank channel is not a switch)."""
    channel = j.events["channel"]
    switches: list[Switch] = []
    rates: list[tuple[int, float | None]] = []
    for k in range(2, j.K + 1):  # a loop over stages
        reached = j.customers.filter(pl.col("depth") >= k)
        pairs = pl.DataFrame(
            {"src": channel.gather(reached[f"c{k - 1}"]), "dst": channel.gather(reached[f"c{k}"])}
        ).select(
            [
                pl.when(blank_channel(pl.col(x))).then(pl.lit(NONE)).otherwise(pl.col(x).cast(pl.String)).alias(x)
                for x in ("src", "dst")
            ]
        )
        g = pairs.group_by("src", "dst").agg(pl.len().alias("n"))
        switches += [Switch(k, r["src"], r["dst"], r["n"]) for r in g.iter_rows(named=True)]
        # a blank side is an unknown channel, not a switch (a purchase logged without its
        # channel): the rate is over the customers whose two channels are both known
        known = pairs.filter((pl.col("src") != NONE) & (pl.col("dst") != NONE))
        differ = int((known["src"] != known["dst"]).sum()) if known.height else 0
        rates.append((k, differ / known.height if known.height else None))
    switches.sort(key=lambda s: (s.stage, -s.customers, s.src, s.dst))
    return switches, rates


def markov_counts(with_channel: pl.DataFrame, counted: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    """Transition counts of the collapsed channel paths: ``names`` are the channels (code
    point order); the matrix has rows/columns ``(start)``, channels..., then two absorbing
    columns ``(converted)`` and ``(null)``. ``counted``: customers with a channel (cust,
    depth, converted), in customer-code order like ``with_channel``."""
    runs = collapse(with_channel.with_columns(pl.col("channel").cast(pl.String)), ["channel"])
    names = sorted(runs["channel"].unique().to_list())
    m = len(names)
    index = pl.DataFrame(
        {"channel": pl.Series(names, dtype=pl.String), "i": pl.Series(range(1, m + 1), dtype=pl.Int64)}
    )
    coded = runs.join(index, on="channel", how="left", maintain_order="left")
    first = (pl.col("cust") != pl.col("cust").shift(1)).fill_null(True)
    last = (pl.col("cust") != pl.col("cust").shift(-1)).fill_null(True)
    src = pl.when(first).then(0).otherwise(pl.col("i").shift(1))
    inner = coded.select(src.alias("a"), pl.col("i").alias("b"))
    ends = coded.filter(last).select(
        pl.col("i").alias("a"),
        pl.when(counted["converted"]).then(m + 1).otherwise(m + 2).alias("b"),
    )
    g = pl.concat([inner.cast(pl.Int64), ends.cast(pl.Int64)]).group_by("a", "b").agg(pl.len().alias("n"))
    counts = np.zeros((m + 1, m + 3), dtype=np.float64)
    a, b, n = (g[x].to_numpy() for x in ("a", "b", "n"))
    counts[a, b] = n
    return names, counts
