"""`cjtool report`: a report folder (HTML, Markdown with Mermaid, PNGs, JSON)."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.model import JourneyModel
from cjtool.render.report import ReportSource, write_report
from cjtool.render.report_sections import ReportExtras
from cjtool.result import JourneyMap


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


def report_analyses(
    events: list[str],
    jm: JourneyModel,
    *,
    by: str | None,
    customers: str | None,
    baseline: str | None,
    paths: bool,
    reading: c.Reading,
    quiet: bool,
) -> tuple[JourneyMap, ReportExtras]:
    """The map and the report's analyses, all from one read of the events (options
    checked before any work)."""
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.analyses.baseline_map import read_baseline_map
    from cjtool.analyses.moments import compute_moments, measured_moments

    if customers is not None and by is None:
        raise UsageError(say("e_customers_by"))
    stored = read_baseline_map(baseline, jm) if baseline is not None and by is None else None
    if by is not None:
        j, file = c.run_segmented(events, jm, [by], customers, reading=reading, quiet=quiet)
    else:
        j, file = c.run_journeys(events, jm, reading=reading, quiet=quiet), None
    with c.progress(say("phase_report_analysing")):
        moments = compute_moments(j)
        result = c.map_of(j, quiet=quiet, moments=moments)  # `ranking.impact` ranks by them
        result.measured = measured_moments(moments)  # the journey map shows them, as `map --png`
        breakdown = comparison = None
        if by is not None:
            # lazy: loaded only when used, so `cjtool` starts fast
            from cjtool.analyses.segments import segment_breakdown

            breakdown = segment_breakdown(j, by, customer_file=file)
            c.warn(breakdown.warnings, quiet=quiet)
        if baseline is not None:
            # lazy: loaded only when used, so `cjtool` starts fast
            from cjtool.analyses.compare import compare

            comparison = (
                compare(j, by=by, baseline=baseline, customer_file=file)
                if by is not None
                else compare(j, baseline_map=stored, labels=(baseline, ", ".join(events)))
            )
            c.warn(comparison.warnings, quiet=quiet)
        if paths:
            # lazy: loaded only when used, so `cjtool` starts fast
            from cjtool.analyses.paths import compute_paths

            path_result = compute_paths(j)
            c.warn(path_result.warnings, quiet=quiet)  # events that match no stage are left out
    extras = ReportExtras(moments, breakdown, comparison, path_result if paths else None)
    return result, extras


@c.reads_events()
def report_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    out: Annotated[
        str,
        typer.Option(
            "--output", "--out", "-o", help="Folder to write (created if missing).", show_default=False, metavar="DIR"
        ),
    ],
    top: Annotated[int, typer.Option("--top", min=1, help="Touchpoints listed in the tables.", metavar="N")] = 10,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    by: c.ByOpt = None,
    customers: c.CustomersOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Add a comparison: a stored map JSON (e.g. last release's map.json), or with --by "
            "the value the others are compared against (e.g. control).",
            show_default=False,
            metavar="FILE|VALUE",
        ),
    ] = None,
    paths: Annotated[
        bool, typer.Option("--paths", help="Add the paths section (slower: about +50% on large data).", metavar="")
    ] = False,
    quiet: c.QuietOpt = False,
    what_if: c.WhatIfOpt = None,
) -> None:
    """Write a report folder: index.html (self-contained, offline), report.md (for a CI job summary or PR comment, with a Mermaid journey), journey_map/priority_matrix/funnel PNGs and map.json.

    Key moments are always in it; segments with --by, a comparison with --baseline, paths with --paths.

    Example: cjtool report events.csv -m aipl --out report/ && cat report/report.md >> "$GITHUB_STEP_SUMMARY"
    """
    targets = c.parse_what_if(what_if)
    jm = c.with_what_if(reading.model(model), targets)
    lg = c.lang_of(lang, jm)
    result, extras = report_analyses(
        events,
        jm,
        by=by,
        customers=customers,
        baseline=baseline,
        paths=paths,
        reading=reading,
        quiet=quiet,
    )
    c.check_what_if(result, targets)
    with c.progress(say("phase_report_drawing")):
        command = _command(
            events,
            **{
                "-m": model,
                "--out": out,
                "--top": top if top != 10 else None,
                **reading.flags(),
                "--lang": lang,
                "--by": by,
                "--customers": customers,
                "--baseline": baseline,
                "--paths": paths,
                "--what-if": list(what_if or []),
            },
        )
        source = ReportSource(files=tuple(events), command=command)
        files = write_report(result, out, lang=lg, top=top, source=source, extras=extras)
    if not quiet:
        c.stderr_console().print(say("wrote_files", n=len(files), target=out), markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
