"""Pictures of issue 19, tested by their data (artists, texts, positions, colours), not pixels:
hostile names in every picture, the compare picture's headline, the cohort subtitle, the
moments bubbles, the priority matrix's labels and pain colours, and the journey map's
opportunities row."""

from __future__ import annotations

import dataclasses
import math
import random
import statistics
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402

from cjtool import api  # noqa: E402
from cjtool.model import load_model, parse_model  # noqa: E402
from cjtool.render.png_style import INK, PAIN, pain_points, stage_color  # noqa: E402
from cjtool.result import JourneyMap  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402
from .test_png import (  # noqa: E402
    CASES,
    aipl,
    bubble_boxes,
    by_gid,
    extent,
    figure,
    overlaps,
    texts,
    visible_texts,
)


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


def _assert_labels_on_own_bubbles(fig, gid, own_of, circles=None, name_of=None, near=6.0) -> None:
    """Every label sits by its own bubble: the bubble nearest to its text is its own, or the
    label is an annotation whose leader line points at its own bubble's centre."""
    renderer = fig.canvas.get_renderer()
    if circles is None:
        circles = {name: _circle(fig, c) for name, c in own_of.items()}
    labels = by_gid(fig, gid, Text)
    assert labels
    for t in labels:
        name = (name_of or _name_of)(t.get_text(), circles)
        (x, y), *_ = circles[name]
        box = Text.get_window_extent(t, renderer)
        gaps = {n: _gap(box, px, py, r) for n, (_, px, py, r) in circles.items()}
        nearest = min(gaps, key=lambda n: (gaps[n], n != name))
        if isinstance(t, Annotation) and t.arrow_patch is not None:
            assert t.xy == pytest.approx((x, y)), t.get_text()
        else:
            assert nearest == name, (t.get_text(), nearest)
            assert gaps[name] <= renderer.points_to_pixels(near), t.get_text()  # beside it, not away


def _name_of(text: str, circles) -> str:
    plain = text.split(" ", 1)[1] if text.startswith("#") else text
    if plain in circles:
        return plain
    head, _, tail = plain.partition("…")  # a name cut in the middle
    (name,) = [n for n in circles if n.startswith(head) and n.endswith(tail)]
    return name


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["aipl", "zh", "big", "small", "edge", "lossless"])
def test_emotion_curve_names_sit_on_their_own_markers(case, lang):
    fig = figure("map", case, lang)
    renderer = fig.canvas.get_renderer()
    (points,) = by_gid(fig, "touchpoint_points", PathCollection)
    ax = points.axes
    named = {
        (float(m.get_xdata()[0]), float(m.get_ydata()[0])): m.get_label()
        for gid in ("pain_point", "wow_moment")
        for m in by_gid(fig, gid, Line2D)
    }
    circles = {}
    for i, ((x, y), s) in enumerate(zip(points.get_offsets().tolist(), points.get_sizes(), strict=True)):
        px, py = ax.transData.transform((x, y))
        circles[named.get((x, y), f"marker {i}")] = ((x, y), px, py, renderer.points_to_pixels(math.sqrt(s) / 2))
    assert set(named.values()) <= set(circles)

    def name_of(text, circles):
        return _name_of(text.rsplit("  ", 1)[0], circles)

    for gid in ("pain_label", "wow_label"):
        if by_gid(fig, gid, Text):
            _assert_labels_on_own_bubbles(fig, gid, {}, circles, name_of=name_of, near=8.0)


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


# --------------------------------------------------------------------------- opportunities row


@dataclass
class Opp:
    """What the map's ``opportunities`` hold (SPEC 17), duck-typed for the picture."""

    stage: str
    touchpoint: str
    drop_off_rate: float
    benchmark: float
    benchmark_from: str
    customers_at_stake: float
    completions_at_stake: float
    revenue_at_stake: float | None


