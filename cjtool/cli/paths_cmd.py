"""`cjtool paths`: how customers move between touchpoints, stages and channels."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.metrics import compute_map
from cjtool.output import emit, output_folder


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    dot = "dot"


SUFFIX_FORMATS = {
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".dot": Format.dot,
    ".gv": Format.dot,
}


@c.reads_events()
def paths_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, json, csv (transitions), markdown (md) or dot (Graphviz) "
            "(default: from the -o file's suffix, else table).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    png: Annotated[
        str | None,
        typer.Option(
            "--png",
            help="Also draw the flow of the first steps (.png, .svg or .pdf).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    png_dir: Annotated[
        str | None,
        typer.Option(
            "--png-dir",
            help="Also draw every picture (flow, transition heatmap, channel switches, removal effect) "
            "as PNG files into this folder (created if missing).",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    steps: Annotated[
        int, typer.Option("--steps", min=2, max=50, help="Steps of the collapsed path in the flow.", metavar="S")
    ] = 5,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown per table (table, markdown).", metavar="N")] = 10,
    min_customers: Annotated[
        int,
        typer.Option(
            "--min-customers", min=0, help="Hide transitions, flows and variants of fewer customers.", metavar="N"
        ),
    ] = 0,
    src: Annotated[
        str | None,
        typer.Option(
            "--from", help="Only transitions out of this stage id or touchpoint.", show_default=False, metavar="STEP"
        ),
    ] = None,
    dst: Annotated[
        str | None,
        typer.Option(
            "--to", help="Only transitions into this stage id or touchpoint.", show_default=False, metavar="STEP"
        ),
    ] = None,
    before_drop: Annotated[
        bool,
        typer.Option(
            "--before-drop",
            help="Only the steps customers were last at before dropping out (into (dropped): the last step of "
            "a path that did not complete, whatever stage it is in; the map's exits count the deepest stage reached).",
            metavar="",
        ),
    ] = False,
    all_events: Annotated[
        bool,
        typer.Option(
            "--all-events",
            help="Keep events that match no stage as steps of the touchpoint transitions and flows "
            "(stage null in JSON); by default they are left out and the steps around them joined.",
            metavar="",
        ),
    ] = False,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    no_sanitize: Annotated[
        bool, typer.Option("--no-sanitize", help="CSV: keep cells starting with = + - @ as they are.", metavar="")
    ] = False,
    quiet: c.QuietOpt = False,
) -> None:
    """Paths: transitions between touchpoints and stages, path variants, flows, channel
    switches and the Markov removal effect of each channel.

    Example: cjtool paths events.csv --model aipl --png flow.png
    """
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.analyses.paths import compute_paths, filtered
    from cjtool.render import paths_text as r

    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.table, png_option=True)
    if before_drop and dst:
        raise UsageError(say("e_before_drop"))
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.png_style import picture_format

        picture_format(png)
        if output and Path(png).resolve() == Path(output).resolve():
            raise UsageError(say("e_png_output", output=output))
    jm = reading.model(model)
    j = c.run_journeys(events, jm, reading=reading, quiet=quiet)
    c.warn(compute_map(j, jm).warnings, quiet=quiet)  # the run's (rejected rows, ties, starved stages)
    computed = compute_paths(j, steps=steps, all_events=all_events)
    c.warn(computed.warnings, quiet=quiet)
    result = filtered(computed, src=src, dst=dst, min_customers=min_customers, before_drop=before_drop)
    lg = c.lang_of(lang, jm)
    if png or png_dir:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render import paths_png

        if png:
            paths_png.save_flow(result, png, lang=lg)
        if png_dir:  # like report --output: created if missing, written whole or not at all
            with output_folder(png_dir, [name for name, _, _ in paths_png.PICTURES]) as work:
                paths_png.save_all(result, work, lang=lg)
    if format is Format.json:
        emit(r.to_json(result), output)
    elif format is Format.csv:
        emit(r.to_csv(result, sanitize=not no_sanitize), output)
    elif format is Format.markdown:
        emit(r.to_markdown(result, lg, top=top), output)
    elif format is Format.dot:
        emit(r.to_dot(result, lg), output)
    elif output and output != "-":
        buf = io.StringIO()
        r.render_tables(result, c.text_console(buf), lg, top)
        emit(buf.getvalue(), output)
    else:
        r.render_tables(result, c.stdout_console(), lg, top)


def register(app: typer.Typer) -> None:
    app.command("paths")(paths_command)
