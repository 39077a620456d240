"""The form reader: the page grids of a document → one `ProjectForm` per printed table, read
against the form descriptions of `flows.forms.spec`.

A table is cut into segments, one per form printed in it (two projects on one page may share a
ruled table). A segment is classified by what it prints: the label a form opens with (项目名称,
部门名称), then its grid columns (实际完成值 makes a self-evaluation) or its funds heads. Its header
is read label by label (the value to a label's right, or below it for column heads like 预期目标),
its indicator grid column by column, found by the headings rather than by position. A segment
without an opener continues the open table: the rest of a header cut by a page break (which may
tell a form taken for want of marks to be the other form sharing its opener), the grid with its
heading row repeated, or indicator lines only. Merged 一级/二级 labels are filled down;
at a page break a merged cell's text may be split in two ("产出指" | "标") or left blank on the
new page, and `append_rows` puts it back together. Anything the descriptions do not know (a
label, a column heading, a table of another kind) is one problem sentence naming the page, and
is never appended to another table. Every value keeps the page and cell it was printed in.

OCR grids lose rules and damage labels; the reader still reads by the descriptions: a heading
cell printing several heads (三级指标年度指标值, or two wrapped heads read line by line) spans the
columns under it; numbers OCR put in one cell go to the numeric columns (`Column.numeric`) they
stand under, one each, or to a blank neighbour (`100 95.77` | ``), never split where no space was
printed; a funds label OCR damaged (项目资元)) still gives the unit printed after it.

This module keeps the document-level reading: classifying segments, opening, continuing,
stitching and closing forms. The parts it applies live apart, each reading one thing:
`labels` (matching printed text to the descriptions), `provenance` (where a value was printed),
`columns` (the grid's columns by their headings), `state` (the header and open-form records),
`cellvalues` (several values in one cell), `funds` (the funds matrix), `header` (the header
block, label by label), `gridshape` (a grid's columns by its lines' shape, where no heading
names them) and `rows` (grid lines into indicator rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows.forms.blocktotals import settle_block_by_totals
from flows.forms.celllines import foot_band_cut
from flows.forms.cellvalues import NUMBER_RE
from flows.forms.columns import (
    EDGE_STRAY,
    GridColumns,
    find_heading,
    heads_named,
    read_columns,
    relative,
    unread_heading,
    without_blank_edge_columns,
)
from flows.forms.edgeglyph import glyph_over_an_edge_digit
from flows.forms.execreread import reread_block_by_arithmetic
from flows.forms.funds import (
    funds_amid_marks,
    part_from_total,
    separators_by_unit,
    settle_funds_by_sum,
    settle_matrix_by_sum,
    total_from_parts,
)
from flows.forms.fundsreread import reread_funds_by_sum, reread_lone_amount
from flows.forms.gridshape import grid_by_shape
from flows.forms.header import UNREAD_LABEL, completes_cut_label, read_header, unit_line_above
from flows.forms.labels import (
    ALL_COLUMNS,
    ALL_OPENERS,
    after_a_mark,
    begins_level1,
    cell_text,
    column_alternatives,
    label_alternatives,
    level1_fragment,
    match_printed,
    slipped_label,
    title_line,
)
from flows.forms.leftrows import read_left_rows, top_lines
from flows.forms.levels import level1_by_category, level1_of_fragments, level2_by_vocabulary
from flows.forms.linegrid import rebuild
from flows.forms.lostopener import lost_opener, opener_label, with_cut_opener
from flows.forms.names import settle_name_by_own_print, settle_slipped_names
from flows.forms.notes import Note, keys_of, withdraw
from flows.forms.outside import opener_at_foot, with_opener_above, with_rows_lost_between
from flows.forms.provenance import Where
from flows.forms.rows import append_rows
from flows.forms.spec import FORMS, SPEC_OF, FormSpec
from flows.forms.state import OpenForm, form_note, name_field, name_of
from flows.forms.titlecell import with_title_cut_off
from flows.forms.titled import titled_elsewhere
from flows.forms.totalrow import total_numbers_alone, total_row_alone, total_row_from_lines
from flows.forms.totals import (
    fill_blank_by_totals,
    score_problem,
    settle_marks_by_totals,
    split_glued_lines,
)
from flows.forms.years import (
    fill_missing_years,
    find_year,
    year_in_annex_line,
    year_in_bracket_line,
    year_in_title_cell,
)
from flows.models import (
    BoxReread,
    Cell,
    CellLine,
    FundsBlock,
    IndicatorRow,
    PageGrid,
    ProjectForm,
    SourcedValue,
    Table,
)
from flows.text import label_key

# ---------------------------------------------------------------- classification


def classify(table: Table, start: int, end: int, page: PageGrid) -> FormSpec | None:
    """The form a segment opens, from its opener label and what it prints; None when it prints
    no opener (a continuation, or a table of another kind). An opener is matched as every label
    is (`match_printed`): OCR's 顾目名称 opens a form as 项目名称 does, as `segments` cuts it."""
    candidates: list[FormSpec] = []
    texts = [c.text for c in table.cells if start <= c.row < end]
    for spec in FORMS:
        openers = [(op, op) for op in spec.openers]
        if any(prints_opener(text, openers, not page.has_text_layer) for text in texts):
            candidates.append(spec)
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    told = told_apart(candidates, table, start, end, page)
    return told if told is not None else unmarked(candidates)


def prints_opener(text: str, openers: list[tuple[str, object]], ocr: bool) -> bool:
    """Whether a cell's printed text prints an opener label: as printed or one OCR slip away
    (`match_printed`), or on an OCR page (`ocr`) after a mark or two no label starts with
    (`after_a_mark`: dev lg_9835 p2 `1项目名称：特种设备安全监察`, a speck read as `1`) or one
    slip away before a gap and its value (`slipped_label`), as every header label is read. A
    text layer prints no speck and misreads no glyph: its `1、项目名称` is a list's item."""
    key = label_key(text)
    if match_printed(key, openers) is not None:
        return True
    return ocr and (after_a_mark(key, openers) or slipped_label(text, openers)) is not None


