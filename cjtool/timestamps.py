"""Timestamp parsing: ISO 8601 (with or without offset, mixed in one column), dates,
Excel's Chinese-locale dates (2026/3/4 9:05), epoch seconds/milliseconds, or explicit
strftime formats (the first that reads a value wins).

Result: naive ``Datetime("us")`` in UTC. Offsets are converted; values without one are
wall times, taken as UTC or in the model's ``timezone:``. In a zone with daylight saving
time, a wall time that occurs twice (the autumn fold) is read as the earlier instant, and
one that never occurs (the spring gap) is unreadable: its row is rejected, as a typo is.
Unparseable values become null; the caller rejects those rows.

polars' ``str.to_datetime(strict=False)`` silently nulls what a format does not fit, and
a format that fails is slow. So the formats a file uses are learnt from a sample
(``choose_parsers``) and only those run over the whole column (``parse_steps``, lazy, so
it streams); values that none of them fit are retried with every format afterwards
(``parse_timestamps``, on those values only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

UTC_NAIVE = pl.Datetime("us")

# (format, has offset). A literal `Z` parses as naive, which is UTC here; `%#z` takes
# +08, +0800 and +08:00 (PostgreSQL writes +08). Formats without
# fractional seconds come first: polars parses those several times faster, and among
# formats that fit a sample equally well the earlier one is used.
_ISO_FORMATS: list[tuple[str, bool]] = [
    ("%Y-%m-%dT%H:%M:%SZ", False),
    ("%Y-%m-%dT%H:%M:%S%#z", True),
    ("%Y-%m-%d %H:%M:%S", False),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y-%m-%dT%H:%M:%S%.fZ", False),
    ("%Y-%m-%dT%H:%M:%S%.f%#z", True),
    ("%Y-%m-%dT%H:%M:%S%.f", False),
    ("%Y-%m-%d %H:%M:%S%.fZ", False),
    ("%Y-%m-%d %H:%M:%S%.f%#z", True),
    ("%Y-%m-%d %H:%M:%S%.f", False),
    ("%Y-%m-%dT%H:%MZ", False),
    ("%Y-%m-%dT%H:%M%#z", True),
    ("%Y-%m-%dT%H:%M", False),
    ("%Y-%m-%d %H:%M%#z", True),
    ("%Y-%m-%d %H:%M", False),
]

EXPECTED = "ISO 8601 (2026-03-04, 2026-03-04T10:15:00, with Z or +08:00), 2026/3/4 10:15, or epoch seconds/milliseconds"

# Epoch numbers: 9 integer digits, or 10 starting with 1: seconds (1973-03-03 to
# 2033-05-18); 13: milliseconds (2001-2286). Nothing else: 10 digits from 2000000000 up
# read as compact date-hours too (2026030410), 20260304 is a date, 202603041015 and
# 20260304101500 compact date-times (not 1976 or the year 2612), and a negative number
# is a time before 1970, not an event of an export.
_EPOCH_RE = r"^(\d{9}|1\d{9}|\d{13})(\.\d+)?$"
SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class Parser:
    name: str
    build: Callable[[pl.Expr], pl.Expr]  # text expression -> naive UTC datetime expression
    fast: bool = False
    local: bool = False  # reads wall times (no offset, no Z): in the model's time zone when set


def to_utc(ts: pl.Expr, tz: str) -> pl.Expr:
    """Naive wall times in ``tz`` -> naive UTC: folds read as the earlier instant, times
    in a gap as null (rejected)."""
    local = ts.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    return local.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def _localised(parser: Parser, tz: str | None) -> Parser:
    if not tz or not parser.local:
        return parser
    return Parser(parser.name, lambda s: to_utc(parser.build(s).cast(UTC_NAIVE), tz), parser.fast, True)


def _datetime(fmt: str, has_offset: bool) -> Parser:
    # polars caches parsed values by text by default: a win for dates (few distinct
    # values), a loss of ~40% for times of day, nearly all distinct
    cache = not any(part in fmt for part in ("%H", "%I", "%M", "%S", "%T", "%R", "%r", "%X", "%c", "%+", "%s"))

    def build(s: pl.Expr) -> pl.Expr:
        out = s.str.to_datetime(
            fmt, strict=False, time_unit="us", exact=True, time_zone="UTC" if has_offset else None, cache=cache
        )
        return out.dt.replace_time_zone(None) if has_offset else out

    return Parser(fmt, build, fast=not has_offset and "%.f" not in fmt, local=not has_offset and not fmt.endswith("Z"))


def _has_offset(fmt: str) -> bool:
    return "%z" in fmt or "%:z" in fmt or "%#z" in fmt


def _date(s: pl.Expr) -> pl.Expr:
    return s.str.to_date("%Y-%m-%d", strict=False, exact=True).cast(UTC_NAIVE)


def _epoch(s: pl.Expr) -> pl.Expr:
    x = s.cast(pl.Float64, strict=False)
    int_digits = s.str.replace(r"\..*$", "").str.len_chars()
    micros = (
        pl.when(s.str.contains(_EPOCH_RE) & (int_digits <= 10))
        .then(x * 1e6)
        .when(s.str.contains(_EPOCH_RE))
        .then(x * 1e3)
    )
    return micros.round(0).cast(pl.Int64, strict=False).cast(UTC_NAIVE)


def _rewritten(pattern: str, replacement: str, keep: Callable[[str], bool]) -> list[Parser]:
    """Parsers for a spelling of ISO 8601 that polars' formats do not take: values
    matching ``pattern`` are rewritten (``replacement``) and read by one of the formats
    ``keep`` picks. One parser per format, so that a file's sample picks only the
    formats it needs (each format tried costs a pass over the column)."""

    def parser(target: Parser) -> Parser:
        def build(s: pl.Expr) -> pl.Expr:
            return pl.when(s.str.contains(pattern)).then(target.build(s.str.replace(pattern, replacement)))

        return Parser(f"{target.name} (rewritten)", build, local=target.local)

    return [parser(_datetime(f, tz)) for f, tz in _ISO_FORMATS if keep(f)]


def _shaped(fmt: str, has_offset: bool, shape: str) -> Parser:
    """A format whose fields have no separators, read only where the text has exactly
    its shape: chrono would take 13 digits for `%Y%m%d%H%M%S`, with a 1-digit second."""
    target = _datetime(fmt, has_offset)
    return Parser(fmt, lambda s: pl.when(s.str.contains(shape)).then(target.build(s)), local=target.local)


_OFFSET = r"(Z|[+-]\d{2}(?::?\d{2})?)?"
_OTHER_SPELLINGS = [
    # a comma before the fraction, as ISO 8601 allows and Java and Python loggers write
    # (2026-03-04 10:15:00,123)
    *_rewritten(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}),(\d+)", "${1}.${2}", lambda f: "%.f" in f),
    # hours only (2026-03-04T10), which chrono cannot parse without minutes
    *_rewritten(
        r"^(\d{4}-\d{2}-\d{2}[T ]\d{2})" + _OFFSET + "$",
        "${1}:00${2}",
        lambda f: f.endswith(("%H:%M", "%H:%MZ", "%H:%M%#z")),
    ),
    # the basic form (20260304T101500Z) and the compact 14 digits many systems export
    _shaped("%Y%m%d%H%M%S", False, r"^\d{14}$"),
    _shaped("%Y%m%dT%H%M%S", False, r"^\d{8}T\d{6}$"),
    _shaped("%Y%m%dT%H%M%SZ", False, r"^\d{8}T\d{6}Z$"),
    _shaped("%Y%m%dT%H%M%S%#z", True, r"^\d{8}T\d{6}[+-]\d{2}(?::?\d{2})?$"),
    _shaped("%Y%m%d", False, r"^\d{8}$"),  # the basic date
    # dates as Excel shows them in Chinese locales (2026/3/4, 2026/3/4 9:05[:07]); chrono
    # takes one or two digits for %m, %d and %H
    _datetime("%Y/%m/%d", False),
    _datetime("%Y/%m/%d %H:%M", False),
    _datetime("%Y/%m/%d %H:%M:%S", False),
]

Formats = str | tuple[str, ...] | list[str] | None  # the model's `timestamp_format:`


def formats_of(fmt: Formats) -> tuple[str, ...]:
    return (fmt,) if isinstance(fmt, str) else tuple(fmt or ())


def all_parsers(fmt: Formats = None, tz: str | None = None) -> list[Parser]:
    explicit = formats_of(fmt)
    if explicit:
        parsers = [_datetime(f, _has_offset(f)) for f in explicit]
    else:
        parsers = [_datetime(f, has_offset) for f, has_offset in _ISO_FORMATS] + [
            Parser("date", _date, local=True),
            Parser("epoch", _epoch),
            *_OTHER_SPELLINGS,
        ]
    return [_localised(p, tz) for p in parsers]


def _text(s: pl.Expr) -> pl.Expr:
    return s.cast(pl.String).str.strip_chars()


def choose_parsers(sample: pl.Series, fmt: Formats = None, tz: str | None = None) -> list[Parser]:
    """The fewest parsers that read the values of ``sample`` (a greedy cover, most
    values first; at least one). Every parser chosen runs over the whole column, so a
    redundant one (``%S%.fZ`` next to ``%SZ``) would only cost time. The model's own
    formats are all kept, in their order: the first that reads a value wins."""
    parsers = all_parsers(fmt, tz)
    if formats_of(fmt):
        return parsers
    frame = pl.DataFrame({"s": sample.cast(pl.String)})
    fits = frame.select([p.build(_text(pl.col("s"))).is_not_null().alias(str(i)) for i, p in enumerate(parsers)])
    remaining = pl.Series([True] * frame.height, dtype=pl.Boolean)
    chosen: list[Parser] = []
    # Fast formats first (polars has a fast path for fixed-width formats; offsets and
    # fractions take its slow one, ~3x): `Z` then `%#z` beats `%#z` alone on a file of
    # mostly `Z` with some `+08:00`.
    for pool in ([i for i, p in enumerate(parsers) if p.fast], list(range(len(parsers)))):
        while True:
            hits = {i: int((fits[str(i)] & remaining).sum()) for i in pool}
            best = max(pool, key=lambda i: (hits[i], -i))
            if hits[best] == 0:
                break
            chosen.append(parsers[best])
            remaining = remaining & ~fits[str(best)]
    return chosen or parsers[:1]


def parse_steps(col: str, dtype: pl.DataType, parsers: list[Parser], tz: str | None = None) -> list[list[pl.Expr]]:
    """Lazy parse of the timestamp column ``col`` (type ``dtype``) to naive UTC datetimes,
    as successive ``with_columns`` steps that leave the result in ``col`` and the text of
    values no parser read in ``_ts_text``. Named intermediate columns keep polars from
    recomputing shared sub-expressions."""
    c = pl.col(col)
    if isinstance(dtype, pl.Datetime):
        out = c.dt.cast_time_unit("us")
        if dtype.time_zone:
            out = out.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        elif tz:  # naive: wall times
            out = to_utc(out, tz)
        return [[in_range(out).alias(col), pl.lit(None, pl.String).alias("_ts_text")]]
    if dtype == pl.Date:
        out = to_utc(c.cast(UTC_NAIVE), tz) if tz else c.cast(UTC_NAIVE)
        return [[in_range(out).alias(col), pl.lit(None, pl.String).alias("_ts_text")]]
    # No strip here: copying every string costs more than parsing it. Values with spaces
    # around them miss, and are stripped and parsed again with the other misses.
    steps = [[parsers[0].build(c).cast(UTC_NAIVE).alias("_ts")]]
    for parser in parsers[1:]:
        # only the values still unparsed reach the next format: parsing null is free,
        # failing to parse is not
        steps.append([pl.when(pl.col("_ts").is_null()).then(c).alias("_ts_text")])
        steps.append([pl.coalesce(pl.col("_ts"), parser.build(pl.col("_ts_text")).cast(UTC_NAIVE)).alias("_ts")])
    steps.append([in_range(pl.col("_ts")).alias("_ts")])
    steps.append([pl.col("_ts").alias(col), pl.when(pl.col("_ts").is_null()).then(c).alias("_ts_text")])
    return steps


FIRST, LAST = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)


def in_range(ts: pl.Expr) -> pl.Expr:
    """Null outside years 1-9999: polars parses year 0 and 10000, Python (and so every
    output) cannot hold them."""
    return pl.when(ts.is_between(pl.lit(FIRST, UTC_NAIVE), pl.lit(LAST, UTC_NAIVE))).then(ts)


def is_blank(col: pl.Expr) -> pl.Expr:
    return col.is_null() | (col.cast(pl.String).str.strip_chars() == "")


def parse_timestamps(raw: pl.Series, fmt: Formats = None, tz: str | None = None) -> pl.Series:
    """Parse a column with every format in turn, each only on values still unparsed."""
    if raw.dtype != pl.String and not raw.dtype.is_numeric():
        steps = parse_steps(raw.name, raw.dtype, [], tz)
        return raw.to_frame().with_columns(steps[0])[raw.name]
    s = raw.cast(pl.String).str.strip_chars()
    result = pl.Series(raw.name, [None] * len(s), dtype=UTC_NAIVE)
    todo = s.is_not_null() & (s != "")
    for parser in choose_parsers(s.filter(todo).head(SAMPLE_ROWS), fmt, tz) + all_parsers(fmt, tz):
        idx = todo.arg_true()
        if len(idx) == 0:
            break
        values = pl.select(in_range(parser.build(pl.lit(s.gather(idx))).cast(UTC_NAIVE))).to_series()
        result = result.scatter(idx, values)
        todo = todo & result.is_null()
    return result
