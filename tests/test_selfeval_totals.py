"""The 总分 weight and score read as one number when a weight of the form was not read: the
weights and scores read are floors of the totals, and only a single cut that respects both is
taken (flows/forms/totals.py)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.totals import (
    fill_blank_by_totals,
    score_note,
    settle_marks_by_totals,
    split_glued_total,
)
from flows.models import CellLine, FundsBlock, IndicatorRow, ProjectForm, SourcedValue
from tests.test_forms import FUNDS_HEAD_ROW, page, table, values
from tests.test_selfeval_reader import GRID_HEAD, TITLE, _with_total


def _sv(text: str) -> SourcedValue:
    return SourcedValue(text, 1)


def _line(weight: str, score: str) -> IndicatorRow:
    return IndicatorRow(
        _sv("产出指标"),
        _sv("数量指标"),
        _sv("防治面积"),
        _sv("1385亩"),
        {"weight": _sv(weight), "score": _sv(score)},
    )


FUNDS = {"total_weight": _sv("10"), "total_score": _sv("9.5")}


def test_every_weight_read_splits_by_their_sum() -> None:
    lines = [_line("50", "50"), _line("40", "39.93")]
    assert split_glued_total("10099.43", FUNDS, lines) == (
        "100",
        "99.43",
        "100 being the sum of the weights read",
    )
    # every weight read and their sum (90) is not where the number starts: no split
    assert split_glued_total("10099.43", FUNDS, [_line("50", "50"), _line("30", "29.93")]) is None


def test_a_weight_not_read_splits_where_only_one_cut_fits_the_floors() -> None:
    lines = [_line("50", "50"), _line("", "29.93")]  # weights read 60, scores read 89.43
    assert split_glued_total("10099.43", FUNDS, lines) == (
        "100",
        "99.43",
        "the only cut whose weight is at least the weights read (60) and whose score is at "
        "least the scores read (89.43)",
    )


def test_no_split_when_several_cuts_fit_or_nothing_was_scored() -> None:
    # scores read 5: 100 | 99.43 and 1009 | 9.43 both fit
    funds = {"total_weight": _sv("10"), "total_score": _sv("5")}
    assert split_glued_total("10099.43", funds, [_line("50", ""), _line("", "")]) is None
    # no score read at all: the floor says nothing
    funds = {"total_weight": _sv("10"), "total_score": _sv("")}
    assert split_glued_total("10099.43", funds, [_line("", ""), _line("50", "")]) is None
    # a score above the weights read cannot be cut off (99.43 > 9 | 9.43 …) and not a number
    assert split_glued_total("99.43", FUNDS, [_line("50", "50"), _line("", "29.93")]) is None
    assert split_glued_total("100 99.43%", FUNDS, [_line("", "50")]) is None


def test_the_total_row_of_a_form_with_an_unread_weight_is_split() -> None:
    row = ["总分", None, None, None, None, None, "10099.43", None]
    got, problems = _with_total(row, {(6, 0): (1, 6), (6, 6): (1, 2)}, weights=("50", ""))
    assert got == ("100", "99.43")
    assert (
        "page 1: 某项目: 总分 the cell '10099.43' prints the weight and the score without a "
        "space; read as 100 | 99.43, the only cut whose weight is at least the weights read "
        "(60) and whose score is at least the scores read (89.43)"
    ) in problems


def test_a_total_label_inside_a_cell_merged_down_over_the_grid_closes_it() -> None:
    """OCR lost the grid's row rules left of 分值 and the lines crossed where they ran: the 总分
    label is one of the merged cell's lines, standing in the last row beside 100 | 95.7."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        GRID_HEAD,
        ["产出指标 数量指标 防治面积 1385亩 1385亩", None, None, None, None, None, "50", "50"],
        [None, None, None, None, None, None, "40", "36.2"],
        [None, None, None, None, None, None, "100", "95.7"],
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (4, 0): (3, 6)}
    grid = table(rows, spans)
    merged = next(c for c in grid.cells if c.row == 4 and c.col == 0)
    lines = (
        CellLine("产出指标 数量指标 防治面积 1385亩 1385亩", (0.1, 4.3, 5.9, 4.7)),
        CellLine("效益指标 满意度指标 满意度 ≥90% 95%", (0.1, 4.8, 5.9, 5.3)),  # across 5
        CellLine("服务对象满意度", (0.5, 5.8, 3.0, 6.2)),  # across the rule at 6
        CellLine("总分", (0.5, 6.4, 1.5, 6.8)),
    )
    grid.cells[grid.cells.index(merged)] = replace(merged, lines=lines)
    (form,), problems = read_document([page(1, grid, lines=TITLE)])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "95.7")
    # a text layer's cell has no lines: its text alone does not say where 总分 stands
    grid.cells[grid.cells.index(replace(merged, lines=lines))] = merged
    (form,), _ = read_document([page(1, grid, lines=TITLE)])
    assert "overall_score" not in values(form)


