"""A merged cell's line read in pieces keeps each piece as a line of its own (`ocr.page`).

Where the grid lost a column rule on one row, `ocr.cellink` cuts a line's ink at the rule into
crops read one by one (`100` | `95.77`). The cell's text joins them with a space, but its
`lines` must keep each piece's own box: joined into one line spanning the rule, the reader
(`flows.forms.celllines`) could no longer cut the cell where the rule ran."""

from __future__ import annotations

from ocr.grid import GridCell
from ocr.page import _cell_of_frags, _Frag, _join_line_parts


def test_pieces_of_one_line_stay_lines_of_their_own() -> None:
    """The cell's text joins one line's pieces with a space, its lines keep each piece's box."""
    frags = [
        _Frag("年度绩", (10, 10, 70, 30), 0.9),
        _Frag("1.按计划", (120, 11, 260, 31), 0.8),
        _Frag("效目标", (10, 40, 70, 60), 0.95),
    ]
    cell = _cell_of_frags(GridCell(0, 0, 1, 2, (0, 0, 300, 70)), _join_line_parts(frags), frags)
    assert cell.text == "年度绩 1.按计划效目标"
    assert cell.confidence == 0.8
    assert [(ln.text, ln.bbox, ln.confidence) for ln in cell.lines] == [
        ("年度绩", (10.0, 10.0, 70.0, 30.0), 0.9),
        ("1.按计划", (120.0, 11.0, 260.0, 31.0), 0.8),
        ("效目标", (10.0, 40.0, 70.0, 60.0), 0.95),
    ]


def test_without_pieces_the_lines_are_the_joined_fragments() -> None:
    """Called without pieces (text-layer and page-detection paths), lines are the fragments."""
    frags = [_Frag("是 否", (10, 10, 110, 31), 0.8)]
    cell = _cell_of_frags(GridCell(0, 0, 1, 1, (0, 0, 120, 40)), frags)
    assert [(ln.text, ln.bbox) for ln in cell.lines] == [("是 否", (10.0, 10.0, 110.0, 31.0))]
