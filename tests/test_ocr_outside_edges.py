"""A scan's dark border is not text: bands outside the grids whose only dark blobs reach the
page's edge get no text detection (each such band was a detection call over half a page)."""

from __future__ import annotations

import numpy as np

from ocr.cellink import print_darkness_cut
from ocr.page import GLYPH_PT, holds_glyph, outside_strips, page_edges
from ocr.preprocess import binarize

H, W = 2339, 1654  # an A4 page at 200 dpi: a glyph is GLYPH_PT pt = 11 px across here


def _page_with_shadows() -> np.ndarray:
    """A title of two black glyph-sized blobs (rows 100-123) and, far below, a scanner's
    shadow: a black wedge along the left edge (rows 1500-1640), one 3 px in from the right
    edge (rows 1800-1850, as deskewing leaves it) and a black bar along the bottom."""
    gray = np.full((H, W), 255, np.uint8)
    gray[100:124, 200:220] = 0
    gray[100:124, 240:260] = 0
    gray[1500:1640, 0:30] = 0
    gray[1800:1850, W - 20 : W - 3] = 0
    gray[H - 20 : H, 40:250] = 0
    return gray


def test_a_band_of_border_shadow_only_is_not_read() -> None:
    """Without the page's grey each piece of shadow makes a band of its own; with it only the
    title's strip is left, the same rectangle as before."""
    gray = _page_with_shadows()
    ink = binarize(gray)
    title = (188, 88, 272, 136)  # its ink padded by half its height
    assert outside_strips(ink, []) == [
        title,
        (0, 1430, 100, 1710),
        (1609, 1775, 1654, 1875),
        (30, 2309, 260, 2339),
    ]
    assert outside_strips(ink, [], gray=gray) == [title]


def test_a_blob_within_a_glyph_of_the_page_edge_is_no_glyph() -> None:
    """The same black blob is a glyph in the margin and the paper's border at the edge;
    without the page's edges it is a glyph wherever it lies."""
    gray = np.full((H, W), 255, np.uint8)
    gray[1000:1030, W - 40 : W - 15] = 0  # 15 px from the right edge: in the margin
    gray[1200:1230, W - 30 : W - 5] = 0  # 5 px from it: less than a glyph (11 px)
    ink = binarize(gray)
    cut = print_darkness_cut(gray, ink)
    glyph = GLYPH_PT * W / 595.0
    margin, border = (slice(990, 1040), slice(0, W)), (slice(1190, 1240), slice(0, W))
    assert holds_glyph(ink[margin], gray[margin], cut, glyph, page_edges((0, 990), (W, H)))
    assert not holds_glyph(ink[border], gray[border], cut, glyph, page_edges((0, 1190), (W, H)))
    assert holds_glyph(ink[border], gray[border], cut, glyph)


def test_page_edges_are_given_in_the_band_s_pixels() -> None:
    assert page_edges((100, 40), (W, H)) == (-100, -40, W - 100, H - 40)
