"""Key moments: which touchpoints go with conversion to the next stage (SPEC section 13).

For each (stage k < K, touchpoint t) pair, the customers who reached stage k are split by
whether they met t at stage k before they moved on (an event of (k, t) at or before
r_(k+1); any time for those who stopped at k; any time in furthest mode): the 2x2 counts
a, b, c, d come from one join of the events with the population of every stage and two
group-bys. Only the per-pair statistics (few pairs) run in Python.

This is association, not causation: customers who meet a touchpoint differ from those
who do not in more ways than that touchpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import polars as pl

from cjtool.i18n import say
from cjtool.journeys import Journeys
from cjtool.metrics import SCORE_SCALE
from cjtool.model import JourneyModel
from cjtool.result import MeasuredMoment
from cjtool.stats import TwoSampleTest, benjamini_hochberg, odds_ratio_test, proportion_test, smallest_fisher_p

SCHEMA = "cjtool.moments/1"
CAUSATION_NOTE = "association, not causation"
SMALL_CELL = 5  # a 2x2 cell below this: the odds ratio leans on the 0.5 correction
SKEW_SHARE = 0.05  # exposed share of the stage below this (or above 1 - this): a thin comparison group
FEW_CUSTOMERS = 40  # below this many at the widest stage, say how small the smallest p can be
STRUCTURAL_SHARE = Fraction(9, 10)  # SPEC 13 v2: exposed_share >= 0.9 is structural


@dataclass(frozen=True)
class SatisfactionEffect:
    """Conversion of satisfied (B) against dissatisfied (A) exposed customers (SPEC 13)."""

    test: TwoSampleTest  # float arithmetic (SPEC 13's published numbers)
    p_adjusted: float
    significant: bool
    x_satisfied: int  # satisfied exposed customers who converted
    x_dissatisfied: int

    @property
    def n_satisfied(self) -> int:
        return self.test.n_b

    @property
    def n_dissatisfied(self) -> int:
        return self.test.n_a


@dataclass(frozen=True)
class Moment:
    stage_index: int
    stage: str
    touchpoint: str
    a: int  # exposed, converted
    b: int  # exposed, not converted
    c: int  # not exposed, converted
    d: int  # not exposed, not converted
    conversion_exposed: float | None
    conversion_other: float | None
    lift: float | None
    odds_ratio: float
    ci95: tuple[float, float]
    p_value: float
    p_adjusted: float
    significant: bool
    satisfaction: float | None  # mean CSAT over the pair's events (SPEC 5), for the picture
    responses: int
    satisfaction_effect: SatisfactionEffect | None
    flags: tuple[str, ...] = ()
    key_rule: str | None = None  # SPEC 13 v2: "satisfaction" | "exposure" for the stage's key moment

    @property
    def exposed_share(self) -> Fraction | None:
        """The share of the stage's successes that met the pair (SPEC 13 v2)."""
        return Fraction(self.a, self.a + self.c) if self.a + self.c else None

    @property
    def structural(self) -> bool:
        """Nearly everyone who went on passed through it: its odds ratio restates the funnel."""
        share = self.exposed_share
        return share is not None and share >= STRUCTURAL_SHARE

    @property
    def key(self) -> bool:
        return self.key_rule is not None

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    @property
    def exposed(self) -> int:
        return self.a + self.b

    @property
    def confident(self) -> bool:
        """Significant after correction, and no cell so small that the estimate is fragile."""
        return self.significant and "small_counts" not in self.flags


@dataclass(frozen=True)
class StagePopulation:
    index: int
    id: str
    customers: int  # depth >= k
    converted: int  # depth >= k + 1


