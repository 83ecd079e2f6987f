#!/usr/bin/env python3
"""Time cjtool against the floor (a bare polars read) and hand-written baselines.

    python benchmarks/run.py benchmarks/data/events_10m.csv [--parquet benchmarks/data/events_10m.parquet] [--repeat 1]
    python benchmarks/run.py --smoke        # 50k generated rows, everything, < 30 s (for CI)

Every measurement runs in a fresh subprocess (so imports, start-up and the OS page cache
state are the same for all; the file is read once beforehand to warm the cache). Wall
time is measured around the child; peak memory is the child's own peak RSS, from
``os.wait4`` (the kernel's ru_maxrss of that child, in KiB on Linux), taken in a tiny
launcher process so that the figure is not inflated by run.py's own memory.

Jobs (on the CSV, and on the Parquet file with --parquet):

* ``floor``: ``polars.read_csv(FILE)`` of every column, then ``len(df)``; no analysis;
* ``floor (text)``: the same with ``infer_schema=False`` (every column as text, which is
  how cjtool reads CSV; for information);
* ``floor+sort``: the least work of any engine that follows each customer's events in
  time order, in polars: read ids, times and touchpoints, ids to categorical codes, times
  parsed (fixed-width, offsets ignored), one sort of a packed (customer, time) u64 key; for
  information;
* ``cjtool``: ``cjtool map FILE --model aipl --format json --window 30d -o TMP --quiet``;
* ``clickhouse``: ``python benchmarks/baselines.py clickhouse FILE --window 30d -o TMP``:
  ClickHouse's ``windowFunnel`` in process (``chdb``), the anchor: PostHog's funnels run
  on it; it computes the stage customers only (checked equal to cjtool's);
* ``duckdb``: ``python benchmarks/baselines.py duckdb FILE --window 30d -o TMP``;
* ``pandas``: ``python benchmarks/baselines.py pandas FILE --window 30d -o TMP``, skipped
  above ``--pandas-max-rows`` (default 20M; the table says so).

The table shows the best wall time of the --repeat runs (the least disturbed by other
load on a shared machine), the median wall, the median CPU time (user + system, all
threads) and the largest peak RSS. Ratios (best wall, peak RSS) are to ``floor`` of the
same file format. The ``agrees`` column compares each baseline's stage customers,
medians and (stage, touchpoint) exits with cjtool's. The exit status is 1 if a job
failed or a baseline disagrees.

Other cjtool versions: ``--cjtool-path DIR`` times the cjtool package in DIR, e.g.
``git archive 4ddb3f4 cjtool | tar -x -C /tmp/old`` then ``--cjtool-path /tmp/old``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402

PY = sys.executable
FLOOR_CODE = "import sys, polars as pl; df = pl.read_csv(sys.argv[1]); print(len(df))"
FLOOR_TEXT_CODE = "import sys, polars as pl; df = pl.read_csv(sys.argv[1], infer_schema=False); print(len(df))"
FLOOR_PQ_CODE = "import sys, polars as pl; df = pl.read_parquet(sys.argv[1]); print(len(df))"
# A lower bound, not the floor plus a step: the least any engine that follows each
# customer's events in time order must do in polars. It reads only ids, times and
# touchpoints (streaming), codes the ids, parses times (offsets ignored, fixed width) and
# sorts by (customer, time). No validation, stages or metrics.
SORT_FLOOR_CODE = """
import sys, polars as pl
f = sys.argv[1]
parquet = f.lower().endswith((".parquet", ".pq"))
lf = pl.scan_parquet(f) if parquet else pl.scan_csv(f, infer_schema=False)
ts = pl.col("timestamp")
if not parquet:
    ts = ts.str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, cache=False)
df = lf.select(
    pl.col("customer_id").cast(pl.Categorical).to_physical().alias("c"), ts.alias("t"), pl.col("touchpoint")
).collect(engine="streaming")
# the fastest sort found: one u64 key, when customer codes and the time span fit in it
t = pl.col("t").to_physical()
c_max, t_span = df.select(pl.col("c").max(), t.max() - t.min()).row(0)
t_bits = max(1, (t_span or 0).bit_length())
if max(1, (c_max or 0).bit_length()) + t_bits <= 64:
    key = pl.col("c").cast(pl.UInt64) * 2**t_bits + (t - t.min()).cast(pl.UInt64)
    print(len(df.select(key.sort())))
else:
    print(len(df.sort("c", "t")))
