"""Chinese text in matplotlib charts: shipped font, fallback order, no tofu."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from cjtool.render.fonts import (  # noqa: E402
    LATIN_FAMILY,
    SHIPPED_FAMILY,
    SHIPPED_FONT,
    missing_glyphs,
    setup_fonts,
)

RARE_EXT_B = "\U0002a6d6"  # 𪛖, CJK Ext. B: outside GBK and outside the CJK fonts we look for


@pytest.fixture(autouse=True)
def _isolated_rc():
    # setup_fonts() mutates global rcParams; keep other tests unaffected.
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _render(fig) -> list[str]:
    """savefig to PNG in memory; return the messages of all warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")
    return [str(w.message) for w in caught]


def _journey_figure():
    fig, ax = plt.subplots(figsize=(6, 4))
    stages = ["认知 Awareness", "考虑 Consideration", "结算 checkout", "复购 Retention"]
    ax.plot(range(len(stages)), [3.9, 3.1, 2.4, 3.6], marker="o")
    ax.set_xticks(range(len(stages)), stages)
    ax.set_title("用户旅程图 Customer journey → 满意度", fontweight="bold")
    ax.set_xlabel("阶段 Stage")
    ax.set_ylabel("满意度 Satisfaction (1–5)")
    ax.annotate("尖叫点 ★", xy=(0, 3.9), xytext=(0.3, 4.2), arrowprops={"arrowstyle": "->"})
    ax.annotate("痛点 ▼ 满意度 3.2", xy=(2, 2.4), xytext=(1.5, 2.0))
    ax.text(3, 3.0, "转化率：12.5%（↑ 3.1%）✓", ha="right")
    fig.tight_layout()
    return fig


def _cmap(path) -> set[int]:
    return set(font_manager.get_font(path).get_charmap())


def test_shipped_font_file_matches_family_name():
    assert SHIPPED_FONT.is_file()
    assert SHIPPED_FONT.parent == Path(__file__).resolve().parents[1] / "cjtool" / "fonts"
    with TTFont(SHIPPED_FONT, lazy=True) as font:
        assert font["name"].getDebugName(1) == SHIPPED_FAMILY
    assert (SHIPPED_FONT.parent / "OFL.txt").is_file()


def test_setup_fonts_order_and_idempotent():
    first = setup_fonts()
    assert first[:2] == [LATIN_FAMILY, SHIPPED_FAMILY]
    assert matplotlib.rcParams["font.family"] == first
    again = setup_fonts()
    assert again == first
    assert matplotlib.rcParams["font.family"] == first
    registered = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == SHIPPED_FONT]
    assert len(registered) == 1


def test_without_setup_chinese_warns():
    # Negative control: proves _render() really detects missing glyphs, so the
    # "no warnings" assertion below means something.
    matplotlib.rcParams["font.family"] = [LATIN_FAMILY]
    fig, ax = plt.subplots()
    ax.set_title("痛点")
    assert any("missing from font" in m for m in _render(fig))


def test_mixed_chinese_english_figure_renders_without_missing_glyphs():
    families = setup_fonts()
    fig = _journey_figure()
    messages = _render(fig)
    assert not [m for m in messages if "missing from font" in m], messages

    shipped_cmap = _cmap(str(SHIPPED_FONT))
    texts = [t for t in fig.findobj(Text) if any(ord(c) > 0x2E7F for c in t.get_text())]
    assert len(texts) >= 8  # title, labels, 4 ticks, 3 annotations
    for text in texts:
        assert text.get_fontfamily() == families
        prop = text.get_fontproperties()
        # Resolve each family the way matplotlib does (same weight/style).
        paths = []
        for fam in text.get_fontfamily():
            p = prop.copy()
            p.set_family(fam)
            paths.append(font_manager.findfont(p, fallback_to_default=False))
        assert Path(paths[1]) == SHIPPED_FONT
        # Every CJK character is drawn by the first font that has it: that
        # must be the shipped file, whatever system fonts exist.
        for ch in text.get_text():
            if ord(ch) < 0x2E80:
                continue
            drawn_by = next(p for p in paths if ord(ch) in _cmap(p))
            assert Path(drawn_by) == SHIPPED_FONT, (ch, drawn_by)
            assert ord(ch) in shipped_cmap


def test_bold_cjk_logs_no_weight_warning(caplog):
    # The subset is Regular only; bold text must not spam stderr with
    # "findfont: Failed to find font weight bold for cjtool Sans SC".
    setup_fonts()
    caplog.set_level(logging.WARNING)
    # Unusual size: a fresh FontProperties so findfont's cache can't hide the log.
    prop = font_manager.FontProperties(family=SHIPPED_FAMILY, weight="bold", size=17.25)
    assert Path(font_manager.findfont(prop)) == SHIPPED_FONT
    assert not [r for r in caplog.records if "Failed to find font weight" in r.getMessage()]


def test_missing_glyphs():
    setup_fonts()
    assert missing_glyphs("认知 Awareness，结算 checkout：满意度 3.2 → ▲▼★●✓✗…\n") == set()
    assert missing_glyphs("龘") == set()  # rare, but in GBK
    assert missing_glyphs("痛点" + RARE_EXT_B) == {RARE_EXT_B}
    assert missing_glyphs("") == set()


def test_all_gbk_covered_without_system_fonts():
    # A fresh machine: only matplotlib's DejaVu Sans plus the shipped subset.
    setup_fonts()
    matplotlib.rcParams["font.family"] = [LATIN_FAMILY, SHIPPED_FAMILY]
    gbk = []
    for c in range(0x20, 0x10000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        try:
            chr(c).encode("gbk")
        except UnicodeEncodeError:
            continue
        gbk.append(chr(c))
    assert len(gbk) > 21000
    assert missing_glyphs("".join(gbk)) == set()
