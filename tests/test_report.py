"""`cjtool report`: the folder, its self-contained HTML, the Markdown for CI, determinism."""

from __future__ import annotations

import json
import re

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
    assert "![journey map](journey_map.png)" in md
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "journey" and lines[1].startswith("    title ")
    assert "    section Interest" in lines
    # checkout: CSAT 2.20 on 1..5 -> Mermaid score round(1 + 4 * 1.2 / 4) = 2
    assert "      checkout (2.2): 2" in lines
    assert all(":" not in line.split(":")[0] for line in lines[2:])


def test_report_is_byte_identical_on_rerun(cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    cli("report", *ARGS, "--out", a)
    cli("report", *ARGS, "--out", b)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


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
