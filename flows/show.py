"""`perfbudget show`: an indicator or project traced back to the printed page it came from.

An auditor quoting a warehouse row needs the evidence next to it: which file (by content hash, so
a renamed or edited copy is noticed), which page, which cell of the ruled grid, how sure the
extractor was — and a picture of the page with the cell outlined, to paste into working papers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from flows.query import display_value, format_result

if TYPE_CHECKING:
    from PIL.Image import Image

PROJECT_FIELDS = (
    "year",
    "project_name",
    "department_code",
    "implementing_unit",
    "project_attribute",
    "project_period",
    "total_funds",
    "fiscal_funds",
    "other_funds",
    "overall_goal",
)
INDICATOR_FIELDS = ("level1", "level2", "indicator_name", "target")
RENDER_DPI = 150
OUTLINE = (230, 0, 0)  # the value the row is about
CONTEXT = (0, 90, 200)  # the row's other printed values on the same page
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


class ShowError(RuntimeError):
    """The id is unknown, or the evidence cannot be produced (warehouse or source file missing)."""


@dataclass
class PrintedValue:
    """One printed value and where it sits: a row of raw.extracted_values."""

    field: str
    value: str
    page: int
    table_index: int | None
    row: int | None
    col: int | None
    bbox: tuple[float, float, float, float] | None
    confidence: float
    extractor: str
    source_file: str


@dataclass
class PageInfo:
    """The page's own coordinate system, which the stored bboxes are in."""

    width: float | None
    height: float | None
    bbox_unit: str  # pt | px


@dataclass
class Provenance:
    """A mart row, the printed values behind it and the document they were read from."""

    kind: str  # project | indicator
    key: str
    year: int | None
    record: dict[str, object]
    document_sha256: str
    project_seq: int
    values: list[PrintedValue]
    highlight: PrintedValue | None
    page: PageInfo | None
    file_names: list[tuple[str, bool]] = field(default_factory=list)  # (name, is_present)
    table_x: tuple[float, float] | None = None  # the ruled table's horizontal extent on the page
    file_size: int | None = None


@dataclass
class Crop:
    """The PNG written and where the outline is in it (pixels), for the caller to check."""

    path: Path
    outline: tuple[int, int, int, int]
    scale: tuple[float, float]
    origin: tuple[int, int]
    source: Path


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, object]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _values(
    con: duckdb.DuckDBPyConnection, sha: str, seq: int, indicator_seq: int | None
) -> list[PrintedValue]:
    if indicator_seq is None:
        where, params, order = "record_type = 'field'", [sha, seq], PROJECT_FIELDS
    else:
        where = "record_type = 'indicator' and indicator_seq = ?"
        params, order = [sha, seq, indicator_seq], INDICATOR_FIELDS
    rows = _rows(
        con,
        "select field, value, page, table_index, row, col, x0, y0, x1, y1, confidence, extractor,"
        " source_file from raw.extracted_values"
        f" where document_sha256 = ? and project_seq = ? and {where}",
        params,
    )
    out = [
        PrintedValue(
            field=r["field"],
            value=r["value"],
            page=r["page"],
            table_index=r["table_index"],
            row=r["row"],
            col=r["col"],
            bbox=None if r["x0"] is None else (r["x0"], r["y0"], r["x1"], r["y1"]),
            confidence=r["confidence"],
            extractor=r["extractor"],
            source_file=r["source_file"],
        )
        for r in rows
    ]
    rank = {name: i for i, name in enumerate(order)}
    return sorted(out, key=lambda v: (rank.get(v.field, len(rank)), v.field))


def _complete(con: duckdb.DuckDBPyConnection, prov: Provenance, highlight_field: str) -> None:
    """Fill in the highlighted value, its page's geometry, the file names and the table extent."""
    prov.highlight = next(
        (v for v in prov.values if v.field == highlight_field and v.bbox is not None), None
    )
    prov.file_names = [
        (r[0], bool(r[1]))
        for r in con.execute(
            "select source_file, is_present from raw.document_files"
            " where document_sha256 = ? order by source_file",
            [prov.document_sha256],
        ).fetchall()
    ]
    size = con.execute(
        "select file_size from raw.documents where document_sha256 = ?", [prov.document_sha256]
    ).fetchone()
    prov.file_size = size[0] if size else None
    hl = prov.highlight
    if hl is None:
        return
    page = con.execute(
        "select width, height, bbox_unit from raw.pages where document_sha256 = ? and page = ?",
        [prov.document_sha256, hl.page],
    ).fetchone()
    if page is not None:
        prov.page = PageInfo(width=page[0], height=page[1], bbox_unit=page[2])
    if hl.table_index is not None:
        ext = con.execute(
            "select min(x0), max(x1) from raw.cells"
            " where document_sha256 = ? and page = ? and table_index = ?",
            [prov.document_sha256, hl.page, hl.table_index],
        ).fetchone()
        if ext is not None and ext[0] is not None:
            prov.table_x = (ext[0], ext[1])


