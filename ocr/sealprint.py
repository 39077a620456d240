"""Print under a seal's line, re-read at its row's print height.

A seal as dark as the print and not lifted (`ocr.preprocess.lift_grey_seals`) can join one of
its glyphs and the print under it into one OCR line: a box a seal's height (taller and wider
than `flows.lineshapes.SEAL` text heights), read as the seal's character (dev lg_581_自评
p3: `罗` over a printed score 8.97), which the form reader then drops whole as a seal's text
(`lineshapes.is_seal_text`), the print with it.

Such a box is cut again at the height of its row's print: each printed line of the cells
sharing its grid row whose middle lies inside the box gives one band (a printed cell centres
its text in its row, and the row's lines stand at the same heights across its cells), and the
box's width across that band is read. Whatever the bands read rides on the cell
(`Cell.under_seal`), its text untouched: a band through the seal's own glyphs reads them as
surely as print (`罗` at 0.91 beside `8.97` at 0.997), so only the form reader, knowing what
the column may print, takes a reading (`flows.forms.rows`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from flows.lineshapes import SEAL, is_seal_high, text_height
from flows.models import Cell, CellLine, Table
from ocr.engines import OcrEngine
from ocr.preprocess import to_bgr

# A band's crop keeps this share of its printed line's height of paper above and below (a
# detection box's padding: `ocr.page.LINE_PAD`).
BAND_PAD = 0.2

Band = tuple[int, int, int, int]  # page px: x0, y0, x1, y1


def _within_rows(other: Cell, cell: Cell) -> bool:
    """`other` stands in `cell`'s grid rows only (a label merged over more rows centres its
    text elsewhere)."""
    return cell.row <= other.row and other.last_row <= cell.last_row


def print_bands(table: Table, cell: Cell, line: CellLine, height: float) -> list[Band]:
    """The bands of `line`'s box at its row's print: one per printed line (no seal-high box)
    of another cell within `cell`'s grid rows whose middle lies inside the box, as high
    as that line plus `BAND_PAD`, as wide as the box; the same band once."""
    x0, y0, x1, y1 = (int(round(v)) for v in line.bbox)
    spans: set[tuple[int, int]] = set()
    for other in table.cells:
        if other is cell or not _within_rows(other, cell):
            continue
        for ln in other.lines:
            a0, a1 = ln.bbox[1], ln.bbox[3]
            if a1 - a0 >= SEAL * height or not y0 <= (a0 + a1) / 2 <= y1:
                continue
            pad = BAND_PAD * (a1 - a0)
            spans.add((max(y0, int(round(a0 - pad))), min(y1, int(round(a1 + pad)))))
    return [(x0, b0, x1, b1) for b0, b1 in sorted(spans) if b1 > b0 and x1 > x0]


def reread_under_seals(tables: list[Table], gray: np.ndarray, engine: OcrEngine) -> list[Table]:
    """Each cell holding a seal-high line (`lineshapes.is_seal_high`: a seal's text, or print a
    seal's ink joined into a box no printed line has) gets what its print
    bands read (`print_bands`), best first, on `Cell.under_seal`; all crops in one batch.
    Every page: where no seal was found (dev lg_581_自评 p3) one still joined its glyph to print."""
    jobs: list[tuple[int, int]] = []
    crops: list[np.ndarray] = []
    for ti, table in enumerate(tables):
        height = text_height(table)
        for ci, cell in enumerate(table.cells):
            for line in cell.lines:
                if not is_seal_high(line, height):
                    continue
                for bx0, by0, bx1, by1 in print_bands(table, cell, line, height):
                    jobs.append((ti, ci))
                    crops.append(to_bgr(np.ascontiguousarray(gray[by0:by1, bx0:bx1])))
    if not crops:
        return tables
    read: dict[tuple[int, int], list[tuple[str, float]]] = {}
    for job, got in zip(jobs, engine.read_crops_ranked(crops), strict=True):
        if got.text.strip():
            read.setdefault(job, []).append((got.text.strip(), round(float(got.confidence), 4)))
    for (ti, ci), readings in read.items():
        best = tuple(sorted(readings, key=lambda r: -r[1]))
        tables[ti].cells[ci] = replace(tables[ti].cells[ci], under_seal=best)
    return tables