def _openers_after_a_mark(
    table: Table, start: int, end: int, spec: FormSpec, page: PageGrid
) -> list[str]:
    """One note per cell of rows start..end-1 that opens `spec` only after a mark
    (`prints_opener`, OCR pages only), naming the cell: the mark is not read as text."""
    if page.has_text_layer:
        return []
    openers = [(op, op) for op in spec.openers]
    notes = []
    for cell in table.cells:
        key = label_key(cell.text)
        if not start <= cell.row < end or match_printed(key, openers) is not None:
            continue
        if after_a_mark(key, openers) is not None:
            notes.append(
                f"page {page.page}: the cell '{cell.text}' (row {cell.row}) opens a {spec.form} "
                "with its label after a mark no label starts with (a speck or a worn rule's "
                "remnant), not read as text"
            )
    return notes


def told_apart(
    candidates: list[FormSpec], table: Table, start: int, end: int, page: PageGrid
) -> FormSpec | None:
    """Which of forms sharing an opener rows start..end-1 of `table` print: told apart by grid
    columns, funds heads, then the title lines; None when they print no mark of any."""
    keys = [label_key(c.text) for c in table.cells if start <= c.row < end]
    marks: dict[str, set[str]] = {}
    for key in keys:
        hit = match_printed(key, ALL_COLUMNS)
        if hit is not None:
            marks.setdefault("columns", set()).add(hit[0].field)  # type: ignore[attr-defined]
    for spec in candidates:
        if spec.grid_marks and set(spec.grid_marks) & marks.get("columns", set()):
            return spec
        if spec.funds_matrix is not None:
            heads = column_alternatives(spec.funds_matrix.cols)
            if sum(1 for k in keys if match_printed(k, heads) and k.endswith("数")) >= 2:
                return spec
    titles = [label_key(line.text) for line in page.lines]
    for spec in candidates:
        if spec.grid_marks and any(m in t for t in titles for m in spec.title_marks):
            return spec
    return None


def unmarked(candidates: list[FormSpec]) -> FormSpec:
    """The form taken when forms sharing an opener print no mark of any: the one without
    `grid_marks` (the 绩效目标表)."""
    return next(s for s in candidates if not s.grid_marks)


def segments(table: Table, ocr: bool = False) -> list[tuple[int, int]]:
    """Row ranges of the forms printed in one ruled table: a new form starts at a row printing an
    opener (`prints_opener`; `ocr`: the table is an OCR page's) after the previous form's grid
    heading."""
    out, start, seen_heading = [], 0, False
    for r in range(table.n_rows):
        if find_heading(table, r, r + 1) is not None:
            seen_heading = True
            continue
        opens = any(prints_opener(c.text, ALL_OPENERS, ocr) for c in table.row_cells(r))
        if opens and seen_heading and r > start:
            top = r
            while top - 1 > start and prints_title_only(table, top - 1):
                top -= 1  # the next form's title, printed between the two: not the grid's
            out.append((start, top))
            start, seen_heading = top, False
    out.append((start, table.n_rows))
    return out


def prints_title_only(table: Table, row: int) -> bool:
    """Whether every cell printed on the row is a form's title or year line: a grid that joined
    two forms printed one under the other (a scan's rules bridging the gap between them) holds
    the lower form's title (`项目支出绩效目标申报表(2021 年度)`) in a row of its own, above its
    opener; read as a line of the grid above, it gave the lower form the page's first year."""
    printed = [c for c in table.row_cells(row) if c.text.strip()]
    return bool(printed) and all(title_line(c.text) for c in printed)


# ---------------------------------------------------------------- reading a document


def read_document(
    pages: list[PageGrid], reread: BoxReread | None = None
) -> tuple[list[ProjectForm], list[str]]:
    """All forms in a document, in print order, and the problems met (one sentence each).
    `reread`, where the extraction stage offers it, reads a box of a page again: asked only for
    the cells of a funds block that does not add up (`reread_funds_by_sum`) or of an execution
    block whose arithmetic fails (`reread_block_by_arithmetic`)."""
    forms: list[ProjectForm] = []
    problems: list[str] = []
    open_form: OpenForm | None = None
    for i, page in enumerate(pages):
        foot = opener_at_foot(page, pages[i + 1] if i + 1 < len(pages) else None, problems)
        tables = with_rows_lost_between(page)
        printed_tables = list(enumerate([*tables, *([foot] if foot is not None else [])]))
        if not page.has_text_layer:
            printed_tables = _grids_from_lines(page, printed_tables, problems)
        if not page.has_text_layer and open_form is not None:
            top = min((t.bbox[1] for _, t in printed_tables), default=None)
            _total_row_in_free_lines(open_form, page, problems, top)
            _left_rows_in_free_lines(open_form, page, problems, top, len(printed_tables))
        for ti, printed in printed_tables:
            table = with_opener_above(page, printed, problems)
            table = with_title_cut_off(page, table, problems)
            for start, end in segments(table, not page.has_text_layer):
                where = Where(page, table, ti)
                if start > 0 and prints_title_only(table, start):
                    problems.append(_title_between_note(page.page, table, start))
                open_form = _read_segment(where, start, end, open_form, forms, problems)
    if open_form is not None:
        _finish(open_form, forms, problems)
    ocr_pages = {page.page: page.review_below for page in pages if not page.has_text_layer}
    for form in forms:
        glyph_over_an_edge_digit(form, ocr_pages, problems)
        funds_amid_marks(form, ocr_pages, problems)
        settle_funds_by_sum(form, ocr_pages, problems)
        separators_by_unit(form, ocr_pages, problems)
        reread_funds_by_sum(form, ocr_pages, reread, problems)
        reread_lone_amount(form, pages, ocr_pages, reread, problems)
        total_from_parts(form, ocr_pages, problems)
        part_from_total(form, ocr_pages, problems)
        settle_matrix_by_sum(form, SPEC_OF[form.form], ocr_pages, problems)
        if form.first_page in ocr_pages:
            split_glued_lines(form, problems)
            settle_marks_by_totals(form, problems)
            fill_blank_by_totals(form, problems)
            settle_block_by_totals(form, problems)
            reread_block_by_arithmetic(form, ocr_pages, reread, problems, pages)
    settle_slipped_names(forms, ocr_pages, problems)
    settle_name_by_own_print(forms, ocr_pages, problems)
    fill_missing_years(forms, problems)
    return forms, problems


