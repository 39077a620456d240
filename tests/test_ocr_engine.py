"""OCR of rendered and damaged pages: exact cell texts, short numbers, seals, sideways pages.

One rapidocr engine serves the module (loading it costs ~1 s; each page ~1-3 s on 2 cores)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bench.match import loose
from flows.models import PageGrid, PageStatus, Table
from ocr import engines as ocr_engines
from ocr.cellink import _band_box, _cell_ink, print_darkness_cut
from ocr.engines import (
    PADDLE_MODEL_DIR_ENV,
    OcrEngine,
    OcrLine,
    OcrOptions,
    PaddleOcrEngine,
    RapidOcrEngine,
    get_engine,
)
from ocr.grid import GridTable, find_tables
from ocr.page import normalise_text, ocr_page, rasterize_pdf_page, read_cells
from ocr.preprocess import binarize, line_masks, prepare
from tests.fixtures import scans
from tests.fixtures.scans import CellSpec

SEAL_TEXT = "平罗县委政法委员会"


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine("rapidocr", OcrOptions())


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if scans.SEED_PDF.exists():
        return scans.SEED_PDF
    from tests.fixtures.build_seed_pdf import build_seed_pdf

    path = tmp_path_factory.mktemp("seed") / "seed.pdf"
    build_seed_pdf(path)
    return path


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scans.render_pdf(
        tmp_path_factory.mktemp("ocr") / "demo.pdf",
        [scans.demo_page_spec(), scans.numbers_page_spec()],
    )


@pytest.fixture(scope="module")
def demo_clean(demo_pdf: Path) -> np.ndarray:
    return rasterize_pdf_page(demo_pdf, 0, 200)


@pytest.fixture(scope="module")
def seed_page1(seed_pdf: Path, engine: OcrEngine) -> PageGrid:
    return ocr_page(rasterize_pdf_page(seed_pdf, 0, 200), 1, engine=engine)


def texts(table: Table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


def test_seed_page_header_block_exact(seed_page1: PageGrid) -> None:
    grid = seed_page1
    assert (grid.bbox_unit, grid.extractor, grid.status) == ("px", "rapidocr", PageStatus.EXTRACTED)
    assert grid.has_text_layer is False and (grid.width, grid.height) == (1654.0, 2339.0)
    assert [ln.text for ln in grid.lines] == [
        "附件 2：中国共产党平罗县委员会政法委员会项目支出预算绩效目标表",
        "部门项目支出预算绩效目标表",
        "(2024 年度)",
    ]
    (table,) = grid.tables
    assert (table.n_rows, table.n_cols, table.extractor) == (9, 5, "rapidocr")
    t = texts(table)
    assert t[(0, 0)] == "项目名称"
    assert t[(0, 1)] == "创新社会治理、国家安全、反邪教工作经费"
    # "主管部门及代码" is set against the rule next to "075001": one detection, split and re-read
    assert t[(1, 0)] == "主管部门及代码"
    assert t[(1, 1)] == "075001"
    assert t[(1, 3)] == "中国共产党平罗县委员会政法委员会本级"
    assert t[(2, 1)] == "0101-一年期项目"
    assert t[(2, 3)] == "1 年"
    assert (t[(3, 2)], t[(4, 2)], t[(5, 2)]) == ("15", "15", "")
    # printed "项目资金 (万元)": a line's crop cut as the detector cuts one reads it without the
    # space, which the scorers fold as they fold width
    assert loose(table.at(4, 0).text) == loose("项目资金 (万元)") and table.at(4, 0).rowspan == 3
    assert (t[(8, 3)], t[(8, 4)]) == ("召开相关会议", "5 次")
    # what a scan cannot tell apart (": " vs "：") is equal after the form parser's NFKC key
    assert loose(t[(3, 1)]) == loose("年度资金总额:")
    for cell in table.cells:
        assert 0.5 < cell.confidence <= 1.0
        x0, y0, x1, y1 = cell.bbox
        assert 0 <= x0 < x1 <= grid.width and 0 <= y0 < y1 <= grid.height


def test_seed_page_indicator_rows_exact(seed_pdf: Path, engine: OcrEngine) -> None:
    grid = ocr_page(rasterize_pdf_page(seed_pdf, 1, 200), 2, engine=engine)
    (table,) = grid.tables
    rows = [[c.text for c in table.row_cells(r)][-2:] for r in range(table.n_rows)]
    # names printing an ASCII "," may read "，" from a line's crop: the same after NFKC, as
    # every scorer compares them
    names = [[loose(name), value] for name, value in rows[:7]]
    assert names == [
        ["开展宣传教育、氛围营造", "12次"],
        ["维护国家安全、保障社会安全稳定有序发展", "≥98%"],
        ["铁路沿线重点部位、区段、关键处视频监控安装等", "10个"],
        ["群众对国家安全、平安建设的知晓率达90%,营造氛围", "100%"],
        ["本年度内完成", "2024年底"],
        ["防范处理邪教问题,维护铁路安全、运营,化解信访积案等", "15万"],
        ["维护国家安全、保障社会安全稳定有序发展", "明显"],
    ]
    assert [r[-1] for r in rows[8:]] == ["≥95%", "≥95%", "≥95%"]
    assert grid.lines == []  # continuation page: no title


def test_short_numbers_are_not_flipped(demo_pdf: Path, engine: OcrEngine) -> None:
    """The text-line angle classifier reads "99" as "66" and "6" as "9": it must stay off."""
    assert isinstance(engine, RapidOcrEngine) and engine._ocr.use_cls is False
    grid = ocr_page(rasterize_pdf_page(demo_pdf, 1, 200), 2, engine=engine)
    values = [c.text for c in grid.tables[0].cells if c.col == 1][1:]
    assert values == ["99", "66", "96", "69", "9", "6"]


SYMBOLS = ("≥95%", "≤30万元", ">92%", "<=0%", "≥98%", "＞90％", "≧1次")


@pytest.mark.parametrize("kind", ["clean", "noise"])
def test_comparison_signs_read_exactly(engine: OcrEngine, tmp_path: Path, kind: str) -> None:
    """≥/≤ are where Chinese OCR usually slips; PP-OCRv6 reads them right, and the full-width
    variants come back normalised (＞ → >, ％ → %, ≧ → ≥)."""
    pdf = scans.render_pdf(tmp_path / "sym.pdf", [scans.numbers_page_spec(SYMBOLS)])
    img = scans.damage(rasterize_pdf_page(pdf, 0, 200), kind, 2)
    grid = ocr_page(img, 1, engine=engine)
    values = [c.text for c in grid.tables[0].cells if c.col == 1][1:]
    assert values == ["≥95%", "≤30万元", ">92%", "<=0%", "≥98%", ">90%", "≥1次"]


@pytest.fixture(scope="module")
def nature_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scans.render_pdf(
        tmp_path_factory.mktemp("nature") / "nature.pdf", [scans.nature_column_spec()]
    )


@pytest.mark.parametrize(("kind", "dpi"), [("clean", 150), ("noise", 200)])
def test_lone_comparators_and_permille_in_small_cells(
    engine: OcrEngine, nature_pdf: Path, kind: str, dpi: int
) -> None:
    """A comparator alone in its 指标性质 cell gets a box taller than wide, which PP-OCR reads
    turned by 90° (≥ → "AI", ≤ → "VI", < → "V"); `=` was found by no detection; a lone ‰ came
    back "%0". Read upright, re-read from its ink, normalised, each is what is printed."""
    img = scans.damage(rasterize_pdf_page(nature_pdf, 0, dpi), kind, 3)
    grid = ocr_page(img, 1, engine=engine)
    table = grid.tables[0]
    rows = [[c.text for c in table.row_cells(r)][1:] for r in range(1, table.n_rows)]
    assert rows == [
        ["=", "94", "%"],
        ["≥", "90", "%"],
        ["≤", "5", "‰"],
        [">", "98", "%"],
        ["<", "3", "‰"],
    ]


def test_a_lone_percent_zero_is_permille() -> None:
    assert [normalise_text(t) for t in ("%0", "5%0", "%05", "50%")] == ["‰", "5‰", "%05", "50%"]


def test_width_split_recogniser_keeps_order_and_single_glyphs(
    engine: OcrEngine, tmp_path: Path
) -> None:
    """Short crops keep PP-OCR's 320 px padding, longer ones are padded to their own width; the
    answers come back in input order, and one glyph alone reads as it does at 320 px."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engines import WidthSplitRecognizer

    pdf = scans.render_pdf(
        tmp_path / "n.pdf",
        [scans.numbers_page_spec(("1", "0", "2028年12月底", "≥95%", "7"))],
    )
    grid = ocr_page(rasterize_pdf_page(pdf, 0, 200), 1, engine=engine)
    assert [c.text for c in grid.tables[0].cells if c.col == 1][1:] == [
        "1",
        "0",
        "2028年12月底",
        "≥95%",
        "7",
    ]
    wrapper = engine._ocr.text_rec
    assert isinstance(wrapper, WidthSplitRecognizer) and wrapper.full_width == 320
    assert wrapper.rec.rec_image_shape[2] == 320  # restored after each call
    wide = np.full((48, 400, 3), 255, np.uint8)
    narrow = np.full((48, 30, 3), 255, np.uint8)
    res = wrapper(TextRecInput(img=[wide, narrow, wide], return_word_box=False))
    assert len(res.txts) == len(res.scores) == 3


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_sideways_and_upside_down_pages_are_turned_upright(
    demo_pdf: Path, engine: OcrEngine, turns: int
) -> None:
    img = scans.rotate90(rasterize_pdf_page(demo_pdf, 1, 200), turns)
    grid = ocr_page(img, 2, engine=engine)
    assert grid.height > grid.width  # portrait again
    assert [c.text for c in grid.tables[0].cells] == [
        "指标",
        "指标值",
        "指标1",
        "99",
        "指标2",
        "66",
        "指标3",
        "96",
        "指标4",
        "69",
        "指标5",
        "9",
        "指标6",
        "6",
    ]
    assert [ln.text for ln in grid.lines] == ["短数字测试"]


