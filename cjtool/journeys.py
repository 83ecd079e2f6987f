"""The journeys step: every analysis reads this (SPEC section 8).

``build_journeys`` assigns stages (SPEC section 2) and works out each customer's journey
(section 3) once; the map (sections 4-7), the customer table and the analyses are
aggregations over the result. It holds:

* ``events``: every valid event in input order (``cjtool.events``) with its ``stage``
  (null: unassigned); the columns are shared with the event table, not copied;
* ``customers``: one row per customer of the run, in customer-code order, from
  ``cjtool.engine.customer_journeys``, with its event positions (``first``, ``last``,
  ``exit``, chain events ``c1..cK``) turned into row indices of ``events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from cjtool.engine import claimed_stages, customer_journeys, kernel_journeys, pair_codes, stage_column
from cjtool.events import EventTable
from cjtool.i18n import say
from cjtool.kernel import kernel_wanted
from cjtool.model import JourneyModel

TIE_WARNING_SHARE = 0.05  # SPEC section 3: warn when more chain steps than this are ties


@dataclass(frozen=True)
class Checks:
    """What the journeys step's warnings are made of, as counts that add up over
    partitions of the customers (``merge``): the warnings are worded from the sums."""

    events: int = 0
    unassigned: int = 0
    stages_hit: frozenset[int] = frozenset()  # stages that got an event
    claimable: frozenset[int] = frozenset()  # stages some event matches (among those that got none)
    ties: int = 0  # chain steps with r_k = r_(k-1)
    steps: int = 0  # all chain steps

    def merge(self, other: Checks) -> Checks:
        return Checks(
            self.events + other.events,
            self.unassigned + other.unassigned,
            self.stages_hit | other.stages_hit,
            self.claimable | other.claimable,
            self.ties + other.ties,
            self.steps + other.steps,
        )


@dataclass
class Journeys:
    model: JourneyModel
    table: EventTable
    events: pl.DataFrame
    customers: pl.DataFrame
    checks: Checks = Checks()
    end: datetime | None = None  # t_end when the events are a part of the run (partitions)
    # For each event, whether it is its customer's first at its (stage, touchpoint): their
    # sum is a pair's distinct customers. From the kernel only (None: count them by hash).
    pair_first: pl.Series | None = None

    @property
    def K(self) -> int:
        return len(self.model.stages)

    @property
    def t_end(self) -> datetime | None:
        """The latest timestamp of all non-rejected rows of the run (SPEC section 14)."""
        if self.end is not None:
            return self.end
        return self.events["timestamp"].max()  # type: ignore[return-value]

    @property
    def warnings(self) -> list[str]:
        return journey_warnings(self.model, self.checks)

    @property
    def assigned(self) -> pl.Series:
        return self.events["stage"].is_not_null()

    def at(self, position: str, column: str) -> pl.Series:
        """``column`` of the event at each customer's ``position`` (``last``, ``exit``, ``c2``...)."""
        return self.events[column].gather(self.customers[position]).alias(f"{position}_{column}")


def build_journeys(table: EventTable, model: JourneyModel) -> Journeys:
    frame = table.frame
    stage = stage_column(frame, model)
    events = frame.with_columns(stage)  # the other columns are shared, not copied
    is_assigned = stage.is_not_null()
    K = len(model.stages)
    positions = ["first", "last", "exit", *[f"c{k}" for k in range(1, K + 1)]]
    pair_first = None
    assigned = int(is_assigned.sum())
    if assigned and kernel_wanted(assigned):  # its positions are rows of `events`
        customers, pair_first = kernel_journeys(
            events.select("cust", "timestamp", "stage"), model, pair_codes(events, K)
        )
    else:
        index = is_assigned.arg_true()  # row of `events` of each assigned event
        chains = customer_journeys(events.select("cust", "timestamp", "stage").filter(is_assigned), model, kernel=False)
        customers = chains.with_columns([index.gather(chains[p]).alias(p) for p in positions])
    journeys = Journeys(model, table, events, customers, pair_first=pair_first)
    hit = frozenset(int(k) for k in stage.unique().drop_nulls().to_list())
    claimable = frozenset(
        model.stage_index(sid) for sid in (claimed_stages(events, model, stage) if events.height else [])
    )
    ties, steps = tie_share(journeys)
    journeys.checks = Checks(events.height, int(stage.null_count()), hit, claimable, ties, steps)
    return journeys


def journey_warnings(model: JourneyModel, checks: Checks) -> list[str]:
    """The journeys step's warnings, from its ``Checks`` (of one run or merged partitions)."""
    out = []
    if checks.events and checks.events == checks.unassigned:
        out.append(say("jw_no_stage"))
    elif checks.events:
        for k in sorted(checks.claimable - checks.stages_hit):
            out.append(say("jw_starved", sid=model.stages[k - 1].id))
    ties, steps = checks.ties, checks.steps
    if model.mode == "ordered" and model.same_time == "any_order" and steps and ties / steps > TIE_WARNING_SHARE:
        out.append(say("jw_ties", ties=f"{ties:,}", steps=f"{steps:,}", share=f"{ties / steps:.0%}"))
    return out


def tie_share(j: Journeys) -> tuple[int, int]:
    """(chain steps with r_k = r_(k-1), all chain steps) over the run's customers."""
    if j.model.mode != "ordered" or j.K < 2 or not j.customers.height:
        return 0, 0
    c = j.customers
    row = c.select(
        pl.sum_horizontal([(pl.col(f"r{k}") == pl.col(f"r{k - 1}")).fill_null(False) for k in range(2, j.K + 1)])
        .sum()
        .alias("ties"),
        (pl.col("depth") - 1).clip(lower_bound=0).sum().alias("steps"),
    ).row(0)
    return int(row[0]), int(row[1])