def _title_between_note(page: int, table: Table, row: int) -> str:
    text = " ".join(c.text.strip() for c in table.row_cells(row) if c.text.strip())
    return (
        f"page {page}: row {row} {text!r}, printed between two forms of one ruled table, read "
        "as the title of the form below it, not as a line of the grid above"
    )


def _total_row_in_free_lines(
    open_form: OpenForm, page: PageGrid, problems: list[str], top: float | None = None
) -> None:
    """The 总分 row of an open self-evaluation's grid carried alone onto an OCR page as free
    lines (one row whose dashed or worn rules make no grid: dev lg_9453 p2, its only text the
    free line `总分 100 96.8`), above the page's first table (`top`) when the page has tables
    (dev4 lg_39400_自评 p2: the next project's header shares the page): read from those lines
    as from a text row (`total_row_from_lines`), so only when the weight is the sum of the
    weights read and the score the sum of the scores read."""
    lines = [ln for ln in page.lines if top is None or ln.bbox[3] <= top]
    if open_form.closed_grid or open_form.columns is None or not lines:
        return
    box = (
        min(ln.bbox[0] for ln in lines),
        min(ln.bbox[1] for ln in lines),
        max(ln.bbox[2] for ln in lines),
        max(ln.bbox[3] for ln in lines),
    )
    placed = tuple(CellLine(ln.text, ln.bbox, ln.confidence) for ln in lines)
    text = " ".join(ln.text for ln in placed)
    sure = min(ln.confidence for ln in placed)
    cell = Cell(row=0, col=0, text=text, bbox=box, confidence=sure, lines=placed)
    free = Table(1, 1, [cell], box, page.extractor or "")
    total_row_from_lines(open_form, Where(page, free, 0), 0, 1, problems)


def _left_rows_in_free_lines(
    open_form: OpenForm, page: PageGrid, problems: list[str], top: float | None, index: int
) -> None:
    """An open grid's last line(s) a page break left alone at the top of an OCR page, under no
    ruled table (above the page's first table, `top`; the whole page when it has none), read
    as the grid's lines by its heading's columns (`leftrows`), said in a note; what no column
    takes is said too, naming the page and the text, never left out silently."""
    if open_form.closed_grid or open_form.columns is None:
        return
    lines = top_lines(page, top)
    if not lines:
        return
    numeric = frozenset(c.field for c in open_form.spec.columns if c.numeric)
    left = read_left_rows(lines, open_form.columns, numeric)
    if left.table is not None:
        where = Where(page, left.table, index)
        columns = open_form.columns.on(left.table)
        if columns is not None:
            first = len(open_form.indicators)
            open_form.columns = columns
            append_rows(open_form, where, 0, left.table.n_rows, after_break=True, problems=problems)
            problems.append(
                form_note(
                    open_form,
                    page.page,
                    f"{len(open_form.indicators) - first} indicator line(s) printed under no "
                    "ruled table found (a page break's leftover of the grid) read as the "
                    "grid's lines by the columns of its heading: "
                    + "; ".join(repr(t) for t in left.read),
                )
            )
        else:
            left = replace(left, unread=[*left.unread, *left.read])
    if left.unread:
        problems.append(
            form_note(
                open_form,
                page.page,
                "text printed under no ruled table found after the grid, not read as its line "
                "(no column of its heading places it): " + "; ".join(repr(t) for t in left.unread),
            )
        )


def _grids_from_lines(
    page: PageGrid, tables: list[tuple[int, Table]], problems: list[str]
) -> list[tuple[int, Table]]:
    """The tables of an OCR page, each cell OCR recovered with no row below it that holds the
    grid's heading and lines (its rules lost) rebuilt from its lines (`linegrid.rebuild`): the
    table above it, then the rebuilt grid as a table of its own (same index: printed in the
    same ruled table)."""
    out: list[tuple[int, Table]] = []
    for ti, table in tables:
        found = None
        for cell in sorted(table.cells, key=lambda c: c.row):
            if cell.lines:
                found = rebuild(table, cell)
            if found is not None:
                break
        if found is None:
            out.append((ti, table))
            continue
        problems.append(f"page {page.page}: {found.note}")
        out += [(ti, found.above), (ti, found.grid)]
    return out


