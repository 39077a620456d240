"""Three slips of scanned self-evaluations (dev seeds 8100–8799) the form itself settles: a
weight read as a letter whose recogniser ranked the digit, a 总分 read with a colon for its
point, the grid's heading repeated with its 二级/三级 headings read into one cell, and one value
read twice across the lost rule between 指标值 and 实际完成值."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.cellshare import _one_value_twice
from flows.forms.rows import _heading_again, number_choice
from flows.forms.spec import PROJECT_SELF_EVAL, PROJECT_TARGET
from flows.forms.totals import settle_marks_by_totals
from flows.models import Cell, CellLine
from tests.test_forms import page, table
from tests.test_selfeval_reader import GRID_HEAD
from tests.test_selfeval_reader import TITLE as SE_TITLE
from tests.test_selfeval_totals import _form, _line


def _cell(text: str, readings: tuple[tuple[str, float], ...] = ()) -> Cell:
    return Cell(0, 0, text, (0, 0, 1, 1), readings=readings)


def test_a_numeric_cell_read_as_no_number_takes_the_number_the_recogniser_ranked() -> None:
    """Dev lg_8446_自评 p3: the weight 5 read `s` (p 0.536), `5` ranked 0.176: 分值 prints a
    number, so it is 5."""
    ranked = (("s", 0.53599), ("5", 0.175952), ("'s", 0.148635), ("'5", 0.048801))
    assert number_choice(_cell("s", ranked)) == ("5", 0.175952)
    # a reading with a digit stays, even when another number is ranked higher: its marks
    # are for the checks that know them (a seal's glyphs beside it, a speck at its edge)
    assert number_choice(_cell("6", (("6", 0.3), ("8", 0.6)))) is None
    assert number_choice(_cell("8.", (("8.", 0.8), ("8", 0.15)))) is None
    # blank, two values in one cell, no ranked number, a ranked number too improbable: as read
    assert number_choice(_cell("", (("5", 0.9),))) is None
    assert number_choice(_cell("s 5", (("5", 0.9),))) is None
    assert number_choice(_cell("s", (("s", 0.9), ("S", 0.1)))) is None
    assert number_choice(_cell("s", (("s", 0.96), ("5", 0.04)))) is None
    # a no-value mark is printed: a dash is never taken for a 1
    assert number_choice(_cell("-", (("-", 0.6), ("1", 0.3)))) is None
    # a text layer's cell ranks nothing
    assert number_choice(_cell("s")) is None


def test_a_total_read_with_a_colon_for_its_point_is_the_sum_of_the_scores() -> None:
    """Dev lg_8446_自评 p3: the 总分's score printed 94.07 was read `94:07`; the funds block's and
    the lines' scores add up to 94.07, so that is the reading, reported."""
    form = _form([_line("50", "50"), _line("40", "34.57")], total_score="94:07")
    problems: list[str] = []
    settle_marks_by_totals(form, problems)
    assert form.fields["overall_score"].value == "94.07"
    assert problems == [
        "page 1: 某项目: the 总分's score '94:07' read as 94.07: a point read as a colon, the "
        "reading the scores printed add up to (94.07)"
    ]
    # the scores add up to something else, or one was not read: left as read, nothing said
    for scores in (("50", "34.5"), ("50", "")):
        form = _form([_line("50", scores[0]), _line("40", scores[1])], total_score="94:07")
        problems = []
        settle_marks_by_totals(form, problems)
        assert (form.fields["overall_score"].value, problems) == ("94:07", [])


def _line_cells(**texts: str) -> dict[str, Cell | None]:
    return {field: _cell(text) for field, text in texts.items()}


def test_a_line_printing_its_target_and_numeric_headings_is_the_heading_repeated() -> None:
    """Dev lg_8565_自评 p3: a continuation page's repeated heading whose 二级指标 and 三级指标
    OCR read into one cell with a mark (`T二级指标 三级指标`) was landed as an indicator. Its
    指标值, 分值 and 得分 cells print their own headings, which no indicator line prints."""
    heading = _line_cells(
        level1="一级指标",
        indicator_name="T二级指标 三级指标",
        target="年度指标值",
        actual="实际完成值",
        weight="分值",
        score="得分",
    )
    assert _heading_again(heading, PROJECT_SELF_EVAL) is False
    # its 三级指标 cell printing the heading says so by two fields, as before
    named = heading | _line_cells(indicator_name="三级指标")
    assert _heading_again(named, PROJECT_SELF_EVAL) is True
    # an indicator line: a weight that is a number
    line = heading | _line_cells(indicator_name="培训人次", weight="10", score="9")
    assert _heading_again(line, PROJECT_SELF_EVAL) is None
    # a target that is not the heading; a form without numeric columns needs the name
    assert _heading_again(heading | _line_cells(target="≥90%"), PROJECT_SELF_EVAL) is None
    plan = _line_cells(indicator_name="T二级指标 三级指标", target="指标值")
    assert _heading_again(plan, PROJECT_TARGET) is None


def _shared_target_and_actual(ocr: bool) -> tuple:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        GRID_HEAD,
        ["", "效益指标", "社会效益指标", "满意度", "100%100%", None, "40", "40"],
    ]
    p = page(1, table(rows, {(0, 1): (1, 7), (2, 4): (1, 2)}), lines=SE_TITLE)
    if ocr:
        p.has_text_layer, p.bbox_unit = False, "px"
    (form,), problems = read_document([p])
    (line,) = form.indicators
    # the funds block is not printed here: only the notes on the shared cell are of interest
    return (line.target.value, line.extra["actual"].value), [p for p in problems if "%" in p]


def test_a_cell_under_target_and_actual_printing_one_value_twice_gives_each_one() -> None:
    """Dev lg_8554_自评 p3: the rule between 指标值 and 实际完成值 lost, OCR read one cell
    `100%100%` under both, and both landed it; each printed 100%."""
    got, problems = _shared_target_and_actual(ocr=True)
    assert got == ("100%", "100%")
    assert problems == [
        "page 1: 某项目: the cell '100%100%' stands under the target, actual columns (OCR found "
        "no rule between them) and prints one value twice: each column reads '100%'"
    ]
    assert _one_value_twice("有效带动 有效带动") == "有效带动"
    assert [_one_value_twice(t) for t in ("100%", "100%10%", "", "1010")] == [
        None,
        None,
        None,
        "10",
    ]
    # wrapped alike in both columns, each line read twice: the value is the halves in turn
    # (dev2 lg_12330_自评 p4); one line not twice, or a cell with one line, is no such value
    wrapped = (CellLine("明显改明显改", (0, 0, 2, 1)), CellLine("善善", (0, 1, 2, 2)))
    cell = Cell(4, 4, "明显改明显改善善", (0, 0, 2, 2), colspan=2, lines=wrapped)
    assert _one_value_twice(cell.text, cell) == "明显改善"
    assert _one_value_twice(cell.text, replace(cell, lines=wrapped[:1])) is None
    other = (wrapped[0], CellLine("善高", (0, 1, 2, 2)))
    assert _one_value_twice("明显改明显改善高", replace(cell, lines=other)) is None
    # a text layer prints what it prints
    got, problems = _shared_target_and_actual(ocr=False)
    assert (got, problems) == (("100%100%", "100%100%"), [])
