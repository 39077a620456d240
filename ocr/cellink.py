"""Which ink of a grid cell makes which text-line crop.

A recovered grid's cells are read one by one (`ocr.page.read_cells`): this module decides, from
a cell's ink alone, what is text and how it falls into lines. A cell's ink is its pixels with
the rules' masks taken out; what is left of a rule (a stub, a run along an edge), specks, ink
never as dark as the page's print (seal residue) and dots standing apart are not text. The rest
is cut into text lines at its blank rows, and each line's box is what the recogniser is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ocr.components import components_with_stats, true_runs
from ocr.grid import GridTable
from ocr.preprocess import INK_THRESHOLD

# A band of ink taller than this many text lines is not one line (lines touching, a seal, a
# slanted photo row): its cell is read by text detection on the cell crop instead.
TALL_BAND = 1.6
# Bands whose union is no taller than this many text lines are one line (二, =, 三 and a lone
# "一" print as strokes with paper between them).
ONE_LINE = 1.25
# Ink at a line's end standing more than this many line heights from the rest, and filling less
# than STRAY_FILL of its own box, is scattered noise (dots over a seal read as `、`), not a glyph
# (a glyph fills ~0.2-0.9 of its box, a `1` or `、` the most).
STRAY_GAP = 1.5
STRAY_FILL = 0.12
# A gap in a text line's ink at least this many line heights wide, with a column rule of the
# table running through it, parts two values printed in different columns (`_line_boxes`).
# Measured on six dev scans and photos (seeds 103-111): the widest gaps inside a phrase,
# after a full-width `，` `；` or before `（`, are 0.76-0.84 line heights; a full-width space is
# ~1.2, digits and `≥ 90%`, `2024.01-2024.12` well under 0.5.
COLUMN_GAP = 1.0
# Where the row above or below has a cell edge on that column rule, a narrower gap parts the
# line too (at least this many line heights: wider than the paper between two glyphs or
# digits, ~0.1-0.2), provided each side sits in its own column as a printed value does:
# centred on it, or both sides set the same padding from their column's left rule (within
# ALIGN_TOL line heights). A phrase printed across the place of the rule is neither.
NEAR_GAP = 0.3
# A rule's ink across a text line is at most this many line heights wide (a glyph's stroke
# run alone is a column of the glyph, and a glyph is never found lying on a lost rule)
RULE_WIDTH = 0.3
ALIGN_TOL = 0.3


@dataclass(frozen=True)
class InkBand:
    """One text line found from a cell's ink: its ink box in page pixels."""

    box: tuple[int, int, int, int]


def print_cuts(gray: np.ndarray, ink: np.ndarray, *shares: float) -> tuple[int, ...]:
    """Grey levels `shares` of the way from print's own darkest ink (5th percentile of the
    page's ink, computed once) up to the ink threshold; the threshold itself on a page without
    ink. Relative to the page's print, so a faded page keeps its light but real text."""
    inked = gray[ink > 0]
    if inked.size == 0:
        return tuple(INK_THRESHOLD for _ in shares)
    dark = float(np.percentile(inked, 5))
    return tuple(int(dark + share * (INK_THRESHOLD - dark)) for share in shares)


# How far up from print's darkest ink to the ink threshold a blob must reach to be print: a
# lifted seal or bleed-through leaves light speckle just under the ink threshold (measured ~193
# against print's ~0 on a sealed scan): read with the text beside it, it became `社、`.
DARKNESS_SHARE = 0.75


def print_darkness_cut(gray: np.ndarray, ink: np.ndarray) -> int:
    """The grey level a blob of print reaches at its darkest (`DARKNESS_SHARE`)."""
    return print_cuts(gray, ink, DARKNESS_SHARE)[0]


# The share of a text line's ink whose grey tells print from a faint mark: print's darker
# tenth reaches print's own darkness whatever noise or blur did to its edges (measured 13-37 on
# a noisy, sealed 200 dpi scan whose print reaches 11), a seal's desaturated strokes or
# bleed-through never do (145-146 there).
LINE_DARK_SHARE = 10
# A line of print's darker tenth stays under the grey halfway from print's darkest ink to the
# ink threshold (`print_cuts`).
LINE_CUT_SHARE = 0.5


