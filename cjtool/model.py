"""The journey model: stages in order, the touchpoints of each, scales and ranking.

``load_model`` reads a YAML file or a built-in name and validates everything at once,
collecting every problem (with its line) before raising one ModelError, so
``cjtool validate`` can show them all.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from cjtool import builtin_models
from cjtool.errors import ModelError, UsageError
from cjtool.gate_kinds import gate_threshold_problem
from cjtool.i18n import current_lang, model_language, say, t
from cjtool.yamlsafe import YamlDoc, load_yaml

ROLES = ("customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "nps", "effort", "revenue")
REQUIRED_ROLES = ("customer_id", "timestamp", "touchpoint")
# the event time from two columns, instead of `timestamp`: the date, and the time of day
# (without it, or blank, midnight); read as the text "DATE TIME" (``timestamp_format:`` too)
TIME_PARTS = ("date", "time")
COLUMN_KEYS = ROLES + TIME_PARTS
SCORE_ROLES = ("satisfaction", "nps", "effort")
MODES = ("ordered", "furthest")
SAME_TIME = ("any_order", "input_order")
LANGS = ("en", "zh")

# letters of any script (认知), digits, `_`, `-` and `.`: `\w` is Unicode-aware
_ID_RE = re.compile(r"^\w[\w.\-]*$")
_WINDOW_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")  # lower case: `M` is not minutes
SCALE_LIMIT = 1000.0  # score sums are exact integers of millionths: 1000 * 1e6 * 1e9 events fits in int64
_WINDOW_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION_DAYS = 36_525  # 100 years: far beyond any journey, far inside a time's range (int64 microseconds)
MAX_DURATION_S = MAX_DURATION_DAYS * 86400


@dataclass(frozen=True)
class Text:
    """A label in several languages; ``get`` falls back to English, then any."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, value: str | dict[str, str]) -> Text:
        if isinstance(value, str):
            return cls((("en", value),))
        return cls(tuple(value.items()))

    def get(self, lang: str = "en") -> str:
        d = dict(self.values)
        return d.get(lang) or d.get("en") or next(iter(d.values()), "")

    def as_yaml(self) -> str | dict[str, str]:
        return self.values[0][1] if len(self.values) == 1 and self.values[0][0] == "en" else dict(self.values)


@dataclass(frozen=True)
class Occurrence:
    """A touchpoint list item ``{name: T, occurrence: N | "N+"}`` (SPEC section 2): only the
    customer's N-th event at T (or, with ``or_later``, the N-th and later ones)."""

    name: str
    n: int
    or_later: bool = False

    def as_yaml(self) -> dict[str, Any]:
        return {"name": self.name, "occurrence": f"{self.n}+" if self.or_later else self.n}


