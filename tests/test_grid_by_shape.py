"""A grid's lines on the page after a header under which no grid heading was read, printed
without the heading repeated (`flows.forms.gridshape`): read by their shape, with a note; a
table of another shape stays unread, as before."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.gridshape import grid_by_shape
from flows.forms.labels import begins_level1, level1_fragment
from flows.forms.spec import SPEC_OF
from flows.models import Table
from tests.test_forms import HEADER, TITLE, lines_of, ocr_page, table

# the header page: its grid heading lost (no row of it read)
FIRST = HEADER[:7]
LINES = [
    ["产出指标", "数量指标", "培训人次", "≥", "200", "人次"],
    [None, "质量指标", "合格率", "=", "98", "%"],
    ["效益指标", "社会效益指标", "群众满意度", "定性", "明显提高", ""],
]


def test_lines_after_a_header_with_no_heading_are_read_by_their_shape() -> None:
    pages = [
        ocr_page(1, table(FIRST, {(3, 0): 3}), lines=TITLE),
        ocr_page(2, table(LINES, {(0, 0): 2})),
    ]
    (form,), problems = read_document(pages)
    assert lines_of(form) == [
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "质量指标", "合格率", "=98%"),
        ("效益指标", "社会效益指标", "群众满意度", "明显提高"),
    ]
    assert [
        (i.extra["target_nature"].value, i.extra["measure_unit"].value) for i in form.indicators
    ] == [
        ("≥", "人次"),
        ("=", "%"),
        ("定性", ""),
    ]
    assert form.indicators[0].name.page == 2
    assert [p for p in problems if p.startswith("page 2")] == [
        "page 2: 测试项目: table 0, rows 0-2 (6 columns), prints no heading and no line was read "
        "under a heading it lines up with; its rows have the grid's shape (category labels, a "
        "name column, a value column) and are read as its lines by column: level1 0, level2 1, "
        "indicator_name 2, target_nature 3, target 4, measure_unit 5"
    ]


def test_the_shape_reads_a_leading_label_column_blank_levels_and_a_weight() -> None:
    spec = SPEC_OF["project_target"]
    rows = [
        ["绩效指标", "", "数量指标", "培训人次", "200人次", "10"],
        [None, "", "质量指标", "合格率", "98%", "10"],
    ]
    found = grid_by_shape(table(rows, {(0, 0): 2}), 0, 2, spec)
    assert found is not None
    cols, strays = found
    assert strays == []
    fields = ("level1", "level2", "indicator_name", "target", "weight")
    assert cols.by_field == dict(zip(fields, range(1, 6), strict=True))
    # no blank column for the 一级 labels: the 绩效指标 label is not read as them
    no_level1 = [[r[0], *r[2:]] for r in rows]
    assert grid_by_shape(table(no_level1, {(0, 0): 2}), 0, 2, spec) is None


def test_a_table_of_another_shape_is_not_read_as_lines() -> None:
    spec = SPEC_OF["project_target"]
    # two text columns after the name that no alphabet closes: which is the value?
    two_values = [[*r[:3], "说明", *r[4:]] for r in LINES]
    assert grid_by_shape(table(two_values, {(0, 0): 2}), 0, 3, spec) is None
    # no category labels in the leading column
    other = [["单位", "人数", "培训人次", "≥", "200", "人次"]] * 3
    assert grid_by_shape(table(other), 0, 3, spec) is None
    # one line only
    assert grid_by_shape(table(LINES[:1]), 0, 1, spec) is None
    # the self-evaluation's grid is not read by the target's shape
    assert grid_by_shape(table(LINES, {(0, 0): 2}), 0, 3, SPEC_OF["project_self_eval"]) is None
    pages = [
        ocr_page(1, table(FIRST, {(3, 0): 3}), lines=TITLE),
        ocr_page(2, table(two_values, {(0, 0): 2})),
    ]
    (form,), problems = read_document(pages)
    assert form.indicators == []
    assert (
        "page 2: header cell '说明' is not a label of the project_target form description; not read"
        in problems
    )


def test_an_operator_column_with_one_glyph_misread_is_still_the_operators() -> None:
    """`=` read `二` in one of four 指标性质 cells (dev2 lg_10198 p2): the column is still the
    operators' (ALPHABET_SHARE); two of four misread, it is no column of the shape."""
    spec = SPEC_OF["project_target"]
    rows = [
        ["产出指标", "数量指标", "培训人次", "≥", "200", "人次"],
        [None, "质量指标", "合格率", "二", "98", "%"],
        [None, "时效指标", "完成时间", "≤", "2024年底", ""],
        [None, "成本指标", "预算控制数", "=", "6.42", "万元"],
    ]
    found = grid_by_shape(table(rows, {(0, 0): 4}), 0, 4, spec)
    assert found is not None
    cols = found[0]
    assert (cols.by_field["target_nature"], cols.by_field["target"]) == (3, 4)
    rows[2][3] = "三"
    assert grid_by_shape(table(rows, {(0, 0): 4}), 0, 4, spec) is None


