"""PNG charts of a JourneyMap: the journey map (a 16:9 slide), the pain-point priority
matrix and the funnel.

    save_journey_map(result, "map.png", lang="zh")

``*_figure`` return a matplotlib ``Figure`` (object API, Agg canvas, no pyplot state);
``save_*`` write it as PNG, SVG or PDF by the suffix of the path (any other suffix is a
``UsageError``), atomically (temp file + rename; a failure leaves no partial file) and
byte-for-byte reproducibly. Missing scores are shown as missing (a gap in the emotion
curve, a hollow marker, "no scores"), never as zero.

Artists the tests look up carry a ``gid``: ``stage_label``, ``emotion_curve``,
``touchpoint_points``, ``pain_point`` / ``wow_moment`` (one marker each, its label is
the touchpoint name), ``pain_label`` / ``wow_label``, ``funnel_band``, ``drop_off`` (an
arrow with the customers lost) or ``no_loss`` (a step nobody left; no arrow).
"""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from cjtool.i18n import fmt_int, fmt_points, t
from cjtool.render.png_charts import funnel_figure, priority_matrix_figure, save_funnel, save_priority_matrix
from cjtool.render.png_style import (
    ACCENT,
    ACCENT_LIGHT,
    FAINT,
    GRID,
    INK,
    MEASURED,
    MOT,
    MUTED,
    PAIN,
    PANEL,
    WOW,
    Label,
    clean,
    fit,
    has_scores,
    marker_box,
    new_figure,
    num,
    pain_points,
    pct,
    period_text,
    picture_format,
    place_labels,
    save_figure,
    stage_color,
    style,
    text_px,
    wow_moments,
    wow_threshold,
    wrap,
)
from cjtool.render.words import w
from cjtool.result import JourneyMap, TouchpointMetrics

__all__ = [
    "journey_map_figure",
    "save_journey_map",
    "priority_matrix_figure",
    "save_priority_matrix",
    "funnel_figure",
    "save_funnel",
]

W, H = 16.0, 9.0  # inches; at 150 dpi a 2400 x 1350 slide image
GUTTER, RIGHT = 1.6, 0.35  # left column for row labels and the y axis; right margin
HEADER = (7.15, 7.95)  # (bottom, top) of each band, inches from the bottom
FUNNEL = (5.3, 7.0)
TOUCH = (3.72, 5.18)
EMOTION = (0.86, 3.12)
MAX_TOUCHPOINTS = 4  # listed per stage
# without any satisfaction score there is no emotion curve: the touchpoint lists take its
# room and show more touchpoints per stage
# and the funnel grows taller
FUNNEL_NO_SCORES = (4.45, 7.0)
TOUCH_NO_SCORES = (0.75, 4.3)
MAX_TOUCHPOINTS_NO_SCORES = 8
BAND_CENTER, BAND_MAX = 0.40, 0.42  # funnel band, axes fraction of the funnel row
MARKER_ROOM = 12.0  # points above and below the satisfaction scale: the largest marker's radius + 1.5


def journey_map_figure(result: JourneyMap, lang: str = "en") -> Figure:
    """The journey map: stages as columns with funnel, touchpoints and emotion curve."""
    with style():
        return _JourneyMapChart(result, lang).build()


def save_journey_map(result: JourneyMap, path: str | Path, lang: str = "en") -> None:
    """Write the journey map to ``path``: .png, .svg or .pdf, by its suffix."""
    picture_format(path)  # an unsupported suffix fails before anything is drawn
    with style():
        save_figure(_JourneyMapChart(result, lang).build(), path)


