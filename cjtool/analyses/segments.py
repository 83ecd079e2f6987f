"""Segments: breakdowns by an attribute of each customer (SPEC section 9, readings in 16).

A *segment attribute* gives every customer of the run one value: from a customer file,
from an event column (the value on the customer's first assigned event whose value is
not blank), or the period of entry (day, week, month, quarter of the first assigned
event). The maps of all segments come from one grouped pass (``metrics.aggregate``), never
one run per segment; the whole run's map (`all`) is their merge (``merged_segments``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cjtool import encoding as enc
from cjtool.errors import DataError, UsageError
from cjtool.i18n import say
from cjtool.journey_rules import status_expr
from cjtool.journeys import Journeys
from cjtool.metrics import aggregate, finish, merged_segments
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap

NONE = "(none)"
OTHER = "(other)"
PERIODS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "quarter": None}
DEFAULT_LIMIT = 10


@dataclass
class Attribute:
    """One value per customer of ``j.customers`` (same row order), and where it came from."""

    name: str
    values: pl.Series  # String, never null: blank reads `(none)`
    source: str  # "customer file", "event column", "period"
    warnings: list[str] = field(default_factory=list)


@dataclass
class Breakdown:
    attribute: str
    source: str
    all: JourneyMap
    segments: list[tuple[str, JourneyMap]]
    pooled: int = 0  # how many values were pooled into `(other)`
    warnings: list[str] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "schema": "cjtool.segments/1",
            "attribute": self.attribute,
            "source": self.source,
            "pooled_values": self.pooled,
            "all": self.all.to_dict(lang),
            "segments": [{"value": value, "map": m.to_dict(lang)} for value, m in self.segments],
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------------ attributes


def read_customer_file(path: str | Path, id_header: str = "customer_id") -> pl.DataFrame:
    """A customer file (CSV in UTF-8 or GBK, or Parquet): every column as text, the id
    column renamed ``customer_id``. A customer listed twice is an error (SPEC 9)."""
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise DataError(say("zl_customer_folder", name=name), hint=say("zl_customer_folder_hint"))
    if not path.is_file():
        raise DataError(say("sg_no_file", name=name))
    with open(path, "rb") as fh:
        magic = fh.read(4)
    try:
        if magic == b"PAR1" or path.suffix.lower() in (".parquet", ".pq"):
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.String))
        else:
            codec = enc.detect(path)
            text = path.read_bytes().decode(codec if codec != "utf-8" else "utf-8-sig")
            first = text.split("\n", 1)[0]
            separator = max((",", ";", "\t", "|"), key=lambda sep: (first.count(sep), sep == ","))
            frame = pl.read_csv(text.encode("utf-8"), separator=separator, infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as exc:
        raise DataError(say("sg_unreadable", name=name, why=str(exc).splitlines()[0])) from None
    header = id_header if id_header in frame.columns else "customer_id"
    if header not in frame.columns:
        raise DataError(
            say("sg_no_id", name=name, header=id_header, found=", ".join(frame.columns) or say("none_value")),
            hint=say("sg_no_id_hint"),
        )
    frame = frame.rename({header: "customer_id"}) if header != "customer_id" else frame
    frame = frame.filter(pl.col("customer_id").is_not_null())
    dup = frame.group_by("customer_id").len().filter(pl.col("len") > 1).sort("customer_id")
    if dup.height:
        first = dup["customer_id"][0]
        raise DataError(
            say("sg_dup", name=name, first=first, n=dup["len"][0], ids=f"{dup.height:,}"), hint=say("sg_dup_hint")
        )
    return frame


def blank_to_none(values: pl.Expr) -> pl.Expr:
    return pl.when(values.is_null() | (values.str.strip_chars() == "")).then(pl.lit(NONE)).otherwise(values).name.keep()


def attribute(
    j: Journeys,
    name: str,
    *,
    customer_file: pl.DataFrame | None = None,
    timezone: str | None = None,
    with_values: Collection[str] | None = None,
) -> Attribute:
    """The segment attribute ``name`` (SPEC 16 lookup order: a column of the customer
    file, then an event column, then a period keyword). ``with_values``: the event columns
    some row of the run has a value in, when ``j`` is a part of the run (Spark's tasks)."""
    if customer_file is not None and name in customer_file.columns and name != "customer_id":
        ids = j.events["cust"].gather(j.customers["first"]).cast(pl.String).to_frame("customer_id")
        joined = ids.join(
            customer_file.select("customer_id", name), on="customer_id", how="left", maintain_order="left"
        )
        listed = joined[name].is_not_null() | ids["customer_id"].is_in(customer_file["customer_id"].implode())
        missing = int((~listed).sum())
        warnings = [say("seg_not_in_file", n=f"{missing:,}", name=name, none=say("none_value"))] if missing else []
        values = joined.select(blank_to_none(pl.col(name)).alias(name))[name]
        return Attribute(name, values, "customer file", warnings)
    column = event_column(j, name, with_values)
    if column is not None:
        return Attribute(name, first_value(j, column), "event column")
    if name in PERIODS:
        return Attribute(name, entry_period(j, name, timezone), "period")
    roles = {h for role, h in j.model.column_map.items() if role != "channel"}
    if name in j.table.columns and name not in roles:  # a header of the input, without a value
        raise UsageError(say("zl_by_blank", name=name), hint=say("zl_by_blank_hint"))
    in_events = [c for c in j.table.columns if c not in roles] or event_columns(j)
    in_file = [c for c in customer_file.columns if c != "customer_id"] if customer_file is not None else []
    none = say("none_value")
    raise UsageError(
        say("seg_no_attr", name=name, events=", ".join(in_events) or none)
        + (say("seg_file_columns", columns=", ".join(in_file) or none) if customer_file is not None else "")
        + say("seg_periods", periods=", ".join(PERIODS))
        + ("" if customer_file is not None else say("seg_or_customers"))
    )


def event_columns(j: Journeys) -> list[str]:
    """Event columns a breakdown can use: the channel role and extra columns read."""
    cols = ["channel"] if j.events["channel"].null_count() < j.events.height else []
    read = [c for c in j.events.columns if c.startswith("attr:") and j.events[c].null_count() < j.events.height]
    return cols + [c.removeprefix("attr:") for c in read]


def event_column(j: Journeys, name: str, with_values: Collection[str] | None = None) -> str | None:
    """The events' column holding attribute ``name``: an extra column read as
    ``attr:<name>``, else a role by its name or its header (through `columns:`)."""
    column = f"attr:{name}"
    if column in j.events.columns and (
        column in with_values if with_values is not None else j.events[column].null_count() < j.events.height
    ):
        return column  # read, and some file has the column
    roles = {"channel": "channel"}
    header_role = {header: role for role, header in j.model.column_map.items()}
    role = roles.get(name) or roles.get(header_role.get(name, ""))
    return role


def first_value(j: Journeys, column: str) -> pl.Series:
    """Per customer, ``column`` on their first assigned event, in (timestamp, input
    order), whose value is not blank; ``(none)`` when every value is blank."""
    values = pl.col(column).cast(pl.String)
    order = pl.col("timestamp").to_physical().cast(pl.Int128) * pl.lit(2**32, pl.Int128) + pl.col("row").cast(pl.Int128)
    firsts = (
        j.events.lazy()
        .filter(pl.col("stage").is_not_null() & values.is_not_null() & (values.str.strip_chars() != ""))
        .group_by(pl.col("cust").to_physical().alias("code"))
        .agg(values.get(order.arg_min()).alias("value"))
        .collect()
    )
    codes = j.customers.select(pl.col("cust").cast(pl.UInt32).alias("code"))
    joined = codes.join(firsts, on="code", how="left", maintain_order="left")
    return joined.select(pl.col("value").fill_null(NONE))["value"]


def distinct_values(j: Journeys, column: str) -> pl.Series:
    """Per customer, how many distinct non-blank values ``column`` has over their
    assigned events (SPEC 10/16: more than one makes an A/B customer `mixed`)."""
    values = pl.col(column).cast(pl.String)
    counts = (
        j.events.lazy()
        .filter(pl.col("stage").is_not_null() & values.is_not_null() & (values.str.strip_chars() != ""))
        .group_by(pl.col("cust").to_physical().alias("code"))
        .agg(values.n_unique().alias("n"))
        .collect()
    )
    codes = j.customers.select(pl.col("cust").cast(pl.UInt32).alias("code"))
    joined = codes.join(counts, on="code", how="left", maintain_order="left")
    return joined.select(pl.col("n").fill_null(0).cast(pl.UInt32))["n"]


def entry_period(j: Journeys, period: str, timezone: str | None = None) -> pl.Series:
    """The period of each customer's first assigned event (SPEC 9/16): `2026-03-04`,
    `2026-W09` (ISO week), `2026-03`, `2026-Q1`; in the model's time zone when set."""
    first = j.events["timestamp"].gather(j.customers["first"])
    t = pl.col("t")
    if timezone:
        t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(timezone)
    fmt = PERIODS[period]
    expr = (
        t.dt.strftime(fmt)
        if fmt
        else pl.concat_str(t.dt.year().cast(pl.String), pl.lit("-Q"), t.dt.quarter().cast(pl.String))
    )
    return first.to_frame("t").select(expr.alias("period"))["period"]


# ------------------------------------------------------------------------ breakdown


def segment_codes(values: pl.Series, limit: int = DEFAULT_LIMIT) -> tuple[pl.Series, list[str], int]:
    """Codes 0..S-1 per customer, the segment values in order (customers desc, then value
    by code point), and how many values were pooled: with more than ``limit`` values the
    first limit-1 are kept and the rest pooled as `(other)`, listed last (SPEC 9/16)."""
    if limit < 2:
        raise UsageError(say("sg_limit", limit=limit))
    sizes = values.value_counts(name="n").sort(["n", values.name], descending=[True, False])
    order = sizes[values.name].to_list()
    pooled = 0
    if len(order) > limit:
        pooled = len(order) - (limit - 1)
        order = order[: limit - 1]
    code = {v: i for i, v in enumerate(order)}
    labels = order + ([OTHER] if pooled else [])
    mapping = pl.DataFrame(
        {values.name: list(code), "code": list(code.values())}, schema={values.name: values.dtype, "code": pl.UInt32}
    )
    codes = (
        values.to_frame()
        .join(mapping, on=values.name, how="left", maintain_order="left")
        .select(pl.col("code").fill_null(len(order)))["code"]
    )
    return codes, labels, pooled


def breakdown(j: Journeys, attr: Attribute, *, limit: int = DEFAULT_LIMIT) -> Breakdown:
    """The map of every value of ``attr`` and of the whole run (SPEC 9)."""
    codes, labels, pooled = segment_codes(attr.values, limit)
    partial = aggregate(j, codes)  # one aggregation: the segments' maps, merged the run's
    maps = finish(partial, len(labels), run=False)
    everyone = finish(merged_segments(partial))[0]
    warnings = breakdown_warnings(attr, pooled, limit)
    return Breakdown(attr.name, attr.source, everyone, list(zip(labels, maps, strict=True)), pooled, warnings)


def breakdown_without(j: Journeys, attr: Attribute, drop: pl.Series, *, limit: int = DEFAULT_LIMIT) -> Breakdown:
    """``breakdown`` of the customers where ``drop`` is False (e.g. without those in
    progress, SPEC 14): the dropped customers get a code of their own, whose map is left out."""
    codes, labels, pooled = segment_codes(attr.values, limit)
    n = len(labels)
    codes = pl.select(pl.when(pl.lit(drop)).then(n).otherwise(pl.lit(codes)).cast(pl.UInt32)).to_series()
    partial = aggregate(j, codes)
    maps = finish(partial, n + 1, run=False)[:n]
    everyone = finish(merged_segments(partial, list(range(n))), run=False)[0]
    result = Breakdown(attr.name, attr.source, everyone, list(zip(labels, maps, strict=True)), pooled)
    result.warnings = breakdown_warnings(attr, pooled, limit)
    return result


def breakdown_warnings(attr: Attribute, pooled: int, limit: int) -> list[str]:
    warnings = list(attr.warnings)
    if pooled:
        warnings.append(
            say(
                "seg_pooled",
                name=attr.name,
                n=f"{pooled + limit - 1:,}",
                kept=limit - 1,
                pooled=f"{pooled:,}",
                other=say("step_other"),
            )
        )
    return warnings


# ------------------------------------------------------------------------ sources


def attributes_to_read(model: JourneyModel, names: list[str], customer_file: pl.DataFrame | None) -> list[str]:
    """The extra event columns ``names`` need (SPEC 16 lookup order): not a customer-file
    column or a header a role reads. A role's name is read too (`channel` read from
    `medium`): a real header of that name comes first; one no file has is all null (then
    the role is used). So is a period keyword: an event column of that name comes first."""
    headers = set(model.column_map.values())
    found = set(customer_file.columns) if customer_file is not None else set()
    return [n for n in dict.fromkeys(names) if n not in found and n not in headers]


def load_customer_file(model: JourneyModel, path: str | None) -> pl.DataFrame | None:
    """The customer file given (``--customers``), else the model's ``segments: customers:``."""
    chosen = path or model.customers_file
    if chosen is None:
        return None
    return read_customer_file(chosen, model.column_map["customer_id"])


def in_use(model: JourneyModel, by: list[str]) -> list[str]:
    """Attributes a customer table shows: the model's declared ones, then ``by``."""
    return list(dict.fromkeys([name for name, _ in model.segments] + by))


def in_progress_mask(j: Journeys) -> pl.Series:
    """True for each customer of ``j.customers`` in progress (SPEC 14)."""
    return j.customers.select((status_expr(j) == "in_progress").alias("p"))["p"]


def segment_breakdown(
    j: Journeys,
    by: str,
    *,
    customer_file: pl.DataFrame | None = None,
    limit: int = DEFAULT_LIMIT,
    exclude_in_progress: bool = False,
) -> Breakdown:
    """The breakdown by attribute ``by`` (`map --by`), optionally without customers in progress."""
    attr = attribute(j, by, customer_file=customer_file, timezone=j.model.timezone)
    if exclude_in_progress:
        return breakdown_without(j, attr, in_progress_mask(j), limit=limit)
    return breakdown(j, attr, limit=limit)


def incomplete_periods(bd: Breakdown, timezone: str | None = None) -> set[str]:
    """Entry periods whose window had not closed when the data ended: some customers are
    still in progress (SPEC 14); without a window, the period the data ends in."""
    out = {v for v, m in bd.segments if any(s.in_progress for s in m.stages)}
    t_end = bd.all.t_end
    if bd.source == "period" and bd.all.model.window_s is None and t_end is not None:
        frame = pl.DataFrame({"t": [t_end]})
        t = pl.col("t")
        if timezone:
            t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(timezone)
        fmt = PERIODS[bd.attribute]
        expr = (
            t.dt.strftime(fmt)
            if fmt
            else pl.concat_str(t.dt.year().cast(pl.String), pl.lit("-Q"), t.dt.quarter().cast(pl.String))
        )
        out.add(frame.select(expr)[0, 0])
    return out
