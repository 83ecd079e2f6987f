"""`cjtool init --from` on Chinese exports: roles recognised by their usual Chinese and
English headers, a `columns:` block with what matched and what did not, comments in the
data's language, warnings at init about timestamps and ids, and names from the file
written as YAML that cannot break a line or add a key."""

from __future__ import annotations

import csv
import re
from datetime import datetime

import pytest
import xlsxwriter

from cjtool.draft import match_columns, yaml_scalar
from cjtool.errors import ExitCode
from cjtool.yamlsafe import load_yaml


@pytest.mark.parametrize(
    ("role", "headers"),
    [
        ("customer_id", ["用户ID", "会员ID", "客户编号", "手机号", "user_id", "Customer ID", "会员 id", "ＵＩＤ"]),
        ("timestamp", ["事件时间", "时间", "发生时间", "event_time", "Timestamp", "created_at"]),
        ("touchpoint", ["行为", "事件", "触点", "接触点", "event", "Action"]),
        ("channel", ["渠道", "来源", "channel", "Source"]),
        ("satisfaction", ["满意度", "评分", "CSAT", "rating"]),
        ("nps", ["推荐值", "NPS", "净推荐值"]),
        ("effort", ["费力度", "CES"]),
        ("revenue", ["金额", "实付金额", "实付金额（元）", "revenue", "Order Amount", "金额(元)"]),
    ],
)
def test_each_role_is_recognised_by_its_usual_headers(role, headers):
    for header in headers:
        assert match_columns(["备注", header, "城市"]).get(role) == header, header


def test_a_header_goes_to_one_role_and_given_columns_win():
    # 事件 is the touchpoint; 事件时间 the timestamp; -c wins over a match and frees nothing twice
    got = match_columns(["会员ID", "事件时间", "事件", "评分", "NPS"], {"satisfaction": "NPS"})
    assert got == {"customer_id": "会员ID", "timestamp": "事件时间", "touchpoint": "事件", "satisfaction": "NPS"}


ZH_EXPORT = (
    "会员ID,日期,时间,行为,来源,满意度,推荐值,实付金额（元）,城市\n"
    "m1,2026-03-04,9:05,浏览商品,小程序,8,9,,上海\n"
    "m1,2026-03-04,9:15,下单,小程序,10,,199,上海\n"
    "m2,2026/3/5,10:00,浏览商品,门店,3,7,,北京\n"
    "m2,2026/3/5,10:30:15,下单,门店,,,88.5,北京\n"
)


