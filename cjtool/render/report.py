"""The report folder: index.html (self-contained), report.md (CI job summary / PR comment,
with a Mermaid journey diagram), the PNGs and map.json. Same input, same bytes: nothing
in it depends on when or where it was made."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

from cjtool import __version__
from cjtool.i18n import fmt_int, fmt_num, fmt_pct, t
from cjtool.output import output_folder, write_file
from cjtool.render.decision import fix_first, forward_sentence, key_moment_lines
from cjtool.render.machine import to_json
from cjtool.render.markdown import decision_markdown, md_escape, period_text, summary_line, to_markdown
from cjtool.render.report_sections import ALL_PICTURES, ReportExtras, draw, markdown_html, sections, table_html
from cjtool.render.rows import STAGE_ALIGN, TOUCHPOINT_ALIGN, stage_table, touchpoint_table
from cjtool.render.summary import has_scores, loss_card, summary_sentences, worst_transition
from cjtool.render.words import w
from cjtool.result import JourneyMap
from cjtool.safe_text import visible

IMAGES = ("journey_map.png", "priority_matrix.png", "funnel.png")
MERMAID_TASKS_PER_STAGE = 4


@dataclass(frozen=True)
class ReportSource:
    """Where the data came from and how the report was made: shown in the report, so a
    reader can find the files and run it again. Nothing here depends on the clock."""

    files: tuple[str, ...] = ()
    command: str = ""


def images_for(result: JourneyMap) -> tuple[str, ...]:
    """The pictures the data supports: the priority matrix needs satisfaction scores."""
    return IMAGES if has_scores(result) else tuple(n for n in IMAGES if n != "priority_matrix.png")


PAIN_POINTS = 3  # the pain points every summary names


def _mermaid_text(text: str) -> str:
    # `:` separates a task from its score, `#` and `;` end statements in Mermaid
    return " ".join(text.replace(":", " ").replace("#", " ").replace(";", " ").split()) or "?"


def mermaid_journey(result: JourneyMap, lang: str = "en") -> str | None:
    """A Mermaid `journey`: every stage a section, its main touchpoints tasks scored 1-5 by
    satisfaction (Mermaid's face scale). A stage without any scored touchpoint gets one
    task that says so, at the neutral face (Mermaid needs a score to draw a stage). None
    when the data has no scores at all: every face would be made up."""
    if not has_scores(result):
        return None
    m = result.model
    lo, hi = m.satisfaction_scale.min, m.satisfaction_scale.max
    lines = ["```mermaid", "journey", f"    title {_mermaid_text(m.title.get(lang))}"]
    for stage in result.stages:
        scored = [tp for tp in result.touchpoints if tp.stage == stage.id and tp.scores.satisfaction is not None]
        tps = sorted(scored, key=lambda tp: (-tp.customers, tp.touchpoint))[:MERMAID_TASKS_PER_STAGE]
        # every top-3 pain point keeps its task, whatever its size
        tps += [tp for tp in scored if tp.rank is not None and tp.rank <= PAIN_POINTS and tp not in tps]
        lines.append(f"    section {_mermaid_text(m.stages[stage.index - 1].label.get(lang))}")
        if not tps:
            lines.append(f"      {_mermaid_text(w('mermaid_no_scores', lang, n=fmt_int(stage.customers)))}: 3")
        for tp in tps:
            sat = tp.scores.satisfaction
            assert sat is not None
            score = max(1, min(5, round(1 + 4 * (sat - lo) / (hi - lo))))
            lines.append(f"      {_mermaid_text(tp.touchpoint)} ({fmt_num(sat, 1)}): {score}")
    lines.append("```")
    return "\n".join(lines)


def report_markdown(result: JourneyMap, lang: str = "en", top: int = 10, extras: ReportExtras | None = None) -> str:
    """report.md, for a CI job summary or a PR comment: neither loads images from the
    report folder, so it has none, only text, tables and a Mermaid diagram."""
    body = to_markdown(result, lang, top=top, heading_level=2, decision=False)
    head, _, rest = body.partition("\n\n")  # the title line, the summary line, then the tables
    line, _, rest = rest.partition("\n\n")
    parts = [head, line]  # the decision first: the sentence to forward, the list, the key moments
    forward = forward_sentence(result, lang)
    if forward is not None:
        parts.append(f"**{md_escape(forward)}**")
    decision = "\n".join(decision_markdown(result, lang, "###")).strip("\n")
    if decision:
        parts.append(decision)
    parts.append("\n".join(f"- {md_escape(x)}" for x in summary_sentences(result, lang)))
    mermaid = mermaid_journey(result, lang)
    parts.append(mermaid if mermaid is not None else f"_{md_escape(w('rep_no_mermaid', lang))}_")
    parts.append(rest.rstrip("\n"))
    extra = sections(extras or ReportExtras(), lang, top)
    parts += [sec.markdown.rstrip("\n") for sec in extra]
    pictures = [*images_for(result), *(name for sec in extra for name, _ in sec.pictures)]
    names = ", ".join(f"`{n}`" for n in pictures)
    parts.append(f"_{md_escape(w('rep_pictures_md', lang, names='{names}'))}_".replace("{names}", names))
    if not has_scores(result):
        parts.append(f"_{md_escape(w('rep_no_matrix', lang))}_")
    return fit_report("\n\n".join(parts) + "\n", lang)


REPORT_MD_LIMIT = 1_000_000  # bytes: GitHub refuses a job summary over 1 MiB (1,048,576), the note fits in the rest
LINE_LIMIT = 5_000  # characters of one line of report.md: a longer one holds a hostile name


def fit_report(text: str, lang: str = "en", limit: int = REPORT_MD_LIMIT) -> str:
    """``text`` when it fits in ``limit`` bytes. Else: lines longer than ``LINE_LIMIT``
    are cut (a table row keeps its closing bar), and if it still does not fit, the whole
    lines that fit are kept, an open code fence closed, and a note says what was cut and
    from which section. Linear in the text."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    lines = [
        ln if len(ln) <= LINE_LIMIT else ln[:LINE_LIMIT] + (" … |" if ln.startswith("|") else " …")
        for ln in text.split("\n")
    ]
    shorter = "\n".join(lines)
    if len(shorter.encode("utf-8")) <= limit:
        return shorter
    room, kept, size = limit - 4096, [], 0  # the note and a closing fence fit in the rest
    for ln in lines:
        size += len(ln.encode("utf-8")) + 1
        if size > room:
            break
        kept.append(ln)
    if sum(ln.startswith("```") for ln in kept) % 2:  # cut inside a code block (the Mermaid diagram)
        kept.append("```")
    section = next((ln.lstrip("#").strip() for ln in reversed(kept) if ln.startswith("#")), "")
    body = "\n".join(kept) + "\n"
    cut = len(data) - len(body.encode("utf-8"))
    note = w(
        "rep_cut",
        lang,
        cut=f"{max(cut, 0):,}",
        total=f"{len(data):,}",
        lines=f"{max(len(lines) - len(kept), 0):,}",
        section=section[:200],
    )
    return f"{body}\n_{md_escape(note)}_\n"


