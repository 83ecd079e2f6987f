"""The journey map in the terminal: stages side by side, arrows between them, each with
customers, conversion, satisfaction (coloured by level) and its worst touchpoint."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cjtool.i18n import fmt_int, fmt_num, fmt_pct, t
from cjtool.render.table import PAIN_PRIORITY, satisfaction_style
from cjtool.result import JourneyMap, StageMetrics, TouchpointMetrics

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


def journey_strip(result: JourneyMap, lang: str = "en", width: int = 80) -> RenderableType:
    m = result.model
    worst = worst_touchpoints(result)
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    per_row = max(1, min(len(result.stages), (width + 3) // (MIN_COL + 3)))
    parts: list[RenderableType] = [Text(f"{t('journey_map', lang)} (▼ {t('worst', lang).lower()})", style="italic")]
    for start in range(0, len(result.stages), per_row):
        chunk = result.stages[start : start + per_row]
        table = Table(box=box.ROUNDED, show_header=True, expand=False, pad_edge=True, padding=(0, 1))
        for s in chunk:
            label = f"{s.index}. {m.stages[s.index - 1].label.get(lang)}"
            table.add_column(
                Text(label, style="bold"),
                overflow="ellipsis",
                no_wrap=True,
                min_width=MIN_COL - 2,
                max_width=max(MIN_COL - 2, width // len(chunk) - 3),
            )
        table.add_row(*[f"{fmt_int(s.customers)} {t('customers', lang, s.customers)}" for s in chunk])
        table.add_row(
            *[
                f"→ {fmt_pct(s.conversion_from_previous, 0)}"
                if s.conversion_from_previous is not None
                else f"{fmt_pct(s.conversion_from_first, 0)}"
                for s in chunk
            ]
        )
        table.add_row(*[_score_line(s, lang, lo, hi) for s in chunk])
        table.add_row(
            *[
                Text(f"▼ {worst[s.id].touchpoint}", style="red" if worst[s.id].priority >= PAIN_PRIORITY else "")
                if s.id in worst
                else Text("—", style="dim")
                for s in chunk
            ]
        )
        parts.append(table)
    return Group(*parts)