def test_a_stray_glyph_between_the_levels_and_the_names_is_noted_not_read() -> None:
    """A 二级 label's last glyph cut off by a rule into a narrow column of its own on one line
    of four (dev2 lg_18246 p2: `数量 | 标`): the names are still the widest column's, the glyph
    is named in the note; on two lines of four it is a column of its own and the shape refused."""
    rows = [
        ["产出指标", "数量", "标", "培训人次", "≥200人次"],
        [None, "质量指标", "", "合格率", "98%"],
        [None, "时效指标", "", "完成时间", "2024年底"],
        [None, "成本指标", "", "预算控制数", "6.42万元"],
    ]
    spans = {(0, 0): 4}

    def with_widths(t: Table) -> Table:
        """The names' column three grid columns wide, as printed."""
        x = [0, 1, 2, 3, 6, 7]
        cells = [replace(c, bbox=(x[c.col], c.bbox[1], x[c.col + 1], c.bbox[3])) for c in t.cells]
        return replace(t, cells=cells, bbox=(0, t.bbox[1], 7, t.bbox[3]))

    pages = [
        ocr_page(1, table(FIRST, {(3, 0): 3}), lines=TITLE),
        ocr_page(2, with_widths(table(rows, spans))),
    ]
    (form,), problems = read_document(pages)
    # every line as printed, under the one 一级 label, the stray glyph in none
    assert lines_of(form) == [("产出指标", r[1], r[3], r[4]) for r in rows]
    assert problems[-1] == (
        "page 2: 测试项目: table 0, rows 0-3 (5 columns), prints no heading and no line was read "
        "under a heading it lines up with; its rows have the grid's shape (category labels, a "
        "name column, a value column) and are read as its lines by column: level1 0, level2 1, "
        "indicator_name 3, target 4; left unread, in no column of that shape: '标' (row 0, "
        "column 2)"
    )
    rows[1][2] = "标"
    spec = SPEC_OF["project_target"]
    assert grid_by_shape(with_widths(table(rows, spans)), 0, 4, spec) is None


def test_lines_after_the_rest_of_a_header_are_read_by_their_shape() -> None:
    """The header cut by a page break, its rest on page 2 with the grid's lines under it and no
    heading read between them: the header rows read as header, the lines by their shape (the
    shape is judged from the row after the last header value read)."""
    rest = [
        *HEADER[3:7],
        ["产出指标", "数量指标", "培训人次", "≥", "200人次"],
        [None, "质量指标", "合格率", "=", "98%"],
    ]
    pages = [
        ocr_page(1, table(HEADER[:3]), lines=TITLE),
        ocr_page(2, table(rest, {(0, 0): 3, (4, 0): 2})),
    ]
    (form,), problems = read_document(pages)
    assert (form.fields["project_name"].value, form.funds.total.value) == ("测试项目", "15")
    assert form.fields["overall_goal"].value == "目标"
    assert lines_of(form) == [
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "质量指标", "合格率", "=98%"),
    ]
    assert [p for p in problems if p.startswith("page 2")] == [
        "page 2: 测试项目: table 0, rows 4-5 (5 columns), prints no heading and no line was read "
        "under a heading it lines up with; its rows have the grid's shape (category labels, a "
        "name column, a value column) and are read as its lines by column: level1 0, level2 1, "
        "indicator_name 2, target_nature 3, target 4"
    ]


def test_a_vertical_level1_label_cut_by_the_break_is_read_as_the_level1_column() -> None:
    """The 一级 labels typeset one glyph a line, the break cutting 产出指标 after `产出指`: the
    next page's leading column prints `标`, then whole labels (the held-out scan's shape). The
    column is the 一级 one; the fragment's lines take the label their 二级 labels belong to;
    the first line's blank 二级 (printed on the page before) is left blank, said so."""
    rows = [
        ["标", "", "完成率", "=", "95", "%", "7"],
        [None, "时效指标", "完成时间", "定性", "按时完成", "", "7"],
        [None, "成本指标", "预算控制数", "", "6.42", "万元", "6"],
        ["效益指标", "社会效益指标", "群众满意度", "定性", "明显提高", "", "6"],
    ]
    pages = [
        ocr_page(1, table(FIRST, {(3, 0): 3}), lines=TITLE),
        ocr_page(2, table(rows, {(0, 0): 3})),
    ]
    (form,), problems = read_document(pages)
    assert lines_of(form) == [
        ("产出指标", "", "完成率", "=95%"),
        ("产出指标", "时效指标", "完成时间", "按时完成"),
        ("产出指标", "成本指标", "预算控制数", "6.42万元"),
        ("效益指标", "社会效益指标", "群众满意度", "明显提高"),
    ]
    assert [i.extra["weight"].value for i in form.indicators] == ["7", "7", "6", "6"]
    assert [p for p in problems if p.startswith("page 2")] == [
        "page 2: 测试项目: table 0, rows 0-3 (7 columns), prints no heading and no line was read "
        "under a heading it lines up with; its rows have the grid's shape (category labels, a "
        "name column, a value column) and are read as its lines by column: level1 0, level2 1, "
        "indicator_name 2, target_nature 3, target 4, measure_unit 5, weight 6",
        "page 2: 测试项目: the 一级 cell '标' (row 0, column 0) prints only part of a 一级 label "
        "(a vertical label cut by a page break or a lost rule); its 3 line(s) take 产出指标, the "
        "label its lines' 二级 labels belong to",
        "page 2: 测试项目: the 二级 label of the line '完成率' (row 0) is blank: printed on the "
        "page before with the lines not read there; left blank",
    ]


