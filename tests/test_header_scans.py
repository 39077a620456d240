"""Header and funds block of scanned target tables on hand-made OCR grids: rows whose rules wore
away (an opener row read as a free line at a page's foot)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.models import Cell, CellLine, PageGrid, PageStatus, Table, TextLine
from tests.test_forms import HEADER, OCR_REVIEW_BELOW, TITLE, grid, values


def scan_page(
    n: int, *tables: Table, lines: tuple[TextLine, ...] = (), review_below: float = OCR_REVIEW_BELOW
) -> PageGrid:
    """An OCR page (no text layer) of the given tables and free lines, read with the review
    line `review_below`."""
    status = PageStatus.EXTRACTED
    grid = PageGrid(n, 1000, 1400, "px", False, status, "rapidocr", list(tables), list(lines))
    grid.review_below = review_below
    return grid


def _line(text: str, top: float) -> TextLine:
    return TextLine(text, (100, top, 600, top + 30))


def _rest_of_header(top: float) -> Table:
    """The header after its 项目名称 row, then the grid, on the next page."""
    rows = [*HEADER[1:], ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    t = grid(rows, {(2, 0): 3}, top=top)
    return replace(t, extractor="rapidocr")


def test_opener_row_at_the_page_foot_opens_the_form_read_on_the_next_page() -> None:
    """项目名称 and its value read as a free line below every table of page 1 (the row's rules
    wore away), the header's rest and the grid at the top of page 2: one project, its name from
    page 1 and its year from the title above it, its funds and labels from page 2."""
    title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
    foot = (_line("项目名称 司法救助资金", 1300), _line("-1-", 1380))
    p1 = scan_page(1, lines=(*title, *foot))
    p2 = scan_page(2, _rest_of_header(top=100))
    forms, _ = read_document([p1, p2])
    assert len(forms) == 1
    got = values(forms[0])
    assert got["project_name"] == "司法救助资金"
    assert got["year"] == "2023"
    assert (got["total_funds"], got["fiscal_funds"]) == ("15", "15")
    assert got["implementing_unit"] == "某单位"
    assert forms[0].first_page == 1
    assert [i.name.value for i in forms[0].indicators] == ["召开会议"]


def test_opener_line_is_not_carried_when_the_next_page_opens_its_own_table() -> None:
    """A free 项目名称 line at a page's foot is left alone when the next page's table prints its
    own opener (the line is no row of it)."""
    p1 = scan_page(1, lines=(_line(TITLE[0], 100), _line("项目名称 甲项目", 1300)))
    own = replace(grid([*HEADER, ["绩效指标", "产出指", "数量指标", "召开会议", "5 次"]],
                       {(3, 0): 3}, top=100), extractor="rapidocr")  # fmt: skip
    forms, _ = read_document([p1, scan_page(2, own)])
    assert [values(f)["project_name"] for f in forms] == ["测试项目"]


def _header_table(rows: list[list[str | None]]) -> Table:
    """A one-page target table: the header rows given, then one indicator line."""
    rows = [*rows, ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    return grid(rows, {(3, 0): 3}, top=100)


def _read_funds(total: str, fiscal: str, other: str, ocr: bool = True) -> tuple[dict, list[str]]:
    """The funds block and problems of a one-page target table printing these three amounts."""
    rows = [list(r) for r in HEADER]
    rows[3][2], rows[4][2], rows[5][2] = total, fiscal, other
    t = _header_table(rows)
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    p = scan_page(1, t, lines=title) if ocr else replace(scan_page(1, t, lines=title),
                                                          has_text_layer=True)  # fmt: skip
    forms, problems = read_document([p])
    got = values(forms[0])
    return {k: got.get(k) for k in ("total_funds", "fiscal_funds", "other_funds")}, problems


def test_speck_after_an_amount_is_cut_off_when_the_block_then_adds_up() -> None:
    got, problems = _read_funds("260.6.", "260.6", "")
    assert got == {"total_funds": "260.6", "fiscal_funds": "260.6", "other_funds": ""}
    assert any("total_funds '260.6.' as 260.6" in p for p in problems)


def test_rule_mark_before_an_amount_is_cut_off_when_the_block_then_adds_up() -> None:
    got, _ = _read_funds("383.2", "202.584", "1 180.616")
    assert got == {"total_funds": "383.2", "fiscal_funds": "202.584", "other_funds": "180.616"}
    got, _ = _read_funds("11.1", "1.1", "")  # a worn rule read as `1` with no gap
    assert got["total_funds"] == "1.1"
    got, _ = _read_funds("207.8 q", "192.204", "15.596")  # a speck standing apart
    assert got["total_funds"] == "207.8"
    got, _ = _read_funds("343", "256.3", "86.7 9")
    assert got["other_funds"] == "86.7"


def test_funds_block_is_left_as_read_when_it_adds_up_or_no_single_mark_explains_it() -> None:
    assert _read_funds("11.1", "11.1", "")[0]["total_funds"] == "11.1"  # adds up as read
    assert _read_funds("30", "20", "5")[0] == {  # a printed difference: the audit's finding
        "total_funds": "30",
        "fiscal_funds": "20",
        "other_funds": "5",
    }
    # 11 = 11 + 0 with the first or the last `1` cut off: two readings, none kept
    assert _read_funds("111", "11", "")[0]["total_funds"] == "111"
    # a text layer prints what it prints
    assert _read_funds("260.6.", "260.6", "", ocr=False)[0]["total_funds"] == "260.6."


def _lined(cell: Cell, *lines: tuple[str, float, float, float]) -> Cell:
    """`cell` with OCR lines (text, x0, x1, y0 in the cell's row), each a tenth of a row high."""
    y = cell.bbox[1]
    boxes = [CellLine(t, (x0, y + dy, x1, y + dy + 0.1)) for t, x0, x1, dy in lines]
    return replace(cell, lines=tuple(boxes))


def test_strokes_one_under_another_are_a_worn_rules_dashes_not_header_text() -> None:
    """The rule between 410636 and 实施单位 (延续性项目 and 项目期) wore into dashes OCR read as
    `1` at one x in both rows: they are dropped, each label takes the value beside it."""
    rows = [list(r) for r in HEADER]
    rows[1] = ["主管部门及代码", "410636 1 实施单位", "某单位", "", ""]
    rows[2] = ["项目属性", "延续性项目 1 项目期", "2022年", "", ""]
    t = _header_table(rows)
    c1 = t.at(1, 1)
    c2 = t.at(2, 1)
    assert c1 is not None and c2 is not None
    new1 = _lined(
        c1, ("410636", 1.05, 1.35, 0.4), ("1", 1.6, 1.63, 0.1), ("实施单位", 1.7, 1.95, 0.4)
    )
    new2 = _lined(
        c2, ("延续性项目", 1.05, 1.4, 0.4), ("1", 1.6, 1.64, 0.5), ("项目期", 1.7, 1.9, 0.4)
    )
    t = replace(t, cells=[new1 if c is c1 else new2 if c is c2 else c for c in t.cells])
    forms, problems = read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])
    got = values(forms[0])
    assert got["department_code"] == "410636"
    assert got["implementing_unit"] == "某单位"
    assert got["project_attribute"] == "延续性项目"
    assert got["project_period"] == "2022年"
    assert sum("dashes of a worn column rule" in p for p in problems) == 2


