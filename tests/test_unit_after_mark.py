"""A 度量单位 cell OCR read as a no-value mark and a unit (`-%`) is the unit.

Why: a cell prints a unit or a mark that it has none, never both, and a `%` is no speck; the
mark is. Dev lg_2042 p4 (scan): the unit cell read `-%` at p=0.33 made the target `>96-%`,
one indicator lost. Text layers print what they print; the raw cell keeps the reading."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import TITLE, page, table

ROWS = [
    ["项目名称", "培训项目", "年度资金总额", "10", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
    ["产出指标", "质量指标", "合格率", ">", "96", "-%"],
    [None, "数量指标", "培训人次", "≥", "200", "：人次"],
    [None, "时效指标", "完成时间", "定性", "2024年底", "-"],
    [None, "成本指标", "补助标准", "≤", "90", "/亩"],
]


def _pages(ocr: bool) -> list:
    p = page(1, table(ROWS, {(2, 0): 4}), lines=TITLE)
    p.has_text_layer = not ocr
    return [p]


def test_a_mark_before_a_unit_is_a_speck_on_ocr_pages() -> None:
    pages = _pages(ocr=True)
    (form,), problems = read_document(pages)
    assert [i.target.value for i in form.indicators] == [">96%", "≥200人次", "2024年底-", "≤90/亩"]
    assert problems == [
        "page 1: 培训项目: the measure_unit cell '-%' prints a mark of no value before the unit "
        "'%' (a speck: a cell prints a unit or a mark that it has none); read as the unit",
        "page 1: 培训项目: the measure_unit cell '：人次' prints a mark of no value before the "
        "unit '人次' (a speck: a cell prints a unit or a mark that it has none); read as the unit",
    ]
    assert pages[0].tables[0].at(2, 5).text == "-%"  # the raw cell as read


def test_a_text_layer_unit_stays_as_printed() -> None:
    (form,), problems = read_document(_pages(ocr=False))
    assert [i.target.value for i in form.indicators] == [
        ">96-%",
        "≥200：人次",
        "2024年底-",
        "≤90/亩",
    ]
    assert problems == []
