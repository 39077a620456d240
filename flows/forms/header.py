"""A segment's header block, label by label: the value to a label's right (or glued onto it), or
below it for column heads like 预期目标; a value a page break cut or carried over; the unit a funds
label or a line above the table prints; the cells the descriptions do not know, reported.

Apart because the header is read by labels while the grid below it is read by columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from flows.forms.celllines import stray_marks, unmerge, wrapped_rest_lost
from flows.forms.cellvalues import RULE_MARKS, RULE_STROKES, char_class, numbers_in
from flows.forms.columns import relative
from flows.forms.funds import FUNDS_AMOUNTS, read_funds_matrix
from flows.forms.inline import printed_inline, read_inline_labels
from flows.forms.labels import (
    CODE_IN_BRACKETS_RE,
    NAME_THEN_CODE_RE,
    OPEN_UNIT_RE,
    SLIP_GLYPHS,
    UNIT_RE,
    UNITS,
    PrintedLabel,
    after_a_mark,
    cell_text,
    edit_distance,
    is_label,
    label_alternatives,
    labels_printed_in,
    match_printed,
    printed_after,
    slipped_label,
    title_line,
    unit_label,
    unit_of,
)
from flows.forms.notes import Note
from flows.forms.provenance import Where, on_line
from flows.forms.spec import FUNDS_UNITS, UNIT_LINE_LABEL, FormSpec, Label
from flows.forms.state import Header
from flows.lineshapes import text_height
from flows.models import Cell, CellLine, PageGrid, SourcedValue, Table, TextLine, join_wrapped
from flows.text import SUB_LINE_PREFIX, is_han, is_latin, label_key, normalize

# A funds unit in brackets after a label, its closing bracket perhaps lost: `(万元)`, `(元`
UNIT_ANNOTATION_RE = re.compile(rf"\({UNITS}\)?")


def _unit_wrapped_below(table: Table, cell: Cell, rest: str, end: int) -> tuple[str, Cell | None]:
    """(unit, the cell printing its rest) for a group label whose bracket is left open
    (项目资金（万 | 元）): the annotation wrapped onto a line OCR cut into the cell below; an open
    beginning that only one unit begins with (`（万`: 万元) is that unit."""
    opened = OPEN_UNIT_RE.search(rest)
    if opened is None:
        return "", None
    r = cell.last_row + 1
    below = table.at(r, cell.col) if r < end else None
    if below is not None and below.row == r and below.col == cell.col:
        m = UNIT_ANNOTATION_RE.fullmatch(opened[0] + label_key(below.text))
        if m is not None:
            return m[1], below
    begun = opened["begun"] or ""
    units = [u for u in FUNDS_UNITS if begun and u.startswith(begun)]
    return (units[0], None) if len(units) == 1 else ("", None)


def completes_cut_label(first: str, rest: str, labels: list) -> bool:
    """Whether `rest`, printed under a label a page break cut at the foot of the page before,
    reads with `first` as one label of the form: the rest of a spelling `first` only begins
    (项目资 | 金（元）), or the unit annotation of a label `first` already spells (项目资金 |
    （元）, 资金情况（万 | 元）). Anything else under a whole label is a cell of its own (the
    value beside the next label, a label OCR damaged) and is not glued onto it. A rest that is
    a label by itself joins only as the same label spelt longer (年度 | 总体目标)."""
    joined = match_printed(label_key(first + rest), labels)
    if joined is None:
        return False
    alone = match_printed(label_key(rest), labels)
    if alone is not None:
        return alone[0] is joined[0] and alone[1] == joined[1]
    key = label_key(first)
    if not any(key.startswith(alt) for alt, lb in labels if lb is joined[0]):
        return True
    return UNIT_ANNOTATION_RE.fullmatch(joined[1]) is not None


UNIT_LINE_RE = re.compile(rf"{UNIT_LINE_LABEL}[:：;；]?\s*{UNITS}\s*$")


def unit_line_above(page: PageGrid, table: Table) -> SourcedValue | None:
    """The unit printed on a line of its own above the table (单位：元), nearest first: the unit
    of its amounts when the funds label prints none."""
    found = None
    for line in page.lines:
        m = UNIT_LINE_RE.search(normalize(line.text))
        if m and line.bbox[3] <= table.bbox[1] + 2 and (found is None or line.bbox[1] > found[0]):
            found = (line.bbox[1], line, m[1])
    if found is None:
        return None
    _, line, unit = found
    return on_line(page, line, unit)


def read_header(
    table: Table,
    start: int,
    end: int,
    spec: FormSpec,
    where: Where,
    problems: list[str],
    matrix: list[tuple[str, tuple[float, float]]] | None = None,
    below: list[tuple[str, tuple[float, float]]] | None = None,
) -> Header:
    """Header fields of rows start..end: each label's value is the cell to its right (or below it
    for column heads), or the text glued onto the label when an extractor merged the two.
    `matrix`, `below`: the funds matrix heads and the column heads whose values are still to
    come (`Header.below`) of the page before, when this is the rest of a header."""
    header = Header(matrix=matrix)
    table, marks = _drop_dashed_rule_marks(table, range(start, end))
    problems.extend(f"page {where.page.page}: header {note}" for note in marks)
    table, doubled = _drop_lines_read_twice(table, range(start, end))
    problems.extend(f"page {where.page.page}: header {note}" for note in doubled)
    table, specks = _drop_oversized_marks(table, range(start, end))
    problems.extend(f"page {where.page.page}: header {note}" for note in specks)
    table, unmerged = unmerge(table, range(start, end))
    # after unmerge, whose remnant and speck tests take the marks they know first
    table, strays = _drop_stray_marks(table, range(start, end), label_alternatives(spec))
    problems.extend(f"page {where.page.page}: header {note}" for note in strays)
    cut_off = {(p.row, p.col) for u in unmerged if len(u.parts) > 1 for p in u.parts}
    height = text_height(table)
    problems.extend(f"page {where.page.page}: header {u.note()}" for u in unmerged)
    if below:
        _read_carried_below(table, start, end, below, label_alternatives(spec), where, header)
    if spec.funds_matrix is not None:
        read_funds_matrix(table, start, end, spec, where, header, problems)
    labels = label_alternatives(spec)
    for cell in table.cells:  # before the inline reader, which would read them as one line
        hit = _label_of(label_key(cell.text), labels) if start <= cell.row < end else None
        if hit is None or not hit[1] or hit[0].group or id(cell) in header.used:  # type: ignore[attr-defined]
            continue
        if _labels_of_several_rows(table, cell, hit[0], hit[1], labels, where, header):  # type: ignore[arg-type]
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}' prints the labels of "
                "several rows (OCR found no rule between them): each takes the value beside "
                "its row, in order"
            )
    read_inline_labels(table, start, end, spec, where, header, problems)
    # (value cell, its printed text, its label, the value read): values that may print labels
    hosts: list[tuple[Cell, str, Label, SourcedValue]] = []
    cells = sorted(
        (c for c in table.cells if start <= c.row < end and id(c) not in header.used),
        key=lambda c: (c.row, c.col),
    )
    for cell in cells:
        if id(cell) in header.used:
            continue
        key = label_key(cell.text)
        hit = _label_of(key, labels)
        if hit is None and (wrapped := _label_wrapped_beside_value(cell, labels, height)):
            lb, value = wrapped
            header.used.add(id(cell))
            header.fields.setdefault(lb.field, where.sv(cell, value))
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}' prints the label "
                f"{lb.alternatives[0]} wrapped at its left, its value beside it (OCR read "
                "the two across): read as that label and its value"
            )
            continue
        ocr = not where.page.has_text_layer  # a text layer misreads no glyph
        if hit is None and ocr and (slipped := slipped_label(cell.text, labels)) is not None:
            hit = slipped
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}' is read as the label "
                f"{slipped[0].alternatives[0]} one glyph misread, its value glued on"  # type: ignore[attr-defined]
            )
        if hit is None and (lost := wrapped_rest_lost(cell, key, labels, height)) is not None:
            hit = (lost, "")
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}' is read as the label "
                f"{lost.alternatives[0]} (its lines stand high in the cell: OCR lost the "
                "wrapped rest of the label)"
            )
        if hit is None:
            damaged = unit_label(key, spec)
            if damaged is not None:
                spelling, unit = damaged
                header.used.add(id(cell))
                header.fields.setdefault("funds_unit", where.sv(cell, unit))
                problems.append(
                    f"page {where.page.page}: header cell '{cell.text}' is read as the label "
                    f"{spelling} printing the funds unit {unit} (OCR damaged it)"
                )
            continue
        lb, rest = hit
        assert isinstance(lb, Label)
        header.used.add(id(cell))
        unit = unit_of(cell.text, rest if lb.group else "")
        if unit is None and lb.group and (bracket := _unit_bracket_misread(cell)) is not None:
            unit, glyph = bracket
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}': its funds unit {unit}, the "
                f"closing bracket wrapped onto a line of its own read '{glyph}'"
            )
        if unit is None and lb.group:
            unit, rest_cell = _unit_wrapped_below(table, cell, rest, end)
            if rest_cell is not None:
                header.used.add(id(rest_cell))
            elif (OPEN_UNIT_RE.search(rest) or not rest) and cell.last_row == end - 1:
                # the annotation, or its rest, is on the next page (资金情况（万 | 元）, a vertical
                # 项目资金 | （元）): stitch it there, if the next page prints it
                header.cut.append((cell, relative(table, cell.bbox[0], cell.bbox[2]), ""))
        if unit and "funds_unit" not in header.fields:
            header.fields["funds_unit"] = where.sv(cell, unit)
        rest = UNIT_RE.sub("", rest, count=1)
        if lb.group and (inner := _label_after_group(rest, labels)) is not None:
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}' prints the group label "
                f"{lb.alternatives[0]} and the label {inner.alternatives[0]} (OCR found no rule "
                "between them): read as that label"
            )
            lb, rest = inner, ""
        if lb.group:
            continue
        if lb.below and rest:  # the head merged down with its value (预期目标1.按计划完成…)
            glued = printed_after(cell.text, len(key) - len(rest))
            header.fields.setdefault(lb.field, where.sv(cell, glued))
            continue
        if lb.below:
            below = table.at(cell.last_row + 1, cell.col) if cell.last_row + 1 < end else None
            if below is not None and id(below) not in header.used:
                header.used.add(id(below))
                header.fields.setdefault(lb.field, where.sv(below))
            elif below is None and cell.last_row + 1 == end:  # its value is on the next page
                header.below.append((lb.field, relative(table, cell.bbox[0], cell.bbox[2])))
            continue
        right = _right_of(table, cell)
        if right is not None and (past := _past_a_sliver(table, cell, right, labels, height)):
            header.used.add(id(right))
            problems.append(
                f"page {where.page.page}: header cell '{cell.text}': the blank cell beside it "
                f"({right.bbox[2] - right.bbox[0]:.0f} px wide, narrower than a character) is "
                f"a stray rule's sliver, not its value; its value is the cell after it "
                f"'{past.text}'"
            )
            right = past
        right_is_label = right is not None and _label_of(label_key(right.text), labels) is not None
        below = _value_below(table, cell, end, labels, header)
        if (
            not rest
            and below is not None
            and (right is None or right_is_label or not cell_text(right))
        ):
            # a label over its value (年度本级预算金额 above 2692.54)
            header.used.add(id(below))
            header.fields.setdefault(lb.field, where.sv(below))
            continue
        if not rest and right is None and below is None and lb.wide:
            line = line_beside(where.page, table, cell)
            if line is not None and lb.field not in header.fields:
                header.fields[lb.field] = on_line(where.page, line, line.text.strip())
                problems.append(
                    f"page {where.page.page}: header cell '{cell.text}' has no cell beside it "
                    f"(the table's frame ends there); its value is the line printed beside it "
                    f"in its row, outside the grid '{line.text.strip()}'"
                )
            continue
        if rest and (right is None or not label_key(right.text) or right_is_label):
            # beside a label printing its value, a cell of nothing a label key keeps (`其中`:
            # the next label's prefix, cut off it by a rule) is no value (dev9 lg_82402 p2)
            if lb.field not in header.fields:
                header.fields[lb.field] = where.sv(cell, rest)
                printed = printed_after(cell.text, len(key) - len(rest))
                hosts.append((cell, printed, lb, header.fields[lb.field]))
            if right is not None and not right.text.strip():
                header.used.add(id(right))
        elif right is not None and _amounts_of_several(table, right, labels, where, header):
            problems.append(
                f"page {where.page.page}: header cell '{right.text}' stands beside several "
                "labels and prints one amount for each (OCR found no rule between them): "
                "read one per label, in order"
            )
        elif right is not None and not right_is_label and id(right) not in header.used:
            header.used.add(id(right))
            if lb.field not in header.fields:
                if lb.wide and (printed := _mark_cut_off(table, right, cut_off)) is not None:
                    problems.append(
                        f"page {where.page.page}: header cell '{right.text}': a mark cut off "
                        f"the {lb.alternatives[0]} value '{printed.text}' (no CJK, no digit): "
                        "not part of the value, dropped"
                    )
                    right = printed
                    header.used.add(id(right))
                header.fields[lb.field] = where.sv(right)
                if lb.wide:
                    _run_on(table, right, labels, where, header, lb.field)
                # a value run on over the cells after it is split at the labels it prints as
                # a value in one cell is (`农作物病虫害防治实施单位:` | `石城县…中心`, the rule
                # after the label lost: dev10 lg_90605_自评 p1)
                read = header.fields[lb.field]
                hosts.append((right, read.value, lb, read))
                _read_more_of(table, cell, right, lb, spec, where, header, problems)
    for value_cell, printed, lb, read in hosts:  # once each label in a cell of its own is read
        if header.fields.get(lb.field) is read:  # not run on, moved or replaced since
            _split_at_labels(table, value_cell, printed, lb, spec, where, header, problems)
    _text_cut_by_a_rule(table, start, end, labels, where, header, problems)
    _amount_cut_by_a_rule(table, start, end, spec, where, header, problems)
    _drop_rule_marks(header, where, problems)
    _drop_label_colon(header, where, problems)
    _split_department(header.fields)
    _report_unknown(table, start, end, header, spec, where, problems)
    return header


# What OCR reads a stretch of a worn column rule as: a lone vertical stroke
MAX_RULE_MARKS = 2


def is_rule_mark(line: CellLine) -> bool:
    """Whether a line is what OCR reads a stretch of a worn rule as: strokes alone."""
    text = line.text.strip()
    return 0 < len(text) <= MAX_RULE_MARKS and all(ch in RULE_MARKS for ch in text)


def _drop_dashed_rule_marks(table: Table, rows: range) -> tuple[Table, list[str]]:
    """The header's cells without the lines that are what is left of a column rule that wore
    into dashes: lone strokes (`1`, `i`, `|`) standing one under another at the same x, two or
    more, each in a cell that prints text besides (`410636 | 1 | 实施单位`, `延续性项目 | 1 |
    项目期`). The grid lost the rule, so OCR read its dashes into the cells' text; a printed
    value standing alone in its cell is never taken. Text layers have no lines: untouched."""
    marks = [
        (cell, ln)
        for cell in table.cells
        if rows.start <= cell.row < rows.stop
        and any(not is_rule_mark(other) and other.text.strip() for other in cell.lines)
        for ln in cell.lines
        if is_rule_mark(ln)
    ]
    # strokes a line of text starts or ends with (`|7.486`): the same rule, run into the text
    strokes = [
        edge
        for cell in table.cells
        if rows.start <= cell.row < rows.stop
        for ln in cell.lines
        if not is_rule_mark(ln)
        for edge in _edge_strokes(ln)
    ]
    dashes = [
        (cell, ln)
        for cell, ln in marks
        if any(
            other is not ln
            and other.bbox[0] < ln.bbox[2]
            and ln.bbox[0] < other.bbox[2]
            and (other.bbox[1] >= ln.bbox[3] or ln.bbox[1] >= other.bbox[3])
            for other in [*(m for _, m in marks), *strokes]
        )
    ]
    if not dashes:
        return table, []
    dropped = {id(ln) for _, ln in dashes}
    cells, notes = [], []
    for cell in table.cells:
        gone = [ln for ln in cell.lines if id(ln) in dropped]
        if not gone:
            cells.append(cell)
            continue
        kept = _cell_without(cell, dropped)
        if kept is None:  # the text does not print its lines in order: left as read
            cells.append(cell)
            continue
        cells.append(kept)
        said = " ".join(f"'{ln.text}'" for ln in gone)
        notes.append(
            f"cell '{cell.text}': {said} taken for the dashes of a worn column rule (stroke "
            "under stroke at one x), not text"
        )
    return replace(table, cells=cells), notes


def _label_wrapped_beside_value(
    cell: Cell, labels: list, height: float
) -> tuple[Label, str] | None:
    """(label, value) of a cell holding a label wrapped over lines at its left and its value
    beside it, the grid having lost the rule between them, when OCR read each line across both
    (`年度总 1.按计划…确保资金使用` over `体目标:安全规范有效；…`): the first line's first word
    is a label's unfinished start; with the lines under it starting within that word's width
    (the label's column, top to bottom, the last one's start) it spells the label; the rest of
    the lines, top to bottom, is the value, joined as wrapped lines are. None when they spell
    no label with a value after it, the label is a group's or a column head's, or a line of the
    cell stands above or below the label's lines (a grid's heads under it)."""
    lines = sorted((ln for ln in cell.lines if ln.text.strip()), key=lambda ln: ln.bbox[1])
    if len(lines) < 2 or height <= 0:
        return None
    first = lines[0]
    head = first.text.split()[0]
    start = label_key(head)
    if not start or any(alt == start for alt, _ in labels):
        return None  # a whole label on its own: no wrapped one
    if not any(alt.startswith(start) for alt, _ in labels):
        return None
    x0, _, x1, _ = first.bbox
    column = x0 + (x1 - x0) * len(head) / max(1, len(first.text.strip()))
    under = [ln for ln in lines[1:] if x0 - height <= ln.bbox[0] <= column]
    for k in range(1, len(under) + 1):
        heads = [head, *(ln.text.split()[0] for ln in under[: k - 1])]
        spelt = "".join(heads) + under[k - 1].text.strip()
        key = label_key(spelt)
        hit = match_printed(key, labels)
        if hit is None or not hit[1]:
            continue
        lb, last = hit[0], under[k - 1]
        if not isinstance(lb, Label) or lb.group or lb.below:
            return None
        used = [first, *under[:k]]
        top, bottom = first.bbox[1] - height, last.bbox[3] + height
        if any(ln.bbox[1] < top or ln.bbox[3] > bottom for ln in lines):
            return None
        pieces = []
        for ln in lines:
            if ln is last:
                after = printed_after(spelt, len(key) - len(hit[1]))
                pieces.append(after.lstrip(":：;； "))
            elif any(ln is u for u in used):
                pieces.append(ln.text.strip()[len(ln.text.split()[0]) :])
            else:
                pieces.append(ln.text)
        value = join_wrapped(pieces)
        return (lb, value) if value else None
    return None


# Two OCR lines are halves of one printed line when the gap between them is at most this share
# of the taller one's height: the halves of a line torn across abut (dev3 lg_25525's name: 10
# and 14 px halves 4 px apart), while a wrapped value's lines stand a line spacing apart
TORN_GAP = 0.3


def _drop_lines_read_twice(table: Table, rows: range) -> tuple[Table, list[str]]:
    """The header's cells without the second reading of a line OCR read twice: a printed line
    torn (or shifted) across its height reaches OCR as its top and bottom halves, one on the
    other, each read as the whole line (`文物保护经费` over `文物保护经费`). Two lines reading
    the same words over the same width with no line spacing between them are one printed
    line; the surer reading is kept. Text layers have no lines: untouched."""
    cells, notes = [], []
    for cell in table.cells:
        twice = _read_twice(cell.lines) if rows.start <= cell.row < rows.stop else set()
        text = _text_without(cell, twice) if twice else None
        if text is None:
            cells.append(cell)
            continue
        kept = tuple(ln for ln in cell.lines if id(ln) not in twice)
        cells.append(replace(cell, text=text, lines=kept, readings=()))
        slips = [ln.text for ln in cell.lines if id(ln) in twice and ln.text not in text]
        words = (
            f"same words but one glyph, the surer reading kept over '{slips[0]}'"
            if slips
            else "same words"
        )
        notes.append(
            f"cell '{cell.text}': one printed line read twice (two halves of it one over the "
            f"other, {words}, same width); read as '{text}'"
        )
    return replace(table, cells=cells), notes


def _read_twice(lines: tuple[CellLine, ...]) -> set[int]:
    """ids of the less sure of each pair of lines one directly over the other reading the same
    words (two characters or more, a letter among them; or but one glyph: `_same_but_a_slip`)
    over the same width."""
    out: set[int] = set()
    for a, b in zip(lines, lines[1:], strict=False):
        key = label_key(a.text)
        if not _same_but_a_slip(key, label_key(b.text)) or not any(ch.isalpha() for ch in key):
            continue
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bbox, b.bbox
        upper, lower = (a.bbox, b.bbox) if ay0 <= by0 else (b.bbox, a.bbox)
        width = max(ax1 - ax0, bx1 - bx0)
        across = min(ax1, bx1) - max(ax0, bx0)
        gap = lower[1] - upper[3]
        tall = max(ay1 - ay0, by1 - by0)
        if across >= 0.8 * width and gap <= TORN_GAP * tall:
            out.add(id(b) if a.confidence >= b.confidence else id(a))
    return out


def _same_but_a_slip(a: str, b: str) -> bool:
    """Whether two readings print the same words (two characters or more), or as many, all but
    one glyph alike, `labels.SLIP_GLYPHS` or more (`河洲长制工作经费` over `河湖长制工作经费`,
    dev3 lg_25525): one printed line's two halves, one read a slip off (a wrapped value's two
    lines do not print the same words but one glyph over the same width)."""
    if len(a) != len(b) or len(a) < 2:
        return False
    return edit_distance(a, b) <= (1 if len(a) >= SLIP_GLYPHS else 0)


# A lone Latin letter or digit OCR was unsure of (below SURE_MARK) is no printed glyph when its
# box is at least TALL_MARK text heights high and WIDE_MARK text heights wide per character: a
# printed digit or letter is as high as the text and about half as wide (a dust blot or a worn
# rule's smudge read as `8`, `1`, `A`, `E`)
SURE_MARK = 0.9
TALL_MARK = 1.3
WIDE_MARK = 1.2
MAX_MARK_CHARS = 2


def _drop_oversized_marks(table: Table, rows: range) -> tuple[Table, list[str]]:
    """The header's cells without the lone marks whose box is no printed glyph's
    (`_oversized_mark`), each in a cell printing text besides (`农村供水管网改造 … 8`: the name,
    and far right a blot OCR read as `8`, unsure). A value standing alone in its cell is never
    taken."""
    return _drop_marks(
        table,
        rows,
        lambda cell, height: {id(ln) for ln in cell.lines if _oversized_mark(ln, height)},
        "taken for a speck (read unsure, its box no printed glyph's size), not text",
    )


def _drop_stray_marks(table: Table, rows: range, labels: list) -> tuple[Table, list[str]]:
    """The header's cells without the stray marks beside their print (`stray_marks`): a
    seal's glyph, cut or lifted, read on a line of its own over a value (dev9 lg_84375:
    `一` right of `天然林资源保护`, `190` over `嘉恒县国有林场`) is no part of it. A group label's
    cell keeps its lines: its unit annotation wraps onto short lines of its own (`项目资` |
    `金（元` | `2`, the bracket read `2`), which `_unit_bracket_misread` reads."""

    def marks(cell: Cell, height: float) -> set[int]:
        hit = _label_of(label_key(cell.text), labels)
        if hit is not None and hit[0].group:  # type: ignore[attr-defined]
            return set()
        return {id(ln) for ln in stray_marks(cell, height)}

    return _drop_marks(
        table,
        rows,
        marks,
        "taken for a seal's or a speck's mark (short, read unsure or spread as a seal's glyphs, "
        "on a line of its own; the print centred in the cell without it and not wrapped onto "
        "it), not text",
    )


def _drop_marks(
    table: Table, rows: range, marks_of: Callable[[Cell, float], set[int]], why: str
) -> tuple[Table, list[str]]:
    """The cells of `rows` without the lines `marks_of` finds (by id), each dropping noted with
    `why`; a cell whose every line is a mark keeps them (a value alone is never taken)."""
    height = text_height(table)
    cells, notes = [], []
    for cell in table.cells:
        inside = rows.start <= cell.row < rows.stop and height > 0
        marks = marks_of(cell, height) if inside else set()
        if not marks or all(id(ln) in marks or not ln.text.strip() for ln in cell.lines):
            cells.append(cell)
            continue
        kept = _cell_without(cell, marks)
        if kept is None:
            cells.append(cell)
            continue
        cells.append(kept)
        said = " ".join(f"'{ln.text}'" for ln in cell.lines if id(ln) in marks)
        notes.append(f"cell '{cell.text}': {said} {why}")
    return replace(table, cells=cells), notes


def _oversized_mark(line: CellLine, height: float) -> bool:
    """A line of one or two Latin letters or digits read below SURE_MARK whose box is at least
    TALL_MARK text heights high and WIDE_MARK text heights wide per character."""
    text = line.text.strip()
    if not 0 < len(text) <= MAX_MARK_CHARS or not all(is_latin(ch) for ch in text):
        return False
    x0, y0, x1, y1 = line.bbox
    return (
        line.confidence < SURE_MARK
        and y1 - y0 >= TALL_MARK * height
        and (x1 - x0) / len(text) >= WIDE_MARK * height
    )


def _edge_strokes(line: CellLine) -> list[CellLine]:
    """The first and last characters of a line of text when they are strokes no value prints
    there, each boxed as the line's width shared out evenly among its characters."""
    text = line.text.strip()
    if len(text) <= MAX_RULE_MARKS:
        return []
    x0, y0, x1, y1 = line.bbox
    w = (x1 - x0) / len(text)
    out = []
    if text[0] in RULE_STROKES:
        out.append(CellLine(text[0], (x0, y0, x0 + w, y1), line.confidence))
    if text[-1] in RULE_STROKES:
        out.append(CellLine(text[-1], (x1 - w, y0, x1, y1), line.confidence))
    return out


