"""A lone small glyph's crops (`ocr.page._glyph_crops`) always hold the glyph: its box can stand
past its cell's inner edge (a cell a few pixels high under a worn rule, dev3 lg_21340_自评 p1),
where limiting the crop to the cell alone cut it to nothing and OpenCV raised, losing the page."""

import numpy as np

from ocr.page import _glyph_crops


def _page_with_glyph() -> np.ndarray:
    gray = np.full((300, 1500), 255, np.uint8)
    gray[230:236, 895:901] = 0  # the glyph's ink, inside its box (893, 228, 903, 238)
    return gray


def test_glyph_above_its_cells_inner_edge_is_cropped_with_its_ink() -> None:
    crops = _glyph_crops(_page_with_glyph(), (893, 228, 903, 238), (234, 245, 1421, 256), 24.0)
    assert [c.shape for c in crops] == [(14, 18, 3), (17, 30, 3), (21, 30, 3)]
    assert [int((c[..., 0] == 0).sum()) for c in crops] == [36, 36, 36]


def test_glyph_inside_its_cell_is_cropped_as_before() -> None:
    crops = _glyph_crops(_page_with_glyph(), (893, 228, 903, 238), (234, 200, 1421, 300), 24.0)
    # tight: 4 px of paper; line-high: 7 and 11 px above and below, a glyph's width either side
    assert [c.shape for c in crops] == [(18, 18, 3), (24, 30, 3), (32, 30, 3)]
    assert [int((c[..., 0] == 0).sum()) for c in crops] == [36, 36, 36]
