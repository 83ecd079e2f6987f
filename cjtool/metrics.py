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

from cjtool.analyses.customers import status_expr
from cjtool.events import EventTable
from cjtool.journeys import Journeys, build_journeys
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap, Scores, ScoreSums, StageMetrics, TouchpointMetrics

SCORE_SCALE = 1_000_000  # scores are summed exactly as whole millionths (6 decimals)


def score_sums() -> list[pl.Expr]:
    """The additive parts of SPEC section 6 over a group of events: exact integer sums
    (scores in millionths) and counts. Sums of pairs give a stage's, with no second pass
    over the events; and integer sums are the same whatever order polars' threads add
    in (a float sum is not: 2.725 one run, 2.7249999999999996 the next)."""

    def units(col: str) -> pl.Expr:
        return (pl.col(col) * SCORE_SCALE).round(0).cast(pl.Int64)

    def squares(col: str) -> pl.Expr:  # in millionths squared: Int128 (5e6² x 1e9 events overflows Int64)
        return (units(col).cast(pl.Int128) * units(col).cast(pl.Int128)).sum()

    nps = pl.col("nps")
    return [
        pl.len().alias("events"),
        units("satisfaction").sum().alias("sat_units"),
        squares("satisfaction").alias("sat_sq"),
        pl.col("satisfaction").count().cast(pl.Int64).alias("responses"),
        units("effort").sum().alias("eff_units"),
        squares("effort").alias("eff_sq"),
        pl.col("effort").count().cast(pl.Int64).alias("eff_n"),
        (nps >= 9).sum().cast(pl.Int64).alias("promoters"),
        (nps <= 6).sum().cast(pl.Int64).alias("detractors"),
        nps.count().cast(pl.Int64).alias("nps_n"),
    ]


SUM_COLUMNS = [
    "events",
    "sat_units",
    "sat_sq",
    "responses",
    "eff_units",
    "eff_sq",
    "eff_n",
    "promoters",
    "detractors",
    "nps_n",
]


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
    sums = ScoreSums(*(int(row.get(c) or 0) for c in SUM_COLUMNS[1:]))
    return Scores(row["satisfaction"], int(row["responses"] or 0), row["nps"], row["effort"], sums)


def compute_map(table: EventTable | Journeys, model: JourneyModel) -> JourneyMap:
    """SPEC sections 4-7 from the journeys (built here when given the event table)."""
    j = table if isinstance(table, Journeys) else build_journeys(table, model)
    return compute_maps(j)[0]


