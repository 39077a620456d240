"""A merged OCR cell read by where its text lines stand (`flows.forms.celllines`): cut at the
rules its neighbours print, a worn rule's sliver dropped, two cells' lines read column by
column — and never a cut where the lines are one text (wrapped, upright, crossing a rule)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.celllines import Cut, columns_outward, lost_rules, read_cell, unmerge
from flows.forms.columns import GridColumns
from flows.forms.labels import starts_category_label
from flows.forms.rows import _one_label_each
from flows.models import Cell, CellLine, PageGrid, PageStatus, Table, TextLine
from tests.test_forms import GRID, INDICATORS, values

U = 100.0  # one grid unit in pixels
H = 30.0  # the height of a printed text line


def line(text: str, x0: float, y_mid: float, width: float | None = None) -> CellLine:
    """An OCR line of `text` starting at x0, centred on y_mid, one text height tall."""
    w = width if width is not None else H * len(text)
    return CellLine(text, (x0, y_mid - H / 2, x0 + w, y_mid + H / 2), 0.9)


def ocr_table(
    rows: list[list[str | None]],
    spans: dict[tuple[int, int], tuple[int, int]] | None = None,
    lines: dict[tuple[int, int], list[CellLine]] | None = None,
    v: float = U,
) -> Table:
    """A table of grid positions U wide and `v` tall; each cell's OCR lines are
    `lines[(row, col)]`, or one line centred in the cell printing its text."""
    spans, lines = spans or {}, lines or {}
    n_cols = max(len(r) for r in rows)
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            box = (c * U, r * v, (c + cs) * U, (r + rs) * v)
            own = lines.get((r, c))
            if own is None:
                own = [line(text, box[0] + 5, (box[1] + box[3]) / 2)] if text else []
            text = "".join(ln.text for ln in own) if (r, c) in lines else text
            cells.append(Cell(r, c, text, box, rs, cs, 0.9, (), tuple(own)))
    return Table(len(rows), n_cols, cells, (0, 0, n_cols * U, len(rows) * v), "rapidocr")


def texts(table: Table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


def test_a_name_cell_over_two_rows_is_cut_at_the_row_rule_beside_it_and_its_sliver_dropped():
    """三级 names of two lines in one cell (the row rule wore away, OCR read its remnant as
    `一`): each text centred in a row whose rule the target column prints."""
    t = ocr_table(
        [["防火宣传次数一防火巡查数量", ">18013次"], [None, ">23136次"]],
        {(0, 0): (2, 1)},
        {
            (0, 0): [
                line("防火宣传次数", 10, 50, 80),
                CellLine("一", (80, 98, 95, 102), 0.5),  # flat, on the lost rule at y=100
                line("防火巡查数量", 10, 150, 80),
            ]
        },
    )
    got, done = unmerge(t, range(0, 2))
    assert texts(got) == {
        (0, 0): "防火宣传次数",
        (1, 0): "防火巡查数量",
        (0, 1): ">18013次",
        (1, 1): ">23136次",
    }
    assert [c.bbox for c in got.cells if c.col == 0] == [(0, 0, 100, 100), (0, 100, 100, 200)]
    assert [ln.text for ln in done[0].remnants] == ["一"]
    assert (
        "cut at the rules" in done[0].note()
        and "'一' taken for a worn rule's remnant" in done[0].note()
    )


def test_names_merged_beside_a_merged_target_are_cut_at_the_rule_a_column_further_out_prints():
    """三级 names and their 指标值 both merged over two lines (the row rule lost across both
    columns, dev4 lg_39954_自评 p1): the cell beside the names prints no rule between them, the
    score column beyond does; each name is cut into its own row there."""
    t = ocr_table(
        [["2.新增就业数量3.创业培训人数", "≥56人≥40人", "5"], [None, None, "4"]],
        {(0, 0): (2, 1), (0, 1): (2, 1)},
        {
            (0, 0): [line("2.新增就业数量", 5, 50, 90), line("3.创业培训人数", 5, 150, 90)],
            (0, 1): [line("≥56人", 105, 50, 60), line("≥40人", 105, 150, 60)],
        },
    )
    got, done = unmerge(t, range(0, 2))
    assert texts(got) == {
        (0, 0): "2.新增就业数量",
        (1, 0): "3.创业培训人数",
        (0, 1): "≥56人",
        (1, 1): "≥40人",
        (0, 2): "5",
        (1, 2): "4",
    }
    assert [c.bbox for c in got.cells if c.col == 0] == [(0, 0, 100, 100), (0, 100, 100, 200)]
    assert done[0].note() == (
        "cell '2.新增就业数量3.创业培训人数': cut at the rules of the cells beside it (OCR found "
        "none inside it): 2.新增就业数量 | 3.创业培训人数"
    )


def test_the_nearest_column_printing_a_lost_row_rule_gives_its_y():
    """Two columns beyond print the lost rule at different heights (a skewed scan): the cut is
    the nearer column's; columns are searched nearest first, alternating sides."""
    t = ocr_table([["x", "名称甲名称乙", "a", "b"], ["y", None, "c", "d"]], {(0, 1): (2, 1)})
    far = next(c for c in t.cells if (c.row, c.col) == (0, 3))
    near = next(c for c in t.cells if (c.row, c.col) == (0, 2))
    cells = [c for c in t.cells if c not in (far, near)]
    cells += [replace(near, bbox=(200, 0, 300, 104)), replace(far, bbox=(300, 0, 400, 96))]
    t = replace(t, cells=cells)
    merged = next(c for c in t.cells if c.col == 1)
    assert columns_outward(t, merged) == [0, 2, 3]
    # column 0 prints the rule at 100 too and is as near as column 2: it is searched first
    assert lost_rules(t, merged) == [Cut(False, 0, 100.0)]
    t = replace(t, cells=[c for c in t.cells if c.col != 0])
    assert lost_rules(t, merged) == [Cut(False, 0, 104.0)]


