"""Two-sample tests of SPEC section 10: proportions, Welch's t on means, NPS.

Inputs are sufficient statistics; intermediate quantities (rates, means, variances) are
exact ``Fraction``s of the integer inputs, rounded to float once, so a merged partition
gives the same bytes as one pass and a sum of squares never cancels catastrophically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from cjtool.stats.exact import fisher_p

Z95 = 1.959963984540054  # SPEC 10: the two-sided 95% normal quantile
Number = int | float | Fraction
MIN_NPS_ANSWERS = 2  # as Welch: a variance needs two answers on a side (docs/statistics.md)


@dataclass(frozen=True)
class TwoSampleTest:
    """One SPEC 15 {test} object: B against the baseline A.

    ``a``/``b`` are the metric on each side (a rate, a mean, an NPS); ``diff`` = b - a.
    ``p_adjusted`` and ``significant`` are filled by ``adjust`` over the whole family of
    one comparison (SPEC 10); until then they are None and False.
    """

    a: float | None
    b: float | None
    n_a: int
    n_b: int
    diff: float | None
    lift: float | None
    ci95: tuple[float, float] | None
    test: Literal["z", "fisher", "welch"] | None  # None: no test was run (n = 0 on a side, SPEC 16)
    p_value: float | None
    p_adjusted: float | None = None
    significant: bool = False
    lift_ci95: tuple[float, float] | None = None  # the relative effect's interval (``relative_interval``)

    def with_adjusted(self, p_adjusted: float | None, alpha: float) -> TwoSampleTest:
        """This test with its family-adjusted p; significant = p_adjusted < alpha."""
        return replace(self, p_adjusted=p_adjusted, significant=p_adjusted is not None and p_adjusted < alpha)

    def to_dict(self) -> dict[str, Any]:
        """The SPEC 15 {test} object, keys in SPEC order, then `lift_ci95` (an extra key);
        intervals as [lo, hi] or null."""
        return {
            "a": self.a,
            "b": self.b,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "diff": self.diff,
            "lift": self.lift,
            "ci95": None if self.ci95 is None else [self.ci95[0], self.ci95[1]],
            "test": self.test,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "lift_ci95": None if self.lift_ci95 is None else [self.lift_ci95[0], self.lift_ci95[1]],
        }


def _ratio(num: Fraction | float, den: Fraction | float) -> float | None:
    return None if den == 0 else float(num / den)


def z_p_value(diff: float, se: float) -> float:
    """Two-sided normal p = erfc(|z|/sqrt 2) (SPEC 10). A zero standard error only
    arises with a zero difference (both sides constant and equal): p = 1, no evidence."""
    return 1.0 if se == 0 else math.erfc(abs(diff / se) / math.sqrt(2))


def relative_interval(
    mean_a: Fraction | float,
    var_a: Fraction | float,
    n_a: int,
    mean_b: Fraction | float,
    var_b: Fraction | float,
    n_b: int,
    critical: float,
) -> tuple[float, float] | None:
    """The interval of lift = mean_b / mean_a - 1 by the delta method: Var(lift) =
    Var_b / (n_b mean_a^2) + Var_a mean_b^2 / (n_a mean_a^4), GrowthBook's frequentist
    relative variance (gbstats ``frequentist_variance(relative=True)``, no covariance
    between independent sides); lift +- ``critical`` sd (the absolute interval's z or
    Welch t quantile). None when mean_a = 0 (no lift)."""
    if mean_a == 0:
        return None
    lift = float((mean_b - mean_a) / mean_a)
    half = critical * math.sqrt(var_b / n_b / mean_a**2 + var_a * mean_b**2 / n_a / mean_a**4)
    return (lift - half, lift + half)


def _wald_ci(diff: float, var: Fraction | float) -> tuple[float, float]:
    half = Z95 * math.sqrt(var)
    return (diff - half, diff + half)


def proportion_test(x_a: int, n_a: int, x_b: int, n_b: int, *, exact: bool = True) -> TwoSampleTest:
    """SPEC 10 conversion / drop-off comparison of x_b/n_b against x_a/n_a.

    Wald CI; pooled two-sided z-test, or Fisher's exact test (two-sided, as
    scipy.stats.fisher_exact) when x < 5 or n - x < 5 on either side. With n = 0 on a
    side the object stays with statistics null (SPEC 16). A pooled rate of 0 or 1 (z
    undefined) always has x < 5 or n - x < 5, so Fisher decides it (p = 1).

    ``exact=False`` evaluates the same formulas in floats instead of exact fractions: the
    last bits then differ (in about half the cases), and key moments' SPEC 13 satisfaction
    effect, whose published numbers and differential reference are float arithmetic, keeps
    its bytes that way.
    """
    for name, v in (("x_a", x_a), ("n_a", n_a), ("x_b", x_b), ("n_b", n_b)):
        if v < 0:
            raise ValueError(f"{name} must be >= 0, got {v}")
    if x_a > n_a or x_b > n_b:
        raise ValueError(f"successes exceed trials: {x_a}/{n_a}, {x_b}/{n_b}")
    small = min(x_a, n_a - x_a, x_b, n_b - x_b) < 5
    test: Literal["z", "fisher"] = "fisher" if small else "z"
    if n_a == 0 or n_b == 0:  # no test is run: `test` null too (SPEC 16)
        pa = None if n_a == 0 else x_a / n_a
        pb = None if n_b == 0 else x_b / n_b
        return TwoSampleTest(pa, pb, n_a, n_b, None, None, None, None, None)
    ratio = Fraction if exact else _float_ratio
    pa_f, pb_f = ratio(x_a, n_a), ratio(x_b, n_b)
    diff_f = pb_f - pa_f
    diff = float(diff_f)
    ci = _wald_ci(diff, pa_f * (1 - pa_f) / n_a + pb_f * (1 - pb_f) / n_b)
    if small:
        p = fisher_p(x_a, n_a - x_a, x_b, n_b - x_b)
    else:
        pooled = ratio(x_a + x_b, n_a + n_b)
        p = z_p_value(diff, math.sqrt(pooled * (1 - pooled) * (ratio(1, n_a) + ratio(1, n_b))))
    lift_ci = relative_interval(pa_f, pa_f * (1 - pa_f), n_a, pb_f, pb_f * (1 - pb_f), n_b, Z95)
    return TwoSampleTest(
        float(pa_f), float(pb_f), n_a, n_b, diff, _ratio(diff_f, pa_f), ci, test, min(p, 1.0), lift_ci95=lift_ci
    )


def _float_ratio(x: int, n: int) -> float:
    return x / n


def sample_moments(n: int, total: Number, total_sq: Number, scale: int = 1) -> tuple[Fraction, Fraction] | None:
    """(mean, sample variance with n - 1) from n, sum and sum of squares, exactly.

    ``scale``: the values were summed as integers of 1/scale (cjtool sums scores as
    integer millionths: pass ``total`` in millionths, ``total_sq`` in millionths squared
    and ``scale=1_000_000``). None with fewer than 2 values. A float sum of squares that
    rounding left slightly below the square of the sum gives variance 0, never negative.
    """
    if n < 2:
        return None
    s, ss = Fraction(total), Fraction(total_sq)
    mean = s / n / scale
    var = max(Fraction(0), (ss - s * s / n) / (n - 1) / (scale * scale))
    return mean, var


def welch_parts(
    a: tuple[int, Number, Number], b: tuple[int, Number, Number], scale: int = 1
) -> tuple[Fraction, Fraction, Fraction, Fraction] | None:
    """(mean_a, var_a, mean_b, var_b), or None when SPEC 16 makes Welch undefined
    (fewer than 2 values on a side, or zero variance on both)."""
    ma, mb = sample_moments(*a, scale=scale), sample_moments(*b, scale=scale)
    if ma is None or mb is None or (ma[1] == 0 and mb[1] == 0):
        return None
    return ma[0], ma[1], mb[0], mb[1]


def welch_test(a: tuple[int, Number, Number], b: tuple[int, Number, Number], *, scale: int = 1) -> TwoSampleTest | None:
    """SPEC 10 Welch's t-test of the mean of B against A, from (n, sum, sum of squares)
    per side (see ``sample_moments`` for ``scale``).

    diff of means, 95% CI from the t distribution with Welch-Satterthwaite df, two-sided
    p; lift = diff / mean_a (null when mean_a = 0); None where SPEC 16 says null.
    """
    from scipy import stats as sps  # scipy is loaded when a statistic is computed

    parts = welch_parts(a, b, scale)
    if parts is None:
        return None
    mean_a, var_a, mean_b, var_b = parts
    n_a, n_b = a[0], b[0]
    wa, wb = var_a / n_a, var_b / n_b
    se2 = wa + wb
    df = float(se2 * se2 / (wa * wa / (n_a - 1) + wb * wb / (n_b - 1)))
    se = math.sqrt(se2)
    diff_f = mean_b - mean_a
    diff = float(diff_f)
    p = float(2 * sps.t.sf(abs(diff) / se, df))
    critical = float(sps.t.ppf(0.975, df))
    half = critical * se
    lift = _ratio(diff_f, mean_a)
    lift_ci = relative_interval(mean_a, var_a, n_a, mean_b, var_b, n_b, critical)
    return TwoSampleTest(
        float(mean_a),
        float(mean_b),
        n_a,
        n_b,
        diff,
        lift,
        (diff - half, diff + half),
        "welch",
        min(p, 1.0),
        lift_ci95=lift_ci,
    )


def nps_parts(promoters: int, detractors: int, n: int) -> tuple[Fraction, Fraction]:
    """(NPS, Var) of one side: answers score +100 / 0 / -100; with shares P and D,
    NPS = 100(P - D) and Var = 100^2 (P + D - (P - D)^2) (SPEC 10)."""
    if promoters < 0 or detractors < 0 or promoters + detractors > n:
        raise ValueError(f"bad NPS counts: {promoters} promoters, {detractors} detractors of {n}")
    p, d = Fraction(promoters, n), Fraction(detractors, n)
    return 100 * (p - d), 10_000 * (p + d - (p - d) ** 2)


def nps_test(a: tuple[int, int, int], b: tuple[int, int, int]) -> TwoSampleTest | None:
    """SPEC 10 NPS comparison from (promoters, detractors, answers) per side.

    z = diff / sqrt(Var_a/n_a + Var_b/n_b), p = erfc(|z|/sqrt 2), Wald-style CI; lift is
    null (an NPS ratio means nothing); None with fewer than ``MIN_NPS_ANSWERS`` (2)
    answers on a side or zero variance on both (SPEC 16, extended as Welch's rule: one
    answer has variance 0 by construction, and a z-test then reads the other side's
    noise alone as certainty: docs/statistics.md).
    """
    n_a, n_b = a[2], b[2]
    if n_a < MIN_NPS_ANSWERS or n_b < MIN_NPS_ANSWERS:
        return None
    (nps_a, var_a), (nps_b, var_b) = nps_parts(*a), nps_parts(*b)
    if var_a == 0 and var_b == 0:
        return None
    se2 = var_a / n_a + var_b / n_b
    diff = float(nps_b - nps_a)
    p = z_p_value(diff, math.sqrt(se2))
    return TwoSampleTest(float(nps_a), float(nps_b), n_a, n_b, diff, None, _wald_ci(diff, se2), "z", p)
