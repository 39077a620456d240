"""The parse stage of a document: its page grids → its forms, or one sentence saying why none."""

from __future__ import annotations

from flows.forms.reader import read_document
from flows.models import DocumentExtraction, PageGrid, PageStatus


def read_forms(doc: DocumentExtraction) -> DocumentExtraction:
    """Read the forms printed on `doc.pages` into `doc.projects`; the reader's problems become
    parse errors. A document whose file could not be opened is left as it is."""
    if any(stage in ("read", "open") for stage, _ in doc.errors):
        return doc
    try:
        doc.projects, problems = read_document(doc.pages)
    except Exception as exc:  # a reader bug on one document must not stop the run
        doc.projects, problems = [], [f"the form reader failed on this document: {exc!r}"]
    if doc.projects:
        doc.errors.extend(("parse", p) for p in problems)
    elif any(stage == "extract" for stage, _ in doc.errors):
        pass  # pages that could not be extracted already say why the document has no rows
    else:  # one error row for the document, saying everything that was found instead
        doc.errors.append(
            ("parse", "; ".join([_nothing_found(doc.pages, doc.page_count), *problems]))
        )
    return doc


def _nothing_found(pages: list[PageGrid], page_count: int | None) -> str:
    """Why a document yielded no project, in terms an operator can act on."""
    if not page_count:
        return "the PDF has no pages"
    blank = [p.page for p in pages if p.status is PageStatus.BLANK]
    if blank and len(blank) == len(pages):
        return f"no 绩效目标表 found: all {page_count} pages are blank"
    needs_ocr = [p.page for p in pages if p.status is PageStatus.NEEDS_OCR]
    without = [p.page for p in pages if p.status is PageStatus.NO_TABLE]
    parts = [f"no 绩效目标表 found in {page_count} page(s)"]
    if without:
        parts.append(f"{len(without)} page(s) have no ruled table")
    if blank:
        parts.append(f"{len(blank)} page(s) are blank")
    if needs_ocr:
        parts.append(f"{len(needs_ocr)} page(s) have no text layer and need OCR")
    return "; ".join(parts)
