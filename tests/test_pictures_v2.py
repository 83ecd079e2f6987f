"""Pictures of issue 19, tested by their data (artists, texts, positions, colours), not pixels:
hostile names in every picture, the compare picture's headline, the cohort subtitle, the
moments bubbles, the priority matrix's labels and pain colours, and the journey map's
opportunities row."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402

from cjtool import api  # noqa: E402
from cjtool.model import load_model, parse_model  # noqa: E402
from cjtool.render.png_style import PAIN, pain_points, stage_color  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402
from .test_png import CASES, aipl, bubble_boxes, by_gid, extent, figure, overlaps, texts, visible_texts  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_rc():
    with matplotlib.rc_context():
        yield


# --------------------------------------------------------------------------- hostile names

DOLLAR = ["ad $x^$", "view $\\frac$", "pay $a_{$"]  # each one crashes mathtext if parsed
HOSTILE_MODEL = """\
name: dollars
title: {en: Dollar names, zh: 美元名称}
window: 30d
stages:
  - id: see
    label: {en: See, zh: 看到}
    match: "^ad"
  - id: look
    label: {en: Look, zh: 浏览}
    match: "^view"
  - id: buy
    label: {en: Buy, zh: 购买}
    match: "^pay"
ranking:
  min_customers: 1
"""


@cache
def hostile_frame() -> pl.DataFrame:
    rng = random.Random(5)
    rows: dict[str, list] = {
        k: [] for k in ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "variant", "persona")
    }
    start = datetime(2026, 1, 1)
    for c in range(120):
        t = start + timedelta(hours=7 * c)
        variant = "A $x^$" if c % 2 else "B $^$"
        persona = "vip $\\frac$" if c % 3 else "new $x^$"
        depth = 1 + (rng.random() < 0.7) + (rng.random() < 0.5)
        for k in range(depth):
            rows["customer_id"].append(f"c{c}")
            rows["timestamp"].append(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
            rows["touchpoint"].append(DOLLAR[k])
            rows["channel"].append("web $x^$" if rng.random() < 0.5 else "app $^$")
            rows["satisfaction"].append(str(rng.randint(1, 5)))
            rows["variant"].append(variant)
            rows["persona"].append(persona)
            t += timedelta(hours=1)
    return pl.DataFrame(rows, schema={k: pl.String for k in rows})


def _drawn_texts(fig) -> str:
    fig.canvas.draw()  # outside the chart style: every text must still be plain text
    return "\n".join(t.get_text() for t in fig.findobj(Text))


def test_dollar_names_draw_as_text_in_every_picture(tmp_path):
    from cjtool.render import compare_png, moments_png, paths_png, segments_png
    from cjtool.render.png import funnel_figure, journey_map_figure, priority_matrix_figure, save_journey_map
    from cjtool.render.png_style import style

    model = parse_model(HOSTILE_MODEL)
    frame = hostile_frame()
    j = api.journeys(frame, model, attributes=["variant", "persona"])
    jm = api.map_journey(frame, model)
    figures = []
    for lang in ("en", "zh"):
        figures += [f(jm, lang) for f in (journey_map_figure, priority_matrix_figure, funnel_figure)]
        with style():
            figures.append(compare_png.compare_figure(api.compare(j, model, by="variant", baseline="A $x^$"), lang))
            figures.append(segments_png.segment_funnel_figure(api.breakdown(j, model, "persona"), lang))
            figures.append(segments_png.cohort_figure(api.breakdown(j, model, "month"), lang))
            moments = api.moments(j, model)
            figures += [moments_png.odds_chart_figure(moments, lang), moments_png.importance_figure(moments, lang)]
        p = api.paths(j, model)
        figures += [paths_png.flow_figure(p, lang), paths_png.heatmap_figure(p, lang)]
        figures += [paths_png.switches_figure(p, lang), paths_png.removal_figure(p, lang)]
    shown = "\n".join(_drawn_texts(fig) for fig in figures)
    for name in ("ad $x^$", "view $\\frac$", "A $x^$", "B $^$", "web $x^$", "vip $\\frac$"):
        assert name in shown, name
    save_journey_map(jm, tmp_path / "map.png", "zh")
    assert (tmp_path / "map.png").read_bytes().startswith(b"\x89PNG")


# --------------------------------------------------------------------------- compare, cohort, moments


@cache
def example_journeys():
    model = load_model(EXAMPLES / "aipl.yaml")
    return model, api.journeys([str(EXAMPLES / "aipl_events.csv")], model, attributes=["variant", "persona"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_picture_says_what_is_compared_with_model_and_period(lang):
    from cjtool.render.compare_png import compare_figure
    from cjtool.render.png_style import style

    model, j = example_journeys()
    result = api.compare(j, model, by="variant", baseline="control")
    with style():
        fig = compare_figure(result, lang)
    fig.canvas.draw()
    (title,) = texts(fig, "title")
    (sub,) = texts(fig, "subtitle")
    assert "treatment" in title and "control" in title and "variant" in title
    assert "aipl" in sub and "2026-01-01 – 2026-03-31" in sub
    assert model.title.get(lang) in sub
    n = result.baseline.customers_total + sum(c.map.customers_total for c in result.comparisons)
    assert f"{n:,}" in sub
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [
        f"control ({result.baseline.customers_total:,})",
        f"treatment ({result.comparisons[0].map.customers_total:,})",
    ]
    renderer = fig.canvas.get_renderer()
    items = visible_texts(fig)
    for t in items:  # nothing cut off the page, nothing on another text
        box = extent(t, renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0 and box.y1 <= fig.bbox.y1, t.get_text()
    right = fig.axes[1].get_window_extent(renderer)
    for t in by_gid(fig, "difference", Text):  # the difference labels stay inside their plot
        assert extent(t, renderer).x1 <= right.x1, t.get_text()
    if lang == "zh":
        assert all("Funnels" not in t.get_text() and "Difference" not in t.get_text() for t in items)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("by", ["month", "week", "persona"])
def test_segment_and_cohort_subtitles_are_never_cut(by, lang):
    from cjtool.render.png_style import style
    from cjtool.render.segments_png import WORDS, cohort_figure, segment_funnel_figure

    model, j = example_journeys()
    bd = api.breakdown(j, model, by, limit=6)
    with style():
        fig = (segment_funnel_figure if by == "persona" else cohort_figure)(bd, lang)
    fig.canvas.draw()
    (sub,) = texts(fig, "subtitle")
    assert "…" not in sub
    assert model.title.get(lang) in sub
    if by == "week":
        assert bd.pooled and str(bd.pooled) in sub  # the pooled periods are said, in full
    axis = WORDS["axis"][lang]
    assert fig.axes[0].get_ylabel() == axis  # the axis names itself, not the subtitle
    renderer = fig.canvas.get_renderer()
    box = extent(by_gid(fig, "subtitle", Text)[0], renderer)
    assert box.x1 <= fig.bbox.x1 and not overlaps(box, fig.axes[0].get_window_extent(renderer))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moments_bubbles_small_on_top_and_labels_on_their_own_bubbles(lang):
    from cjtool.render.moments_png import importance_figure
    from cjtool.render.png_style import style

    model, j = example_journeys()
    result = api.moments(j, model)
    with style():
        fig = importance_figure(result, lang)
    fig.canvas.draw()
    bubbles = by_gid(fig, "moment_bubble", PathCollection)
    shown = [m for m in result.moments if m.satisfaction is not None and m.lift is not None]
    assert len(bubbles) == len(shown)
    # drawn from the biggest to the smallest: a smaller bubble is always above a bigger one
    by_z = sorted(bubbles, key=lambda b: b.get_zorder())
    sizes = [float(b.get_sizes()[0]) for b in by_z]
    assert sizes == sorted(sizes, reverse=True)
    assert all(b.get_alpha() < 1 for b in bubbles)
    _assert_labels_on_own_bubbles(fig, "moment_label", {b.get_label(): b for b in bubbles})


def _circle(fig, collection, i=0):
    ax, renderer = collection.axes, fig.canvas.get_renderer()
    x, y = collection.get_offsets()[i]
    px, py = ax.transData.transform((x, y))
    return (x, y), px, py, renderer.points_to_pixels(math.sqrt(collection.get_sizes()[i]) / 2)


def _gap(box, px, py, r) -> float:
    dx = max(box.x0 - px, px - box.x1, 0.0)
    dy = max(box.y0 - py, py - box.y1, 0.0)
    return max(math.hypot(dx, dy) - r, 0.0)


def _assert_labels_on_own_bubbles(fig, gid, own_of, circles=None) -> None:
    """Every label sits by its own bubble: the bubble nearest to its text is its own, or the
    label is an annotation whose leader line points at its own bubble's centre."""
    renderer = fig.canvas.get_renderer()
    if circles is None:
        circles = {name: _circle(fig, c) for name, c in own_of.items()}
    labels = by_gid(fig, gid, Text)
    assert labels
    for t in labels:
        name = _name_of(t.get_text(), circles)
        (x, y), *_ = circles[name]
        box = Text.get_window_extent(t, renderer)
        gaps = {n: _gap(box, px, py, r) for n, (_, px, py, r) in circles.items()}
        nearest = min(gaps, key=lambda n: (gaps[n], n != name))
        if isinstance(t, Annotation) and t.arrow_patch is not None:
            assert t.xy == pytest.approx((x, y)), t.get_text()
        else:
            assert nearest == name, (t.get_text(), nearest)
            assert gaps[name] <= renderer.points_to_pixels(6), t.get_text()  # beside it, not away


