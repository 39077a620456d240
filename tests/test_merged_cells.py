"""What the form reader recovers from cells an OCR grid merged because a rule wore away: labels
printed inside a value cell, amounts of several funds lines in one cell, two category labels in
one 一级 cell. Each recovery is reported; what cannot be shared out stays as printed."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import CellLine
from tests.test_forms import GRID, TITLE, page, table, values


def read(header: list[list[str | None]], spans=None, grid_rows=GRID) -> tuple[dict, list[str]]:
    """One table of `header` rows over a 4-column grid: its values and the reader's problems."""
    width = max(len(r) for r in header)
    rows = [*header, *[r + [""] * (width - len(r)) for r in grid_rows]]
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    return values(form), problems


# ---------------------------------------------------------------- labels inside a value cell


def test_a_value_cell_printing_the_next_label_and_its_value_is_split_at_the_label() -> None:
    got, problems = read(
        [
            ["项目名称", "培训项目", "", ""],
            ["主管部门及代码：", "白河县教育局 211879 实施单位：白河县资助中心", None, None],
            ["项目属性：", "0101-一年期项目 实施期：2023.07-2024.06", None, None],
        ],
        {(1, 1): (1, 3), (2, 1): (1, 3)},
    )
    assert (got["department_name"], got["department_code"]) == ("白河县教育局", "211879")
    assert got["implementing_unit"] == "白河县资助中心"
    assert got["project_attribute"] == "0101-一年期项目"
    assert got["project_period"] == "2023.07-2024.06"
    assert len(problems) == 2
    assert "read implementing_unit from it" in problems[0]
    assert "read project_period from it" in problems[1]


def test_a_label_glued_onto_its_value_is_split_when_it_prints_the_next_label() -> None:
    got, problems = read([["项目名称", "培训项目"], ["项目属性：一年期项目 实施期：2024年", ""]])
    assert (got["project_attribute"], got["project_period"]) == ("一年期项目", "2024年")
    assert len(problems) == 1 and "read project_period" in problems[0]


def test_a_label_spelling_inside_a_value_without_gap_or_colon_is_part_of_the_value() -> None:
    """`实施单位` inside a name, neither after a gap nor before a colon, is a word of the name;
    a label whose field is already read leaves the cell as printed — a name run on over the
    cells after it too (`农作物病虫害防治实施单位:` | `某中心`, 实施单位 read below)."""
    cases = [
        (("乡村实施单位建设", "", ""), ("某中心 项目名称：另一个", "", ""), "乡村实施单位建设"),
        (("农作物病虫害防治实施单位:", "某中心", ""), ("石城县植保站", "", ""), None),
    ]
    for name_row, unit_row, name in cases:
        got, problems = read([["项目名称", *name_row], ["实施单位", *unit_row]])
        assert got["project_name"] == (name or "".join(name_row))
        assert got["implementing_unit"] == unit_row[0]
        assert problems == []


def test_a_funds_label_glued_after_the_digits_of_a_value_above_it_is_split_off() -> None:
    """Two rows merged: the period's value runs on into the funds line under it
    (`2027.01-2027.12年度资金总额 275.73`); its label stands after digits, not inside a word."""
    got, problems = read(
        [
            ["项目名称", "培训项目", "", ""],
            ["项目属性", "持续性项目 实施期 2027.01-2027.12年度资金总额 275.73", None, None],
            ["项目资金(万元)", "财政拨款", "247.49", ""],
        ],
        {(1, 1): (1, 3)},
        grid_rows=GRID[1:],
    )
    assert (got["project_attribute"], got["project_period"]) == ("持续性项目", "2027.01-2027.12")
    assert (got["total_funds"], got["fiscal_funds"]) == ("275.73", "247.49")
    assert len(problems) == 1 and "read project_period, total_funds" in problems[0]


