"""A self-evaluation's funds row whose 分值 was read glued onto its 执行率 (`1079.3%` under both
heads): split where the rate is the row's own 全年执行数 / 全年预算数 (flows/forms/funds.py)."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import FUNDS_HEAD_ROW, page, table, values
from tests.test_selfeval_reader import GRID, TITLE


def _funds(weight_and_rate: str, executed: str = "50.82") -> tuple[dict[str, str], list[str]]:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "64.1", "64.1", executed, weight_and_rate, None, "7.93"],
        *GRID,
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (2, 5): (1, 2), (4, 0): 2}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    return values(form), problems


def test_weight_glued_onto_the_rate_is_split_where_the_rate_is_executed_over_budget() -> None:
    got, problems = _funds("I 1079.3%")
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")
    assert (got["total_executed"], got["total_score"]) == ("50.82", "7.93")
    assert (
        "page 1: funds row total: '1079.3%' prints the weight and the execution rate without a "
        "space; read as 10 | 79.3%, the rate being 全年执行数 / 预算数 (79.28%)"
    ) in problems


def test_no_cut_matching_the_computed_rate_leaves_the_values_as_read() -> None:
    got, _ = _funds("I 1079.3%", executed="60")  # 60 / 64.1 = 93.6%: no cut gives it
    assert (got["total_weight"], got["total_execution_rate"]) == ("I", "1079.3%")
    got, _ = _funds("10 79.3%")  # printed apart: read as printed, nothing to split
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")
