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
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from cjtool import encoding as enc
from cjtool import events as ev
from cjtool import excel
from cjtool.analyses.customers import customer_rows
from cjtool.analyses.segments import attributes_to_read
from cjtool.errors import CjtoolError, DataError, OutputError, UsageError
from cjtool.i18n import say
from cjtool.journeys import build_journeys
from cjtool.metrics import Partial, aggregate, finish, merge
from cjtool.model import JourneyModel
from cjtool.parquet import to_parquet
from cjtool.result import JourneyMap

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
    _no_workbooks(sources)
    with _job(master, session) as spark:
        return _map(spark, [str(s) for s in sources], model, encoding=encoding, strict=strict, partitions=partitions)


@contextmanager
def _job(master: str | None, session: Any) -> Iterator[Any]:
    """A session for one job (``session``, left running, else a new one stopped at the
    end); Spark's own errors (a lost executor, an unreadable path, ...) as a DataError."""
    spark = session or start_session(master)
    try:
        yield spark
    except CjtoolError:
        raise
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("pyspark", "py4j"):
            raise
        raise DataError(say("zl_spark_failed", why=_first_line(exc)), hint=say("zl_spark_failed_hint")) from None
    finally:
        if session is None:
            spark.stop()


def start_session(master: str | None = None, app_name: str = "cjtool") -> Any:
    """A SparkSession whose Python workers run this interpreter and import this cjtool."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(say("zl_spark_missing"), hint=say("zl_spark_install")) from None
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        raise UsageError(say("zl_spark_java"), hint=say("zl_spark_java_hint"))
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
        with _utf8_locale():
            spark = builder.getOrCreate()
    except Exception as exc:
        raise DataError(say("zl_spark_start", master=master or "local[*]", why=_first_line(exc))) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextmanager
def _utf8_locale() -> Iterator[None]:
    """A UTF-8 locale while Spark's JVM starts: the JVM encodes file names in the locale it
    was started in for good, and under a POSIX one (cron, slim containers) it cannot open
    `旅程事件.csv` ("Path does not exist"). Only the JVM's start sees it; an already running
    JVM is reused as it is."""
    chosen = next((os.environ[v] for v in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(v)), "")
    if "utf-8" in chosen.lower() or "utf8" in chosen.lower():
        yield
        return
    before = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = "C.UTF-8"
    try:
        yield
    finally:
        if before is None:
            del os.environ["LC_ALL"]
        else:
            os.environ["LC_ALL"] = before


def _no_workbooks(sources: Sequence[str | Path]) -> None:
    """Excel workbooks are refused before Spark starts: Spark reads CSV and Parquet."""
    for src in map(str, sources):
        local = Path(src)
        if src.lower().endswith(excel.EXCEL_SUFFIXES) or (local.is_file() and excel.is_workbook_file(local)):
            raise UsageError(say("zl_spark_excel", src=src), hint=say("zl_spark_excel_hint"))


@dataclass
class _Read:
    """What a task needs besides its rows: the model, each argument's columns and name."""

    model: JourneyModel
    strict: bool
    columns: list[list[str]]  # of each argument (a union of arguments fills the others' with nulls)
    names: list[str | None]  # an argument naming one file: that name in warnings (else Spark's path)


@dataclass
class _Input:
    """The events as Spark reads them (every row with its place in the input) and how to
    name a row in a message."""

    spark: Any
    df: Any
    read: _Read
    separators: list[str]
    codecs: list[str]
    partitions: int
    sources: list[str]

    def by_customer(self) -> Any:
        """The rows repartitioned so that each task holds whole customers."""
        from pyspark.sql import functions as F

        customer = self.read.model.column_map["customer_id"]
        if all(customer in c for c in self.read.columns):
            return self.df.repartition(self.partitions, F.col(customer))
        return self.df.repartition(1)  # a file without it: one task, whose reader says which and what to do

    def run(self, frame: Any, work: Any) -> list[Any]:
        """``work(rows, read)`` on each task of ``frame``; a task's typed error raised here."""
        read = self.read  # the task's closure: not self, which holds the session
        rows = frame.mapInArrow(lambda batches: _task(batches, read, work), "part binary").collect()
        results = [pickle.loads(r["part"]) for r in rows]
        for r in results:
            if isinstance(r[0], type):  # a task's typed error, raised here as the engine would
                kind, message, hint = r
                raise kind(self.unmarked(message), hint=hint)
        return results

    def unmarked(self, text: str) -> str:
        return _unmarked(text, self.spark, self.df, self.read, self.separators, self.codecs)

    def place(self, at: ev.Position) -> str:
        """`file: line N` of a row's place in the input."""
        return _place(at, self.spark, self.df, self.read, self.separators, self.codecs)


