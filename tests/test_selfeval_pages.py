"""A self-evaluation's grid continued on the next page (flows/forms/columns.py `GridColumns.on`,
flows/forms/reader.py `_repeated_heading`, flows/forms/rows.py `total_row_alone`): a page
photographed at another scale, a 总分 row below a line OCR merged across the columns, and a
repeated heading that names the columns OCR lost on the first (dev lg_5035, lg_5375, lg_4718);
a header cut after its opener, the self-evaluation's marks on the next page (reader.py
`_tell_on_continuation`, dev lg_8159)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.forms.columns import GridColumns
from flows.forms.reader import _over_placed, _split_off
from flows.models import Cell, CellLine, Table
from tests.test_forms import FUNDS_HEADS, SE_TITLE, lines_of, ocr_page, table, values

HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
FIRST = [
    ["项目名称", "保洁经费", "", "", "", "", ""],
    ["", *FUNDS_HEADS],
    ["年度资金总额", "40", "40", "38", "10", "95%", "9.5"],
    HEAD,
    ["产出指标", "数量指标", "清扫面积", "≥122万㎡", "105万㎡", "40", "34.44"],
]
REST = [
    ["效益指标", "社会效益指标", "环境改善", "明显", "明显", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "20", "19"],
    ["总分", None, None, None, None, "100", "92.94"],
]


def _scaled(t: Table, k: float, dx: float = 0.0) -> Table:
    """`t` as a photo taken nearer (k > 1) sees it: every box scaled by k and moved by dx."""

    def box(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] * k + dx, b[1] * k, b[2] * k + dx, b[3] * k)

    return replace(t, cells=[replace(c, bbox=box(c.bbox)) for c in t.cells], bbox=box(t.bbox))


def test_a_grid_continued_on_a_page_taken_at_another_scale_is_appended() -> None:
    rest = _scaled(table(REST, {(2, 0): (1, 5)}), 1.2, dx=3)
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, rest)]
    )
    assert problems == []
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")


def test_a_table_at_another_scale_whose_columns_do_not_line_up_is_not_the_grid() -> None:
    # the 三级指标 and 指标值 columns stand elsewhere: five columns of another table
    other = table([["甲", "乙", "丙", "丁", "戊"]] * 2)
    other = _scaled(other, 1.5)
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, other)]
    )
    assert lines_of(form) == [("产出指标", "数量指标", "清扫面积", "≥122万㎡")]
    assert problems == [
        "page 2: a table of another kind (2×5); not read as a 绩效目标表 or 自评表, and not "
        "appended to another table"
    ]


def test_a_total_row_below_a_line_merged_across_the_columns_is_read_and_the_line_reported() -> None:
    """The last page's table lost its leading columns (narrower, ending where the grid ends) and
    OCR found no rules inside its first line: the 总分 row under it is still read under 分值 and
    得分 by x; the line that cannot be placed is reported, not read."""
    xs = [(2, 4), (4, 5), (5, 6), (6, 7)]
    line = ["满意度指标 社会公众满意度", "≥98%98%", "10", "9"]
    cells = [
        Cell(0, c, t, (a, 0, b, 1)) for c, ((a, b), t) in enumerate(zip(xs, line, strict=True))
    ]
    cells += [Cell(1, 0, "总分", (2, 1, 5, 2), colspan=2)]
    cells += [Cell(1, 2, "100", (5, 1, 6, 2)), Cell(1, 3, "92.94", (6, 1, 7, 2))]
    rest = Table(2, 4, cells, (2, 0, 7, 2), "rapidocr")
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, rest)]
    )
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert len(form.indicators) == 1
    assert problems == [
        "page 2: 保洁经费: the grid line '满意度指标 社会公众满意度 | ≥98%98% | 10 | 9' above the "
        "总分 row does not line up with the heading's columns (OCR found no rules between its "
        "cells); not read"
    ]


def test_a_repeated_heading_naming_columns_the_first_heading_lost_reads_them_from_there() -> None:
    first = [*FIRST[:3], [*HEAD[:5], "", "A"], FIRST[4]]
    rest = [HEAD, *REST]
    (form,), problems = read_document(
        [
            ocr_page(1, table(first), lines=SE_TITLE),
            ocr_page(2, table(rest, {(3, 0): (1, 5)})),
        ]
    )
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    # the line before the repeated heading reads them from its cells standing where it prints
    # them (dev lg_4718: six lines' 分值 and 得分)
    assert [line.extra["weight"].value for line in form.indicators] == ["40", "30", "20"]
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    assert form.indicators[0].extra["score"].page == 1
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    # the first heading's note on `A` is answered: its column's values were read from there
    assert problems == [
        "page 2: the grid's heading repeated here names the column(s) weight, score its first "
        "heading did not (OCR lost them there): the lines from here on read them; 1 line(s) "
        "before read them from their cells standing where it prints them",
    ]


def test_a_line_before_a_repeated_heading_takes_no_text_for_a_lost_numeric_column() -> None:
    """A cell standing where the repeated heading prints 分值 that prints no number is not
    taken for the weight (the line keeps it blank); its score is still read and checked."""
    line = [*FIRST[4][:5], "四十", "34.44"]
    first = [*FIRST[:3], [*HEAD[:5], "", "A"], line]
    (form,), problems = read_document(
        [
            ocr_page(1, table(first), lines=SE_TITLE),
            ocr_page(2, table([HEAD, *REST], {(3, 0): (1, 5)})),
        ]
    )
    assert "weight" not in form.indicators[0].extra
    assert form.indicators[0].extra["score"].value == "34.44"


def test_a_column_a_repeated_heading_adds_over_a_placed_field_is_no_lost_head() -> None:
    before = GridColumns(
        by_field={"indicator_name": 0, "target": 1},
        n_cols=3,
        x_ranges={"indicator_name": (0.0, 0.4), "target": (0.4, 0.8)},
    )
    assert _over_placed((0.8, 1.0), before) is False  # where the first heading named nothing
    assert _over_placed((0.45, 0.75), before) is True  # inside the 指标值 column
    assert _over_placed(None, before) is True


def test_a_column_split_off_a_first_heading_cell_over_two_columns_is_a_lost_head() -> None:
    """dev5 lg_41271_自评 p1: 实际完成值's heading cell ran over 分值's column too (their rule
    lost, `1实际完 权成值 重I`); the next page's heading names both. 分值 stands inside the
    first heading's 实际完成值, beside 实际完成值 itself: a head OCR lost there, so the page is
    the grid's continuation (it was "a table with an indicator grid but no 项目名称")."""
    first = [*FIRST[:3], [*HEAD[:4], "实际完成值", None, "得分"], FIRST[4]]
    (form,), problems = read_document(
        [
            ocr_page(1, table(first, {(3, 4): (1, 2)}), lines=SE_TITLE),
            ocr_page(2, table([HEAD, *REST], {(3, 0): (1, 5)})),
        ]
    )
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [line.extra["actual"].value for line in form.indicators] == ["105万㎡", "明显", "92%"]
    assert [line.extra["weight"].value for line in form.indicators] == ["40", "30", "20"]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        "page 2: the grid's heading repeated here names the column(s) weight its first heading "
        "did not (OCR lost them there): the lines from here on read them; 1 line(s) before read "
        "them from their cells standing where it prints them"
    ]