def test_a_label_read_from_a_cell_of_its_own_is_never_taken_from_inside_a_value() -> None:
    """The split waits for the whole header: 财政资金 printed in a name after a gap is a word of
    the name when the form prints 财政资金 as a label of its own further down."""
    got, problems = read(
        [
            ["项目名称", "2024年 财政资金绩效管理", "", ""],
            ["年度资金总额", "10", "财政资金", "8"],
        ],
        grid_rows=GRID[1:],
    )
    assert got["project_name"] == "2024年 财政资金绩效管理"
    assert got["fiscal_funds"] == "8"
    assert problems == []


def test_a_label_after_a_worn_rules_mark_is_read_as_that_label() -> None:
    got, _ = read([["项目名称", "培训项目", "", ""], ["部门代码", "180443", "!实施单位某中心", ""]])
    assert (got["department_code"], got["implementing_unit"]) == ("180443", "某中心")


def test_a_label_ending_a_value_cell_takes_the_cell_beside_and_a_latin_mark_is_passed_over() -> (
    None
):
    got, problems = read(
        [
            ["项目名称", "培训项目", "", ""],
            ["部门代码：", "331730 实施单位:", "汉阴县劳动保障监察大队", ""],
            ["项目属性：", "一年期项目", "T实施期：长期", ""],
        ]
    )
    assert (got["department_code"], got["implementing_unit"]) == (
        "331730",
        "汉阴县劳动保障监察大队",
    )
    assert (got["project_attribute"], got["project_period"]) == ("一年期项目", "长期")
    assert len(problems) == 1 and "read implementing_unit" in problems[0]


def test_a_funds_label_ending_a_value_cell_takes_the_blank_cell_beside_as_its_value() -> None:
    """`83.61 其他资金` | blank (funds29's lg_20436, the rule after 财政拨款's amount lost):
    其他资金 is an amount the form prints blank for none, so the blank cell beside is its value; a
    label whose value may not be blank (实施单位) still leaves the cell as printed."""
    got, problems = read(
        [
            ["项目名称", "培训项目", "", "", ""],
            ["年度资金总额", "83.61", "财政拨款", "83.61 其他资金", ""],
        ]
    )
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == ("83.61", "83.61", "")
    assert problems == [
        "page 1: header cell '83.61 其他资金' prints the value of fiscal_funds and the label(s) "
        "其他资金 with their values (OCR found no rule between them): read other_funds from it"
    ]
    got, _ = read([["项目名称", "培训项目", "", ""], ["部门代码：", "331730 实施单位:", "", ""]])
    assert got["department_code"] == "331730 实施单位:" and "implementing_unit" not in got


def test_a_name_run_on_over_the_cells_after_it_is_split_at_a_label_it_prints() -> None:
    """The wide 项目名称's value runs on over the cells after it (a stray rule's cut); when the
    cell that starts it ends in the next label (`农作物病虫害防治实施单位:`, the rule after the
    name lost, dev10 lg_90605_自评 p1), the run-on value is split at that label as one cell's
    value is: the name before it, the label's value after it."""
    got, problems = read(
        [
            ["项目名称", "农作物病虫害防治实施单位:", "石城县动物疫病预防控制中心", ""],
            ["主管部门", "石城县农业农村局", "", ""],
        ]
    )
    assert got["project_name"] == "农作物病虫害防治"
    assert got["implementing_unit"] == "石城县动物疫病预防控制中心"
    assert problems == [
        "page 1: header cell '农作物病虫害防治实施单位:石城县动物疫病预防控制中心' prints the "
        "value of project_name and the label(s) 实施单位: with their values (OCR found no rule "
        "between them): read implementing_unit from it"
    ]


# ---------------------------------------------------------------- amounts of several funds lines


def test_a_value_cell_merged_beside_two_funds_labels_gives_each_its_amount() -> None:
    got, problems = read(
        [
            ["项目名称", "培训项目", ""],
            ["资金情况(万元)", "年度资金总额:", "239.8 239.8"],
            [None, "财政拨款", None],
            [None, "其他资金", "0.00"],
        ],
        {(1, 0): 3, (1, 2): 2},
        grid_rows=GRID[1:],
    )
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == (
        "239.8",
        "239.8",
        "0.00",
    )
    assert len(problems) == 1 and "prints one amount for each" in problems[0]


