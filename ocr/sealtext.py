"""A seal's own characters read as lines of their own inside a table cell, told by where they
stand on the seal and how tall their boxes are.

A seal as dark as the print (a grey scan of a red seal over faded print: neither colour nor grey
level parts them, docs/scans.md) lays its text along an arc inside its ring, each glyph turned to
face the centre and set larger than table print (an official seal's characters are some 1.5
times the 五号 print of these forms). Where the arc crosses a cell beside or under the print,
the cell's ink bands give the seal's glyphs lines of their own (dev lg_1677: `指标 4:验收合格率`
and `委`, `政法` and `98%`), which the cell's text then joins to the value.

Such a line is dropped only when all of these hold, so print under a seal stays:

- its box's centre lies on the seal's text band (`BAND`: between the star and the ring) and its
  box no further out than `REACH` (an upright box around glyphs turned along the arc pokes
  past the ring at its corners: lg_1677's `政法` to 1.17 r, lg_1161's `委员会` to 1.25 r);
- the cell holds print to measure it by: at least one other line of two or more characters
  whose centre is off every seal's band (a lone glyph's box is as high as its own shape: lg_1414's
  `度` beside a printed `改` the seal's stroke touched, 1.31 times its height);
- its box is at least `TALLER` times that print's height (a turned glyph's box is taller still;
  a wrapped print line, a `%` or a lone digit under the band is print's height);
- it reads at most `MAX_CHARS` characters (the arc turns away from a straight line within two
  or three glyphs; print on the band is a line of its own only when short, and then print-high).

A glyph cut by the cell's rules, or set small on a small seal, is no taller than print (seal23:
`X` 0.48 and `罗` 1.13 times the `≥80%` beside them, `秀政` 1.08 times `稳步提升`), and the cell
reads print plus one to three extra characters. Such a line is dropped too when, instead of
the height, all of these hold:

- its centre lies on the circle the seal's glyphs are set on (`GLYPH_CIRCLE`, narrower than
  the band: the glyphs' centres and the pieces of them OCR read stand at 0.60-0.78 r) or on
  the ring past them, up to `RING_REACH` (a piece of the ring read `1`, `7`: 1.02-1.03 r);
- the cell holds a longer line of print of two or more characters off the seal's text band,
  or of more than `MAX_CHARS` inside the circle the glyphs are set on (only the star stands
  there, and no seal's line reads that many): print to tell it from, as above;
- it is not a line of that print's paragraph: a printed line that wraps sets its next line
  under it (the boxes may overlap by less than half a line where the seal's ink joins them:
  dev lg_5409_自评 `后；将` between two lines of a reason), print-high, and starting where it
  starts or centred where it is; a seal's glyph beside the print on its row, a piece of one
  lower than print, or one set off the print's margins (lg_916 `悉政必` under a goal) is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from flows.lineshapes import only_symbols
from ocr.engines import OcrLine

# The seal's text band as fractions of its ring's radius (`find_seals`): its glyphs' centres
# stand at about 0.7 r; a turned glyph's box reaches 0.5-0.95 r.
BAND = (0.45, 0.95)
# A seal line's box height against the cell's print lines: seal glyphs are set ~1.5x larger
# than print, and turned they box taller still; print's own lines vary by ~10%.
TALLER = 1.25
MAX_CHARS = 3
REACH = 1.35
# The circle the seal's glyphs are set on, as fractions of the ring's radius: an official seal
# sets them at ~0.72 r; what OCR reads of a glyph or a piece of one centres at 0.60-0.78 r.
GLYPH_CIRCLE = (0.6, 0.86)
# Past the glyphs, the ring: a piece of it OCR read as a line beside print (a stroke read `1`
# or `7`) centres at 1.02-1.03 r (dev2 lg_15829 `7` under `验收合格率`, lg_14731 `1` beside
# `项目实施进度`).
RING_REACH = 1.1
# A paragraph's next line starts within this many print heights under the last, and is boxed
# at least `PRINT_HIGH` as high as it (a piece of a seal's glyph cut by a rule is lower: 0.48).
WRAP_GAP = 0.6
PRINT_HIGH = 0.75
# On a ring found on weaker evidence (`find_faint_seals`) a line on the ring past the glyphs is
# the ring's only as one character: a piece of a ring is one stroke (`1`, `7`, `一`), and a
# printed number there beside its label is print (dev2 lg_16473 p1: the funds' `58` at 0.92 r
# of a faint ring beside `其中：财政拨款`, left out as the ring's, the value lost). The first
# look's rings keep `MAX_CHARS` there, as measured (sealglyph25).
FAINT_RING_CHARS = 1

Seal = tuple[float, float, float]


def _on_band(box: tuple[float, float, float, float], seal: Seal) -> bool:
    cx, cy, r = seal
    x0, y0, x1, y1 = box
    reach = REACH * r
    corners = [(x, y) for x in (x0, x1) for y in (y0, y1)]
    inside = all(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 <= reach for x, y in corners)
    return inside and BAND[0] <= _radii(box, seal) <= BAND[1]


def _chars(line: OcrLine) -> int:
    """The line's characters, spaces not counted (OCR spaces a seal's glyphs apart)."""
    return len("".join(line.text.split()))


def _radii(box: tuple[float, float, float, float], seal: Seal) -> float:
    """How far the box's centre stands from the seal's centre, in the seal's radii."""
    cx, cy, r = seal
    x0, y0, x1, y1 = box
    return (((x0 + x1) / 2 - cx) ** 2 + ((y0 + y1) / 2 - cy) ** 2) ** 0.5 / r


