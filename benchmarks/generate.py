#!/usr/bin/env python3
"""Seeded, vectorised generator of realistic AIPL event logs of any size.

    python benchmarks/generate.py --events 10_000_000 --out benchmarks/data/events_10m.csv [--parquet]

Columns: customer_id, timestamp, touchpoint, channel, satisfaction, nps, effort, like a
real export of the AIPL model in ``cjtool/models/aipl.yaml``:

* about 10 events per customer on average (heavy-tailed: many one-ad customers, a few
  with 50+ events), so 10M events are about 1M customers;
* customers move through Awareness -> Interest -> Purchase -> Loyalty with drop-off at
  every step; ~7% enter mid-journey (no awareness event), ~10% of later events are
  revisits of an earlier stage, awareness is sometimes spread over weeks (so the 30-day
  conversion window matters and the best start is not always the first one);
* ~5% of events are touchpoints no stage matches (login, app_open, ...), and ~1% of
  customers have nothing but such events;
* timestamps: ISO 8601 UTC with ``Z`` over ~90 days (2026-01-01 to the export cut-off
  2026-03-31T23:59:59Z; later events are not in the export), ~3% written with a
  ``+08:00`` offset (same instant); within a customer every event time is distinct
  (>= 1 s apart), so "input order" tie-breaks never matter;
* satisfaction 1-5 on ~15% of rows, nps 0-10 on ~2%, effort 1-7 on ~5%; checkout and
  support tickets are the pain points;
* rows are NOT grouped by customer: each chunk (``--chunk`` rows, default 5M) holds its
  own customers and is shuffled (``--order shuffle``, default) or sorted by time
  (``--order time``, like many exports), then appended, so memory stays bounded.

No Python loop runs over rows or customers (only over chunks, stages and touchpoints).
The same --seed, --events and --chunk always give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

# ------------------------------------------------------------------------ the model

# (touchpoint, weight) per stage; the names are the aipl.yaml ones (awareness also has
# ad_click / social_share_view, matched by its regex "^(ad_|social_)").
STAGE_TOUCHPOINTS: list[list[tuple[str, float]]] = [
    [
        ("ad_impression", 0.40),
        ("search_result_view", 0.22),
        ("livestream_view", 0.12),
        ("kol_post_view", 0.12),
        ("ad_click", 0.09),
        ("social_share_view", 0.05),
    ],
    [
        ("product_page_view", 0.45),
        ("product_review_read", 0.12),
        ("add_to_wishlist", 0.08),
        ("coupon_claim", 0.08),
        ("add_to_cart", 0.12),
        ("presale_chat", 0.06),
        ("store_visit", 0.05),
        ("checkout", 0.04),
    ],
    [("order_paid", 0.85), ("store_purchase", 0.15)],
    [
        ("repeat_purchase", 0.30),
        ("review_posted", 0.25),
        ("member_signup", 0.15),
        ("referral_share", 0.10),
        ("support_ticket", 0.20),
    ],
]
NOISE = [
    ("login", 0.30),
    ("app_open", 0.30),
    ("push_open", 0.12),
    ("newsletter_open", 0.10),
    ("logout", 0.08),
    ("password_reset", 0.05),
    ("page_not_found", 0.05),
]

TOUCHPOINTS = [tp for stage in STAGE_TOUCHPOINTS for tp, _ in stage] + [tp for tp, _ in NOISE]
CODE = {tp: i for i, tp in enumerate(TOUCHPOINTS)}
CHANNELS = ["web", "app", "mini_program", "store", "social", "call_center"]
CH = {c: i for i, c in enumerate(CHANNELS)}

# Mean satisfaction (1-5) per touchpoint; the rest use DEFAULT_SAT.
DEFAULT_SAT = 4.1
SAT_MEAN = {
    "checkout": 3.0,
    "support_ticket": 2.7,
    "presale_chat": 3.5,
    "add_to_cart": 3.8,
    "store_purchase": 4.6,
    "order_paid": 4.3,
    "password_reset": 2.5,
    "page_not_found": 2.0,
}
EFFORT_MEAN = {"checkout": 4.8, "support_ticket": 5.2, "presale_chat": 4.0, "password_reset": 5.0}

# Funnel: P(reach stage k+1 | reached k), P(enter at interest without awareness).
P_NEXT = [0.55, 0.42, 0.50]
P_MID_ENTRY = 0.07
P_NOISE_ONLY = 0.01
P_REVISIT = 0.10
# Events per reached stage: 1 + geometric-ish counts with these means.
STAGE_MEAN_EVENTS = [6.5, 7.5, 1.3, 3.0]
NOISE_PER_CUSTOMER = 0.45  # Poisson mean of unassigned events per customer

START = np.datetime64("2026-01-01T00:00:00", "s").astype(np.int64)
LAST_START_DAYS = 80
CUTOFF = np.datetime64("2026-03-31T23:59:59", "s").astype(np.int64)
DAY = 86_400
HOUR = 3_600

P_OFFSET = 0.03  # timestamps written in +08:00
P_SAT, P_NPS, P_EFFORT = 0.15, 0.02, 0.05


# ---------------------------------------------------------------------- generation


def _segment_positions(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of the given lengths: (segment index, position within segment) of
    every element, customer-major."""
    seg = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(int(lengths.sum())) - np.repeat(starts, lengths)
    return seg, pos


