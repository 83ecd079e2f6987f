"""A slow, obvious reference for SPEC sections 11 (paths) and 12 (channels), in plain
Python over the rows, written from the SPEC text (and section 16's settled readings).

``reference_paths(rows, model, steps)`` returns the JSON object of ``cjtool.paths/1``
(the keys the SPEC names, plus ``customers`` and ``backward`` as cjtool writes them).
Rows, stages and chains come from tests/reference.py (sections 1-3)."""

from __future__ import annotations

from fractions import Fraction

from cjtool.model import JourneyModel

try:
    from tests.reference import (
        Event,
        accepted_events,
        assign_stage,
        furthest_depth,
        is_blank,
        median,
        number_occurrences,
        ordered_chain,
    )
except ImportError:  # tests/ is not a package
    from reference import (  # type: ignore
        Event,
        accepted_events,
        assign_stage,
        furthest_depth,
        is_blank,
        median,
        number_occurrences,
        ordered_chain,
    )

PSEUDO_RANK = {"(start)": 0, "(converted)": 2, "(dropped)": 3, "(end)": 4}


def step_key(step: tuple) -> tuple:
    """(stage index or None, touchpoint or None) in SPEC 16 order."""
    stage, tp = step
    if stage is None:
        return (PSEUDO_RANK[tp], 0, "")
    return (1, stage, tp or "")


def collapse(events: list[Event], key) -> list[tuple[object, Event, Event]]:
    """Consecutive events with equal key(e) as one run: (key, first event, last event)."""
    runs: list[list] = []
    for e in events:
        if runs and runs[-1][0] == key(e):
            runs[-1][2] = e
        else:
            runs.append([key(e), e, e])
    return [tuple(r) for r in runs]  # type: ignore[misc]


def transitions(paths: dict[str, list], completed: dict[str, bool]) -> list[dict]:
    """``paths``: customer -> runs of steps (stage, touchpoint)."""
    acc: dict[tuple, dict] = {}

    def add(a, b, customer, gap):
        t = acc.setdefault((a, b), {"customers": set(), "transitions": 0, "gaps": []})
        t["customers"].add(customer)
        t["transitions"] += 1
        if gap is not None:
            t["gaps"].append(gap)

    for customer, runs in paths.items():
        add((None, "(start)"), runs[0][0], customer, None)
        for (a, _, last_a), (b, first_b, _) in zip(runs, runs[1:], strict=False):
            add(a, b, customer, (first_b.when - last_a.when).total_seconds())
        add(runs[-1][0], (None, "(converted)" if completed[customer] else "(dropped)"), customer, None)
    out = [
        {
            "from": a,
            "to": b,
            "customers": len(t["customers"]),
            "transitions": t["transitions"],
            "median_gap_s": median(t["gaps"]),
        }
        for (a, b), t in acc.items()
    ]
    out.sort(key=lambda t: (-t["transitions"], -t["customers"], step_key(t["from"]), step_key(t["to"])))
    return out


