"""`cjtool moments`: which touchpoints go with conversion to the next stage (SPEC 13)."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cjtool.analyses.moments import compute_moments
from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.output import emit
from cjtool.safe_text import guard


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


SUFFIX_FORMATS = {".json": Format.json, ".csv": Format.csv, ".md": Format.markdown, ".markdown": Format.markdown}


@c.reads_events()
def moments_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, json, csv or markdown (md) (default: from the -o file's suffix, else table).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    png: Annotated[
        str | None,
        typer.Option(
            "--png",
            help="Also draw the odds-ratio chart to this file (.png, .svg or .pdf), and the "
            "importance-performance picture next to it (FILE's name + `_importance`).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", min=1, help="Moments in the table and Markdown; moments per stage in the chart.", metavar="N"
        ),
    ] = 10,
    alpha: Annotated[
        float,
        typer.Option(
            "--alpha", help="Significance level for Benjamini-Hochberg adjusted p-values (0 < A < 1).", metavar="A"
        ),
    ] = 0.05,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    no_sanitize: Annotated[
        bool,
        typer.Option("--no-sanitize", help="CSV: keep cells starting with = + - @ as they are.", metavar=""),
    ] = False,
    quiet: c.QuietOpt = False,
) -> None:
    """Key moments: how conversion to the next stage differs for customers who met each
    touchpoint (odds ratio, lift, Fisher p, Benjamini-Hochberg), and how satisfied and
    dissatisfied customers there convert. Association, not causation.

    Example: cjtool moments events.csv --model aipl --png moments.png
    """
    if not 0 < alpha < 1:
        raise UsageError(say("e_alpha", alpha=f"{alpha:g}"))
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.table, png_option=True)
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.png_style import picture_format

        picture_format(png)  # a bad suffix fails now, not after the work
        if output and Path(png).resolve() == Path(output).resolve():
            raise UsageError(say("e_png_output", output=output))
    jm = reading.model(model)
    j = c.run_journeys(events, jm, reading=reading, quiet=quiet)
    result = compute_moments(j, alpha=alpha)
    c.warn_all(result.warnings, quiet=quiet)
    lg = c.lang_of(lang, jm)
    to_file = bool(output and output != "-")
    if format is Format.json:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_machine import to_json

        text = to_json(result)
    elif format is Format.csv:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_machine import to_csv

        text = to_csv(result, lg, sanitize=not no_sanitize)
    elif format is Format.markdown:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_markdown import to_markdown

        text = to_markdown(result, lg, top=top)
    elif to_file:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_table import render_moments

        buf = io.StringIO()
        render_moments(result, c.text_console(buf), lg, top)
        text = buf.getvalue()
    else:
        text = None  # the table, drawn on the terminal
    if png:  # the two pictures and the -o file: all written, or none (a disk full at the last)
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_png import save_pictures

        # written with the pictures, all or nothing: guarded here as emit would (cjtool.safe_text)
        own = [(guard(text).encode("utf-8"), output)] if to_file and text is not None and output else []
        save_pictures(result, png, lang=lg, top=top, files=own)
        if own:
            return
    if text is not None:
        emit(text, output)
    else:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.moments_table import render_moments

        render_moments(result, c.stdout_console(), lg, top)


def register(app: typer.Typer) -> None:
    app.command("moments")(moments_command)
