"""What the readers hand each other while a document is read: a segment's header block
(`Header`: its fields, the cells it used, what a page break carried over) and a form still open
across segments and pages (`OpenForm`: header, indicators so far, grid columns).

Apart so the header, funds, rows and document readers share these records without importing
one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.forms.columns import GridColumns
from flows.forms.notes import Note, about
from flows.forms.provenance import Where
from flows.forms.spec import FormSpec
from flows.models import Cell, IndicatorRow, SourcedValue

# ---------------------------------------------------------------- the header block


@dataclass
class Header:
    """What a segment's header block printed: fields by name, and cells it has used."""

    fields: dict[str, SourcedValue] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # id() of cells consumed as labels or values
    # the funds matrix heads as (field, x-range in fractions of the table's width), for the
    # rest of a matrix a page break carries over to the next page
    matrix: list[tuple[str, tuple[float, float]]] | None = None
    # unknown cells on the segment's last row that begin a label (项目资 of 项目资金（元）): a
    # label a page break cut, to be joined to its rest at the top of the next page
    cut: list[tuple[Cell, tuple[float, float], str]] = field(default_factory=list)
    # column heads on the segment's last row (预期目标 | 实际完成情况) whose values a page break
    # carried to the next page, as (field, x-range in fractions of the table's width)
    below: list[tuple[str, tuple[float, float]]] = field(default_factory=list)


# ---------------------------------------------------------------- a form open across segments


@dataclass
class OpenForm:
    """A form being read: its header, its indicators so far, and how its grid is laid out."""

    spec: FormSpec
    fields: dict[str, SourcedValue]
    first_page: int
    columns: GridColumns | None = None
    indicators: list[IndicatorRow] = field(default_factory=list)
    closed_grid: bool = False  # a 总分 row ended the grid
    # opened on its opener alone, no mark telling it from a form sharing that opener (its
    # grid, funds heads or title): the rest of a header cut by a page break may tell (`reader`)
    guessed: bool = False
    matrix: list[tuple[str, tuple[float, float]]] | None = None  # funds heads (Header.matrix)
    cut: list[tuple[Cell, tuple[float, float], str]] = field(default_factory=list)  # Header.cut
    below: list[tuple[str, tuple[float, float]]] = field(default_factory=list)  # Header.below
    # the key of the notes about this form (`flows.forms.notes.about`): a form not loaded
    # withdraws them (`reader._finish`)
    notes_key: object = field(default_factory=object)
    # the tables its indicator lines were read from (as read: merged cells cut), each with the
    # columns in force there, so a column a later heading names can be read on them too
    grids: list[tuple[Where, GridColumns]] = field(default_factory=list)

    def relabel(self, attr: str, old: SourcedValue, new: SourcedValue) -> None:
        """Give every indicator that carried the cut label `old` the stitched label `new`."""
        for ind in self.indicators:
            if getattr(ind, attr) is old:
                setattr(ind, attr, new)


def name_of(form: OpenForm) -> str:
    """What the form's notes call it: its name, else its department's, else the form."""
    for name in ("project_name", "department_name"):
        if name in form.fields:
            return form.fields[name].value
    return form.spec.form


def form_note(form: OpenForm, page: int, text: str) -> Note:
    """A note about `form`, naming it (`page 3: <name>: text`), keyed by the form: withdrawn
    with it when the form is not loaded (`reader._finish`), whatever it is called by then."""
    return about(f"page {page}: {name_of(form)}: {text}", form.notes_key)


def name_field(form: OpenForm) -> str:
    """The field that names the form: the one its opener label reads (项目名称 → project_name,
    部门名称 → department_name). A form without it cannot be told apart from the others in the
    warehouse nor joined to its other half (a plan to its self-evaluation)."""
    openers = set(form.spec.openers)
    return next(
        (lb.field for lb in form.spec.labels if openers & set(lb.alternatives)),
        form.spec.required_fields[0],
    )