def solve_exact(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Gauss-Jordan elimination in fractions (the system is regular)."""
    n = len(rhs)
    a = [row[:] + [rhs[i]] for i, row in enumerate(rows)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[i][n] / a[i][i] for i in range(n)]


def conversion_probability(counts: dict[tuple[str, str], int], removed: str | None = None) -> Fraction:
    """P(start reaches (converted)) of the chain with these transition counts; transitions
    into ``removed`` go to (null). States that cannot reach (converted) convert with 0."""
    out: dict[str, dict[str, int]] = {}
    for (a, b), n in counts.items():
        if a == removed:
            continue
        out.setdefault(a, {})
        target = "(null)" if b == removed else b
        out[a][target] = out[a].get(target, 0) + n
    reach = {"(converted)"}
    changed = True
    while changed:
        changed = False
        for a, nxt in out.items():
            if a not in reach and any(b in reach and n > 0 for b, n in nxt.items()):
                reach.add(a)
                changed = True
    states = sorted(s for s in out if s in reach)
    if "(start)" not in states:
        return Fraction(0)
    pos = {s: i for i, s in enumerate(states)}
    matrix = [[Fraction(0)] * len(states) for _ in states]
    rhs = [Fraction(0)] * len(states)
    for s in states:
        total = sum(out[s].values())
        matrix[pos[s]][pos[s]] += 1
        for b, n in out[s].items():
            p = Fraction(n, total)
            if b == "(converted)":
                rhs[pos[s]] += p
            elif b in pos:
                matrix[pos[s]][pos[b]] -= p
    return solve_exact(matrix, rhs)[pos["(start)"]]


def reference_paths(rows: list[dict], model: JourneyModel, steps: int = 5) -> dict:
    K = len(model.stages)
    accepted = accepted_events(rows, model)[0]
    number_occurrences(accepted)
    for e in accepted:
        e.stage = assign_stage(model, e)
    assigned = [e for e in accepted if e.stage is not None]
    customers = sorted({e.customer for e in assigned})
    path = {c: sorted((e for e in assigned if e.customer == c), key=Event.order_key) for c in customers}
    chain: dict[str, list[Event]] = {}
    depth: dict[str, int] = {}
    for c in customers:
        if model.mode == "ordered":
            chain[c] = ordered_chain(path[c], K, model.window_s, model.same_time)
            depth[c] = len(chain[c])
        else:
            depth[c] = furthest_depth(path[c])
    completed = {c: depth[c] == K for c in customers}
    sid = [s.id for s in model.stages]

    def step_json(step: tuple) -> dict:
        stage, tp = step
        return {"stage": None if stage is None else sid[stage - 1], "touchpoint": tp}

    # section 11
    tp_paths = {c: collapse(path[c], lambda e: (e.stage, e.touchpoint)) for c in customers}
    st_paths = {c: collapse(path[c], lambda e: (e.stage, None)) for c in customers}
    tps = transitions(tp_paths, completed)
    sts = transitions(st_paths, completed)
    for t in sts:
        t["backward"] = t["from"][0] is not None and t["to"][0] is not None and t["to"][0] < t["from"][0]
    backward = sum(
        1 for c in customers if any(b[0][0] < a[0][0] for a, b in zip(st_paths[c], st_paths[c][1:], strict=False))
    )
    variants: dict[tuple, list[str]] = {}
    for c in customers:
        variants.setdefault(tuple(r[0][0] for r in st_paths[c]), []).append(c)
    variant_list = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    flows: dict[tuple, int] = {}
    for c in customers:
        steps_c = [r[0] for r in tp_paths[c]]
        for i in range(1, steps):
            if i > len(steps_c):
                break
            to = steps_c[i] if i < len(steps_c) else (None, "(end)")
            flows[(i, steps_c[i - 1], to)] = flows.get((i, steps_c[i - 1], to), 0) + 1
    flow_list = sorted(flows.items(), key=lambda kv: (kv[0][0], -kv[1], step_key(kv[0][1]), step_key(kv[0][2])))

    # section 12
    def channel_of(e: Event) -> str | None:
        return None if is_blank(e.channel) else e.channel

    n_channels = {c: len({channel_of(e) for e in path[c]} - {None}) for c in customers}
    with_any = [c for c in customers if n_channels[c] >= 1]
    multi = [c for c in customers if n_channels[c] >= 2]
    single = [c for c in customers if n_channels[c] == 1]
    switches: list[dict] = []
    rates: list[dict] = []
    if model.mode == "ordered":
        for k in range(2, K + 1):
            reached = [c for c in customers if depth[c] >= k]
            pairs: dict[tuple[str, str], int] = {}
            differ = known = 0
            for c in reached:
                a = channel_of(chain[c][k - 2]) or "(none)"
                b = channel_of(chain[c][k - 1]) or "(none)"
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
                if "(none)" not in (a, b):  # a blank channel is unknown: not a switch, not counted
                    known += 1
                    differ += a != b
            for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
                switches.append({"stage": sid[k - 1], "from": a, "to": b, "customers": n})
            rates.append({"stage": sid[k - 1], "rate": differ / known if known else None})
    counts: dict[tuple[str, str], int] = {}
    for c in with_any:
        chans = [r[0] for r in collapse([e for e in path[c] if channel_of(e)], lambda e: e.channel)]
        states = ["(start)", *chans, "(converted)" if completed[c] else "(null)"]
        for a, b in zip(states, states[1:], strict=False):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    names = sorted({a for a, _ in counts} - {"(start)"})
    p = conversion_probability(counts)
    effects = []
    if names:
        if p == 0:
            effects = [{"channel": ch, "effect": None, "share": None} for ch in names]
        else:
            re = {ch: 1 - conversion_probability(counts, ch) / p for ch in names}
            total = sum(re.values())
            effects = [
                {"channel": ch, "effect": float(e), "share": float(e / total) if total != 0 else None}
                for ch, e in re.items()
            ]
            effects.sort(key=lambda r: (-r["effect"], r["channel"]))

    def tr_json(t: dict) -> dict:
        return {**t, "from": step_json(t["from"]), "to": step_json(t["to"])}

    n = len(customers)
    return {
        "schema": "cjtool.paths/1",
        "customers": {"total": n, "completed": sum(completed.values())},
        "transitions": [tr_json(t) for t in tps],
        "stage_transitions": [tr_json(t) for t in sts],
        "customers_backward": backward,
        "variants": [
            {
                "path": [sid[k - 1] for k in v],
                "customers": len(cs),
                "share": len(cs) / n,
                "completed_share": sum(completed[c] for c in cs) / len(cs),
            }
            for v, cs in variant_list
        ],
        "flows": [{"step": i, "from": step_json(a), "to": step_json(b), "customers": m} for (i, a, b), m in flow_list],
        "channels": {
            "customers": len(with_any),
            "multichannel": len(multi) / len(with_any) if with_any else None,
            "single": {
                "entered": sum(depth[c] >= 1 for c in single),
                "completed": sum(completed[c] for c in single),
            },
            "multi": {"entered": sum(depth[c] >= 1 for c in multi), "completed": sum(completed[c] for c in multi)},
            "switches": switches,
            "switch_rate": rates,
            "conversion_probability": float(p) if names else None,
            "removal_effect": effects,
        },
    }
