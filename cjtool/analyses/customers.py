"""The customer table (SPEC section 8), with each customer's status (rules in `journey_rules`).

One row per customer of the run, from the journeys step: how far they got, when they
reached each stage, where they were last seen, where they count as an exit, and whether
they completed, are still on their way, dropped, or never entered.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from cjtool.analyses import segments as sg
from cjtool.errors import UsageError
from cjtool.i18n import say
from cjtool.journey_rules import STATUSES, churned_expr, status_expr
from cjtool.journeys import Journeys
from cjtool.metrics import SCORE_SCALE as SCALE
from cjtool.metrics import customer_revenue
from cjtool.model import JourneyModel


def customer_table(j: Journeys, attributes: Sequence[tuple[str, pl.Series]] = ()) -> pl.DataFrame:
    """SPEC section 8's columns, in order, ordered by customer_id (code point); then one
    column per segment attribute (``(name, values aligned with j.customers)``). Times are
    UTC datetimes; the writers format them."""
    model, c, ev = j.model, j.customers, j.events
    ids = [st.id for st in model.stages]
    stage_ids = pl.Series(ids, dtype=pl.String)
    K = len(ids)

    def stage_id(index: pl.Series) -> pl.Series:
        """Stage id of a 1-based index (null for 0 / null)."""
        return stage_ids.gather((index.cast(pl.Int64) - 1).clip(lower_bound=0)).set(
            index.is_null() | (index.cast(pl.Int64) < 1),
            None,  # type: ignore[arg-type]
        )

    def event(position: str, column: str) -> pl.Series:
        return ev[column].gather(c[position])

    table = pl.DataFrame(
        {
            "customer_id": event("first", "cust").cast(pl.String),
            "depth": c["depth"].cast(pl.Int32),
            "stage": stage_id(c["depth"]),
            "completed": c["depth"] == K,
            **{f"reached_{sid}": c[f"r{k}"] for k, sid in enumerate(ids, start=1)},
            "first_seen": event("first", "timestamp"),
            "last_seen": event("last", "timestamp"),
            "events": c["events"].cast(pl.Int64),
            "last_stage": stage_id(event("last", "stage")),
            "last_touchpoint": event("last", "touchpoint").cast(pl.String),
            "exit_touchpoint": event("exit", "touchpoint").cast(pl.String),
            "status": c.select(status_expr(j))["status"],
            **{name: values for name, values in attributes},
        }
    )
    if model.churn_after_s is not None:
        table = table.with_columns(c.select(churned_expr(j).alias("churned"))["churned"])
    if j.table.has_revenue:
        units = c.lazy().select("cust").join(customer_revenue(j), on="cust", how="left", maintain_order="left")
        # exact millionths, one correctly rounded division each, as from_units: polars divides
        # floats by a constant through its reciprocal (544.3199999999999 for 544.32)
        cents = units.collect()["rev_units"].fill_null(0).to_list()
        revenue = pl.Series("revenue", [int(u) / SCALE for u in cents], dtype=pl.Float64)
        table = table.with_columns(revenue.alias("revenue"))
    return table.sort("customer_id")


def filter_customers(
    table: pl.DataFrame,
    model: JourneyModel,
    *,
    status: Sequence[str] = (),
    stage: Sequence[str] = (),
    exit_touchpoint: Sequence[str] = (),
) -> pl.DataFrame:
    """The rows a marketer asks for: any of these statuses, stages reached (the `stage`
    column: where they got to) and exit touchpoints; an unknown status or stage is a usage
    error naming the choices."""
    ids = [st.id for st in model.stages]
    for value in status:
        if value not in STATUSES:
            raise UsageError(say("cu_status", value=value, statuses=", ".join(STATUSES)))
    for value in stage:
        if value not in ids:
            raise UsageError(say("cu_stage", value=value, stages=", ".join(ids)))
    keep = pl.lit(True)
    if status:
        keep &= pl.col("status").cast(pl.String).is_in(list(status))
    if stage:
        keep &= pl.col("stage").is_in(list(stage))
    if exit_touchpoint:
        keep &= pl.col("exit_touchpoint").is_in(list(exit_touchpoint))
    return table.filter(keep)


def customer_rows(
    j: Journeys,
    names: Sequence[str],
    *,
    by: Sequence[str] = (),
    customer_file: pl.DataFrame | None = None,
    timezone: str | None = None,
    status: Sequence[str] = (),
    stage: Sequence[str] = (),
    exit_touchpoint: Sequence[str] = (),
    with_values: Collection[str] | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """What `cjtool customers` writes of ``j``: the table with the segment attributes
    ``names`` (a model's attribute found nowhere is left out with a warning, one of ``by``
    is an error), filtered; and the attributes' warnings. ``with_values``: see
    ``segments.attribute``."""
    attrs, warnings = [], []
    for n in names:
        try:
            attrs.append(sg.attribute(j, n, customer_file=customer_file, timezone=timezone, with_values=with_values))
        except UsageError:
            if n in by:
                raise
            warnings.append(say("cu_attr_missing", name=n))
    table = customer_table(j, [(a.name, a.values) for a in attrs])
    table = filter_customers(table, j.model, status=status, stage=stage, exit_touchpoint=exit_touchpoint)
    return table, warnings + [w for a in attrs for w in a.warnings]
