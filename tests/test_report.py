"""`cjtool report`: the folder, its self-contained HTML, the Markdown for CI, determinism."""

from __future__ import annotations

import io
import json
import re

import polars as pl
import pytest
from fontTools.ttLib import TTFont

from cjtool.errors import ExitCode
from tests.conftest import EXAMPLES

ARGS = (EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml")
FILES = ["funnel.png", "index.html", "journey_map.png", "map.json", "priority_matrix.png", "report.md"]


def test_report_folder(cli, tmp_path):
    out = tmp_path / "report"
    r = cli("report", *ARGS, "--out", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == FILES
    for png in ("funnel.png", "journey_map.png", "priority_matrix.png"):
        assert (out / png).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    mapped = json.loads(cli("map", *ARGS, "-f", "json").stdout)
    assert json.loads((out / "map.json").read_text(encoding="utf-8")) == mapped


def test_html_is_self_contained(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count('src="data:image/png;base64,') == 3
    assert "checkout" in html and "Funnel by stage" in html


def test_markdown_for_ci(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "data:" not in md  # job summaries strip data: URIs
    assert not re.search(r"!\[[^\]]*\]\(", md) and "<img" not in md  # job summaries cannot load them
    assert "`journey_map.png`" in md  # named, for the uploaded artifact
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "journey" and lines[1].startswith("    title ")
    assert "    section Interest" in lines
    # checkout: CSAT 2.20 on 1..5 -> Mermaid score round(1 + 4 * 1.2 / 4) = 2
    assert "      checkout (2.2): 2" in lines
    assert all(":" not in line.split(":")[0] for line in lines[2:])


def test_report_is_byte_identical_on_rerun(cli, tmp_path):
    out = tmp_path / "rep"
    cli("report", *ARGS, "--out", out)
    first = {name: (out / name).read_bytes() for name in FILES}
    cli("report", *ARGS, "--out", out)
    for name in FILES:
        assert (out / name).read_bytes() == first[name], name


def test_report_in_chinese(cli, tmp_path):
    r = cli(
        "report",
        EXAMPLES / "zh" / "旅程事件_gbk.csv",
        "-m",
        EXAMPLES / "zh" / "旅程模型.yaml",
        "--lang",
        "zh",
        "--out",
        tmp_path,
    )
    assert r.exit_code == 0, r.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "section 购买" in md and "结算" in md and "阶段漏斗" in md


def test_report_into_a_file_path_fails_cleanly(cli, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    r = cli("report", *ARGS, "--out", target)
    assert r.exit_code == ExitCode.OUTPUT
    assert "not a folder" in r.stderr
    assert target.read_text(encoding="utf-8") == "x"


def test_failed_report_leaves_the_previous_one_whole(cli, tmp_path, monkeypatch):
    out = tmp_path / "rep"
    assert cli("report", *ARGS, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from cjtool.render import report

    def broken(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "report_html", broken)  # fails after the pictures are drawn
    r = cli("report", EXAMPLES / "zh" / "旅程事件.csv", "-m", EXAMPLES / "zh" / "旅程模型.yaml", "--out", out)
    assert r.exit_code == ExitCode.INTERRUPTED
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]  # no temporary folder left


ZH_ARGS = (EXAMPLES / "zh" / "旅程事件.csv", "-m", EXAMPLES / "zh" / "旅程模型.yaml", "--lang", "zh")


@pytest.fixture(scope="module")
def no_scores(tmp_path_factory):
    """The shipped example without its score columns: what many exports look like."""
    path = tmp_path_factory.mktemp("data") / "noscores.csv"
    pl.read_csv(EXAMPLES / "aipl_events.csv", infer_schema_length=0).drop("satisfaction", "nps", "effort").write_csv(
        path
    )
    return path


def _embedded_font(page: str) -> TTFont:
    m = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert m, "no embedded font"
    import base64

    return TTFont(io.BytesIO(base64.b64decode(m.group(1))))


def _visible_text(page: str) -> str:
    import html as h

    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    body = re.sub(r'src="data:[^"]*"', "", body)
    return h.unescape(re.sub(r"<[^>]*>", " ", body)) + " ".join(
        h.unescape(a) for a in re.findall(r'alt="([^"]*)"', body)
    )


def test_chinese_html_embeds_a_subset_of_exactly_the_cjk_glyphs_it_uses(cli, tmp_path):
    assert cli("report", *ZH_ARGS, "--out", tmp_path).exit_code == 0
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    font = _embedded_font(page)
    used = {ord(ch) for ch in _visible_text(page) if ord(ch) >= 0x2E80}
    assert used and {ord("旅"), ord("程"), ord("结")} <= used
    assert set(font.getBestCmap()) == used  # every CJK glyph the page shows, nothing else
    assert '"cjtool CJK"' in page.split("body{font-family:", 1)[1].split(",", 1)[0]  # first in the stack
    assert len(page.encode()) - sum(len(m) for m in re.findall(r"data:image/png;base64,[^\"]*", page)) < 200_000


def test_english_html_embeds_no_font(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    assert "@font-face" not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_summary_comes_first_with_the_facts_that_matter(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    summary = page.split("<h2>Summary</h2>", 1)[1].split("<h2>", 1)[0]
    assert page.index("<h2>Summary</h2>") < page.index("<img")
    d = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    entered, completed = d["customers"]["entered"], d["customers"]["completed"]
    assert f"{entered:,} customers entered the journey; {completed:,}" in summary
    # the worst step is the largest share lost between two stages
    st = d["stages"]
    shares = [(s["drop_off"] / s["customers"], i) for i, s in enumerate(st[:-1]) if s["customers"]]
    _, i = max(shares)
    assert f"The biggest loss is {st[i]['label']} → {st[i + 1]['label']}" in summary
    assert "Top pain points: #1 checkout" in summary
    assert "Gates: " in summary  # the example model has gates
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "- The biggest loss is Interest → Purchase" in md


def test_html_says_where_the_data_came_from_and_how(cli, tmp_path):
    out = tmp_path / "rep"
    cli("report", *ARGS, "--out", out, "--top", "5")
    page = (out / "index.html").read_text(encoding="utf-8")
    source = page.split("<h2>Data and method</h2>", 1)[1]
    assert "aipl_events.csv" in source and "2026-01-01 – 2026-03-31" in source
    assert "--top 5" in source and f"--out {out}" in source
    assert "CSAT</dt>" in page and "NPS</dt>" in page  # the abbreviations explained


def test_html_respects_top_and_says_how_many_more(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path, "--top", "4")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    table = page.split("<h2>Pain points: touchpoints by priority</h2>", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == 1 + 4
    ranked = sum(tp["rank"] is not None for tp in json.loads((tmp_path / "map.json").read_text())["touchpoints"])
    assert f"… {ranked - 4} more" in page


def test_html_images_open_full_size_and_have_describing_alt_texts(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in ("journey_map.png", "priority_matrix.png", "funnel.png"):
        assert f'<a href="{name}"' in page and (tmp_path / name).exists()
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert len(alts) == 3
    assert alts[0].startswith("Journey map of AIPL") and "Interest 2,516" in alts[0]
    assert "#1 checkout" in alts[1]
    assert alts[2].startswith("Funnel: Awareness")


def test_report_without_scores_leaves_out_what_needs_them_and_says_why(cli, tmp_path, no_scores):
    out = tmp_path / "rep"
    r = cli("report", no_scores, "-m", EXAMPLES / "aipl.yaml", "--out", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [n for n in FILES if n != "priority_matrix.png"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<img") == 2
    assert "No priority matrix: the data has no satisfaction scores" in page
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "```mermaid" not in md and "No Mermaid journey: the data has no satisfaction scores" in md
    assert "No priority matrix" in md


def test_a_rerun_without_scores_removes_the_old_matrix(cli, tmp_path, no_scores):
    out = tmp_path / "rep"
    cli("report", *ARGS, "--out", out)
    assert (out / "priority_matrix.png").exists()
    cli("report", no_scores, "-m", EXAMPLES / "aipl.yaml", "--out", out)
    assert not (out / "priority_matrix.png").exists()


def test_mermaid_journey_lists_every_stage(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    sections = [ln.strip().removeprefix("section ") for ln in block.splitlines() if ln.strip().startswith("section ")]
    assert sections == ["Awareness", "Interest", "Purchase", "Loyalty"]
    lines = block.splitlines()
    # Awareness has no scored touchpoint: one task says so (Mermaid needs a task to draw a section)
    i = lines.index("    section Awareness")
    assert lines[i + 1] == "      no scores · 3,942 customers: 3"


# --------------------------------------------------------------------------- analysis sections

SECTION_PICTURES = {"segments.png", "compare.png", "paths_flow.png", "paths_heatmap.png", "paths_removal.png"}


def test_default_report_has_moments_only(cli, tmp_path):
    cli("report", *ARGS, "--out", tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "## Key moments" in md and "<h2>Key moments" in html
    for absent in ("## Segments", "## Comparison", "## Paths"):
        assert absent not in md
    assert not SECTION_PICTURES & {p.name for p in tmp_path.iterdir()}


def section(md: str, heading: str) -> str:
    """The text of the level-2 section that starts with ``heading``."""
    text = ("## " + heading + md.split("\n## " + heading, 1)[1]).split("\n## ", 1)[0]
    return text.split("\n_Pictures", 1)[0].strip()


def test_sections_equal_their_commands_output(cli, tmp_path):
    out = tmp_path / "rep"
    r = cli("report", *ARGS, "--out", out, "--by", "variant", "--paths", "-q")
    assert r.exit_code == 0, r.output
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "## Comparison" not in md
    assert SECTION_PICTURES - {"compare.png"} <= {p.name for p in out.iterdir()}
    assert not re.search(r"!\[[^\]]*\]\(", md) and "data:" not in md and "<img" not in md
    assert html.count('src="data:image/png;base64,') == 3 + 1 + 4
    moments = cli("moments", *ARGS, "-f", "md", "-q").stdout
    assert section(md, "Key moments") == moments.strip()
    segments = cli("map", *ARGS, "--by", "variant", "-f", "md", "-q").stdout.replace("## ", "### ")
    assert section(md, "Segments") == "## Segments\n\n" + segments.strip()
    paths = cli("paths", *ARGS, "-f", "markdown", "-q").stdout
    assert section(md, "Paths") == paths.strip()
    best = json.loads(cli("paths", *ARGS, "-f", "json", "-q").stdout)["channels"]["removal_effect"][0]
    assert f'<td>{best["channel"]}</td><td class="n">{best["effect"]:.3f}</td>' in html


def test_comparison_section_equals_compare(cli, tmp_path):
    r = cli("report", *ARGS, "--out", tmp_path, "--by", "variant", "--baseline", "control", "-q")
    assert r.exit_code == 0, r.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    want = cli("compare", *ARGS, "--by", "variant", "--baseline", "control", "-f", "md", "-q").stdout
    assert section(md, "Comparison") == "## Comparison\n\n" + want.strip()
    # a stored map as the baseline; the pictures of the earlier run's options go
    stored = tmp_path / "last.json"
    stored.write_text(cli("map", *ARGS, "-f", "json").stdout, encoding="utf-8")
    r = cli("report", *ARGS, "--out", tmp_path, "--baseline", stored, "-q")
    assert r.exit_code == 0, r.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    want = cli("compare", *ARGS, "--baseline-map", stored, "-f", "md", "-q").stdout
    assert section(md, "Comparison") == "## Comparison\n\n" + want.strip() and "## Segments" not in md
    names = {p.name for p in tmp_path.iterdir()}
    assert "compare.png" in names and "segments.png" not in names


def test_sections_are_byte_identical_on_rerun(cli, tmp_path):
    args = ("--by", "variant", "--baseline", "control", "--paths", "-q")
    cli("report", *ARGS, "--out", tmp_path, *args)
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    cli("report", *ARGS, "--out", tmp_path, *args)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first


def test_customers_without_by_is_a_usage_error(cli, tmp_path):
    r = cli("report", *ARGS, "--out", tmp_path, "--customers", EXAMPLES / "customers.csv")
    assert r.exit_code == ExitCode.USAGE and "--by" in r.output
