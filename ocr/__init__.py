"""OCR for scanned 绩效目标表 pages: page image → `flows.models.PageGrid` (cells with spans, text,
pixel bboxes, confidence), the same shape the text-layer extractor produces.

Public API: `ocr_page`, `ocr_file`, `rasterize_pdf_page`, `load_image_pages` (ocr.page);
`OcrOptions`, `OcrEngine`, `OcrLine`, `RapidOcrEngine`, `PaddleOcrEngine`, `get_engine`
(ocr.engines); `find_tables` (ocr.grid); `prepare` (ocr.preprocess).

The names are looked up on first use (PEP 562), not imported with the package: the flow's
process imports `ocr.engines` for `OcrOptions` alone, and importing the package eagerly loaded
OpenCV and the whole page pipeline into it (and into every process that unpickles a page task).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# A page above this many pixels is refused (a decompression bomb): here, not in `ocr.page`,
# so that the flow's document opening can name it without loading the page pipeline.
MAX_PIXELS = 100_000_000

_HOME = {
    "OcrEngine": "ocr.engines",
    "OcrLine": "ocr.engines",
    "OcrOptions": "ocr.engines",
    "PaddleOcrEngine": "ocr.engines",
    "RapidOcrEngine": "ocr.engines",
    "get_engine": "ocr.engines",
    "find_tables": "ocr.grid",
    "load_image_pages": "ocr.page",
    "ocr_file": "ocr.page",
    "ocr_page": "ocr.page",
    "rasterize_pdf_page": "ocr.page",
    "prepare": "ocr.preprocess",
}

if TYPE_CHECKING:
    from ocr.engines import (
        OcrEngine,
        OcrLine,
        OcrOptions,
        PaddleOcrEngine,
        RapidOcrEngine,
        get_engine,
    )
    from ocr.grid import find_tables
    from ocr.page import load_image_pages, ocr_file, ocr_page, rasterize_pdf_page
    from ocr.preprocess import prepare


def __getattr__(name: str) -> object:
    """The public name `name` from the module that defines it, imported now."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'ocr' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "MAX_PIXELS",
    "OcrEngine",
    "OcrLine",
    "OcrOptions",
    "PaddleOcrEngine",
    "RapidOcrEngine",
    "find_tables",
    "get_engine",
    "load_image_pages",
    "ocr_file",
    "ocr_page",
    "prepare",
    "rasterize_pdf_page",
]