def _form(lines: list[IndicatorRow], total_score: str = "99.43") -> ProjectForm:
    fields = {**FUNDS, "project_name": _sv("某项目")}
    fields |= {"overall_weight": _sv("100"), "overall_score": _sv(total_score)}
    return ProjectForm(fields=fields, funds=FundsBlock(), indicators=lines, first_page=1)


def test_a_speck_before_a_score_is_cut_when_the_scores_then_add_up_to_the_total() -> None:
    """`.50` under 得分 (a speck read as a point): read as 50 because the scores then add up to
    the 总分 (9.5 + 50 + 39.93 = 99.43), reported; the score_problem note on it withdrawn."""
    form = _form([_line("50", ".50"), _line("40", "39.93")])
    for row, line in enumerate(form.indicators):  # where each line was read
        line.extra = {k: replace(v, row=row) for k, v in line.extra.items()}
    weight, score = form.indicators[0].extra["weight"], form.indicators[0].extra["score"]
    other = form.indicators[1].extra
    said = "page 1: 某项目: 防治面积: its weight 50 is printed but its score '.50' is not a number"
    problems = [
        score_note(said, weight, score),
        score_note("page 1: 某项目: 防治面积: a note on the other line", *other.values()),
        said,
    ]
    settle_marks_by_totals(form, problems)
    assert [i.extra["score"].value for i in form.indicators] == ["50", "39.93"]
    # withdrawn by its key, the line's; a sentence alike on another line, or no note, stays
    assert problems == [
        "page 1: 某项目: 防治面积: a note on the other line",
        said,
        "page 1: 某项目: the score '.50' read as 50: a mark at its edge taken for a speck, the "
        "reading by which the scores add up to the 总分's 99.43",
    ]


def test_a_mark_is_left_as_read_when_the_totals_do_not_hold() -> None:
    form = _form([_line("50", ".50"), _line("40", "39.93")], total_score="98")
    problems: list[str] = []
    settle_marks_by_totals(form, problems)
    assert (form.indicators[0].extra["score"].value, problems) == (".50", [])
    # cut, the score would stand above its weight: left as read
    form = _form([_line("5", ".50"), _line("85", "39.93")], total_score="99.43")
    settle_marks_by_totals(form, problems)
    assert (form.indicators[0].extra["score"].value, problems) == (".50", [])


def _two_lines_closed(levels: tuple[str, str], total_labels: list[str | None]) -> list:
    """A self-evaluation's rows: funds weight 10, two indicators weighing 50 and 40 (the second
    under `levels`), and a 总分 row of 100 | 99.43 whose label cells print `total_labels`."""
    return [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        GRID_HEAD,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", "50", "50"],
        [None, *levels, "满意度", "≥90%", "95%", "40", "39.93"],
        [*total_labels, "100", "99.43"],
    ]


