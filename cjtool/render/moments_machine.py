"""Key moments as JSON (SPEC section 15, ``cjtool.moments/1``) and CSV (one row per moment,
the satisfaction effect flattened into ``sat_*`` columns)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cjtool.analyses.moments import CAUSATION_NOTE, MomentsResult
from cjtool.render.machine import neutralise
from cjtool.safe_text import csv_lines

CSV_COLUMNS = [
    "stage",
    "stage_label",
    "touchpoint",
    "n",
    "a",
    "b",
    "c",
    "d",
    "conversion_exposed",
    "conversion_other",
    "lift",
    "odds_ratio",
    "ci95_low",
    "ci95_high",
    "p_value",
    "p_adjusted",
    "significant",
    "confident",
    "flags",
    "satisfaction",
    "responses",
    "sat_n_satisfied",
    "sat_n_dissatisfied",
    "sat_diff",
    "sat_ci95_low",
    "sat_ci95_high",
    "sat_test",
    "sat_p_value",
    "sat_p_adjusted",
    "sat_significant",
    "note",
]
_TEXT = {"stage", "stage_label", "touchpoint", "flags"}


def to_json(result: MomentsResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _row(m: dict[str, Any], label: str) -> dict[str, Any]:
    e = m["satisfaction_effect"] or {}
    sat_ci = e.get("ci95") or [None, None]
    return {
        **m,
        "stage_label": label,
        "ci95_low": m["ci95"][0],
        "ci95_high": m["ci95"][1],
        "flags": " ".join(m["flags"]),
        "sat_n_satisfied": e.get("n_satisfied"),
        "sat_n_dissatisfied": e.get("n_dissatisfied"),
        "sat_diff": e.get("diff"),
        "sat_ci95_low": sat_ci[0],
        "sat_ci95_high": sat_ci[1],
        "sat_test": e.get("test"),
        "sat_p_value": e.get("p_value"),
        "sat_p_adjusted": e.get("p_adjusted"),
        "sat_significant": e.get("significant"),
        "note": CAUSATION_NOTE,
    }


def _cell(value: Any, column: str, sanitize: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return neutralise(text) if sanitize and column in _TEXT else text


def to_csv(result: MomentsResult, lang: str = "en", sanitize: bool = True) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in result.to_dict()["moments"]:
        row = _row(m, result.stage_label(m["stage"], lang))
        writer.writerow([_cell(row.get(c), c, sanitize) for c in CSV_COLUMNS])
    return csv_lines(buf.getvalue())
