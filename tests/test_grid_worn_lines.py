"""A one-row table whose rules are grey and gapped (`ocr.grid._worn_line_joins`): the pieces of
one rule are joined across their gaps and column rules worn short of the row rules reach them,
while tables whose rules end at their own frames stay apart."""

from __future__ import annotations

import cv2
import numpy as np

from ocr import grid
from ocr.grid import find_tables
from tests.fixtures import scans

XS = [100, 300, 550, 800, 1100]
TOP, BOTTOM = 200, 300


def _page() -> np.ndarray:
    return np.full((1700, 1200), 255, np.uint8)


def _text(page: np.ndarray, x: int, y: int, text: str = "ab 12") -> None:
    cv2.putText(page, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)


def _noisy(page: np.ndarray) -> np.ndarray:
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def gapped_one_row_page() -> np.ndarray:
    """A continuation table of one row (dev lg_4800 p2's shape): the row rules broken by gaps
    of 40-90 px (4-5 text heights at most) into pieces, some shorter than the opening kernel
    leaves whole; every inner column rule worn short of one row rule or both; the right frame
    a short piece. No piece touches another."""
    page = _page()
    for a, b in ((100, 400), (460, 520), (560, 1100)):
        cv2.line(page, (a, TOP), (b, TOP), 110, 2)
    for a, b in ((100, 350), (420, 700), (760, 1100)):
        cv2.line(page, (a, BOTTOM), (b, BOTTOM), 110, 2)
    for x, a, b in ((100, 200, 300), (300, 215, 285), (550, 220, 300), (800, 200, 270)):
        cv2.line(page, (x, a), (x, b), 110, 2)
    cv2.line(page, (1100, 235), (1100, 300), 110, 2)
    for x in XS[:-1]:
        _text(page, x + 30, 260)
    return _noisy(page)


def test_a_gapped_one_row_table_is_found_whole() -> None:
    """Without the joins the row rules' pieces and the worn column rules touch nothing long
    and the page read as no table, or as a piece of one."""
    (table,) = find_tables(gapped_one_row_page())
    assert [round(x) for x in table.xs] == XS
    assert [round(y) for y in table.ys] == [TOP, BOTTOM]
    assert sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells) == [
        (0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1), (0, 3, 1, 1),
    ]  # fmt: skip


def test_without_the_joins_the_table_is_lost(monkeypatch) -> None:
    """The same page with no reach across gaps (the mechanism off) finds no whole table: what
    the test above asserts is the joins' doing."""
    monkeypatch.setattr(grid, "WORN_GAP_GLYPHS", 0)
    tables = find_tables(gapped_one_row_page())
    assert [[round(x) for x in t.xs] for t in tables] != [XS]


def test_stacked_tables_with_collinear_frames_stay_two() -> None:
    """Two tables one above the other, their frames on the same lines 80 px apart (within the
    reach of 5 text heights, 85 px here; a title between them): every rule ends at its own
    table's rules, so nothing reaches across the paper between them."""
    page = _page()
    for y0, y1 in ((200, 340), (420, 560)):
        for y in (y0, (y0 + y1) // 2, y1):
            cv2.line(page, (100, y), (1100, y), 110, 2)
        for x in (100, 550, 1100):
            cv2.line(page, (x, y0), (x, y1), 110, 2)
        for y in (y0 + 45, y1 - 22):
            _text(page, 150, y)
            _text(page, 600, y)
    _text(page, 420, 385, "title")
    tables = find_tables(_noisy(page))
    assert [[round(y) for y in t.ys] for t in tables] == [[200, 270, 340], [420, 490, 560]]


def test_a_piece_inside_a_ruled_block_joins_nothing() -> None:
    """A table of six rows is one ruled block; a straight piece standing in one of its cells,
    touching no rule (a glyph's stroke, or a worn column rule's remnant off its column's line:
    dev lg_4704 p1), is joined to no rule and cuts no column."""
    page = _page()
    for y in range(200, 801, 100):
        cv2.line(page, (100, y), (1100, y), 110, 2)
    for x in (100, 550, 1100):
        cv2.line(page, (x, 200), (x, 800), 110, 2)
    cv2.line(page, (800, 420), (800, 480), 110, 2)
    for y in range(260, 800, 100):
        _text(page, 150, y)
        _text(page, 600, y)
    (table,) = find_tables(_noisy(page))
    assert [round(x) for x in table.xs] == [100, 550, 1100]
    assert len(table.cells) == 12


def worn_header_page() -> np.ndarray:
    """A plan's header over a ruled block of rows (dev lg_48558 p2's shape): the header's first
    row ruled whole, its second row's frame worn to one piece on the left frame's line that
    touches neither the row above nor the block below (40 px of paper either side),
    the right frame lost there. The block below (six rows, 480 px) ties its own rules; its inner
    column is not the header's (a worn band between two pieces of one table is told by
    column rules that go on: `_worn_band_between`), as the 资金情况 block's are not."""
    page = _page()
    for y in (200, 300):
        cv2.line(page, (100, y), (1100, y), 110, 2)
    for x in (100, 550, 1100):
        cv2.line(page, (x, 200), (x, 300), 110, 2)
    cv2.line(page, (100, 340), (100, 400), 110, 2)
    for y in range(440, 921, 80):
        cv2.line(page, (100, y), (1100, y), 110, 2)
    for x in (100, 700, 1100):
        cv2.line(page, (x, 440), (x, 920), 110, 2)
    for y in [260, 380, *range(490, 920, 80)]:
        _text(page, 150, y)
        _text(page, 750, y)
    return _noisy(page)


def test_a_piece_on_a_blocks_frame_line_joins_it() -> None:
    """The piece on the block's left frame line, worn off it, is joined to the block (and, as
    before, to the header above): header, worn row and block are one table. Before, the block
    took no piece and the header stood apart: the worn row fell out of every table."""
    tables = find_tables(worn_header_page())
    assert [[round(y) for y in t.ys] for t in tables] == [
        [200, 300, 440, 520, 600, 680, 760, 840, 920]
    ]
    assert [[round(x) for x in t.xs] for t in tables] == [[100, 550, 700, 1100]]


def test_without_the_frame_join_the_header_stands_apart(monkeypatch) -> None:
    """The same page with the block taking no piece (the old rule): two tables, the worn row
    between them in neither."""
    monkeypatch.setattr(grid, "_on_block_frame", lambda *a: np.zeros(len(a[0]), bool))
    tables = find_tables(worn_header_page())
    assert [[round(y) for y in t.ys] for t in tables] == [
        [200, 300], [440, 520, 600, 680, 760, 840, 920]
    ]  # fmt: skip
