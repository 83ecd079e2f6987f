"""Stage and touchpoint metrics (SPEC sections 4-6) as polars aggregations.

``compute_map`` takes the canonical events (``cjtool.events``) and returns a JourneyMap.
The big frames are aggregated in polars; only the per-stage / per-touchpoint results
(small) become Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from fractions import Fraction
from typing import Any

import polars as pl

from cjtool import events as ev
from cjtool.events import EventTable, Note, merged_notes, worded
from cjtool.journey_rules import churn_cutoff, status_expr, window_open
from cjtool.journeys import Checks, Journeys, build_journeys, journey_warnings
from cjtool.model import JourneyModel
from cjtool.opportunities import find_opportunities
from cjtool.result import SCORE_SCALE, JourneyMap, Scores, ScoreSums, StageMetrics, TouchpointMetrics


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
    """SPEC 5's priority, exactly; with `ranking.impact` the touchpoint's measured impact
    joins it as a third weighted term (see ``with_impact``)."""
    base = _exact_spec_priority(tp, satisfaction_units, model)
    if model.weight_impact is None or tp.impact is None:
        return base
    wd, wi = _exact(model.weight_drop_off), _exact(model.weight_impact)
    weights = wd + (_exact(model.weight_dissatisfaction) if tp.scores.responses else 0)
    return (base * weights + wi * _exact(tp.impact)) / (weights + wi) if weights + wi else base


def _exact_spec_priority(tp: TouchpointMetrics, satisfaction_units: int | None, model: JourneyModel) -> Fraction:
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


def with_impact(result: JourneyMap, impact: dict[tuple[str, str], float]) -> JourneyMap:
    """`ranking.impact: true` (off by default, so SPEC 5's priority stays): each
    touchpoint's measured impact on conversion (``cjtool.analyses.moments.impact_of``, 0
    where nothing was measured) joins its priority as a third weighted term,
    (w_d * drop-off + w_s * dissatisfaction + w_i * impact) / (w_d + w_s + w_i), and the
    touchpoints are ranked again."""
    if result.model.weight_impact is None:
        return result
    tps = []
    for tp in result.touchpoints:
        tp = replace(tp, impact=impact.get((tp.stage, tp.touchpoint), 0.0))
        tps.append(replace(tp, priority=float(exact_priority(tp, tp.scores.sums.sat_units, result.model))))
    sums = {(tp.stage_index, tp.touchpoint): tp.scores.sums.sat_units for tp in tps}
    return opportunities_of(replace(result, touchpoints=rank_touchpoints(tps, sums, result.model)))


def opportunities_of(result: JourneyMap) -> JourneyMap:
    """``result`` with its SPEC 17 opportunities (after its touchpoints are ranked)."""
    found = find_opportunities(result.stages, result.touchpoints, dict(result.model.targets), result.revenue_reached)
    return replace(result, opportunities=found)


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
    events whatever the number of segments. The same three steps map a run split by
    customer (``cjtool.partitions``, Spark): aggregate each part, merge, finish."""
    return finish(aggregate(j, segment), n_segments, run=segment is None)


NO_CUSTOMER = 2**32 - 1  # the segment code of events of no customer of the run


def merged_segments(partial: Partial, codes: list[int] | None = None) -> Partial:
    """Segments ``codes`` of ``partial`` as one (code 0); all of them, and the events of
    no customer, when None: then ``finish`` of it is the run's map. Segments hold whole
    customers, as the parts of a run do, so they merge exactly (``merge``)."""
    seg = pl.lit(0, pl.UInt32).alias("seg")
    frames = {
        name: (f if codes is None else f.filter(pl.col("seg").is_in(codes))).with_columns(seg)
        for name, f in partial.frames.items()
    }
    return merge([replace(partial, frames=frames)])