def test_a_label_cell_merged_over_two_rows_gives_each_label_the_value_beside_its_row() -> None:
    got, problems = read(
        [
            ["项目名称", "培训项目", ""],
            ["项目资金", "年度资金总额:财政拨款", "3.4"],
            [None, None, "3.4"],
            [None, "其他资金", ""],
        ],
        {(1, 0): 3, (1, 1): 2},
        grid_rows=GRID[1:],
    )
    assert (got["total_funds"], got["fiscal_funds"]) == ("3.4", "3.4")
    assert len(problems) == 1 and "prints the labels of several rows" in problems[0]


def test_a_merged_value_not_printing_one_amount_per_label_is_not_shared_out() -> None:
    got, problems = read(
        [
            ["项目名称", "培训项目", ""],
            ["资金情况(万元)", "年度资金总额:", "239.8"],
            [None, "财政拨款", None],
        ],
        {(1, 0): 2, (1, 2): 2},
        grid_rows=GRID[1:],
    )
    assert got["total_funds"] == "239.8" and "fiscal_funds" not in got


def test_a_funds_label_after_a_worn_rules_mark_is_no_value_of_the_label_above() -> None:
    got, _ = read(
        [
            ["项目名称", "培训项目"],
            ["项目资金(元)", "年度资金总额：15180800"],
            [None, "上级补助资金"],
            [None, "1其他资金 1910640"],
        ],
        {(1, 0): 3},
        grid_rows=GRID[1:],
    )
    assert got["other_funds"] == "1910640" and "superior_funds" not in got


# ---------------------------------------------------------------- two 一级 labels in one cell


def test_a_level1_cell_printing_two_labels_gives_each_line_its_level2_category() -> None:
    header = [["项目名称", "培训项目", "", ""], ["年度资金总额", "10", "", ""]]
    grid_rows = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标效益指标", "数量指标（必填）", "培训人次", "≥200人次"],
        [None, "质量指标", "合格率", "≥95%"],
        [None, "社会效益指标", "就业率", "提高"],
        [None, "其他指标", "满意率", "≥90%"],
    ]
    rows = [*header, *grid_rows]
    (form,), problems = read_document([page(1, table(rows, {(3, 0): 4}), lines=TITLE)])
    assert [(i.level1.value, i.name.value) for i in form.indicators] == [
        ("产出指标", "培训人次"),
        ("产出指标", "合格率"),
        ("效益指标", "就业率"),
        ("产出指标效益指标", "满意率"),  # a 二级 label of no known category: as printed
    ]
    assert len(problems) == 1 and "each line takes the one its 二级 label" in problems[0]


def ocr_page(rows: list[list[str | None]], spans) -> list:
    """One OCRed page (no text layer) holding a table of `rows` under the title."""
    p = page(1, table(rows, spans), lines=TITLE)
    p.has_text_layer = False
    return [p]


HEADER = [["项目名称", "培训项目", "", ""], ["年度资金总额", "10", "", ""]]


def test_a_level1_heading_merged_down_over_its_lines_gives_them_the_label_under_it() -> None:
    rows = [
        *HEADER,
        ["一级指标产出指标", "二级指标", "三级指标", "指标值"],
        [None, "数量指标", "培训人次", "≥200人次"],
        [None, "质量指标", "合格率", "≥95%"],
    ]
    (form,), problems = read_document(ocr_page(rows, {(2, 0): 3}))
    assert [(i.level1.value, i.level2.value) for i in form.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
    ]
    assert len(problems) == 1 and "the label '产出指标' printed under it" in problems[0]