@dataclass
class MomentsResult:
    model: JourneyModel
    alpha: float
    customers_total: int
    populations: list[StagePopulation]
    moments: list[Moment]  # SPEC 15 order
    reasons: list[str] = field(default_factory=list)  # why no claim is confident, when none is
    warnings: list[str] = field(default_factory=list)

    @property
    def confident(self) -> list[Moment]:
        return [m for m in self.moments if m.confident]

    def stage_label(self, stage_id: str, lang: str = "en") -> str:
        return self.model.stages[self.model.stage_index(stage_id) - 1].label.get(lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "model": self.model.name,
            "mode": self.model.mode,
            "window_s": self.model.window_s,
            "alpha": self.alpha,
            "note": CAUSATION_NOTE,
            "customers": {"total": self.customers_total},
            "stages": [{"id": p.id, "customers": p.customers, "converted": p.converted} for p in self.populations],
            "moments": [_moment_dict(m) for m in self.moments],
            "confident": len(self.confident),
            "reasons": list(self.reasons),
        }


def _moment_dict(m: Moment) -> dict[str, Any]:
    return {
        "stage": m.stage,
        "touchpoint": m.touchpoint,
        "a": m.a,
        "b": m.b,
        "c": m.c,
        "d": m.d,
        "conversion_exposed": m.conversion_exposed,
        "conversion_other": m.conversion_other,
        "lift": m.lift,
        "odds_ratio": m.odds_ratio,
        "ci95": list(m.ci95),
        "p_value": m.p_value,
        "p_adjusted": m.p_adjusted,
        "satisfaction_effect": None if m.satisfaction_effect is None else _effect_dict(m.satisfaction_effect),
        "exposed_share": None if m.exposed_share is None else float(m.exposed_share),
        "structural": m.structural,
        "key": m.key,
        "key_rule": m.key_rule,
        "n": m.n,
        "exposed": m.exposed,
        "significant": m.significant,
        "confident": m.confident,
        "flags": list(m.flags),
        "satisfaction": m.satisfaction,
        "responses": m.responses,
    }


def _effect_dict(e: SatisfactionEffect) -> dict[str, Any]:
    t = e.test
    return {
        "a": t.a,
        "b": t.b,
        "n_a": t.n_a,
        "n_b": t.n_b,
        "diff": t.diff,
        "lift": t.lift,
        "ci95": list(t.ci95 or ()),
        "test": t.test,
        "p_value": t.p_value,
        "p_adjusted": e.p_adjusted,
        "significant": e.significant,
        "n_satisfied": t.n_b,
        "n_dissatisfied": t.n_a,
        "x_satisfied": e.x_satisfied,
        "x_dissatisfied": e.x_dissatisfied,
    }


# --------------------------------------------------------------------------- the counts


def _units(value: float) -> int:
    return round(value * SCORE_SCALE)


