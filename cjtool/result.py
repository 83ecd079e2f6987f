"""The result of mapping a journey: plain data, rendered by ``cjtool.render``.

``JourneyMap.to_dict()`` is the JSON contract of SPEC section 7 (plus extra keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

import polars as pl

from cjtool.model import JourneyModel

SCHEMA = "cjtool.map/2"
SCORE_SCALE = 1_000_000  # scores and revenue are summed exactly as whole millionths (6 decimals)


@dataclass(frozen=True)
class MeasuredMoment:
    """The key moment of a stage (SPEC 13 v2, ``cjtool moments``): shown (◆) beside the
    declared moment of truth on the journey map; association, not causation. ``lift`` is
    the conversion gap the rule measured: satisfied minus dissatisfied customers at the
    touchpoint (``rule`` "satisfaction"), or those who met it minus the others ("exposure")."""

    touchpoint: str
    odds_ratio: float
    lift: float
    rule: str = "exposure"


@dataclass(frozen=True)
class Opportunity:
    stage: str
    stage_index: int
    touchpoint: str
    rank: int
    customers: int  # c_t
    exits: int  # e_t
    benchmark: Fraction
    benchmark_from: str  # "median" | "target"
    customers_at_stake: Fraction
    completions_at_stake: Fraction
    revenue_at_stake: Fraction | None  # None without a revenue column

    @property
    def drop_off_rate(self) -> Fraction:
        return Fraction(self.exits, self.customers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "touchpoint": self.touchpoint,
            "drop_off_rate": self.exits / self.customers,
            "benchmark": float(self.benchmark),
            "benchmark_from": self.benchmark_from,
            "customers_at_stake": float(self.customers_at_stake),
            "completions_at_stake": float(self.completions_at_stake),
            "revenue_at_stake": None if self.revenue_at_stake is None else float(self.revenue_at_stake),
        }


@dataclass(frozen=True)
class ScoreSums:
    """The sufficient statistics of a group's scores (SPEC 10 tests, merged partitions):
    exact integer sums of values in millionths and of their squares, counts."""

    sat_units: int = 0
    sat_sq: int = 0
    responses: int = 0
    eff_units: int = 0
    eff_sq: int = 0
    eff_n: int = 0
    promoters: int = 0
    detractors: int = 0
    nps_n: int = 0

    def to_dict(self) -> dict[str, Any]:
        """In score units (sums / 1e6, squares / 1e12), as the map JSON's `sums`."""
        return {
            "satisfaction": {"n": self.responses, "sum": self.sat_units / 1e6, "sum_sq": self.sat_sq / 1e12},
            "effort": {"n": self.eff_n, "sum": self.eff_units / 1e6, "sum_sq": self.eff_sq / 1e12},
            "nps": {"n": self.nps_n, "promoters": self.promoters, "detractors": self.detractors},
        }


@dataclass(frozen=True)
class Scores:
    satisfaction: float | None = None
    responses: int = 0
    nps: float | None = None
    effort: float | None = None
    sums: ScoreSums = ScoreSums()


@dataclass(frozen=True)
class StageMetrics:
    index: int
    id: str
    customers: int
    conversion_from_previous: float | None
    conversion_from_first: float | None
    drop_off: int | None
    median_time_to_convert_s: float | None
    scores: Scores
    events: int = 0
    in_progress: int = 0  # customers of depth k whose window was still open at t_end (SPEC 14)
    churned: int | None = None  # customers of depth k who churned; None without `churn_after`
    revenue: float | None = None  # over the stage's events; None without a revenue column
    revenue_per_customer: float | None = None  # of the customers of depth exactly k


@dataclass(frozen=True)
class TouchpointMetrics:
    stage: str
    stage_index: int
    touchpoint: str
    events: int
    customers: int
    exits: int
    drop_off_rate: float
    scores: Scores
    priority: float
    rank: int | None
    revenue: float | None = None  # None without a revenue column (SPEC 14)
    impact: float | None = None  # measured impact on conversion (`ranking.impact`), else None


