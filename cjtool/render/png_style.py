"""Shared pieces of the PNG charts: palette, figure setup, text fitting, label placement,
pain-point selection and atomic saving.

Everything is drawn with matplotlib's object API (``Figure`` + the Agg canvas), never
pyplot, and laid out in inches on a fixed-size figure so a chart looks the same for every
input. Text is measured with the Agg renderer of the figure itself, so truncation and
label placement match the saved PNG exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.transforms import Bbox, offset_copy

from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.output import atomic_path, atomic_paths
from cjtool.render.fonts import setup_fonts
from cjtool.render.summary import has_scores as has_scores  # re-exported for the charts
from cjtool.result import JourneyMap, TouchpointMetrics
from cjtool.safe_text import escaped

DPI = 150
MIN_FONT = 9  # points: the smallest text on any chart (legible on a slide)

INK = "#1F2933"
MUTED = "#52606D"
FAINT = "#9AA5B1"
GRID = "#E4E7EB"
PANEL = "#F1F4F8"
ACCENT = "#2F6DB5"
ACCENT_LIGHT = "#CFDDF0"
PAIN = "#C8374A"
WOW = "#1E8C55"
MOT = "#B7791F"
MEASURED = "#6B46C1"  # a measured key moment: neither pain red, wow green nor MOT amber
# Stage colours: muted, distinguishable, none of them the pain red or the wow green.
STAGE_COLORS = (
    "#2F6DB5",
    "#7B61A8",
    "#D08C2E",
    "#3C9AB2",
    "#8C6D53",
    "#C46FA2",
    "#5D6D7E",
    "#8FA43A",
    "#B25A3C",
    "#4A4FA3",
)

RC = {
    "font.size": 10,
    "axes.edgecolor": FAINT,
    "axes.labelcolor": MUTED,
    "axes.labelsize": 10,
    "axes.linewidth": 0.8,
    "axes.unicode_minus": True,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "lines.solid_capstyle": "round",
    "path.simplify": False,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    # SVG and PDF: text as outlines / Type 3 glyphs (the bundled CJK font is CFF-based), and
    # element ids hashed with a fixed salt, so the same figure gives the same bytes
    "svg.fonttype": "path",
    "svg.hashsalt": "cjtool",
    "pdf.fonttype": 3,
    # names from the data are never TeX: a `$` in a touchpoint must not start mathtext
    # (every text call also says parse_math=False; this covers tick labels and legends)
    "text.parse_math": False,
}


@contextmanager
def style() -> Iterator[None]:
    """Fonts registered (global, by design of ``setup_fonts``) and the chart rcParams."""
    setup_fonts()
    with mpl.rc_context(cast(Any, RC)):
        yield


def new_figure(width_in: float, height_in: float) -> tuple[Figure, RendererBase]:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


# picture type by file suffix: matplotlib format and the metadata left out (no
# timestamp, no software version), so the same figure always gives the same bytes
FORMATS: dict[str, tuple[str, dict[str, None]]] = {
    ".png": ("png", {"Software": None}),
    ".svg": ("svg", {"Date": None, "Creator": None}),
    ".pdf": ("pdf", {"Creator": None, "Producer": None, "CreationDate": None}),
}


def picture_format(path: str | Path) -> str:
    """The picture type of ``path`` by its suffix: ``png``, ``svg`` or ``pdf``.

    Checked before a chart is drawn. Raises ``UsageError`` for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(say("e_picture_type", path=path))
    return FORMATS[suffix][0]


def save_figure(fig: Figure, path: str | Path) -> None:
    """Write ``fig`` atomically (temp file + rename) in the type given by the suffix of
    ``path`` (.png, .svg, .pdf); same figure, same bytes.

    The temp file has its own suffix, so the format is passed explicitly."""
    fmt = picture_format(path)
    metadata = FORMATS["." + fmt][1]
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=dict(metadata), facecolor="white")


