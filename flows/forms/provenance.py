"""Where a value was printed: every value the reader takes keeps its page, table, row, column,
box, confidence and extractor (`SourcedValue`), so a warehouse figure can be traced to its cell.

Apart because all readers stamp their values the same way, from the segment they are reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.models import Cell, PageGrid, SourcedValue, Table, TextLine

# ---------------------------------------------------------------- values with provenance


def _value(cell: Cell, page: int, table_index: int, extractor: str, text: str | None = None):
    return SourcedValue(
        value=cell.text if text is None else text,
        page=page,
        table_index=table_index,
        row=cell.row,
        col=cell.col,
        bbox=cell.bbox,
        confidence=cell.confidence,
        extractor=extractor,
    )


def read_unsure(value: SourcedValue, ocr_pages: Mapping[int, float | None]) -> bool:
    """Whether OCR kept `value` for review: read on an OCR page (`ocr_pages`: each OCR page's
    `PageGrid.review_below` by page number) below that page's review line. A text layer's
    values, and a page that names no line, never are."""
    line = ocr_pages.get(value.page)
    return line is not None and value.confidence < line


def on_line(page: PageGrid, line: TextLine, text: str) -> SourcedValue:
    """A value printed on a free line of the page, outside every table (the year line above a
    table, 单位：元): the line's box and confidence, no cell."""
    return SourcedValue(
        value=text,
        page=page.page,
        bbox=line.bbox,
        confidence=line.confidence,
        extractor=page.extractor or "",
    )


@dataclass
class Where:
    """The page and table a segment is on, to give its values their provenance."""

    page: PageGrid
    table: Table
    table_index: int

    @property
    def extractor(self) -> str:
        return self.page.extractor or ""

    def sv(self, cell: Cell | None, text: str | None = None) -> SourcedValue:
        if cell is None:
            return SourcedValue(value="", page=self.page.page, extractor=self.extractor)
        return _value(cell, self.page.page, self.table_index, self.extractor, text)
