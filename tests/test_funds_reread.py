"""A scanned target table's funds block that does not add up, settled by its cells read again
(`flows.forms.fundsreread`, the extraction stage's `flows.extract.reread`): a re-read is kept
only when it is the one amount, over every cell of the block, by which the block adds up."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from flows.forms import read_document
from flows.forms.fundsreread import reread_funds_by_sum
from flows.models import FundsBlock, ProjectForm, SourcedValue
from ocr.reread import REREAD_SCALES, box_views, read_box
from tests.test_forms import HEADER, TITLE, grid, values
from tests.test_header_scans import _line, scan_page

FUNDS_ROWS = {"total_funds": 3, "fiscal_funds": 4, "other_funds": 5}


def _read(amounts: dict[str, str], rereads: dict[str, list[str]] | None):
    """The funds, problems and the rows asked for again of a one-page scanned target table
    printing `amounts`; the re-read of the cell on row r gives `rereads[field of r]`."""
    rows = [list(r) for r in HEADER]
    for name, text in amounts.items():
        rows[FUNDS_ROWS[name]][2] = text
    rows.append(["绩效指标", "产出指", "数量指标 (必填硬性指", "召开会议", "5 次"])
    t = grid(rows, {(3, 0): 3}, top=100)
    t = replace(t, cells=[replace(c, confidence=0.99) for c in t.cells], extractor="rapidocr")
    page = scan_page(1, t, lines=(_line(TITLE[0], 10), _line(TITLE[1], 50)))
    tops = {
        name: next(c.bbox[1] for c in t.cells if (c.row, c.col) == (r, 2))
        for name, r in FUNDS_ROWS.items()
    }
    asked: list[str] = []

    def reread(page_no: int, bbox: tuple[float, float, float, float]) -> list[str]:
        name = next(n for n, top in tops.items() if abs(top - bbox[1]) < 1)
        asked.append(name)
        return (rereads or {}).get(name, [])

    forms, problems = read_document([page], reread if rereads is not None else None)
    got = values(forms[0])
    return {k: got.get(k) for k in FUNDS_ROWS}, problems, asked


def test_a_total_misread_under_a_seal_is_read_again_and_kept_when_it_alone_adds_up() -> None:
    got, problems, asked = _read(
        {"total_funds": "39.866", "fiscal_funds": "39.366", "other_funds": ""},
        {"total_funds": ["39.866", "39.366", "39.66"], "fiscal_funds": ["39.366", "39.36"]},
    )
    assert got == {"total_funds": "39.366", "fiscal_funds": "39.366", "other_funds": ""}
    assert asked == ["total_funds", "fiscal_funds"]  # a blank part has no print to re-read
    assert any(
        "funds read total_funds '39.866' as 39.366: its cell read again" in p for p in problems
    )


def test_a_part_misread_is_the_one_re_read_that_fits() -> None:
    got, _, _ = _read(
        {"total_funds": "120", "fiscal_funds": "100", "other_funds": "26"},
        {"total_funds": ["120", "126"], "other_funds": ["20"]},
    )
    # 126 = 100 + 26 and 120 = 100 + 20 both fit: two ways, left as read
    assert got == {"total_funds": "120", "fiscal_funds": "100", "other_funds": "26"}
    got, _, _ = _read(
        {"total_funds": "120", "fiscal_funds": "100", "other_funds": "26"},
        {"total_funds": ["120", "12O"], "other_funds": ["26", "20"]},
    )
    assert got == {"total_funds": "120", "fiscal_funds": "100", "other_funds": "20"}


def test_two_ways_to_add_up_leave_the_block_as_read_and_say_so() -> None:
    got, problems, _ = _read(
        {"total_funds": "120", "fiscal_funds": "100", "other_funds": "26"},
        {"total_funds": ["126"], "other_funds": ["20"]},
    )
    assert got["total_funds"] == "120" and got["other_funds"] == "26"
    assert any("more than one way" in p and "total_funds as 126" in p for p in problems)


def test_a_block_that_adds_up_or_no_reread_asks_nothing() -> None:
    got, _, asked = _read(
        {"total_funds": "120", "fiscal_funds": "100", "other_funds": "20"},
        {"total_funds": ["126"]},
    )
    assert asked == [] and got["total_funds"] == "120"
    got, _, asked = _read({"total_funds": "39.866", "fiscal_funds": "39.366"}, None)
    assert got["total_funds"] == "39.866"
    got, _, asked = _read({"total_funds": "", "fiscal_funds": "39.366", "other_funds": "1"}, {})
    assert asked == []  # no total read: the parts' sum is `total_from_parts`' to judge


def test_a_re_read_of_no_amount_or_several_or_badly_grouped_is_no_witness() -> None:
    got, _, _ = _read(
        {"total_funds": "39.866", "fiscal_funds": "39.366"},
        {"total_funds": ["39.日", "39 366", "39,3,66"]},
    )
    assert got["total_funds"] == "39.866"


def test_a_text_layer_value_is_never_re_read() -> None:
    def sv(text: str, row: int) -> SourcedValue:
        return SourcedValue(text, page=1, row=row, col=2, bbox=(0.0, row, 10.0, row + 1.0))

    form = ProjectForm({}, FundsBlock(sv("39.866", 3), sv("39.366", 4)), [], 1)
    problems: list[str] = []
    reread_funds_by_sum(form, {}, lambda page, bbox: ["39.366"], problems)
    assert form.funds.total.value == "39.866" and problems == []
    reread_funds_by_sum(form, {1: 0.8}, lambda page, bbox: ["39.366"], problems)
    # on an OCR page: the total's re-read fits; the part's, its own print again, is no change
    assert form.funds.total.value == "39.366"


class _Engine:
    """A recogniser that reads each crop as its width in pixels (which view it read)."""

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return [("39.366" if c.shape[1] > 60 else "39.866", 0.9) for c in crops]


def _cell_with_ink() -> np.ndarray:
    gray = np.full((100, 200), 255, np.uint8)
    gray[40:60, 50:90] = 0  # one glyph's ink, 20 px high
    return gray


def test_the_views_of_a_cell_are_its_ink_crop_enlarged_and_binarised() -> None:
    views = box_views(_cell_with_ink(), (10.0, 10.0, 190.0, 90.0))
    pad = round(0.35 * 20)
    assert [v.shape for v in views] == [
        (20 + 2 * pad, 40 + 2 * pad),
        *[(round((20 + 2 * pad) * s), round((40 + 2 * pad) * s)) for s in REREAD_SCALES],
        (20 + 2 * pad, 40 + 2 * pad),
    ]
    assert box_views(np.full((100, 200), 255, np.uint8), (10.0, 10.0, 190.0, 90.0)) == []


def test_read_box_gives_each_distinct_reading_once() -> None:
    assert read_box(_cell_with_ink(), (10.0, 10.0, 190.0, 90.0), _Engine()) == ["39.866", "39.366"]


def test_an_amount_cut_short_by_a_rule_is_read_again_across_the_blocks_columns() -> None:
    """dev8 lg_77277: 58.611's last `1` stood on a column rule of the rows above and was taken
    for it; the total's cell ended there (`58.6` | `1`) where the parts' cells span the row."""

    def sv(text: str, y: float, x1: float = 1470.0) -> SourcedValue:
        return SourcedValue(text, page=1, row=int(y), col=4, bbox=(705.0, y, x1, y + 53.0))

    fields = {"local_fiscal_funds": sv("38.064", 642), "superior_funds": sv("0.00", 696)}
    form = ProjectForm(fields, FundsBlock(sv("58.6", 589, 774.0), None, sv("20.547", 749)), [], 1)
    boxes: list[tuple[float, ...]] = []

    def reread(page: int, bbox: tuple[float, float, float, float]) -> list[str]:
        boxes.append(bbox)
        return ["58.611"] if bbox[1] == 589 and bbox[2] == 1470 else []

    problems: list[str] = []
    reread_funds_by_sum(form, {1: 0.85}, reread, problems)
    assert boxes[0] == (705.0, 589.0, 1470.0, 642.0)
    assert form.funds.total.value == "58.611"
    assert "read again across the block's amount columns ('58.611')" in problems[0]


def test_a_cell_read_as_no_amount_is_read_again_its_separator_judged_by_the_unit() -> None:
    """dev8 lg_76503: a 元 total read `25.480 20100` (a stroke under it read as a second
    number); its cell read again `25.480`, which 元 cannot print: 25,480 = 15,600 + 9,880."""

    def sv(text: str, y: float) -> SourcedValue:
        return SourcedValue(text, page=1, row=int(y), col=2, bbox=(782.0, y, 1472.0, y + 82.0))

    def form() -> ProjectForm:
        block = FundsBlock(sv("25.480 20100", 536), sv("15,600", 618), sv("9,880", 700))
        return ProjectForm({"funds_unit": sv("元", 0)}, block, [], 1)

    got, problems = form(), []
    reread_funds_by_sum(got, {1: 0.85}, lambda page, bbox: ["25.480"], problems)
    assert got.funds.total.value == "25,480"
    got = form()
    got.funds.fiscal = sv("15,6O0", 618)  # two cells no amount: one re-read cannot settle it
    reread_funds_by_sum(got, {1: 0.85}, lambda page, bbox: ["25.480"], problems)
    assert got.funds.total.value == "25.480 20100"
