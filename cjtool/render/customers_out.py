"""The customer table (SPEC 8/15) as CSV or JSON (`cjtool.customers/1`); Parquet is `cjtool.parquet`.

Times are ISO 8601 UTC with `Z` (fractions when present, SPEC 16); CSV text cells that a
spreadsheet would run as formulas get a leading `'` unless asked not to."""

from __future__ import annotations

import polars as pl

from cjtool.render.machine import _FORMULA_START
from cjtool.safe_text import control_escapes, csv_lines

SCHEMA = "cjtool.customers/1"


def _times_as_text(table: pl.DataFrame) -> pl.DataFrame:
    def iso(col: str) -> pl.Expr:
        c = pl.col(col)
        return (
            pl.when(c.dt.microsecond() != 0)
            .then(c.dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"))
            .otherwise(c.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
            .alias(col)
        )

    times = [n for n, dt in table.schema.items() if dt.is_temporal()]
    return table.with_columns([iso(n) for n in times])


def _neutralised(table: pl.DataFrame) -> pl.DataFrame:
    """Every text cell as ``machine.neutralise`` writes it: control characters as visible
    escapes and no ``##[`` (``cjtool.safe_text.cell``), then a leading `'` on a cell starting
    with = + - @ (OWASP)."""
    pattern = "^[" + "".join("\\" + ch if ch in "-" else ch for ch in _FORMULA_START) + "]"
    escapes = control_escapes()
    texts = [n for n, dt in table.schema.items() if dt in (pl.String, pl.Categorical) or isinstance(dt, pl.Enum)]

    def shown(n: str) -> pl.Expr:
        text = pl.col(n).cast(pl.String).str.replace_many(list(escapes), list(escapes.values()))
        return text.str.replace_all("##[", "#\\u0023[", literal=True)  # a leading `::`: csv_lines quotes it

    return table.with_columns(
        [
            pl.when(shown(n).str.contains(pattern)).then(pl.lit("'") + shown(n)).otherwise(shown(n)).alias(n)
            for n in texts
        ]
    )


def to_csv(table: pl.DataFrame, *, sanitize: bool = True, bom: bool = False) -> str:
    out = _times_as_text(table)
    if sanitize:
        out = _neutralised(out)
    return ("\ufeff" if bom else "") + csv_lines(out.write_csv(line_terminator="\n", float_precision=None))


def to_json(table: pl.DataFrame) -> str:
    rows = _times_as_text(table).with_columns(pl.col(pl.Enum).cast(pl.String)).write_json()
    return '{"schema": "' + SCHEMA + '", "customers": ' + rows + "}\n"
