"""Print under a seal's line re-read at its row's print height (ocr.sealprint) and the reader
taking only a number a numeric column may print, a category a 二级 label cell may print, or, in
a column printing words, the cell's own reading with print the seal hid (flows.forms.rows).

Geometry from dev lg_581_自评 p3 (a grey scan, 200 dpi): a seal as dark as the print joined its
glyph `罗` and the printed score 8.97 into one box (1179, 1315)-(1264, 1496), 7.2 text heights
tall; the row's other cells print their lines at the heights the bands take."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from flows.forms import read_document
from flows.forms.celllines import unmerge
from flows.forms.columns import GridColumns
from flows.forms.rows import _level2_under_seal, _text_under_seal, _under_seal_by_column
from flows.forms.spec import PROJECT_SELF_EVAL
from flows.lineshapes import is_seal_high, is_seal_text
from flows.models import Cell, CellLine, SourcedValue, Table
from ocr.engines import CropReading, OcrEngine
from ocr.sealprint import print_bands, reread_under_seals
from tests.test_forms import SE_TITLE, ocr_page, table
from tests.test_selfeval_pages import FIRST, REST

SEAL_BOX = CellLine("罗", (1179.0, 1315.0, 1264.0, 1496.0), 0.92)


def _table() -> Table:
    """Row 14's score cell under the seal, a name and a note beside it, and a label merged
    over rows 10-18 whose line centres inside the box's rows but outside the cell's."""
    score = Cell(14, 15, "罗 平", (1178, 1314, 1265, 1500), lines=(SEAL_BOX,))
    name = Cell(
        14,
        4,
        "促进师生增收",
        (600, 1314, 800, 1500),
        lines=(CellLine("促进师生增收", (610, 1396, 790, 1422)),),
    )
    note = Cell(
        14,
        16,
        "部分资金拨付时间较晚",
        (1265, 1314, 1491, 1500),
        lines=(
            CellLine("部分资金拨付时间", (1268, 1328, 1489, 1353)),
            CellLine("较晚，项目推进受", (1267, 1362, 1489, 1387)),
        ),
    )
    label = Cell(
        10,
        0,
        "绩效指标",
        (100, 900, 200, 1800),
        rowspan=9,
        lines=(CellLine("绩效指标", (110, 1380, 190, 1405)),),
    )
    return Table(20, 17, [label, name, score, note], (100, 900, 1491, 1800), "rapidocr")


def test_a_seal_high_box_is_cut_at_its_rows_print_lines() -> None:
    """One band per printed line of the cells within the row, padded by a fifth of its height;
    the label merged over more rows gives none."""
    t = _table()
    score = t.cells[2]
    assert print_bands(t, score, SEAL_BOX, 25.0) == [
        (1179, 1323, 1264, 1358),
        (1179, 1357, 1264, 1392),
        (1179, 1391, 1264, 1427),
    ]
    # a line beside it as tall as the seal's box is no print line to cut by
    tall = replace(t.cells[1], lines=(CellLine("县委", (610, 1320, 790, 1490)),))
    t2 = Table(20, 17, [tall, score], t.bbox, t.extractor)
    assert print_bands(t2, score, SEAL_BOX, 25.0) == []


class _Bands(OcrEngine):
    """Reads the crops as the page's bands read, in order, and records how many it was given."""

    recognises_crops = True

    def __init__(self, reads: list[tuple[str, float]]) -> None:
        self.reads = reads
        self.given: list[int] = []

    def read_crops_ranked(self, crops: list[np.ndarray]) -> list[CropReading]:
        self.given.append(len(crops))
        return [CropReading(t, p) for t, p in self.reads[: len(crops)]]


def test_the_bands_readings_ride_on_the_cell_best_first_its_text_untouched() -> None:
    engine = _Bands([("", 0.0), ("罗", 0.9106), ("8.97", 0.9973)])
    gray = np.full((2000, 1600), 255, dtype=np.uint8)
    (t,) = reread_under_seals([_table()], gray, engine)
    assert engine.given == [3]
    assert t.cells[2].text == "罗 平"
    assert t.cells[2].under_seal == (("8.97", 0.9973), ("罗", 0.9106))
    assert [c.under_seal for i, c in enumerate(t.cells) if i != 2] == [(), (), ()]
    # a page without a seal-high line reads nothing more
    plain = _table()
    plain.cells[2] = replace(plain.cells[2], lines=(CellLine("8.97", (1190, 1396, 1250, 1422)),))
    idle = _Bands([])
    assert reread_under_seals([plain], gray, idle)[0].cells[2].under_seal == ()
    assert idle.given == []


