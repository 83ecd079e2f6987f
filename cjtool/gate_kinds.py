"""The kinds of CI gates and what a threshold of each may be: the names a model's `gates:`
and `cjtool check`'s options use, read by the model (to check a model's gates as it loads)
and by `gates` (to evaluate them). Imports only the language catalogue, so the model can read it.
"""

from __future__ import annotations

from cjtool.i18n import say

KINDS = {
    "min_conversion": ("conversion", ">="),
    "min_satisfaction": ("satisfaction", ">="),
    "max_drop_off": ("drop_off", "<="),
    "min_nps": ("nps_gate", ">="),
    "max_at_stake": ("at_stake", "<="),  # SPEC 17: customers at stake at a touchpoint or stage
}
# data-quality gates: no target, a share of the whole input
DATA_KINDS = {
    "max_rejected": ("rejected_share", "<="),  # rejected rows / rows read
    "max_unassigned": ("unassigned_share", "<="),  # unassigned events / events
}
RATE_KINDS = ("min_conversion", "max_drop_off", *DATA_KINDS)


def gate_threshold_problem(kind: str, x: float) -> str | None:
    """Why ``x`` cannot be a threshold of ``kind``: rates are shares, 0.3 not 30."""
    if kind in RATE_KINDS and not 0 <= x <= 1:
        return say("e_not_share", x=f"{x:g}")
    if kind == "min_nps" and not -100 <= x <= 100:
        return say("e_not_nps", x=f"{x:g}")
    if kind == "max_at_stake" and x < 0:
        return say("e_not_customers", x=f"{x:g}")
    return None
