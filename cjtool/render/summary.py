"""The few sentences a reader needs first, as plain text: who entered and completed, the
worst stage transition, the top pain points and the gates. Shared by report.md and
index.html (each formats them for itself)."""

from __future__ import annotations

from dataclasses import dataclass

from cjtool.gate_kinds import RATE_KINDS
from cjtool.gates import evaluate
from cjtool.i18n import fmt_int, fmt_num, fmt_pct, t
from cjtool.render.gates_text import describe
from cjtool.render.words import w
from cjtool.result import JourneyMap, StageMetrics


@dataclass(frozen=True)
class Transition:
    """Customers of stage ``a`` who did not reach stage ``b``."""

    a: StageMetrics
    b: StageMetrics
    lost: int

    @property
    def share(self) -> float:
        return self.lost / self.a.customers if self.a.customers else 0.0


def transitions(result: JourneyMap) -> list[Transition]:
    out = []
    for a, b in zip(result.stages, result.stages[1:], strict=False):
        lost = a.drop_off if a.drop_off is not None else max(0, a.customers - b.customers)
        out.append(Transition(a, b, lost))
    return out


def has_scores(result: JourneyMap) -> bool:
    """Whether any stage or touchpoint has a satisfaction score: without one, the pictures
    leave out what only scores can show (emotion curve, priority matrix, Mermaid faces)."""
    return any(s.scores.satisfaction is not None for s in result.stages) or any(
        tp.scores.satisfaction is not None for tp in result.touchpoints
    )


def worst_transition(result: JourneyMap) -> Transition | None:
    """The step that loses the largest share of its customers (the earlier step on a tie)."""
    steps = [s for s in transitions(result) if s.a.customers and s.lost > 0]
    return max(steps, key=lambda s: s.share, default=None)


def loss_card(result: JourneyMap, lang: str = "en") -> str | None:
    """What the biggest loss is, in words: "73.6% of Interest customers did not reach Purchase"."""
    worst = worst_transition(result)
    if worst is None:
        return None
    a, b = result.stage_label(worst.a.id, lang), result.stage_label(worst.b.id, lang)
    return w("loss_card", lang, share=fmt_pct(worst.share), a=a, b=b)


def summary_sentences(result: JourneyMap, lang: str = "en", pains: int = 3) -> list[str]:
    label = result.stage_label
    out = []
    entered, completed = result.customers_entered, result.customers_completed
    share = fmt_pct(completed / entered) if entered else "—"
    out.append(w("sum_entered", lang, entered=fmt_int(entered), completed=fmt_int(completed), share=share))
    worst = worst_transition(result)
    if worst is not None:
        out.append(
            w(
                "sum_worst",
                lang,
                a=label(worst.a.id, lang),
                b=label(worst.b.id, lang),
                lost=fmt_int(worst.lost),
                n=fmt_int(worst.a.customers),
                share=fmt_pct(worst.share),
            )
        )
    top = [tp for tp in result.touchpoints if tp.rank is not None][:pains]
    if top:
        items = []
        for tp in top:
            facts = w("sum_drop", lang, pct=fmt_pct(tp.drop_off_rate))
            if tp.scores.satisfaction is not None:
                facts += w("sum_sep", lang) + f"{t('csat', lang)} {fmt_num(tp.scores.satisfaction)}"
            items.append(
                w("sum_pain", lang, rank=tp.rank, name=tp.touchpoint, stage=label(tp.stage, lang), facts=facts)
            )
        out.append(w("sum_pains", lang, items=w("sum_list_sep", lang).join(items)))
    gates = evaluate(result, result.model.gates)
    if gates:
        failed = [g for g in gates if not g.passed]
        text = w("sum_gates", lang, passed=len(gates) - len(failed), n=len(gates))
        if failed:
            stage_ids = {s.id for s in result.stages}
            shown = []
            for g in failed:
                name = label(g.target, lang) if g.target in stage_ids else None
                value = "—" if g.value is None else fmt_pct(g.value) if g.kind in RATE_KINDS else fmt_num(g.value)
                shown.append(f"{describe(g, lang, name)} ({value})")
            text += w("sum_failed", lang, items=w("sum_list_sep", lang).join(shown))
        out.append(text)
    return out
