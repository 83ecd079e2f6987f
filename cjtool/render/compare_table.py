"""A comparison in the terminal (rich); colour only where the console has it."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from cjtool.analyses.compare import CompareResult
from cjtool.render.compare_text import HEADER, cells, heading, legend, notes, shown_rows
from cjtool.render.table import Column, print_fitted

STYLE = {"better": "bold green", "worse": "bold red", "too small to conclude": "dim"}


def render_compare(result: CompareResult, console: Console, lang: str = "en") -> None:
    for c in result.comparisons:
        rows = shown_rows(c)
        console.print(Text(heading(result, c), style="bold"))
        for n in notes(result, c):
            console.print(Text(n, style="bold red" if "MISMATCH" in n else "dim"))
        if not rows:
            console.print()
            continue
        cols = list(zip(*(cells(result, r, lang) for r in rows), strict=True))
        styles = [STYLE.get(r.verdict, "") for r in rows]
        verdicts: list[str | Text] = [Text(v, style=s) for v, s in zip(cols[8], styles, strict=True)]
        columns = [
            Column(HEADER[0], list(cols[0])),
            Column(HEADER[1], list(cols[1]), text=True),
            Column(HEADER[2], list(cols[2]), text=True, whole=True),
            Column(HEADER[3], list(cols[3]), drop=1),
            Column(HEADER[4], list(cols[4]), drop=2),
            Column(HEADER[5], list(cols[5])),
            Column(HEADER[6], list(cols[6]), drop=4),
            Column(HEADER[7], list(cols[7]), drop=3),
            Column(HEADER[8], verdicts, text=True, whole=True),
        ]
        print_fitted(console, "", columns, lang, hint="--format json")
        console.print()
    console.print(Text(legend(result), style="dim"))
