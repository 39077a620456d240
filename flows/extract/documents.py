"""One source file → `DocumentExtraction`: identify, route each page, parse the forms.

Split in three so the flow can fan pages out to workers: `open_document` (hash, sniff, count
pages, or say why it can't), `extract_page` (one page through the extractor its kind needs) and
`finish_document` (parse the stitched pages into projects). Nothing here raises for bad input:
every way a file can be unreadable becomes an error entry (stage, a sentence a person
understands), so the run goes on and the warehouse records why the document has no rows.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from flows.extract.textlayer import CamelotLatticeExtractor
from flows.forms import parse_document
from flows.models import DocumentExtraction, PageGrid, PageStatus
from ocr.engines import OcrOptions
from ocr.page import MAX_PIXELS

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF"
IMAGE_MAGICS = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}


def sha256_of(path: Path) -> tuple[str, int]:
    """Content hash and size: the hash is the document's identity, whatever its file name."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sniff_kind(head: bytes) -> str | None:
    """'pdf', 'image' or None, from the file's first bytes rather than its extension."""
    if head.lstrip(b"\r\n\t ")[:4] == PDF_MAGIC or PDF_MAGIC in head[:1024]:
        return "pdf"
    for magic in IMAGE_MAGICS:
        if head.startswith(magic):
            return "image"
    return None


def source_name(path: Path, raw_dir: Path) -> str:
    """The file's name as recorded in the warehouse: its path under the raw folder."""
    inside = path.is_relative_to(raw_dir)
    return path.relative_to(raw_dir).as_posix() if inside else path.name


def open_document(
    path: Path, raw_dir: Path, max_pages: int = 1000, sha256: str | None = None
) -> DocumentExtraction:
    """Identify a file and count its pages; a file that cannot be read gets its error here.

    `sha256`, when the caller already hashed the file (the run's inventory does), saves reading
    every byte a second time."""
    source_file = source_name(path, raw_dir)
    if path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve()):
        doc = DocumentExtraction(source_file=source_file, sha256=None, file_size=0, page_count=None)
        doc.errors.append(("read", "a symlink pointing outside the raw folder; not followed"))
        return doc
    sha, size = (sha256, path.stat().st_size) if sha256 else sha256_of(path)
    doc = DocumentExtraction(source_file=source_file, sha256=sha, file_size=size, page_count=None)
    if size == 0:
        doc.errors.append(("read", "the file is empty (0 bytes)"))
        return doc
    with path.open("rb") as f:
        head = f.read(1024)
    doc.kind = sniff_kind(head)
    if doc.kind is None:
        doc.errors.append(
            ("read", f"not a PDF or an image (PNG, JPEG, TIFF): the file starts with {head[:8]!r}")
        )
        return doc
    if doc.kind == "image":
        _open_image(path, doc)
        return doc
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        doc.errors.append(("open", _pdf_open_error(exc)))
        return doc
    try:
        doc.page_count = len(pdf)
    finally:
        pdf.close()
    if doc.page_count > max_pages:
        doc.errors.append(
            ("open", f"the PDF has {doc.page_count} pages, over the limit of {max_pages}")
        )
    return doc


