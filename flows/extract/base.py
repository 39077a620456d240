"""The small base class every extractor flavour implements (camelot's parser-per-flavour shape)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from flows.models import BBox, Cell, Table, TextLine, join_wrapped


class Extractor(ABC):
    """Turns one page of a document into a `PageGrid`; subclasses name themselves in `name`."""

    name: str = ""

    @abstractmethod
    def extract_page(self, path: str, page: int):  # -> PageGrid
        """Extract 1-based `page` of the file at `path`."""


@dataclass(frozen=True)
class Glyph:
    """One printed character with its box (top-left origin) and recognition confidence."""

    text: str
    bbox: BBox
    confidence: float = 1.0

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into printed lines: top to bottom, each left to right.

    Two glyphs share a line when their vertical centres are closer than half a glyph height, which
    holds for the tight single-spaced text of these forms and keeps wrapped lines apart."""
    lines: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.cx)):
        if lines:
            last = lines[-1]
            ref = sum(x.cy for x in last) / len(last)
            tol = max(2.0, 0.5 * max(max(x.height for x in last), g.height))
            if abs(g.cy - ref) <= tol:
                last.append(g)
                continue
        lines.append([g])
    return [sorted(line, key=lambda g: g.cx) for line in lines]


def line_text(line: list[Glyph]) -> str:
    return "".join(g.text for g in line).strip()


def cell_text(glyphs: list[Glyph]) -> tuple[str, float]:
    """A cell's printed text (wrapped lines joined in reading order) and its confidence."""
    lines = group_lines(glyphs)
    text = join_wrapped([line_text(line) for line in lines])
    conf = min((g.confidence for g in glyphs), default=1.0)
    return text, conf


def free_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Text printed outside every table, one `TextLine` per printed line."""
    out = []
    for line in group_lines(glyphs):
        text = line_text(line)
        if not text:
            continue
        box = (
            min(g.bbox[0] for g in line),
            min(g.bbox[1] for g in line),
            max(g.bbox[2] for g in line),
            max(g.bbox[3] for g in line),
        )
        out.append(TextLine(text=text, bbox=box, confidence=min(g.confidence for g in line)))
    return out


def fill_table(
    spans: list[tuple[int, int, int, int]],
    row_edges: list[float],
    col_edges: list[float],
    glyphs: list[Glyph],
    extractor: str,
) -> tuple[Table, list[Glyph]]:
    """Place glyphs into merged cells by their centres; return the table and the glyphs outside it.

    Assigning by the glyph's centre, not its left edge, is what keeps text that starts right on a
    cell's left rule in its own cell (camelot's own assignment glues it onto the previous cell)."""
    boxes = [
        (row_edges[r], col_edges[c], row_edges[r + rs], col_edges[c + cs], r, c, rs, cs)
        for r, c, rs, cs in spans
    ]
    inside: dict[int, list[Glyph]] = {i: [] for i in range(len(boxes))}
    outside: list[Glyph] = []
    for g in glyphs:
        for i, (top, left, bottom, right, *_rest) in enumerate(boxes):
            if left <= g.cx < right and top <= g.cy < bottom:
                inside[i].append(g)
                break
        else:
            outside.append(g)
    cells = []
    for i, (top, left, bottom, right, r, c, rs, cs) in enumerate(boxes):
        text, conf = cell_text(inside[i])
        cells.append(
            Cell(
                row=r,
                col=c,
                rowspan=rs,
                colspan=cs,
                text=text,
                bbox=(left, top, right, bottom),
                confidence=conf,
            )
        )
    table = Table(
        n_rows=len(row_edges) - 1,
        n_cols=len(col_edges) - 1,
        cells=cells,
        bbox=(col_edges[0], row_edges[0], col_edges[-1], row_edges[-1]),
        extractor=extractor,
    )
    return table, outside