def test_a_name_merged_with_its_target_is_split_at_the_last_gap_on_ocr_pages_only() -> None:
    rows = [
        *HEADER,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "1. 培训人次 ≥200人次", None],
        [None, "质量指标", "合格率", "≥95%"],
    ]
    spans = {(3, 0): 2, (3, 2): (1, 2)}
    (form,), problems = read_document(ocr_page(rows, spans))
    assert [(i.name.value, i.target.value) for i in form.indicators] == [
        ("1. 培训人次", "≥200人次"),
        ("合格率", "≥95%"),
    ]
    assert len(problems) == 1 and "read as the name '1. 培训人次'" in problems[0]
    (text_form,), _ = read_document([page(1, table(rows, spans), lines=TITLE)])
    assert text_form.indicators[0].name.value == "1. 培训人次 ≥200人次"  # a text layer as printed


def test_a_stroke_after_an_amount_is_a_worn_rules_remnant_and_is_reported() -> None:
    got, problems = read(
        [
            ["项目名称", "培训项目", ""],
            ["资金情况（万元）", "年度资金总额：48.514", ""],
            [None, "财政拨款 29.565 I", ""],
            [None, "其他资金 18.949", ""],
        ],
        {(1, 0): 3},
        grid_rows=GRID[1:],
    )
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == (
        "48.514",
        "29.565",
        "18.949",
    )
    assert problems == [
        "page 1: header value '29.565I' of fiscal_funds ends in a stroke taken for a worn "
        "rule's remnant; read as 29.565"
    ]


def test_the_of_which_before_an_inline_funds_label_is_no_part_of_the_value_before_it() -> None:
    """One cell printing the funds line (`年度资金总额 8 其中:财政拨款 4.901 …`): 其中 starts the
    sub-line's label, so the total is `8`, not `8 其中`."""
    got, problems = read(
        [
            ["项目名称", "培训项目", "", ""],
            ["年度资金总额 8 其中:财政拨款 4.901 其他资金 3.099", None, None, None],
        ],
        {(1, 0): (1, 4)},
    )
    assert [got[f] for f in ("total_funds", "fiscal_funds", "other_funds")] == [
        "8",
        "4.901",
        "3.099",
    ]
    assert len(problems) == 1 and "read total_funds, fiscal_funds, other_funds" in problems[0]


def _px_page(rows: list[list[str | None]], spans, xs: list[float], line_h: float) -> list:
    """An OCRed page whose table's grid columns stand at `xs` (px), rows 40 px apart, each cell
    printing its text as one line `line_h` high."""
    t = table(rows, spans)
    cells = []
    for c in t.cells:
        box = (xs[c.col], 40.0 * c.row, xs[c.last_col + 1], 40.0 * (c.last_row + 1))
        mid = (box[1] + box[3]) / 2
        ln = CellLine(c.text, (box[0] + 2, mid - line_h / 2, box[2] - 2, mid + line_h / 2))
        cells.append(replace(c, bbox=box, lines=(ln,) if c.text.strip() else ()))
    t = replace(t, cells=cells, bbox=(xs[0], 0.0, xs[-1], 40.0 * t.n_rows))
    p = page(1, t, lines=TITLE)
    p.has_text_layer, p.bbox_unit = False, "px"
    return [p]


