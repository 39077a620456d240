"""A scanned PDF's page rasterised straight from pdfium's BGR buffer is the same image PIL's
RGB round trip gave, in OpenCV's BGR order."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from reportlab.lib.colors import Color
from reportlab.pdfgen import canvas

from ocr.page import rasterize_pdf_page


def _pdf(path: Path) -> Path:
    """One 200 × 100 pt page: a pure red box and a grey one on white."""
    c = canvas.Canvas(str(path), pagesize=(200, 100))
    c.setFillColor(Color(1, 0, 0))
    c.rect(10, 10, 60, 60, stroke=0, fill=1)
    c.setFillColor(Color(0.5, 0.5, 0.5))
    c.rect(120, 10, 60, 60, stroke=0, fill=1)
    c.save()
    return path


def test_page_rasterises_to_bgr_as_through_pil(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "page.pdf")
    image = rasterize_pdf_page(pdf, 0, dpi=144)
    assert image.shape == (200, 400, 3) and image.dtype == np.uint8
    assert image.flags.c_contiguous
    assert tuple(int(v) for v in image[60, 80]) == (0, 0, 255)  # red, in BGR order
    assert tuple(int(v) for v in image[5, 5]) == (255, 255, 255)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pil = doc[0].render(scale=2).to_pil().convert("RGB")
    finally:
        doc.close()
    assert np.array_equal(image, cv2.cvtColor(np.asarray(pil), cv2.COLOR_RGB2BGR))
