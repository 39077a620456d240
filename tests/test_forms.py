"""The form parser on hand-made grids: fill-down, page-break stitching, glued labels."""

from __future__ import annotations

from flows.forms import is_unfinished_label, match_label, parse_document
from flows.models import Cell, PageGrid, PageStatus, Table, TextLine, join_wrapped


def grid(rows: list[list[str | None]], spans: dict[tuple[int, int], int] | None = None) -> Table:
    """A 5-column table from rows of texts; None marks a position covered by the cell above,
    `spans` gives (row, col) → rowspan for merged cells."""
    spans = spans or {}
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            cells.append(
                Cell(
                    row=r, col=c, text=text, bbox=(c, r, c + 1, r + 1), rowspan=spans.get((r, c), 1)
                )
            )
    return Table(n_rows=len(rows), n_cols=5, cells=cells, bbox=(0, 0, 5, len(rows)), extractor="t")


def page(n: int, table: Table, lines: tuple[str, ...] = ()) -> PageGrid:
    return PageGrid(
        page=n, width=595, height=842, bbox_unit="pt", has_text_layer=True,
        status=PageStatus.EXTRACTED, extractor="t", tables=[table],
        lines=[TextLine(t, (0, 0, 1, 1)) for t in lines],
    )  # fmt: skip


HEADER = [
    ["项目名称", "测试项目", "", "", ""],
    ["主管部门及代码075001", "", "实施单位", "某单位", ""],
    ["项目属性", "0101-一年期项目", "项目期", "1 年", ""],
    ["项目资金 (万元)", "年度资金总额:", "15", "", ""],
    [None, "其中: 财政拨款", "15", "", ""],
    [None, "其他资金", "", "", ""],
    ["年度总体目标", "目标", "", "", ""],
    ["名称", "一级指标", "二级指标", "三级指标", "指标值"],
]


def first_page() -> PageGrid:
    rows = [*HEADER, ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
    spans = {(3, 0): 3}
    return page(1, grid(rows, spans), ("部门项目支出预算绩效目标表", "(2024 年度)"))


def test_split_labels_are_stitched_and_filled_down() -> None:
    cont = grid(
        [
            ["", "标", "标)", "宣传教育", "12次"],
            [None, None, None, "安装监控", "10个"],
            [None, None, "质量指标(必填)", "知晓率", "100%"],
            [None, "效益指标", "社会效益指标(必填)", "安全稳定", "明显"],
        ],
        {(0, 0): 4, (0, 1): 3, (0, 2): 2},
    )
    (project,), problems = parse_document([first_page(), page(2, cont)])
    assert problems == []
    got = [
        (i.level1.value, i.level2.value, i.name.value, i.target.value) for i in project.indicators
    ]
    assert got == [
        ("产出指标", "数量指标 (必填硬性指标)", "召开会议", "5 次"),
        ("产出指标", "数量指标 (必填硬性指标)", "宣传教育", "12次"),
        ("产出指标", "数量指标 (必填硬性指标)", "安装监控", "10个"),
        ("产出指标", "质量指标(必填)", "知晓率", "100%"),
        ("效益指标", "社会效益指标(必填)", "安全稳定", "明显"),
    ]
    # the stitched label keeps the provenance of its first part; each target its own page
    assert project.indicators[1].level1.page == 1
    assert [i.target.page for i in project.indicators] == [1, 2, 2, 2, 2]


def test_name_cut_by_page_break_is_joined_to_previous_indicator() -> None:
    cont = grid(
        [["", "", "", "氛围营造", ""], [None, None, "时效指标（必填）", "完成时限", "2024年12月"]]
    )
    (project,), _ = parse_document([first_page(), page(2, cont)])
    assert [i.name.value for i in project.indicators] == ["召开会议氛围营造", "完成时限"]
    assert project.indicators[0].target.value == "5 次"


def test_blank_and_repeated_labels_on_continuation_inherit() -> None:
    rows = [*HEADER, ["绩效指标", "产出指标", "数量指标", "召开会议", "5 次"]]
    cont = grid(
        [["", "", "", "专职网格员", "40"], [None, "产出指标", "质量指标", "考核", "及时完成"]]
    )
    (project,), _ = parse_document([page(1, grid(rows, {(3, 0): 3})), page(2, cont)])
    assert [(i.level1.value, i.level2.value) for i in project.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
    ]


def test_header_fields_and_glued_label_value() -> None:
    (project,), _ = parse_document([first_page()])
    values = {k: v.value for k, v in project.fields.items()}
    assert values == {
        "project_name": "测试项目",
        "department_code": "075001",  # glued onto its label by the extractor, split back off
        "implementing_unit": "某单位",
        "project_attribute": "0101-一年期项目",
        "project_period": "1 年",
        "overall_goal": "目标",
        "year": "2024",
    }
    assert (project.funds.total.value, project.funds.fiscal.value) == ("15", "15")
    assert project.funds.other.value == ""


def test_table_of_another_kind_is_reported_not_parsed() -> None:
    other = Table(
        n_rows=1, n_cols=2, cells=[Cell(0, 0, "a", (0, 0, 1, 1)), Cell(0, 1, "b", (1, 0, 2, 1))],
        bbox=(0, 0, 2, 1), extractor="t",
    )  # fmt: skip
    projects, problems = parse_document([page(1, other)])
    assert projects == []
    assert problems == ["page 1: a table that is not part of a 绩效目标表 (1×2); skipped"]


def test_label_helpers() -> None:
    assert match_label("其中: 财政拨款") == ("fiscal_funds", "")
    assert match_label("年度资金总额：") == ("total_funds", "")
    assert match_label("主管部门及代码075001") == ("department_code", "075001")
    assert is_unfinished_label("产出指") and is_unfinished_label("数量指标 (必填硬性指")
    assert not is_unfinished_label("产出指标") and not is_unfinished_label("质量指标（必填）")
    assert (
        join_wrapped(["开展宣传教育、线索摸排、", "氛围营造"]) == "开展宣传教育、线索摸排、氛围营造"
    )
    assert join_wrapped(["0101-", "一年期项目"]) == "0101-一年期项目"
