"""Words and display cells of the customer-value outputs (terminal, pictures, warnings), in
English and Chinese; the terminal summary and the pictures read them here."""

from __future__ import annotations

from cjtool.analyses.value import Note, ValueResult, p_alive_distribution
from cjtool.safe_text import visible

_W: dict[str, dict[str, str]] = {
    "title": {"en": "Customer lifetime value", "zh": "客户生命周期价值"},
    "data": {
        "en": "{n} customers with a transaction up to {until} ({repeat} with repeat purchases); unit: {unit}; horizon: {horizon}",
        "zh": "截至 {until} 有交易的客户 {n} 位（其中 {repeat} 位有复购）；时间单位：{unit}；预测期：{horizon}",
    },
    "sep": {"en": ", ", "zh": "，"},
    "semicolon": {"en": "; ", "zh": "；"},
    "unit_week": {"en": "week", "zh": "周"},
    "unit_day": {"en": "day", "zh": "天"},
    "units_week": {"en": "{n} weeks", "zh": "{n} 周"},
    "units_day": {"en": "{n} days", "zh": "{n} 天"},
    "discount": {"en": "discounted at {rate} a year", "zh": "按年折现率 {rate} 折现"},
    "basis_purchase": {"en": "transactions: events at {names}", "zh": "交易：以下接触点的事件：{names}"},
    "basis_revenue": {"en": "transactions: events with a revenue value", "zh": "交易：带收入金额的事件"},
    "basis_last_stage": {"en": "transactions: events of the last stage", "zh": "交易：最后一个阶段的事件"},
    "same_day": {
        "en": "several transactions on one day are one, their values summed",
        "zh": "同一天的多笔交易合并为一笔，金额相加",
    },
    "later": {
        "en": "{n} customers first bought after {until}: not valued",
        "zh": "{n} 位客户在 {until} 之后才首次购买：未估值",
    },
    "params": {"en": "Model parameters", "zh": "模型参数"},
    "model": {"en": "Model", "zh": "模型"},
    "parameters": {"en": "Parameters", "zh": "参数"},
    "log_lik": {"en": "Log-likelihood", "zh": "对数似然"},
    "fit": {"en": "Fit", "zh": "拟合"},
    "converged": {"en": "converged in {n} iterations", "zh": "{n} 次迭代后收敛"},
    "not_converged_cell": {"en": "NOT converged ({n} iterations)", "zh": "未收敛（{n} 次迭代）"},
    "gg_none": {
        "en": "Gamma-Gamma: not fitted (no revenue values); spend and CLV are left empty",
        "zh": "Gamma-Gamma：未拟合（无收入金额）；消费额与 CLV 留空",
    },
    "mean_spend": {"en": "mean spend per transaction {v}", "zh": "每笔交易平均消费 {v}"},
    "palive_title": {"en": "Probability still active (p_alive)", "zh": "仍活跃概率（p_alive）"},
    "range": {"en": "p_alive", "zh": "p_alive"},
    "customers": {"en": "Customers", "zh": "客户数"},
    "share": {"en": "Share", "zh": "占比"},
    "top_title": {"en": "Top customers by CLV", "zh": "CLV 最高的客户"},
    "top_title_purchases": {"en": "Top customers by expected purchases", "zh": "预期购买次数最多的客户"},
    "risk_title": {
        "en": "At risk: valuable customers who may have left (p_alive < {p}, value in the top quarter)",
        "zh": "流失风险：可能已离开的高价值客户（p_alive < {p}，价值居前四分之一）",
    },
    "risk_none": {"en": "No valuable customer at risk.", "zh": "没有处于流失风险的高价值客户。"},
    "customer": {"en": "Customer", "zh": "客户"},
    "frequency": {"en": "Repeats", "zh": "复购次数"},
    "recency": {"en": "Recency", "zh": "最近购买"},
    "age": {"en": "T", "zh": "T"},
    "monetary": {"en": "Mean value", "zh": "平均金额"},
    "p_alive": {"en": "p_alive", "zh": "p_alive"},
    "expected": {"en": "Exp. purchases", "zh": "预期购买"},
    "spend": {"en": "Exp. spend", "zh": "预期单笔消费"},
    "clv": {"en": "CLV", "zh": "CLV"},
    "holdout": {
        "en": "Holdout ({length} after {until}): {actual} repeat purchases, {predicted} predicted ({diff})",
        "zh": "验证期（{until} 之后 {length}）：实际复购 {actual} 次，预测 {predicted} 次（{diff}）",
    },
    "legend": {
        "en": "Recency and T in {unit}s from the first transaction; expected purchases over the horizon",
        "zh": "最近购买与 T：距首次交易的{unit}数；预期购买为预测期内的次数",
    },
    "seg_title": {"en": "Value by {by}", "zh": "按「{by}」的客户价值"},
    "seg_title_base": {"en": "Value by {by}, against {base}", "zh": "按「{by}」的客户价值，对照组：{base}"},
    "segment": {"en": "Segment", "zh": "分组"},
    "mean_p_alive": {"en": "Mean p_alive", "zh": "平均 p_alive"},
    "mean_expected": {"en": "Mean exp. purchases", "zh": "平均预期购买"},
    "mean_clv": {"en": "Mean CLV", "zh": "平均 CLV"},
    "total_clv": {"en": "Total CLV", "zh": "CLV 合计"},
    "seg_diff": {"en": "Diff. [95% CI]", "zh": "差值 [95% CI]"},
    "p_adj": {"en": "p (Holm)", "zh": "p（Holm 校正）"},
    "baseline_cell": {"en": "baseline", "zh": "对照组"},
    "seg_legend": {
        "en": "Welch's t-test of the mean {measure} per customer against the baseline, Holm-adjusted; association, not causation unless the segments are randomised arms",
        "zh": "对每位客户平均{measure}与对照组做 Welch t 检验，经 Holm 校正；除非分组为随机分配的实验组，否则只是相关而非因果",
    },
    "measure_clv": {"en": "CLV", "zh": " CLV "},
    "measure_expected_purchases": {"en": "expected purchases", "zh": "预期购买次数"},
    # warnings (notes of the analysis)
    "short_window": {
        "en": "the calibration period is {days} days (under {least}): few repeat purchases to learn from; treat the predictions with care or give a later --until",
        "zh": "校准期仅 {days} 天（不足 {least} 天）：可学习的复购很少；请谨慎看待预测，或给出更晚的 --until",
    },
    "not_converged": {
        "en": "{model}: the maximum-likelihood search did not converge ({message}); the parameters may be off",
        "zh": "{model}：最大似然估计未收敛（{message}）；参数可能不准",
    },
    "until_after_end": {
        "en": "--until {until} is after the data's last day ({end}): customers' ages run to {until} as if nobody bought after {end}",
        "zh": "--until {until} 晚于数据的最后一天（{end}）：客户年龄按 {until} 计算，相当于假定 {end} 之后无人购买",
    },
    "runs_off": {
        "en": "{model}: the fit goes to the model's edge ({names} towards 0 or infinity): the data show (almost) no spread between customers there, and the fit is the model's limit; compare the holdout before relying on it",
        "zh": "{model}：参数 {names} 趋于 0 或无穷大：数据显示客户之间在这方面几乎没有差异，拟合结果是模型的极限情形；使用前请先对照验证期",
    },
    "nonpositive_value": {
        "en": "{n} repeat customers have a mean value of 0 or less: left out of the Gamma-Gamma fit",
        "zh": "{n} 位复购客户的平均金额不大于 0：未计入 Gamma-Gamma 拟合",
    },
    "gg_too_few": {
        "en": "Gamma-Gamma cannot be identified from {n} repeat customers with a positive value (at least {least}): spend and CLV are left empty",
        "zh": "仅 {n} 位复购客户金额为正（至少需要 {least} 位），无法识别 Gamma-Gamma：消费额与 CLV 留空",
    },
    "gg_unidentified": {
        "en": "Gamma-Gamma cannot be identified (q = {q:.3g}; the mean spend needs q > 1): spend and CLV are left empty",
        "zh": "无法识别 Gamma-Gamma（q = {q:.3g}；平均消费额要求 q > 1）：消费额与 CLV 留空",
    },
    "correlated": {
        "en": "frequency and mean value of repeat customers are correlated (r = {corr:.2f}); Gamma-Gamma assumes they are independent",
        "zh": "复购客户的购买频次与平均金额相关（r = {corr:.2f}）；Gamma-Gamma 假定二者独立",
    },
    "no_holdout_png": {
        "en": "no transactions after --until {until}: the calibration/holdout picture is not drawn",
        "zh": "--until {until} 之后没有交易：不绘制校准 / 验证图",
    },
    # pictures
    "png_matrix_title": {"en": "Probability a customer is still active", "zh": "客户仍活跃的概率"},
    "png_matrix_sub": {
        "en": "BG/NBD, customer age T = {T} {unit}s; darker = more likely active",
        "zh": "BG/NBD，客户年龄 T = {T} {unit}；颜色越深越可能仍活跃",
    },
    "png_frequency": {"en": "Repeat purchases (frequency)", "zh": "复购次数（frequency）"},
    "png_recency": {
        "en": "Recency: {unit}s from first to last purchase",
        "zh": "最近购买：首次到最后一次购买的{unit}数",
    },
    "png_holdout_title": {
        "en": "Calibration vs. holdout: repeat purchases per customer",
        "zh": "校准期与验证期：每位客户的复购次数",
    },
    "png_holdout_sub": {
        "en": "holdout: {length} after {until}; total {actual} actual, {predicted} predicted",
        "zh": "验证期：{until} 之后 {length}；实际共 {actual} 次，预测 {predicted} 次",
    },
    "png_cal_frequency": {"en": "Repeat purchases in the calibration period", "zh": "校准期内的复购次数"},
    "png_holdout_axis": {"en": "Mean repeat purchases in the holdout", "zh": "验证期内平均复购次数"},
    "png_actual": {"en": "actual", "zh": "实际"},
    "png_predicted": {"en": "predicted (BG/NBD)", "zh": "预测（BG/NBD）"},
    "png_n": {"en": "n = {n}", "zh": "n = {n}"},
}


