"""Every project read is named: a table whose 项目名称 value was lost (its row's rules wore away
at a page's foot and OCR kept only the label's cell) is one note naming its page, never a
nameless project in the warehouse."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import Cell, CellLine, Table, TextLine
from tests.test_forms import HEADER, TITLE, grid, values
from tests.test_header_scans import _line, _rest_of_header, scan_page


def _label_alone(top: float) -> Table:
    """The grid recovered from a 项目名称 row whose rules right of the label wore away: the
    label's cell alone, its value lost."""
    cell = Cell(row=0, col=0, text="项目名称:", bbox=(100, top, 300, top + 60), confidence=0.94)
    return Table(1, 1, [cell], (100, top, 300, top + 60), "rapidocr")


def _named_table(top: float) -> Table:
    rows = [*HEADER, ["绩效指标", "产出指", "数量指标", "召开会议", "5 次"]]
    return replace(grid(rows, {(3, 0): 3}, top=top), extractor="rapidocr")


def test_a_table_whose_name_was_lost_is_one_note_naming_its_page_and_no_project() -> None:
    """Page 1 prints a named table, then the next table's year line and its 项目名称 label cell
    alone at the foot; its header and grid go on at the top of page 2. The named table is read;
    the other is not loaded, and is said in one note naming page 1, its year and department,
    in place of the notes about reading it."""
    p1 = scan_page(
        1,
        _named_table(top=120),
        _label_alone(top=1250),
        lines=(_line(TITLE[0], 10), _line("(2023 年度)", 60), _line("(2024 年度)", 1200)),
    )
    p2 = scan_page(2, _rest_of_header(top=100))
    forms, problems = read_document([p1, p2])
    assert [values(f)["project_name"] for f in forms] == ["测试项目"]
    assert all(f.fields.get("project_name") for f in forms)
    assert problems == [
        "page 1: a project_target table (2024) whose 项目名称 could not be read: not loaded "
        "(1 indicator lines)"
    ]


def test_the_label_cell_alone_at_a_foot_opens_the_form_its_next_page_continues() -> None:
    """The lost-name table's header and grid on page 2 are read as that table's, not appended
    to the named table above it: the named table keeps its own funds and its one indicator."""
    p1 = scan_page(1, _named_table(top=120), _label_alone(top=1250))
    p2 = scan_page(2, _rest_of_header(top=100))
    forms, _ = read_document([p1, p2])
    assert len(forms) == 1
    assert [i.name.value for i in forms[0].indicators] == ["召开会议"]
    assert (values(forms[0])["total_funds"], forms[0].first_page) == ("15", 1)


def test_a_named_form_missing_another_required_field_is_still_loaded() -> None:
    """Only the name decides: a form whose funds were not read is loaded, with its note."""
    rows = [list(r) for r in HEADER]
    rows[3][2] = ""
    t = replace(grid([*rows, ["绩效指标", "产出指", "数量指标", "召开会议", "5 次"]],
                     {(3, 0): 3}, top=100), extractor="rapidocr")  # fmt: skip
    forms, problems = read_document([scan_page(1, t, lines=(_line(TITLE[1], 50),))])
    assert [values(f)["project_name"] for f in forms] == ["测试项目"]
    note = "page 1: 测试项目: no total_funds could be read from the project_target table"
    assert note in problems


def _box(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, (x0, y0, x1, y1))


def test_an_opener_label_wrapped_over_two_lines_at_a_page_foot_opens_the_form() -> None:
    """The foot row's 项目名称 wraps in its narrow cell and OCR cut the row into two lines, the
    value joined to the label's second line (`项目名` over `称 老旧小区改造`) or to its first
    (`项目 就业创业补助资金` over `名称：`): the label is the lines' first words at the row's
    left edge, top to bottom, and the form opens on page 1 with its name."""
    rows = {
        "second": (
            _box("项目名", 172, 1261, 261, 1297),
            _box("称 老旧小区改造", 192, 1275, 438, 1334),
        ),
        "first": (
            _box("项目 就业创业补助资金", 268, 1241, 989, 1307),
            _box("名称：", 266, 1278, 345, 1324),
        ),
    }
    for (upper, lower), name in zip(
        rows.values(), ("老旧小区改造", "就业创业补助资金"), strict=True
    ):
        title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
        p1 = scan_page(1, lines=(*title, upper, lower, _box("-1-", 797, 1350, 854, 1386)))
        forms, _ = read_document([p1, scan_page(2, _rest_of_header(top=100))])
        assert [(values(f)["project_name"], f.first_page) for f in forms] == [(name, 1)]
        assert values(forms[0])["implementing_unit"] == "某单位"


