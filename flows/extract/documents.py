"""One source file → `DocumentExtraction`: identify, route each page, parse the forms.

Split in three so the flow can fan pages out to workers: `open_document` (hash, sniff, count
pages, or say why it can't), `extract_page` (one page through the extractor its kind needs) and
`finish_document` (the pages in order; the forms on them are read by `flows.forms`).
Nothing here raises for bad input: every way a file can be unreadable becomes an error entry
(stage, a sentence a person understands), so the run goes on and the warehouse records why the
document has no rows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import stat
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from flows.extract.textlayer import CamelotLatticeExtractor, has_text_layer
from flows.models import DocumentExtraction, PageGrid, PageStatus
from ocr import MAX_PIXELS
from ocr.engines import OcrOptions

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF"
IMAGE_MAGICS = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}


DOCUMENT_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}

# A night with at most this many pages to extract, every one of them with a text layer, is
# extracted in the flow's own process. Measured in CPU seconds (steady under load): each pool
# worker is a fresh interpreter importing Prefect, camelot and the OCR engine, 7.4 s; a text-layer
# page costs 0.55 s in a process that has camelot loaded already. Two workers starting together
# finish N pages in ~7.4 + 0.55·N/2 s, one process in 0.55·N s: the pool wins past ~27 pages.
IN_PROCESS_PAGES = 30


class NotARegularFile(OSError):
    """The path is (or became) a FIFO, a socket, a device or a folder: never read it."""


def open_regular(path: Path):  # -> BinaryIO
    """Open a regular file for reading without ever blocking.

    O_NONBLOCK makes opening a FIFO return at once (a plain open waits for a writer forever);
    fstat on the open descriptor then refuses anything that is not a regular file, also when the
    name was swapped for a FIFO after it was looked at."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(errno.EINVAL, f"not a regular file ({_kind_of(st.st_mode)})")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def refuse_reason(path: Path, raw_dir: Path) -> str | None:
    """Why `path` cannot be read as a document, judged without opening it (lstat/stat only, so
    a symlink loop, a dangling link or a FIFO never blocks or raises); None when it is a
    regular file in the raw folder."""
    try:
        st = path.lstat()
    except OSError as exc:
        return f"the file cannot be looked at ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symlink loop (the link leads back to itself); not followed"
            if exc.errno == errno.ENOENT:
                return "a dangling symlink: its target does not exist"
            return f"a symlink whose target cannot be looked at ({exc.strerror}); not followed"
        if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(raw_dir)):
            return "a symlink pointing outside the raw folder; not followed"
        if not stat.S_ISREG(target.st_mode):
            return f"a symlink to {_kind_of(target.st_mode)}, not to a file; not followed"
        return None
    if stat.S_ISDIR(st.st_mode):
        return "a folder named like a document, not a file; its files are read on their own"
    if not stat.S_ISREG(st.st_mode):
        return f"{_kind_of(st.st_mode)}, not a file; skipped unread"
    return None


def sha256_of(path: Path) -> tuple[str, int]:
    """Content hash and size: the hash is the document's identity, whatever its file name."""
    h = hashlib.sha256()
    size = 0
    with open_regular(path) as f:
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
    """The file's name as recorded in the warehouse: its path under the raw folder.

    A name that is not valid UTF-8 (GBK bytes from a Windows zip) keeps its bytes visibly
    escaped (`\\xd6\\xd0.pdf`): it is still told apart from every other name, and the
    warehouse, which stores UTF-8, can hold it."""
    inside = path.is_relative_to(raw_dir)
    name = path.relative_to(raw_dir).as_posix() if inside else path.name
    return printable(name)


