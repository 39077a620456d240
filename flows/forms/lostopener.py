"""A form opened from a header whose opener label OCR lost: the label column's left rule
worn, the grid starts at the value column and 项目名称 is read nowhere (dev3 lg_20560 p1: the
project's name in one cell across the table, then 主管部门's value | 实施单位 | its value). The
table's other labels are one form's, so it is that form's header; the opener's value is the
cell where the form prints it: alone on the row above the first label read, the first of the
form's header rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flows.forms.labels import ALL_COLUMNS, ALL_OPENERS, label_alternatives, match_printed
from flows.forms.spec import FORMS, FormSpec, Label
from flows.models import Cell, Table
from flows.text import label_key


@dataclass(frozen=True)
class LostOpener:
    """The forms a header without an opener belongs to (those sharing one opener: told apart
    by the caller as an opener's are), the opener's value cell and the labels that told."""

    forms: list[FormSpec]
    value: Cell
    labels: list[str]
    # the opener label's cell where OCR read only a piece of its print (`称` of a wrapped
    # 项目名 / 称 whose first line faded away), else None: the label column lost with its rules
    piece: Cell | None = None

    def note(self, page: int, form: str) -> str:
        lost = (
            f"its label read only as '{self.piece.text}', a piece of its opener"
            if self.piece is not None
            else "its label column lost with its rules"
        )
        return (
            f"page {page}: a header printing no opener ({lost}) but the labels "
            f"{', '.join(self.labels)} of a {form}: opened, its opener's value the cell "
            f"'{self.value.text}' (row {self.value.row}, column {self.value.col}), "
            f"{'beside the piece' if self.piece is not None else 'alone'} on the row above "
            "them where the form prints it"
        )


def opener_label(spec: FormSpec) -> Label:
    """The label of `spec` its openers spell (项目名称: project_name)."""
    return next(lb for lb in spec.labels if set(lb.alternatives) & set(spec.openers))


def _labels_printed(cells: list[Cell], spec: FormSpec) -> dict[int, Label]:
    """The cells of `cells` printing a label of `spec` (not its opener, not a group label), by
    id: a label alone or with its value glued on."""
    own = opener_label(spec)
    found = {}
    for cell in cells:
        hit = match_printed(label_key(cell.text), label_alternatives(spec))
        if hit is not None and hit[0] is not own and not hit[0].group:  # type: ignore[attr-defined]
            found[id(cell)] = hit[0]
    return found  # type: ignore[return-value]


def lost_opener(table: Table, start: int, end: int) -> LostOpener | None:
    """The header rows start..end-1 of an OCR table printing no opener read as a form whose
    opener was lost: every label printed belongs to forms sharing one opener, and the row
    `start`, just above the first label's, prints one cell only, no label nor heading of any
    form (the opener's value, its label cut off with the column). None otherwise."""
    cells = [c for c in table.cells if start <= c.row < end and c.text.strip()]
    by_form = {spec.form: _labels_printed(cells, spec) for spec in FORMS}
    printed = {i for found in by_form.values() for i in found}
    if not printed:
        return None
    forms = [s for s in FORMS if by_form[s.form] and set(by_form[s.form]) == printed]
    if not forms or any(set(s.openers) != set(forms[0].openers) for s in forms):
        return None
    first = min(c.row for c in cells if id(c) in printed)
    above = sorted((c for c in cells if c.row == first - 1), key=lambda c: c.col)
    if first - 1 != start or not 1 <= len(above) <= 2:
        return None
    piece = above[0] if len(above) == 2 else None
    if piece is not None and not opener_piece(label_key(piece.text), forms[0]):
        return None
    value = above[-1]
    key = label_key(value.text)
    if any(match_printed(key, label_alternatives(s)) for s in FORMS):
        return None
    if match_printed(key, ALL_COLUMNS) is not None:
        return None
    told = by_form[forms[0].form]
    names = [c.text.strip() for c in cells if id(c) in told]
    if piece is not None and len(names) < PIECE_LABELS:
        return None  # one label is too little to take a piece for the opener's (名称 | 实施单位)
    return LostOpener(forms=forms, value=value, labels=names, piece=piece)


# A piece of the opener label beside its value is taken for the opener's on at least this many
# of the form's other labels under it: a header's rows, not one row that may be anything's.
PIECE_LABELS = 2


def opener_piece(key: str, spec: FormSpec) -> bool:
    """Whether `key` is a piece of `spec`'s opener label cut at one edge, shorter than it (a
    label wrapped over two lines of its narrow cell, one line lost: `称` of 项目名 / 称) and no
    edge of another header label of any form (`项目` begins 项目属性 too): the cell left of the
    opener's value holding it is the opener's label, whatever OCR lost of it (`lost_opener` has
    the form's other labels to tell which form). Column headings (指标名称) are not asked: the
    row stands above the header's labels, where no grid heading prints."""
    if not key:
        return False

    def edge(alt: str) -> bool:
        return len(key) < len(alt) and (alt.startswith(key) or alt.endswith(key))

    return any(edge(alt) for alt in spec.openers) and not any(map(edge, OTHER_LABELS))


# A cut opener this many glyphs long or more may be read as its opener: two begin most labels
# of the forms (项目…, 部门…, 单位…) and are never one label's alone.
CUT_OPENER_GLYPHS = 3
# The openers' spellings, and every other label's and column heading's of the forms: what a cut
# opener must start one of, and none of
OPENER_SPELLINGS = frozenset(alt for alt, _ in ALL_OPENERS)
OTHER_LABELS = frozenset(
    {alt for spec in FORMS for alt, _ in label_alternatives(spec)} - OPENER_SPELLINGS
)
OTHER_SPELLINGS = frozenset(
    {alt for spec in FORMS for alt, _ in label_alternatives(spec)} - OPENER_SPELLINGS
    | {alt for alt, _ in ALL_COLUMNS}
)


def _whole_opener(key: str) -> str | None:
    """The one opener spelling `key` is the start or the end of, when it is cut short at its
    right (`项目名`, a photo's label column cut) or its left (`目名称`, dev3 lg_25921: the label
    column's first glyphs lost) and no other label or column heading of any form starts, or
    ends, so; None otherwise."""
    if len(key) < CUT_OPENER_GLYPHS or key in OPENER_SPELLINGS:
        return None
    for cut in (str.startswith, str.endswith):
        whole = {alt for alt in OPENER_SPELLINGS if cut(alt, key)}
        if len(whole) == 1 and not any(cut(alt, key) for alt in OTHER_SPELLINGS):
            return next(iter(whole))
    return None


def with_cut_opener(table: Table, start: int, end: int, page: int) -> tuple[Table, str] | None:
    """`table` with the one cell of rows start..end-1 printing an opener cut at one edge
    (lg_20615: `项目名`, a photo's label column cut short) spelt whole, and the note saying so;
    None when no cell, or more than one, prints a cut opener."""
    cut = [
        (c, whole)
        for c in table.cells
        if start <= c.row < end and (whole := _whole_opener(label_key(c.text))) is not None
    ]
    if len(cut) != 1:
        return None
    cell, whole = cut[0]
    cells = [replace(c, text=whole) if c is cell else c for c in table.cells]
    note = (
        f"page {page}: header cell '{cell.text}' (row {cell.row}, column {cell.col}) read as "
        f"the opener {whole}: cut short, and no other label or heading of any form starts or "
        "ends so"
    )
    return replace(table, cells=cells), note
