"""The event time in two columns (`columns: {date: 日期, time: 时间}`): the same map as the
one column "DATE TIME" gives, in memory, with --partitions and from Excel cells; the model
refuses `timestamp` with `date`, and `time` without `date`. (Spark: tests/test_spark.py.)"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import xlsxwriter

from cjtool.errors import ModelError, UsageError
from cjtool.events import read_events
from cjtool.model import parse_model

STAGES = """\
stages:
  - {id: 浏览, touchpoints: [浏览]}
  - {id: 下单, touchpoints: [下单]}
"""
TWO = "name: 两列\ntimezone: Asia/Shanghai\ncolumns: {customer_id: 用户ID, date: 日期, time: 时间, touchpoint: 行为}\n"
ONE = "name: 两列\ntimezone: Asia/Shanghai\ncolumns: {customer_id: 用户ID, timestamp: 事件时间, touchpoint: 行为}\n"
# (id, date, time, touchpoint): a one-digit hour, seconds, a fraction, a blank time (midnight),
# a Chinese-locale date, a time no clock has, a blank date
ROWS = [
    ("u1", "2026-03-04", "9:05", "浏览"),
    ("u1", "2026-03-04", "09:10:30", "下单"),
    ("u2", "2026/3/5", "", "浏览"),
    ("u2", "2026-03-05", "23:59:59.250", "下单"),
    ("u3", "2026-03-05", "25:00", "浏览"),
    ("u4", "", "10:00", "浏览"),
]


def two_columns(rows=ROWS) -> str:
    return "用户ID,日期,时间,行为\n" + "".join(f"{c},{d},{t},{tp}\n" for c, d, t, tp in rows)


def one_column(rows=ROWS) -> str:
    """The same events with the time in one column, "DATE TIME" (the date alone when the
    time is blank)."""
    return "用户ID,事件时间,行为\n" + "".join(
        f"{c},{(d + ' ' + t).strip() if d else ''},{tp}\n" for c, d, t, tp in rows
    )


@pytest.fixture
def inputs(tmp_path):
    two, one = tmp_path / "two.csv", tmp_path / "one.csv"
    two.write_text(two_columns(), encoding="utf-8")
    one.write_text(one_column(), encoding="utf-8")
    m2, m1 = tmp_path / "two.yaml", tmp_path / "one.yaml"
    m2.write_text(TWO + STAGES, encoding="utf-8")
    m1.write_text(ONE + STAGES, encoding="utf-8")
    return (two, m2), (one, m1)


@pytest.mark.parametrize("extra", [[], ["--partitions", "3"]], ids=["in-memory", "partitions"])
def test_two_columns_map_as_one(cli, inputs, extra):
    (two, m2), (one, m1) = inputs
    want = cli("map", one, "-m", m1, "-f", "json", "-q")
    got = cli("map", two, "-m", m2, "-f", "json", "-q", *extra)
    assert want.exit_code == 0 and got.exit_code == 0, got.output
    assert got.stdout.replace(str(two), str(one)) == want.stdout
    d = json.loads(got.stdout)
    assert d["rows"]["rejected_by_reason"] == {"bad timestamp": 2}  # 25:00, and no date
    assert d["period"] == {"first": "2026-03-04T01:05:00Z", "last": "2026-03-05T15:59:59.250000Z"}


def test_the_times_read(inputs):
    (two, m2), _ = inputs
    t = read_events([str(two)], parse_model(TWO + STAGES))
    assert t.frame["timestamp"].to_list() == [  # Shanghai wall times, as UTC
        datetime(2026, 3, 4, 1, 5),
        datetime(2026, 3, 4, 1, 10, 30),
        datetime(2026, 3, 4, 16, 0),  # a blank time: the date at midnight
        datetime(2026, 3, 5, 15, 59, 59, 250000),
    ]
    assert "(the first: '2026-03-05 25:00' at " in t.warnings[-1]  # the value as read: date and time


def test_a_date_column_alone_means_midnight(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("用户ID,日期,行为\nu1,2026-03-04,浏览\nu1,2026/3/5,下单\n", encoding="utf-8")
    m = parse_model("name: d\ncolumns: {customer_id: 用户ID, date: 日期, touchpoint: 行为}\n" + STAGES)
    assert read_events([str(path)], m).frame["timestamp"].to_list() == [datetime(2026, 3, 4), datetime(2026, 3, 5)]


def test_excel_date_cells_and_time_cells(tmp_path):
    """A date cell (midnight) and a time cell (Excel's day 0 and a time) are one time, as
    text cells are; a time cell whose format was lost is a fraction of a day."""
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("明细")
    day, clock = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "h:mm:ss"})
    sheet.write_row(0, 0, ["用户ID", "日期", "时间", "行为"])
    sheet.write_row(1, 0, ["u1"])
    sheet.write_datetime(1, 1, datetime(2026, 3, 4), day)
    sheet.write_datetime(1, 2, datetime(1899, 12, 31, 9, 5, 7), clock)
    sheet.write_string(1, 3, "浏览")
    sheet.write_row(2, 0, ["u1", "2026/3/4", 0.5, "下单"])  # a time of day as a number: noon
    sheet.write_row(3, 0, ["u2", 46086, "", "浏览"])  # a serial date, no time
    book.close()
    t = read_events([str(path)], parse_model(TWO + STAGES))
    assert t.frame["timestamp"].to_list() == [
        datetime(2026, 3, 4, 1, 5, 7),
        datetime(2026, 3, 4, 4, 0),
        datetime(2026, 3, 4, 16, 0),  # 2026-03-05 00:00 in Shanghai
    ]


def test_timestamp_format_reads_date_and_time_joined(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("用户ID,日期,时间,行为\nu1,04.03.2026,09:05,浏览\n", encoding="utf-8")
    m = parse_model(TWO + "timestamp_format: '%d.%m.%Y %H:%M'\n" + STAGES)
    assert read_events([str(path)], m).frame["timestamp"].to_list() == [datetime(2026, 3, 4, 1, 5)]


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        (
            "{customer_id: 用户ID, timestamp: 事件时间, date: 日期, touchpoint: 行为}",
            "columns.date: `timestamp` and `date` are both mapped; map `timestamp` to the one column with the "
            "date and time, or `date` (and `time`) to the two columns that hold them, not both",
        ),
        (
            "{customer_id: 用户ID, time: 时间, touchpoint: 行为}",
            "columns.time: `time` needs `date`: map `date` to the column with the day "
            "(or map one column with both as `timestamp`)",
        ),
        (
            "{customer_id: 用户ID, date: 行为, touchpoint: 行为}",
            "columns: the column `行为` is mapped to more than one role",
        ),
    ],
)
def test_model_errors(cli, tmp_path, columns, problem):
    with pytest.raises(ModelError) as err:
        parse_model(f"name: x\ncolumns: {columns}\n" + STAGES, "m.yaml")
    assert err.value.problems == [f"m.yaml:2: {problem}"]
    path = tmp_path / "m.yaml"
    path.write_text(f"name: x\ncolumns: {columns}\n" + STAGES, encoding="utf-8")
    r = cli("validate", "-m", path)
    assert r.exit_code == 3 and f"{path}:2: {problem}" in r.stdout


def test_command_line_columns(cli, inputs):
    (two, m2), (one, m1) = inputs
    # the one-column model read from the two columns, and back
    want = cli("map", two, "-m", m2, "-f", "json", "-q").stdout
    got = cli("map", two, "-m", m1, "-c", "date=日期", "-c", "time=时间", "-f", "json", "-q")
    assert got.exit_code == 0 and got.stdout == want
    back = cli("map", one, "-m", m2, "-c", "timestamp=事件时间", "-f", "json", "-q")
    assert back.exit_code == 0 and back.stdout.replace(str(one), str(two)) == cli(
        "map", one, "-m", m1, "-f", "json", "-q"
    ).stdout.replace(str(one), str(two))
    m = parse_model(ONE + STAGES)
    with pytest.raises(UsageError, match="`time` needs `date`"):
        m.with_overrides(columns={"time": "时间"})


def test_validate_names_the_columns_of_the_time(cli, inputs):
    (two, m2), _ = inputs
    r = cli("validate", "-m", m2, two)
    assert "info: the event time is read from the columns `日期` (date) and `时间` (time of day)" in r.stdout


def test_a_missing_date_column_is_named(cli, inputs, tmp_path):
    (two, m2), _ = inputs
    path = tmp_path / "no_time.csv"
    path.write_text("用户ID,日期,行为\nu1,2026-03-04,浏览\n", encoding="utf-8")
    r = cli("map", path, "-m", m2)
    assert r.exit_code == 4
    assert f"{path}: no `时间` column for time; found: 用户ID, 日期, 行为" in r.stderr
