"""`--engine spark`: Spark's map equals the polars engine's byte for byte (shipped examples,
random logs split over two files), errors are typed with no partial output, and a real
standalone cluster (a master and two workers, executors in their own processes) gives the
same bytes and leaves no process behind."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import pytest

try:
    import pyspark
except ImportError:
    pytest.skip('pyspark is not installed (pip install ".[spark]")', allow_module_level=True)
try:
    subprocess.run(["java", "-version"], capture_output=True, check=True, timeout=60)
except (OSError, subprocess.SubprocessError):
    pytest.skip("Java is not available (`java -version` fails): Spark needs Java 17+", allow_module_level=True)

import contextlib

from hypothesis import HealthCheck, given, settings  # noqa: E402

from cjtool import spark as cs  # noqa: E402
from cjtool.analyses.segments import load_customer_file  # noqa: E402
from cjtool.api import map_journey  # noqa: E402
from cjtool.errors import DataError, UsageError  # noqa: E402
from cjtool.model import load_model, parse_model  # noqa: E402
from cjtool.render.machine import to_json  # noqa: E402

try:
    from tests.conftest import EXAMPLES
    from tests.test_differential import cases, frame_of
    from tests.test_partitions import MESSY_MODEL, messy_csv
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from conftest import EXAMPLES  # type: ignore[no-redef]
    from test_differential import cases, frame_of  # type: ignore[no-redef]
    from test_partitions import MESSY_MODEL, messy_csv  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
AIPL = EXAMPLES / "aipl_events.csv"
ZH_GBK = EXAMPLES / "zh" / "旅程事件_gbk.csv"
ZH_MODEL = EXAMPLES / "zh" / "旅程模型.yaml"


@pytest.fixture(scope="module")
def spark():
    """One local session for the module: Spark takes seconds to start."""
    session = cs.start_session("local[2]", app_name="cjtool-tests")
    yield session
    session.stop()


class _Kept:
    """The shared session, for code that would stop the session it started."""

    def __init__(self, session) -> None:
        self._session = session

    def __getattr__(self, name: str):
        return getattr(self._session, name)

    def stop(self) -> None:
        pass


@pytest.mark.parametrize(
    ("events", "model"), [(AIPL, EXAMPLES / "aipl.yaml"), (ZH_GBK, ZH_MODEL)], ids=["aipl", "zh-gbk"]
)
def test_shipped_examples_give_the_same_bytes(spark, events: Path, model: Path) -> None:
    m = load_model(model)
    for lang in ("en", "zh"):
        assert to_json(cs.map_spark([events], m, session=spark, partitions=3), lang) == to_json(
            map_journey([events], m), lang
        )


@settings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)  # the same logs in CI
@given(case=cases())
def test_random_logs_in_two_files_give_the_same_bytes(spark, case) -> None:
    """Ties, duplicates, rejected and blank rows, over two files: the input order (file, then
    row) survives Spark's shuffle."""
    model_text, rows = case
    model = parse_model(model_text)
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp, "b.csv"), Path(tmp, "a.csv")]  # argument order, not name order
        half = len(rows) // 2
        frame_of(rows[:half]).write_csv(files[0])
        frame_of(rows[half:]).write_csv(files[1])
        try:
            want = to_json(map_journey(files, model), "en")
        except DataError as exc:
            with pytest.raises(DataError, match="no timestamp could be read") as got:
                cs.map_spark(files, model, session=spark, partitions=3)
            # the same error: the file (and line) the in-memory run names
            assert "no timestamp could be read" in str(exc) and str(exc).split(": ")[0] in str(got.value)
            return
        got = to_json(cs.map_spark(files, model, session=spark, partitions=3), "en")
        # Spark's CSV reader reads a quoted empty field ("") as null, not as an empty text:
        # a first example that is one is shown as None (the only difference allowed)
        assert got == want or got == want.replace("first: '' at ", "first: None at ")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_messy_random_logs_give_the_same_bytes_warnings_included(spark, tmp_path, seed: int) -> None:
    """Unreadable times, ids in scientific notation, ties, scores out of range, a file given
    twice: every warning once, with the run's counts and first example (its line)."""
    rng = random.Random(seed)
    model = parse_model(MESSY_MODEL)
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    messy_csv(files[0], rng, rng.randint(100, 400))
    messy_csv(files[1], rng, rng.randint(20, 200))
    files.append(files[0])
    want = to_json(map_journey(files, model))
    assert to_json(cs.map_spark(files, model, session=spark, partitions=1 + 2 * seed)) == want
    warnings = json.loads(want)["warnings"]
    assert {"satisfaction", "nps", "effort", "timestamp", "customer_id"} <= {w.split(":")[0] for w in warnings}


