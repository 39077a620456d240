"""A self-evaluation page whose grid heading OCR merged into one cell with the rows above it (the
rules above the heading lost, dev lg_4832): the heading is read from that cell's lowest band of
lines, parted by the grid columns under it (flows/forms/celllines.py `foot_band_cut`,
flows/forms/reader.py `_heading_at_a_merged_foot`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.celllines import columns_shown_below, foot_band_cut
from flows.models import CellLine, Table
from tests.test_forms import FUNDS_HEAD_ROW, ocr_page, table, values
from tests.test_selfeval_reader import TITLE

HEAD_LINES = (  # (text, box): 年度指标值 wrapped on two lines, 分值 and 得分 read as one line
    ("绩效指标", (0.1, 4.4, 0.9, 4.75)),
    ("一级指标", (1.1, 4.4, 1.9, 4.75)),
    ("二级指标", (2.1, 4.4, 2.9, 4.75)),
    ("三级指标", (3.1, 4.4, 3.9, 4.75)),
    ("年度指标", (4.1, 4.25, 4.9, 4.55)),
    ("值", (4.3, 4.6, 4.7, 4.9)),
    ("实际完成值", (5.1, 4.4, 5.9, 4.75)),
    ("分值 得分", (6.1, 4.4, 7.9, 4.75)),
)
ABOVE = (("年度总体目标", (0.1, 3.2, 0.9, 3.5)), ("完成防治任务", (1.2, 3.2, 4.0, 3.5)))


def _page(foot: tuple[tuple[str, tuple[float, float, float, float]], ...]) -> Table:
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "64.1", "64.1", "50.82", "10", "79.3%", "7.93"],
        ["merged", None, None, None, None, None, None, None],
        [None] * 8,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "6", "5.8"],
        ["总分", "", "", "", "", "", "100", "95.7"],
    ]
    grid = table(rows, {(0, 1): (1, 7), (1, 0): 2, (3, 0): (2, 8)})
    lines = tuple(CellLine(t, box) for t, box in (*ABOVE, *foot))
    merged = next(c for c in grid.cells if c.row == 3)
    printed = replace(merged, text=" ".join(ln.text for ln in lines), lines=lines)
    return replace(grid, cells=[printed if c is merged else c for c in grid.cells])


def test_a_heading_merged_with_the_rows_above_is_read_from_the_cells_foot() -> None:
    (form,), problems = read_document([ocr_page(1, _page(HEAD_LINES), lines=TITLE)])
    assert [(i.name.value, i.target.value) for i in form.indicators] == [("防治面积", "1385亩")]
    extra = {f: v.value for f, v in form.indicators[0].extra.items()}
    assert (extra["actual"], extra["weight"], extra["score"]) == ("1380亩", "6", "5.8")
    assert values(form)["total_executed"] == "50.82"
    assert (
        "page 1: the grid's heading read from the foot of the cell '年度总体目标 完成防治任务 "
        "绩效指标 一级指标 …' (OCR found no rule above it): its lowest lines, parted by the "
        "grid columns under them: 绩效指标 | 一级指标 | 二级指标 | 三级指标 | "
        "年度指标值 | 实际完成值 | 分值 得分"
    ) in problems


def test_a_foot_line_standing_over_no_grid_column_leaves_the_cell_whole() -> None:
    stray = (*HEAD_LINES, ("备注", (8.2, 4.4, 8.9, 4.75)))  # beyond the grid's last column
    grid = _page(stray)
    merged = next(c for c in grid.cells if c.row == 3)
    assert foot_band_cut(grid, merged) is None


def test_a_merged_foot_that_is_no_heading_is_not_read_as_one() -> None:
    foot = tuple((f"说明{i}", box) for i, (_, box) in enumerate(HEAD_LINES))
    (form,), problems = read_document([ocr_page(1, _page(foot), lines=TITLE)])
    assert form.indicators == []
    assert not any("the grid's heading read from the foot" in p for p in problems)


# dev lg_3704 p2: the rule between 得分 and 偏差原因分析 worn through on the heading's foot and on
# the first line under it, printed on the lines further down; the reason's heading wrapped on
# two lines, so read as one part with 得分 its words interleave (`偏差原因分析及改得分进措施`)
WIDE_HEAD = (
    *HEAD_LINES[:-1],
    ("分值", (6.1, 4.4, 6.9, 4.75)),
    ("得分", (7.2, 4.4, 7.8, 4.75)),
    ("偏差原因分析及改", (8.05, 4.25, 8.95, 4.55)),
    ("进措施", (8.3, 4.6, 8.7, 4.9)),
)


def _wide_page() -> Table:
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None, None],
        [*FUNDS_HEAD_ROW, ""],
        [None, "年度资金总额", "64.1", "64.1", "50.82", "10", "79.3%", "7.93", ""],
        ["merged", None, None, None, None, None, None, None, None],
        [None] * 9,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "6", "5.8", None],
        [None, None, None, "培训人数", "16人", "16人", "9", "9", ""],
        [None, None, None, "合格率", "≥99%", "100%", "8", "7.5", "偏低"],
        ["总分", "", "", "", "", "", "100", "95.7", ""],
    ]
    spans = {(0, 1): (1, 8), (1, 0): 2, (3, 0): (2, 9), (5, 0): 3, (5, 1): 3, (5, 2): 3}
    grid = table(rows, spans | {(5, 7): (1, 2)})
    lines = tuple(CellLine(t, box) for t, box in (*ABOVE, *WIDE_HEAD))
    merged = next(c for c in grid.cells if c.row == 3)
    printed = replace(merged, text=" ".join(ln.text for ln in lines), lines=lines)
    return replace(grid, cells=[printed if c is merged else c for c in grid.cells])


def test_a_merged_foot_is_parted_at_a_column_rule_the_rows_further_down_print() -> None:
    (form,), problems = read_document([ocr_page(1, _wide_page(), lines=TITLE)])
    got = [(i.name.value, i.extra["weight"].value, i.extra["score"].value) for i in form.indicators]
    assert got == [("防治面积", "6", "5.8"), ("培训人数", "9", "9"), ("合格率", "8", "7.5")]
    assert form.indicators[2].extra["deviation_reason"].value == "偏低"
    assert (
        "page 1: the grid's heading read from the foot of the cell '年度总体目标 完成防治任务 "
        "绩效指标 一级指标 …' (OCR found no rule above it): its lowest lines, parted by the "
        "grid columns under them: 绩效指标 | 一级指标 | 二级指标 | 三级指标 | "
        "年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施"
    ) in problems


def test_a_cell_is_parted_only_at_a_rule_most_rows_below_print() -> None:
    rows: list[list[str | None]] = [
        ["9", None, None],
        ["7", "7", ""],
        ["8", "8", ""],
        ["6", "5", None],  # printed across its last two columns
    ]
    grid = table(rows, {(0, 0): (1, 3), (3, 1): (1, 2)})
    first = next(c for c in grid.cells if c.row == 0)
    parts = columns_shown_below(grid, first)
    assert [(p.col, p.colspan, p.bbox) for p in parts] == [
        (0, 1, (0, 0, 1, 1)),
        (1, 1, (1, 0, 2, 1)),
        (2, 1, (2, 0, 3, 1)),
    ]
    # a rule printed on one row below and crossed on two is no column
    crossed = table(
        [*rows[:3], ["6", "5", None], ["4", "4", None]],
        {(0, 0): (1, 3), (3, 1): (1, 2), (4, 1): (1, 2)},
    )
    first = next(c for c in crossed.cells if c.row == 0)
    assert [(p.col, p.colspan) for p in columns_shown_below(crossed, first)] == [(0, 1), (1, 2)]