def pair_counts(j: Journeys) -> tuple[pl.DataFrame, list[StagePopulation]]:
    """Per (stage k < K, touchpoint) pair of SPEC 5: ``exposed``, ``a`` (exposed who
    converted), satisfied / dissatisfied exposed customers and how many of them converted,
    and the pair's CSAT; plus the population of each stage."""
    model, K = j.model, j.K
    cust = j.customers.lazy()
    pops = (
        cust.select(
            [(pl.col("depth") >= k).sum().alias(f"n{k}") for k in range(1, K + 1)]
            + [(pl.col("depth") >= k + 1).sum().alias(f"s{k}") for k in range(1, K + 1)]
        )
        .collect()
        .row(0, named=True)
    )
    populations = [
        StagePopulation(k, st.id, int(pops[f"n{k}"] or 0), int(pops[f"s{k}"] or 0))
        for k, st in enumerate(model.stages, start=1)
    ]
    empty = pl.DataFrame(
        schema={
            "stage": pl.UInt16,
            "touchpoint": pl.String,
            "exposed": pl.UInt32,
            "a": pl.UInt32,
            "n_sat": pl.UInt32,
            "x_sat": pl.UInt32,
            "n_dis": pl.UInt32,
            "x_dis": pl.UInt32,
            "sat_units": pl.Int64,
            "responses": pl.UInt32,
        }
    )
    if K < 2 or not j.customers.height:
        return empty, populations

    # who stands at stage k, the time they moved on (null: they stopped there, or furthest
    # mode), and whether they did
    population = pl.concat(
        [
            cust.filter(pl.col("depth") >= k).select(
                pl.col("cust").cast(pl.UInt32),
                pl.lit(k, pl.UInt16).alias("stage"),
                pl.col(f"r{k + 1}").alias("moved_on"),
                (pl.col("depth") > k).alias("success"),
            )
            for k in range(1, K)
        ]
    )
    events = j.events.lazy().filter(pl.col("stage") < K)
    pairs = events.group_by("stage", "touchpoint").agg(
        (pl.col("satisfaction") * SCORE_SCALE).round(0).cast(pl.Int64).sum().alias("sat_units"),
        pl.col("satisfaction").count().cast(pl.UInt32).alias("responses"),
    )
    exposure = (
        events.select(pl.col("cust").to_physical().cast(pl.UInt32), "stage", "touchpoint", "timestamp", "satisfaction")
        .join(population, on=["cust", "stage"], how="inner")
        .filter(pl.col("moved_on").is_null() | (pl.col("timestamp") <= pl.col("moved_on")))
    )
    # a customer's CSAT at the pair is the mean over their exposure events (SPEC 16), compared
    # with the thresholds exactly: mean >= lo + 3/4 (hi - lo)  <=>  4 * sum >= n * (lo + 3 hi)
    lo, hi = _units(model.satisfaction_scale.min), _units(model.satisfaction_scale.max)
    per_customer = exposure.group_by("stage", "touchpoint", "cust").agg(
        pl.col("success").first(),
        (pl.col("satisfaction") * SCORE_SCALE).round(0).cast(pl.Int64).sum().alias("u"),
        pl.col("satisfaction").count().cast(pl.Int64).alias("r"),
    )
    rated = pl.col("r") > 0
    satisfied = rated & (4 * pl.col("u") >= pl.col("r") * (lo + 3 * hi))
    dissatisfied = rated & (4 * pl.col("u") <= pl.col("r") * (3 * lo + hi))
    success = pl.col("success")
    counts = per_customer.group_by("stage", "touchpoint").agg(
        pl.len().cast(pl.UInt32).alias("exposed"),
        success.sum().cast(pl.UInt32).alias("a"),
        satisfied.sum().cast(pl.UInt32).alias("n_sat"),
        (satisfied & success).sum().cast(pl.UInt32).alias("x_sat"),
        dissatisfied.sum().cast(pl.UInt32).alias("n_dis"),
        (dissatisfied & success).sum().cast(pl.UInt32).alias("x_dis"),
    )
    frame = (
        pairs.join(counts, on=["stage", "touchpoint"], how="left")
        .with_columns(
            pl.col("touchpoint").cast(pl.String),
            *[pl.col(c).fill_null(0) for c in ("exposed", "a", "n_sat", "x_sat", "n_dis", "x_dis")],
        )
        .sort("stage", "touchpoint")
        .collect()
    )
    return frame.select(empty.columns), populations


# --------------------------------------------------------------------------- the statistics


