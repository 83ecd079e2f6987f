"""Channels of the paths (SPEC section 12): multichannel share, channel switches between
chain events, and the Markov removal effect (an exact absorbing-chain solution)."""

from __future__ import annotations

import numpy as np
import polars as pl

from cjtool.analyses.paths import Channels, Removal, Switch, collapse
from cjtool.journeys import Journeys
from cjtool.timestamps import is_blank

NONE = "(none)"  # a blank channel, in switches


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
    probability, effects = removal_effects(names, counts)
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
    """Per k >= 2, (channel of chain event k-1, of chain event k) over customers with depth >= k."""
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
        differ = int((pairs["src"] != pairs["dst"]).sum()) if pairs.height else 0
        rates.append((k, differ / pairs.height if pairs.height else None))
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


# TODO(lead): merge with cjtool.stats removal effect
def absorption_probability(counts: np.ndarray, removed: int | None = None) -> float:
    """P(reach ``(converted)`` from ``(start)``) of the first-order chain with transition
    ``counts`` (rows: transient states, start = 0; columns: the same states, then
    ``(converted)``, then ``(null)``). ``removed``: a transient state whose incoming
    transitions go to ``(null)`` instead. Solved exactly: x = Q x + r on the states that
    can reach ``(converted)``; every other state (a loop that never absorbs, a removed
    channel, a state never left) converts with probability 0, which keeps I - Q regular."""
    t = counts.shape[0]
    totals = counts.sum(axis=1)
    probs = np.divide(counts, totals[:, None], out=np.zeros_like(counts), where=totals[:, None] > 0)
    Q, r = probs[:, :t].copy(), probs[:, t].copy()
    if removed is not None:
        Q[:, removed] = 0.0
        Q[removed, :] = 0.0
        r[removed] = 0.0
    alive = r > 0  # states that reach (converted): a fixed point over the (few) states
    while True:
        grown = alive | ((Q[:, alive] > 0).any(axis=1) if alive.any() else alive)
        if (grown == alive).all():
            break
        alive = grown
    if not alive[0]:
        return 0.0
    idx = np.flatnonzero(alive)
    A = np.eye(len(idx)) - Q[np.ix_(idx, idx)]
    x = np.linalg.solve(A, r[idx])
    return float(x[0])


def removal_effects(names: list[str], counts: np.ndarray) -> tuple[float | None, list[Removal]]:
    """P and, per channel, RE_c = 1 - P_without_c / P and share_c = RE_c / sum RE (SPEC
    12, 16: null with no conversion; shares null when the signed sum is 0)."""
    if not names:
        return None, []
    p = absorption_probability(counts)
    if p <= 0:
        return 0.0, sorted((Removal(c, None, None) for c in names), key=lambda r: r.channel)
    effects = [1.0 - absorption_probability(counts, removed=i + 1) / p for i in range(len(names))]
    total = sum(effects)
    out = [Removal(c, e, (e / total) if total != 0 else None) for c, e in zip(names, effects, strict=True)]
    # effects equal in exact arithmetic may differ in the last bits of a float solve: order
    # on 12 decimals so such ties fall to the channel name, as SPEC 16 orders them
    out.sort(key=lambda r: (-round(r.effect or 0.0, 12), r.channel))
    return p, out
