"""A field's heading over two grid columns whose first is a blank sliver beside the printed
value (an OCR grid that found one column rule twice): the line takes the one cell under the
heading that prints text (flows/forms/rows.py `_printed_under_heading`)."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import page, table
from tests.test_selfeval_reader import TITLE

HEAD = [["项目名称", "某项目", *[None] * 7], ["年度资金总额", "10", *[None] * 7]]
GRID_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", None]
GRID_HEAD += ["分值", "得分"]
TOTAL = ["总分", "", "", "", "", "", "", "100", "95.7"]


def _lines(rows: list[list[str | None]], spans: dict) -> list[tuple[str, str, str, str]]:
    grid = [GRID_HEAD, *rows, TOTAL]
    spans = {(0, 1): (1, 8), (1, 1): (1, 8), (2, 5): (1, 2)} | {
        (r + 3, c): s for (r, c), s in spans.items()
    }
    (form,), _ = read_document([page(1, table([*HEAD, *grid], spans), lines=TITLE)])
    return [
        (i.name.value, i.target.value, i.extra["actual"].value, i.extra["score"].value)
        for i in form.indicators
    ]


def test_a_blank_sliver_under_the_heading_gives_way_to_the_value_beside_it() -> None:
    """实际完成值 names grid column 5; a blank cell there runs down two lines while column 6,
    which no heading names, prints each line's actual: each line reads its own."""
    rows = [
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "", "1385亩", "6", "6"],
        ["", "产出指标", "质量指标", "验收合格率", "90%", None, "82%", "6", "5.4"],
    ]
    assert _lines(rows, {(0, 5): 2}) == [
        ("防治面积", "1385亩", "1385亩", "6"),
        ("验收合格率", "90%", "82%", "5.4"),
    ]


def test_a_value_in_the_named_column_is_kept_and_a_blank_line_stays_blank() -> None:
    """Where the named column prints the value, a text beside it under the same heading is not
    taken; where neither prints, the actual stays blank."""
    rows = [
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", "注", "6", "6"],
        ["", "产出指标", "质量指标", "验收合格率", "90%", "", "", "6", "5.4"],
    ]
    assert _lines(rows, {}) == [
        ("防治面积", "1385亩", "1385亩", "6"),
        ("验收合格率", "90%", "", "5.4"),
    ]


def test_a_blank_merged_label_does_not_take_a_fragment_beside_it() -> None:
    """Dev scan lg_9462: a blank 一级 cell means the label above, filled down; a fragment
    OCR read beside it under the 一级 heading (`满意度旨`) is not taken for the label, while the
    same row's blank actual takes the value beside it."""
    from flows.forms.columns import GridColumns
    from flows.forms.rows import _printed_under_heading
    from flows.models import Cell, Table

    texts = ["", "满意度旨", "", "82%"]
    row = [Cell(1, c, t, (c, 1, c + 1, 2)) for c, t in enumerate(texts)]
    grid = Table(2, 4, [Cell(0, 0, "一级指标", (0, 0, 2, 1), 1, 2), *row], (0, 0, 4, 2), "t")
    cols = GridColumns(
        {"level1": 0, "actual": 2}, 4, {"level1": (0.0, 0.5), "actual": (0.5, 1.0)}, 4.0, 4.0
    )
    cells = {"level1": row[0], "actual": row[2]}
    _printed_under_heading(grid, 1, 1, cells, cols)
    assert {f: c.text for f, c in cells.items()} == {"level1": "", "actual": "82%"}
