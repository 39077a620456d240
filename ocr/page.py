"""Scanned page image → `PageGrid`, the same shape a text-layer page yields.

The page is normalised (`ocr.preprocess`) and its ruled tables recovered (`ocr.grid`). Where a
grid is recovered each cell is read from its own ink (`read_cells`): its text lines are cut by
blank rows, blank cells cost nothing, and each line crop goes to the recogniser, all of a page
in one call — a number is never glued to its neighbour across a rule, and no page-wide text
detection runs over the tables. The text around the grids (title, 单位 line) is found by text
detection on the bands that hold it. A page without a grid is read once as a whole and its lines
flagged for review; `OcrOptions(read_cells=False)` reads every page that way (each recognised
line goes to the cell holding its centre, a line that runs across a rule is split there).

Measured on 8 dev scan/image pages: 4.8 → 3.9 CPU-s per page (detection only on the bands
outside the grids), page worker peak 600 → 300 MB (recognition batches capped by width), cells
equal to the page-wide reading but for punctuation width and spaces that scorers fold.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from flows.forms.spec import (
    AMOUNT_UNIT_DIVISORS,
    MEASURE_UNITS,
    NUMBER_UNITS,
    RATE_UNITS,
    UNIT_QUALIFIERS,
)
from flows.models import Cell, CellLine, PageGrid, PageStatus, Table, TextLine, join_wrapped
from flows.text import is_han, is_latin
from ocr import MAX_PIXELS
from ocr.cellink import (
    SPECK_AREA,
    cell_inset,
    cell_lines,
    ink_bands,
    ink_components,
    print_darkness_cut,
)
from ocr.engines import (
    CropReading,
    OcrChar,
    OcrEngine,
    OcrLine,
    OcrOptions,
    Quad,
    Readings,
    get_engine,
)
from ocr.glyphs import CLEAR_INSETS, faint_glyph_box, keep_cut_ink, level_stroke_pair
from ocr.grid import GridCell, GridTable, ruled_regions, tables_of
from ocr.labelblocks import label_blocks
from ocr.memo import memoised
from ocr.preprocess import (
    INK_THRESHOLD,
    Prepared,
    binarize,
    find_faint_seals,
    find_seals,
    line_masks,
    prepare,
    stretch_faint,
    to_bgr,
)
from ocr.sealprint import reread_under_seals
from ocr.sealtext import FAINT_RING_CHARS, Seal, drop_seal_lines, glyphs_kept

_ENGINE_CACHE: dict[str, OcrEngine] = {}


# --------------------------------------------------------------------------- loading


def rasterize_pdf_page(pdf_path: str | Path, page_index: int, dpi: int = 200) -> np.ndarray:
    """One PDF page (0-based) rendered to a BGR uint8 image at `dpi` (pypdfium2).

    pdfium renders BGR(x) itself: its buffer is copied once as it is, not through PIL's RGB
    and back (the same pixels; on 35 dev scan pages 1.56 -> 1.12 CPU-s in all, two page-sized
    copies fewer)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        page = doc[page_index]
        w, h = page.get_size()
        if (w * dpi / 72) * (h * dpi / 72) > MAX_PIXELS:
            raise ValueError(
                f"page {page_index + 1} of {pdf_path} would rasterise to more than "
                f"{MAX_PIXELS:,} pixels at {dpi} dpi"
            )
        pixels = page.render(scale=dpi / 72).to_numpy()
        if pixels.ndim == 2 or pixels.shape[2] == 1:
            return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
        if pixels.shape[2] == 4:
            return cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
        return pixels.copy()  # the bitmap's own buffer goes with it
    finally:
        doc.close()