def test_a_wrapped_opener_line_read_twice_over_at_a_foot_is_read_once() -> None:
    """dev3 lg_26036 p1: the label's first line read twice over (`项目名 项目名`) over
    `称: 就业创业补助资金`: the repeat is no part of the name; noted."""
    title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
    upper = _box("项目名 项目名", 178, 2040 - 800, 284, 2089 - 800)
    lower = _box("称: 就业创业补助资金", 207, 2059 - 800, 526, 2122 - 800)
    p1 = scan_page(1, lines=(*title, upper, lower))
    forms, problems = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    assert [(values(f)["project_name"], f.first_page) for f in forms] == [("就业创业补助资金", 1)]
    assert problems[0] == (
        "page 1: foot line '项目名 项目名' (the opener's row, its rules lost) read twice over: "
        "read once, as '项目名'"
    )


def test_a_wrapped_opener_piece_ending_in_a_rules_stroke_at_a_foot_is_read_without_it() -> None:
    """dev10 lg_91613_自评 p1: the label's first line read with the worn column rule after it
    (`项目名|`) over `称: 司法救助资金`: the stroke is no part of the label, the form opens on
    page 1, noted. A stroke after no glyph (`|`) or a piece spelling no opener opens nothing."""
    title = (_line(TITLE[0], 100), _line("(2024 年度)", 150))
    lower = _box("称: 司法救助资金", 224, 1236, 960, 1297)
    p1 = scan_page(1, lines=(*title, _box("项目名|", 204, 1222, 318, 1263), lower))
    forms, problems = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    assert [(values(f)["project_name"], f.first_page) for f in forms] == [("司法救助资金", 1)]
    assert values(forms[0])["implementing_unit"] == "某单位"
    assert problems[0] == (
        "page 1: foot line '项目名|' (a piece of the opener's wrapped label): the '|' at its "
        "right edge taken for the stroke of the column rule after the label, not part of it"
    )
    for upper in ("项目|", "注明|"):
        p1 = scan_page(1, lines=(*title, _box(upper, 204, 1222, 318, 1263), lower))
        forms, _ = read_document([p1, scan_page(2, _rest_of_header(top=100))])
        assert forms == []


def test_a_wrapped_opener_read_as_one_line_around_its_value_at_a_foot_opens_the_form() -> None:
    """dev6 lg_59329 p1: the foot row's 项目 over 名称： and the name level with them read as one
    line, the name between the label's halves (`项目 学生营养改善计划 名称：`): its first and last
    words are the label, the form opens on page 1 with its name, noted. Words around a value
    that make no opener open nothing."""
    title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
    foot = _box("项目 学生营养改善计划 名称：", 259, 1263, 580, 1347)
    p1 = scan_page(1, lines=(*title, foot))
    forms, problems = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    assert [(values(f)["project_name"], f.first_page) for f in forms] == [("学生营养改善计划", 1)]
    assert values(forms[0])["implementing_unit"] == "某单位"
    assert (
        "page 1: foot line '项目 学生营养改善计划 名称：' (the opener's row, its rules lost) read "
        "as its wrapped label's two halves around its value: '项目名称： 学生营养改善计划'"
    ) in problems
    p1 = scan_page(1, lines=(*title, _box("注 学生营养改善计划 说明", 259, 1263, 580, 1347)))
    forms, _ = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    assert forms == []


def test_two_lines_side_by_side_at_a_foot_printing_no_opener_open_nothing() -> None:
    """Lines level with each other at a page's foot that do not print an opener together (a
    note beside a page number) open no form: the next page's table stays unread."""
    p1 = scan_page(
        1, lines=(_box("注 填报", 172, 1261, 261, 1297), _box("说明 某某", 192, 1275, 438, 1334))
    )
    forms, problems = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    assert forms == []
    assert any("no 项目名称/部门名称" in p or "of another kind" in p for p in problems)


def test_an_opener_row_at_a_foot_below_a_table_takes_the_year_line_above_it() -> None:
    """Page 1 prints a 2023 table, then the 2024 table's year line and its 项目名称 row read as
    free lines at the foot: the second form is 2024 (the year line nearest above it), not the
    page's first year line, which made it a copy of the first project the marts merged away."""
    p1 = scan_page(
        1,
        _named_table(top=120),
        lines=(
            _line("(2023 年度)", 60),
            _line("(2024 年度)", 1200),
            _line("项目名称 司法救助资金", 1300),
        ),
    )
    forms, _ = read_document([p1, scan_page(2, _rest_of_header(top=100))])
    got = [(values(f)["project_name"], values(f)["year"]) for f in forms]
    assert got == [("测试项目", "2023"), ("司法救助资金", "2024")]


