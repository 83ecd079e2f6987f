"""The compiled per-customer kernel (numba) of the journeys step: what polars expressions do badly.

``customer_arrays`` groups the assigned events by customer without a global sort (a
counting sort by customer code, then each customer's few events sorted by (timestamp,
input order)) and follows each customer's chain (SPEC section 3: ordered mode with its
window and both ``same_time`` readings; furthest mode), with the first and last events,
the exit (section 5) and each customer's first event at each (stage, touchpoint) in the
same pass. Ranges of customers run on threads, one per core: the compiled functions
release Python's lock, and ranges touch disjoint rows and events. ``cjtool.engine.customer_journeys`` turns the
arrays into the customers frame; the polars path there stays the definition the kernel
is tested against (tests/test_kernel.py: the same frames on random and adversarial logs).

``hash_codes`` gives customer ids dense codes from their 64-bit hashes, in order of first
appearance (``cjtool.events`` checks the ids against the codes exactly, and casts the
distinct ids in that order: the categories a cast of every row would give).

numba is imported on first use only (``cjtool --help`` and small runs never load it), and
its compiled code is cached in the user's cache folder (``$XDG_CACHE_HOME/cjtool/numba``
or ``~/.cache/cjtool/numba``, unless ``NUMBA_CACHE_DIR`` is set): site-packages may be
read-only. A cache folder that cannot be written only costs the compile time (~2 s).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

np: Any = None  # numpy: imported with the kernels (``cjtool --help`` loads neither)
NO_WINDOW = -1
KERNEL_MIN_EVENTS = 2_000_000  # fewer events: the polars paths (loading the kernel costs ~0.4 CPU s)


def kernel_wanted(events: int) -> bool:
    """Whether to run the compiled kernel for ``events`` events: from
    ``KERNEL_MIN_EVENTS`` on; ``CJTOOL_KERNEL=1`` always, ``=0`` never (for A/B timings
    and the tests). Both paths give the same results."""
    forced = os.environ.get("CJTOOL_KERNEL", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    return events >= KERNEL_MIN_EVENTS


def cache_dir() -> Path:
    """Where numba keeps cjtool's compiled functions."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cjtool" / "numba"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
        return True
    except OSError:
        return False


_lock = threading.Lock()
_compiled: dict[str, Any] = {}


def _kernels(cache: bool = True) -> dict[str, Any]:
    """The compiled functions (compiled, or loaded from the cache, on first use)."""
    with _lock:
        if not _compiled or (_compiled["cached"] and not cache):
            folder = cache_dir()
            cache = cache and _writable(folder)
            if cache and "numba" not in sys.modules:
                os.environ.setdefault("NUMBA_CACHE_DIR", str(folder))
            # numba reads NUMBA_CACHE_DIR when first imported; if something imported it
            # before with another cache folder, its own choice stands.
            _compiled.update(_build(cache), cached=cache)
        return _compiled


@contextmanager
def _without_scipy_linalg() -> Iterator[None]:
    """numba's first compile or cache load imports ``scipy.linalg`` only to see whether
    ``np.dot`` and friends have a BLAS (0.3-0.9 s); the kernels use none of them. The
    import is refused while they load, and allowed again after."""
    if "scipy.linalg" in sys.modules:
        yield
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "scipy.linalg" in sys.modules and sys.modules["scipy.linalg"] is None:
            del sys.modules["scipy.linalg"]


def _call(name: str, *args: Any) -> Any:
    """Run a kernel (see ``_run``)."""
    return _run(lambda kernels: kernels[name](*args))


def _run(work: Any) -> Any:
    """``work(kernels)``; if their cache is broken (numba fails while loading it), again
    with kernels compiled without the cache: a broken cache only costs time."""
    with _without_scipy_linalg():
        try:
            return work(_kernels())
        except Exception:  # includes numba finding no place for its cache
            if _compiled and not _compiled.get("cached"):
                raise
        return work(_kernels(cache=False))


def _build(cache: bool) -> dict[str, Any]:
    global np
    import numba
    import numpy

    np = numpy  # the kernels' global, read when numba compiles them

    jit = numba.njit(cache=cache, nogil=True)  # nogil: ranges of customers run on threads
    global _sort_segment_jit, _by_customer_jit
    # called by _grouped and _chains: globals when they compile
    _sort_segment_jit, _by_customer_jit = jit(_sort_segment), jit(_by_customer)
    return {"grouped": jit(_grouped), "chains": jit(_chains), "hash_codes": jit(_hash_codes)}