def _read_segment(
    where: Where,
    start: int,
    end: int,
    open_form: OpenForm | None,
    forms: list[ProjectForm],
    problems: list[str],
) -> OpenForm | None:
    table, page = where.table, where.page
    heading = find_heading(table, start, end)
    if heading is None and not page.has_text_layer:
        found = _heading_at_a_merged_foot(table, start, end)
        if found is not None:
            table, heading, note = found
            where = Where(page, table, where.table_index)
            problems.append(f"page {page.page}: {note}")
    head_row, data_row = heading if heading is not None else (end, end)
    spec = classify(table, start, min(head_row + 1, end), page)
    lost = None
    if spec is None and not page.has_text_layer and (open_form is None or open_form.columns):
        # not a header's continuation: a header whose opener OCR cut or lost opens its form
        cut = with_cut_opener(table, start, min(head_row + 1, end), page.page)
        if cut is not None:
            table, note = cut
            where = Where(page, table, where.table_index)
            spec = classify(table, start, min(head_row + 1, end), page)
            problems.append(note)
        if spec is None:
            lost = lost_opener(table, start, head_row)
        if lost is not None:
            told = told_apart(lost.forms, table, start, min(head_row + 1, end), page)
            spec = told if told is not None else unmarked(lost.forms)
    titled = None
    if spec is None and open_form is not None:
        # a table under another form's title is that form's, never the open one's continuation
        titled = titled_elsewhere(page, table, start, min(head_row + 1, end), open_form.spec)
        if titled is not None and titled.value is None:
            problems.append(titled.note(page.page, name_of(open_form)))
            _finish(open_form, forms, problems)
            return None
        if titled is not None:
            spec = titled.spec
    if spec is not None:  # a new form starts here
        before = name_of(open_form) if open_form is not None else ""
        if open_form is not None:
            _finish(open_form, forms, problems)
        problems += _openers_after_a_mark(table, start, min(head_row + 1, end), spec, page)
        header = read_header(table, start, head_row, spec, where, problems)
        if lost is not None:
            for cell in (lost.value, *([lost.piece] if lost.piece is not None else [])):
                withdraw(problems, (UNREAD_LABEL, page.page, where.table_index, cell.row, cell.col))
            header.fields.setdefault(opener_label(spec).field, where.sv(lost.value))
            problems.append(lost.note(page.page, spec.form))
        if titled is not None and titled.value is not None and titled.piece is not None:
            for cell in (titled.value, titled.piece):
                withdraw(problems, (UNREAD_LABEL, page.page, where.table_index, cell.row, cell.col))
            header.fields.setdefault(opener_label(spec).field, where.sv(titled.value))
            problems.append(titled.note(page.page, before))
        year = find_year(page, table, start, head_row, where)
        if year is None:
            year = year_in_title_cell(table, start, head_row, spec, where, problems)
        if year is None:
            year = year_in_annex_line(page, table, start, where, problems)
        if year is None:
            year = year_in_bracket_line(page, table, where, problems)
        if year is not None:
            header.fields.setdefault("year", year)
        unit_line = unit_line_above(page, table) if spec.prints_funds else None
        if unit_line is not None:
            header.fields.setdefault("funds_unit", unit_line)
        open_form = OpenForm(
            spec=spec,
            fields=header.fields,
            first_page=page.page,
            matrix=header.matrix,
            below=header.below,
            cut=header.cut,
            guessed=_guessed(spec, table, start, min(head_row + 1, end), page),
        )
        if heading is not None:
            open_form.columns = read_columns(table, head_row, data_row, spec, where, problems)
            append_rows(open_form, where, data_row, end, after_break=False, problems=problems)
        return open_form
    if open_form is not None and open_form.columns is None:
        # the rest of a header cut by a page break, and perhaps the grid
        if open_form.guessed:
            _tell_on_continuation(open_form, where, start, min(head_row + 1, end), problems)
        if open_form.cut:
            table = _stitch_cut_labels(table, start, open_form, problems)
            where = Where(page, table, where.table_index)
        said: list[str] = []
        header = read_header(
            table,
            start,
            head_row,
            open_form.spec,
            where,
            said,
            open_form.matrix,
            open_form.below,
        )
        lines = _header_end(header.fields, where, start) if heading is None else end
        shaped = grid_by_shape(table, lines, end, open_form.spec) if lines < end else None
        if shaped is not None:
            # the rest of the header, then the grid's lines with no heading over them
            said = []
            header = read_header(
                table,
                start,
                lines,
                open_form.spec,
                where,
                said,
                open_form.matrix,
                open_form.below,
            )
        if shaped is not None:
            _lines_by_shape(open_form, where, lines, end, shaped, problems)
            end = lines  # the header's rows are read below, the lines were
        problems.extend(said)
        open_form.matrix, open_form.cut, open_form.below = header.matrix, header.cut, header.below
        for name, v in header.fields.items():
            open_form.fields.setdefault(name, v)
        if heading is not None:
            open_form.columns = read_columns(
                table, head_row, data_row, open_form.spec, where, problems
            )
            append_rows(open_form, where, data_row, end, after_break=False, problems=problems)
        elif not header.fields and open_form.columns is None:
            problems.append(
                f"page {page.page}: a table with neither a header label nor an indicator grid "
                f"after the header of {name_of(open_form)}; skipped"
            )
        return open_form
    if (
        open_form is not None
        and heading is not None
        and _blank_rows(table, start, head_row)
        and not open_form.closed_grid
    ):
        # the grid continues with its heading row repeated
        unknown: list[str] = []
        columns = read_columns(table, head_row, data_row, open_form.spec, where, unknown)
        assert open_form.columns is not None
        if columns.fields() != open_form.columns.fields() or unknown:
            read = columns
            columns = _repeated_heading(
                open_form.columns, columns, where, head_row, unknown, open_form.spec
            )
            if columns is None:
                columns = _heading_over_no_line(open_form, read, where, problems)
        if columns is not None:
            added = columns.fields() - open_form.columns.fields()
            filled, moved = _back_fill(open_form, columns, added, problems) if added else (0, [])
            if filled:
                withdraw(unknown, (ADDED_COLUMNS, page.page))  # the lines before are filled
                read_there = (columns.x_ranges[f] for f in added if f in columns.x_ranges)
                for key in open_form.columns.unread_under(read_there):
                    withdraw(problems, key)  # the first heading's cell printing an added head
                unknown.append(
                    f"page {page.page}: the grid's heading repeated here names the column(s) "
                    f"{', '.join(f for f in columns.by_field if f in added)} its first "
                    "heading did not (OCR lost them "
                    f"there): the lines from here on read them; {filled} line(s) before read "
                    "them from their cells standing where it prints them"
                    + "".join(
                        f"; {g} read where it prints it (the first heading's '{g}' cell stood "
                        "over the added column too)"
                        for g in moved
                    )
                )
            problems.extend(unknown)
            open_form.columns = columns
            append_rows(open_form, where, data_row, end, after_break=True, problems=problems)
            return open_form
    elif open_form is not None and heading is None and open_form.columns is not None:
        columns = None if open_form.closed_grid else open_form.columns.on(table)
        if columns is None and not open_form.closed_grid and not page.has_text_layer:
            columns, where = _on_without_blank_edges(open_form, where, problems)
        if columns is not None:
            open_form.columns = columns
            append_rows(open_form, where, start, end, after_break=True, problems=problems)
            return open_form
        if (
            not open_form.closed_grid
            and not open_form.indicators
            and (shaped := grid_by_shape(table, start, end, open_form.spec)) is not None
        ):
            _lines_by_shape(open_form, where, start, end, shaped, problems)
            return open_form
        if not open_form.closed_grid and total_row_alone(open_form, where, start, end, problems):
            return open_form
        if not open_form.closed_grid and total_numbers_alone(
            open_form, where, start, end, problems
        ):
            return open_form
        if not open_form.closed_grid and total_row_from_lines(
            open_form, where, start, end, problems
        ):
            return open_form
    kind = (
        "with an indicator grid but no 项目名称/部门名称"
        if heading is not None
        else "of another kind"
    )
    problems.append(
        f"page {page.page}: a table {kind} ({end - start}×{table.n_cols}); not read as a "
        "绩效目标表 or 自评表, and not appended to another table"
    )
    return open_form