@dataclass(frozen=True)
class Stage:
    id: str
    label: Text
    description: Text = field(default_factory=lambda: Text.of(""))
    touchpoints: tuple[str, ...] = ()  # plain names: every occurrence matches
    occurrences: tuple[Occurrence, ...] = ()
    match: str | None = None
    channels: tuple[str, ...] | None = None
    moment_of_truth: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every touchpoint name the stage lists, plain or with an occurrence."""
        return self.touchpoints + tuple(o.name for o in self.occurrences if o.name not in self.touchpoints)


@dataclass(frozen=True)
class Scale:
    min: float
    max: float


SCALE_TOPS = (5, 7, 10, 100)  # the usual tops of score scales, suggested first


def fitting_scale(lo: float, hi: float) -> Scale | None:
    """The scale a score column whose numbers run from ``lo`` to ``hi`` most likely has:
    from 0 when a 0 is given (else 1, or below), to the first usual top (5, 7, 10, 100)
    that holds ``hi``; None beyond the scales a model takes."""
    low = 1.0 if lo >= 1 else 0.0 if lo >= 0 else float(math.floor(lo))
    top = next((float(t) for t in SCALE_TOPS if low < t >= hi), float(math.ceil(hi)))
    if top <= low or max(abs(low), abs(top)) > SCALE_LIMIT:
        return None
    return Scale(low, top)


@dataclass(frozen=True)
class Gates:
    """Thresholds for `cjtool check`, keyed by stage id or touchpoint name."""

    min_conversion: tuple[tuple[str, float], ...] = ()
    min_satisfaction: tuple[tuple[str, float], ...] = ()
    max_drop_off: tuple[tuple[str, float], ...] = ()
    min_nps: tuple[tuple[str, float], ...] = ()
    max_at_stake: tuple[tuple[str, float], ...] = ()  # SPEC 17 customers at stake

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class JourneyModel:
    name: str
    stages: tuple[Stage, ...]
    title: Text = field(default_factory=lambda: Text.of(""))
    description: Text = field(default_factory=lambda: Text.of(""))
    mode: str = "ordered"
    same_time: str = "any_order"
    window_s: float | None = None
    window_text: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # explicit role -> header mappings only
    timestamp_format: str | tuple[str, ...] | None = None  # several: the first that reads a value wins
    timezone: str | None = None  # IANA name: values without an offset are wall times there
    dedupe: bool = False  # skip rows equal to an earlier one in every role (overlapping exports)
    satisfaction_scale: Scale = Scale(1, 5)
    effort_scale: Scale = Scale(1, 7)
    weight_drop_off: float = 1.0
    weight_dissatisfaction: float = 1.0
    weight_impact: float | None = None  # `ranking.impact: true`: measured impact joins the priority
    min_customers: int = 1
    gates: Gates = Gates()
    source: str = "<model>"
    # SPEC 9: declared segment attributes (name, label) and a customer file (relative to the model)
    segments: tuple[tuple[str, Text], ...] = ()
    customers_file: str | None = None
    churn_after_s: float | None = None  # SPEC 14: churned when t_end - last_seen > this
    churn_after_text: str | None = None
    # SPEC 17: touchpoint -> target drop-off rate, exact (`targets:`; `--what-if` replaces one)
    targets: tuple[tuple[str, Fraction], ...] = ()
    lang: str | None = None  # `lang: zh`: outputs' language unless --lang or CJTOOL_LANG (docs/language.md)

    def segment_label(self, name: str, lang: str = "en") -> str:
        """The declared label of attribute ``name`` in ``lang`` (else the name itself)."""
        return next((label.get(lang) for n, label in self.segments if n == name), name)

    # --since/--until: only events in this period count (naive UTC instants; until exclusive)
    since: datetime | None = None
    until: datetime | None = None
    # event columns read besides the roles (segment attributes: `--by`), as `attr:<header>`
    extra_columns: tuple[str, ...] = ()
    sheet: str | None = None  # --sheet: the sheet of an Excel workbook (a name, or a number from 1)

    @property
    def date_time(self) -> tuple[str | None, str | None]:
        """The headers of the date and time columns (``columns: {date: .., time: ..}``)."""
        explicit = dict(self.columns)
        return explicit.get("date"), explicit.get("time")

    @property
    def role_headers(self) -> list[str]:
        """The headers the roles read: ``column_map``'s, with the date and time columns in
        place of the timestamp's when the event time is in two columns."""
        date, time = self.date_time
        heads = [h for r, h in self.column_map.items() if not (date and r == "timestamp")]
        return heads + [h for h in (date, time) if h]

    @property
    def column_map(self) -> dict[str, str]:
        """role -> CSV header, defaults filled in (a role's default header is its name)."""
        explicit = dict(self.columns)
        return {role: explicit.get(role, role) for role in ROLES}

    def stage_index(self, stage_id: str) -> int:
        for i, s in enumerate(self.stages, start=1):
            if s.id == stage_id:
                return i
        raise KeyError(stage_id)

    def with_overrides(
        self,
        *,
        mode: str | None = None,
        window: str | None = None,
        columns: dict[str, str] | None = None,
        timestamp_format: str | None = None,
        timezone: str | None = None,
        dedupe: bool | None = None,
        same_time: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sheet: str | None = None,
    ) -> JourneyModel:
        """The model with command-line overrides applied (validated like the YAML)."""
        m = self
        if mode is not None:
            if mode not in MODES:
                raise UsageError(say("mo_opt_mode", choices=", ".join(MODES), got=repr(mode)))
            m = replace(m, mode=mode)
        if window is not None:
            if window.strip().lower() in ("none", "off", ""):
                m = replace(m, window_s=None, window_text=None)
            else:
                seconds = parse_window(window)
                if seconds is None:
                    raise UsageError(say("mo_opt_window", value=repr(window)))
                problem = duration_problem(seconds)
                if problem:
                    raise UsageError(say("m_duration_option", value=repr(window.strip()), problem=problem))
                m = replace(m, window_s=seconds, window_text=window.strip())
        if columns:
            explicit = dict(m.columns)
            for role, header in columns.items():
                if role not in COLUMN_KEYS:
                    raise UsageError(
                        say(
                            "mo_opt_role",
                            role=repr(role),
                            suggest=_suggest(role, COLUMN_KEYS),
                            roles=", ".join(COLUMN_KEYS),
                        )
                    )
                if role == "date":  # the time in two columns on the command line replaces the model's one
                    explicit.pop("timestamp", None)
                elif role == "timestamp" and "date" not in columns:
                    explicit.pop("date", None)
                    explicit.pop("time", None)
                explicit[role] = header
            problem = time_parts_problem(explicit)
            if problem:
                raise UsageError(say("zl_opt_problem", option="--column", problem=problem))
            m = replace(m, columns=tuple(explicit.items()))
        if timestamp_format is not None:
            m = replace(m, timestamp_format=timestamp_format)
        if timezone is not None:
            if timezone_error(timezone):
                raise UsageError(say("zl_opt_problem", option="--timezone", problem=timezone_error(timezone)))
            m = replace(m, timezone=timezone)
        if dedupe is not None:
            m = replace(m, dedupe=dedupe)
        if same_time is not None:
            if same_time not in SAME_TIME:
                raise UsageError(say("mo_opt_same_time", choices=", ".join(SAME_TIME), got=repr(same_time)))
            m = replace(m, same_time=same_time)
        if since is not None or until is not None:
            lo = None if since is None else parse_instant(since, m.timezone, "--since", end=False)
            hi = None if until is None else parse_instant(until, m.timezone, "--until", end=True)
            if lo is not None and hi is not None and hi <= lo:
                raise UsageError(say("mo_opt_until", until=until, since=since))
            m = replace(m, since=lo, until=hi)
        if sheet is not None:
            if not sheet.strip():
                raise UsageError(say("zl_sheet_blank"))
            m = replace(m, sheet=sheet)
        return m


