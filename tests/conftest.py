"""Shared test helpers: run the CLI in-process, write small event files."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from typer.testing import CliRunner

matplotlib.use("Agg")

from cjtool.cli.app import app  # noqa: E402
from cjtool.i18n import reset_lang  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HEADER = "customer_id,timestamp,touchpoint,channel,satisfaction,nps,effort\n"

SMALL_MODEL = """\
name: small
title: {en: Small journey, zh: 小旅程}
window: 1h
stages:
  - id: aware
    label: {en: Aware, zh: 认知}
    touchpoints: [ad]
  - id: view
    label: {en: View, zh: 浏览}
    touchpoints: [view]
  - id: buy
    label: {en: Buy, zh: 购买}
    match: "buy"
"""

SMALL_EVENTS = (
    HEADER
    + """\
c1,2024-01-01T00:00:00Z,ad,web,5,,
c1,2024-01-01T00:30:00Z,view,web,4,,
c1,2024-01-01T00:50:00Z,buy_now,app,2,10,3
c2,2024-01-01T00:00:00Z,ad,web,,,
c2,2024-01-01T03:00:00Z,ad,web,,,
c2,2024-01-01T03:10:00Z,view,app,1,0,
c3,2024-01-01,view,store,,,
c4,not a time,view,web,,,
c5,2024-01-01,login,web,,,
"""
)


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env)

    return run


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """(model.yaml, events.csv) of a hand-checked three-stage journey."""
    model = tmp_path / "small.yaml"
    model.write_text(SMALL_MODEL, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(SMALL_EVENTS, encoding="utf-8")
    return model, events


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CJTOOL_DEBUG", raising=False)
    os.environ.pop("FORCE_COLOR", None)
    for var in ("CJTOOL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):  # English unless a test asks (docs/language.md)
        monkeypatch.delenv(var, raising=False)
    reset_lang()  # an in-process run in Chinese before this test must not leave its language behind


@pytest.fixture(scope="session")
def no_scores_csv(tmp_path_factory) -> str:
    """The example events without their score columns, in pytest's temp folder."""
    import polars as pl

    path = tmp_path_factory.mktemp("noscores") / "noscores.csv"
    pl.read_csv(EXAMPLES / "aipl_events.csv", infer_schema_length=0).drop("satisfaction", "nps", "effort").write_csv(
        path
    )
    return str(path)
