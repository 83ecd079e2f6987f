"""`cjtool customers`: the customer table (SPEC 8), one row per customer, filtered."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cjtool.analyses import segments as sg
from cjtool.analyses.customers import STATUSES, customer_table, filter_customers
from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.output import emit
from cjtool.render.customers_out import to_csv, to_json, to_parquet


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
            help="csv, json or parquet (default: from the -o file's suffix, else csv).",
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
) -> None:
    """One row per customer: how far they got, when, where they left, status and segments.

    Example (a win-back list): cjtool customers events.csv -m aipl --status dropped --exit-touchpoint checkout -o winback.csv
    """
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.csv)
    if bom and format is not Format.csv:
        raise UsageError("--bom is for CSV (Excel); JSON and Parquet are plain UTF-8")
    if format is Format.parquet and (output is None or output == "-") and c.sys.stdout.isatty():
        raise UsageError("Parquet is binary: write it to a file with -o customers.parquet")
    jm = reading.model(model)
    names = sg.in_use(jm, list(by or []))
    j, file = c.run_segmented(events, jm, names, customers, reading=reading, quiet=quiet)
    attrs, missing = [], []
    for n in names:
        try:
            attrs.append(sg.attribute(j, n, customer_file=file, timezone=jm.timezone))
        except UsageError:
            if n in (by or []):
                raise
            missing.append(f"the model's segment attribute `{n}` is in no event column or customer file: left out")
    c.warn(list(j.table.warnings) + j.warnings + missing + [w for a in attrs for w in a.warnings], quiet=quiet)
    table = customer_table(j, [(a.name, a.values) for a in attrs])
    table = filter_customers(table, jm, status=status or (), stage=stage or (), exit_touchpoint=exit_touchpoint or ())
    if format is Format.json:
        emit(to_json(table), output)
    elif format is Format.parquet:
        emit(to_parquet(table), output)
    else:
        emit(to_csv(table, sanitize=not no_sanitize, bom=bom), output)
    if not quiet and output and output != "-":
        c.stderr_console().print(f"wrote {table.height:,} customers to {output}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("customers")(customers_command)
