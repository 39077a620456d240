"""The data model every stage shares: one cell grid for every extractor, one form for every grid.

Extractors (camelot for text layers, PP-OCR for scans) produce `PageGrid`s; the form parser turns
them into `ProjectForm`s whose every value is a `SourcedValue` that remembers where it was printed,
so an auditor can trace any number in the warehouse back to its page and cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NamedTuple

BBox = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in the page's coordinate system, origin top-left, y growing downwards."""

BoxReread = Callable[[int, BBox], list[str]]
"""A box of a page (1-based page, the box in its grid's coordinates) read again by the
extraction stage (`flows.extract.reread`): the texts its views read, for the form reader to
weigh against the form's own arithmetic; none when it cannot be read again."""


def enclosing(boxes: Iterable[BBox]) -> BBox:
    """The box around all `boxes`: what cells read as one printed cell stand in."""
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return (min(x0s), min(y0s), max(x1s), max(y1s))


class CellLine(NamedTuple):
    """One OCR text line inside a cell, with its page box: where a merged cell's text was
    printed, so the reader can split the cell where its lost rules ran."""

    text: str
    bbox: BBox
    confidence: float = 1.0


class PageStatus(StrEnum):
    EXTRACTED = "extracted"
    NEEDS_OCR = "needs_ocr"
    NO_TABLE = "no_table"
    BLANK = "blank"  # nothing printed on the page: not worth OCR


@dataclass(frozen=True)
class Cell:
    """One printed cell of a ruled table; a merged cell is one `Cell` with spans > 1."""

    row: int
    col: int
    text: str
    bbox: BBox
    rowspan: int = 1
    colspan: int = 1
    confidence: float = 1.0
    # OCR of a short cell (a lone comparator, 定性): the recogniser's most probable readings
    # with their probabilities, best first, so a column that may hold only some values can
    # weigh them (flows.forms.spec.Column.alphabet); empty for text layers and longer cells
    readings: tuple[tuple[str, float], ...] = ()
    # OCR: the cell's text lines in reading order with their page boxes; empty for text layers
    lines: tuple[CellLine, ...] = ()
    # OCR: lines read in the cell and left out of its text as a seal's own characters
    # (`ocr.sealtext`), kept so the reader can say what was left out
    seal_lines: tuple[CellLine, ...] = ()
    # OCR: a blank cell's lone glyph printed lighter than the ink threshold, its ranked
    # readings (`ocr.page.read_faint_cells`); the text stays blank unless a column's alphabet
    # takes one (`flows.forms.rows`)
    faint: tuple[tuple[str, float], ...] = ()
    # OCR: what a seal-high line's box read cut at its row's print height (`ocr.sealprint`),
    # best first; the text keeps its reading unless the column takes one (`flows.forms.rows`)
    under_seal: tuple[tuple[str, float], ...] = ()
    # OCR: a cell read as one glyph whose ink is two level strokes of one length
    # (`ocr.glyphs.level_stroke_pair`), as `=` prints and a CJK font's 二 does not; the text keeps
    # its reading unless a column's alphabet takes it (`flows.forms.rows`)
    level_pair: bool = False

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass
class Table:
    """A ruled table on one page: cells on an n_rows × n_cols grid (merged cells cover several)."""

    n_rows: int
    n_cols: int
    cells: list[Cell]
    bbox: BBox
    extractor: str

    def at(self, row: int, col: int) -> Cell | None:
        """The cell covering grid position (row, col), merged or not."""
        for cell in self.cells:
            if cell.row <= row <= cell.last_row and cell.col <= col <= cell.last_col:
                return cell
        return None

    def row_cells(self, row: int) -> list[Cell]:
        """Cells that start on `row`, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)


@dataclass(frozen=True)
class TextLine:
    """Printed text outside any table (title, year line, 附件 line)."""

    text: str
    bbox: BBox
    confidence: float = 1.0


class Decisions(NamedTuple):
    """What an OCR page's preparation judged from its pixels (`ocr.preprocess.prepare`): the
    same image prepared with them again comes out the same without judging again."""

    quarter_turns: int  # counter-clockwise 90° turns applied (the orientation test's reading)
    angle: float  # deskew rotation applied, degrees (0.0: left as it was; the skew search)
    seals_lifted: bool  # a grey seal's ink lifted to paper (none: the seal search left it)
    reshaped: bool  # rules straightened or the table's quadrilateral warped (none: the rule
    # masks those steps look at left it)


@dataclass
class PageGrid:
    """What one extractor saw on one page: its tables and the free text around them."""

    page: int  # 1-based page of the source file
    width: float
    height: float
    bbox_unit: str  # "pt" for text layers, "px" for rasters
    has_text_layer: bool
    status: PageStatus
    extractor: str | None
    tables: list[Table] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    # An OCR page: the confidence below which the engine kept a reading for review, as this
    # page was read (the run's `OcrOptions.low_confidence_threshold`), so the reader judges its
    # readings by the line they were read with; None for a text layer (every glyph is printed)
    review_below: float | None = None
    # what extraction decided on weaker evidence than usual (an orientation the reading could
    # not judge, `ocr.preprocess._break_tie`): landed as the document's ingest_errors (stage
    # `parse`, with the reader's notes), naming this page (`extract.documents.finish_document`)
    notes: list[str] = field(default_factory=list)
    # An OCR page: what its preparation judged (`ocr.preprocess.Prepared.decided`), so a box
    # re-read prepares the page as it was read without judging again (`flows.extract.reread`);
    # None for a text layer
    decided: Decisions | None = None


@dataclass(frozen=True)
class SourcedValue:
    """A printed value with its provenance: the page, table, cell and confidence it came from."""

    value: str
    page: int
    table_index: int | None = None
    row: int | None = None
    col: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0
    extractor: str = ""

    def with_value(self, value: str) -> SourcedValue:
        """The same provenance printing `value`: one of the values a cell printed for several
        columns (`100 95.77` under 分值 and 得分)."""
        return replace(self, value=value)

    def ranked_reading(self, value: str, probability: float) -> SourcedValue:
        """The same provenance printing another reading the recogniser ranked for its cell,
        its confidence that reading's probability (a column's alphabet or a faint glyph chose
        it: `flows.forms.rows`)."""
        return replace(self, value=value, confidence=round(min(probability, 1.0), 4))

    def joined(self, other: SourcedValue) -> SourcedValue:
        """This value continued by `other` (a cell split across a page break): text concatenated,
        provenance kept from the first part, confidence the lower of the two."""
        return SourcedValue(
            value=join_wrapped([self.value, other.value]),
            page=self.page,
            table_index=self.table_index,
            row=self.row,
            col=self.col,
            bbox=self.bbox,
            confidence=min(self.confidence, other.confidence),
            extractor=self.extractor,
        )


@dataclass
class IndicatorRow:
    """One 三级指标 with its filled-down 一级/二级 labels and its 指标值, all as printed.

    `target` is composed as printed when the form splits it over 指标性质 | 指标值 | 度量单位;
    `extra` holds the grid's other columns by field name (standard, weight, actual, score …)."""

    level1: SourcedValue
    level2: SourcedValue
    name: SourcedValue
    target: SourcedValue
    extra: dict[str, SourcedValue] = field(default_factory=dict)


