"""Reading event exports into one canonical table.

The canonical events frame has one row per *valid* input row:

    row (input order: file order, then row order), cust (the customer id, Categorical),
    timestamp (Datetime us, naive UTC), touchpoint, channel (Categorical),
    satisfaction, nps, effort (Float64|null: missing, or invalid and warned about)

Rows with a blank customer id or touchpoint, or an unparseable timestamp, are rejected
(SPEC section 1): counted by reason, never silently dropped. Rows whose fields are all
blank (Excel's trailing `,,,,`) are not events: counted as blank. With ``dedupe``, a row
equal to an earlier accepted one in every role is skipped and counted as a duplicate.

Everything from the CSV scan to this compact frame is one lazy query run by polars'
streaming engine: the text of the export is never held in memory at once, only ~50
bytes per event. Ids and names become categorical codes there, because grouping and
sorting millions of strings is the expensive part of the engine.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from cjtool import encoding as enc
from cjtool import excel
from cjtool.errors import DataError, RejectedRows
from cjtool.i18n import current_lang, say, t
from cjtool.kernel import kernel_wanted
from cjtool.model import REQUIRED_ROLES, ROLES, JourneyModel, Scale, fitting_scale
from cjtool.timestamps import (
    SAMPLE_ROWS,
    choose_parsers,
    formats_of,
    is_blank,
    parse_steps,
    parse_timestamps,
)

Source = str | Path
EventsInput = Sequence[Source] | pl.DataFrame | pl.LazyFrame

PARQUET_SUFFIXES = (".parquet", ".pq")
SPLIT_ROW = "__cjtool_row"  # in a part's file (cjtool.partitions): each row's index in its input file
# in a part's file: present when its input file reads scores with decimal commas (a `;` CSV)
SPLIT_DECIMAL_COMMA = "__cjtool_decimal_comma"


@dataclass
class EventTable:
    frame: pl.DataFrame
    rows_read: int  # rows that are not blank (rejected and duplicate ones included)
    rejected: dict[str, int] = field(default_factory=dict)
    blank: int = 0  # rows with every field blank: not events, not in rows_read
    duplicates: int = 0  # rows skipped by `dedupe` (in rows_read)
    outside: int = 0  # valid rows outside --since/--until (in rows_read, not events)
    columns: list[str] = field(default_factory=list)  # every header of the inputs, in order (for messages)
    has_revenue: bool = False  # an input has the revenue column (SPEC 16: else revenue keys are null)
    # rows of known customers that are not events, by (cust, reason): a rejected reason,
    # DUPLICATE or OUTSIDE; a segment's `rows` counts its customers' (SPEC 16)
    dropped: pl.DataFrame = field(default_factory=lambda: dropped_rows(pl.Series("cust", [], pl.Categorical), ""))
    notes: list[Note] = field(default_factory=list)  # the warnings before wording (``warnings``)
    sources: list[str] = field(default_factory=list)
    # with check_times=False: the sources (indices) with rows, and those with a time read
    sources_with_rows: set[int] = field(default_factory=set)
    sources_with_times: set[int] = field(default_factory=set)

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    @property
    def warnings(self) -> list[str]:
        return worded(self.notes, self.rejected, self.rows_read, self.blank)


# ------------------------------------------------------------------------- warnings
# The reader's warnings are kept as Notes until they are worded, so that the notes of a
# run split by customer (partitions, Spark) merge into the one run's: counts add up, the
# first example is the one first in the input, shares are worked out from the sums.

Position = tuple  # a row's place in the input, sortable: (file index, row in file) here


@dataclass(frozen=True)
class Note:
    """One warning: a text (``n`` None), or ``n`` bad values of one kind (``text`` with
    {n}, {s} and {first} to fill) with the first of them in the input: its place ``at``,
    its value as shown (``first``: `'N/A'`, or an id) and where it is (`file: line N`).
    ``head``: for a part's shortened ids only, the places of the part's first SAMPLE_ROWS
    events (see ``_shortened_ids``)."""

    slot: int  # its place among the warnings: the reader's order
    text: str
    n: int | None = None
    at: Position = ()
    first: str = ""
    where: str = ""
    head: tuple[Position, ...] | None = None
    # scores outside their scale: the least and greatest number of the column ({fit})
    lo: float | None = None
    hi: float | None = None
    key: str = ""  # the catalogue's text (cjtool.i18n) with ``fields``: ``text`` in any language
    fields: tuple[tuple[str, str], ...] = ()

    def words(self, lang: str = "en") -> str:
        text = self.text
        if self.key and lang != "en":
            text = t(self.key, lang).format(**dict(self.fields))
        if self.n is None:
            return text
        where = self.where if lang == "en" else where_words(self.where, lang)
        first = (
            t("note_first_at", lang).format(first=self.first, where=where)
            if self.first and where
            else self.first or where
        )
        plural = "s" * (self.n > 1) if lang == "en" else ""
        text = text.replace("{n}", f"{self.n:,}").replace("{s}", plural).replace("{first}", first)
        advice = scale_advice(self.text.split(":")[0], self.lo, self.hi, lang) if "{fit}" in self.text else ""
        return text.replace("{fit}", "") + advice  # a scale that would fit the numbers (Excel's 1-10)

    def shown(self) -> bool:
        """A part's shortened ids are a warning when one is among the run's first SAMPLE_ROWS
        events (a note of n = 0: a part without any)."""
        if self.n == 0:
            return False
        return self.head is None or sum(h < self.at for h in self.head) < SAMPLE_ROWS


SLOT_FILE, SLOT_REJECTED, SLOT_TIMESTAMP, SLOT_SHORTENED, SLOT_REPEATED = 0, 1, 20, 21, 30


def slot_of_score(role: str, outside: bool) -> int:
    return 10 + 2 * _SCALES.index(role) + outside


def merged_notes(notes: Sequence[Note]) -> list[Note]:
    """The notes of parts of a run (each holding whole customers) as the run's: each text
    once, the counts of a kind summed with the first example of all; in the reader's order."""
    out: dict[tuple[int, str], Note] = {}
    for note in notes:
        key = (note.slot, note.text)
        had = out.get(key)
        if had is None or had.n is None or note.n is None:
            out.setdefault(key, note)
            continue
        head = None if had.head is None or note.head is None else tuple(sorted(had.head + note.head)[:SAMPLE_ROWS])
        best = min(had, note, key=lambda x: (not x.n, x.at))  # a note of n = 0 has no example
        firsts = [x.first for x in (had, note) if x.n]
        first = min(firsts, default="") if note.slot == SLOT_SHORTENED else best.first  # the smallest id
        lo, hi = _bound([had.lo, note.lo], min), _bound([had.hi, note.hi], max)
        out[key] = replace(best, n=had.n + note.n, first=first, head=head, lo=lo, hi=hi)
    return sorted(out.values(), key=lambda x: x.slot)


