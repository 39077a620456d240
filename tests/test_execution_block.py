"""A scanned self-evaluation's execution block settled by its own arithmetic (执行率 = 全年执行数 /
预算数, 得分 = 分值 × 执行率, the rows adding up): a rate with a rule's stroke before it, a score
read as a stroke, an amount with a second point, two amounts glued (flows/forms/execution.py)."""

from __future__ import annotations

from flows.forms import read_document
from flows.forms.execution import glued_amount_cuts
from tests.test_forms import FUNDS_HEAD_ROW, ocr_page, page, table, values
from tests.test_selfeval_reader import GRID, TITLE

PARTS = ("其中：当年财政拨款", "上年结转资金", "其他资金")


def _block(
    total: list[str | None],
    parts: list[list[str | None]],
    ocr: bool = True,
    label: str = "年度资金总额",
) -> tuple[dict[str, str], list[str]]:
    """A self-evaluation whose funds matrix prints `total` (年初预算数 … 得分) on its sum row,
    labelled `label` (a seal may leave a fragment or nothing), and `parts` (年初预算数, 全年预算数,
    全年执行数) on the three rows under it; None marks a cell the one before spans (two amounts
    in one cell)."""
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        FUNDS_HEAD_ROW,
        [None, label, *total],
    ]
    spans: dict = {(0, 1): (1, 7), (1, 0): 5, (6, 0): 2}
    for label, amounts in zip(PARTS, parts, strict=True):
        rows.append([None, label, *amounts, "/", "/", "/"])
    for r, row in enumerate(rows[2:], start=2):
        spans |= {(r, c): (1, 2) for c in range(2, 7) if row[c + 1] is None}
    read = ocr_page if ocr else page
    (form,), problems = read_document([read(1, table([*rows, *GRID], spans), lines=TITLE)])
    return values(form), problems


ZEROS = [["64.1", "64.1", "64.1"], ["0", "0", "0"], ["0", "0", "0"]]


def test_a_rate_read_with_a_rule_stroke_before_it_is_the_one_the_amounts_give() -> None:
    """`1100%` beside 64.1 executed of 64.1 (the cell `10 1100%` cut at its space): the rate
    as read is not 全年执行数 / 预算数, the rate past the `1` is; read 100%, with a note."""
    got, problems = _block(["64.1", "64.1", "64.1", "10", "1100%", "10"], ZEROS)
    assert (got["total_weight"], got["total_execution_rate"]) == ("10", "100%")
    assert (
        "page 1: funds row total: execution rate '1100%' is not 全年执行数 / 预算数 (100.00%); "
        "read as 100%, the '1' before it taken for a column rule's stroke"
    ) in problems


def test_a_rate_the_amounts_do_not_give_either_way_stays_as_read() -> None:
    """79.28% computed: neither 1100% nor 100% is it, so the rate stays as read; a text layer
    prints what was printed, and is never settled."""
    got, problems = _block(["64.1", "64.1", "50.82", "10", "1100%", "7.93"], ZEROS)
    assert got["total_execution_rate"] == "1100%"
    assert not any("execution rate" in p for p in problems)
    got, _ = _block(["64.1", "64.1", "64.1", "10", "1100%", "10"], ZEROS, ocr=False)
    assert got["total_execution_rate"] == "1100%"


def test_a_score_read_as_a_stroke_is_the_weight_times_the_rate() -> None:
    """得分 read `1` under a weight of 10 and a rate of 100% (the `/` marks below it read `1`
    too): the `1` is a stroke; read 10 = 10 × 100%, with a note. 79.3% gives 7.93."""
    got, problems = _block(["64.1", "64.1", "64.1", "10", "100%", "1"], ZEROS)
    assert got["total_score"] == "10"
    assert (
        "page 1: funds row total: score '1' is a column rule's stroke, not 分值 × 执行率; read as "
        "10 (分值 10 × 100%, the rate being 全年执行数 / 预算数)"
    ) in problems
    parts = [["64.1", "64.1", "50.82"], ["0", "0", "0"], ["0", "0", "0"]]
    got, _ = _block(["64.1", "64.1", "50.82", "10", "79.3%", "|"], parts)
    assert got["total_score"] == "7.93"


def test_a_score_is_not_derived_from_a_rate_the_amounts_contradict() -> None:
    """The rate 100% where 50.82 / 64.1 is 79.28%: the score `1` stays as read; so does a score
    that reads as a digit no stroke reads as (`7`), and a `1` that 分值 × 执行率 gives (10%)."""
    parts = [["64.1", "64.1", "50.82"], ["0", "0", "0"], ["0", "0", "0"]]
    got, _ = _block(["64.1", "64.1", "50.82", "10", "100%", "1"], parts)
    assert got["total_score"] == "1"
    got, _ = _block(["64.1", "64.1", "64.1", "10", "100%", "7"], ZEROS)
    assert got["total_score"] == "7"
    parts = [["64.1", "64.1", "6.41"], ["0", "0", "0"], ["0", "0", "0"]]
    got, problems = _block(["64.1", "64.1", "6.41", "10", "10%", "1"], parts)
    assert got["total_score"] == "1"
    assert not any("score '1'" in p for p in problems)


