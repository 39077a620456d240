"""A funds block of one amount (年度本级预算金额 alone) read with a stroke at its edge where a
worn column rule crosses its line (`flows.forms.fundsreread.reread_lone_amount`): no sum can
judge it, so the amount without the stroke is taken only when its cell read again reads that
amount in every view, noted."""

from __future__ import annotations

from flows.forms.fundsreread import reread_lone_amount
from flows.models import (
    Cell,
    CellLine,
    FundsBlock,
    PageGrid,
    PageStatus,
    ProjectForm,
    SourcedValue,
    Table,
)

CELL = (386.0, 439.0, 1280.0, 522.0)
LINE = "年度本级预算金额 120430"


def _page(marks: tuple[tuple[float, float, float, float], ...]) -> PageGrid:
    """One OCR page whose funds cell prints the label and amount read as one line, with a lone
    stroke `1` at each box of `marks` (a worn rule's dashes)."""
    lines = [CellLine(LINE, (442.0, 469.0, 1025.0, 494.0), 0.93)]
    lines += [CellLine("1", box, 0.78) for box in marks]
    cell = Cell(3, 2, "年度本级预算金额 120430", CELL, lines=tuple(lines))
    table = Table(6, 6, [cell], (208.0, 213.0, 1280.0, 605.0), "rapidocr")
    status = PageStatus.EXTRACTED
    return PageGrid(1, 1489, 2105, "px", False, status, "rapidocr", [table], [])


def _read(
    printed: str, views: list[str], marks=((697.0, 498.0, 701.0, 514.0),), parts: bool = False
):
    total = SourcedValue(printed, page=1, table_index=0, row=3, col=2, bbox=CELL)
    fiscal = SourcedValue("20430", page=1, row=4, col=2, bbox=CELL) if parts else None
    unit = {"funds_unit": SourcedValue("元", page=1)}
    form = ProjectForm(unit, FundsBlock(total, fiscal), [], 1)
    asked: list[tuple[int, tuple]] = []

    def reread(page: int, bbox: tuple) -> list[str]:
        asked.append((page, bbox))
        return views

    problems: list[str] = []
    reread_lone_amount(form, [_page(marks)], {1: 0.85}, reread, problems)
    return form.funds.total.value, problems, asked


def test_a_rule_dash_read_onto_a_lone_amount_is_dropped_when_every_view_reads_it_without() -> None:
    views = ["年度本级质算金额20430", "年度本线质集金额20430"]
    got, problems, asked = _read("120430", views)
    assert got == "20430"
    assert asked == [(1, CELL)]
    assert problems == [
        "page 1: funds read total_funds '120430' as 20430: a worn column rule's dash stands on "
        "its line, and its cell read again ('年度本级质算金额20430', '年度本线质集金额20430') "
        "reads the amount without the stroke at its edge in every view (the block's one "
        "amount: no sum to judge it)"
    ]


def test_a_view_reading_the_stroke_or_another_number_leaves_the_amount_as_read() -> None:
    assert _read("120430", ["金额20430", "金额120430"])[0] == "120430"
    assert _read("120430", ["金额20430", "金额20480"])[0] == "120430"
    assert _read("120430", ["金额20430", "金额 1 20430"])[0] == "120430"  # two numbers
    assert _read("120430", [])[0] == "120430"  # no view reads anything
    # the views' one distinct reading (`read_box` gives each text once) is a witness
    assert _read("120430", ["金额20430"])[0] == "20430"


def test_no_rule_crossing_its_line_or_a_block_with_parts_asks_nothing() -> None:
    views = ["金额20430", "金额20430"]
    # the stroke stands beside the line, not above or below it within its width
    got, _, asked = _read("120430", views, marks=((1100.0, 498.0, 1104.0, 514.0),))
    assert (got, asked) == ("120430", [])
    got, _, asked = _read("120430", views, marks=())
    assert (got, asked) == ("120430", [])
    got, _, asked = _read("120430", views, parts=True)  # the sum judges a block with parts
    assert (got, asked) == ("120430", [])
    got, _, asked = _read("20430", views)  # no stroke at the amount's edge
    assert (got, asked) == ("20430", [])