# Partial results: frames of additive columns keyed by the KEYS of their name, so that the
# parts of a run split by customer merge exactly (``merge``). Every value column is summed
# on merge unless MERGE_RULES says otherwise: a new sum is one more column in ``aggregate``.
KEYS = {
    "depth": ["seg", "depth"],  # customers by depth (and their revenue)
    "recent": ["seg", "depth", "last"],  # customers who may not have churned, by last_seen
    "pending": ["seg", "depth", "r1"],  # customers who may still be in progress, by start
    "gaps": ["seg", "k", "gap"],  # customers by r_k - r_(k-1) in whole microseconds
    "counts": ["seg"],
    "rows": ["seg"],
    "pairs": ["seg", "stage", "touchpoint"],
    "exits": ["seg", "stage", "touchpoint"],
    "unassigned": ["seg", "touchpoint"],
    "dropped": ["seg", "reason"],  # rows of the segment's customers that are not events (SPEC 16)
}
MERGE_RULES = {"first": pl.min, "last": pl.max}


@dataclass
class Partial:
    """The mergeable aggregations of (a part of) a run, before medians, ranks and
    wording: frames (see ``KEYS``) with touchpoints as text (categorical codes differ
    between processes), the event table's counts and warnings, the journeys' checks."""

    model: JourneyModel
    frames: dict[str, pl.DataFrame]
    t_end: datetime | None
    checks: Checks
    rows_read: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    blank: int = 0
    duplicates: int = 0
    outside: int = 0
    notes: list[Note] = field(default_factory=list)  # the event table's warnings, before wording
    has_revenue: bool = False  # an input had the revenue column (else every revenue key is null)

    @property
    def warnings(self) -> list[str]:
        """The event table's warnings, worded from the (merged) notes and counts."""
        return worded(self.notes, self.rejected, self.rows_read, self.blank)


def _counted(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.Int64)  # pl.len() is UInt32: sums over partitions need more