def test_a_seal_glyph_read_before_the_total_label_leaves_it_the_total_row() -> None:
    """Dev lg_8275: a seal's stroke over the 总分 cell was read as a line of its own (`以`) left
    of the label, so the cell's text `以 总分` does not start with 总分; its second line does,
    and the row is the 总分 row (100 | 99.43) — without that it was skipped and no total read."""
    rows = _two_lines_closed(
        ("效益指标", "社会效益指标"), ["以 总分", None, None, None, None, None]
    )
    grid = table(rows, {(0, 1): (1, 7), (1, 0): 2, (4, 0): 2, (6, 0): (1, 6)})
    label = next(c for c in grid.cells if c.row == 6 and c.col == 0)
    lines = (CellLine("以", (1.2, 6.1, 1.6, 6.9)), CellLine("总分", (2.5, 6.3, 3.3, 6.7)))
    grid.cells[grid.cells.index(label)] = replace(label, lines=lines)
    (form,), problems = read_document([page(1, grid, lines=TITLE)])
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "99.43")
    assert problems == []
    # no line starting with the label (a text layer's cell): the text alone is not the label
    grid.cells[grid.cells.index(replace(label, lines=lines))] = label
    (form,), _ = read_document([page(1, grid, lines=TITLE)])
    assert "overall_score" not in values(form)


def test_a_score_above_its_weight_loses_the_edge_digit_the_total_says_is_no_print() -> None:
    """`41` under the weight 4 (dev lg_9150: a speck beside the 4 read as a digit): no form
    prints a score above its weight; read as 4, the one reading without its first or last
    character by which the scores add up to the 总分 (9.5 + 4 + 39.93 = 53.43); `1` would
    not. Where the total does not hold either way, it stays as read."""
    form = _form([_line("4", "41"), _line("40", "39.93")], total_score="53.43")
    problems: list[str] = []
    settle_marks_by_totals(form, problems)
    assert [i.extra["score"].value for i in form.indicators] == ["4", "39.93"]
    assert problems == [
        "page 1: 某项目: the score '41' read as 4: a score above its weight cannot be printed; "
        "a character at its edge taken for a speck, the reading by which the scores add up to "
        "the 总分's 53.43"
    ]
    form = _form([_line("4", "41"), _line("40", "39.93")], total_score="53")
    settle_marks_by_totals(form, problems := [])
    assert (form.indicators[0].extra["score"].value, problems) == ("41", [])


def test_weight_and_score_glued_together_and_onto_the_label_are_split_by_the_weights_sum() -> None:
    """`总分 10089.43` in one cell across the row (dev lg_7398 p2, a 总分 row carried onto a
    page of its own, OCR found no rule in it): the number after the label is the weight and the
    score without a space, cut after the sum of the weights read (100); a number that does not
    start with that sum is left unread."""
    got, problems = _with_total(["总分 10089.43", *[None] * 7], {(6, 0): (1, 8)})
    assert got == ("100", "89.43")
    assert (
        "page 1: 某项目: 总分 the cell '总分 10089.43' prints the weight and the score without a "
        "space; read as 100 | 89.43, 100 being the sum of the weights read"
    ) in problems
    got, _ = _with_total(["总分 9989.43", *[None] * 7], {(6, 0): (1, 8)})
    assert got == ("", "")


def test_the_one_score_read_blank_is_what_the_total_leaves() -> None:
    """Dev2 lg_14317 (a score cell beside a found seal read as nothing): the 总分's 99.43 less
    the funds block's 9.5 and the other line's 50 is 39.93, the weights adding up to 100;
    reported, the line's score_problem note withdrawn."""
    form = _form([_line("50", "50"), _line("40", "")])
    for row, line in enumerate(form.indicators):  # where each line was read
        line.extra = {k: replace(v, row=row) for k, v in line.extra.items()}
    said = "page 1: 某项目: 防治面积: its weight 40 is printed but its score is blank or unreadable"
    problems = [score_note(said, *form.indicators[1].extra.values())]
    fill_blank_by_totals(form, problems)
    assert [i.extra["score"].value for i in form.indicators] == ["50", "39.93"]
    assert problems == [
        "page 1: 某项目: 防治面积: its score read blank, filled in as 39.93: the 总分's 99.43 "
        "less the other scores printed (the weights add up to the 总分's 100)"
    ]


