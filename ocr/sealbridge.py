"""A table's rule carried on across a seal printed over it, for the grid's rule masks.

A seal as dark as the print (a red seal scanned in grey: not suppressed, not lifted) lies over
a column rule: `ocr.preprocess.drop_seals` takes the seal's ring, star and text out of the rule
masks and keeps a rule inside the seal's disc only up to its first gap from outside. A worn rule
has gaps, and where the star or a glyph of the seal's text lies on the rule's line the rule's
own run is lost in the seal's ink: the rest of the rule went, the grid lost the column there
and two cells merged (dev5 lg_48718 p3: the 三级指标 | 目标值 rule under a seal's star, three
indicator names read with their targets and a seal glyph, `验收合格率 时明 >96%`).

The rule's line is known outside the disc (its piece beside the disc, fitted straight); on that
line inside the disc it keeps (1) the straight runs of ink at least `RULE_RUN_ACROSS` radii long
that are not the seal's star (a rule's worn pieces: a seal's stroke crosses the line within its
own width), and (2) between two such runs, a stretch where ink covers the line without a break
(the seal's star or glyph lying over the rule: the rule runs on under it). A stretch of paper
between two runs is a worn gap and stays one: the grid reads worn gaps on their own terms.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from ocr.components import components_with_stats

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


def straight_runs(ink_on_line: np.ndarray, horizontal: bool, r: float) -> np.ndarray:
    """The runs of `ink_on_line` (uint8) along the line at least `RULE_RUN_ACROSS` radii long."""
    run = max(3, int(RULE_RUN_ACROSS * r)) | 1  # odd: an opening keeps both ends
    kernel = np.ones((1, run) if horizontal else (run, 1), np.uint8)
    return cv2.morphologyEx(ink_on_line, cv2.MORPH_OPEN, kernel)


def covered_between_runs(runs: np.ndarray, inked: np.ndarray, max_gap: int) -> np.ndarray:
    """Positions along a line (bool profiles) between its first and last run where the rule runs
    on under what covers it: the stretches of ink, joined across paper gaps no longer than
    `max_gap` (a worn rule's gaps the rule masks close), that reach a run."""
    out = np.zeros_like(runs)
    at = np.flatnonzero(runs)
    if at.size < 2:
        return out
    lo, hi = int(at[0]), int(at[-1]) + 1
    held = inked[lo:hi] | runs[lo:hi]
    for a, b in _false_spans(held):
        if b - a <= max_gap:
            held[a:b] = True
    for a, b in _false_spans(~held):  # each stretch held: kept when it reaches a run
        if runs[lo + a : lo + b].any():
            out[lo + a : lo + b] = True
    return out & ~runs


def _false_spans(profile: np.ndarray) -> list[tuple[int, int]]:
    """The (start, end) of each run of False in a bool profile, end exclusive."""
    edges = np.diff(np.concatenate(([1], profile.astype(np.int8), [1])))
    return list(zip(np.flatnonzero(edges == -1), np.flatnonzero(edges == 1), strict=True))


def rule_across_seal(
    sub_ink: np.ndarray,
    line: np.ndarray,
    horizontal: bool,
    r: float,
    star: np.ndarray,
    max_gap: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A rule's pixels (uint8, `line`'s window) on its `line` across a seal of radius `r`: the
    rule's straight runs off the seal's `star` (bool, the window's), and between them the
    stretches the seal's ink covers (`covered_between_runs`), drawn along the line's middle at
    the rule's own width (the line's less its slack). With them, the seal's ink (bool) on the
    line beside the rule in those stretches: no print, and read as a stroke crossing the rule
    it would hide it from the grid again (`ocr.grid._edge_present`)."""
    on_line = sub_ink & line
    runs = straight_runs(on_line, horizontal, r)
    runs[star] = 0
    axis = 0 if horizontal else 1  # a profile along the line: any ink across it
    run_at = runs.any(axis=axis)
    bridged = covered_between_runs(run_at, on_line.any(axis=axis), max_gap)
    if not bridged.any():
        return runs, np.zeros(runs.shape, bool)
    # the line's middle at the rule's own width: the slack taken off across the line
    across = (LINE_SLACK + 1, 1) if horizontal else (1, LINE_SLACK + 1)
    core = cv2.erode(line, np.ones(across, np.uint8))
    beside = (on_line > 0) & (core == 0)
    if horizontal:
        core[:, ~bridged] = 0
        beside[:, ~bridged] = False
    else:
        core[~bridged, :] = 0
        beside[~bridged, :] = False
    return runs | core, beside
