"""A stored map JSON (`cjtool map -f json`, e.g. a CI artifact of the last release) read
back as a JourneyMap, so it can be the baseline of a comparison (SPEC 10).

The map JSON carries each stage's and touchpoint's sufficient statistics (`sums`: counts,
sums and sums of squares of scores) next to the customers and exits the proportion tests
need; nothing else is required.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from cjtool.errors import DataError
from cjtool.i18n import say
from cjtool.metrics import SCORE_SCALE
from cjtool.model import JourneyModel
from cjtool.result import SCHEMA, JourneyMap, Scores, ScoreSums, StageMetrics, TouchpointMetrics


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


MAX_COUNT = 2**63 - 1  # counts are int64 in a map


class _Bad(Exception):
    """The first key of a damaged baseline (its path, as `stages[2].sums.nps.n`) and why."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(path, why)
        self.path, self.why = path, why


def _checked(doc: dict[str, Any]) -> None:
    """A hand-edited or damaged baseline refused at its first bad key (``_Bad``): numbers
    that are not finite, counts that are not whole, negative or past int64, counts above
    what contains them, and score sums no set of answers can have."""
    for path, value in _numbers(doc):
        if isinstance(value, float) and not math.isfinite(value):
            raise _Bad(path, say("bm_not_finite", value=value))
    rows, events, customers = doc.get("rows") or {}, doc.get("events") or {}, doc.get("customers") or {}
    _count(rows, "read", "rows")
    for key in ("assigned", "unassigned"):
        _count(events, key, "events")
    total = _count(customers, "total", "customers")
    entered = _count(customers, "entered", "customers", at_most=(total, "customers.total"))
    _count(customers, "completed", "customers", at_most=(entered, "customers.entered"))
    for k, st in enumerate(doc.get("stages") or []):
        where = f"stages[{k}]"
        n = _count(st, "customers", where, at_most=(entered, "customers.entered"))
        _count(st, "drop_off", where, at_most=(n, f"{where}.customers"), null=True)  # null: the last stage
        _count(st, "in_progress", where, at_most=(n, f"{where}.customers"), optional=True)
        _count(st, "events", where, optional=True)
        _score_sums(st, where)
    for k, tp in enumerate(doc.get("touchpoints") or []):
        where = f"touchpoints[{k}]"
        n = _count(tp, "customers", where, at_most=(total, "customers.total"))
        _count(tp, "exits", where, at_most=(n, f"{where}.customers"))
        _count(tp, "events", where)
        _score_sums(tp, where)


