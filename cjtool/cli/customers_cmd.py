"""`cjtool customers`: the customer table (SPEC 8), one row per customer, filtered."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cjtool.analyses import segments as sg
from cjtool.analyses.customers import STATUSES, customer_rows
from cjtool.cli import common as c
from cjtool.cli.map_cmd import Engine
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.output import emit
from cjtool.parquet import to_parquet
from cjtool.render.customers_out import to_csv, to_json


class Format(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


SUFFIX_FORMATS = {".json": Format.json, ".csv": Format.csv, ".parquet": Format.parquet, ".pq": Format.parquet}


@c.reads_events()
def customers_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: csv, json or parquet (default: from the -o file's suffix, else csv).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status", help=f"Only customers of this status ({', '.join(STATUSES)}); repeatable.", metavar="STATUS"
        ),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="Only customers who got as far as this stage id (repeatable).", metavar="STAGE"),
    ] = None,
    exit_touchpoint: Annotated[
        list[str] | None,
        typer.Option(
            "--exit-touchpoint",
            help="Only customers who count as an exit of this touchpoint (repeatable).",
            metavar="TOUCHPOINT",
        ),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Add a segment attribute column: an event column, a --customers column or a period "
            "(day, week, month, quarter); repeatable.",
            metavar="ATTRIBUTE",
            show_default=False,
        ),
    ] = None,
    customers: c.CustomersOpt = None,
    value: Annotated[
        bool,
        typer.Option(
            "--value",
            help="Add p_alive and clv columns: `cjtool value` with its defaults (BG/NBD and Gamma-Gamma "
            "on every transaction, 39 weeks ahead); empty for customers without a purchase.",
            metavar="",
        ),
    ] = False,
    reading: c.Reading = c.DEFAULT_READING,
    no_sanitize: Annotated[
        bool,
        typer.Option(
            "--no-sanitize", help="CSV: keep cells starting with = + - @ as they are (no leading ').", metavar=""
        ),
    ] = False,
    bom: Annotated[
        bool, typer.Option("--bom", help="CSV: start with a UTF-8 byte-order mark (Excel on Windows).", metavar="")
    ] = False,
    quiet: c.QuietOpt = False,
    lang: c.LangOpt = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", min=1, help="With --engine spark: the number of Spark tasks.", metavar="N"),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="polars (this machine) or spark: writes Parquet parts to the folder -o DIR (same rows).",
            metavar="ENGINE",
        ),
    ] = Engine.polars,
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="With --engine spark: the master URL (default local[*]).", metavar="URL"),
    ] = None,
) -> None:
    """One row per customer: how far they got, when, where they left, status and segments.

    Example (a win-back list): cjtool customers events.csv -m aipl --status dropped --exit-touchpoint checkout -o winback.csv
    """
    if engine is Engine.spark:
        if value:
            raise UsageError(say("zl_value_spark"))
        if (output is None or output == "-") or c.parse_format(fmt, Format) not in (None, Format.parquet):
            raise UsageError(say("e_spark_parquet"))
        fmt = Format.parquet.value
    elif spark_master is not None or partitions is not None:
        raise UsageError(say("e_spark_only"))
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.csv)
    if bom and format is not Format.csv:
        raise UsageError(say("e_bom_customers"))
    if format is Format.parquet and (output is None or output == "-") and c.sys.stdout.isatty():
        raise UsageError(say("e_parquet_binary", name="customers"))
    jm = reading.model(model)
    c.lang_of(lang, jm)
    names = sg.in_use(jm, list(by or []))
    filters = {
        "status": tuple(status or ()),
        "stage": tuple(stage or ()),
        "exit_touchpoint": tuple(exit_touchpoint or ()),
    }
    if engine is Engine.spark:  # Spark tasks write the parts: the table never goes through here
        assert output is not None  # checked above
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.spark import TableSpec, customers_spark

        spec = TableSpec(names, list(by or []), sg.load_customer_file(jm, customers), **filters)
        with c.progress(f"cjtool {jm.name}:") as phase:
            phase(say("phase_spark_customers", master=spark_master or "local[*]"))
            n, warnings = customers_spark(
                events,
                jm,
                output,
                spec,
                master=spark_master,
                encoding=reading.encoding,
                strict=reading.strict,
                partitions=partitions,
            )
        c.warn(warnings, quiet=quiet)
        if not quiet:
            c.stderr_console().print(
                say("wrote_customers", n=f"{n:,}", target=f"{output}/"), markup=False, highlight=False
            )
        return
    j, file = c.run_segmented(events, jm, names, customers, reading=reading, quiet=quiet)
    table, warnings = customer_rows(j, names, by=by or (), customer_file=file, timezone=jm.timezone, **filters)
    if value:
        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.analyses.value import compute_value, with_value_columns

        # lazy: scipy and the fit load only when a value is asked for
        from cjtool.render.value_text import warnings as value_warnings

        result = compute_value(j)
        table = with_value_columns(table, result)
        warnings += value_warnings(result, "en")[len(result.journey_warnings) :]
    c.warn(list(j.table.warnings) + j.warnings + warnings, quiet=quiet)
    if format is Format.json:
        emit(to_json(table), output)
    elif format is Format.parquet:
        emit(to_parquet(table), output)
    else:
        emit(to_csv(table, sanitize=not no_sanitize, bom=bom), output)
    if not quiet and output and output != "-":
        c.stderr_console().print(
            say("wrote_customers", n=f"{table.height:,}", target=output), markup=False, highlight=False
        )


def register(app: typer.Typer) -> None:
    app.command("customers")(customers_command)
