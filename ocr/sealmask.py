"""Take a seal's own strokes off a scanned page by their geometry, before recognition.

A seal that `ocr.preprocess.lift_grey_seals` cannot lift (its ink as dark as the print: a red
seal scanned in grey over faded print) is still known by its shape (`find_seals`: a thin ring
on a circle). An official seal is drawn the same way whatever its size: a ring, a solid star at
its centre and its text laid along an arc inside the ring, each glyph turned to face the centre.
Each part is measured on the page from the seal's radial ink profile (how much of each circle
around the centre is ink), never from fixed pixels:

- the ring: the radii around the found radius where most of the circle is ink;
- the star: the solid core at the centre and the radii out to where its points end;
- the text: the band between the star and the ring where the ink is densest.

Ring ink goes but for print crossing it (ink on the same ray just inside and outside it) and a
table's rules that run on outside the disc; star ink goes where a disc wider than print's
stroke fits (its wedges), with its edge. The text band's ink goes by glyph: a blob mostly in
the band, no longer along the arc than one glyph's slot (longer, print is joined to it and it
stays), grouped with its neighbours into glyphs taller than a line of print, unless it stands
in a printed row: beside print with its foot on the same line and no taller than it (a seal
glyph beside a value, `45932.02委政`, is taller than the digits). Each part then keeps the ink
darker than half way between print's level and the part's own (a grey seal's thin text is
lighter than its ring; print under it is darker), so print the seal covers stays.

Measured on dev (docs/scans.md): the 17 dev scans and images with a grey seal of seeds
5000-5259 and the 120 dev seeds 4700-4819. Without the level guard the glyph erasure took
print joined to or overlapping a seal glyph and lost more than it won.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.components import components_with_stats

# A circle around the seal's centre is part of the ring (or of the star's solid core) where at
# least this share of it is ink: the ring covers 0.8-1.0 of its circle, print under a seal ~0.2.
SOLID_SHARE = 0.5


@dataclass(frozen=True)
class SealShape:
    """A seal's parts as radii from its centre, measured on the page (px)."""

    cx: float
    cy: float
    ring: tuple[float, float]  # inner and outer radius of the ring's ink
    star: float  # how far the star's points reach (0: no solid centre)
    text: tuple[float, float]  # the band the seal's text lies in


def radial_profile(ink: np.ndarray, cx: float, cy: float, reach: float) -> np.ndarray:
    """Per whole radius 0…reach px: the share of that circle (within the page) that is ink."""
    h, w = ink.shape
    x0, x1 = max(0, int(cx - reach)), min(w, int(cx + reach) + 1)
    y0, y1 = max(0, int(cy - reach)), min(h, int(cy + reach) + 1)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    d = np.hypot(xx - cx, yy - cy).astype(int)
    n = int(reach) + 1
    inside = d < n
    total = np.bincount(d[inside], minlength=n)[:n]
    inked = np.bincount(d[inside], weights=(ink[y0:y1, x0:x1] > 0)[inside], minlength=n)[:n]
    return inked / np.maximum(total, 1)


def measure_seal(ink: np.ndarray, cx: float, cy: float, r: float) -> SealShape | None:
    """The seal's ring, star and text band from its radial ink profile; None when the profile
    shows no ring at `r` (the caller's circle was not a seal's)."""
    prof = radial_profile(ink, cx, cy, 1.2 * r)
    # the ring near the found radius (`find_seals` looks for it within 0.8-1.2 r)
    lo, hi = max(1, int(0.85 * r)), min(len(prof) - 1, int(1.15 * r))
    k = lo + int(np.argmax(prof[lo : hi + 1]))
    if prof[k] < SOLID_SHARE:
        return None
    a = k
    while a > lo and prof[a - 1] >= SOLID_SHARE:
        a -= 1
    b = k
    while b < len(prof) - 1 and prof[b + 1] >= SOLID_SHARE:
        b += 1
    ring_in, ring_out = float(a), float(b)
    # the star: a solid core at the centre, its points fading out to where the profile reaches
    # its floor between star and ring
    star = 0.0
    core = 0
    while core < a and prof[core] >= SOLID_SHARE:
        core += 1
    inner = prof[core:a]
    if core > 0 and inner.size:
        floor = float(inner.min())
        end = core + int(np.argmax(inner <= floor + 0.05))
        star = float(end)
    # the text: the run of dense circles around the densest one between star and ring
    smooth = np.convolve(prof, np.ones(5) / 5, mode="same")
    t0 = int(star) + 1
    # the smoothing spreads the ring two radii inward: the text ends before that
    t1 = max(t0 + 1, a - 3)
    seg = smooth[t0:t1]
    if seg.size < 3:
        return SealShape(cx, cy, (ring_in, ring_out), star, (ring_in, ring_in))
    p = t0 + int(np.argmax(seg))
    half = (float(smooth[p]) + float(seg.min())) / 2
    u = p
    while u > t0 and smooth[u - 1] >= half:
        u -= 1
    return SealShape(cx, cy, (ring_in, ring_out), star, (float(u), ring_in))


