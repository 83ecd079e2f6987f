"""The polars engine: stage assignment (SPEC section 2) and customer depth (section 3).

Everything here is polars expressions over whole columns; Python loops run over *stages*
(a handful), never over events or customers. For large inputs, ``customer_journeys`` hands
the per-customer ordering and chains to the compiled kernel (``cjtool.kernel``), which is
tested to give the very frame of the polars path below.

How depth is computed (ordered mode). The assigned events are sorted once by
(customer, timestamp, input order). Two pointer columns then make every greedy chain a
few gathers:

* ``block[i]``: the first position with the same customer and timestamp as ``i``;
* ``next_k[i]``: the first position at or after ``i`` whose stage is ``k``.

From a stage-(k-1) step at position ``p``, the SPEC's "earliest stage-k event at or after
r_(k-1)" (equal timestamps count) is ``next_k[block[p]]``, if it is still the same
customer and, with a window, within ``W`` of the start. All stage-1 events are starts;
each customer keeps the deepest chain, from its earliest start among equals.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from cjtool.kernel import kernel_wanted
from cjtool.model import JourneyModel, Stage

STAGE = pl.UInt16
POS = pl.UInt32


def stage_condition(stage: Stage, *, channel_blind: bool = False, occurrence_blind: bool = False) -> pl.Expr:
    """Whether an event matches ``stage`` (SPEC section 2): listed touchpoint (for an
    occurrence item, at that occurrence: column ``occ``, see ``occurrence_column``) or regex
    search, and, when the stage lists channels, a channel among them. ``occurrence_blind``
    reads occurrence items as plain names (for frames without ``occ``)."""
    touchpoint, channel = pl.col("touchpoint").cast(pl.String), pl.col("channel").cast(pl.String)
    cond = pl.lit(False)
    plain = stage.names if occurrence_blind else stage.touchpoints
    if plain:
        cond = touchpoint.is_in(list(plain))
    if not occurrence_blind:
        for item in stage.occurrences:
            at = pl.col("occ") >= item.n if item.or_later else pl.col("occ") == item.n
            cond = cond | ((touchpoint == item.name) & at)
    if stage.match:
        cond = cond | touchpoint.str.contains(stage.match)
    if stage.channels is not None and not channel_blind:
        cond = cond & channel.is_in(list(stage.channels)).fill_null(False)
    return cond.fill_null(False)


def stage_expr(model: JourneyModel) -> pl.Expr:
    """1-based index of the first stage matching (touchpoint, channel); null if none."""
    expr: Any = None  # a when/then chain
    for k, st in enumerate(model.stages, start=1):
        cond = stage_condition(st)
        expr = pl.when(cond).then(pl.lit(k, STAGE)) if expr is None else expr.when(cond).then(pl.lit(k, STAGE))
    if expr is None:
        return pl.lit(None, STAGE).alias("stage")
    return expr.otherwise(pl.lit(None, STAGE)).alias("stage")


def uses_occurrences(model: JourneyModel) -> bool:
    return any(st.occurrences for st in model.stages)


def _occurrences(events: pl.DataFrame, model: JourneyModel) -> tuple[pl.Series, pl.Series]:
    """``(rows, n)``: the rows of events at a touchpoint some occurrence item names, and
    each one's number among the customer's events at that touchpoint in (timestamp,
    input order), whatever their channel (SPEC section 2). Capped at one more than the
    largest N the model names, which keeps every comparison and the distinct
    (touchpoint, occ) keys few."""
    items = [o for st in model.stages for o in st.occurrences]
    cap = max(o.n for o in items) + 1
    names = sorted({o.name for o in items})
    touchpoint = pl.col("touchpoint")
    named = (
        touchpoint if isinstance(events.schema["touchpoint"], pl.Categorical) else touchpoint.cast(pl.String)
    ).is_in(names)
    # Number only the events at named touchpoints (a few percent of them): the ordered
    # window over every event cost 20x more (1.5 of 2.1 CPU s of the journeys at 1M events),
    # and a sort of those events costs less than a window ordered within each group.
    rows = events.select(named.arg_true()).to_series()
    idx = pl.int_range(pl.len(), dtype=POS)
    group_start = (pl.col("cust") != pl.col("cust").shift(1)) | (pl.col("touchpoint") != pl.col("touchpoint").shift(1))
    ordered = (
        events.select(pl.col("cust", "touchpoint").to_physical(), "timestamp", "row")[rows]
        .with_row_index("i")
        .sort("cust", "touchpoint", "timestamp", "row")
        .select("i", (idx - pl.when(group_start.fill_null(True)).then(idx).forward_fill() + 1).alias("n"))
    )
    n = pl.zeros(len(rows), POS, eager=True).scatter(ordered["i"], ordered["n"].clip(upper_bound=cap))
    return rows, n


def occurrence_column(events: pl.DataFrame, model: JourneyModel) -> pl.Series:
    """``occ``: the occurrence number (``_occurrences``) of events at touchpoints some
    occurrence item names; 0 elsewhere."""
    rows, n = _occurrences(events, model)
    return pl.zeros(events.height, pl.UInt32, eager=True).scatter(rows, n).alias("occ")


def _dense_codes(col: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """``(code, first)`` of a categorical column: each row's small dense code (one per
    distinct value, null included) and the row where each code first occurs; None for a
    column of another type. One gather through a table indexed by the physical codes:
    no row's string is hashed."""
    if not isinstance(col.dtype, pl.Categorical):
        return None
    physical = col.to_physical()
    first = physical.arg_unique()
    values = physical.gather(first)
    null = int(values.max() or 0) + 1  # the table's slot for null
    table = pl.zeros(null + 1, POS, eager=True).scatter(
        values.fill_null(null), pl.int_range(len(first), dtype=POS, eager=True)
    )
    return table.gather(physical.fill_null(null)), first


