"""PNG charts, tested by their data (artists, texts and their extents), not by pixels."""

from __future__ import annotations

import io
import logging
import math
import random
import statistics
import warnings
from datetime import datetime, timedelta
from functools import cache
from itertools import combinations

import matplotlib

matplotlib.use("Agg")

import polars as pl  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from cjtool.api import map_journey  # noqa: E402
from cjtool.errors import OutputError, UsageError  # noqa: E402
from cjtool.model import load_model, parse_model  # noqa: E402
from cjtool.render.png import (  # noqa: E402
    funnel_figure,
    journey_map_figure,
    priority_matrix_figure,
    save_funnel,
    save_journey_map,
    save_priority_matrix,
)
from cjtool.render.png_style import MIN_FONT, PAIN, pain_points, wow_moments  # noqa: E402
from cjtool.result import JourneyMap  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

FIGURES = (journey_map_figure, priority_matrix_figure, funnel_figure)
LONG_EN = "customer_service_callback_request"
LONG_ZH = "客户服务中心回电请求与投诉处理流程"


@pytest.fixture(autouse=True)
def _isolated_rc():
    # setup_fonts() sets rcParams["font.family"]; keep other test modules unaffected.
    with matplotlib.rc_context():
        yield


# --------------------------------------------------------------------------- data


@cache
def aipl() -> JourneyMap:
    return map_journey([str(EXAMPLES / "aipl_events.csv")], load_model(EXAMPLES / "aipl.yaml"))


@cache
def zh() -> JourneyMap:
    return map_journey([str(EXAMPLES / "zh" / "旅程事件.csv")], load_model(EXAMPLES / "zh" / "旅程模型.yaml"))


def synthetic(
    stages: int,
    touchpoints: int,
    *,
    long: bool = False,
    unscored_stages: tuple[int, ...] = (),
    unscored_every: int = 0,
    customers: int = 300,
    first_step: float = 0.72,
    seed: int = 7,
) -> JourneyMap:
    """A generated journey: ``stages`` stages sharing ``touchpoints`` touchpoints.

    ``long`` gives long English and Chinese names; stages in ``unscored_stages`` (1-based)
    and every ``unscored_every``-th touchpoint get no satisfaction scores."""
    rng = random.Random(seed)
    per = [touchpoints // stages + (1 if i < touchpoints % stages else 0) for i in range(stages)]
    names: list[list[str]] = []
    lines = [
        "name: synthetic",
        "title: {en: Synthetic journey with a rather long title for layout tests,"
        " zh: 合成旅程（用于布局测试的较长标题）}",
        "window: 60d",
        "stages:",
    ]
    n = 0
    for i in range(stages):
        tps = []
        for j in range(per[i]):
            n += 1
            if long and j % 2 == 0:
                tps.append(f"{LONG_EN}_{i + 1}_{j + 1}")
            elif long:
                tps.append(f"{LONG_ZH}{i + 1}{j + 1}")
            else:
                tps.append(f"tp{i + 1}_{j + 1}")
        names.append(tps)
        en = f"Stage {i + 1} post-purchase onboarding and activation" if long else f"Stage {i + 1}"
        zh_label = f"第{i + 1}阶段售后服务与客户关怀回访" if long else f"阶段{i + 1}"
        lines += [
            f"  - id: s{i + 1}",
            f"    label: {{en: {en}, zh: {zh_label}}}",
            "    touchpoints: [" + ", ".join(f'"{tp}"' for tp in tps) + "]",
        ]
        if i % 2 == 0:
            lines.append(f"    moment_of_truth: {'the very first contact with the brand' if long else 'first'}")
    lines += ["ranking:", "  min_customers: 3"]
    model = parse_model("\n".join(lines) + "\n")
    rows: dict[str, list[str | None]] = {
        k: [] for k in ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "nps", "effort")
    }
    start = datetime(2024, 3, 1)
    mean = {tp: rng.uniform(2.4, 4.9) for tps in names for tp in tps}
    for c in range(customers):
        t = start + timedelta(hours=c)
        for i in range(stages):
            if i and rng.random() > (first_step if i == 1 else 0.72):
                break
            for _ in range(rng.randint(1, 3)):
                tps = names[i]
                tp = tps[min(int(rng.expovariate(0.6)), len(tps) - 1)]
                scored = (i + 1) not in unscored_stages and not (unscored_every and tps.index(tp) % unscored_every == 1)
                sat = min(5, max(1, round(rng.gauss(mean[tp], 0.7)))) if scored and rng.random() < 0.6 else None
                rows["customer_id"].append(f"c{c}")
                rows["timestamp"].append(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
                rows["touchpoint"].append(tp)
                rows["channel"].append("web")
                rows["satisfaction"].append(None if sat is None else str(sat))
                rows["nps"].append(None)
                rows["effort"].append(None)
                t += timedelta(minutes=rng.randint(5, 600))
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows})
    return map_journey(frame, model)


