"""Glyphs a cell's line crop must not lose, and glyphs the recogniser names by a shape that two
comparators share.

A cell's text ink (`ocr.cellink`) leaves out blobs never as dark as the page's print (seal
residue, bleed-through). A comparator printed in a thin stroke beside bold digits can be such a
blob: on a faded 150 dpi scan the `>` of `>98%` reached grey 175 where the digits reached 82, so
the line's box began at the `9`, its crop's padding cut the `>` through, and the recogniser read
`98%` (it reads a sliver of a glyph as nothing). The crop is what decides the reading, so it is
widened here past ink it cuts; what a line's box holds is left as `ocr.cellink` found it. On a
page whose toner faded, a thin `=` prints lighter than the binariser's threshold altogether
(dev seeds 8800-9599: its strokes 200-217 on paper 250, the digits beside it 99): it is no ink
at all, the padding cut it in half and `=284批次` was read `284批次`. So the edge test also takes
faint print, measured against the line's own paper (`FAINT_SHARE`). A comparator printed alone
in its cell can be that faint in every stroke (dev lg_9525, a faded photo: a lone `≥` at grey
171-190 on paper 255, never as dark as the page's print): its cell holds no ink and was not
read; `faint_glyph_box` finds it by the same measure (`ocr.page.read_faint_cells` reads it).

A CJK font prints ≥/≤ as ⩾/⩽, the bar slanted along the chevron's lower arm; on a blurred scan
the gap between them closes and the recogniser reads a plain `>`/`<`. The ink tells them apart:
the lower arm then holds two strokes (`barred_chevron`, called from `ocr.engines.bar_chevrons`).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.cellink import ink_bands
from ocr.preprocess import INK_THRESHOLD

# A column at a crop's edge holds faint print where the line's grey, smoothed over 3 × 3 px (a
# lone noise pixel is paper again), is darker than this share of the way from the line's paper
# down to the ink threshold: a faded `=` reaches 213-216 smoothed, paper noise stays over 240
# (paper 250-254, smoothed 0.1st percentile 248) on dev seed 9186's faded page.
FAINT_SHARE = 0.5


def _print_columns(rows: np.ndarray, a: int, b: int, faint_cut: float) -> np.ndarray:
    """Which of the columns a..b of a line's rows hold print: binarised ink, or faint print
    darker than `faint_cut` once smoothed."""
    part = rows[:, a:b]
    smooth = cv2.blur(part, (3, 3))
    return ((part <= INK_THRESHOLD) | (smooth <= faint_cut)).any(axis=0)


def faint_print_cut(rows: np.ndarray) -> float:
    """The grey under which a line's smoothed pixels are faint print: `FAINT_SHARE` of the way
    from its paper (the 75th percentile of its rows: a line is mostly paper) to the ink
    threshold; the threshold itself where the paper is no lighter than it."""
    paper = float(np.percentile(rows, 75))
    return max(float(INK_THRESHOLD), paper - FAINT_SHARE * (paper - INK_THRESHOLD))


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

    Ink is the binariser's (`INK_THRESHOLD`) or faint print (`faint_print_cut`) in the rows
    of the line's ink `box`: an edge column holding some cuts a glyph the box left out. The
    edge moves to the end of that ink when it ends within `reach` px; ink running on further
    (a rule's residue, another value) leaves the edge where it was."""
    left, right = crop_x
    lo, hi = cell_x
    rows = gray[box[1] : box[3], :]
    if rows.size == 0:
        return left, right
    faint = faint_print_cut(rows[:, lo:hi])
    if lo < left < hi:
        inked = _print_columns(rows, max(lo, left - reach), left + 1, faint)
        # local column k stands for page column max(lo, left - reach) + k
        base = max(lo, left - reach)
        if inked[-1]:
            end = _ink_end(inked, inked.size - 1, -1, -1)
            if end is not None or base == lo:
                first = base + (end + 1 if end is not None else 0)
                left = max(lo, first - pad)
    if lo < right < hi:
        base = right - 1
        inked = _print_columns(rows, base, min(hi, right + reach), faint)
        if inked[0]:
            end = _ink_end(inked, 0, 1, inked.size)
            if end is not None or base + inked.size == hi:
                last = base + (end if end is not None else inked.size)
                right = min(hi, last + pad)
    return left, right


