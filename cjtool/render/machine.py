"""Machine formats: JSON (SPEC section 7), CSV (one table) and their helpers.

Output is deterministic: same input, same bytes (sorted where order is not fixed by
the SPEC, full float precision via repr, no timestamps of the run itself)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cjtool.result import JourneyMap
from cjtool.safe_text import cell, csv_lines

# OWASP: text cells starting with these can run as spreadsheet formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

STAGE_COLUMNS = [
    "index",
    "id",
    "label",
    "customers",
    "conversion_from_previous",
    "conversion_from_first",
    "drop_off",
    "median_time_to_convert_s",
    "events",
    "satisfaction",
    "responses",
    "nps",
    "effort",
]
TOUCHPOINT_COLUMNS = [
    "rank",
    "stage",
    "stage_label",
    "touchpoint",
    "events",
    "customers",
    "exits",
    "drop_off_rate",
    "satisfaction",
    "responses",
    "nps",
    "effort",
    "priority",
]
_TEXT_COLUMNS = {"id", "label", "stage", "stage_label", "touchpoint"}


OPPORTUNITY_COLUMNS = [
    "order",
    "stage",
    "stage_label",
    "touchpoint",
    "drop_off_rate",
    "benchmark",
    "benchmark_from",
    "customers_at_stake",
    "completions_at_stake",
    "revenue_at_stake",
]


def to_json(result: JourneyMap, lang: str = "en") -> str:
    return json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def neutralise(value: str) -> str:
    """A text cell safe to open in a spreadsheet and to print in a CI log: control
    characters as visible escapes (``cjtool.safe_text.cell``; ``csv_lines`` quotes a first
    field starting with `::`), and a leading `'` on a cell a spreadsheet would run as a formula."""
    value = cell(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell(value: Any, column: str, sanitize: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return neutralise(text) if sanitize and column in _TEXT_COLUMNS else text


def table_rows(result: JourneyMap, table: str, lang: str = "en") -> tuple[list[str], list[dict[str, Any]]]:
    d = result.to_dict(lang)
    if table == "stages":
        rows = [{"index": i, **s} for i, s in enumerate(d["stages"], start=1)]
        return STAGE_COLUMNS, rows
    labels = {s["id"]: s["label"] for s in d["stages"]}
    if table == "opportunities":  # SPEC 17, in its order
        rows = [{"order": i, **o, "stage_label": labels[o["stage"]]} for i, o in enumerate(d["opportunities"], 1)]
        return OPPORTUNITY_COLUMNS, rows
    rows = [{**t, "stage_label": labels[t["stage"]]} for t in d["touchpoints"]]
    return TOUCHPOINT_COLUMNS, rows


def to_csv(result: JourneyMap, table: str = "touchpoints", lang: str = "en", sanitize: bool = True) -> str:
    columns, rows = table_rows(result, table, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), c, sanitize) for c in columns])
    return csv_lines(buf.getvalue())
