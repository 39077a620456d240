"""A form's title read inside the header cell below it: on a scan whose header rules wore away
(a faint seal over them, dev7 lg_66391_自评 p1), OCR's grid merged the title lines printed above
the table with the whole header into one cell (`项目支出绩效自评表(2023年度)项目名称 文物保护经费
主管部门 …`). The cell then starts with the title, not with an opener label, and the table opens
no form: the project, its execution block and its indicator lines were lost.

A cell whose top printed lines are a form's title or year line (`labels.title_line`), standing
above the rest, and whose rest starts with an opener is two things: the title, given the cell's
first grid row, and the header, the rows under it — as `segments` and the header reader see a
title row over a form's header when its rule was found. Said in one note.

Apart because it decides, from a cell's lines, where a form starts before the reader cuts the
table into forms (as `outside` does for an opener read outside the grid). Only OCR pages.
"""

from __future__ import annotations

from dataclasses import replace

from flows.forms.celllines import ROW_SHARE
from flows.forms.labels import ALL_OPENERS, title_line
from flows.lineshapes import group_lines
from flows.models import Cell, CellLine, PageGrid, Table, join_wrapped
from flows.text import label_key

# A form's title prints on one or two lines (the title, then its year `(2023年度)`), a third when
# it wraps: more lines above the opener are a table's own rows, not its title
MAX_TITLE_LINES = 3


def with_title_cut_off(page: PageGrid, table: Table, problems: list[str]) -> Table:
    """`table` with each cell that prints a form's title over its header (module docstring)
    cut in two: the title on the cell's first row, the header on the rows under it."""
    if page.has_text_layer:
        return table
    cells: list[Cell] = []
    for cell in table.cells:
        cut = _title_over_header(cell)
        if cut is None:
            cells.append(cell)
            continue
        title, header = cut
        cells += [title, header]
        problems.append(
            f"page {page.page}: the form's title '{title.text}' read inside the header cell "
            f"'{header.text[:30]}…' (the rules between them lost): read as a title row over it"
        )
    return table if len(cells) == len(table.cells) else replace(table, cells=cells)


def _title_over_header(cell: Cell) -> tuple[Cell, Cell] | None:
    """(the title's cell, the header's) of a cell merged over two grid rows at least whose
    printed lines above the first that starts with an opener are a title (one of them a title
    or year line: the title's own glyphs may be misread, `项目文出须双每评表`); None otherwise."""
    if cell.rowspan < 2 or not cell.lines:
        return None
    bands = group_lines(list(cell.lines), ROW_SHARE)
    top = next((k for k, band in enumerate(bands) if _opens(band)), 0)
    above = [join_wrapped(_texts(band)) for band in bands[:top]]
    if not 0 < top <= MAX_TITLE_LINES or not any(title_line(text) for text in above):
        return None
    title = [ln for band in bands[:top] for ln in band]
    rest = [ln for band in bands[top:] for ln in band]
    lead = join_wrapped(_texts(title))
    if not cell.text.startswith(lead):
        return None  # the cell's text is not its lines' as read: which part is the title is unsaid
    text = cell.text[len(lead) :]
    cut_at = (max(ln.bbox[3] for ln in title) + min(ln.bbox[1] for ln in rest)) / 2
    x0, y0, x1, y1 = cell.bbox
    title_cell = replace(
        cell, text=lead, rowspan=1, bbox=(x0, y0, x1, cut_at),
        lines=tuple(title), readings=(), seal_lines=(), under_seal=(), faint=(),
    )  # fmt: skip
    header_cell = replace(
        cell, text=text.strip(), row=cell.row + 1, rowspan=cell.rowspan - 1,
        bbox=(x0, cut_at, x1, y1), lines=tuple(rest), readings=(),
    )  # fmt: skip
    return title_cell, header_cell


def _opens(band: list[CellLine]) -> bool:
    """Whether a printed line starts with a form's opener label (项目名称, 部门名称 …)."""
    key = label_key(band[0].text) if band else ""
    return any(key.startswith(alt) for alt, _ in ALL_OPENERS)


def _texts(lines: list[CellLine]) -> list[str]:
    return [ln.text for ln in lines]
