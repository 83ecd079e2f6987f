"""`cjtool value`: customer lifetime value, BG/NBD and Gamma-Gamma (issue 22)."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.output import emit


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


class Unit(StrEnum):
    day = "day"
    week = "week"


SUFFIX_FORMATS = {".json": Format.json, ".csv": Format.csv, ".parquet": Format.parquet, ".pq": Format.parquet}


@c.reads_events(omit=("until",))
def value_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="End of the calibration period, a date (its whole day, the model's time zone); later "
            "transactions are the holdout (default: the run's last day).",
            show_default=False,
            metavar="DATE",
        ),
    ] = None,
    unit: Annotated[
        Unit, typer.Option("--unit", help="Time unit of recency, T and the parameters.", metavar="day|week")
    ] = Unit.week,
    horizon: Annotated[
        str,
        typer.Option("--horizon", help="How far ahead to predict purchases and CLV: 39w, 90d.", metavar="DURATION"),
    ] = "39w",
    purchase: Annotated[
        list[str] | None,
        typer.Option(
            "--purchase",
            help="A purchase touchpoint (repeatable; default: every event with a revenue value, else the "
            "last stage's events).",
            show_default=False,
            metavar="TOUCHPOINT",
        ),
    ] = None,
    discount: Annotated[
        float | None,
        typer.Option(
            "--discount",
            help="Discount CLV at this rate a year (0.1: a purchase a year out is worth 1/1.1).",
            show_default=False,
            metavar="RATE",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, json, csv or parquet (default: from the -o file's suffix, else table).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    png_dir: Annotated[
        str | None,
        typer.Option(
            "--png-dir",
            help="Also draw the p_alive matrix and the calibration/holdout picture into this folder.",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    by: c.ByOpt = None,
    customers: c.CustomersOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="With --by: the segment (A/B arm) the others' mean CLV is tested against (Welch, Holm).",
            show_default=False,
            metavar="VALUE",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Customers in the terminal's top and at-risk lists.", metavar="N")
    ] = 10,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    no_sanitize: Annotated[
        bool,
        typer.Option("--no-sanitize", help="CSV: keep cells starting with = + - @ as they are.", metavar=""),
    ] = False,
    quiet: c.QuietOpt = False,
) -> None:
    """Customer lifetime value: who is probably still a customer (p_alive), how many more
    purchases to expect and what each customer is worth (BG/NBD and Gamma-Gamma, fitted by
    maximum likelihood on the transactions up to --until).

    Example: cjtool value events.csv -m aipl --until 2026-06-30 --horizon 26w -o value.csv
    """
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.table)
    if format is Format.parquet and (output is None or output == "-") and c.sys.stdout.isatty():
        raise UsageError(say("e_parquet_binary", name="value"))
    # lazy: the models' scipy (0.2 s) loads for this command only, not for `cjtool --help`
    from cjtool.analyses.value import compute_value, customer_segments, parse_horizon, parse_until, with_segments

    calibration_end = parse_until(until) if until is not None else None
    units = parse_horizon(horizon, unit.value)
    if png_dir is not None and Path(png_dir).exists() and not Path(png_dir).is_dir():
        raise UsageError(say("zl_png_dir_file", path=png_dir))
    if baseline is not None and by is None:
        raise UsageError(say("zl_baseline_needs_by"))
    jm = reading.model(model)
    j, file = c.run_segmented(events, jm, [by] if by else [], customers, reading=reading, quiet=quiet)
    result = compute_value(
        j, until=calibration_end, unit=unit.value, horizon=units, purchase=list(purchase or []), discount=discount
    )
    if by is not None:
        result = with_segments(result, customer_segments(j, by, file), by, baseline=baseline)
    lg = c.lang_of(lang, jm)
    # lazy: scipy and the fit load only when a value is asked for
    from cjtool.render.value_text import w, warnings

    notes = warnings(result, lg)
    if png_dir is not None:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_png import save_pictures

        if result.holdout is None:
            notes.append(w("no_holdout_png", lg, until=result.until.isoformat()))
        save_pictures(result, png_dir, lang=lg)
    c.warn_all(notes, quiet=quiet)
    if format is Format.json:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_machine import to_json

        emit(to_json(result), output)
    elif format is Format.csv:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_machine import to_csv

        emit(to_csv(result, sanitize=not no_sanitize), output)
    elif format is Format.parquet:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_machine import to_parquet

        emit(to_parquet(result), output)
    else:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_table import render_value

        if output and output != "-":
            buf = io.StringIO()
            render_value(result, Console(file=buf, width=100, color_system=None, highlight=False), lg, top)
            emit(buf.getvalue(), output)
        else:
            render_value(result, c.stdout_console(), lg, top)


def register(app: typer.Typer) -> None:
    app.command("value")(value_command)
