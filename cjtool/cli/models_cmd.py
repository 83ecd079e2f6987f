"""`cjtool models` (list the built-in models) and `cjtool init` (copy one to edit)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from cjtool import builtin_models
from cjtool.cli import common as c
from cjtool.draft import draft_from, draft_yaml
from cjtool.errors import OutputError, UsageError
from cjtool.i18n import say, t
from cjtool.model import load_model
from cjtool.output import emit


def models_command(lang: c.LangOpt = None) -> None:
    """List the built-in journey models: name, stages and what each is for."""
    lg = c.lang_of(lang)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("col_name", lg), no_wrap=True)
    table.add_column(t("col_stages", lg), overflow="fold")  # wrap, never cut a stage
    table.add_column(t("col_description", lg), overflow="fold")
    for name in builtin_models.names():
        m = load_model(name)
        stages = " → ".join(s.label.get(lg) for s in m.stages)
        table.add_row(name, stages, m.description.get(lg))
    c.stdout_console().print(table)


def init_command(
    name: Annotated[
        str | None,
        typer.Argument(
            help="Built-in model to copy: aipl, 5a, b2b or experience; with --from, the new model's name.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (default NAME.yaml); - for stdout.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.", metavar="")] = False,
    lang: Annotated[
        c.Lang | None,
        typer.Option(
            "--lang",
            help="Language of the comments (default: English; with --from, the data's: Chinese headers, Chinese).",
            metavar="en|zh",
            show_default=False,
        ),
    ] = None,
    from_events: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            help="Draft a model from these event files: their touchpoints by volume, for you to put into stages.",
            show_default=False,
            metavar="EVENTS",
        ),
    ] = None,
    column: c.ColumnOpt = None,
    encoding: c.EncodingOpt = None,
    sheet: c.SheetOpt = None,
) -> None:
    """Write a built-in model as an editable YAML file whose comments explain every key, or draft one from event data.

    Examples: cjtool init aipl --lang zh; cjtool init shop --from events.csv -c touchpoint=event
    """
    lg = c.lang_of(lang)
    warnings: list[str] = []
    if from_events:
        key = name or "journey"
        with c.progress(say("phase_init_counting")):
            draft = draft_from(
                from_events,
                c.parse_columns(column),
                encoding=encoding,
                sheet=sheet,
                lang=lang.value if lang else None,
            )
        text, warnings = draft_yaml(key, draft, source=" ".join(from_events)), draft.warnings
    else:
        if column or encoding or sheet:
            raise UsageError(say("e_init_column"))
        if name is None:
            raise UsageError(say("e_init_which", names=", ".join(builtin_models.names())))
        key = name.lower()
        if key not in builtin_models.names():
            raise UsageError(say("e_init_unknown", name=repr(name), names=", ".join(builtin_models.names())))
        text = builtin_models.read(key, lg).decode("utf-8")
    target = output or f"{key}.yaml"
    if target != "-" and Path(target).is_file() and not force:  # a device or FIFO is not overwritten
        raise OutputError(say("e_exists", target=target))
    emit(text, target)
    c.warn(warnings, quiet=False)  # after the file: what to look at in it
    if target != "-":
        events = " ".join(from_events) if from_events else "EVENTS.csv"
        c.stderr_console().print(say("wrote_model", target=target, events=events), markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("models")(models_command)
    app.command("init")(init_command)