def test_a_chinese_export_drafts_a_chinese_model_that_maps_it(cli, tmp_path):
    events = tmp_path / "会员事件.csv"
    events.write_text(ZH_EXPORT, encoding="utf-8")
    out = tmp_path / "门店.yaml"
    r = cli("init", "门店", "--from", events, "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    doc = load_yaml(text, "draft").data
    assert doc["columns"] == {
        "customer_id": "会员ID",
        "date": "日期",  # 时间 holds times of day: the time is in two columns
        "time": "时间",
        "touchpoint": "行为",
        "channel": "来源",
        "satisfaction": "满意度",
        "nps": "推荐值",
        "revenue": "实付金额（元）",
    }
    assert doc["scores"] == {"satisfaction": {"min": "1", "max": "10"}}  # the numbers run 3..10
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments[0].startswith("# cjtool 旅程模型：根据")
    assert "  # effort：未找到对应的列" in text
    assert "# 未被任何角色使用的列（可用 --by 作为分群属性）：城市" in text
    assert not [c for c in comments if re.search(r"\b(the|and|stage|column)\b", c)]  # no English comment
    # the warning about the scale, in the data's language, at init
    assert "满意度：评分范围为 3 到 10，超出默认的 1..5；草稿已设置 `scores: {satisfaction: {min: 1, max: 10}}`" in (
        r.stderr
    )
    # putting the touchpoints into stages gives a model that maps the data as it is
    filled = text.replace("      # - 浏览商品", "      - 浏览商品").replace(
        "  - id: stage_2\n", "  - id: stage_2\n    match: 下单\n"
    )
    filled = re.sub(r"  - id: stage_3\n(    .*\n)*", "", filled)
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    r = cli("validate", "-m", tmp_path / "filled.yaml", events)
    assert r.exit_code == 0, r.output
    r = cli("map", events, "-m", tmp_path / "filled.yaml", "-f", "json", "-q")
    assert '"read": 4' in r.stdout and '"rejected": 0' in r.stdout


def test_english_headers_draft_english_comments_and_lang_overrides(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("user_id,event_time,event\nu1,2026-03-04T10:00:00Z,view\n", encoding="utf-8")
    r = cli("init", "--from", events, "-o", "-")
    assert r.exit_code == 0 and r.stdout.startswith("# cjtool journey model: a draft from")
    assert "  # channel: no column found\n" in r.stdout
    assert "customer_id: user_id\n  timestamp: event_time\n  touchpoint: event\n" in r.stdout
    r = cli("init", "--from", events, "--lang", "zh", "-o", "-")
    assert r.stdout.startswith("# cjtool 旅程模型：根据")
    zh = tmp_path / "zh.csv"
    zh.write_text(ZH_EXPORT, encoding="utf-8")
    r = cli("init", "--from", zh, "--lang", "en", "-o", "-")
    assert r.stdout.startswith("# cjtool journey model: a draft from") and "# effort: no column found" in r.stdout


def test_a_time_column_with_dates_is_the_timestamp(cli, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("用户ID,日期,时间,行为\nu1,2026-03-04,2026-03-04 09:05,浏览\n", encoding="utf-8")
    r = cli("init", "--from", events, "-o", "-")
    doc = load_yaml(r.stdout, "draft").data
    assert doc["columns"] == {"customer_id": "用户ID", "timestamp": "时间", "touchpoint": "行为"}
    assert "# 未被任何角色使用的列（可用 --by 作为分群属性）：日期" in r.stdout


def test_init_warns_about_timestamps_and_shortened_ids(cli, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text(
        "手机号,事件时间,事件\n"
        "1.38001E+10,2026年3月4日 09:05,浏览\n"
        "1.38002E+10,2026年3月4日 10:05,下单\n"
        "13900139000,2026年3月5日 11:00,浏览\n",
        encoding="utf-8",
    )
    r = cli("init", "--from", events, "-o", tmp_path / "d.yaml")
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stderr.splitlines() if line.startswith("cjtool: warning: ")]
    assert lines == [
        "cjtool: warning: 事件时间：前 3 个时间值中有 3 个无法识别为时间（第一个：'2026年3月4日 09:05'）；"
        '用 `timestamp_format: "%Y年%m月%d日 %H:%M"` 可以读取（已作为注释写入草稿）',
        "cjtool: warning: 手机号：有 2 个 ID 是科学计数法（第一个：'1.38001E+10'），这是 Excel 缩写长数字所致；"
        "不同客户可能被合并为一个：请把 ID 列导出为文本",
    ]
    text = (tmp_path / "d.yaml").read_text(encoding="utf-8")
    assert '# timestamp_format: "%Y年%m月%d日 %H:%M"\n' in text
    # uncommented, the format reads every time
    model = tmp_path / "m.yaml"
    model.write_text(
        text.replace("# timestamp_format:", "timestamp_format:").replace("      # - 浏览", "      - 浏览"),
        encoding="utf-8",
    )
    model.write_text(
        re.sub(r"  - id: stage_[23]\n(    .*\n)*", "", model.read_text(encoding="utf-8")), encoding="utf-8"
    )
    r = cli("map", events, "-m", model, "-f", "json", "-q")
    assert r.exit_code == 0 and '"rejected": 0' in r.stdout


def test_init_from_a_workbook(cli, tmp_path):
    path = tmp_path / "导出.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("明细")
    when = book.add_format({"num_format": "yyyy/m/d h:mm"})
    sheet.write_row(0, 0, ["客户编号", "事件时间", "触点", "渠道"])
    for r, (cid, t, tp) in enumerate([(1001, datetime(2026, 3, 4, 9), "浏览"), (1002, 46086.5, "下单")], start=1):
        sheet.write_number(r, 0, cid)
        sheet.write(r, 1, t, when)
        sheet.write_row(r, 2, [tp, "APP"])
    book.close()
    r = cli("init", "--from", path, "--sheet", "明细", "-o", "-")
    assert r.exit_code == 0 and "cjtool: warning" not in r.stderr  # date cells and serial numbers read
    doc = load_yaml(r.stdout, "draft").data
    assert doc["columns"] == {
        "customer_id": "客户编号",
        "timestamp": "事件时间",
        "touchpoint": "触点",
        "channel": "渠道",
    }


HOSTILE = [
    "a\nname: injected",
    "b\u2028evil: 1",
    "c\u2029d",
    "e\x85f: g",
    "\x1b[31mred",
    "::error::x",
    "key: value",
    "# not a comment",
    "'quoted'",
    '"dq" \\ back',
    "- item",
    "yes",
    "010",
    "\u202eevil",
    "tab\there",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_names_are_scalars_that_keep_their_line(name):
    scalar = yaml_scalar(name)
    assert "\n" not in scalar and not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", scalar)
    assert load_yaml(f"k: {scalar}\n", "t").data == {"k": name}  # the same string back


def test_a_hostile_export_drafts_yaml_with_only_its_own_keys(cli, tmp_path):
    events = tmp_path / "evil\u2028name: x.csv"
    headers = ["id\u2028columns: {}", "事件时间", "行为", "x\nstages: []"]
    with open(events, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for i, tp in enumerate(HOSTILE):
            w.writerow([f"u{i}", "2026-03-04 10:00", tp, ""])
    r = cli("init", "坏\nname: x", "--from", events, "-c", f"customer_id={headers[0]}", "-o", "-")
    assert r.exit_code == 0, r.output
    doc = load_yaml(r.stdout, "draft").data
    assert list(doc) == ["name", "mode", "columns", "stages"]
    assert doc["name"] == "坏\nname: x"
    assert doc["columns"] == {"customer_id": headers[0], "timestamp": "事件时间", "touchpoint": "行为"}
    listed = [line for line in r.stdout.splitlines() if line.startswith("      # - ")]
    assert len(listed) == len(HOSTILE)  # one line each
    back = [load_yaml("- " + line.removeprefix("      # - ").rsplit("  # ", 1)[0], "t").data[0] for line in listed]
    assert sorted(back) == sorted(HOSTILE)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", r.stdout)


def test_no_touchpoint_column_is_one_line(cli, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("会员ID,时间,城市\nm1,2026-03-04,上海\n", encoding="utf-8")
    r = cli("init", "--from", events, "-o", tmp_path / "x.yaml")
    assert r.exit_code == ExitCode.DATA
    assert r.stderr.strip().splitlines() == [
        f"cjtool: error: {events}: no column recognised as the touchpoint (行为, 事件, event ...); "
        "found: 会员ID, 时间, 城市; name it with --column touchpoint=HEADER (and customer_id=, timestamp= likewise)"
    ]
