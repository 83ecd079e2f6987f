"""`cjtool map --partitions N`: the map of an input split by customer into temporary
Parquet parts equals the in-memory map byte for byte; the parts are removed however the
run ends."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from cjtool import partitions
from cjtool.api import map_journey
from cjtool.errors import DataError
from cjtool.model import load_model, parse_model
from cjtool.render.machine import to_json

try:
    from tests.conftest import EXAMPLES, HEADER, ROOT
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from conftest import EXAMPLES, HEADER, ROOT  # type: ignore[no-redef]

AIPL = EXAMPLES / "aipl_events.csv"
ZH = EXAMPLES / "zh" / "旅程事件_gbk.csv"


@pytest.mark.parametrize("n", [2, 7])
def test_cli_partitions_give_the_same_bytes(cli, n: int, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    whole = cli("map", AIPL, "-m", "aipl", "-f", "json", "--partitions", "1")
    parts = cli("map", AIPL, "-m", "aipl", "-f", "json", "--partitions", str(n))
    assert whole.exit_code == 0 and parts.exit_code == 0, parts.output
    assert parts.stdout == whole.stdout
    assert not list((tmp_path / "tmp").iterdir())  # the temporary parts are gone


def test_gbk_and_two_files_with_bad_rows(tmp_path) -> None:
    """A GBK export and a second file with rejected rows: the one run's map, its warnings
    too (the rejected-rows warning of the summed counts, the first example's line)."""
    model = load_model(EXAMPLES / "zh" / "旅程模型.yaml")
    extra = tmp_path / "extra.csv"
    header = ZH.read_bytes().decode("gb18030").splitlines()[0]
    extra.write_text(header + "\n" + "\n".join(["x1,not a time,a,b,,,", ",2026-01-01,a,b,,,"]) + "\n", encoding="utf-8")
    want = map_journey([ZH, extra], model).to_dict()
    got = partitions.map_partitioned([ZH, extra], model, 3, tmp_root=tmp_path).to_dict()
    assert got == want
    assert got["warnings"][0] == "2 of 10845 rows rejected (1 missing customer_id, 1 bad timestamp)"
    # the first example names the input file's line, as one run does
    assert f"(the first: 'not a time' at {extra}: line 2)" in got["warnings"][1]


def test_auto_partitions_by_size(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(partitions, "PART_BYTES", AIPL.stat().st_size // 3 - 1)  # a little over 3 parts' worth
    assert partitions.auto_partitions([AIPL]) == 4
    assert partitions.auto_partitions(["-"]) == 1
    monkeypatch.setattr(partitions, "PART_BYTES", 10**12)
    assert partitions.auto_partitions([AIPL, AIPL]) == 1


def test_automatic_split_in_the_cli(cli, tmp_path, monkeypatch) -> None:
    seen = []
    original = partitions.map_partitioned

    def spy(*args, **kwargs):
        seen.append(args[2])
        return original(*args, **kwargs)

    monkeypatch.setattr(partitions, "PART_BYTES", AIPL.stat().st_size // 2)
    monkeypatch.setattr(partitions, "map_partitioned", spy)
    auto = cli("map", AIPL, "-m", "aipl", "-f", "json")
    assert seen == [3]
    assert auto.stdout == cli("map", AIPL, "-m", "aipl", "-f", "json", "--partitions", "1").stdout


def test_interrupted_run_leaves_no_parts(tmp_path) -> None:
    def stop(i, n, events):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        partitions.map_partitioned([AIPL], load_model("aipl"), 3, on_part=stop, tmp_root=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """2M events of benchmarks/generate.py (108 MB): a run of a few seconds, so a signal
    sent when the parts' folder appears arrives mid-run even on a fast machine."""
    spec = importlib.util.spec_from_file_location("cjtool_generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path_factory.mktemp("big") / "events.csv"
    gen.generate(2_000_000, path, quiet=True)
    return path


@pytest.mark.parametrize("before", [None, '{"previous": "map"}\n'])
def test_ctrl_c_in_a_real_run(big_csv, tmp_path, before: str | None) -> None:
    """SIGINT to `cjtool map --partitions 4` while it splits: exit 130 with one line, the
    parts' folder removed, the output not written (an existing one left as it was)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "map.json"
    if before is not None:
        out.write_text(before, encoding="utf-8")
    cmd = [sys.executable, "-m", "cjtool", "map", str(big_csv), "--model", "aipl", "--partitions", "4"]
    proc = subprocess.Popen(
        [*cmd, "-f", "json", "-o", str(out)],
        cwd=ROOT,
        env=dict(os.environ, TMPDIR=str(tmp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine may take long to start python
        while not list(tmp.glob("cjtool-parts-*")):
            assert proc.poll() is None, f"the run ended before it was interrupted: {proc.communicate()}"
            assert time.monotonic() < deadline, "no cjtool-parts-* folder appeared"
            time.sleep(0.005)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.splitlines()[-1] == "cjtool: error: interrupted", stderr
    assert stdout == ""
    assert not list(tmp.glob("cjtool-parts-*"))
    if before is None:
        assert not out.exists()
    else:
        assert out.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name != "tmp"] == (["map.json"] if before else [])


def test_unreadable_file_is_a_data_error_and_cleans_up(cli, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('customer_id,timestamp,touchpoint\n"a,2024-01-01,ad\n', encoding="utf-8")
    with pytest.raises(DataError):
        partitions.map_partitioned([tmp_path / "missing.csv"], load_model("aipl"), 2, tmp_root=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]
    out = cli("map", tmp_path / "missing.csv", "-m", "aipl", "--partitions", "2")
    assert out.exit_code == 4 and "no such file" in out.stderr


def test_stdin_cannot_be_split(cli) -> None:
    out = cli("map", "-", "-m", "aipl", "--partitions", "2", input="customer_id,timestamp,touchpoint\n")
    assert out.exit_code == 4 and "cannot be read in parts" in out.stderr


# ------------------------------------------------------------- messy random logs
MESSY_MODEL = """\
name: messy
mode: ordered
same_time: any_order
stages:
  - {id: a, touchpoints: [ad]}
  - {id: b, touchpoints: [view, search]}
  - {id: c, touchpoints: [buy]}
"""


def messy_csv(path, rng: random.Random, rows: int, *, sci_from: int | None = None) -> None:
    """Rows with every kind of counted bad value: unreadable times, ids in scientific
    notation, equal times (ties), scores outside their scale or not numbers, blank rows,
    missing ids and touchpoints. ``sci_from``: ids in scientific notation from that row on."""
    lines = [HEADER.rstrip("\n")]
    for i in range(rows):
        if rng.random() < 0.03:
            lines.append(",,,,,,")
            continue
        sci = rng.random() < 0.15 if sci_from is None else i >= sci_from
        cust = (
            f"{rng.randint(1, 9)}.{rng.randint(0, 99):02d}E+{rng.randint(10, 12)}" if sci else f"c{rng.randrange(60)}"
        )
        if rng.random() < 0.02:
            cust = ""
        ts = f"2024-01-0{rng.randint(1, 3)}T0{rng.randint(0, 2)}:00:00Z"  # few distinct times: many ties
        ts = rng.choice([ts] * 12 + ["not a time", "2024-13-45", "", "yesterday"])
        tp = rng.choice(["ad", "view", "search", "buy", "login", "", "ad"])
        sat = rng.choice(["", "", "", "3", "5", "7", "-1", "N/A", "4.5", "nan"])
        nps = rng.choice(["", "", "9", "0", "11", "abc"])
        eff = rng.choice(["", "", "2", "9", "x"])
        lines.append(f"{cust},{ts},{tp},web,{sat},{nps},{eff}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def both_runs(files, model, n, tmp_path) -> tuple[str, str]:
    tmp_path.mkdir(exist_ok=True)
    want = to_json(map_journey(files, model))
    got = to_json(partitions.map_partitioned(files, model, n, tmp_root=tmp_path))
    assert not list(tmp_path.iterdir())  # the parts are gone
    return got, want


@pytest.mark.parametrize("seed", range(14))
def test_messy_random_logs_give_the_same_bytes_warnings_included(tmp_path, seed: int) -> None:
    """Every counted-value warning once with the run's counts and first example, as one run."""
    rng = random.Random(seed)
    model = parse_model(MESSY_MODEL)
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    messy_csv(files[0], rng, rng.randint(20, 400))
    messy_csv(files[1], rng, rng.randint(0, 200))
    if seed % 3 == 0:
        files.append(files[0])  # given twice
    n = 1 + seed % 7
    got, want = both_runs(files, model, n, tmp_path / "tmp")
    assert got == want
    warnings = json.loads(want)["warnings"]
    kinds = {w.split(":")[0].split(" ")[0] for w in warnings}
    assert {"satisfaction", "nps", "effort", "timestamp", "customer_id"} <= kinds, warnings
    assert any("given more than once" in w for w in warnings) == (seed % 3 == 0)


def test_messy_logs_warn_about_ties_as_one_run(tmp_path) -> None:
    model = parse_model(MESSY_MODEL)
    files = [tmp_path / "a.csv"]
    messy_csv(files[0], random.Random(99), 600)
    got, want = both_runs(files, model, 5, tmp_path / "tmp")
    assert got == want and "have the same timestamp as the step before" in got


@pytest.mark.parametrize(("sci_from", "warned"), [(7000, True), (8400, False)])
def test_shortened_ids_decided_by_the_runs_first_rows(tmp_path, sci_from: int, warned: bool) -> None:
    """Ids in scientific notation warn when one is among the run's first 5,000 events: a
    part's first events are not the run's, so the parts' notes decide after the merge."""
    model = parse_model(MESSY_MODEL)
    files = [tmp_path / "a.csv"]
    messy_csv(files[0], random.Random(sci_from), 9000, sci_from=sci_from)
    for n in (3, 6):
        got, want = both_runs(files, model, n, tmp_path / "tmp")
        assert got == want
    assert ("in scientific notation" in want) == warned


def test_strict_error_names_the_input_files_line(cli, tmp_path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(MESSY_MODEL, encoding="utf-8")
    events = tmp_path / "e.csv"
    events.write_text(HEADER + "c1,2024-01-01,ad,,,,\n" * 5 + "c2,2024-01-01,,,,,\n", encoding="utf-8")
    out = cli("map", events, "-m", model, "--strict", "--partitions", "3")
    assert out.exit_code == 4
    assert f"{events}: line 7: missing touchpoint" in out.stderr


def strict_errors(files, model, n, tmp_path) -> tuple[str, str]:
    """The --strict errors of the in-memory run and of the run in ``n`` parts."""
    tmp_path.mkdir(exist_ok=True)
    with pytest.raises(DataError) as whole:
        map_journey(files, model, strict=True)
    with pytest.raises(DataError) as parts:
        partitions.map_partitioned(files, model, n, strict=True, tmp_root=tmp_path)
    assert not list(tmp_path.iterdir())  # the parts are gone
    return str(parts.value), str(whole.value)


@pytest.mark.parametrize("seed", range(6))
def test_strict_error_of_messy_logs_is_the_one_runs(tmp_path, seed: int) -> None:
    """The input's first rejected row and the count of all of them, not one part's."""
    rng = random.Random(seed)
    model = parse_model(MESSY_MODEL)
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    messy_csv(files[0], rng, rng.randint(50, 400))
    messy_csv(files[1], rng, rng.randint(50, 200))
    got, want = strict_errors(files, model, 2 + seed % 5, tmp_path / "tmp")
    assert got == want and "rejected in all" in want


def test_strict_error_counts_every_part_and_names_the_first_row(tmp_path) -> None:
    """One bad row per customer, in reverse customer order: the error names the input's
    first bad row (c39's, not the first of every part) and counts all 40."""
    model = parse_model(MESSY_MODEL)
    good = [f"c{i},2024-01-01T00:00:00Z,ad,web,,," for i in range(40)]
    bad = [f"c{i},2024-01-02T00:00:00Z,,web,,," for i in range(40)]  # missing touchpoint
    bad[len(bad) // 2] = "c20,yesterday,view,web,,,"
    events = tmp_path / "e.csv"
    events.write_text(HEADER + "\n".join(good + bad[::-1]) + "\n", encoding="utf-8")
    for n in (2, 3, 5):
        got, want = strict_errors([events], model, n, tmp_path / "tmp")
        assert got == want
    assert want == f"{events}: line 42: missing touchpoint (--strict: 40 rows rejected in all)"


@pytest.mark.parametrize("late", [True, False])
def test_shortened_id_after_the_runs_first_rows_in_one_part_only(tmp_path, late: bool) -> None:
    """One id in scientific notation right after (or right at the end of) the run's first
    5,000 events: the parts without any still bring their first events to the decision."""
    from cjtool.events import SAMPLE_ROWS

    model = parse_model("stages:\n  - {id: a, touchpoints: [ad]}\n  - {id: b, touchpoints: [buy]}\n")
    ids = [f"u{i % 50}" for i in range(SAMPLE_ROWS if late else SAMPLE_ROWS - 1)] + ["1.2E+15"]
    lines = [f"{c},2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d},{('buy', 'ad')[i % 2]}" for i, c in enumerate(ids)]
    files = [tmp_path / "a.csv"]
    files[0].write_text("customer_id,timestamp,touchpoint\n" + "\n".join(lines) + "\n", encoding="utf-8")
    for n in (2, 5):
        got, want = both_runs(files, model, n, tmp_path / "tmp")
        assert got == want
    assert ("in scientific notation" in want) == (not late)


def test_decimal_commas_of_a_semicolon_csv_are_read_in_parts(tmp_path) -> None:
    """Excel's `;` CSVs write 4,5 for 4.5: the parts (Parquet) must read them as the file does."""
    model = parse_model(
        "stages:\n  - {id: a, touchpoints: [ad]}\n  - {id: b, touchpoints: [buy]}\nscores: {satisfaction: {min: 1, max: 5}}\n"
    )
    rows = [f"c{i};2026-01-0{1 + i % 9}T10:00:00Z;{('ad', 'buy')[i % 2]};{1 + i % 4},{i % 10}" for i in range(60)]
    files = [tmp_path / "e.csv", tmp_path / "f.csv"]
    files[0].write_text("customer_id;timestamp;touchpoint;satisfaction\n" + "\n".join(rows) + "\n", encoding="utf-8")
    files[1].write_text(
        "customer_id,timestamp,touchpoint,satisfaction\nz,2026-01-02T10:00:00Z,ad,4.5\n", encoding="utf-8"
    )
    for n in (2, 5):
        got, want = both_runs(files, model, n, tmp_path / "tmp")
        assert got == want
    stage = json.loads(want)["stages"][0]
    assert stage["responses"] == 31 and not [w for w in json.loads(want)["warnings"] if "not a number" in w]
