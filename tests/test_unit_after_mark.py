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


def test_the_unit_columns_are_the_form_descriptions() -> None:
    """Which columns print a unit alone is the form description's (`Column.unit`), not a list
    of field names in the reader: a form whose unit column lands under another field is
    mended the same way, and a column not marked as a unit keeps its mark."""
    from dataclasses import replace

    from flows.forms.rows import _unit_after_a_mark
    from flows.forms.spec import PROJECT_TARGET, Column
    from flows.models import SourcedValue

    spec = replace(
        PROJECT_TARGET,
        columns=(
            *PROJECT_TARGET.columns,
            Column("unit_of_count", ("计数单位",), unit=True),
            Column("remark", ("备注",)),
        ),
    )
    values = {f: SourcedValue("-次", page=1) for f in ("unit_of_count", "remark")}
    notes = _unit_after_a_mark(values, spec)
    assert {f: v.value for f, v in values.items()} == {"unit_of_count": "次", "remark": "-次"}
    assert len(notes) == 1
    assert [c.field for c in PROJECT_TARGET.columns if c.unit] == ["measure_unit"]
