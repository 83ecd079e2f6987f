"""Paths (SPEC section 11) and their channels (section 12), as aggregations of the journeys.

A customer's path is their assigned events in (timestamp, input order); the events are
sorted once (``cjtool.engine.sorted_events``) and every part is then a few column
operations: *runs* (consecutive repeats of a step collapsed into one, with the time of
their first and last event), pairs of consecutive runs, group-bys. No Python loop runs
over events or customers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cjtool.analyses.channels import Channels, compute_channels
from cjtool.analyses.runs import collapse
from cjtool.engine import sorted_events
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.journeys import Journeys
from cjtool.model import JourneyModel

SCHEMA = "cjtool.paths/1"
START, CONVERTED, DROPPED, END = "(start)", "(converted)", "(dropped)", "(end)"
OTHER = "(other)"  # pictures pool rare steps into it
_PSEUDO_ORDER = {START: 0, CONVERTED: 2, DROPPED: 3, END: 4, OTHER: 5}
DEFAULT_STEPS = 5


UNASSIGNED = 0  # the stage index of a step of an event that matches no stage (`paths --all-events`)


@dataclass(frozen=True)
class Step:
    """A (stage, touchpoint) step; a stage-level step has touchpoint None; a pseudo-step
    (``(start)``, ``(converted)``, ``(dropped)``, ``(end)``) has stage None; an event
    that matches no stage (``--all-events``) has stage ``UNASSIGNED`` (null in JSON)."""

    stage: int | None
    touchpoint: str | None = None

    @property
    def pseudo(self) -> bool:
        return self.stage is None

    def key(self) -> tuple:
        """SPEC 16 order: (start), steps by stage index and touchpoint, (converted), (dropped), (end)."""
        if self.stage is None:
            return (_PSEUDO_ORDER[self.touchpoint or ""], 0, "")
        return (1, self.stage, self.touchpoint or "")

    def to_dict(self, model: JourneyModel) -> dict[str, Any]:
        sid = None if not self.stage else model.stages[self.stage - 1].id
        return {"stage": sid, "touchpoint": self.touchpoint}

    def label(self, model: JourneyModel, lang: str = "en") -> str:
        if not self.stage:
            return self.touchpoint or ""
        if self.touchpoint is None:
            return model.stages[self.stage - 1].label.get(lang)
        return self.touchpoint


@dataclass(frozen=True)
class Transition:
    src: Step
    dst: Step
    customers: int
    transitions: int
    median_gap_s: float | None

    @property
    def backward(self) -> bool:
        return not self.src.pseudo and not self.dst.pseudo and (self.dst.stage or 0) < (self.src.stage or 0)


@dataclass(frozen=True)
class Variant:
    path: tuple[int, ...]  # stage indices
    customers: int
    share: float
    completed_share: float


@dataclass(frozen=True)
class Flow:
    step: int
    src: Step
    dst: Step
    customers: int


@dataclass
class Paths:
    model: JourneyModel
    steps: int
    customers: int
    completed: int
    transitions: list[Transition]
    stage_transitions: list[Transition]
    customers_backward: int
    variants: list[Variant]
    flows: list[Flow]
    channels: Channels
    filters: dict[str, Any] = field(default_factory=dict)
    # events of the run's customers that match no stage: left out of the touchpoint
    # transitions and flows (joining the steps around them), or kept as steps (all_events)
    unassigned_events: int = 0
    all_events: bool = False

    @property
    def warnings(self) -> list[str]:
        if not self.unassigned_events or self.all_events:
            return []
        n = self.unassigned_events
        return [say("paths_unassigned_one" if n == 1 else "paths_unassigned", n=f"{n:,}")]

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        sid = [s.id for s in m.stages]

        def tr(x: Transition, stage_level: bool = False) -> dict[str, Any]:
            d = {
                "from": x.src.to_dict(m),
                "to": x.dst.to_dict(m),
                "customers": x.customers,
                "transitions": x.transitions,
                "median_gap_s": x.median_gap_s,
            }
            if stage_level:
                d["backward"] = x.backward
            return d

        ch = self.channels
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "model": m.name,
            "mode": m.mode,
            "window_s": m.window_s,
            "steps": self.steps,
            "customers": {"total": self.customers, "completed": self.completed},
            "events_unassigned": {"count": self.unassigned_events, "kept": self.all_events},
            "transitions": [tr(x) for x in self.transitions],
            "stage_transitions": [tr(x, True) for x in self.stage_transitions],
            "customers_backward": self.customers_backward,
            "variants": [
                {
                    "path": [sid[k - 1] for k in v.path],
                    "customers": v.customers,
                    "share": v.share,
                    "completed_share": v.completed_share,
                }
                for v in self.variants
            ],
            "flows": [
                {"step": f.step, "from": f.src.to_dict(m), "to": f.dst.to_dict(m), "customers": f.customers}
                for f in self.flows
            ],
            "channels": {
                "customers": ch.customers,
                "multichannel": ch.multichannel,
                "single": {"entered": ch.single_entered, "completed": ch.single_completed},
                "multi": {"entered": ch.multi_entered, "completed": ch.multi_completed},
                "switches": [
                    {"stage": sid[s.stage - 1], "from": s.src, "to": s.dst, "customers": s.customers}
                    for s in ch.switches
                ],
                "switch_rate": [{"stage": sid[k - 1], "rate": r} for k, r in ch.switch_rate],
                "conversion_probability": ch.conversion_probability,
                "removal_effect": [
                    {"channel": r.channel, "effect": r.effect, "share": r.share} for r in ch.removal_effect
                ],
            },
        }
        if self.filters:
            out["filters"] = self.filters
        return out


# --------------------------------------------------------------------------- building blocks


def sorted_paths(j: Journeys, all_events: bool = False) -> pl.DataFrame:
    """The assigned events in path order (customer, timestamp, input order): ``cust`` (the
    code of ``j.customers``), ``timestamp``, ``stage``, ``touchpoint``, ``channel``.
    ``all_events``: every event of the run's customers, stage ``UNASSIGNED`` where none."""
    if all_events:
        run = pl.col("cust").to_physical().is_in(j.customers["cust"].to_physical().implode())
        chosen = j.events.filter(run).with_columns(pl.col("stage").fill_null(UNASSIGNED))
    else:
        chosen = j.events.filter(j.assigned)
    assigned = chosen.select("cust", "timestamp", "stage", "touchpoint", "channel")
    ev = sorted_events(assigned.select("cust", "timestamp", "stage"))
    pos = ev["pos"]
    return ev.select("cust", "timestamp", "stage").with_columns(
        assigned["touchpoint"].gather(pos), assigned["channel"].gather(pos)
    )


