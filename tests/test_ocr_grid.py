"""Grid recovery and pre-processing on simulated scans (no OCR model needed: fast)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import build_cells, find_tables
from ocr.page import drop_stray_stops, load_image_pages, normalise_text, rasterize_pdf_page
from ocr.preprocess import (
    binarize,
    detect_quarter_turns,
    flatten_background,
    line_masks,
    prepare,
    skew_angle,
    suppress_red,
)
from tests.fixtures import scans

SPEC = scans.demo_page_spec()
TRUTH = {k: v[:2] for k, v in scans.spec_truth(SPEC).items()}


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    two = scans.PageSpec(
        [("两个表", 14.0, True)],
        [120, 80],
        [26] * 3,
        [scans.CellSpec(r, c, f"{r}{c}") for r in range(3) for c in range(2)],
        extra_tables=[
            (
                [90, 90, 90],
                [26, 26],
                [
                    scans.CellSpec(0, 0, "合并", colspan=2),
                    scans.CellSpec(0, 2, "x"),
                    scans.CellSpec(1, 0, "a"),
                    scans.CellSpec(1, 1, "b"),
                    scans.CellSpec(1, 2, "c"),
                ],
            )
        ],
    )
    return scans.render_pdf(tmp_path_factory.mktemp("grid") / "demo.pdf", [SPEC, two])


@pytest.fixture(scope="module")
def clean(demo_pdf: Path) -> np.ndarray:
    return rasterize_pdf_page(demo_pdf, 0, 200)


def spans(image: np.ndarray) -> dict[tuple[int, int], tuple[int, int]]:
    tables = find_tables(prepare(image, None).gray)
    assert len(tables) == 1
    return {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells}


def test_clean_render_gives_spec_grid(clean: np.ndarray) -> None:
    tables = find_tables(prepare(clean, None).gray)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(20, 5)]
    got = {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells}
    assert got == TRUTH
    # merged cells of the form: 项目资金 over 3 rows, 绩效指标 over the 12 indicator rows
    assert got[(3, 0)] == (3, 1) and got[(8, 0)] == (12, 1) and got[(0, 1)] == (1, 4)
    # bboxes are page pixels: the table sits inside the 1654×2339 page
    x0, y0, x1, y1 = tables[0].bbox
    assert 0 < x0 < x1 < clean.shape[1] and 0 < y0 < y1 < clean.shape[0]


@pytest.mark.parametrize("kind", ["noise", "seal", "light", "faint", "photo", "combo"])
def test_damaged_scans_give_same_grid(clean: np.ndarray, kind: str) -> None:
    assert spans(scans.damage(clean, kind, seed=7)) == TRUTH


@pytest.mark.parametrize("angle", [-2.0, -0.7, 1.3, 2.0])
def test_skewed_scan_is_deskewed(clean: np.ndarray, angle: float) -> None:
    skewed = scans.skew(clean, angle)
    est = skew_angle(binarize(flatten_background(cv2.cvtColor(skewed, cv2.COLOR_BGR2GRAY))))
    assert est == pytest.approx(-angle, abs=0.15)
    assert spans(skewed) == TRUTH


def test_broken_faint_rules_keep_their_edges(clean: np.ndarray) -> None:
    harsh = scans.faint_rules(clean, seed=3, fade=0.65, gap_rate=0.06)
    assert spans(harsh) == TRUTH


@pytest.mark.parametrize("turns", [1, 3])
def test_sideways_page_is_detected_from_line_shapes(clean: np.ndarray, turns: int) -> None:
    # without an engine only "sideways or not" is decided; 0 vs 180 needs recognition
    got = detect_quarter_turns(scans.rotate90(clean, turns), None)
    assert (turns + got) % 2 == 0


def test_two_tables_on_one_page(demo_pdf: Path) -> None:
    img = rasterize_pdf_page(demo_pdf, 1, 200)
    tables = find_tables(prepare(img, None).gray)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(3, 2), (2, 3)]
    second = {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[1].cells}
    assert second == {
        (0, 0): (1, 2),
        (0, 2): (1, 1),
        (1, 0): (1, 1),
        (1, 1): (1, 1),
        (1, 2): (1, 1),
    }


def test_build_cells_unions_missing_edges() -> None:
    # 3×3 grid on 300×300 px; the rule between (0,0) and (0,1) and the one under (1,2) missing
    hor = np.zeros((301, 301), np.uint8)
    ver = np.zeros((301, 301), np.uint8)
    for p in (0, 100, 200, 300):
        hor[p, :] = 1
        ver[:, p] = 1
    ver[0:100, 100] = 0
    hor[200, 200:300] = 0
    cells = build_cells([0, 100, 200, 300], [0, 100, 200, 300], hor, ver, band=2)
    got = {(c.row, c.col): (c.rowspan, c.colspan) for c in cells}
    assert got == {
        (0, 0): (1, 2),
        (0, 2): (1, 1),
        (1, 0): (1, 1),
        (1, 1): (1, 1),
        (1, 2): (2, 1),
        (2, 0): (1, 1),
        (2, 1): (1, 1),
    }
    assert next(c for c in cells if (c.row, c.col) == (1, 2)).bbox == (200, 100, 300, 300)


@pytest.mark.parametrize(
    ("ink_on", "label_rows", "total_cols"),
    [((False, 3, 0), 4, (1, 3)), ((True, 2, 0), 3, (0, 4))],
    ids=["column-rule-shows", "row-rule-shows"],
)
def test_a_worn_rule_that_bends_a_cell_is_given_back(
    ink_on: tuple[bool, int, int], label_rows: int, total_cols: tuple[int, int]
) -> None:
    """Dev lg_8432 and lg_8433: a label column spanning the indicator rows (绩效指标) and the
    总分 row below, joined through a worn gap into an L whose bounding rectangle swallowed every
    indicator cell (`_rectangles`). Printed cells are rectangles: the one rule that splits the
    L into two is given back, the one on which rule ink shows (`ink_on`) of the two that would."""
    from ocr.grid import GridEdges, _rectangles, _split_bent_groups

    edges = GridEdges.blank(4, 4)
    for r in range(3):
        edges.joined_down[r][0] = True  # the label column, rows 0-3
    for c in range(3):
        edges.joined_right[3][c] = True  # the 总分 row, columns 0-3
    before = _rectangles(GridEdges(*(list(map(list, m)) for m in vars(edges).values())))
    assert before == [[0, 0, 3, 3]]  # one cell: the L's bounding rectangle swallowed the rest
    _split_bent_groups(edges, lambda e: 0.3 if e == ink_on else 0.0)
    got = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in _rectangles(edges)}
    first, width = total_cols
    assert got == {
        (0, 0): (label_rows, 1),
        **{(r, c): (1, 1) for r in range(3) for c in range(1, 4)},
        (3, first): (1, width),
    }


def test_red_seal_is_suppressed_but_ink_under_it_kept(clean: np.ndarray) -> None:
    (cx, cy), r = (800, 1000), 140
    sealed = scans.red_seal(clean, (cx, cy), r, seed=1)
    out, frac = suppress_red(sealed)
    assert frac > 0.001
    hsv = cv2.cvtColor(out, cv2.COLOR_BGR2HSV)
    red = ((hsv[..., 0] <= 12) | (hsv[..., 0] >= 160)) & (hsv[..., 1] >= 60)
    assert red.mean() < 1e-4
    # the printed ink under the seal stays dark
    region = (slice(cy - r, cy + r), slice(cx - r, cx + r))
    ink_before = cv2.cvtColor(clean, cv2.COLOR_BGR2GRAY)[region] < 128
    after = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[region]
    assert ink_before.sum() > 100
    assert (after[ink_before] < 160).mean() > 0.9


def test_specks_read_as_stops_beside_cjk_go_with_their_spaces() -> None:
    # dev lg_7220 (scan): specks read "." glued onto two 三级指标 names lost them from the join
    assert drop_stray_stops(["技能培训完成率."]) == ["技能培训完成率"]
    assert drop_stray_stops([".水平"]) == ["水平"]
    assert drop_stray_stops(["提升技能培训服务 . 水平"]) == ["提升技能培训服务水平"]
    # a printed "." stands after a digit or letter: numbers, list numbers
    assert drop_stray_stops(["1.按计划完成；2.加强监管", "0.5万元"]) == [
        "1.按计划完成；2.加强监管",
        "0.5万元",
    ]


def test_a_speck_read_as_a_stop_between_a_number_and_its_unit_goes() -> None:
    # dev 2000-2119: a target read `=12661.人次`; a number's printed point has decimals after it
    assert drop_stray_stops(["=12661.人次", "≥200.人次以上", "959.元/年", "95.%"]) == [
        "=12661人次",
        "≥200人次以上",
        "959元/年",
        "95%",
    ]
    assert drop_stray_stops(["≥5.次", "4.5.万元", "12661. 人次"]) == [
        "≥5次",
        "4.5万元",
        "12661 人次",
    ]
    # a unit of the form description's list (MEASURE_UNITS, with a qualifier) alone after the
    # stop, whatever the number's length: a list number's stop is followed by a sentence
    assert drop_stray_stops(["5.次", "≥20.人以上", "3.工作日以内"]) == [
        "5次",
        "≥20人以上",
        "3工作日以内",
    ]
    # kept: a list number's sentence after the stop, words that spell no unit of the list
    # (`人员`, `家企业`), a point ending the line (decimals lost), a point with its decimals
    kept = ["1.按计划完成；2.加强监管", "指标1.时效", "300.人员", "50.家企业", "47."]
    kept += ["2024.01-2024.12", "100.0%"]
    assert drop_stray_stops(kept) == kept
    assert drop_stray_stops(["2024.", "12"]) == ["2024.", "12"]


def test_normalise_text_only_safe_fixes() -> None:
    assert normalise_text("≧95％") == "≥95%"
    assert normalise_text("＜＝0％") == "<=0%"
    assert normalise_text("２０２４年") == "2024年"
    assert normalise_text("5%0") == "5‰" and normalise_text("100%") == "100%"
    assert normalise_text("质量指标（必填)") == "质量指标（必填）"
    assert normalise_text("数量指标(必填硬性指标）") == "数量指标(必填硬性指标)"
    assert normalise_text("指标 （必填） ") == "指标（必填）"
    # a last comma group of one or two digits groups no thousands: a decimal point (dev lg_7398)
    assert normalise_text("11,53") == "11.53" and normalise_text("1,234,56万元") == "1,234.56万元"
    assert normalise_text("98,5%") == "98.5%"
    # kept as printed: thousands, lists, ">=" (a real target spelling), number-unit spaces
    assert [normalise_text(t) for t in ("1,487,960元", "第1,2季度", "1,2,3", "12.5")] == [
        "1,487,960元",
        "第1,2季度",
        "1,2,3",
        "12.5",
    ]
    assert normalise_text(">=90%") == ">=90%"
    assert normalise_text("20 人以上") == "20 人以上"


def test_load_image_pages_multipage_tiff(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (64, 48), color) for color in ("white", "black", "red")]
    path = tmp_path / "scan.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = load_image_pages(path)
    assert [p.shape for p in pages] == [(48, 64, 3)] * 3
    assert pages[1].max() == 0 and tuple(pages[2][0, 0]) == (0, 0, 255)  # BGR


def test_load_image_pages_refuses_decompression_bombs(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (11_000, 10_000)).save(path)  # 110 Mpx, a few kB on disk
    with pytest.raises(ValueError, match="pixels|bomb"):
        load_image_pages(path)


def test_scanned_pdf_has_no_text_layer(tmp_path: Path, clean: np.ndarray) -> None:
    pdf = scans.write_scanned_pdf([clean, scans.damage(clean, "noise", 1)], tmp_path / "s.pdf")
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) == 2
        assert doc[0].get_textpage().count_chars() == 0
    finally:
        doc.close()
    back = rasterize_pdf_page(pdf, 0, 200)
    assert abs(back.shape[0] - clean.shape[0]) <= 2 and abs(back.shape[1] - clean.shape[1]) <= 2


# --------------------------------------------------------------------------- near rules


def near_rules_spec(gap_pt: float) -> scans.PageSpec:
    """Two column rules `gap_pt` apart: the funds rows split at one (其中：财政拨款 | 其他资金),
    the indicator rows at the other (三级指标 | 指标值), as forms print them."""
    cells = [scans.CellSpec(0, 0, "财政拨款"), scans.CellSpec(0, 1, "其他资金", colspan=2)]
    cells += [scans.CellSpec(1, 0, "100"), scans.CellSpec(1, 1, "", colspan=2)]
    for r in range(2, 6):
        cells += [scans.CellSpec(r, 0, f"指标{r}", colspan=2), scans.CellSpec(r, 2, f"{r}0%")]
    return scans.PageSpec([("相邻竖线", 14.0, True)], [160, gap_pt, 160], [26] * 6, cells)


@pytest.mark.parametrize("gap_pt", [4.0])
def test_near_column_rules_keep_every_row(tmp_path: Path, gap_pt: float) -> None:
    """Column rules 11 px apart (200 dpi) leave a sliver column; its edges were judged on the
    crossing rule's own ink (ink on both sides: "a stroke"), every sliver cell joined the one
    below and the whole 指标值 column came out as one cell. A sliver's edge is the rule
    running through it."""
    spec = near_rules_spec(gap_pt)
    img = scans.rasterize(scans.render_pdf(tmp_path / "near.pdf", [spec]), 0, 200)
    for image in (img, scans.damage(img, "noise", 3)):
        assert spans(image) == {k: v[:2] for k, v in scans.spec_truth(spec).items()}


# --------------------------------------------------------------------------- black seals


def grey_seal(img: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """The fixture's seal on a greyscale scan or photocopy: no red left to suppress."""
    sealed = scans.red_seal(img, centre, radius, seed=1)
    return cv2.cvtColor(cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("where", ["right edge", "bottom right corner"])
def test_grey_seal_over_the_table_keeps_the_grid(clean: np.ndarray, where: str) -> None:
    """A grey seal's ring arcs and star passed the rule openings: spurious rows and columns,
    cells merged around the seal (validation: a 1-row continuation page came out as one
    cell). Its ring is found as a circle, and inside it only rules continuing from outside
    are kept."""
    (table,) = find_tables(prepare(clean, None).gray)
    x1, y1 = int(table.xs[-1]), int(table.ys[-1])
    centre = (x1 - 40, int(table.ys[10])) if where == "right edge" else (x1 - 60, y1 - 20)
    sealed = grey_seal(clean, centre, int(clean.shape[1] * 0.085))
    assert spans(sealed) == TRUTH
    assert spans(scans.damage(sealed, "noise", 2)) == TRUTH


def test_a_seal_beside_a_stronger_false_circle_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """A circle of the table's rules and text can gather more of Hough's votes than a seal and
    fail the ring test later; its centre 60 px from the seal's hid the seal while candidates
    had to lie two smallest radii apart (dev lg_516 p3)."""
    from ocr import preprocess

    ink = np.zeros((2340, 1655), np.uint8)
    cv2.circle(ink, (800, 1000), 200, 1, 24)  # thick: ink on both sides of any ring band
    cv2.circle(ink, (860, 1000), 150, 1, 4)  # the seal's thin ring
    (cx, cy, r), *more = preprocess.find_seals(ink)
    assert (round(cx), round(cy), r, more) == (861, 999, 150.0, [])
    monkeypatch.setattr(preprocess, "SEAL_CENTRES_APART", 2.0)  # as before: hidden
    assert preprocess.find_seals(ink) == []


def test_two_candidates_on_one_ring_are_one_seal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates may now lie closer than a seal's radius: two of them around one ring refine
    to the same circle, which is one seal, not two."""
    from ocr import preprocess

    ink = np.zeros((2340, 1655), np.uint8)
    cv2.circle(ink, (860, 1000), 150, 1, 4)
    s = 500 / 2340  # find_seals' small copy
    near = np.array([[[860 * s, 1000 * s, 150 * s], [866 * s, 994 * s, 150 * s]]], np.float32)
    monkeypatch.setattr(preprocess.cv2, "HoughCircles", lambda *a, **k: near)
    assert [(round(x), round(y), r) for x, y, r in preprocess.find_seals(ink)] == [
        (860, 1000, 149.0)
    ]


def test_the_second_looks_coarse_centre_search_refines_to_the_rings_circle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second look refines a candidate's centre in two rounds of 9 shifts (three steps
    apart, then the best one's neighbours), not 81 (ring26: its cost on dense unsealed pages);
    a candidate 6 px off the ring's centre refines to the ring the full search finds."""
    from ocr import preprocess

    ink = np.zeros((2340, 1655), np.uint8)
    cv2.circle(ink, (860, 1000), 150, 1, 4)
    s = 500 / 2340  # find_seals' small copy
    off = np.array([[[866 * s, 994 * s, 150 * s]]], np.float32)
    monkeypatch.setattr(preprocess.cv2, "HoughCircles", lambda *a, **k: off)
    full = [(round(x), round(y), r) for x, y, r in preprocess.find_seals(ink)]
    coarse = [(round(x), round(y), r) for x, y, r in preprocess.find_seals(ink, coarse=True)]
    assert full == coarse == [(859, 1001, 149.0)]


def test_no_seal_is_found_on_a_plain_table(clean: np.ndarray) -> None:
    from ocr.preprocess import find_seals

    assert find_seals(binarize(prepare(clean, None).gray)) == []


def test_a_faint_ring_is_found_at_the_light_ink() -> None:
    """A light grey stamp's ring lies above the ink threshold (seal24: 0.32-0.53 of the circle
    at 199): `find_seals` misses it, the second look on the light ink finds it; print as dark
    as the table's keeps the page's own look first."""
    from ocr.preprocess import find_faint_seals, find_seals

    gray = np.full((2340, 1655), 255, np.uint8)
    cv2.circle(gray, (860, 1000), 150, 222, 4)
    ink = binarize(gray)
    no_rules = np.zeros_like(ink)
    assert find_seals(ink) == []
    assert [(round(x), round(y), r) for x, y, r in find_faint_seals(gray, ink, no_rules)] == [
        (861, 999, 149.0)
    ]
    cv2.circle(gray, (860, 1000), 150, 238, 4)  # lighter still: the last look
    assert [(round(x), round(y), r) for x, y, r in find_faint_seals(gray, ink, no_rules)] == [
        (861, 999, 149.0)
    ]
    gray[:, :] = 255  # no ring at any level: nothing
    assert find_faint_seals(gray, binarize(gray), no_rules) == []


def test_a_small_circle_is_no_faint_seal() -> None:
    """The second look found circles of 0.05 of the page's short side in one cell's text and
    rules (dev lg_2005_自评 p5, dev2 lg_16123 p1); a seal is 0.08-0.11 of it: a circle under
    0.07 is refused there, and still found by the first look."""
    from ocr.preprocess import find_faint_seals, find_seals

    gray = np.full((2340, 1655), 255, np.uint8)
    cv2.circle(gray, (860, 1000), 84, 40, 4)
    ink = binarize(gray)
    assert find_faint_seals(gray, ink, np.zeros_like(ink)) == []
    assert [(round(x), round(y), r) for x, y, r in find_seals(ink)] == [(861, 999, 84.0)]


def test_the_tables_rules_beside_a_ring_are_not_its_paper_test() -> None:
    """A small ring on a dense table has the table's rules beside it along most of its circle
    (dev lg_276_自评 p1: paper on both sides along 0.38, 0.45 needed); the second look leaves
    the rules out of that test, and text beside it still counts."""
    from ocr.preprocess import find_faint_seals, find_seals

    gray = np.full((2340, 1655), 255, np.uint8)
    cv2.circle(gray, (860, 1000), 150, 40, 4)
    cv2.circle(gray, (860, 1000), 138, 40, 2)  # ink just inside the ring all round
    ink = binarize(gray)
    inside = np.zeros_like(ink)
    cv2.circle(inside, (860, 1000), 138, 1, 4)
    assert find_seals(ink) == []
    assert [(round(x), round(y), r) for x, y, r in find_faint_seals(gray, ink, inside)] == [
        (861, 999, 149.0)
    ]
    assert find_faint_seals(gray, ink, np.zeros_like(ink)) == []  # not a rule: not a ring


# --------------------------------------------------------------------------- offset rule pieces


def test_a_rule_piece_off_its_separator_still_splits_its_row() -> None:
    """On a photo that is not quite flat the column rule of one row sits 10 px off the same
    column's rule in the rows below; the separator (their length-weighted mean) lay outside
    that piece's band and the label was merged into the value beside it (主管部门's name |
    实施单位). Each edge looks for its own rule near the separator."""
    page = np.full((2339, 1654), 255, np.uint8)
    xs, ys = [200, 600, 1000, 1400], [300, 500, 700, 900, 1100, 1300, 1500]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    for x in (xs[0], xs[2], xs[3]):
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 3)
    cv2.line(page, (610, ys[0]), (610, ys[1]), 0, 3)  # row 0's piece of column rule 1
    cv2.line(page, (600, ys[1]), (600, ys[-1]), 0, 3)
    (table,) = find_tables(page)
    assert len(table.xs) == 4  # one separator for both pieces
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells} == {
        (r, c): (1, 1) for r in range(6) for c in range(3)
    }


