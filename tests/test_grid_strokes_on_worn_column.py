"""A worn column rule closed onto the glyph strokes of a wrapped text above it (`ocr.grid`
`_add_short_rules`): the rule is painted edge by edge, never through a row whose text its
piece stands within."""

from __future__ import annotations

import numpy as np

from ocr.grid import _add_short_rules

SEPS = [4.0, 94.0, 174.0, 254.0, 334.0]  # row rules
BAND = 3


def worn_column_under_wrapped_text() -> np.ndarray:
    """Ink of a column x=504 worn into dashes 14 px long 6 px apart in rows 1-3, and in row 0
    two text lines (rows 28-54 and 62-88) each with a glyph's 3 px stroke on x=504 and glyphs
    beside it either side: the lines 8 px apart and 6 px above the dashes, less than the gap
    dashes are joined across."""
    ink = np.zeros((340, 700), np.uint8)
    for y in range(94, 334, 20):
        ink[y : y + 14, 503:506] = 1
    for top in (28, 62):
        ink[top : top + 27, 503:506] = 1
        ink[top : top + 27, 484:496] = 1  # the glyph before
        ink[top + 4 : top + 27, 514:526] = 1  # the glyph after
    return ink


def test_a_worn_column_is_not_painted_through_the_wrapped_text_above_it() -> None:
    """Joined across their gaps, the dashes and the two glyph strokes are one piece from the
    first text line down to the last row rule. Judged as a whole (the text's row a small share
    of it) it was painted from row 0's text down: row 0's value was cut in two at the column
    and its lines read cell by cell, out of order (dev2 lg_18039 p1). The piece shows no rule
    above row 0's text: it is painted from that row's rule down (less the band's slack); the
    piece still gives the column its place."""
    ink = worn_column_under_wrapped_text()
    mask = np.zeros_like(ink)
    got = _add_short_rules(ink, mask, False, SEPS, 40, BAND)
    assert [(round(p), a, b) for p, a, b in got] == [(504, 29, 329)]
    assert not mask[:88].any()
    assert mask[88:329, 503:506].all()


def test_a_worn_column_with_paper_above_its_text_is_painted_whole() -> None:
    """The same piece with no text beside its row-0 part (a rule's dashes only): painted from
    where it starts, as before."""
    ink = worn_column_under_wrapped_text()
    ink[:, 480:500] = 0
    ink[:, 510:530] = 0
    mask = np.zeros_like(ink)
    got = _add_short_rules(ink, mask, False, SEPS, 40, BAND)
    assert [(round(p), a, b) for p, a, b in got] == [(504, 29, 329)]
    assert mask[29:329, 503:506].all()