def _first(runs: pl.DataFrame) -> pl.Expr:
    return (pl.col("cust") != pl.col("cust").shift(1)).fill_null(True)


def _last(runs: pl.DataFrame) -> pl.Expr:
    return (pl.col("cust") != pl.col("cust").shift(-1)).fill_null(True)


def _step(keys: list[str], row: dict[str, Any], prefix: str = "") -> Step:
    return Step(row[prefix + "stage"], row.get(prefix + "touchpoint") if "touchpoint" in keys else None)


def transitions_of(runs: pl.DataFrame, keys: list[str], converted: pl.Series) -> list[Transition]:
    """SPEC 11 transitions between consecutive runs, plus (start) -> first and last ->
    (converted) / (dropped). ``converted``: per customer of ``runs`` (in its order), depth = K."""
    to = [f"to_{k}" for k in keys]
    inner = (
        runs.with_columns(
            *[pl.col(k).shift(-1).alias(t) for k, t in zip(keys, to, strict=True)],
            ((pl.col("t_first").shift(-1) - pl.col("t_last")).dt.total_microseconds() / 1_000_000).alias("gap"),
        )
        .filter(~_last(runs))
        .group_by([*keys, *to])
        .agg(
            pl.len().alias("transitions"),
            pl.col("cust").n_unique().alias("customers"),
            pl.col("gap").median().alias("median_gap_s"),
        )
    )
    starts = runs.filter(_first(runs)).group_by(keys).agg(pl.len().alias("n"))
    ends = (
        runs.filter(_last(runs))
        .with_columns(converted.alias("conv"))
        .group_by([*keys, "conv"])
        .agg(pl.len().alias("n"))
    )
    out = [
        Transition(_step(keys, r), _step(keys, r, "to_"), r["customers"], r["transitions"], r["median_gap_s"])
        for r in inner.iter_rows(named=True)
    ]
    out += [Transition(Step(None, START), _step(keys, r), r["n"], r["n"], None) for r in starts.iter_rows(named=True)]
    out += [
        Transition(_step(keys, r), Step(None, CONVERTED if r["conv"] else DROPPED), r["n"], r["n"], None)
        for r in ends.iter_rows(named=True)
    ]
    out.sort(key=lambda x: (-x.transitions, -x.customers, x.src.key(), x.dst.key()))
    return out


def flows_of(runs: pl.DataFrame, steps: int) -> list[Flow]:
    """SPEC 11 flows: (i, step i, step i+1 or (end)) for i = 1..S-1 of the collapsed path."""
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    pos = idx - pl.when(_first(runs)).then(idx).forward_fill() + 1
    g = (
        runs.with_columns(
            pos.alias("i"),
            pl.when(~_last(runs)).then(pl.col("stage").shift(-1)).alias("to_stage"),
            pl.when(~_last(runs)).then(pl.col("touchpoint").shift(-1)).alias("to_touchpoint"),
            _last(runs).alias("end"),
        )
        .filter(pl.col("i") <= steps - 1)
        .group_by("i", "stage", "touchpoint", "end", "to_stage", "to_touchpoint")
        .agg(pl.len().alias("n"))
    )
    keys = ["stage", "touchpoint"]
    out = [
        Flow(r["i"], _step(keys, r), Step(None, END) if r["end"] else _step(keys, r, "to_"), r["n"])
        for r in g.iter_rows(named=True)
    ]
    out.sort(key=lambda f: (f.step, -f.customers, f.src.key(), f.dst.key()))
    return out