def _header_end(fields: dict[str, SourcedValue], where: Where, start: int) -> int:
    """The row after the last one of this table a header value was read from (`start` when
    none was): where the grid's lines may begin when no heading was found."""
    rows = [
        v.row
        for v in fields.values()
        if v.page == where.page.page and v.table_index == where.table_index and v.row is not None
    ]
    return max(rows, default=start - 1) + 1


def _lines_by_shape(
    form: OpenForm,
    where: Where,
    start: int,
    end: int,
    shaped: tuple[GridColumns, list[Cell]],
    problems: list[str],
) -> None:
    """Append rows start..end-1, after a header under which no grid heading was read (or one
    they do not line up with, no line read under it), as that grid's lines by the shape
    `gridshape.grid_by_shape` found in them (a scan's heading lost at the header page's foot,
    the lines on the next page printed without it, were read as header cells and lost), with a
    note naming the page, table and the columns so read."""
    columns, strays = shaped
    placed = ", ".join(f"{f} {c}" for f, c in sorted(columns.by_field.items(), key=lambda x: x[1]))
    unread = "; ".join(f"'{c.text.strip()}' (row {c.row}, column {c.col})" for c in strays)
    problems.append(
        form_note(
            form,
            where.page.page,
            f"table {where.table_index}, rows {start}-{end - 1} ({where.table.n_cols} columns), "
            "prints no heading and no line was read under a heading it lines up with; its rows "
            "have the grid's shape (category labels, a name column, a value column) and are read "
            f"as its lines by column: {placed}"
            + (f"; left unread, in no column of that shape: {unread}" if strays else ""),
        )
    )
    form.columns = columns
    fragments = [
        c
        for c in where.table.cells
        if c.col == columns.by_field["level1"] and start <= c.row < end and level1_fragment(c.text)
    ]
    # the first line's 一级 the end of a label begun on the page before: lines were lost there
    cut = any(c.row == start and not begins_level1(c.text) for c in fragments)
    first = len(form.indicators)
    append_rows(form, where, start, end, False, problems, lines_lost_before=cut)
    notes = level1_of_fragments(form.indicators[first:], fragments, where.page.page)
    opening = form.indicators[first] if len(form.indicators) > first else None
    if cut and opening is not None and not opening.level2.value:
        notes.append(
            f"the 二级 label of the line '{opening.name.value}' (row {opening.name.row}) is "
            "blank: printed on the page before with the lines not read there; left blank"
        )
    problems.extend(form_note(form, where.page.page, n) for n in notes)


def _on_without_blank_edges(
    form: OpenForm, where: Where, problems: list[str]
) -> tuple[GridColumns | None, Where]:
    """The grid's columns on an OCR table continuing it once the blank columns at its edges are
    cut off (`without_blank_edge_columns`: a page edge taken for a rule), and the table cut so;
    (None, `where`) when there are none or the rest does not line up either. Noted, naming
    the page and what was cut."""
    assert form.columns is not None
    found = without_blank_edge_columns(where.table)
    if found is None:
        return None, where
    table, left, right = found
    columns = form.columns.on(table)
    if columns is None:
        return None, where
    page = where.page.page
    problems.append(
        f"page {page}: {name_of(form)}: table {where.table_index} continues the grid once "
        f"{left} blank column(s) at its left edge and {right} at its right are cut off "
        "(no cell in them prints anything: a page edge taken for a rule); its lines read so"
    )
    return columns, Where(where.page, table, where.table_index)


def _sharing_opener(spec: FormSpec) -> list[FormSpec]:
    """The forms opening with a label `spec` opens with (`spec` among them)."""
    return [s for s in FORMS if set(s.openers) & set(spec.openers)]


def _guessed(spec: FormSpec, table: Table, start: int, end: int, page: PageGrid) -> bool:
    """Whether the form a segment opens was taken for want of marks: forms share its opener
    and the segment prints no mark of any (`told_apart`)."""
    sharing = _sharing_opener(spec)
    return len(sharing) > 1 and told_apart(sharing, table, start, end, page) is None


