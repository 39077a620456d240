"""A self-evaluation's 实际完成值 and its 度量单位 on worn scans: a unit cell merged over two lines
read for the line it is printed in (`celllines._one_row_printed`), a doubled rule read `二`
dropped, a unit never composed into an actual printing no number (`rows._units_of_numbers`), and
a heading cell printing two heads cut at the column rule its data lines draw
(`columns._spread_heads`)."""

from __future__ import annotations

from collections import Counter

from flows.forms import read_document
from flows.forms.celllines import is_remnant, lost_rules, unmerge
from flows.forms.columns import _spread_heads
from flows.forms.spec import PROJECT_SELF_EVAL
from flows.models import Cell, CellLine
from tests.test_cell_lines import H, U, line, ocr_table, texts
from tests.test_forms import page, table
from tests.test_selfeval_reader import TITLE


def test_a_unit_printed_in_the_lower_row_of_a_merged_cell_is_that_rows_alone() -> None:
    """`元/年` centred in the second of two rows its cell covers (the rule between them lost;
    the value column beside prints it): the first row's unit is blank."""
    t = ocr_table(
        [["及时完成", "元/年"], ["2348", None]],
        {(0, 1): (2, 1)},
        {(0, 1): [line("元/年", 110, 150, 60)]},
    )
    got, done = unmerge(t, range(0, 2))
    assert texts(got) == {(0, 0): "及时完成", (1, 0): "2348", (0, 1): "", (1, 1): "元/年"}
    assert "(blank) | 元/年" in done[0].note()


def test_a_label_centred_over_its_merged_rows_stays_one_cell() -> None:
    """A label merged down over three lines prints centred over all of them (its text stands
    in the middle row too): one cell, not cut."""
    t = ocr_table(
        [["成本指标", "a"], [None, "b"], [None, "c"]],
        {(0, 0): (3, 1)},
        {(0, 0): [line("成本指标", 5, 150, 80)]},
    )
    got, done = unmerge(t, range(0, 3))
    assert (texts(got)[(0, 0)], done) == ("成本指标", [])


def test_a_doubled_rule_read_as_er_between_two_units_is_dropped() -> None:
    """`人次` over `%` in one cell whose rule between them OCR read `二` (a box as thin as a
    rule, on it): two units, the mark dropped. A printed `二` stands a text line tall."""
    worn = CellLine("二", (105, U - 3, 140, U + 2), 0.95)
    t = ocr_table(
        [["5200", "人次二%"], ["9700", None]],
        {(0, 1): (2, 1)},
        {(0, 1): [line("人次", 110, 50, 60), worn, line("%", 115, 150, 20)]},
    )
    got, done = unmerge(t, range(0, 2))
    assert texts(got) == {(0, 0): "5200", (1, 0): "9700", (0, 1): "人次", (1, 1): "%"}
    assert [ln.text for ln in done[0].remnants] == ["二"]
    cell = next(c for c in t.cells if c.col == 1)
    cuts = lost_rules(t, cell)
    tall = CellLine("二", (105, U - H / 2, 140, U + H / 2), 0.95)
    assert (is_remnant(worn, cell, cuts, H), is_remnant(tall, cell, cuts, H)) == (True, False)


HEAD = [["项目名称", "某项目", *[None] * 7], ["年度资金总额", "10", *[None] * 7]]


def _split_unit_grid(unit: str, actual: str) -> tuple[list[tuple[str, str]], list[str]]:
    """One line of a grid printing 度量单位 in a column of its own (the target split)."""
    grid = [
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "度量单位", "实际完成值"],
        ["", "产出指标", "时效指标", "完成时限", "及时完成", unit, actual],
    ]
    for row in grid:
        row += ["分值", "得分"] if row[0] == "绩效指标" else ["10", "10"]
    grid.append(["总分", "", "", "", "", "", "", "100", "95.7"])
    spans = {(0, 1): (1, 8), (1, 1): (1, 8)}
    (form,), problems = read_document([page(1, table([*HEAD, *grid], spans), lines=TITLE)])
    got = [(i.name.value, i.extra["actual"].value) for i in form.indicators]
    return got, problems


def test_a_unit_beside_an_actual_printing_no_number_is_not_part_of_it() -> None:
    got, problems = _split_unit_grid("万元", "显著增强")
    assert got == [("完成时限", "显著增强")]
    assert (
        "page 1: 某项目: 完成时限: the actual '显著增强' prints no number, so the unit '万元' "
        "beside it is not part of it (a unit measures a number)"
    ) in problems
    got, problems = _split_unit_grid("万元", "1.3")
    assert got == [("完成时限", "1.3万元")]
    assert not any("prints no number" in p for p in problems)


def _heading(colspan: int) -> Cell:
    return Cell(9, 8, "年度指标值度量单位", (0, 0, colspan, 1), colspan=colspan)


def test_two_heads_in_one_heading_cell_are_cut_at_the_rule_the_lines_below_draw() -> None:
    """`年度指标值 度量单位` over five grid columns (8–12), the value column wide and the unit
    narrow: the data lines draw a rule before column 11 only, so the unit is 11–12, not the
    even half the heading's width would give it."""
    heads = [c for c in PROJECT_SELF_EVAL.columns if c.field in ("target", "measure_unit")]
    edges = [(float(c), float(c + 1)) for c in range(13)]
    rules = Counter({8: 6, 11: 6, 13: 6, 10: 0})
    assert _spread_heads(_heading(5), heads, edges, rules) == [[8, 9, 10], [11, 12]]
    # no rule drawn inside the cell: the even shares, as before
    assert _spread_heads(_heading(5), heads, edges, Counter({8: 6})) == [[8, 9], [10, 11, 12]]


def test_a_name_whose_box_took_in_ink_below_it_is_still_cut_at_the_row_rule() -> None:
    """Two names in one cell over two rows: the second's OCR box reaches down a text height past its
    text (a worn rule's ink), so its middle stands off its row's by more than a centred text
    may; the excess height is the box's, not the text's: cut all the same. Lines of one name
    gathered round the rule stay one cell."""
    box_taller = CellLine("项目实施进度", (10, 150 - H / 2, 130, 150 + H / 2 + 30), 0.9)
    t = ocr_table(
        [["居家养老服务完成时限项目实施进度", "2020年底"], [None, "及时完成"]],
        {(0, 0): (2, 1)},
        {(0, 0): [line("居家养老服务完成时限", 10, 50, 80), box_taller]},
    )
    got, _ = unmerge(t, range(0, 2))
    assert (texts(got)[(0, 0)], texts(got)[(1, 0)]) == ("居家养老服务完成时限", "项目实施进度")
    t = ocr_table(
        [["促进社会和谐稳定", "a"], [None, "b"]],
        {(0, 0): (2, 1)},
        {(0, 0): [line("促进社会", 10, U - 20, 80), line("和谐稳定", 10, U + 20, 80)]},
    )
    assert texts(unmerge(t, range(0, 2))[0])[(0, 0)] == "促进社会和谐稳定"
