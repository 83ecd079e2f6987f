"""Checks of a model, and of event data against it, for `cjtool validate`.

Every finding is collected (not only the first), each with a severity: ``error`` makes
the model or data unusable, ``warning`` is worth a look (first match wins, so an
overlap is not an error, but often a surprise).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import polars as pl

from cjtool.api import map_journey
from cjtool.engine import stage_condition
from cjtool.events import EventsInput, field_count_warning
from cjtool.i18n import t
from cjtool.model import JourneyModel
from cjtool.result import JourneyMap


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning" | "info"
    message: str


@dataclass
class Validation:
    model: JourneyModel | None
    findings: list[Finding] = field(default_factory=list)
    result: JourneyMap | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def add(self, severity: str, message: str) -> None:
        self.findings.append(Finding(severity, message))


def check_model(model: JourneyModel, v: Validation, lang: str = "en") -> None:
    """Overlaps visible from the model alone: a listed touchpoint an earlier stage takes;
    and where the event time is read from, when it is two columns."""
    date, time = model.date_time
    if date:
        both = t("v_time_column", lang).format(time=time) if time else t("v_no_time_column", lang)
        v.add("info", t("v_date_time", lang).format(date=date, both=both))
    # an occurrence item stands for its N-th event (`occ`); a plain name for none in particular
    items = [(tp, st, 0) for st in model.stages for tp in st.touchpoints]
    items += [(o.name, st, o.n) for st in model.stages for o in st.occurrences]
    listed = [(tp, st) for tp, st, _ in items]
    if not listed:
        return
    frame = pl.DataFrame(
        {"touchpoint": [tp for tp, _ in listed], "channel": [None] * len(listed), "occ": [n for *_, n in items]},
        schema={"touchpoint": pl.String, "channel": pl.String, "occ": pl.UInt32},
    )
    matches = frame.select([stage_condition(st).alias(st.id) for st in model.stages])
    for i, (tp, st) in enumerate(listed):
        earlier = [s.id for s in model.stages if s.id != st.id and matches[s.id][i]]
        earlier = [sid for sid in earlier if model.stage_index(sid) < model.stage_index(st.id)]
        if (
            earlier
            and st.channels is None
            and all(model.stages[model.stage_index(e) - 1].channels is None for e in earlier)
        ):
            v.add("warning", t("val_shadowed", lang).format(tp=tp, st=st.id, earlier=earlier[0]))


def check_data(
    events: EventsInput, model: JourneyModel, v: Validation, *, encoding: str | None, lang: str = "en"
) -> None:
    result = map_journey(events, model, encoding=encoding)
    v.result = result
    if not isinstance(events, (pl.DataFrame, pl.LazyFrame)):
        for src in events:
            warning = field_count_warning(str(src), encoding)
            if warning:
                v.add("warning", warning)
    if result.rows_rejected and result.rows_rejected == result.rows_read:  # nothing left to map: not valid
        reasons = ", ".join(f"{n} {why}" for why, n in result.rejected.items())
        v.add("error", t("val_all_rejected", lang).format(n=result.rows_read, reasons=reasons))
    if result.rows_read > result.rows_rejected and result.events_assigned == 0:
        v.add("error", t("val_no_stage_event", lang))
    check_listed_touchpoints(model, result, v, lang)
    for w in result.warnings:
        v.add("warning", w)
    for s in result.stages:
        if s.events == 0:
            v.add("warning", t("val_stage_empty", lang).format(st=s.id))
        elif s.customers == 0:
            v.add("warning", t("val_stage_unreached", lang).format(st=s.id, n=s.events))
    if result.unassigned:
        top = t("sep_list", lang).join(f"{tp} ({n})" for tp, n in result.unassigned[:10])
        more = t("val_and_more", lang).format(n=len(result.unassigned) - 10) if len(result.unassigned) > 10 else ""
        v.add(
            "info",
            t("val_unassigned", lang).format(n=result.events_unassigned, k=len(result.unassigned), top=top, more=more),
        )
    # Touchpoints several stages match in the data (first match wins).
    # (occurrence items split a touchpoint between stages on purpose: occ 0 leaves them out)
    seen = (
        pl.DataFrame(
            {"touchpoint": [t.touchpoint for t in result.touchpoints], "channel": [None] * len(result.touchpoints)},
            schema={"touchpoint": pl.String, "channel": pl.String},
        )
        .unique(maintain_order=True)
        .with_columns(pl.lit(0, pl.UInt32).alias("occ"))
    )
    if seen.height:
        matches = seen.select([stage_condition(st, channel_blind=True).alias(st.id) for st in model.stages])
        for i, tp in enumerate(seen["touchpoint"]):
            hits = [st.id for st in model.stages if matches[st.id][i]]
            if len(hits) > 1:
                v.add("warning", t("val_overlap", lang).format(tp=tp, stages=", ".join(hits), first=hits[0]))


def check_listed_touchpoints(model: JourneyModel, result: JourneyMap, v: Validation, lang: str = "en") -> None:
    """A touchpoint the model lists that never occurs in the data: usually a typo, so the
    closest name that does occur is offered with its volume."""
    seen: dict[str, int] = {}
    for tm in result.touchpoints:
        seen[tm.touchpoint] = seen.get(tm.touchpoint, 0) + tm.events
    for tp, n in result.unassigned:
        seen[tp] = seen.get(tp, 0) + n
    if not seen:
        return
    for st in model.stages:
        for tp in st.names:
            if tp in seen:
                continue
            close = closest_name(tp, seen)
            hint = t("val_did_you_mean", lang).format(close=close, n=f"{seen[close]:,}") if close else ""
            v.add("warning", t("val_never_occurs", lang).format(tp=tp, st=st.id, hint=hint))


def _squashed(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name).casefold()


def closest_name(word: str, names: dict[str, int]) -> str | None:
    """The name in ``names`` closest to ``word``: equal but for case, spaces, `_`, `-`, `.`
    (the most frequent such), else the most similar by ``difflib``; None if none is close."""
    same = [n for n in names if _squashed(n) == _squashed(word)]
    if same:
        return max(same, key=lambda n: (names[n], n))
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.75)
    return close[0] if close else None


def validate(
    model: JourneyModel, events: EventsInput | None = None, *, encoding: str | None = None, lang: str = "en"
) -> Validation:
    v = Validation(model=model)
    check_model(model, v, lang)
    if events:
        check_data(events, model, v, encoding=encoding, lang=lang)
    return v
