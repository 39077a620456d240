"""Bad input a nightly run meets: each is refused with a sentence a person understands."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from flows.cli import build_parser
from flows.extract.documents import (
    NO_PAGES,
    NotARegularFile,
    PageRefused,
    extract_document,
    load_image_page,
    open_document,
    open_regular,
    printable,
    source_name,
)
from flows.forms import read_forms
from flows.inventory import discover
from flows.models import PageStatus
from flows.pipeline import RunSummary
from flows.preflight import preflight
from flows.settings import PROJECT_ROOT, ConfigurationError, RunOptions, check_ocr_engine
from tests.conftest import QUIET_PREFECT_SERVER_ENV, SEED_PDF
from tests.conftest import query_warehouse as _query
from tests.fixtures.seed_truth import SEED_PROJECTS
from tests.test_cli import perfbudget as perfbudget_here

ONE = SEED_PROJECTS[2]  # 司法救助资金: a one-project document for the whole-night tests


def perfbudget(
    *args: str, cwd: Path = PROJECT_ROOT, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**(env if env is not None else os.environ), "PYTHONPATH": str(PROJECT_ROOT)},
    )


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


def test_pdf_refused_after_a_locked_one_is_not_called_locked(tmp_path: Path) -> None:
    """PDFium's reason is the process's last error: after a locked PDF, a PDF of no pages and a
    truncated one were both reported password-protected (the suite's order showed it)."""
    import pypdfium2 as pdfium

    locked = tmp_path / "locked.pdf"
    canvas = Canvas(str(locked), encrypt="secret")
    canvas.drawString(72, 720, "locked")
    canvas.save()
    empty = tmp_path / "no_pages.pdf"
    pdfium.PdfDocument.new().save(str(empty))
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b"x" * 70_000)
    assert errors_of(locked, tmp_path)[0][1].startswith("the PDF is password-protected")
    assert errors_of(empty, tmp_path) == [("open", NO_PAGES)]
    assert errors_of(locked, tmp_path)[0][1].startswith("the PDF is password-protected")
    ((stage, message),) = errors_of(cut, tmp_path)
    assert (stage, message.split(";")[0]) == ("open", "the PDF cannot be opened")


def test_pdf_with_no_pages(tmp_path: Path) -> None:
    """PDFium refuses a PDF of no pages as it refuses a damaged one (with `PDFium: Success` for
    the one it writes itself): the operator is told the file has no pages, not that it is
    damaged. Both a well-formed file and one without a cross-reference table."""
    import pypdfium2 as pdfium

    written = tmp_path / "no_pages.pdf"
    pdfium.PdfDocument.new().save(str(written))
    bare = tmp_path / "no_pages_bare.pdf"
    bare.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    for path in (written, bare):
        assert errors_of(path, tmp_path) == [
            ("open", "the PDF has no pages (its page tree counts none); nothing to read")
        ]


def test_blank_image_is_a_blank_page_not_ocred(tmp_path: Path) -> None:
    """A white image (a scanner's empty page saved as JPEG, grain and all) is a blank page, as a
    blank PDF page is: it was OCRed whole and reported as a page with no ruled table. A page
    with a mark on it still goes to OCR."""
    from PIL import Image, ImageDraw

    blank = tmp_path / "空白 扫描 页.jpg"
    Image.new("RGB", (2480, 3508), (250, 250, 250)).save(blank, quality=75)
    doc = read_forms(extract_document(blank, tmp_path))
    assert doc.errors == [("parse", "no 绩效目标表 found: all 1 pages are blank")]
    assert [(p.status, p.extractor, p.width, p.height) for p in doc.pages] == [
        (PageStatus.BLANK, None, 2480.0, 3508.0)
    ]
    marked = tmp_path / "marked.png"
    image = Image.new("L", (620, 877), 250)
    ImageDraw.Draw(image).rectangle((100, 100, 300, 160), outline=40, width=3)
    image.save(marked)
    (page,) = extract_document(marked, tmp_path).pages
    assert page.status is not PageStatus.BLANK


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
    """Blank pages are recognised without OCR (bench: bounded time); these hold nothing at all,
    so not even a render is needed (the next test)."""
    doc = read_forms(extract_document(blank_500, blank_500.parent))
    assert doc.errors == [("parse", "no 绩效目标表 found: all 500 pages are blank")]
    assert {p.status for p in doc.pages} == {PageStatus.BLANK}


