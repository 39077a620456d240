"""A self-evaluation's header OCR read as one cell with the form's title above it and a seal over
its 分值 head (dev7 lg_66391_自评 p1): the title cut off (flows/forms/titlecell.py), the cell's
rows kept in OCR's line order (`celllines._rows_of_a_block`), the funds row printing one value
more than the heads read taken by the form's heads where the sum row's arithmetic holds
(`funds._one_head_lost`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import Cell, CellLine
from tests.test_forms import SE_GRID, ocr_page, table, values

COLS = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate", "score")

# (text, x0, x1, row) of each printed line: rows 0-4 of the merged cell, a line's box spanning
# its grid row's middle; the lines cross the grid's column rules below, as a header's do
TITLE = [("项目支出绩效自评表", 2.0, 5.0, 0), ("(2024年度)", 2.8, 4.2, 0.5)]
HEADER = [
    ("项目名称", 0.1, 0.9, 1), ("农村危房改造", 1.5, 3.5, 1),
    ("主管部门", 0.1, 0.9, 1.5), ("住建局", 1.5, 2.5, 1.5), ("实施单位", 3.1, 3.9, 1.5),
    ("村镇建设站", 4.5, 5.5, 1.5),
    ("年初预算数", 0.8, 1.6, 2), ("全年预算数", 1.8, 2.6, 2), ("全年执行数", 3.6, 4.4, 2),
    ("执行率", 4.8, 5.4, 2), ("得分", 5.8, 6.3, 2),  # 分值 under the seal: not read
    ("年度资金总额", 0.1, 1.1, 3), ("10.98", 1.3, 1.7, 3), ("10.98", 2.3, 2.7, 3),
    ("9.55", 3.8, 4.2, 3), ("10", 4.3, 4.5, 3), ("87%", 5.0, 5.3, 3), ("8.7", 5.9, 6.2, 3),
    ("其他资金", 0.1, 0.9, 4), ("3.58", 1.3, 1.7, 4), ("3.58", 2.3, 2.7, 4),
    ("2.15", 3.8, 4.2, 4), ("/", 4.3, 4.5, 4), ("/", 5.0, 5.3, 4), ("/", 5.9, 6.2, 4),
]  # fmt: skip


# pixels a grid unit stands for: the line reader measures print in pixels (a scan's)
PX = 40


def _line(text: str, x0: float, x1: float, row: float) -> CellLine:
    return CellLine(text, _px((x0, row + 0.3, x1, row + 0.6)), 0.99)


def _px(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (box[0] * PX, box[1] * PX, box[2] * PX, box[3] * PX)


def _read(title: list, header: list) -> tuple[dict[str, str], list[str], int]:
    printed = [*title, *header]
    lines = tuple(_line(*p) for p in printed)
    rows = [[_engine_text(title, header), *[None] * 6]]
    rows += [[None] * 7 for _ in range(4)]
    t = table([*rows, *SE_GRID], {(0, 0): (5, 7)})
    cells = [replace(_with_lines(c, lines), bbox=_px(c.bbox)) for c in t.cells]
    t = replace(t, cells=cells, bbox=_px(t.bbox))
    forms, problems = read_document([ocr_page(1, t)])
    return (values(forms[0]) if forms else {}), problems, len(forms)


def _engine_text(title: list, header: list) -> str:
    """The cell's text as OCR joins it: the lines of a printed row apart, the rows run on."""
    rows: dict[float, list[str]] = {}
    for text, _, _, row in [*title, *header]:
        rows.setdefault(row, []).append(text)
    return "".join(" ".join(texts) for texts in rows.values())


def _with_lines(cell: Cell, lines: tuple[CellLine, ...]) -> Cell:
    return replace(cell, lines=lines) if cell.row == 0 else cell


def test_a_header_read_whole_with_its_title_and_a_head_lost_under_a_seal() -> None:
    got, problems, _ = _read(TITLE, HEADER)
    assert got["project_name"] == "农村危房改造"
    assert [got[f"total_{c}"] for c in COLS] == ["10.98", "10.98", "9.55", "10", "87%", "8.7"]
    assert [got[f"other_{c}"] for c in COLS] == ["3.58", "3.58", "2.15", "/", "/", "/"]
    assert (got["department_name"], got["implementing_unit"]) == ("住建局", "村镇建设站")
    assert (
        "page 1: the form's title '项目支出绩效自评表(2024年度)' read inside the header cell "
        "'项目名称 农村危房改造主管部门 住建局 实施单位 村镇建设站…' (the rules between them "
        "lost): read as a title row over it"
    ) in problems
    assert (
        "page 1: funds row '年度资金总额' prints 6 values for the 5 heads read: read by the "
        "form's heads, 分值 lost among them, the sum row's 执行率 being 全年执行数 / 预算数 "
        "(86.98%) and its 得分 分值 × 执行率"
    ) in problems


def test_a_head_is_not_supplied_when_the_sum_row_does_not_hold() -> None:
    # 78% is no 9.55 / 10.98: the six values are not read by the form's heads
    header = [(("78%", *p[1:]) if p[0] == "87%" else p) for p in HEADER]
    got, problems, _ = _read(TITLE, header)
    assert not any(k.startswith("total_") for k in got)
    assert (
        "page 1: funds row '年度资金总额' prints 6 value(s) for 5 heads in one cell; not read"
    ) in problems


def test_lines_above_the_opener_that_are_no_title_are_not_cut_off() -> None:
    # an annex line (`附件2`) is no form title: the cell starts with no opener, no form opens
    _, problems, n = _read([("附件2", 0.1, 0.9, 0)], HEADER)
    assert n == 0
    assert not any("read inside the header cell" in p for p in problems)