def _on_circle(box: tuple[float, float, float, float], seal: Seal) -> bool:
    """Whether the box's centre lies on the circle the seal's glyphs are set on or on its ring
    (`RING_REACH`)."""
    return GLYPH_CIRCLE[0] <= _radii(box, seal) <= RING_REACH


def _wraps(line: OcrLine, printed: OcrLine) -> bool:
    """Whether `line` lies where `printed` sets its next (or previous) line of a paragraph:
    mostly under (over) it, within `WRAP_GAP` of its heights, as high as it (`PRINT_HIGH`) and
    aligned with it, its left edge or its middle within one print height of the line's."""
    x0, y0, x1, y1 = line.bbox
    px0, py0, px1, py1 = printed.bbox
    h, lh = py1 - py0, y1 - y0
    gap = max(y0 - py1, py0 - y1)  # negative where the boxes overlap
    aligned = abs(x0 - px0) <= h or abs((x0 + x1) - (px0 + px1)) / 2 <= h
    return -lh / 2 < gap <= WRAP_GAP * h and lh >= PRINT_HIGH * h and aligned


def _inside_circle(box: tuple[float, float, float, float], seal: Seal) -> bool:
    """Whether the box's centre lies nearer the seal's centre than its glyphs are set."""
    return _radii(box, seal) < GLYPH_CIRCLE[0]


def _is_print(line: OcrLine, seals: Sequence[Seal]) -> bool:
    """A line sure to be print: off every seal's text band, or a line longer than any seal's
    line (`MAX_CHARS`) inside the circle its glyphs are set on, where the seal holds only its
    star (dev lg_15774 p2: `=99%` at 0.53 r, under `4y`, a piece of a glyph at 0.75 r)."""
    if not any(_on_band(line.bbox, s) for s in seals):
        return True
    return _chars(line) > MAX_CHARS and all(
        _inside_circle(line.bbox, s) or not _on_band(line.bbox, s) for s in seals
    )


def _is_star(line: OcrLine, seals: Sequence[Seal]) -> bool:
    """The seal's star read as a line (`★`; dev2 lg_19498_自评 p1 in a 三级指标 cell, lg_18676
    p1 in a heading cell): its centre inside the band's inner edge, where a seal holds only its
    star, and nothing but symbols (`lineshapes.only_symbols`). Alone in its cell too: the star
    over a row of blank cells would make a row of it."""
    return (
        _chars(line) <= MAX_CHARS
        and only_symbols(line.text)
        and any(_radii(line.bbox, s) < BAND[0] for s in seals)
    )


