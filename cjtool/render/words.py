"""Texts of the pictures and the report that only the renderers use (English and Chinese).

Kept next to the renderers rather than in ``cjtool.i18n`` so report wording can change
without touching the shared table; ``w`` falls back to ``cjtool.i18n.t`` for shared keys."""

from __future__ import annotations

from cjtool.i18n import t

WORDS: dict[str, dict[str, str]] = {
    # the summary a reader sees first
    "sum_entered": {
        "en": "{entered} customers entered the journey; {completed} ({share}) completed it.",
        "zh": "{entered} 位客户进入旅程，{completed} 位（{share}）走完旅程。",
    },
    "sum_worst": {
        "en": "The biggest loss is {a} → {b}: {lost} of {n} customers ({share}) did not continue.",
        "zh": "流失最大的一步是 {a} → {b}：{n} 位客户中有 {lost} 位（{share}）没有继续。",
    },
    "sum_pains": {"en": "Top pain points: {items}.", "zh": "主要痛点：{items}。"},
    "sum_pain": {"en": "#{rank} {name} ({stage}, {facts})", "zh": "#{rank} {name}（{stage}，{facts}）"},
    "sum_drop": {"en": "{pct} drop-off", "zh": "流失率 {pct}"},
    "sum_sep": {"en": ", ", "zh": "，"},
    "sum_list_sep": {"en": "; ", "zh": "；"},
    "sum_gates": {"en": "Gates: {passed} of {n} passed", "zh": "质量门禁：{n} 项中 {passed} 项通过"},
    "sum_failed": {"en": "; failed: {items}", "zh": "；未通过：{items}"},
    # the report page
    "rep_summary": {"en": "Summary", "zh": "概览"},
    "rep_pictures": {"en": "Pictures", "zh": "图表"},
    "rep_tables": {"en": "Tables", "zh": "数据表"},
    "rep_legend": {"en": "Abbreviations", "zh": "缩写说明"},
    "rep_source": {"en": "Data and method", "zh": "数据与方法"},
    "rep_files": {"en": "Data", "zh": "数据"},
    "rep_period": {"en": "Period", "zh": "时间范围"},
    "rep_model": {"en": "Model", "zh": "模型"},
    "rep_command": {"en": "Command", "zh": "命令"},
    "rep_made_by": {"en": "Made by", "zh": "生成工具"},
    "rep_open_full": {"en": "open full size", "zh": "查看原图"},
    "rep_more": {"en": "… {n} more (use --top to list more)", "zh": "…… 另有 {n} 个（用 --top 列出更多）"},
    "rep_pictures_md": {
        "en": "Pictures (in the report folder, not embedded here): {names}",
        "zh": "图表（在报告文件夹中，此处不嵌入）：{names}",
    },
    "rep_no_matrix": {
        "en": "No priority matrix: the data has no satisfaction scores, so priority is the drop-off rate alone "
        "(see the pain-point table).",
        "zh": "没有优先级矩阵：数据中没有满意度评分，优先级即流失率（见痛点表）。",
    },
    "rep_no_mermaid": {
        "en": "No Mermaid journey: the data has no satisfaction scores, and its faces would be made up.",
        "zh": "没有 Mermaid 旅程图：数据中没有满意度评分，图中的表情将无从依据。",
    },
    "mermaid_no_scores": {"en": "no scores · {n} customers", "zh": "无评分 · {n} 位客户"},
    "alt_map": {
        "en": "Journey map of {title}: customers per stage {counts}; biggest loss {worst}.",
        "zh": "{title}的客户旅程地图：各阶段客户数 {counts}；流失最大的一步 {worst}。",
    },
    "alt_map_scores": {"en": " Emotion curve: stage CSAT {csat}.", "zh": "情绪曲线：阶段满意度 {csat}。"},
    "alt_matrix": {
        "en": "Priority matrix: touchpoints by drop-off rate and satisfaction; fix first: {items}.",
        "zh": "优先级矩阵：按流失率与满意度排列的接触点；优先改进：{items}。",
    },
    "alt_funnel": {"en": "Funnel: {counts}.", "zh": "漏斗：{counts}。"},
    "legend": {
        "en": "CSAT: customer satisfaction, mean score on the model's scale ({lo}–{hi})|"
        "NPS: Net Promoter Score, % promoters − % detractors (−100 to 100)|"
        "CES: customer effort score, mean (lower is easier)|"
        "Conv.: share of the previous stage's customers who reached this stage|"
        "From 1st: share of the first stage's customers who reached this stage|"
        "Drop: share of a touchpoint's customers whose journey ended there|"
        "Prio.: priority = ({wd}·drop-off rate + {ws}·dissatisfaction) / {wsum}; the drop-off rate alone "
        "without scores|★: moment of truth",
        "zh": "满意度：客户满意度（CSAT），模型量表（{lo}–{hi}）上的平均分|"
        "NPS：净推荐值，推荐者占比 − 贬损者占比（−100 至 100）|"
        "费力度：客户费力度（CES）平均分，越低越省力|"
        "转化率：上一阶段客户中到达本阶段的比例|"
        "累计转化：首阶段客户中到达本阶段的比例|"
        "流失率：接触点客户中旅程在此结束的比例|"
        "优先级：({wd}·流失率 + {ws}·不满意度) / {wsum}；无评分时即流失率|★：关键时刻",
    },
    "measured_note": {
        "en": "◆ measured key moment: conversion gap, pts",
        "zh": "◆ 实测关键时刻：转化率差（百分点）",
    },
    "pain_rule_no_scores": {"en": "pain points (red): top 3 by drop-off rate", "zh": "痛点（红色）：流失率前三"},
    "no_emotion_curve": {
        "en": "no satisfaction scores in the data, so no emotion curve",
        "zh": "数据中没有满意度评分，因此没有情绪曲线",
    },
    "matrix_line_note": {
        "en": "bubble size = customers · dashed line = median priority {p}; priority = "
        "({wd}·drop-off rate + {ws}·dissatisfaction) / {wsum}, higher towards the shaded corner",
        "zh": "气泡大小 = 客户数 · 虚线 = 优先级中位数 {p}；优先级 = ({wd}·流失率 + {ws}·不满意度) / {wsum}，"
        "越靠近阴影一角越高",
    },
    "matrix_no_scores": {
        "en": "no satisfaction scores: priority is the drop-off rate alone (see the pain-point table)",
        "zh": "无满意度评分：优先级即流失率（见痛点表）",
    },
    "matrix_none_scored": {"en": "{n} ranked touchpoints, none with scores", "zh": "{n} 个已排名接触点，均无评分"},
    "no_scores_journey": {
        "en": "No satisfaction scores in the data: the map shows reach and drop-off only.",
        "zh": "数据中没有满意度评分：旅程图只显示到达与流失。",
    },
}


def w(key: str, lang: str = "en", **kw: object) -> str:
    entry = WORDS.get(key)
    text = (entry.get(lang) or entry["en"]) if entry else t(key, lang)
    return text.format(**kw) if kw else text
