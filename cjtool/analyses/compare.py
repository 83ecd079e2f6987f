"""Comparisons with statistics (SPEC 10, JSON shape in 15, readings in 16).

A population is a set of customers mapped as in SPEC 9: every population of one run
comes from ONE grouped pass (``compute_maps`` with a per-customer code). Each non-baseline
population B is tested against the baseline A per stage (conversions, scores) and per
touchpoint present on both sides (drop-off rate, scores); Holm's step-down runs over every
p-value of that B against A, with stage 2's conversion_from_previous (the same test as
conversion_from_first) counted once.

``sequential=True`` adds always-valid (confidence-sequence) intervals and p-values, also
Holm-adjusted, for gates re-run as data arrive; verdicts then read those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from cjtool.analyses.segments import (
    DEFAULT_LIMIT,
    NONE,
    OTHER,
    Attribute,
    attribute,
    distinct_values,
    event_column,
    segment_codes,
)
from cjtool.errors import DataError, UsageError
from cjtool.i18n import current_lang, say, shown_value, t
from cjtool.i18n import t as tr
from cjtool.journeys import Journeys
from cjtool.metrics import SCORE_SCALE, compute_map, compute_maps
from cjtool.result import JourneyMap, Scores
from cjtool.stats import (
    MIN_SAMPLE,
    SequentialTest,
    SrmTest,
    TwoSampleTest,
    holm,
    nps_test,
    proportion_test,
    srm_test,
    verdict,
    welch_test,
)
from cjtool.stats.sequential import sequential_interval, sequential_means, sequential_proportions
from cjtool.stats.twosample import nps_parts

SCHEMA = "cjtool.compare/1"
STAGE_METRICS = ("conversion_from_first", "conversion_from_previous", "satisfaction", "effort", "nps")
TOUCHPOINT_METRICS = ("drop_off_rate", "satisfaction", "effort", "nps")
HIGHER_IS_BETTER = {
    "conversion_from_first": True,
    "conversion_from_previous": True,
    "drop_off_rate": False,
    "satisfaction": True,
    "effort": False,  # customer effort: less is better
    "nps": True,
}
MAX_SIDES = DEFAULT_LIMIT  # sides of a comparison by --by (as `map --by`'s segments): beyond, pooled or refused
RATE_METRICS = ("conversion_from_first", "conversion_from_previous", "drop_off_rate")
NEGLIGIBLE = "negligible"  # significant, but no larger than the minimum effect that matters


@dataclass(frozen=True)
class MinEffect:
    """The smallest change that matters, per kind of metric, in its own units: rates as
    shares (0.02 = 2 percentage points), scores in scale points, NPS in NPS points."""

    rate: float = 0.0
    satisfaction: float = 0.0
    effort: float = 0.0
    nps: float = 0.0
    texts: tuple[tuple[str, str], ...] = ()  # (kind, as written): `2pp` stays `2pp` in gate lines

    def of(self, metric: str) -> float:
        return self.rate if metric in RATE_METRICS else getattr(self, metric)

    def to_dict(self) -> dict[str, float]:
        return {"rate": self.rate, "satisfaction": self.satisfaction, "effort": self.effort, "nps": self.nps}


@dataclass(frozen=True)
class Row:
    """One metric of one stage (``touchpoint`` None) or (stage, touchpoint) pair."""

    stage: str
    touchpoint: str | None
    metric: str
    test: TwoSampleTest | None
    sequential: SequentialTest | None = None
    verdict: str = "too small to conclude"

    @property
    def significant(self) -> bool:
        """The decision the verdict reads: the always-valid test's (Holm-adjusted) in
        sequential mode, else the fixed-horizon test's."""
        if self.sequential is not None:
            return self.sequential.significant
        return self.test is not None and self.test.significant

    @property
    def p_adjusted(self) -> float | None:
        """The adjusted p the verdict reads (sequential: Holm over the always-valid p's)."""
        if self.sequential is not None:
            return self.sequential.p_adjusted
        return None if self.test is None else self.test.p_adjusted

    @property
    def flagged(self) -> bool:
        """Significant and large enough to conclude: what a display marks with `*`."""
        return self.significant and self.verdict != "too small to conclude"

    def test_dict(self) -> dict[str, Any] | None:
        """SPEC 15 {test}, plus `verdict` and, in sequential mode, the always-valid interval
        with its Holm-adjusted p; `significant` is then the decision the verdict reads
        (the sequential one), `p_adjusted` stays the fixed-horizon Holm p."""
        if self.test is None:
            return None
        d = self.test.to_dict() | {"verdict": self.verdict}
        if self.sequential is not None:
            s = self.sequential
            d["significant"] = s.significant
            d["sequential"] = {
                "ci": [s.ci[0], s.ci[1]],
                "p_value": s.p_value,
                "p_adjusted": s.p_adjusted,
                "significant": s.significant,
            }
        return d


