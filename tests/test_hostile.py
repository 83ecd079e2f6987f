"""Hostile inputs and surroundings (issue 21): unreadable files, blank attributes,
read-only targets, damaged numbers in models, long paths, huge segment counts, output
folders holding a user's files. Each test failed before its fix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cjtool.errors import ExitCode
from tests.conftest import EXAMPLES, ROOT

AIPL = EXAMPLES / "aipl_events.csv"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _with_blank_column(tmp_path: Path, name: str = "tier", value: str = "") -> Path:
    lines = AIPL.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "events.csv"
    out.write_text(
        "\n".join([f"{lines[0]},{name}"] + [f"{line},{value}" for line in lines[1:]]) + "\n", encoding="utf-8"
    )
    return out


# ------------------------------------------------------------------ 15: a blank --by column


@pytest.mark.parametrize("command", ["map", "customers", "compare"])
def test_by_an_all_blank_column_says_it_is_blank(cli, tmp_path, command):
    events = _with_blank_column(tmp_path)
    extra = ["--baseline", "gold"] if command == "compare" else []
    r = cli(command, events, "-m", "aipl", "--by", "tier", *extra, "-q")
    assert r.exit_code == ExitCode.USAGE
    assert "--by tier: the event column `tier` is blank in every event" in r.stderr
    assert "no such attribute" not in r.stderr
    r = cli("map", events, "-m", "aipl", "--by", "tiers", "-q")  # a column that is not there at all
    assert r.exit_code == ExitCode.USAGE and "--by tiers: no such attribute" in r.stderr


# ------------------------------------------------------------------ 17: unreadable inputs


def _unprivileged_command() -> list[str] | None:
    """A prefix that runs a command without the power to read any file: as root, root
    without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (util-linux `setpriv`), else nothing."""
    if not IS_ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_an_unreadable_file_is_a_clear_error_not_an_internal_one(tmp_path):
    prefix = _unprivileged_command()
    if prefix is None:
        pytest.skip("as root, dropping the file-permission capabilities needs `setpriv` and the right to drop them")
    locked = tmp_path / "locked.csv"
    shutil.copy(AIPL, locked)
    locked.chmod(0)
    model = tmp_path / "model.yaml"
    shutil.copy(EXAMPLES / "aipl.yaml", model)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cases = [
        ["map", locked, "-m", "aipl"],
        ["map", AIPL, "-m", locked],
        ["map", AIPL, "-m", model, "--customers", locked, "--by", "tier"],
        ["paths", locked, "-m", "aipl"],
        ["map", AIPL, locked, "-m", "aipl", "--partitions", "2"],
        ["init", "--from", locked, "-o", tmp_path / "draft.yaml"],
    ]
    for args in cases:
        r = subprocess.run(
            [*prefix, sys.executable, "-m", "cjtool", *map(str, args)], capture_output=True, text=True, env=env
        )
        assert r.returncode == ExitCode.DATA, (args, r.stderr)
        assert "internal error" not in r.stderr and "Traceback" not in r.stderr
        assert f"{locked}: " in r.stderr and "Permission denied" in r.stderr, r.stderr


def test_a_folder_given_as_an_input_file_is_a_clear_error(cli, tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for args in (
        ["map", folder, "-m", "aipl"],
        ["map", AIPL, "-m", folder],
        ["map", AIPL, "-m", "aipl", "--customers", folder, "--by", "tier"],
        ["check", AIPL, "-m", "aipl", "--baseline", folder],
    ):
        r = cli(*args, "-q")
        assert r.exit_code in (ExitCode.MODEL, ExitCode.DATA), (args, r.stderr)
        assert "internal error" not in r.stderr and str(folder) in r.stderr


# ------------------------------------------------------------------ 8: numbers, targets, partial results


@pytest.mark.parametrize("line", ["window: 9999999999999d", "churn_after: 9999999999999d", "window: 0.0000001s"])
def test_a_duration_out_of_range_is_refused_at_validate(cli, tmp_path, line):
    model = tmp_path / "m.yaml"
    model.write_text(
        "name: t\nstages:\n  - id: a\n    touchpoints: [livestream_view]\n  - id: b\n    match: '.'\n" + line + "\n",
        encoding="utf-8",
    )
    key = line.split(":")[0]
    for args in (["validate", "-m", model], ["map", AIPL, "-m", model, "-q"], ["customers", AIPL, "-m", model, "-q"]):
        r = cli(*args)
        assert r.exit_code == ExitCode.MODEL, (args, r.stderr)
        assert f"m.yaml:7: {key}: " in r.stderr and "internal error" not in r.stderr
    r = cli("map", AIPL, "-m", "aipl", "--window", "9999999999999d", "-q")
    assert r.exit_code == ExitCode.USAGE and "longer than 36,525 days" in r.stderr


def test_a_member_of_an_output_folder_that_fails_is_named_in_the_users_folder(tmp_path):
    from cjtool.errors import OutputError
    from cjtool.output import output_folder, write_file

    target = tmp_path / "rep"
    with pytest.raises(OutputError) as caught, output_folder(target, ["a.png"]) as work:
        (work / "a.png").mkdir()  # as a disk full would: the member cannot be written
        write_file(work / "a.png", "x")
    assert str(caught.value).startswith(f"{target / 'a.png'}: ") and ".tmp" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_moments_pictures_and_output_are_all_or_nothing(cli, tmp_path):
    (tmp_path / "x_importance.png").mkdir()  # the second picture cannot be written
    r = cli("moments", AIPL, "-m", "aipl", "-q", "--png", tmp_path / "x.png", "-o", tmp_path / "out.md")
    assert r.exit_code == ExitCode.OUTPUT and "x_importance.png: is a folder" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["x_importance.png"]  # no x.png, no out.md, no temp file
    (tmp_path / "x_importance.png").rmdir()
    r = cli("moments", AIPL, "-m", "aipl", "-q", "--png", tmp_path / "x.png", "-o", tmp_path / "out.md")
    assert r.exit_code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "x.png", "x_importance.png"]
    assert (tmp_path / "out.md").read_text(encoding="utf-8").strip() and r.stdout == ""


def _with_shops(tmp_path: Path, shops: int) -> Path:
    """The example with a `shop` column: 48 customers in `main`, the others each in a shop
    of their own (``shops`` in all)."""
    lines = AIPL.read_text(encoding="utf-8").splitlines()
    ids: dict[str, str] = {}
    out = [lines[0] + ",shop"]
    for line in lines[1:]:
        cust = line.split(",")[0]
        ids.setdefault(cust, "main" if len(ids) < 48 or len(ids) >= 48 + shops - 1 else f"s{len(ids):05d}")
        out.append(f"{line},{ids[cust]}")
    path = tmp_path / "shops.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_compare_by_an_attribute_with_many_values_pools_or_refuses(cli, tmp_path):
    import json

    events = _with_shops(tmp_path, 2000)
    r = cli("compare", events, "-m", "aipl", "--by", "shop", "--baseline", "main", "--segments", "-f", "json")
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)
    labels = [c["label"] for c in got["comparisons"]]
    assert len(labels) == 9 and labels[-1] == "(other)" and got["baseline"]["label"] == "main"
    told = re.fullmatch(
        r"`shop` has ([\d,]+) values besides main: the 8 with most customers are compared with it, "
        r"the other ([\d,]+) pooled into \(other\)",
        got["warnings"][0],
    )
    assert told is not None  # customers who never entered have no value: fewer than 1,999
    besides, pooled = (int(x.replace(",", "")) for x in told.groups())
    assert besides > 1900 and pooled == besides - 8
    r = cli("compare", events, "-m", "aipl", "--by", "shop", "--baseline", "main", "-q")  # an event column: A/B
    assert r.exit_code == ExitCode.USAGE
    assert f"--by shop: {besides + 1:,} values, and an A/B test compares at most 10 arms" in r.stderr
    few = _with_shops(tmp_path, 10)  # ten values: nothing pooled
    r = cli("compare", few, "-m", "aipl", "--by", "shop", "--baseline", "main", "--segments", "-f", "json")
    assert r.exit_code == 0 and "(other)" not in [c["label"] for c in json.loads(r.stdout)["comparisons"]]


# ------------------------------------------------------------------ 11: a gate names a touchpoint of the run


def test_check_by_accepts_a_gate_on_a_touchpoint_a_segment_lacks(cli, small, tmp_path):
    import json

    from tests.conftest import SMALL_EVENTS

    model, _ = small
    events = tmp_path / "tiers.csv"
    lines = SMALL_EVENTS.splitlines()
    tiers = {"c1": "gold", "c2": "free", "c3": "free", "c4": "free", "c5": "free"}
    events.write_text(
        "\n".join([lines[0] + ",tier"] + [f"{line},{tiers[line.split(',')[0]]}" for line in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    # buy_now is assigned by `match: buy`, and only gold customers (c1) have it
    r = cli("check", events, "-m", model, "--by", "tier", "--min-satisfaction", "buy_now=1", "-f", "json", "-q")
    assert r.exit_code == ExitCode.GATE_FAILED, r.stderr
    gates = {g["segment"]: g for g in json.loads(r.stdout)["gates"]}
    assert gates["tier=gold"]["passed"] and gates["tier=gold"]["value"] == 2.0
    assert gates["tier=free"]["value"] is None and not gates["tier=free"]["passed"]  # no data fails, as documented
    r = cli("check", events, "-m", model, "--by", "tier", "--min-satisfaction", "buy_later=1", "-q")
    assert r.exit_code == ExitCode.USAGE and "neither a stage id nor a touchpoint" in r.stderr


# ------------------------------------------------------------------ 9: gates a baseline cannot run


@pytest.fixture(scope="module")
def no_scores(tmp_path_factory) -> tuple[Path, Path]:
    """(events, map JSON) of the example exported without its score columns."""
    import polars as pl
    from typer.testing import CliRunner

    from cjtool.cli.app import app

    folder = tmp_path_factory.mktemp("noscore")
    events = folder / "noscore.csv"
    pl.read_csv(AIPL, infer_schema=False).drop(["satisfaction", "nps", "effort"]).write_csv(events)
    stored = folder / "noscore.json"
    r = CliRunner().invoke(app, ["map", str(events), "-m", "aipl", "-f", "json", "-q", "-o", str(stored)])
    assert r.exit_code == 0
    return events, stored


def test_check_says_which_gates_a_baseline_without_scores_cannot_run(cli, no_scores):
    import json

    _, stored = no_scores
    r = cli("check", AIPL, "-m", "aipl", "--baseline", stored, "-f", "json", "-q")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(g["metric"], g["first"]) for g in doc["not_run"]] == [("satisfaction", "interest"), ("nps", "purchase")]
    assert doc["not_run"][0]["text"].startswith("18 CSAT tests could not run: the baseline has no CSAT answers")
    assert all(g["gate"] == "no_regression" for g in doc["gates"])
    table = cli("check", AIPL, "-m", "aipl", "--baseline", stored, "-q")
    assert "Not run against the baseline:" in table.stdout and "8 NPS tests could not run" in table.stdout
    zh = cli("check", AIPL, "-m", "aipl", "--baseline", stored, "-q", "-f", "md", "--lang", "zh")
    assert "未能对照基线检验" in zh.stdout and "could not run" not in zh.stdout
    strict = cli("check", AIPL, "-m", "aipl", "--baseline", stored, "-q", "--strict-baseline")
    assert strict.exit_code == ExitCode.DATA
    assert strict.stderr.startswith("cjtool: error: --strict-baseline: 18 CSAT tests could not run")
    full = cli("check", AIPL, "-m", "aipl", "--baseline", stored.with_name("full.json"), "-q")  # no such file
    assert full.exit_code == ExitCode.DATA
    # the full baseline runs every gate: nothing said, --strict-baseline passes
    assert cli("map", AIPL, "-m", "aipl", "-f", "json", "-q", "-o", stored.with_name("full.json")).exit_code == 0
    same = cli("check", AIPL, "-m", "aipl", "--baseline", stored.with_name("full.json"), "-q", "--strict-baseline")
    assert same.exit_code == 0 and "Not run" not in same.stdout


def test_compare_with_a_narrower_baseline_export_says_so(cli, no_scores, tmp_path):
    import polars as pl

    events, _ = no_scores
    r = cli("compare", AIPL, "-m", "aipl", "--baseline-events", events)
    assert r.exit_code == 0
    assert "cjtool: warning: 10 CES tests could not run: the baseline has no CES answers" in r.stderr
    narrow = tmp_path / "narrow.csv"  # a narrower export: one touchpoint left out
    frame = pl.read_csv(AIPL, infer_schema=False)
    frame.filter(pl.col("touchpoint") != "checkout").write_csv(narrow)
    r = cli("compare", AIPL, "-m", "aipl", "--baseline-events", narrow, "--strict-baseline")
    assert r.exit_code == ExitCode.DATA
    assert "touchpoint" in r.stderr and "checkout" in r.stderr and "not in the baseline" in r.stderr


# ------------------------------------------------------------------ 16 and 5: paths


def test_paths_without_a_channel_column_prints_no_switch_table(cli, tmp_path):
    import polars as pl

    events = tmp_path / "nochannel.csv"
    pl.read_csv(AIPL, infer_schema=False).drop("channel").write_csv(events)
    r = cli("paths", events, "-m", "aipl")
    assert r.exit_code == 0 and "no channel values in the data" in r.stdout
    assert "Channel switch rate" not in r.stdout
    assert "events of these customers match no stage and are left out of the paths" in r.stderr
    assert "Channel switch rate" in cli("paths", AIPL, "-m", "aipl", "-q").stdout
    kept = cli("paths", events, "-m", "aipl", "--all-events")
    assert kept.exit_code == 0 and "left out of the paths" not in kept.stderr and "login" in kept.stdout


def _long_customer(tmp_path: Path, steps: int) -> Path:
    """The example and one customer bouncing between two stages ``steps`` times."""
    rows = [
        f"LONG,2026-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z,"
        f"{'ad_impression' if i % 2 == 0 else 'product_page_view'},web,,,,,,"
        for i in range(steps)
    ]
    path = tmp_path / "long.csv"
    path.write_text(AIPL.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_long_variant_is_shortened_in_text_and_whole_in_json(cli, tmp_path):
    import json

    events = _long_customer(tmp_path, 20_000)
    table = cli("paths", events, "-m", "aipl", "-q", "--top", "100")
    assert table.exit_code == 0
    words = " ".join(table.stdout.split())  # the cell may wrap
    assert "Interest → … (19,990 steps) → Awareness → Interest" in words
    assert len(table.stdout) < 30_000  # the path's 20,000 steps are not printed
    md = cli("paths", events, "-m", "aipl", "-q", "--top", "100", "-f", "markdown", "--lang", "zh")
    assert "…（19,990 步）" in md.stdout
    doc = json.loads(cli("paths", events, "-m", "aipl", "-q", "-f", "json").stdout)
    assert max(len(v["path"]) for v in doc["variants"]) == 20_000


def test_path_text_is_linear_and_keeps_short_paths():
    from cjtool.render.paths_text import path_text

    assert path_text(["A", "B", "C"]) == "A → B → C"
    assert path_text([str(i) for i in range(11)]) == " → ".join(str(i) for i in range(11))
    long = path_text(["A", "B"] * 285_500 + ["C"])
    assert long == "A → B → A → B → A → B → A → B → … (570,991 steps) → B → C"  # the steps the ellipsis stands for


def test_report_md_stays_under_githubs_limit_and_says_what_was_cut(cli, tmp_path):
    from cjtool.render.report import REPORT_MD_LIMIT, fit_report

    huge = "ad_" + "x" * 600_000  # hostile names: together longer than GitHub's whole job summary
    rows = [f"H{i},2026-01-02T00:00:00Z,{huge}{i},web,1,,,,," for i in range(2)]
    events = tmp_path / "huge.csv"
    events.write_text(AIPL.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")
    r = cli("report", events, "-m", "aipl", "-q", "--out", tmp_path / "rep")
    assert r.exit_code == 0, r.stderr
    md = (tmp_path / "rep" / "report.md").read_bytes()
    assert len(md) <= REPORT_MD_LIMIT and b"x" * 4900 in md and b"x" * 5001 not in md  # its lines cut
    # many lines that do not fit: whole lines kept, the open fence closed, the cut said
    text = "# Title\n\n```mermaid\n" + "\n".join(f"    line {i} " + "y" * 100 for i in range(20_000)) + "\n```\n"
    fitted = fit_report(text, "en")
    assert len(fitted.encode("utf-8")) <= REPORT_MD_LIMIT
    assert fitted.count("```") % 2 == 0 and "from the section “Title” on" in fitted
    assert fitted.rstrip().endswith("index.html and map.json have everything._")
    assert fit_report("# small\n") == "# small\n"
    assert "截断" in fit_report(text, "zh")


# ------------------------------------------------------------------ the suite: hostile names, damaged baselines

HOSTILE_NAMES = [
    "x\n::error::pwned",
    "x\r\n::stop-commands::tok",
    "\x1b]52;c;aGk=\x07clip",
    "\x1b[2J\x1b[31mred",
    "$\\alpha$ price $5",
    "a|b **bold** [l](http://e.x)",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://e.x")',
    "+1-2",
    "@SUM(A1)",
    "line\u2028sep",
    "next\u0085line",
    "c1\x9bcsi",
    "##[error]gh",
    "\u202eevil",
]


@pytest.fixture(scope="module")
def hostile_events(tmp_path_factory) -> Path:
    """Customers, touchpoints (assigned by `match: ^ad_` and unassigned), channels,
    variants and personas named with control characters, escapes, `$`, Markdown, HTML
    and formulas."""
    import csv

    names = HOSTILE_NAMES
    stage_touchpoints = ["ad_impression", "product_page_view", "order_paid", "review_posted"]
    rows = []
    for c in range(60):
        who, channel, persona = names[c % 15] + f"#{c}", names[(c + 7) % 15], names[(c + 5) % 15]
        variant = names[c % 3] if c % 2 else "control"
        for k in range(1 + c % 4):
            day = f"2026-01-{1 + k:02d}"
            scores = [str(1 + c % 5), str(c % 11), str(1 + c % 7)]
            rows.append([who, f"{day}T10:00:00Z", stage_touchpoints[k], channel, *scores, variant, persona, "10.5"])
            rows.append(
                [who, f"{day}T11:00:00Z", "ad_" + names[(c + k) % 15], channel, "3", "", "", variant, persona, ""]
            )
            rows.append([who, f"{day}T12:00:00Z", names[(c + k + 1) % 15], channel, "", "", "", variant, persona, ""])
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        header = "customer_id timestamp touchpoint channel satisfaction nps effort variant persona revenue"
        writer.writerow(header.split())
        writer.writerows(rows)
    return path


def _run(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    """A real process, as CI runs it (pytest's warnings-as-errors is not cjtool's)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cjtool", *map(str, args)], capture_output=True, cwd=cwd, env=env, timeout=300
    )


