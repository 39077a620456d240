"""Faint print's crops stretched before recognition (`ocr.preprocess.stretch_faint`): a faded
page's digits stand 70-100 grey levels under its paper, and the recogniser, which takes grey as
it comes, read such a crop's `41.9` as `11.9` (dev10 lg_92927). A crop of normal print, or of
nothing but paper noise, reaches it as cut. A faded amount no pixel of which is ink, left blank
by the cell's reading, is read as a row of faint glyphs (`ocr.glyphs.faint_line_box`, dev11
lg_102509)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from flows.models import Cell, Table
from ocr.engines import OcrOptions, get_engine
from ocr.glyphs import faint_glyph_box, faint_line_box
from ocr.page import FAINT_NUMBER_MIN, _crop_line, _glyph_crops, read_faint_cells
from ocr.preprocess import (
    FAINT_CONTRAST,
    INK_THRESHOLD,
    PRINT_CONTRAST,
    RIDGE_CONTRAST,
    stretch_faint,
    to_bgr,
)
from tests.fixtures import scans

PAPER = 250


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


def test_a_cells_line_and_glyph_crops_of_faint_print_are_stretched() -> None:
    """`_crop_line` and `_glyph_crops` cut the same rectangles as before (the crop pads' own
    tests) and hand faint print on stretched: the line's ink at 85, its paper at 255; print of
    normal weight keeps its grey."""
    cell = (40, 20, 760, 180)
    faint = _crop_line(_page(185), (100, 80, 160, 100), cell, line_h=20.0)
    assert faint.shape == (20 + 2 * 7, 60 + 2 * 7, 3)
    assert faint[..., 0].min() == 85 and faint[..., 0].max() == 255
    normal = _crop_line(_page(40), (100, 80, 160, 100), cell, line_h=20.0)
    assert normal[..., 0].min() == 40 and normal[..., 0].max() == 245
    glyph = _page(185)
    glyph[80:100, 112:160] = 245  # a lone small glyph, 12 × 20 px
    crops = _glyph_crops(glyph, (100, 80, 112, 100), cell, line_h=30.0)
    assert len(crops) == 3
    assert all(c[..., 0].min() == 85 and c[..., 0].max() == 255 for c in crops)


def _faint_line(text: str, grey: int, width: int = 200) -> np.ndarray:
    """A 60 px high blank cell of paper 250 with `text` printed at `grey` from x 30 and blurred
    as a scan blurs it (sigma 1.3): no pixel as dark as the binariser's ink threshold."""
    img = Image.new("L", (width, 60), PAPER)
    font = ImageFont.truetype(scans.FONT_PATH, 18, index=0)
    ImageDraw.Draw(img).text((30, 20), text, font=font, fill=grey)
    return cv2.GaussianBlur(np.array(img), (0, 0), 1.3)


def test_a_faint_row_of_glyphs_is_a_line_where_a_lone_glyph_is_not() -> None:
    """`ocr.glyphs.faint_line_box` finds a faded amount's row of glyphs, which
    `faint_glyph_box` (one glyph) leaves; a lone faint glyph is no line, paper holds none."""
    amount = _faint_line("248.105", 175)
    assert int(amount.min()) > INK_THRESHOLD
    box = faint_line_box(amount, (0, 0, 200, 60), 3)
    assert box is not None
    x0, y0, x1, y1 = box
    assert 29 <= x0 <= 33 and x1 - x0 > 2 * (y1 - y0)
    assert faint_glyph_box(amount, (0, 0, 200, 60), 3) is None
    lone = _faint_line("9", 175)
    assert faint_line_box(lone, (0, 0, 200, 60), 3) is None
    assert faint_glyph_box(lone, (0, 0, 200, 60), 3) is not None
    assert faint_line_box(np.full((60, 200), PAPER, np.uint8), (0, 0, 200, 60), 3) is None


def test_a_blank_cells_faint_amount_is_its_value_where_both_views_read_it() -> None:
    """`ocr.page.read_faint_cells`: a faded `248.105` in a blank cell is read from its crop
    and that crop enlarged; both read the number surely, so it is the cell's text, said in one
    note naming the cell. A faint row of words is no number: the cell stays blank, unnoted; a
    cell already read is not looked at."""
    page = np.hstack([_faint_line("248.105", 175), _faint_line("按计划完成", 175)])
    cells = [
        Cell(0, 0, "", (0, 0, 200, 60)),
        Cell(0, 1, "", (200, 0, 400, 60)),
        Cell(1, 0, "12", (0, 0, 200, 60)),
    ]
    engine = get_engine("rapidocr", OcrOptions(threads=1))
    notes: list[str] = []
    (read,) = read_faint_cells([Table(2, 2, cells, (0, 0, 400, 60), "t")], page, engine, notes)
    amount, words, done = read.cells
    assert amount.text == "248.105" and amount.faint[0][0] == "248.105"
    assert amount.confidence >= FAINT_NUMBER_MIN
    assert (words.text, words.faint) == ("", ())
    assert (done.text, done.faint) == ("12", ())
    assert notes == [
        "faint print in a cell left blank (table 1, row 1, column 1) read '248.105' as cut "
        f"and enlarged alike (p={amount.confidence:.3f}): taken as its value"
    ]