def load_image_pages(path: str | Path) -> list[np.ndarray]:
    """All pages of a PNG/JPEG/TIFF (multi-page TIFF included) as BGR uint8 images.

    Images above ~100 Mpx are refused with ValueError (decompression bombs)."""
    import warnings

    from PIL import Image

    pages: list[np.ndarray] = []
    try:
        with warnings.catch_warnings():
            # PIL warns above its own limit (~89 Mpx) and fails at twice that; we decide here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(str(path))
        with im:
            n = getattr(im, "n_frames", 1)
            for i in range(n):
                im.seek(i)
                if im.width * im.height > MAX_PIXELS:
                    raise ValueError(
                        f"{path} frame {i + 1} has {im.width * im.height:,} pixels, more than the "
                        f"{MAX_PIXELS:,} allowed (decompression bomb?)"
                    )
                rgb = np.asarray(im.convert("RGB"))
                pages.append(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    except Image.DecompressionBombError as exc:
        raise ValueError(f"{path}: too many pixels, refused (decompression bomb): {exc}") from exc
    return pages


# --------------------------------------------------------------------------- text clean-up

_SAFE_MAP = str.maketrans(
    {
        "％": "%",
        "＞": ">",
        "＜": "<",
        "＝": "=",
        "≧": "≥",
        "≦": "≤",
        "﹪": "%",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)
_PAIRS = {"(": ")", "（": "）"}
_PERMILLE = re.compile(r"(?:(?<=\d)|^)%0(?!\d)")
# a decimal point read as a comma: a number's last comma group of one or two digits groups no
# thousands (`11,53` for 11.53, `1,234,56` for 1,234.56); only before a unit (where one of the
# forms' `NUMBER_UNITS` begins: 万 of 万元 also begins 万人, 万亩, amounts too), a space or the
# end, so a list printed with ASCII commas (`第1,2季度`) stays
_UNIT_BEGINS = re.escape("".join(sorted({unit[0] for unit in NUMBER_UNITS})))
_DECIMAL_COMMA = re.compile(
    rf"(?<![\d,.])(\d{{1,3}}(?:,\d{{3}})*|\d+),(\d{{1,2}})(?=[{_UNIT_BEGINS}]|\s|$)"
)
# full-width punctuation carries its own spacing: a space next to it is a recogniser artefact
_FW_SPACE = re.compile(r"\s*([（）：，、。；！？])\s*")
# a comparator or a percent sign carries no space of its own: a full-width ＞ or ％ printed
# with its side bearings comes back "> 90 %" from a crop read alone
_SIGN_SPACE = re.compile(
    rf"(?<=[<>=≤≥])\s+(?=[\d.])|(?<=[\d.])\s+(?=[{re.escape(''.join(RATE_UNITS))}])"
)


def normalise_text(text: str) -> str:
    """Fix only unambiguous OCR variants: full-width %, <, >, = and digits; ≧/≦ → ≥/≤; "5%0" → "5‰"
    and a lone "%0" (a 度量单位 cell) → "‰"; a bracket pair read half in full-width and half in
    ASCII gets the opener's width; no space next to full-width punctuation; a decimal point read
    as a comma (`11,53`, `_DECIMAL_COMMA`) is a point. Full stops read from
    specks are `drop_stray_stops`' (a cell's lines together). ≥/≤ in a line need no fix:
    PP-OCRv6 reads them right; alone in a cell see `read_upright_glyphs`."""
    text = _FW_SPACE.sub(r"\1", text.translate(_SAFE_MAP)).strip()
    text = _SIGN_SPACE.sub("", text)
    # PP-OCR reads ‰ as "%0" on noisy scans; "%0" not followed by a digit is never a real value
    text = _PERMILLE.sub("‰", text)
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    out = list(text)
    stack: list[str] = []
    for i, ch in enumerate(out):
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in (")", "）") and stack:
            out[i] = _PAIRS[stack.pop()]
    return "".join(out)


def drop_stray_stops(texts: list[str]) -> list[str]:
    """A cell's lines (or the parts of one line), in reading order, without the full stops OCR
    read from specks of scan noise beside the text.

    A printed `.` in these forms follows a digit (or a Latin letter: No.): a decimal point or a
    date's (0.62, 2024.01; a number wrapped after its point: `2020.` | `12`, or before it:
    `2020` | `.12`) or a list number's stop (`1.按计划`). A speck lies wherever the noise fell
    and is read `.` at the start of a cell (`.6亩`, `.92`, `.项目完成时间`) or after
    full-width punctuation or a Han glyph (`指标6：.促进`): a `.` there is dropped. Decided by
    the text before it, not the speck's ink: on 40 dev photos of self-evaluations two of five
    specks sat on the baseline a glyph's spacing from a digit, where a printed point sits, and
    their ink was no darker or smaller than a printed point's (4 of the 5 values they made
    wrong are fixed here, 2 of them indicators lost from the join). A `.` closing a number
    (`91.`) stays: it may be a printed point whose faint decimals were lost (`47.` for 47.019),
    which the funds block's sum and the totals' arithmetic settle where they can; a second
    point after a number's decimals (`4.45.`) is a speck (`_second_point`). A comma
    standing apart between two numbers is a speck too (`_comma_between_numbers`)."""
    out: list[str] = []
    before = ""  # the cell's last character kept so far, across line breaks
    for text in texts:
        kept: list[str] = []
        after_stop = False  # the spaces around a dropped stop go with it (`服务 . 水平`)
        for i, ch in enumerate(text):
            prev = kept[-1] if kept else before
            if ch == "," and _comma_between_numbers(kept, text[i + 1 :]):
                after_stop = True  # the space before it stays: it parts the two numbers
                continue
            if ch == "." and _stop_before_unit(kept, text[i + 1 :]):
                continue
            if ch == "." and _second_point(kept, text[i + 1 :]):
                continue
            if ch == "." and not (prev.isascii() and (prev.isalnum() or prev == ".")):
                while kept and kept[-1].isspace():
                    kept.pop()
                after_stop = True
                continue
            if after_stop and ch.isspace():
                continue
            after_stop = False
            kept.append(ch)
        cleaned = "".join(kept).strip()
        before = cleaned[-1] if cleaned else before
        out.append(cleaned)
    return out


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# A unit the forms print after a number (`MEASURE_UNITS`, the rate signs, the funds units and
# 万 for 万元), with the qualifier that may follow it (`UNIT_QUALIFIERS`: 人次以上).
_UNIT_RE = re.compile(
    f"(?:{_alternation((*MEASURE_UNITS, *NUMBER_UNITS, *AMOUNT_UNIT_DIVISORS))})"
    f"(?:{_alternation(UNIT_QUALIFIERS)})?"
)


def _stop_before_unit(kept: list[str], rest: str) -> bool:
    """A `.` between a number and its unit (`=12661.人次`, `95.%`): a speck, since a number's
    printed point is followed by its decimals, and a list number's stop (`1.按计划完成`) by a
    sentence, never by a unit alone. What follows the stop (a space a recogniser kept aside)
    up to a space or the line's end is a unit when it spells one of the form description's
    units with its qualifier, if any (`_UNIT_RE`: `flows.forms.spec.MEASURE_UNITS`); a `.`
    ending the line stays (`47.`: decimals lost, see `drop_stray_stops`).
    Dev 2000–2119: a speck after the last digit lost a target to `=12661.人次`."""
    left = "".join(kept)
    unit = next(iter(rest.split(maxsplit=1)), "")
    return left[-1:].isdigit() and _UNIT_RE.fullmatch(unit) is not None


# a number that already holds its decimal point (`4.45`), at the end of what was kept
_POINTED_NUMBER = re.compile(r"\d\.\d+$")


def _second_point(kept: list[str], rest: str) -> bool:
    """A `.` closing a number that already holds its decimal point (`4.45.`, `139.47..`): a
    speck, since a printed number has one point, and a date's (`2024.01`) or a list number's
    stop (`1.按计划`) is followed by digits or text, never by a space or the line's end. Only
    where nothing but more such stops, a space or the line's end follows (`3.5.按` stays).
    Unlike `47.` (a point whose faint decimals were lost, kept for the sums to settle), no
    digit can be missing after it. Dev lg_7544 photo: the 全年执行数 `4.45.`, one of three
    values in a cell that lost its column rules, was no amount, and the execution block lost
    it (a cell printing several values is never cut at a mark by the reader)."""
    return (
        _POINTED_NUMBER.search("".join(kept)) is not None
        and re.match(r"\.*(\s|$)", rest) is not None
    )


def _comma_between_numbers(kept: list[str], rest: str) -> bool:
    """A `,` standing apart between two numbers (`100 , 90.52`): a speck, since a printed comma
    between digits groups thousands and is never spaced (`1,234`), and the full-width comma of
    text is not read between numbers. Dev lg_7544: a 总分 cell read `100 , 90.52` was refused
    as not printing one number for each of 分值 and 得分."""
    left = "".join(kept)
    right = rest.lstrip()
    return (
        left.endswith(" ")
        and left.rstrip()[-1:].isdigit()
        and rest[:1].isspace()
        and right[:1].isdigit()
    )


def printed_texts(texts: list[str]) -> list[str]:
    """A cell's (or one line's) readings as printed: each `normalise_text`-ed, then the full
    stops read from specks dropped across them (`drop_stray_stops`). Every OCR reading that
    becomes a cell's text, a line or a ranked reading goes through here."""
    return drop_stray_stops([normalise_text(t) for t in texts])


# --------------------------------------------------------------------------- spaces


def _estimate_chars(line: OcrLine) -> tuple[OcrChar, ...]:
    """Character boxes by advance width (CJK 1, other 0.5) for engines that give none."""
    x0, y0, x1, y1 = line.bbox
    units = [1.0 if not ch.isascii() else 0.5 for ch in line.text]
    scale = (x1 - x0) / max(sum(units), 1e-6)
    out, x = [], x0
    for ch, u in zip(line.text, units, strict=False):
        out.append(OcrChar(ch, (x, y0, x + u * scale, y1)))
        x += u * scale
    return tuple(out)


def restore_spaces(line: OcrLine, gray: np.ndarray, min_gap: float = 0.3) -> OcrLine:
    """Put back the space printed between a number and a CJK unit ("5 次", "1 年", "附件 2").

    Recognisers drop such spaces; the printed gap is still in the ink. A blank column run at
    least `min_gap` × the line's ink height, at a digit/letter↔CJK boundary, is a space (normal
    letter spacing there measures ≤ 0.15, a printed space ≥ 0.35 on the demo form)."""
    text = line.text
    if len(text) < 2:
        return line
    if not line.chars or "".join(c.text for c in line.chars) != text:
        line = replace(line, chars=_estimate_chars(line))
    cand = [
        i
        for i in range(len(text) - 1)
        if (is_latin(text[i]) and is_han(text[i + 1]))
        or (is_han(text[i]) and is_latin(text[i + 1]))
    ]
    if not cand:
        return line
    x0, y0, x1, y1 = (int(round(v)) for v in line.bbox)
    crop = gray[max(0, y0) : y1, max(0, x0) : x1] < 140
    if crop.size == 0:
        return line
    # drop ruled lines caught in the box: rows/columns that are almost all ink
    crop = crop[crop.mean(axis=1) < 0.7]
    if crop.size == 0:
        return line
    rule_cols = crop.mean(axis=0) >= 0.7  # a vertical rule is no gap (and keeps x indices)
    rows = np.flatnonzero(crop.any(axis=1))
    if len(rows) == 0:
        return line
    ink_h = rows[-1] - rows[0] + 1
    inked = np.flatnonzero(crop.any(axis=0) | rule_cols)
    if len(inked) < 2:
        return line
    # blank column runs strictly between ink: (start, end) in crop x
    steps = np.diff(inked)
    gaps = [(int(inked[i]) + 1, int(inked[i + 1])) for i in np.flatnonzero(steps > 1)]
    out = list(text)
    for i in reversed(cand):
        a, b = line.chars[i].bbox, line.chars[i + 1].bbox
        boundary = (a[2] + b[0]) / 2 - max(0, x0)
        # CTC character boxes are coarse: search a char width either side of the boundary
        half = 1.0 * min(a[2] - a[0], b[2] - b[0])
        near = [g1 - g0 for g0, g1 in gaps if g1 > boundary - half and g0 < boundary + half]
        if near and max(near) >= min_gap * ink_h:
            out.insert(i + 1, " ")
    return OcrLine("".join(out), line.quad, line.confidence, ())


# --------------------------------------------------------------------------- assignment


@dataclass
class _Frag:
    text: str
    bbox: tuple[float, float, float, float]
    conf: float
    readings: Readings = ()


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _split_line(
    line: OcrLine,
    table: GridTable,
    image: np.ndarray | None = None,
    engine: OcrEngine | None = None,
) -> list[_Frag] | None:
    """If `line` runs over a vertical rule of `table` (text set tight against a rule gets one
    detection box for two cells), its parts per column; None when it crosses no rule.

    With the page image and engine at hand each part is re-read from its own crop (the rule
    excluded): CTC character positions are too coarse to cut reliably at a rule."""
    x0, y0, x1, y1 = line.bbox
    h = y1 - y0
    cy = (y0 + y1) / 2
    # only real cell borders on this line's row (a merged cell has no inner rule)
    borders = {c.bbox[2] for c in table.cells if c.bbox[1] <= cy < c.bbox[3]}
    cuts = sorted(x for x in borders if x0 + 0.5 * h < x < x1 - 0.5 * h)
    if not cuts:
        return None
    bounds = [x0, *cuts, x1]
    spans = list(zip(bounds, bounds[1:], strict=False))
    if image is not None and engine is not None:
        pad = max(3, int(h * 0.1))
        crops, kept = [], []
        for a, b in spans:
            xa = int(a) + (pad if a in cuts else 0)
            xb = int(b) - (pad if b in cuts else 0)
            crop = image[max(0, int(y0)) : int(y1) + 1, max(0, xa) : max(0, xb)]
            if crop.shape[0] > 4 and crop.shape[1] > 4:
                crops.append(np.ascontiguousarray(crop))
                kept.append((a, b))
        parts = [
            _Frag(t, (a, y0, b, y1), min(c, line.confidence))
            for (a, b), (t, c) in zip(kept, engine.read_crops(crops), strict=False)
            if t.strip()
        ]
        return parts or None
    parts = []
    if line.chars and "".join(c.text for c in line.chars) == line.text:
        for a, b in spans:
            txt = "".join(c.text for c in line.chars if a <= (c.bbox[0] + c.bbox[2]) / 2 < b)
            if txt:
                parts.append(_Frag(txt, (a, y0, b, y1), line.confidence))
    else:
        n = len(line.text)
        for a, b in spans:
            i0 = round((a - x0) / (x1 - x0) * n)
            i1 = round((b - x0) / (x1 - x0) * n)
            if line.text[i0:i1]:
                parts.append(_Frag(line.text[i0:i1], (a, y0, b, y1), line.confidence))
    return parts or None


def _cell_of(table: GridTable, x: float, y: float) -> int | None:
    for i, c in enumerate(table.cells):
        bx0, by0, bx1, by1 = c.bbox
        if bx0 <= x < bx1 and by0 <= y < by1:
            return i
    return None


def _reading_order(frags: list[_Frag]) -> list[_Frag]:
    """Top→bottom by visual line (vertical overlap), then left→right within a line."""
    frags = sorted(frags, key=lambda f: (f.bbox[1] + f.bbox[3]) / 2)
    lines: list[list[_Frag]] = []
    for f in frags:
        if lines:
            last = lines[-1]
            ly0 = min(g.bbox[1] for g in last)
            ly1 = max(g.bbox[3] for g in last)
            h = min(f.bbox[3] - f.bbox[1], ly1 - ly0)
            if _overlap(f.bbox[1], f.bbox[3], ly0, ly1) > 0.5 * h:
                last.append(f)
                continue
        lines.append([f])
    return [f for ln in lines for f in sorted(ln, key=lambda g: g.bbox[0])]


def _text_lines(frags: Iterable[_Frag]) -> list[TextLine]:
    """Free text in reading order; fragments on one visual line are joined."""
    ordered = _reading_order(list(frags))
    out: list[TextLine] = []
    group: list[_Frag] = []

    def flush() -> None:
        if group:
            box = (
                min(g.bbox[0] for g in group),
                min(g.bbox[1] for g in group),
                max(g.bbox[2] for g in group),
                max(g.bbox[3] for g in group),
            )
            text = " ".join(g.text for g in group)
            text = printed_texts([text])[0]
            if text:  # not a speck alone
                out.append(TextLine(text, box, min(g.conf for g in group)))
            group.clear()

    for f in ordered:
        if group:
            prev = group[-1]
            h = min(f.bbox[3] - f.bbox[1], prev.bbox[3] - prev.bbox[1])
            same = _overlap(f.bbox[1], f.bbox[3], prev.bbox[1], prev.bbox[3]) > 0.5 * h
            if not same:
                flush()
        group.append(f)
    flush()
    return out


def _cell_of_frags(g: GridCell, frags: list[_Frag], parts: list[_Frag] | None = None) -> Cell:
    """A grid cell with its text fragments in reading order: wrapped lines joined, confidence
    the lowest of its fragments'. Its `lines` are `parts` where given: each crop read on its
    own keeps its own box, so a line parted at a lost rule stays two lines either side of it
    (`flows.forms.celllines` cuts the cell there). Full stops read from specks are dropped
    (`drop_stray_stops`), and a line left with no text with them."""
    frag_texts = printed_texts([f.text for f in frags])
    text = normalise_text(join_wrapped(frag_texts))
    conf = min((f.conf for f in frags), default=1.0)
    bbox = tuple(float(v) for v in g.bbox)
    readings = cell_readings(frags[0].readings) if len(frags) == 1 else ()
    kept, kept_texts = (
        (frags, frag_texts) if parts is None else (parts, printed_texts([f.text for f in parts]))
    )
    lines = tuple(
        _cell_line(t, f.bbox, f.conf)
        for t, f in zip(kept_texts, kept, strict=True)
        if t or not f.text
    )
    return Cell(
        g.row, g.col, text, bbox, g.rowspan, g.colspan, round(float(conf), 4), readings, lines
    )


def _cell_line(text: str, bbox: Iterable[float], confidence: float) -> CellLine:
    """An OCR line as the cell model keeps it: its text, page box and confidence."""
    return CellLine(text, tuple(float(v) for v in bbox), round(float(confidence), 4))


def cell_readings(readings: Readings, n: int = 5) -> Readings:
    """A one-line cell's ranked readings as its text is printed (`normalise_text`: ＞ and > are
    one reading, their probabilities added), most probable first."""
    merged: dict[str, float] = {}
    for text, prob in readings:
        key = printed_texts([text])[0]
        merged[key] = merged.get(key, 0.0) + prob
    ranked = sorted(merged.items(), key=lambda kv: -kv[1])[:n]
    return tuple((t, round(pr, 6)) for t, pr in ranked)


def merge_readings(per_crop: list[Readings], n: int = 5) -> Readings:
    """One glyph read from several crops: each reading's probability averaged over the crops
    (0 where a crop did not rank it), most probable first. The crops are views of one glyph,
    so their readings are pooled as probabilities, not counted as votes."""
    total: dict[str, float] = {}
    for readings in per_crop:
        for text, prob in readings:
            total[text] = total.get(text, 0.0) + prob / len(per_crop)
    ranked = sorted(total.items(), key=lambda kv: -kv[1])[:n]
    return tuple((t, round(pr, 6)) for t, pr in ranked)


def assign_lines(
    tables: list[GridTable],
    lines: list[OcrLine],
    extractor: str,
    image: np.ndarray | None = None,
    engine: OcrEngine | None = None,
) -> tuple[list[Table], list[TextLine]]:
    """Put OCR lines into cells (or free text) and build the `Table`s; `image`/`engine` let
    lines that cross a rule be re-read per cell."""
    per_cell: list[dict[int, list[_Frag]]] = [{} for _ in tables]
    free: list[_Frag] = []
    for line in lines:
        cx, cy = line.centre
        placed = False
        for ti, t in enumerate(tables):
            tx0, ty0, tx1, ty1 = t.bbox
            if not (tx0 <= cx < tx1 and ty0 <= cy < ty1):
                continue
            parts = _split_line(line, t, image, engine)
            if parts is None:
                parts = [_Frag(line.text, line.bbox, line.confidence)]
            for frag in parts:
                fx = (frag.bbox[0] + frag.bbox[2]) / 2
                ci = _cell_of(t, fx, cy)
                if ci is None:  # on a rule: nearest cell centre
                    ci = min(range(len(t.cells)), key=lambda i: _dist(t.cells[i].bbox, fx, cy))
                per_cell[ti].setdefault(ci, []).append(frag)
            placed = True
            break
        if not placed:
            free.append(_Frag(line.text, line.bbox, line.confidence))
    out_tables = []
    for ti, t in enumerate(tables):
        cells = []
        for ci, g in enumerate(t.cells):
            cells.append(_cell_of_frags(g, _reading_order(per_cell[ti].get(ci, []))))
        out_tables.append(
            Table(t.n_rows, t.n_cols, cells, tuple(float(v) for v in t.bbox), extractor)
        )
    return out_tables, _text_lines(free)


def _dist(b: tuple[float, float, float, float], x: float, y: float) -> float:
    return abs((b[0] + b[2]) / 2 - x) + abs((b[1] + b[3]) / 2 - y)


# --------------------------------------------------------------------------- entry point


# PP-OCR turns every detected box at least this much taller than wide by 90° before reading it
# (it takes such a box for a vertical text line). On an upright page a tall box no taller than a
# text line is one glyph standing alone — a comparator in its 指标性质 cell — and read turned it
# comes back as its rotation: ≥ → "AI", ≤ → "VI", < → "V", > → "Λ".
TALL_BOX = 1.5


def _turned_by_ppocr(quad: Quad) -> bool:
    """PP-OCR's own test (rapidocr `get_rotate_crop_image`): the box's sides measured along the
    quadrilateral, turned when height ≥ TALL_BOX × width."""
    p = np.asarray(quad, dtype=float)
    width = max(np.linalg.norm(p[0] - p[1]), np.linalg.norm(p[2] - p[3]))
    height = max(np.linalg.norm(p[0] - p[3]), np.linalg.norm(p[1] - p[2]))
    return bool(height >= TALL_BOX * max(width, 1.0))


def _paper_edge(band: np.ndarray, x: int, step: int, reach: int) -> int:
    """Where to cut a horizontal band beside column `x`, going in direction `step`: past the
    glyph's own ink that runs over the box edge, then over paper for at most `reach` px, never
    into the next ink (a rule, a neighbour's text)."""
    w = band.shape[1]
    inked = (band < 128).any(axis=0)
    col, paper = x, 0
    while 0 <= col + step < w and abs(col - x) < 2 * reach and paper < reach:
        nxt = col + step
        if inked[nxt]:
            if paper:  # ink again after paper: a rule or a neighbour
                break
        else:
            paper += 1
        col = nxt
    return col + 1 if step > 0 else col


def read_upright_glyphs(lines: list[OcrLine], gray: np.ndarray, engine: OcrEngine) -> list[OcrLine]:
    """Re-read, as it stands, every box PP-OCR turned that is no taller than 1.5 text lines (the
    page is upright after `prepare`, so reading it turned is wrong by construction).

    A lone glyph read alone is fragile: squeezed to the crop's edges ≤ reads "V", small in a
    line-high box > reads "二". So each is read from three crops — the box, and its ink with
    0.3 and 0.6 of the ink's height of paper above and below, all with up to a glyph's width of
    paper either side — and the text with the highest summed confidence wins."""
    heights = [ln.bbox[3] - ln.bbox[1] for ln in lines if not _turned_by_ppocr(ln.quad)]
    if not heights:
        return lines
    line_h = float(np.median(heights))
    glyphs = [
        i
        for i, ln in enumerate(lines)
        if _turned_by_ppocr(ln.quad) and ln.bbox[3] - ln.bbox[1] <= 1.5 * line_h
    ]
    if not glyphs:
        return lines
    h, w = gray.shape
    crops: list[np.ndarray] = []
    owner: list[int] = []
    for i in glyphs:
        x0, y0, x1, y1 = (int(round(v)) for v in lines[i].bbox)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        ink_rows = np.flatnonzero((gray[y0:y1, x0:x1] < 128).any(axis=1))
        if x1 - x0 < 2 or not ink_rows.size:
            continue
        inner = gray[y0 + (y1 - y0) // 8 : y1 - (y1 - y0) // 8]  # clear of the row's rules
        xa = _paper_edge(inner, x0, -1, x1 - x0)
        xb = _paper_edge(inner, x1, +1, x1 - x0)
        iy0, iy1 = y0 + int(ink_rows[0]), y0 + int(ink_rows[-1]) + 1
        ih = iy1 - iy0
        box_pad = int(0.15 * (y1 - y0))
        for ya, yb in (
            (y0 - box_pad, y1 + box_pad),
            (iy0 - int(0.3 * ih), iy1 + int(0.3 * ih)),
            (iy0 - int(0.6 * ih), iy1 + int(0.6 * ih)),
        ):
            crop = gray[max(0, ya) : min(h, yb), xa:xb]
            crops.append(to_bgr(np.ascontiguousarray(crop)))
            owner.append(i)
    votes: dict[int, dict[str, list[float]]] = {}
    for i, (text, conf) in zip(owner, engine.read_crops(crops), strict=False):
        if text.strip():
            votes.setdefault(i, {}).setdefault(text.strip(), []).append(conf)
    out = list(lines)
    for i, readings in votes.items():
        text, confs = max(readings.items(), key=lambda kv: sum(kv[1]))
        out[i] = OcrLine(text, lines[i].quad, max(confs), ())
    return out


def reread_low_confidence(
    lines: list[OcrLine], gray: np.ndarray, engine: OcrEngine, threshold: float
) -> list[OcrLine]:
    """Re-read lines below `threshold` from a padded crop of their own (a tight detection box
    clips strokes; seal/noise residue shifts the batch padding) and keep the surer reading."""
    low = [i for i, ln in enumerate(lines) if ln.confidence < threshold]
    if not low:
        return lines
    h, w = gray.shape
    crops = []
    for i in low:
        x0, y0, x1, y1 = lines[i].bbox
        pad = 0.15 * (y1 - y0)
        crop = gray[
            max(0, int(y0 - pad)) : min(h, int(y1 + pad)),
            max(0, int(x0 - pad)) : min(w, int(x1 + pad)),
        ]
        crops.append(to_bgr(np.ascontiguousarray(crop)))
    out = list(lines)
    for i, (text, conf) in zip(low, engine.read_crops(crops), strict=False):
        if text.strip() and conf > lines[i].confidence:
            out[i] = OcrLine(text, lines[i].quad, conf, ())
    return out


def ink_box(
    gray: np.ndarray, bbox: tuple[float, float, float, float], inset: int
) -> tuple[int, int, int, int] | None:
    """The bounding box (page px) of the ink inside a cell, rules excluded, when it holds a
    character's worth: at least a dozen dark pixels forming a glyph taller than a speck.

    Strokes are grouped into glyphs by horizontal overlap before their height is judged: the
    two bars of a lone `=` are each flatter than a speck, and ≥'s bar lies under its chevron —
    judged stroke by stroke, `=` was never re-read and ≥ was cropped without its bar (read ">").
    Two strokes stacked one over the other are a glyph whatever their height."""
    x0, y0, x1, y1 = (int(round(v)) for v in bbox)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 6 or y1 - y0 < 6:
        return None
    ink = (gray[y0:y1, x0:x1] < 150).astype(np.uint8)
    if int(ink.sum()) < 12:
        return None
    cw, ch = x1 - x0, y1 - y0
    num, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    strokes = []
    for i in range(1, num):
        sx, sy, sw, sh, area = (int(v) for v in stats[i])
        if area < 4 or sw > 0.9 * cw or sh > 0.9 * ch:
            continue  # a speck, or a rule's residue spanning the cell
        at_edge = sx <= 0 or sy <= 0 or sx + sw >= cw or sy + sh >= ch
        if at_edge and min(sw, sh) <= 3:
            continue  # a stub of a crossing rule
        strokes.append((sx, sy, sx + sw, sy + sh))
    # glyphs: strokes overlapping horizontally
    glyphs: list[list[tuple[int, int, int, int]]] = []
    for st in sorted(strokes):
        if glyphs and st[0] < max(g[2] for g in glyphs[-1]):
            glyphs[-1].append(st)
        else:
            glyphs.append([st])
    keep = []
    for g in glyphs:
        top, bottom = min(s[1] for s in g), max(s[3] for s in g)
        stacked = len(g) >= 2 and any(a[3] <= b[1] for a in g for b in g)
        if bottom - top >= 0.25 * min(ch, 40) or stacked:
            keep.extend(g)
    if not keep:
        return None
    bx0 = min(k[0] for k in keep)
    by0 = min(k[1] for k in keep)
    bx1 = max(k[2] for k in keep)
    by1 = max(k[3] for k in keep)
    return x0 + bx0, y0 + by0, x0 + bx1, y0 + by1


def _blank_cell_crops(
    tables: list[Table],
    gray: np.ndarray,
    box_of: Callable[[Cell], tuple[int, int, int, int] | None],
    pad_of: Callable[[int], int],
    edge: int,
) -> tuple[list[tuple[int, int, tuple[int, int, int, int]]], list[np.ndarray]]:
    """The blank cells whose glyph `box_of` finds (page box), each with its crop: the box
    padded by `pad_of` its height, never nearer the cell's rectangle than `edge` px."""
    jobs: list[tuple[int, int, tuple[int, int, int, int]]] = []
    crops: list[np.ndarray] = []
    for ti, t in enumerate(tables):
        for ci, c in enumerate(t.cells):
            if c.text:
                continue
            box = box_of(c)
            if box is None:
                continue
            bx0, by0, bx1, by1 = box
            pad = pad_of(by1 - by0)
            cx0, cy0, cx1, cy1 = (int(round(v)) for v in c.bbox)
            crop = gray[
                max(cy0 + edge, by0 - pad) : min(cy1 - edge, by1 + pad),
                max(cx0 + edge, bx0 - pad) : min(cx1 - edge, bx1 + pad),
            ]
            if crop.size:
                jobs.append((ti, ci, box))
                crops.append(to_bgr(np.ascontiguousarray(crop)))
    return jobs, crops


def reread_empty_cells(
    tables: list[Table], gray: np.ndarray, engine: OcrEngine, min_confidence: float = 0.5
) -> list[Table]:
    """Read cells that whole-page detection left empty but that show ink, from their own crop.

    Detection on the whole page misses a single short value alone in a large cell (`7`, `0`);
    the same crop read alone is right with confidence ≥ 0.99. All such crops go to the
    recogniser in one batch."""
    h, w = gray.shape
    inset = max(3, int(round(min(h, w) / 400)) + 2)
    jobs, crops = _blank_cell_crops(
        tables, gray, lambda c: ink_box(gray, c.bbox, inset), lambda h: max(4, int(0.3 * h)), 1
    )
    if not crops:
        return tables
    for (ti, ci, _), read in zip(jobs, engine.read_crops_ranked(crops), strict=False):
        text, conf = printed_texts([read.text])[0], read.confidence
        if text and conf >= min_confidence:
            old = tables[ti].cells[ci]
            tables[ti].cells[ci] = replace(
                old,
                text=text,
                confidence=round(float(conf), 4),
                readings=cell_readings(read.readings),
            )
    return tables


# A faint lone glyph's crop keeps its own height of paper on every side (inside the cell's
# rules): dev seeds 9525 and 8865, seven faint comparators, read right 3 of 7 with a short
# token's padding (0.35: `≥` read `V`, `≤` read `C`), 6 of 7 with 0.8 and 7 of 7 with 1.0.
FAINT_GLYPH_PAD = 1.0


# A faint lone glyph read as a number (digits, at most one point) at least this surely is the
# cell's value: a faded lone amount or target (dev5 lg_47303: `9`, `9`, `92` read at 0.97-0.9999
# from cells left blank). Below it, or read as anything else, its readings only ride on the cell.
FAINT_NUMBER_MIN = 0.9
FAINT_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def read_faint_cells(
    tables: list[Table], gray: np.ndarray, engine: OcrEngine, notes: list[str] | None = None
) -> list[Table]:
    """Cells still blank after every other reading whose faint print forms one glyph
    (`ocr.glyphs.faint_glyph_box`: a faded lone comparator or digit never as dark as the page's
    print leaves its cell without ink): that glyph's crop read, its ranked readings kept on the
    cell (`Cell.faint`). Its text stays blank, for the form reader to judge by the column's
    alphabet, unless it reads a number surely (`FAINT_NUMBER_MIN`): then that number is the
    cell's text, said in `notes` (the page's) naming the cell. All crops go to the recogniser
    in one batch."""
    inset = cell_inset(gray.shape)
    jobs, crops = _blank_cell_crops(
        tables,
        gray,
        lambda c: faint_glyph_box(gray, c.bbox, inset),
        lambda h: max(3, int(round(FAINT_GLYPH_PAD * h))),
        inset,
    )
    for (ti, ci, _), read in zip(jobs, engine.read_crops_ranked(crops), strict=True):
        readings = read.readings or ((read.text, read.confidence),)
        kept = tuple((t.strip(), round(float(p), 6)) for t, p in readings if t.strip())
        if not kept:
            continue
        cell = replace(tables[ti].cells[ci], faint=kept)
        number = read.text.strip()
        if FAINT_NUMBER.fullmatch(number) and read.confidence >= FAINT_NUMBER_MIN:
            cell = replace(
                cell, text=number, confidence=round(float(read.confidence), 4), readings=kept
            )
            if notes is not None:
                notes.append(
                    f"faint print in a cell left blank (table {ti + 1}, row {cell.row + 1}, "
                    f"column {cell.col + 1}) read '{number}' (p={read.confidence:.3f}): taken as "
                    "its value"
                )
        tables[ti].cells[ci] = cell
    return tables


def mark_level_pairs(tables: list[Table], gray: np.ndarray) -> list[Table]:
    """Cells read as one glyph whose ink, clear of the rules by `CLEAR_INSETS` insets, is two
    level strokes of one length (`ocr.glyphs.level_stroke_pair`) say so (`Cell.level_pair`): the
    recogniser reads a scanned `=` as 二 without ranking `=`, and only a column that may print
    `=` and not 二 can judge it (`flows.forms.rows`). The text and readings stay as read."""
    margin = CLEAR_INSETS * cell_inset(gray.shape)
    for table in tables:
        for i, cell in enumerate(table.cells):
            if len(cell.text.strip()) != 1 or not cell.readings:
                continue
            x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
            crop = gray[y0 + margin : y1 - margin, x0 + margin : x1 - margin]
            if crop.size and level_stroke_pair(crop):
                table.cells[i] = replace(cell, level_pair=True)
    return tables


# --------------------------------------------------------------------------- reading by cell


# A crop's paper above and below its ink, as a share of the ink's height (at least 0.6 text
# lines): a line of several glyphs reads best cut as PP-OCR's detector cuts one (~0.12-0.2);
# from a taller crop the recogniser dropped a wrapped line's leading comma. A short token (one
# to four glyphs, no wider than SHORT_TOKEN ink heights) keeps 0.35: cut tighter, a lone 150 dpi
# `≥` read `N`.
LINE_PAD = 0.2
TOKEN_PAD = 0.35
SHORT_TOKEN = 4.0
# A crop of faint print is stretched (`ocr.preprocess.stretch_faint`) only where its box is
# wider than this many ink heights (more than one glyph): a faded vertical label's lone 指,
# stretched, was read `s` (dev11 lg_102156).
LONE_GLYPH_WIDTH = 1.5


def _crop_line(
    gray: np.ndarray,
    box: tuple[int, int, int, int],
    cell: tuple[int, int, int, int],
    line_h: float,
) -> np.ndarray:
    """A line's crop as a detection box would cut it: its ink plus a little paper, never past
    the cell's own rules; a line of glyphs with less paper above and below than a short token
    (`LINE_PAD`, `TOKEN_PAD`). Faint print is handed on at the contrast of normal print
    (`ocr.preprocess.stretch_faint`: dev10 lg_92927's faded total `41.9`, read `11.9` as cut).
    A lone glyph's crop is not (`LONE_GLYPH_WIDTH`), nor a small glyph's (`_glyph_crops`)."""
    x0, y0, x1, y1 = box
    cx0, cy0, cx1, cy1 = cell
    h = max(y1 - y0, 0.6 * line_h)
    share = TOKEN_PAD if x1 - x0 <= SHORT_TOKEN * h else LINE_PAD
    pad_y = max(2, int(round(share * h)))
    pad_x = max(3, int(round(TOKEN_PAD * h)))
    # a glyph the box left out but the padding cut through is taken whole (`ocr.glyphs`)
    crop_x = (max(cx0, x0 - pad_x), min(cx1, x1 + pad_x))
    left, right = keep_cut_ink(gray, box, crop_x, (cx0, cx1), pad_x, int(round(line_h)))
    top, bottom = max(cy0, y0 - pad_y), min(cy1, y1 + pad_y)
    if bottom <= top or right <= left:
        # the cell's inner rectangle holds none of the line's rows or columns (a sliver cell
        # between two rules close together, its ink box beside it: dev7 lg_60799 p1, a box at
        # y 209-219 over a cell 226-236): crop the line's own ink with its padding, never an
        # empty crop (an empty one failed the whole page)
        h_page, w_page = gray.shape[:2]
        top, bottom = max(0, y0 - pad_y), min(h_page, y1 + pad_y)
        left, right = max(0, x0 - pad_x), min(w_page, x1 + pad_x)
    crop = to_bgr(np.ascontiguousarray(gray[top:bottom, left:right]))
    return stretch_faint(crop) if x1 - x0 > LONE_GLYPH_WIDTH * h else crop


def read_cells(
    tables: list[GridTable],
    gray: np.ndarray,
    ink: np.ndarray,
    engine: OcrEngine,
    min_confidence: float = 0.3,
    rules: tuple[np.ndarray, np.ndarray] | None = None,
    glyph_sure: float = 0.0,
    only: Collection[tuple[int, int]] | None = None,
) -> tuple[list[dict[int, list[OcrLine]]], int]:
    """Read every cell of recovered grids from its own ink, without page-wide text detection.

    Each cell's ink (rules and specks removed) is cut into text lines by its blank rows; each
    line's crop goes to the recogniser, all crops of the page in one call (the recogniser sorts
    them by width and batches neighbours). A cell with no ink is not read at all, and a number
    is never glued to its neighbour's across a rule because each cell is read alone. A cell
    whose ink does not fall into line-high bands (touching lines, a seal, a slanted photo row)
    is read by text detection on its own crop. `rules` (the page's horizontal and vertical
    rule masks) let a cell's ink tell what a broken rule left from text (`ocr.cellink`).
    A small lone glyph is read from its tight crop first; only where that reading is below
    `glyph_sure` (0: never sure) are its two line-high crops read and the three vote.
    `only` (table, cell) pairs: those cells' lines alone are wanted, every other cell comes
    back unread; their crops are still cut and batched among all the page's
    (`OcrEngine.read_crops_ranked`'s `wanted`), so each reads as in a reading of every cell.
    Returns the lines per cell (page pixels) and the number of crops recognised."""
    found, line_h = cell_lines(tables, gray, ink, rules)
    per_cell: list[dict[int, list[OcrLine]]] = [{} for _ in tables]
    crops: list[np.ndarray] = []
    owners: list[tuple[int, int, tuple[int, int, int, int]]] = []
    # a small glyph's line-high crops, read only when its tight crop is unsure: (its tight
    # crop's index in `crops`, the other crops)
    unsure_views: list[tuple[int, list[np.ndarray]]] = []
    for cl in found:
        ti, ci = cl.table, cl.cell
        if cl.tall:
            if only is not None and (ti, ci) not in only:
                continue  # read on its own: left out, nothing else moves
            cx0, cy0, cx1, cy1 = cl.bbox
            crop = to_bgr(np.ascontiguousarray(gray[cy0 + 1 : cy1 - 1, cx0 + 1 : cx1 - 1]))
            lines = [
                _shift(ln, cx0 + 1, cy0 + 1)
                for ln in read_upright_glyphs(engine.recognize(crop), crop[..., 0], engine)
                if ln.text.strip() and ln.confidence >= min_confidence
            ]
            if lines:
                per_cell[ti][ci] = lines
            continue
        for box in cl.boxes:
            if _small_glyph(box, line_h):
                tight, *views = _glyph_crops(gray, box, cl.inner, line_h)
                unsure_views.append((len(crops), views))
                crops.append(tight)
                owners.append((ti, ci, box))
            else:
                crops.append(_crop_line(gray, box, cl.inner, line_h))
                owners.append((ti, ci, box))
    # a small glyph's tight crop is always read: its confidence decides which line-high
    # crops the second call holds, and so that call's batches
    tight = {i for i, _ in unsure_views}
    reads = _read_wanted(engine, crops, owners, only, tight)
    more, more_owners = _unsure_glyph_views(unsure_views, owners, reads, glyph_sure)
    votes: dict[tuple[int, int, tuple[int, int, int, int]], dict[str, list[float]]] = {}
    ranked: dict[tuple[int, int, tuple[int, int, int, int]], list[Readings]] = {}
    more_reads = _read_wanted(engine, more, more_owners, only, set())
    read_all = zip(owners + more_owners, reads + more_reads, strict=False)
    for owner, read in read_all:
        ranked.setdefault(owner, []).append(read.readings)
        if read.text.strip() and read.confidence >= min_confidence:
            votes.setdefault(owner, {}).setdefault(read.text.strip(), []).append(read.confidence)
    for (ti, ci, box), readings in votes.items():
        # one reading per line; a small glyph read from three crops keeps the reading with
        # the highest summed confidence
        text, confs = max(readings.items(), key=lambda kv: sum(kv[1]))
        x0, y0, x1, y1 = (float(v) for v in box)
        quad: Quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        alts = merge_readings(ranked[(ti, ci, box)])
        per_cell[ti].setdefault(ci, []).append(OcrLine(text, quad, max(confs), (), alts))
    return per_cell, len(crops) + len(more)


def _read_wanted(
    engine: OcrEngine,
    crops: list[np.ndarray],
    owners: list[tuple[int, int, tuple[int, int, int, int]]],
    only: Collection[tuple[int, int]] | None,
    always: set[int],
) -> list[CropReading]:
    """`crops` read in one call; with `only`, the crops of other cells left unread but for
    those at `always`."""
    if only is None:
        return engine.read_crops_ranked(crops)
    wanted = [i in always or (ti, ci) in only for i, (ti, ci, _) in enumerate(owners)]
    return engine.read_crops_ranked(crops, wanted)


def _unsure_glyph_views(
    unsure_views: list[tuple[int, list[np.ndarray]]],
    owners: list[tuple[int, int, tuple[int, int, int, int]]],
    reads: list[CropReading],
    glyph_sure: float,
) -> tuple[list[np.ndarray], list[tuple[int, int, tuple[int, int, int, int]]]]:
    """The line-high crops of each small glyph whose tight crop read below `glyph_sure`, with
    their owners: a glyph read sure from its tight crop is not read twice more.

    On 20 dev scan/image pages 100 small glyphs were read from three crops each; the 66 whose
    tight crop read at least 0.99 (digits, `%`) read the same from all three, the unsure ones
    (`=` read `二` at 0.60, a faint `≥` at 0.50) are those the line-high crops mend."""
    more: list[np.ndarray] = []
    more_owners: list[tuple[int, int, tuple[int, int, int, int]]] = []
    for i, views in unsure_views:
        read = reads[i] if i < len(reads) else None
        if read is not None and read.text.strip() and 0 < glyph_sure <= read.confidence:
            continue
        more += views
        more_owners += [owners[i]] * len(views)
    return more, more_owners


def _small_glyph(box: tuple[int, int, int, int], line_h: float) -> bool:
    """A lone mark lower and narrower than a character (=, ≥, <, ‰, %): what the recogniser
    reads worst from a single crop."""
    return box[3] - box[1] < 0.75 * line_h and box[2] - box[0] < 1.2 * line_h


def _glyph_crops(
    gray: np.ndarray, box: tuple[int, int, int, int], cell: tuple[int, int, int, int], line_h: float
) -> list[np.ndarray]:
    """Three crops of a lone small glyph, as `read_upright_glyphs` and `reread_empty_cells`
    cut them: its ink with max(4 px, 0.3 of its height) of paper around it, and with 0.3 and
    cut as high as 1 and 1.4 text lines with a glyph's width either side, never past the cell.
    Cut to its own two strokes a flat `=` is read 三; in a line-high crop it reads as printed.
    The glyph's own box is always inside its crops, even where it stands past the cell's inner
    edge (a cell a few pixels high under a worn rule): a crop cut to nothing cannot be read."""
    x0, y0, x1, y1 = box
    cx0, cy0, cx1, cy1 = min(cell[0], x0), min(cell[1], y0), max(cell[2], x1), max(cell[3], y1)
    ih, iw = y1 - y0, x1 - x0
    tight = max(4, int(0.3 * ih))
    # as high as a detection box of a text line, centred on the glyph
    line_pads = [max(tight, int((k * line_h - ih) / 2)) for k in (1.0, 1.4)]
    out = []
    for pad_y, pad_x in ((tight, tight), (line_pads[0], iw), (line_pads[1], iw)):
        crop = gray[
            max(cy0, y0 - pad_y) : min(cy1, y1 + pad_y), max(cx0, x0 - pad_x) : min(cx1, x1 + pad_x)
        ]
        out.append(to_bgr(np.ascontiguousarray(crop)))
    return out


def _shift(line: OcrLine, dx: float, dy: float) -> OcrLine:
    """`line` moved by (dx, dy): from a crop's pixels to the page's."""
    q = tuple((x + dx, y + dy) for x, y in line.quad)
    chars = tuple(
        OcrChar(c.text, (c.bbox[0] + dx, c.bbox[1] + dy, c.bbox[2] + dx, c.bbox[3] + dy))
        for c in line.chars
    )
    return OcrLine(line.text, q, line.confidence, chars)  # type: ignore[arg-type]


def _join_line_parts(frags: list[_Frag]) -> list[_Frag]:
    """Fragments read from one visual line of a cell (in reading order) as one, joined by a
    space: a line's ink is read in parts only where a gap parts two printed values
    (`ocr.cellink`), and `100` `95.77` must stay two numbers, never `10095.77`."""
    out: list[_Frag] = []
    for f in frags:
        if out:
            prev = out[-1]
            h = min(f.bbox[3] - f.bbox[1], prev.bbox[3] - prev.bbox[1])
            if _overlap(f.bbox[1], f.bbox[3], prev.bbox[1], prev.bbox[3]) > 0.5 * h:
                box = (
                    min(prev.bbox[0], f.bbox[0]),
                    min(prev.bbox[1], f.bbox[1]),
                    max(prev.bbox[2], f.bbox[2]),
                    max(prev.bbox[3], f.bbox[3]),
                )
                out[-1] = _Frag(f"{prev.text} {f.text}", box, min(prev.conf, f.conf))
                continue
        out.append(f)
    return out


def cell_tables(
    tables: list[GridTable],
    per_cell: list[dict[int, list[OcrLine]]],
    gray: np.ndarray,
    extractor: str,
    seal_lines: list[dict[int, list[OcrLine]]] | None = None,
) -> list[Table]:
    """`Table`s from the lines read cell by cell (spaces restored, wrapped lines joined); the
    lines `ocr.sealtext` left out as a seal's characters ride on their cell (`Cell.seal_lines`)
    for the reader to report."""
    out = []
    for ti, t in enumerate(tables):
        cells = []
        for ci, g in enumerate(t.cells):
            lines = [restore_spaces(ln, gray) for ln in per_cell[ti].get(ci, [])]
            frags = _reading_order(
                [_Frag(ln.text, ln.bbox, ln.confidence, ln.readings) for ln in lines]
            )
            cell = _cell_of_frags(g, _join_line_parts(frags), frags)
            sealed = seal_lines[ti].get(ci, []) if seal_lines else []
            if sealed:
                left = tuple(_cell_line(ln.text, ln.bbox, ln.confidence) for ln in sealed)
                cell = replace(cell, seal_lines=left)
            cells.append(cell)
        out.append(Table(t.n_rows, t.n_cols, cells, tuple(float(v) for v in t.bbox), extractor))
    return out


def outside_strips(
    ink: np.ndarray,
    tables: list[GridTable],
    margin: int = 4,
    gray: np.ndarray | None = None,
    cut: int | None = None,
) -> list[tuple[int, int, int, int]]:
    """The page's text outside its grids (title, 单位 line, notes) as full-width bands between,
    above and below the tables, each cut to the box of its ink (none where there is no ink).
    With the page's `gray`, a band holding no glyph of print (`holds_glyph`) is no text; a
    blob reaching the page's edge (a scanner's shadow, the paper's border) is none. `cut`:
    the page's `print_darkness_cut` when the caller has it (`_glyph_cut`).

    Text detection then runs on these bands only, not on the page: its cost follows the area
    it is given."""
    h, w = ink.shape
    covered = np.zeros(h, dtype=bool)
    for t in tables:
        _, y0, _, y1 = (int(round(v)) for v in t.bbox)
        covered[max(0, y0 - margin) : min(h, y1 + margin)] = True
    free_rows = ~covered & ink.any(axis=1)
    cut = _glyph_cut(ink, gray, cut)
    glyph = GLYPH_PT * min(h, w) / 595.0
    strips = []
    for a, b in ink_bands(free_rows[:, None]):
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        if b - a < 6 or len(cols) == 0:
            continue
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        if gray is not None and not holds_glyph(
            ink[a:b, c0:c1], gray[a:b, c0:c1], cut, glyph, edges=page_edges((c0, a), (w, h))
        ):
            continue
        pad = max(margin, (b - a) // 2)
        y0, y1 = max(0, a - pad), min(h, b + pad)
        y0 = max(y0, _last_covered_before(covered, a) + 1)
        y1 = min(y1, _first_covered_after(covered, b))
        strips.append((max(0, c0 - pad), y0, min(w, c1 + pad), y1))
    return strips


def _glyph_cut(ink: np.ndarray, gray: np.ndarray | None, cut: int | None) -> int:
    """The grey a glyph of print reaches (`holds_glyph`): `cut` when the caller computed the
    page's `print_darkness_cut` already (`read_outside` does, for every page: a percentile
    over the page's ink, not to be taken three times), else the page's own, else the ink
    threshold when there is no grey page."""
    if cut is not None:
        return cut
    return INK_THRESHOLD if gray is None else print_darkness_cut(gray, ink)


# The least extent (height or width, in points of an A4 page's 595 pt short side) of one blob
# of a printed glyph: a digit or a CJK radical at the forms' 9-16 pt is 5-12 pt; a toner or
# dust speck, blurred, ~1.5-3 pt (`、` and `.` alone, ~2 pt, are no line of text either).
GLYPH_PT = 4.0


Edges = tuple[int, int, int, int]
"""Where the page's left, top, right and bottom edges lie in a band's own pixels
(`page_edges`)."""


def page_edges(origin: tuple[int, int], page_size: tuple[int, int]) -> Edges:
    """The page's edges in the pixels of a band whose top-left corner is `origin` (x, y) on a
    page of `page_size` (w, h)."""
    x0, y0 = origin
    w, h = page_size
    return -x0, -y0, w - x0, h - y0


def holds_glyph(
    ink: np.ndarray, gray: np.ndarray, cut: int, glyph: float, edges: Edges | None = None
) -> bool:
    """Whether a band's `ink` holds a blob of print at least `glyph` px across: `SPECK_AREA`
    px or more, and as dark as the page's print somewhere (grey at most `cut`, the page's
    `print_darkness_cut`), as a cell's text ink is told (`ocr.cellink._cell_ink`). With the
    page's `edges` (`page_edges`), a blob within a glyph's size of one is the paper's border
    (a scanner's shadow runs along the page, deskewing leaves it a few px in), not print: a
    printed glyph stands in the page's margin.

    Dust and light speckle in the margins made bands of their own outside the grids, each a
    text detection call that found nothing (on 11 dev scan pages most of their 74 bands). A
    scan's dark border did the same for the blank half page under a table: one detection on a
    1,610 × 1,655 px band finding nothing, the page's peak memory (+110 MiB)."""
    _, _, stats, darkest = ink_components(ink, gray)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    big = (stats[:, cv2.CC_STAT_AREA] >= SPECK_AREA) & (extent >= glyph)
    big[0] = False
    if edges is not None:
        left, top, right, bottom = edges
        x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
        x1, y1 = x + stats[:, cv2.CC_STAT_WIDTH], y + stats[:, cv2.CC_STAT_HEIGHT]
        border = (x <= left + glyph) | (y <= top + glyph)
        big &= ~(border | (x1 >= right - glyph) | (y1 >= bottom - glyph))
    return bool((big & (darkest <= cut)).any())


def beside_strips(
    ink: np.ndarray,
    tables: list[GridTable],
    margin: int = 4,
    gray: np.ndarray | None = None,
    cut: int | None = None,
) -> list[tuple[int, int, int, int]]:
    """The print right of a grid in its own rows, where no grid covers the page (a label's value
    beside the label column a table was found as), cut to the box of its ink (none where there
    is no glyph of print, as `outside_strips` tells it).

    `outside_strips` leaves out every row a table covers, whole. A form whose frame faded past
    its first column was found as that column alone (dev7 lg_64169 p2: a 项目名称 cell, the
    name printed beside it under a faded frame): the name stood in a table's rows, beside it,
    and no text detection ever saw it — the form's project lost with its ten lines."""
    h, w = ink.shape
    covered = np.zeros((h, w), dtype=bool)
    for t in tables:
        x0, y0, x1, y1 = (int(round(v)) for v in t.bbox)
        rows, cols = (
            slice(max(0, y0 - margin), y1 + margin),
            slice(max(0, x0 - margin), x1 + margin),
        )
        covered[rows, cols] = True
    cut = _glyph_cut(ink, gray, cut)
    glyph = GLYPH_PT * min(h, w) / 595.0
    strips = []
    for t in tables:
        x0, y0, x1, y1 = (int(round(v)) for v in t.bbox)
        a = min(w, x1 + margin)
        b = min([int(u.bbox[0]) - margin for u in tables if _beside(t, u)], default=w)
        if b <= a:
            continue
        free = ink[y0:y1, a:b] & ~covered[y0:y1, a:b]
        rows, cols = np.flatnonzero(free.any(axis=1)), np.flatnonzero(free.any(axis=0))
        if len(rows) == 0:
            continue
        r0, r1 = y0 + int(rows[0]), y0 + int(rows[-1]) + 1
        c0, c1 = a + int(cols[0]), a + int(cols[-1]) + 1
        if r1 - r0 < 6:
            continue
        if gray is not None:
            box = (slice(r0 - y0, r1 - y0), slice(c0 - a, c1 - a))
            if not holds_glyph(
                free[box], gray[r0:r1, c0:c1], cut, glyph, page_edges((c0, r0), (w, h))
            ):
                continue
        pad = max(margin, min(r1 - r0, int(glyph * 3)) // 2)
        strips.append((max(a, c0 - pad), max(y0, r0 - pad), min(b, c1 + pad), min(y1, r1 + pad)))
    return strips


def _beside(table: GridTable, other: GridTable) -> bool:
    """Whether `other` stands right of `table`, sharing some of its rows: the strip beside
    `table` ends at it (its text is its own cells', not print beside a grid)."""
    return (
        other.bbox[0] >= table.bbox[2]
        and other.bbox[1] < table.bbox[3]
        and other.bbox[3] > table.bbox[1]
    )


def _last_covered_before(covered: np.ndarray, y: int) -> int:
    hits = np.flatnonzero(covered[:y])
    return int(hits[-1]) if len(hits) else -1


def _first_covered_after(covered: np.ndarray, y: int) -> int:
    hits = np.flatnonzero(covered[y:])
    return y + int(hits[0]) if len(hits) else len(covered)


def read_outside(
    gray: np.ndarray,
    ink: np.ndarray,
    tables: list[GridTable],
    engine: OcrEngine,
    low_confidence: float,
) -> list[OcrLine]:
    """The text lines outside the grids, by text detection on the bands that hold print."""
    lines: list[OcrLine] = []
    cut = print_darkness_cut(gray, ink)
    glyph = GLYPH_PT * min(ink.shape) / 595.0
    strips = outside_strips(ink, tables, gray=gray, cut=cut)
    strips += beside_strips(ink, tables, gray=gray, cut=cut)
    for x0, y0, x1, y1 in strips:
        strip = np.ascontiguousarray(gray[y0:y1, x0:x1])
        found = engine.recognize(to_bgr(strip))
        found += passed_over_lines(strip, ink[y0:y1, x0:x1], found, engine, cut, glyph)
        found = read_upright_glyphs(found, strip, engine)
        found = reread_low_confidence(found, strip, engine, low_confidence)
        lines.extend(_shift(ln, x0, y0) for ln in found)
    return lines


def erase_rules(gray: np.ndarray, hor: np.ndarray, ver: np.ndarray) -> np.ndarray:
    """The page with ruled-line pixels painted paper-white."""
    out = gray.copy()
    out[(hor | ver).astype(bool)] = 255
    return out


# A page whose grid cannot be recovered still yields its text in reading order, but no line of
# it can be tied to a cell: its confidence is capped here so every value is flagged for review.
NO_GRID_CONFIDENCE = 0.5


def flag_untrusted(lines: list[TextLine]) -> list[TextLine]:
    """The lines of a page without a trustworthy grid, confidence capped at NO_GRID_CONFIDENCE."""
    return [
        TextLine(ln.text, ln.bbox, round(min(ln.confidence, NO_GRID_CONFIDENCE), 4)) for ln in lines
    ]


def warm_engine(options: OcrOptions) -> None:
    """Load the engine pages read with `options` will use, before the first page asks for it:
    a page worker started ahead of the flow loads its models while Prefect's server boots
    (`flows.extract.early_workers`)."""
    engine_for(options)


def engine_for(options: OcrOptions) -> OcrEngine:
    """The process's one engine for `options` (loaded once: a model load costs seconds)."""
    key = options.engine_key()
    if key not in _ENGINE_CACHE:
        _ENGINE_CACHE[key] = memoised(get_engine(options.engine, options), key)
    return _ENGINE_CACHE[key]


# What a page worker may hold above its trimmed size before `release_memory` trims again, MiB:
# a 200 dpi page's heap (~120 MiB freed a page) is then used again by the next page instead of
# being handed back and faulted in afresh (30,000 minor faults, ~0.1 CPU-s of system time a
# page), while a larger page's (a 250 dpi scan frees 230 MiB) still goes back.
HEAP_KEPT_MIB = 160

# the least resident size a trim left this worker with (MiB): what HEAP_KEPT_MIB is above
_trimmed_mib: list[float] = []


def release_memory() -> bool:
    """Hand the heap a page left behind back to the system (glibc `malloc_trim`) when the
    process holds more than HEAP_KEPT_MIB above its size after the last trim; False where there
    is no glibc or nothing was trimmed.

    A page worker's resident size stayed near its per-page peak after each page (a 250 dpi
    scan: 530 MiB, of which 230 MiB freed but kept by malloc); trimmed it is back at the engine's
    300 MiB, so two workers and the Prefect server fit the run's memory budget together."""
    libc = _libc()
    if libc is None:
        return False
    resident = resident_mib()
    if _trimmed_mib and resident is not None and resident < _trimmed_mib[-1] + HEAP_KEPT_MIB:
        return False
    try:
        trimmed = bool(libc.malloc_trim(0))
    except AttributeError:
        return False
    after = resident_mib()
    if after is not None:
        # the least size a trim left: the engine's own, not a page's arrays still in use when a
        # detection run's trim came
        _trimmed_mib[:] = [min([after, *_trimmed_mib])]
    return trimmed


def resident_mib() -> float | None:
    """This process's resident size in MiB (Linux `/proc/self/statm`), None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_BYTES / 2**20
    except (OSError, IndexError, ValueError):
        return None


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@functools.cache
def _libc() -> object | None:
    """The C library, looked up once per process: `find_library` runs `ldconfig -p` in a
    child process each time (a fork of a 300 MB worker after every page)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def _glyphs_kept_notes(
    tables: list[GridTable], per_cell: list[dict[int, list[OcrLine]]], seals: list[Seal]
) -> list[str]:
    """One note per short line kept on a faint ring's glyph circle (`ocr.sealtext.glyphs_kept`),
    naming its cell: what the ring took out of the cells around it may change what the reader
    makes of it, and a value a ring found on weaker evidence changes is said by its cell."""
    many = len(tables) > 1
    notes = []
    for ti, ci, text in glyphs_kept(per_cell, seals):
        g = tables[ti].cells[ci]
        where = f"table {ti + 1} " if many else ""
        notes.append(
            f"{where}cell (row {g.row + 1}, column {g.col + 1}): '{text}' stands on the glyph "
            "circle of a faint seal ring, kept as read: it may be the seal's"
        )
    return notes


def passed_over_lines(
    strip: np.ndarray,
    ink: np.ndarray,
    found: list[OcrLine],
    engine: OcrEngine,
    cut: int,
    glyph: float,
) -> list[OcrLine]:
    """The lines text detection passed over in a strip where it found others: each run of rows
    holding a glyph of print (`holds_glyph`) that no found line's box reaches is detected again
    on its own, padded by half its height, and the lines centred in it are kept. A slanted annex
    line (`附件1：…2029年项目支出绩效目标表`, the year's only print) crossed by a seal and
    running into the title under it was not detected at all beside that title in the strip
    the two share (dev6 lg_54259: no year, the document quarantined); alone it reads whole."""
    if not found:
        return []  # the strip itself was detected and held nothing: the same band again neither
    h = strip.shape[0]
    covered = np.zeros(h, dtype=bool)
    for line in found:
        _, ly0, _, ly1 = line.bbox
        covered[max(0, int(ly0)) : min(h, int(np.ceil(ly1)))] = True
    extra: list[OcrLine] = []
    for a, b in ink_bands((ink.any(axis=1) & ~covered)[:, None]):
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        if b - a < glyph or not holds_glyph(ink[a:b], strip[a:b], cut, glyph):
            continue
        pad = (b - a) // 2
        y0, y1 = max(0, a - pad), min(h, b + pad)
        band = np.ascontiguousarray(strip[y0:y1, int(cols[0]) : int(cols[-1]) + 1])
        for line in engine.recognize(to_bgr(band)):
            line = _shift(line, int(cols[0]), y0)
            if a <= line.centre[1] < b:
                extra.append(line)
    return extra


def _read_all(
    tables: list[GridTable],
    *,
    gray: np.ndarray,
    ink: np.ndarray,
    engine: OcrEngine,
    rules: tuple[np.ndarray, np.ndarray],
    options: OcrOptions,
    only: Collection[tuple[int, int]] | None = None,
) -> list[dict[int, list[OcrLine]]]:
    """`read_cells`' lines per cell of every table (or of the cells `only` names), the crop
    count left out."""
    return read_cells(
        tables, gray, ink, engine, rules=rules, glyph_sure=options.glyph_sure, only=only
    )[0]


def reread_label_blocks(
    tables: list[GridTable],
    per_cell: list[dict[int, list[OcrLine]]],
    find: Callable[..., list[GridTable]],
    read: Callable[..., list[dict[int, list[OcrLine]]]],
) -> tuple[list[GridTable], list[dict[int, list[OcrLine]]]]:
    """The page's tables found again with their indicator grids' label columns known
    (`ocr.labelblocks`: the 三级 heading of a first reading), and read again where that
    changed a cell; else the first finding and reading as they are.

    A rule gapped with paper in the 一级 / 二级 columns joined two labels into one cell; the
    grid gives it back from its pieces only there (`find`: `ocr.grid.tables_of` with the
    blocks, on the first finding's regions and judged edges), never in a header or goal table.
    Every table is read again when one changed: a cell's crops depend on the page's line
    height, taken over all tables (`ocr.cellink.cell_lines`); a cell the block left as it was
    keeps its first reading all the same (dev8 lg_75476: its goal, re-read at the changed line
    height, read `3，` for `3.`), so only the cells the block changed read anew — and only
    they are recognised (`read`'s `only`), their crops cut and batched at the new line height
    among all the page's as a reading of every cell would (`read_cells`)."""
    blocks = label_blocks(tables, per_cell)
    if not blocks:
        return tables, per_cell
    again = find(label_blocks=blocks)
    if again == tables or len(again) != len(tables):
        return tables, per_cell  # (the blocks never move a table's frame)
    kept = [set(table.cells) for table in tables]
    changed = {
        (ti, ci)
        for ti, table in enumerate(again)
        for ci, cell in enumerate(table.cells)
        if cell not in kept[ti]
    }
    fresh = read(again, only=changed)
    for ti, table in enumerate(again):
        first = {cell: i for i, cell in enumerate(tables[ti].cells)}
        for ci, cell in enumerate(table.cells):
            if cell in first:
                fresh[ti].pop(ci, None)
                if first[cell] in per_cell[ti]:
                    fresh[ti][ci] = per_cell[ti][first[cell]]
    return again, fresh


def ocr_page(
    image: np.ndarray, page: int, options: OcrOptions | None = None, engine: OcrEngine | None = None
) -> PageGrid:
    """OCR one page image (BGR/grey uint8) into a `PageGrid` (bbox_unit "px").

    Coordinates are pixels of the normalised page (upright, deskewed), whose size is the
    PageGrid's width × height. `page` is the 1-based page number recorded on the grid."""
    options = options or OcrOptions()
    engine = engine or engine_for(options)
    prep: Prepared = prepare(image, engine)
    ink = binarize(prep.gray)
    hor, ver = prep.rules if prep.rules is not None else line_masks(ink)
    prep.rules = None  # the page's masks live as long as `hor`, `ver` here
    # the page's black or grey seals, found once: `prep.seals` is None where `prepare` found
    # some before turning and levelling the page, [] where it found none
    seals = find_seals(ink) if prep.seals is None else prep.seals
    doubts = prep.doubts
    # a faint ring's seal goes to the cells' lines only, not to the grid: its arcs taken out
    # of the rule masks merged columns the seal crosses (ring25: check lg_9531 p3, dev lg_743 p1)
    grid_seals = seals
    if not seals:
        seals = find_faint_seals(prep.gray, ink, cv2.dilate(hor | ver, np.ones((3, 3), np.uint8)))
        # what a seal found on weaker evidence changes (lines left out inside its disc) is
        # said, naming the page
        doubts += [f"faint seal ring at ({x:.0f}, {y:.0f}) r {r:.0f} px" for x, y, r in seals]
    # the regions and separators are found once: labelrules35's second look differs in the
    # cells built from them only
    regions = ruled_regions(prep.gray, masks=(hor, ver), seals=grid_seals)
    tables = tables_of(regions)
    clean = prep.gray  # levelled grey: what OCR reads
    if options.erase_rules:
        clean = erase_rules(clean, hor, ver)
    if options.read_cells and engine.recognises_crops and tables:
        # cells are read from their own ink; page-wide detection only for the text around them
        text_ink = ink & ~(hor | ver)
        read = functools.partial(
            _read_all, gray=clean, ink=text_ink, engine=engine, rules=(hor, ver), options=options
        )
        find = functools.partial(tables_of, regions)
        tables, per_cell = reread_label_blocks(tables, read(tables), find, read)
        del text_ink
        # a seal left on the page (as dark as the print: not lifted) may have given its
        # characters lines of their own in the cells it crosses
        if seals is grid_seals:
            per_cell, left_out = drop_seal_lines(per_cell, seals)
        else:  # a faint ring's: only a one-stroke line is a piece of its ring
            per_cell, left_out = drop_seal_lines(per_cell, seals, FAINT_RING_CHARS)
            doubts += _glyphs_kept_notes(tables, per_cell, seals)
        out_tables = cell_tables(tables, per_cell, prep.gray, engine.name, left_out)
        lines = read_outside(clean, ink, tables, engine, options.low_confidence_threshold)
        lines = [restore_spaces(ln, prep.gray) for ln in lines]
        _, free = assign_lines([], lines, engine.name)
    else:
        image = to_bgr(clean)
        lines = read_upright_glyphs(engine.recognize(image), clean, engine)
        lines = reread_low_confidence(lines, clean, engine, options.low_confidence_threshold)
        lines = [restore_spaces(ln, prep.gray) for ln in lines]
        out_tables, free = assign_lines(tables, lines, engine.name, image, engine)
        del image
    # a seal as dark as the print may have joined its glyph and the print under it into one
    # line, found or not (dev lg_581_自评 p3: none found here): its print re-read at row height
    out_tables = reread_under_seals(out_tables, clean, engine)
    out_tables = reread_empty_cells(out_tables, prep.gray, engine)
    out_tables = read_faint_cells(out_tables, prep.gray, engine, doubts)
    out_tables = mark_level_pairs(out_tables, prep.gray)
    h, w = prep.gray.shape
    decided = prep.decided
    del prep, hor, ver, clean, ink, regions
    release_memory()
    status = PageStatus.EXTRACTED if out_tables else PageStatus.NO_TABLE
    if not out_tables:
        free = flag_untrusted(free)
    return PageGrid(
        page=page,
        width=float(w),
        height=float(h),
        bbox_unit="px",
        has_text_layer=False,
        status=status,
        extractor=engine.name,
        tables=out_tables,
        lines=free,
        review_below=options.low_confidence_threshold,
        notes=doubts,
        decided=decided,
    )


def ocr_file(
    path: str | Path,
    options: OcrOptions | None = None,
    engine: OcrEngine | None = None,
    pages: list[int] | None = None,
) -> list[PageGrid]:
    """OCR an image-only PDF (rasterised at `options.dpi`) or a PNG/JPEG/TIFF file.

    `pages` are 1-based page numbers to read (default: all). One engine is reused for all
    pages; for throughput run one process per core with `OcrOptions(threads=1)`."""
    options = options or OcrOptions()
    engine = engine or engine_for(options)
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        n = len(doc)
        doc.close()
        wanted = pages or list(range(1, n + 1))
        return [
            ocr_page(rasterize_pdf_page(path, p - 1, options.dpi), p, options, engine)
            for p in wanted
        ]
    images = load_image_pages(path)
    wanted = pages or list(range(1, len(images) + 1))
    return [ocr_page(images[p - 1], p, options, engine) for p in wanted]
