#!/usr/bin/env python3
"""Build the CJK font shipped in ``cjtool/fonts/`` (reproducible).

The charts must show Chinese on a machine that has no CJK font at all, so we
ship one.  A full Noto Sans CJK face is ~16 MB; GBK (which covers practically
all Simplified Chinese text seen in event exports) plus the punctuation and
symbols charts use brings it down to a few MB.

Source: the "Noto Sans CJK SC" Regular face inside Debian's fonts-noto-cjk
``NotoSansCJK-Regular.ttc`` (SIL OFL 1.1).  Usage::

    python tools/make_font_subset.py [--src PATH.ttc] [--out-dir cjtool/fonts]

Re-running with the same source file and fontTools version gives the same
bytes (head.modified is pinned to head.created; no timestamps elsewhere).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SRC_DEFAULT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LICENSE_SRC = "/usr/share/doc/fonts-noto-cjk/copyright"  # Debian copy of the OFL text
SRC_FAMILY = "Noto Sans CJK SC"

# New names: a modified font must not pose as the original, and a distinct
# family name guarantees matplotlib never confuses it with an installed Noto.
FAMILY = "cjtool Sans SC"
PS_NAME = "cjtoolSansSC-Regular"
OUT_NAME = "cjtoolSansSC-GBK-Regular.otf"

# Copyright line for OFL.txt (font name ID 0 plus the upstream LICENSE's RFN clause).
COPYRIGHT = "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # general punctuation (— – ‘’ “” … ‰ ※)
    (0x20A0, 0x20CF),  # currency symbols (€; Python's gbk codec lacks it)
    (0x2100, 0x214F),  # letterlike (℃ № ™)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ ...)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # math operators (≤ ≥ ≈ ∞)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ②)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (▲ ▼ ● ■ ◆)
    (0x2600, 0x26FF),  # misc symbols (★ ☆)
    (0x2700, 0x27BF),  # dingbats (✓ ✗), only those the font has
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-/full-width forms
]


def wanted_codepoints() -> set[int]:
    cps = set()
    for c in range(0x10000):  # GBK is BMP-only
        if 0xD800 <= c <= 0xDFFF:
            continue
        try:
            chr(c).encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(c)
    for lo, hi in EXTRA_RANGES:
        cps.update(range(lo, hi + 1))
    return cps


def find_face(src: str) -> int:
    coll = TTCollection(src, lazy=True)
    for i, face in enumerate(coll.fonts):
        name = face["name"]
        if name.getDebugName(1) == SRC_FAMILY and name.getDebugName(2) == "Regular":
            return i
    raise SystemExit(f"{SRC_FAMILY!r} Regular not found in {src}")


def rename(font: TTFont) -> None:
    name = font["name"]
    src_version = name.getDebugName(5) or ""
    # Only Windows-English records survive the subsetter (name_languages default).
    for rec in list(name.names):
        if rec.nameID in (16, 17, 21, 22, 25):
            name.removeNames(nameID=rec.nameID)
    for nid, text in {
        1: FAMILY,
        2: "Regular",
        3: f"{PS_NAME};GBK subset of NotoSansCJKsc-Regular",
        4: f"{FAMILY} Regular",
        5: f"{src_version}; GBK subset by cjtool tools/make_font_subset.py",
        6: PS_NAME,
        10: "Subset of Noto Sans CJK SC Regular (GBK + punctuation/symbols), renamed for cjtool.",
    }.items():
        name.setName(text, nid, 3, 1, 0x409)
    # CFF carries its own copy of the names; keep it consistent.
    cff = font["CFF "].cff
    cff.fontNames = [PS_NAME]
    top = cff.topDictIndex[0]
    for attr, val in (("FullName", f"{FAMILY} Regular"), ("FamilyName", FAMILY)):
        if hasattr(top, attr):
            setattr(top, attr, val)
    if hasattr(top, "FDArray"):  # CID-keyed: per-FD names embed the old PS name
        for fd in top.FDArray:
            if hasattr(fd, "FontName"):
                fd.FontName = re.sub(r"^NotoSansCJK\w*-Regular", PS_NAME, fd.FontName)
    font["head"].modified = font["head"].created  # reproducible bytes


def write_license(out_dir: Path) -> None:
    # Debian's copyright file holds the OFL as a DEP-5 block: lines indented by
    # one space, " ." for blank lines.  Extract the "License: SIL-1.1" paragraph.
    lines = Path(LICENSE_SRC).read_text(encoding="utf-8").splitlines()
    # The first "License: SIL-1.1" is a field of the "Files: *" stanza; the
    # standalone paragraph holding the text is the last one.
    start = len(lines) - lines[::-1].index("License: SIL-1.1")
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    text = (
        "\n".join(
            [
                COPYRIGHT,
                "",
                "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
                "This license is copied below, and is also available with a FAQ at:",
                "https://openfontlicense.org",
                "",
                *body,
            ]
        )
        + "\n"
    )
    (out_dir / "OFL.txt").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=SRC_DEFAULT)
    ap.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parents[1] / "cjtool" / "fonts")
    args = ap.parse_args()

    index = find_face(args.src)
    font = TTFont(args.src, fontNumber=index, recalcTimestamp=False)

    opts = subset.Options()
    opts.hinting = False  # matplotlib force-autohints anyway; CFF stem hints cost ~10%
    opts.desubroutinize = False  # keep CFF subroutines: they are what keeps CJK small
    opts.name_IDs = ["*"]  # keep copyright/trademark/licence records
    opts.notdef_outline = True
    opts.glyph_names = False
    # matplotlib lays text out horizontally only: drop vertical metrics/features.
    opts.drop_tables += ["BASE", "VORG", "vhea", "vmtx"]
    # Also drop 'locl': its JAN/KOR/ZHT lookups would pull in ~17k regional
    # variant glyphs (Japanese/Traditional forms) we never want; SC forms are
    # this face's defaults, so Chinese renders the same without it.
    unwanted = set(subset.Options._layout_features_groups["vertical"]) | {"locl"}
    opts.layout_features = [f for f in opts.layout_features if f not in unwanted]

    sub = subset.Subsetter(opts)
    cmap = font.getBestCmap()
    sub.populate(unicodes=sorted(wanted_codepoints() & cmap.keys()))
    sub.subset(font)
    rename(font)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / OUT_NAME
    font.save(out)
    write_license(args.out_dir)
    kept = len(font.getBestCmap())
    print(f"{out}: face {index}, {kept} code points, {len(font.getGlyphOrder())} glyphs, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