def _print_lines(
    lines: list[tuple[int, int, list[tuple[int, int]]]],
    mask: np.ndarray,
    gray: np.ndarray,
    ox: int,
    oy: int,
    cut: int,
) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """A cell's text lines without those that are no print beside a line that is: a line whose
    ink's darker tenth is lighter than `cut` (`LINE_CUT_SHARE`) while another line of the cell
    reaches it.

    What is left of a red seal after noise and JPEG (its strokes desaturated to grey, a few
    pixels dark with noise) can make a short band of its own over a value: read as a line, it
    put `1` before `及时完成` and `2` before `项目实施进度`. Its darker twentieth must also be
    lighter than halfway from the cell's darkest line to the ink threshold. A cell's only line
    is kept as it is (a thin `/` or `-` on a blurred page is light and still printed)."""
    if len(lines) < 2:
        return lines
    w = mask.shape[1]
    tenth, twentieth = [], []
    for a, b, _ in lines:
        inked = gray[oy + a : oy + b, ox : ox + w][mask[a:b] > 0]
        tenth.append(float(np.percentile(inked, LINE_DARK_SHARE)))
        twentieth.append(float(np.percentile(inked, LINE_DARK_SHARE / 2)))
    darkest = min(tenth)
    if darkest > cut:
        return lines
    # and its darker twentieth lighter than halfway from the cell's own print to the ink
    # threshold: a thin stroke of light print (the `一` of a faded vertical 一/级/指/标 label,
    # darker tenth 158 against the page's 121) still reaches its neighbours' darkness there
    # (130 against 155); seal residue does not (120-140 against 105-112)
    own = (darkest + INK_THRESHOLD) / 2
    return [
        line for line, t, t2 in zip(lines, tenth, twentieth, strict=True) if t <= cut or t2 <= own
    ]


# A rule's residue is ink whose pixels lie on the strip where the cell's own rule runs: at
# least this share of them (a printed `1` stands beside the rule with paper between: none).
ON_RULE_SHARE = 0.9
# Pixels the rule's strip reaches past its measured half width either side: the fit of a
# slanted or slightly bowed rule over a cell's height is good to about this much.
RULE_SLACK = 1.5


@dataclass(frozen=True)
class RuleLine:
    """Where one rule of a cell runs, measured on the rule mask: its centre `across = a + b *
    along` (page px; x for a column rule at height y, y for a row rule at x) and the half width
    of its strip."""

    a: float
    b: float
    half: float

    def at(self, along: np.ndarray) -> np.ndarray:
        return self.a + self.b * along


def rule_line(
    mask: np.ndarray, horizontal: bool, pos: float, lo: int, hi: int, reach: int
) -> RuleLine | None:
    """The rule running near separator `pos` between `lo` and `hi` (along the rule), fitted to
    its mask pixels within ±`reach`; None where the mask has too little of it there.

    A separator is one position for a whole table; on a skewed or photographed page the rule
    slants a few px over a cell's height, and what a broken rule leaves beside its mask lies on
    that slanted line, not on the separator."""
    p = int(round(pos))
    c0 = max(0, p - reach)
    lo, hi = max(0, lo), min(mask.shape[1 if horizontal else 0], hi)
    win = mask[c0 : p + reach + 1, lo:hi].T if horizontal else mask[lo:hi, c0 : p + reach + 1]
    count = win.sum(axis=1, dtype=np.int64)
    rows = np.flatnonzero(count)
    if len(rows) < 8:
        return None
    centre = (win[rows] * np.arange(win.shape[1])).sum(axis=1) / count[rows] + c0
    along = rows.astype(float) + lo
    if along[-1] - along[0] < 16:
        slope, offset = 0.0, float(np.median(centre))
    else:
        slope, offset = _straight_fit(along, centre)
        near = np.abs(centre - (offset + slope * along)) <= 2.0  # crossings and stray pixels out
        if near.sum() >= 8:
            slope, offset = _straight_fit(along[near], centre[near])
    # the mask is the rule thickened by one pixel either side (`line_masks`)
    width = max(1.0, float(np.median(count[rows])) - 2.0)
    return RuleLine(offset, slope, width / 2 + RULE_SLACK)


