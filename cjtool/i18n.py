"""Headings and fixed words of every output, in English and Chinese (`--lang`)."""

from __future__ import annotations

_T: dict[str, dict[str, str]] = {
    "customers": {"en": "customers", "zh": "客户"},
    "customers_one": {"en": "customer", "zh": "客户"},
    "rows_rejected_one": {"en": "row rejected", "zh": "行被拒绝"},
    "events_unassigned_one": {"en": "event unassigned", "zh": "事件未归入阶段"},
    "entered": {"en": "entered", "zh": "进入旅程"},
    "completed": {"en": "completed", "zh": "走完旅程"},
    "rows_rejected": {"en": "rows rejected", "zh": "行被拒绝"},
    "events_unassigned": {"en": "events unassigned", "zh": "事件未归入阶段"},
    "funnel": {"en": "Funnel by stage", "zh": "阶段漏斗"},
    "stage": {"en": "Stage", "zh": "阶段"},
    "touchpoint": {"en": "Touchpoint", "zh": "接触点"},
    "col_customers": {"en": "Customers", "zh": "客户数"},
    "col_cust": {"en": "Cust.", "zh": "客户"},
    "conv_prev": {"en": "Conv.", "zh": "转化率"},
    "conv_first": {"en": "From 1st", "zh": "累计转化"},
    "drop_off": {"en": "Drop-off", "zh": "流失"},
    "exits": {"en": "Exits", "zh": "离开"},
    "drop_rate": {"en": "Drop", "zh": "流失率"},
    "median_time": {"en": "Median", "zh": "中位时长"},
    "csat": {"en": "CSAT", "zh": "满意度"},
    "nps": {"en": "NPS", "zh": "NPS"},
    "ces": {"en": "CES", "zh": "费力度"},
    "priority": {"en": "Prio.", "zh": "优先级"},
    "rank": {"en": "#", "zh": "#"},
    "events": {"en": "Events", "zh": "事件数"},
    "pain_points": {"en": "Pain points: touchpoints by priority", "zh": "痛点：按优先级排序的接触点"},
    "unassigned": {"en": "Unassigned touchpoints", "zh": "未归入阶段的接触点"},
    "unassigned_hint": {
        "en": "add them to a stage's `touchpoints:` or `match:` in the model if they belong to the journey",
        "zh": "如属于该旅程，请在模型中加入某阶段的 `touchpoints:` 或 `match:`",
    },
    "summary": {"en": "Summary", "zh": "概览"},
    "col_name": {"en": "Name", "zh": "名称"},
    "col_stages": {"en": "Stages", "zh": "阶段"},
    "col_description": {"en": "Description", "zh": "说明"},
    "period": {"en": "period", "zh": "时间范围"},
    "model": {"en": "model", "zh": "模型"},
    "journey_map": {"en": "Journey map", "zh": "客户旅程地图"},
    "worst": {"en": "Worst touchpoint per stage", "zh": "各阶段最差接触点"},
    "none": {"en": "none", "zh": "无"},
    "no_scores": {"en": "no scores", "zh": "无评分"},
    "pain_point": {"en": "pain point", "zh": "痛点"},
    "wow_moment": {"en": "wow moment", "zh": "尖叫点"},
    "emotion_curve": {"en": "Emotion curve (CSAT)", "zh": "情感曲线（满意度）"},
    "satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "drop_off_rate": {"en": "Drop-off rate", "zh": "流失率"},
    "priority_matrix": {"en": "Pain-point priority matrix", "zh": "痛点优先级矩阵"},
    "fix_first": {"en": "Fix first", "zh": "优先改进"},
    "keep_up": {"en": "Keep up", "zh": "保持优势"},
    "watch": {"en": "Watch", "zh": "持续关注"},
    "low_priority": {"en": "Low priority", "zh": "次要"},
    "funnel_chart": {"en": "Journey funnel", "zh": "旅程漏斗"},
    "more": {"en": "more", "zh": "更多"},
    "gates": {"en": "Gates", "zh": "质量门禁"},
    "pass": {"en": "PASS", "zh": "通过"},
    "fail": {"en": "FAIL", "zh": "未通过"},
    "report": {"en": "Customer journey report", "zh": "客户旅程报告"},
    "mode_ordered": {"en": "ordered", "zh": "按顺序"},
    "mode_furthest": {"en": "furthest stage", "zh": "最远阶段"},
    "window": {"en": "window", "zh": "转化窗口"},
    "conversion": {"en": "conversion", "zh": "转化"},
    "gate": {"en": "Gate", "zh": "门禁"},
    "unranked_note": {
        "en": "{n} more touchpoints have fewer than {min} customers (ranking.min_customers) and are not ranked",
        "zh": "另有 {n} 个接触点客户数少于 {min}（ranking.min_customers），未参与排名",
    },
    "left_out": {
        "en": "{columns} left out at {width} columns; widen the terminal or use {hint}",
        "zh": "终端宽 {width} 列，未显示：{columns}；请加宽终端或使用 {hint}",
    },
    "value": {"en": "Value", "zh": "数值"},
    "no_data": {"en": "no data", "zh": "无数据"},
    "gates_verdict": {"en": "{passed} of {total} gates passed", "zh": "门禁：{total} 项中 {passed} 项通过"},
    "conversion_of": {"en": "conversion from first of {target}", "zh": "{target} 累计转化率"},
    "satisfaction_of": {"en": "satisfaction of {target}", "zh": "{target} 满意度"},
    "drop_off_of": {"en": "drop-off of {target}", "zh": "{target} 流失率"},
    "nps_gate_of": {"en": "NPS of {target}", "zh": "{target} NPS"},
    "rejected_share": {"en": "share of rows rejected", "zh": "被拒绝行占比"},
    "unassigned_share": {"en": "share of events unassigned", "zh": "未归入阶段事件占比"},
    "result": {"en": "Result", "zh": "结果"},
    # PNG charts (cjtool.render.png*); "{...}" fields are filled in with str.format
    "png_customers_reached": {"en": "Customers reached", "zh": "到达客户"},
    "png_main_touchpoints": {"en": "Main touchpoints", "zh": "主要接触点"},
    "png_tp_legend": {"en": "customers · drop-off rate", "zh": "客户数 · 流失率"},
    "png_of_first": {"en": "{pct} of first stage", "zh": "占首阶段 {pct}"},
    "png_from_prev": {"en": "{pct} from previous", "zh": "较上阶段 {pct}"},
    "png_drop_tp": {"en": "{pct} drop-off", "zh": "流失 {pct}"},
    "png_more": {"en": "+{n} more", "zh": "另有 {n} 个"},
    "png_entry": {"en": "journey entry", "zh": "旅程入口"},
    "png_stage_csat": {"en": "stage CSAT", "zh": "阶段满意度"},
    "png_tp_csat": {"en": "touchpoint CSAT", "zh": "接触点满意度"},
    "png_mot_note": {"en": "★ moment of truth", "zh": "★ 关键时刻"},
    "measured": {"en": "measured key moment, conversion gap in points", "zh": "实测关键时刻，转化率差（百分点）"},
    "png_pain_rule": {"en": "pain points: top 3 by priority + lowest CSAT", "zh": "痛点：优先级前三 + 满意度最低"},
    "png_wow_rule": {"en": "wow moments: CSAT ≥ {thr}, top 2", "zh": "尖叫点：满意度 ≥ {thr} 的前两名"},
    "png_not_shown": {"en": "Not shown (no satisfaction scores): {names}", "zh": "未显示（无满意度评分）：{names}"},
    "png_unranked": {
        "en": "{n} touchpoints with fewer than {m} customers are not ranked",
        "zh": "{n} 个接触点客户数少于 {m}，未参与排名",
    },
    "png_bubble_note": {
        "en": "bubble size = customers · dashed lines = medians",
        "zh": "气泡大小 = 客户数 · 虚线 = 中位数",
    },
    "png_no_data": {"en": "no ranked touchpoints with satisfaction scores", "zh": "没有带满意度评分的已排名接触点"},
    "png_ranked_tp": {"en": "{n} ranked touchpoints", "zh": "{n} 个已排名接触点"},
    "png_no_loss": {"en": "no loss", "zh": "无流失"},
    # --- issue 20 (zh): compare, units, the language of every output (one block) ---
    "unit_s": {"en": "{x} s", "zh": "{x} 秒"},
    "unit_min": {"en": "{x} min", "zh": "{x} 分钟"},
    "unit_h": {"en": "{x} h", "zh": "{x} 小时"},
    "unit_d": {"en": "{x} d", "zh": "{x} 天"},
    "unit_pts": {"en": "{x} pts", "zh": "{x} 个百分点"},
    "unit_pp": {"en": "{x}pp", "zh": "{x} 个百分点"},
    "none_value": {"en": "(none)", "zh": "（空）"},
    "cmp_where": {"en": "where", "zh": "位置"},
    "cmp_metric": {"en": "metric", "zh": "指标"},
    "cmp_diff": {"en": "diff", "zh": "差值"},
    "cmp_ci": {"en": "95% CI", "zh": "95% 置信区间"},
    "cmp_lift": {"en": "lift [95% CI]", "zh": "相对变化 [95% 置信区间]"},
    "cmp_p_adj": {"en": "p adj.", "zh": "校正p"},
    "cmp_verdict": {"en": "verdict", "zh": "结论"},
    "metric_conversion_from_first": {"en": "conversion", "zh": "累计转化"},
    "metric_conversion_from_previous": {"en": "step conversion", "zh": "逐步转化"},
    "metric_drop_off_rate": {"en": "drop-off", "zh": "流失率"},
    "metric_satisfaction": {"en": "CSAT", "zh": "满意度 CSAT"},
    "metric_effort": {"en": "CES", "zh": "费力度 CES"},
    "metric_nps": {"en": "NPS", "zh": "NPS"},
    "verdict_better": {"en": "better", "zh": "更好"},
    "verdict_worse": {"en": "worse", "zh": "更差"},
    "verdict_no detectable difference": {"en": "no detectable difference", "zh": "无可检测差异"},
    "verdict_too small to conclude": {"en": "too small to conclude", "zh": "样本太少，无法下结论"},
    "verdict_negligible": {"en": "negligible", "zh": "差异可忽略"},
    "cmp_heading": {
        "en": "{what}{b} (B, {nb} entered) vs {a} (A, {na} entered)",
        "zh": "{what}{b}（B，{nb} 人进入旅程）对比 {a}（A，{na} 人进入旅程）",
    },
    "cmp_attr": {"en": "`{name}` ", "zh": "`{name}` "},
    "cmp_srm": {"en": "sample ratio: {flag} (chi-square p = {p})", "zh": "样本比例：{flag}（卡方检验 p = {p}）"},
    "cmp_srm_bad": {"en": "SAMPLE RATIO MISMATCH", "zh": "样本比例失衡"},
    "cmp_srm_ok": {"en": "ok", "zh": "正常"},
    "cmp_hidden": {
        "en": "{n} more touchpoint tests with no detectable difference (all in --format json)",
        "zh": "另有 {n} 项接触点检验无可检测差异（完整结果见 --format json）",
    },
    "cmp_kind_seq": {
        "en": "always-valid (sequential) 95% intervals and Holm-adjusted always-valid p-values",
        "zh": "始终有效（序贯）95% 区间与经 Holm 校正的始终有效 p 值",
    },
    "cmp_kind_fixed": {
        "en": "Holm-adjusted p-values over each comparison; 95% CI unadjusted",
        "zh": "每组对比内经 Holm 校正的 p 值；95% 置信区间未校正",
    },
    "cmp_legend": {
        "en": "* significant at alpha {alpha}; {kind}; lift: relative change B/A − 1 with its delta-method 95% CI; "
        "no interval or * where the sample is too small to conclude; A = {a}",
        "zh": "* 在 alpha {alpha} 下显著；{kind}；相对变化：B/A − 1 及其 delta 方法 95% 置信区间；"
        "样本太少无法下结论时不显示区间与 *；A = {a}",
    },
    "warning_prefix": {"en": "warning", "zh": "警告"},
    "before_date": {"en": "before {d}", "zh": "{d} 之前"},
    "from_date": {"en": "from {d}", "zh": "{d} 起"},
    "cmp_w_srm": {
        "en": "sample ratio mismatch: {nb} entered in `{b}` against {na} in `{a}` (p = {p}); the assignment may be "
        "broken and the comparison biased: check how customers were split before trusting it",
        "zh": "样本比例失衡：`{b}` 有 {nb} 人进入旅程，`{a}` 有 {na} 人（p = {p}）；分组可能有误、对比可能有偏："
        "请先检查客户是如何分组的",
    },
    "cmp_w_open": {
        "en": "`{side}`: {open} of {n} entered customers are still in progress (their window had not closed when "
        "the data end), which holds its later stages' conversion down: compare entry periods that ended a window "
        "before the data end, or read later stages with care",
        "zh": "`{side}`：{n} 位进入旅程的客户中有 {open} 位仍在进行中（数据结束时转化窗口尚未关闭），"
        "会压低后续阶段的转化率：请比较在数据结束前已满一个窗口的进入时段，或谨慎解读后续阶段",
    },
    "cmp_w_small": {
        "en": "`{side}` has {n} entered customers (fewer than {min}): too small to conclude anything",
        "zh": "`{side}` 只有 {n} 位客户进入旅程（少于 {min}）：样本太少，无法下任何结论",
    },
    "cmp_w_excluded": {
        "en": "left out of every side: {mixed} customers with more than one `{by}` value (mixed) and {none} with none",
        "zh": "各组均未计入：{mixed} 位客户有多个 `{by}` 取值（mixed），{none} 位没有取值",
    },
    "gate_of_variant": {"en": " of {v}", "zh": "（{v}）"},
    "gate_by_more": {"en": " by > {x}", "zh": "超过 {x}"},
    "gate_not_worse": {"en": "{where} {metric}{who} not worse{margin}", "zh": "{where} {metric}{who} 未变差{margin}"},
    "error_line": {"en": "cjtool: error: {message}", "zh": "cjtool: 错误：{message}"},
    "warning_line": {"en": "cjtool: warning: {message}", "zh": "cjtool: 警告：{message}"},
    "interrupted": {"en": "interrupted", "zh": "已中断"},
    "internal_error": {
        "en": "internal error: {what} (run with --debug for a traceback; please report it)",
        "zh": "内部错误：{what}（加 --debug 运行可查看 traceback；请报告此问题）",
    },
    "reading_stdin": {
        "en": "reading events from standard input (end with Ctrl-D)",
        "zh": "正在从标准输入读取事件（按 Ctrl-D 结束）",
    },
    "phase_reading": {"en": "reading events", "zh": "读取事件"},
    "phase_mapping": {"en": "mapping {n} events", "zh": "正在处理 {n} 个事件"},
    "phase_split": {"en": "splitting the events into {n} parts by customer", "zh": "按客户将事件分成 {n} 份"},
    "phase_part": {"en": "part {i}/{n} mapped ({count} events)", "zh": "第 {i}/{n} 份完成（{count} 个事件）"},
    "phase_spark": {"en": "mapping on Spark ({master})", "zh": "在 Spark 上计算（{master}）"},
    "sep_list": {"en": ", ", "zh": "，"},
    "severity_error": {"en": "error", "zh": "错误"},
    "severity_warning": {"en": "warning", "zh": "警告"},
    "severity_info": {"en": "info", "zh": "提示"},
    "val_shadowed": {
        "en": "touchpoint `{tp}` is listed in stage `{st}` but stage `{earlier}` comes first and matches it too; "
        "it will never reach `{st}`",
        "zh": "接触点 `{tp}` 列在阶段 `{st}` 中，但排在前面的阶段 `{earlier}` 也匹配它；它永远不会进入 `{st}`",
    },
    "val_all_rejected": {
        "en": "every row is rejected: {n} of {n} ({reasons})",
        "zh": "所有行均被拒绝：{n} 行中 {n} 行（{reasons}）",
    },
    "val_no_stage_event": {
        "en": "no event matches any stage: check the stages' touchpoints/match against the data",
        "zh": "没有事件匹配任何阶段：请对照数据检查各阶段的 touchpoints/match",
    },
    "val_stage_empty": {
        "en": "no event is assigned to stage `{st}`: check its touchpoints/match/channels",
        "zh": "阶段 `{st}` 没有任何事件：请检查它的 touchpoints/match/channels",
    },
    "val_stage_unreached": {
        "en": "no customer reaches stage `{st}` in order (it has {n} events)",
        "zh": "没有客户按顺序到达阶段 `{st}`（该阶段有 {n} 个事件）",
    },
    "val_and_more": {"en": " and {n} more", "zh": " 等，另有 {n} 个"},
    "val_unassigned": {
        "en": "{n} events at {k} unassigned touchpoints: {top}{more}",
        "zh": "{k} 个未归入阶段的接触点共 {n} 个事件：{top}{more}",
    },
    "val_overlap": {
        "en": "touchpoint `{tp}` matches stages {stages}; the first, `{first}`, wins",
        "zh": "接触点 `{tp}` 匹配多个阶段 {stages}；以第一个 `{first}` 为准",
    },
    "val_did_you_mean": {
        "en": "; did you mean `{close}`? it occurs {n} times",
        "zh": "；是否想写 `{close}`？它出现了 {n} 次",
    },
    "val_never_occurs": {
        "en": "touchpoint `{tp}` of stage `{st}` never occurs in the data{hint}",
        "zh": "阶段 `{st}` 的接触点 `{tp}` 在数据中从未出现{hint}",
    },
    "val_more": {"en": " (and {n} more, listed on stdout)", "zh": "（另有 {n} 项，见标准输出）"},
    "val_more_stdout": {"en": "{first} (and {n} more, listed on stdout)", "zh": "{first}（另有 {n} 项，见标准输出）"},
    "val_summary": {"en": "model {name}: {stages} stages, {valid}", "zh": "模型 {name}：{stages} 个阶段，{valid}"},
    "val_summary_data": {
        "en": "; data: {rows} rows, {rejected} rejected, {assigned} events assigned, {unassigned} unassigned, "
        "{customers} customers",
        "zh": "；数据：{rows} 行，{rejected} 行被拒绝，{assigned} 个事件归入阶段，{unassigned} 个未归入，{customers} 位客户",
    },
    "val_valid": {"en": "valid", "zh": "有效"},
    "val_not_valid": {"en": "not valid", "zh": "无效"},
    "cmp_w_mode": {
        "en": "the baseline was mapped with another mode or window: differences may come from that",
        "zh": "基准使用了不同的模式或转化窗口：差异可能由此而来",
    },
}


