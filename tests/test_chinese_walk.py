"""Every command in Chinese (issue 20): a run with `--lang zh` has no English left but
identifiers (touchpoints, stage ids, model and file names, options, JSON keys) and names
analysts read as they are (CSAT, NPS, Holm, Fisher, JSON...).

The walk runs EVERY command on the examples and on bad input, takes every human text it
prints or writes (stdout, stderr, Markdown, HTML, the pictures' texts through matplotlib's
figure objects), strips the identifiers and the allow-list, and fails on any word of three
or more Latin letters left. A text added later is caught the same way: nothing here lists
the texts, only what may stay English."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cjtool.api import load_model
from cjtool.cli.app import app
from tests.conftest import EXAMPLES

# names analysts read as they are, and the tool's own name
ALLOWED = {
    "CSAT",
    "NPS",
    "CES",
    "Holm",
    "Fisher",
    "Welch",
    "JSON",
    "CSV",
    "BH",
    "Markov",
    "OR",
    "CI",
    "Benjamini",
    "Hochberg",
    "Wald",
    "delta",
    "Mermaid",
    "PNG",
    "HTML",
    "Markdown",
    "YAML",
    "Parquet",
    "Spark",
    "Excel",
    "UTF",
    "GBK",
    "BOM",
    "ISO",
    "cjtool",
    "SRM",
    "Ctrl",
    "traceback",
    "TOP",
    "UTC",
    "APP",
    "KOL",
    "SKU",
    "AIPL",
    "Sankey",
    "Unix",
    "IANA",  # time zone names
    "Uni",
    "Marketing",  # Alibaba's Uni Marketing, a proper name (the AIPL model's description)
    "MOT",
    "SPEC",
    "strftime",  # the model's comments: moment of truth, the metric contract, Python's format
}
WORD = re.compile(r"[A-Za-z]{3,}")


def identifiers() -> set[str]:
    """Names from the data and the models: touchpoints, channels, stage ids, model names,
    column headers, attribute values."""
    names: set[str] = set()
    names |= set(pl.read_csv(EXAMPLES / "customers.csv", n_rows=1).columns)
    for csv in (EXAMPLES / "aipl_events.csv", EXAMPLES / "zh" / "旅程事件.csv"):
        frame = pl.read_csv(csv, infer_schema_length=0)
        names |= set(frame.columns)
        for col in frame.columns[2:4] + [c for c in frame.columns if c in ("variant", "persona")]:
            names |= {str(v) for v in frame[col].unique().to_list() if v}
    from cjtool import model as model_keys
    from cjtool.analyses.customers import STATUSES
    from cjtool.analyses.segments import PERIODS

    names |= set(STATUSES)  # --status values, as typed
    names |= set(PERIODS) | {
        k for v in vars(model_keys).values() if isinstance(v, tuple) for k in v if isinstance(k, str)
    }
    for spec in (
        "aipl",
        "5a",
        "b2b",
        "experience",
        str(EXAMPLES / "aipl.yaml"),
        str(EXAMPLES / "zh" / "旅程模型.yaml"),
    ):
        m = load_model(spec)
        names |= {m.name} | {s.id for s in m.stages}
        for s in m.stages:
            names |= set(s.touchpoints) | set(WORD.findall(s.moment_of_truth or ""))  # the model's own words
    return names


IDS = identifiers()
STRIP = [
    re.compile(r"`[^`\n]*`"),  # code: keys, names, commands
    re.compile(r"'[^'\n]*'|\"[^\"\n]*\""),  # quoted values from the data or the model
    re.compile(r"^\s*(journey|section|title)\b", re.M),  # Mermaid's keywords (report.md)
    re.compile(r"^::error title=cjtool check::", re.M),  # GitHub's workflow command syntax
    re.compile(r"\b\w+(\.\w+)+\b"),  # dotted keys: ranking.min_customers
    re.compile(r"\bcjtool\s+[a-z]+"),  # a command (a terminal may wrap it)
    re.compile(r"\b(VALUE|ROLE|HEADER|ATTRIBUTE|FILE|DATE|EVENTS|STEP|TARGET|NUMBER|MODEL|DIR|RATE)\b"),  # metavars
    re.compile(r"\b({f})(, ({f}))+\b".format(f="table|json|csv|markdown|dot|parquet|text")),  # --format's list
    re.compile(r"(?<![\w-])--?[a-zA-Z][\w-]*"),  # options
    re.compile(r"\S*[/\\]\S*"),  # paths
    re.compile(r"\S+\.(csv|yaml|yml|json|md|png|svg|html|parquet|xlsx|txt)\b", re.I),  # file names
    re.compile(r"\b[A-Za-z_]+(=|:\s)[^\s,;)）]*"),  # key=value, key: value as typed in a model or option
    re.compile(r"\b\w*_\w*\b"),  # snake_case identifiers
    re.compile(r"\.(png|svg|pdf|csv|json|md|yaml|xlsx|parquet)\b"),  # a file type
    re.compile(r"https?://\S+"),
    re.compile(r"&\w+;"),  # HTML entities
    re.compile(r"\w+…"),  # a name shortened to fit
]


def english_left(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Words of 3+ Latin letters left in ``text`` after identifiers (``IDS`` and
    ``extra``: what the user typed) and the allow-list."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    keep = ALLOWED | IDS | set(extra)
    return sorted({w for w in WORD.findall(text) if w not in keep and w.lower() not in {k.lower() for k in keep}})


def html_text(page: str) -> str:
    """The human text of an HTML page: no tags, styles, scripts or data: URLs."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'\s(src|href|class|id|style|alt)="[^"]*"', " ", page)
    alts = re.findall(r'alt="([^"]*)"', page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)) + " ".join(alts)


