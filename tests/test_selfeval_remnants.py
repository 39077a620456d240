"""A worn rule OCR read as a character and ran into the line beside it (`1 10` where a funds
row's 全年执行数 | 分值 rule was lost): the mark is the line's first (last) word and the line's
box starts (ends) on the lost rule (flows/forms/celllines.py: `edge_remnant`)."""

from __future__ import annotations

from flows.forms.celllines import (
    edge_remnant,
    is_remnant,
    number_height,
    read_cell,
    text_height,
    unmerge,
)
from flows.models import Cell, CellLine, Table

LINE = CellLine("1 10", (1024.0, 569.0, 1115.0, 607.0))


def test_a_mark_starting_a_line_on_a_lost_rule_is_dropped() -> None:
    split = edge_remnant(LINE, [1026.0], 28.0)
    assert split is not None
    rest, mark = split
    assert (rest.text, mark.text) == ("10", "1")
    assert rest.bbox[0] > 1026.0 and rest.bbox[2] == 1115.0


def test_a_mark_ending_a_line_on_a_lost_rule_is_dropped() -> None:
    split = edge_remnant(CellLine("10 1", (937.0, 569.0, 1028.0, 607.0)), [1026.0], 28.0)
    assert split is not None and (split[0].text, split[1].text) == ("10", "1")


def test_words_off_the_rule_or_printed_text_are_kept() -> None:
    assert edge_remnant(LINE, [980.0], 28.0) is None  # the line starts well off the rule
    assert edge_remnant(CellLine("万 10", LINE.bbox), [1026.0], 28.0) is None  # CJK is text
    assert edge_remnant(CellLine("110", LINE.bbox), [1026.0], 28.0) is None  # one word
    assert edge_remnant(CellLine("12.5 10", LINE.bbox), [1026.0], 28.0) is None  # a number


def test_a_merged_funds_cell_is_cut_without_the_rule_read_as_a_digit() -> None:
    """全年执行数 and 分值 of one funds row in one cell: the rule between them (printed by the
    heads above) was lost and read as `1` at the start of the 分值 line."""
    heads = [
        Cell(0, 0, "全年执行数", (883.0, 461.0, 1026.0, 560.0)),
        Cell(0, 1, "分值", (1026.0, 461.0, 1169.0, 560.0)),
    ]
    lines = (CellLine("6.28", (926.0, 586.0, 984.0, 607.0)), LINE)
    merged = Cell(1, 0, "6.28 1 10", (883.0, 560.0, 1169.0, 626.0), colspan=2, lines=lines)
    table = Table(2, 2, [*heads, merged], (883.0, 461.0, 1169.0, 626.0), "ocr")
    got = read_cell(table, merged, 28.0)
    assert got is not None
    assert [p.text for p in got.parts] == ["6.28", "10"]
    assert [ln.text for ln in got.remnants] == ["1"]


def test_two_characters_in_a_box_stretched_along_a_rule_are_text() -> None:
    """`总分` whose OCR box ran along the row rule above it (628 px wide for two characters,
    58 high): a streak on the rule by its box, but characters of several strokes are printed
    text, never a rule's mark; `一` or `|` in the same box is the rule's remnant."""
    cell = Cell(3, 1, "总分", (367.0, 543.0, 1528.0, 603.0), colspan=7)
    box = (653.0, 544.0, 1281.0, 602.0)
    assert not is_remnant(CellLine("总分", box), cell, [], 28.0)
    assert is_remnant(CellLine("一", box), cell, [], 28.0)
    assert is_remnant(CellLine("|", box), cell, [], 28.0)


def test_a_curved_digit_in_a_box_stretched_along_a_rule_is_print() -> None:
    """`2` (年初预算数) whose OCR box ran 114 px along the row rule under it, 35 high: a streak
    by its box, but no stroke of a rule reads as a curved digit; `1` or `7` in the same box is
    the rule's remnant, as is a `2` in a sliver too thin to print it."""
    cell = Cell(3, 5, "2", (615.0, 957.0, 762.0, 1034.0))
    box = (624.0, 995.0, 738.0, 1030.0)
    assert not is_remnant(CellLine("2", box), cell, [], 23.0)
    assert not is_remnant(CellLine("0", box), cell, [], 23.0)
    assert is_remnant(CellLine("1", box), cell, [], 23.0)
    assert is_remnant(CellLine("7", box), cell, [], 23.0)
    assert is_remnant(CellLine("2", (624.0, 1028.0, 738.0, 1033.0)), cell, [], 23.0)


def _grid_with_weights(weight_box: tuple[float, float, float, float]) -> Table:
    """A grid line of lg_1073 (dev): CJK lines 29 px high, the score `3.81` 19 px, and the
    weight `6` read alone from its tight crop (`weight_box`)."""
    cells = [
        Cell(0, 0, "完成集中培训", (734.0, 741.0, 1086.0, 883.0),
             lines=(CellLine("完成集中培训", (821.0, 799.0, 1000.0, 828.0)),)),
        Cell(0, 1, "1086.74 人次", (1287.0, 741.0, 1501.0, 883.0),
             lines=(CellLine("1086.74 人次", (1315.0, 799.0, 1476.0, 828.0)),)),
        Cell(0, 2, "3.81", (1601.0, 741.0, 1706.0, 883.0),
             lines=(CellLine("3.81", (1624.0, 804.0, 1679.0, 823.0)),)),
        Cell(1, 0, "培训教师", (734.0, 883.0, 1086.0, 985.0),
             lines=(CellLine("培训教师", (850.0, 921.0, 969.0, 950.0)),)),
        Cell(1, 1, "6", (1501.0, 883.0, 1601.0, 985.0), lines=(CellLine("6", weight_box),)),
    ]  # fmt: skip
    return Table(2, 3, cells, (734.0, 741.0, 1706.0, 985.0), "ocr")


