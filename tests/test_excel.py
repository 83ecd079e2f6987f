"""Excel workbooks read directly: a sheet maps exactly as its CSV export maps (Chinese
headers, real date cells, ids Excel stored as numbers, scores as numbers), with --sheet,
--partitions, serial numbers and blank rows; other binary files get one line and exit 4."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from cjtool.api import map_journey
from cjtool.errors import DataError, UsageError
from cjtool.events import read_events
from cjtool.model import parse_model

MODEL = """\
name: 门店
timezone: Asia/Shanghai
columns: {customer_id: 会员ID, timestamp: 事件时间, touchpoint: 行为, channel: 渠道, satisfaction: 满意度, revenue: 实付金额}
stages:
  - {id: 认知, touchpoints: [浏览]}
  - {id: 购买, touchpoints: [下单]}
  - {id: 复购, touchpoints: [复购]}
"""
HEADERS = ["会员ID", "事件时间", "行为", "渠道", "满意度", "实付金额", "备注"]
# (id as Excel holds it, time, touchpoint, channel, score, revenue, note); ids stored as
# numbers (12345 and 13800138000, as Excel keeps a typed-in number) and as text
ROWS = [
    (12345, datetime(2026, 3, 4, 9, 5), "浏览", "小程序", 4, None, "首次"),
    (12345, datetime(2026, 3, 4, 9, 40), "下单", "小程序", 5, 199.5, None),
    (13800138000, datetime(2026, 3, 4, 23, 59), "浏览", "门店", "N/A", None, None),  # a score not a number
    (13800138000, datetime(2026, 3, 5, 0, 30), "下单", "门店", 9, 88, None),  # outside 1..5
    ("A-7", datetime(2026, 3, 6, 8, 0), "浏览", "APP", 3.5, None, "=cmd"),
    ("A-7", datetime(2026, 3, 6, 10, 0), "下单", "APP", None, 12.25, None),
    ("A-7", datetime(2026, 3, 8, 10, 0), "复购", "APP", 1, 30, None),
]


def csv_text(value: object) -> str:
    """A cell as Excel's CSV export writes it: date cells in their format (yyyy/m/d h:mm),
    whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_book(path: Path, rows=ROWS, *, blank_rows: int = 2, sheets: tuple[str, ...] = ("明细",)) -> None:
    book = xlsxwriter.Workbook(str(path))
    when = book.add_format({"num_format": "yyyy/m/d h:mm"})
    for name in sheets:
        sheet = book.add_worksheet(name)
        if name != sheets[-1]:  # a notes sheet before the data
            sheet.write(0, 0, "说明：本表为导出数据")
            continue
        sheet.write_row(0, 0, HEADERS)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, when)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, value)
        for r in range(len(rows) + 1, len(rows) + 1 + blank_rows):  # Excel's trailing blank rows
            sheet.write_string(r, 0, "")
    book.close()


def write_csv(path: Path, rows=ROWS, *, blank_rows: int = 2) -> None:
    lines = [",".join(HEADERS)] + [",".join(csv_text(v) for v in row) for row in rows]
    lines += ["," * (len(HEADERS) - 1)] * blank_rows  # the blank rows as `,,,,,,`
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def files(tmp_path):
    model = tmp_path / "模型.yaml"
    model.write_text(MODEL, encoding="utf-8")
    book, csv = tmp_path / "events.xlsx", tmp_path / "events.csv"
    write_book(book, sheets=("说明", "明细"))
    write_csv(csv)
    return model, book, csv


def same_as_csv(text: str, book: Path, csv: Path) -> str:
    """A map of the workbook with its rows named as the CSV's (`[sheet]: row N` is the
    CSV's `line N`: the header is row 1 in both)."""
    return text.replace(f"{book} [明细]: row", f"{csv}: line")


