"""The decision every output leads with: what to fix first and what it is worth (SPEC 17),
and each stage's key moment (SPEC 13 v2), as plain sentences in English or Chinese.

Shared by the terminal map, `map -f md`, report.md and index.html, which each format the
same texts for themselves. Opportunities are estimates under one assumption, said in one
line (``assumption``) wherever they are shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from cjtool.i18n import fmt_int, fmt_num, fmt_pct
from cjtool.render.words import w
from cjtool.result import JourneyMap, Opportunity

FIX_FIRST = 3  # opportunities the summaries list


def stake(x: float | Fraction) -> str:
    """An estimate at stake: whole numbers from 10 on (`1,234`), one decimal below (`2.5`,
    `0.3`): a listed opportunity never reads as 0."""
    x = float(x)
    return fmt_int(math.floor(x + 0.5)) if x >= 9.95 else f"{x:.1f}"


def money(x: float) -> str:
    """Revenue with thousands separators, whole units (the data's currency)."""
    return f"{x:,.0f}"


def points(x: float, lang: str = "en") -> str:
    """A difference of two rates in percentage points: `28 pts`, `28 个百分点`."""
    return w("pts", lang, x=f"{abs(100 * x):.0f}")


@dataclass(frozen=True)
class FixItem:
    """One line of the "Fix first" list, in parts for the renderers that style them."""

    n: int
    opportunity: Opportunity
    touchpoint: str
    stage: str
    problem: str
    stake: str

    def line(self, lang: str = "en") -> str:
        return w(
            "fix_line",
            lang,
            n=self.n,
            touchpoint=self.touchpoint,
            stage=self.stage,
            problem=self.problem,
            stake=self.stake,
        )


def fix_first(result: JourneyMap, lang: str = "en", n: int = FIX_FIRST) -> list[FixItem]:
    """The top ``n`` opportunities as display parts (names as in the data: each renderer
    escapes them for its destination)."""
    out = []
    csat = {(tp.stage, tp.touchpoint): tp.scores.satisfaction for tp in result.touchpoints}
    for i, o in enumerate(result.opportunities[:n], start=1):
        source = w("fix_median" if o.benchmark_from == "median" else "fix_target", lang)
        problem = w(
            "fix_problem", lang, rate=fmt_pct(o.exits / o.customers), bench=fmt_pct(float(o.benchmark)), source=source
        )
        score = csat.get((o.stage, o.touchpoint))
        if score is not None:
            problem += w("fix_csat", lang, csat=fmt_num(score, 1))
        worth = w("fix_stake", lang, customers=stake(o.customers_at_stake), completions=stake(o.completions_at_stake))
        if o.revenue_at_stake is not None:
            key = "fix_clv" if result.value_basis == "clv" else "fix_revenue"
            worth += w(key, lang, revenue=money(float(o.revenue_at_stake)))
        out.append(FixItem(i, o, o.touchpoint, result.stage_label(o.stage, lang), problem, worth))
    return out


def forward_sentence(result: JourneyMap, lang: str = "en") -> str | None:
    """The one sentence a manager can forward: the first opportunity and what it is worth."""
    if not result.opportunities:
        return None
    o = result.opportunities[0]
    nxt = result.stages[o.stage_index]  # stage k+1
    key = "forward_clv" if result.value_basis == "clv" else "forward_revenue"
    revenue = "" if o.revenue_at_stake is None else w(key, lang, revenue=money(float(o.revenue_at_stake)))
    return w(
        "forward",
        lang,
        touchpoint=o.touchpoint,
        stage=result.stage_label(o.stage, lang),
        rate=fmt_pct(o.exits / o.customers, 0),
        bench=fmt_pct(float(o.benchmark), 0),
        source=w("forward_median" if o.benchmark_from == "median" else "forward_target", lang),
        customers=stake(o.customers_at_stake),
        next=result.stage_label(nxt.id, lang),
        completions=stake(o.completions_at_stake),
        revenue=revenue,
    )


def key_moment_lines(result: JourneyMap, lang: str = "en") -> list[str]:
    """One sentence per stage with a key moment (SPEC 13 v2), saying which rule chose it."""
    out = []
    for s in result.stages:
        m = result.measured.get(s.id)
        if m is None:
            continue
        if m.rule == "satisfaction":
            key = "key_satisfaction" if m.lift >= 0 else "key_satisfaction_less"
        else:
            key = "key_exposure"
        line = w(key, lang, stage=result.stage_label(s.id, lang), touchpoint=m.touchpoint, gap=points(m.lift, lang))
        out.append(line + w("aside", lang, text=w("key_rule_" + m.rule, lang)))
    return out


def none_line(lang: str = "en") -> str:
    return w("fix_none", lang)
