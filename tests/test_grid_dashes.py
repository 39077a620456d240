"""Column rules worn into dashes on compound-damaged scans (`ocr.grid`): the dashes of one rule
joined across their gaps are a short rule; specks stacked on a line are none."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grid import find_tables
from tests.fixtures import scans

XS = [100, 300, 600, 900]
YS = [100, 180, 260, 340, 420]


def dashed_column_page(dash: int, gap: int) -> np.ndarray:
    """A 4-row table whose column rule x=600 runs in rows 0-1 only (a header's short column),
    printed as dashes `dash` px long with `gap` px of paper between them; the other rules are
    whole. Each cell holds a line of text, the values merged over columns 1-2 one each."""
    page = np.full((600, 1000), 255, np.uint8)
    for y in YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x in (XS[0], XS[1], XS[-1]):
        cv2.line(page, (x, YS[0]), (x, YS[-1]), 110, 2)
    for y in range(YS[0], YS[2], dash + gap):
        cv2.line(page, (600, y), (600, min(y + dash, YS[2])), 110, 2)
    for i, y0 in enumerate(YS[:-1]):
        for x0 in (XS[0], XS[1], 600)[: 3 if i < 2 else 2]:
            cv2.putText(page, "ab 12", (x0 + 20, y0 + 50), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def test_a_short_column_rule_worn_into_dashes_is_found() -> None:
    """Dashes 14 px long, 6 px apart (a grey rule worn by many short gaps): no piece is as
    long as the opening kernel, nor does one span a cell edge, and the column was lost (the
    header's two values read as one). Joined across their gaps, they are one rule from row
    rule to row rule in each row."""
    (table,) = find_tables(dashed_column_page(14, 6))
    assert [round(x) for x in table.xs] == [100, 300, 600, 900]
    got = sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)
    assert got == [
        (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1),
        (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1),
        (2, 0, 1, 1), (2, 1, 1, 2),
        (3, 0, 1, 1), (3, 1, 1, 2),
    ]  # fmt: skip


def test_specks_in_a_column_are_no_rule() -> None:
    """Dots 2 px long, 6 px apart, stacked where that column rule would be (speckle, a dotted
    leader): shorter than a dash, they are no rule and the values span the whole width."""
    (table,) = find_tables(dashed_column_page(2, 6))
    assert [round(x) for x in table.xs] == [100, 300, 900]
