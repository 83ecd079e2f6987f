"""`cjtool check`: CI gates on a journey; exit 1 when any gate fails."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from cjtool.cli import common as c
from cjtool.errors import ExitCode, UsageError
from cjtool.gates import GateResult, evaluate, gate_threshold_problem, merge
from cjtool.i18n import t
from cjtool.model import parse_share
from cjtool.output import emit


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


GateOpt = Annotated[list[str] | None, typer.Option(show_default=False)]


def _parse(kind: str, values: list[str] | None) -> list[tuple[str, float]]:
    out = []
    option = f"--{kind.replace('_', '-')}"
    for v in values or []:
        target, sep, number = v.rpartition("=")
        try:
            x = parse_share(number)
        except ValueError:
            x = float("nan")
        if not sep or not target or x != x:
            raise UsageError(f"{option} {v!r}: expected TARGET=NUMBER, e.g. purchase=0.05 or purchase=5%")
        problem = gate_threshold_problem(kind, x)
        if problem:
            raise UsageError(f"{option} {v!r}: {problem}")
        out.append((target, x))
    return out


def _value_text(g: GateResult, lang: str) -> str:
    if g.value is None:
        return t("no_data", lang)
    return f"{g.value:.4g}"


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
    format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table or json (default: json for an -o file ending .json, else table).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: c.OutputOpt = None,
    window: c.WindowOpt = None,
    mode: c.ModeOpt = None,
    column: c.ColumnOpt = None,
    timestamp_format: c.TimestampFormatOpt = None,
    encoding: c.EncodingOpt = None,
    strict: c.StrictOpt = False,
    lang: c.LangOpt = c.Lang.en,
    quiet: c.QuietOpt = False,
) -> None:
    """Check a journey against gates (from the model's `gates:` and the options); exit 1 if any fails.

    Example: cjtool check events.csv -m aipl --min-conversion purchase=0.05 --max-drop-off checkout=0.3
    """
    jm = c.resolve_model(model, window=window, mode=mode, columns=column, timestamp_format=timestamp_format)
    cli = {
        "min_conversion": _parse("min_conversion", min_conversion),
        "min_satisfaction": _parse("min_satisfaction", min_satisfaction),
        "max_drop_off": _parse("max_drop_off", max_drop_off),
        "min_nps": _parse("min_nps", min_nps),
    }
    gates = merge(jm.gates, cli)
    if gates.is_empty():
        raise UsageError(
            "no gates: give --min-conversion, --min-satisfaction, --max-drop-off or --min-nps, "
            "or add `gates:` to the model"
        )
    result = c.run_map(events, jm, encoding=encoding, strict=strict, quiet=quiet)
    results = evaluate(result, gates)
    failed = [g for g in results if not g.passed]
    lg = lang.value
    format = format or c.format_of_output(output, {".json": CheckFormat.json}, CheckFormat.table)
    if format is CheckFormat.json:
        doc = {
            "schema": "cjtool.check/1",
            "passed": not failed,
            "gates": [
                {"gate": g.kind, "target": g.target, "threshold": g.threshold, "value": g.value, "passed": g.passed}
                for g in results
            ],
        }
        emit(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n", output)
    else:
        table = Table(title=t("gates", lg), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(t("gate", lg))
        table.add_column(t("value", lg), justify="right")
        table.add_column("", no_wrap=True)
        labels = {st.id: st.label.get(lg) for st in jm.stages}
        for g in results:
            mark = t("pass", lg) if g.passed else t("fail", lg)
            label = labels.get(g.target)
            table.add_row(
                g.describe(lg, label), _value_text(g, lg), f"[{'green' if g.passed else 'bold red'}]{mark}[/]"
            )
        console = c.stdout_console()
        console.print(table)
        # not "N passed, N failed": CI runners read that phrase as a test summary
        verdict = t("gates_verdict", lg).format(passed=len(results) - len(failed), total=len(results))
        console.print(verdict, style="bold red" if failed else "bold green", markup=False)
    if failed:
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
