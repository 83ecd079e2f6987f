"""Markdown: the summary and both tables, ready for a CI job summary or a PR comment."""

from __future__ import annotations

from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, t
from cjtool.result import JourneyMap


def md_escape(text: str) -> str:
    """Escape what would break a Markdown table cell or start markup."""
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
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


def stage_rows(result: JourneyMap, lang: str) -> list[list[str]]:
    return [
        [
            md_escape(result.model.stages[s.index - 1].label.get(lang)),
            fmt_int(s.customers),
            fmt_pct(s.conversion_from_previous),
            fmt_pct(s.conversion_from_first),
            fmt_int(s.drop_off),
            fmt_duration(s.median_time_to_convert_s),
            fmt_num(s.scores.satisfaction),
            fmt_num(s.scores.nps, 1),
        ]
        for s in result.stages
    ]


def to_markdown(result: JourneyMap, lang: str = "en", top: int = 10, heading_level: int = 2) -> str:
    h = "#" * heading_level
    m = result.model
    lines = [
        f"{h} {md_escape(m.title.get(lang))}",
        "",
        summary_line(result, lang) + f" · {t('period', lang)} {period_text(result)}",
        "",
        f"{h}# {t('funnel', lang)}",
        "",
    ]
    lines += _table(
        [
            t("stage", lang),
            t("col_customers", lang),
            t("conv_prev", lang),
            t("conv_first", lang),
            t("drop_off", lang),
            t("median_time", lang),
            t("csat", lang),
            t("nps", lang),
        ],
        stage_rows(result, lang),
        "lrrrrrrr",
    )
    ranked = [tp for tp in result.touchpoints if tp.rank is not None]
    lines += ["", f"{h}# {t('pain_points', lang)}", ""]
    rows = [
        [
            str(tp.rank),
            md_escape(result.stage_label(tp.stage, lang)),
            md_escape(tp.touchpoint),
            fmt_int(tp.customers),
            fmt_int(tp.exits),
            fmt_pct(tp.drop_off_rate),
            fmt_num(tp.scores.satisfaction),
            fmt_num(tp.scores.nps, 1),
            fmt_num(tp.scores.effort),
            fmt_num(tp.priority, 3),
        ]
        for tp in ranked[:top]
    ]
    lines += _table(
        [
            t("rank", lang),
            t("stage", lang),
            t("touchpoint", lang),
            t("col_customers", lang),
            t("exits", lang),
            t("drop_rate", lang),
            t("csat", lang),
            t("nps", lang),
            t("ces", lang),
            t("priority", lang),
        ],
        rows,
        "rllrrrrrrr",
    )
    if len(ranked) > top:
        lines += ["", f"… {len(ranked) - top} {t('more', lang)}"]
    if result.unassigned:
        lines += ["", f"{h}# {t('unassigned', lang)}", ""]
        lines += _table(
            [t("touchpoint", lang), t("events", lang)],
            [[md_escape(tp), fmt_int(n)] for tp, n in result.unassigned[:top]],
            "lr",
        )
        lines += ["", f"_{md_escape(t('unassigned_hint', lang))}_"]
    return "\n".join(lines) + "\n"
