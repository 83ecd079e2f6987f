#!/usr/bin/env python3
"""One big map in a fresh process: events, file size, parts, wall time, peak memory.

    python benchmarks/big_run.py --events 20_000_000 [--partitions N] [--compare-in-memory] [--clickhouse]

Generates (``benchmarks/generate.py``, in chunks: bounded memory) an N-event AIPL CSV,
unless it is there already, then runs ``cjtool map FILE --model aipl --format json -o OUT``
in a fresh process and samples the resident memory of its whole process tree (psutil when
installed, else /proc) every 50 ms. ``--partitions`` is passed on (default: cjtool decides,
in parts above 1.5 GB). ``--compare-in-memory`` also maps with ``--partitions 1`` and checks
that the two JSON files are the same bytes (exit 1 if not). ``--clickhouse`` also runs
ClickHouse's ``windowFunnel`` (``benchmarks/baselines.py clickhouse``, chdb in process) on
the same file in a fresh process, measured the same way, and checks its stage counts
against cjtool's (exit 1 if they differ). ClickHouse may spill its GROUP BY to disk
(``max_bytes_before_external_group_by``, ``--ch-spill-gb``) so that it can finish in
memory that cjtool's parts fit in; 0 leaves ClickHouse's own defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
from generate import _count, generate  # noqa: E402

sys.path.insert(0, str(HERE.parent))
from cjtool.partitions import auto_partitions  # noqa: E402


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (0 once it is gone)."""
    try:
        import psutil
    except ImportError:
        return _proc_tree_rss(pid)
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):  # ended since listed
            total += p.memory_info().rss
    return total


def _proc_tree_rss(pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_map(events: Path, out: Path, partitions: int | None) -> dict[str, float | int | str]:
    """Map ``events`` in a fresh process: wall s, peak tree RSS bytes, parts."""
    cmd = [sys.executable, "-m", "cjtool", "map", str(events), "--model", "aipl", "--format", "json", "-o", str(out)]
    if partitions is not None:
        cmd += ["--partitions", str(partitions)]
    got = measure(cmd, "cjtool map")
    return {**got, "parts": partitions or auto_partitions([events])}


def run_clickhouse(events: Path, out: Path, spill_gb: float) -> dict[str, float | int | str]:
    """ClickHouse's funnel of ``events`` in a fresh process: wall s, peak tree RSS bytes."""
    cmd = [sys.executable, str(HERE / "baselines.py"), "clickhouse", str(events), "-o", str(out)]
    env = {**os.environ, "CJTOOL_BENCH_CH_SPILL": str(int(spill_gb * 1e9))} if spill_gb else None
    return measure(cmd, "ClickHouse", env)


def measure(cmd: list[str], what: str, env: dict[str, str] | None = None) -> dict[str, float | int | str]:
    """Run ``cmd``: its wall s and the peak RSS of its process tree, sampled every 50 ms."""
    peak = 0
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=HERE.parent, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if code:
        raise SystemExit(f"{what} exited {code} after {wall:.0f} s, peak RSS {peak / 2**30:.2f} GiB:\n{stderr[-2000:]}")
    return {"wall_s": wall, "peak_rss": peak}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=_count, required=True, help="events to generate, e.g. 20_000_000 or 3e8")
    ap.add_argument("--data", type=Path, default=HERE / "data", help="folder of the generated CSV (kept)")
    ap.add_argument("--partitions", type=int, default=None, help="passed on to cjtool map (default: automatic)")
    ap.add_argument("--compare-in-memory", action="store_true", help="also map in memory and compare the JSON bytes")
    ap.add_argument("--clickhouse", action="store_true", help="also run ClickHouse's windowFunnel on the file")
    ap.add_argument("--ch-spill-gb", type=float, default=4.0, help="ClickHouse's GROUP BY spills past this (0: never)")
    args = ap.parse_args(argv)
    events = args.data / f"events_{args.events}.csv"
    if not events.exists():
        print(f"generating {events} ...", file=sys.stderr)
        generate(args.events, events, quiet=True)
    size = events.stat().st_size
    with tempfile.TemporaryDirectory(prefix="cjtool-big-run-") as tmp:
        out = Path(tmp, "map.json")
        got = run_map(events, out, args.partitions)
        print(f"events      {args.events:,}")
        print(f"file        {size / 1e9:.2f} GB ({events})")
        print(f"parts       {got['parts']}")
        print(f"wall        {got['wall_s']:.1f} s")
        print(f"peak RSS    {int(got['peak_rss']) / 2**30:.2f} GiB (process tree)")
        ok = True
        if args.clickhouse:
            ch_out = Path(tmp, "clickhouse.json")
            ch = run_clickhouse(events, ch_out, args.ch_spill_gb)
            diffs = baselines.compare(
                baselines.from_cjtool(json.loads(out.read_text())), json.loads(ch_out.read_text())
            )
            ok = not diffs
            print(f"ClickHouse  {ch['wall_s']:.1f} s, peak RSS {int(ch['peak_rss']) / 2**30:.2f} GiB", end="")
            print(f" (GROUP BY spills past {args.ch_spill_gb:g} GB)" if args.ch_spill_gb else "")
            print("stages      " + ("the same customers" if ok else "DIFFERENT: " + "; ".join(diffs)))
        if not args.compare_in_memory:
            return 0 if ok else 1
        whole = Path(tmp, "whole.json")
        mem = run_map(events, whole, 1)
        same = out.read_bytes() == whole.read_bytes()
        print(f"in memory   {mem['wall_s']:.1f} s, peak RSS {int(mem['peak_rss']) / 2**30:.2f} GiB")
        print(f"JSON        {'the same bytes' if same else 'DIFFERENT'}")
        return 0 if same and ok else 1


if __name__ == "__main__":
    sys.exit(main())
