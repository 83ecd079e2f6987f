"""The few statistics key moments need (SPEC sections 10 and 13).

# TODO(lead): move to cjtool.stats (another helper writes it in parallel; dedupe there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5% normal quantile, as SPEC sections 10 and 13 write it
SMALL = 5  # SPEC section 10: Fisher instead of z when x < 5 or n - x < 5 on a side


def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher's exact test on [[a, b], [c, d]], as scipy.stats.fisher_exact."""
    from scipy.stats import fisher_exact  # loaded when a statistic is computed: cjtool starts fast

    return float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)


def haldane_odds_ratio(a: int, b: int, c: int, d: int) -> tuple[float, tuple[float, float]]:
    """SPEC section 13: the odds ratio with 0.5 added to every cell, and its 95% Wald interval
    on the log scale."""
    a5, b5, c5, d5 = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a5) + math.log(d5) - math.log(b5) - math.log(c5)
    se = math.sqrt(1 / a5 + 1 / b5 + 1 / c5 + 1 / d5)
    return math.exp(log_or), (math.exp(log_or - Z95 * se), math.exp(log_or + Z95 * se))


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1), in input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):  # from the largest p down
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


@dataclass(frozen=True)
class ProportionTest:
    """Two proportions, A the baseline and B (SPEC section 10), p_adjusted filled in later."""

    x_a: int
    n_a: int
    x_b: int
    n_b: int
    diff: float
    lift: float | None
    ci95: tuple[float, float]
    test: str  # "z" or "fisher"
    p_value: float


def compare_proportions(x_a: int, n_a: int, x_b: int, n_b: int) -> ProportionTest:
    """SPEC section 10's proportion comparison (n_a, n_b > 0): Wald interval of the
    difference; pooled two-sided z-test, or Fisher's exact test when x < 5 or n - x < 5 on
    either side."""
    p_a, p_b = x_a / n_a, x_b / n_b
    diff = p_b - p_a
    half = Z95 * math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    if min(x_a, n_a - x_a, x_b, n_b - x_b) < SMALL:
        test, p = "fisher", fisher_p(x_a, n_a - x_a, x_b, n_b - x_b)
    else:  # both sides have >= 5 of each, so the pooled rate is strictly between 0 and 1
        pooled = (x_a + x_b) / (n_a + n_b)
        z = diff / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        test, p = "z", math.erfc(abs(z) / math.sqrt(2))
    return ProportionTest(x_a, n_a, x_b, n_b, diff, diff / p_a if p_a else None, (diff - half, diff + half), test, p)


def smallest_fisher_p(n: int) -> float:
    """The smallest two-sided Fisher p any 2x2 table of ``n`` observations can give (the
    most extreme table of the most balanced margins): below alpha, no claim is possible."""
    if n < 2:
        return 1.0
    return min(fisher_p(m, 0, 0, n - m) for m in range(1, n))