def test_a_lone_stroke_or_a_value_of_its_own_is_kept() -> None:
    """One stroke with no other under or over it, or strokes that are a cell's whole value, are
    printed text as far as the header knows."""
    rows = [list(r) for r in HEADER]
    rows[2] = ["项目属性", "延续性项目", "项目期", "1", ""]
    t = _header_table(rows)
    period = t.at(2, 3)
    above = t.at(1, 3)
    assert period is not None and above is not None
    lone = _lined(period, ("1", 3.2, 3.25, 0.4))
    same_x = _lined(above, ("某单位", 3.1, 3.5, 0.2), ("1", 3.2, 3.25, 0.6))
    t = replace(t, cells=[lone if c is period else same_x if c is above else c for c in t.cells])
    got = values(read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])[0][0])
    assert got["project_period"] == "1"


def _tables_with_lines_between(
    upper: list, lower_top: float, between: tuple, spans: dict | None = None
) -> PageGrid:
    """An OCR page whose header table broke in two at `lower_top`: the upper rows, the free
    lines `between` the parts, then the 年度总体目标 rows and the grid's first line below."""
    lower = [
        HEADER[6],
        HEADER[7],
        ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"],
    ]
    return scan_page(
        1,
        replace(grid(upper, spans, top=100), extractor="rapidocr"),
        replace(grid(lower, top=lower_top), extractor="rapidocr"),
        lines=(_line(TITLE[0], 10), *between),
    )


