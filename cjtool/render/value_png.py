"""Customer-value pictures: the p_alive matrix by frequency and recency (lifetimes' classic)
and the calibration/holdout picture (mean actual against predicted repeat purchases in the
holdout, by calibration frequency). They draw the analysis' numbers; nothing is computed
here. House style of ``png_style``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from cjtool.analyses.value import HOLDOUT_FREQUENCIES, ValueResult
from cjtool.errors import OutputError
from cjtool.i18n import say
from cjtool.render.png_style import ACCENT, FAINT, GRID, INK, MUTED, PAIN, fit, new_figure, save_figure, style
from cjtool.render.value_text import num, units, w

MATRIX_FILE = "p_alive_matrix.png"
HOLDOUT_FILE = "calibration_holdout.png"
WIDTH_IN, HEIGHT_IN = 9.0, 6.4
CMAP = LinearSegmentedColormap.from_list("cjtool_alive", ["#FFFFFF", "#CFDDF0", ACCENT, "#1A3D66"])


def save_pictures(result: ValueResult, folder: str | Path, lang: str = "en") -> list[Path]:
    """Draw the pictures into ``folder`` (made when missing); the holdout picture only when
    there are transactions after --until. The paths written."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(say("zl_png_dir_mkdir", folder=folder, why=exc.strerror or exc)) from None
    written = []
    with style():
        save_figure(matrix_figure(result, lang), out / MATRIX_FILE)
        written.append(out / MATRIX_FILE)
        if result.holdout is not None:
            save_figure(holdout_figure(result, lang), out / HOLDOUT_FILE)
            written.append(out / HOLDOUT_FILE)
    return written


def _titles(fig: Figure, rd, title: str, subtitle: str) -> None:
    width = fig.get_size_inches()[0]
    for y, text, size, weight, colour in ((0.25, title, 16, "bold", INK), (0.66, subtitle, 10.5, "normal", MUTED)):
        fig.text(
            0.3 / width,
            1 - y / HEIGHT_IN,
            fit(rd, text, (width - 0.6) * fig.dpi, size, weight),
            fontsize=size,
            fontweight=weight,
            color=colour,
            ha="left",
            va="top",
            parse_math=False,
        )


def matrix_figure(result: ValueResult, lang: str = "en") -> Figure:
    m = result.matrix
    values = np.array(m.p_alive, dtype=float)
    unit = w(f"unit_{result.unit}", lang)
    fig, rd = new_figure(WIDTH_IN, HEIGHT_IN)
    _titles(fig, rd, w("png_matrix_title", lang), w("png_matrix_sub", lang, T=num(m.T), unit=unit))
    ax = fig.add_axes((0.9 / WIDTH_IN, 0.8 / HEIGHT_IN, 6.6 / WIDTH_IN, 4.6 / HEIGHT_IN))
    step = m.T / (values.shape[1] - 1) if values.shape[1] > 1 else 1.0
    image = ax.imshow(
        values,
        origin="lower",
        aspect="auto",
        cmap=CMAP,
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(-step / 2, m.T + step / 2, -0.5, values.shape[0] - 0.5),
    )
    ax.set_xlabel(w("png_recency", lang, unit=unit), parse_math=False)
    ax.set_ylabel(w("png_frequency", lang), parse_math=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    cax = fig.add_axes((7.75 / WIDTH_IN, 0.8 / HEIGHT_IN, 0.22 / WIDTH_IN, 4.6 / HEIGHT_IN))
    bar = fig.colorbar(image, cax=cax)
    bar.outline.set_edgecolor(FAINT)  # type: ignore[attr-defined]
    bar.set_label("p_alive", color=MUTED, parse_math=False)
    return fig


def holdout_figure(result: ValueResult, lang: str = "en") -> Figure:
    h = result.holdout
    assert h is not None
    fig, rd = new_figure(WIDTH_IN, HEIGHT_IN)
    subtitle = w(
        "png_holdout_sub",
        lang,
        length=units(h.length, result.unit, lang),
        until=result.until.isoformat(),
        actual=f"{h.total_actual:,}",
        predicted=f"{h.total_predicted:,.1f}",
    )
    _titles(fig, rd, w("png_holdout_title", lang), subtitle)
    ax = fig.add_axes((0.9 / WIDTH_IN, 0.8 / HEIGHT_IN, 7.7 / WIDTH_IN, 4.6 / HEIGHT_IN))
    xs = list(range(len(h.frequency)))
    ax.plot(xs, h.actual, color=INK, marker="o", linewidth=2, label=w("png_actual", lang))
    ax.plot(xs, h.predicted, color=PAIN, marker="s", linewidth=2, linestyle="--", label=w("png_predicted", lang))
    labels = [
        f"{f}+" if f == HOLDOUT_FREQUENCIES - 1 and i == len(h.frequency) - 1 else str(f)
        for i, f in enumerate(h.frequency)
    ]
    ax.set_xticks(xs, labels)
    ax.set_xlim(-0.5, len(xs) - 0.5)
    top = max([*h.actual, *h.predicted, 0.1]) * 1.15
    ax.set_ylim(0, top)
    for x, n in zip(xs, h.customers, strict=True):
        ax.text(x, top * 0.97, w("png_n", lang, n=f"{n:,}"), ha="center", va="top", fontsize=9, color=MUTED)
    ax.set_xlabel(w("png_cal_frequency", lang), parse_math=False)
    ax.set_ylabel(w("png_holdout_axis", lang), parse_math=False)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.92))
    return fig
