"""Multiple-testing adjustments (SPEC 10: Holm over one comparison; SPEC 13:
Benjamini-Hochberg over key moments). Same values as statsmodels' ``multipletests``
with ``method="holm"`` / ``"fdr_bh"``: monotone in the raw p-values, capped at 1.
``None`` entries (undefined tests) pass through and do not count in the family.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from cjtool.stats.twosample import TwoSampleTest


def _defined(pvalues: Sequence[float | None]) -> list[int]:
    """Indices of the defined p-values, ascending by p (ties by position: the adjusted
    values of tied p-values come out equal whatever their order)."""
    return sorted((i for i, p in enumerate(pvalues) if p is not None), key=lambda i: (pvalues[i], i))


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down: the j-th smallest of m p-values becomes
    max over i <= j of min(1, (m - i + 1) p_(i))."""
    order = _defined(pvalues)
    m = len(order)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))  # type: ignore[operator]
        out[i] = running
    return out


def benjamini_hochberg(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg step-up: the j-th smallest of m p-values becomes
    min over i >= j of min(1, m p_(i) / i)."""
    order = _defined(pvalues)
    m = len(order)
    out: list[float | None] = [None] * len(pvalues)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, m * pvalues[i] / (rank + 1))  # type: ignore[operator]
        out[i] = running
    return out


METHODS: dict[str, Callable[[Sequence[float | None]], list[float | None]]] = {
    "holm": holm,
    "bh": benjamini_hochberg,
}


def adjust(
    tests: Sequence[TwoSampleTest | None], *, method: Literal["holm", "bh"] = "holm", alpha: float = 0.05
) -> list[TwoSampleTest | None]:
    """Fill ``p_adjusted`` and ``significant`` over one family of tests (SPEC 10: every
    p-value of one B against A). Null tests and tests with a null p stay out of the
    family. A test listed twice (SPEC 16: stage 2's conversion_from_previous is
    conversion_from_first) must be passed once and copied by the caller."""
    adjusted = METHODS[method]([None if t is None else t.p_value for t in tests])
    return [None if t is None else t.with_adjusted(q, alpha) for t, q in zip(tests, adjusted, strict=True)]
