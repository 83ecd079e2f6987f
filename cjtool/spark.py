"""Maps on Spark: the polars engine per partition of customers, merged exactly on the driver.

Spark reads the events (anything it reads: local paths, globs, ``hdfs://``, ``s3a://``;
CSV with every column as text, or Parquet), repartitions them by customer id so that each
task holds whole customers, and each task runs the ordinary engine on its rows
(``read_events`` -> ``build_journeys`` -> ``metrics.aggregate``, as ``cjtool.partitions``
does for a part). The driver collects the small partials and ``metrics.merge`` +
``metrics.finish`` give the run's map: no journey logic here, only the plumbing.

Input order matters (SPEC 1: file order, then row order: ties, occurrences, first values),
and a shuffle does not keep it. Every row carries its key from the read: the argument's
index, the file's path (a glob's files in path order), the file split's start and the
row's position in its read partition (``monotonically_increasing_id`` is ordered within a
partition, and a partition reads a split from its start). A task sorts its rows by it and
hands each file's rows to the reader as one source, like a part of ``--partitions``.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cjtool import encoding as enc
from cjtool import events as ev
from cjtool.errors import CjtoolError, DataError, UsageError
from cjtool.journeys import build_journeys
from cjtool.metrics import Partial, aggregate, finish, merge
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap

INSTALL_HINT = 'pip install "cjtool[spark]" (pyspark 4, with Java 17 or later)'
ORDER = ["_arg", "_file", "_block", "_row"]  # a row's place in the input (see the module's doc)


def map_spark(
    sources: Sequence[str | Path],
    model: JourneyModel,
    *,
    master: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    partitions: int | None = None,
    session: Any = None,
) -> JourneyMap:
    """The map of ``sources`` computed by Spark (``master``: a Spark master URL, default
    ``local[*]``; ``session``: an existing SparkSession to use and leave running).
    Equal, byte for byte, to ``api.map_journey`` of the same input."""
    spark = session or start_session(master)
    try:
        return _map(spark, [str(s) for s in sources], model, encoding=encoding, strict=strict, partitions=partitions)
    except CjtoolError:
        raise
    except Exception as exc:  # Spark's own: a lost executor, an unreadable path, ...
        if type(exc).__module__.split(".")[0] not in ("pyspark", "py4j"):
            raise
        raise DataError(
            f"the Spark job failed: {_first_line(exc)}", hint="see Spark's log above for the cause"
        ) from None
    finally:
        if session is None:
            spark.stop()


def start_session(master: str | None = None, app_name: str = "cjtool") -> Any:
    """A SparkSession whose Python workers run this interpreter and import this cjtool."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs pyspark, which is not installed", hint=INSTALL_HINT) from None
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        raise UsageError(
            "--engine spark needs Java (17 or later): no `java` on PATH and no JAVA_HOME",
            hint="install a JDK (e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME",
        )
    # Workers start `python3` from PATH unless told: not the interpreter with polars. A
    # cluster whose nodes have their own Python sets PYSPARK_PYTHON itself.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    here = str(Path(__file__).resolve().parent.parent)  # this cjtool, not another installed one
    os.environ["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])])
    builder = (
        SparkSession.builder.master(master or "local[*]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")  # Parquet times reach polars as stored
        .config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.legacy.javaCharsets", "true")  # GBK/GB18030 exports (Spark 4 allows UTF-* only)
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise DataError(f"cannot start Spark ({master or 'local[*]'}): {_first_line(exc)}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@dataclass
class _Read:
    """What a task needs besides its rows: the model, each argument's columns and name."""

    model: JourneyModel
    strict: bool
    columns: list[list[str]]  # of each argument (a union of arguments fills the others' with nulls)
    names: list[str | None]  # an argument naming one file: that name in warnings (else Spark's path)


def _map(
    spark: Any, sources: list[str], model: JourneyModel, *, encoding: str | None, strict: bool, partitions: int | None
) -> JourneyMap:
    from pyspark.sql import functions as F

    if not sources:
        raise DataError("no event files given", hint="pass one or more CSV/Parquet files, paths or globs")
    if "-" in sources:
        raise DataError("- (standard input) cannot be read by Spark", hint="save it to a file, or drop --engine spark")
    frames, columns, names, separators, codecs = [], [], [], [], []
    for i, src in enumerate(sources):
        df, separator, codec = _reader(spark, src, encoding)
        columns.append(df.columns)
        names.append(src if Path(src).is_file() else None)
        separators.append(separator)
        codecs.append(codec)
        frames.append(
            df.select(
                "*",
                F.lit(i).alias("_arg"),
                F.col("_metadata.file_path").alias("_file"),
                F.col("_metadata.file_block_start").alias("_block"),
                # a Parquet file may be split over partitions, but knows its row numbers
                (F.col("_metadata.row_index") if not separator else F.monotonically_increasing_id()).alias("_row"),
            )
        )
    df = frames[0]
    for other in frames[1:]:
        df = df.unionByName(other, allowMissingColumns=True)
    n = partitions or max(spark.sparkContext.defaultParallelism, df.rdd.getNumPartitions())
    read = _Read(model, strict, columns, names)
    customer = model.column_map["customer_id"]
    # a file without the customer column: one task, whose reader says which file and what to do
    by_customer = df.repartition(n, F.col(customer)) if all(customer in c for c in columns) else df.repartition(1)
    rows = by_customer.mapInArrow(lambda batches: _task(batches, read), "part binary").collect()
    results = [pickle.loads(r["part"]) for r in rows]

    def unmarked(text: str) -> str:
        return _unmarked(text, spark, df, read, separators, codecs)

    for r in results:
        if isinstance(r[0], type):  # a task's typed error, raised here as the engine would
            kind, message, hint = r
            raise kind(unmarked(message), hint=hint)
    partials = [p for p, _, _ in results]
    with_rows = {s for _, rows_, _ in results for s in rows_}
    with_times = {s for _, _, times in results for s in times}
    for name in sorted(with_rows - with_times):  # no time read in a whole file: its error
        if Path(name).is_file():
            ev.read_events([name], model, encoding=encoding)
        raise DataError(
            f"{name}: no timestamp could be read in any row",
            hint="set `timestamp_format:` in the model or --timestamp-format, or map the column "
            "with --column timestamp=HEADER",
        )
    if not partials:  # no rows at all: the empty input's counts and warnings
        empty = pl.DataFrame(schema={c: pl.String for c in columns[0]})
        return finish(aggregate(build_journeys(ev.read_events(empty, model), model)))[0]
    merged = merge(partials)
    notes = ev.merged_notes(merged.notes + ev.repeated_notes(sources))
    merged.notes = ev.located(notes, lambda at: _place(at, spark, df, read, separators, codecs))
    return finish(merged)[0]


def _reader(spark: Any, src: str, encoding: str | None) -> tuple[Any, str, str]:
    """Spark's reader of one argument: Parquet by suffix (or content, for a local file),
    else CSV read as cjtool reads it: every column text, RFC 4180 quotes, the separator
    and encoding detected from a local file's start. With the separator ("" for Parquet)
    and the encoding, for naming lines."""
    local = Path(src)
    if src.lower().endswith(ev.PARQUET_SUFFIXES) or (local.is_file() and local.read_bytes()[:4] == b"PAR1"):
        return spark.read.parquet(src), "", ""
    separator, codec = ",", enc.normalise(encoding) if encoding else "utf-8"
    if local.is_file():
        codec = enc.normalise(encoding) if encoding else enc.detect(local)
        if codec in ("utf-8", "utf-8-sig"):
            _, separator, _ = ev._read_header(local, src)
    reader = spark.read.csv(
        src,
        header=True,
        inferSchema=False,
        sep=separator,
        quote='"',
        escape='"',
        multiLine=True,  # quoted line breaks, as in Excel's exports
        encoding="UTF-8" if codec in ("utf-8", "utf-8-sig") else codec,
        mode="PERMISSIVE",
    )
    return reader, separator, "utf-8-sig" if codec in ("utf-8", "utf-8-sig") else codec


def _task(batches: Iterator[Any], read: _Read) -> Iterator[Any]:
    """One Spark task: its customers' rows in input order, through the polars engine, to
    one pickled (Partial, files with rows, files with times), or the typed error."""
    import pyarrow as pa

    tables = [pa.Table.from_batches([b]) for b in batches if b.num_rows]
    if not tables:
        return
    frame = pl.from_arrow(pa.concat_tables(tables))
    assert isinstance(frame, pl.DataFrame)
    try:
        result: Any = _partial(frame.sort(ORDER), read)
    except CjtoolError as exc:  # (class, message, hint): exceptions pickle without their hint
        result = (type(exc), exc.message, exc.hint)
    yield pa.RecordBatch.from_pydict({"part": [pickle.dumps(result)]}, pa.schema([("part", pa.binary())]))


def _partial(frame: pl.DataFrame, read: _Read) -> tuple[Partial, set[str], set[str]]:
    with tempfile.TemporaryDirectory(prefix="cjtool-spark-") as tmp:
        files: list[Path] = []
        names: list[str] = []
        for (arg, file), rows in frame.group_by("_arg", "_file", maintain_order=True):
            files.append(Path(tmp, f"{len(files):06d}.parquet"))
            names.append(read.names[int(arg)] or str(file))  # type: ignore[call-overload]
            rows.select(read.columns[int(arg)]).write_parquet(files[-1])  # type: ignore[call-overload]
        renames = {str(f): n for f, n in zip(files, names, strict=True)}
        try:
            table = ev.read_events(files, read.model, strict=read.strict, check_times=False)
        except CjtoolError as exc:
            exc.message = _renamed(_marked(exc.message, files, frame, error=True), renames)
            raise
        keys = frame.select("_arg", "_file").unique(maintain_order=True).rows()
        parts = [frame.filter((pl.col("_arg") == a) & (pl.col("_file") == f)) for a, f in keys]

        def in_input(at: ev.Position) -> ev.Position:  # (task file, row) -> its place in the input
            row = parts[at[0]].row(at[1], named=True)
            return tuple(row[c] for c in ORDER)

        table.notes = ev.relocated(table.notes, in_input)
        partial = aggregate(build_journeys(table, read.model))
    return partial, {names[s] for s in table.sources_with_rows}, {names[s] for s in table.sources_with_times}


# A row named in a task's message (`<part file>: row K`) as its place in the input, for the
# driver to write as the engine does (`file: line N`): MARK arg file row-id error MARK.
MARK = "\x1f"
_PART_ROW = re.compile(r"(\S+\.parquet): row ([\d,]+)")
_MARKED = re.compile(f"{MARK}(\\d+){MARK}(.*?){MARK}(\\d+){MARK}([01]){MARK}")


def _marked(text: str, files: list[Path], frame: pl.DataFrame, *, error: bool = False) -> str:
    """``text`` with each `<part file>: row K` replaced by a MARK of the row's place."""
    index = {str(f): i for i, f in enumerate(files)}

    def mark(m: re.Match[str]) -> str:
        if m.group(1) not in index:
            return m.group(0)
        keys = frame.select("_arg", "_file").unique(maintain_order=True).row(index[m.group(1)])
        part = frame.filter((pl.col("_arg") == keys[0]) & (pl.col("_file") == keys[1]))
        row_id = part["_row"][int(m.group(2).replace(",", "")) - 1]
        return f"{MARK}{keys[0]}{MARK}{keys[1]}{MARK}{row_id}{MARK}{int(error)}{MARK}"

    return _PART_ROW.sub(mark, text)


def _unmarked(text: str, spark: Any, df: Any, read: _Read, separators: list[str], codecs: list[str]) -> str:
    """``text`` with each MARK as `file: line N` (a local CSV) or `file: row N`: the row's
    index in its file is its id less the file's first id (a file is read in one partition,
    its rows numbered one by one). One small Spark job per file named, only then."""

    def place(m: re.Match[str]) -> str:
        at = (int(m.group(1)), m.group(2), None, int(m.group(3)))
        return _place(at, spark, df, read, separators, codecs, error=m.group(4) == "1")

    return _MARKED.sub(place, text)


def _place(
    at: ev.Position, spark: Any, df: Any, read: _Read, separators: list[str], codecs: list[str], *, error: bool = False
) -> str:
    """`file: line N` (a local CSV; in warnings, its first lines only) or `file: row N` of
    a row's place (``ORDER``)."""
    from pyspark.sql import functions as F

    arg, file, row_id = int(at[0]), str(at[1]), int(at[3])
    first = df.filter(F.col("_file") == file).agg(F.min("_row")).first()[0]
    in_file = row_id - int(first)
    name = read.names[arg] or file
    path = Path(read.names[arg] or "")
    if separators[arg] and path.is_file() and (error or in_file < ev.WARNING_LINE_LIMIT):
        line = ev._line_of_record(path, in_file, separators[arg], codecs[arg])
        if line:
            return f"{name}: line {line}"
    return f"{name}: row {in_file + 1:,}"


def _renamed(text: str, names: dict[str, str]) -> str:
    for tmp_name, name in names.items():
        text = text.replace(tmp_name, name)
    return text


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__
