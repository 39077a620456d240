"""A table's rule carried on across a seal printed over it, for the grid's rule masks.

A seal as dark as the print (a red seal scanned in grey: not suppressed, not lifted) lies over
a column rule: `ocr.preprocess.drop_seals` takes the seal's ring, star and text out of the rule
masks and keeps a rule inside the seal's disc only up to its first gap from outside. A worn rule
has gaps, and where the star or a glyph of the seal's text lies on the rule's line the rule's
own run is lost in the seal's ink: the rest of the rule went, the grid lost the column there
and two cells merged (dev5 lg_48718 p3: the 三级指标 | 目标值 rule under a seal's star, three
indicator names read with their targets and a seal glyph, `验收合格率 时明 >96%`).

The rule's line is known outside the disc (its piece beside the disc, fitted straight); on that
line it is followed from outside into the disc (`rule_chain`) along the straight runs of ink as
long as a rule's piece beside the disc (`RULE_PIECE_ACROSS` radii) that are not the seal's star
(a rule's worn pieces: a seal's stroke crosses the line within its own width, its text's
strokes along the line are shorter), across the star and crossing rules lying on it,
and across paper gaps no longer than the rule masks close. A longer gap, or the seal's text or
ring on the line, ends it: past them the grid reads what it finds on its own terms.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from ocr.components import components_with_stats, true_runs

# A rule's piece beside a seal's disc at least this many radii long goes on across the disc:
# shorter is a stroke of print or of a glyph set beside the seal.
RULE_PIECE_ACROSS = 0.2
# ... and keeps there the runs of ink along its line at least this many radii long (a rule's
# worn pieces; a seal's stroke crosses the line within its own width, ~0.03 r)
RULE_RUN_ACROSS = 0.1
# The line a rule's piece is carried on is drawn this many px wider than the piece (the page
# may be a little skewed, the fit is of a worn piece).
LINE_SLACK = 4

Window = tuple[int, int, int, int]  # page px: x0, y0, x1, y1


def disc_window(shape: tuple[int, int], seal: tuple[float, float, float], far: float) -> Window:
    """The page window (clipped) holding a seal's centre ± `far` px."""
    h, w = shape
    cx, cy, _ = seal
    x0, y0 = max(0, int(cx - far)), max(0, int(cy - far))
    return x0, y0, min(w, int(cx + far) + 1), min(h, int(cy + far) + 1)


def rule_lines_beside(pieces: np.ndarray, horizontal: bool, r: float) -> Iterator[np.ndarray]:
    """Each rule piece of `pieces` (uint8, a window; the rule mask's pixels beside a seal's
    disc) at least `RULE_PIECE_ACROSS` radii long, as its straight line (uint8) drawn across the
    whole window `LINE_SLACK` px wider than the piece (the page may be a little skewed: a rule
    1.7° off runs 10 px aside over a seal)."""
    num, labels, stats, _ = components_with_stats(pieces)
    hh, ww = pieces.shape
    for k in range(1, num):
        x, y, bw, bh, area = (int(v) for v in stats[k])
        length = bw if horizontal else bh
        if length < RULE_PIECE_ACROSS * r:
            continue
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == k)
        along, across = (xs + x, ys + y) if horizontal else (ys + y, xs + x)
        slope, at = np.polyfit(along, across, 1)
        ends = np.array([0.0, float(ww if horizontal else hh)])
        at_ends = slope * ends + at
        pts = np.stack([ends, at_ends], 1) if horizontal else np.stack([at_ends, ends], 1)
        p0, p1 = (tuple(int(round(v)) for v in pt) for pt in pts)
        line = np.zeros((hh, ww), np.uint8)
        cv2.line(line, p0, p1, 1, max(1, round(area / length)) + LINE_SLACK)
        yield line


def straight_runs(
    ink_on_line: np.ndarray, horizontal: bool, r: float, share: float = RULE_RUN_ACROSS
) -> np.ndarray:
    """The runs of `ink_on_line` (uint8) along the line at least `share` radii long."""
    run = max(3, int(share * r)) | 1  # odd: an opening keeps both ends
    kernel = np.ones((1, run) if horizontal else (run, 1), np.uint8)
    return cv2.morphologyEx(ink_on_line, cv2.MORPH_OPEN, kernel)


def rule_chain(runs: np.ndarray, held: np.ndarray, outside: np.ndarray, max_gap: int) -> np.ndarray:
    """Positions along a line (bool profiles) where a rule arriving from outside a seal's disc
    runs on: stretches of its runs and of what may cover it (`held`: the seal's star, the
    crossing rules), joined across paper gaps no longer than `max_gap` (a worn rule's gaps,
    which the rule masks close), that hold a run outside the disc (`outside`); within each,
    from its first run to its last. The seal's text and ring stop the chain: a rule shows
    between their thin strokes as runs of its own, and a line through the seal's text band
    beside a rule that ends at a merged cell (dev6 lg_56021 p2) reads glyph strokes as runs."""
    out = np.zeros_like(runs)
    joined = held | runs
    for a, b in true_runs(~joined):
        if b - a <= max_gap:
            joined[a:b] = True
    for a, b in true_runs(joined):  # each stretch joined
        at = np.flatnonzero(runs[a:b])
        if at.size and (runs[a:b] & outside[a:b]).any():
            out[a + at[0] : a + at[-1] + 1] = True
    return out


def rule_across_seal(
    sub_ink: np.ndarray,
    line: np.ndarray,
    horizontal: bool,
    disc: tuple[float, np.ndarray, np.ndarray],
    crossing: np.ndarray,
    max_gap: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A rule's pixels (uint8, `line`'s window) on its `line` across a seal (`disc`: its radius,
    where the window lies inside its disc and its star, bool): its chain from outside the
    disc (`rule_chain`: its straight runs as long as a rule's piece beside the disc
    (`RULE_PIECE_ACROSS`) off the star, and the star and `crossing` rules,
    uint8, between them), drawn along the line's middle at the rule's own width (the line's
    less its slack). With them, the seal's ink (bool) on the line beside the rule where no run
    of it shows: no print, and read as a stroke crossing the rule it would hide it from the
    grid again (`ocr.grid._edge_present`)."""
    r, inside, star = disc
    on_line = sub_ink & line
    # as long as a rule's piece beside the disc: a glyph's stroke of the seal's text lying
    # along the line is shorter (dev6 lg_56021 p2: 22-35 px at r 151, a rule's 49-59 px)
    runs = straight_runs(on_line, horizontal, r, RULE_PIECE_ACROSS)
    runs[star] = 0
    axis = 0 if horizontal else 1  # a profile along the line: any of it across the line
    run_at = runs.any(axis=axis)
    held = ((star | (crossing > 0)) & (on_line > 0)).any(axis=axis)
    outside = ((line > 0) & ~inside).any(axis=axis)
    chain = rule_chain(run_at, held, outside, max_gap)
    # the line's middle at the rule's own width: the slack taken off across the line
    across = (LINE_SLACK + 1, 1) if horizontal else (1, LINE_SLACK + 1)
    core = cv2.erode(line, np.ones(across, np.uint8))
    beside = (on_line > 0) & (core == 0)
    covered = chain & ~run_at
    if horizontal:
        core[:, ~chain] = 0
        beside[:, ~covered] = False
    else:
        core[~chain, :] = 0
        beside[~covered, :] = False
    return core, beside
