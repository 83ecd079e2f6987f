"""The customer table (SPEC 8/15) as CSV or JSON (`cjtool.customers/1`); Parquet is `cjtool.parquet`.

Times are ISO 8601 UTC with `Z` (fractions when present, SPEC 16); CSV text cells that a
spreadsheet would run as formulas get a leading `'` unless asked not to."""

from __future__ import annotations

import polars as pl

from cjtool.render.machine import _FORMULA_START
from cjtool.safe_text import control_escapes, control_pattern, csv_lines

SCHEMA = "cjtool.customers/1"


def _times_as_text(table: pl.DataFrame) -> pl.DataFrame:
    times = [n for n, dt in table.schema.items() if dt.is_temporal()]
    # the fraction only where a time has one; a column without any is written in one pass
    fractions = table.select([(pl.col(n).dt.microsecond() != 0).any() for n in times]).row(0) if times else ()

    def iso(col: str, fraction: bool) -> pl.Expr:
        c = pl.col(col)
        plain = c.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        if not fraction:
            return plain.alias(col)
        return (
            pl.when(c.dt.microsecond() != 0).then(c.dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")).otherwise(plain).alias(col)
        )

    return table.with_columns([iso(n, bool(f)) for n, f in zip(times, fractions, strict=True)])


def _neutralised(table: pl.DataFrame) -> pl.DataFrame:
    """Every text cell as ``machine.neutralise`` writes it: control characters as visible
    escapes and no ``##[`` (``cjtool.safe_text.cell``), then a leading `'` on a cell starting
    with = + - @ (OWASP). Columns are looked at first: a column with none of these (the
    common case) is written as it is (the escapes over every cell of a million customers
    cost seconds)."""
    pattern = "^[" + "".join("\\" + ch if ch in "-" else ch for ch in _FORMULA_START) + "]"
    escapes = control_escapes()
    texts = [n for n, dt in table.schema.items() if dt in (pl.String, pl.Categorical) or isinstance(dt, pl.Enum)]
    if not texts:
        return table
    unsafe = control_pattern() + "|##\\["
    flags = table.select(
        *[pl.col(n).cast(pl.String).str.contains(unsafe).any().alias(f"u{i}") for i, n in enumerate(texts)],
        *[pl.col(n).cast(pl.String).str.contains(pattern).any().alias(f"f{i}") for i, n in enumerate(texts)],
    ).row(0)

    def shown(n: str, escape: bool) -> pl.Expr:
        text = pl.col(n).cast(pl.String)
        if not escape:
            return text
        text = text.str.replace_many(list(escapes), list(escapes.values()))
        return text.str.replace_all("##[", "#\\u0023[", literal=True)  # a leading `::`: csv_lines quotes it

    columns = []
    for i, n in enumerate(texts):
        escape, formula = bool(flags[i]), bool(flags[len(texts) + i])
        if not (escape or formula):
            continue
        text = shown(n, escape)
        columns.append(
            (pl.when(text.str.contains(pattern)).then(pl.lit("'") + text).otherwise(text) if formula else text).alias(n)
        )
    return table.with_columns(columns) if columns else table


def to_csv(table: pl.DataFrame, *, sanitize: bool = True, bom: bool = False) -> str:
    out = _times_as_text(table)
    if sanitize:
        out = _neutralised(out)
    return ("\ufeff" if bom else "") + csv_lines(out.write_csv(line_terminator="\n", float_precision=None))


def to_json(table: pl.DataFrame) -> str:
    rows = _times_as_text(table).with_columns(pl.col(pl.Enum).cast(pl.String)).write_json()
    return '{"schema": "' + SCHEMA + '", "customers": ' + rows + "}\n"
