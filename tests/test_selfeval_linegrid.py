"""A self-evaluation grid OCR recovered as ONE cell with no row below it (its rules lost): the
grid rebuilt from where its lines stand (`flows.forms.linegrid`; dev scans lg_4721 p2, lg_4704
p4 of `--range dev`, shortened here to a synthetic page of measured proportions)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.linegrid import _label_runs, rebuild
from flows.models import Cell, CellLine, Table
from tests.test_forms import ocr_page

H = 40.0  # the text height of the page
# heading stacks: (text lines, left, right); 分值 wrapped over two lines
HEADS = [
    (["一级指标"], 0, 100),
    (["二级指标"], 110, 210),
    (["三级指标"], 220, 380),
    (["年度指标值"], 390, 500),
    (["实际完成", "值"], 510, 620),
    (["分", "值"], 630, 680),
    (["得分"], 690, 740),
]


def _line(text: str, x0: float, x1: float, mid: float) -> CellLine:
    return CellLine(text, (x0, mid - H / 2, x1, mid + H / 2), 0.99)


def _grid_lines() -> list[CellLine]:
    """The heading (two text lines at y 120 and 160) and three indicator lines (row middles
    220, 290, 360; the second one's name wrapped over two text lines) and the 总分 line (430)."""
    out = []
    for texts, x0, x1 in HEADS:
        mids = [140.0] if len(texts) == 1 else [120.0, 160.0]
        out += [_line(t, x0 + 5, x1 - 5, m) for t, m in zip(texts, mids, strict=True)]
    out += [
        _line("产出指标", 5, 95, 255),  # merged over the first two lines, centred on them
        _line("数量指标", 115, 205, 220),
        _line("质量指标", 115, 205, 290),
        _line("效益指标", 5, 95, 360),
        _line("社会效益指标", 115, 205, 360),
        _line("完成人数", 225, 375, 220),
        _line("1402人", 395, 495, 220),
        _line("1402人", 515, 615, 220),
        _line("7", 645, 665, 220),
        _line("7", 705, 725, 220),
        _line("验收合格率达到", 225, 375, 272),
        _line("标准", 225, 300, 308),
        _line("≥90%", 395, 495, 290),
        _line("部分完成 3", 515, 672, 290),  # OCR ran the weight into the actual value
        _line("2.5", 700, 730, 290),
        _line("促进增收", 225, 375, 360),
        _line("有效", 395, 495, 360),
        _line("有效", 515, 615, 360),
        _line("5", 645, 665, 360),
        _line("5", 705, 725, 360),
        _line("总分", 5, 95, 430),
        _line("15", 640, 670, 430),
        _line("14.5", 695, 735, 430),
    ]
    return out


def _table() -> Table:
    """项目名称 row on top (with its own rules), the grid glued into one cell under it."""
    lines = _grid_lines()
    return Table(
        n_rows=6,
        n_cols=4,
        cells=[
            Cell(0, 0, "项目名称", (0, 0, 200, 80), colspan=2),
            Cell(0, 2, "测试项目", (200, 0, 750, 80), colspan=2),
            Cell(
                1, 0, " ".join(ln.text for ln in lines), (0, 80, 750, 470), 5, 4, lines=tuple(lines)
            ),
        ],
        bbox=(0, 0, 750, 470),
        extractor="rapidocr",
    )


def test_a_grid_glued_into_one_cell_is_rebuilt_by_its_heads_and_numeric_lines() -> None:
    table = _table()
    found = rebuild(table, table.cells[2])
    assert found is not None
    grid = found.grid
    assert (grid.n_rows, grid.n_cols) == (5, 7)  # the heading and four rows (分值's lines)
    assert [grid.at(0, c).text for c in range(7)] == [  # type: ignore[union-attr]
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
    ]  # fmt: skip
    texts = [[(grid.at(r, c).text if grid.at(r, c) else None) for c in range(7)] for r in (1, 2, 3)]
    assert texts == [
        ["产出指标", "数量指标", "完成人数", "1402人", "1402人", "7", "7"],
        ["产出指标", "质量指标", "验收合格率达到标准", "≥90%", "部分完成", "3", "2.5"],
        ["效益指标", "社会效益指标", "促进增收", "有效", "有效", "5", "5"],
    ]
    level1 = grid.at(1, 0)
    assert level1 is not None and (level1.row, level1.rowspan) == (1, 2)  # merged, as printed
    total = grid.at(4, 0)
    assert total is not None and (total.text, total.colspan) == ("总分", 2)
    # the rest of the cell (nothing above the heading here) stays in the table above
    assert found.above.cells[2].lines == ()


def test_the_reader_reads_the_rebuilt_grid_with_a_note() -> None:
    (form,), problems = read_document([ocr_page(1, _table(), lines=("项目支出绩效自评表",))])
    got = [
        (i.level1.value, i.level2.value, i.name.value, i.target.value)
        + tuple(i.extra[f].value for f in ("actual", "weight", "score"))
        for i in form.indicators
    ]
    assert got == [
        ("产出指标", "数量指标", "完成人数", "1402人", "1402人", "7", "7"),
        ("产出指标", "质量指标", "验收合格率达到标准", "≥90%", "部分完成", "3", "2.5"),
        ("效益指标", "社会效益指标", "促进增收", "有效", "有效", "5", "5"),
    ]
    assert (form.fields["overall_weight"].value, form.fields["overall_score"].value) == (
        "15",
        "14.5",
    )
    assert any("no rule found inside it holds the grid's heading" in p for p in problems)


def test_no_rebuild_without_a_grid_heading_among_the_lines() -> None:
    lines = [ln for ln in _grid_lines() if ln.bbox[1] > 200]  # the heading's lines gone
    cell = Cell(1, 0, "x", (0, 80, 750, 470), 5, 4, lines=tuple(lines))
    table = Table(
        6, 4, [Cell(0, 0, "项目名称", (0, 0, 750, 80), colspan=4), cell], (0, 0, 750, 470), "r"
    )
    assert rebuild(table, cell) is None


def test_no_rebuild_of_a_cell_with_a_row_below_it() -> None:
    table = _table()
    cell = table.cells[2]
    taller = Table(
        7, 4, [*table.cells, Cell(6, 0, "填表人", (0, 470, 750, 500), colspan=4)], table.bbox, "r"
    )
    assert rebuild(taller, cell) is None


def test_label_runs_part_the_rows_by_where_each_label_is_centred() -> None:
    def block(top: float, bottom: float) -> list[CellLine]:
        return [CellLine("x", (0, top, 10, bottom))]

    bounds = [0.0, 60.0, 120.0, 180.0, 240.0]  # four rows of 60
    # one label centred on the first three rows (middle 90), one on the fourth (210)
    assert _label_runs([block(70, 110), block(190, 230)], bounds) == [(0, 2), (3, 3)]
    # one label over all four rows
    assert _label_runs([block(100, 140)], bounds) == [(0, 3)]
    # more labels than rows: none
    assert _label_runs([block(0, 10)] * 5, bounds) is None


def test_a_grid_heading_after_the_total_row_is_no_continuation_of_that_grid() -> None:
    """A grid under a 总分 row (its own form's 项目名称 lost to OCR: lg_4704 p4) is another
    form's: not appended to the closed grid above."""
    from tests.test_forms import page, table
    from tests.test_selfeval_reader import GRID, GRID_HEAD, TITLE

    first = [["项目名称", "农作物病虫害防治", "", "", "", "", "", ""], *GRID]
    other = [GRID_HEAD, ["", "产出指标", "数量指标", "接种剂次", ">33剂次", "33剂次", "7", "7"]]
    (form,), problems = read_document(
        [page(1, table(first, {(0, 1): (1, 7)}), lines=TITLE), page(2, table(other))]
    )
    assert [i.name.value for i in form.indicators] == ["防治面积"]
    assert (
        "page 2: a table with an indicator grid but no 项目名称/部门名称 (2×8); not read as a "
        "绩效目标表 or 自评表, and not appended to another table"
    ) in problems


# ---------------------------------------------------------------- a seal over a merged cell


def _sealed_cell(seal: bool) -> Table:
    """A label column (col 0) merged by OCR with the name and target columns over two rows
    (dev scan lg_5716 p2): the heading row above prints the column rules, the weight column
    beside it the row rule; a seal's two big characters lie across it all."""
    lines = [
        CellLine("满意度", (10, 120, 85, 160)),  # the label, centred over both rows
        CellLine("甲指标", (110, 80, 285, 120)),
        CellLine("乙指标", (110, 160, 285, 200)),
        CellLine("≥90%", (315, 80, 390, 120)),
        CellLine("≥80%", (315, 160, 390, 200)),
    ]
    if seal:
        lines.append(CellLine("县委", (50, 70, 250, 210)))  # 200 × 140: over 3 text heights
    heads = [("一级指标", 0, 100), ("三级指标", 100, 300), ("指标值", 300, 400), ("分值", 400, 460)]
    cells = [Cell(0, c, t, (x0, 0, x1, 60)) for c, (t, x0, x1) in enumerate(heads)]
    cells += [
        Cell(1, 0, " ".join(ln.text for ln in lines), (0, 60, 400, 220), 2, 3, lines=tuple(lines)),
        Cell(1, 3, "4", (400, 60, 460, 140), lines=(CellLine("4", (420, 80, 440, 120)),)),
        Cell(2, 3, "3", (400, 140, 460, 220), lines=(CellLine("3", (420, 160, 440, 200)),)),
    ]
    return Table(3, 4, cells, (0, 0, 460, 220), "rapidocr")


def test_a_seals_text_is_dropped_and_the_cell_cut_with_its_label_column_kept_whole() -> None:
    from flows.forms.celllines import unmerge

    def label_column(cell: Cell, parts: list[Cell]) -> bool:
        return cell.col == 0

    table, done = unmerge(_sealed_cell(seal=True), range(1, 3), label_column)
    got = sorted((c.row, c.col, c.rowspan, c.text) for c in table.cells if c.row > 0)
    assert got == [
        (1, 0, 2, "满意度"),  # the label column's part: merged down, as printed
        (1, 1, 1, "甲指标"),
        (1, 2, 1, "≥90%"),
        (1, 3, 1, "4"),
        (2, 1, 1, "乙指标"),
        (2, 2, 1, "≥80%"),
        (2, 3, 1, "3"),
    ]
    (u,) = done
    assert [ln.text for ln in u.seals] == ["县委"]
    assert "'县委' taken for a seal's text" in u.note()


def test_a_line_one_text_height_tall_is_never_taken_for_a_seal() -> None:
    from flows.lineshapes import is_seal_text

    assert is_seal_text(CellLine("县委", (50, 70, 250, 210)), 40)
    assert not is_seal_text(CellLine("一条很长的偏差原因说明文字", (0, 0, 600, 40)), 40)
    assert not is_seal_text(CellLine("绩效指标", (0, 0, 40, 200)), 40)  # printed upright


def test_a_printed_label_whose_lines_a_seal_joined_is_not_the_seals_text() -> None:
    """Dev lg_4892 p1: `时效指标（必填` over its `）`, a seal's glyph between them, read as one
    line 233 x 82 px on text 27 px high (3.04 text heights tall, 8.6 wide): its seven characters
    stand 1.2 text heights apart, as printed type does; a seal's two stand 2.5 and more."""
    from flows.lineshapes import is_seal_text

    assert not is_seal_text(CellLine("时效指标（必填", (388, 1032, 621, 1114)), 27)
    assert is_seal_text(CellLine("县委", (388, 1032, 621, 1114)), 27)
    assert not is_seal_text(CellLine("", (388, 1032, 621, 1114)), 27)


# ---------------------------------------------------------------- the grid mark's head misread


def _read_with_actual_head(head: str) -> tuple[list[str | None], list[str]]:
    from tests.test_forms import page, table
    from tests.test_selfeval_reader import GRID, TITLE

    grid = [list(GRID[0]), *GRID[1:]]
    grid[0][5] = head
    rows = [["项目名称", "农作物病虫害防治", "", "", "", "", "", ""], *grid]
    (form,), problems = read_document([page(1, table(rows, {(0, 1): (1, 7)}), lines=TITLE)])
    actual = [i.extra["actual"].value if "actual" in i.extra else None for i in form.indicators]
    return actual, problems


def test_the_self_evaluations_actual_head_misread_in_its_middle_is_still_its_column() -> None:
    got, problems = _read_with_actual_head("5实标麻值")  # dev scan lg_5803: 实际完成值
    assert got == ["1385亩"]
    assert (
        "page 1: column heading '5实标麻值' read as actual: the column the form's grid must "
        "print was not found, and the one heading left unknown prints, in order, its first and "
        "last characters or most of its characters (OCR misread the rest)"
    ) in problems


def test_the_actual_head_with_a_glyph_lost_and_its_last_misread_is_still_its_column() -> None:
    """`-实际成信` (dev scan lg_8588: 完 lost, 值 read 信): no last character, but three of the
    five of 实际完成值 in order; the form's one telling column missing, it is that column (its
    17 actuals were not read)."""
    got, problems = _read_with_actual_head("-实际成信")
    assert got == ["1385亩"]
    assert any("column heading '-实际成信' read as actual" in p for p in problems)
    assert not any("'-实际成信' is not in the" in p for p in problems)


def test_a_head_printing_under_half_of_the_marks_characters_stays_unknown() -> None:
    """`实际信` holds two characters of a spelling in order (实际 of 实际值): under three, too
    little to tell the column from any other head OCR misread."""
    got, problems = _read_with_actual_head("实际信")
    assert got == [None]
    assert any("column heading '实际信' is not in the" in p for p in problems)


def test_a_head_without_the_marks_first_and_last_characters_stays_unknown() -> None:
    got, problems = _read_with_actual_head("5标麻值")
    assert got == [None]
    assert any("column heading '5标麻值' is not in the" in p for p in problems)


# ---------------------------------------------------------------- the 三级指标 head misread


def _read_with_name_head(head: str) -> tuple[list[str], list[str]]:
    from tests.test_forms import page, table
    from tests.test_selfeval_reader import GRID, TITLE

    grid = [list(GRID[0]), *GRID[1:]]
    grid[0][3] = head
    rows = [["项目名称", "农作物病虫害防治", "", "", "", "", "", ""], *grid]
    forms, problems = read_document([page(1, table(rows, {(0, 1): (1, 7)}), lines=TITLE)])
    names = [i.name.value for f in forms for i in f.indicators]
    return names, problems


def test_the_name_head_misread_is_named_by_its_place_between_level2_and_the_value() -> None:
    """`三级期` (dev scan lg_7041_自评: a seal over 指标): no grid heading was found, and the
    whole indicator grid with its 总分 was read as header cells. The one cell between 二级指标
    and 年度指标值 holding two characters of 三级指标 in order is that column."""
    names, problems = _read_with_name_head("三级期")
    assert names == ["防治面积"]
    assert (
        "page 1: column heading '三级期' read as indicator_name by its place: the one heading "
        "cell between 二级指标 and the value, holding part of 三级指标 (OCR misread the rest)"
    ) in problems


def test_a_name_head_holding_one_character_of_it_names_nothing() -> None:
    """`期`: one character (a seal's glyph, a speck) is no part of 三级指标 to go by."""
    names, problems = _read_with_name_head("期")
    assert names == []
    assert not any("by its place" in p for p in problems)
