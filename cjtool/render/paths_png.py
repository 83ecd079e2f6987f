"""Pictures of ``cjtool paths``: the flow of the first steps (an alluvial chart), the
transition heatmaps, channel switches and the removal effect.

House style of ``png_style`` (fonts with CJK fallback, palette, deterministic atomic
saving). Rare steps are pooled into ``(other)`` here only, so every picture stays
readable at 40+ touchpoints; the JSON keeps every step."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cjtool.analyses.paths import END, Paths, Step
from cjtool.i18n import shown_value, t
from cjtool.render.paths_text import step_text, to_markdown, tr
from cjtool.render.png_style import (
    ACCENT,
    FAINT,
    INK,
    MUTED,
    PAIN,
    fit,
    new_figure,
    save_figure,
    stage_color,
    style,
)

OTHER = "(other)"
MAX_NODES = 8  # per flow column, (other) included
MAX_HEAT = 12  # touchpoints in the touchpoint heatmap, (other) included

_P = {
    "flow": {"en": "Customer flow over the first {s} steps", "zh": "前 {s} 步的客户流向"},
    "flow_note": {
        "en": "band width = customers · repeats collapsed · rare steps pooled as (other)",
        "zh": "带宽 = 客户数 · 连续重复已合并 · 少见步骤归入（其他）",
    },
    "step": {"en": "step {i}", "zh": "第 {i} 步"},
    "heat": {"en": "Transitions (customers)", "zh": "转移（客户数）"},
    "heat_stage": {"en": "Stage to stage", "zh": "阶段到阶段"},
    "heat_tp": {"en": "Top touchpoints", "zh": "主要接触点"},
    "switch": {"en": "Channel switches between chain steps", "zh": "旅程步骤之间的渠道切换"},
    "switch_rate": {"en": "switch rate by stage", "zh": "各阶段渠道切换率"},
    "switch_matrix": {
        "en": "from channel → to channel (customers, all stages)",
        "zh": "从渠道 → 到渠道（客户数，全部阶段）",
    },
    "removal": {"en": "Channel removal effect (Markov)", "zh": "渠道移除效应（马尔可夫）"},
    "removal_note": {
        "en": "share of conversions lost without the channel · P(convert) = {p}",
        "zh": "去掉该渠道后损失的转化比例 · 转化概率 = {p}",
    },
    "nothing": {"en": "no data for this picture", "zh": "没有可绘制的数据"},
}


def p_(key: str, lang: str, **kw: object) -> str:
    text = _P[key].get(lang) or _P[key]["en"]
    return text.format(**kw) if kw else text


def _title(fig: Figure, text: str, sub: str | None = None) -> None:
    fig.text(0.02, 0.965, text, fontsize=16, fontweight="bold", color=INK, va="top", parse_math=False)
    if sub:
        fig.text(0.02, 0.915, sub, fontsize=10, color=MUTED, va="top", parse_math=False)


def _color(step: Step) -> str:
    if not step.stage:  # a pseudo-step, or an event matching no stage (--all-events)
        return FAINT
    return stage_color(step.stage)


# --------------------------------------------------------------------------- flow


def flow_figure(p: Paths, lang: str = "en") -> Figure:
    with style():
        return _flow(p, lang)


def _flow(p: Paths, lang: str) -> Figure:
    S = p.steps
    fig, rd = new_figure(16.0, 9.0)
    _title(fig, p_("flow", lang, s=S), p_("flow_note", lang))
    ax = fig.add_axes((0.02, 0.05, 0.96, 0.80))
    ax.set_axis_off()
    # column c (1..S): nodes at position c with their customers
    cols: list[dict[Step, int]] = [dict() for _ in range(S + 1)]
    for f in p.flows:
        cols[f.step][f.src] = cols[f.step].get(f.src, 0) + f.customers
        if f.step + 1 == S:
            cols[S][f.dst] = cols[S].get(f.dst, 0) + f.customers
    # pooling: keep the biggest MAX_NODES - 1 real steps of each column
    keep: list[set[Step]] = []
    for c in range(S + 1):
        real = sorted((s for s in cols[c] if s.touchpoint != END), key=lambda s: (-cols[c][s], s.key()))
        keep.append(set(real if len(real) <= MAX_NODES else real[: MAX_NODES - 1]))
    other = Step(None, OTHER)

    def pooled(c: int, s: Step) -> Step:
        return s if s in keep[c] or s.touchpoint == END else other

    links: dict[tuple[int, Step, Step], int] = {}
    for f in p.flows:
        key = (f.step, pooled(f.step, f.src), pooled(f.step + 1, f.dst))
        links[key] = links.get(key, 0) + f.customers
    size: list[dict[Step, int]] = [dict() for _ in range(S + 1)]
    for (i, a, b), n in links.items():
        size[i][a] = size[i].get(a, 0) + n
        if i + 1 == S or b.touchpoint == END:
            size[i + 1][b] = size[i + 1].get(b, 0) + n

    def order(c: int) -> list[Step]:
        return sorted(size[c], key=lambda s: (s.touchpoint in (OTHER, END), s.touchpoint == END, -size[c][s], s.key()))

    total = max((sum(size[c].values()) for c in range(1, S + 1)), default=0)
    if not total:
        ax.text(0.5, 0.5, p_("nothing", lang), ha="center", color=MUTED, transform=ax.transAxes, parse_math=False)
        return fig
    gap = 0.025 * total
    height = total + gap * (MAX_NODES - 1)
    node_w = 0.05
    ax.set_xlim(0.85, S + 0.9)
    ax.set_ylim(-0.02 * height, height * 1.04)
    pos: dict[tuple[int, Step], float] = {}
    col_px = fig.dpi * 16.0 * 0.96 / (S + 0.05) - 14
    for c in range(1, S + 1):
        y = height
        ax.text(
            c,
            height * 1.035,
            p_("step", lang, i=c),
            ha="center",
            va="bottom",
            color=MUTED,
            fontsize=10,
            parse_math=False,
        )
        for s in order(c):
            h = size[c][s]
            y -= h
            pos[(c, s)] = y
            ax.add_patch(Rectangle((c - node_w / 2, y), node_w, h, color=_color(s), lw=0, zorder=3))
            if h / total > 0.012:
                name = fit(rd, step_text(p, s, lang, False), col_px * 0.62, 9.5)
                ax.text(
                    c + node_w / 2 + 0.02,
                    y + h / 2,
                    f"{name}  {h:,}",
                    va="center",
                    ha="left",
                    fontsize=9.5,
                    color=INK,
                    zorder=5,
                    clip_on=False,
                    parse_math=False,
                )
            y -= gap
    out_off: dict[tuple[int, Step], float] = {}
    in_off: dict[tuple[int, Step], float] = {}
    ordered_links = sorted(
        links.items(), key=lambda kv: (kv[0][0], -pos[(kv[0][0], kv[0][1])], -pos.get((kv[0][0] + 1, kv[0][2]), 0))
    )
    t = np.linspace(0, 1, 40)
    ease = 3 * t**2 - 2 * t**3
    for (i, a, b), n in ordered_links:
        if (i + 1, b) not in pos or (i, a) not in pos:
            continue
        top_a = pos[(i, a)] + size[i][a] - out_off.get((i, a), 0)
        top_b = pos[(i + 1, b)] + size[i + 1][b] - in_off.get((i + 1, b), 0)
        out_off[(i, a)] = out_off.get((i, a), 0) + n
        in_off[(i + 1, b)] = in_off.get((i + 1, b), 0) + n
        x = (i + node_w / 2) + t * (1 - node_w)
        upper = top_a + (top_b - top_a) * ease
        ax.fill_between(
            x, upper - n, upper, color=_color(a), alpha=0.35 if b.touchpoint != END else 0.15, lw=0, zorder=2
        )
    return fig


# --------------------------------------------------------------------------- heatmaps


def _heat(ax, rows: list[str], cols: list[str], m: np.ndarray, title: str, rd) -> None:
    ax.imshow(m, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, m.max()))
    ax.set_title(title, loc="left", fontsize=11, color=INK, parse_math=False)
    ax.set_xticks(
        range(len(cols)), [fit(rd, c, 110, 9) for c in cols], rotation=40, ha="right", fontsize=9, parse_math=False
    )
    ax.set_yticks(range(len(rows)), [fit(rd, r, 130, 9) for r in rows], fontsize=9, parse_math=False)
    for (r, c), v in np.ndenumerate(m):
        if v:
            ax.text(
                c,
                r,
                f"{int(v):,}",
                ha="center",
                va="center",
                fontsize=8 if len(cols) > 8 else 9,
                color="white" if v > 0.6 * m.max() else INK,
                parse_math=False,
            )
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)


def heatmap_figure(p: Paths, lang: str = "en") -> Figure:
    with style():
        fig, rd = new_figure(16.0, 8.0)
        _title(fig, p_("heat", lang))
        m = p.model
        stage_steps = [Step(None, "(start)")] + [Step(k) for k in range(1, len(m.stages) + 1)]
        to_steps = [Step(k) for k in range(1, len(m.stages) + 1)] + [Step(None, "(converted)"), Step(None, "(dropped)")]
        mat = np.zeros((len(stage_steps), len(to_steps)))
        ri, ci = {s: i for i, s in enumerate(stage_steps)}, {s: i for i, s in enumerate(to_steps)}
        for x in p.stage_transitions:
            if x.src in ri and x.dst in ci:
                mat[ri[x.src], ci[x.dst]] += x.customers
        ax1 = fig.add_axes((0.09, 0.17, 0.30, 0.68))
        _heat(
            ax1,
            [step_text(p, s, lang) for s in stage_steps],
            [step_text(p, s, lang) for s in to_steps],
            mat,
            p_("heat_stage", lang),
            rd,
        )
        weight: dict[Step, int] = {}
        for x in p.transitions:
            for s in (x.src, x.dst):
                if not s.pseudo:
                    weight[s] = weight.get(s, 0) + x.transitions
        ranked = sorted(weight, key=lambda s: (-weight[s], s.key()))
        shown = ranked if len(ranked) <= MAX_HEAT else ranked[: MAX_HEAT - 1]
        pool = len(ranked) > len(shown)
        labels = [s.touchpoint or "" for s in sorted(shown, key=Step.key)] + ([t("step_other", lang)] if pool else [])
        idx = {s: i for i, s in enumerate(sorted(shown, key=Step.key))}
        tm = np.zeros((len(labels), len(labels)))
        for x in p.transitions:
            if x.src.pseudo or x.dst.pseudo:
                continue
            a, b = idx.get(x.src, len(labels) - 1), idx.get(x.dst, len(labels) - 1)
            tm[a, b] += x.customers
        ax2 = fig.add_axes((0.55, 0.17, 0.42, 0.68))
        if labels:
            _heat(ax2, labels, labels, tm, p_("heat_tp", lang), rd)
        else:
            ax2.set_axis_off()
        return fig


# --------------------------------------------------------------------------- channels


def switches_figure(p: Paths, lang: str = "en") -> Figure:
    with style():
        fig, rd = new_figure(16.0, 7.0)
        _title(fig, p_("switch", lang))
        ch = p.channels
        ax1 = fig.add_axes((0.06, 0.15, 0.36, 0.65))
        rates = [(p.model.stages[k - 1].label.get(lang), r) for k, r in ch.switch_rate]
        if rates:
            ax1.barh(range(len(rates)), [r or 0 for _, r in rates], color=ACCENT)
            ax1.set_yticks(range(len(rates)), [fit(rd, lab, 120, 10) for lab, _ in rates], parse_math=False)
            ax1.invert_yaxis()
            ax1.set_xlim(0, 1)
            for i, (_, r) in enumerate(rates):
                ax1.text(
                    (r or 0) + 0.01,
                    i,
                    "—" if r is None else f"{100 * r:.1f}%",
                    va="center",
                    fontsize=9.5,
                    parse_math=False,
                )
            ax1.set_title(p_("switch_rate", lang), loc="left", fontsize=11, color=INK, parse_math=False)
            for s in ("top", "right"):
                ax1.spines[s].set_visible(False)
        else:
            ax1.set_axis_off()
            ax1.text(0.5, 0.5, p_("nothing", lang), ha="center", color=MUTED, transform=ax1.transAxes, parse_math=False)
        totals: dict[str, int] = {}
        for s in ch.switches:
            totals[s.src] = totals.get(s.src, 0) + s.customers
            totals[s.dst] = totals.get(s.dst, 0) + s.customers
        names = sorted(totals, key=lambda n: (-totals[n], n))
        shown = names if len(names) <= MAX_HEAT else names[: MAX_HEAT - 1]
        labels = [shown_value(n, lang) for n in sorted(shown)] + (
            [t("step_other", lang)] if len(names) > len(shown) else []
        )
        idx = {n: i for i, n in enumerate(sorted(shown))}
        mat = np.zeros((len(labels), len(labels)))
        for s in ch.switches:
            mat[idx.get(s.src, len(labels) - 1), idx.get(s.dst, len(labels) - 1)] += s.customers
        ax2 = fig.add_axes((0.58, 0.2, 0.38, 0.6))
        if labels:
            _heat(ax2, labels, labels, mat, p_("switch_matrix", lang), rd)
        else:
            ax2.set_axis_off()
        return fig


def removal_figure(p: Paths, lang: str = "en") -> Figure:
    with style():
        fig, rd = new_figure(12.0, 6.75)
        ch = p.channels
        prob = "—" if ch.conversion_probability is None else f"{100 * ch.conversion_probability:.2f}%"
        _title(fig, p_("removal", lang), p_("removal_note", lang, p=prob))
        ax = fig.add_axes((0.2, 0.1, 0.72, 0.72))
        rows = ch.removal_effect[:MAX_HEAT]
        if not rows or all(r.effect is None for r in rows):
            ax.set_axis_off()
            ax.text(0.5, 0.5, p_("nothing", lang), ha="center", color=MUTED, transform=ax.transAxes, parse_math=False)
            return fig
        vals = [r.effect or 0.0 for r in rows]
        ax.barh(range(len(rows)), vals, color=[ACCENT if v >= 0 else PAIN for v in vals])
        ax.set_yticks(
            range(len(rows)), [fit(rd, shown_value(r.channel, lang), 200, 10) for r in rows], parse_math=False
        )
        ax.invert_yaxis()
        ax.axvline(0, color=FAINT, lw=0.8)
        hi = max(max(vals), 0.0)
        ax.set_xlim(min(min(vals), 0.0) * 1.1, hi * 1.25 + 0.05)
        for i, r in enumerate(rows):
            share = "" if r.share is None else f"  ({100 * r.share:.1f}%)"
            ax.text(
                max(vals[i], 0) + 0.01,
                i,
                f"{vals[i]:.3f}{share}",
                va="center",
                fontsize=9.5,
                color=INK,
                parse_math=False,
            )
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        return fig


# --------------------------------------------------------------------------- saving


PICTURES = (
    ("paths_flow.png", "flow", flow_figure),
    ("paths_heatmap.png", "heat", heatmap_figure),
    ("paths_channels.png", "switch", switches_figure),
    ("paths_removal.png", "removal", removal_figure),
)


def save_flow(p: Paths, path: str | Path, lang: str = "en") -> None:
    with style():
        save_figure(_flow(p, lang), path)


def save_all(p: Paths, folder: str | Path, lang: str = "en") -> list[Path]:
    out = []
    for name, _key, make in PICTURES:
        target = Path(folder) / name
        with style():
            save_figure(make(p, lang), target)
        out.append(target)
    return out


def pictures(p: Paths, lang: str = "en") -> list[tuple[str, bytes]]:
    """(title, PNG bytes) of every picture, for the HTML report."""
    out = []
    for _name, key, make in PICTURES:
        buf = io.BytesIO()
        with style():
            make(p, lang).savefig(buf, format="png", dpi=150, metadata={"Software": None}, facecolor="white")
        title = p_(key, lang, s=p.steps) if key == "flow" else p_(key, lang)
        out.append((title, buf.getvalue()))
    return out


def markdown_section(p: Paths, lang: str = "en", heading_level: int = 2) -> str:
    """The paths section of the report (Markdown)."""
    return to_markdown(p, lang, heading_level=heading_level)


__all__ = [
    "flow_figure",
    "heatmap_figure",
    "switches_figure",
    "removal_figure",
    "save_flow",
    "save_all",
    "pictures",
    "markdown_section",
    "tr",
]
