"""A rate's 度量单位 cell OCR read as a lone mark (`≥ | 87 | :`) is read as the rate unit the
form's rate lines before it print (dev10 lg_95161 p2, lg_96854 p2: a faded `%` read `:` with no
unit among the recogniser's readings, the target landed `≥87:`). Only for a line naming a rate
whose value is one number a rate may be; text layers print what they print; the raw cell keeps
the reading."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.rateunit import form_rate_unit, lone_mark
from flows.models import IndicatorRow, SourcedValue
from tests.test_forms import TITLE, ocr_page, page, table

ROWS = [
    ["项目名称", "健康管理", "年度资金总额", "10", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
    ["产出指标", "数量指标", "验收合格率", "≥", "85", ":"],
    [None, None, "完成率", ">", "91", "%"],
    [None, None, "建档人数", "≥", "30", ":"],
    [None, "质量指标", "服务对象满意度", "≥", "87", ":"],
    [None, None, "社会公众满意度", "≥", "89", "•"],
    [None, None, "达标率", "≥", "120", ":"],
    [None, None, "覆盖率", "=", "95", "-"],
    [None, None, "知晓率", "定性", "明显提高", ":"],
]


def _read(ocr: bool) -> tuple[list[str], list[str], list]:
    make = ocr_page if ocr else page
    pages = [make(1, table(ROWS, {(2, 0): 8, (2, 1): 4, (6, 1): 4}), lines=TITLE)]
    (form,), problems = read_document(pages)
    return [i.target.value for i in form.indicators], problems, pages


def test_a_rates_unit_read_as_a_mark_is_the_forms_rate_unit() -> None:
    targets, problems, pages = _read(ocr=True)
    assert targets == [
        "≥85:",  # no rate line before it prints a unit: nothing tells which
        ">91%",
        "≥30:",  # a count, no rate
        "≥87%",
        "≥89%",
        "≥120:",  # above 100: no percentage
        "=95-",  # a no-value mark is a cell's own print
        "明显提高:",  # qualitative: stays as read
    ]
    said = [p for p in problems if "a mark that is no unit" in p]
    assert said == [
        "page 1: 健康管理: 服务对象满意度: the measure_unit cell was read ':', a mark that is no "
        "unit; the line names a rate, its value 87 is one, and the form's rates before it print "
        "'%': read as '%'",
        "page 1: 健康管理: 社会公众满意度: the measure_unit cell was read '•', a mark that is no "
        "unit; the line names a rate, its value 89 is one, and the form's rates before it print "
        "'%': read as '%'",
    ]
    assert pages[0].tables[0].at(5, 5).text == ":"  # the raw cell as read


def test_a_text_layer_unit_stays_as_printed() -> None:
    targets, problems, _ = _read(ocr=False)
    assert targets[3:5] == ["≥87:", "≥89•"]
    assert not [p for p in problems if "a mark that is no unit" in p]


def _line(name: str, target: str) -> IndicatorRow:
    def sv(text: str) -> SourcedValue:
        return SourcedValue(value=text, page=1, table_index=0, row=0, col=0)

    return IndicatorRow(
        level1=sv("产出指标"), level2=sv("质量指标"), name=sv(name), target=sv(target)
    )


def test_the_forms_rate_unit_is_one_unit_its_rate_lines_print() -> None:
    assert form_rate_unit([_line("完成率", "≥95%"), _line("人数", "30人")]) == "%"
    assert form_rate_unit([_line("完成率", "≥95%"), _line("误差率", "≤5‰")]) is None
    assert form_rate_unit([_line("人数", "30人"), _line("完成时间", "2024年底")]) is None
    assert form_rate_unit([_line("完成率", "95")]) is None  # printed bare: no unit told


def test_a_lone_mark_is_punctuation_or_a_symbol_and_no_no_value_mark() -> None:
    assert [lone_mark(t) for t in (":", "•", "：", ":.")] == [True] * 4
    assert not any(lone_mark(t) for t in ("", "-", "/", "%:", "2", "人", "x", ":::"))