def save_figures(figures: list[tuple[Figure, str | Path]], files: Sequence[tuple[bytes, str | Path]] = ()) -> None:
    """``save_figure`` for several pictures (and ``files``, bytes to write), all or
    nothing (``output.atomic_paths``): a disk full at the last leaves no partial result."""
    targets = [path for _, path in figures] + [path for _, path in files]
    with atomic_paths(targets) as tmps:
        for (fig, path), tmp in zip(figures, tmps, strict=False):
            fmt = picture_format(path)
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=dict(FORMATS["." + fmt][1]), facecolor="white")
        for (data, _), tmp in zip(files, tmps[len(figures) :], strict=True):
            tmp.write_bytes(data)


# --------------------------------------------------------------------------- text


def pt_px(renderer: RendererBase, points: float) -> float:
    """``points`` in pixels of ``renderer``."""
    return float(cast(Any, renderer.points_to_pixels(points)))


def clean(text: object) -> str:
    """One line of text: line breaks, tabs and other control white space become a space,
    other control characters (ESC, BEL...) visible escapes."""
    return escaped(re.sub(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+", " ", str(text)).strip())


_WIDTHS: dict[tuple[str, float, str, float, tuple[str, ...]], float] = {}


def text_px(renderer: RendererBase, text: str, size: float, weight: str = "normal") -> float:
    """Width in pixels of ``text`` drawn at ``size`` points (font fallback included).

    Cached: fitting and wrapping measure the same strings many times. A width depends
    only on the text, the font and the renderer's scale, which are the key (not the
    renderer, so no figure is kept alive)."""
    if not text:
        return 0.0
    key = (text, size, weight, pt_px(renderer, 1.0), tuple(mpl.rcParams["font.family"]))
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) > 20000:
            _WIDTHS.clear()
        w, _h, _d = renderer.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
        width = _WIDTHS[key] = float(w)
    return width


def fit(
    renderer: RendererBase, text: object, max_px: float, size: float, weight: str = "normal", middle: bool = False
) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``max_px`` pixels wide.

    ``middle`` keeps the start and the end (``customer_serv…request_3``): names that share
    a long prefix stay distinguishable."""
    s = clean(text)
    if text_px(renderer, s, size, weight) <= max_px:
        return s

    def cut(n: int) -> str:
        if not middle:
            return s[:n].rstrip() + "…"
        head = (n + 1) * 3 // 5
        return s[:head].rstrip() + "…" + (s[len(s) - (n - head) :].lstrip() if n > head else "")

    lo, hi = 0, len(s) - 1
    while lo < hi:  # the most characters that fit with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_px(renderer, cut(mid), size, weight) <= max_px:
            lo = mid
        else:
            hi = mid - 1
    return cut(lo)


def wrap(
    renderer: RendererBase, text: object, max_px: float, size: float, weight: str = "normal", max_lines: int = 2
) -> str:
    """Greedy word wrap (character wrap for text without spaces, e.g. Chinese)."""
    s = clean(text)
    tokens = re.findall(r"\S+\s*", s) if " " in s else list(s)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        if not line or text_px(renderer, (line + tok).rstrip(), size, weight) <= max_px:
            line += tok
        else:
            lines.append(line.rstrip())
            line = tok
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return "\n".join(fit(renderer, ln, max_px, size, weight) for ln in lines)


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def num(x: float) -> str:
    """A scale value: `5`, `4.5`, `3.25`."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x == x else "—"


def period_text(result: JourneyMap) -> str | None:
    if result.period is None:
        return None
    a, b = (d.strftime("%Y-%m-%d") for d in result.period)
    return a if a == b else f"{a} – {b}"


# --------------------------------------------------------------------------- selection


def ranked(result: JourneyMap) -> list[TouchpointMetrics]:
    return sorted((tp for tp in result.touchpoints if tp.rank is not None), key=lambda tp: tp.rank or 0)


def pain_points(result: JourneyMap) -> list[TouchpointMetrics]:
    """The top 3 ranked touchpoints by priority, plus the lowest-satisfaction ranked one."""
    order = ranked(result)
    pains = order[:3]
    scored = [tp for tp in order if tp.scores.satisfaction is not None]
    if scored:
        low = min(scored, key=lambda tp: (tp.scores.satisfaction, tp.rank))
        if low not in pains:
            pains.append(low)
    return pains


def wow_threshold(result: JourneyMap) -> float:
    sc = result.model.satisfaction_scale
    return sc.min + 0.8 * (sc.max - sc.min)


def wow_moments(result: JourneyMap, exclude: Sequence[TouchpointMetrics] = ()) -> list[TouchpointMetrics]:
    """Up to 2 ranked touchpoints with the highest satisfaction, at least 80% up the scale."""
    thr = wow_threshold(result) - 1e-9
    cands = [
        tp
        for tp in ranked(result)
        if tp.scores.satisfaction is not None and tp.scores.satisfaction >= thr and tp not in exclude
    ]
    cands.sort(key=lambda tp: (-(tp.scores.satisfaction or 0.0), -tp.customers, tp.rank))
    return cands[:2]


def stage_color(index: int) -> str:
    return STAGE_COLORS[(index - 1) % len(STAGE_COLORS)]


# --------------------------------------------------------------------------- label placement


@dataclass
class Label:
    x: float  # anchor, data coordinates
    y: float
    text: str
    color: str = INK
    size: float = 9.5
    weight: str = "bold"
    gap: float = 5.0  # points between the anchor and the nearest label position
    gid: str = "label"
    above: bool = False  # prefer above/below the anchor (values on a curve) to beside it
    anchor: int | None = None  # index of its own marker in ``place_labels``' ``anchors``


_BESIDE = ((1, 0), (0.8, 0.6), (0.8, -0.6), (0, 1), (0, -1), (-1, 0), (-0.8, 0.6), (-0.8, -0.6))
_ABOVE = ((0, 1), (0, -1), (0.8, 0.6), (-0.8, 0.6), (0.8, -0.6), (-0.8, -0.6), (1, 0), (-1, 0))
_RINGS = (0, 8, 18, 32, 50, 72, 100)


def _extents(boxes: Sequence[Bbox]) -> np.ndarray:
    return np.array([b.extents for b in boxes], dtype=float).reshape(-1, 4)


def _covered(box: Bbox, others: np.ndarray) -> float:
    """Total area of ``box`` overlapped by the boxes in ``others`` (rows x0, y0, x1, y1)."""
    if not len(others):
        return 0.0
    x0, y0, x1, y1 = box.extents
    w = np.minimum(x1, others[:, 2]) - np.maximum(x0, others[:, 0])
    h = np.minimum(y1, others[:, 3]) - np.maximum(y0, others[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def marker_box(ax, renderer: RendererBase, x: float, y: float, radius_pt: float) -> Bbox:
    """The display box of a marker of ``radius_pt`` points at data (x, y)."""
    px, py = ax.transData.transform((x, y))
    r = radius_pt * pt_px(renderer, 1.0)
    return Bbox.from_extents(px - r, py - r, px + r, py + r)


def _gap_to(box: Bbox, circles: np.ndarray) -> np.ndarray:
    """Distance in pixels from ``box`` to each circle (rows cx, cy, r); 0 when touching."""
    x0, y0, x1, y1 = box.extents
    dx = np.maximum(np.maximum(x0 - circles[:, 0], circles[:, 0] - x1), 0.0)
    dy = np.maximum(np.maximum(y0 - circles[:, 1], circles[:, 1] - y1), 0.0)
    return np.maximum(np.hypot(dx, dy) - circles[:, 2], 0.0)


def place_labels(
    ax,
    renderer: RendererBase,
    labels: Sequence[Label],
    hard: Sequence[Bbox] = (),
    soft: Sequence[Bbox] = (),
    leader_color: str = FAINT,
    anchors: Sequence[Bbox] = (),
) -> list[Text]:
    """Place each label at the first good position around its anchor, deterministically.

    Candidates are 8 directions on rings of growing distance, nearest ring first. A
    candidate is rejected when its text box leaves the axes or overlaps an earlier label
    or a ``hard`` box (other texts); among the rest the one covering the least of the
    ``soft`` boxes (markers, the curve) plus a distance penalty wins.

    ``anchors``: the display boxes of every marker (bubbles), a label's own one at
    ``Label.anchor``. A position nearer another marker than the label's own is avoided,
    and if it is taken all the same the label gets a leader line, so no name reads as
    another marker's. A label placed away from its anchor, or nearer another marker, is
    an ``Annotation`` with a thin leader line to its marker (same ``gid``)."""
    fig = ax.figure
    ax_box = ax.get_window_extent(renderer)
    pad = pt_px(renderer, 2.0)
    taken = _extents(hard)
    soft_ext = _extents(soft)
    circles = np.array(
        [((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, (b.x1 - b.x0) / 2) for b in anchors], dtype=float
    ).reshape(-1, 3)
    placed: list[Text] = []
    for lab in labels:
        own = lab.anchor if lab.anchor is not None and lab.anchor < len(circles) else None
        txt = ax.text(
            lab.x,
            lab.y,
            lab.text,
            color=lab.color,
            fontsize=lab.size,
            fontweight=lab.weight,
            parse_math=False,
            zorder=6,
            gid=lab.gid,
            clip_on=False,
        )
        best: tuple[float, int, float, float, str, str, bool] | None = None
        i = 0
        for ring in _RINGS:
            for ux, uy in _ABOVE if lab.above else _BESIDE:
                r = lab.gap + ring
                dx, dy = ux * r, uy * r
                ha = "left" if ux > 0.3 else "right" if ux < -0.3 else "center"
                va = "bottom" if uy > 0.3 else "top" if uy < -0.3 else "center"
                txt.set_transform(offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"))
                txt.set_ha(ha)
                txt.set_va(va)
                bb = txt.get_window_extent(renderer).padded(pad)
                out = (
                    max(0.0, ax_box.x0 - bb.x0)
                    + max(0.0, bb.x1 - ax_box.x1)
                    + max(0.0, ax_box.y0 - bb.y0)
                    + max(0.0, bb.y1 - ax_box.y1)
                )
                clash = _covered(bb, taken)
                cover = _covered(bb, soft_ext)
                astray = False
                if own is not None:
                    gaps = _gap_to(txt.get_window_extent(renderer), circles)
                    mine = gaps[own]
                    gaps[own] = np.inf
                    astray = bool(len(gaps) > 1 and gaps.min() <= mine)
                cost = 1e9 * out + 1e6 * clash + 1e4 * astray + cover + 25.0 * i
                if best is None or cost < best[0]:
                    best = (cost, i, dx, dy, ha, va, astray)
                i += 1
        assert best is not None
        _cost, _i, dx, dy, ha, va, astray = best
        if math.hypot(dx, dy) > lab.gap + 1 or astray:  # away from its marker: a leader line to it
            txt.remove()
            txt = ax.annotate(
                lab.text,
                xy=(lab.x, lab.y),
                xytext=(dx, dy),
                textcoords="offset points",
                color=lab.color,
                fontsize=lab.size,
                fontweight=lab.weight,
                ha=ha,
                va=va,
                parse_math=False,
                zorder=6,
                gid=lab.gid,
                annotation_clip=False,
                arrowprops={
                    "arrowstyle": "-",
                    "color": leader_color,
                    "lw": 0.8,
                    "shrinkA": 1,
                    "shrinkB": max(0.0, lab.gap - 2),
                },
            )
            txt.update_positions(renderer)  # its text box where it will be drawn
        else:
            txt.set_transform(offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"))
            txt.set_ha(ha)
            txt.set_va(va)
        taken = np.vstack([taken, _extents([Text.get_window_extent(txt, renderer).padded(pad)])])
        placed.append(txt)
    return placed
