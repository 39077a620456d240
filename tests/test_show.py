"""`perfbudget show`: a warehouse row traced to its printed page, with a picture of the cell."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from flows.show import RENDER_DPI
from tests.conftest import SEED_PDF, SampleRun
from tests.test_cli import perfbudget

PAD = 3  # the outline is drawn this many pixels outside the cell border


def _show(run: SampleRun, key: str, out: Path, raw: Path | None = None):
    return perfbudget(
        "show", key, "--out", str(out), "--raw", str(raw or run.raw),
        "--warehouse", str(run.warehouse),
    )  # fmt: skip


def _picture(stdout: str) -> Path:
    found = re.findall(r"^picture: (.+\.png)$", stdout, flags=re.M)
    assert len(found) == 1, stdout
    return Path(found[0])


def _red(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r > 180) & (g < 60) & (b < 60)


def _printed_values(text: str) -> dict[str, list[str]]:
    """The printed-values table of `show`'s output: field → its other columns ('*' = outlined)."""
    lines = text.split("printed values", 1)[1].split("\n\n", 1)[0].splitlines()[3:]
    return {words[0]: words[1:] for words in (ln.replace("* ", "").split() for ln in lines)}


def _cost_indicator(run: SampleRun) -> str:
    [(key,)] = run.query("select indicator_id from fct_indicator where target_raw = '148.796万'")
    return key


