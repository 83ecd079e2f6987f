"""Key moments as Markdown (a CI job summary, a PR comment, a report section)."""

from __future__ import annotations

from cjtool.analyses.moments import MomentsResult
from cjtool.render.markdown import md_escape
from cjtool.render.moments_text import ALIGN, EFFECT_ALIGN, effect_rows, moment_rows, summary_text, w


def to_markdown(result: MomentsResult, lang: str = "en", top: int = 10, heading_level: int = 2) -> str:
    h = "#" * heading_level
    lines = [f"{h} {w('title', lang)}", "", summary_text(result, lang), "", f"_{md_escape(w('note', lang))}_", ""]
    if result.reasons:
        lines += [f"**{w('no_claims', lang)}**", ""] + [f"- {md_escape(r)}" for r in result.reasons] + [""]
    header, rows = moment_rows(result, lang, top)
    if rows:
        lines += _table(header, rows, ALIGN)
        if len(result.moments) > top:
            lines += ["", f"… {len(result.moments) - top} {w('more', lang)}"]
        lines += ["", md_escape(w("legend", lang).format(alpha=f"{result.alpha:g}"))]
    header, rows = effect_rows(result, lang, top)
    if rows:
        lines += ["", f"{h}# {md_escape(w('effect_title', lang))}", ""] + _table(header, rows, EFFECT_ALIGN)
        lines += ["", md_escape(w("effect_legend", lang))]
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(md_escape(x) for x in header) + " |"]
    lines.append("|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|")
    return lines + ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows]