def test_a_level1_fragment_names_its_label_or_none() -> None:
    """A fragment part of one 一级 label only takes it whatever the 二级 labels (`益指标`); a
    leading column printing text that is part of no 一级 label is no 一级 column."""
    spec = SPEC_OF["project_target"]
    assert [level1_fragment(t) for t in ("标", "指标", "益指标", "产出指标", "单位", "")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    # a label's first glyphs begin it on this page: no line before it was lost
    assert [begins_level1(t) for t in ("产", "产出指", "标", "出指标")] == [
        True,
        True,
        False,
        False,
    ]
    rows = [
        ["益指标", "", "促进增收", "明显提高"],
        [None, "", "改善环境", "逐步改善"],
        ["满意度指标", "服务对象满意度指标", "满意度", "90%"],
    ]
    pages = [
        ocr_page(1, table(FIRST, {(3, 0): 3}), lines=TITLE),
        ocr_page(2, table(rows, {(0, 0): 2, (0, 1): 2})),
    ]
    (form,), problems = read_document(pages)
    assert [i.level1.value for i in form.indicators] == ["效益指标", "效益指标", "满意度指标"]
    assert (
        "page 2: 测试项目: the 一级 cell '益指标' (row 0, column 0) prints only part of a 一级 "
        "label (a vertical label cut by a page break or a lost rule); its 2 line(s) take "
        "效益指标, the only 一级 label it is part of"
    ) in problems
    other = [["单位", *r[1:]] for r in LINES]
    assert grid_by_shape(table(other), 0, 3, spec) is None


def test_the_names_are_the_widest_column_where_the_lines_print() -> None:
    """A header row ruled into narrower columns above lines whose 三级指标 cell spans two of them
    (dev2 lg_10216 p2): the names' column is judged by where its cells print, not by the grid
    column it starts in, which the header's rule makes narrower than the values'."""
    rows = [
        ["资金", "其他资金", "上级", "补助", "0.00"],
        ["产出指标", "数量指标", "培训人次", None, "≥200人次"],
        [None, "质量指标", "合格率", None, "98%"],
    ]
    x = [0, 1, 2, 3, 5, 7]  # the 三级指标 starts in a grid column 1 wide, the values' is 2
    t = table(rows, {(1, 0): 2, (1, 2): (1, 2), (2, 2): (1, 2)})
    cells = [replace(c, bbox=(x[c.col], c.bbox[1], x[c.last_col + 1], c.bbox[3])) for c in t.cells]
    found = grid_by_shape(
        replace(t, cells=cells, bbox=(0, 0, 7, 3)), 1, 3, SPEC_OF["project_target"]
    )
    assert found is not None
    assert found[0].by_field == {"level1": 0, "level2": 1, "indicator_name": 2, "target": 4}
    assert found[0].x_ranges["indicator_name"] == (2 / 7, 5 / 7)


def test_a_column_printing_its_own_headings_is_that_column() -> None:
    """A 绩效标准 column naming each line's kind (计划标准, 历史标准, 行业标准: headings the
    description gives that column) after the 指标值 is the standard column, not a second value
    column (dev2 lg_18398 p2, lg_10156 p2); one cell of other text and it is refused, as before."""
    spec = SPEC_OF["project_target"]
    rows = [
        ["产出指标", "数量指标", "培训人次", "≥200人次", "行业标准", "6"],
        [None, "质量指标", "合格率", "98%", "历史标准", "6"],
        [None, "时效指标", "完成时间", "2024年底", "计划标准", "6"],
    ]
    found = grid_by_shape(table(rows, {(0, 0): 3}), 0, 3, spec)
    assert found is not None
    fields = ("level1", "level2", "indicator_name", "target", "standard", "weight")
    assert found[0].by_field == dict(zip(fields, range(6), strict=True))
    rows[1][4] = "说明"
    assert grid_by_shape(table(rows, {(0, 0): 3}), 0, 3, spec) is None