def _bound(values: list[float | None], pick: Callable[..., float]) -> float | None:
    known = [v for v in values if v is not None]
    return pick(known) if known else None


def scale_advice(role: str, lo: float | None, hi: float | None, lang: str = "en") -> str:
    """The words suggesting the `scores:` setting that fits a column whose numbers run from
    ``lo`` to ``hi``; "" when there is none (NPS has a fixed scale)."""
    fit = fitting_scale(lo, hi) if role in ("satisfaction", "effort") and lo is not None and hi is not None else None
    if fit is None:
        return ""
    setting = f"`scores: {{{role}: {{min: {fit.min:g}, max: {fit.max:g}}}}}`"
    return t("note_scale_advice", lang).format(
        lo=f"{lo:g}", hi=f"{hi:g}", min=f"{fit.min:g}", max=f"{fit.max:g}", setting=setting
    )


def worded(
    notes: Sequence[Note], rejected: dict[str, int], rows_read: int, blank: int, lang: str | None = None
) -> list[str]:
    """The warnings of ``notes`` and of a table's counts (of a run, or of merged parts), in
    ``lang`` (default: the run's language, ``cjtool.i18n.current_lang``)."""
    lang = lang or current_lang()
    lines = [(n.slot, n.words(lang)) for n in merged_notes(notes) if n.shown()]
    if rejected:
        lines.append((SLOT_REJECTED, rejected_summary(rejected, rows_read, lang)))
    out = [text for _, text in sorted(lines, key=lambda x: x[0])]
    if rows_read == 0:
        out.append(no_events_warning(blank, lang))
    return out


def where_words(where: str, lang: str) -> str:
    """`file: line N` / `file: row N` (``where_in``) in ``lang``."""
    name, sep, place = where.rpartition(": ")
    kind, _, number = place.partition(" ")
    if not sep or kind not in ("line", "row"):
        return where
    return t(f"where_{kind}", lang).format(name=name, n=number)


def relocated(notes: Sequence[Note], place: Callable[[Position], Position]) -> list[Note]:
    """``notes`` with every place mapped by ``place`` (a part's rows as rows of the input)."""
    return [
        n
        if n.n is None
        else replace(
            n, at=place(n.at) if n.at else (), head=None if n.head is None else tuple(place(h) for h in n.head)
        )
        for n in notes
    ]


def located(notes: Sequence[Note], where: Callable[[Position], str]) -> list[Note]:
    """``notes`` whose first example names a row, naming it by ``where`` of its place."""
    return [replace(n, where=where(n.at)) if n.where else n for n in notes]


def repeated_notes(names: Sequence[str]) -> list[Note]:
    """A file given more than once on the command line: its events are counted twice."""
    seen, out = set(), []
    for name in names:
        if name in seen and name not in ("<stdin>", "<frame>"):
            text = t("note_repeated", "en").format(name=name)
            out.append(Note(SLOT_REPEATED, text, key="note_repeated", fields=(("name", name),)))
        seen.add(name)
    return out


def read_events(
    events: EventsInput,
    model: JourneyModel,
    *,
    encoding: str | None = None,
    strict: bool = False,
    check_times: bool = True,
) -> EventTable:
    """Read, validate and collect the events of ``events`` for ``model``. ``check_times``:
    refuse a file in which no timestamp reads (off for a part of a file: the caller checks
    the whole file with ``sources_with_rows`` / ``sources_with_times``)."""
    with ExitStack() as stack:
        if isinstance(events, (pl.DataFrame, pl.LazyFrame)):
            lf = events.lazy()
            names = lf.collect_schema().names()
            selected = _select_roles(lf, model, "<frame>", names)
            scans = [_Scan("<frame>", selected, None, all_columns=lf, others=_others(model, names))]
        else:
            if not events:
                raise DataError(say("e_no_files"), hint=say("e_no_files_hint"))
            if sum(str(e) == "-" for e in events) > 1:
                raise DataError(say("e_stdin_twice"))
            scans = [_scan_one(src, model, encoding, stack) for src in events]
        sources = [s.name for s in scans]
        try:
            raw = _collect(scans, model)
        except pl.exceptions.PolarsError as exc:
            # One odd line (a space after a closing quote) must not refuse a whole export:
            # read the CSVs again as Python's csv module reads them (slow, so only now).
            if _is_utf8_error(exc) and encoding is None:
                # GBK text after the part the encoding was guessed from (4 MiB): the whole file
                # decides, on this error path only
                scans = [_gbk_after_all(s, model, stack) for s in scans]
            elif _is_utf8_error(exc) or not any(s.csv_path and not s.rewritten for s in scans):
                raise _read_error(sources, exc, [(s.name, s.csv_path) for s in scans if s.csv_path]) from None
            else:
                scans = [_rewritten(s, model, stack) for s in scans]
            try:
                raw = _collect(scans, model)
            except pl.exceptions.PolarsError as exc2:
                raise _read_error(sources, exc2, [(s.name, s.csv_path) for s in scans if s.csv_path]) from None
        table = _validate(
            raw,
            model,
            strict=strict,
            check_times=check_times,
            locate=lambda row: _locate(raw, scans, row),
            example=lambda row, role: _example(raw, scans, row, role),
            others_blank=lambda rows: _others_blank(raw, scans, rows),
            extent=lambda role: _extent(scans, role),
        )
    table.sources = sources
    if model.since is not None or model.until is not None:  # --since/--until: the period mapped
        t = pl.col("timestamp")
        keep = (t >= model.since if model.since else pl.lit(True)) & (t < model.until if model.until else pl.lit(True))
        inside = table.frame.select(keep.alias("k"))["k"]
        table.outside = table.frame.height - int(inside.sum())
        if table.outside:
            table.dropped = pl.concat([table.dropped, dropped_rows(table.frame["cust"].filter(~inside), OUTSIDE)])
            table.frame = table.frame.filter(inside)
    headers = [s.all_columns.collect_schema().names() for s in scans if s.all_columns is not None]
    table.columns = list(dict.fromkeys(h for names in headers for h in names))
    table.has_revenue = model.column_map["revenue"] in table.columns
    table.notes = [Note(SLOT_FILE, w) for s in scans for w in s.warnings] + table.notes + repeated_notes(sources)
    return table