def test_a_column_rule_wholly_under_a_seal_is_kept(tmp_path: Path) -> None:
    """A continuation page's one tall row under a large seal: the column rule between name
    and target lies wholly inside the seal's disc, never reaching its edge; it joins the
    table's kept rules at both ends, so it stays (validation: 名称 and 指标值 were merged)."""
    cells = [scans.CellSpec(0, c, t) for c, t in enumerate(["满意度指标", "群众满意度", "≥90%"])]
    spec = scans.PageSpec([("印章", 14.0, True)], [120, 200, 120], [80], cells)
    img = scans.rasterize(scans.render_pdf(tmp_path / "tall.pdf", [spec]), 0, 200)
    (table,) = find_tables(prepare(img, None).gray)
    x, y = int(table.xs[2]), int((table.ys[0] + table.ys[1]) / 2)
    sealed = grey_seal(img, (x + 20, y), 150)
    assert spans(sealed) == {(0, 0): (1, 1), (0, 1): (1, 1), (0, 2): (1, 1)}


# --------------------------------------------------------------------------- header rows
# A header block above an indicator grid: the grid's column rule at x = 1000 starts two rows
# down, so grid recovery carries that separator up through the header rows. In a Song face
# (AR PL UMing) at 32 px in 56 px rows, 中's long thin stroke lands on that line when the value
# starts 240 px left of it; the page's size gives the rule kernels of a 200 dpi scan.
HEADER_FONT = "/usr/share/fonts/truetype/arphic/uming.ttc"
HEADER_RULE_X = 1000
HEADER_ROWS = [200 + 56 * i for i in range(6)]