def _tell_on_continuation(
    form: OpenForm, where: Where, start: int, end: int, problems: list[str]
) -> None:
    """Read a guessed form as the form the rest of its header tells: a page break after the
    opener (dev lg_8159: 项目名称 alone on page 1, its title read into the table) left the
    self-evaluation's marks (实际完成值, 年初预算数…) to the next page, and the form taken for
    want of them (the 绩效目标表) read none of them. Kept when a field already read is not
    the other form's."""
    told = told_apart(_sharing_opener(form.spec), where.table, start, end, where.page)
    form.guessed = told is None
    if told is None or told is form.spec:
        return
    if not set(form.fields) <= {f for _, f, _ in told.all_fields()}:
        return
    problems.append(
        form_note(
            form,
            where.page.page,
            f"the header continued here prints the marks of a {told.form} (grid columns or "
            f"funds heads) the table opened on page {form.first_page} did not; read as one",
        )
    )
    form.spec = told


def _blank_rows(table: Table, start: int, end: int) -> bool:
    """Whether rows start..end-1 of `table` print nothing (true when there are none): a band
    of paper an OCR grid took into the table above a repeated heading (dev lg_3952 p3: a
    stray rule at the page's top edge made a blank row over the heading, and the continued
    grid was read as a table of no form) is no row of the form, so the heading still opens
    the segment."""
    return all(not c.text.strip() for c in table.cells if start <= c.row < end)


# Key of the note on columns a repeated heading adds (withdrawn when the lines before are filled)
ADDED_COLUMNS = "columns added by a repeated heading"

# How much of a long merged cell's text a note shows
SHOWN = 24


def _heading_at_a_merged_foot(
    table: Table, start: int, end: int
) -> tuple[Table, tuple[int, int], str] | None:
    """(table, heading, note) when the grid's heading is the foot of a cell OCR merged with the
    rows above it (the rules above the heading lost): that foot cut off as a row of its own,
    parted by the grid columns under it (`foot_band_cut`), read as the heading when it is one
    (`find_heading` on its row). None otherwise."""
    for cell in sorted(table.cells, key=lambda c: c.last_row):
        if not (start <= cell.row and cell.last_row + 1 < end) or not cell.lines:
            continue
        cut = foot_band_cut(table, cell)
        if cut is None:
            continue
        found = find_heading(cut[0], cell.last_row, end)
        if found is None or found[0] != cell.last_row:
            continue
        heads = " | ".join(p.text for p in cut[1])
        shown = cell.text if len(cell.text) <= SHOWN else cell.text[:SHOWN] + "…"
        note = (
            f"the grid's heading read from the foot of the cell '{shown}' (OCR found no "
            f"rule above it): its lowest lines, parted by the grid columns under them: {heads}"
        )
        return cut[0], found, note
    return None


def _stitch_cut_labels(table: Table, start: int, form: OpenForm, problems: list[str]) -> Table:
    """The table with the rest of a label a page break cut (金（元） under 项目资 at the foot of
    the page before) joined to its first part, so it reads as the label (项目资金（元）); the
    first part's unknown-cell note is withdrawn."""
    labels = label_alternatives(form.spec)
    cells = list(table.cells)
    for i, cell in enumerate(cells):
        if cell.row != start or not cell_text(cell):
            continue
        x0, x1 = relative(table, cell.bbox[0], cell.bbox[2])
        for first, (a, b), note in form.cut:
            joined = first.text.strip() + cell.text.strip()
            if min(x1, b) - max(x0, a) <= EDGE_STRAY or not completes_cut_label(
                first.text, cell.text, labels
            ):
                continue
            cells[i] = Cell(
                row=cell.row,
                col=cell.col,
                text=joined,
                bbox=cell.bbox,
                rowspan=cell.rowspan,
                colspan=cell.colspan,
                confidence=min(cell.confidence, first.confidence),
            )
            for key in keys_of(note):
                withdraw(problems, key)
            break
    form.cut = []
    return Table(table.n_rows, table.n_cols, cells, table.bbox, table.extractor)


def _repeated_heading(
    before: GridColumns,
    read: GridColumns,
    where: Where,
    head: int,
    unknown: list[str],
    spec: FormSpec,
) -> GridColumns | None:
    """A heading row repeated on a continuation page where OCR misread a heading (权 for 权重):
    the columns read by their headings, completed by the positions of the grid it continues
    when the two agree; a misread heading whose column got its field that way is no problem.
    The repeated heading may also name more columns than the first one did (OCR lost 权重 and
    得分 there): the columns before, where they stand, plus those it adds, which the lines from
    here on are read by (`unknown` gets a note saying so). None when the table does not line up
    with the grid before the break."""
    table, page = where.table, where.page.page
    aligned = before.on(table)
    if aligned is None or aligned is before and table.n_cols != before.n_cols:
        return None
    read = _head_printed_twice(aligned, read, where, head, spec, unknown)
    shared = _heads_sharing_a_cell(read, before)
    if any(
        aligned.by_field.get(f) not in (None, c) and f not in shared
        for f, c in read.by_field.items()
    ):
        return None
    by_field = {**aligned.by_field, **read.by_field}
    if not before.fields() <= set(by_field):
        return None
    for c in set(by_field.values()):
        cell = table.at(head, c)
        if cell is not None:
            withdraw(unknown, unread_heading(where, cell))
    added = [f for f in by_field if f not in before.fields()]
    if any(
        _over_placed(read.x_ranges.get(f), before) and not _split_off(f, read, before)
        for f in added
    ):
        return None  # a column the first heading gave to another field: another grid
    if added:
        unknown.append(
            Note(
                f"page {page}: the grid's heading repeated here names the column(s) "
                f"{', '.join(added)} its first heading did not (OCR lost them there): the lines "
                "from here on read them, the lines before keep them blank",
                (ADDED_COLUMNS, page),
            )
        )
    return GridColumns(
        by_field=by_field,
        n_cols=table.n_cols,
        x_ranges={
            **read.x_ranges,
            **{f: x for f, x in before.x_ranges.items() if f not in shared},
        },
        width=read.width,
        right=read.right,
        unread={**read.unread, **before.unread},
    )