def test_funds_rows_lost_between_two_tables_are_read_from_the_free_lines() -> None:
    """Dashed rules broke the table in two: the 财政拨款 and 其他资金 rows between the parts were
    read as free lines, a piece of the group label 资金情况（万元） wrapped beside them and a worn
    rule's `1` before an amount. They are the upper table's last rows: the block is whole."""
    upper = [list(r) for r in HEADER[:3]]
    upper.append(["资金情", "年度资金总额", "383.2", "", ""])
    between = (
        TextLine("况（万 其中：财政拨款 202.584", (0.2, 104.1, 3, 104.5)),
        TextLine("元)", (0.2, 104.5, 0.5, 104.9)),
        TextLine("其他资金 1 180.616", (1.2, 104.6, 3, 105)),
    )
    p = _tables_with_lines_between(upper, 105.2, between)
    forms, _ = read_document([p])
    got = values(forms[0])
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == (
        "383.2",
        "202.584",
        "180.616",
    )
    assert got["overall_goal"] == "目标"


def test_a_lost_funds_row_reads_its_unit_from_the_group_label_wrapped_beside_it() -> None:
    """A single 年度本级预算金额 row lost between two tables, the group label 资金情况（元）
    wrapped beside it over three lines, its closing bracket with a worn rule's stroke (`)1`):
    the stroke does not stop the row being read, and the label's unit 元 is the block's."""
    upper = [list(r) for r in HEADER[:3]]
    between = (
        TextLine("资金情", (0.1, 103.1, 0.9, 103.4)),
        TextLine("况（元 年度本级预算金额 32,000", (0.1, 103.4, 3, 103.7)),
        TextLine(")1", (0.1, 103.7, 0.9, 104.0)),
    )
    p = _tables_with_lines_between(upper, 104.2, between)
    got = values(read_document([p])[0][0])
    assert (got["total_funds"], got.get("funds_unit")) == ("32,000", "元")


def test_a_prefix_cut_off_the_next_label_is_no_value_beside_a_label_printing_its_own() -> None:
    """`年度资金总额：1,155,420` read in one cell, then `其中` cut off `：财政拨款` by a rule: the
    total is the amount its label prints, not the next label's prefix beside it."""
    rows = [list(r) for r in HEADER[:3]]
    rows.append(["项目资金（元）", "年度资金总额：1,155,420", "其中", "：财政拨款", "1,155,420"])
    rows.append(["", "其他资金", "0", "", ""])
    rows += [HEADER[6], HEADER[7], ["绩效指标", "产出指", "数量指标", "召开会议", "5 次"]]
    t = replace(grid(rows, top=100), extractor="rapidocr")
    got = values(read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])[0][0])
    assert (got["total_funds"], got["fiscal_funds"]) == ("1,155,420", "1,155,420")


def test_free_lines_between_tables_printing_no_label_are_no_rows() -> None:
    """Text between two tables that prints no header label (a note, a caption) is left alone."""
    upper = [list(r) for r in HEADER[:6]]
    note = (TextLine("说明：本表金额 12", (0.2, 106.0, 3, 106.1)),)
    p = _tables_with_lines_between(upper, 106.2, note, {(3, 0): 3})
    got = values(read_document([p])[0][0])
    assert got["total_funds"] == "15"
    assert "说明" not in "".join(str(v) for v in got.values())


