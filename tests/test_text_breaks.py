"""Text-layer labels a page break cut: a vertical funds label whose unit is printed on the next
page, and the closing bracket of that unit overflowing into the next row's label (dev lg_4658)."""

from __future__ import annotations

from dataclasses import replace

from flows.extract.base import Glyph, fill_table
from flows.extract.textlayer import closing_brackets_home
from flows.forms import read_document
from flows.forms.header import completes_cut_label
from flows.forms.labels import label_alternatives
from flows.forms.spec import PROJECT_TARGET
from tests.test_forms import INDICATORS, TITLE, page, table, values

# ---------------------------------------------------------------- the unit on the next page

HEAD = [
    ["项目名称", "食品安全抽检监测", "", ""],
    ["项目属性", "0102-持续性项目", "项目期", "2022.01-2022.12"],
    ["项目资金", "年度资金总额：", "2955340", ""],
    [None, "其中:财政拨款", "2421840", ""],
]


def read_cut_funds_label(
    rest: str, beside: str = "其他资金", amount: str = "533500", stray: float = 0.0
) -> tuple[dict[str, str], list[str], int | None]:
    """项目资金 whole at the foot of page 1, `rest` the first cell of page 2 under it, `beside`
    the cell to its right, whose left edge strays `stray` of a column into the label's span."""
    second = [
        [rest, beside, amount, ""],
        ["年度总体目标：", "按计划完成监督抽检任务", "", ""],
        *INDICATORS,
    ]
    rest_page = table(second)
    cells = [
        replace(c, bbox=(c.bbox[0] - stray, *c.bbox[1:])) if (c.row, c.col) == (0, 1) else c
        for c in rest_page.cells
    ]
    rest_page = replace(rest_page, cells=cells)
    pages = [page(1, table(HEAD, {(2, 0): 2}), lines=TITLE), page(2, rest_page)]
    (form,), problems = read_document(pages)
    unit = form.fields.get("funds_unit")
    return values(form), problems, unit.page if unit is not None else None


def test_a_funds_label_whole_at_the_page_foot_takes_its_unit_from_the_next_page() -> None:
    for rest in ("（元）", "（元", "(万元)"):
        got, problems, unit_page = read_cut_funds_label(rest)
        assert problems == [], rest
        assert (got.get("funds_unit"), unit_page) == (rest.strip("（）()"), 2), rest
        assert (got["total_funds"], got["other_funds"]) == ("2955340", "533500")
        assert got["overall_goal"] == "按计划完成监督抽检任务"


def test_a_label_under_a_whole_funds_label_is_no_unit() -> None:
    got, problems, _ = read_cut_funds_label("项目期：")
    assert "funds_unit" not in got and got["project_period"] == "2022.01-2022.12"


def test_a_value_straying_into_a_whole_labels_span_is_not_glued_onto_it() -> None:
    """Dev lg_4627: 项目资金 at the foot of page 1, page 2 opening with 年度绩效目标 | its value,
    the value's left rule a sliver inside the label's span (the two tables' frames differ by a
    fraction of a point): the goal was glued onto the funds label and lost."""
    got, problems, _ = read_cut_funds_label("年度绩效目标：", "按计划完成", "", stray=0.02)
    assert "funds_unit" not in got
    assert got["overall_goal"] == "按计划完成"


def test_the_parts_of_a_cut_label_read_as_one_label_of_the_description() -> None:
    labels = label_alternatives(PROJECT_TARGET)
    joins = {
        ("项目资金", "（元）"): True,  # a whole label and its unit annotation
        ("项目资金（万", "元）"): True,
        ("项目资金（元", "）"): True,
        ("项目资", "金（元）"): True,  # the rest of a spelling
        ("项目资金", "1.按计划完成监督抽检任务"): False,  # a value beside the next label
        ("项目资金", "（备注）"): False,
        ("项目", "经费"): False,  # no label at all
        ("年度", "总体目标"): True,  # a label by itself, the same label spelt longer
        ("项目资金", "总体目标"): False,  # a label of its own
    }
    got = {parts: completes_cut_label(*parts, labels) for parts in joins}
    assert got == joins


# ---------------------------------------------------------------- a closing bracket overflowing

COLS = [72.0, 110.4, 254.8]
ROWS = [52.8, 77.5, 148.9]
SPANS = [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)]


def glyph(ch: str, x: float, top: float, width: float = 11.0) -> Glyph:
    return Glyph(ch, (x, top, x + width, top + 11.5))


def cell_texts(glyphs: list[Glyph]) -> dict[tuple[int, int], str]:
    placed = closing_brackets_home(SPANS, ROWS, COLS, glyphs)
    tbl, _ = fill_table(SPANS, ROWS, COLS, placed, "camelot")
    return {(c.row, c.col): c.text for c in tbl.cells}


def test_a_closing_bracket_across_a_row_rule_goes_to_the_bracket_it_closes() -> None:
    """`（元` at the foot of a cell, its `）` drawn 2 pt above the rule and centred below it, on
    the line of the next row's 年度 (the measured boxes of lg_4658 page 5)."""
    label = [glyph("（", 87.6, 59.8, 2.7), glyph("元", 91.7, 60.5), glyph("其", 120.0, 60.0)]
    below = [glyph("年", 79.8, 84.8), glyph("度", 91.4, 84.6)]
    closer = glyph("）", 86.0, 75.4, 2.7)
    got = cell_texts([*label, closer, *below])
    assert (got[(0, 0)], got[(1, 0)], got[(0, 1)]) == ("（元）", "年度", "其")
    # a bracket its own cell opened stays there
    opened = [glyph("（", 75.0, 84.8, 2.7), *below]
    got = cell_texts([*label, closer, *opened])
    assert (got[(0, 0)], got[(1, 0)]) == ("（元", "（年）度")
    # nothing open above: placed by its centre
    got = cell_texts([glyph("元", 91.7, 60.5), closer, *below])
    assert (got[(0, 0)], got[(1, 0)]) == ("元", "年）度")
    # wholly below the rule: that row's text, whatever is open above
    got = cell_texts([*label, glyph("）", 86.0, 78.0, 2.7), *below])
    assert (got[(0, 0)], got[(1, 0)]) == ("（元", "年）度")


def test_a_label_cut_where_its_rest_is_a_spelling_of_its_own_is_joined() -> None:
    """Dev lg_4712_自评 (text): 年度 at the foot of page 1, 总体目标 on page 2, which is a spelling
    of the same label by itself: the two are one label, and 年度 is no unknown cell."""
    first = [*HEAD[:2], ["年度", "", "", ""]]
    second = [["总体目标：", "按计划完成监督抽检任务", "", ""], ["年度资金总额：", "10", "", ""]]
    pages = [page(1, table(first), lines=TITLE), page(2, table([*second, *INDICATORS]))]
    (form,), problems = read_document(pages)
    assert problems == []
    assert values(form)["overall_goal"] == "按计划完成监督抽检任务"