def printable(text: str) -> str:
    """`text` with every part (between slashes) that is not valid UTF-8 shown byte by byte as
    `\\xNN` (ASCII kept): decoding GBK bytes as UTF-8 where they happen to fit would show
    characters that were never meant."""
    if not _has_surrogates(text):
        return text
    return "/".join(
        os.fsencode(part).decode("ascii", "backslashreplace") if _has_surrogates(part) else part
        for part in text.split("/")
    )


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def open_document(
    path: Path, raw_dir: Path, max_pages: int = 1000, sha256: str | None = None
) -> DocumentExtraction:
    """Identify a file and count its pages; a file that cannot be read gets its error here.

    `sha256`, when the caller already hashed the file (the run's inventory does), saves reading
    every byte a second time."""
    source_file = source_name(path, raw_dir)
    refused = refuse_reason(path, raw_dir)
    if refused is None:
        try:
            sha, size = (sha256, path.stat().st_size) if sha256 else sha256_of(path)
            with open_regular(path) as f:
                head = f.read(1024)
        except OSError as exc:  # vanished or swapped for a FIFO since it was looked at
            refused = f"the file cannot be read ({exc.strerror or exc})"
    if refused is not None:
        doc = DocumentExtraction(source_file=source_file, sha256=None, file_size=0, page_count=None)
        doc.errors.append(("read", refused))
        return doc
    doc = DocumentExtraction(source_file=source_file, sha256=sha, file_size=size, page_count=None)
    if size == 0:
        doc.errors.append(("read", "the file is empty (0 bytes)"))
        return doc
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
        doc.errors.append(("open", _pdf_open_error(exc, path)))
        return doc
    try:
        doc.page_count = len(pdf)
    finally:
        pdf.close()
    if not doc.page_count:
        doc.errors.append(("open", NO_PAGES))
    if doc.page_count > max_pages:
        doc.errors.append(
            ("open", f"the PDF has {doc.page_count} pages, over the limit of {max_pages}")
        )
    return doc


def _open_image(path: Path, doc: DocumentExtraction) -> None:
    """Count an image file's pages (TIFF frames) without decoding them; refuse decompression
    bombs from the headers alone: every frame is checked, since a small first frame can hide a
    150 Mpx one behind it. PIL's own limit stays on as a second guard."""
    from PIL import Image

    try:
        with _pixels_judged_here(), Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            for frame in range(frames):
                im.seek(frame)  # reads the frame's header (a TIFF IFD), not its pixels
                if refused := _too_many_pixels(*im.size, frame + 1, frames):
                    doc.errors.append(("open", refused))
                    return
            doc.page_count = frames
    except Image.DecompressionBombError as exc:  # PIL's own guard, above ours, fired first
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found[1]) / 1e6:.0f} Mpx" if found else "too many pixels"
        doc.errors.append(
            (
                "open",
                f"the image is {size}, over the limit of {MAX_PIXELS / 1e6:.0f} Mpx; refused as a "
                "possible decompression bomb",
            )
        )
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        doc.errors.append(("open", f"the image cannot be read; it is damaged or truncated ({exc})"))


def _too_many_pixels(width: int, height: int, frame: int = 1, frames: int = 1) -> str | None:
    """A sentence refusing a frame over MAX_PIXELS, or None."""
    if width * height <= MAX_PIXELS:
        return None
    which = f"frame {frame} of {frames} of the image" if frames > 1 else "the image"
    return (
        f"{which} is {width}×{height} pixels ({width * height / 1e6:.0f} Mpx), "
        f"over the limit of {MAX_PIXELS / 1e6:.0f} Mpx; refused as a possible decompression bomb"
    )


