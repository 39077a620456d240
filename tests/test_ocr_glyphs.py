"""A line crop keeps the glyphs its padding cut through (`ocr.glyphs.keep_cut_ink`).

Synthetic grey cells: paper 250, the line's ink box holding dark "digits" (grey 80); a light
thin mark (grey 180: still ink to the binariser, lighter than print) stands left of the box, as
a comparator printed in a thin stroke does on a faded scan."""

from __future__ import annotations

import numpy as np

from ocr.glyphs import keep_cut_ink
from ocr.page import _crop_line

PAPER, PRINT, LIGHT = 250, 80, 180


def _cell() -> np.ndarray:
    """A 60 × 200 px cell: digits at x 60-100 (rows 20-40), nothing else."""
    gray = np.full((60, 200), PAPER, np.uint8)
    gray[20:40, 60:100] = PRINT
    return gray


def test_crop_edge_cutting_a_light_mark_moves_past_it_with_the_crops_padding() -> None:
    gray = _cell()
    gray[24:36, 45:56] = LIGHT  # the mark: x 45-55, the crop (pad 8) starts at 52
    box = (60, 20, 100, 40)
    assert keep_cut_ink(gray, box, (52, 108), (4, 196), 8, 20) == (37, 108)


def test_crop_edge_on_paper_stays_where_it_was() -> None:
    gray = _cell()
    gray[24:36, 30:40] = LIGHT  # a mark clear of the crop's padding: not cut, not taken
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (52, 108)


def test_right_edge_cutting_a_mark_moves_right() -> None:
    gray = _cell()
    gray[22:38, 104:115] = LIGHT  # a `%` in thin strokes: x 104-114, the crop ends at 108
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (52, 123)


def test_ink_running_on_past_the_reach_leaves_the_edge() -> None:
    gray = _cell()
    gray[24:36, 10:56] = LIGHT  # 46 px of ink left of the box: more than a glyph (reach 20)
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (52, 108)


def test_never_past_the_cells_inner_edges() -> None:
    gray = _cell()
    gray[24:36, 45:56] = LIGHT
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (44, 196), 8, 20) == (44, 108)


def test_ink_of_another_line_above_does_not_count() -> None:
    gray = _cell()
    gray[2:15, 40:56] = PRINT  # a line above, outside the box's rows
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (52, 108)


def test_line_crop_holds_the_whole_light_comparator() -> None:
    """`ocr.page._crop_line` cuts the crop through `keep_cut_ink`: the light mark is inside."""
    gray = _cell()
    gray[24:36, 45:56] = LIGHT
    crop = _crop_line(gray, (60, 20, 100, 40), (4, 4, 196, 56), 20.0)
    # padding 7 px (0.35 of a 20 px line): x 53-107 before, 38-107 with the mark and its paper
    assert crop.shape[1] == 107 - 38
    assert int((crop[..., 0] == LIGHT).sum()) == 12 * 11
