"""Indicator lines a page break left under no ruled table: an open grid's last line (or a few)
alone at the top of the next OCR page, where the grid finder found no table (a one-row tail's
frame is too small to be a grid: dev5 lg_48772 p2, lg_48820 p2), so OCR handed them over as the
page's free lines and no reader took them: the project landed short with no note.

They are read as the open grid's lines by the heading carried over from the page before, as a
continued table without its heading row: each word of a line goes to the grid column its
place stands in (on the heading's frame: the pages of one document share their scale), the
rows are the lines of the grid's anchor column (its numeric columns, else 指标值), every other
word joins the row whose middle is nearest (a printed cell centres its text in its row). A
line no column of the heading takes, or rows without an anchor, are never guessed into the
grid: one note names the page and the text left unread.

Apart because it reads only free lines against a heading already read, and one problem; the
rows it builds go through `rows.append_rows` as any continued grid's do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import median

from flows.forms.celllines import line_words
from flows.forms.columns import GridColumns
from flows.forms.labels import ALL_COLUMNS, ALL_OPENERS, match_printed, title_line
from flows.forms.linegrid import BLOCK_GAP, text_rows
from flows.models import Cell, CellLine, PageGrid, Table, TextLine, join_wrapped
from flows.text import label_key

# Page furniture that is never a grid line: a page number (`- 2 -`, `第 2 页`, `2/5`)
PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}\s*(页|/\s*\d{1,3})?[-—–\s]*$")
# Share of the heading's frame a line may stand outside it and still be the grid's
FRAME_SLACK = 0.02
# A word stands in a row when its middle is this many text heights from the row's middle at
# most: a cell centres its text, a name wrapped over four lines reaches 1.8 from it
REACH = 2.5
# Fields a line's row is anchored by, when the form prints no numeric column
TARGET = "target"


@dataclass(frozen=True)
class LeftRows:
    """The free lines read as a grid's rows (a table of the heading's columns), the text of
    those no column took (each a line's text), and the texts read."""

    table: Table | None
    unread: list[str]
    read: list[str]


def top_lines(page: PageGrid, top: float | None) -> list[TextLine]:
    """The page's free lines above `top` (all when None), top to bottom, up to the first title
    or opener label (项目名称: a new form begins, what follows is not the open grid's), without
    page numbers."""
    out: list[TextLine] = []
    for ln in sorted(page.lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        if top is not None and ln.bbox[3] > top:
            continue
        if title_line(ln.text) or match_printed(label_key(ln.text), ALL_OPENERS) is not None:
            break
        if ln.text.strip() and not PAGE_NUMBER_RE.match(ln.text):
            out.append(ln)
    return out


def _frame(columns: GridColumns) -> tuple[float, float] | None:
    """(left, width) of the heading's frame on its page; None when it was not measured."""
    if not columns.width or not columns.right:
        return None
    return columns.right - columns.width, columns.width


def _ordered_fields(columns: GridColumns) -> list[tuple[str, tuple[float, float]]] | None:
    """The heading's fields left to right with their x-ranges (fractions of its frame); None
    when two overlap (one heading cell printing two heads: no edge between them to place by)."""
    fields = sorted(columns.x_ranges.items(), key=lambda kv: kv[1][0])
    for (_, (_, a1)), (_, (b0, _)) in zip(fields, fields[1:], strict=False):
        if b0 < a1 - 1e-6:
            return None
    return fields


def read_left_rows(
    lines: list[TextLine], columns: GridColumns, numeric: frozenset[str]
) -> LeftRows:
    """`lines` (free lines of one page, under no table) as rows of the grid `columns` read,
    or what of them no column takes (see the module's docstring)."""
    texts = [ln.text.strip() for ln in lines]
    frame = _frame(columns)
    fields = _ordered_fields(columns)
    if not lines or frame is None or fields is None:
        return LeftRows(None, texts, [])
    left, width = frame
    inside = [
        ln
        for ln in lines
        if ln.bbox[0] >= left - FRAME_SLACK * width
        and ln.bbox[2] <= left + (1 + FRAME_SLACK) * width
    ]
    outside = [ln.text.strip() for ln in lines if ln not in inside]
    if not inside:
        return LeftRows(None, outside, [])
    height = median(ln.bbox[3] - ln.bbox[1] for ln in inside)
    # column edges on the page: midway between neighbouring fields' heads
    xs = [(left + a * width, left + b * width) for _, (a, b) in fields]
    edges = [xs[0][0], *((xs[i][1] + xs[i + 1][0]) / 2 for i in range(len(xs) - 1)), xs[-1][1]]
    by_col: list[list[CellLine]] = [[] for _ in fields]
    for ln in inside:
        for w in line_words(CellLine(ln.text, ln.bbox, ln.confidence), height):
            centre = (w.bbox[0] + w.bbox[2]) / 2
            c = next(i for i in range(len(fields)) if centre < edges[i + 1] or i == len(fields) - 1)
            by_col[c].append(w)
    names = [f for f, _ in fields]
    anchor_cols = [i for i, f in enumerate(names) if f in numeric and by_col[i]] or [
        i for i, f in enumerate(names) if f == TARGET and by_col[i]
    ]
    if "indicator_name" not in names or not anchor_cols:
        return LeftRows(None, [*outside, *(ln.text.strip() for ln in inside)], [])
    anchors = _anchor_rows([w for c in anchor_cols for w in by_col[c]], height)
    mids = [(min(w.bbox[1] for w in row) + max(w.bbox[3] for w in row)) / 2 for row in anchors]
    top = min(ln.bbox[1] for ln in inside)
    bottom = max(ln.bbox[3] for ln in inside)
    bounds = [top, *((mids[i] + mids[i + 1]) / 2 for i in range(len(mids) - 1)), bottom]
    rows: dict[tuple[int, int], list[CellLine]] = {}
    for c, col in enumerate(by_col):
        for w in col:
            y = (w.bbox[1] + w.bbox[3]) / 2
            r = min(range(len(mids)), key=lambda k: abs(mids[k] - y))
            if abs(mids[r] - y) > REACH * height:  # standing apart from every row's middle
                return LeftRows(None, [*outside, *(ln.text.strip() for ln in inside)], [])
            rows.setdefault((r, c), []).append(w)
    name = names.index("indicator_name")
    if not all(rows.get((r, name)) for r in range(len(mids))):
        # a row with no name: no line of the grid it could be read as
        return LeftRows(None, [*outside, *(ln.text.strip() for ln in inside)], [])
    cells = [
        _cell(r, c, rows.get((r, c), []), (xs[c][0], bounds[r], xs[c][1], bounds[r + 1]), height)
        for r in range(len(mids))
        for c in range(len(fields))
    ]
    heading = {c.row for c in cells if c.col == name and _a_head(c.text)}
    if heading:  # the heading repeated, its rules lost: no line of the grid
        cells = [
            replace(c, row=c.row - sum(h < c.row for h in heading))
            for c in cells
            if c.row not in heading
        ]
        inside = [ln for ln in inside if not any(_a_head(w) for w in ln.text.split())]
    if not cells:
        return LeftRows(None, outside, [])
    n_rows = len(mids) - len(heading)
    table = Table(n_rows, len(fields), cells, (left, top, left + width, bottom), "")
    return LeftRows(table, outside, [ln.text.strip() for ln in inside])


def _anchor_rows(words: list[CellLine], height: float) -> list[list[CellLine]]:
    """The anchor column's words in rows: text rows, a row whose top stands less than
    `BLOCK_GAP` text heights under the one above joined to it (a value wrapped in its cell;
    two cells' texts stand a cell's padding apart)."""
    out: list[list[CellLine]] = []
    for row in text_rows(words, height):
        top = min(w.bbox[1] for w in row)
        if out and top - max(w.bbox[3] for w in out[-1]) < BLOCK_GAP * height:
            out[-1] += row
        else:
            out.append(row)
    return out


def _a_head(text: str) -> bool:
    """Whether `text` is a grid column's head as a whole (三级指标), not a name starting so."""
    hit = match_printed(label_key(text), ALL_COLUMNS)
    return hit is not None and not hit[1]


def _cell(row: int, col: int, words: list[CellLine], box: tuple[float, ...], height: float) -> Cell:
    """A cell of the words placed in it: the words of one text line joined by the space
    between them, its text lines joined as a wrapped cell's."""
    lines = [
        " ".join(w.text for w in sorted(r, key=lambda w: w.bbox[0]))
        for r in text_rows(words, height)
    ]
    return Cell(
        row=row,
        col=col,
        text=join_wrapped(lines) if lines else "",
        bbox=box,  # type: ignore[arg-type]
        confidence=min((w.confidence for w in words), default=1.0),
        lines=tuple(words),
    )
