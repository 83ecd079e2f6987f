"""The rows of a comparison as text, shared by the terminal table and Markdown, and the
Markdown itself (job summaries, PR comments)."""

from __future__ import annotations

from cjtool.analyses.compare import RATE_METRICS, CompareResult, Comparison, Row
from cjtool.i18n import fmt_points, shown_value, t
from cjtool.render.markdown import md_escape

QUIET = ("no detectable difference", "too small to conclude")
TOO_SMALL = "too small to conclude"


def header(lang: str = "en") -> list[str]:
    keys = ("cmp_where", "cmp_metric")
    return [
        "",
        *(t(k, lang) for k in keys),
        "A",
        "B",
        t("cmp_diff", lang),
        t("cmp_ci", lang),
        t("cmp_lift", lang),
        t("cmp_p_adj", lang),
        t("cmp_verdict", lang),
    ]


def metric_name(metric: str, lang: str = "en") -> str:
    return t(f"metric_{metric}", lang)


def verdict_text(verdict: str, lang: str = "en") -> str:
    return t(f"verdict_{verdict}", lang)


def value(metric: str, x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.1%}" if metric in RATE_METRICS else f"{x:.1f}" if metric == "nps" else f"{x:.2f}"


def delta(metric: str, x: float | None, lang: str = "en") -> str:
    if x is None:
        return "–"
    if metric in RATE_METRICS:
        return fmt_points(x * 100, lang, compact=True)
    return f"{x:+.1f}" if metric == "nps" else f"{x:+.2f}"


def interval(metric: str, ci: tuple[float, float] | None) -> str:
    if ci is None:
        return "–"
    scale, digits = (100, 1) if metric in RATE_METRICS else (1, 1 if metric == "nps" else 2)
    return f"[{ci[0] * scale:+.{digits}f}, {ci[1] * scale:+.{digits}f}]"


def lift_text(lift: float | None, ci: tuple[float, float] | None) -> str:
    """The relative effect and its delta-method interval: `+48% [+20%, +76%]`."""
    if lift is None:
        return "–"

    def pct(x: float) -> str:  # one decimal below 10%, so a small change does not read `-0%`
        return f"{x:+.1%}" if abs(x) < 0.1 else f"{x:+.0%}"

    return pct(lift) + ("" if ci is None else f" [{pct(ci[0])}, {pct(ci[1])}]")


def p_text(p: float | None) -> str:
    return "–" if p is None else "<0.001" if p < 0.001 else f"{p:.3f}"


def where(result: CompareResult, row: Row, lang: str) -> str:  # noqa: D103
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
        and (r.touchpoint is None or r.flagged or r.verdict not in QUIET)
        and not (r.stage == second and r.metric == "conversion_from_previous")  # the same test as conversion
    ]


def cells(result: CompareResult, row: Row, lang: str) -> list[str]:
    """A row's cells; where the sample is too small to conclude, no `*` and no interval
    (a zero-width Wald interval from one answer is no finding; the JSON keeps it)."""
    t_ = row.test
    assert t_ is not None
    seq = row.sequential
    small = row.verdict == TOO_SMALL
    ci = None if small else seq.ci if seq is not None else t_.ci95
    return [
        "*" if row.flagged else "",
        where(result, row, lang),
        metric_name(row.metric, lang),
        value(row.metric, t_.a),
        value(row.metric, t_.b),
        delta(row.metric, t_.diff, lang),
        interval(row.metric, ci),
        lift_text(t_.lift, None if small else t_.lift_ci95),
        p_text(row.p_adjusted),
        verdict_text(row.verdict, lang),
    ]


def heading(result: CompareResult, c: Comparison, lang: str = "en") -> str:
    what = t("cmp_attr", lang).format(name=result.attribute) if result.attribute else ""
    return t("cmp_heading", lang).format(
        what=what,
        b=shown_value(c.label, lang),
        nb=f"{c.map.customers_entered:,}",
        a=shown_value(result.baseline_label, lang),
        na=f"{result.baseline.customers_entered:,}",
    )


def notes(result: CompareResult, c: Comparison, lang: str = "en") -> list[str]:
    out = []
    if c.srm is not None:
        flag = t("cmp_srm_bad" if c.srm.flag else "cmp_srm_ok", lang)
        out.append(t("cmp_srm", lang).format(flag=flag, p=f"{c.srm.p_value:.3g}"))
    hidden = sum(1 for r in c.rows if r.test is not None) - len(shown_rows(c))
    if hidden:
        out.append(t("cmp_hidden", lang).format(n=hidden))
    return out


def legend(result: CompareResult, lang: str = "en") -> str:
    kind = t("cmp_kind_seq" if result.sequential else "cmp_kind_fixed", lang)
    return t("cmp_legend", lang).format(
        alpha=f"{result.alpha:g}", kind=kind, a=shown_value(result.baseline_label, lang)
    )


def to_markdown(result: CompareResult, lang: str = "en", heading_level: int = 3) -> str:
    h = "#" * heading_level
    lines: list[str] = []
    for c in result.comparisons:
        lines += [f"{h} {md_escape(heading(result, c, lang))}", ""]
        lines += [f"- {md_escape(n)}" for n in notes(result, c, lang)]
        lines += [
            "",
            "| " + " | ".join(header(lang)) + " |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in shown_rows(c):
            cl = cells(result, row, lang)
            if row.flagged:
                cl[-1] = f"**{cl[-1]}**"
            lines.append("| " + " | ".join(md_escape(x) if i in (1, 2) else x for i, x in enumerate(cl)) + " |")
        lines.append("")
    lines += [f"_{md_escape(legend(result, lang))}_", ""]
    lines += ["> " + t("warning_md", lang).format(w=md_escape(w)) for w in result.warnings]
    return "\n".join(lines).rstrip() + "\n"
