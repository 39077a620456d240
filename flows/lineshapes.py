"""Measures of a table's OCR text lines that the OCR stage and the form reader both take.

Apart because `ocr/` (re-reading print under a seal's line) and `flows/forms/` (leaving a
seal's text out of a cell) must agree on what a printed line's height is and what box no
printed line has; both import this module, which imports only the data model.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from statistics import median
from typing import Protocol, TypeVar

from flows.models import BBox, CellLine, Table
from flows.text import is_han

# A rule's remnant or a speck prints at most this many marks: lines this short do not set the
# table's text height.
MAX_SLIVER_MARKS = 2
# A seal's text: a line whose box is taller AND wider than this many text heights. No printed
# line is (a line is one text height tall; a label printed upright one character a line is one
# character wide); a seal's characters, set round its ring in big type, are both (dev scans:
# printed lines reach 2.4 text heights at most — a number with seal ink in its box — and seal
# lines 4.2 and more).
SEAL = 3.0
SEAL_CHAR_WIDTH = 2.0
"""... and whose characters stand wider apart than this many text heights each (a measured
shape): a printed line packs its characters about one text height apart (full-width CJK; digits
and Latin closer), even when a seal's ink joined two of its lines into one tall box (dev lg_4892
p1: `时效指标（必填` over its `）`, a seal's glyph between them: 3.04 text heights tall, 1.2 a
character), while a seal's characters, in big type round its ring, are read as one to three
over a box 5-7 text heights wide (lg_5716: `县委`, 2.5-3.5 a character); 2.0 lies between."""


def text_height(table: Table) -> float:
    """The typical height of a printed text line of the table (its OCR lines' median)."""
    heights = [
        ln.bbox[3] - ln.bbox[1]
        for c in table.cells
        for ln in c.lines
        if len(ln.text.strip()) > MAX_SLIVER_MARKS
    ]
    return median(heights) if heights else 0.0


def only_symbols(text: str) -> bool:
    """Whether `text` reads nothing but symbols (Unicode So: `★`): how OCR reads a seal's star,
    and what the forms' print never is (their marks, `≥ % ：`, are maths signs and punctuation)."""
    chars = "".join(text.split())
    return bool(chars) and all(unicodedata.category(ch) == "So" for ch in chars)


# A lone glyph whose box is taller AND wider than this many text heights is a seal's character:
# a printed glyph is one text height square; a seal's, in big type, stands 2.4 tall and 2.8
# wide (dev6 lg_54040 p2: `委` the only line of a 三级 name's cell, the name under the seal
# unread).
SEAL_GLYPH = 2.0


def is_seal_glyph(line: CellLine, height: float) -> bool:
    """A line reading one Han character in a box `SEAL_GLYPH` text heights tall and wide: a
    seal's character OCR read over the cell, not its print."""
    x0, y0, x1, y1 = line.bbox
    text = "".join(line.text.split())
    return (
        height > 0
        and len(text) == 1
        and is_han(text)
        and min(x1 - x0, y1 - y0) > SEAL_GLYPH * height
    )


def is_seal_high(line: CellLine, height: float) -> bool:
    """A line whose box is taller than `SEAL` text heights: no printed line is, so a seal's ink
    joined it, a glyph or its star (dev2 lg_19009_自评 p2: `效提开` for 有效提升 under the star,
    3.2 text heights, its print packed as print is, so no `is_seal_text`)."""
    _, y0, _, y1 = line.bbox
    return height > 0 and y1 - y0 > SEAL * height


def is_seal_text(line: CellLine, height: float) -> bool:
    """A line whose box is taller and wider than `SEAL` text heights and whose characters stand
    more than `SEAL_CHAR_WIDTH` text heights apart: a seal's characters OCR read over the cell,
    no printed text of it (which would cross the cell's lost rules)."""
    x0, _, x1, _ = line.bbox
    chars = len("".join(line.text.split()))
    return (
        is_seal_high(line, height)
        and chars > 0
        and x1 - x0 > SEAL * height
        and (x1 - x0) / chars > SEAL_CHAR_WIDTH * height
    )


class Boxed(Protocol):
    """Anything printed with a page box: a text layer's glyph, an OCR line of a cell."""

    @property
    def bbox(self) -> BBox: ...


B = TypeVar("B", bound=Boxed)


def _shares_line(box: BBox, top: float, bottom: float, share: float) -> bool:
    """Whether print boxed `box` belongs to a printed line whose ink spans `top`..`bottom`.

    By vertical overlap, not by centres: a comma or 、 sits on the baseline, its centre far below
    the digits' centre (`17,464,243` came out `17464243,,` with a centre tolerance), yet its box
    still overlaps the line's ink; an OCR value's box stands taller than its label's beside it
    on a skewed scan, its top above the label's, yet the two overlap. Wrapped lines of these
    forms never overlap each other."""
    height = box[3] - box[1]
    h = min(height, bottom - top)
    if h <= 0.5:  # a space or a degenerate box: nothing to overlap, fall back to its centre
        return abs((box[1] + box[3]) / 2 - (top + bottom) / 2) <= max(2.0, 0.5 * (bottom - top))
    overlap = min(box[3], bottom) - max(box[1], top)
    return overlap >= share * h


# A glyph shares a printed line when its box overlaps the line's ink by this share of the smaller
# height: a baseline comma's box overlaps little of the digits' beside it.
GLYPH_SHARE = 0.2


def group_lines(items: Iterable[B], share: float = GLYPH_SHARE) -> list[list[B]]:
    """Group print (glyphs, or a cell's OCR lines) into printed lines: top to bottom, each left
    to right.

    An item joins the current line when its box overlaps the line's vertical extent by at least
    `share` of the smaller height (see `_shares_line`); lines are started top-down in order of the
    items' tops, so baseline punctuation never opens a line of its own."""
    lines: list[list[B]] = []
    band: tuple[float, float] = (0.0, 0.0)
    for g in sorted(items, key=lambda g: (g.bbox[1], (g.bbox[0] + g.bbox[2]) / 2)):
        x0, y0, x1, y1 = g.bbox
        if lines and _shares_line(g.bbox, *band, share):
            lines[-1].append(g)
            if y1 - y0 > 0.5:
                band = (min(band[0], y0), max(band[1], y1))
            continue
        lines.append([g])
        cy = (y0 + y1) / 2
        band = (y0, y1) if y1 - y0 > 0.5 else (cy - 1.0, cy + 1.0)
    return [sorted(line, key=lambda g: (g.bbox[0] + g.bbox[2]) / 2) for line in lines]