def test_an_added_column_is_split_off_only_beside_the_field_it_stood_in() -> None:
    before = GridColumns(
        by_field={"indicator_name": 0, "actual": 1},
        n_cols=2,
        x_ranges={"indicator_name": (0.0, 0.5), "actual": (0.5, 1.0)},
    )
    split = GridColumns(
        by_field={"indicator_name": 0, "actual": 1, "weight": 2},
        n_cols=3,
        x_ranges={"indicator_name": (0.0, 0.5), "actual": (0.5, 0.8), "weight": (0.8, 1.0)},
    )
    assert _split_off("weight", split, before) is True
    # 实际完成值 read elsewhere: the added column took the first heading's field's place
    moved = replace(split, x_ranges={**split.x_ranges, "actual": (0.0, 0.2)})
    assert _split_off("weight", moved, before) is False
    assert _split_off("score", split, before) is False  # not read by the repeated heading


def test_a_score_and_a_reason_ocr_read_as_one_cell_are_parted_by_the_heading() -> None:
    """The 得分 | 偏差原因 rule lost on the next page's only line (dev lg_4790): the cell's OCR
    lines go to the column whose heading stands over them; the score is read, the reason is
    the rest of the lines top to bottom."""
    first = [[*row, ""] for row in FIRST]
    first[3][-1] = "偏差原因"
    lines = (
        CellLine("部分资金拨付时间较晚，项", (7.05, 0.05, 7.95, 0.3)),
        CellLine("4.58", (6.2, 0.3, 6.7, 0.6)),
        CellLine("目推进受到影响。", (7.05, 0.35, 7.9, 0.6)),
    )
    texts = ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "5"]
    cells = [Cell(0, c, t, (c, 0, c + 1, 1)) for c, t in enumerate(texts)]
    cells.append(Cell(0, 6, "部分资金拨付时间较晚，项4.58 目推进受到影响。", (6, 0, 8, 1), 1, 2))
    cells[-1] = replace(cells[-1], lines=lines)
    rest = Table(1, 8, cells, (0, 0, 8, 1), "rapidocr")
    (form,), problems = read_document(
        [ocr_page(1, table(first), lines=SE_TITLE), ocr_page(2, rest)]
    )
    last = form.indicators[-1]
    assert (last.extra["weight"].value, last.extra["score"].value) == ("5", "4.58")
    assert last.extra["deviation_reason"].value == "部分资金拨付时间较晚，项目推进受到影响。"
    assert problems == [
        "page 2: 保洁经费: grid cell '部分资金拨付时间较晚，项4.58 目推进受到影响。': its lines "
        "read column by column (two cells side by side)",
        "page 2: 保洁经费: the cell '4.58 部分资金拨付时间较晚，项目推进受到影响。' stands under "
        "the score, deviation_reason columns (OCR found no rule between them): its lines read "
        "by where they stand under the heading (score 4.58)",
    ]