def _segmented_cumsum(values: np.ndarray, seg_lengths: np.ndarray) -> np.ndarray:
    c = np.concatenate(([0], np.cumsum(values)))
    starts = np.cumsum(seg_lengths) - seg_lengths
    return c[1:] - np.repeat(c[starts], seg_lengths)


def _choose(rng: np.random.Generator, pairs: list[tuple[str, float]], n: int) -> np.ndarray:
    codes = np.array([CODE[tp] for tp, _ in pairs], dtype=np.int16)
    w = np.array([wt for _, wt in pairs], dtype=np.float64)
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def _customers_events(rng: np.random.Generator, n_customers: int) -> dict[str, np.ndarray]:
    """Events of ``n_customers`` customers, customer-major and in time order per customer,
    before the export cut-off. Returns numpy columns (customer = local index)."""
    m = n_customers
    # how far each customer gets (stage index 1..4), and where they enter
    depth = np.ones(m, dtype=np.int8)
    for k, p in enumerate(P_NEXT, start=1):
        depth += ((depth == k) & (rng.random(m) < p)).astype(np.int8)
    mid = rng.random(m) < P_MID_ENTRY
    depth = np.where(mid & (depth < 2), 2, depth).astype(np.int8)
    noise_only = rng.random(m) < P_NOISE_ONLY

    # events per stage (0 for stages not reached / skipped)
    counts = np.zeros((m, 4), dtype=np.int64)
    for k in range(4):
        mean = STAGE_MEAN_EVENTS[k]
        c = rng.geometric(1.0 / mean, size=m)  # >= 1, mean `mean`, heavy-ish tail
        reached = depth >= k + 1
        if k == 0:
            reached &= ~mid
        counts[:, k] = np.where(reached & ~noise_only, c, 0)
    n_noise = rng.poisson(NOISE_PER_CUSTOMER, size=m) + noise_only * rng.geometric(0.5, size=m)
    n_stage = counts.sum(axis=1)

    # ---- assigned (stage) events: stage by position, then revisits
    seg, pos = _segment_positions(n_stage)
    bounds = np.cumsum(counts, axis=1)  # per customer cumulative counts
    b = bounds[seg]
    stage = 1 + (pos[:, None] >= b[:, :3]).sum(axis=1).astype(np.int8)
    n_ev = len(seg)
    first_in_stage = np.ones(n_ev, dtype=bool)
    first_in_stage[1:] = (stage[1:] != stage[:-1]) | (seg[1:] != seg[:-1])
    last_in_stage = np.ones(n_ev, dtype=bool)
    last_in_stage[:-1] = (stage[1:] != stage[:-1]) | (seg[1:] != seg[:-1])

    # time gaps (s): the first event at the customer's start; within awareness mostly
    # hours, sometimes weeks (ads seen long before any interest); between stages days.
    start = START + rng.integers(0, LAST_START_DAYS * DAY, size=m)
    within = np.where(rng.random(n_ev) < 0.8, rng.exponential(3 * HOUR, n_ev), rng.exponential(3 * DAY, n_ev))
    within = np.where(stage == 1, np.where(rng.random(n_ev) < 0.25, rng.exponential(9 * DAY, n_ev), within), within)
    between = rng.exponential(5 * DAY, n_ev)
    gap = np.where(first_in_stage, between, within)
    gap = 1 + np.floor(gap).astype(np.int64)  # >= 1 s: distinct times within a customer
    gap[pos == 0] = 0
    ts = start[seg] + _segmented_cumsum(gap, n_stage)

    # touchpoints by stage
    tp = np.empty(n_ev, dtype=np.int16)
    for k in range(4):
        idx = np.flatnonzero(stage == k + 1)
        tp[idx] = _choose(rng, STAGE_TOUCHPOINTS[k], len(idx))
    # the step before a purchase is usually a checkout; lost carts end at cart/checkout
    cust_depth = depth[seg]
    before_buy = last_in_stage & (stage == 2) & (cust_depth >= 3)
    tp[before_buy & (rng.random(n_ev) < 0.8)] = CODE["checkout"]
    lost = last_in_stage & (stage == 2) & (cust_depth == 2)
    r = rng.random(n_ev)
    tp[lost & (r < 0.35)] = CODE["checkout"]
    tp[lost & (r >= 0.35) & (r < 0.6)] = CODE["add_to_cart"]
    # revisits: a later event goes back to an earlier stage's touchpoint
    rev = (stage >= 2) & ~first_in_stage & (rng.random(n_ev) < P_REVISIT)
    rev_stage = (1 + np.floor(rng.random(n_ev) * (stage - 1))).astype(np.int8)
    for k in range(3):
        idx = np.flatnonzero(rev & (rev_stage == k + 1))
        tp[idx] = _choose(rng, STAGE_TOUCHPOINTS[k], len(idx))
        stage[idx] = k + 1

    # ---- unassigned (noise) events, anywhere in the customer's span
    nseg, _ = _segment_positions(n_noise)
    span = np.zeros(m, dtype=np.int64)
    has = n_stage > 0
    last_idx = np.cumsum(n_stage) - 1
    span[has] = ts[last_idx[has]] - start[has]
    span = np.maximum(span, 2 * HOUR)
    nts = start[nseg] + (rng.random(len(nseg)) * span[nseg]).astype(np.int64)
    ntp = _choose(rng, NOISE, len(nseg))

    cust = np.concatenate([seg, nseg])
    ts_all = np.concatenate([ts, nts])
    tp_all = np.concatenate([tp, ntp])
    stage_all = np.concatenate([stage, np.zeros(len(nseg), dtype=np.int8)])
    order = np.argsort(cust, kind="stable")  # customer-major again
    cols = {"cust": cust[order], "ts": ts_all[order], "tp": tp_all[order], "stage": stage_all[order]}
    keep = cols["ts"] <= CUTOFF
    return {k: v[keep] for k, v in cols.items()}