def test_an_empty_page_is_blank_unrendered_a_page_with_paper_only_from_its_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page without any object is blank as it stands; a page that draws something, even
    white on white, is judged on its raster as a scan is (and found blank there)."""
    import ocr.page
    from flows.extract.documents import extract_page

    path = tmp_path / "two.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.showPage()  # page 1: nothing at all
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(100, 100, 200, 200, stroke=0, fill=1)  # page 2: white paper drawn on white
    canvas.showPage()
    canvas.save()
    rendered: list[int] = []
    render = ocr.page.rasterize_pdf_page

    def counted(pdf: Path, index: int, dpi: int = 200) -> object:
        rendered.append(index + 1)
        return render(pdf, index, dpi)

    monkeypatch.setattr(ocr.page, "rasterize_pdf_page", counted)
    grids = [extract_page(path, n) for n in (1, 2)]
    assert [(g.status, g.has_text_layer) for g in grids] == [(PageStatus.BLANK, False)] * 2
    assert rendered == [2]


def test_decompression_bomb_image_is_refused_unread(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)  # tiny file, 400 Mpx when decoded
    assert errors_of(path, tmp_path) == [  # PIL's own limit (2 × 89 Mpx) refuses it first
        ("open", "the image is 400 Mpx, over the limit of 100 Mpx; refused as a possible "
         "decompression bomb")
    ]  # fmt: skip


def test_images_near_the_pixel_limit_print_no_pil_warning(tmp_path: Path) -> None:
    """PIL warns from 89 Mpx ("could be decompression bomb DOS attack") on the operator's
    terminal, under the run's own sentence for a 108 Mpx image it refuses and for a 90 Mpx one
    it reads: the run's limit (100 Mpx) decides and says, PIL says nothing."""
    import warnings

    from PIL import Image

    refused, read = tmp_path / "huge_blank.png", tmp_path / "big_scan.png"
    Image.new("1", (9000, 12000), 1).save(refused)  # 108 Mpx
    Image.new("1", (9500, 9500), 1).save(read)  # 90.25 Mpx: over PIL's warning, under ours
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert open_document(refused, tmp_path).errors == [
            ("open", "the image is 9000×12000 pixels (108 Mpx), over the limit of 100 Mpx; "
             "refused as a possible decompression bomb")
        ]  # fmt: skip
        doc = open_document(read, tmp_path)
        assert (doc.errors, doc.page_count) == ([], 1)
        assert load_image_page(read, 1).shape == (9500, 9500, 3)


# --------------------------------------------------------------------------- odd entries in raw/


def _odd_entries(raw: Path, elsewhere: Path) -> dict[str, str]:
    """Every kind of entry that is not a regular file, each with the sentence it must get."""
    (raw / "a.pdf").symlink_to("b.pdf")  # a → b → a
    (raw / "b.pdf").symlink_to("a.pdf")
    (raw / "dangling.pdf").symlink_to(raw / "gone.pdf")
    (raw / "sub").mkdir()
    (raw / "to_dir.pdf").symlink_to(raw / "sub")
    os.mkfifo(raw / "pipe.pdf")
    (raw / "to_pipe.pdf").symlink_to(raw / "pipe.pdf")
    (raw / "folder.pdf").mkdir()
    loop = "a symlink loop (the link leads back to itself); not followed"
    return {
        "a.pdf": loop,
        "b.pdf": loop,
        "dangling.pdf": "a dangling symlink: its target does not exist",
        "folder.pdf": "a folder named like a document, not a file; its files are read on their own",
        "pipe.pdf": "a FIFO (named pipe), not a file; skipped unread",
        "to_dir.pdf": "a symlink to a folder, not to a file; not followed",
        "to_pipe.pdf": "a symlink to a FIFO (named pipe), not to a file; not followed",
    }