def w(key: str, lang: str = "en", **kw: object) -> str:
    entry = _W[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**kw) if kw else text


def unit_word(unit: str, lang: str) -> str:
    return w(f"unit_{unit}", lang)


def units(n: float, unit: str, lang: str) -> str:
    return w(f"units_{unit}", lang, n=num(n))


def num(x: float | None, digits: int = 2) -> str:
    """A number as shown: whole numbers without decimals, else ``digits`` decimals."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def sig(x: float) -> str:
    return f"{x:.4g}"


def note_text(note: Note, lang: str) -> str:
    return w(note.key, lang, **note.values)


def warnings(result: ValueResult, lang: str) -> list[str]:
    """The analysis' warnings in ``lang``, after those of reading the events."""
    return list(result.journey_warnings) + [note_text(n, lang) for n in result.notes]


def header_lines(result: ValueResult, lang: str) -> list[str]:
    c = result.customers
    horizon = units(result.horizon, result.unit, lang)
    if result.discount:
        horizon += w("sep", lang) + w("discount", lang, rate=f"{100 * result.discount:g}%")
    lines = [
        w(
            "data",
            lang,
            n=f"{c.height:,}",
            until=result.until.isoformat(),
            repeat=f"{int((c['frequency'] > 0).sum()):,}",
            unit=unit_word(result.unit, lang),
            horizon=horizon,
        )
    ]
    basis = w(f"basis_{result.basis}", lang, names=", ".join(visible(p) for p in result.purchase or []))
    lines.append(basis + w("semicolon", lang) + w("same_day", lang))
    if result.later_customers:
        lines.append(w("later", lang, n=f"{result.later_customers:,}", until=result.until.isoformat()))
    return lines


