"""An execution block whose own arithmetic fails as read, settled by reading its doubted cells
again (flows/forms/execreread.py): a re-read is kept only when it is the one (field, value) by
which every check of the block then holds."""

from __future__ import annotations

from flows.forms.execreread import reread_block_by_arithmetic
from flows.models import Cell, CellLine, FundsBlock, ProjectForm, SourcedValue, Table
from tests.test_block_totals import _line
from tests.test_forms import ocr_page


def _sv(text: str, row: int = 0) -> SourcedValue:
    return SourcedValue(text, 1, bbox=(10.0, 20.0 * row, 60.0, 20.0 * row + 15))


# a block as printed: 38.11 of 52.17 executed, 73%, 10 × 73% = 7.3; lines 90 / 88.29
BLOCK = {
    "total_budget_initial": "52.16",
    "total_budget_full_year": "52.17",
    "total_executed": "38.11",
    "total_weight": "10",
    "total_execution_rate": "73%",
    "total_score": "7.3",
    "overall_weight": "100",
    "overall_score": "95.59",
}
LINES = [("60", "58.29"), ("30", "30")]


def _settle(
    block: dict[str, str], rereads: dict[str, list[str]], lines: list[tuple[str, str]] = LINES
) -> tuple[dict, list[str]]:
    """The block's values after settling, when the cell of field f reads again `rereads[f]`
    (each field's cell a box of its own)."""
    fields = {k: _sv(v, i + 1) for i, (k, v) in enumerate(block.items())}
    fields |= {"project_name": _sv("食品安全抽检监测")}
    indicators = [_line(w, s) for w, s in lines]
    form = ProjectForm(fields, FundsBlock(), indicators, 1, form="project_self_eval")
    by_top = {20.0 * (i + 1): rereads.get(k, []) for i, k in enumerate(block)}
    reread_block_by_arithmetic(form, {1: 0.8}, lambda page, bbox: by_top[bbox[1]], problems := [])
    return {k: v.value for k, v in form.fields.items()}, problems


def test_an_executed_amount_misread_is_the_one_re_read_that_holds_the_rate() -> None:
    block = BLOCK | {"total_executed": "38.71"}  # 74.2%: the printed 73% does not hold
    values, problems = _settle(block, {"total_executed": ["38.11", "38.11"]})
    assert values["total_executed"] == "38.11"
    assert problems == [
        "page 1: 食品安全抽检监测: execution block read total_executed '38.71' as 38.11: its "
        "cell read again ('38.11', '38.11') gives the one value, over every doubted cell of "
        "the block, by which 执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率 and the 总分's sums "
        "hold"
    ]


def test_a_score_misread_is_read_again_when_the_rate_and_the_sums_agree() -> None:
    values, problems = _settle(BLOCK | {"total_score": "7.8"}, {"total_score": ["7.3"]})
    assert (values["total_score"], len(problems)) == ("7.3", 1)


def test_a_re_read_that_breaks_another_check_or_reads_several_numbers_is_no_witness() -> None:
    block = BLOCK | {"total_score": "7.8"}
    lines = [("60", "58.29"), ("30", "ó")]  # a line unread: no digit edit is tried
    for views in (["7.8"], ["7.9"], ["7.3 10"], ["73%"]):
        values, problems = _settle(block, {"total_score": views}, lines)
        assert (values["total_score"], problems) == ("7.8", [])


def test_a_rate_read_again_as_the_same_percentage_twice_is_one_reading() -> None:
    block = BLOCK | {"total_execution_rate": "78%"}
    values, problems = _settle(block, {"total_execution_rate": ["73%", "73.0%"]})
    assert (values["total_execution_rate"], len(problems)) == ("73%", 1)


def test_two_cells_whose_re_reads_each_hold_leave_the_block_and_say_so() -> None:
    # 38.71 / 52.17 is not 73%: 38.11 executed holds it, and so does a budget of 53.03
    block = BLOCK | {"total_executed": "38.71"}
    rereads = {"total_executed": ["38.11"], "total_budget_full_year": ["53.03"]}
    values, problems = _settle(block, rereads)
    assert values["total_executed"] == "38.71"
    assert problems[0].endswith(
        "(total_executed as 38.11; total_budget_full_year as 53.03): left as read"
    )


def test_a_block_that_holds_or_no_reread_or_a_text_layer_asks_nothing() -> None:
    values, problems = _settle(BLOCK, {"total_score": ["7.8"]})
    assert (values["total_score"], problems) == ("7.3", [])
    fields = {k: _sv(v) for k, v in (BLOCK | {"total_score": "7.8"}).items()}
    form = ProjectForm(fields, FundsBlock(), [_line(w, s) for w, s in LINES], 1)
    reread_block_by_arithmetic(form, {1: 0.8}, None, problems := [])
    reread_block_by_arithmetic(form, {}, lambda page, bbox: ["7.3"], problems)
    assert (form.fields["total_score"].value, problems) == ("7.8", [])