def header_page(value_dx: int, column_rule_from_row: int = 2) -> np.ndarray:
    """Two header rows (label | value) over three rows cut by a column rule at x = 1000 that
    starts `column_rule_from_row` rows down; the first value starts `value_dx` px left of it."""
    img = Image.new("L", (1654, 1654), 255)
    d = ImageDraw.Draw(img)
    ys = HEADER_ROWS
    for y in ys:
        d.line([(200, y), (1450, y)], fill=0, width=3)
    for x in (200, 500, 1450):
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=3)
    d.line([(HEADER_RULE_X, ys[column_rule_from_row]), (HEADER_RULE_X, ys[-1])], fill=0, width=3)
    font = ImageFont.truetype(HEADER_FONT, 32, index=0)
    d.text((220, ys[0] + 12), "实施单位", font=font, fill=0)
    d.text((220, ys[1] + 12), "项目属性", font=font, fill=0)
    d.text((HEADER_RULE_X - value_dx, ys[0] + 12), "临溪县河湖管理中心", font=font, fill=0)
    d.text((520, ys[1] + 12), "经常性项目", font=font, fill=0)
    return np.array(img)


def header_rows(page: np.ndarray) -> list[list[tuple[int, int]]]:
    (table,) = find_tables(page, masks=line_masks(binarize(page)))
    return [[(c.col, c.colspan) for c in table.cells if c.row == r] for r in range(3)]


