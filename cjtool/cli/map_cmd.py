"""`cjtool map`: map a journey and render it."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from cjtool.analyses.segments import Breakdown, in_progress_mask, segment_breakdown
from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.journeys import Journeys
from cjtool.metrics import compute_maps
from cjtool.output import emit
from cjtool.render.machine import to_csv, to_json
from cjtool.render.markdown import to_markdown
from cjtool.render.table import render_table
from cjtool.result import JourneyMap


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Engine(StrEnum):
    polars = "polars"
    spark = "spark"


class TableName(StrEnum):
    touchpoints = "touchpoints"
    stages = "stages"
    opportunities = "opportunities"


@c.reads_events()
def map_command(
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
    table: Annotated[
        TableName,
        typer.Option(
            "--table",
            help="Which table --format csv writes: touchpoints, stages or opportunities (SPEC 17).",
            metavar="TABLE",
        ),
    ] = TableName.touchpoints,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Touchpoints shown in the table and Markdown outputs.", metavar="N")
    ] = 10,
    png: Annotated[
        str | None,
        typer.Option(
            "--png",
            help="Also draw the journey map to this file (.png, .svg or .pdf).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    no_sanitize: Annotated[
        bool,
        typer.Option(
            "--no-sanitize",
            help="CSV: keep cells starting with = + - @ as they are "
            "(by default they get a leading ' so spreadsheets do not run them).",
            metavar="",
        ),
    ] = False,
    bom: Annotated[
        bool,
        typer.Option(
            "--bom",
            help="CSV: start with a UTF-8 byte-order mark, so Excel on Windows reads Chinese text.",
            metavar="",
        ),
    ] = False,
    by: c.ByOpt = None,
    customers: c.CustomersOpt = None,
    segments: c.SegmentsLimitOpt = 10,
    exclude_in_progress: c.ExcludeInProgressOpt = False,
    quiet: c.QuietOpt = False,
    what_if: c.WhatIfOpt = None,
    value: Annotated[
        bool,
        typer.Option(
            "--value",
            help="Value the revenue at stake with each customer's predicted lifetime value (`cjtool value`'s "
            "BG/NBD and Gamma-Gamma) instead of the revenue observed so far.",
            metavar="",
        ),
    ] = False,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            min=1,
            help="Map in N parts by customer, in bounded memory (default: automatic, "
            "by input size; 1: all in memory). Same result. With --engine spark: the number of Spark tasks.",
            metavar="N",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="polars (this machine) or spark (a Spark cluster, or Spark in local mode; "
            'pip install "cjtool\\[spark]"). Same result.',  # \[: not rich markup
            metavar="ENGINE",
        ),
    ] = Engine.polars,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="With --engine spark: the master URL (spark://HOST:7077, yarn, local[4]; default local[*]).",
            metavar="URL",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Map a journey: stage of every event, funnel, drop-off, satisfaction, pain points.

    Example: cjtool map events.csv --model aipl --format json -o map.json
    """
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.table, png_option=True)
    if bom and format is not Format.csv:
        raise UsageError(say("e_bom_map"))
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.png_style import picture_format

        picture_format(png)  # a bad suffix fails now, not after the work
        if output and Path(png).resolve() == Path(output).resolve():
            raise UsageError(say("e_png_output", output=output))
    targets = c.parse_what_if(what_if)
    jm = c.with_what_if(reading.model(model), targets)
    lg = c.lang_of(lang, jm)
    if spark_master is not None and engine is not Engine.spark:
        raise UsageError(say("e_spark_master"))
    if engine is Engine.spark:
        for given, name in ((by, "--by"), (customers, "--customers"), (exclude_in_progress, "--exclude-in-progress")):
            if given:
                raise UsageError(say("e_not_spark", name=name))
    if value and (by is not None or engine is Engine.spark or (partitions or 1) > 1):
        raise UsageError(say("e_value_memory"))
    if by is not None:
        if partitions is not None and partitions > 1:
            raise UsageError(say("e_by_partitions"))
        j, file = c.run_segmented(events, jm, [by], customers, reading=reading, quiet=quiet)
        bd = segment_breakdown(j, by, customer_file=file, limit=segments, exclude_in_progress=exclude_in_progress)
        c.check_what_if(bd.all, targets)
        c.warn(bd.all.warnings + bd.warnings, quiet=quiet)
        _emit_breakdown(bd, format, output, png, lg, table.value, sanitize=not no_sanitize, bom=bom)
        return
    if customers is not None:
        raise UsageError(say("e_customers_by"))
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.partitions import auto_partitions

    parts = partitions if partitions is not None else (1 if exclude_in_progress or value else auto_partitions(events))
    if engine is Engine.spark:  # Spark tasks of whole customers, merged exactly
        result = c.run_spark(
            events,
            jm,
            master=spark_master,
            reading=reading,
            quiet=quiet,
            partitions=partitions,
        )
    elif parts > 1:  # bigger than memory comfortably holds: in parts by customer, merged exactly
        if exclude_in_progress:
            raise UsageError(say("e_exclude_partitions"))
        result = c.run_map(events, jm, reading=reading, quiet=quiet, partitions=parts)
    else:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.analyses.moments import compute_moments, impact_of, measured_moments

        j = c.run_journeys(events, jm, reading=reading, quiet=quiet)
        found = compute_moments(j) if jm.weight_impact is not None else None  # `ranking.impact` ranks by them
        if exclude_in_progress:
            result = compute_maps(j, in_progress_mask(j).cast(pl.UInt32), 2)[0]
            c.warn(result.warnings, quiet=quiet)
            if found is not None:
                # lazy: loaded only when used, so `cjtool` starts fast
                from cjtool.metrics import with_impact

                result = with_impact(result, impact_of(found))
        else:
            result = c.map_of(j, quiet=quiet, moments=found)
        if value:
            result = _valued(result, j, quiet=quiet, lang=lg)
        # pictures and tables show the measured key moments (one Fisher test per pair: left out
        # for huge vocabularies, where `cjtool moments` is the tool)
        if (png or format in (Format.table, Format.markdown)) and len(result.touchpoints) <= MEASURED_PAIRS:
            result.measured = measured_moments(found or compute_moments(j))
    c.check_what_if(result, targets)
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.png import save_journey_map

        save_journey_map(result, png, lang=lg)
    if format is Format.json:
        emit(to_json(result, lg), output)
    elif format is Format.csv:
        emit(("\ufeff" if bom else "") + to_csv(result, table.value, lg, sanitize=not no_sanitize), output)
    elif format is Format.markdown:
        emit(to_markdown(result, lg, top=top), output)
    elif output and output != "-":
        buf = io.StringIO()
        render_table(result, c.text_console(buf), lg, top)
        emit(buf.getvalue(), output)
    else:
        render_table(result, c.stdout_console(), lg, top)


