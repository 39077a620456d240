"""Self-evaluation grid lines a rule found amid a wrapped cell split: a row whose target and
numbers are the line above's cells continues that line (flows/forms/rows.py `_continues`)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import CellLine
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


def test_a_heading_cell_run_down_over_the_first_lines_value_is_cut_at_the_rule_beside_it() -> None:
    """`实际完成值` over `3处` (dev lg_933): the rule under the 实际完成值 heading was lost, so
    OCR's cell runs from the heading down over the first line's actual; the 分值 heading beside
    it prints that rule, and the cell's lines stand apart on both sides of it: the heading and
    the first line's value, not a column merged with its heading (whose values went unread)."""
    rows = [
        ["", "产出指标", "数量指标", "保护文物点数量", "=30处", None, "10", "10"],
        ["", "产出指标", "质量指标", "验收合格率", "≥95%", "96%", "10", "10"],
    ]
    grid = [GRID_HEAD, *rows, ["总分", "", "", "", "", "", "20", "20"]]
    spans = {(0, 1): (1, 7), (1, 1): (1, 7), (2, 5): 2}
    t = table([*HEAD, *grid], spans)
    lines = (
        CellLine("实际完成", (5.1, 2.2, 5.9, 2.5)),
        CellLine("值", (5.4, 2.55, 5.6, 2.85)),
        CellLine("3处", (5.3, 3.35, 5.7, 3.65)),
    )
    t.cells[:] = [
        replace(c, text="实际完成值3处", lines=lines) if (c.row, c.col) == (2, 5) else c
        for c in t.cells
    ]
    (form,), problems = read_document([page(1, t, lines=TITLE)])
    assert [(i.name.value, i.extra["actual"].value) for i in form.indicators] == [
        ("保护文物点数量", "3处"),
        ("验收合格率", "96%"),
    ]
    assert not any("one cell with its heading" in p for p in problems)
    assert any("cell '实际完成值3处': cut at the rules" in p for p in problems)


def test_a_line_under_a_heading_whose_actual_head_was_not_read_lands_no_pageless_actual() -> None:
    """实际完成值 misread beyond recognition (`5实标麻值`, dev lg_5803): the lines have no actual
    value rather than a blank one with no page and no extractor, which failed the warehouse's
    data tests and quarantined the whole document."""
    head = [h if h != "实际完成值" else "5实标麻值" for h in GRID_HEAD]
    rows = [
        head,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "6", "5.8"],
        ["总分", "", "", "", "", "", "100", "95.7"],
    ]
    (form,), problems = read_document(
        [page(1, table([*HEAD, *rows], {(0, 1): (1, 7), (1, 1): (1, 7)}), lines=TITLE)]
    )
    (line,) = form.indicators
    # the one unknown head holding 实…值 in order is the actual column the grid must print
    # (`columns._grid_mark_misread`): read, with its page and extractor like every value
    assert line.extra["actual"].value == "1380亩"
    assert (line.extra["weight"].value, line.extra["score"].value) == ("6", "5.8")
    values = [line.level1, line.level2, line.name, line.target, *line.extra.values()]
    assert {(v.page, v.extractor) for v in values} == {(1, "t")}
    assert any("column heading '5实标麻值' read as actual" in p for p in problems)
