"""A grid heading whose wrapped value heading a stray rule cut in two (dev4 lg_32120 p1:
`指标值(包含数字及文` over `字描述)`, beside 一级/二级/三级指标 cells two rows tall): the row under
the cut prints no 三级 name of its own, so it is the heading's, not an indicator line."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import find_heading
from tests.test_forms import TITLE, lines_of, ocr_page, table

ROWS: list[list[str | None]] = [
    ["项目名称", "治理项目", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值(包含数字及文"],
    [None, None, None, "字描述)"],
    ["产出指标", "数量指标", "治理面积", "1534平方公里以上"],
    [None, "质量指标", "验收合格率", "≥93%"],
]
SPANS = {(1, 0): 2, (1, 1): 2, (1, 2): 2, (3, 0): 2}


def test_the_row_the_name_heading_spans_is_the_heading_not_a_line() -> None:
    assert find_heading(table(ROWS, SPANS), 0, 5) == (1, 3)
    (form,), problems = read_document([ocr_page(1, table(ROWS, SPANS), lines=TITLE)])
    assert lines_of(form) == [
        ("产出指标", "数量指标", "治理面积", "1534平方公里以上"),
        ("产出指标", "质量指标", "验收合格率", "≥93%"),
    ]
    assert problems == [
        "page 1: the heading cell '指标值(包含数字及文' goes on in the cell '字描述)' under it, "
        "beside the 三级指标 heading that spans both (a stray rule between them): read as one "
        "heading, not a line"
    ]


def test_a_name_heading_one_row_tall_leaves_the_next_row_a_line() -> None:
    rows = [ROWS[0], ROWS[1], ["产出指标", "数量指标", "治理面积", "字描述)"]]
    assert find_heading(table(rows), 0, 3) == (1, 2)
    (form,), _ = read_document([ocr_page(1, table(rows), lines=TITLE)])
    assert lines_of(form) == [("产出指标", "数量指标", "治理面积", "字描述)")]
