"""A plain-words reading of one comparison, for tables and CI messages."""

from __future__ import annotations

from typing import Literal

from cjtool.stats.sequential import SequentialTest
from cjtool.stats.twosample import TwoSampleTest

MIN_SAMPLE = 30  # fewer customers (or values) than this on a side: too small to conclude
Verdict = Literal["better", "worse", "no detectable difference", "too small to conclude"]


def verdict(
    test: TwoSampleTest | SequentialTest | None,
    *,
    higher_is_better: bool = True,
    alpha: float = 0.05,
    n: tuple[int, int] | None = None,
    min_sample: int = MIN_SAMPLE,
) -> Verdict:
    """ "better" / "worse" when significant, in the direction that is good for the metric
    (drop-off and effort: ``higher_is_better=False``); otherwise "no detectable
    difference", unless the data cannot tell:

    - "too small to conclude" when the test is undefined (null test or null p), or
      fewer than ``min_sample`` (30) on either side: below that a non-significant result
      says nothing, and the normal approximations of z, Welch and NPS are unreliable.
      (Small counts of successes or failures need no rule: proportions switch to
      Fisher's exact test there.)

    Significance is ``test.significant`` once ``adjust`` has filled ``p_adjusted`` (or
    for a sequential test), else p_value < alpha. ``n`` gives the sides' sizes for a
    ``SequentialTest``, which does not carry them.
    """
    if test is None or test.p_value is None:
        return "too small to conclude"
    sizes = (test.n_a, test.n_b) if isinstance(test, TwoSampleTest) else n
    if sizes is not None and min(sizes) < min_sample:
        return "too small to conclude"
    if isinstance(test, TwoSampleTest) and test.p_adjusted is None:
        significant = test.p_value < alpha
    else:
        significant = test.significant
    if not significant or not test.diff:
        return "no detectable difference"
    return "better" if (test.diff > 0) == higher_is_better else "worse"