def _valued(result: JourneyMap, j: Journeys, *, quiet: bool, lang: str) -> JourneyMap:
    """``result`` whose revenue at stake (SPEC 17) is valued with predicted CLV (`--value`)."""
    from dataclasses import replace

    # lazy: scipy and the fit load only when a value is asked for
    from cjtool.analyses.value import clv_reached, compute_value

    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.metrics import opportunities_of

    # lazy: scipy and the fit load only when a value is asked for
    from cjtool.render.value_text import note_text

    valued = compute_value(j)
    c.warn([note_text(n, lang) for n in valued.notes], quiet=quiet)  # the fit's (reading's are said)
    return opportunities_of(replace(result, revenue_reached=clv_reached(j, valued), value_basis="clv"))


def _emit_breakdown(
    bd: Breakdown,
    format: Format,
    output: str | None,
    png: str | None,
    lg: str,
    table: str,
    *,
    sanitize: bool,
    bom: bool,
) -> None:
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.render.segments_text import breakdown_csv, breakdown_markdown, render_breakdown

    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.segments_png import save_breakdown_picture

        save_breakdown_picture(bd, png, lang=lg)
    if format is Format.json:
        emit(json.dumps(bd.to_dict(lg), ensure_ascii=False, indent=2, allow_nan=False) + "\n", output)
    elif format is Format.csv:
        emit(("\ufeff" if bom else "") + breakdown_csv(bd, table, lg, sanitize=sanitize), output)
    elif format is Format.markdown:
        emit(breakdown_markdown(bd, lg), output)
    elif output and output != "-":
        buf = io.StringIO()
        render_breakdown(bd, c.text_console(buf), lg)
        emit(buf.getvalue(), output)
    else:
        render_breakdown(bd, c.stdout_console(), lg)


MEASURED_PAIRS = 2000  # at most this many (stage, touchpoint) pairs for the map's measured moments

SUFFIX_FORMATS = {".json": Format.json, ".csv": Format.csv, ".md": Format.markdown, ".markdown": Format.markdown}


def register(app: typer.Typer) -> None:
    app.command("map")(map_command)
