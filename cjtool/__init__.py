"""cjtool: customer-journey mapping from event exports.

The Python API (docs/python-api.md) mirrors the commands: ``cjtool.map_journey``,
``moments``, ``paths``, ``compare``, ``customers``, ``breakdown`` and ``load_model`` are
``cjtool.api``'s, loaded on first use. ``journeys`` is ``cjtool.api.journeys``
(``cjtool.journeys`` is the module of the journeys step).
"""

__version__ = "0.1.0"

API = (
    "map_journey",
    "moments",
    "paths",
    "compare",
    "customers",
    "breakdown",
    "load_model",
    "JourneyMap",
    "JourneyModel",
    "Journeys",
    "MomentsResult",
)


def __getattr__(name: str) -> object:
    if name in API:
        from cjtool import api  # lazy: the command line imports this package and needs none of it at start

        return getattr(api, name)
    raise AttributeError(f"module 'cjtool' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
