"""Terminal tables (rich). The console is passed in: colour only on a terminal, and
tests use a wide non-terminal console. Sized to read well at 80 columns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, t
from cjtool.render.decision import fix_first, key_moment_lines, none_line
from cjtool.render.journey_text import journey_strip
from cjtool.render.markdown import period_text
from cjtool.render.text_style import PAIN_PRIORITY, satisfaction_style
from cjtool.render.words import w
from cjtool.result import JourneyMap, TouchpointMetrics
from cjtool.safe_text import visible

BAR_WIDTH = 8


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A block bar with eighth-block resolution."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")).ljust(width)


def summary(result: JourneyMap, lang: str) -> Text:
    m = result.model
    text = Text()
    title = m.title.get(lang)
    text.append(title, style="bold")
    name = f"{m.name}, " if m.name != title else ""  # a model without a title is called by its name
    text.append(f"  ({name}{t('mode_' + m.mode, lang)}")
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


def _longest_word(text: str | Text) -> int:
    return max((cell_len(w) for w in (text.plain if isinstance(text, Text) else text).split()), default=0)


@dataclass(eq=False)  # columns are told apart by identity
class Column:
    """A table column. Text columns wrap at spaces, never cut with an ellipsis; a
    ``whole`` text column (an identifier: a touchpoint name) keeps each cell on one line
    while the width allows. Number columns never shrink. ``drop`` orders the columns to
    leave out when the width is too small (1 first); None: always shown."""

    header: str
    cells: list[str | Text]
    text: bool = False
    whole: bool = False
    drop: int | None = None
    width: int | None = None

    def natural(self) -> int:
        if self.width is not None:
            return self.width
        return max([_cells(self.header), *(_cells(c) for c in self.cells)])

    def least(self, width: int) -> int:
        """The narrowest this column may be at a terminal ``width``."""
        if not self.text:
            return self.natural()
        # a word longer than a third of the terminal is folded onto the next line
        cap = max(8, width // 3)
        words = min(cap, max([_longest_word(self.header), *(_longest_word(c) for c in self.cells)]))
        return max(words, min(cap, self.natural())) if self.whole else words


def grow(least: list[int], natural: list[int], room: int) -> list[int]:
    """Widths from ``least`` towards ``natural`` with ``room`` more cells, the narrowest
    first (so the columns that wrap most get the room first)."""
    widths = list(least)
    while room > 0:
        short = [i for i in range(len(widths)) if widths[i] < natural[i]]
        if not short:
            break
        i = min(short, key=lambda j: widths[j])
        widths[i] += 1
        room -= 1
    return widths


def fit_table(title: str, columns: list[Column], width: int) -> tuple[Table, list[Column]]:
    """A table that fits ``width`` without cutting a number or a name, and the columns
    left out: text columns wrap first, then the least important columns go."""
    shown = list(columns)
    while True:
        need = sum(c.least(width) + 2 for c in shown)  # SIMPLE_HEAD: edge or gap and padding per column
        droppable = [c for c in shown if c.drop is not None]
        if need <= width or not droppable:
            break
        shown.remove(min(droppable, key=lambda c: c.drop))  # type: ignore[arg-type, return-value]
    texts = [c for c in shown if c.text]
    # rich shrinks columns its own way (below a column's least); give each its width here
    widths = dict(
        zip(
            map(id, texts),
            grow([c.least(width) for c in texts], [c.natural() for c in texts], width - need),
            strict=True,
        )
    )
    table = _table(title)
    for c in shown:
        if c.text:
            table.add_column(c.header, overflow="fold", width=widths[id(c)])
        elif c.width is not None:
            table.add_column(c.header, no_wrap=True, width=c.width)
        else:
            table.add_column(c.header, justify="right", no_wrap=True, min_width=c.least(width))
    for i in range(len(columns[0].cells)):
        table.add_row(*[c.cells[i] for c in shown])
    return table, [c for c in columns if c not in shown]


def left_out_note(left_out: list[Column], width: int, lang: str, hint: str) -> Text | None:
    """One line naming the columns a narrow terminal left out (a bar has no name)."""
    names = [c.header for c in left_out if c.header]
    if not names:
        return None
    joined = (
        "、".join(names)
        if lang == "zh"
        else (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    )
    return Text(t("left_out", lang).format(columns=joined, width=width, hint=hint), style="dim")


def print_fitted(console: Console, title: str, columns: list[Column], lang: str, hint: str = "--format csv") -> None:
    """A table at the console's width, then a line naming the columns left out."""
    table, left_out = fit_table(title, columns, console.width)
    console.print(table)
    note = left_out_note(left_out, console.width, lang, hint)
    if note is not None:
        console.print(note)