def test_four_category_labels_stacked_in_one_cell_each_take_their_own_rows():
    """Two-line labels each centred over the rows of their group: one cut between groups,
    none between the wrapped lines of a label (which stand around a row rule)."""
    rows = [["经济效益指标（必填)社会效益指标（必填)", "a"], [None, "b"], [None, "c"]]
    t = ocr_table(
        rows,
        {(0, 0): (3, 1)},
        {(0, 0): [line("经济效益", 5, 50, 90), line("社会效益", 5, 180, 90),
                  line("指标", 20, 220)]},
    )  # fmt: skip
    got, _ = unmerge(t, range(0, 3))
    labels = sorted((c.row, c.rowspan, c.text) for c in got.cells if c.col == 0)
    assert labels == [(0, 1, "经济效益"), (1, 2, "社会效益指标")]


def test_a_label_wrapped_over_the_rule_of_two_rows_is_not_cut():
    """One label merged over two rows, its two lines gathered round the middle rule: neither
    line is centred in a row, so the cell is one printed label."""
    t = ocr_table(
        [["项目资金(万元)", "年度资金总额"], [None, "财政拨款"]],  # lines 26 px apart
        {(0, 0): (2, 1)},
        {(0, 0): [line("项目资金", 5, 72), line("(万元)", 5, 128)]},
    )
    assert unmerge(t, range(0, 2)) == (t, [])


def test_a_label_printed_upright_one_character_a_line_is_not_cut():
    """产/出/指/标 one under the other, each as it happens centred in a row beside: the lines
    stand closer than two cells' texts ever do (each cell's padding), so they are one label."""
    t = ocr_table(
        [["产出指标", "培训人次"], [None, "宣传次数"], [None, "检查次数"], [None, "覆盖人数"]],
        {(0, 0): (4, 1)},
        {(0, 0): [line(ch, 35, 20 + 40 * i) for i, ch in enumerate("产出指标")]},
        v=40,
    )
    assert unmerge(t, range(0, 4)) == (t, [])


def test_a_value_and_the_next_label_side_by_side_are_cut_at_the_column_rules_above():
    """主管部门's value, 实施单位 and its value in one cell: the row above prints the column
    rules the lost ones ran on."""
    t = ocr_table(
        [["项目名称", "a", "b", "c"], ["主管部门", "某县农业农村局实施单位某中心", None, None]],
        {(1, 1): (1, 3)},
        {(1, 1): [line("某县农业农村局", 105, 150, 90), line("实施单位", 210, 150, 80),
                  line("某中心", 305, 150, 60)]},
    )  # fmt: skip
    got, done = unmerge(t, range(0, 2))
    assert [texts(got)[(1, c)] for c in (1, 2, 3)] == ["某县农业农村局", "实施单位", "某中心"]
    assert len(done) == 1 and done[0].parts[1].bbox == (200, 100, 300, 200)


def test_a_line_crossing_the_column_rule_keeps_the_cell_whole():
    t = ocr_table(
        [["项目名称", "a", "b"], ["年度总体目标", "提升群众满意度和获得感", None]],
        {(1, 1): (1, 2)},
        {(1, 1): [line("提升群众满意度和获得感", 110, 150, 170)]},
    )
    assert unmerge(t, range(0, 2)) == (t, [])