def _input(
    spark: Any, sources: list[str], model: JourneyModel, *, encoding: str | None, strict: bool, partitions: int | None
) -> _Input:
    from pyspark.sql import functions as F

    if not sources:
        raise DataError(say("zl_no_event_files"), hint=say("zl_no_event_files_hint"))
    if "-" in sources:
        raise DataError(say("zl_spark_stdin"), hint=say("zl_spark_stdin_hint"))
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
    return _Input(spark, df, _Read(model, strict, columns, names), separators, codecs, n, sources)


def _map(
    spark: Any, sources: list[str], model: JourneyModel, *, encoding: str | None, strict: bool, partitions: int | None
) -> JourneyMap:
    inp = _input(spark, sources, model, encoding=encoding, strict=strict, partitions=partitions)
    merged = _merged(inp, inp.run(inp.by_customer(), _partial), encoding)
    if merged is None:  # no rows at all: the empty input's counts and warnings
        empty = pl.DataFrame(schema={c: pl.String for c in inp.read.columns[0]})
        return finish(aggregate(build_journeys(ev.read_events(empty, model), model)))[0]
    return finish(merged)[0]


def _empty(read: _Read) -> pl.DataFrame:
    """No rows, with every argument's columns."""
    return pl.DataFrame(schema={c: pl.String for c in dict.fromkeys(c for cols in read.columns for c in cols)})


def _merged(inp: _Input, results: list[Any], encoding: str | None) -> Partial | None:
    """The run's Partial from its tasks' (Partial, files with rows, files with times, ...),
    its warnings named as the engine names them; None when no task had rows."""
    partials = [r[0] for r in results]
    with_rows = {s for r in results for s in r[1]}
    with_times = {s for r in results for s in r[2]}
    for name in sorted(with_rows - with_times):  # no time read in a whole file: its error
        if Path(name).is_file():
            ev.read_events([name], inp.read.model, encoding=encoding)
        raise DataError(say("zl_no_timestamp", name=name), hint=say("zl_no_timestamp_hint"))
    if not partials:
        return None
    merged = merge(partials)
    notes = ev.merged_notes(merged.notes + ev.repeated_notes(inp.sources))
    merged.notes = ev.located(notes, inp.place)
    return merged


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


def _task(batches: Iterator[Any], read: _Read, work: Any) -> Iterator[Any]:
    """One Spark task: its rows in input order, through ``work(rows, read)`` (the polars
    engine), to one pickled result, or the typed error."""
    import pyarrow as pa

    tables = [pa.Table.from_batches([b]) for b in batches if b.num_rows]
    if not tables:
        return
    frame = pl.from_arrow(pa.concat_tables(tables))
    assert isinstance(frame, pl.DataFrame)
    try:
        result: Any = work(frame.sort(ORDER), read)
    except CjtoolError as exc:  # (class, message, hint): exceptions pickle without their hint
        result = (type(exc), exc.message, exc.hint)
    yield pa.RecordBatch.from_pydict({"part": [pickle.dumps(result)]}, pa.schema([("part", pa.binary())]))


def _partial(frame: pl.DataFrame, read: _Read, then: Any = None) -> tuple[Any, set[str], set[str]]:
    """(``then(events)``, files with rows, files with times) of a task's rows, read by the
    engine's reader; ``then`` defaults to the map's Partial of them."""
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
        result = then(table) if then else aggregate(build_journeys(table, read.model))
    return result, {names[s] for s in table.sources_with_rows}, {names[s] for s in table.sources_with_times}


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


