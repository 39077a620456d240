"""The units printed right after a number are one list of the form descriptions
(`flows.forms.spec.NUMBER_UNITS`), which the OCR's text fixes read: a decimal point read as a
comma before any of them is a point, and a rate's sign carries no space."""

from __future__ import annotations

import pytest

from flows.forms.spec import FUNDS_UNITS, NUMBER_UNITS, RATE_UNITS
from ocr.page import normalise_text


def test_the_units_are_the_rates_and_the_funds() -> None:
    assert NUMBER_UNITS == ("%", "‰", "万元", "元") == (*RATE_UNITS, *FUNDS_UNITS)


@pytest.mark.parametrize("unit", NUMBER_UNITS)
def test_a_comma_before_a_unit_is_a_decimal_point(unit: str) -> None:
    assert normalise_text(f"11,53{unit}") == f"11.53{unit}"
    assert normalise_text(f"1,234,5{unit}") == f"1,234.5{unit}"
    assert normalise_text(f"1,487,960{unit}") == f"1,487,960{unit}"  # thousands stay


def test_a_unit_begun_by_its_magnitude_counts_too() -> None:
    # 万 begins 万元 and also 万人, 万亩: an amount's magnitude, never a thousands group's digit
    assert normalise_text("11,53万人") == "11.53万人"
    assert normalise_text("第1,2季度") == "第1,2季度"


@pytest.mark.parametrize("unit", RATE_UNITS)
def test_a_rate_sign_carries_no_space(unit: str) -> None:
    assert normalise_text(f"≥ 90 {unit}") == f"≥90{unit}"
