"""Markdown: the summary and both tables, ready for a CI job summary or a PR comment."""

from __future__ import annotations

from cjtool.i18n import fmt_int, t
from cjtool.render.decision import fix_first, key_moment_lines, none_line
from cjtool.render.rows import STAGE_ALIGN, TOUCHPOINT_ALIGN, stage_table, touchpoint_table
from cjtool.render.words import w
from cjtool.result import JourneyMap
from cjtool.safe_text import visible


def md_escape(text: str) -> str:
    """Escape what would break a Markdown table cell or start markup; control characters
    and line separators show as escapes (``cjtool.safe_text.visible``)."""
    out = visible(text).replace("\\", "\\\\").replace("|", "\\|")
    for ch in ("*", "_", "`", "<", ">", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def summary_line(result: JourneyMap, lang: str = "en") -> str:
    parts = [
        f"**{fmt_int(result.customers_total)}** {t('customers', lang, result.customers_total)}",
        f"{fmt_int(result.customers_entered)} {t('entered', lang)}",
        f"{fmt_int(result.customers_completed)} {t('completed', lang)}",
        f"{fmt_int(result.rows_rejected)} {t('rows_rejected', lang, result.rows_rejected)}",
        f"{fmt_int(result.events_unassigned)} {t('events_unassigned', lang, result.events_unassigned)}",
    ]
    return " · ".join(parts)


def period_text(result: JourneyMap) -> str:
    if result.period is None:
        return "—"
    a, b = result.period
    return f"{a:%Y-%m-%d} – {b:%Y-%m-%d}"


def decision_markdown(result: JourneyMap, lang: str, heading: str) -> list[str]:
    """The "Fix first" list (SPEC 17) with its assumption, then the key moments (SPEC 13 v2)."""
    items = fix_first(result, lang)
    lines: list[str] = []
    if items:
        lines += [f"{heading} {w('fix_title', lang)}", ""]
        lines += [
            f"{i.n}. **{md_escape(i.touchpoint)}**{md_escape(w('fix_stage', lang, stage=i.stage))}"
            f"{md_escape(i.problem)}{w('fix_sep', lang)}{md_escape(i.stake)}"
            for i in items
        ]
        lines += ["", f"_{md_escape(w('assumption', lang))}_", ""]
    elif len(result.stages) > 1 and result.customers_entered:
        lines += [md_escape(none_line(lang)), ""]
    moments = key_moment_lines(result, lang)
    if moments:
        lines += [*(f"- {md_escape(x)}" for x in moments), "", f"_{md_escape(w('key_note', lang))}_", ""]
    return lines


def to_markdown(
    result: JourneyMap, lang: str = "en", top: int = 10, heading_level: int = 2, *, decision: bool = True
) -> str:
    h = "#" * heading_level
    m = result.model
    lines = [
        f"{h} {md_escape(m.title.get(lang))}",
        "",
        summary_line(result, lang) + f" · {t('period', lang)} {period_text(result)}",
        "",
        *(decision_markdown(result, lang, h + "#") if decision else []),
        f"{h}# {t('funnel', lang)}",
        "",
    ]
    header, rows = stage_table(result, lang)
    lines += _table([md_escape(h) for h in header], [[md_escape(c) for c in r] for r in rows], STAGE_ALIGN)
    ranked = [tp for tp in result.touchpoints if tp.rank is not None]
    lines += ["", f"{h}# {t('pain_points', lang)}", ""]
    header, rows = touchpoint_table(result, lang, top)
    lines += _table([md_escape(h) for h in header], [[md_escape(c) for c in r] for r in rows], TOUCHPOINT_ALIGN)
    if len(ranked) > top:
        lines += ["", f"… {len(ranked) - top} {t('more', lang)}"]
    if result.unassigned:
        lines += ["", f"{h}# {t('unassigned', lang)}", ""]
        lines += _table(
            [t("touchpoint", lang), t("events", lang)],
            [[md_escape(tp), fmt_int(n)] for tp, n in result.unassigned[:top]],
            "lr",
        )
        if len(result.unassigned) > top:
            lines += ["", f"… {len(result.unassigned) - top} {t('more', lang)}"]
        lines += ["", f"_{t('unassigned_hint', lang)}_"]  # our own text: its `code` is meant
    return "\n".join(lines) + "\n"