@dataclass
class JourneyMap:
    model: JourneyModel
    rows_read: int
    rejected: dict[str, int]
    events_assigned: int
    events_unassigned: int
    customers_total: int
    customers_entered: int
    customers_completed: int
    stages: list[StageMetrics]
    touchpoints: list[TouchpointMetrics]
    unassigned: list[tuple[str, int]]
    period: tuple[datetime, datetime] | None = None
    warnings: list[str] = field(default_factory=list)
    t_end: datetime | None = None  # the run's latest timestamp (SPEC 14), also in a segment's map
    # stage id -> its strongest measured moment, for the pictures and the terminal (not the JSON)
    measured: dict[str, MeasuredMoment] = field(default_factory=dict)
    rows_blank: int = 0
    rows_duplicates: int = 0
    rows_outside: int | None = None  # valid rows outside --since/--until; None without them

    revenue: float | None = None  # of all the customers' assigned events; None without a revenue column
    # SPEC 17, in order; and what they are computed from: revenue (millionths) of the customers
    # with depth >= k, per stage k (None without a revenue column)
    opportunities: list[Opportunity] = field(default_factory=list)
    revenue_reached: list[int] | None = None
    value_basis: str = "revenue"  # "clv" with `map --value`: revenue at stake from predicted CLV

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    def stage_label(self, stage_id: str, lang: str = "en") -> str:
        return self.model.stages[self.model.stage_index(stage_id) - 1].label.get(lang)

    # ------------------------------------------------------------------ for Python and notebooks

    @property
    def stages_df(self) -> pl.DataFrame:
        """One row per stage, in model order: the map's stage metrics as a polars frame
        (the JSON's `stages`, scores flattened; null where the JSON has null)."""
        rows = self.to_dict()["stages"]
        return pl.DataFrame(
            [{"index": i, **{k: row[k] for k in STAGE_SCHEMA if k != "index"}} for i, row in enumerate(rows, 1)],
            schema=STAGE_SCHEMA,
        )

    @property
    def touchpoints_df(self) -> pl.DataFrame:
        """One row per (stage, touchpoint) pair, ranked pain points first (the JSON's
        `touchpoints`, scores flattened)."""
        rows = self.to_dict()["touchpoints"]
        extra = {"stage_index", "impact"}  # not in the JSON unless `ranking.impact`
        return pl.DataFrame(
            [
                {
                    **{k: row.get(k) for k in TOUCHPOINT_SCHEMA if k not in extra},
                    "stage_index": t.stage_index,
                    "impact": t.impact,
                }
                for row, t in zip(rows, self.touchpoints, strict=True)
            ],
            schema=TOUCHPOINT_SCHEMA,
        )

    @property
    def opportunities_df(self) -> pl.DataFrame:
        """Where to invest first (SPEC 17), in its order: the JSON's `opportunities`."""
        schema = {
            "stage": pl.String,
            "touchpoint": pl.String,
            "drop_off_rate": pl.Float64,
            "benchmark": pl.Float64,
            "benchmark_from": pl.String,
            "customers_at_stake": pl.Float64,
            "completions_at_stake": pl.Float64,
            "revenue_at_stake": pl.Float64,
        }
        return pl.DataFrame([o.to_dict() for o in self.opportunities], schema=schema)

    def _repr_html_(self) -> str | None:
        """How the map shows itself in Jupyter: the journey map picture and the tables,
        drawn when asked (``cjtool.render.notebook`` registers the renderer: results never
        import renderers)."""
        return html_view(self) if html_view is not None else None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        m = self.model
        return {
            "schema": SCHEMA,
            "model": m.name,
            "title": m.title.get(lang),
            "mode": m.mode,
            "window_s": m.window_s,
            "period": None
            if self.period is None
            else {
                "first": _iso(self.period[0]),
                "last": _iso(self.period[1]),
            },
            "rows": {
                "read": self.rows_read,
                "rejected": self.rows_rejected,
                "rejected_by_reason": dict(self.rejected),
                "blank": self.rows_blank,
                "duplicates": self.rows_duplicates,
                **({} if self.rows_outside is None else {"outside_period": self.rows_outside}),
            },
            "events": {"assigned": self.events_assigned, "unassigned": self.events_unassigned},
            "customers": {
                "total": self.customers_total,
                "entered": self.customers_entered,
                "completed": self.customers_completed,
                "in_progress": sum(s.in_progress for s in self.stages),
                "churned": None if self.model.churn_after_s is None else sum(s.churned or 0 for s in self.stages),
            },
            "revenue": self.revenue,
            "t_end": None if self.t_end is None else _iso(self.t_end),
            "stages": [
                {
                    "id": s.id,
                    "label": m.stages[s.index - 1].label.get(lang),
                    "customers": s.customers,
                    "conversion_from_previous": s.conversion_from_previous,
                    "conversion_from_first": s.conversion_from_first,
                    "drop_off": s.drop_off,
                    "median_time_to_convert_s": s.median_time_to_convert_s,
                    "satisfaction": s.scores.satisfaction,
                    "responses": s.scores.responses,
                    "nps": s.scores.nps,
                    "effort": s.scores.effort,
                    "events": s.events,
                    "in_progress": s.in_progress,
                    "churned": s.churned,
                    "revenue": s.revenue,
                    "revenue_per_customer": s.revenue_per_customer,
                    "moment_of_truth": m.stages[s.index - 1].moment_of_truth,
                    "sums": s.scores.sums.to_dict(),
                }
                for s in self.stages
            ],
            "touchpoints": [
                {
                    "stage": t.stage,
                    "touchpoint": t.touchpoint,
                    "events": t.events,
                    "customers": t.customers,
                    "exits": t.exits,
                    "drop_off_rate": t.drop_off_rate,
                    "satisfaction": t.scores.satisfaction,
                    "responses": t.scores.responses,
                    "nps": t.scores.nps,
                    "effort": t.scores.effort,
                    "priority": t.priority,
                    "rank": t.rank,
                    **({} if m.weight_impact is None else {"impact": t.impact}),
                    "revenue": t.revenue,
                    "sums": t.scores.sums.to_dict(),
                }
                for t in self.touchpoints
            ],
            "unassigned_touchpoints": [{"touchpoint": tp, "events": n} for tp, n in self.unassigned],
            "opportunities": [o.to_dict() for o in self.opportunities],
            **({"revenue_at_stake_basis": "clv"} if self.value_basis == "clv" else {}),
            "warnings": list(self.warnings),
        }