REJECTED_REASONS = ("missing customer_id", "missing touchpoint", "bad timestamp")  # in rejected dicts' order
DUPLICATE, OUTSIDE = "duplicate", "outside period"  # EventTable.dropped reasons besides the rejected ones


def dropped_rows(cust: pl.Series, reason: str) -> pl.DataFrame:
    """``EventTable.dropped`` rows: how many of ``cust`` (one per row) each customer has."""
    return (
        cust.to_frame("cust")
        .group_by("cust")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .with_columns(pl.lit(reason, pl.String).alias("reason"))
        .select("cust", "reason", "n")
    )


def no_events_warning(blank: int, lang: str = "en") -> str:
    """The warning of an input without events (``blank``: its blank rows)."""
    return t("no_events_blank" if blank else "no_events", lang)


def _collect(scans: list[_Scan], model: JourneyModel) -> pl.DataFrame:
    plan = _compact([_typed(s, model).with_columns(pl.lit(i, pl.UInt16).alias("_src")) for i, s in enumerate(scans)])
    return _customer_codes(plan.collect(engine="streaming"))


ID_HASH_SEED = 0x636A746F6F6C  # any fixed seed: codes only need to be the same within a run


def _customer_codes(raw: pl.DataFrame) -> pl.DataFrame:
    """``cust``: the customer ids as Categorical, in place of the text column and its hash.

    Casting a million distinct ids to Categorical costs 1.0-1.3 CPU s at 10M rows (each
    row's string looked up in polars' global map). From ``kernel.KERNEL_MIN_EVENTS`` rows
    on, the ids get dense codes from their 64-bit hashes instead (``kernel.hash_codes``),
    only the distinct ids are cast, and each row takes its id's category by a gather.
    Every row's id is then compared with the id its code stands for: if two ids share a
    hash, the ids are cast as before. The same categories either way."""
    # Columns are taken out of ``raw`` in place (the caller holds it to the end): each is
    # freed as soon as it is used.
    hashes = raw.drop_in_place("_h")
    ids = raw.drop_in_place("customer_id")
    cust = None
    if kernel_wanted(raw.height) and raw.height:
        from cjtool import kernel  # lazy: numba loads only for inputs big enough to gain from it

        codes, firsts = kernel.hash_codes(hashes.to_numpy())
        del hashes
        cust = _hashed_ids(ids, codes, firsts)
    if cust is None:
        cust = ids.cast(pl.Categorical)
    del ids
    # The streaming read leaves each column in many chunks, and ``cust`` in one: an eager
    # select on such a frame copies the whole frame to align them (0.2 s and the frame's
    # size in memory, every time). One chunk per column, a column at a time, so the copy
    # costs one column's memory.
    columns = [raw.drop_in_place(name).rechunk() for name in raw.columns]
    return pl.DataFrame([*columns, cust.alias("cust").rechunk()])


def _hashed_ids(ids: pl.Series, codes: Any, firsts: Any) -> pl.Series | None:
    """The ids as Categorical through their hash codes (``kernel.hash_codes``: each row's
    code, each code's first row); None if two ids share a hash."""
    code = pl.Series("code", codes, dtype=pl.UInt32)
    distinct = ids.gather(pl.Series("first", firsts, dtype=pl.UInt32))
    step = 1 << 20  # compared a slice at a time: the gathered ids are 16 bytes a row
    for start in range(0, len(ids), step):
        if not bool(ids.slice(start, step).eq_missing(distinct.gather(code.slice(start, step))).all()):
            return None  # exact: a collision, not a guess
    return distinct.cast(pl.Categorical).gather(code)


def _is_utf8_error(exc: BaseException) -> bool:
    msg = _first_line(exc).lower()
    return "utf-8" in msg or "utf8" in msg


def _others_blank(raw: pl.DataFrame, scans: list[_Scan], rows: pl.Series) -> pl.Series:
    """For rows of ``raw`` (ascending) whose role fields are all blank: whether the
    file's other columns are blank too. Reads those rows again, but such rows are rare
    (Excel's trailing `,,,,` rows, in sheets of at most ~1M rows)."""
    src = raw["_src"].gather(rows)
    blank = pl.Series("blank", [True] * len(rows), dtype=pl.Boolean)
    for i in src.unique().sort().to_list():
        scan = scans[i]
        if not scan.others or scan.all_columns is None:
            continue
        pick = src == i
        in_file = rows.filter(pick) - int(raw["_src"].search_sorted(i, side="left"))
        others = (
            scan.all_columns.with_row_index("_i")
            .filter(pl.col("_i").is_in(in_file.to_list()))
            .select(pl.all_horizontal([is_blank(pl.col(c)) for c in scan.others]))
            .collect()
            .to_series()
        )
        blank = blank.scatter(pick.arg_true(), others)
    return blank


def _extent(scans: list[_Scan], role: str) -> tuple[float | None, float | None]:
    """The least and greatest number of ``role``'s column over ``scans`` (read again: for
    the warning on scores outside their scale only)."""
    inf = float("inf")
    parts = []
    for scan in scans:
        (x,), _ = _score_steps(role, scan.lf.collect_schema()[role], Scale(-inf, inf), scan.decimal_comma)
        parts.append(scan.lf.select(x).filter(pl.col(f"_x_{role}").is_finite()))
    got = pl.concat(parts).select(pl.all().min().alias("lo"), pl.all().max().alias("hi")).collect(engine="streaming")
    return got["lo"][0], got["hi"][0]


def _locate(raw: pl.DataFrame, scans: list[_Scan], row: int, line_limit: int | None = None) -> str:
    """`file: line N` of a row of ``raw`` (error path only: it may read the file again).
    Rows past ``line_limit`` are given as `row N`: finding their line reads the file in
    Python, too slow for a warning on a big file."""
    src = int(raw["_src"][row])
    return where_in(scans[src], row - int(raw["_src"].search_sorted(src, side="left")), line_limit)


