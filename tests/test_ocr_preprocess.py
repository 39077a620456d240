"""Seals over value cells: a grey seal printed across a numeric cell must add no character to
what the cell reads. Hand-built pages (a small table of short numbers) through the
real preprocessing, grid and recogniser; each damage as scanners and the scanned PDF apply it."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr.engines import OcrEngine, OcrOptions, get_engine
from ocr.page import ocr_page
from ocr.preprocess import lift_grey_seals, prepare, stroke_level
from tests.fixtures import scans

VALUES = ("30", "20", "96", "12", "10", "8")
DPI = 150
PT = DPI / 72


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine("rapidocr", OcrOptions())


@pytest.fixture(scope="module")
def numbers_page(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    pdf = scans.render_pdf(
        tmp_path_factory.mktemp("seal") / "numbers.pdf", [scans.numbers_page_spec(VALUES)]
    )
    return scans.rasterize(pdf, 0, DPI)


def _value_cell_centre(page: np.ndarray, row: int) -> tuple[int, int]:
    """Centre (px) of the 指标值 cell of table row `row` of `numbers_page_spec` on A4."""
    spec = scans.numbers_page_spec(VALUES)
    w_pt = page.shape[1] / PT
    x0 = (w_pt - sum(spec.col_widths)) / 2 + spec.col_widths[0]
    top = 60.0 + sum(size * 1.9 for _, size, _ in spec.lines) + 4
    y = top + sum(spec.row_heights[:row]) + spec.row_heights[row] / 2
    return int((x0 + spec.col_widths[1] / 2) * PT), int(y * PT)


def _scanned_pdf_jpeg(image: np.ndarray, quality: int = 75) -> np.ndarray:
    """What a scanned PDF page holds: the page JPEG-compressed (colour at half resolution)."""
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", quality=quality)
    rgb = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _sealed(page: np.ndarray, row: int, seed: int) -> np.ndarray:
    """A red seal centred on a value cell (ring across the cell rules), then scanner noise,
    the scanner's JPEG 55 and the scanned PDF's JPEG 75: the dev combo scans' damage (the
    grey tests take its grey)."""
    cx, cy = _value_cell_centre(page, row)
    sealed = scans.red_seal(page, (cx + 18, cy - 6), int(0.07 * page.shape[1]), seed=seed)
    return _scanned_pdf_jpeg(scans.jpeg(scans.gaussian_noise(sealed, 8, seed), 55))


def _values(grid) -> list[str]:
    cells = {(c.row, c.col): c.text for c in grid.tables[0].cells}
    return [cells[(r, 1)] for r in range(1, len(VALUES) + 1)]


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("row", [1, 3])
def test_grey_seal_over_a_value_cell_adds_no_character(
    numbers_page: np.ndarray, engine: OcrEngine, row: int
) -> None:
    """A red seal scanned in grey (no colour to suppress) lies ~130 grey over print ~0-50: its
    ring finds it, and inside its disc ink lighter than the print, off the table's rules,
    becomes paper; the cell under it reads exactly and the grid keeps its rules."""
    page = _grey(_sealed(numbers_page, row, 5))
    prep = prepare(page, None)
    assert "1 grey seal(s) lifted to paper" in prep.notes
    grid = ocr_page(page, 1, engine=engine)
    assert len(grid.tables) == 1 and len(grid.tables[0].cells) == 2 * (len(VALUES) + 1)
    assert _values(grid) == list(VALUES)


def test_seal_as_dark_as_the_print_is_left_to_the_grid(numbers_page: np.ndarray) -> None:
    """A seal printed black cannot be told from the print by its level: nothing is erased."""
    cx, cy = _value_cell_centre(numbers_page, 3)
    layer = np.full(numbers_page.shape[:2], 255, np.uint8)
    cv2.circle(layer, (cx + 18, cy - 6), int(0.07 * numbers_page.shape[1]), 0, 5)
    black = cv2.cvtColor(
        np.minimum(cv2.cvtColor(numbers_page, cv2.COLOR_BGR2GRAY), layer), cv2.COLOR_GRAY2BGR
    )
    prep = prepare(black, None)
    assert not any("grey seal" in n for n in prep.notes)


def _faded_page_with_a_grey_seal() -> np.ndarray:
    """Rows of faded print (strokes at 150 grey), a bold title line at 60 and a red seal scanned
    in grey over the rows (its ring ~135): as lg_4892 p1, whose ring read 129 over strokes of
    143 while the page's darkest ink (title, rules, print under the seal) reached 89."""
    gray = np.full((1100, 900), 255, np.uint8)
    for y in range(60, 1060, 80):
        for x in range(40, 860, 14):
            gray[y : y + 18, x : x + 3] = 150
    gray[20:50, 200:700] = np.where((np.arange(500) % 12) < 5, 60, 255)[None, :]
    sealed = scans.red_seal(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), (450, 520), 130, seed=5)
    return cv2.GaussianBlur(cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY), (0, 0), 1.0)


def test_a_grey_seal_darker_than_faded_print_is_not_lifted_through_the_print() -> None:
    """The seal is found, but it is no lighter than the print's strokes (`stroke_level`: 150
    against a ring of ~135), so nothing is erased. Measured on all ink (its 5th percentile:
    the title and the print under the seal, ~70) the print seemed darker than the ring by 60,
    and the lift turned ~11,000 px inside the disc, the print's strokes there among them, to
    paper."""
    page = _faded_page_with_a_grey_seal()
    out, lifted, found = lift_grey_seals(page)
    assert (lifted, found) == (0, 1)
    assert np.array_equal(out, page)


