"""A cell covering both label columns that prints a 一级 label and one of its 二级 labels.

Why: where a scan loses the column rule between 一级 and 二级 beside one line, OCR reads both
labels as one line of one cell (dev9 lg_80831 p1: `效益指标社会效益指标`); that cell stood for
both columns and the line landed under the run-together text twice. The form's categories
part it: the 二级 label after the 一级 one must be one of its categories."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.rows import _labels_side_by_side
from flows.models import Cell
from tests.test_forms import TITLE, page, table
from tests.test_merged_cells import HEADER, ocr_page

GRID = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "≥200人次"],
    ["效益指标社会效益指标", None, "就业率", "提高"],
    ["满意度指标", "服务对象满意度指标", "满意率", "≥90%"],
]
SPANS = {(4, 0): (1, 2)}  # HEADER takes rows 0-1


def levels(form) -> list[tuple[str, str, str]]:
    return [(i.level1.value, i.level2.value, i.name.value) for i in form.indicators]


def test_an_ocr_cell_over_both_label_columns_is_parted_by_the_categories() -> None:
    (form,), problems = read_document(ocr_page([*HEADER, *GRID], SPANS))
    assert levels(form) == [
        ("产出指标", "数量指标", "培训人次"),
        ("效益指标", "社会效益指标", "就业率"),
        ("满意度指标", "服务对象满意度指标", "满意率"),
    ]
    assert problems == [
        "page 1: 培训项目: the cell '效益指标社会效益指标' covers the 一级 and 二级 columns (OCR "
        "found no rule between them): read as 一级 '效益指标' and 二级 '社会效益指标', a label of "
        "its categories"
    ]


def test_a_text_layer_cell_over_both_label_columns_stays_as_printed() -> None:
    (form,), problems = read_document([page(1, table([*HEADER, *GRID], SPANS), lines=TITLE)])
    assert levels(form)[1][:2] == ("效益指标社会效益指标", "效益指标社会效益指标")
    assert problems == []


def cell(text: str) -> Cell:
    return Cell(row=0, col=0, text=text, bbox=(0, 0, 2, 1), colspan=2)


def test_only_a_level1_label_then_one_of_its_own_level2_labels_is_parted() -> None:
    assert _labels_side_by_side(cell("产出指标质量指标（必填）")) == (
        "产出指标",
        "质量指标（必填）",
    )
    assert _labels_side_by_side(cell("满意度指标服务对象满意度指标")) == (
        "满意度指标",
        "服务对象满意度指标",
    )
    assert _labels_side_by_side(cell("产出指标社会效益指标")) is None  # another 一级's label
    assert _labels_side_by_side(cell("效益指标")) is None  # one label: nothing to part
    assert _labels_side_by_side(cell("效益指标提升服务水平")) is None  # no 二级 label after it
    assert _labels_side_by_side(cell("数量指标质量指标")) is None  # no 一级 label first