def aggregate(j: Journeys, segment: pl.Series | None = None) -> Partial:
    """The additive aggregations of ``j`` (all of a run, or its customers of one part)."""
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
        # events of no customer of the run: a code of no segment (left out of every segment's
        # map), kept so that the segments merge into the run's map (``merged_segments``)
        seg_of_event = lookup.gather(frame["cust"].to_physical()).fill_null(NO_CUSTOMER)
    ev_all = frame.lazy().with_columns(seg_of_event.alias("seg"), *([j.pair_first] if j.pair_first is not None else []))
    if segment is not None:  # (a filter on the whole run's literal cost a copy of the events)
        ev_all = ev_all.filter(pl.col("seg").is_not_null())
    text = pl.col("touchpoint").cast(pl.String)
    unassigned = (
        ev_all.filter(pl.col("stage").is_null()).group_by("seg", "touchpoint").agg(_counted(pl.len()).alias("events"))
    ).with_columns(text)
    rows_valid = ev_all.group_by("seg").agg(
        _counted(pl.len()).alias("valid"),
        pl.col("timestamp").min().alias("first"),
        pl.col("timestamp").max().alias("last"),
        _counted(pl.col("stage").null_count()).alias("unassigned"),
    )
    has_revenue = j.table.has_revenue
    cl = customers.lazy()
    if has_revenue:  # each customer's revenue (SPEC 14), for revenue per customer by depth
        cl = cl.join(customer_revenue(j), on="cust", how="left").with_columns(pl.col("rev_units").fill_null(0))
    depth_counts = cl.group_by("seg", "depth").agg(
        _counted(pl.len()).alias("len"), *([pl.col("rev_units").sum()] if has_revenue else [])
    )
    # Churned (SPEC 14) depends on the run's t_end too: keep the customers not churned at
    # this part's t_end (a later t_end can only add churned ones), decided in `finish`.
    recent = _recent(j, cl)
    # In progress (SPEC 14) depends on the run's t_end, which a part does not know: keep the
    # customers it could be true of (t_end >= this part's latest time), decided in `finish`.
    pending = (
        cl.filter(status_expr(j) == "in_progress").group_by("seg", "depth", "r1").agg(_counted(pl.len()).alias("n"))
    )
    # one frame per step, concatenated: a list column exploded cost 10x more (0.75 s at 1M customers)
    gaps = (
        pl.concat(
            [
                cl.select(
                    "seg",
                    pl.lit(k, pl.Int32).alias("k"),
                    (pl.col(f"r{k}") - pl.col(f"r{k - 1}")).dt.total_microseconds().alias("gap"),
                ).drop_nulls("gap")
                for k in range(2, K + 1)
            ]
        )
        .group_by("seg", "k", "gap")
        .agg(_counted(pl.len()).alias("n"))
        if K > 1
        else pl.LazyFrame(schema={"seg": pl.UInt32, "k": pl.Int32, "gap": pl.Int64, "n": pl.Int64})
    )
    counts = cl.group_by("seg").agg(
        _counted(pl.len()).alias("total"),
        _counted((pl.col("depth") >= 1).sum()).alias("entered"),
        _counted((pl.col("depth") == K).sum()).alias("completed"),
    )
    with_exit = customers.filter(pl.col("exit").is_not_null())
    exits = (
        pl.DataFrame(
            [with_exit["seg"], frame["stage"].gather(with_exit["exit"]), frame["touchpoint"].gather(with_exit["exit"])]
        )
        .lazy()
        .group_by("seg", "stage", "touchpoint")
        .agg(_counted(pl.len()).alias("exits"))
        .with_columns(text)
    )
    at_pairs = ev_all.filter(pl.col("stage").is_not_null())
    keys = ["seg", "stage", "touchpoint"]
    revenue = [revenue_units().sum().alias("rev_units")] if has_revenue else []
    if j.pair_first is not None:  # the kernel marked each customer's first event at each pair
        pairs = at_pairs.group_by(keys).agg(
            *score_sums(), *revenue, _counted(pl.col("pair_first").sum()).alias("customers")
        )
    else:
        # distinct customers in a group-by of their own: with the sums in one group-by it
        # cost 1.6 CPU s at 10M events, apart 0.6 + 0.6 (and the two run side by side)
        customers_at = at_pairs.group_by(keys).agg(_counted(pl.col("cust").to_physical().n_unique()).alias("customers"))
        pairs = (
            at_pairs.group_by(keys)
            .agg(*score_sums(), *revenue)
            .join(customers_at, on=keys, how="left", nulls_equal=True)
        )
    pairs = pairs.with_columns(_counted(pl.col("events")), text)
    dropped = j.table.dropped.lazy()
    if segment is None:  # the run's counts are the table's own
        dropped = dropped.clear()
    dropped = (
        dropped.filter(pl.col("cust").to_physical() < size)  # else a customer with no event
        .with_columns(pl.lit(lookup).gather(pl.col("cust").to_physical()).alias("seg"))
        .filter(pl.col("seg").is_not_null())
        .group_by("seg", "reason")
        .agg(pl.col("n").sum())
        if segment is not None
        else pl.LazyFrame(schema={"seg": pl.UInt32, "reason": pl.String, "n": pl.Int64})
    )
    names = ["depth", "recent", "pending", "gaps", "counts", "rows", "pairs", "exits", "unassigned", "dropped"]
    frames = pl.collect_all(
        [depth_counts, recent, pending, gaps, counts, rows_valid, pairs, exits, unassigned, dropped],
        engine="streaming",
    )
    t = j.table
    return Partial(
        model,
        dict(zip(names, frames, strict=True)),
        j.t_end,
        j.checks,
        t.rows_read,
        dict(t.rejected),
        t.blank,
        t.duplicates,
        t.outside,
        list(t.notes),
        has_revenue,
    )


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


def _recent(j: Journeys, cl: pl.LazyFrame) -> pl.LazyFrame:
    """Customers by (seg, depth, last_seen) whose last_seen is within `churn_after` of
    this part's t_end: not churned (yet). Empty without `churn_after`."""
    cutoff = churn_cutoff(j.model, j.t_end)
    schema = {"seg": pl.UInt32, "depth": pl.Int32, "last": pl.Datetime("us"), "n": pl.Int64}
    if cutoff is None:
        return pl.LazyFrame(schema=schema)
    last_seen = pl.lit(j.events["timestamp"]).gather(pl.col("last")).alias("last")
    return (
        cl.select("seg", "depth", last_seen)
        .filter(pl.col("last") >= pl.lit(cutoff))
        .group_by("seg", "depth", "last")
        .agg(_counted(pl.len()).alias("n"))
    )


