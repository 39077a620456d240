"""A target OCR read with a Han glyph before its comparator sign (`明>96%`, dev5 lg_48718 p3: a
seal's glyph over the cell) is read without it, noted: a target prints its sign first."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.cellvalues import glyphs_before_comparator
from tests.test_forms import TITLE, ocr_page, page, table

ROWS = [
    ["项目名称", "病虫害防治", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "质量指标", "验收合格率", "明>96%"],
    [None, None, "防治面积达标率", "不低于95%"],
]


def test_a_glyph_before_a_targets_comparator_is_left_out_and_said() -> None:
    (form,), problems = read_document(
        [ocr_page(1, table(ROWS, {(2, 0): 2, (2, 1): 2}), lines=TITLE)]
    )
    assert [i.target.value for i in form.indicators] == [">96%", "不低于95%"]
    assert problems == [
        "page 1: 病虫害防治: 验收合格率: the target '明>96%' reads '明' before its comparator, "
        "which a target prints first (a seal's or speck's glyph): read as '>96%'"
    ]
    # a text layer prints what it prints
    (form,), _ = read_document([page(1, table(ROWS, {(2, 0): 2, (2, 1): 2}), lines=TITLE)])
    assert form.indicators[0].target.value == "明>96%"


def test_only_a_sign_one_number_and_a_unit_after_the_glyphs() -> None:
    assert glyphs_before_comparator("明 ≥ 96%") == ("≥ 96%", "明")
    assert glyphs_before_comparator("政>1200人次以上") == (">1200人次以上", "政")
    for printed in (">96%", "不低于95%", "政>=2025年底", "明>96%和>90%", "达到100%"):
        assert glyphs_before_comparator(printed) is None, printed
