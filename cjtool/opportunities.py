"""Opportunities: where to invest first, and what it is worth (SPEC section 17).

For each ranked touchpoint of a stage k < K, the customers who would have reached stage
k+1 had its drop-off been the benchmark (a target, else the median drop-off rate of the
stage's ranked touchpoints), and the completions and revenue they would have brought had
they gone on as those who reached stage k+1 did. Everything is decided with exact
fractions of the map's counts; floats appear only in the JSON.

These are estimates under a stated assumption, never observed counts: every output that
shows them says so (``ASSUMPTION`` in the catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from cjtool.result import SCORE_SCALE, Opportunity, StageMetrics, TouchpointMetrics


def median(values: Sequence[Fraction]) -> Fraction:
    """The median (mean of the two middle values for an even count), exactly."""
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def find_opportunities(
    stages: Sequence[StageMetrics],
    touchpoints: Sequence[TouchpointMetrics],
    targets: Mapping[str, Fraction],
    revenue_reached: Sequence[int] | None,
) -> list[Opportunity]:
    """SPEC 17 over a map's stages and ranked touchpoints. ``revenue_reached[k-1]`` is the
    revenue, in millionths, of the customers with depth >= k (None without a revenue
    column); ``targets`` maps a touchpoint to its target drop-off rate."""
    K = len(stages)
    ranked = [tp for tp in touchpoints if tp.rank is not None and tp.stage_index < K and tp.customers]
    rates: dict[int, list[Fraction]] = {}
    for tp in ranked:
        rates.setdefault(tp.stage_index, []).append(Fraction(tp.exits, tp.customers))
    medians = {k: median(v) for k, v in rates.items()}
    completed = stages[-1].customers if stages else 0
    out = []
    for tp in ranked:
        k = tp.stage_index
        target = targets.get(tp.touchpoint)
        benchmark = target if target is not None else medians[k]
        at_stake = tp.exits - benchmark * tp.customers
        if at_stake <= 0:
            continue
        went_on = stages[k].customers  # customers_(k+1)
        revenue = None
        if revenue_reached is not None:
            revenue = at_stake * Fraction(revenue_reached[k], SCORE_SCALE) / went_on if went_on else Fraction(0)
        out.append(
            Opportunity(
                stage=tp.stage,
                stage_index=k,
                touchpoint=tp.touchpoint,
                rank=tp.rank,  # type: ignore[arg-type]  # ranked: not None
                customers=tp.customers,
                exits=tp.exits,
                benchmark=benchmark,
                benchmark_from="median" if target is None else "target",
                customers_at_stake=at_stake,
                completions_at_stake=at_stake * completed / went_on if went_on else Fraction(0),
                revenue_at_stake=revenue,
            )
        )
    out.sort(key=lambda o: (-o.completions_at_stake, -o.customers_at_stake, o.rank))
    return out