def test_a_total_read_with_a_0_for_its_first_digit_and_a_line_unread_is_read_again() -> None:
    # dev9 lg_87104_自评 p2: 总分 96.96 read `06.96` (no form prints a 0 before a digit), one
    # line's score read `ó5`: the scores read and the block's 7.3 bound the 总分's 得分 from
    # 90.59 to that and the unscored line's weight 5, 95.59
    lines = [("85", "83.29"), ("5", "ó5")]
    block = BLOCK | {"overall_score": "05.59"}
    values, problems = _settle(block, {"overall_score": ["95.59", "05.59"]}, lines)
    assert (values["overall_score"], len(problems)) == ("95.59", 1)


def test_a_total_with_a_digit_lost_is_the_one_edit_by_which_the_sums_hold() -> None:
    # dev9 lg_86966_自评 p4: 总分 95.92 read `95.2`, its cell read again `52`, `5.2`
    block = BLOCK | {"overall_score": "95.5"}
    values, problems = _settle(block, {"overall_score": ["55", "5.5"]})
    assert values["overall_score"] == "95.59"
    assert "95.59: one digit lost (its cell read again: '55', '5.5')" in problems[0]
    # a digit changed is never tried: `96.59` (a line misread 12 for 13 would read so)
    values, problems = _settle(BLOCK | {"overall_score": "96.59"}, {})
    assert (values["overall_score"], problems) == ("96.59", [])
    # a line's score unread: the sums hold to no cent, so no digit is tried
    values, problems = _settle(block, {}, [("60", "58.29"), ("30", "ó")])
    assert (values["overall_score"], problems) == ("95.5", [])


def _with_matrix(
    full_year: str, line_x: tuple[float, float], parts: tuple[str, str, str]
) -> tuple[dict, list[str]]:
    """The block with its funds matrix's 全年预算数 column (the sum `full_year` over `parts`),
    the sum's cell a box from x 100 to 250 whose one OCR line spans `line_x`; every cell read
    again gives what was read."""
    fields = {k: _sv(v, i + 1) for i, (k, v) in enumerate(BLOCK.items())}
    fields |= {"project_name": _sv("食品安全抽检监测")}
    box = (100.0, 300.0, 250.0, 330.0)
    fields["total_budget_full_year"] = SourcedValue(full_year, 1, bbox=box)
    for row, text in zip(("fiscal", "carryover", "other"), parts, strict=True):
        fields[f"{row}_budget_full_year"] = _sv(text, 20)
    line = CellLine(full_year, (line_x[0], 305.0, line_x[1], 325.0))
    cell = Cell(2, 7, full_year, box, lines=(line,))
    page = ocr_page(1, Table(6, 18, [cell], (0.0, 0.0, 1600.0, 2200.0), "rapidocr"))
    indicators = [_line(w, s) for w, s in LINES]
    form = ProjectForm(fields, FundsBlock(), indicators, 1, form="project_self_eval")
    values = {k: v.value for k, v in fields.items()}
    reread = lambda page, bbox: [values[k] for k, v in fields.items() if v.bbox == bbox][:1]  # noqa: E731
    reread_block_by_arithmetic(form, {1: 0.8}, reread, problems := [], [page])
    return {k: v.value for k, v in form.fields.items()}, problems


def test_an_amount_read_with_a_rule_stroke_at_its_edge_is_read_without_it_by_its_column() -> None:
    # dev10 lg_91613_自评 p2: 全年预算数 9.1 read `9.11`, its line's box run onto the rule after
    # it; 执行率 holds either way, the column (9.1 | 0 | 0) only without the stroke
    values, problems = _with_matrix("52.171", (150.0, 248.0), ("52.17", "0", ""))
    assert values["total_budget_full_year"] == "52.17"
    assert problems == [
        "page 1: 食品安全抽检监测: execution block read total_budget_full_year '52.171' as "
        "52.17: the stroke at its edge taken for its cell's rule (its line runs onto the rule) "
        "(its cell read again: '52.171') gives the one value, over every doubted cell of the "
        "block, by which 执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率 and the 总分's sums hold "
        "and its column's 年度资金总额 the sum of the rows under it"
    ]
    # the stroke at the left edge, on the rule before the amount
    values, _ = _with_matrix("152.17", (101.0, 200.0), ("52.17", "/", "0"))
    assert values["total_budget_full_year"] == "52.17"


def test_a_stroke_clear_of_the_rule_or_a_column_a_rounding_may_miss_is_left_as_read() -> None:
    # the line centred in its cell, clear of both rules: the `1` is print
    values, problems = _with_matrix("52.171", (140.0, 210.0), ("52.17", "0", "0"))
    assert (values["total_budget_full_year"], problems) == ("52.171", [])
    # two parts printed: each rounded, their sum may miss the printed total by a cent
    values, problems = _with_matrix("52.171", (150.0, 248.0), ("40.17", "12", "0"))
    assert (values["total_budget_full_year"], problems) == ("52.171", [])
