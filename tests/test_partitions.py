"""`cjtool map --partitions N`: the map of an input split by customer into temporary
Parquet parts equals the in-memory map byte for byte; the parts are removed however the
run ends."""

from __future__ import annotations

import pytest

from cjtool import partitions
from cjtool.api import map_journey
from cjtool.errors import DataError
from cjtool.model import load_model

try:
    from tests.conftest import EXAMPLES
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from conftest import EXAMPLES  # type: ignore[no-redef]

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