def test_two_cells_lines_side_by_side_are_read_column_by_column():
    """No rule found between a name wrapped with its code and the label beside it: their lines
    interleave top to bottom, so the cell is read one column of lines after the other."""
    t = ocr_table(
        [["主管部门", "x"]],
        None,
        {(0, 1): [line("某县林业局", 105, 30, 60), line("实施单位：林场", 170, 45, 25),
                  line("(170726)", 110, 70, 50)]},
    )  # fmt: skip
    got, done = unmerge(t, range(0, 1))
    assert texts(got)[(0, 1)] == "某县林业局(170726) 实施单位：林场"
    assert done[0].reordered and "column by column" in done[0].note()


def test_a_text_layer_cell_has_no_lines_and_is_never_touched():
    t = ocr_table([["项目名称", "a", "b"], ["主管部门", "x 实施单位 y", None]], {(1, 1): (1, 2)})
    t = replace(t, cells=[replace(c, lines=()) for c in t.cells])
    assert unmerge(t, range(0, 2)) == (t, [])


def test_the_header_reads_a_label_and_values_its_lost_rules_ran_between():
    """The reader end to end: 主管部门's value, 实施单位 and its value OCR merged into one cell
    printed without a gap or colon (no text rule could split it); the rules of the row above
    tell where they were. The recovery is reported."""
    width = 4
    rows = [
        ["项目名称", "培训项目", "", ""],
        ["主管部门", "某县农业农村局实施单位某中心", None, None],
        *[r + [""] * (width - len(r)) for r in GRID],
    ]
    lines = {
        (1, 1): [line("某县农业农村局", 105, 150, 90), line("实施单位", 210, 150, 80),
                 line("某中心", 305, 150, 60)],
    }  # fmt: skip
    t = ocr_table(rows, {(1, 1): (1, 3)}, lines)
    title = [TextLine("部门项目支出预算绩效目标表", (0, -80, 400, -50)),
             TextLine("(2024 年度)", (0, -40, 400, -10))]  # fmt: skip
    page = PageGrid(1, 800, 1000, "px", False, PageStatus.EXTRACTED, "rapidocr", [t], title)
    (form,), problems = read_document([page])
    got = values(form)
    assert (got["department_name"], got["implementing_unit"]) == ("某县农业农村局", "某中心")
    assert any("cut at the rules of the cells beside it" in p for p in problems)


