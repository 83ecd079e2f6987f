"""How long `cjtool value`'s statistics take for 1M customers (issue 22: under 30 s on 2
cores): BG/NBD and Gamma-Gamma fitted by maximum likelihood, then every customer's
p_alive, expected purchases over 39 weeks, expected spend and CLV.

The customers are drawn from BG/NBD and Gamma-Gamma with known parameters (seeded), ages
of 1 day to 2 years measured in whole days as the command does, so the fitted parameters
are printed beside the true ones.

Run: python benchmarks/value_fit.py [--customers 1000000] [--end-to-end]

``--end-to-end`` also writes the customers' purchases as a Parquet event file (first and
last purchase at 0 and t_x, the others evenly between, a revenue each; a temporary folder)
and times ``cjtool.api.value`` on it: reading, the journeys step, the per-customer
aggregation, both fits and the predictions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
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


def events_file(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, folder: Path) -> Path:
    """A Parquet event file of these customers, calibration ending on 2026-06-30."""
    import polars as pl

    end = datetime(2026, 6, 30, 12)
    n = x.astype(np.int64) + 1
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # 0..x within each customer
    share = np.where(np.repeat(x, n) > 0, k / np.maximum(np.repeat(x, n), 1), 0.0)
    days_before_end = np.repeat(np.round(T * 7), n) - np.round(np.repeat(t_x * 7, n) * share)
    table = pl.DataFrame(
        {
            "customer_id": pl.Series(np.repeat(np.arange(len(x)), n)).cast(pl.String).str.zfill(7),
            "days": days_before_end.astype(np.int64),
            "revenue": np.round(np.random.default_rng(5).gamma(5.0, 7.0, int(n.sum())), 2),
        }
    ).select(
        "customer_id",
        (pl.lit(end) - pl.duration(days=pl.col("days"))).dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("timestamp"),
        pl.lit("order").alias("touchpoint"),
        "revenue",
    )
    path = folder / "value_events.parquet"
    table.write_parquet(path)
    return path


MODEL = """\
name: shop
stages:
  - id: buy
    label: Buy
    touchpoints: [order]
"""


def end_to_end(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
    from cjtool import api
    from cjtool.model import load_model

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        events = events_file(x, t_x, T, folder)
        (folder / "shop.yaml").write_text(MODEL, encoding="utf-8")
        model = load_model(str(folder / "shop.yaml"))
        start = time.perf_counter()
        result = api.value([str(events)], model, until="2026-06-30")
        wall = time.perf_counter() - start
    print(
        f"end to end: api.value on {int(x.sum() + len(x)):,} events, {result.customers.height:,} customers "
        f"in {wall:.2f} s (BG/NBD r={result.bgnbd.params[0]:.4f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--end-to-end", action="store_true", help="also time cjtool.api.value on an event file")
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
    if args.end_to_end:
        end_to_end(x, t_x, T)


if __name__ == "__main__":
    main()
