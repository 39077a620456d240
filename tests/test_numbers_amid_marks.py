"""A seal's characters OCR read into a cell that prints a number (`flows.forms.cellvalues
.number_amid_marks`, `flows.forms.rows._numbers_amid_marks`): the number with its unit is kept,
a note quotes the reading, and the raw cell keeps it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.forms.cellvalues import (
    number_alone,
    number_amid_marks,
    unit_misread,
    unit_of_target,
)
from tests.test_forms import page, table
from tests.test_funds_unsure import _read_funds


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("85必%政", "%", ("85%", ["必", "政"])),  # dev lg_9516, a seal over a rate's actual
        ("45932.02委政人", "", ("45932.02", ["委政人"])),  # 人 after 委政 is the seal's
        ("47024食", "", ("47024", ["食"])),
        ("日19.75人", "人", ("19.75人", ["日"])),  # no unit prints before its number
        ("85人政", "人", ("85人", ["政"])),
        ("90政人", "人", ("90人", ["政"])),
        ("90以上人", "人", None),
        ("≥ 90必%", "%", ("≥ 90%", ["必"])),
        ("8分", "", None),  # a score's 分 is print
        ("85人", "", None),  # a listed unit is print
        ("2000人次以上", "人次", None),  # so is a qualifier after the unit
        ("85%", "%", None),  # nothing to leave out
        ("8政5", "", None),  # glyphs between digits may hide one
        ("100 95.77", "", None),  # two values: cellshare's
        ("l85%", "%", None),  # a letter may be a misread digit: never dropped
        ("政委", "", None),  # no number
    ],
)
def test_number_amid_marks(text: str, unit: str, expected: tuple[str, list[str]] | None) -> None:
    assert number_amid_marks(text, unit) == expected


def test_unit_of_target_and_number_alone() -> None:
    got = [unit_of_target(t) for t in ("≥95%", "2280人次以上", "300", "明显提高", "2024年底")]
    assert got == ["%", "人次", "", None, None]
    assert [number_alone(t, "%") for t in ("≥ 90%", "90", "90%政")] == [True, False, False]


SELF_EVAL = [
    ["项目名称", "培训项目", None, None, None, None, None, None],
    ["年度资金总额", "10", None, None, None, None, None, None],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["", "产出指标", "质量指标", "验收合格率", "≥80%", "85必%政", "6", "6"],
    ["", "产出指标", "数量指标", "培训人次", "≥80人", "90人", "6", "5食"],
    ["", "效益指标", "社会效益指标", "培训效果", "明显提高", "明显提高政", "6", "6"],
    ["", "产出指标", "数量指标", "培训班次", "≥8期", "10期", "6", "6分"],
    ["总分", "", "", "", "", "", "100", "95.7委政"],
]


def _self_eval(ocr: bool) -> list:
    spans = {(0, 1): (1, 7), (1, 1): (1, 7)}
    p = page(1, table(SELF_EVAL, spans), lines=("项目支出绩效自评表", "(2026年度)"))
    if ocr:
        p.has_text_layer, p.bbox_unit = False, "px"
    return [p]


def test_a_seals_glyphs_beside_a_number_are_left_out_and_reported() -> None:
    """The rate's actual and a score lose the seal's glyphs; a qualitative actual (its target
    prints no number) and a score printed with 分 are read as printed."""
    pages = _self_eval(ocr=True)
    (form,), problems = read_document(pages)
    assert [i.extra["actual"].value for i in form.indicators] == [
        "85%",
        "90人",
        "明显提高政",
        "10期",
    ]
    assert [i.extra["score"].value for i in form.indicators] == ["6", "5", "6", "6分"]
    marks = [p for p in problems if "is no number, unit or no-value mark" in p]
    assert [p for p in marks if "总分" not in p] == [
        "page 1: 培训项目: 验收合格率: the actual cell was read '85必%政': '必政' beside its "
        "number is no number, unit or no-value mark (a seal's or speck's glyphs read over the "
        "cell); read '85%' (the glyphs left out)",
        "page 1: 培训项目: 培训人次: the score cell was read '5食': '食' beside its number is no "
        "number, unit or no-value mark (a seal's or speck's glyphs read over the cell); read "
        "'5' (the glyphs left out)",
    ]
    assert [p for p in problems if p.startswith("page 1: 培训项目: 总分 the score")] == [
        "page 1: 培训项目: 总分 the score cell was read '95.7委政': '委政' beside its number is "
        "no number, unit or no-value mark (a seal's or speck's glyphs read over the cell); read "
        "'95.7' (the glyphs left out)"
    ]
    assert form.fields["overall_score"].value == "95.7"
    assert pages[0].tables[0].at(3, 5).text == "85必%政"  # the raw cell keeps its reading


def test_the_recognisers_next_reading_of_the_number_alone_comes_first() -> None:
    """A short cell's ranked readings (`Cell.readings`): the most probable one printing the
    number alone is taken, as a column's alphabet takes its most probable allowed reading."""
    pages = _self_eval(ocr=True)
    t = pages[0].tables[0]
    cell = t.at(4, 7)
    ranked = replace(cell, readings=(("5食", 0.5), ("3食", 0.2), ("3", 0.15), ("5", 0.1)))
    t.cells[t.cells.index(cell)] = ranked
    (form,), problems = read_document(pages)
    assert form.indicators[1].extra["score"].value == "3"
    assert [p for p in problems if "培训人次: the score cell was read" in p] == [
        "page 1: 培训项目: 培训人次: the score cell was read '5食': '食' beside its number is no "
        "number, unit or no-value mark (a seal's or speck's glyphs read over the cell); read "
        "'3' (the recogniser's next reading)"
    ]