E, M = EXAMPLES / "aipl_events.csv", EXAMPLES / "aipl.yaml"
ZE, ZM = EXAMPLES / "zh" / "旅程事件.csv", EXAMPLES / "zh" / "旅程模型.yaml"


def bad_files(d: Path) -> dict[str, Path]:
    """Event files and a model with mistakes in them, in folder ``d``."""
    files = {
        "rows": "customer_id,timestamp,touchpoint,channel,satisfaction,nps,effort,variant\n"
        "C1,not a time,ad_impression,web,,,,control\n"
        "C1,2026-01-01T00:00:00Z,ad_impression,web,9,,,control\n"
        ",2026-01-01T00:00:00Z,ad_impression,web,,,,control\n"
        "C2,2026-01-01T00:00:00Z,product_page_view,web,3,11,,treatment\n"
        "C3,2026-01-02T00:00:00Z,ad_impression,web,,,,\n",
        "nocol.csv": "user,when,what\nu1,2026-01-01,ad_impression\n",
        "model.yaml": "name: broken\nstages:\n  - id: a\n    touchpoint: [x]\n",
        "model2.yaml": "name: broken2\nwindow: 3 months\nmode: fastest\nstages:\n  - id: a b\n    match: '('\n"
        "  - id: c\n    touchpoints: [{name: x}]\n    label: [1]\n",
        "empty": "customer_id,timestamp,touchpoint\n,,\n",
        "notime": "customer_id,timestamp,touchpoint\nC1,yesterday,ad_impression\nC2,today,ad_impression\n",
        "dup": "customer_id,timestamp,touchpoint,touchpoint\nC1,2026-01-01,ad_impression,x\n",
        "zero": "",
        "ties": "customer_id,timestamp,touchpoint\n"
        + "".join(f"T{i},2026-01-01,ad_impression\nT{i},2026-01-01,product_page_view\n" for i in range(40)),
        "sci": "customer_id,timestamp,touchpoint\n"
        + "".join(f"1.3{i}E+15,2026-01-0{i + 1}T00:00:00Z,ad_impression\n" for i in range(5)),
    }
    out = {}
    for name, text in files.items():
        path = d / (name if "." in name else name + ".csv")
        path.write_text(text, encoding="utf-8")
        out[name] = path
    (d / "binary.csv").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)
    out["binary.csv"] = d / "binary.csv"
    out["dir"] = d
    return out


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return bad_files(tmp_path_factory.mktemp("bad"))


