"""Pictures of a breakdown (SPEC 9): the segment funnel (conversion from the first stage,
one line per segment, `all` as a reference) and, for a period of entry, the cohort trend
(conversion by entry period, periods whose window had not closed drawn as incomplete)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cjtool.analyses.segments import OTHER, Breakdown, incomplete_periods
from cjtool.i18n import fmt_int, shown_value
from cjtool.render.png_style import (
    FAINT,
    INK,
    MUTED,
    STAGE_COLORS,
    clean,
    fit,
    new_figure,
    pct,
    picture_format,
    save_figure,
    style,
    wrap,
)

WORDS = {
    "segment_title": {"en": "Conversion by {attr}", "zh": "按「{attr}」的转化"},
    "cohort_title": {"en": "Conversion by entry {attr}", "zh": "按进入{attr}的转化趋势"},
    "axis": {"en": "Conversion from the first stage", "zh": "相对首阶段的转化率"},
    "all": {"en": "all", "zh": "全部"},
    "incomplete": {"en": "incomplete: window still open", "zh": "未完结：转化窗口尚未结束"},
    "customers": {"en": "customers", "zh": "位客户"},
    "pooled": {"en": "{n} smaller periods not shown (--segments N)", "zh": "另有 {n} 个较小周期未显示（--segments N）"},
}
PERIOD_WORDS = {"day": "日", "week": "周", "month": "月", "quarter": "季度"}


def _w(key: str, lang: str) -> str:
    return WORDS[key].get(lang) or WORDS[key]["en"]


def save_breakdown_picture(bd: Breakdown, path: str | Path, lang: str = "en") -> None:
    """The cohort trend for a period of entry, else the segment funnel; by ``path``'s suffix."""
    picture_format(path)
    with style():
        fig = cohort_figure(bd, lang) if bd.source == "period" else segment_funnel_figure(bd, lang)
        save_figure(fig, path)


def _attr_label(bd: Breakdown, lang: str) -> str:
    if bd.source == "period" and lang == "zh":
        return PERIOD_WORDS.get(bd.attribute, bd.attribute)
    return bd.all.model.segment_label(bd.attribute, lang)