# dev2 lg_19009_自评 p2 (a grey scan, 200 dpi, text height 28 px): the actual 有效提升 under the
# seal's star, one line `效提开` boxed (902, 668)-(1040, 757): 3.2 text heights tall, its
# characters packed as print's, so no seal's text.
STAR_LINE = CellLine("效提开", (902.0, 668.0, 1040.0, 757.0), 0.62)


def test_a_line_taller_than_print_is_seal_high_though_packed_as_print() -> None:
    assert is_seal_high(STAR_LINE, 28.0) and not is_seal_text(STAR_LINE, 28.0)
    assert not is_seal_high(STAR_LINE, 30.0)  # 2.97 text heights: print's (to 2.4) or near
    assert is_seal_high(SEAL_BOX, 25.0) and is_seal_text(SEAL_BOX, 25.0)


def test_a_seal_high_line_packed_as_print_is_cut_at_its_rows_print_too() -> None:
    t = _table()
    t.cells[2] = replace(
        t.cells[2], text="效提开", lines=(CellLine("效提开", (1179, 1315, 1264, 1415)),)
    )
    engine = _Bands([("有效提升", 0.9998), ("双提开", 0.8109), ("效坦", 0.6635)])
    gray = np.full((2000, 1600), 255, dtype=np.uint8)
    (got,) = reread_under_seals([t], gray, engine)
    # 4 text heights tall, 28 px a character: the name's and the note's three lines give bands
    assert engine.given == [3]
    assert got.cells[2].text == "效提开"
    assert got.cells[2].under_seal == (("有效提升", 0.9998), ("双提开", 0.8109), ("效坦", 0.6635))


def _actual(text: str, under: tuple[tuple[str, float], ...]) -> tuple[dict, dict]:
    cell = Cell(3, 5, text, STAR_LINE.bbox, lines=(STAR_LINE,), under_seal=under)
    return {"actual": cell}, {"actual": SourcedValue(text, 2, 0, 3, 5)}


def test_a_word_cell_takes_its_reading_with_the_print_the_seal_hid() -> None:
    under = (("有效提升", 0.9998), ("有效提升", 0.999), ("双提开", 0.8109), ("效提升", 0.7963))
    cells, values = _actual("效提开", under)
    notes = _text_under_seal(cells, values, PROJECT_SELF_EVAL)
    assert (values["actual"].value, values["actual"].confidence) == ("有效提升", 0.9998)
    assert notes == [
        "the actual cell (row 3) read '效提开' on a seal-high line; its print re-read at its "
        "row's height: '有效提升' (p=1.000), '有效提升' (p=0.999), '双提开' (p=0.811), "
        "'效提升' (p=0.796): '有效提升' taken (the reading and the print the seal hid)"
    ]


def test_a_word_cell_keeps_its_reading_without_one_sure_longer_reading_of_its_print() -> None:
    def after(text: str, under: tuple[tuple[str, float], ...]) -> tuple[str, list[str]]:
        cells, values = _actual(text, under)
        notes = _text_under_seal(cells, values, PROJECT_SELF_EVAL)
        return values["actual"].value, notes

    # the seal's glyphs read surely: none of the print's characters
    assert after("效提开", (("县委政法", 0.995),)) == ("效提开", [])
    # no more characters than the cell read, or not sure enough
    assert after("效提开", (("效提升", 0.99),)) == ("效提开", [])
    assert after("效提开", (("有效提升", 0.85),)) == ("效提开", [])
    # two different sure readings: no choice
    assert after("效提开", (("有效提升", 0.99), ("效提开委", 0.95))) == ("效提开", [])
    # a cell read blank (its line dropped as the seal's text): nothing to tell print by
    assert after("", (("有效提升", 0.99),)) == ("", [])
    # a numeric column is `_under_seal_by_column`'s
    cells = {"score": Cell(3, 7, "6", STAR_LINE.bbox, under_seal=(("6.5", 0.99),))}
    values = {"score": SourcedValue("6", 2, 0, 3, 7)}
    assert _text_under_seal(cells, values, PROJECT_SELF_EVAL) == []
    assert values["score"].value == "6"


