"""Full stops OCR read from specks of scan noise are dropped from a cell's text (`ocr.page`).

A speck beside a value is read `.` (`.6亩`, `.92`, `91.`, `指标6：.促进社会和谐稳定`): a wrong
actual, or an indicator name no longer matching its plan's and lost from the join. A printed
`.` stands after a digit or a Latin letter, never first in a cell, after a Han glyph or
full-width punctuation."""

from __future__ import annotations

from ocr.grid import GridCell
from ocr.page import _cell_of_frags, _Frag, _join_line_parts, cell_readings, drop_stray_stops


def test_specks_read_as_stops_are_dropped() -> None:
    """At a cell's start, after punctuation or a Han glyph."""
    assert drop_stray_stops([".6亩"]) == ["6亩"]
    assert drop_stray_stops([".项目完成时间"]) == ["项目完成时间"]
    assert drop_stray_stops(["指标6：.促进社", "会和谐稳定"]) == ["指标6：促进社", "会和谐稳定"]
    assert drop_stray_stops(["改善。."]) == ["改善。"]
    assert drop_stray_stops([".", ".."]) == ["", ""]


def test_printed_stops_stay() -> None:
    """Decimal points, dates, list numbers and a number wrapped at its point, either side of
    the break, are printed."""
    assert drop_stray_stops(["0.62万元"]) == ["0.62万元"]
    assert drop_stray_stops(["2024.01-2024.1", "2"]) == ["2024.01-2024.1", "2"]
    assert drop_stray_stops(["2020.", "12"]) == ["2020.", "12"]
    assert drop_stray_stops(["2020", ".12"]) == ["2020", ".12"]
    assert drop_stray_stops(["1.按计划完成", "任务；2. 加强"]) == ["1.按计划完成", "任务；2. 加强"]
    assert drop_stray_stops(["No.5"]) == ["No.5"]


def test_a_stop_closing_a_number_stays() -> None:
    """`47.` may be 47.019 with its faint decimals lost: the funds block's sum and the totals'
    arithmetic settle it, so OCR leaves it as read."""
    assert drop_stray_stops(["47."]) == ["47."]
    assert drop_stray_stops(["91.", "%"]) == ["91.", "%"]


def test_a_second_point_after_a_numbers_decimals_is_a_speck() -> None:
    """`4.45.` cannot be a number with lost decimals: it already holds its point (dev lg_7544
    photo, the 全年执行数 of a cell printing three amounts). Dates, list numbers and a point
    followed by text or digits stay."""
    assert drop_stray_stops(["4.45 4.45 4.45."]) == ["4.45 4.45 4.45"]
    assert drop_stray_stops(["139.47.."]) == ["139.47"]
    assert drop_stray_stops(["4.45. 3.22"]) == ["4.45 3.22"]
    assert drop_stray_stops(["2024.01."]) == ["2024.01"]
    assert drop_stray_stops(["3.5.按计划"]) == ["3.5.按计划"]
    assert drop_stray_stops(["2024.01.15"]) == ["2024.01.15"]
    assert drop_stray_stops(["47."]) == ["47."]


def test_a_cell_drops_its_specks_in_text_and_lines() -> None:
    """The cell's text and its lines lose the same stops; a line holding nothing but a speck's
    stop is no line."""
    frags = [
        _Frag(".6亩", (10, 10, 60, 30), 0.9),
        _Frag(".", (10, 40, 14, 44), 0.5),
    ]
    cell = _cell_of_frags(GridCell(0, 0, 1, 1, (0, 0, 120, 60)), _join_line_parts(frags), frags)
    assert cell.text == "6亩"
    assert [(ln.text, ln.bbox) for ln in cell.lines] == [("6亩", (10.0, 10.0, 60.0, 30.0))]


def test_a_cells_readings_pool_with_and_without_the_speck() -> None:
    """`=.` and `=` are one reading of the cell: the speck's stop is no part of either."""
    assert cell_readings((("=.", 0.463), ("=", 0.244), ("二", 0.1))) == (
        ("=", 0.707),
        ("二", 0.1),
    )
