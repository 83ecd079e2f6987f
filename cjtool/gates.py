"""CI gates: thresholds on a JourneyMap that pass or fail (`cjtool check`).

A gate's target is a stage id or a touchpoint name. A gate whose value cannot be
measured (no scores, no customers) fails: a CI job should not pass on missing data.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cjtool.errors import UsageError
from cjtool.gate_kinds import DATA_KINDS, KINDS
from cjtool.i18n import say
from cjtool.model import Gates
from cjtool.result import JourneyMap


@dataclass(frozen=True)
class GateResult:
    kind: str
    target: str | None  # None: a data-quality gate on the whole input
    threshold: float
    value: float | None
    threshold_text: str | None = None  # as the user wrote it (`30%`); None: from the model
    segment: str | None = None  # `ATTRIBUTE=VALUE` with check --by: the segment this gate was measured on

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        op = {**KINDS, **DATA_KINDS}[self.kind][1]
        return self.value >= self.threshold if op == ">=" else self.value <= self.threshold

    @property
    def written(self) -> str:
        """The threshold as written: `30%` stays `30%`."""
        return self.threshold_text or f"{self.threshold:g}"


def merge(model_gates: Gates, cli: dict[str, list[tuple[str, float]]]) -> Gates:
    """The model's gates with command-line gates added; the command line wins per target."""
    merged = {}
    for kind in KINDS:
        d = dict(getattr(model_gates, kind))
        d.update(dict(cli.get(kind, [])))
        merged[kind] = tuple(d.items())
    return Gates(**merged)


def _at_stake(result: JourneyMap, stage: str | None = None, touchpoint: str | None = None) -> float:
    """Customers at stake (SPEC 17) summed over the opportunities of a stage or a touchpoint
    (of every stage it is in): 0 where its drop-off is at or under the benchmark."""
    return float(
        sum(
            o.customers_at_stake
            for o in result.opportunities
            if (stage is None or o.stage == stage) and (touchpoint is None or o.touchpoint == touchpoint)
        )
    )


def _stage_value(result: JourneyMap, kind: str, stage_id: str) -> float | None:
    if kind == "max_at_stake":
        return _at_stake(result, stage=stage_id)
    s = next(s for s in result.stages if s.id == stage_id)
    if kind == "min_conversion":
        return s.conversion_from_first
    if kind == "min_satisfaction":
        return s.scores.satisfaction
    if kind == "min_nps":
        return s.scores.nps
    # max_drop_off of a stage: the share of its customers who do not reach the next one
    if s.drop_off is None or not s.customers:
        return None
    return s.drop_off / s.customers


def _touchpoint_value(result: JourneyMap, kind: str, name: str) -> float | None:
    """A touchpoint's value over every stage it appears in: drop-off and satisfaction
    pooled; NPS the worst of its stages (the pairs' answers are not kept)."""
    pairs = [t for t in result.touchpoints if t.touchpoint == name]
    if not pairs:
        return None
    if kind == "max_at_stake":
        return _at_stake(result, touchpoint=name)
    if kind == "max_drop_off":
        exits, customers = sum(t.exits for t in pairs), sum(t.customers for t in pairs)
        return exits / customers if customers else None
    if kind == "min_satisfaction":
        n = sum(t.scores.responses for t in pairs)
        total = sum(t.scores.satisfaction * t.scores.responses for t in pairs if t.scores.satisfaction is not None)
        return total / n if n else None
    values = [t.scores.nps for t in pairs if t.scores.nps is not None]
    return min(values) if values else None


def data_value(result: JourneyMap, kind: str) -> float | None:
    """The share a data-quality gate limits; None when there is nothing to divide by."""
    if kind == "max_rejected":
        return result.rows_rejected / result.rows_read if result.rows_read else None
    events = result.events_assigned + result.events_unassigned
    return result.events_unassigned / events if events else None


def evaluate(
    result: JourneyMap,
    gates: Gates,
    texts: dict[tuple[str, str], str] | None = None,
    data_gates: dict[str, tuple[float, str]] | None = None,
    run: JourneyMap | None = None,
) -> list[GateResult]:
    """``texts``: the thresholds as written, by (kind, target); ``data_gates``: kind ->
    (threshold, as written) of the data-quality gates, checked first; ``run``: the whole
    run's map when ``result`` is a segment's (a gate names a touchpoint of the run: a
    segment without it has no value there, which fails like any missing value)."""
    texts = texts or {}
    out = [GateResult(kind, None, x, data_value(result, kind), text) for kind, (x, text) in (data_gates or {}).items()]
    stage_ids = [s.id for s in result.model.stages]
    known_tps = {t.touchpoint for t in (run or result).touchpoints} | {
        tp for s in result.model.stages for tp in s.touchpoints
    }
    for kind in KINDS:
        for target, threshold in getattr(gates, kind):
            if target in stage_ids:
                if kind == "max_drop_off" and target == stage_ids[-1]:
                    raise UsageError(say("g_last_stage", target=target))
                value = _stage_value(result, kind, target)
            elif kind == "min_conversion":
                raise UsageError(say("g_not_stage", target=target, stages=", ".join(stage_ids)))
            elif target in known_tps:
                value = _touchpoint_value(result, kind, target)
            else:
                close = difflib.get_close_matches(target, [*stage_ids, *sorted(known_tps)], n=1)
                hint = say("e_did_you_mean", close=close[0]) if close else ""
                raise UsageError(say("g_unknown", kind=kind, target=target, hint=hint, stages=", ".join(stage_ids)))
            out.append(GateResult(kind, target, threshold, value, texts.get((kind, target))))
    return out


# ------------------------------------------------------------------ regression gates

# what a regression gate watches (SPEC 10 tests against a baseline): conversion from the
# first stage, touchpoint drop-off, CSAT and NPS
REGRESSION_METRICS = ("conversion_from_first", "drop_off_rate", "satisfaction", "nps")


@dataclass(frozen=True)
class RegressionGate:
    """One metric of the current data (or a variant) against the baseline: fails when it
    is significantly worse (Holm over the gated family, or always-valid in sequential
    mode) by more than the minimum effect. Same face as ``GateResult`` for the renderers."""

    row: Any  # cjtool.analyses.compare.Row
    comparison: str
    baseline: str
    threshold: float  # the minimum effect, in the metric's units
    threshold_text: str | None = None
    per_variant: bool = False  # name the variant (A/B gates), not the file
    kind: str = "no_regression"
    segment: str | None = None  # the variant is in `comparison`; threshold gates of `check --by` set this

    @property
    def target(self) -> str:
        return self.row.touchpoint or self.row.stage

    @property
    def value(self) -> float | None:
        return self.row.test.diff if self.row.test is not None else None

    @property
    def passed(self) -> bool:
        return self.row.verdict != "worse"

    @property
    def written(self) -> str:
        return self.threshold_text or f"{self.threshold:g}"


def regression_gates(result: Any, texts: dict[str, str] | None = None) -> list[RegressionGate]:
    """A gate per defined test of every comparison of ``result`` (a CompareResult run with
    ``metrics=REGRESSION_METRICS``); ``texts``: the minimum effects as written, by kind."""
    texts = texts or {}
    out = []
    for c in result.comparisons:
        for row in c.rows:
            if row.test is None or row.metric not in REGRESSION_METRICS:
                continue
            kind = "rate" if row.metric in ("conversion_from_first", "drop_off_rate") else row.metric
            x = result.min_effect.of(row.metric)
            per_variant = result.kind in ("variants", "segments")
            out.append(RegressionGate(row, c.label, result.baseline_label, x, texts.get(kind), per_variant))
    return out