def test_demo_form_all_cells(demo_clean: np.ndarray, engine: OcrEngine) -> None:
    truth = scans.spec_truth(scans.demo_page_spec())
    grid = ocr_page(demo_clean, 1, engine=engine)
    got = texts(grid.tables[0])
    assert set(got) == set(truth)
    assert {k: loose(v) for k, v in got.items()} == {k: loose(v[2]) for k, v in truth.items()}
    exact = sum(got[k] == v[2] for k, v in truth.items())
    assert exact >= len(truth) - 3  # misses are only "（" read as " (" — invisible on paper


def test_seal_over_a_cell_does_not_leak(demo_clean: np.ndarray, engine: OcrEngine) -> None:
    truth = scans.spec_truth(scans.demo_page_spec())
    sealed = scans.damage(demo_clean, "seal", 3)
    grid = ocr_page(sealed, 1, engine=engine)
    got = {(c.row, c.col): c for c in grid.tables[0].cells}
    for key, (_, _, text) in truth.items():
        cell = got[key]
        leaked = any(ch in cell.text and ch not in text for ch in SEAL_TEXT)
        assert not leaked or cell.confidence < 0.85, (key, cell.text)
        assert loose(cell.text) == loose(text) or cell.confidence < 0.85, (key, cell.text)
    # the seal sits on 实施单位's value, 1 年 and the funds; they read through it
    assert got[(1, 3)].text == "中国共产党平罗县委员会政法委员会本级"
    assert got[(3, 2)].text == "15"


def test_noisy_skewed_scanned_pdf_round_trip(
    demo_clean: np.ndarray, engine: OcrEngine, tmp_path: Path
) -> None:
    damaged = scans.damage(demo_clean, "combo", 11)
    pdf = scans.write_scanned_pdf([damaged], tmp_path / "scan.pdf", 200)
    grid = ocr_page(rasterize_pdf_page(pdf, 0, 200), 1, engine=engine)
    t = texts(grid.tables[0])
    assert (grid.tables[0].n_rows, grid.tables[0].n_cols) == (20, 5)
    assert t[(1, 1)] == "075001" and t[(3, 2)] == "15"
    assert [t[(r, 4)] for r in (10, 17, 18, 19)] == ["≥98%", "≥95%", "≥95%", "≥95%"]
    truth = scans.spec_truth(scans.demo_page_spec())
    ok = sum(loose(t.get(k, "")) == loose(v[2]) for k, v in truth.items())
    assert ok >= len(truth) - 2


def test_page_without_table(engine: OcrEngine) -> None:
    img = np.full((400, 600, 3), 255, np.uint8)
    grid = ocr_page(img, 3, engine=engine)
    assert grid.status is PageStatus.NO_TABLE and grid.tables == [] and grid.page == 3
    assert grid.review_below == OcrOptions().low_confidence_threshold


def test_a_page_keeps_the_review_line_it_was_read_with(engine: OcrEngine) -> None:
    """The form reader judges a page's readings by the line the run read it with (the funds
    sum check's unsure readings), not by the option's default."""
    img = np.full((400, 600, 3), 255, np.uint8)
    grid = ocr_page(img, 1, OcrOptions(low_confidence_threshold=0.6), engine=engine)
    assert grid.review_below == 0.6


def test_paddle_engine_runs_the_inference_threads_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page worker's one inference thread reaches paddle (its default is ten threads, each
    worker's on two cores); 0 leaves paddle's default. paddleocr itself is stood in for: it is
    installed in .venv-paddle only (tests/test_ocr_paddle.py runs it)."""
    import sys
    import types

    for kind in ("det", "rec"):
        folder = tmp_path / f"PP-OCRv5_mobile_{kind}"
        folder.mkdir()
        (folder / "inference.pdiparams").write_bytes(b"")
    made: list[dict] = []
    fake = types.ModuleType("paddleocr")
    fake.PaddleOCR = lambda **kwargs: made.append(kwargs)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "paddleocr", fake)
    for threads in (1, 0):
        PaddleOcrEngine(OcrOptions(engine="paddleocr", paddle_model_dir=tmp_path, threads=threads))
    assert [m.get("cpu_threads") for m in made] == [1, None]
    assert made[0]["text_detection_model_dir"] == str(tmp_path / "PP-OCRv5_mobile_det")


def test_paddle_engine_without_models_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PADDLE_MODEL_DIR_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match=PADDLE_MODEL_DIR_ENV):
        get_engine("paddleocr")
    with pytest.raises(FileNotFoundError, match=PADDLE_MODEL_DIR_ENV):
        PaddleOcrEngine(OcrOptions(engine="paddleocr", paddle_model_dir=tmp_path / "none"))
    empty = tmp_path / "models"
    empty.mkdir()
    monkeypatch.setenv(PADDLE_MODEL_DIR_ENV, str(empty))
    assert OcrOptions().paddle_model_dir == empty
    with pytest.raises(FileNotFoundError, match="det"):
        get_engine("paddleocr", OcrOptions())


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="rapidocr"):
        get_engine("tesseract")


def test_ocr_file_reads_scanned_pdf_and_multipage_tiff(
    demo_pdf: Path, engine: OcrEngine, tmp_path: Path
) -> None:
    from PIL import Image

    from ocr.page import ocr_file

    page = rasterize_pdf_page(demo_pdf, 1, 200)
    pdf = scans.write_scanned_pdf([page, scans.rotate90(page, 2)], tmp_path / "scan.pdf", 200)
    tiff = tmp_path / "scan.tiff"
    frames = [
        Image.fromarray(np.ascontiguousarray(im[..., ::-1]))
        for im in (page, scans.rotate90(page, 1))
    ]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200))
    for path in (pdf, tiff):
        grids = ocr_file(path, OcrOptions(dpi=200), engine=engine)
        assert [g.page for g in grids] == [1, 2]
        for g in grids:
            assert [c.text for c in g.tables[0].cells if c.col == 1][1:] == [
                "99",
                "66",
                "96",
                "69",
                "9",
                "6",
            ]


# --------------------------------------------------------------------------- reading by cell


class CountingEngine(OcrEngine):
    """The module's engine, counting the crops it is asked to recognise and the pages it runs
    text detection on."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.crops: list[np.ndarray] = []
        self.detections = 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        self.detections += 1
        return self.inner.recognize(image)

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        self.crops.extend(crops)
        return self.inner.read_crops(crops)


