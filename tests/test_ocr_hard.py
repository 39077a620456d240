"""Hard scans: each failure mode seen on held-out documents (issue #11) reproduced on a small
rendered page, then held to the right answer. One rapidocr engine serves the module."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.match import loose
from flows.extract.documents import is_blank
from flows.models import PageGrid
from ocr.engines import OcrEngine, OcrOptions, get_engine
from ocr.page import ocr_page, rasterize_pdf_page
from tests.fixtures import scans


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine("rapidocr", OcrOptions())


def cells(grid: PageGrid, table: int = 0) -> dict[tuple[int, int], tuple[int, int, str]]:
    return {(c.row, c.col): (c.rowspan, c.colspan, c.text) for c in grid.tables[table].cells}


# --------------------------------------------------------------------------- faded scans


@pytest.fixture(scope="module")
def faded_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("faded")
    pdf = scans.render_pdf(tmp / "demo.pdf", [scans.demo_page_spec()])
    faded = scans.damage(scans.rasterize(pdf, 0, 200), "faded", 2)
    return scans.write_scanned_pdf([faded], tmp / "faded_scan.pdf", 200)


def test_faded_readable_scan_is_not_blank(faded_pdf: Path) -> None:
    """Paper 236, ink ~190: an absolute threshold (grey < 160 on a 36-dpi render) found no ink
    and the document was reported "all pages are blank"."""
    small = rasterize_pdf_page(faded_pdf, 0, 36).min(axis=2)
    assert float((small < 160).mean()) < 0.001  # what the old test measured: nothing
    assert is_blank(faded_pdf, 1) is False


@pytest.mark.parametrize("kind", ["clean", "noise", "light", "faded", "photo"])
def test_blank_scans_are_still_blank(tmp_path: Path, kind: str) -> None:
    """Scanner noise, uneven light, JPEG grain and grey paper on an empty sheet are no ink."""
    white = np.full((1169, 827, 3), 255, np.uint8)
    pdf = scans.write_scanned_pdf([scans.damage(white, kind, 3)], tmp_path / "blank.pdf", 100)
    assert is_blank(pdf, 1) is True


def test_faded_scan_reads_every_cell(faded_pdf: Path, engine: OcrEngine) -> None:
    """The faded page's ink is darkened back before the grid and OCR see it."""
    grid = ocr_page(rasterize_pdf_page(faded_pdf, 0, 200), 1, engine=engine)
    truth = scans.spec_truth(scans.demo_page_spec())
    got = cells(grid)
    assert {k: v[:2] for k, v in got.items()} == {k: v[:2] for k, v in truth.items()}
    assert {k: loose(v[2]) for k, v in got.items()} == {k: loose(v[2]) for k, v in truth.items()}


# --------------------------------------------------------------------------- lone short values


def test_lone_short_values_in_large_cells_are_read(tmp_path: Path, engine: OcrEngine) -> None:
    """Single digits alone in tall cells at 7.5 pt: whole-page detection (page shrunk to 960
    px) found only `1` and `4` of `701429`; each empty cell showing ink is re-read from its own
    crop."""
    values = ("7", "0", "1", "4", "2", "9")
    spec = scans.lone_values_spec(values)
    spec.font_size = 7.5
    pdf = scans.render_pdf(tmp_path / "lone.pdf", [spec])
    image = scans.damage(scans.rasterize(pdf, 0, 200), "noise", 5)
    grid = ocr_page(image, 1, engine=engine)
    got = cells(grid)
    assert [got[(r, 1)][2] for r in range(1, 7)] == list(values)
    conf = {(c.row, c.col): c.confidence for c in grid.tables[0].cells}
    assert min(conf[(r, 1)] for r in range(1, 7)) >= 0.9
    # cells without ink stay empty: nothing is invented from rules or noise
    assert all(got[(r, 0)][2] == f"第{r}项指标名称" for r in range(1, 7))


# --------------------------------------------------------------------------- strokes and rules


def _stroke_page(tmp_path: Path, font_size: float, row_h: float) -> np.ndarray:
    spec = scans.stroke_on_rule_spec()
    spec.font_size, spec.row_heights, spec.col_widths = font_size, [row_h] * 3, [90, 100, 100, 90]
    return scans.rasterize(scans.render_pdf(tmp_path / "stroke.pdf", [spec]), 0, 200)


