"""`cjtool paths` on the command line, its outputs and pictures (English, Chinese, 40+
touchpoints pooled into (other))."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import polars as pl
import pytest
from PIL import Image

from cjtool.analyses.paths import compute_paths
from cjtool.api import journeys
from cjtool.errors import ExitCode
from cjtool.i18n import t
from cjtool.model import load_model
from cjtool.render import paths_png
from cjtool.render.paths_text import to_csv, to_dot

ROOT = Path(__file__).resolve().parent.parent
AIPL_EVENTS, AIPL_MODEL = ROOT / "examples/aipl_events.csv", ROOT / "examples/aipl.yaml"
ZH_EVENTS, ZH_MODEL = ROOT / "examples/zh/旅程事件.csv", ROOT / "examples/zh/旅程模型.yaml"


def wide_log(tmp_path: Path, n_touchpoints: int = 45) -> tuple[Path, Path]:
    """A two-stage journey over ``n_touchpoints`` distinct touchpoints, one with a formula-like name."""
    rnd = random.Random(3)
    names = [f"=tp_{i:02d}" if i == 0 else f"touchpoint_{i:02d}" for i in range(n_touchpoints)]
    rows = ["customer_id,timestamp,touchpoint,channel"]
    for c in range(300):
        for k in range(rnd.randint(1, 7)):
            rows.append(f"c{c},2024-01-01T{10 + k:02d}:00:00Z,{rnd.choice(names)},{rnd.choice(['web', 'app', ''])}")
    events = tmp_path / "wide.csv"
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = tmp_path / "wide.yaml"
    model.write_text(
        "name: wide\nstages:\n  - {id: one, label: One, match: '_[0-2]'}\n  - {id: two, label: Two, match: '_[3-9]'}\n",
        encoding="utf-8",
    )
    return events, model


def test_json_is_deterministic_and_reconciles_with_map(cli, tmp_path: Path) -> None:
    a, b, m = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "m.json"
    for out in (a, b):
        r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "-o", out)
        assert r.exit_code == 0, r.output
    assert a.read_bytes() == b.read_bytes()
    assert cli("map", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "-o", m).exit_code == 0
    d, mapped = json.loads(a.read_text()), json.loads(m.read_text())
    assert d["schema"] == "cjtool.paths/1"
    out = sum(t["customers"] for t in d["transitions"] if t["from"]["touchpoint"] == "(start)")
    into = sum(t["customers"] for t in d["transitions"] if t["to"]["touchpoint"] == "(converted)")
    assert (out, into) == (mapped["customers"]["total"], mapped["customers"]["completed"])


def test_table_markdown_dot_and_filters(cli) -> None:
    r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "--top", "3")
    assert r.exit_code == 0 and "Transitions between stages" in r.output and "Removal effect" in r.output
    r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "-f", "markdown", "--before-drop")
    assert r.exit_code == 0 and r.output.startswith("## Paths") and "(dropped)" in r.output
    r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "-f", "dot", "--min-customers", "100")
    assert r.exit_code == 0 and r.output.startswith("digraph paths {") and r.output.rstrip().endswith("}")
    r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "--from", "no_such_step")
    assert r.exit_code == 2 and "cjtool: error: --from no_such_step" in r.output
    r = cli("paths", AIPL_EVENTS, "-m", AIPL_MODEL, "-q", "--before-drop", "--to", "interest")
    assert r.exit_code == 2


def test_csv_is_sanitised_and_dot_escapes(tmp_path: Path) -> None:
    events, model = wide_log(tmp_path)
    p = compute_paths(journeys([str(events)], load_model(str(model))))
    rows = list(csv.DictReader(io.StringIO(to_csv(p))))
    formula = [r for r in rows if "tp_00" in r["from_touchpoint"]]
    assert formula and all(r["from_touchpoint"] == "'=tp_00" for r in formula)
    assert any(r["from_touchpoint"] == "=tp_00" for r in csv.DictReader(io.StringIO(to_csv(p, sanitize=False))))
    assert '"=tp_00"' in to_dot(p)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pictures_pool_40_touchpoints(tmp_path: Path, lang: str) -> None:
    events, model = wide_log(tmp_path)
    p = compute_paths(journeys([str(events)], load_model(str(model))))
    assert len({x.src.touchpoint for x in p.transitions}) > 40  # JSON keeps every step
    fig = paths_png.flow_figure(p, lang)
    labels = [x.get_text() for ax in fig.axes for x in ax.texts]
    other = t("step_other", lang)  # `（其他）` in Chinese
    assert any(s.startswith(other) for s in labels)
    per_column = max(sum(1 for s in labels if s.startswith(("touchpoint_", "=tp", other))) for _ in [0])
    assert per_column <= 5 * paths_png.MAX_NODES
    written = paths_png.save_all(p, tmp_path, lang)
    assert [f.name for f in written] == [name for name, _k, _f in paths_png.PICTURES]
    for f in written:
        with Image.open(f) as im:
            assert im.format == "PNG" and im.size[0] >= 1800


def test_png_options_and_report_hooks(cli, tmp_path: Path) -> None:
    flow = tmp_path / "flow.png"
    r = cli("paths", ZH_EVENTS, "-m", ZH_MODEL, "-q", "--lang", "zh", "--png", flow, "--png-dir", tmp_path)
    assert r.exit_code == 0, r.output
    assert flow.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "paths_removal.png").exists()
    r = cli("paths", ZH_EVENTS, "-m", ZH_MODEL, "-q", "--png", tmp_path / "flow.gif")
    assert r.exit_code == 2
    r = cli("paths", ZH_EVENTS, "-m", ZH_MODEL, "-q", "--png-dir", tmp_path / "new" / "pictures")
    assert r.exit_code == 0, r.output  # created if missing, like report --output
    assert sorted(f.name for f in (tmp_path / "new" / "pictures").iterdir()) == sorted(
        ["paths_flow.png", "paths_heatmap.png", "paths_channels.png", "paths_removal.png"]
    )
    r = cli("paths", ZH_EVENTS, "-m", ZH_MODEL, "-q", "--lang", "en", "--png-dir", flow)  # a file, not a folder
    assert r.exit_code == ExitCode.OUTPUT and "not a folder" in r.stderr
    p = compute_paths(journeys([str(ZH_EVENTS)], load_model(str(ZH_MODEL))))
    pics = paths_png.pictures(p, "zh")
    assert len(pics) == 4 and all(b[:4] == b"\x89PNG" for _t, b in pics)
    assert paths_png.markdown_section(p, "zh", heading_level=3).startswith("### 路径")


def test_single_event_customers_and_one_channel(tmp_path: Path) -> None:
    events = tmp_path / "one.csv"
    events.write_text("customer_id,timestamp,touchpoint,channel\na,2024-01-01,ad,web\nb,2024-01-02,ad,web\n")
    model = tmp_path / "m.yaml"
    model.write_text(
        "name: m\nstages:\n  - {id: s, label: S, touchpoints: [ad]}\n  - {id: t, label: T, touchpoints: [buy]}\n"
    )
    p = compute_paths(journeys([str(events)], load_model(str(model))))
    d = p.to_dict()
    assert d["variants"] == [{"path": ["s"], "customers": 2, "share": 1.0, "completed_share": 0.0}]
    assert d["channels"]["multichannel"] == 0.0
    for make in (paths_png.flow_figure, paths_png.heatmap_figure, paths_png.switches_figure, paths_png.removal_figure):
        make(p, "en")  # draws without data for the channel pictures
    assert pl.DataFrame(d["flows"]).height == 1