def _numbers_alone(weight: str, score: str, at: float = 5.0) -> Table:
    """The last page's table: two numbers alone (the 总分 label and rules lost), at page x `at`
    (the grid's 分值 column starts at 5 on the first page, 得分 at 6)."""
    cells = [Cell(0, 0, weight, (at, 0, at + 1, 1)), Cell(0, 1, score, (at + 1, 0, at + 2, 1))]
    return Table(1, 2, cells, (at, 0, at + 2, 1), "rapidocr")


def test_two_numbers_alone_under_the_weight_and_score_adding_up_are_the_total_row() -> None:
    """Dev lg_5077: the 总分 row on the last page kept only its two numbers; they stand under
    分值 and 得分 and are the sums of the weights (10 + 40 + 30 + 20) and of the scores
    (9.5 + 34.44 + 30 + 19), so they are the 总分's."""
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    (form,), problems = read_document([*pages, ocr_page(3, _numbers_alone("100", "92.94"))])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        "page 3: 保洁经费: a table printing only '100 | 92.94' under the 分值 and 得分 columns "
        "is read as the 总分 row (its label lost): 100 is the sum of the weights and 92.94 of "
        "the scores"
    ]


def test_two_numbers_alone_that_do_not_add_up_or_stand_elsewhere_are_not_read() -> None:
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    for last in (_numbers_alone("100", "90"), _numbers_alone("100", "92.94", at=2.0)):
        (form,), problems = read_document([*pages, ocr_page(3, last)])
        assert "overall_score" not in values(form)
        assert problems == [
            "page 3: a table of another kind (1×2); not read as a 绩效目标表 or 自评表, and not "
            "appended to another table"
        ]


def _page_as_one_cell(*lines: CellLine) -> Table:
    """The last page of a photo whose table OCR did not find: the page's edge taken for the
    frame, everything printed on it one cell's lines (dev lg_7676 page 2)."""
    cell = Cell(0, 0, " ".join(ln.text for ln in lines), (0, 0, 9, 12), 3, 7, lines=lines)
    return Table(3, 8, [cell, Cell(0, 7, "", (9, 0, 10, 12), 3, 1)], (0, 0, 10, 12), "rapidocr")


