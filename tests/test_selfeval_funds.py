"""A self-evaluation's funds row whose 分值 was read glued onto its 执行率 (`1079.3%` under both
heads): split where the rate is the row's own 全年执行数 / 全年预算数 (flows/forms/funds.py)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.forms.funds import _heads_in, _slots_under, heads_printed_at
from flows.forms.labels import column_alternatives
from flows.forms.spec import PROJECT_SELF_EVAL
from flows.models import Cell, CellLine
from tests.test_forms import FUNDS_HEAD_ROW, ocr_page, page, table, values
from tests.test_selfeval_reader import GRID, TITLE


def _funds(weight_and_rate: str, executed: str = "50.82") -> tuple[dict[str, str], list[str]]:
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "64.1", "64.1", executed, weight_and_rate, None, "7.93"],
        *GRID,
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (2, 5): (1, 2), (4, 0): 2}
    (form,), problems = read_document([page(1, table(rows, spans), lines=TITLE)])
    return values(form), problems


def test_weight_glued_onto_the_rate_is_split_where_the_rate_is_executed_over_budget() -> None:
    got, problems = _funds("I 1079.3%")
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")
    assert (got["total_executed"], got["total_score"]) == ("50.82", "7.93")
    assert (
        "page 1: funds row total: '1079.3%' prints the weight and the execution rate without a "
        "space; read as 10 | 79.3%, the rate being 全年执行数 / 预算数 (79.28%)"
    ) in problems


def test_a_weight_glued_onto_the_rate_over_the_rules_stroke_is_split_past_it() -> None:
    """`10179.3%`: 10 | 79.3% with the rule between them read as `1`; the cut 101 | 79.3% is no
    weight (a 分值 of more than the form's 100 points), so the stroke is passed over, with a
    note. `1179.3%` cuts as 11 | 79.3% as before: a weight that holds is never second-guessed."""
    got, problems = _funds("I 10179.3%")
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")
    assert (
        "page 1: funds row total: '10179.3%' prints the weight and the execution rate without "
        "a space and the rule between them read as a stroke; read as 10 | 79.3%, the rate being "
        "全年执行数 / 预算数 (79.28%)"
    ) in problems
    got, _ = _funds("I 1179.3%")
    assert (got["total_weight"], got["total_execution_rate"]) == ("11", "79.3%")


def test_no_cut_matching_the_computed_rate_leaves_the_values_as_read() -> None:
    got, _ = _funds("I 1079.3%", executed="60")  # 60 / 64.1 = 93.6%: no cut gives it
    assert (got["total_weight"], got["total_execution_rate"]) == ("I", "1079.3%")
    got, _ = _funds("10 79.3%")  # printed apart: read as printed, nothing to split
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")


def _matrix(rows: list[list[str | None]], spans: dict) -> tuple[dict[str, str], list[str]]:
    """A self-evaluation whose funds matrix is `rows` (after the 项目名称 row), then the grid."""
    head = [["项目名称", "某项目", None, None, None, None, None, None]]
    n = 1 + len(rows)
    spans = {(0, 1): (1, 7), **spans, (n + 1, 0): 2}
    (form,), problems = read_document([page(1, table([*head, *rows, *GRID], spans), lines=TITLE)])
    return values(form), problems


TOTAL_ROW = [None, "年度资金总额", "64.1", "64.1", "50.82", "10", "79.3%", "7.93"]


def test_a_heads_second_line_cut_into_a_row_of_its_own_is_passed_over() -> None:
    """`全年预算` over `数`: the grid cut the head's second line into a row the other heads
    still cover; the matrix rows start at the first row label under it."""
    heads = [
        "项目资金（万元）",
        "",
        "年初预算数",
        "全年预算",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    got, _ = _matrix(
        [heads, [None, None, None, "数", None, None, None, None], TOTAL_ROW],
        {(1, 0): 3, (1, 1): 2, (1, 2): 2, (1, 4): 2, (1, 5): 2, (1, 6): 2, (1, 7): 2},
    )
    amounts = [got[f"total_{c}"] for c in ("budget_initial", "budget_full_year", "executed")]
    assert amounts == ["64.1", "64.1", "50.82"]
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "79.3%")
    assert got["total_score"] == "7.93"


def test_a_row_label_after_a_worn_rules_mark_is_found() -> None:
    """`1年度资金总额 64.1`: the rule left of the label read as `1`; the label is found after it
    and the value glued onto it is the first head's."""
    row = [None, "1年度资金总额 64.1", None, "64.1", "50.82", "10", "79.3%", "7.93"]
    got, _ = _matrix([FUNDS_HEAD_ROW, row], {(1, 0): 2, (2, 1): (1, 2)})
    assert (got["total_budget_initial"], got["total_budget_full_year"]) == ("64.1", "64.1")
    assert (got["total_executed"], got["total_score"]) == ("50.82", "7.93")


def test_a_numeric_head_merged_down_reads_its_number_amid_marks() -> None:
    """`执行率_一79.3%` merged down over the total row: the rule's marks are no value, the one
    number is the row's; two numbers for one row stay unread."""
    heads = [*FUNDS_HEAD_ROW[:6], "执行率_一79.3%", "得分"]
    row = [None, "年度资金总额", "64.1", "64.1", "50.82", "10", None, "7.93"]
    got, problems = _matrix([heads, row], {(1, 0): 2, (1, 6): 2})
    assert got["total_execution_rate"] == "79.3%"
    assert (
        "page 1: funds cell '执行率_一79.3%' prints 1 number(s) amid marks that are no value; "
        "read 79.3%"
    ) in problems
    heads[6] = "执行率_一79.3% 80"
    got, _ = _matrix([heads, row], {(1, 0): 2, (1, 6): 2})
    assert "total_execution_rate" not in got


def test_two_heads_whose_wrapped_lines_ocr_read_across_are_both_heads() -> None:
    """`年初预算 调整后预数 1 算数`: 年初预算数 and 调整后预算数 side by side, each wrapped, read
    line by line across both; its characters are exactly those of the two heads the row misses, next
    to each other in the form's order: the cell's width is shared between them. A cell missing
    one of their characters names no head and stays unread."""
    row = [None, "年度资金总额", "64.1", "70", "50.82", "10", "72.6%", "7.26"]
    for printed, read in (
        ("年初预算 调整后预数 1 算数", True),
        ("年初预算 调整后数 1 算数", False),
    ):
        heads = ["项目资金（万元）", "", printed, None, "全年执行数", "分值", "执行率", "得分"]
        got, problems = _matrix([heads, row], {(1, 0): 2, (1, 2): (1, 2)})
        assert got["total_executed"] == "50.82"
        if read:
            assert (got["total_budget_initial"], got["total_budget_full_year"]) == ("64.1", "70")
            assert (
                f"page 1: funds head cell '{printed}' prints the heads of budget_initial、"
                "budget_full_year run together (side by side, their lines read across); read as "
                "those heads, in the form's order"
            ) in problems
        else:
            assert "total_budget_initial" not in got and "total_budget_full_year" not in got


def test_a_first_row_column_merged_down_over_two_rows_gives_its_one_value_to_the_first() -> None:
    """`执行率79.3%` merged down over the 年度资金总额 and 当年财政拨款 rows, printing one value:
    执行率 is printed on the first row alone, so it is that row's; a column printed on every row
    (全年执行数) merged down the same way with one value stays unread."""
    fiscal = [None, "其中：当年财政拨款", "64.1", "64.1", "50.82", "/", None, "/"]
    for col, text in ((6, "执行率79.3%"), (4, "全年执行数50.82")):
        heads = list(FUNDS_HEAD_ROW)
        heads[col] = text
        total = [None, "年度资金总额", "64.1", "64.1", "50.82", "10", "79.3%", "7.93"]
        total[col], fiscal_row = None, list(fiscal)
        fiscal_row[col] = None
        got, problems = _matrix([heads, total, fiscal_row], {(1, 0): 3, (1, col): 3})
        if col == 6:
            assert got["total_execution_rate"] == "79.3%"
            assert "fiscal_execution_rate" not in got
            assert (
                "page 1: funds column execution_rate is merged down over 2 rows and prints one "
                "value: read as the first row's, the only one the form prints it on"
            ) in problems
        else:
            assert "total_executed" not in got


def test_heads_read_in_one_cell_stand_where_their_ocr_lines_are() -> None:
    """Six heads OCR read in one cell that also spans the row labels' column (x 441–1577, the
    rules between them lost): each head's x-range is measured from its OCR lines (a wrapped
    head's two lines overlap in x: one head), not the cell's width shared evenly, so a value
    cell (688–982) printing two amounts stands under the two heads printed above it."""
    heads = [("年初预算", 700, 826), ("数", 736, 789), ("全年预算", 848, 972), ("数", 884, 937)]
    heads += [("全年执行数", 995, 1121), ("分值", 1167, 1248)]
    heads += [("执行率", 1302, 1414), ("得分", 1454, 1542)]
    lines = tuple(CellLine(t, (a, 495.0, b, 541.0)) for t, a, b in heads)
    text = "年初预算数全年预算数全年执行数 分值 执行率 得分"
    cell = Cell(0, 2, text, (441, 486, 1577, 585), colspan=13, lines=lines)
    head = _heads_in(cell, column_alternatives(PROJECT_SELF_EVAL.funds_matrix.cols))  # type: ignore[union-attr]
    assert head is not None
    slots = head.slots()
    assert [(f, round(a), round(b)) for f, (a, b) in slots] == [
        ("budget_initial", 689, 837),
        ("budget_full_year", 837, 984),
        ("executed", 984, 1144),
        ("weight", 1144, 1275),
        ("execution_rate", 1275, 1434),
        ("score", 1434, 1562),
    ]
    two_amounts = Cell(4, 4, "280.8 293.82", (688, 585, 982, 672), colspan=3)
    assert [f for f, _ in _slots_under(two_amounts, slots)] == [
        "budget_initial",
        "budget_full_year",
    ]


def test_heads_printed_at_needs_one_column_of_lines_per_head_spelling_it() -> None:
    """The measured x-ranges only when the lines stand in one column per head, left to right,
    each spelling its head; a line read across two heads (or a misspelt one) gives none."""
    cols = {c.field: c for c in PROJECT_SELF_EVAL.funds_matrix.cols}  # type: ignore[union-attr]
    two = [cols["budget_initial"], cols["budget_full_year"]]

    def cell(*lines: tuple[str, float, float]) -> Cell:
        boxes = tuple(CellLine(t, (a, 0.0, b, 1.0)) for t, a, b in lines)
        return Cell(0, 0, " ".join(t for t, _, _ in lines), (0, 0, 10, 1), lines=boxes)

    wrapped = cell(("年初预算", 1, 3), ("数", 1.5, 2), ("全年预算数", 5, 8))
    assert heads_printed_at(wrapped, two) == [(1, 3), (5, 8)]
    assert heads_printed_at(cell(("年初预算数全年预算数", 1, 8)), two) is None
    assert heads_printed_at(cell(("年初预算数", 1, 3), ("全年颜算数", 5, 8)), two) is None
    assert heads_printed_at(Cell(0, 0, "年初预算数全年预算数", (0, 0, 10, 1)), two) is None


def test_a_weight_glued_onto_the_rate_in_a_cell_under_three_heads_is_cut_by_the_rate() -> None:
    """`1099.8%:9.98` in one cell under 分值, 执行率 and 得分 (the rules between them lost, the
    space after 10 not printed): one number fewer than heads, the rate glued to the weight is
    cut where the rate is the row's 全年执行数 / 全年预算数; with no such cut neither is read."""
    for executed, read in (("5.99", True), ("5", False)):
        row = [None, "年度资金总额", "6", "6", executed, "1099.8%:9.98", None, None]
        got, problems = _matrix([FUNDS_HEAD_ROW, row], {(1, 0): 2, (2, 5): (1, 3)})
        assert got["total_score"] == "9.98"
        if read:
            assert (got["total_weight"], got["total_execution_rate"]) == ("10", "99.8%")
            assert (
                "page 1: funds row total: '1099.8%' prints the weight and the execution rate "
                "without a space; read as 10 | 99.8%, the rate being 全年执行数 / 预算数 (99.83%)"
            ) in problems
        else:
            assert (got["total_weight"], got["total_execution_rate"]) == ("", "")
            assert (
                "page 1: funds row total: the cell printing '1099.8%' under the weight and the "
                "execution rate gives no cut whose rate is 全年执行数 / 预算数; neither is read"
            ) in problems


def test_heads_between_a_worn_rules_marks_are_read_from_their_lines() -> None:
    """`1权重 i 执行率`: two heads in one cell with the marks of the rule lost between them
    read as lines of their own; the lines printing no CJK character and at most two characters
    are marks, the rest spell 分值 and 执行率, each measured where it is printed. A cell whose
    other lines print more than heads (a value merged down) is read as before."""
    alts = column_alternatives(PROJECT_SELF_EVAL.funds_matrix.cols)  # type: ignore[union-attr]
    lines = [("1", 1173, 1206), ("权重", 1070, 1153), ("i", 1177, 1203), ("执行率", 1214, 1327)]
    boxes = tuple(CellLine(t, (a, 1530.0, b, 1600.0)) for t, a, b in lines)
    cell = Cell(1, 7, "1权重 i 执行率", (1035, 1521, 1348, 1623), lines=boxes)
    head = _heads_in(cell, alts)
    assert head is not None
    assert [(f, round(a), round(b)) for f, (a, b) in head.slots()] == [
        ("weight", 1040, 1184),
        ("execution_rate", 1184, 1348),
    ]
    assert head.note == (
        "funds head cell '1权重 i 执行率' prints the heads of weight、execution_rate between "
        "marks of a worn rule (1 i): read as those heads"
    )
    across = _heads_in(Cell(1, 2, "年初预算数 1 调整后预算数", (641, 379, 908, 476)), alts)
    assert across is not None and across.fields == ["budget_initial", "budget_full_year"]
    merged_down = replace(
        cell, text="执行率 79.3%", lines=(boxes[3], CellLine("79.3%", (1, 2, 3, 4)))
    )
    head = _heads_in(merged_down, alts)
    assert head is not None and (head.fields, head.rest) == (["execution_rate"], "79.3%")


def _cut_head(value_spans: bool, printed: tuple[str, str] = ("调整", "后预")) -> tuple:
    """调整后预算数 wrapped over two lines (`调整后预` over `算数`) and cut down the middle by a
    stray rule of the heads row alone (dev lg_932, lg_1105): `调整` `算` | `后预` `数`. The
    value under it stands across the rule when `value_spans`."""
    heads = [
        "项目资金（万元）",
        "",
        "年初预算数",
        "调整算",
        "后预数",
        "全年执行数",
        "分值",
        "执行率",
    ]
    heads += ["得分"]
    row = [None, "年度资金总额", "64.1", "70", None, "50.82", "10", "79.3%", "7.93"]
    if not value_spans:
        row[4] = ""
    spans = {(1, 0): 2} | ({(2, 3): (1, 2)} if value_spans else {})
    head = [["项目名称", "某项目", *[None] * 7]]
    t = table([*head, heads, row, *GRID], {(0, 1): (1, 8), **spans, (4, 0): 2})
    lines = {
        3: (CellLine(printed[0], (3.2, 1.1, 3.95, 1.4)), CellLine("算", (3.6, 1.55, 3.95, 1.9))),
        4: (CellLine(printed[1], (4.05, 1.1, 4.8, 1.4)), CellLine("数", (4.05, 1.55, 4.4, 1.9))),
    }
    t.cells[:] = [
        replace(c, lines=lines[c.col]) if c.row == 1 and c.col in lines else c for c in t.cells
    ]
    (form,), problems = read_document([page(1, t, lines=TITLE)])
    return values(form), problems


def test_a_head_cut_by_a_stray_rule_of_the_heads_row_is_one_head() -> None:
    """Read in print order across both cells (调整 后预 / 算 数) the two cells spell 调整后预算数,
    and the value under them runs across the rule: one head over both, reported."""
    got, problems = _cut_head(value_spans=True)
    assert [got[f"total_{c}"] for c in ("budget_initial", "budget_full_year", "executed")] == [
        "64.1", "70", "50.82",
    ]  # fmt: skip
    assert (
        "page 1: funds head cells '调整算' | '后预数' are one head cut by a stray rule at x=4 "
        "(the values under them run across it): read as '调整后预算数', budget_full_year"
    ) in problems


def test_a_cut_head_is_not_joined_where_the_values_keep_the_rule_or_the_text_is_no_head() -> None:
    """Values printed on both sides of the rule: two columns, not one head. Cells spelling no
    head even joined (one slip is allowed, two are not) stay unread."""
    got, problems = _cut_head(value_spans=False)
    assert "total_budget_full_year" not in got
    assert not any("stray rule" in p for p in problems)
    got, _ = _cut_head(value_spans=True, printed=("调", "后"))
    assert "total_budget_full_year" not in got


def _head_in_pieces(value_spans: bool) -> tuple[dict[str, str], list[str]]:
    """预算执行数 wrapped over two lines (`预算执行` over `数`) and cut across and down by a
    seal's ring (dev lg_7173 photo): `预` in one cell of both heads rows, `算执行数` under a
    blank sliver in the next column. The value under them stands across both columns when
    `value_spans`; otherwise each column prints its own."""
    heads = ["项目资金（万元）", "", "年初预算数", "调整后预算数", "预", "", "权重"]
    heads += ["执行率", "得分"]
    cut = [None, None, None, None, None, "算执行数", None, None, None]
    row = [None, "年度资金总额", "4.75", "4.95", "3.22", None, "10", "65.1%", "6.51"]
    if not value_spans:
        row[5] = ""
    spans = {(1, 0): 3, (1, 1): 2, (1, 2): 2, (1, 3): 2, (1, 4): 2, (1, 6): 2, (1, 7): 2}
    spans |= {(1, 8): 2} | ({(3, 4): (1, 2)} if value_spans else {})
    head = [["项目名称", "某项目", *[None] * 7]]
    t = table([*head, heads, cut, row, *GRID], {(0, 1): (1, 8), **spans, (5, 0): 2})
    lines = {
        (1, 4): (CellLine("预", (4.3, 1.9, 4.7, 2.4)),),
        (2, 5): (CellLine("算执行", (5.05, 2.05, 5.8, 2.4)), CellLine("数", (5.1, 2.55, 5.4, 2.9))),
    }
    t.cells[:] = [replace(c, lines=lines.get((c.row, c.col), c.lines)) for c in t.cells]
    (form,), problems = read_document([ocr_page(1, t, lines=TITLE)])
    return values(form), problems


def test_a_head_cut_across_and_down_by_stray_rules_is_one_head() -> None:
    """`预` | `` over `算执行数`: three cells of the heads rows within the columns of the one
    value cell under them spell 预算执行数 in print order: one head over the value's width."""
    got, problems = _head_in_pieces(value_spans=True)
    assert [got[f"total_{c}"] for c in ("budget_initial", "budget_full_year", "executed")] == [
        "4.75", "4.95", "3.22",
    ]  # fmt: skip
    assert (got["total_weight"], got["total_execution_rate"], got["total_score"]) == (
        "10",
        "65.1%",
        "6.51",
    )
    assert (
        "page 1: funds head cells '预' | '' | '算执行数' are one head cut across and down by "
        "stray rules (the value '3.22' under them stands whole across their columns): read as "
        "'预算执行数', executed"
    ) in problems


def test_head_pieces_over_two_value_columns_are_not_joined() -> None:
    """Each column printing its own value keeps the rule between them: no head is guessed."""
    got, problems = _head_in_pieces(value_spans=False)
    assert "total_executed" not in got
    assert not any("stray rules" in p for p in problems)


def _misread_heads(
    heads: list[str | None], spans: dict | None = None
) -> tuple[dict[str, str], list[str]]:
    """A funds matrix on an OCR page whose heads row prints `heads` (some misread past any
    spelling), over one row of numbers."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        ["项目资金（万元）", "", *heads],
        [None, "年度资金总额", "377", "377", "377", "10", "100%", "10"],
        *GRID,
    ]
    spans = {(0, 1): (1, 7), (1, 0): 2, (4, 0): 2, **(spans or {})}
    (form,), problems = read_document([ocr_page(1, table(rows, spans), lines=TITLE)])
    return values(form), problems


def test_funds_heads_ocr_misread_are_named_by_their_place_among_the_heads_read() -> None:
    """`年初後尊数` and `调然后预0` name no head, but stand over numbers before 预算执行数 in a
    row whose other heads are read in the form's order: they are 年初预算数 and 全年预算数."""
    got, problems = _misread_heads(
        ["年初後尊数", "调然后预0", "预算执行数", "权重", "执行率", "得分"]
    )
    assert [got.get(f"total_{f}") for f in ("budget_initial", "budget_full_year")] == [
        "377",
        "377",
    ]
    assert (
        "page 1: funds head cell(s) '年初後尊数', '调然后预0' name no head (OCR); read as "
        "budget_initial、budget_full_year by their place among the heads read (the form "
        "prints them in its order)"
    ) in problems
    # one misread cell over two columns where two heads are missing: no guess, neither is read
    heads = ["调然后预0", None, "预算执行数", "权重", "执行率", "得分"]
    got, _ = _misread_heads(heads, {(1, 2): (1, 2)})
    assert "total_budget_initial" not in got and "total_budget_full_year" not in got


def _label_column_merged(crossing: float) -> tuple[dict[str, str], list[str]]:
    """A scanned matrix whose row labels and its 项目资金（万元） label OCR read as one cell over
    all its rows (its row rules lost); the 拨款 line's box reaches `crossing` below its row."""
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        ["项目资金（万元）", None, *FUNDS_HEAD_ROW[2:]],
        [None, None, "64.1", "64.1", "50.82", "10", "79.3%", "7.93"],
        [None, None, "60", "60", "50", "/", "/", "/"],
        [None, None, "0", "0", "0", "/", "/", "/"],
        [None, None, "4.1", "4.1", "0.82", "/", "/", "/"],
        *GRID,
    ]
    grid = table(rows, {(0, 1): (1, 7), (1, 0): (5, 2), (7, 0): 2})
    lines = (
        ("年度资金总额", (1.05, 2.3, 1.95, 2.7)),
        ("项目资金", (0.1, 3.0, 0.9, 3.4)),
        ("其中:当年财政", (1.05, 3.1, 1.95, 3.5)),
        ("(万元)", (0.2, 3.45, 0.8, 3.85)),
        ("拨款", (1.3, 3.55, 1.7, 4.0 + crossing)),
        ("上年结转资金", (1.05, 4.3, 1.95, 4.7)),
        ("其他资金", (1.1, 5.3, 1.9, 5.7)),
    )
    merged = next(c for c in grid.cells if c.row == 1 and c.col == 0)
    printed = replace(
        merged,
        text="年度资金总额项目资金 其中:当年财政(万元) 拨款上年结转资金其他资金",
        lines=tuple(CellLine(t, box) for t, box in lines),
    )
    grid = replace(grid, cells=[printed if c is merged else c for c in grid.cells])
    (form,), problems = read_document([ocr_page(1, grid, lines=TITLE)])
    return values(form), problems


