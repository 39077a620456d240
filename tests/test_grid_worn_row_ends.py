"""A row rule worn where column rules end on it (`ocr.grid._row_rule_at_column_ends`), and a
column rule worn over one row beside a column spanned by design (`_worn_column_edges`)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import find_tables
from tests.fixtures import scans

FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
XS = [100, 250, 450, 700, 900]
YS = [100, 200, 270, 340, 410, 480]

Segment = tuple[int, int, int]  # (position, start, end): a rule's line and its extent across


def drawn_page(
    rows: list[Segment],
    cols: list[Segment],
    texts: list[tuple[int, int, int, int, str]],
    xs: list[int] = XS,
) -> np.ndarray:
    """Grey 2 px rules (`rows`: y, x0, x1; `cols`: x, y0, y1) and text centred in each box
    (row0, row1, col0, col1 as YS / `xs` indices, text) on white, then sensor noise."""
    img = Image.new("L", (1000, 600), 255)
    draw = ImageDraw.Draw(img)
    for y, a, b in rows:
        draw.line([(a, y), (b, y)], fill=110, width=2)
    for x, a, b in cols:
        draw.line([(x, a), (x, b)], fill=110, width=2)
    font = ImageFont.truetype(FONT[0], 22, index=FONT[1])
    for r0, r1, c0, c1, text in texts:
        x0, y0, x1, y1 = font.getbbox(text)
        x = (xs[c0] + xs[c1] - (x1 - x0)) / 2 - x0
        y = (YS[r0] + YS[r1] - (y1 - y0)) / 2 - y0
        draw.text((x, y), text, font=font, fill=0)
    page = np.asarray(img)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def cells(page: np.ndarray) -> set[tuple[int, int, int, int]]:
    (table,) = find_tables(page)
    return {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


BODY = [
    (r, r + 1, c, c + 1, text)
    for r, row in (
        (2, ("产出指标", "数量指标", "完成培训人数", "≥1193人")),
        (3, ("产出指标", "质量指标", "培训合格率", "≥94%")),
        (4, ("效益指标", "社会效益", "带动就业", "明显提高")),
    )
    for c, text in enumerate(row)
]
HEADS = [(1, 2, c, c + 1, t) for c, t in enumerate(("一级指标", "二级指标", "三级指标", "指标值"))]
GOAL = [(0, 1, 0, 1, "年度目标"), (0, 1, 1, 4, "按计划完成培训任务，确保培训人数目标如期实现")]


def goal_over_heads(worn_from: int) -> list[Segment]:
    """Row rules of a goal row over a heading row: the rule under the goal worn from
    XS[worn_from] to the frame's right side."""
    rows = [(y, XS[0], XS[-1]) for i, y in enumerate(YS) if i != 1]
    return [*rows, (YS[1], XS[0], XS[worn_from])]


def test_row_rule_worn_under_a_merged_goal_keeps_the_heading_row() -> None:
    """The rule between a goal paragraph (merged over columns 1-3) and the heading row below
    is worn from column 1's left line to the frame: the column rules of the heading row start
    on it, so the heads keep their own cells (they were joined into the goal's cell, and the
    columns below lost their heads)."""
    cols = [(XS[0], YS[0], YS[-1]), (XS[1], YS[0], YS[-1]), (XS[-1], YS[0], YS[-1])]
    cols += [(x, YS[1], YS[-1]) for x in XS[2:-1]]
    got = cells(drawn_page(goal_over_heads(1), cols, GOAL + HEADS + BODY))
    assert (0, 1, 1, 3) in got
    assert {(1, 1, 1, 1), (1, 2, 1, 1), (1, 3, 1, 1)} <= got


def test_one_column_rule_ending_is_not_enough() -> None:
    """A paragraph merged over rows 0-1 and columns 1-3, with one short vertical stroke
    under it at a column's line in row 1 only (a stroke of damage, or a glyph's): one rule
    ending on the row line is no evidence of it; the merged cell is not cut."""
    rows = [(y, XS[0], XS[-1]) for i, y in enumerate(YS) if i != 1] + [(YS[1], XS[0], XS[1])]
    cols = [(XS[0], YS[0], YS[-1]), (XS[1], YS[0], YS[-1]), (XS[-1], YS[0], YS[-1])]
    cols += [(x, YS[2], YS[-1]) for x in XS[2:-1]] + [(XS[2], YS[1] + 8, YS[2])]
    texts = [(0, 2, 0, 1, "年度目标"), (0, 2, 1, 4, GOAL[1][4])] + BODY
    got = cells(drawn_page(rows, cols, texts))
    assert (0, 1, 2, 3) in got


def test_value_rule_worn_beside_a_wide_name_column() -> None:
    """Names merged over columns 1-2 in the rows below a heading row (the rule at XS[2] runs
    in the heading row only), the rule between names and values (XS[3]) worn over row 3
    alone: the name is centred in the span of its cell, not in the grid column it stands in
    (nor does it reach into the other one), and the row keeps name and value apart (they were
    read as one cell)."""
    xs = [100, 250, 330, 700, 900]
    rows = [(y, xs[0], xs[-1]) for y in YS]
    cols = [(x, YS[0], YS[-1]) for x in (xs[0], xs[1], xs[-1])] + [(xs[2], YS[0], YS[1])]
    cols += [(xs[3], YS[r], YS[r + 1]) for r in range(len(YS) - 1) if r != 3]
    texts = [(0, 1, c, c + 1, t) for c, t in enumerate(("一级", "类", "名称", "指标值"))]
    texts += [
        (r, r + 1, c0, c1, t)
        for r, (name, value) in enumerate(
            (("完成培训人数", "≥1193人"), ("培训合格率", "≥94%"))
            + (("项目完成时间", "2029年9月底"), ("预算控制数", "=2.681万元")),
            start=1,
        )
        for c0, c1, t in ((0, 1, "产出"), (1, 3, name), (3, 4, value))
    ]
    got = cells(drawn_page(rows, cols, texts, xs))
    assert {(3, 1, 1, 2), (3, 3, 1, 1)} <= got
    assert (0, 2, 1, 1) in got