@dataclass
class FundsBlock:
    """项目资金 (万元): 年度资金总额, 其中财政拨款, 其他资金 as printed (blank stays blank)."""

    total: SourcedValue | None = None
    fiscal: SourcedValue | None = None
    other: SourcedValue | None = None


@dataclass
class ProjectForm:
    """One printed table of a form (a project's 绩效目标表 or 自评表, a department's
    部门整体绩效目标表), stitched across its pages. `fields` holds every header value by
    field name, as printed."""

    fields: dict[str, SourcedValue]
    funds: FundsBlock
    indicators: list[IndicatorRow]
    first_page: int
    form: str = "project_target"  # project_target | project_self_eval | department_target


@dataclass
class DocumentExtraction:
    """Everything extracted from one source file, or why nothing could be."""

    source_file: str
    sha256: str | None  # None when the file could not be read at all
    file_size: int
    page_count: int | None
    kind: str | None = None  # pdf | image, sniffed from the bytes
    pages: list[PageGrid] = field(default_factory=list)
    projects: list[ProjectForm] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (stage, message)

    @property
    def failed(self) -> bool:
        return not self.projects


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell in reading order.

    Chinese wraps at any character, so lines join with nothing; a space is kept only between two
    Latin letters/digits, where the printer broke at a word boundary."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and _latin(out[-1]) and _latin(part[0]):
            out += " "
        out += part
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def joined_groups(
    n_rows: int, n_cols: int, joined_right: list[list[bool]], joined_down: list[list[bool]]
) -> list[list[tuple[int, int]]]:
    """The grid positions of each printed cell: `joined_right[r][c]` says no rule separates
    grid position (r, c) from (r, c+1), `joined_down[r][c]` the same for (r, c) and (r+1, c);
    positions joined without a rule belong to one cell (a union-find over them)."""
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            i = r * n_cols + c
            if c + 1 < n_cols and joined_right[r][c]:
                parent[find(i)] = find(i + 1)
            if r + 1 < n_rows and joined_down[r][c]:
                parent[find(i)] = find(i + n_cols)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    return list(groups.values())


def merge_spans(
    n_rows: int, n_cols: int, joined_right: list[list[bool]], joined_down: list[list[bool]]
) -> list[tuple[int, int, int, int]]:
    """Merged cells of a ruled grid as (row, col, rowspan, colspan): each group of
    `joined_groups` by its bounding rectangle (printed merged cells are rectangles)."""
    spans = []
    for members in joined_groups(n_rows, n_cols, joined_right, joined_down):
        rows = [m[0] for m in members]
        cols = [m[1] for m in members]
        spans.append((min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1))
    return sorted(spans)