def test_row_labels_merged_over_the_matrix_rows_are_read_by_the_lines_in_each_row() -> None:
    got, problems = _label_column_merged(crossing=0.03)  # 拨款 reaches a little across its rule
    assert [got[f"{r}_executed"] for r in ("total", "fiscal", "carryover", "other")] == [
        "50.82",
        "50",
        "0",
        "0.82",
    ]
    assert [got[f"{r}_budget_full_year"] for r in ("total", "fiscal", "carryover", "other")] == [
        "64.1",
        "60",
        "0",
        "4.1",
    ]
    assert (got["total_weight"], got["total_execution_rate"], got["total_score"]) == (
        "10",
        "79.3%",
        "7.93",
    )
    assert (
        "page 1: funds the row label '其中:当年财政拨款' read from the merged cell "
        "'年度资金总额其中:当年财政拨款上年结转资金' by the lines standing in its row (OCR found "
        "no rule between them)"  # the row labels' column: the header cut 项目资金（万元） off
    ) in problems  # at the column rule its two wrapped lines stand left of, and 其他资金's row


def test_a_line_standing_mostly_in_the_next_row_is_not_its_rows_label() -> None:
    """拨款 reaching most of its height into the row below: 其中:当年财政 alone spells no row
    label, so the matrix ends at the row above rather than guess (reported by the reader)."""
    got, problems = _label_column_merged(crossing=0.5)
    assert got["total_executed"] == "50.82"
    assert "fiscal_executed" not in got and "carryover_executed" not in got
    assert (
        "page 1: header cell '0.82' is not a label of the project_self_eval form description; "
        "not read" in problems
    )