# The kernels, plain Python (compiled by _build; plain Python they are the slow reference
# of themselves). Each customer's events are indices into the input arrays.

_sort_segment_jit: Any = None
_by_customer_jit: Any = None


def _sort_segment(t: Any, stage: Any, pos: Any, lo: int, hi: int) -> None:
    """Sort the events lo:hi of one customer (in input order) by time, stably."""
    m = hi - lo
    if m < 2:
        return
    if m <= 24:
        for a in range(lo + 1, hi):
            tv, sv, pv = t[a], stage[a], pos[a]
            b = a - 1
            while b >= lo and t[b] > tv:
                t[b + 1], stage[b + 1], pos[b + 1] = t[b], stage[b], pos[b]
                b -= 1
            t[b + 1], stage[b + 1], pos[b + 1] = tv, sv, pv
        return
    order = np.argsort(t[lo:hi], kind="mergesort")
    ts, ss, ps = t[lo:hi].copy(), stage[lo:hi].copy(), pos[lo:hi].copy()
    for a in range(m):
        t[lo + a], stage[lo + a], pos[lo + a] = ts[order[a]], ss[order[a]], ps[order[a]]


def _by_customer(cust: Any, t_in: Any, key_in: Any, mask: int, size: int) -> Any:
    """The assigned events (``key & mask``, their stage, > 0) grouped by customer code,
    each customer's in input order: ``start`` (customer c's events are start[c]:start[c +
    1]), and their times, keys and positions. A stable counting sort in two passes (first
    by the code's high bits into at most 256 buckets, then by code within each bucket):
    one pass of scattered writes over all customers costs 1.5x more, as each write misses
    the cache. The first pass moves codes and positions only; the second reads the times
    and keys through the positions (copies of them in the first cost 10 bytes an event
    and saved no time)."""
    n_in = cust.shape[0]
    bits = 0
    while (1 << bits) < size:
        bits += 1
    shift = max(0, bits - 8)
    buckets = ((size - 1) >> shift) + 1 if size else 1
    bstart = np.zeros(buckets + 1, np.int64)
    n = 0
    for i in range(n_in):
        if key_in[i] & mask:
            bstart[(cust[i] >> shift) + 1] += 1
            n += 1
    for b in range(buckets):
        bstart[b + 1] += bstart[b]
    fill = bstart[:buckets].copy()
    bc = np.empty(n, np.uint32)
    bp = np.empty(n, np.uint32)
    for i in range(n_in):
        if key_in[i] & mask:
            c = cust[i]
            b = c >> shift
            f = fill[b]
            bc[f], bp[f] = c, i
            fill[b] = f + 1
    start = np.zeros(size + 1, np.int64)
    for f in range(n):
        start[bc[f] + 1] += 1
    for c in range(size):
        start[c + 1] += start[c]
    fill = start[:size].copy()
    t = np.empty(n, np.int64)
    key = np.empty(n, key_in.dtype)
    pos = np.empty(n, np.uint32)
    for f in range(n):
        c = bc[f]
        g = fill[c]
        i = bp[f]
        t[g], key[g], pos[g] = t_in[i], key_in[i], i
        fill[c] = g + 1
    return start, t, key, pos


def _grouped(cust: Any, t_in: Any, key_in: Any, mask: int, size: int) -> Any:
    """``_by_customer``, and how many customers have events and the most events of one."""
    start, t, key, pos = _by_customer_jit(cust, t_in, key_in, mask, size)
    customers = 0
    most = 0
    for c in range(size):
        m = start[c + 1] - start[c]
        if m > 0:
            customers += 1
            most = max(most, m)
    return start, t, key, pos, customers, most