def test_a_speck_read_as_a_digit_is_dropped_but_a_flat_comparator_is_kept():
    """A digit under half the text height is dirt OCR read (`…满意度。` then a tiny `2`); a
    comparator `=` OCR read as the flat `二`, alone in its cell off any rule, is printed text."""
    t = ocr_table(
        [["年度总体目标", "提升满意度", "二"]],
        None,
        {
            (0, 1): [line("提升满意度", 105, 50, 80), CellLine("2", (150, 66, 158, 76), 0.6)],
            (0, 2): [CellLine("二", (240, 46, 254, 55), 0.9)],
        },
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {(0, 0): "年度总体目标", (0, 1): "提升满意度", (0, 2): "二"}
    assert len(done) == 1 and [ln.text for ln in done[0].remnants] == ["2"]


def test_what_starts_a_category_label_of_its_own():
    """The one test the label cut, a continuation's first label and the line grid's blocks ask
    (`starts_category_label`): a keyword, or a whole label that does not start with its own."""
    got = [
        starts_category_label(t)
        for t in ("数量指标（必填）", "服务对象满意度指标(必填)", "服务对象满意", "度指标", "指标")
    ]
    assert got == [True, True, False, False, False]


def test_a_dot_alone_on_its_line_is_a_speck_whatever_its_height():
    """dev3 lg_20895 p1: `•` read 11 px tall above a project name 24 px tall (0.45 of it, over
    half the numbers' height): the name landed as `•农村人居环境整治`, a project missed and one
    invented with all its lines. A dot alone on its line is no value; a dot inside one stays."""
    t = ocr_table(
        [["项目名称", "农村人居环境整治", "2.5·3"]],
        None,
        {
            (0, 1): [CellLine("•", (120, 30, 128, 41), 0.7), line("农村人居环境整治", 105, 55, 90)],
            (0, 2): [line("2.5·3", 205, 50, 60)],
        },
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {(0, 0): "项目名称", (0, 1): "农村人居环境整治", (0, 2): "2.5·3"}
    assert len(done) == 1 and [ln.text for ln in done[0].remnants] == ["•"]
    assert "'•' taken for a worn rule's remnant or a speck, not text" in done[0].note()


def test_an_ellipsis_alone_on_its_line_is_a_speck_too_a_colon_is_print():
    """dev7 lg_65210: `…` (10×4 px) read alone on a line over a 三级 name, landed
    `…指标3：保障人数达标率`: dots alone on a line are no value. A colon alone on its line is a
    label's colon wrapped (`项目名称` over `:`): it stays."""
    t = ocr_table(
        [["项目名称", "指标3：达标率"]],
        None,
        {
            (0, 0): [line("项目名称", 5, 20, 80), CellLine(":", (40, 45, 48, 61), 0.9)],
            (0, 1): [CellLine("…", (140, 24, 150, 28), 0.87), line("指标3：达标率", 105, 60, 80)],
        },
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {(0, 0): "项目名称:", (0, 1): "指标3：达标率"}
    assert [ln.text for d in done for ln in d.remnants] == ["…"]


def test_a_digit_on_the_cells_border_away_from_its_centred_text_is_a_mark_not_print():
    """dev4 lg_39119_自评 p2: a `7` 0.75 text heights tall 4 px over the cell's lower rule,
    far under `部分完成` centred in the cell (read `部分完成7`); lg_39954_自评 p3: a `1` 5 px
    under the top rule over `>87%`; lg_38280_自评 p2: a `7` on the top rule over the weight
    `5` (read `7 5`, no weight). Each is dropped and noted. A digit level with the text
    (`95` beside `完成率`), a wrapped value's last line in the centred block, and a digit on
    the border of a cell whose text is not centred without it all stay."""
    v = 200.0
    t = ocr_table(
        [["部分完成", ">87%", "5", "完成率95", "达到", "6"]],
        None,
        {
            (0, 0): [line("部分完成", 5, 100, 80), CellLine("7", (85, 172, 97, 196), 0.7)],
            (0, 1): [CellLine("1", (150, 5, 158, 30), 0.6), line(">87%", 130, 110, 40)],
            (0, 2): [CellLine("7", (280, 4, 290, 26), 0.6), line("5", 245, 100, 12)],
            (0, 3): [line("完成率", 305, 100, 60), line("95", 370, 100, 20)],
            (0, 4): [line("达到", 405, 85, 40), line("9", 405, 120, 12)],
            (0, 5): [line("6", 505, 25, 12), line("完成", 505, 60, 40)],
        },
        v=v,
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {
        (0, 0): "部分完成",
        (0, 1): ">87%",
        (0, 2): "5",
        (0, 3): "完成率95",
        (0, 4): "达到9",
        (0, 5): "6完成",
    }
    assert [[ln.text for ln in d.remnants] for d in done] == [["7"], ["1"], ["7"]]
    assert [(d.cell.row, d.cell.col) for d in done] == [(0, 0), (0, 1), (0, 2)]
    assert "'7' taken for a worn rule's remnant or a speck, not text" in done[0].note()


def test_a_glyph_or_stroke_on_the_cells_border_away_from_its_centred_name_is_a_mark():
    """dev6 lg_54040 p2: a seal's `平`, cut off at the top rule of the 三级 cell, far over the
    name `游客满意度` centred in the cell (landed `平游客满意度`); a rule's stroke read `丨`,
    `l` or `!` on the border the same. Each is dropped and noted. A printed character stays: the
    wrapped last character of a centred name (`响`, level with the block), one character on
    the border of a cell whose text is not centred without it, and two CJK characters (a
    word, not a mark) on the border."""
    v = 200.0
    t = ocr_table(
        [["游客满意度", "满意度", "完成率", "的影响", "完成", "指标", "合格率"]],
        None,
        {
            (0, 0): [CellLine("平", (20, 2, 56, 40), 0.5), line("游客满意度", 10, 110, 80)],
            (0, 1): [line("满意度", 110, 100, 60), CellLine("丨", (104, 175, 116, 198), 0.4)],
            (0, 2): [CellLine("l", (205, 3, 217, 30), 0.4), line("完成率", 210, 100, 60)],
            (0, 3): [line("对本行业的影", 305, 85, 90), line("响", 305, 118, 15)],
            (0, 4): [line("是", 405, 18, 15), line("完成", 405, 55, 40)],
            (0, 5): [CellLine("达到", (505, 3, 535, 30), 0.6), line("指标", 505, 100, 40)],
            (0, 6): [line("合格率", 610, 100, 60), CellLine("!", (604, 175, 616, 198), 0.4)],
        },
        v=v,
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {
        (0, 0): "游客满意度",
        (0, 1): "满意度",
        (0, 2): "完成率",
        (0, 3): "对本行业的影响",
        (0, 4): "是完成",
        (0, 5): "达到指标",
        (0, 6): "合格率",
    }
    assert [[ln.text for ln in d.remnants] for d in done] == [["平"], ["丨"], ["l"], ["!"]]
    assert "'平' taken for a worn rule's remnant or a speck, not text" in done[0].note()


def test_a_short_mark_on_the_border_hard_over_the_centred_name_is_a_mark():
    """dev6 lg_54042 p1: a `W` 0.55 text heights tall 5 px under the top rule of a 三级 cell
    75 px tall, 2 px over `保障消费者基本权益` centred in it (landed `W保障…`): dropped and
    noted. A `1` the full text height in the same place is a printed line hard by the name
    (a numbered name's number wrapped over it) and stays."""
    v = 75.0
    t = ocr_table(
        [["保障消费者基本权益", "促进社会和谐"]],
        None,
        {
            (0, 0): [CellLine("W", (12, 5, 30, 21), 0.5), line("保障消费者基本权益", 5, 38, 90)],
            (0, 1): [CellLine("1", (112, 2, 122, 28), 0.8), line("促进社会和谐", 105, 45, 90)],
        },
        v=v,
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got) == {(0, 0): "保障消费者基本权益", (0, 1): "1促进社会和谐"}
    assert [[ln.text for ln in d.remnants] for d in done] == [["W"]]


def test_a_seal_glyph_cut_by_the_rule_under_the_name_is_no_part_of_the_name():
    """dev lg_7259: a red seal's `政`, lifted no lighter than print, read across the rule under
    the project's name in a box 0.46 text heights tall far right of the name: part of a glyph,
    not a character of the name (the project was lost from the join). A printed character
    alone on its line (`升`, a wrapped line's last) stands the full text height and stays."""
    width = 4
    rows = [
        ["项目名称", "农村危房改造政", None, None],
        ["主管部门", "某县住房和城乡建设局", "实施单位", "持续提升"],
        *[r + [""] * (width - len(r)) for r in GRID],
    ]
    lines = {
        (0, 1): [line("农村危房改造", 105, 45, 90), CellLine("政", (330, 84, 345, 98), 0.55)],
        (1, 3): [line("持续提", 305, 135, 60), line("升", 305, 168, 15)],
    }
    t = ocr_table(rows, {(0, 1): (1, 3)}, lines)
    title = [TextLine("部门项目支出预算绩效目标表", (0, -80, 400, -50)),
             TextLine("(2024 年度)", (0, -40, 400, -10))]  # fmt: skip
    page = PageGrid(1, 800, 1000, "px", False, PageStatus.EXTRACTED, "rapidocr", [t], title)
    (form,), problems = read_document([page])
    got = values(form)
    assert (got["project_name"], got["implementing_unit"]) == ("农村危房改造", "持续提升")
    assert any("'政' taken for a worn rule's remnant or a speck" in p for p in problems)


def test_a_streak_along_the_cells_rule_read_as_a_letter_is_the_rules_remnant():
    """`T` in a box five times wider than tall, on the rule under the project's name: a smear
    of the rule, not a letter of the name (which would stand about square)."""
    t = ocr_table(
        [["项目名称", "特困人员供养经费T", ""]],
        None,
        {(0, 1): [line("特困人员供养经费", 105, 50, 80), CellLine("T", (145, 82, 195, 98), 0.5)]},
    )
    got, done = unmerge(t, range(0, 1))
    assert texts(got)[(0, 1)] == "特困人员供养经费"
    assert [ln.text for ln in done[0].remnants] == ["T"]


def test_a_label_wrapped_beside_its_value_is_read_word_column_by_word_column():
    """OCR read one line across three lost cells (`年度资金总 569.5 其中：财政`) and the wrapped
    rests of both labels under it (`额 拨款`): the words stand in columns, read one after the
    other, so each label is whole again before its value."""
    t = ocr_table(
        [["项目资金", "x"]],
        None,
        {(0, 1): [CellLine("年度资金总 569.5 其中：财政", (102, 20, 400, 45), 0.9),
                  CellLine("额 拨款", (120, 55, 390, 80), 0.9)]},
        v=100,
    )  # fmt: skip
    t = replace(t, cells=[replace(c, bbox=(c.bbox[0], 0, c.bbox[2] + 300 * c.col, 100))
                          for c in t.cells])  # fmt: skip
    got, done = unmerge(t, range(0, 1))
    assert texts(got)[(0, 1)] == "年度资金总额 569.5 其中：财政拨款"
    assert done[0].reordered


def test_a_paragraph_wrapped_under_the_first_words_of_a_line_with_a_gap_keeps_its_order():
    t = ocr_table(
        [["总体目标", "x"]],
        None,
        {(0, 1): [CellLine("1.按计划完成任务：2 加强资金监管", (102, 20, 600, 45), 0.9),
                  CellLine("确保安全。", (102, 55, 230, 80), 0.9)]},
    )  # fmt: skip
    assert unmerge(t, range(0, 1)) == (t, [])


def _read_header_rows(funds_label_mid: float) -> tuple[dict, list[str]]:
    """A header whose funds label OCR read as `年度资金` (its wrapped `总额` lost), its line's
    middle at `funds_label_mid` in a cell from y=100 to 200."""
    rows = [["项目名称", "培训项目", "", ""], ["年度资金", "10", "", ""],
            *INDICATORS]  # fmt: skip
    return _read_plan_page(
        ocr_table(rows, None, {(1, 0): [line("年度资金", 5, funds_label_mid, 90)]})
    )


def _read_plan_page(t: Table) -> tuple[dict, list[str]]:
    """`t` read as the one table of a 绩效目标表 page of 2024: its values and the problems."""
    title = [TextLine("部门项目支出预算绩效目标表", (0, -80, 400, -50)),
             TextLine("(2024 年度)", (0, -40, 400, -10))]  # fmt: skip
    page = PageGrid(1, 800, 1000, "px", False, PageStatus.EXTRACTED, "rapidocr", [t], title)
    (form,), problems = read_document([page])
    return values(form), problems


def test_a_label_standing_high_in_its_cell_is_the_one_label_it_begins():
    """`年度资金` standing half a text height above its cell's middle: the wrapped rest of
    年度资金总额 was there and OCR lost it; read as that label, reported."""
    got, problems = _read_header_rows(150 - 0.5 * H)
    assert got["total_funds"] == "10"
    assert any("read as the label 年度资金总额" in p for p in problems)


def test_a_centred_start_of_a_label_is_not_read_as_the_label():
    got, problems = _read_header_rows(150)
    assert "total_funds" not in got or got["total_funds"] != "10"
    assert not any("read as the label 年度资金总额" in p for p in problems)


def test_a_blank_sliver_of_a_column_is_part_of_the_cell_beside_it_that_prints_text():
    """A stray rule beside the 三级 column's left rule makes a grid column too narrow to print
    anything: the name beside it covers it, so the column read at the sliver finds the name."""
    t = ocr_table(
        [
            ["二级指标", "三级指标", None, "指标值"],
            ["数量指标", "", "指标1:完成管网铺设", "14公里"],
        ],
        {(0, 1): (1, 2)},
    )
    t = replace(
        t,
        cells=[
            replace(c, bbox=(100, 100, 110, 200)) if (c.row, c.col) == (1, 1)
            else replace(c, bbox=(110, 100, 200, 200)) if (c.row, c.col) == (1, 2)
            else c
            for c in t.cells
        ],
    )  # fmt: skip
    got, done = unmerge(t, range(1, 2))
    name = got.at(1, 1)
    assert name is not None and (name.text, name.col, name.colspan) == ("指标1:完成管网铺设", 1, 2)
    assert name.bbox == (100, 100, 200, 200) and got.at(1, 2) is name
    assert "blank sliver" in done[0].note()


def test_a_blank_cell_as_wide_as_text_stays_a_cell_of_its_own():
    t = ocr_table([["数量指标", "", "指标1:完成管网铺设", "14公里"]])
    assert unmerge(t, range(0, 1)) == (t, [])


def test_a_category_label_spaced_over_two_rows_stays_one_label_in_its_column():
    """`效益` centred in one row and `指标` in the next look like two cells to geometry alone;
    in a 一级/二级 column a cut stands only when every part starts a category label of its own."""
    rows = [["效益指标", "社会效益指标", "a"], [None, "可持续影响指标", "b"]]
    lines = {(0, 0): [line("效益", 5, 50, 60), line("指标", 5, 150, 60)]}
    t = ocr_table(rows, {(0, 0): (2, 1)}, lines)
    cut, _ = unmerge(t, range(0, 2))
    assert texts(cut)[(1, 0)] == "指标"  # what geometry alone would do
    cols = GridColumns(by_field={"level1": 0, "level2": 1, "indicator_name": 2}, n_cols=3)
    kept, done = unmerge(t, range(0, 2), _one_label_each(cols))
    assert texts(kept) == texts(t) and done == []


def test_two_category_labels_stacked_in_a_label_column_are_still_cut():
    rows = [["数量指标质量指标", "a"], [None, "b"]]
    lines = {(0, 0): [line("数量指标", 5, 50, 90), line("质量指标", 5, 150, 90)]}
    t = ocr_table(rows, {(0, 0): (2, 1)}, lines)
    cols = GridColumns(by_field={"level2": 0, "indicator_name": 1}, n_cols=2)
    got, _ = unmerge(t, range(0, 2), _one_label_each(cols))
    assert texts(got) == {(0, 0): "数量指标", (1, 0): "质量指标", (0, 1): "a", (1, 1): "b"}


def test_stacked_labels_ending_with_one_not_starting_with_its_keyword_are_cut():
    """dev3 lg_20656 p2: 时效指标 | 社会效益指标 | 服务对象满意度指标 in one 二级 cell an OCR
    grid merged over three lines; 服务对象满意度指标 starts with no keyword (its keyword is 满意),
    so the cell was kept whole and all three lines took 时效指标. A whole category label starts
    a label of its own too; a wrapped label's second line (`度指标`) still does not."""
    rows = [["时效指标社会效益指标服务对象满意度指标", "a"], [None, "b"], [None, "c"]]
    lines = {
        (0, 0): [
            line("时效指标(必填)", 5, 50, 90),
            line("社会效益指标(必填)", 5, 150, 90),
            line("服务对象满意度指标(必填)", 2, 250, 96),
        ]
    }
    t = ocr_table(rows, {(0, 0): (3, 1)}, lines)
    cols = GridColumns(by_field={"level2": 0, "indicator_name": 1}, n_cols=2)
    got, _ = unmerge(t, range(0, 3), _one_label_each(cols))
    assert texts(got) == {
        (0, 0): "时效指标(必填)",
        (1, 0): "社会效益指标(必填)",
        (2, 0): "服务对象满意度指标(必填)",
        (0, 1): "a",
        (1, 1): "b",
        (2, 1): "c",
    }
    lines[(0, 0)][2] = line("度指标(必填)", 5, 250, 90)
    kept, _ = unmerge(ocr_table(rows, {(0, 0): (3, 1)}, lines), range(0, 3), _one_label_each(cols))
    assert texts(kept)[(0, 0)] == "时效指标(必填)社会效益指标(必填)度指标(必填)"


def _packed(left: list[tuple[str, float]], right: list[tuple[str, float]]) -> list[str] | None:
    """The parts `read_cell` cuts a grid line's 二级 | 三级 cell into, OCR having lost the rule
    at x 471 between them that the heading row prints (dev lg_6682_自评 p2): `left` lines end
    and `right` lines start (text, x) 2 px either side of it."""
    lines = [
        CellLine(t, (347.0, 520.0 + 36 * i, x, 552.0 + 36 * i)) for i, (t, x) in enumerate(left)
    ]
    lines += [
        CellLine(t, (x, 540.0 + 36 * i, 650.0, 572.0 + 36 * i)) for i, (t, x) in enumerate(right)
    ]
    merged = Cell(1, 0, "".join(ln.text for ln in lines), (343.0, 473.0, 655.0, 670.0), colspan=2,
                  lines=tuple(lines))  # fmt: skip
    heads = [
        Cell(0, 0, "二级指标", (343.0, 400.0, 471.0, 473.0)),
        Cell(0, 1, "三级指标", (471.0, 400.0, 655.0, 473.0)),
    ]
    table = Table(2, 2, [*heads, merged], (343.0, 400.0, 655.0, 670.0), "ocr")
    got = read_cell(table, merged, 36.0)
    return None if got is None else [p.text for p in got.parts]


def test_two_columns_of_wrapped_lines_packed_up_to_a_lost_rule_are_cut_there() -> None:
    """`服务对象 / 满意度指 / 标(必填)` beside `服务对象满意 / 度`, 2 px apart at the lost rule:
    no room for the gap a cut asks, yet two wrapped columns, none of their lines across it."""
    left = [("服务对象", 468.0), ("满意度指", 471.0), ("标(必填)", 463.0)]
    right = [("服务对象满意", 473.0), ("度", 543.0)]
    assert _packed(left, right) == ["服务对象满意度指标(必填)", "服务对象满意度"]


def test_a_single_line_either_side_or_a_line_across_the_rule_keeps_the_cell_whole() -> None:
    """One line on a side is no column of wrapped lines (a name's words set close); a line
    ending 4 px past the rule crosses it."""
    assert _packed([("服务对象", 468.0)], [("服务对象满意", 473.0), ("度", 543.0)]) is None
    crossing = [("服务对象", 468.0), ("满意度指", 475.0), ("标(必填)", 463.0)]
    assert _packed(crossing, [("服务对象满意", 477.0), ("度", 543.0)]) is None


def test_a_cut_band_reads_its_printed_rows_top_to_bottom_each_left_to_right():
    """Funds rows in one merged cell on a skewed scan (dev5 lg_47409 p2, rules lost): each
    value's OCR box stands taller than its label's, its top above the label's. Read by top
    edge, each value came before its label and each label took the next row's value; read
    by printed rows (boxes overlapping by half the smaller height), each label keeps its own.
    The wrapped label in the band beside overlaps its next line by a third (OCR pads its
    boxes): still two rows, in order."""
    t = ocr_table(
        [["项目名称", "a", None], ["x", None, None]],
        {(0, 1): (1, 2), (1, 0): (1, 3)},
        {(1, 0): [CellLine("项目资金", (5, 105, 85, 145), 0.9),
                  CellLine("(万元)", (5, 132, 55, 172), 0.9),
                  CellLine("426", (240, 104, 270, 146), 0.9),
                  CellLine("年度资金总额", (110, 110, 220, 140), 0.9),
                  CellLine("168.153", (230, 154, 290, 196), 0.9),
                  CellLine("其中：本级财政资金", (110, 160, 225, 190), 0.9)]},
    )  # fmt: skip
    got, done = unmerge(t, range(1, 2))
    assert [texts(got)[(1, c)] for c in (0, 1)] == [
        "项目资金(万元)",
        "年度资金总额426其中：本级财政资金168.153",
    ]
    assert len(done) == 1 and [p.bbox for p in done[0].parts] == [
        (0, 100, 100, 200),
        (100, 100, 300, 200),
    ]


def _header_with_a_mark_before_the_name(mark: str) -> tuple[dict, list[str]]:
    """项目名称's value cell, merged over three grid columns, printing `mark` in the first
    column and the name across the other two; the row below prints the rules between them."""
    rows = [
        ["项目名称", f"{mark}司法救助资金", None, None],
        ["主管部门", "某县委政法委", "实施单位", "某中心"],
        *[r + [""] * (4 - len(r)) for r in GRID],
    ]
    lines = {(0, 1): [line(mark, 110, 50, H * 0.7 * len(mark)), line("司法救助资金", 215, 50, 170)]}
    return _read_plan_page(ocr_table(rows, {(0, 1): (1, 3)}, lines))


def test_a_mark_cut_off_a_wide_value_is_dropped_and_said():
    """The cut of a merged value cell leaves a mark (`L`, a speck OCR read as a letter, dev4
    lg_38820_自评 p1) in a cell of its own before the name: the value does not run on over it.
    The cut and the drop are both in the problems."""
    got, problems = _header_with_a_mark_before_the_name("L")
    assert got["project_name"] == "司法救助资金"
    assert [p for p in problems if "a mark cut off" in p] == [
        "page 1: header cell 'L': a mark cut off the 项目名称 value '司法救助资金' (no CJK, "
        "no digit): not part of the value, dropped"
    ]


def test_a_cut_off_part_printing_a_digit_or_cjk_stays_in_the_value():
    """A part holding a digit or a CJK glyph may be the value's own start: it runs on as before."""
    for start in ("2", "新"):
        got, problems = _header_with_a_mark_before_the_name(start)
        assert got["project_name"] == f"{start}司法救助资金"
        assert not any("a mark cut off" in p for p in problems)


def test_a_cells_only_line_one_glyph_of_a_seals_size_is_kept_and_said():
    """dev6 lg_54040 p2: a 三级 name's cell read `委` alone, a glyph 78×66 px on a page whose
    text stands 28 px tall (a seal's character over the name, which is unread): landed as the
    name with nothing said. Kept as read and noted. A printed glyph alone in its cell (`是`,
    one text height square) and a seal-size glyph beside a printed line are not this."""
    v = 150.0
    t = ocr_table(
        [["委", "是", "效委"], ["保障游客基本权益", "显著增强", "完成"]],
        None,
        {
            (0, 0): [CellLine("委", (30, 40, 108, 106), 0.99)],
            (0, 2): [line("效", 210, 30), CellLine("委", (230, 60, 308, 126), 0.99)],
        },
        v=v,
    )
    got, done = unmerge(t, range(0, 2))
    assert texts(got)[(0, 0)] == "委"
    assert [d.cell.text for d in done if d.seal_glyph is not None] == ["委"]
    said = next(d for d in done if d.seal_glyph is not None).note()
    assert said == (
        "cell '委': '委', all it reads, is one glyph 78×66 px: a seal's character's size, no "
        "printed one's; what the seal covers is unread, kept as read"
    )