def _open_image(path: Path, doc: DocumentExtraction) -> None:
    """Count an image file's pages (TIFF frames) without decoding them; refuse decompression
    bombs from the header's size alone."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the size check below is ours, with a clearer message
    try:
        with Image.open(path) as im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                doc.errors.append(
                    (
                        "open",
                        f"the image is {width}×{height} pixels ({width * height / 1e6:.0f} Mpx), "
                        f"over the limit of {MAX_PIXELS / 1e6:.0f} Mpx; refused as a possible "
                        "decompression bomb",
                    )
                )
                return
            doc.page_count = getattr(im, "n_frames", 1)
    except (OSError, SyntaxError, ValueError) as exc:
        doc.errors.append(("open", f"the image cannot be read; it is damaged or truncated ({exc})"))


def load_image_page(path: Path, page: int) -> np.ndarray:
    """Page `page` (1-based) of a PNG/JPEG/TIFF as a BGR image."""
    import cv2
    from PIL import Image

    with Image.open(path) as im:
        im.seek(page - 1)
        rgb = np.asarray(im.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def is_blank(path: Path, page: int) -> bool:
    """A page with nothing a person could read on it: blank pages are common in scanned bundles
    and not worth seconds of OCR each, but a faded page must never be thrown away.

    Two cheap renders: at 36 dpi a page without any tonal variation is blank outright (most
    blank pages, vector or scanned white); otherwise at 100 dpi ink is what lies clearly darker
    than the local paper (median of its neighbourhood) by more than the page's own noise. A
    faded scan's pale strokes (paper 235, ink 200) pass that test where an absolute threshold
    (grey < 160) called the page blank. When in doubt the page is OCRed."""
    import cv2

    from ocr.page import rasterize_pdf_page

    tiny = rasterize_pdf_page(path, page - 1, dpi=36).min(axis=2)
    if int(tiny.max()) - int(tiny.min()) <= 6:
        return True
    grey = rasterize_pdf_page(path, page - 1, dpi=100).min(axis=2)
    paper = cv2.medianBlur(grey, 21)
    darker = paper.astype(np.int16) - grey.astype(np.int16)
    # robust noise level of the paper (scanner noise, JPEG grain): the MAD of the residue
    noise = 1.4826 * float(np.median(np.abs(darker - np.median(darker))))
    ink = darker > max(12.0, 4.0 * noise)
    return float(ink.mean()) < 0.0003


def extract_page(
    path: Path, page: int, kind: str = "pdf", ocr: OcrOptions | None = None
) -> PageGrid:
    """One page through the extractor it needs: a text layer goes to camelot; a page without
    one, or an image, goes to OCR; a blank page is recorded as blank."""
    from ocr.page import ocr_page, rasterize_pdf_page

    ocr = ocr or OcrOptions()
    if kind == "image":
        return ocr_page(load_image_page(path, page), page, ocr)
    grid = CamelotLatticeExtractor().extract_page(str(path), page)
    if grid.status is not PageStatus.NEEDS_OCR:
        return grid
    if is_blank(path, page):
        grid.status = PageStatus.BLANK
        return grid
    return ocr_page(rasterize_pdf_page(path, page - 1, ocr.dpi), page, ocr)


def finish_document(doc: DocumentExtraction, pages: list[PageGrid]) -> DocumentExtraction:
    """Parse the document's pages (in page order) into projects; say why if there are none."""
    doc.pages = sorted(pages, key=lambda p: p.page)
    doc.projects, problems = parse_document(doc.pages)
    if doc.projects:
        doc.errors.extend(("parse", p) for p in problems)
    elif any(stage == "extract" for stage, _ in doc.errors):
        pass  # pages that could not be extracted already say why the document has no rows
    else:  # one error row for the document, saying everything that was found instead
        doc.errors.append(
            ("parse", "; ".join([_nothing_found(doc.pages, doc.page_count), *problems]))
        )
    return doc


def extract_document(
    path: Path, raw_dir: Path, ocr: OcrOptions | None = None
) -> DocumentExtraction:
    """The whole document in this process, page by page (tests and one-off use)."""
    doc = open_document(path, raw_dir)
    if doc.errors or not doc.page_count:
        return doc if doc.errors else finish_document(doc, [])
    pages = []
    for page in range(1, doc.page_count + 1):
        try:
            pages.append(extract_page(path, page, doc.kind or "pdf", ocr))
        except Exception as exc:  # one bad page must not lose the others
            log.warning("%s page %d: %s", doc.source_file, page, exc)
            doc.errors.append(("extract", f"page {page} could not be read: {exc}"))
    return finish_document(doc, pages)


def _pdf_open_error(exc: pdfium.PdfiumError) -> str:
    text = str(exc)
    if "password" in text.lower():
        return "the PDF is password-protected; supply an unprotected copy"
    return f"the PDF cannot be opened; it is damaged or truncated ({text})"


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
