"""The self-evaluation reader on grids an OCR grid damaged: a header whose rules were lost, so
one cell prints several labels with their values and the funds matrix after them (dev bench
scans lg_181 and lg_87 of `--range dev`, shortened here)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.inline import printed_span
from tests.test_forms import page, table, values

GRID_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标"]
GRID_HEAD += ["年度指标值", "实际完成值", "分值", "得分"]
GRID = [
    GRID_HEAD,
    ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", "6", "6"],
    ["总分", "", "", "", "", "", "100", "95.7"],
]
TITLE = ("项目支出绩效自评表", "(2026年度)")


def _read(header_text: str) -> tuple[dict[str, str], list[str]]:
    rows = [[header_text, None, None, None, None, None, None, None], *GRID]
    spans = {(0, 0): (1, 8), (2, 0): 1}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    assert form.form == "project_self_eval"
    return values(form), problems


def test_one_cell_printing_the_header_labels_and_the_funds_matrix() -> None:
    got, problems = _read(
        "项目名称 农作物病虫害防治主管部门 临溪县农业农村局 实施单位：临溪县农村经营管理站"
        "年初预算数全年预算数全年执行数 分值 执行率 得分年度资金总额 6.4 6.4 6.28 10 98.1% "
        "9.81项目资金（万元） 其中：当年财政 拨款 5.59 5.59 5.59 / / /上年结转资金 0 0.01 0.01 "
        "/ / /其他资金 0.8 0.8 0.68 / / /"
    )
    assert {k: got[k] for k in ("project_name", "department_name", "implementing_unit")} == {
        "project_name": "农作物病虫害防治",
        "department_name": "临溪县农业农村局",
        "implementing_unit": "临溪县农村经营管理站",
    }
    funds = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate")
    assert [got[f"total_{c}"] for c in (*funds, "score")] == [
        "6.4", "6.4", "6.28", "10", "98.1%", "9.81",
    ]  # fmt: skip
    # the wrapped row label `当年财政 拨款` is still the fiscal row; the group label printed in
    # the middle of the matrix (项目资金（万元）) is no value, but gives the unit
    assert [got[f"fiscal_{c}"] for c in funds] == ["5.59", "5.59", "5.59", "/", "/"]
    assert [got[f"other_{c}"] for c in funds] == ["0.8", "0.8", "0.68", "/", "/"]
    assert got["funds_unit"] == "万元"
    assert (got["overall_weight"], got["overall_score"]) == ("100", "95.7")
    assert problems == [
        "page 1: header cell '项目名称 农作物病虫害防治主管部门 临溪县农业农村局 "
        "实施单位：临溪县农村经营管理站年初预算数全年预算数全年执行数 分值…'"
        " prints several labels with their values (OCR found no rules between them): read "
        "project_name, department_name, implementing_unit, the funds matrix"
    ]


def test_a_funds_row_not_printing_one_value_per_head_is_not_read() -> None:
    got, problems = _read(
        "项目名称 农作物病虫害防治 主管部门 临溪县农业农村局 年初预算数全年预算数全年执行数 分值 "
        "执行率 得分年度资金总额 6.4 6.4 10 98.1% 9.81"
    )
    assert got["project_name"] == "农作物病虫害防治"
    assert not any(k.startswith("total_") for k in got)
    assert problems[0] == (
        "page 1: funds row '年度资金总额' prints 5 value(s) for 6 heads in one cell; not read"
    )


def test_goal_heads_in_one_cell_are_not_split_as_inline_labels() -> None:
    """预期目标 | 实际完成情况 print their values below them: a cell printing both heads and
    their texts is the head merged down with its value, read as before (not cut at 实际完成情况)."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        ["预期目标实际完成情况改造危房", None, None, None, None, None, None, None],
        *GRID,
    ]
    spans = {(0, 1): (1, 7), (1, 0): (1, 8)}
    (form,), _ = read_document([page(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    assert got["project_name"] == "某项目"
    assert got["overall_goal"] == "实际完成情况改造危房"


def test_printed_span_keeps_spaces_and_skips_colons() -> None:
    text = "主管部门： 某局 实施单位 某所"
    assert printed_span(text, 4, 6) == "： 某局"
    assert printed_span(text, 10, 12) == " 某所"
