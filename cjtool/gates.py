"""CI gates: thresholds on a JourneyMap that pass or fail (`cjtool check`).

A gate's target is a stage id or a touchpoint name. A gate whose value cannot be
measured (no scores, no customers) fails: a CI job should not pass on missing data.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.model import Gates
from cjtool.result import JourneyMap

KINDS = {
    "min_conversion": ("conversion", ">="),
    "min_satisfaction": ("satisfaction", ">="),
    "max_drop_off": ("drop_off", "<="),
    "min_nps": ("nps_gate", ">="),
}
# data-quality gates: no target, a share of the whole input
DATA_KINDS = {
    "max_rejected": ("rejected_share", "<="),  # rejected rows / rows read
    "max_unassigned": ("unassigned_share", "<="),  # unassigned events / events
}
RATE_KINDS = ("min_conversion", "max_drop_off", *DATA_KINDS)


def gate_threshold_problem(kind: str, x: float) -> str | None:
    """Why ``x`` cannot be a threshold of ``kind``: rates are shares, 0.3 not 30."""
    if kind in RATE_KINDS and not 0 <= x <= 1:
        return say("e_not_share", x=f"{x:g}")
    if kind == "min_nps" and not -100 <= x <= 100:
        return say("e_not_nps", x=f"{x:g}")
    return None


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

    def value_text(self, lang: str = "en") -> str | None:
        """The value with the precision of the threshold as written, one digit more, and
        more still while rounding would make it look equal to a threshold it misses."""
        if self.value is None:
            return None
        percent = self.written.endswith("%")
        number = self.written.removesuffix("%")
        digits = len(number.partition(".")[2]) + 1 if "e" not in number.lower() else 4
        scale = 100 if percent else 1
        while True:
            text = f"{self.value * scale:.{digits}f}"
            if digits >= 6 or self.passed or float(text) != self.threshold * scale:
                return text + ("%" if percent else "")
            digits += 1

    def describe(self, lang: str = "en", label: str | None = None) -> str:
        """``label``: the stage's label in ``lang``; in Chinese it leads, the id (what
        the gate is written with) follows."""
        from cjtool.i18n import t

        where = f"[{self.segment}] " if self.segment else ""
        if self.target is None:
            what, op = DATA_KINDS[self.kind]
            return f"{where}{t(what, lang)} {op} {self.written}"
        what, op = KINDS[self.kind]
        target = f"{label}（{self.target}）" if lang == "zh" and label and label != self.target else self.target
        return f"{where}{t(what + '_of', lang).format(target=target)} {op} {self.written}"


def merge(model_gates: Gates, cli: dict[str, list[tuple[str, float]]]) -> Gates:
    """The model's gates with command-line gates added; the command line wins per target."""
    merged = {}
    for kind in KINDS:
        d = dict(getattr(model_gates, kind))
        d.update(dict(cli.get(kind, [])))
        merged[kind] = tuple(d.items())
    return Gates(**merged)


def _stage_value(result: JourneyMap, kind: str, stage_id: str) -> float | None:
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
) -> list[GateResult]:
    """``texts``: the thresholds as written, by (kind, target); ``data_gates``: kind ->
    (threshold, as written) of the data-quality gates, checked first."""
    texts = texts or {}
    out = [GateResult(kind, None, x, data_value(result, kind), text) for kind, (x, text) in (data_gates or {}).items()]
    stage_ids = [s.id for s in result.model.stages]
    known_tps = {t.touchpoint for t in result.touchpoints} | {tp for s in result.model.stages for tp in s.touchpoints}
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

    def value_text(self, lang: str = "en") -> str | None:
        """diff [interval] and the adjusted p the verdict reads (sequential: Holm's over
        the always-valid p's)."""
        from cjtool.render.compare_text import delta, interval, p_text

        t, s = self.row.test, self.row.sequential
        if t is None or t.diff is None:
            return None
        ci = s.ci if s is not None else t.ci95
        return f"{delta(self.row.metric, t.diff, lang)} {interval(self.row.metric, ci)} p={p_text(self.row.p_adjusted)}"

    def describe(self, lang: str = "en", label: str | None = None) -> str:
        from cjtool.i18n import t
        from cjtool.render.compare_text import metric_name

        where = self.row.stage if self.row.touchpoint is None else f"{self.row.stage} · {self.row.touchpoint}"
        who = t("gate_of_variant", lang).format(v=self.comparison) if self.per_variant else ""
        margin = t("gate_by_more", lang).format(x=self.written) if self.threshold else ""
        return t("gate_not_worse", lang).format(
            where=where, metric=metric_name(self.row.metric, lang), who=who, margin=margin
        )


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