def test_a_stroke_where_a_lower_column_rule_would_continue_is_text() -> None:
    """中's stroke lies on the line of a column rule that only exists lower down: the mask shows
    no rule above or below the text in that row, so the value's cell spans the boundary (it was
    cut there, and the character on the line was lost: `临溪县河湖管理中心` → `…理` | `心`)."""
    rows = header_rows(header_page(240))
    assert rows[0] == [(0, 1), (1, 2)]
    assert rows[1] == [(0, 1), (1, 2)]
    assert rows[2] == [(0, 1), (1, 1), (2, 1)]


def test_a_column_rule_beside_header_text_still_parts_the_row() -> None:
    """The same page with the column rule drawn through the header rows too: the rule shows
    above and below the text standing beside it, and every row keeps both cells."""
    rows = header_rows(header_page(240 + 58, column_rule_from_row=0))
    assert rows == [[(0, 1), (1, 1), (2, 1)]] * 3


# A 4×4 grid whose (1,1) spans two columns and (2,3) two rows, rules printed grey (110).
WORN_XS, WORN_YS = [100, 300, 500, 700, 900], [100, 180, 260, 340, 420]
WORN_CELLS = [
    (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1), (0, 3, 1, 1),
    (1, 0, 1, 1), (1, 1, 1, 2), (1, 3, 1, 1),
    (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1), (2, 3, 2, 1),
    (3, 0, 1, 1), (3, 1, 1, 1), (3, 2, 1, 1),
]  # fmt: skip


