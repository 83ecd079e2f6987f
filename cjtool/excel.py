"""Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) read as their CSV export reads, and
the one-line refusal of any other binary file.

A sheet is read by calamine (``fastexcel``, the engine of polars' ``read_excel(engine=
"calamine")``, used directly for its report of cells of another type) as its CSV export
reads: every column text (a number cell its digits, ``12345`` not ``12345.0``; a date cell
``2026-03-04 09:05:00``), but for the score and revenue columns, whose numbers stay
numbers, and the date cells of the time columns, which stay times (no text to parse).
Empty cells are null, so blank rows are blank rows as in CSV. What a CSV export cannot
show is mended in the time columns only: an Excel serial number (``46085.5``) in the
timestamp or date column is that day and time, a fraction of a day in the time column
that time of day.

A workbook is small (Excel stops at 1,048,576 rows): it is read into memory once, and then
scanned lazily like any frame (``--partitions`` splits it as it splits a CSV).
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from cjtool.errors import DataError
from cjtool.i18n import say

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_ZIP, _OLE, _PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF"


def _save_as() -> str:
    return say("x_save_as")


# Excel's day 0 (its 1900 leap-year bug puts day 60 on 1900-02-29; serials of events are later)
_EPOCH = datetime(1899, 12, 30)
# serial numbers of days from 1968-06-12 (25000) to 2099-11-21 (72999): no other number is read as one
SERIAL = r"^(2[5-9]|[3-6]\d|7[0-2])\d{3}(\.\d+)?$"
_FRACTION = r"^(0|0?\.\d+)$"  # a time of day as a fraction of a day (0.5 is noon)


def is_workbook(path: Path, magic: bytes) -> bool:
    """Whether ``path`` is a spreadsheet calamine reads: by suffix, or by content (the
    zip of an .xlsx/.ods, the OLE2 container of an .xls), so that a workbook saved as
    `events.csv` is read all the same."""
    if path.suffix.lower() in EXCEL_SUFFIXES or magic.startswith(_OLE):
        return True
    if not magic.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names


def is_workbook_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        return is_workbook(path, fh.read(4))


def refuse_binary(path: Path, name: str, head: bytes) -> None:
    """A DataError (one line) when ``head``, the start of a file that is not a workbook,
    is binary: a Numbers file or other zip, a PDF, anything with NUL bytes."""
    if head.startswith(_ZIP):
        what = say("x_numbers") if path.suffix.lower() == ".numbers" else say("x_zip")
    elif head.startswith(_PDF):
        what = say("x_pdf")
    elif b"\x00" in head:
        what = say("x_binary")
    else:
        return
    raise DataError(say("x_not_text", name=name, what=what), hint=_save_as())


def read_sheet(
    path: Path,
    name: str,
    sheet: str | None,
    *,
    wanted: Sequence[str],
    times: dict[str, str],
    numbers: Collection[str] = (),
) -> tuple[pl.DataFrame, str]:
    """The sheet of ``path`` (``sheet``: a name, or a number counted from 1; default the
    first whose header row has every header of ``wanted``, else the first that is not
    empty) as its CSV export reads (``as_shown``), and its name. ``times``: header ->
    `timestamp`, `date` or `time`, the columns whose date cells stay times and whose serial
    numbers are mended; ``numbers``: the score and revenue columns, whose numbers stay
    numbers."""
    import fastexcel  # a dependency of cjtool; imported here: only workbooks need it

    try:
        book = fastexcel.read_excel(path)
        names = list(book.sheet_names)
    except fastexcel.FastExcelError as exc:
        raise DataError(say("x_unreadable", name=name, why=_first_line(exc)), hint=_save_as()) from None

    def shown(frame: pl.DataFrame) -> pl.DataFrame:
        return mend_times(as_shown(frame, set(times), set(numbers)), times)

    if sheet is not None:
        index = _sheet_index(names, sheet, name)
        frame = _load(book, name, index, names)
        if not frame.width:
            raise DataError(say("x_sheet_empty", name=name, sheet=names[index]))
        return shown(frame), names[index]
    first: tuple[pl.DataFrame, int] | None = None
    for i in range(len(names)):
        frame = _load(book, name, i, names)
        if not frame.width:
            continue
        if all(h in frame.columns for h in wanted):
            return shown(frame), names[i]
        first = first or (frame, i)
    if first is None:
        raise DataError(say("x_all_empty", name=name))
    return shown(first[0]), names[first[1]]


def _sheet_index(names: list[str], sheet: str, name: str) -> int:
    """``--sheet``: a sheet's name, else its number counted from 1."""
    if sheet in names:
        return names.index(sheet)
    text = sheet.strip()
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    listed = ", ".join(f"{i}: {n}" for i, n in enumerate(names, start=1))
    raise DataError(say("x_no_sheet", name=name, sheet=repr(sheet), listed=listed), hint=say("x_no_sheet_hint"))