def _chains(
    c_lo: int,
    c_hi: int,
    j: int,
    start: Any,
    t: Any,
    key: Any,
    pos: Any,
    mask: int,
    pairs: int,
    most: int,
    K: int,
    window: int,
    input_order: bool,
    furthest: bool,
    code: Any,
    first: Any,
    last: Any,
    events: Any,
    depth: Any,
    r: Any,
    ch: Any,
    chained: Any,
    exit_: Any,
    has_exit: Any,
    pair_first: Any,
) -> None:
    """The customers with codes c_lo:c_hi (the first of them is output row ``j``): their
    events sorted, chain, depth, first, last and exit, and the pair marks. Ranges of
    customers touch disjoint rows and events: they run on threads side by side."""
    stage = key  # turned into stages customer by customer below (pair codes read first)
    # pair_first[i]: event i is its customer's first with its pair code (when pairs > 0):
    # the distinct customers of a pair are a sum, not a hashed count
    seen_by = np.full(max(pairs, 1), -1, np.int64)
    nxt = np.empty((most + 1, K + 1), np.int64)  # nxt[a, k]: first index >= a of stage k
    block = np.empty(max(most, 1), np.int64)  # first index of the same timestamp
    steps = np.empty(K, np.int64)
    best = np.empty(K, np.int64)

    for c in range(c_lo, c_hi):
        lo, hi = start[c], start[c + 1]
        m = hi - lo
        if m == 0:
            continue
        if pairs > 0:  # (before the sort: key is not sorted with the others)
            for a in range(lo, hi):
                if seen_by[key[a]] != c:
                    seen_by[key[a]] = c
                    pair_first[pos[a]] = True
                stage[a] = key[a] & mask
        _sort_segment_jit(t, stage, pos, lo, hi)
        code[j] = c
        first[j] = pos[lo]
        last[j] = pos[hi - 1]
        events[j] = m
        d = 0
        if furthest:
            for a in range(lo, hi):
                d = max(d, np.int64(stage[a]))
        else:
            for k in range(2, K + 1):
                nxt[m, k] = -1
            for a in range(m - 1, -1, -1):
                sa = stage[lo + a]
                for k in range(2, K + 1):
                    nxt[a, k] = a if sa == k else nxt[a + 1, k]
            if not input_order:
                for a in range(m):
                    if a > 0 and t[lo + a] == t[lo + a - 1]:
                        block[a] = block[a - 1]
                    else:
                        block[a] = a
            for a in range(m):
                if d == K:
                    break
                if stage[lo + a] != 1:
                    continue
                s = t[lo + a]
                steps[0] = a
                got = 1
                p = a
                for k in range(2, K + 1):
                    frm = p + 1 if input_order else block[p]
                    q = nxt[frm, k] if frm < m else -1
                    if q < 0:
                        break
                    if window != NO_WINDOW and t[lo + q] - s > window:
                        break
                    steps[got] = q
                    got += 1
                    p = q
                if got > d:
                    d = got
                    for k in range(got):
                        best[k] = steps[k]
            for k in range(d):
                e = lo + best[k]
                r[k, j] = t[e]
                ch[k, j] = pos[e]
                chained[k, j] = True
        depth[j] = d
        if 1 <= d < K:
            for a in range(hi - 1, lo - 1, -1):
                if stage[a] == d:
                    exit_[j] = pos[a]
                    has_exit[j] = True
                    break
        j += 1


def _hash_codes(h: Any) -> Any:
    """Dense codes of 64-bit hashes, and each code's first row. The rows are first
    partitioned by the hash's top 8 bits (sequential writes), then each part gets its
    codes from an open-addressing table small enough to stay in the cache (one table
    over all rows missed the cache at every row: 5x slower). The codes are then numbered
    in order of first appearance."""
    n = h.shape[0]
    parts = 256
    pstart = np.zeros(parts + 1, np.int64)
    for i in range(n):
        pstart[(h[i] >> np.uint64(56)) + np.uint64(1)] += 1
    for b in range(parts):
        pstart[b + 1] += pstart[b]
    fill = pstart[:parts].copy()
    rows = np.empty(n, np.uint32)
    for i in range(n):
        b = h[i] >> np.uint64(56)
        rows[fill[b]] = i
        fill[b] += 1
    codes = np.empty(n, np.uint32)
    firsts = np.empty(n, np.uint32)
    count = 0
    largest = 0
    for b in range(parts):
        largest = max(largest, pstart[b + 1] - pstart[b])
    bits = 4
    while (1 << bits) < 2 * largest + 2:
        bits += 1
    slot_code = np.empty(1 << bits, np.int64)
    slot_hash = np.empty(1 << bits, np.uint64)
    for b in range(parts):
        lo, hi = pstart[b], pstart[b + 1]
        if hi == lo:
            continue
        size = 16
        while size < 2 * (hi - lo) + 2:
            size *= 2
        mask = np.uint64(size - 1)
        slot_code[:size] = -1
        for f in range(lo, hi):
            i = rows[f]
            v = h[i]
            s = np.int64(v & mask)
            while True:
                sc = slot_code[s]
                if sc < 0:
                    slot_code[s] = count
                    slot_hash[s] = v
                    firsts[count] = i
                    codes[i] = count
                    count += 1
                    break
                if slot_hash[s] == v:
                    codes[i] = sc
                    break
                s = (s + 1) & (size - 1)
    # renumbered in order of first appearance, as a cast of the ids in row order numbers them
    renumber = np.full(count, -1, np.int64)
    seen = 0
    for i in range(n):
        c = codes[i]
        r = renumber[c]
        if r < 0:
            r = seen
            renumber[c] = r
            firsts[r] = i
            seen += 1
        codes[i] = r
    return codes, firsts[:count].copy()