def compute_moments(j: Journeys, *, alpha: float = 0.05) -> MomentsResult:
    """SPEC section 13 over the journeys ``j``; ``alpha`` decides ``significant``."""
    model = j.model
    frame, populations = pair_counts(j)
    kept = frame.filter(pl.col("exposed") >= model.min_customers)
    rows = list(kept.iter_rows(named=True))
    tests, effects = [], []
    for r in rows:
        pop = populations[r["stage"] - 1]
        a, b = r["a"], r["exposed"] - r["a"]
        c, d = pop.converted - a, pop.customers - pop.converted - b
        r.update(b=b, c=c, d=d)
        tests.append(odds_ratio_test(a, b, c, d))
        effects.append(
            proportion_test(r["x_dis"], r["n_dis"], r["x_sat"], r["n_sat"], exact=False)
            if r["n_sat"] and r["n_dis"]
            else None
        )
    adjusted = _bh([t.p_value for t in tests])
    tested = [e for e in effects if e is not None]
    effect_adjusted = iter(_bh([e.p_value for e in tested]))
    moments = []
    for r, test, p_adj, effect in zip(rows, tests, adjusted, effects, strict=True):
        a, b, c, d = r["a"], r["b"], r["c"], r["d"]
        pop = populations[r["stage"] - 1]
        exposed_rate = a / (a + b) if a + b else None
        other_rate = c / (c + d) if c + d else None
        sat_effect = None
        if effect is not None:
            e_adj = next(effect_adjusted)
            sat_effect = SatisfactionEffect(effect, e_adj, e_adj < alpha, r["x_sat"], r["x_dis"])
        moments.append(
            Moment(
                stage_index=r["stage"],
                stage=pop.id,
                touchpoint=r["touchpoint"],
                a=a,
                b=b,
                c=c,
                d=d,
                conversion_exposed=exposed_rate,
                conversion_other=other_rate,
                # float subtraction, not the test's exact lift: SPEC 13's published bytes
                lift=None if exposed_rate is None or other_rate is None else exposed_rate - other_rate,
                odds_ratio=test.odds_ratio,
                ci95=test.ci95,
                p_value=test.p_value,
                p_adjusted=p_adj,
                significant=p_adj < alpha,
                satisfaction=r["sat_units"] / (r["responses"] * SCORE_SCALE) if r["responses"] else None,
                responses=int(r["responses"]),
                satisfaction_effect=sat_effect,
                flags=_flags(a, b, c, d, pop.customers),
            )
        )
    # SPEC 15 order; odds ratios compared exactly (equal ratios can differ in the last bit)
    moments.sort(key=lambda m: (m.p_adjusted, -_exact_odds(m), m.stage_index, m.touchpoint))
    result = MomentsResult(model, alpha, j.customers.height, populations, with_keys(moments))
    result.reasons = _reasons(result, dropped=frame.height - kept.height)
    result.warnings = list(j.table.warnings) + j.warnings  # rejected rows among them
    return result


def _bh(p_values: list[float | None]) -> list[float]:
    """Benjamini-Hochberg over p-values that are all defined (n > 0 on every side here)."""
    return [q for q in benjamini_hochberg(p_values) if q is not None]


def _flags(a: int, b: int, c: int, d: int, population: int) -> tuple[str, ...]:
    """What a careful analyst would say before trusting the pair's numbers."""
    flags = []
    if min(a, b, c, d) < SMALL_CELL:
        flags.append("small_counts")  # the odds ratio leans on the +0.5 correction; its interval is wide
    if population and not SKEW_SHARE <= (a + b) / population <= 1 - SKEW_SHARE:
        flags.append("skewed")  # almost nobody (or almost everybody) met it: a thin comparison group
    return tuple(flags)


def _reasons(result: MomentsResult, *, dropped: int) -> list[str]:
    """Why no claim is confident (empty when some are)."""
    if result.confident:
        return []
    out = []
    widest = result.populations[0].customers if result.populations else 0
    min_c = result.model.min_customers
    if len(result.populations) < 2:
        out.append(say("mo_one_stage"))
    elif not result.moments:
        out.append(say("mo_none_met", min=min_c) + (say("mo_pairs_left_out", n=dropped) if dropped else ""))
    if widest < FEW_CUSTOMERS:
        floor = smallest_fisher_p(widest)
        out.append(
            say("mo_few", n=widest, floor=f"{floor:.3g}")
            + (say("mo_alpha", alpha=f"{result.alpha:g}") if floor >= result.alpha else "")
        )
    if result.moments:
        significant = [m for m in result.moments if m.significant]
        if not significant:
            best = min(m.p_adjusted for m in result.moments)
            out.append(say("mo_none_significant", alpha=f"{result.alpha:g}", n=len(result.moments), best=f"{best:.3g}"))
        else:
            out.append(say("mo_small_cells", n=len(significant), min=SMALL_CELL))
    return out