def test_a_misread_head_cell_over_one_cell_printing_several_values_names_that_many_heads() -> None:
    """Dev lg_7544 (photo): the rules between 年初预算数, 调整后预算数 and 预算执行数 lost in every
    row, their heads read as one line across (`年初预算调整后预预算扶行` over `数数数`) and each
    row's three values in one cell under it: the cell stands where the three heads missing
    before 权重 are printed, over three values, so it is those three heads in the form's order."""
    rows = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        [
            "项目资金（万元）",
            "",
            "年初预算调整后预预算扶行数数数",
            None,
            None,
            "权重",
            "执行率",
            "得分",
        ],
        [None, "年度资金总额", "4.45 4.45 4.45", None, None, "10", "100%", "10"],
        [None, "其中：当年财政拨款", "2.81 2.81 2.81", None, None, "/", "/", "/"],
        *GRID,
    ]
    spans = {(0, 1): (1, 7), (1, 0): 3, (1, 2): (1, 3), (2, 2): (1, 3), (3, 2): (1, 3)}
    spans |= {(5, 0): 2}
    (form,), problems = read_document([ocr_page(1, table(rows, spans), lines=TITLE)])
    got = values(form)
    heads = ("budget_initial", "budget_full_year", "executed")
    assert [got.get(f"total_{f}") for f in heads] == ["4.45", "4.45", "4.45"]
    assert [got.get(f"fiscal_{f}") for f in heads] == ["2.81", "2.81", "2.81"]
    assert (
        "page 1: funds head cell(s) '年初预算调整后预预算扶行数数数' name no head (OCR); read as "
        "budget_initial+budget_full_year+executed by their place among the heads read (the "
        "form prints them in its order)"
    ) in problems
    # two values under it where three heads are missing: no guess, none is read
    rows[2][2] = "4.45 4.45"
    (form,), _ = read_document([ocr_page(1, table(rows, spans), lines=TITLE)])
    assert "total_budget_initial" not in values(form)