def runs(bad: dict[str, Path], out: Path) -> list[tuple[str, list[str]]]:
    """(name, arguments) of every command, on good data and bad."""
    ab = ["--by", "variant", "--baseline", "control"]
    return [
        ("map", ["map", E, "-m", M]),
        ("map md", ["map", E, "-m", M, "-f", "md"]),
        ("map csv", ["map", E, "-m", M, "-f", "csv"]),
        ("map by", ["map", E, "-m", M, "--by", "persona"]),
        ("map by md", ["map", E, "-m", M, "--by", "persona", "-f", "md"]),
        ("map zh", ["map", ZE, "-m", ZM]),
        ("report", ["report", E, "-m", M, "-o", out / "rep", *ab, "--paths"]),
        ("compare", ["compare", E, "-m", M, *ab]),
        ("compare md", ["compare", E, "-m", M, *ab, "-f", "md"]),
        ("compare seq", ["compare", E, "-m", M, *ab, "--sequential"]),
        ("compare split", ["compare", E, "-m", M, "--split", "2026-02-15"]),
        ("paths", ["paths", E, "-m", M]),
        ("paths md", ["paths", E, "-m", M, "-f", "markdown"]),
        ("paths zh", ["paths", ZE, "-m", ZM]),
        ("paths dot", ["paths", E, "-m", M, "-f", "dot"]),
        ("moments", ["moments", E, "-m", M]),
        ("moments md", ["moments", E, "-m", M, "-f", "md"]),
        ("customers", ["customers", E, "-m", M, "-o", out / "c.csv"]),
        ("check", ["check", E, "-m", M, "--min-conversion", "purchase=0.5", "--max-drop-off", "checkout=10%"]),
        ("check md", ["check", E, "-m", M, "--min-conversion", "purchase=0.5", "-f", "markdown"]),
        ("check baseline", ["check", E, "-m", M, *ab]),
        ("validate", ["validate", "-m", M, E]),
        ("validate zh", ["validate", "-m", ZM, ZE]),
        ("models", ["models"]),
        ("init", ["init", "aipl", "-o", out / "aipl.yaml"]),
        ("init from", ["init", "shop", "--from", E, "-o", out / "draft.yaml"]),
        # bad input: warnings and errors
        ("bad rows", ["map", bad["rows"], "-m", M]),
        ("bad by none", ["map", bad["rows"], "-m", M, "--by", "variant"]),
        ("map by day", ["map", E, "-m", M, "--by", "day"]),
        ("bad strict", ["map", bad["rows"], "-m", M, "--strict"]),
        ("bad column", ["map", bad["nocol.csv"], "-m", M]),
        ("bad file", ["map", out / "missing.csv", "-m", M]),
        ("bad model", ["validate", "-m", bad["model.yaml"]]),
        ("bad model map", ["map", E, "-m", bad["model.yaml"]]),
        ("bad baseline", ["compare", E, "-m", M, "--by", "variant"]),
        ("bad by", ["map", E, "-m", M, "--by", "nosuchcolumn"]),
        ("bad value", ["compare", E, "-m", M, "--by", "variant", "--baseline", "nobody"]),
        ("bad option", ["map", E, "-m", M, "--top", "0"]),
        ("bad output", ["map", E, "-m", M, "-o", out / "nodir" / "x.json"]),
        ("bad check", ["check", bad["rows"], "-m", M, "--min-conversion", "purchase=0.9", "--max-rejected", "0.1"]),
        ("bad compare small", ["compare", bad["rows"], "-m", M, *ab]),
        ("bad ties", ["map", bad["ties"], "-m", M]),
        ("bad timezone", ["map", E, "-m", M, "--timezone", "Asia/Shanghi"]),
        ("bad -o picture", ["moments", E, "-m", M, "-o", out / "x.png"]),
        ("bad picture type", ["map", E, "-m", M, "--png", out / "x.gif"]),
        ("bad gate target", ["check", E, "-m", M, "--min-conversion", "purchse=0.1"]),
        ("bad status", ["customers", E, "-m", M, "--status", "happy"]),
        ("bad customer file", ["map", E, "-m", M, "--by", "tier", "--customers", bad["nocol.csv"]]),
        ("bad segments", ["map", E, "-m", M, "--by", "persona", "--segments", "1"]),
        ("bad model 2", ["validate", "-m", bad["model2.yaml"]]),
        ("bad model name", ["map", E, "-m", "aipI"]),
        ("bad model is csv", ["map", E, "-m", E]),
        ("bad window", ["map", E, "-m", M, "--window", "3 months"]),
        ("bad since", ["map", E, "-m", M, "--since", "yesterday"]),
        ("bad mode", ["map", E, "-m", M, "--mode", "fastest"]),
        ("bad no time", ["map", bad["notime"], "-m", M]),
        ("bad dup header", ["map", bad["dup"], "-m", M]),
        ("bad zero", ["map", bad["zero"], "-m", M]),
        ("bad stdin twice", ["map", "-", "-", "-m", M]),
        ("bad moments", ["moments", bad["rows"], "-m", M]),
        ("bad paths", ["paths", bad["rows"], "-m", M]),
        ("bad customers", ["customers", bad["rows"], "-m", M, "-o", out / "bad.csv"]),
        ("bad alpha", ["compare", E, "-m", M, *ab, "--alpha", "2"]),
        ("bad split", ["compare", E, "-m", M, "--split", "march"]),
        ("bad min effect", ["compare", E, "-m", M, *ab, "--min-effect", "big"]),
        ("bad gate", ["check", E, "-m", M, "--min-conversion", "purchase=abc"]),
        ("bad gate share", ["check", E, "-m", M, "--min-conversion", "purchase=30"]),
        ("bad init", ["init", "nosuchmodel", "-o", out / "x.yaml"]),
        ("bad exists", ["init", "aipl", "-o", out / "aipl.yaml"]),
        ("bad format", ["map", E, "-m", M, "-f", "xml"]),
        ("bad column pair", ["map", E, "-m", M, "--column", "oops"]),
        ("bad encoding", ["map", E, "-m", M, "--encoding", "gbk"]),
        ("bad twice", ["map", E, E, "-m", M]),
        ("bad empty", ["map", bad["empty"], "-m", M]),
        ("bad binary", ["map", bad["binary.csv"], "-m", M]),
        ("bad sci ids", ["map", bad["sci"], "-m", M]),
        ("bad unknown option", ["map", E, "-m", M, "--colour"]),
        ("bad no events", ["map", "-m", M]),
    ]