def fit_rows(result: ValueResult, lang: str) -> list[tuple[str, str, str, str]]:
    """(model, parameters, log-likelihood, convergence) per fitted model."""
    rows = []
    bg = result.bgnbd
    r, alpha, a, b = bg.params
    rows.append(
        (
            "BG/NBD",
            f"r {sig(r)} · alpha {sig(alpha)} · a {sig(a)} · b {sig(b)}",
            f"{bg.log_likelihood:,.2f}",
            _convergence(bg.converged, bg.iterations, lang),
        )
    )
    gg = result.gamma_gamma
    if gg is not None:
        p, q, v = gg.params
        rows.append(
            (
                "Gamma-Gamma",
                f"p {sig(p)} · q {sig(q)} · gamma {sig(v)}",
                f"{gg.log_likelihood:,.2f}",
                _convergence(gg.converged, gg.iterations, lang),
            )
        )
    return rows


def _convergence(ok: bool, n: int, lang: str) -> str:
    return w("converged" if ok else "not_converged_cell", lang, n=n)


def distribution_rows(result: ValueResult) -> list[tuple[str, str, str]]:
    total = max(result.customers.height, 1)
    rows = []
    for lo, hi, n in p_alive_distribution(result):
        bracket = "]" if hi >= 1 else ")"
        rows.append((f"[{lo:.2f}, {hi:.2f}{bracket}", f"{n:,}", f"{100 * n / total:.1f}%"))
    return rows


