#!/usr/bin/env python3
"""What a user would write instead of cjtool: the same ordered funnel and touchpoint exits,
hand-written in DuckDB SQL and in pandas.

    python benchmarks/baselines.py duckdb EVENTS.csv [--window 30d] [--out result.json]
    python benchmarks/baselines.py pandas EVENTS.csv [--window 30d] [--out result.json]
    python benchmarks/baselines.py verify [--rows 200000]     # both vs `cjtool map --format json`

Both compute, like ``cjtool map --model aipl --format json`` (SPEC sections 2-5):

* stage assignment: the first stage of aipl.yaml whose touchpoint list / regex (and
  channel list, if any) matches; unassigned events are left out;
* ordered depth with a conversion window: from every distinct stage-1 time ``s``, for each
  next stage the earliest event at or after the previous step (a forward as-of join),
  counting only steps with ``r_k - s <= W``; depth = best chain length per customer;
* stage customers (depth >= k) and median time to convert (chain of the earliest start
  reaching the best depth);
* exits (SPEC v2): customers with 1 <= depth < K counted by the (stage, touchpoint) of
  their last event of stage ``depth``;
* occurrence items (``{name: T, occurrence: N | "N+"}``): each event at such a touchpoint
  numbered among the customer's events there in time order.

``clickhouse`` runs ClickHouse's ``windowFunnel`` in process (``chdb``), as PostHog's
funnels do: stage customers only (no medians, exits or touchpoint metrics).

The stage rules are read from the model YAML (default: cjtool/models/aipl.yaml) with
PyYAML only, not with cjtool. Rows with a blank customer_id / touchpoint or an
unparseable timestamp are dropped, as cjtool rejects them.

Ties: cjtool breaks equal timestamps of a customer's last event by input order. The
DuckDB baseline has no cheap row number for read_csv and ignores that; the generator
(benchmarks/generate.py) never writes two events of one customer at the same time.

Output (JSON): {"engine", "customers": {total, entered, completed}, "stages":
[{id, customers, median_time_to_convert_s}], "exits": [[stage_id, touchpoint, exits]]}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_MODEL = REPO / "cjtool" / "models" / "aipl.yaml"
PARQUET = (".parquet", ".pq")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


# ------------------------------------------------------------------------ the model


def load_rules(model_path: str | Path = DEFAULT_MODEL) -> dict[str, Any]:
    """Stages (id, touchpoints, match, channels), window seconds and column headers."""
    doc = yaml.safe_load(Path(model_path).read_text(encoding="utf-8"))
    stages = []
    for st in doc["stages"]:
        items = list(st.get("touchpoints") or [])
        occurrences = []  # {name: T, occurrence: N | "N+"} items: (name, N, or later)
        for it in items:
            if isinstance(it, dict):
                n = str(it["occurrence"])
                occurrences.append((str(it["name"]), int(n.rstrip("+")), n.endswith("+")))
        stages.append(
            {
                "id": st["id"],
                "touchpoints": [str(it) for it in items if not isinstance(it, dict)],
                "occurrences": occurrences,
                "match": st.get("match"),
                "channels": list(st["channels"]) if st.get("channels") is not None else None,
            }
        )
    cols = {r: r for r in ("customer_id", "timestamp", "touchpoint", "channel")}
    cols.update({k: v for k, v in (doc.get("columns") or {}).items() if k in cols})
    return {
        "stages": stages,
        "window_s": parse_window(doc.get("window")),
        "columns": cols,
        "mode": doc.get("mode", "ordered"),
    }


def parse_window(text: Any) -> float | None:
    if text is None or str(text).strip().lower() in ("", "none", "off"):
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", str(text).lower())
    if not m:
        raise SystemExit(f"not a window: {text!r} (use 30d, 12h, 90m, 45s)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def occurrence_names(stages: list[dict[str, Any]]) -> list[str]:
    """Touchpoints that occurrence items name: their events need an occurrence number."""
    return sorted({name for st in stages for name, _, _ in st["occurrences"]})


def _occurrence_sql(st: dict[str, Any], occ: str = "occ") -> list[str]:
    return [
        f"(touchpoint = {_sql_str(name)} AND {occ} {'>=' if later else '='} {n})"
        for name, n, later in st["occurrences"]
    ]


def stage_case_sql(stages: list[dict[str, Any]]) -> str:
    """CASE expression: index of the first matching stage, NULL if none (column ``occ``:
    the occurrence number of events at touchpoints occurrence items name)."""
    whens = []
    for k, st in enumerate(stages, start=1):
        conds = []
        if st["touchpoints"]:
            conds.append(f"touchpoint IN ({', '.join(_sql_str(t) for t in st['touchpoints'])})")
        conds += _occurrence_sql(st)
        if st["match"]:
            conds.append(f"regexp_matches(touchpoint, {_sql_str(st['match'])})")
        cond = "(" + " OR ".join(conds or ["FALSE"]) + ")"
        if st["channels"] is not None:
            cond += f" AND coalesce(channel IN ({', '.join(_sql_str(c) for c in st['channels'])}), FALSE)"
        whens.append(f"WHEN {cond} THEN {k}")
    return "CASE " + " ".join(whens) + " END"


# --------------------------------------------------------------------------- DuckDB


def duckdb_funnel(
    path: str | Path, model_path: str | Path = DEFAULT_MODEL, window: str | None = "model", threads: int | None = None
) -> dict[str, Any]:
    import duckdb

    rules = load_rules(model_path)
    W = rules["window_s"] if window == "model" else parse_window(window)
    stages = rules["stages"]
    K = len(stages)
    c = rules["columns"]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    p = str(path)
    src = (
        f"read_parquet({_sql_str(p)})"
        if p.lower().endswith(PARQUET)
        else f"read_csv({_sql_str(p)}, header = true, all_varchar = true)"
    )
    ts_col = f'"{c["timestamp"]}"'
    ts_type = con.execute(f"SELECT typeof({ts_col}) FROM {src} LIMIT 1").fetchone()
    # a typed column (Parquet) as it is; text parsed as cjtool does
    ts_sql = (
        f"CAST({ts_col} AS TIMESTAMPTZ)"
        if ts_type and ts_type[0].startswith("TIMESTAMP")
        else f"TRY_CAST(trim(CAST({ts_col} AS VARCHAR)) AS TIMESTAMPTZ)"
    )
    # read (all text), parse, drop what cjtool rejects, number the events at touchpoints
    # occurrence items name (in time order), assign stages, keep assigned events
    named = occurrence_names(stages)
    named_sql = "(" + ", ".join(_sql_str(t) for t in named) + ")" if named else "(NULL)"
    con.execute(f"""
        CREATE TEMP TABLE ev AS
        WITH valid AS (
            SELECT * FROM (
                SELECT CAST("{c["customer_id"]}" AS VARCHAR) AS customer_id,
                       {ts_sql} AS ts,
                       CAST("{c["touchpoint"]}" AS VARCHAR) AS touchpoint,
                       CAST("{c["channel"]}" AS VARCHAR) AS channel
                FROM {src}
            ) WHERE customer_id IS NOT NULL AND trim(customer_id) <> ''
                AND touchpoint IS NOT NULL AND trim(touchpoint) <> ''
                AND ts IS NOT NULL
        ), numbered AS (
            SELECT *, 0 AS occ FROM valid WHERE touchpoint NOT IN {named_sql}
            UNION ALL
            SELECT *, row_number() OVER (PARTITION BY customer_id, touchpoint ORDER BY ts) AS occ
            FROM valid WHERE touchpoint IN {named_sql}
        )
        SELECT * FROM (
            SELECT customer_id, ts, touchpoint, {stage_case_sql(stages)} AS stage FROM numbered
        ) WHERE stage IS NOT NULL
    """)

    # the ordered chain: one forward ASOF join per stage, from every distinct start
    win = "" if W is None else f" AND e.ts <= c.r1 + to_microseconds({int(round(W * 1e6))})"
    ctes = ["c1 AS (SELECT DISTINCT customer_id, ts AS r1 FROM ev WHERE stage = 1)"]
    for k in range(2, K + 1):
        cols = ", ".join(f"c.r{j}" for j in range(1, k))
        ctes.append(
            f"e{k} AS (SELECT DISTINCT customer_id, ts FROM ev WHERE stage = {k}),\n"
            f"c{k} AS (SELECT c.customer_id, {cols}, CASE WHEN TRUE{win} THEN e.ts END AS r{k}\n"
            f"        FROM c{k - 1} c ASOF LEFT JOIN e{k} e\n"
            f"        ON c.customer_id = e.customer_id AND e.ts >= c.r{k - 1})"
        )
    depth = " + ".join(f"(r{k} IS NOT NULL)::INT" for k in range(1, K + 1))
    con.execute(f"""
        CREATE TEMP TABLE best AS
        WITH {", ".join(ctes)}
        SELECT DISTINCT ON (customer_id) *, {depth} AS depth
        FROM c{K} ORDER BY customer_id, depth DESC, r1
    """)
    con.execute("""
        CREATE TEMP TABLE cust AS
        SELECT l.customer_id, coalesce(b.depth, 0) AS depth, l.last_stage, l.last_touchpoint
        FROM (SELECT customer_id,
                     arg_max(stage, ts) AS last_stage,
                     arg_max(touchpoint, ts) AS last_touchpoint
              FROM ev GROUP BY customer_id) l
        LEFT JOIN best b USING (customer_id)
    """)
    reached = con.execute(
        "SELECT count(*), " + ", ".join(f"count(*) FILTER (depth >= {k})" for k in range(1, K + 1)) + " FROM cust"
    ).fetchone()
    meds = (
        con.execute(
            "SELECT "
            + ", ".join(
                f"median(epoch_us(r{k}) - epoch_us(r{k - 1})) FILTER (depth >= {k}) / 1e6" for k in range(2, K + 1)
            )
            + " FROM best"
        ).fetchone()
        if K > 1
        else ()
    )
    # SPEC v2 exits: the last event of the deepest stage reached, for depth 1..K-1
    exits = con.execute(f"""
        SELECT stage, touchpoint, count(*) FROM (
            SELECT e.customer_id, any_value(e.stage) AS stage, arg_max(e.touchpoint, e.ts) AS touchpoint
            FROM ev e JOIN best b USING (customer_id)
            WHERE e.stage = b.depth AND b.depth < {K}
            GROUP BY e.customer_id
        ) GROUP BY ALL ORDER BY 1, 2
    """).fetchall()
    con.close()
    return _result("duckdb", stages, reached, [None, *meds], exits)


# ----------------------------------------------------------------------- ClickHouse


def _ch_str(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def clickhouse_sql(path: str | Path, model_path: str | Path = DEFAULT_MODEL, window: str | None = "model") -> str:
    """The ordered funnel as PostHog runs it: ClickHouse's ``windowFunnel`` per customer.

    Rows are read as text (CSV) or typed (Parquet), rejected as cjtool rejects them, and
    given the first matching stage of the model. Occurrence items need each event's
    number among the customer's events at its touchpoint in time order: the customer's
    events are collected into arrays sorted by time, ``arrayEnumerateUniq`` numbers them,
    and ``windowFunnel`` runs over the arrays (``arrayReduce``). Ties are ordered by time
    only (the generator writes no two events of a customer at one time). ``windowFunnel``
    takes an unsigned number, not DateTime64: times in microseconds, the window too.
    Only the stage customers come out (no medians, exits or touchpoint metrics)."""
    rules = load_rules(model_path)
    W = rules["window_s"] if window == "model" else parse_window(window)
    stages, c = rules["stages"], rules["columns"]
    p = str(path)
    if p.lower().endswith(PARQUET):
        src = f"file({_ch_str(p)}, 'Parquet')"
        ts = f"toUInt64(toUnixTimestamp64Micro(`{c['timestamp']}`))"
    else:
        with open(p, encoding="utf-8-sig") as fh:
            header = next(__import__("csv").reader(fh))
        structure = ", ".join(f"`{h}` String" for h in header)
        src = f"file({_ch_str(p)}, 'CSVWithNames', {_ch_str(structure)})"
        ts = f"toUInt64(toUnixTimestamp64Micro(parseDateTime64BestEffortOrNull(trim(`{c['timestamp']}`), 6, 'UTC')))"
    named = occurrence_names(stages)

    def plain(st: dict[str, Any], tp: str) -> str:
        conds = []
        if st["touchpoints"]:
            conds.append(f"{tp} IN ({', '.join(_ch_str(t) for t in st['touchpoints'])})")
        if st["match"]:
            conds.append(f"match({tp}, {_ch_str(st['match'])})")
        cond = "(" + " OR ".join(conds or ["0"]) + ")"
        if st["channels"] is not None:
            cond += f" AND ifNull(ch IN ({', '.join(_ch_str(x) for x in st['channels'])}), 0)"
        return cond

    # row level: the stage of events at other touchpoints; K + 1 marks a named touchpoint
    K = len(stages)
    row_stage = "multiIf(" + (f"tp IN ({', '.join(_ch_str(t) for t in named)}), {K + 1}, " if named else "")
    row_stage += "".join(f"{plain(st, 'tp')}, {k}, " for k, st in enumerate(stages, start=1)) + "0)"
    # array level: the stage of a named event from its touchpoint x.2 and number n
    occ_stage = (
        "multiIf("
        + "".join(
            "("
            + " OR ".join(
                [plain(st, "x.2").replace("ch IN", "x.3 IN")]
                + [f"(x.2 = {_ch_str(nm)} AND n {'>=' if later else '='} {n})" for nm, n, later in st["occurrences"]]
            )
            + f"), {k}, "
            for k, st in enumerate(stages, start=1)
        )
        + "0)"
    )
    funnel = f"windowFunnel({round(W * 1_000_000) if W is not None else 2**63})"
    conds = ", ".join(f"arrayMap(x -> x = {k}, ss)" for k in range(1, K + 1))
    return f"""
