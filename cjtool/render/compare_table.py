"""A comparison in the terminal (rich); colour only where the console has it."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from cjtool.analyses.compare import CompareResult
from cjtool.render.compare_text import cells, header, heading, legend, notes, shown_rows
from cjtool.render.table import Column, print_fitted

STYLE = {"better": "bold green", "worse": "bold red", "too small to conclude": "dim"}


def render_compare(result: CompareResult, console: Console, lang: str = "en") -> None:
    for c in result.comparisons:
        rows = shown_rows(c)
        console.print(Text(heading(result, c, lang), style="bold"))
        bad = c.srm is not None and c.srm.flag
        for i, n in enumerate(notes(result, c, lang)):
            console.print(Text(n, style="bold red" if bad and i == 0 else "dim"))
        if not rows:
            console.print()
            continue
        cols = list(zip(*(cells(result, r, lang) for r in rows), strict=True))
        styles = [STYLE.get(r.verdict, "") for r in rows]
        verdicts: list[str | Text] = [Text(v, style=s) for v, s in zip(cols[9], styles, strict=True)]
        head = header(lang)
        columns = [
            Column(head[0], list(cols[0])),
            Column(head[1], list(cols[1]), text=True),
            Column(head[2], list(cols[2]), text=True, whole=True),
            Column(head[3], list(cols[3]), drop=1),
            Column(head[4], list(cols[4]), drop=2),
            Column(head[5], list(cols[5])),
            Column(head[6], list(cols[6]), drop=5),
            Column(head[7], list(cols[7]), drop=3),  # the relative effect beside the difference, kept before A and B
            Column(head[8], list(cols[8]), drop=4),
            Column(head[9], verdicts, text=True, whole=True),
        ]
        print_fitted(console, "", columns, lang, hint="--format json")
        console.print()
    console.print(Text(legend(result, lang), style="dim"))
