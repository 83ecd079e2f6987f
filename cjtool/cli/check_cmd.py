"""`cjtool check`: CI gates on a journey; exit 1 when any gate fails."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from enum import StrEnum
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cjtool.analyses.segments import segment_breakdown
from cjtool.cli import common as c
from cjtool.cli.compare_cmd import AlphaOpt, MinEffectOpt, SequentialOpt, StrictBaselineOpt, refuse_gaps, run_compare
from cjtool.errors import ExitCode, UsageError
from cjtool.gate_kinds import gate_threshold_problem
from cjtool.gates import REGRESSION_METRICS, GateResult, evaluate, merge, regression_gates
from cjtool.i18n import say, t
from cjtool.model import parse_share
from cjtool.output import emit, write_stdout
from cjtool.render.gates_text import describe, value_text
from cjtool.render.markdown import md_escape
from cjtool.render.table import trim_trailing
from cjtool.render.words import w as words
from cjtool.safe_text import escaped


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


SUFFIX_FORMATS = {".json": CheckFormat.json, ".md": CheckFormat.markdown, ".markdown": CheckFormat.markdown}


GateOpt = Annotated[list[str] | None, typer.Option(show_default=False)]


def _parse(kind: str, values: list[str] | None) -> list[tuple[str, float, str]]:
    """(target, threshold, threshold as written) of each TARGET=NUMBER."""
    out = []
    option = f"--{kind.replace('_', '-')}"
    for v in values or []:
        target, sep, number = v.rpartition("=")
        number = number.strip()
        x = _number(number)
        if not sep or not target or x is None:
            raise UsageError(say("e_gate_target", option=option, v=repr(v)))
        problem = gate_threshold_problem(kind, x)
        if problem:
            raise UsageError(say("zl_opt_problem", option=f"{option} {v!r}", problem=problem))
        out.append((target, x, number))
    return out


def _number(text: str) -> float | None:
    """``30%`` is 0.3; None for what is not a number."""
    try:
        x = parse_share(text)
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def _data_gate(kind: str, value: str | None) -> dict[str, tuple[float, str]]:
    if value is None:
        return {}
    option = f"--{kind.replace('_', '-')}"
    x = _number(value.strip())
    if x is None:
        raise UsageError(say("e_gate_share", option=option, v=repr(value)))
    problem = gate_threshold_problem(kind, x)
    if problem:
        raise UsageError(say("zl_opt_problem", option=f"{option} {value!r}", problem=problem))
    return {kind: (x, value.strip())}


def _annotation(text: str) -> str:
    """A GitHub workflow command: its data escapes %, CR and LF as GitHub reads them, and a
    name's other control characters (ESC, BEL, C1, U+2028) as visible escapes: this line is
    written past the output guard on purpose (``cjtool.safe_text``)."""
    data = escaped(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return f"::error title=cjtool check::{data}\n"


@c.reads_events()
def check_command(
    events: c.EventsArg,
    model: c.ModelOpt,
    min_conversion: Annotated[
        list[str] | None,
        typer.Option(
            "--min-conversion",
            metavar="STAGE=RATE",
            help="STAGE=RATE: conversion from the first stage must be at least RATE (repeatable).",
            show_default=False,
        ),
    ] = None,
    min_satisfaction: Annotated[
        list[str] | None,
        typer.Option(
            "--min-satisfaction",
            metavar="TARGET=SCORE",
            help="STAGE_OR_TOUCHPOINT=SCORE: mean satisfaction at least SCORE (repeatable).",
            show_default=False,
        ),
    ] = None,
    max_drop_off: Annotated[
        list[str] | None,
        typer.Option(
            "--max-drop-off",
            metavar="TARGET=RATE",
            help="STAGE_OR_TOUCHPOINT=RATE: drop-off share at most RATE (repeatable).",
            show_default=False,
        ),
    ] = None,
    min_nps: Annotated[
        list[str] | None,
        typer.Option(
            "--min-nps",
            metavar="TARGET=NPS",
            help="STAGE_OR_TOUCHPOINT=NPS: NPS at least this (repeatable).",
            show_default=False,
        ),
    ] = None,
    max_at_stake: Annotated[
        list[str] | None,
        typer.Option(
            "--max-at-stake",
            metavar="TARGET=N",
            help="STAGE_OR_TOUCHPOINT=N: customers at stake (the opportunity of map's Fix first) at most N (repeatable).",
            show_default=False,
        ),
    ] = None,
    what_if: c.WhatIfOpt = None,
    max_rejected: Annotated[
        str | None,
        typer.Option(
            "--max-rejected",
            metavar="RATE",
            help="Data quality: rejected rows at most this share of the rows read, e.g. 1%.",
            show_default=False,
        ),
    ] = None,
    max_unassigned: Annotated[
        str | None,
        typer.Option(
            "--max-unassigned",
            metavar="RATE",
            help="Data quality: events matching no stage at most this share of the events, e.g. 20%.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, json or markdown (md) (default: from the -o file's suffix, else table); "
            "with -o the file gets it and the table still goes to stdout.",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Regression gates: a stored map JSON (last release's `cjtool map -f json`), or with --by "
            "the baseline value; fails when a conversion, drop-off, CSAT or NPS got significantly worse.",
            show_default=False,
            metavar="FILE|VALUE",
        ),
    ] = None,
    by: c.ByOpt = None,
    customers: c.CustomersOpt = None,
    min_effect: MinEffectOpt = None,
    sequential: SequentialOpt = False,
    strict_baseline: StrictBaselineOpt = False,
    alpha: AlphaOpt = 0.05,
    reading: c.Reading = c.DEFAULT_READING,
    lang: c.LangOpt = None,
    segments: c.SegmentsLimitOpt = 10,
    quiet: c.QuietOpt = False,
) -> None:
    """Check a journey against gates (from the model's `gates:` and the options); exit 1 if any fails.

    Example: cjtool check events.csv -m aipl --min-conversion purchase=0.05 --max-drop-off checkout=0.3
    """
    fmt = c.parse_format(format, CheckFormat) or c.format_of_output(output, SUFFIX_FORMATS, CheckFormat.table)
    targets = c.parse_what_if(what_if)
    jm = c.with_what_if(reading.model(model), targets)
    lg = c.lang_of(lang, jm)
    if baseline is not None:  # regression gates: against a stored map, or (with --by) a baseline value
        given = [min_conversion, min_satisfaction, max_drop_off, min_nps, max_at_stake, max_rejected, max_unassigned]
        if any(given):
            raise UsageError(say("e_gate_separate"))
        compared = run_compare(
            events,
            jm,
            by=by,
            baseline=baseline if by else None,
            customers=customers,
            split=None,
            baseline_events=None,
            baseline_map=None if by else baseline,
            ab=None,
            alpha=alpha,
            min_effect=min_effect,
            sequential=sequential,
            reading=reading,
            quiet=quiet,
            metrics=REGRESSION_METRICS,
            lang=lg,
        )
        refuse_gaps(compared, strict_baseline)
        regressions = regression_gates(compared, dict(compared.min_effect.texts))
        report_gates(regressions, fmt, lg, {}, output, not_run=compared.not_run)
        return
    if strict_baseline:
        raise UsageError(say("zl_strict_baseline_file"))
    if min_effect or sequential:
        raise UsageError(say("e_gate_min_effect"))
    cli = {
        "min_conversion": _parse("min_conversion", min_conversion),
        "min_satisfaction": _parse("min_satisfaction", min_satisfaction),
        "max_drop_off": _parse("max_drop_off", max_drop_off),
        "min_nps": _parse("min_nps", min_nps),
        "max_at_stake": _parse("max_at_stake", max_at_stake),
    }
    data_gates = _data_gate("max_rejected", max_rejected) | _data_gate("max_unassigned", max_unassigned)
    gates = merge(jm.gates, {kind: [(target, x) for target, x, _ in v] for kind, v in cli.items()})
    if gates.is_empty() and not data_gates:
        raise UsageError(say("e_no_gates"))
    texts = {(kind, target): text for kind, v in cli.items() for target, _, text in v}
    if by is None:
        result = c.run_map(events, jm, reading=reading, quiet=quiet)
        c.check_what_if(result, targets)
        results = evaluate(result, gates, texts, data_gates)
    else:  # every gate on every segment: the check fails when any segment fails
        j, file = c.run_segmented(events, jm, [by], customers, reading=reading, quiet=quiet)
        bd = segment_breakdown(j, by, customer_file=file, limit=segments)
        c.check_what_if(bd.all, targets)
        c.warn(bd.all.warnings + bd.warnings, quiet=quiet)
        results = [
            replace(g, segment=f"{by}={value}")
            for value, m in bd.segments
            for g in evaluate(m, gates, texts, data_gates, run=bd.all)
        ]
    labels = {st.id: st.label.get(lg) for st in jm.stages}
    report_gates(results, fmt, lg, labels, output)


def report_gates(
    results: list, fmt: CheckFormat, lg: str, labels: dict[str, str], output: str | None, not_run: list | None = None
) -> None:
    """The gates to stdout and/or the -o file, GitHub annotations, exit 1 on a failure;
    ``not_run``: gates the baseline could not run (``compare.Gap``), said with the verdict."""
    failed = [g for g in results if not g.passed]
    not_run = not_run or []
    to_file = output is not None and output != "-"
    if to_file:  # the file for the artifact or job summary; the log still shows the table
        emit(render_gates(results, fmt, lg, labels, not_run=not_run), output)
    if to_file or fmt is CheckFormat.table:
        write_stdout(render_gates(results, CheckFormat.table, lg, labels, console=c.stdout_console(), not_run=not_run))
    else:
        emit(render_gates(results, fmt, lg, labels, not_run=not_run), None)
    table_on_stdout = to_file or fmt is CheckFormat.table
    if os.environ.get("GITHUB_ACTIONS") == "true" and (failed or not_run):
        # GitHub reads workflow commands on stdout; when stdout is the JSON or Markdown, stderr keeps it clean
        stream = sys.stdout if table_on_stdout else sys.stderr
        for g in failed:
            stream.write(_annotation(_failure_line(g, lg, labels)))
        for gap in not_run:
            stream.write(_annotation(gap.text(lg)).replace("::error ", "::warning ", 1))
        stream.flush()
    if failed:
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def _failure_line(g: GateResult, lang: str, labels: dict[str, str]) -> str:
    value = value_text(g, lang) or t("no_data", lang)
    return f"{describe(g, lang, labels.get(g.target or ''))}: {t('value', lang).lower()} {value}"


def render_gates(
    results: list[GateResult],
    fmt: CheckFormat,
    lang: str,
    labels: dict[str, str],
    console: Console | None = None,
    not_run: list | None = None,
) -> str:
    """The gates as a table (for ``console``'s width), a JSON document or Markdown;
    ``not_run`` (``compare.Gap``) listed after the verdict."""
    gaps = [g.text(lang) for g in not_run or []]
    # customers at stake are SPEC 17 estimates: said in one line wherever they are shown
    estimated = words("assumption", lang) if any(g.kind == "max_at_stake" for g in results) else None
    failed = sum(not g.passed for g in results)
    # not "N passed, N failed": CI runners read that phrase as a test summary
    verdict = t("gates_verdict", lang).format(passed=len(results) - failed, total=len(results))
    rows = [
        (describe(g, lang, labels.get(g.target or "")), value_text(g, lang) or t("no_data", lang), g.passed)
        for g in results
    ]
    if fmt is CheckFormat.json:
        doc = {
            "schema": "cjtool.check/1",
            "passed": not failed,
            "gates": [
                {
                    "gate": g.kind,
                    "target": g.target,
                    "threshold": g.threshold,
                    "threshold_text": g.written,
                    "value": g.value,
                    "passed": g.passed,
                    **({"segment": g.segment} if g.segment else {}),  # check --by
                }
                for g in results
            ],
        }
        if not_run:  # regression gates the baseline could not run
            doc["not_run"] = [
                {"metric": g.metric, "count": g.count, "first": g.first, "text": g.text(lang)} for g in not_run
            ]
        return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    mark = {True: t("pass", lang), False: t("fail", lang)}
    if fmt is CheckFormat.markdown:
        lines = [
            f"### {t('gates', lang)}: {verdict}",
            "",
            f"| {t('gate', lang)} | {t('value', lang)} | {t('result', lang)} |",
            "| --- | ---: | --- |",
            *(f"| {md_escape(d)} | {v} | {mark[p] if p else '**' + mark[p] + '**'} |" for d, v, p in rows),
        ]
        if gaps:
            lines += ["", f"**{t('gates_not_run', lang)}**", "", *(f"- {md_escape(g)}" for g in gaps)]
        if estimated:
            lines += ["", f"_{md_escape(estimated)}_"]
        return "\n".join(lines) + "\n"
    table = Table(title=t("gates", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("gate", lang), overflow="fold")
    table.add_column(t("value", lang), justify="right", no_wrap=True)
    table.add_column(t("result", lang), no_wrap=True)
    for d, v, p in rows:
        table.add_row(Text(d), v, Text(mark[p], style="green" if p else "bold red"))
    out = console or c.text_console()
    with out.capture() as captured:
        out.print(table)
        out.print(verdict, style="bold red" if failed else "bold green", markup=False)
        if gaps:
            out.print(f"{t('gates_not_run', lang)}:", style="bold yellow", markup=False)
            for g in gaps:
                out.print(f"  {g}", style="yellow", markup=False)
        if estimated:
            out.print(estimated, style="dim", markup=False)
    return trim_trailing(captured.get())


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
