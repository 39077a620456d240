"""The 一级 and 二级 labels of an OCR grid's lines settled by the indicator categories once a form
closes: a 二级 label one slip from exactly one category label is that label
(`level2_by_vocabulary`), and a 一级 label that does not name its 二级's category takes it
(`level1_by_category`). Each is a parse note; text layers print their labels and stay.

Apart from `flows.forms.rows` because these read a whole form's lines after every page of it
is read (a label a page break cut is stitched first), not one grid line.
"""

from __future__ import annotations

import re

from flows.forms.labels import (
    CATEGORY_LABELS,
    LEVEL1_KEYWORD,
    level1_fragment,
    level1_of,
    names_level1,
    nearest_labels,
)
from flows.forms.state import OpenForm, form_note
from flows.models import Cell, IndicatorRow, SourcedValue
from flows.text import normalize


def level1_by_category(form: OpenForm, problems: list[str]) -> None:
    """On OCR pages, a line whose 一级 label does not name the category its 二级 label belongs
    to once the grid is read takes that one (社会效益指标 → 效益指标), said once per label. It
    names none when blank, or read with a seal's characters glued on and its keyword misread
    (`覆益指标 政`); it names another when the OCR grid placed a merged 一级 cell's end wrong,
    by design a tall cell whose rules a seal or wear hid, and gave the lines under it the next
    label down (dev lg_4834 p3: 成本指标 lines under 效益指标). The 二级 label is printed in the
    line's own rows, and the indicator categories give each 二级 label one 一级. Run when the
    form closes: a label a page break cut is stitched to its rest before (`产` + `出指标`).
    Text layers print their labels: those stay as printed."""
    ocr_pages = {w.page.page for w, _ in form.grids if not w.page.has_text_layer}
    said: set[str] = set()
    for ind in form.indicators:
        printed = ind.level1
        own = level1_of(ind.level2.value)
        if printed.page not in ocr_pages or own is None:
            continue
        if LEVEL1_KEYWORD[own] in normalize(printed.value):
            continue
        ind.level1 = printed.with_value(own)
        if printed.value not in said:
            said.add(printed.value)
            how = (
                "names another category than its lines' 二级 labels"
                if names_level1(printed.value)
                else "names no indicator category"
            )
            problems.append(
                form_note(
                    form,
                    printed.page,
                    f"the 一级 label '{printed.value}' {how} (OCR); its lines take the one "
                    "their 二级 label belongs to",
                )
            )


def level1_of_fragments(lines: list[IndicatorRow], cells: list[Cell], page: int) -> list[str]:
    """Give the lines under each 一级 cell of `cells` that prints only a run of glyphs of a
    一级 label (a vertical label a page break cut: `标` of 产出指标, its first glyphs on the page
    before) the label the fragment belongs to: the one all their 二级 labels belong to when the
    fragment is part of it, else the only label it is part of. The notes, one a cell; a
    fragment no one label fits stays as printed, said so."""
    notes: list[str] = []
    for cell in (c for c in cells if level1_fragment(c.text)):
        under = [
            ind
            for ind in lines
            if (ind.level1.page, ind.level1.row, ind.level1.col) == (page, cell.row, cell.col)
        ]
        if not under:
            continue
        key = normalize(cell.text)
        fits = [label for label in CATEGORY_LABELS["level1"] if key in normalize(label)]
        owners = {level1_of(ind.level2.value) for ind in under} - {None}
        where = f"the 一级 cell '{cell.text}' (row {cell.row}, column {cell.col})"
        if len(owners) == 1 and owners <= set(fits):
            label, why = owners.pop(), "the label its lines' 二级 labels belong to"
        elif len(fits) == 1:
            label, why = fits[0], "the only 一级 label it is part of"
        else:
            notes.append(
                f"{where} prints only part of a 一级 label (a vertical label cut by a page "
                f"break or a lost rule); its {len(under)} line(s) fit no one label: left as "
                "printed"
            )
            continue
        for ind in under:
            ind.level1 = ind.level1.with_value(label)
        notes.append(
            f"{where} prints only part of a 一级 label (a vertical label cut by a page break "
            f"or a lost rule); its {len(under)} line(s) take {label}, {why}"
        )
    return notes


# Where a printed 二级 label's note begins (`质量指标（必填）`): the vocabulary spells the stem.
_LABEL_NOTE_RE = re.compile(r"[(（\[【〔]")


def level2_by_vocabulary(form: OpenForm, problems: list[str]) -> None:
    """On OCR pages, a 二级 label that names no indicator category but is a slip or two
    (`labels.nearest_labels`: one per four glyphs, misread, lost or added) from exactly one
    category label of the vocabulary (the dbt seed indicator_categories) is that label
    (`质备指标` → 质量指标, `或本指标（必` → 成本指标（必, dev lg_2035 `服务对家意度指标(必)`):
    the warehouse files a line by the category keyword its 二级 label prints, and one slip in a
    four-glyph label loses it. The label's note in brackets is kept as printed. A slip as near
    to two labels (`X量指标`:
    数量指标 and 质量指标) is left as printed, and so is a label that prints a category keyword
    (an exact label is never changed); each decision is said once per printed label, and the
    raw cell keeps what OCR read. Text layers print their labels: those stay. Run when the
    form closes, before `level1_by_category`, which reads the 二级 labels it settles."""
    ocr_pages = {w.page.page for w, _ in form.grids if not w.page.has_text_layer}
    vocabulary = CATEGORY_LABELS.get("level2", ())
    settled: dict[int, SourcedValue] = {}  # id(printed label) → the label it is taken as
    for ind in form.indicators:
        printed = ind.level2
        if id(printed) in settled:
            ind.level2 = settled[id(printed)]
            continue
        settled[id(printed)] = printed
        if printed.page not in ocr_pages or level1_of(printed.value) is not None:
            continue
        note_at = _LABEL_NOTE_RE.search(printed.value)
        stem = printed.value[: note_at.start()] if note_at else printed.value
        near = nearest_labels(normalize(stem), vocabulary)
        if not near:
            continue
        if len(near) > 1:
            problems.append(
                form_note(
                    form,
                    printed.page,
                    f"the 二级 label '{printed.value}' names no indicator category (OCR) and is "
                    f"equally near to {' and '.join(near)}; kept as printed",
                )
            )
            continue
        taken = printed.with_value(near[0] + (printed.value[note_at.start() :] if note_at else ""))
        settled[id(printed)] = ind.level2 = taken
        problems.append(
            form_note(
                form,
                printed.page,
                f"the 二级 label '{printed.value}' names no indicator category (OCR) and is "
                f"nearest to {near[0]} alone; taken as '{taken.value}'",
            )
        )
