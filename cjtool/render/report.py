"""The report folder: index.html (self-contained), report.md (CI job summary / PR comment,
with a Mermaid journey diagram), the PNGs and map.json. Same input, same bytes: nothing
in it depends on when or where it was made."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from cjtool.i18n import fmt_int, fmt_num, t
from cjtool.output import output_folder, write_file
from cjtool.render.machine import to_json
from cjtool.render.markdown import period_text, summary_line, to_markdown
from cjtool.render.rows import STAGE_ALIGN, TOUCHPOINT_ALIGN, stage_table, touchpoint_table
from cjtool.result import JourneyMap

IMAGES = ("journey_map.png", "priority_matrix.png", "funnel.png")
MERMAID_TASKS_PER_STAGE = 4


def _mermaid_text(text: str) -> str:
    # `:` separates a task from its score, `#` and `;` end statements in Mermaid
    return " ".join(text.replace(":", " ").replace("#", " ").replace(";", " ").split()) or "?"


def mermaid_journey(result: JourneyMap, lang: str = "en") -> str:
    """A Mermaid `journey`: stages as sections, main touchpoints as tasks scored 1-5 by
    satisfaction (Mermaid's face scale). Touchpoints without CSAT are left out: a made-up
    score would read as data."""
    m = result.model
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    lines = ["```mermaid", "journey", f"    title {_mermaid_text(m.title.get(lang))}"]
    for stage in result.stages:
        tps = sorted(
            (tp for tp in result.touchpoints if tp.stage == stage.id and tp.scores.satisfaction is not None),
            key=lambda tp: (-tp.customers, tp.touchpoint),
        )[:MERMAID_TASKS_PER_STAGE]
        if not tps:
            continue
        lines.append(f"    section {_mermaid_text(m.stages[stage.index - 1].label.get(lang))}")
        for tp in tps:
            sat = tp.scores.satisfaction
            assert sat is not None
            score = max(1, min(5, round(1 + 4 * (sat - lo) / (hi - lo))))
            lines.append(f"      {_mermaid_text(tp.touchpoint)} ({fmt_num(sat, 1)}): {score}")
    lines.append("```")
    return "\n".join(lines)


def report_markdown(result: JourneyMap, lang: str = "en", top: int = 10) -> str:
    body = to_markdown(result, lang, top=top, heading_level=2)
    head, _, rest = body.partition("\n\n")  # the title line, then the rest
    images = "\n".join(f"![{name.removesuffix('.png').replace('_', ' ')}]({name})" for name in IMAGES)
    return f"{head}\n\n{images}\n\n{mermaid_journey(result, lang)}\n\n{rest}"


_CSS = """
body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:2rem auto;
max-width:1100px;color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #e4e7eb}
.summary{color:#52606d}img{max-width:100%;border:1px solid #e4e7eb;border-radius:6px;margin:.5rem 0}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}th,td{padding:.3rem .6rem;border-bottom:1px solid #e4e7eb}
th{text-align:left;background:#f5f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.pain td{color:#b42318;font-weight:600}.note{color:#7b8794;font-size:.85rem}
"""


def _table(header: list[str], rows: list[list[str]], align: str, classes: list[str] | None = None) -> str:
    """An HTML table; ``align`` has one letter per column, r for a number."""
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(
            f'<td class="n">{html.escape(c)}</td>' if align[j] == "r" else f"<td>{html.escape(c)}</td>"
            for j, c in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def report_html(result: JourneyMap, images: dict[str, bytes], lang: str = "en", top: int = 15) -> str:
    m = result.model
    title = m.title.get(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="summary">{html.escape(summary_line(result, lang).replace("**", ""))} · '
        f"{html.escape(t('period', lang))} {html.escape(period_text(result))}</p>",
    ]
    for name in IMAGES:
        if name in images:
            data = base64.b64encode(images[name]).decode("ascii")
            parts.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">')
    parts.append(f"<h2>{html.escape(t('funnel', lang))}</h2>")
    header, rows = stage_table(result, lang)
    parts.append(_table(header, rows, STAGE_ALIGN))
    parts.append(f"<h2>{html.escape(t('pain_points', lang))}</h2>")
    header, rows = touchpoint_table(result, lang, top)
    parts.append(_table(header, rows, TOUCHPOINT_ALIGN, classes=["pain" if i < 3 else "" for i in range(len(rows))]))
    if result.unassigned:
        parts.append(f"<h2>{html.escape(t('unassigned', lang))}</h2>")
        parts.append(
            _table(
                [t("touchpoint", lang), t("events", lang)],
                [[tp, fmt_int(n)] for tp, n in result.unassigned[:top]],
                "lr",
            )
        )
        parts.append(f'<p class="note">{html.escape(t("unassigned_hint", lang))}</p>')
    parts.append(f'<p class="note">cjtool · {html.escape(m.name)} · {html.escape(m.mode)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(result: JourneyMap, out_dir: str | Path, lang: str = "en", top: int = 10) -> list[Path]:
    """Write the report folder; returns the files written.

    Everything is drawn into a temporary folder next to ``out_dir`` first, then moved in:
    an interrupted or failing run leaves the previous report whole (not half old, half
    new) and no partial files."""
    from cjtool.render.png import save_funnel, save_journey_map, save_priority_matrix

    out = Path(out_dir)
    names = [*IMAGES, "map.json", "report.md", "index.html"]
    with output_folder(out, names) as work:
        savers = {
            "journey_map.png": save_journey_map,
            "priority_matrix.png": save_priority_matrix,
            "funnel.png": save_funnel,
        }
        images = {}
        for name in IMAGES:
            savers[name](result, work / name, lang=lang)
            images[name] = (work / name).read_bytes()
        write_file(work / "map.json", to_json(result, lang))
        write_file(work / "report.md", report_markdown(result, lang, top))
        write_file(work / "index.html", report_html(result, images, lang))
    return [out / n for n in names]
