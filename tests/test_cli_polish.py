"""Small things users tripped on: option errors, -f md, help metavars, -o .html, warnings
in JSON, medians without float noise."""

from __future__ import annotations

import json

import pytest

from cjtool.errors import ExitCode
from tests.conftest import HEADER


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--lang", "fr"), "--lang: 'fr' is not one of 'en', 'zh'"),
        (("--mode", "bad"), "--mode: 'bad' is not one of 'ordered', 'furthest'"),
        (("--top", "x"), "--top 'x': not a whole number"),
        (("--top", "0"), "--top '0': must be at least 1"),
        (("-f", "xml"), "--format 'xml': not a format; use one of table, json, csv, markdown"),
    ],
)
def test_option_errors_in_cjtools_words(cli, small, args, said):
    model, events = small
    r = cli("map", events, "-m", model, *args)
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr.startswith(f"cjtool: error: {said}"), r.stderr
    assert "Value error" not in r.stderr and "Input should" not in r.stderr


def test_f_md_is_markdown(cli, small):
    model, events = small
    md = cli("map", events, "-m", model, "-f", "md", "-q")
    assert md.exit_code == 0 and md.stdout == cli("map", events, "-m", model, "-f", "markdown", "-q").stdout
    assert md.stdout.startswith("## ")


def test_help_has_no_type_placeholders(cli):
    for command in ([], ["map"], ["validate"], ["check"], ["report"], ["models"], ["init"]):
        out = cli(*command, "--help").stdout
        assert "<bool>" not in out and "<list[str]>" not in out and "<str>" not in out, command
    assert "EVENTS" in cli("map", "--help").stdout


def test_o_html_from_map_points_to_report(cli, small, tmp_path):
    model, events = small
    target = tmp_path / "report.html"
    r = cli("map", events, "-m", model, "-o", target)
    assert r.exit_code == ExitCode.USAGE and "cjtool report" in r.stderr and not target.exists()


def test_rejected_rows_are_a_json_warning_and_said_once(cli, small):
    model, events = small
    r = cli("map", events, "-m", model, "-f", "json")
    assert "1 of 9 rows rejected (1 bad timestamp)" in json.loads(r.stdout)["warnings"]
    assert r.stderr.count("rows rejected") == 1
    v = cli("validate", events, "-m", model)
    assert v.stdout.count("rows rejected") + v.stderr.count("rows rejected") == 1


def test_json_median_has_no_float_noise(cli, small, tmp_path):
    model, _ = small
    # 60.329670 s and 63.383684 s: (a/1e6 + b/1e6)/2 is 61.856677000000005, (a+b)/2/1e6 is 61.856677
    events = tmp_path / "e.csv"
    events.write_text(
        HEADER
        + "c1,2024-01-01T00:00:00Z,ad,web,,,\nc1,2024-01-01T00:01:00.329670Z,view,web,,,\n"
        + "c2,2024-01-01T00:00:00Z,ad,web,,,\nc2,2024-01-01T00:01:03.383684Z,view,web,,,\n",
        encoding="utf-8",
    )
    r = cli("map", events, "-m", model, "-f", "json", "-q")
    assert r.exit_code == 0, r.output
    assert '"median_time_to_convert_s": 61.856677,' in r.stdout


def test_model_overrides_on_the_command_line(cli, tmp_path):
    """--timezone, --dedupe and --same-time override the model, as --window does."""
    events = tmp_path / "e.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint\n"
        "a,2026-03-01,order_paid\n"  # paid, then viewed: on the same day
        "a,2026-03-01,product_page_view\n"
        "a,2026-03-01,ad_impression\n"
        "a,2026-03-01,ad_impression\n",
        encoding="utf-8",
    )
    base = ["map", events, "-m", "aipl", "-f", "json", "-q"]
    d = json.loads(cli(*base).stdout)
    assert [s["customers"] for s in d["stages"]][:3] == [1, 1, 1]  # equal times: in order either way
    d = json.loads(cli(*base, "--same-time", "input_order").stdout)
    assert [s["customers"] for s in d["stages"]][:3] == [1, 0, 0]  # the ads come last in the file
    assert json.loads(cli(*base, "--dedupe").stdout)["rows"]["duplicates"] == 1
    d = json.loads(cli(*base, "--timezone", "Asia/Shanghai").stdout)
    assert d["period"]["first"] == "2026-02-28T16:00:00Z"  # midnight in Shanghai
    bad = cli(*base, "--timezone", "Asia/Shanghia")
    assert bad.exit_code == 2 and "Asia/Shanghai" in bad.stderr
    bad = cli(*base, "--same-time", "file")
    assert bad.exit_code == 2 and "input_order" in bad.stderr


def test_since_and_until_map_part_of_an_export(cli, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text(
        "customer_id,timestamp,touchpoint\n"
        "a,2026-02-28T23:00:00Z,ad_impression\n"  # before the period
        "a,2026-03-01T00:00:00Z,product_page_view\n"  # first instant of the period: in
        "b,2026-03-31T23:59:59Z,ad_impression\n"  # --until a date: its whole day is in
        "b,2026-04-01T00:00:00Z,product_page_view\n"  # out
        "c,2026-03-01T07:30:00Z,ad_impression\n",  # 15:30 in Shanghai
        encoding="utf-8",
    )
    base = ["map", events, "-m", "aipl", "-f", "json", "-q"]
    d = json.loads(cli(*base, "--since", "2026-03-01", "--until", "2026-03-31").stdout)
    assert d["rows"]["read"] == 5 and d["rows"]["outside_period"] == 2
    assert d["events"]["assigned"] == 3 and d["customers"]["entered"] == 2  # a's view alone: no entry
    assert d["period"] == {"first": "2026-03-01T00:00:00Z", "last": "2026-03-31T23:59:59Z"}
    # a time given to --until is included; the model's time zone reads times without offset
    d = json.loads(cli(*base, "--until", "2026-03-01T15:30", "--timezone", "Asia/Shanghai").stdout)
    assert d["rows"]["outside_period"] == 2 and d["period"]["last"] == "2026-03-01T07:30:00Z"
    assert "outside_period" not in json.loads(cli(*base).stdout)["rows"]  # no filter, no key
    # in parts by customer the counts add up the same
    period = ["--since", "2026-03-01", "--until", "2026-03-31"]
    whole = cli(*base, *period).stdout
    assert cli(*base, *period, "--partitions", "2").stdout == whole
    bad = cli(*base, "--since", "March")
    assert bad.exit_code == 2 and "--since 'March'" in bad.stderr
    bad = cli(*base, "--since", "2026-03-02", "--until", "2026-03-01T00:00")
    assert bad.exit_code == 2 and "not after" in bad.stderr