def test_opener_row_and_the_header_rows_under_it_at_a_foot_open_the_form() -> None:
    """项目名称 and 主管部门 rows both read as free lines at page 1's foot, the rest of the header
    (部门代码, 实施单位 …) and the grid on page 2: the form opens on page 1 with its name and
    department from the lines, the rest from page 2."""
    title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
    foot = (_line("项目名称 食品安全抽检监测", 1250), _line("主管部门 某县市场监督管理局", 1300))
    forms, _ = read_document(
        [scan_page(1, lines=(*title, *foot)), scan_page(2, _rest_of_header(100))]
    )
    got = [
        (values(f)["project_name"], values(f).get("department_name"), f.first_page) for f in forms
    ]
    assert got == [("食品安全抽检监测", "某县市场监督管理局", 1)]
    assert values(forms[0])["implementing_unit"] == "某单位"


def test_foot_lines_after_the_opener_that_print_no_label_open_nothing() -> None:
    """A free line after the 项目名称 line that prints no header label (a note) is no row of the
    form: the foot opens nothing rather than guessing which text belongs to it."""
    title = (_line(TITLE[0], 100), _line("(2023 年度)", 150))
    foot = (_line("项目名称 食品安全抽检监测", 1250), _line("注：本表由项目单位填报", 1300))
    forms, _ = read_document(
        [scan_page(1, lines=(*title, *foot)), scan_page(2, _rest_of_header(100))]
    )
    assert forms == []


def _name_cell_with(*lines: CellLine) -> Table:
    """A one-page target table whose 项目名称 value cell holds these OCR lines."""
    t = _named_table(top=120)
    cells = []
    for c in t.cells:
        if (c.row, c.col) == (0, 1):
            c = replace(c, text=" ".join(ln.text for ln in lines), lines=lines)
        cells.append(c)
    return replace(t, cells=cells)


