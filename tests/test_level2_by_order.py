"""A blank 二级 cell on a form's first grid line: the upper half of the label under it only when
that label stands centred over both (`rows._centred_over`), else a label of its own whose print
OCR lost, read by the order the form prints its 二级 labels in (`rows._level2_by_order`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import CellLine, Table
from tests.test_forms import TITLE, ocr_page, table

HEAD = [
    ["项目名称", "培训项目", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
]


def _with_line(t: Table, row: int, col: int, top: float, bottom: float) -> Table:
    """The table with the label cell at (row, col) printing its text as one OCR line whose box
    spans top..bottom (grid rows are one unit tall)."""
    cells = [
        replace(c, lines=(CellLine(c.text, (col + 0.1, top, col + 0.9, bottom), 0.99),))
        if (c.row, c.col) == (row, col)
        else c
        for c in t.cells
    ]
    return replace(t, cells=cells)


def _grid(below: str) -> list[list[str | None]]:
    return [
        *HEAD,
        ["产出指标", "", "受益学生", "2153人"],
        [None, None, "受益学生数量", "34804人以上"],
        [None, below, "达标率", "=98%"],
        [None, "时效指标", "及时率", "≥93%"],
    ]


SPANS = {(2, 0): (4, 1), (2, 1): (2, 1)}


def test_a_blank_first_label_over_a_label_printed_low_in_its_own_cell_is_read_by_the_order():
    # dev6 lg_54119 p1: the blank cell spans the first two lines; 质量指标 under it stands in
    # the middle of its own one-row cell, not of the two together: a label of its own, lost
    t = _with_line(table(_grid("质量指标"), SPANS), 4, 1, 4.35, 4.65)
    (form,), problems = read_document([ocr_page(1, t, lines=TITLE)])
    assert [i.level2.value for i in form.indicators] == [
        "数量指标",
        "数量指标",
        "质量指标",
        "时效指标",
    ]
    assert problems == [
        "page 1: 培训项目: the 二级 cell of the grid's first line (row 2) read blank, not the "
        "upper half of '质量指标' under it (a label of its own, its print lost): read as "
        "数量指标, the only 产出指标 label the form prints before 质量指标"
    ]


def test_a_blank_first_label_over_a_label_centred_on_both_is_its_upper_half():
    # the label's text stands at the cut, the middle of the blank and its own cell together
    rows = _grid("时效指标")
    rows[3][1] = "质量指标"
    t = _with_line(table(rows, {(2, 0): (4, 1)}), 3, 1, 3.0, 3.3)
    (form,), problems = read_document([ocr_page(1, t, lines=TITLE)])
    assert [i.level2.value for i in form.indicators] == ["质量指标"] * 2 + ["时效指标"] * 2
    assert problems == []


def test_a_blank_first_label_no_one_label_comes_before_is_left_blank_and_said():
    # nothing comes before 数量指标, and two labels (数量, 质量) before 时效指标
    for below in ("数量指标", "时效指标"):
        t = _with_line(table(_grid(below), SPANS), 4, 1, 4.35, 4.65)
        (form,), problems = read_document([ocr_page(1, t, lines=TITLE)])
        assert [i.level2.value for i in form.indicators][:2] == ["", ""], below
        assert problems[0] == (
            "page 1: 培训项目: the 二级 cell of the grid's first line (row 2) read blank, not "
            f"the upper half of '{below}' under it: left blank"
        ), below