def where_in(scan: _Scan, in_file: int, line_limit: int | None = None) -> str:
    """`file: line N` of row ``in_file`` (0-based) of a scanned file; `file: row N` for
    Parquet, or past ``line_limit``."""
    if scan.sheet is not None:  # rows as Excel numbers them: the header is row 1
        return f"{scan.name} [{scan.sheet}]: row {in_file + 2}"
    if scan.csv_path is None or (line_limit is not None and in_file >= line_limit):
        return f"{scan.name}: row {in_file + 1:,}"
    line = _line_of_record(scan.csv_path, in_file, scan.separator)
    return f"{scan.name}: line {line}" if line else f"{scan.name}: row {in_file + 1:,}"


WARNING_LINE_LIMIT = 20_000  # rows further into a CSV are named by row, not line, in warnings


def _place(raw: pl.DataFrame, row: int) -> Position:
    """(file index, row in file) of a row of ``raw``."""
    src = int(raw["_src"][row])
    return src, row - int(raw["_src"].search_sorted(src, side="left"))


def _example(raw: pl.DataFrame, scans: list[_Scan], row: int, role: str) -> tuple[Position, str, str]:
    """A value of ``role`` as written, for a warning: its place, `'N/A'` ("" when it
    cannot be read again) and `file: line N` (reads the one row again: polars skips to it)."""
    src, in_file = _place(raw, row)
    where = _locate(raw, scans, row, line_limit=WARNING_LINE_LIMIT)
    try:
        value = scans[src].lf.slice(in_file, 1).select(_shown(scans[src], role)).collect()[role][0]
    except pl.exceptions.PolarsError:  # polars' row skipping can stumble on stray quotes the full read took
        return (src, in_file), "", where
    shown = value if value is None or len(value) <= 40 else value[:39] + "…"
    return (src, in_file), repr(shown), where


def _shown(scan: _Scan, role: str) -> pl.Expr:
    """A value as a message shows it: a workbook's number as its sheet shows it (9, not 9.0)."""
    if scan.sheet is not None and scan.lf.collect_schema()[role].is_numeric():
        return excel.number_text(pl.col(role)).alias(role)
    return pl.col(role).cast(pl.String)


def _line_of_record(path: Path, index: int, separator: str, encoding: str = "utf-8-sig") -> int | None:
    """The line on which data record ``index`` (0-based, after the header) starts."""
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=separator)
        try:
            next(reader)
            line = reader.line_num + 1
            for i, _ in enumerate(reader):
                if i == index:
                    return line
                line = reader.line_num + 1
        except (csv.Error, StopIteration):
            return None
    return None


# ------------------------------------------------------------------------- scanning


@dataclass
class _Scan:
    name: str
    lf: pl.LazyFrame  # the role columns, renamed to the role names, as typed in the file
    csv_path: Path | None  # the UTF-8 text read (None for Parquet and frames)
    separator: str = ","
    warnings: list[str] = field(default_factory=list)
    all_columns: pl.LazyFrame | None = None  # every column, as in the file
    others: list[str] = field(default_factory=list)  # the columns that are no role's
    rewritten: bool = False  # csv_path is Python csv's reading of the file (the slow path)
    part_of_decimal_comma_csv: bool = False  # a part's file (cjtool.partitions) of such an input
    sheet: str | None = None  # the sheet read, for an Excel workbook

    @property
    def decimal_comma(self) -> bool:
        """Excel writes `;`-separated files where the decimal separator is a comma (4,5)."""
        return (self.csv_path is not None and self.separator == ";") or self.part_of_decimal_comma_csv


def _others(model: JourneyModel, columns: list[str]) -> list[str]:
    roles = set(model.role_headers)
    return [c for c in columns if c not in roles]


def _scan_one(src: Source, model: JourneyModel, encoding: str | None, stack: ExitStack, *, roles: bool = True) -> _Scan:
    """The role columns of one file, lazily (every column as read, without ``roles``: for
    drafting a model, before any role has a column)."""
    name = str(src)
    if name == "-":
        path = enc.spool_stdin(stack)
        name = "<stdin>"
    else:
        path = Path(src)
        if not path.exists():
            raise DataError(say("e_no_file", name=name))
        if path.is_dir():
            raise DataError(say("e_is_dir", name=name))
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    magic = head[:4]
    if path.suffix.lower() in PARQUET_SUFFIXES or magic == b"PAR1":  # by content too: a .csv may be Parquet
        try:
            lf = pl.scan_parquet(path)
            columns = lf.collect_schema().names()
            marks = [c for c in (SPLIT_ROW, SPLIT_DECIMAL_COMMA) if c in columns]
            if marks:  # a part of cjtool.partitions: its marks are no columns of the input
                lf, columns = lf.drop(marks), [c for c in columns if c not in marks]
        except pl.exceptions.PolarsError as exc:
            raise DataError(say("e_parquet", name=name, why=_first_line(exc))) from None
        return _Scan(
            name,
            _select_roles(lf, model, name, columns) if roles else lf,
            None,
            all_columns=lf,
            others=_others(model, columns),
            part_of_decimal_comma_csv=SPLIT_DECIMAL_COMMA in marks,
        )
    if excel.is_workbook(path, magic):
        return _excel_scan(path, name, model, roles)
    excel.refuse_binary(path, name, head)  # a Numbers file, a zip, a PDF: one line, not "not UTF-8"
    warnings = [say("zl_sheet_csv", name=name)] if model.sheet else []
    codec = enc.normalise(encoding) if encoding else enc.detect(path)
    if encoding and codec not in ("utf-8", "utf-8-sig") and enc.utf8_with_non_ascii(path):
        warnings.append(say("w_encoding_utf8", name=name, encoding=encoding))
    if codec not in ("utf-8", "utf-8-sig"):
        path = enc.transcode(path, codec, stack)
    header, separator, cr_only = _read_header(path, name)
    if cr_only:  # old Mac Excel: polars would read one long header line
        path = enc.rewrite_csv(path, separator, name, stack)
    return _csv_scan(path, name, model, header, separator, warnings, cr_only, roles=roles)


