"""The 总分 weight and score read as one number when a weight of the form was not read: the
weights and scores read are floors of the totals, and only a single cut that respects both is
taken (flows/forms/totals.py)."""

from __future__ import annotations

from flows.forms.totals import split_glued_total
from flows.models import IndicatorRow, SourcedValue
from tests.test_selfeval_reader import _with_total


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