def score_page_spec(rows: Sequence[tuple[str, str]]) -> scans.PageSpec:
    """分值 | 得分 in two narrow columns: the numbers sit a few points either side of one rule,
    where one page-wide detection box took both (`20 | 13` read `2013`)."""
    cells = [CellSpec(0, 0, "三级指标"), CellSpec(0, 1, "分值"), CellSpec(0, 2, "得分")]
    for i, (weight, score) in enumerate(rows, start=1):
        cells += [CellSpec(i, 0, f"指标{i}"), CellSpec(i, 1, weight), CellSpec(i, 2, score)]
    return scans.PageSpec([("分值得分", 14.0, True)], [90, 26, 36], [22] * (len(rows) + 1), cells)


SCORE_ROWS = (("20", "13"), ("10", "9.5"), ("30", "30"), ("100", "95.77"))


@pytest.mark.parametrize("kind", ["clean", "noise"])
def test_neighbouring_numbers_are_read_as_two_cells(
    engine: OcrEngine, tmp_path: Path, kind: str
) -> None:
    pdf = scans.render_pdf(tmp_path / "score.pdf", [score_page_spec(SCORE_ROWS)])
    img = scans.damage(rasterize_pdf_page(pdf, 0, 200), kind, 5)
    counting = CountingEngine(engine)
    grid = ocr_page(img, 1, OcrOptions(read_cells=True), engine=counting)
    table = grid.tables[0]
    rows = [tuple(c.text for c in table.row_cells(r))[1:] for r in range(1, table.n_rows)]
    assert rows == list(SCORE_ROWS)
    assert [ln.text for ln in grid.lines] == ["分值得分"]
    # text detection ran once (the title around the grid), never over the cells
    assert counting.detections == 1


def read_by_cell(image: np.ndarray, engine: OcrEngine) -> tuple[list, list, int]:
    """The page's grids, the lines `read_cells` found per cell and how many crops it read."""
    prep = prepare(image, engine)
    ink = binarize(prep.gray)
    hor, ver = line_masks(ink)
    tables = find_tables(prep.gray, masks=(hor, ver))
    per_cell, n_crops = read_cells(tables, prep.gray, ink & ~(hor | ver), engine)
    return tables, per_cell, n_crops


def test_a_wrapped_cell_read_from_its_ink_is_exact(engine: OcrEngine, tmp_path: Path) -> None:
    """A cell's lines are cut from its blank rows and each read alone: one crop per printed
    line, top to bottom, joined they are the printed text."""
    long = "维护国家安全保障社会安全稳定有序发展营造良好氛围"
    cells = [
        CellSpec(0, 0, "项目"),
        CellSpec(0, 1, long),
        CellSpec(1, 0, "单位"),
        CellSpec(1, 1, "次"),
    ]
    spec = scans.PageSpec([("换行测试", 14.0, True)], [60, 110], [80, 24], cells)
    pdf = scans.render_pdf(tmp_path / "wrap.pdf", [spec])
    printed = scans._wrap(long, 110 - 6, 10.0)
    assert len(printed) >= 3
    tables, per_cell, n_crops = read_by_cell(rasterize_pdf_page(pdf, 0, 200), engine)
    (table,) = tables
    wrapped = next(i for i, c in enumerate(table.cells) if (c.row, c.col) == (0, 1))
    assert [ln.text for ln in per_cell[0][wrapped]] == printed
    assert n_crops == 3 + len(printed)
    grid = ocr_page(rasterize_pdf_page(pdf, 0, 200), 1, OcrOptions(), engine=engine)
    assert texts(grid.tables[0]) == {(0, 0): "项目", (0, 1): long, (1, 0): "单位", (1, 1): "次"}


def test_blank_cells_are_not_recognised(engine: OcrEngine, tmp_path: Path) -> None:
    """A cell without ink costs nothing: no crop goes to the recogniser for it, and it stays
    empty even on a noisy scan (specks are not text)."""
    cells = [CellSpec(0, c, t) for c, t in enumerate(["指标", "指标值", "备注"])]
    cells += [CellSpec(1, 0, "满意度"), CellSpec(1, 1, "≥95%"), CellSpec(1, 2, "")]
    cells += [CellSpec(2, 0, "完成率"), CellSpec(2, 1, ""), CellSpec(2, 2, "")]
    spec = scans.PageSpec([("空白测试", 14.0, True)], [80, 80, 80], [26, 26, 26], cells)
    pdf = scans.render_pdf(tmp_path / "blank.pdf", [spec])
    img = scans.damage(rasterize_pdf_page(pdf, 0, 200), "noise", 7)
    tables, per_cell, n_crops = read_by_cell(img, engine)
    read = {(tables[0].cells[ci].row, tables[0].cells[ci].col) for ci in per_cell[0]}
    assert read == {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)}
    assert n_crops == 6  # the six printed cells, one line each
    grid = ocr_page(img, 1, OcrOptions(), engine=engine)
    assert texts(grid.tables[0]) == {k: v[2] for k, v in scans.spec_truth(spec).items()}


# --------------------------------------------------------------------------- cell ink


def test_scattered_dots_far_from_a_line_are_not_read_with_it() -> None:
    """Noise dots over a seal, far to the right of a line's last glyph, were cut into its crop
    and read `升、`; a dense stroke (a `1`) as far away is still part of the line."""
    line_h = 28.0
    mask = np.zeros((30, 600), np.uint8)
    mask[2:28, 10:36] = 1  # a glyph
    mask[2:28, 11:35:3] = 0  # (not solid: ~2/3 of its box)
    for x, y in ((300, 5), (310, 20), (322, 9), (400, 3), (415, 24), (426, 14)):
        mask[y : y + 3, x : x + 3] = 1  # scattered 3x3 dots, each above the speck size
    assert _band_box(mask, 0, 30, 100, 200, line_h) == (110, 202, 136, 228)
    mask[4:26, 420:424] = 1  # a printed `1` standing apart
    assert _band_box(mask, 0, 30, 100, 200, line_h)[2] == 100 + 429  # the 1 and the dot by it


def test_ink_never_as_dark_as_print_is_not_text() -> None:
    """A lifted seal leaves light speckle just under the ink threshold: not read as text, while
    print and the ink threshold stay relative to the page (a faded page keeps its text)."""
    gray = np.full((60, 200), 250, np.uint8)
    gray[10:40, 10:40] = 20  # print
    gray[10:40, 100:130] = 190  # seal residue: ink by threshold, lighter than print anywhere
    ink = binarize(gray)
    cut = print_darkness_cut(gray, ink)
    mask, ox, oy, _ = _cell_ink(ink, (0, 0, 200, 60), 2, gray, cut)
    assert (ox, oy) == (2, 2)
    assert mask[20, 20 - ox] == 1 and mask[20, 110 - ox] == 0
    faded = np.where(gray == 20, 160, gray).astype(np.uint8)  # the same page, faded
    ink = binarize(faded)
    mask, _, _, _ = _cell_ink(ink, (0, 0, 200, 60), 2, faded, print_darkness_cut(faded, ink))
    assert mask[20, 20 - 2] == 1


class _ScriptedReader(OcrEngine):
    """Reads every crop with one scripted confidence per call and records the calls."""

    recognises_crops = True

    def __init__(self, confidences: Sequence[float]) -> None:
        self.confidences = list(confidences)
        self.calls: list[int] = []

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        self.calls.append(len(crops))
        conf = self.confidences[min(len(self.calls), len(self.confidences)) - 1]
        return [("项目", conf)] * len(crops)