def test_an_amount_read_with_two_points_is_the_one_its_column_adds_up_to() -> None:
    """全年执行数 `75.1.5` over 75.15 | 0 | 0: of 751.5 and 75.15 only 75.15 is the sum of the
    rows under it; read so, with a note. Parts adding up to neither leave it as read."""
    parts = [["75.15", "75.15", "75.15"], ["0", "0", "0"], ["0", "0", "0"]]
    got, problems = _block(["75.15", "75.15", "75.1.5", "10", "100%", "10"], parts)
    assert got["total_executed"] == "75.15"
    assert (
        "page 1: funds read total_executed '75.1.5' as 75.15, one of its two points a speck OCR "
        "read as a point: the one reading by which the 年度资金总额 row's 全年执行数 is the sum "
        "of its parts"
    ) in problems
    parts[0][2] = "75.16"
    got, _ = _block(["75.15", "75.15", "75.1.5", "10", "100%", "10"], parts)
    assert got["total_executed"] == "75.1.5"


def test_the_cuts_of_two_amounts_glued() -> None:
    """Each piece one amount as printed: one point at most, no leading 0 before a digit."""
    assert glued_amount_cuts("0.750.56") == [("0.7", "50.56"), ("0.75", "0.56")]
    assert glued_amount_cuts("12.3045.6") == [("12.30", "45.6"), ("12.304", "5.6")]
    assert glued_amount_cuts("0.75 0.56") == glued_amount_cuts("75.15") == []


def test_two_amounts_glued_under_two_heads_are_cut_where_the_block_holds() -> None:
    """`0.750.56` under 全年预算数 and 全年执行数 on the 年度资金总额 row and on 财政拨款's: the
    total row's cut is the one whose rate is 74.7% (0.56 / 0.75; 50.56 / 0.7 is not), the
    财政拨款 row's the one its column adds up to under that total; each with a note."""
    total = ["0.75", "0.750.56", None, "10", "74.7%", "7.47"]
    parts = [["0.75", "0.750.56", None], ["0", "0", "0"], ["0", "0", "0"]]
    got, problems = _block(total, parts)
    assert (got["total_budget_full_year"], got["total_executed"]) == ("0.75", "0.56")
    assert (got["fiscal_budget_full_year"], got["fiscal_executed"]) == ("0.75", "0.56")
    assert (
        "page 1: funds cell '0.750.56' stands under budget_full_year、executed and prints two "
        "amounts glued; read as 0.75 | 0.56, the one cut by which the block's arithmetic holds "
        "(执行率 = 全年执行数 / 预算数, the rows adding up)"
    ) in problems


def test_two_amounts_glued_that_no_cut_settles_are_not_read() -> None:
    """The rate 99% (neither cut gives it): neither amount is read, with a note naming the
    cuts; the 财政拨款 row has no total to add up to, nor a rate, and is not read either."""
    total = ["0.75", "0.750.56", None, "10", "99%", "9.9"]
    parts = [["0.75", "0.750.56", None], ["0", "0", "0"], ["0", "0", "0"]]
    got, problems = _block(total, parts)
    assert "total_executed" not in got and "fiscal_executed" not in got
    assert (
        "page 1: funds cell '0.750.56' stands under budget_full_year、executed and prints two "
        "amounts glued; 0 of its cuts (0.7 | 50.56, 0.75 | 0.56) hold the block's arithmetic; "
        "not read"
    ) in problems


SEALED = ["1.03", "1.28", "1.28", "10", "100%", "10"]
SEALED_PARTS = [["0.86", "0.86", "0.86"], ["0", "0.25", "0.25"], ["0.17", "0.17", "0.17"]]


def test_a_sum_row_whose_label_a_seal_hid_is_found_by_its_place_and_sums() -> None:
    """The first row under the heads prints no label (a seal over it) and every summed column's
    amount is the sum of the labelled rows under it: it is the 年度资金总额 row, with a note."""
    got, problems = _block(SEALED, SEALED_PARTS, label="")
    fields = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate")
    assert [got[f"total_{f}"] for f in (*fields, "score")] == SEALED
    assert (got["carryover_budget_full_year"], got["other_executed"]) == ("0.25", "0.17")
    assert (
        "page 1: funds the first matrix row (grid row 2, no label read) is read as total: it "
        "stands where the form prints it and its budget_initial、budget_full_year、executed are "
        "the sums of the rows under it"
    ) in problems


