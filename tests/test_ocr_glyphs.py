"""A line crop keeps the glyphs its padding cut through (`ocr.glyphs.keep_cut_ink`); a chevron
read `>`/`<` whose bar blurred into its lower arm is read ≥/≤ (`ocr.glyphs.barred_chevron`,
`ocr.engines.bar_chevrons`).

Synthetic grey cells: paper 250, the line's ink box holding dark "digits" (grey 80); a light
thin mark (grey 180: still ink to the binariser, lighter than print) stands left of the box, as
a comparator printed in a thin stroke does on a faded scan. Chevrons are drawn with anti-aliased
lines: two arms meeting at a vertex, and for ⩾ a third stroke along the lower arm, 2 px below
it, that a blur joins to the arm."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from flows.models import Cell, Table
from ocr.engines import (
    OcrOptions,
    bar_chevrons,
    chevron_spans,
    get_engine,
    respell_words,
)
from ocr.glyphs import (
    barred_chevron,
    faint_glyph_box,
    faint_print_cut,
    glyph_blobs,
    keep_cut_ink,
    level_stroke_pair,
    lower_arm_ratio,
)
from ocr.page import FAINT_NUMBER_MIN, _crop_line, mark_level_pairs, read_faint_cells
from ocr.preprocess import INK_THRESHOLD
from tests.fixtures import scans

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


# A faded `=`: two 2 px bars lighter than the ink threshold (199), as a thin stroke prints on a
# page whose toner faded (measured 200-217 on paper 250 where the digits reached 99).
FADED = 205


def _faded_equals(gray: np.ndarray, x0: int, x1: int) -> None:
    gray[26:28, x0:x1] = FADED
    gray[32:34, x0:x1] = FADED


def test_faint_print_cut_is_halfway_from_the_lines_paper_to_the_ink_threshold() -> None:
    assert faint_print_cut(_cell()) == 224.5
    # a filled heading no lighter than the threshold: the threshold itself, nothing fainter
    assert faint_print_cut(np.full((20, 50), 190, np.uint8)) == 199.0


def test_crop_edge_cutting_a_faded_comparator_moves_past_it() -> None:
    gray = _cell()
    _faded_equals(gray, 45, 56)  # no ink to the binariser; the crop (pad 8) starts at 52
    # smoothed, the bars' inner columns 46-54 are faint print (220 <= 224.5), their end
    # columns 45 and 55 paper (230): the edge moves to 46 less the padding
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (38, 108)


def test_lone_noise_pixels_at_the_crop_edge_are_paper() -> None:
    gray = _cell()
    gray[30, 52] = gray[25, 50] = FADED  # smoothed 245: paper
    assert keep_cut_ink(gray, (60, 20, 100, 40), (52, 108), (4, 196), 8, 20) == (52, 108)


def test_line_crop_holds_the_whole_faded_comparator() -> None:
    gray = _cell()
    _faded_equals(gray, 45, 56)
    crop = _crop_line(gray, (60, 20, 100, 40), (4, 4, 196, 56), 20.0)
    # padding 7 px: x 53-107 before, 39-107 with the faded `=` (from 46) and its paper
    assert crop.shape[1] == 107 - 39
    assert int((crop[..., 0] == FADED).sum()) == 4 * 11


def _blank_cell() -> np.ndarray:
    """A 60 × 100 px cell of paper, no ink (its rules outside: bbox 0-100, inset 3)."""
    return np.full((60, 100), PAPER, np.uint8)


def test_a_lone_faded_comparator_in_a_blank_cell_is_one_glyph() -> None:
    gray = _blank_cell()
    _faded_equals(gray, 40, 51)
    # smoothed, each bar's rows 26-27 and columns 41-49 are faint print (220 <= 224.5)
    assert faint_glyph_box(gray, (0, 0, 100, 60), 3) == (41, 26, 50, 34)
    assert faint_glyph_box(_blank_cell(), (0, 0, 100, 60), 3) is None


def test_faint_print_near_the_rules_or_spread_as_several_glyphs_is_not_read() -> None:
    near = _blank_cell()
    _faded_equals(near, 4, 15)  # within two insets (6 px) of the cell's rectangle
    assert faint_glyph_box(near, (0, 0, 100, 60), 3) is None
    spread = _blank_cell()
    _faded_equals(spread, 20, 31)
    _faded_equals(spread, 70, 81)  # 60 px wide, 8 tall: more than one glyph
    assert faint_glyph_box(spread, (0, 0, 100, 60), 3) is None
    tall = _blank_cell()
    tall[8:52, 45:50] = FADED  # 42 of the 54 px the cell holds: a worn rule, not a glyph
    assert faint_glyph_box(tall, (0, 0, 100, 60), 3) is None


def _chevron(bar: bool, opens: str = ">", blur: float = 1.0, thick: int = 1) -> np.ndarray:
    """A 30 × 80 px BGR line crop: a chevron at x 6-18 (vertex at row 14), then `96`."""
    gray = np.full((30, 80), 250, np.uint8)
    tip, end = (18, 6) if opens == ">" else (6, 18)
    cv2.line(gray, (end, 8), (tip, 14), 70, thick, cv2.LINE_AA)
    cv2.line(gray, (tip, 14), (end, 20), 70, thick, cv2.LINE_AA)
    if bar:
        cv2.line(gray, (end, 22), (tip, 16), 70, thick, cv2.LINE_AA)
    cv2.putText(gray, "96", (24, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, 70, 2, cv2.LINE_AA)
    if blur:
        gray = cv2.GaussianBlur(gray, (0, 0), blur)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("opens", [">", "<"])
@pytest.mark.parametrize("blur", [0.0, 1.0])
def test_a_chevrons_two_arms_hold_the_same_ink(opens: str, blur: float) -> None:
    ratio = lower_arm_ratio(_chevron(False, opens, blur), (0, 21), opens)
    assert ratio is not None and round(ratio, 1) == 1.0
    assert not barred_chevron(_chevron(False, opens, blur), (0, 21), opens)


@pytest.mark.parametrize("opens", [">", "<"])
@pytest.mark.parametrize("thick", [1, 2])
def test_a_bar_blurred_into_the_lower_arm_doubles_its_ink(opens: str, thick: int) -> None:
    crop = _chevron(True, opens, 1.0, thick)
    ratio = lower_arm_ratio(crop, (0, 21), opens)
    assert ratio is not None and ratio >= 1.5
    assert barred_chevron(crop, (0, 21), opens)


def test_only_the_glyph_inside_the_span_is_measured() -> None:
    """The digits after the chevron are no chevron: nothing centred in the span, no measure."""
    crop = _chevron(True)
    assert lower_arm_ratio(crop, (60, 80), ">") is None
    assert not barred_chevron(crop, (60, 80), ">")


def test_a_glyph_too_small_to_show_two_arms_is_not_measured() -> None:
    crop = np.full((20, 40, 3), 250, np.uint8)
    crop[9:11, 5:8] = 70  # a dash where the chevron was: one run per column
    assert lower_arm_ratio(crop, (0, 20), ">") is None


# CTC classes of the synthetic recogniser output below: 0 is the blank
CHARSET = ["blank", ">", "9", "6", "<"]


def _probs(path: list[int], n: int = 10) -> np.ndarray:
    """A one-hot (timesteps × classes) output spelling the class at each timestep."""
    probs = np.zeros((n, len(CHARSET)))
    probs[np.arange(n), path] = 1.0
    return probs


def test_chevron_spans_places_each_chevron_between_its_neighbours() -> None:
    # `>` at timesteps 1-2, `9` at 5, `6` at 8; the crop fills the padded width
    probs = _probs([0, 1, 1, 0, 0, 2, 0, 0, 3, 0])
    # from the crop's left edge to halfway between step 2 and step 5: (3.5 + 0.5) / 10
    assert chevron_spans(probs, CHARSET, ">96", 4.0, 4.0) == ((0, 0.0, 0.4),)
    # a crop half as wide as the padded batch: the same steps stand twice as far into it
    assert chevron_spans(probs, CHARSET, ">96", 2.0, 4.0) == ((0, 0.0, 0.8),)


def test_chevron_spans_of_a_chevron_inside_and_at_the_end() -> None:
    probs = _probs([0, 2, 0, 0, 4, 0, 0, 3, 0, 4])
    spans = chevron_spans(probs, CHARSET, "9<6<", 4.0, 4.0)
    assert [k for k, _, _ in spans] == [1, 3]
    assert [edge for _, lo, hi in spans for edge in (lo, hi)] == pytest.approx(
        [0.3, 0.6, 0.85, 1.0]
    )


def test_chevron_spans_is_empty_without_a_chevron_or_a_matching_path() -> None:
    probs = _probs([0, 1, 0, 0, 0, 2, 0, 0, 3, 0])
    assert chevron_spans(probs, CHARSET, "96", 4.0, 4.0) == ()
    assert chevron_spans(probs, CHARSET, ">69", 4.0, 4.0) == ()  # not what the path spells


def test_bar_chevrons_reads_the_barred_comparator_and_pools_its_readings() -> None:
    crop = _chevron(True)
    readings = ((">96", 0.6), ("≥96", 0.3), ("296", 0.1))
    chevrons = ((0, 0.0, 21 / 80),)
    assert bar_chevrons(crop, ">96", readings, chevrons) == ("≥96", (("≥96", 0.9), ("296", 0.1)))


def test_bar_chevrons_leaves_a_plain_chevron() -> None:
    readings = ((">96", 0.9), ("≥96", 0.1))
    crop = _chevron(False)
    assert bar_chevrons(crop, ">96", readings, ((0, 0.0, 21 / 80),)) == (">96", readings)


def test_respell_words_follows_the_text() -> None:
    info = SimpleNamespace(words=[[">", "9", "6"], ["人"]])
    respell_words(info, ">96人", "≥96人")
    assert info.words == [["≥", "9", "6"], ["人"]]
    other = SimpleNamespace(words=[["9", "6"]])
    respell_words(other, ">96", "≥96")  # the words do not spell the old text: left alone
    assert other.words == [["9", "6"]]


def test_the_engine_reads_a_chevron_with_a_blurred_bar_as_the_comparator_it_is() -> None:
    """The recogniser itself reads the blurred ⩾ `>` (≥ its second reading); the shape test
    reads it `≥`, and a plain `>` stays `>`."""
    crop = _chevron(True)
    engine = get_engine("rapidocr", OcrOptions(threads=1))
    barred, plain = engine.read_crops_ranked([crop, _chevron(False)])
    assert (barred.text, barred.readings[0][0]) == ("≥96", "≥96")
    assert plain.text == ">96"
    engine._ocr.text_rec.bars = False  # as `rec_chevron_bars=False` builds it
    assert engine.read_crops_ranked([crop])[0].text == ">96"


def _faint_lone_glyph(text: str, grey: int) -> np.ndarray:
    """A 60 × 100 px blank cell of paper 250 with `text` printed at `grey` in its middle and
    blurred as a scan blurs it (sigma 1.3)."""
    img = Image.new("L", (100, 60), PAPER)
    font = ImageFont.truetype(scans.FONT_PATH, 18, index=0)
    ImageDraw.Draw(img).text((42, 20), text, font=font, fill=grey)
    return cv2.GaussianBlur(np.array(img), (0, 0), 1.3)


@pytest.mark.parametrize(("text", "grey"), [("≥", 160), ("≤", 160), (">", 140)])
def test_a_blank_cells_faint_lone_comparator_is_read_and_kept_apart(text: str, grey: int) -> None:
    """`ocr.page.read_faint_cells`: the faint glyph's readings ride on the cell (`faint`), its
    text stays blank; a cell already read and a blank cell of paper are left as they were."""
    gray = _faint_lone_glyph(text, grey)
    assert int(gray.min()) > INK_THRESHOLD  # no ink at all to the binariser
    cells = [Cell(0, 0, "", (0, 0, 100, 60)), Cell(0, 1, "90", (0, 0, 100, 60))]
    cells.append(Cell(0, 2, "", (100, 0, 200, 60)))
    page = np.hstack([gray, np.full((60, 100), PAPER, np.uint8)])
    engine = get_engine("rapidocr", OcrOptions(threads=1))
    (read,) = read_faint_cells([Table(1, 3, cells, (0, 0, 200, 60), "t")], page, engine)
    faint, done, paper = read.cells
    assert (faint.text, faint.faint[0][0]) == ("", text)
    assert faint.faint[0][1] >= 0.5
    assert (done.faint, paper.faint) == ((), ())


def _lone_glyph(text: str, font_path: str = scans.FONT_PATH, size: int = 36) -> np.ndarray:
    """A 70 × 90 px crop of paper with `text` printed in its middle, blurred as a scan (σ 1)."""
    img = Image.new("L", (90, 70), PAPER)
    ImageDraw.Draw(img).text((25, 8), text, font=ImageFont.truetype(font_path, size), fill=PRINT)
    return cv2.GaussianBlur(np.array(img), (0, 0), 1.0)


@pytest.mark.parametrize(
    "font_path",
    [scans.FONT_PATH, "/usr/share/fonts/truetype/arphic/uming.ttc"],
)
def test_two_level_strokes_of_one_length_are_an_equals_sign(font_path: str) -> None:
    """`ocr.glyphs.level_stroke_pair`: `=` is two level strokes of one length; a CJK font's 二
    prints its upper stroke shorter, a `-` or a comparator is no pair of strokes."""
    assert level_stroke_pair(_lone_glyph("=", font_path))
    for other in ("二", "-", "≤", "≥", "三"):
        assert not level_stroke_pair(_lone_glyph(other, font_path)), other
    # a worn stroke's break does not matter: each stroke's extent is measured
    worn = _lone_glyph("=")
    worn[:, 44:46] = PAPER
    assert level_stroke_pair(worn)
    assert not level_stroke_pair(np.full((70, 90), PAPER, np.uint8))


def test_cells_read_as_one_glyph_carry_their_level_pair() -> None:
    """`ocr.page.mark_level_pairs`: a cell read `二` whose ink is `=` says so, its text and
    readings kept; a cell read as more than one glyph, or without readings, is not measured."""
    page = np.hstack([_lone_glyph("="), _lone_glyph("二"), _lone_glyph("=")])
    cells = [
        Cell(0, 0, "二", (0, 0, 90, 70), readings=(("二", 0.95),)),
        Cell(0, 1, "二", (90, 0, 180, 70), readings=(("二", 0.95),)),
        Cell(0, 2, "=", (180, 0, 270, 70)),
    ]
    (marked,) = mark_level_pairs([Table(1, 3, cells, (0, 0, 270, 70), "t")], page)
    equals, two, unread = marked.cells
    assert (equals.text, equals.readings, equals.level_pair) == ("二", (("二", 0.95),), True)
    assert (two.level_pair, unread.level_pair) == (False, False)


def test_specks_apart_from_a_faint_glyph_are_left_out_a_second_mark_is_not() -> None:
    """`ocr.glyphs.glyph_blobs` on blobs (x, y, w, h, area): a faded `9` broken in two pieces,
    a speck 3 px across far off (left out), and a second glyph-sized mark (nothing is one
    glyph)."""
    nine = [(40, 20, 11, 12, 60), (44, 33, 6, 4, 14)]
    speck = (85, 5, 3, 3, 12)
    assert glyph_blobs([*nine, speck]) == nine
    assert glyph_blobs([*nine, speck, (10, 22, 9, 11, 40)]) == []
    assert glyph_blobs([]) == []


def _specks(gray: np.ndarray, at: list[tuple[int, int]]) -> np.ndarray:
    """Dust: a dot 3 px across at each (x, y), grey 120 (a toner speck's)."""
    for x, y in at:
        cv2.circle(gray, (x, y), 1, 120, -1)
    return gray


def test_a_faint_digit_among_specks_is_one_glyph() -> None:
    """A faded `9` in the middle of a blank cell, dust specks in its corners: the specks made
    the faint print's box too wide to be a glyph and the cell was never read (dev5 lg_47303's
    amounts); left out, the box is the digit's, as on clean paper."""
    clean = _faint_lone_glyph("9", 170)
    box = faint_glyph_box(clean, (0, 0, 100, 60), 3)
    assert box == (43, 26, 52, 38)
    dusty = _specks(clean.copy(), [(12, 12), (88, 48), (80, 15)])
    assert faint_glyph_box(dusty, (0, 0, 100, 60), 3) == box


def test_a_faint_digit_set_flush_left_is_read_where_print_reaching_the_rule_is_not() -> None:
    """A faded `9` 4 px inside the inset cell (a value set flush left: a cell's padding from
    its rule) is one glyph; faint print at the inset's edge (a worn rule's residue) is not."""
    gray = np.full((60, 100), PAPER, np.uint8)
    gray[:, 36:] = _faint_lone_glyph("9", 170)[:, 36:]
    flush = np.roll(gray, -36, axis=1)  # the digit's faint print from x 7
    flush[:, 64:] = PAPER
    assert faint_glyph_box(flush, (0, 0, 100, 60), 3) == (7, 26, 16, 38)
    at_rule = np.roll(gray, -40, axis=1)
    at_rule[:, 60:] = PAPER
    assert faint_glyph_box(at_rule, (0, 0, 100, 60), 3) is None


def test_a_blank_cells_faint_lone_number_is_its_value_and_said() -> None:
    """`ocr.page.read_faint_cells`: a faded `9` read surely is the cell's text, its readings
    kept, one note naming the cell; a faint comparator's text stays blank, no note."""
    page = np.hstack([_faint_lone_glyph("9", 170), _faint_lone_glyph("≥", 160)])
    cells = [Cell(0, 0, "", (0, 0, 100, 60)), Cell(0, 1, "", (100, 0, 200, 60))]
    engine = get_engine("rapidocr", OcrOptions(threads=1))
    notes: list[str] = []
    (read,) = read_faint_cells([Table(1, 2, cells, (0, 0, 200, 60), "t")], page, engine, notes)
    digit, chevron = read.cells
    assert (digit.text, digit.faint[0][0], chevron.text, chevron.faint[0][0]) == ("9", "9", "", "≥")
    assert digit.confidence >= FAINT_NUMBER_MIN
    assert notes == [
        f"faint print in a cell left blank (table 1, row 1, column 1) read '9' "
        f"(p={digit.confidence:.3f}): taken as its value"
    ]
