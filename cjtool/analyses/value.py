"""Customer lifetime value (issue 22): who is probably still a customer, how many more
purchases to expect, and what each customer is worth.

From the journeys step's events: transactions (events at the purchase touchpoints; one per
customer and calendar day in the model's time zone, its value the day's revenue), each
customer's frequency / recency / T / monetary value up to ``until`` (the calibration data),
BG/NBD and Gamma-Gamma fitted by maximum likelihood (``cjtool.stats.clv``), and per customer
p_alive, expected purchases over the horizon, expected spend and CLV. Transactions after
``until`` are the holdout: actual repeat purchases set against the prediction.

The result is plain data (``ValueResult``); its warnings are notes (a key and numbers),
worded by ``cjtool.render.value_text`` in the run's language."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import polars as pl

from cjtool.analyses.segments import NONE, attribute
from cjtool.errors import DataError, UsageError
from cjtool.i18n import say
from cjtool.journeys import Journeys
from cjtool.metrics import REVENUE, SCORE_SCALE, revenue_units
from cjtool.stats import TwoSampleTest, clv, holm, welch_test

SCHEMA = "cjtool.value/1"
UNITS = {"day": 1, "week": 7}
MIN_CUSTOMERS = 10  # fewer customers than this cannot identify BG/NBD's four parameters
MIN_REPEAT_CUSTOMERS = 2  # Gamma-Gamma's three parameters need at least this many repeat customers
SHORT_WINDOW_DAYS = 91  # a calibration window shorter than 13 weeks: few repeats to learn from
CORRELATION_WARNING = 0.3  # |corr(frequency, monetary)| above this: Gamma-Gamma's assumption is doubtful
MATRIX_SIDE = 40  # the p_alive matrix's largest frequency / recency shown (rows and columns)
HOLDOUT_FREQUENCIES = 7  # calibration frequencies 0..5 and 6+ in the holdout comparison
AT_RISK_P_ALIVE = 0.5  # at risk: p_alive below this ...
VALUABLE_QUANTILE = 0.75  # ... with a monetary value (frequency without revenue) in the top quarter


@dataclass(frozen=True)
class Note:
    """A warning before wording: ``key`` in the value words of ``render.value_text``."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Holdout:
    """Transactions after ``until`` against the prediction for that period, by calibration
    frequency (0, 1, ... HOLDOUT_FREQUENCIES-1 and more): mean actual and predicted repeat
    purchases per customer, and the totals."""

    length: float  # in units: from the end of ``until`` to the end of the run's last day
    frequency: list[int]  # the last one stands for "this many or more"
    customers: list[int]
    actual: list[float]
    predicted: list[float]
    total_actual: int
    total_predicted: float


@dataclass(frozen=True)
class Matrix:
    """p_alive of a customer of age ``T`` for frequency 0, 1, ... (rows) and recency from 0
    to T in equal steps (columns, in units; whole units up to MATRIX_SIDE columns)."""

    T: float
    p_alive: list[list[float]]


@dataclass(frozen=True)
class Segment:
    """The valued customers of one value of a segment attribute (an A/B arm, a tier):
    means per customer, and Welch's test of the mean of ``measure`` against the baseline
    segment's (Holm-adjusted over the segments)."""

    name: str
    customers: int
    p_alive: float
    expected_purchases: float
    clv: float | None  # mean CLV; None without Gamma-Gamma
    total_clv: float | None
    test: TwoSampleTest | None  # None for the baseline, or without a baseline

    def to_dict(self) -> dict[str, Any]:
        t = self.test
        return {
            "segment": self.name,
            "customers": self.customers,
            "mean_p_alive": self.p_alive,
            "mean_expected_purchases": self.expected_purchases,
            "mean_clv": self.clv,
            "total_clv": self.total_clv,
            "test": None if t is None else t.to_dict(),
        }


@dataclass(frozen=True)
class Segments:
    by: str
    baseline: str | None
    measure: str  # "clv", or "expected_purchases" without Gamma-Gamma
    alpha: float
    segments: list[Segment]