@contextlib.contextmanager
def hang_guard() -> Iterator[None]:
    """Fail instead of hanging forever when something opens a FIFO for reading."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: a FIFO was opened without O_NONBLOCK")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(600)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def no_hang() -> Iterator[None]:
    with hang_guard():
        yield


def test_odd_entries_each_get_one_sentence_and_never_block(tmp_path: Path, no_hang: None) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    expected = _odd_entries(raw, tmp_path)
    found = {source_name(p, raw): p for p in discover(raw)}
    assert sorted(found) == sorted(expected)  # `sub` is an ordinary folder: descended, not listed
    for name, sentence in expected.items():
        doc = open_document(found[name], raw)
        assert (doc.sha256, doc.errors) == (None, [("read", sentence)]), name


def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
    tmp_path: Path, no_hang: None
) -> None:
    os.mkfifo(tmp_path / "late.pdf")
    with pytest.raises(NotARegularFile, match=r"not a regular file \(a FIFO \(named pipe\)\)"):
        open_regular(tmp_path / "late.pdf")


def test_a_gbk_file_name_is_kept_escaped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    gbk = "平罗县预算.pdf".encode("gbk")  # as a Windows zip archive stores it
    path = Path(os.fsdecode(bytes(raw) + b"/" + gbk))
    path.write_bytes(b"%PDF-1.4\n")
    assert source_name(path, raw) == r"\xc6\xbd\xc2\xde\xcf\xd8\xd4\xa4\xcb\xe3.pdf"
    sub = Path(os.fsdecode(bytes(raw) + "/子目录/".encode() + gbk))  # a UTF-8 folder stays as is
    assert source_name(sub, raw) == r"子目录/\xc6\xbd\xc2\xde\xcf\xd8\xd4\xa4\xcb\xe3.pdf"
    assert printable("plain 名称.pdf") == "plain 名称.pdf"


# --------------------------------------------------------------------------- images


def test_a_huge_later_tiff_frame_is_refused_from_its_header(tmp_path: Path) -> None:
    """Frame 1 is small, frame 2 is 150 Mpx: below PIL's own error limit (2 × 89 Mpx), so only
    checking every frame against ours refuses it, before any pixel is decoded."""
    from PIL import Image

    path = tmp_path / "scan.tif"
    small = Image.new("1", (800, 600), 1)
    huge = Image.new("1", (12500, 12000), 1)
    small.save(path, save_all=True, append_images=[huge], compression="group4")
    del huge
    limit = Image.MAX_IMAGE_PIXELS
    doc = open_document(path, tmp_path)
    assert doc.errors == [
        (
            "open",
            "frame 2 of 2 of the image is 12500×12000 pixels (150 Mpx), over the limit of "
            "100 Mpx; refused as a possible decompression bomb",
        )
    ]
    assert Image.MAX_IMAGE_PIXELS == limit is not None  # PIL's own guard stays on
    with pytest.raises(PageRefused, match="frame 2 of 2"):
        load_image_page(path, 2)  # a worker handed the page anyway refuses it too


# --------------------------------------------------------------------------- failures that repeat


def test_deterministic_failures_are_not_retried(prefect_harness: None) -> None:
    from PIL import Image
    from prefect import flow, task

    from flows.pipeline import _worth_retrying, deterministic
    from flows.publish import InjectedFault

    assert deterministic(PageRefused("too many pixels"))
    assert deterministic(Image.DecompressionBombError("bomb"))
    assert deterministic(ImportError("no paddle"))
    assert not deterministic(InjectedFault("flaky worker"))
    attempts: list[str] = []

    @task(retries=2, retry_delay_seconds=0, retry_condition_fn=_worth_retrying)
    def page(exc: Exception) -> None:
        attempts.append(type(exc).__name__)
        raise exc

    @flow
    def night(exc: Exception) -> str:
        return page(exc, return_state=True).type.value

    assert night(PageRefused("too many pixels")) == "FAILED"
    assert attempts == ["PageRefused"]
    attempts.clear()
    assert night(InjectedFault("flaky worker")) == "FAILED"
    assert attempts == ["InjectedFault"] * 3


def test_a_missing_ocr_engine_fails_fast_in_one_sentence(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PERFBUDGET_PADDLE_MODEL_DIR"}
    out = perfbudget(
        "run", "--raw", "raw", "--warehouse", "wh.duckdb", "--ocr-engine", "paddleocr",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert out.returncode == 2
    (line,) = out.stderr.splitlines()
    if find_spec("paddleocr") is None:
        assert line == (
            "error: OCR engine paddleocr is not installed: pip install -e .[paddle], "
            "or choose --ocr-engine rapidocr"
        )
    else:  # the paddle test environment: the models are what is missing
        assert line.startswith("error: OCR engine paddleocr needs PERFBUDGET_PADDLE_MODEL_DIR")
    assert not (tmp_path / "wh.duckdb").exists()
    with pytest.raises(ConfigurationError, match="unknown OCR engine 'tesseract'"):
        check_ocr_engine("tesseract")


# --------------------------------------------------------------------------- the raw folder


def _warehouse_knowing(path: Path, names: list[str]) -> Path:
    """A warehouse whose file map holds `names` as present documents."""
    from flows import landing
    from flows.inventory import Inventory, SourceFile

    con = landing.connect(path)
    try:
        inv = Inventory(new=[SourceFile(Path(n), n, f"{i:064x}") for i, n in enumerate(names)])
        landing.record_files(con, inv)
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def test_missing_or_empty_raw_folder_leaves_the_warehouse_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = _warehouse_knowing(tmp_path / "wh.duckdb", ["a.pdf", "b.pdf"])
    before = wh.read_bytes()
    monkeypatch.chdir(tmp_path)
    out = perfbudget_here("run", "--raw", "nowhere", "--warehouse", "wh.duckdb")
    assert (out.returncode, out.stderr) == (
        2,
        "error: the raw folder nowhere does not exist; pass --allow-empty-raw to run anyway\n",
    )
    (tmp_path / "empty").mkdir()
    out = perfbudget_here("run", "--raw", "empty", "--warehouse", "wh.duckdb")
    assert (out.returncode, out.stderr) == (
        2,
        "error: the raw folder empty is empty but the warehouse holds 2 document file(s) from "
        "it; pass --allow-empty-raw to mark them all removed\n",
    )
    assert wh.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "wh.duckdb"]
    # said explicitly, the run may go ahead; a first run on an empty folder needs no flag
    args = build_parser().parse_args(["run", "--raw", "empty", "--allow-empty-raw"])
    preflight(
        RunOptions(raw_dir=tmp_path / "empty", warehouse=wh, allow_empty_raw=args.allow_empty_raw)
    )
    preflight(RunOptions(raw_dir=tmp_path / "empty", warehouse=tmp_path / "new.duckdb"))


def test_a_refused_run_and_a_refused_serve_import_no_prefect(tmp_path: Path) -> None:
    """The refusals come before the flow is imported: Prefect's import alone cost a refused
    `perfbudget run` ~2.4 of its 3.3 CPU-s, and `perfbudget serve` on a taken port 1.9 of 2.1."""
    import socket

    probe = (
        "import sys; from flows.cli import main; code = main(sys.argv[1:]); "
        "print(code, 'prefect' in sys.modules)"
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        runs = [["run", "--raw", "nowhere"], ["serve", "--port", port]]
        outs = [
            subprocess.run(
                [sys.executable, "-c", probe, *args],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=tmp_path,
                env=env,
            ).stdout
            for args in runs
        ]
    assert outs == ["2 False\n", "2 False\n"]


def test_relative_paths_mean_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert RunOptions(raw_dir=Path("in"), warehouse=Path("wh/x.duckdb")).warehouse == (
        tmp_path / "wh" / "x.duckdb"
    )
    monkeypatch.setenv("PERFBUDGET_RAW_DIR", "docs")
    assert RunOptions.from_env().raw_dir == tmp_path / "docs"
    args = build_parser().parse_args(["sql", "--warehouse", "wh_rel/x.duckdb", "select 1"])
    assert RunOptions.from_env(warehouse=args.warehouse).warehouse == tmp_path / "wh_rel/x.duckdb"
    out = perfbudget_here("sql", "--warehouse", "wh_rel/x.duckdb", "select 1")
    assert out.stderr == (
        f"refused: no warehouse at {tmp_path / 'wh_rel/x.duckdb'}; run `perfbudget run` first\n"
    )
    assert not (PROJECT_ROOT / "wh_rel").exists()


# --------------------------------------------------------------------------- a whole night


@pytest.fixture(scope="module")
def one_project_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short text PDF with one project (two pages)."""
    from tests.fixtures.build_seed_pdf import build_seed_pdf

    return build_seed_pdf(tmp_path_factory.mktemp("one") / "one.pdf", projects=[ONE])


