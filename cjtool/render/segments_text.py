"""A breakdown (SPEC 9) as text: the funnel with a column per segment plus `all`, and the
worst touchpoints of each segment; for the terminal (rich) and Markdown."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text

from cjtool.analyses.segments import Breakdown
from cjtool.i18n import fmt_amount, fmt_int, fmt_num, fmt_pct, shown_value
from cjtool.render.decision import stake
from cjtool.render.machine import _cell, table_rows
from cjtool.render.markdown import _table as md_table
from cjtool.render.markdown import md_escape
from cjtool.render.table import Column, fit_table, left_out_note, print_trimmed
from cjtool.render.words import w as words
from cjtool.result import JourneyMap
from cjtool.safe_text import csv_lines, visible

WORST = 3  # touchpoints listed per segment

WORDS = {
    "funnel_by": {
        "en": "Funnel by {attr}: customers, then conversion from the first stage",
        "zh": "按「{attr}」的漏斗：客户数与各阶段相对首阶段的转化率",
    },
    "worst_by": {"en": "Worst touchpoints by {attr}", "zh": "按「{attr}」的最差接触点"},
    "fix_by": {"en": "Fix first by {attr} (estimates)", "zh": "按「{attr}」的优先改进（估算）"},
    "at_stake": {"en": "At stake", "zh": "可挽回客户"},
    "completions": {"en": "Completions", "zh": "可多走完"},
    "all": {"en": "all", "zh": "全部"},
    "customers": {"en": "customers", "zh": "客户数"},
    "entered": {"en": "entered", "zh": "进入旅程"},
    "in_progress": {"en": "in progress", "zh": "进行中"},
    "churned": {"en": "churned", "zh": "已流失"},
    "revenue": {"en": "revenue", "zh": "收入"},
    "revenue_per": {"en": "revenue / customer", "zh": "人均收入"},
    "segment": {"en": "Segment", "zh": "细分"},
    "touchpoint": {"en": "Touchpoint", "zh": "接触点"},
    "drop_off": {"en": "Drop-off", "zh": "流失率"},
    "csat": {"en": "CSAT", "zh": "满意度"},
    "no_rank": {"en": "(no ranked touchpoint)", "zh": "（无排名接触点）"},
    "no_opportunity": {"en": "(none above its benchmark)", "zh": "（无高于基准的接触点）"},
}


def w(key: str, lang: str) -> str:
    return WORDS[key].get(lang) or WORDS[key]["en"]


def columns_of(bd: Breakdown, lang: str) -> list[tuple[str, JourneyMap]]:
    """(label, map) of the whole run and each segment; `(none)` and `(other)` in the
    language (the CSV and JSON keep the literal names)."""
    return [(w("all", lang), bd.all), *((shown_value(v, lang), m) for v, m in bd.segments)]


def funnel_rows(bd: Breakdown, lang: str) -> tuple[list[str], list[list[str]]]:
    """Rows: customers, entered, each stage's conversion from the first (customers for the
    first stage), then in progress, churned and revenue where the data has them."""
    maps = columns_of(bd, lang)
    model = bd.all.model
    header = [""] + [v for v, _ in maps]
    rows = [[w("customers", lang)] + [fmt_int(m.customers_total) for _, m in maps]]
    for k, st in enumerate(model.stages):
        label = st.label.get(lang)
        if k == 0:
            rows.append([label] + [fmt_int(m.stages[0].customers) for _, m in maps])
        else:
            rows.append([label] + [fmt_pct(m.stages[k].conversion_from_first) for _, m in maps])
    if model.window_s is not None and model.mode == "ordered":
        rows.append([w("in_progress", lang)] + [fmt_int(sum(s.in_progress for s in m.stages)) for _, m in maps])
    if model.churn_after_s is not None:
        rows.append([w("churned", lang)] + [fmt_int(sum(s.churned or 0 for s in m.stages)) for _, m in maps])
    if bd.all.revenue is not None:
        rows.append([w("revenue", lang)] + [fmt_amount(m.revenue, 0) for _, m in maps])
        rows.append(
            [w("revenue_per", lang)]
            + [
                fmt_amount(m.revenue / m.customers_total if m.customers_total and m.revenue is not None else None, 2)
                for _, m in maps
            ]
        )
    return header, rows


def worst_rows(bd: Breakdown, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [w("segment", lang), w("touchpoint", lang), w("drop_off", lang), w("csat", lang)]
    rows = []
    for value, m in columns_of(bd, lang):
        ranked = [tp for tp in m.touchpoints if tp.rank is not None][:WORST]
        if not ranked:
            rows.append([value, w("no_rank", lang), "", ""])
        for i, tp in enumerate(ranked):
            where = f"{tp.touchpoint} ({m.stage_label(tp.stage, lang)})"
            rows.append([value if i == 0 else "", where, fmt_pct(tp.drop_off_rate), fmt_num(tp.scores.satisfaction)])
    return header, rows


def fix_rows(bd: Breakdown, lang: str) -> tuple[list[str], list[list[str]]]:
    """Each segment's first opportunity (SPEC 17): its own touchpoint and what it is worth."""
    header = [w("segment", lang), w("touchpoint", lang), w("at_stake", lang), w("completions", lang)]
    rows = []
    for value, m in columns_of(bd, lang):
        if not m.opportunities:
            key = "no_opportunity" if any(tp.rank is not None for tp in m.touchpoints) else "no_rank"
            rows.append([value, w(key, lang), "", ""])
            continue
        o = m.opportunities[0]
        where = f"{visible(o.touchpoint)} ({m.stage_label(o.stage, lang)})"
        rows.append([value, where, stake(o.customers_at_stake), stake(o.completions_at_stake)])
    return header, rows


