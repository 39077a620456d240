"""A header cell printing several labels with their values one after the other: the rules between
a header's rows and cells that an OCR grid lost (`项目名称 农作物病虫害防治主管部门 临溪县农业
农村局 实施单位 临溪县农村经营管理站年初预算数全年预算数…年度资金总额 6.4 6.4 6.28 10 98.1%
9.81…`). Each label's value is the text printed between it and the next label; the funds
matrix's heads printed in it are read with the rows that follow them (`funds.read_inline_matrix`).

Apart because it reads a cell by the labels printed inside it, where the header reader reads a
label's value from the cells beside it. Only labels whose value is printed after them on the
same line are read this way: a column head's value (预期目标, printed below it) or a grid line
cannot be told from its neighbours' once the rules are gone, and stays unread and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.forms.columns import parse_heads
from flows.forms.funds import read_inline_matrix
from flows.forms.labels import (
    UNIT_RE,
    cell_text,
    column_alternatives,
    label_alternatives,
    labels_printed_in,
    match_printed,
    unit_of,
)
from flows.forms.provenance import Where
from flows.forms.spec import Column, FormSpec, Label
from flows.forms.state import Header
from flows.models import Cell, Table
from flows.text import label_key

# Labels and headings shorter than this are not looked for inside a cell's text: `代码`, `单位`
# or `分值` may be part of a printed value; the labels a header prints inline are longer.
MIN_INLINE_LABEL = 4


@dataclass(frozen=True)
class _Mark:
    """A label or heading found in a cell's label key: where it starts and ends, and what it is
    (a header `Label`, a funds head `Column` of the matrix, or a grid heading `Column`)."""

    start: int
    end: int
    item: Label | Column
    funds_head: bool


def read_inline_labels(
    table: Table,
    start: int,
    end: int,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """Read every unused cell of rows start..end that begins with a label of `spec` and prints
    two labels whose values follow them on their line (`_inline`): each label's value is the
    text up to the next label found in the cell; funds heads start the funds matrix, printed
    inline up to the next header label or grid heading. The cell is then used; what it printed
    but could not be read is one problem sentence."""
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if not start <= cell.row < end or id(cell) in header.used:
            continue
        key = label_key(cell.text)
        marks = _marks(key, spec)
        inline = [m for m in marks if isinstance(m.item, Label) and printed_inline(m.item)]
        if not marks or marks[0].start != 0 or len(inline) < 2:
            continue
        header.used.add(id(cell))
        read, unread = _read_marks(cell, key, marks, spec, where, header, problems)
        last = marks[-1].item
        if isinstance(last, Label) and unread[-1:] == [last.field]:
            # the cell ends with a label (实施单位): its value is the cell to its right
            right = (
                table.at(cell.row, cell.last_col + 1) if cell.last_col + 1 < table.n_cols else None
            )
            free = right is not None and id(right) not in header.used and cell_text(right)
            if free and match_printed(label_key(right.text), label_alternatives(spec)) is None:
                assert right is not None
                header.used.add(id(right))
                _read_beside(cell, right, inline, unread, read, spec, where, header, problems)
        problems.append(
            f"page {where.page.page}: header cell '{cell.text[:60]}…' prints several labels "
            f"with their values (OCR found no rules between them): read {', '.join(read)}"
            + (f"; not read: {', '.join(unread)}" if unread else "")
        )


def _read_beside(
    cell: Cell,
    right: Cell,
    inline: list[_Mark],
    unread: list[str],
    read: list[str],
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """The value cell beside a label cell whose last label(s) printed no value. The text up to
    the first label or funds head printed in it is the value of the label it stands beside: the
    last one (`331730 实施单位:` | name), or the first when no label of the cell printed a
    value and the value cell starts on the label cell's row (`项目名称：主管部门：` stacked beside
    one cell printing the name, then the department: the rule between them lost). What follows
    is read as a cell printing labels with their values: a label printed further on
    (实施单位) takes its text, funds heads the matrix printed after them, which is cut off the
    value it was glued onto."""
    key = label_key(right.text)
    marks = [m for m in _marks(key, spec) if m.start > 0]
    lead = printed_span(right.text, 0, marks[0].start) if marks else right.text
    stacked = len(unread) == len(inline) and right.row <= cell.row
    field = unread[0] if stacked else unread[-1]
    if lead.strip(" :：;；") and field not in header.fields:
        header.fields[field] = where.sv(right, lead.strip(" :：;；"))
        unread.remove(field)
        read.append(field)
    if marks:
        more, _ = _read_marks(right, key, marks, spec, where, header, problems)
        read.extend(more)


def _marks(key: str, spec: FormSpec) -> list[_Mark]:
    """The labels, funds heads and grid headings of `spec` printed in `key`, longest spelling
    first where two overlap, in print order. A label printed after 其中 starts at the 其中: the
    prefix belongs to the label of a sub-line, not to the value before it."""
    candidates: list[tuple[str, Label | Column, bool]] = [
        (alt, lb, False) for lb in spec.labels for alt in lb.alternatives
    ]
    if spec.funds_matrix is not None:
        candidates += [(alt, c, True) for c in spec.funds_matrix.cols for alt in c.headings]
    candidates += [(alt, c, False) for c in spec.columns if not c.ignored for alt in c.headings]
    found = labels_printed_in(key, [(a, (i, f)) for a, i, f in candidates], MIN_INLINE_LABEL)
    return [_Mark(m.start, m.end, *m.item) for m in found]  # type: ignore[misc]


def _read_marks(
    cell: Cell,
    key: str,
    marks: list[_Mark],
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> tuple[list[str], list[str]]:
    """Land the value of each inline label (and the inline funds matrix); returns the fields
    read and the labels whose values could not be."""
    read: list[str] = []
    unread: list[str] = []
    i = 0
    while i < len(marks):
        m = marks[i]
        nxt = marks[i + 1].start if i + 1 < len(marks) else len(key)
        if m.funds_head and spec.funds_matrix is not None:
            heads, n = parse_heads(key[m.start :], column_alternatives(spec.funds_matrix.cols))
            stop = next(
                (
                    x.start
                    for x in marks[i + 1 :]
                    if not (x.funds_head or _group(x.item)) and x.start >= m.start + n
                ),
                len(key),
            )
            rest = printed_span(cell.text, m.start + n, stop)
            before = len(header.fields)
            read_inline_matrix(cell, [h.field for h in heads], rest, spec, where, header, problems)
            (read if len(header.fields) > before else unread).append("the funds matrix")
            while i < len(marks) and marks[i].start < stop:
                _read_unit(cell, key, marks[i], where, header)  # 项目资金（万元） amid the rows
                i += 1
            continue
        item = m.item
        if isinstance(item, Label) and printed_inline(item):
            printed = printed_span(cell.text, m.end, nxt).strip(" :：;；")
            value = UNIT_RE.sub("", printed, count=1).strip()
            if value and item.field not in header.fields:
                header.fields[item.field] = where.sv(cell, value)
                read.append(item.field)
            elif not value:
                unread.append(item.field)
        elif _group(item):
            _read_unit(cell, key, m, where, header)
        elif isinstance(item, Label):
            unread.append(item.field)
        i += 1
    return read, unread


def _group(item: Label | Column) -> bool:
    return isinstance(item, Label) and item.group


def _read_unit(cell: Cell, key: str, mark: _Mark, where: Where, header: Header) -> None:
    """The funds unit a group label printed in the cell carries (项目资金（万元）)."""
    if _group(mark.item):
        unit = unit_of(key[mark.start : mark.end + 4])
        if unit is not None:
            header.fields.setdefault("funds_unit", where.sv(cell, unit))


def printed_inline(label: Label) -> bool:
    """A label whose value is printed after it on its line (not below it, not a group)."""
    return not (label.below or label.group or label.block)


def printed_span(text: str, a: int, b: int) -> str:
    """The printed characters (spaces kept) standing for characters a..b of `label_key(text)`."""
    return text[_printed_at(text, a) : _printed_at(text, b)]


def _printed_at(text: str, n: int) -> int:
    """The shortest printed prefix of `text` whose label key has n characters."""
    for i in range(len(text) + 1):
        if len(label_key(text[:i])) >= n:
            return i
    return len(text)
