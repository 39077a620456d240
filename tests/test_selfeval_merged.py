"""A self-evaluation page whose grid heading OCR merged into one cell with the rows above it (the
rules above the heading lost, dev lg_4832): the heading is read from that cell's lowest band of
lines, parted by the grid columns under it (flows/forms/celllines.py `foot_band_cut`,
flows/forms/reader.py `_heading_at_a_merged_foot`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.celllines import foot_band_cut
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