def funnel_table(result: JourneyMap, lang: str, width: int = 80) -> tuple[Table, list[Column]]:
    m = result.model
    first = result.stages[0].customers if result.stages else 0
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    st = result.stages
    columns = [
        Column(t("stage", lang), [m.stages[s.index - 1].label.get(lang) for s in st], text=True),
        Column(t("col_customers", lang), [fmt_int(s.customers) for s in st]),
        Column(
            "", [Text(bar(s.customers / first if first else 0.0), style="cyan") for s in st], width=BAR_WIDTH, drop=1
        ),
        Column(t("conv_prev", lang), [fmt_pct(s.conversion_from_previous) for s in st]),
        Column(t("conv_first", lang), [fmt_pct(s.conversion_from_first) for s in st], drop=5),
        Column(t("drop_off", lang), [fmt_int(s.drop_off) for s in st], drop=6),
        Column(t("median_time", lang), [fmt_duration(s.median_time_to_convert_s, lang) for s in st], drop=4),
        Column(
            t("csat", lang),
            [Text(fmt_num(s.scores.satisfaction), style=satisfaction_style(s.scores.satisfaction, lo, hi)) for s in st],
            drop=7,
        ),
        Column(t("nps", lang), [fmt_num(s.scores.nps, 0) for s in st], drop=3),
        Column(t("ces", lang), [fmt_num(s.scores.effort, 1) for s in st], drop=2),
    ]
    return fit_table(t("funnel", lang), columns, width)


def touchpoint_table(result: JourneyMap, lang: str, top: int, width: int = 80) -> tuple[Table, list[Column]]:
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
        Column(t("stage", lang), [result.stage_label(tp.stage, lang) for tp in shown], text=True, drop=4),
        Column(
            t("touchpoint", lang), [Text(visible(tp.touchpoint), style=pain(tp)) for tp in shown], text=True, whole=True
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


def unassigned_table(result: JourneyMap, lang: str, top: int = 5, width: int = 80) -> Group:
    rows = result.unassigned[:top]
    table, _ = fit_table(
        t("unassigned", lang),
        [
            Column(t("touchpoint", lang), [visible(tp) for tp, _ in rows], text=True, whole=True),
            Column(t("events", lang), [fmt_int(n) for _, n in rows]),
        ],
        width,
    )
    more = len(result.unassigned) - top
    hint = Text(("… " + f"{more} {t('more', lang)}; " if more > 0 else "") + t("unassigned_hint", lang), style="dim")
    return Group(table, hint)


TRAILING_SPACE = re.compile(r"[ \t]+(?=(?:\x1b\[[0-9;]*m)*$)", re.MULTILINE)


def print_trimmed(console: Console, renderables: list[RenderableType]) -> None:
    """Print without the spaces rich pads lines with: a piped table carries no trailing
    blanks (colour codes after them stay)."""
    with console.capture() as captured:
        for r in renderables:
            console.print(r)
    console.file.write(trim_trailing(captured.get()))
    console.file.flush()


def trim_trailing(text: str) -> str:
    return TRAILING_SPACE.sub("", text)


def fix_first_block(result: JourneyMap, lang: str) -> Text | None:
    """The decision first (SPEC 17): the top opportunities, what is wrong with each and what
    it is worth, and the assumption behind the figures in one line."""

    items = fix_first(result, lang)
    if not any(s.customers for s in result.stages) or len(result.stages) < 2:
        return None
    text = Text()
    if not items:
        return text.append(none_line(lang) + "\n", style="dim")
    text.append(w("fix_title", lang) + "\n", style="bold")
    for item in items:
        text.append(f" {item.n}. ")
        text.append(visible(item.touchpoint), style="bold red" if item.n == 1 else "bold")
        text.append(w("fix_stage", lang, stage=item.stage) + item.problem + w("fix_sep", lang))
        text.append(item.stake + "\n", style="bold" if item.n == 1 else "")
    text.append(w("assumption", lang) + "\n", style="dim")
    return text


def key_moment_block(result: JourneyMap, lang: str) -> Text | None:
    """Each stage's key moment (SPEC 13 v2) in a sentence, under the journey strip."""

    lines = key_moment_lines(result, lang)
    if not lines:
        return None
    text = Text()
    for line in lines:
        text.append(visible(line) + "\n")
    text.append(w("key_note", lang) + "\n", style="dim")
    return text


def render_table(result: JourneyMap, console: Console, lang: str = "en", top: int = 10) -> None:
    width = console.width
    funnel, funnel_left_out = funnel_table(result, lang, width)
    tps, tps_left_out = touchpoint_table(result, lang, top, width)
    parts: list[RenderableType | None] = [
        summary(result, lang),
        Text(),
        fix_first_block(result, lang),
        journey_strip(result, lang, width=width),
        key_moment_block(result, lang),
        funnel,
        left_out_note(funnel_left_out, width, lang, "--format csv --table stages"),
        Text(t("story_funnel", lang) + "\n", style="dim"),
        tps,
        left_out_note(tps_left_out, width, lang, "--format csv"),
        unranked_note(result, lang),
        unassigned_table(result, lang, width=width) if result.unassigned else None,
    ]
    print_trimmed(console, [p for p in parts if p is not None])
