"""Safe YAML reading that keeps line numbers and refuses YAML's traps.

* No aliases: an alias is a shared reference, and a few hundred bytes of nested aliases
  ("billion laughs") explode when walked. Anchors alone are harmless and allowed.
* No tags beyond the core schema (``!!python/object`` and friends are refused).
* No duplicate keys (plain PyYAML silently keeps the last one).
* Plain scalars stay strings: YAML 1.1 turns ``no`` into False, ``010`` into 8 and
  ``1:30`` into 90, which is never what a touchpoint called ``no`` means. Callers
  convert numbers themselves. Only ``null``/``~``/empty become None.

The result is plain Python data plus ``lines``: the 1-based line of every path, so a
semantic error can point at the line the user has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from cjtool.errors import ModelError
from cjtool.i18n import say

Path = tuple[str | int, ...]

_MAX_DEPTH = 64  # a journey model is a few levels deep; deeper is an attack or a mistake
_MAX_NODES = 200_000


@dataclass
class YamlDoc:
    data: Any
    source: str
    lines: dict[Path, int] = field(default_factory=dict)

    def where(self, path: Path) -> str:
        """``file:line`` of the nearest known ancestor of ``path``."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        line = self.lines.get(p)
        return f"{self.source}:{line}" if line else self.source


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                "while reading the model",
                None,
                say("zl_yaml_alias", anchor=event.anchor),
                event.start_mark,
            )
        return super().compose_node(parent, index)


_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    _NULL_TAG,
    _STR_TAG,
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


def load_yaml(text: str, source: str) -> YamlDoc:
    """Parse one YAML document. Raises ModelError with ``file:line:col`` on any problem."""
    loader = None
    try:
        loader = _NoAliasLoader(text)  # the reader already refuses control characters here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = exc.problem or exc.context or "invalid YAML"
        raise ModelError(say("y_syntax", where=where, what=what)) from None
    except yaml.YAMLError as exc:
        raise ModelError(say("zl_yaml_error", source=source, what=" ".join(str(exc).split()))) from None
    except RecursionError:
        raise ModelError(say("y_deep", where=source)) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = YamlDoc(data=None, source=source)
    if node is None:
        return doc
    counter = [0]
    doc.data = _walk(node, (), doc, counter)
    return doc


def _walk(node: yaml.Node, path: Path, doc: YamlDoc, counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > _MAX_NODES:
        raise ModelError(say("y_large", where=doc.source, n=_MAX_NODES))
    if len(path) > _MAX_DEPTH:
        raise ModelError(say("y_deep", where=doc.where(path)))
    mark = node.start_mark
    doc.lines.setdefault(path, mark.line + 1)
    at = f"{doc.source}:{mark.line + 1}:{mark.column + 1}"
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            raise ModelError(say("y_tag", where=at, tag=node.tag))
        if node.tag == _NULL_TAG and not node.style:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise ModelError(say("y_tag", where=at, tag=node.tag))
        return [_walk(item, path + (i,), doc, counter) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise ModelError(say("y_tag", where=at, tag=node.tag))
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kmark = key_node.start_mark
            kat = f"{doc.source}:{kmark.line + 1}:{kmark.column + 1}"
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise ModelError(say("y_merge", where=kat))
            key = key_node.value
            if key in out:
                raise ModelError(say("y_duplicate", where=kat, key=key))
            doc.lines[path + (key,)] = kmark.line + 1
            out[key] = _walk(value_node, path + (key,), doc, counter)
        return out
    raise ModelError(say("zl_yaml_node", at=at))  # pragma: no cover - PyYAML has 3 kinds
