"""`cjtool validate`: check a model (and event data against it); every problem at once."""

from __future__ import annotations

import typer

from cjtool.cli import common as c
from cjtool.errors import ModelError
from cjtool.validate import validate

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def validate_command(
    model: c.ModelOpt,
    events: c.EventsArg = None,  # type: ignore[assignment]  # optional here
    window: c.WindowOpt = None,
    mode: c.ModeOpt = None,
    column: c.ColumnOpt = None,
    timestamp_format: c.TimestampFormatOpt = None,
    encoding: c.EncodingOpt = None,
) -> None:
    """Check a journey model and, given event files, the data against it.

    Reports every problem found: model errors with file and line; rejected rows; unassigned touchpoints by volume; stages no event reaches; touchpoints more than one stage matches. Exit 0 when valid (warnings allowed), 3 for an invalid model, 4 for unusable data.
    """
    console = c.stdout_console()
    try:
        jm = c.resolve_model(model, window=window, mode=mode, columns=column, timestamp_format=timestamp_format)
    except ModelError as exc:
        for p in exc.problems[1:]:
            console.print(f"error: {p}", style="bold red", markup=False, soft_wrap=True)
        exc.message = exc.problems[0] + (
            f" (and {len(exc.problems) - 1} more, listed on stdout)" if len(exc.problems) > 1 else ""
        )
        raise
    v = validate(jm, events or None, encoding=encoding)
    for f in v.findings:
        console.print(f"{f.severity}: {f.message}", style=_STYLE[f.severity], markup=False, soft_wrap=True)
    summary = f"model {jm.name}: {_count(len(jm.stages), 'stage')}, valid"
    if v.result is not None:
        r = v.result
        summary += (
            f"; data: {_count(r.rows_read, 'row')}, {r.rows_rejected:,} rejected, "
            f"{_count(r.events_assigned, 'event')} assigned, {r.events_unassigned:,} unassigned, "
            f"{_count(r.customers_total, 'customer')}"
        )
    console.print(summary, style="bold green", markup=False, soft_wrap=True)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
