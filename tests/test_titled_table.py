"""A table printing no opener under the title of another form than the one open (dev10
lg_95014 p4: a 部门整体绩效目标表 on a page of its own after a project, its `部门名称` label read
`名称`): that form's, opened from a piece of its opener label and the value beside it, or said in
one note; never read as the open project's continuation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.forms.titled import titled_form
from flows.models import PageGrid, ProjectForm
from tests.test_forms import first_page, lines_of, page, table, values

DEPT_TITLE = "2025 年度部门整体绩效目标表"
LINE = ["", "产出指标", "数量指标", "创业培训人数", "≥1723人"]
NAME_ROW = ["名称", "某县人力资源和社会保障局", "", "", ""]  # 部门名称 read as its last line


def ocr(grid: PageGrid) -> PageGrid:
    return replace(grid, has_text_layer=False)


def second_page(first_row: list[str], title: str) -> PageGrid:
    return ocr(page(2, table([first_row, LINE]), lines=(title,)))


@pytest.mark.parametrize(
    ("title", "form"),
    [
        (DEPT_TITLE, "department_target"),  # 部门整体 before the 绩效目标表 both plans print
        ("部门整体支出绩效目标表", "department_target"),
        ("2025年项目支出绩效目标表", "project_target"),
        ("项目支出绩效自评表", "project_self_eval"),
        ("(2025 年度)", None),
    ],
)
def test_a_title_names_the_form_whose_mark_it_prints_first(title: str, form: str | None) -> None:
    spec = titled_form(title)
    assert (spec.form if spec is not None else None) == form


def test_a_table_under_another_forms_title_opens_that_form_not_the_projects_lines() -> None:
    pages = [first_page(), second_page(NAME_ROW, DEPT_TITLE)]
    (project, dept), problems = read_document(pages)
    assert lines_of(project) == [("产出指", "数量指标 (必填硬性指", "召开会议", "5 次")]
    assert dept.form == "department_target" and dept.first_page == 2
    assert values(dept)["department_name"] == "某县人力资源和社会保障局"
    assert (dept.fields["department_name"].page, dept.fields["department_name"].row) == (2, 0)
    assert (
        "page 2: a table printing no opener under the title '2025 年度部门整体绩效目标表' of a "
        "department_target: not read as a continuation of 测试项目; opened, its opener's value "
        "the cell '某县人力资源和社会保障局' (row 0, column 1) beside '名称', a piece of its "
        "opener label"
    ) in problems


def test_with_no_opener_piece_the_table_is_said_and_the_project_closed() -> None:
    pages = [first_page(), second_page(["", "某县人力资源和社会保障局", "", "", ""], DEPT_TITLE)]
    (project,), problems = read_document(pages)
    assert lines_of(project) == [("产出指", "数量指标 (必填硬性指", "召开会议", "5 次")]
    assert problems == [
        "page 2: a table printing no opener under the title '2025 年度部门整体绩效目标表' of a "
        "department_target: not read as a continuation of 测试项目; its opener's value not "
        "found: not read, and not appended"
    ]


def test_a_title_of_the_open_form_leaves_its_continuation_as_it_was() -> None:
    cont = second_page(["", "产出指标", "质量指标", "验收合格率", "100%"], "项目支出绩效目标表")
    (project,), _ = read_document([first_page(), cont])
    assert [i.name.value for i in project.indicators] == ["召开会议", "验收合格率", "创业培训人数"]


def read_department(name_row: list[str]) -> tuple[ProjectForm, list[str]]:
    """A 部门整体 table whose first row is `name_row`, then its goal and a one-line grid."""
    goal = ["年度总体目标", "保护森林资源", "", ""]
    grid = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "管护面积", "≥100亩"],
    ]
    (form,), problems = read_document(
        [ocr(page(1, table([name_row, goal, *grid]), lines=(DEPT_TITLE,)))]
    )
    return form, problems


def test_a_value_ending_with_a_label_gives_that_label_the_next_cell() -> None:
    """dev11 lg_100207 p3: `部门名称 | 安口县…保障局部门代码 | 330207`, the rule before 部门代码
    lost: the code was dropped unsaid as the second cell of the name's value."""
    form, problems = read_department(["部门名称", "某县林业和草原局部门代码", "", "250525"])
    got = values(form)
    assert (got["department_name"], got["department_code"]) == ("某县林业和草原局", "250525")
    assert (form.fields["department_code"].row, form.fields["department_code"].col) == (0, 3)
    assert problems == [
        "page 1: header cell '某县林业和草原局部门代码' ends with the label 部门代码 (OCR found "
        "no rule before it), its value in the cell '250525' after it: department_name read as "
        "'某县林业和草原局', department_code as '250525'"
    ]


def test_a_value_ending_with_a_label_keeps_a_row_that_prints_more_after_the_cell() -> None:
    form, _ = read_department(["部门名称", "某县林业和草原局部门代码", "250525", "备注"])
    assert values(form)["department_name"] == "某县林业和草原局部门代码"
    assert "department_code" not in form.fields
