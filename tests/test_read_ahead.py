"""Pages the page workers read ahead while Prefect's server boots (flows/extract/read_ahead.py)
go to their page tasks as they were read, once, and only for the same bytes and options."""

from __future__ import annotations

import fcntl
import os
import pickle
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from flows.extract import documents, read_ahead
from flows.extract.read_ahead import ReadAhead
from flows.models import PageGrid, PageStatus
from ocr.engines import OcrOptions

OCR = OcrOptions(threads=1)


def _grid(page: int) -> PageGrid:
    return PageGrid(
        page=page, width=10.0, height=20.0, bbox_unit="px", has_text_layer=False,
        status=PageStatus.BLANK, extractor=None,
    )  # fmt: skip


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    """The pages `extract_page` was asked for (a stand-in: page 3 cannot be read); no spool in
    this process until a test reads ahead in it."""
    calls: list[tuple[str, int, str]] = []

    def extract_page(path: Path, page: int, kind: str = "pdf", ocr: object = None) -> PageGrid:
        calls.append((path.name, page, kind))
        if page == 3:
            raise ValueError("unreadable")
        return _grid(page)

    monkeypatch.setattr(documents, "extract_page", extract_page)
    monkeypatch.setattr(read_ahead, "_spool", None)
    return calls


def _document(tmp_path: Path) -> tuple[Path, Path]:
    doc = tmp_path / "a.pdf"
    doc.write_bytes(b"%PDF-1.4 tonight's bytes")
    spool = tmp_path / "spool"
    spool.mkdir()
    return doc, spool


def test_pages_read_ahead_are_taken_once_by_their_tasks(
    tmp_path: Path, reads: list[tuple[str, int, str]]
) -> None:
    """A worker reads the planned pages nobody claimed; each task takes its page once; a page
    claimed but never written (the other worker died), one whose read failed and one not read
    ahead are read by their task."""
    doc, spool = _document(tmp_path)
    (spool / f"{read_ahead.key(doc, 2, 'pdf', OCR)}.lock").touch()  # the other worker's
    read_ahead.read(ReadAhead(spool, ((doc, 1, "pdf"), (doc, 2, "pdf"), (doc, 3, "pdf"))), OCR)
    assert reads == [("a.pdf", 1, "pdf"), ("a.pdf", 3, "pdf")]
    assert read_ahead.taken(doc, 1, "pdf", OCR) == _grid(1)
    assert read_ahead.taken(doc, 1, "pdf", OCR) is None  # once: a retry reads the page
    assert read_ahead.taken(doc, 2, "pdf", OCR) is None
    assert read_ahead.taken(doc, 3, "pdf", OCR) is None
    assert read_ahead.taken(doc, 4, "pdf", OCR) is None
    assert sorted(p.suffix for p in spool.iterdir()) == [".lock", ".lock", ".lock"]


def test_a_page_is_taken_only_for_the_same_file_kind_and_options(
    tmp_path: Path, reads: list[tuple[str, int, str]]
) -> None:
    """The file is known by its identity, not by how its path is spelled; other OCR options,
    another kind or bytes changed since the page was read ahead read the page again."""
    doc, spool = _document(tmp_path)
    (tmp_path / "sub").mkdir()
    read_ahead.read(ReadAhead(spool, ((doc, 1, "pdf"), (doc, 2, "pdf"))), OCR)
    assert read_ahead.taken(tmp_path / "sub" / ".." / "a.pdf", 1, "pdf", OCR) == _grid(1)
    assert read_ahead.taken(doc, 2, "pdf", OcrOptions(threads=1, dpi=300)) is None
    assert read_ahead.taken(doc, 2, "image", OCR) is None
    doc.write_bytes(b"%PDF-1.4 other bytes")
    assert read_ahead.taken(doc, 2, "pdf", OCR) is None
    assert read_ahead.taken(tmp_path / "gone.pdf", 1, "pdf", OCR) is None


def test_a_task_waits_for_the_worker_still_reading_its_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page the other worker is reading (its lock held) is waited for, not read twice."""
    doc, spool = _document(tmp_path)
    monkeypatch.setattr(read_ahead, "_spool", spool)
    name = read_ahead.key(doc, 1, "pdf", OCR)
    fd = os.open(spool / f"{name}.lock", os.O_CREAT | os.O_WRONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)

    def finish_reading() -> None:
        time.sleep(0.3)
        (spool / f"{name}.pkl").write_bytes(pickle.dumps(_grid(1)))
        os.close(fd)

    reader = threading.Thread(target=finish_reading)
    t0 = time.monotonic()
    reader.start()
    assert read_ahead.taken(doc, 1, "pdf", OCR) == _grid(1)
    assert time.monotonic() - t0 >= 0.3
    reader.join()


def test_without_pages_read_ahead_a_task_reads_its_page(
    tmp_path: Path, reads: list[tuple[str, int, str]]
) -> None:
    """The flow's own process (a small night, another runner) has no spool: nothing is looked
    up and nothing is written."""
    doc, spool = _document(tmp_path)
    assert read_ahead.taken(doc, 1, "pdf", OCR) is None
    assert list(spool.iterdir()) == [] and reads == []


def _pdf(path: Path, pages: int) -> Path:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(100, 100)
    pdf.save(str(path))
    return path


def test_the_run_reads_ahead_the_first_pages_of_tonights_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`perfbudget run` starts its workers with the first pages of tonight's unrecorded files
    in the order the flow submits them, two rounds of its workers: an image counts its first
    page, a file that is no document none."""
    from flows import cli, inventory
    from flows.extract import early_workers
    from flows.settings import RunOptions

    three, two = _pdf(tmp_path / "b.pdf", 3), _pdf(tmp_path / "c.pdf", 2)
    png = tmp_path / "a.png"
    Image.new("L", (40, 30), 255).save(png)
    junk = tmp_path / "notes.pdf"
    junk.write_bytes(b"not a document")
    assert early_workers.first_pages([png, junk, two], 2) == ((png, 1, "image"), (two, 1, "pdf"))
    assert early_workers.first_pages([three], 0) == ()

    started: list[tuple[int, bool, ReadAhead]] = []

    def start(workers: int, api_url: str, ocr: OcrOptions, fork: bool, ahead: ReadAhead) -> None:
        started.append((workers, fork, ahead))

    monkeypatch.setattr(inventory, "unrecorded", lambda raw, warehouse: [png, junk, three, two])
    monkeypatch.setattr(early_workers, "start", start)
    options = RunOptions(raw_dir=tmp_path, warehouse=tmp_path / "w.duckdb", runner="process")
    cli._start_page_workers(options, None, tmp_path / "spool")
    pages = ((png, 1, "image"), (three, 1, "pdf"), (three, 2, "pdf"), (three, 3, "pdf"))
    assert started == [(2, True, ReadAhead(tmp_path / "spool", pages))]