@dataclass
class ValueResult:
    unit: str
    until: date
    horizon: float  # in units
    discount: float | None  # a year's rate
    purchase: list[str] | None  # the --purchase touchpoints; None: the default rule
    basis: str  # "purchase", "revenue" or "last_stage": how transactions were chosen
    bgnbd: clv.Fit
    gamma_gamma: clv.Fit | None
    customers: pl.DataFrame  # one row per customer with a transaction up to `until`, by id
    holdout: Holdout | None
    matrix: Matrix
    correlation: float | None  # frequency and monetary value of repeat customers (Gamma-Gamma assumes ~0)
    later_customers: int  # customers whose first transaction is after `until` (not valued)
    notes: list[Note] = field(default_factory=list)
    journey_warnings: list[str] = field(default_factory=list)
    segments: Segments | None = None  # with --by

    def to_dict(self) -> dict[str, Any]:
        """``cjtool.value/1``."""
        r, alpha, a, b = self.bgnbd.params
        gg = None
        if self.gamma_gamma is not None:
            p, q, v = self.gamma_gamma.params
            gg = {"p": p, "q": q, "gamma": v}
        out = {
            "schema": SCHEMA,
            "unit": self.unit,
            "until": self.until.isoformat(),
            "horizon": self.horizon,
            "bgnbd": {"r": r, "alpha": alpha, "a": a, "b": b, "log_likelihood": self.bgnbd.log_likelihood},
            "gamma_gamma": gg,
            "customers": self.customers.select(CUSTOMER_COLUMNS).to_dicts(),
        }
        if self.segments is not None:  # with --by only: cjtool.value/1 adds these keys
            out["by"] = self.segments.by
            out["baseline"] = self.segments.baseline
            out["segments"] = [seg.to_dict() for seg in self.segments.segments]
        return out


CUSTOMER_COLUMNS = [
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
]


def parse_horizon(text: str, unit: str) -> float:
    """`39w`, `90d` or a bare number of units as a number of ``unit``s (> 0)."""
    if unit not in UNITS:
        raise UsageError(say("zl_unit", unit=unit))
    s = text.strip().lower()
    days_per = {"d": 1, "w": 7}
    try:
        days = float(s[:-1]) * days_per[s[-1]] if s and s[-1] in days_per else float(s) * UNITS[unit]
    except ValueError:
        days = float("nan")
    if not math.isfinite(days) or days <= 0:
        raise UsageError(say("zl_horizon", text=repr(text)))
    return days / UNITS[unit]