DENSE_KEYS = 1 << 22  # most (touchpoint, channel) code pairs a lookup table may have


def _stage_by_join(frame: pl.DataFrame, model: JourneyModel, keys: list[str]) -> pl.Series:
    """The stage of every row of ``frame``, evaluated once per distinct ``keys`` and joined
    back (for columns that are not categorical, and for the events at occurrence items)."""
    distinct = frame.select(keys).unique().with_columns(stage_expr(model))
    return frame.select(keys).join(distinct, on=keys, how="left", nulls_equal=True, maintain_order="left")["stage"]


def _stage_by_codes(events: pl.DataFrame, model: JourneyModel, keys: list[str]) -> pl.Series | None:
    """``_stage_by_join`` through dense key codes: each event's stage is one gather from a
    table of the distinct keys' stages (the join on the key columns cost 0.6 of 1.1 s of
    stage assignment at 10M events). None when a key column is not categorical or the
    keys are too many for a table."""
    codes = [_dense_codes(events[k]) for k in keys]
    if any(c is None for c in codes):
        return None
    key, first = codes[0]  # type: ignore[misc]
    if len(codes) == 2:
        channel, channel_first = codes[1]  # type: ignore[misc]
        if len(first) * len(channel_first) > DENSE_KEYS:
            return None
        key = key * len(channel_first) + channel
        first = key.arg_unique()
    distinct = events.select(keys).gather(first)
    if uses_occurrences(model):  # occurrence items never match here (see stage_column)
        distinct = distinct.with_columns(pl.lit(0, pl.UInt32).alias("occ"))
    stages = distinct.select(stage_expr(model)).to_series()
    table = pl.Series("stage", [None] * (int(key.max()) + 1), dtype=STAGE).scatter(key.gather(first), stages)
    return table.gather(key).alias("stage")


def stage_column(events: pl.DataFrame, model: JourneyModel) -> pl.Series:
    """The stage of every event (null: unassigned).

    The rules are evaluated once per distinct (touchpoint, channel) key, not once per
    event: exports have millions of events but few touchpoints, and regex search is the
    expensive part. Events at touchpoints that occurrence items name (a few percent) are
    assigned again with their occurrence number."""
    keys = ["touchpoint", "channel"] if any(s.channels is not None for s in model.stages) else ["touchpoint"]
    if events.height == 0:
        return pl.Series("stage", [], dtype=STAGE)
    stage = _stage_by_codes(events, model, keys)
    if stage is None:
        frame = events.select(keys)
        stage = _stage_by_join(
            frame.with_columns(pl.lit(0, pl.UInt32).alias("occ")) if uses_occurrences(model) else frame,
            model,
            [*keys, "occ"] if uses_occurrences(model) else keys,
        )
    if uses_occurrences(model):
        rows, n = _occurrences(events, model)
        if len(rows):
            named = events.select(keys)[rows].with_columns(n.alias("occ"))
            stage = stage.scatter(rows, _stage_by_join(named, model, [*keys, "occ"]))
    return stage.alias("stage")


