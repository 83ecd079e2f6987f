"""The pain-point priority matrix and the funnel chart (see ``cjtool.render.png``).

Artists the tests look up carry a ``gid``: ``bubbles`` (one collection, offsets =
(drop-off rate, satisfaction)), ``median_x`` / ``median_y``, ``quadrant``, ``label``,
``funnel_bar`` (bar width = customers), ``stage_label``, ``conversion``, ``drop_off`` /
``no_loss``.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
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
    pain_points,
    pct,
    period_text,
    picture_format,
    place_labels,
    ranked,
    save_figure,
    stage_color,
    style,
    text_px,
    wrap,
)
from cjtool.render.words import w
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
    fig.text(
        0.3 / w,
        1 - 0.25 / h,
        fit(rd, title, width_in * px, 19, "bold"),
        fontsize=19,
        fontweight="bold",
        color=INK,
        ha="left",
        va="top",
        parse_math=False,
        gid="title",
    )
    fig.text(
        0.3 / w,
        1 - 0.7 / h,
        fit(rd, "  ·  ".join(p for p in parts if p), width_in * px, 11),
        fontsize=11,
        color=MUTED,
        ha="left",
        va="top",
        parse_math=False,
        gid="subtitle",
    )


def _context(result: JourneyMap, lang: str) -> list[str]:
    return [
        result.model.title.get(lang) or result.model.name,
        period_text(result) or "",
        f"{fmt_int(result.customers_total)} {t('customers', lang)}",
    ]


def _nice(x: float) -> int:
    """``x`` rounded to one significant digit (2415 -> 2000)."""
    if x < 1:
        return 1
    p = 10 ** int(math.floor(math.log10(x)))
    return int(round(x / p) * p)


# --------------------------------------------------------------------------- priority matrix


class _RateLocator(MaxNLocator):
    """Ticks of a rate axis: none past 100%."""

    def tick_values(self, vmin: float, vmax: float):
        ticks = np.asarray(super().tick_values(vmin, vmax), dtype=float)
        return ticks[ticks <= 1 + 1e-9]


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
        note = t("png_not_shown", lang).format(names=", ".join(clean(tp.touchpoint) for tp in missing))
        notes += wrap(rd, note, (MW - 0.6) * px, 9, max_lines=2).split("\n")  # a long list: two lines
    if unranked:
        notes.append(t("png_unranked", lang).format(n=len(unranked), m=m.min_customers))
    if shown:
        wd, ws = m.weight_drop_off, m.weight_dissatisfaction
        p_med = statistics.median(tp.priority for tp in shown)
        notes.append(w("matrix_line_note", lang, p=f"{p_med:.2f}", wd=num(wd), ws=num(ws), wsum=num(wd + ws)))
    else:
        notes.append(w("matrix_no_scores", lang))

    present = sorted({tp.stage_index for tp in shown})
    names = {i: fit(rd, m.stages[i - 1].label.get(lang), 2.6 * px, 9.5) for i in present}
    leg_w = (
        max(
            [text_px(rd, s, 9.5) / px for s in [*names.values(), t("pain_point", lang)]]
            + [text_px(rd, t("stage", lang), 10, "bold") / px, 1.0]
        )
        + 0.55
    )
    left, right, bottom, top = 1.05, leg_w + 0.6, 0.85 + 0.2 * len(notes), 1.2
    ax = fig.add_axes((left / MW, bottom / MH, (MW - left - right) / MW, (MH - bottom - top) / MH))
    _headline(
        fig,
        rd,
        t("priority_matrix", lang),
        [
            *_context(result, lang),
            t("png_ranked_tp", lang).format(n=len(order)) if shown else w("matrix_none_scored", lang, n=len(order)),
        ],
        MW - 0.6,
    )
    for i, note in enumerate(reversed(notes)):
        fig.text(
            0.3 / MW,
            (0.18 + 0.2 * i) / MH,
            fit(rd, note, (MW - 0.6) * px, 9),
            fontsize=9,
            color=MUTED,
            ha="left",
            va="bottom",
            parse_math=False,
            gid="footnote",
        )

    span = sc.max - sc.min
    ax.set_ylim(sc.min - 0.07 * span, sc.max + 0.07 * span)
    xs = [tp.drop_off_rate for tp in shown]
    x_hi = max(0.1, max(xs, default=0.0) * 1.12 + 0.02)  # past 100% if needed: a bubble at 100% stays inside
    ax.set_xlim(-0.07 * x_hi, x_hi)
    ax.xaxis.set_major_locator(_RateLocator(nbins=8, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    if span <= 6 and float(span).is_integer() and float(sc.min).is_integer():
        ax.set_yticks([sc.min + i for i in range(int(span) + 1)])
    ax.grid(color=GRID, lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, pad=6)
    ax.set_xlabel(f"{t('drop_off_rate', lang)} →", fontsize=10.5, labelpad=8, parse_math=False)
    ax.set_ylabel(
        f"{t('satisfaction', lang)} ({num(sc.min)}–{num(sc.max)})", fontsize=10.5, labelpad=8, parse_math=False
    )

    if not shown:
        ax.text(
            0.5,
            0.5,
            t("png_no_data", lang),
            transform=ax.transAxes,
            fontsize=12,
            color=FAINT,
            ha="center",
            va="center",
            style="italic",
            parse_math=False,
            gid="no_data",
        )
        return fig

    top_c = max(tp.customers for tp in shown) or 1
    drawn = sorted(shown, key=lambda tp: (-tp.customers, tp.rank))  # big bubbles first, small on top
    # the pain points (the journey map's red ones: top 3 by priority + lowest CSAT) in the pain
    # red, never in a stage colour that may read as fine; every other bubble in its stage colour
    pains = {(tp.stage, tp.touchpoint) for tp in pain_points(result)}
    ax.scatter(
        [tp.drop_off_rate for tp in drawn],
        [float(tp.scores.satisfaction or 0.0) for tp in drawn],
        s=[_bubble(tp.customers, top_c) for tp in drawn],
        c=[PAIN if (tp.stage, tp.touchpoint) in pains else stage_color(tp.stage_index) for tp in drawn],
        alpha=0.78,
        edgecolors="white",
        linewidths=1.0,
        zorder=3,
        gid="bubbles",
        clip_on=False,
    )

    line = _PriorityLine.of(result, shown)
    line.draw(ax)
    bubbles = [
        marker_box(
            ax, rd, tp.drop_off_rate, float(tp.scores.satisfaction or 0.0), math.sqrt(_bubble(tp.customers, top_c)) / 2
        )
        for tp in shown
    ]
    hard = _quadrant_labels(ax, rd, lang, line, bubbles)
    soft = list(bubbles)
    # the priority line: labels should not be struck through (weighted like 2 bubbles)
    (a, b) = line.ends(ax)
    pa, pb = ax.transData.transform(a), ax.transData.transform(b)
    for f in np.linspace(0, 1, 40):
        x, y = pa + f * (pb - pa)
        for _ in range(2):
            soft.append(Bbox.from_extents(x - 3, y - 3, x + 3, y + 3))
    labels = []
    for i, tp in enumerate(shown[:TOP_LABELS]):
        radius = math.sqrt(_bubble(tp.customers, top_c)) / 2
        text = fit(rd, f"#{tp.rank} {tp.touchpoint}", 2.4 * px, 9.5, "bold", middle=True)
        labels.append(
            Label(
                tp.drop_off_rate,
                float(tp.scores.satisfaction or 0.0),
                text,
                PAIN if (tp.stage, tp.touchpoint) in pains else INK,
                gap=radius + 3,
                gid="label",
                anchor=i,  # its own bubble: bubbles[i]
            )
        )
    place_labels(ax, rd, labels, hard=hard, soft=soft, anchors=bubbles)

    box = ax.get_position()
    handles = [
        Line2D([], [], ls="none", marker="o", ms=9, color=stage_color(i), alpha=0.85, label=names[i]) for i in present
    ]
    if any((tp.stage, tp.touchpoint) in pains for tp in shown):
        handles.append(Line2D([], [], ls="none", marker="o", ms=9, color=PAIN, alpha=0.85, label=t("pain_point", lang)))
    leg = fig.legend(
        handles=handles,
        title=t("stage", lang),
        loc="upper left",
        alignment="left",
        bbox_to_anchor=(box.x1 + 0.35 / MW, box.y1),
        fontsize=9.5,
        title_fontsize=10,
        labelcolor=INK,
        borderaxespad=0,
        handletextpad=0.5,
    )
    leg.get_title().set_fontweight("bold")
    leg.get_title().set_color(MUTED)
    refs = sorted({_nice(top_c), _nice(top_c / 3), _nice(top_c / 10)}, reverse=True)
    sizes = [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            ms=math.sqrt(_bubble(min(v, top_c), top_c)),
            color="#B8C2CC",
            label=fmt_int(v),
        )
        for v in refs
    ]
    leg2 = fig.legend(
        handles=sizes,
        title=t("col_customers", lang),
        loc="lower left",
        alignment="left",
        bbox_to_anchor=(box.x1 + 0.35 / MW, box.y0),
        fontsize=9.5,
        title_fontsize=10,
        labelcolor=INK,
        borderaxespad=0,
        labelspacing=1.6,
        handlelength=3.0,
        handletextpad=0.8,
        borderpad=0.6,
    )
    leg2.get_title().set_fontweight("bold")
    leg2.get_title().set_color(MUTED)
    return fig


class _PriorityLine:
    """SPEC 5's priority as a function of the matrix's axes, and its median over the bubbles.

    priority(x, y) = (w_d * x + w_s * (1 - (y - min) / (max - min))) / (w_d + w_s) is linear
    in (drop-off rate x, satisfaction y), so points of equal priority lie on a straight line:
    the one through the median priority splits the plot into "Fix first" (priority above the
    median: the shaded side) and "Keep up". The ranking and the picture tell one story."""

    def __init__(self, wd: float, ws: float, lo: float, hi: float, median: float) -> None:
        self.wd, self.ws, self.lo, self.hi, self.median = wd, ws, lo, hi, median

    @classmethod
    def of(cls, result: JourneyMap, shown: list) -> _PriorityLine:
        m = result.model
        sc = m.satisfaction_scale
        median = statistics.median(tp.priority for tp in shown)
        return cls(m.weight_drop_off, m.weight_dissatisfaction, sc.min, sc.max, median)

    def above(self, x: float, y: float) -> float:
        """priority(x, y) minus the median: positive on the "Fix first" side."""
        dissatisfaction = 1 - (y - self.lo) / (self.hi - self.lo)
        return (self.wd * x + self.ws * dissatisfaction) / (self.wd + self.ws) - self.median

    def region(self, ax, high: bool) -> list[tuple[float, float]]:
        """The part of the axes on one side of the line (a polygon in data coordinates)."""
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        out: list[tuple[float, float]] = []
        for (ax_, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
            fa, fb = self.above(ax_, ay), self.above(bx, by)
            if (fa >= 0) == high:
                out.append((ax_, ay))
            if (fa >= 0) != (fb >= 0):  # the line crosses this edge
                f = fa / (fa - fb)
                out.append((ax_ + f * (bx - ax_), ay + f * (by - ay)))
        return out

    def ends(self, ax) -> tuple[tuple[float, float], tuple[float, float]]:
        """Where the line meets the edges of the axes (data coordinates)."""
        high = self.region(ax, True)
        on_line = [p for p in high if abs(self.above(*p)) < 1e-9]
        if len(on_line) < 2:  # the whole plot on one side: no line inside it
            return (float("nan"), float("nan")), (float("nan"), float("nan"))
        return on_line[0], on_line[-1]

    def draw(self, ax) -> None:
        high = self.region(ax, True)
        if len(high) >= 3:
            ax.add_patch(Polygon(high, closed=True, facecolor=PAIN, alpha=0.05, edgecolor="none", zorder=0))
        (a, b) = self.ends(ax)
        ax.plot(
            [a[0], b[0]],
            [a[1], b[1]],
            color="#7B8794",
            lw=1.0,
            ls=(0, (4, 3)),
            zorder=2,
            gid="priority_line",
            scalex=False,
            scaley=False,
        )


_QUADRANTS = (  # key, colour, the name's corner (x: 0 left / 1 right, y: 0 bottom / 1 top), its side
    ("keep_up", FAINT, 0, 1, False),
    ("fix_first", PAIN, 1, 0, True),
)


def _quadrant_labels(ax, rd, lang: str, line: _PriorityLine, bubbles: list[Bbox]) -> list[Bbox]:
    """Name the two sides of the priority line where no bubble is; returns their boxes (pixels).

    Each name goes as near its corner of the plot as it can, on a grid of positions
    growing inwards from that corner. A position is taken only if the name's box (with a
    margin) lies wholly on the name's side of the line and touches no bubble and no other
    name. If no such place is free, the name goes outside the plot at that corner: above
    the axes for an upper corner, on the x-label row for a lower one."""
    ax_box = ax.get_window_extent(rd)
    inset = 0.012 * ax_box.width
    pad = 4.0  # pixels kept free around a name
    step = 8.0
    taken = np.array([b.extents for b in bubbles], dtype=float).reshape(-1, 4)
    to_data = ax.transData.inverted()
    boxes: list[Bbox] = []
    for key, color, right, top, high in _QUADRANTS:
        q = ax.text(
            0,
            0,
            t(key, lang),
            transform=ax.transAxes,
            fontsize=13,
            fontweight="bold",
            color=color,
            alpha=0.85,
            ha="right" if right else "left",
            va="top" if top else "bottom",
            zorder=1,
            parse_math=False,
            gid="quadrant",
        )
        size = q.get_window_extent(rd)
        w_, h = size.width, size.height
        x0, x1 = ax_box.x0 + inset, ax_box.x1 - inset
        y0, y1 = ax_box.y0 + inset, ax_box.y1 - inset
        nx, ny = int((x1 - x0 - w_) // step), int((y1 - y0 - h) // step)
        spot = None
        if nx >= 0 and ny >= 0:
            obstacles = np.vstack([taken] + [np.array([b.extents]) for b in boxes])
            order = sorted(
                ((i, j) for i in range(nx + 1) for j in range(ny + 1)), key=lambda ij: (max(ij), ij[0] + ij[1], ij[1])
            )
            for i, j in order:
                bx = x1 - w_ - i * step if right else x0 + i * step  # box's left edge
                by = y1 - h - j * step if top else y0 + j * step  # box's bottom edge
                ext = (bx - pad, by - pad, bx + w_ + pad, by + h + pad)
                if _hits(ext, obstacles):
                    continue
                corners = to_data.transform([(ext[0], ext[1]), (ext[2], ext[1]), (ext[0], ext[3]), (ext[2], ext[3])])
                if all((line.above(cx, cy) > 0) == high for cx, cy in corners):
                    spot = (bx, by)
                    break
        if spot is None:  # outside the plot, at the name's corner
            if top:
                spot = (ax_box.x1 - w_ if right else ax_box.x0, ax_box.y1 + 6)
            else:
                ax.xaxis.get_tightbbox(rd)  # lays out the tick labels and the axis label
                lab = ax.xaxis.label.get_window_extent(rd)
                spot = (ax_box.x1 - w_ if right else ax_box.x0, (lab.y0 + lab.y1) / 2 - h / 2)
        bx, by = spot
        anchor = (bx + w_ if right else bx, by + h if top else by)
        q.set_position(tuple(ax.transAxes.inverted().transform(anchor)))
        q.set_clip_on(False)
        boxes.append(q.get_window_extent(rd))
    return boxes


def _hits(box: tuple[float, float, float, float], others: np.ndarray) -> bool:
    """Whether ``box`` (x0, y0, x1, y1) overlaps any row of ``others``."""
    if not len(others):
        return False
    x0, y0, x1, y1 = box
    return bool(
        np.any(
            (np.minimum(x1, others[:, 2]) > np.maximum(x0, others[:, 0]))
            & (np.minimum(y1, others[:, 3]) > np.maximum(y0, others[:, 1]))
        )
    )


# --------------------------------------------------------------------------- funnel


FUNNEL_LABEL_MAX = 3.0  # inches: widest stage label column (longer labels wrap, then are cut)
FUNNEL_COL_MAX = 0.42  # of the figure width: widest right-hand column before its texts wrap


def _funnel_texts(result: JourneyMap, lang: str) -> tuple[list[str], list[tuple[str, bool] | None]]:
    """The right-hand column: the conversion of each stage (``a  ·  b`` on one line) and the
    drop-off to the next stage (text, whether anyone was lost) or None for the last."""
    stages = result.stages
    conv: list[str] = []
    drops: list[tuple[str, bool] | None] = []
    for i, s in enumerate(stages):
        if i == 0:
            conv.append(t("png_entry", lang))
        else:
            conv.append(
                t("png_from_prev", lang).format(pct=pct(s.conversion_from_previous))
                + "  ·  "
                + t("png_of_first", lang).format(pct=pct(s.conversion_from_first))
            )
        if i == len(stages) - 1:
            drops.append(None)
            continue
        lost = s.drop_off if s.drop_off is not None else s.customers - stages[i + 1].customers
        if lost <= 0:  # nobody lost: "no loss", never "↓ −0 (0.0%)"
            drops.append((t("png_no_loss", lang), False))
        else:
            share = f" ({pct(lost / s.customers)})" if s.customers else ""
            drops.append((f"↓ \u2212{fmt_int(lost)}{share}", True))
    return conv, drops


def _funnel(result: JourneyMap, lang: str) -> Figure:
    fig, rd = new_figure(MW, MH)
    px = fig.dpi
    m = result.model
    stages = result.stages
    k = max(1, len(stages))
    _headline(fig, rd, t("funnel_chart", lang), _context(result, lang), MW - 0.6)

    # left column: stage labels (wrapped onto two lines rather than cut) and moments of truth
    labels = [wrap(rd, m.stages[s.index - 1].label.get(lang), FUNNEL_LABEL_MAX * px, 12, "bold") for s in stages]
    mots = [
        fit(rd, "★ " + clean(m.stages[s.index - 1].moment_of_truth or ""), FUNNEL_LABEL_MAX * px, 9.5)
        if m.stages[s.index - 1].moment_of_truth
        else ""
        for s in stages
    ]
    lab_w = max(
        [text_px(rd, ln, 12, "bold") / px for s in labels for ln in s.split("\n")]
        + [text_px(rd, s, 9.5) / px for s in mots]
        + [0.8]
    )
    # right column: as wide as its longest text, measured; conversions wrap onto two lines
    # ("from previous" / "of first stage") only when one line would take too much room
    conv, drops = _funnel_texts(result, lang)
    col_max = FUNNEL_COL_MAX * MW - 0.65
    drop_w = max([text_px(rd, d[0], 9.5) / px for d in drops if d] + [0.0])
    conv_w = max(text_px(rd, c, 10.5) / px for c in conv) if conv else 0.0
    if max(conv_w, drop_w) > col_max:
        conv = [c.replace("  ·  ", "\n") for c in conv]
        conv_w = max(text_px(rd, ln, 10.5) / px for c in conv for ln in c.split("\n"))
    col_in = min(col_max, max(conv_w, drop_w, 1.5))
    left, right, bottom, top = 0.3 + lab_w + 0.3, col_in + 0.35 + 0.3, 0.45, 1.3
    ax = fig.add_axes((left / MW, bottom / MH, (MW - left - right) / MW, (MH - bottom - top) / MH))
    ax.set_axis_off()
    widest = max((s.customers for s in stages), default=0) or 1
    ax.set_xlim(-widest / 2 * 1.02, widest / 2 * 1.02)
    ax.set_ylim(k - 0.5, -0.5)
    bar_h = 0.6
    bars = ax.barh(
        list(range(len(stages))),
        [s.customers for s in stages],
        left=[-s.customers / 2 for s in stages],
        height=bar_h,
        color=ACCENT,
        edgecolor="none",
        zorder=3,
    )
    for patch in bars.patches:
        patch.set_gid("funnel_bar")
    for i in range(len(stages) - 1):
        a, b = stages[i].customers / 2, stages[i + 1].customers / 2
        y0, y1 = i + bar_h / 2, i + 1 - bar_h / 2
        ax.add_patch(
            Polygon(
                [(-a, y0), (a, y0), (b, y1), (-b, y1)], closed=True, facecolor=ACCENT_LIGHT, edgecolor="none", zorder=2
            )
        )

    unit_px = ax.get_window_extent(rd).width / (2 * widest / 2 * 1.02)  # pixels per customer
    side = blended_transform_factory(ax.transAxes, ax.transData)
    col = blended_transform_factory(fig.transFigure, ax.transData)
    col_x = (MW - right + 0.35) / MW
    col_w = col_in * px + 1  # + 1: the measured widths, back from inches
    for i, s in enumerate(stages):
        number = fmt_int(s.customers)
        inside = text_px(rd, number, 13, "bold") + 20 <= s.customers * unit_px
        if inside:
            ax.text(
                0,
                i,
                number,
                fontsize=13,
                fontweight="bold",
                color="white",
                ha="center",
                va="center",
                zorder=4,
                gid="customers",
            )
        else:
            ax.annotate(
                number,
                xy=(s.customers / 2, i),
                xytext=(7, 0),
                textcoords="offset points",
                fontsize=13,
                fontweight="bold",
                color=INK,
                ha="left",
                va="center",
                zorder=4,
                gid="customers",
            )
        if mots[i]:  # the label just above the bar's centre line, the moment of truth just below
            ax.text(
                0,
                i,
                labels[i],
                transform=offset_copy(side, fig=fig, x=-14, y=1, units="points"),
                fontsize=12,
                fontweight="bold",
                color=INK,
                ha="right",
                va="bottom",
                linespacing=1.1,
                parse_math=False,
                gid="stage_label",
            )
            ax.text(
                0,
                i,
                mots[i],
                transform=offset_copy(side, fig=fig, x=-14, y=-2, units="points"),
                fontsize=9.5,
                color=MOT,
                ha="right",
                va="top",
                parse_math=False,
                gid="moment_of_truth",
            )
        else:
            ax.text(
                0,
                i,
                labels[i],
                transform=offset_copy(side, fig=fig, x=-14, y=0, units="points"),
                fontsize=12,
                fontweight="bold",
                color=INK,
                ha="right",
                va="center",
                linespacing=1.1,
                parse_math=False,
                gid="stage_label",
            )
        text = conv[i] if "\n" in conv[i] else fit(rd, conv[i], col_w, 10.5)
        ax.text(
            col_x,
            i,
            text,
            transform=col,
            fontsize=10.5,
            color=INK,
            ha="left",
            va="center",
            linespacing=1.25,
            parse_math=False,
            gid="conversion",
        )
        drop = drops[i]
        if drop is not None:
            ax.text(
                col_x,
                i + 0.5,
                fit(rd, drop[0], col_w, 9.5),
                transform=col,
                fontsize=9.5,
                color=PAIN if drop[1] else FAINT,
                ha="left",
                va="center",
                parse_math=False,
                gid="drop_off" if drop[1] else "no_loss",
            )
    return fig
