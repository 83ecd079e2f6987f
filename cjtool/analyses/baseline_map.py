"""A stored map JSON (`cjtool map -f json`, e.g. a CI artifact of the last release) read
back as a JourneyMap, so it can be the baseline of a comparison (SPEC 10).

The map JSON carries each stage's and touchpoint's sufficient statistics (`sums`: counts,
sums and sums of squares of scores) next to the customers and exits the proportion tests
need; nothing else is required.
"""

from __future__ import annotations

import json
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from cjtool.errors import DataError
from cjtool.metrics import SCORE_SCALE
from cjtool.model import JourneyModel
from cjtool.result import SCHEMA, JourneyMap, Scores, ScoreSums, StageMetrics, TouchpointMetrics

HOW = "write it with `cjtool map EVENTS -m MODEL -f json -o FILE`"


def _units(x: Any, scale: int) -> int:
    """A sum written in score units back in whole units of 1/scale (exact while the
    float holds it; a sum of squares past 2^53 keeps 16 significant digits)."""
    return round(Fraction(repr(float(x))) * scale)


def _sums(d: dict[str, Any]) -> ScoreSums:
    sat, eff, nps = d["satisfaction"], d["effort"], d["nps"]
    return ScoreSums(
        sat_units=_units(sat["sum"], SCORE_SCALE),
        sat_sq=_units(sat["sum_sq"], SCORE_SCALE**2),
        responses=int(sat["n"]),
        eff_units=_units(eff["sum"], SCORE_SCALE),
        eff_sq=_units(eff["sum_sq"], SCORE_SCALE**2),
        eff_n=int(eff["n"]),
        promoters=int(nps["promoters"]),
        detractors=int(nps["detractors"]),
        nps_n=int(nps["n"]),
    )


def _scores(d: dict[str, Any]) -> Scores:
    return Scores(d["satisfaction"], int(d["responses"]), d["nps"], d["effort"], _sums(d["sums"]))


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.removesuffix("Z"))


def map_from_dict(doc: Any, model: JourneyModel, source: str = "baseline") -> JourneyMap:
    """The JourneyMap a `cjtool.map/2` document describes, checked against ``model``:
    same schema, model name and stage ids, with the `sums` a comparison needs."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        found = doc.get("schema") if isinstance(doc, dict) else None
        raise DataError(f"{source}: not a map JSON (schema {found!r}, expected {SCHEMA!r})", hint=HOW)
    if doc.get("model") != model.name:
        raise DataError(
            f"{source}: a map of model `{doc.get('model')}`, not `{model.name}`",
            hint="compare with the same model the baseline was mapped with",
        )
    ids = [s.id for s in model.stages]
    found_ids = [s.get("id") for s in doc.get("stages", [])]
    if found_ids != ids:
        raise DataError(
            f"{source}: stages {', '.join(map(str, found_ids))} differ from the model's {', '.join(ids)}",
            hint="the model changed since the baseline was written; write the baseline again",
        )
    try:
        stages = [
            StageMetrics(
                index=k,
                id=s["id"],
                customers=int(s["customers"]),
                conversion_from_previous=s["conversion_from_previous"],
                conversion_from_first=s["conversion_from_first"],
                drop_off=s["drop_off"],
                median_time_to_convert_s=s["median_time_to_convert_s"],
                scores=_scores(s),
                events=int(s.get("events", 0)),
                in_progress=int(s.get("in_progress", 0)),
            )
            for k, s in enumerate(doc["stages"], start=1)
        ]
        touchpoints = [
            TouchpointMetrics(
                stage=t["stage"],
                stage_index=ids.index(t["stage"]) + 1,
                touchpoint=t["touchpoint"],
                events=int(t["events"]),
                customers=int(t["customers"]),
                exits=int(t["exits"]),
                drop_off_rate=float(t["drop_off_rate"]),
                scores=_scores(t),
                priority=float(t["priority"]),
                rank=t["rank"],
            )
            for t in doc["touchpoints"]
        ]
        period = doc.get("period")
        rows, customers = doc["rows"], doc["customers"]
        return JourneyMap(
            model=model,
            rows_read=int(rows["read"]),
            rejected=dict(rows.get("rejected_by_reason") or {}),
            events_assigned=int(doc["events"]["assigned"]),
            events_unassigned=int(doc["events"]["unassigned"]),
            customers_total=int(customers["total"]),
            customers_entered=int(customers["entered"]),
            customers_completed=int(customers["completed"]),
            stages=stages,
            touchpoints=touchpoints,
            unassigned=[(u["touchpoint"], int(u["events"])) for u in doc.get("unassigned_touchpoints", [])],
            period=None if not period else (_time(period["first"]), _time(period["last"])),  # type: ignore[arg-type]
            t_end=_time(doc.get("t_end")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        what = f"no `{exc.args[0]}` key" if isinstance(exc, KeyError) else str(exc)
        raise DataError(
            f"{source}: incomplete map JSON ({what}); a map written before the score `sums` were added cannot be a baseline",
            hint=HOW,
        ) from None


def read_baseline_map(path: str | Path, model: JourneyModel) -> JourneyMap:
    """``map_from_dict`` of a JSON file; a missing or unreadable file is a data error."""
    name = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{name}: no such baseline map file", hint=HOW) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{name}: cannot read the baseline map ({exc})", hint=HOW) from None
    return map_from_dict(doc, model, name)