def stroke_width(ink: np.ndarray) -> float:
    """A typical stroke's width (px) of the ink mask from the mean distance of its pixels to
    the paper: a bar w px wide holds distances 1 … w/2, a mean of about w/4 + 1/2."""
    if not ink.any():
        return 2.0
    dist = cv2.distanceTransform((ink > 0).astype(np.uint8), cv2.DIST_L2, 3)
    return max(2.0, 4.0 * (float(dist[ink > 0].mean()) - 0.5))


def seal_erasure(
    ink: np.ndarray,
    rules: np.ndarray,
    shape: SealShape,
    stroke: float,
    text_height: float,
) -> tuple[tuple[int, int, int, int], list[np.ndarray]]:
    """The seal's own ink in its square (x0, y0, x1, y1) as bool masks of its ring, its star
    and the text band's glyphs that stand in no printed row. `rules`: the table's rules kept
    across the seal (never erased); `stroke`, `text_height`: print's, measured outside seals."""
    h, w = ink.shape
    reach = shape.ring[1] + stroke + 2
    x0, x1 = max(0, int(shape.cx - reach)), min(w, int(shape.cx + reach) + 1)
    y0, y1 = max(0, int(shape.cy - reach)), min(h, int(shape.cy + reach) + 1)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    d = np.hypot(xx - shape.cx, yy - shape.cy)
    sub = ink[y0:y1, x0:x1] > 0
    keep = rules[y0:y1, x0:x1] > 0
    # the ring, widened by a stroke for its blurred edge, but for print that crosses it: ink on
    # the same ray just inside and just outside the widened ring is a stroke running across
    a, b = shape.ring[0] - stroke, shape.ring[1] + stroke
    ring = sub & (d >= a) & (d <= b)
    erase = ring & ~_crossing(ink, shape, xx, yy, d, a - 2, b + 2)
    ring_part = erase.copy()
    # the star: ink joined to the solid core, no further out than its points, and only what a
    # disc wider than print's stroke fits in (the star's points are wedges many strokes wide
    # at their base; print touching the star is strokes, which the opening leaves out)
    if shape.star > 0:
        near = (sub & (d <= shape.star + stroke)).astype(np.uint8)
        size = 2 * int(round(STAR_STROKES * stroke / 2)) + 1
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        solid = cv2.morphologyEx(near, cv2.MORPH_OPEN, disc)
        num, labels, _, _ = components_with_stats(solid)
        core = np.unique(labels[(d <= max(2.0, 0.5 * shape.star)) & (solid > 0)])
        star = np.isin(labels, core[core > 0])
        # the wedges' tips and blurred edges, thinner than the disc: a stroke's reach around
        reach = max(1, int(round(stroke / 2)))
        grown = cv2.dilate(star.astype(np.uint8), np.ones((2 * reach + 1,) * 2, np.uint8))
        erase |= (grown > 0) & (near > 0)
    star_part = erase & ~ring_part
    # the text: glyph groups wholly in the band
    band_in, band_out = shape.text[0] - stroke / 2, shape.text[1] + stroke / 2
    rest = (sub & ~erase & ~keep).astype(np.uint8)
    num, labels, stats, _ = components_with_stats(rest)
    if num > 1:
        lab_in = np.bincount(labels[(d >= band_in) & (d <= band_out)], minlength=num)
        cand = lab_in >= IN_BAND * stats[:, cv2.CC_STAT_AREA]
        cand[0] = False
        # one seal glyph spans no more along the arc than its slot: wider, it is print that a
        # seal glyph joined (`42场次` touching 县), which cannot be parted and stays
        fit = GLYPH_FIT * (shape.text[1] - shape.text[0])
        ang = np.arctan2(yy - shape.cy, xx - shape.cx)
        for i in np.flatnonzero(cand):
            x, y, bw, bh = (int(v) for v in stats[i, :4])
            part = labels[y : y + bh, x : x + bw] == i
            a = np.broadcast_to(ang, d.shape)[y : y + bh, x : x + bw][part]
            a = np.angle(np.exp(1j * (a - np.angle(np.exp(1j * a).mean()))))
            along = float(a.max() - a.min()) * float(d[y : y + bh, x : x + bw][part].mean())
            cand[i] = along <= fit
        # print that reaches outside the band: the rows a glyph of the band may stand in
        anchors = [
            stats[i, :4]
            for i in range(1, num)
            if not cand[i]
            and ROW_MATE * text_height <= stats[i, cv2.CC_STAT_HEIGHT] <= TITLE * text_height
        ]
        in_row = _in_print_rows(stats, num, cand, anchors, text_height)
        seal_ink = (cand & ~in_row)[labels]
        # a glyph's parts as one: the gaps inside a glyph are under 2 × GLYPH_GAP text heights
        grow = max(1, int(round(GLYPH_GAP * text_height)))
        grouped = cv2.dilate(seal_ink.astype(np.uint8), np.ones((2 * grow + 1,) * 2, np.uint8))
        gnum, glabels, gstats, _ = components_with_stats(grouped)
        # a seal's glyph is taller than a line of print (seal text is cut larger than the body
        # text, and a glyph turned on the arc only grows its box); a lone value or a short row
        # of print under the seal is not
        tall = gstats[:, cv2.CC_STAT_HEIGHT] - 2 * grow >= SEAL_GLYPH * text_height
        tall[0] = False
        erase |= seal_ink & tall[glabels]
    text_part = erase & ~ring_part & ~star_part
    return (x0, y0, x1, y1), [p & ~keep for p in (ring_part, star_part, text_part)]


