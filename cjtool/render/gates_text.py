"""The words of a CI gate (`cjtool check`, the report's summary): what a gate says and the
value it measured, written the way the threshold was. `gates` computes the numbers and the
verdict; the wording lives here, beside the other renderers.
"""

from __future__ import annotations

from cjtool.gate_kinds import DATA_KINDS, KINDS
from cjtool.gates import GateResult, RegressionGate
from cjtool.i18n import t
from cjtool.render.compare_text import delta, interval, metric_name, p_text


def value_text(g: GateResult | RegressionGate, lang: str = "en") -> str | None:
    """The measured value as text; None when nothing could be measured."""
    if isinstance(g, RegressionGate):
        return _regression_value_text(g, lang)
    return _threshold_value_text(g)


def describe(g: GateResult | RegressionGate, lang: str = "en", label: str | None = None) -> str:
    """What the gate asks for. ``label``: the stage's label in ``lang``; in Chinese it leads,
    the id (what the gate is written with) follows."""
    if isinstance(g, RegressionGate):
        return _regression_describe(g, lang)
    return _threshold_describe(g, lang, label)


def _threshold_value_text(g: GateResult) -> str | None:
    """The value with the precision of the threshold as written, one digit more, and
    more still while rounding would make it look equal to a threshold it misses."""
    if g.value is None:
        return None
    percent = g.written.endswith("%")
    number = g.written.removesuffix("%")
    digits = len(number.partition(".")[2]) + 1 if "e" not in number.lower() else 4
    scale = 100 if percent else 1
    while True:
        text = f"{g.value * scale:.{digits}f}"
        if digits >= 6 or g.passed or float(text) != g.threshold * scale:
            return text + ("%" if percent else "")
        digits += 1


def _threshold_describe(g: GateResult, lang: str, label: str | None) -> str:
    where = f"[{g.segment}] " if g.segment else ""
    if g.target is None:
        what, op = DATA_KINDS[g.kind]
        return f"{where}{t(what, lang)} {op} {g.written}"
    what, op = KINDS[g.kind]
    target = f"{label}（{g.target}）" if lang == "zh" and label and label != g.target else g.target
    return f"{where}{t(what + '_of', lang).format(target=target)} {op} {g.written}"


def _regression_value_text(g: RegressionGate, lang: str) -> str | None:
    """diff [interval] and the adjusted p the verdict reads (sequential: Holm's over the
    always-valid p's)."""
    test, s = g.row.test, g.row.sequential
    if test is None or test.diff is None:
        return None
    ci = s.ci if s is not None else test.ci95
    return f"{delta(g.row.metric, test.diff, lang)} {interval(g.row.metric, ci)} p={p_text(g.row.p_adjusted)}"


def _regression_describe(g: RegressionGate, lang: str) -> str:
    where = g.row.stage if g.row.touchpoint is None else f"{g.row.stage} · {g.row.touchpoint}"
    who = t("gate_of_variant", lang).format(v=g.comparison) if g.per_variant else ""
    margin = t("gate_by_more", lang).format(x=g.written) if g.threshold else ""
    return t("gate_not_worse", lang).format(where=where, metric=metric_name(g.row.metric, lang), who=who, margin=margin)