def test_a_stroke_under_a_strokes_start_is_the_same_worn_rule() -> None:
    """A funds value cell merged down over the goal's row (the row rule lost) whose amount OCR
    read with the worn column rule before it (`|7.486`) and the rule's next dash under it
    (`i`): the dash is dropped, so the cell is cut at the goal label's rule, and the amount
    keeps its digits."""
    rows = [list(r) for r in HEADER[:3]]
    rows.append(["项目资金 (万元)", "merged", None, None, None])
    rows.append(["年度总体目标", None, None, None, None])
    rows += [HEADER[7], ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    t = grid(rows, {(3, 1): (2, 4)}, top=100)
    merged = t.at(3, 1)
    assert merged is not None
    lines = (
        CellLine("年度本级预算金额：", (1.1, 103.35, 2.0, 103.6)),
        CellLine("|7.486", (2.3, 103.3, 2.7, 103.62)),
        CellLine("i", (2.3, 103.7, 2.34, 103.85)),
        CellLine("目标甲", (1.1, 104.4, 1.4, 104.6)),
    )
    text = "年度本级预算金额：|7.486 i 目标甲"
    t = replace(
        t, cells=[replace(c, text=text, lines=lines) if c is merged else c for c in t.cells]
    )
    t = replace(t, extractor="rapidocr")
    forms, problems = read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])
    got = values(forms[0])
    assert got["total_funds"] == "7.486"
    assert got["overall_goal"] == "目标甲"
    assert any("'|7.486' of total_funds starts with a stroke" in p for p in problems)


def _header_rows_lost_above(*rows: str, lift: float = 0.0) -> PageGrid:
    """A scanned target table whose first two header rows (项目名称, 主管部门) lost their rules:
    the grid starts at 项目属性 (rows one unit high from y = 10) and those rows are free lines
    above it, each half a row high in its row, as OCR reads them (`rows`, top to bottom); the
    top one `lift` rows higher than its row's middle."""
    rest = [*HEADER[2:], ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    t = replace(grid(rest, {(1, 0): 3}, top=10), extractor="rapidocr")
    title = (TextLine(TITLE[0], (1, 6.0, 4, 6.5)), TextLine(TITLE[1], (1.5, 7.0, 3, 7.5)))
    tops = [10 - len(rows) + i + 0.25 - (lift if i == 0 else 0) for i in range(len(rows))]
    lost = tuple(TextLine(text, (0.1, y, 4.5, y + 0.5)) for text, y in zip(rows, tops, strict=True))
    return scan_page(1, t, lines=(*title, *lost))


def test_two_header_rows_read_as_lines_above_the_grid_open_the_form_as_its_first_rows() -> None:
    """项目名称 and 主管部门 stand above the recovered grid as free lines, one row apart: both are
    the table's first rows, the form opens with its name, department and year."""
    (form,), _ = read_document([_header_rows_lost_above("项目名称 测试项目", HEADER[1][0])])
    got = values(form)
    assert (got["project_name"], got["department_code"], got["year"]) == (
        "测试项目",
        "075001",
        "2024",
    )
    assert [i.name.value for i in form.indicators] == ["召开会议"]


@pytest.mark.parametrize(("lift", "found"), [(0.1, True), (0.45, True), (0.55, False)])
def test_an_opener_line_a_little_off_its_rows_middle_is_still_the_row_above(
    lift: float, found: bool
) -> None:
    """OCR's box of 项目名称's line a little higher than its row's middle (dev3 lg_29446 p2: 11 px
    above 主管部门's line where a 59 px row less its 48 px text left 10.996) is still the row
    above, up to half a row off; further up it is no row of the table."""
    page = _header_rows_lost_above("项目名称 测试项目", HEADER[1][0], lift=lift)
    forms, _ = read_document([page])
    if not found:
        assert forms == []
        return
    got = values(forms[0])
    assert (got["project_name"], got["department_code"], got["year"]) == (
        "测试项目",
        "075001",
        "2024",
    )


def test_an_opener_line_read_twice_over_is_read_once() -> None:
    """A torn row read as two halves each read whole: the line prints every piece twice."""
    page = _header_rows_lost_above("项目名称：项目名称：测试项目 测试项目", HEADER[1][0])
    (form,), _ = read_document([page])
    assert values(form)["project_name"] == "测试项目"


def test_lines_above_are_not_taken_unless_each_below_the_opener_prints_a_label() -> None:
    forms, _ = read_document([_header_rows_lost_above("项目名称 测试项目", "某某情况说明")])
    assert forms == []


def _department_row(code_cell: str) -> dict[str, str]:
    """The header fields of a scanned target table whose 主管部门及代码 row prints the name, then
    `code_cell`, then the implementing unit's name."""
    rows = [list(r) for r in HEADER]
    rows[1] = ["主管部门及代码", "某局", code_cell, "某单位", ""]
    t = replace(_header_table(rows), extractor="rapidocr")
    (form,), _ = read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])
    return values(form)


