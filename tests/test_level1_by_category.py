"""A 一级 label OCR read naming no indicator category takes the one its 二级 label belongs to.

Why: a seal printed as dark as the text over a merged 一级 cell glues its characters onto the
label and breaks its keyword (`覆益指标 政` for 效益指标, lg_4907 p2); the warehouse then files
every line under it with a blank 一级. Text layers print their labels and keep them."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import TITLE, page, table
from tests.test_merged_cells import HEADER, ocr_page

GRID = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "≥200人次"],
    ["覆益指标 政", "社会效益指标", "就业率", "提高"],
    [None, "其他指标", "满意率", "≥90%"],
    [None, "生态效益指", "节能", "明显"],
]


def levels(form) -> list[tuple[str, str]]:
    return [(i.level1.value, i.name.value) for i in form.indicators]


def test_an_ocr_level1_naming_no_category_takes_its_level2s() -> None:
    (form,), problems = read_document(ocr_page([*HEADER, *GRID], {(4, 0): 3}))
    assert levels(form) == [
        ("产出指标", "培训人次"),
        ("效益指标", "就业率"),
        ("覆益指标 政", "满意率"),  # a 二级 label of no category: as printed
        ("效益指标", "节能"),
    ]
    assert problems == [
        "page 1: 培训项目: the 一级 label '覆益指标 政' names no indicator category (OCR); its "
        "lines take the one their 二级 label belongs to"
    ]


def test_a_text_layer_level1_stays_as_printed() -> None:
    (form,), problems = read_document([page(1, table([*HEADER, *GRID], {(4, 0): 3}), lines=TITLE)])
    assert [lv for lv, _ in levels(form)] == [
        "产出指标",
        "覆益指标 政",
        "覆益指标 政",
        "覆益指标 政",
    ]
    assert problems == []


# dev lg_4834 p3: the OCR grid ended the merged 产出指标 cell above its 成本指标 lines, which
# took the 效益指标 cell below for theirs
MISPLACED = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "抽检批次数量", "≥39批次"],
    ["效益指标", "成本指标（必填）", "监督抽检成本", "≤4.33万元"],
    [None, "成本指标（必填硬性指标）", "预算金额", "4.33万元"],
    [None, "社会效益指标", "服务水平", "显著增强"],
    # one slip from 成本指标 alone: read as it (levels.level2_by_vocabulary), so its 一级 follows
    [None, "或本指标(必", "补助标准", "959元/年"],
]


def test_an_ocr_level1_naming_another_category_than_its_level2s_takes_theirs() -> None:
    (form,), problems = read_document(ocr_page([*HEADER, *MISPLACED], {(4, 0): 4}))
    assert levels(form) == [
        ("产出指标", "抽检批次数量"),
        ("产出指标", "监督抽检成本"),
        ("产出指标", "预算金额"),
        ("效益指标", "服务水平"),
        ("产出指标", "补助标准"),
    ]
    assert problems == [
        "page 1: 培训项目: the 二级 label '或本指标(必' names no indicator category (OCR) and is "
        "nearest to 成本指标 alone; taken as '成本指标(必'",
        "page 1: 培训项目: the 一级 label '效益指标' names another category than its lines' 二级 "
        "labels (OCR); its lines take the one their 二级 label belongs to",
    ]


def test_a_text_layer_level1_naming_another_category_stays_as_printed() -> None:
    grid = table([*HEADER, *MISPLACED], {(4, 0): 4})
    (form,), problems = read_document([page(1, grid, lines=TITLE)])
    assert [lv for lv, _ in levels(form)] == ["产出指标", *["效益指标"] * 4]
    assert problems == []