def test_date_and_time_columns_and_a_scale_suggestion_give_the_same_bytes(spark, tmp_path) -> None:
    """`columns: {date: 日期, time: 时间}` on Spark; scores outside their scale in two tasks:
    the `scores:` setting suggested from the whole column (its least and greatest)."""
    model = parse_model(
        "name: 两列\ntimezone: Asia/Shanghai\n"
        "columns: {customer_id: 用户ID, date: 日期, time: 时间, touchpoint: 行为, satisfaction: 满意度}\n"
        "stages:\n  - {id: a, touchpoints: [浏览]}\n  - {id: b, touchpoints: [下单]}\n"
    )
    rng = random.Random(7)
    lines = ["用户ID,日期,时间,行为,满意度"]
    for i in range(300):
        score = rng.choice(["", "3", "4", "0", "9", "10"])  # 0..10 in all, spread over the tasks
        time = rng.choice(["", "9:05", "23:59:59", "25:00"])
        lines.append(f"u{i % 40},2026/3/{1 + i % 9},{time},{rng.choice(['浏览', '下单'])},{score}")
    path = tmp_path / "两列.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    want = to_json(map_journey([path], model))
    assert to_json(cs.map_spark([path], model, session=spark, partitions=4)) == want
    assert "set `scores: {satisfaction: {min: 0, max: 10}}` in the model" in want


def test_glob_reads_files_in_path_order(spark, tmp_path) -> None:
    """A glob is read in path order, like the shell's expansion given to the polars engine."""
    lines = AIPL.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = len(lines) // 2
    (tmp_path / "1.csv").write_text("".join(lines[:cut]), encoding="utf-8")
    (tmp_path / "2.csv").write_text(lines[0] + "".join(lines[cut:]), encoding="utf-8")
    m = load_model(EXAMPLES / "aipl.yaml")
    got = cs.map_spark([str(tmp_path / "*.csv")], m, session=spark)
    assert to_json(got, "en") == to_json(map_journey([tmp_path / "1.csv", tmp_path / "2.csv"], m), "en")


def test_parquet_input_gives_the_same_bytes(cli, spark, tmp_path) -> None:
    """Typed Parquet (times, numbers) of one file read by Spark in several splits, and a glob
    of Parquet files with text columns: the polars engine's JSON; customers too."""
    m = load_model(EXAMPLES / "aipl.yaml")
    typed = pl.read_csv(AIPL, try_parse_dates=True)
    assert typed.schema["timestamp"] == pl.Datetime("us", "UTC")
    typed.write_parquet(tmp_path / "typed.parquet", row_group_size=2000)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "60000")
    try:
        assert spark.read.parquet(str(tmp_path / "typed.parquet")).rdd.getNumPartitions() > 2
        got = cs.map_spark([tmp_path / "typed.parquet"], m, session=spark, partitions=3)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert to_json(got, "en") == to_json(map_journey([tmp_path / "typed.parquet"], m), "en")
    text = pl.read_csv(AIPL, infer_schema=False)
    half = text.height // 2
    text[:half].write_parquet(tmp_path / "p1.parquet")
    text[half:].write_parquet(tmp_path / "p2.parquet")
    parts = [tmp_path / "p1.parquet", tmp_path / "p2.parquet"]
    got = cs.map_spark([str(tmp_path / "p*.parquet")], m, session=spark, partitions=3)
    assert to_json(got, "en") == to_json(map_journey(parts, m), "en")
    want = cli("customers", *parts, "-m", EXAMPLES / "aipl.yaml", "-o", tmp_path / "want.parquet", "-q")
    assert want.exit_code == 0, want.stderr
    spec = cs.TableSpec(["persona", "tier", "region"], [], load_customer_file(m, None))
    cs.customers_spark([str(tmp_path / "p*.parquet")], m, tmp_path / "out", spec, session=spark)
    assert _parts(tmp_path / "out").equals(pl.read_parquet(tmp_path / "want.parquet"))


