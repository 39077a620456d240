"""A column rule gapped with paper over most of one row between two narrow columns whose texts
fill them (`ocr.grid._worn_column_edges`, its remnant clause): the rule's own remnant on the
line, in a line ruled in the rows above and below, keeps the two cells apart."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import find_tables
from tests.fixtures import scans

FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
# 三级指标 | 指标值 | 度量单位 (narrow) | 评分标准 (narrow, wrapped)
XS = [100, 400, 520, 590, 700]
YS = [100, 220, 340, 460, 580]
GAPPED_ROW, LINE = 2, 3  # the rule at XS[3] in row 2 is the one paper wore
ROWS = [
    ("完成居家养老服务", "2183", "", ("每低1个", "百分点扣", "0.5分")),
    ("补贴老人数量", "50", "", ("每低1个", "百分点扣", "0.5分")),
    ("预算控制数", "7.3", "万元", ("每低1个", "百分点扣", "0.5分")),
    ("促进社会和谐稳定", "稳步提升", "", ("每低1个", "百分点扣", "0.5分")),
]


def gapped_page(remnant: int) -> np.ndarray:
    """Four indicator rows, 2 px black rules; the column rule at XS[LINE] printed in
    GAPPED_ROW only as a remnant of `remnant` px from 16 px under the row rule (paper at the
    crossing and below it, as the wear cut it); each cell's lines centred in it; then sensor
    noise."""
    # a page as large as a scan's: the remnant is shorter than the rule kernel, off the mask
    img = Image.new("L", (1500, 1450), 255)
    draw = ImageDraw.Draw(img)
    for y in YS:
        draw.line([(XS[0], y), (XS[-1], y)], fill=0, width=2)
    for i, x in enumerate(XS):
        for r in range(len(YS) - 1):
            y0, y1 = YS[r], YS[r + 1]
            if r == GAPPED_ROW and i == LINE:
                y0, y1 = y0 + 16, y0 + 16 + remnant
            if y1 > y0:
                draw.line([(x, y0), (x, y1)], fill=0, width=2)
    font = ImageFont.truetype(FONT[0], 22, index=FONT[1])
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            lines = value if isinstance(value, tuple) else (value,)
            height = 30 * len(lines)
            for k, text in enumerate(lines):
                x0, y0, x1, _ = font.getbbox(text)
                x = (XS[c] + XS[c + 1] - (x1 - x0)) / 2 - x0
                y = (YS[r] + YS[r + 1] - height) / 2 + 30 * k + 4 - y0
                draw.text((x, y), text, font=font, fill=0)
    page = np.asarray(img)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def cells(page: np.ndarray) -> set[tuple[int, int, int, int]]:
    (table,) = find_tables(page)
    return {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


def test_a_rule_gapped_over_most_of_a_row_keeps_unit_and_standard_apart() -> None:
    """The rule between 万元 and 每低1个百分点扣0.5分 stands over 26 px of its 120 px row (a
    glyph and a fifth: too short for the rule kernel and for a worn piece on its own), paper
    around it; both texts centred in their narrow columns, neither a glyph short of its right
    line: the remnant in a line ruled above and below keeps two cells (the base merged them,
    and the reader landed `7.3每低1个万元百分点扣0.5分`, dev6 lg_54468 p2)."""
    got = cells(gapped_page(remnant=26))
    assert {(GAPPED_ROW, 2, 1, 1), (GAPPED_ROW, 3, 1, 1)} <= got
    assert (GAPPED_ROW, 2, 1, 2) not in got


def test_without_a_remnant_the_narrow_columns_stay_one_cell() -> None:
    """The same row with no trace of the rule: the texts alone, each filling its narrow
    column, could be one wrapped paragraph parted at the line, so the cell stays one."""
    got = cells(gapped_page(remnant=0))
    assert (GAPPED_ROW, 2, 1, 2) in got


def test_a_remnant_shorter_than_a_glyph_is_not_enough() -> None:
    """A 12 px stub under the row rule (half a glyph: a stroke could be that long) is no
    remnant: the cell stays one."""
    got = cells(gapped_page(remnant=12))
    assert (GAPPED_ROW, 2, 1, 2) in got