@contextlib.contextmanager
def _pixels_judged_here() -> Iterator[None]:
    """PIL's DecompressionBombWarning silenced: PIL warns on the operator's terminal from 89 Mpx
    ("could be decompression bomb DOS attack"), beside the run's own sentence for an image over
    MAX_PIXELS and for one under it that is read. `_too_many_pixels` decides and says; PIL's
    error (twice its limit) stays on as the second guard."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


class PageRefused(ValueError):
    """A page that can never be read (too many pixels): deterministic, so never retried."""


def load_image_page(path: Path, page: int) -> np.ndarray:
    """Page `page` (1-based) of a PNG/JPEG/TIFF as a BGR image."""
    import cv2
    from PIL import Image

    with _pixels_judged_here(), Image.open(path) as im:
        im.seek(page - 1)
        if refused := _too_many_pixels(*im.size, page, getattr(im, "n_frames", 1)):
            raise PageRefused(refused)
        rgb = np.asarray(im.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def is_blank(path: Path, page: int, dpi: int = 200) -> bool:
    """Whether page `page` (1-based) of a PDF is blank, judged on its raster at `dpi` as
    `extract_page` judges it (`raster_is_blank`)."""
    from ocr.page import rasterize_pdf_page

    return raster_is_blank(rasterize_pdf_page(path, page - 1, dpi), dpi)


def raster_is_blank(image: np.ndarray, dpi: int) -> bool:
    """A page with nothing a person could read on it: blank pages are common in scanned bundles
    and not worth seconds of OCR each, but a faded page must never be thrown away.

    Judged on the raster OCR reads, shrunk: at 36 dpi a page without any tonal variation is
    blank outright (most blank pages, vector or scanned white); otherwise at 100 dpi ink is what
    lies clearly darker than the local paper (median of its neighbourhood) by more than the
    page's own noise. A faded scan's pale strokes (paper 235, ink 200) pass that test where an
    absolute threshold (grey < 160) called the page blank. When in doubt the page is OCRed.
    Shrinking the page already rasterised for OCR costs ~0.01 CPU-s where rendering the PDF
    twice more at 36 and 100 dpi cost 0.19 CPU-s per scanned page (each render decodes the
    whole embedded scan again): measured on 27 dev scan pages."""
    import cv2

    # shrunk first, then the darkest channel (numpy's min over the channel axis of a 200-dpi
    # page alone costs 0.17 CPU-s)
    page = cv2.resize(image, None, fx=100 / dpi, fy=100 / dpi, interpolation=cv2.INTER_AREA)
    if _without_tone(page, 100):
        return True
    grey = _darkest(page)
    paper = cv2.medianBlur(grey, 21)
    darker = paper.astype(np.int16) - grey.astype(np.int16)
    # robust noise level of the paper (scanner noise, JPEG grain): the MAD of the residue
    noise = 1.4826 * float(np.median(np.abs(darker - np.median(darker))))
    ink = darker > max(12.0, 4.0 * noise)
    return float(ink.mean()) < 0.0003


# Inches of an A4 page's long side: an image's resolution, which no file states reliably, is
# estimated from its pixels as a page of that size (a letter page's 11 in is as close)
PAGE_LONG_SIDE_INCHES = 11.69


def _without_tone(image: np.ndarray, dpi: float) -> bool:
    """No tonal variation at all at 36 dpi (the darkest channel within 6 grey levels): a
    page with nothing printed, vector or scanned white; paper grain averages out."""
    import cv2

    f = 36 / dpi
    tiny = _darkest(cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA))
    return int(tiny.max()) - int(tiny.min()) <= 6


def extract_page(
    path: Path, page: int, kind: str = "pdf", ocr: OcrOptions | None = None
) -> PageGrid:
    """One page through the extractor it needs: a text layer goes to camelot; a page without
    one, or an image, goes to OCR; a blank page is recorded as blank.

    An image page is blank only when it has no tone at all (`_without_tone`): a photographed
    page's shading and faint print are OCR's to judge (the ink test of `raster_is_blank` is
    measured on scans, not photos). A blank image was OCRed whole before: two white pages of a
    bad-night drill (7000×9900 and 2480×3508 px) cost 105 s of extraction on a loaded machine."""
    from ocr.page import ocr_page, rasterize_pdf_page

    ocr = ocr or OcrOptions()
    if kind == "image":
        image = load_image_page(path, page)
        if _without_tone(image, max(image.shape[:2]) / PAGE_LONG_SIDE_INCHES):
            return PageGrid(
                page=page, width=float(image.shape[1]), height=float(image.shape[0]),
                bbox_unit="px", has_text_layer=False, status=PageStatus.BLANK, extractor=None,
            )  # fmt: skip
        return ocr_page(image, page, ocr)
    grid = CamelotLatticeExtractor().extract_page(str(path), page)
    if grid.status is not PageStatus.NEEDS_OCR:
        return grid
    image = rasterize_pdf_page(path, page - 1, ocr.dpi)
    if raster_is_blank(image, ocr.dpi):
        grid.status = PageStatus.BLANK
        return grid
    return ocr_page(image, page, ocr)


def _darkest(image: np.ndarray) -> np.ndarray:
    """The darkest channel of each pixel (a grey image as it is): a coloured stamp or a
    pencil mark is ink as much as black print."""
    if image.ndim == 2:
        return image
    return np.minimum(np.minimum(image[..., 0], image[..., 1]), image[..., 2])


def text_layer_only(path: Path, pages: int) -> bool:
    """Whether the first `pages` pages of a PDF all have a text layer (camelot reads them; no page
    of it needs OCR). Counting a page's characters is cheap: nothing is rendered."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return False
    try:
        return all(has_text_layer(pdf[i]) for i in range(min(pages, len(pdf))))
    except pdfium.PdfiumError:
        return False  # a page that cannot be loaded: its error is the extraction's to record
    finally:
        pdf.close()


