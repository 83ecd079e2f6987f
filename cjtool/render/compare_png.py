"""A comparison as a picture: the funnels side by side (left) and a forest plot of each
stage's conversion difference with its interval (right), in the house style."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from cjtool.analyses.compare import CompareResult
from cjtool.i18n import fmt_int, fmt_points, shown_value, t
from cjtool.render.png_style import (
    FAINT,
    GRID,
    INK,
    MUTED,
    PAIN,
    STAGE_COLORS,
    WOW,
    clean,
    fit,
    new_figure,
    period_text,
    picture_format,
    save_figure,
    text_px,
)
from cjtool.render.png_style import style as chart_style
from cjtool.render.words import w

SIDE_COLORS = (FAINT, *STAGE_COLORS)  # the baseline grey, the others in stage colours


def _headline(fig: Figure, rd, result: CompareResult, lang: str) -> None:
    """Title (who against whom, by what) and a subtitle with the model, the period and the
    customers of each side, as on every other picture."""
    base = result.baseline
    w_in, h_in = fig.get_size_inches()
    width = (w_in - 0.6) * fig.dpi
    others = ", ".join(clean(c.label) for c in result.comparisons)
    title = w("cmp_title", lang, b=others, a=clean(result.baseline_label))
    if result.attribute:
        title += "  ·  " + w("cmp_by", lang, attr=clean(result.attribute))
    m = base.model
    periods = list(
        dict.fromkeys(p for p in [period_text(base), *(period_text(c.map) for c in result.comparisons)] if p)
    )
    parts = [
        m.title.get(lang) or m.name,
        f"{t('model', lang)} {m.name}",
        *periods,
        f"{fmt_int(base.customers_total + sum(c.map.customers_total for c in result.comparisons))} "
        f"{t('customers', lang)}",
    ]
    fig.text(0.3 / w_in, 1 - 0.25 / h_in, fit(rd, title, width, 17, "bold"), fontsize=17, fontweight="bold",
             color=INK, ha="left", va="top", parse_math=False, gid="title")  # fmt: skip
    fig.text(0.3 / w_in, 1 - 0.68 / h_in, fit(rd, "  ·  ".join(p for p in parts if p), width, 10.5), fontsize=10.5,
             color=MUTED, ha="left", va="top", parse_math=False, gid="subtitle")  # fmt: skip


def compare_figure(result: CompareResult, lang: str = "en") -> Figure:
    base = result.baseline
    stages = base.model.stages
    sides = [(result.baseline_label, base), *((c.label, c.map) for c in result.comparisons)]
    plot_in = max(2.0, 0.55 * len(stages) * max(1, len(result.comparisons)) ** 0.5)
    top_in, bottom_in = 1.35, 1.05  # headline above; x labels and the note below
    height = top_in + plot_in + bottom_in
    fig, rd = new_figure(11.0, height)
    labels = [fit(rd, base.stage_label(s.id, lang), 1.35 * fig.dpi, 10) for s in stages]
    _headline(fig, rd, result, lang)
    left = fig.add_axes((1.55 / 11, bottom_in / height, 3.95 / 11, plot_in / height))
    right = fig.add_axes((6.6 / 11, bottom_in / height, 3.95 / 11, plot_in / height))
    n = len(sides)
    bar_h = 0.8 / n
    for i, (label, m) in enumerate(sides):
        ys = [k + (i - (n - 1) / 2) * bar_h for k in range(len(stages))]
        xs = [(s.conversion_from_first or 0.0) * 100 for s in m.stages]
        name = f"{fit(rd, shown_value(label, lang), 1.6 * fig.dpi, 9)} ({fmt_int(m.customers_total)})"
        left.barh(ys, xs, height=bar_h * 0.92, color=SIDE_COLORS[i % len(SIDE_COLORS)], label=name, gid="side_bar")
        for y, x in zip(ys, xs, strict=True):
            left.text(x + 1, y, f"{x:.1f}%", va="center", fontsize=9, color=MUTED, parse_math=False)
    left.set_yticks(range(len(stages)), labels, parse_math=False)
    left.invert_yaxis()
    left.set_xlim(0, 118)
    left.set_xlabel(w("cmp_share", lang), color=MUTED, parse_math=False)
    left.set_title(w("cmp_funnels", lang), loc="left", color=INK, fontsize=12, parse_math=False)
    legend = left.legend(loc="lower right", fontsize=9, frameon=False)
    for entry in legend.get_texts():
        entry.set_parse_math(False)
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
    # room on the right for every label, measured: x + width * (x1 - x0) / axis width <= x1
    x0, width_px = lo - pad, 3.95 * fig.dpi
    x1 = hi + pad
    for x, _y, text, _tone in labels_at:
        share = min(0.8, (text_px(rd, text, 9) + 4) / width_px)
        x1 = max(x1, (x - x0 * share) / (1 - share))
    right.set_xlim(x0, x1)
    for x, y, text, tone in labels_at:
        right.text(x, y, text, fontsize=9, color=tone, va="center", parse_math=False, gid="difference")
    right.axvline(0, color=MUTED, linewidth=1)
    right.set_yticks(range(len(stages)), labels, parse_math=False)
    right.set_ylim(len(stages) - 0.5, 0.5)
    right.grid(axis="x", color=GRID)
    right.set_xlabel(w("cmp_diff_x", lang), color=MUTED, parse_math=False)
    what = w("cmp_always_valid", lang) if result.sequential else w("cmp_holm", lang)
    right.set_title(
        fit(rd, w("cmp_diff_title", lang, a=clean(result.baseline_label)), 3.9 * fig.dpi, 12),
        loc="left",
        color=INK,
        fontsize=12,
        parse_math=False,
    )
    fig.text(
        0.3 / 11,
        0.2 / height,
        fit(rd, w("cmp_note", lang, alpha=f"{result.alpha:g}", what=what), 10.4 * fig.dpi, 9),
        fontsize=9,
        color=MUTED,
        parse_math=False,
        gid="footnote",
    )
    return fig


def save_compare_chart(result: CompareResult, path: str | Path, lang: str = "en") -> None:
    picture_format(path)  # an unsupported suffix fails before anything is drawn
    with chart_style():
        save_figure(compare_figure(result, lang), path)
