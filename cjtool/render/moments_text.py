"""Words and display cells of the key-moments outputs (terminal, Markdown, pictures), in
English and Chinese; the table and Markdown renderers share ``moment_rows``."""

from __future__ import annotations

from cjtool.analyses.moments import Moment, MomentsResult
from cjtool.i18n import fmt_int

_W: dict[str, dict[str, str]] = {
    "title": {
        "en": "Key moments: what goes with conversion to the next stage",
        "zh": "关键时刻：与转化到下一阶段相关的接触点",
    },
    "note": {
        "en": "association, not causation: customers who meet a touchpoint differ in other ways too",
        "zh": "相关而非因果：接触过的客户在别处也不同",
    },
    "stage": {"en": "Stage", "zh": "阶段"},
    "touchpoint": {"en": "Touchpoint", "zh": "接触点"},
    "n": {"en": "n", "zh": "n"},
    "met": {"en": "Met", "zh": "接触"},
    "conv_met": {"en": "Conv. met", "zh": "接触转化"},
    "conv_other": {"en": "Others", "zh": "其他转化"},
    "lift": {"en": "Lift", "zh": "差值"},
    "or": {"en": "Odds ratio [95% CI]", "zh": "优势比 [95% CI]"},
    "p_adj": {"en": "p adj.", "zh": "校正p"},
    "effect_legend": {
        "en": "Satisfied: mean CSAT in the top quarter of the scale; dissatisfied: bottom quarter · p adj.: z or Fisher, Benjamini-Hochberg adjusted",
        "zh": "满意：平均满意度位于量表最高四分之一；不满意：最低四分之一 · 校正p：z 检验或 Fisher 精确检验，经 Benjamini-Hochberg 校正",
    },
    "effect_title": {
        "en": "Satisfaction effect: conversion of satisfied vs. dissatisfied customers at the touchpoint",
        "zh": "满意度效应：该接触点满意与不满意客户的转化率",
    },
    "n_sat": {"en": "Satisfied", "zh": "满意"},
    "conv_sat": {"en": "Conv.", "zh": "转化"},
    "n_dis": {"en": "Dissat.", "zh": "不满意"},
    "conv_dis": {"en": "Conv.", "zh": "转化"},
    "diff": {"en": "Diff.", "zh": "差值"},
    "flags": {"en": "Note", "zh": "提示"},
    "small_counts": {"en": "small n", "zh": "样本少"},
    "skewed": {"en": "skewed", "zh": "分布偏"},
    "confident": {"en": "confident", "zh": "可信"},
    "summary": {
        "en": "{customers} customers · {pairs} touchpoints tested · {confident} confident",
        "zh": "{customers} 位客户 · 检验 {pairs} 个接触点 · {confident} 个可信",
    },
    "no_claims": {"en": "No confident claims:", "zh": "没有可信的结论："},
    "legend": {
        "en": "n: customers at the stage · Lift: conversion of those who met it minus the others', in points · p adj.: Fisher, Benjamini-Hochberg adjusted · confident: p adj. < {alpha} and every cell of the 2x2 table ≥ 5",
        "zh": "n：该阶段客户数 · 差值：接触过的客户转化率减其他客户转化率（百分点）· 校正p：Fisher 精确检验，经 Benjamini-Hochberg 校正 · 可信：校正p < {alpha} 且 2x2 表每格 ≥ 5",
    },
    "more": {"en": "more", "zh": "更多"},
    "chart_title": {
        "en": "Key moments: odds of converting to the next stage",
        "zh": "关键时刻：转化到下一阶段的优势比",
    },
    "chart_x": {
        "en": "odds ratio, met vs. not met (log scale, 95% CI); right of 1: goes with converting",
        "zh": "优势比：接触 vs 未接触（对数刻度，95% 置信区间）；大于 1：与转化正相关",
    },
    "chart_legend": {
        "en": "filled: confident (BH-adjusted p < {alpha}) · hollow: not confident · n = customers at the stage",
        "zh": "实心：可信（BH 校正 p < {alpha}）· 空心：不可信 · n = 该阶段客户数",
    },
    "ip_title": {"en": "Importance and performance of touchpoints", "zh": "接触点的重要性与表现"},
    "ip_x": {
        "en": "measured impact: how much conversion of customers who met it differs from the others' (points, either way)",
        "zh": "实测影响：接触过的客户与其他客户的转化率差距（百分点，绝对值）",
    },
    "ip_y": {"en": "Satisfaction (CSAT)", "zh": "满意度（CSAT）"},
    "ip_fix": {"en": "Fix first: matters, scores low", "zh": "优先改进：影响大、评分低"},
    "ip_keep": {"en": "Keep up: matters, scores high", "zh": "保持优势：影响大、评分高"},
    "ip_low": {"en": "Low priority", "zh": "次要"},
    "ip_over": {"en": "Scores high, moves little", "zh": "评分高、影响小"},
    "ip_legend": {
        "en": "green: goes with converting · red: with not converting · filled: confident · bubble size = customers who met it · dashed: medians",
        "zh": "绿色：与转化正相关 · 红色：负相关 · 实心：可信 · 气泡大小 = 接触客户数 · 虚线：中位数",
    },
    "no_data": {"en": "no touchpoint to show", "zh": "没有可显示的接触点"},
    "no_csat": {"en": "no touchpoint with satisfaction scores", "zh": "没有带满意度评分的接触点"},
    "measured": {"en": "measured", "zh": "实测"},
    "declared": {"en": "declared", "zh": "声明"},
}


