"""Every command that reads events takes the same reading options (declared once, in
cjtool.cli.common.Reading), and each option's value reaches the command."""

from __future__ import annotations

from dataclasses import fields
from typing import get_type_hints

import pytest
import typer.main

from cjtool.cli import common as c
from cjtool.cli.app import app
from cjtool.errors import UsageError

COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]
READERS = sorted(name for name, cmd in COMMANDS.items() if any(p.name == "events" for p in cmd.params))
# validate reports rejected rows as findings: no --strict; value's --until ends its calibration
# period (issue 22) and reads the events after it as the holdout, so it is value's own option
OMITTED = {"validate": {"strict"}, "value": {"until"}}
# a value each option accepts, and the value the command's Reading then holds
GIVEN = {
    "window": ("7d", "7d"),
    "mode": ("furthest", c.Mode.furthest),
    "column": ("customer_id=user", ["customer_id=user"]),
    "timestamp_format": ("%Y-%m-%d", "%Y-%m-%d"),
    "timezone": ("Asia/Shanghai", "Asia/Shanghai"),
    "dedupe": (None, True),
    "same_time": ("input_order", "input_order"),
    "since": ("2026-03-01", "2026-03-01"),
    "until": ("2026-03-31", "2026-03-31"),
    "encoding": ("gbk", "gbk"),
    "sheet": ("明细", "明细"),
    "strict": (None, True),
}
CASES = [(cmd, f.name) for cmd in READERS for f in fields(c.Reading) if f.name not in OMITTED.get(cmd, ())]


def test_the_event_readers_are_found():
    assert READERS == ["check", "compare", "customers", "map", "moments", "paths", "report", "validate", "value"]
    assert set(GIVEN) == {f.name for f in fields(c.Reading)}


@pytest.mark.parametrize(("command", "name"), CASES)
def test_every_reader_takes_every_reading_option(cli, small, tmp_path, monkeypatch, command, name):
    seen: list[c.Reading] = []

    def stop(self: c.Reading, spec: str):  # the first thing a command does with its options
        seen.append(self)
        raise UsageError("stopped here")

    monkeypatch.setattr(c.Reading, "model", stop)
    model, events = small
    flag, (value, held) = "--" + name.replace("_", "-"), GIVEN[name]
    extra = ["--out", tmp_path / "report"] if command == "report" else []
    r = cli(command, events, "-m", model, *extra, flag, *([] if value is None else [value]))
    assert "stopped here" in r.stderr, r.output
    (reading,) = seen
    assert getattr(reading, name) == held
    others = {f.name: getattr(reading, f.name) for f in fields(reading) if f.name != name}
    assert others == {f.name: f.default for f in fields(reading) if f.name != name}


@pytest.mark.parametrize("command", READERS)
def test_reading_options_keep_their_help(command):
    """The options typer builds for a command are the ones Reading declares, same help."""
    params = {p.name: p for p in COMMANDS[command].params}
    hints = get_type_hints(c.Reading, include_extras=True)
    for f in fields(c.Reading):
        if f.name in OMITTED.get(command, ()):
            assert f.name not in params or params[f.name].help != hints[f.name].__metadata__[0].help
            continue
        declared = hints[f.name].__metadata__[0]  # the typer.Option of the Annotated type
        assert params[f.name].opts[0] == "--" + f.name.replace("_", "-")
        assert params[f.name].default == f.default
        assert params[f.name].help == declared.help and params[f.name].metavar == declared.metavar


def test_report_command_line_repeats_the_reading_options(cli, small, tmp_path):
    """The report's `make it again` command names every reading option given."""
    model, events = small
    out = tmp_path / "r"
    given = ["--timezone", "Asia/Shanghai", "--dedupe", "--same-time", "input_order", "--since", "2023-12-01"]
    r = cli("report", events, "-m", model, "--out", out, "-q", *given)
    assert r.exit_code == 0, r.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"--out {out} {' '.join(given)}</code>" in page


def test_a_command_without_reading_parameter_is_refused():
    def command(events: list[str]) -> None: ...

    with pytest.raises(TypeError, match="reading"):
        c.reads_events()(command)