def _straight_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares line y = offset + slope · x (slope, offset), as `np.polyfit(x, y, 1)` to
    rounding: the normal equations of two unknowns in closed form. `np.polyfit` (scaling, SVD)
    was half of `rule_line`, fitted twice for each side of every inked cell."""
    mx, my = float(x.mean()), float(y.mean())
    dx = x - mx
    slope = float(dx @ (y - my)) / float(dx @ dx)
    return slope, my - slope * mx


def _on_rule(along: np.ndarray, across: np.ndarray, line: RuleLine) -> bool:
    """Ink (its pixels' coordinates along and across a rule) lying on the rule's strip."""
    on = np.abs(across - line.at(along)) <= line.half
    return bool(on.mean() >= ON_RULE_SHARE)


def _fills_break(
    along: np.ndarray,
    across: np.ndarray,
    line: RuleLine,
    gray: np.ndarray | None,
    horizontal: bool,
    reach: int,
) -> bool:
    """Ink (its pixels along and across a rule) that is a piece of the rule pushed off its line:
    a stroke no thicker than the rule, running along it within `reach`, beside a break in the
    rule's own print (no ink on the rule's strip there, on the grey page `gray`).

    A scan's broken rule can leave one piece a few px off the line the rest of the rule runs
    on (read as a leading `1`). A printed `1` beside the rule stands by unbroken rule print,
    and a glyph is thicker or shorter than such a piece."""
    if gray is None or along.size < 8:
        return False
    thick = float(np.ptp(across)) + 1
    length = float(np.ptp(along)) + 1
    rule_width = max(1.0, 2 * (line.half - RULE_SLACK))
    if thick > rule_width + 2 or length < 3 * thick:
        return False
    if np.abs(across - line.at(along)).max() > reach:
        return False
    steps = np.arange(int(along.min()), int(along.max()) + 1)
    centre = np.rint(line.at(steps.astype(float))).astype(int)
    half = int(np.ceil(line.half - RULE_SLACK))
    printed = 0
    size = gray.shape[0 if horizontal else 1]
    for s, c in zip(steps, centre, strict=False):
        row = gray[:, s] if horizontal else gray[s]
        dark = row[max(0, c - half - 8) : c + half + 9] < INK_THRESHOLD
        base = max(0, c - half - 8)
        # the piece's own print on this row, with what touches it (its pixels the rule mask
        # took), is not the rule's
        own = set()
        for k in across[along == s].astype(int):
            j = k - base
            while 0 <= j < dark.size and dark[j] and j + base not in own:
                own.add(j + base)
                j -= 1
            j = k - base + 1
            while 0 <= j < dark.size and dark[j] and j + base not in own:
                own.add(j + base)
                j += 1
        if any(
            0 <= k < size and k - base < dark.size and dark[k - base] and k not in own
            for k in range(c - half, c + half + 1)
        ):
            printed += 1
    return printed < 0.5 * len(steps)


def _rule_residue(
    labels: np.ndarray,
    i: int,
    box: tuple[int, int, int, int],
    origin: tuple[int, int],
    cell: tuple[float, float, float, float],
    rules: tuple[np.ndarray, np.ndarray],
    reach: int,
    gray: np.ndarray | None = None,
    fitted: dict[int, RuleLine | None] | None = None,
) -> int | None:
    """Which of the cell's own rules (0 left, 1 right, 2 top, 3 bottom) component `i` (its crop
    box sx, sy, sw, sh) is what is left of: all its ink on the line where that rule runs, as
    fitted on the rule mask. None when it is no rule's.

    After the rule masks are taken out, a broken or slanted rule leaves thin straight pieces
    beside them (read as a leading `1` or `|`, or a trailing `一`). A printed `1` or `一` stands
    inside the text, with paper between it and the rule, so none of its ink is on the strip.
    `fitted` keeps the cell's rule lines by side across its components (a fit depends on the
    cell and the masks only, and was most of the cost of a cell's ink)."""
    hor, ver = rules
    fitted = {} if fitted is None else fitted
    sx, sy, sw, sh = box
    ox, oy = origin
    x0, y0, x1, y1 = cell
    height, width = y1 - y0, x1 - x0
    pix: tuple[np.ndarray, np.ndarray] | None = None
    for side, (horizontal, pos, near) in enumerate(
        (
            (False, x0, ox + sx - x0),
            (False, x1, x1 - (ox + sx + sw)),
            (True, y0, oy + sy - y0),
            (True, y1, y1 - (oy + sy + sh)),
        )
    ):
        if near > 2 * reach:  # from the separator; the rule itself may run `reach` off it
            continue
        if side not in fitted:
            span = height if not horizontal else width
            start = (y0 if not horizontal else x0) - span
            mask = hor if horizontal else ver
            fitted[side] = rule_line(
                mask, horizontal, pos, int(start), int(start + 3 * span), reach
            )
        line = fitted[side]
        if line is None:
            continue
        if pix is None:
            ys, xs = np.nonzero(labels[sy : sy + sh, sx : sx + sw] == i)
            pix = (ys + sy + oy).astype(float), (xs + sx + ox).astype(float)
        ys_p, xs_p = pix
        along, across = (xs_p, ys_p) if horizontal else (ys_p, xs_p)
        if _on_rule(along, across, line) or _fills_break(
            along, across, line, gray, horizontal, reach
        ):
            return side
    return None


