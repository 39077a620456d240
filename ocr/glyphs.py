"""Glyphs a cell's line crop must not lose.

A cell's text ink (`ocr.cellink`) leaves out blobs never as dark as the page's print (seal
residue, bleed-through). A comparator printed in a thin stroke beside bold digits can be such a
blob: on a faded 150 dpi scan the `>` of `>98%` reached grey 175 where the digits reached 82, so
the line's box began at the `9`, its crop's padding cut the `>` through, and the recogniser read
`98%` (it reads a sliver of a glyph as nothing). The crop is what decides the reading, so it is
widened here past ink it cuts; what a line's box holds is left as `ocr.cellink` found it.
"""

from __future__ import annotations

import numpy as np

from ocr.preprocess import INK_THRESHOLD


def _ink_end(inked: np.ndarray, start: int, step: int, stop: int) -> int | None:
    """The first column from `start` (stepping by `step`, never reaching `stop`) without ink,
    or None where ink runs on to `stop`."""
    x = start
    while x != stop:
        if not inked[x]:
            return x
        x += step
    return None


def keep_cut_ink(
    gray: np.ndarray,
    box: tuple[int, int, int, int],
    crop_x: tuple[int, int],
    cell_x: tuple[int, int],
    pad: int,
    reach: int,
) -> tuple[int, int]:
    """A line crop's left and right edges (`crop_x`, page px, right exclusive) moved out past
    ink they cut, with the crop's own paper `pad` beyond it, never past the cell's inner edges
    (`cell_x`).

    Ink is the binariser's (`INK_THRESHOLD`) in the rows of the line's ink `box`: an edge
    column holding some cuts a glyph the box left out. The edge moves to the end of that ink
    when it ends within `reach` px; ink running on further (a rule's residue, another value)
    leaves the edge where it was."""
    left, right = crop_x
    lo, hi = cell_x
    rows = gray[box[1] : box[3], :]
    if rows.size == 0:
        return left, right
    if lo < left < hi:
        inked = (rows[:, max(lo, left - reach) : left + 1] <= INK_THRESHOLD).any(axis=0)
        # local column k stands for page column max(lo, left - reach) + k
        base = max(lo, left - reach)
        if inked[-1]:
            end = _ink_end(inked, inked.size - 1, -1, -1)
            if end is not None or base == lo:
                first = base + (end + 1 if end is not None else 0)
                left = max(lo, first - pad)
    if lo < right < hi:
        base = right - 1
        inked = (rows[:, base : min(hi, right + reach)] <= INK_THRESHOLD).any(axis=0)
        if inked[0]:
            end = _ink_end(inked, 0, 1, inked.size)
            if end is not None or base + inked.size == hi:
                last = base + (end if end is not None else inked.size)
                right = min(hi, last + pad)
    return left, right