def test_text_layers_keep_what_they_print() -> None:
    (form,), _ = read_document(_self_eval(ocr=False))
    assert [i.extra["actual"].value for i in form.indicators][:1] == ["85必%政"]
    assert [i.extra["score"].value for i in form.indicators][:2] == ["6", "5食"]
    assert form.fields["overall_score"].value == "95.7委政"


def test_a_seal_over_a_target_tables_funds_amount_is_left_out_before_the_sum() -> None:
    """`15委政` under 年度资金总额 (a seal's characters after the amount) is 15, and the block's
    sum check then holds; a 万元 printed after an amount is print and stays."""
    got, problems = _read_funds(
        {"total_funds": ("15委政", 0.9), "fiscal_funds": ("15万元", 0.99), "other_funds": ("", 1)}
    )
    assert got == {"total_funds": "15", "fiscal_funds": "15万元", "other_funds": ""}
    assert [p for p in problems if "no number, unit or no-value mark" in p] == [
        "page 1: funds the total_funds cell was read '15委政': '委政' beside its number is no "
        "number, unit or no-value mark (a seal's or speck's glyphs read over the cell); read "
        "'15' (the glyphs left out)"
    ]


SPLIT = [
    ["项目名称", "某项目", *[None] * 8],
    ["年度资金总额", "10", *[None] * 8],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "度量单位", "实际完成值"],
    ["", "产出指标", "质量指标", "验收合格率", ">90 1", "%政", "85必"],
    ["", "产出指标", "数量指标", "培训人次", "≥80", "人", "90政"],
    ["", "产出指标", "数量指标", "培训班次", "≥8", "/", "10委"],
]


def test_a_unit_column_says_the_actual_prints_a_number_when_the_target_cannot() -> None:
    """dev lg_9516: the seal over 度量单位 and 实际完成值 (`%政` | `85必`) beside a target a speck
    made no number of (`>90 1`): the unit cell's listed unit is the actual's; a line whose
    unit cell and target print none keeps its actual as printed."""
    rows = [list(r) for r in SPLIT]
    for row in rows[2:]:
        row += ["分值", "得分"] if row[0] == "绩效指标" else ["10", "10"]
    rows.append(["总分", "", "", "", "", "", "", "100", "95.7"])
    p = page(1, table(rows, {(0, 1): (1, 8), (1, 1): (1, 8)}), lines=("项目支出绩效自评表",))
    p.has_text_layer, p.bbox_unit = False, "px"
    (form,), _ = read_document([p])
    got = [i.extra["actual"].value for i in form.indicators]
    assert got == ["85%", "90人", "10委/"]


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1067元人", "元/人", "1067元/人"),  # selfscan18's lg_8663_自评: its `/` lost
        ("34入", "人", "34人"),  # one glyph read as another
        ("34入以上", "人", "34人以上"),  # a bound's qualifier kept
        ("12.22 万 j元", "万元", "12.22万元"),  # dev lg_1377_自评: a speck inside the unit
        ("3.5夭", "天", "3.5天"),
        ("1,200元/入", "元/人", "1,200元/人"),
        ("34人", "人", None),  # the unit as printed
        ("34人次", "人", None),  # another listed unit: print, not a misreading
        ("8分", "人", None),  # a score's 分 is print
        ("95%", "%", None),
        ("34", "人", None),  # no unit read: nothing to say it was the target's
        ("34入口", "人", None),  # two glyphs off
        ("34入", "", None),  # the target prints no unit
        ("明显提高", "人", None),  # no number
    ],
)
def test_unit_misread(text: str, unit: str, expected: str | None) -> None:
    assert unit_misread(text, unit) == expected


def test_an_actuals_unit_one_glyph_off_its_targets_is_the_targets_and_reported() -> None:
    """An actual whose unit OCR misread (`90入`) beside a target printing `人` is read `90人`,
    with a note naming page and line; a text layer keeps what it prints."""
    rows = [list(r) for r in SELF_EVAL]
    rows[4][5] = "90入"
    p = page(1, table(rows, {(0, 1): (1, 7), (1, 1): (1, 7)}), lines=("项目支出绩效自评表",))
    p.has_text_layer, p.bbox_unit = False, "px"
    (form,), problems = read_document([p])
    assert form.indicators[1].extra["actual"].value == "90人"
    assert [p for p in problems if "one glyph off" in p] == [
        "page 1: 培训项目: 培训人次: the actual was read '90入', its unit no listed unit and one "
        "glyph off the target's 人; read '90人'"
    ]
    text = page(1, table(rows, {(0, 1): (1, 7), (1, 1): (1, 7)}), lines=("项目支出绩效自评表",))
    (form,), _ = read_document([text])
    assert form.indicators[1].extra["actual"].value == "90入"
