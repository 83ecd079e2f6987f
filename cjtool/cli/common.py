"""Options shared by several commands, defined once, and the steps they share."""

from __future__ import annotations

import difflib
import functools
import inspect
import io
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar, get_type_hints

import polars as pl
import typer
from rich.console import Console

if TYPE_CHECKING:
    from cjtool.analyses.moments import MomentsResult

from cjtool.api import journeys
from cjtool.errors import UsageError
from cjtool.i18n import current_lang, say, set_lang, t
from cjtool.journeys import Journeys
from cjtool.metrics import compute_map
from cjtool.model import JourneyModel, exact_share, load_model
from cjtool.result import JourneyMap
from cjtool.safe_text import SafeConsole


class Lang(StrEnum):
    en = "en"
    zh = "zh"


class Mode(StrEnum):
    ordered = "ordered"
    furthest = "furthest"


EventsArg = Annotated[
    list[str],
    typer.Argument(
        help="Event files: CSV, Excel (.xlsx, .xls) or Parquet (several allowed, read in order); - reads stdin.",
        show_default=False,
        metavar="EVENTS",
    ),
]
ModelOpt = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Journey model: a YAML file or a built-in name (aipl, 5a, b2b, experience).",
        show_default=False,
        metavar="MODEL",
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.", show_default=False, metavar="FILE"
    ),
]
WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="Conversion window overriding the model's: 30d, 12h, 90m, 45s; `none` for no window.",
        show_default=False,
        metavar="DURATION",
    ),
]
ModeOpt = Annotated[
    Mode | None,
    typer.Option(
        "--mode",
        help="ordered (a funnel in time order) or furthest (highest stage reached); overrides the model.",
        show_default=False,
        metavar="MODE",
    ),
]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        "-c",
        help="Map a role to a CSV header, ROLE=HEADER (repeatable), e.g. -c customer_id=user_id.",
        show_default=False,
        metavar="ROLE=HEADER",
    ),
]
TimestampFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--timestamp-format",
        help="strftime format of the timestamps, e.g. '%d/%m/%Y %H:%M' (default: ISO 8601 or epoch).",
        show_default=False,
        metavar="FORMAT",
    ),
]
TimezoneOpt = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="IANA time zone of timestamps without an offset, e.g. Asia/Shanghai (overrides the model's).",
        show_default=False,
        metavar="ZONE",
    ),
]
DedupeOpt = Annotated[
    bool,
    typer.Option("--dedupe", help="Skip rows equal to an earlier one in every role (overlapping exports).", metavar=""),
]
SameTimeOpt = Annotated[
    str | None,
    typer.Option(
        "--same-time",
        help="Equal timestamps: any_order (count as in order either way) or input_order (the file's row order).",
        show_default=False,
        metavar="ORDER",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only events from this date or time on (2026-03-01; the model's time zone).",
        show_default=False,
        metavar="DATE",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="Only events up to this date (its whole day) or time (2026-03-31).",
        show_default=False,
        metavar="DATE",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of CSV input: utf-8 or gbk (default: detect UTF-8, UTF-8 with BOM, GBK).",
        show_default=False,
        metavar="ENCODING",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Sheet of an Excel workbook to read: its name, or its number (1 is the first); "
        "default: the first sheet with the model's columns.",
        show_default=False,
        metavar="NAME|N",
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Fail on any rejected row instead of counting it.", metavar="")
]


def _choose_lang(value: Lang | None) -> Lang | None:
    """--lang settles the run's language at once, so even an error about another option
    is worded in it (docs/language.md: --lang, CJTOOL_LANG, the model's `lang:`, the locale)."""
    set_lang(value.value if value is not None else None)
    return value


LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of every text (default: CJTOOL_LANG, else the model's `lang:`, else the locale, else en).",
        metavar="en|zh",
        callback=_choose_lang,
        is_eager=True,
        show_default=False,
    ),
]


def lang_of(option: Lang | None, model: JourneyModel | None = None) -> str:
    """The run's language once the model is read: --lang, else CJTOOL_LANG, else the
    model's `lang:`, else the locale, else English."""
    return set_lang(option.value if option is not None else None, model.lang if model is not None else None)


QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Quiet: no warnings or notes (errors still show).", metavar="")
]


