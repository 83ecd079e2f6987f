"""The `cjtool` command: one Typer app, one command module per command.

This is the one place where exceptions become messages and exit codes
(``CjtoolGroup.invoke``); commands only parse options, call the library and render.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import traceback
from typing import Annotated, Any

import typer
from typer._click.exceptions import BadParameter, ClickException  # typer vendors Click
from typer.core import TyperArgument, TyperCommand, TyperGroup

from cjtool import __version__
from cjtool.cli import (
    check_cmd,
    compare_cmd,
    customers_cmd,
    map_cmd,
    models_cmd,
    moments_cmd,
    paths_cmd,
    report_cmd,
    validate_cmd,
    value_cmd,
)
from cjtool.errors import CjtoolError, ExitCode, Terminated
from cjtool.i18n import LANGUAGES, current_lang, reset_lang, say, set_lang, t
from cjtool.output import quiet_broken_pipe
from cjtool.safe_text import visible

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 a `cjtool check` gate failed; 2 bad usage (unknown option, "
    "bad option value); 3 invalid journey model; 4 unusable event data (missing or unreadable file, "
    "missing column); 5 an output could not be written; 70 internal error (a bug: please report "
    "it with --debug output); 130 interrupted; 143 terminated (SIGTERM)."
)


def _debug_enabled(ctx: typer.Context) -> bool:
    root = ctx.find_root()
    return bool(root.params.get("debug")) or os.environ.get("CJTOOL_DEBUG", "") not in ("", "0")


def error_line(message: str) -> None:
    """One line on stderr, no markup, no colour codes when piped; `cjtool: error:` in
    English, `cjtool: 错误：` in Chinese (the run's language)."""

    with contextlib.suppress(BrokenPipeError, ValueError):
        print(t("error_line", current_lang()).format(message=visible(message)), file=sys.stderr, flush=True)


def option_message(exc: ClickException) -> str:
    """Click's message, with a bad option value told in cjtool's words rather than
    pydantic's (`Value error, ...`, `Input should be ...`), in the run's language."""

    cause = exc.__cause__
    param = getattr(exc, "param", None)
    if not isinstance(exc, BadParameter) or param is None or not hasattr(cause, "errors"):
        return click_words(" ".join(exc.format_message().split()))
    longest = max(getattr(param, "opts", None) or [""], key=len)
    name = longest or (param.metavar or param.name or "value").upper()
    error = cause.errors()[0]  # type: ignore[union-attr]
    given, kind, limits = error.get("input"), error.get("type", ""), error.get("ctx") or {}
    if kind == "value_error":  # our enums: "'fr' is not one of 'en', 'zh'."
        why = str(limits.get("error", error.get("msg", ""))).rstrip(".")
        return f"{name}: {click_words(why)}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{name} {given!r}: {say('opt_not_whole')}"
    if kind in ("float_parsing", "float_type"):
        return f"{name} {given!r}: {say('opt_not_number')}"
    for key in ("ge", "gt", "le", "lt"):
        if key in limits:
            return f"{name} {given!r}: {say('opt_' + key, x=limits[key])}"
    return f"{name} {given!r}: {str(error.get('msg', '')).removeprefix('Value error, ')}"


_CLICK = (  # Click's own messages, in the catalogue's words
    (re.compile(r"^'?(.*?)'? is not one of (.*?)\.?$"), "opt_not_one_of", ("given", "choices")),
    (re.compile(r"^No such option: (\S+?)(?: \(Possible options: (.*?)\))?\.?$"), "opt_no_such", ("opt", "close")),
    (re.compile(r"^Missing argument (.*?)\.?$"), "opt_missing_arg", ("what",)),
    (re.compile(r"^Missing option (.*?)\.?$"), "opt_missing_opt", ("what",)),
)


def click_words(message: str) -> str:
    """A message of Click in the run's language (as is in English, or when unknown)."""

    if current_lang() == "en":
        return message
    for pattern, key, names in _CLICK:
        if m := pattern.match(message):
            fields = {k: v for k, v in zip(names, m.groups(), strict=True) if v is not None}
            return say(key if len(fields) == len(names) else f"{key}_plain", **fields)
    return message


def _quiet_help_metavars(command: Any, ctx: Any) -> None:
    """No `<bool>` after -h/--help and no `<list[str]>` or `<str>` after an argument."""
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        help_option.metavar = ""
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # its name and help say it


class CjtoolCommand(TyperCommand):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        _quiet_help_metavars(self, ctx)
        super().format_help(ctx, formatter)


def _lang_from_args(args: list[str]) -> None:
    """--lang as typed, read before Click parses the command: an error in parsing the
    other options (an unknown option, a missing argument) is then worded in it too."""

    for i, a in enumerate(args):
        value = (
            a.partition("=")[2]
            if a.startswith("--lang=")
            else args[i + 1]
            if a == "--lang" and i + 1 < len(args)
            else None
        )
        if value in LANGUAGES:
            set_lang(value)


class CjtoolGroup(TyperGroup):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        _quiet_help_metavars(self, ctx)
        super().format_help(ctx, formatter)

    def invoke(self, ctx: Any) -> Any:

        reset_lang()
        _lang_from_args([*getattr(ctx, "_protected_args", []), *ctx.args])
        try:
            return super().invoke(ctx)
        except CjtoolError as exc:
            if _debug_enabled(ctx):
                traceback.print_exc()
            error_line(exc.in_lang(current_lang()))
            raise typer.Exit(int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort):
            raise
        except ClickException as exc:  # usage errors: one line, like every other error
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            sub = getattr(exc, "ctx", None)
            where = t("opt_see_help", current_lang()).format(cmd=sub.command_path) if sub is not None else ""
            error_line(option_message(exc) + where)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated): cleaned up on the way out
            terminated = isinstance(exc, Terminated)
            error_line(t("terminated" if terminated else "interrupted", current_lang()))
            raise typer.Exit(int(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            quiet_broken_pipe()
            raise typer.Exit(0) from None
        except (PermissionError, IsADirectoryError) as exc:  # an input cjtool may not read
            if _debug_enabled(ctx):
                traceback.print_exc()
            where = f"{exc.filename}: " if exc.filename else ""
            what = t("e_open_permissions" if isinstance(exc, PermissionError) else "e_open_give_file", current_lang())
            error_line(where + t("e_cannot_open", current_lang()).format(why=exc.strerror or exc, what=what))
            raise typer.Exit(int(ExitCode.DATA)) from None
        except Exception as exc:
            if type(exc).__module__.startswith("typer"):  # usage errors: Click prints them
                raise
            if _debug_enabled(ctx):
                traceback.print_exc()
            error_line(t("internal_error", current_lang()).format(what=f"{type(exc).__name__}: {exc}"))
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            reset_lang()  # a library call after a CLI run (tests, notebooks) is in English again


app = typer.Typer(
    cls=CjtoolGroup,
    name="cjtool",
    help=(
        "Customer-journey mapping from event exports: stages, funnel, drop-off, pain points "
        "and journey maps.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"cjtool {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.", metavar="")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.", metavar=""
        ),
    ] = False,
) -> None:
    """Customer-journey mapping from event exports."""


def _register() -> None:
    commands = (map_cmd, customers_cmd, compare_cmd, validate_cmd, check_cmd, report_cmd, models_cmd, moments_cmd)
    for module in (*commands, paths_cmd, value_cmd):
        module.register(app)
    for info in app.registered_commands:  # every command's help without type placeholders
        if info.cls in (None, TyperCommand):
            info.cls = CjtoolCommand


_register()


def main() -> None:
    # Like other Unix tools, end quietly when the reader of a pipe goes away (`| head`).
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # SIGTERM (a cancelled CI job, `docker stop`) unwinds like Ctrl-C: temporary files and
    # folders (outputs being written, parts, Spark's) are removed on the way out; exit 143
    if hasattr(signal, "SIGTERM") and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    app()


def _terminate(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated()
