"""A table's year from its annex line when no year line or form title was read (an OCR slip
in the title: `…绩效自标装`), noted; a document with no year printed anywhere still has none."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import HEADER, grid, page, values

ROWS = [*HEADER, ["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"]]
ANNEX = "附件1：禾里县人力资源和社会保障局2029年项目支出绩效自标装"


def test_year_read_from_an_annex_line_whose_title_was_misread() -> None:
    forms, problems = read_document(
        [page(1, grid(ROWS, {(3, 0): 3}), lines=(ANNEX, "项目支出绩效目标表"))]
    )
    assert values(forms[0])["year"] == "2029"
    assert (
        "page 1: no year line (…年度) found; year 2029 read from the annex line "
        f"'{ANNEX}' (its form title not read as one)"
    ) in problems


def test_no_year_printed_anywhere_leaves_none_and_a_note() -> None:
    """Never invented: the title alone names no year, the period `1 年` none either."""
    forms, problems = read_document(
        [page(1, grid(ROWS, {(3, 0): 3}), lines=("项目支出绩效目标表",))]
    )
    assert "year" not in forms[0].fields
    assert "page 1: 测试项目: no year line (…年度) found" in problems


def test_a_year_line_is_still_preferred_to_the_annex_line() -> None:
    forms, problems = read_document(
        [page(1, grid(ROWS, {(3, 0): 3}), lines=("附件2：某局2028年", "(2029 年度)"))]
    )
    assert values(forms[0])["year"] == "2029"
    assert not any("annex line" in p for p in problems)
