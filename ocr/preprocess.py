"""Make a scanned page look like a clean render before grid detection and OCR.

Order matters: red seals are suppressed first (their ring would otherwise read as rules and their
text as cell text), then the background is flattened (grey paper, uneven light), then the page is
turned upright (90° steps, decided from text-line shapes and OCR confidence), deskewed (a few
degrees, projection-profile search) and, for phone photos, bowed rows and then bowed columns are
straightened and the table's outer quadrilateral is warped back to a rectangle.

Memory: a 300-dpi page is 8.7 Mpx, so every page-sized float32 copy costs 35 MB per page worker.
Steps work in uint8 (OpenCV's saturating arithmetic, lookup tables), touch only the pixels they
change, remap in bands of rows, and only the grey page is carried once orientation is decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import cv2
import numpy as np

from flows.models import Decisions
from ocr.components import components_with_stats
from ocr.engines import OcrEngine
from ocr.sealbridge import Window, disc_window, rule_across_seal, rule_lines_beside, straight_runs


@dataclass
class Prepared:
    """The normalised page and how it was obtained (for provenance and debugging)."""

    gray: np.ndarray  # upright, deskewed, seal-free, background-normalised grey: what OCR reads
    quarter_turns: int = 0  # counter-clockwise 90° turns applied
    angle: float = 0.0  # deskew rotation applied (degrees, counter-clockwise)
    warped: bool = False  # perspective correction applied
    notes: list[str] = field(default_factory=list)
    # `line_masks(binarize(gray))` (horizontal, vertical) when prepare made them of the final
    # page (not warped after): `ocr_page` needs the same masks and made them a second time
    rules: tuple[np.ndarray, np.ndarray] | None = None
    # the seals `find_seals` finds on the final page where the preprocessing knows them: none
    # when it found none before turning and deskewing the page (turning a page puts no seal on
    # it), None when it found some (they moved with the page: `ocr_page` looks again).
    # `find_seals` ran twice a page, ~4% of its CPU (a Hough transform and each candidate's ring)
    seals: list[tuple[float, float, float]] | None = None
    # what was decided on weaker evidence than usual (an orientation the reading could not
    # judge): landed, naming the page (`PageGrid.notes`)
    doubts: list[str] = field(default_factory=list)
    # a grey seal lifted to paper; rules straightened (rows or columns) or the table's
    # quadrilateral warped after the skew
    seals_lifted: bool = False
    reshaped: bool = False

    @property
    def decided(self) -> Decisions:
        """What this preparation judged: what `prepare(..., decided=)` takes to prepare the
        same image again without judging."""
        return Decisions(self.quarter_turns, self.angle, self.seals_lifted, self.reshaped)

    @property
    def image(self) -> np.ndarray:
        """The page as BGR, made on demand: every channel is `gray`, so the pipeline carries
        the grey page only (a colour copy of a 300-dpi page is 26 MB per worker)."""
        return cv2.cvtColor(self.gray, cv2.COLOR_GRAY2BGR)


def to_bgr(image: np.ndarray) -> np.ndarray:
    """Any 8-bit grey/BGR/BGRA array as contiguous BGR."""
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image)


# A crop's print is faint when its darkest ink (`FAINT_INK_SHARE` percentile) stands fewer
# than this many grey levels under its paper (`FAINT_PAPER_SHARE` percentile). Print of normal
# weight keeps 115-190 levels even blurred at 150 dpi (dev10 lg_94688 p2, lg_94986); a faded
# page's keeps 69-99 (lg_92927, lg_94688 p1), and the recogniser, which takes grey as it
# comes, read such a crop's `41.9` as `11.9` at 0.955.
FAINT_CONTRAST = 100
FAINT_INK_SHARE = 1
FAINT_PAPER_SHARE = 90
# A faint crop is given this much contrast, paper white: that of print of normal weight, not
# black on white. Stretched to black, lg_92927's `41.9` read right too, but the paper's noise
# was stretched with the print and a faded 150 dpi photo's words lost glyphs (dev11 lg_102156:
# 综治 read 辉治, 必填 read 必项, each right at this contrast and as cut).
PRINT_CONTRAST = 170


def stretch_faint(crop: np.ndarray) -> np.ndarray:
    """A crop of faint print (`FAINT_CONTRAST`) with its grey stretched so that its paper is
    white and its darkest ink `PRINT_CONTRAST` levels under it, as print of normal weight
    reaches the recogniser; any other crop as it is (the same array: the same pixels, the same
    reading). A crop whose darkest grey stands no further under its paper than noise does
    (`RIDGE_CONTRAST`) is left too."""
    grey = crop if crop.ndim == 2 else crop[..., 0]
    if grey.size == 0:
        return crop
    ink, paper = np.percentile(grey, (FAINT_INK_SHARE, FAINT_PAPER_SHARE))
    if not RIDGE_CONTRAST <= paper - ink < FAINT_CONTRAST:
        return crop  # print of normal weight, or no more than paper noise to stretch
    return cv2.LUT(crop, stretch_lut(paper, PRINT_CONTRAST / (paper - ink)))


def stretch_lut(paper: float, gain: float) -> np.ndarray:
    """A 256-entry table (uint8) taking grey level `paper` to white and stretching the levels
    under it by `gain`, clipped: one table applied in place of image-sized float arithmetic
    (`restore_contrast`'s page, `stretch_faint`'s crop)."""
    levels = 255.0 - (paper - np.arange(256, dtype=np.float32)) * gain
    return np.clip(levels, 0, 255).astype(np.uint8)


def suppress_red(image: np.ndarray) -> tuple[np.ndarray, float]:
    """Whiten red/pink seal ink, keeping dark ink printed under it.

    A pixel is seal ink when it is saturated and red in HSV; its replacement is its red channel
    (as a grey), which is bright where only the seal is and stays dark where black text lies under
    the seal. Returns the cleaned image and the fraction of pixels touched."""
    # uint8 masks from cv2.inRange: no page-sized bool/float temporaries (a 300-dpi page is
    # 8.7 Mpx; each float64 copy of it was 70 MB)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    red = cv2.inRange(hsv, (0, 60, 70), (12, 255, 255))
    cv2.bitwise_or(red, cv2.inRange(hsv, (160, 60, 70), (180, 255, 255)), dst=red)
    del hsv
    frac = cv2.countNonZero(red) / red.size
    if frac < 1e-4:
        return image, 0.0
    # grow the mask so the seal's edges go too: anti-aliased, and on a blurred scan a pink
    # fringe ~3 px wide too pale to count as red but darker than the paper
    where = np.nonzero(cv2.dilate(red, np.ones((7, 7), np.uint8)))
    del red
    out = image.copy()
    # brighten: seal-only pixels become paper, ink under the seal keeps its darkness; never
    # brighter than the paper there (on a grey scan a seal lifted to white, its pink fringe
    # left darker, is a ring of halo that a faded page's contrast stretch turns into ink)
    paper = paper_level(image[..., 2])[where].astype(np.float32)
    r = out[..., 2][where].astype(np.float32)
    lifted = np.minimum(np.clip(r * 1.15 + 10, 0, 255), paper).astype(np.uint8)
    for c in range(3):
        out[..., c][where] = lifted
    return out, frac


def paper_level(channel: np.ndarray, floor: int = 0) -> np.ndarray:
    """The paper's level under each pixel of one channel (uint8, page-sized), at least `floor`:
    a closing on a 1/8 copy takes out whatever is darker than the paper around it (print, and in
    the red channel a seal's ink). `flatten_background` divides by it; `suppress_red` lifts a
    seal no further than it."""
    h, w = channel.shape
    scale = 8
    small = cv2.resize(
        channel, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA
    )
    level = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    level = cv2.GaussianBlur(level, (0, 0), 3)
    return cv2.resize(np.maximum(level, floor), (w, h), interpolation=cv2.INTER_LINEAR)


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide by the estimated paper brightness: removes grey paper and uneven light."""
    bg = paper_level(gray, floor=1)  # never 0: it divides
    # uint8 in, uint8 out, saturated: no page-sized float copies (4 of them were 140 MB at 300 dpi)
    return cv2.divide(gray, bg, scale=255.0)


def restore_contrast(gray: np.ndarray, target: float = 40.0) -> tuple[np.ndarray, float]:
    """Stretch a faded page so its ink is dark again (paper stays 255).

    A faded scan's darkest ink sits near 190 after flattening: above the ink threshold of
    `binarize`, and strokes of brackets fade out of the recogniser's view. The ink level is a low
    percentile of the page; when it is paler than 110 it is mapped to `target`. Returns the page
    and the gain applied (1.0: untouched)."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    # the 0.5th percentile from the histogram (linear between levels, as np.percentile):
    # sorting a page-sized copy is what that cost
    rank = 0.005 * (gray.size - 1)
    cum = np.cumsum(hist)
    lo = int(np.searchsorted(cum, rank, side="right"))
    hi = int(np.searchsorted(cum, rank + 1, side="right"))
    ink = lo + (min(hi, 255) - lo) * (rank - np.floor(rank))
    if ink <= 110 or ink >= 245:
        return gray, 1.0
    gain = (255.0 - target) / (255.0 - ink)
    return cv2.LUT(gray, stretch_lut(255.0, gain)), gain


Box = tuple[int, int, int, int, int]
"""A connected component's x, y, width, height and area (px), as cv2's stats give them."""


def components(
    mask: np.ndarray, connectivity: int, wanted: Callable[[Box], bool]
) -> list[tuple[Box, np.ndarray]]:
    """The connected components of a uint8 0/1 `mask` that are `wanted` (judged by their box),
    each with its own pixels inside its box (bool), in cv2's order (by first pixel, row by row).

    Labelled band by band: a component cannot cross a row without ink, and a page's rule mask
    or fill mask holds ink on few rows, so only those rows are labelled, never a page-sized
    label image (on 12 dev scan pages `straighten_rules` and `lift_fills` spent 0.09 CPU-s a
    page labelling whole pages). The same components, boxes and pixels as one
    `cv2.connectedComponentsWithStats` of the whole mask."""
    rows = np.flatnonzero(mask.any(axis=1))
    if not len(rows):
        return []
    cuts = np.flatnonzero(np.diff(rows) > 1)
    # bands start and end on even rows, as cv2's block-wise labelling pairs the rows of the
    # whole mask: its components come in the same order (a row added is one without ink)
    starts = np.concatenate(([rows[0]], rows[cuts + 1])) // 2 * 2
    ends = np.minimum((np.concatenate((rows[cuts], [rows[-1]])) + 2) // 2 * 2, len(mask))
    out: list[tuple[Box, np.ndarray]] = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        num, labels, stats, _ = cv2.connectedComponentsWithStats(
            mask[a:b], connectivity=connectivity
        )
        for i in range(1, num):
            x, y, bw, bh, area = (int(v) for v in stats[i])
            box = (x, y + a, bw, bh, area)
            if wanted(box):
                out.append((box, labels[y : y + bh, x : x + bw] == i))
    return out


def lift_fills(gray: np.ndarray, min_area_frac: float = 0.0008) -> tuple[np.ndarray, int]:
    """Turn solid cell fills (a blue or grey heading row) into paper, keeping the text on them.

    A fill is a large solid mid-tone region: what survives an opening that removes strokes and
    rules. Each region is divided by its own median level, so the fill becomes white while the
    black text printed on it stays dark; otherwise the fill is ink to `binarize` and the grid
    under it is lost. Returns the page and the number of fills lifted."""
    h, w = gray.shape
    mid = cv2.inRange(gray, 51, 231) // 255  # no bool temporaries
    k = max(7, min(h, w) // 180)
    solid = cv2.morphologyEx(mid, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    if not solid.any():
        return gray, 0
    out = gray.copy()
    lifted = 0
    big = components(solid, 4, lambda box: box[4] >= min_area_frac * h * w)
    for (x, y, bw, bh, _), comp in big:
        level = float(np.median(gray[y : y + bh, x : x + bw][comp]))
        # the region with the text holes closed, grown over the fill's anti-aliased edge
        region = cv2.morphologyEx(comp.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3 * k, 3 * k)))
        region = cv2.dilate(region, np.ones((3, 3), np.uint8)).astype(bool)
        patch = out[y : y + bh, x : x + bw]
        scaled = np.clip(patch.astype(np.float32) * (255.0 / max(level, 1.0)), 0, 255)
        patch[region] = scaled.astype(np.uint8)[region]
        lifted += 1
    return out, lifted


# A grey seal (a red seal scanned in grey, or a grey stamp) is told from the print by its
# level: its ring's median grey must be at least this much lighter than the print's strokes at
# their darkest (`stroke_level`; validation-like grey scans: seal ~125-135, print ~45-55). A
# seal as dark as the print or darker (a red seal scanned in grey over faded print: lg_4892 p1,
# ring 129 over strokes of 143) cannot be told by its level; the grid step still drops its arcs
# from the rule masks.
GREY_SEAL_MARGIN = 40
# A seal's star lies within this many radii of its centre, and is solid there: its core is the
# ink an opening this many radii wide leaves (print strokes and rules are thinner). Its arms are
# straight, so one lying along a rule's line passed for the rule's run (`_seal_star`).
STAR_REACH = 0.45
STAR_CORE = 0.08
# A blob of ink smaller than this (px) is a speck, not a stroke of print (`stroke_level`).
MIN_STROKE_AREA = 15
# Strokes `stroke_level` looks at, at most (evenly spread over the page): the median of a few
# hundred is as good as of all, and a page holds thousands.
MAX_STROKES = 600


def stroke_level(gray: np.ndarray, ink: np.ndarray) -> float | None:
    """The print's typical darkness: the median over its strokes (connected blobs of `ink`,
    uint8 0/1, specks left out) of each stroke's darker tenth; None without strokes.

    Per stroke, not per pixel: the darkest pixels of a page are those of its darkest marks (a
    seal darker than faded print, bold headings, rules), so a low percentile of all ink
    measured the seal itself (lg_4892 p1: 89, the print's strokes 143, the ring 96) and a seal
    darker than the print was taken for one lighter than it; its lift erased the print under
    it. Not the measure of `ocr.cellink`: `ink_components` gives each blob's one darkest pixel
    (does a blob reach print's darkness anywhere) and `print_cuts` the page's darkest ink (a
    low percentile of all of it); this is a typical stroke's level, for comparing a seal's."""
    num, labels, stats, _ = components_with_stats(ink)
    keep = [i for i in range(1, num) if stats[i, cv2.CC_STAT_AREA] >= MIN_STROKE_AREA]
    if not keep:
        return None
    step = max(1, len(keep) // MAX_STROKES)
    levels = []
    for i in keep[::step]:
        x, y, w, h = (int(v) for v in stats[i, :4])
        levels.append(
            np.percentile(gray[y : y + h, x : x + w][labels[y : y + h, x : x + w] == i], 10)
        )
    return float(np.median(levels))


def lift_grey_seals(gray: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Turn a grey seal's ink into paper where it is lighter than the print, keeping the print
    under it and the table's rules across it. Returns the page, the number of seals lifted and
    the number found (lifted or not: `prepare` tells `find_tables` whether to look again).

    The seal is found by its geometry (`find_seals`: a thin ring on a circle) and its ring's
    level compared with the print's strokes outside every seal's disc (`stroke_level`); inside
    its disc ink lighter than the midpoint of the two levels, not touching darker print and
    not on a rule that continues outside the disc (`drop_seals`), becomes paper. Otherwise its
    characters are read into the value cells it covers."""
    ink = binarize(gray)
    seals = find_seals(ink)
    if not seals:
        return gray, 0, 0
    hor, ver = line_masks(ink)
    hor, ver, _ = drop_seals(hor, ver, ink, seals, carry=False)
    rules = cv2.dilate(hor | ver, np.ones((3, 3), np.uint8))
    # a rule entering a seal's disc runs on across it on its own line, worn or as grey as the
    # seal: the lift keeps the straight runs of ink along that line (`_rule_lines_across`)
    across = _rule_lines_across(ink, hor, ver, seals)
    del hor, ver
    text = ink & (1 - rules)
    for cx, cy, r in seals:
        cv2.circle(text, (int(cx), int(cy)), int(1.06 * r + 6), 0, -1)
    print_level = stroke_level(gray, text)
    del text
    if print_level is None:
        return gray, 0, len(seals)
    out = gray.copy()
    h, w = gray.shape
    lifted = 0
    for cx, cy, r in seals:
        rad = 1.06 * r + 4
        x0, x1 = max(0, int(cx - rad)), min(w, int(cx + rad) + 1)
        y0, y1 = max(0, int(cy - rad)), min(h, int(cy + rad) + 1)
        yy, xx = np.ogrid[y0:y1, x0:x1]
        d = np.hypot(xx - cx, yy - cy)
        sub, sub_ink = out[y0:y1, x0:x1], ink[y0:y1, x0:x1] > 0
        ring = sub_ink & (np.abs(d - r) <= max(3.0, 0.05 * r))
        if not ring.any():
            continue
        seal_level = float(np.median(sub[ring]))
        if seal_level - print_level < GREY_SEAL_MARGIN:
            continue
        cut = (print_level + seal_level) / 2
        near_print = cv2.dilate((sub <= cut).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        erase = sub_ink & (d <= rad) & ~near_print & (rules[y0:y1, x0:x1] == 0)
        erase &= across[y0:y1, x0:x1] == 0
        sub[erase] = 255
        lifted += 1
    return out, lifted, len(seals)


def _rule_lines_across(
    ink: np.ndarray, hor: np.ndarray, ver: np.ndarray, seals: list[tuple[float, float, float]]
) -> np.ndarray:
    """The ink inside each seal's disc (`drop_seals`' reach) where a rule arriving at the disc
    runs on across it: on the rule's own line, fitted to its piece just outside the disc
    (`ocr.sealbridge.rule_lines_beside`), the straight runs along that line at least
    `RULE_RUN_ACROSS` radii long. A seal's ring or glyph crossing the line is no such run:
    kept, its bits beside the rule were read into the cells (`>2 24次`, `b1xa 1625元/人` on dev).

    `drop_seals` keeps a rule inside the disc only up to its first gap, and a worn or grey
    rule under a grey seal has gaps, or is as light as the seal: the lift erased the rest of
    it, and the grid merged the rows or columns it parted (dev lg_42_自评 p1: four indicator
    lines lost, the column rule beside 质量指标 gone from the star down)."""
    out = np.zeros(hor.shape, np.uint8)
    for seal, (x0, y0, x1, y1), d2, beside in _seal_windows(hor.shape, seals):
        here = np.zeros((y1 - y0, x1 - x0), np.uint8)
        sub_ink = ink[y0:y1, x0:x1]
        for mask, horizontal in ((hor, True), (ver, False)):
            line = np.zeros_like(here)
            pieces = ((mask[y0:y1, x0:x1] > 0) & beside).astype(np.uint8)
            for one in rule_lines_beside(pieces, horizontal, seal[2]):
                line |= one
            here |= straight_runs(sub_ink & line, horizontal, seal[2])
        here[d2 > _disc_reach(seal[2]) ** 2] = 0
        here[_seal_star(sub_ink, d2, seal[2])] = 0
        out[y0:y1, x0:x1] |= here
    return out


def _disc_reach(r: float) -> float:
    """How far from a seal's centre its ink may lie (px): its ring's radius, its stroke and the
    scan's blur (`drop_seals`' reach)."""
    return r * 1.06 + 4


def _seal_windows(
    shape: tuple[int, int], seals: list[tuple[float, float, float]]
) -> Iterator[tuple[tuple[float, float, float], Window, np.ndarray, np.ndarray]]:
    """Each seal with its window (its disc and half a radius beyond), each window pixel's
    squared distance from the centre, and where the window lies beside the disc (bool): where
    a rule's piece arriving at the disc is fitted."""
    for seal in seals:
        cx, cy, r = seal
        rad = _disc_reach(r)
        far = rad + 0.5 * r
        x0, y0, x1, y1 = disc_window(shape, seal, far)
        yy, xx = np.ogrid[y0:y1, x0:x1]
        d2 = (xx - cx) ** 2 + (yy - cy) ** 2
        yield seal, (x0, y0, x1, y1), d2, (d2 > rad**2) & (d2 <= far**2)


def _carry_rules_across(
    ink: np.ndarray, hor: np.ndarray, ver: np.ndarray, seals: list[tuple[float, float, float]]
) -> list[tuple[Window, np.ndarray]]:
    """Paint into `hor` and `ver` (in place) each rule's line across a seal's disc where a rule
    arrives at it (`ocr.sealbridge.rule_across_seal`: its worn runs from outside the disc, the
    seal's star and the crossing rules on its line between them), so the grid keeps the column
    or row the rule parts (dev5 lg_48718 p3). Returns the seal's ink beside the rule where it
    is carried, by window (bool), for `drop_seals` to take out of the ink with the seal."""
    max_gap = worn_gap(rule_kernel(hor.shape))
    beside_rules: list[tuple[Window, np.ndarray]] = []
    for seal, window, d2, beside in _seal_windows(hor.shape, seals):
        x0, y0, x1, y1 = window
        sub_ink = ink[y0:y1, x0:x1]
        inside = d2 <= _disc_reach(seal[2]) ** 2
        disc = (seal[2], inside, _seal_star(sub_ink, d2, seal[2]))
        for mask, other, horizontal in ((hor, ver, True), (ver, hor, False)):
            sub = mask[y0:y1, x0:x1]
            pieces = ((sub > 0) & beside).astype(np.uint8)
            crossing = other[y0:y1, x0:x1]
            for line in rule_lines_beside(pieces, horizontal, seal[2]):
                rule, seal_ink = rule_across_seal(
                    sub_ink, line, horizontal, disc, crossing, max_gap
                )
                # only where the mask lost the rule: where it kept it, its own pixels stay
                # (repainted at the fit's rounding, a kept rule's separator moved by a
                # fraction of a px and a cell's crop took in a rule's edge: dev6 lg_57280)
                lost = ~_kept_along(sub, line, horizontal)
                sub[(rule > 0) & inside & lost] = 1
                if seal_ink.any():
                    beside_rules.append((window, seal_ink & inside & lost))
    return beside_rules


def _kept_along(mask: np.ndarray, line: np.ndarray, horizontal: bool) -> np.ndarray:
    """Where along `line` (bool, its window) the rule `mask` holds any pixel across it."""
    kept = ((mask > 0) & (line > 0)).any(axis=0 if horizontal else 1)
    return np.broadcast_to(kept[None, :] if horizontal else kept[:, None], mask.shape)


def _seal_star(ink: np.ndarray, d2: np.ndarray, r: float) -> np.ndarray:
    """The seal's star (bool, in `ink`'s window; `d2` each pixel's squared distance from the
    seal's centre): the blobs of ink within `STAR_REACH` radii of the centre that hold a solid
    core (what an opening `STAR_CORE` radii wide leaves); all False without one.

    A star's arm lying along a rule's line is a straight run of ink on it: kept as the rule's
    run across the seal, it was read into the row's name (dev lg_572: `资金拨付及时率 1`)."""
    near = ink & (d2 <= (STAR_REACH * r) ** 2)
    size = max(5, round(STAR_CORE * r)) | 1
    core = cv2.morphologyEx(
        near, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    )
    if not core.any():
        return np.zeros(ink.shape, bool)
    num, labels = cv2.connectedComponents(near)
    held = np.unique(labels[core > 0])
    return np.isin(labels, held[held > 0])


# after flattening paper is ~255, so a fixed threshold is robust and keeps faint toner
INK_THRESHOLD = 199  # a flattened grey pixel at or below this is ink
# A thin rule's pixel is this much darker than the paper this many px either side of it
# (`thin_line_ink`): a grey rule blurred at 150 dpi keeps ~50 levels of contrast, paper noise
# and JPEG ringing stay under 20.
RIDGE_CONTRAST = 25
RIDGE_REACH = 3


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8 0/1) of a background-flattened grey page; keeps faint rules."""
    return cv2.threshold(gray, INK_THRESHOLD, 1, cv2.THRESH_BINARY_INV)[1]  # no bool copy


def _text_blobs(
    ink: np.ndarray, closing: int = 7
) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """How much text runs horizontally and how much vertically on an ink mask (downscaled
    page): the summed lengths (px) of horizontally and of vertically elongated line blobs, and
    the horizontal blobs' boxes (x, y, w, h).

    Characters of one line are merged by a short closing (`closing` px) along the line
    direction; rules are removed first so they don't dominate. Lengths, not counts: a page's
    few vertically typeset labels (产/出/指/标) or a narrow column of wrapped lines make short
    blobs, its text lines long ones."""
    h, w = ink.shape
    k = max(15, w // 25)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8)
    )
    text = ink & (1 - cv2.dilate(rules, np.ones((3, 3), np.uint8)))
    horiz = cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((1, closing), np.uint8))
    vert = cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((closing, 1), np.uint8))
    len_h = len_v = 0
    boxes: list[tuple[int, int, int, int]] = []
    for mask, is_h in ((horiz, True), (vert, False)):
        num, _, stats, _ = components_with_stats(mask)
        for i in range(1, num):
            x, y, bw, bh, area = stats[i]
            if area < 20:
                continue
            if is_h and bw >= 3 * bh and 5 <= bh <= 40:
                len_h += int(bw)
                boxes.append((int(x), int(y), int(bw), int(bh)))
            elif not is_h and bh >= 3 * bw and 5 <= bw <= 40:
                len_v += int(bh)
    return len_h, len_v, boxes


# Mean recogniser confidence of a page's text lines read as they stand at or above which the
# lines are not read turned 180° as well. On 6 dev scans lines read upright scored 0.986-1.000,
# the same lines turned 0.13-0.59 (one line 0.88): upside-down text is never read this surely,
# so the second read only confirms and costs half the orientation test's recognition.
SURE_UPRIGHT = 0.95

LINE_AXIS_RATIO = 2.0
"""The text lines' direction alone decides "upright or upside down" vs "sideways" when one
direction's line length is at least this many times the other's and amounts to MIN_LINE_LENGTH
px on the 1000-px copy (a measured ratio): on the 35 scanned/photographed pages of dev seeds
0-39 the upright text ran 3.0-3900× longer horizontally than vertically (self-evaluations'
narrow columns of wrapped lines and vertically typeset 一级 labels make the vertical part), so
2.0 keeps a margin under the least. Reading is no judge of the direction: a sideways page's
vertical labels, turned with it, read 1.00 as they stand, and turned characters stacked across
lines read 0.95-0.99 as characters that are not there. An upright page of narrow wrapped
cells that this test calls sideways (dev lg_8016 p2) is kept by reading
(`_turn_only_if_sideways_reads_better`)."""
MIN_LINE_LENGTH = 300
"""The least length (px on the 1000-px copy) of the longer direction's lines for the direction
to decide at all (see LINE_AXIS_RATIO); a page with less line ink is decided by reading."""
# When the line direction does not tell, a page is turned only on the reading of at least this
# many characters surely read the turned way (`_read_surely`: characters × confidence²). A page
# holding one short row and a seal (a table's last 总分 row) read 1.8 sideways against 0.8 as it
# stands and was turned; on 184 dev scan/image documents the one truly turned page of this kind
# read 16.0 turned.
SURE_TURN_READING = 4.0

CLEAR_TURN = 1.25
"""How many times better a page whose line direction does not tell, and which reads surely as
it stands, must read sideways to be turned (`_turn_only_if_sideways_reads_better`): the line
direction speaks for neither way, the sure reading as it stands for upright, so a turn needs
more than a tie. Dev lg_9346 p2, truly sideways, read 23.8 turned against 14.7 as it stood
(1.62×); dev lg_7058_自评 p7, an upright scanned continuation page of narrow wrapped cells and
stacked labels (lines 2,318 px across against 1,465 down), read 17.2 turned against 16.0 as it
stood (1.08×) and was turned: ten indicators and its 总分 lost. The sideways pages the line
direction decides read 20.0-27.8 turned against at most 15.5 as they stood (≥ 1.29×)."""


FINE_CLOSING = 4
"""The closing (px on the 1000-px copy) that merges a line's characters but not two lines: the
tie-break's measure of the line direction (`_break_tie`). The 7 px of `_text_blobs` bridges a
wrapped cell's line gaps too, so narrow cells of wrapped lines and stacked labels make blobs
that run across their lines and the direction does not tell; at 4 px only the characters of a
line merge. On the 77 pages the reading decided or weighed in on (41 of dev seeds 6400-7599,
36 of the check seeds 8100-8799 and faint18's), the 24 truly sideways ran 389-4,979 px down and
none across; the 53 upright ran up to 4,336 px across and at most 676 down."""

TIE_AXIS_RATIO = 1.5
"""How many times the other direction's length the fine lines (FINE_CLOSING) must run in one
direction for it to break a tie of the reading: a faded, noisy upright page (dev lg_7061_自评
p3) ran 391 px across against 236 down (1.66×, the least of the upright pages that lean
right); two upright pages of mixed wrapped cells lean the wrong way a little (dev lg_7398_自评
p2: 509 across against 605 down, check lg_9130 p3: 635 against 676) and are left to the
reading."""

ONE_WAY_RATIO = 8.0
"""How many times the other direction's length the fine lines (FINE_CLOSING) must run in one
direction for them to decide a page's axis against a clear reading too (`_break_tie`): lines
that run one way only are the print's own shape, while a reading compares crops cut from
different blobs. Dev4 lg_39036_自评 p4, an upside-down portrait 自评表 page of narrow wrapped
cells and stacked 一级 labels (fine lines 1,525 px across, 0 down), read 12.00 upright-axis
(all four lines read turned 180° at 1.00) against 15.37 sideways (stacks read across wrapped
lines, 1.28×, over CLEAR_TURN) and was turned 270°: the grid read transposed, its ten
indicators and 总分 lost. On the 77 pages measured for FINE_CLOSING no page's fine lines ran
one way against its true orientation (sideways: none across; upright: at most 676 down). They
never turn sideways a page whose lines read surely as they stand (#11: a page that reads well
as it is stays)."""


def _read_surely(readings: list[tuple[str, float]]) -> float:
    """Characters read over a few crops, each weighted by the square of its line's confidence
    (a long line of garbage read at 0.2 counts for little): what decides between two ways
    round. A mean confidence does not: a blob that is no text (a rule's remnant, a seal's ring,
    a faded page's noise) reads nothing either way round and pulls both means down, and one
    character a turned crop happens to read surely (`员` 0.99) then outweighs lines read whole
    as they stand (`宁远县市场监督管理局2022` 1.00 against `学22` 0.50)."""
    return sum(conf * conf * len("".join(text.split())) for text, conf in readings)


def _orientation_scores(
    gray: np.ndarray,
    ink: np.ndarray,
    f: float,
    engine: OcrEngine,
    boxes: list[tuple[int, int, int, int]] | None = None,
    settle_early: bool = True,
) -> tuple[float, float | None, bool] | None:
    """How surely a few text lines read as they stand and turned 180° (`_read_surely`), and
    whether turned they read at a mean confidence of SURE_UPRIGHT or better; None when no
    line-shaped blob is found. `ink` is the downscaled (factor `f`) mask of `gray`,
    `boxes` its line blobs when `_text_blobs` has already found them.
    The turned reading is None when the lines read as they stand at a mean confidence of
    SURE_UPRIGHT or better. With `settle_early` the widest half of the lines reading so is
    enough (the reading then counts that half only); without it every line is read, so the
    reading can be weighed against another axis's reading of all its lines."""
    if boxes is None:
        _, _, boxes = _text_blobs(ink)
    boxes = list(boxes)
    if not boxes:
        return None
    # widest mid-sized blobs: most likely real text lines
    boxes.sort(key=lambda b: -b[2])
    crops = []
    for x, y, bw, bh in boxes[:4]:
        x0, y0 = max(0, int((x - 3) / f)), max(0, int((y - 3) / f))
        # a few characters decide the orientation; long crops only cost recognition time
        x1, y1 = int((x + min(bw, 6 * bh) + 3) / f), int((y + bh + 3) / f)
        crop = gray[y0:y1, x0:x1]
        if crop.size:
            crops.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
    if not crops:
        return None
    # the widest half first: when those lines read surely as they stand the page is upright
    # and the rest would only confirm it (41 dev scan/image pages: 4.7 -> 3.0 crops per page)
    first = (len(crops) + 1) // 2
    as_read = engine.read_crops(crops[:first])
    if settle_early and sum(conf for _, conf in as_read) / first >= SURE_UPRIGHT:
        return _read_surely(as_read), None, False
    if first < len(crops):
        as_read += engine.read_crops(crops[first:])
    upright = _read_surely(as_read)
    if sum(conf for _, conf in as_read) / len(crops) >= SURE_UPRIGHT:
        return upright, None, False
    flipped = engine.read_crops([np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    flipped_sure = sum(conf for _, conf in flipped) / len(crops) >= SURE_UPRIGHT
    return upright, _read_surely(flipped), flipped_sure


def line_axis(len_h: int, len_v: int, ratio: float = LINE_AXIS_RATIO) -> int | None:
    """0 when the text lines run horizontally (upright or upside down), 1 when they run
    vertically (sideways), None when their lengths do not tell (one direction `ratio` times the
    other: see LINE_AXIS_RATIO, TIE_AXIS_RATIO)."""
    if max(len_h, len_v) < MIN_LINE_LENGTH:
        return None
    if len_h >= ratio * len_v:
        return 0
    if len_v >= ratio * len_h:
        return 1
    return None


class AxisReading(NamedTuple):
    """How one axis of a page read (`_read_axis`)."""

    turns: int  # counter-clockwise quarter turns of the orientation taken
    score: float  # how surely it read (`_read_surely`)
    upright_sure: bool  # the lines read as they stand at SURE_UPRIGHT (not read turned)
    taken_sure: bool  # the orientation taken read so (as they stand or turned)


def _read_axis(
    gray: np.ndarray,
    ink: np.ndarray,
    f: float,
    engine: OcrEngine,
    axis: int,
    boxes: list[tuple[int, int, int, int]] | None = None,
    settle_early: bool = True,
) -> AxisReading | None:
    """The better of the two orientations of one axis (turns `axis` or `axis + 2`) by reading
    its text lines both ways round, with how surely it read (`_read_surely`), whether the
    lines read as they stand at SURE_UPRIGHT (not read turned) and whether the orientation
    taken read so (as they stand or turned); None when no line is found.
    `boxes`: the line blobs of `ink` as it stands, used for axis 0 (not found a second time);
    `settle_early` as `_orientation_scores` takes it."""
    gray_t = np.ascontiguousarray(np.rot90(gray, axis)) if axis else gray
    ink_t = np.ascontiguousarray(np.rot90(ink, axis)) if axis else ink
    scores = _orientation_scores(gray_t, ink_t, f, engine, None if axis else boxes, settle_early)
    if scores is None:
        return None
    if scores[1] is not None and scores[1] > scores[0]:
        return AxisReading(axis + 2, scores[1], False, scores[2])
    return AxisReading(axis, scores[0], scores[1] is None, scores[1] is None)


def _break_tie(
    ink: np.ndarray,
    upright: AxisReading | None,
    sideways: AxisReading | None,
    notes: list[str] | None,
) -> int | None:
    """Quarter turns for a page the reading cannot judge (its two ways read within CLEAR_TURN
    of each other), by the direction its fine lines run (FINE_CLOSING, TIE_AXIS_RATIO), or
    whose fine lines run one way only (ONE_WAY_RATIO) against a clear reading; None when the
    reading judges, or the fine lines do not tell (the reading decides).

    Why: read a few lines each way, a sideways page's characters stacked across its lines read
    as surely as its lines (dev lg_6993_自评 p2, sideways: 18.99 turned against 17.13 as it
    stood, 1.11x, kept) and an upright page's as surely as its own (lg_7058_自评 p7: 17.22
    against 16.0, 1.08x; lg_7061_自评 p3: 10.31 against 9.27, turned). The note names both
    scores: the page was judged on its print's shape, not its reading."""
    if upright is None or sideways is None:
        return None
    low, high = sorted((upright.score, sideways.score))
    if high < SURE_TURN_READING:
        return None
    clear = high >= CLEAR_TURN * low
    len_h, len_v, _ = _text_blobs(ink, FINE_CLOSING)
    axis = line_axis(len_h, len_v, ONE_WAY_RATIO if clear else TIE_AXIS_RATIO)
    if axis is None:
        return None
    read_axis = int(sideways.score > upright.score)
    if clear and axis == read_axis:
        return None  # the reading and the lines agree: the reading decides as ever
    if clear and axis and upright.upright_sure:
        # a page that reads surely as it stands is not turned on its shape (lg_8016 p2: its
        # characters stacked across short wrapped lines)
        return None
    if notes is not None:
        way = "sideways" if axis else "as it stands"
        judged = "against its reading" if clear else "undecided by reading"
        notes.append(
            f"orientation {judged} ({upright.score:.2f} as it stands, "
            f"{sideways.score:.2f} sideways): taken {way} by its text lines "
            f"({len_h} px across, {len_v} px down)"
        )
    return (sideways if axis else upright).turns % 4


def _turn_only_if_sideways_reads_better(
    gray: np.ndarray,
    ink: np.ndarray,
    f: float,
    engine: OcrEngine,
    boxes: list[tuple[int, int, int, int]],
    margin: float = 1.0,
    notes: list[str] | None = None,
) -> int:
    """Quarter turns for a page whose line direction says sideways, or does not tell while the
    page reads surely as it stands: every line is read both ways, and the page is turned only
    when the turned reading is sure (SURE_TURN_READING) and better than the upright one, by
    `margin` times (CLEAR_TURN where nothing but the reading speaks for a turn).

    Neither the line direction nor a sure reading as it stands proves the way round. The line
    direction misjudges an upright page of narrow wrapped cells and no long line (dev lg_8016
    p2, 689 px across against 1,623 down: it read 19.0 surely as it stood against 10.9 turned),
    and a sideways page's characters stacked across its lines read surely one by one too (dev
    lg_9346 p2: 14.7 as it stood against 23.8 turned). The 11 truly sideways dev image pages
    read 20.0-27.8 turned against at most 15.5 as they stood.

    A page whose every line reads at SURE_UPRIGHT as it stands is turned only when its lines
    read sideways are as sure: more characters read sideways is no evidence on its own, since
    the crops are cut from other blobs. Upright continuation pages of narrow wrapped cells
    (dev lg_4098 p3, lg_4360 p3: four-character lines read at 1.00, 16.0) read 17.2-17.5
    sideways from five-character stacks at a mean confidence of 0.93 and were turned, every
    line on them lost; the truly sideways dev scans (lg_3504, lg_3729, lg_4099, lg_4215,
    lg_4260) read 0.97-1.00 sideways. Readings within CLEAR_TURN of each other are no
    judgement: the fine lines' direction decides where it tells (`_break_tie`), `notes` says so."""
    sideways = _read_axis(gray, ink, f, engine, 1, settle_early=False)
    whole = _read_axis(gray, ink, f, engine, 0, boxes, settle_early=False)
    tie = _break_tie(ink, whole, sideways, notes)
    if tie is not None:
        return tie
    if sideways is None or sideways.score < SURE_TURN_READING:
        return 0
    if whole is not None and margin * whole.score >= sideways.score:
        return 0
    if whole is not None and whole.upright_sure and not sideways.taken_sure:
        return 0
    return sideways.turns % 4


def _levelled(
    gray: np.ndarray, small: np.ndarray, ink: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The page (`gray`) and its 1000-px copy (`small`, whose ink is `ink`) deskewed as
    `prepare` will deskew the turned page (a quarter turn keeps the skew's angle), or None when
    it is level already.

    Why: a skewed page's line blobs are cut as boxes across slanting lines, and their crops
    read worse as they stand and better sideways than the page's print does. Dev
    lg_7876_自评 p2, an upright photographed continuation page of narrow wrapped cells skewed
    2.8° (lines 1,393 px across against 1,940 down, so the reading decides), read 20.5 sideways
    against 16.0 as it stood (1.28×, over CLEAR_TURN) and was turned: ten indicators lost.
    Levelled it reads 17.0 against 16.0 and stays. Only pages the reading decides are levelled
    here (the line direction of a level page decides alone and needs no second rotation)."""
    angle = skew_angle(ink)
    if abs(angle) < LEVEL_ENOUGH:
        return None
    return rotate_deg(gray, angle), rotate_deg(small, angle)


def detect_quarter_turns(
    image: np.ndarray, engine: OcrEngine | None, notes: list[str] | None = None
) -> int:
    """Counter-clockwise 90° turns that make the page (BGR or grey) upright (0..3).

    Evidence in order of trust: the direction the text lines run (cheap morphology on a
    downscaled copy) decides upright/upside-down vs sideways; reading a few lines both ways
    round then decides between the two turns left. A page the line direction calls sideways, or
    one it cannot judge (solid fills or tall merged cells beside few lines) that reads surely as
    it stands, is turned only when every line read turned is sure and better than read as it
    stands (`_turn_only_if_sideways_reads_better`). A page neither judged nor read surely is
    turned only to an orientation that reads better, and surely (SURE_TURN_READING): a few
    characters read either way are no evidence to turn on. A skewed page whose line direction
    does not say upright is measured and read levelled (`_levelled`). Where the reading
    cannot judge, the direction of the lines measured finer breaks the tie (`_break_tie`) and a
    line in `notes` says so."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 1000 / max(h, w)
    small = cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    ink = binarize(flatten_background(small))
    len_h, len_v, boxes = _text_blobs(ink)
    axis = line_axis(len_h, len_v)
    if engine is None:
        return axis if axis is not None else int(len_v > 1.3 * len_h)
    if axis != 0:  # the reading will decide, or weigh in: it reads the page levelled
        levelled = _levelled(gray, small, ink)
        if levelled is not None:
            gray, small = levelled
            ink = binarize(flatten_background(small))
            len_h, len_v, boxes = _text_blobs(ink)
            axis = line_axis(len_h, len_v)
    if axis == 1:
        return _turn_only_if_sideways_reads_better(gray, ink, f, engine, boxes, notes=notes)
    if axis is not None:
        read = _read_axis(gray, ink, f, engine, axis, boxes)
        return (read.turns if read else axis) % 4
    as_is = _read_axis(gray, ink, f, engine, 0, boxes)
    if as_is is not None and as_is.upright_sure:
        # sure as it stands is no proof here (dev lg_9346 p2, a turned continuation page of
        # vertical labels and 2-character cells: lines 570 px across against 1,001 down), but
        # it is the only evidence: turned only when it reads clearly better so
        return _turn_only_if_sideways_reads_better(gray, ink, f, engine, boxes, CLEAR_TURN, notes)
    # every sideways line is read: the widest half alone, read surely, counted half the
    # characters against all the lines read turned 180° (dev lg_9200 p8, lg_8490 p6, two
    # sideways continuation pages: 8.0 and 10.0 against 9.9 and 13.6 turned 180°, wrongly
    # turned so; 16.0 and 20.0 read whole)
    sideways = _read_axis(gray, ink, f, engine, 1, settle_early=False)
    tie = _break_tie(ink, as_is, sideways, notes)
    if tie is not None:
        return tie
    best = as_is or AxisReading(0, 0.0, False, False)
    if sideways is not None and sideways.score > best.score:
        best = sideways
    return best.turns % 4 if best.score >= SURE_TURN_READING else 0


# A skew under this many degrees is left as it is (`prepare`, `_levelled`): a line of a page's
# width rises less than 2 px at 1000 px.
LEVEL_ENOUGH = 0.1


def rotate_quarter(image: np.ndarray, turns: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, turns % 4)) if turns % 4 else image


def skew_angle(ink: np.ndarray, max_angle: float = 6.0) -> float:
    """Dominant skew (degrees, counter-clockwise positive as in cv2) from row projections.

    Rules and text lines both give sharp row-profile peaks when level; the angle maximising the
    profile's sum of squares wins (coarse 0.5° scan, then 0.05° refinement). Each angle is
    scored once, on `_rotated_profile_score`'s exact integers."""
    h, w = ink.shape
    f = 800 / max(h, w)
    small = cv2.resize(
        ink.astype(np.uint8) * 255, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA
    )
    rows, cols = np.flatnonzero(small.any(axis=1)), np.flatnonzero(small.any(axis=0))
    # no ink: every angle scores 0 and the first tried wins, as it always did
    ink_box = (
        (int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])) if len(rows) else (0, 0, 0, 0)
    )
    scored: dict[float, int] = {}

    def score(a: float) -> int:
        # the fine scan's middle and ends are coarse angles (the same floats): scored once
        if a not in scored:
            scored[a] = _rotated_profile_score(small, a, ink_box)
        return scored[a]

    best = max(np.arange(-max_angle, max_angle + 1e-6, 0.5), key=score)
    fine = max(np.arange(best - 0.5, best + 0.5 + 1e-6, 0.05), key=score)
    return float(fine)


def _rotated_profile_score(
    small: np.ndarray, angle: float, ink_box: tuple[int, int, int, int]
) -> int:
    """Sum of squares of the row sums of `small` rotated by `angle` about its centre: the
    values `skew_angle` compares, for less.

    Why it is the same number: rows below where the ink's box (x0, y0, x1, y1) lands are paper
    (0) and add nothing, and warpAffine computes each kept row as it would in the full frame,
    so the frame ends 2 px (the interpolation's reach) below the box's lowest rotated corner.
    Only rows: a frame cut short on the right moved pixels within 16 px of its edge (OpenCV's
    vector loop ends there otherwise). The row sums (≤ 255 × 800) are exact in int32 and their
    squares' sum in int64, as they were in float64 (under 2**53)."""
    sh, sw = small.shape
    m = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, 1.0)
    x0, y0, x1, y1 = ink_box
    corners = m @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1, 1, 1, 1]], np.float64)
    bottom = min(sh, int(np.ceil(corners[1].max())) + 2)
    if bottom <= 0:
        return 0
    rot = cv2.warpAffine(small, m, (sw, bottom), flags=cv2.INTER_LINEAR, borderValue=0)
    prof = cv2.reduce(rot, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).astype(np.int64).ravel()
    return int(prof @ prof)


def rotate_deg(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees about the centre, keeping the size, white fill."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=border)


def thin_line_ink(gray: np.ndarray, horizontal: bool) -> np.ndarray:
    """Pixels (uint8 0/1) at least `RIDGE_CONTRAST` darker than the paper `RIDGE_REACH` px
    either side across a line of the given direction: a thin grey rule, whatever its level.

    A thin grey rule blurred on a scan sits near `INK_THRESHOLD` (flattened ~200 on paper 250):
    `binarize` keeps it in pieces a few px long, the long opening of `line_masks` then drops
    the whole rule, and a frame lost that way split a table in two (lg_119 自评, 0/126 cells).
    Its contrast with the paper beside it stays. Text strokes are such lines too; the long
    opening takes them out as it does from the ink."""
    # the darker of the two pixels `RIDGE_REACH` px either side: an erosion (minimum) by a
    # kernel of just those two points; uint8 throughout (prepare's page-sized copies are few)
    span = 2 * RIDGE_REACH + 1
    kernel = np.zeros((span, 1) if horizontal else (1, span), np.uint8)
    kernel.flat[0] = kernel.flat[-1] = 1
    diff = cv2.erode(gray, kernel)
    cv2.subtract(diff, gray, dst=diff)
    return cv2.threshold(diff, RIDGE_CONTRAST - 1, 1, cv2.THRESH_BINARY, dst=diff)[1]


def rule_kernel(shape: tuple[int, ...]) -> int:
    """The shortest run of ink (px) `line_masks` takes for a rule on a page of this shape."""
    return max(25, min(shape[:2]) // 28)


def worn_gap(k: int) -> int:
    """The longest gap (px) `line_masks` closes along a rule found with kernel `k`: a worn or
    broken rule's."""
    return max(9, k // 2)


def _open_rule(
    ink: np.ndarray, horizontal: bool, k: int, dst: np.ndarray | None = None
) -> np.ndarray:
    """Runs of ink at least `k` px along one direction, their short gaps closed (`line_masks`);
    into `dst` if given (it may be `ink` itself: no page-sized copy)."""
    along, across = ((1, k), (3, 1)) if horizontal else ((k, 1), (1, 3))
    # thicken across the line direction only: tolerates slant without bridging the small gaps
    # between neighbouring characters (which would turn a text baseline into a "rule")
    run = cv2.dilate(ink, np.ones(across, np.uint8), dst=dst)
    cv2.morphologyEx(run, cv2.MORPH_OPEN, np.ones(along, np.uint8), dst=run)
    gap = worn_gap(k)
    close = (1, gap) if horizontal else (gap, 1)
    return cv2.morphologyEx(run, cv2.MORPH_CLOSE, np.ones(close, np.uint8), dst=run)


def _add_untouched(found: np.ndarray, extra: np.ndarray) -> None:
    """Paint into `found`, in place, the connected pieces of `extra` that do not touch it
    (both uint8 0/1). Piece by piece from outlines: no page-sized label image (prepare keeps
    few page-sized copies)."""
    h, w = found.shape
    contours, _ = cv2.findContours(extra, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        x, y, cw, ch = cv2.boundingRect(contour)
        x0, y0, x1, y1 = max(0, x - 1), max(0, y - 1), min(w, x + cw + 1), min(h, y + ch + 1)
        piece = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.drawContours(piece, [contour], -1, 1, thickness=-1, offset=(-x0, -y0))
        piece = cv2.dilate(piece, np.ones((3, 3), np.uint8))
        if not (piece & found[y0:y1, x0:x1]).any():
            cv2.drawContours(found, [contour], -1, 1, thickness=-1)


def line_masks(
    ink: np.ndarray, min_len: int | None = None, gray: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule masks: opening with long thin kernels on a slightly thickened
    ink mask (tolerates residual skew), then closing short gaps along the line (broken rules).

    Given the grey page, rules the ink lost whole are added from each direction's thin grey
    lines (`thin_line_ink`): only those not touching a rule the ink shows, so the rules found
    before keep their pixels (their worn gaps' ends are evidence `ocr.grid` reads)."""
    k = min_len or rule_kernel(ink.shape)
    hor, ver = _open_rule(ink, True, k), _open_rule(ink, False, k)
    if gray is None:
        return hor, ver
    # faint rules away from the text only: beside dark text the grey halo of its strokes is a
    # ridge too, and bridged the glyph gaps of a bold text line into a "rule" (demo form
    # seeds 124, 143: 20 rows read as 25). Text is ink with strokes both ways within a few
    # px (glyphs); a faint rule's ink is pieces 1-2 px across, running one way
    near = np.ones((5, 5), np.uint8)
    text = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 5), np.uint8))
    cv2.dilate(text, near, dst=text)
    other = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((5, 1), np.uint8))
    cv2.dilate(other, near, dst=other)
    text &= other
    del other
    cv2.dilate(text, near, dst=text)
    for horizontal, found in ((True, hor), (False, ver)):
        faint = thin_line_ink(gray, horizontal)
        cv2.subtract(faint, text, dst=faint)
        faint |= ink
        _open_rule(faint, horizontal, k, dst=faint)
        _add_untouched(found, faint)
        del faint
    return hor, ver


def hull_corners(contour: np.ndarray, downscale: float = 1.0) -> np.ndarray | None:
    """The four corners (4×2 float32, TL TR BR BL) of a contour's convex hull when it
    approximates to a quadrilateral at 1-5% of its perimeter, else None: the corners of the
    ruled region of a table (`table_quad`) and of a photographed sheet (`sheet_quad`, found on
    a copy scaled by `downscale`: the corners are in the original image's px)."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            pts = approx.reshape(4, 2).astype(np.float32) / downscale
            s = pts.sum(axis=1)
            d = np.diff(pts, axis=1).ravel()
            return np.array(
                [pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]], np.float32
            )
    return None


def table_quad(hor: np.ndarray, ver: np.ndarray) -> np.ndarray | None:
    """Outer quadrilateral (4×2, TL TR BR BL) of the largest ruled region, if it is one."""
    grid = cv2.dilate(hor | ver, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    h, w = hor.shape
    if cv2.contourArea(c) < 0.05 * h * w:
        return None
    return hull_corners(c)


def quad_edges_ruled(
    quad: np.ndarray, hor: np.ndarray, ver: np.ndarray, min_cover: float = 0.8
) -> bool:
    """Whether all four sides of `quad` lie on detected rules (a table border, not the hull of
    a table whose outer rule is faint or missing — warping to that would bend the page)."""
    grid = cv2.dilate(hor | ver, np.ones((7, 7), np.uint8))
    h, w = grid.shape
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=False):
        t = np.linspace(0.05, 0.95, 60)
        xs = np.clip((a[0] + (b[0] - a[0]) * t).astype(int), 0, w - 1)
        ys = np.clip((a[1] + (b[1] - a[1]) * t).astype(int), 0, h - 1)
        if grid[ys, xs].mean() < min_cover:
            return False
    return True


def unwarp(image: np.ndarray, quad: np.ndarray, min_shift: float = 4.0) -> tuple[np.ndarray, bool]:
    """Warp so the table quadrilateral becomes an axis-aligned rectangle (same page size);
    skipped when the corners are already within `min_shift` px of a rectangle."""
    tl, tr, br, bl = quad
    x0 = (tl[0] + bl[0]) / 2
    x1 = (tr[0] + br[0]) / 2
    y0 = (tl[1] + tr[1]) / 2
    y1 = (bl[1] + br[1]) / 2
    dst = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    if float(np.abs(dst - quad).max()) < min_shift:
        return image, False
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    h, w = image.shape[:2]
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=border), True


def sheet_quad(image: np.ndarray) -> np.ndarray | None:
    """Corners (TL TR BR BL, image px) of a paper sheet photographed on a darker background,
    or None when the page fills the frame (a scan) or no four-cornered sheet stands out.

    The sheet is the largest bright region of a blurred, downscaled copy (Otsu threshold) whose
    surroundings are clearly darker; its hull is approximated by four corners."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 600 / max(h, w)
    small = cv2.GaussianBlur(
        cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA), (5, 5), 0
    )
    otsu, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # a shadow across the sheet puts part of the paper below Otsu's level (paper 200, shaded
    # paper 120, desk 64): the sheet is what is clearly brighter than the desk seen along the
    # frame, when the frame is clearly darker than the paper (a scan's frame is paper)
    ring = np.concatenate(
        [small[:4].ravel(), small[-4:].ravel(), small[:, :4].ravel(), small[:, -4:].ravel()]
    )
    desk = float(np.median(ring))
    paper = float(np.median(small[small > otsu])) if (small > otsu).any() else desk
    if paper - desk >= 80:
        level = desk + 0.3 * (paper - desk)
        bright = ((small > level) * 255).astype(np.uint8)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    sh, sw = small.shape
    if not 0.25 * sh * sw <= area <= 0.93 * sh * sw:
        return None
    inside = np.zeros_like(bright)
    cv2.drawContours(inside, [c], -1, 255, -1)
    if float(small[inside == 0].mean()) > float(small[inside > 0].mean()) - 40:
        return None  # no dark surround: not a sheet on a desk
    border = np.concatenate([inside[0], inside[-1], inside[:, 0], inside[:, -1]])
    if float((border > 0).mean()) > 0.05:
        return None  # bright up to the frame: a shadow or uneven light, not the sheet's edge
    return hull_corners(c, f)


def flatten_sheet(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Warp the sheet inside `quad` to an upright rectangle of its own size (desk cropped)."""
    tl, tr, br, bl = quad
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    # pull the corners a little inwards: the sheet's own edge must not become a rule
    inset = 0.004 * max(width, height)
    dst = np.array(
        [
            [-inset, -inset],
            [width + inset, -inset],
            [width + inset, height + inset],
            [-inset, height + inset],
        ],
        np.float32,
    )
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(
        image, m, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255)
    )


def _mean_rows(mask: np.ndarray) -> np.ndarray:
    """Mean row index of the set pixels of each column of `mask` (every column has one): a
    rule's centre line. All columns at once: one Python `mean` per sampled column was a sixth
    of `prepare` (the sums are of integers, exact in float64, so the means are the same)."""
    rows = np.arange(mask.shape[0], dtype=np.int64)
    return (rows @ mask).astype(np.float64) / mask.sum(axis=0)


def straighten_rules(gray: np.ndarray, hor: np.ndarray, min_bow: float = 3.0) -> np.ndarray | None:
    """Bend a page that does not lie flat back so its horizontal rules are straight.

    Each long horizontal rule's centre line is fitted by a quadratic y(x); between rules the
    vertical displacement is interpolated, above and below the table it is held. A page whose
    rules bow by less than `min_bow` px is left as it is (None). Returns the remapped grey.

    The remap goes in bands of rows, each with its own small maps: full-page float32 maps
    (x, y, displacement, their sum) were four page-sized copies, 140 MB at 300 dpi."""
    h, w = gray.shape
    xs = np.arange(0, w, 16, dtype=np.float32)
    rules: list[tuple[float, np.ndarray]] = []
    for (x, y, bw, _, _), comp in components(hor, 8, lambda box: box[2] >= 0.4 * w):
        cols = np.flatnonzero(comp.any(axis=0))
        ys = _mean_rows(comp[:, cols[::8]]) + y
        cx = cols[::8].astype(np.float64) + x
        if len(cx) < 5:
            continue
        coef = np.polyfit(cx, ys, 2)
        fit = np.polyval(coef, xs).astype(np.float32)
        ref = float(np.polyval(coef, x + bw / 2))
        rules.append((ref, fit - ref))
    if len(rules) < 2:
        return None
    rules.sort(key=lambda r: r[0])
    bows = np.array([d for _, d in rules], np.float32)
    if float(np.abs(bows).max()) < min_bow:
        return None
    refs = np.array([r for r, _ in rules], np.float32)
    # linear interpolation across x from the fitted columns `xs` to every pixel column
    px = np.arange(w, dtype=np.float32)
    j0 = np.clip(np.searchsorted(xs, px, side="right") - 1, 0, len(xs) - 1)
    j1 = np.minimum(j0 + 1, len(xs) - 1)
    t = np.where(j1 > j0, (px - xs[j0]) / np.maximum(xs[j1] - xs[j0], 1.0), 0.0)
    t = t.astype(np.float32)
    out = np.empty_like(gray)
    step = 128
    for y0 in range(0, h, step):
        y1 = min(h, y0 + step)
        rows = np.arange(y0, y1, dtype=np.float32)
        # displacement at the fitted columns for these rows: interpolated between the rules
        coarse = np.stack([np.interp(rows, refs, bows[:, j]) for j in range(len(xs))], axis=1)
        coarse = coarse.astype(np.float32)
        map_y = coarse[:, j0] * (1 - t) + coarse[:, j1] * t
        map_y += rows[:, None]
        map_x = np.broadcast_to(px, map_y.shape).copy()
        out[y0:y1] = cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
    return out


def prepare(
    image: np.ndarray,
    engine: OcrEngine | None = None,
    *,
    fix_orientation: bool = True,
    decided: Decisions | None = None,
) -> Prepared:
    """Seal → background → orientation → deskew → perspective, in that order (see module doc).

    `decided`: what an earlier preparation of the same image judged (`Prepared.decided`),
    taken instead of judged again — its quarter turns and skew angle (the orientation test
    reads lines through the engine, the skew search scores a hundred angles), whether it lifted
    a grey seal and whether it straightened or warped anything (when not, the seal search and
    the rule masks are not made: those steps would leave the page as it is). Each decided what
    it decided before on the same pixels, so the page comes out the same (a box re-read,
    `ocr.reread.normalised_page`); the other steps depend on the pixels only and run. Where
    it is not known whether the page holds a seal, `seals` is None (the grid looks)."""
    img = to_bgr(image)
    notes: list[str] = []
    sheet = sheet_quad(img)
    if sheet is not None:
        img = flatten_sheet(img, sheet)
        notes.append("sheet edges found: desk cropped, perspective flattened")
    img, red = suppress_red(img)
    if red:
        notes.append(f"red ink suppressed on {red:.2%} of the page")
    plain = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    gray = flatten_background(plain)
    gray, fills = lift_fills(gray)
    if fills:
        notes.append(f"{fills} solid fill(s) lifted to paper")
    gray, gain = restore_contrast(gray)
    if gain != 1.0:
        notes.append(f"faded ink darkened ×{gain:.1f}")
    if decided is None or decided.seals_lifted:
        gray, grey_seals, seals_found = lift_grey_seals(gray)
    else:  # none lifted: the page as the lift leaves it; whether it found one is not known
        grey_seals, seals_found = 0, -1  # (-1: `seals` None below, the grid looks)
    if grey_seals:
        notes.append(f"{grey_seals} grey seal(s) lifted to paper")
    # from here on only grey pages are carried: the colour page's last use is the orientation
    # test, which reads its grey (the lifted grey when fills or fading were mended)
    turns = 0
    doubts: list[str] = []
    if decided is not None:
        turns = decided.quarter_turns
    elif fix_orientation:
        turns = detect_quarter_turns(gray if fills or gain != 1.0 else plain, engine, doubts)
    del img, plain
    if turns:
        gray = rotate_quarter(gray, turns)
        notes.append(f"turned {90 * turns}° counter-clockwise")
    ink: np.ndarray | None = None
    if decided is None:
        ink = binarize(gray)
        angle = skew_angle(ink)
    else:
        angle = decided.angle
    if abs(angle) >= LEVEL_ENOUGH:
        gray = rotate_deg(gray, angle)
        notes.append(f"deskewed {angle:+.2f}°")
        ink = None  # the levelled page's, made below
    else:
        angle = 0.0  # the page as it is: its ink is the one just binarised
    seals = [] if not seals_found else None
    if decided is not None and not decided.reshaped:
        # its first preparation straightened and warped nothing: the rule masks those steps
        # look at are not made (their absence is said as a warped page's is: no `rules`)
        return Prepared(gray, turns, angle, False, notes, None, seals, doubts, grey_seals > 0)
    hor, ver = line_masks(binarize(gray) if ink is None else ink, gray=gray)
    del ink
    bent = straighten_rules(gray, hor)
    reshaped = bent is not None
    if bent is not None:
        gray = bent
        notes.append("curved rules straightened")
        hor, ver = line_masks(binarize(gray), gray=gray)
    # a bent sheet bows its columns too (less: the bend runs along the rows); the same fit on
    # the transposed page straightens the column rules, whose pieces otherwise fall into two
    # separators and split a column in two
    bent = straighten_rules(np.ascontiguousarray(gray.T), np.ascontiguousarray(ver.T))
    if bent is not None:
        reshaped = True
        gray = np.ascontiguousarray(bent.T)
        notes.append("curved columns straightened")
        hor, ver = line_masks(binarize(gray), gray=gray)
    quad = table_quad(hor, ver)
    warped = False
    if quad is not None and quad_edges_ruled(quad, hor, ver):
        gray, warped = unwarp(gray, quad)
        if warped:
            notes.append("perspective corrected")
    # OCR reads the flattened grey: seal-free, even paper. (Lifting light residue to white was
    # tried: it made detection miss a lone "6", so the grey stays as flattened.)
    rules = None if warped else (hor, ver)
    lifted = grey_seals > 0
    return Prepared(
        gray, turns, angle, warped, notes, rules, seals, doubts, lifted, reshaped or warped
    )


def _on_circle(ink: np.ndarray, cx: float, cy: float, r0: float, r1: float) -> np.ndarray:
    """Per degree of the circle around (cx, cy): is there ink at some radius in [r0, r1]."""
    h, w = ink.shape
    ang = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    hit = np.zeros(360, bool)
    for rr in np.arange(r0, r1 + 0.1, 2.0):
        xs = np.clip((cx + rr * np.cos(ang)).astype(int), 0, w - 1)
        ys = np.clip((cy + rr * np.sin(ang)).astype(int), 0, h - 1)
        hit |= ink[ys, xs] > 0
    return hit


def _densest_band(
    px: np.ndarray,
    py: np.ndarray,
    cx: float,
    cy: float,
    r: float,
    shifts: np.ndarray,
    best: tuple[float, float, float, float] = (-1.0, 0.0, 0.0, 0.0),
) -> tuple[float, float, float, float]:
    """Of the centres (cx, cy) shifted by `shifts` both ways, the one whose 5 px band of
    radii (within 0.8-1.2 r) holds the most of the ink points, as (points, x, y, radius);
    `best` is kept unless one beats it."""
    for dx in shifts:
        for dy in shifts:
            d = np.hypot(px - cx - dx, py - cy - dy)
            ring = (d > 0.8 * r) & (d < 1.2 * r)
            hist = np.bincount(d[ring].astype(int), minlength=int(1.2 * r) + 3)
            band = np.convolve(hist, np.ones(5), mode="same")
            k = int(band.argmax())
            if band[k] > best[0]:
                best = (float(band[k]), cx + dx, cy + dy, float(k))
    return best


# How close two of Hough's circle centres may lie, in smallest seal radii. A table's rules and
# text make circles of their own that gather more votes than a seal beside them; at 2 radii
# apart such a circle, failing the ring test later, had hidden the seal whose centre lay within
# it (dev lg_516 p3: a circle of r 204 px 55 px from the seal's centre, r 152). Each candidate
# is judged by its ring (`_on_circle`), so a closer neighbour costs a cheap look, no false seal.
SEAL_CENTRES_APART = 0.5


def find_seals(
    ink: np.ndarray,
    min_ring: float = 0.65,
    beside: np.ndarray | None = None,
    smallest: float = 0.04,
    coarse: bool = False,
) -> list[tuple[float, float, float]]:
    """Round seals printed in black or grey ink (a photocopied or greyscale scan: no red to
    suppress), as (cx, cy, r) in page px of the ink mask.

    A seal's ring lies on a circle of 4-15% of the page's short side; its arcs and the star
    inside pass the rule openings and become rows and columns of the grid. Candidates come
    from a Hough transform on a small copy; one is kept when the ink covers at least
    `min_ring` of the circle at a single radius (seals measured 0.74-1.0, partly faded ones
    included; circles Hough finds between the rules and text of a table: under 0.6) with
    paper on both sides of the ring along at least 45% of it (seals 0.6-0.82, others under
    0.4). A seal whose ring is mostly too faint to binarise (a light grey stamp, ~0.6 of it
    left) is not found here (`find_faint_seals` looks again). `beside`: the ink the paper
    test reads (default `ink`); `smallest`: the least radius, as a fraction of the page's short
    side; `coarse`: the centre refined in two rounds of 9 shifts, not 81 (`find_faint_seals`)."""
    h, w = ink.shape
    s = 500 / max(h, w)
    small = cv2.resize(ink * 255, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    r_min, r_max = int(smallest * min(h, w) * s), int(0.15 * min(h, w) * s)
    found = cv2.HoughCircles(
        small,
        cv2.HOUGH_GRADIENT,
        dp=1,
        minDist=max(1.0, SEAL_CENTRES_APART * r_min),
        param1=120,
        param2=35,
        minRadius=r_min,
        maxRadius=r_max,
    )
    if found is None:
        return []
    seals = []
    for cx, cy, r in found[0][:6] / s:
        # the small copy places the centre within a few px: refine centre and radius where
        # the most ink lies in one 5 px band (the ring), then measure how much of the circle
        # that band covers
        # cheap first look: most candidates are no ring at all
        if _on_circle(ink, cx, cy, 0.94 * r - 4, 1.06 * r + 4).mean() < 0.7:
            continue
        # the ink of the candidate's square only, not of the page
        x0, y0 = max(0, int(cx - 1.25 * r) - 1), max(0, int(cy - 1.25 * r) - 1)
        ys_ink, xs_ink = np.nonzero(ink[y0 : int(cy + 1.25 * r) + 2, x0 : int(cx + 1.25 * r) + 2])
        xs_ink, ys_ink = xs_ink + x0, ys_ink + y0
        near = (np.abs(xs_ink - cx) < 1.25 * r) & (np.abs(ys_ink - cy) < 1.25 * r)
        px, py = xs_ink[near].astype(np.float32), ys_ink[near].astype(np.float32)
        step = max(1.0, 0.5 / s)
        # only ink that some shifted centre below can put in its ring band (0.8-1.2 r): a
        # shift moves a point's distance by at most its length, 4√2 steps; the disc's text
        # and star inside, most of the ink near a seal, never can
        d0 = np.hypot(px - cx, py - cy)
        reach = 6 * step
        band_ink = (d0 > 0.8 * r - reach) & (d0 < 1.2 * r + reach)
        px, py = px[band_ink], py[band_ink]
        if coarse:
            # three steps apart, then the best one's neighbours: 18 shifts, not 81
            best = _densest_band(px, py, cx, cy, r, np.arange(-3, 4, 3) * step)
            best = _densest_band(px, py, best[1], best[2], r, np.arange(-1, 2) * step, best)
        else:
            best = _densest_band(px, py, cx, cy, r, np.arange(-4, 5) * step)
        _, bx, by, br = best
        ring = _on_circle(ink, bx, by, br - 3, br + 3)
        # a ring is a thin line: paper just inside and outside it along most of the circle
        # (dense text that happens to cover a circle has ink there too)
        t = max(4.0, 0.05 * br)
        if beside is None:
            beside = ink
        inner = _on_circle(beside, bx, by, br - t - 6, br - t - 2)
        clean = ring & ~inner & ~_on_circle(beside, bx, by, br + t + 2, br + t + 6)
        # two candidates near one seal refine to the same ring: one seal
        known = any(np.hypot(bx - x, by - y) < 0.5 * r for x, y, r in seals)
        if ring.mean() >= min_ring and clean.mean() >= 0.45 and not known:
            seals.append((float(bx), float(by), br))
    return seals


# The second look's ink thresholds, lightest last, and whether the table's rules are left out
# of the paper-beside-the-ring test there. A light grey stamp's ring is mostly lighter than
# `INK_THRESHOLD` (0.32-0.53 of its circle at 199, 0.69-0.99 at 230-240: seal24's faint rings).
# Traced on 5 dark-sealed and 2 unsealed sets: with the rules out, 199 and 235 found 7 rings
# the first look had not; 240 with the rules in 5 more; 240 with them out was not measured.
FAINT_SEAL_LOOKS = ((INK_THRESHOLD, True), (235, True), (240, False))
# The least radius of a seal found on the second look, as a fraction of the page's short side:
# the generator's seals are 50-68 pt on A4 (0.084-0.114 of its 595 pt; an official seal's 42
# mm: 0.1); the circles the second look found in one cell's text and rules: 0.049-0.057
FAINT_SEAL_SMALLEST = 0.07


def find_faint_seals(
    gray: np.ndarray, ink: np.ndarray, rules: np.ndarray
) -> list[tuple[float, float, float]]:
    """A second look for seals where `find_seals` found none on the page (`FAINT_SEAL_LOOKS`,
    the first that finds one). The table's own rules (`rules`: `line_masks`, thickened) left
    out of the paper-beside-the-ring test: a small ring on a dense table has rules beside it
    along most of its circle (dev lg_276_自评 p1: paper on both sides along 0.38 of it with
    the rules, 0.45 needed). A lighter threshold shows a faint ring whole; each threshold's
    paper test reads its own ink (a light ring judged against the dark ink beside it found
    rings in the text of dense tables). Small circles are refused (`FAINT_SEAL_SMALLEST`)."""
    for level, rules_out in FAINT_SEAL_LOOKS:
        seen = ink if level == INK_THRESHOLD else (gray <= level).astype(np.uint8)
        beside = seen & ~rules if rules_out else seen
        seals = find_seals(seen, beside=beside, smallest=FAINT_SEAL_SMALLEST, coarse=True)
        if seals:
            return seals
    return []


def drop_seals(
    hor: np.ndarray,
    ver: np.ndarray,
    ink: np.ndarray,
    seals: list[tuple[float, float, float]],
    *,
    carry: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rule masks and ink mask without what a seal put there: inside each seal's disc only the
    rule pixels that continue a rule from outside the disc (a run along the rule reaching the
    disc's edge) are kept; the ring's arcs, the star and the seal's text go (from the ink too,
    so that no later step finds them again as short rules or crossing strokes). With `carry`
    (the grid's masks) a rule is also carried across the disc (`_carry_rules_across`); the
    grey-seal lift keeps a rule's line across the seal by its own runs (`_rule_lines_across`),
    and its masks stay as they were: carried, they kept seal ink the lift had taken out of
    cells (dev6 lg_57280 p1: `eb绩效指标`)."""
    if not seals:
        return hor, ver, ink
    before = (hor, ver)
    hor, ver, ink = hor.copy(), ver.copy(), ink.copy()
    h, w = ink.shape
    yy, xx = np.ogrid[0:h, 0:w]
    for cx, cy, r in seals:
        rad = r * 1.06 + 4
        for mask in (hor, ver):
            m = mask if mask is hor else mask.T  # columns of the vertical mask become rows
            x_c, y_c = (cx, cy) if mask is hor else (cy, cx)
            n_rows, n_cols = m.shape
            for y in range(max(0, int(y_c - rad)), min(n_rows, int(y_c + rad) + 1)):
                half = max(0.0, rad**2 - (y - y_c) ** 2) ** 0.5
                a, b = max(0, int(x_c - half)), min(n_cols, int(x_c + half) + 1)
                if b <= a:
                    continue
                run = m[y, a:b].copy()
                m[y, a:b] = 0
                keep = np.zeros_like(run)
                if a > 0 and m[y, a - 1]:  # a rule arriving from the left
                    stop = np.flatnonzero(run == 0)
                    keep[: stop[0] if stop.size else len(run)] = 1
                if b < n_cols and m[y, b]:  # and from the right
                    stop = np.flatnonzero(run[::-1] == 0)
                    keep[len(run) - (stop[0] if stop.size else len(run)) :] = 1
                m[y, a:b] = keep
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 <= rad**2
        _keep_rules_between(before, (hor, ver), disc)
        carried = _carry_rules_across(ink, hor, ver, [(cx, cy, r)]) if carry else []
        rules = cv2.dilate(hor | ver, np.ones((5, 5), np.uint8)).astype(bool)
        ink[disc & ~rules] = 0
        for (x0, y0, x1, y1), seal_ink in carried:
            ink[y0:y1, x0:x1][seal_ink] = 0
    return hor, ver, ink


def _keep_rules_between(
    before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray], disc: np.ndarray
) -> None:
    """Put back (in `after`, in place) the rules lying wholly inside a seal's disc that run
    from one kept crossing rule to another: a row's column rule under a large seal never
    reaches the disc's edge, but it joins the table's rules at both ends; the seal's arcs,
    star and text do not, and they are not thin straight lines."""
    for i, horizontal in ((0, True), (1, False)):
        gone = (before[i] > 0) & (after[i] == 0) & disc
        if not gone.any():
            continue
        cross = cv2.dilate(after[1 - i], np.ones((7, 7), np.uint8)) > 0
        num, labels, stats, _ = components_with_stats(gone.astype(np.uint8))
        for k in range(1, num):
            x, y, bw, bh, _ = stats[k]
            length, width = (bw, bh) if horizontal else (bh, bw)
            if length < 20 or width > 9:
                continue
            comp = labels[y : y + bh, x : x + bw] == k
            line = comp.any(axis=0 if horizontal else 1)  # along the rule
            ends = (
                (
                    cross[y : y + bh, x][comp[:, 0]].any(),
                    cross[y : y + bh, x + bw - 1][comp[:, -1]].any(),
                )
                if horizontal
                else (
                    cross[y, x : x + bw][comp[0]].any(),
                    cross[y + bh - 1, x : x + bw][comp[-1]].any(),
                )
            )
            if all(ends) and line.all():
                after[i][y : y + bh, x : x + bw][comp] = 1