def customer_arrays(
    cust: Any,
    t: Any,
    stage: Any,
    K: int,
    window_us: int | None,
    input_order: bool,
    furthest: bool,
    pair: Any = None,
    stage_bits: int = 0,
) -> tuple[Any, ...]:
    """Per customer present (ascending code): code, first, last, events, depth, chain
    times r[K, n], chain events c[K, n] with their mask, exit with its mask. Positions are
    indices into the input arrays (which are in input order); events of stage 0 are
    unassigned ones, left out. Last, with ``pair`` (u32 codes whose low ``stage_bits``
    bits are the event's stage; ``stage`` is then not read): whether each event is its
    customer's first with its code (an empty array without ``pair``)."""
    size = int(cust.max()) + 1 if len(cust) else 0
    if pair is None:
        key, stage_bits, pairs = stage.astype("uint32"), 0, 0
    else:
        key, pairs = pair, int(pair.max()) + 1 if len(pair) else 0
    mask = (1 << stage_bits) - 1 if stage_bits else 0xFFFFFFFF
    window = NO_WINDOW if window_us is None else int(window_us)
    return _run(  # type: ignore[no-any-return]
        lambda k: _customers(k, cust, t, key, mask, pairs, size, K, window, bool(input_order), bool(furthest))
    )


def _customers(
    kernels: dict[str, Any],
    cust: Any,
    t_in: Any,
    key_in: Any,
    mask: int,
    pairs: int,
    size: int,
    K: int,
    window: int,
    input_order: bool,
    furthest: bool,
) -> tuple[Any, ...]:
    """``customer_arrays``: the events grouped by customer, then ranges of customers with
    about equal events followed on threads side by side (the kernels release the GIL)."""
    start, t, key, pos, customers, most = kernels["grouped"](cust, t_in, key_in, mask, size)
    out = (
        np.empty(customers, np.uint32),  # code
        np.empty(customers, np.uint32),  # first
        np.empty(customers, np.uint32),  # last
        np.empty(customers, np.uint32),  # events
        np.zeros(customers, np.int32),  # depth
        np.zeros((K, customers), np.int64),  # r
        np.zeros((K, customers), np.uint32),  # c
        np.zeros((K, customers), np.bool_),  # chained
        np.zeros(customers, np.uint32),  # exit
        np.zeros(customers, np.bool_),  # has_exit
        np.zeros(cust.shape[0] if pairs > 0 else 0, np.bool_),  # pair_first
    )
    bounds = _ranges(start, THREADS_MIN_EVENTS)
    rows = np.concatenate(([0], np.cumsum(np.diff(start) > 0)))  # output row of each code
    args = [
        (lo, hi, int(rows[lo]), start, t, key, pos, mask, pairs, most, K, window, input_order, furthest, *out)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    if len(args) == 1:
        kernels["chains"](*args[0])
    else:
        with ThreadPoolExecutor(len(args)) as pool:
            for done in [pool.submit(kernels["chains"], *a) for a in args]:
                done.result()
    return out


THREADS_MIN_EVENTS = 500_000  # fewer events a thread: one thread does them all


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _ranges(start: Any, min_events: int) -> list[int]:
    """Code bounds splitting the customers into as many ranges of about equal events as
    there are cores (each of at least ``min_events`` events)."""
    n, size = int(start[-1]), len(start) - 1
    parts = max(1, min(_cores(), n // max(min_events, 1)))
    cuts = np.searchsorted(start, [n * i // parts for i in range(1, parts)])
    return sorted({0, size, *(int(min(max(c, 0), size)) for c in cuts)})


def hash_codes(h: Any) -> tuple[Any, Any]:
    """(code of each row, first row of each code) for 64-bit hashes."""
    return _call("hash_codes", h)  # type: ignore[no-any-return]
