"""A Chinese run has no English left in its error lines: every error cjtool raises takes its
message and its hint from the language catalogue (``cjtool.i18n``: ``say``, ``t``, or
``worded``), never from an English string written at the raise. Read from the source with
``ast``: a call to one of the error classes whose message (first argument, or ``message=`` /
``problems=``) or ``hint=`` is a string literal or an f-string with letters in its fixed
text fails the test, naming file and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import cjtool

ROOT = Path(cjtool.__file__).parent

ERRORS = {"UsageError", "DataError", "ModelError", "RejectedRows", "CjtoolError", "OutputError"}
LETTERS = re.compile(r"[^\W\d_]")  # a letter of any script

# (file relative to cjtool/, line text fragment): literals that are not words to translate.
# Empty: every message found so far goes through the catalogue.
ALLOWED: set[tuple[str, str]] = set()


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _fixed_text(node: ast.expr) -> str | None:
    """The fixed text of a string literal or an f-string (its non-field parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "a" + "b"
        left, right = _fixed_text(node.left), _fixed_text(node.right)
        if left is not None or right is not None:
            return (left or "") + (right or "")
    return None


def english_literals(source: str, name: str) -> list[str]:
    """``name:line: text`` for each error raised with words written in place."""
    found = set()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _called(node) not in ERRORS:
            continue
        texts = [node.args[0]] if node.args else []
        texts += [kw.value for kw in node.keywords if kw.arg in ("message", "problems", "hint")]
        for text in texts:
            fixed = _fixed_text(text)
            if fixed is None or not LETTERS.search(fixed):
                continue
            line = lines[text.lineno - 1].strip()
            if any(name == file and fragment in line for file, fragment in ALLOWED):
                continue
            found.add((text.lineno, f"{name}:{text.lineno}: {line}"))
    return [text for _, text in sorted(found)]


def test_the_guard_sees_english_and_lets_the_catalogue_pass() -> None:
    bad = (
        'raise UsageError(f"--unit {unit}: use day or week")\n'
        'raise DataError(say("x"), hint="fix that row")\n'
        'raise errors.ModelError("unknown")\n'
        'raise OutputError(f"{out}: exists")\n'
    )
    assert [line.split(":")[1] for line in english_literals(bad, "x.py")] == ["1", "2", "3", "4"]
    good = (
        'raise UsageError(say("v_unit", unit=unit))\n'
        'raise DataError(f"{where}: {why}", hint=say("fix_row"))\n'
        'raise worded(UsageError, "v_unit", unit=unit)\n'
        'raise DataError(f"{a} — {b}")\n'
    )
    assert english_literals(good, "x.py") == []


def test_no_error_is_raised_with_english_written_in_place() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        found += english_literals(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert not found, "error text not in the catalogue (cjtool/i18n.py):\n" + "\n".join(found)
