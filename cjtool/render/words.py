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
        "en": "◆ key moment: conversion gap of satisfied vs dissatisfied customers (CSAT) or of those who met it",
        "zh": "◆ 关键时刻：满意与不满意客户（满意度）或接触与未接触客户的转化率差",
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
    # the decision (cjtool.render.decision: SPEC 17 opportunities, SPEC 13 v2 key moments)
    "fix_title": {"en": "Fix first", "zh": "优先改进"},
    "fix_stage": {"en": " ({stage}): ", "zh": "（{stage}）："},
    "aside": {"en": " ({text})", "zh": "（{text}）"},
    "fix_problem": {
        "en": "{rate} drop-off against {bench} {source}",
        "zh": "流失率 {rate}，{source} {bench}",
    },
    "fix_median": {"en": "(the stage's median)", "zh": "本阶段中位数"},
    "fix_target": {"en": "(its target)", "zh": "目标值"},
    "fix_csat": {"en": ", CSAT {csat}", "zh": "，满意度 {csat}"},
    "fix_stake": {
        "en": "{customers} customers and {completions} completions at stake",
        "zh": "可挽回 {customers} 位客户，约 {completions} 位走完旅程",
    },
    "fix_revenue": {"en": ", revenue {revenue}", "zh": "，收入 {revenue}"},
    "fix_clv": {"en": ", predicted CLV {revenue}", "zh": "，预测客户终身价值 {revenue}"},
    "fix_line": {
        "en": "{n}. {touchpoint}{stage}{problem}; {stake}",
        "zh": "{n}. {touchpoint}{stage}{problem}；{stake}",
    },
    "fix_sep": {"en": "; ", "zh": "；"},
    "fix_none": {
        "en": "Fix first: no touchpoint loses more customers than its stage's median (or its target).",
        "zh": "优先改进：没有接触点的流失高于本阶段中位数（或其目标值）。",
    },
    "assumption": {
        "en": "Estimates, not observed counts: customers a touchpoint would keep at the benchmark drop-off are "
        "assumed to go on as those who reached the next stage did.",
        "zh": "以上为估算而非实际计数：假设在基准流失率下留住的客户，会像已进入下一阶段的客户一样继续前进。",
    },
    "forward": {
        "en": "Fix {touchpoint} ({stage}) first: {rate} of its customers leave there against {bench} {source}; "
        "bringing it to that level would keep about {customers} more customers going to {next}, worth about "
        "{completions} more completed journeys{revenue} (estimates).",
        "zh": "优先改进{stage}阶段的 {touchpoint}：{rate} 的客户在此离开，{source}为 {bench}；"
        "降到该水平约可多留住 {customers} 位客户进入{next}，约多 {completions} 位客户走完旅程{revenue}（估算）。",
    },
    "forward_median": {"en": "for the stage's typical touchpoint", "zh": "本阶段中位数"},
    "forward_target": {"en": "for its target", "zh": "目标值"},
    "forward_revenue": {"en": " and {revenue} in revenue", "zh": "，收入约 {revenue}"},
    "forward_clv": {"en": " and {revenue} in predicted lifetime value", "zh": "，预测客户终身价值约 {revenue}"},
    "key_satisfaction": {
        "en": "◆ {stage}: satisfied customers at {touchpoint} convert {gap} more than dissatisfied ones",
        "zh": "◆ {stage}：{touchpoint} 满意的客户比不满意的客户转化率高 {gap}",
    },
    "key_satisfaction_less": {
        "en": "◆ {stage}: satisfied customers at {touchpoint} convert {gap} less than dissatisfied ones",
        "zh": "◆ {stage}：{touchpoint} 满意的客户比不满意的客户转化率低 {gap}",
    },
    "key_exposure": {
        "en": "◆ {stage}: customers who met {touchpoint} convert {gap} more than those who did not",
        "zh": "◆ {stage}：接触过 {touchpoint} 的客户比未接触的客户转化率高 {gap}",
    },
    "key_title": {"en": "Key moments", "zh": "关键时刻"},
    "key_rule_satisfaction": {"en": "chosen by its satisfaction effect", "zh": "依据满意度效应选出"},
    "key_rule_exposure": {"en": "chosen by exposure", "zh": "依据接触与否选出"},
    "key_note": {
        "en": "Association, not causation; significant after Benjamini-Hochberg (cjtool moments lists them all).",
        "zh": "相关而非因果；经 Benjamini-Hochberg 校正后显著（cjtool moments 列出全部）。",
    },
    "pts": {"en": "{x} pts", "zh": "{x} 个百分点"},
    "key_label_satisfaction": {"en": "◆ {touchpoint}: satisfied {gap}", "zh": "◆ {touchpoint}：满意者 {gap}"},
    "key_label_exposure": {"en": "◆ {touchpoint} {gap}", "zh": "◆ {touchpoint} {gap}"},
    "loss_card": {
        "en": "{share} of {a} customers did not reach {b}",
        "zh": "{a}阶段的客户中有 {share} 未进入{b}阶段",
    },
    "no_scores_journey": {
        "en": "No satisfaction scores in the data: the map shows reach and drop-off only.",
        "zh": "数据中没有满意度评分：旅程图只显示到达与流失。",
    },
    # pictures (issue 19): the compare picture, the journey map's opportunities row
    "cmp_title": {"en": "Comparison: {b} vs {a}", "zh": "对比：{b}（基准：{a}）"},
    "cmp_by": {"en": "by {attr}", "zh": "按 {attr}"},
    "cmp_funnels": {"en": "Funnels", "zh": "漏斗"},
    "cmp_share": {"en": "share of entered customers (%)", "zh": "占进入旅程客户的比例（%）"},
    "cmp_diff_title": {"en": "Difference vs {a}", "zh": "与 {a} 的差异"},
    "cmp_diff_x": {
        "en": "conversion difference, B − A (pp), 95% interval",
        "zh": "转化率差异 B − A（百分点），95% 区间",
    },
    "cmp_pp": {"en": "{d}pp", "zh": "{d} 个百分点"},
    "cmp_always_valid": {"en": "always-valid intervals", "zh": "始终有效区间"},
    "cmp_holm": {"en": "Holm-adjusted", "zh": "Holm 校正"},
    "cmp_note": {
        "en": "filled: significant at alpha {alpha} ({what}); labels green = better, red = worse",
        "zh": "实心：在显著性水平 {alpha} 下显著（{what}）；标签绿色 = 更好，红色 = 更差",
    },
    "opp_row": {"en": "Opportunities", "zh": "机会点"},
    "opp_row_sub": {"en": "top one per stage; red: top 3", "zh": "每阶段一个；红色：全旅程前三"},
    "opp_vs": {"en": "drop-off {rate} vs {bench} {source}", "zh": "流失率 {rate}，{source} {bench}"},
    "opp_median": {"en": "stage median", "zh": "阶段中位数"},
    "opp_target": {"en": "target", "zh": "目标"},
    "opp_median_short": {"en": "median", "zh": "中位数"},
    "opp_target_short": {"en": "target", "zh": "目标"},
    "opp_customers": {"en": "{n} customers", "zh": "{n} 位客户"},
    "opp_completions": {"en": "{n} completions", "zh": "{n} 位走完旅程"},
    "opp_revenue": {"en": "revenue {n}", "zh": "收入 {n}"},
    "opp_clv": {"en": "predicted CLV {n}", "zh": "预测终身价值 {n}"},
    "opp_assumption": {
        "en": "Opportunities are estimates, not counts: customers at stake if the touchpoint's drop-off were "
        "the benchmark; recovered customers behave like those who went on",
        "zh": "机会点是估算而非实际人数：若该接触点的流失率降到基准可挽回的客户；假设挽回的客户与继续前进的客户表现相同",
    },
}


# issue 21 (hostile): report.md cut to GitHub's job-summary limit
WORDS |= {
    "rep_cut": {
        "en": "report.md was cut here to stay under GitHub's 1 MiB job-summary limit: {cut} of {total} bytes "
        "left out ({lines} lines), from the section “{section}” on; index.html and map.json have everything.",
        "zh": "report.md 在此处截断，以免超过 GitHub 作业摘要 1 MiB 的上限：共 {total} 字节中略去 {cut} 字节（{lines} 行），"
        "自“{section}”一节起；完整内容见 index.html 和 map.json。",
    },
}


def w(key: str, lang: str = "en", **kw: object) -> str:
    entry = WORDS.get(key)
    text = (entry.get(lang) or entry["en"]) if entry else t(key, lang)
    return text.format(**kw) if kw else text