# A blob of faint print smaller than this (px) is paper noise, not a stroke.
FAINT_SPECK = 12
# A lone glyph is no taller than this share of its cell and no wider than this many times its
# own height (a `=` is ~1.5 times as wide as tall; two glyphs or a phrase are wider).
GLYPH_CELL_SHARE = 0.8
GLYPH_ASPECT = 2.0
# A glyph's strokes lie within this share of its largest blob's size (longer side) of one
# another; a blob of faint print farther off no larger across than `SPECK_OF_GLYPH` of that
# size is a speck.
GLYPH_REACH = 0.5
SPECK_OF_GLYPH = 0.5
# The glyph must keep this many insets from the cell's rectangle: faint print reaching the
# rules is a worn rule's residue, a seal's ring or a neighbour's overflow, not a printed value.
CLEAR_INSETS = 2
# A faint glyph keeps this many insets from the inset cell (`faint_glyph_box`; it kept
# `CLEAR_INSETS`, one more): a value set flush left stands only a cell's padding from its rule
# (dev5 lg_47303: a faded `9` 8 px from the rule's middle at 180 dpi, 5 px inside the inset
# cell, inset 3). A worn rule's residue or a neighbour's overflow reaches the rule; a seal's
# ring piece is cut by the rules, or too tall or flat to be a glyph.
FAINT_CLEAR_INSETS = 1


def faint_glyph_box(
    gray: np.ndarray, bbox: tuple[float, float, float, float], inset: int
) -> tuple[int, int, int, int] | None:
    """The page box of the one glyph-sized blob of faint print in a cell (page `bbox`) clear
    of its rules by `FAINT_CLEAR_INSETS` insets, or None: no faint print, several glyphs, a
    blob touching the cell's margin, or one too large or too flat to be a glyph. Specks apart
    from the glyph are left out (`glyph_blobs`)."""
    x0, y0, x1, y1 = (int(round(v)) for v in bbox)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 6 * inset or y1 - y0 < 6 * inset:
        return None
    sub = gray[y0:y1, x0:x1]
    faint = (cv2.blur(sub, (3, 3)) <= faint_print_cut(sub)).astype(np.uint8)
    num, _, stats, _ = cv2.connectedComponentsWithStats(faint, connectivity=8)
    blobs = glyph_blobs(
        [tuple(int(v) for v in stats[i][:5]) for i in range(1, num) if stats[i][4] >= FAINT_SPECK]
    )
    if not blobs:
        return None
    h, w = sub.shape
    margin = FAINT_CLEAR_INSETS * inset
    bx0, by0, bx1, by1 = _union(blobs)
    if bx0 < margin or by0 < margin or bx1 > w - margin or by1 > h - margin:
        return None
    gh, gw = by1 - by0, bx1 - bx0
    if gh < 3 or gh > GLYPH_CELL_SHARE * h or gw > GLYPH_ASPECT * gh:
        return None
    return x0 + bx0, y0 + by0, x0 + bx1, y0 + by1


Blob = tuple[int, int, int, int, int]  # x, y, w, h, area


