"""The CLI as a user drives it: outputs, formats, exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cjtool.api import map_journey
from cjtool.errors import ExitCode
from cjtool.model import load_model
from tests.conftest import EXAMPLES, SMALL_EVENTS


def test_version_and_help(cli):
    r = cli("--version")
    assert r.exit_code == 0 and r.stdout.startswith("cjtool ")
    r = cli("--help")
    assert r.exit_code == 0
    for command in ("map", "validate", "check", "report", "models", "init"):
        assert command in r.stdout
    assert "Exit codes" in r.stdout


def test_python_dash_m_runs():
    r = subprocess.run([sys.executable, "-m", "cjtool", "--version"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and r.stdout.startswith("cjtool ")


def test_map_json_hand_computed(cli, small):
    model, events = small
    r = cli("map", events, "-m", model, "-f", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["schema"] == "cjtool.map/2"
    assert d["rows"]["read"] == 9 and d["rows"]["rejected"] == 1
    assert d["events"] == {"assigned": 7, "unassigned": 1}
    # c2 (depth 2) started at 03:00 and the data end at 03:10: its 1 h window is still open
    assert d["customers"] == {"total": 3, "entered": 2, "completed": 1, "in_progress": 1, "churned": None}
    assert d["t_end"] == "2024-01-01T03:10:00Z"
    assert [s["in_progress"] for s in d["stages"]] == [0, 1, 0]
    assert [s["customers"] for s in d["stages"]] == [2, 2, 1]
    assert [s["drop_off"] for s in d["stages"]] == [0, 1, None]
    # c1: view 30 min after its ad; c2: 10 min after its second ad (the first is 3 h before: outside 1 h)
    assert [s["median_time_to_convert_s"] for s in d["stages"]] == [None, 1200.0, 1200.0]
    assert d["stages"][1]["satisfaction"] == 2.5 and d["stages"][1]["nps"] == -100.0
    assert d["stages"][2]["nps"] == 100.0 and d["stages"][2]["effort"] == 3.0
    tps = [(t["touchpoint"], t["exits"], t["rank"]) for t in d["touchpoints"]]
    # exits add up to each stage's drop-off: c3 never entered (no exit), c2 stopped at view
    assert tps == [("view", 1, 1), ("buy_now", 0, 2), ("ad", 0, 3)]
    # view: drop-off 1/3, satisfaction 2.5 -> dissatisfaction 1 - 1.5/4 = 0.625
    assert d["touchpoints"][0]["priority"] == pytest.approx((1 / 3 + 0.625) / 2)
    assert d["unassigned_touchpoints"] == [{"touchpoint": "login", "events": 1}]


def test_map_json_equals_library(cli, small):
    model, events = small
    r = cli("map", events, "-m", model, "-f", "json")
    lib = map_journey([str(events)], load_model(model)).to_dict()
    assert json.loads(r.stdout) == json.loads(json.dumps(lib))


def test_json_is_deterministic(cli):
    args = ("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "json")
    assert cli(*args).stdout == cli(*args).stdout


def test_stdin_dash(cli, small):
    model, _ = small
    r = cli("map", "-", "-m", model, "-f", "json", input=SMALL_EVENTS)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["customers"]["total"] == 3


def test_several_files_in_order(cli, small, tmp_path):
    model, events = small
    lines = SMALL_EVENTS.splitlines(keepends=True)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("".join(lines[:5]), encoding="utf-8")
    b.write_text(lines[0] + "".join(lines[5:]), encoding="utf-8")
    one = json.loads(cli("map", events, "-m", model, "-f", "json").stdout)
    two = json.loads(cli("map", a, b, "-m", model, "-f", "json").stdout)
    # warnings name the file and line of a value, which differ
    assert len(one.pop("warnings")) == len(two.pop("warnings"))
    assert one == two


def test_csv_tables(cli, small):
    model, events = small
    r = cli("map", events, "-m", model, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["touchpoint"] for row in rows] == ["view", "buy_now", "ad"]
    assert rows[0]["rank"] == "1" and rows[0]["stage_label"] == "View"
    r = cli("map", events, "-m", model, "-f", "csv", "--table", "stages", "--lang", "zh")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["label"] for row in rows] == ["认知", "浏览", "购买"]
    assert rows[2]["conversion_from_previous"] == "0.5" and rows[2]["drop_off"] == ""


def test_csv_neutralises_formulas(cli, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text("stages:\n  - id: s\n    match: '.'\n", encoding="utf-8")
    events = tmp_path / "e.csv"
    events.write_text(
        'customer_id,timestamp,touchpoint\nc1,2024-01-01,=HYPERLINK("x")\nc2,2024-01-01,-5\n', encoding="utf-8"
    )
    out = cli("map", events, "-m", model, "-f", "csv").stdout
    cells = {row["touchpoint"] for row in csv.DictReader(io.StringIO(out))}
    assert cells == {'\'=HYPERLINK("x")', "'-5"}
    raw = cli("map", events, "-m", model, "-f", "csv", "--no-sanitize").stdout
    assert {row["touchpoint"] for row in csv.DictReader(io.StringIO(raw))} == {'=HYPERLINK("x")', "-5"}


def test_markdown(cli, small):
    model, events = small
    md = cli("map", events, "-m", model, "-f", "markdown").stdout
    assert md.startswith("## Small journey\n")
    assert "| Aware | 2 | — | 100.0% | 0 |" in md
    assert "| 1 | View | view | 3 | 1 | 33.3% | 2.50 |" in md
    assert "login" in md
    zh = cli("map", events, "-m", model, "-f", "markdown", "--lang", "zh").stdout
    assert zh.startswith("## 小旅程\n") and "阶段漏斗" in zh


def test_markdown_top_says_what_it_leaves_out(cli):
    md = cli("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "markdown", "--top", "1").stdout
    unassigned = md.split("Unassigned touchpoints")[1]
    assert "| app\\_open | 4,258 |" in unassigned and "unsubscribe" not in unassigned
    assert "… 4 more" in unassigned
    assert "`touchpoints:`" in unassigned  # the hint's code is code, not escaped backticks


@pytest.mark.parametrize("width", [80, 60, 44])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_fits_the_width_and_never_cuts_a_number(cli, lang, width):
    from rich.cells import cell_len

    r = cli(
        "map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "--lang", lang, env={"COLUMNS": str(width)}
    )
    assert r.exit_code == 0
    assert "\x1b[" not in r.stdout
    widest = max(cell_len(line) for line in r.stdout.splitlines())
    assert widest <= width, (lang, widest)
    assert "checkout" in r.stdout
    # the numbers shown are whole: checkout's priority and customers, the funnel counts
    d = json.loads(cli("map", EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-f", "json").stdout)
    for s in d["stages"]:
        assert f"{s['customers']:,}" in r.stdout
    checkout = next(t for t in d["touchpoints"] if t["touchpoint"] == "checkout")
    assert f" {checkout['priority']:.2f}" in r.stdout and "1,188" in r.stdout
    assert "…" not in "".join(line for line in r.stdout.splitlines() if "1,188" in line).split("1,188")[1]


def test_table_summary_and_sections(cli, small):
    model, events = small
    out = cli("map", events, "-m", model).stdout
    assert "3 customers · 2 entered · 1 completed · 1 row rejected · 1 event unassigned" in out
    assert "Funnel by stage" in out and "Pain points" in out and "Unassigned touchpoints" in out
    assert "20.0 min" in out  # median time to convert, in human units


def test_output_file_written_atomically(cli, small, tmp_path):
    model, events = small
    target = tmp_path / "out.json"
    r = cli("map", events, "-m", model, "-f", "json", "-o", target, "-q")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""  # no progress display off a terminal
    assert json.loads(target.read_text(encoding="utf-8"))["customers"]["total"] == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []


def test_output_format_follows_the_file_suffix(cli, small, tmp_path):
    model, events = small
    for name, starts in (("m.json", "{"), ("m.csv", "rank,stage"), ("m.md", "## "), ("m.txt", "")):
        assert cli("map", events, "-m", model, "-o", tmp_path / name, "-q").exit_code == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["customers"]["total"] == 3
    assert "─" in (tmp_path / "m.txt").read_text(encoding="utf-8")  # the table
    r = cli("map", events, "-m", model, "-o", tmp_path / "m.csv", "-f", "markdown", "-q")  # -f wins
    assert r.exit_code == 0 and (tmp_path / "m.csv").read_text(encoding="utf-8").startswith("## ")
    r = cli("map", events, "-m", model, "-o", tmp_path / "m.png")
    assert r.exit_code == 2 and "pictures are drawn with --png" in r.stderr and not (tmp_path / "m.png").exists()
    r = cli("check", events, "-m", model, "--min-conversion", "view=0.1", "-o", tmp_path / "g.json", "-q")
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["schema"] == "cjtool.check/1"
    r = cli("check", events, "-m", model, "--min-conversion", "view=0.1", "-o", tmp_path / "g.png")
    assert r.exit_code == 2 and "-o writes table, json, markdown, not pictures" in r.stderr and "--png" not in r.stderr


def test_bom_for_excel(cli, small, tmp_path):
    model, events = small
    assert cli("map", events, "-m", model, "-o", tmp_path / "x.csv", "--bom", "-q").exit_code == 0
    data = (tmp_path / "x.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrank,stage")
    assert cli("map", events, "-m", model, "-o", tmp_path / "y.csv", "-q").exit_code == 0
    assert data[3:] == (tmp_path / "y.csv").read_bytes()  # otherwise the same bytes
    r = cli("map", events, "-m", model, "-f", "json", "--bom")
    assert r.exit_code == 2 and "--bom is for --format csv" in r.stderr


def test_failed_run_leaves_existing_output_untouched(cli, small, tmp_path):
    model, _ = small
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("who,when\n1,2\n", encoding="utf-8")
    r = cli("map", bad, "-m", model, "-f", "json", "-o", target)
    assert r.exit_code == ExitCode.DATA
    assert target.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "events.csv", "out.json", "small.yaml"]


def test_unwritable_output(cli, small, tmp_path):
    model, events = small
    r = cli("map", events, "-m", model, "-f", "json", "-o", tmp_path / "no" / "such" / "dir.json")
    assert r.exit_code == ExitCode.OUTPUT
    assert "does not exist" in r.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("map", "missing.csv", "-m", "aipl"), ExitCode.DATA, "missing.csv: no such file"),
        (("map", "{events}", "-m", "aipx"), ExitCode.MODEL, "did you mean `aipl`?"),
        (("map", "{events}", "-m", "{model}", "--window", "30 days"), ExitCode.USAGE, "--window"),
        (("map", "{events}", "-m", "{model}", "--window", "1M"), ExitCode.USAGE, "write months as days"),
        (("map", "{events}", "-m", "{model}", "--column", "nonsense"), ExitCode.USAGE, "ROLE=HEADER"),
        (("map", "{events}", "-m", "{model}", "--format", "xml"), ExitCode.USAGE, ""),
        (
            ("map", "{events}", "-m", "{model}", "--column", "custmer_id=x"),
            ExitCode.USAGE,
            "did you mean `customer_id`?",
        ),
        (("map", "{events}", "-m", "{model}", "--top", "0"), ExitCode.USAGE, "--top"),
    ],
)
def test_errors_exit_codes(cli, small, args, code, message):
    model, events = small
    args = [a.format(events=events, model=model) for a in args]
    r = cli(*args)
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_error_is_one_line(cli, small):
    model, _ = small
    r = cli("map", "missing.csv", "-m", model)
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("cjtool: error: ")


def test_debug_shows_traceback(cli, small):
    model, _ = small
    r = cli("--debug", "map", "missing.csv", "-m", model)
    assert r.exit_code == ExitCode.DATA
    assert "Traceback" in r.stderr


def test_broken_pipe_is_quiet(tmp_path):
    script = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen([sys.executable, '-m', 'cjtool', 'map', {str(EXAMPLES / 'aipl_events.csv')!r}, "
        f"'-m', {str(EXAMPLES / 'aipl.yaml')!r}, '-f', 'csv'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close(); err = p.stderr.read(); code = p.wait()\n"
        "print(code); print(err.decode())\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, _, err = r.stdout.partition("\n")
    assert "BrokenPipe" not in err and "Traceback" not in err
    assert code.strip() in ("0", "-13")


def test_models_and_init(cli, tmp_path):
    r = cli("models")
    assert r.exit_code == 0
    for name in ("aipl", "5a", "b2b", "experience"):
        assert name in r.stdout
    zh = cli("models", "--lang", "zh", env={"COLUMNS": "80"}).stdout
    assert "认知" in zh and "说明" in zh and "消费者资产模型" in zh  # headings and descriptions in Chinese
    assert "…" not in zh  # long stage lists wrap; no stage label is cut
    assert "产品体验" in "".join(zh.split())  # b2b's sixth stage (was cut to `产品体 …`)
    target = tmp_path / "mine.yaml"
    r = cli("init", "aipl", "-o", target)
    assert r.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "# stages:" in text and "# window:" in text  # every key explained
    assert load_model(target).stages == load_model("aipl").stages
    r = cli("init", "aipl", "-o", target)
    assert r.exit_code == ExitCode.OUTPUT and "--force" in r.stderr
    assert cli("init", "aipl", "-o", target, "--force").exit_code == 0
    assert cli("init", "nope").exit_code == ExitCode.USAGE


def test_validate_reports(cli, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(
        "stages:\n"
        "  - id: a\n    match: 'view'\n"
        "  - id: b\n    touchpoints: [page_view, buy]\n"
        "  - id: c\n    touchpoints: [never_seen]\n",
        encoding="utf-8",
    )
    events = tmp_path / "e.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint\n1,2024-01-01,page_view\n1,2024-01-02,buy\n2,2024-01-01,login\n3,oops,buy\n4,2024-01-01\n",
        encoding="utf-8",
    )
    r = cli("validate", "-m", model, events)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "touchpoint `page_view` is listed in stage `b` but stage `a` comes first" in out
    assert "no event is assigned to stage `c`" in out
    assert "2 of 5 rows rejected (1 missing touchpoint, 1 bad timestamp)" in out
    assert "1 row with a different number of fields than the header (line 6); 1 short" in out
    assert "login (1)" in out
    assert "valid" in out


def test_validate_lists_every_model_problem(cli, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(
        "stagse: []\nwindow: 30 days\nstages:\n  - id: a\n    match: '(unclosed'\n  - id: a\n    touchpoints: [x]\n",
        encoding="utf-8",
    )
    r = cli("validate", "-m", model)
    assert r.exit_code == ExitCode.MODEL
    text = r.stdout + r.stderr
    assert "m.yaml:1: stagse: unknown key `stagse` (did you mean `stages`?)" in text
    assert "m.yaml:2: window:" in text
    assert "invalid regular expression in stage `a`" in text
    assert "duplicate stage id `a`" in text


def test_check_gates(cli):
    events, model = EXAMPLES / "aipl_events.csv", EXAMPLES / "aipl.yaml"
    r = cli("check", events, "-m", model, "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == ExitCode.GATE_FAILED
    failed = {(g["gate"], g["target"]) for g in doc["gates"] if not g["passed"]}
    assert ("max_drop_off", "checkout") in failed
    r = cli("check", events, "-m", "aipl", "--min-conversion", "purchase=0.05")
    assert r.exit_code == 0, r.output
    assert "PASS" in r.stdout and "1 of 1 gates passed" in r.stdout  # built-in models set no gates of their own
    r = cli("check", events, "-m", "aipl", "--min-conversion", "purchase=0.5")
    assert r.exit_code == ExitCode.GATE_FAILED and "FAIL" in r.stdout
    r = cli("check", events, "-m", "aipl", "--min-conversion", "nowhere=0.5")
    assert r.exit_code == ExitCode.USAGE and "not a stage id" in r.stderr
    r = cli("check", events, "-m", "aipl", "--max-drop-off", "checkout=30")
    assert r.exit_code == ExitCode.USAGE and "write 0.3 or 30%" in r.stderr
    r = cli("check", events, "-m", "aipl", "--max-drop-off", "checkout=50%", "-f", "json")
    assert r.exit_code == 0 and {"gate": "max_drop_off", "target": "checkout", "threshold": 0.5} in [
        {k: g[k] for k in ("gate", "target", "threshold")} for g in json.loads(r.stdout)["gates"]
    ]
    r = cli("check", events, "-m", "aipl", "--max-drop-off", "loyalty=0.5")
    assert r.exit_code == ExitCode.USAGE and "last stage" in r.stderr
    r = cli("check", events, "-m", "aipl", "--min-satisfaction", "chekout=3")
    assert r.exit_code == ExitCode.USAGE and "did you mean `checkout`?" in r.stderr
    r = cli("check", events, "-m", EXAMPLES / "aipl.yaml", "--lang", "zh")
    assert "checkout 流失率 <= 0.3" in r.stdout and "门禁：4 项中 2 项通过" in r.stdout
    assert "购买（purchase） 累计转化率" in r.stdout  # a stage by its label, then the id the gate uses


def test_check_values_are_the_map_values(cli):
    events, model = EXAMPLES / "aipl_events.csv", "aipl"
    d = json.loads(cli("map", events, "-m", model, "-f", "json").stdout)
    purchase = next(s for s in d["stages"] if s["id"] == "purchase")
    interest = next(s for s in d["stages"] if s["id"] == "interest")
    doc = json.loads(
        cli(
            "check",
            events,
            "-m",
            model,
            "-f",
            "json",
            "--min-conversion",
            "purchase=0",
            "--max-drop-off",
            "interest=1",
            "--min-satisfaction",
            "interest=0",
        ).stdout
    )
    values = {(g["gate"], g["target"]): g["value"] for g in doc["gates"]}
    assert values[("min_conversion", "purchase")] == purchase["conversion_from_first"]
    assert values[("max_drop_off", "interest")] == interest["drop_off"] / interest["customers"]
    assert values[("min_satisfaction", "interest")] == interest["satisfaction"]


def test_readme_documents_every_command(cli):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for command in ("map", "validate", "check", "report", "models", "init"):
        assert f"cjtool {command}" in readme
        assert cli(command, "--help").exit_code == 0


def test_interrupt_exits_130_and_leaves_no_file(cli, small, tmp_path, monkeypatch):
    from cjtool.cli import common

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    model, events = small
    monkeypatch.setattr(common, "journeys", interrupted)
    target = tmp_path / "out.json"
    r = cli("map", events, "-m", model, "-f", "json", "-o", target)
    assert r.exit_code == ExitCode.INTERRUPTED
    assert "interrupted" in r.stderr
    assert not target.exists()


def test_unexpected_error_is_reported_as_internal(cli, small, monkeypatch):
    from cjtool.cli import common

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    model, events = small
    monkeypatch.setattr(common, "journeys", broken)
    r = cli("map", events, "-m", model)
    assert r.exit_code == ExitCode.INTERNAL
    assert "internal error: ZeroDivisionError: boom" in r.stderr and "Traceback" not in r.stderr
