"""A scanned form's year line read with its 度 lost or misread: `(2025年政法` where a seal's
glyphs lie over 度）(dev8 lg_72509), `(2030年9)` (dev8 lg_73422). Without a year the document
was quarantined and its project lost; the line's bracket and year give it, said. A bracketed
year that stands below the table, or a table between, is not this table's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.models import PageGrid
from tests.test_forms import GRID, HEADER, page, table, values


def _scan(year_line: str, line_top: float = -1) -> PageGrid:
    rows = [r[:4] for r in HEADER[:3]] + GRID
    lines = ("部门项目支出绩效目标表", year_line)
    grid = page(1, table(rows), lines=lines, line_tops=[-2, line_top])
    return replace(grid, has_text_layer=False)


@pytest.mark.parametrize(("line", "year"), [("(2025年政法", "2025"), ("（2030年9）", "2030")])
def test_a_bracketed_year_line_read_without_its_du_gives_the_year_said(
    line: str, year: str
) -> None:
    (form,), problems = read_document([_scan(line)])
    assert values(form)["year"] == year
    assert any(
        f"year {year} read from the line '{line}' above the table, the year line's bracket" in p
        for p in problems
    )


def test_no_year_from_a_bracketed_line_below_the_table_or_without_its_bracket() -> None:
    below = read_document([_scan("(2025年政法", line_top=50)])[0][0]
    assert "year" not in values(below)
    no_bracket = read_document([_scan("说明2025年政法")])[0][0]
    assert "year" not in values(no_bracket)
