"""Names from the data cannot run CI workflow commands or terminal escapes (issue 21, 1-4).

Every command is run on an export whose names hold newlines followed by workflow commands,
ESC sequences (clipboard write, clear screen), line separators, `$` and Markdown: no line
of any output may start a workflow command, and no control character may reach the output
raw; JSON keeps the names exactly."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rich.table import Table

from cjtool.safe_text import SafeConsole, guard, visible

HOSTILE = [
    "ad\n::error::pwned",
    "::stop-commands::tok",
    "x\x1b]52;c;SGVsbG8=\x07y",
    "sale\u2028- [x](javascript:alert(1))",
    "price $x$ \\frac{1}{2}",
    '=HYPERLINK("http://e")',
    "##[error]legacy",
    "\x1b[2Jclear\r::warning::cr",
    "nel\x85::notice::x",
    "[/y]",  # rich markup: closed a tag nobody opened (MarkupError, exit 70)
    "[link=https://e.example]x[/link] :smile:",  # a hidden link and an emoji code
]
MODEL = """\
name: hostile
window: 30d
stages:
  - id: aware
    touchpoints: [ad_impression]
    match: "pwned|stop|SGVs|sale|price|HYPER|legacy|clear|nel|link"
  - id: interest
    touchpoints: [product_view]
  - id: purchase
    touchpoints: [order_paid]