def _crossing(
    ink: np.ndarray,
    shape: SealShape,
    xx: np.ndarray,
    yy: np.ndarray,
    d: np.ndarray,
    inner: float,
    outer: float,
) -> np.ndarray:
    """Per pixel of the seal's square: is there ink on its ray at radius `inner` and at
    `outer` (a stroke of print crossing the ring there)."""
    h, w = ink.shape
    safe = np.maximum(d, 1e-6)
    ux, uy = (xx - shape.cx) / safe, (yy - shape.cy) / safe
    hit = np.ones(d.shape, bool)
    for rho in (inner, outer):
        px = np.clip(np.rint(shape.cx + rho * ux).astype(int), 0, w - 1)
        py = np.clip(np.rint(shape.cy + rho * uy).astype(int), 0, h - 1)
        hit &= ink[py, px] > 0
    return hit


# A component of ink is the text band's when at least this share of it lies in the band: the
# band is measured where the ring text is densest (half way up its profile), and a glyph's
# sparse outer strokes reach a little past it either way
IN_BAND = 0.75
# One seal glyph spans along the arc at most this many times the text band's width (a glyph
# is ~0.65 of the band measured half way up the profile; the rest is its blurred edge)
GLYPH_FIT = 0.9
# A group of ink in the text band is a seal's glyph only when both sides of its box are at
# least this many print text heights (generated seals: glyphs 1.1-1.45 of the print's height
# upright, ~1.4 times more turned on the arc; real seals cut their text larger than body text)
SEAL_GLYPH = 1.1
# A row-mate is at most this many text heights tall: a title's larger print stands in a row too
TITLE = 2.0
# The star is the ink a disc this many print strokes wide fits in
STAR_STROKES = 2.0
# Parts of one glyph lie at most twice this many print text heights apart (a seal glyph's
# radicals ~0.1-0.3 of its size; the gap between two seal glyphs on the arc ~0.4 of it)
GLYPH_GAP = 0.2
# A glyph stands in a print row when its foot is within this many text heights of a row-mate's
# and it reaches no higher above the row-mate's top than this either (print's glyphs of one row
# share their foot; Han and digits differ by ~0.2 of the height at the top)
ROW_ALIGN = 0.25
# and is no taller than its row-mate (or a text line) by more than this many text heights: a
# seal's upright glyph at the top of the arc is ~1.1-1.45 of print's height
ROW_TALLER = 0.1
# A row-mate is print at least this many text heights tall (a digit, most of a Han glyph;
# a speck or a dot has no foot to align with)
ROW_MATE = 0.5
# and lies no further beside it than this many text heights (a row's glyph spacing is ≤ 1; two
# let the row go on past one glyph a seal's stroke joined to its own)
ROW_GAP = 2.0