def test_every_command_on_hostile_names(hostile_events, tmp_path):
    e = hostile_events
    commands = [
        ["map", e, "-m", "aipl"],
        ["map", e, "-m", "aipl", "-f", "json", "-o", "map.json"],
        ["map", e, "-m", "aipl", "-f", "csv"],
        ["map", e, "-m", "aipl", "-f", "md", "--lang", "zh"],
        ["map", e, "-m", "aipl", "--by", "persona", "--png", "by.png"],
        ["map", e, "-m", "aipl", "--png", "map.png"],
        ["customers", e, "-m", "aipl", "--by", "persona"],
        ["compare", e, "-m", "aipl", "--by", "variant", "--baseline", "control", "--png", "cmp.png"],
        ["compare", e, "-m", "aipl", "--by", "persona", "--baseline", HOSTILE_NAMES[5], "--segments", "-f", "md"],
        [
            "check",
            e,
            "-m",
            "aipl",
            "--min-satisfaction",
            "ad_impression=3",
            "--max-drop-off",
            f"ad_{HOSTILE_NAMES[0]}=0.1",
        ],
        ["check", e, "-m", "aipl", "--by", "persona", "--min-conversion", "purchase=0.9", "-f", "md"],
        ["report", e, "-m", "aipl", "--out", "rep", "--lang", "zh"],
        ["moments", e, "-m", "aipl", "--png", "mom.png"],
        ["paths", e, "-m", "aipl", "--png-dir", "."],
        ["paths", e, "-m", "aipl", "--all-events", "-f", "dot"],
        ["validate", "-m", "aipl", e],
        ["init", "--from", e, "-o", "draft.yaml"],
    ]
    for args in commands:
        r = _run(*args, cwd=tmp_path)
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode not in (ExitCode.INTERNAL, -6, -11), (args, err[-2000:])
        assert "Traceback" not in err, (args, err[-2000:])
    r = _run("validate", "-m", tmp_path / "draft.yaml", cwd=tmp_path)  # the draft from hostile names
    assert r.returncode != ExitCode.INTERNAL and b"Traceback" not in r.stderr