def variants_of(stage_runs: pl.DataFrame, completed: pl.Series, customers: int) -> list[Variant]:
    per = stage_runs.group_by("cust", maintain_order=True).agg(pl.col("stage").alias("path"))
    g = (
        per.with_columns(completed.alias("done"))
        .group_by("path")
        .agg(pl.len().alias("n"), pl.col("done").sum().alias("done"))
    )
    out = [Variant(tuple(r["path"]), r["n"], r["n"] / customers, r["done"] / r["n"]) for r in g.iter_rows(named=True)]
    out.sort(key=lambda v: (-v.customers, v.path))
    return out


# --------------------------------------------------------------------------- the analysis


def compute_paths(j: Journeys, steps: int = DEFAULT_STEPS, all_events: bool = False) -> Paths:
    """SPEC 11-12 over assigned events; ``all_events``: the touchpoint transitions and
    flows keep the events that match no stage as steps (stage-level transitions,
    variants and channels stay over assigned events)."""
    model, K = j.model, j.K
    ev = sorted_paths(j)
    c = j.customers  # in customer-code order, as ``ev`` is: one row per customer of ``ev``
    completed = c["depth"] == K
    every = sorted_paths(j, all_events=True) if all_events else None
    unassigned = (every.height if every is not None else _run_events(j)) - ev.height
    tp_runs = collapse(every if every is not None else ev, ["stage", "touchpoint"])
    st_runs = collapse(ev, ["stage"])
    backward = st_runs.filter(~_last(st_runs) & (pl.col("stage").shift(-1) < pl.col("stage")))["cust"].n_unique()
    n = c.height
    return Paths(
        model=model,
        steps=steps,
        customers=n,
        completed=int(completed.sum()),
        transitions=transitions_of(tp_runs, ["stage", "touchpoint"], completed),
        stage_transitions=transitions_of(st_runs, ["stage"], completed),
        customers_backward=int(backward),
        variants=variants_of(st_runs, completed, n) if n else [],
        flows=flows_of(tp_runs, steps),
        channels=compute_channels(j, ev),
        unassigned_events=unassigned,
        all_events=all_events,
    )


def _run_events(j: Journeys) -> int:
    """Events of the run's customers (those with an assigned event), assigned or not."""
    run = j.events["cust"].to_physical().is_in(j.customers["cust"].to_physical().implode())
    return int(run.sum())


# --------------------------------------------------------------------------- views


def matches(step: Step, name: str, model: JourneyModel) -> bool:
    """Whether ``name`` (a stage id, a touchpoint or a pseudo-step) names ``step``."""
    if not step.stage:
        return step.touchpoint == name
    return model.stages[step.stage - 1].id == name or step.touchpoint == name


def filtered(
    p: Paths,
    *,
    src: str | None = None,
    dst: str | None = None,
    min_customers: int = 0,
    before_drop: bool = False,
) -> Paths:
    """A view of ``p``: transitions from ``src`` / into ``dst`` (a stage id, a touchpoint or
    a pseudo-step); ``before_drop``: the steps customers were last at before dropping out
    (transitions into ``(dropped)``); and only what has ``min_customers`` or more."""
    if before_drop:
        dst = DROPPED
    known = {s.id for s in p.model.stages} | {START, CONVERTED, DROPPED, END}
    known |= {x.src.touchpoint or "" for x in p.transitions} | {x.dst.touchpoint or "" for x in p.transitions}
    for option, name in (("--from", src), ("--to", dst)):
        if name is not None and name not in known:
            raise UsageError(say("zl_paths_unknown", option=option, name=name, model=p.model.name))

    def keep(x: Transition) -> bool:
        return (
            x.customers >= min_customers
            and (src is None or matches(x.src, src, p.model))
            and (dst is None or matches(x.dst, dst, p.model))
        )

    filters: dict[str, Any] = {}
    for k, v in (("from", src), ("to", dst), ("min_customers", min_customers or None)):
        if v is not None:
            filters[k] = v
    if not filters:
        return p
    return dataclasses.replace(
        p,
        transitions=[x for x in p.transitions if keep(x)],
        stage_transitions=[x for x in p.stage_transitions if keep(x)],
        flows=[f for f in p.flows if f.customers >= min_customers],
        variants=[v for v in p.variants if v.customers >= min_customers],
        filters=filters,
    )