def claimed_stages(events: pl.DataFrame, model: JourneyModel, stage: pl.Series) -> list[str]:
    """Ids of the stages that get no event although some event matches their rules:
    earlier stages claim all of them (first match wins, SPEC section 2)."""
    counts = stage.value_counts()
    got = set(counts["stage"].drop_nulls().to_list())
    empty = [k for k in range(1, len(model.stages) + 1) if k not in got]
    if not empty:
        return []
    keys = ["touchpoint", "channel"]
    frame = events.select(keys)
    if uses_occurrences(model):
        frame = frame.with_columns(occurrence_column(events, model))
    distinct = frame.unique()
    hits = distinct.select([stage_condition(model.stages[k - 1]).any().alias(str(k)) for k in empty]).row(0)
    return [model.stages[k - 1].id for k, hit in zip(empty, hits, strict=True) if hit]


KEY_BITS = 127  # an Int128 sort key, sign bit unused


def sorted_events(assigned: pl.DataFrame, key_bits: int = KEY_BITS) -> pl.DataFrame:
    """The assigned events sorted by (customer, timestamp, input order): columns ``cust``
    (u32 code), ``timestamp``, ``stage`` and ``pos`` (the row's position in ``assigned``,
    which is in input order).

    Sorting one column of values is several times faster in polars than sorting three
    columns, or an arg-sort followed by gathers; so all four fields are packed into one
    Int128 (customer | time offset | position | stage, most significant first), sorted,
    and unpacked. Stage sits below the unique position, so it never affects the order.
    If the fields need more than 127 bits (billions of rows over centuries in
    microseconds), a plain three-column sort does the same job."""
    frame = assigned.select(
        pl.col("cust").to_physical(), "timestamp", "stage", pl.int_range(pl.len(), dtype=POS).alias("pos")
    )
    if frame.height == 0:
        return frame
    t = pl.col("timestamp").to_physical()
    t0, t1 = frame.select(t.min().alias("t0"), t.max().alias("t1")).row(0)
    widths = {
        "cust": max(1, int(frame["cust"].max()).bit_length()),  # type: ignore[arg-type]
        "t": max(1, (t1 - t0).bit_length()),
        "pos": max(1, frame.height.bit_length()),
        "stage": max(1, int(frame["stage"].max()).bit_length()),  # type: ignore[arg-type]
    }
    if sum(widths.values()) > key_bits:
        return frame.sort(["cust", "timestamp", "pos"])
    ws, wp, wt = widths["stage"], widths["pos"], widths["t"]

    def i128(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Int128)

    def lit(v: int) -> pl.Expr:
        return pl.lit(v, pl.Int128)

    key = ((i128(pl.col("cust")) * lit(2**wt) + i128(t - t0)) * lit(2**wp) + i128(pl.col("pos"))) * lit(2**ws) + i128(
        pl.col("stage")
    )
    k = frame.select(key.alias("k")).to_series().sort().to_frame()
    # Int128 division is slow in polars: only the low bits (position, stage) are unpacked,
    # in u64; customer and time are gathered by position (0.5 -> 0.2 CPU s at 10M events).
    low = k.select((pl.col("k") % lit(2 ** (wp + ws))).cast(pl.UInt64).alias("low"))["low"]
    pos = (low // 2**ws).cast(POS).alias("pos")
    return pl.DataFrame(
        [
            frame["cust"].gather(pos),
            assigned["timestamp"].gather(pos).cast(pl.Datetime("us")).alias("timestamp"),
            (low % 2**ws).cast(STAGE).alias("stage"),
            pos,
        ]
    )


def customer_journeys(assigned: pl.DataFrame, model: JourneyModel, *, kernel: bool | None = None) -> pl.DataFrame:
    """One row per customer of the run (SPEC section 8), in customer-code order:

    * ``cust`` (code), ``depth``;
    * ``r1..rK``: the chain times, and ``c1..cK``: the chain events (positions in
      ``assigned``), null past the depth and in furthest mode;
    * ``first``/``last``: positions of the first and last assigned event, ``events``;
    * ``exit``: position of the customer's last event of stage ``depth`` when
      1 <= depth < K (SPEC section 5: where they were last seen in the deepest stage they
      reached), else null.

    ``assigned`` holds the assigned events in input order, with ``cust``, ``timestamp``
    and ``stage``.

    From ``cjtool.kernel.KERNEL_MIN_EVENTS`` assigned events on (or with ``kernel=True``)
    the compiled kernel (``cjtool.kernel``) computes the same frame; below, loading it
    costs more than it saves. The polars path below is the definition it is tested against."""
    use_kernel = kernel_wanted(assigned.height) if kernel is None else kernel
    if use_kernel and assigned.height:
        return kernel_journeys(assigned, model)[0]
    K = len(model.stages)
    ev = sorted_events(assigned)
    bounds = ev.select(
        (pl.col("cust") != pl.col("cust").shift(1)).fill_null(True).arg_true().alias("i0"),
        (pl.col("cust") != pl.col("cust").shift(-1)).fill_null(True).arg_true().alias("i1"),
    )
    per = pl.DataFrame(
        {
            "cust": ev["cust"].gather(bounds["i0"]),
            "first": ev["pos"].gather(bounds["i0"]),
            "last": ev["pos"].gather(bounds["i1"]),
            "events": (bounds["i1"] - bounds["i0"] + 1).cast(pl.UInt32),
        }
    )
    if model.mode == "furthest":
        depth = ev.group_by("cust", maintain_order=True).agg(pl.col("stage").max().cast(pl.Int32).alias("depth"))
        chains = depth.with_columns(
            [pl.lit(None, pl.Datetime("us")).alias(f"r{k}") for k in range(1, K + 1)]
            + [pl.lit(None, POS).alias(f"c{k}") for k in range(1, K + 1)]
        )
    else:
        chains = _ordered_chains(ev, model)
    customers = per.join(chains, on="cust", how="left", maintain_order="left").with_columns(
        pl.col("depth").fill_null(0)
    )
    return customers.with_columns(_exits(ev, customers, K))


def kernel_journeys(
    events: pl.DataFrame, model: JourneyModel, pair: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.Series | None]:
    """``customer_journeys`` by the compiled kernel: the same columns, types and rows.

    ``events`` may hold unassigned events too (a null ``stage``): the kernel leaves them
    out, and its positions are rows of ``events`` (no filtered copy of the events is
    made). With ``pair`` (a small code per event, from ``pair_codes``), also whether
    each event is its customer's first with its code: summed over a group of assigned
    events, the group's distinct customers (``cjtool.metrics``), without hashing them."""
    from cjtool import kernel  # lazy: numba loads only for inputs big enough to gain from it

    K = len(model.stages)
    window = None if model.window_s is None else round(model.window_s * 1_000_000)
    code, first, last, events, depth, r, c, chained, exit_, has_exit, pair_first = kernel.customer_arrays(
        events["cust"].to_physical().to_numpy(),
        events["timestamp"].cast(pl.Datetime("us")).to_physical().to_numpy(),
        None if pair is not None else events["stage"].fill_null(0).to_numpy(),  # (the pair codes hold it)
        K,
        window,
        model.same_time == "input_order",
        model.mode == "furthest",
        None if pair is None else pair.to_numpy(),
        K.bit_length(),
    )

    def masked(values: Any, mask: Any, name: str) -> pl.Series:
        return pl.Series(name, values).set(pl.Series(~mask), None)  # type: ignore[arg-type]

    firsts = None if pair is None else pl.Series("pair_first", pair_first, dtype=pl.Boolean)
    return pl.DataFrame(
        [
            pl.Series("cust", code, dtype=pl.UInt32),
            pl.Series("first", first, dtype=POS),
            pl.Series("last", last, dtype=POS),
            pl.Series("events", events, dtype=pl.UInt32),
            pl.Series("depth", depth, dtype=pl.Int32),
            *[masked(r[k], chained[k], f"r{k + 1}").cast(pl.Datetime("us")) for k in range(K)],
            *[masked(c[k], chained[k], f"c{k + 1}").cast(POS) for k in range(K)],
            masked(exit_, has_exit, "exit").cast(POS),
        ]
    ), firsts


def pair_codes(events: pl.DataFrame, K: int) -> pl.Series | None:
    """A small code of each event's (stage, touchpoint) for ``kernel_journeys``: the
    touchpoint's dense code, then the stage in the low ``K.bit_length()`` bits (0:
    unassigned). None when the touchpoints are not categorical."""
    codes = _dense_codes(events["touchpoint"])
    if codes is None:
        return None
    touchpoint, first = codes
    bits = K.bit_length()
    if len(first) << bits >= 2**32:
        return None
    return (touchpoint * (1 << bits) + events["stage"].fill_null(0).cast(POS)).alias("pair")


def _exits(ev: pl.DataFrame, customers: pl.DataFrame, K: int) -> pl.Series:
    """The ``exit`` column of ``customer_journeys`` (``customers`` in customer-code order,
    as ``ev`` is sorted)."""
    size = int(customers["cust"].max() or 0) + 1 if customers.height else 0
    depth_of = pl.Series("d", [0] * size, dtype=pl.Int32).scatter(customers["cust"], customers["depth"])
    in_deepest = ev.select("cust", "pos").filter(ev["stage"].cast(pl.Int32) == depth_of.gather(ev["cust"]))
    last = in_deepest.filter((pl.col("cust") != pl.col("cust").shift(-1)).fill_null(True)).select(
        "cust", pl.col("pos").alias("exit")
    )
    joined = customers.select("cust", "depth").join(last, on="cust", how="left", maintain_order="left")
    return joined.select(pl.when((pl.col("depth") >= 1) & (pl.col("depth") < K)).then(pl.col("exit")).alias("exit"))[
        "exit"
    ]


def _ordered_chains(ev: pl.DataFrame, model: JourneyModel) -> pl.DataFrame:
    """The deepest chain of every customer with a stage-1 event (see the module docstring).

    Customers often have many stage-1 events (every ad impression is a start). Starts
    whose next stage-2 event is the same form a run that shares the whole chain from
    stage 2 on, so the chain is followed once per run, from its latest start (the one
    the window favours). The run's earliest start reaching the same depth D is its first
    start ``s`` with ``r_D - s <= W``; among runs of equal depth the earliest run wins.

    With ``same_time: input_order`` the next step is searched from the position after
    the previous step instead of from the start of its timestamp block."""
    K = len(model.stages)
    idx = pl.int_range(pl.len(), dtype=POS)
    same_block = (pl.col("cust") == pl.col("cust").shift(1)) & (pl.col("timestamp") == pl.col("timestamp").shift(1))
    from_expr = (
        (idx + 1).clip(upper_bound=pl.len() - 1)  # the last row is never a target itself
        if model.same_time == "input_order"
        else pl.when(same_block.fill_null(False)).then(None).otherwise(idx).forward_fill()
    )
    arrays = ev.select("cust", pl.col("timestamp").to_physical().alias("t"), "stage", from_expr.alias("from"))
    cust, t, origin = arrays["cust"], arrays["t"], arrays["from"]
    window = None if model.window_s is None else round(model.window_s * 1_000_000)

    def step(k: int, p: pl.Series, owner: pl.Series) -> pl.Series:
        """Position of the first stage-k event at or after the time of ``p`` (after ``p``
        itself with input order), if it is still ``owner``'s; else null."""
        nxt = arrays.select(pl.when(pl.col("stage") == k).then(idx).backward_fill().alias("n"))["n"]
        q = nxt.gather(origin.gather(p))
        mine = (cust.gather(q.fill_null(0)) == owner) & q.is_not_null()
        return q.set(~mine.fill_null(False), None)  # type: ignore[arg-type]

    starts = arrays.select(idx.alias("p"), "stage").filter(pl.col("stage") == 1)["p"]
    st = pl.DataFrame({"cust": cust.gather(starts), "s": t.gather(starts), "p": starts})
    q2 = step(2, starts, st["cust"]) if K > 1 else pl.Series([None] * len(starts), dtype=POS)
    key = pl.col("q").fill_null(pl.lit(2**32 - 1, pl.UInt32).cast(POS))
    st = (
        st.with_columns(q=q2)
        .with_columns(
            ((pl.col("cust") != pl.col("cust").shift(1)) | (key != key.shift(1))).fill_null(True).alias("first"),
            ((pl.col("cust") != pl.col("cust").shift(-1)) | (key != key.shift(-1))).fill_null(True).alias("last"),
        )
        .with_columns(pl.col("first").cum_sum().alias("run"))
    )
    runs = st.filter(pl.col("last")).select("cust", pl.col("s").alias("s_max"), "q")
    firsts = st.filter(pl.col("first"))
    runs = runs.with_columns(firsts["s"].alias("s_min"), firsts["p"].alias("p_min"))

    s_max, owner = runs["s_max"], runs["cust"]
    r_cols: dict[str, pl.Series] = {}
    c_cols: dict[str, pl.Series] = {}
    depth = pl.repeat(1, runs.height, dtype=pl.Int32, eager=True)
    p = runs["q"]
    for k in range(2, K + 1):
        q = p if k == 2 else step(k, p.fill_null(0), owner).set(p.is_null(), None)  # type: ignore[arg-type]
        tq = t.gather(q.fill_null(0))
        ok = q.is_not_null()
        if window is not None:
            ok = ok & (tq - s_max <= window)
        ok = ok.fill_null(False)
        r_cols[f"r{k}"] = tq.set(~ok, None)  # type: ignore[arg-type]
        p = q.set(~ok, None)  # type: ignore[arg-type]
        c_cols[f"c{k}"] = p
        depth = depth + ok.cast(pl.Int32)
    runs = runs.with_columns(depth=depth, **r_cols, **c_cols)

    # The run's earliest start that still reaches its depth D: the first with s >= r_D - W.
    if window is None or K == 1:
        runs = runs.with_columns(pl.col("s_min").alias("r1"), pl.col("p_min").alias("c1"))
    else:
        r_depth = pl.coalesce([pl.col(f"r{k}") for k in range(K, 1, -1)])  # the last step reached
        threshold = runs.select(
            pl.when(pl.col("depth") > 1).then(r_depth - window).otherwise(pl.col("s_min")).alias("thr")
        )["thr"]
        earliest = (
            st.select("s", "p", "run", threshold.gather(st["run"] - 1).alias("thr"))
            .filter(pl.col("s") >= pl.col("thr"))
            .filter(pl.col("run") != pl.col("run").shift(1).fill_null(0))
        )
        runs = runs.with_columns(earliest["s"].alias("r1"), earliest["p"].alias("c1"))
    # Runs are in time order: the first run of a customer with its maximum depth holds its
    # earliest start reaching that depth. It is the run deeper than every earlier run of
    # its customer and at least as deep as every later one. Runs are sorted by customer,
    # so running maxima of (customer, depth) packed into one number give both without a
    # group-by (a window over a million customers costs 5x more): rows of other customers
    # never win the comparison.
    lift = pl.lit(K + 1, pl.UInt64)
    depth_u = pl.col("depth").cast(pl.UInt64)
    up = pl.col("cust").cast(pl.UInt64) * lift + depth_u
    down = (pl.lit(2**32, pl.UInt64) - pl.col("cust").cast(pl.UInt64)) * lift + depth_u
    best = runs.filter(
        (up > up.cum_max().shift(1)).fill_null(True) & (down >= down.cum_max(reverse=True).shift(-1)).fill_null(True)
    )
    positions = ev["pos"]
    return best.select(
        "cust",
        "depth",
        *[pl.col(f"r{k}").cast(pl.Datetime("us")) for k in range(1, K + 1)],
        *[positions.gather(best[f"c{k}"]).alias(f"c{k}") for k in range(1, K + 1)],
    )
