"""Headings and fixed words of every output, in English and Chinese (`--lang`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
    "at_stake_of": {"en": "customers at stake at {target}", "zh": "{target} 可挽回客户数"},
    "rejected_share": {"en": "share of rows rejected", "zh": "被拒绝行占比"},
    "unassigned_share": {"en": "share of events unassigned", "zh": "未归入阶段事件占比"},
    "result": {"en": "Result", "zh": "结果"},
    # one story across commands: what each table counts, and the command that gives the other number
    "story_funnel": {
        "en": "Customers who reached the stages in order (each one's chain), Median = time to convert; "
        "`cjtool paths` counts every move between two steps, in any order, with step-to-step gaps.",
        "zh": "按顺序到达各阶段的客户（每位客户的链），中位时长 = 转化所用时间；"
        "`cjtool paths` 统计任意两步之间的每次移动（不论顺序），间隔为相邻两步之间的时间。",
    },
    "story_paths": {
        "en": "Moves from one step straight to the next, in any order; gap = time between the two events. "
        "The funnel (`cjtool map`) counts customers who reached the stages in order, and its Median is the "
        "time to convert.",
        "zh": "从一步直接到下一步的移动（不论顺序）；间隔 = 两个事件之间的时间。"
        "漏斗（`cjtool map`）统计按顺序到达各阶段的客户，其中位时长为转化所用时间。",
    },
    "story_moments": {
        "en": "Exposed = the stage's customers who met the touchpoint before moving on; `cjtool map` counts "
        "every customer of a touchpoint, `cjtool customers` lists each customer's stage.",
        "zh": "接触 = 本阶段中在进入下一阶段前接触过该触点的客户；`cjtool map` 统计触点的全部客户，"
        "`cjtool customers` 列出每位客户所处阶段。",
    },
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
    "measured": {"en": "key moment, conversion gap in points", "zh": "关键时刻，转化率差（百分点）"},
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
        "zh": "* 在显著性水平 {alpha} 下显著；{kind}；相对变化：B/A − 1 及其 delta 方法 95% 置信区间；"
        "样本太少无法下结论时不显示区间与 *；A = {a}",
    },
    "warning_md": {"en": "warning: {w}", "zh": "警告：{w}"},
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
        "zh": "各组均未计入：{mixed} 位客户有多个 `{by}` 取值（`mixed`），{none} 位没有取值",
    },
    "gate_of_variant": {"en": " of {v}", "zh": "（{v}）"},
    "gate_by_more": {"en": " by > {x}", "zh": "超过 {x}"},
    "gate_not_worse": {"en": "{where} {metric}{who} not worse{margin}", "zh": "{where} {metric}{who} 未变差{margin}"},
    "error_line": {"en": "cjtool: error: {message}", "zh": "cjtool: 错误：{message}"},
    "warning_line": {"en": "cjtool: warning: {message}", "zh": "cjtool: 警告：{message}"},
    "interrupted": {"en": "interrupted", "zh": "已中断"},
    "terminated": {"en": "terminated", "zh": "已终止"},
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
    "or": {"en": " or ", "zh": " 或 "},
    "strict_all": {
        "en": "{where}: {why} (--strict: {n} row{s} rejected in all)",
        "zh": "{where}：{why}（--strict：共 {n} 行被拒绝）",
    },
    "note_first_at": {"en": "{first} at {where}", "zh": "{first}，位于 {where}"},
    "where_line": {"en": "{name}: line {n}", "zh": "{name} 第 {n} 行"},
    "where_row": {"en": "{name}: row {n}", "zh": "{name} 第 {n} 条记录"},
    "note_repeated": {
        "en": "{name} is given more than once: its events are counted twice",
        "zh": "{name} 被重复指定：其中的事件会被计算两次",
    },
    "note_not_number": {
        "en": "{role}: {{n}} value{{s}} not a number, treated as missing (the first: {{first}})",
        "zh": "{role}：{{n}} 个值不是数字，按缺失处理（第一个：{{first}}）",
    },
    "note_outside": {
        "en": "{role}: {{n}} value{{s}} outside {lo}..{hi}, treated as missing (the first: {{first}})",
        "zh": "{role}：{{n}} 个值超出 {lo}..{hi}，按缺失处理（第一个：{{first}}）",
    },
    "note_bad_time": {
        "en": "timestamp: {{n}} value{{s}} not read as a time, so their rows are left out (the first: {{first}}); "
        "expected {expected}",
        "zh": "timestamp：{{n}} 个值无法读取为时间，这些行未计入（第一个：{{first}}）；应为 {expected}",
    },
    "note_shortened": {
        "en": "customer_id: {{n}} id{{s}} in scientific notation, as Excel shortens long numbers (the first: "
        "{{first}}); distinct customers may have merged into one: export the id column as text",
        "zh": "customer_id：{{n}} 个 ID 是科学计数法（Excel 会把长数字缩写成这样，第一个：{{first}}）；"
        "不同的客户可能被合并成一个：请把 ID 列按文本导出",
    },
    "reason_count": {"en": "{n} {why}", "zh": "{n} 行{why}"},
    "reason_missing customer_id": {"en": "missing customer_id", "zh": "缺少 customer_id"},
    "reason_missing touchpoint": {"en": "missing touchpoint", "zh": "缺少 touchpoint"},
    "reason_bad timestamp": {"en": "bad timestamp", "zh": "时间无法读取"},
    "why_bad_time": {
        "en": "cannot read timestamp {value}; expected {expected}",
        "zh": "无法读取时间 {value}；应为 {expected}",
    },
    "rejected_summary": {
        "en": "{n} of {read} rows rejected ({reasons})",
        "zh": "{read} 行中 {n} 行被拒绝（{reasons}）",
    },
    "expected_times": {
        "en": "ISO 8601 (2026-03-04, 2026-03-04T10:15:00, with Z or +08:00), 2026/3/4 10:15, or epoch "
        "seconds/milliseconds",
        "zh": "ISO 8601（2026-03-04、2026-03-04T10:15:00，可带 Z 或 +08:00）、2026/3/4 10:15，或以秒/毫秒计的 Unix 时间戳",
    },
    "expected_format": {"en": "the model's timestamp_format {formats}", "zh": "模型的 timestamp_format {formats}"},
    "no_events": {
        "en": "the input has no events (a header only): the map is empty",
        "zh": "输入没有事件（只有表头）：地图为空",
    },
    "no_events_blank": {
        "en": "the input has no events (a header and blank rows only): the map is empty",
        "zh": "输入没有事件（只有表头和空行）：地图为空",
    },
    "m_mapping": {"en": "expected a mapping of keys, got {got}", "zh": "应为键值映射，实际是 {got}"},
    "m_unknown_key": {
        "en": "unknown key `{k}`{suggest}; known keys: {keys}",
        "zh": "未知的键 `{k}`{suggest}；可用的键：{keys}",
    },
    "m_suggest": {"en": " (did you mean `{name}`?)", "zh": "（是否想写 `{name}`？）"},
    "m_required": {"en": "is required", "zh": "必须填写"},
    "m_text": {"en": "expected text, got {got}", "zh": "应为文字，实际是 {got}"},
    "m_number": {"en": "expected a number, got {got}", "zh": "应为数字，实际是 {got}"},
    "m_at_least": {"en": "must be at least {min}, got {got}", "zh": "不能小于 {min}，实际是 {got}"},
    "m_list": {"en": "expected a list, got {got}", "zh": "应为列表，实际是 {got}"},
    "m_one_of": {
        "en": "expected one of {choices}, got {got}{suggest}",
        "zh": "应为 {choices} 之一，实际是 {got}{suggest}",
    },
    "m_duration": {
        "en": "{value} is not a duration; use a number and a unit: 90d, 12w, 48h",
        "zh": "{value} 不是时长；请写数字加单位：90d、12w、48h",
    },
    "m_stages_required": {
        "en": "is required: list the journey's stages in order",
        "zh": "必须填写：按顺序列出旅程的各阶段",
    },
    "m_stages_empty": {"en": "must be a non-empty list of stages", "zh": "必须是非空的阶段列表"},
    "m_duplicate_id": {"en": "duplicate stage id `{sid}`", "zh": "阶段 id `{sid}` 重复"},
    "m_match_nothing": {
        "en": "stage `{sid}` can match nothing: give it `touchpoints:` or `match:`",
        "zh": "阶段 `{sid}` 匹配不到任何事件：请给它 `touchpoints:` 或 `match:`",
    },
    "m_empty_channels": {
        "en": "an empty channel list means stage `{sid}` can match nothing",
        "zh": "渠道列表为空，阶段 `{sid}` 将匹配不到任何事件",
    },
    "m_max_min": {"en": "max ({hi}) must be greater than min ({lo})", "zh": "最大值（{hi}）必须大于最小值（{lo}）"},
    "m_bool": {"en": "expected true or false, got {got}", "zh": "应为 true 或 false，实际是 {got}"},
    "m_a_mapping": {"en": "a mapping", "zh": "键值映射"},
    "m_a_list": {"en": "a list", "zh": "列表"},
    "m_nothing": {"en": "nothing", "zh": "空值"},
    "m_more": {
        "en": "{first} (and {n} more problem{s}; run `cjtool validate`)",
        "zh": "{first}（另有 {n} 个问题；请运行 `cjtool validate`）",
    },
    # analyses/baseline_map.py: a stored map JSON read back as a baseline
    "bm_how": {
        "en": "write it with `cjtool map EVENTS -m MODEL -f json -o FILE`",
        "zh": "用 `cjtool map EVENTS -m MODEL -f json -o FILE` 写出基线",
    },
    "bm_not_finite": {"en": "{value} is not a finite number", "zh": "{value} 不是有限的数"},
    "bm_not_whole": {"en": "{value} is not a count (a whole number)", "zh": "{value} 不是计数（应为整数）"},
    "bm_not_count": {
        "en": "{value} is not a count (from 0 to {max})",
        "zh": "{value} 不是计数（应在 0 到 {max} 之间）",
    },
    "bm_more_than": {"en": "{value} is more than {what} ({limit})", "zh": "{value} 大于 {what}（{limit}）"},
    "bm_not_number": {"en": "{value} is not a number", "zh": "{value} 不是数字"},
    "bm_negative_sq": {"en": "{value} is negative: a sum of squares cannot be", "zh": "{value} 为负：平方和不可能为负"},
    "bm_sum_no_answers": {"en": "a sum of no answers must be 0", "zh": "没有回答时总和必须为 0"},
    "bm_impossible": {
        "en": "{value} is less than sum^2 / n ({bound}): impossible sums",
        "zh": "{value} 小于 sum^2 / n（{bound}）：这样的总和不可能出现",
    },
    "bm_digits": {"en": "a {n}-digit number", "zh": "一个 {n} 位数"},
    "bm_not_map": {
        "en": "{source}: not a map JSON (schema {found}, expected {expected})",
        "zh": "{source}：不是旅程地图 JSON（schema 为 {found}，应为 {expected}）",
    },
    "bm_other_model": {
        "en": "{source}: a map of model `{found}`, not `{model}`",
        "zh": "{source}：这是模型 `{found}` 的旅程地图，不是 `{model}` 的",
    },
    "bm_other_model_hint": {
        "en": "compare with the same model the baseline was mapped with",
        "zh": "请用生成基线时的同一个模型比较",
    },
    "bm_an_object": {"en": "an object", "zh": "一个对象"},
    "bm_a_list": {"en": "a list of objects", "zh": "一个对象列表"},
    "bm_expected": {
        "en": "{source}: `{key}`: expected {what}; the baseline was damaged or edited by hand",
        "zh": "{source}：`{key}`：应为{what}；基线已损坏或被手工改过",
    },
    "bm_stages_differ": {
        "en": "{source}: stages {found} differ from the model's {ids}",
        "zh": "{source}：阶段 {found} 与模型的阶段 {ids} 不同",
    },
    "bm_stages_hint": {
        "en": "the model changed since the baseline was written; write the baseline again",
        "zh": "写出基线之后模型已改变；请重新写出基线",
    },
    "bm_damaged": {
        "en": "{source}: `{path}`: {why}; the baseline was damaged or edited by hand",
        "zh": "{source}：`{path}`：{why}；基线已损坏或被手工改过",
    },
    "bm_no_key": {"en": "no `{key}` key", "zh": "没有 `{key}` 键"},
    "bm_incomplete": {
        "en": "{source}: incomplete map JSON ({what}); a map written before the score `sums` were added cannot be a baseline",
        "zh": "{source}：旅程地图 JSON 不完整（{what}）；加入评分 `sums` 之前写出的旅程地图不能作为基线",
    },
    "bm_no_file": {"en": "{name}: no such baseline map file", "zh": "{name}：基线旅程地图文件不存在"},
    "bm_cannot_read": {
        "en": "{name}: cannot read the baseline map ({why})",
        "zh": "{name}：无法读取基线旅程地图（{why}）",
    },
    "bm_too_deep": {"en": "nested too deeply to be a map JSON", "zh": "嵌套过深，不可能是旅程地图 JSON"},
    "e_cannot_open": {"en": "cannot open ({why}); {what}", "zh": "无法打开（{why}）；{what}"},
    "e_open_permissions": {"en": "check its permissions", "zh": "请检查其权限"},
    "e_open_give_file": {"en": "give a file", "zh": "请给出一个文件"},
    "e_no_file": {"en": "{name}: no such file", "zh": "{name}：文件不存在"},
    "e_is_dir": {"en": "{name}: is a directory, not an events file", "zh": "{name}：是文件夹，不是事件文件"},
    "e_did_you_mean": {"en": "did you mean `{close}`? ", "zh": "是否想写 `{close}`？"},
    "e_no_column": {"en": "no `{header}` column for {role}", "zh": "没有 {role} 对应的 `{header}` 列"},
    "e_no_columns": {"en": "no columns {names}", "zh": "没有这些列：{names}"},
    "e_columns_found": {"en": "{name}: {what}; found: {found}", "zh": "{name}：{what}；文件中的列：{found}"},
    "e_columns_hint": {
        "en": "{hint}map columns in the model's `columns:` or with --column {role}=HEADER",
        "zh": "{hint}请在模型的 `columns:` 中或用 --column {role}=HEADER 指定列",
    },
    "e_cmp_empty": {
        "en": "{label}: no customer entered the journey on this side; there is nothing to compare",
        "zh": "{label}：这一组没有客户进入旅程，无从比较",
    },
    "e_cmp_no_value": {
        "en": "--baseline {baseline}: no customer has `{name}` = {baseline}; values found: {found}",
        "zh": "--baseline {baseline}：没有客户的 `{name}` = {baseline}；现有取值：{found}",
    },
    "e_cmp_needs_baseline": {
        "en": "--by {by} needs --baseline VALUE: the value the others are compared against",
        "zh": "--by {by} 需要 --baseline VALUE：其他取值与之对比的基准值",
    },
    "seg_not_in_file": {
        "en": "{n} customers are not in the customer file: their `{name}` is {none}",
        "zh": "{n} 位客户不在客户文件中：其 `{name}` 记为 {none}",
    },
    "seg_no_attr": {
        "en": "--by {name}: no such attribute; event columns: {events}; ",
        "zh": "--by {name}：没有这个属性；事件列：{events}；",
    },
    "seg_file_columns": {"en": "customer file columns: {columns}; ", "zh": "客户文件的列：{columns}；"},
    "seg_periods": {"en": "periods: {periods}", "zh": "时间段：{periods}"},
    "seg_or_customers": {"en": "; or give a customer file with --customers", "zh": "；或用 --customers 提供客户文件"},
    "e_cannot_write": {"en": "{name}: cannot write ({why})", "zh": "{name}：无法写入（{why}）"},
    "e_link_to": {"en": " (the link points to {real})", "zh": "（链接指向 {real}）"},
    "e_no_folder": {
        "en": "{name}: the folder {parent} does not exist{via}",
        "zh": "{name}：文件夹 {parent} 不存在{via}",
    },
    "e_create_first": {"en": "create it first", "zh": "请先创建它"},
    "wrote_customers": {"en": "wrote {n} customers to {target}", "zh": "已将 {n} 位客户写入 {target}"},
    "wrote_files": {"en": "wrote {n} files to {target}", "zh": "已将 {n} 个文件写入 {target}"},
    "wrote_model": {
        "en": "wrote {target}; check it with: cjtool validate --model {target} {events}",
        "zh": "已写入 {target}；检查它：cjtool validate --model {target} {events}",
    },
    "opt_ge": {"en": "must be at least {x}", "zh": "不能小于 {x}"},
    "opt_gt": {"en": "must be more than {x}", "zh": "必须大于 {x}"},
    "opt_le": {"en": "must be at most {x}", "zh": "不能大于 {x}"},
    "opt_lt": {"en": "must be less than {x}", "zh": "必须小于 {x}"},
    "opt_not_whole": {"en": "not a whole number", "zh": "不是整数"},
    "opt_not_number": {"en": "not a number", "zh": "不是数字"},
    "opt_see_help": {"en": " (see `{cmd} --help`)", "zh": "（见 `{cmd} --help`）"},
    "opt_not_one_of": {"en": "{given} is not one of {choices}", "zh": "{given} 不是 {choices} 之一"},
    "opt_no_such": {
        "en": "No such option: {opt} (Possible options: {close})",
        "zh": "没有这个选项：{opt}（可能是：{close}）",
    },
    "opt_no_such_plain": {"en": "No such option: {opt}", "zh": "没有这个选项：{opt}"},
    "opt_missing_arg": {"en": "Missing argument {what}", "zh": "缺少参数 {what}"},
    "opt_missing_opt": {"en": "Missing option {what}", "zh": "缺少选项 {what}"},
    "e_cmp_once": {
        "en": "say what to compare, once: --by ATTRIBUTE --baseline VALUE, --split DATE, --baseline-events FILE or "
        "--baseline-map FILE",
        "zh": "请指定一种比较方式（只能一种）：--by ATTRIBUTE --baseline VALUE、--split DATE、--baseline-events FILE "
        "或 --baseline-map FILE",
    },
    "e_cmp_baseline_needs_by": {
        "en": "--baseline {baseline} is a value of --by ATTRIBUTE; give --by too",
        "zh": "--baseline {baseline} 是 --by ATTRIBUTE 的一个取值；请同时给出 --by",
    },
    "step_start": {"en": "(start)", "zh": "（开始）"},
    "step_dropped": {"en": "(dropped)", "zh": "（流失）"},
    "step_converted": {"en": "(converted)", "zh": "（转化）"},
    "step_end": {"en": "(end)", "zh": "（结束）"},
    "step_other": {"en": "(other)", "zh": "（其他）"},
    "cpng_share": {"en": "share of entered customers (%)", "zh": "占进入旅程客户的比例（%）"},
    "cpng_funnels": {"en": "Funnels", "zh": "漏斗"},
    "cpng_diff_axis": {
        "en": "conversion difference, B − A (pp), 95% interval",
        "zh": "累计转化率差值，B − A（百分点），95% 区间",
    },
    "cpng_seq": {"en": "always-valid intervals", "zh": "始终有效区间"},
    "cpng_holm": {"en": "Holm-adjusted", "zh": "经 Holm 校正"},
    "cpng_diff_title": {"en": "Difference vs {a}", "zh": "与 {a} 的差值"},
    "cpng_caption": {
        "en": "filled: significant at alpha {alpha} ({what}); labels green = better, red = worse",
        "zh": "实心：在显著性水平 {alpha} 下显著（{what}）；标签绿色 = 更好，红色 = 更差",
    },
    "seg_pooled": {
        "en": "`{name}` has {n} values: the {kept} with most customers are kept, the other {pooled} pooled into "
        "{other} (--segments N keeps more)",
        "zh": "`{name}` 有 {n} 个取值：保留客户最多的 {kept} 个，其余 {pooled} 个合并为{other}（--segments N 可保留更多）",
    },
    "e_gate_target": {
        "en": "{option} {v}: expected TARGET=NUMBER, e.g. purchase=0.05 or purchase=5%",
        "zh": "{option} {v}：应为 TARGET=NUMBER，例如 purchase=0.05 或 purchase=5%",
    },
    "e_gate_share": {
        "en": "{option} {v}: expected a share, e.g. 0.01 or 1%",
        "zh": "{option} {v}：应为比例，例如 0.01 或 1%",
    },
    "e_gate_separate": {
        "en": "regression gates (--baseline) and threshold gates run in separate `cjtool check` steps",
        "zh": "回归门禁（--baseline）与阈值门禁请分成两个 `cjtool check` 步骤运行",
    },
    "e_gate_min_effect": {
        "en": "--min-effect and --sequential go with --baseline (regression gates)",
        "zh": "--min-effect 和 --sequential 需与 --baseline（回归门禁）一起使用",
    },
    "e_no_gates": {
        "en": "no gates: give --min-conversion, --min-satisfaction, --max-drop-off, --min-nps, --max-at-stake, "
        "--max-rejected or --max-unassigned, or add `gates:` to the model",
        "zh": "没有门禁：请给出 --min-conversion、--min-satisfaction、--max-drop-off、--min-nps、--max-at-stake、--max-rejected 或 "
        "--max-unassigned，或在模型中加入 `gates:`",
    },
    "e_not_share": {
        "en": "{x} is not a share between 0 and 1; write 0.3 or 30%",
        "zh": "{x} 不是 0 到 1 之间的比例；请写 0.3 或 30%",
    },
    "e_not_nps": {"en": "{x} is not an NPS between -100 and 100", "zh": "{x} 不是 -100 到 100 之间的 NPS"},
    "e_column_pair": {
        "en": "--column {pair}: expected ROLE=HEADER, e.g. customer_id=user_id",
        "zh": "--column {pair}：应为 ROLE=HEADER，例如 customer_id=user_id",
    },
    "e_html_folder": {
        "en": "-o {output}: the HTML report is a folder (index.html, pictures, report.md): "
        "`cjtool report EVENTS -m MODEL --out {folder}/`",
        "zh": "-o {output}：HTML 报告是一个文件夹（index.html、图表、report.md）：`cjtool report EVENTS -m MODEL --out {folder}/`",
    },
    "e_format_no_md": {
        "en": "--format {value}: not a format; use one of {names}",
        "zh": "--format {value}：没有这种格式；请用 {names} 之一",
    },
    "e_strict_baseline": {
        "en": "--strict-baseline goes with --baseline-map or --baseline-events",
        "zh": "--strict-baseline 须与 --baseline-map 或 --baseline-events 一起使用",
    },
    "e_value_memory": {
        "en": "--value fits the whole run in memory: leave out --by, --partitions and --engine spark",
        "zh": "--value 需在内存中拟合整个数据：请去掉 --by、--partitions 和 --engine spark",
    },
    "e_strict_gap": {"en": "--strict-baseline: {first}{more}", "zh": "--strict-baseline：{first}{more}"},
    "e_and_more": {"en": " (and {n} more)", "zh": "（另有 {n} 处）"},
    "e_strict_gap_hint": {
        "en": "write the baseline from an export with the same columns and touchpoints",
        "zh": "请用列和接触点相同的导出数据生成基线",
    },
    "paths_unassigned": {
        "en": "{n} events of these customers match no stage and are left out of the paths, which joins the steps "
        "around them; --all-events keeps them as steps",
        "zh": "这些客户有 {n} 个事件未归入任何阶段，路径中已略去，其前后的步骤因此相连；--all-events 会把它们保留为步骤",
    },
    "paths_unassigned_one": {
        "en": "{n} event of these customers matches no stage and is left out of the paths, which joins the steps "
        "around them; --all-events keeps them as steps",
        "zh": "这些客户有 {n} 个事件未归入任何阶段，路径中已略去，其前后的步骤因此相连；--all-events 会把它保留为步骤",
    },
    "x_save_as": {
        "en": "save it as CSV (UTF-8) or as an Excel workbook (.xlsx) and give that file",
        "zh": "请另存为 CSV（UTF-8）或 Excel 工作簿（.xlsx）后再给出该文件",
    },
    "x_numbers": {"en": "an Apple Numbers file", "zh": "Apple Numbers 文件"},
    "x_zip": {"en": "a zip archive", "zh": "压缩包"},
    "x_pdf": {"en": "a PDF document", "zh": "PDF 文档"},
    "x_binary": {"en": "a binary file", "zh": "二进制文件"},
    "x_not_text": {
        "en": "{name}: {what}, not CSV text or an Excel workbook",
        "zh": "{name}：是{what}，不是 CSV 文本或 Excel 工作簿",
    },
    "x_unreadable": {
        "en": "{name}: not a readable Excel workbook ({why})",
        "zh": "{name}：无法读取的 Excel 工作簿（{why}）",
    },
    "x_sheet_empty": {
        "en": "{name}: sheet `{sheet}` is empty; expected a header row",
        "zh": "{name}：工作表 `{sheet}` 为空；应有表头行",
    },
    "x_all_empty": {
        "en": "{name}: every sheet is empty; expected a header row and events",
        "zh": "{name}：所有工作表都为空；应有表头行和事件",
    },
    "x_no_sheet": {
        "en": "{name}: no sheet {sheet}; its sheets are {listed}",
        "zh": "{name}：没有工作表 {sheet}；现有工作表：{listed}",
    },
    "x_no_sheet_hint": {
        "en": "give --sheet a sheet's name or its number (1 is the first)",
        "zh": "请给 --sheet 一个工作表名称或序号（1 为第一个）",
    },
    "x_sheet_unreadable": {
        "en": "{name}: cannot read sheet `{sheet}` ({why})",
        "zh": "{name}：无法读取工作表 `{sheet}`（{why}）",
    },
    "m_duration_long": {
        "en": "longer than {days} days (100 years); for no limit at all write `none`",
        "zh": "超过 {days} 天（100 年）；如不设上限请写 `none`",
    },
    "m_duration_short": {
        "en": "shorter than a microsecond, the finest time cjtool reads",
        "zh": "短于一微秒（cjtool 能读取的最小时间单位）",
    },
    "m_duration_option": {"en": "--window: {value} is {problem}", "zh": "--window：{value} {problem}"},
    "m_duration_value": {"en": "{value} is {problem}", "zh": "{value} {problem}"},
    "v_date_time": {
        "en": "the event time is read from the columns `{date}` (date){both}",
        "zh": "事件时间读自列 `{date}`（日期）{both}",
    },
    "v_time_column": {"en": " and `{time}` (time of day)", "zh": "和 `{time}`（时刻）"},
    "v_no_time_column": {"en": " (each event at midnight: no time column)", "zh": "（无时刻列：每个事件按零点计）"},
    "e_what_if_form": {
        "en": "--what-if {item}: expected TOUCHPOINT=RATE, e.g. checkout=0.2 or checkout=20%",
        "zh": "--what-if {item}：应为 接触点=比率，例如 checkout=0.2 或 checkout=20%",
    },
    "e_what_if_rate": {
        "en": "--what-if {item}: the rate must be a drop-off rate from 0 to 1 (0.2 or 20%)",
        "zh": "--what-if {item}：比率须为 0 到 1 之间的流失率（0.2 或 20%）",
    },
    "e_what_if_close": {"en": " (did you mean `{close}`?)", "zh": "（是否想写 `{close}`？）"},
    "e_what_if_unknown": {
        "en": "--what-if {name}: the run has no touchpoint `{name}`{hint}",
        "zh": "--what-if {name}：本次数据中没有接触点 `{name}`{hint}",
    },
    "e_format": {
        "en": "--format {value}: not a format; use one of {names} (md for markdown)",
        "zh": "--format {value}：没有这种格式；请用 {names} 之一（md 即 markdown）",
    },
    "e_split": {
        "en": "--split {text}: expected a date such as 2026-03-01 (or 2026-03-01T12:00)",
        "zh": "--split {text}：应为日期，例如 2026-03-01（或 2026-03-01T12:00）",
    },
    "e_alpha": {
        "en": "--alpha {alpha}: expected a number between 0 and 1, e.g. 0.05",
        "zh": "--alpha {alpha}：应为 0 到 1 之间的数，例如 0.05",
    },
    "e_png_output": {
        "en": "--png and --output are both {output}; give them different files",
        "zh": "--png 与 --output 都是 {output}；请给两个不同的文件",
    },
    "e_spark_parquet": {
        "en": "--engine spark writes the table as Parquet files to a folder: add -o DIR (no --format csv/json: use "
        "--engine polars for those)",
        "zh": "--engine spark 把表写成文件夹中的 Parquet 文件：请加 -o DIR（不支持 --format csv/json：这些请用 --engine polars）",
    },
    "e_spark_only": {
        "en": "--spark-master and --partitions are for --engine spark",
        "zh": "--spark-master 和 --partitions 只用于 --engine spark",
    },
    "e_bom_customers": {
        "en": "--bom is for CSV (Excel); JSON and Parquet are plain UTF-8",
        "zh": "--bom 只用于 CSV（Excel）；JSON 和 Parquet 是不带 BOM 的 UTF-8",
    },
    "e_parquet_binary": {
        "en": "Parquet is binary: write it to a file with -o {name}.parquet",
        "zh": "Parquet 是二进制格式：请用 -o {name}.parquet 写入文件",
    },
    "e_bom_map": {
        "en": "--bom is for --format csv (Excel); other formats are plain UTF-8",
        "zh": "--bom 只用于 --format csv（Excel）；其他格式是不带 BOM 的 UTF-8",
    },
    "e_spark_master": {"en": "--spark-master is for --engine spark", "zh": "--spark-master 只用于 --engine spark"},
    "e_not_spark": {
        "en": "{name} is not available with --engine spark yet; leave it out, or use --engine polars",
        "zh": "{name} 暂不支持 --engine spark；请去掉它，或用 --engine polars",
    },
    "e_by_partitions": {
        "en": "--by maps in memory; leave out --partitions",
        "zh": "--by 在内存中计算；请去掉 --partitions",
    },
    "e_customers_by": {
        "en": "--customers gives attributes for --by; add --by ATTRIBUTE (a column of the file)",
        "zh": "--customers 为 --by 提供属性；请加上 --by ATTRIBUTE（该文件的一列）",
    },
    "e_exclude_partitions": {
        "en": "--exclude-in-progress maps in memory; leave out --partitions",
        "zh": "--exclude-in-progress 在内存中计算；请去掉 --partitions",
    },
    "e_init_column": {
        "en": "--column, --encoding and --sheet are for --from EVENTS (drafting a model from data)",
        "zh": "--column、--encoding 和 --sheet 用于 --from EVENTS（根据数据起草模型）",
    },
    "e_init_which": {
        "en": "give a built-in model to copy ({names}) or --from EVENTS to draft one",
        "zh": "请给出要复制的内置模型（{names}），或用 --from EVENTS 起草一个",
    },
    "e_init_unknown": {
        "en": "no built-in model {name}; built-in models: {names}",
        "zh": "没有内置模型 {name}；内置模型有：{names}",
    },
    "e_exists": {
        "en": "{target}: exists; use --force to overwrite it or -o to choose another file",
        "zh": "{target}：已存在；用 --force 覆盖，或用 -o 另选文件",
    },
    "e_before_drop": {
        "en": "--before-drop and --to both choose where transitions go; give one of them",
        "zh": "--before-drop 与 --to 都指定转移的去向；请只给其中一个",
    },
    "e_png_dir": {
        "en": "--png-dir {png_dir}: no such folder; create it first",
        "zh": "--png-dir {png_dir}：文件夹不存在；请先创建",
    },
    "e_min_effect": {
        "en": "--min-effect {v}: expected a rate such as 2pp, 2% or 0.02, or csat=0.2, effort=0.3, nps=5 (not negative)",
        "zh": "--min-effect {v}：应为比率，如 2pp、2% 或 0.02，或 csat=0.2、effort=0.3、nps=5（不能为负）",
    },
    "enc_unknown": {"en": "--encoding: unknown encoding {encoding}", "zh": "--encoding：未知的编码 {encoding}"},
    "enc_unknown_hint": {"en": "use utf-8, gbk or gb18030", "zh": "请用 utf-8、gbk 或 gb18030"},
    "enc_not_text": {
        "en": "{path}: not UTF-8 or GBK text (is it a CSV file?)",
        "zh": "{path}：不是 UTF-8 或 GBK 文本（是 CSV 文件吗？）",
    },
    "enc_not_text_hint": {
        "en": "give the file's encoding with --encoding, or export it as CSV UTF-8",
        "zh": "请用 --encoding 指定文件编码，或另存为 CSV UTF-8",
    },
    "enc_bad_byte": {
        "en": "{src}: byte {at} is not valid {encoding}",
        "zh": "{src}：第 {at} 个字节不是有效的 {encoding}",
    },
    "enc_bad_byte_hint": {
        "en": "give the right encoding with --encoding (utf-8, gbk)",
        "zh": "请用 --encoding 指定正确的编码（utf-8、gbk）",
    },
    "enc_bad_csv": {
        "en": "{name}: line {line}: cannot read the CSV ({exc})",
        "zh": "{name} 第 {line} 行：无法读取 CSV（{exc}）",
    },
    "enc_bad_csv_hint": {
        "en": "fix that line; a value with a quote, comma or line break must be in double quotes",
        "zh": "请修正该行；含引号、逗号或换行的值必须放在双引号中",
    },
    "phase_spark_customers": {"en": "customers on Spark ({master})", "zh": "在 Spark 上生成客户表（{master}）"},
    "phase_report_analysing": {"en": "cjtool report: analysing", "zh": "cjtool report：分析中"},
    "phase_report_drawing": {"en": "cjtool report: drawing", "zh": "cjtool report：绘图中"},
    "phase_init_counting": {"en": "cjtool init: counting touchpoints", "zh": "cjtool init：统计接触点"},
    "mo_one_stage": {
        "en": "the model has one stage: there is no next stage to convert to",
        "zh": "模型只有一个阶段：没有可转化到的下一阶段",
    },
    "mo_none_met": {
        "en": "no touchpoint before the last stage was met by at least {min} customers (ranking.min_customers)",
        "zh": "最后阶段之前没有接触点被至少 {min} 位客户接触过（ranking.min_customers）",
    },
    "mo_pairs_left_out": {"en": "; {n} pairs left out", "zh": "；{n} 个接触点未计入"},
    "mo_few": {
        "en": "only {n} customers reached the first stage: no 2x2 table of {n} customers can give a Fisher p below "
        "{floor}",
        "zh": "只有 {n} 位客户到达首阶段：{n} 位客户的 2x2 表给不出低于 {floor} 的 Fisher p 值",
    },
    "mo_alpha": {"en": " (alpha {alpha})", "zh": "（显著性水平 {alpha}）"},
    "mo_none_significant": {
        "en": "no moment is significant at alpha {alpha} after Benjamini-Hochberg over {n} pairs (smallest adjusted "
        "p {best})",
        "zh": "经 Benjamini-Hochberg 校正（共 {n} 个接触点）后，没有关键时刻在显著性水平 {alpha} 下显著（最小校正 p 为 {best}）",
    },
    "mo_small_cells": {
        "en": "the {n} significant moment(s) rest on a cell of fewer than {min} customers",
        "zh": "{n} 个显著的关键时刻都依赖于少于 {min} 位客户的单元格",
    },
    "cu_attr_missing": {
        "en": "the model's segment attribute `{name}` is in no event column or customer file: left out",
        "zh": "模型的分群属性 `{name}` 不在任何事件列或客户文件中：未计入",
    },
    "jw_no_stage": {
        "en": "no event matches any stage of the model: check its touchpoints and match rules (cjtool validate)",
        "zh": "没有事件匹配模型的任何阶段：请检查各阶段的 touchpoints 和 match 规则（cjtool validate）",
    },
    "jw_starved": {
        "en": "stage `{sid}` gets no event: earlier stages claim every event at its touchpoints (an event goes to the "
        "first stage that matches); to give a repeated touchpoint to a later stage, list it as "
        '{{name: T, occurrence: N}} or {{name: T, occurrence: "N+"}}',
        "zh": "阶段 `{sid}` 没有事件：前面的阶段占用了它的接触点的所有事件（事件归入第一个匹配的阶段）；"
        '要把重复出现的接触点交给后面的阶段，请写成 `{{name: T, occurrence: N}}` 或 `{{name: T, occurrence: "N+"}}`',
    },
    "jw_ties": {
        "en": "{ties} of {steps} chain steps ({share}) have the same timestamp as the step before, and equal times "
        "count as in order either way; if the export has dates or minutes only, set `same_time: input_order` in the "
        "model to take the file's row order for them",
        "zh": "{steps} 个链步骤中有 {ties} 个（{share}）与前一步时间相同，相同时间按任意顺序都算有序；"
        "如果导出只有日期或精确到分钟，请在模型中设置 `same_time: input_order`，按文件的行顺序处理",
    },
    "e_no_files": {"en": "no event files given", "zh": "没有给出事件文件"},
    "e_no_files_hint": {
        "en": "pass one or more CSV/Parquet files, or - for stdin",
        "zh": "请给出一个或多个 CSV/Parquet 文件，或用 - 读取标准输入",
    },
    "e_stdin_twice": {
        "en": "- (standard input) is given more than once; it can be read only once",
        "zh": "-（标准输入）被给出了多次；它只能读取一次",
    },
    "e_parquet": {
        "en": "{name}: not a readable Parquet file ({why})",
        "zh": "{name}：不是可读的 Parquet 文件（{why}）",
    },
    "w_encoding_utf8": {
        "en": "{name}: --encoding {encoding} given, but the file reads as UTF-8; its non-ASCII text is probably garbled "
        "(leave --encoding out)",
        "zh": "{name}：给出了 --encoding {encoding}，但文件按 UTF-8 可读；其中的非 ASCII 文字可能已乱码（请去掉 --encoding）",
    },
    "e_not_utf8_gbk": {
        "en": "{name}: byte {at} is not valid UTF-8, and the file is not GBK either",
        "zh": "{name}：第 {at} 个字节不是有效的 UTF-8，文件也不是 GBK",
    },
    "e_give_encoding": {"en": "give the file's encoding with --encoding", "zh": "请用 --encoding 指定文件编码"},
    "e_empty_file": {
        "en": "{name}: the file is empty; expected a CSV header line",
        "zh": "{name}：文件为空；应有 CSV 表头行",
    },
    "e_binary": {"en": "{name}: a binary file, not CSV text", "zh": "{name}：是二进制文件，不是 CSV 文本"},
    "e_header": {"en": "{name}: line 1: cannot read the CSV header", "zh": "{name} 第 1 行：无法读取 CSV 表头"},
    "e_header_twice": {
        "en": "{name}: the header `{c}` appears twice; rename one of the columns",
        "zh": "{name}：表头 `{c}` 出现了两次；请重命名其中一列",
    },
    "e_no_column_gbk": {
        "en": "{name}: line 1: no `{header}` column, and the header is not valid UTF-8",
        "zh": "{name} 第 1 行：没有 `{header}` 列，且表头不是有效的 UTF-8",
    },
    "e_give_gbk": {"en": "give the file's encoding with --encoding gbk", "zh": "请用 --encoding gbk 指定文件编码"},
    "e_no_time_empty": {
        "en": "{where}: no timestamp could be read; every value of the timestamp column is empty",
        "zh": "{where}：读不出任何时间；时间列的值全部为空",
    },
    "e_no_time_empty_hint": {
        "en": "map the column with the event time with --column timestamp=HEADER",
        "zh": "请用 --column timestamp=HEADER 指定事件时间所在的列",
    },
    "e_no_time": {
        "en": "{where}: no timestamp could be read; the first is {first}, expected {expected}",
        "zh": "{where}：读不出任何时间；第一个值是 {first}，应为 {expected}",
    },
    "e_no_time_hint": {
        "en": "set `timestamp_format:` in the model or --timestamp-format (strftime, e.g. %d/%m/%Y %H:%M)",
        "zh": "请在模型中设置 `timestamp_format:` 或使用 --timestamp-format（strftime 格式，例如 %d/%m/%Y %H:%M）",
    },
    "hint_sep": {"en": "; ", "zh": "；"},
    "o_is_folder": {"en": "{name}: is a folder", "zh": "{name}：是文件夹"},
    "o_give_file": {"en": "give a file name", "zh": "请给出文件名"},
    "o_block": {"en": "a block device", "zh": "块设备"},
    "o_socket": {"en": "a socket", "zh": "套接字"},
    "o_special": {"en": "special", "zh": "特殊文件"},
    "o_not_file": {"en": "{name}: is {what}, not a file", "zh": "{name}：是{what}，不是文件"},
    "o_read_only": {"en": "{name}: is read-only", "zh": "{name}：是只读的"},
    "e_not_customers": {"en": "{x} is not a number of customers (0 or more)", "zh": "{x} 不是客户数（应为 0 或更大）"},
    "o_cannot_write": {"en": "{name}: cannot write (Permission denied)", "zh": "{name}：无法写入（权限不足）"},
    "o_folder_read_only": {"en": "the folder {folder} is read-only", "zh": "文件夹 {folder} 是只读的"},
    "note_scale_advice": {
        "en": "; the numbers run from {lo} to {hi}: if the scale is {min}..{max}, set {setting} in the model",
        "zh": "；该列数值从 {lo} 到 {hi}：如量表为 {min}..{max}，请在模型中设置 {setting}",
    },
    "o_read_only_hint": {"en": "make it writable or choose another file", "zh": "请把它改为可写，或另选文件"},
    "o_not_folder": {"en": "{name}: exists and is not a folder", "zh": "{name}：已存在且不是文件夹"},
    "o_give_folder": {"en": "give a folder name", "zh": "请给出文件夹名"},
    "o_cannot_mkdir": {"en": "{name}: cannot create the folder ({why})", "zh": "{name}：无法创建文件夹（{why}）"},
    "y_syntax": {"en": "{where}: YAML syntax error: {what}", "zh": "{where}：YAML 语法错误：{what}"},
    "y_deep": {"en": "{where}: YAML nesting is too deep", "zh": "{where}：YAML 嵌套太深"},
    "y_large": {
        "en": "{where}: the model is too large (over {n} YAML nodes)",
        "zh": "{where}：模型太大（超过 {n} 个 YAML 节点）",
    },
    "y_tag": {
        "en": "{where}: the YAML tag {tag} is not allowed in a model",
        "zh": "{where}：模型中不允许 YAML 标签 {tag}",
    },
    "y_merge": {
        "en": "{where}: keys must be plain names (merge keys `<<` are not supported)",
        "zh": "{where}：键必须是普通名称（不支持合并键 `<<`）",
    },
    "y_duplicate": {"en": "{where}: duplicate key `{key}`", "zh": "{where}：键 `{key}` 重复"},
    "m_unknown_lang": {"en": "unknown language `{lang}`; use {langs}", "zh": "未知的语言 `{lang}`；请用 {langs}"},
    "m_text_or_langs": {
        "en": "expected text or a mapping of languages such as {{en: Awareness, zh: 认知}}",
        "zh": "应为文字，或按语言分别写的映射，例如 {{en: Awareness, zh: 认知}}",
    },
    "m_name": {"en": "expected a non-empty name, got {got}", "zh": "应为非空名称，实际是 {got}"},
    "m_window": {
        "en": "{value} is not a window; use a positive number and a unit: 30d, 12h, 90m, 45s, 2w (m is minutes; write "
        "months as days)",
        "zh": "{value} 不是转化窗口；请写正数加单位：30d、12h、90m、45s、2w（m 是分钟；月份请写成天数）",
    },
    "m_empty_formats": {
        "en": "an empty list: give formats, or leave the key out",
        "zh": "列表为空：请给出格式，或删掉这个键",
    },
    "m_column_twice": {"en": "the column `{h}` is mapped to more than one role", "zh": "列 `{h}` 被指定给了多个角色"},
    "m_bad_id": {
        "en": "{sid} is not a valid id: use letters (any language), digits, `_`, `-` or `.`, no spaces",
        "zh": "{sid} 不是有效的 id：请用字母（任何语言）、数字、`_`、`-` 或 `.`，不要有空格",
    },
    "m_bad_regex": {
        "en": "invalid regular expression in stage `{sid}`: {err}",
        "zh": "阶段 `{sid}` 的正则表达式无效（正则引擎的原文：`{err}`）",
    },
    "m_empty_pattern": {
        "en": "an empty pattern matches every touchpoint (stage `{sid}`); remove it or write one",
        "zh": "空的匹配模式会匹配所有接触点（阶段 `{sid}`）；请删掉它或写一个模式",
    },
    "m_name_or_occurrence": {
        "en": "expected a non-empty name or {{name: T, occurrence: N}}, got {got}",
        "zh": "应为非空名称或 `{{name: T, occurrence: N}}`，实际是 {got}",
    },
    "m_occurrence_required": {
        "en": 'is required: N (the N-th event at the touchpoint) or "N+" (N-th or later)',
        "zh": '必须填写：N（该接触点的第 N 个事件）或 "N+"（第 N 个及以后）',
    },
    "m_occurrence": {
        "en": 'expected a whole number from 1 (e.g. 1) or "N+" (e.g. "2+"), got {got}',
        "zh": '应为从 1 起的整数（如 1）或 "N+"（如 "2+"），实际是 {got}',
    },
    "m_scale_limit": {
        "en": "scales are limited to -{x}..{x} (scores are summed exactly)",
        "zh": "量表范围限于 -{x}..{x}（评分按精确值求和）",
    },
    "m_weights_zero": {"en": "the weights must not both be 0", "zh": "两个权重不能都为 0"},
    "m_whole": {"en": "expected a whole number, got {got}", "zh": "应为整数，实际是 {got}"},
    "mo_opt_mode": {
        "en": "--mode: expected one of {choices}, got {got}",
        "zh": "--mode：应为 {choices} 之一，实际是 {got}",
    },
    "mo_opt_window": {
        "en": "--window: {value} is not a window; use a number and a unit: 30d, 12h, 90m, 45s, 2w (m is minutes; write "
        "months as days)",
        "zh": "--window：{value} 不是转化窗口；请写数字加单位：30d、12h、90m、45s、2w（m 是分钟；月份请写成天数）",
    },
    "mo_opt_role": {
        "en": "--column: unknown role {role}{suggest}; roles are {roles}",
        "zh": "--column：未知的角色 {role}{suggest}；可用的角色：{roles}",
    },
    "mo_opt_same_time": {
        "en": "--same-time: expected one of {choices}, got {got}",
        "zh": "--same-time：应为 {choices} 之一，实际是 {got}",
    },
    "mo_opt_until": {
        "en": "--until {until} is not after --since {since}",
        "zh": "--until {until} 不晚于 --since {since}",
    },
    "mo_opt_date": {
        "en": "{option} {text}: expected a date (2026-03-01) or a date and time (2026-03-01T10:00)",
        "zh": "{option} {text}：应为日期（2026-03-01）或日期加时间（2026-03-01T10:00）",
    },
    "mf_folder": {
        "en": "{spec}: is a folder; give the model's YAML file",
        "zh": "{spec}：是文件夹；请给出模型的 YAML 文件",
    },
    "mf_no_file": {"en": "{spec}: no such model file", "zh": "{spec}：模型文件不存在"},
    "mf_no_file_hint": {
        "en": "give a YAML path or a built-in name (`cjtool models`)",
        "zh": "请给出 YAML 路径或内置模型名（`cjtool models`）",
    },
    "mf_unknown": {
        "en": "{spec}: not a model file or a built-in model{suggest}",
        "zh": "{spec}：既不是模型文件也不是内置模型{suggest}",
    },
    "mf_builtins": {"en": "built-in models: {names}", "zh": "内置模型：{names}"},
    "mf_not_utf8": {
        "en": "{source}: the model is not UTF-8 text; save it as UTF-8",
        "zh": "{source}：模型不是 UTF-8 文本；请另存为 UTF-8",
    },
    "mf_empty": {
        "en": "{source}: the model is empty; it needs at least `stages:`",
        "zh": "{source}：模型为空；至少需要 `stages:`",
    },
    "mf_csv": {
        "en": "{source}: this looks like CSV data, not a journey model",
        "zh": "{source}：这看起来是 CSV 数据，不是旅程模型",
    },
    "mf_csv_hint": {
        "en": "the model goes after --model; the events file is an argument",
        "zh": "模型写在 --model 之后；事件文件作为参数给出",
    },
    "sg_no_file": {"en": "{name}: no such customer file", "zh": "{name}：客户文件不存在"},
    "sg_unreadable": {"en": "{name}: cannot read the customer file ({why})", "zh": "{name}：无法读取客户文件（{why}）"},
    "sg_no_id": {
        "en": "{name}: no `{header}` column for the customer id; found: {found}",
        "zh": "{name}：没有客户 ID 列 `{header}`；文件中的列：{found}",
    },
    "sg_no_id_hint": {
        "en": "the customer file needs the id column the events use",
        "zh": "客户文件需要与事件相同的 ID 列",
    },
    "sg_dup": {
        "en": "{name}: customer `{first}` is listed {n} times ({ids} ids listed more than once)",
        "zh": "{name}：客户 `{first}` 出现了 {n} 次（共 {ids} 个 ID 重复出现）",
    },
    "sg_dup_hint": {"en": "keep one row per customer", "zh": "每位客户只保留一行"},
    "sg_limit": {"en": "--segments {limit}: keep at least 2 segments", "zh": "--segments {limit}：至少保留 2 个分群"},
    "g_last_stage": {
        "en": "gate max_drop_off {target}: the last stage has no next stage to drop off to; gate a touchpoint of it "
        "instead",
        "zh": "门禁 max_drop_off {target}：最后阶段没有下一阶段可流失；请改为对它的某个接触点设门禁",
    },
    "g_not_stage": {
        "en": "gate min_conversion {target}: not a stage id; stages: {stages}",
        "zh": "门禁 min_conversion {target}：不是阶段 id；阶段有：{stages}",
    },
    "g_unknown": {
        "en": "gate {kind} {target}: neither a stage id nor a touchpoint of the model or the data; {hint}stages: {stages}",
        "zh": "门禁 {kind} {target}：既不是阶段 id，也不是模型或数据中的接触点；{hint}阶段有：{stages}",
    },
    "cu_status": {
        "en": "--status {value}: not a status; use {statuses}",
        "zh": "--status {value}：没有这种状态；请用 {statuses}",
    },
    "cu_stage": {
        "en": "--stage {value}: not a stage of the model; stages: {stages}",
        "zh": "--stage {value}：不是模型的阶段；阶段有：{stages}",
    },
    "e_cmp_needs": {
        "en": "compare needs --by ATTRIBUTE with --baseline VALUE, or --split DATE",
        "zh": "compare 需要 --by ATTRIBUTE 加 --baseline VALUE，或 --split DATE",
    },
    "e_cmp_one_side": {
        "en": "`{name}`: every customer compared has the value {baseline}; there is no other side to compare",
        "zh": "`{name}`：参与比较的客户取值都是 {baseline}；没有另一组可比",
    },
    "e_png_how": {"en": "pictures are drawn with --png {output}; ", "zh": "图表请用 --png {output} 绘制；"},
    "e_o_pictures": {
        "en": "-o {output}: {how}-o writes {names}, not pictures",
        "zh": "-o {output}：{how}-o 只写 {names}，不写图表",
    },
    "m_timezone": {
        "en": "unknown time zone {name}{suggest}; use an IANA name such as Asia/Shanghai",
        "zh": "未知的时区 {name}{suggest}；请用 IANA 名称，例如 Asia/Shanghai",
    },
    "e_picture_type": {
        "en": "{path}: unsupported picture type; use .png, .svg or .pdf",
        "zh": "{path}：不支持的图片类型；请用 .png、.svg 或 .pdf",
    },
    "e_time_type": {
        "en": "{name}: the timestamp column `{column}` holds {type} values, not dates or date-times",
        "zh": "{name}：时间列 `{column}` 的值是 {type} 类型，不是日期或日期时间",
    },
    "e_time_type_hint": {
        "en": "map the column with the event time (a datetime, a date, ISO 8601 text or epoch numbers) with --column "
        "timestamp=HEADER",
        "zh": "请用 --column timestamp=HEADER 指定事件时间所在的列（日期时间、日期、ISO 8601 文本或 Unix 时间戳）",
    },
    "e_stdin_parts": {"en": "- (standard input) cannot be read in parts", "zh": "-（标准输入）不能分份读取"},
    "e_stdin_parts_hint": {"en": "save it to a file, or drop --partitions", "zh": "请先存成文件，或去掉 --partitions"},
    "cmp_w_mode": {
        "en": "the baseline was mapped with another mode or window: differences may come from that",
        "zh": "基准使用了不同的模式或转化窗口：差异可能由此而来",
    },
    # --- helper zh2: error messages and warnings that were English literals (one block) ---
    "zl_opt_problem": {"en": "{option}: {problem}", "zh": "{option}：{problem}"},
    "zl_invalid_model": {"en": "invalid model", "zh": "模型无效"},
    "zl_where_what": {"en": "{where}: {what}", "zh": "{where}：{what}"},
    "zl_time_both": {
        "en": "`timestamp` and `date` are both mapped; map `timestamp` to the one column with the date "
        "and time, or `date` (and `time`) to the two columns that hold them, not both",
        "zh": "`timestamp` 和 `date` 都指定了列；请把 `timestamp` 指定给同时含日期和时间的那一列，"
        "或把 `date`（和 `time`）指定给分别存放它们的两列，不要两者都指定",
    },
    "zl_time_needs_date": {
        "en": "`time` needs `date`: map `date` to the column with the day (or map one column with both as `timestamp`)",
        "zh": "`time` 需要 `date`：请把 `date` 指定给存放日期的列（或把同时含日期和时间的一列指定为 `timestamp`）",
    },
    "zl_sheet_blank": {
        "en": "--sheet: give a sheet's name or its number (1 is the first)",
        "zh": "--sheet：请给出工作表名称或序号（1 为第一个）",
    },
    "zl_sheet_csv": {
        "en": "{name}: --sheet is for Excel workbooks; this CSV file is read as it is",
        "zh": "{name}：--sheet 只用于 Excel 工作簿；此 CSV 文件按原样读取",
    },
    "zl_read_gbk": {
        "en": "{name}: read as GBK (GB18030): its first non-UTF-8 byte is at byte {at}",
        "zh": "{name}：已按 GBK（GB18030）读取：第一个非 UTF-8 字节位于第 {at} 字节",
    },
    "zl_field_count": {
        "en": "{src}: {n} row{s} with a different number of fields than the header (line {lines}); {short} short: "
        "their missing fields are read as empty",
        "zh": "{src}：{n} 行的字段数与表头不同（第 {lines} 行）；其中 {short} 行字段不足：缺少的字段按空值读取",
    },
    "zl_bad_utf8": {"en": "{where}: invalid UTF-8 text ({why})", "zh": "{where}：无效的 UTF-8 文本（{why}）"},
    "zl_bad_utf8_hint": {
        "en": "give the file's encoding with --encoding gbk (or utf-8)",
        "zh": "请用 --encoding gbk（或 utf-8）指定文件编码",
    },
    "zl_long_row": {
        "en": "{name}: line {line}: {n} fields, but the header has {expected}",
        "zh": "{name} 第 {line} 行：有 {n} 个字段，但表头只有 {expected} 个",
    },
    "zl_more_fields": {
        "en": "{where}: a row has more fields than the header ({why})",
        "zh": "{where}：有一行的字段比表头多（{why}）",
    },
    "zl_fix_row_hint": {
        "en": "fix that row; a value containing a comma must be in double quotes",
        "zh": "请修正该行；含逗号的值须放在双引号中",
    },
    "zl_cannot_read": {"en": "{where}: cannot read the events ({why})", "zh": "{where}：无法读取事件（{why}）"},
    "zl_yaml_error": {"en": "{source}: YAML error: {what}", "zh": "{source}：YAML 错误：{what}"},
    "zl_yaml_node": {"en": "{at}: unsupported YAML node", "zh": "{at}：不支持的 YAML 节点"},
    "zl_draft_no_tp_column": {"en": "no `{tp}` column", "zh": "没有 `{tp}` 列"},
    "zl_draft_no_tp": {
        "en": "no column recognised as the touchpoint (行为, 事件, event ...)",
        "zh": "没有可识别为接触点的列（行为、事件、event ...）",
    },
    "zl_draft_hint": {
        "en": "name it with --column touchpoint=HEADER (and customer_id=, timestamp= likewise)",
        "zh": "请用 --column touchpoint=HEADER 指定它（customer_id=、timestamp= 同理）",
    },
    "zl_customer_folder": {"en": "{name}: is a folder, not a customer file", "zh": "{name}：是文件夹，不是客户文件"},
    "zl_customer_folder_hint": {
        "en": "give the customer file (CSV or Parquet)",
        "zh": "请给出客户文件（CSV 或 Parquet）",
    },
    "zl_by_blank": {
        "en": "--by {name}: the event column `{name}` is blank in every event: there is nothing to segment by",
        "zh": "--by {name}：事件列 `{name}` 在所有事件中都为空：无法据此分群",
    },
    "zl_by_blank_hint": {
        "en": "fill it in the export, or choose another attribute",
        "zh": "请在导出数据中填上它，或选择另一个属性",
    },
    "zl_ab_arms": {
        "en": "--by {name}: {n} values, and an A/B test compares at most {most} arms",
        "zh": "--by {name}：有 {n} 个取值，而 A/B 测试最多比较 {most} 组",
    },
    "zl_ab_arms_hint": {
        "en": "if `{name}` is not an experiment's arm, compare it as segments (--segments): "
        "the values with fewest customers are then pooled into {other}",
        "zh": "如果 `{name}` 不是实验分组，请按分群比较（--segments）：客户最少的取值将合并为 {other}",
    },
    "zl_paths_unknown": {
        "en": "{option} {name}: no stage id or touchpoint of the run has that name; give a stage id of "
        "model {model} or a touchpoint listed by `cjtool paths`",
        "zh": "{option} {name}：本次数据中没有叫这个名称的阶段 id 或接触点；请给出模型 {model} 的阶段 id，"
        "或 `cjtool paths` 列出的接触点",
    },
    "zl_strict_baseline_file": {
        "en": "--strict-baseline goes with --baseline FILE (regression gates against a stored map)",
        "zh": "--strict-baseline 须与 --baseline FILE 一起使用（对照已保存的旅程地图运行回归门禁）",
    },
    "zl_value_spark": {
        "en": "--value needs the whole run in one place: use --engine polars",
        "zh": "--value 需要在一处计算全部数据：请用 --engine polars",
    },
    "zl_png_dir_file": {
        "en": "--png-dir {path}: a file of that name is in the way; give a folder",
        "zh": "--png-dir {path}：已有同名文件；请给出文件夹",
    },
    "zl_png_dir_mkdir": {
        "en": "--png-dir {folder}: cannot make the folder ({why})",
        "zh": "--png-dir {folder}：无法创建文件夹（{why}）",
    },
    "zl_baseline_needs_by": {
        "en": "--baseline is for --by: name the attribute whose segments to compare",
        "zh": "--baseline 用于 --by：请指定要比较其分群的属性",
    },
    "zl_unit": {"en": "--unit {unit}: use day or week", "zh": "--unit {unit}：请用 day 或 week"},
    "zl_horizon": {
        "en": "--horizon {text}: expected a positive duration such as 39w or 90d",
        "zh": "--horizon {text}：应为正的时长，例如 39w 或 90d",
    },
    "zl_until_date": {
        "en": "--until {text}: expected a date (1997-09-30); its whole day is calibration data",
        "zh": "--until {text}：应为日期（1997-09-30）；当天全天都属于校准期数据",
    },
    "zl_until_early": {
        "en": "--until {until}: before the first transaction ({start}); give a later date",
        "zh": "--until {until}：早于第一笔交易（{start}）；请给出更晚的日期",
    },
    "zl_discount": {
        "en": "--discount {x}: expected a rate of 0 or more a year, e.g. 0.1",
        "zh": "--discount {x}：应为不小于 0 的年折现率，例如 0.1",
    },
    "zl_purchase": {
        "en": "--purchase {names}: no event has this touchpoint",
        "zh": "--purchase {names}：没有事件属于这个接触点",
    },
    "zl_purchase_hint": {
        "en": "give a touchpoint of the events (cjtool map lists them)",
        "zh": "请给出事件中的接触点（cjtool map 会列出它们）",
    },
    "zl_no_transactions": {
        "en": "no transactions: no event is a purchase",
        "zh": "没有交易：没有任何事件是购买",
    },
    "zl_no_transactions_hint": {
        "en": "name the purchase touchpoints with --purchase, or give the events a revenue column",
        "zh": "请用 --purchase 指定购买接触点，或为事件提供收入列",
    },
    "zl_bg_few": {
        "en": "BG/NBD cannot be identified from {n} customer{s} with a transaction up to {until} "
        "(at least {least} needed)",
        "zh": "截至 {until} 有交易的客户只有 {n} 位，无法识别 BG/NBD 模型（至少需要 {least} 位）",
    },
    "zl_bg_few_hint": {"en": "give more data or a later --until", "zh": "请提供更多数据，或给出更晚的 --until"},
    "zl_bg_no_repeat": {
        "en": "BG/NBD cannot be identified: none of the {n} customers made a repeat transaction "
        "(on a later day) up to {until}",
        "zh": "无法识别 BG/NBD 模型：截至 {until}，{n} 位客户中没有人（在之后的某天）复购",
    },
    "zl_bg_no_repeat_hint": {
        "en": "give a longer calibration period (a later --until) or check --purchase",
        "zh": "请给出更长的校准期（更晚的 --until），或检查 --purchase",
    },
    "zl_bg_no_maximum": {
        "en": "BG/NBD cannot be identified from these data: the likelihood has no finite maximum ({params})",
        "zh": "无法从这些数据识别 BG/NBD 模型：似然函数没有有限的最大值（{params}）",
    },
    "zl_non_finite": {
        "en": "the fitted model gives non-finite predictions: the data cannot identify it",
        "zh": "拟合出的模型给出了非有限的预测值：数据无法识别该模型",
    },
    "zl_more_customers_hint": {
        "en": "give more customers or a longer calibration period",
        "zh": "请提供更多客户或更长的校准期",
    },
    "zl_baseline_value": {
        "en": "--baseline {baseline}: not a value of {by}; values: {values}",
        "zh": "--baseline {baseline}：不是 {by} 的取值；现有取值：{values}",
    },
    "zl_spark_failed": {"en": "the Spark job failed: {why}", "zh": "Spark 作业失败：{why}"},
    "zl_spark_failed_hint": {"en": "see Spark's log above for the cause", "zh": "原因请见上方的 Spark 日志"},
    "zl_spark_missing": {
        "en": "--engine spark needs pyspark, which is not installed",
        "zh": "--engine spark 需要 pyspark，但它没有安装",
    },
    "zl_spark_install": {
        "en": 'pip install "cjtool[spark]" (pyspark 4, with Java 17 or later)',
        "zh": 'pip install "cjtool[spark]"（pyspark 4，需 Java 17 或更高版本）',
    },
    "zl_spark_java": {
        "en": "--engine spark needs Java (17 or later): no `java` on PATH and no JAVA_HOME",
        "zh": "--engine spark 需要 Java（17 或更高版本）：PATH 中没有 `java`，也没有设置 JAVA_HOME",
    },
    "zl_spark_java_hint": {
        "en": "install a JDK (e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME",
        "zh": "请安装 JDK（例如 apt install openjdk-17-jre-headless）或设置 JAVA_HOME",
    },
    "zl_spark_start": {"en": "cannot start Spark ({master}): {why}", "zh": "无法启动 Spark（{master}）：{why}"},
    "zl_spark_excel": {
        "en": "{src}: --engine spark reads CSV and Parquet, not Excel workbooks",
        "zh": "{src}：--engine spark 只读取 CSV 和 Parquet，不读取 Excel 工作簿",
    },
    "zl_spark_excel_hint": {
        "en": "map a workbook without --engine spark (it fits in memory; --partitions works), or save the sheet as CSV",
        "zh": "请不用 --engine spark 处理工作簿（它能放进内存；可用 --partitions），或把工作表另存为 CSV",
    },
    "zl_no_event_files": {"en": "no event files given", "zh": "没有给出事件文件"},
    "zl_no_event_files_hint": {
        "en": "pass one or more CSV/Parquet files, paths or globs",
        "zh": "请给出一个或多个 CSV/Parquet 文件、路径或通配符",
    },
    "zl_spark_stdin": {
        "en": "- (standard input) cannot be read by Spark",
        "zh": "-（标准输入）不能由 Spark 读取",
    },
    "zl_spark_stdin_hint": {
        "en": "save it to a file, or drop --engine spark",
        "zh": "请先存成文件，或去掉 --engine spark",
    },
    "zl_no_timestamp": {
        "en": "{name}: no timestamp could be read in any row",
        "zh": "{name}：没有任何一行能读出时间",
    },
    "zl_no_timestamp_hint": {
        "en": "set `timestamp_format:` in the model or --timestamp-format, or map the column "
        "with --column timestamp=HEADER",
        "zh": "请在模型中设置 `timestamp_format:` 或使用 --timestamp-format，或用 --column timestamp=HEADER 指定时间列",
    },
    "zl_spark_not_local": {
        "en": "{out}: the customer table is written by each task to a folder of the file system "
        "(local, or a mount every executor shares)",
        "zh": "{out}：客户表由每个任务写入文件系统中的文件夹（本地，或所有 executor 共享的挂载点）",
    },
    "zl_spark_not_local_hint": {
        "en": "give a path such as /mnt/shared/customers, or /dbfs/... on Databricks",
        "zh": "请给出路径，例如 /mnt/shared/customers，在 Databricks 上用 /dbfs/...",
    },
    "zl_spark_exists": {
        "en": "{out}: exists and is not an empty folder or one cjtool wrote",
        "zh": "{out}：已存在，且既不是空文件夹，也不是 cjtool 写的文件夹",
    },
    "zl_spark_exists_hint": {
        "en": "give a new folder name, or remove it",
        "zh": "请给一个新的文件夹名，或删除它",
    },
    "zl_spark_others": {
        "en": "{out}: holds files cjtool did not write ({first}{more}); replacing the folder would delete them",
        "zh": "{out}：含有不是 cjtool 写的文件（{first}{more}）；替换该文件夹会删除它们",
    },
    "zl_spark_others_hint": {
        "en": "move them out, or give a new folder name",
        "zh": "请把它们移走，或给一个新的文件夹名",
    },
    "zl_target_rate": {
        "en": "expected a drop-off rate from 0 to 1 (0.2 or 20%), got {got}",
        "zh": "应为 0 到 1 之间的流失率（0.2 或 20%），实际是 {got}",
    },
    "zl_gate_not_stage": {
        "en": "`{target}` is not a stage id{hint}; stages: {stages}",
        "zh": "`{target}` 不是阶段 id{hint}；阶段有：{stages}",
    },
    "zl_gate_last_stage": {
        "en": "the last stage has no next stage to drop off to; gate a touchpoint of it instead",
        "zh": "最后阶段没有下一阶段可流失；请改为对它的某个接触点设门禁",
    },
    "zl_yaml_alias": {
        "en": "YAML aliases (*{anchor}) are not allowed; write the value out",
        "zh": "不允许使用 YAML 别名（*{anchor}）；请把值完整写出",
    },
    "zl_cmp_pooled": {
        "en": "`{by}` has {n} values besides {baseline}: the {kept} with most customers are compared with it, "
        "the other {pooled} pooled into {other}",
        "zh": "`{by}` 除 {baseline} 外有 {n} 个取值：客户最多的 {kept} 个与它比较，其余 {pooled} 个合并为 {other}",
    },
}


# issue 21 (hostile): tests a baseline could not run, and --strict-baseline
_T |= {
    "gap_scores": {
        "en": "{n} {name} tests could not run: the baseline has no {name} answers where this data has some "
        "(first: {first}); was it exported without that column?",
        "zh": "{n} 项 {name} 检验无法进行：基线在本数据有 {name} 回答的位置没有回答（首个：{first}）；基线导出时是否缺少该列？",
    },
    "gap_scores_one": {
        "en": "1 {name} test could not run: the baseline has no {name} answers where this data has some "
        "(first: {first}); was it exported without that column?",
        "zh": "1 项 {name} 检验无法进行：基线在本数据有 {name} 回答的位置没有回答（{first}）；基线导出时是否缺少该列？",
    },
    "gap_touchpoints": {
        "en": "{n} touchpoints of this data are not in the baseline, so their tests could not run "
        "(first: {first}); was the baseline a narrower export?",
        "zh": "本数据有 {n} 个接触点不在基线中，其检验无法进行（首个：{first}）；基线是否为范围更窄的导出？",
    },
    "gap_touchpoints_one": {
        "en": "1 touchpoint of this data is not in the baseline, so its tests could not run "
        "({first}); was the baseline a narrower export?",
        "zh": "本数据有 1 个接触点不在基线中，其检验无法进行（{first}）；基线是否为范围更窄的导出？",
    },
    "gates_not_run": {"en": "Not run against the baseline", "zh": "未能对照基线检验"},
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
    """A segment or channel value as displayed: `(none)` (a blank) and `(other)` (pooled)
    in the language; JSON and CSV keep the literal names."""
    return t("none_value", lang) if value == "(none)" else t("step_other", lang) if value == "(other)" else value


def fmt_pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def fmt_int(x: int | None) -> str:
    return "—" if x is None else f"{x:,}"


def fmt_amount(x: float | None, digits: int = 2) -> str:
    """A sum of money as people read it: thousands separated (360,624.50)."""
    return "—" if x is None else f"{x:,.{digits}f}"


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


@contextmanager
def model_language(model_lang: str | None) -> Iterator[None]:
    """Messages about a model worded in its own `lang:` (unless --lang or CJTOOL_LANG chose
    the run's language): a model that fails to load is told in the language it declares.
    The run's language is given back when the block ends, and kept when it raises, so
    the error line around the model's problems is worded in it too."""
    if model_lang not in LANGUAGES:
        yield
        return
    saved = dict(_current)
    set_lang(None, model_lang)
    yield
    _current.update(saved)


def current_lang() -> str:
    """The run's language, for messages worded far from any option (errors, warnings)."""
    return str(_current["lang"])


def reset_lang() -> None:
    """Forget the run's language (each CLI invocation starts afresh)."""
    _current.update(lang="en", chosen=False)


def say(key: str, /, **fields: object) -> str:
    """The catalogue's ``key`` in the run's language, filled with ``fields``: for messages
    worded far from any option (errors and warnings of the reader, the model, analyses)."""
    return t(key, current_lang()).format(**fields)