def test_cli_engine_spark_and_a_failed_job(cli, spark, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cs, "start_session", lambda master=None: _Kept(spark))
    out = tmp_path / "map.json"
    ok = cli("map", AIPL, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark", "-o", out, "-q")
    assert ok.exit_code == 0, ok.output
    assert out.read_text(encoding="utf-8") == to_json(map_journey([AIPL], load_model(EXAMPLES / "aipl.yaml")), "en")
    missing = tmp_path / "missing-*.csv"
    bad = cli("map", missing, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark", "-o", tmp_path / "bad.json")
    assert bad.exit_code == 4
    assert re.search(r"cjtool: error: the Spark job failed: .*PATH_NOT_FOUND", bad.stderr), bad.stderr
    assert not (tmp_path / "bad.json").exists()  # no partial output
    assert spark.sparkContext._jsc is not None  # the shared session still runs


def test_strict_error_from_a_task_is_the_engines_error(spark, tmp_path) -> None:
    events = tmp_path / "e.csv"
    events.write_text(AIPL.read_text(encoding="utf-8") + "c1,not a time,Search ad,web,,,\n", encoding="utf-8")
    m = load_model(EXAMPLES / "aipl.yaml")
    with pytest.raises(DataError) as want:
        map_journey([events], m, strict=True)
    with pytest.raises(DataError) as got:
        cs.map_spark([events], m, session=spark, strict=True)
    assert str(got.value) == str(want.value)


def test_refusals(cli, monkeypatch) -> None:
    aipl = ["map", AIPL, "-m", EXAMPLES / "aipl.yaml"]
    r = cli(*aipl, "--engine", "spark", "--exclude-in-progress")
    assert r.exit_code == 2 and "--exclude-in-progress is not available with --engine spark" in r.stderr
    assert cli(*aipl, "--spark-master", "local[2]").exit_code == 2
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if pyspark were not installed
    r = cli(*aipl, "--engine", "spark")
    assert r.exit_code == 2 and 'pip install "cjtool[spark]"' in r.stderr


def test_java_missing_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(UsageError, match="needs Java"):
        cs.start_session("local[1]")


# --------------------------------------------------------------------------- a real cluster


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_members(pgid: int) -> list[int]:
    """Processes still in process group ``pgid`` (from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


@pytest.fixture
def standalone(tmp_path):
    """A Spark standalone master and two 1-core workers on localhost, from the pyspark
    package's `spark-class`, each in its own process group; all killed afterwards."""
    home = Path(pyspark.__file__).parent
    env = os.environ | {
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
    }
    port = _free_port()
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> Path:
        log = tmp_path / f"{name}.log"
        with open(log, "wb") as fh:
            procs.append(
                subprocess.Popen(
                    [str(home / "bin" / "spark-class"), *args],
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=tmp_path,
                    start_new_session=True,
                )
            )
        return log

    def wait_for(log: Path, pattern: str, count: int = 1) -> None:
        deadline = time.monotonic() + 120
        while len(re.findall(pattern, log.read_text(errors="replace"))) < count:
            assert time.monotonic() < deadline, f"Spark did not start:\n{log.read_text(errors='replace')[-2000:]}"
            assert all(p.poll() is None for p in procs), log.read_text(errors="replace")[-2000:]
            time.sleep(0.5)

    url = f"spark://127.0.0.1:{port}"
    try:
        master_log = start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(_free_port()),
        )
        wait_for(master_log, r"I have been elected leader")
        for i in range(2):
            start(
                f"worker{i}",
                "org.apache.spark.deploy.worker.Worker",
                url,
                "--cores",
                "1",
                "--memory",
                "1g",
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(tmp_path / f"work{i}"),
            )
        wait_for(master_log, r"Registering worker", 2)
        yield url, env, master_log
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        deadline = time.monotonic() + 30  # executors: children of a worker, in its group
        while any(_group_members(p.pid) for p in procs) and time.monotonic() < deadline:
            time.sleep(0.5)
        for p in procs:
            for pid in _group_members(p.pid):
                os.kill(pid, signal.SIGKILL)
        assert not [pid for p in procs for pid in _group_members(p.pid)], "Spark processes left behind"


def test_standalone_cluster_gives_the_same_bytes(standalone, tmp_path) -> None:
    """Executors in separate processes on two workers (one core each): same bytes."""
    url, env, master_log = standalone
    out = tmp_path / "map.json"
    run = subprocess.run(
        [sys.executable, "-m", "cjtool", "map", str(AIPL), "-m", str(EXAMPLES / "aipl.yaml")]
        + ["--engine", "spark", "--spark-master", url, "--partitions", "4", "-o", str(out), "-q"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert out.read_text(encoding="utf-8") == to_json(map_journey([AIPL], load_model(EXAMPLES / "aipl.yaml")), "en")
    executors = len(re.findall(r"Launching executor", master_log.read_text(errors="replace")))
    assert executors == 2  # one per worker: tasks ran in two other JVMs and their Python workers


# --------------------------------------------------------------------------- customers


def _parts(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "*.parquet").sort("customer_id")


def test_customers_parquet_parts_equal_the_polars_table(cli, spark, tmp_path, monkeypatch) -> None:
    """The model's attributes (event column and customer file), churned and in_progress at
    the run's t_end (not a task's), over 3 tasks: the polars engine's rows, and warnings."""
    monkeypatch.setattr(cs, "start_session", lambda master=None: _Kept(spark))
    model = EXAMPLES / "aipl.yaml"
    want = cli("customers", AIPL, "-m", model, "-o", tmp_path / "want.parquet")
    assert want.exit_code == 0, want.stderr
    expected = pl.read_parquet(tmp_path / "want.parquet")
    assert set(expected["status"]) >= {"in_progress", "dropped", "completed"} and expected["churned"].any()
    out = tmp_path / "customers"
    got = cli("customers", AIPL, "-m", model, "--engine", "spark", "--partitions", "3", "-o", out)
    assert got.exit_code == 0, got.stderr
    assert len(list(out.glob("part-*.parquet"))) == 3
    assert _parts(out).equals(expected)
    assert got.stderr.replace(f"{out}/", str(tmp_path / "want.parquet")) == want.stderr
    filtered = cli("customers", AIPL, "-m", model, "--engine", "spark", "--status", "in_progress", "-o", out, "-q")
    assert filtered.exit_code == 0, filtered.stderr  # a folder cjtool wrote is replaced
    assert _parts(out).equals(expected.filter(pl.col("status") == "in_progress"))


def test_customers_status_uses_the_runs_t_end(spark, tmp_path) -> None:
    """Tasks whose customers were all seen early: in progress and not churned at their own
    latest time, dropped and churned at the run's (one late customer, in one task)."""
    events = tmp_path / "e.csv"
    rows = [f"E{i:02d},2026-01-0{1 + i % 5}T10:00:00Z,livestream_view,social,,,,,," for i in range(24)]
    events.write_text(
        AIPL.read_text(encoding="utf-8").splitlines()[0]
        + "\n"
        + "\n".join([*rows, "LATE,2026-06-01T10:00:00Z,livestream_view,social,,,,,,"])
        + "\n",
        encoding="utf-8",
    )
    m = load_model(EXAMPLES / "aipl.yaml")
    spec = cs.TableSpec(["persona"], [])
    cs.customers_spark([events], m, tmp_path / "out", spec, session=spark, partitions=8)
    got = _parts(tmp_path / "out")
    assert got.filter(pl.col("customer_id") != "LATE")["status"].unique().to_list() == ["dropped"]
    assert got.filter(pl.col("customer_id") != "LATE")["churned"].all()
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) > 2


def test_customers_on_spark_nothing_lost(cli, spark, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cs, "start_session", lambda master=None: _Kept(spark))
    aipl = ["customers", AIPL, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark"]
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine", encoding="utf-8")
    r = cli(*aipl, "-o", kept)
    assert r.exit_code == 5 and "exists and is not an empty folder or one cjtool wrote" in r.stderr
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
    missing = tmp_path / "missing-*.csv"
    r = cli("customers", missing, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark", "-o", tmp_path / "out")
    assert r.exit_code == 4 and "the Spark job failed" in r.stderr
    bad = tmp_path / "bad.csv"  # a task's typed error, after the t_end job
    bad.write_text(AIPL.read_text(encoding="utf-8") + "c1,not a time,Search ad,web,,,\n", encoding="utf-8")
    r = cli("customers", bad, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark", "--strict", "-o", tmp_path / "out")
    assert r.exit_code == 4 and "bad.csv" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "kept"]  # no folder, no temp folder
    for args in (["-o", tmp_path / "c.csv", "-f", "csv"], []):
        r = cli(*aipl, *args)
        assert r.exit_code == 2 and "--engine spark writes the table as Parquet files to a folder" in r.stderr
    r = cli("customers", AIPL, "-m", EXAMPLES / "aipl.yaml", "--spark-master", "local[2]")
    assert r.exit_code == 2


def test_customers_twice_keeps_a_users_files_and_the_link(cli, spark, tmp_path, monkeypatch) -> None:
    """A folder cjtool wrote, with a notebook and a subfolder added: refused, nothing
    deleted; a symlink to the folder stays a link whose target is replaced."""
    monkeypatch.setattr(cs, "start_session", lambda master=None: _Kept(spark))
    aipl = ["customers", AIPL, "-m", EXAMPLES / "aipl.yaml", "--engine", "spark", "-q"]
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real)
    assert cli(*aipl, "-o", link).exit_code == 0
    assert link.is_symlink() and real.is_dir() and any(real.glob("part-*.parquet"))
    (real / "analysis.ipynb").write_text("{}", encoding="utf-8")
    (real / "charts").mkdir()
    (real / "charts" / "a.png").write_bytes(b"png")
    r = cli(*aipl, "-o", link)
    assert r.exit_code == 5 and "holds files cjtool did not write (analysis.ipynb and 1 more)" in r.stderr
    assert (real / "analysis.ipynb").read_text(encoding="utf-8") == "{}" and (real / "charts" / "a.png").exists()
    (real / "analysis.ipynb").unlink()
    shutil.rmtree(real / "charts")
    r = cli(*aipl, "--status", "in_progress", "-o", link)
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and set(_parts(real)["status"]) == {"in_progress"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # no temporary folder left


def test_a_posix_locale_still_opens_chinese_file_names(tmp_path) -> None:
    """Spark's JVM encodes file names in the locale it starts in: under LC_ALL=C (cron, slim
    containers) it could not open `旅程事件_gbk.csv` (exit 4, "Path does not exist"). A
    fresh process, so a fresh JVM; the map is the polars engine's, byte for byte."""
    out = tmp_path / "spark.json"
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_CTYPE", "LC_ALL")} | {"LC_ALL": "C"}
    args = [sys.executable, "-m", "cjtool", "map", str(ZH_GBK), "-m", str(ZH_MODEL), "-f", "json", "--quiet"]
    r = subprocess.run(
        [*args, "--engine", "spark", "-o", str(out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    want = tmp_path / "polars.json"
    subprocess.run([*args, "-o", str(want)], env=env, check=True, capture_output=True, timeout=300)
    assert out.read_bytes() == want.read_bytes()
