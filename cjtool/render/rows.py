"""The stage and touchpoint tables as rows of display text, shared by the Markdown and
HTML renderers (each escapes the text for its own format)."""

from __future__ import annotations

from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, t
from cjtool.result import JourneyMap
from cjtool.safe_text import visible

STAGE_ALIGN = "lrrrrrrrr"  # l: text, r: number, per column
TOUCHPOINT_ALIGN = "rllrrrrrrr"


def stage_table(result: JourneyMap, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [
        t(k, lang)
        for k in ("stage", "col_customers", "conv_prev", "conv_first", "drop_off", "median_time", "csat", "nps", "ces")
    ]
    rows = [
        [
            result.model.stages[s.index - 1].label.get(lang),
            fmt_int(s.customers),
            fmt_pct(s.conversion_from_previous),
            fmt_pct(s.conversion_from_first),
            fmt_int(s.drop_off),
            fmt_duration(s.median_time_to_convert_s, lang),
            fmt_num(s.scores.satisfaction),
            fmt_num(s.scores.nps, 1),
            fmt_num(s.scores.effort),
        ]
        for s in result.stages
    ]
    return header, rows


def touchpoint_table(result: JourneyMap, lang: str, top: int) -> tuple[list[str], list[list[str]]]:
    """The ``top`` ranked touchpoints, by rank."""
    header = [
        t(k, lang)
        for k in (
            "rank",
            "stage",
            "touchpoint",
            "col_customers",
            "exits",
            "drop_rate",
            "csat",
            "nps",
            "ces",
            "priority",
        )
    ]
    rows = [
        [
            str(tp.rank),
            result.stage_label(tp.stage, lang),
            visible(tp.touchpoint),
            fmt_int(tp.customers),
            fmt_int(tp.exits),
            fmt_pct(tp.drop_off_rate),
            fmt_num(tp.scores.satisfaction),
            fmt_num(tp.scores.nps, 1),
            fmt_num(tp.scores.effort),
            fmt_num(tp.priority, 3),
        ]
        for tp in [tp for tp in result.touchpoints if tp.rank is not None][:top]
    ]
    return header, rows
