"""cjtool's house: its modules import each other without circles, and in layers a newcomer
can draw (STYLE.md): cli -> api -> analyses -> metrics / journeys -> engine / events ->
model, with render beside analyses (renderers read results; results never import
renderers). The graph is read from the source with ``ast``: every import, including the
ones inside functions (a lazy import may keep start-up light; it may not hide a circle).
Every module also says in its first lines what it is for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cjtool

ROOT = Path(cjtool.__file__).parent

# A module's layer: it may import its own layer and the ones below, never one above.
# Longest prefix wins; a new top-level module needs a line here (a test says so).
LAYERS = {
    # plumbing every layer may use: no journey logic
    "cjtool.errors": 0,
    "cjtool.yamlsafe": 0,
    "cjtool.encoding": 0,
    "cjtool.timestamps": 0,
    "cjtool.i18n": 0,
    "cjtool.safe_text": 0,
    "cjtool.output": 0,
    "cjtool.parquet": 0,
    "cjtool.gate_kinds": 0,
    "cjtool.stats": 0,
    "cjtool.models": 0,
    "cjtool.fonts": 0,
    # the journey model
    "cjtool.builtin_models": 1,
    "cjtool.model": 1,
    # reading events, the engine, the result types
    "cjtool.result": 2,
    "cjtool.events": 2,
    "cjtool.excel": 2,
    "cjtool.kernel": 2,  # the compiled journeys kernel (numba) the engine and the reader call  # workbooks read as their CSV export (events reads through it)
    "cjtool.engine": 2,
    # the journeys step and its rules
    "cjtool.journeys": 3,
    "cjtool.journey_rules": 3,
    # the journey map's metrics
    "cjtool.metrics": 4,
    "cjtool.partitions": 4,
    "cjtool.opportunities": 4,  # SPEC 17 over a map's counts: metrics computes them in finish
    # analyses over the journeys, gates, the Spark engine, model drafts
    "cjtool.analyses": 5,
    "cjtool.gates": 5,
    "cjtool.spark": 5,
    "cjtool.draft": 5,
    # renderers: beside the analyses, reading their results
    "cjtool.render": 6,
    # the library's entry points
    "cjtool.api": 7,
    "cjtool.validate": 7,
    # the command line: imported by nobody but `python -m cjtool`
    "cjtool.cli": 8,
    "cjtool.__main__": 9,
    # the package: `__version__`, and the API's names loaded on first use
    "cjtool": 8,
}
# never imported by the computing layers (renderers read results, results never import renderers)
COMPUTING = (
    "analyses",
    "metrics",
    "journeys",
    "journey_rules",
    "engine",
    "events",
    "model",
    "gates",
    "spark",
    "result",
)


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = modules()


def imported(name: str, path: Path) -> set[str]:
    """The cjtool modules ``name`` imports anywhere in its file (module level, functions,
    TYPE_CHECKING blocks). ``from cjtool import x`` is the module ``cjtool.x`` when there
    is one; the package itself (``__version__``) is left out."""
    out = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for t in targets:
            while t not in MODULES and "." in t:
                t = t.rpartition(".")[0]
            if t in MODULES and t.startswith("cjtool.") and t != name:
                out.add(t)
    return out


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    keys = [k for k in LAYERS if name == k or (k != "cjtool" and name.startswith(k + "."))]
    assert keys, f"{name}: give it a layer in LAYERS (tests/test_layers.py)"
    return LAYERS[max(keys, key=len)]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), or a module
    importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read(tmp_path):
    """The reader finds the imports it must (a broken reader would pass every test below)."""
    assert "cjtool.journeys" in GRAPH["cjtool.metrics"]
    assert "cjtool.cli.app" in GRAPH["cjtool.__main__"]
    assert len(GRAPH) > 60
    # relative imports, imports inside functions and `from cjtool import module` count too
    fake = tmp_path / "fake.py"
    fake.write_text("from ..metrics import x\ndef f():\n    from cjtool import model\n    import cjtool.engine\n")
    assert imported("cjtool.analyses.fake", fake) == {"cjtool.metrics", "cjtool.model", "cjtool.engine"}


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    found = cycles(GRAPH)
    assert not found, "import circles (move the code, not the import): " + "; ".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_lower_layers_never_import_upper_ones(name):
    up = sorted(t for t in GRAPH[name] if layer(t) > layer(name))
    assert not up, f"{name} (layer {layer(name)}) imports {up} from a layer above"


def test_computing_never_imports_a_renderer_and_nobody_imports_the_cli():
    for name, targets in GRAPH.items():
        short = name.removeprefix("cjtool.").split(".")[0]
        if short in COMPUTING:
            assert not [t for t in targets if t.startswith("cjtool.render")], name
        if not name.startswith("cjtool.cli") and name != "cjtool.__main__":
            assert not [t for t in targets if t.startswith("cjtool.cli")], name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_is_for(name):
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 4, f"{MODULES[name]}: start with a docstring saying what the module is for"


def test_an_import_inside_a_function_says_why():
    """A lazy import keeps start-up light (matplotlib, scipy, pyspark, an analysis only one
    option needs) and says so in a comment on its line or above its group of imports; an
    import that would close a circle fails test_no_import_cycles instead."""
    silent = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if not isinstance(sub, ast.Import | ast.ImportFrom) or not imported_cjtool(sub):
                    continue
                i = sub.lineno - 1
                while i > 0 and lines[i - 1].lstrip().startswith(("from ", "import ")) and "#" not in lines[i]:
                    i -= 1  # the head of a group of imports
                if (
                    "#" not in lines[sub.lineno - 1]
                    and "#" not in lines[i]
                    and not lines[i - 1].lstrip().startswith("#")
                ):
                    silent.append(f"{path.relative_to(ROOT.parent)}:{sub.lineno}")
    assert not silent, "say why these imports are inside a function (# lazy: ...): " + ", ".join(silent)


def imported_cjtool(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "cjtool"
    return any(a.name.split(".")[0] == "cjtool" for a in node.names)