def test_damaged_baselines_in_every_command_that_reads_one(cli, tmp_path):
    """Each damage of a stored map, in `check --baseline` and `compare --baseline-map`: a
    data error (exit 4), never an internal error."""
    import json

    stored = tmp_path / "base.json"
    assert cli("map", AIPL, "-m", "aipl", "-f", "json", "-q", "-o", stored).exit_code == 0
    good = json.loads(stored.read_text(encoding="utf-8"))

    def damaged(edit) -> str:
        doc = json.loads(json.dumps(good))
        edit(doc)
        return json.dumps(doc)

    texts = [
        damaged(lambda d: d["touchpoints"][0].update(exits=10**6)),
        damaged(lambda d: d["stages"][1].update(customers=-1)),
        damaged(lambda d: d["stages"][1]["sums"]["satisfaction"].update(sum_sq=0.5)),
        damaged(lambda d: d["customers"].update(entered="many")),
        damaged(lambda d: d.update(stages="none")),
        damaged(lambda d: d["touchpoints"].append({"stage": "nowhere"})),
        stored.read_text(encoding="utf-8").replace('"read": ', '"read": 1e400, "x": ', 1),
        stored.read_text(encoding="utf-8")[:-200],  # cut short
        "[" * 50_000 + "]" * 50_000,
        "9" * 5000,
        "",
        "null",
    ]
    for i, text in enumerate(texts):
        base = tmp_path / f"damaged{i}.json"
        base.write_text(text, encoding="utf-8")
        for args in (
            ["check", AIPL, "-m", "aipl", "--baseline", base],
            ["compare", AIPL, "-m", "aipl", "--baseline-map", base],
        ):
            r = cli(*args, "-q")
            assert r.exit_code == ExitCode.DATA, (i, args[0], r.stderr)
            assert "internal error" not in r.stderr and r.stderr.startswith(f"cjtool: error: {base}")


def test_the_api_reports_and_refuses_what_a_baseline_cannot_run(no_scores):
    from cjtool import api
    from cjtool.errors import DataError
    from cjtool.model import load_model

    events, _ = no_scores
    model = load_model("aipl")
    result = api.compare([AIPL], model, baseline_events=[events])
    assert [(g.metric, g.count) for g in result.not_run] == [("satisfaction", 18), ("effort", 10), ("nps", 8)]
    with pytest.raises(DataError, match="--strict-baseline: 18 CSAT tests could not run"):
        api.compare([AIPL], model, baseline_events=[events], strict_baseline=True)
    assert api.compare([AIPL], model, baseline_events=[AIPL], strict_baseline=True).not_run == []