def test_a_code_glued_to_the_next_label_gives_the_code_and_that_labels_value() -> None:
    """`075001 实施单位` (the rule between the code and 实施单位 lost): the code is the
    department's, 实施单位 takes the cell beside."""
    got = _department_row("075001 实施单位")
    assert (got["department_name"], got["department_code"], got["implementing_unit"]) == (
        "某局",
        "075001",
        "某单位",
    )


def test_a_cell_printing_words_before_the_next_label_is_no_code() -> None:
    got = _department_row("说明 实施单位")
    assert "implementing_unit" not in got
    assert got.get("department_code") != "说明"


def test_a_value_ending_with_the_next_label_gives_that_label_the_cell_beside() -> None:
    """`延续性项目项目期` | `长期`: the rule between the attribute and 项目期 lost, no space
    between them; the attribute is read without the label, 项目期 takes the cell beside."""
    rows = [list(r) for r in HEADER]
    rows[2] = ["项目属性", "延续性项目项目期", "长期", "", ""]
    t = replace(_header_table(rows), extractor="rapidocr")
    (form,), problems = read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])
    got = values(form)
    assert (got["project_attribute"], got["project_period"]) == ("延续性项目", "长期")
    assert any("ends with the label 项目期" in p for p in problems)
    rows[2] = ["项目属性", "延续性项目", "长期", "", ""]  # no label at its end: words run on
    t = replace(_header_table(rows), extractor="rapidocr")
    (form,), _ = read_document([scan_page(1, t, lines=(_line(TITLE[0], 10),))])
    assert values(form)["project_attribute"] == "延续性项目长期"


def test_a_cell_without_its_rules_dashes_is_as_sure_as_the_print_it_keeps() -> None:
    """The rule before 财政拨款's amount wore into dashes OCR read `1` (unsure, 0.47) over `i`
    at one x (dev3 lg_28548 p1): dropped, the amount is as sure as its own line, so the block's
    sum gives the 年度资金总额 OCR read nothing for (it stayed unread while the cell counted the
    dash's 0.47)."""
    rows = [list(r) for r in HEADER]
    rows[3][2], rows[4][2], rows[5][2] = "", "1 12.852 i", "8.148"
    t = _header_table(rows)
    fiscal = t.at(4, 2)
    assert fiscal is not None
    y = fiscal.bbox[1]
    lines = (
        CellLine("1", (2.5, y + 0.05, 2.53, y + 0.15), 0.47),
        CellLine("12.852", (2.6, y + 0.4, 2.9, y + 0.5), 0.99),
        CellLine("i", (2.5, y + 0.8, 2.53, y + 0.9), 0.83),
    )
    dashed = replace(fiscal, lines=lines, confidence=0.47)
    t = replace(t, cells=[dashed if c is fiscal else c for c in t.cells], extractor="rapidocr")
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    forms, problems = read_document([scan_page(1, t, lines=title)])
    got = values(forms[0])
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == (
        "21.000",
        "12.852",
        "8.148",
    )
    assert forms[0].funds.fiscal is not None and forms[0].funds.fiscal.confidence == 0.99
    assert (
        "page 1: header cell '1 12.852 i': '1' 'i' taken for the dashes of a worn column "
        "rule (stroke under stroke at one x), not text" in problems
    )


