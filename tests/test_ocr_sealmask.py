"""A seal as dark as the print taken off by its shape (`ocr.sealmask`): its ring, star and
text band measured from its radial ink profile, its glyphs told from print by the rows print
stands in, print darker than a part kept."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess import binarize, find_seals, lift_grey_seals
from ocr.sealmask import _in_print_rows, _keep_darker_print, measure_seal
from tests.fixtures import scans


def _grey_seal_page() -> np.ndarray:
    """A red seal (radius 150 px) scanned in grey on an empty A4-sized page."""
    page = np.full((1700, 1200, 3), 255, np.uint8)
    sealed = scans.red_seal(page, (600, 800), 150, seed=3)
    return cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY)


def test_measure_seal_finds_ring_star_and_text_band_by_the_ink_profile() -> None:
    """`red_seal` draws the ring at radius 150 (width 8: 142-150), the star's points out to
    0.28 r (42) and glyphs 0.24 r tall centred at 0.72 r (108: 90-126). The profile finds the
    ring where most of each circle is ink, the star out to where its points end, and the text
    band from half way up its densest circles (~0.2 of each circle) out to the ring."""
    ink = binarize(_grey_seal_page())
    shape = measure_seal(ink, 600.0, 800.0, 150.0)
    assert shape is not None
    assert shape.ring == (143.0, 149.0)
    assert shape.star == 39.0
    assert shape.text == (92.0, 143.0)
    # a circle with no ring on it is no seal
    assert measure_seal(ink, 300.0, 300.0, 100.0) is None


def test_a_seal_as_dark_as_faded_print_is_taken_off_by_its_shape() -> None:
    """Rows of faded print (strokes 150 grey) under a grey seal whose ring is ~135 (lg_4892
    p1): too dark to lift by its level, so its ring, star and text glyphs go by their shape.
    Nothing outside the seal's disc changes; the ring and the star become paper; the print's
    strokes away from the seal's parts stay."""
    gray = np.full((1100, 900), 255, np.uint8)
    for y in range(60, 1060, 80):
        for x in range(40, 860, 14):
            gray[y : y + 18, x : x + 3] = 150
    sealed = scans.red_seal(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), (450, 520), 130, seed=5)
    page = cv2.GaussianBlur(cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY), (0, 0), 1.0)
    (cx, cy, r), *_ = find_seals(binarize(page))
    out, lifted, shaped, found = lift_grey_seals(page)
    assert (lifted, shaped, found) == (0, 1, 1)
    yy, xx = np.mgrid[0 : page.shape[0], 0 : page.shape[1]]
    d = np.hypot(xx - cx, yy - cy)
    outside = d > 1.2 * r
    assert np.array_equal(out[outside], page[outside])
    ink_before, ink_after = binarize(page) > 0, binarize(out) > 0
    ring = np.abs(d - r) <= 3
    star = d <= 0.1 * r
    assert ink_before[ring].mean() > 0.9 and ink_after[ring].mean() < 0.1
    assert ink_before[star].all() and not ink_after[star].any()
    # the print's strokes in the open disc between the star and the text stay
    between = (d > 0.4 * r) & (d < 0.5 * r) & ink_before
    assert ink_after[between].mean() > 0.9


def test_a_glyph_stands_in_a_print_row_by_its_foot_not_by_being_near() -> None:
    """Text height 20. Anchor: a print glyph (x 0-20, y 100-120). Beside it a print glyph
    with its foot on the same line (kept), one chained after it (kept), a seal glyph 1.5 text
    heights tall beside the row (not: taller than the row), and a glyph whose foot is 10 px
    off the row (not)."""
    stats = np.array(
        [
            [0, 0, 0, 0, 0],
            [25, 102, 18, 18, 100],  # foot 120 on the anchor's
            [50, 101, 18, 19, 100],  # beside the first, foot 120
            [75, 90, 30, 30, 300],  # seal glyph: foot 120 but 30 tall
            [25, 140, 18, 20, 100],  # below the row
        ]
    )
    cand = np.array([False, True, True, True, True])
    kept = _in_print_rows(stats, 5, cand, [np.array([0, 100, 20, 20])], 20.0)
    assert kept.tolist() == [False, True, True, False, False]


def test_print_darker_than_a_part_is_kept_off_it() -> None:
    """A part whose ink is 160 grey over print at 60 (print's level 60): the part's pixels
    at 160 go, the print pixels (60) and their one-pixel edge stay. A part darker than print
    (40) goes whole."""
    sub = np.full((5, 9), 255, np.uint8)
    sub[2, :] = 160
    sub[2, 4] = 60
    part = sub < 200
    light = _keep_darker_print(sub, [part], 60.0)
    assert light[2].tolist() == [True, True, True, False, False, False, True, True, True]
    dark = np.where(part, 40, 255).astype(np.uint8)
    assert np.array_equal(_keep_darker_print(dark, [part], 60.0), part)