"""


@dataclass
class Job:
    name: str
    cmd: list[str]
    fmt: str  # csv | parquet
    out: Path | None = None  # result JSON, for the agreement check
    skip: str | None = None
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # 1-min load average before each run
    error: str | None = None
    agrees: str = ""


# A tiny launcher (python -S: ~8 MB) forks the job and reports the job's own wall time and
# ru_maxrss. Forking from run.py itself would not do: a forked child starts with its
# parent's resident pages, so its ru_maxrss is never below run.py's own RSS.
LAUNCHER = r"""
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
sys.stdout.write("%r %d %d %r\n" % (wall, ru.ru_maxrss, os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime))
"""


def measure(cmd: list[str], timeout: float | None = None) -> tuple[float, int, int, str, float]:
    """Run ``cmd`` through the launcher; (wall s, peak RSS KiB of the job, exit code, stderr tail,
    CPU s = user + system)."""
    with tempfile.TemporaryFile() as err:
        try:
            cp = subprocess.run(
                [PY, "-S", "-c", LAUNCHER, *cmd],
                stdout=subprocess.PIPE,
                stderr=err,
                timeout=timeout,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            return float(timeout or 0), 0, -9, "timeout", 0.0
        err.seek(0)
        tail = "\n".join(err.read().decode("utf-8", "replace").strip().splitlines()[-3:])
    try:
        wall_s, rss_s, code_s, cpu_s = cp.stdout.decode().split()
    except ValueError:
        return 0.0, 0, cp.returncode or 1, tail, 0.0
    return float(wall_s), int(rss_s), int(code_s), tail, float(cpu_s)


def count_rows(path: Path) -> int:
    """Data rows of a CSV (newlines minus the header); also warms the page cache."""
    if path.suffix.lower() in baselines.PARQUET:
        import polars as pl

        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n - 1 + (last != b"\n")


def warm(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def build_jobs(
    csv: Path,
    parquet: Path | None,
    tmp: Path,
    window: str,
    rows: int,
    pandas_max_rows: int,
    model: str,
    cjtool: list[str] | None = None,
    only: list[str] | None = None,
    before: list[str] | None = None,
) -> list[Job]:
    cj = cjtool or baselines.cjtool_cmd()
    bl = [PY, str(HERE / "baselines.py")]
    jobs: list[Job] = []
    for fmt, f in (("csv", csv), ("parquet", parquet)):
        if f is None:
            continue
        sfx = "" if fmt == "csv" else " [parquet]"
        if fmt == "csv":
            jobs.append(Job("floor", [PY, "-c", FLOOR_CODE, str(f)], fmt))
            jobs.append(Job("floor (text)", [PY, "-c", FLOOR_TEXT_CODE, str(f)], fmt))
        else:
            jobs.append(Job("floor" + sfx, [PY, "-c", FLOOR_PQ_CODE, str(f)], fmt))
        jobs.append(Job("floor+sort" + sfx, [PY, "-c", SORT_FLOOR_CODE, str(f)], fmt))
        o = tmp / f"cjtool_{fmt}.json"
        jobs.append(
            Job(
                "cjtool" + sfx,
                [*cj, "map", str(f), "--model", model, "--format", "json", "--window", window, "-o", str(o), "--quiet"],
                fmt,
                o,
            )
        )
        if before:  # another cjtool (--before-path), interleaved with this one
            o = tmp / f"before_{fmt}.json"
            cmd = [*before, "map", str(f), "--model", model, "--format", "json", "--window", window, "-o", str(o)]
            jobs.append(Job("cjtool before" + sfx, [*cmd, "--quiet"], fmt, o))
        o = tmp / f"clickhouse_{fmt}.json"
        jobs.append(Job("clickhouse" + sfx, [*bl, "clickhouse", str(f), "--window", window, "-o", str(o)], fmt, o))
        o = tmp / f"duckdb_{fmt}.json"
        jobs.append(Job("duckdb" + sfx, [*bl, "duckdb", str(f), "--window", window, "-o", str(o)], fmt, o))
        o = tmp / f"pandas_{fmt}.json"
        j = Job("pandas" + sfx, [*bl, "pandas", str(f), "--window", window, "-o", str(o)], fmt, o)
        if rows > pandas_max_rows:
            j.skip = f"skipped: {rows:,} rows > --pandas-max-rows {pandas_max_rows:,}"
        jobs.append(j)
    if only:
        jobs = [j for j in jobs if j.name.split(" [")[0].split(" (")[0].replace(" before", "") in only]
    return jobs


def run_jobs(jobs: list[Job], repeat: int, timeout: float | None, progress: bool = True) -> None:
    for r in range(repeat):
        for j in jobs:
            if j.skip or j.error:
                continue
            load = os.getloadavg()[0]
            wall, rss, code, tail, cpu = measure(j.cmd, timeout)
            if code != 0:
                j.error = f"exit {code}" + (" (timeout)" if code == -9 else "") + (f": {tail}" if tail else "")
            else:
                j.walls.append(wall)
                j.rss_kb.append(rss)
                j.cpus.append(cpu)
                j.loads.append(load)
            if progress:
                print(
                    f"  [{r + 1}/{repeat}] {j.name:20} {wall:8.2f} s {cpu:8.2f} CPU s {rss / 1024:9.0f} MB  load {load:.2f}"
                    + (f"  ERROR {j.error}" if j.error else ""),
                    file=sys.stderr,
                    flush=True,
                )


def check_agreement(jobs: list[Job]) -> bool:
    ok = True
    for fmt in ("csv", "parquet"):
        ref_job = next((j for j in jobs if j.fmt == fmt and j.name.startswith("cjtool") and j.walls), None)
        if ref_job is None or ref_job.out is None or not ref_job.out.exists():
            continue
        ref = baselines.from_cjtool(json.loads(ref_job.out.read_text(encoding="utf-8")))
        for j in jobs:
            if j.fmt != fmt or j is ref_job or j.out is None or not j.walls:
                continue
            if j.name.startswith("cjtool"):  # another cjtool version: the very same bytes
                same = j.out.read_bytes() == ref_job.out.read_bytes()
                j.agrees = "same bytes" if same else "DIFFERENT bytes"
                ok &= same
                continue
            diffs = baselines.compare(ref, json.loads(j.out.read_text(encoding="utf-8")))
            j.agrees = "OK" if not diffs else f"MISMATCH ({len(diffs)})"
            ok &= not diffs
            for d in diffs[:5]:
                print(f"  {j.name}: {d}", file=sys.stderr)
        ref_job.agrees = "(reference)"
    return ok


def table(jobs: list[Job]) -> tuple[str, list[dict[str, Any]]]:
    """Best wall of the repeats (the least disturbed by other load), median wall, median CPU
    time, max peak RSS; ratios of best wall and of peak RSS to the floor's."""
    floors = {j.fmt: j for j in jobs if j.name.split(" [")[0] == "floor" and j.walls}
    anchors = {j.fmt: j for j in jobs if j.name.split(" [")[0] == "clickhouse" and j.walls}
    head = (
        f"{'name':20} {'wall s':>8} {'(median)':>9} {'CPU s':>7} {'peak RSS MB':>12} "
        f"{'time x floor':>13} {'mem x floor':>12} {'x ClickHouse':>13}  agrees"
    )
    lines = [head, "-" * (len(head) + 10)]
    rows = []
    for j in jobs:
        if j.skip or j.error:
            lines.append(
                f"{j.name:20} {'-':>8} {'-':>9} {'-':>7} {'-':>12} {'-':>13} {'-':>12}  "
                f"{j.skip or 'ERROR ' + str(j.error)}"
            )
            rows.append({"name": j.name, "skipped": j.skip, "error": j.error})
            continue
        wall, med = min(j.walls), statistics.median(j.walls)
        cpu = statistics.median(j.cpus)
        rss = max(j.rss_kb) / 1024
        fl = floors.get(j.fmt)
        tr = wall / min(fl.walls) if fl else float("nan")
        mr = rss / (max(fl.rss_kb) / 1024) if fl else float("nan")
        trs = f"{tr:12.2f}x" if fl else f"{'-':>13}"
        mrs = f"{mr:11.2f}x" if fl else f"{'-':>12}"
        ch = anchors.get(j.fmt)
        cr = wall / min(ch.walls) if ch else float("nan")  # best wall against ClickHouse's best
        crs = f"{cr:12.2f}x" if ch else f"{'-':>13}"
        lines.append(f"{j.name:20} {wall:8.2f} {med:9.2f} {cpu:7.2f} {rss:12.0f} {trs} {mrs} {crs}  {j.agrees}")
        rows.append(
            {
                "name": j.name,
                "wall_s": wall,
                "wall_median_s": med,
                "walls": j.walls,
                "cpu_s": cpu,
                "peak_rss_mb": rss,
                "time_x_floor": tr,
                "mem_x_floor": mr,
                "time_x_clickhouse": cr,
                "loads": j.loads,
                "agrees": j.agrees,
                "cmd": j.cmd,
            }
        )
    return "\n".join(lines), rows


