"""`cjtool report`: a report folder (HTML, Markdown with Mermaid, PNGs, JSON)."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from cjtool.cli import common as c
from cjtool.render.report import ReportSource, write_report


def _command(events: list[str], **options: object) -> str:
    """The command line that makes this report again, from the options given (not from
    sys.argv, which holds whatever started Python). Paths as typed."""
    words = ["cjtool", "report", *events]
    for flag, value in options.items():
        if value is None or value is False or value == []:
            continue
        for v in value if isinstance(value, list) else [value]:
            words += [flag] if v is True else [flag, str(getattr(v, "value", v))]
    return " ".join(shlex.quote(x) for x in words)


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
    timezone: c.TimezoneOpt = None,
    dedupe: c.DedupeOpt = False,
    same_time: c.SameTimeOpt = None,
    since: c.SinceOpt = None,
    until: c.UntilOpt = None,
    encoding: c.EncodingOpt = None,
    strict: c.StrictOpt = False,
    lang: c.LangOpt = c.Lang.en,
    quiet: c.QuietOpt = False,
) -> None:
    """Write a report folder: index.html (self-contained, offline), report.md (for a CI job summary or PR comment, with a Mermaid journey), journey_map/priority_matrix/funnel PNGs and map.json.

    Example: cjtool report events.csv -m aipl --out report/ && cat report/report.md >> "$GITHUB_STEP_SUMMARY"
    """
    jm = c.resolve_model(
        model,
        window=window,
        mode=mode,
        columns=column,
        timestamp_format=timestamp_format,
        timezone=timezone,
        dedupe=dedupe,
        same_time=same_time,
        since=since,
        until=until,
    )
    result = c.run_map(events, jm, encoding=encoding, strict=strict, quiet=quiet)
    with c.progress("cjtool report: drawing"):
        command = _command(
            events,
            **{
                "-m": model,
                "--out": out,
                "--top": top if top != 10 else None,
                "--window": window,
                "--mode": mode,
                "--column": column,
                "--timestamp-format": timestamp_format,
                "--encoding": encoding,
                "--strict": strict,
                "--lang": lang if lang != c.Lang.en else None,
            },
        )
        source = ReportSource(files=tuple(events), command=command)
        files = write_report(result, out, lang=lang.value, top=top, source=source)
    if not quiet:
        c.stderr_console().print(f"wrote {len(files)} files to {out}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