def time_parts_problem(columns: dict[str, str]) -> str | None:
    """Why the roles of ``columns`` cannot give the event time (None when they can)."""
    if "timestamp" in columns and "date" in columns:
        return say("zl_time_both")
    if "time" in columns and "date" not in columns:
        return say("zl_time_needs_date")
    return None


def parse_instant(text: str, timezone: str | None, option: str, *, end: bool) -> datetime:
    """`2026-03-01` or `2026-03-01T10:00[:00][+08:00]` as a naive UTC instant, in the model's
    time zone when it has no offset. A date given to --until counts its whole day (the
    instant returned is the next midnight, exclusive)."""
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(say("mo_opt_date", option=option, text=repr(text))) from None
    whole_day = len(text.strip()) == 10
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(timezone) if timezone else UTC)
    if end and whole_day:
        when = when + timedelta(days=1)
    elif end:
        when = when + timedelta(microseconds=1)  # a time given to --until is included
    return when.astimezone(UTC).replace(tzinfo=None)


def timezone_error(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone (None if it is)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError):
        return say("m_timezone", name=repr(name), suggest=_suggest(name, available_timezones()))


def parse_window(text: str) -> float | None:
    """`30d`, `12h`, `90m`, `45s`, `2w` -> seconds (> 0); None if not a window."""
    m = _WINDOW_RE.match(str(text))
    if not m:
        return None
    seconds = float(m.group(1)) * _WINDOW_UNITS[m.group(2)]
    return seconds if seconds > 0 else None


def duration_problem(seconds: float) -> str | None:
    """Why a window or `churn_after` of ``seconds`` cannot be used (None if it can): times
    are whole microseconds, and a time plus the duration must stay a time."""
    if seconds > MAX_DURATION_S:
        return say("m_duration_long", days=f"{MAX_DURATION_DAYS:,}")
    if seconds < 1e-6:
        return say("m_duration_short")
    return None