def worn_grid(gaps: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The grid with paper painted over each (x0, y0, x1, y1) of `gaps`, then sensor noise."""
    page = np.full((1400, 1000), 255, np.uint8)
    xs, ys = WORN_XS, WORN_YS
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 110, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 110, 2)
    page[ys[1] + 2 : ys[2] - 1, xs[2] - 2 : xs[2] + 3] = 255  # (1,1) spans columns 1-2
    page[ys[3] - 2 : ys[3] + 3, xs[3] + 2 : xs[4] - 1] = 255  # (2,3) spans rows 2-3
    for x0, y0, x1, y1 in gaps:
        page[y0:y1, x0:x1] = 255
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def worn_cells(page: np.ndarray) -> list[tuple[int, int, int, int]]:
    (table,) = find_tables(page)
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)


def test_worn_grey_rules_keep_every_edge() -> None:
    """Gaps worn into grey rules, each as long as a cell: the rule over row 3's top in column 1
    and the column rule at x=300 over all of row 1 are gone from crossing to crossing, their
    gaps ending in the middle of the edges beside them; the frame and two more rules are cut
    too. Every edge stays (before, (1,0) merged into (1,1)-(1,2) and (0,3) into (1,3)), and
    the two merged cells stay merged: their rules end at the crossings."""
    assert worn_cells(worn_grid([])) == WORN_CELLS
    gaps = [
        (250, 335, 560, 346),  # rule y=340: all of column 1, ends mid column 0 and mid column 2
        (295, 150, 306, 280),  # column rule x=300: all of row 1, ends mid rows 0 and 2
        (560, 95, 640, 106),  # top frame inside column 2
        (95, 200, 106, 300),  # left frame across the crossing at y=260
        (750, 175, 850, 186),  # rule y=180 inside column 3
        (695, 380, 706, 425),  # column rule x=700 from mid row 3 into the bottom frame
    ]
    assert worn_cells(worn_grid(gaps)) == WORN_CELLS


def test_thin_grey_rules_near_the_ink_threshold_keep_the_table() -> None:
    """The worn grid's rules printed one px wide and grey (150), blurred by the scanner
    (σ 0.9) to ~208 on paper 250, with black text in every cell (one in the cell merged over
    two columns, as a form prints it): `binarize` keeps the rules in pieces a few px long, on
    about 3% of their length. Their contrast with the paper beside them still marks them
    (`thin_line_ink`): the table is found with every edge and both merged cells (before, no
    table at all)."""
    page = np.full((1400, 1000), 255, np.uint8)
    xs, ys = WORN_XS, WORN_YS
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 150, 1)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 150, 1)
    page[ys[1] + 1 : ys[2], xs[2] - 1 : xs[2] + 2] = 255  # (1,1) spans columns 1-2
    page[ys[3] - 1 : ys[3] + 2, xs[3] + 1 : xs[4]] = 255  # (2,3) spans rows 2-3
    for y1 in ys[1:]:
        for x0 in xs[:-1]:
            if (x0, y1) != (xs[2], ys[2]):  # (1,1) spans columns 1-2: one text
                cv2.putText(page, "ab 12", (x0 + 40, y1 - 25), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    scan = scans.blur_sigma(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 0.9)
    gray = prepare(scans.gaussian_noise(scan, 6, 0), None).gray
    assert binarize(gray)[ys[0] + 10 : ys[-1] - 10, xs[1]].mean() < 0.05
    assert worn_cells(gray) == WORN_CELLS


def test_a_merged_cell_beside_a_worn_rule_stays_merged() -> None:
    """The column rule x=500 is missing over row 1 because (1,1) spans it; wear beside it, from
    mid row 0 to the crossing at y=180, makes one run without rule from mid row 0 to the
    crossing at y=260. One end of it lies on a crossing, as a merged cell's does: not split."""
    gaps = [(495, 140, 506, 182)]  # x=500 from mid row 0 to the crossing at y=180
    assert worn_cells(worn_grid(gaps)) == WORN_CELLS


def test_a_worn_gap_ending_on_a_crossing_beside_a_merged_cell_is_a_rule() -> None:
    """The column rule x=700 is worn from the crossing at y=260 to mid row 3: all of row 2's
    edge between (2,2) and (2,3), which spans rows 2-3. One end of the gap lies on a crossing,
    as a merged cell's does, but the cells on both sides are ruled all round and cannot make
    one rectangle: the edge is a rule (before, (2,2) joined (2,3) and the rectangle took
    (3,2) too, one 2x2 cell)."""
    gaps = [(695, 263, 706, 380)]  # x=700 from the crossing at y=260 to mid row 3
    assert worn_cells(worn_grid(gaps)) == WORN_CELLS


def test_a_merged_cell_whose_sides_make_one_rectangle_stays_merged() -> None:
    """The rule y=340 is missing over column 3 because (2,3) spans rows 2-3; wear in column 2,
    from its middle to the crossing at x=700, makes one run without rule from mid column 2 to
    the frame. With that edge kept as a rule, (2,3) and (3,3) are cells ruled all round but
    on the judged line, and together one rectangle: the edge stays a merged cell's."""
    gaps = [(600, 335, 698, 346)]  # y=340 from mid column 2 to the crossing at x=700
    assert worn_cells(worn_grid(gaps)) == WORN_CELLS


def test_worn_rules_keep_the_table_whole(clean: np.ndarray) -> None:
    """The demo form with every rule grey (100), 25% of each worn away in cell-long gaps, the
    scanner's blur and noise: the pieces of rule no longer touch, but they are one table of
    the form's 20 rows and 5 columns (it fell apart into three tables)."""
    worn = scans.grey_rules(clean, 0, 100, 0.25)
    img = scans.gaussian_noise(scans.blur_sigma(worn, 0.8), 6, 0)
    tables = find_tables(prepare(img, None).gray)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(20, 5)]
    got = {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells}
    # the merged cells of the form's label column are whole
    assert got[(3, 0)] == (3, 1) and got[(8, 0)] == (12, 1)