def _extracted_value_columns() -> list[str]:
    """raw.extracted_values' columns, from the landing contract itself."""
    import duckdb

    from flows.landing import SCHEMA_SQL

    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    return [d[0] for d in con.execute("select * from raw.extracted_values limit 0").description]


SPOILED = ("unexpected_field.pdf", "null_key.pdf", "duplicate_key.pdf")
QUARANTINED = "; the document is quarantined and its rows are left out of the marts"


@dataclass
class HardNight:
    """One night over a raw folder holding every kind of trouble at once."""

    warehouse: Path
    summary: RunSummary
    odd: dict[str, str]  # odd entry → its sentence
    pages: dict[str, int]  # spoiled document → the page of its spoiled row
    good_name: str  # the good document's name as shown (its GBK file name escaped)


@pytest.fixture(scope="module")
def hard_night(
    tmp_path_factory: pytest.TempPathFactory, one_project_pdf: Path, prefect_harness: None
) -> HardNight:
    """One `ingest` (one extraction pass, one dbt build with its quarantine rounds) over:

    - symlink loops, dangling links, links to a folder or a FIFO, a FIFO and a folder named x.pdf;
    - three copies of the one-project document (other bytes, same tables) whose landed rows a
      staging data test refuses, as a faulty parser would land them: a field name the yml does
      not know, a null indicator key, a duplicate key;
    - the good one-project document under a GBK file name.

    The tests below check each kind's rows, and that the night holds exactly those. (A scanned
    page too big to render is one of the sample night's bad documents, tests/conftest.py
    `write_bad_documents`: here it started the page-worker pool in a night of text PDFs.)"""
    from flows import landing
    from flows.pipeline import ingest

    root = tmp_path_factory.mktemp("hard_night")
    raw, wh = root / "raw", root / "wh" / "perfbudget.duckdb"
    raw.mkdir()
    odd = _odd_entries(raw, root)
    gbk_name = Path(os.fsdecode(bytes(raw) + b"/" + "预算.pdf".encode("gbk")))
    shutil.copy(one_project_pdf, gbk_name)
    pdf = one_project_pdf.read_bytes()
    for n, name in enumerate(SPOILED):
        (raw / name).write_bytes(pdf + f"\n% copy {n}\n".encode())  # other bytes, same tables
    col = {c: i for i, c in enumerate(_extracted_value_columns())}
    real_rows = landing.value_rows
    pages: dict[str, int] = {}

    def spoiled(doc):  # the rows a faulty parser would land
        rows = [list(r) for r in real_rows(doc)]
        target = [r for r in rows if r[col["field"]] == "target"]
        if doc.source_file == "unexpected_field.pdf":
            extra = list(rows[0])
            extra[col["field"]] = "department_nickname"
            rows.append(extra)
        elif doc.source_file == "null_key.pdf":
            extra = target[2]
            extra[col["indicator_seq"]] = None
        elif doc.source_file == "duplicate_key.pdf":
            extra = list(target[1])
            rows.append(extra)
        else:
            return iter(map(tuple, rows))
        pages[doc.source_file] = extra[col["page"]]
        return iter(map(tuple, rows))

    with pytest.MonkeyPatch.context() as mp, hang_guard():
        mp.setattr(landing, "value_rows", spoiled)
        summary = ingest(RunOptions(raw_dir=raw, warehouse=wh))
    return HardNight(wh, summary, odd, pages, source_name(gbk_name, raw))


