"""A continuation page whose OCR grid took the page's edge for a rule: a blank column at its
edge (`flows.forms.columns.without_blank_edge_columns`, `reader._on_without_blank_edges`)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import without_blank_edge_columns
from flows.models import Cell, Table
from tests.test_forms import TITLE, lines_of, ocr_page, page, table

FIRST = [
    ["项目名称", "培训项目", "", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值", "评分标准"],
    ["产出指标", "数量指标", "培训人次", "≥200人次", "达到目标值得满分"],
]
SPANS = {(0, 1): (1, 2)}


def continuation(left_blank: int, right_blank: int) -> Table:
    """The grid's next lines on columns 0-4 of the heading's frame (x 0-5), with `left_blank`
    blank columns of width 1 before them and `right_blank` after, and a blank row over all."""
    x0 = -left_blank
    n_cols = 5 + left_blank + right_blank
    rows = [
        ["效益指标", "社会效益指标", "群众知晓", "明显提高", "未按时完成不得分"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "每低1个百分点扣0.5分"],
    ]
    cells = [Cell(0, 0, "", (x0, 0, 5 + right_blank, 1), colspan=n_cols)]
    if left_blank:
        cells.append(Cell(1, 0, "", (x0, 1, 0, 3), rowspan=2, colspan=left_blank))
    if right_blank:
        cells.append(
            Cell(1, 5 + left_blank, "", (5, 1, 5 + right_blank, 3), rowspan=2, colspan=right_blank)
        )
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            cells.append(Cell(r, c + left_blank, text, (c, r, c + 1, r + 1)))
    return Table(
        n_rows=3, n_cols=n_cols, cells=cells, bbox=(x0, 0, 5 + right_blank, 3), extractor="t"
    )


def test_blank_edge_columns_are_cut_with_every_cell_keeping_its_place() -> None:
    trimmed, left, right = without_blank_edge_columns(continuation(1, 0))  # type: ignore[misc]
    assert (left, right, trimmed.n_cols, trimmed.bbox) == (1, 0, 5, (0, 0, 5, 3))
    assert [(c.row, c.col, c.colspan, c.bbox, c.text) for c in trimmed.cells[:3]] == [
        (0, 0, 5, (0, 0, 5, 1), ""),
        (1, 0, 1, (0, 1, 1, 2), "效益指标"),
        (1, 1, 1, (1, 1, 2, 2), "社会效益指标"),
    ]
    assert without_blank_edge_columns(continuation(0, 0)) is None


def test_a_continuation_with_a_blank_edge_column_continues_the_grid() -> None:
    """dev3 lg_20566 p2 and p3: the next pages' grids each gained a blank column out to the
    page's edge (left on one, right on the other); their lines were lost as a table of another
    kind. Cut off, the rest lines up with the heading and its lines are appended, noted."""
    first = ocr_page(1, table(FIRST, SPANS), lines=TITLE)
    pages = [first, ocr_page(2, continuation(1, 0)), ocr_page(3, continuation(0, 2))]
    (form,), problems = read_document(pages)
    more = [
        ("效益指标", "社会效益指标", "群众知晓", "明显提高"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    assert lines_of(form) == [("产出指标", "数量指标", "培训人次", "≥200人次"), *more, *more]
    assert form.indicators[1].name.page == 2
    assert form.indicators[1].extra["scoring_standard"].value == "未按时完成不得分"
    assert problems == [
        f"page {n}: 培训项目: table 0 continues the grid once {left} blank column(s) at its left "
        f"edge and {right} at its right are cut off (no cell in them prints anything: a page "
        "edge taken for a rule); its lines read so"
        for n, left, right in ((2, 1, 0), (3, 0, 2))
    ]


def test_a_text_layer_or_a_table_that_still_does_not_line_up_is_not_appended() -> None:
    # a text layer is ruled as printed: its blank edge column is the form's own
    text = [page(1, table(FIRST, SPANS), lines=TITLE), page(2, continuation(1, 0))]
    (form,), problems = read_document(text)
    assert len(form.indicators) == 1
    assert problems[-1].endswith("not appended to another table")
    # cut off, the rest is still a third narrower than the heading: another table
    narrow = continuation(1, 0)
    narrow.cells = [c for c in narrow.cells if c.col <= 3]
    narrow.cells[0] = Cell(0, 0, "", (-1, 0, 3, 1), colspan=4)
    narrow.n_cols, narrow.bbox = 4, (-1, 0, 3, 3)
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST, SPANS), lines=TITLE), ocr_page(2, narrow)]
    )
    assert len(form.indicators) == 1
    assert problems[-1].endswith("not appended to another table")
