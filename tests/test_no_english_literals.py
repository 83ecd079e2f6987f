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
import sys
from pathlib import Path

import pytest

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


# ------------------------------------------------------------- a Chinese run, end to end

AIPL = Path(__file__).resolve().parent.parent / "examples" / "aipl_events.csv"


def test_value_horizon_in_chinese(cli) -> None:
    r = cli("value", AIPL, "-m", "aipl", "--horizon", "bad", "--lang", "zh")
    assert r.exit_code == 2
    assert "--horizon 'bad'：应为正的时长，例如 39w 或 90d" in r.stderr
    assert "expected" not in r.stderr and "duration" not in r.stderr


def test_value_horizon_english_unchanged(cli) -> None:
    r = cli("value", AIPL, "-m", "aipl", "--horizon", "bad")
    assert r.exit_code == 2
    assert "--horizon 'bad': expected a positive duration such as 39w or 90d" in r.stderr


def test_sheet_on_a_csv_warns_in_chinese(cli) -> None:
    r = cli("map", AIPL, "-m", "aipl", "--sheet", "x", "--lang", "zh")
    assert r.exit_code == 0
    assert "--sheet 只用于 Excel 工作簿；此 CSV 文件按原样读取" in r.stderr
    assert "workbooks" not in r.stderr and "read as it is" not in r.stderr


def test_customers_value_with_spark_in_chinese(cli, tmp_path: Path) -> None:
    # refused before pyspark is imported or Spark started
    r = cli("customers", AIPL, "-m", "aipl", "--value", "--engine", "spark", "-o", tmp_path / "out", "--lang", "zh")
    assert r.exit_code == 2
    assert "--value 需要在一处计算全部数据：请用 --engine polars" in r.stderr
    assert "whole run" not in r.stderr and "use --engine" not in r.stderr


def test_option_problems_in_chinese(cli) -> None:
    r = cli("map", AIPL, "-m", "aipl", "--timezone", "Mars/Base", "--lang", "zh")
    assert r.exit_code == 2
    assert "--timezone：未知的时区 'Mars/Base'" in r.stderr and "unknown" not in r.stderr
    r = cli("map", AIPL, "-m", "aipl", "--column", "time=x", "--lang", "zh")
    assert r.exit_code == 2
    assert "--column：`time` 需要 `date`" in r.stderr and "needs" not in r.stderr
    r = cli("check", AIPL, "-m", "aipl", "--min-conversion", "purchase=3", "--lang", "zh")
    assert r.exit_code == 2
    assert "--min-conversion 'purchase=3'：3 不是 0 到 1 之间的比例" in r.stderr and "share" not in r.stderr
    r = cli("check", AIPL, "-m", "aipl", "--strict-baseline", "--min-conversion", "purchase=0.1", "--lang", "zh")
    assert r.exit_code == 2
    assert "--strict-baseline 须与 --baseline FILE 一起使用" in r.stderr and "goes with" not in r.stderr


def test_a_long_row_in_chinese(cli, tmp_path: Path, small) -> None:
    model, _ = small
    events = tmp_path / "long.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint\nc1,2024-01-01,ad\nc2,2024-01-01,view,extra\n", encoding="utf-8"
    )
    r = cli("map", events, "-m", model, "--lang", "zh")
    assert r.exit_code == 4
    assert "long.csv 第 3 行：有 4 个字段，但表头只有 3 个；请修正该行；含逗号的值须放在双引号中" in r.stderr
    assert "fields" not in r.stderr and "fix that row" not in r.stderr
    r = cli("map", events, "-m", model)
    assert "long.csv: line 3: 4 fields, but the header has 3; fix that row" in r.stderr


def test_a_model_problem_in_chinese(cli, tmp_path: Path, small) -> None:
    model, events = small
    model.write_text(model.read_text(encoding="utf-8") + "targets:\n  view: 2\n", encoding="utf-8")
    r = cli("map", events, "-m", model, "--lang", "zh")
    assert r.exit_code == 3
    assert "targets.view: 应为 0 到 1 之间的流失率（0.2 或 20%）" in r.stderr
    assert "expected" not in r.stderr and "drop-off rate" not in r.stderr


def test_spark_refusals_in_chinese(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    aipl = ["map", AIPL, "-m", "aipl", "--engine", "spark", "--lang", "zh"]
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if pyspark were not installed
    r = cli(*aipl)
    assert r.exit_code == 2
    assert (
        '--engine spark 需要 pyspark，但它没有安装；pip install "cjtool[spark]"（pyspark 4，需 Java 17 或更高版本）'
        in r.stderr
    )
    assert "not installed" not in r.stderr and "with Java" not in r.stderr
    monkeypatch.delitem(sys.modules, "pyspark.sql")
    pytest.importorskip("pyspark.sql")
    monkeypatch.setenv("PATH", str(tmp_path))  # no java: refused before Spark starts
    monkeypatch.delenv("JAVA_HOME", raising=False)
    r = cli(*aipl)
    assert r.exit_code == 2
    assert "--engine spark 需要 Java（17 或更高版本）：PATH 中没有 `java`，也没有设置 JAVA_HOME；请安装 JDK" in r.stderr
    assert "needs Java" not in r.stderr and "install a JDK" not in r.stderr