def _in_print_rows(
    stats: np.ndarray, num: int, cand: np.ndarray, anchors: list[np.ndarray], text_height: float
) -> np.ndarray:
    """Which candidate components stand in a row of print: beside an anchor with their foot on
    its foot and no taller than it or, in turn, beside a candidate found so (a row's glyphs all
    inside the band)."""
    kept = np.zeros(num, bool)
    rows = [tuple(int(v) for v in a) for a in anchors]
    tol, gap = ROW_ALIGN * text_height, ROW_GAP * text_height
    changed = True
    while changed:
        changed = False
        for g in range(1, num):
            if kept[g] or not cand[g]:
                continue
            x, y, bw, bh = (int(v) for v in stats[g, :4])
            for ax, ay, aw, ah in rows:
                beside = x - (ax + aw) <= gap and ax - (x + bw) <= gap
                if (
                    beside
                    and abs((y + bh) - (ay + ah)) <= tol
                    and y >= ay - tol
                    and bh <= max(ah, text_height) + ROW_TALLER * text_height
                ):
                    kept[g] = True
                    rows.append((x, y, bw, bh))
                    changed = True
                    break
    return kept


def _keep_darker_print(sub: np.ndarray, parts: list[np.ndarray], print_level: float) -> np.ndarray:
    """The parts' union without the ink darker than half way between print's level and each
    part's own (ring, star, text: a grey seal's thin text is lighter than its ring and star):
    print under a seal lighter than it stays. A part as dark as print or darker goes whole."""
    out = np.zeros(sub.shape, bool)
    for part in parts:
        if not part.any():
            continue
        seal_level = float(np.median(sub[part]))
        if seal_level > print_level:
            cut = (print_level + seal_level) / 2
            dark = cv2.dilate((sub <= cut).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
            part = part & ~dark
        out |= part
    return out


# Heights of print's ink blobs looked at for the text height: the blobs of a page's Han glyphs
# are whole glyphs or their radicals (more of them radicals on faded print: the median blob
# of a faded 240 dpi photo was 14 px against glyphs of 26); the 90th percentile is a whole
# glyph's height (26-27 px at 200 dpi on clean and faded pages alike)
TEXT_HEIGHT_SHARE = 90


def print_text_height(text: np.ndarray, min_area: int) -> float | None:
    """Print's glyph height (px) from the blobs of `text` (print's ink, no rules, no seals),
    specks under `min_area` px left out; None without print."""
    num, _, stats, _ = components_with_stats(text)
    heights = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= min_area]
    if heights.size == 0:
        return None
    return float(np.percentile(heights, TEXT_HEIGHT_SHARE))


def mask_seals(
    gray: np.ndarray,
    ink: np.ndarray,
    rules: np.ndarray,
    text: np.ndarray,
    seals: list[tuple[float, float, float]],
    min_area: int,
    print_level: float | None = None,
) -> tuple[np.ndarray, int]:
    """`gray` with each seal's ring, star and text glyphs turned to paper (a copy when any
    is), and how many seals were masked. `ink`: the page's ink; `rules`: the table's rules kept
    across the seals; `text`: print's ink outside every seal's disc, to measure print by."""
    height = print_text_height(text, min_area)
    if height is None or not seals:
        return gray, 0
    stroke = stroke_width(text)
    out = gray
    masked = 0
    for cx, cy, r in seals:
        shape = measure_seal(ink, cx, cy, r)
        if shape is None:
            continue
        (x0, y0, x1, y1), parts = seal_erasure(ink, rules, shape, stroke, height)
        sub = gray[y0:y1, x0:x1]
        if print_level is not None:
            erase = _keep_darker_print(sub, parts, print_level)
        else:
            erase = parts[0] | parts[1] | parts[2]
        # the erased strokes' blurred fringe too (lighter than the ink threshold, yet a grey
        # ghost of the glyph the recogniser still reads), never touching the ink kept
        reach = max(1, int(round(stroke / 2)))
        kernel = np.ones((2 * reach + 1,) * 2, np.uint8)
        fringe = cv2.dilate(erase.astype(np.uint8), kernel) > 0
        kept = cv2.dilate(((ink[y0:y1, x0:x1] > 0) & ~erase).astype(np.uint8), kernel) > 0
        if out is gray:
            out = gray.copy()
        out[y0:y1, x0:x1][erase | (fringe & ~kept)] = 255
        masked += 1
    return out, masked
