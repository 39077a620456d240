"""The execution block's 执行率, 分值 and 得分 left unread under a seal, restored where the 总分's
sums and the block's arithmetic agree (flows/forms/blocktotals.py)."""

from __future__ import annotations

from flows.forms.blocktotals import settle_block_by_totals
from flows.models import FundsBlock, IndicatorRow, ProjectForm, SourcedValue


def _sv(text: str) -> SourcedValue:
    return SourcedValue(text, 1)


def _line(weight: str, score: str) -> IndicatorRow:
    return IndicatorRow(
        _sv("产出指标"), _sv("数量指标"), _sv("抽检批次"), _sv("≥300批次"),
        {"weight": _sv(weight), "score": _sv(score)},
    )  # fmt: skip


# dev8 lg_77593_自评 p1's block as read: 分值 under a seal ring (its '10' dropped as the seal's
# text), 执行率's '73%' read in the 得分 cell beside a '3' (the star over the printed 7.3)
SEALED = {
    "total_budget_initial": "52.16",
    "total_budget_full_year": "52.17",
    "total_executed": "38.11",
    "total_score": "73% 3",
}
LINES = [("10", "10"), ("10", "10"), ("10", "9.35"), ("10", "10"), ("10", "10")]
LINES += [("30", "30"), ("10", "8.94")]  # weights 90, scores 88.29


def _form(
    block: dict[str, str], lines: list[tuple[str, str]] = LINES, total: tuple = ("100", "95.59")
) -> ProjectForm:
    fields = {k: _sv(v) for k, v in block.items()}
    fields |= {"project_name": _sv("食品安全抽检监测")}
    fields |= {"overall_weight": _sv(total[0]), "overall_score": _sv(total[1])}
    indicators = [_line(w, s) for w, s in lines]
    return ProjectForm(fields, FundsBlock(), indicators, 1, form="project_self_eval")


def _block(form: ProjectForm) -> tuple[str | None, ...]:
    fields = form.fields
    return tuple(
        fields[f].value if f in fields else None
        for f in ("total_weight", "total_execution_rate", "total_score")
    )


def test_a_sealed_block_is_what_the_totals_and_its_rate_agree_on() -> None:
    form = _form(SEALED)
    settle_block_by_totals(form, problems := [])
    assert _block(form) == ("10", "73%", "7.3")
    assert problems == [
        "page 1: 食品安全抽检监测: execution block rate (not read) read as 73%: the one "
        "percentage read in its row, in the score cell '73% 3', is 全年执行数 / 预算数 (73.05%)",
        "page 1: 食品安全抽检监测: execution block weight (not read) read as 10: the 总分's "
        "weight less the indicator lines' (100 − 90), the block's 得分 then 分值 × 执行率 "
        "(10 × 73%)",
        "page 1: 食品安全抽检监测: execution block score '73% 3' read as 7.3: the 总分's score "
        "less the indicator lines' (95.59 − 88.29), the block's 得分 then 分值 × 执行率 "
        "(10 × 73%)",
    ]


def test_a_blank_score_beside_a_read_weight_and_rate() -> None:
    block = SEALED | {"total_weight": "10", "total_execution_rate": "73%", "total_score": ""}
    form = _form(block)
    settle_block_by_totals(form, problems := [])
    assert (_block(form), len(problems)) == (("10", "73%", "7.3"), 1)


def test_a_rate_over_100_scores_the_weight() -> None:
    block = {"total_budget_full_year": "50", "total_executed": "52", "total_weight": "10"}
    block |= {"total_execution_rate": "104%", "total_score": ""}
    form = _form(block, total=("100", "98.29"))
    settle_block_by_totals(form, [])
    assert _block(form) == ("10", "104%", "10")


def test_nothing_is_restored_when_a_check_refuses() -> None:
    cases = [
        # the totals' score (7.5) is not 10 × 73%: a line lost or misread somewhere
        (SEALED, LINES, ("100", "95.79")),
        # the weights do not add up with the block's (a line's weight lost)
        (SEALED | {"total_weight": "10", "total_execution_rate": "73%"}, LINES, ("110", "95.59")),
        # an indicator score not read as a number: the sums cannot be taken
        (SEALED, [*LINES[:-1], ("10", "8.g4")], ("100", "95.59")),
        # the percentage read is not 全年执行数 / 预算数
        (SEALED | {"total_score": "78% 3"}, LINES, ("100", "95.59")),
        # two percentages: which is the rate is not said
        (SEALED | {"total_weight": "73%", "total_score": "73%"}, LINES, ("100", "95.59")),
        # no 总分 read
        (SEALED, LINES, ("", "95.59")),
    ]
    for block, lines, total in cases:
        form = _form(block, lines, total)
        before = _block(form)
        settle_block_by_totals(form, problems := [])
        assert (_block(form), problems) == (before, [])


def test_a_score_read_as_a_number_stays() -> None:
    # '3' as read is a number: kept, and the block reads nothing it could restore
    block = SEALED | {"total_weight": "10", "total_execution_rate": "73%", "total_score": "3"}
    form = _form(block)
    settle_block_by_totals(form, problems := [])
    assert (_block(form), problems) == (("10", "73%", "3"), [])