class _JourneyMapChart:
    def __init__(self, result: JourneyMap, lang: str) -> None:
        self.r = result
        self.lang = lang
        self.k = max(1, len(result.stages))
        self.fig, self.rd = new_figure(W, H)
        self.px = self.fig.dpi  # pixels per inch
        self.col_px = (W - GUTTER - RIGHT) / self.k * self.px
        self.pains = pain_points(result)
        self.wows = wow_moments(result, exclude=self.pains)
        self.scored = has_scores(result)
        self.touch = TOUCH if self.scored else TOUCH_NO_SCORES
        self.funnel_band = FUNNEL if self.scored else FUNNEL_NO_SCORES
        self.max_tp = MAX_TOUCHPOINTS if self.scored else MAX_TOUCHPOINTS_NO_SCORES

    def tr(self, key: str, **kw: object) -> str:
        text = t(key, self.lang)
        return text.format(**kw) if kw else text

    def label(self, index: int) -> str:
        return self.r.model.stages[index - 1].label.get(self.lang)

    def axes(self, band: tuple[float, float]):
        ax = self.fig.add_axes((GUTTER / W, band[0] / H, (W - GUTTER - RIGHT) / W, (band[1] - band[0]) / H))
        ax.set_xlim(-0.5, self.k - 0.5)
        ax.set_ylim(0, 1)
        ax.set_axis_off()
        return ax

    def build(self) -> Figure:
        self.title()
        self.header()
        self.funnel()
        self.touchpoints()
        if self.scored:
            self.emotion()
        self.footer()
        return self.fig

    # ---------------------------------------------------------------- title and footer
    def title(self) -> None:
        m = self.r.model
        width = (W - 0.6) * self.px
        title = m.title.get(self.lang) or m.name or t("journey_map", self.lang)
        self.fig.text(
            0.3 / W,
            1 - 0.25 / H,
            fit(self.rd, title, width, 20, "bold"),
            fontsize=20,
            fontweight="bold",
            color=INK,
            va="top",
            ha="left",
            parse_math=False,
            gid="title",
        )
        parts = [t("journey_map", self.lang)]
        period = period_text(self.r)
        if period:
            parts.append(period)
        parts.append(f"{fmt_int(self.r.customers_total)} {t('customers', self.lang)}")
        parts.append(f"{fmt_int(self.r.customers_entered)} {t('entered', self.lang)}")
        parts.append(f"{fmt_int(self.r.customers_completed)} {t('completed', self.lang)}")
        self.fig.text(
            0.3 / W,
            1 - 0.72 / H,
            fit(self.rd, "  ·  ".join(parts), width, 11.5),
            fontsize=11.5,
            color=MUTED,
            va="top",
            ha="left",
            parse_math=False,
            gid="subtitle",
        )

    def footer(self) -> None:
        m = self.r.model
        right = [f"cjtool · {t('model', self.lang)} {m.name}", t("mode_" + m.mode, self.lang)]
        if m.window_text:
            right.append(f"{t('window', self.lang)} {m.window_text}")
        rtext = fit(self.rd, " · ".join(right), 4.2 * self.px, 9)
        measured = [w("measured_note", self.lang)] if self.r.measured else []
        if self.scored:
            left = [
                self.tr("png_mot_note"),
                *measured,
                self.tr("png_pain_rule"),
                self.tr("png_wow_rule", thr=num(wow_threshold(self.r))),
            ]
        else:
            left = [
                self.tr("png_mot_note"),
                *measured,
                w("pain_rule_no_scores", self.lang),
                w("no_emotion_curve", self.lang),
            ]
        lwidth = (W - 0.6) * self.px - text_px(self.rd, rtext, 9) - 0.4 * self.px
        self.fig.text(
            0.3 / W,
            0.2 / H,
            fit(self.rd, "   ·   ".join(left), lwidth, 9),
            fontsize=9,
            color=MUTED,
            ha="left",
            va="bottom",
            parse_math=False,
            gid="footnote",
        )
        self.fig.text(
            1 - 0.3 / W,
            0.2 / H,
            rtext,
            fontsize=9,
            color=FAINT,
            ha="right",
            va="bottom",
            parse_math=False,
            gid="footnote",
        )

    def gutter_label(self, band: tuple[float, float], text: str, sub: str | None = None) -> None:
        width = (GUTTER - 0.45) * self.px
        main = wrap(self.rd, text, width, 10.5, "bold")
        self.fig.text(
            0.3 / W,
            (band[1] - 0.02) / H,
            main,
            fontsize=10.5,
            fontweight="bold",
            color=MUTED,
            ha="left",
            va="top",
            linespacing=1.15,
            parse_math=False,
            gid="row_label",
        )
        if sub:
            lines = main.count("\n") + 1
            self.fig.text(
                0.3 / W,
                (band[1] - 0.04 - 0.2 * lines) / H,
                wrap(self.rd, sub, width, 9),
                fontsize=9,
                color=FAINT,
                ha="left",
                va="top",
                linespacing=1.15,
                parse_math=False,
                gid="row_label",
            )

    # ---------------------------------------------------------------- stage header
    def header(self) -> None:
        ax = self.axes(HEADER)
        for s in self.r.stages:
            x = s.index - 1
            stage = self.r.model.stages[s.index - 1]
            ax.add_patch(Rectangle((x - 0.47, 0), 0.94, 1, facecolor=PANEL, edgecolor="none", zorder=1))
            ax.add_patch(
                Rectangle((x - 0.47, 0.9), 0.94, 0.1, facecolor=stage_color(s.index), edgecolor="none", zorder=2)
            )
            inner = self.col_px * 0.88
            label = wrap(self.rd, self.label(s.index), inner, 12.5, "bold")
            two = "\n" in label
            measured = self.r.measured.get(s.id)
            y = (0.58 if two else 0.56) if stage.moment_of_truth or measured else 0.45
            if stage.moment_of_truth and measured:  # declared here, measured there: two lines
                y = 0.68 if two else 0.66
            ax.text(
                x,
                y,
                label,
                fontsize=12.5,
                fontweight="bold",
                color=INK,
                ha="center",
                va="center",
                linespacing=1.05,
                parse_math=False,
                gid="stage_label",
            )
            lines = []
            if stage.moment_of_truth:
                lines.append(("★ " + clean(stage.moment_of_truth), MOT, "moment_of_truth"))
            if measured:
                lines.append(
                    (
                        f"◆ {clean(measured.touchpoint)} {fmt_points(100 * measured.lift, self.lang, 0)}",
                        MEASURED,
                        "measured_moment",
                    )
                )
            ys = [0.17 if two else 0.2] if len(lines) == 1 else [0.3 if two else 0.32, 0.1]
            for (text, colour, gid), ty in zip(lines, ys, strict=False):
                ax.text(
                    x,
                    ty,
                    fit(self.rd, text, inner, 9.5),
                    fontsize=9.5,
                    color=colour,
                    ha="center",
                    va="center",
                    parse_math=False,
                    gid=gid,
                )

    # ---------------------------------------------------------------- funnel band
    def funnel(self) -> None:
        ax = self.axes(self.funnel_band)
        self.gutter_label(self.funnel_band, self.tr("png_customers_reached"))
        stages = self.r.stages
        top = max((s.customers for s in stages), default=0)
        heights = [BAND_MAX * s.customers / top if top else 0.0 for s in stages]
        bar_w = min(0.36, 1.0 * self.px / self.col_px)
        inner = self.col_px * 0.9
        c = BAND_CENTER
        for i, s in enumerate(stages):
            h = heights[i]
            ax.add_patch(
                Rectangle(
                    (i - bar_w / 2, c - h / 2),
                    bar_w,
                    h,
                    facecolor=ACCENT,
                    edgecolor="none",
                    zorder=3,
                    gid="funnel_band",
                )
            )
            ax.text(
                i,
                0.98,
                fit(self.rd, fmt_int(s.customers), inner, 16, "bold"),
                fontsize=16,
                fontweight="bold",
                color=INK,
                ha="center",
                va="top",
                parse_math=False,
                gid="stage_customers",
            )
            sub = self.tr("png_entry") if i == 0 else self.tr("png_of_first", pct=pct(s.conversion_from_first))
            ax.text(
                i,
                0.8,
                wrap(self.rd, sub, inner, 9.5),
                fontsize=9.5,
                color=MUTED,
                ha="center",
                va="top",
                linespacing=1.0,
                parse_math=False,
                gid="stage_conversion",
            )
        for i in range(len(stages) - 1):
            a, b = stages[i], stages[i + 1]
            ha_, hb = heights[i], heights[i + 1]
            x0, x1 = i + bar_w / 2, i + 1 - bar_w / 2
            ax.add_patch(
                Polygon(
                    [(x0, c + ha_ / 2), (x1, c + hb / 2), (x1, c - hb / 2), (x0, c - ha_ / 2)],
                    closed=True,
                    facecolor=ACCENT_LIGHT,
                    edgecolor="none",
                    zorder=2,
                )
            )
            mid_top = c + (ha_ + hb) / 4
            ax.text(
                i + 0.5,
                mid_top + 0.03,
                "→ " + pct(b.conversion_from_previous),
                fontsize=9.5,
                fontweight="bold",
                color=ACCENT,
                ha="center",
                va="bottom",
                parse_math=False,
                gid="conversion",
            )
            lost = a.drop_off if a.drop_off is not None else a.customers - b.customers
            if lost <= 0:  # nobody lost: no arrow, no "−0 (0.0%)"
                ax.text(
                    i + 0.5,
                    0.02,
                    self.tr("png_no_loss"),
                    fontsize=9.5,
                    color=FAINT,
                    ha="center",
                    va="bottom",
                    parse_math=False,
                    gid="no_loss",
                )
                continue
            share = f" ({pct(lost / a.customers)})" if a.customers else ""
            ax.annotate(
                f"\u2212{fmt_int(lost)}{share}",
                xy=(i + 0.5, c - (ha_ + hb) / 4),
                xytext=(i + 0.5, 0.02),
                fontsize=9.5,
                color=PAIN,
                ha="center",
                va="bottom",
                parse_math=False,
                gid="drop_off",
                arrowprops={
                    "arrowstyle": "<|-",
                    "color": PAIN,
                    "lw": 0.9,
                    "shrinkA": 1,
                    "shrinkB": 1,
                    "mutation_scale": 8,
                },
            )

    # ---------------------------------------------------------------- touchpoint lists
    def touchpoints(self) -> None:
        ax = self.axes(self.touch)
        self.gutter_label(self.touch, self.tr("png_main_touchpoints"), self.tr("png_tp_legend"))
        pain_keys = {(tp.stage, tp.touchpoint) for tp in self.pains}
        wow_keys = {(tp.stage, tp.touchpoint) for tp in self.wows}
        block = min(self.col_px * 0.9, 2.7 * self.px)  # list width in pixels
        half = block / self.col_px / 2  # in data units
        band = self.touch[1] - self.touch[0]
        line = 0.168 / band  # one text line, axes fraction
        gap = 0.0146 / band  # between two touchpoints
        for s in self.r.stages:
            x = s.index - 1
            if x > 0:
                ax.axvline(x - 0.5, color=GRID, lw=0.8, zorder=0)
            tps = sorted(
                (tp for tp in self.r.touchpoints if tp.stage == s.id), key=lambda tp: (-tp.customers, tp.touchpoint)
            )
            y = 0.98
            x0 = x - half
            dx = 17 / self.col_px  # marker to text, data units
            for tp in tps[: self.max_tp]:
                key = (tp.stage, tp.touchpoint)
                scored = tp.scores.satisfaction is not None
                color = PAIN if key in pain_keys else WOW if key in wow_keys else FAINT
                marker = "*" if key in wow_keys else "o"
                ax.plot(
                    [x0 + dx * 0.3],
                    [y - line * 0.42],
                    marker=marker,
                    ms=8 if marker == "*" else 6,
                    mfc=color if scored else "white",
                    mec=color,
                    mew=1.3,
                    ls="none",
                    zorder=3,
                    gid="touchpoint_marker",
                    label=tp.touchpoint,
                )
                ax.text(
                    x0 + dx,
                    y,
                    fit(self.rd, tp.touchpoint, block - 17, 10, "bold", middle=True),
                    fontsize=10,
                    fontweight="bold",
                    color=PAIN if key in pain_keys else INK,
                    ha="left",
                    va="top",
                    parse_math=False,
                    gid="touchpoint_name",
                )
                stats = f"{fmt_int(tp.customers)} · {self.tr('png_drop_tp', pct=pct(tp.drop_off_rate))}"
                # "no scores" only where others have them; without any, the footer says it once
                full = stats + ("" if scored or not self.scored else f" · {t('no_scores', self.lang)}")
                shown = full if text_px(self.rd, full, 9) <= block - 17 else fit(self.rd, stats, block - 17, 9)
                ax.text(
                    x0 + dx,
                    y - line,
                    shown,
                    fontsize=9,
                    color=MUTED,
                    ha="left",
                    va="top",
                    parse_math=False,
                    gid="touchpoint_stats",
                )
                y -= 2 * line + gap
            if len(tps) > self.max_tp:
                ax.text(
                    x0 + dx,
                    y,
                    self.tr("png_more", n=len(tps) - self.max_tp),
                    fontsize=9,
                    color=FAINT,
                    ha="left",
                    va="top",
                    style="italic",
                    parse_math=False,
                    gid="touchpoint_more",
                )

    # ---------------------------------------------------------------- emotion curve
    def emotion(self) -> None:
        r, rd = self.r, self.rd
        sc = r.model.satisfaction_scale
        ax = self.fig.add_axes((GUTTER / W, EMOTION[0] / H, (W - GUTTER - RIGHT) / W, (EMOTION[1] - EMOTION[0]) / H))
        ax.set_xlim(-0.5, self.k - 0.5)
        span = sc.max - sc.min
        # room for a whole marker at either end of the scale, so every marker lies inside the
        # axes (the legend and the title above it never touch data); the axis line and the
        # ticks still cover exactly the scale
        h_px = (EMOTION[1] - EMOTION[0]) * self.px
        edge = MARKER_ROOM * self.px / 72
        margin = span * edge / (h_px - 2 * edge)
        ax.set_ylim(sc.min - margin, sc.max + margin)
        ax.spines["left"].set_bounds(sc.min, sc.max)
        if span <= 6 and float(span).is_integer() and float(sc.min).is_integer():
            ax.set_yticks([sc.min + i for i in range(int(span) + 1)])
        else:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.set_xticks([])
        ax.grid(axis="y", color=GRID, lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color(GRID)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.set_ylabel(
            f"{t('satisfaction', self.lang)} ({num(sc.min)}–{num(sc.max)})",
            fontsize=10,
            color=MUTED,
            labelpad=10,
            parse_math=False,
        )
        ax.set_title(
            t("emotion_curve", self.lang),
            loc="left",
            fontsize=11.5,
            fontweight="bold",
            color=INK,
            pad=8,
            parse_math=False,
        )
        for i in range(1, self.k):
            ax.axvline(i - 0.5, color=GRID, lw=0.8, zorder=0)

        top_tp = max((tp.customers for tp in r.touchpoints), default=1) or 1

        def size(tp: TouchpointMetrics) -> float:
            return 16 + 110 * math.sqrt(tp.customers / top_tp)

        # touchpoint scores, scattered around their stage
        where: dict[tuple[str, str], tuple[float, float, float]] = {}
        xs, ys, ss = [], [], []
        for s in r.stages:
            scored = sorted(
                (tp for tp in r.touchpoints if tp.stage == s.id and tp.scores.satisfaction is not None),
                key=lambda tp: tp.touchpoint,
            )
            n = len(scored)
            w = min(0.32, 0.13 * (n + 1) * self.px / self.col_px)  # at most ~0.13 in apart
            slots = [-w + 2 * w * i / n for i in range(n + 1)] if n else []
            if slots:  # the slot nearest the centre is left to the stage's own marker
                slots.pop(min(range(len(slots)), key=lambda i: abs(slots[i])))
            for tp, off in zip(scored, slots, strict=True):
                x = s.index - 1 + off
                y = float(tp.scores.satisfaction or 0.0)
                where[(tp.stage, tp.touchpoint)] = (x, y, size(tp))
                xs.append(x)
                ys.append(y)
                ss.append(size(tp))
        ax.scatter(
            xs,
            ys,
            s=ss,
            color="#B8C2CC",
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
            gid="touchpoint_points",
            clip_on=False,
        )

        # the stage curve; a stage without scores is a gap, never zero
        cx = [float(s.index - 1) for s in r.stages]
        cy = [float("nan") if s.scores.satisfaction is None else float(s.scores.satisfaction) for s in r.stages]
        ax.plot(
            cx,
            cy,
            color=ACCENT,
            lw=2.6,
            marker="o",
            ms=9,
            mfc="white",
            mec=ACCENT,
            mew=2.2,
            zorder=4,
            gid="emotion_curve",
            clip_on=False,
        )
        hard, soft = [], []
        labels: list[Label] = []
        for x, y in zip(cx, cy, strict=True):
            if y == y:
                labels.append(Label(x, y, f"{y:.2f}", ACCENT, size=10, gap=7, gid="stage_value", above=True))
                soft.append(marker_box(ax, rd, x, y, 6))
            else:
                txt = ax.text(
                    x,
                    (sc.min + sc.max) / 2,
                    t("no_scores", self.lang),
                    fontsize=10,
                    style="italic",
                    color=FAINT,
                    ha="center",
                    va="center",
                    parse_math=False,
                    gid="no_scores",
                    bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": GRID, "lw": 0.8},
                )
                hard.append(txt.get_window_extent(rd).padded(6))
        # the curve itself, sampled, so labels avoid crossing it where they can
        for x0, y0, x1, y1 in zip(cx[:-1], cy[:-1], cx[1:], cy[1:], strict=True):
            if y0 == y0 and y1 == y1:
                for f in [j / 12 for j in range(13)]:
                    soft.append(marker_box(ax, rd, x0 + f * (x1 - x0), y0 + f * (y1 - y0), 3))
        for x, y, s_ in where.values():
            soft.append(marker_box(ax, rd, x, y, math.sqrt(s_) / 2))

        missing: dict[int, int] = {}  # unscored pain points per stage column
        for tp in self.pains:
            pos = where.get((tp.stage, tp.touchpoint))
            if pos is None:  # a pain point without scores: a hollow marker under the axis, off the scale
                x = tp.stage_index - 1
                yf = -0.055 - 0.085 * missing.get(x, 0)
                missing[x] = missing.get(x, 0) + 1
                tr = blended_transform_factory(ax.transData, ax.transAxes)
                ax.plot(
                    [x - 0.45],
                    [yf],
                    marker="o",
                    ms=7,
                    mfc="white",
                    mec=PAIN,
                    mew=1.5,
                    transform=tr,
                    ls="none",
                    zorder=5,
                    gid="pain_point",
                    label=tp.touchpoint,
                    clip_on=False,
                )
                tail = f" · {t('no_scores', self.lang)}"
                limit = self.col_px * 0.9 - 12 - text_px(rd, tail, 9.5)
                note = fit(rd, tp.touchpoint, limit, 9.5, middle=True) + tail
                ax.annotate(
                    note,
                    xy=(x - 0.45, yf),
                    xycoords=tr,
                    xytext=(7, 0),
                    textcoords="offset points",
                    fontsize=9.5,
                    color=PAIN,
                    ha="left",
                    va="center",
                    parse_math=False,
                    gid="pain_note",
                    annotation_clip=False,
                )
                hard.append(txt.get_window_extent(rd))
                continue
            x, y, s_ = pos
            ax.plot(
                [x],
                [y],
                ls="none",
                marker="o",
                ms=math.sqrt(s_ + 40),
                mfc=PAIN,
                mec="white",
                mew=1.0,
                zorder=5,
                clip_on=False,
                gid="pain_point",
                label=tp.touchpoint,
            )
            labels.append(Label(x, y, self.short(tp, y), PAIN, gap=math.sqrt(s_ + 40) / 2 + 3, gid="pain_label"))
        for tp in self.wows:
            x, y, s_ = where[(tp.stage, tp.touchpoint)]
            ax.plot(
                [x],
                [y],
                ls="none",
                marker="*",
                ms=math.sqrt(s_ + 110) * 1.3,
                mfc=WOW,
                mec="white",
                mew=0.6,
                zorder=5,
                clip_on=False,
                gid="wow_moment",
                label=tp.touchpoint,
            )
            labels.append(Label(x, y, self.short(tp, y), WOW, gap=math.sqrt(s_ + 110) / 2 + 2, gid="wow_label"))
        place_labels(ax, rd, labels, hard=hard, soft=soft)
        self.legend(ax)

    def short(self, tp: TouchpointMetrics, y: float) -> str:
        """``name  3.85``, the name cut to fit a column (the value always shows)."""
        value = f"  {y:.2f}"
        limit = min(self.col_px * 0.95, 2.6 * self.px) - text_px(self.rd, value, 9.5, "bold")
        return fit(self.rd, tp.touchpoint, limit, 9.5, "bold", middle=True) + value

    def legend(self, ax) -> None:
        """The symbols of the emotion curve, each only when the chart uses it."""
        r = self.r
        handles = [
            Line2D(
                [],
                [],
                color=ACCENT,
                lw=2.4,
                marker="o",
                ms=7,
                mfc="white",
                mec=ACCENT,
                mew=2,
                label=t("png_stage_csat", self.lang),
            ),
            Line2D([], [], ls="none", marker="o", ms=7, color="#B8C2CC", label=t("png_tp_csat", self.lang)),
        ]
        if self.pains:
            handles.append(Line2D([], [], ls="none", marker="o", ms=8, color=PAIN, label=t("pain_point", self.lang)))
        if self.wows:
            handles.append(Line2D([], [], ls="none", marker="*", ms=11, color=WOW, label=t("wow_moment", self.lang)))
        if any(s.scores.satisfaction is None for s in r.stages) or any(
            tp.scores.satisfaction is None for tp in r.touchpoints
        ):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker="o",
                    ms=7,
                    mfc="white",
                    mec=FAINT,
                    mew=1.3,
                    label=t("no_scores", self.lang),
                )
            )
        box = ax.get_position()
        self.fig.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(box.x1, box.y1 + 0.02 / H),
            ncol=len(handles),
            fontsize=9.5,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.4,
            borderaxespad=0.0,
            borderpad=0.2,
            labelcolor=MUTED,
        )
