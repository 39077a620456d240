"""A project's name OCR read unsure and a slip off the name another of the document's tables
prints sure (dev3 lg_25999: the 2027 table's `现业技能培训`, 0.81, under the page's review line,
beside the 2026 table's `职业技能培训`, 0.94): the same project printed for two years, or its
target and self-evaluation, one read a glyph off. The slipped name matches no project of the
warehouse and the project is lost; read as the sure spelling, with a note.

Apart because it weighs the names of every table of a document once all are read.
"""

from __future__ import annotations

from flows.forms.labels import SLIP_GLYPHS, edit_distance
from flows.forms.provenance import read_unsure
from flows.models import ProjectForm
from flows.text import normalize


def settle_slipped_names(
    forms: list[ProjectForm], ocr_pages: dict[int, float | None], problems: list[str]
) -> None:
    """Each form's project name read below its OCR page's review line (`PageGrid.review_below`)
    that is one glyph off (`labels.edit_distance`, a name of `SLIP_GLYPHS` glyphs or more)
    exactly one other name of the document read at or above its page's line, read as that
    name. A name two sure names are a slip off, or none, stays as read."""
    sure = {
        normalize(v.value): v.value
        for f in forms
        if (v := f.fields.get("project_name")) is not None and not read_unsure(v, ocr_pages)
    }
    for form in forms:
        value = form.fields.get("project_name")
        if value is None or not read_unsure(value, ocr_pages):
            continue
        read = normalize(value.value)
        near = [
            name
            for name in sure
            if len(name) >= SLIP_GLYPHS and name != read and edit_distance(read, name) == 1
        ]
        if len(near) != 1:
            continue
        printed = sure[near[0]]
        form.fields["project_name"] = value.with_value(printed)
        problems.append(
            f"page {value.page}: project name '{value.value}' (row {value.row}, column "
            f"{value.col}) read unsure ({value.confidence:.2f}) and one glyph off the name "
            f"'{printed}' another table of the document prints, read sure: read as '{printed}'"
        )
