"""`cjtool validate`: check a model (and event data against it); every problem at once.

Every finding (model errors, data errors, warnings, notes) goes to stdout, one per line or
as one JSON document; stderr gets the usual one-line error when the model or data is not
valid, and the exit code says which (3 model, 4 data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer

from cjtool.cli import common as c
from cjtool.errors import CjtoolError, DataError, ModelError
from cjtool.i18n import current_lang, t
from cjtool.output import write_stdout
from cjtool.validate import Finding, Validation, validate

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"


@c.reads_events(omit={"strict"})
def validate_command(
    model: c.ModelOpt,
    events: c.EventsArg = None,  # type: ignore[assignment]  # optional here
    reading: c.Reading = c.DEFAULT_READING,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: text (one finding a line) or json (default: text).",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    quiet: c.QuietOpt = False,
    lang: c.LangOpt = None,
) -> None:
    """Check a journey model and, given event files, the data against it.

    Reports every problem found, all on stdout: model errors with file and line; rejected rows; model touchpoints the data never has (with the closest name it has); unassigned touchpoints by volume; stages no event reaches; touchpoints more than one stage matches. Exit 0 when valid (warnings allowed), 3 for an invalid model, 4 for unusable data (every row rejected, no event in any stage).
    """
    format = c.parse_format(fmt, ValidateFormat) or ValidateFormat.text
    shown = Shown(format, quiet)
    try:
        jm = reading.model(model)
        lg = c.lang_of(lang, jm)
    except ModelError as exc:
        lg = current_lang()  # --lang, else the broken model's own `lang:` (i18n.model_language)
        _report(Validation(model=None, findings=[Finding("error", p) for p in exc.problems]), model, shown, lg)
        if len(exc.problems) > 1:
            exc.message = t("val_more_stdout", "en").format(first=exc.problems[0], n=len(exc.problems) - 1)
            exc.words = ("val_more_stdout", {"first": exc.problems[0], "n": len(exc.problems) - 1})
        raise
    try:
        v = validate(jm, events or None, encoding=reading.encoding, lang=lg)
    except CjtoolError as exc:  # unreadable data: still one report, on stdout
        _report(Validation(model=jm, findings=[Finding("error", exc.in_lang(lg))]), model, shown, lg)
        raise
    _report(v, model, shown, lg)
    errors = [f.message for f in v.findings if f.severity == "error"]
    if errors:
        more = t("val_more", lg).format(n=len(errors) - 1) if len(errors) > 1 else ""
        raise DataError(t("zl_where_what", lg).format(where=" ".join(events), what=errors[0] + more))


@dataclass(frozen=True)
class Shown:
    """How the findings are shown: the format, and ``quiet`` (-q: errors only, no
    warnings or notes; the JSON document keeps every finding)."""

    format: ValidateFormat
    quiet: bool


def _report(v: Validation, source: str, shown: Shown, lang: str = "en") -> None:
    if shown.format is ValidateFormat.json:
        write_stdout(json.dumps(_doc(v, source), ensure_ascii=False, indent=2) + "\n")
        return
    console = c.stdout_console()
    for f in v.findings:
        if shown.quiet and f.severity != "error":
            continue
        severity = t(f"severity_{f.severity}", lang)
        console.print(f"{severity}: {f.message}", style=_STYLE[f.severity], markup=False, soft_wrap=True)
    if v.model is None:
        return
    ok = v.ok
    if lang != "en":
        summary = t("val_summary", lang).format(
            name=v.model.name, stages=len(v.model.stages), valid=t("val_valid" if ok else "val_not_valid", lang)
        )
        if v.result is not None:
            r = v.result
            summary += t("val_summary_data", lang).format(
                rows=f"{r.rows_read:,}",
                rejected=f"{r.rows_rejected:,}",
                assigned=f"{r.events_assigned:,}",
                unassigned=f"{r.events_unassigned:,}",
                customers=f"{r.customers_total:,}",
            )
        console.print(summary, style="bold green" if ok else "bold red", markup=False, soft_wrap=True)
        return
    summary = f"model {v.model.name}: {_count(len(v.model.stages), 'stage')}, {'valid' if ok else 'not valid'}"
    if v.result is not None:
        r = v.result
        summary += (
            f"; data: {_count(r.rows_read, 'row')}, {r.rows_rejected:,} rejected, "
            f"{_count(r.events_assigned, 'event')} assigned, {r.events_unassigned:,} unassigned, "
            f"{_count(r.customers_total, 'customer')}"
        )
    console.print(summary, style="bold green" if ok else "bold red", markup=False, soft_wrap=True)


def _doc(v: Validation, source: str) -> dict[str, Any]:
    r = v.result
    return {
        "schema": "cjtool.validate/1",
        "valid": v.ok and v.model is not None,
        "model": {"source": source, "name": v.model.name, "stages": [s.id for s in v.model.stages]}
        if v.model
        else {"source": source},
        "findings": [{"severity": f.severity, "message": f.message} for f in v.findings],
        "data": None
        if r is None
        else {
            "rows_read": r.rows_read,
            "rows_rejected": r.rows_rejected,
            "events_assigned": r.events_assigned,
            "events_unassigned": r.events_unassigned,
            "customers": r.customers_total,
        },
    }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
