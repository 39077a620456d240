"""A small ruled-table typesetter: blocks of merged cells, flowed over pages, drawn by reportlab.

Why: page breaks are where readers fail, so they must fall where a word processor puts them —
rows never split, merged cells cut in two at the foot of a page with their text lines shared out
(``产出`` / ``指标``), heading rows optionally repeated. A table is a list of blocks (each with its
own column widths, as the header block and the indicator grid of one form differ); every drawn
piece of text is recorded with its page and bbox, which is where the truth's pages come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bench.layoutgen import fonts
from bench.layoutgen.params import LayoutParams


@dataclass
class Cell:
    col: int
    text: str
    span: int = 1
    rowspan: int = 1
    field: str = "label"  # truth name of what the cell holds
    vertical: bool = False
    align: str = "center"
    nowrap: bool = False  # numbers and units: the column widens rather than break "13" in two


@dataclass
class Row:
    cells: list[Cell]
    tag: str = ""  # "ind:<k>" for indicator k of the table, "grid_head", "header" …
    break_before: bool = False


@dataclass
class Block:
    cols: list[float]  # fractions of the table width
    rows: list[Row]


@dataclass
class Table:
    key: str  # "project:<i>" / "department" …
    lines: list[tuple[str, float, str, str]]  # (text, size, font key, align) above the table
    blocks: list[Block]
    grid_head: tuple[int, int] | None = None  # (block, row) repeated after a break in the grid
    new_page: bool = False


@dataclass
class Printed:
    field: str
    text: str
    page: int  # 1-based
    bbox: tuple[float, float, float, float]  # pt, top-left origin: x0, top, x1, bottom
    table: str


@dataclass
class Rendered:
    pages: int
    printed: list[Printed] = field(default_factory=list)
    row_pages: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, tag) -> page
    table_pages: dict[str, list[int]] = field(default_factory=dict)


LATIN_RUN = re.compile(r"[0-9A-Za-z.,%\-]+|.", re.S)


def wrap(text: str, width: float, font: str, size: float, vertical: bool = False) -> list[str]:
    """Break between any two CJK characters to fit `width`, as word processors do, but keep a
    run of digits or Latin letters whole unless it alone is wider; explicit newlines kept."""
    if vertical:
        return [ch for ch in text if not ch.isspace()]
    out: list[str] = []
    for para in text.split("\n"):
        tokens: list[str] = []
        for tok in LATIN_RUN.findall(para):
            too_wide = len(tok) > 1 and stringWidth(tok, font, size) > width
            tokens.extend(tok if too_wide else [tok])
        cur = ""
        for tok in tokens:
            if cur and stringWidth(cur + tok, font, size) > width:
                out.append(cur.rstrip())
                cur = tok.lstrip()
            else:
                cur += tok
        out.append(cur)
    return out


class Typesetter:
    """Flows tables over pages of one document (layout), then draws the pages in order.

    Layout only records operations per page: a merged cell cut by a break is known in full only
    after the rows below it are placed, so nothing is drawn until every table is laid out.
    """

    def __init__(self, p: LayoutParams) -> None:
        self.p = p
        self.size = landscape(A4) if p.landscape else A4
        self.font = fonts.register(p.font)
        self.title_font = fonts.register(p.title_font)
        self.page = 1
        self.y = p.margin_top
        self.width = (self.size[0] - 2 * p.margin_left) * p.table_width
        self.x0 = (self.size[0] - self.width) / 2
        self.leading = p.font_size * 1.3
        self.page_used = False
        self.ops: dict[int, list[tuple]] = {}
        self.row_pages: dict[tuple[str, str], int] = {}
        self.table_pages: dict[str, list[int]] = {}

    # ---------------------------------------------------------------- geometry
    def _xs(self, block: Block) -> list[float]:
        xs = [self.x0]
        for f in block.cols:
            xs.append(xs[-1] + f * self.width)
        return xs

    def _fit(self, block: Block) -> None:
        """Widen columns whose unbreakable cells do not fit, taking the room from the others."""
        need = [0.0] * len(block.cols)
        for row in block.rows:
            for c in row.cells:
                if c.nowrap and c.span == 1 and c.text:
                    w = (
                        stringWidth(c.text, self.font, self.p.font_size)
                        + 2 * self.p.cell_padding
                        + 2
                    )
                    need[c.col] = max(need[c.col], w / self.width)
        short = sum(max(0.0, n - f) for n, f in zip(need, block.cols, strict=True))
        if short <= 0:
            return
        floor = (3 * self.p.font_size + 2 * self.p.cell_padding) / self.width
        spare = [
            max(0.0, f - floor) if n == 0 else 0.0 for f, n in zip(block.cols, need, strict=True)
        ]
        room = sum(spare)
        if room <= short:
            return
        block.cols = [
            max(f, n) if n else f - short * s / room
            for f, n, s in zip(block.cols, need, spare, strict=True)
        ]

    def _lines(self, cell: Cell, xs: list[float]) -> list[str]:
        w = xs[cell.col + cell.span] - xs[cell.col] - 2 * self.p.cell_padding
        return wrap(cell.text, max(w, self.p.font_size), self.font, self.p.font_size, cell.vertical)

    def _need(self, cell: Cell, xs: list[float]) -> float:
        return len(self._lines(cell, xs)) * self.leading + 2 * self.p.cell_padding

    def _heights(self, block: Block) -> list[float]:
        xs = self._xs(block)
        hs = [self.p.row_min_height] * len(block.rows)
        for r, row in enumerate(block.rows):
            for c in row.cells:
                if c.rowspan == 1 and c.text:
                    hs[r] = max(hs[r], self._need(c, xs))
        for r, row in enumerate(block.rows):
            for c in row.cells:
                if c.rowspan > 1 and c.text:
                    have = sum(hs[r : r + c.rowspan])
                    if have < self._need(c, xs):
                        hs[r + c.rowspan - 1] += self._need(c, xs) - have
        return hs

    @property
    def bottom(self) -> float:
        return self.size[1] - self.p.margin_bottom

    def new_page(self) -> None:
        self.page += 1
        self.y = self.p.margin_top
        self.page_used = False

    def _op(self, *op: object) -> None:
        self.ops.setdefault(self.page, []).append(op)

    # ---------------------------------------------------------------- layout
    def place(self, table: Table) -> None:
        """Flow one table from the current position; rows never split, merged cells may."""
        p = self.p
        for b in table.blocks:
            self._fit(b)
        heights = [self._heights(b) for b in table.blocks]
        title_h = sum(s * 1.6 for _, s, _, _ in table.lines)
        first_rows = sum(heights[0][:3]) if heights and heights[0] else 0
        if table.new_page and self.page_used:
            self.new_page()
        elif self.page_used:
            self.y += 18
        if self.y + title_h + first_rows > self.bottom:
            self.new_page()
        for text, size, font_key, align in table.lines:
            if text:
                self._op("line", table.key, text, self.y, size, font_key, align)
            self.y += size * 1.6
        self.page_used = True
        placed: dict[tuple[int, int], tuple[int, float, float]] = {}
        in_grid = False
        for b, block in enumerate(table.blocks):
            for r, row in enumerate(block.rows):
                h = heights[b][r]
                if (row.break_before and self.y > p.margin_top + 1) or self.y + h > self.bottom:
                    self.new_page()
                    self.page_used = True
                    if in_grid and p.repeat_heading and table.grid_head is not None:
                        gb, gr = table.grid_head
                        gh = heights[gb][gr]
                        xs = self._xs(table.blocks[gb])
                        for cell in table.blocks[gb].rows[gr].cells:
                            box = (xs[cell.col], self.y, xs[cell.col + cell.span], self.y + gh)
                            self._op("piece", table.key, cell, self._lines(cell, xs), box)
                        self.y += gh
                placed[(b, r)] = (self.page, self.y, h)
                if row.tag:
                    self.row_pages.setdefault((table.key, row.tag), self.page)
                self.y += h
                if table.grid_head == (b, r):
                    in_grid = True
        pages_of_table: set[int] = set()
        for b, block in enumerate(table.blocks):
            xs = self._xs(block)
            for r, row in enumerate(block.rows):
                for cell in row.cells:
                    pieces: list[list] = []
                    for pg, top, h in (placed[(b, k)] for k in range(r, r + cell.rowspan)):
                        if pieces and pieces[-1][0] == pg:
                            pieces[-1][2] = top + h
                        else:
                            pieces.append([pg, top, top + h])
                    shares = self._share(cell, self._lines(cell, xs), pieces)
                    for (pg, top, bot), part in zip(pieces, shares, strict=True):
                        box = (xs[cell.col], top, xs[cell.col + cell.span], bot)
                        self.ops.setdefault(pg, []).append(("piece", table.key, cell, part, box))
                        pages_of_table.add(pg)
        self.table_pages[table.key] = sorted(pages_of_table)

    def _share(self, cell: Cell, lines: list[str], pieces: list[list]) -> list[list[str]]:
        """Share a cut cell's lines over its pieces (or repeat a label that fits each piece)."""
        if len(pieces) == 1:
            return [lines]
        pad = 2 * self.p.cell_padding
        fits = [max(0, int((bot - top - pad + 1e-6) // self.leading)) for _, top, bot in pieces]
        if (
            self.p.repeat_split_labels
            and cell.field == "label"
            and all(f >= len(lines) for f in fits)
        ):
            return [lines for _ in pieces]
        out: list[list[str]] = []
        rest = list(lines)
        for k, f in enumerate(fits):
            take = rest if k == len(fits) - 1 else rest[:f]
            out.append(take)
            rest = rest[len(take) :]
        return out

    # ---------------------------------------------------------------- drawing
    def draw(self, path: str) -> Rendered:
        """Draw every page's operations; returns what was printed where."""
        c = Canvas(path, pagesize=self.size, pageCompression=1, invariant=1)
        c.setTitle("")
        out = Rendered(pages=self.page, row_pages=self.row_pages, table_pages=self.table_pages)
        for pg in range(1, self.page + 1):
            for op in self.ops.get(pg, []):
                if op[0] == "line":
                    _, key, text, y, size, font_key, align = op
                    font = self.title_font if font_key == "title" else self.font
                    self._text(c, text, self.x0, y, size, font, align, self.width)
                    box = (self.x0, y, self.x0 + self.width, y + size * 1.3)
                    out.printed.append(
                        Printed("title" if font_key == "title" else "line", text, pg, box, key)
                    )
                else:
                    _, key, cell, lines, box = op
                    self._piece(c, out, key, cell, lines, box, pg)
            if self.p.page_numbers:
                c.setFont(self.font, 9)
                c.drawCentredString(self.size[0] / 2, self.p.margin_bottom / 2, f"- {pg} -")
            c.showPage()
        c.save()
        return out

    def _text(
        self,
        c: Canvas,
        text: str,
        x: float,
        y_top: float,
        size: float,
        font: str,
        align: str,
        w: float,
    ) -> None:
        base = self.size[1] - (y_top + size * 0.92)
        c.setFont(font, size)
        if align == "center":
            c.drawCentredString(x + w / 2, base, text)
        else:
            c.drawString(x, base, text)

    def _piece(
        self, c: Canvas, out: Rendered, key: str, cell: Cell, lines: list[str], box: tuple, pg: int
    ) -> None:
        x0, top, x1, bot = box
        c.setLineWidth(self.p.line_width)
        c.rect(x0, self.size[1] - bot, x1 - x0, bot - top, stroke=1, fill=0)
        if not lines or not "".join(lines):
            if cell.field != "label":
                out.printed.append(Printed(cell.field, "", pg, box, key))
            return
        pad = self.p.cell_padding
        y = (
            top
            + max(pad, (bot - top - len(lines) * self.leading) / 2)
            + (self.leading - self.p.font_size) / 2
        )
        for line in lines:
            self._text(
                c, line, x0 + pad, y, self.p.font_size, self.font, cell.align, x1 - x0 - 2 * pad
            )
            y += self.leading
        out.printed.append(
            Printed(cell.field, ("" if cell.vertical else "\n").join(lines), pg, box, key)
        )


def typeset(path: str, p: LayoutParams, tables: list[Table]) -> Rendered:
    """Lay out all tables of one document, then draw it to `path`."""
    ts = Typesetter(p)
    for t in tables:
        ts.place(t)
    return ts.draw(path)