def _excel_scan(path: Path, name: str, model: JourneyModel, roles: bool = True) -> _Scan:
    """The role columns of a sheet of an Excel workbook (``model.sheet``, else the first
    with the model's columns), read as its CSV export reads."""
    date, time = model.date_time
    cmap = model.column_map
    times = {date: "date", **({time: "time"} if time else {})} if date else {cmap["timestamp"]: "timestamp"}
    wanted = [cmap[r] for r in REQUIRED_ROLES if not (date and r == "timestamp")] + ([date] if date else [])
    numbers = [cmap[r] for r in _SCALES]
    frame, sheet = excel.read_sheet(path, name, model.sheet, wanted=wanted, times=times, numbers=numbers)
    lf = frame.lazy()
    return _Scan(
        name,
        _select_roles(lf, model, f"{name} [{sheet}]", frame.columns) if roles else lf,
        None,
        all_columns=lf,
        others=_others(model, frame.columns),
        sheet=sheet,
    )


def _gbk_after_all(scan: _Scan, model: JourneyModel, stack: ExitStack) -> _Scan:
    """``scan`` read again as GB18030 when its whole file is not UTF-8 but is GB18030 (a
    first Chinese character late in the file); else a DataError naming the first bad byte."""
    if scan.csv_path is None:
        return scan
    bad = enc.first_invalid(scan.csv_path, "utf-8")
    if bad is None:
        return scan
    if enc.first_invalid(scan.csv_path, "gb18030") is not None:
        raise DataError(say("e_not_utf8_gbk", name=scan.name, at=f"{bad:,}"), hint=say("e_give_encoding"))
    path = enc.transcode(scan.csv_path, "gb18030", stack)
    header, separator, _ = _read_header(path, scan.name)
    note = say("zl_read_gbk", name=scan.name, at=f"{bad:,}")
    return _csv_scan(path, scan.name, model, header, separator, [*scan.warnings, note], scan.rewritten)


def _rewritten(scan: _Scan, model: JourneyModel, stack: ExitStack) -> _Scan:
    """``scan`` read again from Python csv's reading of its file (CSV scans only)."""
    if scan.csv_path is None or scan.rewritten:
        return scan
    path = enc.rewrite_csv(scan.csv_path, scan.separator, scan.name, stack)
    header, separator, _ = _read_header(path, scan.name)
    return _csv_scan(path, scan.name, model, header, separator, scan.warnings, True)


def _csv_scan(
    path: Path,
    name: str,
    model: JourneyModel,
    header: list[str],
    separator: str,
    warnings: list[str],
    rewritten: bool = False,
    *,
    roles: bool = True,
) -> _Scan:
    lf = pl.scan_csv(
        path,
        separator=separator,
        infer_schema=False,  # every column as text; roles are cast/parsed explicitly
        encoding="utf8",
        has_header=True,
        glob=False,  # a file name with * or [ is a name, not a pattern
        raise_if_empty=False,
    )
    return _Scan(
        name,
        _select_roles(lf, model, name, header) if roles else lf,
        path,
        separator,
        warnings,
        all_columns=lf,
        others=_others(model, header),
        rewritten=rewritten,
    )


SEPARATORS = (",", ";", "\t", "|")


def _read_header(path: Path, name: str) -> tuple[list[str], str, bool]:
    """The header's column names; the separator: the one of , ; tab | the header
    line has most of (Excel in many locales saves `;`-separated "CSV"); and whether
    lines end in a CR alone."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise DataError(say("e_empty_file", name=name))
    if b"\x00" in head:
        raise DataError(say("e_binary", name=name))
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    separator = max(SEPARATORS, key=lambda sep: (first.count(sep), sep == ","))
    try:
        row = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except (csv.Error, StopIteration):
        raise DataError(say("e_header", name=name)) from None
    return row, separator, enc.lone_cr(head)


def _select_roles(lf: pl.LazyFrame, model: JourneyModel, name: str, columns: list[str]) -> pl.LazyFrame:
    """Rename the model's headers to role names; absent optional roles become nulls."""
    cmap = model.column_map
    # an optional role mapped to another header must find it (a typo is an error); one left
    # at, or spelled out as, its own name is simply absent when the file has no such column
    explicit = {role: header for role, header in model.columns if header != role}
    seen: set[str] = set()
    for c in columns:
        if c in seen and c in cmap.values():
            raise DataError(say("e_header_twice", name=name, c=c))
        seen.add(c)
    exprs = []
    missing = []  # every missing column in one message, not one per run
    date, time = model.date_time
    for role in ROLES:
        header = cmap[role]
        if role == "timestamp" and date:  # the event time in two columns
            gone = [(r, h) for r, h in (("date", date), ("time", time)) if h and h not in columns]
            if gone:
                missing += gone
            else:
                exprs.append(date_and_time(date, time, lf.collect_schema()).alias(role))
            continue
        if header in columns:
            exprs.append(pl.col(header).alias(role))
        elif role in REQUIRED_ROLES or role in explicit:
            missing.append((role, header))
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(role))
    for header in model.extra_columns:  # segment attributes; a file without one has nulls
        value = pl.col(header).cast(pl.String) if header in columns else pl.lit(None, dtype=pl.String)
        exprs.append(value.alias(f"attr:{header}"))
    if missing and any("\ufffd" in c for c in columns):  # GBK read as UTF-8: don't list mojibake
        raise DataError(say("e_no_column_gbk", name=name, header=missing[0][1]), hint=say("e_give_gbk"))
    if missing:
        closes = [(r, _closest_column(h, r, columns)) for r, h in missing]
        if len(missing) == 1:
            (role, header), close = missing[0], closes[0][1]
            hint = say("e_did_you_mean", close=close) if close else ""
            what = say("e_no_column", header=header, role=role)
        else:
            role = "ROLE"
            hint = "".join(f"{r}: " + say("e_did_you_mean", close=close) for r, close in closes if close)
            what = say("e_no_columns", names=", ".join(f"`{h}`" if h == r else f"`{h}` ({r})" for r, h in missing))
        raise DataError(
            say("e_columns_found", name=name, what=what, found=", ".join(columns) or say("none_value")),
            hint=say("e_columns_hint", hint=hint, role=role),
        )
    return lf.select(exprs)


def _as_text(header: str, dtype: pl.DataType, date: bool) -> pl.Expr:
    c = pl.col(header)
    if dtype == pl.Date or (date and isinstance(dtype, pl.Datetime)):  # a date column's day only
        return c.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):  # a time column's time of day (a time cell's day is Excel's day 0)
        return excel.stamp(c.cast(pl.Datetime("ms")), day="")
    return c.cast(pl.String)


