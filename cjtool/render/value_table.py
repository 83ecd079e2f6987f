"""Customer value in the terminal (rich): parameters and convergence, the distribution of
p_alive, the top customers by CLV and the valuable customers at risk."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from cjtool.analyses.value import AT_RISK_P_ALIVE, ValueResult, at_risk, top_customers
from cjtool.render.table import Column, print_fitted
from cjtool.render.value_text import (
    CUSTOMER_HEADER_KEYS,
    customer_cells,
    distribution_rows,
    fit_rows,
    header_lines,
    holdout_line,
    segment_rows,
    sig,
    w,
)

DROP_ORDER = {"recency": 2, "age": 1, "spend": 3, "monetary": 4}  # columns a narrow terminal leaves out first


def _customer_columns(rows: list[dict], lang: str) -> list[Column]:
    cells = [customer_cells(r) for r in rows]
    columns = []
    for i, key in enumerate(CUSTOMER_HEADER_KEYS):
        column = [c[i] for c in cells]
        columns.append(Column(w(key, lang), list(column), text=i == 0, whole=i == 0, drop=DROP_ORDER.get(key)))
    return columns


def render_value(result: ValueResult, console: Console, lang: str = "en", top: int = 10) -> None:
    console.print(Text(w("title", lang), style="bold"))
    for line in header_lines(result, lang):
        console.print(Text(line))
    rows = fit_rows(result, lang)
    fits = [f for f in (result.bgnbd, result.gamma_gamma) if f is not None]
    console.print()
    columns = [
        Column(w("model", lang), [r[0] for r in rows], text=True, whole=True),
        Column(w("parameters", lang), [r[1] for r in rows], text=True, whole=True),
        Column(w("log_lik", lang), [r[2] for r in rows]),
        Column(
            w("fit", lang),
            [Text(r[3], style="" if fit.converged else "bold red") for r, fit in zip(rows, fits, strict=True)],
            text=True,
        ),
    ]
    print_fitted(console, w("params", lang), columns, lang)
    if result.gamma_gamma is None:
        console.print(Text(w("gg_none", lang), style="yellow"))
    else:
        p, q, v = result.gamma_gamma.params
        console.print(Text(w("mean_spend", lang, v=sig(p * v / (q - 1))), style="dim"))
    holdout = holdout_line(result, lang)
    if holdout:
        console.print(Text(holdout))
    dist = distribution_rows(result)
    console.print()
    print_fitted(
        console,
        w("palive_title", lang),
        [
            Column(w("range", lang), [d[0] for d in dist], text=True, whole=True),
            Column(w("customers", lang), [d[1] for d in dist]),
            Column(w("share", lang), [d[2] for d in dist]),
        ],
        lang,
    )
    best = top_customers(result, top).to_dicts()
    console.print()
    title = w("top_title" if result.gamma_gamma is not None else "top_title_purchases", lang)
    print_fitted(console, title, _customer_columns(best, lang), lang)
    risky = at_risk(result, top).to_dicts()
    console.print()
    if risky:
        print_fitted(console, w("risk_title", lang, p=f"{AT_RISK_P_ALIVE:g}"), _customer_columns(risky, lang), lang)
    else:
        console.print(Text(w("risk_none", lang)))
    console.print(Text(w("legend", lang, unit=w(f"unit_{result.unit}", lang)), style="dim"))
    if result.segments is not None:
        _segments(result, console, lang)


def _segments(result: ValueResult, console: Console, lang: str) -> None:
    seg = result.segments
    assert seg is not None
    header, rows = segment_rows(result, lang)
    cells: list[tuple[str, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    drop = {2: 3, 3: 2, 5: 1}  # mean p_alive, mean expected purchases, total CLV go first on a narrow terminal
    columns = [Column(h, list(cells[i]), text=i == 0, whole=i == 0, drop=drop.get(i)) for i, h in enumerate(header)]
    # lazy: scipy and the fit load only when a value is asked for
    from cjtool.render.value_text import visible

    if seg.baseline is not None:
        title = w("seg_title_base", lang, by=visible(seg.by), base=visible(seg.baseline))
    else:
        title = w("seg_title", lang, by=visible(seg.by))
    console.print()
    print_fitted(console, title, columns, lang)
    if seg.baseline is not None:
        console.print(Text(w("seg_legend", lang, measure=w(f"measure_{seg.measure}", lang)), style="dim"))
