"""The 一级 / 二级 label columns' rules gapped with paper (`ocr.grid`): a row rule that keeps only
a piece at each column rule (`_row_rule_from_end_pieces`), and a column rule gapped beside
several rows of one label (`_split_along_one_line`) — both only inside the label block a first
reading's headings name (`ocr.labelblocks`, `ocr.page.reread_label_blocks`)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import (
    GridEdges,
    _rectangles,
    _split_bent_groups,
    find_tables,
    ruled_regions,
    tables_of,
)
from tests.fixtures import scans

FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
# 一级指标 | 二级指标 | 三级指标 | 指标值
XS = [100, 260, 420, 700, 850]
YS = [100 + 100 * k for k in range(8)]
# (row, col, rowspan, text) of each printed cell; 产出指标's text stands in row 3, clear of the
# rows of 质量指标
CELLS = [
    (0, 0, 7, "产出指标"),
    (0, 1, 1, "数量指标"),
    (1, 1, 3, "时效指标"),
    (4, 1, 2, "质量指标"),
    (6, 1, 1, "成本指标"),
] + [
    (r, c, 1, text)
    for r, (name, value) in enumerate(
        [
            ("补贴人数", "2183"),
            ("完成时间", "年底"),
            ("开工时间", "3月"),
            ("竣工时间", "11月"),
            ("验收合格率", "100%"),
            ("覆盖率", "95%"),
            ("成本", "7.3"),
        ]
    )
    for c, text in ((2, name), (3, value))
]


def label_page(stub: int | None = None, column_gap: bool = False) -> np.ndarray:
    """The label block, 2 px black rules, each text centred in its cell. With `stub`, the row
    rule under 数量指标 in the 二级 column is paper but for a piece of `stub` px at each column
    rule; with `column_gap`, the 一级 | 二级 rule is paper beside both rows of 质量指标."""
    img = Image.new("L", (1000, 950), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT[0], 22, index=FONT[1])
    for r, c, span, text in CELLS:
        x0, y0, x1, y1 = XS[c], YS[r], XS[c + 1], YS[r + span]
        draw.line([(x0, y0), (x1, y0)], fill=0, width=2)
        draw.line([(x0, y1), (x1, y1)], fill=0, width=2)
        draw.line([(x1, y0), (x1, y1)], fill=0, width=2)
        if not (column_gap and c == 1 and r == 4):
            draw.line([(x0, y0), (x0, y1)], fill=0, width=2)
        bx0, by0, bx1, by1 = font.getbbox(text)
        draw.text(((x0 + x1 - bx1 - bx0) / 2, (y0 + y1 - by1 - by0) / 2), text, font=font, fill=0)
    if stub is not None:  # paper over the rule under 数量指标 but for its two end pieces
        y = YS[1]
        draw.rectangle([XS[1] + 2 + stub, y - 3, XS[2] - 2 - stub, y + 3], fill=255)
    page = np.asarray(img)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


# the label block: the 一级 and 二级 columns, from the grid's top down (page px)
LABELS = ((XS[0], YS[0], XS[2], YS[-1]),)


def cells(
    page: np.ndarray, blocks: tuple[tuple[float, float, float, float], ...] = LABELS
) -> set[tuple[int, int, int, int]]:
    (table,) = find_tables(page, label_blocks=blocks)
    return {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


def test_a_row_rule_kept_only_at_both_column_rules_parts_two_labels() -> None:
    """The rule under 数量指标 is paper over the middle of the 二级 column, a 24 px piece left at
    each column rule: 数量指标 and 时效指标 stay two cells (the base joined them into one)."""
    got = cells(label_page(stub=24))
    assert {(0, 1, 1, 1), (1, 1, 3, 1)} <= got
    assert (0, 1, 4, 1) not in got


def test_a_row_rule_kept_at_both_ends_outside_the_label_block_stays_joined() -> None:
    """The same two pieces with no label block known (a header or goal table, a page whose
    headings were not read): the two cells stay one, as the base has them (gridrow34: header
    cells parted so read worse)."""
    assert (0, 1, 4, 1) in cells(label_page(stub=24), ())
    # a block ending left of the 二级 column does not reach the edge either
    assert (0, 1, 4, 1) in cells(label_page(stub=24), ((XS[0], YS[0], XS[1], YS[-1]),))


def test_a_row_rule_with_no_piece_at_one_end_stays_joined() -> None:
    """Only the piece at the 一级 rule is left (paper at the 三级 rule): no evidence that the
    rule ran through, so the labels stay one cell, as before."""
    page = label_page(stub=24)
    page[YS[1] - 4 : YS[1] + 5, XS[2] - 30 : XS[2] - 2] = 255
    got = cells(page)
    assert (0, 1, 4, 1) in got


def test_a_column_rule_gapped_beside_two_rows_keeps_the_block_apart() -> None:
    """The 一级 | 二级 rule is paper beside both rows of 质量指标, where 产出指标 prints no text:
    产出指标 and 质量指标 stay their own cells, and the block is not read as one cell (the base
    grew the union into the whole 一级 + 二级 block)."""
    got = cells(label_page(column_gap=True))
    assert {(0, 0, 7, 1), (4, 1, 2, 1), (1, 1, 3, 1), (6, 1, 1, 1)} <= got
    assert not any(c[3] > 1 and c[1] <= 1 for c in got)


def _tall_label_edges() -> GridEdges:
    """lg_62263 p1's shape: the 一级 cell (column 0, rows 0-6) joined to 质量指标 (column 1,
    rows 4-5) through both edges of the 一级 | 二级 line beside 质量指标."""
    edges = GridEdges.blank(7, 2)
    for r in range(7):
        for c in range(2):
            edges.set_rule((False, r, c))
            edges.set_rule((True, r, c))
    for r in range(6):
        edges.joined_down[r][0], edges.ruled_down[r][0] = True, False
    edges.joined_down[4][1], edges.ruled_down[4][1] = True, False
    for r in (4, 5):
        edges.joined_right[r][0], edges.ruled_right[r][0] = True, False
    return edges


def test_a_tall_label_joined_beside_two_rows_is_parted_along_its_column_line() -> None:
    """Grid edges as the first look left them (dev7 lg_62263 p1's shape): the 一级 cell (column
    0, rows 0-6) joined to 质量指标 (column 1, rows 4-5) through both edges of the 一级 | 二级
    line beside 质量指标, the line ruled above and below them. No single edge parts the T; the
    two edges of the one line do, and the block is two cells, not its bounding rectangle."""
    edges = _tall_label_edges()
    _split_bent_groups(edges, lambda edge: 0.0, lambda members: True)
    assert sorted(_rectangles(edges)) == [
        [0, 0, 6, 0],
        [0, 1, 0, 1],
        [1, 1, 1, 1],
        [2, 1, 2, 1],
        [3, 1, 3, 1],
        [4, 1, 5, 1],
        [6, 1, 6, 1],
    ]


def test_a_tall_label_joined_outside_the_label_block_is_left_to_rectangles() -> None:
    """The same edges in a group not in the label block: no line is given back, and
    `_rectangles` grows the union as before (the bounding rectangle of both columns)."""
    edges = _tall_label_edges()
    _split_bent_groups(edges, lambda edge: 0.0)
    assert [0, 0, 6, 1] in _rectangles(edges)


def test_the_regions_found_once_build_the_same_cells_with_and_without_a_block() -> None:
    """`ocr.page.ocr_page` finds the page's ruled regions once and builds its cells from them
    twice (no block, then labelrules35's): each build equals a whole `find_tables` with the
    same blocks, and the first build leaves the regions' masks and judged edges as they were
    for the second."""
    page = label_page(stub=24, column_gap=True)
    regions = ruled_regions(page)
    judged = [(rg.edges.copy(), rg.crossed) for rg in regions]
    assert tables_of(regions) == find_tables(page)
    assert tables_of(regions, label_blocks=LABELS) == find_tables(page, label_blocks=LABELS)
    assert tables_of(regions) != tables_of(regions, label_blocks=LABELS)
    assert not any(rg.hr.flags.writeable or rg.ink.flags.writeable for rg in regions)
    assert [(rg.edges, rg.crossed) for rg in regions] == judged
