"""One vocabulary of options: a flag means the same on every command that has it. Walks
every command's options (``typer.main.get_command``) and checks each shared flag's long
name, short form, type and help; then the shared flags' behaviour (`-f md`, `-q`)."""

from __future__ import annotations

import re
import types
import typing

import pytest
import typer.main

from cjtool.cli.app import app
from cjtool.errors import ExitCode

from .conftest import EXAMPLES


def _commands() -> dict[str, typing.Any]:
    out = {}
    for name, command in typer.main.get_command(app).commands.items():
        for sub, leaf in getattr(command, "commands", {}).items():
            out[f"{name} {sub}"] = leaf
        if not hasattr(command, "commands"):
            out[name] = command
    return out


COMMANDS = _commands()
OPTIONS = [(name, p) for name, command in COMMANDS.items() for p in command.params if p.param_type_name == "option"]

# each short form stands for one long name, on every command
SHORT = {"-f": "--format", "-o": "--output", "-q": "--quiet", "-m": "--model", "-c": "--column"}
# a second long name some command keeps for its users (the shared one is also there)
ALIASES = {("report", "--out"): "--output", ("compare", "--against"): "--baseline-events"}
# flags whose help may differ by command, and why (name, short form and type may not)
OWN_HELP = {
    "--format": "each command lists its own formats (checked by test_format_help_lists_what_is_accepted)",
    "--output": "report writes a folder, the others a file",
    "--png": "each command draws its own picture",
    "--top": "what the N rows are differs",
    "--by": "customers adds a column, the others break the map down",
    "--alpha": "moments adjusts with Benjamini-Hochberg, compare and check with Holm",
    "--baseline": "compare: a value of --by; check and report: also a stored map",
    "--lang": "init writes comments, the others labels and headings",
    "--no-sanitize": "map explains the leading ' at length",
    "--bom": "map says why (Excel and Chinese text)",
    "--engine": "customers writes Parquet parts with spark",
    "--spark-master": "map lists example URLs",
    "--partitions": "customers: Spark tasks; map: in-memory parts",
    "--png-dir": "each command draws its own pictures into the folder (created if missing)",
    "--until": "value: the end of the calibration period, whose later events are the holdout (issue 22)",
    "--value": "customers adds p_alive and clv columns; map values the revenue at stake with the CLV",
}
# flags whose metavar may differ: what they name differs
OWN_METAVAR = {"--output": "report: DIR (a folder), the others FILE"}
# a name two commands use in two senses (known; renaming would break users' scripts)
CLASHES = {
    "--segments": "compare --ab/--segments (read --by as A/B variants or as segments) vs map/check --segments N",
}
# flags whose shape differs too: known exceptions, each a word used in two senses
OWN_SHAPE = {
    "--by": "customers adds several attribute columns (repeatable); the others break down by one",
    "--baseline": "compare: a value of --by (a stored map is --baseline-map); check and report: a map file or a value",
    "--from": "init: event files to draft a model from; paths: the step transitions leave",
}


def _long(p) -> str:
    longs = [o for o in p.opts + p.secondary_opts if o.startswith("--")]
    return longs[0]


def _type(p) -> object:
    """The option's type, with `| None` left out (a default of None is how optional is spelt)."""
    annotation = p.type_descriptor.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else tuple(args)
    return annotation


def _by_long_name() -> dict[str, list[tuple[str, typing.Any]]]:
    out: dict[str, list[tuple[str, typing.Any]]] = {}
    for name, p in OPTIONS:
        out.setdefault(_long(p), []).append((name, p))
    return out


SHARED = {long: uses for long, uses in _by_long_name().items() if len(uses) > 1}


def test_the_walk_sees_every_command():
    assert {"map", "customers", "compare", "validate", "check", "report", "moments", "paths", "models", "init"} <= set(
        COMMANDS
    )
    assert {"--format", "--output", "--quiet", "--lang", "--png", "--model"} <= set(SHARED)


def test_a_short_form_means_one_long_name():
    for name, p in OPTIONS:
        names = p.opts + p.secondary_opts
        for short, long in SHORT.items():
            if short in names:
                assert long in names, f"{name}: {short} is {names}, everywhere else {long}"
            if long in names:
                assert short in names, f"{name}: {long} has no {short}, as everywhere else"
        shorts = [o for o in names if not o.startswith("--")]
        assert all(s in SHORT for s in shorts), f"{name}: a short form {shorts} no other command knows"
        negation = p.secondary_opts if p.is_flag else []  # --ab/--segments: the off switch
        for o in p.opts:
            if o.startswith("--") and o != _long(p) and (name, o) not in ALIASES and o not in negation:
                pytest.fail(f"{name}: {o} is a second name of {_long(p)}")


@pytest.mark.parametrize("long", sorted(SHARED))
def test_a_shared_flag_has_one_shape(long):
    uses = SHARED[long]
    first_name, first = uses[0]
    if long in OWN_SHAPE:
        return
    for name, p in uses[1:]:
        for what, get in [
            ("short form", lambda q: sorted(o for o in q.opts + q.secondary_opts if not o.startswith("--"))),
            ("type", _type),
            ("flag", lambda q: q.is_flag),
            ("repeatable", lambda q: q.multiple),
            ("metavar", lambda q: q.metavar if long not in OWN_METAVAR else None),
        ]:
            assert get(p) == get(first), f"{long}: {what} {get(p)!r} on {name}, {get(first)!r} on {first_name}"
        if long not in OWN_HELP:
            assert p.help == first.help, f"{long} means one thing: {name} says {p.help!r}, {first_name} {first.help!r}"


