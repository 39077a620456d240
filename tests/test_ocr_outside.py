"""Which bands outside the grids text detection is run on: only those holding a glyph of print."""

from __future__ import annotations

import numpy as np

from ocr.cellink import print_darkness_cut
from ocr.page import GLYPH_PT, holds_glyph, outside_strips
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


def test_a_glyph_is_a_blob_of_print_as_large_as_a_glyph() -> None:
    """Of the page's three blobs only the title's black ones are glyphs of print: the specks
    are too small, the light blob never as dark as the page's print (cut 149 here)."""
    gray = _page()
    ink = binarize(gray)
    cut = print_darkness_cut(gray, ink)
    assert cut == 149
    glyph = GLYPH_PT * W / 595.0
    assert holds_glyph(ink[100:124], gray[100:124], cut, glyph)
    assert not holds_glyph(ink[300:306], gray[300:306], cut, glyph)
    assert not holds_glyph(ink[500:530], gray[500:530], cut, glyph)
    assert holds_glyph(ink[500:530], gray[500:530], 190, glyph)  # as dark as a fainter print