def _orientation_inputs(demo_clean: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    import cv2

    from ocr.preprocess import flatten_background

    gray = cv2.cvtColor(demo_clean, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 1000 / max(h, w)
    small = cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    return gray, binarize(flatten_background(small)), f


def test_orientation_reads_lines_turned_only_when_not_sure_upright(
    demo_clean: np.ndarray,
) -> None:
    """Lines read as they stand at SURE_UPRIGHT or better are not read turned 180° as well
    (half the orientation test's recognition), and when the widest half of them reads so
    the rest is not read either; below it both readings are compared by the
    characters read, each weighted by its line's confidence squared (`项目` per crop here)."""
    from ocr.preprocess import SURE_UPRIGHT, _orientation_scores, detect_quarter_turns

    gray, ink, f = _orientation_inputs(demo_clean)
    unsure = _ScriptedReader([0.6, 0.6, 0.9])
    read = _orientation_scores(gray, ink, f, unsure)
    first, rest, crops = unsure.calls
    assert first == (crops + 1) // 2 and first + rest == crops  # the widest half, then the rest
    assert read == (pytest.approx(crops * 2 * 0.36), pytest.approx(crops * 2 * 0.81), False)
    # sure on the widest half: the rest is not read, nor anything turned
    sure = _ScriptedReader([SURE_UPRIGHT])
    read = _orientation_scores(gray, ink, f, sure)
    assert sure.calls == [first]
    assert read == (pytest.approx(first * 2 * SURE_UPRIGHT**2), None, False)
    # unsure on the widest half, sure over all the lines: nothing read turned
    half_sure = _ScriptedReader([0.94, 1.0])
    read = _orientation_scores(gray, ink, f, half_sure)
    assert half_sure.calls == [first, rest]
    assert read == (pytest.approx(2 * (first * 0.94**2 + rest)), None, False)
    # not settled early: every line is read, though the widest half reads surely
    whole = _ScriptedReader([SURE_UPRIGHT])
    read = _orientation_scores(gray, ink, f, whole, settle_early=False)
    assert whole.calls == [first, rest]
    assert read == (pytest.approx(crops * 2 * SURE_UPRIGHT**2), None, False)
    # the turned reading wins only when it is surer
    assert detect_quarter_turns(demo_clean, _ScriptedReader([0.6, 0.9])) == 2
    assert detect_quarter_turns(demo_clean, _ScriptedReader([0.9, 0.6])) == 0
    assert detect_quarter_turns(demo_clean, _ScriptedReader([0.99, 0.0])) == 0


def test_prepared_page_carries_no_colour_copy(demo_clean: np.ndarray) -> None:
    """Only the grey page is kept (a BGR copy of a 300-dpi page is 26 MB per worker); the
    colour view is made on demand and equals the grey in every channel."""
    prep = prepare(demo_clean, None)
    assert all(not (isinstance(v, np.ndarray) and v.ndim == 3) for v in vars(prep).values())
    image = prep.image
    assert image.shape == (*prep.gray.shape, 3)
    assert all(np.array_equal(image[..., c], prep.gray) for c in range(3))


def test_recognition_batches_hold_at_most_two_crops_of_320_px(engine: OcrEngine) -> None:
    """Memory follows batch × width while CPU per pixel does not, so a batch holds at most
    `rec_batch_width` (640) px of padded input: two short crops, or one wide crop alone."""
    wrapper = engine._ocr.text_rec
    assert OcrOptions().rec_batch_width == wrapper.batch_width == 640
    ratios = [1.0, 3.0, 2.5, 4.0, 5.0, 12.0, 20.0]  # width / height of each crop
    assert wrapper.chunks(ratios, list(range(len(ratios))), 320) == [[0, 2], [1, 3], [4], [5], [6]]


def test_the_c_library_is_looked_up_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`release_memory` runs after every page; looking libc up runs `ldconfig -p` in a child
    process, so it is done once."""
    import ctypes.util

    from ocr.page import _libc, release_memory

    calls: list[str] = []
    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda n: calls.append(n) or real(n))
    _libc.cache_clear()
    results = [release_memory() for _ in range(3)]
    assert calls == ["c"]
    assert all(isinstance(r, bool) for r in results)


class _CountingRecognizer:
    """Stands in for rapidocr's TextRecognizer: reads a crop as its mean grey level and counts
    the crops it was given."""

    def __init__(self) -> None:
        self.rec_image_shape = [3, 48, 320]
        self.crops = 0

    def __call__(self, args: object) -> object:
        from rapidocr.ch_ppocr_rec import TextRecOutput

        imgs = list(args.img)  # type: ignore[attr-defined]
        self.crops += len(imgs)
        txts = tuple(f"{im.mean():.1f}" for im in imgs)
        return TextRecOutput(imgs, txts, [0.9] * len(imgs), (None,) * len(imgs), 0.0, None)


class _PaddingRecognizer(_CountingRecognizer):
    """Reads a crop as the padded width it was given (the width `WidthSplitRecognizer` sets
    on the recogniser for the crop's batch)."""

    def __call__(self, args: object) -> object:
        from rapidocr.ch_ppocr_rec import TextRecOutput

        imgs = list(args.img)  # type: ignore[attr-defined]
        txts = tuple(str(self.rec_image_shape[2]) for _ in imgs)
        return TextRecOutput(imgs, txts, [0.9] * len(imgs), (None,) * len(imgs), 0.0, None)


def test_padding_class_is_chosen_by_the_crops_width() -> None:
    """A crop narrower than `short_ratio` heights (one glyph) is padded to the short width, a
    longer one to the long width, one wider than both to its own width; the recogniser's own
    320 px comes back after the call."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engines import WidthSplitRecognizer

    glyph = np.full((40, 30, 3), 10, np.uint8)  # 0.75 heights
    pair = np.full((40, 79, 3), 20, np.uint8)  # 1.98 heights: still one glyph's class
    phrase = np.full((40, 100, 3), 30, np.uint8)  # 2.5 heights
    rec = _PaddingRecognizer()
    wrapper = WidthSplitRecognizer(rec, 192, 2.0, 640, 128)
    res = wrapper(TextRecInput(img=[phrase, glyph, pair]))
    assert list(res.txts) == ["192", "128", "128"]
    assert rec.rec_image_shape == [3, 48, 320]
    default = WidthSplitRecognizer(_PaddingRecognizer(), 320, 2.0, 640)
    assert list(default(TextRecInput(img=[glyph, phrase])).txts) == ["320", "320"]


class _UnsureWhenNarrow(_CountingRecognizer):
    """Reads a crop as `<padded width>:<grey>`; a dark crop (grey < 100) is read at 0.5
    confidence when padded narrower than 320 px, everything else at 0.99."""

    def __call__(self, args: object) -> object:
        from rapidocr.ch_ppocr_rec import TextRecOutput

        imgs = list(args.img)  # type: ignore[attr-defined]
        width = self.rec_image_shape[2]
        self.crops += len(imgs)
        txts = tuple(f"{width}:{im.mean():.0f}" for im in imgs)
        scores = [0.5 if width < 320 and im.mean() < 100 else 0.99 for im in imgs]
        return TextRecOutput(imgs, txts, scores, (None,) * len(imgs), 0.0, None)


def test_an_unsure_narrow_glyph_is_read_again_at_full_padding() -> None:
    """A one-glyph crop whose narrow-padded reading is below `short_recheck` gets the 320 px
    reading; a sure one keeps its narrow reading; longer crops are never re-read; with the
    re-check off (0) the narrow reading stays whatever its confidence."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engines import WidthSplitRecognizer

    unsure = np.full((40, 30, 3), 10, np.uint8)
    sure = np.full((40, 30, 3), 200, np.uint8)
    phrase = np.full((40, 120, 3), 20, np.uint8)
    rec = _UnsureWhenNarrow()
    wrapper = WidthSplitRecognizer(rec, 192, 2.0, 640, 96, short_recheck=0.9)
    res = wrapper(TextRecInput(img=[unsure, sure, phrase]))
    assert list(res.txts) == ["320:10", "96:200", "192:20"]
    assert list(res.scores) == [0.99, 0.99, 0.5]
    assert rec.crops == 4 and rec.rec_image_shape == [3, 48, 320]
    off = WidthSplitRecognizer(_UnsureWhenNarrow(), 192, 2.0, 640, 96, short_recheck=0.0)
    assert list(off(TextRecInput(img=[unsure, sure])).txts) == ["96:10", "96:200"]


def test_a_repeated_crop_is_recognised_once() -> None:
    """Identical crops in one call (the same digit printed clean in several cells) are read
    once and every copy gets that reading, in input order; a crop of the same size but other
    pixels is still read."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engines import WidthSplitRecognizer, same_crops

    one = np.full((40, 30, 3), 10, np.uint8)
    other = np.full((40, 30, 3), 200, np.uint8)
    wide = np.full((40, 300, 3), 90, np.uint8)
    assert same_crops([one, other, one.copy(), wide, other.copy()]) == [0, 1, 0, 3, 1]
    rec = _CountingRecognizer()
    wrapper = WidthSplitRecognizer(rec, 320, 2.0, 640)
    res = wrapper(TextRecInput(img=[one, other, one.copy(), wide, other.copy()]))
    assert rec.crops == 3
    assert list(res.txts) == ["10.0", "200.0", "10.0", "90.0", "200.0"]
    assert list(res.scores) == [0.9] * 5


def test_repeated_crops_read_as_when_read_alone(engine: OcrEngine, demo_clean: np.ndarray) -> None:
    """The readings (text and confidence) of a crop set with repeats equal each crop's reading
    alone: a crop's reading depends on its own pixels, whatever its batch."""
    gray = prepare(demo_clean, None).gray
    ink = binarize(gray)
    tables = find_tables(gray, masks=line_masks(ink))
    boxes = [tuple(int(v) for v in c.bbox) for c in tables[0].cells[:8]]
    crops = [
        np.ascontiguousarray(np.repeat(gray[y0 + 3 : y1 - 3, x0 + 3 : x1 - 3, None], 3, axis=2))
        for x0, y0, x1, y1 in boxes
    ]
    crops = [crops[0], *crops, crops[2], crops[0]]
    together = engine.read_crops(crops)
    alone = [engine.read_crops([c])[0] for c in crops]
    assert together == alone
    assert together[0] == together[1] == together[-1] and together[3] == together[-2]
    assert any(text for text, _ in together)


def test_a_scanned_page_is_rendered_once(
    tmp_path: Path, demo_clean: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blank test judges the raster OCR then reads (it rendered the PDF twice more, at 36
    and 100 dpi, each render decoding the whole embedded scan); a white page is still blank."""
    import ocr.page
    from flows.extract.documents import extract_page

    pdf = scans.write_scanned_pdf([demo_clean], tmp_path / "scan.pdf", 200)
    white = scans.write_scanned_pdf([np.full_like(demo_clean, 255)], tmp_path / "white.pdf", 200)
    renders: list[int] = []
    real = ocr.page.rasterize_pdf_page
    monkeypatch.setattr(
        ocr.page, "rasterize_pdf_page", lambda p, i, dpi=200: renders.append(dpi) or real(p, i, dpi)
    )
    read: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        ocr.page,
        "ocr_page",
        lambda image, page, options=None, engine=None: (
            read.append(image.shape)
            or PageGrid(page, 1.0, 1.0, "px", False, PageStatus.EXTRACTED, "rapidocr")
        ),
    )
    assert extract_page(pdf, 1).status is PageStatus.EXTRACTED
    assert renders == [200] and len(read) == 1  # the page OCR reads is the one rendered
    assert extract_page(white, 1).status is PageStatus.BLANK
    assert renders == [200, 200] and len(read) == 1


def test_inference_threads_wait_without_spinning(engine: OcrEngine) -> None:
    """With several inference threads onnxruntime's threads busy-waited between operators
    (twice the CPU per crop); the engine's sessions are made with spinning off, and sessions
    made by anyone else afterwards keep rapidocr's own options."""
    import onnxruntime
    from rapidocr.inference_engine.onnxruntime import OrtInferSession

    from ocr.engines import NO_SPINNING

    sessions = [engine._ocr.text_rec.rec.session.session, engine._ocr.text_det.session.session]
    for session in sessions:
        options = session.get_session_options()
        assert [options.get_session_config_entry(k) for k in NO_SPINNING] == ["0", "0"]
    cfg = engine._ocr.cfg.Rec.engine_cfg
    fresh = OrtInferSession._init_sess_opts(cfg)
    assert isinstance(fresh, onnxruntime.SessionOptions)
    with pytest.raises(RuntimeError):  # onnxruntime's answer for a key never set
        fresh.get_session_config_entry(NO_SPINNING[0])


def test_rule_centre_lines_equal_the_per_column_means() -> None:
    """`straighten_rules` fits a rule's centre line from the mean row of its ink per sampled
    column, now computed for all columns at once: the same floats as one mean per column."""
    from ocr.preprocess import _mean_rows

    rs = np.random.RandomState(1)
    for _ in range(50):
        h, w = rs.randint(1, 30), rs.randint(1, 400)
        mask = rs.rand(h, w) < rs.rand()
        mask[rs.randint(0, h, w), np.arange(w)] = True  # every column has ink, as sampled
        per_column = np.array([np.flatnonzero(mask[:, c]).mean() for c in range(w)])
        assert np.array_equal(_mean_rows(mask), per_column)
    assert _mean_rows(np.array([[1, 0], [1, 1], [0, 1]], bool)).tolist() == [0.5, 1.5]


def test_a_faded_lone_comparator_under_a_red_seal_reads_as_printed(
    engine: OcrEngine, tmp_path: Path
) -> None:
    """A lone ≥ on a faded 150 dpi scan (compound damage: faded ink, blur σ 0.87, noise, JPEG
    71, skew -2.2°, a red seal on the page) reads ≥. Before the seal was lifted only to the
    paper's level (`preprocess.suppress_red`), greedy decoding read this crop '2'; the reader's
    column alphabet composing ≥ from such a reading is tested in tests/test_alphabet.py."""
    rows = [("≥", "90", "%"), ("=", "94", "%"), ("≤", "5", "‰"), (">", "98", "%")]
    rows += [("<", "3", "‰"), ("≥", "85", "%"), ("=", "100", "%"), ("≤", "2", "天")]
    pdf = scans.render_pdf(tmp_path / "nature.pdf", [scans.nature_column_spec(rows)])
    img = scans.apply_compound(scans.rasterize(pdf, 0, 150), scans.draw_compound(23, 150))
    read = ocr_page(img, 1, engine=engine).tables[0].at(6, 1)
    assert read is not None and read.text == "≥"
    assert read.readings[0][0] == "≥"


def test_short_cells_keep_their_ranked_readings_in_input_order(
    engine: OcrEngine, tmp_path: Path
) -> None:
    """Crops are recognised in order of width; each short one gets back its own ranked
    readings (best first, its text on top), a longer one none."""
    values = ("1", "≥", "2028年12月底", "定性", "≥95%", "7")
    pdf = scans.render_pdf(tmp_path / "r.pdf", [scans.numbers_page_spec(values)])
    cells = ocr_page(rasterize_pdf_page(pdf, 0, 200), 1, engine=engine).tables[0].cells
    read = {c.text: c.readings for c in cells if c.col == 1 and c.row > 0}
    assert list(read) == list(values)
    for text in ("1", "≥", "定性", "7"):
        assert read[text] and read[text][0][0] == text
    assert read["2028年12月底"] == () and read["≥95%"] == ()


def test_engine_key_follows_every_engine_setting_and_no_page_setting() -> None:
    """Page workers keep one engine per `OcrOptions.engine_key`: options that build another
    engine (the ranked-readings settings were once left out of a hand-kept key) never share
    one; page-pipeline settings (dpi, thresholds) never cost a second engine."""
    base = OcrOptions()
    for field, value in (("rec_readings_chars", 0), ("rec_readings", 3), ("rec_short_width", 320)):
        assert base.model_copy(update={field: value}).engine_key() != base.engine_key(), field
    for field, value in (("dpi", 300), ("low_confidence_threshold", 0.5), ("read_cells", False)):
        assert base.model_copy(update={field: value}).engine_key() == base.engine_key(), field


def test_a_sure_small_glyph_is_not_read_from_its_line_high_crops() -> None:
    """Only a small glyph whose tight crop read below `glyph_sure` (or read nothing) sends its
    two line-high crops to the recogniser, with its owner; 0 reads every glyph three times."""
    from ocr.engines import CropReading
    from ocr.page import _unsure_glyph_views

    views = [np.full((4, 4 + k, 3), k, np.uint8) for k in range(6)]
    owners = [(0, 1, (0, 0, 4, 4)), (0, 2, (9, 9, 13, 13)), (0, 3, (0, 9, 4, 13))]
    reads = [CropReading("6", 0.995), CropReading("二", 0.6), CropReading("", 0.0)]
    unsure = [(0, views[0:2]), (1, views[2:4]), (2, views[4:6])]
    more, more_owners = _unsure_glyph_views(unsure, owners, reads, 0.99)
    assert [v.shape[1] for v in more] == [6, 7, 8, 9]
    assert more_owners == [owners[1], owners[1], owners[2], owners[2]]
    more, more_owners = _unsure_glyph_views(unsure, owners, reads, 0.0)
    assert [v.shape[1] for v in more] == [4, 5, 6, 7, 8, 9]
    assert more_owners == [o for o in owners for _ in (0, 1)]


GLYPH_ROWS = (("=", "6", "%"), ("≥", "9", "%"), ("≤", "5", "‰"), (">", "15", "%"))


def _glyph_rows_page(
    engine: OcrEngine, tmp_path: Path
) -> tuple[np.ndarray, np.ndarray, list[GridTable], np.ndarray]:
    """`GLYPH_ROWS` in a 指标性质 column, rendered at 200 dpi: the page image, its prepared
    grey, its tables and the text ink (rules out) the cells are read from."""
    spec = scans.nature_column_spec(GLYPH_ROWS)
    image = rasterize_pdf_page(scans.render_pdf(tmp_path / "digits.pdf", [spec]), 0, 200)
    prep = prepare(image, engine)
    ink = binarize(prep.gray)
    hor, ver = line_masks(ink)
    tables = find_tables(prep.gray, masks=(hor, ver))
    return image, prep.gray, tables, ink & ~(hor | ver)


def test_sure_small_glyphs_read_once_read_as_before(engine: OcrEngine, tmp_path: Path) -> None:
    """Lone comparators, digits, % and ‰ in small cells: reading a sure glyph from its tight
    crop alone gives every cell the text the three-crop vote gave, from fewer crops. In this
    font only = and > are small glyphs (digits stand as high as the print): > reads 0.93 from
    its tight crop, = reads 二 there; at 0.9 > is sure, = is not."""
    rows = GLYPH_ROWS
    image, gray, tables, text_ink = _glyph_rows_page(engine, tmp_path)
    every, n_every = read_cells(tables, gray, text_ink, engine, glyph_sure=0.0)
    sure, n_sure = read_cells(tables, gray, text_ink, engine, glyph_sure=0.9)

    def cell_texts(per_cell: list[dict[int, list[OcrLine]]]) -> dict[int, list[str]]:
        return {ci: [ln.text for ln in lines] for ci, lines in per_cell[0].items()}

    assert cell_texts(sure) == cell_texts(every)
    assert n_sure == n_every - 2
    grid = ocr_page(image, 1, OcrOptions(), engine=engine)
    table = grid.tables[0]
    assert [[c.text for c in table.row_cells(r)][1:] for r in range(1, table.n_rows)] == [
        list(row) for row in rows
    ]


def test_cells_read_alone_read_as_among_all(engine: OcrEngine, tmp_path: Path) -> None:
    """`read_cells(only=…)`: the cells named come back exactly as a reading of every cell
    gives them (text, confidence, ranked readings); the other cells' longer crops are not
    recognised where no wanted crop shares their batch (a one-glyph crop always is)."""
    _, gray, tables, text_ink = _glyph_rows_page(engine, tmp_path)
    every, _ = read_cells(tables, gray, text_ink, engine, glyph_sure=0.9)
    digits = {(0, ci) for ci, c in enumerate(tables[0].cells) if c.col == 2 and c.row > 0}
    some, _ = read_cells(tables, gray, text_ink, engine, glyph_sure=0.9, only=digits)
    assert len(digits) == 4
    assert {ci: some[0][ci] for _, ci in digits} == {ci: every[0][ci] for _, ci in digits}
    assert [ln.text for _, ci in sorted(digits) for ln in some[0][ci]] == ["6", "9", "5", "15"]
    # the heads' longer crops share no batch with a wanted crop: none is recognised
    others = {ci for ci in some[0] if (0, ci) not in digits}
    heads = {ci for ci in every[0] if tables[0].cells[ci].row == 0}
    assert others < set(every[0]) and heads and not heads & others


def test_orientation_counts_characters_read_not_mean_confidence() -> None:
    """Blobs that are no text read nothing either way round; one character a turned crop
    happens to read surely does not outweigh a line read whole as it stands."""
    from ocr.preprocess import _read_surely

    as_they_stand = [("宁远县市场监督管理局2022", 1.0), ("", 0.0), ("", 0.0), ("", 0.0)]
    turned = [("学22", 0.5), ("员", 0.99), ("", 0.0), ("", 0.0)]
    assert _read_surely(as_they_stand) == 14.0
    assert _read_surely(turned) == pytest.approx(3 * 0.25 + 0.99**2)
    # a long line of garbage read unsurely counts less than a short line read surely
    assert _read_surely([("ésaseshs", 0.21)]) < _read_surely([("9107", 0.966)])


def _axis_reading(read: tuple[int, float, bool, bool] | None) -> object:
    """A stand-in reading of one axis as `ocr.preprocess._read_axis` returns it."""
    from ocr.preprocess import AxisReading

    return None if read is None else AxisReading(*read)


@pytest.mark.parametrize(
    ("sideways", "turns"),
    [((3, 1.8, False, False), 0), ((1, 16.0, True, True), 1)],
    ids=["a-few-characters-read-sideways", "lines-read-sideways-surely"],
)
def test_a_page_whose_lines_do_not_tell_is_turned_only_on_a_sure_reading(
    monkeypatch: pytest.MonkeyPatch, sideways: tuple[int, float, bool, bool], turns: int
) -> None:
    """One short row and a seal (a table's last 总分 row on a page of its own): the line
    direction does not tell and the page reads unsurely both ways. A couple of characters read
    sideways (1.8) against 0.8 as it stands are no reason to turn it; lines read sideways
    surely are."""
    import ocr.preprocess as pp

    page = np.full((400, 300), 255, np.uint8)
    page[40:52, 60:200] = 0  # one short row: its length does not tell the line direction
    readings = {0: (0, 0.8, False, False), 1: sideways}
    monkeypatch.setattr(
        pp,
        "_read_axis",
        lambda g, i, f, e, axis, boxes=None, settle_early=True: _axis_reading(readings[axis]),
    )
    assert pp.line_axis(*pp._text_blobs(pp.binarize(page))[:2]) is None
    assert pp.detect_quarter_turns(page, object()) == turns


@pytest.mark.parametrize(
    ("as_is", "sideways", "turns"),
    [
        ((0, 19.0, True, True), (1, 10.9, False, False), 0),
        ((0, 4.5, True, True), (3, 23.9, False, True), 3),
        ((2, 15.4, False, False), (1, 24.0, True, True), 1),
        (None, (1, 27.8, True, True), 1),
    ],
    ids=["reads-surely-as-it-stands", "sure-but-fewer", "unsure-as-it-stands", "no-line-as-is"],
)
def test_a_page_whose_lines_run_vertically_is_kept_when_it_reads_surely_as_it_stands(
    monkeypatch: pytest.MonkeyPatch,
    as_is: tuple[int, float, bool, bool] | None,
    sideways: tuple[int, float, bool, bool],
    turns: int,
) -> None:
    """Dev lg_8016 p2, an upright continuation page of narrow wrapped cells: its characters
    stacked across lines ran longer down (1,623 px) than its short lines across (689), so it
    was turned sideways though every line read surely as it stood (19.0 against 10.9 turned).
    A page that reads well as it is stays; truly sideways pages (lg_8041, lg_8627, lg_8214:
    their readings here) read better turned, or not surely as they stand."""
    import ocr.preprocess as pp

    page = np.full((1000, 750), 255, np.uint8)
    for col in range(5):  # columns of characters: blobs that run down the page
        for row in range(30):
            page[100 + 14 * row : 111 + 14 * row, 100 + 40 * col : 111 + 40 * col] = 0
    readings = {0: as_is, 1: sideways}
    settled: list[bool] = []

    def read(g, i, f, e, axis, boxes=None, settle_early=True):  # type: ignore[no-untyped-def]
        settled.append(settle_early)
        return _axis_reading(readings[axis])

    monkeypatch.setattr(pp, "_read_axis", read)
    assert pp.line_axis(*pp._text_blobs(pp.binarize(page))[:2]) == 1
    assert pp.detect_quarter_turns(page, object()) == turns
    assert settled == [False, False]  # both ways round weighed on all their lines


def test_a_sideways_page_is_weighed_on_all_its_lines_against_a_half_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dev lg_9200 p8, a sideways continuation page whose line direction does not tell (its
    vertical lines 1.97× the horizontal): read sideways, its widest half of lines read surely
    (8.0) and the rest went unread, which lost to all its lines read turned 180° (9.9, at a mean
    confidence of 0.85), and the page was turned upside down. Read whole, sideways wins
    (16.0)."""
    import ocr.preprocess as pp

    page = np.full((400, 300), 255, np.uint8)
    page[40:52, 60:200] = 0  # one short row: its length does not tell the line direction

    def scores(
        gray: np.ndarray,
        ink: np.ndarray,
        f: float,
        engine: object,
        boxes: object = None,
        settle_early: bool = True,
    ) -> tuple[float, float | None, bool]:
        if gray.shape == page.shape:  # as it stands: unsure, better turned 180°
            return 0.7, 9.9, False
        return (8.0 if settle_early else 16.0), None, False  # sideways: sure

    monkeypatch.setattr(pp, "_orientation_scores", scores)
    assert pp.line_axis(*pp._text_blobs(pp.binarize(page))[:2]) is None
    assert pp.detect_quarter_turns(page, object()) == 1


def _wrapped_cells_page() -> np.ndarray:
    """An upright page of narrow cells of wrapped lines (4 characters, 10 lines each, 3 cells):
    characters 2 px apart, lines 6 px apart. At `_text_blobs`' 7 px closing a cell is one block
    (neither direction tells); at FINE_CLOSING its lines are lines."""
    page = np.full((1000, 750), 255, np.uint8)
    for cell in range(3):
        for line in range(10):
            for ch in range(4):
                y, x = 100 + 16 * line, 100 + 200 * cell + 12 * ch
                page[y : y + 10, x : x + 10] = 0
    return page


@pytest.mark.parametrize(
    ("turned", "as_is", "sideways", "turns", "note"),
    [
        (
            False,
            (0, 16.0, True, True),
            (1, 17.22, False, False),
            0,
            "orientation undecided by reading (16.00 as it stands, 17.22 sideways): "
            "taken as it stands by its text lines (1380 px across, 0 px down)",
        ),
        (
            False,
            (0, 9.27, False, False),
            (1, 10.31, False, False),
            0,
            "orientation undecided by reading (9.27 as it stands, 10.31 sideways): "
            "taken as it stands by its text lines (1380 px across, 0 px down)",
        ),
        (
            True,
            (0, 17.13, True, True),
            (3, 18.99, False, True),
            3,
            "orientation undecided by reading (17.13 as it stands, 18.99 sideways): "
            "taken sideways by its text lines (0 px across, 1380 px down)",
        ),
        (True, (0, 14.7, True, True), (3, 23.8, False, True), 3, None),
        (
            False,
            (0, 14.7, True, True),
            (1, 23.8, True, True),
            0,
            "orientation against its reading (14.70 as it stands, 23.80 sideways): "
            "taken as it stands by its text lines (1380 px across, 0 px down)",
        ),
        (
            False,
            (2, 12.0, False, True),
            (3, 15.37, False, True),
            2,
            "orientation against its reading (12.00 as it stands, 15.37 sideways): "
            "taken as it stands by its text lines (1380 px across, 0 px down)",
        ),
    ],
    ids=[
        "upright-sure",
        "upright-unsure",
        "sideways",
        "clear-sideways",
        "clear-against-lines",
        "upside-down-read-sideways",
    ],
)
def test_a_page_the_reading_cannot_judge_is_decided_by_its_fine_lines(
    monkeypatch: pytest.MonkeyPatch,
    turned: bool,
    as_is: tuple[int, float, bool, bool],
    sideways: tuple[int, float, bool, bool],
    turns: int,
    note: str | None,
) -> None:
    """Dev lg_6993_自评 p2, a sideways continuation page of wrapped cells, read 18.99 sideways
    against 17.13 as it stood (1.11×, under CLEAR_TURN) and was kept; lg_7058_自评 p7 (17.22
    against 16.0) and lg_7061_自评 p3 (10.31 against 9.27, turned) are upright. Within
    CLEAR_TURN the direction of the lines measured finer decides, and a note names both
    scores; a clear reading decides as before unless the fine lines run one way only
    (ONE_WAY_RATIO): dev4 lg_39036_自评 p4, upside down, read 12.00 turned 180° against 15.37
    sideways (1.28×) and was turned 270°, its grid read transposed; its lines run 1,525 px
    across and 0 down, and it is turned 180°."""
    import ocr.preprocess as pp

    page = _wrapped_cells_page()
    if turned:
        page = np.ascontiguousarray(np.rot90(page))
    readings = {0: as_is, 1: sideways}
    monkeypatch.setattr(
        pp,
        "_read_axis",
        lambda g, i, f, e, axis, boxes=None, settle_early=True: _axis_reading(readings[axis]),
    )
    assert pp.line_axis(*pp._text_blobs(pp.binarize(page))[:2]) is None
    notes: list[str] = []
    assert pp.detect_quarter_turns(page, object(), notes) == turns  # type: ignore[arg-type]
    assert notes == ([note] if note else [])


def test_a_page_note_lands_naming_its_page() -> None:
    """What a page was extracted by on weak evidence is said in the document's errors, naming
    the page, as every recovery is."""
    from flows.extract.documents import finish_document
    from flows.models import DocumentExtraction

    doc = DocumentExtraction("lg_1_自评.pdf", "ab", 10, 2)
    pages = [
        PageGrid(2, 10.0, 10.0, "px", False, PageStatus.EXTRACTED, "ocr", notes=["turned"]),
        PageGrid(1, 10.0, 10.0, "px", False, PageStatus.EXTRACTED, "ocr"),
    ]
    doc = finish_document(doc, pages)
    assert [p.page for p in doc.pages] == [1, 2]
    assert doc.errors == [("parse", "page 2: turned")]


@pytest.mark.parametrize(
    ("as_is", "sideways", "turns"),
    [
        ((0, 14.7, True, True), (3, 23.8, False, True), 3),
        ((0, 14.7, True, True), (3, 10.2, False, True), 0),
        ((0, 2.0, True, True), (3, 3.5, False, True), 0),
        ((0, 16.0, True, True), (1, 17.2, False, False), 0),
        ((0, 16.0, True, True), (1, 17.2, False, True), 0),
        ((0, 16.0, True, True), (1, 20.1, False, True), 1),
    ],
    ids=[
        "sure-as-it-stands-but-better-sideways",
        "sure-and-better-as-it-stands",
        "few-either-way",
        "sure-as-it-stands-and-more-but-unsure-sideways",
        "sure-as-it-stands-and-barely-better-sideways",
        "sure-as-it-stands-and-clearly-better-sideways",
    ],
)
def test_a_page_whose_lines_do_not_tell_and_reads_surely_is_still_weighed_sideways(
    monkeypatch: pytest.MonkeyPatch,
    as_is: tuple[int, float, bool, bool],
    sideways: tuple[int, float, bool, bool],
    turns: int,
) -> None:
    """Dev lg_9346 p2, a sideways continuation page of vertical labels and 2-character cells
    whose line direction does not tell (570 px across, 1,001 down): its characters stacked
    across lines read surely one by one as it stood (14.7), and it was kept so, every indicator
    on it lost with the 总分. Read whole both ways, sideways reads better (23.8) and surely; a
    page reading better as it stands, or a few characters either way, stays. So does one read
    surely as it stands whose sideways reading holds more characters but not surely (dev
    lg_4098 p3, an upright continuation page of narrow wrapped cells: 16.0 at 1.00 against 17.2
    sideways at 0.93), and one reading surely but barely better sideways (dev lg_7058_自评 p7:
    17.2 turned against 16.0 as it stood, turned, ten indicators and the 总分 lost): the turn
    needs CLEAR_TURN (1.25×) the reading as it stands."""
    import ocr.preprocess as pp

    page = np.full((400, 300), 255, np.uint8)
    page[40:52, 60:200] = 0  # one short row: its length does not tell the line direction
    readings = {0: as_is, 1: sideways}
    settled: list[tuple[int, bool]] = []

    def read(g, i, f, e, axis, boxes=None, settle_early=True):  # type: ignore[no-untyped-def]
        settled.append((axis, settle_early))
        return _axis_reading(readings[axis])

    monkeypatch.setattr(pp, "_read_axis", read)
    assert pp.line_axis(*pp._text_blobs(pp.binarize(page))[:2]) is None
    assert pp.detect_quarter_turns(page, object()) == turns
    assert settled == [(0, True), (1, False), (0, False)]


def test_a_skewed_page_the_reading_decides_is_read_levelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dev lg_7876_自评 p2, an upright photographed continuation page of narrow wrapped cells
    skewed 2.8°, whose line direction does not tell: its line crops cut across the slant read
    20.5 sideways against 16.0 as it stood (1.28×, over CLEAR_TURN) and it was turned, ten
    indicators lost; levelled first, as `prepare` levels the turned page, it reads 17.0
    sideways and stays. The reader stands in for PP-OCR with those readings, by how level the
    page it is given is."""
    import ocr.preprocess as pp

    page = np.full((1000, 800), 255, np.uint8)
    for y in range(100, 901, 100):  # a ruled grid: its rules tell the skew
        page[y : y + 3, 100:700] = 0
    for x in (100, 400, 697):
        page[100:903, x : x + 3] = 0
    page[140:152, 150:260] = 0  # one short row: the line direction does not tell
    skewed = pp.rotate_deg(page, 2.8)
    assert abs(pp.skew_angle(pp.binarize(skewed)) + 2.8) < 0.2
    levels: list[float] = []

    def read(g, i, f, e, axis, boxes=None, settle_early=True):  # type: ignore[no-untyped-def]
        level = abs(pp.skew_angle(pp.binarize(g))) < 0.2
        levels.append(level)
        if axis == 0:
            return pp.AxisReading(0, 16.0, True, True)
        return pp.AxisReading(1, 17.0 if level else 20.5, False, True)

    monkeypatch.setattr(pp, "_read_axis", read)
    assert pp.detect_quarter_turns(skewed, object()) == 0
    assert levels == [True, True, True]
    assert pp.detect_quarter_turns(page, object()) == 0  # level already: read as it stands


def test_engine_modules_cover_rapidocrs_costly_imports_and_not_onnxruntime() -> None:
    """What a run imports before it forks its page workers (`engine_modules`): rapidocr's
    pipeline and recogniser, which bring in OpenCV and omegaconf (whose parses of rapidocr's
    model table were most of a worker's engine load), and not onnxruntime, whose native thread
    a fork would not carry; the engine's own build then imports nothing costly of those again.
    An engine not listed has nothing imported ahead."""
    import json
    import subprocess
    import sys

    assert ocr_engines.engine_modules(OcrOptions()) == ("rapidocr.main", "rapidocr.ch_ppocr_rec")
    assert ocr_engines.engine_modules(OcrOptions(engine="paddleocr")) == ()
    script = """
import importlib, json, sys
from ocr.engines import OcrOptions, RapidOcrEngine, engine_modules
for name in engine_modules(OcrOptions()):
    importlib.import_module(name)
ahead = set(sys.modules)
RapidOcrEngine(OcrOptions(threads=1))
later = sorted(m.split(".")[0] for m in set(sys.modules) - ahead)
print(json.dumps([[m in ahead for m in ("cv2", "omegaconf", "rapidocr.utils.model_resolver",
    "onnxruntime")], sorted({m for m in later if m in ("cv2", "omegaconf", "rapidocr")})]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [
        [True, True, True, False],
        ["rapidocr"],
    ]


@pytest.mark.parametrize(
    ("lines", "as_is", "turned", "turns"),
    [
        ((1525, 0), (2, 12.0, False, True), (3, 15.37, False, True), 2),
        ((1600, 200), (2, 12.0, False, True), (3, 15.37, False, True), 2),
        ((1600, 201), (2, 12.0, False, True), (3, 15.37, False, True), None),
        ((0, 1525), (2, 12.0, False, True), (3, 15.37, False, True), None),
        ((250, 0), (2, 12.0, False, True), (3, 15.37, False, True), None),
        ((0, 1525), (0, 19.0, True, True), (1, 10.9, False, False), None),
        ((0, 1525), (2, 19.0, False, True), (1, 10.9, False, False), 1),
    ],
    ids=[
        "one-way",
        "at-ratio",
        "under-ratio",
        "agrees-with-reading",
        "too-little-ink",
        "sure-as-it-stands-kept",
        "sure-only-turned-round",
    ],
)
def test_a_clear_reading_yields_only_to_lines_that_run_one_way(
    monkeypatch: pytest.MonkeyPatch,
    lines: tuple[int, int],
    as_is: tuple[int, float, bool, bool],
    turned: tuple[int, float, bool, bool],
    turns: int | None,
) -> None:
    """Against a clear reading (over CLEAR_TURN) the fine lines decide the axis only when they
    run ONE_WAY_RATIO (8×) one way and MIN_LINE_LENGTH long; where they agree with the
    reading, or do not tell, the reading decides (None), and they never turn sideways a page
    whose lines read surely as they stand (lg_8016 p2's readings)."""
    import ocr.preprocess as pp

    monkeypatch.setattr(pp, "_text_blobs", lambda ink, closing=7: (*lines, []))
    upright, sideways = pp.AxisReading(*as_is), pp.AxisReading(*turned)
    ink = np.zeros((10, 10), np.uint8)
    assert pp._break_tie(ink, upright, sideways, None) == turns


class _BatchRecognizer(_CountingRecognizer):
    """Reads a crop as `<padded width>/<crops in its batch>:<grey>`: what a real recogniser's
    reading of a crop depends on besides its pixels (its padding and whether it is alone)."""

    def __call__(self, args: object) -> object:
        from rapidocr.ch_ppocr_rec import TextRecOutput

        imgs = list(args.img)  # type: ignore[attr-defined]
        self.crops += len(imgs)
        widest = max(int(np.ceil(48 * im.shape[1] / im.shape[0])) for im in imgs)
        width = max(self.rec_image_shape[2], widest)
        txts = tuple(f"{width}/{len(imgs)}:{im.mean():.0f}" for im in imgs)
        return TextRecOutput(imgs, txts, [0.5] * len(imgs), (None,) * len(imgs), 0.0, None)


def test_only_wanted_crops_batches_are_recognised_and_read_as_in_a_whole_call() -> None:
    """With `wanted`, a batch of longer crops none of which is wanted is not recognised; the
    wanted crops are batched and padded as in a call reading every crop, so they read the
    same; one-glyph crops are all read (their confidences pick the re-check's batches), and a
    wanted repeat's first copy too; the unread come back blank at 0."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engines import WidthSplitRecognizer, needed_crops

    def crop(width: int, grey: int) -> np.ndarray:
        return np.full((48, width, 3), grey, np.uint8)

    # longer crops in width order pair up at 320 px (100+150, 200+250), the 700 px one alone
    crops = [
        crop(200, 1), crop(100, 2), crop(700, 3), crop(250, 4), crop(30, 5),
        crop(150, 6), crop(200, 1), crop(40, 7),
    ]  # fmt: skip
    wanted = [False, False, False, False, False, False, True, False]
    full_rec, part_rec = _BatchRecognizer(), _BatchRecognizer()
    full = WidthSplitRecognizer(full_rec, 320, 2.0, 640, 128, short_recheck=0.9)
    part = WidthSplitRecognizer(part_rec, 320, 2.0, 640, 128, short_recheck=0.9)
    whole, _ = full.read(TextRecInput(img=crops))
    some, _ = part.read(TextRecInput(img=crops), wanted)
    # the wanted repeat of crop 0 reads as in the whole call: in a pair padded to 320
    assert some.txts[6] == whole.txts[6] == "320/2:1"
    # its batch (crops 0 and 3), both glyphs at 128 and again at 320: 6 crops, not 9
    assert (full_rec.crops, part_rec.crops) == (9, 6)
    assert [t for t, w in zip(some.txts, wanted, strict=True) if w] == ["320/2:1"]
    assert list(some.txts) == [
        "320/2:1", "", "", "320/2:4", "320/2:5", "", "320/2:1", "320/2:7",
    ]  # fmt: skip
    assert some.scores[1] == some.scores[2] == 0.0
    ratios = [c.shape[1] / c.shape[0] for c in crops]
    assert needed_crops(wanted, ratios, [0, 1, 2, 3, 4, 5, 0, 7], 2.0) == [
        True, False, False, False, True, False, True, True,
    ]  # fmt: skip