BAND_XS = [100, 300, 500, 700, 900]


def ruled_page(tables: list[list[int]], title: tuple[int, str] | None = None) -> np.ndarray:
    """Grey-ruled tables of BAND_XS's columns, one per list of row rules, each cell holding
    two characters set in its middle; `title`: a line (y, text) centred on the page."""
    img = Image.new("L", (1000, 1400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(scans.FONT_PATH, 24)
    for ys in tables:
        for y in ys:
            draw.line([(BAND_XS[0], y), (BAND_XS[-1], y)], fill=110, width=2)
        for x in BAND_XS:
            draw.line([(x, ys[0]), (x, ys[-1])], fill=110, width=2)
        for y0, y1 in zip(ys, ys[1:], strict=False):
            for x0, x1 in zip(BAND_XS, BAND_XS[1:], strict=False):
                draw.text(((x0 + x1) / 2, (y0 + y1) / 2), "金额", font=font, fill=0, anchor="mm")
    if title is not None:
        draw.text((500, title[0]), title[1], font=font, fill=0, anchor="mm")
    return np.array(img)


def test_a_table_cut_across_by_a_worn_band_stays_one() -> None:
    """Every column rule worn from mid row 3 to mid row 4 (the frame's too): the rules above
    the band and those below no longer touch, nor do their boxes overlap. The column rules go
    on at the same x below the band, the band is one row high and its text lies inside the
    cells: one table of 8 rows and 4 columns, every cell single (it read as two tables)."""
    ys = list(range(100, 741, 80))
    page = ruled_page([ys])
    for x in BAND_XS:
        page[380:460, x - 4 : x + 5] = 255
    page = scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]
    tables = find_tables(page)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(8, 4)]
    assert sorted((c.row, c.col, c.rowspan, c.colspan) for c in tables[0].cells) == [
        (r, c, 1, 1) for r in range(8) for c in range(4)
    ]