def t(key: str, lang: str = "en", n: int | None = None) -> str:
    """The text of ``key`` in ``lang`` (English if missing); with ``n`` == 1 the singular."""
    entry = _T[f"{key}_one"] if n == 1 and f"{key}_one" in _T else _T[key]
    return entry.get(lang) or entry["en"]


def fmt_duration(seconds: float | None, lang: str = "en") -> str:
    """Human units: `45 s`, `12.5 min`, `3.2 h`, `4.1 d` (秒, 分钟, 小时, 天); an em dash for none."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return t("unit_s", lang).format(x=f"{seconds:.0f}")
    if seconds < 90 * 60:
        return t("unit_min", lang).format(x=f"{seconds / 60:.1f}")
    if seconds < 36 * 3600:
        return t("unit_h", lang).format(x=f"{seconds / 3600:.1f}")
    return t("unit_d", lang).format(x=f"{seconds / 86400:.1f}")


def fmt_points(x: float, lang: str = "en", digits: int = 1, compact: bool = False) -> str:
    """Percentage points with a sign: `+7.2pp` (compact) or `+7 pts`; `+7.2 个百分点`."""
    return t("unit_pp" if compact else "unit_pts", lang).format(x=f"{x:+.{digits}f}")


def shown_value(value: str, lang: str = "en") -> str:
    """A segment or channel value as displayed: `(none)` (a blank) in the language;
    JSON and CSV keep the literal `(none)`."""
    return t("none_value", lang) if value == "(none)" else value


def fmt_pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def fmt_int(x: int | None) -> str:
    return "—" if x is None else f"{x:,}"


# --------------------------------------------------------------- which language (docs/language.md)

LANGUAGES = ("en", "zh")
_current = {"lang": "en", "chosen": False}  # the CLI run's language; "chosen": by --lang or CJTOOL_LANG


def _locale_lang() -> str | None:
    """zh when the locale says Chinese (LC_ALL, else LC_MESSAGES, else LANG, as gettext)."""
    import os

    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en" if value not in ("C", "POSIX") else None
    return None


def resolve_lang(option: str | None = None, model_lang: str | None = None) -> str:
    """--lang, else CJTOOL_LANG, else the model's `lang:`, else the locale, else English."""
    import os

    env = os.environ.get("CJTOOL_LANG", "").strip().lower()
    for candidate in (option, env if env in LANGUAGES else None, model_lang, _locale_lang()):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    return "en"


def set_lang(option: str | None, model_lang: str | None = None) -> str:
    """Settle the run's language (the CLI calls this with the option, then again with the
    model's `lang:` once a model is read) and return it."""
    import os

    if option is not None:
        _current.update(lang=option, chosen=True)
    elif not _current["chosen"]:
        env = os.environ.get("CJTOOL_LANG", "").strip().lower() in LANGUAGES
        _current.update(lang=resolve_lang(None, model_lang), chosen=env)
    return str(_current["lang"])


def current_lang() -> str:
    """The run's language, for messages worded far from any option (errors, warnings)."""
    return str(_current["lang"])


def reset_lang() -> None:
    """Forget the run's language (each CLI invocation starts afresh)."""
    _current.update(lang="en", chosen=False)
