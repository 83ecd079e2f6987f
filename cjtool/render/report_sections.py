"""The report's analysis sections: key moments (always), segments (`--by`), the comparison
(`--baseline`) and paths (`--paths`). Each is the Markdown its own command writes, nested
one level under the report's headings; the HTML is made from that same Markdown, so the
two files cannot disagree, plus the section's pictures."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjtool.analyses.compare import CompareResult
    from cjtool.analyses.moments import MomentsResult
    from cjtool.analyses.paths import Paths
    from cjtool.analyses.segments import Breakdown

TITLES = {
    "segments": {"en": "Segments", "zh": "细分"},
    "comparison": {"en": "Comparison", "zh": "对比"},
}
# every picture a section can draw: one of an earlier run the options no longer ask for goes
SEGMENTS_PNG, COMPARE_PNG = "segments.png", "compare.png"
PATHS_PNGS = ("paths_flow.png", "paths_heatmap.png", "paths_channels.png", "paths_removal.png")
ALL_PICTURES = (SEGMENTS_PNG, COMPARE_PNG, *PATHS_PNGS)


@dataclass(frozen=True)
class ReportExtras:
    """The analyses of one journeys object the report shows beside the map."""

    moments: MomentsResult | None = None
    breakdown: Breakdown | None = None
    comparison: CompareResult | None = None
    paths: Paths | None = None


@dataclass(frozen=True)
class Section:
    markdown: str  # starts with its level-2 heading
    pictures: tuple[tuple[str, str], ...] = ()  # (file name, caption)


def sections(extras: ReportExtras, lang: str, top: int) -> list[Section]:
    """The sections in report order (text and picture names; pictures drawn by ``draw``)."""
    # each section's renderer is imported only when the report has that section (lazy: a
    # plain report does not load the comparison's statistics or matplotlib)
    out = []
    if extras.moments is not None:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_markdown import to_markdown

        out.append(Section(to_markdown(extras.moments, lang, top, heading_level=2)))
    if extras.breakdown is not None:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.segments_text import breakdown_markdown

        md = f"## {TITLES['segments'][lang]}\n\n" + breakdown_markdown(extras.breakdown, lang, heading_level=3)
        out.append(Section(md, ((SEGMENTS_PNG, TITLES["segments"][lang]),)))
    if extras.comparison is not None:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.compare_text import to_markdown as compare_markdown

        md = f"## {TITLES['comparison'][lang]}\n\n" + compare_markdown(extras.comparison, lang, heading_level=3)
        out.append(Section(md, ((COMPARE_PNG, TITLES["comparison"][lang]),)))
    if extras.paths is not None:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.paths_png import PICTURES, markdown_section, p_

        p = extras.paths
        captions = tuple(
            (name, p_(key, lang, s=p.steps) if key == "flow" else p_(key, lang)) for name, key, _ in PICTURES
        )
        out.append(Section(markdown_section(p, lang, heading_level=2), captions))
    return out


def draw(extras: ReportExtras, folder: Path, lang: str) -> dict[str, bytes]:
    """Draw the sections' pictures into ``folder``; their bytes by file name."""
    # lazy imports below: matplotlib only for the pictures asked for
    savers: list[tuple[str, Callable[[Path], None]]] = []
    if extras.breakdown is not None:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.segments_png import save_breakdown_picture

        bd = extras.breakdown
        savers.append((SEGMENTS_PNG, lambda path: save_breakdown_picture(bd, path, lang=lang)))
    if extras.comparison is not None:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.compare_png import save_compare_chart

        cr = extras.comparison
        savers.append((COMPARE_PNG, lambda path: save_compare_chart(cr, path, lang=lang)))
    for name, save in savers:
        save(folder / name)
    if extras.paths is not None:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.paths_png import save_all

        save_all(extras.paths, folder, lang)
    names = [n for n, _ in savers] + (list(PATHS_PNGS) if extras.paths is not None else [])
    return {n: (folder / n).read_bytes() for n in names}


# --------------------------------------------------------------------------- Markdown -> HTML


def _inline(text: str) -> str:
    """The Markdown of cjtool's renderers (``md_escape``d text, **bold**, `code`) as HTML."""
    out, bold, code, i = [], False, False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(html.escape(text[i + 1]))
            i += 2
            continue
        if text.startswith("**", i):
            out.append("</b>" if bold else "<b>")
            bold, i = not bold, i + 2
            continue
        if ch == "`":
            out.append("</code>" if code else "<code>")
            code, i = not code, i + 1
            continue
        out.append(html.escape(ch))
        i += 1
    return "".join(out)


def _cells(line: str) -> list[str]:
    """A table row's cells, split on unescaped ``|``."""
    cells, cur, i = [], "", 0
    body = line.strip()[1:]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            cur += body[i : i + 2]
            i += 2
        elif body[i] == "|":
            cells.append(cur.strip())
            cur, i = "", i + 1
        else:
            cur += body[i]
            i += 1
    return cells


def table_html(
    header: list[str],
    rows: list[list[str]],
    align: str,
    classes: list[str] | None = None,
    cell: Callable[[str], str] = html.escape,
) -> str:
    """An HTML table in a sideways-scrolling box (phones); ``align`` has one letter per
    column, r for a number; ``cell`` turns a cell's text into HTML."""

    def cls(j: int) -> str:
        return ' class="n"' if align[j] == "r" else ""

    out = [
        '<div class="scroll"><table><thead><tr>'
        + "".join(f"<th{cls(j)}>{cell(h)}</th>" for j, h in enumerate(header))
        + "</tr></thead><tbody>"
    ]
    for i, row in enumerate(rows):
        rc = f' class="{classes[i]}"' if classes and classes[i] else ""
        out.append(f"<tr{rc}>" + "".join(f"<td{cls(j)}>{cell(c)}</td>" for j, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def markdown_html(md: str) -> str:
    """HTML of the Markdown subset the section renderers write: headings, pipe tables,
    lists, block quotes (warnings) and paragraphs (a paragraph all in _italics_ is a note)."""
    out: list[str] = []
    lines = md.split("\n")  # not splitlines(): a name's U+2028 is no line break here
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line:
            i += 1
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{min(level, 4)}>{_inline(line[level:].strip())}</h{min(level, 4)}>")
            i += 1
        elif line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(_cells(lines[i]))
                i += 1
            header, spec, rows = block[0], block[1], block[2:]
            align = "".join("r" if s.endswith(":") and not s.startswith(":") else "l" for s in spec)
            out.append(table_html(header, rows, align, cell=_inline))
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            out.append('<ul class="facts">' + "".join(items) + "</ul>")
        elif line.startswith("> "):
            out.append(f'<p class="note warn">{_inline(line[2:])}</p>')
            i += 1
        elif line.startswith("… "):  # "N more", as the report's own tables say it
            out.append(f'<p class="note">{_inline(line)}</p>')
            i += 1
        elif line.startswith("_") and line.endswith("_") and len(line) > 1:
            out.append(f'<p class="note">{_inline(line[1:-1])}</p>')
            i += 1
        else:
            out.append(f"<p>{_inline(line)}</p>")
            i += 1
    return "\n".join(out)
