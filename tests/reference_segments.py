"""A slow, plain reference for SPEC 9 (segments): each customer's attribute value, the
segment order with `(other)` pooling, and each segment's map as SPEC 9 defines it: the
map (tests/reference.py) of the rows of that segment's customers alone."""

from __future__ import annotations

from tests.reference import accepted_events, assign_stage, is_blank, number_occurrences, reference_map

PERIOD_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m"}


def customer_values(rows: list[dict], model, by: str, customer_file: dict[str, str] | None = None) -> dict[str, str]:
    """Each customer of the run (an id with an assigned event) -> their value of ``by``."""
    events, *_ = accepted_events(rows, model)
    number_occurrences(events)
    assigned = [e for e in events if assign_stage(model, e) is not None]
    customers = sorted({e.customer for e in assigned})
    if customer_file is not None:
        return {c: customer_file.get(c) or "(none)" for c in customers}
    out = {}
    for c in customers:
        mine = sorted((e for e in assigned if e.customer == c), key=lambda e: (e.when, e.position))
        if by in PERIOD_FORMATS:
            out[c] = mine[0].when.strftime(PERIOD_FORMATS[by])
        else:
            values = [e.channel for e in mine if not is_blank(e.channel)]
            out[c] = values[0] if values else "(none)"
    return out


def reference_breakdown(rows: list[dict], model, by: str, limit: int = 10, customer_file=None) -> dict:
    values = customer_values(rows, model, by, customer_file)
    sizes: dict[str, int] = {}
    for v in values.values():
        sizes[v] = sizes.get(v, 0) + 1
    order = sorted(sizes, key=lambda v: (-sizes[v], v))
    groups = [(v, {c for c, x in values.items() if x == v}) for v in order]
    if len(order) > limit:
        kept = groups[: limit - 1]
        pooled = set().union(*(g for _, g in groups[limit - 1 :]))
        groups = [*kept, ("(other)", pooled)]
    return {
        "all": reference_map(rows, model),
        "segments": [
            {"value": v, "map": reference_map([r for r in rows if r.get("customer_id") in members], model)}
            for v, members in groups
        ],
    }
