"""A scanned target table whose 项目名称 row lost its rules, its label wrapped in a narrow column:
OCR reads the row as lines stacked at the row's left edge (dev7 lg_64419 p1: `项目` over
`名称 社会治安综合治理工作经费` over `:`), no one line printing the opener. The pieces are read
back as one row, so the form opens with its name, said; pieces that are not one opener label's
stay apart, and nothing opens."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import PageGrid, TextLine
from tests.test_forms import HEADER, TITLE, grid, values
from tests.test_header_scans import scan_page


def _stacked_above(*pieces: tuple[str, float, float]) -> PageGrid:
    """A scanned target table from 主管部门 down (rows one unit high from y = 10), the 项目名称
    row above it (y 9–10) lost to the grid and read as the free lines `pieces` (text, left,
    top), each 0.35 high, their boxes overlapping the next one's."""
    rest = [*HEADER[1:], ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    t = replace(grid(rest, {(2, 0): 3}, top=10), extractor="rapidocr")
    title = (TextLine(TITLE[0], (1, 6.0, 4, 6.5)), TextLine(TITLE[1], (1.5, 7.0, 3, 7.5)))
    lines = tuple(
        TextLine(text, (left, top, left + 0.4 + 0.3 * len(text) / 4, top + 0.35))
        for text, left, top in pieces
    )
    return scan_page(1, t, lines=(*title, *lines))


def test_an_opener_label_wrapped_in_its_column_above_the_grid_opens_the_form() -> None:
    page = _stacked_above(("项目", 0.1, 9.05), ("名称 测试项目", 0.12, 9.35), (":", 0.15, 9.62))
    (form,), problems = read_document([page])
    got = values(form)
    assert (got["project_name"], got["department_code"], got["implementing_unit"]) == (
        "测试项目",
        "075001",
        "某单位",
    )
    assert [i.name.value for i in form.indicators] == ["召开会议"]
    assert (
        "page 1: the opener's row above a grid, its rules lost, printed its label wrapped in its "
        "column over the lines '项目' / '名称 测试项目' / ':': read as '项目名称: 测试项目'"
    ) in problems


def test_stacked_lines_that_are_no_one_opener_label_open_nothing() -> None:
    """`项目` standing off the row's left edge (a value's piece, not the label's), or a line
    chained on that prints another label (`项目名称` glued to `主管部门`): not read as one row."""
    off_edge = _stacked_above(("项目", 1.5, 9.05), ("名称 测试项目", 0.12, 9.35), (":", 0.15, 9.62))
    assert read_document([off_edge])[0] == []
    two_labels = _stacked_above(("项目名称", 0.1, 9.05), ("主管部门 测试项目", 0.12, 9.35))
    assert read_document([two_labels])[0] == []
