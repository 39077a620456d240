"""Grid heads OCR read across in one heading cell spanning their columns (flows/forms/columns.py:
`heads_run_together`): the heads not found elsewhere whose characters are exactly the cell's."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import GridColumns, find_heading, heads_run_together
from flows.forms.labels import cjk_characters, the_run_spelt
from flows.forms.spec import PROJECT_SELF_EVAL
from flows.models import Cell, CellLine, Table
from tests.test_forms import FUNDS_HEAD_ROW, page, table, values
from tests.test_selfeval_reader import TITLE

COLUMNS = list(PROJECT_SELF_EVAL.columns)


def _cell(text: str, colspan: int) -> Cell:
    return Cell(3, 4, text, (0, 0, 30 * colspan, 10), colspan=colspan)


def test_three_heads_read_across_are_those_whose_characters_the_cell_prints() -> None:
    heads = heads_run_together(_cell("年度指标实际完成权值，值重", 3), COLUMNS, {"score"})
    assert [h.field for h in heads] == ["target", "actual", "weight"]


def test_no_heads_when_characters_are_left_over_or_the_cell_spans_too_few_columns() -> None:
    assert heads_run_together(_cell("年度指标实际完成权值，值重", 2), COLUMNS, set()) == []
    assert heads_run_together(_cell("年度指标实际完成权值值重额", 3), COLUMNS, set()) == []
    # a head found elsewhere is not read again
    assert heads_run_together(_cell("年度指标实际完成权值值重", 3), COLUMNS, {"weight"}) == []


def test_a_grid_whose_heads_ocr_read_across_in_one_cell_is_read() -> None:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标实际完成权值，值重", None, None],
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "90", "89.5"],
        ["总分", None, None, None, None, None, "100", "99"],
    ]
    rows[3].append("得分")
    spans = {(0, 1): (1, 7), (1, 0): 2, (3, 4): (1, 3), (5, 0): (1, 6)}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "99")
    (line,) = form.indicators
    assert (line.target.value, line.extra["actual"].value, line.extra["weight"].value) == (
        "1385亩",
        "1380亩",
        "90",
    )
    assert (
        "page 1: the heading cell '年度指标实际完成权值，值重' prints the heads of target、actual、"
        "weight run together (their lines read across); read as those heads, in the form's order"
    ) in problems


def test_the_run_spelt_by_one_spelling_of_each_head_and_none_for_a_long_text() -> None:
    """Two heads read across (`年初预算 调整后预数 1 算数`) are the run whose characters they are
    for one spelling of each; a cell of a whole region's text (hundreds of characters) spans
    every run of a dozen heads with several spellings each and spells none of them — answered
    without trying each combination of spellings (that held a night's reader for minutes)."""
    heads = {0: ("年初预算数",), 1: ("全年预算数", "调整后预算数"), 2: ("全年执行数", "执行数")}
    got = the_run_spelt(cjk_characters("年初预算 调整后预数 1 算数"), [(0, 1), (1, 2)], heads.get)
    assert got == (0, 1)
    assert (
        the_run_spelt(cjk_characters("年初预算数 全年执行数"), [(0, 1), (1, 2)], heads.get) is None
    )
    many = {i: ("年度指标值", "指标值", "目标值", "年度目标值") for i in range(14)}
    text = "年度指标值目标值实际完成值" * 25
    runs = [tuple(range(k)) for k in range(2, 15)]
    assert the_run_spelt(cjk_characters(text), runs, many.get) is None


def test_a_continued_grid_whose_name_cell_took_in_the_level2_column_still_lines_up() -> None:
    """The rest of a grid on the next page (no heading) whose 三级指标 cell OCR merged with the
    二级指标 cell beside it: the name column starts where 二级 does but ends where its heading
    does, and the 指标值 column lines up by both edges: the same grid, its lines appended. A
    table whose name column lines up by neither edge is another table."""
    ranges = {"level2": (0.1, 0.3), "indicator_name": (0.3, 0.5), "target": (0.5, 0.7)}
    ranges |= {"weight": (0.7, 0.85), "score": (0.85, 1.0)}
    head = GridColumns(
        by_field={f: i + 1 for i, f in enumerate(ranges)}, n_cols=7, x_ranges=ranges, width=100.0
    )

    def rest(name_from: float, name_to: float) -> Table:
        xs = [(0.0, 0.1), (0.1, name_from), (name_from, name_to), (name_to, 0.7)]
        xs += [(0.7, 0.85), (0.85, 1.0)]
        cells = [Cell(0, c, "x", (a * 100, 0, b * 100, 1)) for c, (a, b) in enumerate(xs)]
        return Table(1, 6, cells, (0, 0, 100, 1), "ocr")

    merged = head.on(rest(0.1, 0.5))  # 二级 + 三级 in one cell: its left edge is 二级's
    assert merged is not None and merged.by_field["target"] == 3
    assert head.on(rest(0.2, 0.6)) is None


def test_a_heading_whose_run_together_heads_start_like_the_leading_column_is_found() -> None:
    """Dev lg_5251: `指标 年度指性质 标值` (指标性质 | 年度指标值 read across) starts like the
    ignored 指标 column; as in `read_columns`, a leading-column head with a rest is no head, so
    the heads run together are tried and the heading row is the grid's."""
    rows = [
        ["一级指标", "二级指标", "三级指标", "指标 年度指性质 标值", None, "实际完成值", "得分"],
        ["产出指标", "数量指标", "改造户数", "≥", "2765户", "2765户", "6"],
    ]
    assert find_heading(table(rows, {(0, 3): (1, 2)}), 0, 2) == (0, 1)


def test_heads_run_together_are_given_in_the_order_their_lines_stand() -> None:
    """指标性质 printed left of 年度指标值, each wrapped (指标/性质 beside 年度指/标值): the lines
    printing 性质 stand left of those printing 年度 and 值, so 指标性质 is the first head; a cell
    without its OCR lines keeps the form's order."""
    lines = (
        CellLine("指标", (0, 0, 20, 10)),
        CellLine("年度指", (30, 0, 60, 10)),
        CellLine("性质", (0, 12, 20, 22)),
        CellLine("标值", (30, 12, 60, 22)),
    )
    cell = Cell(3, 4, "指标 年度指性质 标值", (0, 0, 60, 22), colspan=2, lines=lines)
    assert [h.field for h in heads_run_together(cell, COLUMNS, set())] == [
        "target_nature",
        "target",
    ]
    bare = Cell(3, 4, "指标 年度指性质 标值", (0, 0, 60, 22), colspan=2)
    assert [h.field for h in heads_run_together(bare, COLUMNS, set())] == [
        "target",
        "target_nature",
    ]

    # one line read across both heads stands where both do: its characters are placed by
    # their share of its width (dev2 lg_12425_自评 p2: 实际完成值 wrapped 实际完 / 成值 beside
    # 分值 stacked 分 / 值; read `实际完分` and `成值「值`, the line pair's middles 987 and 995
    # put 分值 first, its 分 stands at 1053 and 实际完成值's own characters at 957 on average)
    lines = (
        CellLine("实际完分", (899, 482, 1075, 520)),
        CellLine("成值「值", (915, 526, 1075, 558)),
    )
    across = Cell(1, 5, "实际完分成值「值", (878, 419, 1101, 618), colspan=2, lines=lines)
    assert [h.field for h in heads_run_together(across, COLUMNS, set())] == ["actual", "weight"]


def test_a_head_read_with_its_neighbours_line_run_into_it_gives_both_their_columns() -> None:
    """Dev lg_1660_自评: 得分's rule lost in the heading row, its line read into the second line
    of 偏差原因分析及改进措施 (`偏差原因分得分析及改进措施` over both columns). Read as
    偏差原因 with a rest, the scores were not read; the cell spells both heads exactly, so each
    takes its column (by the rule the lines below draw) and the scores are read."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None, None],
        [*FUNDS_HEAD_ROW, None],
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5", None],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"],
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "90", "89.5", "未完成"],
        ["总分", None, None, None, None, None, "100", "99", None],
    ]
    rows[3] += ["偏差原因分得分析及改进措施", None]
    spans = {(0, 1): (1, 8), (1, 0): 2, (1, 7): (1, 2), (2, 7): (1, 2), (3, 7): (1, 2)}
    spans[(5, 0)] = (1, 6)
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    (line,) = form.indicators
    assert (line.extra["weight"].value, line.extra["score"].value) == ("90", "89.5")
    assert line.extra["deviation_reason"].value == "未完成"
    assert (
        "page 1: the heading cell '偏差原因分得分析及改进措施' prints the heads of score、"
        "deviation_reason run together (their lines read across); read as those heads, in the "
        "form's order"
    ) in problems