def test_a_fragment_of_the_sum_rows_label_needs_two_sums_a_lost_label_all() -> None:
    """`年度金委政` (年度 and seal glyphs) with 年初预算数 unread (`法`): 全年预算数 and
    全年执行数 add up, so it is the sum row. The same amounts with no label at all (年初预算数
    blank) are not: every summed column must add up there; nothing of the block is read, as
    before, with one note."""
    total = ["法", "1.28", "1.28", "10", "100%", "10"]
    got, problems = _block(total, SEALED_PARTS, label="年度金委政")
    assert (got["total_budget_full_year"], got["total_executed"]) == ("1.28", "1.28")
    assert (
        "page 1: funds the first matrix row (grid row 2, its label read '年度金委政') is read as "
        "total: it stands where the form prints it and its budget_full_year、executed are the "
        "sums of the rows under it"
    ) in problems
    got, problems = _block(["", *total[1:]], SEALED_PARTS, label="")
    assert not any(k.startswith(("total_", "fiscal_", "other_")) for k in got)
    assert (
        "page 1: funds the first matrix row (grid row 2, no label read) is not read as total: "
        "its amounts that add up (budget_full_year、executed) do not settle it (off: none); the "
        "block is not read"
    ) in problems


def test_a_first_row_off_its_sums_or_labelled_by_another_rows_run_is_not_the_sum_row() -> None:
    """全年执行数 1.20 where the rows under it add to 1.28: not the sum row, nothing read; a label
    `资金` (其他资金 and 上年结转资金 print it too) is no fragment of 年度资金总额's: as before."""
    total = ["1.03", "1.28", "1.20", "10", "93.8%", "9.38"]
    got, problems = _block(total, SEALED_PARTS, label="")
    assert not any(k.startswith("total_") for k in got)
    assert (
        "page 1: funds the first matrix row (grid row 2, no label read) is not read as total: "
        "its amounts that add up (budget_initial、budget_full_year) do not settle it (off: "
        "executed); the block is not read"
    ) in problems
    got, problems = _block(SEALED, SEALED_PARTS, label="资金")
    assert not any(k.startswith("total_") for k in got)
    assert not any("first matrix row" in p for p in problems)


def test_a_rate_read_with_its_first_digit_lost_is_the_one_the_amounts_give() -> None:
    """`00%` beside 297.2 executed of 297.2 (the `1` of 100% lost under a faint seal): no form
    prints a 0 before a digit, and 100% is the one reading with a digit added that is
    全年执行数 / 预算数; read 100%, with a note."""
    got, problems = _block(["297.2", "297.2", "297.2", "10", "00%", "10"], ZEROS)
    assert (got["total_execution_rate"], got["total_score"]) == ("100%", "10")
    assert (
        "page 1: funds row total: execution rate '00%' is no printed percentage (a 0 before a "
        "digit); read as 100%, the one reading with a digit added that is 全年执行数 / 预算数 "
        "(100.00%)"
    ) in problems


def test_a_rate_with_a_digit_lost_stays_as_read_unless_one_reading_holds() -> None:
    """`07%` where the amounts give 79.28%: no digit added gives it (`079`, `0.7` …), so the rate
    stays as read; `10%` (a rate a form prints) is not touched; a text layer neither."""
    got, _ = _block(["64.1", "64.1", "50.82", "10", "07%", "7.93"], ZEROS)
    assert got["total_execution_rate"] == "07%"
    got, _ = _block(["64.1", "64.1", "64.1", "10", "10%", "10"], ZEROS)
    assert got["total_execution_rate"] == "10%"
    got, _ = _block(["297.2", "297.2", "297.2", "10", "00%", "10"], ZEROS, ocr=False)
    assert got["total_execution_rate"] == "00%"


def _pushed_down(ocr: bool = True) -> tuple[dict[str, str], list[str]]:
    """The funds heads' row with 全年执行数's cell blank and the head alone on the row under it
    (a stray rule across its cell), then the sum row and its parts."""
    heads = ["项目资金（万元）", "", "年初预算数", "全年预算数", "", "分值", "执行率", "得分"]
    pushed = [None, "", "", "", "全年执行数", "", "", ""]
    rows: list[list[str | None]] = [
        ["项目名称", "某项目", None, None, None, None, None, None],
        heads,
        pushed,
        [None, "年度资金总额", "64.1", "64.1", "50.82", "10", "79.3%", "7.93"],
    ]
    rows += [[None, lb, *amounts, "/", "/", "/"] for lb, amounts in zip(PARTS, ZEROS, strict=True)]
    spans: dict = {(0, 1): (1, 7), (1, 0): 6}
    read = ocr_page if ocr else page
    (form,), problems = read_document([read(1, table([*rows, *GRID], spans), lines=TITLE)])
    return values(form), problems


def test_a_funds_head_pushed_onto_the_row_under_the_heads_heads_its_column() -> None:
    """Dev6 lg_52752_自评 p3: `预算执行数` alone on the row under the heads, below a blank cell
    of their row: it heads its column, so 全年执行数 is read (it was NULL), noted."""
    got, problems = _pushed_down()
    assert [got[f"total_{f}"] for f in ("budget_initial", "budget_full_year", "executed")] == [
        "64.1",
        "64.1",
        "50.82",
    ]
    assert (got["total_execution_rate"], got["total_score"]) == ("79.3%", "7.93")
    assert (
        "page 1: funds head(s) '全年执行数' printed on the row under the heads, below a blank "
        "cell of it (a stray rule across the head's cell): read as the head(s) of that column"
    ) in problems
