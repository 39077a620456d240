"""Faint print's crops stretched before recognition (`ocr.preprocess.stretch_faint`): a faded
page's digits stand 70-100 grey levels under its paper, and the recogniser, which takes grey as
it comes, read such a crop's `41.9` as `11.9` (dev10 lg_92927). A crop of normal print, or of
nothing but paper noise, reaches it as cut."""

from __future__ import annotations

import numpy as np

from ocr.page import LONE_GLYPH_WIDTH, _crop_line, _glyph_crops
from ocr.preprocess import FAINT_CONTRAST, PRINT_CONTRAST, RIDGE_CONTRAST, stretch_faint, to_bgr


def _crop(paper: int, ink: int) -> np.ndarray:
    """A 30 × 60 crop of `paper` grey with a 3 px stroke of `ink` grey (30% of its pixels)."""
    crop = np.full((30, 60), paper, np.uint8)
    crop[:, 10:28] = ink
    return crop


def test_a_faint_crop_is_given_the_contrast_of_normal_print_on_white_paper() -> None:
    """Ink at 180 on paper at 245 (65 levels): paper becomes white, ink PRINT_CONTRAST (170)
    levels under it, the grey between them in proportion; a BGR crop keeps its three
    channels, each stretched alike."""
    assert PRINT_CONTRAST == 170
    crop = _crop(245, 180)
    crop[0, 0] = 212  # halfway between ink and paper
    out = stretch_faint(crop)
    assert out[5, 15] == 85 and out[5, 40] == 255
    assert out[0, 0] == 168  # 255 - (245 - 212) × 170 / 65 = 168.7, cut to an integer
    bgr = stretch_faint(to_bgr(crop))
    assert bgr.shape == (30, 60, 3)
    assert (bgr[..., 0] == out).all() and (bgr[..., 2] == out).all()


def test_print_of_normal_weight_and_paper_noise_reach_the_recogniser_as_cut() -> None:
    """Ink FAINT_CONTRAST or more under the paper is normal print; ink less than RIDGE_CONTRAST
    under it is no print to stretch (noise, JPEG ringing): the same array comes back. So does an
    empty crop and one of paper alone."""
    normal = _crop(245, 245 - FAINT_CONTRAST)
    assert stretch_faint(normal) is normal
    just_faint = _crop(245, 245 - FAINT_CONTRAST + 1)
    assert stretch_faint(just_faint) is not just_faint
    noise = _crop(245, 245 - RIDGE_CONTRAST + 1)
    assert stretch_faint(noise) is noise
    blank = np.full((30, 60), 250, np.uint8)
    assert stretch_faint(blank) is blank
    empty = np.zeros((0, 5), np.uint8)
    assert stretch_faint(empty) is empty


def _page(ink: int) -> np.ndarray:
    page = np.full((200, 800), 245, np.uint8)
    page[80:100, 100:160] = ink  # a "line" of ink, 20 px high
    page[82:98, 120:124] = 245
    return page


def test_a_cells_line_crop_of_faint_print_is_stretched_a_lone_glyphs_crops_are_not() -> None:
    """`_crop_line` cuts the same rectangle as before (the crop pads' own tests) and hands
    faint print on stretched: the line's ink at 85, its paper at 255; print of normal weight
    keeps its grey. A lone glyph's crop keeps its grey, and so do a small glyph's three crops
    (`_glyph_crops`): stretched, a faded vertical label's 指 was read `s` (dev11 lg_102156)."""
    cell = (40, 20, 760, 180)
    faint = _crop_line(_page(185), (100, 80, 160, 100), cell, line_h=20.0)
    assert faint.shape == (20 + 2 * 7, 60 + 2 * 7, 3)
    assert faint[..., 0].min() == 85 and faint[..., 0].max() == 255
    normal = _crop_line(_page(40), (100, 80, 160, 100), cell, line_h=20.0)
    assert normal[..., 0].min() == 40 and normal[..., 0].max() == 245
    # a lone glyph's box (no wider than LONE_GLYPH_WIDTH ink heights) is read as cut
    assert LONE_GLYPH_WIDTH == 1.5
    lone = _crop_line(_page(185), (100, 80, 130, 100), cell, line_h=20.0)
    assert lone[..., 0].min() == 185 and lone[..., 0].max() == 245
    wider = _crop_line(_page(185), (100, 80, 131, 100), cell, line_h=20.0)
    assert wider[..., 0].min() == 85
    glyph = _page(185)
    glyph[80:100, 112:160] = 245  # a lone small glyph, 12 × 20 px
    crops = _glyph_crops(glyph, (100, 80, 112, 100), cell, line_h=30.0)
    assert len(crops) == 3
    assert all(c[..., 0].min() == 185 and c[..., 0].max() == 245 for c in crops)
