"""The extraction stage's offer to the form reader: a box of a page read again.

The form reader works on page grids, after OCR; where the form's own arithmetic says an amount
was misread (a funds block that does not add up), it may ask for that one cell to be read again
(`flows.forms.funds.reread_funds_by_sum`). The reader knows no OCR and no file: it is handed a
`BoxReread` callable, which renders the page again (as extraction did), normalises it as OCR did
(`ocr.reread.normalised_page`) and reads the box's views (`ocr.reread.read_box`). A page is
rendered once however many of its boxes are asked for; nothing is rendered when none is. The
page's orientation and skew, and whether a grey seal was lifted and its rules straightened or
its table warped, are taken as its reading decided them (`PageGrid.decided`), not judged again:
the orientation test's recognition, the skew search, the seal search and the rule masks were
four fifths of a re-read's preparation (speed38, docs/scans.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from flows.models import BBox, BoxReread, PageGrid
from ocr.engines import OcrOptions

log = logging.getLogger(__name__)


class PageRereader:
    """`BoxReread` for one document: (page, box in the page grid's pixels) → the texts its
    views read. A page that cannot be rendered again gives no reading (the reader then keeps
    what it has), never an error."""

    def __init__(
        self, path: Path, kind: str, ocr: OcrOptions | None = None, pages: Iterable[PageGrid] = ()
    ) -> None:
        self.path, self.kind, self.ocr = path, kind, ocr or OcrOptions()
        self._pages: dict[int, np.ndarray | None] = {}
        # what each OCR page's preparation judged (`PageGrid.decided`)
        self._decided = {g.page: g.decided for g in pages if g.decided is not None}

    def __call__(self, page: int, bbox: BBox) -> list[str]:
        from ocr.page import engine_for
        from ocr.reread import read_box

        gray = self._page(page)
        return [] if gray is None else read_box(gray, bbox, engine_for(self.ocr))

    def _page(self, page: int) -> np.ndarray | None:
        if page not in self._pages:
            self._pages[page] = self._render(page)
        return self._pages[page]

    def _render(self, page: int) -> np.ndarray | None:
        from flows.extract.documents import load_image_page
        from ocr.page import engine_for, rasterize_pdf_page
        from ocr.reread import normalised_page

        try:
            if self.kind == "image":
                image = load_image_page(self.path, page)
            else:
                image = rasterize_pdf_page(self.path, page - 1, self.ocr.dpi)
            return normalised_page(image, engine_for(self.ocr), self._decided.get(page))
        except Exception as exc:  # noqa: BLE001 - a re-read is optional evidence
            log.warning("%s page %d: not rendered again for a re-read: %s", self.path, page, exc)
            return None


def box_rereader(
    path: Path, kind: str | None, ocr: OcrOptions | None = None, pages: Iterable[PageGrid] = ()
) -> BoxReread:
    """The `BoxReread` the form reader may use on the document at `path` (`kind` as sniffed,
    `pages` its page grids, whose preparation a re-read repeats)."""
    return PageRereader(path, kind or "pdf", ocr, pages)
