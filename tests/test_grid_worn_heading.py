"""A column rule worn away over a whole row (`ocr.grid._worn_column_edges`): the row's text
tells it from a merged cell's missing rule, each side's text set in its own column as the
rows beside set theirs."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import find_tables
from tests.fixtures import scans

FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
XS = [100, 250, 450, 700, 900]
YS = [100, 170, 240, 310, 380, 450]
PAD = 12  # a left-aligned cell's text padding


def table_page(
    worn: list[tuple[int, int]], texts: list[tuple[int, int, int, str, str]], merged: bool = False
) -> np.ndarray:
    """A 5-row table under a full-width first row (no column rules in row 0): grey 2 px
    rules, the column rule XS[col] left out in row `row` for each (row, col) of `worn` (and
    with `merged`, row 1's rule XS[3] too: one heading over columns 2-3). Each (row, col0,
    col1, align, text) of `texts` is printed in the row over columns col0..col1 (XS indices),
    centred or left-aligned; then sensor noise."""
    img = Image.new("L", (1000, 600), 255)
    draw = ImageDraw.Draw(img)
    for y in YS:
        draw.line([(XS[0], y), (XS[-1], y)], fill=110, width=2)
    for i, x in enumerate(XS):
        for r in range(len(YS) - 1):
            inner = 0 < i < len(XS) - 1
            if inner and (r == 0 or (r, i) in worn or (merged and r == 1 and i == 3)):
                continue
            draw.line([(x, YS[r]), (x, YS[r + 1])], fill=110, width=2)
    font = ImageFont.truetype(FONT[0], 22, index=FONT[1])
    for r, c0, c1, align, text in texts:
        x0, y0, x1, y1 = font.getbbox(text)
        x = (XS[c0] + XS[c1] - (x1 - x0)) / 2 - x0 if align == "centre" else XS[c0] + PAD - x0
        y = (YS[r] + YS[r + 1] - (y1 - y0)) / 2 - y0
        draw.text((x, y), text, font=font, fill=0)
    page = np.asarray(img)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


HEADS = [
    (0, 0, 4, "centre", "年度绩效指标"),
    (1, 0, 1, "centre", "一级指标"),
    (1, 1, 2, "centre", "二级指标"),
    (1, 2, 3, "centre", "三级指标"),
    (1, 3, 4, "centre", "指标值"),
]
BODY = [
    (r, c, c + 1, "centre" if c < 2 else "left", text)
    for r, row in (
        (2, ("产出指标", "数量指标", "完成培训人数", "≥1193人")),
        (3, ("产出指标", "质量指标", "培训合格率", "≥94%")),
        (4, ("效益指标", "社会效益", "带动就业", "明显提高")),
    )
    for c, text in enumerate(row)
]


def cells(page: np.ndarray) -> set[tuple[int, int, int, int]]:
    (table,) = find_tables(page)
    return {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


def test_heading_rule_worn_whole_keeps_the_heads_apart() -> None:
    """The rule between 二级指标 and 三级指标 is gone over the heading row alone (from row rule
    to row rule, no trace), while it runs through every row below: each head is centred in
    its own column, so the heading row keeps four cells (it read as three: 二级指标三级指标 in
    one, and the column below lost its head)."""
    got = cells(table_page([(1, 2)], HEADS + BODY))
    assert {(1, 1, 1, 1), (1, 2, 1, 1)} <= got
    assert (1, 1, 1, 2) not in got
    assert (0, 0, 1, 4) in got  # the full-width row above is one cell


def test_body_rule_worn_whole_keeps_label_and_value_apart() -> None:
    """The same column rule worn over one body row: the label is centred in its column, the
    value starts where the values above and below start: two cells."""
    got = cells(table_page([(3, 2)], HEADS + BODY))
    assert {(3, 1, 1, 1), (3, 2, 1, 1)} <= got


def test_a_heading_merged_over_two_columns_stays_one_cell() -> None:
    """A heading printed over columns 2-3 (no rule between them in its row) is centred in the
    whole span: its text crosses the line of the rule below, and the cell stays one."""
    heads = [h for h in HEADS if h[1] < 2] + [(1, 2, 4, "centre", "三级指标及指标值")]
    got = cells(table_page([], heads + BODY, merged=True))
    assert (1, 2, 1, 2) in got


def test_a_value_merged_over_two_columns_stays_one_cell() -> None:
    """A value printed over columns 2-3 of a body row (left-aligned, running across the line
    of the column rule above and below): one cell."""
    body = [b for b in BODY if not (b[0] == 3 and b[1] >= 2)]
    body.append((3, 2, 4, "left", "培训合格率达到百分之九十四"))
    got = cells(table_page([(3, 3)], HEADS + body))
    assert (3, 2, 1, 2) in got


def test_a_value_on_one_side_of_the_line_stays_one_cell() -> None:
    """A short value merged over columns 2-3, centred: it lies right of the line, the part
    left of it is blank. Nothing shows a cell of its own there: one cell."""
    body = [b for b in BODY if not (b[0] == 3 and b[1] >= 2)]
    body.append((3, 2, 4, "centre", "合格率≥94%"))
    got = cells(table_page([(3, 3)], HEADS + body))
    assert (3, 2, 1, 2) in got
