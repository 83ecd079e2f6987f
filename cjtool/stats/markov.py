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


def counts_matrix(counts: Counts) -> tuple[list[str], np.ndarray]:
    """The channels (code point order) and the matrix ``absorption_probability`` solves:
    rows/columns ``(start)``, the channels, then the columns ``(converted)``, ``(null)``."""
    names = sorted(({s for s in counts} | {t for row in counts.values() for t in row}) - {START, CONVERTED, NULL})
    index = {START: 0, **{ch: i + 1 for i, ch in enumerate(names)}, CONVERTED: len(names) + 1, NULL: len(names) + 2}
    matrix = np.zeros((len(names) + 1, len(names) + 3), dtype=np.float64)
    for frm, row in counts.items():
        for to, n in row.items():
            matrix[index[frm], index[to]] += n
    return names, matrix


def absorption_probability(counts: np.ndarray, removed: int | None = None) -> float:
    """P(reach ``(converted)`` from ``(start)``) of the first-order chain with transition
    ``counts`` (rows: transient states, start = 0; columns: the same states, then
    ``(converted)``, then ``(null)``). ``removed``: a transient state whose incoming
    transitions go to ``(null)`` instead (SPEC 12). Solved exactly: x = Q x + r on the
    states that can reach ``(converted)``; every other state (a loop that never absorbs,
    a removed channel, a dead end with no exits) converts with probability 0, which keeps
    I - Q regular."""
    t = counts.shape[0]
    totals = counts.sum(axis=1)
    probs = np.divide(counts, totals[:, None], out=np.zeros_like(counts), where=totals[:, None] > 0)
    Q, r = probs[:, :t].copy(), probs[:, t].copy()
    if removed is not None:
        Q[:, removed] = 0.0
        Q[removed, :] = 0.0
        r[removed] = 0.0
    alive = r > 0  # states that reach (converted): a fixed point over the (few) states
    while True:
        grown = alive | ((Q[:, alive] > 0).any(axis=1) if alive.any() else alive)
        if (grown == alive).all():
            break
        alive = grown
    if not alive[0]:
        return 0.0
    idx = np.flatnonzero(alive)
    A = np.eye(len(idx)) - Q[np.ix_(idx, idx)]
    x = np.linalg.solve(A, r[idx])
    return float(x[0])


def conversion_probability(counts: Counts, removed: str | None = None) -> float:
    """``absorption_probability`` of transition counts given as counts[s][t]."""
    names, matrix = counts_matrix(counts)
    return absorption_probability(matrix, None if removed is None else names.index(removed) + 1)


def removal_effects_of_matrix(names: list[str], counts: np.ndarray) -> tuple[float | None, list[RemovalEffect]]:
    """P and, per channel, RE_c = 1 - P_without_c / P and share_c = RE_c / sum RE (SPEC
    12, 16: every effect null with no conversion, P = 0; shares null when the signed sum
    is 0). ``counts`` as ``absorption_probability`` takes it, channel i in row i + 1.
    P is None without channels. Ordered by effect desc, then channel (SPEC 16)."""
    if not names:
        return None, []
    p = absorption_probability(counts)
    if p <= 0:
        return 0.0, sorted((RemovalEffect(c, None, None) for c in names), key=lambda r: r.channel)
    effects = [1.0 - absorption_probability(counts, removed=i + 1) / p for i in range(len(names))]
    total = sum(effects)
    out = [RemovalEffect(c, e, (e / total) if total != 0 else None) for c, e in zip(names, effects, strict=True)]
    # effects equal in exact arithmetic may differ in the last bits of a float solve: order
    # on 12 decimals so such ties fall to the channel name, as SPEC 16 orders them
    out.sort(key=lambda r: (-round(r.effect or 0.0, 12), r.channel))
    return p, out


def removal_effects(counts: Counts) -> list[RemovalEffect]:
    """``removal_effects_of_matrix`` of transition counts given as counts[s][t]."""
    return removal_effects_of_matrix(*counts_matrix(counts))[1]
