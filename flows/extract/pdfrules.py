"""The vertical rules a text-layer PDF page draws, read from its vector paths with pypdfium2.

camelot's lattice finds the grid (rows, columns, which edges are ruled) but keeps the rule
segments it measured only in a private attribute; where the text-layer reader re-judges which of
two near column edges a rule belongs to (`textlayer.CamelotLatticeExtractor._rule_nearest_edge`),
it reads the page's rules itself, from what the PDF draws: a stroked path's vertical pieces (a
cell's rectangle, a line), and a thin filled rectangle (a rule drawn as a bar, as spreadsheet
exports do).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A vertical rule is drawn upright: its run across is rounding only. A piece whose x drifts by
# more than this share of its length is a slanted stroke (a tick, a diagonal), no rule.
RULE_SLANT = 0.02
# A filled rectangle is a rule drawn as a bar when it is at most this many points wide (printed
# rules are 0.25-2 pt; a wider fill is a shaded cell) and at least `BAR_LENGTH` times as long as
# it is wide.
BAR_WIDTH = 3.0
BAR_LENGTH = 10.0

# (x, low y, high y) in PDF user space (points, y up), as the PDF draws it
Rule = tuple[float, float, float]


def vertical_rules(page: pdfium.PdfPage) -> list[Rule]:
    """Every vertical rule the page draws, in page space (form XObjects' paths included)."""
    rules: list[Rule] = []
    for obj, to_page in _paths(page, None, pdfium.PdfMatrix()):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
            continue
        for points in _subpaths(obj, to_page):
            if stroke.value:
                rules.extend(_upright_pieces(points))
            elif fill.value:
                bar = _bar(points)
                if bar is not None:
                    rules.append(bar)
    return rules


def _paths(
    page: pdfium.PdfPage, form: pdfium.PdfObject | None, to_page: pdfium.PdfMatrix
) -> Iterator[tuple[pdfium.PdfObject, pdfium.PdfMatrix]]:
    """The page's path objects, each with the matrix taking its points to page space (a form
    XObject's objects are placed by the form's matrix too)."""
    for obj in page.get_objects(max_depth=0, form=form):
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, obj.get_matrix().multiply(to_page)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _paths(page, obj, obj.get_matrix().multiply(to_page))


# A subpath's points in page space; None stands before each point a curve reaches (no straight
# piece leads to it)
Subpath = list[tuple[float, float] | None]


def _subpaths(obj: pdfium.PdfObject, to_page: pdfium.PdfMatrix) -> list[Subpath]:
    """The path's subpaths in page space, a closed one ending at its start."""
    out: list[Subpath] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = to_page.on_point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not out:
            out.append([point])
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            out[-1].append(point)
        else:  # a Bézier's control and end points, each reached by no straight piece
            out[-1].extend((None, point))
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            out[-1].append(out[-1][0])
    return out


def _upright_pieces(points: Subpath) -> list[Rule]:
    """The vertical straight pieces of a stroked subpath."""
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if a is None or b is None:
            continue
        (x1, y1), (x2, y2) = a, b
        if y2 != y1 and abs(x2 - x1) <= RULE_SLANT * abs(y2 - y1):
            out.append(((x1 + x2) / 2, min(y1, y2), max(y1, y2)))
    return out


def _bar(points: Subpath) -> Rule | None:
    """A filled subpath of straight pieces that is an upright bar (`BAR_WIDTH`, `BAR_LENGTH`)
    as the rule along its middle; None for any other fill."""
    if any(p is None for p in points):
        return None
    xs, ys = [p[0] for p in points if p], [p[1] for p in points if p]
    width, length = max(xs) - min(xs), max(ys) - min(ys)
    if len(points) < 4 or width > BAR_WIDTH or length < BAR_LENGTH * max(width, 1e-6):
        return None
    return (min(xs) + max(xs)) / 2, min(ys), max(ys)