def parse_until(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(say("zl_until_date", text=repr(text))) from None


def local_day(model_timezone: str | None) -> pl.Expr:
    """The calendar day of each event's timestamp (naive UTC) in the model's time zone."""
    t = pl.col("timestamp")
    if model_timezone:
        t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(model_timezone)
    return t.dt.date().alias("day")


def purchase_events(j: Journeys, purchase: list[str] | None) -> tuple[pl.Expr, str]:
    """Which events are transactions: the given touchpoints; else every event with a
    revenue value when the input has revenue; else the last stage's events and touchpoints."""
    if purchase:
        known = set(j.events["touchpoint"].cast(pl.String).unique().to_list())
        missing = [p for p in purchase if p not in known]
        if len(missing) == len(purchase):
            raise DataError(say("zl_purchase", names=", ".join(missing)), hint=say("zl_purchase_hint"))
        return pl.col("touchpoint").cast(pl.String).is_in(purchase), "purchase"
    if j.table.has_revenue:
        return pl.col(REVENUE).is_not_null(), "revenue"
    last = j.model.stages[-1]
    rule = pl.col("stage") == j.K
    if last.names:
        rule = rule | pl.col("touchpoint").cast(pl.String).is_in(list(last.names))
    return rule.fill_null(False), "last_stage"


def transactions(j: Journeys, purchase: list[str] | None) -> tuple[pl.DataFrame, str]:
    """One row per customer and day with a transaction: ``cust`` (text), ``day`` and
    ``units`` (the day's revenue in millionths, exact; 0 without revenue)."""
    rule, basis = purchase_events(j, purchase)
    has_revenue = j.table.has_revenue
    value = revenue_units().fill_null(0) if has_revenue else pl.lit(0, dtype=pl.Int128)
    tx = (
        j.events.lazy()
        .filter(rule)
        .select(pl.col("cust").cast(pl.String).alias("cust"), local_day(j.model.timezone), value.alias("units"))
        .group_by("cust", "day")
        .agg(pl.col("units").sum())
        .collect()
    )
    if tx.height == 0:
        raise DataError(say("zl_no_transactions"), hint=say("zl_no_transactions_hint"))
    return tx, basis


def summary(tx: pl.DataFrame, until: date, unit_days: int) -> pl.DataFrame:
    """Per customer with a transaction up to ``until``: frequency, recency, T (in units),
    monetary_value (mean of the repeat transactions, 0 without) and the holdout count."""
    cal = tx.filter(pl.col("day") <= until).sort("cust", "day")
    per = cal.group_by("cust").agg(
        pl.len().alias("n"),
        pl.col("day").min().alias("first"),
        pl.col("day").max().alias("last"),
        pl.col("units").sum().alias("total"),
        pl.col("units").first().alias("first_units"),
    )
    hold = tx.filter(pl.col("day") > until).group_by("cust").agg(pl.len().alias("holdout"))
    per = per.join(hold, on="cust", how="left").sort("cust")
    repeats = (per["total"] - per["first_units"]).to_list()
    n = per["n"].to_list()
    monetary = [(int(units) / SCORE_SCALE) / (k - 1) if k > 1 else 0.0 for units, k in zip(repeats, n, strict=True)]
    first = per["first"]
    return pl.DataFrame(
        {
            "customer_id": per["cust"],
            "frequency": (per["n"] - 1).cast(pl.Int64),
            "recency": (per["last"] - first).dt.total_days().cast(pl.Float64) / unit_days,
            "T": (pl.Series([until] * per.height, dtype=pl.Date) - first).dt.total_days().cast(pl.Float64) / unit_days,
            "monetary_value": pl.Series(monetary, dtype=pl.Float64),
            "holdout": per["holdout"].fill_null(0).cast(pl.Int64),
        }
    )


def compute_value(
    j: Journeys,
    *,
    until: date | None = None,
    unit: str = "week",
    horizon: float = 39.0,
    purchase: list[str] | None = None,
    discount: float | None = None,
) -> ValueResult:
    """The CLV analysis of ``j`` (see the module's docstring). ``horizon`` in ``unit``s;
    ``discount`` a year's rate (0.1: a purchase a year out is worth 1/1.1)."""
    if unit not in UNITS:
        raise UsageError(say("zl_unit", unit=unit))
    if discount is not None and not (math.isfinite(discount) and discount >= 0):
        raise UsageError(say("zl_discount", x=f"{discount:g}"))
    unit_days = UNITS[unit]
    tx, basis = transactions(j, purchase)
    end_day: date = tx["day"].max()  # type: ignore[assignment]
    run_end = run_end_day(j)
    if run_end is not None:
        end_day = max(end_day, run_end)
    start_day: date = tx["day"].min()  # type: ignore[assignment]
    until = until or end_day
    if until < start_day:
        raise UsageError(say("zl_until_early", until=until.isoformat(), start=start_day.isoformat()))
    table = summary(tx, until, unit_days)
    notes: list[Note] = []
    if until > end_day:
        notes.append(Note("until_after_end", {"until": until.isoformat(), "end": end_day.isoformat()}))
    later = int(tx.filter(pl.col("day") > until)["cust"].n_unique()) - int(table.filter(pl.col("holdout") > 0).height)
    x = table["frequency"].to_numpy().astype(np.float64)
    t_x = table["recency"].to_numpy()
    T = table["T"].to_numpy()
    n, repeaters = table.height, int((x > 0).sum())
    if n < MIN_CUSTOMERS:
        raise DataError(
            say("zl_bg_few", n=n, s="s" * (n != 1), until=until.isoformat(), least=MIN_CUSTOMERS),
            hint=say("zl_bg_few_hint"),
        )
    if repeaters == 0:
        raise DataError(say("zl_bg_no_repeat", n=f"{n:,}", until=until.isoformat()), hint=say("zl_bg_no_repeat_hint"))
    window = (until - start_day).days + 1
    if window < SHORT_WINDOW_DAYS:
        notes.append(Note("short_window", {"days": window, "least": SHORT_WINDOW_DAYS}))
    (ux, ut, uT), weights, inverse = clv.compress_with_inverse(x, t_x, T)
    bg = clv.fit_bgnbd(ux, ut, uT, weights)
    if not bg.identified:
        params = ", ".join(f"{k} {v:.3g}" for k, v in zip(("r", "alpha", "a", "b"), bg.params, strict=True))
        raise DataError(say("zl_bg_no_maximum", params=params), hint=say("zl_more_customers_hint"))
    if bg.runs_off:
        notes.append(Note("runs_off", {"model": "BG/NBD", "names": ", ".join(bg.runs_off)}))
    if not bg.converged:
        notes.append(Note("not_converged", {"model": "BG/NBD", "message": bg.message}))
    r, alpha, a, b = bg.params
    palive = clv.p_alive(r, alpha, a, b, ux, ut, uT)[inverse]  # once per distinct history
    expected = clv.expected_purchases(r, alpha, a, b, horizon, ux, ut, uT)[inverse]
    gg, spend, value, correlation = None, None, None, None
    m = table["monetary_value"].to_numpy()
    if j.table.has_revenue:
        gg, correlation = _gamma_gamma(x, m, notes)
    if gg is not None:
        p, q, v = gg.params
        spend = clv.expected_spend(p, q, v, x, m)
        if discount:
            rate = (1.0 + discount) ** (unit_days / 365.0) - 1.0
            value = clv.discounted_purchases(r, alpha, a, b, horizon, rate, ux, ut, uT)[inverse] * spend
        else:
            value = expected * spend
    if not all(np.all(np.isfinite(v)) for v in (palive, expected, spend, value) if v is not None):
        raise DataError(say("zl_non_finite"), hint=say("zl_more_customers_hint"))
    none = pl.Series([None] * n, dtype=pl.Float64)
    table = table.with_columns(
        pl.Series("monetary_value", m) if j.table.has_revenue else none.alias("monetary_value"),
        pl.Series("p_alive", palive),
        pl.Series("expected_purchases", expected),
        pl.Series("expected_spend", spend) if spend is not None else none.alias("expected_spend"),
        pl.Series("clv", value) if value is not None else none.alias("clv"),
    ).select(*CUSTOMER_COLUMNS, "holdout")
    holdout = None
    if end_day > until:
        holdout = holdout_comparison(table, bg, (end_day - until).days / unit_days)
    return ValueResult(
        unit=unit,
        until=until,
        horizon=horizon,
        discount=discount,
        purchase=list(purchase) if purchase else None,
        basis=basis,
        bgnbd=bg,
        gamma_gamma=gg,
        customers=table,
        holdout=holdout,
        matrix=p_alive_matrix(bg, table),
        correlation=correlation,
        later_customers=later,
        notes=notes,
        journey_warnings=list(j.table.warnings) + j.warnings,
    )


def run_end_day(j: Journeys) -> date | None:
    """The local day of the run's last event (t_end), in the model's time zone."""
    t_end: datetime | None = j.t_end
    if t_end is None:
        return None
    return pl.DataFrame({"timestamp": [t_end]}).select(local_day(j.model.timezone))["day"][0]


def _gamma_gamma(x: np.ndarray, m: np.ndarray, notes: list[Note]) -> tuple[clv.Fit | None, float | None]:
    """Gamma-Gamma on the repeat customers with a positive mean value; None (with a note)
    when it cannot be identified or its mean spend is infinite (q <= 1)."""
    repeat = x > 0
    usable = repeat & (m > 0)
    if int((repeat & ~usable).sum()):
        notes.append(Note("nonpositive_value", {"n": int((repeat & ~usable).sum())}))
    if int(usable.sum()) < MIN_REPEAT_CUSTOMERS:
        notes.append(Note("gg_too_few", {"n": int(usable.sum()), "least": MIN_REPEAT_CUSTOMERS}))
        return None, None
    (ux, um), weights = clv.compress(x[usable], m[usable])
    gg = clv.fit_gamma_gamma(ux, um, weights)
    correlation = None
    if usable.sum() > 2 and np.std(x[usable]) > 0 and np.std(m[usable]) > 0:
        correlation = float(np.corrcoef(x[usable], m[usable])[0, 1])
        if abs(correlation) > CORRELATION_WARNING:
            notes.append(Note("correlated", {"corr": correlation}))
    if not gg.identified or gg.params[1] <= 1:
        notes.append(Note("gg_unidentified", {"q": gg.params[1]}))
        return None, correlation
    if gg.runs_off:
        notes.append(Note("runs_off", {"model": "Gamma-Gamma", "names": ", ".join(gg.runs_off)}))
    if not gg.converged:
        notes.append(Note("not_converged", {"model": "Gamma-Gamma", "message": gg.message}))
    return gg, correlation


def holdout_comparison(table: pl.DataFrame, bg: clv.Fit, length: float) -> Holdout:
    """Predicted (BG/NBD, conditional on calibration) against actual repeat purchases in
    the holdout period, by calibration frequency (lifetimes' calibration/holdout plot)."""
    r, alpha, a, b = bg.params
    x = table["frequency"].to_numpy().astype(np.float64)
    predicted = clv.expected_purchases(r, alpha, a, b, length, x, table["recency"].to_numpy(), table["T"].to_numpy())
    frame = pl.DataFrame(
        {
            "f": np.minimum(table["frequency"].to_numpy(), HOLDOUT_FREQUENCIES - 1),
            "actual": table["holdout"].to_numpy().astype(np.float64),
            "predicted": predicted,
        }
    )
    by = frame.group_by("f").agg(pl.len().alias("n"), pl.col("actual").mean(), pl.col("predicted").mean()).sort("f")
    return Holdout(
        length=length,
        frequency=by["f"].to_list(),
        customers=by["n"].to_list(),
        actual=by["actual"].to_list(),
        predicted=by["predicted"].to_list(),
        total_actual=int(table["holdout"].sum()),
        total_predicted=float(np.sum(predicted)),
    )


def p_alive_matrix(bg: clv.Fit, table: pl.DataFrame) -> Matrix:
    """lifetimes' classic: p_alive of a customer as old as the oldest (T), for frequency
    0..F and recency 0..T in whole units (capped at MATRIX_SIDE)."""
    r, alpha, a, b = bg.params
    T = float(math.floor(table["T"].max()))  # type: ignore[arg-type]
    side_f = min(int(table["frequency"].max()), MATRIX_SIDE)  # type: ignore[arg-type]
    step = max(1.0, T / MATRIX_SIDE)
    recency = np.arange(0, T + 1e-9, step)
    f, t = np.meshgrid(np.arange(side_f + 1, dtype=np.float64), recency, indexing="ij")
    values = clv.p_alive(r, alpha, a, b, f, t, np.full_like(t, T))
    rows = [[float(v) for v in row] for row in values]
    return Matrix(T=T, p_alive=rows)


def at_risk(result: ValueResult, top: int = 10) -> pl.DataFrame:
    """Valuable customers who may have left: p_alive below AT_RISK_P_ALIVE and a monetary
    value (frequency without revenue) in the top quarter of repeat customers; by their
    past value (frequency x monetary value), largest first."""
    c = result.customers
    measure = "monetary_value" if c["monetary_value"].null_count() == 0 else "frequency"  # null: no revenue
    repeat = c.filter(pl.col("frequency") > 0)
    if repeat.height == 0:
        return c.head(0)
    threshold = repeat[measure].cast(pl.Float64).quantile(VALUABLE_QUANTILE, "lower")
    past = pl.col("frequency") * pl.col(measure) if measure == "monetary_value" else pl.col("frequency")
    return (
        repeat.filter((pl.col("p_alive") < AT_RISK_P_ALIVE) & (pl.col(measure) >= threshold))
        .with_columns(past.cast(pl.Float64).alias("past_value"))
        .sort(["past_value", "customer_id"], descending=[True, False])
        .head(top)
    )


def top_customers(result: ValueResult, top: int = 10) -> pl.DataFrame:
    """The customers worth most (clv; expected purchases without revenue), id as tie-break."""
    key = "clv" if result.gamma_gamma is not None else "expected_purchases"
    return result.customers.sort([key, "customer_id"], descending=[True, False]).head(top)


def p_alive_distribution(result: ValueResult) -> list[tuple[float, float, int]]:
    """How many customers have p_alive in [0, .25), [.25, .5), [.5, .75), [.75, 1]."""
    p = result.customers["p_alive"].to_numpy()
    edges = [0.0, 0.25, 0.5, 0.75, 1.0]
    out = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        out.append((lo, hi, int(inside.sum())))
    return out


def customer_segments(j: Journeys, by: str, customer_file: pl.DataFrame | None = None) -> pl.DataFrame:
    """``customer_id`` and ``segment``: each journey customer's value of ``by`` (SPEC 9's
    segment attribute: a customer-file column, an event column or a period of entry)."""
    attr = attribute(j, by, customer_file=customer_file, timezone=j.model.timezone)
    ids = j.events["cust"].gather(j.customers["first"]).cast(pl.String)
    return pl.DataFrame({"customer_id": ids, "segment": attr.values.cast(pl.String)})


def with_segments(
    result: ValueResult, segment_of: pl.DataFrame, by: str, *, baseline: str | None = None, alpha: float = 0.05
) -> ValueResult:
    """``result`` with the mean CLV (expected purchases without revenue) of every segment
    of ``by`` (``segment_of``: customer_id -> segment; a valued customer without one is
    `(none)`), each against ``baseline`` by Welch's t-test, Holm-adjusted."""
    measure = "clv" if result.gamma_gamma is not None else "expected_purchases"
    table = result.customers.join(segment_of, on="customer_id", how="left").with_columns(
        pl.col("segment").fill_null(NONE)
    )
    names = sorted(set(table["segment"].to_list()))
    if baseline is not None and baseline not in names:
        raise UsageError(say("zl_baseline_value", baseline=baseline, by=by, values=", ".join(names)))
    groups = {name: table.filter(pl.col("segment") == name) for name in names}

    def moments(name: str) -> tuple[int, float, float]:
        values = groups[name][measure].to_list()
        return len(values), math.fsum(values), math.fsum(v * v for v in values)

    tests: dict[str, TwoSampleTest | None] = {}
    if baseline is not None:
        tests = {name: welch_test(moments(baseline), moments(name)) for name in names if name != baseline}
        keys = list(tests)
        adjusted = holm([None if tests[k] is None else tests[k].p_value for k in keys])  # type: ignore[union-attr]
        for k, p in zip(keys, adjusted, strict=True):
            t = tests[k]
            if t is not None:
                tests[k] = t.with_adjusted(p, alpha)
    out = []
    for name in names:
        g = groups[name]
        n = g.height
        clv_values = g["clv"].to_list() if result.gamma_gamma is not None else None
        out.append(
            Segment(
                name=name,
                customers=n,
                p_alive=math.fsum(g["p_alive"].to_list()) / n,
                expected_purchases=math.fsum(g["expected_purchases"].to_list()) / n,
                clv=None if clv_values is None else math.fsum(clv_values) / n,
                total_clv=None if clv_values is None else math.fsum(clv_values),
                test=tests.get(name),
            )
        )
    result.segments = Segments(by, baseline, measure, alpha, out)
    return result


def with_value_columns(table: pl.DataFrame, result: ValueResult) -> pl.DataFrame:
    """The customer table (`cjtool customers`) with ``p_alive`` and ``clv`` of ``result``
    (null for customers it does not value: no purchase up to its ``until``)."""
    values = result.customers.select("customer_id", "p_alive", "clv")
    return table.join(values, on="customer_id", how="left", maintain_order="left")


def clv_reached(j: Journeys, result: ValueResult) -> list[int]:
    """Per stage k, the predicted CLV (in millionths, as SPEC 17's revenue) of the customers
    with depth >= k: what `map --value` values the revenue at stake with instead of the
    revenue observed so far. A customer the fit does not value (no purchase) counts 0."""
    K = len(j.model.stages)
    ids = j.at("first", "cust").cast(pl.String).alias("customer_id")
    per = (
        pl.DataFrame([ids, j.customers["depth"]])
        .join(result.customers.select("customer_id", "clv"), on="customer_id", how="left")
        .with_columns((pl.col("clv").fill_null(0.0) * SCORE_SCALE).round(0).cast(pl.Int64).alias("units"))
    )
    return [int(per.filter(pl.col("depth") >= k)["units"].sum()) for k in range(1, K + 1)]
