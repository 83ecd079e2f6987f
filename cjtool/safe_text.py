"""Names from event files made safe for terminals, CI logs and text files.

A touchpoint, channel, segment value or customer id is data: it may hold a newline and a
GitHub workflow command (``\\n::error::...``, ``::stop-commands::``, the legacy ``##[``),
a terminal escape (``ESC]52`` writes the clipboard, ``ESC[2J`` clears the screen, OSC 8
hides a link), or a line separator that splits a Markdown line. Two layers keep them out:

* ``visible(name)`` where a name is put into text: control characters become visible escapes
  (``\\n``, ``\\u001b``), and the name can neither start a workflow command nor hold ``##[``;
* ``guard(text)`` on every text cjtool writes (``SafeConsole`` for rich, ``output.emit``):
  the same escapes for any control character but the line breaks and tabs it laid out itself,
  and no line may start a workflow command. cjtool's own annotations (``check`` on GitHub)
  are written past it on purpose.

The escapes are also valid JSON string escapes, so a JSON document stays the same value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0, DEL, C1 (NEL U+0085 among them), the line and paragraph separators, and the bidirectional
# overrides and isolates that reorder what a reader sees ("Trojan source")
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_IN_NAME = re.compile("[" + _CONTROL + "]")
_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f" + _CONTROL[len("\x00-\x1f") :] + "]")  # all but tab and newline
# A workflow command is a line whose first non-blank characters are "::"; the runner's legacy
# parser takes "##[" anywhere in a line. ANSI colour codes in front of it do not count.
_LEADING_COMMAND = re.compile(r"^((?:\s|\x1b\[[0-9;]*m)*):")
_LEGACY_COMMAND = "##["


def _escape(ch: str) -> str:
    return _NAMED.get(ch) or f"\\u{ord(ch):04x}"


@functools.cache
def control_escapes() -> dict[str, str]:
    """Every character ``visible`` escapes -> its escape (for polars' ``str.replace_many``)."""
    chars = [chr(c) for c in range(0x110000) if c < 0x3000 and _IN_NAME.match(chr(c))]
    return {ch: _escape(ch) for ch in chars}


def escaped(name: Any) -> str:
    """``name`` with every control character as a visible escape (for pictures, which
    cannot run commands but would draw a box or crash on them)."""
    return _IN_NAME.sub(lambda m: _escape(m.group()), str(name))


def visible(name: Any) -> str:
    """``name`` as one line of inert text: every control character as a visible escape,
    no leading ``::`` and no ``##[``. Plain names come back unchanged."""
    return _neutral_commands(escaped(name))


def cell(value: Any) -> str:
    """A CSV cell: control characters as visible escapes and no ``##[``; a leading ``::`` is
    kept (an IPv6-like id ``::1`` must join back to the source): ``csv_lines`` quotes the
    field when it would start a line."""
    return escaped(value).replace(_LEGACY_COMMAND, "#\\u0023[")


def csv_lines(text: str) -> str:
    """CSV text whose lines cannot start a workflow command: a first field starting with
    ``::`` (after blanks) is quoted, which any CSV reader reads back as the same value. Only
    for CSV of ``cell``s (one record a line; an unquoted field holds no comma or quote)."""
    if "::" not in text:
        return text
    out, quoted = [], False
    for line in text.split("\n"):
        if not quoted and line.lstrip(" \t").startswith("::"):  # not inside a quoted field
            first, sep, rest = line.partition(",")
            line = f'"{first}"{sep}{rest}'
        quoted ^= line.count('"') % 2 == 1
        out.append(line)
    return "\n".join(out)


def _neutral_commands(line: str) -> str:
    line = line.replace(_LEGACY_COMMAND, "#\\u0023[")
    return _LEADING_COMMAND.sub(lambda m: m.group(1) + "\\u003a", line, count=1) if "::" in line else line


@functools.cache
def control_pattern() -> str:
    """A regex class (Rust syntax, for polars' ``str.contains``) of every character
    ``visible`` escapes."""
    return "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in control_escapes()) + "]"


def guard(text: str, *, keep_ansi: bool = False) -> str:
    """Text about to be written, made safe line by line: control characters other than
    newline and tab escaped (ESC kept only with ``keep_ansi``, for rich's own colours on a
    terminal, whose data segments ``SafeConsole`` escapes first), and no line that starts a
    workflow command."""
    if keep_ansi:
        text = _IN_TEXT.sub(lambda m: m.group() if m.group() == "\x1b" else _escape(m.group()), text)
    else:
        text = _IN_TEXT.sub(lambda m: _escape(m.group()), text)
    if "::" not in text and _LEGACY_COMMAND not in text:
        return text
    return "\n".join(_neutral_commands(line) for line in text.split("\n"))


class SafeConsole(Console):
    """A rich console whose output cannot carry a name's control characters: each text
    segment is escaped before rich adds its own styles and controls, and the rendered text
    is guarded line by line (a name's newline that rich laid out as a line break cannot
    start a workflow command either). Console markup and emoji codes are off: a name such
    as `[link=https://…]x[/link]` or `[/x]` is text, not a hidden link or a crash."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        clean = (
            seg if seg.control or seg.text == "\n" else Segment(guard(seg.text), seg.style, seg.control)
            for seg in buffer
        )
        return guard(super()._render_buffer(clean), keep_ansi=True)
