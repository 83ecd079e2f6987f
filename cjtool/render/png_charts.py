"""The pain-point priority matrix and the funnel chart (see ``cjtool.render.png``).

Artists the tests look up carry a ``gid``: ``bubbles`` (one collection, offsets =
(drop-off rate, satisfaction)), ``median_x`` / ``median_y``, ``quadrant``, ``label``,
``funnel_bar`` (bar width = customers), ``stage_label``, ``conversion``, ``drop_off``.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter
from matplotlib.transforms import Bbox, blended_transform_factory, offset_copy

from cjtool.i18n import fmt_int, t
from cjtool.render.png_style import (
    ACCENT,
    ACCENT_LIGHT,
    FAINT,
    GRID,
    INK,
    MOT,
    MUTED,
    PAIN,
    Label,
    clean,
    fit,
    marker_box,
    new_figure,
    num,
    pct,
    period_text,
    place_labels,
    ranked,
    picture_format,
    save_figure,
    stage_color,
    style,
    text_px,
)
from cjtool.result import JourneyMap

MW, MH = 13.333, 7.5  # inches: the 16:9 PowerPoint slide size
TOP_LABELS = 8  # priority-matrix bubbles that get a name


def priority_matrix_figure(result: JourneyMap, lang: str = "en") -> Figure:
    """Importance-performance view: drop-off rate (x) against satisfaction (y) per touchpoint."""
    with style():
        return _matrix(result, lang)


def save_priority_matrix(result: JourneyMap, path: str | Path, lang: str = "en") -> None:
    """Write the chart to ``path``: .png, .svg or .pdf, by its suffix."""
    picture_format(path)  # an unsupported suffix fails before anything is drawn
    with style():
        save_figure(_matrix(result, lang), path)


def funnel_figure(result: JourneyMap, lang: str = "en") -> Figure:
    """Customers per stage as centred horizontal bars, with conversion and drop-off."""
    with style():
        return _funnel(result, lang)


def save_funnel(result: JourneyMap, path: str | Path, lang: str = "en") -> None:
    """Write the chart to ``path``: .png, .svg or .pdf, by its suffix."""
    picture_format(path)  # an unsupported suffix fails before anything is drawn
    with style():
        save_figure(_funnel(result, lang), path)


def _headline(fig: Figure, rd, title: str, parts: list[str], width_in: float) -> None:
    px = fig.dpi
    w, h = fig.get_size_inches()
    fig.text(0.3 / w, 1 - 0.25 / h, fit(rd, title, width_in * px, 19, "bold"), fontsize=19, fontweight="bold",
             color=INK, ha="left", va="top", parse_math=False, gid="title")
    fig.text(0.3 / w, 1 - 0.7 / h, fit(rd, "  ·  ".join(p for p in parts if p), width_in * px, 11), fontsize=11,
             color=MUTED, ha="left", va="top", parse_math=False, gid="subtitle")


def _context(result: JourneyMap, lang: str) -> list[str]:
    return [result.model.title.get(lang) or result.model.name, period_text(result) or "",
            f"{fmt_int(result.customers_total)} {t('customers', lang)}"]


def _nice(x: float) -> int:
    """``x`` rounded to one significant digit (2415 -> 2000)."""
    if x < 1:
        return 1
    p = 10 ** int(math.floor(math.log10(x)))
    return int(round(x / p) * p)


# --------------------------------------------------------------------------- priority matrix


def _bubble(customers: int, top: int) -> float:
    """Marker area in points², proportional to customers."""
    return 40 + 1500 * customers / top


def _matrix(result: JourneyMap, lang: str) -> Figure:
    fig, rd = new_figure(MW, MH)
    px = fig.dpi
    m = result.model
    sc = m.satisfaction_scale
    order = ranked(result)
    shown = [tp for tp in order if tp.scores.satisfaction is not None]
    missing = [tp for tp in order if tp.scores.satisfaction is None]
    unranked = [tp for tp in result.touchpoints if tp.rank is None]

    notes = []
    if missing:
        notes.append(t("png_not_shown", lang).format(names=", ".join(clean(tp.touchpoint) for tp in missing)))
    if unranked:
        notes.append(t("png_unranked", lang).format(n=len(unranked), m=m.min_customers))
    notes.append(t("png_bubble_note", lang))

    present = sorted({tp.stage_index for tp in shown})
    names = {i: fit(rd, m.stages[i - 1].label.get(lang), 2.6 * px, 9.5) for i in present}
    leg_w = max([text_px(rd, s, 9.5) / px for s in names.values()]
                + [text_px(rd, t("stage", lang), 10, "bold") / px, 1.0]) + 0.55
    left, right, bottom, top = 1.05, leg_w + 0.6, 0.85 + 0.2 * len(notes), 1.2
    ax = fig.add_axes((left / MW, bottom / MH, (MW - left - right) / MW, (MH - bottom - top) / MH))
    _headline(fig, rd, t("priority_matrix", lang),
              [*_context(result, lang), t("png_ranked_tp", lang).format(n=len(order))], MW - 0.6)
    for i, note in enumerate(reversed(notes)):
        fig.text(0.3 / MW, (0.18 + 0.2 * i) / MH, fit(rd, note, (MW - 0.6) * px, 9), fontsize=9, color=MUTED,
                 ha="left", va="bottom", parse_math=False, gid="footnote")

    span = sc.max - sc.min
    ax.set_ylim(sc.min - 0.07 * span, sc.max + 0.07 * span)
    xs = [tp.drop_off_rate for tp in shown]
    x_hi = min(1.0, max(0.1, max(xs, default=0.0) * 1.12 + 0.02))
    ax.set_xlim(-0.07 * x_hi, x_hi)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    if span <= 6 and float(span).is_integer() and float(sc.min).is_integer():
        ax.set_yticks([sc.min + i for i in range(int(span) + 1)])
    ax.grid(color=GRID, lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, pad=6)
    ax.set_xlabel(f"{t('drop_off_rate', lang)} →", fontsize=10.5, labelpad=8, parse_math=False)
    ax.set_ylabel(f"{t('satisfaction', lang)} ({num(sc.min)}–{num(sc.max)})", fontsize=10.5, labelpad=8,
                  parse_math=False)

    if not shown:
        ax.text(0.5, 0.5, t("png_no_data", lang), transform=ax.transAxes, fontsize=12, color=FAINT,
                ha="center", va="center", style="italic", parse_math=False, gid="no_data")
        return fig

    top_c = max(tp.customers for tp in shown) or 1
    drawn = sorted(shown, key=lambda tp: (-tp.customers, tp.rank))  # big bubbles first, small on top
    ax.scatter([tp.drop_off_rate for tp in drawn], [float(tp.scores.satisfaction or 0.0) for tp in drawn],
               s=[_bubble(tp.customers, top_c) for tp in drawn], c=[stage_color(tp.stage_index) for tp in drawn],
               alpha=0.78, edgecolors="white", linewidths=1.0, zorder=3, gid="bubbles", clip_on=False)

    mx = statistics.median(xs)
    my = statistics.median(float(tp.scores.satisfaction or 0.0) for tp in shown)
    ax.axvline(mx, color="#7B8794", lw=1.0, ls=(0, (4, 3)), zorder=2, gid="median_x")
    ax.axhline(my, color="#7B8794", lw=1.0, ls=(0, (4, 3)), zorder=2, gid="median_y")
    y_lo, x_hi_lim = ax.get_ylim()[0], ax.get_xlim()[1]
    ax.add_patch(Rectangle((mx, y_lo), x_hi_lim - mx, my - y_lo, facecolor=PAIN, alpha=0.05, edgecolor="none",
                           zorder=0))
    hard = []
    for key, (qx, qy, ha, va), color in (
        ("keep_up", (0.012, 0.985, "left", "top"), FAINT),
        ("watch", (0.988, 0.985, "right", "top"), FAINT),
        ("low_priority", (0.012, 0.015, "left", "bottom"), FAINT),
        ("fix_first", (0.988, 0.015, "right", "bottom"), PAIN),
    ):
        q = ax.text(qx, qy, t(key, lang), transform=ax.transAxes, fontsize=13, fontweight="bold", color=color,
                    alpha=0.85, ha=ha, va=va, zorder=1, parse_math=False, gid="quadrant")
        hard.append(q.get_window_extent(rd))

    soft = [marker_box(ax, rd, tp.drop_off_rate, float(tp.scores.satisfaction or 0.0),
                       math.sqrt(_bubble(tp.customers, top_c)) / 2) for tp in shown]
    # the median lines: labels should not be struck through (weighted like 2 bubbles)
    ax_box = ax.get_window_extent(rd)
    (px_x, px_y) = ax.transData.transform((mx, my))
    for _ in range(3):
        soft.append(Bbox.from_extents(px_x - 2, ax_box.y0, px_x + 2, ax_box.y1))
        soft.append(Bbox.from_extents(ax_box.x0, px_y - 2, ax_box.x1, px_y + 2))
    labels = []
    for tp in shown[:TOP_LABELS]:
        radius = math.sqrt(_bubble(tp.customers, top_c)) / 2
        text = fit(rd, f"#{tp.rank} {tp.touchpoint}", 2.4 * px, 9.5, "bold", middle=True)
        labels.append(Label(tp.drop_off_rate, float(tp.scores.satisfaction or 0.0), text,
                            PAIN if (tp.rank or 99) <= 3 else INK, gap=radius + 3, gid="label"))
    place_labels(ax, rd, labels, hard=hard, soft=soft)

    box = ax.get_position()
    handles = [Line2D([], [], ls="none", marker="o", ms=9, color=stage_color(i), alpha=0.85, label=names[i])
               for i in present]
    leg = fig.legend(handles=handles, title=t("stage", lang), loc="upper left", alignment="left",
                     bbox_to_anchor=(box.x1 + 0.35 / MW, box.y1), fontsize=9.5, title_fontsize=10,
                     labelcolor=INK, borderaxespad=0, handletextpad=0.5)
    leg.get_title().set_fontweight("bold")
    leg.get_title().set_color(MUTED)
    refs = sorted({_nice(top_c), _nice(top_c / 3), _nice(top_c / 10)}, reverse=True)
    sizes = [Line2D([], [], ls="none", marker="o", ms=math.sqrt(_bubble(min(v, top_c), top_c)), color="#B8C2CC",
                    label=fmt_int(v)) for v in refs]
    leg2 = fig.legend(handles=sizes, title=t("col_customers", lang), loc="lower left", alignment="left",
                      bbox_to_anchor=(box.x1 + 0.35 / MW, box.y0), fontsize=9.5, title_fontsize=10,
                      labelcolor=INK, borderaxespad=0, labelspacing=1.6, handlelength=3.0, handletextpad=0.8,
                      borderpad=0.6)
    leg2.get_title().set_fontweight("bold")
    leg2.get_title().set_color(MUTED)
    return fig


# --------------------------------------------------------------------------- funnel


def _funnel(result: JourneyMap, lang: str) -> Figure:
    fig, rd = new_figure(MW, MH)
    px = fig.dpi
    m = result.model
    stages = result.stages
    k = max(1, len(stages))
    _headline(fig, rd, t("funnel_chart", lang), _context(result, lang), MW - 0.6)

    labels = [fit(rd, m.stages[s.index - 1].label.get(lang), 3.0 * px, 12, "bold") for s in stages]
    mots = [fit(rd, "★ " + clean(m.stages[s.index - 1].moment_of_truth or ""), 3.0 * px, 9.5)
            if m.stages[s.index - 1].moment_of_truth else "" for s in stages]
    lab_w = max([text_px(rd, s, 12, "bold") / px for s in labels] + [text_px(rd, s, 9.5) / px for s in mots] + [0.8])
    left, right, bottom, top = 0.3 + lab_w + 0.3, 3.9, 0.45, 1.3
    ax = fig.add_axes((left / MW, bottom / MH, (MW - left - right) / MW, (MH - bottom - top) / MH))
    ax.set_axis_off()
    widest = max((s.customers for s in stages), default=0) or 1
    ax.set_xlim(-widest / 2 * 1.02, widest / 2 * 1.02)
    ax.set_ylim(k - 0.5, -0.5)
    bar_h = 0.6
    bars = ax.barh(list(range(len(stages))), [s.customers for s in stages], left=[-s.customers / 2 for s in stages],
                   height=bar_h, color=ACCENT, edgecolor="none", zorder=3)
    for patch in bars.patches:
        patch.set_gid("funnel_bar")
    for i in range(len(stages) - 1):
        a, b = stages[i].customers / 2, stages[i + 1].customers / 2
        y0, y1 = i + bar_h / 2, i + 1 - bar_h / 2
        ax.add_patch(Polygon([(-a, y0), (a, y0), (b, y1), (-b, y1)], closed=True, facecolor=ACCENT_LIGHT,
                             edgecolor="none", zorder=2))

    unit_px = ax.get_window_extent(rd).width / (2 * widest / 2 * 1.02)  # pixels per customer
    side = blended_transform_factory(ax.transAxes, ax.transData)
    col = blended_transform_factory(fig.transFigure, ax.transData)
    col_x = (MW - right + 0.35) / MW
    col_w = (right - 0.65) * px
    for i, s in enumerate(stages):
        number = fmt_int(s.customers)
        inside = text_px(rd, number, 13, "bold") + 20 <= s.customers * unit_px
        if inside:
            ax.text(0, i, number, fontsize=13, fontweight="bold", color="white", ha="center", va="center",
                    zorder=4, gid="customers")
        else:
            ax.annotate(number, xy=(s.customers / 2, i), xytext=(7, 0), textcoords="offset points", fontsize=13,
                        fontweight="bold", color=INK, ha="left", va="center", zorder=4, gid="customers")
        has_mot = bool(mots[i])
        lab_tr = offset_copy(side, fig=fig, x=-14, y=7 if has_mot else 0, units="points")
        ax.text(0, i, labels[i], transform=lab_tr, fontsize=12, fontweight="bold", color=INK, ha="right",
                va="center", parse_math=False, gid="stage_label")
        if has_mot:
            ax.text(0, i, mots[i], transform=offset_copy(side, fig=fig, x=-14, y=-9, units="points"), fontsize=9.5,
                    color=MOT, ha="right", va="center", parse_math=False, gid="moment_of_truth")
        if i == 0:
            conv = t("png_entry", lang)
        else:
            conv = (t("png_from_prev", lang).format(pct=pct(s.conversion_from_previous)) + "  ·  "
                    + t("png_of_first", lang).format(pct=pct(s.conversion_from_first)))
        ax.text(col_x, i, fit(rd, conv, col_w, 10.5), transform=col, fontsize=10.5, color=INK, ha="left",
                va="center", parse_math=False, gid="conversion")
        if i < len(stages) - 1:
            lost = s.drop_off if s.drop_off is not None else s.customers - stages[i + 1].customers
            if lost <= 0:  # nobody lost: no "↓ −0 (0.0%)"
                ax.text(col_x, i + 0.5, t("png_no_loss", lang), transform=col, fontsize=9.5, color=FAINT,
                        ha="left", va="center", parse_math=False, gid="no_loss")
                continue
            share = f" ({pct(lost / s.customers)})" if s.customers else ""
            ax.text(col_x, i + 0.5, f"↓ \u2212{fmt_int(lost)}{share}", transform=col, fontsize=9.5, color=PAIN,
                    ha="left", va="center", parse_math=False, gid="drop_off")
    return fig