def _head_printed_twice(
    aligned: GridColumns,
    read: GridColumns,
    where: Where,
    head: int,
    spec: FormSpec,
    problems: list[str],
) -> GridColumns:
    """`read` without the fields its heading row names twice, once where the grid before the
    break holds that field (OCR read 二级指标 as 三级指标 beside the real one, dev3 lg_21079_自评
    p2): the first of the two took the field, the columns did not line up and the page was lost.
    The grid before tells which of the two cells is the field's; the other column keeps the
    field the grid before gives it (`by_field` below). Noted, naming the page and columns."""
    table, dropped = where.table, []
    for f, c in read.by_field.items():
        there = aligned.by_field.get(f)
        cell = table.at(head, there) if there is not None and there != c else None
        if cell is not None and f in heads_named(cell.text, spec):
            dropped.append(f)
            problems.append(
                f"page {where.page.page}: the grid's heading repeated here names {f} over both "
                f"column {c} and column {there}; the grid before the break holds it at column "
                f"{there}, so column {c} is read as its "
                f"{next((g for g, k in aligned.by_field.items() if k == c), 'nothing')} "
                f"(OCR misread its head '{(table.at(head, c) or cell).text}')"
            )
    if not dropped:
        return read
    return replace(
        read,
        by_field={f: c for f, c in read.by_field.items() if f not in dropped},
        x_ranges={f: x for f, x in read.x_ranges.items() if f not in dropped},
    )


# The fields a continued grid is lined up by (`GridColumns.on` holds the same two).
NAME_FIELD, VALUE_FIELD = "indicator_name", "target"


def _heading_over_no_line(
    form: OpenForm, read: GridColumns, where: Where, problems: list[str]
) -> GridColumns | None:
    """The columns of a grid's heading repeated after a page break that does not line up with
    the heading before it, when no line was read under that one (it stood at the page's foot,
    the grid's lines all on this page: dev2 lg_10180, its first heading's rules lost so
    `三级指标 指标 性质` and `年度指标值 度量单位` were one cell each): this heading is the
    grid's, read by its own heads, when it names every field the first one did.

    The same when lines were read before under a first heading that gave no column to the
    value (its head run together with others in one cell over fewer grid columns, said there:
    dev10 lg_96181 p1 `指标性质 目标值 度量 单位`, every line of page 2 lost as a table of no
    form) and the 三级指标 column stands where it stood (`_same_name_column`): the lines before
    keep what they were read with, the lines from here on are read by this heading's heads.
    None when a line was read under a first heading that had a value column (the grid is laid
    out by the heading it was read by) or a field is missing from this one."""
    if form.columns is None or not form.columns.fields() <= read.fields():
        return None
    if form.indicators and (
        VALUE_FIELD in form.columns.fields()
        or VALUE_FIELD not in read.fields()
        or not _same_name_column(form.columns, read)
    ):
        return None
    under = (
        "under whose lines no value column was read (its head run together with others)"
        if form.indicators
        else "under which no line was printed"
    )
    problems.append(
        form_note(
            form,
            where.page.page,
            "the grid's heading repeated here does not line up with the heading before the page "
            f"break, {under}: the lines are read by this heading ({', '.join(read.by_field)})",
        )
    )
    return read


def _same_name_column(before: GridColumns, read: GridColumns) -> bool:
    """Whether the 三级指标 column of a repeated heading starts and ends where the first
    heading's did, as shares of the heading's frame (`EDGE_STRAY`): the same grid, its pages
    of one scale."""
    a, b = before.x_ranges.get(NAME_FIELD), read.x_ranges.get(NAME_FIELD)
    return (
        a is not None
        and b is not None
        and all(abs(x - y) < EDGE_STRAY for x, y in zip(a, b, strict=True))
    )


def _back_fill(
    form: OpenForm, columns: GridColumns, added: set[str], problems: list[str]
) -> tuple[int, list[str]]:
    """The lines read before a repeated heading that names columns the first heading did not
    (OCR lost those heads there) take those columns' values from their own tables: the cell
    starting on the line's row that stands (by its centre, on the heading's frame) where the
    repeated heading prints the column, in no column the first heading gave a field. A numeric
    column takes a number or nothing; a line's score is then checked against its weight. How
    many lines took a value."""
    filled, moved = 0, set[str]()
    numeric = {c.field for c in form.spec.columns if c.numeric}
    wanted = {f: columns.x_ranges[f] for f in added if f in columns.x_ranges}
    assert form.columns is not None
    shared = _heads_sharing_a_cell(columns, form.columns)
    for where, cols in form.grids:
        frame = cols.frame(where.table)
        if frame is None or not wanted:
            continue
        taken = {c for f, c in cols.by_field.items() if f not in shared}
        lines = [
            ind
            for ind in form.indicators
            if ind.name.page == where.page.page
            and ind.name.table_index == where.table_index
            and ind.name.row is not None
        ]
        for ind in lines:
            took = False
            for f, x in wanted.items():
                if f in ind.extra:
                    continue
                cells = _cells_under(where.table, ind.name.row, x, frame, taken)  # type: ignore[arg-type]
                if len(cells) != 1:
                    continue
                text = cells[0].text.strip()
                if f in numeric and text and not NUMBER_RE.fullmatch(text):
                    continue
                ind.extra[f] = where.sv(cells[0], text)
                took = took or bool(text)
                moved |= _replace_shared(ind, cells[0], shared, columns, where, frame, taken)
            filled += took
            if took and form.spec.total_row:
                note = score_problem(ind.extra.get("weight"), ind.extra.get("score"))
                if note is not None:
                    said = f"{ind.name.value}: {note}"
                    problems.append(form_note(form, where.page.page, said))
    return filled, sorted(moved)