def _frame(title: str, subtitle: str, n_x: int, lang: str) -> tuple[Figure, RendererBase, Axes]:
    width = max(8.0, 2.2 + 1.5 * n_x)
    fig, rd = new_figure(width, 5.6)
    fig.text(
        0.3 / width,
        1 - 0.25 / 5.6,
        fit(rd, title, (width - 0.6) * fig.dpi, 17, "bold"),
        fontsize=17,
        fontweight="bold",
        color=INK,
        ha="left",
        va="top",
        parse_math=False,
    )
    fig.text(
        0.3 / width,
        1 - 0.68 / 5.6,
        wrap(rd, subtitle, (width - 0.6) * fig.dpi, 10.5),  # never cut: a second line if needed
        fontsize=10.5,
        color=MUTED,
        ha="left",
        va="top",
        linespacing=1.2,
        parse_math=False,
        gid="subtitle",
    )
    ax = fig.add_axes((0.9 / width, 0.75 / 5.6, (width - 3.6) / width, 3.75 / 5.6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{100 * y:.0f}%"))
    ax.set_ylabel(_w("axis", lang), color=MUTED, parse_math=False)
    ax.set_ylim(0, 1.04)
    ax.grid(axis="y", color="#E4E7EB", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, rd, ax


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label heights at least ``gap`` apart, each as near its line end as possible."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    over = placed[-1] - 1.04 if placed else 0
    if over > 0:  # push down from the top
        placed = [p - over for p in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    out = [0.0] * len(ys)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def _end_labels(fig, rd, ax, ends: list[tuple[float, float, str, str]]) -> None:
    """Labels right of the plot, spread so none overlap, with a thin leader to the line end."""
    ys = _spread([y for _, y, _, _ in ends], 0.065)
    x_text = ax.get_xlim()[1]
    width_px = (fig.get_size_inches()[0] * fig.dpi) * (1 - ax.get_position().x1) - 20
    for (x, y, text, color), ly in zip(ends, ys, strict=True):
        ax.annotate(
            fit(rd, text, width_px, 10),
            xy=(x, y),
            xytext=(x_text + 0.15, ly),
            textcoords="data",
            fontsize=10,
            color=color,
            va="center",
            ha="left",
            annotation_clip=False,
            parse_math=False,
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.6, "alpha": 0.6},
        )


def segment_funnel_figure(bd: Breakdown, lang: str = "en") -> Figure:
    model = bd.all.model
    K = len(model.stages)
    stages = [clean(st.label.get(lang)) for st in model.stages]
    title = _w("segment_title", lang).format(attr=_attr_label(bd, lang))
    subtitle = f"{model.title.get(lang) or model.name}  ·  {fmt_int(bd.all.customers_total)} {_w('customers', lang)}"
    fig, rd, ax = _frame(title, subtitle, K, lang)
    xs = list(range(K))
    ends: list[tuple[float, float, str, str]] = []
    for i, (value, m) in enumerate(bd.segments):
        ys = [s.conversion_from_first for s in m.stages]
        color = FAINT if value == OTHER else STAGE_COLORS[i % len(STAGE_COLORS)]
        pts = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
        if not pts:
            continue
        ax.plot(*zip(*pts, strict=True), color=color, linewidth=1.8, marker="o", markersize=4.5, zorder=3)
        label = clean(shown_value(value, lang))
        ends.append((pts[-1][0], pts[-1][1], f"{label} {pct(pts[-1][1])} ({fmt_int(m.customers_total)})", color))
    all_ys = [s.conversion_from_first for s in bd.all.stages]
    pts = [(x, y) for x, y in zip(xs, all_ys, strict=True) if y is not None]
    if pts:
        ax.plot(*zip(*pts, strict=True), color=INK, linewidth=2.6, linestyle=(0, (4, 2)), zorder=4)
        ends.append((pts[-1][0], pts[-1][1], f"{_w('all', lang)} {pct(pts[-1][1])}", INK))
    ax.set_xlim(-0.2, K - 0.8)
    ax.set_xticks(xs, [fit(rd, s, 1.4 * fig.dpi, 10) for s in stages], parse_math=False)
    _end_labels(fig, rd, ax, ends)
    return fig


def cohort_figure(bd: Breakdown, lang: str = "en") -> Figure:
    """One line per stage k >= 2: conversion from the first stage by period of entry, in
    time order; incomplete periods hollow, joined by a dotted line, and shaded."""
    model = bd.all.model
    timezone = model.timezone
    periods = sorted((v, m) for v, m in bd.segments if v != OTHER)
    open_ = incomplete_periods(bd, timezone)
    title = _w("cohort_title", lang).format(attr=_attr_label(bd, lang))
    subtitle = f"{model.title.get(lang) or model.name}  ·  {fmt_int(bd.all.customers_total)} {_w('customers', lang)}"
    if bd.pooled:  # the smallest periods went to (other): say so, they are gaps on the axis
        subtitle += "  ·  " + _w("pooled", lang).format(n=bd.pooled)
    fig, rd, ax = _frame(title, subtitle, max(len(periods), 3), lang)
    xs = list(range(len(periods)))
    done = [i for i, (v, _) in enumerate(periods) if v not in open_]
    first_open = min((i for i, (v, _) in enumerate(periods) if v in open_), default=None)
    ends: list[tuple[float, float, str, str]] = []
    for k in range(1, len(model.stages)):
        color = STAGE_COLORS[k % len(STAGE_COLORS)]
        ys = [m.stages[k].conversion_from_first for _, m in periods]
        solid = [(x, ys[x]) for x in done if ys[x] is not None]
        if solid:
            ax.plot(*zip(*solid, strict=True), color=color, linewidth=2, marker="o", markersize=5, zorder=3)
        hollow = [(x, ys[x]) for x in xs if periods[x][0] in open_ and ys[x] is not None]
        if hollow:
            joined = ([solid[-1]] if solid else []) + hollow
            ax.plot(*zip(*joined, strict=True), color=color, linewidth=1.4, linestyle=":", zorder=3)
            ax.plot(
                *zip(*hollow, strict=True),
                linestyle="none",
                marker="o",
                markersize=6,
                markerfacecolor="white",
                markeredgecolor=color,
                markeredgewidth=1.6,
                zorder=4,
            )
        last = next(((x, y) for x in reversed(xs) if (y := ys[x]) is not None), None)
        if last:
            ends.append((last[0], last[1], f"{clean(model.stages[k].label.get(lang))} {pct(last[1])}", color))
    if first_open is not None:
        ax.axvspan(first_open - 0.5, len(xs) - 0.5, color="#F1F4F8", zorder=0)
        ax.text(
            first_open - 0.45,
            1.02,
            _w("incomplete", lang),
            fontsize=9.5,
            color=MUTED,
            va="top",
            ha="left",
            parse_math=False,
        )
    ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    labels = [f"{clean(v)}\n{fmt_int(m.customers_total)}" for v, m in periods]
    ax.set_xticks(xs, labels, fontsize=9.5, parse_math=False)
    _end_labels(fig, rd, ax, ends)
    return fig