STROKE_GRID = {
    **{(0, c): (1, 1) for c in range(4)},
    (1, 0): (1, 1),
    (1, 1): (1, 2),
    (1, 3): (1, 1),
    **{(2, c): (1, 1) for c in range(4)},
}


@pytest.mark.parametrize("kind", ["clean", "noise", "lowres"])
def test_a_characters_stroke_on_a_continuing_rule_does_not_split_the_cell(
    tmp_path: Path, kind: str
) -> None:
    """20 pt text in 28 pt rows: 车's vertical stroke lies where the column rule of the rows
    above and below continues; it was taken for the rule (公务用 | 运行费). Its own horizontal
    strokes cross it, which a rule's paper margins never show."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare

    image = scans.damage(_stroke_page(tmp_path, 20, 28), kind, 1)
    tables = find_tables(prepare(image, None).gray)
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells} == STROKE_GRID


@pytest.mark.parametrize("font_size, row_h", [(12, 18), (10.5, 18), (14, 22)])
def test_rules_of_short_rows_are_kept(tmp_path: Path, font_size: float, row_h: float) -> None:
    """Rows of 18-22 pt: the column rule exists only row by row (one piece above and one below
    the merged cell), each piece shorter than the long opening kernel; the column was lost and
    `类别 | 金额` read as one cell. Pieces spanning a whole cell edge are rules."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare

    tables = find_tables(prepare(_stroke_page(tmp_path, font_size, row_h), None).gray)
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells} == STROKE_GRID


def test_merged_cell_over_a_stroke_reads_whole(tmp_path: Path, engine: OcrEngine) -> None:
    grid = ocr_page(_stroke_page(tmp_path, 20, 28), 1, engine=engine)
    got = cells(grid)
    assert got[(1, 1)] == (1, 2, "公务用车运行费")
    assert [got[(0, c)][2] for c in range(4)] == ["科目", "类别", "金额", "备注"]


# --------------------------------------------------------------------------- coloured fills

DARK_BLUE = (0.35, 0.5, 0.85)


@pytest.fixture(scope="module")
def filled_spec() -> scans.PageSpec:
    """The demo form with its heading row and two label columns filled dark blue."""
    spec = scans.demo_page_spec(heading_fill=DARK_BLUE)
    spec.cells = [
        scans.CellSpec(c.row, c.col, c.text, c.rowspan, c.colspan, DARK_BLUE)
        if c.col in (0, 1)
        else c
        for c in spec.cells
    ]
    return spec


@pytest.fixture(scope="module")
def filled_page(filled_spec: scans.PageSpec, tmp_path_factory: pytest.TempPathFactory):
    pdf = scans.render_pdf(tmp_path_factory.mktemp("fill") / "fill.pdf", [filled_spec])
    return scans.rasterize(pdf, 0, 200)


@pytest.mark.parametrize("kind", ["clean", "photo"])
def test_coloured_fills_keep_the_grid(filled_spec, filled_page, kind: str) -> None:
    """A dark blue fill (grey ~126) was ink to the binariser: rules under it vanished into a
    solid block and the grid was lost. Fills are lifted to paper, their text kept."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare

    prep = prepare(scans.damage(filled_page, kind, 1), None)
    assert any("fill" in n for n in prep.notes)
    tables = find_tables(prep.gray)
    truth = {k: v[:2] for k, v in scans.spec_truth(filled_spec).items()}
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells} == truth


def test_text_on_fills_is_read(filled_spec, filled_page, engine: OcrEngine) -> None:
    grid = ocr_page(filled_page, 1, engine=engine)
    assert grid.extractor == "rapidocr" and len(grid.tables) == 1
    got = cells(grid)
    for key in [(7, 0), (7, 1), (7, 2), (7, 3), (7, 4), (0, 0), (1, 0), (6, 0)]:
        assert loose(got[key][2]) == loose(scans.spec_truth(filled_spec)[key][2])


def test_orientation_keeps_a_page_that_reads_well_as_it_is(
    filled_page, engine: OcrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the text lines' direction does not tell (fills and tall merged cells beside few
    lines), the page as it stands is read first and kept when it reads surely; turned 180° it
    is turned back, not sideways."""
    import ocr.preprocess as pre

    real = pre._text_blobs

    def undecided(ink: np.ndarray, *closing: int):  # the fine lines' call passes a closing too
        len_h, _, boxes = real(ink, *closing)
        return len_h, len_h, boxes

    monkeypatch.setattr(pre, "_text_blobs", undecided)
    assert pre.line_axis(*undecided(np.zeros((10, 10), np.uint8))[:2]) is None
    assert pre.detect_quarter_turns(filled_page, engine) == 0
    assert pre.detect_quarter_turns(scans.rotate90(filled_page, 2), engine) == 2