def _name_of(text: str, circles) -> str:
    plain = text.split(" ", 1)[1] if text.startswith("#") else text
    if plain in circles:
        return plain
    head, _, tail = plain.partition("…")  # a name cut in the middle
    (name,) = [n for n in circles if n.startswith(head) and n.endswith(tail)]
    return name


# --------------------------------------------------------------------------- priority matrix


@pytest.mark.parametrize("case", list(CASES))
def test_matrix_pain_points_are_red_and_every_other_bubble_in_its_stage_colour(case):
    r = CASES[case]()
    fig = figure("matrix", case, "en")
    found = by_gid(fig, "bubbles", PathCollection)
    if not found:
        return
    (bubbles,) = found
    colours = [to_hex(c, keep_alpha=False) for c in bubbles.get_facecolors()]
    where = {
        (tp.drop_off_rate, tp.scores.satisfaction): tp
        for tp in r.touchpoints
        if tp.rank is not None and tp.scores.satisfaction is not None
    }
    pains = {(tp.stage, tp.touchpoint) for tp in pain_points(r)}
    top = min(where.values(), key=lambda tp: tp.rank)
    for (x, y), colour in zip(bubbles.get_offsets().tolist(), colours, strict=True):
        tp = where[(x, y)]
        if (tp.stage, tp.touchpoint) in pains:
            assert colour == PAIN.lower(), tp.touchpoint
        else:
            assert colour == stage_color(tp.stage_index).lower() and colour != PAIN.lower(), tp.touchpoint
        if tp is top and tp.rank == 1:  # the top pain point: never a stage colour that may read as fine
            assert colour == PAIN.lower()
    for t in by_gid(fig, "label", Text):  # red names are the red bubbles'
        rank = int(t.get_text().split(" ", 1)[0][1:])
        tp = next(tp for tp in r.touchpoints if tp.rank == rank)
        assert (t.get_color() == PAIN) == ((tp.stage, tp.touchpoint) in pains), t.get_text()


