"""Stage and touchpoint metrics (SPEC sections 4-6) as polars aggregations.

``compute_map`` takes the canonical events (``cjtool.events``) and returns a JourneyMap.
The big frames are aggregated in polars; only the per-stage / per-touchpoint results
(small) become Python objects.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import polars as pl

from cjtool.engine import customer_journeys, stage_column
from cjtool.events import EventTable
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap, Scores, StageMetrics, TouchpointMetrics

SCORE_SCALE = 1_000_000  # scores are summed exactly as whole millionths (6 decimals)


def score_sums() -> list[pl.Expr]:
    """The additive parts of SPEC section 6 over a group of events: exact integer sums
    (scores in millionths) and counts. Sums of pairs give a stage's, with no second pass
    over the events; and integer sums are the same whatever order polars' threads add
    in (a float sum is not: 2.725 one run, 2.7249999999999996 the next)."""

    def units(col: str) -> pl.Expr:
        return (pl.col(col) * SCORE_SCALE).round(0).cast(pl.Int64).sum()

    nps = pl.col("nps")
    return [
        pl.len().alias("events"),
        units("satisfaction").alias("sat_units"),
        pl.col("satisfaction").count().cast(pl.Int64).alias("responses"),
        units("effort").alias("eff_units"),
        pl.col("effort").count().cast(pl.Int64).alias("eff_n"),
        (nps >= 9).sum().cast(pl.Int64).alias("promoters"),
        (nps <= 6).sum().cast(pl.Int64).alias("detractors"),
        nps.count().cast(pl.Int64).alias("nps_n"),
    ]


SUM_COLUMNS = ["events", "sat_units", "responses", "eff_units", "eff_n", "promoters", "detractors", "nps_n"]


def scores_from_sums() -> list[pl.Expr]:
    """SPEC section 6 from ``score_sums``: means as correctly rounded quotients of exact
    integers (for scores of up to six decimals)."""

    def mean(total: str, n: str) -> pl.Expr:
        return pl.when(pl.col(n) > 0).then(pl.col(total).cast(pl.Float64) / (pl.col(n).cast(pl.Float64) * SCORE_SCALE))

    return [
        mean("sat_units", "responses").alias("satisfaction"),
        mean("eff_units", "eff_n").alias("effort"),
        pl.when(pl.col("nps_n") > 0)
        .then(100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("nps_n"))
        .alias("nps"),
    ]


def priority_expr(model: JourneyModel) -> pl.Expr:
    """SPEC section 5: weighted drop-off and dissatisfaction; drop-off alone without scores."""
    lo, hi = model.satisfaction_scale.min, model.satisfaction_scale.max
    wd, ws = model.weight_drop_off, model.weight_dissatisfaction
    dissatisfaction = 1 - (pl.col("satisfaction") - lo) / (hi - lo)
    weighted = (wd * pl.col("drop_off_rate") + ws * dissatisfaction) / (wd + ws)
    return pl.when(pl.col("satisfaction").is_null()).then(pl.col("drop_off_rate")).otherwise(weighted).alias("priority")


def _exact(x: float) -> Fraction:
    """The decimal a float was read from (its shortest repr): 0.1 -> 1/10, not 0.1000...0055."""
    return Fraction(repr(float(x)))


def exact_priority(tp: TouchpointMetrics, satisfaction_units: int | None, model: JourneyModel) -> Fraction:
    """The priority as an exact rational, for ranking only. Two mathematically equal
    priorities can differ in the last bit as floats (1 + 2 * 0.4 vs 2 * 0.9, or a score
    of 3.4); ranking on the exact value lets the SPEC's tie order (exits, customers, ...)
    decide them. Scores are summed as integer millionths, exact for scores with up to six
    decimals (surveys give whole or half points)."""
    rate = Fraction(tp.exits, tp.customers)
    if not tp.scores.responses or satisfaction_units is None:
        return rate
    lo, hi = _exact(model.satisfaction_scale.min), _exact(model.satisfaction_scale.max)
    wd, ws = _exact(model.weight_drop_off), _exact(model.weight_dissatisfaction)
    mean = Fraction(satisfaction_units, SCORE_SCALE * tp.scores.responses)
    dissatisfaction = 1 - (mean - lo) / (hi - lo)
    return (wd * rate + ws * dissatisfaction) / (wd + ws)


def rank_touchpoints(
    tps: list[TouchpointMetrics], satisfaction_units: dict[tuple[int, str], int | None], model: JourneyModel
) -> list[TouchpointMetrics]:
    """SPEC section 5: ranked pairs by priority desc, exits desc, customers desc, stage
    index asc, touchpoint asc (code point); pairs under ``min_customers`` unranked, last."""

    def key(tp: TouchpointMetrics) -> tuple[Any, ...]:
        exact = exact_priority(tp, satisfaction_units.get((tp.stage_index, tp.touchpoint)), model)
        return (tp.customers < model.min_customers, -exact, -tp.exits, -tp.customers, tp.stage_index, tp.touchpoint)

    ordered = sorted(tps, key=key)
    n_ranked = sum(tp.customers >= model.min_customers for tp in ordered)
    return [replace(tp, rank=i + 1 if i < n_ranked else None) for i, tp in enumerate(ordered)]


def _scores(row: dict[str, Any]) -> Scores:
    return Scores(row["satisfaction"], int(row["responses"] or 0), row["nps"], row["effort"])


def compute_map(table: EventTable, model: JourneyModel) -> JourneyMap:
    K = len(model.stages)
    frame = table.frame.with_columns(stage_column(table.frame, model))  # the other columns are shared, not copied
    unassigned_lf = (
        frame.lazy()
        .filter(pl.col("stage").is_null())
        .group_by("touchpoint")
        .len("events")
        .with_columns(pl.col("touchpoint").cast(pl.String))  # names sort by code point, not by code
        .sort(["events", "touchpoint"], descending=[True, False])
    )
    un_df = unassigned_lf.collect()
    # The aggregations read the events lazily; only the columns the chains need are
    # materialised for the assigned events (the whole table is never copied).
    is_assigned = frame["stage"].is_not_null()
    journeys = customer_journeys(frame.select("cust", "timestamp", "stage").filter(is_assigned), model)
    customers = journeys.with_columns(
        frame["touchpoint"].filter(is_assigned).gather(journeys["last"]).alias("last_touchpoint")
    ).lazy()
    ev = frame.lazy().filter(pl.col("stage").is_not_null())

    depth_counts = customers.group_by("depth").len()
    medians = customers.select(
        [
            ((pl.col(f"r{k}") - pl.col(f"r{k - 1}")).dt.total_microseconds() / 1_000_000).median().alias(f"m{k}")
            for k in range(2, K + 1)
        ]
    )
    exits = (
        customers.filter(pl.col("depth") < K)
        .group_by("last_stage", "last_touchpoint")
        .len("exits")
        .rename({"last_stage": "stage", "last_touchpoint": "touchpoint"})
    )
    pair_sums = ev.group_by("stage", "touchpoint").agg(
        *score_sums(), pl.col("cust").to_physical().n_unique().alias("customers")
    )
    stage_aggs = pair_sums.group_by("stage").agg(pl.col(SUM_COLUMNS).sum()).with_columns(scores_from_sums())
    tp = (
        pair_sums.with_columns(scores_from_sums())
        .join(exits, on=["stage", "touchpoint"], how="left")
        .with_columns(pl.col("exits").fill_null(0), pl.col("touchpoint").cast(pl.String))
        .with_columns((pl.col("exits") / pl.col("customers")).alias("drop_off_rate"))
        .with_columns(priority_expr(model))
    )
    period = table.frame.lazy().select(
        pl.col("timestamp").min().alias("first"), pl.col("timestamp").max().alias("last")
    )
    counts = customers.select(
        pl.len().alias("total"),
        (pl.col("depth") >= 1).sum().alias("entered"),
        (pl.col("depth") == K).sum().alias("completed"),
    )
    depth_df, med_df, stage_df, tp_df, period_df, counts_df = pl.collect_all(
        [depth_counts, medians, stage_aggs, tp, period, counts]
    )

    by_depth = dict(zip(depth_df["depth"].to_list(), depth_df["len"].to_list(), strict=True))
    reached = [sum(n for d, n in by_depth.items() if d >= k) for k in range(1, K + 1)]
    med = med_df.row(0, named=True) if med_df.height else {}
    stage_rows = {r["stage"]: r for r in stage_df.iter_rows(named=True)}
    stages = []
    for k, st in enumerate(model.stages, start=1):
        c = reached[k - 1]
        prev = reached[k - 2] if k > 1 else 0
        row = stage_rows.get(k, {"satisfaction": None, "responses": 0, "nps": None, "effort": None, "events": 0})
        stages.append(
            StageMetrics(
                index=k,
                id=st.id,
                customers=c,
                conversion_from_previous=(c / prev) if k > 1 and prev else None,
                conversion_from_first=(c / reached[0]) if reached[0] else None,
                drop_off=(c - reached[k]) if k < K else None,
                median_time_to_convert_s=(med.get(f"m{k}") if model.mode == "ordered" and k > 1 else None),
                scores=_scores(row),
                events=int(row["events"]),
            )
        )
    ids = [s.id for s in model.stages]
    touchpoints = [
        TouchpointMetrics(
            stage=ids[r["stage"] - 1],
            stage_index=int(r["stage"]),
            touchpoint=r["touchpoint"],
            events=int(r["events"]),
            customers=int(r["customers"]),
            exits=int(r["exits"]),
            drop_off_rate=float(r["drop_off_rate"]),
            scores=_scores(r),
            priority=float(r["priority"]),
            rank=None,
        )
        for r in tp_df.iter_rows(named=True)
    ]
    sums = {(r["stage"], r["touchpoint"]): r["sat_units"] for r in tp_df.iter_rows(named=True)}
    touchpoints = rank_touchpoints(touchpoints, sums, model)
    cnt = counts_df.row(0, named=True)
    first, last = period_df.row(0)
    n_unassigned = int(un_df["events"].sum()) if un_df.height else 0
    return JourneyMap(
        model=model,
        rows_read=table.rows_read,
        rejected=dict(table.rejected),
        rows_blank=table.blank,
        rows_duplicates=table.duplicates,
        events_assigned=table.frame.height - n_unassigned,
        events_unassigned=n_unassigned,
        customers_total=int(cnt["total"]),
        customers_entered=int(cnt["entered"] or 0),
        customers_completed=int(cnt["completed"] or 0),
        stages=stages,
        touchpoints=touchpoints,
        unassigned=[(r[0], int(r[1])) for r in un_df.iter_rows()],
        period=None if first is None else (first, last),
        warnings=list(table.warnings)
        + (
            ["no event matches any stage of the model: check its touchpoints and match rules (cjtool validate)"]
            if table.frame.height and table.frame.height == n_unassigned
            else []
        ),
    )