def test_the_total_row_is_read_from_its_text_row_where_ocr_found_no_grid() -> None:
    """Dev lg_7676: the 总分 row alone on the last page, its rules lost in the photo's edge: the
    line `总分` and, at its height, `10092.94` (100 and 92.94 read as one number, cut after the
    sum of the weights) are the 总分 row, since 92.94 is the sum of the scores read."""
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    last = _page_as_one_cell(
        CellLine("总分", (2.5, 1.0, 3.0, 1.3)),
        CellLine("10092.94", (5.2, 1.0, 6.6, 1.3)),
        CellLine("- 3 -", (4.5, 11.0, 5.0, 11.3)),  # the page number, on a row of its own
    )
    (form,), problems = read_document([*pages, ocr_page(3, last)])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert form.fields["overall_score"].bbox == (2.5, 1.0, 6.6, 1.3)
    assert problems == [
        "page 3: 保洁经费: the 总分 row read from its text row '总分 10092.94' (OCR found no grid "
        "there): 100 | 92.94, 100 being the sum of the weights and 92.94 of the scores read"
    ]


def test_a_total_text_row_whose_numbers_do_not_add_up_is_not_read() -> None:
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    for beside in (("100", "90"), ("100",), ("99", "92.94")):
        lines = [CellLine("总分", (2.5, 1.0, 3.0, 1.3))]
        lines += [CellLine(t, (5.2 + i, 1.0, 5.8 + i, 1.3)) for i, t in enumerate(beside)]
        (form,), problems = read_document([*pages, ocr_page(3, _page_as_one_cell(*lines))])
        assert "overall_score" not in values(form)
        assert problems == [
            "page 3: a table of another kind (3×8); not read as a 绩效目标表 or 自评表, and not "
            "appended to another table"
        ]


def test_the_total_row_is_read_from_the_free_lines_of_a_page_where_ocr_found_no_table() -> None:
    """Dev lg_9453: the 总分 row alone on the last page, its rules too worn for any grid: the
    page has no table and one free line `总分 100 92.94`; 100 is the sum of the weights and
    92.94 of the scores read, so it is the 总分 row. One that does not add up is not read."""
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    (form,), problems = read_document([*pages, ocr_page(3, lines=("总分 100 92.94",))])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert (form.fields["overall_score"].page, form.fields["overall_score"].extractor) == (
        3,
        "rapidocr",
    )
    assert problems == [
        "page 3: 保洁经费: the 总分 row read from its text row '总分 100 92.94' (OCR found no grid "
        "there): 100 | 92.94, 100 being the sum of the weights and 92.94 of the scores read"
    ]
    (form,), problems = read_document([*pages, ocr_page(3, lines=("总分 100 90",))])
    assert "overall_score" not in values(form)
    assert problems == [unread_note("总分 100 90")]  # said, never dropped silently (leftrow33)


def unread_note(text: str) -> str:
    """The note on a free line of an OCR page with no table that neither the 总分 row nor the
    open grid's leftover lines take (`flows.forms.leftrows`)."""
    return (
        "page 3: 保洁经费: text printed under no ruled table found after the grid, not read as "
        f"its line (no column of its heading places it): {text!r}"
    )


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("M分 100 92.94", True),  # dev3 lg_29362_自评 p2
        ("总M 100 92.94", True),
        ("M分 100 90", False),  # the score is not the sum: no 总分 row
        ("MN 100 92.94", False),  # two glyphs off: no label
        ("M分计 100 92.94", False),  # no number after the slipped label
    ],
)
def test_a_free_total_line_whose_label_ocr_read_one_glyph_off_is_read_by_its_sums(
    line: str, read: bool
) -> None:
    """The free line of a page with no table whose label OCR read one glyph off (`M分`) is the
    总分 row when its two numbers are the sums of the weights and the scores read, as a line
    printing 总分 is; two glyphs are no label otherwise."""
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    (form,), problems = read_document([*pages, ocr_page(3, lines=(line,))])
    got = values(form)
    if not read:
        assert "overall_score" not in got
        assert problems == [unread_note(line)]
        return
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        f"page 3: 保洁经费: the 总分 row read from its text row '{line}' (OCR found no grid "
        "there, its label one glyph off 总分): 100 | 92.94, 100 being the sum of the weights "
        "and 92.94 of the scores read"
    ]