def test_show_indicator_prints_its_provenance(sample_run: SampleRun, tmp_path: Path) -> None:
    key = _cost_indicator(sample_run)
    out = _show(sample_run, key, tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith(f"indicator {key} (2024)")
    [(sha,)] = sample_run.query(
        "select document_sha256 from raw.document_files where source_file = ?", [SEED_PDF.name]
    )
    assert f"document sha256 {sha}" in text
    assert f"file {SEED_PDF.name}" in text
    rows = _printed_values(text)
    # value, page, grid row, grid col, bbox, confidence, extractor
    assert rows["target"] == [
        "148.796万",
        "8",
        "3",
        "4",
        "477.0,145.9,550.5,180.0",
        "1.0",
        "camelot",
    ]
    assert rows["indicator_name"][:3] == ["工作补贴及绩效", "8", "3"]
    assert rows["level2"][:2] == ["成本指标（必填硬性指标）", "8"]
    assert rows["level1"][:2] == ["产出指标", "7"]  # the merged 一级 label starts a page earlier
    assert re.search(r"^  page\s+8$", text, flags=re.M)
    assert "* outlined: target on page 8" in text
    assert _picture(text) == tmp_path / f"{key}_p8.png"


def test_show_indicator_outlines_the_printed_cell(sample_run: SampleRun, tmp_path: Path) -> None:
    key = _cost_indicator(sample_run)
    out = _show(sample_run, key, tmp_path)
    assert out.returncode == 0, out.stderr
    png = np.asarray(Image.open(_picture(out.stdout)).convert("RGB"))
    height, width = png.shape[:2]
    assert 600 <= width <= 1300 and 150 <= height <= 900  # a crop of a 150 dpi A4 page

    # the red outline: a hollow rectangle the size of the cell (+ padding) at 150 dpi
    [(x0, y0, x1, y1, page_w, page_h)] = sample_run.query(
        "select v.x0, v.y0, v.x1, v.y1, p.width, p.height from raw.extracted_values v"
        " join raw.pages p using (document_sha256, page)"
        " join raw.document_files f using (document_sha256)"
        " where v.field = 'target' and v.value = '148.796万' and f.source_file = ?",
        [SEED_PDF.name],  # the seed's (the 政法委 self-evaluation prints it too)
    )
    page = pdfium.PdfDocument(str(SEED_PDF))[7].render(scale=RENDER_DPI / 72).to_pil()
    page_px = np.asarray(page.convert("RGB"))
    sx, sy = page.width / page_w, page.height / page_h
    ys, xs = np.nonzero(_red(png))
    left, top, right, bottom = xs.min(), ys.min(), xs.max(), ys.max()
    assert abs((right - left) - ((x1 - x0) * sx + 2 * PAD)) <= 2
    assert abs((bottom - top) - ((y1 - y0) * sy + 2 * PAD)) <= 2
    for edge in (png[top, left:right], png[bottom, left:right], png[top:bottom, left]):
        assert _red(edge).mean() > 0.95
    assert not _red(png[top + 4 : bottom - 4, left + 4 : right - 4]).any()

    # the crop is the page itself, placed so the outline sits on the cell's border
    ox, oy = round(x0 * sx) - PAD - left, round(y0 * sy) - PAD - top
    inside = png[top + 4 : bottom - 4, left + 4 : right - 4]
    in_page = page_px[oy + top + 4 : oy + bottom - 4, ox + left + 4 : ox + right - 4]
    assert np.abs(inside.astype(int) - in_page.astype(int)).max() <= 2

    # and what a reader sees inside the outline is the printed value
    from rapidocr import RapidOCR

    result = RapidOCR()(np.ascontiguousarray(inside))
    assert "".join(result.txts or ()).replace(" ", "") == "148.796万"


def test_show_project_prints_header_funds_and_outlines_the_name(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    [(key,)] = sample_run.query(
        "select project_id from dim_project where project_name = '网格员工作补贴及绩效'"
    )
    out = _show(sample_run, key, tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith(f"project {key} (2024)")
    assert re.search(r"^  total_funds_wan\s+148\.796$", text, flags=re.M)
    assert re.search(r"^  department_code\s+075001$", text, flags=re.M)
    assert re.search(r"^  \* project_name\s+网格员工作补贴及绩效\s+7\s+0\s+1\s", text, flags=re.M)
    for field in ("implementing_unit", "total_funds", "fiscal_funds", "other_funds"):
        assert re.search(rf"^    {field}\s.*\s7\s", text, flags=re.M), field
    png = np.asarray(Image.open(_picture(text)).convert("RGB"))
    assert _picture(text).name == f"{key}_p7.png"
    ys, xs = np.nonzero(_red(png))
    assert xs.max() - xs.min() > 800  # the name cell spans the table's width at 150 dpi


def test_show_unknown_id(sample_run: SampleRun, tmp_path: Path) -> None:
    out = _show(sample_run, "0123456789abcdef", tmp_path)
    assert out.returncode == 2
    assert "no indicator or project with id '0123456789abcdef'" in out.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["missing", "changed", "renamed"])
def test_show_checks_the_source_file(sample_run: SampleRun, tmp_path: Path, case: str) -> None:
    """The picture comes only from the exact bytes the warehouse was built from."""
    key = _cost_indicator(sample_run)
    raw = tmp_path / "raw"
    raw.mkdir()
    if case == "changed":
        (raw / SEED_PDF.name).write_bytes(SEED_PDF.read_bytes() + b"\n% edited\n")
    if case == "renamed":  # a copy renamed since the last run: found by size and hash
        (raw / "sub").mkdir()
        shutil.copy(SEED_PDF, raw / "sub" / "renamed.pdf")
    out = _show(sample_run, key, tmp_path / "out", raw=raw)
    if case == "renamed":
        assert out.returncode == 0, out.stderr
        assert f"read from {raw / 'sub' / 'renamed.pdf'} (same sha256)" in out.stdout
        assert (tmp_path / "out" / f"{key}_p8.png").is_file()
        return
    assert out.returncode == 1
    assert "148.796万" in out.stdout  # the provenance is printed all the same
    expected = "pass the raw folder with --raw" if case == "missing" else "no longer has the bytes"
    assert expected in out.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("source", ["scan.png", "scan.pdf"])
def test_crop_of_an_ocred_page_scales_pixel_boxes(tmp_path: Path, source: str) -> None:
    """OCRed pages keep bboxes in the pixels OCR saw (here a 200 dpi scan): an image file is
    cropped at its own resolution, a scanned PDF page rendered at 150 dpi and the box scaled."""
    from flows.show import PageInfo, PrintedValue, Provenance, render_crop, sha256_of

    scan_dpi = 200
    pdf_page = pdfium.PdfDocument(str(SEED_PDF))[7]
    scan = pdf_page.render(scale=scan_dpi / 72).to_pil()
    path = tmp_path / source
    if source.endswith(".png"):
        scan.save(path)
        page_no, rendered_dpi = 1, scan_dpi
    else:
        shutil.copy(SEED_PDF, path)  # stands in for a scanned PDF: only the geometry matters
        page_no, rendered_dpi = 8, RENDER_DPI
    k = scan_dpi / 72
    cell = (477.0 * k, 145.9 * k, 550.5 * k, 180.0 * k)
    value = PrintedValue("target", "148.796万", page_no, 0, 3, 4, cell, 0.97, "rapidocr", source)
    prov = Provenance(
        kind="indicator", key="scan", year=2024, record={}, document_sha256=sha256_of(path),
        project_seq=1, values=[value], highlight=value,
        page=PageInfo(width=scan.width, height=scan.height, bbox_unit="px"),
        file_names=[(source, True)], file_size=path.stat().st_size,
    )  # fmt: skip
    crop = render_crop(prov, tmp_path, tmp_path / "out", "scan")
    assert crop.path == tmp_path / "out" / f"scan_p{page_no}.png"
    png = np.asarray(Image.open(crop.path).convert("RGB"))
    ys, xs = np.nonzero(_red(png))
    left, top, right, bottom = xs.min(), ys.min(), xs.max(), ys.max()
    assert abs((right - left) - (73.5 * rendered_dpi / 72 + 2 * PAD)) <= 3
    assert abs((bottom - top) - (34.1 * rendered_dpi / 72 + 2 * PAD)) <= 3

    from rapidocr import RapidOCR

    inside = np.ascontiguousarray(png[top + 5 : bottom - 4, left + 5 : right - 4])
    assert "".join(RapidOCR()(inside).txts or ()).replace(" ", "") == "148.796万"
