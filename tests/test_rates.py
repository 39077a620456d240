"""A rate's target whose % sign OCR read as a digit (`flows.forms.rates`)."""

from __future__ import annotations

import pytest

from flows.forms import read_document
from flows.forms.rates import names_a_rate, percent_read_as_digit
from tests.test_forms import TITLE, page, table


@pytest.mark.parametrize(
    ("name", "target", "meant"),
    [
        ("社会公众满意度", "≥813", "≥81%"),  # dev lg_4764
        ("3.创业培训完成率", "≥931", "≥93%"),
        ("游客满意度", "≥805", "≥80%"),  # dev lg_6041
        ("验收合格率", "=1003", "=100%"),
        ("资金拨付及时率", "963", "96%"),
        # a number of at most 100 may be printed bare: left as read
        ("验收合格率", "≥93", None),
        ("验收合格率", "100", None),
        # not a percentage either way, a decimal, a unit or the sign already read
        ("验收合格率", "≥1200", None),
        ("验收合格率", "≥98.53", None),
        ("验收合格率", "≥813人", None),
        ("验收合格率", "≥81%", None),
        # no rate: counts and amounts go above 100
        ("培训人次", "≥813", None),
        ("群众满意度(%)", "≥813", None),
    ],
)
def test_a_rate_above_100_read_its_percent_sign_as_a_digit(
    name: str, target: str, meant: str | None
) -> None:
    assert percent_read_as_digit(name, target) == meant


def test_rate_names() -> None:
    assert [names_a_rate(n) for n in ("完成率", "受益群众满意度 ", "满意度(%)", "培训人次")] == [
        True,
        True,
        False,
        False,
    ]


ROWS = [
    ["项目名称", "培训项目", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "质量指标", "培训合格率", "≥931"],
    [None, "数量指标", "培训人次", "≥813"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90"],
]


def _pages(ocr: bool) -> list:
    p = page(1, table(ROWS, {(2, 0): 2}), lines=TITLE)
    if ocr:
        p.has_text_layer, p.bbox_unit = False, "px"
    return [p]


def test_reader_takes_the_rate_as_a_percentage_on_ocr_pages_and_reports_it() -> None:
    pages = _pages(ocr=True)
    (form,), problems = read_document(pages)
    assert [i.target.value for i in form.indicators] == ["≥93%", "≥813", "≥90"]
    assert problems == [
        "page 1: 培训项目: 培训合格率: the rate's target was read '≥931', above 100 with no "
        "unit; taken as '≥93%' (its % sign read as a digit)"
    ]
    # the raw cell keeps what the recogniser read
    assert pages[0].tables[0].at(2, 3).text == "≥931"


def test_text_layers_keep_a_rate_as_printed() -> None:
    (form,), problems = read_document(_pages(ocr=False))
    assert [i.target.value for i in form.indicators] == ["≥931", "≥813", "≥90"]
    assert problems == []


SELF_EVAL = [
    ["项目名称", "培训项目", None, None, None, None, None, None],
    ["年度资金总额", "10", None, None, None, None, None, None],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["", "产出指标", "质量指标", "培训合格率", "=93%", "939", "6", "6"],
    ["", "产出指标", "质量指标", "验收合格率", "≥96", "101", "6", "6"],
    ["", "产出指标", "数量指标", "培训人次", "≥80%", "813", "6", "6"],
    ["总分", "", "", "", "", "", "100", "95.7"],
]


def test_a_rates_actual_beside_a_target_in_percent_takes_its_percent_sign_back() -> None:
    """`939` under 实际完成值 beside `=93%` (dev lg_8221) is 93%; beside a bare `≥96` target an
    actual of 101 may be printed so and is kept; a count is never a percentage."""
    spans = {(0, 1): (1, 7), (1, 1): (1, 7)}
    p = page(1, table(SELF_EVAL, spans), lines=("项目支出绩效自评表", "(2026年度)"))
    p.has_text_layer, p.bbox_unit = False, "px"
    (form,), problems = read_document([p])
    assert [i.extra["actual"].value for i in form.indicators] == ["93%", "101", "813"]
    assert [x for x in problems if "actual was read" in x] == [
        "page 1: 培训项目: 培训合格率: the rate's actual was read '939', above 100 with no unit "
        "beside a target in %; taken as '93%' (its % sign read as a digit)"
    ]
