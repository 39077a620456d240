"""Worn gaps in the rules of damaged scans (`ocr.grid`): where a gap ends tells a worn rule from
a merged cell's missing rule only where a crossing rule really meets the line there."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grid import find_tables
from tests.fixtures import scans

XS = [100, 300, 500, 700, 900]
YS = [100, 180, 260, 340, 420]


def value_rows_page(gaps: list[tuple[int, int, int, int]]) -> np.ndarray:
    """A header-like table: rows 0-1 hold a label (column 0) and a value cell spanning columns
    1-3 (no column rule at x=500 or x=700 there); rows 2-3 are fully ruled. Grey 2 px rules,
    paper painted over each (x0, y0, x1, y1) of `gaps`, then sensor noise."""
    page = np.full((600, 1000), 255, np.uint8)
    for y in YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x in XS:
        top = YS[0] if x in (XS[0], XS[1], XS[-1]) else YS[2]
        cv2.line(page, (x, top), (x, YS[-1]), 110, 2)
    for x0, y0, x1, y1 in gaps:
        page[y0:y1, x0:x1] = 255
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def cells(page: np.ndarray) -> list[tuple[int, int, int, int]]:
    (table,) = find_tables(page)
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)


VALUE_ROWS = [
    (0, 0, 1, 1), (0, 1, 1, 3),
    (1, 0, 1, 1), (1, 1, 1, 3),
    (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1), (2, 3, 1, 1),
    (3, 0, 1, 1), (3, 1, 1, 1), (3, 2, 1, 1), (3, 3, 1, 1),
]  # fmt: skip


def test_value_rows_page_unworn() -> None:
    assert cells(value_rows_page([])) == VALUE_ROWS


def test_a_gap_ending_where_another_rows_column_rule_stands_is_worn() -> None:
    """The rule y=180 between the two value rows is worn from x=500 to x=700, where the rows
    below have column rules but these rows none (lg_70: a gap across a funds value's width
    ending by chance at the indicator grid's columns). Neither end is a crossing: no rule meets
    the line there, above or below. The gap ends mid-edge on both sides and the rule stays
    (before, both ends counted as on crossings and the two value rows read as one cell)."""
    gaps = [(497, 175, 703, 186)]
    assert cells(value_rows_page(gaps)) == VALUE_ROWS


def test_a_merged_cells_missing_rule_ending_on_real_crossings_stays_merged() -> None:
    """The same rule y=180 missing from the column rule x=300 to the frame (the label and the
    value merged down two rows would print it so only within the value's width): its ends lie
    on the crossing rule x=300, which meets the line, and on the frame: one merged value."""
    gaps = [(302, 175, 898, 186)]
    got = cells(value_rows_page(gaps))
    assert (0, 1, 2, 3) in got and (0, 0, 1, 1) in got and (1, 0, 1, 1) in got


COL_YS = [100, 180, 260, 340, 420, 500, 580]


def column_stopping_short_page(worn_end: int) -> np.ndarray:
    """Six rows; the column rule x=500 stands in rows 0-1 and row 5 only (rows 2-4 hold values
    spanning columns 1-2), its ends worn `worn_end` px short of the row rules y=260 and y=500
    where it meets them. Grey 2 px rules, then sensor noise."""
    page = np.full((700, 1000), 255, np.uint8)
    for y in COL_YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x in XS:
        if x == 500:
            cv2.line(page, (x, COL_YS[0]), (x, COL_YS[2] - worn_end), 110, 2)
            cv2.line(page, (x, COL_YS[5] + worn_end), (x, COL_YS[6]), 110, 2)
        else:
            cv2.line(page, (x, COL_YS[0]), (x, COL_YS[-1]), 110, 2)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


COLUMN_STOPPING_SHORT = [
    (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1), (0, 3, 1, 1),
    (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1), (1, 3, 1, 1),
    (2, 0, 1, 1), (2, 1, 1, 2), (2, 3, 1, 1),
    (3, 0, 1, 1), (3, 1, 1, 2), (3, 3, 1, 1),
    (4, 0, 1, 1), (4, 1, 1, 2), (4, 3, 1, 1),
    (5, 0, 1, 1), (5, 1, 1, 1), (5, 2, 1, 1), (5, 3, 1, 1),
]  # fmt: skip


def test_a_column_meeting_its_row_rules_leaves_the_values_merged() -> None:
    assert cells(column_stopping_short_page(0)) == COLUMN_STOPPING_SHORT


def test_a_stretch_longer_than_the_rule_around_it_is_no_worn_gap() -> None:
    """The column's ends worn 20 px short of their row rules: the stretch without rule (y=240 to
    y=520, three rows) has both ends mid-edge, and was taken for a gap worn into a rule, which
    split the three value cells (demo_143: a worn label-row column over the funds rows). Wear
    takes a fraction of a rule; a stretch longer than the rule pieces beside it together is a
    missing edge, and the values stay merged."""
    assert cells(column_stopping_short_page(20)) == COLUMN_STOPPING_SHORT


def test_a_rule_worn_to_the_frame_under_a_value_cut_by_an_unsure_column_is_worn() -> None:
    """The rule y=180 between the two value rows is worn from x=714 to the frame, and the column
    rule x=700 of the rows below starts 30 px late (its stretch without rule ends mid-edge in
    row 2): that column's edges in the value rows are unsure too. Taken as cut there, the
    value's halves left of x=700 are no cells with rules all round and the worn edge was left
    joined: the two value rows read as one cell (lg_240: 631.92 over 573.017). With the column's
    edges joined (no rule there), the two values are printed cells whose union holds the rule
    y=180 over x=300-714: the edge is that rule, worn."""
    gaps = [(714, 175, 897, 186), (697, 255, 704, 290)]
    assert cells(value_rows_page(gaps)) == VALUE_ROWS


def test_a_merged_value_beside_an_unsure_column_stays_merged() -> None:
    """The rule y=180 missing over the whole value's width (a value merged down two rows), with
    the same late column x=700: joining the unsure column's edges finds no rule inside the
    value, which stays one cell."""
    gaps = [(302, 175, 898, 186), (697, 255, 704, 290)]
    got = cells(value_rows_page(gaps))
    assert (0, 1, 2, 3) in got and (0, 0, 1, 1) in got and (1, 0, 1, 1) in got


def sliver_column_page(gaps: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Rows 0-1 print a column rule 15 px apart (x=500 in row 0, x=515 in row 1: a header's
    and a funds row's column), a sliver column; rows 2-3 hold a value spanning x=300-900.
    Grey 2 px rules, paper painted over each (x0, y0, x1, y1) of `gaps`, then sensor noise."""
    page = np.full((600, 1000), 255, np.uint8)
    for y in YS:
        cv2.line(page, (XS[0], y), (XS[-1], y), 110, 2)
    for x in (XS[0], XS[1], XS[-1]):
        cv2.line(page, (x, YS[0]), (x, YS[-1]), 110, 2)
    cv2.line(page, (500, YS[0]), (500, YS[1]), 110, 2)
    cv2.line(page, (515, YS[1]), (515, YS[2]), 110, 2)
    for x0, y0, x1, y1 in gaps:
        page[y0:y1, x0:x1] = 255
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


SLIVER_ROWS = [
    (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 2),
    (1, 0, 1, 1), (1, 1, 1, 2), (1, 3, 1, 1),
    (2, 0, 1, 1), (2, 1, 1, 3),
    (3, 0, 1, 1), (3, 1, 1, 3),
]  # fmt: skip


def test_sliver_column_page_unworn() -> None:
    assert cells(sliver_column_page([])) == SLIVER_ROWS


def test_a_gap_taking_a_sliver_edge_whole_leaves_the_rule_through_the_value() -> None:
    """The rule y=340 between the two values is worn from x=490 to x=525: the whole edge across
    the sliver column, the rule left on both sides of it. The sliver's edge read as no rule,
    its two positions joined down, and the two values read as one rectangle with a rule
    inside it (lg_110: two 三级指标 cells read as one). A rule the page shows on both sides
    of an edge inside one cell runs through it."""
    assert cells(sliver_column_page([(490, 335, 525, 346)])) == SLIVER_ROWS
