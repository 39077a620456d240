"""A grid heading cell printing its head one glyph off (flows/forms/columns.py:
`head_one_glyph_off`): a glyph misread (`货标值` for 指标值) or a speck read before the head
(`·指标值(包含数字及文字描述)`). The heading went unfound and the whole grid was read as header
cells, the project landed with no line (dev7 lg_65484 p1, lg_65210)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import find_heading, head_one_glyph_off
from flows.forms.labels import ALL_COLUMNS, column_alternatives
from flows.forms.spec import PROJECT_SELF_EVAL
from tests.test_forms import HEADER, TITLE, lines_of, page, table

LINES = [
    ["绩效指标", "产出指标", "数量指标", "召开会议", "5 次"],
    [None, "效益指标", "社会效益指标", "促进和谐", "明显改善"],
]


def test_a_head_one_glyph_off_names_its_column() -> None:
    assert head_one_glyph_off("货标值", ALL_COLUMNS, set()) == "target"
    assert head_one_glyph_off("·指标值(包含数字及文字描述)", ALL_COLUMNS, set()) == "target"
    assert head_one_glyph_off("评分标淮", ALL_COLUMNS, set()) == "scoring_standard"


def test_no_column_when_found_ambiguous_short_or_followed_by_more_than_a_gloss() -> None:
    assert head_one_glyph_off("货标值", ALL_COLUMNS, {"target"}) is None
    # 实际值 (actual) or 指标值 (target): one glyph off both
    self_eval = column_alternatives(PROJECT_SELF_EVAL.columns)
    assert head_one_glyph_off("实标值", self_eval, set()) is None
    assert head_one_glyph_off("单拉", ALL_COLUMNS, set()) is None  # 单位: two glyphs
    assert head_one_glyph_off("实际信", self_eval, set()) is None  # 2 of 3: the value head's only
    assert head_one_glyph_off("货标值说明", ALL_COLUMNS, set()) is None
    assert head_one_glyph_off("名称", ALL_COLUMNS, set()) is None  # the grid's label


def test_a_heading_with_its_value_head_one_glyph_off_is_found() -> None:
    rows = [["名称", "一级指标", "二级指标", "三级指标", "货标值"], *LINES]
    assert find_heading(table(rows, {(1, 0): 2}), 0, 3) == (0, 1)
    rows[0][3] = "指标"  # no 三级指标 head: the row is no heading, the slip is not asked
    assert find_heading(table(rows, {(1, 0): 2}), 0, 3) is None


def test_a_grid_under_the_header_whose_value_head_ocr_misread_lands_its_lines() -> None:
    for printed in ("货标值", "·指标值（包含数字及文字描述）"):
        rows = [*HEADER[:7], ["名称", "一级指标", "二级指标", "三级指标", printed], *LINES]
        (form,), problems = read_document(
            [page(1, table(rows, {(3, 0): 3, (8, 0): 2}), lines=TITLE)]
        )
        assert lines_of(form) == [
            ("产出指标", "数量指标", "召开会议", "5 次"),
            ("效益指标", "社会效益指标", "促进和谐", "明显改善"),
        ]
        assert [p for p in problems if "one glyph off" in p] == [
            f"page 1: column heading '{printed}' read as target: it prints that head one glyph "
            "off (a glyph misread, or a speck read beside it), and no other head of its row is "
            "near it"
        ]