def test_a_lone_digit_as_tall_as_the_tables_numbers_is_printed() -> None:
    """A digit stands about two thirds of a CJK character: `6` 13 px high is under half the
    text height (29) but well over half the height of the table's numbers (`3.81`, 19 px), so
    it is the printed weight, not a speck; a mark of 7 px is still a speck."""
    table = _grid_with_weights((1544.0, 931.0, 1558.0, 944.0))
    assert text_height(table) == 29.0 and number_height(table) == 19.0
    fixed, done = unmerge(table, range(0, 2))
    assert done == [] and fixed.at(1, 1).text == "6"
    table = _grid_with_weights((1544.0, 931.0, 1551.0, 938.0))
    fixed, done = unmerge(table, range(0, 2))
    assert [ln.text for u in done for ln in u.remnants] == ["6"]
    assert fixed.at(1, 1).text == ""


def test_without_printed_numbers_specks_are_measured_by_the_text() -> None:
    """A table printing no number of three characters or more: the text height decides."""
    table = _grid_with_weights((1544.0, 931.0, 1558.0, 944.0))
    table.cells[:] = [c for c in table.cells if c.text not in ("3.81", "1086.74 人次")]
    assert number_height(table) == 0.0
    _, done = unmerge(table, range(0, 2))
    assert [ln.text for u in done for ln in u.remnants] == ["6"]


def _rates_of_two_digits(tops: tuple[float, ...], height: float = 14.0) -> Table:
    """Names 35 px high (a seal's padding round them), rates printed `86` with their `%` in a
    cell of its own: two-digit numbers 14 px high, one per line (dev10 lg_95134 p2)."""
    cells = []
    for r, (top, rate) in enumerate(zip(tops, ("86", "92", "95", "90"), strict=False)):
        y0 = 350.0 + 71 * r
        cells += [
            Cell(r, 0, "社会公众满意度", (601.0, y0, 978.0, y0 + 71),
                 lines=(CellLine("社会公众满意度", (602.0, y0 + 10, 797.0, y0 + 45)),)),
            Cell(r, 1, rate, (1088.0, y0, 1234.0, y0 + 71),
                 lines=(CellLine(rate, (1103.0, y0 + top, 1126.0, y0 + top + height)),)),
        ]  # fmt: skip
    return Table(len(tops), 2, cells, (601.0, 350.0, 1234.0, 350.0 + 71 * len(tops)), "ocr")


def test_two_digit_rates_printed_row_after_row_are_the_tables_numbers() -> None:
    """No number of three characters: three or more two-digit numbers alone in their cells are
    the table's numbers, so they are not specks against the CJK text's height; two such are
    not enough (specks measured by the text, as before)."""
    table = _rates_of_two_digits((30.0, 29.0, 30.0))
    assert text_height(table) == 35.0 and number_height(table) == 14.0
    fixed, done = unmerge(table, range(0, 3))
    assert done == [] and [fixed.at(r, 1).text for r in range(3)] == ["86", "92", "95"]
    table = _rates_of_two_digits((30.0, 29.0))
    assert number_height(table) == 0.0
    _, done = unmerge(table, range(0, 2))
    assert [ln.text for u in done for ln in u.remnants] == ["86", "92"]


def test_a_rules_two_marks_read_apart_are_its_remnant() -> None:
    """lg_8733 (selfscan18's dev set): 年初预算数 merged down over its 365.24, the lost rule
    between them read `1 一` (0.48) in a box 5 px high: two marks with OCR's space between them,
    a sliver on the rule the cell beside it prints. Dropped; the head and the value are read
    apart. A number of the text's height stays."""
    lines = (
        CellLine("年初预算", (589.0, 536.0, 688.0, 561.0)),
        CellLine("数", (627.0, 569.0, 651.0, 593.0)),
        CellLine("1 一", (570.0, 606.0, 695.0, 611.0), 0.48),
        CellLine("365.24", (581.0, 631.0, 662.0, 650.0)),
    )
    merged = Cell(
        0, 0, "年初预算数1 一365.24", (566.0, 516.0, 711.0, 668.0), rowspan=2, lines=lines
    )
    head = Cell(0, 1, "全年预算数", (711.0, 516.0, 856.0, 608.0),
                lines=(CellLine("全年预算数", (735.0, 536.0, 833.0, 561.0)),))  # fmt: skip
    value = Cell(1, 1, "365.24", (711.0, 608.0, 856.0, 668.0),
                 lines=(CellLine("365.24", (726.0, 631.0, 807.0, 650.0)),))  # fmt: skip
    table = Table(2, 2, [merged, head, value], (566.0, 516.0, 856.0, 668.0), "ocr")
    got = read_cell(table, merged, 25.0)
    assert got is not None
    assert [p.text for p in got.parts] == ["年初预算数", "365.24"]
    assert [ln.text for ln in got.remnants] == ["1 一"]
    assert not is_remnant(CellLine("1 1", (570.0, 596.0, 695.0, 621.0)), merged, [], 25.0)
