"""Key moments in the terminal (rich), in the house style of ``cjtool.render.table``."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from cjtool.analyses.moments import MomentsResult
from cjtool.i18n import t
from cjtool.render.moments_text import effect_rows, moment_rows, summary_text, w
from cjtool.render.table import Column, print_fitted


def _style(result: MomentsResult, i: int) -> str:
    m = result.moments[i]
    if not m.confident:
        return "dim" if not m.significant else ""
    return "bold green" if m.odds_ratio > 1 else "bold red"


def render_moments(result: MomentsResult, console: Console, lang: str = "en", top: int = 10) -> None:
    console.print(Text(summary_text(result, lang), style="bold"))
    console.print(Text(w("note", lang), style="italic yellow"))
    if result.reasons:
        console.print(Text(w("no_claims", lang), style="bold yellow"))
        for r in result.reasons:
            console.print(Text(f"  · {r}", style="yellow"))
    header, rows = moment_rows(result, lang, top)
    if not rows:
        return
    styles = [_style(result, i) for i in range(len(rows))]
    cells = list(zip(*rows, strict=True))

    def col(i: int, **kw) -> Column:
        styled = [Text(c, style=s) if i in (1, 7) else c for c, s in zip(cells[i], styles, strict=True)]
        return Column(header[i], styled, **kw)

    title = w("title", lang)
    if len(result.moments) > top:
        title += f" ({top}/{len(result.moments)})"
    columns = [
        col(0, text=True, drop=3),
        col(1, text=True, whole=True),
        col(2),
        col(3, drop=5),
        col(4, drop=4),
        col(5, drop=2),
        col(6, drop=6),
        col(7, drop=7),  # a narrow terminal keeps touchpoint, n and p adj. whole rather than cut numbers
        col(8),
        col(9, text=True, drop=1),
    ]
    console.print()
    print_fitted(console, title, columns, lang)
    console.print(Text(w("legend", lang).format(alpha=f"{result.alpha:g}"), style="dim"))
    console.print(Text(t("story_moments", lang), style="dim"))
    header, rows = effect_rows(result, lang, top)
    if rows:
        cells = list(zip(*rows, strict=True))
        drops = {2: 3, 4: 4, 6: 2, 8: 5}  # the note, the counts and the difference before the rates and p adj.
        columns = [
            Column(header[0], list(cells[0]), text=True, drop=1),
            Column(header[1], list(cells[1]), text=True, whole=True),
            *[Column(header[i], list(cells[i]), drop=drops.get(i)) for i in range(2, len(header) - 1)],
            Column(header[-1], list(cells[-1]), text=True, drop=drops[len(header) - 1]),
        ]
        console.print()
        print_fitted(console, w("effect_title", lang), columns, lang)
        console.print(Text(w("effect_legend", lang), style="dim"))