def date_and_time(date: str, time: str | None, schema: pl.Schema) -> pl.Expr:
    """The event time of the columns ``date`` and ``time`` as the text "DATE TIME", read
    by the timestamp parsers like one column (a blank or absent time: the date alone, at
    midnight). What a spreadsheet adds is taken off: the midnight of a date cell
    (`2026-03-04 00:00:00`) and the day 0 of a time cell (`1899-12-31 09:05:00`)."""
    d = _as_text(date, schema[date], True).str.strip_chars().str.replace(r"^(\S+)[ T]00:00(:00(\.0+)?)?$", "${1}")
    if time is None:
        return d
    t = _as_text(time, schema[time], False).str.strip_chars().str.replace(r"^1899-12-3[01][ T]", "")
    return pl.when(t.is_null() | (t == "")).then(d).otherwise(pl.concat_str([d, t], separator=" "))


def _closest_column(header: str, role: str, columns: list[str]) -> str | None:
    """The column most like ``header`` (or the role's name): similar spelling, with a
    bonus when one name contains the other (`event_time` and `time`)."""

    def score(col: str) -> float:
        a, b = col.lower(), header.lower()
        ratio = max(difflib.SequenceMatcher(None, a, b).ratio(), difflib.SequenceMatcher(None, a, role).ratio())
        return ratio + (0.3 if a and (a in b or b in a) else 0.0)

    best = max(columns, key=score, default=None)
    return best if best is not None and score(best) >= 0.6 else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _read_error(sources: list[str], exc: BaseException, csv_paths: list[tuple[str, Path]]) -> DataError:
    msg = _first_line(exc)
    where = sources[0] if len(sources) == 1 else ", ".join(sources)
    if _is_utf8_error(exc):
        return DataError(say("zl_bad_utf8", where=where, why=msg), hint=say("zl_bad_utf8_hint"))
    if "more fields" in msg.lower() or "ragged" in msg.lower():
        for name, path in csv_paths:  # the error path only: find the row, slowly but exactly
            found = _first_long_row(path)  # the separator of the header is the usual one
            if found:
                line, n, expected = found
                return DataError(
                    say("zl_long_row", name=name, line=line, n=n, expected=expected), hint=say("zl_fix_row_hint")
                )
        return DataError(say("zl_more_fields", where=where, why=msg), hint=say("zl_fix_row_hint"))
    return DataError(say("zl_cannot_read", where=where, why=msg))


def mismatched_rows(
    path: Path, encoding: str = "utf-8-sig", separator: str | None = None
) -> Iterator[tuple[int, int, int]]:
    """(line, fields, header fields) of every row whose field count differs from the
    header's. A slow pass in Python: for error messages and `cjtool validate` only (the
    fast reader pads short rows with empty values and stops at long ones)."""
    with open(path, encoding=encoding, newline="") as fh:
        if separator is None:
            first = fh.readline()
            separator = max(SEPARATORS, key=lambda sep: (first.count(sep), sep == ","))
            fh.seek(0)
        reader = csv.reader(fh, delimiter=separator)
        try:
            expected = len(next(reader))
            for row in reader:
                if row and len(row) != expected:
                    yield reader.line_num, len(row), expected
        except (StopIteration, csv.Error):
            return


def _first_long_row(path: Path, separator: str = ",") -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first row with more fields than the header."""
    return next((m for m in mismatched_rows(path, separator=separator) if m[1] > m[2]), None)


def field_count_warning(src: str, encoding: str | None, limit: int = 5) -> str | None:
    """A warning naming the lines of a CSV file whose field count differs from the header."""
    path = Path(src)
    if src == "-" or not path.is_file() or path.suffix.lower() in PARQUET_SUFFIXES:
        return None
    with open(path, "rb") as fh:
        if (magic := fh.read(4)) == b"PAR1" or excel.is_workbook(path, magic):
            return None
    codec = enc.normalise(encoding) if encoding else enc.detect(path)
    found = list(mismatched_rows(path, "utf-8-sig" if codec == "utf-8" else codec))
    if not found:
        return None
    lines = ", ".join(str(line) for line, _, _ in found[:limit]) + (" …" if len(found) > limit else "")
    short = sum(n < expected for _, n, expected in found)
    return say("zl_field_count", src=src, n=len(found), s="s" * (len(found) > 1), lines=lines, short=short)


# ----------------------------------------------------------------------- validating

_SCALES = ("satisfaction", "nps", "effort", "revenue")  # the numbers read (revenue: SPEC 14)


def attribute_columns(model: JourneyModel) -> list[str]:
    return [f"attr:{h}" for h in model.extra_columns]


def _scales(model: JourneyModel) -> dict[str, Scale]:
    inf = float("inf")  # revenue: any finite number (SPEC 14)
    return {
        "satisfaction": model.satisfaction_scale,
        "nps": Scale(0, 10),
        "effort": model.effort_scale,
        "revenue": Scale(-inf, inf),
    }


def _score_steps(
    role: str, dtype: pl.DataType, scale: Scale, decimal_comma: bool = False
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Two steps: the number; then the valid value and the flags "not a number" and
    "outside the scale".

    Most rows of a score column are empty. Whole-column string work (strip, compare)
    cost ~0.3 s per score column on 10M rows (now ~0.1 s), so text is stripped and looked
    at only where a plain cast did not give a number (`when` evaluates it on those rows):
    there it is NFKC-normalised too (full-width digits, ４．５). Numbers are read to 6
    decimals (SPEC 1)."""
    col = pl.col(role)
    if dtype == pl.String:
        x0 = col.cast(pl.Float64, strict=False)
        text = col.str.normalize("NFKC").str.strip_chars()
        if decimal_comma:  # 4,5 is 4.5; 1,000 stays unread (a thousands separator or a typo)
            text = text.str.replace(r"^([+-]?\d+),(\d{1,2})$", "${1}.${2}")
        first = [
            pl.when(x0.is_null() & col.is_not_null())
            .then(text.cast(pl.Float64, strict=False))
            .otherwise(x0)
            .round(6)
            .alias(f"_x_{role}")
        ]
    else:
        first = [col.cast(pl.Float64, strict=False).round(6).alias(f"_x_{role}")]
    x = pl.col(f"_x_{role}")
    numeric = x.is_finite().fill_null(False)
    in_scale = numeric & (x >= scale.min) & (x <= scale.max)
    # given but not a finite number: text that is not blank, or nan/inf
    unread = col.str.strip_chars() != "" if dtype == pl.String else col.is_not_null()
    not_number = pl.when(x.is_null() & col.is_not_null()).then(unread).otherwise(x.is_not_null() & ~numeric)
    second = [
        pl.when(in_scale).then(x).alias(role),
        not_number.alias(f"_nan_{role}"),
        (numeric & ~in_scale).alias(f"_oos_{role}"),
    ]
    return first, second


