"""A plan's split target headed 指标值及单位 | 度量单位 whose heads OCR read across in one cell
(dev3 lg_29026 p2: `指标值及单度量单位位`): the 指标值及单位 spelling in the form description
(`flows/forms/spec.py`) lets `heads_run_together` tell both heads apart, so the units are read."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import heads_run_together
from flows.forms.spec import PROJECT_TARGET
from flows.models import Cell, CellLine
from tests.test_forms import TITLE, lines_of, ocr_page, table

COLUMNS = list(PROJECT_TARGET.columns)


def test_target_and_unit_heads_read_across_are_both_found() -> None:
    """Each head wrapped (指标值及单/位 beside 度量单/位) and read across: the characters are
    exactly 指标值及单位 and 度量单位, target's standing left."""
    lines = (
        CellLine("指标值及单度量单", (0, 0, 80, 10)),
        CellLine("位位", (20, 12, 60, 22)),
    )
    cell = Cell(3, 4, "指标值及单度量单位位", (0, 0, 80, 22), colspan=2, lines=lines)
    heads = heads_run_together(cell, COLUMNS, {"level1", "level2", "indicator_name"})
    assert [h.field for h in heads] == ["target", "measure_unit"]


def test_a_split_target_whose_value_and_unit_heads_share_a_cell_keeps_its_units() -> None:
    rows = [
        ["项目名称", "培训项目", "年度资金总额", "10", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值及单度量单位位", None],
        ["产出指标", "数量指标", "签约人数", "=", "2334", "人"],
        [None, "质量指标", "验收合格率", "≥", "93", "%"],
    ]
    spans = {(1, 4): (1, 2), (2, 0): (2, 1)}
    (form,), problems = read_document([ocr_page(1, table(rows, spans), lines=TITLE)])
    assert lines_of(form) == [
        ("产出指标", "数量指标", "签约人数", "=2334人"),
        ("产出指标", "质量指标", "验收合格率", "≥93%"),
    ]
    assert (
        "page 1: the heading cell '指标值及单度量单位位' prints the heads of target、measure_unit "
        "run together (their lines read across); read as those heads, in the form's order"
    ) in problems


def test_the_target_heading_printed_whole_is_the_target_alone() -> None:
    rows = [
        ["项目名称", "培训项目", "年度资金总额", "10", ""],
        ["一级指标", "二级指标", "三级指标", "指标值及单位", "评分标准"],
        ["产出指标", "数量指标", "签约人数", "≥2334人", "完成得满分"],
    ]
    (form,), problems = read_document([ocr_page(1, table(rows), lines=TITLE)])
    assert lines_of(form) == [("产出指标", "数量指标", "签约人数", "≥2334人")]
    assert form.indicators[0].extra["scoring_standard"].value == "完成得满分"
    assert problems == []
