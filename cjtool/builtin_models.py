"""The journey models that ship with cjtool (YAML files under ``cjtool/models``)."""

from __future__ import annotations

import re
from importlib import resources

_FILES = {"aipl": "aipl.yaml", "5a": "5a.yaml", "b2b": "b2b.yaml", "experience": "experience.yaml"}

# a commented-out line of YAML (`# gates:`, `#   min_conversion: {purchase: 5%}`): kept as is
_COMMENTED_YAML = re.compile(r'^\s*#\s*[a-z_]+:(\s*\{[^}]*\}|\s*"[^"]*")?\s*$')


def names() -> list[str]:
    return [n for n in _FILES if resources.files("cjtool.models").joinpath(_FILES[n]).is_file()]


def read(name: str, lang: str = "en") -> bytes:
    """The commented YAML text of a built-in model (what `cjtool init` writes); with
    ``lang="zh"`` its comments are in Chinese (the YAML itself is unchanged)."""
    raw = resources.files("cjtool.models").joinpath(_FILES[name]).read_bytes()
    if lang != "zh":
        return raw
    return translate_comments(raw.decode("utf-8")).encode("utf-8")


def translate_comments(text: str) -> str:
    from cjtool.models.comments_zh import ZH  # lazy: a large table, read only for Chinese comments

    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") and line in ZH:
            if ZH[line] is not None:
                out.append(ZH[line])
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def untranslated_comments(name: str) -> list[str]:
    """Comment lines of a built-in model with no Chinese translation (prose only)."""
    from cjtool.models.comments_zh import ZH  # lazy: a large table, read only for Chinese comments

    text = read(name).decode("utf-8")
    return [
        line
        for line in text.splitlines()
        if line.lstrip().startswith("#") and line not in ZH and not _COMMENTED_YAML.match(line)
    ]
