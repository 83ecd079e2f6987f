"""The terminal table at 60, 80 and 120 columns, in English and Chinese: names wrap but
are never cut, columns left out are named, piped lines carry no trailing blanks."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from cjtool.api import map_journey
from cjtool.model import load_model
from cjtool.render.table import Column, fit_table, render_table
from tests.conftest import EXAMPLES, HEADER

# one long touchpoint name per b2b stage, so every stage has a ranked touchpoint
B2B_PATH = [
    "industry_report_read",
    "webinar_registration",
    "analyst_report_view",
    "security_review",
    "procurement_approval",
    "business_review_meeting",
    "case_study_participation",
]


@pytest.fixture(scope="module")
def b2b_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """280 accounts; account i walks the first 1 + i % 7 stages, a day apart, with scores."""
    lines = [HEADER]
    for i in range(280):
        for k in range(1 + i % 7):
            day = 1 + k
            sat = 1 + (i + k) % 5
            lines.append(f"a{i},2026-01-{day:02d}T10:00:00Z,{B2B_PATH[k]},web,{sat},{(i * 3 + k) % 11},{1 + k % 7}\n")
    path = tmp_path_factory.mktemp("b2b") / "b2b.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


ZH_EVENTS, ZH_MODEL = EXAMPLES / "zh" / "旅程事件.csv", EXAMPLES / "zh" / "旅程模型.yaml"


def _cases(b2b: Path) -> dict[str, tuple[Path, str, str]]:
    return {"b2b-en": (b2b, "b2b", "en"), "b2b-zh": (b2b, "b2b", "zh"), "zh-example": (ZH_EVENTS, str(ZH_MODEL), "zh")}


def _run(cli, events: Path, model: str, lang: str, width: int) -> str:
    r = cli("map", events, "-m", model, "--lang", lang, "-q", env={"COLUMNS": str(width)})
    assert r.exit_code == 0, r.output
    return r.stdout


def _header_after(out: str, title_start: str) -> str:
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(title_start))
    return next(line for line in lines[i + 1 :] if line.strip())


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("case", ["b2b-en", "b2b-zh", "zh-example"])
def test_names_whole_and_lines_fit(cli, b2b_events, case, width):
    events, model, lang = _cases(b2b_events)[case]
    out = _run(cli, events, model, lang, width)
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines), "trailing blanks in piped output"
    # the only ellipsis is the "… N more" of the unassigned list
    assert all("…" not in line or line.startswith("… ") for line in lines)
    d = json.loads(cli("map", events, "-m", model, "--lang", lang, "-f", "json").stdout)
    tokens = {token for line in lines for token in line.split()}
    ranked = [tp["touchpoint"] for tp in d["touchpoints"] if tp["rank"] is not None][:10]
    assert ranked and all(name in tokens for name in ranked), [n for n in ranked if n not in tokens]
    for stage in load_model(model).stages:  # every word of every label whole (labels wrap between words)
        label = stage.label.get(lang)
        assert all(word in tokens or any(word in line for line in lines) for word in label.split())
        if width == 120:  # wide enough for every label on one line in the funnel
            assert any(line.lstrip().startswith(label + " ") for line in lines), label


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("case", ["b2b-en", "b2b-zh"])
def test_left_out_columns_are_named(cli, b2b_events, case, width):
    events, model, lang = _cases(b2b_events)[case]
    out = _run(cli, events, model, lang, width)
    all_headers = {
        "en": ["Stage", "Touchpoint", "Cust.", "Exits", "Drop", "CSAT", "NPS", "CES", "Prio."],
        "zh": ["阶段", "接触点", "客户", "离开", "流失率", "满意度", "NPS", "费力度", "优先级"],
    }[lang]
    title = "Pain points" if lang == "en" else "痛点"
    header = _header_after(out, title).split()
    missing = [h for h in all_headers if h not in header]
    after = out.split(title)[1] if lang == "en" else out.split(title)[1].replace("\n", "")  # zh wraps anywhere
    pattern = r"^(.+?) left out at (\d+) columns;" if lang == "en" else r"终端宽 ?(\d+) ?列，未显示：(.*?)；"
    said = re.search(pattern, after, re.MULTILINE)
    if width == 120:
        assert not missing and said is None
        return
    assert missing, "60 and 80 columns are too narrow for every column of this table"
    assert said, after
    named, at = (said.group(1), said.group(2)) if lang == "en" else (said.group(2), said.group(1))
    assert at == str(width) and "--format csv" in " ".join(after.split())
    assert sorted(re.split(r", | and |、", named)) == sorted(missing)


def test_trailing_blanks_trimmed_in_file_and_kept_off_colour_lines(small, tmp_path):
    model, events = small
    result = map_journey([str(events)], load_model(model))
    for color in (None, "truecolor"):
        console = Console(file=(buf := io.StringIO()), width=70, color_system=color, force_terminal=bool(color))
        render_table(result, console)
        text = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())
        assert "Funnel by stage" in text and "view" in text
        assert all(line == line.rstrip() for line in text.splitlines())


def test_fit_table_folds_a_name_longer_than_a_third_of_the_width():
    name = "a_touchpoint_name_far_longer_than_a_third_of_the_terminal"
    columns = [Column("Touchpoint", [name], text=True, whole=True), Column("Customers", ["1,234"])]
    table, left_out = fit_table("T", columns, 40)
    buf = io.StringIO()
    Console(file=buf, width=40, color_system=None).print(table)
    out = buf.getvalue()
    assert left_out == [] and "…" not in out and "1,234" in out
    assert "".join(line.strip().split("1,234")[0].strip() for line in out.splitlines()[4:]).startswith(name)


def test_a_model_without_a_title_is_named_once(cli, tmp_path):
    model = tmp_path / "shop.yaml"
    model.write_text("name: shop\nstages:\n  - {id: a, touchpoints: [ad]}\n  - {id: b, touchpoints: [buy]}\n")
    events = tmp_path / "e.csv"
    events.write_text("customer_id,timestamp,touchpoint\nc1,2026-01-01T00:00:00Z,ad\n")
    first = cli("map", events, "-m", model, "-q").stdout.splitlines()[0]
    assert first.startswith("shop  (ordered,") and first.count("shop") == 1
    titled = tmp_path / "titled.yaml"
    titled.write_text("name: shop\ntitle: Our shop\n" + model.read_text().partition("\n")[2])
    assert cli("map", events, "-m", titled, "-q").stdout.startswith("Our shop  (shop, ordered,")
