"""Which bands outside the grids text detection is run on: only those holding a glyph of print."""

from __future__ import annotations

import numpy as np

from ocr.page import GLYPH_PT, glyph_rows, outside_strips
from ocr.preprocess import binarize

# an A4 page at 200 dpi: a glyph blob is at least GLYPH_PT pt = 11 px here
H, W = 2339, 1654


def _page() -> np.ndarray:
    """A title of two black glyph-sized blobs (rows 100-123), two dark 3 px specks, one under
    the other, making a band of 6 rows (300-305), and a glyph-sized blob as light as seal
    residue (rows 500-529)."""
    gray = np.full((H, W), 255, np.uint8)
    gray[100:124, 200:220] = 0
    gray[100:124, 240:260] = 0
    gray[300:303, 700:703] = 60
    gray[303:306, 720:723] = 60
    gray[500:530, 900:930] = 185
    return gray


def test_glyph_size_follows_the_page() -> None:
    assert round(GLYPH_PT * W / 595.0, 1) == 11.1


def test_bands_without_a_glyph_of_print_are_not_read() -> None:
    """Without the page's grey every inked band is a strip; with it the band of specks and
    the band of light residue are dropped, and the title's strip is the same rectangle."""
    gray = _page()
    ink = binarize(gray)
    title = (188, 88, 272, 136)  # its ink padded by half its height
    every = outside_strips(ink, [])
    assert every[0] == title and len(every) == 3
    assert outside_strips(ink, [], gray=gray) == [title]


def test_glyph_rows_mark_the_rows_a_glyph_of_print_reaches() -> None:
    gray = _page()
    rows = glyph_rows(gray, binarize(gray), np.zeros(H, dtype=bool))
    assert np.flatnonzero(rows).tolist() == list(range(100, 124))
    covered = np.zeros(H, dtype=bool)
    covered[90:130] = True  # a table over the title: its ink is the grid's, not outside text
    assert not glyph_rows(gray, binarize(gray), covered).any()
