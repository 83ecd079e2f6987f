"""Key-moments pictures: a diverging odds-ratio chart (log scale, 95% whiskers, grouped by
stage) and the importance-performance picture (x = measured conversion lift, y = CSAT),
the data-driven twin of the priority matrix. House style of ``png_style``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from cjtool.analyses.moments import CAUSATION_NOTE, Moment, MomentsResult
from cjtool.i18n import fmt_int, t
from cjtool.render.moments_text import fmt_p, w
from cjtool.render.png_style import (
    FAINT,
    GRID,
    INK,
    MUTED,
    PAIN,
    WOW,
    Label,
    fit,
    marker_box,
    new_figure,
    picture_format,
    place_labels,
    save_figure,
    save_figures,
    style,
)

WIDTH_IN = 11.0
ROW_IN = 0.34
OR_LIMIT = 1000.0  # the axis shows odds ratios within [1/1000, 1000]; beyond, whiskers are cut


def importance_path(path: str | Path) -> Path:
    """The importance-performance picture's file next to the odds chart's: ``x.png`` ->
    ``x_importance.png``."""
    p = Path(path)
    return p.with_name(f"{p.stem}_importance{p.suffix}")


def colour(m: Moment) -> str:
    if not m.confident:
        return FAINT
    return WOW if m.odds_ratio > 1 else PAIN


def top_per_stage(result: MomentsResult, top: int) -> list[tuple[str, list[Moment]]]:
    """The ``top`` moments of each stage (SPEC order within it), stages in model order."""
    out = []
    for p in result.populations:
        ms = [m for m in result.moments if m.stage_index == p.index][:top]
        if ms:
            out.append((p.id, ms))
    return out


def _headline(fig: Figure, rd, title: str, sub: str) -> None:
    w_in, h_in = fig.get_size_inches()
    px = fig.dpi
    fig.text(0.3 / w_in, 1 - 0.25 / h_in, fit(rd, title, (w_in - 0.6) * px, 17, "bold"), fontsize=17,
             fontweight="bold", color=INK, ha="left", va="top", parse_math=False, gid="title")  # fmt: skip
    fig.text(0.3 / w_in, 1 - 0.68 / h_in, fit(rd, sub, (w_in - 0.6) * px, 10.5), fontsize=10.5, color=MUTED,
             ha="left", va="top", parse_math=False, gid="subtitle")  # fmt: skip


def _footer(fig: Figure, rd, lines: list[str]) -> None:
    w_in, h_in = fig.get_size_inches()
    for i, line in enumerate(lines):
        fig.text(0.3 / w_in, (0.2 + 0.22 * (len(lines) - 1 - i)) / h_in, fit(rd, line, (w_in - 0.6) * fig.dpi, 9),
                 fontsize=9, color=MUTED, ha="left", va="bottom", parse_math=False)  # fmt: skip


def _subtitle(result: MomentsResult, lang: str) -> str:
    m = result.model
    return "  ·  ".join([m.title.get(lang) or m.name, f"{fmt_int(result.customers_total)} {t('customers', lang)}"])


# --------------------------------------------------------------------------- odds-ratio chart


def odds_chart_figure(result: MomentsResult, lang: str = "en", top: int = 8) -> Figure:
    groups = top_per_stage(result, top)
    rows = sum(1 + len(ms) for _, ms in groups) or 1
    height = 2.1 + ROW_IN * rows
    fig, rd = new_figure(WIDTH_IN, height)
    _headline(fig, rd, w("chart_title", lang), _subtitle(result, lang))
    left, right = 2.6, 2.3  # inches for touchpoint names / for n and p
    ax = fig.add_axes((left / WIDTH_IN, 1.2 / height, (WIDTH_IN - left - right) / WIDTH_IN, (ROW_IN * rows) / height))
    _footer(fig, rd, [w("chart_x", lang), w("chart_legend", lang).format(alpha=f"{result.alpha:g}"), w("note", lang)])
    if not groups:
        ax.set_axis_off()
        ax.text(0.5, 0.5, w("no_data", lang), ha="center", va="center", color=MUTED, transform=ax.transAxes,
                parse_math=False)  # fmt: skip
        return fig
    lo = min(max(m.ci95[0], 1 / OR_LIMIT) for _, ms in groups for m in ms)
    hi = max(min(m.ci95[1], OR_LIMIT) for _, ms in groups for m in ms)
    lo, hi = min(lo, 0.5), max(hi, 2.0)
    ax.set_xscale("log")
    ax.set_xlim(lo / 1.3, hi * 1.3)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.axvline(1.0, color=MUTED, lw=1.0, zorder=1)
    ticks = [
        x for x in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if lo / 1.3 <= x <= hi * 1.3
    ]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{x:g}" for x in ticks], parse_math=False)
    ax.grid(axis="x", color=GRID, lw=0.8, zorder=0)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    name_px = (left - 0.4) * fig.dpi
    y = 0
    for stage_id, ms in groups:
        pop = next(p for p in result.populations if p.id == stage_id)
        ax.text(-0.02, y, fit(rd, result.stage_label(stage_id, lang), name_px, 11, "bold"), transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=11, fontweight="bold", color=INK, parse_math=False)  # fmt: skip
        ax.text(1.02, y, f"n = {fmt_int(pop.customers)}", transform=ax.get_yaxis_transform(), ha="left",
                va="center", fontsize=9.5, color=MUTED, parse_math=False)  # fmt: skip
        ax.axhline(y + 0.5, color=GRID, lw=0.6, zorder=0)
        y += 1
        for m in ms:
            c = colour(m)
            x0, x1 = max(m.ci95[0], lo / 1.3), min(m.ci95[1], hi * 1.3)
            ax.plot([x0, x1], [y, y], color=c if m.confident else MUTED, lw=1.6, zorder=3, solid_capstyle="butt")
            ax.plot([x0, x0], [y - 0.15, y + 0.15], color=c if m.confident else MUTED, lw=1.2, zorder=3)
            ax.plot([x1, x1], [y - 0.15, y + 0.15], color=c if m.confident else MUTED, lw=1.2, zorder=3)
            ax.scatter([m.odds_ratio], [y], s=60, zorder=4, color=c if m.confident else "white",
                       edgecolors=c if m.confident else MUTED, linewidths=1.4)  # fmt: skip
            ax.text(-0.02, y, fit(rd, m.touchpoint, name_px, 10, middle=True), transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=10, color=INK, parse_math=False)  # fmt: skip
            flags = "" if not m.flags else " · " + ", ".join(w(f, lang) for f in m.flags)
            ax.text(1.02, y, f"OR {m.odds_ratio:.3g} · p {fmt_p(m.p_adjusted)}{flags}", transform=ax.get_yaxis_transform(),
                    ha="left", va="center", fontsize=9, color=INK if m.confident else MUTED, parse_math=False)  # fmt: skip
            y += 1
    return fig


def save_odds_chart(result: MomentsResult, path: str | Path, lang: str = "en", top: int = 8) -> None:
    picture_format(path)
    with style():
        save_figure(odds_chart_figure(result, lang, top), path)


def save_pictures(
    result: MomentsResult,
    path: str | Path,
    lang: str = "en",
    top: int = 8,
    files: Sequence[tuple[bytes, str | Path]] = (),
) -> None:
    """The odds chart at ``path`` and the importance picture beside it (and ``files``),
    all or nothing."""
    picture_format(path)
    with style():
        figures = [
            (odds_chart_figure(result, lang, top), path),
            (importance_figure(result, lang), importance_path(path)),
        ]
        save_figures(figures, files)


# --------------------------------------------------------------------------- importance-performance


def importance_figure(result: MomentsResult, lang: str = "en") -> Figure:
    height = 7.0
    fig, rd = new_figure(WIDTH_IN, height)
    _headline(fig, rd, w("ip_title", lang), _subtitle(result, lang))
    _footer(fig, rd, [w("ip_legend", lang), w("note", lang)])
    ax = fig.add_axes((0.9 / WIDTH_IN, 1.2 / height, (WIDTH_IN - 1.3) / WIDTH_IN, (height - 2.35) / height))
    shown = [m for m in result.moments if m.satisfaction is not None and m.lift is not None]
    if not shown:
        ax.set_axis_off()
        ax.text(0.5, 0.5, w("no_csat", lang), ha="center", va="center", color=MUTED, transform=ax.transAxes,
                parse_math=False)  # fmt: skip
        return fig
    scale = result.model.satisfaction_scale
    xs = [100 * abs(m.lift or 0.0) for m in shown]  # importance: how much conversion differs, either way
    ys = [m.satisfaction or 0.0 for m in shown]
    ax.set_xlim(0, max(5.0, max(xs)) * 1.1)
    ax.set_ylim(scale.min, scale.max)
    xmid, ymid = _median(xs), _median(ys)
    ax.axvline(xmid, color=FAINT, lw=1.0, ls="--", zorder=1)
    ax.axhline(ymid, color=FAINT, lw=1.0, ls="--", zorder=1)
    ax.grid(color=GRID, lw=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(w("ip_x", lang), parse_math=False)
    ax.set_ylabel(w("ip_y", lang), parse_math=False)
    corner: dict[str, Any] = {
        "fontsize": 10,
        "fontweight": "bold",
        "alpha": 0.8,
        "transform": ax.transAxes,
        "parse_math": False,
    }
    corners = [
        ax.text(0.99, 0.02, w("ip_fix", lang), ha="right", va="bottom", color=PAIN, **corner),
        ax.text(0.99, 0.98, w("ip_keep", lang), ha="right", va="top", color=WOW, **corner),
        ax.text(0.01, 0.02, w("ip_low", lang), ha="left", va="bottom", color=MUTED, **corner),
        ax.text(0.01, 0.98, w("ip_over", lang), ha="left", va="top", color=MUTED, **corner),
    ]
    biggest = max(m.exposed for m in shown) or 1
    boxes = []
    labels: list[Label] = []
    # big bubbles first, small ones on top of them, all a little transparent: none hides another
    order = sorted(range(len(shown)), key=lambda i: (-shown[i].exposed, i))
    for z, i in enumerate(order):
        m, x, y = shown[i], xs[i], ys[i]
        size = 40 + 900 * m.exposed / biggest
        c = colour(m)
        ax.scatter([x], [y], s=size, color=c if m.confident else "white", alpha=0.7 if m.confident else 0.85,
                   edgecolors=c if m.confident else MUTED, linewidths=1.2, zorder=3 + z / (2 * len(order)),
                   gid="moment_bubble", label=m.touchpoint)  # fmt: skip
    for m, x, y in zip(shown, xs, ys, strict=True):
        size = 40 + 900 * m.exposed / biggest
        boxes.append(marker_box(ax, rd, x, y, math.sqrt(size) / 2))
        labels.append(Label(x, y, fit(rd, m.touchpoint, 2.2 * fig.dpi, 9.5, middle=True), color=INK if m.confident else MUTED,
                            gap=math.sqrt(size) / 2 + 2, gid="moment_label", anchor=len(labels)))  # fmt: skip
    hard = [c.get_window_extent(rd).padded(4) for c in corners]
    place_labels(ax, rd, labels, hard=hard, soft=boxes, anchors=boxes)
    return fig


def _median(v: list[float]) -> float:
    s, n = sorted(v), len(v)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def save_importance(result: MomentsResult, path: str | Path, lang: str = "en") -> None:
    picture_format(path)
    with style():
        save_figure(importance_figure(result, lang), path)


__all__ = [
    "CAUSATION_NOTE",
    "importance_path",
    "odds_chart_figure",
    "importance_figure",
    "save_odds_chart",
    "save_importance",
    "save_pictures",
]