@pytest.mark.parametrize("extra", [[], ["--partitions", "2"]], ids=["in-memory", "partitions"])
def test_a_sheet_maps_exactly_as_its_csv_export(cli, files, extra):
    model, book, csv = files
    from_csv = cli("map", csv, "-m", model, "-f", "json", "-q", "--partitions", "1")
    from_book = cli("map", book, "-m", model, "-f", "json", "-q", *extra)
    assert from_csv.exit_code == 0 and from_book.exit_code == 0, from_book.output
    assert same_as_csv(from_book.stdout, book, csv) == from_csv.stdout  # byte for byte
    d = json.loads(from_book.stdout)
    # the facts the comparison rests on: ids as shown, times in the model's zone, numbers read
    assert d["rows"] == {"read": 7, "rejected": 0, "rejected_by_reason": {}, "blank": 2, "duplicates": 0}
    assert d["customers"]["total"] == 3
    assert d["period"] == {"first": "2026-03-04T01:05:00Z", "last": "2026-03-08T02:00:00Z"}
    assert d["revenue"] == 199.5 + 88 + 12.25 + 30
    assert d["warnings"] == [
        f"satisfaction: 1 value not a number, treated as missing (the first: 'N/A' at {book} [明细]: row 4)",
        f"satisfaction: 1 value outside 1..5, treated as missing (the first: '9' at {book} [明细]: row 5); "
        "the numbers run from 1 to 9: if the scale is 1..10, set `scores: {satisfaction: {min: 1, max: 10}}` "
        "in the model",
    ]


def test_ids_stored_as_numbers_read_as_the_text_excel_shows(files):
    model, book, _ = files
    t = read_events([str(book)], parse_model(MODEL))
    assert t.frame["cust"].cast(pl.String).unique(maintain_order=True).to_list() == ["12345", "13800138000", "A-7"]
    assert t.frame["satisfaction"].to_list() == [4.0, 5.0, None, None, 3.5, None, 1.0]
    assert t.frame["timestamp"][0] == datetime(2026, 3, 4, 1, 5)  # 09:05 in Shanghai


def test_the_sheet_by_name_number_or_the_first_with_the_columns(cli, files, tmp_path):
    model, book, csv = files
    want = cli("map", csv, "-m", model, "-f", "json", "-q").stdout
    for sheet in ([], ["--sheet", "明细"], ["--sheet", "2"]):  # the notes sheet comes first
        r = cli("map", book, "-m", model, "-f", "json", "-q", *sheet)
        assert r.exit_code == 0 and same_as_csv(r.stdout, book, csv) == want
    r = cli("map", book, "-m", model, "--sheet", "3")
    assert r.exit_code == 4
    assert r.stderr.strip().splitlines() == [
        f"cjtool: error: {book}: no sheet '3'; its sheets are 1: 说明, 2: 明细; "
        "give --sheet a sheet's name or its number (1 is the first)"
    ]
    r = cli("map", book, "-m", model, "--sheet", "说明")  # a sheet without the columns: which are missing
    assert r.exit_code == 4 and f"{book} [说明]: no columns `会员ID` (customer_id)" in r.stderr