def test_stroke_level_is_the_typical_strokes_darkness_not_the_darkest_marks() -> None:
    """Nine light strokes (150) and one dark mark (20): the print's level is the strokes' own."""
    gray = np.full((60, 220), 255, np.uint8)
    for k in range(9):
        gray[20:40, 10 + 20 * k : 14 + 20 * k] = 150
    gray[10:50, 190:210] = 20
    ink = (gray < 200).astype(np.uint8)
    assert stroke_level(gray, ink) == 150.0
    assert stroke_level(gray, np.zeros_like(ink)) is None


def _grey_rules_under_a_grey_seal() -> np.ndarray:
    """Black print, a grey table (rules at 130, as worn compound scans print them) whose middle
    column rule has a gap inside a grey seal's disc (ring at 130, centre (520, 600), r 150),
    the rule ending on the table's bottom rule inside the disc: dev lg_42_自评 p1's shape."""
    gray = np.full((1200, 1000), 255, np.uint8)
    for y in range(60, 1160, 40):  # print: short black strokes beside the table
        for x in (20, 34, 48, 930, 944, 958):
            gray[y : y + 18, x : x + 3] = 0
    gray[98:101, 100:900] = 130  # the table's top rule
    gray[698:701, 100:900] = 130  # its bottom rule, inside the disc
    for x in (100, 897):
        gray[100:700, x : x + 3] = 130
    gray[100:560, 500:503] = 130  # the middle column rule, worn away over 560-580
    gray[580:700, 500:503] = 130
    cv2.circle(gray, (520, 600), 150, 130, 4)
    gray[640:643, 488:514] = 130  # a stroke of the seal's text across the rule's line
    return gray


def test_a_worn_rule_runs_on_across_a_lifted_grey_seal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column rule enters the seal's disc from above, is worn through inside it and goes
    on to the table's bottom rule; as grey as the seal, it was lifted with it past its gap
    (`drop_seals` keeps a rule up to its first gap only) and the rows beside it merged. Its
    line, fitted outside the disc, keeps it: all 120 px past the gap stay, the gap stays
    paper, and the ring away from every rule's line is lifted."""
    from ocr import preprocess

    page = _grey_rules_under_a_grey_seal()
    out, lifted, found = lift_grey_seals(page)
    assert (lifted, found) == (1, 1)
    assert int((out[580:700, 500:503] == 130).all(axis=1).sum()) == 120
    assert (out[562:578, 500:503] == 255).all()
    assert out[600, 668:674].min() == 255  # the ring at its right, on no rule's line
    # the seal's stroke across the rule's line is lifted beside the rule
    assert (out[640:643, 488:498] == 255).all() and (out[640:643, 505:514] == 255).all()
    monkeypatch.setattr(preprocess, "_rule_lines_across", lambda i, h, v, s: np.zeros_like(i))
    before, _, _ = lift_grey_seals(page)
    # as before: lost but for the 4 px the bottom rule's own margin keeps
    assert int((before[580:700, 500:503] == 130).all(axis=1).sum()) == 4


def _star_on_a_worn_rule() -> np.ndarray:
    """Black print, a grey row rule (130) worn through inside a grey seal's disc (ring at 130,
    centre (500, 600), r 150), one worn piece of it left at 405-430, and the seal's solid star
    (outer radius 45) whose side arms' top edge lies on the rule's line: dev lg_572 p1's shape."""
    gray = np.full((1200, 1000), 255, np.uint8)
    for y in range(60, 1160, 40):  # print: short black strokes beside the table
        for x in (20, 34, 48, 930, 944, 958):
            gray[y : y + 18, x : x + 3] = 0
    gray[598:601, 100:400] = 130
    gray[598:601, 405:430] = 130
    gray[598:601, 610:900] = 130
    cv2.circle(gray, (500, 600), 150, 130, 4)
    angles = np.deg2rad(np.arange(10) * 36 - 90)
    radii = np.where(np.arange(10) % 2 == 0, 45.0, 17.2)
    star = np.stack([500 + radii * np.cos(angles), 613.5 + radii * np.sin(angles)], 1)
    cv2.fillPoly(gray, [np.round(star).astype(np.int32)], 130)
    return gray


def test_a_seals_star_on_a_rules_line_is_no_run_of_the_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The star's straight edge along the worn rule's line was kept as the rule's run across
    the seal and read into the row (`资金拨付及时率 1`). The star (solid, near the centre) is
    lifted whole; the rule's worn piece outside its reach stays."""
    from ocr import preprocess

    page = _star_on_a_worn_rule()
    out, lifted, found = lift_grey_seals(page)
    assert (lifted, found) == (1, 1)
    assert (out[598:601, 405:430] == 130).all()
    assert int((out[560:660, 450:550] < 255).sum()) == 0
    monkeypatch.setattr(preprocess, "_seal_star", lambda i, d, r: np.zeros(i.shape, bool))
    before, _, _ = lift_grey_seals(page)
    # as before: 521 px of the star's arms along the rule's line kept as its run
    assert int((before[594:605, 455:545] < 255).sum()) == 521