def test_two_tables_of_one_layout_with_a_title_between_stay_two() -> None:
    """Two tables of the same columns stacked one row's height apart with a title line
    between them: the column rules are collinear and the gap is as short as a worn band, but
    the title runs across the column rule at x=500 where a band's text stays in its cells."""
    page = ruled_page(
        [list(range(100, 421, 80)), list(range(500, 821, 80))], (460, "第二张表的标题文字")
    )
    page = scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]
    tables = find_tables(page)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(4, 4), (4, 4)]
    assert [round(t.ys[0]) for t in tables] == [100, 500]


# A header block: (0,0) a label, (0,1) its value across three columns; rows 1-2 label | value
# | label | value. The column rules x=500 and x=700 start on the rule y=180 (T-junctions).
HEADER_XS, HEADER_YS = [100, 300, 500, 700, 900], [100, 180, 260, 340]
HEADER_CELLS = [(0, 0, 1, 1), (0, 1, 1, 3)] + [(r, c, 1, 1) for r in (1, 2) for c in range(4)]


def header_block(
    gaps: list[tuple[int, int, int, int]], merged: tuple[int, int] | None = None
) -> list[tuple[int, int, int, int]]:
    """The header block's cells as recovered: rules grey (110), paper painted over each
    (x0, y0, x1, y1) of `gaps`, sensor noise; `merged` (row, col): that grid position spans
    two rows (the rule below it not printed)."""
    page = np.full((1400, 1000), 255, np.uint8)
    xs, ys = HEADER_XS, HEADER_YS
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 110, 2)
    for x in xs:
        cv2.line(page, (x, ys[0] if x in (xs[0], xs[1], xs[-1]) else ys[1]), (x, ys[-1]), 110, 2)
    if merged is not None:
        r, c = merged
        page[ys[r + 1] - 2 : ys[r + 1] + 3, xs[c] + 2 : xs[c + 1] - 1] = 255
    for x0, y0, x1, y1 in gaps:
        page[y0:y1, x0:x1] = 255
    page = scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]
    (table,) = find_tables(page)
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)


@pytest.mark.parametrize(
    "gap",
    [
        (450, 175, 703, 186),  # y=180 from mid column 1 to the T-junction at x=700
        (497, 175, 703, 186),  # y=180 over all of column 2, T-junction to T-junction
    ],
)
def test_a_header_row_rule_worn_to_a_t_junction_keeps_both_rows(
    gap: tuple[int, int, int, int],
) -> None:
    """The rule under the value of row 0 is worn over column 2 up to the column rules that
    start on it: one end of the gap (or both) lies on a crossing, as a merged cell's does, and
    the edge joined (0,1)'s value with (1,2). That group is no rectangle, and the rectangle
    closure made one cell of rows 0-1 (主管部门's value swallowing 代码 | 实施单位) or split the
    value. The rule shows on both edges beside the worn one on its line: it runs through,
    and the block keeps its cells."""
    assert header_block([]) == HEADER_CELLS
    assert header_block([gap]) == HEADER_CELLS