def test_a_glyph_a_false_rule_cut_off_the_name_into_a_sliver_column_is_joined_back() -> None:
    """Dev lg_4752 p2: a rule the OCR grid found where none is printed cut the first glyph of
    `指标15：改善生态环境` into a grid column 32 px wide (text 32 px high) that no heading names,
    and the name was read as `指`."""
    rows = [
        ["项目名称", "培训项目", None, None, "", ""],
        ["年度资金总额", "10", None, None, "", ""],
        ["一级指标", "二级指标", "三级指标", None, "指标值", "分值"],
        ["产出指标", "数量指标", "指标1：培训人次", None, "≥200人次", "10"],
        [None, "质量指标", "指", "标2：合格率", "≥95%", "10"],
        [None, "时效指标", "及时率", None, "≥90%", ""],  # a blank cell beside is no sliver
    ]
    spans = {(0, 1): (1, 3), (1, 1): (1, 3), (2, 2): (1, 2), (3, 0): 3, (3, 2): (1, 2)}
    spans |= {(5, 2): (1, 2)}
    xs = [0.0, 100.0, 200.0, 232.0, 500.0, 600.0, 650.0]
    (form,), _ = read_document(_px_page(rows, spans, xs, 32.0))
    assert [(i.name.value, i.target.value) for i in form.indicators] == [
        ("指标1：培训人次", "≥200人次"),
        ("指标2：合格率", "≥95%"),
        ("及时率", "≥90%"),
    ]
    # a column of its own as wide as the text is high is a printed cell: left apart
    xs = [0.0, 100.0, 200.0, 260.0, 500.0, 600.0, 650.0]
    (form,), _ = read_document(_px_page(rows, spans, xs, 32.0))
    assert form.indicators[1].name.value == "指"


def _px_funds(superior: list[str | None], sliver: float) -> tuple[dict, list[str]]:
    """A scanned table whose 上级补助资金 row prints `superior` over grid columns 1.. (a blank
    cell of width `sliver` px first), text 24 px high: its values and the reader's problems."""
    rows = [
        ["项目名称", "培训项目", None, None, None],
        ["年度资金总额", "10", None, None, None],
        ["本级财政资金", "6", None, None, None],
        ["上级补助资金", *superior],
        ["其他资金", "", None, None, None],
        ["一级指标", "二级指标", None, "三级指标", "指标值"],
        ["产出指标", "数量指标", None, "培训人次", "≥200人次"],
    ]
    spans = {(r, 1): (1, 4) for r in (0, 1, 2, 4)} | {(r, 1): (1, 2) for r in (5, 6)}
    if superior[1] is not None:
        spans[(3, 2)] = (1, 3)
    xs = [0.0, 150.0, 150.0 + sliver, 400.0, 500.0, 600.0]
    (form,), problems = read_document(_px_page(rows, spans, xs, 24.0))
    return values(form), problems


def test_a_blank_sliver_between_a_label_and_its_value_is_passed_over() -> None:
    """Dev3 lg_25612 p1: a rule piece in the 上级补助资金 row alone cut a blank cell 20 px wide
    (text 24 px high) off the value cell; 上级 was read blank and 财政拨款 landed as 本级 alone.
    A blank cell as wide as a character is a cell of its own, left as printed."""
    got, problems = _px_funds(["", "4", None, None], 20.0)
    assert (got["local_fiscal_funds"], got["superior_funds"]) == ("6", "4")
    assert (
        "page 1: header cell '上级补助资金': the blank cell beside it (20 px wide, narrower than "
        "a character) is a stray rule's sliver, not its value; its value is the cell after it "
        "'4'" in problems
    )
    got, problems = _px_funds(["", "4", None, None], 30.0)
    assert got["superior_funds"] == ""
    assert not any("sliver" in p for p in problems)


def test_a_row_rule_read_as_underscores_parts_a_label_cell_merged_over_two_rows() -> None:
    """Dev3 lg_25687 p2: the rule between 本级财政资金 and 上级补助资金 lost, OCR read its stretch
    across the merged label cell as `___`; the cell is cut at the rule the value column prints,
    each label taking the amount beside its row (上级 had taken 本级's, 本级 the underscores)."""
    rows = [
        ["项目名称", "培训项目", None],
        ["年度资金总额", "10", None],
        ["本级财政资金", "6", None],
        [None, "4", None],
        ["其他资金", "", None],
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "≥200人次"],
    ]
    (p,) = _px_page(rows, {(2, 0): 2}, [0.0, 200.0, 400.0, 500.0], 24.0)
    t = p.tables[0]
    merged = next(c for c in t.cells if c.text == "本级财政资金")
    lines = (
        CellLine("本级财政资金", (10.0, 88.0, 190.0, 112.0)),
        CellLine("___", (15.0, 118.0, 180.0, 122.0)),
        CellLine("上级补助资金", (10.0, 128.0, 190.0, 152.0)),
    )
    cell = replace(merged, text="本级财政资金___上级补助资金", lines=lines)
    p.tables[0] = replace(t, cells=[cell if c is merged else c for c in t.cells])
    (form,), problems = read_document([p])
    got = values(form)
    assert (got["local_fiscal_funds"], got["superior_funds"]) == ("6", "4")
    assert (
        "page 1: header cell '本级财政资金___上级补助资金': cut at the rules of the cells beside "
        "it (OCR found none inside it): 本级财政资金 | 上级补助资金; '___' taken for a worn "
        "rule's remnant or a speck, not text" in problems
    )