@cache
def small() -> JourneyMap:
    return synthetic(2, 3, customers=80)


@cache
def big() -> JourneyMap:
    return synthetic(7, 40, long=True, unscored_stages=(1, 4), unscored_every=3, customers=500, first_step=0.3)


CASES = {"aipl": aipl, "zh": zh, "small": small, "big": big}


@cache
def figure(kind: str, case: str, lang: str) -> Figure:
    fn = {"map": journey_map_figure, "matrix": priority_matrix_figure, "funnel": funnel_figure}[kind]
    fig = fn(CASES[case](), lang)
    fig.canvas.draw()
    return fig


# --------------------------------------------------------------------------- helpers


def by_gid(fig: Figure, gid: str, kind: type = object) -> list:
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid) if isinstance(a, kind)]


def texts(fig: Figure, gid: str) -> list[str]:
    return [t.get_text() for t in by_gid(fig, gid, Text)]


def visible_texts(fig: Figure) -> list[Text]:
    """Every text drawn on the figure (figure texts, axes texts, titles, labels, ticks, legends)."""
    out: list[Text] = list(fig.texts)
    for ax in fig.axes:
        if not ax.axison:
            out += [t for t in ax.texts]
            continue
        out += list(ax.texts) + [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for axis in (ax.xaxis, ax.yaxis):  # tick labels of the ticks drawn (inside the view)
            lo, hi = sorted(axis.get_view_interval())
            out += [
                lab
                for loc, lab in zip(axis.get_majorticklocs(), axis.get_majorticklabels(), strict=True)
                if lo - 1e-9 <= loc <= hi + 1e-9
            ]
    for leg in fig.legends:
        out += [*leg.get_texts(), leg.get_title()]
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def extent(t: Text, renderer):
    return Text.get_window_extent(t, renderer)


def overlaps(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5


def assert_no_overlap(items: list[Text], renderer) -> None:
    boxes = [(t.get_text(), extent(t, renderer)) for t in items]
    clashes = [(a, b) for (a, ba), (b, bb) in combinations(boxes, 2) if overlaps(ba, bb)]
    assert not clashes, clashes


# --------------------------------------------------------------------------- journey map


def test_journey_map_texts_aipl():
    r = aipl()
    fig = figure("map", "aipl", "en")
    assert tuple(fig.get_size_inches()) == (16.0, 9.0)
    assert texts(fig, "stage_label") == ["Awareness", "Interest", "Purchase", "Loyalty"]
    assert texts(fig, "moment_of_truth") == ["★ first contact", "★ purchase decision", "★ after-sales and feedback"]
    assert texts(fig, "title") == ["AIPL customer journey (example shop, Q1 2026)"]
    sub = texts(fig, "subtitle")[0]
    assert "2026-01-01 – 2026-03-31" in sub and "4,377 customers" in sub
    assert texts(fig, "stage_customers") == [f"{s.customers:,}" for s in r.stages]
    assert texts(fig, "drop_off") == ["\u22121,426 (36.2%)", "\u22121,853 (73.6%)", "\u2212303 (45.7%)"]
    assert texts(fig, "conversion") == ["→ 63.8%", "→ 26.4%", "→ 54.3%"]
    # the main touchpoints of a stage: top 4 by customers, then "+N more"
    names = texts(fig, "touchpoint_name")
    assert names[:4] == ["ad_impression", "search_result_view", "social_post_view", "livestream_view"]
    assert "+2 more" in texts(fig, "touchpoint_more")


def test_funnel_band_heights_are_proportional_to_customers():
    r = aipl()
    bands = by_gid(figure("map", "aipl", "en"), "funnel_band", Rectangle)
    heights = [b.get_height() for b in bands]
    assert heights[0] > 0
    for h, s in zip(heights, r.stages, strict=True):
        assert h / heights[0] == pytest.approx(s.customers / r.stages[0].customers)


@pytest.mark.parametrize("case", ["aipl", "zh", "big"])
def test_emotion_curve_is_stage_satisfaction_with_gaps(case):
    r = CASES[case]()
    (line,) = by_gid(figure("map", case, "en"), "emotion_curve", Line2D)
    expected = [math.nan if s.scores.satisfaction is None else s.scores.satisfaction for s in r.stages]
    assert list(line.get_xdata()) == list(range(len(r.stages)))
    assert line.get_ydata() == pytest.approx(expected, nan_ok=True)
    if any(s.scores.satisfaction is None for s in r.stages):
        assert texts(figure("map", case, "en"), "no_scores")


def test_emotion_axis_is_the_satisfaction_scale():
    fig = figure("map", "aipl", "en")
    (line,) = by_gid(fig, "emotion_curve", Line2D)
    ax = line.axes
    lo, hi = ax.get_ylim()  # the scale, plus room for a whole marker at either end
    # (the band is shorter with the opportunities row under it: the marker's room is a larger share)
    assert lo < 1.0 and hi > 5.0 and 1.0 - lo == pytest.approx(hi - 5.0) and hi - 5.0 < 0.15 * 4
    assert [tick for tick in ax.get_yticks() if lo <= tick <= hi] == [1, 2, 3, 4, 5]
    assert tuple(ax.spines["left"].get_bounds()) == (1.0, 5.0)
    assert ax.get_ylabel() == "Satisfaction (1–5)"
    assert ax.get_title(loc="left") == "Emotion curve (CSAT)"


def test_pain_points_and_wow_moments_aipl():
    r = aipl()
    fig = figure("map", "aipl", "en")
    pains = by_gid(fig, "pain_point", Line2D)
    assert [p.get_label() for p in pains] == ["checkout", "presale_chat", "store_visit"]
    sat = {tp.touchpoint: tp.scores.satisfaction for tp in r.touchpoints}
    for p in pains:
        assert p.get_ydata()[0] == pytest.approx(sat[p.get_label()])
    assert [p.get_label() for p in by_gid(fig, "wow_moment", Line2D)] == ["store_purchase", "referral_share"]
    assert texts(fig, "pain_label") == ["checkout  2.20", "presale_chat  2.32", "store_visit  4.21"]
    assert texts(fig, "wow_label") == ["store_purchase  4.73", "referral_share  4.64"]


@pytest.mark.parametrize("case", ["zh", "small", "big"])
def test_pain_points_are_top3_by_priority_plus_lowest_satisfaction(case):
    r = CASES[case]()
    ranked = sorted((tp for tp in r.touchpoints if tp.rank is not None), key=lambda tp: tp.rank)
    expected = [tp.touchpoint for tp in ranked[:3]]
    scored = [tp for tp in ranked if tp.scores.satisfaction is not None]
    lowest = min(scored, key=lambda tp: (tp.scores.satisfaction, tp.rank)).touchpoint
    if lowest not in expected:
        expected.append(lowest)
    fig = figure("map", case, "en")
    sat = {tp.touchpoint: tp.scores.satisfaction for tp in r.touchpoints}
    on_curve = [name for name in expected if sat[name] is not None]  # the others have no place on a CSAT scale
    assert [p.get_label() for p in by_gid(fig, "pain_point", Line2D)] == on_curve
    assert [tp.touchpoint for tp in pain_points(r)] == expected
    listed = {t.get_text(): t.get_color() for t in by_gid(fig, "touchpoint_name", Text)}
    for name in expected:  # every pain point is in its stage's list, in red, even a small one
        shown = [text for text in listed if text == name or ("…" in text and _cut_of(text, name))]
        assert len(shown) == 1 and listed[shown[0]] == PAIN, name
    for tp in wow_moments(r, pain_points(r)):
        assert tp.scores.satisfaction >= 1 + 0.8 * 4


def _cut_of(text: str, name: str) -> bool:
    head, _, tail = text.partition("…")
    return name.startswith(head) and name.endswith(tail)


def test_unscored_pain_point_is_hollow_in_its_list_and_nothing_floats_under_the_curve():
    """The new user's case: "custom…_1_1 · no scores" floated under the emotion axis. A pain
    point without scores is red and hollow in its stage's list, and not on the curve."""
    r = big()
    pains = pain_points(r)
    unscored = [tp.touchpoint for tp in pains if tp.scores.satisfaction is None]
    assert unscored, "the big journey should have a pain point without scores"
    fig = figure("map", "big", "en")
    assert not texts(fig, "pain_note")
    assert not [m for m in by_gid(fig, "pain_point", Line2D) if m.get_label() in unscored]
    markers = {m.get_label(): m for m in by_gid(fig, "touchpoint_marker", Line2D)}
    for name in unscored:
        assert markers[name].get_markerfacecolor() == "white" and markers[name].get_markeredgecolor() == PAIN
    ax = by_gid(fig, "emotion_curve", Line2D)[0].axes
    renderer = fig.canvas.get_renderer()
    bottom = ax.get_window_extent(renderer).y0
    footer = max(extent(t, renderer).y1 for t in by_gid(fig, "footnote", Text))
    between = [
        t.get_text()
        for t in visible_texts(fig)
        if footer < extent(t, renderer).y1 <= bottom and not (t.get_gid() or "").startswith("opportunit")
    ]
    assert [" ".join(x.split()) for x in between] in (
        [],
        ["Opportunities", "top one per stage; red: top 3"],
    )  # the last row


def test_long_names_are_cut_with_an_ellipsis_inside_their_column():
    fig = figure("map", "big", "zh")
    renderer = fig.canvas.get_renderer()
    names = by_gid(fig, "touchpoint_name", Text)
    full = {tp.touchpoint for tp in big().touchpoints}
    cut = [t.get_text() for t in names if t.get_text() not in full]
    assert cut
    for text in cut:  # cut in the middle: the start and the distinguishing end are kept
        head, _, tail = text.partition("…")
        assert head and tail and any(n.startswith(head) and n.endswith(tail) for n in full), text
    col = (by_gid(fig, "funnel_band", Rectangle)[0].axes.get_window_extent(renderer).width) / 7
    for t in names + by_gid(fig, "stage_label", Text):
        assert extent(t, renderer).width <= col


# --------------------------------------------------------------------------- layout of every figure


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("kind", ["map", "matrix", "funnel"])
def test_no_text_overlaps_none_cut_off_all_legible(kind, case):
    lang = "zh" if case in ("zh", "big") else "en"
    fig = figure(kind, case, lang)
    renderer = fig.canvas.get_renderer()
    items = visible_texts(fig)
    assert items
    assert_no_overlap(items, renderer)
    page = fig.bbox
    for t in items:
        box = extent(t, renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, t.get_text()
        assert t.get_fontsize() >= MIN_FONT, t.get_text()


@pytest.mark.parametrize("case", list(CASES))
def test_placed_labels_stay_inside_their_axes(case):
    for kind, gids in (("map", ("pain_label", "wow_label", "stage_value")), ("matrix", ("label",))):
        fig = figure(kind, case, "en")
        renderer = fig.canvas.get_renderer()
        for gid in gids:
            for t in by_gid(fig, gid, Text):
                box, ax_box = extent(t, renderer), t.axes.get_window_extent(renderer)
                assert ax_box.x0 <= box.x0 and box.x1 <= ax_box.x1, t.get_text()
                assert ax_box.y0 <= box.y0 and box.y1 <= ax_box.y1, t.get_text()


# --------------------------------------------------------------------------- priority matrix


@pytest.mark.parametrize("case", ["aipl", "big"])
def test_matrix_bubbles_are_drop_off_against_satisfaction(case):
    r = CASES[case]()
    fig = figure("matrix", case, "en")
    (bubbles,) = by_gid(fig, "bubbles", PathCollection)
    shown = [tp for tp in r.touchpoints if tp.rank is not None and tp.scores.satisfaction is not None]
    offsets = sorted(map(tuple, bubbles.get_offsets().tolist()))
    expected = sorted((tp.drop_off_rate, tp.scores.satisfaction) for tp in shown)
    assert len(offsets) == len(expected)
    for got, want in zip(offsets, expected, strict=True):
        assert got == pytest.approx(want)
    sizes = dict(zip(map(tuple, bubbles.get_offsets().tolist()), bubbles.get_sizes(), strict=True))
    by_customers = sorted(shown, key=lambda tp: tp.customers)
    assert [sizes[(tp.drop_off_rate, tp.scores.satisfaction)] for tp in by_customers] == sorted(sizes.values())
    ax = bubbles.axes
    assert ax.get_xlabel() == "Drop-off rate →"
    assert ax.get_ylabel() == "Satisfaction (1–5)"
    assert sorted(texts(fig, "quadrant")) == ["Fix first", "Keep up"]
    stage_labels = {s.id: r.model.stages[s.index - 1].label.get("en") for s in r.stages}
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-1] == "pain point"  # the pain points' own colour, after the stages
    legend = legend[:-1]
    present = [stage_labels[s.id] for s in r.stages if any(tp.stage == s.id for tp in shown)]
    assert len(legend) == len(present)
    for got, label in zip(legend, present, strict=True):  # long labels are cut with an ellipsis
        assert got == label or (got.endswith("…") and label.startswith(got[:-1]))


def test_matrix_labels_top_priorities_and_notes_what_is_left_out():
    fig = figure("matrix", "aipl", "en")
    labels = texts(fig, "label")
    assert labels[:3] == ["#1 checkout", "#2 presale_chat", "#3 store_visit"]
    assert len(labels) == 8
    notes = " ".join(texts(fig, "footnote"))
    for name in ("ad_impression", "search_result_view", "ad_click", "kol_post_view"):
        assert name in notes
    renderer = fig.canvas.get_renderer()
    assert_no_overlap(by_gid(fig, "label", Text) + by_gid(fig, "quadrant", Text), renderer)


# --------------------------------------------------------------------------- funnel


@pytest.mark.parametrize("case", ["aipl", "small", "big"])
def test_funnel_bars_are_customers_centred(case):
    r = CASES[case]()
    fig = figure("funnel", case, "en")
    bars = by_gid(fig, "funnel_bar", Rectangle)
    assert [b.get_width() for b in bars] == [s.customers for s in r.stages]
    for b in bars:
        assert b.get_x() == pytest.approx(-b.get_width() / 2)
    assert len(texts(fig, "stage_label")) == len(r.stages)


def test_funnel_conversions():
    fig = figure("funnel", "aipl", "en")
    conv = texts(fig, "conversion")
    assert conv[0] == "journey entry"
    assert conv[1] == "63.8% from previous  ·  63.8% of first stage"
    assert conv[3] == "54.3% from previous  ·  9.1% of first stage"
    assert texts(fig, "drop_off")[0] == "↓ \u22121,426 (36.2%)"
    assert texts(figure("funnel", "zh", "zh"), "conversion")[1] == "较上阶段 61.0%  ·  占首阶段 61.0%"


# --------------------------------------------------------------------------- fonts, bytes, files


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_renders_without_missing_glyphs(lang):
    logger = logging.getLogger("matplotlib.font_manager")
    handler = _Records()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for fn in FIGURES:  # zh: the Chinese example; en: long mixed English/Chinese names
                fn((zh if lang == "zh" else big)(), lang).savefig(io.BytesIO(), format="png")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    bad = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not bad, bad
    assert not [m for m in handler.messages if "findfont" in m or "Glyph" in m], handler.messages
    assert not caught, [str(w.message) for w in caught]


def test_same_result_gives_the_same_bytes(tmp_path):
    r = small()
    for save in (save_journey_map, save_priority_matrix, save_funnel):
        a, b = tmp_path / "a.png", tmp_path / "b.png"
        save(r, a, lang="zh")
        save(r, b, lang="zh")
        assert a.read_bytes().startswith(b"\x89PNG")
        assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]  # no temp files left


def test_save_into_a_missing_folder_raises_and_leaves_nothing(tmp_path):
    target = tmp_path / "missing" / "map.png"
    for save in (save_journey_map, save_priority_matrix, save_funnel):
        with pytest.raises(OutputError):
            save(small(), target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_map_writes_the_png(cli, tmp_path):
    png = tmp_path / "map.png"
    res = cli("map", EXAMPLES / "aipl_events.csv", "--model", EXAMPLES / "aipl.yaml", "--png", png, "--format", "json")
    assert res.exit_code == 0, res.output
    assert png.read_bytes().startswith(b"\x89PNG")


# --------------------------------------------------------------------------- reported problems

EDGE_MODEL = """
name: edge
title: {en: My shop journey, zh: 我的店铺旅程}
stages:
  - id: awareness
    label: {en: Awareness and first contact, zh: 认知与首次接触}
    moment_of_truth: first contact
    touchpoints: [广告曝光, search]
  - id: interest
    label: {en: Interest and product research, zh: 兴趣与商品研究}
    touchpoints: [商品浏览, add_to_cart]
  - id: purchase
    label: {en: Purchase decision and checkout, zh: 购买决策与结算}
    moment_of_truth: purchase decision
    touchpoints: [下单支付]
  - id: loyalty
    label: {en: Loyalty and repeat purchase, zh: 忠诚与复购}
    touchpoints: [复购, review]
ranking:
  min_customers: 1
"""
EDGE_EVENTS = [  # customer, day, touchpoint, satisfaction: nobody is lost between the first two stages
    ("u1", 1, "广告曝光", None),
    ("u1", 2, "商品浏览", 4),
    ("u1", 3, "下单支付", 5),
    ("u1", 9, "复购", 5),
    ("u2", 1, "广告曝光", None),
    ("u2", 2, "商品浏览", 2),
    ("u2", 3, "add_to_cart", 1),
    ("u3", 1, "search", None),
    ("u3", 2, "商品浏览", 3),
    ("u3", 4, "下单支付", 2),
]


@cache
def edge() -> JourneyMap:
    """The new user's case: a step with no loss, a wow moment at the top of the scale."""
    frame = pl.DataFrame(
        {
            "customer_id": [c for c, *_ in EDGE_EVENTS],
            "timestamp": [f"2026-03-{d:02d}T10:00:00Z" for _, d, *_ in EDGE_EVENTS],
            "touchpoint": [tp for _, _, tp, _ in EDGE_EVENTS],
            "satisfaction": [None if s is None else str(s) for *_, s in EDGE_EVENTS],
        },
        schema={k: pl.String for k in ("customer_id", "timestamp", "touchpoint", "satisfaction")},
    )
    return map_journey(frame, parse_model(EDGE_MODEL))


@cache
def lossless() -> JourneyMap:
    """Long labels and names; every customer of the first stage reaches the second."""
    return synthetic(4, 8, long=True, first_step=1.0, customers=120, seed=3)


CASES.update({"edge": edge, "lossless": lossless})


def bubble_boxes(fig: Figure) -> list:
    (bubbles,) = by_gid(fig, "bubbles", PathCollection)
    ax, renderer = bubbles.axes, fig.canvas.get_renderer()
    out = []
    for (x, y), s in zip(bubbles.get_offsets().tolist(), bubbles.get_sizes(), strict=True):
        px, py = ax.transData.transform((x, y))
        r = renderer.points_to_pixels(math.sqrt(s) / 2)
        out.append(Bbox.from_extents(px - r, py - r, px + r, py + r))
    return out


def marker_boxes(fig: Figure) -> list[tuple[str, object, bool]]:
    """(name, display box, drawn on the scale) of every marker of the emotion curve."""
    renderer = fig.canvas.get_renderer()
    out = []
    for gid in ("emotion_curve", "pain_point", "wow_moment"):
        for line in by_gid(fig, gid, Line2D):
            r = renderer.points_to_pixels((line.get_markersize() + line.get_markeredgewidth()) / 2)
            on_scale = line.get_transform() == line.axes.transData
            for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
                if y != y:
                    continue
                px, py = line.get_transform().transform((x, y))
                out.append((f"{gid} {line.get_label()}", Bbox.from_extents(px - r, py - r, px + r, py + r), on_scale))
    (points,) = by_gid(fig, "touchpoint_points", PathCollection)
    for (x, y), s in zip(points.get_offsets().tolist(), points.get_sizes(), strict=True):
        px, py = points.axes.transData.transform((x, y))
        r = renderer.points_to_pixels(math.sqrt(s) / 2)
        out.append((f"touchpoint {x:.2f} {y:.2f}", Bbox.from_extents(px - r, py - r, px + r, py + r), True))
    return out


def test_edge_case_is_the_reported_one():
    r = edge()
    assert [s.customers for s in r.stages] == [3, 3, 2, 1]
    assert r.stages[0].drop_off == 0
    assert r.stages[-1].scores.satisfaction == 5.0
    assert any(tp.scores.satisfaction == 5.0 for tp in wow_moments(r, pain_points(r)))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["edge", "lossless"])
def test_a_step_without_loss_says_no_loss_without_an_arrow(case, lang):
    r = CASES[case]()
    steps = len(r.stages) - 1
    none_lost = [i for i in range(steps) if r.stages[i].customers == r.stages[i + 1].customers]
    assert none_lost == [0]
    for kind, prefix in (("map", "\u2212"), ("funnel", "↓ \u2212")):
        fig = figure(kind, case, lang)
        drops, calm = by_gid(fig, "drop_off", Text), by_gid(fig, "no_loss", Text)
        assert len(drops) == steps - 1 and len(calm) == 1
        assert [t.get_text() for t in calm] == ["no loss" if lang == "en" else "无流失"]
        assert all(t.get_text().startswith(prefix) and not t.get_text().startswith(prefix + "0") for t in drops)
        assert not any(isinstance(t, Annotation) for t in calm)  # no arrow
        if kind == "map":
            assert all(isinstance(t, Annotation) and t.arrow_patch is not None for t in drops)


FUNNEL_TEXTS = ("stage_label", "moment_of_truth", "conversion", "drop_off", "no_loss", "customers")


def _assert_funnel_uncut(fig: Figure) -> None:
    renderer = fig.canvas.get_renderer()
    items = [t for gid in FUNNEL_TEXTS for t in by_gid(fig, gid, Text)]
    for t in items:
        assert "…" not in t.get_text(), t.get_text()
        box = extent(t, renderer)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 - 0.2 * fig.dpi, t.get_text()  # a margin to the edge
    assert_no_overlap(visible_texts(fig), renderer)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["edge", "lossless", "aipl", "big"])