def compute_maps(j: Journeys, segment: pl.Series | None = None, n_segments: int = 1) -> list[JourneyMap]:
    """The map of every segment in one pass (SPEC section 9): ``segment`` gives each
    customer of ``j`` (a row of ``j.customers``) a code 0..n_segments-1; the map of code
    s is exactly the map of the events of those customers alone. Without ``segment``,
    the run's map (everyone is segment 0, and so are events of no customer of the run).

    Every aggregation groups by the segment code, so a breakdown costs one pass over the
    events whatever the number of segments."""
    model, frame = j.model, j.events
    K = len(model.stages)
    if segment is None:
        seg_of_event: pl.Expr | pl.Series = pl.lit(0, pl.UInt32)
        customers = j.customers.with_columns(pl.lit(0, pl.UInt32).alias("seg"))
    else:
        customers = j.customers.with_columns(segment.cast(pl.UInt32).alias("seg"))
        size = int(frame["cust"].to_physical().max() or 0) + 1 if frame.height else 0
        lookup = pl.Series("seg", [None] * size, dtype=pl.UInt32).scatter(
            customers["cust"].cast(pl.Int64), customers["seg"]
        )
        seg_of_event = lookup.gather(frame["cust"].to_physical())  # null: no customer of the run
    ev_all = frame.lazy().with_columns(seg_of_event.alias("seg")).filter(pl.col("seg").is_not_null())
    unassigned = (
        ev_all.filter(pl.col("stage").is_null())
        .group_by("seg", "touchpoint")
        .len("events")
        .with_columns(pl.col("touchpoint").cast(pl.String))  # names sort by code point, not by code
        .sort(["seg", "events", "touchpoint"], descending=[False, True, False])
    )
    rows_valid = ev_all.group_by("seg").agg(
        pl.len().alias("valid"),
        pl.col("timestamp").min().alias("first"),
        pl.col("timestamp").max().alias("last"),
        pl.col("stage").null_count().alias("unassigned"),
    )
    has_revenue = REVENUE in frame.columns
    cl = customers.lazy().with_columns(status_expr(j), churned_expr(j).alias("churned"))
    if has_revenue:  # each customer's revenue (SPEC 14), for revenue per customer by depth
        cl = cl.join(customer_revenue(j), on="cust", how="left").with_columns(pl.col("rev_units").fill_null(0))
    depth_counts = cl.group_by("seg", "depth").agg(
        pl.len().alias("len"),
        (pl.col("status") == "in_progress").sum().alias("in_progress"),
        pl.col("churned").sum().alias("churned"),
        *([pl.col("rev_units").sum().alias("rev_units")] if has_revenue else []),
    )
    medians = cl.group_by("seg").agg(
        [
            # whole microseconds, one division: the median is the correctly rounded (a + b) / 2 / 1e6
            ((pl.col(f"r{k}") - pl.col(f"r{k - 1}")).dt.total_microseconds().median() / 1_000_000).alias(f"m{k}")
            for k in range(2, K + 1)
        ]
    )
    counts = cl.group_by("seg").agg(
        pl.len().alias("total"),
        (pl.col("depth") >= 1).sum().alias("entered"),
        (pl.col("depth") == K).sum().alias("completed"),
    )
    with_exit = customers.filter(pl.col("exit").is_not_null())
    exits = (
        pl.DataFrame(
            [with_exit["seg"], frame["stage"].gather(with_exit["exit"]), frame["touchpoint"].gather(with_exit["exit"])]
        )
        .lazy()
        .group_by("seg", "stage", "touchpoint")
        .len("exits")
    )
    pair_sums = (
        ev_all.filter(pl.col("stage").is_not_null())
        .group_by("seg", "stage", "touchpoint")
        .agg(
            *score_sums(),
            pl.col("cust").to_physical().n_unique().alias("customers"),
            *([revenue_units().sum().alias("rev_units")] if has_revenue else []),
        )
    )
    summed = SUM_COLUMNS + (["rev_units"] if has_revenue else [])
    stage_aggs = pair_sums.group_by("seg", "stage").agg(pl.col(summed).sum()).with_columns(scores_from_sums())
    tp = (
        pair_sums.with_columns(scores_from_sums())
        .join(exits, on=["seg", "stage", "touchpoint"], how="left")
        .with_columns(pl.col("exits").fill_null(0), pl.col("touchpoint").cast(pl.String))
        .with_columns((pl.col("exits") / pl.col("customers")).alias("drop_off_rate"))
        .with_columns(priority_expr(model))
    )
    frames = pl.collect_all([depth_counts, medians, stage_aggs, tp, rows_valid, counts, unassigned])
    parts = [_split(f, n_segments) for f in frames]
    return [
        # TODO: a segment's `rows` should count its customers' rejected rows too (SPEC 16)
        _journey_map(j, *(p[s] for p in parts), run=segment is None)
        for s in range(n_segments)
    ]


REVENUE = "revenue"  # the revenue role's column in the events (Float64, null when missing)


def revenue_units() -> pl.Expr:
    """Revenue in exact integer millionths (read to 6 decimals, SPEC 16): sums that do not
    depend on the order polars' threads add in; Int128 so 1e9 events of 1e9 cannot overflow."""
    return (pl.col(REVENUE) * SCORE_SCALE).round(0).cast(pl.Int128)


def from_units(units: Any) -> float:
    return int(units or 0) / SCORE_SCALE


def customer_revenue(j: Journeys) -> pl.LazyFrame:
    """``cust`` and ``rev_units``: each customer's revenue over their assigned events."""
    return (
        j.events.lazy()
        .filter(pl.col("stage").is_not_null())
        .group_by(pl.col("cust").to_physical().alias("cust"))  # the code, as in j.customers
        .agg(revenue_units().sum().alias("rev_units"))
    )