# What each kind of row outlines on its page: an indicator's target, a project's name.
HIGHLIGHT = {"indicator": "target", "project": "project_name"}


def _provenance(
    con: duckdb.DuckDBPyConnection, kind: str, key: str, rec: dict[str, object]
) -> Provenance:
    """A mart row (with its document as `_sha`, `_seq`, taken out of the record) and the printed
    values behind it: an indicator's (`indicator_seq`) or its project's header fields."""
    sha, seq = rec.pop("_sha"), rec.pop("_seq")
    indicator_seq = rec["indicator_seq"] if kind == "indicator" else None
    prov = Provenance(
        kind=kind,
        key=key,
        year=rec["year"],
        record=rec,
        document_sha256=sha,
        project_seq=seq,
        values=_values(con, sha, seq, indicator_seq),
        highlight=None,
        page=None,
    )
    _complete(con, prov, HIGHLIGHT[kind])
    return prov


def lookup(warehouse: Path, key: str, year: int | None = None) -> list[Provenance]:
    """Every (project, year) or the one indicator with this id; [] when the id is unknown."""
    if not warehouse.exists():
        raise ShowError(f"no warehouse at {warehouse}; run `perfbudget run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        indicators = _rows(
            con,
            "select i.*, ii.document_sha256 as _sha, ii.project_seq as _seq"
            " from fct_indicator i join int_indicators_identified ii using (indicator_id)"
            " where i.indicator_id = ?",
            [key],
        )
        if indicators:
            return [_provenance(con, "indicator", key, rec) for rec in indicators]
        projects = _rows(
            con,
            "select p.*, f.total_funds_wan, f.fiscal_funds_wan, f.other_funds_wan,"
            " d.document_sha256 as _sha, d.project_seq as _seq"
            " from dim_project p"
            " join int_projects_deduplicated d using (project_id, year)"
            " left join fct_project_funds f using (project_id, year)"
            " where p.project_id = ? and (? is null or p.year = ?) order by p.year",
            [key, year, year],
        )
        return [_provenance(con, "project", key, rec) for rec in projects]
    finally:
        con.close()


def _fmt_bbox(v: PrintedValue) -> str:
    return "" if v.bbox is None else ",".join(f"{c:.1f}" for c in v.bbox)


def describe(prov: Provenance) -> str:
    """The row, then one line per printed value with its page, cell, bbox and confidence."""
    mart = "fct_indicator" if prov.kind == "indicator" else "dim_project + fct_project_funds"
    unit = prov.page.bbox_unit if prov.page else "pt"
    width = max(len(k) for k in prov.record)
    out = [f"{prov.kind} {prov.key}" + (f" ({prov.year})" if prov.year is not None else "")]
    out.append(f"{mart}:")
    out += [f"  {k.ljust(width)}  {display_value(v)}" for k, v in prov.record.items()]
    out.append("")
    out.append(f"document sha256 {prov.document_sha256}, table {prov.project_seq} of the document")
    for name, present in prov.file_names:
        out.append(f"  file {name}" + ("" if present else " (no longer in the raw folder)"))
    out.append("")
    out.append(f"printed values (page 1-based, grid row/col 0-based, bbox in {unit}, top-left):")
    columns = ["field", "value", "page", "row", "col", f"bbox ({unit})", "confidence", "extractor"]
    rows = [
        (
            ("* " if v is prov.highlight else "  ") + v.field,
            v.value.replace("\n", " "),
            v.page,
            v.row,
            v.col,
            _fmt_bbox(v),
            v.confidence,
            v.extractor,
        )
        for v in prov.values
    ]
    table = format_result(columns, rows).splitlines()[:-1]  # drop the "(n rows)" line
    out += ["  " + line for line in table]
    if prov.highlight is not None:
        hl = prov.highlight
        out.append("")
        out.append(f"* outlined: {hl.field} on page {hl.page} of {hl.source_file}")
    return "\n".join(out)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_source(prov: Provenance, raw_dir: Path) -> Path:
    """The file under `raw_dir` holding these exact bytes: under a name the document was seen
    with, else any file of the same size and hash (a copy renamed since the last run)."""
    first = [prov.highlight.source_file] if prov.highlight else []
    names = list(dict.fromkeys(first + [v.source_file for v in prov.values]))
    names += [n for n, _ in prov.file_names if n not in names]
    changed: list[str] = []
    for name in names:
        path = raw_dir / name
        if not path.is_file():
            continue
        if sha256_of(path) == prov.document_sha256:
            return path
        changed.append(name)
    if prov.file_size is not None and raw_dir.is_dir():
        for path in sorted(raw_dir.rglob("*")):
            if (
                path.is_file()
                and path.stat().st_size == prov.file_size
                and sha256_of(path) == prov.document_sha256
            ):
                return path
    if changed:
        raise ShowError(
            f"{', '.join(changed)} under {raw_dir} no longer has the bytes the warehouse was "
            f"built from (sha256 {prov.document_sha256[:12]}…); run `perfbudget run` again"
        )
    raise ShowError(
        f"the source file ({', '.join(names)}, sha256 {prov.document_sha256[:12]}…) is not "
        f"under {raw_dir}; pass the raw folder with --raw"
    )


