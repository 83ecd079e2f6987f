"""Chinese comments for the built-in models (`cjtool init NAME --lang zh`).

Keyed by the English comment line as shipped; the value replaces it (a sentence split over
two English lines is written whole on the first, the second maps to ``None`` and is dropped).
Commented-out YAML (the example gates) is kept as it is. A comment line missing here stays
in English (tests/test_models_cmd.py lists every missing one).
"""

from __future__ import annotations

ZH: dict[str, str | None] = {
    # headers, one per model
    "# cjtool journey model: AIPL (Alibaba's consumer-asset model: Awareness, Interest, Purchase, Loyalty).": (
        "# cjtool 旅程模型：AIPL（阿里巴巴消费者资产模型：认知、兴趣、购买、忠诚）。"
    ),
    "# cjtool journey model: 5A (Philip Kotler, Marketing 4.0: Aware, Appeal, Ask, Act, Advocate).": (
        "# cjtool 旅程模型：5A（菲利普·科特勒《营销革命 4.0》：了解、吸引、问询、行动、拥护）。"
    ),
    "# cjtool journey model: B2B buying journey in 7 stages, from out of market to loyal customer.": (
        "# cjtool 旅程模型：B2B 采购旅程，共 7 个阶段，从尚无需求到成为忠实客户。"
    ),
    "# cjtool journey model: the 5-stage experience journey (Awareness, Consideration, Purchase, Use, Feedback).": (
        "# cjtool 旅程模型：五阶段体验旅程（认知、考虑、购买、使用、反馈）。"
    ),
    '# Here a "customer" is usually an account (company); put the account id in customer_id.': (
        "# 这里的“客户”通常指一个账户（企业）：customer_id 列请填账户 ID。"
    ),
    "# B2B buying cycles are long: half a year from first touch to a live customer is common.": (
        "# B2B 采购周期长：从首次接触到正式上线，半年很常见。"
    ),
    "# Edit it to fit your data, check it with `cjtool validate --model THIS_FILE events.csv`,": (
        "# 按你的数据修改本文件，用 `cjtool validate --model 本文件 events.csv` 检查，"
    ),
    "# then map with `cjtool map events.csv --model THIS_FILE`.": (
        "# 再用 `cjtool map events.csv --model 本文件` 生成旅程地图。"
    ),
    # top-level keys
    '# name: a short id, shown in outputs (JSON "model").': '# name：简短的标识，显示在输出中（JSON 的 "model"）。',
    "# title: shown on the journey map; text, or one text per language (en, zh).": (
        "# title：旅程地图的标题；可写一段文字，也可按语言分别写（en、zh）。"
    ),
    "# description: what the model is for, shown by `cjtool models`; text, or one per language.": (
        "# description：模型的用途，`cjtool models` 会列出；可写一段文字，也可按语言分别写。"
    ),
    "# mode: how far a customer got.": "# mode：如何判断客户走到了哪一步。",
    "#   ordered  - stages must be reached in order in time (a funnel); the default.": (
        "#   ordered  - 必须按时间顺序依次到达各阶段（漏斗）；默认值。"
    ),
    "#   furthest - the highest stage a customer ever touched (a population/lifecycle view).": (
        "#   furthest - 取客户接触过的最高阶段（人群 / 生命周期视角）。"
    ),
    "# window: in ordered mode, each step must happen within this time of the customer's": (
        "# window：ordered 模式下，每一步都必须发生在客户首个阶段事件之后的这段时间内："
        "\n# 数字加单位 s m h d w（秒、分、时、天、周），如 30d、12h、90m。不写表示不限时。"
    ),
    "# first stage event: a number and a unit, s m h d w (30d, 12h, 90m). Leave out for none.": None,
    "# timestamp_format: a strftime format (or a list of them) for timestamps cjtool does not read": (
        "# timestamp_format：cjtool 自己读不出的时间写法，用 strftime 格式（可写多个）说明，"
    ),
    '# by itself, e.g. "%d/%m/%Y %H:%M". Leave out to read ISO 8601 (with or without offset), dates,': (
        '# 例如 "%d/%m/%Y %H:%M"。不写则自动读取 ISO 8601（带不带时区均可）、日期、'
    ),
    "# 2026/3/4 9:05 as Excel shows it, compact 20260304101500 and epoch seconds or milliseconds.": (
        "# Excel 显示的 2026/3/4 9:05、20260304101500 这样的紧凑写法，以及秒 / 毫秒时间戳。"
    ),
    "# columns: which CSV header holds each role; a role not listed uses its own name as header.": (
        "# columns：每个角色对应 CSV 的哪一列表头；没列出的角色，按同名表头查找。"
    ),
    "# Required: customer_id, timestamp, touchpoint. Optional: channel, satisfaction (CSAT),": (
        "# 必需：customer_id（客户）、timestamp（时间）、touchpoint（触点）。"
        "\n# 可选：channel（渠道）、satisfaction（满意度 CSAT）、nps（0-10 分）、effort（费力度 CES）。"
    ),
    "# nps (0-10), effort (CES).": None,
    "# stages: in journey order. An event goes to the FIRST stage that matches it:": (
        "# stages：按旅程顺序排列。每个事件归入第一个匹配它的阶段："
    ),
    "#   touchpoints: exact touchpoint names, and/or": "#   touchpoints: 触点名称，须完全一致；和 / 或",
    "#                {name: T, occurrence: N} (only a customer's N-th event at T) or": (
        "#                {name: T, occurrence: N}（只算客户在 T 的第 N 次事件）或"
    ),
    '#                {name: T, occurrence: "N+"} (the N-th and later): one event type can open': (
        '#                {name: T, occurrence: "N+"}（第 N 次及以后）：同一种事件可以分属两个阶段，'
    ),
    "#                two stages, as order_paid does below (the first order is a purchase,": (
        "#                如下面的 order_paid（首单算购买，"
    ),
    "#                a second one loyalty);": "#                复购算忠诚）；",
    "#   match:       a regular expression searched anywhere in the touchpoint name": (
        "#   match:       正则表达式，在触点名称中任意位置查找"
    ),
    "#   match:       a regular expression searched anywhere in the touchpoint name;": (
        "#   match:       正则表达式，在触点名称中任意位置查找；"
    ),
    "#                (Rust/polars dialect: no look-around, no back-references);": (
        "#                （Rust / polars 语法：不支持环视和反向引用）；"
    ),
    "#   channels:    (optional) the event's channel must also be one of these,": (
        "#   channels:    （可选）事件的渠道还必须是其中之一，"
    ),
    "#   channels:    (optional) the event's channel must also be one of these.": (
        "#   channels:    （可选）事件的渠道还必须是其中之一。"
    ),
    "#                e.g. channels: [store, call_center];": "#                例如 channels: [store, call_center]；",
    "#                e.g. channels: [sales, partner];": "#                例如 channels: [sales, partner]；",
    "#   label:       text, or {en: ..., zh: ...}; description: the same.": (
        "#   label:       阶段名称，一段文字或 {en: ..., zh: ...}；description（说明）写法相同。"
    ),
    "#   moment_of_truth: (optional) name the moment of truth this stage holds.": (
        "#   moment_of_truth: （可选）本阶段包含的关键时刻（MOT）。"
    ),
    "# scores: the scales of the score columns; values outside them count as missing.": (
        "# scores：各评分列的量表范围；超出范围的值按缺失处理。"
    ),
    "# (NPS is always 0-10.)": "# （NPS 固定为 0-10 分。）",
    "# ranking: how touchpoints are ranked as pain points.": "# ranking：触点作为痛点的排序方式。",
    "#   priority = (w_drop_off * drop-off rate + w_dissatisfaction * dissatisfaction) / (sum of weights)": (
        "#   优先级 = (w_drop_off × 流失率 + w_dissatisfaction × 不满意度) / 权重之和"
    ),
    "#   min_customers: touchpoints seen by fewer customers get no rank (too few to trust).": (
        "#   min_customers: 接触客户数少于此值的触点不参与排名（样本太少，不可靠）。"
    ),
    "# gates: thresholds for `cjtool check` (a CI step fails when one fails). None is set:": (
        "# gates：`cjtool check` 的门禁阈值（任一未通过，CI 步骤即失败）。默认一个也不设："
    ),
    "# uncomment and edit the examples below to choose your own. Rates: 0.05 or 5%.": (
        "# 需要时取消下面示例的注释并改成你的阈值。比率可写 0.05 或 5%。"
    ),
    "#   min_conversion:   stage id -> minimum conversion from the first stage": (
        "#   min_conversion:   阶段 id -> 从第一阶段起的最低累计转化率"
    ),
    "#   min_satisfaction: stage id or touchpoint -> minimum mean satisfaction": (
        "#   min_satisfaction: 阶段 id 或触点 -> 最低平均满意度"
    ),
    "#   max_drop_off:     stage id (drop-off to the next stage, as a share) or touchpoint (drop-off rate)": (
        "#   max_drop_off:     阶段 id（流失到下一阶段的比例）或触点（流失率）-> 上限"
    ),
    "#   min_nps:          stage id or touchpoint -> minimum NPS": "#   min_nps:          阶段 id 或触点 -> 最低 NPS",
    "# segments: customer attributes for `--by` (SPEC 9): event columns or columns of a customer": "# segments：供 `--by` 使用的客户属性（SPEC 第 9 节）：事件列，或客户文件的列",
    "# file (CSV or Parquet with a customer_id column), with labels per language.": "# （含 customer_id 列的 CSV 或 Parquet），可按语言给出标签。",
    "# segments:": "# segments:",
    "#   customers: customers.csv": "#   customers: 客户.csv",
    "#   attributes:": "#   attributes:",
    "#     persona: {en: Persona, zh: 用户画像}": "#     persona: {en: Persona, zh: 用户画像}",
    "# churn_after: a customer not seen for this long before the data ends counts as churned.": "# churn_after：数据结束前这么久都没再出现的客户计为已流失。",
    "# churn_after: 90d": "# churn_after: 90d    # 90 天",
}