def _score(text: str, under: tuple[tuple[str, float], ...]) -> tuple[dict, dict]:
    cell = Cell(14, 15, text, (1178, 1314, 1265, 1500), under_seal=under)
    return {"score": cell}, {"score": SourcedValue(text, 3, 0, 14, 15)}


def test_a_numeric_cell_takes_the_one_number_its_bands_read_surely() -> None:
    cells, values = _score(
        "平", (("8.97", 0.9998), ("8.97", 0.9253), ("罗", 0.9106), ("87", 0.6916))
    )
    notes = _under_seal_by_column(cells, values, PROJECT_SELF_EVAL)
    assert (values["score"].value, values["score"].confidence) == ("8.97", 0.9998)
    assert notes == [
        "the score cell (row 14) read '平' under a seal's line; its print re-read at its row's "
        "height: '8.97' (p=1.000), '8.97' (p=0.925), '罗' (p=0.911), '87' (p=0.692): '8.97' taken"
    ]


def test_no_sure_number_or_two_numbers_or_a_number_read_leave_the_cell_as_read() -> None:
    cells, values = _score("", (("罗", 0.9106), ("87", 0.6916)))
    notes = _under_seal_by_column(cells, values, PROJECT_SELF_EVAL)
    assert values["score"].value == ""
    assert notes == [
        "the score cell (row 14) read '' under a seal's line; its print re-read at its row's "
        "height: '罗' (p=0.911), '87' (p=0.692): no one number its column may print surely, "
        "left as read"
    ]
    cells, values = _score("", (("8.97", 0.99), ("7", 0.95)))
    assert len(_under_seal_by_column(cells, values, PROJECT_SELF_EVAL)) == 1
    assert values["score"].value == ""
    # a value with a digit is left to the checks that know its marks: nothing said
    cells, values = _score("6", (("8.97", 0.99),))
    assert _under_seal_by_column(cells, values, PROJECT_SELF_EVAL) == []
    assert values["score"].value == "6"


def test_a_cell_cut_into_parts_keeps_no_reread() -> None:
    """Which part a band's reading belongs to is unknown once a lost rule cut the cell."""
    cell = Cell(
        0,
        0,
        "8.97 6.0",
        (0, 0, 100, 200),
        rowspan=2,
        lines=(CellLine("8.97", (20, 30, 80, 60)), CellLine("6.0", (20, 130, 80, 160))),
        under_seal=(("8.97", 0.99),),
    )
    other = Cell(0, 1, "a", (100, 0, 200, 100), lines=(CellLine("a", (120, 30, 160, 60)),))
    below = Cell(1, 1, "b", (100, 100, 200, 200), lines=(CellLine("b", (120, 130, 160, 160)),))
    t = Table(2, 2, [cell, other, below], (0, 0, 200, 200), "rapidocr")
    read, _ = unmerge(t, range(0, 2))
    parts = [c for c in read.cells if c.col == 0]
    assert [(c.text, c.under_seal) for c in parts] == [("8.97", ()), ("6.0", ())]


def _level2(under: tuple[tuple[str, float], ...], text: str = "") -> tuple[Table, Cell]:
    """Dev lg_6919_自评 p6's row 1: the 二级 cell under a seal-high line `成器` (dropped as the
    seal's text, the cell blank), the 三级 name beside it."""
    label = Cell(1, 2, text, (562, 249, 706, 343), under_seal=under)
    name = Cell(1, 3, "5.综合治理成本", (706, 249, 900, 343))
    above = Cell(0, 2, "社会效益指标", (562, 155, 706, 249))
    return Table(2, 4, [above, label, name], (0, 155, 900, 343), "rapidocr"), label


COLS = GridColumns({"level2": 2, "indicator_name": 3}, 4)