@pytest.fixture(scope="module")
def walked(bad, tmp_path_factory) -> dict[str, tuple[str, set[str]]]:
    return walk(bad, tmp_path_factory.mktemp("out"))


def typed_names(args: list[object]) -> set[str]:
    """What the user typed (option values, names) and the headers of the files given:
    identifiers a message may quote back."""
    words = {w for a in args for w in WORD.findall(str(a))}
    for a in args:
        path = Path(str(a))
        if path.suffix == ".csv" and path.is_file():
            words |= set(WORD.findall(path.read_bytes().partition(b"\n")[0].decode("utf-8", "replace")))
    return words


def walk(bad: dict[str, Path], out: Path) -> dict[str, tuple[str, set[str]]]:
    """Every run's stdout + stderr (and its report files) in Chinese, with the names the
    user typed."""
    runner = CliRunner()
    texts: dict[str, tuple[str, set[str]]] = {}
    for name, args in runs(bad, out):
        env = {"GITHUB_ACTIONS": "true"} if name == "bad check" else None  # its annotations too
        r = runner.invoke(
            app, [str(a) for a in args] + ["--lang", "zh"] + (["--force"] if name.startswith("init") else []), env=env
        )
        assert r.exit_code != 70 and "Traceback" not in r.output, (name, r.output)
        texts[name] = (r.stdout + "\n" + r.stderr, typed_names(args))
    rep = out / "rep"
    texts["report.md"] = ((rep / "report.md").read_text(encoding="utf-8"), set())
    texts["index.html"] = (html_text((rep / "index.html").read_text(encoding="utf-8")), set())
    for name in ("draft", "aipl"):  # the models' comments (their keys and values are the model's)
        model = (out / f"{name}.yaml").read_text(encoding="utf-8")
        texts[f"{name}.yaml"] = ("\n".join(line.partition("#")[2] for line in model.splitlines()), set())
    return texts