def opportunities_of(r: JourneyMap, revenue: float | None = None, targets: dict[str, float] | None = None) -> list[Opp]:
    """SPEC 17 in floats (good enough for a picture): per ranked pair of a stage k < K, the
    benchmark (target, else the median drop-off of the stage's ranked pairs), customers at
    stake, completions, and revenue when ``revenue`` (R of every stage) is given."""
    targets = targets or {}
    stages = r.stages
    out = []
    for k, s in enumerate(stages[:-1]):
        pairs = [tp for tp in r.touchpoints if tp.stage == s.id and tp.rank is not None]
        if not pairs:
            continue
        median = statistics.median(tp.drop_off_rate for tp in pairs)
        nxt = stages[k + 1].customers
        for tp in pairs:
            b, source = (targets[tp.touchpoint], "target") if tp.touchpoint in targets else (median, "median")
            c = max(0.0, tp.exits - b * tp.customers)
            if c <= 1e-12:
                continue
            done = c * stages[-1].customers / nxt if nxt else 0.0
            money = None if revenue is None else (c * revenue / nxt if nxt else 0.0)
            out.append(Opp(s.id, tp.touchpoint, tp.drop_off_rate, b, source, c, done, money))
    out.sort(key=lambda o: (-o.completions_at_stake, -o.customers_at_stake))
    return out


def with_opportunities(r: JourneyMap, opportunities: list) -> JourneyMap:
    """``r`` with an ``opportunities`` attribute (the lead adds the field on main)."""
    fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
    copy = JourneyMap(**fields)
    object.__setattr__(copy, "opportunities", opportunities)
    return copy


OPP_GIDS = ("opportunity_name", "opportunity_why", "opportunity_stake", "opportunity_revenue", "opportunity_more")


@cache
def opp_case(case: str, lang: str, revenue: bool = True):
    from cjtool.render.png import journey_map_figure

    r = CASES[case]()
    opps = opportunities_of(r, 123456.0 if revenue else None)
    fig = journey_map_figure(with_opportunities(r, opps), lang)
    fig.canvas.draw()
    return r, opps, fig


def test_without_opportunities_the_row_is_left_out_and_the_layout_unchanged():
    from cjtool.render.png import EMOTION, journey_map_figure

    r = aipl()
    assert r.opportunities  # the example has them; here they are taken away
    for result in (with_opportunities(r, []), replace(r, opportunities=[])):
        fig = journey_map_figure(result, "en")
        assert not any(by_gid(fig, gid, Text) for gid in (*OPP_GIDS, "opportunity_assumption", "opportunity_none"))
        ax = by_gid(fig, "emotion_curve", Line2D)[0].axes
        assert ax.get_position().y0 == pytest.approx(EMOTION[0] / 9)
        assert "Opportunities" not in texts(fig, "row_label")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opportunity_row_shows_each_stages_top_opportunity_with_its_figures(lang):
    r, opps, fig = opp_case("aipl", lang)
    words = {
        "en": ("Opportunities", "{n} customers · {c} completions", "revenue {v}", "stage median"),
        "zh": ("机会点", "{n} 位客户 · {c} 位走完旅程", "收入 {v}", "阶段中位数"),
    }[lang]
    assert words[0] in texts(fig, "row_label")
    firsts = [next(o for o in opps if o.stage == s.id) for s in r.stages[:-1]]
    assert texts(fig, "opportunity_name") == [o.touchpoint for o in firsts]
    assert texts(fig, "opportunity_none") == ["—"]  # the last stage has no next stage to lose
    top3 = {id(o) for o in opps[:3]}
    for t, o in zip(by_gid(fig, "opportunity_name", Text), firsts, strict=True):
        assert (t.get_color() == PAIN) == (id(o) in top3), o.touchpoint

    def n(x):
        return f"{math.floor(x + 0.5):,}" if x >= 9.95 else f"{x:.1f}"

    assert texts(fig, "opportunity_stake") == [
        words[1].format(n=n(o.customers_at_stake), c=n(o.completions_at_stake)) for o in firsts
    ]
    assert texts(fig, "opportunity_revenue") == [words[2].format(v=n(o.revenue_at_stake)) for o in firsts]
    why = texts(fig, "opportunity_why")
    assert len(why) == len(firsts)
    for text, o in zip(why, firsts, strict=True):
        assert f"{100 * o.drop_off_rate:.1f}%" in text and f"{100 * o.benchmark:.1f}%" in text and words[3] in text
    (assumption,) = texts(fig, "opportunity_assumption")
    assert ("recovered customers behave like those who went on" if lang == "en" else "假设挽回的客户") in assumption


