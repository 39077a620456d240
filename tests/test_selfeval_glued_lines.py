"""An indicator line whose 分值 and 得分 OCR read as one number (`3010` for 30 | 10, the rule
between the two columns lost): split only where the form's own sums, the 总分 row's weight and
score, leave exactly one cut (flows/forms/totals.py `split_glued_lines`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.totals import score_note, split_glued_lines
from tests.test_forms import FUNDS_HEAD_ROW, page, table, values
from tests.test_selfeval_reader import GRID_HEAD, TITLE
from tests.test_selfeval_totals import _form, _line


def _weights_and_scores(form) -> list[tuple[str, str]]:
    return [(i.extra["weight"].value, i.extra["score"].value) for i in form.indicators]


LINE = "page 1: 某项目: 防治面积: "
NOTE = (
    f"{LINE}the {{cell}} cell's '3010' read as weight 30 and score 10: 分值 "
    "and 得分 run together (the rule between them lost), the only cut by which the weights and "
    "the scores add up to the 总分's 100 and 74.5"
)


def test_a_score_cell_reading_weight_and_score_is_cut_where_both_sums_close() -> None:
    """`3010` under 得分, 分值 blank: 30 | 10 closes 10 + 30 + 60 = 100 and 9.5 + 10 + 55 =
    74.5; the other cut, 301 | 0, closes neither. Reported, the line's score note withdrawn."""
    form = _form([_line("", "3010"), _line("60", "55")], total_score="74.5")
    for row, line in enumerate(form.indicators):
        line.extra = {k: replace(v, row=row) for k, v in line.extra.items()}
    weight, score = form.indicators[0].extra["weight"], form.indicators[0].extra["score"]
    said = "page 1: 某项目: 防治面积: its score 3010 is printed but its weight is blank"
    problems: list[str] = [score_note(said, weight, score)]
    split_glued_lines(form, problems)
    assert _weights_and_scores(form) == [("30", "10"), ("60", "55")]
    assert (form.indicators[0].extra["weight"].row, form.indicators[0].extra["score"].row) == (0, 0)
    assert problems == [NOTE.format(cell="score")]
    # the weight cell read both, the score blank: the same cut
    form = _form([_line("3010", ""), _line("60", "55")], total_score="74.5")
    split_glued_lines(form, problems := [])
    assert (_weights_and_scores(form), problems) == (
        [("30", "10"), ("60", "55")],
        [NOTE.format(cell="weight")],
    )
    # the weight read, the score cell starting with it: the rest is the score
    form = _form([_line("30", "3010"), _line("60", "55")], total_score="74.5")
    split_glued_lines(form, problems := [])
    assert _weights_and_scores(form) == [("30", "10"), ("60", "55")]
    assert problems == [NOTE.format(cell="score")]


def test_a_glued_line_stays_as_read_unless_exactly_one_cut_closes_both_sums() -> None:
    cases = [
        ([_line("", "3010"), _line("60", "55")], "75"),  # the scores add up to no 总分 cut
        ([_line("", "3010"), _line("", "55")], "74.5"),  # another weight not read
        ([_line("", "3010"), _line("60", "5.5.")], "74.5"),  # another score no number
        ([_line("", "30"), _line("60", "55")], "74.5"),  # 3 | 0: the weights add up to 73
        ([_line("", "30,10"), _line("60", "55")], "74.5"),  # a separator: one amount
        ([_line("10", "30"), _line("60", "55")], "74.5"),  # above its weight, not after it
    ]
    for lines, total in cases:
        form = _form(lines, total_score=total)
        before = _weights_and_scores(form)
        split_glued_lines(form, problems := [])
        assert (_weights_and_scores(form), problems) == (before, [])
    # two ways closing both sums: 10 | 10 and 101 | 0 on either line (weights 10 + 111 + 10 =
    # 131, scores 9.5 + 10 + 5 = 24.5): the sums leave a choice, nothing is split
    lines = [_line("", "1010"), _line("1010", ""), _line("10", "5")]
    form = _form(lines, total_score="24.5")
    form.fields["overall_weight"] = form.fields["overall_weight"].with_value("131")
    split_glued_lines(form, problems := [])
    assert (_weights_and_scores(form), problems) == ([("", "1010"), ("1010", ""), ("10", "5")], [])


def test_an_ocr_row_reading_its_weight_and_score_run_together_lands_both() -> None:
    """The reader end to end: on an OCR page the line's two values land split and the note
    names page and line; a text layer prints what it prints (no split, the problem reported)."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        GRID_HEAD,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", "", "3010"],
        [None, "效益指标", "社会效益指标", "满意度", "≥90%", "95%", "60", "55"],
        ["总分", None, None, None, None, None, "100", "74.5"],
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (4, 0): 2, (6, 0): (1, 6)}
    for ocr in (True, False):
        p = page(1, table(rows, spans), lines=TITLE)
        if ocr:
            p.has_text_layer, p.bbox_unit = False, "px"
        (form,), problems = read_document([p])
        assert _weights_and_scores(form) == (
            [("30", "10"), ("60", "55")] if ocr else [("", "3010"), ("60", "55")]
        )
        assert values(form)["overall_score"] == "74.5"
        glued = [p for p in problems if "3010" in p]
        assert glued == (
            [NOTE.format(cell="score")]
            if ocr
            else [f"{LINE}its score 3010 is printed but its weight is blank or unreadable"]
        )
