"""A draft journey model from event data (`cjtool init --from events.csv`).

The columns are matched to roles by their headers (common Chinese and English names:
用户ID, 事件时间, 行为, user_id, event_time ...; a date and a time-of-day column become
`date` and `time`), and the first rows are looked at for what would go wrong later:
timestamps no format reads, ids Excel shortened to scientific notation, scores beyond the
default scale. Only the touchpoint column is read whole (no timestamp parsing: a draft
should list every touchpoint the data has, even in rows a model would reject); its
touchpoints are counted and written by volume as commented list items under placeholder
stages, for the user to move. The comments are in the data's language (Chinese headers:
Chinese comments) unless --lang says otherwise.

Names from the file are data: every one is written as a YAML scalar that cannot end its
line or start a key (double-quoted, with control characters and line separators escaped).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

import polars as pl

from cjtool.errors import DataError
from cjtool.events import _SHORTENED_ID, _scan_one, _score_steps, date_and_time
from cjtool.excel import mend_times
from cjtool.i18n import fmt_int, say
from cjtool.model import REQUIRED_ROLES, ROLES, JourneyModel, Scale, Stage, Text, fitting_scale
from cjtool.timestamps import SAMPLE_ROWS, parse_timestamps

PLACEHOLDER_STAGES = 3
LISTED = 200  # touchpoints written out; the rest are summed in one comment

# Headers each role is recognised by, best first (compared without case, spaces, `_`, `-`,
# and a unit in brackets: 金额（元） is 金额). A header is taken by the first role that names it.
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer_id", "用户ID", "会员ID", "客户ID", "客户编号", "用户编号", "会员编号", "会员号", "会员卡号",
        "客户号", "用户id", "手机号", "手机号码", "手机", "user_id", "uid", "member_id", "client_id",
        "customer", "account_id", "visitor_id", "openid", "unionid", "用户", "客户", "会员", "账号",
    ),
    "touchpoint": (
        "touchpoint", "触点", "接触点", "行为", "行为类型", "事件", "事件名称", "事件名", "动作", "操作",
        "页面", "event", "event_name", "event_type", "action", "activity", "step", "page",
    ),
    "timestamp": (
        "timestamp", "事件时间", "发生时间", "行为时间", "操作时间", "日期时间", "访问时间", "创建时间", "下单时间",
        "event_time", "event_timestamp", "datetime", "date_time", "created_at", "occurred_at", "event_date_time",
        "ts", "时间", "time",
    ),
    "channel": ("channel", "渠道", "来源", "来源渠道", "渠道来源", "平台", "终端", "source", "medium", "platform"),
    "satisfaction": ("satisfaction", "满意度", "满意度评分", "评分", "打分", "评价分", "csat", "rating", "score"),
    "nps": ("nps", "推荐值", "净推荐值", "推荐意愿", "推荐度", "推荐分", "nps评分", "likelihood_to_recommend"),
    "effort": ("effort", "费力度", "费力程度", "省力度", "ces", "customer_effort"),
    "revenue": (
        "revenue", "金额", "实付金额", "支付金额", "订单金额", "消费金额", "交易金额", "销售额", "收入", "实收金额",
        "amount", "order_amount", "sales", "gmv", "value",
    ),
}  # fmt: skip
DATE_HEADERS = ("日期", "事件日期", "发生日期", "date", "event_date", "day")
TIME_HEADERS = ("时间", "时刻", "事件时刻", "time", "time_of_day")
_TIME_OF_DAY = r"^(\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?|1899-12-3[01][ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?|0?\.\d+|0)$"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# formats tried on timestamps the default ones do not read, to suggest one
_MORE_FORMATS = (
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S%.f",
)


def squashed(header: str) -> str:
    """A header as compared with the known names: NFKC, no case, no spaces/`_`/`-`, no
    unit in brackets at the end."""
    text = unicodedata.normalize("NFKC", header).casefold()
    text = re.sub(r"\s*[(\[（【][^)\]）】]*[)\]）】]\s*$", "", text)
    return re.sub(r"[\s_\-]+", "", text)


@dataclass
class Draft:
    """What `init --from` found in the data."""

    volumes: list[tuple[str, int]]  # (touchpoint, events), most first
    columns: dict[str, str]  # role (or date/time) -> header, matched or given
    unused: list[str]  # headers no role takes (attributes for --by)
    lang: str  # the data's language: zh when its headers are Chinese
    warnings: list[str] = field(default_factory=list)  # in ``lang``
    scores: dict[str, Scale] = field(default_factory=dict)  # scales the data's scores fit
    timestamp_format: str | None = None  # a format that reads what the default ones do not


def match_columns(headers: Sequence[str], given: dict[str, str] | None = None) -> dict[str, str]:
    """role -> header for the roles whose header is recognised (``given`` first: -c)."""
    given = dict(given or {})
    taken = set(given.values())
    by_name: dict[str, str] = {}
    for h in headers:
        by_name.setdefault(squashed(h), h)
    out: dict[str, str] = {}
    for role in ROLES:
        if role in given or (role == "timestamp" and "date" in given):
            continue
        for name in ROLE_HEADERS[role]:
            header = by_name.get(squashed(name))
            if header is not None and header not in taken:
                out[role] = header
                taken.add(header)
                break
    return {**out, **given}


def _first(headers: Sequence[str], names: Sequence[str], taken: set[str]) -> str | None:
    wanted = [squashed(n) for n in names]
    found = [(wanted.index(squashed(h)), h) for h in headers if squashed(h) in wanted and h not in taken]
    return min(found)[1] if found else None


def _split_time(columns: dict[str, str], headers: Sequence[str], sample: pl.DataFrame, given: dict[str, str]) -> None:
    """A date column and a time-of-day column (日期 and 时间), and no one column with both:
    `date` and `time` in place of `timestamp`."""
    if "timestamp" in given or "date" in given:
        return
    ts = columns.get("timestamp")
    taken = set(columns.values()) - ({ts} if ts else set())
    date = _first(headers, DATE_HEADERS, taken)
    time = ts if ts and squashed(ts) in {squashed(n) for n in TIME_HEADERS} else None
    if time is None and ts is None:
        time = _first(headers, TIME_HEADERS, taken)
    if date is None:
        return
    if time is None and ts is not None:
        return  # a column with the date and time: the timestamp
    values = sample[time].drop_nulls().str.strip_chars() if time else pl.Series([], dtype=pl.String)
    values = values.filter(values != "")
    if time and (values.is_empty() or not values.str.contains(_TIME_OF_DAY).all()):
        return  # 时间 holds dates and times itself
    columns.pop("timestamp", None)
    columns["date"] = date
    if time:
        columns["time"] = time


def data_lang(headers: Sequence[str], touchpoints: Sequence[str]) -> str:
    """zh when a header is Chinese, or most of the 20 biggest touchpoints are; else en."""
    if any(_CJK.search(h) for h in headers):
        return "zh"
    top = touchpoints[:20]
    return "zh" if top and sum(bool(_CJK.search(tp)) for tp in top) > len(top) / 2 else "en"


def draft_from(
    events: list[str],
    given: dict[str, str] | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    lang: str | None = None,
) -> Draft:
    """Read ``events`` for a draft model: roles matched by header, touchpoints by volume,
    warnings about the first rows (``lang``: their language, default the data's)."""
    given = dict(given or {})
    reader = JourneyModel(name="draft", stages=(Stage("draft", Text.of("draft"), match="."),), sheet=sheet)
    reader.with_overrides(columns=given)  # the roles given with --column checked as a run checks them
    with ExitStack() as stack:
        scans = [_scan_one(src, reader, encoding, stack, roles=False) for src in events]
        headers = list(dict.fromkeys(h for s in scans for h in s.lf.collect_schema().names()))
        sample = pl.concat(
            [s.lf.select(pl.all().cast(pl.String)).head(SAMPLE_ROWS).collect() for s in scans], how="diagonal"
        ).head(SAMPLE_ROWS)
        columns = match_columns(headers, given)
        _split_time(columns, headers, sample, given)
        if any(s.sheet is not None for s in scans):  # serial numbers in a workbook's time columns
            roles = {"timestamp": "timestamp", "date": "date", "time": "time"}
            sample = mend_times(sample, {h: roles[r] for r, h in columns.items() if r in roles})
        tp = columns.get("touchpoint")
        if tp is None or tp not in headers:
            what = say("zl_draft_no_tp_column", tp=tp) if tp else say("zl_draft_no_tp")
            found = ", ".join(headers) or say("none_value")
            raise DataError(
                say("e_columns_found", name=", ".join(events), what=what, found=found), hint=say("zl_draft_hint")
            )
        frames = [
            s.lf.select(pl.col(tp).cast(pl.String).alias("touchpoint"))
            for s in scans
            if tp in s.lf.collect_schema().names()
        ]
        counts = (
            pl.concat(frames)
            .filter(pl.col("touchpoint").is_not_null() & (pl.col("touchpoint").str.strip_chars() != ""))
            .group_by("touchpoint")
            .len()
            .sort(["len", "touchpoint"], descending=[True, False])
            .collect(engine="streaming")
        )
    volumes = list(zip(counts["touchpoint"].to_list(), counts["len"].to_list(), strict=True))
    draft = Draft(
        volumes=volumes,
        columns={r: columns[r] for r in (*ROLES, "date", "time") if r in columns},
        unused=[h for h in headers if h not in columns.values()],
        lang=lang or data_lang(headers, [t for t, _ in volumes]),
    )
    _look_at(draft, sample)
    return draft


def _look_at(draft: Draft, sample: pl.DataFrame) -> None:
    """Warnings about the first rows, and the settings that would read them."""
    w = _WORDS[draft.lang]
    cols = draft.columns
    for role in REQUIRED_ROLES:
        if role not in cols and not (role == "timestamp" and "date" in cols):
            draft.warnings.append(w["no_column"].format(role=role))
    times = None
    if "date" in cols:
        times = sample.select(date_and_time(cols["date"], cols.get("time"), sample.schema).alias("t"))["t"]
        shown = f"{cols['date']} + {cols['time']}" if "time" in cols else cols["date"]
    elif "timestamp" in cols and cols["timestamp"] in sample.columns:
        times, shown = sample[cols["timestamp"]], cols["timestamp"]
    if times is not None:
        text = times.str.strip_chars()
        given = text.filter(text.is_not_null() & (text != ""))
        unread = given.filter(parse_timestamps(given).is_null())
        if len(unread):
            fmt = next((f for f in _MORE_FORMATS if parse_timestamps(unread, f).is_not_null().all()), None)
            if fmt is not None and parse_timestamps(given, fmt).is_not_null().all():
                draft.timestamp_format = fmt  # it reads every value: written in the draft
                hint = w["format_found"].format(fmt=fmt)
            elif fmt is not None:  # the others need theirs: the model's formats replace the default ones
                hint = w["format_mixed"].format(fmt=fmt)
            else:
                hint = w["format_unknown"]
            draft.warnings.append(
                w["unread_times"].format(
                    column=_shown(shown),
                    n=fmt_int(len(unread)),
                    of=fmt_int(len(given)),
                    first=_shown(unread[0]),
                    hint=hint,
                )
            )
    if "customer_id" in cols and cols["customer_id"] in sample.columns:
        ids = sample[cols["customer_id"]].drop_nulls().str.strip_chars()
        short = ids.filter(ids.str.contains(_SHORTENED_ID)).unique(maintain_order=True)
        if len(short):
            draft.warnings.append(
                w["shortened"].format(column=_shown(cols["customer_id"]), n=fmt_int(len(short)), first=_shown(short[0]))
            )
    for role, default in (("satisfaction", Scale(1, 5)), ("effort", Scale(1, 7))):
        if role not in cols or cols[role] not in sample.columns:
            continue
        (x,), _ = _score_steps(role, pl.String(), Scale(float("-inf"), float("inf")))
        numbers = sample.select(pl.col(cols[role]).alias(role)).select(x).to_series().drop_nulls()
        numbers = numbers.filter(numbers.is_finite())
        if len(numbers) and (numbers.min() < default.min or numbers.max() > default.max):
            fit = fitting_scale(float(numbers.min()), float(numbers.max()))
            if fit is not None:
                draft.scores[role] = fit
                draft.warnings.append(
                    w["scale"].format(
                        column=_shown(cols[role]), lo=f"{numbers.min():g}", hi=f"{numbers.max():g}",
                        role=role, min=f"{default.min:g}", max=f"{default.max:g}",
                        fit_min=f"{fit.min:g}", fit_max=f"{fit.max:g}",
                    )
                )  # fmt: skip


# ------------------------------------------------------------------------ writing YAML

_PLAIN = re.compile(r"^[\w][\w .\-/]*$")
# characters that must never be written as they are: control characters (C0, DEL, C1: NEL
# U+0085 is a line break to YAML), the line and paragraph separators (also line breaks to
# YAML), the bidirectional controls that reorder what a reader sees, BOM and non-characters
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufffe\uffff]")


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}"


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that stays that one string on its one line: plain when
    safe, else double-quoted with every unsafe character as a \\u escape."""
    plain = _PLAIN.match(text) and text == text.strip() and not re.match(r"^[\d.+\-]", text)
    if plain and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"):
        return text
    return _UNSAFE.sub(lambda m: _escape(m.group()), json.dumps(text, ensure_ascii=False))


def _shown(text: str) -> str:
    """A name in a comment or message: one line, its unsafe characters escaped."""
    return _UNSAFE.sub(lambda m: _escape(m.group()), str(text))


_WORDS = {
    "en": {
        "head": "# cjtool journey model: a draft from {source} ({events} events at {n} touchpoints).",
        "todo": (
            "# To finish it: rename the stages (id, label), put each touchpoint listed under\n"
            "# `touchpoints:` into the stage it belongs to (uncomment the line and move it;\n"
            "# or use `match:`, a regular expression), delete what you do not need, then check\n"
            "# it with `cjtool validate --model THIS_FILE {source}`. `cjtool init aipl` writes a\n"
            "# complete model whose comments explain every key."
        ),
        "columns": "# columns: the data's column of each role, matched by its header; check them.",
        "split": "# the event time is in two columns: the date and the time of day",
        "not_found": "# {role}: no column found",
        "not_found_required": "# {role}: no column found: write its header here (required)",
        "unused": "# columns no role reads (usable as segments with --by): {names}",
        "format": "# the timestamps need this format (it replaces the default ones):",
        "scores": "# scores: the scales the data's scores fit (the defaults: satisfaction 1..5, effort 1..7)",
        "stages": "# stages: in journey order; an event goes to the FIRST stage that matches it.",
        "list": "# the touchpoints of the data by volume (events); move each line into its stage:",
        "more": "# ... and {n} more touchpoints with {events} events in all",
        "no_column": "no column recognised as {role}: give it with --column {role}=HEADER or in the draft's `columns:`",
        "unread_times": (
            "{column}: {n} of the first {of} timestamps are not read as times (the first: '{first}'); {hint}"
        ),
        "format_found": 'they read with `timestamp_format: "{fmt}"` (written in the draft as a comment)',
        "format_mixed": (
            'they read with "{fmt}", the others not: list it with the others\' format in `timestamp_format:` '
            "(formats given replace the default ones)"
        ),
        "format_unknown": "give their strftime format in the model's `timestamp_format:`",
        "shortened": (
            "{column}: {n} ids in scientific notation (the first: '{first}'), as Excel shortens long numbers; "
            "distinct customers may merge into one: export the id column as text"
        ),
        "scale": (
            "{column}: the scores run from {lo} to {hi}, outside the default {min}..{max}; the draft sets "
            "`scores: {{{role}: {{min: {fit_min}, max: {fit_max}}}}}`"
        ),
    },
    "zh": {
        "head": "# cjtool 旅程模型：根据 {source} 生成的草稿（{n} 个触点，共 {events} 个事件）。",
        "todo": (
            "# 完成草稿：给各阶段改名（id、label），把 `touchpoints:` 下列出的每个触点\n"
            "# 移到它所属的阶段（取消注释并移动该行；也可以用正则表达式 `match:`），\n"
            "# 删掉不需要的内容，然后用 `cjtool validate --model 本文件 {source}` 检查。\n"
            "# `cjtool init aipl --lang zh` 会写出一个完整的模型，注释逐项说明每个配置。"
        ),
        "columns": "# columns：各角色对应的数据列，按列名识别，请核对。",
        "split": "# 事件时间分两列：日期和时刻",
        "not_found": "# {role}：未找到对应的列",
        "not_found_required": "# {role}：未找到对应的列，请在此填写列名（必填）",
        "unused": "# 未被任何角色使用的列（可用 --by 作为分群属性）：{names}",
        "format": "# 时间戳需要这个格式（它会取代默认格式）：",
        "scores": "# scores：数据中评分的量表（默认：满意度 1..5，费力度 1..7）",
        "stages": "# stages：按旅程顺序排列；每个事件归入第一个匹配它的阶段。",
        "list": "# 数据中的触点，按事件数从多到少；把每一行移到它所属的阶段：",
        "more": "# …… 另有 {n} 个触点，共 {events} 个事件",
        "no_column": "未识别出 {role} 对应的列：请用 --column {role}=列名 指定，或写入草稿的 `columns:`",
        "unread_times": "{column}：前 {of} 个时间值中有 {n} 个无法识别为时间（第一个：'{first}'）；{hint}",
        "format_found": '用 `timestamp_format: "{fmt}"` 可以读取（已作为注释写入草稿）',
        "format_mixed": (
            '它们可用 "{fmt}" 读取，其余的值不行：请在 `timestamp_format:` 中把它和其余值的格式一起列出'
            "（给出的格式会取代默认格式）"
        ),
        "format_unknown": "请在模型的 `timestamp_format:` 中给出它们的 strftime 格式",
        "shortened": (
            "{column}：有 {n} 个 ID 是科学计数法（第一个：'{first}'），这是 Excel 缩写长数字所致；"
            "不同客户可能被合并为一个：请把 ID 列导出为文本"
        ),
        "scale": (
            "{column}：评分范围为 {lo} 到 {hi}，超出默认的 {min}..{max}；草稿已设置 "
            "`scores: {{{role}: {{min: {fit_min}, max: {fit_max}}}}}`"
        ),
    },
}


def draft_yaml(name: str, draft: Draft, *, source: str) -> str:
    """The YAML text of a draft model: the columns matched, placeholder stages, the data's
    touchpoints as comments; comments in the draft's language."""
    w = _WORDS[draft.lang]
    volumes = draft.volumes
    total = sum(n for _, n in volumes)
    lines = [
        w["head"].format(source=_shown(source), events=fmt_int(total), n=fmt_int(len(volumes))),
        w["todo"].format(source=_shown(source)),
        "",
        f"name: {yaml_scalar(name)}",
        "mode: ordered",
    ]
    if draft.timestamp_format:
        lines += [w["format"], f"# timestamp_format: {yaml_scalar(draft.timestamp_format)}"]
    lines += ["", w["columns"], "columns:"]
    cols = draft.columns
    for role in ROLES:
        if role == "timestamp" and "date" in cols:
            lines.append("  " + w["split"])
            lines += [f"  {part}: {yaml_scalar(cols[part])}" for part in ("date", "time") if part in cols]
        elif role in cols:
            lines.append(f"  {role}: {yaml_scalar(cols[role])}")
        else:
            lines.append("  " + w["not_found_required" if role in REQUIRED_ROLES else "not_found"].format(role=role))
    if draft.unused:
        lines.append(w["unused"].format(names=", ".join(yaml_scalar(h) for h in draft.unused)))
    if draft.scores:
        lines += ["", w["scores"], "scores:"]
        lines += [f"  {role}: {{min: {sc.min:g}, max: {sc.max:g}}}" for role, sc in draft.scores.items()]
    lines += ["", w["stages"], "stages:"]
    width = max((len(yaml_scalar(tp)) for tp, _ in volumes[:LISTED]), default=0)
    for i in range(1, PLACEHOLDER_STAGES + 1):
        en, zh = f"Stage {i}", f"阶段 {i}"
        lines += [f"  - id: stage_{i}", f"    label: {{en: {en}, zh: {zh}}}", "    touchpoints:"]
        if i == 1:
            lines.append("      " + w["list"])
            for tp, n in volumes[:LISTED]:
                lines.append(f"      # - {yaml_scalar(tp).ljust(width)}  # {fmt_int(n)}")
            rest = volumes[LISTED:]
            if rest:
                lines.append("      " + w["more"].format(n=fmt_int(len(rest)), events=fmt_int(sum(n for _, n in rest))))
    return "\n".join(lines) + "\n"