CASES = [name for name, _ in runs(defaultdict(Path), Path("."))]


@pytest.mark.parametrize("name", [*CASES, "report.md", "index.html", "draft.yaml", "aipl.yaml"])
def test_no_english_left(walked, name):
    text, typed = walked[name]
    if name == "map csv":  # a CSV's header names columns (identifiers); its cells are data
        text = ""
    if name == "paths dot":  # Graphviz's syntax: the labels are what a reader sees
        text = "\n".join(re.findall(r'label="([^"]*)"', text))
    left = english_left(text, typed)
    assert not left, f"{name}: English left: {left}\n---\n{text[:3000]}"


def test_the_walk_catches_a_new_english_text():
    assert english_left("新的 text 进入") == ["text"]
    assert english_left("阶段 `some_key` 与 --format json，ad_impression，CSAT 3.2") == []


# ------------------------------------------------------------------ pictures


def figure_texts(fig) -> str:
    """Every text a reader sees in a matplotlib figure: titles, axis labels, tick labels,
    legends, annotations and captions."""
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text())


def figures_zh():
    """(name, figure) of every picture cjtool draws, in Chinese, on the example."""
    import matplotlib

    matplotlib.use("Agg")
    from cjtool.analyses.compare import compare
    from cjtool.analyses.moments import measured_moments
    from cjtool.api import breakdown, journeys, moments, paths
    from cjtool.metrics import compute_map
    from cjtool.render import compare_png, moments_png, paths_png, png, png_charts, segments_png
    from cjtool.render.png_style import style

    model = load_model(str(M))
    j = journeys([str(E)], model, attributes=["variant", "persona"])
    result = compute_map(j, model)
    result.measured = measured_moments(moments(j, model))  # as `map --png` draws them
    with style():
        yield "journey map", png.journey_map_figure(result, "zh")
        yield "priority matrix", png_charts.priority_matrix_figure(result, "zh")
        yield "funnel", png_charts.funnel_figure(result, "zh")
        c = compare(j, by="variant", baseline="control", lang="zh")
        yield "compare", compare_png.compare_figure(c, "zh")
        mo = moments(j, model)
        yield "moments odds", moments_png.odds_chart_figure(mo, "zh")
        yield "moments importance", moments_png.importance_figure(mo, "zh")
        p = paths(j, model)
        for name in ("flow", "heatmap", "switches", "removal"):
            yield f"paths {name}", getattr(paths_png, f"{name}_figure")(p, "zh")
        yield "segments funnel", segments_png.segment_funnel_figure(breakdown(j, model, "persona"), "zh")
        yield "cohorts", segments_png.cohort_figure(breakdown(j, model, "month"), "zh")