def test_an_amount_a_rule_cut_in_two_is_read_whole_as_the_block_sum_takes_it() -> None:
    """年度资金总额 52.18 read `52` | `18` across a rule printed in its row alone (dev3 lg_28599
    p1, the point hidden by the rule): the digits ending the row are the amount's rest, read
    with a gap, and the block's sum takes the gap for the point; both noted. Where the sum
    takes no reading the amount lands as read, visibly no amount."""
    rows = [list(r) for r in HEADER]
    rows[3][2:4] = ["52", "18"]
    rows[4][2], rows[5][2] = "40", "12.18"
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    t = replace(_header_table(rows), extractor="rapidocr")
    forms, problems = read_document([scan_page(1, t, lines=title)])
    assert values(forms[0])["total_funds"] == "52.18"
    assert (
        "page 1: header cell '52' of total_funds runs on into '18' beside it, digits alone "
        "ending the row (a rule printed in that row alone cut the amount): read as '52 18'"
    ) in problems
    assert (
        "page 1: funds read total_funds '52 18' as 52.18, its digits read apart, a point the "
        "rule hid: the one reading by which 年度资金总额 is the sum of its parts"
    ) in problems
    rows[4][2], rows[5][2] = "5200", "18"  # 5218 = 5200 + 18: the gap was nothing
    t = replace(_header_table(rows), extractor="rapidocr")
    assert values(read_document([scan_page(1, t, lines=title)])[0][0])["total_funds"] == "5218"
    rows[5][2] = "3"  # no reading adds up: as read
    t = replace(_header_table(rows), extractor="rapidocr")
    assert values(read_document([scan_page(1, t, lines=title)])[0][0])["total_funds"] == "52 18"
    rows[3][4] = "万元"  # text after the digits: a value of its own, the amount as read
    t = replace(_header_table(rows), extractor="rapidocr")
    assert values(read_document([scan_page(1, t, lines=title)])[0][0])["total_funds"] == "52"
    rows[3][4] = ""
    # a piece printing its own point (dev3 lg_26562 `447.516` | `0.00`), or a rule's stroke
    # after the amount (`52` | `1`): no amount cut in two, left as read
    for piece, beside in (("447.516", "0.00"), ("52.18", "3"), ("52", "1")):
        rows[3][2:4] = [piece, beside]
        t = replace(_header_table(rows), extractor="rapidocr")
        assert values(read_document([scan_page(1, t, lines=title)])[0][0])["total_funds"] == piece


def test_a_header_value_starting_with_its_labels_colon_is_read_without_it() -> None:
    """dev8 lg_70199 p2: `;文物保护经费` beside 项目名称 (the label's colon read into the value's
    cell): the project landed under that name, none of its 15 lines matched. The colon inside a
    value stays."""
    rows = [
        ["项目名称", "；文物保护经费", "", "", ""],
        ["主管部门及代码075001", "", "实施单位", ":某单位：二部", ""],
        *HEADER[2:],
        ["绩效指标", "产出指标", "数量指标", "召开会议", "5 次"],
    ]
    (form,), problems = read_document([scan_page(1, grid(rows, {(3, 0): 3}), lines=())])
    assert values(form)["project_name"] == "文物保护经费"
    assert values(form)["implementing_unit"] == "某单位：二部"
    assert [p for p in problems if "colon" in p] == [
        "page 1: header value '；文物保护经费' of project_name starts with its label's colon "
        "(read into the value's cell); read as '文物保护经费'",
        "page 1: header value ':某单位：二部' of implementing_unit starts with its label's "
        "colon (read into the value's cell); read as '某单位：二部'",
    ]
