"""Which ink of a grid cell becomes which text-line crop (`ocr.cellink`), on hand-made pages:
rules drawn with PIL, values printed with a CJK font, then the page goes through the real
steps (ink, rule masks, grid) before the cell's ink is cut into lines.

One rapidocr engine serves the tests that read a crop."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from flows.forms.celllines import unmerge
from ocr.cellink import (
    CellLines,
    _cell_ink,
    _line_boxes,
    _print_lines,
    _straight_fit,
    cell_lines,
    rule_line,
)
from ocr.engines import OcrEngine, OcrOptions, get_engine
from ocr.grid import GridTable, find_tables
from ocr.page import _Frag, _join_line_parts, ocr_page, read_cells
from ocr.preprocess import binarize, line_masks
from tests.fixtures import scans


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine("rapidocr", OcrOptions())


# A 2-column table of ten rows on a 900×760 page (about a 150-200 dpi scan's cell sizes). The
# rule between the columns slants 12 px from top to bottom (a scan deskewed to within a
# fraction of a degree), so in the last, taller row it runs ~5 px right of the separator the
# grid puts at its mean position: the cell's ink starts there.
ROWS = [*range(100, 581, 60), 700]
TOP, BOTTOM = 100, 700
LEFT, RIGHT = 100, 800
RULE_TOP_X, RULE_BOTTOM_X = 398, 410
VALUE_TOP = 664  # the printed value's top in the last row (its digits' ink: ~671-691)


def rule_x(y: float) -> float:
    """Where the slanted column rule runs at height y."""
    return RULE_TOP_X + (RULE_BOTTOM_X - RULE_TOP_X) * (y - TOP) / (BOTTOM - TOP)


def ruled_page(
    value: str,
    *,
    rule_width: int = 3,
    pad: int = 6,
    column_piece: tuple[int, int] | None = None,
    row_piece: tuple[int, int] | None = None,
) -> np.ndarray:
    """The page with `value` printed `pad` px right of the column rule in the last row.

    `column_piece` (top, bottom): the column rule is broken over the last row from 660 down and
    only this piece of it is left (shorter than the rule masks' kernel, so not on the mask).
    `row_piece` (left, right): the rule above the last row, drawn slanting down 16 px to the
    right, is broken over x 640-780 and only this piece is left."""
    img = Image.new("L", (900, 760), 255)
    d = ImageDraw.Draw(img)
    for y in ROWS:
        if y == ROWS[-2] and row_piece is not None:
            d.line([(LEFT, y - 6), (RIGHT, y + 10)], fill=0, width=rule_width)
        else:
            d.line([(LEFT, y), (RIGHT, y)], fill=0, width=2)
    for x in (LEFT, RIGHT):
        d.line([(x, TOP), (x, BOTTOM)], fill=0, width=2)
    d.line([(RULE_TOP_X, TOP), (RULE_BOTTOM_X, BOTTOM)], fill=0, width=rule_width)
    font = ImageFont.truetype(scans.FONT_PATH, 28, index=0)
    d.text((round(rule_x(680)) + pad, VALUE_TOP), value, font=font, fill=0)
    page = np.array(img)
    if column_piece is not None:
        for y in range(ROWS[-2] + 80, BOTTOM - 1):
            if not column_piece[0] <= y < column_piece[1]:
                x = int(rule_x(y))
                page[y, x - 3 : x + 4] = 255
    if row_piece is not None:
        for x in range(640, 780):
            if not row_piece[0] <= x < row_piece[1]:
                y = int(ROWS[-2] - 6 + 16 * (x - LEFT) / (RIGHT - LEFT))
                page[y - 3 : y + 4, x] = 255
    return page


def last_row_value(
    page: np.ndarray, with_rules: bool = True
) -> tuple[list[GridTable], np.ndarray, tuple, CellLines]:
    """The page's grid, text ink and rule masks, and the lines of the value's cell."""
    ink = binarize(page)
    hor, ver = line_masks(ink)
    tables = find_tables(page, masks=(hor, ver))
    text_ink = ink & ~(hor | ver)
    found, _ = cell_lines(tables, page, text_ink, (hor, ver) if with_rules else None)
    (table,) = tables
    (value,) = [
        cl for cl in found if (table.cells[cl.cell].row, table.cells[cl.cell].col) == (8, 1)
    ]
    return tables, text_ink, (hor, ver), value


def read_value(page: np.ndarray, engine: OcrEngine) -> str:
    tables, text_ink, rules, value = last_row_value(page)
    per_cell, _ = read_cells(tables, page, text_ink, engine, rules=rules)
    return "".join(ln.text for ln in per_cell[0][value.cell])


# --------------------------------------------------------------------------- rule residue


def test_residue_of_a_broken_slanted_column_rule_is_not_text() -> None:
    """What a broken, slanted column rule leaves beside the value lies on the rule's line as
    fitted on the rest of the rule: it is not the value's ink, and the crop stops short of it.
    Without the rule's geometry it is a line's first glyph (it was read `1298.2`)."""
    page = ruled_page("298.2", column_piece=(670, 692))
    piece_right = int(rule_x(692)) + 2
    *_, blind = last_row_value(page, with_rules=False)
    assert blind.boxes[0][0] <= piece_right  # the piece starts the line
    *_, value = last_row_value(page)
    (box,) = value.boxes
    assert box[0] >= round(rule_x(680)) + 6  # the line starts at the printed `2`
    assert value.inner[0] > piece_right  # no crop reaches back to the piece
    assert box[2] == blind.boxes[0][2]


def test_a_printed_one_beside_the_rule_is_text() -> None:
    """A printed `1` stands inside the text with paper between it and the rule: kept, even
    4 px from a thick rule."""
    for pad, width in ((6, 3), (4, 4)):
        *_, value = last_row_value(ruled_page("1298.2", pad=pad, rule_width=width))
        (box,) = value.boxes
        left = round(rule_x(680)) + pad
        assert left <= box[0] <= left + 4
        *_, two = last_row_value(ruled_page("298.2", pad=pad, rule_width=width))
        assert box[2] - two.boxes[0][2] >= 10  # the `1` is the line's first glyph


def test_residue_of_a_broken_slanted_row_rule_is_not_a_line() -> None:
    """A flat piece of the slanted rule above the cell, a few px inside it (not on its edge),
    was a text line of its own (`一`): it lies on the row rule's line and is left out."""
    page = ruled_page("298.2", row_piece=(740, 762))
    *_, blind = last_row_value(page, with_rules=False)
    assert len(blind.boxes) == 2 and blind.boxes[0][3] - blind.boxes[0][1] <= 4
    *_, value = last_row_value(page)
    assert value.boxes == blind.boxes[1:]
    assert value.inner[1] >= blind.boxes[0][3]


def shifted_piece_page(value: str, shift: int) -> np.ndarray:
    """The page with the column rule broken over y 668-694 beside the last row's value, and
    that piece of it printed `shift` px right of the rule's line (a scan's displaced piece)."""
    page = ruled_page(value)
    for y in range(668, 694):
        x = int(rule_x(y))
        page[y, x - 2 : x + 3] = 255
        page[y, x - 1 + shift : x + 2 + shift] = 0
    return page


@pytest.mark.parametrize("shift", [3, 4, 5])
def test_a_rule_piece_pushed_off_its_line_is_not_text(shift: int) -> None:
    """A piece of the column rule printed a few px off the rule's line, where the rule itself
    is broken: as thin as the rule and running along it, beside no rule print. It is the rule's
    residue (it started the line, read as a leading `1`), and no crop reaches back to it."""
    page = shifted_piece_page("298.2", shift)
    *_, value = last_row_value(page)
    (box,) = value.boxes
    assert box[0] >= round(rule_x(680)) + 6  # the line starts at the printed `2`
    assert value.inner[0] >= int(rule_x(680)) + shift + 1


def test_a_printed_one_by_a_broken_rule_is_text() -> None:
    """A printed `1` beside the rule where the rule is broken over the value's whole height
    is kept: a glyph is wider than the rule's stroke."""
    *_, value = last_row_value(ruled_page("1298.2", pad=4, column_piece=(600, 601)))
    (box,) = value.boxes
    assert box[0] <= round(rule_x(680)) + 4 + 4


@pytest.mark.parametrize(
    ("value", "piece"), [("298.2", (670, 692)), ("298.2", (673, 690)), ("1298.2", None)]
)
def test_the_value_beside_a_broken_rule_reads_as_printed(
    engine: OcrEngine, value: str, piece: tuple[int, int] | None
) -> None:
    """The recogniser is given the value without the rule's residue (`298.2`, not `1298.2`),
    and a printed `1` with it."""
    assert read_value(ruled_page(value, column_piece=piece, pad=4), engine) == value


# --------------------------------------------------------------------------- values of two columns

HEADS = (100, 400, 520, 640)  # x of the column rules: 三级指标 | 分值 | 得分
HEAD_ROWS = (100, 150, 200, 290)


def two_column_page(
    cells: dict[tuple[int, int], str],
    merged_row: int = 2,
    heads: tuple[int, ...] = HEADS,
    pad: int | None = None,
    shift: int = 0,
) -> np.ndarray:
    """三级指标 | 分值 | 得分 over three rows (column rules at `heads`); on `merged_row` the rule
    between 分值 and 得分 is missing (the grid then has one cell spanning both). Each text is
    centred on its cell, or set `pad` px from its left rule, or for key (row, 12) centred on
    the merged cell and moved `shift` px (a phrase spanning both columns)."""
    img = Image.new("L", (760, 340), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(scans.FONT_PATH, 28, index=0)
    for y in HEAD_ROWS:
        d.line([(heads[0], y), (heads[-1], y)], fill=0, width=2)
    for i, x in enumerate(heads):
        for r, (y0, y1) in enumerate(zip(HEAD_ROWS, HEAD_ROWS[1:], strict=False)):
            if not (i == 2 and r == merged_row):
                d.line([(x, y0), (x, y1)], fill=0, width=2)
    for (r, c), text in cells.items():
        x0, x1 = (heads[1], heads[3]) if c == 12 else (heads[c], heads[c + 1])
        for k, line in enumerate(text.split("\n")):
            w = d.textlength(line, font=font)
            x = (
                (x0 + x1 - w) / 2 + (shift if c == 12 else 0)
                if pad is None or c == 12
                else x0 + pad
            )
            d.text((x, HEAD_ROWS[r] + 11 + 36 * k), line, font=font, fill=0)
    return np.array(img)


def lines_of(page: np.ndarray, row: int, col: int) -> CellLines:
    ink = binarize(page)
    hor, ver = line_masks(ink)
    tables = find_tables(page, masks=(hor, ver))
    found, _ = cell_lines(tables, page, ink & ~(hor | ver), (hor, ver))
    (table,) = tables
    (cell,) = [
        cl for cl in found if (table.cells[cl.cell].row, table.cells[cl.cell].col) == (row, col)
    ]
    return cell


SCORES = {(0, 0): "三级指标", (0, 1): "分值", (0, 2): "得分", (1, 0): "指标1", (1, 1): "20"}


def test_two_values_of_a_lost_column_rule_are_two_cells_in_wide_columns() -> None:
    """The 总分 row lost the rule between 分值 and 得分 while `100` and `95.77` stand each
    centred under its head, well short of its column's edge: the grid restores the rule from
    the rows above (ocr/grid `_worn_column_edges`), so each value is a cell of its own. In
    columns too narrow for that test, the cell stays merged and its lines are parted (below)."""
    page = two_column_page({**SCORES, (1, 2): "13", (2, 0): "总分", (2, 1): "100", (2, 2): "95.77"})
    (left,) = lines_of(page, 2, 1).boxes
    (right,) = lines_of(page, 2, 2).boxes
    assert left[2] < HEADS[2] < right[0]
    assert all(HEAD_ROWS[2] < box[1] < box[3] < HEAD_ROWS[3] for box in (left, right))


@pytest.mark.parametrize(
    "printed", ["1,487,960", "≥ 90%", "2024.01-2024.12", "提升社会 效益", "提升社会，效益"]
)
def test_a_phrase_across_a_lost_column_rule_is_one_crop(printed: str) -> None:
    """A number or phrase printed over the place of a column rule is one crop: its gaps (a
    space, thousands separators, a comparator's space, a full-width comma) are all narrower than
    the gap between two columns' values."""
    page = two_column_page({**SCORES, (1, 2): "13", (2, 0): "说明", (2, 12): printed})
    (box,) = lines_of(page, 2, 1).boxes
    assert box[0] < HEADS[2] < box[2]


# 分值 and 得分 columns 70 and 90 px wide: `100` and `95.77` stand less than a line height apart
NARROW = (100, 400, 470, 560)


@pytest.mark.parametrize("pad", [None, 8])
def test_two_values_closer_than_a_line_are_two_crops_where_the_rows_above_part_them(
    pad: int | None,
) -> None:
    """In narrow columns the 总分 row's `100` and `95.77` stand ~0.5 line heights apart, under
    the column wider gaps need: the row above has its edge on that rule, and each value sits in
    its own column (centred, or set the same padding from its left rule): two crops."""
    page = two_column_page(
        {**SCORES, (1, 2): "13", (2, 0): "总分", (2, 1): "100", (2, 2): "95.77"},
        heads=NARROW,
        pad=pad,
    )
    left, right = lines_of(page, 2, 1).boxes
    assert left[2] < NARROW[2] < right[0]
    assert right[0] - left[2] < 28  # narrower than a line: the gap rule alone would not part it


def test_a_phrase_whose_gap_holds_the_rule_stays_one_crop() -> None:
    """A phrase centred over a merged cell with the rule's place in the paper after its `，`
    (half a line height, wider than `NEAR_GAP`; the row above has its edge there): neither
    side sits in its own column, so the phrase is one crop."""
    heads = (100, 360, 512, 600)
    page = two_column_page(
        {**SCORES, (1, 2): "13", (2, 0): "说明", (2, 12): "提升社会，效益"}, heads=heads, shift=10
    )
    ink = binarize(page)
    (box,) = lines_of(page, 2, 1).boxes
    assert box[0] < heads[2] < box[2]
    # the rule's place is paper on this row, over more than NEAR_GAP line heights
    assert not ink[box[1] : box[3], heads[2] - 2 : heads[2] + 3].any()


@pytest.mark.parametrize("printed", ["1,487,960", "≥ 90%", "提升社会 效益", "提升社会，效益"])
def test_a_phrase_across_a_narrow_lost_column_rule_is_one_crop(printed: str) -> None:
    """In the narrow columns too a number or phrase printed over the rule's place is one crop."""
    page = two_column_page({**SCORES, (1, 2): "13", (2, 0): "说明", (2, 12): printed}, heads=NARROW)
    (box,) = lines_of(page, 2, 1).boxes
    assert box[0] < NARROW[2] < box[2]


def test_a_cell_of_several_lines_is_not_parted() -> None:
    """Of a cell one row tall only a one-line cell holds values of two columns: a wrapped phrase
    or two heads wrapped side by side keep each line whole, whatever gap a column rule runs
    through (a cell merged over rows as well is a label block: below)."""
    page = two_column_page(
        {**SCORES, (1, 2): "13", (2, 0): "说明", (2, 1): "年初预算\n数", (2, 2): "全年预算\n数(A)"}
    )
    assert len(lines_of(page, 2, 1).boxes) == 2


def test_a_wide_gap_without_a_column_rule_is_one_crop() -> None:
    """Width alone does not part a line: a mark two and a half line heights right of a value,
    in a cell no column rule runs through (a seal's residue by `种植户满意度`), stays in the
    value's crop (read alone it would be text of its own)."""
    page = two_column_page({**SCORES, (1, 2): "13", (2, 0): "满意度     卧"})
    (box,) = lines_of(page, 2, 0).boxes
    assert box[2] - box[0] > 6 * 28 * 0.9


# A label block: 一级 | 二级 | 三级 over a heading row that prints every rule; on the four rows
# under it the 一级 | 二级 rule and the row rules left of 三级 are lost, so the grid has one cell
# over both label columns and all four rows. 产出指标 is centred over the four rows, 质量指标
# over the middle two: both stand on one band of ink (dev4 lg_32240 p1's 名称, 一级, 二级 block).
BLOCK_XS = (100, 260, 420, 700)
BLOCK_YS = (100, 150, 200, 250, 300, 350)


def label_block_page() -> np.ndarray:
    img = Image.new("L", (800, 420), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(scans.FONT_PATH, 28, index=0)
    xs, ys = BLOCK_XS, BLOCK_YS
    for y in ys:
        d.line([(xs[0] if y in (ys[0], ys[1], ys[-1]) else xs[2], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[1] if x == xs[1] else ys[-1])], fill=0, width=2)

    def put(text: str, c0: int, c1: int, r0: int, r1: int) -> None:
        w = d.textlength(text, font=font)
        d.text(((xs[c0] + xs[c1] - w) / 2, (ys[r0] + ys[r1]) / 2 - 16), text, font=font, fill=0)

    for c, head in enumerate(["一级指标", "二级指标", "三级指标"]):
        put(head, c, c + 1, 0, 1)
    put("产出指标", 0, 1, 1, 5)
    for text, r0, r1 in [("数量指标", 1, 2), ("质量指标", 2, 4), ("时效指标", 4, 5)]:
        put(text, 1, 2, r0, r1)
    for r, name in enumerate(["完成数量", "合格率", "验收率", "及时率"], start=1):
        put(name, 2, 3, r, r + 1)
    return np.array(img)


def test_a_label_block_merged_over_rows_parts_its_lines_at_the_rule_above() -> None:
    """A cell merged over rows and columns whose line holds two columns' labels (产出指标 and
    质量指标 on one band, a wide gap at the 一级 | 二级 rule the heading row prints) gives two
    crops; its other lines stay whole."""
    assert lines_of(label_block_page(), 1, 0).boxes == [
        (284, 163, 395, 190),
        (126, 237, 235, 265),
        (285, 237, 395, 265),
        (286, 313, 395, 340),
    ]


def test_a_label_block_reads_one_label_a_column_and_rows(engine: OcrEngine) -> None:
    """Read through the page reader, the label block's lines are its labels one each, so the
    reader's cut at the rules beside it parts the 一级 label from the 二级 labels and those by
    the rows they are centred on (`flows.forms.celllines`), and says so."""
    grid = ocr_page(label_block_page(), 1, OcrOptions(), engine=engine)
    (block,) = [c for c in grid.tables[0].cells if c.rowspan > 1]
    assert [ln.text for ln in block.lines] == ["数量指标", "产出指标", "质量指标", "时效指标"]
    table, (done,) = unmerge(grid.tables[0], range(1, 5))
    assert sorted((c.row, c.col, c.rowspan, c.text) for c in table.cells if c.col < 2) == [
        (0, 0, 1, "一级指标"),
        (0, 1, 1, "二级指标"),
        (1, 0, 4, "产出指标"),
        (1, 1, 1, "数量指标"),
        (2, 1, 2, "质量指标"),
        (4, 1, 1, "时效指标"),
    ]
    assert done.note() == (
        "cell '数量指标产出指标 质量指标时效指标': cut at the rules of the cells beside it (OCR"
        " found none inside it): 产出指标 | 数量指标 | 质量指标 | 时效指标"
    )


def band_runs(runs: list[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros((27, 400), np.uint8)
    for r0, r1 in runs:
        mask[:, r0:r1] = 1
    return mask


@pytest.mark.parametrize(
    ("stub", "boxes"),
    [
        ((136, 141), [(10, 0, 46, 27), (186, 0, 295, 27)]),  # a rule's 5 px on the rule
        ((132, 146), [(10, 0, 295, 27)]),  # 14 px: a glyph's width, no rule's
    ],
)
def test_a_rules_piece_on_the_rule_does_not_bridge_the_gap(
    stub: tuple[int, int], boxes: list[tuple[int, int, int, int]]
) -> None:
    """A run of ink no wider than a rule lying on the lost rule (what the worn rule left on
    the line's band) is not ink bridging the gap there: the line parts at the rule (dev4
    lg_32240 p1: `成本指标` read with a blot in the column left of it). A run as wide as a
    glyph on the rule is ink of the line and keeps it whole."""
    runs = [(10, 46), stub, (186, 295)]
    assert _line_boxes(band_runs(runs), 0, 27, runs, 0, 0, 27.0, [138.0]) == boxes


@pytest.mark.parametrize(
    ("heads", "total"),
    [(HEADS, {(2, 1): "100", (2, 2): "95.77"}), (NARROW, {(2, 1): "100 95.77"})],
)
def test_two_values_of_a_lost_column_rule_read_as_two_numbers(
    engine: OcrEngine, heads: tuple[int, ...], total: dict[tuple[int, int], str]
) -> None:
    """Read through the page reader, the 总分 row gives `100` and `95.77` apart: in wide
    columns as two cells (the grid restores the rule), in columns so narrow that the values
    stand less than a line height apart as one cell `100 95.77`, one number to each head."""
    page = two_column_page(
        {**SCORES, (1, 2): "13", (2, 0): "总分", (2, 1): "100", (2, 2): "95.77"}, heads=heads
    )
    grid = ocr_page(page, 1, OcrOptions(), engine=engine)
    texts = {(c.row, c.col): c.text for c in grid.tables[0].cells}
    assert {k: texts[k] for k in total} == total
    assert texts[(1, 1)] == "20" and texts[(1, 2)] == "13"


def test_parts_of_one_line_join_with_a_space_and_wrapped_lines_without() -> None:
    """The crops of one line's values come back as one text with a space between them (`是 否`
    stays two words for the reader); lines wrapped in the cell still join as printed."""
    frags = [
        _Frag("是", (10, 10, 30, 30), 0.9),
        _Frag("否", (90, 11, 110, 31), 0.8),
        _Frag("提升社会", (10, 40, 90, 60), 0.95),
    ]
    joined = _join_line_parts(frags)
    assert [(f.text, f.bbox, f.conf) for f in joined] == [
        ("是 否", (10, 10, 110, 31), 0.8),
        ("提升社会", (10, 40, 90, 60), 0.95),
    ]


# --------------------------------------------------------------------------- values tight by a rule


def tight_heads(gap: int) -> tuple[int, int, int, int]:
    """Column rules for 分值 | 得分 fitted to `100` and `95.77` (28 px) with `gap` px of paper
    between each value and its rules, as a typesetter widens a column to its widest value."""
    d = ImageDraw.Draw(Image.new("L", (8, 8)))
    font = ImageFont.truetype(scans.FONT_PATH, 28, index=0)
    w100, w95 = (round(d.textlength(t, font=font)) for t in ("100", "95.77"))
    mid = 400 + w100 + 2 * gap
    return (100, 400, mid, mid + w95 + 2 * gap)


TOTAL_ROW = {**SCORES, (1, 2): "13", (2, 0): "总分", (2, 1): "100", (2, 2): "95.77"}


@pytest.mark.parametrize("gap", [3, 5])
def test_a_rule_with_values_tight_on_both_sides_parts_its_cells(gap: int) -> None:
    """`100` and `95.77` set a few px either side of the rule between 分值 and 得分: ink just
    beside the rule on both sides, as a character's crossed stroke has. The rule runs on above
    and below the values to its row's rules, so it is a rule and the two cells stay two (it
    was judged a stroke and the cells one, read `10095.77`)."""
    heads = tight_heads(gap)
    page = two_column_page(TOTAL_ROW, merged_row=-1, heads=heads)
    ink = binarize(page)
    hor, ver = line_masks(ink)
    (table,) = find_tables(page, masks=(hor, ver))
    assert [(c.col, c.colspan) for c in table.cells if c.row == 2] == [(0, 1), (1, 1), (2, 1)]
    # the values' ink stands within the crossing test's reach of the rule on both sides
    text = ink & ~(hor | ver)
    row = text[HEAD_ROWS[2] + 4 : HEAD_ROWS[3] - 4]
    cols = np.flatnonzero(row.any(axis=0))
    left_end = cols[cols < heads[2]].max()
    right_start = cols[cols > heads[2]].min()
    assert heads[2] - left_end <= 9 and right_start - heads[2] <= 9


def test_values_tight_by_a_rule_read_as_printed(engine: OcrEngine) -> None:
    """Through the page reader the 总分 row's values come back one per cell."""
    page = two_column_page(TOTAL_ROW, merged_row=-1, heads=tight_heads(4))
    grid = ocr_page(page, 1, OcrOptions(), engine=engine)
    texts = {(c.row, c.col): c.text for c in grid.tables[0].cells}
    assert (texts[(2, 1)], texts[(2, 2)]) == ("100", "95.77")


# --------------------------------------------------------------------------- text spanning a cell


BOLD_FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)


def touching_head_ink() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A cell's text ink (rules already taken out): a head wrapped over two lines, `年初预算` /
    `数`, in a bold face at 20 px (10 pt at 150 dpi) set 2 px tighter than its advance, so that
    the first line's glyphs touch and fill the cell's width but for 4 px either side (2.5 pt of
    padding). Returns the page's ink and the cell's rectangle."""
    font = ImageFont.truetype(BOLD_FONT[0], 20, index=BOLD_FONT[1])
    d0 = ImageDraw.Draw(Image.new("L", (8, 8)))
    advance = round(d0.textlength("年", font=font)) - 2
    x0, y0 = 60, 40
    x1, y1 = x0 + 4 * advance + 2 + 8, y0 + 64
    img = Image.new("L", (240, 160), 255)
    d = ImageDraw.Draw(img)
    for k, ch in enumerate("年初预算"):
        d.text((x0 + 4 + k * advance, y0 + 6), ch, font=font, fill=0)
    d.text(((x0 + x1) / 2 - 10, y0 + 34), "数", font=font, fill=0)
    return binarize(np.array(img)), (x0, y0, x1, y1)


def test_a_text_line_spanning_its_cell_is_text_not_a_rules_residue() -> None:
    """The first line of `年初预算` / `数` is one inked run from the cell's left to its right
    (glyphs touching): ink spanning a cell was taken for a rule's residue and dropped, and the
    head read `数`. It is as tall as a line at most places along it, no rule is: both lines
    are the cell's text."""
    ink, bbox = touching_head_ink()
    inset = 3  # a 150 dpi page's
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        ink[bbox[1] + inset : bbox[3] - inset, bbox[0] + inset : bbox[2] - inset], connectivity=8
    )
    assert stats[1:, 2].max() > 0.9 * (bbox[2] - bbox[0] - 2 * inset)  # the line spans the cell
    got = _cell_ink(ink, bbox, inset)
    assert got is not None
    mask = got[0]
    rows = np.flatnonzero(mask.any(axis=1))
    assert rows[0] < 10 and rows[-1] > 40  # both lines' ink kept
    assert int(mask.sum()) == int(
        ink[bbox[1] + inset : bbox[3] - inset, bbox[0] + inset : bbox[2] - inset].sum()
    )


def test_a_rules_residue_spanning_its_cell_is_still_left_out() -> None:
    """A piece of a slanted rule running the cell's whole width (4 px thick, 6 px of slant) is
    no text: dropped, and the value under it kept."""
    ink = np.zeros((160, 240), np.uint8)
    x0, y0, x1, y1 = 60, 40, 160, 104
    for x in range(x0 + 3, x1 - 3):
        y = y0 + 6 + (x - x0) * 6 // (x1 - x0)
        ink[y : y + 4, x] = 1
    ink[70:90, 100:104] = 1  # the value: a `1`
    mask, _, _, _ = _cell_ink(ink, (x0, y0, x1, y1), 3)
    assert int(mask.sum()) == 80


# ----------------------------------------------------------------------- faint marks over a value


def faint_mark_page(mark_grey: int) -> np.ndarray:
    """The two-column table with `及时完成` in the last row's value cell and, above it in the
    same cell, a short mark of grey `mark_grey` with a few darker noise pixels (a red seal's
    strokes after noise and JPEG: desaturated, lighter than print), standing apart as a band of
    its own."""
    page = ruled_page("及时完成", pad=12)
    x = round(rule_x(640)) + 40
    rng = np.random.default_rng(3)
    patch = np.full((10, 22), mark_grey, np.uint8)
    dark = rng.random(patch.shape) < 0.04
    patch[dark] = max(0, mark_grey - 50)
    page[VALUE_TOP - 26 : VALUE_TOP - 16, x : x + 22] = patch
    return page


def test_a_faint_mark_over_a_value_is_no_line_of_it() -> None:
    """A seal's grey residue over `及时完成` makes a band of its own: its ink's darker tenth
    never reaches print's darkness, so it is no line of the cell (read as one it gave
    `1及时完成`)."""
    _, _, _, value = last_row_value(faint_mark_page(160))
    (box,) = value.boxes
    assert box[1] >= VALUE_TOP - 2


def test_a_mark_as_dark_as_print_over_a_value_is_a_line() -> None:
    """The same mark printed as dark as the text stays a line of its own."""
    _, _, _, value = last_row_value(faint_mark_page(20))
    assert len(value.boxes) == 2


@pytest.mark.parametrize(
    "mark, kept",
    [
        ({165: 0.94, 110: 0.06}, True),  # a thin light stroke with a core as dark as print nearby
        ({140: 1.0}, False),  # seal residue: evenly light
    ],
)
def test_a_light_stroke_of_print_stays_a_line(mark: dict[int, float], kept: bool) -> None:
    """On a faded page a thin stroke (`一` of a vertical 一/级/指/标) is light over most of its
    ink, its darker tenth past the page's cut, yet its darkest twentieth reaches halfway to its
    neighbours' print: it stays a line; an evenly light mark does not."""
    mask = np.zeros((30, 40), np.uint8)
    mask[0:4, 5:35] = 1
    mask[10:30, 5:35] = 1
    gray = np.full((30, 40), 255, np.uint8)
    gray[10:30, 5:35] = 60  # the print line
    values = np.concatenate([np.full(round(120 * share), v) for v, share in mark.items()])
    gray[0:4, 5:35] = values[:120].reshape(4, 30)
    lines = [(0, 4, [(5, 35)]), (10, 30, [(5, 35)])]
    got = _print_lines(lines, mask, gray, 0, 0, 99)
    assert got == (lines if kept else lines[1:])


def test_a_rules_straight_fit_is_polyfits_line() -> None:
    """The closed-form fit gives np.polyfit's line to rounding, and a slanted rule's fitted
    line (its crossing's pixels left out) runs where it was drawn."""
    rng = np.random.default_rng(3)
    x = np.arange(40, 400, 3, dtype=float)
    y = 120.5 + 0.02 * x + rng.normal(0, 0.4, x.size)
    slope, offset = _straight_fit(x, y)
    want = np.polyfit(x, y, 1)
    assert slope == pytest.approx(want[0], abs=1e-12)
    assert offset == pytest.approx(want[1], abs=1e-9)
    # a column rule slanting 1 px in 50 down a 300 px window, 3 px thick, crossed by a row rule
    mask = np.zeros((300, 80), np.uint8)
    for yy in range(300):
        c = int(round(30 + yy / 50))
        mask[yy, c - 1 : c + 2] = 1
    mask[150:153, :] = 1
    line = rule_line(mask, False, 33.0, 0, 300, 8)
    assert line is not None
    assert line.b == pytest.approx(1 / 50, abs=0.002)
    assert line.at(np.array([0.0, 299.0])) == pytest.approx([30.0, 36.0], abs=0.5)
    assert line.half == pytest.approx(0.5 + 1.5)


# ------------------------------------------------------------- grey print under darker rules


def grey_print_page(text_grey: int) -> np.ndarray:
    """The two-column table's rules printed black, a heading above it printed black and bold,
    and every row's two cells holding text printed in grey `text_grey` (a scan whose body text
    came out far lighter than its rules and heading)."""
    img = Image.new("L", (900, 760), 255)
    d = ImageDraw.Draw(img)
    for y in ROWS:
        d.line([(LEFT, y), (RIGHT, y)], fill=0, width=3)
    for x in (LEFT, RIGHT):
        d.line([(x, TOP), (x, BOTTOM)], fill=0, width=3)
    d.line([(RULE_TOP_X, TOP), (RULE_BOTTOM_X, BOTTOM)], fill=0, width=3)
    heading = ImageFont.truetype(scans.FONT_PATH, 44, index=0)
    d.text((250, 20), "项目支出绩效目标表", font=heading, fill=0, stroke_width=2, stroke_fill=0)
    font = ImageFont.truetype(scans.FONT_PATH, 28, index=0)
    for top, bottom in zip(ROWS, ROWS[1:], strict=False):
        y = (top + bottom) // 2 - 14
        d.text((LEFT + 20, y), "预算控制数", font=font, fill=text_grey)
        d.text((round(rule_x(y)) + 20, y), "976.214", font=font, fill=text_grey)
    return np.array(img)


def test_grey_print_under_darker_rules_and_heading_is_text() -> None:
    """Print's darkness is measured on the cells' text ink: with the page's ink (a heading
    printed black and bold outside the grid) the cut fell under the grey text's darkest
    points, and every cell's text was dropped as seal residue (`目 名称`, `欠` on a dev scan).
    Now each of the 18 cells gives one line, its box the whole of its text's ink."""
    page = grey_print_page(165)
    ink = binarize(page)
    hor, ver = line_masks(ink)
    (table,) = find_tables(page, masks=(hor, ver))
    text_ink = ink & ~(hor | ver)
    found, _ = cell_lines([table], page, text_ink, (hor, ver))
    assert [(table.cells[cl.cell].row, table.cells[cl.cell].col) for cl in found] == [
        (r, c) for r in range(9) for c in (0, 1)
    ]
    sizes = [(b[2] - b[0], b[3] - b[1]) for cl in found for b in cl.boxes]
    assert sizes == [(139, 27), (107, 20)] * 9  # 预算控制数 | 976.214, every glyph kept


def test_light_residue_beside_grey_print_is_still_dropped() -> None:
    """Measured on the text, the cut still parts print from residue lighter than it: a seal's
    grey speckle (evenly 40 levels lighter than the cells' grey text) over a value is no ink of
    the cell."""
    page = grey_print_page(120)
    x = round(rule_x(600)) + 200
    page[595:607, x : x + 30] = 190  # a band of its own above the value (626-654)
    ink = binarize(page)
    hor, ver = line_masks(ink)
    (table,) = find_tables(page, masks=(hor, ver))
    found, _ = cell_lines([table], page, ink & ~(hor | ver), (hor, ver))
    assert len(found) == 18
    assert all(len(cl.boxes) == 1 for cl in found)
