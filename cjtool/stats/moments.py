"""Key-moment statistics (SPEC 13): exposure against conversion in a 2x2 table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cjtool.stats.exact import fisher_p
from cjtool.stats.twosample import Z95


@dataclass(frozen=True)
class OddsRatioTest:
    """a = exposed successes, b = exposed failures, c = other successes, d = other
    failures. ``p_adjusted`` is filled by Benjamini-Hochberg over the run's pairs."""

    a: int
    b: int
    c: int
    d: int
    conversion_exposed: float | None
    conversion_other: float | None
    lift: float | None
    odds_ratio: float
    ci95: tuple[float, float]
    p_value: float
    p_adjusted: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The SPEC 15 moment keys this module owns (the caller adds stage/touchpoint)."""
        return {
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "d": self.d,
            "conversion_exposed": self.conversion_exposed,
            "conversion_other": self.conversion_other,
            "lift": self.lift,
            "odds_ratio": self.odds_ratio,
            "ci95": [self.ci95[0], self.ci95[1]],
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
        }


def odds_ratio_test(a: int, b: int, c: int, d: int) -> OddsRatioTest:
    """SPEC 13: Haldane-corrected odds ratio ((a+.5)(d+.5))/((b+.5)(c+.5)) with its
    95% CI exp(ln OR +- 1.96 sqrt(sum of 1/(cell+.5))), Fisher's exact p (two-sided) on
    [[a, b], [c, d]]; conversion rates null for an empty row, lift null if either is."""
    if min(a, b, c, d) < 0:
        raise ValueError(f"negative cell in [[{a}, {b}], [{c}, {d}]]")
    exposed = None if a + b == 0 else Fraction(a, a + b)
    other = None if c + d == 0 else Fraction(c, c + d)
    lift = None if exposed is None or other is None else float(exposed - other)
    a5, b5, c5, d5 = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    # a sum of logs, not the log of a product: no overflow or underflow on large counts
    log_or = math.log(a5) + math.log(d5) - math.log(b5) - math.log(c5)
    half = Z95 * math.sqrt(1 / a5 + 1 / b5 + 1 / c5 + 1 / d5)
    return OddsRatioTest(
        a,
        b,
        c,
        d,
        None if exposed is None else float(exposed),
        None if other is None else float(other),
        lift,
        math.exp(log_or),
        (math.exp(log_or - half), math.exp(log_or + half)),
        fisher_p(a, b, c, d),
    )
