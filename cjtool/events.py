"""Reading event exports into one canonical table.

The canonical events frame has one row per *valid* input row:

    row (UInt32/64, input order: file order, then row order), customer_id (String),
    timestamp (Datetime us, naive UTC), touchpoint (String), channel (String|null),
    satisfaction, nps, effort (Float64|null: missing, or invalid and warned about)

Rows with a blank customer id or touchpoint, or an unparseable timestamp, are rejected
(SPEC section 1): counted by reason, never silently dropped.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cjtool import encoding as enc
from cjtool.errors import DataError
from cjtool.model import REQUIRED_ROLES, ROLES, SCORE_ROLES, JourneyModel, Scale
from cjtool.timestamps import EXPECTED, UTC_NAIVE, parse_timestamps

Source = str | Path
EventsInput = Sequence[Source] | pl.DataFrame | pl.LazyFrame

PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class EventTable:
    frame: pl.DataFrame
    rows_read: int
    rejected: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())


def read_events(
    events: EventsInput,
    model: JourneyModel,
    *,
    encoding: str | None = None,
    strict: bool = False,
) -> EventTable:
    """Read, validate and collect the events of ``events`` for ``model``."""
    with ExitStack() as stack:
        if isinstance(events, (pl.DataFrame, pl.LazyFrame)):
            lf, names = _select_roles(events.lazy(), model, "<frame>", events.lazy().collect_schema().names())
            frames, sources = [lf], ["<frame>"]
        else:
            if not events:
                raise DataError("no event files given", hint="pass one or more CSV/Parquet files, or - for stdin")
            frames, sources, csv_paths = [], [], []
            for src in events:
                lf, path = _scan_one(src, model, encoding, stack)
                frames.append(lf)
                sources.append(str(src))
                if path is not None:
                    csv_paths.append((str(src), path))
        lf = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
        try:
            raw = lf.with_row_index("row").collect()
        except pl.exceptions.PolarsError as exc:
            raise _read_error(sources, exc, csv_paths if not isinstance(events, (pl.DataFrame, pl.LazyFrame)) else [],
                              ) from None
    return _validate(raw, model, strict=strict, sources=sources)


# ------------------------------------------------------------------------- scanning

def _scan_one(src: Source, model: JourneyModel, encoding: str | None,
              stack: ExitStack) -> tuple[pl.LazyFrame, Path | None]:
    """The role columns of one file, lazily; and the UTF-8 CSV path read (None for Parquet)."""
    name = str(src)
    if name == "-":
        path = enc.spool_stdin(stack)
        name = "<stdin>"
    else:
        path = Path(src)
        if not path.exists():
            raise DataError(f"{name}: no such file")
        if path.is_dir():
            raise DataError(f"{name}: is a directory, not an events file")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        try:
            lf = pl.scan_parquet(path)
            columns = lf.collect_schema().names()
        except pl.exceptions.PolarsError as exc:
            raise DataError(f"{name}: not a readable Parquet file ({_first_line(exc)})") from None
        return _select_roles(lf, model, name, columns)[0], None
    codec = enc.normalise(encoding) if encoding else enc.detect(path)
    if codec not in ("utf-8", "utf-8-sig"):
        path = enc.transcode(path, codec, stack)
    header = _read_header(path, name)
    lf = pl.scan_csv(
        path,
        infer_schema=False,  # every column as text; roles are cast/parsed explicitly
        encoding="utf8",
        has_header=True,
        glob=False,  # a file name with * or [ is a name, not a pattern
        raise_if_empty=False,
    )
    return _select_roles(lf, model, name, header)[0], path


def _read_header(path: Path, name: str) -> list[str]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise DataError(f"{name}: the file is empty; expected a CSV header line")
    if b"\x00" in head:
        raise DataError(f"{name}: a binary file, not CSV text")
    text = head.decode("utf-8-sig", errors="replace")
    try:
        row = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration):
        raise DataError(f"{name}: line 1: cannot read the CSV header") from None
    return row


def _select_roles(lf: pl.LazyFrame, model: JourneyModel, name: str, columns: list[str]) -> tuple[pl.LazyFrame, list[str]]:
    """Rename the model's headers to role names; absent optional roles become nulls."""
    cmap = model.column_map
    explicit = dict(model.columns)
    seen: set[str] = set()
    for c in columns:
        if c in seen and c in cmap.values():
            raise DataError(f"{name}: the header `{c}` appears twice; rename one of the columns")
        seen.add(c)
    exprs = []
    for role in ROLES:
        header = cmap[role]
        if header in columns:
            exprs.append(pl.col(header).alias(role))
        elif role in REQUIRED_ROLES or role in explicit:
            close = difflib.get_close_matches(header, columns, n=1, cutoff=0.5)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise DataError(
                f"{name}: no `{header}` column for {role}; found: {', '.join(columns) or '(none)'}",
                hint=f"{hint}map columns in the model's `columns:` or with --column {role}=HEADER",
            )
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(role))
    return lf.select(exprs), columns


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _read_error(sources: list[str], exc: BaseException, csv_paths: list[tuple[str, Path]]) -> DataError:
    msg = _first_line(exc)
    where = sources[0] if len(sources) == 1 else ", ".join(sources)
    if "utf-8" in msg.lower() or "utf8" in msg.lower():
        return DataError(f"{where}: invalid UTF-8 text ({msg})", hint="give the file's encoding with --encoding gbk (or utf-8)")
    if "more fields" in msg.lower() or "ragged" in msg.lower():
        for name, path in csv_paths:  # the error path only: find the row, slowly but exactly
            found = _first_long_row(path)
            if found:
                line, n, expected = found
                return DataError(f"{name}: line {line}: {n} fields, but the header has {expected}",
                                 hint="fix that row; a value containing a comma must be in double quotes")
        return DataError(f"{where}: a row has more fields than the header ({msg})",
                         hint="fix that row; a value containing a comma must be in double quotes")
    return DataError(f"{where}: cannot read the events ({msg})")


