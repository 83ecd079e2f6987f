"""Typed errors and the exit codes they map to.

Deep code raises one of these; only the CLI (``cjtool.cli.app``) turns them into a
message on stderr and an exit code, so the library stays usable from Python.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, TypeVar

from cjtool.i18n import current_lang, t

Words = tuple[str, dict[str, Any]]


class ExitCode(IntEnum):
    """Documented process exit codes (README, ``cjtool --help``)."""

    OK = 0
    GATE_FAILED = 1  # `cjtool check`: at least one gate failed
    USAGE = 2  # unknown option, missing file, bad option value (Click's own code)
    MODEL = 3  # the journey model is invalid
    DATA = 4  # the event data cannot be used
    OUTPUT = 5  # an output could not be written
    INTERNAL = 70  # a bug in cjtool (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C
    TERMINATED = 143  # SIGTERM (128 + 15), cleaned up as for Ctrl-C


class CjtoolError(Exception):
    """Base class: a message for the user and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.DATA

    def __init__(self, message: str, *, hint: str | None = None, words: Words | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.words = words  # (catalogue key, fields): the message in any language (cjtool.i18n)

    def __str__(self) -> str:
        """The one line the user sees: what is wrong; what to do."""
        return self.message + (f"; {self.hint}" if self.hint else "")

    def in_lang(self, lang: str) -> str:
        """The line in ``lang``: from the catalogue when the raiser gave ``words``
        (``worded``), else as raised."""
        if lang == "en":
            return str(self)

        if self.words is None:
            return self.message + (t("hint_sep", lang) + self.hint if self.hint else "")
        key, fields = self.words
        return t(key, lang).format(**fields)


E = TypeVar("E", bound="CjtoolError")


def worded(cls: type[E], key: str, **fields: Any) -> E:
    """An error of ``cls`` whose message is the catalogue's ``key`` (cjtool.i18n) filled
    with ``fields``: English as the message, every language at the CLI (``in_lang``)."""

    return cls(t(key, "en").format(**fields), words=(key, fields))


class UsageError(CjtoolError):
    exit_code = ExitCode.USAGE


class ModelError(CjtoolError):
    """An invalid journey model. ``problems`` holds every problem found, one line each."""

    exit_code = ExitCode.MODEL

    def __init__(self, problems: list[str] | str, *, hint: str | None = None, words: Words | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        # an unknown key is usually the cause of the other problems (a misspelt
        # `touchpoints:` leaves a stage that "can match nothing"): lead with it

        lang = current_lang()
        unknown = t("m_unknown_key", lang).partition("`")[0]
        first = next(
            (p for p in self.problems if "unknown key" in p or unknown in p),
            self.problems[0] if self.problems else t("zl_invalid_model", lang),
        )
        more = len(self.problems) - 1
        message = (
            first
            if more == 0
            else t("m_more", lang).format(first=first, n=more, s="s" if more > 1 and lang == "en" else "")
        )
        super().__init__(message, hint=hint, words=words if len(self.problems) == 1 else None)


class DataError(CjtoolError):
    exit_code = ExitCode.DATA


class RejectedRows(DataError):
    """--strict and rows to reject: the first of them (``why``; ``at`` its (file index, row
    in file)) and how many there are (``n``), so a run read in parts can name the input's
    first and count them all (``cjtool.partitions``). Made by ``of``; the constructor keeps
    DataError's, as a Spark task's error is raised again from (class, message, hint)."""

    def __init__(
        self, message: str, *, hint: str | None = None, why: str = "", n: int = 0, at: tuple[int, int] = (0, 0)
    ) -> None:
        super().__init__(message, hint=hint)
        self.why, self.n, self.at = why, n, at

    @classmethod
    def of(cls, where: str, why: str, n: int, at: tuple[int, int]) -> RejectedRows:

        lang = current_lang()
        text = t("strict_all", lang).format(where=where, why=why, n=n, s="s" * (n > 1) if lang == "en" else "")
        return cls(text, why=why, n=n, at=at)


class OutputError(CjtoolError):
    exit_code = ExitCode.OUTPUT


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the CLI's handler: a KeyboardInterrupt, so every clean-up that
    runs on Ctrl-C runs for it too; the CLI exits 143 for it."""
