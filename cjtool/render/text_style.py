"""Colours of the terminal renderers (rich styles), shared by the journey strip
(`journey_text`) and the tables (`table`): which satisfaction reads red, yellow or green,
and from which priority a pain point is highlighted.
"""

from __future__ import annotations

PAIN_PRIORITY = 0.5  # a ranked touchpoint at or above this priority is highlighted


def satisfaction_style(value: float | None, lo: float, hi: float) -> str:
    if value is None:
        return "dim"
    x = (value - lo) / (hi - lo)
    return "red" if x < 0.4 else ("yellow" if x < 0.7 else "green")