def _ocr_matrix(totals: str, parts: tuple[str, str, str]) -> tuple[dict[str, str], list[str]]:
    """A self-evaluation read by OCR whose funds matrix prints the 全年执行数 `totals` on the
    年度资金总额 row and `parts` on the three rows under it (every other amount 5.49 | 5.49 | 0
    | 0, adding up)."""
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, "年度资金总额", "5.49", "5.49", totals, "10", "92%", "9.2"],
    ]
    labels = ("其中：当年财政拨款", "上年结转资金", "其他资金")
    for label, budget, executed in zip(labels, ("5.49", "0", "0"), parts, strict=True):
        rows.append([None, label, budget, budget, executed, "/", "/", "/"])
    spans = {(0, 1): (1, 7), (1, 0): 5, (6, 0): 2}
    (form,), problems = read_document([ocr_page(1, table([*rows, *GRID], spans), lines=TITLE)])
    return values(form), problems


def test_an_amount_read_with_a_colon_for_its_point_is_the_one_its_column_adds_up_to() -> None:
    """`5:05` over 5.05 | 0 | 0 in the 全年执行数 column: the colon is a point, the one reading
    by which the 年度资金总额 row is the sum of the rows under it, reported; the other columns
    add up as read and are not touched."""
    got, problems = _ocr_matrix("5:05", ("5.05", "0", "0"))
    assert got["total_executed"] == "5.05"
    assert (got["fiscal_executed"], got["total_budget_full_year"]) == ("5.05", "5.49")
    assert (
        "page 1: funds read total_executed '5:05' as 5.05, a point OCR read as a colon: the one "
        "reading by which the 年度资金总额 row's 全年执行数 is the sum of its parts"
    ) in problems