def test_matrix_aipl_top_pain_point_is_red():
    fig = figure("matrix", "aipl", "en")
    (bubbles,) = by_gid(fig, "bubbles", PathCollection)
    checkout = next(tp for tp in aipl().touchpoints if tp.rank == 1)
    assert checkout.touchpoint == "checkout"
    i = [tuple(o) for o in bubbles.get_offsets().tolist()].index((checkout.drop_off_rate, checkout.scores.satisfaction))
    assert to_hex(bubbles.get_facecolors()[i], keep_alpha=False) == PAIN.lower()
    assert "pain point" in [t.get_text() for t in fig.legends[0].get_texts()]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(CASES))
def test_matrix_labels_sit_on_their_own_bubbles(case, lang):
    r = CASES[case]()
    fig = figure("matrix", case, lang)
    found = by_gid(fig, "bubbles", PathCollection)
    if not found:
        return
    (bubbles,) = found
    renderer = fig.canvas.get_renderer()
    ax = bubbles.axes
    by_xy = {
        (tp.drop_off_rate, tp.scores.satisfaction): tp.touchpoint
        for tp in r.touchpoints
        if tp.rank is not None and tp.scores.satisfaction is not None
    }
    circles = {}
    for (x, y), s in zip(bubbles.get_offsets().tolist(), bubbles.get_sizes(), strict=True):
        px, py = ax.transData.transform((x, y))
        circles[by_xy[(x, y)]] = ((x, y), px, py, renderer.points_to_pixels(math.sqrt(s) / 2))
    assert len(circles) == len(bubble_boxes(fig))
    _assert_labels_on_own_bubbles(fig, "label", {}, circles)