def _channels(rng: np.random.Generator, cust: np.ndarray, tp: np.ndarray, n_customers: int) -> np.ndarray:
    pref = rng.choice(3, size=n_customers, p=[0.45, 0.40, 0.15]).astype(np.int8)  # web/app/mini
    n = len(tp)
    ch = pref[cust]
    other = rng.random(n) < 0.2
    ch = np.where(other, rng.integers(0, 3, n).astype(np.int8), ch)
    social = np.isin(tp, [CODE["kol_post_view"], CODE["social_share_view"]])
    ch = np.where(social, CH["social"], ch)
    ch = np.where(tp == CODE["livestream_view"], np.where(rng.random(n) < 0.7, CH["app"], CH["social"]), ch)
    ch = np.where(np.isin(tp, [CODE["store_visit"], CODE["store_purchase"]]), CH["store"], ch)
    ch = np.where((tp == CODE["support_ticket"]) & (rng.random(n) < 0.5), CH["call_center"], ch)
    return ch.astype(np.int8)


def _scores(rng: np.random.Generator, tp: np.ndarray) -> tuple[np.ndarray, ...]:
    n = len(tp)
    sat_mu = np.full(len(TOUCHPOINTS), DEFAULT_SAT)
    eff_mu = np.full(len(TOUCHPOINTS), 3.0)
    for name, v in SAT_MEAN.items():
        sat_mu[CODE[name]] = v
    for name, v in EFFORT_MEAN.items():
        eff_mu[CODE[name]] = v
    sat = np.clip(np.rint(rng.normal(sat_mu[tp], 0.9)), 1, 5).astype(np.int8)
    nps = np.clip(np.rint(rng.normal(7.8, 2.2, n)), 0, 10).astype(np.int8)
    eff = np.clip(np.rint(rng.normal(eff_mu[tp], 1.2)), 1, 7).astype(np.int8)
    return (sat, rng.random(n) < P_SAT), (nps, rng.random(n) < P_NPS), (eff, rng.random(n) < P_EFFORT)


