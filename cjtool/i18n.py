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


def fmt_duration(seconds: float | None) -> str:
    """Human units: `45 s`, `12.5 min`, `3.2 h`, `4.1 d`; an em dash for none."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def fmt_pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def fmt_int(x: int | None) -> str:
    return "—" if x is None else f"{x:,}"


def fmt_amount(x: float | None, digits: int = 2) -> str:
    """A sum of money as people read it: thousands separated (360,624.50)."""
    return "—" if x is None else f"{x:,.{digits}f}"