def test_funnel_texts_are_never_cut(case, lang):
    fig = figure("funnel", case, lang)
    _assert_funnel_uncut(fig)
    r = CASES[case]()
    conv = texts(fig, "conversion")
    s = r.stages[1]
    expected = {
        "en": f"{100 * s.conversion_from_previous:.1f}% from previous  ·  "
        f"{100 * s.conversion_from_first:.1f}% of first stage",
        "zh": f"较上阶段 {100 * s.conversion_from_previous:.1f}%  ·  占首阶段 {100 * s.conversion_from_first:.1f}%",
    }[lang]
    assert conv[1] == expected
    labels = [r.model.stages[s.index - 1].label.get(lang) for s in r.stages]
    assert [t.replace("\n", " ") for t in texts(fig, "stage_label")] == labels  # wrapped, not cut


def test_funnel_conversions_wrap_rather_than_cut_when_room_is_short(monkeypatch):
    import cjtool.render.png_charts as charts

    monkeypatch.setattr(charts, "FUNNEL_COL_MAX", 0.25)
    fig = funnel_figure(edge(), "en")
    fig.canvas.draw()
    _assert_funnel_uncut(fig)
    assert texts(fig, "conversion")[1] == "100.0% from previous\n100.0% of first stage"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["edge", "aipl", "zh", "big", "small"])
