"""`cjtool models` (list the built-in models) and `cjtool init` (copy one to edit)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from cjtool import builtin_models
from cjtool.cli import common as c
from cjtool.errors import OutputError, UsageError
from cjtool.i18n import t
from cjtool.model import load_model
from cjtool.output import emit


def models_command(lang: c.LangOpt = c.Lang.en) -> None:
    """List the built-in journey models: name, stages and what each is for."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("col_name", lang.value), no_wrap=True)
    table.add_column(t("col_stages", lang.value), overflow="fold")  # wrap, never cut a stage
    table.add_column(t("col_description", lang.value), overflow="fold")
    for name in builtin_models.names():
        m = load_model(name)
        stages = " → ".join(s.label.get(lang.value) for s in m.stages)
        table.add_row(name, stages, m.description.get(lang.value))
    c.stdout_console().print(table)


def init_command(
    name: Annotated[
        str, typer.Argument(help="Built-in model to copy: aipl, 5a, b2b or experience.", show_default=False)
    ],
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
) -> None:
    """Write a built-in model as an editable YAML file whose comments explain every key."""
    key = name.lower()
    if key not in builtin_models.names():
        raise UsageError(f"no built-in model {name!r}; built-in models: {', '.join(builtin_models.names())}")
    target = output or f"{key}.yaml"
    if target != "-" and Path(target).is_file() and not force:  # a device or FIFO is not overwritten
        raise OutputError(f"{target}: exists; use --force to overwrite it or -o to choose another file")
    emit(builtin_models.read(key), target)
    if target != "-":
        c.stderr_console().print(
            f"wrote {target}; check it with: cjtool validate --model {target} EVENTS.csv", markup=False, highlight=False
        )


def register(app: typer.Typer) -> None:
    app.command("models")(models_command)
    app.command("init")(init_command)
