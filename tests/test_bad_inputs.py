"""Bad input a nightly run meets: each is refused with a sentence a person understands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from flows.extract.documents import extract_document, open_document
from flows.forms import read_forms
from flows.models import PageStatus
from tests.conftest import SEED_PDF


def errors_of(path: Path, raw: Path) -> list[tuple[str, str]]:
    doc = read_forms(extract_document(path, raw))
    assert doc.failed
    return doc.errors


def test_password_protected_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    canvas = Canvas(str(path), encrypt="secret")
    canvas.drawString(72, 720, "locked")
    canvas.save()
    assert errors_of(path, tmp_path) == [
        ("open", "the PDF is password-protected; supply an unprotected copy")
    ]


def test_truncated_pdf(tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(SEED_PDF.read_bytes()[:4000])
    ((stage, message),) = errors_of(path, tmp_path)
    assert stage == "open"
    assert message.startswith("the PDF cannot be opened; it is damaged or truncated")


def test_not_a_pdf_despite_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    assert errors_of(path, tmp_path) == [
        ("read", "not a PDF or an image (PNG, JPEG, TIFF): the file starts with b'<html><b'")
    ]


def test_table_of_another_kind(tmp_path: Path) -> None:
    path = tmp_path / "other_table.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.setFont("Helvetica", 10)
    for r in range(3):  # a ruled 3×2 table of something else
        for c in range(2):
            canvas.rect(72 + c * 150, 600 - r * 30, 150, 30)
            canvas.drawString(76 + c * 150, 610 - r * 30, f"item {r}-{c}")
    canvas.save()
    assert errors_of(path, tmp_path) == [
        (
            "parse",
            "no 绩效目标表 found in 1 page(s); "
            "page 1: a table of another kind (3×2); not read as a 绩效目标表 or 自评表, and "
            "not appended to another table",
        )
    ]


def test_file_name_with_spaces_and_chinese(tmp_path: Path) -> None:
    path = tmp_path / "子目录 一" / "平罗县 2024 绩效目标 表.pdf"
    path.parent.mkdir()
    shutil.copy(SEED_PDF, path)
    doc = read_forms(extract_document(path, tmp_path))
    assert doc.source_file == "子目录 一/平罗县 2024 绩效目标 表.pdf"
    assert (len(doc.projects), doc.errors) == (5, [])


def test_symlink_outside_raw_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    raw = tmp_path / "raw"
    outside.mkdir()
    raw.mkdir()
    shutil.copy(SEED_PDF, outside / "secret.pdf")
    (raw / "link.pdf").symlink_to(outside / "secret.pdf")
    doc = open_document(raw / "link.pdf", raw)
    assert (doc.sha256, doc.errors) == (
        None,
        [("read", "a symlink pointing outside the raw folder; not followed")],
    )


@pytest.fixture(scope="module")
def blank_500(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "blank_500.pdf"
    canvas = Canvas(str(path), invariant=1)
    for _ in range(500):
        canvas.showPage()
    canvas.save()
    return path


def test_page_limit_refuses_huge_documents_up_front(blank_500: Path) -> None:
    doc = open_document(blank_500, blank_500.parent, max_pages=100)
    assert doc.errors == [("open", "the PDF has 500 pages, over the limit of 100")]


def test_500_blank_pages_end_with_one_clear_error(blank_500: Path) -> None:
    """Blank pages are recognised from a cheap render and never OCRed (bench: bounded time)."""
    doc = read_forms(extract_document(blank_500, blank_500.parent))
    assert doc.errors == [("parse", "no 绩效目标表 found: all 500 pages are blank")]
    assert {p.status for p in doc.pages} == {PageStatus.BLANK}


def test_decompression_bomb_image_is_refused_unread(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)  # tiny file, 400 Mpx when decoded
    assert errors_of(path, tmp_path) == [
        (
            "open",
            "the image is 20000×20000 pixels (400 Mpx), over the limit of 100 Mpx; "
            "refused as a possible decompression bomb",
        )
    ]