def test_emotion_legend_and_title_never_cover_data(case, lang):
    fig = figure("map", case, lang)
    renderer = fig.canvas.get_renderer()
    ax = by_gid(fig, "emotion_curve", Line2D)[0].axes
    ax_box = ax.get_window_extent(renderer)
    (legend,) = fig.legends
    leg_box = legend.get_window_extent(renderer)
    assert leg_box.y0 >= ax_box.y1  # outside the plotting area, above it
    title = extent(ax.title, renderer)
    assert title.y0 >= ax_box.y1
    markers = marker_boxes(fig)
    assert markers
    for name, box, on_scale in markers:
        assert not overlaps(box, leg_box), name
        assert not overlaps(box, title), name
        if on_scale:  # every marker on the scale lies wholly inside the axes, even at its ends
            assert ax_box.x0 - 0.5 <= box.x0 and box.x1 <= ax_box.x1 + 0.5, name
            assert ax_box.y0 - 0.5 <= box.y0 and box.y1 <= ax_box.y1 + 0.5, name
    if case == "edge":  # the reported case: a wow moment at 5.00, the top of the scale
        assert 5.0 in [y for line in by_gid(fig, "wow_moment", Line2D) for y in line.get_ydata()]


def _priority_of(r: JourneyMap):
    """SPEC 5's priority at a point of the matrix (drop-off rate, satisfaction)."""
    m = r.model
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    wd, ws = m.weight_drop_off, m.weight_dissatisfaction
    return lambda x, y: (wd * x + ws * (1 - (y - lo) / (hi - lo))) / (wd + ws)


