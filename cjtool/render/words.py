"""Texts of the pictures and the report that only the renderers use (English and Chinese).

Kept next to the renderers rather than in ``cjtool.i18n`` so report wording can change
without touching the shared table; ``w`` falls back to ``cjtool.i18n.t`` for shared keys."""

from __future__ import annotations

from cjtool.i18n import t

WORDS: dict[str, dict[str, str]] = {
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
