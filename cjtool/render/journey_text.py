"""The journey map in the terminal: stages side by side, arrows between them, each with
customers, conversion, satisfaction (coloured by level) and its worst touchpoint."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cjtool.i18n import fmt_int, fmt_num, fmt_pct, t
from cjtool.render.text_style import PAIN_PRIORITY, satisfaction_style
from cjtool.result import JourneyMap, StageMetrics, TouchpointMetrics
from cjtool.safe_text import visible

MIN_COL = 11  # below this a stage column is unreadable; wrap onto another row of stages


def worst_touchpoints(result: JourneyMap) -> dict[str, TouchpointMetrics]:
    """The highest-priority ranked touchpoint of each stage (touchpoints are in rank order),
    if it has any priority at all: a stage where nobody leaves and everyone is happy has no
    worst touchpoint to show."""
    worst: dict[str, TouchpointMetrics] = {}
    for tp in result.touchpoints:
        if tp.rank is not None and tp.stage not in worst and tp.priority > 0:
            worst[tp.stage] = tp
    return worst


def _score_line(s: StageMetrics, lang: str, lo: float, hi: float) -> Text:
    if s.scores.satisfaction is not None:
        return Text(
            f"{t('csat', lang)} {fmt_num(s.scores.satisfaction, 1)}",
            style=satisfaction_style(s.scores.satisfaction, lo, hi),
        )
    if s.scores.nps is not None:
        return Text(f"NPS {fmt_num(s.scores.nps, 0)}")
    return Text(t("no_scores", lang), style="dim")


def _measured_line(result: JourneyMap, stage_id: str) -> Text:
    """◆ the stage's strongest measured key moment and its lift: conversion of those who
    met it minus the others', in points (green: goes with converting, red: against)."""
    m = result.measured.get(stage_id)
    if m is None:
        return Text("—", style="dim")
    return Text(f"◆ {visible(m.touchpoint)} {100 * m.lift:+.0f}", style="green" if m.lift > 0 else "red")


def journey_strip(result: JourneyMap, lang: str = "en", width: int = 80) -> RenderableType:
    """Rows of stage boxes, as many stages side by side as the width holds without
    cutting a word: labels and names wrap, never end in an ellipsis."""
    m = result.model
    worst = worst_touchpoints(result)
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    columns = [
        [
            Text(f"{s.index}. {m.stages[s.index - 1].label.get(lang)}", style="bold"),
            Text(f"{fmt_int(s.customers)} {t('customers', lang, s.customers)}"),
            Text(
                f"→ {fmt_pct(s.conversion_from_previous, 0)}"
                if s.conversion_from_previous is not None
                else f"{fmt_pct(s.conversion_from_first, 0)}"
            ),
            _score_line(s, lang, lo, hi),
            Text(f"▼ {visible(worst[s.id].touchpoint)}", style="red" if worst[s.id].priority >= PAIN_PRIORITY else "")
            if s.id in worst
            else Text("—", style="dim"),
            *([_measured_line(result, s.id)] if result.measured else []),
        ]
        for s in result.stages
    ]
    # a box is its text plus a space each side and one rule: n boxes take 1 + n * (w + 3)
    cap = max(MIN_COL, width - 4)  # a longer word is folded
    # the worst touchpoint's and measured moment's lines are kept whole ("▼ name"), other lines wrap
    least = [
        min(cap, max(MIN_COL - 2, *(cell_len(c.plain) for c in cells[4:]), *map(_longest_word, cells)))
        for cells in columns
    ]
    natural = [max(cell_len(c.plain) for c in cells) for cells in columns]
    per_row = max(1, min(len(columns), (width - 1) // (max(least, default=0) + 3)))
    rows = -(-len(columns) // per_row) if columns else 0
    per_row = -(-len(columns) // rows) if rows else 1  # rows as even as they can be
    legend = f"{t('journey_map', lang)} (▼ {t('worst', lang).lower()}"
    legend += f"; ◆ {t('measured', lang)})" if result.measured else ")"
    parts: list[RenderableType] = [Text(legend, style="italic")]
    for start in range(0, len(columns), per_row):
        chunk = range(start, min(start + per_row, len(columns)))
        each = max(max(least[i] for i in chunk), min((width - 1) // len(chunk) - 3, max(natural[i] for i in chunk)))
        table = Table(box=box.ROUNDED, show_header=True, expand=False, pad_edge=True, padding=(0, 1))
        for i in chunk:
            table.add_column(columns[i][0], overflow="fold", width=each)
        for line in range(1, len(columns[chunk[0]])):
            table.add_row(*[columns[i][line] for i in chunk])
        parts.append(table)
    return Group(*parts)


def _longest_word(text: Text) -> int:
    return max((cell_len(w) for w in text.plain.split()), default=0)
