"""How long `cjtool value`'s statistics take for 1M customers (issue 22: under 30 s on 2
cores): BG/NBD and Gamma-Gamma fitted by maximum likelihood, then every customer's
p_alive, expected purchases over 39 weeks, expected spend and CLV.

The customers are drawn from BG/NBD and Gamma-Gamma with known parameters (seeded), ages
of 1 day to 2 years measured in whole days as the command does, so the fitted parameters
are printed beside the true ones.

Run: python benchmarks/value_fit.py [--customers 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's cjtool, not an installed one
from cjtool.stats import clv

TRUE_BGNBD = (0.25, 4.0, 0.8, 2.5)  # r, alpha (weeks), a, b: near CDNOW's
TRUE_GG = (6.0, 3.8, 15.0)  # p, q, gamma


def simulate(n: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    """(x, t_x, T, m) in weeks of whole days: BG/NBD purchases after a first one at 0 up
    to an age T; each repeat's value Gamma(p, nu) with nu ~ Gamma(q, gamma)."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUE_BGNBD
    T = rng.integers(1, 730, n) / 7.0
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    x, t_x, clock = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.arange(n)
    while active.size:
        clock[active] += rng.exponential(1 / lam[active])
        inside = clock[active] <= T[active]
        active = active[inside]
        x[active] += 1
        t_x[active] = np.floor(clock[active] * 7) / 7  # whole days, as the command measures
        active = active[rng.random(active.size) >= drop[active]]
    p, q, v = TRUE_GG
    nu = rng.gamma(q, 1 / v, n)
    m = np.where(x > 0, rng.gamma(p * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return x, t_x, T, np.round(m, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    x, t_x, T, m = simulate(args.customers)
    print(f"simulated {args.customers:,} customers ({int((x > 0).sum()):,} repeat) in {time.perf_counter() - t0:.1f} s")

    start = time.perf_counter()
    (ux, ut, uT), w = clv.compress(x, t_x, T)
    bg = clv.fit_bgnbd(ux, ut, uT, w)
    t_bg = time.perf_counter()
    usable = (x > 0) & (m > 0)
    (gx, gm), gw = clv.compress(x[usable], m[usable])
    gg = clv.fit_gamma_gamma(gx, gm, gw)
    t_gg = time.perf_counter()
    alive = clv.p_alive(*bg.params, x, t_x, T)
    purchases = clv.expected_purchases(*bg.params, 39.0, x, t_x, T)
    spend = clv.expected_spend(*gg.params, x, m)
    value = purchases * spend
    end = time.perf_counter()
    assert np.all(np.isfinite(alive)) and np.all(np.isfinite(value))

    print(f"BG/NBD      {len(ux):,} distinct (x, t_x, T) rows; {bg.iterations} iterations, converged={bg.converged}")
    print(
        "            fitted "
        + " ".join(f"{n}={v:.4f}" for n, v in zip(("r", "alpha", "a", "b"), bg.params, strict=True))
    )
    print(
        "            true   "
        + " ".join(f"{n}={v:.4f}" for n, v in zip(("r", "alpha", "a", "b"), TRUE_BGNBD, strict=True))
    )
    print(f"Gamma-Gamma {len(gx):,} distinct (x, m) rows; {gg.iterations} iterations, converged={gg.converged}")
    print("            fitted " + " ".join(f"{n}={v:.4f}" for n, v in zip(("p", "q", "gamma"), gg.params, strict=True)))
    print("            true   " + " ".join(f"{n}={v:.4f}" for n, v in zip(("p", "q", "gamma"), TRUE_GG, strict=True)))
    print(
        f"time: BG/NBD fit {t_bg - start:.2f} s, Gamma-Gamma fit {t_gg - t_bg:.2f} s, "
        f"per-customer predictions {end - t_gg:.2f} s; total {end - start:.2f} s (goal: under 30 s)"
    )


if __name__ == "__main__":
    main()
