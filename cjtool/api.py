"""The library entry points the CLI (and Python users) call."""

from __future__ import annotations

from cjtool.events import EventsInput, read_events
from cjtool.metrics import compute_map
from cjtool.model import JourneyModel, load_model
from cjtool.result import JourneyMap

__all__ = ["map_journey", "load_model", "JourneyMap", "JourneyModel"]


def map_journey(
    events: EventsInput,
    model: JourneyModel,
    *,
    encoding: str | None = None,
    strict: bool = False,
) -> JourneyMap:
    """Map a journey: read ``events`` (paths, ``-`` for stdin, or a polars frame whose
    headers follow the model's ``columns:``), assign stages and compute every metric."""
    table = read_events(events, model, encoding=encoding, strict=strict)
    return compute_map(table, model)
