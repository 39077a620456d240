"""A table printed under the title of another form than the one open: never its continuation.

A table printing no opener after an open form is read as that form's continuation when its
columns line up with the open grid's. A 部门整体绩效目标表 on a page of its own after a project
prints the same grid columns (its description shares the project plan's), so when OCR lost its
opener (dev10 lg_95014 p4: faded, its `部门名称` label wrapped in a narrow cell and read `名称`)
its header rows and indicator lines were read as 14 more lines of the project before it. The
title printed right above the table (`2026 年度部门整体绩效目标表`) said what it was.

A free line printed above a table, below the page's table above it (or the page's top), names
a form when it prints one of the form's `title_marks`; a title printing the marks of two forms
names the one whose mark it prints first (a title qualifies the noun every target table shares:
`部门整体` | `绩效目标表`). When it names another form than the one open, the table is that form's:
its opener's value is read where the form prints it, beside a piece of its opener label on the
table's first printed row (`lostopener`'s pieces), and the form is opened; with no such row the
table is said in one note and the open form is closed, never continued.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.forms.labels import ALL_COLUMNS, label_alternatives, match_printed
from flows.forms.lostopener import opener_piece
from flows.forms.spec import FORMS, FormSpec
from flows.models import Cell, PageGrid, Table, TextLine
from flows.text import label_key


@dataclass(frozen=True)
class Titled:
    """The form a title above a table names, the title, and the opener's value (with the piece
    of its label beside it) where the form prints it; `value` None when no row prints it."""

    spec: FormSpec
    title: TextLine
    value: Cell | None = None
    piece: Cell | None = None

    def note(self, page: int, before: str) -> str:
        """What was read of the table, `before` naming the form open before it."""
        said = (
            f"page {page}: a table printing no opener under the title '{self.title.text}' of "
            f"a {self.spec.form}: not read as a continuation of {before}"
        )
        if self.value is None or self.piece is None:
            return f"{said}; its opener's value not found: not read, and not appended"
        return (
            f"{said}; opened, its opener's value the cell '{self.value.text}' (row "
            f"{self.value.row}, column {self.value.col}) beside '{self.piece.text}', a piece of "
            "its opener label"
        )


def titled_form(text: str) -> FormSpec | None:
    """The form a title line names: the one whose title mark it prints first (module note);
    None when it prints none."""
    key = label_key(text)
    hits = [
        (key.index(mark), -len(mark), i)
        for i, spec in enumerate(FORMS)
        for mark in spec.title_marks
        if mark in key
    ]
    return FORMS[min(hits)[2]] if hits else None


def title_above(page: PageGrid, table: Table) -> tuple[TextLine, FormSpec] | None:
    """The lowest free line of `page` printed above `table` and below every table of the page
    above it that names a form, with the form; None when there is none."""
    top = table.bbox[1]
    floor = max((t.bbox[3] for t in page.tables if t.bbox[3] <= top), default=float("-inf"))
    between = [ln for ln in page.lines if floor <= (ln.bbox[1] + ln.bbox[3]) / 2 <= top]
    for line in sorted(between, key=lambda ln: -ln.bbox[3]):
        spec = titled_form(line.text)
        if spec is not None:
            return line, spec
    return None


def titled_elsewhere(
    page: PageGrid, table: Table, start: int, end: int, open_spec: FormSpec
) -> Titled | None:
    """The form a title above `table` names when it is another than `open_spec` and the table
    is the segment `start` = 0 (nothing of the table before it), with its opener's value: the
    table's first printed row in rows start..end-1 prints a piece of that form's opener label
    (`opener_piece`) and, in the next cell to its right, a value no label or column heading of
    any form spells. None when no title above names another form."""
    found = title_above(page, table) if start == 0 else None
    if found is None or found[1].form == open_spec.form:
        return None
    line, spec = found
    printed = [c for c in table.cells if start <= c.row < end and c.text.strip()]
    if not printed:
        return Titled(spec, line)
    first = sorted((c for c in printed if c.row == min(p.row for p in printed)), key=_left)
    if len(first) < 2 or not opener_piece(label_key(first[0].text), spec):
        return Titled(spec, line)
    value = first[1]
    key = label_key(value.text)
    if any(match_printed(key, label_alternatives(s)) for s in FORMS) or match_printed(
        key, ALL_COLUMNS
    ):
        return Titled(spec, line)
    return Titled(spec, line, value, first[0])


def _left(cell: Cell) -> float:
    return cell.bbox[0]