def test_the_one_weight_read_blank_is_what_the_total_leaves() -> None:
    form = _form([_line("50", "50"), _line("", "39.93")])  # the scores add up to 99.43
    fill_blank_by_totals(form, problems := [])
    said = (
        "page 1: 某项目: 防治面积: its weight read blank, filled in as 40: the 总分's 100 less "
        "the other weights printed (the scores add up to the 总分's 99.43)"
    )
    assert (form.indicators[1].extra["weight"].value, problems) == ("40", [said])


def test_a_blank_is_left_when_the_sums_do_not_settle_it() -> None:
    cases = [
        [_line("50", ""), _line("40", "")],  # two blanks: the sum leaves a choice
        [_line("50", "50"), _line("", "")],  # the other column not complete either
        [_line("50", "5O"), _line("40", "")],  # another score not a number
        [_line("50", "50"), _line("30", "")],  # the weights add up to 90, not the 总分's 100
        [_line("50", "10"), _line("40", "")],  # 79.93 would stand above its weight 40
    ]
    for lines in cases:
        read = [i.extra["score"].value for i in lines]
        form = _form(lines)
        problems: list[str] = []
        fill_blank_by_totals(form, problems)
        assert ([i.extra["score"].value for i in form.indicators], problems) == (read, [])
        assert read[1] == ""
    form = _form([_line("50", "50"), _line("", "49.93")])  # the weight left, 40, below its score
    fill_blank_by_totals(form, problems := [])
    assert (form.indicators[1].extra["weight"].value, problems) == ("", [])


def test_a_cell_of_several_numbers_reads_the_one_by_which_the_column_adds_up() -> None:
    """Dev2 lg_15133: a seal's stroke over the 分值 cell read as a 2 beside the printed 5
    (`2 5`): the 5 makes the weights add up to the 总分's 100 (10 + 50 + 5 + 35), the 2 does
    not; reported. Neither or both adding up: left as read."""
    form = _form([_line("50", "50"), _line("2 5", "5"), _line("35", "34.93")])
    problems: list[str] = []
    settle_marks_by_totals(form, problems)
    assert [i.extra["weight"].value for i in form.indicators] == ["50", "5", "35"]
    assert problems == [
        "page 1: 某项目: the weight '2 5' read as 5: the cell's other numbers taken for a "
        "seal's or a speck's marks, the reading by which the weights add up to the 总分's 100"
    ]
    for read in ("2 7", "5 5 x"):
        form = _form([_line("50", "50"), _line(read, "5"), _line("35", "34.93")])
        settle_marks_by_totals(form, problems := [])
        assert (form.indicators[1].extra["weight"].value, problems) == (read, [])


def _overflow_grid(total_label: str) -> tuple:
    """A text layer's grid whose last 一级 label, typeset one glyph a line, ran past its cell:
    its last glyph `标` placed by its centre in the 总分 row's label cell."""
    rows = _two_lines_closed(
        ("满意度指", "服务对象满意度指标"), ["", total_label, None, None, None, None]
    )
    grid = table(rows, {(0, 1): (1, 7), (1, 0): 2, (4, 0): 2, (6, 1): (1, 5)})
    return read_document([page(1, grid, lines=TITLE)])


def test_a_vertical_level1_glyph_run_into_the_total_label_leaves_it_the_total_row() -> None:
    """Dev lg_2054_自评 p3 (text layer): the vertical 一级 `满意度指标` ran one glyph past its
    cell's bottom rule, so the 总分 cell read `标总分`; without this the row was an invented
    indicator and the form had no 总分 (total_score NULL in fct_project_execution)."""
    (form,), problems = _overflow_grid("标总分")
    got = values(form)
    assert (got["overall_weight"], got["overall_score"]) == ("100", "99.43")
    assert [i.name.value for i in form.indicators] == ["防治面积", "满意度"]
    assert problems == [
        "page 1: 某项目: the 总分 label cell '标总分' (row 6, column 1) starts with '标', the "
        "end of the vertical 一级 label '满意度指' above it run past its rule; read as the 总分 "
        "row"
    ]
    # a glyph that does not finish the label above (a seal's, a speck's) is not taken for it
    (form,), _ = _overflow_grid("以总分")
    assert "overall_score" not in values(form)