def test_a_repeated_heading_under_a_blank_band_the_grid_took_in_continues_the_grid() -> None:
    # dev lg_3952 p3: a stray rule at the page's top edge made a blank row over the repeated
    # heading; the continued lines and the 总分 were read as a table of no form
    band = [["", None, None, None, None, None, None]]
    rest = table([*band, HEAD, *REST], {(0, 0): (1, 7), (4, 0): (1, 5)})
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, rest)]
    )
    assert problems == []
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    # a row printing text above the heading is no blank band: that table is not this grid's
    printed = table([["附件2", None, None, None, None, None, None], HEAD, *REST], {(0, 0): (1, 7)})
    (form,), problems = read_document(
        [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, printed)]
    )
    assert [line.name.value for line in form.indicators] == ["清扫面积"]


# ---------------------------------------------------------------- header cut after the opener

REST_OF_HEADER = [
    ["主管部门", "某区市容局", "", "实施单位", "某区环卫所", "", ""],
    ["", *FUNDS_HEADS],
    ["年度资金总额", "40", "40", "38", "10", "95%", "9.5"],
    HEAD,
    FIRST[-1],
    *REST,
]


def _opener_alone(*rows: list[str | None]) -> Table:
    """Page 1 of a form cut after its opener: its title OCR read into the table (no line above
    it tells the form), then 项目名称 and whatever `rows` add."""
    return table([["项目支出绩效自评表（2024年度）", ""], ["项目名称", "保洁经费"], *rows])


def test_a_self_evaluation_cut_after_its_opener_is_read_as_one_from_its_next_page() -> None:
    (form,), problems = read_document(
        [ocr_page(1, _opener_alone()), ocr_page(2, table(REST_OF_HEADER, {(7, 0): (1, 5)}))]
    )
    assert problems == [
        "page 2: 保洁经费: the header continued here prints the marks of a project_self_eval "
        "(grid columns or funds heads) the table opened on page 1 did not; read as one"
    ]
    assert form.form == "project_self_eval"
    got = values(form)
    assert (got["project_name"], got["department_name"], got["total_executed"]) == (
        "保洁经费",
        "某区市容局",
        "38",
    )
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    assert [line.extra["actual"].value for line in form.indicators] == ["105万㎡", "明显", "92%"]


def test_a_target_table_cut_after_its_opener_stays_one() -> None:
    rest = table([["项目属性", "一次性项目", "年度资金总额", "20"], *HEAD_AND_LINE_OF_A_PLAN])
    (form,), problems = read_document([ocr_page(1, _plain_opener()), ocr_page(2, rest)])
    assert problems == []
    assert form.form == "project_target"
    assert (values(form)["project_attribute"], values(form)["total_funds"]) == ("一次性项目", "20")


def test_a_form_read_as_a_target_table_before_the_break_stays_one() -> None:
    # page 1 printed 项目属性, a label of the 绩效目标表 only: the next page's marks do not
    # make it a self-evaluation (the notes on what that form does not know stand)
    first = _opener_alone(["项目属性", "一次性项目"])
    (form,), problems = read_document(
        [ocr_page(1, first), ocr_page(2, table(REST_OF_HEADER, {(7, 0): (1, 5)}))]
    )
    assert form.form == "project_target"
    assert values(form)["project_attribute"] == "一次性项目"
    assert len(problems) == 12  # its funds heads and values, not labels of that form
    assert problems[-2:] == [
        "page 2: column heading '实际完成值' is not in the project_target form description; its "
        "values are not read",
        "page 2: column heading '得分' is not in the project_target form description; its values "
        "are not read",
    ]


HEAD_AND_LINE_OF_A_PLAN = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "≥200人次"],
]


def _plain_opener() -> Table:
    """Page 1 of a 绩效目标表 cut after its opener, its title read into the table."""
    return table([["项目支出绩效目标表（2024年度）", "", "", ""], ["项目名称", "培训项目", "", ""]])


