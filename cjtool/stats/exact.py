"""Fisher's exact test on a 2x2 table (SPEC 10 small samples, SPEC 13 key moments)."""

from __future__ import annotations


def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher's exact p on [[a, b], [c, d]], as scipy.stats.fisher_exact."""
    from scipy.stats import fisher_exact  # loaded when a statistic is computed: cjtool starts fast

    return min(float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue), 1.0)


def smallest_fisher_p(n: int) -> float:
    """The smallest two-sided Fisher p any 2x2 table of ``n`` observations can give (the
    most extreme table of the most balanced margins): below alpha, no claim is possible."""
    if n < 2:
        return 1.0
    return min(fisher_p(m, 0, 0, n - m) for m in range(1, n))