_CSS = """
:root{--ink:#1f2933;--muted:#52606d;--faint:#7b8794;--line:#e4e7eb;--panel:#f5f7fa;--accent:#2f6db5;--pain:#b42318}
*{box-sizing:border-box}
body{font-family:"cjtool CJK",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;
margin:0;color:var(--ink);background:#fff;line-height:1.5;-webkit-text-size-adjust:100%}
main{max-width:1120px;margin:0 auto;padding:2rem 1.25rem 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .25rem;font-weight:700}
h2{font-size:1.2rem;margin:2.5rem 0 .75rem;padding-bottom:.35rem;border-bottom:1px solid var(--line);font-weight:700}
h3{font-size:1.02rem;margin:1.6rem 0 .5rem;font-weight:700}h4{font-size:.95rem;margin:1.2rem 0 .4rem}
.warn{color:var(--pain)}
.sub{color:var(--muted);margin:0 0 1.5rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem;margin:0 0 1.25rem}
.kpi{background:var(--panel);border-radius:8px;padding:.75rem 1rem}
.kpi b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums;line-height:1.2}
.kpi span{color:var(--muted);font-size:.85rem}
.kpi.bad b{color:var(--pain)}
ul.facts{margin:0;padding-left:1.2rem}ul.facts li{margin:.3rem 0}
p.lead{font-size:1.1rem;border-left:4px solid var(--pain);padding:.5rem .9rem;background:#fff5f3;margin:.5rem 0 1rem}
ol.fix{margin:.25rem 0;padding-left:1.4rem}ol.fix li{margin:.35rem 0}
figure{margin:1.25rem 0 2rem}figure>a{display:block}figcaption a{color:var(--accent);white-space:nowrap}
figure img{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:8px}
figcaption{color:var(--muted);font-size:.85rem;margin-top:.4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0}
table{border-collapse:collapse;font-size:.9rem;white-space:nowrap}
th,td{padding:.4rem .7rem;border-bottom:1px solid var(--line)}
th{text-align:left;background:var(--panel);font-weight:700;color:var(--muted);font-size:.8rem}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.pain td{color:var(--pain);font-weight:600}
.note{color:var(--faint);font-size:.85rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:.5rem 0;font-size:.9rem}
dt{font-weight:700}dd{margin:0;color:var(--muted)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace,"cjtool CJK";font-size:.85em;background:var(--panel);
padding:.1rem .3rem;border-radius:4px;word-break:break-all}
@media (max-width:600px){main{padding:1.25rem .9rem 2rem}h1{font-size:1.35rem}.kpi b{font-size:1.25rem}
dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}
"""