def test_a_whole_grid_a_little_narrower_ending_near_the_edge_is_read_on_its_own_width() -> None:
    """Dev2 lg_12215_自评 p2 (an image): the next page's grid, 5.6% narrower than the heading's
    (1237 against 1311 px), ends 63 px left of where it ended, within EDGE_STRAY: placed from
    that edge as a grid that lost its leading columns, every column stood one to the right (二级
    labels read as names). Its columns line up on its own width by both edges of 三级指标 and
    指标值, so that is how it is read (and `frame` places x the same way)."""
    left, width = 171.0, 1311.0  # page 1's grid: 一级 267, 二级 380, 三级 501, 指标值 740 …
    page1 = [(171, 267), (267, 380), (380, 501), (501, 740), (740, 883), (883, 1046)]
    page1 += [(1046, 1128), (1128, 1235), (1235, 1482)]
    fields = ["", "level1", "level2", "indicator_name", "target", "actual", "weight", "score"]
    x_ranges = {
        f: ((a - left) / width, (b - left) / width)
        for f, (a, b) in zip(fields, page1, strict=False)
        if f
    }
    heading = GridColumns(
        by_field={f: c for c, f in enumerate(fields) if f},
        n_cols=9,
        x_ranges=x_ranges,
        width=width,
        right=1482.0,
    )
    page2 = [(182, 275), (275, 384), (384, 499), (499, 727), (727, 862), (862, 1015)]
    page2 += [(1015, 1091), (1091, 1191), (1191, 1419)]
    cells = [Cell(0, c, "x", (a, 0, b, 1)) for c, (a, b) in enumerate(page2)]
    rest = Table(1, 9, cells, (182, 0, 1419, 1), "rapidocr")
    on = heading.on(rest)
    assert on is not None
    assert on.by_field == {
        "level1": 1,
        "level2": 2,
        "indicator_name": 3,
        "target": 4,
        "actual": 5,
        "weight": 6,
        "score": 7,
    }
    frame = heading.frame(rest)
    assert frame is not None and round(frame(499.0), 3) == round((499 - 182) / 1237, 3)


def test_a_repeated_heading_naming_a_head_twice_continues_by_the_grid_before() -> None:
    """OCR read the repeated 二级指标 as 三级指标 beside the real one (dev3 lg_21079_自评 p2):
    the first of the two took 三级指标's field, the columns did not line up and the page was
    not appended. The grid before holds 三级指标 at the second: the first column is its 二级."""
    misread = [HEAD[0], "三级指标", *HEAD[2:]]
    (form,), problems = read_document(
        [
            ocr_page(1, table(FIRST), lines=SE_TITLE),
            ocr_page(2, table([misread, *REST], {(3, 0): (1, 5)})),
        ]
    )
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [line.level2.value for line in form.indicators] == [
        "数量指标",
        "社会效益指标",
        "服务对象满意度指标",
    ]
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        "page 2: the grid's heading repeated here names indicator_name over both column 1 and "
        "column 2; the grid before the break holds it at column 2, so column 1 is read as its "
        "level2 (OCR misread its head '三级指标')"
    ]


def test_a_grid_heading_whose_target_head_ocr_cut_and_lost_a_glyph_of_is_found() -> None:
    """年度指标值 read as `年度值` | `标`, two cells (dev3 lg_21075_自评 p2): `年度值` alone names
    the target head, so the row is the grid's heading; before, the page was read as header
    cells and its lines were lost. The lone `标` names nothing and is noted."""
    head = [*HEAD[:3], "年度值", "标", *HEAD[4:]]
    lines = [[*r[:4], "", *r[4:]] for r in (FIRST[4], *REST[:2])]
    total = ["总分", None, None, None, None, None, "100", "92.94"]
    rows = [*([*r, ""] for r in FIRST[:3]), head, *lines, total]
    (form,), problems = read_document([ocr_page(1, table(rows, {(7, 0): (1, 6)}), lines=SE_TITLE)])
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [line.target.value for line in form.indicators] == ["≥122万㎡", "明显", "≥90%"]
    assert [line.extra["actual"].value for line in form.indicators] == ["105万㎡", "明显", "92%"]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        "page 1: column heading '标' is not in the project_self_eval form description; its "
        "values are not read"
    ]