def parse_columns(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        role, sep, header = pair.partition("=")
        if not sep or not role.strip() or not header:
            raise UsageError(say("e_column_pair", pair=repr(pair)))
        out[role.strip()] = header
    return out


@dataclass(frozen=True)
class Reading:
    """How a command reads its events: the reading options every event-reading command
    takes, declared once here (their order is the order of --help) and put into a
    command's signature by ``reads_events``."""

    window: WindowOpt = None
    mode: ModeOpt = None
    column: ColumnOpt = None
    timestamp_format: TimestampFormatOpt = None
    timezone: TimezoneOpt = None
    dedupe: DedupeOpt = False
    same_time: SameTimeOpt = None
    since: SinceOpt = None
    until: UntilOpt = None
    encoding: EncodingOpt = None
    sheet: SheetOpt = None
    strict: StrictOpt = False

    def model(self, spec: str) -> JourneyModel:
        """The model ``spec`` (a file or built-in name) with these options' overrides."""
        return load_model(spec).with_overrides(
            mode=self.mode.value if self.mode else None,
            window=self.window,
            columns=parse_columns(self.column),
            timestamp_format=self.timestamp_format,
            timezone=self.timezone,
            dedupe=True if self.dedupe else None,
            same_time=self.same_time,
            since=self.since,
            until=self.until,
            sheet=self.sheet,
        )

    def flags(self) -> dict[str, object]:
        """The options as typed on a command line (``--same-time``: ``same_time``)."""
        return {"--" + f.name.replace("_", "-"): getattr(self, f.name) for f in fields(self)}


DEFAULT_READING = Reading()  # the placeholder default of a command's `reading` parameter

Command = TypeVar("Command", bound=Callable[..., None])


def reads_events(*, omit: Collection[str] = ()) -> Callable[[Command], Command]:
    """Give a command the reading options (``Reading``'s fields but ``omit``) where its
    parameter ``reading: Reading`` stands, and call it with them as one ``Reading``.

    typer builds options from the signature and takes no ``**kwargs``: the command's
    signature is rewritten (``__signature__``), the one typer reads."""
    hints = get_type_hints(Reading, include_extras=True)
    defaults = {f.name: f.default for f in fields(Reading)}
    names = [name for name in defaults if name not in omit]

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        params: list[inspect.Parameter] = []
        for p in signature.parameters.values():
            if p.name != "reading":
                params.append(p)
                continue
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
            params += [inspect.Parameter(n, kind, default=defaults[n], annotation=hints[n]) for n in names]
        if len(params) == len(signature.parameters):
            raise TypeError(f"{command.__name__} has no parameter `reading: Reading`")

        @functools.wraps(command)
        def run(**kwargs: Any) -> None:
            reading = Reading(**{n: kwargs.pop(n) for n in names})
            return command(reading=reading, **kwargs)

        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run  # type: ignore[return-value]

    return decorate


def stdout_console() -> Console:
    """The console of results on stdout; piped, its lines carry no trailing blanks (rich
    pads table cells to the width)."""
    if sys.stdout.isatty():
        return SafeConsole(file=sys.stdout, highlight=False)
    return SafeConsole(file=_TrimmedLines(sys.stdout), highlight=False)


def text_console(file: TextIO | None = None) -> Console:
    """A 100-column console without colour, for text rendered to a string or file."""
    return SafeConsole(file=file, width=100, color_system=None, highlight=False)


class _TrimmedLines(io.TextIOBase):
    """A text stream that drops the blanks at the end of every line written to it."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.pending = out, ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.out.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(self.pending.rstrip(" "))
            self.pending = ""
        self.out.flush()

    def isatty(self) -> bool:
        return False


def stderr_console() -> Console:
    return SafeConsole(file=sys.stderr, highlight=False, soft_wrap=True)  # a log line is one line


def stderr_is_terminal() -> bool:
    """stderr really is a terminal: rich's own test trusts FORCE_COLOR, which CI jobs set
    for coloured logs, and a spinner there fills the log with escape codes."""
    try:
        return os.isatty(sys.stderr.fileno()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):  # a replaced stream (tests, embedding)
        return False


@contextmanager
def progress(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr while long work runs, only when stderr is a terminal. Yields a
    function that changes its text (a no-op elsewhere)."""
    console = stderr_console()
    if not stderr_is_terminal():
        yield lambda _: None
        return
    with console.status(message, spinner="dots") as status:
        yield lambda text: status.update(f"{message} {text}…")


def run_map(
    events: list[str],
    model: JourneyModel,
    *,
    reading: Reading,
    quiet: bool,
    partitions: int | None = None,
) -> JourneyMap:
    """The map; in parts by customer (``cjtool.partitions``) when ``partitions`` > 1, or
    when not given and the input is bigger than memory comfortably holds."""
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool import partitions as parts

    n = partitions if partitions is not None else parts.auto_partitions(events)
    if n <= 1:
        return map_of(run_journeys(events, model, reading=reading, quiet=quiet), quiet=quiet)
    with progress(f"cjtool {model.name}:") as phase:
        phase(t("phase_split", current_lang()).format(n=n))
        result = parts.map_partitioned(
            events,
            model,
            n,
            encoding=reading.encoding,
            strict=reading.strict,
            on_part=lambda i, n, count: phase(t("phase_part", current_lang()).format(i=i, n=n, count=f"{count:,}")),
        )
    warn_all(result.warnings, quiet=quiet)
    return result


def run_spark(
    events: list[str],
    model: JourneyModel,
    *,
    master: str | None,
    reading: Reading,
    quiet: bool,
    partitions: int | None = None,
) -> JourneyMap:
    """The map computed by Spark (``cjtool.spark``), its warnings on stderr."""
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.spark import map_spark

    with progress(f"cjtool {model.name}:") as phase:
        phase(t("phase_spark", current_lang()).format(master=master or "local[*]"))
        result = map_spark(
            events, model, master=master, encoding=reading.encoding, strict=reading.strict, partitions=partitions
        )
    warn_all(result.warnings, quiet=quiet)
    return result


def run_journeys(
    events: list[str],
    model: JourneyModel,
    *,
    reading: Reading,
    quiet: bool,
    attributes: Sequence[str] = (),
) -> Journeys:
    """The journeys every command starts from (read once, with the progress display);
    ``attributes``: event columns to read for segments (``--by``)."""
    lang = set_lang(None, model.lang)
    if "-" in events and sys.stdin.isatty() and not quiet:
        stderr_console().print(f"cjtool: {t('reading_stdin', lang)}", markup=False)
    with progress(f"cjtool {model.name}:") as phase:
        return journeys(
            events,
            model,
            encoding=reading.encoding,
            strict=reading.strict,
            on_phase=phase,
            attributes=attributes,
        )


def map_of(j: Journeys, *, quiet: bool, moments: MomentsResult | None = None) -> JourneyMap:
    """The map of ``j``, with its warnings on stderr (unless ``quiet``); with
    `ranking.impact`, ranked with the measured impact of ``moments`` (j's key moments,
    computed here when not given)."""
    result = compute_map(j, j.model)
    if j.model.weight_impact is not None:
        # lazy: loaded only when used, so `cjtool` starts fast
        from cjtool.analyses.moments import compute_moments, impact_of
        from cjtool.metrics import with_impact

        result = with_impact(result, impact_of(moments or compute_moments(j)))
    warn_all(result.warnings, quiet=quiet)  # rejected rows among them
    return result


def warn_all(warnings: list[str], *, quiet: bool) -> None:
    """Warnings on stderr, one line each (unless ``quiet``)."""
    if quiet:
        return
    console = stderr_console()
    line = t("warning_line", current_lang())
    for w in warnings:
        console.print(line.format(message=w), style="yellow", markup=False, soft_wrap=True)


F = TypeVar("F", bound=StrEnum)


def format_of_output(output: str | None, by_suffix: dict[str, F], default: F, *, png_option: bool = False) -> F:
    """The format an -o file's suffix names, when -f is not given: map.json is JSON, not a
    table in a file. A picture suffix is an error (``png_option``: the command draws
    pictures with --png)."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    if suffix in (".html", ".htm"):
        folder = Path(output).with_suffix("").name or "report"
        raise UsageError(say("e_html_folder", output=output, folder=folder))
    if suffix in (".png", ".svg", ".pdf"):
        names = ", ".join(f.value for f in type(default))
        how = say("e_png_how", output=output) if png_option else ""
        raise UsageError(say("e_o_pictures", output=output, how=how, names=names))
    return by_suffix.get(suffix, default)


FORMAT_ALIASES = {"md": "markdown"}


def parse_format(value: str | None, formats: type[F]) -> F | None:
    """The --format value as one of ``formats`` (`md` is markdown); None when not given."""
    if value is None:
        return None
    name = FORMAT_ALIASES.get(value.strip().lower(), value.strip().lower())
    try:
        return formats(name)
    except ValueError:
        names = ", ".join(f.value for f in formats)
        key = "e_format" if "markdown" in names.split(", ") else "e_format_no_md"
        raise UsageError(say(key, value=repr(value), names=names)) from None


# ------------------------------------------------------------------ opportunities (SPEC 17)

WhatIfOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--what-if",
        help="TOUCHPOINT=RATE: measure the touchpoint's opportunity against this drop-off rate "
        "(0.2 or 20%) instead of the stage's median or the model's target (repeatable).",
        show_default=False,
        metavar="TP=RATE",
    ),
]


def parse_what_if(items: Sequence[str] | None) -> dict[str, Fraction]:
    """`--what-if` values: the name trimmed, the last `=` separates the rate (SPEC 17)."""
    out: dict[str, Fraction] = {}
    for item in items or ():
        name, sep, rate = item.rpartition("=")
        if not sep or not name.strip():
            raise UsageError(say("e_what_if_form", item=repr(item)))
        try:
            x = exact_share(rate)
        except (ValueError, ZeroDivisionError):
            x = None
        if x is None or not 0 <= x <= 1:
            raise UsageError(say("e_what_if_rate", item=repr(item)))
        out[name.strip()] = x
    return out


def with_what_if(model: JourneyModel, what_if: Mapping[str, Fraction]) -> JourneyModel:
    """``model`` whose targets are replaced by ``what_if`` for its touchpoints."""
    if not what_if:
        return model
    targets = {**dict(model.targets), **what_if}
    return replace(model, targets=tuple(targets.items()))


def check_what_if(result: JourneyMap, what_if: Mapping[str, Fraction]) -> None:
    """A `--what-if` touchpoint the run does not have is a usage error (SPEC 17)."""
    seen = {tp.touchpoint for tp in result.touchpoints}
    for name in what_if:
        if name not in seen:
            close = difflib.get_close_matches(name, sorted(seen), n=1)
            hint = say("e_what_if_close", close=close[0]) if close else ""
            raise UsageError(say("e_what_if_unknown", name=name, hint=hint))


# ------------------------------------------------------------------ segments (SPEC 9)

ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Break down by a segment attribute: an event column (channel, segment), a column of the "
        "--customers file (tier), or the period of entry (day, week, month, quarter).",
        show_default=False,
        metavar="ATTRIBUTE",
    ),
]
CustomersOpt = Annotated[
    str | None,
    typer.Option(
        "--customers",
        help="Customer file (CSV or Parquet): customer_id and attributes such as tier or persona, for --by.",
        show_default=False,
        metavar="FILE",
    ),
]
SegmentsLimitOpt = Annotated[
    int,
    typer.Option(
        "--segments",
        min=2,
        help="Most segments shown; values beyond the largest N-1 are pooled as (other).",
        metavar="N",
    ),
]
ExcludeInProgressOpt = Annotated[
    bool,
    typer.Option(
        "--exclude-in-progress",
        help="Map without customers whose conversion window was still open when the data ended.",
        metavar="",
    ),
]


def run_segmented(
    events: list[str],
    model: JourneyModel,
    by: list[str],
    customers: str | None,
    *,
    reading: Reading,
    quiet: bool,
) -> tuple[Journeys, pl.DataFrame | None]:
    """The journeys with the extra event columns ``by`` needs, and the customer file."""
    # lazy: loaded only when used, so `cjtool` starts fast
    from cjtool.analyses.segments import attributes_to_read, load_customer_file

    file = load_customer_file(model, customers)
    attributes = attributes_to_read(model, by, file)
    return run_journeys(events, model, reading=reading, quiet=quiet, attributes=attributes), file


def warn(messages: list[str], *, quiet: bool) -> None:
    warn_all(messages, quiet=quiet)