def merge(parts: list[Partial]) -> Partial:
    """The Partial of a run from those of its parts, each holding whole customers (a
    customer's events are all in one part): every count is a sum, distinct customers of a
    pair too; `first`/`last` are the minimum/maximum. The table's counts add up, its
    warnings merge as notes (``events.merged_notes``: counts of bad values summed)."""
    first = parts[0]
    frames = {}
    for name, keys in KEYS.items():
        both = pl.concat([p.frames[name] for p in parts], how="vertical_relaxed")
        values = [c for c in both.columns if c not in keys]
        frames[name] = both.group_by(keys).agg([MERGE_RULES.get(c, pl.sum)(c) for c in values])
    rejected: dict[str, int] = {}
    checks = first.checks
    for p in parts[1:]:
        checks = checks.merge(p.checks)
    for p in parts:
        for reason, n in p.rejected.items():
            rejected[reason] = rejected.get(reason, 0) + n
    order = ("missing customer_id", "missing touchpoint", "bad timestamp")  # as the reader lists them
    rejected = dict(sorted(rejected.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    ends = [p.t_end for p in parts if p.t_end is not None]
    return Partial(
        first.model,
        frames,
        max(ends) if ends else None,
        checks,
        sum(p.rows_read for p in parts),
        rejected,
        sum(p.blank for p in parts),
        sum(p.duplicates for p in parts),
        sum(p.outside for p in parts),
        merged_notes([n for p in parts for n in p.notes]),
        any(p.has_revenue for p in parts),
    )


def finish(partial: Partial, n_segments: int = 1, *, run: bool = True) -> list[JourneyMap]:
    """The maps of segments 0..n_segments-1 from a (merged) Partial: in-progress counts
    at the run's t_end, exact medians, scores, priorities and ranks."""
    model, f, t_end = partial.model, partial.frames, partial.t_end
    K = len(model.stages)
    pending = f["pending"].filter(window_open(pl.col("r1"), model, t_end))  # in progress at the run's t_end
    in_progress = pending.group_by("seg", "depth").agg(pl.col("n").sum().alias("in_progress"))
    depth_df = (
        f["depth"].join(in_progress, on=["seg", "depth"], how="left").with_columns(pl.col("in_progress").fill_null(0))
    )
    cutoff = churn_cutoff(model, t_end)
    if cutoff is not None:  # churned: all but those seen since the run's cutoff
        kept = (
            f["recent"]
            .filter(pl.col("last") >= pl.lit(cutoff))
            .group_by("seg", "depth")
            .agg(pl.col("n").sum().alias("kept"))
        )
        depth_df = depth_df.join(kept, on=["seg", "depth"], how="left").with_columns(
            (pl.col("len") - pl.col("kept").fill_null(0)).alias("churned")
        )
    medians = _medians(f["gaps"], K)
    summed = SUM_COLUMNS + (["rev_units"] if partial.has_revenue else [])
    stage_aggs = f["pairs"].group_by("seg", "stage").agg(pl.col(summed).sum()).with_columns(scores_from_sums())
    tp = (
        f["pairs"]
        .with_columns(scores_from_sums())
        .join(f["exits"], on=["seg", "stage", "touchpoint"], how="left")
        .with_columns(pl.col("exits").fill_null(0))
        .with_columns((pl.col("exits") / pl.col("customers")).alias("drop_off_rate"))
        .with_columns(priority_expr(model))
    )
    # names sort by code point, not by code
    unassigned = f["unassigned"].sort(["seg", "events", "touchpoint"], descending=[False, True, False])
    frames = [depth_df, medians, stage_aggs, tp, f["rows"], f["counts"], unassigned, f["dropped"]]
    parts = [_split(fr, n_segments) for fr in frames]
    return [_journey_map(partial, *(p[s] for p in parts), run=run) for s in range(n_segments)]


def _medians(gaps: pl.DataFrame, K: int) -> pl.DataFrame:
    """Per segment, ``m2..mK``: the exact median of r_k - r_(k-1) over the customers who
    reached stage k, in seconds, from the counts of each gap in whole microseconds (one
    division: the correctly rounded (a + b) / 2 / 1e6)."""
    ranked = gaps.sort("seg", "k", "gap").with_columns(
        pl.col("n").cum_sum().over("seg", "k").alias("upto"), pl.col("n").sum().over("seg", "k").alias("total")
    )
    per = ranked.group_by("seg", "k").agg(
        pl.col("gap").filter(pl.col("upto") > (pl.col("total") - 1) // 2).first().alias("lo"),
        pl.col("gap").filter(pl.col("upto") > pl.col("total") // 2).first().alias("hi"),
    )
    per = per.with_columns(((pl.col("lo").cast(pl.Float64) + pl.col("hi").cast(pl.Float64)) / 2 / 1_000_000).alias("m"))
    wide = pl.DataFrame({"seg": per["seg"].unique()}) if per.height else pl.DataFrame(schema={"seg": pl.UInt32})
    for k in range(2, K + 1):
        mk = per.filter(pl.col("k") == k).select("seg", pl.col("m").alias(f"m{k}"))
        wide = wide.join(mk, on="seg", how="left")
    return wide


def _split(frame: pl.DataFrame, n: int) -> list[pl.DataFrame]:
    """``frame``'s rows of each segment code 0..n-1 (empty frames for missing codes)."""
    groups = {key[0]: g for key, g in frame.partition_by("seg", as_dict=True, maintain_order=True).items()}
    return [groups.get(s, frame.clear()) for s in range(n)]


def _journey_map(
    partial: Partial,
    depth_df: pl.DataFrame,
    med_df: pl.DataFrame,
    stage_df: pl.DataFrame,
    tp_df: pl.DataFrame,
    rows_df: pl.DataFrame,
    counts_df: pl.DataFrame,
    un_df: pl.DataFrame,
    dropped_df: pl.DataFrame,
    *,
    run: bool,
) -> JourneyMap:
    """One map from its segment's rows of the frames of ``finish``."""
    model = partial.model
    K = len(model.stages)
    by_depth = dict(zip(depth_df["depth"].to_list(), depth_df["len"].to_list(), strict=True))
    in_progress = dict(zip(depth_df["depth"].to_list(), depth_df["in_progress"].to_list(), strict=True))
    churned = dict(zip(depth_df["depth"], depth_df["churned"], strict=True)) if "churned" in depth_df.columns else {}
    has_revenue = partial.has_revenue
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
    if run:
        rejected, duplicates, outside = dict(partial.rejected), partial.duplicates, partial.outside
        rows_read = partial.rows_read
    else:  # the rows carrying the segment's customers' ids (SPEC 16)
        dropped = dict(zip(dropped_df["reason"], dropped_df["n"], strict=True))
        rejected = {r: int(dropped[r]) for r in ev.REJECTED_REASONS if dropped.get(r)}
        duplicates, outside = int(dropped.get(ev.DUPLICATE, 0)), int(dropped.get(ev.OUTSIDE, 0))
        rows_read = int(valid["valid"]) + sum(rejected.values()) + duplicates + outside
    revenue_reached = (
        [sum(int(u or 0) for d, u in rev_by_depth.items() if d >= k) for k in range(1, K + 1)] if has_revenue else None
    )
    result = JourneyMap(
        model=model,
        rows_read=rows_read,
        rejected=rejected,
        rows_blank=partial.blank if run else 0,
        rows_duplicates=duplicates,
        rows_outside=outside if model.since or model.until else None,
        events_assigned=int(valid["valid"]) - n_unassigned,
        events_unassigned=n_unassigned,
        customers_total=int(cnt["total"]),
        customers_entered=int(cnt["entered"] or 0),
        customers_completed=int(cnt["completed"] or 0),
        stages=stages,
        touchpoints=touchpoints,
        unassigned=[(r["touchpoint"], int(r["events"])) for r in un_df.iter_rows(named=True)],
        period=None if valid["first"] is None else (valid["first"], valid["last"]),
        t_end=partial.t_end,
        warnings=partial.warnings + journey_warnings(model, partial.checks),
        revenue=from_units(sum(int(u or 0) for u in rev_by_depth.values())) if has_revenue else None,
        revenue_reached=revenue_reached,
    )
    return opportunities_of(result)
