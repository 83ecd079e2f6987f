"""Always-valid (sequential) intervals for CI regression gates.

A gate that re-checks a growing export on every run peeks again and again; a fixed-
horizon test then raises false alarms far more often than alpha. The asymptotic
confidence sequence of Waudby-Smith et al. (2023, "Time-uniform central limit theory and
asymptotic confidence sequences", arXiv:2103.06476, eq. 161 and the two-sided normal-
mixture boundary) holds at every sample size at once, as in GrowthBook's and PostHog's
sequential mode. With N the total sample size (both sides), SE the standard error of
the difference and rho the mixing parameter tuned to be tightest near ``tuning`` units:

    rho^2 = (-2 ln alpha + ln(1 - 2 ln alpha)) / tuning
    half  = SE sqrt(N) sqrt(2 (N rho^2 + 1) / (N^2 rho^2) ln(sqrt(N rho^2 + 1) / alpha))

and the always-valid p-value is the reciprocal of the mixture e-value (capped at 1),
p < alpha exactly when the interval excludes 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from cjtool.stats.twosample import Number, welch_parts

DEFAULT_TUNING = 5000  # GrowthBook's default sequential_tuning_parameter


@dataclass(frozen=True)
class SequentialTest:
    """B - A with its always-valid (1 - alpha) interval and p-value; ``significant``
    is p_value < alpha (the interval excludes 0) until a caller adjusts the family: then
    ``p_adjusted`` holds Holm's p and ``significant`` is p_adjusted < alpha."""

    diff: float
    ci: tuple[float, float]
    p_value: float
    significant: bool
    alpha: float
    p_adjusted: float | None = None


def rho_squared(alpha: float, tuning: float) -> float:
    """The normal-mixture variance making the boundary tightest near ``tuning``."""
    if not 0 < alpha < 1 or tuning <= 0:
        raise ValueError(f"need 0 < alpha < 1 and tuning > 0, got {alpha}, {tuning}")
    la = -2 * math.log(alpha)
    return (la + math.log(la + 1)) / tuning


def sequential_interval(
    diff: float, se: float, n: int, *, alpha: float = 0.05, tuning: float = DEFAULT_TUNING
) -> SequentialTest:
    """The confidence-sequence interval and p-value for ``diff`` with standard error
    ``se`` after ``n`` units in total (see the module docstring)."""
    r2 = rho_squared(alpha, tuning)
    nr = n * r2 + 1
    half = se * math.sqrt(n) * math.sqrt(2 * nr / (n * n * r2) * math.log(math.sqrt(nr) / alpha))
    if se == 0:  # both sides constant: any difference is certain, none is no evidence
        p = 1.0 if diff == 0 else 0.0
    else:
        # ln of the mixture e-value (Waudby-Smith et al. eq. 155, as GrowthBook)
        log_e = r2 * n * (diff / se) ** 2 / (2 * nr) - 0.5 * math.log(nr)
        p = 1.0 if log_e <= 0 else math.exp(-log_e)
    return SequentialTest(diff, (diff - half, diff + half), p, p < alpha, alpha)


def sequential_proportions(
    x_a: int, n_a: int, x_b: int, n_b: int, *, alpha: float = 0.05, tuning: float = DEFAULT_TUNING
) -> SequentialTest | None:
    """Always-valid comparison of x_b/n_b against x_a/n_a (unpooled variance, as the
    Wald interval of SPEC 10); None with n = 0 on a side."""
    if n_a == 0 or n_b == 0:
        return None
    pa, pb = Fraction(x_a, n_a), Fraction(x_b, n_b)
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return sequential_interval(float(pb - pa), se, n_a + n_b, alpha=alpha, tuning=tuning)


def sequential_means(
    a: tuple[int, Number, Number],
    b: tuple[int, Number, Number],
    *,
    scale: int = 1,
    alpha: float = 0.05,
    tuning: float = DEFAULT_TUNING,
) -> SequentialTest | None:
    """Always-valid comparison of means from (n, sum, sum of squares) per side (as
    ``welch_test``); None where Welch is undefined (SPEC 16)."""
    parts = welch_parts(a, b, scale)
    if parts is None:
        return None
    mean_a, var_a, mean_b, var_b = parts
    se = math.sqrt(var_a / a[0] + var_b / b[0])
    return sequential_interval(float(mean_b - mean_a), se, a[0] + b[0], alpha=alpha, tuning=tuning)
