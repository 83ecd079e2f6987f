"""A slow, obvious reference for SPEC section 13 (key moments), in plain Python.

It reuses the reference of sections 1-3 (tests/reference.py) for events, stages and
chains, then follows section 13 (and its readings in section 16) one rule at a time:
loops over pairs and customers, exact fractions for the CSAT thresholds, and
Benjamini-Hochberg written from its definition. Fisher's p is scipy's, as the SPEC says.
"""

from __future__ import annotations

import math
from fractions import Fraction

from scipy.stats import fisher_exact

from cjtool.model import JourneyModel

try:
    from tests.reference import (
        Event,
        accepted_events,
        assign_stage,
        furthest_depth,
        number_occurrences,
        ordered_chain,
    )
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from reference import (  # type: ignore[no-redef]
        Event,
        accepted_events,
        assign_stage,
        furthest_depth,
        number_occurrences,
        ordered_chain,
    )

Z = 1.959963984540054


def bh(p: list[float]) -> list[float]:
    """Benjamini-Hochberg from the definition: p_adj(i) = min over j with p_j >= p_i of
    p_j * m / rank(j), capped at 1 (rank among the sorted p-values, ties by position)."""
    m = len(p)
    ranked = sorted(range(m), key=lambda i: (p[i], i))
    rank = {i: r + 1 for r, i in enumerate(ranked)}
    return [min(1.0, min(p[j] * m / rank[j] for j in range(m) if rank[j] >= rank[i])) for i in range(m)]


def proportion_test(xa: int, na: int, xb: int, nb: int) -> dict:
    pa, pb = xa / na, xb / nb
    diff = pb - pa
    if min(xa, na - xa, xb, nb - xb) < 5:
        test, p = "fisher", float(fisher_exact([[xa, na - xa], [xb, nb - xb]]).pvalue)
    else:
        pooled = (xa + xb) / (na + nb)
        z = diff / math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        test, p = "z", math.erfc(abs(z) / math.sqrt(2))
    half = Z * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return {
        "n_a": na,
        "n_b": nb,
        "a": pa,
        "b": pb,
        "diff": diff,
        "ci95": [diff - half, diff + half],
        "test": test,
        "p_value": p,
    }


def reference_moments(rows: list[dict], model: JourneyModel) -> list[dict]:
    """The ``moments`` array of SPEC 15, in SPEC 15 order."""
    K = len(model.stages)
    accepted = accepted_events(rows, model)[0]
    number_occurrences(accepted)
    for e in accepted:
        e.stage = assign_stage(model, e)
    assigned = [e for e in accepted if e.stage is not None]
    customers = sorted({e.customer for e in assigned})
    mine = {c: sorted((e for e in assigned if e.customer == c), key=Event.order_key) for c in customers}
    depth, r = {}, {}
    for c in customers:
        if model.mode == "ordered":
            chain = ordered_chain(mine[c], K, model.window_s, model.same_time)
            depth[c], r[c] = len(chain), [e.when for e in chain]
        else:
            depth[c], r[c] = furthest_depth(mine[c]), []

    def exposure_events(c: str, k: int, tp: str) -> list[Event]:
        at = [e for e in mine[c] if e.stage == k and e.touchpoint == tp]
        if model.mode == "furthest" or depth[c] == k:
            return at
        return [e for e in at if e.when <= r[c][k]]  # r[c][k] is r_(k+1)

    sc = model.satisfaction_scale
    lo, hi = Fraction(sc.min), Fraction(sc.max)
    pairs = sorted({(e.stage, e.touchpoint) for e in assigned if e.stage < K})
    out = []
    for k, tp in pairs:
        population = [c for c in customers if depth[c] >= k]
        exposed = [c for c in population if exposure_events(c, k, tp)]
        if len(exposed) < model.min_customers:
            continue
        ok = {c: depth[c] >= k + 1 for c in population}
        a = sum(ok[c] for c in exposed)
        b = len(exposed) - a
        c_ = sum(ok[c] for c in population if c not in exposed)
        d = len(population) - len(exposed) - c_
        odds = (a + 0.5) * (d + 0.5) / ((b + 0.5) * (c_ + 0.5))
        se = math.sqrt(1 / (a + 0.5) + 1 / (b + 0.5) + 1 / (c_ + 0.5) + 1 / (d + 0.5))
        sat, dis = [], []
        for c in exposed:
            values = [e.satisfaction_exact for e in exposure_events(c, k, tp) if e.satisfaction_exact is not None]
            if values:
                mean = sum(values, Fraction(0)) / len(values)
                if mean >= lo + Fraction(3, 4) * (hi - lo):
                    sat.append(ok[c])
                if mean <= lo + Fraction(1, 4) * (hi - lo):
                    dis.append(ok[c])
        effect = proportion_test(sum(dis), len(dis), sum(sat), len(sat)) if sat and dis else None
        out.append(
            {
                "stage": model.stages[k - 1].id,
                "touchpoint": tp,
                "_k": k,
                "a": a,
                "b": b,
                "c": c_,
                "d": d,
                "conversion_exposed": a / (a + b) if a + b else None,
                "conversion_other": c_ / (c_ + d) if c_ + d else None,
                "odds_ratio": odds,
                "ci95": [math.exp(math.log(odds) - Z * se), math.exp(math.log(odds) + Z * se)],
                "p_value": float(fisher_exact([[a, b], [c_, d]]).pvalue),
                "satisfaction_effect": effect,
            }
        )
    for m in out:
        ce, co = m["conversion_exposed"], m["conversion_other"]
        m["lift"] = None if ce is None or co is None else ce - co
    for m, p in zip(out, bh([m["p_value"] for m in out]), strict=True):
        m["p_adjusted"] = p
    effects = [m["satisfaction_effect"] for m in out if m["satisfaction_effect"] is not None]
    for e, p in zip(effects, bh([e["p_value"] for e in effects]), strict=True):
        e["p_adjusted"] = p
    out.sort(
        key=lambda m: (
            m["p_adjusted"],
            -Fraction((2 * m["a"] + 1) * (2 * m["d"] + 1), (2 * m["b"] + 1) * (2 * m["c"] + 1)),
            m["_k"],
            m["touchpoint"],
        )
    )
    for m in out:
        del m["_k"]
    return out