CUSTOMER_HEADER_KEYS = ("customer", "frequency", "recency", "age", "monetary", "p_alive", "expected", "spend", "clv")


def customer_cells(row: dict) -> list[str]:
    return [
        visible(row["customer_id"]),
        f"{row['frequency']:,}",
        f"{row['recency']:.2f}",
        f"{row['T']:.2f}",
        num(row["monetary_value"]),
        f"{row['p_alive']:.3f}",
        f"{row['expected_purchases']:.2f}",
        num(row["expected_spend"]),
        num(row["clv"]),
    ]


def holdout_line(result: ValueResult, lang: str) -> str | None:
    h = result.holdout
    if h is None:
        return None
    diff = (h.total_predicted - h.total_actual) / h.total_actual if h.total_actual else None
    return w(
        "holdout",
        lang,
        length=units(h.length, result.unit, lang),
        until=result.until.isoformat(),
        actual=f"{h.total_actual:,}",
        predicted=f"{h.total_predicted:,.1f}",
        diff="—" if diff is None else f"{100 * diff:+.1f}%",
    )


def segment_rows(result: ValueResult, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the --by table (None without --by)."""
    seg = result.segments
    assert seg is not None
    header = [w(k, lang) for k in ("segment", "customers", "mean_p_alive", "mean_expected", "mean_clv", "total_clv")]
    if seg.baseline is not None:
        header += [w("seg_diff", lang), w("p_adj", lang)]
    rows = []
    for s in seg.segments:
        cells = [
            visible(s.name),
            f"{s.customers:,}",
            f"{s.p_alive:.3f}",
            f"{s.expected_purchases:.2f}",
            num(s.clv),
            num(s.total_clv),
        ]
        if seg.baseline is not None:
            t = s.test
            if s.name == seg.baseline:
                cells += [w("baseline_cell", lang), ""]
            elif t is None or t.diff is None:
                cells += ["—", "—"]
            else:
                ci = f" [{t.ci95[0]:+.2f}, {t.ci95[1]:+.2f}]" if t.ci95 else ""
                p = "—" if t.p_adjusted is None else ("<0.001" if t.p_adjusted < 0.001 else f"{t.p_adjusted:.3f}")
                cells += [f"{t.diff:+.2f}{ci}", p + (" *" if t.significant else "")]
        rows.append(cells)
    return header, rows
