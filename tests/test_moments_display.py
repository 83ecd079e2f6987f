"""Key moments in a narrow terminal (issue 21 item 17): numbers are never cut into
wrong-looking ones (`0.2` for 0.212); columns are left out, and the note says which."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console

from cjtool.api import load_model, moments
from cjtool.render.moments_table import render_moments
from cjtool.render.moments_text import effect_rows, moment_rows, w
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def result():
    model = load_model(str(EXAMPLES / "aipl.yaml"))
    return moments([str(EXAMPLES / "aipl_events.csv")], model)


def _row_line(lines: list[str], touchpoint: str, start: int) -> int:
    """The first line at or after ``start`` that begins the row of ``touchpoint`` (its
    name may be folded: the first characters are on the row's first line)."""
    return next(
        i
        for i in range(start, len(lines))
        if any(tok == touchpoint or (len(tok) >= 4 and touchpoint.startswith(tok)) for tok in lines[i].split()[:2])
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [40, 50, 60, 70, 80, 100, 140])
def test_numbers_are_whole_or_their_column_is_named_left_out(result, width, lang):
    console = Console(width=width, record=True, color_system=None, highlight=False)
    render_moments(result, console, lang=lang, top=10)
    lines = console.export_text().splitlines()
    assert all(cell_len(line.rstrip()) <= width for line in lines)
    start = 0
    for (header, rows), title in (
        (moment_rows(result, lang, 10), "title"),
        (effect_rows(result, lang, 10), "effect_title"),
    ):
        start = next(i for i in range(start, len(lines)) if lines[i].startswith(w(title, lang)[:8]))
        p_col = header.index(w("p_adj", lang))
        rule = next(i for i in range(start, len(lines)) if "───" in lines[i])
        head_line = lines[rule - 1]
        at = rule + 1
        for row in rows:
            at = _row_line(lines, row[1], at)
            tokens = lines[at].split()
            for col in range(2, len(row)):  # numbers: whole or absent, never a cut prefix
                cell = row[col].split(" ")[0]
                if not cell or not (cell[0].isdigit() or cell[0] in "+-<"):
                    continue
                assert not any(tok != cell and len(tok) > 1 and cell.startswith(tok) for tok in tokens), (
                    width,
                    row,
                    tokens,
                )
            if header[p_col] in head_line:
                assert row[p_col] in tokens, (width, row, lines[at])
            at += 1
        if header[p_col] not in head_line:  # left out: the note says so
            assert any(header[p_col] in line for line in lines[at : at + 4]), (width, lines[at : at + 4])
        start = at


def test_at_60_columns_nothing_is_cut(result):
    console = Console(width=60, record=True, color_system=None, highlight=False)
    render_moments(result, console, lang="en", top=10)
    text = console.export_text()
    assert " 0.2\n" not in text and "<0.0\n" not in text and "p ad\n" not in text
    assert "left out at 60 columns" in text
