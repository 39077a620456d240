"""Lines text detection passed over beside another in a strip outside the grids are detected
again on their own band (dev6 lg_54259: its annex line, the year's only print, was lost)."""

from __future__ import annotations

import numpy as np

from ocr.cellink import print_darkness_cut
from ocr.engines import OcrEngine, OcrLine
from ocr.page import passed_over_lines
from ocr.preprocess import binarize


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


class _Detector(OcrEngine):
    """Finds the title only on the whole strip; on a band of its own, the annex line."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        self.calls.append(image.shape[:2])
        if image.shape[0] > 100:
            return [OcrLine("项目支出绩效目标表", _box(100, 78, 300, 106), 0.99)]
        return [OcrLine("附件1：2029年项目支出绩效目标表", _box(2, 10, 150, 38), 0.95)]


def _strip() -> np.ndarray:
    """An annex line of two black glyphs (rows 20-43), the title under it (rows 80-103), and a
    light blob as faint as seal residue (rows 150-179)."""
    gray = np.full((200, 600), 255, np.uint8)
    gray[20:44, 50:70] = 0
    gray[20:44, 90:110] = 0
    gray[80:104, 120:140] = 0
    gray[150:180, 400:430] = 185
    return gray


def test_the_annex_line_passed_over_is_read_on_its_own_band() -> None:
    gray = _strip()
    ink = binarize(gray)
    engine = _Detector()
    found = engine.recognize(gray)
    cut = print_darkness_cut(gray, ink)
    extra = passed_over_lines(gray, ink, found, engine, cut, 11.0)
    assert [ln.text for ln in extra] == ["附件1：2029年项目支出绩效目标表"]
    # the band: rows 20-43 padded by 12, from the ink's first column (50)
    assert extra[0].bbox == (52, 18, 200, 46)
    assert engine.calls == [(200, 600), (48, 60)]  # the faint blob's band is not detected


def test_a_strip_where_nothing_was_found_is_not_detected_again() -> None:
    gray = _strip()
    engine = _Detector()
    assert passed_over_lines(gray, binarize(gray), [], engine, 149, 11.0) == []
    assert engine.calls == []