SELECT level, count() FROM (
  SELECT arrayReduce('{funnel}', arrayMap(x -> x.1, ev), {conds}) AS level FROM (
    SELECT ev, arrayMap((x, n) -> if(x.4 = {K + 1}, {occ_stage}, x.4), ev, arrayEnumerateUniq(arrayMap(x -> (x.4, x.2), ev))) AS ss
    FROM (
      SELECT arraySort(x -> x.1, groupArray((t, tp, ch, s0))) AS ev FROM (
        SELECT toString(`{c["customer_id"]}`) AS cid, {ts} AS t, toString(`{c["touchpoint"]}`) AS tp,
               toString(`{c["channel"]}`) AS ch, {row_stage} AS s0
        FROM {src}
      ) WHERE s0 > 0 AND t IS NOT NULL AND trim(cid) != '' AND trim(tp) != ''
      GROUP BY cid)))
GROUP BY level ORDER BY level"""


def clickhouse_funnel(
    path: str | Path, model_path: str | Path = DEFAULT_MODEL, window: str | None = "model"
) -> dict[str, Any]:
    import chdb

    stages = load_rules(model_path)["stages"]
    K = len(stages)
    sql = clickhouse_sql(path, model_path, window)
    spill = os.environ.get("CJTOOL_BENCH_CH_SPILL")  # big_run.py: let the GROUP BY spill to disk
    if spill:
        sql += f" SETTINGS max_bytes_before_external_group_by = {int(spill)}"
    text = str(chdb.query(sql, "CSV"))
    levels = {int(a): int(b) for a, b in (line.split(",") for line in text.split())}
    reached = (sum(levels.values()), *[sum(v for lv, v in levels.items() if lv >= k) for k in range(1, K + 1)])
    return _result("clickhouse", stages, reached, None, None)


# --------------------------------------------------------------------------- pandas


def pandas_funnel(
    path: str | Path, model_path: str | Path = DEFAULT_MODEL, window: str | None = "model"
) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    rules = load_rules(model_path)
    W = rules["window_s"] if window == "model" else parse_window(window)
    stages = rules["stages"]
    K = len(stages)
    c = rules["columns"]
    p = str(path)
    want = [c["customer_id"], c["timestamp"], c["touchpoint"], c["channel"]]
    if p.lower().endswith(PARQUET):
        df = pd.read_parquet(p, columns=want)
    else:
        df = pd.read_csv(p, usecols=lambda h: h in want, dtype=str, keep_default_na=False)
    df = df.rename(columns={v: k for k, v in c.items()})
    if "channel" not in df:
        df["channel"] = ""
    df["row"] = np.arange(len(df))
    if isinstance(df["timestamp"].dtype, pd.DatetimeTZDtype) or df["timestamp"].dtype.kind == "M":
        df["ts"] = pd.to_datetime(df["timestamp"], utc=True)  # typed (Parquet)
    else:
        df["ts"] = pd.to_datetime(df["timestamp"].str.strip(), utc=True, format="ISO8601", errors="coerce")
    ok = (df["customer_id"].str.strip() != "") & (df["touchpoint"].str.strip() != "") & df["ts"].notna()
    df = df.loc[ok, ["customer_id", "ts", "touchpoint", "channel", "row"]]

    named = df["touchpoint"].isin(occurrence_names(stages))
    df["occ"] = 0
    if named.any():  # occurrence numbers in time order (the generator writes no ties)
        sub = df.loc[named].sort_values(["ts", "row"])
        df.loc[sub.index, "occ"] = sub.groupby(["customer_id", "touchpoint"]).cumcount() + 1
    conds = []
    for st in stages:
        cond = df["touchpoint"].isin(st["touchpoints"])
        for name, n, later in st["occurrences"]:
            cond = cond | ((df["touchpoint"] == name) & ((df["occ"] >= n) if later else (df["occ"] == n)))
        if st["match"]:
            with warnings.catch_warnings():  # "has match groups": we only test for a match
                warnings.simplefilter("ignore", UserWarning)
                cond = cond | df["touchpoint"].str.contains(st["match"], regex=True)
        if st["channels"] is not None:
            cond = cond & df["channel"].isin(st["channels"])
        conds.append(cond.to_numpy(dtype=bool))
    df["stage"] = np.select(conds, list(range(1, K + 1)), default=0)
    ev = df[df["stage"] > 0]

    # the ordered chain: merge_asof forward per stage, from every distinct start
    chain = ev.loc[ev["stage"] == 1, ["customer_id", "ts"]].drop_duplicates().rename(columns={"ts": "r1"})
    for k in range(2, K + 1):
        prev, cur = f"r{k - 1}", f"r{k}"
        right = (
            ev.loc[ev["stage"] == k, ["customer_id", "ts"]]
            .drop_duplicates()
            .rename(columns={"ts": cur})
            .sort_values(cur)
        )
        left = chain[chain[prev].notna()].sort_values(prev)
        stopped = chain[chain[prev].isna()].copy()
        stopped[cur] = pd.Series(pd.NaT, index=stopped.index, dtype=right[cur].dtype)
        j = pd.merge_asof(
            left, right, left_on=prev, right_on=cur, by="customer_id", direction="forward", allow_exact_matches=True
        )
        if W is not None:
            j.loc[(j[cur] - j["r1"]) > pd.Timedelta(seconds=W), cur] = pd.NaT
        chain = pd.concat([j, stopped], ignore_index=True) if len(stopped) else j
    rcols = [f"r{k}" for k in range(1, K + 1)]
    chain["depth"] = chain[rcols].notna().sum(axis=1)
    best = chain.sort_values(["customer_id", "depth", "r1"], ascending=[True, False, True]).drop_duplicates(
        "customer_id"
    )

    last = ev.sort_values(["ts", "row"]).drop_duplicates("customer_id", keep="last")
    cust = last[["customer_id", "stage", "touchpoint"]].merge(
        best[["customer_id", "depth"]], on="customer_id", how="left"
    )
    cust["depth"] = cust["depth"].fillna(0).astype(int)
    reached = (len(cust), *[int((cust["depth"] >= k).sum()) for k in range(1, K + 1)])
    meds: list[float | None] = [None]
    for k in range(2, K + 1):
        b = best[best["depth"] >= k]
        meds.append(float((b[f"r{k}"] - b[f"r{k - 1}"]).dt.total_seconds().median()) if len(b) else None)
    # SPEC v2 exits: the last event of the deepest stage reached, for depth 1..K-1
    deep = ev.merge(best[["customer_id", "depth"]], on="customer_id")
    deep = deep[(deep["stage"] == deep["depth"]) & (deep["depth"] < K)]
    deep = deep.sort_values(["ts", "row"]).drop_duplicates("customer_id", keep="last")
    ex = deep.groupby(["stage", "touchpoint"]).size()
    exits = [(int(s), t, int(n)) for (s, t), n in ex.items()]
    return _result("pandas", stages, reached, meds, exits)


# --------------------------------------------------------------------------- shared


def _result(
    engine: str, stages: list[dict[str, Any]], reached: Any, meds: list[Any], exits: list[Any]
) -> dict[str, Any]:
    K = len(stages)
    total, *by_stage = reached
    out: dict[str, Any] = {
        "engine": engine,
        "customers": {"total": int(total), "entered": int(by_stage[0] or 0), "completed": int(by_stage[K - 1] or 0)},
        "stages": [
            {
                "id": st["id"],
                "customers": int(by_stage[k] or 0),
                "median_time_to_convert_s": None
                if meds is None or meds[k] is None or (isinstance(meds[k], float) and math.isnan(meds[k]))
                else float(meds[k]),
            }
            for k, st in enumerate(stages)
        ],
        "exits": None if exits is None else sorted([stages[int(s) - 1]["id"], t, int(n)] for s, t, n in exits if n),
    }
    if meds is None:  # an engine that gives the stage customers only (ClickHouse's funnel)
        for st in out["stages"]:
            del st["median_time_to_convert_s"]
    return out


def from_cjtool(doc: dict[str, Any]) -> dict[str, Any]:
    """The comparable part of `cjtool map --format json`."""
    return {
        "engine": "cjtool",
        "customers": {k: doc["customers"][k] for k in ("total", "entered", "completed")},
        "stages": [
            {"id": s["id"], "customers": s["customers"], "median_time_to_convert_s": s["median_time_to_convert_s"]}
            for s in doc["stages"]
        ],
        "exits": sorted([t["stage"], t["touchpoint"], t["exits"]] for t in doc["touchpoints"] if t["exits"]),
    }


def compare(ref: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Differences between two comparable results (empty: they agree)."""
    diffs = []
    if ref["customers"] != got["customers"]:
        diffs.append(f"customers: {ref['customers']} vs {got['customers']}")
    for a, b in zip(ref["stages"], got["stages"], strict=True):
        if a["customers"] != b["customers"]:
            diffs.append(f"stage {a['id']}: {a['customers']} vs {b['customers']} customers")
        if "median_time_to_convert_s" not in b:
            continue
        ma, mb = a["median_time_to_convert_s"], b["median_time_to_convert_s"]
        if (ma is None) != (mb is None) or (ma is not None and abs(ma - mb) > 1e-6 * max(1.0, abs(ma))):
            diffs.append(f"stage {a['id']}: median time to convert {ma} vs {mb}")
    if got["exits"] is None:
        return diffs
    ea = {(s, t): n for s, t, n in ref["exits"]}
    eb = {(s, t): n for s, t, n in got["exits"]}
    for key in sorted(set(ea) | set(eb)):
        if ea.get(key, 0) != eb.get(key, 0):
            diffs.append(f"exits {key}: {ea.get(key, 0)} vs {eb.get(key, 0)}")
    return diffs