def test_a_name_line_torn_in_two_halves_read_twice_is_read_once() -> None:
    """The name's printed line torn across its height: OCR reads its top half and its bottom
    half each as the whole name, one directly over the other; the name is read once, the
    surer reading kept, and the reading is noted."""
    halves = (CellLine("文物保护经费", (411, 287, 570, 298), 0.99),
              CellLine("文物保护经费", (411, 299, 568, 316), 1.0))  # fmt: skip
    p = scan_page(1, _name_cell_with(*halves), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([p])
    assert values(forms[0])["project_name"] == "文物保护经费"
    assert any("read twice" in p for p in problems)


def test_a_name_torn_in_two_halves_one_read_a_glyph_off_is_read_once_the_surer() -> None:
    """dev3 lg_25525: the name's halves, 10 and 14 px tall and 4 px apart, read
    `河洲长制工作经费` (0.81) over `河湖长制工作经费` (0.99): one line, the surer reading kept."""
    halves = (CellLine("河洲长制工作经费", (799, 343, 1009, 353), 0.8055),
              CellLine("河湖长制工作经费", (798, 357, 1009, 371), 0.9947))  # fmt: skip
    p = scan_page(1, _name_cell_with(*halves), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([p])
    assert values(forms[0])["project_name"] == "河湖长制工作经费"
    assert problems[0] == (
        "page 1: header cell '河洲长制工作经费 河湖长制工作经费': one printed line read twice (two "
        "halves of it one over the other, same words but one glyph, the surer reading kept over "
        "'河洲长制工作经费', same width); read as '河湖长制工作经费'"
    )


def test_lines_a_glyph_apart_spaced_or_shorter_than_four_glyphs_are_kept() -> None:
    """Two lines a line spacing apart, or three glyphs long, one glyph apart: two lines."""
    for lines, name in (
        ((CellLine("道路建设一期", (411, 280, 560, 308), 1.0),
          CellLine("道路建设二期", (411, 318, 560, 346), 1.0)), "道路建设一期 道路建设二期"),
        ((CellLine("甲乙丙", (411, 287, 520, 298), 0.9),
          CellLine("甲乙丁", (411, 299, 520, 316), 1.0)), "甲乙丙 甲乙丁"),
    ):  # fmt: skip
        p = scan_page(1, _name_cell_with(*lines), lines=(_line("(2023 年度)", 60),))
        forms, problems = read_document([p])
        assert values(forms[0])["project_name"] == name
        assert not any("read twice" in p for p in problems)


def test_a_name_printing_the_same_words_on_two_spaced_lines_is_kept() -> None:
    """Two lines reading the same words a line spacing apart are two printed lines: kept."""
    lines = (CellLine("甲乙工程", (411, 280, 520, 308), 1.0),
             CellLine("甲乙工程", (411, 318, 520, 346), 1.0))  # fmt: skip
    p = scan_page(1, _name_cell_with(*lines), lines=(_line("(2023 年度)", 60),))
    forms, _ = read_document([p])
    assert values(forms[0])["project_name"] == "甲乙工程 甲乙工程"


def test_an_unsure_blot_read_as_a_digit_beside_the_name_is_no_part_of_it() -> None:
    """Far right in the 项目名称 value cell a blot 1.5 text heights tall and 2.6 wide that OCR
    read, unsure, as `8`: no printed digit is that size, so the name is read without it."""
    name = CellLine("农村供水管网改造", (395, 380, 627, 409), 1.0)
    blot = CellLine("8", (1345, 367, 1419, 411), 0.58)
    p = scan_page(1, _name_cell_with(name, blot), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([p])
    assert values(forms[0])["project_name"] == "农村供水管网改造"
    assert any("'8' taken for a speck" in p for p in problems)


def test_a_digit_of_print_size_or_read_sure_stays_in_the_name() -> None:
    """A digit the size of the print (`改造工程 2`), or read sure whatever its box, is text."""
    name = CellLine("改造工程", (395, 380, 511, 409), 1.0)
    for digit in (CellLine("2", (530, 381, 546, 409), 0.58),
                  CellLine("2", (530, 367, 604, 411), 0.97)):  # fmt: skip
        p = scan_page(1, _name_cell_with(name, digit), lines=(_line("(2023 年度)", 60),))
        forms, _ = read_document([p])
        assert values(forms[0])["project_name"] == "改造工程 2"


def _goal_cell_with(*lines: CellLine) -> Table:
    """A one-page target table whose 年度总体目标 label cell holds these OCR lines, the value
    cell beside it blank (the grid lost the rule between them)."""
    t = _named_table(top=120)
    cells = []
    for c in t.cells:
        if (c.row, c.col) == (6, 0):
            c = replace(c, text=" ".join(ln.text for ln in lines), lines=lines)
        elif (c.row, c.col) == (6, 1):
            c = replace(c, text="", lines=())
        cells.append(c)
    return replace(t, cells=cells)


def test_a_label_wrapped_at_the_left_of_its_value_read_across_is_split() -> None:
    """年度总体目标 wrapped over two lines at the cell's left (年度总 / 体目标:), its value's two
    lines beside it, OCR reading each line across both: the label and the value as printed."""
    lines = (
        CellLine("年度总 1.完成建设任务，确保目标如期实现；2.加强资金监管，确保资金使用",
                 (232, 1074, 1582, 1116), 0.99),
        CellLine("体目标:安全规范有效；3.提升满意度。", (228, 1118, 836, 1161), 0.98),
    )  # fmt: skip
    p = scan_page(1, _goal_cell_with(*lines), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([p])
    want = (
        "1.完成建设任务，确保目标如期实现；2.加强资金监管，确保资金使用安全规范有效；3.提升满意度。"
    )
    assert values(forms[0])["overall_goal"] == want
    assert any("wrapped at its left" in p for p in problems)


def test_a_whole_label_on_its_line_with_grid_heads_under_it_is_not_taken_for_wrapped() -> None:
    """A cell printing a whole label on its line, its value beside it and the grid's heads
    under it (rows merged) is left to the other readers: no label is spelt from the heads."""
    lines = (
        CellLine("1.完成任务；2.加强资金监管，确保", (467, 717, 1415, 753), 1.0),
        CellLine("年度绩效目标：", (238, 735, 417, 773), 1.0),
        CellLine("资金使用安全规范有效。", (660, 750, 1201, 791), 1.0),
        CellLine("一级指", (231, 797, 344, 858), 1.0),
        CellLine("标", (254, 843, 295, 883), 1.0),
    )
    p = scan_page(1, _goal_cell_with(*lines), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([p])
    assert not any("wrapped at its left" in p for p in problems)
