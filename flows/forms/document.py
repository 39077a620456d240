"""The parse stage of a document: its page grids → its forms, or one sentence saying why none."""

from __future__ import annotations

from flows.cpu_limit import CpuTimeLimit, cpu_time_limit
from flows.forms.reader import read_document
from flows.models import BoxReread, DocumentExtraction, PageGrid, PageStatus


def read_forms(
    doc: DocumentExtraction,
    cpu_seconds_per_page: float | None = None,
    reread: BoxReread | None = None,
) -> DocumentExtraction:
    """Read the forms printed on `doc.pages` into `doc.projects`; the reader's problems become
    parse errors. A document whose file could not be opened is left as it is. With
    `cpu_seconds_per_page`, a reading that uses more than that many CPU seconds per page gives
    up: the document gets one parse error, and the night goes on. `reread`: the extraction
    stage's offer to read a box of a page again (`flows.extract.reread`), its time counted in
    the reading's."""
    if any(stage in ("read", "open") for stage, _ in doc.errors):
        return doc
    limit = cpu_seconds_per_page * max(len(doc.pages), 1) if cpu_seconds_per_page else None
    try:
        with cpu_time_limit(limit):
            doc.projects, problems = read_document(doc.pages, reread)
    except CpuTimeLimit as exc:  # nothing of a half-read document is kept
        doc.projects = []
        doc.errors.append(
            (
                "parse",
                f"the form reader gave up on this document: it {exc} "
                f"({cpu_seconds_per_page:g} CPU-s per page, {len(doc.pages)} page(s))",
            )
        )
        return doc
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