def test_a_group_label_and_the_total_label_in_one_cell_read_the_total_beside() -> None:
    """Dev3 lg_25439 p1: the rule between 项目资金（万元） and 年度本级预算金额 lost, both in one
    cell; the total is the amount beside it, the unit the group's."""
    got, problems = read([["项目名称", "培训项目"], ["项目资金(万元) 年度本级预算金额：", "9.411"]])
    assert (got["total_funds"], got["funds_unit"]) == ("9.411", "万元")
    assert problems == [
        "page 1: header cell '项目资金(万元) 年度本级预算金额：' prints the group label 项目资金 "
        "and the label 年度资金总额 (OCR found no rule between them): read as that label"
    ]


def test_an_amount_glued_before_a_funds_label_is_the_value_of_the_label_before() -> None:
    """Dev3 lg_26341 p1 (funds in one row): `8 财政拨款` is the total's amount and the next label,
    the rule between them lost — not 财政拨款 after a worn rule's mark (a `1` still is one)."""
    got, _ = read([["项目名称", "培训项目", "", "", "", ""],
                   ["年度资金总额", "8 财政拨款", "8", "其他资金", ""]])  # fmt: skip
    assert (got["total_funds"], got["fiscal_funds"], got["other_funds"]) == ("8", "8", "")
    got, _ = read([["项目名称", "培训项目", ""], ["年度资金总额", "8", ""], ["1财政拨款", "8", ""]])
    assert (got["total_funds"], got["fiscal_funds"]) == ("8", "8")


def test_a_group_labels_closing_bracket_read_as_a_glyph_on_its_own_line_keeps_the_unit() -> None:
    """Dev3 lg_26677 p1 (photo): `项目资` | `金（元` | `2`, the wrapped `）` read `2`; the unit
    was lost and 2,293,000 元 landed as 万元. A lone glyph after an open 元 is its bracket; two
    glyphs are not."""
    rows = [
        ["项目名称", "培训项目", None],
        ["项目资金（元2", "年度资金总额", "2,293,000"],
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "≥200人次"],
    ]

    def read_unit(last: str) -> tuple[dict, list[str]]:
        (p,) = _px_page(rows, {(0, 1): (1, 2)}, [0.0, 200.0, 400.0, 500.0], 12.0)
        t = p.tables[0]
        group = next(c for c in t.cells if c.text.startswith("项目资金"))
        lines = (
            CellLine("项目资", (10.0, 44.0, 90.0, 56.0)),
            CellLine("金（元", (10.0, 58.0, 90.0, 70.0)),
            CellLine(last, (40.0, 68.0, 50.0, 79.0)),
        )
        cell = replace(group, text=f"项目资金（元{last}", lines=lines)
        p.tables[0] = replace(t, cells=[cell if c is group else c for c in t.cells])
        (form,), problems = read_document([p])
        return values(form), problems

    got, problems = read_unit("2")
    assert (got["funds_unit"], got["total_funds"]) == ("元", "2,293,000")
    assert (
        "page 1: header cell '项目资金（元2': its funds unit 元, the closing bracket wrapped onto "
        "a line of its own read '2'" in problems
    )
    got, _ = read_unit("22")
    assert "funds_unit" not in got
