"""A slow, obvious reference implementation of the metric contract (SPEC.md sections 1-6).

It is written straight from the SPEC, one rule at a time, in plain Python (no polars), so
the engine in ``cjtool`` can be checked against it (tests/test_differential.py) and the
hand-computed examples in tests/test_spec_rules.py can be checked against both.

``reference_map(rows, model)`` takes the input rows as dicts (role -> text or None, in
input order) and returns the JSON object of SPEC section 7.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from cjtool.errors import DataError
from cjtool.model import JourneyModel, Scale

SCHEMA = "cjtool.map/2"
NPS_SCALE = Scale(0, 10)
REVENUE_SCALE = Scale(float("-inf"), float("inf"))  # any finite number (SPEC 14)


# --------------------------------------------------------------------------- section 1: events


def is_blank(value: str | None) -> bool:
    """Missing or (Unicode) white space only."""
    return value is None or value.strip() == ""


def is_blank_row(row: dict[str, str | None]) -> bool:
    """v2: a row whose fields are all blank (an empty line, Excel's `,,,,`) is no event."""
    return all(is_blank(v) for v in row.values())


# v2: dates as Excel shows them in Chinese locales: 2026/3/4, 2026/3/4 9:05, 2026/3/4 9:05:07
_EXCEL_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_timestamp(value: str | None, timezone: str | None = None) -> datetime | None:
    """ISO 8601 date or date-time (or v2's YYYY/M/D [H:MM[:SS]]) -> an aware UTC
    datetime; None when unparseable.

    An offset (`Z`, `+08:00`) is converted to UTC; a value without one is taken as UTC, or
    in ``timezone`` (the model's `timezone:`): a wall time that occurs twice is the earlier
    instant, one that never occurs (a daylight-saving gap) is unparseable."""
    if value is None:
        return None
    text = value.strip()
    excel = _EXCEL_DATE.match(text)
    try:
        when = datetime(*(int(p or 0) for p in excel.groups())) if excel else datetime.fromisoformat(text)  # type: ignore[misc]
    except ValueError:
        return None
    if when.tzinfo is not None:
        return when.astimezone(UTC)
    if timezone is None:
        return when.replace(tzinfo=UTC)
    zone = ZoneInfo(timezone)
    instant = when.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the earlier of two
    if instant.astimezone(zone).replace(tzinfo=None) != when:  # no such wall time: a gap
        return None
    return instant


def parse_score(value: str | None, scale: Scale) -> float | None:
    """A valid score: a finite number (v2: NFKC-normalised, so ４．５ is 4.5; read to 6
    decimals) within the scale (inclusive); otherwise None (missing)."""
    if value is None or is_blank(value):
        return None
    try:
        x = round(float(unicodedata.normalize("NFKC", value)), 6)
    except ValueError:
        return None
    if not math.isfinite(x):
        return None
    if x < scale.min or x > scale.max:
        return None
    return x


def exact_score(value: str | None, scale: Scale) -> Fraction | None:
    """The same valid score as an exact fraction (its 6-decimal value taken literally)."""
    x = parse_score(value, scale)
    return None if x is None else Fraction(repr(x))


class Event:
    """One accepted input row."""

    def __init__(self, position: int, row: dict[str, str | None], when: datetime, model: JourneyModel) -> None:
        customer, touchpoint = row["customer_id"], row["touchpoint"]
        assert customer is not None and touchpoint is not None  # rows without them are rejected
        self.position = position  # input order
        self.customer: str = customer
        self.when = when
        self.touchpoint: str = touchpoint
        self.channel = row.get("channel")
        self.satisfaction = parse_score(row.get("satisfaction"), model.satisfaction_scale)
        self.satisfaction_exact = exact_score(row.get("satisfaction"), model.satisfaction_scale)
        self.nps = parse_score(row.get("nps"), NPS_SCALE)
        self.effort = parse_score(row.get("effort"), model.effort_scale)
        self.revenue = parse_score(row.get("revenue"), REVENUE_SCALE)
        self.stage: int | None = None  # 1..K, or None when unassigned
        self.occurrence = 0  # the customer's n-th accepted event at this touchpoint (section 2, v2)

    def order_key(self) -> tuple[datetime, int]:
        return (self.when, self.position)

    def dedupe_key(self) -> tuple:
        """Every role's parsed value (v2 `dedupe:`); a new role (revenue) belongs here."""
        return (
            self.customer,
            self.when,
            self.touchpoint,
            self.channel,
            self.satisfaction,
            self.nps,
            self.effort,
            self.revenue,
        )


# --------------------------------------------------------------------------- section 2: stages


def stage_matches(stage, event: Event) -> bool:
    by_name = event.touchpoint in stage.touchpoints
    by_occurrence = any(
        event.touchpoint == o.name and (event.occurrence >= o.n if o.or_later else event.occurrence == o.n)
        for o in stage.occurrences
    )
    by_regex = stage.match is not None and re.search(stage.match, event.touchpoint) is not None
    by_channel = stage.channels is None or event.channel in stage.channels
    return (by_name or by_occurrence or by_regex) and by_channel


def number_occurrences(events: list[Event]) -> None:
    """Each event's number among its customer's accepted events at its touchpoint, in
    (timestamp, input order), whatever the channel."""
    seen: dict[tuple[str, str], int] = {}
    for e in sorted(events, key=Event.order_key):
        key = (e.customer, e.touchpoint)
        seen[key] = seen.get(key, 0) + 1
        e.occurrence = seen[key]


def assign_stage(model: JourneyModel, event: Event) -> int | None:
    for index, stage in enumerate(model.stages, start=1):
        if stage_matches(stage, event):
            return index  # the first stage, in model order, that matches
    return None


# --------------------------------------------------------------------------- section 3: depth


def ordered_chain(events: list[Event], K: int, window_s: float | None, same_time: str = "any_order") -> list[Event]:
    """The chain events (e_1, ..., e_depth) of one customer in ordered mode ([] for depth 0).

    For every start s in E_1 build the chain greedily; the depth is the longest chain, and
    the chain kept is the one from the earliest start that reaches that depth. With
    any_order the next step is the earliest stage-k event at or after the previous one's
    time (the first in input order among equal times); with input_order, the first
    stage-k event after the previous step in (timestamp, input order)."""
    E = {k: sorted((e for e in events if e.stage == k), key=Event.order_key) for k in range(1, K + 1)}
    best: list[Event] = []
    for s in E[1]:
        chain = [s]
        for k in range(2, K + 1):
            prev = chain[-1]
            if same_time == "input_order":
                later = [e for e in E[k] if e.order_key() > prev.order_key()]
            else:
                later = [e for e in E[k] if e.when >= prev.when]
            if not later:
                break
            nxt = later[0]
            if window_s is not None and (nxt.when - s.when).total_seconds() > window_s:
                break
            chain.append(nxt)
        if len(chain) > len(best):  # strictly longer: ties keep the earlier start
            best = chain
    return best


def furthest_depth(events: list[Event]) -> int:
    return max((e.stage for e in events if e.stage is not None), default=0)


# --------------------------------------------------------------------------- section 6: scores


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    if n % 2 == 1:
        return float(v[n // 2])
    return (v[n // 2 - 1] + v[n // 2]) / 2


def nps_of(values: list[float]) -> float | None:
    if not values:
        return None
    promoters = sum(1 for x in values if 9 <= x <= 10)
    detractors = sum(1 for x in values if 0 <= x <= 6)
    return 100 * (promoters - detractors) / len(values)


def scores(events: list[Event]) -> dict:
    sat = [e.satisfaction for e in events if e.satisfaction is not None]
    return {
        "satisfaction": mean(sat),
        "responses": len(sat),
        "nps": nps_of([e.nps for e in events if e.nps is not None]),
        "effort": mean([e.effort for e in events if e.effort is not None]),
    }


# --------------------------------------------------------------------------- the whole map


def accepted_events(rows: list[dict[str, str | None]], model: JourneyModel) -> tuple[list[Event], int, int, int]:
    """Section 1: (accepted events, rejected, blank, duplicates). Blank rows are skipped,
    rows without id, touchpoint or readable time rejected; v2: duplicates skipped."""
    accepted: list[Event] = []
    rejected = blank = duplicates = 0
    seen: set[tuple] = set()
    any_time = False
    for position, row in enumerate(rows):
        if is_blank_row(row):
            blank += 1
            continue
        when = parse_timestamp(row.get("timestamp"), model.timezone)
        any_time = any_time or when is not None
        if is_blank(row.get("customer_id")) or is_blank(row.get("touchpoint")) or when is None:
            rejected += 1
            continue
        event = Event(position, row, when, model)
        if model.dedupe:
            if event.dedupe_key() in seen:
                duplicates += 1
                continue
            seen.add(event.dedupe_key())
        accepted.append(event)
    if blank < len(rows) and not any_time:  # v2: no readable timestamp in the file
        raise DataError("no timestamp could be read")
    return accepted, rejected, blank, duplicates


def reference_map(rows: list[dict[str, str | None]], model: JourneyModel) -> dict:
    K = len(model.stages)

    # 1. events: skip blank rows, reject rows, parse the rest; v2: skip duplicates
    accepted, rejected, blank, duplicates = accepted_events(rows, model)

    # 2. stage assignment
    number_occurrences(accepted)
    for e in accepted:
        e.stage = assign_stage(model, e)
    assigned = [e for e in accepted if e.stage is not None]
    unassigned = [e for e in accepted if e.stage is None]

    customers = sorted({e.customer for e in assigned})
    by_customer = {c: sorted((e for e in assigned if e.customer == c), key=Event.order_key) for c in customers}

    # 3. depth (and, in ordered mode, the chain)
    depth: dict[str, int] = {}
    chain: dict[str, list[datetime]] = {}
    for c in customers:
        if model.mode == "ordered":
            chain[c] = [e.when for e in ordered_chain(by_customer[c], K, model.window_s, model.same_time)]
            depth[c] = len(chain[c])
        else:
            depth[c] = furthest_depth(by_customer[c])

    # 4. stage metrics
    reached = [sum(1 for c in customers if depth[c] >= k) for k in range(1, K + 1)]
    stages = []
    for k in range(1, K + 1):
        stage = model.stages[k - 1]
        c_k = reached[k - 1]
        prev = reached[k - 2] if k >= 2 else None
        first = reached[0]
        nxt = reached[k] if k < K else None
        median_time = None
        if k >= 2 and model.mode == "ordered":
            gaps = [(chain[c][k - 1] - chain[c][k - 2]).total_seconds() for c in customers if depth[c] >= k]
            median_time = median(gaps)
        stages.append(
            {
                "id": stage.id,
                "label": stage.label.get("en"),
                "customers": c_k,
                "conversion_from_previous": c_k / prev if prev else None,
                "conversion_from_first": c_k / first if first else None,
                "drop_off": c_k - nxt if nxt is not None else None,
                "median_time_to_convert_s": median_time,
                **scores([e for e in assigned if e.stage == k]),
            }
        )

    # 5. touchpoint metrics
    # v2 exits: the last event of the deepest stage reached, for customers of depth 1..K-1
    exit_event = {c: [e for e in by_customer[c] if e.stage == depth[c]][-1] for c in customers if 1 <= depth[c] < K}
    pairs: list[tuple[int, str]] = sorted({(e.stage, e.touchpoint) for e in assigned if e.stage is not None})
    sat_scale = model.satisfaction_scale
    wd, ws = model.weight_drop_off, model.weight_dissatisfaction
    touchpoints = []
    for k, tp in pairs:
        events = [e for e in assigned if e.stage == k and e.touchpoint == tp]
        who = {e.customer for e in events}
        exits = sum(1 for c in who if c in exit_event and exit_event[c].stage == k and exit_event[c].touchpoint == tp)
        drop_off_rate = exits / len(who)
        sc = scores(events)
        # priority in exact arithmetic: pairs whose priorities are equal must tie exactly (and
        # go on to the next sort keys) whatever the floating-point rounding would say
        rate = Fraction(exits, len(who))
        sat = [e.satisfaction_exact for e in events if e.satisfaction_exact is not None]
        if not sat:
            priority = rate
        else:
            satisfaction = sum(sat, Fraction(0)) / len(sat)
            lo, hi = Fraction(sat_scale.min), Fraction(sat_scale.max)
            dissatisfaction = 1 - (satisfaction - lo) / (hi - lo)
            priority = (Fraction(wd) * rate + Fraction(ws) * dissatisfaction) / (Fraction(wd) + Fraction(ws))
        touchpoints.append(
            {
                "stage": model.stages[k - 1].id,
                "touchpoint": tp,
                "events": len(events),
                "customers": len(who),
                "exits": exits,
                "drop_off_rate": drop_off_rate,
                **sc,
                "priority": float(priority),
                "rank": None,
                "_stage_index": k,
                "_priority": priority,
            }
        )

    def tie_order(t: dict) -> tuple:
        # priority desc, exits desc, customers desc, stage index asc, touchpoint asc (code point)
        return (-t["_priority"], -t["exits"], -t["customers"], t["_stage_index"], t["touchpoint"])

    ranked = sorted((t for t in touchpoints if t["customers"] >= model.min_customers), key=tie_order)
    unranked = sorted((t for t in touchpoints if t["customers"] < model.min_customers), key=tie_order)
    for rank, t in enumerate(ranked, start=1):
        t["rank"] = rank
    touchpoints = ranked + unranked
    for t in touchpoints:
        del t["_stage_index"], t["_priority"]

    # unassigned touchpoints: events desc, then name asc
    counts: dict[str, int] = {}
    for e in unassigned:
        counts[e.touchpoint] = counts.get(e.touchpoint, 0) + 1
    unassigned_touchpoints = [
        {"touchpoint": name, "events": n} for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]

    # 6. SPEC 17 opportunities, the obvious way: every ranked pair of a stage before the last,
    # against its target or the median drop-off rate of its stage's ranked pairs
    opportunities = []
    targets = dict(model.targets)
    index = {st.id: k for k, st in enumerate(model.stages, start=1)}
    for t in ranked:
        k = index[t["stage"]]
        if k == K:
            continue
        rates = [Fraction(u["exits"], u["customers"]) for u in ranked if u["stage"] == t["stage"]]
        bench = targets.get(t["touchpoint"], statistics.median(rates))
        at_stake = t["exits"] - bench * t["customers"]
        if at_stake <= 0:
            continue
        completions = at_stake * reached[K - 1] / reached[k] if reached[k] else Fraction(0)
        opportunities.append((-completions, -at_stake, t["rank"], t, bench, at_stake, completions))
    opportunities.sort(key=lambda o: o[:3])

    # 7. the JSON object
    return {
        "schema": SCHEMA,
        "model": model.name,
        "mode": model.mode,
        "window_s": model.window_s,
        "rows": {"read": len(rows) - blank, "rejected": rejected, "blank": blank, "duplicates": duplicates},
        "events": {"assigned": len(assigned), "unassigned": len(unassigned)},
        "customers": {
            "total": len(customers),
            "entered": sum(1 for c in customers if depth[c] >= 1),
            "completed": sum(1 for c in customers if depth[c] == K),
        },
        "stages": stages,
        "touchpoints": touchpoints,
        "unassigned_touchpoints": unassigned_touchpoints,
        "opportunities": [
            {
                "stage": t["stage"],
                "touchpoint": t["touchpoint"],
                "drop_off_rate": t["drop_off_rate"],
                "benchmark": float(bench),
                "benchmark_from": "target" if t["touchpoint"] in targets else "median",
                "customers_at_stake": float(at_stake),
                "completions_at_stake": float(completions),
            }
            for *_, t, bench, at_stake, completions in opportunities
        ],
    }
