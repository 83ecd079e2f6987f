"""Terminal tables (rich). The console is passed in: colour only on a terminal, and
tests use a wide non-terminal console. Sized to read well at 80 columns."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, t
from cjtool.render.markdown import period_text
from cjtool.result import JourneyMap, TouchpointMetrics

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
    if m.window_text and m.mode == "ordered":  # furthest mode has no window
        text.append(f", {t('window', lang)} {m.window_text}")
    text.append(f", {t('period', lang)} {period_text(result)})\n")
    text.append(f"{fmt_int(result.customers_total)} {t('customers', lang, result.customers_total)}", style="bold")
    text.append(f" · {fmt_int(result.customers_entered)} {t('entered', lang)}")
    text.append(f" · {fmt_int(result.customers_completed)} {t('completed', lang)}")
    text.append(
        f" · {fmt_int(result.rows_rejected)} {t('rows_rejected', lang, result.rows_rejected)}",
        style="yellow" if result.rows_rejected else "",
    )
    text.append(f" · {fmt_int(result.events_unassigned)} {t('events_unassigned', lang, result.events_unassigned)}")
    return text


def _table(title: str) -> Table:
    # one space between columns (right padding only), so ten columns fit in 80
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        min_width=_cells(title) + 1,
    )  # a narrow table must not wrap its title


def _cells(text: str | Text) -> int:
    return cell_len(text.plain if isinstance(text, Text) else text)


@dataclass
class Column:
    """A table column. Text columns shrink (with an ellipsis) down to ``min_width``;
    number columns never shrink. ``drop`` orders the columns to leave out when even
    that does not fit the width (1 first); None: always shown."""

    header: str
    cells: list[str | Text]
    text: bool = False
    min_width: int = 4
    max_width: int | None = None
    drop: int | None = None
    width: int | None = None

    def least(self) -> int:
        if self.width is not None:
            return self.width
        if self.text:
            return max(self.min_width, 1)
        return max([_cells(self.header), *(_cells(c) for c in self.cells)])


def fit_table(title: str, columns: list[Column], width: int) -> Table:
    """A table that fits ``width`` without ever cutting a number: text columns shrink
    first, then the least important columns are left out."""
    shown = list(columns)
    while True:
        need = sum(c.least() + 2 for c in shown)  # each column has a space on both sides
        droppable = [c for c in shown if c.drop is not None]
        if need <= width or not droppable:
            break
        shown.remove(min(droppable, key=lambda c: c.drop))  # type: ignore[arg-type, return-value]
    # rich does not shrink no-wrap columns, so give each text column its width here
    slack = width - need
    widths = {}
    for c in shown:
        if c.text:
            natural = max([_cells(c.header), *(_cells(x) for x in c.cells)])
            natural = min(natural, c.max_width or natural)
            extra = max(0, min(natural - c.min_width, slack))
            widths[id(c)] = c.min_width + extra
            slack -= extra
    table = _table(title)
    for c in shown:
        if c.text:
            table.add_column(c.header, overflow="ellipsis", no_wrap=True, width=widths[id(c)])
        elif c.width is not None:
            table.add_column(c.header, no_wrap=True, width=c.width)
        else:
            table.add_column(c.header, justify="right", no_wrap=True, min_width=c.least())
    for i in range(len(columns[0].cells)):
        table.add_row(*[c.cells[i] for c in shown])
    return table


def funnel_table(result: JourneyMap, lang: str, width: int = 80) -> Table:
    m = result.model
    first = result.stages[0].customers if result.stages else 0
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    st = result.stages
    columns = [
        Column(
            t("stage", lang), [m.stages[s.index - 1].label.get(lang) for s in st], text=True, min_width=6, max_width=18
        ),
        Column(t("col_customers", lang), [fmt_int(s.customers) for s in st]),
        Column(
            "", [Text(bar(s.customers / first if first else 0.0), style="cyan") for s in st], width=BAR_WIDTH, drop=1
        ),
        Column(t("conv_prev", lang), [fmt_pct(s.conversion_from_previous) for s in st]),
        Column(t("conv_first", lang), [fmt_pct(s.conversion_from_first) for s in st], drop=4),
        Column(t("drop_off", lang), [fmt_int(s.drop_off) for s in st], drop=5),
        Column(t("median_time", lang), [fmt_duration(s.median_time_to_convert_s) for s in st], drop=3),
        Column(
            t("csat", lang),
            [Text(fmt_num(s.scores.satisfaction), style=satisfaction_style(s.scores.satisfaction, lo, hi)) for s in st],
            drop=6,
        ),
        Column(t("nps", lang), [fmt_num(s.scores.nps, 0) for s in st], drop=2),
    ]
    return fit_table(t("funnel", lang), columns, width)


def touchpoint_table(result: JourneyMap, lang: str, top: int, width: int = 80) -> Table:
    m = result.model
    ranked = [tp for tp in result.touchpoints if tp.rank is not None]
    shown = ranked[:top]
    title = t("pain_points", lang)
    if len(ranked) > top:
        title += f" ({top}/{len(ranked)})"
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max

    def pain(tp: TouchpointMetrics) -> str:
        return "bold red" if tp.priority >= PAIN_PRIORITY else ""

    columns = [
        Column(t("rank", lang), [str(tp.rank) for tp in shown]),
        Column(
            t("stage", lang),
            [result.stage_label(tp.stage, lang) for tp in shown],
            text=True,
            min_width=5,
            max_width=12,
            drop=4,
        ),
        Column(
            t("touchpoint", lang),
            [Text(tp.touchpoint, style=pain(tp)) for tp in shown],
            text=True,
            min_width=10,
            max_width=30,
        ),
        Column(t("col_cust", lang), [fmt_int(tp.customers) for tp in shown]),
        Column(t("exits", lang), [fmt_int(tp.exits) for tp in shown], drop=3),
        Column(t("drop_rate", lang), [fmt_pct(tp.drop_off_rate, 0) for tp in shown]),
        Column(
            t("csat", lang),
            [
                Text(fmt_num(tp.scores.satisfaction, 1), style=satisfaction_style(tp.scores.satisfaction, lo, hi))
                for tp in shown
            ],
            drop=5,
        ),
        Column(t("nps", lang), [fmt_num(tp.scores.nps, 0) for tp in shown], drop=2),
        Column(t("ces", lang), [fmt_num(tp.scores.effort, 1) for tp in shown], drop=1),
        Column(t("priority", lang), [Text(fmt_num(tp.priority, 2), style=pain(tp)) for tp in shown]),
    ]
    return fit_table(title, columns, width)


def unranked_note(result: JourneyMap, lang: str) -> Text | None:
    n = sum(tp.rank is None for tp in result.touchpoints)
    if not n:
        return None
    return Text(t("unranked_note", lang).format(n=n, min=result.model.min_customers), style="dim")


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
    console.print(funnel_table(result, lang, console.width))
    console.print(touchpoint_table(result, lang, top, console.width))
    note = unranked_note(result, lang)
    if note is not None:
        console.print(note)
    if result.unassigned:
        console.print(unassigned_table(result, lang))