@dataclass
class Comparison:
    label: str
    map: JourneyMap
    rows: list[Row]
    mixed: int = 0
    srm: SrmTest | None = None

    def row(self, stage: str, metric: str, touchpoint: str | None = None) -> Row | None:
        return next(
            (r for r in self.rows if r.stage == stage and r.touchpoint == touchpoint and r.metric == metric), None
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        stages = [{"id": s.id} | {m: _dict(self.row(s.id, m)) for m in STAGE_METRICS} for s in self.map.model.stages]
        pairs = dict.fromkeys((r.stage, r.touchpoint) for r in self.rows if r.touchpoint is not None)
        touchpoints = [
            {"stage": s, "touchpoint": t} | {m: _dict(self.row(s, m, t)) for m in TOUCHPOINT_METRICS} for s, t in pairs
        ]
        return {
            "label": self.label,
            "map": self.map.to_dict(lang),
            "mixed": self.mixed,
            "srm": None if self.srm is None else self.srm.to_dict(),
            "stages": stages,
            "touchpoints": touchpoints,
        }


def _dict(row: Row | None) -> dict[str, Any] | None:
    return None if row is None else row.test_dict()


@dataclass
class CompareResult:
    kind: str  # variants, segments, split, files, map
    alpha: float
    baseline_label: str
    baseline: JourneyMap
    comparisons: list[Comparison]
    attribute: str | None = None
    excluded: dict[str, int] = field(default_factory=dict)  # A/B: mixed and (none) customers
    min_effect: MinEffect = MinEffect()
    sequential: bool = False
    warnings: list[str] = field(default_factory=list)
    # tests the current data could run but a stored or exported baseline could not (no
    # answers, no such touchpoint); also in ``warnings``
    not_run: list[Gap] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "alpha": self.alpha,
            "kind": self.kind,
            "attribute": self.attribute,
            "sequential": self.sequential,
            "min_effect": self.min_effect.to_dict(),
            "excluded": dict(self.excluded),
            "baseline": {"label": self.baseline_label, "map": self.baseline.to_dict(lang)},
            "comparisons": [c.to_dict(lang) for c in self.comparisons],
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------------ the tests


def _welch(a: Scores, b: Scores, metric: str) -> TwoSampleTest | None:
    sa, sb = a.sums, b.sums
    if metric == "satisfaction":
        return welch_test(
            (sa.responses, sa.sat_units, sa.sat_sq), (sb.responses, sb.sat_units, sb.sat_sq), scale=SCORE_SCALE
        )
    return welch_test((sa.eff_n, sa.eff_units, sa.eff_sq), (sb.eff_n, sb.eff_units, sb.eff_sq), scale=SCORE_SCALE)


def _nps(a: Scores, b: Scores) -> TwoSampleTest | None:
    return nps_test(
        (a.sums.promoters, a.sums.detractors, a.sums.nps_n), (b.sums.promoters, b.sums.detractors, b.sums.nps_n)
    )


def _score_tests(a: Scores, b: Scores) -> dict[str, TwoSampleTest | None]:
    return {"satisfaction": _welch(a, b, "satisfaction"), "effort": _welch(a, b, "effort"), "nps": _nps(a, b)}


def _sequential(
    metric: str, a: Scores | tuple[int, int], b: Scores | tuple[int, int], alpha: float
) -> SequentialTest | None:
    """The always-valid counterpart of a row's test (same sufficient statistics)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return sequential_proportions(*a, *b, alpha=alpha)
    assert isinstance(a, Scores) and isinstance(b, Scores)
    sa, sb = a.sums, b.sums
    if metric == "satisfaction":
        return sequential_means(
            (sa.responses, sa.sat_units, sa.sat_sq),
            (sb.responses, sb.sat_units, sb.sat_sq),
            scale=SCORE_SCALE,
            alpha=alpha,
        )
    if metric == "effort":
        return sequential_means(
            (sa.eff_n, sa.eff_units, sa.eff_sq), (sb.eff_n, sb.eff_units, sb.eff_sq), scale=SCORE_SCALE, alpha=alpha
        )
    if not sa.nps_n or not sb.nps_n:
        return None
    (na, va), (nb, vb) = (
        nps_parts(sa.promoters, sa.detractors, sa.nps_n),
        nps_parts(sb.promoters, sb.detractors, sb.nps_n),
    )
    if va == 0 and vb == 0:
        return None
    se = float(va / sa.nps_n + vb / sb.nps_n) ** 0.5
    return sequential_interval(float(nb - na), se, sa.nps_n + sb.nps_n, alpha=alpha)


def compare_maps(
    a: JourneyMap,
    b: JourneyMap,
    *,
    alpha: float = 0.05,
    min_effect: MinEffect = MinEffect(),
    sequential: bool = False,
    metrics: Iterable[str] | None = None,
) -> list[Row]:
    """Every SPEC 10 test of B against A, Holm-adjusted over the family (``metrics``:
    only these metrics, e.g. what a CI gate watches; default all)."""
    wanted = set(metrics) if metrics is not None else set(HIGHER_IS_BETTER)
    # (stage, touchpoint, metric, test, sufficient statistics of A and B for the sequential test)
    raw: list[tuple[str, str | None, str, TwoSampleTest | None, Any, Any]] = []
    entered_a, entered_b = a.stages[0].customers, b.stages[0].customers
    for k, (sa, sb) in enumerate(zip(a.stages, b.stages, strict=True), start=1):
        if k >= 2:
            raw.append(
                (
                    sa.id,
                    None,
                    "conversion_from_first",
                    proportion_test(sa.customers, entered_a, sb.customers, entered_b),
                    (sa.customers, entered_a),
                    (sb.customers, entered_b),
                )
            )
            pa, pb = a.stages[k - 2].customers, b.stages[k - 2].customers
            if k > 2:  # at stage 2 it is conversion_from_first again: filled in after Holm
                raw.append(
                    (
                        sa.id,
                        None,
                        "conversion_from_previous",
                        proportion_test(sa.customers, pa, sb.customers, pb),
                        (sa.customers, pa),
                        (sb.customers, pb),
                    )
                )
        for metric, test in _score_tests(sa.scores, sb.scores).items():
            raw.append((sa.id, None, metric, test, sa.scores, sb.scores))
    pairs_b = {(t.stage_index, t.touchpoint): t for t in b.touchpoints}
    for ta in sorted(a.touchpoints, key=lambda t: (t.stage_index, t.touchpoint)):
        tb = pairs_b.get((ta.stage_index, ta.touchpoint))
        if tb is None:
            continue
        raw.append(
            (
                ta.stage,
                ta.touchpoint,
                "drop_off_rate",
                proportion_test(ta.exits, ta.customers, tb.exits, tb.customers),
                (ta.exits, ta.customers),
                (tb.exits, tb.customers),
            )
        )
        for metric, test in _score_tests(ta.scores, tb.scores).items():
            raw.append((ta.stage, ta.touchpoint, metric, test, ta.scores, tb.scores))
    second = a.stages[1].id if len(a.stages) > 1 else None  # stage 2's from_previous is its from_first
    raw = [
        r
        for r in raw
        if r[2] in wanted
        or (r[2] == "conversion_from_first" and "conversion_from_previous" in wanted and r[0] == second)
    ]
    family = _family(raw)
    adjusted = _holm_family([None if t is None else t.p_value for _, _, _, t, _, _ in raw], family)
    seqs = [_sequential(m, xa, xb, alpha) if sequential and t is not None else None for _, _, m, t, xa, xb in raw]
    seq_adjusted = _holm_family([None if s is None else s.p_value for s in seqs], family)
    rows: list[Row] = []
    for (stage, tp, metric, test, _, _), q, s, sq in zip(raw, adjusted, seqs, seq_adjusted, strict=True):
        test = None if test is None else test.with_adjusted(q, alpha)
        if s is not None:
            s = replace(s, p_adjusted=sq, significant=sq is not None and sq < alpha)
        row = Row(stage, tp, metric, test, s)
        rows.append(replace(row, verdict=row_verdict(row, alpha, min_effect)))
    if len(a.stages) >= 2:
        first = next(
            (
                r
                for r in rows
                if r.stage == a.stages[1].id and r.metric == "conversion_from_first" and r.touchpoint is None
            ),
            None,
        )
        if first is not None and "conversion_from_previous" in wanted:
            rows.append(replace(first, metric="conversion_from_previous"))
        if first is not None and "conversion_from_first" not in wanted:
            rows.remove(first)
    order = {m: i for i, m in enumerate(STAGE_METRICS + ("drop_off_rate",))}
    index = {s.id: i for i, s in enumerate(a.model.stages)}
    rows.sort(key=lambda r: (r.touchpoint is not None, index[r.stage], r.touchpoint or "", order[r.metric]))
    return rows


SCORE_NAMES = {"satisfaction": "CSAT", "effort": "CES", "nps": "NPS"}


@dataclass(frozen=True)
class Gap:
    """Tests the current data could run but the baseline cannot (``baseline_gaps``):
    ``metric`` a score whose answers the baseline lacks, or None for touchpoints it does
    not have; ``count`` places, the ``first`` of them."""

    metric: str | None
    count: int
    first: str

    def text(self, lang: str = "en") -> str:
        if self.metric is not None:
            key = "gap_scores_one" if self.count == 1 else "gap_scores"
            return t(key, lang).format(n=f"{self.count:,}", name=SCORE_NAMES[self.metric], first=self.first)
        key = "gap_touchpoints_one" if self.count == 1 else "gap_touchpoints"
        return t(key, lang).format(n=f"{self.count:,}", first=self.first)


def baseline_gaps(base: JourneyMap, current: JourneyMap, metrics: Iterable[str] | None = None) -> list[Gap]:
    """The tests of ``metrics`` (default all) the current data could run but the baseline
    cannot: scores where the baseline has no answer and the current data has some (an
    export without the score column), touchpoints the baseline does not have."""
    wanted = set(metrics) if metrics is not None else set(HIGHER_IS_BETTER)
    answers = {"satisfaction": "responses", "effort": "eff_n", "nps": "nps_n"}
    pairs_a = {(t.stage_index, t.touchpoint): t for t in base.touchpoints}
    out = []
    for metric in SCORE_NAMES:
        if metric not in wanted:
            continue
        n = answers[metric]
        places = [
            sb.id
            for sa, sb in zip(base.stages, current.stages, strict=True)
            if getattr(sb.scores.sums, n) and not getattr(sa.scores.sums, n)
        ]
        places += [
            f"{tb.stage} · {tb.touchpoint}"
            for tb in current.touchpoints
            if (ta := pairs_a.get((tb.stage_index, tb.touchpoint))) is not None
            and getattr(tb.scores.sums, n)
            and not getattr(ta.scores.sums, n)
        ]
        if places:
            out.append(Gap(metric, len(places), places[0]))
    missing = [
        f"{t.stage} · {t.touchpoint}" for t in current.touchpoints if (t.stage_index, t.touchpoint) not in pairs_a
    ]
    if missing and any(m in wanted for m in TOUCHPOINT_METRICS):
        out.append(Gap(None, len(missing), missing[0]))
    return out


def refuse_gaps(result: CompareResult) -> None:
    """``--strict-baseline``: the first test the baseline could not run is an error."""
    if result.not_run:
        more = len(result.not_run) - 1
        raise DataError(
            say(
                "e_strict_gap",
                first=result.not_run[0].text(current_lang()),
                more=say("e_and_more", n=more) if more else "",
            ),
            hint=say("e_strict_gap_hint"),
        )


def _family(raw: list[tuple[str, str | None, str, TwoSampleTest | None, Any, Any]]) -> list[int | None]:
    """Per test, the index of the Holm family member it counts as: itself; the first
    test over the same data (a touchpoint's score test where that touchpoint holds every
    score of its stage on both sides: the stage's test, again); or None for a dead test,
    a proportion whose pooled rate is 0 or 1 (0/n vs 0/n, n/n vs n/n: one possible table,
    p = 1 whatever happens), which can never reject and stays out of the family."""
    out: list[int | None] = []
    seen: dict[tuple[Any, ...], int] = {}
    for i, (stage, _, metric, test, xa, xb) in enumerate(raw):
        if test is None or test.p_value is None:
            out.append(i)
            continue
        if isinstance(xa, tuple):
            x, n = xa[0] + xb[0], xa[1] + xb[1]
            out.append(None if x in (0, n) else i)
            continue
        key = (stage, metric, xa.sums, xb.sums)
        out.append(seen.setdefault(key, i))
    return out


def _holm_family(pvalues: list[float | None], family: list[int | None]) -> list[float | None]:
    """Holm over the family members only; a repeated test takes its first's adjusted p,
    a dead one its own p (1: no adjustment can change it)."""
    members = [p if family[i] == i else None for i, p in enumerate(pvalues)]
    adjusted = holm(members)
    return [None if p is None else p if f is None else adjusted[f] for p, f in zip(pvalues, family, strict=True)]


def row_verdict(row: Row, alpha: float, min_effect: MinEffect) -> str:
    """better / worse / no detectable difference / too small to conclude (``verdict``),
    and `negligible` for a significant change no larger than the minimum effect."""
    t = row.test
    diff: float | None
    if row.sequential is not None and t is not None:
        v = verdict(row.sequential, higher_is_better=HIGHER_IS_BETTER[row.metric], alpha=alpha, n=(t.n_a, t.n_b))
        diff = row.sequential.diff
    else:
        v = verdict(t, higher_is_better=HIGHER_IS_BETTER[row.metric], alpha=alpha)
        diff = t.diff if t is not None else None
    if v in ("better", "worse") and diff is not None and abs(diff) <= min_effect.of(row.metric):
        return NEGLIGIBLE
    return v


# ------------------------------------------------------------------------ populations


def _require_nonempty(label: str, m: JourneyMap) -> None:
    if m.customers_entered == 0:
        raise DataError(say("e_cmp_empty", label=label))


def compare_populations(
    maps: list[tuple[str, JourneyMap]],
    *,
    kind: str,
    alpha: float = 0.05,
    min_effect: MinEffect = MinEffect(),
    sequential: bool = False,
    metrics: Iterable[str] | None = None,
    attribute_name: str | None = None,
    mixed: int = 0,
    excluded: dict[str, int] | None = None,
    expected: dict[str, float] | None = None,
    warnings: list[str] | None = None,
    lang: str = "en",
) -> CompareResult:
    """The baseline (first of ``maps``) against each other population. SRM (A/B
    variants only): entered customers of each variant against the baseline, pairwise,
    ``expected`` split (equal unless given)."""
    if not 0 < alpha < 1:
        raise UsageError(say("e_alpha", alpha=f"{alpha:g}"))
    (base_label, base), others = maps[0], maps[1:]
    _require_nonempty(base_label, base)
    if all(m.customers_entered == 0 for _, m in others):
        _require_nonempty(others[0][0] if len(others) == 1 else "every other side", others[0][1])
    comparisons = []
    for label, m in others:
        srm = None
        if kind == "variants":
            w = expected or {}
            srm = srm_test([m.customers_entered, base.customers_entered], [w.get(label, 1.0), w.get(base_label, 1.0)])
        rows = compare_maps(base, m, alpha=alpha, min_effect=min_effect, sequential=sequential, metrics=metrics)
        comparisons.append(Comparison(label, m, rows, mixed, srm))
    out = CompareResult(
        kind, alpha, base_label, base, comparisons, attribute_name, dict(excluded or {}), min_effect, sequential
    )
    out.warnings = list(warnings or [])
    for c in comparisons:
        if c.srm is not None and c.srm.flag:
            out.warnings.append(
                tr("cmp_w_srm", lang).format(
                    nb=f"{c.map.customers_entered:,}",
                    b=c.label,
                    na=f"{base.customers_entered:,}",
                    a=base_label,
                    p=f"{c.srm.p_value:.2g}",
                )
            )
        for side, m in ((base_label, base), (c.label, c.map)):
            open_windows = sum(st.in_progress for st in m.stages)
            if open_windows and m.customers_entered and open_windows / m.customers_entered > 0.05:
                out.warnings.append(
                    tr("cmp_w_open", lang).format(side=side, open=f"{open_windows:,}", n=f"{m.customers_entered:,}")
                )
            if m.customers_entered < MIN_SAMPLE:
                out.warnings.append(tr("cmp_w_small", lang).format(side=side, n=m.customers_entered, min=MIN_SAMPLE))
    out.warnings = list(dict.fromkeys(out.warnings))
    return out


def variant_codes(
    j: Journeys, attr: Attribute, baseline: str, *, ab: bool
) -> tuple[pl.Series, list[str], dict[str, int]]:
    """Per customer a code (0 = baseline, 1.. the other values in segment order; null =
    excluded), the labels, and the excluded counts. A/B (``ab``): customers with more
    than one distinct value over assigned events are `mixed`, and `(none)` is not in
    the experiment (SPEC 10/16); both are left out of every side."""
    values = attr.values
    excluded: dict[str, int] = {}
    keep = pl.Series([True] * len(values))
    if ab:
        column = event_column(j, attr.name) if attr.source == "event column" else None
        mixed = (distinct_values(j, column) > 1) if column else pl.Series([False] * len(values))
        none = (values == NONE) & ~mixed
        excluded = {"mixed": int(mixed.sum()), "none": int(none.sum())}
        keep = ~(mixed | none)
    kept = values.filter(keep)
    _, order, _ = segment_codes(kept, limit=max(2, kept.n_unique() + 1))
    if baseline not in order:
        found = ", ".join(order) or say("none_value")
        raise UsageError(say("e_cmp_no_value", baseline=baseline, name=attr.name, found=found))
    if len(order) < 2:
        raise DataError(say("e_cmp_one_side", name=attr.name, baseline=baseline))
    labels = [baseline] + [v for v in order if v != baseline]
    if len(labels) > MAX_SIDES:  # each side is a map and a family of tests: pooled, as `map --by` pools
        if ab:
            raise UsageError(
                say("zl_ab_arms", name=attr.name, n=f"{len(labels):,}", most=MAX_SIDES),
                hint=say("zl_ab_arms_hint", name=attr.name, other=shown_value(OTHER, current_lang())),
            )
        excluded["pooled"] = len(labels) - (MAX_SIDES - 1)
        labels = labels[: MAX_SIDES - 1]
    mapping = pl.DataFrame({"v": labels, "code": list(range(len(labels)))}, schema_overrides={"code": pl.UInt32})
    frame = pl.DataFrame({"v": values, "keep": keep})
    codes = frame.join(mapping, on="v", how="left", maintain_order="left").select(
        pl.when(pl.col("keep")).then(pl.col("code").fill_null(len(labels)))
    )["code"]
    if excluded.get("pooled"):
        labels = labels + [OTHER]
    return codes, labels, excluded


def split_codes(
    j: Journeys, split: date | datetime, timezone: str | None, lang: str = "en"
) -> tuple[pl.Series, list[str]]:
    """0 for customers whose first assigned event is before ``split`` (a date is its
    midnight, in the model's time zone when set, else UTC: SPEC 16), 1 from it on."""
    at = split if isinstance(split, datetime) else datetime(split.year, split.month, split.day)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(timezone) if timezone else UTC)
    at_utc = at.astimezone(UTC).replace(tzinfo=None)
    first = j.events["timestamp"].gather(j.customers["first"])
    codes = (first >= at_utc).cast(pl.UInt32)
    text = split.isoformat()
    return codes, [tr("before_date", lang).format(d=text), tr("from_date", lang).format(d=text)]


def compare_journeys(
    j: Journeys,
    *,
    by: str | None = None,
    baseline: str | None = None,
    split: date | datetime | None = None,
    customer_file: pl.DataFrame | None = None,
    ab: bool | None = None,
    expected: dict[str, float] | None = None,
    alpha: float = 0.05,
    min_effect: MinEffect = MinEffect(),
    sequential: bool = False,
    metrics: Iterable[str] | None = None,
    lang: str = "en",
) -> CompareResult:
    """Populations of one run, all mapped in one pass: values of ``by`` (each against
    ``baseline``) or entry before / from ``split``. ``ab`` (default: an event column
    other than the channel role, or a customer file column) applies the A/B rules."""
    common: dict[str, Any] = {"alpha": alpha, "min_effect": min_effect, "sequential": sequential, "metrics": metrics}
    common["lang"] = lang
    if split is not None:
        codes, labels = split_codes(j, split, j.model.timezone, lang)
        maps = compute_maps(j, codes, 2)
        return compare_populations(list(zip(labels, maps, strict=True)), kind="split", **common)
    if by is None or baseline is None:
        raise UsageError(say("e_cmp_needs"))
    attr = attribute(j, by, customer_file=customer_file, timezone=j.model.timezone)
    if ab is None:
        ab = attr.source == "customer file" or (attr.source == "event column" and event_column(j, by) != "channel")
    codes, labels, excluded = variant_codes(j, attr, baseline, ab=ab)
    maps = compute_maps(j, codes, len(labels))
    warnings = list(attr.warnings)
    if excluded.get("pooled"):
        pooled = excluded.pop("pooled")
        warnings.append(
            tr("zl_cmp_pooled", lang).format(
                by=by,
                n=f"{pooled + MAX_SIDES - 2:,}",
                baseline=baseline,
                kept=MAX_SIDES - 2,
                pooled=f"{pooled:,}",
                other=shown_value(OTHER, lang),
            )
        )
    if excluded.get("mixed") or excluded.get("none"):
        warnings.append(
            tr("cmp_w_excluded", lang).format(mixed=f"{excluded['mixed']:,}", by=by, none=f"{excluded['none']:,}")
        )
    return compare_populations(
        list(zip(labels, maps, strict=True)),
        kind="variants" if ab else "segments",
        attribute_name=by,
        mixed=excluded.get("mixed", 0),
        excluded=excluded,
        expected=expected,
        warnings=warnings,
        **common,
    )


def compare(
    j: Journeys,
    *,
    by: str | None = None,
    baseline: str | None = None,
    split: date | datetime | None = None,
    baseline_journeys: Journeys | None = None,
    baseline_map: JourneyMap | None = None,
    labels: tuple[str, str] = ("baseline", "current"),
    customer_file: pl.DataFrame | None = None,
    ab: bool | None = None,
    expected: dict[str, float] | None = None,
    alpha: float = 0.05,
    min_effect: MinEffect = MinEffect(),
    sequential: bool = False,
    metrics: Iterable[str] | None = None,
    lang: str | None = None,
) -> CompareResult:
    """One comparison of SPEC 10 from exactly one way of forming the populations: values
    of ``by`` against ``baseline``; entry before / from ``split``; ``j`` against other
    events (``baseline_journeys``) or a stored map (``baseline_map``). ``labels`` name
    the baseline and ``j`` in the last two cases. Warnings in ``lang`` (default: the run's)."""
    lang = lang or current_lang()
    given = [by is not None, split is not None, baseline_journeys is not None, baseline_map is not None]
    if sum(given) != 1:
        raise UsageError(say("e_cmp_once"))
    if by is not None and baseline is None:
        raise UsageError(say("e_cmp_needs_baseline", by=by))
    if baseline is not None and by is None:
        raise UsageError(say("e_cmp_baseline_needs_by", baseline=baseline))
    common: dict[str, Any] = {"alpha": alpha, "min_effect": min_effect, "sequential": sequential, "metrics": metrics}
    if baseline_journeys is not None or baseline_map is not None:
        if baseline_map is not None:
            base = baseline_map
        else:
            assert baseline_journeys is not None
            base = compute_map(baseline_journeys, baseline_journeys.model)
        warnings = []
        if base.model.mode != j.model.mode or base.model.window_s != j.model.window_s:
            warnings.append(tr("cmp_w_mode", lang))
        kind = "map" if baseline_map is not None else "files"
        current = compute_maps(j)[0]
        gaps = baseline_gaps(base, current, metrics)
        warnings += [g.text(lang) for g in gaps]
        result = compare_populations(
            [(labels[0], base), (labels[1], current)], kind=kind, warnings=warnings, lang=lang, **common
        )
        result.not_run = gaps
        return result
    return compare_journeys(
        j,
        by=by,
        baseline=baseline,
        split=split,
        customer_file=customer_file,
        ab=ab,
        expected=expected,
        lang=lang,
        **common,
    )


def parse_min_effect(values: Iterable[str]) -> MinEffect:
    """``--min-effect`` values: ``2pp``, ``2%`` or ``0.02`` for rates (conversion,
    drop-off), ``csat=0.2`` / ``effort=0.3`` / ``nps=5`` for scores in their units."""
    out: dict[str, Any] = {}
    texts: dict[str, str] = {}
    names = {"rate": "rate", "conversion": "rate", "drop_off": "rate", "csat": "satisfaction"}
    names |= {"satisfaction": "satisfaction", "effort": "effort", "ces": "effort", "nps": "nps"}
    for v in values:
        key, sep, text = v.rpartition("=")
        kind = names.get(key.strip().lower() if sep else "rate")
        text = text.strip().lower()
        scale = 0.01 if text.endswith(("pp", "%")) else 1.0
        try:
            x = float(text.removesuffix("pp").removesuffix("%")) * scale
        except ValueError:
            x = float("nan")
        if kind is None or not x >= 0 or x == float("inf") or (kind == "rate" and x >= 1):
            raise UsageError(say("e_min_effect", v=repr(v)))
        out[kind] = x
        texts[kind] = v.rpartition("=")[2].strip()
    return MinEffect(**out, texts=tuple(texts.items()))