def _first_long_row(path: Path) -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first row with more fields than the header."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            expected = len(next(reader))
        except (StopIteration, csv.Error):
            return None
        try:
            for row in reader:
                if len(row) > expected:
                    return reader.line_num, len(row), expected
        except csv.Error:
            return None
    return None


# ----------------------------------------------------------------------- validating

def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String)


def _score(raw: pl.Series, scale: Scale) -> tuple[pl.Series, int, int]:
    """(valid values, count not a number, count out of scale)."""
    if raw.dtype == pl.String:
        s = raw.str.strip_chars()
        given = s.is_not_null() & (s != "")
        x = s.cast(pl.Float64, strict=False)
    else:
        given = raw.is_not_null()
        x = raw.cast(pl.Float64, strict=False)
    numeric = x.is_not_null() & x.is_finite()
    in_scale = numeric & (x >= scale.min) & (x <= scale.max)
    not_number = int((given & ~numeric.fill_null(False)).sum())
    out_of_scale = int((numeric & ~in_scale).sum())
    valid = pl.select(pl.when(pl.lit(in_scale.fill_null(False))).then(pl.lit(x))).to_series()
    return valid, not_number, out_of_scale


def _validate(raw: pl.DataFrame, model: JourneyModel, *, strict: bool, sources: list[str]) -> EventTable:
    n = raw.height
    ts = parse_timestamps(raw["timestamp"], model.timestamp_format)
    cid = raw["customer_id"].cast(pl.String)
    tp = raw["touchpoint"].cast(pl.String)
    blank_id = cid.is_null() | (cid.str.strip_chars() == "")
    blank_tp = tp.is_null() | (tp.str.strip_chars() == "")
    bad_ts = ts.is_null()
    rejected = {
        "missing customer_id": int(blank_id.sum()),
        "missing touchpoint": int((~blank_id & blank_tp).sum()),
        "bad timestamp": int((~blank_id & ~blank_tp & bad_ts).sum()),
    }
    rejected = {k: v for k, v in rejected.items() if v}
    warnings: list[str] = []
    scales = {"satisfaction": model.satisfaction_scale, "nps": Scale(0, 10), "effort": model.effort_scale}
    scores = {}
    for role in SCORE_ROLES:
        values, not_number, out_of_scale = _score(raw[role], scales[role])
        scores[role] = values.alias(role)
        sc = scales[role]
        if not_number:
            warnings.append(f"{role}: {not_number} value{'s' * (not_number > 1)} not a number, treated as missing")
        if out_of_scale:
            warnings.append(f"{role}: {out_of_scale} value{'s' * (out_of_scale > 1)} outside {sc.min:g}..{sc.max:g}, treated as missing")
    bad = blank_id | blank_tp | bad_ts
    n_bad = int(bad.sum())
    if n_bad and (strict or n_bad == n):
        first = int(bad.arg_true()[0])
        why = _why_rejected(raw, ts, first)
        if n_bad == n and rejected.get("bad timestamp") == n:
            sample = raw["timestamp"][first]
            fmt = f"the format {model.timestamp_format!r}" if model.timestamp_format else EXPECTED
            raise DataError(
                f"{_row_where(sources, first)}: no timestamp could be read; the first is {sample!r}, expected {fmt}",
                hint="set `timestamp_format:` in the model or --timestamp-format (strftime, e.g. %d/%m/%Y %H:%M)",
            )
        if strict:
            raise DataError(f"{_row_where(sources, first)}: {why} (--strict: {n_bad} row{'s' * (n_bad > 1)} rejected in all)")
    frame = pl.DataFrame({
        "row": raw["row"],
        "customer_id": cid,
        "timestamp": ts.cast(UTC_NAIVE),
        "touchpoint": tp,
        "channel": raw["channel"].cast(pl.String),
        **scores,
    })
    if n_bad:
        frame = frame.filter(~bad)
    return EventTable(frame=frame, rows_read=n, rejected=rejected, warnings=warnings, sources=sources)


def _row_where(sources: list[str], row: int) -> str:
    src = sources[0] if len(sources) == 1 else "input"
    return f"{src}: row {row + 1}"


def _why_rejected(raw: pl.DataFrame, ts: pl.Series, i: int) -> str:
    cid, tp = raw["customer_id"][i], raw["touchpoint"][i]
    if cid is None or str(cid).strip() == "":
        return "missing customer_id"
    if tp is None or str(tp).strip() == "":
        return "missing touchpoint"
    return f"cannot read timestamp {raw['timestamp'][i]!r}; expected {EXPECTED}"
