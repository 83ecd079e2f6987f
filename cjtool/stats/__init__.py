"""Statistics for comparisons, key moments, channel attribution and CI gates.

Small pure functions over sufficient statistics (counts, sums, sums of squares), so
partitions and stored baselines merge by adding their numbers, with no second pass over
events. No polars here: callers aggregate first. Formulas and null rules are SPEC
sections 10, 12, 13, 15 and 16; the t, chi-square and Fisher distributions are
scipy.stats'.

- ``proportion_test``, ``welch_test``, ``nps_test`` (SPEC 10) -> ``TwoSampleTest``
- ``adjust`` with ``holm`` / ``benjamini_hochberg`` (SPEC 10, 13)
- ``srm_test`` (SPEC 10, 16)
- ``odds_ratio_test`` (SPEC 13), ``fisher_p`` / ``smallest_fisher_p`` (SPEC 10, 13)
- ``removal_effects`` / ``removal_effects_of_matrix`` (SPEC 12, Markov attribution)
- ``sequential_proportions`` / ``sequential_means``: always-valid intervals for gates
- ``verdict``: a plain-words reading of one test
"""

from cjtool.stats.adjust import adjust, benjamini_hochberg, holm
from cjtool.stats.exact import fisher_p, smallest_fisher_p
from cjtool.stats.markov import (
    RemovalEffect,
    absorption_probability,
    conversion_probability,
    counts_matrix,
    removal_effects,
    removal_effects_of_matrix,
    transition_counts,
)
from cjtool.stats.moments import OddsRatioTest, odds_ratio_test
from cjtool.stats.sequential import SequentialTest, sequential_means, sequential_proportions
from cjtool.stats.srm import SrmTest, srm_test
from cjtool.stats.twosample import Z95, TwoSampleTest, nps_test, proportion_test, welch_test
from cjtool.stats.verdict import MIN_SAMPLE, verdict

__all__ = [
    "absorption_probability",
    "counts_matrix",
    "removal_effects_of_matrix",
    "MIN_SAMPLE",
    "Z95",
    "OddsRatioTest",
    "RemovalEffect",
    "SequentialTest",
    "SrmTest",
    "TwoSampleTest",
    "adjust",
    "benjamini_hochberg",
    "conversion_probability",
    "fisher_p",
    "holm",
    "nps_test",
    "odds_ratio_test",
    "proportion_test",
    "removal_effects",
    "sequential_means",
    "sequential_proportions",
    "smallest_fisher_p",
    "srm_test",
    "transition_counts",
    "verdict",
    "welch_test",
]