@pytest.mark.parametrize("case", list(CASES))
def test_matrix_line_is_the_median_priority_and_the_top_ranks_are_on_the_fix_first_side(case):
    r = CASES[case]()
    fig = figure("matrix", case, "en")
    shown = [tp for tp in r.touchpoints if tp.rank is not None and tp.scores.satisfaction is not None]
    prio = _priority_of(r)
    median = statistics.median(tp.priority for tp in shown)
    (line,) = by_gid(fig, "priority_line", Line2D)
    for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):  # both ends lie on the iso-priority line
        assert prio(x, y) == pytest.approx(median, abs=1e-9)
    by_rank = sorted(shown, key=lambda tp: tp.rank)
    for tp in by_rank[: max(1, len(by_rank) // 2)]:  # the ranking's top half is where the picture says "Fix first"
        assert prio(tp.drop_off_rate, tp.scores.satisfaction) >= median - 1e-12
    for tp in by_rank[(len(by_rank) + 1) // 2 :]:  # and its bottom half on the other side
        assert prio(tp.drop_off_rate, tp.scores.satisfaction) <= median + 1e-12


def test_matrix_aipl_second_rank_is_not_in_a_low_priority_corner():
    """The reported contradiction: #2 presale_chat (low drop-off, low CSAT) sat in "Low priority"."""
    r = aipl()
    fig = figure("matrix", "aipl", "en")
    assert "Low priority" not in texts(fig, "quadrant") and "Watch" not in texts(fig, "quadrant")
    second = next(tp for tp in r.touchpoints if tp.rank == 2)
    (line,) = by_gid(fig, "priority_line", Line2D)
    (x0, x1), (y0, y1) = line.get_xdata(), line.get_ydata()
    # the Fix-first side is below the line (drop-off right, satisfaction down)
    y_line = y0 + (y1 - y0) * (second.drop_off_rate - x0) / (x1 - x0)
    assert second.scores.satisfaction < y_line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(CASES))
def test_quadrant_labels_are_where_no_bubble_is(case, lang):
    r = CASES[case]()
    fig = figure("matrix", case, lang)
    renderer = fig.canvas.get_renderer()
    quads = by_gid(fig, "quadrant", Text)
    assert len(quads) == 2
    bubbles = bubble_boxes(fig)
    ax = quads[0].axes
    ax_box = ax.get_window_extent(renderer)
    shown = [tp for tp in r.touchpoints if tp.rank is not None and tp.scores.satisfaction is not None]
    median = statistics.median(tp.priority for tp in shown)
    prio = _priority_of(r)
    to_data = ax.transData.inverted()
    for q, high in zip(quads, (False, True), strict=True):  # Keep up, Fix first
        box = extent(q, renderer)
        for b in bubbles:
            assert not overlaps(box, b), q.get_text()
        inside = ax_box.x0 <= box.x0 and box.x1 <= ax_box.x1 and ax_box.y0 <= box.y0 and box.y1 <= ax_box.y1
        if inside:  # wholly on its own side of the median-priority line
            for cx, cy in to_data.transform([(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]):
                assert (prio(cx, cy) > median) == high, q.get_text()
        else:  # or outside the plot
            assert not overlaps(box, ax_box), q.get_text()


def test_quadrant_labels_go_outside_when_bubbles_fill_the_plot():
    from cjtool.render.png_charts import MH, MW, _PriorityLine, _quadrant_labels
    from cjtool.render.png_style import new_figure, style

    with style():
        fig, rd = new_figure(MW, MH)
        ax = fig.add_axes((1.05 / MW, 1.45 / MH, 9.0 / MW, 4.85 / MH))
        ax.set_xlim(0, 1)
        ax.set_ylim(1, 5)
        ax.set_xlabel("Drop-off rate →")
        full = ax.get_window_extent(rd)
        boxes = _quadrant_labels(ax, rd, "en", _PriorityLine(1.0, 1.0, 1.0, 5.0, 0.5), [full])
        fig.canvas.draw()
    assert len(boxes) == 2
    for box in boxes:
        assert not overlaps(box, full)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
    assert_no_overlap(visible_texts(fig), fig.canvas.get_renderer())
    keep, fix = boxes  # each at its own corner: Keep up top left, Fix first bottom right
    assert keep.y0 > full.y1 and fix.y1 < full.y0
    assert keep.x0 == pytest.approx(full.x0) and fix.x1 == pytest.approx(full.x1)


def test_journey_map_without_scores_has_no_emotion_band_and_lists_more_touchpoints(no_scores_csv):
    r = map_journey([no_scores_csv], load_model(EXAMPLES / "aipl.yaml"))
    fig = journey_map_figure(r, "en")
    assert not by_gid(fig, "emotion_curve", Line2D) and not texts(fig, "no_scores")
    names = texts(fig, "touchpoint_name")
    interest = [tp for tp in r.touchpoints if tp.stage == "interest"]
    assert len(interest) > 4  # more than the scored layout's four fit now
    fit = journey_map_figure.__globals__["_JourneyMapChart"](r, "en").max_tp  # 8, fewer above the opportunities row
    assert fit >= 6
    assert len(names) == sum(min(fit, sum(tp.stage == s.id for tp in r.touchpoints)) for s in r.stages)
    assert all("no scores" not in x for x in texts(fig, "touchpoint_stats"))  # said once, in the footer
    assert any("no emotion curve" in x for x in texts(fig, "footnote"))


def test_matrix_without_scores_says_so_instead_of_counting_ranked_touchpoints(no_scores_csv):
    r = map_journey([no_scores_csv], load_model(EXAMPLES / "aipl.yaml"))
    fig = priority_matrix_figure(r, "en")
    (sub,) = texts(fig, "subtitle")
    assert "none with scores" in sub
    assert not by_gid(fig, "bubbles", PathCollection)


SAVERS = (save_journey_map, save_priority_matrix, save_funnel)


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".PNG", b"\x89PNG")])
def test_the_suffix_gives_the_picture_type_byte_for_byte(tmp_path, suffix, magic):
    r = edge()
    for save in SAVERS:
        a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        save(r, a, lang="zh")
        save(r, b, lang="zh")
        data = a.read_bytes()
        assert data.startswith(magic), save.__name__
        assert data == b.read_bytes(), save.__name__
        if suffix == ".svg":
            assert b"<svg" in data and b"<dc:date>" not in data and b"Matplotlib" not in data
        if suffix == ".pdf":
            assert b"/CreationDate" not in data and b"/Producer" not in data and b"/Creator" not in data
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a{suffix}", f"b{suffix}"]  # no temp files left


@pytest.mark.parametrize("name", ["map.jpg", "map.png.txt", "map", "map.svgz"])
def test_an_unsupported_picture_type_is_a_usage_error(tmp_path, name):
    for save in SAVERS:
        with pytest.raises(UsageError, match=r"unsupported picture type; use \.png, \.svg or \.pdf"):
            save(small(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []
