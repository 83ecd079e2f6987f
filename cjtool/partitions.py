"""Maps of inputs bigger than memory: split by customer, map each part, merge exactly.

Every metric is a sum over customers of something that depends on one customer's events
(medians aside, which merge as counts of gaps), so a run split by a hash of the customer
id maps part by part with the ordinary engine (``read_events`` -> ``build_journeys`` ->
``metrics.aggregate``) and ``metrics.merge`` + ``metrics.finish`` give the run's map.

The split is one streaming pass per input file: every column as the file has it, written
to ``N`` temporary Parquet files by ``hash(customer id) mod N`` in input order, so each
part is read exactly as the file would be (same blank-row, dedupe and occurrence rules).
The temporary folder is removed however the run ends (Ctrl-C included). With --strict,
every part is read before the run fails, so its error names the input's first rejected row
and counts all of them, as the in-memory run's does.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

import polars as pl

from cjtool import events as ev
from cjtool.errors import CjtoolError, DataError, RejectedRows
from cjtool.i18n import say
from cjtool.journeys import build_journeys
from cjtool.metrics import Partial, aggregate, finish, merge
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap

# Input bytes per part when the number of parts is automatic. The in-memory engine peaks at
# about 3.6 bytes per byte of CSV (10M events, 540 MB: 1.96 GB; benchmarks/README.md), so
# parts of this size peak near 5.5 GB, under the 8 GB target on a 24 GiB machine.
PART_BYTES = 1_500_000_000
HASH_SEED = 0x636A74  # any fixed seed: a customer's part only has to be the same within a run


def auto_partitions(sources: Sequence[str | Path]) -> int:
    """1 (in memory) for inputs up to PART_BYTES, else enough parts of about that size."""
    size = sum(os.path.getsize(s) for s in sources if str(s) != "-" and Path(s).is_file())
    return max(1, math.ceil(size / PART_BYTES))


def map_partitioned(
    sources: Sequence[str | Path],
    model: JourneyModel,
    n: int,
    *,
    encoding: str | None = None,
    strict: bool = False,
    on_part: Callable[[int, int, int], None] | None = None,
    tmp_root: str | Path | None = None,
) -> JourneyMap:
    """The map of ``sources`` computed in ``n`` parts by customer (``on_part(i, n, events)``
    after each). Equal, byte for byte, to ``api.map_journey`` of the same input."""
    with tempfile.TemporaryDirectory(prefix="cjtool-parts-", dir=tmp_root) as tmp, ExitStack() as stack:
        folders, scans = split(sources, model, n, Path(tmp), encoding=encoding, stack=stack)
        merged: Partial | None = None
        with_rows: set[int] = set()
        with_times: set[int] = set()
        rejected: list[tuple[ev.Position, str, int]] = []  # --strict: each part's first rejected row, why, count
        for i, files in enumerate(folders):
            if not files:
                continue  # a part without customers
            try:
                table = _read_part(files, model, strict, scans)
            except RejectedRows as exc:  # the input's first and count are known once every part is read
                rejected.append((_input_places([exc.at], files)[exc.at], exc.why, exc.n))
                continue
            if rejected:
                del table
                continue  # the run fails: the other parts are read only for their rejected rows
            part, rows, times = _mapped(table, files, model)
            del table  # freed before the next part is read
            with_rows |= rows
            with_times |= times
            # merged as we go: one part's events and the run's partial in memory, never all
            # the parts' partials (their gap and start counts grow with the customers)
            merged = part if merged is None else merge([merged, part])
            if on_part:
                on_part(i + 1, n, part.checks.events)
            del part
        if rejected:  # as one run says it: the input's first rejected row, and all of them
            at, why, _ = min(rejected)
            raise RejectedRows.of(ev.where_in(scans[at[0]], at[1]), why, sum(r[2] for r in rejected), at)
        for s in sorted(with_rows - with_times):  # no time read in a whole file: its error, as one run gives it
            ev.read_events([sources[s]], model, encoding=encoding)
        if merged is None:  # no rows at all: read the input as it is, for its counts and warnings
            return finish(aggregate(build_journeys(ev.read_events(list(sources), model, encoding=encoding), model)))[0]
        # the input files' own notes (as the reader gives them), and rows named in their files
        own = [ev.Note(ev.SLOT_FILE, w) for scan in scans for w in scan.warnings]
        notes = ev.merged_notes(own + merged.notes + ev.repeated_notes([scan.name for scan in scans]))
        merged.notes = ev.located(notes, lambda at: ev.where_in(scans[at[0]], at[1], ev.WARNING_LINE_LIMIT))
        return finish(merged)[0]


def _read_part(files: list[Path], model: JourneyModel, strict: bool, scans: list[ev._Scan]) -> ev.EventTable:
    """One part's events (its files: one per input file with rows in it); errors name the
    input file's row."""
    try:
        return ev.read_events(files, model, strict=strict, check_times=False)
    except RejectedRows:
        raise
    except CjtoolError as exc:
        exc.message = _in_input(exc.message, files, scans)
        raise


def _mapped(table: ev.EventTable, files: list[Path], model: JourneyModel) -> tuple[Partial, set[int], set[int]]:
    """The Partial of one part's events, and the input files with rows and with a readable
    time in it."""
    places = _input_places([at for note in table.notes for at in _places(note)], files)
    table.notes = ev.relocated(table.notes, places.__getitem__)
    rows = {_source(files[s]) for s in table.sources_with_rows}
    times = {_source(files[s]) for s in table.sources_with_times}
    return aggregate(build_journeys(table, model)), rows, times


def _source(part_file: Path) -> int:
    """The index of the input file a part's file holds rows of (its name: ``SSSSSS-NNNNNN``)."""
    return int(part_file.stem[:6])


def _places(note: ev.Note) -> list[ev.Position]:
    """The places (part file, row) a note names."""
    return ([note.at] if note.at else []) + list(note.head or ())


def _input_places(places: list[ev.Position], files: list[Path]) -> dict[ev.Position, ev.Position]:
    """(part file, row) -> (input file, row in it) of each of ``places``."""
    wanted: dict[int, set[int]] = {}
    for at in places:
        wanted.setdefault(at[0], set()).add(at[1])
    out: dict[ev.Position, ev.Position] = {}
    for s, rows in wanted.items():
        index = sorted(rows)
        rows_in_input = pl.scan_parquet(files[s]).select(pl.col(ev.SPLIT_ROW).gather(index)).collect().to_series()
        out |= {(s, r): (_source(files[s]), int(o)) for r, o in zip(index, rows_in_input, strict=True)}
    return out


def _in_input(message: str, files: list[Path], scans: list[ev._Scan]) -> str:
    """An error about `<part file>: row K`, naming the input file's row (its line in a CSV)."""
    for s, f in enumerate(files):

        def where(m: re.Match[str], s: int = s, f: Path = f) -> str:
            k = int(m.group(1).replace(",", "")) - 1
            row = pl.scan_parquet(f).select(pl.col(ev.SPLIT_ROW).gather([k])).collect().item()
            return ev.where_in(scans[_source(f)], int(row))

        message = re.sub(re.escape(str(f)) + r": row ([\d,]+)", where, message)
    return message


def split(
    sources: Sequence[str | Path],
    model: JourneyModel,
    n: int,
    folder: Path,
    *,
    encoding: str | None,
    stack: ExitStack,
) -> tuple[list[list[Path]], list[ev._Scan]]:
    """Write every file's rows, with their index in the file (``events.SPLIT_ROW``), to
    ``folder/<part>/<file index>-<n>.parquet`` by customer hash: the files of each part,
    in input order, and the input files' scans (open while ``stack`` is)."""
    header = model.column_map["customer_id"]
    scans = []
    for s, src in enumerate(sources):
        if str(src) == "-":
            raise DataError(say("e_stdin_parts"), hint=say("e_stdin_parts_hint"))
        scan = ev._scan_one(src, model, encoding, stack)
        assert scan.all_columns is not None
        for attempt in range(2):
            part = pl.col(header).cast(pl.String).hash(HASH_SEED) % n
            try:
                with warnings.catch_warnings():  # PartitionBy is "unstable" in polars 2.1: the API, not its output
                    warnings.simplefilter("ignore")
                    by_part = pl.PartitionBy(
                        folder,
                        key="__part",
                        include_key=False,
                        file_path_provider=lambda args, s=s: (
                            f"{args.partition_keys[0, 0]}/{s:06d}-{args.index_in_partition:06d}.parquet"
                        ),
                        approximate_bytes_per_file=None,
                    )
                    marks = [pl.lit(True).alias(ev.SPLIT_DECIMAL_COMMA)] if scan.decimal_comma else []
                    scan.all_columns.with_row_index(ev.SPLIT_ROW).with_columns(
                        part.alias("__part"), *marks
                    ).sink_parquet(by_part, mkdir=True, engine="streaming")
                break
            except pl.exceptions.PolarsError as exc:
                if attempt or scan.csv_path is None:
                    raise ev._read_error(
                        [scan.name], exc, [(scan.name, scan.csv_path)] if scan.csv_path else []
                    ) from None
                scan = ev._rewritten(scan, model, stack)  # odd CSV lines: read as Python's csv does
        scans.append(scan)
    return [sorted((folder / str(i)).glob("*.parquet")) for i in range(n)], scans  # names sort in input order