def _rule_like(comp: np.ndarray, horizontal: bool, inset: int) -> bool:
    """Whether ink spanning a cell (`comp`, its box's pixels) is a rule's residue: a stroke
    no thicker across, at most of its places along, than a rule with the slack a cell's inset
    gives it (2 × `inset` + 2 px; a slanted rule is thin at each place, however far it runs
    across).

    A line of text set tight in a narrow cell (`年初预算` of a bold face, 2.5 pt padding at 150
    dpi) touches glyph to glyph and spans the cell too: its glyphs are as tall as a line at
    most places along it, and it was dropped whole (the head read `数`)."""
    runs = comp if horizontal else comp.T
    rows = np.arange(runs.shape[0])[:, None]
    inked = runs.any(axis=0)
    top = np.where(runs, rows, runs.shape[0]).min(axis=0)[inked]
    bottom = np.where(runs, rows, -1).max(axis=0)[inked]
    return bool(np.median(bottom - top + 1) <= 2 * inset + 2)


# A blob of fewer ink pixels than this is a speck, never print.
SPECK_AREA = 4


def ink_components(
    ink: np.ndarray, gray: np.ndarray | None = None
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The 8-connected blobs of `ink` (count, labels, stats as OpenCV gives them) and the
    darkest grey of each on `gray` (255 without it): print is told from seal, bleed-through and
    dust residue by being as dark as the page's print somewhere."""
    num, labels, stats, _ = components_with_stats(ink)
    darkest = np.full(num, 255, dtype=np.uint8)
    if gray is not None:
        on = ink > 0
        np.minimum.at(darkest, labels[on], gray[on])
    return num, labels, stats, darkest


@dataclass(frozen=True)
class CellInk:
    """A cell's ink sorted before the page's print darkness is known: its components (`labels`
    of the cell's rectangle at page offset `ox`, `oy`), each one's darkest grey, which are text
    candidates (`text`), and which are a rule's residue moving a side of the cell's clear
    rectangle (`residue`: component, side index of `clear`, edge)."""

    labels: np.ndarray
    darkest: np.ndarray
    text: np.ndarray
    residue: list[tuple[int, int, int]]
    ox: int
    oy: int
    clear: tuple[int, int, int, int]

    def judged(
        self, light_cut: int = 255
    ) -> tuple[np.ndarray, int, int, tuple[int, int, int, int]] | None:
        """The cell's text ink with blobs never as dark as print (`light_cut`) removed, its
        offset and clear rectangle (`_cell_ink`); None when no text is left."""
        dark = self.darkest <= light_cut
        keep = self.text & dark
        if not keep.any():
            return None
        clear = list(self.clear)
        for i, at, edge in self.residue:
            if dark[i]:  # a light blob on a rule's line is no ink to step past
                clear[at] = max(clear[at], edge) if at < 2 else min(clear[at], edge)
        inner = (clear[0], clear[1], clear[2], clear[3])
        return keep[self.labels].astype(np.uint8), self.ox, self.oy, inner

    def text_grey(self, gray: np.ndarray) -> np.ndarray:
        """The grey of every pixel of the cell's text candidates (page `gray`)."""
        h, w = self.labels.shape
        on = self.text[self.labels]
        return gray[self.oy : self.oy + h, self.ox : self.ox + w][on]


def _cell_ink(
    ink: np.ndarray,
    bbox: tuple[float, float, float, float],
    inset: int,
    gray: np.ndarray | None = None,
    light_cut: int = 255,
    rules: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, int, int, tuple[int, int, int, int]] | None:
    """A cell's text ink (0/1, rules' residue, specks and blobs lighter than print anywhere
    (`light_cut`) removed), its page offset, and the cell's rectangle clear of its rules (page
    px). With the page's rule masks (`rules`: horizontal, vertical) ink lying on the line of one
    of the cell's own rules is residue too, and the rectangle stops short of it, so that a crop
    padded with paper never takes the residue back in (it was read as a leading `1` all the
    same)."""
    got = _cell_components(ink, bbox, inset, gray, rules)
    return None if got is None else got.judged(light_cut)


def _cell_components(
    ink: np.ndarray,
    bbox: tuple[float, float, float, float],
    inset: int,
    gray: np.ndarray | None = None,
    rules: tuple[np.ndarray, np.ndarray] | None = None,
) -> CellInk | None:
    """A cell's ink components sorted into text candidates and rules' residue, whatever their
    darkness (`_cell_ink`): the page's print darkness is measured on the candidates of all
    cells (`cells_print_cuts`) before any is judged by it."""
    x0, y0, x1, y1 = (int(round(v)) for v in bbox)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 6 or y1 - y0 < 6:
        return None
    sub = ink[y0:y1, x0:x1]
    if int(sub.sum()) < 12:
        return None
    ch, cw = sub.shape
    num, labels, stats, darkest = ink_components(sub, None if gray is None else gray[y0:y1, x0:x1])
    reach = 2 * inset + 4  # how far from its separator a cell's rule may run
    text = np.zeros(num, dtype=bool)
    residue: list[tuple[int, int, int]] = []
    fitted: dict[int, RuleLine | None] = {}  # the cell's rule lines, fitted once per side
    for i in range(1, num):
        sx, sy, sw, sh, area = (int(v) for v in stats[i])
        if area < SPECK_AREA:
            continue  # a speck
        spans = sw > 0.9 * cw or sh > 0.9 * ch
        if spans and _rule_like(labels[sy : sy + sh, sx : sx + sw] == i, sw >= sh, inset):
            continue  # a rule's residue spanning the cell
        at_edge = sx <= 0 or sy <= 0 or sx + sw >= cw or sy + sh >= ch
        if at_edge and min(sw, sh) <= 3:
            continue  # a stub of a crossing rule
        side = (
            None
            if rules is None
            else _rule_residue(
                labels, i, (sx, sy, sw, sh), (x0, y0), bbox, rules, reach, gray, fitted
            )
        )
        if side is not None:  # left, right, top, bottom: move that side of `clear` past it
            at, edge = ((0, x0 + sx + sw), (2, x0 + sx), (1, y0 + sy + sh), (3, y0 + sy))[side]
            residue.append((i, at, edge))
            continue
        text[i] = True
    # held for every cell of the page until the cut is known: the narrowest labels that fit
    small = labels.astype(np.uint16) if num <= np.iinfo(np.uint16).max else labels
    return CellInk(small, darkest, text, residue, x0, y0, (x0, y0, x1, y1))


def cells_print_cuts(
    cells: list[CellInk], gray: np.ndarray, ink: np.ndarray, *shares: float
) -> tuple[int, ...]:
    """`print_cuts` measured on the cells' text candidates only: the grey their text is
    printed in, without the rules' ink and residue (a scan's rules can print far darker than
    its grey text: measured with them, the cut fell just under that text's darkest points and
    its glyphs were dropped as seal residue) nor a heading printed bolder outside the grid.
    The page's ink (`ink`) where no cell holds a text candidate."""
    greys = [c.text_grey(gray) for c in cells]
    inked = np.concatenate(greys) if greys else np.zeros(0, np.uint8)
    if inked.size == 0:
        return print_cuts(gray, ink, *shares)
    return print_cuts(inked, np.ones_like(inked), *shares)


def ink_bands(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows holding ink: (top, bottom) in mask rows, bottom exclusive."""
    return true_runs(mask.any(axis=1))


def _merge_bands(bands: list[tuple[int, int]], line_h: float) -> list[tuple[int, int]]:
    """Join neighbouring row runs that together are no taller than one text line."""
    out: list[tuple[int, int]] = []
    for a, b in bands:
        if out and b - out[-1][0] <= ONE_LINE * line_h:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _edge_residue(mask: np.ndarray, a: int, b: int, line_h: float) -> bool:
    """A flat run of ink lying along the cell's top or bottom edge: what is left of a broken
    or slanted rule, not a line of text (it was read 一)."""
    flat = b - a <= max(3, 0.12 * line_h)
    return flat and (a <= 2 or b >= mask.shape[0] - 2)


def _line_runs(mask: np.ndarray, a: int, b: int, line_h: float) -> list[tuple[int, int]]:
    """A text line's ink (mask rows a..b) as runs of columns (mask x, end exclusive) split by
    gaps of 0.8 of a line (a full-width colon or comma stands closer to its text than that),
    without specks standing apart at either end (scan noise read as `.`, `，`, `*`): an end run
    lighter than a speck's worth of ink (4% of a line-high square) is dropped. Empty when the
    band holds nothing but specks."""
    sub = mask[a:b]
    cols = np.flatnonzero(sub.any(axis=0))
    cuts = np.flatnonzero(np.diff(cols) > 0.8 * line_h)
    runs = [(int(r[0]), int(r[-1]) + 1) for r in np.split(cols, cuts + 1)]
    speck = 0.04 * line_h * line_h
    mass = [int(sub[:, c0:c1].sum()) for c0, c1 in runs]

    def stray(i: int, gap: int) -> bool:
        """A speck, or scattered dots standing well apart from the text (noise over a seal):
        a glyph fills a fifth or more of its own box, scattered specks far less."""
        if mass[i] < speck:
            return True
        c0, c1 = runs[i]
        rows = np.flatnonzero(sub[:, c0:c1].any(axis=1))
        fill = mass[i] / ((c1 - c0) * (int(rows[-1]) - int(rows[0]) + 1))
        return gap > STRAY_GAP * line_h and fill < STRAY_FILL

    while runs and stray(0, runs[1][0] - runs[0][1] if len(runs) > 1 else 0):
        runs, mass = runs[1:], mass[1:]
    while runs and stray(len(runs) - 1, runs[-1][0] - runs[-2][1] if len(runs) > 1 else 0):
        runs, mass = runs[:-1], mass[:-1]
    return runs


def _runs_box(
    mask: np.ndarray, a: int, b: int, runs: list[tuple[int, int]], ox: int, oy: int
) -> tuple[int, int, int, int]:
    """The page box of the ink of `runs` (first to last) in mask rows a..b: `_cols_box` over
    their columns (runs start and end on ink, so there is always a box)."""
    box = _cols_box(mask, a, b, runs[0][0], runs[-1][1], ox, oy)
    assert box is not None, "runs hold ink"
    return box


def _band_box(
    mask: np.ndarray, a: int, b: int, ox: int, oy: int, line_h: float
) -> tuple[int, int, int, int] | None:
    """The box of a text line's ink in page pixels, without specks standing apart at either
    end (see `_line_runs`); None when the band holds nothing but specks."""
    runs = _line_runs(mask, a, b, line_h)
    return _runs_box(mask, a, b, runs, ox, oy) if runs else None


def _line_height(bands: Iterable[tuple[int, int]]) -> float:
    """The page's text line height: the median height of the row runs found in its cells that
    are tall enough to be a line of glyphs (strokes of 二 or a lone 一 are not)."""
    heights = [b - a for a, b in bands if b - a >= 8]
    return float(np.median(heights)) if heights else 24.0


@dataclass(frozen=True)
class CellLines:
    """The text lines a cell's ink gives: `boxes` (page px, top to bottom) to crop and read,
    or `tall` when its ink does not fall into line-high bands and the cell is read by text
    detection on its crop instead. `bbox` is the cell's rectangle, `inner` the same clear of
    its rules and of what a broken rule left inside it (crops never reach past it)."""

    table: int
    cell: int
    bbox: tuple[int, int, int, int]
    inner: tuple[int, int, int, int]
    boxes: list[tuple[int, int, int, int]]
    tall: bool


def cell_inset(shape: tuple[int, ...]) -> int:
    """Pixels a cell's rectangle is shrunk by to stay clear of its rules (thicker on larger
    pages)."""
    h, w = shape[:2]
    return max(2, int(round(min(h, w) / 600)) + 1)


def cell_lines(
    tables: list[GridTable],
    gray: np.ndarray,
    ink: np.ndarray,
    rules: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[list[CellLines], float]:
    """The text lines of every inked cell of `tables` and the page's text line height.

    `ink` is the page's ink with the rule masks taken out, `gray` the page the crops are cut
    from, `rules` the page's (horizontal, vertical) rule masks: where given, what a broken or
    slanted rule left beside its mask is found on the rule's own line and left out. Blank
    cells are left out: they cost the recogniser nothing."""
    inset = cell_inset(gray.shape)
    sorted_cells = [
        (ti, ci, c, got)
        for ti, t in enumerate(tables)
        for ci, c in enumerate(t.cells)
        if (got := _cell_components(ink, c.bbox, inset, gray, rules)) is not None
    ]
    light_cut, faint_cut = cells_print_cuts(
        [got for *_, got in sorted_cells], gray, ink, DARKNESS_SHARE, LINE_CUT_SHARE
    )
    found: list[tuple[int, int, tuple, tuple, np.ndarray, int, int, list]] = []
    all_bands: list[tuple[int, int]] = []
    for ti, ci, c, cell_ink in sorted_cells:
        got = cell_ink.judged(light_cut)
        if got is None:
            continue
        mask, ox, oy, clear = got
        bands = ink_bands(mask)
        all_bands.extend(bands)
        cell = tuple(int(round(v)) for v in c.bbox)
        found.append((ti, ci, cell, clear, mask, ox, oy, bands))  # type: ignore[arg-type]
    line_h = _line_height(all_bands)
    out: list[CellLines] = []
    for ti, ci, cell, inner, mask, ox, oy, bands in found:
        bands = [(a, b) for a, b in bands if not _edge_residue(mask, a, b, line_h)]
        lines = [(a, b, _line_runs(mask, a, b, line_h)) for a, b in _merge_bands(bands, line_h)]
        lines = [(a, b, runs) for a, b, runs in lines if runs]
        lines = _print_lines(lines, mask, gray, ox, oy, faint_cut)
        tall = any(
            (bx := _runs_box(mask, a, b, runs, ox, oy))[3] - bx[1] > TALL_BAND * line_h
            for a, b, runs in lines
        )
        seps, columns = _line_seps(tables[ti], ci, cell, inset, len(lines))
        boxes = [
            box
            for a, b, runs in lines
            for box in _line_boxes(mask, a, b, runs, ox, oy, line_h, seps, columns)
            if box[3] - box[1] >= 3 or box[2] - box[0] >= 3
        ]
        out.append(CellLines(ti, ci, cell, inner, boxes, tall))
    return out, line_h


def _line_seps(
    table: GridTable, ci: int, cell: tuple[int, ...], inset: int, n_lines: int
) -> tuple[list[float], dict[float, tuple[float, float]]]:
    """The column rules a line of cell `ci` may be cut at (page x), and of them those the rows
    beside print with the columns they part (`_ruled_nearby`).

    A cell of one line may hold values of two columns at any rule through it. Of a cell of
    more lines, the lines of a wrapped phrase or of two heads wrapped side by side keep their
    gaps (after a full-width `。` over a line height): only a cell merged over rows as well
    (a label block whose inner rules the grid lost: 名称, 一级, 二级 over twenty lines, dev4
    lg_32240 p1) is cut, and only at a rule the rows just above or below print, where a wide
    gap (`COLUMN_GAP`) in a line shows two columns' labels read side by side."""
    seps = [x for x in table.xs if cell[0] + inset < x < cell[2] - inset]
    if n_lines == 1:
        return seps, _ruled_nearby(table, ci, seps)
    if table.cells[ci].rowspan > 1:
        return list(_ruled_nearby(table, ci, seps)), {}
    return [], {}


def _ruled_nearby(table: GridTable, ci: int, seps: list[float]) -> dict[float, tuple[float, float]]:
    """Of the column rules running through cell `ci` (`seps`, page x), those on which a cell
    of the row just above or below has an edge: each with the columns it parts (the table's
    separators before and after it, page x).

    Only these are known to part this row's columns: the grid lost them on this row alone
    (the 总分 row under 分值 | 得分), not a header block's rows that span a lower grid's
    columns."""
    if not seps:
        return {}
    cell = table.cells[ci]
    above, below = cell.row - 1, cell.row + cell.rowspan
    edges = {
        k
        for c in table.cells
        if c.row + c.rowspan - 1 == above or c.row == below
        for k in (c.col, c.col + c.colspan)
    }
    out = {}
    for x in seps:
        k = table.xs.index(x)
        if k in edges:
            out[x] = (table.xs[k - 1], table.xs[k + 1])
    return out


def _in_own_columns(
    left: tuple[int, int], right: tuple[int, int], x: float, cols: tuple[float, float], lh: float
) -> bool:
    """Whether ink spans `left` and `right` (page x) sit each in its own column either side of
    the rule at `x` as printed values do: both centred on their columns, or both set the same
    padding from their column's left rule."""
    tol = ALIGN_TOL * lh
    centred = (
        abs((left[0] + left[1]) / 2 - (cols[0] + x) / 2) <= tol
        and abs((right[0] + right[1]) / 2 - (x + cols[1]) / 2) <= tol
    )
    pad_left, pad_right = left[0] - cols[0], right[0] - x
    padded = abs(pad_left - pad_right) <= tol and 0 <= pad_right <= 1.5 * lh
    return centred or padded


def _line_boxes(
    mask: np.ndarray,
    a: int,
    b: int,
    runs: list[tuple[int, int]],
    ox: int,
    oy: int,
    line_h: float,
    seps: list[float],
    columns: dict[float, tuple[float, float]] | None = None,
) -> list[tuple[int, int, int, int]]:
    """The crops one text line's ink (its `runs`) is read from: one, or one per printed value
    where the line holds values of different columns.

    Two runs belong to different values where a column rule of the table (`seps`, page x)
    runs through the gap between them and the gap is wider than the spaces printed inside a
    phrase (`COLUMN_GAP`): the grid lost that rule on this row, so one cell spans both columns
    (the 总分 row's `100` and `95.77` under 分值 and 得分). Read in one crop the recogniser
    drops the space and reads `10095.77`. Width alone is no evidence: a seal's residue beside
    a value stands two line heights away and would be read as text of its own. Where the rows
    beside have an edge on that rule (`columns`, from `_ruled_nearby`), a gap of `NEAR_GAP`
    parts the line when the ink either side sits in its own column (`_in_own_columns`)."""
    runs = [r for r in runs if not _on_a_sep(r, ox, seps, line_h)] or runs
    groups = [[runs[0]]]
    for prev, run in zip(runs, runs[1:], strict=False):
        g0, g1 = ox + prev[1], ox + run[0]
        if g1 - g0 >= COLUMN_GAP * line_h and any(g0 <= x < g1 for x in seps):
            groups.append([run])
        else:
            groups[-1].append(run)
    boxes = []
    for g in groups:
        c0, c1 = g[0][0], g[-1][1]
        cuts = [c0]
        for x, cols in sorted((columns or {}).items()):
            cut = _narrow_cut(
                mask[a:b, c0:c1], x - ox - c0, (cols[0] - ox - c0, cols[1] - ox - c0), line_h
            )
            if cut is not None:
                cuts.append(c0 + cut)
        cuts.append(c1)
        for k0, k1 in zip(cuts, cuts[1:], strict=False):
            box = _cols_box(mask, a, b, k0, k1, ox, oy)
            if box is not None:
                boxes.append(box)
    return boxes


def _on_a_sep(run: tuple[int, int], ox: int, seps: list[float], line_h: float) -> bool:
    """Whether an ink run is no wider than a rule (`RULE_WIDTH` line heights) and lies on a
    column rule the line may be cut at: what a worn rule left in the line's band, no glyph.
    Left in, it bridges the gap at the rule (dev4 lg_32240 p1: `成本指标` 5 px of the lost
    一级 | 二级 rule between a blot and the label, read as one line across both columns)."""
    r0, r1 = ox + run[0], ox + run[1]
    return r1 - r0 <= RULE_WIDTH * line_h and any(r0 - 1 <= x <= r1 + 1 for x in seps)


def _narrow_cut(line: np.ndarray, x: float, cols: tuple[float, float], line_h: float) -> int | None:
    """Where (line column) to part a line's ink (`line`, its rows) at a column rule running at
    column `x` between columns `cols`: inside a paper gap of at least `NEAR_GAP` line heights
    holding the rule, with paper at the columns' other rules where the line reaches them and
    the ink either side in its own column (`_in_own_columns`)."""
    inked = line.any(axis=0)
    xi = int(round(x))
    if not 0 < xi < inked.size - 1 or inked[xi]:
        return None
    left, right = np.flatnonzero(inked[:xi]), np.flatnonzero(inked[xi:]) + xi
    if left.size == 0 or right.size == 0 or right[0] - left[-1] - 1 < NEAR_GAP * line_h:
        return None
    lo, hi = max(0, int(cols[0])), min(inked.size, int(cols[1]) + 1)
    # a value stays inside its column: where the line reaches past the columns' other rules,
    # paper must stand there too (a phrase running on across them is one text)
    g = max(1, int(NEAR_GAP * line_h / 2))
    for edge in (lo, hi):
        if 0 < edge < inked.size and inked[max(0, edge - g) : edge + g + 1].any():
            return None
    left, right = left[left >= lo], right[right < hi]
    if left.size == 0 or right.size == 0:
        return None
    spans = (float(left[0]), float(left[-1] + 1)), (float(right[0]), float(right[-1] + 1))
    return xi if _in_own_columns(*spans, x, cols, line_h) else None


def _cols_box(
    mask: np.ndarray, a: int, b: int, c0: int, c1: int, ox: int, oy: int
) -> tuple[int, int, int, int] | None:
    """The page box of the ink in mask rows a..b, columns c0..c1; None without ink."""
    sub = mask[a:b, c0:c1]
    rows, cols = np.flatnonzero(sub.any(axis=1)), np.flatnonzero(sub.any(axis=0))
    if rows.size == 0:
        return None
    return (
        ox + c0 + int(cols[0]),
        oy + a + int(rows[0]),
        ox + c0 + int(cols[-1]) + 1,
        oy + a + int(rows[-1]) + 1,
    )