def test_a_lone_glyph_of_a_head_names_no_heading() -> None:
    """`值` alone could be any value head's: a row printing it beside the level heads is not
    taken for the grid's heading by it."""
    from flows.forms.columns import find_heading

    t = table([[*HEAD[:3], "值"], ["产出指标", "数量指标", "清扫面积", "1"]])
    assert find_heading(t, 0, 2) is None
    t = table([[*HEAD[:3], "年度值"], ["产出指标", "数量指标", "清扫面积", "1"]])
    assert find_heading(t, 0, 2) == (0, 1)


def test_the_total_row_is_read_from_free_lines_above_the_next_projects_header() -> None:
    """Dev4 lg_39400_自评 p2: the 总分 row carried onto a page the next project's header shares,
    its rules lost, read as the free line `总分 100 92.94` above that page's table: it closes
    the first project's grid (the sums hold); a line that does not add up is not read."""
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    nxt = [["项目名称", "绿化经费", "", "", "", "", ""], *FIRST[1:]]
    for line, read in (("总分 100 92.94", True), ("总分 100 90", False)):
        last = ocr_page(3, table(nxt, top=2), lines=(line, *SE_TITLE))
        first, second = read_document([*pages, last])[0]
        got = values(first)
        assert got.get("overall_score") == ("92.94" if read else None)
        assert values(second)["project_name"] == "绿化经费"
        assert "overall_score" not in values(second)
    (_, _), problems = read_document(
        [*pages, ocr_page(3, table(nxt, top=2), lines=("总分 100 92.94", *SE_TITLE))]
    )
    assert problems == [
        "page 3: 保洁经费: the 总分 row read from its text row '总分 100 92.94' (OCR found no grid "
        "there): 100 | 92.94, 100 being the sum of the weights and 92.94 of the scores read"
    ]


def _lone_row(xs: list[tuple[int, int]], texts: list[str]) -> tuple[dict, list[str]]:
    """The values and problems of the 保洁经费 self-evaluation whose grid ends on page 2, page 3
    printing one row of cells `texts` spanning `xs` (the grid's frame is 0..7)."""
    cells = [
        Cell(0, c, t, (a, 0, b, 1)) for c, ((a, b), t) in enumerate(zip(xs, texts, strict=True))
    ]
    lone = Table(1, len(cells), cells, (0, 0, 7, 1), "rapidocr")
    pages = [ocr_page(1, table(FIRST), lines=SE_TITLE), ocr_page(2, table(REST[:2]))]
    (form,), problems = read_document([*pages, ocr_page(3, lone)])
    return values(form), problems


@pytest.mark.parametrize(
    ("label", "after", "read"),
    [
        ("分", ["100", "92.94 50.05"], True),  # dev4 lg_39953_自评 p3: 总 lost, a speck beside
        ("总", ["100", "92.94"], True),
        ("分", ["100", "90"], False),  # the score is not the sum of the scores read
        ("分", ["100", "92.94 92.95"], False),  # two numbers the sum could be: neither is taken
        ("M", ["100", "92.94"], False),  # no glyph of the label
        ("分值", ["100", "92.94"], False),  # more than a part of it
        ("越分", ["100", "92.94"], True),  # dev7 lg_67587_自评 p2: one glyph read as another
        ("越分", ["100", "90"], False),  # ... and the sums do not hold
        ("越值", ["100", "92.94"], False),  # two glyphs off
        # dev11 lg_104931_自评 p2: 总 read 8, 分值 and 得分 one cell (the rule between lost)
        ("8分", ["10092.94"], True),
        ("分", ["10092.94"], True),
        ("8分", ["10090"], False),  # the rest after the weights' sum is not the scores'
        ("8分", ["9092.94"], False),  # no cut after the weights' sum
        ("8值", ["10092.94"], False),
    ],
)
def test_a_lone_row_whose_label_ocr_read_short_is_the_total_row_by_its_sums(
    label: str, after: list[str], read: bool
) -> None:
    """The 总分 row alone on the next page, its label read as one of its glyphs: read as the 总分
    row only when the number under 分值 is the sum of the weights (100) and one under 得分 the
    sum of the scores (92.94); otherwise the table is of another kind, as before. One cell
    under both columns (`10092.94`) is split after the weights' sum, by the same sums."""
    xs = [(5, 6), (6, 7)] if len(after) == 2 else [(5, 7)]  # fewer columns than the grid
    got, problems = _lone_row([(0, 1), (1, 5), *xs], ["", label, *after])
    if not read:
        assert "overall_score" not in got
        assert problems == [
            f"page 3: a table of another kind (1×{len(after) + 2}); not read as a 绩效目标表 or "
            "自评表, and not appended to another table"
        ]
        return
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    how = "one glyph off" if len(label) == 2 else "short of"
    split = " (one cell under both, split after the weights' sum)" if len(after) == 1 else ""
    assert problems == [
        f"page 3: 保洁经费: a lone row '{label} | {' | '.join(after)}' under the 分值 and 得分 "
        f"columns is read as the 总分 row (its label read {how} 总分/合计): 100 | 92.94{split}, "
        "100 being the sum of the weights and 92.94 of the scores read"
    ]


