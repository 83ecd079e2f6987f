"""`cjtool compare`: did it work? A/B variants, before/after a date, two exports, or a
stored map, with SPEC 10 statistics."""

from __future__ import annotations

import io
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cjtool.analyses.compare import CompareResult, compare, parse_min_effect
from cjtool.analyses.compare import refuse_gaps as strict_baseline
from cjtool.cli import common as c
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.output import emit


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


SUFFIX_FORMATS = {".json": Format.json, ".md": Format.markdown, ".markdown": Format.markdown}

BaselineOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        help="With --by: the value the others are compared against (e.g. control).",
        show_default=False,
        metavar="VALUE",
    ),
]
SplitOpt = Annotated[
    str | None,
    typer.Option(
        "--split",
        help="Customers entering before this date (A) against those entering from it (B): "
        "2026-03-01, in the model's time zone.",
        show_default=False,
        metavar="DATE",
    ),
]
BaselineEventsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--baseline-events",
        "--against",
        help="Baseline event files (A), e.g. last month's export; EVENTS are B (repeatable).",
        show_default=False,
        metavar="FILE",
    ),
]
BaselineMapOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline-map",
        help="A stored map JSON as the baseline (A), e.g. the last release's `cjtool map -f json` artifact.",
        show_default=False,
        metavar="FILE",
    ),
]
AlphaOpt = Annotated[
    float, typer.Option("--alpha", help="Significance level (0 < A < 1) for Holm-adjusted p-values.", metavar="A")
]
MinEffectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--min-effect",
        help="Smallest change that matters: 2pp for rates, csat=0.2, effort=0.3, nps=5 (repeatable); "
        "smaller significant changes read `negligible`.",
        show_default=False,
        metavar="EFFECT",
    ),
]
SequentialOpt = Annotated[
    bool,
    typer.Option(
        "--sequential",
        help="Always-valid (confidence-sequence) intervals: safe to re-run as data arrive.",
        metavar="",
    ),
]
AbOpt = Annotated[
    bool | None,
    typer.Option(
        "--ab/--segments",
        help="Read --by as an A/B variant (mixed and (none) customers left out, sample-ratio check) "
        "or as segments (default: A/B for an event column other than channel or a customer file column).",
        show_default=False,
        metavar="",
    ),
]


StrictBaselineOpt = Annotated[
    bool,
    typer.Option(
        "--strict-baseline",
        help="Exit 4 when the baseline (a stored map, or --baseline-events) cannot run a test the current "
        "data can: scores it has no answers for (an export without the column), touchpoints it lacks.",
        metavar="",
    ),
]


def refuse_gaps(result: CompareResult, strict: bool) -> None:
    """--strict-baseline: the first test the baseline could not run is an error (exit 4)."""
    if strict:
        strict_baseline(result)


def parse_split(text: str) -> date | datetime:
    try:
        return date.fromisoformat(text) if len(text.strip()) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(say("e_split", text=repr(text))) from None


def run_compare(
    events: list[str],
    jm,
    *,
    by: str | None,
    baseline: str | None,
    customers: str | None,
    split: str | None,
    baseline_events: list[str] | None,
    baseline_map: str | None,
    ab: bool | None,
    alpha: float,
    min_effect: list[str] | None,
    sequential: bool,
    reading: c.Reading,
    quiet: bool,
    metrics=None,
    lang: str = "en",
) -> CompareResult:
    """The comparison `compare` and `check` run: options checked before any work."""
    if not 0 < alpha < 1:
        raise UsageError(say("e_alpha", alpha=f"{alpha:g}"))
    effect = parse_min_effect(min_effect or [])
    when = parse_split(split) if split is not None else None
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.analyses.baseline_map import read_baseline_map
    from cjtool.analyses.segments import read_customer_file

    stored = read_baseline_map(baseline_map, jm) if baseline_map else None
    cfile = read_customer_file(customers, jm.column_map["customer_id"]) if customers else None
    j = c.run_journeys(events, jm, reading=reading, quiet=quiet, attributes=[by] if by else [])
    other = c.run_journeys(baseline_events, jm, reading=reading, quiet=quiet) if baseline_events else None
    labels = (baseline_map or ", ".join(baseline_events or []), ", ".join(events))
    result = compare(
        j,
        by=by,
        baseline=baseline,
        split=when,
        baseline_journeys=other,
        baseline_map=stored,
        labels=labels,
        customer_file=cfile,
        ab=ab,
        alpha=alpha,
        min_effect=effect,
        sequential=sequential,
        metrics=metrics,
        lang=lang,
    )
    c.warn_all(j.warnings + result.warnings, quiet=quiet)
    return result


@c.reads_events()
def compare_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    by: c.ByOpt = None,
    baseline: BaselineOpt = None,
    customers: c.CustomersOpt = None,
    split: SplitOpt = None,
    baseline_events: BaselineEventsOpt = None,
    baseline_map: BaselineMapOpt = None,
    ab: AbOpt = None,
    alpha: AlphaOpt = 0.05,
    min_effect: MinEffectOpt = None,
    sequential: SequentialOpt = False,
    strict_baseline: StrictBaselineOpt = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, json or markdown (md) (default: from the -o file's suffix, else table).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    png: Annotated[
        str | None,
        typer.Option(
            "--png",
            help="Also draw the differences with their intervals and the funnels side by side (.png, .svg, .pdf).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    quiet: c.QuietOpt = False,
) -> None:
    """Compare populations with statistics: A/B variants, before/after a date, two exports, or a stored map.

    Every stage's conversion, every touchpoint's drop-off, CSAT, CES and NPS: difference, lift,
    95% CI, z / Fisher / Welch test, Holm-adjusted p and a verdict.

    Examples: cjtool compare events.csv -m aipl --by variant --baseline control;
    cjtool compare march.csv -m aipl --against february.csv;
    cjtool compare events.csv -m aipl --baseline-map last.json
    """
    format = c.parse_format(fmt, Format) or c.format_of_output(output, SUFFIX_FORMATS, Format.table, png_option=True)
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.png_style import picture_format

        picture_format(png)
        if output and Path(png).resolve() == Path(output).resolve():
            raise UsageError(say("e_png_output", output=output))
    if strict_baseline and not (baseline_map or baseline_events):
        raise UsageError(say("e_strict_baseline"))
    jm = reading.model(model)
    lg = c.lang_of(lang, jm)
    result = run_compare(
        events,
        jm,
        by=by,
        baseline=baseline,
        customers=customers,
        split=split,
        baseline_events=baseline_events,
        baseline_map=baseline_map,
        ab=ab,
        alpha=alpha,
        min_effect=min_effect,
        sequential=sequential,
        reading=reading,
        quiet=quiet,
        lang=lg,
    )
    refuse_gaps(result, strict_baseline)
    if png:
        # lazy: matplotlib, only when a picture is drawn
        from cjtool.render.compare_png import save_compare_chart

        save_compare_chart(result, png, lang=lg)
    if format is Format.json:
        import json

        emit(json.dumps(result.to_dict(lg), ensure_ascii=False, indent=2, allow_nan=False) + "\n", output)
    elif format is Format.markdown:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.compare_text import to_markdown

        emit(to_markdown(result, lg), output)
    else:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.render.compare_table import render_compare

        if output and output != "-":
            buf = io.StringIO()
            render_compare(result, c.text_console(buf), lg)
            emit(buf.getvalue(), output)
        else:
            render_compare(result, c.stdout_console(), lg)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_command)
