"""A 项目名称 label ending its table's row, its name a free line beside the grid (the frame faded
past the label column): the name is read from that line, said; the OCR reads such lines."""

from __future__ import annotations

import numpy as np

from flows.forms import read_document
from flows.models import Cell, Table, TextLine
from ocr.page import beside_strips
from ocr.preprocess import binarize
from tests.test_header_scans import _rest_of_header, scan_page


def _label_column(value: str | None = None) -> Table:
    """The name row found as its label column alone (dev7 lg_64169 p2's boxes), or with its
    value cell when `value` is given."""
    cells = [
        Cell(row=0, col=0, text="", bbox=(230, 257, 419, 282)),
        Cell(row=1, col=0, text="项目名称：", bbox=(230, 282, 419, 345)),
    ]
    right = 419.0
    if value is not None:
        cells.append(Cell(row=1, col=1, text=value, bbox=(419, 282, 1425, 345)))
        right = 1425.0
    return Table(2, 2 if value else 1, cells, (230, 257, right, 345), "rapidocr")


def _read(first: Table, *lines: TextLine) -> tuple[list, list[str]]:
    title = (
        TextLine("项目支出绩效目标表", (611, 154, 1045, 210)),
        TextLine("(2024年度)", (745, 227, 908, 252)),
    )
    p1 = scan_page(1, first, lines=(*title, *lines))
    p2 = scan_page(2, _rest_of_header(top=100))
    return read_document([p1, p2])


def test_a_name_printed_beside_its_label_column_is_read_and_said() -> None:
    forms, problems = _read(_label_column(), TextLine("养老服务补贴", (423, 291, 605, 337), 0.999))
    assert [f.fields["project_name"].value for f in forms] == ["养老服务补贴"]
    assert forms[0].fields["project_name"].confidence == 0.999
    assert [i.name.value for i in forms[0].indicators] == ["召开会议"]
    assert any(
        "the line printed beside it in its row" in p and "养老服务补贴" in p for p in problems
    )


def test_a_line_beside_is_not_taken_over_a_value_cell_or_out_of_the_row() -> None:
    """The value cell wins over a line beside it; a line beside the row above (the blank cell's)
    is no value of the label: the form is not loaded, said, as before."""
    forms, _ = _read(
        _label_column("司法救助资金"), TextLine("养老服务补贴", (1430, 291, 1600, 337))
    )
    assert [f.fields["project_name"].value for f in forms] == ["司法救助资金"]
    forms, problems = _read(_label_column(), TextLine("养老服务补贴", (423, 250, 605, 276)))
    assert forms == []
    assert any("项目名称 could not be read" in p for p in problems)


def test_print_beside_a_narrow_grid_in_its_rows_is_a_strip_to_read() -> None:
    """Glyphs right of a table in its rows give one strip cut to their ink (padded); glyphs
    inside another table's box, or a blank side, give none."""
    gray = np.full((800, 1200), 255, np.uint8)
    gray[300:330, 500:530] = 0
    gray[300:330, 545:575] = 0
    ink = binarize(gray)
    narrow = Table(1, 1, [], (100, 280, 400, 350), "t")
    strips = beside_strips(ink, [narrow], gray=gray)
    assert len(strips) == 1
    x0, y0, x1, y1 = strips[0]
    assert x0 < 500 and x1 > 575 and 280 <= y0 < 300 and 330 < y1 <= 350
    other = Table(1, 1, [], (450, 280, 700, 350), "t")
    assert beside_strips(ink, [narrow, other], gray=gray) == []
    assert beside_strips(binarize(np.full((800, 1200), 255, np.uint8)), [narrow]) == []