def _replace_shared(
    ind: IndicatorRow,
    taken_cell: Cell,
    shared: set[str],
    columns: GridColumns,
    where: Where,
    frame: Callable[[float], float],
    taken: set[int],
) -> set[str]:
    """A line's value of a field whose first heading's cell also stood over an added column
    (`_heads_sharing_a_cell`) that was read from the cell `taken_cell` to that added column: the
    field takes the cell of its line standing where the repeated heading prints it, or blank.
    The fields so re-read."""
    moved: set[str] = set()
    for g in shared:
        value = ind.extra.get(g)
        if value is None or (value.row, value.col) != (taken_cell.row, taken_cell.col):
            continue
        under = _cells_under(where.table, taken_cell.row, columns.x_ranges[g], frame, taken)
        cells = [c for c in under if c is not taken_cell]
        ind.extra[g] = (
            where.sv(cells[0], cells[0].text.strip()) if len(cells) == 1 else where.sv(None)
        )
        moved.add(g)
    return moved


def _over_placed(x: tuple[float, float] | None, before: GridColumns) -> bool:
    """Whether a column a repeated heading adds stands (by most of its width) where the first
    heading placed a field of its own: the added column is then no head OCR lost there."""
    if x is None:
        return True
    return any(_within(x, r) for r in before.x_ranges.values())


def _split_off(added: str, read: GridColumns, before: GridColumns) -> bool:
    """Whether the column a repeated heading adds stands, with a column it gives a field of the
    first heading, within that field's width there: the first heading's cell printed both heads
    run together (their rule lost) and was read as the one (dev5 lg_41271_自评 p1
    `1实际完 权成值 重I`, 实际完成值 over 权重's column too), so the added column is a head OCR
    lost there, not another grid's."""
    x = read.x_ranges.get(added)
    if x is None:
        return False
    return any(
        g != added and g in read.x_ranges and _within(x, r) and _within(read.x_ranges[g], r)
        for g, r in before.x_ranges.items()
    )


def _cells_under(
    table: Table,
    row: int,
    x: tuple[float, float],
    frame: Callable[[float], float],
    taken: set[int],
) -> list[Cell]:
    """The cells starting on `row`, in no grid column of `taken`, whose centre stands (on the
    heading's `frame`) within `x`: where a repeated heading prints a column."""
    x0, x1 = x
    return [
        c
        for c in table.row_cells(row)
        if c.col not in taken and x0 <= frame((c.bbox[0] + c.bbox[2]) / 2) < x1
    ]


def _heads_sharing_a_cell(read: GridColumns, before: GridColumns) -> set[str]:
    """The fields of the first heading whose cell stood over a column the repeated heading adds
    as well as over the field's own (dev6 lg_53086_自评 p4: `未完成原因分析` ran over 得分's
    column, their rule lost, and took the field at 得分's grid column; p5's heading names both):
    the repeated heading places such a field where it prints it, not where the first
    heading's cell began."""
    added = [f for f in read.x_ranges if f not in before.by_field]
    return {
        g
        for g, r in before.x_ranges.items()
        if g in read.x_ranges
        and _within(read.x_ranges[g], r)
        and any(_within(read.x_ranges[f], r) for f in added)
    }


def _within(x: tuple[float, float], r: tuple[float, float]) -> bool:
    """Whether most of the width `x` stands inside `r` (fractions of a grid's width)."""
    return min(x[1], r[1]) - max(x[0], r[0]) > 0.5 * (x[1] - x[0])


# ---------------------------------------------------------------- closing a form


_BLANK = SourcedValue(value="", page=0)


def _finish(form: OpenForm, forms: list[ProjectForm], problems: list[str]) -> None:
    """Close `form` into `forms`; a form whose name could not be read (its 项目名称 row lost to
    the grid and OCR) is not loaded but said in one note naming its page, in place of the notes
    raised about it (keyed by its `notes_key`): rows no one can name or join are no project."""
    key = name_field(form)
    if form.fields.get(key, _BLANK).value.strip():
        forms.append(_close(form, problems))
        return
    withdraw(problems, form.notes_key)
    context = [
        form.fields[f].value
        for f in ("year", "department_name")
        if form.fields.get(f, _BLANK).value.strip()
    ]
    label = next((lb.alternatives[0] for lb in form.spec.labels if lb.field == key), key)
    problems.append(
        f"page {form.first_page}: a {form.spec.form} table"
        + (f" ({', '.join(context)})" if context else "")
        + f" whose {label} could not be read: not loaded ({len(form.indicators)} indicator "
        "lines)"
    )


def _close(form: OpenForm, problems: list[str]) -> ProjectForm:
    level2_by_vocabulary(form, problems)
    level1_by_category(form, problems)
    fields = dict(form.fields)
    missing = [f for f in form.spec.required_fields if not fields.get(f, _BLANK).value.strip()]
    if missing:
        problems.append(
            f"page {form.first_page}: {name_of(form)}: no {', '.join(missing)} could be read "
            f"from the {form.spec.form} table"
        )
    if form.columns is None:
        problems.append(
            f"page {form.first_page}: {name_of(form)}: the header was read but no indicator "
            "grid followed it"
        )
    funds = FundsBlock(
        total=fields.pop("total_funds", None),
        fiscal=fields.pop("fiscal_funds", None),
        other=fields.pop("other_funds", None),
    )
    return ProjectForm(
        fields=fields,
        funds=funds,
        indicators=form.indicators,
        first_page=form.first_page,
        form=form.spec.form,
    )


parse_document = read_document
"""The name the flow used before the reader read more than one form."""