def _cell_without(cell: Cell, dropped: set[int]) -> Cell | None:
    """The cell without the lines in `dropped` (by id), as sure as the least sure line kept (a
    cell's confidence is its lines' lowest: a dropped mark read unsure, dev3 lg_28548 p1's `1`
    at 0.47 over `财政拨款 366.535`, says nothing of the print kept); None when its text does
    not print its lines in order."""
    text = _text_without(cell, dropped)
    if text is None:
        return None
    kept = tuple(ln for ln in cell.lines if id(ln) not in dropped)
    sure = min((ln.confidence for ln in kept if ln.text.strip()), default=cell.confidence)
    return replace(cell, text=text, lines=kept, readings=(), confidence=sure)


def _text_without(cell: Cell, dropped: set[int]) -> str | None:
    """The cell's text without the lines in `dropped` (by id), the spaces OCR put between the
    others kept; None when the text does not print the cell's lines in order — in their own
    order, or else in the order the text prints them (`unmerge` puts lines side by side in
    reading order, `天然林资源保护 一`, its lines kept as OCR listed them)."""
    for lines in (cell.lines, sorted(cell.lines, key=lambda ln: cell.text.find(ln.text))):
        out, at = [], 0
        for ln in lines:
            found = cell.text.find(ln.text, at)
            if found < 0:
                break
            out.append(cell.text[at:found])
            if id(ln) not in dropped:
                out.append(ln.text)
            at = found + len(ln.text)
        else:
            out.append(cell.text[at:])
            return " ".join("".join(out).split())
    return None