# --------------------------------------------------------------------------- customers

MARKER = "_cjtool_customers"  # in a folder `customers --engine spark` wrote: it may be replaced


@dataclass
class TableSpec:
    """What `cjtool customers` asks of the table: attributes and filters (see
    ``analyses.customers.customer_rows``)."""

    names: list[str]
    by: list[str]
    customer_file: pl.DataFrame | None = None
    status: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    exit_touchpoint: tuple[str, ...] = ()


def customers_spark(
    sources: Sequence[str | Path],
    model: JourneyModel,
    folder: str | Path,
    spec: TableSpec,
    *,
    master: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    partitions: int | None = None,
    session: Any = None,
) -> tuple[int, list[str]]:
    """The customer table of ``sources`` (SPEC 8), written by Spark's tasks as Parquet
    files ``part-NNNNN.parquet`` in ``folder`` (never through the driver); its rows sorted
    by customer id are the polars engine's `customers --format parquet`. Two jobs: the
    run's t_end (SPEC 14, for `in_progress` and `churned`), read without a shuffle, then
    the table by customer. Written to a hidden folder next to ``folder``, renamed at the
    end: a failed job leaves no folder. ``folder`` must be new, an empty folder or one
    this function wrote (replaced). Returns (rows written, warnings)."""
    _check_folder(Path(folder))
    _no_workbooks(sources)
    out = Path(os.path.realpath(folder))  # a symlink to a folder stays a link: its target is replaced
    tmp = out.parent / f".{out.name}.cjtool-{uuid.uuid4().hex[:12]}"
    try:
        with _job(master, session) as spark:
            try:
                tmp.mkdir()
                rows, warnings = _customers(
                    spark, [str(s) for s in sources], model, tmp, spec, encoding, strict, partitions
                )
                Path(tmp, MARKER).write_text("cjtool.customers/1 (parquet parts)\n", encoding="utf-8")
                _replace(out, tmp)
                return rows, warnings
            except BaseException:  # Ctrl-C and SIGTERM too: nothing half written stays
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except CjtoolError as exc:  # a full disk: named in the user's folder, not the temporary one
        exc.message = exc.message.replace(str(tmp), str(folder))
        raise


def _check_folder(out: Path) -> None:
    if "://" in str(out):
        raise UsageError(say("zl_spark_not_local", out=out), hint=say("zl_spark_not_local_hint"))
    real = Path(os.path.realpath(out))
    if not real.parent.is_dir():
        via = say("e_link_to", real=real) if real != Path(os.path.abspath(out)) else ""
        raise OutputError(say("e_no_folder", name=out, parent=real.parent, via=via), hint=say("e_create_first"))
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or Path(out, MARKER).is_file())):
        raise OutputError(say("zl_spark_exists", out=out), hint=say("zl_spark_exists_hint"))
    if out.is_dir():  # cjtool's folder, replaced whole: only if nothing else was added to it
        other = sorted(p.name for p in out.iterdir() if not _own(p))
        if other:
            more = say("val_and_more", n=len(other) - 1) if len(other) > 1 else ""
            raise OutputError(
                say("zl_spark_others", out=out, first=other[0], more=more), hint=say("zl_spark_others_hint")
            )


def _own(path: Path) -> bool:
    """A file `customers --engine spark` writes in its folder: a part, the marker, or a
    part a failed task attempt left half written (`.part-NNNNN.parquet.<id>`)."""
    if path.is_symlink() or not path.is_file():
        return False
    name = path.name
    return name == MARKER or re.fullmatch(r"\.?part-\d+\.parquet(?:\.[0-9a-f]{8})?", name) is not None