def generate_chunk(seed: int, chunk_index: int, n_rows: int, id_offset: int, order: str) -> tuple[pl.DataFrame, int]:
    """``n_rows`` events of fresh customers (ids from ``id_offset``); returns the frame
    and the number of customer ids used. Its ``timestamp`` is typed (Datetime, UTC), as
    in a warehouse's Parquet export; ``_offset`` marks the rows whose CSV text is written
    in +08:00 (``as_csv``)."""
    rng = np.random.default_rng([seed, chunk_index])
    mean_len = 10.0
    m = int(n_rows / mean_len * 1.25) + 64
    while True:
        ev = _customers_events(rng, m)
        if len(ev["ts"]) >= n_rows:
            break
        m = int(m * 1.5) + 64
    # the first n_rows events (customer-major): whole customers plus a cut last one
    ev = {k: v[:n_rows] for k, v in ev.items()}
    n_cust = int(ev["cust"][-1]) + 1 if n_rows else 0
    cust, ts, tp = ev["cust"], ev["ts"], ev["tp"]
    ch = _channels(rng, cust, tp, n_cust)
    (sat, sat_on), (nps, nps_on), (eff, eff_on) = _scores(rng, tp)
    offset = rng.random(n_rows) < P_OFFSET

    # shuffle, or time: sorted by instant, like an export ordered by event time
    perm = rng.permutation(n_rows) if order == "shuffle" else np.argsort(ts, kind="stable")
    cust, ts, tp, ch, offset = cust[perm], ts[perm], tp[perm], ch[perm], offset[perm]
    sat, sat_on, nps, nps_on, eff, eff_on = (a[perm] for a in (sat, sat_on, nps, nps_on, eff, eff_on))

    width = max(7, len(str(id_offset + n_cust)))
    dt = pl.Series("t", ts * 1_000_000, dtype=pl.Int64).cast(pl.Datetime("us"))
    df = pl.DataFrame(
        {
            "cid": pl.Series(cust + id_offset, dtype=pl.Int64),
            "dt": dt,
            "off": offset,
            "tp": pl.Series(tp.astype(np.uint32)),
            "ch": pl.Series(ch.astype(np.uint32)),
            "satisfaction": pl.Series(sat).cast(pl.Int8),
            "sat_on": sat_on,
            "nps": pl.Series(nps).cast(pl.Int8),
            "nps_on": nps_on,
            "effort": pl.Series(eff).cast(pl.Int8),
            "eff_on": eff_on,
        }
    )
    tp_names = pl.Series(TOUCHPOINTS, dtype=pl.String)
    ch_names = pl.Series(CHANNELS, dtype=pl.String)
    out = df.select(
        pl.concat_str(pl.lit("c"), pl.col("cid").cast(pl.String).str.zfill(width)).alias("customer_id"),
        pl.col("dt").dt.replace_time_zone("UTC").alias("timestamp"),
        pl.lit(tp_names).gather(pl.col("tp")).alias("touchpoint"),
        pl.lit(ch_names).gather(pl.col("ch")).alias("channel"),
        pl.when(pl.col("sat_on")).then(pl.col("satisfaction")).alias("satisfaction"),
        pl.when(pl.col("nps_on")).then(pl.col("nps")).alias("nps"),
        pl.when(pl.col("eff_on")).then(pl.col("effort")).alias("effort"),
        pl.col("off").alias("_offset"),
    )
    return out, n_cust


