"""`cjtool report`: a report folder (HTML, Markdown with Mermaid, PNGs, JSON)."""

from __future__ import annotations

from typing import Annotated

import typer

from cjtool.cli import common as c
from cjtool.render.report import write_report


def report_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    out: Annotated[
        str,
        typer.Option("--out", "-o", help="Folder to write (created if missing).", show_default=False, metavar="DIR"),
    ],
    top: Annotated[int, typer.Option("--top", min=1, help="Touchpoints listed in the tables.", metavar="N")] = 10,
    window: c.WindowOpt = None,
    mode: c.ModeOpt = None,
    column: c.ColumnOpt = None,
    timestamp_format: c.TimestampFormatOpt = None,
    encoding: c.EncodingOpt = None,
    strict: c.StrictOpt = False,
    lang: c.LangOpt = c.Lang.en,
    quiet: c.QuietOpt = False,
) -> None:
    """Write a report folder: index.html (self-contained, offline), report.md (for a CI job summary or PR comment, with a Mermaid journey), journey_map/priority_matrix/funnel PNGs and map.json.

    Example: cjtool report events.csv -m aipl --out report/ && cat report/report.md >> "$GITHUB_STEP_SUMMARY"
    """
    jm = c.resolve_model(model, window=window, mode=mode, columns=column, timestamp_format=timestamp_format)
    result = c.run_map(events, jm, encoding=encoding, strict=strict, quiet=quiet)
    with c.progress("cjtool report: drawing"):
        files = write_report(result, out, lang=lang.value, top=top)
    if not quiet:
        c.stderr_console().print(f"wrote {len(files)} files to {out}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