def cjtool_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("cjtool")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cjtool"]


def run_cjtool(path: str | Path, model: str | Path = "aipl", window: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.json"
        cmd = [*cjtool_cmd(), "map", str(path), "--model", str(model), "--format", "json", "-o", str(out), "--quiet"]
        if window is not None:
            cmd += ["--window", window]
        subprocess.run(cmd, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def verify(
    rows: int = 200_000, path: str | Path | None = None, windows: tuple[str, ...] = ("30d", "none"), quiet: bool = False
) -> bool:
    """Generate ``rows`` events (unless ``path`` is given), run cjtool and both baselines
    with each window and print OK / MISMATCH per (engine, window). True if all agree."""
    sys.path.insert(0, str(HERE))
    import generate

    all_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        files: list[Path] = []
        if path is None:
            shuffled = Path(tmp) / f"verify_{rows}.csv"
            generate.generate(rows, shuffled, parquet=True, quiet=True)
            by_time = Path(tmp) / f"verify_{rows}_by_time.csv"
            generate.generate(rows // 4, by_time, seed=7, order="time", quiet=True)
            files = [shuffled, shuffled.with_suffix(".parquet"), by_time]
        else:
            files = [Path(path)]
        for f in files:
            for w in windows:
                ref = from_cjtool(run_cjtool(f, DEFAULT_MODEL, w))
                for name, fn in (
                    ("duckdb", duckdb_funnel),
                    ("pandas", pandas_funnel),
                    ("clickhouse", clickhouse_funnel),
                ):
                    t0 = time.perf_counter()
                    got = fn(f, DEFAULT_MODEL, w)
                    diffs = compare(ref, got)
                    all_ok &= not diffs
                    status = "OK" if not diffs else "MISMATCH"
                    print(
                        f"{status:8} {name:6} window={w:4} {f.name}: "
                        f"{ref['customers']['total']} customers, stages "
                        f"{[s['customers'] for s in ref['stages']]}, {len(ref['exits'])} exit pairs "
                        f"({time.perf_counter() - t0:.1f} s)"
                    )
                    for d in diffs[:20]:
                        print("         ", d)
    print("verify:", "OK" if all_ok else "MISMATCH")
    return all_ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("duckdb", "pandas", "clickhouse"):
        sp = sub.add_parser(name, help=f"the {name} baseline on one file")
        sp.add_argument("events")
        sp.add_argument("--model", default=str(DEFAULT_MODEL), help="model YAML (default: aipl.yaml)")
        sp.add_argument("--window", default="model", help="30d, 12h, none (default: the model's)")
        sp.add_argument("--out", "-o", help="write the result JSON here (default: stdout)")
        if name == "duckdb":
            sp.add_argument("--threads", type=int)
    vp = sub.add_parser("verify", help="check both baselines against cjtool map --format json")
    vp.add_argument("--rows", type=lambda s: int(float(s.replace("_", ""))), default=200_000)
    vp.add_argument("--file", help="verify on this file instead of generated ones")
    a = ap.parse_args(argv)
    if a.cmd == "verify":
        return 0 if verify(a.rows, a.file) else 1
    fn = {"duckdb": duckdb_funnel, "pandas": pandas_funnel, "clickhouse": clickhouse_funnel}[a.cmd]
    kw = {"threads": a.threads} if a.cmd == "duckdb" and a.threads else {}
    res = fn(a.events, a.model, a.window, **kw)
    text = json.dumps(res, indent=1)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