def extract_in_process(documents: list[tuple[Path, DocumentExtraction]]) -> bool:
    """Whether tonight's pages are better extracted in the flow's own process than by a pool of
    workers that first has to start: few pages, all of text-layer PDFs (a scan or an image is
    OCRed on the workers, whose memory and threads the OCR engine is sized for).

    `documents`: each opened document (`open_document`) with its path; those that failed to open
    have no pages to extract and are left out."""
    readable = [(path, doc) for path, doc in documents if not doc.errors]
    if sum(doc.page_count or 0 for _, doc in readable) > IN_PROCESS_PAGES:
        return False  # decided without opening anything: a large night always uses the pool
    return not pages_take_pool((path, doc.kind, doc.page_count or 0) for path, doc in readable)


def pages_take_pool(documents: Iterable[tuple[Path, str | None, int]]) -> bool:
    """The rule of `extract_in_process`, on (path, kind, page count) of each readable document:
    the pool reads tonight's pages once any is not a text-layer PDF's, or once they are more
    than IN_PROCESS_PAGES. `documents` is taken lazily, stopping at the first that decides, so a
    caller that must open files to count their pages (`flows.extract.early_workers.pool_wanted`,
    before the flow has opened them) opens no more than it needs."""
    pages = 0
    for path, kind, count in documents:
        pages += count
        if kind != "pdf" or pages > IN_PROCESS_PAGES or not text_layer_only(path, count):
            return True
    return False


def finish_document(doc: DocumentExtraction, pages: list[PageGrid]) -> DocumentExtraction:
    """Gather the document's extracted pages in page order. Reading the forms printed on them is
    the next stage's work (`flows.forms.read_forms`), kept apart so extraction knows no form.
    What a page was extracted by on weak evidence (`PageGrid.notes`) is said, naming the page."""
    doc.pages = sorted(pages, key=lambda p: p.page)
    doc.errors.extend(("parse", f"page {p.page}: {note}") for p in doc.pages for note in p.notes)
    return doc


def extract_document(
    path: Path, raw_dir: Path, ocr: OcrOptions | None = None
) -> DocumentExtraction:
    """The whole document's pages in this process, page by page (tests and one-off use); pass
    the result to `flows.forms.read_forms` for its forms."""
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


NO_PAGES = "the PDF has no pages (its page tree counts none); nothing to read"
# A PDF whose page tree is read from its bytes: a page tree holds a few hundred bytes a page,
# so one of no pages is small; a larger file that PDFium refuses is damaged, not empty.
NO_PAGES_MAX_BYTES = 64 * 1024


def _pdf_open_error(exc: pdfium.PdfiumError, path: Path) -> str:
    """The sentence for a PDF PDFium refuses. PDFium refuses a well-formed PDF of no pages too,
    with no reason (`PDFium: Success`, or a format error when it rebuilt the cross-reference
    table), so such a file would be called damaged: its page tree says otherwise."""
    text = str(exc)
    if _counts_no_pages(path):
        return NO_PAGES
    if "password" in text.lower() and _names_encryption(path):
        return "the PDF is password-protected; supply an unprotected copy"
    return f"the PDF cannot be opened; it is damaged or truncated ({text})"


def _names_encryption(path: Path, chunk: int = 1 << 20) -> bool:
    """Whether the file's bytes name an /Encrypt dictionary. PDFium's reason is its last error
    in the process, not this file's: a PDF it refuses without one (no pages, damaged) after a
    locked PDF was refused reads "Incorrect password error" too."""
    tail = b""
    try:
        with path.open("rb") as fh:
            while block := fh.read(chunk):
                if b"/Encrypt" in tail + block:
                    return True
                tail = block[-16:]
    except OSError:
        return False
    return False


def _counts_no_pages(path: Path) -> bool:
    """True when the file's page tree, read from its bytes, holds no page: a /Pages node, every
    /Count it prints 0, and no /Page object. A page tree inside a compressed object stream is
    not seen (the file then stays "damaged or truncated", as before)."""
    try:
        if path.stat().st_size > NO_PAGES_MAX_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    counts = re.findall(rb"/Count\s+(\d+)", data)
    return (
        re.search(rb"/Type\s*/Pages\b", data) is not None
        and bool(counts)
        and all(int(c) == 0 for c in counts)
        and re.search(rb"/Type\s*/Page(?![a-zA-Z])", data) is None
    )