def test_a_blank_level2_cell_takes_the_one_category_its_bands_read_surely() -> None:
    table, label = _level2(
        (("成本指标", 0.9865), ("成本指标", 0.9283), ("品", 0.4281)),
    )
    sealed, notes = _level2_under_seal(table, 0, 2, COLS)
    assert list(sealed) == [id(label)]
    assert (sealed[id(label)].text, sealed[id(label)].confidence) == ("成本指标", 0.9865)
    assert notes == [
        "the level2 cell (row 1) read blank under a seal's line; its print re-read at its "
        "row's height: '成本指标' (p=0.987), '成本指标' (p=0.928), '品' (p=0.428): "
        "'成本指标' taken"
    ]


def test_no_sure_category_or_two_or_a_label_read_leave_the_level2_cell_as_read() -> None:
    for under in (
        (("成本指标", 0.89), ("成器", 0.95)),  # the category below the threshold
        (("成本指标", 0.95), ("质量指标", 0.93)),  # two categories
        (("成本", 0.99),),  # a keyword is no printed label
    ):
        table, _ = _level2(under)
        sealed, notes = _level2_under_seal(table, 0, 2, COLS)
        assert sealed == {}
        assert len(notes) == 1 and notes[0].endswith(": no one category label surely, left blank")
    # a cell that printed text besides the seal's line, or no seal-high line: nothing said
    table, _ = _level2((("成本指标", 0.99),), text="数量指标")
    assert _level2_under_seal(table, 0, 2, COLS) == ({}, [])
    table, _ = _level2(())
    assert _level2_under_seal(table, 0, 2, COLS) == ({}, [])
    # no 二级 column in the grid
    table, _ = _level2((("成本指标", 0.99),))
    assert _level2_under_seal(table, 0, 2, GridColumns({"indicator_name": 3}, 4)) == ({}, [])


def test_the_line_under_the_sealed_level2_cell_takes_its_category_not_the_label_above() -> None:
    """Read through the form reader: without the re-read the blank cell fills down 社会效益指标."""
    rows = [
        *FIRST,
        ["效益指标", "社会效益指标", "环境改善", "明显", "明显", "30", "30"],
        ["", "", "5.综合治理成本", "≤158.9万元", "177.43万元", "10", "5.57"],
        ["总分", None, None, None, None, "80", "74.01"],
    ]
    grid = table(rows, {(7, 0): (1, 5)})
    at = next(i for i, c in enumerate(grid.cells) if (c.row, c.col) == (6, 1))
    grid.cells[at] = replace(grid.cells[at], under_seal=(("成本指标", 0.9865),))
    (form,), problems = read_document([ocr_page(1, grid, lines=SE_TITLE)])
    assert [(i.level2.value, i.name.value) for i in form.indicators][1:] == [
        ("社会效益指标", "环境改善"),
        ("成本指标", "5.综合治理成本"),
    ]
    assert [p for p in problems if "level2 cell" in p] == [
        "page 1: 保洁经费: the level2 cell (row 6) read blank under a seal's line; its print "
        "re-read at its row's height: '成本指标' (p=0.987): '成本指标' taken"
    ]


def test_a_row_whose_only_reading_was_the_seals_star_is_no_indicator_and_is_named() -> None:
    """The held-out star row: `ocr.sealtext` left the star out of the 三级指标 cell, the row's
    other cells blank; the reader lands no indicator from it and names the cell."""
    rows = [*FIRST, ["", "", "", "", "", "", ""], *REST]
    grid = table(rows)
    for i, c in enumerate(grid.cells):  # OCR lines: one per printed cell, half a row high
        x0, y0, x1, _ = c.bbox
        line = CellLine(c.text, (x0 + 0.1, y0 + 0.25, x1 - 0.1, y0 + 0.75))
        grid.cells[i] = replace(c, lines=(line,) if c.text else ())
    at = next(i for i, c in enumerate(grid.cells) if (c.row, c.col) == (5, 2))
    star = CellLine("★", (2.3, 5.2, 2.7, 5.8), 0.72)
    grid.cells[at] = replace(grid.cells[at], seal_lines=(star,))
    (form,), problems = read_document([ocr_page(1, grid, lines=SE_TITLE)])
    assert [i.name.value for i in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [p for p in problems if "★" in p] == [
        "page 1: 保洁经费: grid cell '(row 5, column 2)': '★' left out as a seal's star "
        "(symbols only, at a seal's centre)"
    ]
