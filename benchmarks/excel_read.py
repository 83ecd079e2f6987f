#!/usr/bin/env python3
"""How long `cjtool map` takes on an Excel workbook, against fastexcel alone reading its sheet.

    python benchmarks/excel_read.py                       # 1M rows: writes benchmarks/data/events_1m.xlsx once
    python benchmarks/excel_read.py --rows 50_000 --repeat 1

The workbook is an AIPL log from ``generate.py`` as an Excel export holds it: customer ids
stored as numbers, real date cells (yyyy-mm-dd hh:mm:ss), scores as numbers, empty cells
where a score is missing. The floor is what any tool must do: fastexcel (calamine) reading
the sheet into a polars frame with its default types. The goal (issue 20): the whole map
within 1.5x of the floor. Each timing is the best of --repeat runs, in this process after
one warm-up of each (imports and the file in the page cache).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import as_csv, generate_chunk  # noqa: E402

from cjtool.api import map_journey  # noqa: E402
from cjtool.model import load_model  # noqa: E402


def write_workbook(path: Path, rows: int, seed: int = 7) -> None:
    """The log as an Excel export (xlsxwriter, constant memory: row by row)."""
    import xlsxwriter

    frame, _ = generate_chunk(seed, 0, rows, 0, "time")
    frame = as_csv(frame).with_columns(
        pl.col("customer_id").str.slice(1).cast(pl.Int64),  # ids Excel stored as numbers
        pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None),
    )
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("events")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        cid, ts, tp, ch, sat, nps, eff = row
        sheet.write_number(r, 0, cid)
        sheet.write_datetime(r, 1, ts, when)
        sheet.write_string(r, 2, tp)
        sheet.write_string(r, 3, ch)
        for c, v in ((4, sat), (5, nps), (6, eff)):
            if v is not None:
                sheet.write_number(r, c, v)
    book.close()
    tmp.rename(path)


def best(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    ap.add_argument("--out", type=Path, default=None, help="the workbook (default benchmarks/data/events_<n>.xlsx)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    path = args.out or HERE / "data" / f"events_{args.rows}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        write_workbook(path, args.rows)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")

    import fastexcel

    model = load_model("aipl")
    floor = best(lambda: fastexcel.read_excel(path).load_sheet(0).to_polars(), args.repeat)
    as_text = best(lambda: fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_polars(), args.repeat)
    result = map_journey([str(path)], model)
    mapped = best(lambda: map_journey([str(path)], model), args.repeat)
    print(f"rows {result.rows_read:,}, customers {result.customers_total:,}")
    print(f"fastexcel, default types (the floor): {floor:6.2f} s")
    print(f"fastexcel, every cell as text:        {as_text:6.2f} s")
    print(f"cjtool map (api.map_journey):         {mapped:6.2f} s  = {mapped / floor:.2f}x the floor (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