def test_a_name_is_one_option_everywhere():
    """An off switch (``--no-x``-like second name of a flag) is no other command's option."""
    longs = {_long(p) for _, p in OPTIONS}
    for name, p in OPTIONS:
        for o in p.secondary_opts if p.is_flag else []:
            assert o not in longs or o in CLASHES, f"{name}: {o} switches {_long(p)} off, elsewhere it is an option"


def test_lang_is_en_or_zh_everywhere():
    for name, p in SHARED["--lang"]:
        # None: not given, so the language comes from CJTOOL_LANG, the model's lang: or the locale
        assert [m.value for m in _type(p)] == ["en", "zh"] and p.default in ("en", None), name


def test_every_command_that_reads_events_has_the_reading_options_and_quiet():
    reading = ["--model", "--column", "--window", "--mode", "--encoding", "--since", "--until", "--quiet"]
    for name, command in COMMANDS.items():
        longs = {_long(p) for p in command.params if p.param_type_name == "option"}
        if "--model" in longs:
            assert set(reading) <= longs, f"{name} lacks {sorted(set(reading) - longs)}"


# ------------------------------------------------------------------ behaviour


@pytest.fixture
def example(small):
    model, events = small
    return str(events), str(model)


def _formats(cli, command: str, example) -> list[str]:
    """What ``command`` accepts after -f, from its own error message."""
    events, model = example
    args = [command, "-m", model, "-f", "nonsense"] + ([events] if command != "validate" else [])
    r = cli(*args)
    assert r.exit_code == ExitCode.USAGE, r.output
    m = re.search(r"not a format; use one of ([a-z, ]+)", r.stderr)
    assert m, r.stderr
    return [f.strip() for f in m.group(1).split(", ")]


FORMAT_COMMANDS = sorted(name for name, p in SHARED["--format"])


@pytest.mark.parametrize("command", FORMAT_COMMANDS)
def test_format_help_lists_what_is_accepted(cli, example, command):
    accepted = _formats(cli, command, example)
    p = next(q for name, q in SHARED["--format"] if name == command)
    m = re.match(r"Output format: (.+?) \(default", p.help)
    assert m, f"{command}: -f help starts 'Output format: ... (default ...': {p.help!r}"
    listed = re.findall(r"([a-z]+)(?: \([^)]*\))?(?:, | or |$)", m.group(1))
    assert listed == accepted, (command, listed, accepted)
    if "markdown" in accepted:
        assert "markdown (md)" in p.help


# customers and value write a table per customer (CSV, Parquet, JSON), validate its findings
@pytest.mark.parametrize("command", [c for c in FORMAT_COMMANDS if c not in ("customers", "validate", "value")])
def test_md_is_markdown_everywhere(cli, example, command):
    events, model = example
    if command == "compare":  # variants to compare: the shipped example's
        events, model = str(EXAMPLES / "aipl_events.csv"), str(EXAMPLES / "aipl.yaml")
    extra = {"compare": ["--by", "variant", "--baseline", "control"], "check": ["--max-rejected", "50%"]}
    r = cli(command, events, "-m", model, "-f", "md", "-q", *extra.get(command, []))
    assert r.exit_code in (0, ExitCode.GATE_FAILED), r.output
    assert r.stdout.lstrip().startswith("#") or "|" in r.stdout, r.stdout[:200]


def test_validate_quiet_shows_errors_only(cli):
    args = ["validate", "-m", str(EXAMPLES / "aipl.yaml"), str(EXAMPLES / "aipl_events.csv")]
    loud, quiet = cli(*args), cli(*args, "-q")
    assert loud.exit_code == quiet.exit_code == 0
    assert "info: " in loud.stdout
    assert not [line for line in quiet.stdout.splitlines() if line.startswith(("info:", "warning:"))]
    assert quiet.stdout.splitlines()[-1] == loud.stdout.splitlines()[-1]  # the summary stays


# ------------------------------------------------------------------ help, as printed


def _help(cli, command: str) -> str:
    r = cli(*command.split(), "--help", env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_prints_every_bracket_it_was_given(cli, command):
    """rich reads `[spark]` as markup and drops it: `pip install "cjtool"` is no help."""
    printed = re.sub(r"[\s│╭╮╰╯─]+", "", _help(cli, command))
    for p in COMMANDS[command].params:
        for token in re.findall(r"\[[a-z_]+\]", (p.help or "").replace("\\[", "[")):
            assert token in printed, f"{command} {_long(p) if p.param_type_name == 'option' else p.name}: {token}"


# where the help column may start further right, and why
WIDE_HELP = {"compare": "the --ab/--segments switch pair fills the short-form column"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_reads_at_80_columns(cli, command):
    """The options' help column keeps room to read (30 of 80 columns): no metavar so wide
    that every help text wraps after two or three words."""
    line = next(line for line in _help(cli, command).splitlines() if "Show this message" in line)
    start = line.index("Show this message")
    assert start <= (58 if command in WIDE_HELP else 50), f"{command}: help starts at column {start}"
