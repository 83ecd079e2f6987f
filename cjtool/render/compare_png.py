"""A comparison as a picture: the funnels side by side (left) and a forest plot of each
stage's conversion difference with its interval (right), in the house style."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from cjtool.analyses.compare import CompareResult
from cjtool.i18n import fmt_points, shown_value, t
from cjtool.render.png_style import FAINT, GRID, INK, MUTED, PAIN, STAGE_COLORS, WOW, new_figure, save_figure
from cjtool.render.png_style import style as chart_style

SIDE_COLORS = (FAINT, *STAGE_COLORS)  # the baseline grey, the others in stage colours


def compare_figure(result: CompareResult, lang: str = "en") -> Figure:
    base = result.baseline
    stages = base.model.stages
    labels = [base.stage_label(s.id, lang) for s in stages]
    sides = [(result.baseline_label, base), *((c.label, c.map) for c in result.comparisons)]
    height = max(3.2, 1.2 + 0.55 * len(stages) * max(1, len(result.comparisons)) ** 0.5)
    fig, _ = new_figure(11.0, height)
    left = fig.add_axes((0.14, 0.24, 0.36, 0.64))
    right = fig.add_axes((0.60, 0.24, 0.36, 0.64))
    n = len(sides)
    bar_h = 0.8 / n
    for i, (label, m) in enumerate(sides):
        ys = [k + (i - (n - 1) / 2) * bar_h for k in range(len(stages))]
        xs = [(s.conversion_from_first or 0.0) * 100 for s in m.stages]
        left.barh(ys, xs, height=bar_h * 0.92, color=SIDE_COLORS[i % len(SIDE_COLORS)], label=shown_value(label, lang))
        for y, x in zip(ys, xs, strict=True):
            left.text(x + 1, y, f"{x:.1f}%", va="center", fontsize=9, color=MUTED)
    left.set_yticks(range(len(stages)), labels)
    left.invert_yaxis()
    left.set_xlim(0, 118)
    left.set_xlabel(t("cpng_share", lang), color=MUTED)
    left.set_title(t("cpng_funnels", lang), loc="left", color=INK, fontsize=12)
    left.legend(loc="lower right", fontsize=9, frameon=False)
    comps = result.comparisons
    n_comps = len(comps)
    spans: list[float] = [0.0]
    labels_at: list[tuple[float, float, str, str]] = []
    for j, c in enumerate(comps):
        side = SIDE_COLORS[(j + 1) % len(SIDE_COLORS)]
        for k, s in enumerate(stages[1:], start=1):
            row = c.row(s.id, "conversion_from_first")
            if row is None or row.test is None or row.test.diff is None:
                continue
            ci = row.sequential.ci if row.sequential is not None else row.test.ci95
            y = k + (j - (n_comps - 1) / 2) * (0.8 / max(n_comps, 1))
            d = row.test.diff * 100
            lo, hi = (ci[0] * 100, ci[1] * 100) if ci is not None else (d, d)
            right.plot([lo, hi], [y, y], color=side, linewidth=2, solid_capstyle="butt")
            right.plot([d], [y], "o", color=side, markersize=6, markerfacecolor=side if row.flagged else "white")
            tone = WOW if row.verdict == "better" else PAIN if row.verdict == "worse" else INK
            labels_at.append((hi, y, " " + fmt_points(d, lang, compact=True) + (" *" if row.flagged else ""), tone))
            spans += [lo, hi]
    lo, hi = min(spans), max(spans)
    pad = (hi - lo) * 0.05 or 1.0
    right.set_xlim(lo - pad, hi + (hi - lo) * 0.3 + pad)
    for x, y, text, tone in labels_at:
        right.text(x, y, text, fontsize=9, color=tone, va="center")
    right.axvline(0, color=MUTED, linewidth=1)
    right.set_yticks(range(len(stages)), labels)
    right.set_ylim(len(stages) - 0.5, 0.5)
    right.grid(axis="x", color=GRID)
    right.set_xlabel(t("cpng_diff_axis", lang), color=MUTED)
    what = t("cpng_seq" if result.sequential else "cpng_holm", lang)
    right.set_title(
        t("cpng_diff_title", lang).format(a=shown_value(result.baseline_label, lang)),
        loc="left",
        color=INK,
        fontsize=12,
        parse_math=False,
    )
    fig.text(
        0.02,
        0.03,
        t("cpng_caption", lang).format(alpha=f"{result.alpha:g}", what=what),
        fontsize=9,
        color=MUTED,
    )
    return fig


def save_compare_chart(result: CompareResult, path: str | Path, lang: str = "en") -> None:
    with chart_style():
        save_figure(compare_figure(result, lang), path)