def test_a_merged_cell_between_ruled_neighbours_stays_merged() -> None:
    """(1,2) spans rows 1-2 (no rule below it), the rule y=260 shows on both sides of it and
    is worn from mid column 1 to the crossing at x=500: the merged cell is a rectangle, its
    missing rule is no worn rule run through, and it stays one cell."""
    want = [c for c in HEADER_CELLS if c[:2] != (2, 2)]
    want[want.index((1, 2, 1, 1))] = (1, 2, 2, 1)
    assert header_block([], merged=(1, 2)) == want
    assert header_block([(400, 255, 498, 266)], merged=(1, 2)) == want


# columns of a 自评 table's score block: 指标 | 分值 (narrow) | 得分 | 备注
NARROW_XS = [100, 420, 446, 700, 900]
NARROW_YS = [100, 180, 260, 420, 500]


def narrow_column_page(stroke_x: float) -> np.ndarray:
    """Rows 0, 1 and 3 ruled into NARROW_XS's four columns; row 2 one cell across columns 0-2
    (no column rule at x=420 or x=446 there) holding a line of bold text whose 一 lies over the
    26 px column at `stroke_x` (its centre)."""
    img = Image.new("L", (1000, 700), 255)
    draw = ImageDraw.Draw(img)
    for y in NARROW_YS:
        draw.line([(NARROW_XS[0], y), (NARROW_XS[-1], y)], fill=0, width=3)
    for x in NARROW_XS:
        merged = x in NARROW_XS[1:3]
        for y0, y1 in zip(NARROW_YS, NARROW_YS[1:], strict=False):
            if not (merged and y0 == NARROW_YS[2]):
                draw.line([(x, y0), (x, y1)], fill=0, width=3)
    font = ImageFont.truetype(scans.FONT_PATH, 40)
    mid = (NARROW_YS[2] + NARROW_YS[3]) / 2
    draw.text((stroke_x, mid), "一", font=font, fill=0, anchor="mm", stroke_width=1)
    draw.text((stroke_x - 30, mid), "完成", font=font, fill=0, anchor="rm", stroke_width=1)
    draw.text((stroke_x + 30, mid), "年度", font=font, fill=0, anchor="lm", stroke_width=1)
    return np.array(img)


@pytest.mark.parametrize("stroke_x", [433.0, 428.0])
def test_a_glyph_stroke_across_a_narrow_column_inside_a_merged_cell_is_no_rule(
    stroke_x: float,
) -> None:
    """The 一 of bold text in a cell merged across a narrow column spans that column's whole
    width, straight and thin: it was taken for a row rule there (a short rule from crossing
    separator to crossing separator) and cut the table into an extra row. No column rule
    comes near it and it stops inside the next column: 4 rows, row 2 one cell of 3 columns."""
    (table,) = find_tables(narrow_column_page(stroke_x))
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells) == sorted(
        [(r, c, 1, 1) for r in (0, 1, 3) for c in range(4)] + [(2, 0, 1, 3), (2, 3, 1, 1)]
    )


def test_a_comma_standing_apart_between_numbers_is_a_speck() -> None:
    # dev lg_7544 (photo): the 总分 cell read `100 , 90.52` gave neither 分值 nor 得分
    assert drop_stray_stops(["100 , 90.52"]) == ["100 90.52"]
    # a printed comma: thousands (never spaced), or text's comma between words, stays
    assert drop_stray_stops(["1,234.5", "12 ,5", "完成任务 , 确保"]) == [
        "1,234.5",
        "12 ,5",
        "完成任务 , 确保",
    ]


@pytest.mark.parametrize(("top", "skew"), [(100, 1.7), (40, -3.1), (420, 0.4)])
def test_skew_scores_are_the_full_frame_float_sums(top: int, skew: float) -> None:
    """`_rotated_profile_score` ends the frame below the rotated ink and sums in integers: the
    same number the full frame's float64 profile gave at every angle `skew_angle` tries, so
    the angle chosen is the one chosen before (speed29)."""
    from ocr.preprocess import _rotated_profile_score, rotate_deg

    page = np.full((1000, 800), 255, np.uint8)
    for y in range(top, top + 501, 50):  # a table with paper below it
        page[y : y + 3, 80:640] = 0
    for x in (80, 300, 637):
        page[top : top + 503, x : x + 3] = 0
    ink = binarize(rotate_deg(page, skew))
    h, w = ink.shape
    f = 800 / max(h, w)
    small = cv2.resize(ink * 255, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    rows, cols = np.flatnonzero(small.any(axis=1)), np.flatnonzero(small.any(axis=0))
    box = (int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1]))
    sh, sw = small.shape
    for angle in np.arange(-6.5, 6.5 + 1e-6, 0.05):
        m = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, 1.0)
        full = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_LINEAR, borderValue=0)
        expected = float((full.sum(axis=1, dtype=np.float64) ** 2).sum())
        assert _rotated_profile_score(small, angle, box) == expected
    assert skew_angle(ink) == pytest.approx(-skew, abs=0.051)


def test_a_page_without_ink_keeps_its_skew_answer() -> None:
    """Every angle scores 0 and the first tried wins, as before speed29."""
    assert skew_angle(np.zeros((1000, 800), np.uint8)) == -6.5
