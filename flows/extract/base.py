"""The small base class every extractor flavour implements (camelot's parser-per-flavour shape)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from flows.lineshapes import group_lines
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


def line_text(line: list[Glyph]) -> str:
    return "".join(g.text for g in line).strip()


def cell_text(
    lines: list[list[Glyph]], room: float | None = None, pitch: float = 0.0
) -> tuple[str, float, str | None]:
    """A cell's printed text from its `lines` (`group_lines`: wrapped lines joined in reading
    order), its confidence, and its lines as `4. | 2 | 5` when they are one number broken by the
    cell's `room` (`broken_number`, digits `pitch` apart), then read whole."""
    texts = [line_text(line) for line in lines]
    conf = min((g.confidence for line in lines for g in line), default=1.0)
    if room is not None and broken_number(lines, room, pitch):
        return "".join(texts), conf, " | ".join(texts)
    return join_wrapped(texts), conf, None


# What a number prints with (digits, its point, thousands separators, a percent sign) and what a
# whole one is: lines join as one number only when together they make one
NUMBER_GLYPHS = frozenset("0123456789.,%")
WHOLE_NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def broken_number(lines: list[list[Glyph]], room: float, pitch: float = 0.0) -> bool:
    """Whether a cell's lines are one number its printer broke because the cell was too narrow
    (`4.` | `2` | `5`, a score 4.25 in a 21 pt column, dev3 lg_24613_自评): two lines or more,
    each only a number's glyphs and no space, together one number, and that number wider than the
    cell's `room` (its width less the table's padding): it could not have printed on one line.
    Blank glyphs at a line's ends are left out. A digit takes the table's digit `pitch` (the
    step from one digit to the next on a line: a printer sets a `1` as wide as an `8`) or its
    ink, whichever is wider. Numbers stacked in a cell that holds them side by side stay apart
    (`join_wrapped`)."""
    # a blank glyph at a line's end is no print (a text layer may end a wrapped line with a
    # zero-width space: `7. ` | `7` | `5`, dev4 lg_36206_自评), nor is a line of blanks alone;
    # a space inside a line keeps the lines apart
    lines = [line for line in lines if line_text(line)]
    if len(lines) < 2 or any(" " in line_text(line) for line in lines):
        return False
    glyphs = [g for line in lines for g in line if g.text.strip()]
    joined = "".join(g.text for g in glyphs)
    if not set(joined) <= NUMBER_GLYPHS or not WHOLE_NUMBER_RE.fullmatch(joined):
        return False
    width = sum(max(g.bbox[2] - g.bbox[0], pitch if g.text.isdigit() else 0.0) for g in glyphs)
    return width > room


def digit_pitch(lines: Iterable[list[Glyph]]) -> float:
    """The step from a digit's left edge to the next digit's on one line, the median over the
    table's printed `lines` (0 when no line prints two digits side by side)."""
    steps = sorted(
        b.bbox[0] - a.bbox[0]
        for line in lines
        for a, b in zip(line, line[1:], strict=False)
        if a.text.isdigit() and b.text.isdigit()
    )
    return steps[len(steps) // 2] if steps else 0.0


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


def span_boxes(
    spans: list[tuple[int, int, int, int]], row_edges: list[float], col_edges: list[float]
) -> list[tuple[float, float, float, float]]:
    """Each merged cell's (x0, y0, x1, y1) from its (row, col, rowspan, colspan)."""
    return [
        (col_edges[c], row_edges[r], col_edges[c + cs], row_edges[r + rs]) for r, c, rs, cs in spans
    ]


def cell_at(boxes: list[tuple[float, float, float, float]], x: float, y: float) -> int | None:
    """The index of the cell box holding the point (a glyph's centre), None outside them all."""
    return next(
        (i for i, (x0, y0, x1, y1) in enumerate(boxes) if x0 <= x < x1 and y0 <= y < y1), None
    )


def fill_table(
    spans: list[tuple[int, int, int, int]],
    row_edges: list[float],
    col_edges: list[float],
    glyphs: list[Glyph],
    extractor: str,
    notes: list[str] | None = None,
) -> tuple[Table, list[Glyph]]:
    """Place glyphs into merged cells by their centres; return the table and the glyphs outside it.
    A number a cell prints broken over lines by its width is read whole, noted in `notes`.

    Assigning by the glyph's centre, not its left edge, is what keeps text that starts right on a
    cell's left rule in its own cell (camelot's own assignment glues it onto the previous cell)."""
    boxes = span_boxes(spans, row_edges, col_edges)
    inside: dict[int, list[Glyph]] = {i: [] for i in range(len(boxes))}
    outside: list[Glyph] = []
    for g in glyphs:
        i = cell_at(boxes, g.cx, g.cy)
        (outside if i is None else inside[i]).append(g)
    # the table's padding: the least its text stands off a cell's left rule (a left-aligned line)
    pad = min(
        (min(g.bbox[0] for g in gs) - boxes[i][0] for i, gs in inside.items() if gs), default=0.0
    )
    lines = {i: group_lines(gs) for i, gs in inside.items()}
    pitch = digit_pitch(line for ls in lines.values() for line in ls)
    cells = []
    for i, ((r, c, rs, cs), bbox) in enumerate(zip(spans, boxes, strict=True)):
        text, conf, broken = cell_text(lines[i], bbox[2] - bbox[0] - 2 * max(pad, 0.0), pitch)
        cells.append(
            Cell(row=r, col=c, rowspan=rs, colspan=cs, text=text, bbox=bbox, confidence=conf)
        )
        if broken is not None and notes is not None:
            notes.append(
                f"cell (row {r + 1}, column {c + 1}): '{broken}' is one number too wide for its "
                f"cell ({bbox[2] - bbox[0]:.1f} pt) to print on a line: read as '{text}'"
            )
    table = Table(
        n_rows=len(row_edges) - 1,
        n_cols=len(col_edges) - 1,
        cells=cells,
        bbox=(col_edges[0], row_edges[0], col_edges[-1], row_edges[-1]),
        extractor=extractor,
    )
    return table, outside
