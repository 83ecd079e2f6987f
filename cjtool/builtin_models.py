"""The journey models that ship with cjtool (YAML files under ``cjtool/models``)."""

from __future__ import annotations

from importlib import resources

_FILES = {"aipl": "aipl.yaml", "5a": "5a.yaml", "b2b": "b2b.yaml", "experience": "experience.yaml"}


def names() -> list[str]:
    return [n for n in _FILES if resources.files("cjtool.models").joinpath(_FILES[n]).is_file()]


def read(name: str) -> bytes:
    """The commented YAML text of a built-in model, as shipped (what `cjtool init` writes)."""
    return resources.files("cjtool.models").joinpath(_FILES[name]).read_bytes()
