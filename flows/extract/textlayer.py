"""Text-layer PDFs: camelot lattice finds the ruled grid, pypdfium2 supplies the printed glyphs.

camelot detects the rules and the merged cells well, but assigns text by each text run's left edge,
which glues a value printed right on a cell's left rule onto the previous cell
(`主管部门及代码075001`). So camelot is used for geometry only, and every glyph is placed by its
centre into the merged cell that contains it (`fill_table`). Where two of camelot's column edges
stand too close for it to tell which one a rule is drawn at, the page's own vector rules
(`pdfrules.vertical_rules`) decide.
"""

from __future__ import annotations

import logging
import warnings

import pypdfium2 as pdfium

from flows.extract.base import Extractor, Glyph, cell_at, fill_table, free_lines, span_boxes
from flows.extract.pdfrules import Rule, vertical_rules
from flows.models import PageGrid, PageStatus, Table, merge_spans
from flows.text import normalize

log = logging.getLogger(__name__)


def page_glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    """Every printed character of the page's text layer, boxes in points from the top-left."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        glyphs = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if not ch or ch in "\r\n\x02\ufffe":
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=False)
            if right <= left and not ch.isspace():
                continue  # pdfium's generated characters have no box
            glyphs.append(Glyph(text=ch, bbox=(left, height - top, right, height - bottom)))
        return glyphs
    finally:
        textpage.close()


def has_text_layer(page: pdfium.PdfPage) -> bool:
    """A scan has no characters in its text layer; those pages go to OCR."""
    textpage = page.get_textpage()
    try:
        return textpage.count_chars() > 0
    finally:
        textpage.close()


def prints_nothing(page: pdfium.PdfPage) -> bool:
    """A page with no page object and no annotation: nothing can be drawn on it, so it is blank
    without rendering it (a 200-dpi render of an empty A4 page costs ~0.05 CPU-s; a generated
    bundle of 500 empty pages spent ~25 CPU-s rendering paper). Any object at all (a scan's
    image, a stray path) leaves the page to the raster test."""
    import pypdfium2.raw as pdfium_c

    return pdfium_c.FPDFPage_CountObjects(page) == 0 and pdfium_c.FPDFPage_GetAnnotCount(page) == 0


class CamelotLatticeExtractor(Extractor):
    """camelot lattice (pdfium backend, no Ghostscript) for pages that have a text layer."""

    name = "camelot"

    def __init__(self, line_scale: int = 40, joint_tol: float = 3) -> None:
        # line_scale 40 keeps the short rules of narrow merged cells that the default 15 misses.
        self.line_scale = line_scale
        # A rule is matched to the column edge it starts at within joint_tol points. camelot's
        # 2 is less than a 2-pt rule's own half width plus the offset camelot measures a thick
        # rule's column edge at (1.9 pt seen): such a row rule was dropped and two rows merged.
        self.joint_tol = joint_tol

    def _camelot_tables(self, path: str, page: int) -> list:
        # imported by the first text-layer page, not with the module: every page worker and the
        # flow import this module, and camelot (with pandas, OpenCV and its PDF parser) held
        # ~45 MiB in each of the three processes on a night of scans that never calls it
        import camelot

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no tables found" is a normal outcome here
            tables = camelot.read_pdf(
                path,
                pages=str(page),
                flavor="lattice",
                backend="pdfium",
                line_scale=self.line_scale,
                joint_tol=self.joint_tol,
                suppress_stdout=True,
            )
        return list(tables)

    def extract_page(self, path: str, page: int) -> PageGrid:
        pdf = pdfium.PdfDocument(path)
        try:
            pg = pdf[page - 1]
            width, height = pg.get_width(), pg.get_height()
            if not has_text_layer(pg):
                status = PageStatus.BLANK if prints_nothing(pg) else PageStatus.NEEDS_OCR
                return PageGrid(page, width, height, "pt", False, status, None)
            glyphs = page_glyphs(pg)
            rules = vertical_rules(pg)  # 0.3-4 ms a dev page, against camelot's ~0.3 s
        finally:
            pdf.close()
        tables: list[Table] = []
        per_table: list[list[str]] = []
        for ct in sorted(self._camelot_tables(path, page), key=lambda t: -t.rows[0][0]):
            per_table.append([])
            table, glyphs = self._to_table(ct, height, glyphs, rules, per_table[-1])
            tables.append(table)
        many = len(tables) > 1
        notes = [f"table {i + 1} {n}" if many else n for i, ns in enumerate(per_table) for n in ns]
        status = PageStatus.EXTRACTED if tables else PageStatus.NO_TABLE
        return PageGrid(
            page=page,
            width=width,
            height=height,
            bbox_unit="pt",
            has_text_layer=True,
            status=status,
            extractor=self.name,
            tables=tables,
            lines=free_lines(glyphs),
            notes=notes,
        )

    def _to_table(
        self, ct, page_height: float, glyphs: list[Glyph], rules: list[Rule], notes: list[str]
    ) -> tuple[Table, list[Glyph]]:
        """camelot's grid (bottom-left origin, per-position rule flags) → our merged cells;
        `rules`: the page's vertical rules (`pdfrules.vertical_rules`); what the cells' text
        needed read is added to `notes` (`fill_table`)."""
        n_rows, n_cols = len(ct.rows), len(ct.cols)
        row_edges = [page_height - ct.rows[0][0]] + [page_height - r[1] for r in ct.rows]
        col_edges = [ct.cols[0][0]] + [c[1] for c in ct.cols]
        grid = ct.cells
        joined_right = [
            [not (grid[r][c].right or grid[r][c + 1].left) for c in range(n_cols - 1)] + [False]
            for r in range(n_rows)
        ]
        self._rule_nearest_edge(ct.rows, col_edges, rules, joined_right)
        joined_down = [
            [not (grid[r][c].bottom or grid[r + 1][c].top) for c in range(n_cols)]
            for r in range(n_rows - 1)
        ] + [[False] * n_cols]
        spans = merge_spans(n_rows, n_cols, joined_right, joined_down)
        glyphs = closing_brackets_home(spans, row_edges, col_edges, glyphs)
        return fill_table(spans, row_edges, col_edges, glyphs, self.name, notes)

    def _rule_nearest_edge(
        self,
        rows: list[tuple[float, float]],
        col_edges: list[float],
        rules: list[Rule],
        joined_right: list[list[bool]],
    ) -> None:
        """Column rules re-judged where two column edges stand within joint_tol of each other.

        camelot gives a vertical rule to the first column edge within joint_tol, so of two edges
        that close (a header row's rule a few points off the grid's rule below it) a rule drawn
        at the second also marks the first: a phantom empty sliver cell cut between a label and
        its value (dev text seed 4623: 年度本级预算金额 | '' | 6.21, funds not read). There each
        rule the page draws (`rules`, PDF user space as camelot's `rows`) goes to its nearest
        edge, in the rows it runs through.
        """
        if not rules:
            return  # rules drawn as an image (no vector paths): camelot's own flags stand
        close = {  # the inner edges of such pairs: the table's outer frame stays ruled
            e
            for j in range(len(col_edges) - 1)
            if col_edges[j + 1] - col_edges[j] <= self.joint_tol
            for e in (j, j + 1)
            if 0 < e < len(col_edges) - 1
        }
        if not close:
            return
        at_edge: list[tuple[int, float, float]] = []  # (edge, low y, high y) of such rules
        for x, low, high in rules:
            edge = min(range(len(col_edges)), key=lambda e: abs(col_edges[e] - x))
            if edge in close and abs(col_edges[edge] - x) <= self.joint_tol:
                at_edge.append((edge, low, high))
        for r, (top, bottom) in enumerate(rows):  # (top, bottom) in the PDF's bottom-up y
            middle = (top + bottom) / 2
            for edge in close:
                ruled = any(e == edge and lo <= middle <= hi for e, lo, hi in at_edge)
                joined_right[r][edge - 1] = not ruled


BRACKET_PAIRS = {")": "(", "]": "["}  # closing → opening, as `flows.text.normalize` folds them


def closing_brackets_home(
    spans: list[tuple[int, int, int, int]],
    row_edges: list[float],
    col_edges: list[float],
    glyphs: list[Glyph],
) -> list[Glyph]:
    """The glyphs, a closing bracket that crosses a cell's top rule given to the cell above
    when it closes a bracket left open there and none in its own cell.

    A label printed one or a few characters per line overflows its cell when a page break cut
    it short (the `）` of 项目资金（元） drawn across the rule into the next row's label: `（元` |
    `年）度总体目标`). Placed by its centre it breaks two labels; the bracket's balance tells
    which cell it belongs to. Its box is cut at the rule, keeping the part inside that cell.
    """
    if not any(normalize(g.text) in BRACKET_PAIRS for g in glyphs):
        return glyphs  # no closing bracket on the page: nothing to move
    boxes = span_boxes(spans, row_edges, col_edges)
    placed = [cell_at(boxes, g.cx, g.cy) for g in glyphs]
    members: dict[int, list[str]] = {}
    for g, i in zip(glyphs, placed, strict=True):
        if i is not None:
            members.setdefault(i, []).append(normalize(g.text))

    def left_open(chars: list[str], closer: str) -> int:
        return chars.count(BRACKET_PAIRS[closer]) - chars.count(closer)

    out = []
    for g, i in zip(glyphs, placed, strict=True):
        closer = normalize(g.text)
        top = boxes[i][1] if i is not None else None
        if closer in BRACKET_PAIRS and top is not None and g.bbox[1] < top:
            above = cell_at(boxes, g.cx, top - 0.5)
            own = list(members[i])  # type: ignore[index]
            own.remove(closer)
            if (
                above is not None
                and left_open(members.get(above, []), closer) > 0
                and left_open(own, closer) <= 0
            ):
                g = Glyph(g.text, (g.bbox[0], g.bbox[1], g.bbox[2], top), g.confidence)
                members[above].append(closer)
                members[i].remove(closer)  # type: ignore[index]
        out.append(g)
    return out
