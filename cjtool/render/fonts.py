"""Font setup so matplotlib charts draw Chinese on any machine.

Why this exists: a fresh machine often has no CJK font, and matplotlib then
draws empty boxes and warns "Glyph ... missing from font(s)".  We ship a
GBK subset of Noto Sans CJK SC (``cjtool/fonts/``, see its README.txt) and
put it in ``rcParams["font.family"]`` as a list of concrete family names:
matplotlib falls back per glyph across the entries of that list (it does NOT
fall back across ``font.sans-serif``).

Order matters:
  1. "DejaVu Sans"   - Latin, digits and symbols look like normal matplotlib;
  2. the shipped subset - every GBK character, identical on every machine;
  3. system CJK fonts found at run time - only for characters outside GBK.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

LATIN_FAMILY = "DejaVu Sans"  # bundled with matplotlib, so always present
SHIPPED_FAMILY = "cjtool Sans SC"  # name-table family of the file below
SHIPPED_FONT = Path(__file__).resolve().parent.parent / "fonts" / "cjtoolSansSC-GBK-Regular.otf"

# System families worth adding after the subset, most preferred first.
# Matched case-insensitively against matplotlib's font list.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


class _RegularOnlyFilter(logging.Filter):
    """Silence matplotlib's "Failed to find font weight bold for <CJK family>".

    The shipped face is Regular only (a Bold subset would double the package
    size), so bold titles draw CJK glyphs at weight 400 by design.  matplotlib
    logs a WARNING for each such lookup, which CLI users would see on stderr.
    Only that message, and only for the CJK families we configure, is dropped.
    """

    families: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (
            str(record.msg).startswith("findfont: Failed to find font weight")
            and len(args) > 1
            and args[1] in self.families
        )


_WEIGHT_FILTER = _RegularOnlyFilter()


def setup_fonts() -> list[str]:
    """Register the shipped font and set ``rcParams["font.family"]``.

    Idempotent: safe to call from every renderer.  Returns the family list.
    """
    fm = font_manager.fontManager
    shipped = str(SHIPPED_FONT)
    # addfont() appends unconditionally, so guard against duplicate entries.
    if not any(Path(e.fname) == SHIPPED_FONT for e in fm.ttflist):
        fm.addfont(shipped)

    installed = {e.name.casefold() for e in fm.ttflist}
    system = [name for name in SYSTEM_CJK_FAMILIES if name.casefold() in installed]
    families = [LATIN_FAMILY, SHIPPED_FAMILY, *system]
    mpl.rcParams["font.family"] = families

    _RegularOnlyFilter.families.update(families[1:])
    logger = logging.getLogger(font_manager.__name__)
    if _WEIGHT_FILTER not in logger.filters:
        logger.addFilter(_WEIGHT_FILTER)
    return families


@lru_cache(maxsize=32)
def _codepoints(path: str, face_index: int) -> frozenset[int]:
    # Cached per font file/face: reading a CJK cmap takes a few milliseconds.
    # FontPath (collection face index) only exists in matplotlib >= 3.11.
    font = font_manager.get_font(font_manager.FontPath(path, face_index) if face_index else path)
    return frozenset(font.get_charmap())


def missing_glyphs(text: str) -> set[str]:
    """Characters of *text* that no font in ``rcParams["font.family"]`` has.

    Lets renderers warn once (e.g. about rare ideographs outside GBK when no
    system CJK font has them) instead of silently drawing boxes.  Control characters such as newlines are never drawn, so ignored.
    """
    needed = {ch for ch in text if unicodedata.category(ch) != "Cc"}
    if not needed:
        return set()
    cmaps = []
    for family in mpl.rcParams["font.family"]:
        try:
            # fallback_to_default=False: a family that is not installed must
            # not be counted as covering anything.
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        cmaps.append(_codepoints(str(path), getattr(path, "face_index", 0)))
    return {ch for ch in needed if not any(ord(ch) in cmap for cmap in cmaps)}


# --------------------------------------------------------------------------- HTML report

WEB_FAMILY = "cjtool CJK"  # the @font-face name in index.html


def cjk_chars(text: str) -> list[str]:
    """The characters of *text* the shipped font should draw in a web page: CJK and
    full-width ones (from U+2E80 on) that it has, sorted. Latin, digits and symbols are left
    to the reader's own fonts."""
    cmap = _codepoints(str(SHIPPED_FONT), 0)
    return sorted({ch for ch in text if ord(ch) >= 0x2E80 and ord(ch) in cmap})


def font_subset(chars: list[str]) -> bytes:
    """A WOFF (zlib; WOFF2 would need brotli) of the shipped font with just ``chars``.

    Same characters, same bytes: no timestamp is rewritten."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version: the OFL asks to keep them
    options.notdef_outline = True
    font = TTFont(SHIPPED_FONT, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in chars])
    subsetter.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def web_font_css(text: str) -> str:
    """An ``@font-face`` rule embedding the glyphs of *text* that need a CJK font, or "" if
    none do. Pages stay small (a few kB for a report) and draw Chinese without any
    installed CJK font. Browsers embolden the Regular face for bold headings."""
    import base64

    chars = cjk_chars(text)
    if not chars:
        return ""
    data = base64.b64encode(font_subset(chars)).decode("ascii")
    return f'@font-face{{font-family:"{WEB_FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");}}'