"""
# what may never appear in cjtool's output: a line starting a workflow command (but cjtool's
# own check annotation), the legacy command anywhere, any control character but \n and \t
COMMAND_LINE = re.compile(r"^\s*::(?!error title=cjtool check::)", re.MULTILINE)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _write(tmp_path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "variant"])
    for i in range(40):
        cid = f"c{i}" if i % 5 else f"c{i}\n::error::id"
        name = HOSTILE[i % len(HOSTILE)]
        w.writerow([cid, "2026-03-01T10:00:00Z", name, HOSTILE[(i + 1) % len(HOSTILE)], 1 + i % 5, HOSTILE[i % 2]])
        if i % 2:
            w.writerow([cid, "2026-03-02T10:00:00Z", "product_view", "web", 4, HOSTILE[i % 2]])
        if i % 4 == 1:
            w.writerow([cid, "2026-03-03T10:00:00Z", "order_paid", "app", 2, HOSTILE[i % 2]])
    events = tmp_path / "hostile.csv"
    events.write_text(buf.getvalue(), encoding="utf-8")
    model = tmp_path / "hostile.yaml"
    model.write_text(MODEL, encoding="utf-8")
    return str(events), str(model)


def _assert_inert(text: str, where: str) -> None:
    assert not COMMAND_LINE.search(text), f"{where}: a line starts a workflow command:\n{text}"
    assert "##[" not in text, f"{where}: legacy workflow command"
    bad = RAW_CONTROL.search(text)
    assert not bad, f"{where}: raw control character {bad.group()!r}"


COMMANDS = [
    ["map"],
    ["map", "-f", "csv"],
    ["map", "-f", "csv", "--table", "stages"],
    ["map", "-f", "md"],
    ["map", "--by", "variant"],
    ["map", "--by", "variant", "-f", "csv"],
    ["paths"],
    ["paths", "-f", "csv"],
    ["moments"],
    ["moments", "-f", "csv"],
    ["compare", "--by", "variant", "--baseline", HOSTILE[0]],
    ["customers", "-f", "csv"],
    ["customers"],
    ["check", "--min-satisfaction", f"{HOSTILE[0]}=4", "--min-conversion", "purchase=0.9"],
    ["check", "--by", "variant", "--min-conversion", "purchase=0.9"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a).replace("\n", "|")[:40])
def test_no_command_or_escape_reaches_the_output(cli, tmp_path, args):
    events, model = _write(tmp_path)
    r = cli(args[0], events, "-m", model, *args[1:], env={"GITHUB_ACTIONS": "true", "FORCE_COLOR": "1"})
    assert r.exit_code in (0, 1), r.output
    assert "Traceback" not in r.stderr
    assert "]8;" not in r.stdout  # no OSC 8 hyperlink made from a name's markup
    r = cli(args[0], events, "-m", model, *args[1:], env={"GITHUB_ACTIONS": "true"})
    assert r.exit_code in (0, 1), r.output
    _assert_inert(r.stdout, f"{args} stdout")
    _assert_inert(r.stderr, f"{args} stderr")


def test_check_annotations_stay_one_line_each(cli, tmp_path):
    events, model = _write(tmp_path)
    r = cli("check", events, "-m", model, "--min-satisfaction", f"{HOSTILE[0]}=4", env={"GITHUB_ACTIONS": "true"})
    assert r.exit_code == 1
    own = [line for line in r.stdout.splitlines() if line.startswith("::error title=cjtool check::")]
    assert len(own) == 1 and "%0A" in own[0]  # the name's newline escaped as GitHub reads it


def test_json_keeps_the_names_exactly(cli, tmp_path):
    events, model = _write(tmp_path)
    r = cli("map", events, "-m", model, "-f", "json")
    assert r.exit_code == 0
    _assert_inert(r.stdout, "json")
    doc = json.loads(r.stdout)
    names = {tp["touchpoint"] for tp in doc["touchpoints"] + doc["unassigned_touchpoints"]}
    assert set(HOSTILE) <= names  # `[/y]` is unassigned: the table of those crashed on it


def test_report_with_line_separators_and_dollars(cli, tmp_path):
    events, model = _write(tmp_path)
    out = tmp_path / "report"
    r = cli("report", events, "-m", model, "--out", str(out))
    assert r.exit_code == 0, r.output  # U+2028 crashed the Markdown-to-HTML step (exit 70)
    md = (out / "report.md").read_text(encoding="utf-8")
    _assert_inert(md, "report.md")
    assert "sale\\\\u2028-" in md  # Markdown shows the escape: its backslash escaped
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html.replace('<script type="application/json"', "")
    assert not re.search("[\x00-\x08\x0b-\x1f\u2028]", html)


def test_pictures_draw_dollars_as_text(cli, tmp_path):
    events, model = _write(tmp_path)
    for args in (["paths", "--png", str(tmp_path / "p.png")], ["moments", "--png", str(tmp_path / "m.png")]):
        r = cli(args[0], events, "-m", model, *args[1:])
        assert r.exit_code == 0, r.output
    r = cli(
        "compare", events, "-m", model, "--by", "variant", "--baseline", HOSTILE[0], "--png", str(tmp_path / "c.png")
    )
    assert r.exit_code == 0, r.output
    assert all((tmp_path / n).stat().st_size > 1000 for n in ("p.png", "m.png", "c.png"))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain name", "plain name"),
        ("认知 阶段", "认知 阶段"),
        ("a\nb", "a\\nb"),
        ("::error::x", "\\u003a:error::x"),
        ("  ::x", "  \\u003a:x"),
        ("a::b", "a::b"),  # not at the start of a line: no command
        ("x##[error]y", "x#\\u0023[error]y"),
        ("\x1b]52;c;AA\x07", "\\u001b]52;c;AA\\u0007"),
        ("a\u2028b\u2029c\x85d", "a\\u2028b\\u2029c\\u0085d"),
        ("ab\u202ecd", "ab\\u202ecd"),  # a right-to-left override would reorder what is read
    ],
)
def test_visible(name, shown):
    assert visible(name) == shown
    assert visible(visible(name)) == shown  # idempotent: renderers may apply it twice


def test_guard_keeps_layout_and_json():
    assert guard("a\tb\nc\n") == "a\tb\nc\n"
    assert guard("ok\n  ::error::x\n") == "ok\n  \\u003a:error::x\n"
    doc = json.dumps({"n": "x\u2028\x85##[y\x7f"}, ensure_ascii=False)
    assert json.loads(guard(doc)) == {"n": "x\u2028\x85##[y\x7f"}  # the escapes are JSON's too
    assert not RAW_CONTROL.search(guard(doc))


@pytest.mark.parametrize("color", [None, "truecolor"])
def test_safe_console_escapes_cells_but_keeps_its_own_colours(color):
    buf = io.StringIO()
    console = SafeConsole(file=buf, width=60, color_system=color, force_terminal=bool(color))
    table = Table("name")
    table.add_row("x\x1b]52;c;AA\x07\n::error::y")
    console.print(table, style="red")
    out = buf.getvalue()
    assert "]52;" in out and "\x1b]52" not in out and "\x07" not in out
    assert not COMMAND_LINE.search(re.sub(r"\x1b\[[0-9;]*m", "", out))
    assert ("\x1b[" in out) is bool(color)  # rich's own style codes stay on a terminal


def test_the_customer_tables_polars_cells_equal_the_python_cells():
    """The customer table neutralises its text cells in polars (millions of rows): the same
    as ``machine.neutralise`` cell by cell."""
    import polars as pl

    from cjtool.render.customers_out import _neutralised
    from cjtool.render.machine import neutralise

    values = [*HOSTILE, "  ::x", "a::b", "-5", "@sum", "plain", "认知", None]
    got = _neutralised(pl.DataFrame({"c": values}))["c"].to_list()
    assert got == [None if v is None else neutralise(v) for v in values]


def test_ids_starting_with_colons_stay_exact_in_csv(cli, tmp_path):
    """An IPv6-like customer id (`::1`) reads back from the CSV as written: its field is
    quoted rather than escaped, so no line starts a workflow command and joins still work."""
    import csv as csvmod

    events = tmp_path / "v6.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint\n::1,2026-01-01,ad\n::ffff:10.0.0.2,2026-01-02,ad\nc3,2026-01-01,ad\n",
        encoding="utf-8",
    )
    model = tmp_path / "m.yaml"
    model.write_text("name: m\nstages:\n  - id: a\n    touchpoints: [ad]\n  - id: b\n    touchpoints: [x]\n")
    r = cli("customers", events, "-m", model, "-f", "csv")
    assert r.exit_code == 0, r.output
    _assert_inert(r.stdout, "customers csv")
    ids = [row["customer_id"] for row in csvmod.DictReader(io.StringIO(r.stdout))]
    assert ids == ["::1", "::ffff:10.0.0.2", "c3"]