def _typed(scan: _Scan, model: JourneyModel) -> pl.LazyFrame:
    """One source's rows with parsed timestamps and scores (still lazy)."""
    schema = scan.lf.collect_schema()
    ts_type = schema["timestamp"]
    parsers: list = []
    lf = scan.lf.with_columns(pl.col("customer_id", "touchpoint", "channel").cast(pl.String))
    if isinstance(ts_type, (pl.Categorical, pl.Enum, pl.Null)):  # text by another name, or nothing
        lf, ts_type = lf.with_columns(pl.col("timestamp").cast(pl.String)), pl.String()
    if not (ts_type == pl.String or ts_type.is_numeric() or isinstance(ts_type, pl.Datetime) or ts_type == pl.Date):
        raise DataError(
            say("e_time_type", name=scan.name, column=model.column_map["timestamp"], type=ts_type),
            hint=say("e_time_type_hint"),
        )
    if ts_type == pl.String or ts_type.is_numeric():
        sample = lf.select(pl.col("timestamp").cast(pl.String)).head(SAMPLE_ROWS).collect()["timestamp"]
        parsers = choose_parsers(sample.drop_nulls(), model.timestamp_format, model.timezone)
        lf, ts_type = lf.with_columns(pl.col("timestamp").cast(pl.String)), pl.String()
    for step in parse_steps("timestamp", ts_type, parsers, model.timezone):
        lf = lf.with_columns(step)
    scales = _scales(model)
    # Excel writes `;`-separated files where the decimal separator is a comma (4,5)
    steps = [_score_steps(role, schema[role], scales[role], scan.decimal_comma) for role in _SCALES]
    lf = lf.with_columns([e for first, _ in steps for e in first]).with_columns(
        [e for _, second in steps for e in second]
    )
    return lf.select(
        "customer_id",
        "timestamp",
        "_ts_text",
        "touchpoint",
        "channel",
        *[c for role in _SCALES for c in (role, f"_nan_{role}", f"_oos_{role}")],
        *attribute_columns(model),
    )


def _compact(frames: list[pl.LazyFrame]) -> pl.LazyFrame:
    lf = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    return lf.with_row_index("row").with_columns(
        is_blank(pl.col("customer_id")).alias("_blank_id"),
        is_blank(pl.col("touchpoint")).alias("_blank_tp"),
        pl.col("customer_id").hash(ID_HASH_SEED).alias("_h"),  # codes after the read: _customer_codes
        pl.col("touchpoint").cast(pl.Categorical),
        pl.col("channel").cast(pl.Categorical),
    )


def _validate(
    raw: pl.DataFrame,
    model: JourneyModel,
    *,
    strict: bool,
    check_times: bool = True,
    locate: Callable[[int], str],
    example: Callable[[int, str], tuple[Position, str, str]],
    others_blank: Callable[[pl.Series], pl.Series],
    extent: Callable[[str], tuple[float | None, float | None]] = lambda role: (None, None),
) -> EventTable:
    ts = raw["timestamp"]
    missed = ts.is_null() & raw["_ts_text"].is_not_null()
    if missed.any():  # values the sampled formats did not fit: try every format on them
        idx = missed.arg_true()
        ts = ts.scatter(idx, parse_timestamps(raw["_ts_text"].gather(idx), model.timestamp_format, model.timezone))
    blank_id, blank_tp, bad_ts = raw["_blank_id"], raw["_blank_tp"], ts.is_null()
    blank = _blank_rows(raw, blank_id & blank_tp & bad_ts, others_blank)
    if check_times:
        _no_timestamp_read(raw, ts, blank, model, locate)
    rejected = {
        "missing customer_id": int((blank_id & ~blank).sum()),
        "missing touchpoint": int((~blank_id & blank_tp).sum()),
        "bad timestamp": int((~blank_id & ~blank_tp & bad_ts).sum()),
    }
    rejected = {k: v for k, v in rejected.items() if v}
    notes: list[Note] = []

    def counted(
        slot: int, text: str, flags: pl.Series, column: str, key: str = "", spread: bool = False, **fields: str
    ) -> None:
        if n := int(flags.sum()):
            at = example(int(flags.arg_true()[0]), column)
            lo, hi = extent(column) if spread else (None, None)
            notes.append(Note(slot, text, n, *at, key=key, fields=tuple(fields.items()), lo=lo, hi=hi))

    for role in _SCALES:
        sc = _scales(model)[role]
        counted(
            slot_of_score(role, False),
            f"{role}: {{n}} value{{s}} not a number, treated as missing (the first: {{first}})",
            raw[f"_nan_{role}"],
            role,
            "note_not_number",
            role=role,
        )
        counted(
            slot_of_score(role, True),
            f"{role}: {{n}} value{{s}} outside {sc.min:g}..{sc.max:g}, treated as missing (the first: {{first}}){{fit}}",
            raw[f"_oos_{role}"],
            role,
            "note_outside",
            spread=True,
            role=role,
            lo=f"{sc.min:g}",
            hi=f"{sc.max:g}",
        )
    counted(
        SLOT_TIMESTAMP,
        "timestamp: {n} value{s} not read as a time, so their rows are left out (the first: {first}); "
        f"expected {_expected(model)}",
        ~blank_id & ~blank_tp & bad_ts,
        "timestamp",
        "note_bad_time",
        expected=_expected(model, current_lang()),
    )
    bad = (blank_id | blank_tp | bad_ts) & ~blank
    n_bad = int(bad.sum())
    if n_bad and strict:
        first = int(bad.arg_true()[0])
        lang = current_lang()
        why = (
            t("reason_missing customer_id", lang)
            if blank_id[first]
            else t("reason_missing touchpoint", lang)
            if blank_tp[first]
            else t("why_bad_time", lang).format(value=repr(raw["_ts_text"][first]), expected=_expected(model, lang))
        )
        raise RejectedRows.of(where_words(locate(first), lang), why, n_bad, _place(raw, first))
    frame = raw.select(
        "row", "cust", ts.alias("timestamp"), "touchpoint", "channel", *_SCALES, *attribute_columns(model)
    )
    dropped = [
        dropped_rows(raw["cust"].filter(rows), reason)
        for rows, reason in (
            (~blank_id & blank_tp, "missing touchpoint"),
            (~blank_id & ~blank_tp & bad_ts, "bad timestamp"),
        )
        if reason in rejected
    ]
    if n_bad or blank.any():
        frame = frame.filter(~(bad | blank))
    duplicates = 0
    if model.dedupe:
        # every role's parsed value: a role added to the frame (revenue) joins the key
        key = [c for c in frame.columns if c != "row" and not c.startswith("attr:")]
        first_seen = frame.select(pl.struct(key).is_first_distinct()).to_series()
        duplicates = frame.height - int(first_seen.sum())
        if duplicates:
            dropped.append(dropped_rows(frame["cust"].filter(~first_seen), DUPLICATE))
            frame = frame.filter(first_seen)
    n_blank = int(blank.sum())
    notes += _shortened_ids(frame, lambda row: _place(raw, row), whole=check_times)
    return EventTable(
        sources_with_rows=set(raw["_src"].filter(~blank).unique().to_list()),
        sources_with_times=set(raw["_src"].filter(ts.is_not_null()).unique().to_list()),
        frame=frame,
        rows_read=raw.height - n_blank,
        rejected=rejected,
        notes=notes,
        blank=n_blank,
        duplicates=duplicates,
        **({"dropped": pl.concat(dropped)} if dropped else {}),
    )