def parse_share(text: str | float) -> float:
    """A number, or a percentage as a share: ``"30%"`` -> 0.3 (gates in a model and on the
    command line). Raises ``ValueError``."""
    if isinstance(text, str) and text.strip().endswith("%"):
        return float(text.strip().removesuffix("%")) / 100
    return float(text)


def exact_share(text: str | float) -> Fraction:
    """``parse_share`` as the exact decimal written: ``"0.2"`` and ``"20%"`` -> 1/5 (SPEC 17
    targets are compared exactly). Raises ``ValueError``."""
    raw = repr(float(text)) if isinstance(text, int | float) else str(text).strip()
    if "/" in raw or "_" in raw:  # Fraction reads `1/5` and `1_0`; a rate is written as gates write it
        raise ValueError(f"not a rate: {text!r}")
    if raw.endswith("%"):
        return Fraction(raw.removesuffix("%").strip()) / 100
    return Fraction(raw)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return t("m_suggest", current_lang()).format(name=close[0]) if close else ""


def regex_error(pattern: str) -> str | None:
    """Why polars' regex engine (Rust `regex`) refuses ``pattern``, or None if it compiles.

    Checked with polars itself, not Python's `re`: the two dialects differ (no
    look-around or back-references in Rust)."""
    try:
        pl.select(pl.lit("x").str.contains(pattern)).item()
    except Exception as exc:  # polars raises ComputeError with the regex crate's message
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        detail = next((ln for ln in lines if ln.startswith("error:")), lines[-1] if lines else "invalid")
        return detail.removeprefix("error:").strip()
    return None


# --------------------------------------------------------------------------- loading

TOP_KEYS = (
    "name",
    "title",
    "description",
    "mode",
    "same_time",
    "window",
    "timestamp_format",
    "timezone",
    "dedupe",
    "columns",
    "stages",
    "scores",
    "ranking",
    "gates",
    "segments",
    "churn_after",
    "targets",
    "lang",
)
SEGMENT_KEYS = ("customers", "attributes")
STAGE_KEYS = ("id", "label", "description", "touchpoints", "match", "channels", "moment_of_truth")


