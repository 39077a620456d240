"""The indicator grid's label columns (一级 / 二级) on a scanned page, as its headings tell them.

A rule gapped with paper in the label columns joins two labels into one cell, and the lines
beside them fall under one label or none. Two grid passes give such a rule back from what is
left of it (`ocr.grid._row_rule_from_end_pieces`, `ocr.grid._split_along_one_line`), but the
same passes parted header and goal cells whose crops then read worse (gridrow34: six values
right → wrong). Where the label columns are is no question of ink: the grid's heading row
names them. A first reading of the page's cells finds the 三级 heading (`spec.LEVELS`) and a
一级 or 二级 heading left of it on the same row; the columns left of the 三级 heading, from
that row down to the table's foot, are the label block the passes may act in."""

from __future__ import annotations

from collections.abc import Sequence

from flows.forms.spec import LEVELS
from flows.models import BBox
from flows.text import normalize
from ocr.engines import OcrLine
from ocr.grid import GridCell, GridTable

_LABEL_HEADS = tuple(normalize(h) for col in LEVELS[:2] for h in col.headings)
_NAME_HEADS = tuple(normalize(h) for h in LEVELS[2].headings)


def _cell_text(lines: Sequence[OcrLine]) -> str:
    """A cell's lines top to bottom as one normalised key (a heading may wrap)."""
    return normalize("".join(ln.text for ln in sorted(lines, key=lambda ln: ln.bbox[1])))


def _same_row(a: GridCell, b: GridCell) -> bool:
    """Whether two cells share a grid row (a heading cell may span the heading's two rows)."""
    return a.row < b.row + b.rowspan and b.row < a.row + a.rowspan


def table_label_block(table: GridTable, texts: dict[int, str]) -> BBox | None:
    """The label block of one table (x0, y0, x1, y1, page px): from the table's left frame to
    the 三级 heading's left rule, from that heading's top to the table's foot; None where no
    cell prints a 三级 heading with a 一级 / 二级 heading left of it on its row."""
    for i, cell in enumerate(table.cells):
        text = texts.get(i, "")
        if not any(head in text for head in _NAME_HEADS):
            continue
        left = [
            other
            for j, other in enumerate(table.cells)
            if other.col < cell.col
            and _same_row(cell, other)
            and any(head in texts.get(j, "") for head in _LABEL_HEADS)
        ]
        if left:
            return (table.xs[0], cell.bbox[1], cell.bbox[0], table.ys[-1])
    return None


def label_blocks(
    tables: Sequence[GridTable], per_cell: Sequence[dict[int, list[OcrLine]]]
) -> tuple[BBox, ...]:
    """The label blocks of a page's tables, read from a first reading of their cells
    (`ocr.page.read_cells`' lines per cell, one dict per table)."""
    out = []
    for table, lines in zip(tables, per_cell, strict=True):
        block = table_label_block(table, {i: _cell_text(ls) for i, ls in lines.items()})
        if block is not None:
            out.append(block)
    return tuple(out)