def _more(n: int, lang: str) -> str:
    return f'<p class="note">{html.escape(w("rep_more", lang, n=n))}</p>' if n > 0 else ""


def alt_texts(result: JourneyMap, lang: str = "en") -> dict[str, str]:
    """What each picture shows, in words: for readers who cannot see it, and the caption."""
    label = result.stage_label
    counts = " → ".join(f"{label(s.id, lang)} {fmt_int(s.customers)}" for s in result.stages)
    worst = worst_transition(result)
    worst_text = (
        f"{label(worst.a.id, lang)} → {label(worst.b.id, lang)} ({fmt_pct(worst.share)})" if worst else t("none", lang)
    )
    out = {"journey_map.png": w("alt_map", lang, title=result.model.title.get(lang), counts=counts, worst=worst_text)}
    csat = [
        f"{label(s.id, lang)} "
        + (t("no_scores", lang) if s.scores.satisfaction is None else fmt_num(s.scores.satisfaction))
        for s in result.stages
    ]
    if has_scores(result):
        out["journey_map.png"] += w("alt_map_scores", lang, csat=", ".join(csat))
        top = [tp for tp in result.touchpoints if tp.rank is not None and tp.scores.satisfaction is not None][:3]
        out["priority_matrix.png"] = w("alt_matrix", lang, items=", ".join(f"#{tp.rank} {tp.touchpoint}" for tp in top))
    out["funnel.png"] = w("alt_funnel", lang, counts=counts)
    return out


def _decision_html(result: JourneyMap, lang: str) -> str:
    """The summary opens with the decision: the sentence to forward, the "Fix first" list
    with its assumption, and the key moments (SPEC 17, 13 v2)."""
    out = []
    forward = forward_sentence(result, lang)
    if forward is not None:
        out.append(f'<p class="lead">{html.escape(visible(forward))}</p>')
    items = fix_first(result, lang)
    if items:
        out.append(f'<h3>{html.escape(w("fix_title", lang))}</h3><ol class="fix">')
        for i in items:
            out.append(
                f"<li><b>{html.escape(visible(i.touchpoint))}</b>{html.escape(w('fix_stage', lang, stage=i.stage))}"
                f"{html.escape(i.problem)}{w('fix_sep', lang)}<b>{html.escape(i.stake)}</b></li>"
            )
        out.append(f'</ol><p class="note">{html.escape(w("assumption", lang))}</p>')
    moments = key_moment_lines(result, lang)
    if moments:
        out.append('<ul class="facts">' + "".join(f"<li>{html.escape(visible(x))}</li>" for x in moments) + "</ul>")
        out.append(f'<p class="note">{html.escape(w("key_note", lang))}</p>')
    return "".join(out)