def test_a_colon_the_column_does_not_settle_is_left_as_read() -> None:
    """The parts add up to another amount (5.06: a printed difference, or a misread digit), or
    a part reads the same `5:05` (the sum holds whatever the colon stands for): as read. So is
    a column whose every amount reads as a number: a printed column may miss its sum by a
    rounding, and the sum is no evidence that a digit (`5.051`'s last) is a speck."""
    got, _ = _ocr_matrix("5:05", ("5.06", "0", "0"))
    assert got["total_executed"] == "5:05"
    got, _ = _ocr_matrix("5.051", ("5.05", "0", "0"))
    assert got["total_executed"] == "5.051"
    got, problems = _ocr_matrix("5:05", ("5:05", "0", "0"))
    assert (got["total_executed"], got["fiscal_executed"]) == ("5:05", "5:05")
    assert not any("as 5.05" in p for p in problems)


def test_a_lost_column_rule_read_as_a_stroke_between_two_values_is_left_out() -> None:
    """`1092.16 | 897.18` in one cell under 全年预算数 and 全年执行数: the grid lost the rule
    between them on this row and OCR read it as `|`; the two values are the two columns', with
    a note. A `1` between them stays (a digit is a value's glyph as far as the text tells)."""
    row = [None, "年度资金总额", "64.1", "64.1 | 50.82", None, "10", "79.3%", "7.93"]
    got, problems = _matrix([FUNDS_HEAD_ROW, row], {(1, 0): 2, (2, 3): (1, 2)})
    assert (got["total_budget_full_year"], got["total_executed"]) == ("64.1", "50.82")
    assert (
        "page 1: funds cell '64.1 | 50.82': '|' between its values taken for the lost column "
        "rule between them; read 64.1 | 50.82"
    ) in problems
    row[3] = "64.1 1 50.82"
    got, _ = _matrix([FUNDS_HEAD_ROW, row], {(1, 0): 2, (2, 3): (1, 2)})
    assert "total_executed" not in got
