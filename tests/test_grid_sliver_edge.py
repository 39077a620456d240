"""A sliver column's edge (`ocr.grid.build_cells`): two separators a few px apart, one a rule
of the top block only and one of the grid below, leave no room beside the edge to tell a
glyph's stroke on it from a worn rule's thin ink; only the rule mask shows a rule there."""

from __future__ import annotations

import numpy as np

from ocr.grid import build_cells

XS = [100.0, 500.0, 515.0, 900.0]
YS = [100.0, 200.0, 270.0, 340.0, 410.0]


def _masks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hor, ver, ink) of a 4-row table whose top row's rule at x = 515 stands 15 px right of
    the rows' below at x = 500 (the grid's separators `XS`, `YS`)."""
    hor = np.zeros((520, 1000), np.uint8)
    ver = np.zeros_like(hor)
    for y in YS:
        hor[int(y) - 1 : int(y) + 1, 100:900] = 255
    for x in (100, 900):
        ver[100:410, x - 1 : x + 1] = 255
    ver[100:200, 514:516] = 255  # the top block's rule
    ver[200:410, 499:501] = 255  # the grid's rule below, 15 px left of it
    return hor, ver, hor | ver


def test_a_glyphs_stem_on_a_sliver_columns_edge_leaves_its_cell_whole() -> None:
    """Dev lg_1925_自评: the funds block's rule 15 px right of the 得分 column's left rule; a
    left-set score `4` printed its stem on that line in the rows below, and the score cell was
    cut through the glyph (both pieces read blank). The stem is thin straight ink standing
    clear of the row's rules: the score's cell stays whole, and the top block's rule stays."""
    hor, ver, ink = _masks()
    for top in YS[1:-1]:  # a `4` in each row below: its stem on x = 515, its bar left of it
        y = int(top)
        ink[y + 18 : y + 52, 514:517] = 255
        ink[y + 40 : y + 43, 506:512] = 255
    cells = build_cells(XS, YS, hor, ver, ink=ink)
    got = sorted((c.row, c.col, c.colspan) for c in cells)
    assert got == [(0, 0, 2), (0, 2, 1), (1, 0, 1), (1, 1, 2), (2, 0, 1), (2, 1, 2)] + [
        (3, 0, 1),
        (3, 1, 2),
    ]


def test_thin_ink_reaching_a_rows_rule_on_a_sliver_edge_is_a_worn_rule() -> None:
    """Thin ink on the sliver's edge running from the row's top rule (worn below it) is a
    rule's, not a glyph's: the edge stays a rule in that row, the others stay whole."""
    hor, ver, ink = _masks()
    ink[200:250, 514:516] = 255  # row 1 only: a rule worn from y = 250 down
    cells = build_cells(XS, YS, hor, ver, ink=ink)
    got = sorted((c.row, c.col, c.colspan) for c in cells)
    assert got == [(0, 0, 2), (0, 2, 1), (1, 0, 1), (1, 1, 1), (1, 2, 1), (2, 0, 1)] + [
        (2, 1, 2),
        (3, 0, 1),
        (3, 1, 2),
    ]