STAGE_SCHEMA = {
    "index": pl.Int64,
    "id": pl.String,
    "label": pl.String,
    "customers": pl.Int64,
    "conversion_from_previous": pl.Float64,
    "conversion_from_first": pl.Float64,
    "drop_off": pl.Int64,
    "median_time_to_convert_s": pl.Float64,
    "satisfaction": pl.Float64,
    "responses": pl.Int64,
    "nps": pl.Float64,
    "effort": pl.Float64,
    "events": pl.Int64,
    "in_progress": pl.Int64,
    "churned": pl.Int64,
    "revenue": pl.Float64,
    "revenue_per_customer": pl.Float64,
}
TOUCHPOINT_SCHEMA = {
    "rank": pl.Int64,
    "stage": pl.String,
    "stage_index": pl.Int64,
    "touchpoint": pl.String,
    "events": pl.Int64,
    "customers": pl.Int64,
    "exits": pl.Int64,
    "drop_off_rate": pl.Float64,
    "satisfaction": pl.Float64,
    "responses": pl.Int64,
    "nps": pl.Float64,
    "effort": pl.Float64,
    "priority": pl.Float64,
    "revenue": pl.Float64,
    "impact": pl.Float64,
}

# The HTML a notebook shows for a JourneyMap; set by `cjtool.render.notebook` when imported
# (`cjtool.api` imports it), so this module needs no renderer.
html_view: Callable[[JourneyMap], str] | None = None


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond:06d}" if dt.microsecond else "") + "Z"