def w(key: str, lang: str = "en") -> str:
    entry = _W[key]
    return entry.get(lang) or entry["en"]


def fmt_p(p: float | None) -> str:
    if p is None:
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def fmt_points(x: float | None) -> str:
    """A difference of rates in percentage points, signed."""
    return "—" if x is None else f"{100 * x:+.1f}"


def fmt_rate(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def fmt_or(m: Moment) -> str:
    lo, hi = m.ci95
    return f"{m.odds_ratio:.3g} [{lo:.3g}–{hi:.3g}]"


def fmt_flags(m: Moment, lang: str) -> str:
    return ", ".join(w(f, lang) for f in m.flags)


def summary_text(result: MomentsResult, lang: str) -> str:
    return w("summary", lang).format(
        customers=fmt_int(result.customers_total),
        pairs=len(result.moments),
        confident=len(result.confident),
        alpha=f"{result.alpha:g}",
    )


HEADER_KEYS = ("stage", "touchpoint", "n", "met", "conv_met", "conv_other", "lift", "or", "p_adj", "flags")
ALIGN = "llrrrrrrrl"
EFFECT_KEYS = ("stage", "touchpoint", "n_sat", "conv_sat", "n_dis", "conv_dis", "diff", "p_adj", "flags")
EFFECT_ALIGN = "llrrrrrrl"


def moment_rows(result: MomentsResult, lang: str, top: int) -> tuple[list[str], list[list[str]]]:
    """The ``top`` moments in SPEC order as display text; n (customers at the stage) sits
    beside every p-value."""
    rows = [
        [
            result.stage_label(m.stage, lang),
            m.touchpoint,
            fmt_int(m.n),
            fmt_int(m.exposed),
            fmt_rate(m.conversion_exposed),
            fmt_rate(m.conversion_other),
            fmt_points(m.lift),
            fmt_or(m),
            fmt_p(m.p_adjusted),
            fmt_flags(m, lang),
        ]
        for m in result.moments[:top]
    ]
    return [w(k, lang) for k in HEADER_KEYS], rows


SMALL_GROUP = 5  # satisfied or dissatisfied customers below this: the effect rests on a handful


def small_group(m: Moment) -> bool:
    e = m.satisfaction_effect
    return e is not None and min(e.n_satisfied, e.n_dissatisfied) < SMALL_GROUP


def effect_moments(result: MomentsResult, top: int) -> list[Moment]:
    """Moments with a satisfaction effect: significant ones first, then by the effect's size;
    effects resting on a small group (one dissatisfied customer) after those that do not."""
    have = [m for m in result.moments if m.satisfaction_effect is not None]

    def key(m: Moment) -> tuple:
        e = m.satisfaction_effect
        assert e is not None
        return (not e.significant, small_group(m), -abs(e.test.diff or 0.0), e.p_adjusted, m.stage_index, m.touchpoint)

    return sorted(have, key=key)[:top]


def effect_rows(result: MomentsResult, lang: str, top: int) -> tuple[list[str], list[list[str]]]:
    rows = []
    for m in effect_moments(result, top):
        t = m.satisfaction_effect.test  # type: ignore[union-attr]
        rows.append(
            [
                result.stage_label(m.stage, lang),
                m.touchpoint,
                fmt_int(t.n_b),
                fmt_rate(t.b),
                fmt_int(t.n_a),
                fmt_rate(t.a),
                fmt_points(t.diff),
                fmt_p(m.satisfaction_effect.p_adjusted),  # type: ignore[union-attr]
                w("small_counts", lang) if small_group(m) else "",  # a group of a handful
            ]
        )
    return [w(k, lang) for k in EFFECT_KEYS], rows
