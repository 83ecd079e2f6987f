"""Markov channel attribution (SPEC 12 ``removal_effect``).

A first-order chain over ``(start)``, the channels, and the absorbing ``(converted)`` and
``(null)``, estimated from collapsed channel paths. The conversion probability from
``(start)`` is solved from the absorbing-chain equations (I - Q) x = r, no sampling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

START, CONVERTED, NULL = "(start)", "(converted)", "(null)"
Counts = dict[str, dict[str, int]]


@dataclass(frozen=True)
class RemovalEffect:
    channel: str
    effect: float | None
    share: float | None


def transition_counts(records: Iterable[tuple[Sequence[str], bool, int]]) -> Counts:
    """Transition counts from (channel path, converted, customers) records: (start) ->
    first channel -> ... -> last -> (converted) or (null). Consecutive repeats are
    collapsed (a no-op on paths the caller already collapsed); empty paths are left out
    (SPEC 16: customers without a channel are not in the chain)."""
    counts: Counts = defaultdict(lambda: defaultdict(int))
    for path, converted, n in records:
        steps = [ch for i, ch in enumerate(path) if i == 0 or ch != path[i - 1]]
        if not steps or n <= 0:
            continue
        chain = [START, *steps, CONVERTED if converted else NULL]
        for frm, to in zip(chain, chain[1:], strict=False):
            counts[frm][to] += n
    return {k: dict(v) for k, v in counts.items()}


def conversion_probability(counts: Counts, removed: str | None = None) -> float:
    """P(absorbed in (converted) | start at (start)) of the chain with transition
    probabilities counts[s][t] / sum_t counts[s][t].

    ``removed``: that channel is taken out and every transition into it goes to (null)
    instead (SPEC 12). A state that cannot reach (converted) has probability 0 and is
    dropped before solving; the rest can all reach an absorbing state, so I - Q is
    non-singular there (a closed loop of channels with no exit would otherwise make
    it singular). A state with no outgoing counts is a dead end (probability 0).
    """
    transient = sorted({s for s in counts if s not in (CONVERTED, NULL, removed)} | {START})
    # states from which (converted) is reachable, by a backward search
    can_convert = {s for s in transient if counts.get(s, {}).get(CONVERTED, 0) > 0}
    grew = True
    while grew:
        grew = False
        for s in transient:
            if s not in can_convert and any(t in can_convert and c > 0 for t, c in counts.get(s, {}).items()):
                can_convert.add(s)
                grew = True
    if START not in can_convert:
        return 0.0
    live = sorted(can_convert)
    index = {s: i for i, s in enumerate(live)}
    q = np.zeros((len(live), len(live)))
    r = np.zeros(len(live))
    for s in live:
        row = counts[s]
        total = sum(row.values())
        for t, c in row.items():
            if t == CONVERTED:
                r[index[s]] += c / total
            elif t in index:
                q[index[s], index[t]] += c / total
            # else: (null), the removed channel or a state that never converts: mass lost
    x = np.linalg.solve(np.eye(len(live)) - q, r)
    return float(min(1.0, max(0.0, x[index[START]])))


def removal_effects(counts: Counts) -> list[RemovalEffect]:
    """SPEC 12: RE_c = 1 - P_without_c / P for each channel, share_c = RE_c / sum of RE
    (the signed sum, SPEC 16; null when it is 0). Every effect is null with no
    conversion (P = 0). Ordered by effect desc, then channel (SPEC 16)."""
    channels = sorted(
        {s for s in counts if s != START} | {t for row in counts.values() for t in row} - {CONVERTED, NULL}
    )
    p = conversion_probability(counts)
    if p == 0:
        return [RemovalEffect(ch, None, None) for ch in channels]
    effects = {ch: 1 - conversion_probability(counts, removed=ch) / p for ch in channels}
    total = sum(effects.values())
    out = [RemovalEffect(ch, e, None if total == 0 else e / total) for ch, e in effects.items()]
    return sorted(out, key=lambda r: (-r.effect, r.channel))  # type: ignore[operator]