def _satisfaction_diff(m: Moment) -> Fraction:
    """The satisfaction effect's diff exactly: x_sat/n_sat - x_dis/n_dis."""
    e = m.satisfaction_effect
    assert e is not None
    return Fraction(e.x_satisfied, e.n_satisfied) - Fraction(e.x_dissatisfied, e.n_dissatisfied)


def _exposure_lift(m: Moment) -> Fraction:
    return Fraction(m.a, m.a + m.b) - Fraction(m.c, m.c + m.d)


def with_keys(moments: list[Moment]) -> list[Moment]:
    """``moments`` with SPEC 13 v2's key moment of each stage marked (``key_rule``):
    1. a significant satisfaction effect with diff > 0: the largest diff, then the larger
       n_satisfied + n_dissatisfied, then touchpoint;
    2. else a non-structural moment with p_adjusted < alpha and lift > 0: the largest
       lift, then the larger a + b, then touchpoint;
    3. else none. Diffs and lifts are compared exactly."""
    keys: dict[int, tuple[Moment, str]] = {}
    for k in sorted({m.stage_index for m in moments}):
        stage = [m for m in moments if m.stage_index == k]
        rule1 = [
            m
            for m in stage
            if m.satisfaction_effect is not None and m.satisfaction_effect.significant and _satisfaction_diff(m) > 0
        ]
        rule2 = [
            m for m in stage if not m.structural and m.significant and m.a + m.b and m.c + m.d and _exposure_lift(m) > 0
        ]
        if rule1:
            best = min(
                rule1,
                key=lambda m: (
                    -_satisfaction_diff(m),
                    -(m.satisfaction_effect.n_satisfied + m.satisfaction_effect.n_dissatisfied),  # type: ignore[union-attr]
                    m.touchpoint,
                ),
            )
            keys[k] = (best, "satisfaction")
        elif rule2:
            keys[k] = (min(rule2, key=lambda m: (-_exposure_lift(m), -(m.a + m.b), m.touchpoint)), "exposure")
    chosen = {id(m): rule for m, rule in keys.values()}
    return [replace(m, key_rule=chosen[id(m)]) if id(m) in chosen else m for m in moments]


def key_moments(result: MomentsResult) -> dict[str, Moment]:
    """Each stage's key moment (SPEC 13 v2), by stage id; stages without one are absent."""
    return {m.stage: m for m in result.moments if m.key}


def measured_moments(result: MomentsResult) -> dict[str, MeasuredMoment]:
    """``key_moments`` in the form the journey map shows (◆, with the rule that chose it)."""
    out = {}
    for stage, m in key_moments(result).items():
        if m.key_rule == "satisfaction":
            gap = float(_satisfaction_diff(m))
        elif m.lift is not None:
            gap = m.lift
        else:
            continue
        out[stage] = MeasuredMoment(m.touchpoint, m.odds_ratio, gap, m.key_rule or "exposure")
    return out


def impact_of(result: MomentsResult) -> dict[tuple[str, str], float]:
    """Each (stage, touchpoint)'s measured harm to conversion, for `ranking.impact`: the
    larger of how much less customers who met it converted (-lift, when the moment is
    confident) and how much more its satisfied than its dissatisfied customers converted
    (when that satisfaction effect is significant), as a share 0..1; 0 otherwise."""
    out: dict[tuple[str, str], float] = {}
    for m in result.moments:
        harm = max(0.0, -m.lift) if m.confident and m.lift is not None else 0.0
        se = m.satisfaction_effect
        if se is not None and se.significant and se.test.diff is not None:
            harm = max(harm, se.test.diff)
        out[(m.stage, m.touchpoint)] = min(1.0, harm)
    return out


def _exact_odds(m: Moment) -> Fraction:
    """SPEC 13's odds ratio as an exact fraction: (2a+1)(2d+1) / ((2b+1)(2c+1))."""
    return Fraction((2 * m.a + 1) * (2 * m.d + 1), (2 * m.b + 1) * (2 * m.c + 1))