def churned_expr(j: Journeys) -> pl.Expr:
    """SPEC 14 over ``j.customers``: t_end - last_seen > churn_after; null without it."""
    after, t_end = j.model.churn_after_s, j.t_end
    if after is None or t_end is None:
        return pl.lit(None, pl.Boolean)
    last_seen = pl.lit(j.events["timestamp"]).gather(pl.col("last"))
    return (pl.lit(t_end) - last_seen).dt.total_microseconds() > round(after * 1_000_000)


def _split(frame: pl.DataFrame, n: int) -> list[pl.DataFrame]:
    """``frame``'s rows of each segment code 0..n-1 (empty frames for missing codes)."""
    groups = {key[0]: g for key, g in frame.partition_by("seg", as_dict=True, maintain_order=True).items()}
    return [groups.get(s, frame.clear()) for s in range(n)]


def _journey_map(
    j: Journeys,
    depth_df: pl.DataFrame,
    med_df: pl.DataFrame,
    stage_df: pl.DataFrame,
    tp_df: pl.DataFrame,
    rows_df: pl.DataFrame,
    counts_df: pl.DataFrame,
    un_df: pl.DataFrame,
    *,
    run: bool,
) -> JourneyMap:
    """One map from its segment's rows of the aggregations of ``compute_maps``."""
    model, table = j.model, j.table
    K = len(model.stages)
    by_depth = dict(zip(depth_df["depth"].to_list(), depth_df["len"].to_list(), strict=True))
    in_progress = dict(zip(depth_df["depth"].to_list(), depth_df["in_progress"].to_list(), strict=True))
    churned = dict(zip(depth_df["depth"].to_list(), depth_df["churned"].to_list(), strict=True))
    has_revenue = REVENUE in j.events.columns
    rev_by_depth = dict(zip(depth_df["depth"], depth_df["rev_units"], strict=True)) if has_revenue else {}
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
                in_progress=int(in_progress.get(k, 0)),
                churned=int(churned.get(k) or 0) if model.churn_after_s is not None else None,
                revenue=from_units(row.get("rev_units")) if has_revenue else None,
                revenue_per_customer=(
                    from_units(rev_by_depth.get(k)) / by_depth[k] if has_revenue and by_depth.get(k) else None
                ),
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
            revenue=from_units(r["rev_units"]) if has_revenue else None,
        )
        for r in tp_df.iter_rows(named=True)
    ]
    sums = {(r["stage"], r["touchpoint"]): r["sat_units"] for r in tp_df.iter_rows(named=True)}
    touchpoints = rank_touchpoints(touchpoints, sums, model)
    cnt = counts_df.row(0, named=True) if counts_df.height else {"total": 0, "entered": 0, "completed": 0}
    valid = rows_df.row(0, named=True) if rows_df.height else {"valid": 0, "first": None, "last": None, "unassigned": 0}
    n_unassigned = int(valid["unassigned"])
    return JourneyMap(
        model=model,
        rows_read=table.rows_read if run else int(valid["valid"]),
        rejected=dict(table.rejected) if run else {},
        rows_blank=table.blank if run else 0,
        rows_duplicates=table.duplicates if run else 0,
        events_assigned=int(valid["valid"]) - n_unassigned,
        events_unassigned=n_unassigned,
        customers_total=int(cnt["total"]),
        customers_entered=int(cnt["entered"] or 0),
        customers_completed=int(cnt["completed"] or 0),
        stages=stages,
        touchpoints=touchpoints,
        unassigned=[(r["touchpoint"], int(r["events"])) for r in un_df.iter_rows(named=True)],
        period=None if valid["first"] is None else (valid["first"], valid["last"]),
        t_end=j.t_end,
        warnings=list(table.warnings) + j.warnings,
        revenue=from_units(sum(int(u or 0) for u in rev_by_depth.values())) if has_revenue else None,
    )
