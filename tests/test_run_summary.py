"""The run summary's low-confidence cells: those an OCR page kept for review, counted against
the review line that page was read with (`PageGrid.review_below`), not a line of the summary's
own."""

from __future__ import annotations

from flows.models import Cell, DocumentExtraction, PageGrid, PageStatus, Table
from flows.pipeline import RunSummary, _count
from flows.settings import RunOptions


def _page(n: int, confidences: list[float], review_below: float | None) -> PageGrid:
    """A page of one row of cells read with these confidences; a text layer without a line."""
    cells = [Cell(0, i, "值", (i, 0, i + 1, 1), confidence=c) for i, c in enumerate(confidences)]
    table = Table(1, len(cells), cells, (0, 0, len(cells), 1), "rapidocr")
    return PageGrid(
        page=n, width=1000, height=1400, bbox_unit="px", has_text_layer=review_below is None,
        status=PageStatus.EXTRACTED, extractor="rapidocr" if review_below else "camelot",
        tables=[table], review_below=review_below,
    )  # fmt: skip


def test_cells_count_below_the_line_their_page_was_read_with() -> None:
    doc = DocumentExtraction("a.pdf", "0" * 64, 1, 3)
    doc.pages = [
        _page(1, [0.82, 0.9, 0.5], review_below=0.85),  # 0.82 and 0.5 were kept for review
        _page(2, [0.7, 0.75, 0.95], review_below=0.6),  # read with a lower line: none
        _page(3, [0.4, 1.0], review_below=None),  # a text layer's glyphs are printed
    ]
    summary = RunSummary()
    _count(summary, doc)
    assert (summary.pages_extracted, summary.pages_ocred, summary.low_confidence_cells) == (3, 2, 2)


def test_the_run_has_no_review_line_of_its_own() -> None:
    """One setting: the OCR's review line (`OcrOptions.low_confidence_threshold`)."""
    assert "low_confidence_threshold" not in RunOptions.model_fields
    assert "low_confidence_threshold" in type(RunOptions().ocr_options()).model_fields