def _replace(out: Path, tmp: Path) -> None:
    """``tmp`` renamed ``out``; an old ``out`` (empty or cjtool's) removed only after."""
    old = None
    if out.exists():
        old = out.parent / f"{tmp.name}-old"
        out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _customers(
    spark: Any,
    sources: list[str],
    model: JourneyModel,
    tmp: Path,
    spec: TableSpec,
    encoding: str | None,
    strict: bool,
    partitions: int | None,
) -> tuple[int, list[str]]:
    extra = [a for a in attributes_to_read(model, spec.names, spec.customer_file) if a not in model.extra_columns]
    model = replace(model, extra_columns=(*model.extra_columns, *extra)) if extra else model
    inp = _input(spark, sources, model, encoding=encoding, strict=strict, partitions=partitions)
    # the table of no events: its schema for every part, and --by/--status/--stage checked before any job
    # the run's t_end (the latest time read) and the event columns with a value, from the
    # input's own partitions (no shuffle): what a task cannot know from its customers
    facts = [r[0] for r in inp.run(inp.df, lambda rows, read: _partial(rows, read, _facts))]
    t_end = max((f[0] for f in facts if f[0] is not None), default=None)
    with_values = frozenset(c for f in facts for c in f[1])
    # the table of no events: its schema for every part, and --by/--status/--stage checked
    none = build_journeys(ev.read_events(_empty(inp.read), model), model)
    schema = _table(none, spec, model, with_values)[0].schema

    def work(rows: pl.DataFrame, read: _Read) -> Any:
        def then(table: ev.EventTable) -> tuple[Partial, int, list[str]]:
            j = build_journeys(table, read.model)
            j.end = t_end
            out, warnings = _table(j, spec, read.model, with_values)
            out = out.select(
                [pl.col(c).cast(t) if c in out.columns else pl.lit(None, t).alias(c) for c, t in schema.items()]
            )
            if out.height:  # a retried task writes the same file again, in one rename
                from pyspark import TaskContext

                context = TaskContext.get()
                assert context is not None  # in a task
                name = f"part-{context.partitionId():05d}.parquet"
                part = Path(tmp, f".{name}.{uuid.uuid4().hex[:8]}")
                part.write_bytes(to_parquet(out))
                part.rename(Path(tmp, name))
            return aggregate(j), out.height, warnings

        return _partial(rows, read, then)

    results = inp.run(inp.by_customer(), work)
    merged = _merged(inp, [(r[0][0], r[1], r[2]) for r in results], encoding)
    written = sum(r[0][1] for r in results)
    if not written:  # a readable folder all the same: one file of no rows
        Path(tmp, "part-00000.parquet").write_bytes(to_parquet(pl.DataFrame(schema=schema)))
    table_warnings = finish(merged)[0].warnings if merged else []
    return written, table_warnings + _summed([w for r in results for w in r[0][2]])


def _facts(table: ev.EventTable) -> tuple[Any, set[str]]:
    """(latest time, extra event columns with a value) of some rows of the run."""
    frame = table.frame
    extra = [c for c in frame.columns if c.startswith("attr:")]
    return frame["timestamp"].max(), {c for c in extra if frame[c].null_count() < frame.height}


def _table(j: Any, spec: TableSpec, model: JourneyModel, with_values: frozenset[str]) -> tuple[pl.DataFrame, list[str]]:
    return customer_rows(
        j,
        spec.names,
        by=spec.by,
        customer_file=spec.customer_file,
        timezone=model.timezone,
        status=spec.status,
        stage=spec.stage,
        exit_touchpoint=spec.exit_touchpoint,
        with_values=with_values,
    )


_COUNTED = re.compile(r"^([\d,]+) (customers .*)$")


def _summed(warnings: list[str]) -> list[str]:
    """The tasks' attribute warnings, each once in order; those counting customers
    ("N customers are not in the customer file: ...") with the tasks' counts summed."""
    counts: dict[str, int] = {}
    for w in warnings:
        if m := _COUNTED.match(w):
            counts[m.group(2)] = counts.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    out = [f"{counts[m.group(2)]:,} {m.group(2)}" if (m := _COUNTED.match(w)) else w for w in warnings]
    return list(dict.fromkeys(out))