def test_a_data_test_failing_on_one_document_quarantines_it_and_the_night_is_published(
    hard_night: HardNight,
) -> None:
    """Each spoiled document is quarantined with the test and the page named; the good one is
    built and published."""
    wh, pages = hard_night.warehouse, hard_night.pages
    in_spoiled = "source_file in ('" + "', '".join(SPOILED) + "')"
    assert _query(
        wh, f"select source_file, status from dim_document where {in_spoiled} order by 1"
    ) == [
        ("duplicate_key.pdf", "quarantined"),
        ("null_key.pdf", "quarantined"),
        ("unexpected_field.pdf", "quarantined"),
    ]
    assert _query(
        wh, f"select source_file, stage, error from ingest_errors where {in_spoiled} order by 1"
    ) == [
        (
            "duplicate_key.pdf",
            "validate",
            "the data test unique_combination_of_columns on stg_raw__extracted_values fails on "
            f"page {pages['duplicate_key.pdf']} (project_seq=1, indicator_seq=2, "
            f"field_name=target, n_rows=2){QUARANTINED}",
        ),
        (
            "null_key.pdf",
            "validate",
            "the data test not_null on stg_raw__extracted_values.indicator_seq fails on page "
            f"{pages['null_key.pdf']} (indicator_seq=null){QUARANTINED}",
        ),
        (
            "unexpected_field.pdf",
            "validate",
            "the data test assert_extracted_fields_are_in_form_descriptions fails on page "
            f"{pages['unexpected_field.pdf']} (form=project_target, record_type=field, "
            f"field_name=department_nickname, n_values=1){QUARANTINED}",
        ),
    ]
    # everything else is there: the good document's project and all its indicators
    assert _query(wh, "select project_name from dim_project") == [(ONE.project_name,)]
    assert _query(wh, "select count(*) from fct_indicator") == [(len(ONE.indicators),)]
    assert _query(wh, "select count(distinct document_sha256) from raw.extracted_values") == [(1,)]


def test_odd_entries_and_a_gbk_name_in_one_night(hard_night: HardNight) -> None:
    """Odd entries: one ingest_errors row each; the document under a GBK file name lands. (The
    page too big to render, failed for good: tests/test_pipeline.py, the sample night.)"""
    wh = hard_night.warehouse
    assert hard_night.good_name == "\\xd4\\xa4\\xcb\\xe3.pdf"
    odd = "source_file in ('" + "', '".join(hard_night.odd) + "')"
    rows = [(name, "read", sentence) for name, sentence in hard_night.odd.items()]
    assert _query(
        wh, f"select source_file, stage, error from ingest_errors where {odd} order by 1"
    ) == sorted(rows)
    assert _query(
        wh,
        "select source_file, status from dim_document where source_file = ?",
        [hard_night.good_name],
    ) == [("\\xd4\\xa4\\xcb\\xe3.pdf", "ingested")]
    assert _query(wh, "select project_name from dim_project") == [(ONE.project_name,)]


def test_the_night_holds_exactly_one_row_per_trouble_and_one_good_document(
    hard_night: HardNight,
) -> None:
    """Nothing beyond what the two tests above name: 1 ingested, 3 quarantined + 7 odd entries
    failed; one error row each; the documents table lists the four files."""
    wh, odd = hard_night.warehouse, hard_night.odd
    s = hard_night.summary
    assert (s.documents_ingested, s.documents_failed) == (1, len(SPOILED) + len(odd))
    errors = _query(wh, "select source_file, stage from ingest_errors order by 1")
    assert errors == sorted([(n, "read") for n in odd] + [(n, "validate") for n in SPOILED])
    assert _query(wh, "select source_file, status from dim_document order by 1") == sorted(
        [(hard_night.good_name, "ingested")] + [(n, "quarantined") for n in SPOILED]
    )