def test_serial_numbers_and_date_cells_are_times(tmp_path):
    """A time column of serial numbers (a date cell whose format was lost) reads as the
    day and time; date cells and ISO text in one column read alike."""
    path = tmp_path / "serial.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["customer_id", "timestamp", "touchpoint"])
    sheet.write_row(1, 0, ["c1", 46085.5, "ad"])  # 2026-03-04 12:00
    sheet.write_row(2, 0, ["c1", 46085.75, "view"])  # 18:00
    sheet.write_datetime(3, 1, datetime(2026, 3, 5, 9, 30, 15), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_string(3, 0, "c2")
    sheet.write_string(3, 2, "ad")
    sheet.write_row(4, 0, ["c2", "2026-03-05T10:00:00+08:00", "view"])
    sheet.write_row(5, 0, ["c3", 12345, "ad"])  # not a time: serial numbers before 1968 are not read
    book.close()
    m = parse_model("name: s\nstages:\n  - {id: a, touchpoints: [ad]}\n  - {id: b, touchpoints: [view]}\n")
    t = read_events([str(path)], m)
    assert t.frame["timestamp"].to_list() == [
        datetime(2026, 3, 4, 12),
        datetime(2026, 3, 4, 18),
        datetime(2026, 3, 5, 9, 30, 15),  # the cell's value, not its format's
        datetime(2026, 3, 5, 2),
    ]
    assert t.rejected == {"bad timestamp": 1}


def test_a_workbook_named_csv_is_read_as_a_workbook(cli, files, tmp_path):
    model, book, csv = files
    disguised = tmp_path / "export.csv"
    disguised.write_bytes(book.read_bytes())
    r = cli("map", disguised, "-m", model, "-f", "json", "-q")
    assert r.exit_code == 0
    assert (
        r.stdout.replace(f"{disguised} [明细]: row", f"{csv}: line")
        == cli("map", csv, "-m", model, "-f", "json", "-q").stdout
    )


def numbers_file(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("Index/Document.iwa", b"\x00\x01binary")


@pytest.mark.parametrize(
    ("name", "make", "what"),
    [
        ("events.numbers", numbers_file, "an Apple Numbers file"),
        ("events.csv", numbers_file, "a zip archive"),
        ("report.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "a PDF document"),
        ("image.csv", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a binary file"),
    ],
)
def test_other_binary_files_get_one_line_saying_what_to_save_as(cli, files, tmp_path, name, make, what):
    model = files[0]
    path = tmp_path / name
    make(path)
    r = cli("map", path, "-m", model)
    assert r.exit_code == 4 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        f"cjtool: error: {path}: {what}, not CSV text or an Excel workbook; "
        "save it as CSV (UTF-8) or as an Excel workbook (.xlsx) and give that file"
    ]


def test_a_broken_workbook_is_a_data_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    m = parse_model(MODEL)
    with pytest.raises(DataError, match=r"broken.xlsx: not a readable Excel workbook \("):
        map_journey([str(path)], m)


def test_spark_refuses_a_workbook_before_starting(files, monkeypatch):
    from cjtool import spark

    monkeypatch.setattr(spark, "start_session", lambda *a, **k: pytest.fail("Spark started"))
    model, book, _ = files
    with pytest.raises(UsageError, match=r"--engine spark reads CSV and Parquet, not Excel workbooks"):
        spark.map_spark([str(book)], parse_model(MODEL))


def test_every_reading_command_takes_a_workbook(cli, files, tmp_path):
    model, book, _ = files
    for command in (
        ["validate"],
        ["paths", "-q"],
        ["moments", "-q"],
        ["customers", "-f", "csv", "-q"],
        ["check", "-q", "--max-rejected", "50%"],
    ):
        r = cli(*command, book, "-m", model, "--sheet", "明细")
        assert r.exit_code in (0, 1), (command, r.output)  # check: 1 when a gate fails (none here)


def test_a_cell_of_another_type_after_the_first_thousand_rows(cli, tmp_path):
    """calamine guesses a column's type from its first 1,000 rows: a text id, an `N/A`
    score and a text date further down are read as they are, not lost."""
    rows = [(1000 + i, datetime(2026, 3, 4, 9, i % 60), "浏览", "小程序", 1 + i % 5, None, None) for i in range(1200)]
    rows += [
        ("A-7", "2026-03-06 08:00", "下单", "APP", "N/A", "12.5", None),  # text among numbers and date cells
        (1001, datetime(2026, 3, 6, 9, 0), "下单", "APP", 9, 20, None),
    ]
    book, csv = tmp_path / "late.xlsx", tmp_path / "late.csv"
    write_book(book, rows, blank_rows=0)
    write_csv(csv, rows, blank_rows=0)
    model = tmp_path / "m.yaml"
    model.write_text(MODEL, encoding="utf-8")
    want = cli("map", csv, "-m", model, "-f", "json", "-q").stdout
    got = cli("map", book, "-m", model, "-f", "json", "-q").stdout
    assert got.replace(f"{book} [明细]: row", f"{csv}: line") == want
    d = json.loads(got)
    assert d["rows"]["read"] == 1202 and d["rows"]["rejected"] == 0 and d["customers"]["total"] == 1201
    assert f"(the first: 'N/A' at {book} [明细]: row 1202)" in got


def test_sheet_on_a_csv_file_is_a_warning(cli, files):
    model, _, csv = files
    r = cli("map", csv, "-m", model, "--sheet", "明细", "-f", "json")
    assert r.exit_code == 0
    assert f"cjtool: warning: {csv}: --sheet is for Excel workbooks; this CSV file is read as it is" in r.stderr