def _two_bubbles(anchored: bool, blocked: bool = False):
    """A label for the left of two bubbles 1.6 units apart; its first choice (right of its
    bubble) touches the other one. ``blocked``: every other side of it is taken."""
    from cjtool.render.png_style import Label, marker_box, new_figure, place_labels, style

    with style():
        fig, rd = new_figure(4, 3)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        boxes = [marker_box(ax, rd, 4.0, 5, 10), marker_box(ax, rd, 5.6, 5, 10)]
        hard = [marker_box(ax, rd, 4.0 - 0.2 * k, 5 + d * k, 40) for k in range(0, 6) for d in (1, -1)]
        hard = (
            [h.translated(-60, 0) for h in hard]
            + [h.translated(0, 75) for h in hard]
            + [h.translated(0, -75) for h in hard]
        )
        (label,) = place_labels(
            ax,
            rd,
            [Label(4.0, 5, "left one", gap=13, anchor=0 if anchored else None)],
            anchors=boxes,
            hard=hard if blocked else [],
        )
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = Text.get_window_extent(label, renderer)
    gaps = [_gap(box, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, (b.x1 - b.x0) / 2) for b in boxes]
    return label, gaps


def test_a_label_is_not_put_where_it_reads_as_another_bubbles():
    label, gaps = _two_bubbles(anchored=False)  # without knowing its bubble: right of it, at the other one
    assert label.get_ha() == "left" and gaps[1] <= gaps[0]
    label, gaps = _two_bubbles(anchored=True)  # knowing it: another side, nearer its own
    assert not isinstance(label, Annotation)
    assert gaps[0] < gaps[1]


def test_a_label_forced_next_to_another_bubble_gets_a_leader_line():
    label, gaps = _two_bubbles(anchored=True, blocked=True)
    assert isinstance(label, Annotation) and label.arrow_patch is not None
    assert label.xy == pytest.approx((4.0, 5))


def test_place_labels_without_anchors_is_unchanged_for_a_lone_marker():
    from cjtool.render.png_style import Label, marker_box, new_figure, place_labels, style

    with style():
        fig, rd = new_figure(4, 3)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        box = marker_box(ax, rd, 5, 5, 6)
        (label,) = place_labels(ax, rd, [Label(5, 5, "alone", gap=8, anchor=0)], soft=[box], anchors=[box])
    assert not isinstance(label, Annotation)  # right beside it, no leader needed
    assert label.get_ha() == "left" and np.isclose(label.get_position()[0], 5)
