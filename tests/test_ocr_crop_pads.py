"""How much paper a cell line's crop gets above and below its ink (`ocr.page._crop_line`): a
line of glyphs is cut as PP-OCR's detector cuts one, a short token keeps more paper."""

from __future__ import annotations

import numpy as np

from ocr.page import LINE_PAD, SHORT_TOKEN, TOKEN_PAD, _crop_line

CELL = (40, 20, 760, 180)  # x0, y0, x1, y1 of the cell inside its rules


def _page() -> np.ndarray:
    return np.full((200, 800), 255, np.uint8)


def test_a_line_of_glyphs_gets_line_padding_above_and_below() -> None:
    """A 20 px high line 300 px long (15 glyphs): 0.2 × 20 = 4 px of paper above and below,
    0.35 × 20 = 7 px either side."""
    crop = _crop_line(_page(), (100, 80, 400, 100), CELL, line_h=20.0)
    assert LINE_PAD == 0.2 and TOKEN_PAD == 0.35
    assert crop.shape == (20 + 2 * 4, 300 + 2 * 7, 3)


def test_a_short_token_keeps_token_padding() -> None:
    """A token no wider than SHORT_TOKEN ink heights (a lone ≥, a number) keeps 7 px of paper
    above and below; one px wider than that it is a line."""
    token = _crop_line(_page(), (100, 80, 100 + int(SHORT_TOKEN * 20), 100), CELL, line_h=20.0)
    assert token.shape == (20 + 2 * 7, int(SHORT_TOKEN * 20) + 2 * 7, 3)
    line = _crop_line(_page(), (100, 80, 101 + int(SHORT_TOKEN * 20), 100), CELL, line_h=20.0)
    assert line.shape[0] == 20 + 2 * 4


def test_paddings_follow_at_least_a_text_height_and_stop_at_the_cell() -> None:
    """A flat mark (a dash, 4 px high) is padded as 0.6 of the page's text height (12 px: 4 px
    above and below for a line); no crop runs past the cell's rules."""
    flat = _crop_line(_page(), (100, 80, 400, 84), CELL, line_h=20.0)
    assert flat.shape == (4 + 2 * 2, 300 + 2 * 4, 3)
    edge = _crop_line(_page(), (42, 22, 300, 42), CELL, line_h=20.0)
    assert edge.shape == (20 + 2 + 4, 258 + 2 + 7, 3)


def test_a_line_beside_a_sliver_cells_inner_rectangle_is_cropped_from_its_own_ink() -> None:
    """A sliver cell between two rules close together (inner rows 226-236) whose ink box lies
    above it (209-219, dev7 lg_60799 p1): the cell holds none of the line's rows, so the crop
    is the line's own ink with its padding (2 px above and below, 4 px either side), not an
    empty crop (which failed the whole page's OCR)."""
    page = np.full((300, 1500), 255, np.uint8)
    crop = _crop_line(page, (756, 209, 900, 219), (223, 226, 1433, 236), line_h=13.5)
    assert crop.shape == (10 + 2 * 2, 144 + 2 * 4, 3)
