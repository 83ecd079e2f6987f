"""Text outputs of ``cjtool paths``: terminal tables, JSON (``cjtool.paths/1``), CSV of the
transitions, Markdown and Graphviz DOT. Pure functions of a ``Paths`` result."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.text import Text

from cjtool.analyses.paths import Paths, Step, Transition
from cjtool.i18n import fmt_duration, fmt_int, fmt_num, fmt_pct, shown_value, t
from cjtool.render.machine import neutralise
from cjtool.render.markdown import md_escape
from cjtool.render.table import Column, print_fitted
from cjtool.safe_text import csv_lines

_L: dict[str, dict[str, str]] = {
    "title": {"en": "Paths", "zh": "路径"},
    "transitions": {"en": "Transitions between touchpoints", "zh": "接触点之间的转移"},
    "stage_transitions": {"en": "Transitions between stages", "zh": "阶段之间的转移"},
    "variants": {"en": "Path variants (stages)", "zh": "路径变体（阶段）"},
    "channels": {"en": "Channels", "zh": "渠道"},
    "from": {"en": "From", "zh": "从"},
    "to": {"en": "To", "zh": "到"},
    "cust": {"en": "Cust.", "zh": "客户"},
    "trans": {"en": "Times", "zh": "次数"},
    "gap": {"en": "Median gap", "zh": "中位间隔"},
    "back": {"en": "Back", "zh": "回退"},
    "path": {"en": "Path", "zh": "路径"},
    "share": {"en": "Share", "zh": "占比"},
    "done": {"en": "Completed", "zh": "走完"},
    "summary": {
        "en": "{n} customers · {c} completed · {b} went back to an earlier stage",
        "zh": "{n} 位客户 · {c} 位走完旅程 · {b} 位回到过更早的阶段",
    },
    "multi": {
        "en": "multichannel {x} of {n} customers with a channel · single-channel: {se} entered, {sc} completed · "
        "multichannel: {me} entered, {mc} completed",
        "zh": "有渠道的 {n} 位客户中多渠道占 {x} · 单渠道：{se} 进入，{sc} 走完 · 多渠道：{me} 进入，{mc} 走完",
    },
    "switch_rate": {"en": "Channel switch rate", "zh": "渠道切换率"},
    "removal": {"en": "Removal effect (Markov)", "zh": "移除效应（马尔可夫）"},
    "channel": {"en": "Channel", "zh": "渠道"},
    "effect": {"en": "Effect", "zh": "效应"},
    "stage": {"en": "Stage", "zh": "阶段"},
    "rate": {"en": "Rate", "zh": "比率"},
    "no_channels": {"en": "no channel values in the data", "zh": "数据中没有渠道"},
    "more": {"en": "… {n} more", "zh": "… 另有 {n} 条"},
    "steps_cut": {"en": "… ({n} steps)", "zh": "…（{n} 步）"},
}


PATH_HEAD, PATH_TAIL = 8, 2  # a variant longer than head + tail + 1 steps is shortened in text


def path_text(labels: list[str], lang: str = "en") -> str:
    """A variant's stages joined by arrows; a long one (a bot, a customer of 400,000 steps)
    keeps its first and last steps around `… (571,000 steps) →`: the JSON has it whole.
    Linear in the shown steps, whatever the path's length."""
    if len(labels) <= PATH_HEAD + PATH_TAIL + 1:
        return " → ".join(labels)
    cut = tr("steps_cut", lang, n=fmt_int(len(labels) - PATH_HEAD - PATH_TAIL))
    return " → ".join([*labels[:PATH_HEAD], cut, *labels[-PATH_TAIL:]])


PSEUDO_STEPS = ("(start)", "(dropped)", "(converted)", "(end)", "(other)")


def tr(key: str, lang: str, **kw: object) -> str:
    text = _L[key].get(lang) or _L[key]["en"]
    return text.format(**kw) if kw else text


def step_text(p: Paths, step: Step, lang: str, with_stage: bool = True) -> str:
    """A step as displayed: the pseudo-steps `(start)`, `(dropped)`, `(converted)`,
    `(end)` in the language (the JSON keeps SPEC 15's literal names)."""
    if step.stage is None and step.touchpoint in PSEUDO_STEPS:
        return t(f"step_{step.touchpoint.strip('()')}", lang)
    if not step.stage or step.touchpoint is None or not with_stage:  # pseudo, or matching no stage
        return step.label(p.model, lang)
    return f"{step.touchpoint} · {p.model.stages[step.stage - 1].label.get(lang)}"


