"""Simulated A/B tests through cjtool.stats: error rates and power (not a pytest test).

Checks the statistics behave as advertised on data with a known truth:
- no real difference: the share flagged significant stays near alpha (one test), and
  Holm keeps the family-wise rate <= alpha over 10 metrics;
- a real difference: power grows with the sample size;
- peeking after every batch: the fixed-horizon test's false alarms inflate, the
  always-valid confidence sequence keeps them <= alpha.

Run: python benchmarks/stats_simulation.py [--quick]   (about 30 s on one core, --quick 2 s; seeded)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's cjtool, not an installed one
from cjtool.stats import adjust, nps_test, proportion_test, sequential_proportions, welch_test

ALPHA = 0.05
SCALE = 1_000_000


def rate(flags: list[bool]) -> str:
    """Share with its Monte-Carlo standard error."""
    p = float(np.mean(flags))
    return f"{p:6.3f} ± {np.sqrt(p * (1 - p) / len(flags)):.3f}"


def welch_sums(values: np.ndarray) -> tuple[int, int, int]:
    units = [int(u) for u in np.round(values * SCALE)]
    return len(units), sum(units), sum(u * u for u in units)


def null_single(rng: np.random.Generator, reps: int) -> list[tuple[str, str]]:
    rows = []
    xa, xb = rng.binomial(1000, 0.2, reps), rng.binomial(1000, 0.2, reps)
    rows.append(
        (
            "proportions z, p=.2, n=1000",
            rate([proportion_test(a, 1000, b, 1000).p_value < ALPHA for a, b in zip(xa, xb, strict=True)]),
        )
    )
    xa, xb = rng.binomial(40, 0.1, reps), rng.binomial(40, 0.1, reps)
    rows.append(
        (
            "proportions Fisher, p=.1, n=40",
            rate([proportion_test(a, 40, b, 40).p_value < ALPHA for a, b in zip(xa, xb, strict=True)]),
        )
    )
    flags = []
    for _ in range(reps):
        a, b = np.round(rng.gamma(2, 1.5, 200), 1), np.round(rng.gamma(2, 1.5, 200), 1)
        flags.append(welch_test(welch_sums(a), welch_sums(b), scale=SCALE).p_value < ALPHA)
    rows.append(("Welch, skewed scores, n=200", rate(flags)))
    ca, cb = rng.multinomial(300, [0.3, 0.2, 0.5], reps), rng.multinomial(300, [0.3, 0.2, 0.5], reps)
    rows.append(
        (
            "NPS z, n=300",
            rate([nps_test((a[0], a[1], 300), (b[0], b[1], 300)).p_value < ALPHA for a, b in zip(ca, cb, strict=True)]),
        )
    )
    return rows


def null_family(rng: np.random.Generator, reps: int, metrics: int = 10) -> list[tuple[str, str]]:
    raw, holm_flags = [], []
    for _ in range(reps):
        xa, xb = rng.binomial(800, 0.3, metrics), rng.binomial(800, 0.3, metrics)
        tests = [proportion_test(int(a), 800, int(b), 800) for a, b in zip(xa, xb, strict=True)]
        raw.append(any(t.p_value < ALPHA for t in tests))
        holm_flags.append(any(t.significant for t in adjust(tests, alpha=ALPHA) if t is not None))
    return [(f"any of {metrics} flagged, unadjusted", rate(raw)), (f"any of {metrics} flagged, Holm", rate(holm_flags))]


def power(rng: np.random.Generator, reps: int) -> list[tuple[str, str]]:
    rows = []
    for n in (500, 1000, 2000, 4000, 8000):
        xa, xb = rng.binomial(n, 0.20, reps), rng.binomial(n, 0.22, reps)
        rows.append(
            (
                f"power .20 -> .22, n={n}",
                rate([proportion_test(a, n, b, n).p_value < ALPHA for a, b in zip(xa, xb, strict=True)]),
            )
        )
    return rows


def peeking(rng: np.random.Generator, reps: int, looks: int = 20, batch: int = 250) -> list[tuple[str, str]]:
    rows = []
    for label, pb in (("no difference", 0.20), ("real .20 -> .23", 0.23)):
        xa = rng.binomial(batch, 0.20, (reps, looks)).cumsum(axis=1)
        xb = rng.binomial(batch, pb, (reps, looks)).cumsum(axis=1)
        fixed_any, seq_any, fixed_last = [], [], []
        for i in range(reps):
            seen = [(int(xa[i, k]), batch * (k + 1), int(xb[i, k]), batch * (k + 1)) for k in range(looks)]
            fixed_any.append(any(proportion_test(*s).p_value < ALPHA for s in seen))
            seq_any.append(any(sequential_proportions(*s, alpha=ALPHA).significant for s in seen))
            fixed_last.append(proportion_test(*seen[-1]).p_value < ALPHA)
        rows += [
            (f"{label}: fixed test, one look at the end", rate(fixed_last)),
            (f"{label}: fixed test, {looks} looks", rate(fixed_any)),
            (f"{label}: sequential (tuning 5000), {looks} looks", rate(seq_any)),
        ]
    return rows


def main() -> None:
    quick = "--quick" in sys.argv
    reps = 500 if quick else 10_000
    rng = np.random.default_rng(20240601)
    start = time.perf_counter()
    sections = [
        ("No real difference, one test (want ≈ 0.05)", null_single(rng, reps)),
        ("No real difference, 10 metrics (want Holm ≤ 0.05)", null_family(rng, reps // 2)),
        ("Real difference: power grows with n", power(rng, reps // 2)),
        ("Peeking after every batch of 250 per side (want sequential ≤ 0.05)", peeking(rng, reps // 2)),
    ]
    width = max(len(label) for _, rows in sections for label, _ in rows)
    for title, rows in sections:
        print(f"\n{title}")
        for label, value in rows:
            print(f"  {label:<{width}}  {value}")
    print(
        f"\n{reps} replications per single-test row ({reps // 2} for the others); {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