def test_hand_made_opportunities_exact_texts():
    from cjtool.render.png import journey_map_figure

    r = aipl()
    opps = [
        Opp("interest", "checkout", 0.406, 0.2, "target", 245.3, 35.04, None),
        Opp("awareness", "ad_click", 0.177, 0.16, "median", 2.46, 0.349, None),
        Opp("interest", "presale_chat", 0.075, 0.05, "target", 7.95, 1.0, None),
        Opp("purchase", "order_paid", 0.373, 0.289, "median", 52.0, 52.0, 0.0),
    ]
    fig = journey_map_figure(with_opportunities(r, opps), "en")
    assert texts(fig, "opportunity_name") == ["ad_click", "checkout", "order_paid"]
    assert texts(fig, "opportunity_stake") == [
        "2.5 customers · 0.3 completions",
        "245 customers · 35 completions",
        "52 customers · 52 completions",
    ]
    assert texts(fig, "opportunity_why")[1] == "drop-off 40.6% vs 20.0% target"
    assert texts(fig, "opportunity_revenue") == ["revenue 0.0"]  # revenue known, none at stake
    assert texts(fig, "opportunity_more") == ["+1 more"]  # interest has a second one
    # the list's first three are "fix first": checkout, ad_click, presale_chat (not shown); order_paid 4th
    colours = {t.get_text(): t.get_color() for t in by_gid(fig, "opportunity_name", Text)}
    assert colours == {"ad_click": PAIN, "checkout": PAIN, "order_paid": INK}


def test_stake_and_listed_helpers():
    from cjtool.render.png import listed, stake

    assert [stake(x) for x in (0.0, 0.04, 2.46, 9.94, 9.95, 10.5, 11.5, 1234.5)] == [
        "0.0", "0.0", "2.5", "9.9", "10", "11", "12", "1,235",
    ]  # fmt: skip
    tps = sorted(aipl().touchpoints, key=lambda tp: (-tp.customers, tp.touchpoint))
    interest = [tp for tp in tps if tp.stage == "interest"]
    keep = {("interest", "store_visit"), ("interest", "presale_chat")}
    got = listed(interest, keep, 4)
    assert len(got) == 4 and keep <= {(tp.stage, tp.touchpoint) for tp in got}
    assert got == sorted(got, key=interest.index)  # still by customers
    assert got[:2] == interest[:2]  # the biggest stay; the smallest unkept ones made room
    assert listed(interest, set(), 4) == interest[:4]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["aipl", "zh", "big", "small", "edge", "lossless"])
