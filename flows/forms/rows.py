"""The indicator grid's lines → `IndicatorRow`s: each line's cells by the grid's columns, merged
一级/二级 labels filled down and put back together where a page break split them, a target printed
apart (指标性质 | 指标值 | 度量单位) composed into one, numbers OCR put in one cell shared out, a
column with a declared alphabet read from the recogniser's ranked readings; the 总分 line is
`flows.forms.totalrow`'s, a cell merged across columns is shared out by `flows.forms.cellshare`.

Apart because reading grid lines is the largest job and does not depend on how a document is
cut into tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import replace

from flows.forms.celllines import KeepWhole, unmerge
from flows.forms.cellshare import share_across_columns
from flows.forms.cellvalues import (
    VALUE_RE,
    amount,
    glyphs_before_comparator,
    leave_out_marks,
    unit_in_unit_cell,
    unit_misread,
    unit_of_target,
)
from flows.forms.columns import GridColumns
from flows.forms.labels import (
    ALL_COLUMNS,
    CATEGORY_LABELS,
    cell_text,
    continues_label,
    is_unfinished_label,
    level1_of,
    match_printed,
    printed_after,
    same_text,
    starts_category_label,
)
from flows.forms.provenance import Where
from flows.forms.rates import percent_read_as_digit
from flows.forms.rateunit import rate_unit_read_as_mark
from flows.forms.spec import (
    LEVEL_PAIR,
    NO_VALUE,
    TARGET_KINDS,
    Column,
    FormSpec,
    level2_by_keyword,
    level2_in_print_order,
)
from flows.forms.state import OpenForm, form_note
from flows.forms.totalrow import read_total_row
from flows.forms.totals import score_note, score_problem
from flows.models import Cell, IndicatorRow, SourcedValue, Table, enclosing, join_wrapped
from flows.text import label_key, normalize

# ---------------------------------------------------------------- indicator lines

ROW_FIELDS = ("level1", "level2", "indicator_name", "target")
MERGED_LABELS = ("level1", "level2")  # printed once over their lines, filled down


def _grid_rows(
    table: Table,
    start: int,
    end: int,
    cols: GridColumns,
    merged: list[str],
    recovered: list[Cell],
    numeric: frozenset[str] = frozenset(),
) -> Iterable[tuple[int, dict[str, Cell | None]]]:
    """Each indicator line's cells by field, merged cells repeated down the rows they cover; a
    line whose value cells are all the cells of the line above is one line, not two, and so is
    a line that shares its 三级指标 cell with the line above when each value cell that differs
    is blank on one of the two (`_one_line_cut`). A cell that
    starts above `start` is not a value of these lines: when a heading cell runs on down over
    them (an OCR grid that found no rule under it), its field goes into `merged` — unless it is
    a 一级/二级 heading printing category labels under it (`一级指标产出指标`): a merged label by
    nature, read for the lines it covers (the label's cell goes into `recovered`). A row whose
    target and numbers are the line above's cells, each printing one value, continues that line
    (`_continues`): a rule the grid found amid a wrapped name or reason is no new line."""
    seen: set[tuple[int, ...]] = set()
    line: tuple[int, dict[str, Cell | None]] | None = None
    absorbed: set[int] = set()  # ids of the cells the line is printed in
    value_fields = [f for f in cols.by_field if f not in ("level1", "level2")]
    under: dict[int, Cell | None] = {}  # id(heading cell) → the label printed under its heading
    for r in range(start, end):
        cells = {f: table.at(r, c) for f, c in cols.by_field.items()}
        _join_cut_glyph(table, r, cells, cols)
        _printed_under_heading(table, r, start, cells, cols)
        for f, cell in cells.items():
            if cell is not None and cell.row < start:  # the heading, or the form above
                if id(cell) not in under:
                    under[id(cell)] = _label_under_heading(cell, f)
                cells[f] = under[id(cell)]
                if cells[f] is None and cell.last_row >= r and f not in merged:
                    merged.append(f)
                elif cells[f] is not None and all(c is not cells[f] for c in recovered):
                    recovered.append(cells[f])
        key = tuple(id(cells[f]) for f in value_fields)
        if key in seen:
            continue
        seen.add(key)
        if line is not None and _continues(line[1], cells, numeric, absorbed):
            for f, cell in cells.items():
                before = line[1][f]
                if cell is not None and before is not None and id(cell) not in absorbed:
                    line[1][f] = _cell_continued(before, cell)
                    absorbed.add(id(cell))
            continue
        if line is not None and _one_line_cut(line[1], cells, value_fields):
            for f in value_fields:
                if not cell_text(line[1][f]):
                    line[1][f] = cells[f]
            absorbed.update(id(c) for c in cells.values())
            continue
        if line is not None:
            yield line
        line = (r, cells)
        absorbed = {id(c) for c in cells.values()}
    if line is not None:
        yield line


SLIVER_CELL = 1.5
"""A grid cell narrower than this many text heights (its lines' median box height) holds one
glyph at most and is no printed cell: one beside a field's cell is a glyph the OCR grid cut off
with a rule found where none is printed. A measured shape, not a form's: the narrowest grid
column the layout generator typesets, over dev seeds 6000-6199 (2,448 blocks, fonts of 9-12 pt),
is 2.0 font sizes wide, padding included (median 5.7), and an OCR line's box stands about one
font size tall; a glyph cut off (dev lg_4752 p2, `指` | `标15：…`) is one glyph wide, under 1.5."""


def _join_cut_glyph(table: Table, r: int, cells: dict[str, Cell | None], cols: GridColumns) -> None:
    """A field's cell (in `cells`, in place) joined with the cell beside it in a grid column no
    heading names, when one of the two is a sliver (`SLIVER_CELL` text heights of the other's
    lines): a rule the OCR grid found where none is printed (a seal's arc, a stroke) cut the
    field's text and left its first or last glyph in a column of its own, which no field reads
    (dev lg_4752 p2: '指' | '标15：改善生态环境' read as the name '指'). Text joined in print
    order, no space (a glyph cut apart); only cells of this one row."""
    named = set(cols.by_field.values())
    row = [c for c in table.row_cells(r) if c.rowspan == 1]
    for f, cell in cells.items():
        if cell is None or cell.row != r or cell.rowspan != 1:
            continue
        for other in row:
            if named.intersection(range(other.col, other.last_col + 1)) or not other.text.strip():
                continue  # a cell over a named column is a field's or a label's (总分 over six)
            if other.col == cell.last_col + 1:
                left, right = cell, other
            elif other.last_col + 1 == cell.col:
                left, right = other, cell
            else:
                continue
            heights = [ln.bbox[3] - ln.bbox[1] for c in (left, right) for ln in c.lines]
            if not heights:
                continue
            height = sorted(heights)[len(heights) // 2]
            widths = [c.bbox[2] - c.bbox[0] for c in (left, right)]
            if min(widths) >= SLIVER_CELL * height:
                continue
            cells[f] = cell = replace(
                cell,
                col=left.col,
                colspan=right.last_col - left.col + 1,
                text=left.text.strip() + right.text.strip(),
                bbox=enclosing((left.bbox, right.bbox)),
                confidence=min(left.confidence, right.confidence),
                lines=left.lines + right.lines,
                readings=(),
            )  # fmt: skip


def _actual_percent_read_as_digit(
    name: str, target: str, extra: dict[str, SourcedValue], spec: FormSpec
) -> str | None:
    """A rate's 实际完成值 whose `%` OCR read as a last digit (`939` for 93%) taken as the
    percentage, in `extra` in place; the note saying so, or None. The same evidence as a
    target's (`flows.forms.rates`: a rate above 100 cannot be), and one more: the line's own
    target prints `%`, so the form prints this rate as a percentage and a bare actual above
    100 is no over-achievement printed without its sign (a bare `≥96` target's actual may be
    `101`; dev lg_8221: `93%` read `939` beside the target `=93%`)."""
    field = spec.composed_actual[0]
    actual = extra.get(field)
    if actual is None or not target.strip().endswith("%"):
        return None
    percent = percent_read_as_digit(name, actual.value)
    if percent is None:
        return None
    extra[field] = actual.with_value(percent)
    return (
        f"{name}: the rate's actual was read '{actual.value}', above 100 with no unit beside a "
        f"target in %; taken as '{percent}' (its % sign read as a digit)"
    )


def _actual_unit_misread(
    name: str, target: str, extra: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """A 实际完成值 whose unit OCR misread by one glyph (`1067元人`, `34入`) read with the unit
    its line's target prints (`cellvalues.unit_misread`), in `extra` in place: a line's target
    and actual measure one quantity, and the units form a closed list, so a word one glyph off
    the target's unit is that unit (selfscan18's lg_8663_自评: `1067元/人` read `1067元人`). The
    note saying so, or none."""
    field = spec.composed_actual[0] if spec.composed_actual else None
    actual = extra.get(field) if field is not None else None
    unit = unit_of_target(target)
    if actual is None or field is None or not unit:
        return []
    reading = unit_misread(actual.value, unit)
    if reading is None:
        return []
    extra[field] = actual.with_value(reading)
    return [
        f"{name}: the actual was read '{actual.value}', its unit no listed unit and one glyph "
        f"off the target's {unit}; read '{reading}'"
    ]


def _numbers_amid_marks(
    name: str,
    target: str,
    values: dict[str, SourcedValue],
    extra: dict[str, SourcedValue],
    cells: dict[str, Cell | None],
    spec: FormSpec,
) -> list[str]:
    """A line's numeric values (分值, 得分: `Column.numeric`; the 实际完成值 when the line's own
    target prints a number with a listed unit, or its 度量单位 cell prints one — the unit its
    actual prints too) into which OCR read glyphs that are no print — a seal's characters over
    the cells (dev lg_9516: `85` | `%` read `85必` | `%政`, composed `85必%政`, beside a target
    `>90 1%政` a speck and the seal made no number of): `leave_out_marks` on them, notes naming
    the line."""
    units = {c.field: "" for c in spec.columns if c.numeric and c.field in extra}
    actual = spec.composed_actual[0] if spec.composed_actual else None
    unit = unit_of_target(target)
    unit_cell = values.get(spec.composed_actual[-1]) if spec.composed_actual[1:] else None
    if unit is None and unit_cell is not None:
        unit = unit_in_unit_cell(unit_cell.value)
    if actual in extra and unit is not None:
        units[actual] = unit
    return [f"{name}: {n}" for n in leave_out_marks(extra, units, cells)]


def _printed_under_heading(
    table: Table, r: int, start: int, cells: dict[str, Cell | None], cols: GridColumns
) -> None:
    """A field's cell blank on row `r` replaced (in `cells`, in place) by the one cell of this
    row under the field's heading that prints text, when exactly one does and no other field's
    column holds it. A heading names the first grid column under it (`read_columns`); where
    the OCR grid found a column rule twice — a rule printed out of line below some rows, a
    photo's warp — a blank sliver stands in that first column beside the cell that prints the
    value, and may run down several rows, so `_join_cut_glyph` (one row, unmerged cells) does
    not join it (dev lg_8221: 实际完成值 over a blank sliver 11 px wide and the values beside
    it, read blank on six lines). Only cells below the heading; a printed value is never
    moved out of its own heading's span, and a row that prints two texts there is left as is.
    Not the 一级/二级 labels (`MERGED_LABELS`): their blank cell means the label above, filled
    down, and text beside it under their heading is a fragment (dev scan lg_9462: 满意度指标
    taken over by `满意度旨`)."""
    frame = cols.frame(table)
    if frame is None:
        return
    named = set(cols.by_field.values())
    for f, cell in cells.items():
        span = cols.x_ranges.get(f)
        if f in MERGED_LABELS or span is None or cell_text(cell):
            continue
        if cell is not None and cell.row < start:
            continue
        printed = [
            c
            for c in table.cells
            if c.row <= r <= c.last_row
            and c.row >= start
            and c is not cell
            and cell_text(c)
            and not named.intersection(range(c.col, c.last_col + 1))
            and span[0] <= frame((c.bbox[0] + c.bbox[2]) / 2) < span[1]
        ]
        if len(printed) == 1:
            cells[f] = printed[0]


def _one_line_cut(
    above: dict[str, Cell | None], cells: dict[str, Cell | None], value_fields: list[str]
) -> bool:
    """True when `cells` are the lower part of the line above cut by a rule that only some of
    its value columns print (an OCR grid's stray separator, a value's cell split in two): both
    share one printed 三级指标 cell, and every value cell that differs is blank above or below.
    A name printed once over two lines of different values stays two lines."""
    name = cells.get("indicator_name")
    if name is None or above.get("indicator_name") is not name or not cell_text(name):
        return False
    differ = [f for f in value_fields if above[f] is not cells[f]]
    return bool(differ) and all(not cell_text(above[f]) or not cell_text(cells[f]) for f in differ)


def _continues(
    line: dict[str, Cell | None],
    cells: dict[str, Cell | None],
    numeric: frozenset[str],
    absorbed: Container[int],
) -> bool:
    """Whether a grid row's cells continue the indicator line above rather than start one: its
    target and numeric cells (分值, 得分) are the line's own, merged down over the row, and each
    prints one value at most (a cell printing one number per line is shared out, not this),
    and it prints a text of its own, if any, only in the name or in a column the line's numbers
    do not decide (偏差原因): a sliver row printing nothing is no line either. Only grids with
    numeric columns: a target alone decides nothing."""
    fixed = ["target", *(f for f in line if f in numeric)]
    if len(fixed) < 2 or any(f not in line for f in fixed):
        return False
    for f in fixed:
        cell = line[f]
        if cell is None or cells[f] is not cell or not cell_text(cell):
            return False
        if len(VALUE_RE.findall(cell.text)) > 1 and f in numeric:
            return False
    own = [f for f, c in cells.items() if c is not None and id(c) not in absorbed and cell_text(c)]
    return all(f not in ("level1", "level2") for f in own)


def _cell_continued(cell: Cell, rest: Cell) -> Cell:
    """`cell` continued by the cell under it (the rest of its wrapped text)."""
    box = (
        min(cell.bbox[0], rest.bbox[0]),
        cell.bbox[1],
        max(cell.bbox[2], rest.bbox[2]),
        rest.bbox[3],
    )
    return replace(
        cell,
        text=join_wrapped([cell.text, rest.text]),
        bbox=box,
        rowspan=rest.last_row - cell.row + 1,
        confidence=min(cell.confidence, rest.confidence),
        lines=cell.lines + rest.lines,
    )


def _split_name_and_target(
    cells: dict[str, Cell | None], values: dict[str, SourcedValue]
) -> list[str]:
    """A 三级指标 cell an OCR grid merged with the 指标值 cell beside it (`项目实施进度
    ≤2026年底`): the name is what is printed before the last gap, the target after it, when
    no other column shares the cell. A name may print a gap (`1. 治理面积`); a target seldom
    does. Reported, so an auditor can check the split."""
    cell = cells.get("indicator_name")
    if cell is None or cells.get("target") is not cell:
        return []
    if any(c is cell for f, c in cells.items() if f not in ("indicator_name", "target")):
        return []
    parts = cell.text.strip().rsplit(None, 1)
    if len(parts) != 2:
        return []
    values["indicator_name"] = values["indicator_name"].with_value(parts[0])
    values["target"] = values["target"].with_value(parts[1])
    return [
        f"the cell '{cell.text}' spans the 三级指标 and 指标值 columns (OCR found no rule "
        f"between them): read as the name '{parts[0]}' and the target '{parts[1]}'"
    ]


def _label_under_heading(cell: Cell, field: str) -> Cell | None:
    """The 一级/二级 label printed under its column heading in one cell an OCR grid merged down
    over the lines (`一级指标产出指标`): the cell as printed after the heading, when that names
    a category label of the column; None otherwise (the heading alone, or another column)."""
    if field not in ("level1", "level2"):
        return None
    key = label_key(cell.text)
    hit = match_printed(key, ALL_COLUMNS)
    if hit is None or hit[0].field != field or not hit[1]:  # type: ignore[attr-defined]
        return None
    rest = printed_after(cell.text, len(key) - len(hit[1]))
    label = replace(cell, text=rest)
    return label if _labels_printed(label, field) else None


def _one_label_each(cols: GridColumns) -> KeepWhole:
    """A 一级/二级 cell is merged down over its rows by design: cut only when every part that
    prints text starts a category label of its own (two stacked 二级 labels), never into the
    lines of one label (`效益` | `指标`)."""
    label_cols = {cols.by_field[f] for f in ("level1", "level2") if f in cols.by_field}

    def keep_whole(cell: Cell, parts: list[Cell]) -> bool:
        if cell.col not in label_cols:
            return False
        printed = [p.text for p in parts if p.text.strip()]
        return not all(starts_category_label(t) for t in printed)

    return keep_whole


def append_rows(
    form: OpenForm,
    where: Where,
    start: int,
    end: int,
    after_break: bool,
    problems: list[str],
    lines_lost_before: bool = False,
) -> None:
    """Append a segment's indicator lines to `form`, joining what a page break cut apart.

    On a continuation page the first line's merged labels may be blank (inherit the previous
    label), repeated (same label), or the rest of a label the break cut ("标" after "产出指"); its
    三级指标 or 指标值 may also be the rest of the previous line's cell (blank labels and a blank
    other half). A 总分 row closes the grid with the form's overall weight and score.
    `lines_lost_before`: the grid's lines on the page before were not read (a page read by its
    shape under a cut vertical label), so a blank label on the first line here is the rest of
    one printed there, not the upper half of the label under it."""
    cols = form.columns
    assert cols is not None
    spec = form.spec
    table, unmerged = unmerge(
        where.table, range(start, end), _one_label_each(cols), reaching_in=True
    )
    if unmerged:  # the grid's cells read by where their OCR lines stand
        where = Where(where.page, table, where.table_index)
        problems.extend(form_note(form, where.page.page, f"grid {u.note()}") for u in unmerged)
    form.grids.append((where, cols))
    labels: dict[int, SourcedValue] = {}  # id(merged label cell) → the label it stands for
    after_break = after_break and bool(form.indicators)
    merged: list[str] = []
    ocr = not where.page.has_text_layer
    first = not form.indicators and not lines_lost_before
    halves = _split_label_halves(where, start, end, cols, first) if ocr else {}
    sealed, said = _level2_under_seal(where.table, start, end, cols) if ocr else ({}, [])
    if ocr and first:
        ordered, lost = _level2_by_order(where, start, end, cols, {**halves, **sealed})
        sealed.update(ordered)
        said += lost
    problems.extend(form_note(form, where.page.page, n) for n in said)
    merged_labels: set[int] = set()
    parted: dict[int, tuple[Cell, Cell]] = {}  # a cell over both label columns
    recovered: list[Cell] = []
    numeric = frozenset(c.field for c in spec.columns if c.numeric)
    lines = list(_grid_rows(where.table, start, end, cols, merged, recovered, numeric))
    # a grid continued on a table without the 一级 column its heading printed (but with 二级)
    not_printed_here = (
        "level1" in cols.x_ranges and "level1" not in cols.by_field and "level2" in cols.by_field
    )
    if not_printed_here and lines:
        problems.append(
            form_note(
                form,
                where.page.page,
                "the grid continues in a table without the 一级指标 column (its rules lost "
                "with the leading columns); each line takes the 一级 label its 二级 label "
                "belongs to (indicator categories), else the line above's",
            )
        )
    unshared: list[Cell] = []  # merged cells printing numbers that do not match their lines
    starts = [r for r, _ in lines]
    for r, cells in lines:
        if spec.total_row and read_total_row(form, where, r, cells, problems):
            break  # the grid ends at its 总分 row; what follows (填表人 …) is not an indicator
        values = {
            f: where.sv(c, _share_of(c, r, starts, unshared))
            for f, c in cells.items()
            if f not in ("level1", "level2")
        }
        frame = cols.frame(where.table) if ocr else None
        notes = share_across_columns(cells, values, cols, spec, {id(c) for c in unshared}, frame)
        notes += _split_name_and_target(cells, values) if ocr else []
        notes += _read_by_alphabet(cells, values, spec)
        notes += _faint_by_alphabet(cells, values, spec)
        notes += _under_seal_by_column(cells, values, spec)
        notes += _text_under_seal(cells, values, spec)
        notes += _unit_after_a_mark(values, spec) if ocr else []
        notes += _name_after_a_mark(values) if ocr else []
        notes += rate_unit_read_as_mark(values, spec, form.indicators) if ocr else []
        target = _compose(values, spec.composed_target, "target", where.sv(None))
        nm = values.get("indicator_name", where.sv(None))
        percent = percent_read_as_digit(nm.value, target.value) if ocr else None
        if percent is not None:  # text layers print what they print
            notes.append(
                f"{nm.value}: the rate's target was read '{target.value}', above 100 with no "
                f"unit; taken as '{percent}' (its % sign read as a digit)"
            )
            target = target.with_value(percent)
        signed = glyphs_before_comparator(target.value) if ocr else None
        if signed is not None:
            notes.append(
                f"{nm.value}: the target '{target.value}' reads '{signed[1]}' before its "
                f"comparator, which a target prints first (a seal's or speck's glyph): read "
                f"as '{signed[0]}'"
            )
            target = target.with_value(signed[0])
        if not (nm.value.strip() or target.value.strip()):
            continue
        problems.extend(form_note(form, where.page.page, n) for n in notes)
        heading = _heading_again(cells, spec)
        if heading is not None:  # the heading repeated where it was not found as one
            if not heading:  # its 三级指标 cell reads no heading: say what is left out
                problems.append(
                    form_note(
                        form,
                        where.page.page,
                        f"the line '{nm.value}' prints its 指标值 and numeric columns' headings: "
                        "read as the grid's heading repeated, not as an indicator",
                    )
                )
            continue
        level1, level2 = (
            sealed.get(id(c)) or halves.get(id(c), c)
            for c in (cells.get("level1"), cells.get("level2"))
        )
        if ocr:  # a text layer's cell over both columns is printed so: kept as printed
            level1, level2, parted_note = _parted_labels(level1, level2, parted)
            if parted_note is not None:
                problems.append(form_note(form, where.page.page, parted_note))
        for name, cell in (("level1", level1), ("level2", level2)):
            if cell is not None and id(cell) not in merged_labels and _two_labels(cell, name):
                merged_labels.add(id(cell))
                how = (
                    "each line takes the one its 二级 label belongs to (indicator categories), "
                    "a line whose 二级 label names none of them takes it as printed"
                    if name == "level1"
                    else "its lines take it as printed"
                )
                problems.append(
                    form_note(
                        form,
                        where.page.page,
                        f"the {name} cell '{cell.text}' "
                        f"prints two labels (OCR found no rule between them); {how}",
                    )
                )
        prev = form.indicators[-1] if form.indicators else None
        if prev is not None and after_break:
            after_break = False
            blank_labels = not cell_text(level1) and not cell_text(level2)
            if blank_labels and nm.value and not target.value:
                prev.name = prev.name.joined(nm)
                continue
            if blank_labels and target.value and not nm.value:
                prev.target = prev.target.joined(target)
                continue
            for attr, cell in (("level1", level1), ("level2", level2)):
                before: SourcedValue = getattr(prev, attr)
                cut = is_unfinished_label(before.value) or continues_label(cell_text(cell))
                fresh = starts_category_label(cell_text(cell))
                if cell is not None and cell_text(cell) and cut and not fresh:
                    stitched = before.joined(where.sv(cell))  # the rest of the cut label
                    form.relabel(attr, before, stitched)
                    labels[id(cell)] = stitched
        l1 = _label(level1, prev.level1 if prev else None, labels, where)
        l2 = _label(level2, prev.level2 if prev else None, labels, where)
        if level1 is not None and id(level1) in merged_labels:
            own = _level1_by_category(level1, l2.value)
            l1 = where.sv(level1, own) if own is not None else l1
        if not_printed_here:  # the 一级 column lost on this page: its label by the categories
            own = level1_of(l2.value)
            l1 = l2.with_value(own) if own is not None else l1
        extra = {
            f: v
            for f, v in values.items()
            if f not in ("indicator_name", "target") and f not in spec.composed_actual[:1]
        }
        if spec.composed_actual and spec.composed_actual[0] in values:
            parts, note = _units_of_numbers(values, spec.composed_actual)
            extra[spec.composed_actual[0]] = _compose(
                values, parts, spec.composed_actual[0], where.sv(None)
            )
            if note is not None:
                problems.append(form_note(form, where.page.page, f"{nm.value}: {note}"))
        if ocr and spec.composed_actual:
            note = _actual_percent_read_as_digit(nm.value, target.value, extra, spec)
            if note is not None:
                problems.append(form_note(form, where.page.page, note))
        if ocr:
            notes = _numbers_amid_marks(nm.value, target.value, values, extra, cells, spec)
            notes += _actual_unit_misread(nm.value, target.value, extra, spec)
            problems.extend(form_note(form, where.page.page, n) for n in notes)
        form.indicators.append(
            IndicatorRow(level1=l1, level2=l2, name=nm, target=target, extra=extra)
        )
        reported = any(cells.get(f) in unshared for f in ("weight", "score"))
        if spec.total_row and not reported:  # each graded line's score against its weight
            weight, score = extra.get("weight"), extra.get("score")
            note = score_problem(weight, score)
            if note is not None:
                said = form_note(form, where.page.page, f"{nm.value}: {note}")
                problems.append(score_note(said, weight, score))
    for cell in unshared:
        problems.append(
            form_note(
                form,
                where.page.page,
                f"the grid cell '{cell.text}' spans "
                f"{cell.rowspan} rows (OCR found no rule between them) and its values do not match "
                "its lines; they keep it as printed",
            )
        )
    for cell in recovered:
        problems.append(
            form_note(
                form,
                where.page.page,
                f"the grid's heading cell runs on down over "
                f"its lines (no rule found under the heading); the label '{cell.text}' printed "
                "under it is read for the lines it covers",
            )
        )
    if merged:
        problems.append(
            form_note(
                form,
                where.page.page,
                f"the grid's {', '.join(merged)} column "
                "is one cell with its heading (no rule found under the heading); its values are "
                "not read",
            )
        )


def _share_of(cell: Cell | None, r: int, starts: list[int], unshared: list[Cell]) -> str | None:
    """Line r's value in a value cell an OCR grid merged over several lines (no rule found
    between them): the cell prints one number per line (`3.00 18.00 1.00` over three lines of
    分值). None (the cell's own text) otherwise: a merged cell printing anything else is not
    shared out by guess; one printing several numbers, but not one per line, goes into
    `unshared` to be reported."""
    if cell is None or cell.rowspan == 1:
        return None
    covered = [x for x in starts if cell.row <= x <= cell.last_row]
    tokens = VALUE_RE.findall(cell.text)
    if len(covered) < 2 or "".join(tokens) != re.sub(r"\s", "", cell.text):
        return None
    if len(tokens) == len(covered) and r in covered:
        return tokens[covered.index(r)]
    if len(tokens) > 1 and cell not in unshared:
        unshared.append(cell)
    return None


def _labels_printed(cell: Cell, level: str) -> list[str]:
    """The category labels of `level` (产出指标, 效益指标 …) a cell prints, in print order."""
    text = normalize(cell.text)
    found: list[tuple[int, int, str]] = []
    for lb in sorted(CATEGORY_LABELS.get(level, ()), key=len, reverse=True):
        for m in re.finditer(re.escape(lb), text):
            if not any(a <= m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), lb))
    return [lb for _, _, lb in sorted(found)]


def _two_labels(cell: Cell, level: str) -> bool:
    """A merged 一级/二级 cell printing two category labels (质量指标时效指标): two cells an
    OCR grid joined over rows, whose lines cannot be told apart by position."""
    return cell.rowspan > 1 and len(_labels_printed(cell, level)) > 1


def _labels_side_by_side(cell: Cell | None) -> tuple[str, str] | None:
    """(一级, 二级) a cell covering both label columns prints one after the other
    (`效益指标社会效益指标`: the column rule between them lost, OCR read both as one line): the
    text starts with a 一级 label and the rest is a 二级 label of that 一级's categories (its
    mark such as （必填） kept), by the form's categories. None otherwise: a cell printing
    anything else keeps its text for both columns, as read."""
    text = cell_text(cell)
    for k in range(1, len(text)):
        head, rest = text[:k], text[k:].strip()
        own = normalize(head)
        if own in CATEGORY_LABELS["level1"] and starts_category_label(rest):
            return (head, rest) if level1_of(rest) == own else None
    return None


def _parted_labels(
    level1: Cell | None, level2: Cell | None, parted: dict[int, tuple[Cell, Cell]]
) -> tuple[Cell | None, Cell | None, str | None]:
    """The line's 一级 and 二级 cells, parted where one cell covers both label columns and
    prints a 一级 label with one of its 二级 labels after it (`_labels_side_by_side`), and the
    note saying so the first time (`parted`: id(cell) → its two parts, kept for the lines
    under the same cell, so each part stays one merged label)."""
    if level1 is None or level1 is not level2:
        return level1, level2, None
    if id(level1) in parted:
        return *parted[id(level1)], None
    labels = _labels_side_by_side(level1)
    if labels is None:
        return level1, level2, None
    parts = (
        replace(level1, text=labels[0], readings=()),
        replace(level1, text=labels[1], readings=()),
    )
    parted[id(level1)] = parts
    note = (
        f"the cell '{level1.text}' covers the 一级 and 二级 columns (OCR found no rule between "
        f"them): read as 一级 '{labels[0]}' and 二级 '{labels[1]}', a label of its categories"
    )
    return *parts, note


def _level1_by_category(cell: Cell, level2: str) -> str | None:
    """A line's 一级 label in a merged cell printing several (`产出指标…效益指标`): the one its
    二级 label belongs to by the indicator categories (数量指标 → 产出指标), when the cell prints
    it once; None (keep the cell as printed) otherwise."""
    own = level1_of(level2)
    printed = _labels_printed(cell, "level1")
    return own if own is not None and printed.count(own) == 1 else None


def _heading_again(cells: dict[str, Cell | None], spec: FormSpec) -> bool | None:
    """A grid line whose 三级指标 and 指标值 cells print their own column headings: the heading
    row repeated on a continuation page (OCR may have misread another of its headings, so it was
    not found as a heading). No indicator is named 三级指标 with the target 指标值. So is a line
    whose 指标值 and every numeric column (分值, 得分) print their own headings, whatever its
    三级指标 cell reads (`T二级指标 三级指标`: two headings a lost rule joined, a mark): a numeric
    column's cell prints a number, never its heading. So is a line whose 一级, 二级 and 三级指标
    cells print their own headings, whatever its 指标值 cell reads (dev2 lg_10180 p3: `年度指标2`,
    a seal's mark after it): no category is named 一级指标. True: the 三级指标 cell prints its
    heading too; False: only the others do; None: not a heading."""

    def own_heading(name: str) -> bool:
        hit = match_printed(label_key(cell_text(cells.get(name))), ALL_COLUMNS)
        return hit is not None and hit[0].field == name  # type: ignore[attr-defined]

    if not own_heading("target"):
        labels = ("level1", "level2", "indicator_name")
        return True if all(map(own_heading, labels)) else None
    if own_heading("indicator_name"):
        return True
    numeric = [c.field for c in spec.columns if c.numeric and cells.get(c.field) is not None]
    return False if numeric and all(map(own_heading, numeric)) else None


def _split_label_halves(
    where: Where, start: int, end: int, cols: GridColumns, first: bool
) -> dict[int, Cell]:
    """id(blank half) → its printed half, for the 一级/二级 labels an OCR grid cut in two.

    A merged label prints its text centred over the rows it spans; an OCR grid may take the
    text line for a rule and cut the cell there, leaving a blank upper half and a lower half of
    the same height holding the text. Such a blank half below another label is not a "same as
    above" fill-down (a blank label is printed only at the top of a continuation page): it is
    the upper half of the label under it, unless it is nearer the label above in height (then
    it is that label's lower half, cut the same way). A blank label on the grid's first line
    (`first`: no line read before it, nothing to fill down) is the upper part of the one under
    it."""
    table = where.table
    out: dict[int, Cell] = {}
    for name in ("level1", "level2"):
        c = cols.by_field.get(name)
        if c is None:
            continue
        for r in range(start, end):
            blank = table.at(r, c)
            if blank is None or blank.row != r or cell_text(blank):
                continue
            below = table.at(blank.last_row + 1, c) if blank.last_row + 1 < end else None
            if below is None or not cell_text(below):
                continue
            if (below.col, below.colspan) != (blank.col, blank.colspan):
                continue
            if r == start:
                if first and _centred_over(blank, below):
                    out[id(blank)] = below
                continue
            above = table.at(r - 1, c)
            if above is None or above.row < start:
                continue
            height = blank.bbox[3] - blank.bbox[1]
            to_below = abs(height - (below.bbox[3] - below.bbox[1]))
            to_above = abs(height - (above.bbox[3] - above.bbox[1]))
            if to_below <= to_above:
                out[id(blank)] = below
    return out


def _centred_over(blank: Cell, below: Cell) -> bool:
    """Whether the label `below` prints stands centred over `blank` and itself together, as a
    merged label's text does over its cell: a grid cut at the text line leaves the text at the
    middle of the two parts. A blank cell above a label printed low in its own cell (dev6
    lg_54119 p2: a blank 二级 cell of two lines over `质量指标` of one) is another label's, lost
    to OCR. Half a text line's height of slack, for a cut between a label's two lines."""
    if not below.lines:
        return True  # nothing to measure the text by
    top = min(ln.bbox[1] for ln in below.lines)
    bottom = max(ln.bbox[3] for ln in below.lines)
    slack = min(ln.bbox[3] - ln.bbox[1] for ln in below.lines) / 2
    middle = (blank.bbox[1] + below.bbox[3]) / 2
    return top - slack <= middle <= bottom + slack


def _level2_by_order(
    where: Where, start: int, end: int, cols: GridColumns, settled: dict[int, Cell]
) -> tuple[dict[int, Cell], list[str]]:
    """id(二级 cell) → the cell printing its label, for a blank 二级 cell on the first line of a
    form's grid (nothing above to fill down) that is not the upper half of the label under it
    (`_centred_over`): OCR lost its label (a seal, faded print). The form prints each 一级's
    二级 labels in a fixed order (`spec.level2_in_print_order`), so when exactly one label of
    the 一级 under it comes before the label under it (`质量指标` → 数量指标), that is the one;
    else the cell stays blank. Both noted."""
    c = cols.by_field.get("level2")
    blank = where.table.at(start, c) if c is not None else None
    if c is None or blank is None or blank.row != start or cell_text(blank):
        return {}, []
    if id(blank) in settled or blank.last_row + 1 >= end:
        return {}, []
    below = where.table.at(blank.last_row + 1, c)
    label = _category_label(cell_text(below))
    if below is None or label is None:
        return {}, []
    level1 = level1_of(label)
    before = LEVEL2_ORDER.get(level1 or "", ())
    before = before[: before.index(label)] if label in before else ()
    where_said = f"the 二级 cell of the grid's first line (row {blank.row}) read blank"
    if len(before) != 1:
        return {}, [f"{where_said}, not the upper half of '{below.text}' under it: left blank"]
    return {id(blank): replace(blank, text=before[0])}, [
        f"{where_said}, not the upper half of '{below.text}' under it (a label of its own, its "
        f"print lost): read as {before[0]}, the only {level1} label the form prints before "
        f"{label}"
    ]


def _category_label(text: str) -> str | None:
    """The 二级 category label a printed label names by its keyword (`质量必填` → 质量指标),
    None when it names none or more than one."""
    key = normalize(text)
    found = {label for word, label in LEVEL2_BY_KEYWORD.items() if word in key}
    return found.pop() if len(found) == 1 else None


# A column's alphabet overrules the recogniser's best reading only with at least this
# probability for the allowed reading (a cell printing something the description does not
# know stays as read) and, when the best reading is itself allowed, only when the other is this
# many times more probable.
ALPHABET_MIN_PROBABILITY = 0.05
ALPHABET_CLEAR_RATIO = 2.0


def alphabet_choice(cell: Cell, alphabet: Iterable[str]) -> tuple[str, float] | None:
    """The value a cell of a column declaring `alphabet` prints, when the recogniser's best
    (greedy) reading is not it: the allowed reading it ranked most probable, taken when the best
    reading is not allowed, or is allowed but clearly less probable. None: keep the cell's text.

    A faded lone ≥ is read `>` or `2` by greedy decoding while the recogniser still gives ≥ a
    probability of its own; only the column knows `2` cannot be printed there."""
    if not cell.readings:
        return None
    allowed = {normalize(a) for a in alphabet}
    ranked = [(t, p) for t, p in cell.readings if normalize(t) in allowed]
    if not ranked:
        return None
    text, prob = max(ranked, key=lambda r: r[1])
    greedy = normalize(cell.text)
    if normalize(text) == greedy:
        return None
    if greedy in allowed:
        own = max((p for t, p in cell.readings if normalize(t) == greedy), default=0.0)
        return (text, prob) if prob >= ALPHABET_CLEAR_RATIO * own else None
    return (text, prob) if prob >= ALPHABET_MIN_PROBABILITY else None


def number_choice(cell: Cell) -> tuple[str, float] | None:
    """The number a cell of a numeric column (分值, 得分) prints, when the recogniser's best
    reading is one token holding no digit (`s` for 5): the most probable reading it ranked that
    is a number, as `alphabet_choice` takes a listed value. None: keep the cell's text (a blank,
    a no-value mark, which the column may print, several values, no ranked number). A reading
    with a digit is left to the checks that know its marks: glyphs beside the number
    (`cellvalues.number_amid_marks`), a mark at its edge (`totals.settle_marks_by_totals`)."""
    text = cell.text.strip()
    if not text or len(text.split()) > 1 or any(ch.isdigit() for ch in text):
        return None
    if text in NO_VALUE:
        return None
    ranked = [(t.strip(), p) for t, p in cell.readings if amount(t.strip()) is not None]
    best = max(ranked, key=lambda r: r[1], default=None)
    return best if best is not None and best[1] >= ALPHABET_MIN_PROBABILITY else None


def _read_by_alphabet(
    cells: dict[str, Cell | None], values: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """Values of columns declaring an alphabet read as `alphabet_choice` picks, and of numeric
    columns as `number_choice` picks, each change reported with the recogniser's own reading
    (the raw cell keeps it as read)."""
    notes = []
    for col in spec.columns:
        cell, value = cells.get(col.field), values.get(col.field)
        if not (col.alphabet or col.numeric) or cell is None or value is None:
            continue
        if value.value != cell.text:
            continue
        choice = alphabet_choice(cell, col.alphabet) if col.alphabet else number_choice(cell)
        if choice is None:
            shaped = _by_level_pair(cell, col)
            if shaped is None:
                notes += _unlisted(cell, col)
                continue
            values[col.field] = value.with_value(LEVEL_PAIR)
            notes.append(shaped)
            continue
        text, prob = choice
        own = next((p for t, p in cell.readings if normalize(t) == normalize(cell.text)), 0.0)
        values[col.field] = value.ranked_reading(text, prob)
        notes.append(
            f"the {col.field} cell (row {cell.row}) was read '{cell.text}' (p={own:.3f}) and is "
            f"taken as '{text}' (p={prob:.3f}), the most probable value its column may print"
        )
    return notes


def _by_level_pair(cell: Cell, col: Column) -> str | None:
    """The note on an OCR cell of a column that may print `LEVEL_PAIR` (`=`) whose glyph, read as
    something the column may not print and with no listed reading ranked, is two level strokes of
    one length (`Cell.level_pair`): the recogniser named the print `二` (dev2 lg_10247 p3 at 0.95,
    `=` not ranked), the shape says `=`; None where the cell is not such a one."""
    allowed = {normalize(a) for a in col.alphabet}
    text = normalize(cell.text)
    if not cell.level_pair or not text or text in allowed or normalize(LEVEL_PAIR) not in allowed:
        return None
    return (
        f"the {col.field} cell (row {cell.row}) reads '{cell.text}', not a value its column may "
        f"print; its glyph is two level strokes of one length, as '{LEVEL_PAIR}' prints: taken "
        f"as '{LEVEL_PAIR}'"
    )


def _unlisted(cell: Cell, col: Column) -> list[str]:
    """The note on an OCR cell of a column declaring an alphabet that lands a value the column
    may not print, no reading the recogniser ranked being one (dev2 lg_10247 p3: a `=` read
    `二` at 0.95, `=` not among its readings): landed as read, but never silently. Not a unit
    column: a unit its list lacks may be printed all the same (the list holds the units met)."""
    text = normalize(cell.text)
    if not col.alphabet or col.unit or not cell.readings or not text:
        return []
    if text in {normalize(a) for a in col.alphabet}:
        return []
    return [
        f"the {col.field} cell (row {cell.row}) reads '{cell.text}', not a value its column "
        "may print, and the recogniser ranked none that is: landed as read"
    ]


# A blank cell's faint glyph (`Cell.faint`) lands only where the recogniser's best reading of
# it is a value its column may print, with at least this probability: marks a seal or a worn
# rule left are read as something, rarely surely as a listed comparator.
FAINT_MIN_PROBABILITY = 0.5

# A faint glyph read surely (its best reading at least FAINT_MIN_PROBABILITY) as something its
# column may not print is print the recogniser misnamed (dev lg_9618 p2: a faded `=` read `二`
# at 0.708, `=` ranked next at 0.251), as the inked cells' `alphabet_choice` takes it: the value
# it ranked most probable among those the column may print lands, with at least this
# probability. A no-value mark is no such value: a blank cell already prints none.
FAINT_LISTED_MIN_PROBABILITY = 0.2


def _faint_by_alphabet(
    cells: dict[str, Cell | None], values: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """Blank cells of columns declaring an alphabet whose lone glyph printed too light to be
    read as ink (`ocr.page.read_faint_cells`) was read as a value the column may print: that
    value lands, reported; a faint glyph read as anything else leaves the cell blank, reported
    too. Columns without an alphabet are not judged: their faint glyphs stay unread."""
    notes = []
    for col in spec.columns:
        cell, value = cells.get(col.field), values.get(col.field)
        if not col.alphabet or cell is None or value is None or not cell.faint:
            continue
        if value.value.strip() or cell.text.strip():
            continue
        text, prob = cell.faint[0]
        where = f"the {col.field} cell (row {cell.row}) was read blank"
        allowed = {normalize(a) for a in col.alphabet}
        sure = prob >= FAINT_MIN_PROBABILITY
        if normalize(text) in allowed and sure:
            values[col.field] = value.ranked_reading(text, prob)
            notes.append(f"{where}; its faint glyph is read '{text}' (p={prob:.3f})")
        elif sure and (ranked := _faint_ranked_listed(cell.faint, allowed)) is not None:
            values[col.field] = value.ranked_reading(*ranked)
            notes.append(
                f"{where}; its faint glyph read '{text}' (p={prob:.3f}), not a value the column "
                f"may print, is taken as '{ranked[0]}' (p={ranked[1]:.3f}), the most probable "
                "value it may print"
            )
        else:
            notes.append(
                f"{where}; its faint glyph read '{text}' (p={prob:.3f}) is not a value the "
                "column may print surely: left blank"
            )
    return notes


def _faint_ranked_listed(
    readings: tuple[tuple[str, float], ...], allowed: Container[str]
) -> tuple[str, float] | None:
    """The most probable of a faint glyph's ranked readings that its column may print and that
    is no no-value mark, when at least `FAINT_LISTED_MIN_PROBABILITY` probable; None otherwise."""
    no_value = {normalize(m) for m in NO_VALUE}
    listed = [
        (t, p) for t, p in readings if normalize(t) in allowed and normalize(t) not in no_value
    ]
    best = max(listed, key=lambda r: r[1], default=None)
    return best if best is not None and best[1] >= FAINT_LISTED_MIN_PROBABILITY else None


# A numeric cell's print re-read under a seal's line (`Cell.under_seal`) lands only where its
# bands read one number at least this surely: a band through the seal's own glyphs reads them
# as surely as print (dev lg_581_自评 p3: `罗` 0.911 beside `8.97` 0.997), never as a number.
UNDER_SEAL_MIN_PROBABILITY = 0.9


def _one_under_seal(
    readings: tuple[tuple[str, float], ...], means: Callable[[str], object | None]
) -> tuple[str, float] | None:
    """The one thing the bands read at least `UNDER_SEAL_MIN_PROBABILITY` surely that a column
    may print (`means` of a reading: its amount, its category; None for none), with its surest
    reading and probability; None for none or two different ones."""
    sure: dict[str, float] = {}
    for text, prob in readings:
        if prob >= UNDER_SEAL_MIN_PROBABILITY and means(text) is not None:
            sure[text] = max(prob, sure.get(text, 0.0))
    if len({means(t) for t in sure}) != 1:
        return None
    return max(sure.items(), key=lambda kv: kv[1])


def _said_under_seal(readings: tuple[tuple[str, float], ...]) -> str:
    """The bands' readings as a note lists them."""
    return ", ".join(f"'{t}' (p={p:.3f})" for t, p in readings)


def _under_seal_by_column(
    cells: dict[str, Cell | None], values: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """Cells of numeric columns (分值, 得分) whose value read no number while a seal-high line
    was read over them (`ocr.sealprint`): the number their print bands read surely lands,
    reported; bands reading no number, or two different ones, leave the cell as read, reported
    too. Other columns are not judged: a band reads the seal's glyphs as surely as print."""
    notes = []
    for col in spec.columns:
        cell, value = cells.get(col.field), values.get(col.field)
        if not col.numeric or cell is None or value is None or not cell.under_seal:
            continue
        if any(ch.isdigit() for ch in value.value):
            continue
        choice = _one_under_seal(cell.under_seal, amount)
        if choice is not None:
            values[col.field] = value.ranked_reading(*choice)
        said = _said_under_seal(cell.under_seal)
        what = f"'{choice[0]}' taken" if choice else "no one number its column may print surely"
        notes.append(
            f"the {col.field} cell (row {cell.row}) read '{value.value}' under a seal's line; its "
            f"print re-read at its row's height: {said}: {what}"
            + ("" if choice else ", left as read")
        )
    return notes


def _more_print(reading: str, read: str) -> bool:
    """Whether a band's `reading` is `read` with print the seal hid: more characters, among
    them at least half of `read`'s (a seal's glyph read in a band shares none of the print's)."""
    have, want = Counter("".join(reading.split())), Counter("".join(read.split()))
    shared = sum((have & want).values())
    return sum(have.values()) > sum(want.values()) and 2 * shared >= sum(want.values())


def _text_under_seal(
    cells: dict[str, Cell | None], values: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """Cells of columns printing words (no numeric column, no alphabet: 实际完成值, 指标值) read
    from a seal-high line: the one reading their print bands give at least
    `UNDER_SEAL_MIN_PROBABILITY` surely that is the cell's reading with print the seal hid
    (`_more_print`: dev2 lg_19009_自评 p2, `效提开` under the seal's star, its band
    `有效提升` at 0.9997) lands, reported. A band through the seal's glyphs reads them as surely
    as print, but never as the print's own characters and more."""
    notes = []
    for col in spec.columns:
        cell, value = cells.get(col.field), values.get(col.field)
        if col.numeric or col.alphabet or col.field in ("level1", "level2"):
            continue
        if cell is None or value is None or not cell.under_seal or not value.value.strip():
            continue
        choice = _one_under_seal(
            cell.under_seal, lambda t, read=value.value: t if _more_print(t, read) else None
        )
        if choice is None:
            continue
        values[col.field] = value.ranked_reading(*choice)
        notes.append(
            f"the {col.field} cell (row {cell.row}) read '{value.value}' on a seal-high line; its "
            f"print re-read at its row's height: {_said_under_seal(cell.under_seal)}: "
            f"'{choice[0]}' taken (the reading and the print the seal hid)"
        )
    return notes


# The 二级 labels the form knows (the dbt seed indicator_categories), by their normalised text.
LEVEL2_LABELS = {normalize(label): label for label in CATEGORY_LABELS["level2"]}
LEVEL2_ORDER = level2_in_print_order()
LEVEL2_BY_KEYWORD = level2_by_keyword()


def _level2_under_seal(
    table: Table, start: int, end: int, cols: GridColumns
) -> tuple[dict[int, Cell], list[str]]:
    """id(二级 cell) → the cell printing its label, for a 二级 label cell whose only line was a
    seal-high one dropped as a seal's text while its print bands (`Cell.under_seal`) read one
    category the form knows surely (dev lg_6919_自评 p6: `成器` over 成本指标, read so five
    times): left blank, the line would take the label above it. A label column prints only
    categories, so a band reading one is print, not the seal's glyphs. Bands reading none, or
    two, leave the cell blank; a note either way."""
    c = cols.by_field.get("level2")
    out: dict[int, Cell] = {}
    notes: list[str] = []
    if c is None:
        return out, notes
    for r in range(start, end):
        cell = table.at(r, c)
        if cell is None or cell.row != r or cell_text(cell) or not cell.under_seal:
            continue
        choice = _one_under_seal(cell.under_seal, lambda t: LEVEL2_LABELS.get(normalize(t)))
        if choice is not None:
            label = LEVEL2_LABELS[normalize(choice[0])]
            out[id(cell)] = replace(cell, text=label, confidence=round(choice[1], 4))
        what = (
            f"'{out[id(cell)].text}' taken"
            if choice
            else "no one category label surely, left blank"
        )
        notes.append(
            f"the level2 cell (row {cell.row}) read blank under a seal's line; its print re-read "
            f"at its row's height: {_said_under_seal(cell.under_seal)}: {what}"
        )
    return out, notes


# The dashes of NO_VALUE, with the stops and colons a speck is also read as; not its `/`,
# which may begin a unit printed apart from its number's (`/亩` after 元).
_MARKS_BEFORE_UNIT_RE = re.compile(
    rf"^(?:[{re.escape(''.join(m for m in NO_VALUE if m != '/'))}.:;,：；，。]\s*)+"
)


def _unit_after_a_mark(values: dict[str, SourcedValue], spec: FormSpec) -> list[str]:
    """A unit cell (a column of `spec` whose role is `unit`: 度量单位) OCR read with a no-value
    mark before its unit (`-%`, dev lg_2042 p4, at p=0.33): a cell prints a unit or a mark that
    it has none, never both, and a `%` is no speck, so the mark is (with a stop or colon beside
    it). The unit is kept; a cell that is the mark alone, or prints a digit, stays as read.
    Reported; the raw cell keeps the reading."""
    notes = []
    for field in (col.field for col in spec.columns if col.unit):
        value = values.get(field)
        if value is None:
            continue
        text = value.value.strip()
        unit = _MARKS_BEFORE_UNIT_RE.sub("", text)
        if unit == text or not unit or any(ch.isdigit() for ch in unit):
            continue
        values[field] = value.with_value(unit)
        notes.append(
            f"the {field} cell '{text}' prints a mark of no value before the unit '{unit}' (a "
            "speck: a cell prints a unit or a mark that it has none); read as the unit"
        )
    return notes


# What OCR reads a speck, a seal ring's arc or a rule's stroke left of a name as: marks no
# 三级 name begins with (a name begins with a word, a number or a bracket).
NAME_LEAD_MARKS = "-‐‑–—_~,，、.。·・:：;；"


def _name_after_a_mark(values: dict[str, SourcedValue]) -> list[str]:
    """A 三级 name OCR read with a mark before it (`-送戏下乡场次数`, `,资金使用合规率`: dev10
    lg_96521 p3, a seal's ring left of the names read into their lines): a printed name never
    begins with a dash, comma, stop or colon, so the mark is no print. The name is kept from
    its first word, number or bracket on; a cell of marks alone stays as read. Reported; the
    raw cell keeps the reading."""
    value = values.get("indicator_name")
    if value is None:
        return []
    text = value.value.strip()
    name = text.lstrip(NAME_LEAD_MARKS).lstrip()
    if name == text or not name:
        return []
    values["indicator_name"] = value.with_value(name)
    return [
        f"the 三级 name '{text}' begins with a mark no name begins with (a speck, a seal's or "
        f"a rule's stroke read into its line); read as '{name}'"
    ]


def _compose(
    values: dict[str, SourcedValue], parts: tuple[str, ...], main: str, blank: SourcedValue
) -> SourcedValue:
    """A value printed over several columns (`≥ | 90 | %`) as one printed string (`≥90%`), with
    the provenance of its main cell; 定性 (qualitative) is a kind, not part of the value. With
    its main cell blank or unread there is no value: a lone `≥` or `%` is not one (`blank`,
    the line's page with no cell, when the grid has no such column here)."""
    base = values.get(main)
    if base is None:
        return blank
    if not base.value.strip():
        return base
    texts = []
    for p in parts:
        v = values.get(p)
        if v is None:
            continue
        text = v.value.strip()
        if p == "target_nature" and normalize(text) in (*TARGET_KINDS, *NO_VALUE):
            continue
        texts.append(text)
    if len(texts) <= 1 and texts == [base.value.strip()]:
        return base
    return SourcedValue(**{**base.__dict__, "value": "".join(texts)})


def _units_of_numbers(
    values: dict[str, SourcedValue], parts: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None]:
    """The parts a value is composed of (`parts[0]` the value, then its unit columns) and a note:
    a unit counts what a number measures, so a value printing no digit (`显著增强`, `部分完成`)
    takes no unit — a unit beside it is another line's, run into this one where a rule was
    lost. Decided by the value, not by what the unit spells."""
    main = values.get(parts[0])
    if main is None or not main.value.strip() or re.search(r"\d", normalize(main.value)):
        return parts, None
    units = [p for p in parts[1:] if values.get(p) is not None and values[p].value.strip()]
    if not units:
        return parts, None
    printed = " ".join(values[p].value.strip() for p in units)
    return tuple(p for p in parts if p not in units), (
        f"the {parts[0]} '{main.value.strip()}' prints no number, so the unit '{printed}' "
        "beside it is not part of it (a unit measures a number)"
    )


def _label(
    cell: Cell | None,
    prev: SourcedValue | None,
    labels: dict[int, SourcedValue],
    where: Where,
) -> SourcedValue:
    """The 一级/二级 label of a line: a blank merged cell fills down the previous line's label, a
    repeated label is the same label, and every line under one merged cell shares one label."""
    if not cell_text(cell):
        return prev if prev is not None else where.sv(None)
    assert cell is not None
    if id(cell) not in labels:
        same = prev is not None and same_text(cell.text, prev.value)
        labels[id(cell)] = prev if same and prev is not None else where.sv(cell)
    return labels[id(cell)]