@pytest.fixture(scope="module")
def demo_clean_page(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    pdf = scans.render_pdf(tmp_path_factory.mktemp("demo") / "demo.pdf", [scans.demo_page_spec()])
    return scans.rasterize(pdf, 0, 200)


@pytest.fixture(scope="module")
def vertical_labels_page(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """The demo form with its 一级指标 column 16 pt wide: 产出指标 / 效益指标 / 满意度指标 are
    typeset one character per line, as many departments print them; scanner noise on top."""
    spec = scans.demo_page_spec()
    spec.col_widths = [60, 16, 120, 250, 72]
    pdf = scans.render_pdf(tmp_path_factory.mktemp("vlabels") / "vlabels.pdf", [spec])
    return scans.damage(scans.rasterize(pdf, 0, 200), "noise", 1)


@pytest.mark.parametrize("variant", ["plain", "fills", "seal", "vertical_labels"])
def test_page_turned_any_quarter_is_turned_back_upright(
    variant: str,
    demo_clean_page: np.ndarray,
    filled_page: np.ndarray,
    vertical_labels_page: np.ndarray,
    engine: OcrEngine,
) -> None:
    """Each page turned 0/90/180/270° comes back upright. The text lines' direction decides
    sideways or not; reading decides only between the two turns left. A sideways page with
    vertically typeset 一级 labels was left sideways: turned with the page, its labels lie
    horizontally and read 1.00 as they stand, and reading had the last word."""
    from ocr.preprocess import detect_quarter_turns

    page = {
        "plain": demo_clean_page,
        "fills": filled_page,
        "seal": scans.damage(demo_clean_page, "seal", 4),
        "vertical_labels": vertical_labels_page,
    }[variant]
    got = [detect_quarter_turns(scans.rotate90(page, turns), engine) for turns in range(4)]
    assert got == [0, 3, 2, 1]


# --------------------------------------------------------------------------- phone photos


@pytest.mark.parametrize("seed", [12, 13])
def test_sheet_on_a_desk_is_cropped_and_flattened(tmp_path: Path, seed: int) -> None:
    """The sheet's own edges and the desk around it were candidate rules; the sheet is found
    (bright, dark surround, four corners), warped upright, and the grid is the spec's. Seed 13
    lost its grid before (the table's own quad was warped, desk and sheet edge included)."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare, sheet_quad

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "desk.pdf", [spec]), 0, 200)
    photo = scans.damage(clean, "desk", seed)
    assert sheet_quad(photo) is not None
    prep = prepare(photo, None)
    assert any("sheet" in n for n in prep.notes)
    tables = find_tables(prep.gray)
    truth = {k: v[:2] for k, v in scans.spec_truth(spec).items()}
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells} == truth


@pytest.mark.parametrize("seed", [2, 3, 5])
def test_sheet_under_a_shadow_is_found_whole(tmp_path: Path, seed: int) -> None:
    """A shadow over part of the sheet put that paper below Otsu's level (paper ~200, shaded
    ~120, desk ~65): the sheet found was its lit part only, and the page was warped to it
    (the phone photo lost its table). The sheet is what is clearly brighter than the desk seen
    along the frame: the same corners as without the shadow."""
    from ocr.preprocess import sheet_quad

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "shade.pdf", [spec]), 0, 100)
    lit = sheet_quad(scans.on_desk(clean, seed))
    shaded = sheet_quad(scans.on_desk(scans.shadow(clean, seed, 0.35), seed))
    assert lit is not None and shaded is not None
    assert float(np.abs(shaded - lit).max()) <= 8.0


@pytest.mark.parametrize("kind", ["clean", "shadow", "light", "perspective"])
def test_no_sheet_is_found_on_scans_shadows_or_uneven_light(tmp_path: Path, kind: str) -> None:
    """A shadow or a bright patch reaches the frame; a sheet on a desk does not."""
    from ocr.preprocess import sheet_quad

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "nosheet.pdf", [spec]), 0, 100)
    assert sheet_quad(scans.damage(clean, kind, 12)) is None


def test_page_without_a_grid_yields_its_text_in_reading_order_flagged(
    tmp_path: Path, engine: OcrEngine
) -> None:
    """No rules at all (the grid cannot be trusted): the text still comes out, top to bottom
    and left to right, each line's confidence capped so it is flagged for review."""
    from ocr.page import NO_GRID_CONFIDENCE

    spec = scans.PageSpec(
        [("项目名称：公务用车运行维护", 14.0, False), ("年度资金总额：15 万元", 14.0, False)],
        [],
        [],
        [],
    )
    image = scans.rasterize(scans.render_pdf(tmp_path / "plain.pdf", [spec]), 0, 200)
    grid = ocr_page(image, 1, engine=engine)
    assert grid.tables == []
    assert [loose(ln.text) for ln in grid.lines][:2] == [
        "项目名称:公务用车运行维护",
        "年度资金总额:15万元",
    ]
    assert all(ln.confidence <= NO_GRID_CONFIDENCE for ln in grid.lines)


@pytest.mark.parametrize("seed", [11, 12])
def test_curved_rules_are_straightened(tmp_path: Path, seed: int) -> None:
    """A sheet that does not lie flat bows its rules by ~20 px: the pieces of one rule fell
    into different separators and the grid was lost. Each long rule is fitted by a quadratic
    and the page remapped so the rules are straight."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "curve.pdf", [spec]), 0, 200)
    prep = prepare(scans.damage(clean, "curve", seed), None)
    assert "curved rules straightened" in prep.notes
    tables = find_tables(prep.gray)
    truth = {k: v[:2] for k, v in scans.spec_truth(spec).items()}
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in tables[0].cells} == truth


@pytest.mark.parametrize("seed", [11, 13])
def test_curved_columns_are_straightened(tmp_path: Path, seed: int) -> None:
    """A sheet bent harder (rows bow ~40 px) also bows its columns by ~12 px, more than the
    separator clustering's tolerance: one column rule fell into two separators and the grid
    got a seventh column. After the rows, the column rules are fitted and straightened the same
    way (on the transposed page)."""
    from ocr.grid import find_tables
    from ocr.preprocess import prepare

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "curve.pdf", [spec]), 0, 200)
    prep = prepare(scans.curve(clean, seed, 0.018), None)
    assert "curved columns straightened" in prep.notes
    (table,) = find_tables(prep.gray)
    truth = {k: v[:2] for k, v in scans.spec_truth(spec).items()}
    assert {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells} == truth


# --------------------------------------------------------------------------- preprocessing memory


@pytest.mark.parametrize("kind", ["seal", "curve", "faded"])
def test_prepare_keeps_few_page_sized_copies(tmp_path: Path, kind: str) -> None:
    """Preprocessing a page holds at most ~10 grey-page-sized arrays at once (the prepared
    BGR + grey it returns are 4 of them). Float copies of the whole page (red seal lift,
    background division, contrast stretch, remap maps) and a colour copy carried through every
    warp although OCR reads only the grey made it 14-35: at 300 dpi hundreds of MB per page
    worker. Measured with tracemalloc, which sees numpy's and OpenCV's output arrays."""
    import tracemalloc

    from ocr.preprocess import prepare

    spec = scans.demo_page_spec()
    clean = scans.rasterize(scans.render_pdf(tmp_path / "mem.pdf", [spec]), 0, 200)
    image = scans.damage(clean, kind, 11)
    del clean
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        prep = prepare(image, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert prep.notes  # the damage was mended, not skipped
    assert (peak - start) / prep.gray.nbytes <= 10.0
