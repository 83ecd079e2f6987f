"""Timestamp parsing: ISO 8601 (with or without offset, mixed in one column), dates,
epoch seconds/milliseconds, or one explicit strftime format.

Result: naive ``Datetime("us")`` in UTC (offsets converted, values without one taken
as UTC). Unparseable values become null; the caller rejects those rows.

polars' ``str.to_datetime(strict=False)`` silently nulls what a format does not fit, so
each format is tried only on the values still unparsed, most common format first (the
order is learnt from a sample): a clean column costs one parse.
"""

from __future__ import annotations

from collections.abc import Callable

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

Parser = Callable[[pl.Series], pl.Series]


def _datetime_parser(fmt: str, has_offset: bool) -> Parser:
    def parse(s: pl.Series) -> pl.Series:
        out = s.str.to_datetime(fmt, strict=False, time_unit="us", exact=True)
        if has_offset or out.dtype.time_zone is not None:  # type: ignore[union-attr]
            out = out.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return out

    return parse


def _date_parser(s: pl.Series) -> pl.Series:
    return s.str.to_date("%Y-%m-%d", strict=False, exact=True).cast(UTC_NAIVE)


def _epoch_parser(s: pl.Series) -> pl.Series:
    # 9-11 integer digits: seconds (1973-5138); 12-14: milliseconds. Shorter numbers are
    # too ambiguous (20260304 is a date, not 1970-08-23) and are rejected.
    is_epoch = s.str.contains(_EPOCH_RE)
    x = s.cast(pl.Float64, strict=False)
    int_digits = s.str.replace(r"^-", "").str.replace(r"\..*$", "").str.len_chars()
    micros = pl.select(
        pl.when(is_epoch & (int_digits <= 11)).then(x * 1e6)
        .when(is_epoch).then(x * 1e3)
    ).to_series()
    return micros.round(0).cast(pl.Int64, strict=False).cast(UTC_NAIVE)


def _parsers(fmt: str | None) -> list[Parser]:
    if fmt:
        return [_datetime_parser(fmt, "%z" in fmt or "%:z" in fmt or "%#z" in fmt)]
    return [_datetime_parser(f, tz) for f, tz in _ISO_FORMATS] + [_date_parser, _epoch_parser]


def parse_timestamps(raw: pl.Series, fmt: str | None = None) -> pl.Series:
    """Parse a column of timestamps to naive UTC datetimes; null where it cannot."""
    name = raw.name
    if isinstance(raw.dtype, pl.Datetime):
        out = raw.dt.cast_time_unit("us")
        if raw.dtype.time_zone is not None:
            out = out.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return out.alias(name)
    if raw.dtype == pl.Date:
        return raw.cast(UTC_NAIVE).alias(name)
    if raw.dtype.is_numeric():
        raw = raw.cast(pl.String)
    s = raw.cast(pl.String).str.strip_chars()
    todo = s.is_not_null() & (s != "")
    result = pl.Series(name, [None] * len(s), dtype=UTC_NAIVE)
    if not todo.any():
        return result
    parsers = _parsers(fmt)
    if len(parsers) > 1:  # most common format in a sample first
        sample = s.filter(todo).head(2000)
        hits = [int(p(sample).is_not_null().sum()) for p in parsers]
        parsers = [p for _, p in sorted(zip(hits, parsers, strict=True), key=lambda hp: -hp[0])]
    first = True
    for parser in parsers:
        if first:
            result = parser(s).alias(name)
            first = False
        else:
            idx = todo.arg_true()
            if len(idx) == 0:
                break
            result = result.scatter(idx, parser(s.gather(idx)))
        todo = todo & result.is_null()
        if not todo.any():
            break
    return result