def _beside_print(
    i: int, lines: Sequence[OcrLine], seals: Sequence[Seal], ring_chars: int = MAX_CHARS
) -> bool:
    """A short line on a seal's glyph circle beside the cell's print, no line of its
    paragraph (the module's note); on the ring past the glyphs, at most `ring_chars`."""
    line = lines[i]
    if _chars(line) > MAX_CHARS or not any(_on_circle(line.bbox, s) for s in seals):
        return False
    if _chars(line) > ring_chars and all(_radii(line.bbox, s) > GLYPH_CIRCLE[1] for s in seals):
        return False
    printed = [
        ln
        for j, ln in enumerate(lines)
        if j != i and _chars(ln) >= 2 and _chars(ln) > _chars(line) and _is_print(ln, seals)
    ]
    return bool(printed) and not any(_wraps(line, p) for p in printed)


def seal_lines(
    lines: Sequence[OcrLine], seals: Sequence[Seal], ring_chars: int = MAX_CHARS
) -> list[int]:
    """Indices of the cell's lines that are a seal's characters (see the module's note);
    `ring_chars`: the most characters a line on the ring past the glyphs may read."""
    if not seals:
        return []
    stars = [i for i, ln in enumerate(lines) if _is_star(ln, seals)]
    if len(lines) < 2:
        return stars
    on_band = [any(_on_band(ln.bbox, s) for s in seals) for ln in lines]
    print_h = [
        ln.bbox[3] - ln.bbox[1]
        for ln, band in zip(lines, on_band, strict=True)
        if not band and _chars(ln) >= 2
    ]
    ref = median(print_h) if print_h else None
    return [
        i
        for i, (ln, band) in enumerate(zip(lines, on_band, strict=True))
        if (
            band
            and ref is not None
            and ln.bbox[3] - ln.bbox[1] >= TALLER * ref
            and _chars(ln) <= MAX_CHARS
        )
        or _beside_print(i, lines, seals, ring_chars)
        or i in stars
    ]


PerCell = list[dict[int, list[OcrLine]]]  # per table: cell index -> its lines


def drop_seal_lines(
    per_cell: PerCell, seals: Sequence[Seal], ring_chars: int = MAX_CHARS
) -> tuple[PerCell, PerCell]:
    """The cells' lines without a seal's characters, and the lines left out (per table and
    cell, only where a line was), so the reader can report them; `ring_chars` as in
    `seal_lines` (`FAINT_RING_CHARS` for a ring found on the second look)."""
    if not seals:
        return per_cell, [{} for _ in per_cell]
    out: PerCell = []
    left_out: PerCell = []
    for cells in per_cell:
        kept: dict[int, list[OcrLine]] = {}
        gone_here: dict[int, list[OcrLine]] = {}
        for ci, lines in cells.items():
            gone = set(seal_lines(lines, seals, ring_chars))
            kept[ci] = [ln for i, ln in enumerate(lines) if i not in gone]
            if gone:
                gone_here[ci] = [ln for i, ln in enumerate(lines) if i in gone]
        out.append(kept)
        left_out.append(gone_here)
    return out, left_out


def glyphs_kept(per_cell: PerCell, seals: Sequence[Seal]) -> list[tuple[int, int, str]]:
    """The short lines (`MAX_CHARS`) kept on a seal's glyph circle or ring (`_on_circle`), as
    (table, cell index, text): where a cell holds no print to tell a glyph by, a glyph stays
    in its text. A ring found on weaker evidence (`find_faint_seals`) changes the cells around
    such a line (a glyph left out of the cell beside it let the header pair a lone seal glyph
    with a code as the department's name: check2 lg_5847 p2), so the reader names it."""
    return [
        (ti, ci, ln.text)
        for ti, cells in enumerate(per_cell)
        for ci, lines in cells.items()
        for ln in lines
        if _chars(ln) <= MAX_CHARS and any(_on_circle(ln.bbox, s) for s in seals)
    ]
