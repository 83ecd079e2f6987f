"""The rows of a comparison as text, shared by the terminal table and Markdown, and the
Markdown itself (job summaries, PR comments)."""

from __future__ import annotations

from cjtool.analyses.compare import RATE_METRICS, CompareResult, Comparison, Row
from cjtool.render.markdown import md_escape

METRIC_NAMES = {
    "conversion_from_first": "conversion",
    "conversion_from_previous": "step conversion",
    "drop_off_rate": "drop-off",
    "satisfaction": "CSAT",
    "effort": "CES",
    "nps": "NPS",
}
HEADER = ["", "where", "metric", "A", "B", "diff", "95% CI", "p adj.", "verdict"]
QUIET = ("no detectable difference", "too small to conclude")


def value(metric: str, x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.1%}" if metric in RATE_METRICS else f"{x:.1f}" if metric == "nps" else f"{x:.2f}"


def delta(metric: str, x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 100:+.1f}pp" if metric in RATE_METRICS else f"{x:+.1f}" if metric == "nps" else f"{x:+.2f}"


def interval(metric: str, ci: tuple[float, float] | None) -> str:
    if ci is None:
        return "–"
    scale, digits = (100, 1) if metric in RATE_METRICS else (1, 1 if metric == "nps" else 2)
    return f"[{ci[0] * scale:+.{digits}f}, {ci[1] * scale:+.{digits}f}]"


def p_text(p: float | None) -> str:
    return "–" if p is None else "<0.001" if p < 0.001 else f"{p:.3f}"


def where(result: CompareResult, row: Row, lang: str) -> str:
    label = result.baseline.stage_label(row.stage, lang)
    return label if row.touchpoint is None else f"{label} · {row.touchpoint}"


def shown_rows(c: Comparison) -> list[Row]:
    """Stage rows with a test, and touchpoint rows that say something (significant or
    negligible): the JSON has every test."""
    second = c.map.model.stages[1].id if len(c.map.model.stages) > 1 else None
    return [
        r
        for r in c.rows
        if r.test is not None
        and (r.touchpoint is None or r.significant or r.verdict not in QUIET)
        and not (r.stage == second and r.metric == "conversion_from_previous")  # the same test as conversion
    ]


def cells(result: CompareResult, row: Row, lang: str) -> list[str]:
    t = row.test
    assert t is not None
    seq = row.sequential
    ci = seq.ci if seq is not None else t.ci95
    p = t.p_adjusted if seq is None else seq.p_value
    return [
        "*" if row.significant else "",
        where(result, row, lang),
        METRIC_NAMES[row.metric],
        value(row.metric, t.a),
        value(row.metric, t.b),
        delta(row.metric, t.diff),
        interval(row.metric, ci),
        p_text(p),
        row.verdict,
    ]


def heading(result: CompareResult, c: Comparison) -> str:
    what = f"`{result.attribute}` " if result.attribute else ""
    return f"{what}{c.label} (B, {c.map.customers_entered:,} entered) vs {result.baseline_label} (A, {result.baseline.customers_entered:,} entered)"


def notes(result: CompareResult, c: Comparison) -> list[str]:
    out = []
    if c.srm is not None:
        flag = "SAMPLE RATIO MISMATCH" if c.srm.flag else "ok"
        out.append(f"sample ratio: {flag} (chi-square p = {c.srm.p_value:.3g})")
    hidden = sum(1 for r in c.rows if r.test is not None) - len(shown_rows(c))
    if hidden:
        out.append(f"{hidden} more touchpoint tests with no detectable difference (all in --format json)")
    return out


def legend(result: CompareResult) -> str:
    kind = (
        "always-valid (sequential) 95% intervals and p-values"
        if result.sequential
        else "Holm-adjusted p-values over each comparison; 95% CI unadjusted"
    )
    return f"* significant at alpha {result.alpha:g}; {kind}; A = {result.baseline_label}"


def to_markdown(result: CompareResult, lang: str = "en", heading_level: int = 3) -> str:
    h = "#" * heading_level
    lines: list[str] = []
    for c in result.comparisons:
        lines += [f"{h} {md_escape(heading(result, c))}", ""]
        lines += [f"- {md_escape(n)}" for n in notes(result, c)]
        lines += ["", "| " + " | ".join(HEADER) + " |", "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        for row in shown_rows(c):
            cl = cells(result, row, lang)
            if row.significant:
                cl[-1] = f"**{cl[-1]}**"
            lines.append("| " + " | ".join(md_escape(x) if i in (1, 2) else x for i, x in enumerate(cl)) + " |")
        lines.append("")
    lines += [f"_{md_escape(legend(result))}_", ""]
    lines += [f"> warning: {md_escape(w)}" for w in result.warnings]
    return "\n".join(lines).rstrip() + "\n"