def _title(key: str, bd: Breakdown, lang: str) -> str:
    return w(key, lang).format(attr=bd.all.model.segment_label(bd.attribute, lang))


def render_breakdown(bd: Breakdown, console: Console, lang: str = "en") -> None:
    width = console.width
    header, rows = funnel_rows(bd, lang)
    n = len(header)
    columns = [Column(header[0], [r[0] for r in rows], text=True)] + [
        # the last segments go first when the terminal is narrow; `all` stays
        Column(header[i], [r[i] for r in rows], drop=None if i == 1 else n - i)
        for i in range(1, n)
    ]
    funnel, left_out = fit_table(_title("funnel_by", bd, lang), columns, width)
    fh, fr = fix_rows(bd, lang)
    fix, _ = fit_table(
        _title("fix_by", bd, lang),
        [Column(fh[0], [r[0] for r in fr], text=True), Column(fh[1], [r[1] for r in fr], text=True, whole=True)]
        + [Column(fh[i], [r[i] for r in fr]) for i in (2, 3)],
        width,
    )
    wh, wr = worst_rows(bd, lang)
    worst, _ = fit_table(
        _title("worst_by", bd, lang),
        [Column(wh[0], [r[0] for r in wr], text=True), Column(wh[1], [r[1] for r in wr], text=True, whole=True)]
        + [Column(wh[i], [r[i] for r in wr]) for i in (2, 3)],
        width,
    )
    parts: list[RenderableType | None] = [
        fix,
        Text(words("assumption", lang) + "\n", style="dim"),
        funnel,
        left_out_note(left_out, width, lang, "--format json"),
        worst,
    ]
    print_trimmed(console, [p for p in parts if p is not None])


def breakdown_markdown(bd: Breakdown, lang: str = "en", heading_level: int = 2) -> str:
    h = "#" * heading_level
    header, rows = funnel_rows(bd, lang)
    fh, fr = fix_rows(bd, lang)
    lines = [f"{h} {md_escape(_title('fix_by', bd, lang))}", ""]
    lines += md_table([md_escape(x) for x in fh], [[md_escape(c) for c in r] for r in fr], "llrr")
    lines += ["", f"_{md_escape(words('assumption', lang))}_", ""]
    lines += [f"{h} {md_escape(_title('funnel_by', bd, lang))}", ""]
    lines += md_table(
        [md_escape(x) for x in header], [[md_escape(c) for c in r] for r in rows], "l" + "r" * (len(header) - 1)
    )
    wh, wr = worst_rows(bd, lang)
    lines += ["", f"{h} {md_escape(_title('worst_by', bd, lang))}", ""]
    lines += md_table([md_escape(x) for x in wh], [[md_escape(c) for c in r] for r in wr], "llrr")
    return "\n".join(lines) + "\n"


def breakdown_csv(bd: Breakdown, table: str, lang: str = "en", sanitize: bool = True) -> str:
    """The stages or touchpoints table of `all` and every segment, a `segment` column first."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for i, (value, m) in enumerate([("(all)", bd.all), *bd.segments]):
        columns, rows = table_rows(m, table, lang)
        if i == 0:
            writer.writerow(["segment", *columns])
        for row in rows:
            writer.writerow([_cell(value, "label", sanitize)] + [_cell(row.get(c), c, sanitize) for c in columns])
    return csv_lines(buf.getvalue())
