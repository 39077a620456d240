"""Column rules worn into pieces that span no whole cell edge (`ocr.grid._worn_edge_piece`): a
piece meeting a crossing rule and covering about half its edge is the rule; a glyph's stroke
set against another rule is not a column of its own."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grid import find_tables
from tests.fixtures import scans

XS = [100, 300, 600, 900]
YS = [100, 160, 220, 280, 340]


def worn_column_page(stroke: tuple[int, int, int] | None = None) -> np.ndarray:
    """A 4-row table whose column rule x=600 runs in rows 0-1 only (a header's label | value)
    and is worn to one piece per row, shorter than the long rules' kernel (42 px on this page):
    38 px from the top rule down in row 0, 38 px up from the bottom rule in row 1 (the 44 px
    between them are paper). `stroke` (x, y0, y1) adds a glyph's vertical stroke. Each cell
    holds a line of text (rows 2-3: one per value merged over columns 1-2)."""
    page = np.full((1400, 1000), 255, np.uint8)
    for y in YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x in (XS[0], XS[1], XS[-1]):
        cv2.line(page, (x, YS[0]), (x, YS[-1]), 110, 2)
    cv2.line(page, (600, YS[0]), (600, YS[0] + 38), 110, 2)
    cv2.line(page, (600, YS[2] - 38), (600, YS[2]), 110, 2)
    for i, y0 in enumerate(YS[:-1]):
        for x0 in (XS[0], XS[1], 600)[: 3 if i < 2 else 2]:
            cv2.putText(page, "ab 12", (x0 + 40, y0 + 38), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    if stroke is not None:
        x, y0, y1 = stroke
        cv2.line(page, (x, y0), (x, y1), 0, 2)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def spans(table: object) -> list[tuple[int, int, int, int]]:
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)


def test_a_column_rule_worn_to_half_a_row_each_row_is_found() -> None:
    """Each row keeps two thirds of its rule, from a crossing rule on: no piece spans an edge
    nor is as long as the long kernel, and the label and value of both header rows read as
    one cell each. Each piece meets the row rule it starts at and covers most of its edge:
    the rule, worn."""
    (table,) = find_tables(worn_column_page())
    assert [round(x) for x in table.xs] == [100, 300, 600, 900]
    assert spans(table) == [
        (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1),
        (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1),
        (2, 0, 1, 1), (2, 1, 1, 2),
        (3, 0, 1, 1), (3, 1, 1, 2),
    ]  # fmt: skip


def test_a_glyph_stroke_set_against_a_rule_is_no_column() -> None:
    """A `)` standing 14 px right of the rule x=300 in row 2, down to the row rule under it (a
    wrapped label filling its cell): it meets a crossing rule and covers most of the row as
    a worn rule's piece does, but a column between it and the rule ruled beside it on that
    row (text 17 px high) could not print a glyph."""
    (table,) = find_tables(worn_column_page(stroke=(314, 244, 278)))
    assert [round(x) for x in table.xs] == [100, 300, 600, 900]
    assert (2, 1, 1, 2) in spans(table)


def worn_row_rule_page() -> np.ndarray:
    """A 4-row, 3-column table whose row rule y=220 is worn to one long piece per cell edge,
    each covering half of its interval (gaps as long as a third of a cell); the other rules
    are whole. Each cell holds a line of text."""
    page = np.full((1400, 1000), 255, np.uint8)
    for y in (YS[0], YS[1], YS[3], YS[4]):
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x0, x1 in ((100, 200), (330, 450), (620, 750)):
        cv2.line(page, (x0, YS[2]), (x1, YS[2]), 110, 2)
    for x in XS:
        cv2.line(page, (x, YS[0]), (x, YS[-1]), 110, 2)
    for y0 in YS[:-1]:
        for x0 in XS[:-1]:
            cv2.putText(page, "ab 12", (x0 + 40, y0 + 38), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def test_a_long_row_rule_worn_to_half_of_each_cell_is_a_separator() -> None:
    """Every piece of the row rule is longer than the long kernel (no glyph is), yet none
    covers 0.6 of its interval's middle: the row was lost and two indicator rows read as
    one. A separator of long pieces needs only the share an edge needs (`LONG_RULE_COVER`)."""
    (table,) = find_tables(worn_row_rule_page())
    assert [round(y) for y in table.ys] == YS
    assert spans(table) == [(r, c, 1, 1) for r in range(4) for c in range(3)]
