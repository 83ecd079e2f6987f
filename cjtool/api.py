"""The library entry points the CLI (and Python users) call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import polars as pl

from cjtool.analyses.moments import MomentsResult, compute_moments
from cjtool.events import EventsInput, read_events
from cjtool.i18n import current_lang, t
from cjtool.journeys import Journeys, build_journeys
from cjtool.metrics import compute_map
from cjtool.model import JourneyModel, load_model
from cjtool.render import notebook as _notebook  # noqa: F401  (a map shows itself in Jupyter)
from cjtool.result import JourneyMap

if TYPE_CHECKING:  # the result types of the entry points that load their analysis on first use
    from cjtool.analyses.compare import CompareResult
    from cjtool.analyses.paths import Paths
    from cjtool.analyses.segments import Breakdown
    from cjtool.analyses.value import ValueResult

__all__ = [
    "map_journey",
    "journeys",
    "moments",
    "MomentsResult",
    "paths",
    "Paths",
    "value",
    "customers",
    "breakdown",
    "compare",
    "load_model",
    "JourneyMap",
    "JourneyModel",
    "Journeys",
]


def map_journey(
    events: EventsInput,
    model: JourneyModel,
    *,
    encoding: str | None = None,
    strict: bool = False,
    on_phase: Callable[[str], None] | None = None,
) -> JourneyMap:
    """Map a journey: read ``events`` (paths, ``-`` for stdin, or a polars frame whose
    headers follow the model's ``columns:``), assign stages and compute every metric.
    ``on_phase`` is told what is being done, for a progress display."""
    return compute_map(journeys(events, model, encoding=encoding, strict=strict, on_phase=on_phase), model)


def journeys(
    events: EventsInput,
    model: JourneyModel,
    *,
    encoding: str | None = None,
    strict: bool = False,
    on_phase: Callable[[str], None] | None = None,
    attributes: Sequence[str] = (),
) -> Journeys:
    """Read ``events`` and work out every customer's journey once (SPEC section 8): what
    the map and every analysis (customers, segments, compare, paths, moments) aggregate.
    ``attributes``: event columns to read besides the roles, for segments (`--by`); they
    are the events' text columns ``attr:<header>`` (all null when no file has one)."""
    roles = set(model.role_headers)
    extra = tuple(dict.fromkeys([*model.extra_columns, *(a for a in attributes if a not in roles)]))
    if extra != model.extra_columns:
        model = replace(model, extra_columns=extra)

    phase = on_phase or (lambda _: None)
    phase(t("phase_reading", current_lang()))
    table = read_events(events, model, encoding=encoding, strict=strict)
    phase(t("phase_mapping", current_lang()).format(n=f"{table.frame.height:,}"))
    return build_journeys(table, model)


def moments(
    events: EventsInput | Journeys,
    model: JourneyModel,
    *,
    alpha: float = 0.05,
    encoding: str | None = None,
    strict: bool = False,
) -> MomentsResult:
    """Key moments (SPEC section 13): how conversion to the next stage differs for customers
    who met each touchpoint, with Fisher p-values, Benjamini-Hochberg adjusted, and the
    satisfaction effect. Association, not causation. ``events`` may be journeys already built."""
    j = events if isinstance(events, Journeys) else journeys(events, model, encoding=encoding, strict=strict)
    return compute_moments(j, alpha=alpha)


def paths(
    events: EventsInput | Journeys,
    model: JourneyModel,
    *,
    steps: int = 5,
    encoding: str | None = None,
    strict: bool = False,
    src: str | None = None,
    dst: str | None = None,
    min_customers: int = 0,
    before_drop: bool = False,
    all_events: bool = False,
) -> Paths:
    """Paths and channels (SPEC sections 11-12) of ``events`` (as for ``map_journey``, or
    journeys already worked out): transitions, stage transitions, variants, flows of the
    first ``steps`` steps, channel switches and the Markov removal effect. ``src`` /
    ``dst`` keep the transitions from / into a stage id or touchpoint, ``before_drop``
    those into ``(dropped)``; ``min_customers`` hides what fewer customers took;
    ``all_events`` keeps events that match no stage as steps (``Paths.warnings`` says how
    many were left out otherwise)."""
    # lazy: only this entry point needs it, and `import cjtool` stays light
    from cjtool.analyses.paths import compute_paths, filtered

    j = events if isinstance(events, Journeys) else journeys(events, model, encoding=encoding, strict=strict)
    result = compute_paths(j, steps=steps, all_events=all_events)
    return filtered(result, src=src, dst=dst, min_customers=min_customers, before_drop=before_drop)


def customers(
    events: EventsInput | Journeys,
    model: JourneyModel,
    *,
    by: Sequence[str] = (),
    customer_file: str | None = None,
    status: Sequence[str] = (),
    stage: Sequence[str] = (),
    exit_touchpoint: Sequence[str] = (),
    encoding: str | None = None,
) -> pl.DataFrame:
    """The customer table (SPEC 8): one row per customer, with the model's declared
    segment attributes and ``by`` as columns, filtered like `cjtool customers`."""
    # lazy: only this entry point needs it, and `import cjtool` stays light
    from cjtool.analyses import customers as cu
    from cjtool.analyses import segments as sg

    file = sg.load_customer_file(model, customer_file)
    names = sg.in_use(model, list(by))
    j = (
        events
        if isinstance(events, Journeys)
        else journeys(events, model, encoding=encoding, attributes=sg.attributes_to_read(model, names, file))
    )
    attrs = [sg.attribute(j, n, customer_file=file, timezone=model.timezone) for n in names]
    table = cu.customer_table(j, [(a.name, a.values) for a in attrs])
    return cu.filter_customers(table, model, status=status, stage=stage, exit_touchpoint=exit_touchpoint)


def breakdown(
    events: EventsInput | Journeys,
    model: JourneyModel,
    by: str,
    *,
    customer_file: str | None = None,
    limit: int = 10,
    exclude_in_progress: bool = False,
    encoding: str | None = None,
) -> Breakdown:
    """The map of every segment of ``by`` and of the whole run (SPEC 9), as `map --by`."""
    # lazy: only this entry point needs it, and `import cjtool` stays light
    from cjtool.analyses import segments as sg

    file = sg.load_customer_file(model, customer_file)
    j = (
        events
        if isinstance(events, Journeys)
        else journeys(events, model, encoding=encoding, attributes=sg.attributes_to_read(model, [by], file))
    )
    return sg.segment_breakdown(j, by, customer_file=file, limit=limit, exclude_in_progress=exclude_in_progress)


def compare(
    events: EventsInput | Journeys,
    model: JourneyModel,
    *,
    by: str | None = None,
    baseline: str | None = None,
    split: str | None = None,
    baseline_events: EventsInput | None = None,
    baseline_map: str | None = None,
    customers: str | None = None,
    alpha: float = 0.05,
    min_effect: Sequence[str] = (),
    sequential: bool = False,
    encoding: str | None = None,
    strict: bool = False,
    strict_baseline: bool = False,
) -> CompareResult:
    """Compare populations with SPEC 10 statistics (a ``CompareResult``; ``.to_dict()`` is
    `cjtool.compare/1`): values of ``by`` against ``baseline`` (A/B variants), entry before
    / from ``split`` (`2026-03-01`), ``events`` against ``baseline_events`` or a stored
    map JSON ``baseline_map``. ``min_effect`` as on the command line (`2pp`, `nps=5`).
    ``.not_run`` lists the tests the baseline cannot run; ``strict_baseline`` makes them a
    ``DataError`` (`--strict-baseline`)."""
    from datetime import date, datetime

    # lazy: only this entry point needs it, and `import cjtool` stays light
    from cjtool.analyses.baseline_map import read_baseline_map
    from cjtool.analyses.compare import compare as run
    from cjtool.analyses.compare import parse_min_effect
    from cjtool.analyses.segments import read_customer_file

    if isinstance(events, Journeys):
        j = events
    else:
        j = journeys(events, model, encoding=encoding, strict=strict, attributes=[by] if by else [])
    other = journeys(baseline_events, model, encoding=encoding, strict=strict) if baseline_events is not None else None
    when = None
    if split is not None:
        when = date.fromisoformat(split) if len(split) == 10 else datetime.fromisoformat(split)
    result = run(
        j,
        by=by,
        baseline=baseline,
        split=when,
        baseline_journeys=other,
        baseline_map=read_baseline_map(baseline_map, model) if baseline_map else None,
        customer_file=read_customer_file(customers, model.column_map["customer_id"]) if customers else None,
        alpha=alpha,
        min_effect=parse_min_effect(min_effect),
        sequential=sequential,
    )
    if strict_baseline:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.analyses.compare import refuse_gaps

        refuse_gaps(result)
    return result


def value(
    events: EventsInput | Journeys,
    model: JourneyModel,
    *,
    until: str | None = None,
    unit: str = "week",
    horizon: str = "39w",
    purchase: Sequence[str] = (),
    discount: float | None = None,
    by: str | None = None,
    baseline: str | None = None,
    customer_file: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
) -> ValueResult:
    """Customer lifetime value (`cjtool value`): BG/NBD and Gamma-Gamma fitted on the
    transactions up to ``until`` (a date, default the run's last day); per customer
    p_alive, expected purchases over ``horizon`` (`39w`, `90d`), expected spend and CLV
    (discounted at ``discount`` a year). ``by``: the mean CLV of every segment of this
    attribute (`cjtool value --by`), each tested against ``baseline`` when given.
    ``.to_dict()`` is `cjtool.value/1`."""
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.analyses import segments as sg

    # lazy: scipy and the fit load only when a value is asked for
    from cjtool.analyses.value import compute_value, customer_segments, parse_horizon, parse_until, with_segments

    file = sg.load_customer_file(model, customer_file)
    if isinstance(events, Journeys):
        j = events
    else:
        attributes = sg.attributes_to_read(model, [by], file) if by else []
        j = journeys(events, model, encoding=encoding, strict=strict, attributes=attributes)
    result = compute_value(
        j,
        until=parse_until(until) if until is not None else None,
        unit=unit,
        horizon=parse_horizon(horizon, unit),
        purchase=list(purchase),
        discount=discount,
    )
    if by is not None:
        result = with_segments(result, customer_segments(j, by, file), by, baseline=baseline)
    return result