# --------------------------------------------------------------------------- perfbudget sql


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with one table of every kind of value an auditor's query returns."""
    import duckdb

    path = tmp_path_factory.mktemp("sqlwh") / "perfbudget.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """
        create table funds as select * from (values
            (1, 148.796::decimal(18, 4), null::varchar, '司法救助资金', date '2024-12-31',
             0.5::double, [1, 2]),
            (2, 10::decimal(18, 4), 'x', 'a "quoted" name', null, null, [])
        ) t(project_seq, total_funds_wan, note, project_name, target_date, confidence, pages)
        """
    )
    con.close()
    return path


HOSTILE = {
    "log_query_path": "set log_query_path = '{out}/log.txt'",
    "profiling_output": "set profiling_output = '{out}/profile.json'",
    "profiling_through_a_symlink": "pragma enable_profiling = 'json'; "
    "set profiling_output = '{link}'; select 1",
    "enable_logging_to_file": "call enable_logging(storage = 'file', storage_path = '{out}/logs')",
    "read_csv_passwd": "select * from read_csv('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "read_blob": "select * from read_blob('/etc/passwd')",
    "glob": "select * from glob('/root/*')",
    "read_csv_https": "select * from read_csv('https://example.com/budget.csv')",
    "install": "install httpfs",
    "load": "load httpfs",
    "attach": "attach '{out}/other.duckdb' as other",
    "copy_to": "copy funds to '{out}/leak.csv'",
    "export": "export database '{out}/dump'",
    "unlock": "set enable_external_access = true",
    "delete": "delete from funds",
}


@pytest.mark.parametrize("statement", list(HOSTILE.values()), ids=list(HOSTILE))
def test_sql_reaches_nothing_but_the_warehouse(
    small_warehouse: Path, tmp_path: Path, statement: str
) -> None:
    out_dir, home = tmp_path / "out", tmp_path / "home"
    out_dir.mkdir()
    home.mkdir()
    victim = tmp_path / "victim.duckdb"  # a copy of a warehouse behind a symlink
    shutil.copy(small_warehouse, victim)
    (tmp_path / "link").symlink_to(victim)
    before = (small_warehouse.read_bytes(), victim.read_bytes())
    env = {**os.environ, "HOME": str(home)}  # where DuckDB would install extensions
    sql = statement.format(out=out_dir, link=tmp_path / "link")
    out = perfbudget("sql", "--warehouse", str(small_warehouse), sql, env=env)
    assert out.returncode == 2, out.stdout + out.stderr
    (line,) = out.stderr.splitlines()
    assert line.startswith("refused: the warehouse is read-only for queries")
    assert "root:" not in out.stdout
    assert list(out_dir.iterdir()) == [] and list(home.iterdir()) == []
    assert (small_warehouse.read_bytes(), victim.read_bytes()) == before


def test_sql_json_keeps_types(small_warehouse: Path) -> None:
    out = perfbudget_here(
        "sql", "--warehouse", str(small_warehouse), "--format", "json",
        "select * from funds order by project_seq",
    )  # fmt: skip
    assert out.stdout == (
        "[\n"
        ' {"project_seq": 1, "total_funds_wan": 148.796, "note": null,'
        ' "project_name": "司法救助资金", "target_date": "2024-12-31", "confidence": 0.5,'
        ' "pages": [1, 2]},\n'
        ' {"project_seq": 2, "total_funds_wan": 10, "note": "x", "project_name":'
        ' "a \\"quoted\\" name", "target_date": null, "confidence": null, "pages": []}\n'
        "]\n"
    )
    assert json.loads(out.stdout, parse_float=Decimal)[0]["total_funds_wan"] == Decimal("148.796")


def test_sql_file_with_several_statements_prints_each(
    small_warehouse: Path, tmp_path: Path
) -> None:
    q = tmp_path / "q.sql"
    q.write_text(
        "select count(*) as n from funds;\n-- the names\nselect project_seq from funds order by 1;",
        encoding="utf-8",
    )
    out = perfbudget_here(
        "sql", "--warehouse", str(small_warehouse), "-f", str(q), "--format", "csv"
    )
    assert (out.returncode, out.stdout) == (0, "n\n2\n\nproject_seq\n1\n2\n")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        ((), "", "error: no query given: pass SQL text, -f FILE or SQL on stdin"),
        ((), " ;\n ; ", "error: no query given: pass SQL text, -f FILE or SQL on stdin"),
        (
            ("-f", "missing.sql"),
            "",
            "error: cannot read the query file missing.sql: No such file or directory",
        ),
    ],
    ids=["empty", "only_semicolons", "missing_file"],
)
def test_sql_without_a_query_says_so_in_one_line(
    small_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    stdin: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    out = perfbudget_here("sql", "--warehouse", str(small_warehouse), *args, stdin=stdin)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message + "\n")


# --------------------------------------------------------------------------- perfbudget serve


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a `perfbudget serve` and everything it started."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_serve_refuses_a_port_that_is_taken(tmp_path: Path) -> None:
    import socket

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = perfbudget("serve", "--port", str(port), env=env)
    assert (out.returncode, out.stdout, out.stderr) == (
        2,
        "",
        f"error: port {port} on 127.0.0.1 is already in use; choose another with --port\n",
    )


def _served_deployment(api: str, proc: subprocess.Popen, seconds: float = 240) -> object:
    """The nightly-ingest deployment `perfbudget serve` (`proc`) registers at `api`, asked
    every 2 s until the server answers; raises once `seconds` have passed or the server has
    exited."""
    import asyncio
    import time

    from prefect.client.orchestration import PrefectClient

    async def deployment() -> object:
        async with PrefectClient(api) as client:
            return await client.read_deployment_by_name("nightly-ingest/nightly-ingest")

    deadline = time.monotonic() + seconds
    while True:
        try:
            return asyncio.run(deployment())
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(2)


def test_serve_runs_the_flow_on_its_own_server_with_the_settings_given(
    tmp_path: Path, one_project_pdf: Path, models_only: None
) -> None:
    """`perfbudget serve` starts a Prefect server, serves nightly-ingest against that server and
    passes PERFBUDGET_RAW_DIR / PERFBUDGET_WAREHOUSE through: a run triggered through that
    server's API lands in the warehouse the settings name. (Its build runs no data test: the
    hard night data-tests the same document. It builds on the worker's warm dbt, which the
    environment names: see the test below.)"""
    import asyncio
    import time

    from prefect.client.orchestration import PrefectClient

    raw, wh = tmp_path / "inbox", tmp_path / "wh" / "night.duckdb"
    raw.mkdir()
    shutil.copy(one_project_pdf, raw / "one.pdf")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= QUIET_PREFECT_SERVER_ENV | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PERFBUDGET_RAW_DIR": str(raw),
        "PERFBUDGET_WAREHOUSE": str(wh),
        "PYTHONPATH": str(PROJECT_ROOT),
        # the runner looks for scheduled runs every 10 s by default: up to 10 s of the test's
        # wall spent waiting for the triggered run to be picked up
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"

    async def trigger(deployment_id: object) -> object:
        async with PrefectClient(api) as client:
            return (await client.create_flow_run_from_deployment(deployment_id)).id

    async def state_of(run_id: object) -> object:
        async with PrefectClient(api) as client:
            return (await client.read_flow_run(run_id)).state

    try:
        dep = _served_deployment(api, proc)
        (schedule,) = dep.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone) == (
            "0 2 * * *",
            "Asia/Shanghai",
        )
        assert dep.parameters["options"] == {"raw_dir": str(raw), "warehouse": str(wh)}
        run_id = asyncio.run(trigger(dep.id))
        deadline = time.monotonic() + 400
        while not (state := asyncio.run(state_of(run_id))).is_final():
            assert time.monotonic() < deadline and proc.poll() is None, state
            time.sleep(1)
        assert state.is_completed(), state
    finally:
        _stop(proc)
        log.close()
    assert _query(wh, "select project_name from dim_project") == [(ONE.project_name,)]
    assert _query(wh, "select source_file from dim_document") == [("one.pdf",)]


def test_a_warm_dbt_is_taken_as_listening_only_while_something_accepts_on_its_socket(
    tmp_path: Path,
) -> None:
    """`perfbudget serve` builds on the warm dbt PERFBUDGET_DBT_SERVER names only when it
    listens: a socket file left by a stopped server, or none at all, is not one."""
    import socket

    from flows.dbt_server import listening

    path = tmp_path / "dbt.sock"
    assert not listening(str(path))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen()
        assert listening(str(path))
    assert path.exists() and not listening(str(path))


def _warm_dbts_under(pid: int) -> list[int]:
    """The warm dbt processes (flows/dbt_server.py) among a process's descendants, from /proc."""
    from tests.cputimes import proc_stat

    parent = {
        int(e.name): stat[0]
        for e in Path("/proc").iterdir()
        if e.name.isdigit() and (stat := proc_stat(int(e.name))) is not None
    }

    def under(p: int) -> bool:
        while p > 1 and p in parent:
            p = parent[p]
            if p == pid:
                return True
        return False

    found = []
    for p in parent:
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
            if b"flows.dbt_server" in cmd and under(p):
                found.append(p)
    return found


