"""The self-evaluation reader on grids an OCR grid damaged: a header whose rules were lost, so
one cell prints several labels with their values and the funds matrix after them (dev bench
scans lg_181 and lg_87 of `--range dev`, shortened here)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.inline import printed_span
from flows.forms.totals import score_problem, split_weight_and_score
from flows.models import Cell, PageGrid, PageStatus, SourcedValue, Table, TextLine
from tests.test_forms import FUNDS_HEAD_ROW, ocr_page, page, table, values

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


def test_a_last_inline_label_takes_the_cell_to_its_right() -> None:
    rows = [
        [
            "主管部门 宁远县农业农村局 实施单位",
            None,
            "宁远县农业技术推广中心",
            None,
            None,
            None,
            None,
            None,
        ],
        *GRID,
    ]
    rows.insert(0, ["项目名称", "高标准农田建设项目", None, None, None, None, None, None])
    spans = {(0, 1): (1, 7), (1, 0): (1, 2), (1, 2): (1, 6)}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    assert (got["department_name"], got["implementing_unit"]) == (
        "宁远县农业农村局",
        "宁远县农业技术推广中心",
    )
    assert problems[0] == (
        "page 1: header cell '主管部门 宁远县农业农村局 实施单位…' prints several labels with "
        "their values (OCR found no rules between them): read department_name, implementing_unit"
    )


# ---------------------------------------------------------------- the 总分 row


def _with_total(total_row: list[str | None], spans: dict, weights=("50", "40"), read=page) -> tuple:
    """A self-evaluation whose funds weight is 10 and whose two indicators weigh `weights`
    (`read`: `page` a text layer, `ocr_page` a scan)."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "20", "20", "19", "10", "95%", "9.5"],
        GRID_HEAD,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", weights[0], "50"],
        [None, "效益指标", "社会效益指标", "满意度", "≥90%", "95%", weights[1], "29.93"],
        total_row,
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (4, 0): 2, **spans}
    (form,), problems = read_document([read(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    return (got.get("overall_weight"), got.get("overall_score")), problems


def test_total_weight_glued_onto_the_label() -> None:
    got, problems = _with_total(
        ["总分 100", None, None, None, None, None, None, "99.43"], {(6, 0): (1, 7)}
    )
    assert got == ("100", "99.43")
    assert problems == []


def test_total_weight_and_score_read_as_one_number_split_by_the_weights_sum() -> None:
    row = ["总分", None, None, None, None, None, "10099.43", None]
    got, problems = _with_total(row, {(6, 0): (1, 6), (6, 6): (1, 2)})
    assert got == ("100", "99.43")
    assert problems == [
        "page 1: 某项目: 总分 the cell '10099.43' prints the weight and the score without a "
        "space; read as 100 | 99.43, 100 being the sum of the weights read"
    ]


def test_a_glued_total_is_not_split_when_the_weights_do_not_add_up_to_it() -> None:
    row = ["总分", None, None, None, None, None, "10099.43", None]
    got, problems = _with_total(row, {(6, 0): (1, 6), (6, 6): (1, 2)}, weights=("50", "30"))
    assert got == ("", "")
    assert problems == [
        "page 1: 某项目: 总分 the cell '10099.43' stands under the weight, score columns (OCR "
        "found no rule between them) and does not print one number for each; not read"
    ]


def test_a_glued_total_beside_a_blank_score_cell_is_split_by_the_weights_sum() -> None:
    """Dev4 lg_38221_自评 p4: the rule between 分值 and 得分 lost, `10094.09` stands in the
    weight's cell and the score's is blank: cut as a cell under both columns is."""
    row = ["总分", None, None, None, None, None, "10089.43", ""]
    got, problems = _with_total(row, {(6, 0): (1, 6)})
    assert got == ("100", "89.43")
    assert problems == [
        "page 1: 某项目: 总分 the cell '10089.43' prints the weight and the score without a "
        "space; read as 100 | 89.43, 100 being the sum of the weights read"
    ]
    # a score printed beside it: the number is the weight's, as read (no cut)
    got, _ = _with_total(
        ["总分", None, None, None, None, None, "10089.43", "89.43"], {(6, 0): (1, 6)}
    )
    assert got == ("10089.43", "89.43")


def test_a_total_number_with_a_space_inside_is_read_whole_when_the_sums_say_so() -> None:
    """Dev4 lg_39036_自评 p2: `10 0` under 分值 and `89.4 3` under 得分, no blank column beside
    them: read as 100 (the full score, the sum of the weights read) and 89.43 (the sum of the
    scores read: 9.5 + 50 + 29.93)."""
    row = ["总分", None, None, None, None, None, "10 0", "89.4 3"]
    got, problems = _with_total(row, {(6, 0): (1, 6)})
    assert got == ("100", "89.43")
    assert problems == [
        "page 1: 某项目: 总分 the weight cell '10 0' prints one number with a space inside it; "
        "read as 100, the form's full score",
        "page 1: 某项目: 总分 the score cell '89.4 3' prints one number with a space inside it; "
        "read as 89.43, the sum of the scores read",
    ]


def test_a_spaced_total_number_the_sums_do_not_settle_stays_as_printed() -> None:
    row = ["总分", None, None, None, None, None, "10 0", "89.5 3"]  # the scores add to 89.43
    got, problems = _with_total(row, {(6, 0): (1, 6)})
    assert got == ("100", "89.5 3")
    assert problems[-1] == (
        "page 1: 某项目: 总分 the score cell '89.5 3' prints 2 values and no neighbouring column "
        "is blank to take them; landed as printed"
    )
    # the weights read add to 90, not the full score: `10 0` is not joined
    got, _ = _with_total(row, {(6, 0): (1, 6)}, weights=("50", "30"))
    assert got == ("10 0", "89.5 3")


def test_split_weight_and_score() -> None:
    assert split_weight_and_score("10099.43", 100.0) == ("100", "99.43")
    assert split_weight_and_score("10099.43", 90.0) is None
    assert split_weight_and_score("100101", 100.0) is None  # a score above its weight
    assert split_weight_and_score("10005", 100.0) is None  # no number starts with 0 but 0
    assert split_weight_and_score("100.5", 100.0) is None
    assert split_weight_and_score("10099.43", None) is None


# ---------------------------------------------------------------- a header row outside the grid


def _ocr_page(tables: list, lines: list[tuple[str, tuple[float, float, float, float]]]):
    return PageGrid(
        page=2, width=1650, height=2300, bbox_unit="px", has_text_layer=False,
        status=PageStatus.EXTRACTED, extractor="rapidocr", tables=tables,
        lines=[TextLine(t, box) for t, box in lines],
    )  # fmt: skip


def _second_project(top: float) -> Table:
    """A self-evaluation table whose 项目名称 row the grid lost: it starts at 主管部门."""
    rows = [
        [
            "主管部门",
            "中共龙门县委政法委员会",
            "实施单位",
            "龙门县网格化服务管理中心",
            None,
            None,
            None,
            None,
        ],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "6", "6", "5.99", "10", "99.8%", "9.98"],
        *GRID,
    ]
    t = table(rows, {(0, 3): (1, 5), (1, 0): 2}, top=top)
    scale = 60.0  # rows of 60 px, as on a 180 dpi scan
    cells = [
        Cell(c.row, c.col, c.text, tuple(v * scale for v in c.bbox), c.rowspan, c.colspan)
        for c in t.cells
    ]
    return Table(t.n_rows, t.n_cols, cells, tuple(v * scale for v in t.bbox), "rapidocr")


def test_a_first_header_row_read_as_a_line_above_the_grid_opens_the_form() -> None:
    second = _second_project(top=10)  # the table's top at 600 px
    lines = [
        ("项目支出绩效自评表", (200.0, 470.0, 400.0, 500.0)),
        ("(2030年度)", (250.0, 510.0, 350.0, 540.0)),
        ("项目名称网格员工作补贴及绩效", (4.0, 545.0, 300.0, 596.0)),
    ]
    (form,), problems = read_document([_ocr_page([second], lines)])
    got = values(form)
    assert (got["project_name"], got["year"], got["department_name"]) == (
        "网格员工作补贴及绩效",
        "2030",
        "中共龙门县委政法委员会",
    )
    assert (got["total_executed"], got["overall_score"]) == ("5.99", "95.7")
    assert form.fields["project_name"].bbox == (0.0, 545.0, 480.0, 600.0)
    assert problems == []


def test_a_line_above_is_not_taken_when_far_or_the_table_prints_no_header_label() -> None:
    far = [("项目名称网格员工作补贴及绩效", (4.0, 500.0, 300.0, 560.0))]  # 40 px above: no
    forms, problems = read_document([_ocr_page([_second_project(top=10)], far)])
    assert forms == []
    grid_only = table(GRID, top=10)
    near = [("项目名称网格员工作补贴及绩效", (4.0, 0.0, 300.0, 9.9))]
    forms, _ = read_document([_ocr_page([grid_only], near)])
    assert forms == []


# ---------------------------------------------------------------- a line's weight and score


def test_a_line_whose_score_or_weight_is_unreadable_or_too_high_is_reported() -> None:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        GRID_HEAD,
        ["", "产出指标", "数量指标", "防治面积", "1385亩", "1385亩", "6", ""],
        [None, None, "质量指标", "验收合格率", "≥90%", "95%", "", "5"],
        [None, None, "时效指标", "完成时间", "年底", "年底", "5", "6"],
        [None, None, "成本指标", "成本", "≤5万元", "5万元", "5", "4.5"],
        ["总分", None, None, None, None, None, "100", "95.5"],
    ]
    spans = {(0, 1): (1, 7), (2, 0): 4, (2, 1): 4, (6, 0): (1, 6)}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    assert [(i.extra["weight"].value, i.extra["score"].value) for i in form.indicators] == [
        ("6", ""),
        ("", "5"),
        ("5", "6"),
        ("5", "4.5"),
    ]
    assert [p for p in problems if "its " in p] == [
        "page 1: 某项目: 防治面积: its weight 6 is printed but its score is blank or unreadable",
        "page 1: 某项目: 验收合格率: its score 5 is printed but its weight is blank or unreadable",
        "page 1: 某项目: 完成时间: its score 6 is above its weight 5",
    ]


def test_score_problem() -> None:
    def sv(text: str) -> SourcedValue:
        return SourcedValue(value=text, page=1)

    assert score_problem(sv("6"), sv("6")) is None
    assert (
        score_problem(sv("6"), sv(""))
        == "its weight 6 is printed but its score is blank or unreadable"
    )
    assert (
        score_problem(sv("6"), sv("5.5."))
        == "its weight 6 is printed but its score '5.5.' is not a number"
    )
    assert score_problem(sv(""), sv("")) is None  # neither read: nothing to set against
    assert score_problem(sv("10 9"), sv("8")) is None  # reported where it is shared out
    assert score_problem(sv("6"), None) is None  # no 得分 column
    assert score_problem(sv("/"), sv("/")) is None


def test_stacked_labels_beside_one_cell_printing_their_values_and_the_funds_matrix() -> None:
    """`项目名称：主管部门：` stacked in one cell beside one cell that prints the name, the
    department, 实施单位 with its value and the funds matrix (the rules between them lost): the
    first label takes the text up to the next label (name and department glued: the warehouse
    finds the plan whose name and department start it), 实施单位 its own, the funds heads cut
    off the value and read as the matrix."""
    value = (
        "农作物病虫害防治临溪县农业农村局 实施单位：临溪县农村经营管理站年初预算数全年预算数"
        "全年执行数 分值 执行率 得分年度资金总额 6.4 6.4 6.28 10 98.1% 9.81"
    )
    rows = [["项目名称：主管部门：", value, None, None, None, None, None, None], *GRID]
    rows.insert(1, [None, None, None, None, None, None, None, None])
    spans = {(0, 0): 2, (0, 1): (2, 7), (3, 0): 1}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    assert (got["project_name"], got["implementing_unit"]) == (
        "农作物病虫害防治临溪县农业农村局",
        "临溪县农村经营管理站",
    )
    assert "department_name" not in got
    funds = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate")
    assert [got[f"total_{c}"] for c in (*funds, "score")] == [
        "6.4", "6.4", "6.28", "10", "98.1%", "9.81",
    ]  # fmt: skip
    assert problems[0] == (
        "page 1: header cell '项目名称：主管部门：…' prints several labels with their values (OCR "
        "found no rules between them): read project_name, implementing_unit, the funds matrix; "
        "not read: department_name"
    )


def test_a_total_label_read_after_a_seals_glyph_is_the_total_row_by_its_full_weight() -> None:
    """Dev6 lg_52608_自评 p4: a faint seal's `政` read into the label's line, `政总分`: no
    indicator line weighs the full score, so the row is the 总分 row (weight 100), noted; it
    was read as a line named `政总分` before."""
    row = ["政总分", None, None, None, None, None, "100", "89.43"]
    got, problems = _with_total(row, {(6, 0): (1, 6)}, read=ocr_page)
    assert got == ("100", "89.43")
    assert problems == [
        "page 1: 某项目: 总分 the label cell '政总分' prints the closing label after '政' (a "
        "seal's glyph or a speck read into its line); read as the 总分 row, its weight 100 "
        "being the full score: 100 | 89.43"
    ]


def test_a_label_ending_in_the_total_label_is_no_total_row_without_the_full_weight() -> None:
    """The same label over a weight that is not the full score (`90`), a glyph that is a digit
    (`1总分`), or on a text layer (which prints what was printed): not the 总分 row."""
    row = ["政总分", None, None, None, None, None, "90", "89.43"]
    assert _with_total(row, {(6, 0): (1, 6)}, read=ocr_page)[0] == (None, None)
    row = ["1总分", None, None, None, None, None, "100", "89.43"]
    assert _with_total(row, {(6, 0): (1, 6)}, read=ocr_page)[0] == (None, None)
    row = ["政总分", None, None, None, None, None, "100", "89.43"]
    assert _with_total(row, {(6, 0): (1, 6)})[0] == (None, None)
