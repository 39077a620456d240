"""OCR for scanned 绩效目标表 pages: page image → `flows.models.PageGrid` (cells with spans, text,
pixel bboxes, confidence), the same shape the text-layer extractor produces.

Public API: `ocr_page`, `ocr_file`, `rasterize_pdf_page`, `load_image_pages` (ocr.page);
`OcrOptions`, `OcrEngine`, `OcrLine`, `RapidOcrEngine`, `PaddleOcrEngine`, `get_engine`
(ocr.engines); `find_tables` (ocr.grid); `prepare` (ocr.preprocess).
"""

from __future__ import annotations

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

__all__ = [
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