def test_serve_uses_prefect_api_url_when_given(
    prefect_harness: None, tmp_path: Path, warm_dbt: str | None
) -> None:
    """With PREFECT_API_URL set, `perfbudget serve` serves against that server and starts none;
    with PERFBUDGET_DBT_SERVER naming a warm dbt that listens (the worker's, tests/conftest.py),
    its nights build on that one and it starts no dbt of its own (one under
    PERFBUDGET_TEST_DBT=one-shot, where none is named).

    The test holds --port bound itself, so no other process of a busy machine can take it: a
    serve that tried to start a server of its own there would fail to bind and exit."""
    import socket
    import time

    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()  # the test harness's server
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    port = held.getsockname()[1]
    env = {**os.environ, "PREFECT_API_URL": api, "PYTHONPATH": str(PROJECT_ROOT)}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    try:
        dep = _served_deployment(api, proc)
        assert dep.name == "nightly-ingest"
        # a warm dbt of its own would have been started (and waited for) before serving
        assert len(_warm_dbts_under(proc.pid)) == (0 if warm_dbt else 1)
        time.sleep(1)
        assert proc.poll() is None  # still serving: it never tried to bind --port
    finally:
        _stop(proc)
        held.close()


def test_a_failure_only_documents_together_explain_is_blamed_on_none(tmp_path: Path) -> None:
    """`attribute` blames a document only when its rows alone fail the test, and names the page
    where they start to (a duplicate printed on pages 1 and 2: page 2). A duplicate across two
    documents is blamed on neither: once the blamed document is out, the next round finds the
    test still failing with no document to blame, and the build fails, as a wrong mart must."""
    import duckdb

    from flows.build_results import FailedTest
    from flows.quarantine import attribute

    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("create schema raw")
    con.execute("create table raw.documents (document_sha256 varchar, source_file varchar)")
    con.execute("insert into raw.documents values ('a', 'a.pdf'), ('b', 'b.pdf'), ('c', 'c.pdf')")
    con.execute("create table vals (document_sha256 varchar, page int, k varchar)")
    con.execute(
        "insert into vals values ('a', 1, 'x'), ('a', 2, 'x'), ('a', 3, 'y'),"
        " ('b', 1, 'shared'), ('c', 4, 'shared')"
    )
    con.close()
    relation = '"wh"."main"."vals"'
    within = FailedTest(
        "test.x.unique_k_per_document", "unique_k_per_document",
        f"select document_sha256, k, count(*) as n from {relation} "
        "group by document_sha256, k having count(*) > 1",
        (relation,),
    )  # fmt: skip
    across = FailedTest(
        "test.x.unique_k", "unique on vals.k",
        f"select k, count(*) as n from {relation} group by k having count(*) > 1",
        (relation,),
    )  # fmt: skip
    blamed = attribute(wh, [within, across])
    assert [(q.source_file, q.test, q.pages, q.example) for q in blamed] == [
        ("a.pdf", "unique_k_per_document", (2,), "k=x, n=2"),
        ("a.pdf", "unique on vals.k", (2,), "k=x, n=2"),
    ]  # b.pdf and c.pdf share 'shared': neither alone fails, so neither is blamed