def as_csv(df: pl.DataFrame) -> pl.DataFrame:
    """The CSV form of a chunk: ISO text timestamps, ``Z`` or ``+08:00``."""
    ts = pl.col("timestamp").dt.replace_time_zone(None)
    text = (
        pl.when(pl.col("_offset"))
        .then((ts + pl.duration(hours=8)).dt.to_string("%Y-%m-%dT%H:%M:%S+08:00"))
        .otherwise(ts.dt.to_string("%Y-%m-%dT%H:%M:%SZ"))
    )
    return df.with_columns(text.alias("timestamp")).drop("_offset")


def generate(
    n_events: int,
    out: Path,
    *,
    parquet: bool = False,
    seed: int = 20260304,
    chunk: int = 5_000_000,
    order: str = "shuffle",
    quiet: bool = False,
) -> dict[str, float]:
    out.parent.mkdir(parents=True, exist_ok=True)
    pq_path = out.with_suffix(".parquet") if parquet else None
    writer = None
    if pq_path is not None:
        try:
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover
            pq = None
    t0 = time.perf_counter()
    id_offset = 0
    done = 0
    with open(out, "wb") as fh:
        i = 0
        while done < n_events or i == 0:
            n = min(chunk, n_events - done)
            df, n_cust = generate_chunk(seed, i, n, id_offset, order)
            as_csv(df).write_csv(fh, include_header=(i == 0))
            df = df.drop("_offset")
            if pq_path is not None:
                if pq is not None:
                    table = df.to_arrow()
                    if writer is None:
                        writer = pq.ParquetWriter(pq_path, table.schema, compression="zstd")
                    writer.write_table(table)
                else:  # polars only: one part file per chunk, joined at the end
                    df.write_parquet(pq_path.with_name(f"{pq_path.stem}.part{i:04d}.parquet"))
            id_offset += n_cust
            done += n
            i += 1
            if not quiet:
                el = time.perf_counter() - t0
                print(
                    f"  chunk {i}: {done:,}/{n_events:,} rows, {id_offset:,} customers, {el:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
            if n_events == 0:
                break
    if pq_path is not None:
        if writer is not None:
            writer.close()
        elif pq is None:
            parts = sorted(pq_path.parent.glob(f"{pq_path.stem}.part*.parquet"))
            pl.concat([pl.scan_parquet(p) for p in parts]).sink_parquet(pq_path)
            for p in parts:
                p.unlink()
    return {
        "rows": done,
        "customers": id_offset,
        "seconds": time.perf_counter() - t0,
        "csv_bytes": out.stat().st_size,
        "parquet_bytes": pq_path.stat().st_size if pq_path is not None else 0,
    }


def _count(text: str) -> int:
    return int(float(text.replace("_", "")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=_count, required=True, help="rows to write, e.g. 10_000_000 or 1e7")
    ap.add_argument("--out", type=Path, required=True, help="CSV file to write (parent folders are created)")
    ap.add_argument("--parquet", action="store_true", help="also write the same rows to OUT with suffix .parquet")
    ap.add_argument("--seed", type=int, default=20260304)
    ap.add_argument("--chunk", type=_count, default=5_000_000, help="rows per chunk (bounds memory)")
    ap.add_argument(
        "--order",
        choices=["shuffle", "time"],
        default="shuffle",
        help="row order within a chunk: shuffled (default) or by event time",
    )
    ap.add_argument("--quiet", "-q", action="store_true")
    a = ap.parse_args(argv)
    info = generate(a.events, a.out, parquet=a.parquet, seed=a.seed, chunk=a.chunk, order=a.order, quiet=a.quiet)
    if not a.quiet:
        pq = f", parquet {info['parquet_bytes'] / 1e6:.0f} MB" if a.parquet else ""
        print(
            f"wrote {a.out}: {info['rows']:,} rows, {info['customers']:,} customers, "
            f"{info['csv_bytes'] / 1e6:.0f} MB{pq} in {info['seconds']:.1f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