def render_page(path: Path, page: int, dpi: int = RENDER_DPI) -> Image:
    """The page as an RGB image: a PDF page rendered at `dpi`, an image file's frame as is."""
    import PIL.Image

    if path.suffix.lower() in IMAGE_SUFFIXES:
        with PIL.Image.open(path) as im:
            im.seek(page - 1)
            return im.convert("RGB")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pdf_page = pdf[page - 1]
        try:
            return pdf_page.render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            pdf_page.close()
    finally:
        pdf.close()


def _scale(
    prov: Provenance, image_size: tuple[int, int], dpi: int, is_image: bool
) -> tuple[float, float]:
    """Image pixels per bbox unit: the rendered size over the page size the bboxes were taken in."""
    page = prov.page
    if page is not None and page.width and page.height:
        return image_size[0] / page.width, image_size[1] / page.height
    unit = 1.0 if (is_image or (page and page.bbox_unit == "px")) else dpi / 72
    return unit, unit


def render_crop(prov: Provenance, raw_dir: Path, out_dir: Path, name: str) -> Crop:
    """Write a PNG of the page around the highlighted value, outlined in red; the row's other
    values on the page are outlined thinly in blue for context."""
    from PIL import ImageDraw
    from PIL.PngImagePlugin import PngInfo

    hl = prov.highlight
    if hl is None or hl.bbox is None:
        raise ShowError(f"{prov.kind} {prov.key} has no located value to outline")
    source = find_source(prov, raw_dir)
    is_image = source.suffix.lower() in IMAGE_SUFFIXES
    image = render_page(source, hl.page)
    sx, sy = _scale(prov, image.size, RENDER_DPI, is_image)

    def px(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy

    same_page = [v for v in prov.values if v.page == hl.page and v.bbox is not None]
    boxes = [px(v.bbox) for v in same_page if v.bbox is not None]
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    if prov.table_x is not None:  # the whole table's width: the row's labels are context too
        left, right = min(left, prov.table_x[0] * sx), max(right, prov.table_x[1] * sx)
    mx, my = max(24, round(0.04 * image.width)), max(40, round(0.06 * image.height))
    crop = (
        max(0, int(left - mx)),
        max(0, int(min(b[1] for b in boxes) - my)),
        min(image.width, int(right + mx + 1)),
        min(image.height, int(max(b[3] for b in boxes) + my + 1)),
    )
    image = image.crop(crop)
    draw = ImageDraw.Draw(image)
    pad = 3  # outside the ruled cell border, so the line stays visible next to it

    def rect(b: tuple[float, float, float, float], grow: int) -> tuple[int, int, int, int]:
        return (
            round(b[0]) - crop[0] - grow,
            round(b[1]) - crop[1] - grow,
            round(b[2]) - crop[0] + grow,
            round(b[3]) - crop[1] + grow,
        )

    for v, b in zip(same_page, boxes, strict=True):
        if v is not hl:
            draw.rectangle(rect(b, -2), outline=CONTEXT, width=2)  # inside its own cell
    outline = rect(px(hl.bbox), pad)
    draw.rectangle(outline, outline=OUTLINE, width=3)
    meta = PngInfo()
    meta.add_text("perfbudget:id", prov.key)
    meta.add_text("perfbudget:document_sha256", prov.document_sha256)
    meta.add_text("perfbudget:source_file", hl.source_file)
    meta.add_text("perfbudget:page", str(hl.page))
    meta.add_text("perfbudget:bbox", f"{_fmt_bbox(hl)} {prov.page.bbox_unit if prov.page else ''}")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}_p{hl.page}.png"
    image.save(path, pnginfo=meta)
    return Crop(path=path, outline=outline, scale=(sx, sy), origin=crop[:2], source=source)


def show(
    warehouse: Path, key: str, raw_dir: Path, out_dir: Path, year: int | None = None
) -> tuple[str, list[Crop], list[str]]:
    """The printed provenance of `key`, the crops written, and why any crop could not be."""
    found = lookup(warehouse, key, year)
    if not found:
        raise ShowError(
            f"no indicator or project with id {key!r}"
            + (f" in {year}" if year is not None else "")
            + " (ids are fct_indicator.indicator_id and dim_project.project_id)"
        )
    texts, crops, problems = [], [], []
    for prov in found:
        text = describe(prov)
        name = prov.key if len(found) == 1 else f"{prov.key}_{prov.year}"
        try:
            crop = render_crop(prov, raw_dir, out_dir, name)
        except ShowError as exc:
            problems.append(str(exc))
            text += f"\nno picture: {exc}"
        else:
            crops.append(crop)
            known = {raw_dir / v.source_file for v in prov.values}
            if crop.source not in known:
                text += f"\nread from {crop.source} (same sha256)"
            text += f"\npicture: {crop.path}"
        texts.append(text)
    return "\n\n".join(texts), crops, problems