def test_a_check_of_a_mart_named_by_source_file_blames_only_that_document(tmp_path: Path) -> None:
    """A grouped check reads one of its model's relations (`not_null` on a mart of projects
    that names its document by source_file only, beside a relation keyed by hash that the check
    does not read): a project read with no name blames its own document, not every document."""
    import duckdb

    from flows.build_results import FailedTest
    from flows.quarantine import attribute

    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("create schema raw")
    con.execute("create table raw.documents (document_sha256 varchar, source_file varchar)")
    con.execute(
        "insert into raw.documents values ('a', 'a.pdf'), ('b', 'b.pdf'), ('c', 'c''s.pdf')"
    )
    con.execute("create table projects (project_name varchar, source_file varchar)")
    con.execute("insert into projects values ('甲', 'a.pdf'), (null, 'b.pdf'), ('丙', 'c''s.pdf')")
    con.execute("create table docs (document_sha256 varchar, source_file varchar)")
    con.close()
    projects, docs = '"wh"."main"."projects"', '"wh"."main"."docs"'
    check = FailedTest(
        "test.x.projects_checks", "not_null on projects.project_name",
        f"select * from {projects} where project_name is null", (projects, docs), grouped=True,
    )  # fmt: skip
    blamed = attribute(wh, [check])
    assert [(q.source_file, q.test, q.pages, q.example) for q in blamed] == [
        ("b.pdf", "not_null on projects.project_name", (), "project_name=null, source_file=b.pdf"),
    ]


def _spinning_reader(pages: list, reread: object = None) -> tuple[list, list[str]]:
    """A form reader that never finishes (a search that explodes on one document)."""
    while True:
        pass


def test_a_reader_that_never_finishes_costs_its_document_only(monkeypatch) -> None:
    """Over its CPU limit the reader gives the document up: one parse error saying so, no
    projects, and the process's own profiling timer and handler are as they were."""
    import flows.forms.document as document
    from flows.models import DocumentExtraction, PageGrid

    page = PageGrid(1, 595.0, 842.0, "pt", True, PageStatus.EXTRACTED, "textlayer")
    doc = DocumentExtraction("spins.pdf", "ab" * 32, 1, 1, "pdf", pages=[page, page])
    handler = signal.getsignal(signal.SIGPROF)
    monkeypatch.setattr(document, "read_document", _spinning_reader)
    doc = read_forms(doc, cpu_seconds_per_page=0.05)
    assert doc.projects == []
    assert doc.errors == [
        (
            "parse",
            "the form reader gave up on this document: it used its limit of 0.1 CPU-s "
            "(0.05 CPU-s per page, 2 page(s))",
        )
    ]
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is handler
