"""The documentation runs: every `cjtool` command in a ```sh block of README.md and docs/
is run (in a temporary folder holding a copy of examples/) and must end with the exit
code the page says (0, or `# exit N` at the end of its line); the Python of
docs/python-api.md runs too. A block that needs Spark says so in the line before it
(`<!-- needs: spark -->`): it runs where pyspark and Java are installed (as in CI, which
installs the `spark` extra) and is skipped with that reason elsewhere. The README's two
set-up commands are the ones `.ci/run` and a new user run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NEEDS = {"spark": "needs Spark (pyspark and Java 17+), not installed here"}


def available(need: str) -> bool:
    """Whether what a block needs is installed (only Spark so far)."""
    import importlib.util

    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java") or (java_home and Path(java_home, "bin", "java").exists())
    return importlib.util.find_spec("pyspark") is not None and bool(java)


def blocks(page: Path, language: str) -> list[tuple[int, str, str | None]]:
    """(line of the fence, the block's text, what it needs) of every ```language block."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        if lines[i].strip() == f"```{language}":
            start, body = i + 1, []
            i += 1
            while lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            m = re.match(r"<!-- needs: (\w+) -->", lines[start - 2].strip()) if start >= 2 else None
            out.append((start, "\n".join(body), m.group(1) if m else None))
        i += 1
    return out


def commands(page: Path) -> list[tuple[str, int, str, int, str | None]]:
    """(page, line, command, expected exit code, what it needs) of each `cjtool` line."""
    out = []
    for start, text, needs in blocks(page, "sh"):
        lines = text.replace("\\\n", " ").splitlines()
        for offset, line in enumerate(lines):
            if line.startswith("cjtool "):
                m = re.search(r"#\s*exit (\d+)", line)
                out.append((page.name, start + offset + 1, line, int(m.group(1)) if m else 0, needs))
    return out


COMMANDS = [c for page in PAGES for c in commands(page)]


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("docs") / "examples"
    shutil.copytree(ROOT / "examples", copy)
    return copy


@pytest.fixture
def in_tmp(tmp_path, examples, monkeypatch) -> Path:
    (tmp_path / "examples").symlink_to(examples, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_pages_have_examples():
    pages = {page for page, *_ in COMMANDS}
    assert {"README.md", "map.md", "models.md", "ci.md", "paths.md"} <= pages
    readme = [c for page, _, c, _, _ in COMMANDS if page == "README.md"]
    for command in ("map", "customers", "moments", "paths", "compare", "check", "report", "validate", "models", "init"):
        assert [c for c in readme if c.split()[1] == command], f"README: no example of `cjtool {command}`"


@pytest.mark.parametrize(
    ("page", "line", "command", "code", "needs"), COMMANDS, ids=[f"{c[0]}:{c[1]}" for c in COMMANDS]
)
def test_a_documented_command_runs(cli, in_tmp, page, line, command, code, needs):
    if needs and not available(needs):
        pytest.skip(NEEDS[needs])
    args = shlex.split(command, comments=True)[1:]
    assert not {"|", ">", ">>", "&&", ";"} & set(args), f"{page}:{line}: one plain command per line"
    r = cli(*args)
    assert r.exit_code == code, f"{page}:{line}: `{command}` exited {r.exit_code}\n{r.output[-2000:]}"


def test_the_python_api_page_runs(in_tmp, capsys):
    namespace: dict[str, object] = {}
    for _, text, _ in blocks(ROOT / "docs" / "python-api.md", "python"):
        exec(compile(text, "python-api.md", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert "checkout" in printed and printed.rstrip().endswith("366")  # the win-back list's size


def test_the_set_up_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tests = ci[ci.index("# The README's test command (keep the two in step):") + 1]
    setup = [text for _, text, _ in blocks(ROOT / "README.md", "sh") if text.startswith("python3 -m venv")]
    assert len(setup) == 2, "the README has its two set-up commands"
    assert setup[1] == "python3 -m venv .venv && . .venv/bin/activate && " + tests
    assert setup[0].endswith(
        "&& python -m pip install . && cjtool map examples/aipl_events.csv --model examples/aipl.yaml"
    )
    assert "Python 3.11" in readme
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


# pages other branches add (the lead merges them); a link to them is not broken
FORTHCOMING = {"value.md", "chinese-data.md", "language.md", "robustness.md", "decisions.md"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_links_between_pages_lead_somewhere(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a URL
        path = (page.parent / target).resolve()
        assert path.exists() or path.name in FORTHCOMING, f"{page.name}: link to {target} leads nowhere"
