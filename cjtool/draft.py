"""A draft journey model from event data (`cjtool init --from events.csv`).

Only the role columns are read (no timestamp parsing: a draft should list every touchpoint
the data has, even in rows a model would reject); the touchpoints are counted and written
by volume as commented list items under placeholder stages, for the user to move.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack

import polars as pl

from cjtool.events import _scan_one
from cjtool.i18n import fmt_int
from cjtool.model import JourneyModel, Stage, Text

PLACEHOLDER_STAGES = 3
LISTED = 200  # touchpoints written out; the rest are summed in one comment


def touchpoint_volumes(
    events: list[str], columns: dict[str, str] | None = None, *, encoding: str | None = None
) -> list[tuple[str, int]]:
    """(touchpoint, events) over ``events``, most events first, then by name."""
    reader = JourneyModel(name="draft", stages=(Stage("draft", Text.of("draft"), match="."),))
    reader = reader.with_overrides(columns=columns or {})
    with ExitStack() as stack:
        frames = [_scan_one(src, reader, encoding, stack).lf.select("touchpoint") for src in events]
        counts = (
            pl.concat(frames)
            .filter(pl.col("touchpoint").is_not_null() & (pl.col("touchpoint").str.strip_chars() != ""))
            .group_by("touchpoint")
            .len()
            .sort(["len", "touchpoint"], descending=[True, False])
            .collect(engine="streaming")
        )
    return list(zip(counts["touchpoint"].to_list(), counts["len"].to_list(), strict=True))


_PLAIN = re.compile(r"^[\w][\w .\-/]*$")


def _yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that stays a string: plain when safe, else double-quoted."""
    plain = _PLAIN.match(text) and text == text.strip() and not re.match(r"^[\d.+\-]", text)
    if plain and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"):
        return text
    return json.dumps(text, ensure_ascii=False)


_WORDS = {
    "en": {
        "head": "# cjtool journey model: a draft from {source} ({events} events at {n} touchpoints).",
        "todo": (
            "# To finish it: rename the stages (id, label), put each touchpoint listed under\n"
            "# `touchpoints:` into the stage it belongs to (uncomment the line and move it;\n"
            "# or use `match:`, a regular expression), delete what you do not need, then check\n"
            "# it with `cjtool validate --model THIS_FILE {source}`. `cjtool init aipl` writes a\n"
            "# complete model whose comments explain every key."
        ),
        "stages": "# stages: in journey order; an event goes to the FIRST stage that matches it.",
        "list": "# the touchpoints of the data by volume (events); move each line into its stage:",
        "more": "# ... and {n} more touchpoints with {events} events in all",
    },
    "zh": {
        "head": "# cjtool 旅程模型：根据 {source} 生成的草稿（{n} 个触点，共 {events} 个事件）。",
        "todo": (
            "# 完成草稿：给各阶段改名（id、label），把 `touchpoints:` 下列出的每个触点\n"
            "# 移到它所属的阶段（取消注释并移动该行；也可以用正则表达式 `match:`），\n"
            "# 删掉不需要的内容，然后用 `cjtool validate --model 本文件 {source}` 检查。\n"
            "# `cjtool init aipl --lang zh` 会写出一个完整的模型，注释逐项说明每个配置。"
        ),
        "stages": "# stages：按旅程顺序排列；每个事件归入第一个匹配它的阶段。",
        "list": "# 数据中的触点，按事件数从多到少；把每一行移到它所属的阶段：",
        "more": "# …… 另有 {n} 个触点，共 {events} 个事件",
    },
}


def draft_yaml(
    name: str, volumes: list[tuple[str, int]], *, source: str, columns: dict[str, str] | None = None, lang: str = "en"
) -> str:
    """The YAML text of a draft model: placeholder stages, the data's touchpoints as comments."""
    w = _WORDS["zh" if lang == "zh" else "en"]
    total = sum(n for _, n in volumes)
    lines = [
        w["head"].format(source=source, events=fmt_int(total), n=fmt_int(len(volumes))),
        w["todo"].format(source=source),
        "",
        f"name: {_yaml_scalar(name)}",
        "mode: ordered",
    ]
    if columns:
        lines.append("columns:")
        lines += [f"  {role}: {_yaml_scalar(header)}" for role, header in columns.items()]
    lines += ["", w["stages"], "stages:"]
    width = max((len(_yaml_scalar(tp)) for tp, _ in volumes[:LISTED]), default=0)
    for i in range(1, PLACEHOLDER_STAGES + 1):
        en, zh = f"Stage {i}", f"阶段 {i}"
        lines += [f"  - id: stage_{i}", f"    label: {{en: {en}, zh: {zh}}}", "    touchpoints:"]
        if i == 1:
            lines.append("      " + w["list"])
            for tp, n in volumes[:LISTED]:
                lines.append(f"      # - {_yaml_scalar(tp).ljust(width)}  # {fmt_int(n)}")
            rest = volumes[LISTED:]
            if rest:
                lines.append("      " + w["more"].format(n=fmt_int(len(rest)), events=fmt_int(sum(n for _, n in rest))))
    return "\n".join(lines) + "\n"
