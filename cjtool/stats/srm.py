"""Sample ratio mismatch (SPEC 10, 16): chi-square goodness of fit of the entered counts
against the expected split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SRM_ALPHA = 0.001  # SPEC 10: srm.p_value < 0.001 flags a mismatch


@dataclass(frozen=True)
class SrmTest:
    chi2: float
    p_value: float
    flag: bool

    def to_dict(self) -> dict[str, Any]:
        """SPEC 15 ``srm`` object (with the statistic as an extra key)."""
        return {"p_value": self.p_value, "flag": self.flag, "chi2": self.chi2}


def srm_test(counts: Sequence[int], weights: Sequence[float] | None = None) -> SrmTest | None:
    """Chi-square goodness of fit of ``counts`` against ``weights`` (equal unless given),
    len(counts) - 1 df. SPEC 16 runs it pairwise: ``srm_test([n_variant, n_baseline],
    [w_variant, w_baseline])`` (1 df). None when nobody entered."""
    from scipy import stats as sps  # scipy is loaded when a statistic is computed

    if len(counts) < 2:
        raise ValueError("SRM needs at least two groups")
    w = [1.0] * len(counts) if weights is None else [float(x) for x in weights]
    if len(w) != len(counts) or any(x <= 0 for x in w):
        raise ValueError(f"expected split must be {len(counts)} positive weights, got {list(w)}")
    total = sum(counts)
    if total == 0:
        return None
    expected = [total * x / sum(w) for x in w]
    chi2 = sum((o - e) ** 2 / e for o, e in zip(counts, expected, strict=True))
    p = float(sps.chi2.sf(chi2, len(counts) - 1))
    return SrmTest(float(chi2), p, p < SRM_ALPHA)
