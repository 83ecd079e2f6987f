"""Terminal tables (rich). The console is passed in: colour only on a terminal, and
tests use a wide non-terminal console. Sized to read well at 80 columns."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, t
from cjtool.render.markdown import period_text
from cjtool.result import JourneyMap

BAR_WIDTH = 8
PAIN_PRIORITY = 0.5  # a ranked touchpoint at or above this priority is highlighted


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A block bar with eighth-block resolution."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")).ljust(width)


def satisfaction_style(value: float | None, lo: float, hi: float) -> str:
    if value is None:
        return "dim"
    x = (value - lo) / (hi - lo)
    return "red" if x < 0.4 else ("yellow" if x < 0.7 else "green")


def summary(result: JourneyMap, lang: str) -> Text:
    m = result.model
    text = Text()
    text.append(m.title.get(lang), style="bold")
    text.append(f"  ({m.name}, {t('mode_' + m.mode, lang)}")
    if m.window_text:
        text.append(f", {t('window', lang)} {m.window_text}")
    text.append(f", {t('period', lang)} {period_text(result)})\n")
    text.append(f"{fmt_int(result.customers_total)} {t('customers', lang)}", style="bold")
    text.append(f" · {fmt_int(result.customers_entered)} {t('entered', lang)}")
    text.append(f" · {fmt_int(result.customers_completed)} {t('completed', lang)}")
    text.append(f" · {fmt_int(result.rows_rejected)} {t('rows_rejected', lang)}",
                style="yellow" if result.rows_rejected else "")
    text.append(f" · {fmt_int(result.events_unassigned)} {t('events_unassigned', lang)}")
    return text


def _table(title: str) -> Table:
    # one space between columns (right padding only), so ten columns fit in 80
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0),
                 min_width=_cells(title) + 1)  # a narrow table must not wrap its title


def _num(table: Table, header: str, width: int) -> None:
    """A right-aligned number column that rich must not squeeze (text columns give way)."""
    table.add_column(header, justify="right", no_wrap=True, min_width=max(width, _cells(header)))


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def funnel_table(result: JourneyMap, lang: str) -> Table:
    m = result.model
    table = _table(t("funnel", lang))
    table.add_column(t("stage", lang), overflow="ellipsis", no_wrap=True, min_width=6, max_width=18)
    _num(table, t("col_customers", lang), 7)
    table.add_column("", no_wrap=True, width=BAR_WIDTH)
    _num(table, t("conv_prev", lang), 6)
    _num(table, t("conv_first", lang), 6)
    _num(table, t("drop_off", lang), 5)
    _num(table, t("median_time", lang), 7)
    _num(table, t("csat", lang), 4)
    _num(table, t("nps", lang), 4)
    first = result.stages[0].customers if result.stages else 0
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    for s in result.stages:
        sat = s.scores.satisfaction
        table.add_row(
            m.stages[s.index - 1].label.get(lang),
            fmt_int(s.customers),
            Text(bar(s.customers / first if first else 0.0), style="cyan"),
            fmt_pct(s.conversion_from_previous),
            fmt_pct(s.conversion_from_first),
            fmt_int(s.drop_off),
            fmt_duration(s.median_time_to_convert_s),
            Text(fmt_num(sat), style=satisfaction_style(sat, lo, hi)),
            fmt_num(s.scores.nps, 0),
        )
    return table


def touchpoint_table(result: JourneyMap, lang: str, top: int, width: int = 80) -> Table:
    m = result.model
    ranked = [tp for tp in result.touchpoints if tp.rank is not None]
    title = t("pain_points", lang)
    if len(ranked) > top:
        title += f" ({top}/{len(ranked)})"
    table = _table(title)
    numbers = [("rank", 2), ("col_cust", 6), ("exits", 5), ("drop_rate", 4), ("csat", 4), ("nps", 4),
               ("ces", 3), ("priority", 4)]
    fixed = sum(max(w, _cells(t(k, lang))) for k, w in numbers) + 12 + 12  # + stage column + separators and edges
    _num(table, t("rank", lang), 2)
    table.add_column(t("stage", lang), overflow="ellipsis", no_wrap=True, min_width=5, max_width=12)
    table.add_column(t("touchpoint", lang), overflow="ellipsis", no_wrap=True, min_width=8,
                     max_width=max(8, min(30, width - fixed)))
    for key, w in numbers[1:]:
        _num(table, t(key, lang), w)
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    for tp in ranked[:top]:
        pain = tp.priority >= PAIN_PRIORITY
        sat = tp.scores.satisfaction
        table.add_row(
            str(tp.rank),
            result.stage_label(tp.stage, lang),
            Text(tp.touchpoint, style="bold red" if pain else ""),
            fmt_int(tp.customers),
            fmt_int(tp.exits),
            fmt_pct(tp.drop_off_rate, 0),
            Text(fmt_num(sat, 1), style=satisfaction_style(sat, lo, hi)),
            fmt_num(tp.scores.nps, 0),
            fmt_num(tp.scores.effort, 1),
            Text(fmt_num(tp.priority, 2), style="bold red" if pain else ""),
        )
    return table


def unassigned_table(result: JourneyMap, lang: str, top: int = 5) -> Group:
    table = _table(t("unassigned", lang))
    table.add_column(t("touchpoint", lang), overflow="ellipsis", max_width=40)
    table.add_column(t("events", lang), justify="right")
    for tp, n in result.unassigned[:top]:
        table.add_row(tp, fmt_int(n))
    more = len(result.unassigned) - top
    hint = Text(("… " + f"{more} {t('more', lang)}; " if more > 0 else "") + t("unassigned_hint", lang), style="dim")
    return Group(table, hint)


def render_table(result: JourneyMap, console: Console, lang: str = "en", top: int = 10) -> None:
    from cjtool.render.journey_text import journey_strip

    console.print(summary(result, lang))
    console.print()
    console.print(journey_strip(result, lang, width=console.width))
    console.print(funnel_table(result, lang))
    console.print(touchpoint_table(result, lang, top, console.width))
    if result.unassigned:
        console.print(unassigned_table(result, lang))