def _union(blobs: list[Blob]) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) around blobs."""
    return (
        min(b[0] for b in blobs),
        min(b[1] for b in blobs),
        max(b[0] + b[2] for b in blobs),
        max(b[1] + b[3] for b in blobs),
    )


def _near(box: tuple[int, int, int, int], blob: Blob, reach: float) -> bool:
    """Whether `blob` lies within `reach` px of `box` (x0, y0, x1, y1) both ways."""
    x, y, bw, bh, _ = blob
    return (
        x <= box[2] + reach
        and x + bw >= box[0] - reach
        and (y <= box[3] + reach and y + bh >= box[1] - reach)
    )


def glyph_blobs(blobs: list[Blob]) -> list[Blob]:
    """The blobs of faint print (x, y, w, h, area) that make one glyph (or a short number) in a
    cell: the largest blob and those within `GLYPH_REACH` of its size (its longer side) from
    it, grown blob by blob (a glyph's strokes a fade broke apart, the two bars of a `=`). A blob
    farther off no larger across than `SPECK_OF_GLYPH` of that size is a speck of dust or noise,
    left out (dev5 lg_47303: specks 3-6 px across in the cells of faded `9`s 12 px tall, which
    the glyph's box took in and called several glyphs: the amounts were never read); a larger
    one is a second mark, and then no blob is one glyph ([])."""
    if not blobs:
        return []
    largest = max(blobs, key=lambda b: b[4])
    size = max(largest[2], largest[3])
    held, rest = [largest], [b for b in blobs if b is not largest]
    grown = True
    while grown:
        box = _union(held)
        near = [b for b in rest if _near(box, b, GLYPH_REACH * size)]
        held += near
        rest = [b for b in rest if b not in near]
        grown = bool(near)
    if any(max(b[2], b[3]) > SPECK_OF_GLYPH * size for b in rest):
        return []
    return held


# A chevron the recogniser read as `>`/`<` and the comparator it is when a bar lies under it.
BARRED = {">": "≥", "<": "≤"}

# A chevron's lower arm this many times as thick as its upper arm carries a second stroke: a
# `>` is symmetric (1), a ⩾ whose bar blurred into the arm it runs along holds two strokes and
# the gap between them (≥ 2); the boundary is halfway.
BAR_THICKNESS_RATIO = 1.5


def lower_arm_ratio(crop: np.ndarray, span: tuple[float, float], chevron: str) -> float | None:
    """How many times the ink of a chevron's upper arm its lower arm holds, measured down the
    columns of the glyph's open half (a `>` opens left, a `<` right) where the two arms are apart:
    the median over the columns crossing exactly two ink runs, each arm's ink its darkness below
    the crop's paper summed from the glyph's edge to halfway between the runs. Darkness, not
    run length: a thin stroke drawn one pixel in one arm and two in the other holds the same ink.

    The glyph is the crop's ink (Otsu: this crop's own paper against its own print) whose
    connected pieces centre inside `span` (crop px: where the recogniser placed the character),
    leaving out specks under a tenth of its largest piece. None where fewer than three columns
    show both arms apart (a glyph too small or too worn to measure)."""
    gray = crop.min(axis=2) if crop.ndim == 3 else crop
    if gray.size == 0 or int(gray.max()) == int(gray.min()):
        return None
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    inside = [i for i in range(1, n) if span[0] <= centres[i][0] < span[1]]
    if not inside:
        return None
    largest = max(int(stats[i, cv2.CC_STAT_AREA]) for i in inside)
    pieces = [i for i in inside if stats[i, cv2.CC_STAT_AREA] * 10 >= largest]
    mask = np.isin(labels, pieces)
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    glyph = mask[y0:y1, x0:x1]
    paper = float(np.median(gray[ink == 0]))
    dark = np.clip(paper - gray[y0:y1, x0:x1].astype(np.float64), 0.0, None)
    width = glyph.shape[1]
    half = range(0, width // 2) if chevron == ">" else range(width - width // 2, width)
    ratios = []
    for x in half:
        runs = ink_bands(glyph[:, x : x + 1])
        if len(runs) == 2:
            split = (runs[0][1] + runs[1][0]) // 2
            upper, lower = dark[:split, x].sum(), dark[split:, x].sum()
            if upper > 0:
                ratios.append(lower / upper)
    return float(np.median(ratios)) if len(ratios) >= 3 else None


def barred_chevron(crop: np.ndarray, span: tuple[float, float], chevron: str) -> bool:
    """Whether the chevron read as `chevron` in `span` of a line crop is a ≥/≤ whose bar blurred
    into its lower arm. A CJK font prints ≥ as ⩾, the bar slanted along the lower arm; on a
    150 dpi scan the gap between them closes and the recogniser reads `>` (it gives `≥` 0.1–0.4
    of the probability), but the lower arm is then twice as thick as the upper one."""
    ratio = lower_arm_ratio(crop, span, chevron)
    return ratio is not None and ratio >= BAR_THICKNESS_RATIO


# Two level strokes print one `=` when they overlap over at least this share of the longer: a
# CJK font prints 二's upper stroke 0.51-0.81 of its lower (AR PL, WQY, Noto CJK), `=` 1.0.
LEVEL_PAIR_SHARE = 0.9
# A stroke is level when it is at least this many times as wide as it is tall.
LEVEL_STROKE_ASPECT = 3.0


def level_stroke_pair(crop: np.ndarray) -> bool:
    """Whether a cell's lone glyph (`crop`, clear of its rules) is two level strokes of one
    length, one above the other: what `=` prints. The recogniser reads a scanned `=` as 二 at
    0.83-0.96 without ranking `=` at all (dev2 grid25); only the shape tells them apart.

    The glyph is the crop's ink (Otsu: the crop's own paper against its own print) less specks
    under a tenth of its largest piece; its rows holding ink must form exactly two runs, each
    at least `LEVEL_STROKE_ASPECT` times as wide as tall, overlapping over `LEVEL_PAIR_SHARE` of
    the longer (a stroke's breaks in a worn scan do not matter: the run's extent is measured)."""
    gray = crop.min(axis=2) if crop.ndim == 3 else crop
    if gray.size == 0 or int(gray.max()) == int(gray.min()):
        return False
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return False
    largest = int(stats[1:, cv2.CC_STAT_AREA].max())
    pieces = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] * 10 >= largest]
    mask = np.isin(labels, pieces)
    bands = ink_bands(mask)
    if len(bands) != 2:
        return False
    extents = []
    for top, bottom in bands:
        xs = np.flatnonzero(mask[top:bottom].any(axis=0))
        x0, x1 = int(xs[0]), int(xs[-1]) + 1
        if x1 - x0 < LEVEL_STROKE_ASPECT * (bottom - top):
            return False
        extents.append((x0, x1))
    (a0, a1), (b0, b1) = extents
    overlap = min(a1, b1) - max(a0, b0)
    return overlap >= LEVEL_PAIR_SHARE * max(a1 - a0, b1 - b0)
