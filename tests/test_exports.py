"""Event exports as they really come (SPEC 1 v2): blank rows, files without a readable
time, duplicates, time zones, Excel's habits (shortened ids, odd lines), full-width scores."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from cjtool.api import map_journey
from cjtool.errors import DataError, ExitCode, ModelError
from cjtool.events import read_events
from cjtool.model import parse_model

STAGES = "stages:\n  - id: a\n    match: '.'\n"
MODEL = parse_model(STAGES)
HEADER = "customer_id,timestamp,touchpoint,channel,satisfaction\n"


def write(tmp_path: Path, text: str | bytes, name: str = "e.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def read(tmp_path: Path, text: str | bytes, model=MODEL, **kw):
    return read_events([str(write(tmp_path, text))], model, **kw)


def model_with(extra: str):
    return parse_model(extra + STAGES)


# ------------------------------------------------------------------------ blank rows


def test_blank_rows_are_not_events(tmp_path):
    text = HEADER + "c1,2024-01-01T10:00:00Z,ad,web,4\n,,,,\n\n  ,\u3000, ,,\nc2,2024-01-01T11:00:00Z,ad,,\n,,,,\n"
    t = read(tmp_path, text)
    assert (t.blank, t.rows_read, t.rows_rejected, t.frame.height) == (4, 2, 0, 2)
    out = map_journey([str(tmp_path / "e.csv")], MODEL).to_dict()
    assert out["rows"]["read"] == 2 and out["rows"]["blank"] == 4 and out["rows"]["duplicates"] == 0


def test_a_row_with_only_other_columns_filled_is_rejected_not_blank(tmp_path):
    # blank means every field, not only the role columns
    t = read(tmp_path, "customer_id,timestamp,touchpoint,note\nc1,2024-01-01,ad,\n,,,a note\n,,,\n")
    assert (t.blank, t.rows_read, t.rejected) == (1, 2, {"missing customer_id": 1})


def test_blank_rows_keep_the_line_numbers_of_later_rows(tmp_path):
    t = read(tmp_path, HEADER + "c1,2024-01-01,ad,,\n,,,,\n\nc2,2024-01-01,ad,,x\n")
    assert any("e.csv: line 5" in w for w in t.warnings if w.startswith("satisfaction"))


def test_header_and_blank_rows_only_is_an_empty_map(tmp_path):
    t = read(tmp_path, HEADER + ",,,,\n,,,,\n")
    assert (t.blank, t.rows_read) == (2, 0)
    assert any("a header and blank rows only" in w for w in t.warnings)


# --------------------------------------------------------- no readable timestamp at all


def test_no_readable_timestamp_is_an_error_despite_blank_rows(tmp_path):
    with pytest.raises(DataError) as err:
        read(tmp_path, HEADER + "c1,04.01.2024,ad,,\nc2,05.01.2024,ad,,\n,,,,\n,,,,\n")
    assert err.value.exit_code == ExitCode.DATA
    assert "line 2: no timestamp could be read; the first is '04.01.2024'" in str(err.value)
    assert "timestamp_format" in (err.value.hint or "")


def test_no_readable_timestamp_despite_rows_rejected_for_other_reasons(tmp_path):
    with pytest.raises(DataError, match="no timestamp could be read"):
        read(tmp_path, HEADER + ",04.01.2024,ad,,\nc2,05.01.2024,,,\n")


def test_no_readable_timestamp_in_one_of_several_files(tmp_path):
    good = write(tmp_path, HEADER + "c1,2024-01-01,ad,,\n", "good.csv")
    bad = write(tmp_path, HEADER + "c2,04.01.2024,ad,,\n", "bad.csv")
    with pytest.raises(DataError, match=r"bad\.csv: line 2: no timestamp could be read"):
        read_events([str(good), str(bad)], MODEL)


# ------------------------------------------------------------------------------ dedupe

DUPES = (
    HEADER + "c1,2024-01-01T10:00:00Z,ad,web,4\n"
    "c1,2024-01-01T18:00:00+08:00,ad,web,4.0\n"  # the same instant and score, written otherwise
    "c1,2024-01-01T10:00:00Z,ad,web,5\n"  # another score: another event
    "c1,2024-01-01T10:00:00Z,ad,app,4\n"  # another channel
    ",2024-01-01T10:00:00Z,ad,web,4\n"  # rejected, twice: never duplicates
    ",2024-01-01T10:00:00Z,ad,web,4\n"
)


def test_dedupe_skips_rows_equal_in_every_role(tmp_path):
    t = read(tmp_path, DUPES, model_with("dedupe: true\n"))
    assert (t.rows_read, t.rows_rejected, t.duplicates, t.frame.height) == (6, 2, 1, 3)
    out = map_journey([str(tmp_path / "e.csv")], model_with("dedupe: true\n")).to_dict()
    assert out["rows"]["duplicates"] == 1 and out["events"]["assigned"] == 3


def test_dedupe_is_off_by_default(tmp_path):
    t = read(tmp_path, DUPES)
    assert (t.duplicates, t.frame.height) == (0, 4)


def test_dedupe_override(tmp_path):
    assert (
        MODEL.with_overrides(dedupe=True).dedupe
        and not model_with("dedupe: true\n").with_overrides(dedupe=False).dedupe
    )


# ---------------------------------------------------------------------------- time zone


def test_values_without_offset_are_taken_in_the_model_time_zone(tmp_path):
    text = (
        HEADER + "c1,2024-01-05 10:00:00,ad,,\n"  # Shanghai wall time: 02:00 UTC
        "c2,2024-01-05,ad,,\n"  # a date: midnight there
        "c3,2024/1/5 9:05,ad,,\n"
        "c4,2024-01-05T10:00:00Z,ad,,\n"  # Z and offsets are instants already
        "c5,2024-01-05T10:00:00+09:00,ad,,\n"
        "c6,1704448800,ad,,\n"  # epoch seconds too (2024-01-05 10:00 UTC)
    )
    t = read(tmp_path, text, model_with("timezone: Asia/Shanghai\n"))
    assert t.frame["timestamp"].to_list() == [
        datetime(2024, 1, 5, 2),
        datetime(2024, 1, 4, 16),
        datetime(2024, 1, 5, 1, 5),
        datetime(2024, 1, 5, 10),
        datetime(2024, 1, 5, 1),
        datetime(2024, 1, 5, 10),
    ]


def test_daylight_saving_gap_is_rejected_and_fold_is_the_earlier_instant(tmp_path):
    text = HEADER + "c1,2024-03-10 02:30:00,ad,,\nc2,2024-11-03 01:30:00,ad,,\nc3,2024-07-01 12:00:00,ad,,\n"
    t = read(tmp_path, text, model_with("timezone: America/New_York\n"))
    assert t.rejected == {"bad timestamp": 1}
    assert t.frame["timestamp"].to_list() == [datetime(2024, 11, 3, 5, 30), datetime(2024, 7, 1, 16)]


def test_naive_parquet_datetimes_are_taken_in_the_time_zone(tmp_path):
    p = tmp_path / "e.parquet"
    pl.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "timestamp": [datetime(2024, 1, 5, 10), datetime(2024, 1, 6, 10)],
            "touchpoint": ["ad", "ad"],
        }
    ).write_parquet(p)
    t = read_events([str(p)], model_with("timezone: Asia/Shanghai\n"))
    assert t.frame["timestamp"].to_list() == [datetime(2024, 1, 5, 2), datetime(2024, 1, 6, 2)]


def test_several_timestamp_formats_the_first_that_reads_wins(tmp_path):
    model = model_with("timestamp_format: ['%d/%m/%Y %H:%M', '%d/%m/%Y']\n")
    t = read(tmp_path, HEADER + "c1,05/01/2024 10:30,ad,,\nc2,06/01/2024,ad,,\n", model)
    assert t.frame["timestamp"].to_list() == [datetime(2024, 1, 5, 10, 30), datetime(2024, 1, 6)]


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        (
            "timezone: Asia/Shangai\n",
            r"m\.yaml:1: timezone: unknown time zone 'Asia/Shangai' \(did you mean `Asia/Shanghai`\?\)",
        ),
        ("timezone: [UTC]\n", r"m\.yaml:1: timezone: expected text, got a list"),
        ("dedupe: maybe\n", r"m\.yaml:1: dedupe: expected true or false, got 'maybe'"),
        ("timestamp_format: {a: '%Y'}\n", r"m\.yaml:1: timestamp_format: expected text, got a mapping"),
        ("timestamp_format: ['%Y', [x]]\n", r"m\.yaml:1: timestamp_format\[1\]: expected text, got a list"),
        ("timestamp_format: []\n", r"m\.yaml:1: timestamp_format: an empty list"),
    ],
)
def test_model_keys_of_exports_are_validated_with_their_line(yaml, message):
    with pytest.raises(ModelError, match=message):
        parse_model(yaml + STAGES, "m.yaml")


# ------------------------------------------------------------------- warnings, --strict


def test_rejected_timestamps_warning_shows_the_first_value_and_line(tmp_path):
    t = read(tmp_path, HEADER + "c1,2024-01-01,ad,,\nc2,yesterday,ad,,\nc3,2024-13-01,ad,,\n")
    assert any(
        w.startswith("timestamp: 2 values not read as a time, so their rows are left out (the first: 'yesterday' at ")
        and "e.csv: line 3" in w
        for w in t.warnings
    ), t.warnings


def test_strict_names_the_models_timestamp_format(tmp_path):
    model = model_with("timestamp_format: '%d/%m/%Y'\n")
    with pytest.raises(
        DataError, match=r"line 3: cannot read timestamp '2024-01-02'; expected the model's timestamp_format '%d/%m/%Y'"
    ):
        read(tmp_path, HEADER + "c1,01/01/2024,ad,,\nc2,2024-01-02,ad,,\n", model, strict=True)


def test_ids_excel_shortened_to_scientific_notation_are_counted(tmp_path):
    text = (
        HEADER
        + "1.38E+10,2024-01-01,ad,,\n1.38E+10,2024-01-02,ad,,\n2.1e+11,2024-01-01,ad,,\n13800138000,2024-01-01,ad,,\n"
    )
    t = read(tmp_path, text)
    assert any(w.startswith("customer_id: 2 ids in scientific notation") and "'1.38E+10'" in w for w in t.warnings)
    assert not any("scientific" in w for w in read(tmp_path, HEADER + "13800138000,2024-01-01,ad,,\n").warnings)


# ------------------------------------------------------------------ odd lines of a CSV


@pytest.mark.parametrize(
    ("text", "touchpoints"),
    [
        (HEADER + 'c1,2024-01-01,5" screen,,\nc2,2024-01-02,ad,,\n', ['5" screen', "ad"]),  # a stray quote
        (HEADER + '"c1" ,2024-01-01,ad,,\nc2,2024-01-02,"b" ,,\n', ["ad", "b "]),  # a space after a quote
        (HEADER.replace("\n", "\r") + "c1,2024-01-01,ad,,\rc2,2024-01-02,b,,\r", ["ad", "b"]),  # old Mac
        (HEADER.replace("\n", "\r") + 'c1,2024-01-01,ad,,\r,,,,\r\rc2,2024-01-02,"b\r2",,\r', ["ad", "b\r2"]),
    ],
)
def test_one_odd_line_does_not_refuse_the_export(tmp_path, text, touchpoints):
    t = read(tmp_path, text)
    assert t.frame["touchpoint"].cast(pl.String).to_list() == touchpoints
    assert t.rows_rejected == 0


def test_lines_are_named_in_a_rewritten_file(tmp_path):
    t = read(tmp_path, HEADER + '"c1" ,2024-01-01,ad,,\nc2,2024-01-02,ad,,x\n')
    assert any("'x' at " in w and "e.csv: line 3" in w for w in t.warnings)


# ------------------------------------------------------------------------------ scores


def test_full_width_scores_are_numbers_and_scores_have_6_decimals(tmp_path):
    text = (
        HEADER
        + "c1,2024-01-01,ad,,４．５\nc2,2024-01-01,ad,,\u3000３\u3000\nc3,2024-01-01,ad,,4.12345678\nc4,2024-01-01,ad,,5.0000001\n"
    )
    t = read(tmp_path, text)
    assert t.frame["satisfaction"].to_list() == [4.5, 3.0, 4.123457, 5.0]
    assert not t.warnings


def test_gbk_text_late_in_a_file_is_read_as_gbk(tmp_path):
    """The encoding is guessed from the first 4 MiB; a first Chinese (GBK) byte after that
    makes the reader look at the whole file instead of refusing it as invalid UTF-8."""
    from cjtool import encoding

    path = tmp_path / "late.csv"
    with open(path, "wb") as f:
        f.write(b"customer_id,timestamp,touchpoint\n")
        f.write(b"c0,2026-03-01T10:00:00Z,ad_impression\n" * 120_000)  # > 4 MiB of ASCII
        f.write("c1,2026-03-02T10:00:00Z,结算\n".encode("gbk"))
    assert path.stat().st_size > encoding.SAMPLE
    table = read_events([str(path)], MODEL)
    assert table.frame["touchpoint"].cast(pl.String).to_list()[-1] == "结算"
    assert any("read as GBK" in w for w in table.warnings)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(path.read_bytes() + b"c2,2026-03-02T10:00:00Z,\xff\xff\n")
    with pytest.raises(DataError, match="not valid UTF-8, and the file is not GBK either"):
        read_events([str(bad)], MODEL)


def test_customer_csv_escapes_and_fractions_per_cell():
    """Columns are looked at before they are rewritten (to_csv): a plain column is written
    as it is, a column with a formula gets `'` on that cell only, one with a control
    character its escape on that cell only; a time has its fraction only where it has one,
    and a column without any fraction none."""
    from datetime import datetime

    import polars as pl

    from cjtool.render.customers_out import to_csv

    table = pl.DataFrame(
        {
            "plain": ["a", "b"],
            "formula": ["=1+1", "ok"],
            "control": ["x\x1b[2Jy", "z"],
            "mixed": [datetime(2026, 1, 1, 0, 0, 0, 250000), datetime(2026, 1, 1)],
            "whole": [datetime(2026, 1, 2), datetime(2026, 1, 3)],
        }
    ).with_columns(pl.col("plain").cast(pl.Categorical))
    assert to_csv(table).splitlines() == [
        "plain,formula,control,mixed,whole",
        "a,'=1+1,x\\u001b[2Jy,2026-01-01T00:00:00.250000Z,2026-01-02T00:00:00Z",
        "b,ok,z,2026-01-01T00:00:00Z,2026-01-03T00:00:00Z",
    ]
    assert to_csv(table, sanitize=False).splitlines()[1].startswith("a,=1+1,x\x1b[2Jy,")