def _kpis(result: JourneyMap, lang: str) -> str:
    entered, completed = result.customers_entered, result.customers_completed
    tiles = [
        (fmt_int(entered), t("entered", lang), ""),
        (fmt_int(completed), t("completed", lang), ""),
        (fmt_pct(completed / entered) if entered else "—", f"{t('completed', lang)} / {t('entered', lang)}", ""),
    ]
    worst = worst_transition(result)
    if worst is not None:
        tiles.append((f"−{fmt_pct(worst.share)}", loss_card(result, lang) or "", " bad"))
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi{c}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for v, k, c in tiles
        )
        + "</div>"
    )


def _legend(result: JourneyMap, lang: str) -> str:
    m = result.model
    sc = m.satisfaction_scale
    wd, ws = m.weight_drop_off, m.weight_dissatisfaction
    items = w(
        "legend", lang, lo=fmt_num(sc.min, 0), hi=fmt_num(sc.max, 0), wd=f"{wd:g}", ws=f"{ws:g}", wsum=f"{wd + ws:g}"
    )
    sep = "：" if lang == "zh" else ": "
    rows = [item.split(sep, 1) for item in items.split("|")]
    return "<dl>" + "".join(f"<dt>{html.escape(a)}</dt><dd>{html.escape(b)}</dd>" for a, b in rows) + "</dl>"


def _source(result: JourneyMap, source: ReportSource, lang: str) -> str:
    m = result.model
    model = f"{m.name} · {t('mode_' + m.mode, lang)}"
    if m.window_text:
        model += f" · {t('window', lang)} {m.window_text}"
    rows = []
    if source.files:
        rows.append((w("rep_files", lang), ", ".join(source.files), True))
    rows.append((w("rep_period", lang), period_text(result), False))
    rows.append((w("rep_model", lang), model, False))
    if source.command:
        rows.append((w("rep_command", lang), source.command, True))
    rows.append((w("rep_made_by", lang), f"cjtool {__version__}", False))
    return (
        "<dl>"
        + "".join(
            f"<dt>{html.escape(k)}</dt><dd>{f'<code>{html.escape(v)}</code>' if code else html.escape(v)}</dd>"
            for k, v, code in rows
        )
        + "</dl>"
    )


def _figure(name: str, data: bytes, alt_text: str, lang: str) -> str:
    """A picture embedded (offline), linked to its full-size file in the folder."""
    b64 = base64.b64encode(data).decode("ascii")
    alt, full = html.escape(alt_text), html.escape(w("rep_open_full", lang))
    return (
        f'<figure><a href="{name}" title="{full}"><img alt="{alt}" src="data:image/png;base64,{b64}"></a>'
        f'<figcaption>{alt} <a href="{name}">{full}</a></figcaption></figure>'
    )