def test_a_heading_cell_read_with_a_speck_digit_at_its_edge_names_its_head() -> None:
    """Dev6 lg_52716_自评 p1: 三级指标 read `三级标4` (its 指 lost, a speck read `4` beside
    it): no head prints a digit, so `三级标` names indicator_name and the row is the grid's
    heading; before, the page was read as header cells and every line was lost. A lone glyph
    between digits (`6一6`) names nothing."""
    from flows.forms.columns import ALL_COLUMNS, _remnant_of, find_heading

    t = table([[*HEAD[:2], "三级标4", *HEAD[3:]], ["产出指标", "数量指标", "清扫面积", "1"]])
    assert find_heading(t, 0, 2) == (0, 1)
    assert _remnant_of("三级标4", ALL_COLUMNS) == "indicator_name"
    assert _remnant_of("6一6", ALL_COLUMNS) is None
    t = table([[*HEAD[:2], "三级标", *HEAD[3:]], ["产出指标", "数量指标", "清扫面积", "1"]])
    assert find_heading(t, 0, 2) == (0, 1)


def test_a_first_heading_cell_over_a_lost_head_and_its_own_column_is_placed_by_the_repeat() -> None:
    """dev6 lg_53086_自评 p4: `未完成原因分析`'s heading cell ran over 得分's column too (their
    rule lost) and took the field at 得分's grid column, so every line's score was read as its
    未完成原因分析; p5's repeated heading names both, and the page (the last line and the 总分
    row) was lost as "a table with an indicator grid but no 项目名称". The repeat places the
    field where it prints it: the page is the grid's, and the lines before take their scores
    from the cells standing under 得分 and their reasons from those under 未完成原因分析."""
    reason = "未完成原因分析"
    first = [[*row, ""] for row in FIRST[:3]] + [
        [*HEAD[:6], reason, None],
        [*FIRST[4], "宣传不足"],
    ]
    rest = [
        [*HEAD, reason],
        *([*row, ""] for row in REST[:2]),
        ["总分", None, None, None, None, "100", "92.94", ""],
    ]
    (form,), problems = read_document(
        [
            ocr_page(1, table(first, {(3, 6): (1, 2)}), lines=SE_TITLE),
            ocr_page(2, table(rest, {(3, 0): (1, 5)})),
        ]
    )
    assert [line.name.value for line in form.indicators] == ["清扫面积", "环境改善", "群众满意度"]
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    assert [line.extra["deviation_reason"].value for line in form.indicators] == [
        "宣传不足",
        "",
        "",
    ]
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "92.94")
    assert problems == [
        "page 2: the grid's heading repeated here names the column(s) score its first heading "
        "did not (OCR lost them there): the lines from here on read them; 1 line(s) before "
        "read them from their cells standing where it prints them; deviation_reason read where "
        "it prints it (the first heading's 'deviation_reason' cell stood over the added column "
        "too)"
    ]