def _label_of(key: str, labels: list) -> tuple[object, str] | None:
    """(label, rest) of a printed cell key: a described label, perhaps after a worn rule's mark."""
    return match_printed(key, labels) or after_a_mark(key, labels)


def _unit_bracket_misread(cell: Cell) -> tuple[str, str] | None:
    """(unit, the glyph read) for a group label's OCR cell whose unit annotation's closing
    bracket wrapped onto a line of its own and was read as another glyph (`项目资` | `金（元` |
    `2`, dev3 lg_26677 p1 photo: the unit lost, 2,293,000 元 landed as 万元); None otherwise."""
    if len(cell.lines) < 2 or len(cell.lines[-1].text.strip()) != 1:
        return None
    unit = unit_of("".join(ln.text for ln in cell.lines[:-1]))
    return (unit, cell.lines[-1].text.strip()) if unit is not None else None


def _label_after_group(rest: str, labels: list) -> Label | None:
    """The label a group label's cell prints after it, nothing else but the group's unit
    annotation (`项目资金 年度本级预算金额：(万元)`, dev3 lg_25439 p1: the rule between the
    vertical 项目资金（万元） and the total's label lost, their lines read into one cell); None
    when the rest is no such label."""
    hit = _label_of(rest, labels) if rest else None
    if hit is None or hit[0].group or UNIT_ANNOTATION_RE.sub("", hit[1], count=1):  # type: ignore[attr-defined]
        return None
    return hit[0]  # type: ignore[return-value]