def test_opportunity_row_layout_no_overlap_inside_its_columns_under_everything(case, lang):
    from .test_png import assert_no_overlap

    r, opps, fig = opp_case(case, lang, revenue=case != "big")
    renderer = fig.canvas.get_renderer()
    items = visible_texts(fig)
    assert_no_overlap(items, renderer)
    for t in items:
        box = extent(t, renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and box.y0 >= fig.bbox.y0, t.get_text()
        assert t.get_fontsize() >= 9, t.get_text()
    row = [t for gid in (*OPP_GIDS, "opportunity_none") for t in by_gid(fig, gid, Text)]
    if not opps:
        assert not row
        return
    assert row
    # under the emotion curve and the touchpoint lists, above the assumption and the footer
    above = [t for gid in ("touchpoint_stats", "touchpoint_more") for t in by_gid(fig, gid, Text)]
    curve = by_gid(fig, "emotion_curve", Line2D)
    floor = min(extent(t, renderer).y0 for t in above)
    if curve:
        floor = min(floor, curve[0].axes.get_window_extent(renderer).y0)
    (assumption,) = by_gid(fig, "opportunity_assumption", Text)
    bottom = extent(assumption, renderer).y1
    col_ax = row[0].axes
    col_w = col_ax.get_window_extent(renderer).width / len(r.stages)
    x_left = col_ax.get_window_extent(renderer).x0
    for t in row:
        box = extent(t, renderer)
        assert bottom <= box.y0 and box.y1 <= floor, t.get_text()
        column = round(t.get_position()[0])  # its stage's column (texts start left of the centre)
        lo = x_left + col_w * column
        assert lo - 1 <= box.x0 and box.x1 <= lo + col_w + 1, t.get_text()


def test_a_dollar_in_an_opportunity_draws_as_text():
    from cjtool.render.png import journey_map_figure

    opps = [Opp("interest", "pay $x^$", 0.4, 0.2, "target", 10.0, 2.0, None)]
    fig = journey_map_figure(with_opportunities(aipl(), opps), "zh")
    fig.canvas.draw()
    assert texts(fig, "opportunity_name") == ["pay $x^$"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opportunity_row_without_scores_takes_the_lists_lower_part(no_scores_csv, lang):
    from cjtool.render.png import TOUCH_NO_SCORES_WITH_OPPORTUNITIES, journey_map_figure

    from .test_png import assert_no_overlap

    r = api.map_journey([no_scores_csv], load_model(EXAMPLES / "aipl.yaml"))
    fig = journey_map_figure(with_opportunities(r, opportunities_of(r, 1000.0)), lang)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert_no_overlap(visible_texts(fig), renderer)
    names = by_gid(fig, "touchpoint_name", Text)
    per_stage = [sum(tp.stage == s.id for tp in r.touchpoints) for s in r.stages]
    shown = len(names)
    assert shown == sum(min(6, n) for n in per_stage)  # room for 6 a stage above the row, not 8
    lists_bottom = min(extent(t, renderer).y0 for gid in ("touchpoint_stats", "touchpoint_more")
                       for t in by_gid(fig, gid, Text))  # fmt: skip
    row_top = max(extent(t, renderer).y1 for t in by_gid(fig, "opportunity_name", Text))
    assert row_top < lists_bottom
    assert by_gid(fig, "opportunity_name", Text)[0].axes.get_position().y1 < TOUCH_NO_SCORES_WITH_OPPORTUNITIES[0] / 9


def test_journey_map_with_opportunities_gives_the_same_bytes(tmp_path):
    from cjtool.render.png import save_journey_map

    r = with_opportunities(aipl(), opportunities_of(aipl(), 5000.0))
    save_journey_map(r, tmp_path / "a.png", "zh")
    save_journey_map(r, tmp_path / "b.png", "zh")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]


def test_the_real_maps_opportunities_fill_the_row():
    """The example's own SPEC 17 opportunities (exact fractions) in the row: each stage's
    first, in the list's order, the top 3 in red."""
    from cjtool.render.png import journey_map_figure

    r = aipl()
    fig = journey_map_figure(r, "en")
    names = texts(fig, "opportunity_name")
    firsts = []
    for s in r.stages:
        mine = [o for o in r.opportunities if o.stage == s.id]
        if mine:
            firsts.append(mine[0].touchpoint)
    assert names == firsts
    stakes = " ".join(texts(fig, "opportunity_stake"))
    top = r.opportunities[0]
    assert f"{round(top.customers_at_stake):,} customers" in stakes
    assert any("Opportunities are estimates" in x for x in texts(fig, "opportunity_assumption"))