def _numbers(doc: Any) -> Any:
    """(path, value) of every number in ``doc``, in document order (no recursion)."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(reversed([(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", v) for i, v in enumerate(value)]))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield path, value


def _count(
    d: Any, key: str, where: str, *, at_most: tuple[int, str] | None = None, optional: bool = False, null: bool = False
) -> int:
    """``d[key]``, a whole number from 0 to int64's largest (and to ``at_most``'s value);
    ``optional``: may be left out, ``null``: may be null (0 returned for both)."""
    path = f"{where}.{key}"
    if not isinstance(d, dict) or key not in d:
        if optional:
            return 0
        raise KeyError(key)  # an incomplete map: told as such
    value = d[key]
    if value is None and null:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(path, say("bm_not_whole", value=_shown(value)))
    if not 0 <= value <= MAX_COUNT:
        raise _Bad(path, say("bm_not_count", value=_shown(value), max=f"{MAX_COUNT:,}"))
    if at_most is not None and value > at_most[0]:
        raise _Bad(path, say("bm_more_than", value=f"{value:,}", what=at_most[1], limit=f"{at_most[0]:,}"))
    return value


def _score_sums(d: dict[str, Any], where: str) -> None:
    """Counts, sums and sums of squares of a stage's or touchpoint's answers: whole
    counts, and n * sum of squares >= sum^2 (no negative variance); none without answers."""
    sums = d.get("sums")
    if not isinstance(sums, dict):
        raise KeyError("sums")
    for score in ("satisfaction", "effort"):
        at = f"{where}.sums.{score}"
        n = _count(sums.get(score), "n", at)
        part = sums[score]
        total, sq = part.get("sum"), part.get("sum_sq")
        for key, x in (("sum", total), ("sum_sq", sq)):
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise _Bad(f"{at}.{key}", say("bm_not_number", value=_shown(x)))
        assert isinstance(total, (int, float)) and isinstance(sq, (int, float))
        if sq < 0:
            raise _Bad(f"{at}.sum_sq", say("bm_negative_sq", value=repr(sq)))
        if n == 0 and (total or sq):
            raise _Bad(f"{at}.sum", say("bm_sum_no_answers"))
        # Cauchy-Schwarz: sum^2 <= n * sum of squares; a float sum of squares keeps 16 digits
        if n and Fraction(total) ** 2 > Fraction(sq) * n * (1 + Fraction(1, 10**12)):
            raise _Bad(
                f"{at}.sum_sq",
                say("bm_impossible", value=repr(sq), bound=f"{float(Fraction(total) ** 2 / n):.6g}"),
            )
    at = f"{where}.sums.nps"
    n = _count(sums.get("nps"), "n", at)
    promoters = _count(sums["nps"], "promoters", at, at_most=(n, f"{at}.n"))
    _count(sums["nps"], "detractors", at, at_most=(n - promoters, f"{at}.n - promoters"))


def _shown(value: Any) -> str:
    text = (
        json.dumps(value)
        if not isinstance(value, int) or abs(value) < 10**30
        else say("bm_digits", n=len(str(abs(value))))
    )
    return text if len(text) <= 40 else text[:37] + "..."


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.removesuffix("Z"))


def map_from_dict(doc: Any, model: JourneyModel, source: str = "baseline") -> JourneyMap:
    """The JourneyMap a `cjtool.map/2` document describes, checked against ``model``:
    same schema, model name and stage ids, with the `sums` a comparison needs."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        found = doc.get("schema") if isinstance(doc, dict) else None
        raise DataError(say("bm_not_map", source=source, found=repr(found), expected=repr(SCHEMA)), hint=say("bm_how"))
    if doc.get("model") != model.name:
        raise DataError(
            say("bm_other_model", source=source, found=doc.get("model"), model=model.name),
            hint=say("bm_other_model_hint"),
        )
    for key, kind in (("rows", dict), ("events", dict), ("customers", dict), ("stages", list), ("touchpoints", list)):
        value = doc.get(key)
        if value is None:
            continue  # told below as an incomplete map
        if not isinstance(value, kind) or (kind is list and not all(isinstance(x, dict) for x in value)):
            what = say("bm_an_object" if kind is dict else "bm_a_list")
            raise DataError(say("bm_expected", source=source, key=key, what=what), hint=say("bm_how"))
    ids = [s.id for s in model.stages]
    found_ids = [s.get("id") for s in doc.get("stages", [])]
    if found_ids != ids:
        raise DataError(
            say("bm_stages_differ", source=source, found=", ".join(map(str, found_ids)), ids=", ".join(ids)),
            hint=say("bm_stages_hint"),
        )
    try:
        _checked(doc)
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
    except _Bad as bad:
        raise DataError(say("bm_damaged", source=source, path=bad.path, why=bad.why), hint=say("bm_how")) from None
    except (KeyError, TypeError, ValueError) as exc:
        what = say("bm_no_key", key=exc.args[0]) if isinstance(exc, KeyError) else str(exc)
        raise DataError(say("bm_incomplete", source=source, what=what), hint=say("bm_how")) from None


def read_baseline_map(path: str | Path, model: JourneyModel) -> JourneyMap:
    """``map_from_dict`` of a JSON file; a missing or unreadable file is a data error."""
    name = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(say("bm_no_file", name=name), hint=say("bm_how")) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: JSON, or an integer of 4,300+ digits
        why = str(exc).splitlines()[0][:200]
        raise DataError(say("bm_cannot_read", name=name, why=why), hint=say("bm_how")) from None
    except RecursionError:
        raise DataError(say("bm_cannot_read", name=name, why=say("bm_too_deep")), hint=say("bm_how")) from None
    return map_from_dict(doc, model, name)
