"""A seal's glyph OCR read in place of an amount's first or last digit (`政90590` printed
490,590): the block's sum gives it the one digit by which the block adds up, or leaves it out."""

from __future__ import annotations

from tests.test_funds_unsure import _read_funds


def test_a_glyph_over_an_amounts_edge_digit_is_given_the_one_digit_the_sum_holds_with() -> None:
    got, problems = _read_funds(
        {
            "total_funds": ("政90590", 0.9),
            "fiscal_funds": ("383250", 0.99),
            "other_funds": ("107340", 0.99),
        },
        unit="元",
    )
    assert got == {"total_funds": "490590", "fiscal_funds": "383250", "other_funds": "107340"}
    assert (
        "page 1: funds read total_funds '政90590' as 490590: '政' touching its digits a seal's "
        "glyph read over a 4, the one digit by which 年度资金总额 is the sum of its parts"
    ) in problems
    got, _ = _read_funds(  # a part's last digit, the total printing a seal's glyphs apart
        {
            "total_funds": ("52.18 委政", 0.9),
            "fiscal_funds": ("50.1法", 0.9),
            "other_funds": ("2.01", 0.99),
        }
    )
    assert got["fiscal_funds"] == "50.17"
    # the block adds up with the glyph hiding nothing, no digit fits, or two amounts print such
    # a glyph: no digit is made up; the seal's glyph is left out as before
    cases = [
        ({"total_funds": ("政90590", 0.9), "fiscal_funds": ("90590", 0.99)}, "90590"),
        ({"total_funds": ("政90590", 0.9), "fiscal_funds": ("1000", 0.99)}, "90590"),
        ({"total_funds": ("政90590", 0.9), "fiscal_funds": ("法383250", 0.9)}, "90590"),
    ]
    for amounts, total in cases:
        got, _ = _read_funds({**amounts, "other_funds": ("107340", 0.99)}, unit="元")
        assert got["total_funds"] == total
