"""The target funds block's sum check on scanned tables where OCR read ink that is no amount in
a cell printing none (a blank 其他资金 read `i01` at confidence 0.51): read as blank when OCR was
unsure of it and the block then adds up, never as a value."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from tests.test_forms import HEADER, OCR_REVIEW_BELOW, TITLE, grid, values
from tests.test_header_scans import _line, scan_page

FUNDS_ROWS = {"total_funds": 3, "fiscal_funds": 4, "other_funds": 5}


def _read_funds(
    amounts: dict[str, tuple[str, float]],
    review_below: float = OCR_REVIEW_BELOW,
    unit: str = "万元",
) -> tuple[dict, list[str]]:
    """The funds block and problems of a one-page scanned target table whose amount cells print
    `amounts` (field → (text, OCR confidence)) in `unit`, read with the review line
    `review_below`; the other header cells are read surely."""
    rows = [list(r) for r in HEADER]
    rows[3][0] = f"项目资金 ({unit})"
    for name, (text, _) in amounts.items():
        rows[FUNDS_ROWS[name]][2] = text
    rows.append(["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"])
    t = grid(rows, {(3, 0): 3}, top=100)
    confidence = {(FUNDS_ROWS[n], 2): c for n, (_, c) in amounts.items()}
    cells = [replace(c, confidence=confidence.get((c.row, c.col), 0.99)) for c in t.cells]
    t = replace(t, cells=cells, extractor="rapidocr")
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    page = scan_page(1, t, lines=title, review_below=review_below)
    forms, problems = read_document([page])
    got = values(forms[0])
    return {k: got.get(k) for k in FUNDS_ROWS}, problems


def test_unsure_junk_in_a_blank_other_funds_cell_is_read_blank_when_the_sum_then_holds() -> None:
    got, problems = _read_funds(
        {"total_funds": ("244", 0.99), "fiscal_funds": ("244", 0.99), "other_funds": ("i01", 0.51)}
    )
    assert got == {"total_funds": "244", "fiscal_funds": "244", "other_funds": ""}
    assert any("other_funds 'i01' (OCR confidence 0.51) as blank" in p for p in problems)
    got, _ = _read_funds(  # a digit-only reading OCR was as unsure of
        {"total_funds": ("75.5", 0.99), "fiscal_funds": ("75.5", 0.98), "other_funds": ("101", 0.6)}
    )
    assert got["other_funds"] == ""


def test_unsure_is_below_the_review_line_the_page_was_read_with() -> None:
    """A run that keeps cells for review below 0.5 was sure of `i01` at 0.51: left as read (a
    printed difference is the audit's); one reviewing below 0.9 was unsure of `101` at 0.87."""
    amounts = {"total_funds": ("244", 0.99), "fiscal_funds": ("244", 0.99)}
    got, _ = _read_funds({**amounts, "other_funds": ("i01", 0.51)}, review_below=0.5)
    assert got["other_funds"] == "i01"
    got, _ = _read_funds({**amounts, "other_funds": ("101", 0.87)}, review_below=0.9)
    assert got["other_funds"] == ""
    got, _ = _read_funds({**amounts, "other_funds": ("101", 0.87)})  # the default line: sure
    assert got["other_funds"] == "101"


def test_a_sure_reading_or_one_the_sum_does_not_explain_is_left_as_read() -> None:
    # read surely: a printed difference is the audit's finding
    got, _ = _read_funds(
        {"total_funds": ("244", 0.99), "fiscal_funds": ("244", 0.99), "other_funds": ("101", 0.97)}
    )
    assert got["other_funds"] == "101"
    # unsure, but blank would not make the block add up either: never a value made up
    got, problems = _read_funds(
        {"total_funds": ("300", 0.99), "fiscal_funds": ("244", 0.99), "other_funds": ("i01", 0.5)}
    )
    assert got == {"total_funds": "300", "fiscal_funds": "244", "other_funds": "i01"}
    assert not any("funds read" in p for p in problems)
    # the total is what the parts are checked against: never read away
    got, _ = _read_funds(
        {"total_funds": ("i01", 0.5), "fiscal_funds": ("", 0.99), "other_funds": ("", 0.99)}
    )
    assert got["total_funds"] == "i01"


def test_an_unsure_reading_the_sum_holds_with_is_kept_beside_an_edge_mark_cut() -> None:
    """`1 56` (a worn rule read `1` before 56) fits by one mark cut with the unsure fiscal
    reading as read: the cut is taken, the fiscal amount stays (never read away)."""
    got, problems = _read_funds(
        {"total_funds": ("100", 0.99), "fiscal_funds": ("44", 0.7), "other_funds": ("1 56", 0.8)}
    )
    assert got == {"total_funds": "100", "fiscal_funds": "44", "other_funds": "56"}
    assert any("other_funds '1 56' as 56" in p for p in problems)


def test_a_mark_printed_for_no_value_counts_zero_in_the_sum() -> None:
    """其他资金 printed `/`: the block adds up once the speck after the total is cut (before, a
    `/` gave the sum check nothing to add and the speck stayed)."""
    got, _ = _read_funds(
        {
            "total_funds": ("260.6.", 0.9),
            "fiscal_funds": ("260.6", 0.99),
            "other_funds": ("/", 0.99),
        }
    )
    assert got == {"total_funds": "260.6", "fiscal_funds": "260.6", "other_funds": "/"}


def test_a_total_and_a_part_read_alike_are_not_cut_alike_by_the_sum() -> None:
    """`47.` under 年度资金总额 and 财政拨款 (47.019 printed, its decimals lost alike in both): cut
    to 47 the block adds up, but it would whatever was lost; left as read, with a note."""
    got, problems = _read_funds(
        {"total_funds": ("47.", 0.9), "fiscal_funds": ("47.", 0.9), "other_funds": ("", 0.99)}
    )
    assert got == {"total_funds": "47.", "fiscal_funds": "47.", "other_funds": ""}
    assert any("both read '47.'" in p for p in problems)
    got, _ = _read_funds(  # one of them alone read with a speck: the sum tells
        {"total_funds": ("47.", 0.9), "fiscal_funds": ("47", 0.9), "other_funds": ("", 0.99)}
    )
    assert got["total_funds"] == "47"


def test_a_separator_read_for_the_other_is_settled_by_the_sum() -> None:
    """A point read as a comma (`453,908` printed 453.908) or a thousands comma read as a
    semicolon (`14;368,090`): the one reading by which the block adds up is kept, and noted."""
    got, problems = _read_funds(
        {
            "total_funds": ("453,908", 0.97),
            "fiscal_funds": ("406.028", 0.99),
            "other_funds": ("47.88", 0.99),
        }
    )
    assert got == {"total_funds": "453.908", "fiscal_funds": "406.028", "other_funds": "47.88"}
    assert (
        "page 1: funds read total_funds '453,908' as 453.908, a point OCR read as a comma: the "
        "one reading by which 年度资金总额 is the sum of its parts" in problems
    )
    got, problems = _read_funds(
        {
            "total_funds": ("14;368,090", 0.99),
            "fiscal_funds": ("14,368,090", 0.99),
            "other_funds": ("0", 0.99),
        }
    )
    assert got == {"total_funds": "14,368,090", "fiscal_funds": "14,368,090", "other_funds": "0"}
    assert any("'14;368,090' as 14,368,090, a comma OCR read as a semicolon" in p for p in problems)


def test_a_separator_the_sum_does_not_settle_is_left_as_read() -> None:
    # a thousands comma that adds up as printed is never read as a point
    amounts = {"total_funds": ("1,500", 0.99), "fiscal_funds": ("1,000", 0.99)}
    got, problems = _read_funds({**amounts, "other_funds": ("500", 0.99)})
    assert got == {"total_funds": "1,500", "fiscal_funds": "1,000", "other_funds": "500"}
    assert not any("funds read" in p for p in problems)
    # read as a point the comma would not make the block add up either: left as read
    got, problems = _read_funds(
        {
            "total_funds": ("453,908", 0.97),
            "fiscal_funds": ("400", 0.99),
            "other_funds": ("47.88", 0.99),
        }
    )
    assert got["total_funds"] == "453,908"
    assert not any("funds read" in p for p in problems)


def test_a_comma_that_groups_no_thousands_is_no_reading_of_a_point() -> None:
    """A total read `2433` with its point lost and 财政拨款 read `24.33` (dev3 lg_25630): `24,33`
    would make the block add up, but commas group digits by three, so no one prints it; the
    block is left as read (its difference the audit's), never settled on the total's misreading."""
    got, problems = _read_funds(
        {
            "total_funds": ("2433", 0.99),
            "fiscal_funds": ("24.33", 0.99),
            "other_funds": ("0.00", 0.99),
        }
    )
    assert got == {"total_funds": "2433", "fiscal_funds": "24.33", "other_funds": "0.00"}
    assert not any("funds read" in p for p in problems)


def test_a_yuan_amount_printing_more_than_two_decimals_is_read_with_a_comma() -> None:
    """元 are printed to the fen: a total read `317.600` beside 财政拨款 `317,600` (dev3
    lg_26492) is 317,600 with its comma read as a point; in 万元 both readings add up and the
    block is left as read."""
    amounts = {"total_funds": ("317.600", 0.99), "fiscal_funds": ("317,600", 0.98)}
    amounts["other_funds"] = ("0", 0.99)
    got, problems = _read_funds(amounts, unit="元")
    assert got == {"total_funds": "317,600", "fiscal_funds": "317,600", "other_funds": "0"}
    assert (
        "page 1: funds read total_funds '317.600' as 317,600, a comma OCR read as a point; "
        "'317.600' printing more decimals than 元 has (2): the one reading by which 年度资金总额 "
        "is the sum of its parts" in problems
    )
    got, problems = _read_funds(amounts)
    assert got == {"total_funds": "317.600", "fiscal_funds": "317,600", "other_funds": "0"}
    assert not any("funds read" in p for p in problems)
    # two decimals are a 元 amount: its point stays a point, the part's comma is read as one
    amounts = {"total_funds": ("317.60", 0.99), "fiscal_funds": ("317,60", 0.98)}
    got, _ = _read_funds({**amounts, "other_funds": ("0", 0.99)}, unit="元")
    assert got == {"total_funds": "317.60", "fiscal_funds": "317.60", "other_funds": "0"}


def test_a_total_read_as_nothing_is_the_sum_of_its_parts_read_surely() -> None:
    """年度资金总额 OCR read nothing for (a faint `21` beside a worn rule, funds29's lg_20183)
    while 财政拨款 and 其他资金 read surely: the sum of the parts, with their decimals, noted."""
    got, problems = _read_funds(
        {
            "total_funds": ("", 0.99),
            "fiscal_funds": ("12.852", 0.99),
            "other_funds": ("8.148", 0.99),
        }
    )
    assert got == {"total_funds": "21.000", "fiscal_funds": "12.852", "other_funds": "8.148"}
    assert (
        "page 1: funds total_funds read nothing, taken as 21.000, the sum of its parts as read "
        "(fiscal_funds 12.852 + other_funds 8.148): 年度资金总额 is the sum of its parts"
    ) in problems
    got, _ = _read_funds(  # a blank 其他资金 is 0; thousands commas kept
        {"total_funds": ("", 0.99), "fiscal_funds": ("1,234,500", 0.99), "other_funds": ("", 0.99)}
    )
    assert got["total_funds"] == "1,234,500"


def test_a_total_read_as_nothing_stays_unread_when_a_part_is_unsure_or_blank() -> None:
    # a part OCR was unsure of could make a wrong sum: the total is left unread
    got, problems = _read_funds(
        {"total_funds": ("", 0.99), "fiscal_funds": ("12.852", 0.5), "other_funds": ("8.148", 0.99)}
    )
    assert got["total_funds"] == ""
    assert not any("total_funds read nothing" in p for p in problems)
    # 财政拨款 read blank as well: nothing to add up
    got, _ = _read_funds(
        {"total_funds": ("", 0.99), "fiscal_funds": ("", 0.99), "other_funds": ("8.148", 0.99)}
    )
    assert got["total_funds"] == ""
    # a part that is no amount
    got, _ = _read_funds(
        {"total_funds": ("", 0.99), "fiscal_funds": ("12.8五2", 0.99), "other_funds": ("1", 0.99)}
    )
    assert got["total_funds"] == ""


def _read_without_fiscal_row(total: str, other: str, confidence: float = 0.99) -> tuple:
    """The funds block and problems of a scanned target table whose grid lost its 财政拨款 row
    (年度资金总额 `total`, 其他资金 `other`, both read at `confidence`)."""
    rows = [list(r) for i, r in enumerate(HEADER) if i != FUNDS_ROWS["fiscal_funds"]]
    rows[3][2], rows[4][2] = total, other
    rows.append(["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"])
    t = grid(rows, {(3, 0): 2}, top=100)
    cells = [replace(c, confidence=confidence if c.col == 2 else 0.99) for c in t.cells]
    t = replace(t, cells=cells, extractor="rapidocr")
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    forms, problems = read_document([scan_page(1, t, lines=title)])
    got = values(forms[0])
    return {k: got.get(k) for k in FUNDS_ROWS}, problems


def test_a_fiscal_row_the_grid_lost_is_the_total_less_the_other_funds() -> None:
    """No 财政拨款 row read (dev3 lg_20422: the row at a page's foot below the last rule found),
    年度资金总额 and 其他资金 read surely: 财政拨款 is their difference, noted."""
    got, problems = _read_without_fiscal_row("22", "0")
    assert got == {"total_funds": "22", "fiscal_funds": "22", "other_funds": "0"}
    assert (
        "page 1: funds fiscal_funds not read (no 财政拨款 row found), taken as 22: 年度资金总额 "
        "22 less 其他资金 0"
    ) in problems
    got, _ = _read_without_fiscal_row("100.3", "0.15")
    assert got["fiscal_funds"] == "100.15"
    # unsure readings, or other funds above the total: nothing filled
    assert _read_without_fiscal_row("22", "0", confidence=0.5)[0]["fiscal_funds"] is None
    assert _read_without_fiscal_row("22", "30")[0]["fiscal_funds"] is None


def test_a_fiscal_amount_read_blank_is_the_total_less_the_other_funds() -> None:
    """财政拨款 is never printed blank for none (not `blank_zero`): read blank beside a blank
    其他资金 (dev3 lg_29049, faint print) it is the total less the other funds, in its own cell,
    noted; a blank 其他资金 is a none and stays blank."""
    got, problems = _read_funds(
        {"total_funds": ("15.08", 0.99), "fiscal_funds": ("", 0.99), "other_funds": ("", 0.99)}
    )
    assert got == {"total_funds": "15.08", "fiscal_funds": "15.08", "other_funds": ""}
    assert (
        "page 1: funds fiscal_funds read blank (财政拨款 is never printed blank for none), taken "
        "as 15.08: 年度资金总额 15.08 less 其他资金 blank"
    ) in problems
    got, _ = _read_funds(
        {"total_funds": ("1,916", 0.99), "fiscal_funds": ("", 0.99), "other_funds": ("949", 0.99)}
    )
    assert got["fiscal_funds"] == "967"
    # the total unsure, or below the other funds: left blank
    for total, conf in (("15.08", 0.5), ("5", 0.99)):
        got, problems = _read_funds(
            {"total_funds": (total, conf), "fiscal_funds": ("", 0.99), "other_funds": ("8", 0.99)}
        )
        assert got["fiscal_funds"] == ""
        assert not any("fiscal_funds read blank" in p for p in problems)


def _read_split(local: str, superior: str | None, other: str) -> tuple[dict, list[str]]:
    """The funds of a scanned target table printing 本级财政资金 and 上级补助资金 (no 财政拨款),
    年度资金总额 1916, each amount read surely as given; `superior` None: no 上级 row read."""
    rows = [list(r) for r in HEADER[:4]]
    rows[3][2] = "1916"
    parts = [
        [None, "其中：本级财政资金", local, "", ""],
        *([[None, "上级补助资金", superior, "", ""]] if superior is not None else []),
        [None, "其他资金", other, "", ""],
    ]
    rows += [
        *parts,
        *(list(r) for r in HEADER[6:]),
        ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"],
    ]
    t = grid(rows, {(3, 0): 1 + len(parts)}, top=100)
    t = replace(t, cells=[replace(c, confidence=0.99) for c in t.cells], extractor="rapidocr")
    title = (_line(TITLE[0], 10), _line(TITLE[1], 50))
    forms, problems = read_document([scan_page(1, t, lines=title)])
    got = values(forms[0])
    names = ("total_funds", "local_fiscal_funds", "superior_funds", "other_funds")
    return {k: got.get(k) for k in names}, problems


def test_a_local_fiscal_amount_read_blank_is_the_total_less_the_other_parts() -> None:
    """本级财政资金 read blank (dev3 lg_29102 p2: its label cut by a stray rule, the value cell
    blank) while 年度资金总额, 上级补助资金 and 其他资金 read surely: the total less the others,
    with their most decimals, noted. A blank 上级 beside it is a none (`blank_zero`); nothing
    read blank for an amount, nothing filled."""
    got, problems = _read_split("", "0.00", "949.236")
    assert got == {
        "total_funds": "1916",
        "local_fiscal_funds": "966.764",
        "superior_funds": "0.00",
        "other_funds": "949.236",
    }
    assert (
        "page 1: funds local_fiscal_funds read blank (本级财政资金 is never printed blank for "
        "none), taken as 966.764: 年度资金总额 1916 less 上级补助资金 0.00 and 其他资金 949.236"
    ) in problems
    got, problems = _read_split("", "", "949.236")
    assert got["local_fiscal_funds"] == "966.764"  # a blank 上级 is a none
    got, problems = _read_split("966.764", "", "949.236")  # nothing lost: as read
    assert got["superior_funds"] == "" and not any("read blank" in p for p in problems)


def test_a_superior_row_the_grid_lost_is_the_total_less_the_other_parts() -> None:
    """No 上级补助资金 row read at all (dev3 lg_27603: the row lost by the grid) while 年度资金总额,
    本级 and 其他资金 read surely: 上级 is the total less them, with no cell, noted. A remainder
    below 0 fills nothing."""
    got, problems = _read_split("1000.5", None, "887.363")
    assert got == {
        "total_funds": "1916",
        "local_fiscal_funds": "1000.5",
        "superior_funds": "28.137",
        "other_funds": "887.363",
    }
    assert (
        "page 1: funds superior_funds not read (no 上级补助资金 row found), taken as 28.137: "
        "年度资金总额 1916 less 本级财政资金 1000.5 and 其他资金 887.363"
    ) in problems
    got, problems = _read_split("1000.5", None, "949.236")  # 1916 < 1000.5 + 949.236
    assert got["superior_funds"] is None
    assert not any("superior_funds not read" in p for p in problems)


def test_a_rules_stroke_after_a_gap_is_cut_as_an_edge_mark_not_read_as_digits() -> None:
    """`230480 1` in a 元 block (dev3 lg_28900): the `1` is a worn rule's stroke, cut by the sum
    (260000 = 230480 + 29520), never read as digits the rule cut apart (230480.1 would fit the
    sum's tolerance too and leave the block unsettled); `52 18` is read as a point hidden."""
    got, problems = _read_funds(
        {
            "total_funds": ("260000", 0.99),
            "fiscal_funds": ("230480 1", 0.99),
            "other_funds": ("29520", 0.99),
        },
        unit="元",
    )
    assert got["fiscal_funds"] == "230480"
    got, _ = _read_funds(
        {
            "total_funds": ("52 18", 0.99),
            "fiscal_funds": ("40", 0.99),
            "other_funds": ("12.18", 0.99),
        }
    )
    assert got["total_funds"] == "52.18"


def test_a_glyph_read_over_a_digit_is_given_the_one_digit_the_sum_holds_with() -> None:
    """A seal's character OCR read where an amount prints a digit (`44法.594` for 441.594) makes
    the amount no number; the block's sum gives the glyph the one digit by which it adds up,
    noted. A letter over a digit is read alike (`1O2.5`); a glyph over nothing (a speck between
    two digits) is left out when that alone adds up."""
    got, problems = _read_funds(
        {
            "total_funds": ("44法.594", 0.9),
            "fiscal_funds": ("400", 0.99),
            "other_funds": ("41.594", 0.99),
        }
    )
    assert got == {"total_funds": "441.594", "fiscal_funds": "400", "other_funds": "41.594"}
    assert (
        "page 1: funds read total_funds '44法.594' as 441.594, '法' between its digits a seal's "
        "or speck's glyph read over a 1: the one reading by which 年度资金总额 is the sum of its "
        "parts"
    ) in problems
    got, _ = _read_funds(
        {"total_funds": ("102.5", 0.99), "fiscal_funds": ("1O2.5", 0.9), "other_funds": ("", 0.99)}
    )
    assert got["fiscal_funds"] == "102.5"
    got, problems = _read_funds(
        {
            "total_funds": ("75.15", 0.99),
            "fiscal_funds": ("7政5.15", 0.9),
            "other_funds": ("", 0.99),
        }
    )
    assert got["fiscal_funds"] == "75.15"
    assert any(
        "'政' between its digits a seal's or speck's glyph read over no digit" in p
        for p in problems
    )


def test_a_glyph_between_digits_the_sum_cannot_settle_is_left_as_read() -> None:
    """No digit makes the block add up, two glyphs in one amount, or the same glyph over the
    total and its part (every digit fits alike): the amount stays as read, never a digit made
    up."""
    cases = [
        {
            "total_funds": ("44法.594", 0.9),
            "fiscal_funds": ("300", 0.99),
            "other_funds": ("", 0.99),
        },
        {
            "total_funds": ("4法法.5", 0.9),
            "fiscal_funds": ("441.5", 0.99),
            "other_funds": ("", 0.99),
        },
        {"total_funds": ("4法.5", 0.9), "fiscal_funds": ("4法.5", 0.9), "other_funds": ("", 0.99)},
    ]
    for amounts in cases:
        got, problems = _read_funds(amounts)
        assert got == {n: text for n, (text, _) in amounts.items()}
        assert not any("between its digits" in p for p in problems)


def test_an_amount_in_yuan_read_with_three_decimals_is_read_with_its_separator_a_comma() -> None:
    """元 print to the fen: `375.120` is no 元 amount, its comma read as a point (dev7 lg_60054,
    a lone 年度本级预算金额 no sum can weigh); the one separator as a comma is, and is noted. The
    same amounts in 万元, or a point whose comma would not group by three, stay as read."""
    amounts = {"total_funds": ("375.120", 0.95), "fiscal_funds": ("375.120", 0.95)}
    got, problems = _read_funds({**amounts, "other_funds": ("", 0.99)}, unit="元")
    assert (got["total_funds"], got["fiscal_funds"]) == ("375,120", "375,120")
    assert any(
        "total_funds '375.120' as 375,120, a comma OCR read as a point: 元 print at most 2" in p
        for p in problems
    )
    got, _ = _read_funds({**amounts, "other_funds": ("", 0.99)}, unit="万元")
    assert (got["total_funds"], got["fiscal_funds"]) == ("375.120", "375.120")
    ungrouped = {"total_funds": ("37.5120", 0.95), "fiscal_funds": ("37.5120", 0.95)}
    got, _ = _read_funds({**ungrouped, "other_funds": ("", 0.99)}, unit="元")
    assert (got["total_funds"], got["fiscal_funds"]) == ("37.5120", "37.5120")


def test_a_glyph_with_no_digit_in_a_part_is_read_blank_only_when_the_sum_then_holds() -> None:
    """dev8 lg_77253: a blank 其他资金 under a seal read `法` (confidence 1.0): no amount prints
    without a digit; blank is kept only when the block then adds up."""
    got, problems = _read_funds(
        {"total_funds": ("244", 0.99), "fiscal_funds": ("244", 0.99), "other_funds": ("法", 0.99)}
    )
    assert got["other_funds"] == ""
    assert any("other_funds '法' as blank: no digit" in p for p in problems)
    got, _ = _read_funds(
        {"total_funds": ("244", 0.99), "fiscal_funds": ("200", 0.99), "other_funds": ("法", 0.99)}
    )
    assert got["other_funds"] == "法"