def rejected_summary(rejected: dict[str, int], rows_read: int, lang: str = "en") -> str:
    """The warning counting rejected rows by reason (of a run, or of merged parts)."""
    reasons = t("sep_list", lang).join(
        t("reason_count", lang).format(n=k, why=t("reason_" + why, lang)) for why, k in rejected.items()
    )
    return t("rejected_summary", lang).format(n=sum(rejected.values()), read=rows_read, reasons=reasons)


def _expected(model: JourneyModel, lang: str = "en") -> str:
    formats = formats_of(model.timestamp_format)
    if not formats:
        return t("expected_times", lang)
    return t("expected_format", lang).format(formats=t("or", lang).join(repr(f) for f in formats))


def _blank_rows(raw: pl.DataFrame, candidates: pl.Series, others_blank: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Rows whose fields are all blank (SPEC 1: not events). ``candidates`` (blank id,
    touchpoint and time) are few; their other fields are looked at on those rows only."""
    blank = pl.Series("blank", [False] * raw.height, dtype=pl.Boolean)
    idx = candidates.arg_true()
    if not len(idx):
        return blank
    rows = raw[idx]
    roles_blank = rows.select(
        pl.all_horizontal(
            pl.col("_ts_text").is_null() | (pl.col("_ts_text").str.strip_chars() == ""),
            is_blank(pl.col("channel")),
            *[pl.col(r).is_null() & ~pl.col(f"_nan_{r}") & ~pl.col(f"_oos_{r}") for r in _SCALES],
        )
    ).to_series()
    idx = idx.filter(roles_blank)
    if len(idx):
        blank = blank.scatter(idx.filter(others_blank(idx)), True)
    return blank


def _no_timestamp_read(
    raw: pl.DataFrame, ts: pl.Series, blank: pl.Series, model: JourneyModel, locate: Callable[[int], str]
) -> None:
    """SPEC 1: a file in which no row has a readable timestamp is an error (a format
    problem, almost surely), whatever else it holds; a header-only file is not."""
    if not ts.null_count():
        return
    per_file = (
        pl.DataFrame({"src": raw["_src"], "read": ts.is_not_null(), "rows": ~blank})
        .group_by("src")
        .agg(pl.col("read").any(), pl.col("rows").any())
        .filter(pl.col("rows") & ~pl.col("read"))
        .sort("src")
    )
    if not per_file.height:
        return
    in_file = (raw["_src"] == per_file["src"][0]) & ~blank
    given = (in_file & ~raw.select(is_blank(pl.col("_ts_text"))).to_series()).arg_true()
    if not len(given):
        raise DataError(
            say("e_no_time_empty", where=where_words(locate(int(in_file.arg_true()[0])), current_lang())),
            hint=say("e_no_time_empty_hint"),
        )
    first = int(given[0])  # show the first value that is there, not an empty one
    raise DataError(
        say(
            "e_no_time",
            where=where_words(locate(first), current_lang()),
            first=repr(raw["_ts_text"][first]),
            expected=_expected(model, current_lang()),
        ),
        hint=say("e_no_time_hint"),
    )


# Excel shows long numbers as 1.38E+10 and saves them so: distinct ids become one
_SHORTENED_ID = r"^[+-]?\d+(?:\.\d+)?[eE]\+\d+$"


def _shortened_ids(frame: pl.DataFrame, place: Callable[[int], Position], *, whole: bool) -> list[Note]:
    """A note counting the distinct ids Excel shortened. Excel shortens a whole column,
    so the run's first SAMPLE_ROWS events tell: the distinct ids (~0.1 s per 3M rows) are
    looked at only then. A part of a run (not ``whole``) cannot tell: it counts always and
    keeps the places of its first events, and the merged note decides (``Note.shown``)."""
    head = frame["cust"].head(SAMPLE_ROWS).cast(pl.String).str.contains(_SHORTENED_ID)
    if whole and not head.any():
        return []
    ids = frame["cust"].unique().cast(pl.String)
    shortened = ids.filter(ids.str.contains(_SHORTENED_ID))
    if whole and not len(shortened):
        return []
    rows = frame["row"]
    at: Position = ()
    if not whole and len(shortened):
        at = place(int(rows.filter(frame["cust"].cast(pl.String).str.contains(_SHORTENED_ID))[0]))
    # a part without any still gives its first events (n = 0): they count in the run's first
    # SAMPLE_ROWS before another part's shortened id
    return [
        Note(
            SLOT_SHORTENED,
            "customer_id: {n} id{s} in scientific notation, as Excel shortens long numbers (the first: {first}); "
            "distinct customers may have merged into one: export the id column as text",
            len(shortened),
            at,
            repr(shortened.sort()[0]) if len(shortened) else "",
            head=None if whole else tuple(place(int(r)) for r in rows.head(SAMPLE_ROWS)),
            key="note_shortened",
        )
    ]