def bench(
    csv: Path,
    parquet: Path | None,
    *,
    repeat: int = 1,
    window: str = "30d",
    pandas_max_rows: int = 20_000_000,
    timeout: float | None = None,
    model: str = "aipl",
    json_out: Path | None = None,
    show_cmds: bool = True,
    cjtool: list[str] | None = None,
    only: list[str] | None = None,
    before: list[str] | None = None,
) -> bool:
    rows = count_rows(csv)
    if parquet is not None:
        warm(parquet)
    size = csv.stat().st_size
    print(
        f"{csv}: {rows:,} rows, {size / 1e6:.0f} MB"
        + (f"; {parquet}: {parquet.stat().st_size / 1e6:.0f} MB" if parquet else "")
        + f"; window {window}; repeat {repeat}; {os.cpu_count()} CPUs; Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="cjbench-") as tmp:
        jobs = build_jobs(csv, parquet, Path(tmp), window, rows, pandas_max_rows, model, cjtool, only, before)
        if show_cmds:
            for j in jobs:
                print(f"  {j.name:20} $ {shlex.join(j.cmd)}")
        load0 = os.getloadavg()[0]
        run_jobs(jobs, repeat, timeout)
        load1 = os.getloadavg()[0]
        ok = check_agreement(jobs)
        text, result_rows = table(jobs)
    print()
    print(text)
    print(
        f"load average (1 min) before / after: {load0:.2f} / {load1:.2f} on {os.cpu_count()} CPUs"
        + (
            "  -- other processes were competing for the CPUs; compare best walls and CPU s"
            if max(load0, load1) > 1.5
            else ""
        )
    )
    for j in jobs:
        if j.skip:
            print(f"note: {j.name} {j.skip} (pass --pandas-max-rows to run it anyway)")
    failed = [j for j in jobs if j.error]
    if json_out:
        json_out.write_text(
            json.dumps(
                {
                    "file": str(csv),
                    "rows": rows,
                    "bytes": size,
                    "repeat": repeat,
                    "window": window,
                    "results": result_rows,
                },
                indent=1,
            )
            + "\n"
        )
    return ok and not failed


def smoke() -> bool:
    import generate

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cjsmoke-") as tmp:
        f = Path(tmp) / "events_50k.csv"
        generate.generate(50_000, f, parquet=True, quiet=True)
        ok = bench(f, f.with_suffix(".parquet"), repeat=1, timeout=120, show_cmds=False)
    print(f"smoke: {'OK' if ok else 'FAILED'} in {time.perf_counter() - t0:.1f} s")
    return ok


def cjtool_from(folder: Path) -> list[str]:
    """A command running the cjtool package in ``folder`` (first on sys.path, so neither the
    current directory nor the installed editable copy shadows it)."""
    folder = folder.resolve()
    if not (folder / "cjtool" / "__init__.py").exists():
        raise SystemExit(f"--cjtool-path: no cjtool package in {folder}")
    code = (
        f"import sys; sys.path.insert(0, {str(folder)!r}); sys.argv[0] = 'cjtool'; "
        "from cjtool.cli.app import main; main()"
    )
    return [PY, "-c", code]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", nargs="?", type=Path, help="CSV events file (from benchmarks/generate.py)")
    ap.add_argument("--parquet", type=Path, help="the same events as Parquet: time those too")
    ap.add_argument("--repeat", type=int, default=1, help="runs per job (best and median wall, max RSS reported)")
    ap.add_argument("--window", default="30d")
    ap.add_argument("--model", default="aipl", help="model for cjtool (the baselines read cjtool/models/aipl.yaml)")
    ap.add_argument("--pandas-max-rows", type=lambda s: int(float(s.replace("_", ""))), default=20_000_000)
    ap.add_argument("--timeout", type=float, help="seconds per run before it is killed")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--cjtool", help="command that runs cjtool (default: the venv's cjtool)")
    ap.add_argument(
        "--cjtool-path",
        type=Path,
        help="time the cjtool package found in this folder instead "
        "(a snapshot or another checkout, e.g. from `git archive REV cjtool | tar -x -C DIR`)",
    )
    ap.add_argument(
        "--before-path",
        type=Path,
        help="also time the cjtool package in this folder (job `cjtool before`), interleaved: before/after ratios",
    )
    ap.add_argument("--only", help="comma-separated jobs to run: floor,floor+sort,cjtool,clickhouse,duckdb,pandas")
    ap.add_argument("--smoke", action="store_true", help="generate 50k rows in a temp dir and run everything")
    a = ap.parse_args(argv)
    if a.smoke:
        return 0 if smoke() else 1
    if a.events is None:
        ap.error("give an events file, or --smoke")
    ok = bench(
        a.events,
        a.parquet,
        repeat=a.repeat,
        window=a.window,
        pandas_max_rows=a.pandas_max_rows,
        timeout=a.timeout,
        model=a.model,
        json_out=a.json,
        cjtool=shlex.split(a.cjtool) if a.cjtool else cjtool_from(a.cjtool_path) if a.cjtool_path else None,
        only=a.only.split(",") if a.only else None,
        before=cjtool_from(a.before_path) if a.before_path else None,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