def to_json(p: Paths) -> str:
    return json.dumps(p.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


CSV_COLUMNS = [
    "level",
    "from_stage",
    "from_touchpoint",
    "to_stage",
    "to_touchpoint",
    "customers",
    "transitions",
    "median_gap_s",
    "backward",
]


def to_csv(p: Paths, sanitize: bool = True) -> str:
    """Both transition tables, one row per transition (``level`` touchpoint or stage)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    d = p.to_dict()

    def text(v: object) -> str:
        if v is None:
            return ""
        s = str(v)
        return neutralise(s) if sanitize else s

    for level, key in (("touchpoint", "transitions"), ("stage", "stage_transitions")):
        for row in d[key]:
            w.writerow(
                [
                    level,
                    text(row["from"]["stage"]),
                    text(row["from"]["touchpoint"]),
                    text(row["to"]["stage"]),
                    text(row["to"]["touchpoint"]),
                    row["customers"],
                    row["transitions"],
                    "" if row["median_gap_s"] is None else repr(row["median_gap_s"]),
                    str(row.get("backward", False)).lower(),
                ]
            )
    return csv_lines(buf.getvalue())


def _transition_columns(p: Paths, rows: list[Transition], lang: str, stage_level: bool) -> list[Column]:
    cols = [
        Column(tr("from", lang), [step_text(p, x.src, lang, False) for x in rows], text=True, whole=True),
        Column(tr("to", lang), [step_text(p, x.dst, lang, False) for x in rows], text=True, whole=True),
        Column(tr("cust", lang), [fmt_int(x.customers) for x in rows]),
        Column(tr("trans", lang), [fmt_int(x.transitions) for x in rows], drop=2),
        Column(tr("gap", lang), [fmt_duration(x.median_gap_s, lang) for x in rows], drop=1),
    ]
    if stage_level:
        cols.append(Column(tr("back", lang), [Text("↩", style="yellow") if x.backward else "" for x in rows], width=4))
    return cols


def render_tables(p: Paths, console: Console, lang: str = "en", top: int = 10) -> None:
    console.print(Text(p.model.title.get(lang), style="bold"))
    console.print(tr("summary", lang, n=fmt_int(p.customers), c=fmt_int(p.completed), b=fmt_int(p.customers_backward)))
    if p.filters:
        console.print(Text(" · ".join(f"{k}: {v}" for k, v in p.filters.items()), style="dim"))
    console.print()
    for key, rows, stage_level in (
        ("transitions", p.transitions, False),
        ("stage_transitions", p.stage_transitions, True),
    ):
        shown = rows[:top]
        title = tr(key, lang) + (f" ({len(shown)}/{len(rows)})" if len(rows) > top else "")
        print_fitted(console, title, _transition_columns(p, shown, lang, stage_level), lang)
        if stage_level:  # under both transition tables: what they count, and where the funnel is
            console.print(Text(t("story_paths", lang) + "\n", style="dim"))
    vs = p.variants[:top]
    sid = [s.label.get(lang) for s in p.model.stages]
    title = tr("variants", lang) + (f" ({len(vs)}/{len(p.variants)})" if len(p.variants) > top else "")
    print_fitted(
        console,
        title,
        [
            Column(
                tr("path", lang), [path_text([sid[k - 1] for k in v.path], lang) for v in vs], text=True, whole=True
            ),
            Column(tr("cust", lang), [fmt_int(v.customers) for v in vs]),
            Column(tr("share", lang), [fmt_pct(v.share) for v in vs]),
            Column(tr("done", lang), [fmt_pct(v.completed_share) for v in vs], drop=1),
        ],
        lang,
    )
    render_channels(p, console, lang, top)


def _channel_lines(p: Paths, lang: str) -> str:
    ch = p.channels
    if not ch.customers:
        return tr("no_channels", lang)
    return tr(
        "multi",
        lang,
        x=fmt_pct(ch.multichannel),
        n=fmt_int(ch.customers),
        se=fmt_int(ch.single_entered),
        sc=fmt_int(ch.single_completed),
        me=fmt_int(ch.multi_entered),
        mc=fmt_int(ch.multi_completed),
    )


def render_channels(p: Paths, console: Console, lang: str, top: int) -> None:
    ch = p.channels
    console.print(Text(tr("channels", lang), style="bold"))
    console.print(_channel_lines(p, lang))
    if ch.switch_rate and ch.customers:  # no channel in the data: no switch table
        labels = [p.model.stages[k - 1].label.get(lang) for k, _ in ch.switch_rate]
        print_fitted(
            console,
            tr("switch_rate", lang),
            [
                Column(tr("stage", lang), labels, text=True, whole=True),
                Column(tr("rate", lang), [fmt_pct(r) for _, r in ch.switch_rate]),
            ],
            lang,
        )
    if ch.removal_effect:
        rs = ch.removal_effect[:top]
        print_fitted(
            console,
            tr("removal", lang),
            [
                Column(tr("channel", lang), [shown_value(r.channel, lang) for r in rs], text=True, whole=True),
                Column(tr("effect", lang), [fmt_num(r.effect, 3) for r in rs]),
                Column(tr("share", lang), [fmt_pct(r.share) for r in rs]),
            ],
            lang,
        )


def _md_table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in header) + " |"]
    lines.append("|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|")
    return lines + ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows]


def to_markdown(p: Paths, lang: str = "en", top: int = 10, heading_level: int = 2) -> str:
    """The paths as Markdown; ``heading_level`` lets the HTML report nest it."""
    h = "#" * heading_level
    lines = [
        f"{h} {md_escape(tr('title', lang))}: {md_escape(p.model.title.get(lang))}",
        "",
        md_escape(tr("summary", lang, n=fmt_int(p.customers), c=fmt_int(p.completed), b=fmt_int(p.customers_backward))),
    ]
    head = [tr("from", lang), tr("to", lang), tr("cust", lang), tr("trans", lang), tr("gap", lang)]
    for key, rows in (("transitions", p.transitions), ("stage_transitions", p.stage_transitions)):
        lines += ["", f"{h}# {tr(key, lang)}", ""]
        body = [
            [step_text(p, x.src, lang), step_text(p, x.dst, lang), fmt_int(x.customers), fmt_int(x.transitions)]
            + [fmt_duration(x.median_gap_s, lang)]
            for x in rows[:top]
        ]
        lines += _md_table(head, body, "llrrr")
        if len(rows) > top:
            lines += ["", tr("more", lang, n=len(rows) - top)]
    sid = [s.label.get(lang) for s in p.model.stages]
    lines += ["", f"{h}# {tr('variants', lang)}", ""]
    lines += _md_table(
        [tr("path", lang), tr("cust", lang), tr("share", lang), tr("done", lang)],
        [
            [
                path_text([sid[k - 1] for k in v.path], lang),
                fmt_int(v.customers),
                fmt_pct(v.share),
                fmt_pct(v.completed_share),
            ]
            for v in p.variants[:top]
        ],
        "lrrr",
    )
    ch = p.channels
    lines += ["", f"{h}# {tr('channels', lang)}", "", md_escape(_channel_lines(p, lang))]
    if ch.removal_effect:
        lines += [""] + _md_table(
            [tr("channel", lang), tr("effect", lang), tr("share", lang)],
            [[shown_value(r.channel, lang), fmt_num(r.effect, 3), fmt_pct(r.share)] for r in ch.removal_effect[:top]],
            "lrr",
        )
    return "\n".join(lines) + "\n"


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(p: Paths, lang: str = "en") -> str:
    """The directly-follows graph of touchpoints (Graphviz DOT): edge labels are customers,
    edge widths grow with them; stages are clusters."""
    m = p.model
    steps = sorted({s for x in p.transitions for s in (x.src, x.dst)}, key=Step.key)
    ids = {s: f"n{i}" for i, s in enumerate(steps)}
    top = max((x.customers for x in p.transitions), default=1) or 1
    lines = ["digraph paths {", "  rankdir=LR;", '  node [shape=box, style="rounded", fontname="sans-serif"];']
    for k, st in enumerate(m.stages, start=1):
        members = [s for s in steps if s.stage == k]
        if not members:
            continue
        lines.append(f"  subgraph cluster_{k} {{ label={_dot_id(st.label.get(lang))}; color=gray;")
        lines += [f"    {ids[s]} [label={_dot_id(s.touchpoint or '')}];" for s in members]
        lines.append("  }")
    lines += [f"  {ids[s]} [label={_dot_id(step_text(p, s, lang))}, shape=ellipse];" for s in steps if s.pseudo]
    lines += [f"  {ids[s]} [label={_dot_id(s.touchpoint or '')}, style=dashed];" for s in steps if s.stage == 0]
    for x in p.transitions:
        width = 0.5 + 4.5 * x.customers / top
        lines.append(f'  {ids[x.src]} -> {ids[x.dst]} [label="{x.customers}", penwidth={width:.2f}];')
    return "\n".join(lines) + "\n}\n"