def _labels_of_several_rows(
    table: Table, cell: Cell, first: Label, rest: str, labels: list, where: Where, header: Header
) -> bool:
    """A label cell merged down over several rows printing their labels one after the other
    (`年度资金总额:财政拨款` beside `3.4` | `3.4`): each label takes, in order, the value beside
    its row — one value cell per label, or one cell printing one amount per label. Anything
    else (a label already read, a count that does not match) is left to be read as printed."""
    if cell.rowspan < 2:
        return False
    fields = [first.field]
    while rest:
        hit = match_printed(rest.removeprefix(SUB_LINE_PREFIX), labels)
        if hit is None or hit[0].group:  # type: ignore[attr-defined]
            return False
        fields.append(hit[0].field)  # type: ignore[attr-defined]
        rest = hit[1]
    values = sorted(
        (
            c
            for c in table.cells
            if c.col == cell.last_col + 1 and cell.row <= c.row <= cell.last_row
            and id(c) not in header.used and cell_text(c)
        ),
        key=lambda c: c.row,
    )  # fmt: skip
    if any(f in header.fields for f in fields) or not values:
        return False
    if any(_label_of(label_key(c.text), labels) is not None for c in values):
        return False
    if len(values) == len(fields):
        read = [where.sv(c) for c in values]
    elif len(values) == 1 and len(numbers_in(values[0].text) or ()) == len(fields):
        read = [where.sv(values[0], n) for n in numbers_in(values[0].text) or ()]
    else:
        return False
    header.used.update(id(c) for c in (cell, *values))
    header.fields.update(zip(fields, read, strict=True))
    return True


