"""A grid heading row whose cells OCR cut (flows/forms/columns.py): a cell printing only 指标
where 三级指标 stands (`name_by_place`), and two heads cut short and read as one cell
(`heads_cut_together`: `年度指标 实际完成`), read by the form's heads in their order."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.columns import find_heading, heads_cut_together
from flows.forms.spec import PROJECT_SELF_EVAL, PROJECT_TARGET
from flows.models import Cell
from tests.test_forms import FUNDS_HEAD_ROW, page, table, values
from tests.test_selfeval_reader import TITLE

COLUMNS = list(PROJECT_SELF_EVAL.columns)


def _cell(text: str, colspan: int) -> Cell:
    return Cell(3, 4, text, (0, 0, 30 * colspan, 10), colspan=colspan)


def test_two_heads_cut_short_and_run_together_are_read_in_the_forms_order() -> None:
    heads = heads_cut_together(_cell("年度指标 实际完成", 2), COLUMNS, set())
    assert [h.field for h in heads] == ["target", "actual"]
    heads = heads_cut_together(_cell("指标值 实际完", 2), list(PROJECT_TARGET.columns), set())
    assert heads == []  # the target form prints no 实际完成值: 实际完 names no head of it


def test_no_cut_reading_when_a_part_is_any_heads_or_out_of_order_or_found() -> None:
    assert heads_cut_together(_cell("年度指标 实际完成", 1), COLUMNS, set()) == []
    assert heads_cut_together(_cell("实际完成 年度指标", 2), COLUMNS, set()) == []
    assert heads_cut_together(_cell("年度指标 实际完成", 2), COLUMNS, {"actual"}) == []
    assert heads_cut_together(_cell("指标 实际完成", 2), COLUMNS, set()) == []  # 指标: any head's


def test_a_long_cell_of_one_heads_pieces_is_read_without_listing_every_cut() -> None:
    """Six heads' worth of 偏差原因分析及改进措施 (66 characters) cut into parts of one head
    every way: one head read six times is no reading, and it is answered at once (listing every
    cut, as the first version did, took 10 s at 33 characters and grew exponentially)."""
    assert heads_cut_together(_cell("偏差原因分析及改进措施" * 6, 4), COLUMNS, set()) == []
    heads = heads_cut_together(_cell("年度指标 实际完成 偏差原因分析及改进措施", 3), COLUMNS, set())
    assert [h.field for h in heads] == ["target", "actual", "deviation_reason"]


def test_a_cell_printing_only_the_grids_label_where_the_name_heading_stands_is_found() -> None:
    rows = [
        ["一级指标", "二级指标", "指标", "度指标值", "实际完成值", "得分"],
        ["产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "6"],
    ]
    assert find_heading(table(rows, {}), 0, 2) == (0, 1)
    rows[0][2:4] = ["度指标值", "指标"]  # the label alone after the value: no 三级指标
    assert find_heading(table(rows, {}), 0, 2) is None


def _grid(heading: list[str | None], line: list[str | None], spans: dict) -> tuple:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        heading,
        line,
        ["总分", None, None, None, None, None, "100", "99"],
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (5, 0): (1, 6), **spans}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    return form, problems


def test_a_self_evaluation_whose_heading_cells_ocr_cut_is_read_with_a_note() -> None:
    form, problems = _grid(
        ["绩效指标", "一级指标", "二级指标", "指标", "年度指标 实际完成", None, "分值", "得分"],
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1380亩", "90", "89.5"],
        {(3, 4): (1, 2)},
    )
    assert (values(form)["overall_weight"], values(form)["overall_score"]) == ("100", "99")
    (line,) = form.indicators
    assert line.name.value == "防治面积"
    assert (line.target.value, line.extra["actual"].value, line.extra["weight"].value) == (
        "1385亩",
        "1380亩",
        "90",
    )
    assert (
        "page 1: the heading cell '年度指标 实际完成' prints the heads of target、actual cut "
        "short and run together (OCR lost their rule and some of their characters); read as "
        "those heads, in the form's order"
    ) in problems
    assert (
        "page 1: column heading '指标' read as indicator_name by its place: the one heading "
        "cell between 二级指标 and the value, holding part of 三级指标 (OCR misread the rest)"
    ) in problems