def _load(book: Any, name: str, index: int, names: list[str]) -> pl.DataFrame:
    """A sheet with the types calamine infers from its first 1,000 rows (numbers, date
    cells, text); a column with a cell of another type further down (`N/A` among scores, a
    text date among date cells) is read again as text, so nothing is lost. (Every column
    as text from the start costs ~40% more on a 1M-row sheet.)"""
    import fastexcel

    try:
        batch, errors = book.load_sheet(index).to_arrow_with_errors()
        mixed = sorted({e.offset_position[1] for e in errors.errors}) if errors is not None else []
        if mixed:
            batch = book.load_sheet(index, dtypes={i: "string" for i in mixed}).to_arrow()
        frame = pl.from_arrow(batch)
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError) as exc:
        raise DataError(
            say("x_sheet_unreadable", name=name, sheet=names[index], why=_first_line(exc)), hint=_save_as()
        ) from None
    assert isinstance(frame, pl.DataFrame)
    return frame


def as_shown(frame: pl.DataFrame, times: set[str], numbers: set[str]) -> pl.DataFrame:
    """Each column as a CSV export shows it: text, but for date cells in ``times`` (kept as
    times) and numbers in ``numbers`` (kept as numbers). A whole number is written without
    a decimal point (an id 12345 stored as a number is `12345`), a date cell as
    `2026-03-04 09:05:00` (with milliseconds when it has some)."""
    exprs = []
    for name, dtype in frame.schema.items():
        c = pl.col(name)
        if dtype.is_numeric() and name not in numbers:
            exprs.append(number_text(c).alias(name))
        elif isinstance(dtype, (pl.Datetime, pl.Date)) and name not in times:
            exprs.append(stamp(c.cast(pl.Datetime("ms"))).alias(name))
        elif not (dtype == pl.String or dtype.is_numeric() or isinstance(dtype, (pl.Datetime, pl.Date))):
            exprs.append(c.cast(pl.String).alias(name))  # booleans, durations: their text
    return frame.with_columns(exprs) if exprs else frame


def number_text(c: pl.Expr) -> pl.Expr:
    """A number as a sheet shows it: a whole number without a decimal point."""
    whole = c.is_finite() & (c == c.round(0)) & (c.abs() < 1e15)
    return pl.when(whole).then(c.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(c.cast(pl.String))


def stamp(t: pl.Expr, day: str = "%Y-%m-%d ") -> pl.Expr:
    """A datetime as ISO text, with milliseconds only when it has some."""
    whole = t.dt.millisecond() == 0
    return pl.when(whole).then(t.dt.strftime(day + "%H:%M:%S")).otherwise(t.dt.strftime(day + "%H:%M:%S%.3f"))


def mend_times(frame: pl.DataFrame, times: dict[str, str]) -> pl.DataFrame:
    """Serial numbers in the time columns as the text a date cell gives."""
    exprs = []
    for header, role in times.items():
        if frame.schema.get(header) != pl.String:  # date cells (times already), or no such column
            continue
        s = pl.col(header).str.strip_chars()
        if role == "time":
            exprs.append(
                pl.when(s.str.contains(_FRACTION))
                .then(_as_text(s, time_only=True))
                .otherwise(pl.col(header))
                .alias(header)
            )
        else:
            exprs.append(pl.when(s.str.contains(SERIAL)).then(_as_text(s)).otherwise(pl.col(header)).alias(header))
    return frame.with_columns(exprs) if exprs else frame


def _as_text(s: pl.Expr, *, time_only: bool = False) -> pl.Expr:
    """A serial number (days since Excel's day 0, to the millisecond) as ISO text."""
    ms = (s.cast(pl.Float64, strict=False) * 86_400_000).round(0).cast(pl.Int64)
    return stamp(pl.lit(_EPOCH, pl.Datetime("ms")) + pl.duration(milliseconds=ms), "" if time_only else "%Y-%m-%d ")


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__
