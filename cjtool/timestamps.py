"""Timestamp parsing: ISO 8601 (with or without offset, mixed in one column), dates,
epoch seconds/milliseconds, or one explicit strftime format.

Result: naive ``Datetime("us")`` in UTC (offsets converted, values without one taken
as UTC). Unparseable values become null; the caller rejects those rows.

polars' ``str.to_datetime(strict=False)`` silently nulls what a format does not fit, and
a format that fails is slow. So the formats a file uses are learnt from a sample
(``choose_parsers``) and only those run over the whole column (``parse_expr``, lazy, so
it streams); values that none of them fit are retried with every format afterwards
(``parse_timestamps``, on those values only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

UTC_NAIVE = pl.Datetime("us")

# (format, has offset). A literal `Z` parses as naive, which is UTC here. Formats without
# fractional seconds come first: polars parses those several times faster, and among
# formats that fit a sample equally well the earlier one is used.
_ISO_FORMATS: list[tuple[str, bool]] = [
    ("%Y-%m-%dT%H:%M:%SZ", False),
    ("%Y-%m-%dT%H:%M:%S%z", True),
    ("%Y-%m-%d %H:%M:%S", False),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y-%m-%dT%H:%M:%S%.fZ", False),
    ("%Y-%m-%dT%H:%M:%S%.f%z", True),
    ("%Y-%m-%dT%H:%M:%S%.f", False),
    ("%Y-%m-%d %H:%M:%S%.fZ", False),
    ("%Y-%m-%d %H:%M:%S%.f%z", True),
    ("%Y-%m-%d %H:%M:%S%.f", False),
    ("%Y-%m-%dT%H:%MZ", False),
    ("%Y-%m-%dT%H:%M%z", True),
    ("%Y-%m-%dT%H:%M", False),
    ("%Y-%m-%d %H:%M%z", True),
    ("%Y-%m-%d %H:%M", False),
]

EXPECTED = "ISO 8601 (2026-03-04, 2026-03-04T10:15:00, with Z or +08:00), or epoch seconds/milliseconds"

_EPOCH_RE = r"^-?\d{9,14}(\.\d+)?$"
SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class Parser:
    name: str
    build: Callable[[pl.Expr], pl.Expr]  # text expression -> naive UTC datetime expression


def _datetime(fmt: str, has_offset: bool) -> Parser:
    def build(s: pl.Expr) -> pl.Expr:
        out = s.str.to_datetime(fmt, strict=False, time_unit="us", exact=True,
                                time_zone="UTC" if has_offset else None)
        return out.dt.replace_time_zone(None) if has_offset else out

    return Parser(fmt, build)


def _date(s: pl.Expr) -> pl.Expr:
    return s.str.to_date("%Y-%m-%d", strict=False, exact=True).cast(UTC_NAIVE)


def _epoch(s: pl.Expr) -> pl.Expr:
    # 9-11 integer digits: seconds (1973-5138); 12-14: milliseconds. Shorter numbers are
    # too ambiguous (20260304 is a date, not 1970-08-23) and are rejected.
    x = s.cast(pl.Float64, strict=False)
    int_digits = s.str.replace(r"^-", "").str.replace(r"\..*$", "").str.len_chars()
    micros = pl.when(s.str.contains(_EPOCH_RE) & (int_digits <= 11)).then(x * 1e6).when(
        s.str.contains(_EPOCH_RE)).then(x * 1e3)
    return micros.round(0).cast(pl.Int64, strict=False).cast(UTC_NAIVE)


def all_parsers(fmt: str | None = None) -> list[Parser]:
    if fmt:
        return [_datetime(fmt, "%z" in fmt or "%:z" in fmt or "%#z" in fmt)]
    return [_datetime(f, tz) for f, tz in _ISO_FORMATS] + [Parser("date", _date), Parser("epoch", _epoch)]


def _text(s: pl.Expr) -> pl.Expr:
    return s.cast(pl.String).str.strip_chars()


def choose_parsers(sample: pl.Series, fmt: str | None = None) -> list[Parser]:
    """The parsers that read values of ``sample``, most values first (at least one)."""
    parsers = all_parsers(fmt)
    if len(parsers) == 1:
        return parsers
    frame = pl.DataFrame({"s": sample.cast(pl.String)})
    hits = frame.select([p.build(_text(pl.col("s"))).is_not_null().sum().alias(str(i))
                         for i, p in enumerate(parsers)]).row(0)
    ranked = sorted(range(len(parsers)), key=lambda i: -hits[i])
    chosen = [parsers[i] for i in ranked if hits[i] > 0]
    return chosen or parsers[:1]


def parse_expr(col: pl.Expr, dtype: pl.DataType, parsers: list[Parser]) -> pl.Expr:
    """Lazy parse of a timestamp column of type ``dtype`` to naive UTC datetimes."""
    if isinstance(dtype, pl.Datetime):
        out = col.dt.cast_time_unit("us")
        return out.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if dtype.time_zone else out
    if dtype == pl.Date:
        return col.cast(UTC_NAIVE)
    text = _text(col)
    exprs = [p.build(text) for p in parsers]
    return (pl.coalesce(exprs) if len(exprs) > 1 else exprs[0]).cast(UTC_NAIVE)


def is_blank(col: pl.Expr) -> pl.Expr:
    return col.is_null() | (col.cast(pl.String).str.strip_chars() == "")


def parse_timestamps(raw: pl.Series, fmt: str | None = None) -> pl.Series:
    """Parse a column with every format in turn, each only on values still unparsed."""
    if raw.dtype != pl.String and not raw.dtype.is_numeric():
        return pl.select(parse_expr(pl.lit(raw), raw.dtype, [])).to_series().alias(raw.name)
    s = raw.cast(pl.String).str.strip_chars()
    result = pl.Series(raw.name, [None] * len(s), dtype=UTC_NAIVE)
    todo = s.is_not_null() & (s != "")
    for parser in choose_parsers(s.filter(todo).head(SAMPLE_ROWS), fmt) + all_parsers(fmt):
        idx = todo.arg_true()
        if len(idx) == 0:
            break
        values = pl.select(parser.build(pl.lit(s.gather(idx)))).to_series()
        result = result.scatter(idx, values)
        todo = todo & result.is_null()
    return result