def _amounts_of_several(
    table: Table, value: Cell, labels: list, where: Where, header: Header
) -> bool:
    """A value cell merged down beside several label cells (年度资金总额 | 财政拨款 beside
    `239.8 239.8`): the rule between their values was lost. When it prints exactly one amount
    per label, each label takes its own, in order; otherwise (or a label already read) the
    cell is left to be read as printed."""
    if value.rowspan < 2 or id(value) in header.used:
        return False
    beside = sorted(
        (c for c in table.cells if c.last_col + 1 == value.col),
        key=lambda c: c.row,
    )
    beside = [c for c in beside if value.row <= c.row <= value.last_row and cell_text(c)]
    hits = [_label_of(label_key(c.text), labels) for c in beside]
    if len(beside) < 2 or any(h is None or h[1] or h[0].group for h in hits):  # type: ignore[union-attr]
        return False
    amounts = numbers_in(value.text)
    fields = [h[0].field for h in hits]  # type: ignore[index,union-attr]
    if amounts is None or len(amounts) != len(fields) or any(f in header.fields for f in fields):
        return False
    header.used.update(id(c) for c in (value, *beside))
    for name, amount in zip(fields, amounts, strict=True):
        header.fields[name] = where.sv(value, amount)
    return True


# A label printed inside a value cell is told from words of the value by what OCR saw around
# it: no word character before it (a gap, a rule's remnant `!`, or the digits of the value
# before) or a colon after it. Shorter spellings (代码, 单位) are too often part of a value.
MIN_EMBEDDED_LABEL = 3


def _labels_inside(text: str, host: Label, spec: FormSpec) -> list[tuple[int, int, Label]]:
    """(start, end, label) of the form's labels printed inside a value's text after its first
    character, each standing apart (no letter or CJK character before it, or a colon after
    it), an optional 其中 prefix included, in print order; longest spelling first where two
    overlap."""
    alts = [
        (alt, lb)
        for lb in spec.labels
        if lb.field != host.field and printed_inline(lb)
        for alt in lb.alternatives
    ]

    def apart(printed: str, hit: PrintedLabel) -> bool:
        return hit.start > 0 and (not printed[hit.start - 1].isalpha() or hit.colon)

    found = labels_printed_in(text, alts, MIN_EMBEDDED_LABEL, spaced=True, keep=apart)
    return [(f.start, f.end, f.item) for f in found]  # type: ignore[misc]