def report_html(
    result: JourneyMap,
    images: dict[str, bytes],
    lang: str = "en",
    top: int = 10,
    source: ReportSource | None = None,
    extras: ReportExtras | None = None,
) -> str:
    m = result.model
    source = source or ReportSource()
    title = m.title.get(lang)
    body = [
        "<main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="sub">{html.escape(summary_line(result, lang).replace("**", ""))} · '
        f"{html.escape(t('period', lang))} {html.escape(period_text(result))}</p>",
        f"<h2>{html.escape(w('rep_summary', lang))}</h2>",
        _decision_html(result, lang),
        _kpis(result, lang),
        '<ul class="facts">' + "".join(f"<li>{html.escape(x)}</li>" for x in summary_sentences(result, lang)) + "</ul>",
        f"<h2>{html.escape(w('rep_pictures', lang))}</h2>",
    ]
    alts = alt_texts(result, lang)
    for name in IMAGES:
        if name not in images:
            continue
        body.append(_figure(name, images[name], alts.get(name, name), lang))
    if "priority_matrix.png" not in images and not has_scores(result):
        body.append(f'<p class="note">{html.escape(w("rep_no_matrix", lang))}</p>')
    body.append(f"<h2>{html.escape(t('funnel', lang))}</h2>")
    header, rows = stage_table(result, lang)
    body.append(table_html(header, rows, STAGE_ALIGN))
    body.append(f"<h2>{html.escape(t('pain_points', lang))}</h2>")
    header, rows = touchpoint_table(result, lang, top)
    body.append(table_html(header, rows, TOUCHPOINT_ALIGN, classes=["pain" if i < 3 else "" for i in range(len(rows))]))
    body.append(_more(sum(tp.rank is not None for tp in result.touchpoints) - len(rows), lang))
    if result.unassigned:
        body.append(f"<h2>{html.escape(t('unassigned', lang))}</h2>")
        body.append(
            table_html(
                [t("touchpoint", lang), t("events", lang)],
                [[tp, fmt_int(n)] for tp, n in result.unassigned[:top]],
                "lr",
            )
        )
        body.append(_more(len(result.unassigned) - top, lang))
        body.append(f'<p class="note">{html.escape(t("unassigned_hint", lang))}</p>')
    for sec in sections(extras or ReportExtras(), lang, top):
        body.append(markdown_html(sec.markdown))
        body += [_figure(name, images[name], caption, lang) for name, caption in sec.pictures if name in images]
    body.append(f"<h2>{html.escape(w('rep_legend', lang))}</h2>")
    body.append(_legend(result, lang))
    body.append(f"<h2>{html.escape(w('rep_source', lang))}</h2>")
    body.append(_source(result, source, lang))
    body.append("</main>")
    text = "\n".join(b for b in body if b)
    from cjtool.render.fonts import web_font_css  # imports matplotlib: not at CLI start-up

    font = web_font_css(title + text)
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{font}{_CSS}</style></head><body>",
    ]
    return "\n".join([*head, text, "</body></html>"]) + "\n"


def write_report(
    result: JourneyMap,
    out_dir: str | Path,
    lang: str = "en",
    top: int = 10,
    source: ReportSource | None = None,
    extras: ReportExtras | None = None,
) -> list[Path]:
    """Write the report folder; returns the files written.

    Everything is drawn into a temporary folder next to ``out_dir`` first, then moved in:
    an interrupted or failing run leaves the previous report whole (not half old, half
    new) and no partial files."""
    # lazy: matplotlib, only when a picture is drawn
    from cjtool.render.png import save_funnel, save_journey_map, save_priority_matrix

    out = Path(out_dir)
    extras = extras or ReportExtras()
    pictures = images_for(result)
    extra_pictures = [name for sec in sections(extras, lang, top) for name, _ in sec.pictures]
    names = [*pictures, *extra_pictures, "map.json", "report.md", "index.html"]
    # a picture of an earlier run that the data or the options no longer ask for goes
    gone = [n for n in (*IMAGES, *ALL_PICTURES) if n not in names]
    with output_folder(out, names, remove=gone) as work:
        savers = {
            "journey_map.png": save_journey_map,
            "priority_matrix.png": save_priority_matrix,
            "funnel.png": save_funnel,
        }
        images = {}
        for name in pictures:
            savers[name](result, work / name, lang=lang)
            images[name] = (work / name).read_bytes()
        images.update(draw(extras, work, lang))
        write_file(work / "map.json", to_json(result, lang))
        write_file(work / "report.md", report_markdown(result, lang, top, extras))
        write_file(work / "index.html", report_html(result, images, lang, top, source, extras))
    return [out / n for n in names]