def test_pictures_have_no_english_left():
    import matplotlib.pyplot as plt

    left = {}
    for name, fig in figures_zh():
        words = english_left(figure_texts(fig))
        if words:
            left[name] = words
        plt.close(fig)
    assert not left, f"English left in pictures: {left}"


# ------------------------------------------------------------------ which language


def _is_chinese(text: str) -> bool:
    return "阶段" in text or "客户" in text


@pytest.mark.parametrize(
    ("env", "option", "model_lang", "expected"),
    [
        ({}, None, None, "en"),
        ({}, "zh", None, "zh"),
        ({"CJTOOL_LANG": "zh"}, None, None, "zh"),
        ({"CJTOOL_LANG": "zh"}, "en", None, "en"),  # --lang first
        ({}, None, "zh", "zh"),  # the model's lang:
        ({"CJTOOL_LANG": "en"}, None, "zh", "en"),  # CJTOOL_LANG before the model
        ({"LANG": "zh_CN.UTF-8"}, None, None, "zh"),  # the locale
        ({"LANG": "zh_CN.UTF-8"}, None, "en", "en"),  # the model before the locale
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, None, None, "en"),  # LC_ALL before LANG
        ({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "C"}, None, None, "zh"),
        ({"LANG": "C"}, None, None, "en"),
    ],
)
def test_which_language(tmp_path, monkeypatch, env, option, model_lang, expected):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    model = M
    if model_lang:
        model = tmp_path / "m.yaml"
        model.write_text(M.read_text(encoding="utf-8") + f"\nlang: {model_lang}\n", encoding="utf-8")
    args = ["map", str(E), "-m", str(model)] + (["--lang", option] if option else [])
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert _is_chinese(r.stdout) == (expected == "zh")


def test_validate_takes_lang_and_errors_before_the_model_follow_the_environment(monkeypatch, tmp_path):
    r = CliRunner().invoke(app, ["validate", "-m", str(M), str(E), "--lang", "zh"])
    assert r.exit_code == 0 and "有效" in r.stdout
    monkeypatch.setenv("CJTOOL_LANG", "zh")
    r = CliRunner().invoke(app, ["map", str(tmp_path / "missing.csv"), "-m", str(M)])
    assert r.exit_code == 4 and "cjtool: 错误：" in r.stderr and "文件不存在" in r.stderr
    monkeypatch.delenv("CJTOOL_LANG")
    r = CliRunner().invoke(app, ["map", str(tmp_path / "missing.csv"), "-m", str(M)])
    assert "cjtool: error: " in r.stderr and "no such file" in r.stderr  # English again: nothing kept


def test_a_models_lang_must_be_known(tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(M.read_text(encoding="utf-8") + "\nlang: fr\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", "-m", str(model)])
    assert r.exit_code == 3 and "unknown language `fr`" in r.output


# ------------------------------------------------------------------ the catalogue


def test_every_key_used_is_in_the_catalogue_in_both_languages():
    from cjtool.i18n import _T
    from cjtool.render.words import WORDS

    assert all(set(v) >= {"en", "zh"} and all(v.values()) for v in (*_T.values(), *WORDS.values()))
    used = set()
    for path in (Path(__file__).resolve().parent.parent / "cjtool").rglob("*.py"):
        used |= set(re.findall(r"\b(?:say|t)\(\s*\"([\w ]+)\"\s*[,)]", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in _T and k not in WORDS)
    assert not missing, missing
    source = (Path(__file__).resolve().parent.parent / "cjtool" / "i18n.py").read_text(encoding="utf-8")
    keys = re.findall(r'^    "([^"]+)": \{', source, re.M)
    assert len(keys) == len(set(keys)), "a key is in the catalogue twice (the last one would win)"


def test_help_stays_english(monkeypatch):
    monkeypatch.setenv("CJTOOL_LANG", "zh")
    r = CliRunner().invoke(app, ["map", "--help"])
    assert r.exit_code == 0 and "Usage" in r.stdout and "Language of every" in r.stdout