def _split_at_labels(
    table: Table,
    cell: Cell,
    printed: str,
    host: Label,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A value cell printing other labels of the form with their values (`白河县教育局 211879
    实施单位：白河县学生资助管理中心`): the rule between a value and the next label was lost. The
    host keeps the text before the first label; each label takes the text up to the next, the
    last one the cell beside when it prints nothing after it (`331730 实施单位:` | name), a blank
    one too for an amount the form prints blank for none (`83.61 其他资金` | blank: `blank_zero`,
    funds29's lg_20436). A label whose field was read from a cell of its own, or with no value,
    leaves the cell as printed. Each value so recovered is reported, so an auditor can check it."""
    marks = _labels_inside(printed, host, spec)
    own = printed[: marks[0][0]].strip(" :：;；") if marks else ""
    if not own:
        return
    parts = []
    for i, (_, b, lb) in enumerate(marks):
        value = printed[b : marks[i + 1][0] if i + 1 < len(marks) else len(printed)].strip()
        parts.append((lb, where.sv(cell, value)))
    beside = _right_of(table, cell)  # 331730 实施单位: | 某大队: the last label's value
    free = beside is not None and id(beside) not in header.used
    last = parts[-1][0]
    # a blank cell beside is the value of an amount printed blank for none (`83.61 其他资金` | ``)
    blank = free and last.blank_zero and not cell_text(beside)  # type: ignore[arg-type]
    taken = blank or (free and cell_text(beside) and not is_label(beside, spec))  # type: ignore[arg-type]
    if not parts[-1][1].value and taken:
        parts[-1] = (last, where.sv(beside))  # type: ignore[arg-type]
    if any(lb.field in header.fields or not (v.value or lb is last and blank) for lb, v in parts):
        return
    if parts[-1][1].col != cell.col:
        header.used.add(id(beside))
    header.fields[host.field] = where.sv(cell, own)
    for lb, value in parts:
        header.fields[lb.field] = value
    problems.append(
        f"page {where.page.page}: header cell '{printed}' prints the value of {host.field} and "
        f"the label(s) {'、'.join(printed[a:b].strip() for a, b, _ in marks)} with their values "
        f"(OCR found no rule between them): read {', '.join(lb.field for lb, _ in parts)} "
        "from it"
    )


def _read_carried_below(
    table: Table,
    start: int,
    end: int,
    below: list[tuple[str, tuple[float, float]]],
    labels: list,
    where: Where,
    header: Header,
) -> None:
    """The values of column heads printed at the foot of the page before (预期目标 | 实际完成情况):
    the first row here prints them under the heads' x-ranges (a repeated group label beside them,
    年度总体目标, is passed over)."""
    row = next((r for r in range(start, end) if table.row_cells(r)), None)
    if row is None:
        return
    for name, (a, b) in below:
        for c in table.row_cells(row):
            centre = sum(relative(table, c.bbox[0], c.bbox[2])) / 2
            if not (a <= centre < b) or not cell_text(c) or id(c) in header.used:
                continue
            if match_printed(label_key(c.text), labels) is None:
                header.used.add(id(c))
                header.fields.setdefault(name, where.sv(c))
                break


def _value_below(table: Table, label: Cell, end: int, labels: list, header: Header) -> Cell | None:
    """The cell under a label when it is laid out as that label's value: same columns, not a
    label, not yet read, not blank."""
    r = label.last_row + 1
    below = table.at(r, label.col) if r < end else None
    if below is None or id(below) in header.used or not below.text.strip():
        return None
    if (below.row, below.col, below.colspan) != (r, label.col, label.colspan):
        return None
    if _label_of(label_key(below.text), labels) is not None:
        return None
    left = table.at(r, below.col - 1) if below.col > 0 else None
    left_label = match_printed(label_key(left.text), labels) if left is not None else None
    if left_label is not None and not left_label[0].group:  # type: ignore[attr-defined]
        return None  # the value of the label printed on its left
    return below


def _mark_cut_off(table: Table, value: Cell, cut_off: set[tuple[int, int]]) -> Cell | None:
    """The cell after `value` when `value` is a mark the cut of a merged cell left on its own
    (`L` of `L | 司法救助资金`, dev4 lg_38820_自评 p1: a speck or a rule's stroke OCR read as a
    letter) before the printed text: a part of a cut cell printing at most `MAX_RULE_MARKS`
    characters, none CJK or a digit (a value's own first characters would be cut with it only
    if a rule ran through the value), followed by the next part of the cut, printing CJK. A
    wide value would run on over both, keeping the mark; None otherwise."""
    mark = cell_text(value)
    if (value.row, value.col) not in cut_off or not 0 < len(mark) <= MAX_RULE_MARKS:
        return None
    if any(is_han(ch) or ch.isdigit() for ch in mark):
        return None
    printed = _right_of(table, value)
    if printed is None or (printed.row, printed.col) not in cut_off or printed.row != value.row:
        return None
    return printed if any(is_han(ch) for ch in cell_text(printed)) else None


def _run_on(
    table: Table, value: Cell, labels: list, where: Where, header: Header, name: str
) -> None:
    """A long value cut into several cells of its row by a stray rule: the cells after it that
    are neither blank nor a label are the rest of it."""
    nxt = _right_of(table, value)
    while nxt is not None and cell_text(nxt) and match_printed(label_key(nxt.text), labels) is None:
        if id(nxt) in header.used or nxt.row != value.row:
            break
        header.used.add(id(nxt))
        header.fields[name] = header.fields[name].joined(where.sv(nxt))
        nxt = _right_of(table, nxt)


def _text_cut_by_a_rule(
    table: Table,
    start: int,
    end: int,
    labels: list,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A header value whose words run on into the next cell of its row: a column rule of another
    band (the indicator grid's, recovered across the whole sheet) cut one printed line in two
    (`临溪县河湖` | `管理中心`). An unread cell right of a read value, of the same rows, printing
    words (no number or code, which may be a value of its own) and not a label, title or
    unit line, and ending the row, is the rest of that value, never dropped — unless the value
    ends with a label of the form not yet read (`_label_ending`): the rest is then that label's
    value. A cell ending in a colon is a label OCR cut or misread (`施单位：`, dev3 lg_25921:
    实施单位's first glyph lost), no value's rest: it and its value are reported unread."""
    for name, sv in list(header.fields.items()):
        if (sv.page, sv.table_index) != (where.page.page, where.table_index) or sv.row is None:
            continue
        if not start <= sv.row < end:
            continue
        value = table.at(sv.row, sv.col) if sv.col is not None else None
        if value is None or (value.row, value.col) != (sv.row, sv.col):
            continue
        if match_printed(label_key(value.text), labels) is not None:
            continue  # a value read off its label's own cell (项目资金（万元） gives the unit)
        rest: list[Cell] = []
        nxt = _right_of(table, value)
        while (
            nxt is not None
            and id(nxt) not in header.used
            and (nxt.row, nxt.last_row) == (value.row, value.last_row)
            and _words(nxt.text)
            and match_printed(label_key(nxt.text), labels) is None
            and not _ends_in_colon(nxt.text)
            and not _title_or_unit_line(nxt.text)
        ):
            rest.append(nxt)
            nxt = _right_of(table, nxt)
        said = None if rest else _label_then_its_value(table, name, value, labels, where, header)
        if said is not None:
            problems.append(said)
            continue
        # the rest ends its row: text after it (a label OCR misread, then its value) would make
        # the unread cells a pair of their own, reported rather than glued on
        nxt = _past_blanks(table, nxt, value.row)
        if nxt is not None and nxt.row == value.row and cell_text(nxt):
            continue
        ending = _label_ending(value.text, labels, header) if rest else None
        for cell in rest:
            header.used.add(id(cell))
            if ending is None:
                header.fields[name] = header.fields[name].joined(where.sv(cell))
        if ending is not None:
            own, lb = ending
            header.fields[name] = header.fields[name].with_value(own)
            read = where.sv(rest[0])
            for cell in rest[1:]:
                read = read.joined(where.sv(cell))
            header.fields[lb.field] = read
            problems.append(
                f"page {where.page.page}: header cell '{value.text}' ends with the label "
                f"{lb.alternatives[0]} (OCR found no rule before it): {name} read as '{own}', "
                f"{lb.field} as '{read.value}' beside it"
            )


def _label_then_its_value(
    table: Table, name: str, value: Cell, labels: list, where: Where, header: Header
) -> str | None:
    """A header value ending with a label of the form not yet read (`_label_ending`: the rule
    between them lost), the label's value in the next printed cell of the row, ending it: the
    value is read without the label and that cell as the label's, and the note saying so is
    returned (dev11 lg_100207 p3: a 部门整体 table's `安口县人力资源和社会保障局部门代码` |
    `330207`, the code dropped unsaid as the second cell of the name's value). The words a rule
    cut off a value are `_text_cut_by_a_rule`'s; this, whatever the label's value prints (a
    code, an amount). The cell must be unread, of the value's rows, no label, not ending in a
    colon, no title or unit line. None when the value is not so."""
    sv = header.fields[name]
    ending = _label_ending(value.text, labels, header) if value.text == sv.value else None
    nxt = _past_blanks(table, _right_of(table, value), value.row)
    if ending is None or nxt is None or id(nxt) in header.used:
        return None
    after = _past_blanks(table, _right_of(table, nxt), value.row)
    if (nxt.row, nxt.last_row) != (value.row, value.last_row) or (
        after is not None and after.row == value.row
    ):
        return None
    key = label_key(nxt.text)
    if match_printed(key, labels) or _ends_in_colon(nxt.text) or _title_or_unit_line(nxt.text):
        return None
    own, lb = ending
    header.used.add(id(nxt))
    header.fields[name] = sv.with_value(own)
    header.fields[lb.field] = where.sv(nxt)
    return (
        f"page {where.page.page}: header cell '{value.text}' ends with the label "
        f"{lb.alternatives[0]} (OCR found no rule before it), its value in the cell "
        f"'{nxt.text}' after it: {name} read as '{own}', {lb.field} as '{nxt.text}'"
    )


# The pieces of an amount a rule cut where it printed its point: whole digits before (thousands
# commas allowed), digits alone after; a piece printing a point of its own (`447.516` | `0.00`,
# dev3 lg_26562: the next amount, its label lost) is an amount of its own
AMOUNT_BEFORE_CUT_RE = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")
AMOUNT_AFTER_CUT_RE = re.compile(r"\d+")


def _amount_cut_by_a_rule(
    table: Table,
    start: int,
    end: int,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A funds amount whose digits run on into the next cell of its row: a column rule printed
    in that row alone cut the amount, and the point OCR would have read there (dev3 lg_28599 p1:
    年度资金总额 52.18 read `52` | `18`). An unread cell right of a read amount printing no point,
    of the same rows, printing digits alone (no stroke a rule reads as: `1`) and ending the row,
    is the amount's rest: read with a gap (`52 18`, no amount as it stands), noted, so the
    block's sum takes the reading it fits (`funds._digits_cut_apart`: the gap a point or
    nothing), or it lands as read, visibly no amount, instead of the first piece alone. Only
    the amounts the form's labels print (a funds matrix reads its own cells)."""
    amounts = FUNDS_AMOUNTS & {lb.field for lb in spec.labels}
    for name, sv in list(header.fields.items()):
        if name not in amounts or (sv.page, sv.table_index) != (where.page.page, where.table_index):
            continue
        if sv.row is None or sv.col is None or not start <= sv.row < end:
            continue
        value = table.at(sv.row, sv.col)
        if value is None or not AMOUNT_BEFORE_CUT_RE.fullmatch(sv.value.strip()):
            continue
        nxt = _right_of(table, value)
        rest = cell_text(nxt)
        if nxt is None or id(nxt) in header.used or not AMOUNT_AFTER_CUT_RE.fullmatch(rest):
            continue
        if all(ch in RULE_MARKS for ch in rest):  # `1474.64 | 1`: a worn rule's stroke
            continue
        after = _past_blanks(table, _right_of(table, nxt), value.row)
        ends_row = after is None or after.row != value.row
        if (nxt.row, nxt.last_row) != (value.row, value.last_row) or not ends_row:
            continue
        header.used.add(id(nxt))
        header.fields[name] = sv.with_value(f"{sv.value.strip()} {cell_text(nxt)}")
        problems.append(
            f"page {where.page.page}: header cell '{value.text}' of {name} runs on into "
            f"'{nxt.text}' beside it, digits alone ending the row (a rule printed in that row "
            f"alone cut the amount): read as '{header.fields[name].value}'"
        )


def _ends_in_colon(text: str) -> bool:
    """Whether a cell's text ends in a colon, as a label prints and no value does."""
    return normalize(text).rstrip().endswith(":")


def _label_ending(text: str, labels: list, header: Header) -> tuple[str, Label] | None:
    """(the value before it, the label) when a value's text ends with a label of the form not
    yet read, printed after the value with no rule between them even where no space or colon
    parts them (`延续性项目项目期` | `长期`); None otherwise. The longest spelling is taken."""
    for alt, lb in sorted(labels, key=lambda a: -len(a[0])):
        if lb.group or lb.field in header.fields or len(alt) < MIN_EMBEDDED_LABEL:
            continue
        m = re.search(r"\s*".join(map(re.escape, alt)) + r"[\s:：]*$", text)
        own = text[: m.start()].strip() if m is not None else ""
        if own and _label_of(label_key(own), labels) is None:
            return own, lb
    return None


def _words(text: str) -> bool:
    """Printed words without a digit: not a number, a code or a period (`1 年`), which may be a
    value of its own."""
    key = normalize(text)
    return any(ch.isalpha() for ch in key) and not any(ch.isdigit() for ch in key)


def _title_or_unit_line(text: str) -> bool:
    """A title, year or unit line printed inside the ruled table: no value's continuation."""
    return title_line(text) or label_key(text).startswith(UNIT_LINE_LABEL)


def line_beside(page: PageGrid, table: Table, label: Cell) -> TextLine | None:
    """The page's free line printed right of a label that ends its table's row, in the label's
    row (its middle inside the label's height), nearest first: the value of a form whose frame
    faded past its label column, so the grid was found as that column alone (dev7 lg_64169
    p2: 项目名称 found, its name 养老服务补贴 a line beside the grid, the project lost)."""
    if label.bbox[2] < table.bbox[2] - 2:
        return None
    _, y0, x1, y1 = label.bbox
    beside = [
        ln
        for ln in page.lines
        if ln.text.strip()
        and ln.bbox[0] >= x1 - 2
        and y0 <= (ln.bbox[1] + ln.bbox[3]) / 2 <= y1
        and any(is_han(ch) or ch.isdigit() for ch in ln.text)
    ]
    return min(beside, key=lambda ln: ln.bbox[0], default=None)


def _right_of(table: Table, cell: Cell) -> Cell | None:
    return table.at(cell.row, cell.last_col + 1) if cell.last_col + 1 < table.n_cols else None


def _past_blanks(table: Table, cell: Cell | None, row: int) -> Cell | None:
    """`cell`, or the first cell right of it that prints text or stands in another row than
    `row`: the blank cells of the row skipped; None past the table's last column."""
    while cell is not None and not cell_text(cell) and cell.row == row:
        cell = _right_of(table, cell)
    return cell


# A blank cell narrower than this many text heights prints no value: a CJK character is one text
# height wide and a value cell has room beside its print. Such a cell between a label and a
# value is a stray rule's sliver (dev3 lg_25612 p1: 20 px between 上级补助资金 and 160.308, the
# text 24 px high, a rule piece in that row alone).
VALUE_SLIVER = 1.0


def _past_a_sliver(
    table: Table, label: Cell, right: Cell, labels: list, height: float
) -> Cell | None:
    """The cell after `right` when `right` is a blank sliver (`VALUE_SLIVER`) beside `label`
    and that cell, in the label's rows, prints a value that is no label; None otherwise. Only
    an OCR grid's (a text layer's rules are printed, its cells as drawn)."""
    if right.text.strip() or right.lines or height <= 0 or not label.lines:
        return None
    if right.bbox[2] - right.bbox[0] >= VALUE_SLIVER * height:
        return None
    past = _right_of(table, right)
    if past is None or not cell_text(past) or _label_of(label_key(past.text), labels) is not None:
        return None
    inside = label.row <= past.row and past.last_row <= label.last_row
    return past if inside and right.row == label.row and right.last_row == label.last_row else None


def _read_more_of(
    table: Table,
    label: Cell,
    value: Cell,
    lb: Label,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A value printed over more than one cell: 主管部门及代码 | name | code, or a task list
    (年度主要任务) in rows of cells beside its merged label, kept as printed row by row."""
    if lb.code:
        nxt = _right_of(table, value)
        if nxt is not None and re.fullmatch(CODE_RE, normalize(nxt.text)):
            header.used.add(id(nxt))
            header.fields["department_name"] = header.fields[lb.field]
            header.fields["department_code"] = where.sv(nxt)
        elif nxt is not None and id(nxt) not in header.used:
            _code_then_label(table, nxt, lb, spec, where, header, problems)
        return
    if not lb.block:
        return
    lines = []
    for r in range(label.row, label.last_row + 1):
        row = [
            c
            for c in table.row_cells(r)
            if c.col > label.last_col
            and match_printed(label_key(c.text), label_alternatives(spec)) is None
        ]
        if r > label.row and not row:
            continue
        for c in row:
            header.used.add(id(c))
        texts = [c.text for c in row if c.text.strip()]
        if texts:
            lines.append(" | ".join(texts))
    header.fields[lb.field] = header.fields[lb.field].with_value("\n".join(lines))


# A department code as printed in a cell of its own: digits, perhaps in brackets
CODE_RE = r"[(\[]?\d{3,}[)\]]?"


def _code_then_label(
    table: Table,
    cell: Cell,
    lb: Label,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """主管部门及代码 | name | `250525 实施单位` | unit: the cell after the department's name
    prints its code, then the next label of the form (the rule between them lost), whose value
    stands in the cell beside. The code lands as department_code, the name as department_name,
    and the label takes its value as a value cell printing labels does (`_split_at_labels`).
    Left as it is when the cell prints anything but a code before a label."""
    marks = _labels_inside(cell.text, lb, spec)
    code = cell.text[: marks[0][0]].strip() if marks else ""
    if not code or not re.fullmatch(CODE_RE, normalize(code)):
        return
    name = header.fields[lb.field]
    header.used.add(id(cell))
    _split_at_labels(table, cell, cell.text, lb, spec, where, header, problems)
    if header.fields.get(lb.field) is name:  # not split: the cell is left as printed
        header.used.discard(id(cell))
        return
    code_read = header.fields[lb.field]
    header.fields["department_name"] = name
    header.fields["department_code"] = code_read


# A worn column rule OCR read as a stroke at the edge of a number (`29.565 I`, `29.565I`)
RULE_MARK_AFTER_NUMBER_RE = re.compile(
    rf"(?P<number>\d[\d,]*(?:\.\d+)?)\s*{char_class(RULE_STROKES)}"
)
# ... or before it (`|7.486`): no value starts with a stroke either
RULE_MARK_BEFORE_NUMBER_RE = re.compile(
    rf"{char_class(RULE_STROKES)}\s*(?P<number>\d[\d,]*(?:\.\d+)?)"
)


def _drop_rule_marks(header: Header, where: Where, problems: list[str]) -> None:
    """A header value printing a number followed (or preceded) by one vertical stroke: the
    stroke is a worn rule's remnant OCR read as a character (no amount, code or count ends or
    starts with `I` or `|`). The number is kept and the reading reported."""
    for name, sv in header.fields.items():
        if sv.page != where.page.page or sv.table_index != where.table_index:
            continue
        for rx, edge in (
            (RULE_MARK_AFTER_NUMBER_RE, "ends in"),
            (RULE_MARK_BEFORE_NUMBER_RE, "starts with"),
        ):
            m = rx.fullmatch(sv.value.strip())
            if m is not None:
                header.fields[name] = sv.with_value(m["number"])
                problems.append(
                    f"page {where.page.page}: header value '{sv.value}' of {name} {edge} a "
                    f"stroke taken for a worn rule's remnant; read as {m['number']}"
                )
                break


# What a label's colon reads as (OCR reads `：` as `;` too)
LABEL_COLONS = ":：;；"


def _drop_label_colon(header: Header, where: Where, problems: list[str]) -> None:
    """A header value starting with a colon: the colon printed after its label, read into the
    value's cell (dev8 lg_70199 p2: `;文物保护经费` beside 项目名称, the project and its 15
    lines landed under that name). No value of a form starts with one; the rest is kept and
    the reading said."""
    for name, sv in header.fields.items():
        if sv.page != where.page.page or sv.table_index != where.table_index:
            continue
        printed = sv.value.strip()
        rest = printed.lstrip(LABEL_COLONS).strip()
        if rest and rest != printed:
            header.fields[name] = sv.with_value(rest)
            problems.append(
                f"page {where.page.page}: header value '{printed}' of {name} starts with its "
                f"label's colon (read into the value's cell); read as '{rest}'"
            )


def _split_department(fields: dict[str, SourcedValue]) -> None:
    """主管部门 printed with its code: `XX局（082001）` in one cell, or `XX局 082001` under a
    主管部门及代码 label; name and code are landed apart, each as printed."""
    for name in ("department_name", "department_code"):
        v = fields.get(name)
        if v is None:
            continue
        text = v.value.strip()
        m = CODE_IN_BRACKETS_RE.match(normalize(text)) or NAME_THEN_CODE_RE.match(normalize(text))
        if m is None or not m["name"]:
            continue
        code_at = text.rfind(m["code"])
        printed_name = text[:code_at].rstrip().rstrip("(（[【-—_/ ").rstrip()
        code = fields.get("department_code")
        if name == "department_name" and code is not None and normalize(code.value) != m["code"]:
            continue
        fields["department_name"] = v.with_value(printed_name)
        fields["department_code"] = v.with_value(m["code"])
        return


# What the note on a header cell that is no label of the form is keyed by: withdrawn when the
# cell proves the first part of a label a page break cut (`reader._stitch_cut_labels`)
UNREAD_LABEL = "header cell not read"


def _report_unknown(
    table: Table, start: int, end: int, header: Header, spec: FormSpec, where: Where, problems
) -> None:
    """A non-blank header cell that is neither a label of the form nor a value read for one."""
    for c in table.cells:
        if not (start <= c.row < end) or id(c) in header.used or not c.text.strip():
            continue
        left = table.at(c.row, c.col - 1) if c.col > 0 else None
        if left is not None and id(left) in header.used and not is_label(left, spec):
            continue  # the second cell of a value printed over a merged label's width
        key = label_key(c.text)
        if _title_or_unit_line(c.text):
            continue  # a title, year or unit line printed inside the ruled table
        if not any(ch.isalnum() for ch in key):
            continue  # punctuation only: the ）of a label a page break cut, nothing to read
        note = Note(
            f"page {where.page.page}: header cell '{c.text}' is not a label of the {spec.form} "
            "form description; not read",
            (UNREAD_LABEL, where.page.page, where.table_index, c.row, c.col),
        )
        problems.append(note)
        labels = (alt for lb in spec.labels for alt in lb.alternatives)
        if c.last_row == end - 1 and len(key) >= 2 and any(a.startswith(key) for a in labels):
            header.cut.append((c, relative(table, c.bbox[0], c.bbox[2]), note))
