"""Self-evaluation grid lines a rule found amid a wrapped cell split: a row whose target and
numbers are the line above's cells continues that line (flows/forms/rows.py `_continues`)."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import page, table
from tests.test_selfeval_reader import GRID_HEAD, TITLE

HEAD = [["项目名称", "某项目", *[None] * 6], ["年度资金总额", "10", *[None] * 6]]


def _lines(rows: list[list[str | None]], spans: dict) -> list[tuple[str, str, str, str]]:
    grid = [GRID_HEAD, *rows, ["总分", "", "", "", "", "", "100", "95.7"]]
    spans = {(0, 1): (1, 7), (1, 1): (1, 7), **{(r + 3, c): s for (r, c), s in spans.items()}}
    (form,), _ = read_document([page(1, table([*HEAD, *grid], spans), lines=TITLE)])
    return [
        (i.name.value, i.target.value, i.extra["weight"].value, i.extra["score"].value)
        for i in form.indicators
    ]


def test_a_name_cut_by_a_rule_under_merged_numbers_is_one_line() -> None:
    """`项目持续发挥效` over `益`: the grid found a rule in the name column only; the target,
    actual, weight and score cells are merged over both rows, one value each: one line, its
    name joined. A sliver row under a line printing nothing of its own is no line either."""
    rows = [
        ["", "效益指标", "可持续影响指标", "项目持续发挥效", "逐步改善", "部分完成", "6", "5.02"],
        [None, None, None, "益", None, None, None, None],
        ["", None, None, "改善生态环境", "明显", "明显", "6", "6"],
        [None, None, None, "", None, None, None, None],
    ]
    spans = {(0, c): 2 for c in (0, 1, 4, 5, 6, 7)} | {(0, 2): 4}
    spans |= {(2, c): 2 for c in (4, 5, 6, 7)}
    assert _lines(rows, spans) == [
        ("项目持续发挥效益", "逐步改善", "6", "5.02"),
        ("改善生态环境", "明显", "6", "6"),
    ]


def test_merged_numbers_printing_one_per_line_are_two_lines() -> None:
    """The same rows whose merged weight and score cells print one number per name: two
    indicators whose rules in those columns were lost, each taking its own number."""
    rows = [
        [
            "",
            "效益指标",
            "可持续影响指标",
            "项目持续发挥效益",
            "逐步改善",
            "部分完成",
            "6 4",
            "5 4",
        ],
        [None, None, None, "改善生态环境", None, None, None, None],
    ]
    spans = {(0, c): 2 for c in (0, 1, 2, 4, 5, 6, 7)}
    assert _lines(rows, spans) == [
        ("项目持续发挥效益", "逐步改善", "6", "5"),
        ("改善生态环境", "逐步改善", "4", "4"),
    ]