def load_model(spec: str | Path, *, builtin_ok: bool = True) -> JourneyModel:
    """A model from a YAML path or a built-in name (``aipl``, ``5a``, ``b2b``, ``experience``)."""
    path = Path(spec)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if path.is_dir():
            raise ModelError(say("mf_folder", spec=spec))
        if not path.is_file():
            raise ModelError(say("mf_no_file", spec=spec), hint=say("mf_no_file_hint"))
        raw = path.read_bytes()
        source = str(spec)
    elif builtin_ok and str(spec).lower() in builtin_models.names():
        raw = builtin_models.read(str(spec).lower())
        source = f"<built-in {str(spec).lower()}>"
    else:
        names = builtin_models.names()
        raise ModelError(
            say("mf_unknown", spec=spec, suggest=_suggest(str(spec).lower(), names)),
            hint=say("mf_builtins", names=", ".join(names)),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ModelError(say("mf_not_utf8", source=source)) from None
    return parse_model(text, source)


def parse_model(text: str, source: str = "<model>") -> JourneyModel:
    doc = load_yaml(text, source)
    declared = doc.data.get("lang") if isinstance(doc.data, dict) else None
    with model_language(declared if isinstance(declared, str) else None):
        return _Builder(doc).build()


class _Builder:
    """Turns the YAML tree into a JourneyModel, collecting every problem on the way."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self._problems: list[tuple[int, str]] = []

    @property
    def problems(self) -> list[str]:
        """Every problem found, in file order."""
        return [msg for _, msg in sorted(self._problems, key=lambda lm: lm[0])]

    def say(self, path: tuple[str | int, ...], key: str, **fields: object) -> None:
        """A problem worded by the catalogue (cjtool.i18n) in the run's language."""
        self.bad(path, t(key, current_lang()).format(**fields))

    def bad(self, path: tuple[str | int, ...], message: str) -> None:
        name = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
        where = self.doc.where(path)
        line = int(where.rsplit(":", 1)[1]) if ":" in where and where.rsplit(":", 1)[1].isdigit() else 0
        self._problems.append((line, f"{where}: {name + ': ' if name else ''}{message}"))

    # -- typed getters ------------------------------------------------------------------
    def mapping(self, value: Any, path: tuple[str | int, ...], keys: tuple[str, ...] | None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.say(path, "m_mapping", got=_kind(value))
            return {}
        if keys is not None:
            for k in value:
                if k not in keys:
                    self.say(path + (k,), "m_unknown_key", k=k, suggest=_suggest(k, keys), keys=", ".join(keys))
        return value

    def string(self, value: Any, path: tuple[str | int, ...], *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.say(path, "m_required")
            return None
        if not isinstance(value, str):
            self.say(path, "m_text", got=_kind(value))
            return None
        return value

    def text(self, value: Any, path: tuple[str | int, ...], default: str) -> Text:
        if value is None:
            return Text.of(default)
        if isinstance(value, str):
            return Text.of(value)
        if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
            for k in value:
                if k not in LANGS:
                    self.say(path + (k,), "m_unknown_lang", lang=k, langs=", ".join(LANGS))
            return Text.of(value)
        self.say(path, "m_text_or_langs")
        return Text.of(default)

    def number(
        self,
        value: Any,
        path: tuple[str | int, ...],
        default: float,
        *,
        minimum: float | None = None,
        share: bool = False,
    ) -> float:
        if value is None:
            return default
        try:
            x = parse_share(value) if share else float(value)
            if x != x or x in (float("inf"), float("-inf")):
                raise ValueError
        except (TypeError, ValueError):
            self.say(path, "m_number", got=repr(value))
            return default
        if minimum is not None and x < minimum:
            self.say(path, "m_at_least", min=f"{minimum:g}", got=f"{x:g}")
            return default
        return x

    def string_list(self, value: Any, path: tuple[str | int, ...]) -> tuple[str, ...] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.say(path, "m_list", got=_kind(value))
            return None
        out = []
        for i, v in enumerate(value):
            if not isinstance(v, str) or v == "":
                self.say(path + (i,), "m_name", got=_kind(v))
            else:
                out.append(v)
        return tuple(out)

    # -- the model ----------------------------------------------------------------------
    def build(self) -> JourneyModel:
        data = self.doc.data
        if data is None:
            raise ModelError(say("mf_empty", source=self.doc.source))
        if isinstance(data, str) and "," in data.split("\n", 1)[0]:
            raise ModelError(
                say("mf_csv", source=self.doc.source),
                hint=say("mf_csv_hint"),
            )
        top = self.mapping(data, (), TOP_KEYS)
        if not isinstance(data, dict):
            raise ModelError(self.problems)
        name = self.string(top.get("name"), ("name",)) or Path(self.doc.source).stem or "model"
        mode = self.string(top.get("mode"), ("mode",)) or "ordered"
        if mode not in MODES:
            self.say(("mode",), "m_one_of", choices=", ".join(MODES), got=repr(mode), suggest=_suggest(mode, MODES))
            mode = "ordered"
        same_time = self.string(top.get("same_time"), ("same_time",)) or "any_order"
        if same_time not in SAME_TIME:
            self.say(
                ("same_time",),
                "m_one_of",
                choices=", ".join(SAME_TIME),
                got=repr(same_time),
                suggest=_suggest(same_time, SAME_TIME),
            )
            same_time = "any_order"
        window_s, window_text = None, None
        wv = top.get("window")
        if wv is not None and str(wv).strip().lower() not in ("none", "off"):
            window_s = parse_window(str(wv))
            if window_s is None:
                self.say(("window",), "m_window", value=repr(wv))
            elif duration_problem(window_s):
                self.bad(
                    ("window",),
                    say("m_duration_value", value=repr(str(wv).strip()), problem=duration_problem(window_s)),
                )
                window_s = None
            else:
                window_text = str(wv).strip()
        columns = self.columns(top.get("columns"))
        stages = self.stages(top.get("stages"))
        sat, eff = self.scores(top.get("scores"))
        wd, ws, min_c, wi = self.ranking(top.get("ranking"))
        gates = self.gates(top.get("gates"), stages)
        title = self.text(top.get("title"), ("title",), name)
        description = self.text(top.get("description"), ("description",), "")
        formats = self.formats(top.get("timestamp_format"))
        timezone = self.timezone(top.get("timezone"))
        dedupe = self.boolean(top.get("dedupe"), ("dedupe",))
        segments, customers_file = self.segments(top.get("segments"))
        churn_s, churn_text = self.duration(top.get("churn_after"), ("churn_after",))
        targets = self.targets(top.get("targets"))
        lang = self.string(top.get("lang"), ("lang",))
        if lang is not None and lang not in LANGS:
            self.say(("lang",), "m_unknown_lang", lang=lang, langs=", ".join(LANGS))
        if self.problems:
            raise ModelError(self.problems)
        return JourneyModel(
            name=name,
            title=title,
            description=description,
            mode=mode,
            same_time=same_time,
            window_s=window_s,
            window_text=window_text,
            columns=columns,
            timestamp_format=formats,
            timezone=timezone,
            dedupe=dedupe,
            stages=stages,
            satisfaction_scale=sat,
            effort_scale=eff,
            weight_drop_off=wd,
            weight_dissatisfaction=ws,
            weight_impact=wi,
            min_customers=min_c,
            gates=gates,
            source=self.doc.source,
            segments=segments,
            customers_file=customers_file,
            churn_after_s=churn_s,
            churn_after_text=churn_text,
            targets=targets,
            lang=lang,
        )

    def segments(self, value: Any) -> tuple[tuple[tuple[str, Text], ...], str | None]:
        """`segments: {customers: FILE, attributes: {NAME: LABEL or {en: .., zh: ..}}}`."""
        top = self.mapping(value, ("segments",), SEGMENT_KEYS)
        file = self.string(top.get("customers"), ("segments", "customers"))
        if file is not None and not Path(file).is_absolute() and not self.doc.source.startswith("<"):
            file = str(Path(self.doc.source).parent / file)
        attrs = self.mapping(top.get("attributes"), ("segments", "attributes"), None)
        out = []
        for name, label in attrs.items():
            out.append((str(name), self.text(label, ("segments", "attributes", name), str(name))))
        return tuple(out), file

    def duration(self, value: Any, path: tuple[str | int, ...]) -> tuple[float | None, str | None]:
        """A duration written like `window:` (90d); None when left out."""
        if value is None or str(value).strip().lower() in ("none", "off"):
            return None, None
        seconds = parse_window(str(value))
        if seconds is None:
            self.say(path, "m_duration", value=repr(value))
            return None, None
        problem = duration_problem(seconds)
        if problem:
            self.bad(path, say("m_duration_value", value=repr(str(value).strip()), problem=problem))
            return None, None
        return seconds, str(value).strip()

    def formats(self, value: Any) -> str | tuple[str, ...] | None:
        """`timestamp_format:` as one format or a list of them."""
        if isinstance(value, list):
            out = tuple(v for i, v in enumerate(value) if self.string(v, ("timestamp_format", i), required=True))
            if not value:
                self.say(("timestamp_format",), "m_empty_formats")
            return out or None
        return self.string(value, ("timestamp_format",))

    def timezone(self, value: Any) -> str | None:
        name = self.string(value, ("timezone",))
        if name is not None and timezone_error(name):
            self.bad(("timezone",), str(timezone_error(name)))
            return None
        return name

    def boolean(self, value: Any, path: tuple[str | int, ...]) -> bool:
        if value is None:
            return False
        text = str(value).strip().lower()  # scalars come as text (yamlsafe)
        if isinstance(value, (dict, list)) or text not in ("true", "false"):
            self.say(path, "m_bool", got=_kind(value))
            return False
        return text == "true"

    def columns(self, value: Any) -> tuple[tuple[str, str], ...]:
        cols = self.mapping(value, ("columns",), COLUMN_KEYS)
        out = []
        for role in COLUMN_KEYS:
            header = self.string(cols.get(role), ("columns", role)) if role in cols else None
            if header:
                out.append((role, header))
        explicit = dict(out)
        problem = time_parts_problem(explicit)
        if problem:
            self.bad(("columns", "date" if "date" in explicit else "time"), problem)
        headers = [explicit.get(r, r) for r in ROLES if not (r == "timestamp" and "date" in explicit)]
        headers += [explicit[r] for r in TIME_PARTS if r in explicit]
        for h in sorted(set(headers)):
            if headers.count(h) > 1:
                self.say(("columns",), "m_column_twice", h=h)
        return tuple(out)

    def stages(self, value: Any) -> tuple[Stage, ...]:
        if value is None:
            self.say(("stages",), "m_stages_required")
            return ()
        if not isinstance(value, list) or not value:
            self.say(("stages",), "m_stages_empty")
            return ()
        stages, seen = [], set()
        for i, raw in enumerate(value):
            path: tuple[str | int, ...] = ("stages", i)
            st = self.mapping(raw, path, STAGE_KEYS)
            if not isinstance(raw, dict):
                continue
            sid = self.string(st.get("id"), path + ("id",), required=True)
            if sid is not None:
                if not _ID_RE.match(sid):
                    self.say(path + ("id",), "m_bad_id", sid=repr(sid))
                if sid in seen:
                    self.say(path + ("id",), "m_duplicate_id", sid=sid)
                seen.add(sid)
            tps, occurrences = self.touchpoint_items(st.get("touchpoints"), path + ("touchpoints",))
            match = self.string(st.get("match"), path + ("match",))
            if match is not None:
                err = regex_error(match)
                if err:
                    self.say(path + ("match",), "m_bad_regex", sid=sid, err=err)
                    match = None
                elif match == "":
                    self.say(path + ("match",), "m_empty_pattern", sid=sid)
            elif not tps and not occurrences and not st.get("touchpoints"):  # bad items are reported already
                self.say(path, "m_match_nothing", sid=sid)
            channels = self.string_list(st.get("channels"), path + ("channels",))
            if channels is not None and not channels:
                self.say(path + ("channels",), "m_empty_channels", sid=sid)
            stages.append(
                Stage(
                    id=sid or f"stage{i + 1}",
                    label=self.text(st.get("label"), path + ("label",), sid or f"stage{i + 1}"),
                    description=self.text(st.get("description"), path + ("description",), ""),
                    touchpoints=tps,
                    occurrences=occurrences,
                    match=match,
                    channels=channels,
                    moment_of_truth=self.string(st.get("moment_of_truth"), path + ("moment_of_truth",)),
                )
            )
        return tuple(stages)

    def touchpoint_items(
        self, value: Any, path: tuple[str | int, ...]
    ) -> tuple[tuple[str, ...], tuple[Occurrence, ...]]:
        """A stage's `touchpoints:`: names, and `{name: T, occurrence: N | "N+"}` items."""
        if value is None:
            return (), ()
        if isinstance(value, str | dict):
            value = [value]
        if not isinstance(value, list):
            self.say(path, "m_list", got=_kind(value))
            return (), ()
        names: list[str] = []
        occurrences: list[Occurrence] = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                occ = self.occurrence(item, path + (i,))
                if occ is not None:
                    occurrences.append(occ)
            elif not isinstance(item, str) or item == "":
                self.say(path + (i,), "m_name_or_occurrence", got=_kind(item))
            else:
                names.append(item)
        return tuple(names), tuple(occurrences)

    def occurrence(self, item: dict[str, Any], path: tuple[str | int, ...]) -> Occurrence | None:
        self.mapping(item, path, ("name", "occurrence"))
        name = self.string(item.get("name"), path + ("name",), required=True)
        raw = item.get("occurrence")
        text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
        m = re.fullmatch(r"([0-9]+)(\+?)", text)
        if raw is None:
            self.say(path + ("occurrence",), "m_occurrence_required")
            return None
        if not m or int(m.group(1)) < 1:
            self.say(path + ("occurrence",), "m_occurrence", got=_kind(raw))
            return None
        if not name:
            return None
        return Occurrence(name, int(m.group(1)), bool(m.group(2)))

    def scale(self, value: Any, path: tuple[str, ...], default: Scale) -> Scale:
        sc = self.mapping(value, path, ("min", "max"))
        lo = self.number(sc.get("min"), path + ("min",), default.min)
        hi = self.number(sc.get("max"), path + ("max",), default.max)
        if hi <= lo:
            self.say(path, "m_max_min", hi=f"{hi:g}", lo=f"{lo:g}")
            return default
        if max(abs(lo), abs(hi)) > SCALE_LIMIT:
            self.say(path, "m_scale_limit", x=f"{SCALE_LIMIT:g}")
            return default
        return Scale(lo, hi)

    def scores(self, value: Any) -> tuple[Scale, Scale]:
        sc = self.mapping(value, ("scores",), ("satisfaction", "effort"))
        return (
            self.scale(sc.get("satisfaction"), ("scores", "satisfaction"), Scale(1, 5)),
            self.scale(sc.get("effort"), ("scores", "effort"), Scale(1, 7)),
        )

    def ranking(self, value: Any) -> tuple[float, float, int, float | None]:
        rk = self.mapping(value, ("ranking",), ("weights", "min_customers", "impact"))
        w = self.mapping(rk.get("weights"), ("ranking", "weights"), ("drop_off", "dissatisfaction", "impact"))
        wd = self.number(w.get("drop_off"), ("ranking", "weights", "drop_off"), 1.0, minimum=0)
        ws = self.number(w.get("dissatisfaction"), ("ranking", "weights", "dissatisfaction"), 1.0, minimum=0)
        if wd + ws <= 0:
            self.say(("ranking", "weights"), "m_weights_zero")
            wd, ws = 1.0, 1.0
        mc = self.number(rk.get("min_customers"), ("ranking", "min_customers"), 1, minimum=0)
        if mc != int(mc):
            self.say(("ranking", "min_customers"), "m_whole", got=f"{mc:g}")
        impact = self.boolean(rk.get("impact"), ("ranking", "impact"))
        wi = self.number(w.get("impact"), ("ranking", "weights", "impact"), 1.0, minimum=0) if impact else None
        return wd, ws, int(mc), wi

    def targets(self, value: Any) -> tuple[tuple[str, Fraction], ...]:
        """`targets: {touchpoint: rate}` (SPEC 17): the drop-off rate an opportunity is
        measured against instead of the stage's median; `0.2` or `20%`, from 0 to 1."""
        out = []
        for name, rate in self.mapping(value, ("targets",), None).items():
            try:
                x = exact_share(rate) if not isinstance(rate, bool) else None
            except (ValueError, ZeroDivisionError):
                x = None
            if x is None or not 0 <= x <= 1:
                self.say(("targets", name), "zl_target_rate", got=_kind(rate))
                continue
            out.append((str(name), x))  # names as written, as the data's (SPEC 1)
        return tuple(out)

    def gates(self, value: Any, stages: tuple[Stage, ...]) -> Gates:
        keys = ("min_conversion", "min_satisfaction", "max_drop_off", "min_nps", "max_at_stake")
        g = self.mapping(value, ("gates",), keys)
        out: dict[str, tuple[tuple[str, float], ...]] = {}
        for key in keys:
            items = self.mapping(g.get(key), ("gates", key), None)
            pairs = []
            for target, thr in items.items():
                x = self.number(thr, ("gates", key, target), float("nan"), share=True)  # 30% as on the command line
                if x == x:
                    problem = gate_threshold_problem(key, x)
                    ids = [st.id for st in stages]
                    if not problem and key == "min_conversion" and ids and target not in ids:
                        close = difflib.get_close_matches(target, ids, n=1)
                        hint = say("e_what_if_close", close=close[0]) if close else ""
                        problem = say("zl_gate_not_stage", target=target, hint=hint, stages=", ".join(ids))
                    if not problem and key == "max_drop_off" and ids and target == ids[-1]:
                        problem = say("zl_gate_last_stage")
                    if problem:
                        self.bad(("gates", key, target), problem)
                    pairs.append((target, x))
            out[key] = tuple(pairs)
        return Gates(**out)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return t("m_a_mapping", current_lang())
    if isinstance(value, list):
        return t("m_a_list", current_lang())
    if value is None:
        return t("m_nothing", current_lang())
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"
